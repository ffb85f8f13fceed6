/*
 * api_request.c: client requests, the providers' answers, the inbox.
 */
#include <string.h>

#include "../account/account.h"
#include "../matching/request.h"
#include "api.h"

/* POST /api/v1/requests {request} -> 201 | 400 | 403 | 429 (anonymous,
 * Retry-After) */
void api_request_create(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK)
        rc = request_create(r->db, srv_viewer(r), in, srv_client_addr(r),
                            errs, &out, &r->retry_after);
    json_decref(in);
    if (rc == RC_OK) api_fed_send(r); /* scope network: to peers */
    srv_reply(r, rc, 201, out, errs);
}

/* GET /api/v1/requests?status=&limit=&cursor= -> 200 | 400 | 401 */
void api_request_list(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    char cursor[32], status[32];
    int limit = srv_query_page(r, errs, cursor, sizeof cursor);
    enum rc rc = RC_INVALID;

    if (srv_query(r, "status", status, sizeof status, errs) >= 0 &&
        limit > 0)
        rc = request_list(r->db, srv_viewer(r), status, limit, cursor, errs,
                          &out);
    srv_reply(r, rc, 200, out, errs);
}

/* POST /api/v1/requests/confirm {token} -> 200 {request, token?, csrf?,
 * expires_at?} (+ session cookies for a client) | 400 */
void api_request_confirm(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL, *doc = NULL;
    struct account_session s;
    enum rc rc = srv_body_json(r, errs, &in);

    memset(&s, 0, sizeof s);
    if (rc == RC_OK)
        rc = request_confirm(
            r->db, json_string_value(json_object_get(in, "token")), errs,
            &doc, &s);
    json_decref(in);
    if (rc == RC_OK) api_fed_send(r);
    if (rc == RC_OK) {
        out = json_pack("{s:o}", "request", doc);
        if (out && *s.token) {
            json_object_set_new(out, "token", json_string(s.token));
            json_object_set_new(out, "csrf", json_string(s.csrf));
            json_object_set_new(out, "expires_at", json_string(s.expires_at));
            api_set_cookies(r, &s);
        }
        if (!out) rc = RC_NOMEM;
    }
    srv_reply(r, rc, 200, out, errs);
}

/* GET /api/v1/requests/{id} -> 200 | 404 */
void api_request_get(struct req *r)
{
    json_t *out = NULL;
    enum rc rc = request_get(r->db, srv_viewer(r), r->param[0], &out);

    srv_reply(r, rc, 200, out, NULL);
}

/* GET /api/v1/requests/{id}/matches -> 200 {total, results} | 404 */
void api_request_matches(struct req *r)
{
    json_t *out = NULL;
    enum rc rc = request_matches(r->db, srv_viewer(r), r->param[0], &out);

    srv_reply(r, rc, 200, out, NULL);
}

/* POST /api/v1/requests/{id}/responses {status, reason, quote,
 * entrepreneur_id} -> 200 the provider's match | 400 | 401 | 403 | 404 |
 * 409 (not allowed from the present state) */
void api_request_respond(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK)
        rc = request_respond(r->db, srv_viewer(r), r->param[0], in, errs,
                             &out);
    json_decref(in);
    if (rc == RC_OK) api_fed_send(r); /* a peer's request: relayed */
    srv_reply(r, rc, 200, out, errs);
}

/* POST /api/v1/requests/{id}/outcome {outcome, won_by} -> 200 | 400 |
 * 401 | 403 | 404 | 409 (already closed) */
void api_request_outcome(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK)
        rc = request_outcome(r->db, srv_viewer(r), r->param[0], in, errs,
                             &out);
    json_decref(in);
    if (rc == RC_OK) api_fed_send(r); /* peers told of it: the outcome */
    srv_reply(r, rc, 200, out, errs);
}

/* GET /api/v1/me/notifications?limit=&cursor= -> 200 {total, unread,
 * results, next_cursor} | 401 */
void api_notifications(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    char cursor[32];
    int limit = srv_query_page(r, errs, cursor, sizeof cursor);
    enum rc rc = RC_INVALID;

    if (limit > 0)
        rc = request_notifications(r->db, srv_viewer(r), limit, cursor, 0,
                                   errs, &out);
    srv_reply(r, rc, 200, out, errs);
}

/* POST /api/v1/me/notifications/read -> 200 as GET, all marked read */
void api_notifications_read(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    enum rc rc = request_notifications(r->db, srv_viewer(r), 20, NULL, 1,
                                       errs, &out);

    srv_reply(r, rc, 200, out, errs);
}
