/*
 * offer_db.c: the storage of offers: every SQL statement of offer/ (see
 * offer_db.h; tables in store/db_schema.c, migration 7 -> 8).
 */
#include "offer_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../group/group.h"
#include "../util/log.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

static const char sql_get[] =
    "SELECT id, entrepreneur_id, group_id, status, doc, seq, created_at,"
    " updated_at, retired_at, peer_id,"
    " (SELECT url FROM peer WHERE id = offer.peer_id)"
    " FROM offer WHERE id = ?1";
static const char sql_group[] =
    "SELECT id, kind, name, slug, peer_id FROM grp WHERE id = ?1";
/* An owner of any origin: a peer's offer is owned by the copy of the
 * peer's profile (dir_person_get reads this instance's only). */
static const char sql_person[] =
    "SELECT " DIR_PERSON_COLS " FROM entrepreneur e"
    " JOIN cooperative c ON c.id = e.cooperative_id WHERE e.id = ?1";
static const char sql_remote_find[] =
    "SELECT id FROM offer WHERE peer_id = ?1 AND remote_id = ?2";
static const char sql_remote_drop[] =
    "DELETE FROM offer WHERE peer_id = ?1 AND remote_id = ?2";
static const char sql_group_members[] =
    "SELECT m.entrepreneur_id, e.cooperative_id, e.display_name, c.name,"
    " e.visibility, m.role, m.status"
    " FROM grp_member m JOIN entrepreneur e ON e.id = m.entrepreneur_id"
    " JOIN cooperative c ON c.id = e.cooperative_id"
    " WHERE m.group_id = ?1 ORDER BY m.id";
/* shown starts empty: the search engine's flush sets it (see
 * search/search_item_db.c). */
static const char sql_insert[] =
    "INSERT INTO offer(entrepreneur_id, group_id, status, title, doc, seq,"
    " retired_at, shown, peer_id, remote_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6,"
    " CASE WHEN ?3 = 'retired' THEN " NOW " END, 0, ?7, ?8)";
static const char sql_update[] =
    "UPDATE offer SET status = ?2, title = ?3, doc = ?4, seq = ?5,"
    " updated_at = " NOW ","
    " retired_at = CASE WHEN ?2 = 'retired'"
    " THEN coalesce(retired_at, " NOW ") END WHERE id = ?1";
static const char sql_touch[] =
    "UPDATE offer SET seq = ?2, updated_at = " NOW " WHERE id = ?1";
static const char sql_members_clear[] =
    "DELETE FROM offer_member WHERE offer_id = ?1";
static const char sql_member_add[] =
    "INSERT OR IGNORE INTO offer_member(offer_id, entrepreneur_id)"
    " VALUES(?1, ?2)";
static const char sql_trades_clear[] =
    "DELETE FROM offer_trade WHERE offer_id = ?1";
static const char sql_trade_add[] =
    "INSERT OR IGNORE INTO offer_trade(offer_id, scheme, code)"
    " VALUES(?1, ?2, ?3)";
static const char sql_list_ent[] =
    "SELECT id FROM offer WHERE entrepreneur_id = ?1"
    " AND (?2 IS NULL OR status = ?2) AND id > ?3 ORDER BY id LIMIT ?4";
static const char sql_count_ent[] =
    "SELECT count(*) FROM offer WHERE entrepreneur_id = ?1"
    " AND (?2 IS NULL OR status = ?2)";
static const char sql_list_grp[] =
    "SELECT id FROM offer WHERE group_id = ?1"
    " AND (?2 IS NULL OR status = ?2) AND id > ?3 ORDER BY id LIMIT ?4";
static const char sql_count_grp[] =
    "SELECT count(*) FROM offer WHERE group_id = ?1"
    " AND (?2 IS NULL OR status = ?2)";
static const char sql_photos[] =
    "SELECT id, type, width, height, length(bytes) FROM offer_photo"
    " WHERE offer_id = ?1 ORDER BY id";
static const char sql_photo_add[] =
    "INSERT INTO offer_photo(offer_id, type, width, height, bytes)"
    " VALUES(?1, ?2, ?3, ?4, ?5)";
static const char sql_photo_get[] =
    "SELECT type, bytes FROM offer_photo WHERE id = ?2 AND offer_id = ?1";
static const char sql_photo_delete[] =
    "DELETE FROM offer_photo WHERE id = ?2 AND offer_id = ?1";

/* The statements of this file, for tests/test_offer.c (each must
 * prepare against the schema). */
const char *const offer_sql[] = {
    sql_get,          sql_group,        sql_group_members,
    sql_insert,       sql_update,       sql_touch,
    sql_members_clear, sql_member_add,  sql_trades_clear, sql_trade_add,
    sql_list_ent,     sql_count_ent,    sql_list_grp,    sql_count_grp,
    sql_photos,       sql_photo_add,    sql_photo_get,   sql_photo_delete,
    sql_person,       sql_remote_find,  sql_remote_drop, NULL};

/* ------------------------------------------------------------- helpers */

void offer_row_free(struct offer_row *o)
{
    if (!o) return;
    json_decref(o->doc);
    memset(o, 0, sizeof *o);
}

void offer_group_free(struct offer_group *g)
{
    if (!g) return;
    free(g->m);
    memset(g, 0, sizeof *g);
}

/* ---------------------------------------------------------------- read */

enum rc offer_db_get(struct db *db, long long id, struct offer_row *o)
{
    sqlite3_stmt *st = db_stmt(db, sql_get);
    enum rc rc = RC_OK;
    int src;

    memset(o, 0, sizeof *o);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        o->id = sqlite3_column_int64(st, 0);
        o->entrepreneur_id = sqlite3_column_int64(st, 1);
        o->group_id = sqlite3_column_int64(st, 2);
        db_text_copy(o->status, sizeof o->status, st, 3);
        o->doc = json_loads(db_text(st, 4), 0, NULL);
        if (!json_is_object(o->doc)) {
            log_error("offer %lld: its document is not a JSON object", id);
            rc = RC_INTERNAL;
        }
        o->seq = sqlite3_column_int64(st, 5);
        db_text_copy(o->created_at, sizeof o->created_at, st, 6);
        db_text_copy(o->updated_at, sizeof o->updated_at, st, 7);
        db_text_copy(o->retired_at, sizeof o->retired_at, st, 8);
        o->peer_id = sqlite3_column_int64(st, 9);
        db_text_copy(o->origin, sizeof o->origin, st, 10);
    }
    db_stmt_done(st);
    if (src == SQLITE_DONE) return RC_NOTFOUND;
    if (src != SQLITE_ROW) return db_rc(db, src);
    return rc;
}

static enum rc group_members(struct db *db, struct offer_group *g)
{
    sqlite3_stmt *st = db_stmt(db, sql_group_members);
    size_t cap = 0;
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, g->id);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        struct offer_member *m;

        if (g->nm == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct offer_member *n = realloc(g->m, ncap * sizeof *n);

            if (!n) {
                db_stmt_done(st);
                return RC_NOMEM;
            }
            g->m = n;
            cap = ncap;
        }
        m = &g->m[g->nm++];
        memset(m, 0, sizeof *m);
        dir_person_row(st, 0, &m->p);
        db_text_copy(m->role, sizeof m->role, st, 5);
        db_text_copy(m->status, sizeof m->status, st, 6);
    }
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

enum rc offer_db_group(struct db *db, long long id, struct offer_group *g)
{
    sqlite3_stmt *st = db_stmt(db, sql_group);
    int src;

    memset(g, 0, sizeof *g);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        g->id = sqlite3_column_int64(st, 0);
        g->kind = group_kind_parse(db_text(st, 1));
        db_text_copy(g->name, sizeof g->name, st, 2);
        db_text_copy(g->slug, sizeof g->slug, st, 3);
        g->remote = sqlite3_column_type(st, 4) != SQLITE_NULL;
    }
    db_stmt_done(st);
    if (src == SQLITE_DONE) return RC_NOTFOUND;
    if (src != SQLITE_ROW) return db_rc(db, src);
    if (g->kind < 0) {
        log_error("group %lld: unknown kind", id);
        return RC_INTERNAL;
    }
    return group_members(db, g);
}

enum rc offer_db_list(struct db *db, int by_group, long long owner,
                      const char *status, long long after, int limit,
                      long long **ids, size_t *n, long long *total)
{
    sqlite3_stmt *st = db_stmt(db, by_group ? sql_list_grp : sql_list_ent);
    long long *res = NULL;
    size_t k = 0;
    int src;

    *ids = NULL;
    *n = 0;
    *total = 0;
    if (!st) return RC_DB;
    res = malloc((size_t)(limit > 0 ? limit : 1) * sizeof *res);
    if (!res) {
        db_stmt_done(st);
        return RC_NOMEM;
    }
    sqlite3_bind_int64(st, 1, owner);
    if (status)
        sqlite3_bind_text(st, 2, status, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_int64(st, 3, after);
    sqlite3_bind_int(st, 4, limit);
    while ((src = sqlite3_step(st)) == SQLITE_ROW && k < (size_t)limit)
        res[k++] = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    if (src != SQLITE_DONE && src != SQLITE_ROW) {
        free(res);
        return db_rc(db, src);
    }
    st = db_stmt(db, by_group ? sql_count_grp : sql_count_ent);
    if (!st) {
        free(res);
        return RC_DB;
    }
    sqlite3_bind_int64(st, 1, owner);
    if (status)
        sqlite3_bind_text(st, 2, status, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 2);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) *total = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    if (src != SQLITE_ROW) {
        free(res);
        return db_rc(db, src);
    }
    *ids = res;
    *n = k;
    return RC_OK;
}

enum rc offer_db_photos(struct db *db, long long id,
                        struct offer_photo_row **rows, size_t *n)
{
    sqlite3_stmt *st = db_stmt(db, sql_photos);
    struct offer_photo_row *res = NULL;
    size_t cap = 0, k = 0;
    int src;

    *rows = NULL;
    *n = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        struct offer_photo_row *p;

        if (k == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct offer_photo_row *g = realloc(res, ncap * sizeof *g);

            if (!g) {
                free(res);
                db_stmt_done(st);
                return RC_NOMEM;
            }
            res = g;
            cap = ncap;
        }
        p = &res[k++];
        memset(p, 0, sizeof *p);
        p->id = sqlite3_column_int64(st, 0);
        db_text_copy(p->type, sizeof p->type, st, 1);
        p->width = sqlite3_column_int(st, 2);
        p->height = sqlite3_column_int(st, 3);
        p->size = sqlite3_column_int64(st, 4);
    }
    db_stmt_done(st);
    if (src != SQLITE_DONE) {
        free(res);
        return db_rc(db, src);
    }
    *rows = res;
    *n = k;
    return RC_OK;
}

enum rc offer_db_photo_get(struct db *db, long long id, long long photo,
                           char *type, size_t tsize, void **bytes,
                           size_t *len)
{
    sqlite3_stmt *st = db_stmt(db, sql_photo_get);
    enum rc rc = RC_OK;
    int src;

    *bytes = NULL;
    *len = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, photo);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(st, 1);
        int n = sqlite3_column_bytes(st, 1);

        db_text_copy(type, tsize, st, 0);
        *bytes = malloc(n > 0 ? (size_t)n : 1);
        if (!*bytes) {
            rc = RC_NOMEM;
        } else {
            if (n > 0) memcpy(*bytes, b, (size_t)n);
            *len = (size_t)n;
        }
    }
    db_stmt_done(st);
    if (src == SQLITE_DONE) return RC_NOTFOUND;
    if (src != SQLITE_ROW) return db_rc(db, src);
    return rc;
}

/* --------------------------------------------------------------- write */

enum rc offer_db_insert(struct db *db, const struct offer_row *o,
                        const char *title, const char *doc, long long *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_insert);
    enum rc rc;

    *id = 0;
    if (!st) return RC_DB;
    db_bind_id(st, 1, o->entrepreneur_id);
    db_bind_id(st, 2, o->group_id);
    sqlite3_bind_text(st, 3, o->status, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, title, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, doc, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 6, o->seq);
    db_bind_id(st, 7, o->peer_id);
    if (o->peer_id)
        sqlite3_bind_text(st, 8, o->remote_id, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 8);
    rc = db_step_done(db, st);
    if (rc == RC_OK) *id = sqlite3_last_insert_rowid(db_handle(db));
    return rc;
}

enum rc offer_db_person(struct db *db, long long id, struct dir_person *p)
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

enum rc offer_db_remote_find(struct db *db, long long peer,
                             const char *remote_id, long long *id)
{
    return db_find_ids(db, sql_remote_find, peer, remote_id, id, 1);
}

enum rc offer_db_remote_drop(struct db *db, long long peer,
                             const char *remote_id, int *dropped)
{
    return db_change_ids(db, sql_remote_drop, peer, remote_id, dropped);
}

enum rc offer_db_update(struct db *db, const struct offer_row *o,
                        const char *title, const char *doc)
{
    sqlite3_stmt *st = db_stmt(db, sql_update);

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, o->id);
    sqlite3_bind_text(st, 2, o->status, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, title, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, doc, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, o->seq);
    return db_step_done(db, st);
}

enum rc offer_db_touch(struct db *db, long long id, long long seq)
{
    sqlite3_stmt *st = db_stmt(db, sql_touch);

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, seq);
    return db_step_done(db, st);
}

enum rc offer_db_set_members(struct db *db, long long id,
                             const long long *ents, size_t n)
{
    sqlite3_stmt *st = db_stmt(db, sql_members_clear);
    enum rc rc;
    size_t i;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    rc = db_step_done(db, st);
    for (i = 0; rc == RC_OK && i < n; i++) {
        st = db_stmt(db, sql_member_add);
        if (!st) return RC_DB;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, ents[i]);
        rc = db_step_done(db, st);
    }
    return rc;
}

enum rc offer_db_set_trades(struct db *db, long long id, json_t *trades)
{
    sqlite3_stmt *st = db_stmt(db, sql_trades_clear);
    enum rc rc;
    json_t *t;
    size_t i;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    rc = db_step_done(db, st);
    json_array_foreach(trades, i, t) {
        const char *scheme = json_string_value(json_object_get(t, "scheme"));
        const char *code = json_string_value(json_object_get(t, "code"));

        if (rc != RC_OK) break;
        if (!scheme || !code || !strcmp(scheme, "free")) continue;
        st = db_stmt(db, sql_trade_add);
        if (!st) return RC_DB;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, scheme, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, code, -1, SQLITE_TRANSIENT);
        rc = db_step_done(db, st);
    }
    return rc;
}

enum rc offer_db_photo_add(struct db *db, long long id, const char *type,
                           int width, int height, const void *bytes,
                           size_t len, long long *photo)
{
    sqlite3_stmt *st = db_stmt(db, sql_photo_add);
    enum rc rc;

    *photo = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, type, -1, SQLITE_TRANSIENT);
    if (width > 0 && height > 0) {
        sqlite3_bind_int(st, 3, width);
        sqlite3_bind_int(st, 4, height);
    } else {
        sqlite3_bind_null(st, 3);
        sqlite3_bind_null(st, 4);
    }
    sqlite3_bind_blob64(st, 5, bytes, (sqlite3_uint64)len, SQLITE_STATIC);
    rc = db_step_done(db, st);
    if (rc == RC_OK) *photo = sqlite3_last_insert_rowid(db_handle(db));
    return rc;
}

enum rc offer_db_photo_delete(struct db *db, long long id, long long photo)
{
    sqlite3_stmt *st = db_stmt(db, sql_photo_delete);
    enum rc rc;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, photo);
    rc = db_step_done(db, st);
    if (rc == RC_OK && sqlite3_changes(db_handle(db)) == 0) rc = RC_NOTFOUND;
    return rc;
}
