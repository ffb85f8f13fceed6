/*
 * dir_person.c: a profile of this instance as the other modules name it
 * (see dir_person.h).
 */
#include "dir_person.h"

#include <string.h>

static const char sql_person[] =
    "SELECT " DIR_PERSON_COLS " FROM entrepreneur e"
    " JOIN cooperative c ON c.id = e.cooperative_id"
    " WHERE e.id = ?1 AND c.peer_id IS NULL";

const char *const dir_person_sql[] = {sql_person, NULL};

void dir_person_row(sqlite3_stmt *st, int first, struct dir_person *p)
{
    p->id = sqlite3_column_int64(st, first);
    p->cooperative_id = sqlite3_column_int64(st, first + 1);
    db_text_copy(p->name, sizeof p->name, st, first + 2);
    db_text_copy(p->cooperative, sizeof p->cooperative, st, first + 3);
    db_text_copy(p->visibility, sizeof p->visibility, st, first + 4);
}

enum rc dir_person_get(struct db *db, long long id, struct dir_person *p)
{
    sqlite3_stmt *st = db_stmt(db, sql_person);
    int src;

    memset(p, 0, sizeof *p);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) dir_person_row(st, 0, p);
    db_stmt_done(st);
    if (src == SQLITE_DONE) return RC_NOTFOUND;
    return src == SQLITE_ROW ? RC_OK : db_rc(db, src);
}
