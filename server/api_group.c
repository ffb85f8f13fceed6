/*
 * api_group.c: groups of entrepreneurs (tender teams, business groups,
 * trade groups), their invitations and members.
 */
#include <string.h>

#include "../group/group.h"
#include "api.h"

/* body_or_empty: the JSON body, or {} when the request has none (the
 * answers to an invitation may come without a body): neither
 * Transfer-Encoding nor a Content-Length other than 0. */
static enum rc body_or_empty(struct req *r, json_t *errs, json_t **in)
{
    const char *cl = srv_header(r, "Content-Length");

    if (!srv_header(r, "Transfer-Encoding") && (!cl || !strcmp(cl, "0"))) {
        *in = json_object();
        return *in ? RC_OK : RC_NOMEM;
    }
    return srv_body_json(r, errs, in);
}

/* POST /api/v1/groups {kind, name, description, slug, members, lead,
 * liability, revenue_split, tender_id, lot} -> 201 the group | 400 | 401
 * | 403 | 409 (slug taken) | 413 | 415 */
void api_group_create(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK)
        rc = group_create(r->db, srv_viewer(r), in, r->cfg->public_url, errs,
                          &out);
    json_decref(in);
    srv_reply(r, rc, 201, out, errs);
    if (rc == RC_OK) api_fed_send(r); /* its peers' members told */
}

/* GET /api/v1/groups/{id} -> 200 the group (or its public face) | 401 |
 * 403 | 404 */
void api_group_get(struct req *r)
{
    json_t *out = NULL;
    enum rc rc = group_get(r->db, srv_viewer(r), r->param[0], &out);

    srv_reply(r, rc, 200, out, NULL);
}

/* PATCH /api/v1/groups/{id} {name, description, slug, lead, liability,
 * revenue_split} -> 200 | 400 | 401 | 403 | 404 | 409 (slug taken) */
void api_group_patch(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK)
        rc = group_patch(r->db, srv_viewer(r), r->param[0], in, errs, &out);
    json_decref(in);
    srv_reply(r, rc, 200, out, errs);
}

/* POST /api/v1/groups/{id}/invitations {entrepreneur_id, role} -> 201
 * the group | 400 | 401 | 403 | 404 | 409 (invited or a member already).
 * A peer's entrepreneur is invited through their instance (a message
 * queued, sent after the commit). */
void api_group_invite(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK)
        rc = group_invite(r->db, srv_viewer(r), r->param[0], in,
                          r->cfg->public_url, errs, &out);
    json_decref(in);
    if (rc == RC_OK) api_fed_send(r);
    srv_reply(r, rc, 201, out, errs);
}

/* DELETE /api/v1/groups/{id}/members/{entrepreneur_id} -> 200 the group
 * | 401 | 403 | 404 | 409 (declined or left already; an invitee
 * declines instead) */
void api_group_leave(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    enum rc rc = group_leave(r->db, srv_viewer(r), r->param[0], r->param[1],
                             errs, &out);

    if (rc == RC_OK) api_fed_send(r); /* a peer's member told */
    srv_reply(r, rc, 200, out, errs);
}

/* POST /api/v1/invitations/{id}/accept [{}] -> 200 the group | 401 |
 * 403 | 404 | 409 (answered already). {id} "p12", a peer's invitation
 * (our copy): 200 the copy as GET /me/groups lists it, the answer
 * relayed to the group's instance. */
void api_invitation_accept(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = body_or_empty(r, errs, &in);

    if (rc == RC_OK)
        rc = group_answer(r->db, srv_viewer(r), r->param[0], 1, in, errs,
                          &out);
    json_decref(in);
    if (rc == RC_OK) api_fed_send(r);
    srv_reply(r, rc, 200, out, errs);
}

/* POST /api/v1/invitations/{id}/decline [{reason}] -> 200 the group |
 * 400 | 401 | 403 | 404 | 409 (answered already); "p12" as accept. */
void api_invitation_decline(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = body_or_empty(r, errs, &in);

    if (rc == RC_OK)
        rc = group_answer(r->db, srv_viewer(r), r->param[0], 0, in, errs,
                          &out);
    json_decref(in);
    if (rc == RC_OK) api_fed_send(r);
    srv_reply(r, rc, 200, out, errs);
}

/* POST /api/v1/invitations/{id}/leave -> 200 the copy | 401 | 403 | 404
 * | 409 (not accepted): leave a peer's group ({id} "p12", our copy of its
 * invitation), told to its instance. A group of this instance is left
 * with DELETE /groups/{id}/members/{entrepreneur_id} (404 here). */
void api_invitation_leave(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    long long id;
    enum rc rc = RC_NOTFOUND;

    if (group_peer_id(r->param[0], &id))
        rc = group_peer_leave(r->db, srv_viewer(r), id, errs, &out);
    if (rc == RC_OK) api_fed_send(r);
    srv_reply(r, rc, 200, out, errs);
}

/* GET /api/v1/me/groups?limit=&cursor= -> 200 {total, pending, results,
 * next_cursor} | 400 | 401 */
void api_me_groups(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    char cursor[96];
    int limit = srv_query_page(r, errs, cursor, sizeof cursor);
    enum rc rc = RC_INVALID;

    if (limit > 0)
        rc = group_mine(r->db, srv_viewer(r), limit, cursor, errs, &out);
    srv_reply(r, rc, 200, out, errs);
}
