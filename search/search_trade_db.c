/*
 * search_trade_db.c: the SQL of the trade vocabulary (see search_trade.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/assets.h"
#include "../util/check.h"
#include "../util/log.h"
#include "../util/tsv.h"
#include "search_text.h"
#include "search_trade.h"

static const char sql_label[] =
    "SELECT label FROM trade WHERE scheme = ?1 AND code = ?2";
static const char sql_count[] =
    "SELECT (SELECT count(*) FROM trade) * (SELECT count(*) FROM trade_term)";
static const char sql_clear[] =
    "DELETE FROM trade; DELETE FROM trade_alias; DELETE FROM trade_link;"
    " DELETE FROM trade_term;";
static const char sql_labels[] =
    "SELECT scheme, code, label FROM trade"
    " UNION ALL SELECT scheme, code, label FROM trade_alias";
static const char sql_ins_term[] =
    "INSERT INTO trade_term(term, scheme, code) VALUES(?1, ?2, ?3)"
    " ON CONFLICT DO UPDATE SET weight = weight + 1";
static const char sql_ins_trade[] =
    "INSERT OR REPLACE INTO trade(scheme, code, label) VALUES(?1, ?2, ?3)";
static const char sql_ins_alias[] =
    "INSERT OR REPLACE INTO trade_alias(id, scheme, code, label)"
    " VALUES(?1, 'rome', ?2, ?3)";
static const char sql_ins_link[] =
    "INSERT OR REPLACE INTO trade_link(rome, naf, hirings) VALUES(?1, ?2, ?3)";

const char *const search_trade_sql[] = {
    sql_label, sql_count, sql_ins_trade, sql_ins_alias, sql_ins_link,
    sql_labels, sql_ins_term, NULL};

struct terms {
    sqlite3_stmt *ins;
    const char *scheme, *code;
    int rc;
};

static int on_term(void *arg, const char *tok, int ntok, const char *word,
                   int nword, int start, int end)
{
    struct terms *t = arg;

    (void)word;
    (void)nword;
    (void)start;
    (void)end;
    sqlite3_bind_text(t->ins, 1, tok, ntok, SQLITE_TRANSIENT);
    sqlite3_bind_text(t->ins, 2, t->scheme, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(t->ins, 3, t->code, -1, SQLITE_TRANSIENT);
    t->rc = sqlite3_step(t->ins);
    sqlite3_reset(t->ins);
    return t->rc == SQLITE_DONE ? 0 : 1;
}

/* load_terms: the analyzed words of every label and job title. */
static enum rc load_terms(struct db *db)
{
    struct search_text *an = search_text_new(8192);
    sqlite3 *h = db_handle(db);
    sqlite3_stmt *sel = NULL;
    struct terms t = {NULL, NULL, NULL, SQLITE_DONE};
    enum rc rc = RC_OK;
    int src;

    if (!an) return RC_NOMEM;
    t.ins = db_stmt(db, sql_ins_term);
    if (!t.ins || sqlite3_prepare_v2(h, sql_labels, -1, &sel, NULL))
        rc = RC_DB;
    while (rc == RC_OK && (src = sqlite3_step(sel)) == SQLITE_ROW) {
        const char *label = db_text(sel, 2);

        t.scheme = db_text(sel, 0);
        t.code = db_text(sel, 1);
        if (search_text_each(an, label, (int)strlen(label), 0, on_term, &t))
            rc = db_rc(db, t.rc);
    }
    if (rc == RC_OK && src != SQLITE_DONE) rc = db_rc(db, src);
    sqlite3_finalize(sel);
    db_stmt_done(t.ins);
    search_text_free(an);
    return rc;
}

static enum rc label_of(struct db *db, const char *scheme, const char *code,
                        char *label, size_t size)
{
    sqlite3_stmt *st = db_stmt(db, sql_label);
    enum rc rc = RC_NOTFOUND;
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, scheme, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        snprintf(label, size, "%s", db_text(st, 0));
        rc = RC_OK;
    } else if (src != SQLITE_DONE) {
        rc = db_rc(db, src);
    }
    db_stmt_done(st);
    return rc;
}

enum rc search_trade_label(struct db *db, const char *scheme,
                           const char *code, char *label, size_t size)
{
    char up[16];
    enum rc rc = label_of(db, scheme, code, label, size);
    int i;

    if (rc != RC_NOTFOUND || strcmp(scheme, "cpv") != 0) return rc;
    /* CPV: zero the last significant digit until a listed code appears
     * (the CPV hierarchy keeps a code's ancestors as its prefixes). */
    snprintf(up, sizeof up, "%.8s", code);
    for (i = 7; i >= 2 && rc == RC_NOTFOUND; i--) {
        if (up[i] == '0') continue;
        up[i] = '0';
        rc = label_of(db, scheme, up, label, size);
    }
    return rc;
}

/* load_tsv: insert each data line of an asset with st; binder maps the
 * fields to parameters. */
static enum rc load_tsv(struct db *db, const char *data, size_t len,
                        const char *sql, const char *scheme,
                        const int *cols, int ncols)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    struct tsv t;
    enum rc rc = RC_OK;
    int i, p;

    if (!st) return RC_DB;
    tsv_init_mem(&t, data, len);
    if (tsv_next(&t, '\t') != 1) rc = RC_INTERNAL;
    while (rc == RC_OK && tsv_next(&t, '\t') == 1) {
        p = 1;
        if (scheme) sqlite3_bind_text(st, p++, scheme, -1, SQLITE_STATIC);
        for (i = 0; i < ncols; i++)
            sqlite3_bind_text(st, p++, tsv_get(&t, cols[i]), -1,
                              SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_rc(db, sqlite3_errcode(db_handle(db)));
        sqlite3_reset(st);
    }
    db_stmt_done(st);
    tsv_free(&t);
    return rc;
}

enum rc search_trade_load(struct db *db)
{
    static const int two[] = {0, 1}, three[] = {0, 1, 2};
    enum rc rc = db_begin(db);

    if (rc != RC_OK) return rc;
    rc = db_exec(db, sql_clear);
    if (rc == RC_OK)
        rc = load_tsv(db, asset_rome, ASSET_LEN(asset_rome), sql_ins_trade,
                      "rome", two, 2);
    if (rc == RC_OK)
        rc = load_tsv(db, asset_naf, ASSET_LEN(asset_naf), sql_ins_trade,
                      "naf", two, 2);
    if (rc == RC_OK)
        rc = load_tsv(db, asset_cpv, ASSET_LEN(asset_cpv), sql_ins_trade,
                      "cpv", two, 2);
    if (rc == RC_OK)
        rc = load_tsv(db, asset_rome_appellations,
                      ASSET_LEN(asset_rome_appellations), sql_ins_alias, NULL,
                      three, 3);
    if (rc == RC_OK)
        rc = load_tsv(db, asset_rome_naf, ASSET_LEN(asset_rome_naf),
                      sql_ins_link, NULL, three, 3);
    if (rc == RC_OK) rc = load_terms(db);
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    return rc;
}

enum rc search_trade_ensure(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, sql_count);
    int n = 0;

    if (!st) return RC_DB;
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    db_stmt_done(st);
    return n > 0 ? RC_OK : search_trade_load(db);
}

/* check_one: validate one trade reference into a new clean object. */
static json_t *check_one(struct db *db, const struct check *c, json_t *item)
{
    static const char *const known[] = {"code", "scheme", "label", NULL};
    static const char *const schemes[] = {"rome", "naf", "cpv", "free", NULL};
    json_t *o = json_object();
    const char *scheme, *code;
    char canon[16], label[512], sch[8];
    enum rc rc;

    if (!o) return NULL;
    if (!json_is_object(item)) {
        check_fail(c, NULL, "must be an object {code, scheme, label}");
        goto bad;
    }
    if (check_unknown(c, item, known) ||
        check_enum(c, item, "scheme", schemes, CHECK_REQUIRED, o) < 0)
        goto bad;
    scheme = json_string_value(json_object_get(o, "scheme"));
    if (!strcmp(scheme, "free")) {
        if (check_string(c, item, "code", 60, 0, o) < 0 ||
            check_string(c, item, "label", 120, CHECK_REQUIRED, o) < 0)
            goto bad;
        if (!json_object_get(o, "code"))
            json_object_set_new(o, "code", json_null());
        return o;
    }
    if (check_string(c, item, "code", 20, CHECK_REQUIRED, o) < 0) goto bad;
    code = json_string_value(json_object_get(o, "code"));
    if (!search_trade_normalize(scheme, code, canon, sizeof canon)) {
        check_fail(c, "code", "'%s' is not a %s code%s", code, scheme,
                   !strcmp(scheme, "rome")  ? " (like F1603)"
                   : !strcmp(scheme, "naf") ? " (like 43.22A)"
                                            : " (8 digits, like 45330000)");
        goto bad;
    }
    rc = search_trade_label(db, scheme, canon, label, sizeof label);
    if (rc == RC_NOTFOUND) {
        check_fail(c, "code", "unknown %s code %s", scheme, canon);
        goto bad;
    }
    if (rc != RC_OK) {
        check_fail(c, "code", "cannot be checked now");
        goto bad;
    }
    snprintf(sch, sizeof sch, "%s", scheme); /* o owns scheme: copy it */
    json_object_clear(o);
    json_object_set_new(o, "code", json_string(canon));
    json_object_set_new(o, "scheme", json_string(sch));
    json_object_set_new(o, "label", json_string(label));
    return o;
bad:
    json_decref(o);
    return NULL;
}

int search_trade_check(struct db *db, const struct check *c, json_t *in,
                       const char *key, size_t max_items, json_t *out)
{
    json_t *v = json_object_get(in, key), *arr, *item, *prev;
    size_t i, j;
    int bad = 0;

    if (!v || json_is_null(v)) return 0;
    if (!json_is_array(v)) {
        check_fail(c, key, "must be an array of {code, scheme}");
        return -1;
    }
    if (json_array_size(v) > max_items) {
        check_fail(c, key, "must have at most %zu items", max_items);
        return -1;
    }
    arr = json_array();
    if (!arr) return -1;
    json_array_foreach(v, i, item) {
        char name[256];
        struct check sub = check_nested(c, key, (int)i, name, sizeof name);
        json_t *o = check_one(db, &sub, item);
        int dup = 0;

        if (!o) {
            bad = 1;
            continue;
        }
        json_array_foreach(arr, j, prev)
            if (json_equal(json_object_get(prev, "scheme"),
                           json_object_get(o, "scheme")) &&
                json_equal(json_object_get(prev, "code"),
                           json_object_get(o, "code")) &&
                json_equal(json_object_get(prev, "label"),
                           json_object_get(o, "label")))
                dup = 1;
        if (dup)
            json_decref(o);
        else
            json_array_append_new(arr, o);
    }
    if (bad) {
        json_decref(arr);
        return -1;
    }
    json_object_set_new(out, key, arr);
    return 1;
}
