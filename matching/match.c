/*
 * match.c: matching a request to providers (see match.h).
 */
#include "match.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../search/search.h"
#include "../util/assets.h"
#include "../util/buf.h"
#include "../util/ids.h"
#include "../util/text.h"
#include "../util/tsv.h"
#include "../util/viewer.h"

#define PER_ITEM 100

static const char sql_recent[] =
    "SELECT count(*) FROM request_match WHERE entrepreneur_id = ?1"
    " AND notified = 1 AND notified_at >= strftime('%Y-%m-%dT%H:%M:%SZ',"
    " 'now', '-30 days')";

const char *const match_sql[] = {sql_recent, NULL};

/* Who a client is: matching sees what any client sees. */
static const struct viewer client_viewer = {VIEWER_CLIENT, 0, 0, 0};

struct acc {
    struct match *m;
    size_t n, cap;
};

static struct match *find_or_add(struct acc *a, long long id)
{
    size_t i;

    for (i = 0; i < a->n; i++)
        if (a->m[i].id == id) return &a->m[i];
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        struct match *m = realloc(a->m, cap * sizeof *m);

        if (!m) return NULL;
        a->m = m;
        a->cap = cap;
    }
    memset(&a->m[a->n], 0, sizeof a->m[a->n]);
    a->m[a->n].id = id;
    a->m[a->n].why = json_array();
    return &a->m[a->n++];
}

/* add_why: append the reasons of a search result, once each. */
static void add_why(json_t *why, json_t *reasons)
{
    size_t i, j;
    json_t *r, *w;

    json_array_foreach(reasons, i, r) {
        int seen = 0;

        json_array_foreach(why, j, w) {
            if (json_equal(w, r)) seen = 1;
        }
        if (!seen) json_array_append(why, r);
    }
}

static const char *text_of(json_t *doc, const char *key);

/* search_item: one wanted item (trade code or words) at the place. */
static enum rc search_item(struct db *db, json_t *doc, const char *trade,
                           const char *words, struct acc *a)
{
    json_t *loc = json_object_get(doc, "location"), *errs = json_array();
    json_t *out = NULL, *res, *x;
    struct search_params p;
    char near[64];
    size_t i;
    enum rc rc;

    if (!errs) return RC_NOMEM;
    memset(&p, 0, sizeof p);
    if (json_string_length(json_object_get(loc, "insee")))
        snprintf(near, sizeof near, "%s",
                 json_string_value(json_object_get(loc, "insee")));
    else
        snprintf(near, sizeof near, "%.6f,%.6f",
                 json_number_value(json_object_get(loc, "lat")),
                 json_number_value(json_object_get(loc, "lon")));
    p.q = words;
    p.trade = trade;
    p.near = near;
    p.radius_km = -1;
    p.kind = "entrepreneur";
    p.available_before =
        json_string_value(json_object_get(doc, "deadline"));
    p.limit = PER_ITEM;
    /* scope network: the peers' profiles too, told through their
     * instance (request.c). */
    p.network = !strcmp(text_of(doc, "scope"), "network");
    rc = search_run(db, &client_viewer, &p, errs, &out);
    json_decref(errs);
    /* A trade that nobody has is refused as a filter: no match. */
    if (rc == RC_INVALID) return RC_OK;
    if (rc != RC_OK) return rc;
    res = json_object_get(out, "results");
    json_array_foreach(res, i, x) {
        long long id;
        struct match *m;
        double score = json_number_value(json_object_get(x, "score"));

        if (!ids_parse_json(json_object_get(x, "id"), &id)) continue;
        m = find_or_add(a, id);
        if (!m || !m->why) {
            rc = RC_NOMEM;
            break;
        }
        m->coverage++;
        if (score > m->score) m->score = score;
        add_why(m->why, json_object_get(x, "why"));
    }
    json_decref(out);
    return rc;
}

/* ------------------------------------------------------ client needs */

/* The curated needs (data/needs.tsv): a phrase of a client's request
 * ("salle de bain", folded) and the ROME codes of the trades it calls
 * for. Loaded once. */
struct need {
    char *phrase; /* " salle de bain " */
    char *codes;  /* "rome:F1603,rome:F1608" */
};

static struct need *needs;
static size_t nneeds;
static pthread_once_t needs_once = PTHREAD_ONCE_INIT;

static void load_needs(void)
{
    struct tsv t;
    size_t cap = 0;

    tsv_init_mem(&t, asset_needs, ASSET_LEN(asset_needs));
    if (tsv_next(&t, '\t') <= 0) return; /* the header */
    while (tsv_next(&t, '\t') > 0) {
        struct buf p = {0}, c = {0};
        char *codes, *tok, *save = NULL;

        if (t.nfields < 2) continue;
        if (nneeds == cap) {
            struct need *n;

            cap = cap ? cap * 2 : 64;
            n = realloc(needs, cap * sizeof *n);
            if (!n) break;
            needs = n;
        }
        buf_addc(&p, ' ');
        text_fold(tsv_get(&t, 0), &p);
        buf_addc(&p, ' ');
        codes = strdup(tsv_get(&t, 1));
        for (tok = codes ? strtok_r(codes, " ", &save) : NULL; tok;
             tok = strtok_r(NULL, " ", &save))
            buf_addf(&c, "%srome:%s", c.len ? "," : "", tok);
        free(codes);
        needs[nneeds].phrase = buf_take(&p);
        needs[nneeds].codes = buf_take(&c);
        if (needs[nneeds].phrase && needs[nneeds].codes) nneeds++;
    }
    tsv_free(&t);
}

static const char *text_of(json_t *doc, const char *key)
{
    const char *s = json_string_value(json_object_get(doc, key));

    return s ? s : "";
}

/* match_needs: the trades the words of the request (title, description)
 * call for through the curated needs, appended to out framed by commas:
 * ",rome:F1603,rome:F1608," ("," when none). */
static void match_needs(json_t *doc, struct buf *out)
{
    struct buf text = {0};
    size_t i;

    pthread_once(&needs_once, load_needs);
    buf_addc(&text, ' ');
    text_fold(text_of(doc, "title"), &text);
    buf_addc(&text, ' ');
    text_fold(text_of(doc, "description"), &text);
    buf_addc(&text, ' ');
    buf_addc(out, ','); /* framed by commas while it is built */
    for (i = 0; i < nneeds && !buf_oom(&text); i++) {
        char *c, *tok, *save = NULL;

        if (!strstr(buf_str(&text), needs[i].phrase)) continue;
        c = strdup(needs[i].codes);
        for (tok = c ? strtok_r(c, ",", &save) : NULL; tok;
             tok = strtok_r(NULL, ",", &save)) {
            char pat[32];

            snprintf(pat, sizeof pat, ",%s,", tok);
            if (!strstr(buf_str(out), pat)) buf_addf(out, "%s,", tok);
        }
        free(c);
    }
    buf_free(&text);
}

static int by_rank(const void *pa, const void *pb)
{
    const struct match *a = pa, *b = pb;

    if (a->coverage != b->coverage) return a->coverage > b->coverage ? -1 : 1;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    if (a->recent != b->recent) return a->recent < b->recent ? -1 : 1;
    if (a->tie != b->tie) return a->tie < b->tie ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static unsigned long long mix(unsigned long long x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

enum rc match_request(struct db *db, json_t *doc, long long id,
                      struct match **out, size_t *n)
{
    json_t *wanted = json_object_get(doc, "wanted"), *w;
    struct acc a = {NULL, 0, 0};
    struct buf codes = {0};
    enum rc rc = RC_OK;
    size_t i;

    *out = NULL;
    *n = 0;
    match_needs(doc, &codes);
    if (buf_oom(&codes)) return RC_NOMEM;
    /* The trades the words call for: one item (a provider of any of
     * them covers it), without the commas that frame the list. */
    if (codes.len > 1) {
        codes.p[codes.len - 1] = 0;
        rc = search_item(db, doc, codes.p + 1, NULL, &a);
    }
    if (rc == RC_OK && !json_array_size(wanted) && !a.n)
        rc = search_item(db, doc, NULL,
                         json_string_value(json_object_get(doc, "title")), &a);
    if (rc == RC_OK) {
        json_array_foreach(wanted, i, w) {
            char code[48];

            if (rc != RC_OK) break;
            if (json_is_string(w)) {
                rc = search_item(db, doc, NULL, json_string_value(w), &a);
                continue;
            }
            snprintf(code, sizeof code, "%s:%s",
                     json_string_value(json_object_get(w, "scheme")),
                     json_string_value(json_object_get(w, "code")));
            rc = search_item(db, doc, code, NULL, &a);
        }
    }
    for (i = 0; rc == RC_OK && i < a.n; i++) {
        sqlite3_stmt *st = db_stmt(db, sql_recent);

        if (!st) {
            rc = RC_DB;
            break;
        }
        sqlite3_bind_int64(st, 1, a.m[i].id);
        if (sqlite3_step(st) == SQLITE_ROW)
            a.m[i].recent = (long)sqlite3_column_int64(st, 0);
        db_stmt_done(st);
        a.m[i].tie = mix((unsigned long long)id * 0x9e3779b97f4a7c15ull ^
                         (unsigned long long)a.m[i].id);
    }
    buf_free(&codes);
    if (rc != RC_OK) {
        match_free(a.m, a.n);
        return rc;
    }
    if (a.n) qsort(a.m, a.n, sizeof a.m[0], by_rank);
    *out = a.m;
    *n = a.n;
    return RC_OK;
}

void match_free(struct match *m, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) json_decref(m[i].why);
    free(m);
}
