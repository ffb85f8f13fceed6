/*
 * account.h: accounts, passwords, sessions, invitations, and the rights
 * of a person over their own data (export, erasure).
 *
 * Passwords: argon2id (libsodium crypto_pwhash_str). A sign-in with an
 * unknown address or a wrong password does the same argon2 work as a good
 * one, against a dummy hash: the time tells nothing. Sessions and
 * invitations are random 256-bit tokens handed out once; only their
 * BLAKE2b hash is stored. Sign-in attempts are throttled per address
 * (e-mail, 5 failures in 15 minutes) and per client IP (30): then 429
 * with Retry-After, for a time that doubles up to 15 minutes.
 *
 * Roles: client (registers itself), entrepreneur (invited by the staff
 * of its cooperative: the invitation sets the password), staff (of one
 * cooperative), admin (of the instance; the first from the command
 * line), peer (a federated instance).
 *
 * account_init() once before threads start; then thread-safe given one
 * struct db per thread (the throttle is shared, under a mutex).
 */
#ifndef ESSAIM_ACCOUNT_H
#define ESSAIM_ACCOUNT_H

#include <jansson.h>
#include <stddef.h>

#include "../store/db.h"

struct viewer;

#define ACCOUNT_TOKEN_LEN 43 /* base64url of 32 random bytes */

/* account_init: argon2id parameters (opslimit, memlimit in bytes; 0, 0 for
 * libsodium's INTERACTIVE ones) and session lifetime in seconds. Returns
 * -1 when libsodium cannot start. */
int account_init(unsigned long long ops, size_t mem, long session_s);

/* account_session_lifetime: seconds a session lasts. */
long account_session_lifetime(void);

/* A session, as sign-in and account_session() give it. */
struct account_session {
    char token[ACCOUNT_TOKEN_LEN + 1]; /* only after sign-in */
    char csrf[ACCOUNT_TOKEN_LEN + 1];  /* to echo in X-CSRF-Token */
    char expires_at[32];
    long long account_id;
};

/* account_create: POST /api/v1/accounts as v: {email, password,
 * display_name, role, cooperative_id, entrepreneur_id}. Anyone creates a
 * client (with its password); staff an entrepreneur of their cooperative
 * (entrepreneur_id) or a colleague; an administrator any role. An account
 * made for someone else may get a first password; without one it gets an
 * invitation: *out then holds invitation {token, expires_at, url}. */
enum rc account_create(struct db *db, const struct viewer *v, json_t *in,
                       json_t *errs, json_t **out);

/* account_login: sign in; RC_UNAUTHORIZED for a wrong address or
 * password (errs says which field to retype, never which was wrong),
 * RC_THROTTLED with *retry_after seconds. */
enum rc account_login(struct db *db, const char *email, const char *password,
                      const char *addr, json_t *errs,
                      struct account_session *out, long *retry_after);

/* account_activate: set the password of an invited account with its
 * token, and sign in. RC_NOTFOUND for an unknown or expired token. */
enum rc account_activate(struct db *db, const char *token,
                         const char *password, json_t *errs,
                         struct account_session *out);

/* account_session: the viewer of a session token; RC_NOTFOUND when it is
 * unknown, expired or signed out. */
enum rc account_session(struct db *db, const char *token, struct viewer *v,
                        struct account_session *out);

/* account_logout: end the session of token (RC_OK if none). */
enum rc account_logout(struct db *db, const char *token);

/* account_me: the account of v as GET /me shows it. */
enum rc account_me(struct db *db, const struct viewer *v, json_t **out);

/* account_export: everything essaim keeps about v's person. */
enum rc account_export(struct db *db, const struct viewer *v, json_t **out);

/* account_erase: DELETE /me: the account, its sessions and invitations,
 * and an entrepreneur's profile; then the full-text index is merged and
 * the WAL truncated, so that no byte of the erased data stays in the
 * database files. */
enum rc account_erase(struct db *db, const struct viewer *v);

/* account_reinvite: POST /accounts/{id}/invitation: a new invitation
 * for account id (a forgotten password: the person chooses a new one;
 * the old password works until then). Staff for the entrepreneur and
 * staff accounts of their cooperative, administrators for any. *out is
 * {invitation: {token, expires_at, url}}. */
enum rc account_reinvite(struct db *db, const struct viewer *v,
                         const char *id, json_t **out);

/* account_list_coop: {total, results: [account], next_cursor} of the
 * accounts of a cooperative (entrepreneurs and staff), by id, for its
 * staff and administrators. */
enum rc account_list_coop(struct db *db, const struct viewer *v,
                          const char *cooperative, int limit,
                          const char *cursor, json_t *errs, json_t **out);

/* account_admin_create: the command line's `admin create EMAIL`: an
 * administrator with password (generated when NULL or empty: written to
 * generated, size >= 24). */
enum rc account_admin_create(struct db *db, const char *email,
                             const char *password, char *generated,
                             size_t size);

/* account_for_email: the account of an address whose owner has just
 * proved it (a link sent there was opened): *id and *role; a client
 * account without password is made when there is none. In the caller's
 * transaction. */
enum rc account_for_email(struct db *db, const char *email, long long *id,
                          int *role);

/* account_session_open: a new session of account id (after such a
 * proof), in the caller's transaction. */
enum rc account_session_open(struct db *db, long long id,
                             struct account_session *out);

/* account_peer_token: a `peer` account named name (a federated instance:
 * it reads network documents) and a session of it lasting lifetime_s
 * seconds; out->token is shown once. */
enum rc account_peer_token(struct db *db, const char *name, long lifetime_s,
                           struct account_session *out);

/* account_demo: accounts for the demo data, all with one password:
 * DEMO-N@essaim.demo for each demo entrepreneur, staff-coop-N@essaim.demo
 * for each demo cooperative. *count is the number made. */
enum rc account_demo(struct db *db, const char *password, long *count);

/* account_token_new: a fresh random token (URL-safe). */
void account_token_new(char out[ACCOUNT_TOKEN_LEN + 1]);

/* account_throttled: whether key ("a:EMAIL", "ip:ADDR") may try now;
 * 0 yes, else the seconds to wait. account_failed records a failure:
 * the limit-th in 15 minutes locks the key for 60 s, then 120 s, ... up
 * to 15 minutes. account_succeeded forgets them. */
long account_throttled(const char *key);
void account_failed(const char *key, int limit);
void account_succeeded(const char *key);

/* Failures before a lock: per account, and per client address (wider:
 * a cooperative's office shares one address). */
#define ACCOUNT_FAILURES_PER_ACCOUNT 5
#define ACCOUNT_FAILURES_PER_ADDRESS 30

#endif
