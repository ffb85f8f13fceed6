/*
 * api_time.c: contribution-temps, the ledger of mutual-help hours
 * (timebank/timebank.h): posts, transfers and their answers, time
 * accounts, cooperative reports and limits.
 */
#include <string.h>

#include "../timebank/timebank.h"
#include "api.h"

/* settings: the ledger's settings from the configuration. */
static struct timebank_config settings(struct req *r)
{
    struct timebank_config c;

    c.transfer_max = (long long)r->cfg->time_transfer_max * TIMEBANK_Q;
    c.public_url = r->cfg->public_url;
    return c;
}

/* body_or_empty: the JSON body, or {} when the request has none (a
 * confirmation needs no body): neither Transfer-Encoding nor a
 * Content-Length other than 0. */
static enum rc body_or_empty(struct req *r, json_t *errs, json_t **in)
{
    const char *cl = srv_header(r, "Content-Length");

    if (!srv_header(r, "Transfer-Encoding") && (!cl || !strcmp(cl, "0"))) {
        *in = json_object();
        return *in ? RC_OK : RC_NOMEM;
    }
    return srv_body_json(r, errs, in);
}

/* POST /api/v1/time/posts {kind, title, description, trades, place, from,
 * until} -> 201 the post | 400 | 401 | 403 (not an entrepreneur) | 413 |
 * 415 */
void api_time_post_create(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK)
        rc = timebank_post_create(r->db, srv_viewer(r), in, errs, &out);
    json_decref(in);
    srv_reply(r, rc, 201, out, errs);
}

/* GET /api/v1/time/posts?kind=&trade=&departement=&cooperative=&author=
 * &status=open|closed|all&limit=&cursor= -> 200 {total, results,
 * next_cursor} | 400 */
void api_time_post_list(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    char cursor[32], kind[16], trade[64], dep[16], coop[32], author[32],
        status[16];
    int limit = srv_query_page(r, errs, cursor, sizeof cursor);
    struct timebank_post_filter f = {kind, trade, dep, coop, author, status};
    enum rc rc = RC_INVALID;
    int ok = limit > 0;

    ok &= srv_query(r, "kind", kind, sizeof kind, errs) >= 0;
    ok &= srv_query(r, "trade", trade, sizeof trade, errs) >= 0;
    ok &= srv_query(r, "departement", dep, sizeof dep, errs) >= 0;
    ok &= srv_query(r, "cooperative", coop, sizeof coop, errs) >= 0;
    ok &= srv_query(r, "author", author, sizeof author, errs) >= 0;
    ok &= srv_query(r, "status", status, sizeof status, errs) >= 0;
    if (ok)
        rc = timebank_post_list(r->db, srv_viewer(r), &f, limit, cursor, errs,
                                &out);
    srv_reply(r, rc, 200, out, errs);
}

/* GET /api/v1/time/posts/{id} -> 200 the post | 404 */
void api_time_post_get(struct req *r)
{
    json_t *out = NULL;
    enum rc rc = timebank_post_get(r->db, srv_viewer(r), r->param[0], &out);

    srv_reply(r, rc, 200, out, NULL);
}

/* PATCH /api/v1/time/posts/{id} {kind, title, description, trades, place,
 * from, until, status (open|closed)} -> 200 the post | 400 | 401 | 403
 * (may see it, not edit it) | 404 | 413 | 415 */
void api_time_post_patch(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK)
        rc = timebank_post_update(r->db, srv_viewer(r), r->param[0], in, errs,
                                  &out);
    json_decref(in);
    srv_reply(r, rc, 200, out, errs);
}

/* DELETE /api/v1/time/posts/{id} -> 204 | 401 | 403 | 404 */
void api_time_post_delete(struct req *r)
{
    enum rc rc = timebank_post_delete(r->db, srv_viewer(r), r->param[0]);

    srv_reply(r, rc, 204, NULL, NULL);
}

/* POST /api/v1/time/transfers {from, to, hours, note, post_id}
 * [Idempotency-Key: K] -> 201 the pending transfer | 200 the same
 * transfer again (the key seen with this body; Idempotent-Replayed:
 * true) | 400 | 401 | 403 (not a side) | 409 (the key seen with another
 * body; a limit already passed) | 413 | 415 */
void api_time_transfer_create(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    struct timebank_config cfg = settings(r);
    enum rc rc = srv_body_json(r, errs, &in);
    int replayed = 0;

    if (rc == RC_OK)
        rc = timebank_transfer_create(r->db, srv_viewer(r), &cfg, in,
                                      srv_header(r, "Idempotency-Key"), errs,
                                      &out, &replayed);
    json_decref(in);
    if (rc == RC_OK && replayed) srv_add_header(r, "Idempotent-Replayed: true");
    srv_reply(r, rc, replayed ? 200 : 201, out, errs);
}

/* GET /api/v1/time/transfers/{id} -> 200 | 401 | 404 */
void api_time_transfer_get(struct req *r)
{
    json_t *out = NULL;
    enum rc rc = timebank_transfer_get(r->db, srv_viewer(r), r->param[0], &out);

    srv_reply(r, rc, 200, out, NULL);
}

/* answer: confirm (1) or reject (0) transfer param[0]. */
static void answer(struct req *r, int confirm)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    struct timebank_config cfg = settings(r);
    enum rc rc = body_or_empty(r, errs, &in);

    if (rc == RC_OK)
        rc = timebank_transfer_answer(r->db, srv_viewer(r), &cfg, r->param[0],
                                      confirm, in, errs, &out);
    json_decref(in);
    srv_reply(r, rc, 200, out, errs);
}

/* POST /api/v1/time/transfers/{id}/confirm [{}] -> 200 the transfer,
 * confirmed | 401 | 403 (not the counterparty) | 404 | 409 (not pending;
 * a limit would be passed: errors name it) */
void api_time_transfer_confirm(struct req *r)
{
    answer(r, 1);
}

/* POST /api/v1/time/transfers/{id}/reject [{reason}] -> 200 the transfer,
 * rejected | 400 | 401 | 403 (not the counterparty) | 404 | 409 (not
 * pending) */
void api_time_transfer_reject(struct req *r)
{
    answer(r, 0);
}

/* GET /api/v1/time/accounts/{id}?limit=&cursor= -> 200 {id, name,
 * cooperative, balance, limits {min, max}, given, received, history,
 * next_cursor, pending} | 400 | 401 | 403 | 404 */
void api_time_account_get(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    char cursor[32];
    int limit = srv_query_page(r, errs, cursor, sizeof cursor);
    enum rc rc = RC_INVALID;

    if (limit > 0)
        rc = timebank_account_get(r->db, srv_viewer(r), r->param[0], limit,
                                  cursor, errs, &out);
    srv_reply(r, rc, 200, out, errs);
}

/* GET /api/v1/cooperatives/{id}/time?from=&to= -> 200 the report | 400 |
 * 401 | 403 | 404 */
void api_time_report(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    char from[16], to[16];
    enum rc rc = RC_INVALID;
    int ok = srv_query(r, "from", from, sizeof from, errs) >= 0;

    ok &= srv_query(r, "to", to, sizeof to, errs) >= 0;
    if (ok)
        rc = timebank_report(r->db, srv_viewer(r), r->param[0], from, to, errs,
                             &out);
    srv_reply(r, rc, 200, out, errs);
}

/* PATCH /api/v1/cooperatives/{id}/time {account_min, account_max,
 * coop_min, coop_max, pair_max} -> 200 the limits | 400 | 401 | 403 |
 * 404 | 413 | 415 */
void api_time_limits_patch(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK)
        rc = timebank_limits_patch(r->db, srv_viewer(r), r->param[0], in, errs,
                                   &out);
    json_decref(in);
    srv_reply(r, rc, 200, out, errs);
}
