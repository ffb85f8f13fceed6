/*
 * fed_export.c: open data for the social-economy maps (fed.h): this
 * instance's public profiles and their active public offers, as GeoJSON
 * (RFC 7946) and as JSON-LD with the schema.org vocabulary, each with
 * its licence. Only what anyone may see: public profiles of this
 * instance's cooperatives (never a peer's), offers as an anonymous
 * visitor sees them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../offer/offer.h"
#include "../util/check.h"
#include "../util/ids.h"
#include "../util/viewer.h"
#include "fed.h"

static const char sql_profiles[] =
    "SELECT e.id, e.doc, c.id, c.name, e.lat, e.lon, e.updated_at"
    " FROM entrepreneur e JOIN cooperative c ON c.id = e.cooperative_id"
    " WHERE e.visibility = 'public' AND c.peer_id IS NULL"
    " AND (?1 IS NULL OR e.departement = ?1) ORDER BY e.id";
static const char sql_offers[] =
    "SELECT o.id FROM offer o WHERE o.status = 'active' AND"
    " (o.entrepreneur_id = ?1 OR EXISTS (SELECT 1 FROM offer_member m"
    "  WHERE m.offer_id = o.id AND m.entrepreneur_id = ?1)) ORDER BY o.id";

/* labels: the trades' labels of a profile document. */
static json_t *labels(json_t *doc)
{
    json_t *out = json_array(), *t;
    size_t i;

    json_array_foreach(json_object_get(doc, "trades"), i, t)
        json_array_append(out, json_object_get(t, "label"));
    return out;
}

/* offers: the public active offers of entrepreneur id, as an anonymous
 * visitor sees them. */
static enum rc offers(struct db *db, long long id, json_t **out)
{
    json_t *ids = json_array(), *o;
    sqlite3_stmt *st = db_stmt(db, sql_offers);
    char s[24];
    size_t i;
    enum rc rc = ids ? RC_OK : RC_NOMEM;
    int src;

    *out = json_array();
    if (!st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, id);
        while ((src = sqlite3_step(st)) == SQLITE_ROW)
            json_array_append_new(ids, json_integer(sqlite3_column_int64(st, 0)));
        if (src != SQLITE_DONE) rc = db_rc(db, src);
    }
    db_stmt_done(st);
    for (i = 0; rc == RC_OK && i < json_array_size(ids); i++) {
        snprintf(s, sizeof s, "%lld",
                 (long long)json_integer_value(json_array_get(ids, i)));
        o = NULL;
        if (offer_get(db, &viewer_anonymous, s, &o) == RC_OK)
            json_array_append_new(*out, o);
        else
            json_decref(o);
    }
    json_decref(ids);
    return rc;
}

/* feature: the GeoJSON feature of a profile. */
static json_t *feature(const struct fed_self *self, long long id,
                       json_t *doc, long long coop, const char *coop_name,
                       double lat, double lon, const char *updated,
                       json_t *offs)
{
    json_t *loc = json_object_get(doc, "location"), *titles = json_array(),
           *o;
    char url[400];
    size_t i;

    json_array_foreach(offs, i, o)
        json_array_append(titles, json_object_get(o, "title"));
    snprintf(url, sizeof url, "%s/api/v1/entrepreneurs/%lld", self->base_url,
             id);
    return json_pack(
        "{s:s, s:o, s:{s:s, s:[f, f]}, s:{s:O, s:O, s:o, s:O, s:O, s:O,"
        " s:{s:o, s:s}, s:o, s:s, s:s}}",
        "type", "Feature", "id", ids_json(id), "geometry", "type", "Point",
        "coordinates", lon, lat, "properties", "name",
        json_object_get(doc, "display_name"), "headline",
        json_object_get(doc, "headline") ? json_object_get(doc, "headline")
                                         : json_null(),
        "trades", labels(doc), "city", json_object_get(loc, "city"),
        "postcode",
        json_object_get(loc, "postcode") ? json_object_get(loc, "postcode")
                                         : json_null(),
        "insee", json_object_get(loc, "insee"), "cooperative", "id",
        ids_json(coop), "name", coop_name, "offers", titles, "url", url,
        "updated_at", updated);
}

/* thing: the schema.org node of a profile (a ProfessionalService, member
 * of its cooperative, with its offers). */
static json_t *thing(const struct fed_self *self, long long id, json_t *doc,
                     const char *coop_name, double lat, double lon,
                     const char *updated, json_t *offs)
{
    json_t *loc = json_object_get(doc, "location"), *catalog = json_array(),
           *o;
    char url[400];
    size_t i;

    json_array_foreach(offs, i, o) {
        json_t *price = json_object_get(o, "price");
        json_t *item = json_pack(
            "{s:s, s:{s:s, s:O, s:O}}", "@type", "Offer", "itemOffered",
            "@type", "Service", "name", json_object_get(o, "title"),
            "description",
            json_object_get(o, "description") ? json_object_get(o, "description")
                                              : json_null());

        if (item && price && json_object_get(price, "min")) {
            json_object_set_new(
                item, "priceSpecification",
                json_pack("{s:s, s:O, s:O, s:s}", "@type",
                          "PriceSpecification", "minPrice",
                          json_object_get(price, "min"), "maxPrice",
                          json_object_get(price, "max")
                              ? json_object_get(price, "max")
                              : json_null(),
                          "priceCurrency", "EUR"));
        }
        if (item) json_array_append_new(catalog, item);
    }
    snprintf(url, sizeof url, "%s/api/v1/entrepreneurs/%lld", self->base_url,
             id);
    return json_pack(
        "{s:s, s:s, s:O, s:O, s:o, s:{s:s, s:O, s:O, s:s, s:O},"
        " s:{s:s, s:f, s:f}, s:{s:s, s:s}, s:s, s:o}",
        "@type", "ProfessionalService", "@id", url, "name",
        json_object_get(doc, "display_name"), "description",
        json_object_get(doc, "headline") ? json_object_get(doc, "headline")
                                         : json_null(),
        "knowsAbout", labels(doc), "address", "@type", "PostalAddress",
        "addressLocality", json_object_get(loc, "city"), "postalCode",
        json_object_get(loc, "postcode") ? json_object_get(loc, "postcode")
                                         : json_null(),
        "addressCountry", "FR", "identifier", json_object_get(loc, "insee"),
        "geo", "@type", "GeoCoordinates", "latitude", lat, "longitude", lon,
        "parentOrganization", "@type", "Organization", "name", coop_name,
        "dateModified", updated, "makesOffer", catalog);
}

enum rc fed_export(struct db *db, const struct fed_self *self,
                   const char *format, const char *licence,
                   const char *departement, json_t *errs, json_t **out)
{
    struct check c = {errs, ""};
    int geo = !strcmp(format, "geojson");
    json_t *items = json_array();
    sqlite3_stmt *st = NULL;
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    enum rc rc;
    int src = SQLITE_DONE;

    *out = NULL;
    if (!geo && strcmp(format, "jsonld"))
        check_fail(&c, "format", "must be geojson or jsonld");
    if (departement && (strlen(departement) < 2 || strlen(departement) > 3))
        check_fail(&c, "departement", "must be a département code (44, 2A, 974)");
    if (check_failed(&c) || !items) {
        json_decref(items);
        return items ? RC_INVALID : RC_NOMEM;
    }
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    rc = db_begin_read(db);
    if (rc == RC_OK && !(st = db_stmt(db, sql_profiles))) rc = RC_DB;
    if (rc == RC_OK) {
        if (departement)
            sqlite3_bind_text(st, 1, departement, -1, SQLITE_STATIC);
        /* Offers are read on the same connection: collect the rows
         * first. */
        while ((src = sqlite3_step(st)) == SQLITE_ROW) {
            json_t *row = json_pack(
                "[I, s, I, s, f, f, s]", (json_int_t)sqlite3_column_int64(st, 0),
                db_text(st, 1), (json_int_t)sqlite3_column_int64(st, 2),
                db_text(st, 3), sqlite3_column_double(st, 4),
                sqlite3_column_double(st, 5), db_text(st, 6));

            if (!row || json_array_append_new(items, row)) {
                rc = RC_NOMEM;
                break;
            }
        }
        if (rc == RC_OK && src != SQLITE_DONE) rc = db_rc(db, src);
        db_stmt_done(st);
    }
    if (rc == RC_OK) {
        json_t *list = json_array(), *row;
        size_t i;

        json_array_foreach(items, i, row) {
            long long id = json_integer_value(json_array_get(row, 0));
            json_t *doc = json_loads(json_string_value(json_array_get(row, 1)),
                                     0, NULL);
            json_t *offs = NULL, *x = NULL;
            const char *coop = json_string_value(json_array_get(row, 3));
            double lat = json_real_value(json_array_get(row, 4));
            double lon = json_real_value(json_array_get(row, 5));
            const char *upd = json_string_value(json_array_get(row, 6));

            if (!doc) continue;
            rc = offers(db, id, &offs);
            if (rc == RC_OK)
                x = geo ? feature(self, id, doc,
                                  json_integer_value(json_array_get(row, 2)),
                                  coop, lat, lon, upd, offs)
                        : thing(self, id, doc, coop, lat, lon, upd, offs);
            json_decref(doc);
            json_decref(offs);
            if (rc != RC_OK) break;
            if (!x || json_array_append_new(list, x)) {
                rc = RC_NOMEM;
                break;
            }
        }
        if (rc == RC_OK && geo)
            *out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "type",
                             "FeatureCollection", "license", licence,
                             "attribution", self->name, "source",
                             self->base_url, "generated_at", now, "features",
                             list);
        else if (rc == RC_OK)
            *out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "@context",
                             "https://schema.org", "@type", "Dataset",
                             "license", licence, "url", self->base_url,
                             "dateModified", now, "@graph", list);
        else
            json_decref(list);
        if (rc == RC_OK && !*out) rc = RC_NOMEM;
    }
    if (db_in_transaction(db)) {
        if (rc == RC_OK)
            rc = db_commit(db);
        else
            db_rollback(db);
    }
    json_decref(items);
    return rc;
}
