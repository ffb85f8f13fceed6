/*
 * dir_audit.c: the audit log (see dir_audit.h).
 */
#include "dir_audit.h"

#include "../util/check.h"
#include "../util/ids.h"
#include "../util/viewer.h"
#include "dir_db.h"

static const char sql_add[] =
    "INSERT INTO audit(actor_id, actor_role, cooperative_id, action, target)"
    " VALUES(?1, ?2, ?3, ?4, ?5)";
static const char sql_list[] =
    "SELECT id, at, actor_id, actor_role, cooperative_id, action, target"
    " FROM audit WHERE (?1 = 0 OR cooperative_id = ?1) AND (?2 = 0 OR id < ?2)"
    " ORDER BY id DESC LIMIT ?3";
static const char sql_count[] =
    "SELECT count(*) FROM audit WHERE ?1 = 0 OR cooperative_id = ?1";

const char *const dir_audit_sql[] = {sql_add, sql_list, sql_count, NULL};

enum rc dir_audit(struct db *db, const struct viewer *v, long long coop,
                  const char *action, const char *target)
{
    sqlite3_stmt *st;
    int src;

    if (!v->account_id ||
        (v->role != VIEWER_STAFF && v->role != VIEWER_ADMIN))
        return RC_OK;
    st = db_stmt(db, sql_add);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, v->account_id);
    sqlite3_bind_text(st, 2, viewer_role_name(v->role), -1, SQLITE_STATIC);
    if (coop)
        sqlite3_bind_int64(st, 3, coop);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, target, -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

static json_t *row_json(sqlite3_stmt *st)
{
    return json_pack("{s:o, s:s, s:o, s:s, s:o, s:s, s:s}", "id",
                     ids_json(sqlite3_column_int64(st, 0)), "at",
                     db_text(st, 1), "actor_id",
                     sqlite3_column_type(st, 2) == SQLITE_NULL
                         ? json_null()
                         : ids_json(sqlite3_column_int64(st, 2)),
                     "actor_role", db_text(st, 3), "cooperative_id",
                     sqlite3_column_type(st, 4) == SQLITE_NULL
                         ? json_null()
                         : ids_json(sqlite3_column_int64(st, 4)),
                     "action", db_text(st, 5), "target", db_text(st, 6));
}

enum rc dir_audit_list(struct db *db, const struct viewer *v,
                       const char *cooperative, int limit, const char *cursor,
                       json_t *errs, json_t **out)
{
    struct check c = {errs, ""};
    sqlite3_stmt *st;
    json_t *res = NULL, *next = NULL;
    long long coop = 0, before = 0, total = 0, last = 0;
    int src, n = 0;

    *out = NULL;
    if (cooperative && *cooperative && !ids_parse(cooperative, &coop))
        check_fail(&c, "cooperative", "must be a cooperative id");
    if (cursor && *cursor && !ids_parse(cursor, &before))
        check_fail(&c, "cursor", "is not a cursor from a previous answer");
    if (check_failed(&c)) return RC_INVALID;
    if (!viewer_can_read_audit(v, coop)) return RC_FORBIDDEN;
    st = db_stmt(db, sql_list);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, coop);
    sqlite3_bind_int64(st, 2, before);
    sqlite3_bind_int(st, 3, limit + 1);
    res = json_array();
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++ == limit) {
            next = ids_json(last);
            break;
        }
        last = sqlite3_column_int64(st, 0);
        json_array_append_new(res, row_json(st));
    }
    db_stmt_done(st);
    st = db_stmt(db, sql_count);
    if (!st) {
        json_decref(res);
        json_decref(next);
        return RC_DB;
    }
    sqlite3_bind_int64(st, 1, coop);
    if (sqlite3_step(st) == SQLITE_ROW) total = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    *out = json_pack("{s:I, s:o, s:o}", "total", (json_int_t)total, "results",
                     res, "next_cursor", next ? next : json_null());
    return *out ? RC_OK : RC_NOMEM;
}
