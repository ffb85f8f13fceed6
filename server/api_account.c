/*
 * api_account.c: accounts, sign-in, the person's own data, the audit log.
 *
 * A sign-in answers the token (for `Authorization: Bearer`) and sets two
 * cookies for the pages: essaim_session (HttpOnly: scripts cannot read
 * it) and essaim_csrf (readable: the pages echo it in X-CSRF-Token).
 */
#include <stdio.h>
#include <string.h>

#include "../account/account.h"
#include "../directory/dir_audit.h"
#include "../matching/request.h"
#include "api.h"

void api_set_cookies(struct req *r, const struct account_session *s)
{
    const char *secure = srv_https(r) ? "; Secure" : "";
    long age = s ? account_session_lifetime() : 0;

    srv_add_header(r,
                   "Set-Cookie: essaim_session=%s; Path=/; Max-Age=%ld;"
                   " HttpOnly; SameSite=Lax%s",
                   s ? s->token : "", age, secure);
    srv_add_header(r,
                   "Set-Cookie: essaim_csrf=%s; Path=/; Max-Age=%ld;"
                   " SameSite=Lax%s",
                   s ? s->csrf : "", age, secure);
}

/* signed_in: the answer to a sign-in: {token, csrf, expires_at, account}. */
static void signed_in(struct req *r, enum rc rc,
                      const struct account_session *s, json_t *errs)
{
    struct viewer v = {VIEWER_ANONYMOUS, 0, 0, 0};
    json_t *me = NULL, *out = NULL;

    if (rc == RC_OK) {
        v.account_id = s->account_id;
        rc = account_me(r->db, &v, &me);
    }
    if (rc == RC_OK) {
        out = json_pack("{s:s, s:s, s:s, s:o}", "token", s->token, "csrf",
                        s->csrf, "expires_at", s->expires_at, "account", me);
        if (!out) rc = RC_NOMEM;
    }
    if (rc == RC_OK) api_set_cookies(r, s);
    if (rc == RC_UNAUTHORIZED) /* not "sign in first": that is the try */
        srv_reply_problem(r, 401, "the email or the password is wrong", errs);
    else
        srv_reply(r, rc, 200, out, errs);
}

/* body_string: in[key] when a string, else NULL (the domain reports it). */
static const char *body_string(json_t *in, const char *key)
{
    return json_string_value(json_object_get(in, key));
}

/* POST /api/v1/accounts {email, password, role, ...} -> 201 | 400 | 401 |
 * 403 | 409 */
void api_account_create(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK) rc = account_create(r->db, srv_viewer(r), in, errs, &out);
    json_decref(in);
    srv_reply(r, rc, 201, out, errs);
}

/* POST /api/v1/auth/login {email, password} -> 200 {token, csrf,
 * expires_at, account} + cookies | 400 | 401 | 429 + Retry-After */
void api_login(struct req *r)
{
    json_t *errs = json_array(), *in = NULL;
    struct account_session s;
    enum rc rc = srv_body_json(r, errs, &in);

    memset(&s, 0, sizeof s);
    if (rc == RC_OK)
        rc = account_login(r->db, body_string(in, "email"),
                           body_string(in, "password"), srv_client_addr(r),
                           errs, &s, &r->retry_after);
    json_decref(in);
    signed_in(r, rc, &s, errs);
}

/* POST /api/v1/auth/activate {token, password} -> 200 as a sign-in |
 * 400 (token unknown, used or expired; password too short) */
void api_activate(struct req *r)
{
    json_t *errs = json_array(), *in = NULL;
    struct account_session s;
    enum rc rc = srv_body_json(r, errs, &in);

    memset(&s, 0, sizeof s);
    if (rc == RC_OK)
        rc = account_activate(r->db, body_string(in, "token"),
                              body_string(in, "password"), errs, &s);
    json_decref(in);
    signed_in(r, rc, &s, errs);
}

/* POST /api/v1/auth/logout -> 204: the session ends, the cookies go. */
void api_logout(struct req *r)
{
    enum rc rc = account_logout(r->db, r->token);

    if (rc == RC_OK) api_set_cookies(r, NULL);
    srv_reply(r, rc, 204, NULL, NULL);
}

/* GET /api/v1/me -> 200 | 401 */
void api_me(struct req *r)
{
    json_t *out = NULL;
    enum rc rc = account_me(r->db, srv_viewer(r), &out);

    srv_reply(r, rc, 200, out, NULL);
}

/* GET /api/v1/me/export -> 200 everything about the person | 401 */
void api_me_export(struct req *r)
{
    json_t *out = NULL;
    enum rc rc = account_export(r->db, srv_viewer(r), &out);

    if (rc == RC_OK)
        srv_add_header(r, "Content-Disposition: attachment;"
                          " filename=\"essaim-export.json\"");
    srv_reply(r, rc, 200, out, NULL);
}

/* DELETE /api/v1/me -> 204: the account and the person's data erased |
 * 401 */
void api_me_delete(struct req *r)
{
    const struct viewer *v = srv_viewer(r);
    /* The peers their requests went to are told first: the erasure
     * takes the requests, and with them what says where they went. */
    enum rc rc = v->account_id ? request_forget_peers(r->db, v->account_id)
                               : RC_OK;

    if (rc == RC_OK) rc = account_erase(r->db, v);
    if (rc == RC_OK) api_set_cookies(r, NULL);
    srv_reply(r, rc, 204, NULL, NULL);
    if (rc == RC_OK) api_fed_send(r);
}

/* POST /api/v1/accounts/{id}/invitation -> 201 {invitation} | 401 |
 * 403 | 404 */
void api_account_invite(struct req *r)
{
    json_t *out = NULL;
    enum rc rc = account_reinvite(r->db, srv_viewer(r), r->param[0], &out);

    srv_reply(r, rc, 201, out, NULL);
}

/* GET /api/v1/cooperatives/{id}/accounts?limit=&cursor= -> 200 {total,
 * results, next_cursor} | 400 | 401 | 403 | 404 */
void api_coop_accounts(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    char cursor[32];
    int limit = srv_query_page(r, errs, cursor, sizeof cursor);
    enum rc rc = RC_INVALID;

    if (limit > 0)
        rc = account_list_coop(r->db, srv_viewer(r), r->param[0], limit,
                               cursor, errs, &out);
    srv_reply(r, rc, 200, out, errs);
}

/* audit_list: the audit log of cooperative coop (NULL: all). */
static void audit_list(struct req *r, const char *coop)
{
    json_t *errs = json_array(), *out = NULL;
    char cursor[32];
    int limit = srv_query_page(r, errs, cursor, sizeof cursor);
    enum rc rc = RC_INVALID;

    if (limit > 0)
        rc = dir_audit_list(r->db, srv_viewer(r), coop, limit, cursor, errs,
                            &out);
    srv_reply(r, rc, 200, out, errs);
}

/* GET /api/v1/cooperatives/{id}/audit?limit=&cursor= -> 200 {total,
 * results, next_cursor} newest first | 401 | 403 */
void api_coop_audit(struct req *r)
{
    audit_list(r, r->param[0]);
}

/* GET /api/v1/audit?limit=&cursor= -> 200: every entry (administrators)
 * | 401 | 403 */
void api_audit(struct req *r)
{
    audit_list(r, NULL);
}
