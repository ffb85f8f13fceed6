/*
 * search_mem.h: the in-memory table that search filters, ranks and counts
 * on: one small fixed-size entry per entrepreneur (home, radius, zones,
 * visibility, cooperative, département, status, availability, trade
 * codes), indexed by id.
 *
 * Why: FTS5 hands out the ids matching a word at ~0.05 µs each, but
 * reading the matching rows from SQLite costs 7–30 µs each at a million
 * profiles (measured: a join over 60,000 plumbers took 0.45–2 s), and
 * FTS5's bm25 ranking ~33 µs each. So the text goes to FTS5, and every
 * filter, the area, the facets and the ranking read this table.
 *
 * Beside them, a small entry per offer, per group and per time post
 * (struct mem_item, search_item.h): who delivers an offer, who the
 * members of a group are, who wrote a post; their areas, cooperatives and
 * visibility are those of these people's entries, read at query time.
 *
 * The table is a cache of the entrepreneur rows, never a source of truth.
 * It is kept per database file and brought up to date before each use
 * from the change sequence (store/db.h: db_next_seq): rows written with a
 * higher change number are reloaded, tombstones remove rows. So it sees
 * what another process (an import) committed, and a write is visible to
 * the next search.
 *
 * Thread-safety: search_mem_acquire() returns the table read-locked (after
 * refreshing it under the write lock when needed); search_mem_release()
 * unlocks it. Any number of readers at once.
 */
#ifndef ESSAIM_SEARCH_MEM_H
#define ESSAIM_SEARCH_MEM_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../store/db.h"

/* Visibility and status codes of an entry. */
enum { MEM_PUBLIC, MEM_NETWORK, MEM_COOPERATIVE, MEM_PRIVATE };
enum { MEM_PORTEUR, MEM_SALARIE, MEM_ASSOCIE };

/* Zones: FR, a département (by index), a region (by its code). */
#define MEM_ZONE_FR 1u
#define MEM_ZONE_DEP(i) ((1u << 24) | (uint32_t)(i))
#define MEM_ZONE_REG(code) ((2u << 24) | (uint32_t)(code))

#define MEM_DAY_NONE_FROM INT32_MIN
#define MEM_DAY_NONE_UNTIL INT32_MAX

#define MEM_INLINE_ZONES 3
#define MEM_INLINE_TRADES 6

/* One entrepreneur: 64 bytes, one cache line: everything a candidate is
 * checked and counted on, without a second memory access in the usual
 * case (lists longer than the inline room continue in the pool). */
struct mem_doc {
    float lat, lon;       /* home */
    float radius;         /* intervention radius, km; < 0: none */
    uint32_t coop;        /* cooperative id */
    uint32_t insee;       /* commune of the home, search_mem_insee() */
    int32_t from, until;  /* availability, days since 1970-01-01 */
    uint32_t pool;        /* zones then trade ids beyond the inline ones */
    uint32_t zone[MEM_INLINE_ZONES];   /* first zones */
    uint16_t trade[MEM_INLINE_TRADES]; /* first trade ids */
    uint16_t dep;         /* département index of the home */
    uint8_t vis, status;  /* MEM_PUBLIC..., MEM_PORTEUR... */
    uint8_t nzones;       /* zones in all */
    uint8_t ntrades;      /* trade ids in all */
    uint8_t alive;        /* 0: no entrepreneur has this id */
    uint8_t helped;       /* contribution-temps: 0 none, 1 helped others
                             2 h or more, 2 10 h, 3 40 h (the hours earned
                             in the time ledger) */
} __attribute__((aligned(64)));
_Static_assert(sizeof(struct mem_doc) == 64, "one cache line per profile");

/* An offer, a group or a time post. Lists are ascending and owned by
 * the table. */
struct mem_item {
    uint32_t *member;     /* offer: who delivers it (offer_member); group:
                             its accepted members; post: none */
    uint32_t *trade;      /* offer, post: its trade ids; group: the trade
                             ids of its active offers (derived) */
    uint32_t *deliver;    /* group (derived): its accepted members who
                             deliver one of its active offers; none: all
                             its members (no offer, or one delivered by
                             every member) */
    uint32_t owner;       /* offer: the entrepreneur who owns it, 0; post:
                             its author */
    uint32_t group;       /* offer: the group that owns it, 0 */
    int32_t from, until;  /* post: its dates, days since 1970-01-01
                             (MEM_DAY_NONE_FROM / _UNTIL: none); it is
                             searched until its `until` day */
    uint16_t nmember, ntrade, ndeliver;
    uint8_t alive;        /* an active offer; a business or trade group;
                             an open post */
};

struct search_mem {
    struct mem_item *offers; /* by offer id; noffers entries */
    size_t noffers;
    struct mem_item *groups; /* by group id; ngroups entries */
    size_t ngroups;
    struct mem_item *posts;  /* by time_post id; nposts entries */
    size_t nposts;
    long items_alive;     /* offers, groups and posts alive */
    struct mem_doc *docs; /* by entrepreneur id; ndocs entries */
    size_t ndocs;
    uint32_t *pool;       /* zones and trade ids beyond the inline room */
    size_t npool;
    long alive;           /* entries alive */
    /* The code tables: trade codes ("F1603", "43.22A") and their scheme,
     * départements ("44", "2A"), sorted for lookups. */
    char (*codes)[16];
    char (*schemes)[8];
    size_t ncodes;
    char (*deps)[4];
    size_t ndeps;
    char **code_labels;   /* by trade id: its French label */
    char **dep_names;     /* by département index */
    char **coop_names;    /* by cooperative id, NULL for none */
    uint8_t *coop_remote; /* by cooperative id: 1 for a cooperative of a
                             peer instance (federation/fed.h) */
    size_t ncoops;
    /* Lists of ids, ascending, rebuilt when the table changes: the
     * entries whose home is in each département, and that have each trade
     * code. A search without words starts from the shortest list its
     * filters allow instead of every entry. */
    struct mem_list {
        uint32_t *id;
        size_t n;
    } *by_dep, *by_code;  /* ndeps and ncodes lists */
};

/* search_mem_acquire: the table of db's file, up to date, read-locked.
 * Release it with search_mem_release(). Up to date means at least as new
 * as db's read snapshot: a refresh never goes back. When the table is
 * newer (another thread refreshed it after this snapshot began), it is
 * used as is and this thread's answers are not cached until its next
 * acquire (they could miss the newest writes). */
enum rc search_mem_acquire(struct db *db, const struct search_mem **out);
void search_mem_release(const struct search_mem *m);

/* search_mem_item: offer (kind 1), group (kind 2) or post (kind 3) id,
 * NULL when the table has no such entry alive. */
static inline const struct mem_item *search_mem_item(const struct search_mem *m,
                                                     int kind, uint32_t id)
{
    const struct mem_item *x = NULL;

    if (kind == 1 && id < m->noffers)
        x = &m->offers[id];
    else if (kind == 2 && id < m->ngroups)
        x = &m->groups[id];
    else if (kind == 3 && id < m->nposts)
        x = &m->posts[id];
    return x && x->alive ? x : NULL;
}

/* search_mem_zone: zone i of an entry (i < nzones). */
static inline uint32_t search_mem_zone(const struct search_mem *m,
                                       const struct mem_doc *d, int i)
{
    return i < MEM_INLINE_ZONES ? d->zone[i]
                                : m->pool[d->pool + i - MEM_INLINE_ZONES];
}

/* search_mem_trade: trade id i of an entry (i < ntrades). */
static inline uint32_t search_mem_trade(const struct search_mem *m,
                                        const struct mem_doc *d, int i)
{
    int over = d->nzones > MEM_INLINE_ZONES ? d->nzones - MEM_INLINE_ZONES : 0;

    return i < MEM_INLINE_TRADES
               ? d->trade[i]
               : m->pool[d->pool + over + i - MEM_INLINE_TRADES];
}

/* Postings: the ids (rowid >> 2, ascending) an FTS5 expression matched
 * and where its words matched (essaim_fields), the offers', groups' and
 * posts' apart (their rowids, id * 4 + kind), kept per table in a cache
 * bounded in bytes, least recently used first out, emptied whenever the
 * table changes. A popular word ("plombier") is then read from FTS5 once
 * per change, not once per search. */
struct postings {
    uint32_t *id;
    uint32_t *fields;
    size_t n;
    uint32_t *xrow;    /* offers, groups and posts: rowids */
    uint32_t *xfields;
    size_t nx;
};

/* search_mem_cache_get: the cached postings of key, or NULL; a reference
 * to give back with search_mem_cache_release(). */
const struct postings *search_mem_cache_get(const struct search_mem *m,
                                            const char *key);

/* search_mem_cache_put: cache p (stolen) under key; p may be freed at
 * once when the cache is full of postings in use. */
void search_mem_cache_put(const struct search_mem *m, const char *key,
                          struct postings *p);

void search_mem_cache_release(const struct search_mem *m,
                              const struct postings *p);

/* search_mem_cache_limit: the cache's size in bytes (set before use); 0
 * turns both caches off. */
void search_mem_cache_limit(size_t bytes);

/* The answers of recent searches, by their normalized parameters and
 * viewer (key), for as long as the table does not change: the 256 most
 * recently used. A repeated search (a shared link, a page reloaded, the
 * next visitor asking the same) costs a lookup. */

/* search_mem_answer_get: a new reference to the cached answer of key, or
 * NULL. The answer must not be modified. */
json_t *search_mem_answer_get(const struct search_mem *m, const char *key);

/* search_mem_answer_put: cache answer (a new reference is taken). */
void search_mem_answer_put(const struct search_mem *m, const char *key,
                           json_t *answer);

/* search_mem_dep: the index of a département code, or -1. */
int search_mem_dep(const struct search_mem *m, const char *code);

/* search_mem_code: the id of a trade code, or -1. */
int search_mem_code(const struct search_mem *m, const char *code);

/* search_mem_insee: an INSEE code as a number ("2A004" -> 100004). */
uint32_t search_mem_insee(const char *insee);

/* search_mem_day: "YYYY-MM-DD" as days since 1970-01-01. */
int32_t search_mem_day(const char *date);

/* search_mem_shutdown: free every table (at exit, for leak checkers). */
void search_mem_shutdown(void);

#endif
