/*
 * dir_ent.c: entrepreneurs (see dir_ent.h).
 */
#include "dir_ent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../search/search_index.h"
#include "../search/search_place.h"
#include "../search/search_text.h"
#include "../search/search_trade.h"
#include "../util/buf.h"
#include "../util/check.h"
#include "../util/ids.h"
#include "../util/viewer.h"
#include "dir_audit.h"
#include "dir_coop.h"
#include "dir_db.h"

/* The document keys, in the order the API shows them. */
static const char *const doc_keys[] = {
    "display_name", "headline",   "description",    "trades",
    "skills",       "location",   "intervention",   "availability",
    "status",       "qualifications", "visibility", "references",
    NULL};

/* resolve_coop: the cooperative of in (cooperative_id or
 * cooperative_external_id) into *id; 0 when found, -1 after an error. */
static int resolve_coop(struct db *db, const struct check *c, json_t *in,
                        long long *id)
{
    json_t *byid = json_object_get(in, "cooperative_id");
    json_t *byext = json_object_get(in, "cooperative_external_id");
    json_t *row = NULL;
    long long other;
    enum rc rc;

    if (byid && !json_is_null(byid)) {
        if (!ids_parse_json(byid, id)) {
            check_fail(c, "cooperative_id", "must be a cooperative id");
            return -1;
        }
        rc = dir_db_coop_get(db, *id, &row);
        json_decref(row);
        if (rc == RC_NOTFOUND) {
            check_fail(c, "cooperative_id", "unknown cooperative %lld", *id);
            return -1;
        }
        if (rc != RC_OK) goto failed;
        if (byext && !json_is_null(byext) && json_is_string(byext) &&
            (dir_db_coop_by_external(db, json_string_value(byext), &other) !=
                 RC_OK ||
             other != *id)) {
            check_fail(c, "cooperative_external_id",
                       "names another cooperative than cooperative_id");
            return -1;
        }
        return 0;
    }
    if (byext && !json_is_null(byext)) {
        if (!json_is_string(byext) || !*json_string_value(byext)) {
            check_fail(c, "cooperative_external_id", "must be a string");
            return -1;
        }
        rc = dir_db_coop_by_external(db, json_string_value(byext), id);
        if (rc == RC_NOTFOUND) {
            check_fail(c, "cooperative_external_id",
                       "no cooperative has external_id '%s'",
                       json_string_value(byext));
            return -1;
        }
        if (rc != RC_OK) goto failed;
        return 0;
    }
    check_fail(c, "cooperative_id",
               "is required (or cooperative_external_id)");
    return -1;
failed:
    check_fail(c, "cooperative_id", "cannot be checked now");
    return -1;
}

/* check_intervention: {radius_km} and/or {zones}; default radius. */
static int check_intervention(struct db *db, const struct check *c,
                              json_t *in, json_t *out)
{
    static const char *const known[] = {"radius_km", "zones", NULL};
    json_t *v = json_object_get(in, "intervention"), *clean, *zones, *z;
    struct check sub;
    char name[64];
    size_t i;
    int bad = 0;

    if (!v || json_is_null(v)) {
        json_object_set_new(out, "intervention",
                            json_pack("{s:i}", "radius_km",
                                      DIR_ENT_RADIUS_DEFAULT));
        return 0;
    }
    sub = check_nested(c, "intervention", -1, name, sizeof name);
    if (!json_is_object(v)) {
        check_fail(c, "intervention", "must be {radius_km} or {zones}");
        return -1;
    }
    if (check_unknown(&sub, v, known)) return -1;
    clean = json_object();
    if (check_real(&sub, v, "radius_km", 0, 1000, 0, clean) < 0) bad = 1;
    zones = json_object_get(v, "zones");
    if (zones && !json_is_null(zones)) {
        json_t *arr = json_array();

        if (!json_is_array(zones) ||
            json_array_size(zones) > DIR_ENT_ZONES_MAX) {
            check_fail(&sub, "zones", "must be an array of at most %d zones"
                                      " like \"dep:44\", \"reg:52\", \"FR\"",
                       DIR_ENT_ZONES_MAX);
            bad = 1;
        }
        json_array_foreach(zones, i, z) {
            char zone[16];
            int ok = json_is_string(z)
                         ? search_place_check_zone(db, json_string_value(z),
                                                   zone, sizeof zone)
                         : 0;
            size_t j;
            json_t *prev;
            int dup = 0;

            if (ok <= 0) {
                char zname[96];
                struct check zc =
                    check_nested(&sub, "zones", (int)i, zname, sizeof zname);

                check_fail(&zc, NULL, ok < 0 ? "cannot be checked now"
                                             : "unknown zone: use dep:CODE,"
                                               " reg:CODE or FR");
                bad = 1;
                continue;
            }
            json_array_foreach(arr, j, prev)
                if (!strcmp(json_string_value(prev), zone)) dup = 1;
            if (!dup) json_array_append_new(arr, json_string(zone));
        }
        if (json_array_size(arr))
            json_object_set_new(clean, "zones", arr);
        else
            json_decref(arr);
    }
    if (!bad && !json_object_size(clean)) {
        check_fail(c, "intervention", "needs radius_km or zones");
        bad = 1;
    }
    if (bad) {
        json_decref(clean);
        return -1;
    }
    json_object_set_new(out, "intervention", clean);
    return 1;
}

static int check_availability(const struct check *c, json_t *in, json_t *out)
{
    static const char *const known[] = {"from", "until", "days_per_week",
                                        NULL};
    json_t *v = json_object_get(in, "availability"), *clean;
    const char *from, *until;
    struct check sub;
    char name[64];

    if (!v || json_is_null(v)) return 0;
    sub = check_nested(c, "availability", -1, name, sizeof name);
    if (!json_is_object(v)) {
        check_fail(c, "availability", "must be {from, until, days_per_week}");
        return -1;
    }
    clean = json_object();
    if (check_unknown(&sub, v, known) ||
        check_date(&sub, v, "from", 0, clean) < 0 ||
        check_date(&sub, v, "until", 0, clean) < 0 ||
        check_real(&sub, v, "days_per_week", 0, 7, 0, clean) < 0) {
        json_decref(clean);
        return -1;
    }
    from = json_string_value(json_object_get(clean, "from"));
    until = json_string_value(json_object_get(clean, "until"));
    if (from && until && strcmp(until, from) < 0) {
        check_fail(&sub, "until", "is before from");
        json_decref(clean);
        return -1;
    }
    json_object_set_new(out, "availability", clean);
    return 1;
}

/* check_year: a whole year from 1900 to 2100. */
static int check_year(const struct check *c, json_t *item, json_t *out)
{
    json_t *y = json_object_get(item, "year");

    if (!y || json_is_null(y)) return 0;
    if (!json_is_integer(y) || json_integer_value(y) < 1900 ||
        json_integer_value(y) > 2100) {
        check_fail(c, "year", "must be a whole year from 1900 to 2100");
        return -1;
    }
    json_object_set(out, "year", y);
    return 1;
}

static int check_references(const struct check *c, json_t *in, json_t *out)
{
    static const char *const known[] = {"title", "client", "year",
                                        "description", "url", NULL};
    json_t *v = json_object_get(in, "references"), *arr, *item;
    size_t i;
    int bad = 0;

    if (!v || json_is_null(v)) return 0;
    if (!json_is_array(v) || json_array_size(v) > DIR_ENT_REFERENCES_MAX) {
        check_fail(c, "references", "must be an array of at most %d items",
                   DIR_ENT_REFERENCES_MAX);
        return -1;
    }
    arr = json_array();
    json_array_foreach(v, i, item) {
        char name[64];
        struct check sub =
            check_nested(c, "references", (int)i, name, sizeof name);
        json_t *clean = json_object(), *wrap = NULL;

        if (json_is_string(item)) /* a bare title */
            item = wrap = json_pack("{s:O}", "title", item);
        if (!json_is_object(item)) {
            check_fail(&sub, NULL, "must be {title, client, year,"
                                   " description, url}");
            bad = 1;
        } else if (check_unknown(&sub, item, known) ||
                   check_string(&sub, item, "title", 200, CHECK_REQUIRED,
                                clean) < 0 ||
                   check_string(&sub, item, "client", 200, 0, clean) < 0 ||
                   check_year(&sub, item, clean) < 0 ||
                   check_string(&sub, item, "description", 2000,
                                CHECK_MULTILINE, clean) < 0 ||
                   check_string(&sub, item, "url", 500, 0, clean) < 0) {
            bad = 1;
        } else {
            json_array_append(arr, clean);
        }
        json_decref(clean);
        json_decref(wrap);
    }
    if (bad) {
        json_decref(arr);
        return -1;
    }
    json_object_set_new(out, "references", arr);
    return 1;
}

/* validate: in -> clean document and the cooperative id (coop NULL: in
 * names none, the caller places it). */
static enum rc validate(struct db *db, json_t *in, json_t *errs,
                        long long *coop, json_t **out)
{
    static const char *const known[] = {
        "id", "external_id", "cooperative_id", "cooperative_external_id",
        "cooperative", "display_name", "headline", "description", "trades",
        "skills", "location", "intervention", "availability", "status",
        "qualifications", "visibility", "references", "created_at",
        "updated_at", NULL};
    static const char *const statuses[] = {"porteur", "salarie", "associe",
                                           NULL};
    static const char *const visibilities[] = {"private", "cooperative",
                                               "network", "public", NULL};
    struct check c = {errs, ""};
    json_t *clean = json_object();
    const char *const *k;

    *out = NULL;
    if (!clean) return RC_NOMEM;
    check_unknown(&c, in, known);
    if (coop) resolve_coop(db, &c, in, coop);
    check_string(&c, in, "external_id", DIR_EXTERNAL_ID_MAX, 0, clean);
    check_string(&c, in, "display_name", DIR_ENT_NAME_MAX, CHECK_REQUIRED,
                 clean);
    check_string(&c, in, "headline", DIR_ENT_HEADLINE_MAX, 0, clean);
    check_string(&c, in, "description", DIR_DESCRIPTION_MAX, CHECK_MULTILINE,
                 clean);
    if (search_trade_check(db, &c, in, "trades", DIR_ENT_TRADES_MAX, clean) ==
        0)
        json_object_set_new(clean, "trades", json_array());
    if (check_strings(&c, in, "skills", DIR_ENT_SKILLS_MAX, DIR_ENT_SKILL_MAX,
                      clean) == 0)
        json_object_set_new(clean, "skills", json_array());
    search_place_check(db, &c, in, "location", CHECK_REQUIRED, clean, NULL);
    check_intervention(db, &c, in, clean);
    check_availability(&c, in, clean);
    if (check_enum(&c, in, "status", statuses, 0, clean) == 0)
        json_object_set_new(clean, "status", json_string("porteur"));
    if (check_strings(&c, in, "qualifications", DIR_ENT_QUALIFICATIONS_MAX,
                      DIR_ENT_SKILL_MAX, clean) == 0)
        json_object_set_new(clean, "qualifications", json_array());
    if (check_enum(&c, in, "visibility", visibilities, 0, clean) == 0)
        json_object_set_new(clean, "visibility", json_string("cooperative"));
    if (check_references(&c, in, clean) == 0)
        json_object_set_new(clean, "references", json_array());
    if (check_failed(&c)) {
        json_decref(clean);
        return RC_INVALID;
    }
    /* Put the keys in the API's order; external_id stays aside. */
    *out = json_object();
    if (*out) {
        json_object_set(*out, "external_id",
                        json_object_get(clean, "external_id"));
        if (json_is_null(json_object_get(*out, "external_id")))
            json_object_del(*out, "external_id");
        for (k = doc_keys; *k; k++)
            if (json_object_get(clean, *k))
                json_object_set(*out, *k, json_object_get(clean, *k));
    }
    json_decref(clean);
    return *out ? RC_OK : RC_NOMEM;
}

/* shape: the API document of a row from dir_db_ent_get/list. */
static json_t *shape(json_t *row)
{
    json_t *doc = json_object_get(row, "doc"), *o = json_object();
    json_int_t coop = json_integer_value(json_object_get(row,
                                                         "cooperative_id"));
    const char *const *k;

    if (!o) return NULL;
    json_object_set_new(
        o, "id", ids_json(json_integer_value(json_object_get(row, "id"))));
    json_object_set(o, "external_id", json_object_get(row, "external_id"));
    json_object_set_new(o, "cooperative_id", ids_json(coop));
    json_object_set_new(o, "cooperative",
                        json_pack("{s:o, s:O}", "id", ids_json(coop), "name",
                                  json_object_get(row, "cooperative_name")));
    for (k = doc_keys; *k; k++) {
        json_t *v = json_object_get(doc, *k);

        json_object_set(o, *k, v ? v : json_null());
    }
    json_object_set(o, "created_at", json_object_get(row, "created_at"));
    json_object_set(o, "updated_at", json_object_get(row, "updated_at"));
    /* A profile pulled from a peer instance: its address there. */
    if (json_is_string(json_object_get(row, "origin"))) {
        json_object_set(o, "origin", json_object_get(row, "origin"));
        json_object_set(o, "fetched_at", json_object_get(row, "updated_at"));
    }
    return o;
}

static enum rc get_shaped(struct db *db, long long id, json_t **out)
{
    json_t *row = NULL;
    enum rc rc = dir_db_ent_get(db, id, &row);

    *out = NULL;
    if (rc == RC_OK && !(*out = shape(row))) rc = RC_NOMEM;
    json_decref(row);
    return rc;
}

/* zones_text: "dep:44 FR" from the intervention zones. */
static void zones_text(json_t *doc, struct buf *b)
{
    json_t *z = json_object_get(json_object_get(doc, "intervention"),
                                "zones"), *v;
    size_t i;

    json_array_foreach(z, i, v) {
        if (b->len) buf_addc(b, ' ');
        buf_adds(b, json_string_value(v));
    }
    buf_adds(b, "");
}

/* stored_text: the document as stored: without external_id, which has
 * its column. New string (free()), NULL when out of memory. */
static char *stored_text(json_t *doc)
{
    json_t *ext = json_incref(json_object_get(doc, "external_id"));
    char *text;

    json_object_del(doc, "external_id");
    text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(15));
    if (ext) json_object_set(doc, "external_id", ext);
    json_decref(ext);
    return text;
}

/* save: write the clean document doc as entrepreneur id of cooperative
 * was (0, 0: new, or the owner of its external_id in coop) in cooperative
 * coop, with its trades, index entry and audit entry, in one transaction,
 * if v may (RC_FORBIDDEN else). */
static enum rc save(struct db *db, const struct viewer *v, long long id,
                    long long was, long long coop, json_t *doc,
                    const char *stored, const struct search_entry *entry,
                    json_t *errs, int *created, json_t **out)
{
    json_t *loc = json_object_get(doc, "location");
    json_t *iv = json_object_get(doc, "intervention");
    json_t *av = json_object_get(doc, "availability");
    json_t *radius = json_object_get(iv, "radius_km");
    struct dir_ent_row r;
    struct buf zones = {0};
    long long other = 0;
    char *text = NULL;
    enum rc rc = RC_NOMEM;

    if (out) *out = NULL;
    *created = 0;
    text = stored ? strdup(stored) : stored_text(doc);
    zones_text(doc, &zones);
    if (!text || buf_oom(&zones)) goto out;
    memset(&r, 0, sizeof r);
    r.cooperative_id = coop;
    r.external_id = json_string_value(json_object_get(doc, "external_id"));
    r.display_name = json_string_value(json_object_get(doc, "display_name"));
    r.status = json_string_value(json_object_get(doc, "status"));
    r.visibility = json_string_value(json_object_get(doc, "visibility"));
    r.insee = json_string_value(json_object_get(loc, "insee"));
    r.departement = json_string_value(json_object_get(loc, "departement"));
    r.lat = json_number_value(json_object_get(loc, "lat"));
    r.lon = json_number_value(json_object_get(loc, "lon"));
    r.radius_km = radius ? json_number_value(radius) : -1;
    r.zones = buf_str(&zones);
    r.avail_from = json_string_value(json_object_get(av, "from"));
    r.avail_until = json_string_value(json_object_get(av, "until"));
    r.doc = text;

    rc = db_begin(db);
    if (rc != RC_OK) goto out;
    /* A peer's cooperative takes profiles only from its pulls. */
    if (v->account_id && dir_db_coop_remote(db, coop)) rc = RC_FORBIDDEN;
    if (rc == RC_OK) rc = db_next_seq(db, &r.seq);
    if (rc == RC_OK && r.external_id) {
        rc = dir_db_ent_by_external(db, coop, r.external_id, &other);
        if (rc == RC_OK && id && other != id) {
            struct check c = {errs, ""};

            check_fail(&c, "external_id",
                       "already used by entrepreneur %lld of this"
                       " cooperative",
                       other);
            rc = RC_CONFLICT;
        } else if (rc == RC_OK) {
            id = other;
            was = coop;
        } else if (rc == RC_NOTFOUND) {
            rc = RC_OK;
        }
    }
    /* An update takes the right to edit the profile where it is and, to
     * move it, to place it in its new cooperative; a creation the right
     * to place it. */
    if (rc == RC_OK &&
        !(id ? viewer_can_edit_entrepreneur(v, was, id) &&
                   (was == coop || viewer_can_place_entrepreneur(v, coop))
             : viewer_can_place_entrepreneur(v, coop)))
        rc = RC_FORBIDDEN;
    r.id = id;
    if (rc == RC_OK && id)
        rc = dir_db_ent_update(db, &r);
    else if (rc == RC_OK) {
        rc = dir_db_ent_insert(db, &r, &id);
        *created = 1;
    }
    if (rc == RC_OK)
        rc = dir_db_ent_set_trades(db, id, json_object_get(doc, "trades"),
                                   *created);
    if (rc == RC_OK && entry)
        rc = search_index_put(db, id, entry, *created);
    else if (rc == RC_OK)
        rc = search_index_entrepreneur(db, id, coop, doc, *created);
    if (rc == RC_OK) {
        char target[48];

        snprintf(target, sizeof target, "entrepreneur:%lld", id);
        rc = dir_audit(db, v, coop,
                       *created ? "entrepreneur.create"
                                : "entrepreneur.update",
                       target);
    }
    if (rc == RC_OK && out) rc = get_shaped(db, id, out);
    if (rc == RC_OK) rc = db_commit(db);
    if (rc != RC_OK) {
        db_rollback(db);
        if (out) {
            json_decref(*out);
            *out = NULL;
        }
        *created = 0;
    }
out:
    buf_free(&zones);
    free(text);
    return rc;
}

enum rc dir_ent_create(struct db *db, const struct viewer *v, json_t *in,
                       json_t *errs, int *created, json_t **out)
{
    json_t *doc = NULL;
    long long coop = 0;
    enum rc rc = validate(db, in, errs, &coop, &doc);

    if (out) *out = NULL;
    *created = 0;
    if (rc == RC_OK)
        rc = save(db, v, 0, 0, coop, doc, NULL, NULL, errs, created, out);
    json_decref(doc);
    return rc;
}

enum rc dir_ent_prepare(struct db *db, struct search_text *an, json_t *in,
                        json_t *errs, struct dir_ent_prep *out)
{
    return dir_ent_prepare_placed(db, an, in, 1, errs, out);
}

enum rc dir_ent_prepare_placed(struct db *db, struct search_text *an,
                               json_t *in, int resolve, json_t *errs,
                               struct dir_ent_prep *out)
{
    enum rc rc;

    memset(out, 0, sizeof *out);
    rc = validate(db, in, errs, resolve ? &out->coop : NULL, &out->doc);
    if (rc == RC_OK) {
        out->text = stored_text(out->doc);
        if (!out->text || search_index_build(an, out->doc, &out->entry))
            rc = RC_NOMEM;
    }
    if (rc != RC_OK) dir_ent_prep_free(out);
    return rc;
}

enum rc dir_ent_store(struct db *db, const struct viewer *v,
                      struct dir_ent_prep *p, json_t *errs, int *created)
{
    return save(db, v, 0, 0, p->coop, p->doc, p->text, &p->entry, errs,
                created, NULL);
}

void dir_ent_prep_free(struct dir_ent_prep *p)
{
    json_decref(p->doc);
    free(p->text);
    search_index_entry_free(&p->entry);
    memset(p, 0, sizeof *p);
}

/* allowed: may v change the profile of this row (id n)? RC_NOTFOUND when
 * v may not even see it (its existence stays hidden), RC_FORBIDDEN when v
 * sees it but may not change it. */
static enum rc allowed(const struct viewer *v, json_t *row, long long n)
{
    long long coop = json_integer_value(json_object_get(row, "cooperative_id"));

    if (!viewer_can_see(v, json_string_value(json_object_get(row, "visibility")),
                        coop, n))
        return RC_NOTFOUND;
    /* A peer's profile changes only by its pulls (federation/), which
     * act as the command line (no account). */
    if (json_is_string(json_object_get(row, "origin")) && v->account_id)
        return RC_FORBIDDEN;
    return viewer_can_edit_entrepreneur(v, coop, n) ? RC_OK : RC_FORBIDDEN;
}

enum rc dir_ent_get(struct db *db, const struct viewer *v, const char *id,
                    json_t **out)
{
    json_t *row = NULL;
    long long n;
    enum rc rc;

    *out = NULL;
    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    rc = dir_db_ent_get(db, n, &row);
    if (rc == RC_OK &&
        !viewer_can_see(v, json_string_value(json_object_get(row,
                                                             "visibility")),
                        json_integer_value(json_object_get(row,
                                                           "cooperative_id")),
                        n))
        rc = RC_NOTFOUND;
    if (rc == RC_OK && !(*out = shape(row))) rc = RC_NOMEM;
    json_decref(row);
    return rc;
}

enum rc dir_ent_patch(struct db *db, const struct viewer *v, const char *id,
                      json_t *patch, json_t *errs, json_t **out)
{
    json_t *row = NULL, *current = NULL, *merged = NULL, *doc = NULL;
    long long n, coop = 0, was;
    int created;
    enum rc rc;

    *out = NULL;
    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    rc = dir_db_ent_get(db, n, &row);
    if (rc != RC_OK) return rc;
    was = json_integer_value(json_object_get(row, "cooperative_id"));
    rc = allowed(v, row, n);
    if (rc != RC_OK) goto out;
    current = json_deep_copy(json_object_get(row, "doc"));
    if (!current) {
        rc = RC_NOMEM;
        goto out;
    }
    json_object_set_new(current, "cooperative_id",
                        json_copy(json_object_get(row, "cooperative_id")));
    if (!json_is_null(json_object_get(row, "external_id")))
        json_object_set(current, "external_id",
                        json_object_get(row, "external_id"));
    /* A patch naming the cooperative by external id replaces the id. */
    if (json_object_get(patch, "cooperative_external_id") &&
        !json_object_get(patch, "cooperative_id"))
        json_object_del(current, "cooperative_id");
    merged = check_merge_patch(current, patch);
    if (!merged) {
        rc = RC_NOMEM;
        goto out;
    }
    rc = validate(db, merged, errs, &coop, &doc);
    if (rc == RC_OK)
        rc = save(db, v, n, was, coop, doc, NULL, NULL, errs, &created, out);
out:
    json_decref(row);
    json_decref(current);
    json_decref(merged);
    json_decref(doc);
    return rc;
}

enum rc dir_ent_delete(struct db *db, const struct viewer *v, const char *id)
{
    json_t *row = NULL;
    long long n, seq = 0, coop = 0;
    enum rc rc;

    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    rc = dir_db_ent_get(db, n, &row);
    if (rc == RC_OK) {
        coop = json_integer_value(json_object_get(row, "cooperative_id"));
        rc = allowed(v, row, n);
    }
    json_decref(row);
    if (rc == RC_OK) rc = db_next_seq(db, &seq);
    if (rc == RC_OK) rc = dir_db_ent_delete(db, n, seq);
    if (rc == RC_OK) {
        char target[48];

        snprintf(target, sizeof target, "entrepreneur:%lld", n);
        rc = dir_audit(db, v, coop, "entrepreneur.delete", target);
    }
    if (rc == RC_OK) rc = search_index_remove(db, n);
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    return rc;
}

enum rc dir_ent_list(struct db *db, const struct viewer *v,
                     const char *cooperative, int limit, const char *cursor,
                     json_t *errs, json_t **out)
{
    struct check c = {errs, ""};
    json_t *rows = NULL;
    long long after = 0, coop = 0, total = 0;
    enum rc rc;

    *out = NULL;
    if (cursor && *cursor && !ids_parse(cursor, &after))
        check_fail(&c, "cursor", "is not a cursor from a previous answer");
    if (cooperative && *cooperative && !ids_parse(cooperative, &coop))
        check_fail(&c, "cooperative", "must be a cooperative id");
    if (check_failed(&c)) return RC_INVALID;
    rc = dir_db_ent_list(db, v, coop, after, limit + 1, &rows, &total);
    if (rc != RC_OK) return rc;
    *out = dir_page(rows, limit, total, shape);
    return *out ? RC_OK : RC_NOMEM;
}

struct reindex {
    struct db *db;
    struct search_text *an;
    long n;
};

static enum rc reindex_one(long long id, long long coop, json_t *doc,
                           void *arg)
{
    struct reindex *r = arg;
    struct search_entry e;
    enum rc rc;

    (void)coop;
    r->n++;
    if (search_index_build(r->an, doc, &e)) return RC_NOMEM;
    rc = search_index_put(r->db, id, &e, 1);
    search_index_entry_free(&e);
    return rc;
}

enum rc dir_ent_reindex(struct db *db, long *count)
{
    struct reindex r = {db, search_text_new(8192), 0};
    enum rc rc = r.an ? db_begin(db) : RC_NOMEM;

    *count = 0;
    if (rc != RC_OK) {
        search_text_free(r.an);
        return rc;
    }
    rc = search_index_clear(db);
    if (rc == RC_OK) rc = dir_db_ent_each(db, reindex_one, &r);
    if (rc == RC_OK) rc = search_index_done(db);
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == RC_OK) *count = r.n;
    search_text_free(r.an);
    return rc;
}
