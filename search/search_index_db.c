/*
 * search_index_db.c: writing the full-text index (see search_index.h).
 */
#include "search_index.h"

#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/text.h"
#include "search_trade.h"

/* Index changes wait in temp.search_pending (one row per index rowid: del
 * says the committed entry must go; a NULL name, that nothing replaces
 * it) and reach search_fts in three statements before COMMIT. */
static const char sql_pending_get[] =
    "SELECT del FROM temp.search_pending WHERE rowid = ?1";
static const char sql_pending_put[] =
    "INSERT OR REPLACE INTO temp.search_pending(rowid, del, name, headline,"
    " trades, skills, body, tags) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char sql_pending_drop[] =
    "DELETE FROM temp.search_pending WHERE rowid = ?1";
static const char sql_pending_any[] =
    "SELECT 1 FROM temp.search_pending LIMIT 1";
static const char sql_flush_delete[] =
    "DELETE FROM search_fts WHERE rowid IN"
    " (SELECT rowid FROM temp.search_pending WHERE del)";
static const char sql_flush_insert[] =
    "INSERT INTO search_fts(rowid, name, headline, trades, skills, body, tags)"
    " SELECT rowid, name, headline, trades, skills, body, tags"
    " FROM temp.search_pending WHERE name IS NOT NULL";
static const char sql_flush_clear[] = "DELETE FROM temp.search_pending";
static const char sql_version[] =
    "SELECT value FROM search_meta WHERE key = 'index_version'";
static const char sql_set_version[] =
    "INSERT OR REPLACE INTO search_meta(key, value)"
    " VALUES('index_version', ?1)";
static const char sql_clear[] =
    "DELETE FROM search_fts; DELETE FROM search_meta"
    " WHERE key = 'index_version'";
static const char sql_optimize[] =
    "INSERT INTO search_fts(search_fts) VALUES('optimize')";

const char *const search_index_sql[] = {
    sql_pending_get,  sql_pending_put,  sql_pending_drop, sql_pending_any,
    sql_flush_delete, sql_flush_insert, sql_flush_clear,  sql_version,
    sql_set_version,  sql_optimize,     NULL};

/* add_text: append s with '_' turned into spaces (user text cannot forge
 * a tag), after a separator. */
static void add_text(struct buf *b, const char *s)
{
    const char *p;

    if (!s || !*s) return;
    if (b->len) buf_adds(b, " ; ");
    for (p = s; *p; p++) buf_addc(b, *p == '_' ? ' ' : *p);
}

/* add_list: add_text for each string of an array (or a field of its
 * objects). */
static void add_list(struct buf *b, json_t *arr, const char *field)
{
    size_t i;
    json_t *v;

    json_array_foreach(arr, i, v)
        add_text(b, json_string_value(field ? json_object_get(v, field) : v));
}

/* tag: append prefix + value as one tag. */
static void tag(struct buf *b, const char *prefix, const char *value)
{
    if (b->len) buf_addc(b, ' ');
    buf_adds(b, prefix);
    buf_adds(b, value);
}

/* tag_lower: a tag whose value is lower-cased ASCII (codes). */
static void tag_lower(struct buf *b, const char *prefix, const char *code,
                      size_t n)
{
    size_t i;

    if (b->len) buf_addc(b, ' ');
    buf_adds(b, prefix);
    for (i = 0; i < n && code[i]; i++) {
        char c = code[i];

        buf_addc(b, c >= 'A' && c <= 'Z' ? (char)(c + 32) : c);
    }
}

/* trade_tags: a code and each of its parents. */
static void trade_tags(struct buf *b, const char *scheme, const char *code)
{
    char prefix[16];
    size_t n = strlen(code), i;

    snprintf(prefix, sizeof prefix, "_t_%s_", scheme);
    if (!strcmp(scheme, "rome")) {
        tag_lower(b, prefix, code, 1); /* F */
        if (n >= 3) tag_lower(b, prefix, code, 3); /* F16 */
        tag_lower(b, prefix, code, n);
    } else if (!strcmp(scheme, "naf")) {
        /* 43, 43.2, 43.22, 43.22a */
        for (i = 2; i <= n; i++)
            if (i != 3) tag_lower(b, prefix, code, i);
    } else {
        /* CPV: 45, 453, 4533, ... down to the last significant digit. */
        size_t last = n;

        while (last > 2 && code[last - 1] == '0') last--;
        for (i = 2; i <= last; i++) tag_lower(b, prefix, code, i);
        if (last < n) tag_lower(b, prefix, code, n);
    }
}

/* tags: the tags of an entrepreneur: its kind, trade codes with their
 * parents, qualifications. Filters on anything else (visibility,
 * cooperative, place, status, availability) read the in-memory table
 * (search_mem.h), which is faster than intersecting FTS5 doclists. */
static void tags(struct buf *b, json_t *doc)
{
    json_t *v;
    size_t i;

    tag(b, "_k_e", "");
    json_array_foreach(json_object_get(doc, "trades"), i, v) {
        const char *scheme = json_string_value(json_object_get(v, "scheme"));
        const char *code = json_string_value(json_object_get(v, "code"));

        if (code && search_trade_scheme_ok(scheme))
            trade_tags(b, scheme, code);
    }
    json_array_foreach(json_object_get(doc, "qualifications"), i, v) {
        char *f = search_index_qualification(json_string_value(v));

        if (f && *f && strlen(f) < 60) tag(b, "_q_", f);
        free(f);
    }
}

char *search_index_qualification(const char *q)
{
    char *f = text_fold_dup(q ? q : ""), *p;

    if (!f) return NULL;
    for (p = f; *p; p++)
        if (*p == ' ') *p = '-';
    return f;
}

/* pending_del: whether the committed index holds rowid, as far as the
 * pending changes know: 1 yes (or it did before this transaction), 0 no,
 * -1 no pending row (the caller decides). */
static int pending_del(struct db *db, long long rowid)
{
    sqlite3_stmt *st = db_stmt(db, sql_pending_get);
    int del = -1;

    if (!st) return -1;
    sqlite3_bind_int64(st, 1, rowid);
    if (sqlite3_step(st) == SQLITE_ROW) del = sqlite3_column_int(st, 0);
    db_stmt_done(st);
    return del;
}

static enum rc step_done(struct db *db, sqlite3_stmt *st)
{
    int src = sqlite3_step(st);

    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

enum rc search_index_remove(struct db *db, long long id)
{
    long long rowid = id * 4 + SEARCH_KIND_ENTREPRENEUR;
    int del = pending_del(db, rowid);
    sqlite3_stmt *st;

    if (del == 0) { /* created in this transaction: forget it */
        st = db_stmt(db, sql_pending_drop);
        if (!st) return RC_DB;
        sqlite3_bind_int64(st, 1, rowid);
        return step_done(db, st);
    }
    st = db_stmt(db, sql_pending_put);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, rowid);
    sqlite3_bind_int(st, 2, 1);
    return step_done(db, st);
}

enum rc search_index_entrepreneur(struct db *db, long long id, long long coop,
                                  json_t *doc, int fresh)
{
    long long rowid = id * 4 + SEARCH_KIND_ENTREPRENEUR;
    struct buf col[6] = {{0}};
    sqlite3_stmt *st;
    json_t *refs = json_object_get(doc, "references");
    enum rc rc = RC_OK;
    int i, del = fresh ? 0 : 1, was;

    was = pending_del(db, rowid);
    if (was >= 0) del = was; /* changed earlier in this transaction */
    add_text(&col[0], json_string_value(json_object_get(doc, "display_name")));
    add_text(&col[1], json_string_value(json_object_get(doc, "headline")));
    add_list(&col[2], json_object_get(doc, "trades"), "label");
    add_list(&col[3], json_object_get(doc, "skills"), NULL);
    add_list(&col[3], json_object_get(doc, "qualifications"), NULL);
    add_text(&col[4], json_string_value(json_object_get(doc, "description")));
    add_list(&col[4], refs, "title");
    add_list(&col[4], refs, "client");
    add_list(&col[4], refs, "description");
    (void)coop;
    tags(&col[5], doc);
    for (i = 0; i < 6; i++)
        if (buf_oom(&col[i])) rc = RC_NOMEM;
    st = rc == RC_OK ? db_stmt(db, sql_pending_put) : NULL;
    if (rc == RC_OK && !st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, rowid);
        sqlite3_bind_int(st, 2, del);
        for (i = 0; i < 6; i++)
            sqlite3_bind_text(st, i + 3, buf_str(&col[i]), -1, SQLITE_STATIC);
        rc = step_done(db, st);
    }
    for (i = 0; i < 6; i++) buf_free(&col[i]);
    return rc;
}

enum rc search_index_flush(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, sql_pending_any);
    int any;
    enum rc rc;

    if (!st) return RC_DB;
    any = sqlite3_step(st) == SQLITE_ROW;
    db_stmt_done(st);
    if (!any) return RC_OK;
    st = db_stmt(db, sql_flush_delete);
    rc = st ? step_done(db, st) : RC_DB;
    if (rc == RC_OK) {
        st = db_stmt(db, sql_flush_insert);
        rc = st ? step_done(db, st) : RC_DB;
    }
    if (rc == RC_OK) {
        st = db_stmt(db, sql_flush_clear);
        rc = st ? step_done(db, st) : RC_DB;
    }
    return rc;
}

int search_index_stale(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, sql_version);
    int stale = 1;

    if (!st) return 1;
    if (sqlite3_step(st) == SQLITE_ROW)
        stale = strcmp(db_text(st, 0), SEARCH_INDEX_VERSION) != 0;
    db_stmt_done(st);
    return stale;
}

enum rc search_index_clear(struct db *db)
{
    enum rc rc = db_exec(db, sql_clear);

    return rc == RC_OK ? db_exec(db, "DELETE FROM temp.search_pending") : rc;
}

enum rc search_index_done(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, sql_set_version);
    enum rc rc;
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, SEARCH_INDEX_VERSION, -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    db_stmt_done(st);
    rc = src == SQLITE_DONE ? RC_OK : db_rc(db, src);
    if (rc == RC_OK) rc = search_index_flush(db);
    if (rc == RC_OK) rc = db_exec(db, sql_optimize);
    return rc;
}
