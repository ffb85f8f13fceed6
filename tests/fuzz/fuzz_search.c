/*
 * fuzz_search.c: the search query parser (search/search_query*.c) and
 * the rest of a search run, fed as GET /api/v1/search feeds them.
 *
 * The input is a URL query string ("q=menuisier&near=nantes&trade=F16&
 * cursor=..."), decoded with CivetWeb's mg_get_var2 and checked as
 * api_search() does (the same buffer sizes, valid UTF-8, radius_km, sort,
 * limit), then search_run() over the world of fuzz_world.h, in a database
 * file so that the search's caches live as in the server; an input
 * without '=' is the text q itself. viewer=admin|client|entrepreneur
 * picks who searches (anonymous otherwise). The parser is also called
 * alone, on a fresh analyzer, for its own promises (at most
 * SEARCH_MAX_TERMS terms, forms and phrases within their arrays).
 *
 * Checked beyond memory safety: no 500 (an FTS5 syntax error from a
 * badly quoted expression would be one), refusals name their parameter.
 */
#include <math.h>

#include <civetweb.h>

#include "fuzz_world.h"

#include "../../matching/demand.h"
#include "../../search/search_query.h"
#include "../../search/search_text.h"
#include "../../util/text.h"

static struct search_text *analyzer;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_world_file();
    analyzer = search_text_new(1024);
    if (!analyzer) return 1;
    return 0;
}

/* param: as srv_query(): 0 absent, 1 present, -1 refused (too long for
 * buf, or not UTF-8). */
static int param(const char *qs, size_t len, const char *name, char *buf,
                 size_t size)
{
    int n;

    buf[0] = 0;
    n = mg_get_var2(qs, len, name, buf, size, 0);
    if (n == -1) return 0;
    if (n < 0 || !text_utf8_valid(buf, (size_t)n)) {
        buf[0] = 0;
        return -1;
    }
    return n > 0;
}

/* parse_alone: search_query_parse on its own. */
static void parse_alone(const char *q)
{
    struct search_query sq;
    int n, i;

    memset(&sq, 0, sizeof sq);
    n = search_query_parse(analyzer, q, &sq);
    if (n < 0 || n > SEARCH_MAX_TERMS || n != sq.nterms)
        fuzz_fail("parse: %d terms", n);
    for (i = 0; i < n; i++) {
        if (sq.terms[i].nforms < 0 || sq.terms[i].nforms > SEARCH_MAX_FORMS)
            fuzz_fail("parse: %d forms", sq.terms[i].nforms);
        if (!memchr(sq.terms[i].word, 0, sizeof sq.terms[i].word) ||
            !memchr(sq.terms[i].tok, 0, sizeof sq.terms[i].tok))
            fuzz_fail("parse: a term is not terminated");
    }
    search_query_begin(&sq);
    if (sq.nphrases < 0 || sq.nphrases > SEARCH_MAX_PHRASES)
        fuzz_fail("parse: %d phrases", sq.nphrases);
    search_query_free(&sq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct fuzz_world *w = fuzz_world();
    struct db *db = fuzz_world_file();
    const char *qs = (const char *)data;
    struct search_params p;
    const struct viewer *v = &viewer_anonymous;
    json_t *errs, *out = NULL;
    char q[512], near[256], radius[32], kind[32], trade[32], coop[32], dep[8],
        status[16], qual[128], day[16], sort[16], cursor[48], limit[32],
        who[16];
    int ok = 1, got;
    enum rc rc;

    memset(&p, 0, sizeof p);
    p.radius_km = -1;
    p.limit = 20;
    if (!memchr(qs, '=', size)) {
        /* The text alone. */
        if (size >= sizeof q || !text_utf8_valid(qs, size)) return 0;
        memcpy(q, qs, size);
        q[size] = 0;
        near[0] = radius[0] = kind[0] = trade[0] = coop[0] = dep[0] = 0;
        status[0] = qual[0] = day[0] = sort[0] = cursor[0] = who[0] = 0;
    } else {
        ok &= param(qs, size, "q", q, sizeof q) >= 0;
        ok &= param(qs, size, "near", near, sizeof near) >= 0;
        ok &= param(qs, size, "radius_km", radius, sizeof radius) >= 0;
        ok &= param(qs, size, "kind", kind, sizeof kind) >= 0;
        ok &= param(qs, size, "trade", trade, sizeof trade) >= 0;
        ok &= param(qs, size, "cooperative", coop, sizeof coop) >= 0;
        ok &= param(qs, size, "departement", dep, sizeof dep) >= 0;
        ok &= param(qs, size, "status", status, sizeof status) >= 0;
        ok &= param(qs, size, "qualification", qual, sizeof qual) >= 0;
        ok &= param(qs, size, "available_on", day, sizeof day) >= 0;
        ok &= param(qs, size, "sort", sort, sizeof sort) >= 0;
        ok &= param(qs, size, "cursor", cursor, sizeof cursor) >= 0;
        ok &= param(qs, size, "viewer", who, sizeof who) >= 0;
        got = param(qs, size, "limit", limit, sizeof limit);
        ok &= got >= 0;
        if (got > 0) {
            char *end;
            long n = strtol(limit, &end, 10);

            ok &= !*end && n >= 1 && n <= 100;
            p.limit = (int)n;
        }
        if (*radius) {
            char *end;
            double r = strtod(radius, &end);

            ok &= !*end && isfinite(r) && r >= 0 && r <= 1000;
            p.radius_km = r;
        }
        ok &= !*sort || !strcmp(sort, "relevance") || !strcmp(sort, "distance");
        ok &= strcmp(sort, "distance") || *near;
        if (!ok) return 0;
    }
    if (!strcmp(who, "admin")) v = &w->admin;
    if (!strcmp(who, "client")) v = &w->client;
    if (!strcmp(who, "entrepreneur")) v = &w->ent1;

    parse_alone(q);

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
    p.cursor = cursor;
    errs = json_array();
    rc = search_run(db, v, &p, errs, &out);
    fuzz_check_rc("search", rc, errs);
    if (rc == RC_OK) {
        json_t *res = json_object_get(out, "results");

        if (!json_is_array(res) || json_array_size(res) > (size_t)p.limit)
            fuzz_fail("search: %zu results for limit %d", json_array_size(res),
                      p.limit);
        /* What api_search() does after an empty first page. */
        if (!*cursor && (*q || *trade) &&
            json_integer_value(json_object_get(out, "total")) == 0) {
            const char *d = json_string_value(
                json_object_get(json_object_get(out, "place"), "departement"));

            fuzz_begin(db);
            rc = demand_search_empty(db, d ? d : dep, trade, q);
            fuzz_check_rc("demand_search_empty", rc, NULL);
            fuzz_end(db);
        }
    } else if (out) {
        fuzz_fail("search: *out set on failure");
    }
    json_decref(out);
    json_decref(errs);
    return 0;
}
