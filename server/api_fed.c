/*
 * api_fed.c: federation (federation/fed.h): the descriptor and change
 * feed peers read, the peers administrators register, the tokens they
 * issue, and the open data exports.
 */
#include <stdlib.h>
#include <string.h>

#include "../federation/fed.h"
#include "../util/buf.h"
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

/* GET /federation/v1/instance -> 200 the descriptor */
void api_fed_instance(struct req *r)
{
    struct fed_self s = self(r);
    json_t *out = NULL;
    enum rc rc = fed_instance(r->db, &s, &out);

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
    if (rc == RC_OK) {
        json_decref(errs);
        srv_reply_raw(r, 200, "application/json; charset=utf-8", buf_str(&b),
                      b.len, NULL);
    } else {
        srv_reply(r, rc, 200, NULL, errs);
    }
    buf_free(&b);
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
