/*
 * fed_peer.c: the peers an administrator registered, their sync state,
 * and the tokens this instance issues to peers (fed.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../account/account.h"
#include "../directory/dir_ent.h"
#include "../util/check.h"
#include "../util/ids.h"
#include "../util/viewer.h"
#include "fed.h"

#define URL_MAX 300
#define TOKEN_MAX 200
#define PEER_TOKEN_S (10L * 365 * 24 * 3600)

/* The columns of a peer as fed_peer_json shapes them; ?1: stale_s. */
#define PEER_COLS                                                            \
    "p.id, p.url, p.origin, p.name, p.token IS NOT NULL, p.cursor,"         \
    " p.last_try_at, p.last_ok_at, p.last_error, p.failures, p.accepted,"   \
    " p.rejected, p.created_at,"                                            \
    " (SELECT count(*) FROM entrepreneur e JOIN cooperative c"              \
    "   ON c.id = e.cooperative_id WHERE c.peer_id = p.id),"                \
    " (p.last_ok_at IS NULL OR p.last_ok_at < strftime('%Y-%m-%dT%H:%M:%SZ'," \
    "   'now', '-' || ?1 || ' seconds')), p.public_key IS NOT NULL,"        \
    " p.last_rejection"

static const char sql_add[] =
    "INSERT INTO peer(url, token, created_by) VALUES(?1, ?2, ?3)";
static const char sql_by_url[] = "SELECT 1 FROM peer WHERE url = ?1";
static const char sql_list[] =
    "SELECT " PEER_COLS " FROM peer p ORDER BY p.id";
static const char sql_get[] = "SELECT " PEER_COLS " FROM peer p WHERE p.id = ?2";
static const char sql_exists[] = "SELECT 1 FROM peer WHERE id = ?1";
static const char sql_peer_ents[] =
    "SELECT e.id FROM entrepreneur e JOIN cooperative c"
    " ON c.id = e.cooperative_id WHERE c.peer_id = ?1";
static const char sql_peer_coops_drop[] =
    "DELETE FROM cooperative WHERE peer_id = ?1";
static const char sql_peer_drop[] = "DELETE FROM peer WHERE id = ?1";
static const char sql_resync[] =
    "UPDATE peer SET cursor = '0', next_at = 0, failures = 0 WHERE id = ?1";
static const char sql_stale[] =
    "SELECT count(*), coalesce(sum(last_ok_at IS NULL OR last_ok_at <"
    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || ?1 || ' seconds')), 0)"
    " FROM peer";
static const char sql_origins[] =
    "SELECT c.id, p.url, p.name, p.last_ok_at, (p.last_ok_at IS NULL OR"
    " p.last_ok_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || ?1 ||"
    " ' seconds')) FROM cooperative c JOIN peer p ON p.id = c.peer_id";

/* admin_only: RC_OK for an administrator. */
static enum rc admin_only(const struct viewer *v)
{
    if (v->role == VIEWER_ANONYMOUS) return RC_UNAUTHORIZED;
    return v->role == VIEWER_ADMIN ? RC_OK : RC_FORBIDDEN;
}

/* peer_json: the peer of the current row of a PEER_COLS statement. */
static json_t *peer_json(sqlite3_stmt *st)
{
    return json_pack(
        "{s:o, s:s, s:o, s:o, s:b, s:b, s:s, s:o, s:o, s:o, s:I, s:I, s:I,"
        " s:s, s:I, s:b, s:o}",
        "id", ids_json(sqlite3_column_int64(st, 0)), "url", db_text(st, 1),
        "origin", db_text_json(st, 2), "name", db_text_json(st, 3),
        "has_token", sqlite3_column_int(st, 4), "has_key",
        sqlite3_column_int(st, 15), "cursor", db_text(st, 5), "last_try_at",
        db_text_json(st, 6), "last_ok_at", db_text_json(st, 7), "last_error",
        db_text_json(st, 8), "failures",
        (json_int_t)sqlite3_column_int64(st, 9), "accepted",
        (json_int_t)sqlite3_column_int64(st, 10), "rejected",
        (json_int_t)sqlite3_column_int64(st, 11), "created_at",
        db_text(st, 12), "documents",
        (json_int_t)sqlite3_column_int64(st, 13), "stale",
        sqlite3_column_int(st, 14), "last_rejection", db_text_json(st, 16));
}

/* peer_read: peer id as JSON into *out (RC_NOTFOUND if none). */
static enum rc peer_read(struct db *db, long long id, long stale_s,
                         json_t **out)
{
    sqlite3_stmt *st = db_stmt(db, sql_get);
    enum rc rc = RC_NOTFOUND;
    int src;

    *out = NULL;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, stale_s);
    sqlite3_bind_int64(st, 2, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *out = peer_json(st);
        rc = *out ? RC_OK : RC_NOMEM;
    } else if (src != SQLITE_DONE) {
        rc = db_rc(db, src);
    }
    db_stmt_done(st);
    return rc;
}

/* check_url: a peer's base URL: http(s), no query, fragment or user
 * part, at most URL_MAX bytes; the final '/'s dropped into clean. */
static void check_url(const struct check *c, json_t *in, char *clean,
                      size_t size)
{
    json_t *u = json_object_get(in, "url");
    const char *s = json_string_value(u), *host;
    size_t n;

    *clean = 0;
    if (!u) {
        check_fail(c, "url", "is required");
        return;
    }
    if (!s || !*s) {
        check_fail(c, "url", "must be the peer's base URL (https://...)");
        return;
    }
    n = strlen(s);
    if (n > URL_MAX || n >= size) {
        check_fail(c, "url", "must be at most %d characters", URL_MAX);
        return;
    }
    if (strncmp(s, "http://", 7) && strncmp(s, "https://", 8)) {
        check_fail(c, "url", "must start with http:// or https://");
        return;
    }
    host = strstr(s, "://") + 3;
    if (!*host || *host == '/' || strpbrk(s, "?#@ \t\r\n\\")) {
        check_fail(c, "url",
                   "must be a base URL: a host, an optional path, no"
                   " query, fragment or user name");
        return;
    }
    memcpy(clean, s, n + 1);
    while (n > 0 && clean[n - 1] == '/') clean[--n] = 0;
}

enum rc fed_peer_add(struct db *db, const struct viewer *v, json_t *in,
                     json_t *errs, json_t **out)
{
    static const char *const known[] = {"url", "token", NULL};
    struct check c = {errs, ""};
    json_t *clean = json_object();
    char url[URL_MAX + 8];
    const char *token;
    sqlite3_stmt *st;
    long long id = 0;
    enum rc rc = admin_only(v);
    int src;

    *out = NULL;
    if (!clean) return RC_NOMEM;
    if (rc != RC_OK) {
        json_decref(clean);
        return rc;
    }
    check_unknown(&c, in, known);
    check_url(&c, in, url, sizeof url);
    check_string(&c, in, "token", TOKEN_MAX, 0, clean);
    token = json_string_value(json_object_get(clean, "token"));
    if (check_failed(&c)) {
        json_decref(clean);
        return RC_INVALID;
    }
    rc = db_begin(db);
    st = rc == RC_OK ? db_stmt(db, sql_by_url) : NULL;
    if (rc == RC_OK && !st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
        src = sqlite3_step(st);
        db_stmt_done(st);
        if (src == SQLITE_ROW) {
            check_fail(&c, "url", "is registered already");
            rc = RC_CONFLICT;
        } else if (src != SQLITE_DONE) {
            rc = db_rc(db, src);
        }
    }
    if (rc == RC_OK && !(st = db_stmt(db, sql_add))) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
        if (token && *token)
            sqlite3_bind_text(st, 2, token, -1, SQLITE_STATIC);
        db_bind_id(st, 3, v->account_id);
        rc = db_step_done(db, st);
        id = sqlite3_last_insert_rowid(db_handle(db));
    }
    if (rc == RC_OK) rc = peer_read(db, id, 0, out);
    if (rc == RC_OK) rc = db_commit(db);
    if (rc != RC_OK) {
        if (db_in_transaction(db)) db_rollback(db);
        json_decref(*out);
        *out = NULL;
    }
    json_decref(clean);
    return rc;
}

enum rc fed_peer_list(struct db *db, const struct viewer *v, long stale_s,
                      json_t **out)
{
    json_t *list = json_array(), *p;
    sqlite3_stmt *st;
    enum rc rc = admin_only(v);
    int src = SQLITE_DONE;

    *out = NULL;
    if (!list) return RC_NOMEM;
    if (rc == RC_OK && !(st = db_stmt(db, sql_list))) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, stale_s);
        while ((src = sqlite3_step(st)) == SQLITE_ROW) {
            p = peer_json(st);
            if (!p || json_array_append_new(list, p)) {
                rc = RC_NOMEM;
                break;
            }
        }
        if (rc == RC_OK && src != SQLITE_DONE) rc = db_rc(db, src);
        db_stmt_done(st);
    }
    if (rc == RC_OK)
        *out = json_pack("{s:I, s:O, s:n}", "total",
                         (json_int_t)json_array_size(list), "results", list,
                         "next_cursor");
    json_decref(list);
    return rc == RC_OK && !*out ? RC_NOMEM : rc;
}

/* peer_exists: RC_OK if peer n exists. */
static enum rc peer_exists(struct db *db, long long n)
{
    sqlite3_stmt *st = db_stmt(db, sql_exists);
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, n);
    src = sqlite3_step(st);
    db_stmt_done(st);
    if (src == SQLITE_ROW) return RC_OK;
    return src == SQLITE_DONE ? RC_NOTFOUND : db_rc(db, src);
}

/* run_id: run a no-row statement with ?1 = n. */
static enum rc run_id(struct db *db, const char *sql, long long n)
{
    sqlite3_stmt *st = db_stmt(db, sql);

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, n);
    return db_step_done(db, st);
}

enum rc fed_peer_forget(struct db *db, long long n);

/* fed_peer_forget: delete every entrepreneur and cooperative peer n sent
 * (in the caller's transaction). */
enum rc fed_peer_forget(struct db *db, long long n)
{
    json_t *ids = json_array();
    sqlite3_stmt *st = db_stmt(db, sql_peer_ents);
    enum rc rc = ids ? RC_OK : RC_NOMEM;
    size_t i;
    int src = SQLITE_DONE;

    if (!st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, n);
        while ((src = sqlite3_step(st)) == SQLITE_ROW)
            if (json_array_append_new(ids, ids_json(sqlite3_column_int64(st, 0)))) {
                rc = RC_NOMEM;
                break;
            }
        if (rc == RC_OK && src != SQLITE_DONE) rc = db_rc(db, src);
    }
    db_stmt_done(st);
    for (i = 0; rc == RC_OK && i < json_array_size(ids); i++)
        rc = dir_ent_delete(db, &viewer_system,
                            json_string_value(json_array_get(ids, i)));
    if (rc == RC_OK) rc = run_id(db, sql_peer_coops_drop, n);
    json_decref(ids);
    return rc;
}

/* forget: fed_peer_forget, then the peer itself. */
static enum rc forget(struct db *db, long long n)
{
    enum rc rc = fed_peer_forget(db, n);

    return rc == RC_OK ? run_id(db, sql_peer_drop, n) : rc;
}

/* resync: the cursor back to the beginning. */
static enum rc resync(struct db *db, long long n)
{
    return run_id(db, sql_resync, n);
}

/* on_peer: fn on peer id, for an administrator, in a transaction. */
static enum rc on_peer(struct db *db, const struct viewer *v, const char *id,
                       enum rc (*fn)(struct db *db, long long n))
{
    long long n;
    enum rc rc = admin_only(v);

    if (rc != RC_OK) return rc;
    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    rc = peer_exists(db, n);
    if (rc == RC_OK) rc = fn(db, n);
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    return rc;
}

enum rc fed_peer_delete(struct db *db, const struct viewer *v,
                        const char *id)
{
    return on_peer(db, v, id, forget);
}

enum rc fed_peer_resync(struct db *db, const struct viewer *v,
                        const char *id)
{
    return on_peer(db, v, id, resync);
}

enum rc fed_token_issue(struct db *db, const struct viewer *v, json_t *in,
                        json_t *errs, json_t **out)
{
    static const char *const known[] = {"name", NULL};
    struct check c = {errs, ""};
    json_t *clean = json_object();
    struct account_session s;
    enum rc rc = admin_only(v);

    *out = NULL;
    if (!clean) return RC_NOMEM;
    if (rc == RC_OK) {
        check_unknown(&c, in, known);
        check_string(&c, in, "name", 120, CHECK_REQUIRED, clean);
        if (check_failed(&c)) rc = RC_INVALID;
    }
    if (rc == RC_OK)
        rc = account_peer_token(
            db, json_string_value(json_object_get(clean, "name")),
            PEER_TOKEN_S, &s);
    if (rc == RC_OK) {
        *out = json_pack("{s:s, s:o, s:s, s:O}", "token", s.token,
                         "account_id", ids_json(s.account_id), "expires_at",
                         s.expires_at, "name",
                         json_object_get(clean, "name"));
        if (!*out) rc = RC_NOMEM;
    }
    json_decref(clean);
    return rc;
}

enum rc fed_peers_stale(struct db *db, long stale_s, long *stale,
                        long *total)
{
    sqlite3_stmt *st = db_stmt(db, sql_stale);
    int src;

    *stale = *total = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, stale_s);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *total = (long)sqlite3_column_int64(st, 0);
        *stale = (long)sqlite3_column_int64(st, 1);
    }
    db_stmt_done(st);
    return src == SQLITE_ROW ? RC_OK : db_rc(db, src);
}

enum rc fed_origins(struct db *db, long stale_s, json_t **out)
{
    sqlite3_stmt *st = db_stmt(db, sql_origins);
    json_t *o = json_object();
    char key[24];
    enum rc rc = o ? RC_OK : RC_NOMEM;
    int src = SQLITE_DONE;

    *out = NULL;
    if (!st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, stale_s);
        while ((src = sqlite3_step(st)) == SQLITE_ROW) {
            json_t *x = json_pack(
                "{s:s, s:o, s:o, s:b}", "url", db_text(st, 1), "name",
                db_text_json(st, 2), "synced_at", db_text_json(st, 3),
                "stale", sqlite3_column_int(st, 4));

            snprintf(key, sizeof key, "%lld", sqlite3_column_int64(st, 0));
            if (!x || json_object_set_new(o, key, x)) {
                rc = RC_NOMEM;
                break;
            }
        }
        if (rc == RC_OK && src != SQLITE_DONE) rc = db_rc(db, src);
    }
    db_stmt_done(st);
    if (rc == RC_OK)
        *out = o;
    else
        json_decref(o);
    return rc;
}
