/*
 * dir_coop.c: cooperatives (see dir_coop.h).
 */
#include "dir_coop.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../search/search_place.h"
#include "../util/check.h"
#include "../util/ids.h"
#include "../util/viewer.h"
#include "dir_audit.h"
#include "dir_db.h"

int dir_coop_siret_ok(const char *s)
{
    int i, sum = 0;

    for (i = 0; i < 14; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    if (s[14]) return 0;
    if (!strncmp(s, "356000000", 9) && strcmp(s, "35600000000048") != 0) {
        /* La Poste's establishments: the digits add up to a multiple of
         * 5 (its head office, 35600000000048, follows Luhn). */
        for (i = 0; i < 14; i++) sum += s[i] - '0';
        return sum % 5 == 0;
    }
    for (i = 0; i < 14; i++) {
        int d = s[13 - i] - '0';

        if (i % 2) {
            d *= 2;
            if (d > 9) d -= 9;
        }
        sum += d;
    }
    return sum % 10 == 0;
}

/* check_siret: digits with optional spaces -> 14 digits, Luhn-checked. */
static int check_siret(const struct check *c, json_t *in, json_t *out)
{
    json_t *v = json_object_get(in, "siret");
    char digits[16];
    const char *s;
    size_t n = 0;

    if (!v || json_is_null(v)) return 0;
    if (!json_is_string(v)) {
        check_fail(c, "siret", "must be a string of 14 digits");
        return -1;
    }
    for (s = json_string_value(v); *s; s++) {
        if (*s == ' ') continue;
        if (n >= 14 || !isdigit((unsigned char)*s)) {
            n = 99;
            break;
        }
        digits[n++] = *s;
    }
    if (n != 14) {
        check_fail(c, "siret", "must be 14 digits");
        return -1;
    }
    digits[n] = 0;
    if (!dir_coop_siret_ok(digits)) {
        check_fail(c, "siret", "fails the SIRET check digit (Luhn)");
        return -1;
    }
    json_object_set_new(out, "siret", json_string(digits));
    return 1;
}

static int check_sites(struct db *db, const struct check *c, json_t *in,
                       json_t *out)
{
    static const char *const extra[] = {"label", NULL};
    json_t *v = json_object_get(in, "sites"), *arr, *item;
    size_t i;
    int bad = 0;

    if (!v || json_is_null(v)) {
        json_object_set_new(out, "sites", json_array());
        return 0;
    }
    if (!json_is_array(v) || json_array_size(v) > 100) {
        check_fail(c, "sites", "must be an array of at most 100 places");
        return -1;
    }
    arr = json_array();
    json_array_foreach(v, i, item) {
        char name[64];
        struct check sub = check_nested(c, "sites", (int)i, name, sizeof name);
        json_t *clean;

        if (search_place_check_value(db, &sub, item, extra, &clean, NULL) <
            0) {
            bad = 1;
            continue;
        }
        if (check_string(&sub, item, "label", 120, 0, clean) < 0) {
            json_decref(clean); /* the place was good, its label not */
            bad = 1;
            continue;
        }
        json_array_append_new(arr, clean);
    }
    if (bad) {
        json_decref(arr);
        return -1;
    }
    json_object_set_new(out, "sites", arr);
    return 1;
}

static int check_url(const struct check *c, json_t *in, const char *key,
                     json_t *out)
{
    int r = check_string(c, in, key, 300, 0, out);
    const char *s = json_string_value(json_object_get(out, key));

    if (r > 0 && strncmp(s, "https://", 8) && strncmp(s, "http://", 7)) {
        check_fail(c, key, "must start with https:// or http://");
        return -1;
    }
    return r;
}

/* validate: in -> clean document, or RC_INVALID with errs. */
static enum rc validate(struct db *db, json_t *in, json_t *errs,
                        json_t **out)
{
    static const char *const known[] = {
        "id", "external_id", "name", "kind", "siret", "sites", "website",
        "email", "phone", "description", "created_at", "updated_at", NULL};
    static const char *const kinds[] = {"cae", "scop", "scic", "network",
                                        NULL};
    struct check c = {errs, ""};
    json_t *clean = json_object();

    *out = NULL;
    if (!clean) return RC_NOMEM;
    check_unknown(&c, in, known);
    check_string(&c, in, "external_id", DIR_EXTERNAL_ID_MAX, 0, clean);
    check_string(&c, in, "name", DIR_COOP_NAME_MAX, CHECK_REQUIRED, clean);
    if (check_enum(&c, in, "kind", kinds, 0, clean) == 0)
        json_object_set_new(clean, "kind", json_string("cae"));
    check_siret(&c, in, clean);
    check_sites(db, &c, in, clean);
    check_url(&c, in, "website", clean);
    check_email(&c, in, "email", 0, clean);
    check_string(&c, in, "phone", 30, 0, clean);
    check_string(&c, in, "description", DIR_DESCRIPTION_MAX, CHECK_MULTILINE,
                 clean);
    if (check_failed(&c)) {
        json_decref(clean);
        return RC_INVALID;
    }
    *out = clean;
    return RC_OK;
}

/* shape: the API document of a row from dir_db_coop_get/list. */
static json_t *shape(json_t *row)
{
    static const char *const order[] = {"siret", "sites", "website", "email",
                                        "phone", "description", NULL};
    json_t *doc = json_object_get(row, "doc");
    json_t *o = json_object();
    const char *const *k;

    if (!o) return NULL;
    json_object_set_new(
        o, "id", ids_json(json_integer_value(json_object_get(row, "id"))));
    json_object_set(o, "external_id", json_object_get(row, "external_id"));
    json_object_set(o, "name", json_object_get(row, "name"));
    json_object_set(o, "kind", json_object_get(row, "kind"));
    for (k = order; *k; k++) {
        json_t *v = json_object_get(doc, *k);

        json_object_set(o, *k, v ? v : (!strcmp(*k, "sites") ? json_array()
                                                             : json_null()));
    }
    json_object_set(o, "created_at", json_object_get(row, "created_at"));
    json_object_set(o, "updated_at", json_object_get(row, "updated_at"));
    return o;
}

static enum rc get_by_id(struct db *db, long long id, json_t **out)
{
    json_t *row = NULL;
    enum rc rc = dir_db_coop_get(db, id, &row);

    *out = NULL;
    if (rc == RC_OK) {
        *out = shape(row);
        if (!*out) rc = RC_NOMEM;
    }
    json_decref(row);
    return rc;
}

/* save: write clean as cooperative id (0: new, or the owner of its
 * external_id), in one transaction. */
static enum rc save(struct db *db, const struct viewer *v, long long id,
                    json_t *clean, json_t *errs, int *created, json_t **out)
{
    const char *ext = json_string_value(json_object_get(clean, "external_id"));
    const char *name = json_string_value(json_object_get(clean, "name"));
    const char *kind = json_string_value(json_object_get(clean, "kind"));
    long long other = 0, seq = 0;
    char *text = NULL;
    enum rc rc;

    if (out) *out = NULL;
    *created = 0;
    text = json_dumps(clean, JSON_COMPACT);
    if (!text) return RC_NOMEM;
    rc = db_begin(db);
    if (rc != RC_OK) goto out;
    /* A change number: searches show cooperatives' names, and their
     * caches are emptied on every change. */
    rc = db_next_seq(db, &seq);
    if (rc == RC_OK && ext) {
        rc = dir_db_coop_by_external(db, ext, &other);
        if (rc == RC_OK && id && other != id) {
            struct check c = {errs, ""};

            check_fail(&c, "external_id", "already used by cooperative %lld",
                       other);
            rc = RC_CONFLICT;
        } else if (rc == RC_OK) {
            id = other;
        } else if (rc == RC_NOTFOUND) {
            rc = RC_OK;
        }
    }
    /* Creating takes an administrator, changing one the staff too. */
    if (rc == RC_OK && !viewer_can_edit_cooperative(v, id)) rc = RC_FORBIDDEN;
    if (rc == RC_OK && id)
        rc = dir_db_coop_update(db, id, ext, name, kind, text);
    else if (rc == RC_OK) {
        rc = dir_db_coop_insert(db, ext, name, kind, text, &id);
        *created = 1;
    }
    if (rc == RC_OK) {
        char target[48];

        snprintf(target, sizeof target, "cooperative:%lld", id);
        rc = dir_audit(db, v, id,
                       *created ? "cooperative.create" : "cooperative.update",
                       target);
    }
    if (rc == RC_OK && out) rc = get_by_id(db, id, out);
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
    free(text);
    return rc;
}

enum rc dir_coop_create(struct db *db, const struct viewer *v, json_t *in,
                        json_t *errs, int *created, json_t **out)
{
    json_t *clean = NULL;
    enum rc rc = viewer_can_edit_cooperative(v, 0) ||
                         v->role == VIEWER_STAFF
                     ? validate(db, in, errs, &clean)
                     : RC_FORBIDDEN;

    if (out) *out = NULL;
    *created = 0;
    if (rc == RC_OK) rc = save(db, v, 0, clean, errs, created, out);
    json_decref(clean);
    return rc;
}

enum rc dir_coop_get(struct db *db, const char *id, json_t **out)
{
    long long n;

    *out = NULL;
    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    return get_by_id(db, n, out);
}

enum rc dir_coop_patch(struct db *db, const struct viewer *v, const char *id,
                       json_t *patch, json_t *errs, json_t **out)
{
    json_t *row = NULL, *current = NULL, *merged = NULL, *clean = NULL;
    long long n;
    int created;
    enum rc rc;

    *out = NULL;
    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    rc = dir_db_coop_get(db, n, &row);
    if (rc != RC_OK) return rc;
    if (!viewer_can_edit_cooperative(v, n)) {
        rc = RC_FORBIDDEN;
        goto out;
    }
    current = json_deep_copy(json_object_get(row, "doc"));
    if (!current) {
        rc = RC_NOMEM;
        goto out;
    }
    json_object_set(current, "external_id", json_object_get(row, "external_id"));
    if (json_is_null(json_object_get(current, "external_id")))
        json_object_del(current, "external_id");
    merged = check_merge_patch(current, patch);
    if (!merged) {
        rc = RC_NOMEM;
        goto out;
    }
    rc = validate(db, merged, errs, &clean);
    if (rc == RC_OK) rc = save(db, v, n, clean, errs, &created, out);
out:
    json_decref(row);
    json_decref(current);
    json_decref(merged);
    json_decref(clean);
    return rc;
}

enum rc dir_coop_list(struct db *db, int limit, const char *cursor,
                      json_t *errs, json_t **out)
{
    json_t *rows = NULL;
    long long after = 0, total = 0;
    enum rc rc;

    *out = NULL;
    if (cursor && *cursor && !ids_parse(cursor, &after)) {
        struct check c = {errs, ""};

        check_fail(&c, "cursor", "is not a cursor from a previous answer");
        return RC_INVALID;
    }
    /* One row more than asked tells whether a next page exists. */
    rc = dir_db_coop_list(db, after, limit + 1, &rows, &total);
    if (rc != RC_OK) return rc;
    *out = dir_page(rows, limit, total, shape);
    return *out ? RC_OK : RC_NOMEM;
}
