/*
 * catalogue_db.h: the reads of a group's catalogue (catalogue_db.c), for
 * catalogue.c and the tests only: every SQL statement of the catalogue
 * is there. Read-only: tables grp, grp_member and entrepreneur
 * (migrations 0 -> 1, 6 -> 7), offer, offer_member, offer_trade and
 * offer_photo (7 -> 8), commune, departement, region (0 -> 1). The
 * offers are read here rather than through offer/, which builds on
 * group/ (a module does not include one that includes it).
 *
 * Functions run in the caller's (read) transaction; *out values are new
 * references. Not thread-safe beyond one struct db per thread.
 */
#ifndef ESSAIM_CATALOGUE_DB_H
#define ESSAIM_CATALOGUE_DB_H

#include <jansson.h>

#include "../store/db.h"

/* catalogue_db_slug: the id and kind ("trade_group"...) of the group of
 * this slug (kind: at least 16 bytes). RC_NOTFOUND. */
enum rc catalogue_db_slug(struct db *db, const char *slug, long long *id,
                          char *kind, size_t size);

/* catalogue_db_places: where the accepted members of group live and
 * work: {"<entrepreneur id>": {"city", "departement", "lat", "lon",
 * "radius_km" (number or null), "zones" ([...] of "dep:44", "reg:52",
 * "FR")}}. */
enum rc catalogue_db_places(struct db *db, long long group, json_t **out);

/* catalogue_db_offers: the active offers of group, oldest first:
 * [{"id", "doc" (the offer's JSON document, parsed), "updated_at",
 * "delivered_by": [entrepreneur ids as integers], "photos": [{"id",
 * "type", "width", "height"}]}]. A document that does not parse is
 * skipped (logged). */
enum rc catalogue_db_offers(struct db *db, long long group, json_t **out);

/* catalogue_db_trade_label: the label of trade scheme:code into buf
 * ("" when unknown). */
enum rc catalogue_db_trade_label(struct db *db, const char *scheme,
                                 const char *code, char *buf, size_t size);

/* catalogue_db_zone: a zone "dep:44" or "reg:52" as a rough circle: its
 * name, the centre of its communes' box and half the box's diagonal in
 * km (*found 0 for an unknown code or one without coordinates). */
enum rc catalogue_db_zone(struct db *db, const char *zone, char *name,
                          size_t size, double *lat, double *lon,
                          double *radius_km, int *found);

#endif
