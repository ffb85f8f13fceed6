/*
 * search_mem_db.c: loading and refreshing the in-memory table from the
 * database, and its registry by file (see search_mem.h).
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/log.h"
#include "search_mem.h"

static const char sql_seq[] = "SELECT n FROM change_seq";
static const char sql_rows[] =
    "SELECT id, cooperative_id, visibility, status, insee, departement, lat,"
    " lon, radius_km, zones, avail_from, avail_until, h.given"
    " FROM entrepreneur LEFT JOIN (SELECT account_id, sum(amount) AS given"
    " FROM time_movement WHERE amount > 0 GROUP BY account_id) h"
    " ON h.account_id = entrepreneur.id WHERE seq > ?1 ORDER BY id";
/* The rows changed since ?1, by the seq index: a refresh costs the
 * changes, not the table (with sql_rows' ORDER BY id and its aggregate
 * over the whole ledger, SQLite scanned every profile at every refresh:
 * 12 to 46 ms at 10,000 profiles, under the table's exclusive lock). */
static const char sql_changed_rows[] =
    "SELECT id, cooperative_id, visibility, status, insee, departement, lat,"
    " lon, radius_km, zones, avail_from, avail_until,"
    " (SELECT sum(amount) FROM time_movement WHERE account_id = e.id"
    "  AND amount > 0) FROM entrepreneur e WHERE seq > ?1";
static const char sql_all_trades[] =
    "SELECT entrepreneur_id, scheme, code FROM entrepreneur_trade"
    " ORDER BY entrepreneur_id";
static const char sql_trades[] =
    "SELECT scheme, code FROM entrepreneur_trade WHERE entrepreneur_id = ?1";
static const char sql_dead[] =
    "SELECT id FROM tombstone WHERE seq > ?1 AND kind = 'entrepreneur'";
static const char sql_codes[] =
    "SELECT code, scheme, label FROM trade ORDER BY code, scheme";
static const char sql_deps[] =
    "SELECT code, name FROM departement ORDER BY code";
static const char sql_coops[] =
    "SELECT id, name, peer_id IS NOT NULL FROM cooperative";
/* Offers and groups (search_item.h). */
static const char sql_offers[] =
    "SELECT id, coalesce(entrepreneur_id, 0), coalesce(group_id, 0), status"
    " FROM offer WHERE seq > ?1";
static const char sql_offer_members[] =
    "SELECT entrepreneur_id FROM offer_member WHERE offer_id = ?1"
    " ORDER BY entrepreneur_id";
static const char sql_offer_codes[] =
    "SELECT code FROM offer_trade WHERE offer_id = ?1";
static const char sql_groups[] = "SELECT id, kind FROM grp WHERE seq > ?1";
static const char sql_group_members[] =
    "SELECT entrepreneur_id FROM grp_member WHERE group_id = ?1"
    " AND status = 'accepted' ORDER BY entrepreneur_id";
/* Time posts (contribution-temps). */
static const char sql_posts[] =
    "SELECT id, entrepreneur_id, status, avail_from, avail_until"
    " FROM time_post WHERE seq > ?1";
static const char sql_post_codes[] =
    "SELECT code FROM time_post_trade WHERE post_id = ?1";
static const char sql_dead_items[] =
    "SELECT kind, id FROM tombstone WHERE seq > ?1"
    " AND kind IN ('offer', 'group', 'post')";

const char *const search_mem_sql[] = {
    sql_seq,        sql_rows,          sql_changed_rows, sql_all_trades,
    sql_trades,
    sql_dead,       sql_codes,         sql_deps,        sql_coops,
    sql_offers,     sql_offer_members, sql_offer_codes, sql_groups,
    sql_group_members, sql_posts,      sql_post_codes,  sql_dead_items,
    NULL};

static void free_lists(struct mem_list *l, size_t n)
{
    size_t i;

    for (i = 0; l && i < n; i++) free(l[i].id);
    free(l);
}

static void free_names(char **names, size_t n)
{
    size_t i;

    for (i = 0; names && i < n; i++) free(names[i]);
    free(names);
}

struct cached {
    char *key;              /* the expression */
    struct postings *p;
    size_t bytes;
    unsigned long used;     /* clock of the last use */
    int refs;               /* searches reading it */
};

#define CACHE_SLOTS 256
#define ANSWER_SLOTS 256

struct answer {
    char *key;
    json_t *doc;
    unsigned long used;
};

struct entry {
    char key[512];          /* database file; "" for a private table */
    pthread_mutex_t cache_lock;
    struct cached cache[CACHE_SLOTS];
    struct answer answers[ANSWER_SLOTS];
    size_t cache_bytes;
    unsigned long clock;
    pthread_rwlock_t lock;
    struct search_mem m;
    long long seq;          /* change number the table reflects */
    int loaded;
    size_t cap_docs, cap_pool, waste;
};

#define MAX_ENTRIES 64

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *registry[MAX_ENTRIES];

static size_t cache_limit = 64u << 20;

/* Set by search_mem_acquire on this thread when its read snapshot began
 * before the table's last refresh (the table is newer than what the
 * thread reads from SQLite): its answers may miss the newest writes, so
 * it puts nothing in the caches (see refresh). */
static _Thread_local int behind;

void search_mem_cache_limit(size_t bytes)
{
    cache_limit = bytes;
}

static void postings_free(struct postings *p)
{
    if (!p) return;
    free(p->id);
    free(p->fields);
    free(p->xrow);
    free(p->xfields);
    free(p);
}

static void slot_clear(struct entry *e, struct cached *c)
{
    e->cache_bytes -= c->bytes;
    free(c->key);
    postings_free(c->p);
    memset(c, 0, sizeof *c);
}

static struct entry *entry_of(const struct search_mem *m)
{
    return (struct entry *)(void *)((char *)(uintptr_t)m -
                                    offsetof(struct entry, m));
}

/* cache_clear: drop every entry (the table changed; no search reads the
 * cache: the caller holds the write lock). */
static void cache_clear(struct entry *e)
{
    int i;

    for (i = 0; i < CACHE_SLOTS; i++)
        if (e->cache[i].key) slot_clear(e, &e->cache[i]);
    for (i = 0; i < ANSWER_SLOTS; i++) {
        free(e->answers[i].key);
        json_decref(e->answers[i].doc);
        memset(&e->answers[i], 0, sizeof e->answers[i]);
    }
}

json_t *search_mem_answer_get(const struct search_mem *m, const char *key)
{
    struct entry *e = entry_of(m);
    json_t *doc = NULL;
    int i;

    if (!e->key[0] || !cache_limit) return NULL;
    pthread_mutex_lock(&e->cache_lock);
    for (i = 0; i < ANSWER_SLOTS; i++)
        if (e->answers[i].key && !strcmp(e->answers[i].key, key)) {
            e->answers[i].used = ++e->clock;
            doc = json_incref(e->answers[i].doc);
            break;
        }
    pthread_mutex_unlock(&e->cache_lock);
    return doc;
}

void search_mem_answer_put(const struct search_mem *m, const char *key,
                           json_t *answer)
{
    struct entry *e = entry_of(m);
    char *k;
    int i, slot = 0;

    if (!e->key[0] || !cache_limit || behind) return;
    k = strdup(key);
    if (!k) return;
    pthread_mutex_lock(&e->cache_lock);
    for (i = 0; i < ANSWER_SLOTS; i++) {
        if (e->answers[i].key && !strcmp(e->answers[i].key, key)) {
            slot = -1; /* another search was faster */
            break;
        }
        if (e->answers[i].used < e->answers[slot].used) slot = i;
    }
    if (slot >= 0) {
        free(e->answers[slot].key);
        json_decref(e->answers[slot].doc);
        e->answers[slot].key = k;
        e->answers[slot].doc = json_incref(answer);
        e->answers[slot].used = ++e->clock;
        k = NULL;
    }
    pthread_mutex_unlock(&e->cache_lock);
    free(k);
}

const struct postings *search_mem_cache_get(const struct search_mem *m,
                                            const char *key)
{
    struct entry *e = entry_of(m);
    const struct postings *p = NULL;
    int i;

    if (!e->key[0] || !cache_limit) return NULL; /* private: no cache */
    pthread_mutex_lock(&e->cache_lock);
    for (i = 0; i < CACHE_SLOTS; i++)
        if (e->cache[i].key && !strcmp(e->cache[i].key, key)) {
            e->cache[i].refs++;
            e->cache[i].used = ++e->clock;
            p = e->cache[i].p;
            break;
        }
    pthread_mutex_unlock(&e->cache_lock);
    return p;
}

void search_mem_cache_release(const struct search_mem *m,
                              const struct postings *p)
{
    struct entry *e = entry_of(m);
    int i;

    if (!p) return;
    pthread_mutex_lock(&e->cache_lock);
    for (i = 0; i < CACHE_SLOTS; i++)
        if (e->cache[i].p == p) {
            e->cache[i].refs--;
            break;
        }
    pthread_mutex_unlock(&e->cache_lock);
}

void search_mem_cache_put(const struct search_mem *m, const char *key,
                          struct postings *p)
{
    struct entry *e = entry_of(m);
    size_t bytes = (p->n + p->nx) * (sizeof *p->id + sizeof *p->fields) +
                   strlen(key);
    int i, slot = -1;

    if (!e->key[0] || bytes > cache_limit / 4 || behind) {
        postings_free(p);
        return;
    }
    pthread_mutex_lock(&e->cache_lock);
    for (i = 0; i < CACHE_SLOTS; i++)
        if (e->cache[i].key && !strcmp(e->cache[i].key, key)) break;
    if (i < CACHE_SLOTS) { /* another search was faster */
        pthread_mutex_unlock(&e->cache_lock);
        postings_free(p);
        return;
    }
    for (;;) {
        /* A free slot when there is room; else the least recently used
         * entry that no search reads goes. */
        int lru = -1;

        slot = -1;
        for (i = 0; i < CACHE_SLOTS; i++) {
            if (!e->cache[i].key) {
                if (slot < 0) slot = i;
                continue;
            }
            if (!e->cache[i].refs &&
                (lru < 0 || e->cache[i].used < e->cache[lru].used))
                lru = i;
        }
        if (slot >= 0 && e->cache_bytes + bytes <= cache_limit) break;
        if (lru < 0) {
            slot = -1;
            break;
        }
        slot_clear(e, &e->cache[lru]);
    }
    if (slot >= 0) {
        e->cache[slot].key = strdup(key);
        if (e->cache[slot].key) {
            e->cache[slot].p = p;
            e->cache[slot].bytes = bytes;
            e->cache[slot].used = ++e->clock;
            e->cache_bytes += bytes;
            p = NULL;
        }
    }
    pthread_mutex_unlock(&e->cache_lock);
    postings_free(p);
}

static void item_clear(struct mem_item *x)
{
    free(x->member);
    free(x->trade);
    free(x->deliver);
    memset(x, 0, sizeof *x);
}

static void items_free(struct mem_item *v, size_t n)
{
    size_t i;

    for (i = 0; v && i < n; i++) item_clear(&v[i]);
    free(v);
}

static void entry_free(struct entry *e)
{
    if (!e) return;
    cache_clear(e);
    items_free(e->m.offers, e->m.noffers);
    items_free(e->m.groups, e->m.ngroups);
    items_free(e->m.posts, e->m.nposts);
    pthread_mutex_destroy(&e->cache_lock);
    free(e->m.docs);
    free(e->m.pool);
    free(e->m.codes);
    free(e->m.schemes);
    free_names(e->m.code_labels, e->m.ncodes);
    free_names(e->m.dep_names, e->m.ndeps);
    free_names(e->m.coop_names, e->m.ncoops);
    free(e->m.coop_remote);
    free_lists(e->m.by_dep, e->m.ndeps);
    free_lists(e->m.by_code, e->m.ncodes);
    free(e->m.deps);
    pthread_rwlock_destroy(&e->lock);
    free(e);
}

void search_mem_shutdown(void)
{
    int i;

    pthread_mutex_lock(&registry_lock);
    for (i = 0; i < MAX_ENTRIES; i++) {
        entry_free(registry[i]);
        registry[i] = NULL;
    }
    pthread_mutex_unlock(&registry_lock);
}

/* ------------------------------------------------------------- loading */

static int grow_docs(struct entry *e, size_t id)
{
    size_t cap = e->cap_docs ? e->cap_docs : 1024;
    struct mem_doc *d;

    if (id < e->m.ndocs) return 0;
    while (cap <= id) cap *= 2;
    if (cap != e->cap_docs) {
        /* Aligned to cache lines: an entry is one line. */
        if (posix_memalign((void **)&d, 64, cap * sizeof *d)) return -1;
        if (e->m.ndocs) memcpy(d, e->m.docs, e->m.ndocs * sizeof *d);
        free(e->m.docs);
        e->m.docs = d;
        e->cap_docs = cap;
    }
    memset(e->m.docs + e->m.ndocs, 0,
           (id + 1 - e->m.ndocs) * sizeof *e->m.docs);
    e->m.ndocs = id + 1;
    return 0;
}

static int pool_add(struct entry *e, uint32_t v)
{
    if (e->m.npool == e->cap_pool) {
        size_t cap = e->cap_pool ? e->cap_pool * 2 : 4096;
        uint32_t *p = realloc(e->m.pool, cap * sizeof *p);

        if (!p) return -1;
        e->m.pool = p;
        e->cap_pool = cap;
    }
    e->m.pool[e->m.npool++] = v;
    return 0;
}

/* load_tables: the trade codes and départements, once. */
static enum rc load_tables(struct db *db, struct entry *e)
{
    sqlite3_stmt *st;
    size_t cap = 0, n;
    int src;

    st = db_stmt(db, sql_codes);
    if (!st) return RC_DB;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        n = e->m.ncodes;
        if (n == cap) {
            void *c, *s, *l;

            cap = cap ? cap * 2 : 4096;
            c = realloc(e->m.codes, cap * sizeof *e->m.codes);
            if (c) e->m.codes = c;
            s = realloc(e->m.schemes, cap * sizeof *e->m.schemes);
            if (s) e->m.schemes = s;
            l = realloc(e->m.code_labels, cap * sizeof *e->m.code_labels);
            if (l) e->m.code_labels = l;
            if (!c || !s || !l) break;
        }
        snprintf(e->m.codes[n], sizeof e->m.codes[n], "%s", db_text(st, 0));
        snprintf(e->m.schemes[n], sizeof e->m.schemes[n], "%s",
                 db_text(st, 1));
        /* A code in two schemes keeps one id (codes never collide in
         * practice: ROME, NAF and CPV codes have different forms). */
        if (n == 0 || strcmp(e->m.codes[n - 1], e->m.codes[n])) {
            e->m.code_labels[n] = strdup(db_text(st, 2));
            e->m.ncodes++;
        }
    }
    db_stmt_done(st);
    if (src != SQLITE_DONE) return src == SQLITE_ROW ? RC_NOMEM : db_rc(db, src);
    st = db_stmt(db, sql_deps);
    if (!st) return RC_DB;
    e->m.deps = calloc(256, sizeof *e->m.deps);
    e->m.dep_names = calloc(256, sizeof *e->m.dep_names);
    if (!e->m.deps || !e->m.dep_names) {
        db_stmt_done(st);
        return RC_NOMEM;
    }
    while ((src = sqlite3_step(st)) == SQLITE_ROW && e->m.ndeps < 256) {
        e->m.dep_names[e->m.ndeps] = strdup(db_text(st, 1));
        snprintf(e->m.deps[e->m.ndeps++], sizeof e->m.deps[0], "%s",
                 db_text(st, 0));
    }
    db_stmt_done(st);
    return src == SQLITE_DONE || src == SQLITE_ROW ? RC_OK : db_rc(db, src);
}

static uint8_t vis_code(const char *v)
{
    if (!strcmp(v, "public")) return MEM_PUBLIC;
    if (!strcmp(v, "network")) return MEM_NETWORK;
    if (!strcmp(v, "cooperative")) return MEM_COOPERATIVE;
    return MEM_PRIVATE;
}

static uint8_t status_code(const char *s)
{
    if (!strcmp(s, "salarie")) return MEM_SALARIE;
    if (!strcmp(s, "associe")) return MEM_ASSOCIE;
    return MEM_PORTEUR;
}

/* parse_zones: the zones of a space-joined list into z (at most max);
 * returns the count. */
static int parse_zones(struct entry *e, const char *zones, uint32_t *out,
                       int max)
{
    const char *p = zones;
    int n = 0;

    while (*p) {
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char z[16];
        uint32_t v = 0;

        if (len < sizeof z) {
            int dep;

            memcpy(z, p, len);
            z[len] = 0;
            dep = strncmp(z, "dep:", 4) ? -1 : search_mem_dep(&e->m, z + 4);
            if (!strcmp(z, "FR"))
                v = MEM_ZONE_FR;
            else if (dep >= 0)
                v = MEM_ZONE_DEP(dep);
            else if (!strncmp(z, "reg:", 4))
                v = MEM_ZONE_REG(strtoul(z + 4, NULL, 10));
            if (v && n < max) out[n++] = v;
        }
        p += len;
        while (*p == ' ') p++;
    }
    return n;
}

/* store_lists: zones and trades into d's inline room, the rest in the
 * pool; 0 on success. */
static int store_lists(struct entry *e, struct mem_doc *d, const uint32_t *z,
                       int nz, const uint32_t *t, int nt)
{
    int i;

    d->pool = (uint32_t)e->m.npool;
    d->nzones = (uint8_t)nz;
    d->ntrades = (uint8_t)nt;
    for (i = 0; i < nz; i++) {
        if (i < MEM_INLINE_ZONES)
            d->zone[i] = z[i];
        else if (pool_add(e, z[i]))
            return -1;
    }
    for (i = 0; i < nt; i++) {
        if (i < MEM_INLINE_TRADES)
            d->trade[i] = (uint16_t)t[i];
        else if (pool_add(e, t[i]))
            return -1;
    }
    return 0;
}

/* overflow: pool entries of d. */
static size_t overflow(const struct mem_doc *d)
{
    return (size_t)(d->nzones > MEM_INLINE_ZONES ? d->nzones - MEM_INLINE_ZONES
                                                 : 0) +
           (size_t)(d->ntrades > MEM_INLINE_TRADES
                        ? d->ntrades - MEM_INLINE_TRADES
                        : 0);
}

/* load_coops: the cooperatives' names (on every change: few rows). */
static enum rc load_coops(struct db *db, struct entry *e)
{
    sqlite3_stmt *st = db_stmt(db, sql_coops);
    int src;

    if (!st) return RC_DB;
    free_names(e->m.coop_names, e->m.ncoops);
    free(e->m.coop_remote);
    e->m.coop_names = NULL;
    e->m.coop_remote = NULL;
    e->m.ncoops = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);

        if (id <= 0 || id > 0x7fffffff) continue;
        if ((size_t)id >= e->m.ncoops) {
            size_t n = e->m.ncoops ? e->m.ncoops : 64;
            char **names;
            uint8_t *remote;

            while (n <= (size_t)id) n *= 2;
            names = realloc(e->m.coop_names, n * sizeof *names);
            if (!names) break;
            memset(names + e->m.ncoops, 0,
                   (n - e->m.ncoops) * sizeof *names);
            e->m.coop_names = names;
            remote = realloc(e->m.coop_remote, n);
            if (!remote) break;
            memset(remote + e->m.ncoops, 0, n - e->m.ncoops);
            e->m.coop_remote = remote;
            e->m.ncoops = n;
        }
        free(e->m.coop_names[id]);
        e->m.coop_names[id] = strdup(db_text(st, 1));
        e->m.coop_remote[id] = (uint8_t)sqlite3_column_int(st, 2);
    }
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* trade id of a row (scheme, code), or -1 */
static int trade_id(struct entry *e, const char *code)
{
    return search_mem_code(&e->m, code);
}

/* helped_level: the contribution-temps level of quarter-hours earned by
 * helping others (README "Cooperation as a signal"). */
static uint8_t helped_level(long long quarters)
{
    if (quarters >= 40 * 4) return 3;
    if (quarters >= 10 * 4) return 2;
    if (quarters >= 2 * 4) return 1;
    return 0;
}

/* set_row: fill the entry of one entrepreneur row but its lists; its
 * zones go to z (*nz of them). */
static int set_row(struct entry *e, sqlite3_stmt *st, struct mem_doc **out,
                   uint32_t *z, int *nz)
{
    long long id = sqlite3_column_int64(st, 0);
    struct mem_doc *d;
    int dep;

    *out = NULL;
    if (id <= 0 || id > 0x7fffffff || grow_docs(e, (size_t)id)) return -1;
    d = &e->m.docs[id];
    if (d->alive) {
        e->waste += overflow(d);
        e->m.alive--;
    }
    memset(d, 0, sizeof *d);
    d->coop = (uint32_t)sqlite3_column_int64(st, 1);
    d->vis = vis_code(db_text(st, 2));
    d->status = status_code(db_text(st, 3));
    d->insee = search_mem_insee(db_text(st, 4));
    dep = search_mem_dep(&e->m, db_text(st, 5));
    d->dep = (uint16_t)(dep < 0 ? 0xffff : dep);
    d->lat = (float)sqlite3_column_double(st, 6);
    d->lon = (float)sqlite3_column_double(st, 7);
    d->radius = sqlite3_column_type(st, 8) == SQLITE_NULL
                    ? -1.0f
                    : (float)sqlite3_column_double(st, 8);
    d->from = sqlite3_column_type(st, 10) == SQLITE_NULL
                  ? MEM_DAY_NONE_FROM
                  : search_mem_day(db_text(st, 10));
    d->until = sqlite3_column_type(st, 11) == SQLITE_NULL
                   ? MEM_DAY_NONE_UNTIL
                   : search_mem_day(db_text(st, 11));
    *nz = parse_zones(e, db_text(st, 9), z, 255);
    d->helped = helped_level(sqlite3_column_int64(st, 12));
    d->alive = 1;
    e->m.alive++;
    *out = d;
    return 0;
}

/* load_all: the first load: every row, then every trade, merged by id. */
static enum rc load_all(struct db *db, struct entry *e)
{
    sqlite3 *h = db_handle(db);
    sqlite3_stmt *rows = NULL, *tr = NULL;
    enum rc rc = RC_OK;
    int src, tsrc;

    /* Private statements: both are stepped at once. */
    if (sqlite3_prepare_v2(h, sql_rows, -1, &rows, NULL) ||
        sqlite3_prepare_v2(h, sql_all_trades, -1, &tr, NULL)) {
        rc = db_rc(db, sqlite3_errcode(h));
        goto out;
    }
    sqlite3_bind_int64(rows, 1, -1);
    tsrc = sqlite3_step(tr);
    while ((src = sqlite3_step(rows)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(rows, 0);
        uint32_t z[255], t[255];
        struct mem_doc *d;
        int n = 0, nz;

        if (set_row(e, rows, &d, z, &nz)) {
            rc = RC_NOMEM;
            goto out;
        }
        while (tsrc == SQLITE_ROW && sqlite3_column_int64(tr, 0) < id)
            tsrc = sqlite3_step(tr);
        while (tsrc == SQLITE_ROW && sqlite3_column_int64(tr, 0) == id) {
            int k = trade_id(e, db_text(tr, 2));

            if (k >= 0 && n < 255) t[n++] = (uint32_t)k;
            tsrc = sqlite3_step(tr);
        }
        if (store_lists(e, d, z, nz, t, n)) {
            rc = RC_NOMEM;
            goto out;
        }
    }
    if (src != SQLITE_DONE) rc = db_rc(db, src);
out:
    sqlite3_finalize(rows);
    sqlite3_finalize(tr);
    return rc;
}

/* load_changes: rows written after e->seq, and tombstones. */
static enum rc load_changes(struct db *db, struct entry *e)
{
    sqlite3_stmt *rows = NULL, *tr, *dead;
    sqlite3 *h = db_handle(db);
    enum rc rc = RC_OK;
    int src;

    if (sqlite3_prepare_v2(h, sql_changed_rows, -1, &rows, NULL))
        return db_rc(db, sqlite3_errcode(h));
    sqlite3_bind_int64(rows, 1, e->seq);
    while (rc == RC_OK && (src = sqlite3_step(rows)) == SQLITE_ROW) {
        uint32_t z[255], t[255];
        struct mem_doc *d;
        int n = 0, nz;

        if (set_row(e, rows, &d, z, &nz)) {
            rc = RC_NOMEM;
            break;
        }
        tr = db_stmt(db, sql_trades);
        if (!tr) {
            rc = RC_DB;
            break;
        }
        sqlite3_bind_int64(tr, 1, sqlite3_column_int64(rows, 0));
        while (sqlite3_step(tr) == SQLITE_ROW) {
            int k = trade_id(e, db_text(tr, 1));

            if (k >= 0 && n < 255) t[n++] = (uint32_t)k;
        }
        db_stmt_done(tr);
        if (store_lists(e, d, z, nz, t, n)) {
            rc = RC_NOMEM;
            break;
        }
    }
    if (rc == RC_OK && src != SQLITE_DONE) rc = db_rc(db, src);
    sqlite3_finalize(rows);
    if (rc != RC_OK) return rc;
    dead = db_stmt(db, sql_dead);
    if (!dead) return RC_DB;
    sqlite3_bind_int64(dead, 1, e->seq);
    while ((src = sqlite3_step(dead)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(dead, 0);

        if (id > 0 && (size_t)id < e->m.ndocs && e->m.docs[id].alive) {
            e->waste += overflow(&e->m.docs[id]);
            e->m.docs[id].alive = 0;
            e->m.alive--;
        }
    }
    db_stmt_done(dead);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* compact: rewrite the pool without the space of replaced entries. */
static void compact(struct entry *e)
{
    uint32_t *pool = malloc(e->cap_pool * sizeof *pool);
    size_t i, n = 0;

    if (!pool) return;
    for (i = 0; i < e->m.ndocs; i++) {
        struct mem_doc *d = &e->m.docs[i];
        size_t k = overflow(d);

        if (!d->alive) continue;
        memcpy(pool + n, e->m.pool + d->pool, k * sizeof *pool);
        d->pool = (uint32_t)n;
        n += k;
    }
    free(e->m.pool);
    e->m.pool = pool;
    e->m.npool = n;
    e->waste = 0;
}

static long long current_seq(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, sql_seq);
    long long n = -1;

    if (!st) return -1;
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    return n;
}

/* build_lists: the ids by département and by trade code, in two passes
 * (count, then fill), ascending. 0 on success. */
static int build_lists(struct entry *e)
{
    struct search_mem *m = &e->m;
    struct mem_list *dep = calloc(m->ndeps + 1, sizeof *dep);
    struct mem_list *code = calloc(m->ncodes + 1, sizeof *code);
    size_t i, k;
    int pass;

    if (!dep || !code) goto fail;
    for (pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            for (k = 0; k < m->ndeps; k++) {
                dep[k].id = malloc((dep[k].n ? dep[k].n : 1) * sizeof(uint32_t));
                if (!dep[k].id) goto fail;
                dep[k].n = 0;
            }
            for (k = 0; k < m->ncodes; k++) {
                code[k].id = malloc((code[k].n ? code[k].n : 1) *
                                    sizeof(uint32_t));
                if (!code[k].id) goto fail;
                code[k].n = 0;
            }
        }
        for (i = 1; i < m->ndocs; i++) {
            const struct mem_doc *d = &m->docs[i];
            int t;

            if (!d->alive) continue;
            if (d->dep < m->ndeps) {
                if (pass) dep[d->dep].id[dep[d->dep].n] = (uint32_t)i;
                dep[d->dep].n++;
            }
            for (t = 0; t < d->ntrades; t++) {
                uint32_t c = search_mem_trade(m, d, t);

                if (c >= m->ncodes) continue;
                if (pass) code[c].id[code[c].n] = (uint32_t)i;
                code[c].n++;
            }
        }
    }
    free_lists(m->by_dep, m->ndeps);
    free_lists(m->by_code, m->ncodes);
    m->by_dep = dep;
    m->by_code = code;
    return 0;
fail:
    free_lists(dep, m->ndeps);
    free_lists(code, m->ncodes);
    return -1;
}

/* ------------------------------------------------ offers and groups */

/* grow_items: room for entry id in *v (n entries, zeroed when new). */
static int grow_items(struct mem_item **v, size_t *n, size_t id)
{
    size_t cap = *n ? *n : 64;
    struct mem_item *w;

    if (id < *n) return 0;
    while (cap <= id) cap *= 2;
    w = realloc(*v, cap * sizeof *w);
    if (!w) return -1;
    memset(w + *n, 0, (cap - *n) * sizeof *w);
    *v = w;
    *n = cap;
    return 0;
}

/* ids_of: the first column of every row of st (bound, stepped here) as a
 * new array of ids; trade codes become trade ids (codes set). Returns -1
 * when out of memory or on an SQL error. */
static int ids_of(struct db *db, struct entry *e, sqlite3_stmt *st, int codes,
                  uint32_t **out, uint16_t *n)
{
    uint32_t *v = NULL;
    size_t cap = 0, k = 0;
    int src;

    *out = NULL;
    *n = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW && k < 0xffff) {
        long long id = codes ? trade_id(e, db_text(st, 0))
                             : sqlite3_column_int64(st, 0);

        if (id < 0 || id > 0x7fffffff) continue;
        if (k == cap) {
            uint32_t *w;

            cap = cap ? cap * 2 : 8;
            w = realloc(v, cap * sizeof *w);
            if (!w) {
                free(v);
                db_stmt_done(st);
                return -1;
            }
            v = w;
        }
        v[k++] = (uint32_t)id;
    }
    db_stmt_done(st);
    if (src != SQLITE_DONE && src != SQLITE_ROW) {
        db_rc(db, src);
        free(v);
        return -1;
    }
    *out = v;
    *n = (uint16_t)k;
    return 0;
}

/* list_of: ids_of the statement sql bound to id. */
static int list_of(struct db *db, struct entry *e, const char *sql,
                   long long id, int codes, uint32_t **out, uint16_t *n)
{
    sqlite3_stmt *st = db_stmt(db, sql);

    *out = NULL;
    *n = 0;
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    return ids_of(db, e, st, codes, out, n);
}

/* load_items: the offers, groups and posts written after since (all of
 * them for -1), and their tombstones; *changed is set when any was. */
static enum rc load_items(struct db *db, struct entry *e, long long since,
                          int *changed)
{
    static const char *const rows_sql[] = {sql_offers, sql_groups,
                                           sql_posts};
    struct mem_item **lists[] = {&e->m.offers, &e->m.groups, &e->m.posts};
    size_t *sizes[] = {&e->m.noffers, &e->m.ngroups, &e->m.nposts};
    sqlite3_stmt *rows = NULL, *dead;
    sqlite3 *h = db_handle(db);
    enum rc rc = RC_OK;
    int pass, src = SQLITE_DONE;

    /* pass: 0 offers, 1 groups, 2 posts (kind - 1). */
    for (pass = 0; pass < 3 && rc == RC_OK; pass++) {
        /* Private statements: list_of steps cached ones meanwhile. */
        if (sqlite3_prepare_v2(h, rows_sql[pass], -1, &rows, NULL))
            return db_rc(db, sqlite3_errcode(h));
        sqlite3_bind_int64(rows, 1, since);
        while (rc == RC_OK && (src = sqlite3_step(rows)) == SQLITE_ROW) {
            long long id = sqlite3_column_int64(rows, 0);
            struct mem_item **v = lists[pass];
            size_t *n = sizes[pass];
            struct mem_item *x;

            if (id <= 0 || id > 0x7fffffff) continue;
            if (grow_items(v, n, (size_t)id)) {
                rc = RC_NOMEM;
                break;
            }
            x = &(*v)[id];
            if (x->alive) e->m.items_alive--;
            item_clear(x);
            *changed = 1;
            if (pass == 0) {
                x->owner = (uint32_t)sqlite3_column_int64(rows, 1);
                x->group = (uint32_t)sqlite3_column_int64(rows, 2);
                if (strcmp(db_text(rows, 3), "active")) continue;
                if (list_of(db, e, sql_offer_members, id, 0, &x->member,
                            &x->nmember) ||
                    list_of(db, e, sql_offer_codes, id, 1, &x->trade,
                            &x->ntrade)) {
                    rc = RC_NOMEM;
                    break;
                }
            } else if (pass == 1) {
                /* Tender teams are never searched. */
                if (!strcmp(db_text(rows, 1), "tender_team")) continue;
                if (list_of(db, e, sql_group_members, id, 0, &x->member,
                            &x->nmember)) {
                    rc = RC_NOMEM;
                    break;
                }
            } else {
                /* A post: its author and dates; closed, none. */
                x->owner = (uint32_t)sqlite3_column_int64(rows, 1);
                x->from = sqlite3_column_type(rows, 3) == SQLITE_NULL
                              ? MEM_DAY_NONE_FROM
                              : search_mem_day(db_text(rows, 3));
                x->until = sqlite3_column_type(rows, 4) == SQLITE_NULL
                               ? MEM_DAY_NONE_UNTIL
                               : search_mem_day(db_text(rows, 4));
                if (strcmp(db_text(rows, 2), "open")) continue;
                if (list_of(db, e, sql_post_codes, id, 1, &x->trade,
                            &x->ntrade)) {
                    rc = RC_NOMEM;
                    break;
                }
            }
            x->alive = 1;
            e->m.items_alive++;
        }
        if (rc == RC_OK && src != SQLITE_DONE) rc = db_rc(db, src);
        sqlite3_finalize(rows);
        rows = NULL;
    }
    if (rc != RC_OK || since < 0) return rc;
    dead = db_stmt(db, sql_dead_items);
    if (!dead) return RC_DB;
    sqlite3_bind_int64(dead, 1, since);
    while ((src = sqlite3_step(dead)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(dead, 1);
        const char *kind = db_text(dead, 0);
        int k = !strcmp(kind, "offer") ? 0 : !strcmp(kind, "group") ? 1 : 2;
        struct mem_item *v = *lists[k];
        size_t n = *sizes[k];

        if (id <= 0 || (size_t)id >= n) continue;
        if (v[id].alive) e->m.items_alive--;
        item_clear(&v[id]);
        *changed = 1;
    }
    db_stmt_done(dead);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* add_id: v (n of them, room for cap) gets id unless it holds it. */
static int add_id(uint32_t **v, uint16_t *n, size_t *cap, uint32_t id)
{
    uint16_t i;

    for (i = 0; i < *n; i++)
        if ((*v)[i] == id) return 0;
    if (*n == 0xffff) return 0;
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        uint32_t *w = realloc(*v, c * sizeof *w);

        if (!w) return -1;
        *v = w;
        *cap = c;
    }
    (*v)[(*n)++] = id;
    return 0;
}

static int has_id(const uint32_t *v, uint16_t n, uint32_t id)
{
    uint16_t i;

    for (i = 0; i < n; i++)
        if (v[i] == id) return 1;
    return 0;
}

/* build_groups: what a group takes from its active offers: who delivers
 * them (its deliver list) and their trades. 0 on success. */
static int build_groups(struct entry *e)
{
    struct search_mem *m = &e->m;
    size_t i, *cap_d = NULL, *cap_t = NULL;
    unsigned char *all = NULL;
    int bad = 0;

    for (i = 0; i < m->ngroups; i++) {
        struct mem_item *g = &m->groups[i];

        free(g->deliver);
        free(g->trade);
        g->deliver = g->trade = NULL;
        g->ndeliver = g->ntrade = 0;
    }
    if (!m->ngroups) return 0;
    cap_d = calloc(m->ngroups, sizeof *cap_d);
    cap_t = calloc(m->ngroups, sizeof *cap_t);
    all = calloc(m->ngroups, 1);
    if (!cap_d || !cap_t || !all) bad = 1;
    for (i = 0; !bad && i < m->noffers; i++) {
        const struct mem_item *o = &m->offers[i];
        struct mem_item *g;
        uint16_t k, hit = 0;

        if (!o->alive || !o->group || o->group >= m->ngroups) continue;
        g = &m->groups[o->group];
        if (!g->alive) continue;
        for (k = 0; k < o->ntrade && !bad; k++)
            bad = add_id(&g->trade, &g->ntrade, &cap_t[o->group],
                         o->trade[k]);
        /* Its deliverers among the members; none: every member. */
        for (k = 0; k < o->nmember && !bad; k++)
            if (has_id(g->member, g->nmember, o->member[k])) {
                hit++;
                bad = add_id(&g->deliver, &g->ndeliver, &cap_d[o->group],
                             o->member[k]);
            }
        if (!hit) all[o->group] = 1;
    }
    for (i = 0; !bad && i < m->ngroups; i++)
        if (all[i]) {
            struct mem_item *g = &m->groups[i];

            free(g->deliver);
            g->deliver = NULL;
            g->ndeliver = 0;
        }
    free(cap_d);
    free(cap_t);
    free(all);
    return bad ? -1 : 0;
}

/* refresh: bring e up to date, in one read transaction. Only forward: a
 * caller whose snapshot began before the last refresh sees an older seq
 * and finds the table already newer than its snapshot; going "back" would
 * clear the caches and redo the lists for nothing, and two threads with
 * two snapshots would undo each other's refresh in turn (a convoy of
 * seconds under steady writes: bench/load). */
static enum rc refresh(struct db *db, struct entry *e)
{
    long long seq;
    int items = 0;
    enum rc rc = db_begin_read(db);

    if (rc != RC_OK) return rc;
    seq = current_seq(db);
    if (seq < 0) rc = RC_DB;
    if (rc == RC_OK && !e->loaded) {
        rc = load_tables(db, e);
        if (rc == RC_OK) rc = load_all(db, e);
        if (rc == RC_OK) rc = load_items(db, e, -1, &items);
        if (rc == RC_OK) e->loaded = 1;
    } else if (rc == RC_OK && seq > e->seq) {
        rc = load_changes(db, e);
        if (rc == RC_OK) rc = load_items(db, e, e->seq, &items);
    }
    if (rc == RC_OK && items && build_groups(e)) rc = RC_NOMEM;
    if (rc == RC_OK && seq > e->seq) rc = load_coops(db, e);
    if (rc == RC_OK && seq > e->seq && build_lists(e)) rc = RC_NOMEM;
    if (rc == RC_OK && seq > e->seq) cache_clear(e);
    if (rc == RC_OK && seq > e->seq) e->seq = seq;
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == RC_OK && e->waste > 4096 && e->waste > e->m.npool / 2)
        compact(e);
    return rc;
}

/* ------------------------------------------------------------ registry */

static struct entry *entry_new(const char *key)
{
    struct entry *e = calloc(1, sizeof *e);

    if (!e) return NULL;
    snprintf(e->key, sizeof e->key, "%s", key);
    if (pthread_rwlock_init(&e->lock, NULL)) {
        free(e);
        return NULL;
    }
    pthread_mutex_init(&e->cache_lock, NULL);
    e->seq = -1;
    return e;
}

/* find: the shared entry of a database file, created on first use. */
static struct entry *find(const char *key)
{
    struct entry *e = NULL;
    int i, slot = -1;

    pthread_mutex_lock(&registry_lock);
    for (i = 0; i < MAX_ENTRIES; i++) {
        if (registry[i] && !strcmp(registry[i]->key, key)) {
            e = registry[i];
            break;
        }
        if (!registry[i] && slot < 0) slot = i;
    }
    if (!e && slot >= 0) {
        e = entry_new(key);
        registry[slot] = e;
    }
    pthread_mutex_unlock(&registry_lock);
    return e;
}

enum rc search_mem_acquire(struct db *db, const struct search_mem **out)
{
    const char *file = sqlite3_db_filename(db_handle(db), "main");
    struct entry *e;
    long long seq;
    enum rc rc;

    *out = NULL;
    behind = 0;
    if (!file || !*file) {
        /* A :memory: database: a private table, built for this use. */
        e = entry_new("");
        if (!e) return RC_NOMEM;
        rc = refresh(db, e);
        if (rc != RC_OK) {
            entry_free(e);
            return rc;
        }
        pthread_rwlock_rdlock(&e->lock);
        *out = &e->m;
        return RC_OK;
    }
    e = find(file);
    if (!e) return RC_NOMEM;
    pthread_rwlock_rdlock(&e->lock);
    seq = current_seq(db);
    if (!e->loaded || seq > e->seq) {
        pthread_rwlock_unlock(&e->lock);
        pthread_rwlock_wrlock(&e->lock);
        rc = refresh(db, e);
        pthread_rwlock_unlock(&e->lock);
        if (rc != RC_OK) return rc;
        pthread_rwlock_rdlock(&e->lock);
    }
    behind = seq < e->seq;
    *out = &e->m;
    return RC_OK;
}

void search_mem_release(const struct search_mem *m)
{
    struct entry *e;

    if (!m) return;
    e = entry_of(m);
    pthread_rwlock_unlock(&e->lock);
    if (!e->key[0]) entry_free(e);
}
