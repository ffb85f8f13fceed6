/*
 * search.c: the search engine (see search.h for the steps, README.md
 * "Search" for the ranking rule).
 */
#include "search.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../util/check.h"
#include "../util/ids.h"
#include "../util/text.h"
#include "../util/viewer.h"
#include "search_db.h"
#include "search_explain.h"
#include "search_index.h"
#include "search_item.h"
#include "search_mem.h"
#include "search_place.h"
#include "search_query.h"
#include "search_text.h"
#include "search_trade.h"

#define TRADE_FACET_MAX 50
#define BATCH 128      /* candidates checked together (see flush) */
#define CACHE_MIN 2000 /* FTS5 answers this long are cached */
#define ITEM_MEMBERS 512 /* members an offer or group is checked through */
#define ITEM_TRADES 256  /* trades of an offer or group */

/* The kinds a search returns (r->kinds), by enum search_kind. */
#define KIND_BIT(k) (1u << (k))
#define KINDS_ALL (KIND_BIT(SEARCH_KIND_ENTREPRENEUR) | \
                   KIND_BIT(SEARCH_KIND_OFFER) | KIND_BIT(SEARCH_KIND_GROUP) | \
                   KIND_BIT(SEARCH_KIND_POST))

/* ------------------------------------------------------------ set-up */

/* on_open: per connection: the tokenizer, the table of pending index
 * changes, the view of the index vocabulary. */
static int on_open(sqlite3 *h)
{
    int rc = search_text_register(h);

    if (rc == SQLITE_OK) rc = search_db_register(h);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_exec(h,
                        "CREATE TEMP TABLE IF NOT EXISTS search_pending("
                        " rowid INTEGER PRIMARY KEY, del INTEGER NOT NULL,"
                        " name, headline, trades, skills, body, tags);"
                        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab"
                        " USING fts5vocab(main, search_fts, 'row');",
                        NULL, NULL, NULL);
}

void search_init(void)
{
    db_add_extension(on_open);
    db_add_precommit(search_index_flush);
}

void search_cache_size(size_t bytes)
{
    search_mem_cache_limit(bytes);
}

void search_shutdown(void)
{
    search_mem_shutdown();
}

/* ------------------------------------------------------------- a run */

struct result {
    uint32_t id;
    float dist;     /* km, when a place is searched */
    uint16_t score; /* 0..10000 */
    uint8_t cover;  /* enum explain_cover */
    uint8_t kind;   /* enum search_kind */
    uint32_t tie;   /* per-query shuffle */
};

struct run {
    struct db *db;
    const struct viewer *v;
    const struct search_params *p;
    const struct search_mem *m;
    struct search_query q;
    uint32_t hash;             /* of the query, for the shuffle and cursor */
    unsigned kinds;            /* KIND_BIT()s searched */

    int has_place;             /* near */
    struct place place;
    int place_dep;             /* its département index, -1 */
    uint32_t place_insee, place_reg;
    float plat, plon, coslat;  /* its coordinates, for distances */

    long long coop;            /* filters: 0 / -1 for none */
    int dep, status;
    int32_t day, day_hi;       /* availability: some day in [day, day_hi] */
    int has_day;
    int32_t today;             /* days since 1970-01-01 (UTC): a post is
                                  searched until its `until` day */
    unsigned char *trade_ok;   /* by trade id, or NULL */

    /* The best results, a heap of at most `keep`, worst on top. */
    struct result *heap;
    size_t nheap, keep;
    long total;

    uint32_t *f_trade, *f_dep, *f_coop; /* facet counts */
    size_t nf_coop;
    long f_kind[4];            /* results by kind (offers, groups, posts;
                                  the profiles are the rest of total) */

    struct {
        uint32_t id;
        unsigned fields;
    } batch[BATCH];            /* candidates waiting for their entries */
    size_t nbatch;

    struct postings *collect;  /* the FTS5 answer, for the cache */
    size_t collect_cap, collect_xcap;
    int collect_failed;

    struct {
        uint32_t row;          /* id * 4 + kind */
        unsigned fields;
    } *items;                  /* offers, groups and posts the FTS5 pass
                                  found */
    size_t nitems, cap_items;
    int items_failed;
};

/* HOT: the helpers of consider(), the per-candidate loop of the
 * profiles, stay inlined there although the offers and groups use them
 * too (out of line, they cost the profiles' searches 5 to 10%). */
#define HOT static inline __attribute__((always_inline))

HOT uint32_t mix(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static uint32_t fnv(uint32_t h, const char *s)
{
    if (!s) s = "";
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return (h ^ 0xff) * 16777619u;
}

/* better: is a ranked before b? */
HOT int better(const struct run *r, const struct result *a,
               const struct result *b)
{
    if (r->p->sort_distance && r->has_place && a->dist != b->dist)
        return a->dist < b->dist;
    if (a->score != b->score) return a->score > b->score;
    return a->tie < b->tie;
}

HOT void sift_down(struct run *r, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, w = i;
        struct result t;

        /* a max-heap of "worst first": the root is the worst kept */
        if (l < r->nheap && better(r, &r->heap[w], &r->heap[l])) w = l;
        if (l + 1 < r->nheap && better(r, &r->heap[w], &r->heap[l + 1]))
            w = l + 1;
        if (w == i) return;
        t = r->heap[i];
        r->heap[i] = r->heap[w];
        r->heap[w] = t;
        i = w;
    }
}

HOT void keep(struct run *r, const struct result *x)
{
    size_t i;

    if (r->nheap < r->keep) {
        i = r->nheap++;
        r->heap[i] = *x;
        while (i > 0 && better(r, &r->heap[(i - 1) / 2], &r->heap[i])) {
            struct result t = r->heap[i];

            r->heap[i] = r->heap[(i - 1) / 2];
            r->heap[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
        return;
    }
    if (!r->keep || !better(r, x, &r->heap[0])) return;
    r->heap[0] = *x;
    sift_down(r, 0);
}

/* explain_ctx_of: the explanation context of result x, whose home is
 * loc ({lat, lon}); answers the distance from the place searched (0
 * without one). */
static double explain_ctx_of(const struct run *r, const struct result *x,
                             json_t *loc, struct explain_ctx *ctx)
{
    double dist = 0;

    memset(ctx, 0, sizeof *ctx);
    ctx->cover = (enum explain_cover)x->cover;
    if (r->has_place) {
        dist = search_place_km(r->place.lat, r->place.lon,
                               json_number_value(json_object_get(loc, "lat")),
                               json_number_value(json_object_get(loc, "lon")));
        ctx->distance_km = dist;
        ctx->place_name = *r->place.name ? r->place.name : NULL;
    }
    ctx->trade_filter = r->p->trade;
    ctx->available_on = r->has_day ? r->p->available_on : NULL;
    return dist;
}

/* set_rank: the fields every result ends with: distance_km (null
 * without a place), snippet, score, why (stolen). */
static void set_rank(json_t *o, const struct run *r, float dist,
                     const char *snippet, const struct result *x, json_t *why)
{
    json_object_set_new(o, "distance_km",
                        r->has_place ? json_real(round(dist * 10) / 10)
                                     : json_null());
    json_object_set_new(o, "snippet", json_string(snippet ? snippet : ""));
    json_object_set_new(o, "score", json_real(x->score / 10000.0));
    json_object_set_new(o, "why", why ? why : json_array());
}

/* d_remote: is entry id a profile pulled from a peer instance? */
static int d_remote(const struct search_mem *m, uint32_t id)
{
    uint32_t c = id < m->ndocs ? m->docs[id].coop : 0;

    return c < m->ncoops && m->coop_remote && m->coop_remote[c];
}

/* visible: viewer_can_see on an in-memory entry. */
HOT int visible(const struct viewer *v, const struct mem_doc *d,
                uint32_t id)
{
    static const char *const names[] = {"public", "network", "cooperative",
                                        "private"};

    if (d->vis == MEM_PUBLIC) return 1;
    return viewer_can_see(v, names[d->vis & 3], d->coop, id);
}

HOT float km(const struct run *r, float lat, float lon)
{
    float dy = (lat - r->plat) * 111.195f;
    float dx = (lon - r->plon) * 111.195f * r->coslat;

    return sqrtf(dx * dx + dy * dy);
}

/* cover: how d covers the searched place, COVER_NONE when it does not;
 * *dist is the distance of its home. */
HOT int cover(const struct run *r, const struct mem_doc *d, float *dist)
{
    float k = km(r, d->lat, d->lon);
    int i, best = COVER_NONE;

    /* Near the radius, the equirectangular distance is not enough. */
    if (d->radius >= 0 && fabsf(k - d->radius) < 2.0f)
        k = (float)search_place_km(r->place.lat, r->place.lon, d->lat,
                                   d->lon);
    *dist = k;
    if (r->place_insee && d->insee == r->place_insee) return COVER_COMMUNE;
    /* 10 m of tolerance: the table keeps coordinates as floats. */
    if (d->radius >= 0 && k <= d->radius + 0.01f) return COVER_RADIUS;
    for (i = 0; i < d->nzones; i++) {
        uint32_t z = search_mem_zone(r->m, d, i);

        if (r->place_dep >= 0 && z == MEM_ZONE_DEP(r->place_dep))
            best = COVER_DEP;
        else if (r->place_reg && z == MEM_ZONE_REG(r->place_reg) &&
                 best != COVER_DEP)
            best = COVER_REG;
        else if (z == MEM_ZONE_FR && best == COVER_NONE)
            best = COVER_FR;
    }
    return best;
}

/* proximity: the place part of the score, 0..100: a decay with the
 * distance, 100 at the place, 50 at 20 km, 20 at 80 km. Computed to the
 * hundredth: profiles of the same commune tie, and the shuffle orders
 * them. */
HOT float proximity(float dist)
{
    return 100.0f * 20.0f / (20.0f + dist);
}

/* text_score: the text part of the score: each query word weighs 100
 * when in the name or headline, 90 in the trades, skills or tags, 60 in
 * the rest of the text; found only through a synonym, 80, 70, 50; the
 * mean over the words, in steps of 5. */
HOT int text_score(int nterms, unsigned fields)
{
    int i, sum = 0;

    if (!nterms) return 100;
    for (i = 0; i < nterms; i++) {
        unsigned f = (fields >> (2 * i)) & 3;
        unsigned syn = (fields >> (2 * (i + SEARCH_MAX_TERMS))) & 3;

        if (f)
            sum += f & 1 ? 100 : 90;
        else if (syn)
            sum += syn & 1 ? 80 : 70;
        else
            sum += 60;
    }
    return sum / nterms / 5 * 5;
}

/* consider: one candidate id through the filters into the results;
 * fields: where the query words matched (essaim_fields). */
static void consider(struct run *r, uint32_t id, unsigned fields)
{
    const struct search_mem *m = r->m;
    const struct mem_doc *d;
    struct result x;
    int text, i;

    if (id >= m->ndocs) return;
    d = &m->docs[id];
    if (!d->alive || !visible(r->v, d, id)) return;
    if (!r->p->network && d->coop < m->ncoops && m->coop_remote[d->coop])
        return;
    if (r->coop >= 0 && d->coop != (uint32_t)r->coop) return;
    if (r->dep >= 0 && d->dep != (uint16_t)r->dep) return;
    if (r->status >= 0 && d->status != (uint8_t)r->status) return;
    if (r->has_day && (r->day_hi < d->from || r->day > d->until)) return;
    if (r->trade_ok) {
        for (i = 0; i < d->ntrades; i++)
            if (r->trade_ok[search_mem_trade(m, d, i)]) break;
        if (i == d->ntrades) return;
    }
    memset(&x, 0, sizeof x);
    x.id = id;
    if (r->has_place) {
        x.cover = (uint8_t)cover(r, d, &x.dist);
        if (x.cover == COVER_NONE) return;
        if (r->p->radius_km >= 0 && x.dist > r->p->radius_km) return;
    }
    text = text_score(r->q.nterms, fields);
    x.score = (uint16_t)(r->has_place
                             ? lrintf(70.0f * (float)text +
                                      30.0f * proximity(x.dist))
                             : 100 * text);
    /* Cooperation as a signal: who helped others gets half a point (of
     * 100) per level, 1.5 at most; no history adds nothing, takes
     * nothing. */
    x.score = (uint16_t)(x.score + SEARCH_HELPED_BOOST * d->helped);
    x.tie = mix(r->hash ^ mix(id));
    r->total++;
    keep(r, &x);
    /* Facets. */
    {
        for (i = 0; i < d->ntrades; i++) r->f_trade[search_mem_trade(m, d, i)]++;
        if (d->dep < m->ndeps) r->f_dep[d->dep]++;
        if (d->coop >= r->nf_coop) {
            size_t n = r->nf_coop ? r->nf_coop : 64;
            uint32_t *f;

            while (n <= d->coop) n *= 2;
            f = realloc(r->f_coop, n * sizeof *f);
            if (!f) return;
            memset(f + r->nf_coop, 0, (n - r->nf_coop) * sizeof *f);
            r->f_coop = f;
            r->nf_coop = n;
        }
        r->f_coop[d->coop]++;
    }
}

/* flush: consider the buffered candidates. Their entries are fetched
 * first, all at once (prefetch), then checked: a candidate costs one
 * cache miss, and misses overlap instead of waiting one after another. */
static void flush(struct run *r)
{
    size_t i;

    for (i = 0; i < r->nbatch; i++)
        if (r->batch[i].id < r->m->ndocs)
            __builtin_prefetch(&r->m->docs[r->batch[i].id]);
    for (i = 0; i < r->nbatch; i++)
        consider(r, r->batch[i].id, r->batch[i].fields);
    r->nbatch = 0;
}

static void candidate(struct run *r, uint32_t id, unsigned fields)
{
    r->batch[r->nbatch].id = id;
    r->batch[r->nbatch].fields = fields;
    if (++r->nbatch == BATCH) flush(r);
}

/* item_candidate: an offer or a group (row: id * 4 + kind) the FTS5
 * pass found, kept for items() (they are few). */
static void item_candidate(struct run *r, uint32_t row, unsigned fields)
{
    if (!(r->kinds & KIND_BIT(row & 3)) || r->items_failed) return;
    if (r->nitems == r->cap_items) {
        size_t cap = r->cap_items ? r->cap_items * 2 : 64;
        void *v = realloc(r->items, cap * sizeof *r->items);

        if (!v) {
            r->items_failed = 1;
            return;
        }
        r->items = v;
        r->cap_items = cap;
    }
    r->items[r->nitems].row = row;
    r->items[r->nitems].fields = fields;
    r->nitems++;
}

/* collect_item: an offer's or group's row into the FTS5 answer being
 * collected for the cache. */
static void collect_item(struct run *r, uint32_t row, unsigned fields)
{
    struct postings *p = r->collect;

    if (!p || r->collect_failed) return;
    if (p->nx == r->collect_xcap) {
        size_t cap = r->collect_xcap ? r->collect_xcap * 2 : 64;
        uint32_t *x = realloc(p->xrow, cap * sizeof *x);
        uint32_t *f = x ? realloc(p->xfields, cap * sizeof *f) : NULL;

        if (x) p->xrow = x;
        if (f) p->xfields = f;
        if (!x || !f) {
            r->collect_failed = 1;
            return;
        }
        r->collect_xcap = cap;
    }
    p->xrow[p->nx] = row;
    p->xfields[p->nx++] = fields;
}

static void on_match(long long rowid, unsigned fields, void *arg)
{
    struct run *r = arg;
    struct postings *p = r->collect;

    if ((rowid & 3) != SEARCH_KIND_ENTREPRENEUR) {
        if (rowid > 0 && rowid <= 0xffffffffLL) {
            collect_item(r, (uint32_t)rowid, fields);
            item_candidate(r, (uint32_t)rowid, fields);
        }
        return;
    }
    if (p && !r->collect_failed) {
        if (p->n == r->collect_cap) {
            size_t cap = r->collect_cap ? r->collect_cap * 2 : 4096;
            uint32_t *id = realloc(p->id, cap * sizeof *id);
            uint32_t *f = id ? realloc(p->fields, cap * sizeof *f) : NULL;

            if (id) p->id = id;
            if (f) p->fields = f;
            if (!id || !f) r->collect_failed = 1;
            else r->collect_cap = cap;
        }
        if (!r->collect_failed) {
            p->id[p->n] = (uint32_t)(rowid >> 2);
            p->fields[p->n++] = fields;
        }
    }
    if (r->kinds & KIND_BIT(SEARCH_KIND_ENTREPRENEUR))
        candidate(r, (uint32_t)(rowid >> 2), fields);
}

/* ------------------------------------------------ offers and groups
 *
 * An offer or a group is found through people (search_item.h): those who
 * deliver an offer (its delivered_by; none listed: its owner, or the
 * members of the group that owns it), a group's members who deliver one
 * of its active offers (none: all its accepted members). Only the people
 * the viewer may see count: an entrepreneur's offer needs its owner
 * visible, a group and its offers one visible accepted member; when none
 * of the deliverers is visible, the visible owner or members stand in.
 * The filters on people (cooperative, département, status, availability)
 * and the place hold when one of them meets them all; the distance is
 * the nearest such person's. The trade filter reads the item's trades: an
 * offer's own, a group's active offers' and accepted members'.
 *
 * A time post (contribution-temps) is found through its author alone,
 * visible when the author's profile is (the rule of GET /time/posts),
 * until its `until` day; available_on reads its own dates. */

struct item_eval {
    uint32_t who[ITEM_MEMBERS]; /* the people it is found through */
    int nwho;
    uint32_t best;              /* the one that places it: the nearest of
                                   those meeting the filters */
    float dist;                 /* km from the place to best's home */
    int cover;                  /* enum explain_cover, through best */
    uint32_t trade[ITEM_TRADES]; /* its trade ids */
    int ntrade;
    uint32_t coop[ITEM_MEMBERS]; /* distinct cooperatives and départements */
    uint16_t dep[ITEM_MEMBERS];  /* of those meeting the filters */
    int ncoop, ndep;
};

/* seen: entrepreneur id's entry, when alive and visible to the viewer. */
static const struct mem_doc *seen(const struct run *r, uint32_t id)
{
    const struct mem_doc *d;

    if (!id || id >= r->m->ndocs) return NULL;
    d = &r->m->docs[id];
    /* A peer's people (and so its offers and groups) with scope=network
     * only. */
    if (!r->p->network && d_remote(r->m, id)) return NULL;
    return d->alive && visible(r->v, d, id) ? d : NULL;
}

static int has_u32(const uint32_t *v, int n, uint32_t x)
{
    int i;

    for (i = 0; i < n; i++)
        if (v[i] == x) return 1;
    return 0;
}

/* add_seen: append the visible ones of list to ev->who; how many. */
static int add_seen(const struct run *r, struct item_eval *ev,
                    const uint32_t *list, int n, const struct mem_item *in)
{
    int i, added = 0;

    for (i = 0; i < n && ev->nwho < ITEM_MEMBERS; i++) {
        if (in && !has_u32(in->member, in->nmember, list[i])) continue;
        if (!seen(r, list[i]) || has_u32(ev->who, ev->nwho, list[i]))
            continue;
        ev->who[ev->nwho++] = list[i];
        added++;
    }
    return added;
}

/* through: the people item x (kind) is found through, into ev->who; 0
 * when the viewer may not see it. */
static int through(const struct run *r, int kind, const struct mem_item *x,
                   struct item_eval *ev)
{
    const struct mem_item *g = x;

    ev->nwho = 0;
    /* A post: its author, as they would be found themself. */
    if (kind == SEARCH_KIND_POST) {
        if (!seen(r, x->owner)) return 0;
        ev->who[ev->nwho++] = x->owner;
        return 1;
    }
    if (kind == SEARCH_KIND_OFFER && x->owner) {
        if (!seen(r, x->owner)) return 0;
        if (!x->nmember || !add_seen(r, ev, x->member, x->nmember, NULL))
            ev->who[ev->nwho++] = x->owner;
        return 1;
    }
    if (kind == SEARCH_KIND_OFFER) {
        g = search_mem_item(r->m, SEARCH_KIND_GROUP, x->group);
        if (!g) return 0;
        add_seen(r, ev, x->member, x->nmember, g);
    } else if (g->ndeliver) {
        add_seen(r, ev, g->deliver, g->ndeliver, NULL);
    }
    if (!ev->nwho) add_seen(r, ev, g->member, g->nmember, NULL);
    return ev->nwho > 0;
}

/* item_trades: the trade ids of item x into ev->trade. */
static void item_trades(const struct run *r, int kind,
                        const struct mem_item *x, struct item_eval *ev)
{
    const struct search_mem *m = r->m;
    int i, k;

    ev->ntrade = 0;
    for (i = 0; i < x->ntrade && ev->ntrade < ITEM_TRADES; i++)
        if (x->trade[i] < m->ncodes &&
            !has_u32(ev->trade, ev->ntrade, x->trade[i]))
            ev->trade[ev->ntrade++] = x->trade[i];
    if (kind != SEARCH_KIND_GROUP) return;
    for (i = 0; i < x->nmember; i++) {
        const struct mem_doc *d;

        if (x->member[i] >= m->ndocs) continue;
        d = &m->docs[x->member[i]];
        if (!d->alive) continue;
        for (k = 0; k < d->ntrades && ev->ntrade < ITEM_TRADES; k++) {
            uint32_t t = search_mem_trade(m, d, k);

            if (t < m->ncodes && !has_u32(ev->trade, ev->ntrade, t))
                ev->trade[ev->ntrade++] = t;
        }
    }
}

/* eval_item: does offer or group row (id * 4 + kind) meet the search?
 * 1 with ev filled, else 0. */
static int eval_item(const struct run *r, uint32_t row, struct item_eval *ev)
{
    const struct mem_item *x = search_mem_item(r->m, (int)(row & 3), row >> 2);
    int kind = (int)(row & 3), i, k, found = 0;

    if (!x || !(r->kinds & KIND_BIT(kind))) return 0;
    /* A post is searched until its `until` day, and available_on reads
     * its own dates, not its author's availability. */
    if (kind == SEARCH_KIND_POST &&
        (x->until < r->today ||
         (r->has_day && (r->day_hi < x->from || r->day > x->until))))
        return 0;
    if (!through(r, kind, x, ev)) return 0;
    item_trades(r, kind, x, ev);
    if (r->trade_ok) {
        for (i = 0; i < ev->ntrade; i++)
            if (r->trade_ok[ev->trade[i]]) break;
        if (i == ev->ntrade) return 0;
    }
    ev->ncoop = ev->ndep = 0;
    ev->best = 0;
    ev->dist = 0;
    ev->cover = COVER_NONE;
    for (i = 0; i < ev->nwho; i++) {
        const struct mem_doc *d = &r->m->docs[ev->who[i]];
        float dist = 0;
        int c = COVER_NONE;

        if (r->coop >= 0 && d->coop != (uint32_t)r->coop) continue;
        if (r->dep >= 0 && d->dep != (uint16_t)r->dep) continue;
        if (r->status >= 0 && d->status != (uint8_t)r->status) continue;
        if (r->has_day && kind != SEARCH_KIND_POST &&
            (r->day_hi < d->from || r->day > d->until))
            continue;
        if (r->has_place) {
            c = cover(r, d, &dist);
            if (c == COVER_NONE) continue;
            if (r->p->radius_km >= 0 && dist > r->p->radius_km) continue;
        }
        if (!found || dist < ev->dist) {
            ev->best = ev->who[i];
            ev->dist = dist;
            ev->cover = c;
        }
        found = 1;
        if (!has_u32(ev->coop, ev->ncoop, d->coop))
            ev->coop[ev->ncoop++] = d->coop;
        for (k = 0; k < ev->ndep && ev->dep[k] != d->dep; k++)
            ;
        if (k == ev->ndep) ev->dep[ev->ndep++] = d->dep;
    }
    return found;
}

/* count_coop: one more result of cooperative coop in the facet. */
static void count_coop(struct run *r, uint32_t coop)
{
    if (coop >= r->nf_coop) {
        size_t n = r->nf_coop ? r->nf_coop : 64;
        uint32_t *f;

        while (n <= coop) n *= 2;
        f = realloc(r->f_coop, n * sizeof *f);
        if (!f) return;
        memset(f + r->nf_coop, 0, (n - r->nf_coop) * sizeof *f);
        r->f_coop = f;
        r->nf_coop = n;
    }
    r->f_coop[coop]++;
}

/* consider_item: one offer or group through the filters into the
 * results (as consider does for a profile). */
static void consider_item(struct run *r, uint32_t row, unsigned fields)
{
    struct item_eval ev;
    struct result x;
    int text, i;

    if (!eval_item(r, row, &ev)) return;
    memset(&x, 0, sizeof x);
    x.id = row >> 2;
    x.kind = (uint8_t)(row & 3);
    x.dist = ev.dist;
    x.cover = (uint8_t)ev.cover;
    text = text_score(r->q.nterms, fields);
    x.score = (uint16_t)(r->has_place
                             ? lrintf(70.0f * (float)text +
                                      30.0f * proximity(x.dist))
                             : 100 * text);
    x.tie = mix(r->hash ^ mix(row ^ 0x80000000u));
    r->total++;
    r->f_kind[x.kind]++;
    keep(r, &x);
    for (i = 0; i < ev.ntrade; i++) r->f_trade[ev.trade[i]]++;
    for (i = 0; i < ev.ndep; i++)
        if (ev.dep[i] < r->m->ndeps) r->f_dep[ev.dep[i]]++;
    for (i = 0; i < ev.ncoop; i++) count_coop(r, ev.coop[i]);
}

/* items: the offers, groups and posts of the FTS5 pass; without words,
 * every one (they are few). */
static enum rc items(struct run *r, int browsing)
{
    const struct search_mem *m = r->m;
    size_t i;

    if (r->items_failed) return RC_NOMEM;
    if (!browsing) {
        for (i = 0; i < r->nitems; i++)
            consider_item(r, r->items[i].row, r->items[i].fields);
        return RC_OK;
    }
    if (r->kinds & KIND_BIT(SEARCH_KIND_OFFER))
        for (i = 1; i < m->noffers && i <= 0x3fffffff; i++)
            if (m->offers[i].alive)
                consider_item(r, (uint32_t)i * 4 + SEARCH_KIND_OFFER, 0);
    if (r->kinds & KIND_BIT(SEARCH_KIND_GROUP))
        for (i = 1; i < m->ngroups && i <= 0x3fffffff; i++)
            if (m->groups[i].alive)
                consider_item(r, (uint32_t)i * 4 + SEARCH_KIND_GROUP, 0);
    if (r->kinds & KIND_BIT(SEARCH_KIND_POST))
        for (i = 1; i < m->nposts && i <= 0x3fffffff; i++)
            if (m->posts[i].alive)
                consider_item(r, (uint32_t)i * 4 + SEARCH_KIND_POST, 0);
    return RC_OK;
}

/* ------------------------------------------------------- parameters */

/* trade_one: mark the trade ids whose code starts with t (n bytes: one
 * item of the trade parameter); the number marked, -1 when t is not a
 * code or its beginning. */
static long trade_one(struct run *r, const char *t, size_t n)
{
    const char *colon = memchr(t, ':', n);
    char scheme[8] = "", want[24];
    size_t i;
    long matched = 0;

    if (colon) {
        if ((size_t)(colon - t) >= sizeof scheme) return -1;
        snprintf(scheme, sizeof scheme, "%.*s", (int)(colon - t), t);
        n -= (size_t)(colon - t) + 1;
        t = colon + 1;
    }
    if (n == 0 || n >= sizeof want || (*scheme && !search_trade_scheme_ok(scheme)))
        return -1;
    for (i = 0; i < n; i++)
        want[i] = (char)(t[i] >= 'a' && t[i] <= 'z' ? t[i] - 32 : t[i]);
    want[n] = 0;
    for (i = 0; i < r->m->ncodes; i++) {
        const char *code = r->m->codes[i];
        char nodot[16];

        if (*scheme && strcmp(r->m->schemes[i], scheme)) continue;
        /* A NAF code may be given without its dot: 4322 for 43.22. */
        snprintf(nodot, sizeof nodot, "%.2s%s", code,
                 code[0] && code[1] && code[2] == '.' ? code + 3 : code + 2);
        if (!strncmp(code, want, n) ||
            (code[2] == '.' && !strchr(want, '.') &&
             !strncmp(nodot, want, n))) {
            r->trade_ok[i] = 1;
            matched++;
        }
    }
    return matched;
}

/* trade_filter: the trade ids whose code starts with one of the
 * comma-separated prefixes of p->trade ("F16", "rome:F16", "43.2",
 * "cpv:4533", "F1603,F1604"). */
static int trade_filter(struct run *r, json_t *errs)
{
    struct check c = {errs, ""};
    const char *t = r->p->trade;
    long matched = 0;

    r->trade_ok = calloc(r->m->ncodes ? r->m->ncodes : 1, 1);
    if (!r->trade_ok) return -1;
    while (*t) {
        size_t n = strcspn(t, ",");
        long k = trade_one(r, t, n);

        if (k < 0) {
            check_fail(&c, "trade", "must be a trade code or its beginning:"
                                    " F16, rome:F1603, 43.22, cpv:4533");
            return -1;
        }
        matched += k;
        t += n;
        if (*t == ',') t++;
    }
    if (!matched) {
        check_fail(&c, "trade", "no trade code starts with %s", r->p->trade);
        return -1;
    }
    return 0;
}

/* filters: check and prepare every filter; errors go to errs. */
static void filters(struct run *r, json_t *errs)
{
    static const char *const statuses[] = {"porteur", "salarie", "associe"};
    const struct search_params *p = r->p;
    struct check c = {errs, ""};
    int i;

    r->coop = -1;
    r->dep = -1;
    r->status = -1;
    r->kinds = KINDS_ALL;
    if (p->kind && *p->kind) {
        if (!strcmp(p->kind, "entrepreneur"))
            r->kinds = KIND_BIT(SEARCH_KIND_ENTREPRENEUR);
        else if (!strcmp(p->kind, "offer"))
            r->kinds = KIND_BIT(SEARCH_KIND_OFFER);
        else if (!strcmp(p->kind, "group"))
            r->kinds = KIND_BIT(SEARCH_KIND_GROUP);
        else if (!strcmp(p->kind, "post"))
            r->kinds = KIND_BIT(SEARCH_KIND_POST);
        else
            check_fail(&c, "kind",
                       "must be entrepreneur, offer, group or post");
    }
    if (p->cooperative && *p->cooperative) {
        char name[8];

        if (!ids_parse(p->cooperative, &r->coop))
            check_fail(&c, "cooperative", "must be a cooperative id");
        else if (search_db_coop_name(r->db, r->coop, name, sizeof name) ==
                 RC_NOTFOUND)
            check_fail(&c, "cooperative", "unknown cooperative %s",
                       p->cooperative);
    }
    if (p->departement && *p->departement) {
        r->dep = search_mem_dep(r->m, p->departement);
        if (r->dep < 0)
            check_fail(&c, "departement", "unknown département %s",
                       p->departement);
    }
    if (p->status && *p->status) {
        for (i = 0; i < 3; i++)
            if (!strcmp(p->status, statuses[i])) r->status = i;
        if (r->status < 0)
            check_fail(&c, "status", "must be porteur, salarie or associe");
    }
    if (p->available_on && *p->available_on) {
        if (!check_date_str(p->available_on))
            check_fail(&c, "available_on", "must be a date YYYY-MM-DD");
        r->day = r->day_hi = search_mem_day(p->available_on);
        r->has_day = 1;
    } else if (p->available_before && *p->available_before) {
        char today[16];
        time_t now = time(NULL);
        struct tm tm;

        if (!check_date_str(p->available_before))
            check_fail(&c, "deadline", "must be a date YYYY-MM-DD");
        gmtime_r(&now, &tm);
        strftime(today, sizeof today, "%Y-%m-%d", &tm);
        r->day = search_mem_day(today);
        r->day_hi = search_mem_day(p->available_before);
        r->has_day = 1;
    }
    if (p->trade && *p->trade) trade_filter(r, errs);
    if (p->radius_km >= 0 && !(p->near && *p->near))
        check_fail(&c, "radius_km", "needs near");
}

/* place_json: set up r->place as the searched place; its JSON. */
static json_t *place_json(struct run *r)
{
    r->has_place = 1;
    r->place_dep = search_mem_dep(r->m, r->place.departement);
    r->place_insee = search_mem_insee(r->place.insee);
    r->place_reg = (uint32_t)strtoul(r->place.region, NULL, 10);
    r->plat = (float)r->place.lat;
    r->plon = (float)r->place.lon;
    r->coslat = (float)cos(r->place.lat * M_PI / 180);
    return search_place_json(&r->place);
}

/* resolve_near: the place of p->near; the JSON of the answer's place. */
static json_t *resolve_near(struct run *r, json_t *errs)
{
    struct check c = {errs, ""};
    json_t *alts = NULL, *place;
    enum rc rc;

    if (!r->p->near || !*r->p->near) return json_null();
    rc = search_place_resolve(r->db, r->p->near, &r->place, &alts);
    if (rc == RC_NOTFOUND) {
        check_fail(&c, "near", "unknown place '%s': give an INSEE code, a"
                               " postcode, a commune or lat,lon",
                   r->p->near);
        return NULL;
    }
    if (rc == RC_INVALID) {
        check_fail(&c, "near", "latitude or longitude out of range");
        return NULL;
    }
    if (rc != RC_OK) {
        check_fail(&c, "near", "cannot be resolved now");
        return NULL;
    }
    if (!r->place.located) {
        check_fail(&c, "near", "%s (%s) has no known coordinates; give"
                               " lat,lon", r->place.name, r->place.insee);
        json_decref(alts);
        return NULL;
    }
    place = place_json(r);
    if (place && alts) json_object_set_new(place, "alternatives", alts);
    else json_decref(alts);
    return place;
}

/* place_in_text: "menuisier près de Nantes", "plombier à Rezé",
 * "traductrice vers Lyon", "près de Nantes": when the words after the last
 * such preposition name a commune, they leave the text (*cut is where it
 * ends) and, without near, become the place. Returns 1 when found. */
static int place_in_text(struct run *r, const char *q, size_t *cut,
                         struct place *found)
{
    static const char *const preps[] = {
        " pr\xc3\xa8s de ", " pres de ", " autour de ", " aux environs de ",
        " \xc3\xa0 ",      " a ",       " vers ",      " sur ",
        " dans ",           " en ",
    };
    struct buf b = {0};
    json_t *alts = NULL;
    size_t n, i, best = 0, after = 0;
    int ok = 0;

    /* A leading space lets a text that starts with "près de" match. */
    buf_addc(&b, ' ');
    buf_adds(&b, q);
    if (buf_oom(&b)) return 0;
    n = b.len;
    for (i = 0; i < sizeof preps / sizeof preps[0]; i++) {
        size_t k = strlen(preps[i]), at;

        for (at = 0; at + k <= n; at++)
            if (!strncasecmp(b.p + at, preps[i], k) && at + k > after) {
                best = at;
                after = at + k;
            }
    }
    if (after && after < n &&
        search_place_resolve(r->db, b.p + after, found, &alts) == RC_OK &&
        found->located) {
        *cut = best > 0 ? best - 1 : 0;
        ok = 1;
    }
    json_decref(alts);
    buf_free(&b);
    return ok;
}

/* query_hash: the query's parameters, normalized. */
static uint32_t query_hash(const struct run *r)
{
    const struct search_params *p = r->p;
    char num[64];
    uint32_t h = 2166136261u;
    int i;

    for (i = 0; i < r->q.nterms; i++) h = fnv(h, r->q.terms[i].tok);
    h = fnv(h, r->has_place ? r->place.insee : "");
    snprintf(num, sizeof num, "%.4f,%.4f,%.3f,%d", r->plat, r->plon,
             p->radius_km, p->sort_distance);
    h = fnv(h, num);
    h = fnv(h, p->kind);
    h = fnv(h, p->trade);
    h = fnv(h, p->cooperative);
    h = fnv(h, p->departement);
    h = fnv(h, p->status);
    h = fnv(h, p->qualification);
    h = fnv(h, p->available_on);
    h = fnv(h, p->available_before);
    h = fnv(h, p->network ? "network" : "local");
    return h;
}

/* parse_cursor: "OFFSET-HASH" from a previous page of this query. */
static int parse_cursor(const struct run *r, json_t *errs, long *offset)
{
    struct check c = {errs, ""};
    const char *s = r->p->cursor;
    char want[16];
    long off = 0;
    int n = 0;

    *offset = 0;
    if (!s || !*s) return 0;
    while (s[n] >= '0' && s[n] <= '9' && n < 6) off = off * 10 + (s[n++] - '0');
    snprintf(want, sizeof want, "-%08x", r->hash);
    if (n == 0 || strcmp(s + n, want) || off > SEARCH_MAX_DEPTH) {
        check_fail(&c, "cursor", "is not a cursor of this search");
        return -1;
    }
    *offset = off;
    return 0;
}

/* ------------------------------------------------------------ answer */

static int cmp_results(const void *a, const void *b, void *arg)
{
    const struct run *r = arg;

    if (better(r, a, b)) return -1;
    if (better(r, b, a)) return 1;
    return 0;
}

/* facets: the counts as the answer shows them, with their labels. */
static void facets(struct run *r, json_t *out)
{
    const struct search_mem *m = r->m;
    json_t *trade = json_object(), *coop = json_object(), *dep = json_object();
    json_t *lt = json_object(), *lc = json_object(), *ld = json_object();
    json_t *kind, *lk;
    size_t i, k;
    char key[32];

    /* Trades: the TRADE_FACET_MAX most frequent, most frequent first. */
    for (k = 0; k < TRADE_FACET_MAX; k++) {
        size_t best = (size_t)-1;

        for (i = 0; i < m->ncodes; i++)
            if (r->f_trade[i] &&
                (best == (size_t)-1 || r->f_trade[i] > r->f_trade[best]))
                best = i;
        if (best == (size_t)-1) break;
        json_object_set_new(trade, m->codes[best],
                            json_integer(r->f_trade[best]));
        if (m->code_labels[best])
            json_object_set_new(lt, m->codes[best],
                                json_string(m->code_labels[best]));
        r->f_trade[best] = 0;
    }
    for (i = 0; i < m->ndeps; i++) {
        if (!r->f_dep[i]) continue;
        json_object_set_new(dep, m->deps[i], json_integer(r->f_dep[i]));
        if (m->dep_names[i])
            json_object_set_new(ld, m->deps[i], json_string(m->dep_names[i]));
    }
    for (i = 0; i < r->nf_coop; i++) {
        if (!r->f_coop[i]) continue;
        snprintf(key, sizeof key, "%zu", i);
        json_object_set_new(coop, key, json_integer(r->f_coop[i]));
        if (i < m->ncoops && m->coop_names[i])
            json_object_set_new(lc, key, json_string(m->coop_names[i]));
    }
    /* Kinds: how many of each (offers, groups and posts are counted as
     * they pass; the profiles are the rest). */
    {
        static const char *const kinds[] = {"entrepreneur", "offer", "group",
                                            "post"};
        static const char *const names[] = {"Entrepreneurs", "Offres",
                                            "Groupes", "Entraide"};
        long n[4];

        n[1] = r->f_kind[SEARCH_KIND_OFFER];
        n[2] = r->f_kind[SEARCH_KIND_GROUP];
        n[3] = r->f_kind[SEARCH_KIND_POST];
        n[0] = r->total - n[1] - n[2] - n[3];
        kind = json_object();
        lk = json_object();
        for (k = 0; k < 4; k++) {
            if (!n[k]) continue;
            json_object_set_new(kind, kinds[k], json_integer(n[k]));
            json_object_set_new(lk, kinds[k], json_string(names[k]));
        }
    }
    json_object_set_new(out, "facets",
                        json_pack("{s:o, s:o, s:o, s:o*}", "trade", trade,
                                  "cooperative", coop, "departement", dep,
                                  "kind", kind));
    json_object_set_new(out, "facet_labels",
                        json_pack("{s:o, s:o, s:o, s:o*}", "trade", lt,
                                  "cooperative", lc, "departement", ld,
                                  "kind", lk));
}

/* item_entrepreneur: one profile as the answer shows it. */
static json_t *item_entrepreneur(struct run *r, struct search_text *an,
                                 const struct result *x)
{
    json_t *row = NULL, *doc, *o, *loc, *why = NULL;
    struct explain_ctx ctx;
    char *snippet;
    double dist = 0;

    if (search_db_entrepreneur(r->db, x->id, &row) != RC_OK) return NULL;
    doc = json_object_get(row, "doc");
    loc = json_object_get(doc, "location");
    dist = explain_ctx_of(r, x, loc, &ctx);
    if (x->id < r->m->ndocs) ctx.helped = r->m->docs[x->id].helped;
    search_explain(an, &r->q, doc, &ctx, &snippet, &why);
    o = json_pack("{s:s, s:o, s:O, s:O, s:O, s:{s:o, s:O}, s:O, s:O, s:O,"
                  " s:{s:O, s:O, s:O, s:O, s:O}}",
                  "kind", "entrepreneur", "id", ids_json(x->id),
                  "external_id", json_object_get(row, "external_id"),
                  "name", json_object_get(doc, "display_name"),
                  "headline", json_object_get(doc, "headline")
                                  ? json_object_get(doc, "headline")
                                  : json_null(),
                  "cooperative", "id",
                  ids_json(json_integer_value(json_object_get(row,
                                                              "cooperative_id"))),
                  "name", json_object_get(row, "cooperative_name"),
                  "trades", json_object_get(doc, "trades"),
                  "city", json_object_get(loc, "city"),
                  "status", json_object_get(doc, "status"),
                  "location", "insee", json_object_get(loc, "insee"),
                  "city", json_object_get(loc, "city"),
                  "departement", json_object_get(loc, "departement"),
                  "lat", json_object_get(loc, "lat"),
                  "lon", json_object_get(loc, "lon"));
    if (o) {
        set_rank(o, r, dist, snippet, x, why);
        why = NULL;
        /* A peer's profile: when it was fetched (api_search.c adds the
         * origin). */
        if (d_remote(r->m, x->id))
            json_object_set(o, "fetched_at",
                            json_object_get(row, "updated_at"));
    }
    free(snippet);
    json_decref(why);
    json_decref(row);
    return o;
}

/* trades_json: trade ids as the answer shows trades. */
static json_t *trades_json(const struct search_mem *m, const uint32_t *t,
                           int n)
{
    json_t *a = json_array();
    int i;

    for (i = 0; a && i < n; i++)
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:s?}", "code", m->codes[t[i]], "scheme",
                         m->schemes[t[i]], "label", m->code_labels[t[i]]));
    return a;
}

/* start_of: the beginning of text s, about n characters cut at a space,
 * "…" when cut (a new string). */
static json_t *start_of(const char *s, size_t n)
{
    size_t len, cut;
    char *t;
    json_t *j;

    if (!s || !*s) return json_null();
    len = strlen(s);
    if (text_utf8_chars(s) <= n) return json_string(s);
    cut = n * 3 / 2 < len ? n * 3 / 2 : len; /* bytes: accents take two */
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
    while (cut > n / 2 && s[cut] != ' ') cut--;
    t = malloc(cut + 4);
    if (!t) return NULL;
    memcpy(t, s, cut);
    memcpy(t + cut, "\xe2\x80\xa6", 4); /* … */
    j = json_string(t);
    free(t);
    return j;
}

/* group_people: the accepted members of group g the viewer may see, and
 * their distinct cooperatives. */
static void group_people(const struct run *r, const struct mem_item *g,
                         int *members, int *coops)
{
    uint32_t seen_coop[ITEM_MEMBERS];
    int i, n = 0;

    *members = 0;
    for (i = 0; i < g->nmember; i++) {
        const struct mem_doc *d = seen(r, g->member[i]);

        if (!d) continue;
        (*members)++;
        if (n < ITEM_MEMBERS && !has_u32(seen_coop, n, d->coop))
            seen_coop[n++] = d->coop;
    }
    *coops = n;
}

/* lead_of_group: "groupe de 3 membres de 2 coopératives". */
static json_t *lead_of_group(int members, int coops)
{
    char a[48], b[48];

    if (members == 1)
        snprintf(a, sizeof a, "d'un membre");
    else
        snprintf(a, sizeof a, "de %d membres", members);
    if (coops == 1)
        snprintf(b, sizeof b, " d'une coopérative");
    else
        snprintf(b, sizeof b, " de %d coopératives", coops);
    return json_sprintf("groupe %s%s", a, b);
}

/* item_other: an offer or a group as the answer shows it (search_item.h
 * for the rules; the answer's fields in README "Search"). */
static json_t *item_other(struct run *r, struct search_text *an,
                          const struct result *x)
{
    const struct mem_item *it = search_mem_item(r->m, x->kind, x->id);
    int offer = x->kind == SEARCH_KIND_OFFER, members = 0, coops = 0;
    json_t *row = NULL, *who = NULL, *o = NULL, *why = NULL, *edoc = NULL;
    json_t *trades = NULL, *wdoc, *loc, *coop = NULL, *lead = NULL;
    struct item_eval *ev = malloc(sizeof *ev);
    struct explain_ctx ctx;
    char *snippet = NULL;
    const char *member = NULL;
    long long owner;
    double dist = 0;
    enum rc rc;

    if (!ev || !it || !eval_item(r, x->id * 4 + x->kind, ev)) goto out;
    rc = offer ? search_db_offer(r->db, x->id, &row)
               : search_db_group(r->db, x->id, &row);
    if (rc != RC_OK) goto out;
    if (search_db_entrepreneur(r->db, ev->best, &who) != RC_OK) goto out;
    wdoc = json_object_get(who, "doc");
    loc = json_object_get(wdoc, "location");
    dist = explain_ctx_of(r, x, loc, &ctx);
    if (offer) {
        json_t *dt = json_object_get(json_object_get(row, "doc"), "trades");

        trades = json_array_size(dt) ? json_incref(dt)
                                     : trades_json(r->m, ev->trade,
                                                   ev->ntrade);
        lead = json_sprintf("offre de %s",
                            json_string_value(json_object_get(row,
                                                              "owner_name")));
        if ((json_int_t)ev->best !=
            json_integer_value(json_object_get(row, "entrepreneur_id")))
            member =
                json_string_value(json_object_get(wdoc, "display_name"));
        edoc = json_pack("{s:O?, s:O}", "description",
                         json_object_get(json_object_get(row, "doc"),
                                         "description"),
                         "trades", trades);
    } else {
        trades = trades_json(r->m, ev->trade, ev->ntrade);
        group_people(r, it, &members, &coops);
        lead = lead_of_group(members, coops);
        member = json_string_value(json_object_get(wdoc, "display_name"));
        edoc = json_pack("{s:O?, s:O, s:O}", "description",
                         json_object_get(row, "description"), "skills",
                         json_object_get(row, "offers"), "trades", trades);
    }
    if (!trades || !edoc || !lead) goto out;
    ctx.member = member;
    ctx.lead = json_string_value(lead);
    search_explain(an, &r->q, edoc, &ctx, &snippet, &why);
    /* Whose cooperative: an entrepreneur's offer, its owner's; else the
     * one of the person that places it. */
    owner = json_integer_value(json_object_get(row, "entrepreneur_id"));
    if (offer && owner)
        coop = json_pack("{s:o, s:O}", "id",
                         ids_json(json_integer_value(
                             json_object_get(row, "owner_cooperative_id"))),
                         "name",
                         json_object_get(row, "owner_cooperative_name"));
    else if (offer)
        coop = json_pack("{s:o, s:O}", "id",
                         ids_json(json_integer_value(
                             json_object_get(who, "cooperative_id"))),
                         "name", json_object_get(who, "cooperative_name"));
    else
        coop = json_null();
    o = json_pack("{s:s, s:o, s:n, s:O, s:o, s:O, s:O?,"
                  " s:{s:O?, s:O?, s:O?, s:O?, s:O?}}",
                  "kind", offer ? "offer" : "group",
                  "id", ids_json(x->id),
                  "external_id",
                  "name", offer ? json_object_get(row, "title")
                                : json_object_get(row, "name"),
                  "cooperative", coop,
                  "trades", trades,
                  "city", json_object_get(loc, "city"),
                  "location", "insee", json_object_get(loc, "insee"),
                  "city", json_object_get(loc, "city"),
                  "departement", json_object_get(loc, "departement"),
                  "lat", json_object_get(loc, "lat"),
                  "lon", json_object_get(loc, "lon"));
    coop = NULL;
    if (!o) goto out;
    if (offer) {
        json_object_set(o, "title", json_object_get(row, "title"));
        json_object_set(o, "headline", json_object_get(row, "owner_name"));
        json_object_set_new(
            o, "owner",
            owner ? json_pack("{s:s, s:o, s:O}", "kind", "entrepreneur", "id",
                              ids_json(owner), "name",
                              json_object_get(row, "owner_name"))
                  : json_pack("{s:s, s:o, s:O, s:O}", "kind", "group", "id",
                              ids_json(json_integer_value(
                                  json_object_get(row, "group_id"))),
                              "name", json_object_get(row, "owner_name"),
                              "slug", json_object_get(row, "owner_slug")));
    } else {
        json_object_set(o, "slug", json_object_get(row, "slug"));
        json_object_set(o, "group_kind", json_object_get(row, "kind"));
        json_object_set_new(
            o, "headline",
            start_of(json_string_value(json_object_get(row, "description")),
                     160));
        json_object_set_new(o, "members", json_integer(members));
        json_object_set_new(o, "cooperatives", json_integer(coops));
    }
    set_rank(o, r, dist, snippet, x, why);
    why = NULL;
    /* A peer's offer or group (its people are the peer's copies): when
     * it was fetched, and for a group the peer's cooperative of the
     * person that places it, from which api_search.c tells its origin. */
    if (d_remote(r->m, ev->best)) {
        json_object_set(o, "fetched_at", json_object_get(row, "updated_at"));
        if (!offer)
            json_object_set_new(
                o, "cooperative",
                json_pack("{s:o, s:O}", "id",
                          ids_json(json_integer_value(
                              json_object_get(who, "cooperative_id"))),
                          "name", json_object_get(who, "cooperative_name")));
    }
out:
    free(ev);
    free(snippet);
    json_decref(why);
    json_decref(row);
    json_decref(who);
    json_decref(edoc);
    json_decref(trades);
    json_decref(coop);
    json_decref(lead);
    return o;
}

/* item_post: a contribution-temps post as the answer shows it: as an
 * entrepreneur's offer, its author for its owner (README "Posts in the
 * search"); city, location and distance are the author's home, where
 * the post is found through. */
static json_t *item_post(struct run *r, struct search_text *an,
                         const struct result *x)
{
    json_t *row = NULL, *who = NULL, *o = NULL, *why = NULL, *edoc = NULL;
    json_t *trades = NULL, *doc, *wdoc, *loc, *lead = NULL;
    struct item_eval *ev = malloc(sizeof *ev);
    struct explain_ctx ctx;
    const char *author;
    char *snippet = NULL;
    double dist = 0;

    if (!ev || !eval_item(r, x->id * 4 + x->kind, ev)) goto out;
    if (search_item_post(r->db, x->id, &row) != RC_OK) goto out;
    if (search_db_entrepreneur(r->db, ev->best, &who) != RC_OK) goto out;
    doc = json_object_get(row, "doc");
    wdoc = json_object_get(who, "doc");
    loc = json_object_get(wdoc, "location");
    author = json_string_value(json_object_get(row, "author_name"));
    dist = explain_ctx_of(r, x, loc, &ctx);
    trades = json_array_size(json_object_get(doc, "trades"))
                 ? json_incref(json_object_get(doc, "trades"))
                 : trades_json(r->m, ev->trade, ev->ntrade);
    lead = json_sprintf("%s d'entraide de %s",
                        strcmp(json_string_value(json_object_get(row, "kind")),
                               "need")
                            ? "offre"
                            : "demande",
                        author ? author : "");
    edoc = json_pack("{s:O?, s:O}", "description",
                     json_object_get(doc, "description"), "trades", trades);
    if (!trades || !edoc || !lead) goto out;
    ctx.lead = json_string_value(lead);
    search_explain(an, &r->q, edoc, &ctx, &snippet, &why);
    o = json_pack("{s:s, s:o, s:n, s:O, s:O, s:O, s:s, s:{s:o, s:O},"
                  " s:{s:o, s:O}, s:O, s:O?, s:O?, s:O?, s:O?, s:O?,"
                  " s:{s:O?, s:O?, s:O?, s:O?, s:O?}}",
                  "kind", "post", "id", ids_json(x->id), "external_id",
                  "name", json_object_get(row, "title"),
                  "title", json_object_get(row, "title"),
                  "headline", json_object_get(row, "author_name"),
                  "post_kind", json_string_value(json_object_get(row, "kind")),
                  "author", "id",
                  ids_json(json_integer_value(
                      json_object_get(row, "entrepreneur_id"))),
                  "name", json_object_get(row, "author_name"),
                  "cooperative", "id",
                  ids_json(json_integer_value(
                      json_object_get(row, "cooperative_id"))),
                  "name", json_object_get(row, "cooperative_name"),
                  "trades", trades,
                  "place", json_object_get(doc, "place"),
                  "from", json_object_get(doc, "from"),
                  "until", json_object_get(doc, "until"),
                  "city", json_object_get(loc, "city"),
                  "created_at", json_object_get(row, "created_at"),
                  "location", "insee", json_object_get(loc, "insee"),
                  "city", json_object_get(loc, "city"),
                  "departement", json_object_get(loc, "departement"),
                  "lat", json_object_get(loc, "lat"),
                  "lon", json_object_get(loc, "lon"));
    if (!o) goto out;
    set_rank(o, r, dist, snippet, x, why);
    why = NULL;
out:
    free(ev);
    free(snippet);
    json_decref(why);
    json_decref(row);
    json_decref(who);
    json_decref(edoc);
    json_decref(trades);
    json_decref(lead);
    return o;
}

/* item: one result as the answer shows it. */
static json_t *item(struct run *r, struct search_text *an,
                    const struct result *x)
{
    if (x->kind == SEARCH_KIND_POST) return item_post(r, an, x);
    if (x->kind == SEARCH_KIND_OFFER || x->kind == SEARCH_KIND_GROUP)
        return item_other(r, an, x);
    return item_entrepreneur(r, an, x);
}

/* ---------------------------------------------------------------- run */

/* browse: a search without words: candidates from the shortest list the
 * filters allow (the entries of the département, or of the trade codes),
 * else every entry. */
static enum rc browse(struct run *r)
{
    const struct search_mem *m = r->m;
    size_t i, k, by_trade = 0, by_dep = (size_t)-1;
    uint64_t *seen;

    if (!(r->kinds & KIND_BIT(SEARCH_KIND_ENTREPRENEUR))) return RC_OK;
    if (r->dep >= 0 && m->by_dep) by_dep = m->by_dep[r->dep].n;
    if (r->trade_ok && m->by_code) {
        for (k = 0; k < m->ncodes; k++)
            if (r->trade_ok[k]) by_trade += m->by_code[k].n;
    } else {
        by_trade = (size_t)-1;
    }
    if (by_dep != (size_t)-1 && by_dep <= by_trade) {
        for (i = 0; i < by_dep; i++)
            candidate(r, m->by_dep[r->dep].id[i], 0);
    } else if (by_trade != (size_t)-1) {
        /* A profile with two of the codes is in two lists: once only. */
        seen = calloc((m->ndocs + 63) / 64, sizeof *seen);
        if (!seen) return RC_NOMEM;
        for (k = 0; k < m->ncodes; k++) {
            if (!r->trade_ok[k]) continue;
            for (i = 0; i < m->by_code[k].n; i++) {
                uint32_t id = m->by_code[k].id[i];

                if (seen[id / 64] & (1ull << (id % 64))) continue;
                seen[id / 64] |= 1ull << (id % 64);
                candidate(r, id, 0);
            }
        }
        free(seen);
    } else {
        for (i = 1; i < m->ndocs; i++) candidate(r, (uint32_t)i, 0);
    }
    flush(r);
    return RC_OK;
}

/* words: the FTS5 pass: the ids matching every word (and the
 * qualification tag), with the fields each word matched in. */
static enum rc words(struct run *r, const char *qual)
{
    char map[SEARCH_MAX_PHRASES + 1];
    const struct postings *cached;
    enum rc rc;
    size_t k;
    int i, n, short_only;

    search_query_begin(&r->q);
    if (qual) search_query_and1(&r->q, qual);
    /* One kind of item only: its tag (a short doclist) keeps the
     * profiles out of the FTS5 answer. */
    if (r->kinds == KIND_BIT(SEARCH_KIND_OFFER))
        search_query_and1(&r->q, "_k_o");
    else if (r->kinds == KIND_BIT(SEARCH_KIND_GROUP))
        search_query_and1(&r->q, "_k_g");
    else if (r->kinds == KIND_BIT(SEARCH_KIND_POST))
        search_query_and1(&r->q, "_k_p");
    if (buf_oom(&r->q.expr)) return RC_NOMEM;
    n = r->q.nphrases < SEARCH_MAX_PHRASES ? r->q.nphrases : SEARCH_MAX_PHRASES;
    /* Only words still being typed, of 3 letters ("pla"): where they
     * match is not worth its cost (one match in six of the index). */
    for (i = 0, short_only = r->q.nterms > 0; i < r->q.nterms; i++)
        if (!r->q.terms[i].prefix || strlen(r->q.terms[i].word) > 3)
            short_only = 0;
    for (i = 0; i < n; i++)
        map[i] = r->q.phrase_term[i] < 0 || short_only ? '-'
                 : r->q.phrase_term[i] < SEARCH_MAX_TERMS
                     ? (char)('0' + r->q.phrase_term[i])
                     : (char)('a' + r->q.phrase_term[i] - SEARCH_MAX_TERMS);
    map[n] = 0;
    cached = search_mem_cache_get(r->m, buf_str(&r->q.expr));
    if (cached) {
        if (r->kinds & KIND_BIT(SEARCH_KIND_ENTREPRENEUR))
            for (k = 0; k < cached->n; k++)
                candidate(r, cached->id[k], cached->fields[k]);
        for (k = 0; k < cached->nx; k++)
            item_candidate(r, cached->xrow[k], cached->xfields[k]);
        flush(r);
        search_mem_cache_release(r->m, cached);
        return RC_OK;
    }
    r->collect = calloc(1, sizeof *r->collect);
    rc = search_db_match(r->db, buf_str(&r->q.expr), map, on_match, r);
    flush(r);
    if (rc == RC_OK && r->collect && !r->collect_failed &&
        r->collect->n >= CACHE_MIN) {
        search_mem_cache_put(r->m, buf_str(&r->q.expr), r->collect);
        r->collect = NULL;
    }
    if (r->collect) {
        free(r->collect->id);
        free(r->collect->fields);
        free(r->collect->xrow);
        free(r->collect->xfields);
        free(r->collect);
        r->collect = NULL;
    }
    return rc;
}

/* answer_key: the parameters, the viewer and the day of a search, as
 * one string (a post leaves the results when its day has passed, with no
 * write to empty the cache). */
static char *answer_key(const struct search_params *p, const struct viewer *v,
                        int32_t today)
{
    const char *const fields[] = {p->q, p->near, p->kind, p->trade,
                                  p->cooperative, p->departement, p->status,
                                  p->qualification, p->available_on,
                                  p->available_before,
                                  p->cursor};
    struct buf b = {0};
    size_t i;

    buf_addf(&b, "%d|%lld|%lld|%.6f|%d|%d|%ld|%d", (int)v->role,
             v->cooperative_id, v->entrepreneur_id, p->radius_km,
             p->sort_distance, p->limit, (long)today, p->network);
    for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        buf_addc(&b, '\x1f');
        if (fields[i]) buf_adds(&b, fields[i]);
    }
    return buf_take(&b);
}

/* The analyzer of this thread, made on its first search and freed when
 * the thread ends (CivetWeb's workers live as long as the server). */
static pthread_key_t analyzer_key;
static pthread_once_t analyzer_once = PTHREAD_ONCE_INIT;

static void analyzer_free(void *p)
{
    search_text_free(p);
}

static void analyzer_key_make(void)
{
    pthread_key_create(&analyzer_key, analyzer_free);
}

static struct search_text *analyzer(void)
{
    struct search_text *an;

    pthread_once(&analyzer_once, analyzer_key_make);
    an = pthread_getspecific(analyzer_key);
    if (!an) {
        an = search_text_new(1024);
        if (an && pthread_setspecific(analyzer_key, an)) {
            search_text_free(an);
            an = NULL;
        }
    }
    return an;
}

enum rc search_run(struct db *db, const struct viewer *v,
                   const struct search_params *p, json_t *errs, json_t **out)
{
    struct search_text *an = analyzer();
    struct run r;
    json_t *place = NULL, *results = NULL, *answer = NULL;
    char *qual = NULL, tagbuf[96], *text_cut = NULL, *key = NULL;
    struct place found;
    const char *text;
    size_t cut = 0;
    long offset = 0;
    size_t i;
    enum rc rc;

    *out = NULL;
    memset(&r, 0, sizeof r);
    r.db = db;
    r.v = v;
    r.p = p;
    r.place_dep = -1;
    r.today = (int32_t)(time(NULL) / 86400);
    if (!an) return RC_NOMEM;
    /* One read transaction: one snapshot, one lock for every read. */
    rc = db_begin_read(db);
    if (rc != RC_OK) return rc;
    rc = search_mem_acquire(db, &r.m);
    if (rc != RC_OK) goto out;
    key = answer_key(p, v, r.today);
    /* The cache keeps a copy of its own and hands out copies: a caller
     * may add to its answer (api_search adds origins) while other threads
     * read the cached one. */
    if (key) {
        json_t *hit = search_mem_answer_get(r.m, key);

        *out = hit ? json_deep_copy(hit) : NULL;
        json_decref(hit);
    }
    if (*out) goto out;
    filters(&r, errs);
    place = resolve_near(&r, errs);
    text = p->q ? p->q : "";
    if (place && place_in_text(&r, text, &cut, &found)) {
        /* The place typed in the text leaves it, and is the place when
         * near does not give one. */
        text_cut = strndup(text, cut);
        text = text_cut ? text_cut : "";
        if (json_is_null(place)) {
            json_decref(place);
            r.place = found;
            place = place_json(&r);
        }
    }
    search_query_parse(an, text, &r.q);
    r.hash = query_hash(&r);
    parse_cursor(&r, errs, &offset);
    if (json_array_size(errs)) {
        rc = RC_INVALID;
        goto out;
    }
    rc = search_query_expand(db, &r.q);
    if (rc != RC_OK) goto out;
    r.keep = (size_t)offset + (size_t)p->limit;
    r.heap = calloc(r.keep, sizeof *r.heap);
    r.f_trade = calloc(r.m->ncodes + 1, sizeof *r.f_trade);
    r.f_dep = calloc(r.m->ndeps + 1, sizeof *r.f_dep);
    if (!r.heap || !r.f_trade || !r.f_dep) {
        rc = RC_NOMEM;
        goto out;
    }
    if (p->qualification && *p->qualification) {
        qual = search_index_qualification(p->qualification);
        if (!qual) {
            rc = RC_NOMEM;
            goto out;
        }
        snprintf(tagbuf, sizeof tagbuf, "_q_%s", qual);
    }
    if (r.q.nterms || qual) {
        rc = words(&r, qual ? tagbuf : NULL);
        if (rc == RC_OK) rc = items(&r, 0);
    } else {
        rc = browse(&r);
        if (rc == RC_OK) rc = items(&r, 1);
    }
    if (rc != RC_OK) goto out;
    qsort_r(r.heap, r.nheap, sizeof *r.heap, cmp_results, &r);
    results = json_array();
    for (i = (size_t)offset; i < r.nheap; i++) {
        json_t *o = item(&r, an, &r.heap[i]);

        if (o) json_array_append_new(results, o);
    }
    answer = json_object();
    if (!answer || !results) {
        rc = RC_NOMEM;
        goto out;
    }
    json_object_set_new(answer, "total", json_integer(r.total));
    json_object_set(answer, "place", place);
    json_object_set(answer, "results", results);
    facets(&r, answer);
    if (r.total > offset + p->limit &&
        offset + p->limit < SEARCH_MAX_DEPTH) {
        char cursor[32];

        snprintf(cursor, sizeof cursor, "%ld-%08x", offset + p->limit,
                 r.hash);
        json_object_set_new(answer, "next_cursor", json_string(cursor));
    } else {
        json_object_set_new(answer, "next_cursor", json_null());
    }
    if (key) {
        json_t *copy = json_deep_copy(answer);

        if (copy) search_mem_answer_put(r.m, key, copy);
        json_decref(copy);
    }
    *out = answer;
    answer = NULL;
    rc = RC_OK;
out:
    search_mem_release(r.m);
    if (rc == RC_OK)
        db_commit(db);
    else
        db_rollback(db);
    search_query_free(&r.q);
    json_decref(place);
    json_decref(results);
    json_decref(answer);
    free(qual);
    free(key);
    free(text_cut);
    free(r.trade_ok);
    free(r.heap);
    free(r.f_trade);
    free(r.f_dep);
    free(r.f_coop);
    free(r.items);
    return rc;
}
