/*
 * dir_db.c: the SQL of cooperatives and entrepreneurs (see dir_db.h).
 */
#include "dir_db.h"

#include "../util/ids.h"
#include "../util/viewer.h"

#include <stdlib.h>
#include <string.h>

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

static const char sql_coop_insert[] =
    "INSERT INTO cooperative(external_id, name, kind, doc)"
    " VALUES(?1, ?2, ?3, ?4)";
static const char sql_coop_update[] =
    "UPDATE cooperative SET external_id = ?2, name = ?3, kind = ?4, doc = ?5,"
    " updated_at = " NOW " WHERE id = ?1";
static const char sql_coop_get[] =
    "SELECT id, external_id, name, kind, doc, created_at, updated_at"
    " FROM cooperative WHERE id = ?1";
static const char sql_coop_by_external[] =
    "SELECT id FROM cooperative WHERE external_id = ?1";
static const char sql_coop_list[] =
    "SELECT id, external_id, name, kind, doc, created_at, updated_at"
    " FROM cooperative WHERE id > ?1 AND peer_id IS NULL ORDER BY id"
    " LIMIT ?2";
static const char sql_coop_count[] =
    "SELECT count(*) FROM cooperative WHERE peer_id IS NULL";

#define ENT_COLS                                                             \
    "e.id, e.cooperative_id, c.name, e.external_id, e.visibility, e.doc,"    \
    " e.created_at, e.updated_at,"                                           \
    " (SELECT url FROM peer WHERE id = c.peer_id)"

/* SHOWN: the audiences a write of visibility ?6 in cooperative ?2 shows
 * the profile to (entrepreneur.shown, store/db_schema.c 13 -> 14): bit 1
 * anyone (public), bit 2 signed-in users and peers (public, network).
 * A peer's copy is never shown by our feed: 0. The feed tells a deletion
 * only to an audience that may have seen the profile. */
#define SHOWN                                                                \
    "CASE WHEN (SELECT peer_id FROM cooperative WHERE id = ?2) IS NOT NULL" \
    " THEN 0 WHEN ?6 = 'public' THEN 3 WHEN ?6 = 'network' THEN 2"         \
    " ELSE 0 END"

static const char sql_ent_insert[] =
    "INSERT INTO entrepreneur(cooperative_id, external_id, display_name,"
    " status, visibility, insee, departement, lat, lon, radius_km, zones,"
    " avail_from, avail_until, doc, seq, shown)"
    " VALUES(?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
    " ?16, " SHOWN ")";
static const char sql_ent_update[] =
    "UPDATE entrepreneur SET cooperative_id = ?2, external_id = ?3,"
    " display_name = ?4, status = ?5, visibility = ?6, insee = ?7,"
    " departement = ?8, lat = ?9, lon = ?10, radius_km = ?11, zones = ?12,"
    " avail_from = ?13, avail_until = ?14, doc = ?15, seq = ?16,"
    " shown = shown | " SHOWN ","
    " updated_at = " NOW " WHERE id = ?1";
static const char sql_ent_get[] =
    "SELECT " ENT_COLS " FROM entrepreneur e"
    " JOIN cooperative c ON c.id = e.cooperative_id WHERE e.id = ?1";
static const char sql_ent_by_external[] =
    "SELECT id FROM entrepreneur WHERE cooperative_id = ?1"
    " AND external_id = ?2";
static const char sql_ent_delete[] = "DELETE FROM entrepreneur WHERE id = ?1";
/* The tombstone keeps who the profile was shown to (before the DELETE:
 * it reads the row). */
static const char sql_tombstone[] =
    "INSERT INTO tombstone(seq, kind, id, shown)"
    " SELECT ?1, 'entrepreneur', id, shown FROM entrepreneur WHERE id = ?2";
static const char sql_ent_each[] =
    "SELECT id, cooperative_id, doc FROM entrepreneur ORDER BY id";
static const char sql_ent_trades_clear[] =
    "DELETE FROM entrepreneur_trade WHERE entrepreneur_id = ?1";
static const char sql_ent_trade_add[] =
    "INSERT OR IGNORE INTO entrepreneur_trade(entrepreneur_id, scheme, code)"
    " VALUES(?1, ?2, ?3)";
static const char sql_ent_list[] =
    "SELECT " ENT_COLS " FROM entrepreneur e"
    " JOIN cooperative c ON c.id = e.cooperative_id"
    " WHERE e.id > ?1 AND (e.cooperative_id = ?2 OR (?2 = 0 AND"
    " c.peer_id IS NULL)) AND " VIEWER_SQL("e") " ORDER BY e.id LIMIT ?3";
static const char sql_ent_count[] = /* all: this instance's only */
    "SELECT count(*) FROM entrepreneur e JOIN cooperative c"
    " ON c.id = e.cooperative_id WHERE (e.cooperative_id = ?1 OR (?1 = 0"
    " AND c.peer_id IS NULL)) AND " VIEWER_SQL("e");

const char *const dir_sql[] = {
    sql_coop_insert, sql_coop_update, sql_coop_get, sql_coop_by_external,
    sql_coop_list, sql_coop_count, sql_ent_insert, sql_ent_update,
    sql_ent_get, sql_ent_by_external, sql_ent_delete, sql_ent_trades_clear,
    sql_ent_trade_add, sql_ent_list, sql_ent_count, sql_tombstone,
    sql_ent_each, NULL};

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* parsed: column i parsed as JSON (a stored document), or an empty
 * object when it does not parse (it always should). */
static json_t *parsed(sqlite3_stmt *st, int i)
{
    json_t *doc = json_loads(db_text(st, i), 0, NULL);

    return doc ? doc : json_object();
}

/* one_id: run a lookup returning an id. */
static enum rc one_id(struct db *db, sqlite3_stmt *st, long long *id)
{
    int src = sqlite3_step(st);
    enum rc rc = RC_NOTFOUND;

    if (src == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        rc = RC_OK;
    } else if (src != SQLITE_DONE) {
        rc = db_rc(db, src);
    }
    db_stmt_done(st);
    return rc;
}

static enum rc count_of(struct db *db, sqlite3_stmt *st, long long *n)
{
    enum rc rc = one_id(db, st, n);

    if (rc == RC_NOTFOUND) {
        *n = 0;
        rc = RC_OK;
    }
    return rc;
}

/* ------------------------------------------------------- cooperatives */

enum rc dir_db_coop_insert(struct db *db, const char *external_id,
                           const char *name, const char *kind,
                           const char *doc, long long *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_coop_insert);
    enum rc rc;

    if (!st) return RC_DB;
    bind_opt(st, 1, external_id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, doc, -1, SQLITE_STATIC);
    rc = db_step_done(db, st);
    if (rc == RC_OK) *id = sqlite3_last_insert_rowid(db_handle(db));
    return rc;
}

enum rc dir_db_coop_update(struct db *db, long long id,
                           const char *external_id, const char *name,
                           const char *kind, const char *doc)
{
    sqlite3_stmt *st = db_stmt(db, sql_coop_update);

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    bind_opt(st, 2, external_id);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, doc, -1, SQLITE_STATIC);
    return db_step_done(db, st);
}

static json_t *coop_row(sqlite3_stmt *st)
{
    return json_pack("{s:I, s:o, s:s, s:s, s:o, s:s, s:s}", "id",
                     (json_int_t)sqlite3_column_int64(st, 0), "external_id",
                     db_text_json(st, 1), "name", db_text(st, 2), "kind",
                     db_text(st, 3), "doc", parsed(st, 4), "created_at",
                     db_text(st, 5), "updated_at", db_text(st, 6));
}

enum rc dir_db_coop_get(struct db *db, long long id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(db, sql_coop_get);
    enum rc rc = RC_NOTFOUND;
    int src;

    *out = NULL;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *out = coop_row(st);
        rc = *out ? RC_OK : RC_NOMEM;
    } else if (src != SQLITE_DONE) {
        rc = db_rc(db, src);
    }
    db_stmt_done(st);
    return rc;
}

enum rc dir_db_coop_by_external(struct db *db, const char *external_id,
                                long long *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_coop_by_external);

    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, external_id, -1, SQLITE_STATIC);
    return one_id(db, st, id);
}

/* list_rows: collect every row of st through fn into a new array. */
static enum rc list_rows(struct db *db, sqlite3_stmt *st,
                         json_t *(*fn)(sqlite3_stmt *), json_t **rows)
{
    json_t *arr = json_array();
    enum rc rc = RC_OK;
    int src;

    if (!arr) rc = RC_NOMEM;
    while (rc == RC_OK && (src = sqlite3_step(st)) == SQLITE_ROW)
        if (json_array_append_new(arr, fn(st))) rc = RC_NOMEM;
    if (rc == RC_OK && src != SQLITE_DONE) rc = db_rc(db, src);
    db_stmt_done(st);
    if (rc == RC_OK)
        *rows = arr;
    else
        json_decref(arr);
    return rc;
}

enum rc dir_db_coop_list(struct db *db, long long after, int limit,
                         json_t **rows, long long *total)
{
    sqlite3_stmt *st = db_stmt(db, sql_coop_list);
    enum rc rc;

    *rows = NULL;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int(st, 2, limit);
    rc = list_rows(db, st, coop_row, rows);
    if (rc != RC_OK) return rc;
    st = db_stmt(db, sql_coop_count);
    rc = st ? count_of(db, st, total) : RC_DB;
    if (rc != RC_OK) {
        json_decref(*rows);
        *rows = NULL;
    }
    return rc;
}

/* ------------------------------------------------------- entrepreneurs */

static void bind_ent(sqlite3_stmt *st, const struct dir_ent_row *r)
{
    sqlite3_bind_int64(st, 1, r->id);
    sqlite3_bind_int64(st, 2, r->cooperative_id);
    bind_opt(st, 3, r->external_id);
    sqlite3_bind_text(st, 4, r->display_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, r->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, r->visibility, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, r->insee, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, r->departement, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 9, r->lat);
    sqlite3_bind_double(st, 10, r->lon);
    if (r->radius_km >= 0)
        sqlite3_bind_double(st, 11, r->radius_km);
    else
        sqlite3_bind_null(st, 11);
    sqlite3_bind_text(st, 12, r->zones ? r->zones : "", -1, SQLITE_STATIC);
    bind_opt(st, 13, r->avail_from);
    bind_opt(st, 14, r->avail_until);
    sqlite3_bind_text(st, 15, r->doc, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 16, r->seq);
}

enum rc dir_db_ent_insert(struct db *db, const struct dir_ent_row *row,
                          long long *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_ent_insert);
    enum rc rc;

    if (!st) return RC_DB;
    bind_ent(st, row);
    rc = db_step_done(db, st);
    if (rc == RC_OK) *id = sqlite3_last_insert_rowid(db_handle(db));
    return rc;
}

enum rc dir_db_ent_update(struct db *db, const struct dir_ent_row *row)
{
    sqlite3_stmt *st = db_stmt(db, sql_ent_update);

    if (!st) return RC_DB;
    bind_ent(st, row);
    return db_step_done(db, st);
}

int dir_db_coop_remote(struct db *db, long long id)
{
    static const char sql[] =
        "SELECT 1 FROM cooperative WHERE id = ?1 AND peer_id IS NOT NULL";
    sqlite3_stmt *st = db_stmt(db, sql);
    int remote;

    if (!st) return 0;
    sqlite3_bind_int64(st, 1, id);
    remote = sqlite3_step(st) == SQLITE_ROW;
    db_stmt_done(st);
    return remote;
}

static json_t *ent_row(sqlite3_stmt *st)
{
    return json_pack("{s:I, s:I, s:s, s:o, s:s, s:o, s:s, s:s, s:o}", "id",
                     (json_int_t)sqlite3_column_int64(st, 0),
                     "cooperative_id",
                     (json_int_t)sqlite3_column_int64(st, 1),
                     "cooperative_name", db_text(st, 2), "external_id",
                     db_text_json(st, 3), "visibility", db_text(st, 4), "doc",
                     parsed(st, 5), "created_at", db_text(st, 6),
                     "updated_at", db_text(st, 7), "origin",
                     db_text_json(st, 8));
}

enum rc dir_db_ent_get(struct db *db, long long id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(db, sql_ent_get);
    enum rc rc = RC_NOTFOUND;
    int src;

    *out = NULL;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *out = ent_row(st);
        rc = *out ? RC_OK : RC_NOMEM;
    } else if (src != SQLITE_DONE) {
        rc = db_rc(db, src);
    }
    db_stmt_done(st);
    return rc;
}

enum rc dir_db_ent_by_external(struct db *db, long long cooperative_id,
                               const char *external_id, long long *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_ent_by_external);

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, cooperative_id);
    sqlite3_bind_text(st, 2, external_id, -1, SQLITE_STATIC);
    return one_id(db, st, id);
}

enum rc dir_db_ent_delete(struct db *db, long long id, long long seq)
{
    sqlite3_stmt *st = db_stmt(db, sql_tombstone);
    enum rc rc;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_int64(st, 2, id);
    rc = db_step_done(db, st);
    if (rc == RC_OK && sqlite3_changes(db_handle(db)) == 0) rc = RC_NOTFOUND;
    if (rc != RC_OK) return rc;
    st = db_stmt(db, sql_ent_delete);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    return db_step_done(db, st);
}

enum rc dir_db_ent_each(struct db *db,
                        enum rc (*fn)(long long id, long long coop,
                                      json_t *doc, void *arg),
                        void *arg)
{
    sqlite3_stmt *st;
    sqlite3 *h = db_handle(db);
    enum rc rc = RC_OK;
    int src;

    /* Its own statement, not the cache: fn writes through the cache. */
    if (sqlite3_prepare_v2(h, sql_ent_each, -1, &st, NULL) != SQLITE_OK)
        return db_rc(db, sqlite3_errcode(h));
    while (rc == RC_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *doc = parsed(st, 2);

        rc = fn(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), doc,
                arg);
        json_decref(doc);
    }
    if (rc == RC_OK && src != SQLITE_DONE) rc = db_rc(db, src);
    sqlite3_finalize(st);
    return rc;
}

enum rc dir_db_ent_set_trades(struct db *db, long long id, json_t *trades,
                              int fresh)
{
    sqlite3_stmt *st;
    enum rc rc = RC_OK;
    json_t *t;
    size_t i;

    if (!fresh) {
        st = db_stmt(db, sql_ent_trades_clear);
        if (!st) return RC_DB;
        sqlite3_bind_int64(st, 1, id);
        rc = db_step_done(db, st);
    }
    json_array_foreach(trades, i, t) {
        const char *scheme = json_string_value(json_object_get(t, "scheme"));
        const char *code = json_string_value(json_object_get(t, "code"));

        if (rc != RC_OK) break;
        if (!scheme || !code || !strcmp(scheme, "free")) continue;
        st = db_stmt(db, sql_ent_trade_add);
        if (!st) return RC_DB;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, scheme, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
        rc = db_step_done(db, st);
    }
    return rc;
}

enum rc dir_db_ent_list(struct db *db, const struct viewer *v,
                        long long cooperative_id, long long after, int limit,
                        json_t **rows, long long *total)
{
    sqlite3_stmt *st = db_stmt(db, sql_ent_list);
    enum rc rc;

    *rows = NULL;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, cooperative_id);
    sqlite3_bind_int(st, 3, limit);
    db_bind_viewer(st, v);
    rc = list_rows(db, st, ent_row, rows);
    if (rc != RC_OK) return rc;
    st = db_stmt(db, sql_ent_count);
    if (!st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, cooperative_id);
        db_bind_viewer(st, v);
        rc = count_of(db, st, total);
    }
    if (rc != RC_OK) {
        json_decref(*rows);
        *rows = NULL;
    }
    return rc;
}

json_t *dir_page(json_t *rows, int limit, long long total,
                 json_t *(*shape)(json_t *row))
{
    json_t *res = json_array(), *row, *next = json_null(), *out;
    size_t i;

    json_array_foreach(rows, i, row) {
        if ((int)i == limit) {
            json_decref(next);
            next = ids_json(json_integer_value(
                json_object_get(json_array_get(rows, i - 1), "id")));
            break;
        }
        json_array_append_new(res, shape(row));
    }
    out = json_pack("{s:I, s:o, s:o}", "total", (json_int_t)total, "results",
                    res, "next_cursor", next);
    json_decref(rows);
    return out;
}
