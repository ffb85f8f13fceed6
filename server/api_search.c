/*
 * api_search.c: the search endpoint.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../federation/fed.h"
#include "../matching/demand.h"
#include "../search/search.h"
#include "../util/log.h"
#include "api.h"

/* add_origins: each result's origin {url, name}: this instance, or the
 * peer instance it was pulled from, with fetched_at and stale (the peer
 * has not been pulled successfully for peer_stale_s); with scope=network
 * the answer's peers lists every peer and its state. */
static enum rc add_origins(struct req *r, json_t *out, int network)
{
    json_t *origins = NULL, *res, *peers, *o;
    const char *name = r->cfg->instance_name ? r->cfg->instance_name
                                             : "essaim";
    enum rc rc = RC_OK;
    size_t i;

    /* A local search has no peer's profile: no query for their origins. */
    if (network) rc = fed_origins(r->db, r->cfg->peer_stale_s, &origins);
    if (rc != RC_OK) return rc;
    json_array_foreach(json_object_get(out, "results"), i, res) {
        const char *coop = json_string_value(
            json_object_get(json_object_get(res, "cooperative"), "id"));
        json_t *peer = coop && json_object_get(res, "fetched_at")
                           ? json_object_get(origins, coop)
                           : NULL;

        if (peer) {
            json_object_set_new(res, "origin",
                                json_pack("{s:O, s:O}", "url",
                                          json_object_get(peer, "url"),
                                          "name",
                                          json_object_get(peer, "name")));
            json_object_set(res, "stale", json_object_get(peer, "stale"));
        } else {
            json_object_set_new(res, "origin",
                                json_pack("{s:s, s:s}", "url",
                                          srv_base_url(r->srv), "name",
                                          name));
            json_object_set_new(res, "fetched_at", json_null());
            json_object_set_new(res, "stale", json_false());
        }
    }
    if (network) {
        /* One line per peer, from the cooperatives' map. */
        const char *key;
        json_t *seen = json_object();

        peers = json_array();
        json_object_foreach(origins, key, o) {
            const char *url = json_string_value(json_object_get(o, "url"));

            if (url && !json_object_get(seen, url)) {
                json_object_set_new(seen, url, json_true());
                json_array_append(peers, o);
            }
        }
        json_decref(seen);
        json_object_set_new(out, "peers", peers);
    }
    json_decref(origins);
    return RC_OK;
}

/* GET /api/v1/search?q=&near=&radius_km=&kind=&trade=&cooperative=
 *     &departement=&status=&qualification=&available_on=
 *     &sort=relevance|distance&scope=local|network&limit=&cursor=
 * -> 200 {total, place, results:[{kind, id, external_id, name, headline,
 *    cooperative, trades, city, location, distance_km, snippet, score,
 *    why}], facets:{trade, cooperative, departement}, facet_labels,
 *    next_cursor} | 400 naming the parameter */
void api_search(struct req *r)
{
    struct search_params p;
    json_t *errs = json_array(), *out = NULL;
    char q[512], near[256], radius[32], kind[32], trade[32], coop[32],
        dep[8], status[16], qual[128], day[16], sort[16], scope[16],
        cursor[48], where[8];
    int ok = 1, empty = 0;
    enum rc rc = RC_INVALID;

    memset(&p, 0, sizeof p);
    p.radius_km = -1;
    ok &= srv_query(r, "q", q, sizeof q, errs) >= 0;
    ok &= srv_query(r, "near", near, sizeof near, errs) >= 0;
    ok &= srv_query(r, "radius_km", radius, sizeof radius, errs) >= 0;
    ok &= srv_query(r, "kind", kind, sizeof kind, errs) >= 0;
    ok &= srv_query(r, "trade", trade, sizeof trade, errs) >= 0;
    ok &= srv_query(r, "cooperative", coop, sizeof coop, errs) >= 0;
    ok &= srv_query(r, "departement", dep, sizeof dep, errs) >= 0;
    ok &= srv_query(r, "status", status, sizeof status, errs) >= 0;
    ok &= srv_query(r, "qualification", qual, sizeof qual, errs) >= 0;
    ok &= srv_query(r, "available_on", day, sizeof day, errs) >= 0;
    ok &= srv_query(r, "sort", sort, sizeof sort, errs) >= 0;
    ok &= srv_query(r, "scope", scope, sizeof scope, errs) >= 0;
    ok &= srv_query(r, "cursor", cursor, sizeof cursor, errs) >= 0;
    p.limit = srv_query_limit(r, errs);
    if (*radius) {
        char *end;
        double v = strtod(radius, &end);

        if (*end || !isfinite(v) || v < 0 || v > 1000) {
            json_array_append_new(errs, json_pack("{s:s, s:s}", "field",
                                                  "radius_km", "message",
                                                  "must be a number of"
                                                  " kilometres from 0 to"
                                                  " 1000"));
            ok = 0;
        }
        p.radius_km = v;
    }
    if (*sort && strcmp(sort, "relevance") && strcmp(sort, "distance")) {
        json_array_append_new(errs, json_pack("{s:s, s:s}", "field", "sort",
                                              "message",
                                              "must be relevance or"
                                              " distance"));
        ok = 0;
    }
    if (!strcmp(sort, "distance") && !*near) {
        json_array_append_new(errs, json_pack("{s:s, s:s}", "field", "sort",
                                              "message",
                                              "sort=distance needs near"));
        ok = 0;
    }
    if (*scope && strcmp(scope, "local") && strcmp(scope, "network")) {
        json_array_append_new(errs, json_pack("{s:s, s:s}", "field", "scope",
                                              "message",
                                              "must be local or network"));
        ok = 0;
    }
    if (ok && p.limit > 0) {
        p.q = q;
        p.near = *near ? near : NULL;
        p.kind = kind;
        p.trade = trade;
        p.cooperative = coop;
        p.departement = dep;
        p.status = status;
        p.qualification = qual;
        p.available_on = day;
        p.sort_distance = !strcmp(sort, "distance");
        p.network = !strcmp(scope, "network");
        p.cursor = cursor;
        rc = search_run(r->db, srv_viewer(r), &p, errs, &out);
        if (rc == RC_OK) rc = add_origins(r, out, p.network);
    }
    /* A first page that found nobody for words or trades is demand
     * nobody answers: counted (matching/demand.h) in the département of
     * the place searched, else of the département filter. */
    if (rc == RC_OK && !*cursor && (*q || *trade) &&
        json_integer_value(json_object_get(out, "total")) == 0) {
        const char *d = json_string_value(json_object_get(
            json_object_get(out, "place"), "departement"));

        snprintf(where, sizeof where, "%s", d ? d : dep);
        empty = 1;
    }
    srv_reply(r, rc, 200, out, errs);
    /* After the answer has left: the client waits neither for this write
     * nor for a lock held by another writer; a failure costs one count. */
    if (empty) {
        enum rc drc = demand_search_empty(r->db, where, trade, q);

        if (drc != RC_OK)
            log_warn("search: an empty search was not counted in the"
                     " demand data (%s)",
                     rc_name(drc));
    }
}
