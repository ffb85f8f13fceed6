/*
 * api_team.c: GET /api/v1/tenders/{id}/teams (tender/tender_team.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../tender/tender_team.h"
#include "../util/check.h"
#include "../util/ids.h"
#include "api.h"

/* int_param: an integer query parameter in [lo, hi], or def when absent;
 * -1 after an error naming it. */
static int int_param(struct req *r, const char *name, int def, int lo, int hi,
                     json_t *errs)
{
    char buf[16], *end;
    struct check c = {errs, ""};
    long v;
    int got = srv_query(r, name, buf, sizeof buf, errs);

    if (got < 0) return -1;
    if (!got) return def;
    v = strtol(buf, &end, 10);
    if (*end || v < lo || v > hi) {
        check_fail(&c, name, "must be an integer from %d to %d", lo, hi);
        return -1;
    }
    return (int)v;
}

/* GET /api/v1/tenders/{id}/teams?k=&max_size=&lot=&cross_cooperative=&scope=
 * -> 200 {tender_id, lot, requirements, teams, notes, candidates, place}
 * | 400 | 404 */
void api_tender_teams(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    struct tender_team_params p;
    struct check c = {errs, ""};
    char lot[128], cross[8], scope[16];
    long long id;
    int got;
    enum rc rc = RC_INVALID;

    memset(&p, 0, sizeof p);
    p.k = int_param(r, "k", 5, 1, 20, errs);
    p.max_size = int_param(r, "max_size", 6, 1, 12, errs);
    if (srv_query(r, "lot", lot, sizeof lot, errs) > 0) p.lot = lot;
    got = srv_query(r, "cross_cooperative", cross, sizeof cross, errs);
    if (got > 0) {
        if (!strcmp(cross, "false") || !strcmp(cross, "0"))
            p.one_coop = 1;
        else if (strcmp(cross, "true") && strcmp(cross, "1"))
            check_fail(&c, "cross_cooperative", "must be true or false");
    }
    if (srv_query(r, "scope", scope, sizeof scope, errs) > 0) {
        if (!strcmp(scope, "network"))
            p.network = 1;
        else if (strcmp(scope, "local"))
            check_fail(&c, "scope", "must be local or network");
    }
    if (!ids_parse(r->param[0], &id)) {
        rc = RC_NOTFOUND;
    } else if (!json_array_size(errs)) {
        rc = tender_teams(r->db, srv_viewer(r), id, &p, errs, &out);
    }
    srv_reply(r, rc, 200, out, errs);
}
