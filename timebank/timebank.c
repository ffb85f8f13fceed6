/*
 * timebank.c: contribution-temps (see timebank.h): hours and limits
 * (pure), posts, transfers and their answers, accounts, cooperative
 * reports and limits, notifications. The SQL is in timebank_db.c; who
 * may do what, in util/viewer.c.
 */
#include "timebank.h"

#include <ctype.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../notify/outbox.h"
#include "../search/search_place.h"
#include "../search/search_trade.h"
#include "../util/buf.h"
#include "../util/check.h"
#include "../util/ids.h"
#include "../util/viewer.h"

#define PENDING_MAX 100 /* pending transfers shown with an account */

/* ================================================================ pure */

int timebank_hours_parse(json_t *v, long long max_q, long long *q, char *why,
                         size_t size)
{
    double x, x4;

    *q = 0;
    if (!v || json_is_null(v)) {
        snprintf(why, size, "is required");
        return -1;
    }
    if (!json_is_number(v)) {
        snprintf(why, size, "must be a number of hours (2, 1.5, 0.25)");
        return -1;
    }
    x = json_number_value(v);
    if (!(x > 0)) {
        snprintf(why, size, "must be more than 0 hours");
        return -1;
    }
    if (x > TIMEBANK_LIMIT_MAX_H ||
        (max_q > 0 && x > (double)max_q / TIMEBANK_Q)) {
        char cap[32];

        timebank_hours_text(
            max_q > 0 ? max_q : (long long)TIMEBANK_LIMIT_MAX_H * TIMEBANK_Q, 0,
            cap, sizeof cap);
        snprintf(why, size, "must be at most %s hours%s", cap,
                 max_q > 0 ? " per transfer" : "");
        return -1;
    }
    /* Exact: a multiple of 0.25 times 4 is an integer in binary floating
     * point, and anything else is not (x is at most 10^6 here). */
    x4 = x * TIMEBANK_Q;
    if (x4 != floor(x4)) {
        snprintf(why, size,
                 "must be a multiple of 0.25 hours (a quarter of an hour)");
        return -1;
    }
    *q = (long long)x4;
    return 0;
}

int timebank_limit_parse(json_t *v, long long *q, char *why, size_t size)
{
    double x, x4;

    *q = 0;
    if (!v || !json_is_number(v)) {
        snprintf(why, size, "must be a number of hours (-20, 40, 12.5)");
        return -1;
    }
    x = json_number_value(v);
    if (x > TIMEBANK_LIMIT_MAX_H || x < -TIMEBANK_LIMIT_MAX_H) {
        snprintf(why, size, "must be from -%d to %d hours",
                 TIMEBANK_LIMIT_MAX_H, TIMEBANK_LIMIT_MAX_H);
        return -1;
    }
    x4 = x * TIMEBANK_Q;
    if (x4 != floor(x4)) {
        snprintf(why, size,
                 "must be a multiple of 0.25 hours (a quarter of an hour)");
        return -1;
    }
    *q = (long long)x4;
    return 0;
}

json_t *timebank_hours_json(long long q)
{
    if (q % TIMEBANK_Q == 0) return json_integer(q / TIMEBANK_Q);
    return json_real((double)q / TIMEBANK_Q);
}

void timebank_hours_text(long long q, int french, char *buf, size_t size)
{
    static const char *const frac[] = {"", "25", "5", "75"};
    unsigned long long a =
        q < 0 ? 0ull - (unsigned long long)q : (unsigned long long)q;
    unsigned long long whole = a / TIMEBANK_Q;
    unsigned f = (unsigned)(a % TIMEBANK_Q);

    snprintf(buf, size, "%s%llu%s%s", q < 0 ? "-" : "", whole,
             f ? (french ? "," : ".") : "", frac[f]);
}

void timebank_limits_default(struct timebank_limits *l)
{
    memset(l, 0, sizeof *l);
    l->account_min = (long long)TIMEBANK_ACCOUNT_MIN_H * TIMEBANK_Q;
    l->account_max = (long long)TIMEBANK_ACCOUNT_MAX_H * TIMEBANK_Q;
    l->pair_max = (long long)TIMEBANK_PAIR_MAX_H * TIMEBANK_Q;
}

size_t timebank_limits_check(const struct timebank_state *s,
                             struct timebank_breach *out, size_t max)
{
    long long a = s->amount, cap;
    size_t n = 0;

#define BREACH(l, before, after_, bound_)                                      \
    do {                                                                       \
        if (n < max) {                                                         \
            out[n].limit = (l);                                                \
            out[n].now = (before);                                             \
            out[n].after = (after_);                                           \
            out[n].bound = (bound_);                                           \
            n++;                                                               \
        }                                                                      \
    } while (0)

    /* The payer's side only goes down and the earner's only up, so each
     * side has one bound to pass; a value already beyond it (a limit
     * lowered since) is refused further, never moved back. */
    if (s->payer_balance - a < s->payer_lim.account_min)
        BREACH(TIMEBANK_ACCOUNT_MIN, s->payer_balance, s->payer_balance - a,
               s->payer_lim.account_min);
    if (s->earner_balance + a > s->earner_lim.account_max)
        BREACH(TIMEBANK_ACCOUNT_MAX, s->earner_balance, s->earner_balance + a,
               s->earner_lim.account_max);
    if (!s->same_coop) {
        if (s->payer_lim.has_coop_min &&
            s->payer_coop_sum - a < s->payer_lim.coop_min)
            BREACH(TIMEBANK_COOP_MIN, s->payer_coop_sum, s->payer_coop_sum - a,
                   s->payer_lim.coop_min);
        if (s->earner_lim.has_coop_max &&
            s->earner_coop_sum + a > s->earner_lim.coop_max)
            BREACH(TIMEBANK_COOP_MAX, s->earner_coop_sum,
                   s->earner_coop_sum + a, s->earner_lim.coop_max);
        /* The pair's net, seen from the payer's cooperative, goes down
         * by a; its cap is the smaller of the two. */
        cap = s->payer_lim.pair_max < s->earner_lim.pair_max
                  ? s->payer_lim.pair_max
                  : s->earner_lim.pair_max;
        if (s->pair_net - a < -cap)
            BREACH(TIMEBANK_PAIR_MAX, s->pair_net, s->pair_net - a, cap);
    }
#undef BREACH
    return n;
}

const char *timebank_limit_name(enum timebank_limit l)
{
    static const char *const names[] = {"account_min", "account_max",
                                        "coop_min", "coop_max", "pair_max"};

    return (unsigned)l < 5 ? names[l] : "limit";
}

/* ============================================================= helpers */

static void today(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%d", &tm);
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *id_or_null(long long id)
{
    return id ? ids_json(id) : json_null();
}

/* end: close the transaction of a function: commit on success (a failed
 * commit fails the call), roll back otherwise; *out released on
 * failure. */
static enum rc end(struct db *db, enum rc rc, json_t **out)
{
    if (rc == RC_OK)
        rc = db_commit(db);
    else if (db_in_transaction(db))
        db_rollback(db);
    if (rc != RC_OK && out) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

static const char *base_url(const struct timebank_config *cfg)
{
    return cfg && cfg->public_url && *cfg->public_url ? cfg->public_url
                                                      : "http://localhost:8080";
}

static long long transfer_cap(const struct timebank_config *cfg)
{
    return cfg && cfg->transfer_max > 0
               ? cfg->transfer_max
               : (long long)TIMEBANK_TRANSFER_MAX_H * TIMEBANK_Q;
}

/* person: entrepreneur id, or a blank one carrying only its id when the
 * profile was erased (RC_OK either way). */
static enum rc person(struct db *db, long long id, struct dir_person *p)
{
    enum rc rc = dir_person_get(db, id, p);

    if (rc == RC_NOTFOUND) {
        memset(p, 0, sizeof *p);
        p->id = id;
        rc = RC_OK;
    }
    return rc;
}

/* shows: may v read p's name? The two sides of an exchange know each
 * other; anyone else by the visibility rule. */
static int shows(const struct viewer *v, const struct dir_person *p,
                 int side)
{
    if (!p->cooperative_id) return 0; /* erased */
    return side || viewer_can_see(v, p->visibility, p->cooperative_id, p->id);
}

static json_t *coop_json(long long id, const char *name)
{
    if (!id) return json_null();
    return json_pack("{s:o, s:o}", "id", ids_json(id), "name",
                     str_or_null(name));
}

static json_t *limits_json(const struct timebank_limits *l)
{
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:o}", "account_min",
        timebank_hours_json(l->account_min), "account_max",
        timebank_hours_json(l->account_max), "coop_min",
        l->has_coop_min ? timebank_hours_json(l->coop_min) : json_null(),
        "coop_max",
        l->has_coop_max ? timebank_hours_json(l->coop_max) : json_null(),
        "pair_max", timebank_hours_json(l->pair_max));
}

/* ============================================================== posts */

/* post_json: the API shape of post p by author a, for v (can_edit: may
 * v change, close or delete it). */
static json_t *post_json(const struct viewer *v,
                         const struct timebank_post_row *p,
                         const struct dir_person *a)
{
    static const char *const fields[] = {
        "title", "description", "trades", "place", "from", "until", NULL};
    json_t *o = json_object();
    const char *const *k;

    if (!o) return NULL;
    json_object_set_new(o, "id", ids_json(p->id));
    json_object_set_new(o, "kind", json_string(p->kind));
    json_object_set_new(o, "status", json_string(p->status));
    for (k = fields; *k; k++) {
        json_t *x = json_object_get(p->doc, *k);

        json_object_set(o, *k, x ? x : json_null());
    }
    json_object_set_new(
        o, "author",
        json_pack("{s:o, s:o, s:o}", "id", ids_json(a->id), "name",
                  str_or_null(a->name), "cooperative",
                  coop_json(a->cooperative_id, a->cooperative)));
    json_object_set_new(o, "can_edit",
                        json_boolean(viewer_can_edit_entrepreneur(
                            v, a->cooperative_id, a->id)));
    json_object_set_new(o, "created_at", json_string(p->created_at));
    json_object_set_new(o, "updated_at", json_string(p->updated_at));
    return o;
}

/* validate_post: in -> the clean document and its place; the author's
 * location stands for a missing place. until_past: refuse an `until`
 * already past (at creation, and when a change gives it). */
static enum rc validate_post(struct db *db, long long author, json_t *in,
                             int until_past, json_t *errs, json_t **out,
                             struct place *pl)
{
    static const char *const known[] = {"kind",   "title", "description",
                                        "trades", "place", "from",
                                        "until",  NULL};
    static const char *const kinds[] = {"offer", "need", NULL};
    struct check c = {errs, ""};
    json_t *clean = json_object(), *loc = NULL;
    char day[16];
    enum rc rc = RC_OK;

    *out = NULL;
    if (!clean) return RC_NOMEM;
    check_unknown(&c, in, known);
    check_enum(&c, in, "kind", kinds, CHECK_REQUIRED, clean);
    check_string(&c, in, "title", TIMEBANK_TITLE_MAX, CHECK_REQUIRED, clean);
    check_string(&c, in, "description", TIMEBANK_TEXT_MAX, CHECK_MULTILINE,
                 clean);
    if (search_trade_check(db, &c, in, "trades", TIMEBANK_TRADES_MAX, clean) ==
        0)
        json_object_set_new(clean, "trades", json_array());
    if (check_present(in, "place")) {
        search_place_check(db, &c, in, "place", CHECK_REQUIRED, clean, pl);
    } else {
        /* The author's location, checked as if given (its errors, if the
         * commune list changed since, name place). */
        rc = timebank_db_location(db, author, &loc);
        if (rc == RC_NOTFOUND) {
            check_fail(&c, "place", "is required");
            rc = RC_OK;
        } else if (rc == RC_OK) {
            json_t *tmp = json_pack("{s:O}", "place", loc);

            if (tmp)
                search_place_check(db, &c, tmp, "place", CHECK_REQUIRED, clean,
                                   pl);
            else
                rc = RC_NOMEM;
            json_decref(tmp);
        }
        json_decref(loc);
    }
    check_date(&c, in, "from", 0, clean);
    if (check_date(&c, in, "until", 0, clean) > 0) {
        today(day, sizeof day);
        if (until_past && strcmp(str(clean, "until"), day) < 0)
            check_fail(&c, "until", "must not be in the past");
        else if (*str(clean, "from") &&
                 strcmp(str(clean, "until"), str(clean, "from")) < 0)
            check_fail(&c, "until", "must not be before from");
    }
    if (rc == RC_OK && check_failed(&c)) rc = RC_INVALID;
    if (rc != RC_OK) {
        json_decref(clean);
        return rc;
    }
    *out = clean;
    return RC_OK;
}

/* load_post: post id with its author, as v may see it (RC_NOTFOUND
 * otherwise); p->doc to free. */
static enum rc load_post(struct db *db, const struct viewer *v, long long id,
                         struct timebank_post_row *p, struct dir_person *a)
{
    enum rc rc = timebank_db_post(db, id, p);

    if (rc == RC_OK) rc = dir_person_get(db, p->entrepreneur_id, a);
    if (rc == RC_OK &&
        !viewer_can_see(v, a->visibility, a->cooperative_id, a->id))
        rc = RC_NOTFOUND;
    return rc;
}

enum rc timebank_post_create(struct db *db, const struct viewer *v, json_t *in,
                             json_t *errs, json_t **out)
{
    struct timebank_post_row p;
    struct dir_person a;
    struct place pl;
    json_t *doc = NULL;
    long long id = 0;
    enum rc rc;

    *out = NULL;
    memset(&p, 0, sizeof p);
    if (v->role == VIEWER_ANONYMOUS) return RC_UNAUTHORIZED;
    if (!viewer_can_post_time(v, v->entrepreneur_id)) return RC_FORBIDDEN;
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    rc = validate_post(db, v->entrepreneur_id, in, 1, errs, &doc, &pl);
    if (rc == RC_OK)
        rc = timebank_db_post_insert(db, v->entrepreneur_id, doc, pl.insee,
                                     pl.departement, &id);
    if (rc == RC_OK) rc = load_post(db, v, id, &p, &a);
    if (rc == RC_OK) {
        *out = post_json(v, &p, &a);
        if (!*out) rc = RC_NOMEM;
    }
    rc = end(db, rc, out);
    json_decref(p.doc);
    json_decref(doc);
    return rc;
}

enum rc timebank_post_get(struct db *db, const struct viewer *v, const char *id,
                          json_t **out)
{
    struct timebank_post_row p;
    struct dir_person a;
    long long n;
    enum rc rc;

    *out = NULL;
    memset(&p, 0, sizeof p);
    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    rc = db_begin_read(db);
    if (rc != RC_OK) return rc;
    rc = load_post(db, v, n, &p, &a);
    if (rc == RC_OK) {
        *out = post_json(v, &p, &a);
        if (!*out) rc = RC_NOMEM;
    }
    rc = end(db, rc, out);
    json_decref(p.doc);
    return rc;
}

/* editable: post id loaded into p and a, when v may change it:
 * RC_UNAUTHORIZED anonymous, RC_NOTFOUND when v may not see it,
 * RC_FORBIDDEN when v sees it but may not edit its author's profile. */
static enum rc editable(struct db *db, const struct viewer *v, long long id,
                        struct timebank_post_row *p, struct dir_person *a)
{
    enum rc rc = load_post(db, v, id, p, a);

    if (rc == RC_OK &&
        !viewer_can_edit_entrepreneur(v, a->cooperative_id, a->id))
        rc = RC_FORBIDDEN;
    return rc;
}

enum rc timebank_post_update(struct db *db, const struct viewer *v,
                             const char *id, json_t *in, json_t *errs,
                             json_t **out)
{
    static const char *const statuses[] = {"open", "closed", NULL};
    struct check c = {errs, ""};
    struct timebank_post_row p;
    struct dir_person a;
    struct place pl;
    json_t *patch = NULL, *merged = NULL, *doc = NULL, *st = NULL;
    char status[8];
    long long n;
    enum rc rc;

    *out = NULL;
    memset(&p, 0, sizeof p);
    if (v->role == VIEWER_ANONYMOUS) return RC_UNAUTHORIZED;
    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    if (!json_is_object(in)) {
        check_fail(&c, NULL, "must be a JSON object");
        return RC_INVALID;
    }
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    rc = editable(db, v, n, &p, &a);
    if (rc != RC_OK) goto out;
    /* status apart; every other field as at creation, on the post with
     * the patch applied. */
    snprintf(status, sizeof status, "%s", p.status);
    st = json_object();
    patch = json_deep_copy(in);
    if (!st || !patch) {
        rc = RC_NOMEM;
        goto out;
    }
    if (check_enum(&c, in, "status", statuses, 0, st) > 0)
        snprintf(status, sizeof status, "%s", str(st, "status"));
    else if (json_is_null(json_object_get(in, "status")))
        check_fail(&c, "status", "must be open or closed");
    json_object_del(patch, "status");
    merged = check_merge_patch(p.doc, patch);
    if (!merged) {
        rc = RC_NOMEM;
        goto out;
    }
    rc = validate_post(db, p.entrepreneur_id, merged,
                       check_present(in, "until"), errs, &doc, &pl);
    if (rc == RC_OK && check_failed(&c)) rc = RC_INVALID;
    if (rc == RC_OK)
        rc = timebank_db_post_update(db, n, doc, pl.insee, pl.departement,
                                     status);
    json_decref(p.doc);
    p.doc = NULL;
    if (rc == RC_OK) rc = load_post(db, v, n, &p, &a);
    if (rc == RC_OK) {
        *out = post_json(v, &p, &a);
        if (!*out) rc = RC_NOMEM;
    }
out:
    rc = end(db, rc, out);
    json_decref(p.doc);
    json_decref(patch);
    json_decref(merged);
    json_decref(doc);
    json_decref(st);
    return rc;
}

enum rc timebank_post_delete(struct db *db, const struct viewer *v,
                             const char *id)
{
    struct timebank_post_row p;
    struct dir_person a;
    long long n;
    enum rc rc;

    memset(&p, 0, sizeof p);
    if (v->role == VIEWER_ANONYMOUS) return RC_UNAUTHORIZED;
    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    rc = editable(db, v, n, &p, &a);
    if (rc == RC_OK) rc = timebank_db_post_delete(db, n);
    json_decref(p.doc);
    return end(db, rc, NULL);
}

/* parse_trade: "F16", "rome:F1603", "43.22" into scheme ("" any) and an
 * upper-case code beginning; 0 when malformed. */
static int parse_trade(const char *t, char *scheme, size_t ssize, char *code,
                       size_t csize)
{
    static const char *const schemes[] = {"rome", "naf", "cpv", "free", NULL};
    const char *colon = strchr(t, ':');
    size_t i, n;

    *scheme = 0;
    if (colon) {
        for (i = 0; schemes[i]; i++)
            if (strlen(schemes[i]) == (size_t)(colon - t) &&
                !strncmp(t, schemes[i], (size_t)(colon - t)))
                break;
        if (!schemes[i]) return 0;
        snprintf(scheme, ssize, "%s", schemes[i]);
        t = colon + 1;
    }
    n = strlen(t);
    if (!n || n >= csize || n > 20) return 0;
    for (i = 0; i < n; i++) {
        if (!isalnum((unsigned char)t[i]) && t[i] != '.') return 0;
        code[i] = (char)toupper((unsigned char)t[i]);
    }
    code[n] = 0;
    return 1;
}

static int departement_ok(const char *d)
{
    size_t i, n = strlen(d);

    if (n < 2 || n > 3) return 0;
    for (i = 0; i < n; i++)
        if (!isdigit((unsigned char)d[i]) && d[i] != 'A' && d[i] != 'B' &&
            d[i] != 'a' && d[i] != 'b')
            return 0;
    return 1;
}

enum rc timebank_post_list(struct db *db, const struct viewer *v,
                           const struct timebank_post_filter *f, int limit,
                           const char *cursor, json_t *errs, json_t **out)
{
    struct check c = {errs, ""};
    char scheme[8] = "", code[32] = "", dep[4] = "", day[16];
    long long coop = 0, author = 0, before = 0, total = 0, *ids = NULL;
    const char *kind = f && f->kind ? f->kind : "";
    const char *status = f && f->status && *f->status ? f->status : "open";
    json_t *res = NULL;
    int n = 0, i;
    enum rc rc;

    *out = NULL;
    if (*kind && strcmp(kind, "offer") && strcmp(kind, "need"))
        check_fail(&c, "kind", "must be offer or need");
    if (f && f->trade && *f->trade &&
        !parse_trade(f->trade, scheme, sizeof scheme, code, sizeof code))
        check_fail(&c, "trade",
                   "must be a trade code or its beginning:"
                   " F16, rome:F1603, 43.22, cpv:4533");
    if (f && f->departement && *f->departement) {
        if (!departement_ok(f->departement))
            check_fail(&c, "departement",
                       "must be a département code: 44,"
                       " 2A, 974");
        else
            for (i = 0; i < 3 && f->departement[i]; i++)
                dep[i] = (char)toupper((unsigned char)f->departement[i]);
    }
    if (f && f->cooperative && *f->cooperative &&
        !ids_parse(f->cooperative, &coop))
        check_fail(&c, "cooperative", "must be a cooperative id");
    if (f && f->author && *f->author && !ids_parse(f->author, &author))
        check_fail(&c, "author", "must be an entrepreneur id");
    if (strcmp(status, "open") && strcmp(status, "closed") &&
        strcmp(status, "all"))
        check_fail(&c, "status", "must be open, closed or all");
    if (!strcmp(status, "all")) status = "";
    if (cursor && *cursor && !ids_parse(cursor, &before))
        check_fail(&c, "cursor", "is not a cursor from a previous answer");
    if (check_failed(&c)) return RC_INVALID;
    ids = calloc((size_t)limit + 1, sizeof *ids);
    res = json_array();
    if (!ids || !res) {
        free(ids);
        json_decref(res);
        return RC_NOMEM;
    }
    today(day, sizeof day);
    rc = db_begin_read(db);
    if (rc == RC_OK)
        rc = timebank_db_post_list(db, v, kind, scheme, code, dep, coop,
                                   author, status, day, before, limit + 1,
                                   ids, &n, &total);
    for (i = 0; rc == RC_OK && i < n && i < limit; i++) {
        struct timebank_post_row p;
        struct dir_person a;

        rc = timebank_db_post(db, ids[i], &p);
        if (rc == RC_OK) rc = dir_person_get(db, p.entrepreneur_id, &a);
        if (rc == RC_OK &&
            json_array_append_new(res, post_json(v, &p, &a)) != 0)
            rc = RC_NOMEM;
        json_decref(p.doc);
    }
    if (rc == RC_OK) {
        *out = json_pack("{s:I, s:O, s:o}", "total", (json_int_t)total,
                         "results", res, "next_cursor",
                         n > limit ? ids_json(ids[limit - 1]) : json_null());
        if (!*out) rc = RC_NOMEM;
    }
    rc = end(db, rc, out);
    json_decref(res);
    free(ids);
    return rc;
}

/* ========================================================== transfers */

/* transfer_json: the API shape of t for v; from and to are its sides
 * (blank when erased). */
static json_t *transfer_json(const struct viewer *v,
                             const struct timebank_transfer_row *t,
                             const struct dir_person *from,
                             const struct dir_person *to)
{
    int pending = !strcmp(t->status, "pending");
    long long awaiting = t->recorded_by == t->from ? t->to : t->from;
    int side = v->role == VIEWER_ENTREPRENEUR && v->entrepreneur_id &&
               (v->entrepreneur_id == t->from || v->entrepreneur_id == t->to);
    json_t *o = json_object();

    if (!o) return NULL;
    json_object_set_new(o, "id", ids_json(t->id));
    json_object_set_new(o, "from", ids_json(t->from));
    json_object_set_new(o, "to", ids_json(t->to));
    json_object_set_new(o, "hours", timebank_hours_json(t->amount));
    json_object_set_new(o, "note", str_or_null(t->note));
    json_object_set_new(o, "post_id", id_or_null(t->post_id));
    json_object_set_new(o, "status", json_string(t->status));
    json_object_set_new(o, "recorded_by", ids_json(t->recorded_by));
    json_object_set_new(o, "awaiting",
                        pending ? ids_json(awaiting) : json_null());
    json_object_set_new(
        o, "can_answer",
        json_boolean(pending && viewer_can_answer_transfer(v, t->recorded_by,
                                                           t->from, t->to)));
    json_object_set_new(o, "reason", str_or_null(t->reason));
    json_object_set_new(o, "from_name",
                        shows(v, from, side) ? json_string(from->name)
                                             : json_null());
    json_object_set_new(
        o, "to_name", shows(v, to, side) ? json_string(to->name) : json_null());
    json_object_set_new(o, "from_cooperative",
                        coop_json(from->cooperative_id, from->cooperative));
    json_object_set_new(o, "to_cooperative",
                        coop_json(to->cooperative_id, to->cooperative));
    json_object_set_new(o, "created_at", json_string(t->created_at));
    json_object_set_new(o, "answered_at", str_or_null(t->answered_at));
    return o;
}

/* shape_transfer: transfer id, loaded, as v sees it. */
static enum rc shape_transfer(struct db *db, const struct viewer *v,
                              long long id, json_t **out)
{
    struct timebank_transfer_row t;
    struct dir_person from, to;
    enum rc rc = timebank_db_transfer(db, id, &t);

    *out = NULL;
    if (rc == RC_OK) rc = person(db, t.from, &from);
    if (rc == RC_OK) rc = person(db, t.to, &to);
    if (rc == RC_OK) {
        *out = transfer_json(v, &t, &from, &to);
        if (!*out) rc = RC_NOMEM;
    }
    return rc;
}

/* gather: the state a transfer of amount from payer to earner would
 * change, read in the caller's transaction. */
static enum rc gather(struct db *db, const struct dir_person *payer,
                      const struct dir_person *earner, long long amount,
                      struct timebank_state *s)
{
    enum rc rc;

    memset(s, 0, sizeof *s);
    s->amount = amount;
    s->same_coop = payer->cooperative_id == earner->cooperative_id;
    rc = timebank_db_balance(db, payer->id, &s->payer_balance);
    if (rc == RC_OK)
        rc = timebank_db_balance(db, earner->id, &s->earner_balance);
    if (rc == RC_OK)
        rc = timebank_db_limits(db, payer->cooperative_id, &s->payer_lim);
    if (rc == RC_OK)
        rc = timebank_db_limits(db, earner->cooperative_id, &s->earner_lim);
    if (rc == RC_OK && !s->same_coop) {
        rc =
            timebank_db_coop_sum(db, payer->cooperative_id, &s->payer_coop_sum);
        if (rc == RC_OK)
            rc = timebank_db_coop_sum(db, earner->cooperative_id,
                                      &s->earner_coop_sum);
        if (rc == RC_OK)
            rc = timebank_db_pair_net(db, payer->cooperative_id,
                                      earner->cooperative_id, &s->pair_net);
    }
    return rc;
}

/* refuse: one error per limit passed, each named by the limit (the field
 * of PATCH /cooperatives/{id}/time that sets it), in plain words. The
 * figures of a balance are given only to its owner (self: the caller's
 * profile, one of the two sides), and a cooperative's total only to its
 * members: the other side's balance and cooperative stay private. */
static void refuse(const struct check *c, const struct timebank_breach *b,
                   size_t n, const struct dir_person *payer,
                   const struct dir_person *earner, long long self)
{
    long long self_coop = self == payer->id   ? payer->cooperative_id
                          : self == earner->id ? earner->cooperative_id
                                               : 0;

    char now[32], after[32], bound[32];
    size_t i;

    for (i = 0; i < n; i++) {
        const char *name = timebank_limit_name(b[i].limit);

        timebank_hours_text(b[i].now, 0, now, sizeof now);
        timebank_hours_text(b[i].after, 0, after, sizeof after);
        timebank_hours_text(b[i].bound, 0, bound, sizeof bound);
        switch (b[i].limit) {
        case TIMEBANK_ACCOUNT_MIN:
            if (payer->id != self) {
                check_fail(c, name,
                           "this transfer would take the balance of %s (who"
                           " pays) under the account_min set by %s",
                           payer->name, payer->cooperative);
                break;
            }
            check_fail(c, name,
                       "the balance of %s (who pays) would go from %s h to"
                       " %s h, under the account_min of %s h set by %s",
                       payer->name, now, after, bound, payer->cooperative);
            break;
        case TIMEBANK_ACCOUNT_MAX:
            if (earner->id != self) {
                check_fail(c, name,
                           "this transfer would take the balance of %s (who"
                           " earns) over the account_max set by %s",
                           earner->name, earner->cooperative);
                break;
            }
            check_fail(c, name,
                       "the balance of %s (who earns) would go from %s h to"
                       " %s h, over the account_max of %s h set by %s",
                       earner->name, now, after, bound, earner->cooperative);
            break;
        case TIMEBANK_COOP_MIN:
            if (payer->cooperative_id != self_coop) {
                check_fail(c, name,
                           "this transfer would take the members of %s"
                           " under its coop_min",
                           payer->cooperative);
                break;
            }
            check_fail(c, name,
                       "the members of %s would hold %s h together (now"
                       " %s h), under its coop_min of %s h",
                       payer->cooperative, after, now, bound);
            break;
        case TIMEBANK_COOP_MAX:
            if (earner->cooperative_id != self_coop) {
                check_fail(c, name,
                           "this transfer would take the members of %s over"
                           " its coop_max",
                           earner->cooperative);
                break;
            }
            check_fail(c, name,
                       "the members of %s would hold %s h together (now"
                       " %s h), over its coop_max of %s h",
                       earner->cooperative, after, now, bound);
            break;
        case TIMEBANK_PAIR_MAX:
            check_fail(c, name,
                       "the net balance of the exchanges of %s with %s is"
                       " %s h (hours its members earned from theirs minus"
                       " hours they paid them); this transfer would take it"
                       " to %s h, beyond the pair_max of %s h between the"
                       " two cooperatives (the smaller of their caps)",
                       payer->cooperative, earner->cooperative, now, after,
                       bound);
            break;
        }
    }
}

/* check_limits: RC_CONFLICT with the limits passed named in errs, when a
 * transfer of amount from payer to earner would pass one. */
static enum rc check_limits(struct db *db, const struct dir_person *payer,
                            const struct dir_person *earner,
                            long long amount, long long self, json_t *errs)
{
    struct timebank_breach b[5];
    struct timebank_state s;
    struct check c = {errs, ""};
    enum rc rc = gather(db, payer, earner, amount, &s);
    size_t n;

    if (rc != RC_OK) return rc;
    n = timebank_limits_check(&s, b, 5);
    if (!n) return RC_OK;
    refuse(&c, b, n, payer, earner, self);
    return RC_CONFLICT;
}

/* tell: an inbox line about transfer and an e-mail to entrepreneur ent
 * (in the caller's transaction). */
static enum rc tell(struct db *db, long long ent, const char *kind,
                    long long transfer, const char *text, const char *subject,
                    const char *body)
{
    enum rc rc = timebank_db_notify(db, ent, kind, transfer, text);

    if (rc == RC_OK) rc = outbox_add_entrepreneur(db, ent, subject, body, 0, 0);
    return rc;
}

/* tell_recorded: the counterparty of transfer t hears of it. */
static enum rc tell_recorded(struct db *db, const struct timebank_config *cfg,
                             const struct timebank_transfer_row *t,
                             const struct dir_person *from,
                             const struct dir_person *to)
{
    const struct dir_person *rec = t->recorded_by == t->from ? from : to;
    const struct dir_person *other = rec == from ? to : from;
    char h[32], text[800], subject[200];
    struct buf body = {0};
    enum rc rc;

    timebank_hours_text(t->amount, 1, h, sizeof h);
    if (other == from)
        snprintf(text, sizeof text,
                 "%s a enregistré %s h d'entraide qu'il ou elle vous a"
                 " apportée : à confirmer",
                 rec->name, h);
    else
        snprintf(text, sizeof text,
                 "%s a enregistré %s h d'entraide que vous lui avez"
                 " apportée : à confirmer",
                 rec->name, h);
    snprintf(subject, sizeof subject, "essaim : %s h d'entraide à confirmer",
             h);
    buf_addf(&body,
             "Bonjour,\n\n%s.\n\nSi l'échange a bien eu lieu, confirmez-le :"
             " %s h passeront du compte temps de %s à celui de %s. Sinon,"
             " refusez-le.\n",
             text, h, from->name, to->name);
    if (*t->note) buf_addf(&body, "\nNote : %.500s\n", t->note);
    buf_addf(&body, "\n%s/time.html#transfer=%lld\n\n-- essaim\n",
             base_url(cfg), t->id);
    rc = buf_oom(&body) ? RC_NOMEM
                        : tell(db, other->id, "time.transfer", t->id, text,
                               subject, buf_str(&body));
    buf_free(&body);
    return rc;
}

/* tell_answered: the recorder of transfer t hears of the answer. */
static enum rc tell_answered(struct db *db, const struct timebank_config *cfg,
                             const struct timebank_transfer_row *t,
                             const struct dir_person *from,
                             const struct dir_person *to, int confirmed)
{
    const struct dir_person *rec = t->recorded_by == t->from ? from : to;
    const struct dir_person *other = rec == from ? to : from;
    char h[32], text[800], subject[200], body[2400];

    timebank_hours_text(t->amount, 1, h, sizeof h);
    if (confirmed)
        snprintf(text, sizeof text, "%s a confirmé l'échange de %s h",
                 other->name, h);
    else
        snprintf(text, sizeof text, "%s a refusé l'échange de %s h%s%.500s%s",
                 other->name, h, *t->reason ? " (" : "", t->reason,
                 *t->reason ? ")" : "");
    snprintf(subject, sizeof subject, "essaim : échange de %s h %s", h,
             confirmed ? "confirmé" : "refusé");
    snprintf(body, sizeof body,
             "Bonjour,\n\n%s.\n\n%s\n%s/time.html#transfer=%lld\n\n"
             "-- essaim\n",
             text,
             confirmed ? "Les heures sont passées d'un compte temps à"
                         " l'autre."
                       : "Rien n'a changé sur les comptes temps.",
             base_url(cfg), t->id);
    return tell(db, rec->id, confirmed ? "time.confirmed" : "time.rejected",
                t->id, text, subject, body);
}

/* key_ok: an Idempotency-Key: 1 to 255 visible ASCII characters. */
static int key_ok(const char *k)
{
    size_t i, n = strlen(k);

    if (!n || n > TIMEBANK_KEY_MAX) return 0;
    for (i = 0; i < n; i++)
        if (k[i] < 0x21 || k[i] > 0x7e) return 0;
    return 1;
}

/* body_hash: the checked body, in one canonical form, hashed. */
static void body_hash(long long from, long long to, long long amount,
                      const char *note, long long post, unsigned char h[32])
{
    struct buf b = {0};

    buf_addf(&b, "%lld\n%lld\n%lld\n%lld\n%s", from, to, amount, post, note);
    crypto_generichash(h, 32, (const unsigned char *)buf_str(&b), b.len, NULL,
                       0);
    buf_free(&b);
}

/* id_field: in[key], an id (required); 0 after a refusal. */
static long long id_field(const struct check *c, json_t *in, const char *key,
                          const char *what, int required)
{
    json_t *x = json_object_get(in, key);
    long long id = 0;

    if (!x || json_is_null(x)) {
        if (required) check_fail(c, key, "is required");
        return 0;
    }
    if (!ids_parse_json(x, &id)) {
        check_fail(c, key, "must be %s id", what);
        return 0;
    }
    return id;
}

enum rc timebank_transfer_create(struct db *db, const struct viewer *v,
                                 const struct timebank_config *cfg, json_t *in,
                                 const char *key, json_t *errs, json_t **out,
                                 int *replayed)
{
    static const char *const known[] = {"from", "to",      "hours",
                                        "note", "post_id", NULL};
    struct check c = {errs, ""};
    struct timebank_transfer_row t;
    struct dir_person from, to;
    json_t *clean = json_object();
    unsigned char hash[32], seen[32];
    long long prior = 0, id = 0;
    char why[160];
    enum rc rc;

    *out = NULL;
    *replayed = 0;
    memset(&t, 0, sizeof t);
    memset(&from, 0, sizeof from);
    memset(&to, 0, sizeof to);
    if (!clean) return RC_NOMEM;
    if (v->role == VIEWER_ANONYMOUS) {
        json_decref(clean);
        return RC_UNAUTHORIZED;
    }
    /* The body alone first: what it says, before what it refers to. */
    if (key && !key_ok(key))
        check_fail(&c, "Idempotency-Key",
                   "must be 1 to %d visible ASCII characters",
                   TIMEBANK_KEY_MAX);
    check_unknown(&c, in, known);
    t.from = id_field(&c, in, "from", "an entrepreneur", 1);
    t.to = id_field(&c, in, "to", "an entrepreneur", 1);
    if (timebank_hours_parse(json_object_get(in, "hours"), transfer_cap(cfg),
                             &t.amount, why, sizeof why) < 0)
        check_fail(&c, "hours", "%s", why);
    if (check_string(&c, in, "note", TIMEBANK_NOTE_MAX, CHECK_MULTILINE,
                     clean) > 0)
        snprintf(t.note, sizeof t.note, "%s", str(clean, "note"));
    t.post_id = id_field(&c, in, "post_id", "a post", 0);
    if (t.from && t.from == t.to)
        check_fail(&c, "to", "must be another entrepreneur than from");
    json_decref(clean);
    if (check_failed(&c)) return RC_INVALID;
    if (!viewer_can_record_transfer(v, t.from, t.to)) return RC_FORBIDDEN;
    t.recorded_by = v->entrepreneur_id;
    t.recorded_account = v->account_id;
    body_hash(t.from, t.to, t.amount, t.note, t.post_id, hash);

    /* One write transaction (BEGIN IMMEDIATE): the key lookup, the checks
     * and the insert see no other writer in between, so two retries of
     * one request cannot both record. */
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    if (key) rc = timebank_db_idem_get(db, v->account_id, key, &prior, seen);
    if (rc == RC_OK && prior) {
        if (sodium_memcmp(seen, hash, 32) == 0) {
            *replayed = 1;
            rc = shape_transfer(db, v, prior, out);
        } else {
            check_fail(&c, "Idempotency-Key",
                       "was used in the last %d hours for another request"
                       " body; use a new key for a new transfer",
                       TIMEBANK_KEY_HOURS);
            rc = RC_CONFLICT;
        }
        return end(db, rc, out);
    }
    if (rc == RC_OK) {
        rc = dir_person_get(db, t.from, &from);
        if (rc == RC_NOTFOUND ||
            (rc == RC_OK && !viewer_can_see(v, from.visibility,
                                            from.cooperative_id, from.id))) {
            check_fail(&c, "from", "no such entrepreneur");
            rc = RC_OK;
        }
    }
    if (rc == RC_OK) {
        rc = dir_person_get(db, t.to, &to);
        if (rc == RC_NOTFOUND ||
            (rc == RC_OK &&
             !viewer_can_see(v, to.visibility, to.cooperative_id, to.id))) {
            check_fail(&c, "to", "no such entrepreneur");
            rc = RC_OK;
        }
    }
    if (rc == RC_OK && t.post_id) {
        struct timebank_post_row p;

        rc = timebank_db_post(db, t.post_id, &p);
        if (rc == RC_NOTFOUND) {
            check_fail(&c, "post_id", "no such post");
            rc = RC_OK;
        } else if (rc == RC_OK && p.entrepreneur_id != t.from &&
                   p.entrepreneur_id != t.to) {
            check_fail(&c, "post_id", "must be a post of from or to");
        }
        json_decref(p.doc);
    }
    if (rc == RC_OK && check_failed(&c)) rc = RC_INVALID;
    /* A transfer that could not be confirmed now is refused at once; the
     * check that counts is the one at confirmation. */
    if (rc == RC_OK)
        rc = check_limits(db, &from, &to, t.amount, v->entrepreneur_id, errs);
    if (rc == RC_OK) rc = timebank_db_transfer_insert(db, &t, &id);
    if (rc == RC_OK && key)
        rc = timebank_db_idem_put(db, v->account_id, key, hash, id);
    if (rc == RC_OK) rc = timebank_db_transfer(db, id, &t);
    if (rc == RC_OK) rc = tell_recorded(db, cfg, &t, &from, &to);
    if (rc == RC_OK) {
        *out = transfer_json(v, &t, &from, &to);
        if (!*out) rc = RC_NOMEM;
    }
    rc = end(db, rc, out);
    if (rc == RC_OK) outbox_poke();
    return rc;
}

/* transfer_people: t's sides (blank when erased). */
static enum rc transfer_people(struct db *db,
                               const struct timebank_transfer_row *t,
                               struct dir_person *from,
                               struct dir_person *to)
{
    enum rc rc = person(db, t->from, from);

    return rc == RC_OK ? person(db, t->to, to) : rc;
}

enum rc timebank_transfer_get(struct db *db, const struct viewer *v,
                              const char *id, json_t **out)
{
    struct timebank_transfer_row t;
    struct dir_person from, to;
    long long n;
    enum rc rc;

    *out = NULL;
    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    if (v->role == VIEWER_ANONYMOUS) return RC_UNAUTHORIZED;
    rc = db_begin_read(db);
    if (rc != RC_OK) return rc;
    rc = timebank_db_transfer(db, n, &t);
    if (rc == RC_OK) rc = transfer_people(db, &t, &from, &to);
    if (rc == RC_OK && !viewer_can_read_transfer(v, t.from, from.cooperative_id,
                                                 t.to, to.cooperative_id))
        rc = RC_NOTFOUND;
    if (rc == RC_OK) {
        *out = transfer_json(v, &t, &from, &to);
        if (!*out) rc = RC_NOMEM;
    }
    return end(db, rc, out);
}

enum rc timebank_transfer_answer(struct db *db, const struct viewer *v,
                                 const struct timebank_config *cfg,
                                 const char *id, int confirm, json_t *in,
                                 json_t *errs, json_t **out)
{
    static const char *const known_confirm[] = {NULL};
    static const char *const known_reject[] = {"reason", NULL};
    struct check c = {errs, ""};
    struct timebank_transfer_row t;
    struct dir_person from, to;
    json_t *clean = json_object();
    char reason[TIMEBANK_REASON_MAX * 4 + 1] = "";
    long long n;
    enum rc rc;

    *out = NULL;
    if (!clean) return RC_NOMEM;
    if (v->role == VIEWER_ANONYMOUS) {
        json_decref(clean);
        return RC_UNAUTHORIZED;
    }
    check_unknown(&c, in, confirm ? known_confirm : known_reject);
    if (!confirm && check_string(&c, in, "reason", TIMEBANK_REASON_MAX,
                                 CHECK_MULTILINE, clean) > 0)
        snprintf(reason, sizeof reason, "%s", str(clean, "reason"));
    json_decref(clean);
    if (!ids_parse(id, &n)) return RC_NOTFOUND;

    /* Concurrency. The confirmation is one write transaction: db_begin
     * is BEGIN IMMEDIATE, which takes SQLite's write lock at once, and
     * SQLite lets one writer at a time hold it. Every value a limit is
     * checked against (both balances, both cooperatives' limits and sums,
     * the pair's net) is read below, inside that transaction, and the
     * movements are written in it too: no other confirmation can commit
     * between our reads and our writes, so two transfers cannot jointly
     * pass a limit that each passes alone. Other writers wait for the
     * lock (busy_timeout), then read what we wrote. (Were db_begin to
     * join a caller's deferred read transaction, the first write would
     * need the lock on a snapshot another writer may have changed:
     * SQLite refuses that with SQLITE_BUSY, never interleaves.) */
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    rc = timebank_db_transfer(db, n, &t);
    if (rc == RC_OK &&
        !viewer_can_answer_transfer(v, t.recorded_by, t.from, t.to))
        rc = RC_FORBIDDEN;
    if (rc == RC_OK && check_failed(&c)) rc = RC_INVALID;
    if (rc == RC_OK && strcmp(t.status, "pending")) {
        check_fail(&c, "status",
                   "the transfer is %s already; only a pending"
                   " transfer is answered",
                   t.status);
        rc = RC_CONFLICT;
    }
    if (rc == RC_OK) rc = transfer_people(db, &t, &from, &to);
    if (rc == RC_OK && (!from.cooperative_id || !to.cooperative_id))
        rc = RC_INTERNAL; /* an erased side's transfers are cancelled */
    if (rc == RC_OK && confirm) {
        /* Double entry: the payer's movement and the earner's sum to
         * zero, written with the status change. */
        rc = check_limits(db, &from, &to, t.amount, v->entrepreneur_id,
                          errs);
        if (rc == RC_OK)
            rc = timebank_db_move(db, t.id, t.from, from.cooperative_id, t.to,
                                  to.cooperative_id, -t.amount);
        if (rc == RC_OK)
            rc = timebank_db_move(db, t.id, t.to, to.cooperative_id, t.from,
                                  from.cooperative_id, t.amount);
        /* The helper's help now weighs in the search (search_mem). */
        if (rc == RC_OK) rc = timebank_db_touch(db, t.to);
    }
    if (rc == RC_OK)
        rc = timebank_db_transfer_set(db, t.id,
                                      confirm ? "confirmed" : "rejected",
                                      confirm ? NULL : reason);
    if (rc == RC_OK) rc = timebank_db_transfer(db, n, &t);
    if (rc == RC_OK) rc = tell_answered(db, cfg, &t, &from, &to, confirm);
    if (rc == RC_OK) {
        *out = transfer_json(v, &t, &from, &to);
        if (!*out) rc = RC_NOMEM;
    }
    rc = end(db, rc, out);
    if (rc == RC_OK) outbox_poke();
    return rc;
}

/* ============================================================ reading */

/* coop_name: the name of cooperative id, cached in names (an object
 * keyed by id). Borrowed from names. */
static const char *coop_name(struct db *db, json_t *names, long long id)
{
    char key[24], name[832];
    json_t *s;

    snprintf(key, sizeof key, "%lld", id);
    s = json_object_get(names, key);
    if (!s) {
        if (timebank_db_coop(db, id, name, sizeof name) != RC_OK) *name = 0;
        json_object_set_new(names, key, json_string(name));
        s = json_object_get(names, key);
    }
    return json_string_value(s);
}

/* movement_json: a row of timebank_db_history as the API shows it. */
static json_t *movement_json(struct db *db, const struct viewer *v, json_t *row,
                             int own, json_t *names)
{
    long long other = json_integer_value(json_object_get(row, "other_id"));
    long long oc = json_integer_value(json_object_get(row, "other_coop_id"));
    long long post = json_integer_value(json_object_get(row, "post_id"));
    struct dir_person p;
    json_t *who;

    if (person(db, other, &p) != RC_OK) memset(&p, 0, sizeof p);
    who = json_pack("{s:o, s:o, s:o}", "id", ids_json(other), "name",
                    shows(v, &p, own) ? json_string(p.name) : json_null(),
                    "cooperative", coop_json(oc, coop_name(db, names, oc)));
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:O, s:o, s:o, s:o}", "id",
        ids_json(json_integer_value(json_object_get(row, "id"))), "transfer_id",
        ids_json(json_integer_value(json_object_get(row, "transfer_id"))),
        "hours",
        timebank_hours_json(json_integer_value(json_object_get(row, "amount"))),
        "balance",
        timebank_hours_json(
            json_integer_value(json_object_get(row, "balance_after"))),
        "at", json_object_get(row, "at"), "counterparty", who, "note",
        str_or_null(str(row, "note")), "post_id", id_or_null(post));
}

enum rc timebank_account_get(struct db *db, const struct viewer *v,
                             const char *id, int limit, const char *cursor,
                             json_t *errs, json_t **out)
{
    struct check c = {errs, ""};
    struct dir_person p;
    struct timebank_limits lim;
    long long n, before = 0, bal = 0, given = 0, received = 0;
    long long pend[PENDING_MAX];
    json_t *rows = NULL, *hist = NULL, *pending = NULL, *names = NULL, *row;
    int more = 0, np = 0, i, own;
    size_t k;
    enum rc rc;

    *out = NULL;
    if (cursor && *cursor && !ids_parse(cursor, &before))
        check_fail(&c, "cursor", "is not a cursor from a previous answer");
    if (check_failed(&c)) return RC_INVALID;
    if (v->role == VIEWER_ANONYMOUS) return RC_UNAUTHORIZED;
    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    own = v->role == VIEWER_ENTREPRENEUR && v->entrepreneur_id == n;
    rc = db_begin_read(db); /* one snapshot for every figure */
    if (rc != RC_OK) return rc;
    rc = dir_person_get(db, n, &p);
    if (rc == RC_OK && !viewer_can_read_time_account(v, p.cooperative_id, p.id))
        rc = viewer_can_see(v, p.visibility, p.cooperative_id, p.id)
                 ? RC_FORBIDDEN
                 : RC_NOTFOUND;
    if (rc == RC_OK) rc = timebank_db_balance(db, n, &bal);
    if (rc == RC_OK) rc = timebank_db_limits(db, p.cooperative_id, &lim);
    if (rc == RC_OK) rc = timebank_db_totals(db, n, &given, &received);
    if (rc == RC_OK)
        rc = timebank_db_history(db, n, before, limit, &rows, &more);
    if (rc == RC_OK) rc = timebank_db_pending(db, n, pend, PENDING_MAX, &np);
    hist = json_array();
    pending = json_array();
    names = json_object();
    if (rc == RC_OK && (!hist || !pending || !names)) rc = RC_NOMEM;
    json_array_foreach(rows, k, row)
    {
        if (rc != RC_OK) break;
        if (json_array_append_new(hist, movement_json(db, v, row, own, names)))
            rc = RC_NOMEM;
    }
    for (i = 0; rc == RC_OK && i < np; i++) {
        json_t *t = NULL;

        rc = shape_transfer(db, v, pend[i], &t);
        if (rc == RC_OK && json_array_append_new(pending, t)) rc = RC_NOMEM;
    }
    if (rc == RC_OK) {
        json_t *last = json_array_get(rows, json_array_size(rows) - 1);

        *out = json_pack(
            "{s:o, s:s, s:o, s:o, s:{s:o, s:o}, s:o, s:o, s:O, s:o, s:O}", "id",
            ids_json(p.id), "name", p.name, "cooperative",
            coop_json(p.cooperative_id, p.cooperative), "balance",
            timebank_hours_json(bal), "limits", "min",
            timebank_hours_json(lim.account_min), "max",
            timebank_hours_json(lim.account_max), "given",
            timebank_hours_json(given), "received",
            timebank_hours_json(received), "history", hist, "next_cursor",
            more && last
                ? ids_json(json_integer_value(json_object_get(last, "id")))
                : json_null(),
            "pending", pending);
        if (!*out) rc = RC_NOMEM;
    }
    rc = end(db, rc, out);
    json_decref(rows);
    json_decref(hist);
    json_decref(pending);
    json_decref(names);
    return rc;
}

/* hours_of: obj[key], quarter-hours, as hours (new). */
static json_t *hours_of(json_t *obj, const char *key)
{
    return timebank_hours_json(json_integer_value(json_object_get(obj, key)));
}

enum rc timebank_report(struct db *db, const struct viewer *v, const char *coop,
                        const char *from, const char *to, json_t *errs,
                        json_t **out)
{
    struct check c = {errs, ""};
    struct timebank_limits lim;
    char name[832], upto[16];
    long long n;
    json_t *fig = NULL, *ex = NULL, *names = NULL, *e;
    size_t i;
    enum rc rc;

    *out = NULL;
    from = from ? from : "";
    to = to ? to : "";
    if (*from && !check_date_str(from))
        check_fail(&c, "from", "must be a date YYYY-MM-DD");
    if (*to && !check_date_str(to))
        check_fail(&c, "to", "must be a date YYYY-MM-DD");
    else if (*from && *to && strcmp(to, from) < 0)
        check_fail(&c, "to", "must not be before from");
    if (v->role == VIEWER_ANONYMOUS) return RC_UNAUTHORIZED;
    if (!ids_parse(coop, &n)) return RC_NOTFOUND;
    /* Movements at from <= at < upto: "~" sorts after every time of the
     * day "to" (and alone, after every time). */
    snprintf(upto, sizeof upto, "%s~", to);
    rc = db_begin_read(db);
    if (rc != RC_OK) return rc;
    rc = timebank_db_coop(db, n, name, sizeof name);
    if (rc == RC_OK && !viewer_can_manage_time(v, n)) rc = RC_FORBIDDEN;
    if (rc == RC_OK && check_failed(&c)) rc = RC_INVALID;
    if (rc == RC_OK) rc = timebank_db_limits(db, n, &lim);
    if (rc == RC_OK) rc = timebank_db_report(db, n, from, upto, &fig);
    ex = json_array();
    names = json_object();
    if (rc == RC_OK && (!ex || !names)) rc = RC_NOMEM;
    json_array_foreach(json_object_get(fig, "exchanges"), i, e)
    {
        long long oc = json_integer_value(json_object_get(e, "cooperative_id"));
        long long g = json_integer_value(json_object_get(e, "given"));
        long long r = json_integer_value(json_object_get(e, "received"));
        struct timebank_limits ol;

        if (rc != RC_OK) break;
        rc = timebank_db_limits(db, oc, &ol);
        if (rc == RC_OK &&
            json_array_append_new(
                ex, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "cooperative",
                              coop_json(oc, coop_name(db, names, oc)), "given",
                              timebank_hours_json(g), "received",
                              timebank_hours_json(r), "net",
                              timebank_hours_json(g - r), "net_all_time",
                              hours_of(e, "net_all_time"), "pair_max",
                              timebank_hours_json(lim.pair_max < ol.pair_max
                                                      ? lim.pair_max
                                                      : ol.pair_max))))
            rc = RC_NOMEM;
    }
    if (rc == RC_OK) {
        *out = json_pack(
            "{s:o, s:o, s:o, s:O, s:O, s:O, s:o, s:o, s:o, s:o, s:o, s:O,"
            " s:O, s:o}",
            "cooperative", coop_json(n, name), "from", str_or_null(from), "to",
            str_or_null(to), "members", json_object_get(fig, "members"),
            "active_members", json_object_get(fig, "active_members"),
            "transfers", json_object_get(fig, "transfers"), "given",
            hours_of(fig, "given"), "received", hours_of(fig, "received"),
            "internal", hours_of(fig, "internal"), "net",
            timebank_hours_json(
                json_integer_value(json_object_get(fig, "given")) -
                json_integer_value(json_object_get(fig, "received"))),
            "balance", hours_of(fig, "balance"), "pending",
            json_object_get(fig, "pending"), "exchanges", ex, "limits",
            limits_json(&lim));
        if (!*out) rc = RC_NOMEM;
    }
    rc = end(db, rc, out);
    json_decref(fig);
    json_decref(ex);
    json_decref(names);
    return rc;
}

/* limit_field: in[key] into *q (and *set): absent leaves it, null puts
 * back the default (def; none when has is NULL), a number is checked
 * (sign: -1 at most 0, 1 at least 0). */
static void limit_field(const struct check *c, json_t *in, const char *key,
                        int sign, long long def, long long *q, int *has)
{
    json_t *x = json_object_get(in, key);
    char why[120];
    long long v;

    if (!x) return;
    if (json_is_null(x)) {
        *q = has ? 0 : def;
        if (has) *has = 0;
        return;
    }
    if (timebank_limit_parse(x, &v, why, sizeof why) < 0) {
        check_fail(c, key, "%s", why);
        return;
    }
    if ((sign < 0 && v > 0) || (sign > 0 && v < 0)) {
        check_fail(c, key,
                   "must be %s 0 hours (a new account, at 0, must"
                   " lie within the limits)",
                   sign < 0 ? "at most" : "at least");
        return;
    }
    *q = v;
    if (has) *has = 1;
}

enum rc timebank_limits_patch(struct db *db, const struct viewer *v,
                              const char *coop, json_t *in, json_t *errs,
                              json_t **out)
{
    static const char *const known[] = {
        "account_min", "account_max", "coop_min", "coop_max", "pair_max", NULL};
    struct check c = {errs, ""};
    struct timebank_limits l, def;
    char name[832];
    long long n;
    enum rc rc;

    *out = NULL;
    if (v->role == VIEWER_ANONYMOUS) return RC_UNAUTHORIZED;
    if (!ids_parse(coop, &n)) return RC_NOTFOUND;
    timebank_limits_default(&def);
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    rc = timebank_db_coop(db, n, name, sizeof name);
    if (rc == RC_OK && !viewer_can_manage_time(v, n)) rc = RC_FORBIDDEN;
    if (rc == RC_OK) rc = timebank_db_limits(db, n, &l);
    if (rc == RC_OK) {
        check_unknown(&c, in, known);
        limit_field(&c, in, "account_min", -1, def.account_min, &l.account_min,
                    NULL);
        limit_field(&c, in, "account_max", 1, def.account_max, &l.account_max,
                    NULL);
        limit_field(&c, in, "coop_min", -1, 0, &l.coop_min, &l.has_coop_min);
        limit_field(&c, in, "coop_max", 1, 0, &l.coop_max, &l.has_coop_max);
        limit_field(&c, in, "pair_max", 1, def.pair_max, &l.pair_max, NULL);
        if (check_failed(&c)) rc = RC_INVALID;
    }
    if (rc == RC_OK) rc = timebank_db_limits_set(db, n, &l, v->account_id);
    if (rc == RC_OK) {
        *out = limits_json(&l);
        if (!*out) rc = RC_NOMEM;
    }
    return end(db, rc, out);
}
