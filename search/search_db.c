/*
 * search_db.c: the SQL of the search engine (see search_db.h).
 */
#include "search_db.h"

#include <stdio.h>
#include <string.h>

#include "../util/log.h"

static const char sql_match[] =
    "SELECT rowid, essaim_fields(search_fts, ?2) FROM search_fts"
    " WHERE search_fts MATCH ?1";
static const char sql_match_plain[] =
    "SELECT rowid, 0 FROM search_fts WHERE search_fts MATCH ?1";
static const char sql_entrepreneur[] =
    "SELECT e.id, e.external_id, e.cooperative_id, c.name, e.doc,"
    " e.updated_at FROM entrepreneur e JOIN cooperative c"
    " ON c.id = e.cooperative_id WHERE e.id = ?1";
static const char sql_coop_name[] = "SELECT name FROM cooperative WHERE id = ?1";
static const char sql_offer[] =
    "SELECT o.id, o.title, o.doc, coalesce(o.entrepreneur_id, 0),"
    " coalesce(o.group_id, 0), coalesce(e.display_name, g.name, ''), g.slug,"
    " coalesce(e.cooperative_id, 0), c.name, o.updated_at"
    " FROM offer o LEFT JOIN entrepreneur e ON e.id = o.entrepreneur_id"
    " LEFT JOIN cooperative c ON c.id = e.cooperative_id"
    " LEFT JOIN grp g ON g.id = o.group_id WHERE o.id = ?1";
static const char sql_group[] =
    "SELECT id, kind, name, slug, description, updated_at FROM grp"
    " WHERE id = ?1";
static const char sql_group_offers[] =
    "SELECT title FROM offer WHERE group_id = ?1 AND status = 'active'"
    " ORDER BY id";

const char *const search_db_sql[] = {sql_match,     sql_match_plain,
                                     sql_entrepreneur, sql_coop_name,
                                     sql_offer,     sql_group,
                                     sql_group_offers, NULL};

enum rc search_db_match(struct db *db, const char *expr, const char *map,
                        void (*fn)(long long rowid, unsigned fields,
                                   void *arg),
                        void *arg)
{
    /* Without a query word to place in fields, no auxiliary function:
     * a third of the cost per row. */
    int fields = strspn(map, "-") != strlen(map);
    sqlite3_stmt *st = db_stmt(db, fields ? sql_match : sql_match_plain);
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
    if (fields) sqlite3_bind_text(st, 2, map, -1, SQLITE_STATIC);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        fn(sqlite3_column_int64(st, 0),
           (unsigned)sqlite3_column_int64(st, 1), arg);
    db_stmt_done(st);
    if (src != SQLITE_DONE) {
        log_error("search: %s in: %.200s", sqlite3_errmsg(db_handle(db)),
                  expr);
        return RC_DB;
    }
    return RC_OK;
}

enum rc search_db_entrepreneur(struct db *db, long long id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(db, sql_entrepreneur);
    enum rc rc = RC_NOTFOUND;
    int src;

    *out = NULL;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        json_t *doc = json_loads(db_text(st, 4), 0, NULL);

        *out = json_pack("{s:I, s:s?, s:I, s:s, s:o, s:s}", "id",
                         (json_int_t)sqlite3_column_int64(st, 0),
                         "external_id",
                         sqlite3_column_type(st, 1) == SQLITE_NULL
                             ? NULL
                             : db_text(st, 1),
                         "cooperative_id",
                         (json_int_t)sqlite3_column_int64(st, 2),
                         "cooperative_name", db_text(st, 3), "doc",
                         doc ? doc : json_object(), "updated_at",
                         db_text(st, 5));
        rc = *out ? RC_OK : RC_NOMEM;
    } else if (src != SQLITE_DONE) {
        rc = db_rc(db, src);
    }
    db_stmt_done(st);
    return rc;
}

enum rc search_db_offer(struct db *db, long long id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(db, sql_offer);
    enum rc rc = RC_NOTFOUND;
    int src;

    *out = NULL;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        json_t *doc = json_loads(db_text(st, 2), 0, NULL);

        *out = json_pack("{s:I, s:s, s:o, s:I, s:I, s:s, s:o, s:I, s:o,"
                         " s:s}",
                         "id", (json_int_t)sqlite3_column_int64(st, 0),
                         "title", db_text(st, 1),
                         "doc", doc ? doc : json_object(),
                         "entrepreneur_id",
                         (json_int_t)sqlite3_column_int64(st, 3),
                         "group_id", (json_int_t)sqlite3_column_int64(st, 4),
                         "owner_name", db_text(st, 5),
                         "owner_slug", db_text_json(st, 6),
                         "owner_cooperative_id",
                         (json_int_t)sqlite3_column_int64(st, 7),
                         "owner_cooperative_name", db_text_json(st, 8),
                         "updated_at", db_text(st, 9));
        rc = *out ? RC_OK : RC_NOMEM;
    } else if (src != SQLITE_DONE) {
        rc = db_rc(db, src);
    }
    db_stmt_done(st);
    return rc;
}

enum rc search_db_group(struct db *db, long long id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(db, sql_group);
    json_t *g = NULL, *titles = NULL;
    enum rc rc = RC_NOTFOUND;
    int src;

    *out = NULL;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        g = json_pack("{s:I, s:s, s:s, s:s, s:o, s:s}", "id",
                      (json_int_t)sqlite3_column_int64(st, 0), "kind",
                      db_text(st, 1), "name", db_text(st, 2), "slug",
                      db_text(st, 3), "description", db_text_json(st, 4),
                      "updated_at", db_text(st, 5));
        rc = g ? RC_OK : RC_NOMEM;
    } else if (src != SQLITE_DONE) {
        rc = db_rc(db, src);
    }
    db_stmt_done(st);
    if (rc != RC_OK) return rc;
    st = db_stmt(db, sql_group_offers);
    titles = json_array();
    if (!st || !titles) {
        json_decref(g);
        json_decref(titles);
        db_stmt_done(st);
        return st ? RC_NOMEM : RC_DB;
    }
    sqlite3_bind_int64(st, 1, id);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(titles, json_string(db_text(st, 0)));
    db_stmt_done(st);
    if (src != SQLITE_DONE) {
        json_decref(g);
        json_decref(titles);
        return db_rc(db, src);
    }
    json_object_set_new(g, "offers", titles);
    *out = g;
    return RC_OK;
}

enum rc search_db_coop_name(struct db *db, long long id, char *buf,
                            size_t size)
{
    sqlite3_stmt *st = db_stmt(db, sql_coop_name);
    enum rc rc = RC_NOTFOUND;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(buf, size, "%s", db_text(st, 0));
        rc = RC_OK;
    }
    db_stmt_done(st);
    return rc;
}

/* ------------------------------------------------ essaim_fields(fts, map)
 *
 * An FTS5 auxiliary function: for the current row, which query words
 * matched in which fields. map has one character per phrase of the
 * expression: '0'..'7' the query word it stands for, 'a'..'h' a synonym
 * of word 0..7 (slots 8..15), '-' a filter. The answer has two bits per
 * slot s: bit 2s set when it is in the name or the headline, bit 2s+1 when
 * in the trades, skills or tags. With detail=column the column lists come
 * with the row: no extra read. */

struct fields_map {
    int n;
    signed char term[256];
};

static void fields_map_free(void *p)
{
    sqlite3_free(p);
}

static void essaim_fields(const Fts5ExtensionApi *api, Fts5Context *fts,
                          sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct fields_map *m = api->xGetAuxdata(fts, 0);
    int nphrase = api->xPhraseCount(fts), i;
    unsigned long long out = 0;

    if (!m) {
        const unsigned char *s = argc > 0 ? sqlite3_value_text(argv[0]) : NULL;

        m = sqlite3_malloc(sizeof *m);
        if (!m) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        memset(m, 0, sizeof *m);
        for (i = 0; s && s[i] && i < 256; i++)
            m->term[i] = (signed char)(s[i] >= '0' && s[i] <= '7'   ? s[i] - '0'
                                       : s[i] >= 'a' && s[i] <= 'h' ? s[i] - 'a' + 8
                                                                    : -1);
        m->n = i;
        if (api->xSetAuxdata(fts, m, fields_map_free) != SQLITE_OK) {
            sqlite3_free(m);
            sqlite3_result_error_nomem(ctx);
            return;
        }
    }
    for (i = 0; i < nphrase && i < m->n; i++) {
        Fts5PhraseIter it;
        int col = -1, t = m->term[i];

        if (t < 0) continue;
        if (api->xPhraseFirstColumn(fts, i, &it, &col) != SQLITE_OK) break;
        for (; col >= 0; api->xPhraseNextColumn(fts, &it, &col)) {
            if (col <= 1)
                out |= 1ull << (2 * t);
            else if (col <= 3 || col == 5)
                out |= 1ull << (2 * t + 1);
        }
    }
    sqlite3_result_int64(ctx, (sqlite3_int64)out);
}

int search_db_register(sqlite3 *h)
{
    fts5_api *api = db_fts5(h);

    if (!api) return SQLITE_ERROR;
    return api->xCreateFunction(api, "essaim_fields", NULL, essaim_fields,
                                NULL);
}
