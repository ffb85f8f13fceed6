/*
 * api_fed.c: federation (federation/fed.h): the descriptor and change
 * feed peers read, the peers administrators register, the tokens they
 * issue, and the open data exports.
 */
#include <civetweb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../federation/fed.h"
#include "../group/group.h"
#include "../matching/request.h"
#include "../util/buf.h"
#include "../util/text.h"
#include "api.h"

/* self: this instance, as the descriptor and the feed name it. */
static struct fed_self self(struct req *r)
{
    struct fed_self s;

    s.base_url = srv_base_url(r->srv);
    s.name = r->cfg->instance_name ? r->cfg->instance_name : "essaim";
    s.contact = r->cfg->contact ? r->cfg->contact : "";
    s.version = ESSAIM_VERSION;
    return s;
}

void api_fed_send(struct req *r)
{
    struct fed_sender_config c;
    long pending = 0;
    long long next_at;

    if (fed_msg_pending(r->db, &pending, &next_at) != RC_OK || !pending)
        return;
    c = srv_fed_sender(r->srv);
    fed_sender_kick(&c);
}

/* peer_up: the peer at base URL origin reached us: what waits for it
 * goes now. */
static void peer_up(struct req *r, const char *origin)
{
    if (origin && fed_msg_peer_up(r->db, origin)) api_fed_send(r);
}

/* GET /federation/v1/instance -> 200 the descriptor. Its peers ask it
 * at each pull: the messages that wait since a restart go then. */
void api_fed_instance(struct req *r)
{
    struct fed_self s = self(r);
    json_t *out = NULL;
    enum rc rc = fed_instance(r->db, &s, &out);

    if (srv_viewer(r)->role == VIEWER_PEER)
        peer_up(r, srv_header(r, "X-Essaim-Instance"));
    api_fed_send(r);
    srv_reply(r, rc, 200, out, json_array());
}

/* GET /federation/v1/changes?since=&limit= -> 200 {changes, next} | 400 */
void api_fed_changes(struct req *r)
{
    struct fed_self s = self(r);
    json_t *errs = json_array();
    struct buf b = {0};
    char since[32], limit[16], *end;
    long n = FED_PAGE_DEFAULT;
    enum rc rc = RC_INVALID;
    int ok = 1;

    ok &= srv_query(r, "since", since, sizeof since, errs) >= 0;
    ok &= srv_query(r, "limit", limit, sizeof limit, errs) >= 0;
    if (ok && *limit) {
        n = strtol(limit, &end, 10);
        if (*end || n < 1 || n > FED_PAGE_MAX) n = -1;
    }
    if (ok)
        rc = fed_changes(r->db, srv_viewer(r), &s, since, (int)n, errs, &b);
    if (srv_viewer(r)->role == VIEWER_PEER)
        peer_up(r, srv_header(r, "X-Essaim-Instance"));
    api_fed_send(r);
    if (rc == RC_OK) {
        json_decref(errs);
        srv_reply_raw(r, 200, "application/json; charset=utf-8", buf_str(&b),
                      b.len, NULL);
    } else {
        srv_reply(r, rc, 200, NULL, errs);
    }
    buf_free(&b);
}

/* peer_message: a signed message from a peer: the body read (at most
 * body_max), its signature checked against the peers registered here,
 * then parsed: *peer the sender, *in the JSON object. 0, or -1 after
 * replying: 401 unsigned or a signature that does not hold, 403 not a
 * registered peer, 413, 415, 400 (each naming why). */
static int peer_message(struct req *r, long long *peer, json_t **in)
{
    const char *ct = srv_header(r, "Content-Type");
    const char *inst = srv_header(r, "X-Essaim-Instance");
    long long cl = r->ri->content_length;
    long max = r->cfg->body_max;
    json_t *errs = json_array(), *doc = NULL;
    struct buf b = {0};
    json_error_t jerr;
    char chunk[8192], why[400];
    int n, status = 0;
    enum rc rc;

    *in = NULL;
    *peer = 0;
    if (cl > max) {
        snprintf(why, sizeof why, "body is larger than %ld bytes", max);
        status = 413;
    }
    while (!status && (n = mg_read(r->conn, chunk, sizeof chunk)) > 0) {
        if (b.len + (size_t)n > (size_t)max) {
            snprintf(why, sizeof why, "body is larger than %ld bytes", max);
            status = 413;
        }
        buf_add(&b, chunk, (size_t)n);
    }
    if (!status && (buf_oom(&b) || (cl >= 0 && b.len != (size_t)cl))) {
        snprintf(why, sizeof why, "incomplete body");
        status = 400;
    }
    if (!status) {
        rc = fed_msg_verify(r->db, r->ri->local_uri, inst,
                            srv_header(r, "X-Essaim-Date"),
                            srv_header(r, "X-Essaim-Message-Signature"),
                            b.p ? b.p : "", b.len, (long long)time(NULL),
                            peer, why, sizeof why);
        if (rc == RC_UNAUTHORIZED) {
            status = 401;
        } else if (rc == RC_FORBIDDEN) {
            status = 403;
        } else if (rc != RC_OK) {
            snprintf(why, sizeof why, "the database is not available");
            status = 503;
        }
        if (status == 401 || status == 403)
            json_array_append_new(
                errs, json_pack("{s:s, s:s}", "field",
                                status == 403 ? "X-Essaim-Instance"
                                              : "X-Essaim-Message-Signature",
                                "message", why));
    }
    if (!status && (!ct || strncmp(ct, "application/json", 16))) {
        snprintf(why, sizeof why, "Content-Type must be application/json");
        status = 415;
    }
    if (!status) {
        /* Before jansson's recursion (text.h). */
        if (text_json_depth(b.p ? b.p : "", b.len) <= TEXT_JSON_DEPTH)
            doc = json_loadb(b.p ? b.p : "", b.len, JSON_REJECT_DUPLICATES,
                             &jerr);
        if (!json_is_object(doc)) {
            snprintf(why, sizeof why, "body: must be a JSON object%s%s",
                     doc ? "" : ": ", doc ? "" : jerr.text);
            json_array_append_new(errs, json_pack("{s:s, s:s}", "field",
                                                  "body", "message", why));
            status = 400;
        }
    }
    buf_free(&b);
    if (status) {
        json_decref(doc);
        srv_reply_problem(r, status, why, errs);
        return -1;
    }
    json_decref(errs);
    peer_up(r, inst); /* it is up: what waits for it goes now */
    *in = doc;
    return 0;
}

/* POST /federation/v1/requests {id, title, description, location, wanted,
 * deadline, budget, entrepreneurs[]}, signed by a registered peer -> 201
 * {id, request_id, notified} (200 when sent again) | 400 | 401 | 403 |
 * 413 | 415 */
void api_fed_request(struct req *r)
{
    json_t *in = NULL, *out = NULL, *errs;
    long long peer;
    int created = 0;
    enum rc rc;

    if (peer_message(r, &peer, &in) < 0) return;
    errs = json_array();
    rc = request_peer_create(r->db, peer, in, errs, &out, &created);
    json_decref(in);
    srv_reply(r, rc, created ? 201 : 200, out, errs);
}

/* peer_call: a signed message about a request of the path, handled by
 * fn -> 200 *out | 400 | 401 | 403 | 404 | 409 (as fn says). */
static void peer_call(struct req *r,
                      enum rc (*fn)(struct db *, long long, const char *,
                                    json_t *, json_t *, json_t **))
{
    json_t *in = NULL, *out = NULL, *errs;
    long long peer;
    enum rc rc;

    if (peer_message(r, &peer, &in) < 0) return;
    errs = json_array();
    rc = fn(r->db, peer, r->param[0], in, errs, &out);
    json_decref(in);
    srv_reply(r, rc, 200, out, errs);
}

/* POST /federation/v1/requests/{id}/responses {entrepreneur_id, status,
 * reason, quote}, signed by the peer of that entrepreneur -> 200 the match
 * line */
void api_fed_request_response(struct req *r)
{
    peer_call(r, request_peer_answer);
    api_fed_send(r); /* the client's contact, to an interested provider */
}

/* POST /federation/v1/requests/{id}/contact {contact}, signed by the
 * request's instance -> 200 {id, request_id} */
void api_fed_request_contact(struct req *r)
{
    peer_call(r, request_peer_contact);
}

/* POST /federation/v1/requests/{id}/erase {}, signed by the request's
 * instance (its client was erased) -> 200 {request_id, erased} */
void api_fed_request_erase(struct req *r)
{
    peer_call(r, request_peer_erase);
}

/* POST /federation/v1/requests/{id}/outcome {outcome, won_by}, signed by
 * the request's instance -> 200 {id, status, request_id} */
void api_fed_request_outcome(struct req *r)
{
    peer_call(r, request_peer_outcome);
}

/* POST /federation/v1/invitations {id, round, entrepreneur_id, role,
 * invited_by, group {id, kind, name, description, tender}}, signed by a
 * registered peer: its group invites our entrepreneur -> 201 {id,
 * invitation_id, status} (200 when sent again) | 400 | 401 | 403 | 404
 * (not ours, or not seen by the network) | 409 | 413 | 415 */
void api_fed_invitation(struct req *r)
{
    json_t *in = NULL, *out = NULL, *errs;
    long long peer;
    int created = 0;
    enum rc rc;

    if (peer_message(r, &peer, &in) < 0) return;
    errs = json_array();
    rc = group_peer_receive(r->db, peer, in, r->cfg->public_url, errs, &out,
                            &created);
    json_decref(in);
    srv_reply(r, rc, created ? 201 : 200, out, errs);
}

/* POST /federation/v1/invitations/{id}/answer {entrepreneur_id, status,
 * reason}, signed by the instance of the invited entrepreneur -> 200
 * {invitation_id, group_id, status} | 400 | 401 | 403 | 404 | 409 */
void api_fed_invitation_answer(struct req *r)
{
    peer_call(r, group_answer_relayed);
}

/* POST /federation/v1/invitations/{id}/end {entrepreneur_id, status:
 * "left", reason: "withdrawn" | "removed"}, signed by the group's
 * instance -> 200 {id, invitation_id, status} | 400 | 401 | 403 | 404 */
void api_fed_invitation_end(struct req *r)
{
    peer_call(r, group_peer_ended);
}

/* GET /api/v1/admin/peers -> 200 {total, results, next_cursor} */
void api_peer_list(struct req *r)
{
    json_t *out = NULL;
    enum rc rc = fed_peer_list(r->db, srv_viewer(r), r->cfg->peer_stale_s,
                               &out);

    srv_reply(r, rc, 200, out, json_array());
}

/* POST /api/v1/admin/peers {url, token} -> 201 the peer | 400 | 409 */
void api_peer_add(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK) rc = fed_peer_add(r->db, srv_viewer(r), in, errs, &out);
    json_decref(in);
    if (rc == RC_OK) srv_pull_now(r->srv);
    srv_reply(r, rc, 201, out, errs);
}

/* DELETE /api/v1/admin/peers/{id} -> 204: the peer and its documents */
void api_peer_delete(struct req *r)
{
    enum rc rc = fed_peer_delete(r->db, srv_viewer(r), r->param[0]);

    srv_reply(r, rc, 204, NULL, json_array());
}

/* POST /api/v1/admin/peers/{id}/sync[?from=start] -> 202: pull now (from
 * the beginning with from=start) */
void api_peer_sync(struct req *r)
{
    json_t *errs = json_array();
    char from[16];
    enum rc rc = RC_INVALID;

    if (srv_query(r, "from", from, sizeof from, errs) >= 0) {
        if (*from && strcmp(from, "start")) {
            json_array_append_new(
                errs, json_pack("{s:s, s:s}", "field", "from", "message",
                                "must be start (or absent)"));
        } else if (*from) {
            rc = fed_peer_resync(r->db, srv_viewer(r), r->param[0]);
        } else {
            json_t *list = NULL;

            /* Only administrators: the same check as the list. */
            rc = fed_peer_list(r->db, srv_viewer(r), 0, &list);
            json_decref(list);
        }
    }
    if (rc == RC_OK) srv_pull_now(r->srv);
    srv_reply(r, rc, 202,
              rc == RC_OK ? json_pack("{s:s}", "status", "pulling") : NULL,
              errs);
}

/* POST /api/v1/admin/peer-tokens {name} -> 201 {token, account_id,
 * expires_at, name} */
void api_peer_token(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK)
        rc = fed_token_issue(r->db, srv_viewer(r), in, errs, &out);
    json_decref(in);
    srv_reply(r, rc, 201, out, errs);
}

/* export: GET /api/v1/open/profiles.{geojson,jsonld}?departement= */
static void export(struct req *r, const char *format, const char *ctype)
{
    struct fed_self s = self(r);
    json_t *errs = json_array(), *out = NULL;
    char dep[8];
    enum rc rc = RC_INVALID;
    char *text;

    if (srv_query(r, "departement", dep, sizeof dep, errs) >= 0)
        rc = fed_export(r->db, &s, format,
                        r->cfg->open_licence && *r->cfg->open_licence
                            ? r->cfg->open_licence
                            : CONFIG_OPEN_LICENCE_DEFAULT,
                        *dep ? dep : NULL, errs, &out);
    if (rc != RC_OK) {
        srv_reply(r, rc, 200, out, errs);
        return;
    }
    json_decref(errs);
    text = json_dumps(out, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(out);
    if (!text) {
        srv_reply_problem(r, 503, "out of memory", NULL);
        return;
    }
    srv_reply_raw(r, 200, ctype, text, strlen(text),
                  "Access-Control-Allow-Origin: *\r\n"
                  "Cache-Control: public, max-age=300\r\n");
    free(text);
}

void api_open_geojson(struct req *r)
{
    export(r, "geojson", "application/geo+json");
}

void api_open_jsonld(struct req *r)
{
    export(r, "jsonld", "application/ld+json");
}

/* api_fed_metrics: the federation lines of /metrics. */
void api_fed_metrics(struct req *r, struct buf *b)
{
    long stale = 0, total = 0;

    if (fed_peers_stale(r->db, r->cfg->peer_stale_s, &stale, &total) != RC_OK)
        return;
    buf_addf(b,
             "# HELP essaim_peers Peer instances registered.\n"
             "# TYPE essaim_peers gauge\n"
             "essaim_peers %ld\n"
             "# HELP essaim_peers_stale Peers not pulled successfully for"
             " peer_stale_s seconds.\n"
             "# TYPE essaim_peers_stale gauge\n"
             "essaim_peers_stale %ld\n",
             total, stale);
}
