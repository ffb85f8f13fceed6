/*
 * catalogue.c: the public catalogue of a business or trade group (see
 * catalogue.h): who may see it, its members, offers and area as JSON,
 * and the offers as CSV. The SQL is in catalogue_db.c and group_db.c;
 * who may see what, in util/viewer.c.
 */
#include "catalogue.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/ids.h"
#include "../util/viewer.h"
#include "catalogue_db.h"
#include "group.h"
#include "group_db.h"

/* ================================================================ CSV */

void catalogue_csv_field(struct buf *b, const char *s)
{
    size_t n;
    int quote, formula;
    const char *p;

    if (!s || !*s) return;
    n = strlen(s);
    formula = strchr("=+-@\t\r", s[0]) != NULL;
    quote = strpbrk(s, ",;\"\r\n") != NULL || s[0] == ' ' || s[n - 1] == ' ';
    if (quote) buf_addc(b, '"');
    if (formula) buf_addc(b, '\'');
    for (p = s; *p; p++) {
        if (*p == '"') buf_addc(b, '"');
        buf_addc(b, *p);
    }
    if (quote) buf_addc(b, '"');
}

/* csv_number: a price bound as text: "40", "12.5"; "" when absent. */
static void csv_number(struct buf *b, json_t *v)
{
    char s[64];
    size_t n;

    if (json_is_integer(v)) {
        buf_addf(b, "%lld", (long long)json_integer_value(v));
        return;
    }
    if (!json_is_real(v) || !isfinite(json_real_value(v))) return;
    snprintf(s, sizeof s, "%.2f", json_real_value(v));
    n = strlen(s);
    while (n && s[n - 1] == '0') s[--n] = 0;
    if (n && s[n - 1] == '.') s[--n] = 0;
    buf_adds(b, s);
}

/* csv_joined: the field of an offer's list, each item's text (from
 * fn) joined by "; ". */
static void csv_joined(struct buf *b, json_t *list,
                       void (*fn)(struct buf *, json_t *))
{
    struct buf cell = {0}, one = {0};
    size_t i;
    json_t *item;

    json_array_foreach(list, i, item)
    {
        buf_reset(&one);
        fn(&one, item);
        if (!one.len) continue;
        if (cell.len) buf_adds(&cell, "; ");
        buf_add(&cell, one.p, one.len);
    }
    catalogue_csv_field(b, buf_str(&cell));
    if (buf_oom(&cell) || buf_oom(&one)) b->oom = 1;
    buf_free(&cell);
    buf_free(&one);
}

static const char *sget(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

static void trade_text(struct buf *b, json_t *t)
{
    const char *label = sget(t, "label"), *code = sget(t, "code");

    if (!*label) {
        buf_adds(b, code);
        return;
    }
    buf_adds(b, label);
    if (*code && strcmp(sget(t, "scheme"), "free"))
        buf_addf(b, " (%s:%s)", sget(t, "scheme"), code);
}

static void name_text(struct buf *b, json_t *m)
{
    buf_adds(b, sget(m, "name"));
}

/* The cooperatives of those who deliver an offer, each once. */
static void coops_cell(struct buf *b, json_t *delivered_by)
{
    json_t *names = json_array(), *m, *n;
    size_t i, j;

    json_array_foreach(delivered_by, i, m)
    {
        const char *c = sget(json_object_get(m, "cooperative"), "name");
        int seen = 0;

        json_array_foreach(names, j, n)
        {
            if (!strcmp(json_string_value(n), c)) seen = 1;
        }
        if (*c && !seen) json_array_append_new(names, json_string(c));
    }
    {
        struct buf cell = {0};

        json_array_foreach(names, i, n)
        {
            if (i) buf_adds(&cell, "; ");
            buf_adds(&cell, json_string_value(n));
        }
        catalogue_csv_field(b, buf_str(&cell));
        if (buf_oom(&cell) || !names) b->oom = 1;
        buf_free(&cell);
    }
    json_decref(names);
}

char *catalogue_csv(json_t *catalogue, size_t *len)
{
    struct buf b = {0};
    json_t *o;
    size_t i;
    char *s;

    *len = 0;
    buf_adds(&b, "id,title,description,trades,price_min,price_max,"
                 "price_unit,delivered_by,cooperatives\r\n");
    json_array_foreach(json_object_get(catalogue, "offers"), i, o)
    {
        json_t *price = json_object_get(o, "price");

        catalogue_csv_field(&b, sget(o, "id"));
        buf_addc(&b, ',');
        catalogue_csv_field(&b, sget(o, "title"));
        buf_addc(&b, ',');
        catalogue_csv_field(&b, sget(o, "description"));
        buf_addc(&b, ',');
        csv_joined(&b, json_object_get(o, "trades"), trade_text);
        buf_addc(&b, ',');
        csv_number(&b, json_object_get(price, "min"));
        buf_addc(&b, ',');
        csv_number(&b, json_object_get(price, "max"));
        buf_addc(&b, ',');
        catalogue_csv_field(&b, sget(price, "unit"));
        buf_addc(&b, ',');
        csv_joined(&b, json_object_get(o, "delivered_by"), name_text);
        buf_addc(&b, ',');
        coops_cell(&b, json_object_get(o, "delivered_by"));
        buf_adds(&b, "\r\n");
    }
    *len = b.len;
    s = buf_take(&b);
    if (!s) *len = 0;
    return s;
}

/* ============================================================== shapes */

static int is(const char *a, const char *b)
{
    return !strcmp(a, b);
}

/* visible: an accepted member whose profile v may see. */
static int visible(const struct viewer *v, const struct group_member *m)
{
    return is(m->status, "accepted") &&
           viewer_can_see(v, m->p.visibility, m->p.cooperative_id, m->p.id);
}

/* access: what v may do with g, from the facts viewer_group_access
 * weighs (as group.c gathers them). */
static enum rc access(const struct viewer *v, const struct group_row *g,
                      enum viewer_group_access *a)
{
    long long *coops = malloc((g->nm ? g->nm : 1) * sizeof *coops);
    struct viewer_group f;
    size_t i;

    *a = VIEWER_GROUP_NONE;
    if (!coops) return RC_NOMEM;
    memset(&f, 0, sizeof f);
    f.listed = g->kind != GROUP_TENDER_TEAM;
    for (i = 0; i < g->nm; i++) {
        const struct group_member *m = &g->m[i];

        coops[i] = m->p.cooperative_id;
        if (visible(v, m)) f.visible_members++;
        if (v->role == VIEWER_ENTREPRENEUR && v->entrepreneur_id &&
            m->p.id == v->entrepreneur_id) {
            f.member = 1;
            f.group_admin = is(m->status, "accepted") && is(m->role, "admin");
        }
    }
    f.coops = coops;
    f.ncoops = g->nm;
    *a = viewer_group_access(v, &f);
    free(coops);
    return RC_OK;
}

static json_t *coop_json(const struct dir_person *p)
{
    return json_pack("{s:o, s:s}", "id", ids_json(p->cooperative_id), "name",
                     p->cooperative);
}

/* member_of: the visible member of id, or NULL. */
static const struct group_member *
member_of(const struct viewer *v, const struct group_row *g, long long id)
{
    size_t i;

    for (i = 0; i < g->nm; i++)
        if (g->m[i].p.id == id && visible(v, &g->m[i])) return &g->m[i];
    return NULL;
}

static json_t *point(double lat, double lon)
{
    return json_pack("{s:s, s:[f, f]}", "type", "Point", "coordinates", lon,
                     lat);
}

/* members_json: the visible members with their places, the
 * cooperatives they come from, and their points on the map (features). */
static enum rc members_json(const struct viewer *v, const struct group_row *g,
                            json_t *places, json_t *members, json_t *coops,
                            json_t *features)
{
    size_t i, j;

    for (i = 0; i < g->nm; i++) {
        const struct group_member *m = &g->m[i];
        char key[24];
        json_t *p, *c, *radius;
        int seen = 0;

        if (!visible(v, m)) continue;
        snprintf(key, sizeof key, "%lld", m->p.id);
        p = json_object_get(places, key);
        if (!p) continue; /* the profile went since the load */
        radius = json_object_get(p, "radius_km");
        if (json_array_append_new(
                members,
                json_pack("{s:o, s:s, s:s, s:o, s:O, s:O, s:O, s:O,"
                          " s:{s:O, s:O}}",
                          "entrepreneur_id", ids_json(m->p.id), "name",
                          m->p.name, "role", m->role, "cooperative",
                          coop_json(&m->p), "city", json_object_get(p, "city"),
                          "departement", json_object_get(p, "departement"),
                          "lat", json_object_get(p, "lat"), "lon",
                          json_object_get(p, "lon"), "intervention",
                          "radius_km", radius, "zones",
                          json_object_get(p, "zones"))))
            return RC_NOMEM;
        if (json_array_append_new(
                features,
                json_pack("{s:s, s:o, s:{s:s, s:o, s:s, s:O, s:O}}", "type",
                          "Feature", "geometry",
                          point(json_real_value(json_object_get(p, "lat")),
                                json_real_value(json_object_get(p, "lon"))),
                          "properties", "kind", "member", "entrepreneur_id",
                          ids_json(m->p.id), "name", m->p.name, "city",
                          json_object_get(p, "city"), "radius_km", radius)))
            return RC_NOMEM;
        json_array_foreach(coops, j, c)
        {
            long long cid = 0;

            ids_parse_json(json_object_get(c, "id"), &cid);
            if (cid != m->p.cooperative_id) continue;
            json_object_set_new(
                c, "members",
                json_integer(json_integer_value(json_object_get(c, "members")) +
                             1));
            seen = 1;
        }
        if (!seen && json_array_append_new(
                         coops, json_pack("{s:o, s:s, s:i}", "id",
                                          ids_json(m->p.cooperative_id), "name",
                                          m->p.cooperative, "members", 1)))
            return RC_NOMEM;
    }
    return RC_OK;
}

/* zones_json: the members' zones as circles on the map, each zone once
 * with who works there; *nationwide when one works in all France. */
static enum rc zones_json(struct db *db, json_t *members, json_t *features,
                          int *nationwide)
{
    json_t *seen = json_object(), *m, *z;
    size_t i, j;
    enum rc rc = RC_OK;

    *nationwide = 0;
    if (!seen) return RC_NOMEM;
    json_array_foreach(members, i, m)
    {
        json_array_foreach(
            json_object_get(json_object_get(m, "intervention"), "zones"), j, z)
        {
            const char *zone = json_string_value(z);
            json_t *f, *ids;
            char name[256];
            double lat, lon, radius;
            int found;

            if (!zone) continue;
            if (is(zone, "FR")) {
                *nationwide = 1;
                continue;
            }
            f = json_object_get(seen, zone);
            if (!f) {
                rc = catalogue_db_zone(db, zone, name, sizeof name, &lat, &lon,
                                       &radius, &found);
                if (rc != RC_OK) goto out;
                if (!found) continue;
                f = json_pack("{s:s, s:o, s:{s:s, s:s, s:s, s:f, s:[]}}",
                              "type", "Feature", "geometry", point(lat, lon),
                              "properties", "kind", "zone", "zone", zone,
                              "name", name, "radius_km",
                              round(radius * 10) / 10, "entrepreneur_ids");
                if (!f || json_object_set_new(seen, zone, f) ||
                    json_array_append(features, f)) {
                    rc = RC_NOMEM;
                    goto out;
                }
            }
            ids = json_object_get(json_object_get(f, "properties"),
                                  "entrepreneur_ids");
            if (json_array_append(ids, json_object_get(m, "entrepreneur_id"))) {
                rc = RC_NOMEM;
                goto out;
            }
        }
    }
out:
    json_decref(seen);
    return rc;
}

/* trades_json: an offer's trades as {scheme, code, label}, the label
 * taken from the vocabulary when the document has none. */
static enum rc trades_json(struct db *db, json_t *in, json_t **out)
{
    json_t *a = json_array(), *t;
    size_t i;
    enum rc rc = RC_OK;

    *out = NULL;
    if (!a) return RC_NOMEM;
    json_array_foreach(in, i, t)
    {
        char label[512];
        const char *scheme = "", *code = "", *given = "";

        if (json_is_object(t)) {
            scheme = sget(t, "scheme");
            code = sget(t, "code");
            given = sget(t, "label");
        } else if (json_is_string(t)) {
            const char *s = json_string_value(t), *colon = strchr(s, ':');

            if (!colon) {
                given = s;
                scheme = "free";
            } else {
                /* "rome:F1603": the scheme before the colon. */
                snprintf(label, sizeof label, "%.*s", (int)(colon - s), s);
                json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "scheme",
                                                   label, "code", colon + 1,
                                                   "label", ""));
                continue;
            }
        } else {
            continue;
        }
        if (json_array_append_new(a,
                                  json_pack("{s:s, s:s, s:s}", "scheme", scheme,
                                            "code", code, "label", given))) {
            rc = RC_NOMEM;
            goto out;
        }
    }
    /* Labels missing: from the vocabulary. */
    json_array_foreach(a, i, t)
    {
        char label[512];

        if (*sget(t, "label") || !*sget(t, "code")) continue;
        rc = catalogue_db_trade_label(db, sget(t, "scheme"), sget(t, "code"),
                                      label, sizeof label);
        if (rc != RC_OK) goto out;
        json_object_set_new(t, "label",
                            json_string(*label ? label : sget(t, "code")));
    }
    *out = a;
    a = NULL;
out:
    json_decref(a);
    return rc;
}

/* price_json: {min, max, unit} of the document, or null. */
static json_t *price_json(json_t *p)
{
    json_t *o;

    if (!json_is_object(p)) return json_null();
    o = json_object();
    if (!o) return NULL;
    json_object_set(o, "min",
                    json_is_number(json_object_get(p, "min"))
                        ? json_object_get(p, "min")
                        : json_null());
    json_object_set(o, "max",
                    json_is_number(json_object_get(p, "max"))
                        ? json_object_get(p, "max")
                        : json_null());
    json_object_set(o, "unit",
                    json_is_string(json_object_get(p, "unit"))
                        ? json_object_get(p, "unit")
                        : json_null());
    return o;
}

static enum rc offers_json(struct db *db, const struct viewer *v,
                           const struct group_row *g, json_t *rows,
                           json_t *offers, char *latest, size_t size)
{
    json_t *row;
    size_t i, j;

    json_array_foreach(rows, i, row)
    {
        json_t *doc = json_object_get(row, "doc"), *by = json_array(),
               *photos = json_array(), *trades = NULL, *x, *o;
        long long id = json_integer_value(json_object_get(row, "id"));
        const char *desc =
            json_string_value(json_object_get(doc, "description"));
        enum rc rc;

        if (!by || !photos) {
            json_decref(by);
            json_decref(photos);
            return RC_NOMEM;
        }
        json_array_foreach(json_object_get(row, "delivered_by"), j, x)
        {
            const struct group_member *m =
                member_of(v, g, json_integer_value(x));

            if (m)
                json_array_append_new(
                    by, json_pack("{s:o, s:s, s:o}", "entrepreneur_id",
                                  ids_json(m->p.id), "name", m->p.name,
                                  "cooperative", coop_json(&m->p)));
        }
        json_array_foreach(json_object_get(row, "photos"), j, x)
        {
            long long pid = json_integer_value(json_object_get(x, "id"));
            char url[96];

            snprintf(url, sizeof url, "/api/v1/offers/%lld/photos/%lld", id,
                     pid);
            json_array_append_new(
                photos,
                json_pack("{s:o, s:s, s:O, s:O, s:O}", "id", ids_json(pid),
                          "url", url, "type", json_object_get(x, "type"),
                          "width", json_object_get(x, "width"), "height",
                          json_object_get(x, "height")));
        }
        rc = trades_json(db, json_object_get(doc, "trades"), &trades);
        if (rc != RC_OK) {
            json_decref(by);
            json_decref(photos);
            return rc;
        }
        o = json_pack("{s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:O}", "id",
                      ids_json(id), "title", sget(doc, "title"), "description",
                      desc ? json_string(desc) : json_null(), "trades", trades,
                      "price", price_json(json_object_get(doc, "price")),
                      "delivered_by", by, "photos", photos, "updated_at",
                      json_object_get(row, "updated_at"));
        if (!o || json_array_append_new(offers, o)) return RC_NOMEM;
        if (strcmp(sget(row, "updated_at"), latest) > 0)
            snprintf(latest, size, "%s", sget(row, "updated_at"));
    }
    return RC_OK;
}

/* build: the catalogue of g as v sees it (g loaded, v allowed). */
static enum rc build(struct db *db, const struct viewer *v,
                     const struct group_row *g, enum viewer_group_access a,
                     const char *public_url, json_t **out)
{
    json_t *places = NULL, *rows = NULL, *o = NULL;
    json_t *members = json_array(), *coops = json_array(),
           *offers = json_array(), *features = json_array();
    char latest[32], base[512], path[160];
    int nationwide = 0;
    size_t n;
    enum rc rc = RC_NOMEM;

    *out = NULL;
    if (!members || !coops || !offers || !features) goto out;
    rc = catalogue_db_places(db, g->id, &places);
    if (rc == RC_OK) rc = catalogue_db_offers(db, g->id, &rows);
    if (rc == RC_OK) rc = members_json(v, g, places, members, coops, features);
    if (rc == RC_OK) rc = zones_json(db, members, features, &nationwide);
    snprintf(latest, sizeof latest, "%s", g->updated_at);
    if (rc == RC_OK)
        rc = offers_json(db, v, g, rows, offers, latest, sizeof latest);
    if (rc != RC_OK) goto out;
    snprintf(base, sizeof base, "%s",
             public_url && *public_url ? public_url : "");
    n = strlen(base);
    while (n && base[n - 1] == '/') base[--n] = 0;
    snprintf(path, sizeof path, "/api/v1/catalogues/%s", g->slug);
    o = json_pack("{s:o, s:s, s:s, s:s, s:o, s:s++, s:{s:s, s:s+}, s:b, s:s,"
                  " s:o, s:o, s:o, s:{s:s, s:b, s:o}}",
                  "id", ids_json(g->id), "kind", group_kind_name(g->kind),
                  "name", g->name, "slug", g->slug, "description",
                  g->description ? json_string(g->description) : json_null(),
                  "url", base, "/catalogues/", g->slug, "exports", "json", path,
                  "csv", path, "?format=csv", "can_edit",
                  a == VIEWER_GROUP_EDIT, "updated_at", latest, "members",
                  members, "cooperatives", coops, "offers", offers, "area",
                  "type", "FeatureCollection", "nationwide", nationwide,
                  "features", features);
    members = coops = offers = features = NULL;
    if (!o) {
        rc = RC_NOMEM;
        goto out;
    }
    *out = o;
    rc = RC_OK;
out:
    json_decref(places);
    json_decref(rows);
    json_decref(members);
    json_decref(coops);
    json_decref(offers);
    json_decref(features);
    return rc;
}

enum rc catalogue_get(struct db *db, const struct viewer *v, const char *slug,
                      const char *public_url, json_t **out)
{
    struct group_row g;
    enum viewer_group_access a = VIEWER_GROUP_NONE;
    char kind[24];
    long long id = 0;
    enum rc rc;
    int k;

    *out = NULL;
    memset(&g, 0, sizeof g);
    if (!slug || !group_slug_valid(slug)) return RC_NOTFOUND;
    rc = db_begin_read(db);
    if (rc != RC_OK) return rc;
    rc = catalogue_db_slug(db, slug, &id, kind, sizeof kind);
    k = group_kind_parse(kind);
    if (rc == RC_OK && k != GROUP_BUSINESS && k != GROUP_TRADE)
        rc = RC_NOTFOUND;
    if (rc == RC_OK) rc = group_db_load(db, id, &g);
    if (rc == RC_OK) rc = access(v, &g, &a);
    if (rc == RC_OK) rc = build(db, v, &g, a, public_url, out);
    group_row_free(&g);
    if (rc == RC_OK) {
        rc = db_commit(db);
    } else {
        db_rollback(db);
    }
    if (rc != RC_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}
