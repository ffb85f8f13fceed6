/*
 * search_index_db.c: writing the full-text index (see search_index.h).
 */
#include "search_index.h"

#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/text.h"
#include "search_item.h"
#include "search_text.h"
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
/* Emptying the index drops and recreates its table: an index written by
 * another version holds text the current tokenizer would not read the
 * same, and FTS5 deletes by reading the stored text. This is the current
 * definition of the table (migration 1 -> 2 created the first one). */
static const char sql_clear[] =
    "DROP TABLE IF EXISTS search_fts;"
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "  name, headline, trades, skills, body, tags,"
    "  tokenize='essaim_fr', prefix='3', detail='column');"
    "DELETE FROM search_meta WHERE key = 'index_version';"
    "DELETE FROM temp.search_pending;";
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

void search_index_add_text(struct buf *b, const char *s)
{
    add_text(b, s);
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

void search_index_trade_tags(struct buf *b, const char *scheme,
                             const char *code)
{
    if (code && *code && search_trade_scheme_ok(scheme))
        trade_tags(b, scheme, code);
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

enum rc search_index_remove(struct db *db, long long id)
{
    return search_index_remove_row(db, id * 4 + SEARCH_KIND_ENTREPRENEUR);
}

enum rc search_index_remove_row(struct db *db, long long rowid)
{
    int del = pending_del(db, rowid);
    sqlite3_stmt *st;

    if (del == 0) { /* created in this transaction: forget it */
        st = db_stmt(db, sql_pending_drop);
        if (!st) return RC_DB;
        sqlite3_bind_int64(st, 1, rowid);
        return db_step_done(db, st);
    }
    st = db_stmt(db, sql_pending_put);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, rowid);
    sqlite3_bind_int(st, 2, 1);
    return db_step_done(db, st);
}

/* analyzed: append the analyzed tokens of text to col. */
struct analyzed {
    struct buf *col;
};

static int on_token(void *arg, const char *tok, int ntok, const char *word,
                    int nword, int start, int end)
{
    struct buf *col = arg;

    (void)word;
    (void)nword;
    (void)start;
    (void)end;
    if (col->len) buf_addc(col, ' ');
    buf_add(col, tok, (size_t)ntok);
    return 0;
}

static void analyze(struct search_text *an, struct buf *col, const char *s)
{
    if (s && *s) search_text_each(an, s, (int)strlen(s), 0, on_token, col);
}

void search_index_analyze(struct search_text *an, struct buf *col,
                          const char *s)
{
    analyze(an, col, s);
}

int search_index_build(struct search_text *an, json_t *doc,
                       struct search_entry *e)
{
    struct buf text = {0};
    json_t *refs = json_object_get(doc, "references");
    int i, bad = 0;

    memset(e, 0, sizeof *e);
    /* Each column: the user's text ('_' made a space: it cannot forge a
     * tag), then analyzed. */
    for (i = 0; i < 5; i++) {
        buf_reset(&text);
        switch (i) {
        case 0:
            add_text(&text,
                     json_string_value(json_object_get(doc, "display_name")));
            break;
        case 1:
            add_text(&text, json_string_value(json_object_get(doc, "headline")));
            break;
        case 2:
            add_list(&text, json_object_get(doc, "trades"), "label");
            break;
        case 3:
            add_list(&text, json_object_get(doc, "skills"), NULL);
            add_list(&text, json_object_get(doc, "qualifications"), NULL);
            break;
        default:
            add_text(&text,
                     json_string_value(json_object_get(doc, "description")));
            add_list(&text, refs, "title");
            add_list(&text, refs, "client");
            add_list(&text, refs, "description");
        }
        analyze(an, &e->col[i], buf_str(&text));
    }
    tags(&e->col[5], doc);
    for (i = 0; i < 6; i++)
        if (buf_oom(&e->col[i])) bad = 1;
    if (buf_oom(&text)) bad = 1;
    buf_free(&text);
    if (bad) search_index_entry_free(e);
    return bad ? -1 : 0;
}

void search_index_entry_free(struct search_entry *e)
{
    int i;

    for (i = 0; i < 6; i++) buf_free(&e->col[i]);
}

/* put: (re)index rowid with e; fresh: never indexed before. */
static enum rc put(struct db *db, long long rowid,
                   const struct search_entry *e, int fresh)
{
    sqlite3_stmt *st;
    int i, del = fresh ? 0 : 1, was;

    was = pending_del(db, rowid);
    if (was >= 0) del = was; /* changed earlier in this transaction */
    st = db_stmt(db, sql_pending_put);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, rowid);
    sqlite3_bind_int(st, 2, del);
    for (i = 0; i < 6; i++)
        sqlite3_bind_text(st, i + 3, buf_str(&e->col[i]), -1, SQLITE_STATIC);
    return db_step_done(db, st);
}

enum rc search_index_put(struct db *db, long long id,
                         const struct search_entry *e, int fresh)
{
    return put(db, id * 4 + SEARCH_KIND_ENTREPRENEUR, e, fresh);
}

enum rc search_index_put_row(struct db *db, long long rowid,
                             const struct search_entry *e)
{
    return put(db, rowid, e, 0);
}

enum rc search_index_entrepreneur(struct db *db, long long id, long long coop,
                                  json_t *doc, int fresh)
{
    struct search_text *an = search_text_new(0);
    struct search_entry e;
    enum rc rc = RC_NOMEM;

    (void)coop;
    if (an && search_index_build(an, doc, &e) == 0) {
        rc = search_index_put(db, id, &e, fresh);
        search_index_entry_free(&e);
    }
    search_text_free(an);
    return rc;
}

enum rc search_index_flush(struct db *db)
{
    enum rc rc = search_item_flush(db); /* offers and groups: pending too */
    sqlite3_stmt *st;
    int any;

    if (rc != RC_OK) return rc;
    st = db_stmt(db, sql_pending_any);
    if (!st) return RC_DB;
    any = sqlite3_step(st) == SQLITE_ROW;
    db_stmt_done(st);
    if (!any) return RC_OK;
    st = db_stmt(db, sql_flush_delete);
    rc = st ? db_step_done(db, st) : RC_DB;
    if (rc == RC_OK) {
        st = db_stmt(db, sql_flush_insert);
        rc = st ? db_step_done(db, st) : RC_DB;
    }
    if (rc == RC_OK) {
        st = db_stmt(db, sql_flush_clear);
        rc = st ? db_step_done(db, st) : RC_DB;
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
    return db_exec(db, sql_clear);
}

enum rc search_index_optimize(struct db *db)
{
    return db_exec(db, sql_optimize);
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
    if (rc == RC_OK) rc = search_item_all(db);
    if (rc == RC_OK) rc = search_index_flush(db);
    if (rc == RC_OK) rc = db_exec(db, sql_optimize);
    return rc;
}
