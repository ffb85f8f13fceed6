/*
 * tender_team.c: teams for a stored tender (see tender_team.h).
 *
 * How a team search runs (README "Teams"):
 *   1. the requirements are the wanted[] items of the lot asked for, or of
 *      every lot (the same item in two lots counts once);
 *   2. each requirement is searched at the tender's place through the
 *      search engine, for this viewer: a trade item by its codes (a CPV
 *      item by its code and the trades it maps to), a skill by its words;
 *      only entrepreneurs whose intervention area covers the place, and,
 *      while the deadline is ahead, who are available some day before it;
 *   3. each candidate gets a bit mask of the requirements they cover, a
 *      distance and a load (requests they were told of in 30 days and the
 *      tender teams they are in), in a stable shuffle of the tender;
 *   4. team_solve() (team.h) finds the k best, genuinely different teams;
 *   5. each team gets its lead (mandataire), a liability suggestion and
 *      the reasons, in French.
 */
#include "tender_team.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../search/search.h"
#include "../util/buf.h"
#include "../util/check.h"
#include "../util/ids.h"
#include "../util/viewer.h"
#include "team.h"

#define PER_PAGE 100 /* search page */
#define PAGES 3      /* candidates per requirement: at most 300 */
#define MAX_CANDS 4000

static const char sql_doc[] = "SELECT doc FROM tender WHERE id = ?1";

static const char sql_recent[] =
    "SELECT count(*) FROM request_match WHERE entrepreneur_id = ?1"
    " AND notified = 1 AND notified_at >= strftime('%Y-%m-%dT%H:%M:%SZ',"
    " 'now', '-30 days')";

static const char sql_teams[] =
    "SELECT count(*) FROM grp_member m JOIN grp g ON g.id = m.group_id"
    " WHERE m.entrepreneur_id = ?1 AND g.kind = 'tender_team'"
    " AND m.status IN ('invited', 'accepted')";

static const char sql_who[] =
    "SELECT e.display_name, e.status, c.name FROM entrepreneur e"
    " JOIN cooperative c ON c.id = e.cooperative_id WHERE e.id = ?1";

/* The instance of a peer's entrepreneur (the way to contact them). */
static const char sql_origin[] =
    "SELECT p.url FROM entrepreneur e JOIN cooperative c"
    " ON c.id = e.cooperative_id JOIN peer p ON p.id = c.peer_id"
    " WHERE e.id = ?1";

const char *const tender_team_sql[] = {sql_doc, sql_recent, sql_teams,
                                       sql_who, sql_origin, NULL};

/* A requirement: one wanted item, its search and its words for people. */
struct req {
    json_t *item;     /* borrowed from the document */
    char *trade;      /* search trade filter, or NULL */
    const char *words; /* skill words, or NULL */
    const char *label; /* how people read it */
    json_t *lots;     /* ids of the lots that want it */
};

struct cand {
    long long id, coop;
    uint64_t covers;
    double dist;
    double load;
    unsigned long long tie;
    json_t *why; /* reasons from the searches */
};

struct ctx {
    struct db *db;
    const struct viewer *v;
    long long tender_id;
    int network; /* scope=network */
    json_t *doc;
    json_t *lot; /* the lot asked for, or NULL */
    char near[64];
    char before[11]; /* YYYY-MM-DD, "" when the deadline has passed */
    struct req r[TEAM_MAX_REQ];
    int nreq;
    int dropped; /* requirements beyond TEAM_MAX_REQ */
    struct cand *c;
    size_t nc, capc;
};

static unsigned long long mix(unsigned long long x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

static void ctx_free(struct ctx *x)
{
    int i;
    size_t j;

    for (i = 0; i < x->nreq; i++) {
        free(x->r[i].trade);
        json_decref(x->r[i].lots);
    }
    for (j = 0; j < x->nc; j++) json_decref(x->c[j].why);
    free(x->c);
    json_decref(x->doc);
}

/* load: the tender's document. */
static enum rc load(struct ctx *x)
{
    sqlite3_stmt *st = db_stmt(x->db, sql_doc);
    enum rc rc = RC_NOTFOUND;
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, x->tender_id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        x->doc = json_loads(db_text(st, 0), 0, NULL);
        rc = x->doc ? RC_OK : RC_INTERNAL;
    } else if (src != SQLITE_DONE) {
        rc = db_rc(x->db, src);
    }
    db_stmt_done(st);
    return rc;
}

/* cpv_prefix: the CPV code without its trailing zeros (at least the
 * division's 2 digits): "77310000" -> "7731", the codes under it. */
static void cpv_prefix(const char *code, char *out, size_t size)
{
    size_t n = strlen(code);

    while (n > 2 && code[n - 1] == '0') n--;
    snprintf(out, size, "%.*s", (int)n, code);
}

/* req_key: what makes two wanted items the same requirement. */
static void req_key(json_t *w, struct buf *b)
{
    if (json_string_length(json_object_get(w, "skill")))
        buf_addf(b, "skill:%s", str(w, "skill"));
    else
        buf_addf(b, "%s:%s", str(w, "scheme"), str(w, "code"));
}

/* add_req: one wanted item of lot `lot_id` as a requirement (merged with
 * an equal one already there). */
static enum rc add_req(struct ctx *x, json_t *w, const char *lot_id)
{
    struct buf key = {0}, other = {0}, t = {0};
    struct req *r;
    json_t *trades = json_object_get(w, "trades"), *tr;
    int i;
    size_t j;

    req_key(w, &key);
    for (i = 0; i < x->nreq; i++) {
        buf_reset(&other);
        req_key(x->r[i].item, &other);
        if (!strcmp(buf_str(&key), buf_str(&other))) break;
    }
    buf_free(&other);
    buf_free(&key);
    if (i < x->nreq) {
        json_array_append_new(x->r[i].lots, json_string(lot_id));
        return RC_OK;
    }
    if (x->nreq == TEAM_MAX_REQ) {
        x->dropped++;
        return RC_OK;
    }
    r = &x->r[x->nreq];
    memset(r, 0, sizeof *r);
    r->item = w;
    r->lots = json_pack("[s]", lot_id);
    if (!r->lots) return RC_NOMEM;
    x->nreq++;
    if (json_string_length(json_object_get(w, "skill"))) {
        r->words = str(w, "skill");
        r->label = r->words;
        return RC_OK;
    }
    if (!strcmp(str(w, "scheme"), "cpv")) {
        char p[16];

        cpv_prefix(str(w, "code"), p, sizeof p);
        buf_addf(&t, "cpv:%s", p);
    } else {
        buf_addf(&t, "%s:%s", str(w, "scheme"), str(w, "code"));
    }
    json_array_foreach(trades, j, tr) {
        if (json_string_length(tr)) buf_addf(&t, ",%s", json_string_value(tr));
    }
    if (buf_oom(&t)) return RC_NOMEM;
    r->trade = buf_take(&t);
    r->label = *str(w, "label") ? str(w, "label") : str(w, "code");
    return RC_OK;
}

/* requirements: from the lot asked for, or from every lot. */
static enum rc requirements(struct ctx *x, const char *lot)
{
    json_t *lots = json_object_get(x->doc, "lots"), *l, *w;
    size_t i, j;
    enum rc rc = RC_OK;

    json_array_foreach(lots, i, l) {
        if (lot && strcmp(str(l, "id"), lot)) continue;
        if (lot) x->lot = l;
        json_array_foreach(json_object_get(l, "wanted"), j, w) {
            if (rc == RC_OK) rc = add_req(x, w, str(l, "id"));
        }
    }
    if (lot && !x->lot) return RC_NOTFOUND;
    return rc;
}

/* place: the search's `near` for the tender's place; 0 when the tender
 * has no place in France that people can work at. */
static int place(struct ctx *x)
{
    json_t *p = json_object_get(x->doc, "place");

    if (json_is_false(json_object_get(p, "in_france"))) return 0;
    if (*str(p, "insee")) {
        snprintf(x->near, sizeof x->near, "%s", str(p, "insee"));
        return 1;
    }
    if (json_is_number(json_object_get(p, "lat")) &&
        json_is_number(json_object_get(p, "lon"))) {
        snprintf(x->near, sizeof x->near, "%.6f,%.6f",
                 json_number_value(json_object_get(p, "lat")),
                 json_number_value(json_object_get(p, "lon")));
        return 1;
    }
    return 0;
}

/* deadline: availability is asked until the deadline while it is ahead;
 * after it, nobody can be checked against it (the tender is closed). */
static void deadline(struct ctx *x)
{
    const char *d = str(x->doc, "deadline");
    char today[11];
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    x->before[0] = 0;
    if (strlen(d) >= 10 && strncmp(d, today, 10) >= 0)
        snprintf(x->before, sizeof x->before, "%.10s", d);
}

static struct cand *cand_of(struct ctx *x, long long id)
{
    size_t i;

    for (i = 0; i < x->nc; i++)
        if (x->c[i].id == id) return &x->c[i];
    if (x->nc == MAX_CANDS) return NULL;
    if (x->nc == x->capc) {
        size_t cap = x->capc ? x->capc * 2 : 128;
        struct cand *c = realloc(x->c, cap * sizeof *c);

        if (!c) return NULL;
        x->c = c;
        x->capc = cap;
    }
    memset(&x->c[x->nc], 0, sizeof x->c[x->nc]);
    x->c[x->nc].id = id;
    x->c[x->nc].dist = -1;
    x->c[x->nc].why = json_array();
    return x->c[x->nc].why ? &x->c[x->nc++] : NULL;
}

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

/* search_req: the candidates of requirement i. */
static enum rc search_req(struct ctx *x, int i)
{
    struct search_params p;
    char cursor[256] = "";
    int page;
    enum rc rc = RC_OK;

    for (page = 0; page < PAGES && rc == RC_OK; page++) {
        json_t *errs = json_array(), *out = NULL, *res, *e;
        size_t j;

        if (!errs) return RC_NOMEM;
        memset(&p, 0, sizeof p);
        p.q = x->r[i].words;
        p.trade = x->r[i].trade;
        p.near = x->near;
        p.radius_km = -1;
        p.kind = "entrepreneur";
        p.network = x->network;
        p.available_before = *x->before ? x->before : NULL;
        p.limit = PER_PAGE;
        p.cursor = *cursor ? cursor : NULL;
        rc = search_run(x->db, x->v, &p, errs, &out);
        json_decref(errs);
        /* A trade nobody has is refused as a filter: nobody covers it. */
        if (rc == RC_INVALID) return RC_OK;
        if (rc != RC_OK) return rc;
        res = json_object_get(out, "results");
        json_array_foreach(res, j, e) {
            long long id, coop = 0;
            struct cand *c;
            json_t *d = json_object_get(e, "distance_km");

            if (!ids_parse_json(json_object_get(e, "id"), &id)) continue;
            ids_parse_json(json_object_get(json_object_get(e, "cooperative"),
                                           "id"),
                           &coop);
            c = cand_of(x, id);
            if (!c) break;
            c->coop = coop;
            c->covers |= 1ull << i;
            if (json_is_number(d)) c->dist = json_number_value(d);
            add_why(c->why, json_object_get(e, "why"));
        }
        snprintf(cursor, sizeof cursor, "%s", str(out, "next_cursor"));
        json_decref(out);
        if (!*cursor) break;
    }
    return rc;
}

/* count: an integer query about one entrepreneur (0 when the table does
 * not exist yet or on error: the load only orders equals). */
static long count(struct db *db, const char *sql, long long id)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    long n = 0;

    if (!st) return 0;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    db_stmt_done(st);
    return n;
}

static int by_tie(const void *pa, const void *pb)
{
    const struct cand *a = pa, *b = pb;

    if (a->tie != b->tie) return a->tie < b->tie ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* candidates: every requirement searched; loads; the stable shuffle. */
static enum rc candidates(struct ctx *x)
{
    enum rc rc = RC_OK;
    int i;
    size_t j;

    for (i = 0; i < x->nreq && rc == RC_OK; i++) rc = search_req(x, i);
    if (rc != RC_OK) return rc;
    for (j = 0; j < x->nc; j++) {
        struct cand *c = &x->c[j];

        if (c->dist < 0) c->dist = 0;
        c->load = (double)count(x->db, sql_recent, c->id) +
                  (double)count(x->db, sql_teams, c->id);
        c->tie = mix((unsigned long long)x->tender_id * 0x9e3779b97f4a7c15ull ^
                     mix((unsigned long long)c->id));
    }
    if (x->nc) qsort(x->c, x->nc, sizeof *x->c, by_tie);
    return RC_OK;
}

/* ------------------------------------------------------------ answer */

static int popcount(uint64_t m)
{
    return __builtin_popcountll(m);
}

/* covers_json: the labels of the requirements of mask m. */
static json_t *covers_json(const struct ctx *x, uint64_t m)
{
    json_t *a = json_array();
    int i;

    for (i = 0; i < x->nreq && a; i++)
        if (m >> i & 1) json_array_append_new(a, json_string(x->r[i].label));
    return a;
}

/* who: name, status and cooperative (coop may be NULL) of an
 * entrepreneur. */
static void who(struct ctx *x, long long id, char *name, size_t nsize,
                char *status, size_t ssize, char *coop, size_t csize)
{
    sqlite3_stmt *st = db_stmt(x->db, sql_who);

    *name = *status = 0;
    if (coop) *coop = 0;
    if (!st) return;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(name, nsize, "%s", db_text(st, 0));
        snprintf(status, ssize, "%s", db_text(st, 1));
        if (coop) snprintf(coop, csize, "%s", db_text(st, 2));
    }
    db_stmt_done(st);
}

/* member_json: one member of a team: what they cover, at what distance,
 * why. */
static json_t *member_json(struct ctx *x, const struct cand *c, uint64_t part)
{
    char name[200], status[16], coop[200];
    json_t *m, *why = json_array();

    who(x, c->id, name, sizeof name, status, sizeof status, coop,
        sizeof coop);
    if (why) {
        struct buf b = {0};
        int i, first = 1;

        buf_adds(&b, "couvre ");
        for (i = 0; i < x->nreq; i++) {
            if (!(part >> i & 1)) continue;
            buf_addf(&b, "%s%s", first ? "" : ", ", x->r[i].label);
            first = 0;
        }
        if (!buf_oom(&b)) json_array_append_new(why, json_string(buf_str(&b)));
        buf_free(&b);
        json_array_extend(why, c->why);
    }
    m = json_pack("{s:o, s:o, s:s, s:s, s:s, s:o, s:f, s:o}",
                  "entrepreneur_id", ids_json(c->id), "cooperative_id",
                  ids_json(c->coop), "cooperative", coop, "name", name,
                  "status", status, "covers",
                  covers_json(x, part), "distance_km",
                  round(c->dist * 10) / 10, "why", why ? why : json_array());
    if (m && x->network) {
        /* A peer's entrepreneur: its instance, where to contact them. */
        sqlite3_stmt *st = db_stmt(x->db, sql_origin);

        if (st) {
            sqlite3_bind_int64(st, 1, c->id);
            if (sqlite3_step(st) == SQLITE_ROW)
                json_object_set_new(m, "origin", json_string(db_text(st, 0)));
            db_stmt_done(st);
        }
    }
    return m;
}

/* lead: the proposed mandataire: who covers the most requirements, then
 * an associé (a member of the cooperative's society), then the nearest,
 * then the least loaded. Writes the reason. */
static int lead(struct ctx *x, const struct team *t, char *why, size_t size)
{
    int best = -1, i, best_n = 0, best_assoc = 0;
    char name[200], status[16];

    for (i = 0; i < t->size; i++) {
        const struct cand *c = &x->c[t->member[i]];
        int n = popcount(c->covers & t->covered), assoc;

        who(x, c->id, name, sizeof name, status, sizeof status, NULL, 0);
        assoc = !strcmp(status, "associe");
        if (best < 0 || n > best_n ||
            (n == best_n && assoc > best_assoc) ||
            (n == best_n && assoc == best_assoc &&
             (c->dist < x->c[t->member[best]].dist ||
              (c->dist == x->c[t->member[best]].dist &&
               c->load < x->c[t->member[best]].load)))) {
            best = i;
            best_n = n;
            best_assoc = assoc;
        }
    }
    if (best < 0) return -1;
    who(x, x->c[t->member[best]].id, name, sizeof name, status, sizeof status,
        NULL, 0);
    snprintf(why, size,
             "%s couvre %d des %d besoins de l'équipe%s, à %.0f km du lieu",
             name, best_n, popcount(t->covered),
             best_assoc ? ", est associé·e de sa coopérative" : "",
             x->c[t->member[best]].dist);
    return t->member[best];
}

/* liability: "solidaire" when some lot needs several members (one
 * indivisible contract: the buyer usually asks each member to answer for
 * the whole), else "conjoint" (each member answers for their own lots). */
static const char *liability(struct ctx *x, const struct team *t,
                             const char **why)
{
    json_t *lots = json_object_get(x->doc, "lots"), *l;
    size_t i;

    if (t->size <= 1) {
        *why = "une seule personne : pas de groupement";
        return "conjoint";
    }
    json_array_foreach(lots, i, l) {
        int j, k, n = 0;

        if (x->lot && l != x->lot) continue;
        for (j = 0; j < t->size; j++) {
            const struct cand *c = &x->c[t->member[j]];

            for (k = 0; k < x->nreq; k++) {
                size_t a;
                json_t *id;
                int in_lot = 0;

                if (!(c->covers >> k & 1)) continue;
                json_array_foreach(x->r[k].lots, a, id) {
                    if (!strcmp(json_string_value(id), str(l, "id")))
                        in_lot = 1;
                }
                if (in_lot) {
                    n++;
                    break;
                }
            }
        }
        if (n >= 2) {
            *why = "plusieurs membres se partagent un même lot: chacun"
                   " répond de l'ensemble (groupement solidaire)";
            return "solidaire";
        }
    }
    *why = "chaque lot est tenu par un seul membre: chacun répond de ses"
           " lots (groupement conjoint, mandataire solidaire possible)";
    return "conjoint";
}

/* parts: who covers which requirement in the answer: each requirement is
 * credited to the member who covers it and covers the fewest others
 * first, so that `covers` reads as a division of the work. */
static void parts(const struct ctx *x, const struct team *t, uint64_t *part)
{
    int i, k;

    for (i = 0; i < t->size; i++) part[i] = 0;
    for (k = 0; k < x->nreq; k++) {
        int best = -1;

        for (i = 0; i < t->size; i++) {
            const struct cand *c = &x->c[t->member[i]];

            if (!(c->covers >> k & 1)) continue;
            if (best < 0 || popcount(c->covers) <
                                popcount(x->c[t->member[best]].covers))
                best = i;
        }
        if (best >= 0) part[best] |= 1ull << k;
    }
}

static json_t *team_json(struct ctx *x, const struct team *t)
{
    json_t *members = json_array(), *why = json_array(), *o;
    uint64_t part[TEAM_MAX_SIZE];
    char lead_why[400];
    const char *liab_why = "";
    const char *liab = liability(x, t, &liab_why);
    int i, l = lead(x, t, lead_why, sizeof lead_why);
    double coverage = x->nreq + x->dropped
                          ? (double)popcount(t->covered) /
                                (x->nreq + x->dropped)
                          : 0;
    double score;
    struct buf b = {0};

    if (!members || !why) goto fail;
    parts(x, t, part);
    for (i = 0; i < t->size; i++)
        json_array_append_new(members, member_json(x, &x->c[t->member[i]],
                                                   part[i]));
    buf_addf(&b, "%d membre%s", t->size, t->size > 1 ? "s" : "");
    {
        long coops[TEAM_MAX_SIZE];
        int n = 0, j;

        for (i = 0; i < t->size; i++) {
            for (j = 0; j < n; j++)
                if (coops[j] == x->c[t->member[i]].coop) break;
            if (j == n) coops[n++] = (long)x->c[t->member[i]].coop;
        }
        buf_addf(&b, " de %d coopérative%s", n, n > 1 ? "s" : "");
    }
    buf_addf(&b, ", %ld km en tout", t->dist_km);
    json_array_append_new(why, json_string(buf_str(&b)));
    buf_free(&b);
    if (t->missing || popcount(t->covered) < x->nreq) {
        buf_adds(&b, "non couvert : ");
        for (i = 0; i < x->nreq; i++)
            if (!(t->covered >> i & 1))
                buf_addf(&b, "%s%s", b.len > 15 ? ", " : "", x->r[i].label);
        json_array_append_new(why, json_string(buf_str(&b)));
        buf_free(&b);
    }
    json_array_append_new(why, json_string(lead_why));
    /* A display figure: coverage first, then fewer members, then less
     * distance; the order is the cost's (team.h), not this number. */
    score = 100.0 * coverage - 5.0 * (t->size - 1) - (double)t->dist_km / 100;
    o = json_pack("{s:o, s:o, s:s, s:s, s:s, s:f, s:f, s:o, s:o, s:b, s:{s:i,"
                  " s:I, s:f}}",
                  "members", members, "lead",
                  l >= 0 ? ids_json(x->c[l].id) : json_null(), "lead_why",
                  lead_why, "liability", liab, "liability_why", liab_why,
                  "coverage", round(coverage * 1000) / 1000, "score",
                  round(score * 10) / 10, "missing",
                  covers_json(x, ((x->nreq >= 64 ? ~0ull
                                                 : (1ull << x->nreq) - 1) &
                                  ~t->covered)),
                  "why", why, "exact", t->exact, "cost", "members", t->size,
                  "distance_km",
                  (json_int_t)t->dist_km, "load", t->load);
    return o;
fail:
    json_decref(members);
    json_decref(why);
    return NULL;
}

static json_t *reqs_json(const struct ctx *x)
{
    json_t *a = json_array();
    int i;

    for (i = 0; i < x->nreq && a; i++) {
        json_t *o = json_deep_copy(x->r[i].item);

        if (!o) continue;
        json_object_set(o, "lots", x->r[i].lots);
        json_array_append_new(a, o);
    }
    return a;
}

/* params: check the team parameters. */
static int params_ok(const struct tender_team_params *p, json_t *errs)
{
    struct check c = {errs, ""};

    if (p->k < 1 || p->k > 20) check_fail(&c, "k", "must be 1 to 20");
    if (p->max_size < 1 || p->max_size > TEAM_MAX_SIZE)
        check_fail(&c, "max_size", "must be 1 to %d", TEAM_MAX_SIZE);
    return !check_failed(&c);
}

/* prepare: the document, requirements, place, deadline and candidates;
 * *has_place 0 when the tender has no place to work at. */
static enum rc prepare(struct ctx *x, const char *lot, int *has_place)
{
    enum rc rc = load(x);

    if (rc == RC_OK) rc = requirements(x, lot);
    if (rc != RC_OK) return rc;
    *has_place = place(x);
    deadline(x);
    if (*has_place) rc = candidates(x);
    return rc;
}

enum rc tender_teams(struct db *db, const struct viewer *v, long long id,
                     const struct tender_team_params *p, json_t *errs,
                     json_t **out)
{
    struct ctx x;
    struct team *teams = NULL;
    struct team_cand *tc = NULL;
    size_t nt = 0, i;
    int has_place = 0;
    json_t *arr = NULL, *notes = NULL;
    enum rc rc;

    *out = NULL;
    if (!params_ok(p, errs)) return RC_INVALID;
    memset(&x, 0, sizeof x);
    x.db = db;
    x.v = v;
    x.tender_id = id;
    x.network = p->network;
    rc = db_begin_read(db);
    if (rc != RC_OK) return rc;
    rc = prepare(&x, p->lot, &has_place);
    if (rc != RC_OK) goto out;
    teams = calloc((size_t)p->k, sizeof *teams);
    tc = calloc(x.nc ? x.nc : 1, sizeof *tc);
    arr = json_array();
    notes = json_array();
    if (!teams || !tc || !arr || !notes) {
        rc = RC_NOMEM;
        goto out;
    }
    for (i = 0; i < x.nc; i++) {
        tc[i].id = x.c[i].id;
        tc[i].coop = x.c[i].coop;
        tc[i].covers = x.c[i].covers;
        tc[i].dist_km = x.c[i].dist;
        tc[i].load = x.c[i].load;
    }
    if (has_place && x.nreq) {
        struct team_params tp = {p->k, p->max_size, p->one_coop};

        rc = team_solve(tc, x.nc, x.nreq, &tp, teams, &nt);
        if (rc != RC_OK) goto out;
    }
    for (i = 0; i < nt; i++) {
        json_t *t = team_json(&x, &teams[i]);

        if (!t) {
            rc = RC_NOMEM;
            goto out;
        }
        json_array_append_new(arr, t);
    }
    if (!has_place) {
        json_t *pl = json_object_get(x.doc, "place");
        const char *why =
            json_is_true(json_object_get(pl, "in_france"))
                ? "le lieu d'exécution n'est connu qu'à l'échelle de la"
                  " région (plusieurs départements) : aucune équipe"
                  " proposée"
            : pl ? "le lieu d'exécution n'est pas en France : aucune"
                   " équipe proposée"
                 : "l'avis ne donne pas de lieu d'exécution : aucune"
                   " équipe proposée";

        json_array_append_new(notes, json_string(why));
    }
    if (!x.nreq)
        json_array_append_new(notes,
                              json_string("aucun besoin connu (pas de code"
                                          " CPV reconnu) : aucune équipe"));
    if (has_place && !*x.before)
        json_array_append_new(notes,
                              json_string("date limite passée : les"
                                          " disponibilités ne sont pas"
                                          " vérifiées"));
    if (x.dropped)
        json_array_append_new(notes, json_string("trop de besoins : les"
                                                 " premiers 64 seulement"));
    if (has_place && x.nreq && !nt)
        json_array_append_new(notes, json_string("personne ne peut intervenir"
                                                 " sur ce lieu pour ces"
                                                 " besoins"));
    *out = json_pack("{s:o, s:o, s:o, s:o, s:o, s:I, s:o}", "tender_id",
                     ids_json(id), "lot",
                     p->lot ? json_string(p->lot) : json_null(),
                     "requirements", reqs_json(&x), "teams", arr, "notes",
                     notes, "candidates", (json_int_t)x.nc, "place",
                     json_object_get(x.doc, "place")
                         ? json_incref(json_object_get(x.doc, "place"))
                         : json_null());
    arr = notes = NULL;
    if (!*out) rc = RC_NOMEM;
out:
    db_commit(db); /* a read: nothing to undo, and a caller's read
                      transaction it joined must not be doomed */
    json_decref(arr);
    json_decref(notes);
    free(teams);
    free(tc);
    ctx_free(&x);
    return rc;
}

static int in_list(long long id, const long long *l, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (l[i] == id) return 1;
    return 0;
}

enum rc tender_replacements(struct db *db, const struct viewer *v,
                            long long id, const char *lot,
                            const long long *members, size_t nmembers,
                            const long long *excluded, size_t nexcluded,
                            json_t **out)
{
    struct ctx x;
    uint64_t held = 0, need, all;
    int has_place = 0, picked[3], npicked = 0, k;
    size_t i;
    enum rc rc;

    *out = NULL;
    memset(&x, 0, sizeof x);
    x.db = db;
    x.v = v;
    x.tender_id = id;
    rc = db_begin_read(db);
    if (rc != RC_OK) return rc;
    rc = prepare(&x, lot, &has_place);
    if (rc != RC_OK) goto out;
    *out = json_array();
    if (!*out) {
        rc = RC_NOMEM;
        goto out;
    }
    all = x.nreq >= 64 ? ~0ull : (1ull << x.nreq) - 1;
    for (i = 0; i < x.nc; i++)
        if (in_list(x.c[i].id, members, nmembers)) held |= x.c[i].covers;
    need = all & ~held;
    /* Nothing left uncovered: the team still lost a pair of hands, so
     * suggest who does the work of those who left (else any of it). */
    if (!need) {
        for (i = 0; i < x.nc; i++)
            if (in_list(x.c[i].id, excluded, nexcluded))
                need |= x.c[i].covers;
        need &= all;
    }
    if (!need) need = all;
    /* Who covers most of what is left, then the nearest, the least
     * loaded, the shuffle (candidates are in shuffle order). */
    for (k = 0; k < 3; k++) {
        int best = -1;

        for (i = 0; i < x.nc; i++) {
            const struct cand *c = &x.c[i];
            int n = popcount(c->covers & need), j, taken = 0;

            for (j = 0; j < npicked; j++)
                if (picked[j] == (int)i) taken = 1;
            if (taken || !n || in_list(c->id, members, nmembers) ||
                in_list(c->id, excluded, nexcluded))
                continue;
            if (best < 0) {
                best = (int)i;
                continue;
            }
            {
                const struct cand *b = &x.c[best];
                int bn = popcount(b->covers & need);

                if (n > bn || (n == bn && (lround(c->dist) < lround(b->dist) ||
                                           (lround(c->dist) == lround(b->dist) &&
                                            c->load < b->load))))
                    best = (int)i;
            }
        }
        if (best < 0) break;
        picked[npicked++] = best;
        json_array_append_new(*out,
                              member_json(&x, &x.c[best],
                                          x.c[best].covers & need));
    }
out:
    db_commit(db); /* a read: nothing to undo, and a caller's read
                      transaction it joined must not be doomed */
    if (rc != RC_OK) {
        json_decref(*out);
        *out = NULL;
    }
    ctx_free(&x);
    return rc;
}
