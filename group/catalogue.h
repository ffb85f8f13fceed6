/*
 * catalogue.h: the public catalogue of a business group or a trade
 * group (/catalogues/{slug}): its public face, the members the viewer
 * may see with their cooperatives and places, its active offers, and the
 * area its members cover, as JSON and as CSV (one row per offer).
 *
 * The catalogue as GET /api/v1/catalogues/{slug} answers it:
 *
 *   {"id", "kind" (business_group, trade_group), "name", "slug",
 *    "description", "url" (the page: PUBLIC_URL/catalogues/SLUG),
 *    "exports": {"json", "csv"} (paths), "can_edit" (v edits the group),
 *    "updated_at" (the group's or its latest offer's),
 *    "members": [{"entrepreneur_id", "name", "role", "cooperative": {"id",
 *                 "name"}, "city", "departement", "lat", "lon",
 *                 "intervention": {"radius_km" (or null), "zones"}}],
 *    "cooperatives": [{"id", "name", "members"}],
 *    "offers": [{"id", "title", "description", "trades": [{"scheme",
 *                "code", "label"}], "price": {"min", "max", "unit"} (or
 *                null), "delivered_by": [{"entrepreneur_id", "name",
 *                "cooperative": {"id", "name"}}], "photos": [{"id",
 *                "url", "type", "width", "height"}], "updated_at"}],
 *    "area": {"type": "FeatureCollection", "nationwide" (a member works
 *             anywhere in France), "features": [GeoJSON points
 *             ([lon, lat]) with "properties": {"kind": "member",
 *             "entrepreneur_id", "name", "city", "radius_km"} or {"kind":
 *             "zone", "zone" ("dep:76"), "name", "radius_km" (a circle
 *             round the zone's communes: approximate), "entrepreneur_ids"}]}}
 *
 * Members are the accepted members whose profiles the viewer may see
 * (util/viewer.h): nobody else's name or place shows, in the members,
 * the offers' delivered_by or the area. Offers are the group's active
 * ones (retired offers are absent).
 *
 * Ownership: *out values are new references; strings returned are the
 * caller's to free(). Thread-safe given one struct db per thread; the
 * CSV functions are pure.
 */
#ifndef ESSAIM_CATALOGUE_H
#define ESSAIM_CATALOGUE_H

#include <jansson.h>
#include <stddef.h>

#include "../store/db.h"
#include "../util/buf.h"

struct viewer;

/* catalogue_get: the catalogue of the group of this slug as v may see
 * it. Every business and trade group has one, public (its offers are
 * public: viewer_offer_access), even when v may see none of its members
 * (then "members" is empty). RC_NOTFOUND for a slug that is not valid or
 * not a group's, and for a tender team (no catalogue). public_url (may
 * be NULL) makes "url". */
enum rc catalogue_get(struct db *db, const struct viewer *v, const char *slug,
                      const char *public_url, json_t **out);

/* catalogue_csv_field: append s to b as one CSV field (RFC 4180): in
 * double quotes, inner quotes doubled, when it holds a comma, a
 * semicolon, a quote, a line break or leading or trailing spaces; a text
 * starting with =, +, -, @, a tab or a carriage return (a formula to a
 * spreadsheet) gets a leading apostrophe. NULL is an empty field. */
void catalogue_csv_field(struct buf *b, const char *s);

/* catalogue_csv: the offers of a catalogue (as catalogue_get answers
 * it) as CSV, UTF-8, CRLF line ends, a header line then one row per
 * offer: id, title, description, trades ("Label (scheme:code)" joined by
 * "; "), price_min, price_max, price_unit, delivered_by (names joined by
 * "; "), cooperatives (of those who deliver it, joined by "; "). A new
 * string (free() it) of *len bytes, or NULL when out of memory. */
char *catalogue_csv(json_t *catalogue, size_t *len);

#endif
