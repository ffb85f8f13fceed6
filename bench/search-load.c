/*
 * search-load.c: the load driver of bench/search. It runs the same query
 * mix against essaim (GET /api/v1/search over keep-alive HTTP, one CURL
 * handle per client) and PostgreSQL (one connection per client, prepared
 * statements), C concurrent clients for D seconds per query type and
 * system, and prints p50, p99 and QPS of each, of the whole mix, and the
 * ratios essaim/PostgreSQL.
 *
 *   search-load --url URL --pg CONNINFO --spec FILE [--clients C]
 *               [--seconds D] [--warmup W]
 *   search-load --pg CONNINFO --spec FILE --dump DIR
 *
 * The spec (written by bench/search-data spec) has lines
 *   SQL <TAB> name <TAB> statement ($1..$n; the last is the page size)
 *   Q <TAB> type <TAB> essaim path <TAB> sql name <TAB> params...
 * Several Q lines of one type are its variants; each client cycles
 * through them. --dump runs each Q line once on PostgreSQL with a page of
 * a million rows and writes its rows to DIR/<line>.tsv (the overlap check).
 *
 * Built by bench/search with: cc -O2 search-load.c -lcurl -lpq -lpthread
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <errno.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PARAMS 16
#define MAX_VARIANTS 16
#define MAX_TYPES 16
#define MAX_STMTS 16
#define MAX_CLIENTS 256

struct stmt {
    char *name, *sql;
};

struct variant {
    char *path;                /* essaim path and query string */
    int stmt;                  /* index in stmts */
    int nparams;               /* without the page size */
    char *params[MAX_PARAMS];
};

struct qtype {
    char *name;
    int nvariants;
    struct variant v[MAX_VARIANTS];
};

static struct stmt stmts[MAX_STMTS];
static int nstmts;
static struct qtype types[MAX_TYPES];
static int ntypes;
static const char *base_url;
static int nclients = 8;

enum sys { SYS_ESSAIM, SYS_PG };

/* One client: its connections, kept across phases. */
struct client {
    int id;
    CURL *curl;
    PGconn *pg;
    char errbuf[CURL_ERROR_SIZE];
    /* The phase being run. */
    enum sys sys;
    int type;                  /* -1: the whole mix */
    uint64_t deadline;         /* ns, CLOCK_MONOTONIC */
    uint64_t *lat;             /* latencies, ns */
    size_t nlat, caplat;
    long errors;
    char lasterr[512];
    size_t bytes;
};

static struct client clients[MAX_CLIENTS];

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);

    if (!p) {
        fprintf(stderr, "search-load: out of memory\n");
        exit(1);
    }
    return p;
}

/* ------------------------------------------------------------- spec */

/* split: cut line at tabs, in place; returns the number of fields. */
static int split(char *line, char **f, int max)
{
    int n = 0;

    while (n < max) {
        char *tab = strchr(line, '\t');

        f[n++] = line;
        if (!tab) break;
        *tab = 0;
        line = tab + 1;
    }
    return n;
}

static void read_spec(const char *path)
{
    FILE *fp = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;

    if (!fp) {
        fprintf(stderr, "search-load: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    while ((len = getline(&line, &cap, fp)) > 0) {
        char *f[MAX_PARAMS + 4], *copy;
        int n, i;

        if (line[len - 1] == '\n') line[--len] = 0;
        copy = strdup(line);
        n = split(copy, f, MAX_PARAMS + 4);
        if (n == 3 && !strcmp(f[0], "SQL") && nstmts < MAX_STMTS) {
            stmts[nstmts].name = f[1];
            stmts[nstmts].sql = f[2];
            nstmts++;
        } else if (n >= 4 && !strcmp(f[0], "Q")) {
            struct qtype *t = NULL;
            struct variant *v;

            for (i = 0; i < ntypes; i++)
                if (!strcmp(types[i].name, f[1])) t = &types[i];
            if (!t) {
                if (ntypes == MAX_TYPES) continue;
                t = &types[ntypes++];
                t->name = f[1];
            }
            if (t->nvariants == MAX_VARIANTS) continue;
            v = &t->v[t->nvariants++];
            v->path = f[2];
            v->stmt = -1;
            for (i = 0; i < nstmts; i++)
                if (!strcmp(stmts[i].name, f[3])) v->stmt = i;
            if (v->stmt < 0) {
                fprintf(stderr, "search-load: no statement %s\n", f[3]);
                exit(1);
            }
            v->nparams = n - 4;
            for (i = 4; i < n; i++) v->params[i - 4] = f[i];
        }
    }
    free(line);
    fclose(fp);
    if (!ntypes) {
        fprintf(stderr, "search-load: no query in %s\n", path);
        exit(1);
    }
}

/* ------------------------------------------------------- connections */

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    struct client *c = arg;

    (void)p;
    c->bytes += size * n;
    return size * n;
}

static int pg_open(struct client *c, const char *conninfo)
{
    int i;

    c->pg = PQconnectdb(conninfo);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        fprintf(stderr, "search-load: %s", PQerrorMessage(c->pg));
        return -1;
    }
    for (i = 0; i < nstmts; i++) {
        PGresult *r = PQprepare(c->pg, stmts[i].name, stmts[i].sql, 0, NULL);

        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            fprintf(stderr, "search-load: prepare %s: %s", stmts[i].name,
                    PQerrorMessage(c->pg));
            PQclear(r);
            return -1;
        }
        PQclear(r);
    }
    return 0;
}

static int curl_open(struct client *c)
{
    c->curl = curl_easy_init();
    if (!c->curl) return -1;
    curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(c->curl, CURLOPT_TCP_NODELAY, 1L);
    return 0;
}

/* ---------------------------------------------------------- requests */

static void fail(struct client *c, const char *fmt, const char *what)
{
    c->errors++;
    snprintf(c->lasterr, sizeof c->lasterr, fmt, what);
}

/* one: run variant v on the client's system; 0 when answered. */
static int one(struct client *c, const struct variant *v)
{
    if (c->sys == SYS_ESSAIM) {
        char url[2048];
        long status = 0;
        CURLcode rc;

        snprintf(url, sizeof url, "%s%s", base_url, v->path);
        curl_easy_setopt(c->curl, CURLOPT_URL, url);
        c->errbuf[0] = 0;
        rc = curl_easy_perform(c->curl);
        if (rc != CURLE_OK) {
            fail(c, "curl: %s", *c->errbuf ? c->errbuf : curl_easy_strerror(rc));
            return -1;
        }
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200) {
            fail(c, "HTTP status not 200 for %s", v->path);
            return -1;
        }
        return 0;
    } else {
        const char *vals[MAX_PARAMS + 1];
        PGresult *r;
        int i, ok;

        for (i = 0; i < v->nparams; i++) vals[i] = v->params[i];
        vals[v->nparams] = "20";
        r = PQexecPrepared(c->pg, stmts[v->stmt].name, v->nparams + 1, vals,
                           NULL, NULL, 0);
        ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0;
        if (!ok) fail(c, "PostgreSQL: %s", PQerrorMessage(c->pg));
        PQclear(r);
        return ok ? 0 : -1;
    }
}

static void record(struct client *c, uint64_t ns)
{
    if (c->nlat == c->caplat) {
        c->caplat = c->caplat ? 2 * c->caplat : 4096;
        c->lat = realloc(c->lat, c->caplat * sizeof *c->lat);
        if (!c->lat) {
            fprintf(stderr, "search-load: out of memory\n");
            exit(1);
        }
    }
    c->lat[c->nlat++] = ns;
}

static void *run_client(void *arg)
{
    struct client *c = arg;
    unsigned k = (unsigned)c->id;

    for (;;) {
        const struct qtype *t;
        uint64_t t0 = now_ns(), t1;

        if (t0 >= c->deadline) break;
        if (c->type >= 0) {
            t = &types[c->type];
        } else {
            t = &types[k % (unsigned)ntypes];
        }
        if (one(c, &t->v[(k / (c->type >= 0 ? 1 : (unsigned)ntypes)) %
                         (unsigned)t->nvariants]) == 0) {
            t1 = now_ns();
            record(c, t1 - t0);
        }
        k++;
    }
    return NULL;
}

struct result {
    double p50, p99, qps; /* ms, ms, answers per second */
    long n, errors;
};

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* phase: C clients on sys, query type (or -1 for the mix), for secs. */
static struct result phase(enum sys sys, int type, double secs)
{
    pthread_t th[MAX_CLIENTS];
    struct result res = {0, 0, 0, 0, 0};
    uint64_t start = now_ns(), end, *all;
    size_t n = 0, i;
    int k;

    for (k = 0; k < nclients; k++) {
        struct client *c = &clients[k];

        c->sys = sys;
        c->type = type;
        c->deadline = start + (uint64_t)(secs * 1e9);
        c->nlat = 0;
        c->errors = 0;
        pthread_create(&th[k], NULL, run_client, c);
    }
    for (k = 0; k < nclients; k++) pthread_join(th[k], NULL);
    end = now_ns();
    for (k = 0; k < nclients; k++) {
        n += clients[k].nlat;
        res.errors += clients[k].errors;
        if (clients[k].errors)
            fprintf(stderr, "  %s errors: %ld, last: %s\n",
                    sys == SYS_ESSAIM ? "essaim" : "PostgreSQL",
                    clients[k].errors, clients[k].lasterr);
    }
    res.n = (long)n;
    if (!n) return res;
    all = xmalloc(n * sizeof *all);
    n = 0;
    for (k = 0; k < nclients; k++) {
        memcpy(all + n, clients[k].lat, clients[k].nlat * sizeof *all);
        n += clients[k].nlat;
    }
    qsort(all, n, sizeof *all, cmp_u64);
    res.p50 = all[(n - 1) / 2] / 1e6;
    i = (size_t)((double)n * 0.99 + 0.999999);
    res.p99 = all[(i ? i : 1) - 1] / 1e6;
    res.qps = (double)n / ((end - start) / 1e9);
    free(all);
    return res;
}

/* ------------------------------------------------------------- dump */

static int dump(const char *dir)
{
    int t, i, line = 0, j;

    for (t = 0; t < ntypes; t++)
        for (i = 0; i < types[t].nvariants; i++, line++) {
            const struct variant *v = &types[t].v[i];
            const char *vals[MAX_PARAMS + 1];
            char path[1024];
            PGresult *r;
            FILE *fp;
            int row, col;

            for (j = 0; j < v->nparams; j++) vals[j] = v->params[j];
            vals[v->nparams] = "1000000";
            r = PQexecPrepared(clients[0].pg, stmts[v->stmt].name,
                               v->nparams + 1, vals, NULL, NULL, 0);
            if (PQresultStatus(r) != PGRES_TUPLES_OK) {
                fprintf(stderr, "search-load: %s: %s", types[t].name,
                        PQerrorMessage(clients[0].pg));
                PQclear(r);
                return 1;
            }
            snprintf(path, sizeof path, "%s/%d.tsv", dir, line);
            fp = fopen(path, "w");
            if (!fp) {
                fprintf(stderr, "search-load: %s: %s\n", path,
                        strerror(errno));
                PQclear(r);
                return 1;
            }
            for (row = 0; row < PQntuples(r); row++)
                for (col = 0; col < PQnfields(r); col++)
                    fprintf(fp, "%s%c", PQgetvalue(r, row, col),
                            col + 1 < PQnfields(r) ? '\t' : '\n');
            fclose(fp);
            PQclear(r);
        }
    return 0;
}

/* ------------------------------------------------------------- main */

static void usage(void)
{
    fprintf(stderr, "usage: search-load --url URL --pg CONNINFO --spec FILE"
                    " [--clients C] [--seconds D] [--warmup W]\n"
                    "       search-load --pg CONNINFO --spec FILE"
                    " --dump DIR\n");
    exit(2);
}

static void row(const char *name, const struct result *e,
                const struct result *p)
{
    printf("%-20s | %7.2f %8.2f %8.0f | %7.2f %8.2f %8.0f | %6.2f %7.2f\n",
           name, e->p50, e->p99, e->qps, p->p50, p->p99, p->qps,
           p->qps > 0 ? e->qps / p->qps : 0, p->p50 > 0 ? e->p50 / p->p50 : 0);
}

int main(int argc, char **argv)
{
    const char *conninfo = NULL, *spec = NULL, *dumpdir = NULL;
    double secs = 5, warm = 2;
    struct result e[MAX_TYPES + 1], p[MAX_TYPES + 1];
    long errs = 0;
    int i, t;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (!v) usage();
        if (!strcmp(a, "--url")) base_url = v;
        else if (!strcmp(a, "--pg")) conninfo = v;
        else if (!strcmp(a, "--spec")) spec = v;
        else if (!strcmp(a, "--clients")) nclients = (int)strtol(v, NULL, 10);
        else if (!strcmp(a, "--seconds")) secs = strtod(v, NULL);
        else if (!strcmp(a, "--warmup")) warm = strtod(v, NULL);
        else if (!strcmp(a, "--dump")) dumpdir = v;
        else usage();
        i++;
    }
    if (!conninfo || !spec || (!dumpdir && !base_url) || nclients < 1 ||
        nclients > MAX_CLIENTS)
        usage();
    read_spec(spec);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (dumpdir) {
        if (pg_open(&clients[0], conninfo)) return 1;
        i = dump(dumpdir);
        PQfinish(clients[0].pg);
        return i;
    }
    for (i = 0; i < nclients; i++) {
        clients[i].id = i;
        if (curl_open(&clients[i]) || pg_open(&clients[i], conninfo)) return 1;
    }
    /* Warm-up: the mix on each system. */
    phase(SYS_ESSAIM, -1, warm);
    phase(SYS_PG, -1, warm);
    /* Query type by query type, essaim then PostgreSQL, so that whatever
     * else the machine does falls on both alike. */
    for (t = 0; t < ntypes; t++) {
        e[t] = phase(SYS_ESSAIM, t, secs);
        p[t] = phase(SYS_PG, t, secs);
    }
    e[ntypes] = phase(SYS_ESSAIM, -1, secs);
    p[ntypes] = phase(SYS_PG, -1, secs);
    printf("%d client%s per system, %.0f s per query type and system"
           " (after %.0f s of warm-up)\n",
           nclients, nclients > 1 ? "s" : "", secs, warm);
    printf("%-20s | %-26s | %-26s | %-14s\n", "", "essaim",
           "PostgreSQL + PostGIS", "essaim/PG");
    printf("%-20s | %7s %8s %8s | %7s %8s %8s | %6s %7s\n", "query", "p50 ms",
           "p99 ms", "QPS", "p50 ms", "p99 ms", "QPS", "QPS", "p50");
    for (t = 0; t < ntypes; t++) {
        row(types[t].name, &e[t], &p[t]);
        errs += e[t].errors + p[t].errors;
    }
    row("mix (all types)", &e[ntypes], &p[ntypes]);
    errs += e[ntypes].errors + p[ntypes].errors;
    if (errs) printf("errors: %ld (see above)\n", errs);
    {
        int met = 0;

        for (t = 0; t < ntypes; t++)
            met += e[t].p50 <= 5 && e[t].p99 <= 50 &&
                   e[t].qps >= 2 * p[t].qps;
        printf("goal (p50 <= 5 ms, p99 <= 50 ms, QPS >= 2x PostgreSQL):"
               " mix p50 %.1f ms %s, p99 %.1f ms %s, QPS %.2fx %s;"
               " query types meeting all three: %d of %d\n",
               e[ntypes].p50, e[ntypes].p50 <= 5 ? "met" : "missed",
               e[ntypes].p99, e[ntypes].p99 <= 50 ? "met" : "missed",
               p[ntypes].qps > 0 ? e[ntypes].qps / p[ntypes].qps : 0,
               e[ntypes].qps >= 2 * p[ntypes].qps ? "met" : "missed", met,
               ntypes);
    }
    for (i = 0; i < nclients; i++) {
        curl_easy_cleanup(clients[i].curl);
        PQfinish(clients[i].pg);
        free(clients[i].lat);
    }
    curl_global_cleanup();
    return errs ? 1 : 0;
}
