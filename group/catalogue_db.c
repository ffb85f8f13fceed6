/*
 * catalogue_db.c: the reads of a group's catalogue: every SQL statement
 * of group/catalogue.c (see catalogue_db.h).
 */
#include "catalogue_db.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../util/log.h"

static const char sql_slug[] = "SELECT id, kind FROM grp WHERE slug = ?1";
static const char sql_places[] =
    "SELECT e.id, coalesce(json_extract(e.doc, '$.location.city'), c.name,"
    " ''), e.departement, e.lat, e.lon, e.radius_km, e.zones"
    " FROM grp_member m JOIN entrepreneur e ON e.id = m.entrepreneur_id"
    " LEFT JOIN commune c ON c.insee = e.insee"
    " WHERE m.group_id = ?1 AND m.status = 'accepted'";
static const char sql_offers[] =
    "SELECT id, doc, updated_at FROM offer"
    " WHERE group_id = ?1 AND status = 'active' ORDER BY id";
static const char sql_offer_members[] =
    "SELECT om.offer_id, om.entrepreneur_id FROM offer_member om"
    " JOIN offer o ON o.id = om.offer_id"
    " WHERE o.group_id = ?1 AND o.status = 'active'"
    " ORDER BY om.offer_id, om.entrepreneur_id";
static const char sql_offer_photos[] =
    "SELECT p.offer_id, p.id, p.type, p.width, p.height FROM offer_photo p"
    " JOIN offer o ON o.id = p.offer_id"
    " WHERE o.group_id = ?1 AND o.status = 'active' ORDER BY p.id";
static const char sql_trade_label[] =
    "SELECT label FROM trade WHERE scheme = ?1 AND code = ?2";
static const char sql_dep[] =
    "SELECT d.name, min(c.lat), max(c.lat), min(c.lon), max(c.lon)"
    " FROM departement d JOIN commune c ON c.departement = d.code"
    " WHERE d.code = ?1 AND c.lat IS NOT NULL";
static const char sql_reg[] =
    "SELECT r.name, min(c.lat), max(c.lat), min(c.lon), max(c.lon)"
    " FROM region r JOIN commune c ON c.region = r.code"
    " WHERE r.code = ?1 AND c.lat IS NOT NULL";

/* The statements of this file, for tests/test_catalogue.c (each must
 * prepare against the schema). */
const char *const catalogue_sql[] = {
    sql_slug,          sql_places,       sql_offers,
    sql_offer_members, sql_offer_photos, sql_trade_label,
    sql_dep,           sql_reg,          NULL};

enum rc catalogue_db_slug(struct db *db, const char *slug, long long *id,
                          char *kind, size_t size)
{
    sqlite3_stmt *st = db_stmt(db, sql_slug);
    int src;

    *id = 0;
    if (size) *kind = 0;
    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_TRANSIENT);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        snprintf(kind, size, "%s", db_text(st, 1));
    }
    db_stmt_done(st);
    if (src == SQLITE_DONE) return RC_NOTFOUND;
    return src == SQLITE_ROW ? RC_OK : db_rc(db, src);
}

/* zones_json: "dep:44 reg:52" -> ["dep:44", "reg:52"]. */
static json_t *zones_json(const char *s)
{
    json_t *a = json_array();

    while (a && *s) {
        const char *end;

        while (*s == ' ') s++;
        end = s;
        while (*end && *end != ' ') end++;
        if (end > s)
            json_array_append_new(a, json_stringn(s, (size_t)(end - s)));
        s = end;
    }
    return a;
}

enum rc catalogue_db_places(struct db *db, long long group, json_t **out)
{
    sqlite3_stmt *st = db_stmt(db, sql_places);
    json_t *o = json_object();
    enum rc rc = RC_NOMEM;
    int src;

    *out = NULL;
    if (!st) {
        rc = RC_DB;
        goto out;
    }
    if (!o) goto out;
    sqlite3_bind_int64(st, 1, group);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        char key[24];
        json_t *p = json_pack("{s:s, s:s, s:f, s:f, s:o, s:o}", "city",
                              db_text(st, 1), "departement", db_text(st, 2),
                              "lat", sqlite3_column_double(st, 3), "lon",
                              sqlite3_column_double(st, 4), "radius_km",
                              sqlite3_column_type(st, 5) == SQLITE_NULL
                                  ? json_null()
                                  : json_real(sqlite3_column_double(st, 5)),
                              "zones", zones_json(db_text(st, 6)));

        snprintf(key, sizeof key, "%lld", sqlite3_column_int64(st, 0));
        if (!p || json_object_set_new(o, key, p)) goto out;
    }
    if (src != SQLITE_DONE) {
        rc = db_rc(db, src);
        goto out;
    }
    *out = o;
    o = NULL;
    rc = RC_OK;
out:
    db_stmt_done(st);
    json_decref(o);
    return rc;
}

/* by_id: the offer of id in offers (a small array, searched in order). */
static json_t *by_id(json_t *offers, long long id)
{
    size_t i;
    json_t *o;

    json_array_foreach(offers, i, o)
    {
        if (json_integer_value(json_object_get(o, "id")) == id) return o;
    }
    return NULL;
}

static enum rc read_offers(struct db *db, long long group, json_t *offers)
{
    sqlite3_stmt *st = db_stmt(db, sql_offers);
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, group);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);
        json_t *doc = json_loads(db_text(st, 1), 0, NULL), *o;

        if (!json_is_object(doc)) {
            log_error("offer %lld: its document does not parse", id);
            json_decref(doc);
            continue;
        }
        o = json_pack("{s:I, s:o, s:s, s:[], s:[]}", "id", (json_int_t)id,
                      "doc", doc, "updated_at", db_text(st, 2), "delivered_by",
                      "photos");
        if (!o || json_array_append_new(offers, o)) {
            db_stmt_done(st);
            return RC_NOMEM;
        }
    }
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

static enum rc read_members(struct db *db, long long group, json_t *offers)
{
    sqlite3_stmt *st = db_stmt(db, sql_offer_members);
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, group);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = by_id(offers, sqlite3_column_int64(st, 0));

        if (o &&
            json_array_append_new(json_object_get(o, "delivered_by"),
                                  json_integer(sqlite3_column_int64(st, 1)))) {
            db_stmt_done(st);
            return RC_NOMEM;
        }
    }
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

static json_t *int_or_null(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL
               ? json_null()
               : json_integer(sqlite3_column_int64(st, i));
}

static enum rc read_photos(struct db *db, long long group, json_t *offers)
{
    sqlite3_stmt *st = db_stmt(db, sql_offer_photos);
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, group);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = by_id(offers, sqlite3_column_int64(st, 0));

        if (o && json_array_append_new(
                     json_object_get(o, "photos"),
                     json_pack("{s:I, s:s, s:o, s:o}", "id",
                               (json_int_t)sqlite3_column_int64(st, 1), "type",
                               db_text(st, 2), "width", int_or_null(st, 3),
                               "height", int_or_null(st, 4)))) {
            db_stmt_done(st);
            return RC_NOMEM;
        }
    }
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

enum rc catalogue_db_offers(struct db *db, long long group, json_t **out)
{
    json_t *offers = json_array();
    enum rc rc = RC_NOMEM;

    *out = NULL;
    if (!offers) goto out;
    rc = read_offers(db, group, offers);
    if (rc == RC_OK) rc = read_members(db, group, offers);
    if (rc == RC_OK) rc = read_photos(db, group, offers);
    if (rc != RC_OK) goto out;
    *out = offers;
    offers = NULL;
out:
    json_decref(offers);
    return rc;
}

enum rc catalogue_db_trade_label(struct db *db, const char *scheme,
                                 const char *code, char *buf, size_t size)
{
    sqlite3_stmt *st = db_stmt(db, sql_trade_label);
    int src;

    if (size) *buf = 0;
    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, scheme, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) snprintf(buf, size, "%s", db_text(st, 0));
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* km: great-circle distance between two points, kilometres. */
static double km(double lat1, double lon1, double lat2, double lon2)
{
    const double r = M_PI / 180;
    double dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * r) * cos(lat2 * r) * sin(dlon / 2) * sin(dlon / 2);

    return 6371.0 * 2 * atan2(sqrt(a), sqrt(1 - a));
}

enum rc catalogue_db_zone(struct db *db, const char *zone, char *name,
                          size_t size, double *lat, double *lon,
                          double *radius_km, int *found)
{
    sqlite3_stmt *st = NULL;
    int src;

    *found = 0;
    *lat = *lon = *radius_km = 0;
    if (size) *name = 0;
    if (!strncmp(zone, "dep:", 4))
        st = db_stmt(db, sql_dep);
    else if (!strncmp(zone, "reg:", 4))
        st = db_stmt(db, sql_reg);
    else
        return RC_OK;
    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, zone + 4, -1, SQLITE_TRANSIENT);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW && sqlite3_column_type(st, 1) != SQLITE_NULL) {
        double lat0 = sqlite3_column_double(st, 1);
        double lat1 = sqlite3_column_double(st, 2);
        double lon0 = sqlite3_column_double(st, 3);
        double lon1 = sqlite3_column_double(st, 4);

        snprintf(name, size, "%s", db_text(st, 0));
        *lat = (lat0 + lat1) / 2;
        *lon = (lon0 + lon1) / 2;
        *radius_km = km(*lat, *lon, lat1, lon1);
        *found = 1;
    }
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}
