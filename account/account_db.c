/*
 * account_db.c: accounts, sessions and invitations in the database (see
 * account.h). Passwords are hashed before the write transaction starts:
 * argon2 takes tens of milliseconds, the lock must not wait for it.
 */
#include "account.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../directory/dir_audit.h"
#include "../directory/dir_ent.h"
#include "../search/search_index.h"
#include "../util/check.h"
#include "../util/ids.h"
#include "../util/log.h"
#include "../util/viewer.h"
#include "account_int.h"

#define PASSWORD_MIN 8
#define PASSWORD_MAX 1024
#define INVITATION_S (7L * 24 * 3600)

static const char sql_insert[] =
    "INSERT INTO account(email, password, role, cooperative_id,"
    " entrepreneur_id, display_name) VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
static const char sql_by_email[] =
    "SELECT id, password FROM account WHERE email = ?1";
static const char sql_ent_taken[] =
    "SELECT 1 FROM account WHERE entrepreneur_id = ?1";
static const char sql_ent_coop[] = /* a peer's profiles have no account */
    "SELECT e.cooperative_id FROM entrepreneur e JOIN cooperative c"
    " ON c.id = e.cooperative_id WHERE e.id = ?1 AND c.peer_id IS NULL";
static const char sql_coop_exists[] =
    "SELECT 1 FROM cooperative WHERE id = ?1 AND peer_id IS NULL";
static const char sql_session_add[] =
    "INSERT INTO session(token_hash, account_id, csrf, created_at,"
    " expires_at) VALUES(?1, ?2, ?3, ?4, ?5)";
static const char sql_session_purge[] =
    "DELETE FROM session WHERE account_id = ?1 AND expires_at <= ?2";
static const char sql_session_get[] =
    "SELECT a.id, a.role, coalesce(e.cooperative_id, a.cooperative_id),"
    " a.entrepreneur_id, s.csrf, s.expires_at"
    " FROM session s JOIN account a ON a.id = s.account_id"
    " LEFT JOIN entrepreneur e ON e.id = a.entrepreneur_id"
    " WHERE s.token_hash = ?1 AND s.expires_at > ?2";
static const char sql_session_del[] =
    "DELETE FROM session WHERE token_hash = ?1";
static const char sql_invite_add[] =
    "INSERT INTO invitation(token_hash, account_id, created_at, expires_at)"
    " VALUES(?1, ?2, ?3, ?4)";
static const char sql_invite_get[] =
    "SELECT account_id FROM invitation"
    " WHERE token_hash = ?1 AND expires_at > ?2";
static const char sql_sessions_del[] =
    "DELETE FROM session WHERE account_id = ?1";
static const char sql_invite_del[] =
    "DELETE FROM invitation WHERE account_id = ?1";
static const char sql_set_password[] =
    "UPDATE account SET password = ?2, updated_at = ?3 WHERE id = ?1";
static const char sql_me[] =
    "SELECT a.id, a.email, a.role,"
    " coalesce(e.cooperative_id, a.cooperative_id), a.entrepreneur_id,"
    " a.display_name, a.created_at, a.updated_at, a.password IS NOT NULL"
    " FROM account a LEFT JOIN entrepreneur e ON e.id = a.entrepreneur_id"
    " WHERE a.id = ?1";
static const char sql_sessions[] =
    "SELECT created_at, expires_at FROM session WHERE account_id = ?1"
    " ORDER BY created_at";
static const char sql_own_audit[] =
    "SELECT id, at, cooperative_id, action, target FROM audit"
    " WHERE actor_id = ?1 ORDER BY id";
static const char sql_delete[] = "DELETE FROM account WHERE id = ?1";
static const char sql_mail_delete[] =
    "DELETE FROM outbox WHERE recipient = (SELECT email FROM account"
    " WHERE id = ?1)";
/* What the person's requests, answers and inbox hold, for the export. */
static const char sql_export_requests[] =
    "SELECT json_group_array(json_object('id', cast(id AS TEXT), 'status',"
    " status, 'request', json(doc), 'created_at', created_at, 'closed_at',"
    " closed_at)) FROM request WHERE client_id = ?1";
static const char sql_export_answers[] =
    "SELECT json_group_array(json_object('request_id',"
    " cast(request_id AS TEXT), 'status', status, 'reason', reason, 'quote',"
    " json(quote), 'notified_at', notified_at, 'viewed_at', viewed_at,"
    " 'interested_at', interested_at, 'declined_at', declined_at,"
    " 'quoted_at', quoted_at)) FROM request_match"
    " WHERE entrepreneur_id = ?2 AND ?2 <> 0";
static const char sql_export_inbox[] =
    "SELECT json_group_array(json_object('kind', kind, 'request_id',"
    " cast(request_id AS TEXT), 'text', text, 'created_at', created_at,"
    " 'read_at', read_at)) FROM notification"
    " WHERE account_id = ?1 OR (?2 <> 0 AND entrepreneur_id = ?2)";
static const char sql_export_groups[] =
    "SELECT json_group_array(json_object('group_id', cast(g.id AS TEXT),"
    " 'kind', g.kind, 'name', g.name, 'role', m.role, 'status', m.status,"
    " 'invited_at', m.invited_at, 'answered_at', m.answered_at, 'left_at',"
    " m.left_at, 'reason', m.reason)) FROM grp_member m"
    " JOIN grp g ON g.id = m.group_id WHERE ?2 <> 0 AND m.entrepreneur_id = ?2";
static const char sql_export_time[] =
    "SELECT json_object('balance_hours', coalesce((SELECT balance FROM"
    " time_account WHERE id = ?2), 0) / 4.0, 'transfers', (SELECT"
    " json_group_array(json_object('id', cast(id AS TEXT), 'from',"
    " cast(from_id AS TEXT), 'to', cast(to_id AS TEXT), 'hours',"
    " amount / 4.0, 'note', note, 'status', status, 'reason', reason,"
    " 'created_at', created_at, 'answered_at', answered_at))"
    " FROM time_transfer WHERE from_id = ?2 OR to_id = ?2), 'posts',"
    " (SELECT json_group_array(json_object('id', cast(id AS TEXT), 'kind',"
    " kind, 'status', status, 'post', json(doc))) FROM time_post"
    " WHERE entrepreneur_id = ?2)) WHERE ?2 <> 0";
static const char sql_role_coop[] =
    "SELECT a.role, coalesce(e.cooperative_id, a.cooperative_id)"
    " FROM account a LEFT JOIN entrepreneur e ON e.id = a.entrepreneur_id"
    " WHERE a.id = ?1";
static const char sql_of_coop[] =
    "SELECT a.id FROM account a"
    " LEFT JOIN entrepreneur e ON e.id = a.entrepreneur_id"
    " WHERE coalesce(e.cooperative_id, a.cooperative_id) = ?1 AND a.id > ?2"
    " ORDER BY a.id LIMIT ?3";
static const char sql_count_coop[] =
    "SELECT count(*) FROM account a"
    " LEFT JOIN entrepreneur e ON e.id = a.entrepreneur_id"
    " WHERE coalesce(e.cooperative_id, a.cooperative_id) = ?1";

const char *const account_sql[] = {
    sql_insert,      sql_by_email,      sql_ent_taken,   sql_ent_coop,
    sql_coop_exists, sql_session_add,   sql_session_purge, sql_session_get,
    sql_session_del, sql_invite_add,    sql_invite_get,  sql_invite_del,
    sql_set_password, sql_me,           sql_sessions,    sql_own_audit,
    sql_delete,      sql_mail_delete,   sql_export_requests,
    sql_export_answers, sql_export_inbox, sql_export_groups, sql_export_time,
    sql_sessions_del,  sql_role_coop,     sql_of_coop,     sql_count_coop,
    NULL};

/* ------------------------------------------------------------- helpers */

/* run: step a statement with one id parameter to its end. */
static enum rc run_id(struct db *db, const char *sql, long long id)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* exists: does the statement with one id parameter give a row? -1 on an
 * error. */
static int exists_id(struct db *db, const char *sql, long long id)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int src;

    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    db_stmt_done(st);
    return src == SQLITE_ROW ? 1 : src == SQLITE_DONE ? 0 : -1;
}

static json_t *id_or_null(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL
               ? json_null()
               : ids_json(sqlite3_column_int64(st, i));
}

/* token_ok: the shape of our tokens: 43 characters of base64url. */
static int token_ok(const char *t)
{
    size_t i;

    if (!t) return 0;
    for (i = 0; t[i]; i++)
        if (i >= ACCOUNT_TOKEN_LEN ||
            !(isalnum((unsigned char)t[i]) || t[i] == '-' || t[i] == '_'))
            return 0;
    return i == ACCOUNT_TOKEN_LEN;
}

/* check_password: a string of PASSWORD_MIN to PASSWORD_MAX bytes, kept
 * as typed (not trimmed). Returns it borrowed, NULL when refused (the
 * error recorded) or absent (required: recorded). */
static const char *check_password(const struct check *c, json_t *in,
                                  const char *key, int required)
{
    json_t *v = json_object_get(in, key);
    size_t n;

    if (!v || json_is_null(v)) {
        if (required) check_fail(c, key, "is required");
        return NULL;
    }
    if (!json_is_string(v)) {
        check_fail(c, key, "must be a string");
        return NULL;
    }
    n = json_string_length(v);
    if (n < PASSWORD_MIN || n > PASSWORD_MAX) {
        check_fail(c, key, "must have %d to %d characters", PASSWORD_MIN,
                   PASSWORD_MAX);
        return NULL;
    }
    if (memchr(json_string_value(v), 0, n)) {
        check_fail(c, key, "must not hold a NUL character");
        return NULL;
    }
    return json_string_value(v);
}

/* lower: ASCII lower case in place (e-mail addresses, throttle keys). */
static void lower(char *s)
{
    for (; *s; s++) *s = (char)tolower((unsigned char)*s);
}

static enum rc session_new_for(struct db *db, long long account,
                               long lifetime_s, struct account_session *out);

static enum rc session_new(struct db *db, long long account,
                           struct account_session *out)
{
    return session_new_for(db, account, account_session_lifetime(), out);
}

/* session_new_for: a session of account that lasts lifetime_s seconds. */
static enum rc session_new_for(struct db *db, long long account,
                               long lifetime_s, struct account_session *out)
{
    unsigned char h[32];
    char now[32];
    sqlite3_stmt *st;
    int src;

    memset(out, 0, sizeof *out);
    account_token_new(out->token);
    account_token_new(out->csrf);
    account_time(0, now, sizeof now);
    account_time(lifetime_s, out->expires_at, sizeof out->expires_at);
    out->account_id = account;
    account_token_hash(out->token, h);
    st = db_stmt(db, sql_session_purge);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, account);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
    src = sqlite3_step(st);
    db_stmt_done(st);
    if (src != SQLITE_DONE) return db_rc(db, src);
    st = db_stmt(db, sql_session_add);
    if (!st) return RC_DB;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, account);
    sqlite3_bind_text(st, 3, out->csrf, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, out->expires_at, -1, SQLITE_TRANSIENT);
    src = sqlite3_step(st);
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* invitation_new: an invitation of account, its token in *token. */
static enum rc invitation_new(struct db *db, long long account,
                              char token[ACCOUNT_TOKEN_LEN + 1],
                              char expires[32])
{
    unsigned char h[32];
    char now[32];
    sqlite3_stmt *st;
    int src;

    account_token_new(token);
    account_token_hash(token, h);
    account_time(0, now, sizeof now);
    account_time(INVITATION_S, expires, 32);
    st = db_stmt(db, sql_invite_add);
    if (!st) return RC_DB;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, account);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, expires, -1, SQLITE_TRANSIENT);
    src = sqlite3_step(st);
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* invitation_json: {token, expires_at, url}: the url is the page where
 * the person invited chooses their password. */
static json_t *invitation_json(const char *token, const char *expires)
{
    char url[96];

    snprintf(url, sizeof url, "/account.html#invite=%s", token);
    return json_pack("{s:s, s:s, s:s}", "token", token, "expires_at",
                     expires, "url", url);
}

/* me_json: the account id as GET /me shows it; RC_NOTFOUND if gone. */
static enum rc me_json(struct db *db, long long id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(db, sql_me);
    int src;

    *out = NULL;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *out = json_pack(
            "{s:o, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:b}", "id",
            ids_json(sqlite3_column_int64(st, 0)), "email", db_text(st, 1),
            "role", db_text(st, 2), "cooperative_id", id_or_null(st, 3),
            "entrepreneur_id", id_or_null(st, 4), "display_name",
            sqlite3_column_type(st, 5) == SQLITE_NULL
                ? json_null()
                : json_string(db_text(st, 5)),
            "created_at", db_text(st, 6), "updated_at", db_text(st, 7),
            "activated", sqlite3_column_int(st, 8));
    db_stmt_done(st);
    if (src == SQLITE_DONE) return RC_NOTFOUND;
    if (src != SQLITE_ROW) return db_rc(db, src);
    return *out ? RC_OK : RC_NOMEM;
}

/* ------------------------------------------------------------- create */

/* A validated account request. */
struct new_account {
    json_t *clean;           /* email, display_name, role; owned */
    int role;                /* enum viewer_role */
    long long coop, ent;     /* named ids, 0 for none */
    const char *password;    /* borrowed from the input, NULL: invite */
};

/* validate: in -> *a, or RC_INVALID / RC_FORBIDDEN. Checks only the
 * input and the viewer's role; the records named are checked later, in
 * the transaction. */
static enum rc validate(const struct viewer *v, json_t *in, json_t *errs,
                        struct new_account *a)
{
    static const char *const known[] = {
        "email",          "password",        "display_name", "role",
        "cooperative_id", "entrepreneur_id", NULL};
    static const char *const roles[] = {"client", "entrepreneur", "staff",
                                        "admin",  "peer",         NULL};
    struct check c = {errs, ""};
    int manager = v->role == VIEWER_STAFF || v->role == VIEWER_ADMIN;
    json_t *x;
    char *email;

    memset(a, 0, sizeof *a);
    a->clean = json_object();
    if (!a->clean) return RC_NOMEM;
    check_unknown(&c, in, known);
    check_email(&c, in, "email", CHECK_REQUIRED, a->clean);
    check_string(&c, in, "display_name", 120, 0, a->clean);
    if (check_enum(&c, in, "role", roles, 0, a->clean) == 0)
        json_object_set_new(a->clean, "role", json_string("client"));
    a->role = viewer_role_parse(
        json_string_value(json_object_get(a->clean, "role")));
    x = json_object_get(in, "cooperative_id");
    if (x && !json_is_null(x) && !ids_parse_json(x, &a->coop))
        check_fail(&c, "cooperative_id", "must be a cooperative id");
    x = json_object_get(in, "entrepreneur_id");
    if (x && !json_is_null(x) && !ids_parse_json(x, &a->ent))
        check_fail(&c, "entrepreneur_id", "must be an entrepreneur id");
    /* Only staff and administrators make accounts for someone else. */
    if (a->role > VIEWER_CLIENT && !manager) return RC_FORBIDDEN;
    if (a->role == VIEWER_ENTREPRENEUR && !a->ent &&
        !check_present(in, "entrepreneur_id"))
        check_fail(&c, "entrepreneur_id",
                   "is required for an entrepreneur account");
    if (a->role == VIEWER_STAFF && !a->coop &&
        !check_present(in, "cooperative_id"))
        check_fail(&c, "cooperative_id", "is required for a staff account");
    if (a->role != VIEWER_STAFF && a->role != VIEWER_ENTREPRENEUR &&
        a->coop)
        check_fail(&c, "cooperative_id",
                   "is only for entrepreneur and staff accounts");
    if (a->role != VIEWER_ENTREPRENEUR && a->ent)
        check_fail(&c, "entrepreneur_id",
                   "is only for entrepreneur accounts");
    /* Self-registration needs a password; staff and administrators may
     * give a first one, or leave it to the person (an invitation). */
    a->password = check_password(&c, in, "password", !manager);
    if (check_failed(&c)) return RC_INVALID;
    email = strdup(json_string_value(json_object_get(a->clean, "email")));
    if (!email) return RC_NOMEM;
    lower(email);
    json_object_set_new(a->clean, "email", json_string(email));
    free(email);
    return RC_OK;
}

/* check_records: the records a names exist and v may use them; sets
 * a->coop of an entrepreneur's account. In the transaction. */
static enum rc check_records(struct db *db, const struct viewer *v,
                             struct new_account *a, json_t *errs)
{
    struct check c = {errs, ""};
    sqlite3_stmt *st = db_stmt(db, sql_by_email);
    int src, n;

    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1,
                      json_string_value(json_object_get(a->clean, "email")),
                      -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    db_stmt_done(st);
    if (src == SQLITE_ROW) {
        check_fail(&c, "email", "already has an account");
        return RC_CONFLICT;
    }
    if (src != SQLITE_DONE) return db_rc(db, src);
    if (a->role == VIEWER_ENTREPRENEUR) {
        long long coop = 0;

        st = db_stmt(db, sql_ent_coop);
        if (!st) return RC_DB;
        sqlite3_bind_int64(st, 1, a->ent);
        src = sqlite3_step(st);
        if (src == SQLITE_ROW) coop = sqlite3_column_int64(st, 0);
        db_stmt_done(st);
        if (src != SQLITE_ROW && src != SQLITE_DONE) return db_rc(db, src);
        if (!viewer_can_create_account(v, VIEWER_ENTREPRENEUR, coop))
            return RC_FORBIDDEN; /* unknown ids too: nothing to learn */
        if (a->coop && a->coop != coop) {
            check_fail(&c, "cooperative_id",
                       "is not the cooperative of this entrepreneur");
            return RC_INVALID;
        }
        a->coop = coop;
        n = exists_id(db, sql_ent_taken, a->ent);
        if (n < 0) return RC_DB;
        if (n) {
            check_fail(&c, "entrepreneur_id", "already has an account");
            return RC_CONFLICT;
        }
        return RC_OK;
    }
    if (!viewer_can_create_account(v, (enum viewer_role)a->role, a->coop))
        return RC_FORBIDDEN;
    if (a->role == VIEWER_STAFF) {
        n = exists_id(db, sql_coop_exists, a->coop);
        if (n < 0) return RC_DB;
        if (!n) {
            check_fail(&c, "cooperative_id", "no such cooperative");
            return RC_INVALID;
        }
    }
    return RC_OK;
}

static enum rc insert(struct db *db, const struct new_account *a,
                      const char *hash, long long *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_insert);
    const char *name =
        json_string_value(json_object_get(a->clean, "display_name"));
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1,
                      json_string_value(json_object_get(a->clean, "email")),
                      -1, SQLITE_STATIC);
    if (hash)
        sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, viewer_role_name((enum viewer_role)a->role), -1,
                      SQLITE_STATIC);
    db_bind_id(st, 4, a->coop);
    db_bind_id(st, 5, a->ent);
    if (name)
        sqlite3_bind_text(st, 6, name, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 6);
    src = sqlite3_step(st);
    db_stmt_done(st);
    if (src != SQLITE_DONE) return db_rc(db, src);
    *id = sqlite3_last_insert_rowid(db_handle(db));
    return RC_OK;
}

enum rc account_create(struct db *db, const struct viewer *v, json_t *in,
                       json_t *errs, json_t **out)
{
    struct new_account a;
    char hash[crypto_pwhash_STRBYTES], token[ACCOUNT_TOKEN_LEN + 1] = "";
    char expires[32] = "", target[48];
    long long id = 0;
    json_t *doc = NULL;
    enum rc rc;

    *out = NULL;
    rc = validate(v, in, errs, &a);
    if (rc != RC_OK) goto out;
    if (a.password && account_hash_password(a.password, hash) != 0) {
        rc = RC_NOMEM;
        goto out;
    }
    rc = db_begin(db);
    if (rc != RC_OK) goto out;
    rc = check_records(db, v, &a, errs);
    if (rc == RC_OK) rc = insert(db, &a, a.password ? hash : NULL, &id);
    if (rc == RC_OK && !a.password)
        rc = invitation_new(db, id, token, expires);
    if (rc == RC_OK) {
        snprintf(target, sizeof target, "account:%lld", id);
        rc = dir_audit(db, v, a.coop, "account.create", target);
    }
    if (rc == RC_OK) rc = me_json(db, id, &doc);
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == RC_OK && *token)
        json_object_set_new(doc, "invitation", invitation_json(token, expires));
    if (rc == RC_OK) {
        *out = doc;
        doc = NULL;
    }
out:
    json_decref(doc);
    json_decref(a.clean);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

enum rc account_admin_create(struct db *db, const char *email,
                             const char *password, char *generated,
                             size_t size)
{
    json_t *in, *errs = json_array(), *doc = NULL;
    char pw[ACCOUNT_TOKEN_LEN + 1];
    enum rc rc;

    if (!password || !*password) {
        account_token_new(pw);
        pw[24] = 0; /* 144 random bits */
        password = pw;
        if (generated && size > 24) memcpy(generated, pw, 25);
    }
    in = json_pack("{s:s, s:s, s:s}", "email", email, "password", password,
                   "role", "admin");
    if (!in || !errs) {
        json_decref(in);
        json_decref(errs);
        return RC_NOMEM;
    }
    rc = account_create(db, &viewer_system, in, errs, &doc);
    if (rc != RC_OK) {
        size_t i;
        json_t *e;

        json_array_foreach(errs, i, e)
            log_error("admin create: %s %s",
                      json_string_value(json_object_get(e, "field")),
                      json_string_value(json_object_get(e, "message")));
    }
    sodium_memzero(pw, sizeof pw);
    json_decref(in);
    json_decref(errs);
    json_decref(doc);
    return rc;
}

/* ------------------------------------------------------------ sign in */

static enum rc password_of(struct db *db, const char *email, long long *id,
                           char *hash, size_t size)
{
    sqlite3_stmt *st = db_stmt(db, sql_by_email);
    int src;

    *id = 0;
    *hash = 0;
    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        snprintf(hash, size, "%s", db_text(st, 1));
    }
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

enum rc account_login(struct db *db, const char *email, const char *password,
                      const char *addr, json_t *errs,
                      struct account_session *out, long *retry_after)
{
    struct check c = {errs, ""};
    char akey[300], ikey[80], hash[crypto_pwhash_STRBYTES];
    long long id = 0;
    long wa, wi;
    enum rc rc;

    memset(out, 0, sizeof *out);
    *retry_after = 0;
    if (!email || !*email) check_fail(&c, "email", "is required");
    if (!password || !*password) check_fail(&c, "password", "is required");
    if (email && strlen(email) > 254)
        check_fail(&c, "email", "must be an email address");
    if (password && strlen(password) > PASSWORD_MAX)
        check_fail(&c, "password", "is too long");
    if (check_failed(&c)) return RC_INVALID;
    snprintf(akey, sizeof akey, "a:%s", email);
    lower(akey);
    snprintf(ikey, sizeof ikey, "ip:%s", addr ? addr : "");
    wa = account_throttled(akey);
    wi = account_throttled(ikey);
    if (wa || wi) {
        *retry_after = wa > wi ? wa : wi;
        return RC_THROTTLED;
    }
    rc = password_of(db, akey + 2, &id, hash, sizeof hash);
    if (rc != RC_OK) return rc;
    /* Unknown address or no password yet: the same argon2 work. */
    if (!account_check_password(id ? hash : NULL, password)) {
        account_failed(akey, ACCOUNT_FAILURES_PER_ACCOUNT);
        account_failed(ikey, ACCOUNT_FAILURES_PER_ADDRESS);
        check_fail(&c, "password", "the email or the password is wrong");
        return RC_UNAUTHORIZED;
    }
    account_succeeded(akey);
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    rc = session_new(db, id, out);
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    return rc;
}

enum rc account_activate(struct db *db, const char *token,
                         const char *password, json_t *errs,
                         struct account_session *out)
{
    struct check c = {errs, ""};
    json_t *in = json_pack("{s:s?}", "password", password);
    char hash[crypto_pwhash_STRBYTES], now[32];
    unsigned char h[32];
    long long id = 0;
    sqlite3_stmt *st;
    enum rc rc;
    int src;

    memset(out, 0, sizeof *out);
    if (!in) return RC_NOMEM;
    if (!token || !*token) check_fail(&c, "token", "is required");
    check_password(&c, in, "password", 1);
    json_decref(in);
    if (check_failed(&c)) return RC_INVALID;
    if (!token_ok(token)) goto unknown;
    if (account_hash_password(password, hash) != 0) return RC_NOMEM;
    account_token_hash(token, h);
    account_time(0, now, sizeof now);
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    st = db_stmt(db, sql_invite_get);
    if (!st) {
        db_rollback(db);
        return RC_DB;
    }
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    if (src != SQLITE_ROW) {
        rc = src == SQLITE_DONE ? RC_INVALID : db_rc(db, src);
        db_rollback(db);
        sodium_memzero(hash, sizeof hash);
        if (rc == RC_INVALID) goto unknown;
        return rc;
    }
    st = db_stmt(db, sql_set_password);
    if (!st) {
        rc = RC_DB;
    } else {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, hash, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
        src = sqlite3_step(st);
        db_stmt_done(st);
        rc = src == SQLITE_DONE ? RC_OK : db_rc(db, src);
    }
    sodium_memzero(hash, sizeof hash);
    if (rc == RC_OK) rc = run_id(db, sql_invite_del, id);
    /* A new password ends the sessions opened with the old one. */
    if (rc == RC_OK) rc = run_id(db, sql_sessions_del, id);
    if (rc == RC_OK) rc = session_new(db, id, out);
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    return rc;
unknown:
    check_fail(&c, "token", "is unknown, used or expired: ask for a new"
                            " invitation");
    return RC_INVALID;
}

/* ----------------------------------------------------------- sessions */

enum rc account_session(struct db *db, const char *token, struct viewer *v,
                        struct account_session *out)
{
    unsigned char h[32];
    char now[32];
    sqlite3_stmt *st;
    int src, role;

    memset(out, 0, sizeof *out);
    *v = viewer_anonymous;
    if (!token_ok(token)) return RC_NOTFOUND;
    account_token_hash(token, h);
    account_time(0, now, sizeof now);
    st = db_stmt(db, sql_session_get);
    if (!st) return RC_DB;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        role = viewer_role_parse(db_text(st, 1));
        v->role = role > 0 ? (enum viewer_role)role : VIEWER_ANONYMOUS;
        v->account_id = sqlite3_column_int64(st, 0);
        v->cooperative_id = sqlite3_column_int64(st, 2);
        v->entrepreneur_id = sqlite3_column_int64(st, 3);
        out->account_id = v->account_id;
        snprintf(out->csrf, sizeof out->csrf, "%s", db_text(st, 4));
        snprintf(out->expires_at, sizeof out->expires_at, "%s",
                 db_text(st, 5));
    }
    db_stmt_done(st);
    if (src == SQLITE_DONE) return RC_NOTFOUND;
    return src == SQLITE_ROW ? RC_OK : db_rc(db, src);
}

enum rc account_logout(struct db *db, const char *token)
{
    unsigned char h[32];
    sqlite3_stmt *st;
    int src;

    if (!token_ok(token)) return RC_OK;
    account_token_hash(token, h);
    st = db_stmt(db, sql_session_del);
    if (!st) return RC_DB;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    src = sqlite3_step(st);
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* ------------------------------------------------ the person's rights */

enum rc account_me(struct db *db, const struct viewer *v, json_t **out)
{
    *out = NULL;
    if (!v->account_id) return RC_UNAUTHORIZED;
    return me_json(db, v->account_id, out);
}

static enum rc export_sessions(struct db *db, long long id, json_t *arr)
{
    sqlite3_stmt *st = db_stmt(db, sql_sessions);
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, json_pack("{s:s, s:s}", "created_at",
                                             db_text(st, 0), "expires_at",
                                             db_text(st, 1)));
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

static enum rc export_audit(struct db *db, long long id, json_t *arr)
{
    sqlite3_stmt *st = db_stmt(db, sql_own_audit);
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(
            arr, json_pack("{s:o, s:s, s:o, s:s, s:s}", "id",
                           ids_json(sqlite3_column_int64(st, 0)), "at",
                           db_text(st, 1), "cooperative_id",
                           id_or_null(st, 2), "action", db_text(st, 3),
                           "target", db_text(st, 4)));
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* export_sql: the JSON array an export statement builds, into o[key]. */
static enum rc export_sql(struct db *db, const struct viewer *v,
                          const char *sql, const char *key, json_t *o)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *arr = NULL;
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, v->account_id);
    sqlite3_bind_int64(st, 2, v->entrepreneur_id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) arr = json_loads(db_text(st, 0), 0, NULL);
    db_stmt_done(st);
    if (src != SQLITE_ROW) return db_rc(db, src);
    json_object_set_new(o, key, arr ? arr : json_array());
    return RC_OK;
}

enum rc account_export(struct db *db, const struct viewer *v, json_t **out)
{
    json_t *me = NULL, *profile = NULL, *sessions = json_array(),
           *actions = json_array();
    char now[32], id[24];
    enum rc rc;

    *out = NULL;
    if (!v->account_id) {
        rc = RC_UNAUTHORIZED;
        goto out;
    }
    if (!sessions || !actions) {
        rc = RC_NOMEM;
        goto out;
    }
    rc = db_begin_read(db);
    if (rc != RC_OK) goto out;
    rc = me_json(db, v->account_id, &me);
    if (rc == RC_OK && v->entrepreneur_id) {
        snprintf(id, sizeof id, "%lld", v->entrepreneur_id);
        rc = dir_ent_get(db, v, id, &profile);
        if (rc == RC_NOTFOUND) rc = RC_OK;
    }
    if (rc == RC_OK) rc = export_sessions(db, v->account_id, sessions);
    if (rc == RC_OK) rc = export_audit(db, v->account_id, actions);
    if (rc == RC_OK) {
        *out = json_pack("{s:s, s:o, s:o, s:o, s:o}", "exported_at", "",
                         "account", me, "entrepreneur",
                         profile ? profile : json_null(), "sessions",
                         sessions, "audit", actions);
        me = profile = sessions = actions = NULL;
        if (!*out) rc = RC_NOMEM;
    }
    if (rc == RC_OK)
        rc = export_sql(db, v, sql_export_requests, "requests", *out);
    if (rc == RC_OK)
        rc = export_sql(db, v, sql_export_answers, "answers", *out);
    if (rc == RC_OK)
        rc = export_sql(db, v, sql_export_inbox, "notifications", *out);
    if (rc == RC_OK)
        rc = export_sql(db, v, sql_export_groups, "groups", *out);
    if (rc == RC_OK && v->entrepreneur_id)
        rc = export_sql(db, v, sql_export_time, "time", *out);
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc != RC_OK) {
        json_decref(*out);
        *out = NULL;
        goto out;
    }
    account_time(0, now, sizeof now);
    json_object_set_new(*out, "exported_at", json_string(now));
out:
    json_decref(me);
    json_decref(profile);
    json_decref(sessions);
    json_decref(actions);
    return rc;
}

/* scrub: make the erased bytes leave the files: merge the full-text
 * index (FTS5 keeps deleted entries until a merge), then copy the WAL
 * into the database and truncate it. Freed pages are zeroed by
 * secure_delete (db.c). A checkpoint waits (busy_timeout) for readers
 * of older snapshots to finish; tried three times. */
static enum rc scrub(struct db *db)
{
    enum rc rc = db_begin(db);
    int i;

    if (rc != RC_OK) return rc;
    rc = search_index_optimize(db);
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc != RC_OK) return rc;
    for (i = 0; i < 3; i++) {
        struct timespec ts = {0, 100 * 1000 * 1000};

        rc = db_checkpoint_truncate(db);
        if (rc != RC_BUSY) break;
        nanosleep(&ts, NULL);
    }
    if (rc != RC_OK)
        log_warn("erasure: the WAL could not be truncated (%s); it will be"
                 " at the next checkpoint",
                 rc_name(rc));
    return RC_OK;
}

enum rc account_erase(struct db *db, const struct viewer *v)
{
    char id[24];
    enum rc rc;

    if (!v->account_id) return RC_UNAUTHORIZED;
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    /* (An inner failure dooms the transaction: look before deleting.) */
    if (v->entrepreneur_id &&
        exists_id(db, sql_ent_coop, v->entrepreneur_id) == 1) {
        snprintf(id, sizeof id, "%lld", v->entrepreneur_id);
        rc = dir_ent_delete(db, v, id);
    }
    /* Mail waiting for the address goes too; the account's requests,
     * their matches and notifications go with it (foreign keys). */
    if (rc == RC_OK) rc = run_id(db, sql_mail_delete, v->account_id);
    if (rc == RC_OK) rc = run_id(db, sql_delete, v->account_id);
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc != RC_OK) return rc;
    return scrub(db);
}

/* ------------------------------------------------- staff over accounts */

enum rc account_reinvite(struct db *db, const struct viewer *v,
                         const char *id, json_t **out)
{
    char token[ACCOUNT_TOKEN_LEN + 1], expires[32], target[48];
    long long n, coop = 0;
    sqlite3_stmt *st;
    int src, role = -1;
    enum rc rc;

    *out = NULL;
    if (v->role == VIEWER_ANONYMOUS) return RC_UNAUTHORIZED;
    if (v->role != VIEWER_STAFF && v->role != VIEWER_ADMIN)
        return RC_FORBIDDEN;
    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    st = db_stmt(db, sql_role_coop);
    if (!st) {
        db_rollback(db);
        return RC_DB;
    }
    sqlite3_bind_int64(st, 1, n);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        role = viewer_role_parse(db_text(st, 0));
        coop = sqlite3_column_int64(st, 1);
    }
    db_stmt_done(st);
    if (src == SQLITE_ROW)
        rc = role > 0 &&
                     viewer_can_create_account(v, (enum viewer_role)role,
                                               coop) &&
                     (role != VIEWER_CLIENT || v->role == VIEWER_ADMIN)
                 ? RC_OK
                 : RC_FORBIDDEN;
    else
        rc = src == SQLITE_DONE ? RC_NOTFOUND : db_rc(db, src);
    if (rc == RC_OK) rc = run_id(db, sql_invite_del, n);
    if (rc == RC_OK) rc = invitation_new(db, n, token, expires);
    if (rc == RC_OK) {
        snprintf(target, sizeof target, "account:%lld", n);
        rc = dir_audit(db, v, coop, "account.invite", target);
    }
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc != RC_OK) return rc;
    *out = json_pack("{s:o}", "invitation", invitation_json(token, expires));
    return *out ? RC_OK : RC_NOMEM;
}

enum rc account_list_coop(struct db *db, const struct viewer *v,
                          const char *cooperative, int limit,
                          const char *cursor, json_t *errs, json_t **out)
{
    struct check c = {errs, ""};
    long long coop = 0, after = 0, total = 0, last = 0;
    json_t *res = NULL, *next = NULL, *doc;
    sqlite3_stmt *st;
    int src = SQLITE_DONE, n = 0;
    enum rc rc;

    *out = NULL;
    if (!ids_parse(cooperative, &coop)) return RC_NOTFOUND;
    if (cursor && *cursor && !ids_parse(cursor, &after))
        check_fail(&c, "cursor", "is not a cursor from a previous answer");
    if (check_failed(&c)) return RC_INVALID;
    if (!viewer_can_read_audit(v, coop)) return RC_FORBIDDEN;
    res = json_array();
    if (!res) return RC_NOMEM;
    rc = db_begin_read(db);
    if (rc != RC_OK) goto out;
    st = db_stmt(db, sql_of_coop);
    if (!st) {
        rc = RC_DB;
        goto done;
    }
    sqlite3_bind_int64(st, 1, coop);
    sqlite3_bind_int64(st, 2, after);
    sqlite3_bind_int(st, 3, limit + 1);
    while (rc == RC_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);

        if (n++ == limit) {
            next = ids_json(last);
            break;
        }
        last = id;
        rc = me_json(db, id, &doc);
        if (rc == RC_OK) json_array_append_new(res, doc);
    }
    db_stmt_done(st);
    if (rc == RC_OK && src != SQLITE_ROW && src != SQLITE_DONE)
        rc = db_rc(db, src);
    if (rc == RC_OK) {
        st = db_stmt(db, sql_count_coop);
        if (!st) {
            rc = RC_DB;
            goto done;
        }
        sqlite3_bind_int64(st, 1, coop);
        if (sqlite3_step(st) == SQLITE_ROW) total = sqlite3_column_int64(st, 0);
        db_stmt_done(st);
    }
done:
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
out:
    if (rc == RC_OK) {
        *out = json_pack("{s:I, s:o, s:o}", "total", (json_int_t)total,
                         "results", res, "next_cursor",
                         next ? next : json_null());
        return *out ? RC_OK : RC_NOMEM;
    }
    json_decref(res);
    json_decref(next);
    return rc;
}

/* ------------------------------------------- for other modules' flows */

enum rc account_for_email(struct db *db, const char *email, long long *id,
                          int *role)
{
    char addr[300], hash[crypto_pwhash_STRBYTES];
    sqlite3_stmt *st;
    enum rc rc;
    int src;

    snprintf(addr, sizeof addr, "%s", email);
    lower(addr);
    rc = password_of(db, addr, id, hash, sizeof hash);
    if (rc != RC_OK) return rc;
    if (*id) {
        st = db_stmt(db, sql_role_coop);
        if (!st) return RC_DB;
        sqlite3_bind_int64(st, 1, *id);
        src = sqlite3_step(st);
        *role = src == SQLITE_ROW ? viewer_role_parse(db_text(st, 0)) : -1;
        db_stmt_done(st);
        return src == SQLITE_ROW ? RC_OK : db_rc(db, src);
    }
    st = db_stmt(db, sql_insert);
    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, addr, -1, SQLITE_TRANSIENT);
    sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, "client", -1, SQLITE_STATIC);
    sqlite3_bind_null(st, 4);
    sqlite3_bind_null(st, 5);
    sqlite3_bind_null(st, 6);
    src = sqlite3_step(st);
    db_stmt_done(st);
    if (src != SQLITE_DONE) return db_rc(db, src);
    *id = sqlite3_last_insert_rowid(db_handle(db));
    *role = VIEWER_CLIENT;
    return RC_OK;
}

enum rc account_session_open(struct db *db, long long id,
                             struct account_session *out)
{
    return session_new(db, id, out);
}

/* ----------------------------------------------------------- peers */

enum rc account_peer_token(struct db *db, const char *name, long lifetime_s,
                           struct account_session *out)
{
    char email[80], tok[ACCOUNT_TOKEN_LEN + 1];
    sqlite3_stmt *st;
    long long id = 0;
    enum rc rc = db_begin(db);

    if (rc != RC_OK) return rc;
    account_token_new(tok);
    snprintf(email, sizeof email, "peer-%.16s@peer.invalid", tok);
    st = db_stmt(db, sql_insert);
    if (!st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
        sqlite3_bind_null(st, 2);
        sqlite3_bind_text(st, 3, "peer", -1, SQLITE_STATIC);
        sqlite3_bind_null(st, 4);
        sqlite3_bind_null(st, 5);
        sqlite3_bind_text(st, 6, name, -1, SQLITE_TRANSIENT);
        rc = db_step_done(db, st);
        id = sqlite3_last_insert_rowid(db_handle(db));
    }
    if (rc == RC_OK) rc = session_new_for(db, id, lifetime_s, out);
    if (rc == RC_OK) rc = db_commit(db);
    else db_rollback(db);
    return rc;
}

/* ---------------------------------------------------------------- demo */

static const char sql_demo_ent[] =
    "INSERT OR IGNORE INTO account(email, password, role, cooperative_id,"
    " entrepreneur_id, display_name)"
    " SELECT external_id || '@essaim.demo', ?1, 'entrepreneur',"
    " cooperative_id, id, display_name FROM entrepreneur"
    " WHERE external_id LIKE 'demo-%'";
static const char sql_demo_staff[] =
    "INSERT OR IGNORE INTO account(email, password, role, cooperative_id,"
    " display_name)"
    " SELECT 'staff-' || substr(external_id, 6) || '@essaim.demo', ?1,"
    " 'staff', id, 'Équipe ' || name FROM cooperative"
    " WHERE external_id LIKE 'demo-coop-%'";

const char *const account_demo_sql[] = {sql_demo_ent, sql_demo_staff, NULL};

enum rc account_demo(struct db *db, const char *password, long *count)
{
    char hash[crypto_pwhash_STRBYTES];
    const char *const sql[] = {sql_demo_ent, sql_demo_staff};
    enum rc rc;
    int i;

    *count = 0;
    /* One hash for all: a demo, not a secret. */
    if (account_hash_password(password, hash) != 0) return RC_NOMEM;
    rc = db_begin(db);
    for (i = 0; rc == RC_OK && i < 2; i++) {
        sqlite3_stmt *st = db_stmt(db, sql[i]);
        int src;

        if (!st) {
            rc = RC_DB;
            break;
        }
        sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
        src = sqlite3_step(st);
        db_stmt_done(st);
        if (src != SQLITE_DONE) rc = db_rc(db, src);
        *count += sqlite3_changes(db_handle(db));
    }
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    return rc;
}
