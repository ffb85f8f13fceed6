/*
 * group_db.c: the storage of groups: every SQL statement of group/ (see
 * group_db.h; tables in store/db_schema.c, migration 6 -> 7).
 */
#include "group_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../notify/outbox.h"
#include "../util/log.h"
#include "group.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

static const char sql_get[] =
    "SELECT id, kind, name, slug, description, lead_id, liability,"
    " revenue_split, tender_id, lot, created_by, created_at, updated_at,"
    " peer_id, (SELECT url FROM peer WHERE id = grp.peer_id)"
    " FROM grp WHERE id = ?1";
static const char sql_members[] =
    "SELECT m.id, m.entrepreneur_id, e.cooperative_id, e.display_name,"
    " c.name, e.visibility, m.role, m.status, m.later, m.invited_by,"
    " m.invited_at, m.answered_at, m.left_at, m.reason,"
    " (SELECT url FROM peer WHERE id = c.peer_id)"
    " FROM grp_member m JOIN entrepreneur e ON e.id = m.entrepreneur_id"
    " JOIN cooperative c ON c.id = e.cooperative_id"
    " WHERE m.group_id = ?1 ORDER BY m.id";
static const char sql_invitation[] =
    "SELECT group_id FROM grp_member WHERE id = ?1";
static const char sql_slug[] =
    "SELECT 1 FROM grp WHERE slug = ?1 AND id <> ?2";
static const char sql_has_tender[] =
    "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'tender'";
/* shown starts empty: the search engine's flush sets it
 * (search/search_item_db.c). */
static const char sql_insert[] =
    "INSERT INTO grp(kind, name, slug, description, lead_id, liability,"
    " revenue_split, tender_id, lot, created_by, shown)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0)";
/* A peer's group (federation): its copy, by its id at the peer. */
static const char sql_remote_find[] =
    "SELECT id FROM grp WHERE peer_id = ?1 AND remote_id = ?2";
static const char sql_remote_insert[] =
    "INSERT INTO grp(kind, name, slug, description, shown, peer_id,"
    " remote_id) VALUES(?3, ?4, ?5, ?6, 0, ?1, ?2)";
static const char sql_remote_update[] =
    "UPDATE grp SET kind = ?2, name = ?3, slug = ?4, description = ?5,"
    " updated_at = " NOW " WHERE id = ?1";
static const char sql_remote_members_clear[] =
    "DELETE FROM grp_member WHERE group_id = ?1";
static const char sql_remote_drop[] =
    "DELETE FROM grp WHERE peer_id = ?1 AND remote_id = ?2";
static const char sql_update[] =
    "UPDATE grp SET name = ?2, slug = ?3, description = ?4, lead_id = ?5,"
    " liability = ?6, revenue_split = ?7, updated_at = " NOW " WHERE id = ?1";
static const char sql_member_add[] =
    "INSERT INTO grp_member(group_id, entrepreneur_id, role, status, later,"
    " invited_by, answered_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6,"
    " CASE WHEN ?4 = 'accepted' THEN " NOW " END)";
static const char sql_reinvite[] =
    "UPDATE grp_member SET status = 'invited', role = ?2, invited_by = ?3,"
    " invited_at = " NOW ", answered_at = NULL, left_at = NULL,"
    " reason = NULL WHERE id = ?1";
static const char sql_member_set[] =
    "UPDATE grp_member SET status = ?2, reason = ?3,"
    " answered_at = CASE WHEN ?2 IN ('accepted', 'declined') THEN " NOW
    " ELSE answered_at END,"
    " left_at = CASE WHEN ?2 = 'left' THEN " NOW " ELSE left_at END"
    " WHERE id = ?1";
static const char sql_member_role[] =
    "UPDATE grp_member SET role = ?2 WHERE id = ?1";
static const char sql_notify[] =
    "INSERT INTO notification(entrepreneur_id, kind, group_id, text)"
    " VALUES(?1, ?2, ?3, ?4)";
static const char sql_mine[] =
    "SELECT id, group_id FROM grp_member WHERE entrepreneur_id = ?1"
    " AND status IN ('invited', 'accepted') AND (?2 = 0 OR id < ?2)"
    " ORDER BY id DESC LIMIT ?3";
static const char sql_mine_count[] =
    "SELECT count(*), coalesce(sum(status = 'invited'), 0) FROM grp_member"
    " WHERE entrepreneur_id = ?1 AND status IN ('invited', 'accepted')";
/* A write's change number (grp.seq; the search engine reads it). */
static const char sql_seq[] = "UPDATE grp SET seq = ?2 WHERE id = ?1";
static const char sql_seq_member[] =
    "UPDATE grp SET seq = ?2"
    " WHERE id = (SELECT group_id FROM grp_member WHERE id = ?1)";

/* The statements of this file, for tests/test_group.c (each must
 * prepare against the schema). The tender look-ups are not among them:
 * they tolerate a database without tenders (group_db_tender). */
const char *const group_sql[] = {
    sql_get,         sql_members,      sql_invitation,
    sql_slug,        sql_has_tender,   sql_insert,     sql_update,
    sql_member_add,  sql_reinvite,     sql_member_set, sql_member_role,
    sql_notify,      sql_mine,
    sql_mine_count,  sql_seq,          sql_seq_member,
    sql_remote_find, sql_remote_insert, sql_remote_update,
    sql_remote_members_clear,          sql_remote_drop, NULL};

/* ------------------------------------------------------------- helpers */


void group_row_free(struct group_row *g)
{
    if (!g) return;
    free(g->description);
    json_decref(g->revenue_split);
    free(g->m);
    memset(g, 0, sizeof *g);
}

/* touch: a new change number (db_next_seq, in the caller's write
 * transaction) for the group of id: the group itself with sql_seq, the
 * group of member row id with sql_seq_member. */
static enum rc touch(struct db *db, const char *sql, long long id)
{
    sqlite3_stmt *st;
    long long seq = 0;
    enum rc rc = db_next_seq(db, &seq);

    if (rc != RC_OK) return rc;
    st = db_stmt(db, sql);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, seq);
    return db_step_done(db, st);
}

/* ---------------------------------------------------------------- read */

static enum rc load_members(struct db *db, struct group_row *g)
{
    sqlite3_stmt *st = db_stmt(db, sql_members);
    size_t cap = 0;
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, g->id);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        struct group_member *m;

        if (g->nm == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct group_member *n = realloc(g->m, ncap * sizeof *n);

            if (!n) {
                db_stmt_done(st);
                return RC_NOMEM;
            }
            g->m = n;
            cap = ncap;
        }
        m = &g->m[g->nm++];
        memset(m, 0, sizeof *m);
        m->id = sqlite3_column_int64(st, 0);
        m->p.id = sqlite3_column_int64(st, 1);
        m->p.cooperative_id = sqlite3_column_int64(st, 2);
        db_text_copy(m->p.name, sizeof m->p.name, st, 3);
        db_text_copy(m->p.cooperative, sizeof m->p.cooperative, st, 4);
        db_text_copy(m->p.visibility, sizeof m->p.visibility, st, 5);
        db_text_copy(m->role, sizeof m->role, st, 6);
        db_text_copy(m->status, sizeof m->status, st, 7);
        m->later = sqlite3_column_int(st, 8);
        m->invited_by = sqlite3_column_int64(st, 9);
        db_text_copy(m->invited_at, sizeof m->invited_at, st, 10);
        db_text_copy(m->answered_at, sizeof m->answered_at, st, 11);
        db_text_copy(m->left_at, sizeof m->left_at, st, 12);
        db_text_copy(m->reason, sizeof m->reason, st, 13);
        db_text_copy(m->origin, sizeof m->origin, st, 14);
    }
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

enum rc group_db_load(struct db *db, long long id, struct group_row *g)
{
    sqlite3_stmt *st = db_stmt(db, sql_get);
    enum rc rc = RC_OK;
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
        if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
            g->description = db_text_dup(st, 4);
            if (!g->description) rc = RC_NOMEM;
        }
        g->lead = sqlite3_column_int64(st, 5);
        db_text_copy(g->liability, sizeof g->liability, st, 6);
        if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
            g->revenue_split = json_loads(db_text(st, 7), 0, NULL);
            if (!g->revenue_split) rc = RC_NOMEM;
        }
        g->tender_id = sqlite3_column_int64(st, 8);
        db_text_copy(g->lot, sizeof g->lot, st, 9);
        g->created_by = sqlite3_column_int64(st, 10);
        db_text_copy(g->created_at, sizeof g->created_at, st, 11);
        db_text_copy(g->updated_at, sizeof g->updated_at, st, 12);
        g->peer_id = sqlite3_column_int64(st, 13);
        db_text_copy(g->origin, sizeof g->origin, st, 14);
    }
    db_stmt_done(st);
    if (src == SQLITE_DONE) return RC_NOTFOUND;
    if (src != SQLITE_ROW) return db_rc(db, src);
    if (rc == RC_OK && g->kind < 0) {
        log_error("group %lld: unknown kind", id);
        rc = RC_INTERNAL;
    }
    if (rc == RC_OK) rc = load_members(db, g);
    return rc;
}

enum rc group_db_invitation(struct db *db, long long id, long long *group)
{
    sqlite3_stmt *st = db_stmt(db, sql_invitation);
    int src;

    *group = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) *group = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    if (src == SQLITE_DONE) return RC_NOTFOUND;
    return src == SQLITE_ROW ? RC_OK : db_rc(db, src);
}

enum rc group_db_slug_taken(struct db *db, const char *slug, long long except,
                            int *taken)
{
    sqlite3_stmt *st = db_stmt(db, sql_slug);
    int src;

    *taken = 0;
    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, except);
    src = sqlite3_step(st);
    *taken = src == SQLITE_ROW;
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* raw_int: the first column of the first row of sql (not cached: the
 * tenders' tables belong to another module and may differ), with ?1 id
 * and ?2 text. -1 when the statement cannot be prepared or run, else
 * the value (0 when no row). */
static long long raw_int(struct db *db, const char *sql, long long id,
                         const char *text, long long *second)
{
    sqlite3_stmt *st = NULL;
    long long v = -1;
    int src;

    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) {
        log_warn("groups: cannot read the tenders: %s",
                 sqlite3_errmsg(db_handle(db)));
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_text(st, 2, text ? text : "", -1, SQLITE_TRANSIENT);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        v = sqlite3_column_int64(st, 0);
        if (second) *second = sqlite3_column_int64(st, 1);
    } else if (src == SQLITE_DONE) {
        v = 0;
    }
    sqlite3_finalize(st);
    return v;
}

enum rc group_db_tender(struct db *db, long long id, const char *lot,
                        int *tender_ok, int *lot_ok)
{
    sqlite3_stmt *st = db_stmt(db, sql_has_tender);
    long long matches = 0, lots;
    int src, have;

    *tender_ok = 0;
    *lot_ok = 0;
    if (!st) return RC_DB;
    src = sqlite3_step(st);
    have = src == SQLITE_ROW;
    db_stmt_done(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE) return db_rc(db, src);
    if (!have) return RC_OK;
    *tender_ok = raw_int(db, "SELECT 1 FROM tender WHERE id = ?1", id, NULL,
                         NULL) > 0;
    if (!*tender_ok || !lot) return RC_OK;
    /* The lots, where the tender document keeps them (tender.h): a lot
     * is refused only when the tender lists lots and this is none. */
    lots = raw_int(db,
                   "SELECT count(*), coalesce(sum(json_extract(l.value,"
                   " '$.id') = ?2), 0) FROM tender t,"
                   " json_each(t.doc, '$.lots') l WHERE t.id = ?1",
                   id, lot, &matches);
    *lot_ok = lots <= 0 || matches > 0;
    return RC_OK;
}

/* --------------------------------------------------------------- write */

static enum rc bind_settings(sqlite3_stmt *st, int first,
                             const struct group_row *g)
{
    char *split = NULL;

    db_bind_text(st, first, g->description);
    db_bind_id(st, first + 1, g->lead);
    db_bind_text(st, first + 2, g->liability);
    if (g->revenue_split) {
        split = json_dumps(g->revenue_split, JSON_COMPACT);
        if (!split) return RC_NOMEM;
        sqlite3_bind_text(st, first + 3, split, -1, free);
    } else {
        sqlite3_bind_null(st, first + 3);
    }
    return RC_OK;
}

enum rc group_db_insert(struct db *db, const struct group_row *g,
                        long long *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_insert);
    enum rc rc;

    *id = 0;
    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, group_kind_name(g->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, g->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, g->slug, -1, SQLITE_TRANSIENT);
    rc = bind_settings(st, 4, g);
    if (rc != RC_OK) {
        db_stmt_done(st);
        return rc;
    }
    db_bind_id(st, 8, g->tender_id);
    db_bind_text(st, 9, g->lot);
    db_bind_id(st, 10, g->created_by);
    rc = db_step_done(db, st);
    if (rc == RC_OK) *id = sqlite3_last_insert_rowid(db_handle(db));
    if (rc == RC_OK) rc = touch(db, sql_seq, *id);
    return rc;
}

enum rc group_db_update(struct db *db, const struct group_row *g)
{
    sqlite3_stmt *st = db_stmt(db, sql_update);
    enum rc rc;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, g->id);
    sqlite3_bind_text(st, 2, g->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, g->slug, -1, SQLITE_TRANSIENT);
    rc = bind_settings(st, 4, g);
    if (rc != RC_OK) {
        db_stmt_done(st);
        return rc;
    }
    rc = db_step_done(db, st);
    if (rc == RC_OK) rc = touch(db, sql_seq, g->id);
    return rc;
}

enum rc group_db_member_add(struct db *db, long long group, long long ent,
                            const char *role, const char *status, int later,
                            long long invited_by, long long *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_member_add);
    enum rc rc;

    *id = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, group);
    sqlite3_bind_int64(st, 2, ent);
    sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, status, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, later);
    db_bind_id(st, 6, invited_by);
    rc = db_step_done(db, st);
    if (rc == RC_OK) *id = sqlite3_last_insert_rowid(db_handle(db));
    if (rc == RC_OK) rc = touch(db, sql_seq, group);
    return rc;
}

enum rc group_db_member_reinvite(struct db *db, long long id,
                                 const char *role, long long invited_by)
{
    sqlite3_stmt *st = db_stmt(db, sql_reinvite);
    enum rc rc;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
    db_bind_id(st, 3, invited_by);
    rc = db_step_done(db, st);
    if (rc == RC_OK) rc = touch(db, sql_seq_member, id);
    return rc;
}

enum rc group_db_member_set(struct db *db, long long id, const char *status,
                            const char *reason)
{
    sqlite3_stmt *st = db_stmt(db, sql_member_set);
    enum rc rc;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    db_bind_text(st, 3, reason);
    rc = db_step_done(db, st);
    if (rc == RC_OK) rc = touch(db, sql_seq_member, id);
    return rc;
}

enum rc group_db_member_role(struct db *db, long long id, const char *role)
{
    sqlite3_stmt *st = db_stmt(db, sql_member_role);
    enum rc rc;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
    rc = db_step_done(db, st);
    if (rc == RC_OK) rc = touch(db, sql_seq_member, id);
    return rc;
}

enum rc group_db_notify(struct db *db, long long ent, long long group,
                        const char *kind, const char *text)
{
    sqlite3_stmt *st = db_stmt(db, sql_notify);

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, ent);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, group);
    sqlite3_bind_text(st, 4, text, -1, SQLITE_TRANSIENT);
    return db_step_done(db, st);
}

enum rc group_db_mail(struct db *db, long long ent, long long group,
                      const char *subject, const char *body)
{
    return outbox_add_entrepreneur(db, ent, subject, body, 0, group);
}

enum rc group_db_mine(struct db *db, long long ent, long long before,
                      int limit, json_t **rows, long long *total,
                      long long *pending)
{
    sqlite3_stmt *st = db_stmt(db, sql_mine);
    json_t *res = json_array();
    int src;

    *rows = NULL;
    *total = *pending = 0;
    if (!st || !res) {
        db_stmt_done(st);
        json_decref(res);
        return st ? RC_NOMEM : RC_DB;
    }
    sqlite3_bind_int64(st, 1, ent);
    sqlite3_bind_int64(st, 2, before);
    sqlite3_bind_int(st, 3, limit);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(
            res, json_pack("[I, I]", (json_int_t)sqlite3_column_int64(st, 0),
                           (json_int_t)sqlite3_column_int64(st, 1)));
    db_stmt_done(st);
    if (src != SQLITE_DONE) {
        json_decref(res);
        return db_rc(db, src);
    }
    st = db_stmt(db, sql_mine_count);
    if (!st) {
        json_decref(res);
        return RC_DB;
    }
    sqlite3_bind_int64(st, 1, ent);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *total = sqlite3_column_int64(st, 0);
        *pending = sqlite3_column_int64(st, 1);
    }
    db_stmt_done(st);
    if (src != SQLITE_ROW) {
        json_decref(res);
        return db_rc(db, src);
    }
    *rows = res;
    return RC_OK;
}

/* ---------------------------------------------------- a peer's group */

enum rc group_db_remote_find(struct db *db, long long peer,
                             const char *remote_id, long long *id)
{
    return db_find_ids(db, sql_remote_find, peer, remote_id, id, 1);
}

enum rc group_db_remote_put(struct db *db, long long peer,
                            const char *remote_id, const struct group_row *g,
                            long long *id)
{
    sqlite3_stmt *st;
    enum rc rc = group_db_remote_find(db, peer, remote_id, id);

    if (rc != RC_OK) return rc;
    st = db_stmt(db, *id ? sql_remote_update : sql_remote_insert);
    if (!st) return RC_DB;
    if (*id) {
        sqlite3_bind_int64(st, 1, *id);
        sqlite3_bind_text(st, 2, group_kind_name(g->kind), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, g->name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, g->slug, -1, SQLITE_TRANSIENT);
        db_bind_text(st, 5, g->description);
    } else {
        sqlite3_bind_int64(st, 1, peer);
        sqlite3_bind_text(st, 2, remote_id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, group_kind_name(g->kind), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, g->name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, g->slug, -1, SQLITE_TRANSIENT);
        db_bind_text(st, 6, g->description);
    }
    rc = db_step_done(db, st);
    if (rc == RC_OK && !*id) *id = sqlite3_last_insert_rowid(db_handle(db));
    if (rc == RC_OK) rc = touch(db, sql_seq, *id);
    /* Its members: exactly those of this version (all accepted). */
    if (rc == RC_OK && !(st = db_stmt(db, sql_remote_members_clear)))
        rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, *id);
        rc = db_step_done(db, st);
    }
    return rc;
}

enum rc group_db_remote_drop(struct db *db, long long peer,
                             const char *remote_id, int *dropped)
{
    return db_change_ids(db, sql_remote_drop, peer, remote_id, dropped);
}
