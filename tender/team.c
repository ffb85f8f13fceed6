/*
 * team.c: the exact team solver (see team.h for the cost and the rules).
 *
 * Candidates with an empty mask are dropped, the others split into one
 * subproblem per cooperative (one_coop) or a single one. Each team is the
 * answer of one query on one subproblem, "the best team under these
 * constraints", solved by a depth-first branch and bound in two phases:
 * phase 1 finds the fewest members (covering the most), phase 2 then the
 * least distance, load and member list among teams of that size.
 *
 *   - Candidates kept for a query: per distinct mask, the cheapest one
 *     (distance, load, index) that is in no listed team, plus every one
 *     that is. Any other is never needed: swapping it for the cheapest
 *     unlisted one of its mask keeps the team valid and makes it better.
 *     The first query (no constraint) also drops a candidate whose mask
 *     is inside a cheaper candidate's mask.
 *   - Branching: on the open requirement with the fewest candidates left;
 *     child i takes the i-th of them (least reduced cost first) and bans
 *     the ones before it in its whole subtree, so each team is generated
 *     once; a last child leaves the requirement uncovered, only while a
 *     team covering less can still win (max_size too small). A member
 *     that leaves another one with nothing of its own is refused at once.
 *     Where only ties with the incumbent are left, the children are all
 *     candidates in index order, so that the smallest member list comes
 *     first.
 *   - Bounds, at every node: (a) members left x widest coverage: a team
 *     better than the incumbent covers `need` open requirements with at
 *     most t more members, so a candidate that cannot reach need with the
 *     t - 1 widest others is banned from the subtree (with 5 members for
 *     20 requirements of at most 4 each, only exact 4-requirement
 *     candidates remain); (b) a Lagrangian relaxation of the covering LP,
 *     by subgradient from the parent's multipliers: with unit costs in
 *     phase 1 (no team of fewer members), with distances and the member
 *     count relaxed in phase 2 (t members, least distance), plus
 *     reduced-cost fixing; (c) a dual-feasible LP bound on W = Z*uncovered
 *     + A*size + distance (which orders teams as the cost does) and a
 *     fractional load bound; (d) ties: the smallest member list the
 *     subtree could still produce.
 *   - Queries after the first add the diversity rule (overlap counts per
 *     listed team, checked as members are added), or, once no diverse
 *     team is left, "not a listed team". Every team met on the way goes
 *     to a pool that seeds the incumbent of the next queries.
 *   - Subproblems are merged lazily: the next team overall is the best of
 *     the subproblems' next teams, diverse ones before relaxed ones.
 *
 * Work is counted in candidate-requirement visits. A first query may use
 * half of the budget left, a later one its share among the teams still
 * wanted; past it the search returns the best team found with exact = 0.
 * The budget (about 0.2 s of CPU here) is never reached on the benchmark's
 * instances (bench/teams.c: 50-1000 candidates x 5-20 requirements).
 */
#include "team.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef WORK_BUDGET
#define WORK_BUDGET 100000000LL /* work units per team_solve: 0.1-0.6 s */
#endif
#define POOL_MAX 256           /* teams remembered to seed later queries */

#define MU TEAM_MAX_REQ      /* the member count's multiplier */
#define NMULT (MU + 1)

/* A candidate with a non-empty mask, in solver units. */
struct cnd {
    uint64_t mask; /* covers, bits >= nreq cleared */
    long long coop;
    long long d;   /* lround(dist_km) */
    long long l;   /* llround(load * 1000) */
    int idx;       /* index in the caller's array */
};

/* The cost of a team (team.h), smaller is better. */
struct key {
    int uncov;      /* requirements (of nreq) not covered */
    int size;
    long long dist; /* whole km */
    long long load; /* thousandths */
};

/* A team inside the solver. */
struct tm {
    struct key key;
    int idx[TEAM_MAX_SIZE]; /* caller's indexes, increasing */
};

/* A candidate kept for one query. */
struct rent {
    uint64_t mask;
    long long d, l;
    int idx;
    uint32_t in;   /* bit j: member of listed team j */
};

/* A child of a node: a candidate covering the branching requirement. */
struct child {
    double rc;      /* reduced cost under the node's multipliers, or 0 */
    int k;          /* open requirements it covers */
    long long d;
    int idx, q;     /* caller's index, position in the kept candidates */
};

/* One cooperative (or everybody), with its next team. */
struct sub {
    int start, n;    /* its candidates: cnd[start .. start+n-1] */
    uint64_t u;      /* requirements its candidates cover */
    int mode;        /* next query: 1 diverse, 2 relaxed, 3 none left */
    int has_next;
    int next_phase;  /* 1: found by a diverse query, 2: relaxed */
    struct tm next;
};

/* A pool entry: a team found by some query of subproblem `sub`. */
struct pool {
    int sub;
    struct tm t;
};

/* The whole solve: inputs, scratch shared by the queries, results. */
struct solver {
    int nreq, max_size, k;
    long long a, z;        /* W = z*uncovered + a*size + dist */
    int target;            /* most uncovered a proposed team may leave */
    long long work, budget;
    int clean;             /* no query has run out of budget */
    struct cnd *c;         /* candidates, by (coop,) mask, d, l, idx */
    int nc;
    uint32_t *in;          /* by caller's index: bit j: in listed team j */
    struct tm listed[TEAM_MAX_K];
    int nlisted;
    struct pool *pool;
    int npool, worst;      /* entries, the worst one */
    /* scratch of one query */
    struct rent *r;
    char *banned;
    int *undo;
};

/* The state of one query's branch and bound. */
struct srch {
    struct solver *sv;
    int sub;               /* subproblem id (pool entries) */
    int mode;              /* 0 first query, 1 diverse, 2 relaxed */
    int phase;             /* 1 fewest members, 2 full cost */
    int nr;
    uint64_t u, cov1, cov2, skipped;
    int base;              /* requirements no candidate here covers */
    int cap;               /* most uncovered accepted */
    int chosen[TEAM_MAX_SIZE];
    uint64_t save1[TEAM_MAX_SIZE], save2[TEAM_MAX_SIZE];
    int size;
    long long dist, load;
    int ov[TEAM_MAX_K];    /* members shared with listed team j */
    int nundo;
    struct tm inc;         /* incumbent: best team found */
    int has_inc;
    long long budget;      /* work at which this query stops */
    int aborted;
    double y[TEAM_MAX_REQ], yl[TEAM_MAX_REQ];
    int cnt[TEAM_MAX_REQ];
    /* Lagrange multipliers per depth: y_r, then mu at MU */
    double lag[TEAM_MAX_SIZE + TEAM_MAX_REQ + 2][NMULT];
    int *abuf;             /* stack of the nodes' active candidates */
    size_t acap;
    struct child *cbuf;    /* stack of the nodes' children */
    size_t ccap, ctop;
    int nomem;             /* a stack could not grow */
    long long pass;        /* work of one pass over the node's candidates */
};

/* popc: bits set (SWAR: the build has no popcnt instruction, and the
 * libgcc call is slower than this). */
static int popc(uint64_t m)
{
    m = m - ((m >> 1) & 0x5555555555555555ULL);
    m = (m & 0x3333333333333333ULL) + ((m >> 2) & 0x3333333333333333ULL);
    m = (m + (m >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (int)((m * 0x0101010101010101ULL) >> 56);
}

static int ctz(uint64_t m) { return __builtin_ctzll(m); }

/* key_cmp: <0, 0, >0 as a is a better, equal, worse cost than b. */
static int key_cmp(const struct key *a, const struct key *b)
{
    if (a->uncov != b->uncov) return a->uncov < b->uncov ? -1 : 1;
    if (a->size != b->size) return a->size < b->size ? -1 : 1;
    if (a->dist != b->dist) return a->dist < b->dist ? -1 : 1;
    if (a->load != b->load) return a->load < b->load ? -1 : 1;
    return 0;
}

/* list_cmp: lexicographic order of two increasing index lists of n. */
static int list_cmp(const int *a, const int *b, int n)
{
    int i;

    for (i = 0; i < n; i++)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* tm_cmp: the full order of teams: cost, then member list. */
static int tm_cmp(const struct tm *a, const struct tm *b)
{
    int r = key_cmp(&a->key, &b->key);

    return r ? r : list_cmp(a->idx, b->idx, a->key.size);
}

/* cnd_cmp: qsort order of candidates: coop (one_coop only: the caller
 * sets coop to 0 otherwise), mask, distance, load, index. */
static int cnd_cmp(const void *pa, const void *pb)
{
    const struct cnd *a = pa, *b = pb;

    if (a->coop != b->coop) return a->coop < b->coop ? -1 : 1;
    if (a->mask != b->mask) return a->mask < b->mask ? -1 : 1;
    if (a->d != b->d) return a->d < b->d ? -1 : 1;
    if (a->l != b->l) return a->l < b->l ? -1 : 1;
    return a->idx - b->idx;
}

/* cheap_cmp: qsort order by distance, load, index (dominance scan). */
static int cheap_cmp(const void *pa, const void *pb)
{
    const struct rent *a = pa, *b = pb;

    if (a->d != b->d) return a->d < b->d ? -1 : 1;
    if (a->l != b->l) return a->l < b->l ? -1 : 1;
    return a->idx - b->idx;
}

/* idx_cmp: qsort order of kept candidates by the caller's index. */
static int idx_cmp(const void *pa, const void *pb)
{
    const struct rent *a = pa, *b = pb;

    return a->idx - b->idx;
}

/* sort_ints: insertion sort of a member list (at most TEAM_MAX_SIZE). */
static void sort_ints(int *v, int n)
{
    int i, j, x;

    for (i = 1; i < n; i++) {
        x = v[i];
        for (j = i; j > 0 && v[j - 1] > x; j--) v[j] = v[j - 1];
        v[j] = x;
    }
}

/* overlaps: members team t shares with each listed team, into ov. */
static void overlaps(const struct solver *sv, const struct tm *t, int *ov)
{
    int i, j;

    memset(ov, 0, sizeof(int) * TEAM_MAX_K);
    for (i = 0; i < t->key.size; i++)
        for (j = 0; j < sv->nlisted; j++)
            if (sv->in[t->idx[i]] >> j & 1) ov[j]++;
}

/* allowed: whether a team of `size` members with overlaps ov passes the
 * rule of the query mode: 1 at most half shared with each listed team,
 * 2 not a listed team; 0 anything. */
static int allowed(const struct solver *sv, int mode, int size,
                   const int *ov)
{
    int j;

    for (j = 0; j < sv->nlisted; j++) {
        if (mode == 1 && ov[j] > size / 2) return 0;
        if (mode == 2 && ov[j] == size && sv->listed[j].key.size == size)
            return 0;
    }
    return 1;
}

/* pool_add: remember team t of subproblem sub. When the pool is full, t
 * replaces the worst entry if better (rejected in O(1) otherwise). */
static void pool_add(struct solver *sv, int sub, const struct tm *t)
{
    int i;

    if (sv->npool == POOL_MAX && tm_cmp(t, &sv->pool[sv->worst].t) >= 0)
        return;
    sv->work += sv->npool;
    for (i = 0; i < sv->npool; i++)
        if (sv->pool[i].sub == sub && tm_cmp(&sv->pool[i].t, t) == 0)
            return;
    i = sv->npool < POOL_MAX ? sv->npool++ : sv->worst;
    sv->pool[i].sub = sub;
    sv->pool[i].t = *t;
    sv->worst = 0;
    for (i = 1; i < sv->npool; i++)
        if (tm_cmp(&sv->pool[i].t, &sv->pool[sv->worst].t) > 0)
            sv->worst = i;
}

/* ------------------------------------------------------ branch and bound */

/* leaf: the chosen members form a team (nothing open, or no room left):
 * keep it as the incumbent if it is acceptable and better. */
static void leaf(struct srch *s)
{
    struct tm t;
    int i;

    if (s->size == 0) return;
    s->sv->work += s->size;
    t.key.uncov = s->sv->nreq - popc(s->cov1);
    if (t.key.uncov > s->cap) return;
    t.key.size = s->size;
    t.key.dist = s->dist;
    t.key.load = s->load;
    for (i = 0; i < s->size; i++) t.idx[i] = s->sv->r[s->chosen[i]].idx;
    sort_ints(t.idx, s->size);
    /* a runner-up now may be the best of a later query */
    pool_add(s->sv, s->sub, &t);
    if (!allowed(s->sv, s->mode, s->size, s->ov)) return;
    if (s->has_inc && s->phase == 1 &&
        (t.key.uncov > s->inc.key.uncov ||
         (t.key.uncov == s->inc.key.uncov && t.key.size >= s->inc.key.size)))
        return;
    if (s->has_inc && s->phase == 2 && tm_cmp(&t, &s->inc) >= 0) return;
    s->inc = t;
    s->has_inc = 1;
}

/* skip_ok: whether leaving one more requirement uncovered can still give
 * an acceptable team better than the incumbent. */
static int skip_ok(const struct srch *s)
{
    int now = s->base + popc(s->skipped), cap = s->cap;

    if (s->has_inc && s->inc.key.uncov < cap) cap = s->inc.key.uncov;
    return now + 1 <= cap;
}

/* tie_cut: the node's bound equals the incumbent's cost: 1 when no team
 * of the subtree can have a smaller member list (the chosen members plus
 * the smallest indexes still eligible; act is in index order). */
static int tie_cut(const struct srch *s, const int *act, int n)
{
    const struct solver *sv = s->sv;
    int best[TEAM_MAX_SIZE], m = 0, need = s->inc.key.size - s->size, i;

    if (need < 0) return 1;
    for (i = 0; i < s->size; i++) best[m++] = sv->r[s->chosen[i]].idx;
    for (i = 0; i < n && need > 0; i++)
        if (!sv->banned[act[i]]) {
            best[m++] = sv->r[act[i]].idx;
            need--;
        }
    if (need > 0) return 1;
    sort_ints(best, m);
    return list_cmp(best, s->inc.idx, m) >= 0;
}

/* cut: 1 when the subtree whose costs are bounded below by lb holds no
 * team better than the incumbent (phase 1: no team with fewer members). */
static int cut(const struct srch *s, const struct key *lb, const int *act,
               int n)
{
    int r;

    if (lb->uncov > s->cap) return 1;
    if (!s->has_inc) return 0;
    if (s->phase == 1)
        return lb->uncov > s->inc.key.uncov ||
               (lb->uncov == s->inc.key.uncov &&
                lb->size >= s->inc.key.size);
    r = key_cmp(lb, &s->inc.key);
    return r > 0 || (r == 0 && tie_cut(s, act, n));
}

/* bound: a lower bound lb on the cost of every team in the subtree of
 * the node (open: its requirements left to cover; act: the candidates
 * that can still join), and in *br the requirement to branch on (fewest
 * eligible candidates). 0 when the node is infeasible (a requirement
 * nobody can cover any more while no team may leave one more
 * uncovered). */
static int bound(struct srch *s, uint64_t open, const int *act, int n,
                 struct key *lb, int *br)
{
    struct solver *sv = s->sv;
    const struct rent *r = sv->r;
    int hist[TEAM_MAX_REQ + 1] = {0};
    int sk = skip_ok(s), forced = 0, best = INT_MAX, t, k, u1, u2, s2, i;
    int round, now = s->base + popc(s->skipped), q;
    double a = (double)sv->a, z = (double)sv->z, sumy = 0, suml = 0;
    double inc[TEAM_MAX_REQ];
    long long x, d2, cover;
    uint64_t m, cm;

    *br = -1;
    s->pass = n;
    for (i = 0; i < n; i++)
        if (!sv->banned[act[i]]) {
            k = popc(r[act[i]].mask & open);
            hist[k]++;
            s->pass += k;
        }
    sv->work += s->pass;
    /* Members allowed and requirements to cover: a team better than the
     * incumbent covers at least `need` of open with at most tcap more
     * members. Phase 1 looks for fewer uncovered, or as many with fewer
     * members; phase 2 for as many uncovered and members (phase 1 proved
     * that no team does better). A candidate is of use only if it and
     * the tcap - 1 widest others can reach need: ban the others for this
     * subtree. */
    {
        int tcap = sv->max_size - s->size, kneed, need = popc(open);

        if (s->has_inc) {
            need -= s->inc.key.uncov - now;
            if (s->phase == 2 || s->inc.key.uncov == now)
                t = s->inc.key.size - s->size - (s->phase == 1);
            else
                t = tcap;
            if (t < tcap) tcap = t;
        } else {
            need -= s->cap - now;
        }
        if (tcap <= 0 && need > 0) return 0;
        cover = 0;
        for (k = TEAM_MAX_REQ, t = tcap - 1; k > 0 && t > 0; k--)
            for (i = hist[k]; i > 0 && t > 0; i--, t--) cover += k;
        kneed = need - (int)cover;
        k = TEAM_MAX_REQ;
        while (k > 0 && hist[k] == 0) k--;
        if (kneed > k) return 0; /* even the widest falls short */
        if (kneed > 1) {
            for (i = 0; i < n; i++) {
                q = act[i];
                if (!sv->banned[q] && popc(r[q].mask & open) < kneed) {
                    hist[popc(r[q].mask & open)]--;
                    sv->banned[q] = 1;
                    sv->undo[s->nundo++] = q;
                }
            }
            sv->work += s->pass;
        }
    }
    for (m = open; m; m &= m - 1) {
        s->cnt[ctz(m)] = 0;
        s->y[ctz(m)] = HUGE_VAL;
        s->yl[ctz(m)] = HUGE_VAL;
    }
    for (i = 0; i < n; i++) {
        const struct rent *e = &r[act[i]];
        double w, wl;

        if (sv->banned[act[i]]) continue;
        cm = e->mask & open;
        k = popc(cm);
        w = (a + (double)e->d) / k;
        wl = (double)e->l / k;
        for (m = cm; m; m &= m - 1) {
            int b = ctz(m);

            s->cnt[b]++;
            if (w < s->y[b]) s->y[b] = w;
            if (wl < s->yl[b]) s->yl[b] = wl;
        }
    }
    sv->work += s->pass;
    for (m = open; m; m &= m - 1) {
        int b = ctz(m);

        if (s->cnt[b] == 0) {
            if (!sk) return 0;
            forced++;
            s->y[b] = z;
            s->yl[b] = 0;
        } else {
            if (s->y[b] > z) s->y[b] = z;
            if (sk) s->yl[b] = 0;
        }
        if (s->cnt[b] < best) {
            best = s->cnt[b];
            *br = b;
        }
    }
    /* Dual ascent, when no Lagrangian bound will follow: raise every y_r
     * by the least slack / |c ∩ open| of its candidates (this keeps the
     * dual feasible). */
    for (round = 0; round < 2 && !(s->has_inc && s->inc.key.uncov == 0);
         round++) {
        for (m = open; m; m &= m - 1)
            inc[ctz(m)] = sk ? z - s->y[ctz(m)] : HUGE_VAL;
        for (i = 0; i < n; i++) {
            const struct rent *e = &r[act[i]];
            double sl = a + (double)e->d;

            if (sv->banned[act[i]]) continue;
            cm = e->mask & open;
            for (m = cm; m; m &= m - 1) sl -= s->y[ctz(m)];
            sl /= popc(cm);
            for (m = cm; m; m &= m - 1)
                if (sl < inc[ctz(m)]) inc[ctz(m)] = sl;
        }
        sv->work += 2 * s->pass;
        for (m = open; m; m &= m - 1)
            if (s->cnt[ctz(m)] > 0 && inc[ctz(m)] > 0)
                s->y[ctz(m)] += inc[ctz(m)];
    }
    for (m = open; m; m &= m - 1) {
        sumy += s->y[ctz(m)];
        suml += s->yl[ctz(m)];
    }
    /* Bound 1: what the members left can reach at most. */
    t = sv->max_size - s->size;
    cover = 0;
    for (k = TEAM_MAX_REQ; k > 0 && t > 0; k--)
        while (hist[k] > 0 && t > 0) {
            cover += k;
            hist[k]--;
            t--;
        }
    u1 = popc(open) - forced - (int)cover;
    u1 = now + forced + (u1 > 0 ? u1 : 0);
    /* Bound 2: the dual bound on W, decoded. */
    x = (long long)ceil((double)now * z + (double)s->size * a +
                        (double)s->dist + sumy - 1e-6);
    u2 = (int)(x / sv->z);
    s2 = (int)(x % sv->z / sv->a);
    d2 = x % sv->z % sv->a;
    if (s2 > sv->max_size) { /* no room to leave only u2 uncovered */
        u2++;
        s2 = s->size;
        d2 = s->dist;
    } else if (s2 < s->size) { /* u2 > now: W says nothing finer */
        s2 = s->size;
        d2 = s->dist;
    } else if (s2 == s->size && d2 < s->dist) {
        d2 = s->dist;
    }
    if (u1 > u2) {
        lb->uncov = u1;
        lb->size = s->size;
        lb->dist = s->dist;
        lb->load = s->load;
    } else {
        lb->uncov = u2;
        lb->size = s2;
        lb->dist = d2;
        lb->load = s->load + (long long)ceil(suml - 1e-6);
    }
    return 1;
}

/* add: take candidate q into the team. 0 (and nothing changed) when that
 * would leave a member with nothing of its own, or, in a diverse query,
 * share more than half of any possible better team with a listed team. */
static int add(struct srch *s, int q)
{
    const struct solver *sv = s->sv;
    const struct rent *e = &sv->r[q];
    uint64_t c1 = s->cov1 | e->mask, c2 = s->cov2 | (s->cov1 & e->mask);
    int i, smax = sv->max_size;
    uint32_t in;

    for (i = 0; i < s->size; i++)
        if ((sv->r[s->chosen[i]].mask & ~c2) == 0) return 0;
    if (s->mode == 1) {
        if (s->has_inc && s->inc.key.uncov == 0) smax = s->inc.key.size;
        for (in = e->in; in; in &= in - 1)
            if (s->ov[ctz(in)] + 1 > smax / 2) return 0;
    }
    for (in = e->in; in; in &= in - 1) s->ov[ctz(in)]++;
    s->save1[s->size] = s->cov1;
    s->save2[s->size] = s->cov2;
    s->chosen[s->size++] = q;
    s->cov1 = c1;
    s->cov2 = c2;
    s->dist += e->d;
    s->load += e->l;
    return 1;
}

/* drop: undo the last add. */
static void drop(struct srch *s)
{
    const struct rent *e = &s->sv->r[s->chosen[--s->size]];
    uint32_t in;

    for (in = e->in; in; in &= in - 1) s->ov[ctz(in)]--;
    s->cov1 = s->save1[s->size];
    s->cov2 = s->save2[s->size];
    s->dist -= e->d;
    s->load -= e->l;
}

/* redcost: the reduced cost of candidate q under multipliers y. */
static double redcost(const struct srch *s, int q, uint64_t open,
                      const double *y)
{
    const struct rent *e = &s->sv->r[q];
    double rc = (s->phase == 1 ? 1.0 : (double)e->d) + y[MU];
    uint64_t m;

    for (m = e->mask & open; m; m &= m - 1) rc -= y[ctz(m)];
    return rc;
}

/* lagrange: a lower bound on the cost that any completion of the node,
 * covering `open` with at most t more members out of act, adds. The
 * Lagrangian relaxation of the cover constraints (multipliers y_r >= 0)
 * and of the member count (mu >= 0),
 *   L = sum y_r - t*mu + sum_c min(0, rc_c),
 *   rc_c = cost_c + mu - sum_{r in c} y_r,
 * is a lower bound for any multipliers. The cost is 1 per member in
 * phase 1 (mu stays 0 there: t plays no part), the rounded distance in
 * phase 2. Subgradient steps improve L from the parent's multipliers
 * (kept per depth for the children) and stop once it exceeds gap. Then
 * bans, for this subtree, every candidate whose reduced cost alone lifts
 * the bound above gap. Returns the bound. (Multipliers for the diversity
 * rule were tried: they slowed the subgradient more than they cut.) */
static double lagrange(struct srch *s, uint64_t open, int t, long long gap,
                       int depth, const int *act, int n)
{
    struct solver *sv = s->sv;
    const struct rent *r = sv->r;
    double *y = s->lag[depth], g[NMULT], best[NMULT];
    double lb = -HUGE_VAL, theta = 2, target = (double)gap + 1, l, norm;
    double step;
    int i, it, iters = depth == 0 ? 80 : 20, stall = 0, nx;
    int unit = s->phase == 1;
    uint64_t m, cm;

    if (depth > 0)
        memcpy(y, s->lag[depth - 1], sizeof s->lag[0]);
    else {
        /* start from the simple dual: y_r = min cost_c / |c ∩ open| */
        for (m = open; m; m &= m - 1) y[ctz(m)] = HUGE_VAL;
        for (i = 0; i < n; i++) {
            const struct rent *e = &r[act[i]];
            double v = (unit ? 1.0 : (double)e->d) / popc(e->mask & open);

            for (m = e->mask & open; m; m &= m - 1)
                if (v < y[ctz(m)]) y[ctz(m)] = v;
        }
        for (m = open; m; m &= m - 1)
            if (y[ctz(m)] == HUGE_VAL) y[ctz(m)] = 0;
        y[MU] = 0;
    }
    if (unit) y[MU] = 0;
    memcpy(best, y, sizeof best);
    for (it = 0; it < iters; it++) {
        double mu = y[MU];

        l = -t * mu;
        for (m = open; m; m &= m - 1) {
            l += y[ctz(m)];
            g[ctz(m)] = 1;
        }
        nx = 0;
        for (i = 0; i < n; i++) {
            const struct rent *e = &r[act[i]];
            double rc = (unit ? 1.0 : (double)e->d) + mu;

            if (sv->banned[act[i]]) continue;
            cm = e->mask & open;
            for (m = cm; m; m &= m - 1) rc -= y[ctz(m)];
            if (rc < 0) {
                l += rc;
                nx++;
                for (m = cm; m; m &= m - 1) g[ctz(m)] -= 1;
            }
        }
        sv->work += s->pass;
        if (l > lb + 1e-9) {
            lb = l;
            memcpy(best, y, sizeof best);
            stall = 0;
        } else if (++stall >= 4) {
            theta /= 2;
            stall = 0;
        }
        if (lb > (double)gap + 1e-6) break;
        norm = 0;
        for (m = open; m; m &= m - 1) {
            int b = ctz(m);

            if (y[b] <= 0 && g[b] < 0) g[b] = 0;
            norm += g[b] * g[b];
        }
        g[MU] = unit ? 0 : nx - t;
        if (mu <= 0 && g[MU] < 0) g[MU] = 0;
        norm += g[MU] * g[MU];
        if (norm == 0) break; /* the relaxed solution is optimal */
        step = theta * (target - l) / norm;
        for (m = open; m; m &= m - 1) {
            int b = ctz(m);

            y[b] += step * g[b];
            if (y[b] < 0) y[b] = 0;
        }
        y[MU] += step * g[MU];
        if (y[MU] < 0) y[MU] = 0;
    }
    memcpy(y, best, sizeof best);
    if (lb > (double)gap + 1e-6) return lb;
    /* reduced-cost fixing */
    for (i = 0; i < n; i++) {
        if (sv->banned[act[i]]) continue;
        if (redcost(s, act[i], open, y) > (double)gap + 1e-6 - lb) {
            sv->banned[act[i]] = 1;
            sv->undo[s->nundo++] = act[i];
        }
    }
    sv->work += s->pass;
    return lb;
}

/* child_cmp: the order in which a node tries its children: least reduced
 * cost (when the node has multipliers), then widest, nearest, index. */
static int child_cmp(const void *pa, const void *pb)
{
    const struct child *a = pa, *b = pb;

    if (a->rc != b->rc) return a->rc < b->rc ? -1 : 1;
    if (a->k != b->k) return b->k - a->k;
    if (a->d != b->d) return a->d < b->d ? -1 : 1;
    return a->idx - b->idx;
}

/* reserve: room for `need` items of `size` bytes in *buf. 0 on success. */
static int reserve(void **buf, size_t *cap, size_t need, size_t size)
{
    size_t n = *cap ? *cap : 256;
    void *p;

    if (need <= *cap) return 0;
    while (n < need) n *= 2;
    p = realloc(*buf, n * size);
    if (!p) return -1;
    *buf = p;
    *cap = n;
    return 0;
}

/* node: search the subtree of the current members. The parent's active
 * candidates are s->abuf[aoff .. aoff+an); this node's go right after. */
static void node(struct srch *s, int depth, size_t aoff, int an)
{
    struct solver *sv = s->sv;
    uint64_t open = s->u & ~s->cov1 & ~s->skipped, bit;
    struct key lb;
    size_t off = aoff + (size_t)an, coff;
    int b, i, n = 0, nch = 0, mark = s->nundo, lag = 0;
    void *pa, *pc;

    if (s->aborted) return;
    if (sv->work > s->budget) {
        s->aborted = 1;
        return;
    }
    if (open == 0 || s->size == sv->max_size) {
        leaf(s);
        return;
    }
    pa = s->abuf;
    if (reserve(&pa, &s->acap, off + (size_t)an, sizeof *s->abuf)) {
        s->nomem = s->aborted = 1;
        return;
    }
    s->abuf = pa;
    for (i = 0; i < an; i++) {
        int q = s->abuf[aoff + (size_t)i];

        if (!sv->banned[q] && (sv->r[q].mask & open)) s->abuf[off + n++] = q;
    }
    sv->work += an;
    if (!bound(s, open, s->abuf + off, n, &lb, &b)) goto out;
    if (s->phase == 2 && s->has_inc &&
        (lb.uncov < s->inc.key.uncov ||
         (lb.uncov == s->inc.key.uncov && lb.size < s->inc.key.size))) {
        /* phase 1 proved that no team covers more or has fewer members */
        lb.uncov = s->inc.key.uncov;
        lb.size = s->inc.key.size;
        lb.dist = s->dist;
        lb.load = s->load;
    }
    if (cut(s, &lb, s->abuf + off, n)) goto out;
    if (s->has_inc && s->inc.key.uncov == 0 && lb.uncov == 0) {
        /* phase 1: room for fewer members than the incumbent's; phase 2
         * (no smaller team exists): exactly as many, less distance */
        long long gap = s->phase == 1 ? s->inc.key.size - 1 - s->size
                                      : s->inc.key.dist - s->dist;
        double l;

        if (gap < 0) goto out;
        l = lagrange(s, open, s->inc.key.size - s->size, gap, depth,
                     s->abuf + off, n);
        if (l > (double)gap + 1e-6) goto out;
        lag = 1;
        if (s->phase == 2 && lb.size == s->inc.key.size &&
            s->dist + (long long)ceil(l - 1e-6) > lb.dist)
            lb.dist = s->dist + (long long)ceil(l - 1e-6);
    }
    if (s->phase == 2 && s->has_inc && !skip_ok(s) &&
        key_cmp(&lb, &s->inc.key) == 0) {
        /* Only ties are left here, decided by the member list: take the
         * candidates in index order (each child bans the ones before it),
         * so that the first tying team found is the subtree's smallest
         * list and tie_cut closes the rest. */
        for (i = 0; i < n; i++) {
            int q = s->abuf[off + (size_t)i];

            if (sv->banned[q]) continue;
            if (add(s, q)) {
                node(s, depth + 1, off, n);
                drop(s);
            }
            sv->banned[q] = 1;
            sv->undo[s->nundo++] = q;
            if (s->aborted || cut(s, &lb, s->abuf + off, n)) break;
        }
        goto out;
    }
    /* the children: candidates covering requirement b, best first */
    bit = 1ULL << b;
    coff = s->ctop;
    pc = s->cbuf;
    if (reserve(&pc, &s->ccap, coff + (size_t)n, sizeof *s->cbuf)) {
        s->nomem = s->aborted = 1;
        goto out;
    }
    s->cbuf = pc;
    for (i = 0; i < n; i++) {
        int q = s->abuf[off + (size_t)i];
        const struct rent *e = &sv->r[q];
        struct child *ch;

        if (sv->banned[q] || !(e->mask & bit)) continue;
        ch = &s->cbuf[coff + (size_t)nch++];
        ch->q = q;
        ch->k = popc(e->mask & open);
        ch->d = e->d;
        ch->idx = e->idx;
        ch->rc = 0;
        if (lag)
            ch->rc = redcost(s, q, open, s->lag[depth]);
    }
    s->ctop = coff + (size_t)nch;
    qsort(s->cbuf + coff, (size_t)nch, sizeof *s->cbuf, child_cmp);
    sv->work += n + 4 * nch;
    for (i = 0; i < nch; i++) {
        int q = s->cbuf[coff + (size_t)i].q;

        if (sv->banned[q]) continue;
        if (add(s, q)) {
            node(s, depth + 1, off, n);
            drop(s);
        }
        sv->banned[q] = 1;
        sv->undo[s->nundo++] = q;
        if (s->aborted || cut(s, &lb, s->abuf + off, n)) break;
    }
    s->ctop = coff;
    if (!s->aborted && i == nch && skip_ok(s)) {
        s->skipped |= bit;
        node(s, depth + 1, off, n);
        s->skipped &= ~bit;
    }
out:
    while (s->nundo > mark) sv->banned[sv->undo[--s->nundo]] = 0;
}

/* ---------------------------------------------------------------- queries */

/* keep: the candidates of subproblem sb a query needs, into sv->r (sorted
 * by index); returns how many. Per mask: the cheapest candidate not in a
 * listed team, and every one in a listed team. With no listed team, also
 * drops any candidate whose mask is inside that of a cheaper one. */
static int keep(struct solver *sv, const struct sub *sb)
{
    const struct cnd *c = sv->c + sb->start;
    int i, j, n = 0, kept;

    for (i = 0; i < sb->n; i++) {
        int first = i == 0 || c[i].mask != c[i - 1].mask;
        uint32_t in = sv->in[c[i].idx];

        if (first) {
            /* the cheapest unlisted of this mask is still to be found */
            for (j = i; j < sb->n && c[j].mask == c[i].mask; j++)
                if (!sv->in[c[j].idx]) break;
            if (j < sb->n && c[j].mask == c[i].mask) {
                struct rent *e = &sv->r[n++];

                e->mask = c[j].mask;
                e->d = c[j].d;
                e->l = c[j].l;
                e->idx = c[j].idx;
                e->in = 0;
            }
        }
        if (in) {
            struct rent *e = &sv->r[n++];

            e->mask = c[i].mask;
            e->d = c[i].d;
            e->l = c[i].l;
            e->idx = c[i].idx;
            e->in = in;
        }
    }
    if (sv->nlisted == 0) {
        qsort(sv->r, (size_t)n, sizeof *sv->r, cheap_cmp);
        kept = 0;
        for (i = 0; i < n; i++) {
            for (j = 0; j < kept; j++)
                if ((sv->r[j].mask & sv->r[i].mask) == sv->r[i].mask) break;
            if (j == kept) sv->r[kept++] = sv->r[i];
        }
        n = kept;
    }
    qsort(sv->r, (size_t)n, sizeof *sv->r, idx_cmp);
    return n;
}

/* greedy: a first incumbent for the first query: the widest candidate
 * first (then the cheapest) until all is covered or the team is full,
 * then members left with nothing of their own removed, costliest first. */
static void greedy(struct srch *s)
{
    const struct solver *sv = s->sv;
    int pick[TEAM_MAX_SIZE], n = 0, i, j, q, bk;
    uint64_t open = s->u, others;
    struct tm t;

    while (open && n < sv->max_size) {
        q = -1;
        bk = 0;
        for (i = 0; i < s->nr; i++) {
            int k = popc(sv->r[i].mask & open);

            if (k > bk || (k == bk && k > 0 &&
                           cheap_cmp(&sv->r[i], &sv->r[q]) < 0)) {
                bk = k;
                q = i;
            }
        }
        pick[n++] = q;
        open &= ~sv->r[q].mask;
    }
    for (i = n - 1; i >= 0; i--) { /* picks are widest first */
        others = 0;
        for (j = 0; j < n; j++)
            if (j != i) others |= sv->r[pick[j]].mask;
        if ((sv->r[pick[i]].mask & ~others) == 0) {
            pick[i] = pick[--n];
            i = n; /* start over: n is small */
        }
    }
    memset(&t, 0, sizeof t);
    others = 0;
    for (i = 0; i < n; i++) {
        others |= sv->r[pick[i]].mask;
        t.key.dist += sv->r[pick[i]].d;
        t.key.load += sv->r[pick[i]].l;
        t.idx[i] = sv->r[pick[i]].idx;
    }
    t.key.size = n;
    t.key.uncov = sv->nreq - popc(others);
    sort_ints(t.idx, n);
    if (n == 0 || t.key.uncov > s->cap) return;
    s->inc = t;
    s->has_inc = 1;
    pool_add(s->sv, s->sub, &t);
}

/* seed: the best remembered team of this subproblem that the query
 * accepts, as the first incumbent. */
static void seed(struct srch *s)
{
    const struct solver *sv = s->sv;
    int i, ov[TEAM_MAX_K];

    for (i = 0; i < sv->npool; i++) {
        const struct tm *t = &sv->pool[i].t;

        if (sv->pool[i].sub != s->sub || t->key.uncov > s->cap) continue;
        if (s->has_inc && tm_cmp(t, &s->inc) >= 0) continue;
        overlaps(sv, t, ov);
        if (!allowed(sv, s->mode, t->key.size, ov)) continue;
        s->inc = *t;
        s->has_inc = 1;
    }
}

/* query: the best team of subproblem `id` under `mode` (0 first query, 1
 * diverse, 2 relaxed), leaving at most cap requirements uncovered. 1 and
 * *t when found; *exact 0 when the budget ran out. */
static int query(struct solver *sv, struct sub *subs, int id, int mode,
                 int cap, struct tm *t, int *exact)
{
    struct srch *s;
    long long left = sv->budget - sv->work;
    int found, i, share;

    s = calloc(1, sizeof *s);
    if (!s) return -1;
    s->sv = sv;
    s->sub = id;
    s->mode = mode;
    s->u = subs[id].u;
    s->base = sv->nreq - popc(s->u);
    s->cap = cap;
    s->nr = keep(sv, &subs[id]);
    /* a first query may take half of what is left; a later one its share
     * among the teams still wanted */
    share = mode == 0 ? 2 : sv->k - sv->nlisted;
    if (share < 2) share = 2;
    s->budget = sv->work + (left > 0 ? left / share : 0) + 1;
    if (mode == 0)
        greedy(s);
    else
        seed(s);
    s->abuf = malloc((size_t)(s->nr ? s->nr : 1) * sizeof *s->abuf);
    if (!s->abuf) {
        free(s);
        return -1;
    }
    s->acap = (size_t)(s->nr ? s->nr : 1);
    for (i = 0; i < s->nr; i++) s->abuf[i] = i;
    s->phase = 1;
    if (sv->work < s->budget)
        node(s, 0, 0, s->nr);
    else
        s->aborted = 1;
    if (s->has_inc && !s->aborted) {
        s->phase = 2;
        memset(s->lag, 0, sizeof s->lag);
        node(s, 0, 0, s->nr);
    }
    *exact = !s->aborted;
    if (s->aborted) sv->clean = 0;
    found = s->nomem ? -1 : s->has_inc;
    if (found > 0) *t = s->inc;
    free(s->abuf);
    free(s->cbuf);
    free(s);
    return found;
}

/* advance: compute the next team of subproblem id after a listing. */
static int advance(struct solver *sv, struct sub *subs, int id)
{
    struct sub *sb = &subs[id];
    int found, exact;

    sb->has_next = 0;
    while (sb->mode < 3) {
        found = query(sv, subs, id, sb->mode, sv->target, &sb->next, &exact);
        if (found < 0) return -1;
        if (found) {
            sb->has_next = 1;
            sb->next_phase = sb->mode;
            return 0;
        }
        sb->mode++;
    }
    return 0;
}

/* emit: a solver team as the caller's struct team. */
static void emit(const struct team_cand *c, uint64_t all, uint64_t missing,
                 const struct tm *t, int exact, struct team *o)
{
    int i;

    memset(o, 0, sizeof *o);
    o->size = t->key.size;
    o->missing = missing;
    o->dist_km = (long)t->key.dist;
    o->exact = exact;
    for (i = 0; i < t->key.size; i++) {
        o->member[i] = t->idx[i];
        o->covered |= c[t->idx[i]].covers & all;
        o->load += c[t->idx[i]].load;
    }
}

/* A subproblem in the order of the first queries. */
struct reach {
    int pc; /* requirements its candidates cover */
    int id;
};

/* reach_cmp: widest coverage first, then by id. */
static int reach_cmp(const void *pa, const void *pb)
{
    const struct reach *a = pa, *b = pb;

    return a->pc != b->pc ? b->pc - a->pc : a->id - b->id;
}

/* valid_params: the checks of team_solve's arguments. */
static int valid_params(const struct team_cand *c, size_t nc, int nreq,
                        const struct team_params *p, const struct team *out)
{
    size_t i;

    if (!p || !out || (!c && nc > 0)) return 0;
    if (nreq < 0 || nreq > TEAM_MAX_REQ) return 0;
    if (p->k < 1 || p->k > TEAM_MAX_K) return 0;
    if (p->max_size < 1 || p->max_size > TEAM_MAX_SIZE) return 0;
    if (nc > (size_t)INT_MAX / 8) return 0;
    for (i = 0; i < nc; i++) {
        /* written so that NaN fails */
        if (!(c[i].dist_km >= 0 && c[i].dist_km <= TEAM_MAX_DIST)) return 0;
        if (!(c[i].load >= 0 && c[i].load <= TEAM_MAX_LOAD)) return 0;
    }
    return 1;
}

enum rc team_solve(const struct team_cand *c, size_t nc, int nreq,
                   const struct team_params *p, struct team *out,
                   size_t *nout)
{
    struct solver sv;
    struct sub *subs = NULL;
    struct reach *order = NULL;
    uint64_t all, any = 0;
    long long maxd = 0;
    size_t i;
    int n = 0, nsub = 0, j, best, r, exact, found;
    enum rc rc = RC_NOMEM;

    memset(&sv, 0, sizeof sv);
    if (nout) *nout = 0;
    if (!nout || !valid_params(c, nc, nreq, p, out)) {
        rc = RC_INVALID;
        goto out;
    }
    all = nreq == 64 ? ~0ULL : (1ULL << nreq) - 1;
    sv.nreq = nreq;
    sv.max_size = p->max_size;
    sv.k = p->k;
    sv.clean = 1;
    sv.budget = WORK_BUDGET;
    sv.c = malloc((nc ? nc : 1) * sizeof *sv.c);
    sv.in = calloc(nc ? nc : 1, sizeof *sv.in);
    sv.pool = malloc(POOL_MAX * sizeof *sv.pool);
    if (!sv.c || !sv.in || !sv.pool) goto out;
    for (i = 0; i < nc; i++) {
        uint64_t m = c[i].covers & all;

        if (!m) continue;
        sv.c[n].mask = m;
        sv.c[n].coop = p->one_coop ? c[i].coop : 0;
        sv.c[n].d = llround(c[i].dist_km);
        sv.c[n].l = llround(c[i].load * 1000);
        sv.c[n].idx = (int)i;
        if (sv.c[n].d > maxd) maxd = sv.c[n].d;
        any |= m;
        n++;
    }
    sv.nc = n;
    if (n == 0) {
        rc = RC_OK;
        goto out;
    }
    sv.a = sv.max_size * maxd + 1;
    sv.z = sv.a * (sv.max_size + 1);
    sv.r = malloc((size_t)n * sizeof *sv.r);
    sv.banned = calloc((size_t)n, 1);
    sv.undo = malloc((size_t)n * sizeof *sv.undo);
    subs = calloc((size_t)n, sizeof *subs);
    order = malloc((size_t)n * sizeof *order);
    if (!sv.r || !sv.banned || !sv.undo || !subs || !order)
        goto out;
    qsort(sv.c, (size_t)n, sizeof *sv.c, cnd_cmp);
    for (j = 0; j < n; j++) {
        if (j == 0 || sv.c[j].coop != sv.c[j - 1].coop) {
            subs[nsub].start = j;
            subs[nsub].mode = 1;
            nsub++;
        }
        subs[nsub - 1].n++;
        subs[nsub - 1].u |= sv.c[j].mask;
    }

    /* First queries, widest subproblems first: the best coverage found
     * so far caps the next ones. */
    for (j = 0; j < nsub; j++) {
        order[j].pc = popc(subs[j].u);
        order[j].id = j;
    }
    qsort(order, (size_t)nsub, sizeof *order, reach_cmp);
    sv.target = nreq;
    for (j = 0; j < nsub; j++) {
        struct sub *sb = &subs[order[j].id];

        if (nreq - order[j].pc > sv.target) break;
        found = query(&sv, subs, order[j].id, 0, sv.target, &sb->next,
                      &exact);
        if (found < 0) goto out;
        if (!found) continue;
        sb->has_next = 1;
        sb->next_phase = 1;
        if (sb->next.key.uncov < sv.target) sv.target = sb->next.key.uncov;
    }
    for (j = 0; j < nsub; j++)
        if (subs[j].has_next && subs[j].next.key.uncov > sv.target)
            subs[j].has_next = 0;

    /* Merge: the best next team of all subproblems, diverse ones first. */
    while (sv.nlisted < sv.k) {
        best = -1;
        for (j = 0; j < nsub; j++) {
            if (!subs[j].has_next) continue;
            if (best < 0 || subs[j].next_phase < subs[best].next_phase ||
                (subs[j].next_phase == subs[best].next_phase &&
                 tm_cmp(&subs[j].next, &subs[best].next) < 0))
                best = j;
        }
        if (best < 0) break;
        emit(c, all, all & ~any, &subs[best].next, sv.clean,
             &out[sv.nlisted]);
        sv.listed[sv.nlisted] = subs[best].next;
        for (r = 0; r < subs[best].next.key.size; r++)
            sv.in[subs[best].next.idx[r]] |= 1u << sv.nlisted;
        sv.nlisted++;
        if (sv.nlisted < sv.k && advance(&sv, subs, best) < 0) goto out;
    }
    *nout = (size_t)sv.nlisted;
    rc = RC_OK;
out:
    if (rc != RC_OK && nout) *nout = 0;
    free(sv.c);
    free(sv.in);
    free(sv.pool);
    free(sv.r);
    free(sv.banned);
    free(sv.undo);
    free(subs);
    free(order);
    return rc;
}
