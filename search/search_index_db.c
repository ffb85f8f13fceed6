/*
 * search_index_db.c: writing the full-text index (see search_index.h).
 */
#include "search_index.h"

#include "../util/buf.h"

static const char sql_delete[] = "DELETE FROM search_fts WHERE rowid = ?1";
static const char sql_insert[] =
    "INSERT INTO search_fts(rowid, name, headline, body, trades)"
    " VALUES(?1, ?2, ?3, ?4, ?5)";

const char *const search_index_sql[] = {sql_delete, sql_insert, NULL};

/* join: append the strings of an array (or one field of its objects). */
static void join(struct buf *b, json_t *arr, const char *field)
{
    size_t i;
    json_t *v;

    json_array_foreach(arr, i, v) {
        const char *s = json_string_value(field ? json_object_get(v, field)
                                                : v);

        if (!s) continue;
        if (b->len) buf_adds(b, " ; ");
        buf_adds(b, s);
    }
}

enum rc search_index_remove(struct db *db, long long id)
{
    sqlite3_stmt *st = db_stmt(db, sql_delete);
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

enum rc search_index_entrepreneur(struct db *db, long long id, json_t *doc,
                                  int fresh)
{
    struct buf body = {0}, trades = {0};
    sqlite3_stmt *st;
    const char *desc = json_string_value(json_object_get(doc, "description"));
    enum rc rc = fresh ? RC_OK : search_index_remove(db, id);
    int src;

    if (rc != RC_OK) return rc;
    if (desc) buf_adds(&body, desc);
    join(&body, json_object_get(doc, "skills"), NULL);
    join(&body, json_object_get(doc, "qualifications"), NULL);
    join(&body, json_object_get(doc, "references"), "title");
    join(&trades, json_object_get(doc, "trades"), "label");
    join(&trades, json_object_get(doc, "trades"), "code");
    if (buf_oom(&body) || buf_oom(&trades)) {
        rc = RC_NOMEM;
        goto out;
    }
    st = db_stmt(db, sql_insert);
    if (!st) {
        rc = RC_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2,
                      json_string_value(json_object_get(doc, "display_name")),
                      -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, json_string_value(json_object_get(doc, "headline")),
                      -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, buf_str(&body), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, buf_str(&trades), -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    db_stmt_done(st);
    rc = src == SQLITE_DONE ? RC_OK : db_rc(db, src);
out:
    buf_free(&body);
    buf_free(&trades);
    return rc;
}
