/*
 * api_stats.c: the pooled demand data (matching/demand.h).
 */
#include "../matching/demand.h"
#include "api.h"

/* GET /api/v1/stats/demand?trade=&departement=&from=YYYY-MM&to=YYYY-MM
 * -> 200 {from, to, series:[{month, departement, trade, trade_label,
 *    requests, searches_empty, tenders}], months:[{month, requests,
 *    searches_empty, tenders}], totals:{requests, searches_empty,
 *    tenders}, words:[{words, n}], truncated, notes:[...]}
 *    | 400 naming the parameter.
 * Public: counts only, no person in them (README.md "Demand data").
 * trade: code prefixes as the search's filter (F16, rome:F1603, several
 * comma-separated); departement: exact; from, to: inclusive, default the
 * twelve months up to this one (UTC). */
void api_stats_demand(struct req *r)
{
    struct demand_query q;
    json_t *errs = json_array(), *out = NULL;
    char trade[256], dep[8], from[16], to[16];
    int ok = 1;
    enum rc rc = RC_INVALID;

    ok &= srv_query(r, "trade", trade, sizeof trade, errs) >= 0;
    ok &= srv_query(r, "departement", dep, sizeof dep, errs) >= 0;
    ok &= srv_query(r, "from", from, sizeof from, errs) >= 0;
    ok &= srv_query(r, "to", to, sizeof to, errs) >= 0;
    if (ok) {
        q.trade = trade;
        q.departement = dep;
        q.from = from;
        q.to = to;
        rc = demand_stats(r->db, &q, errs, &out);
    }
    srv_reply(r, rc, 200, out, errs);
}
