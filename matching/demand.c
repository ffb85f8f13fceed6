/*
 * demand.c: pooled demand counts (see demand.h).
 */
#include "demand.h"

#include <stdio.h>
#include <time.h>

static const char sql_add[] =
    "INSERT INTO demand(kind, month, departement, trade, n)"
    " VALUES(?1, ?2, ?3, ?4, 1)"
    " ON CONFLICT(kind, month, departement, trade) DO UPDATE SET n = n + 1";

const char *const demand_sql[] = {sql_add, NULL};

static enum rc add_one(struct db *db, const char *kind, const char *month,
                       const char *dep, const char *trade)
{
    sqlite3_stmt *st = db_stmt(db, sql_add);
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, month, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, dep ? dep : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, trade ? trade : "", -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

enum rc demand_add(struct db *db, const char *kind, const char *departement,
                   json_t *trades)
{
    char month[8];
    time_t t = time(NULL);
    struct tm tm;
    size_t i;
    json_t *x;
    enum rc rc = db_begin(db);

    if (rc != RC_OK) return rc;
    gmtime_r(&t, &tm);
    strftime(month, sizeof month, "%Y-%m", &tm);
    if (!json_array_size(trades)) {
        rc = add_one(db, kind, month, departement, "");
    } else {
        json_array_foreach(trades, i, x) {
            if (rc == RC_OK && json_is_string(x))
                rc = add_one(db, kind, month, departement,
                             json_string_value(x));
        }
    }
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    return rc;
}
