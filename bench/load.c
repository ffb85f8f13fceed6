/*
 * load.c: the load driver of bench/load. It keeps C requests in flight
 * against essaim (C connections, HTTP/1.1 keep-alive, one libcurl multi
 * handle in one thread: a finished request is replaced at once by the
 * next), for W seconds of warm-up then D measured seconds, and prints per
 * kind of request and overall: requests, requests per second, p50, p99
 * and max latency, and errors (an answer that is not 2xx, or a socket
 * error or timeout).
 *
 *   load --url URL --spec FILE [--connections C] [--seconds D]
 *        [--warmup W]
 *
 * The spec (written by bench/load) has one request a line:
 *   kind <TAB> method <TAB> path <TAB> token or - <TAB> JSON body or -
 * Each new request is a line drawn at random (a fixed seed): a kind's
 * share of the mix is its share of the lines. Exit status 0 when the run
 * completed (whatever its figures), 1 on a usage or setup error.
 *
 * Built by bench/load with: cc -O2 load.c -lcurl
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_KINDS 16
#define MAX_CONNS 1024

struct line {
    int kind;                 /* index in kinds[] */
    char *method, *url, *body; /* body NULL: none */
    struct curl_slist *hdrs;  /* Authorization, Content-Type */
};

struct kind {
    char *name;
    uint64_t *lat;            /* latencies of answered requests, ns */
    size_t n, cap;
    long errors;
    long codes[600];          /* answers by status, errors included */
    char lasterr[256];
};

struct slot {
    CURL *h;
    struct line *line;
    uint64_t t0;              /* start, ns */
    char err[CURL_ERROR_SIZE];
};

static struct line *lines;
static size_t nlines;
static struct kind kinds[MAX_KINDS];
static int nkinds;
static struct slot slots[MAX_CONNS];
static unsigned seed = 12345;
static uint64_t bytes;

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fprintf(stderr, "load: out of memory\n");
        exit(1);
    }
    return p;
}

static int kind_of(const char *name)
{
    int i;

    for (i = 0; i < nkinds; i++)
        if (!strcmp(kinds[i].name, name)) return i;
    if (nkinds == MAX_KINDS) {
        fprintf(stderr, "load: more than %d kinds\n", MAX_KINDS);
        exit(1);
    }
    kinds[nkinds].name = strdup(name);
    return nkinds++;
}

/* read_spec: the lines of path, with their URLs made from base. */
static void read_spec(const char *path, const char *base)
{
    FILE *fp = fopen(path, "r");
    char *text = NULL;
    size_t cap = 0;
    ssize_t len;

    if (!fp) {
        perror(path);
        exit(1);
    }
    while ((len = getline(&text, &cap, fp)) > 0) {
        char *f[5], *p = text, hdr[512];
        struct line *l;
        int n = 0;

        if (text[len - 1] == '\n') text[--len] = 0;
        while (n < 5) {
            f[n++] = p;
            p = strchr(p, '\t');
            if (!p) break;
            *p++ = 0;
        }
        if (n != 5) continue;
        lines = xrealloc(lines, (nlines + 1) * sizeof *lines);
        l = &lines[nlines++];
        memset(l, 0, sizeof *l);
        l->kind = kind_of(f[0]);
        l->method = strdup(f[1]);
        l->url = xrealloc(NULL, strlen(base) + strlen(f[2]) + 1);
        strcpy(l->url, base);
        strcat(l->url, f[2]);
        if (strcmp(f[3], "-")) {
            snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", f[3]);
            l->hdrs = curl_slist_append(l->hdrs, hdr);
        }
        if (strcmp(f[4], "-")) {
            l->body = strdup(f[4]);
            l->hdrs = curl_slist_append(l->hdrs,
                                        "Content-Type: application/json");
        }
    }
    free(text);
    fclose(fp);
    if (!nlines) {
        fprintf(stderr, "load: no request in %s\n", path);
        exit(1);
    }
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    bytes += size * n;
    return size * n;
}

/* start: the next request on slot s. */
static void start(CURLM *m, struct slot *s)
{
    struct line *l;

    seed = seed * 1103515245u + 12345u;
    l = &lines[((seed >> 8) & 0xffffff) % nlines];
    s->line = l;
    curl_easy_setopt(s->h, CURLOPT_URL, l->url);
    curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, l->hdrs);
    if (l->body) {
        curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, l->body);
        curl_easy_setopt(s->h, CURLOPT_POSTFIELDSIZE, (long)strlen(l->body));
        curl_easy_setopt(s->h, CURLOPT_CUSTOMREQUEST, l->method);
    } else {
        curl_easy_setopt(s->h, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(s->h, CURLOPT_CUSTOMREQUEST,
                         strcmp(l->method, "GET") ? l->method : NULL);
    }
    s->err[0] = 0;
    s->t0 = now_ns();
    curl_multi_add_handle(m, s->h);
}

/* done: account for the request that ended on s (when measured). */
static void done(struct slot *s, CURLcode rc, int measured)
{
    struct kind *k = &kinds[s->line->kind];
    uint64_t ns = now_ns() - s->t0;
    long status = 0;

    if (!measured) return;
    curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status < 200 || status > 299) {
        k->errors++;
        if (status > 0 && status < 600) k->codes[status]++;
        snprintf(k->lasterr, sizeof k->lasterr, "%.8s %.120s: %.120s",
                 s->line->method, s->line->url + strcspn(s->line->url + 8,
                                                         "/") + 8,
                 rc != CURLE_OK ? (*s->err ? s->err : curl_easy_strerror(rc))
                                : "HTTP status");
        return;
    }
    k->codes[status]++;
    if (k->n == k->cap) {
        k->cap = k->cap ? 2 * k->cap : 4096;
        k->lat = xrealloc(k->lat, k->cap * sizeof *k->lat);
    }
    k->lat[k->n++] = ns;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* pct: the p-th percentile (nearest rank) of sorted v[0..n), ms. */
static double pct(const uint64_t *v, size_t n, double p)
{
    size_t i = (size_t)((double)n * p + 0.999999);

    if (!n) return 0;
    return v[(i ? i : 1) - 1] / 1e6;
}

static void row(const char *name, uint64_t *lat, size_t n, long errors,
                double secs)
{
    qsort(lat, n, sizeof *lat, cmp_u64);
    printf("%-10s %9zu %8.0f %8.1f %8.1f %8.1f %7ld\n", name, n + errors,
           (double)(n + errors) / secs, pct(lat, n, 0.5), pct(lat, n, 0.99),
           n ? lat[n - 1] / 1e6 : 0.0, errors);
}

int main(int argc, char **argv)
{
    const char *url = NULL, *spec = NULL;
    double secs = 60, warmup = 2;
    int nconn = 64, i, running, measured = 0;
    uint64_t t_start, t_measure, t_end, *all;
    size_t nall = 0;
    long errors = 0;
    CURLM *m;

    for (i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--url"))
            url = argv[i + 1];
        else if (!strcmp(argv[i], "--spec"))
            spec = argv[i + 1];
        else if (!strcmp(argv[i], "--connections"))
            nconn = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--seconds"))
            secs = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--warmup"))
            warmup = atof(argv[i + 1]);
        else
            break;
    }
    if (i < argc || !url || !spec || nconn < 1 || nconn > MAX_CONNS ||
        secs <= 0 || warmup < 0) {
        fprintf(stderr, "usage: load --url URL --spec FILE [--connections C]"
                        " [--seconds D] [--warmup W]\n");
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    read_spec(spec, url);
    m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_PIPELINING, (long)CURLPIPE_NOTHING);
    curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)nconn);
    for (i = 0; i < nconn; i++) {
        struct slot *s = &slots[i];

        s->h = curl_easy_init();
        curl_easy_setopt(s->h, CURLOPT_PRIVATE, s);
        curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(s->h, CURLOPT_TIMEOUT, 30L);
        curl_easy_setopt(s->h, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(s->h, CURLOPT_ERRORBUFFER, s->err);
        curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, on_body);
        start(m, s);
    }
    t_start = now_ns();
    t_measure = t_start + (uint64_t)(warmup * 1e9);
    t_end = t_measure + (uint64_t)(secs * 1e9);
    do {
        CURLMsg *msg;
        int left;
        uint64_t t;

        curl_multi_perform(m, &running);
        t = now_ns();
        if (!measured && t >= t_measure) measured = 1;
        while ((msg = curl_multi_info_read(m, &left))) {
            struct slot *s;

            if (msg->msg != CURLMSG_DONE) continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &s);
            /* Measured: the requests that both began and ended inside. */
            done(s, msg->data.result, measured && s->t0 >= t_measure);
            curl_multi_remove_handle(m, s->h);
            if (t < t_end) start(m, s);
        }
        if (t >= t_end && !running) break;
        curl_multi_poll(m, NULL, 0, 100, NULL);
    } while (1);

    printf("%-10s %9s %8s %8s %8s %8s %7s\n", "kind", "requests", "req/s",
           "p50 ms", "p99 ms", "max ms", "errors");
    for (i = 0; i < nkinds; i++) nall += kinds[i].n;
    all = xrealloc(NULL, (nall ? nall : 1) * sizeof *all);
    nall = 0;
    for (i = 0; i < nkinds; i++) {
        memcpy(all + nall, kinds[i].lat, kinds[i].n * sizeof *all);
        nall += kinds[i].n;
        errors += kinds[i].errors;
        row(kinds[i].name, kinds[i].lat, kinds[i].n, kinds[i].errors, secs);
    }
    row("all", all, nall, errors, secs);
    for (i = 0; i < nkinds; i++) {
        int c;

        if (!kinds[i].errors) continue;
        printf("errors of %s:", kinds[i].name);
        for (c = 100; c < 600; c++)
            if (kinds[i].codes[c] && (c < 200 || c > 299))
                printf(" %d x%ld", c, kinds[i].codes[c]);
        printf("; last: %s\n", kinds[i].lasterr);
    }
    printf("%d connections, %.0f s measured after %.0f s of warm-up, %.1f MB"
           " received\n",
           nconn, secs, warmup, (double)bytes / 1e6);
    printf("goals: p99 < 200 ms: %s; 0 errors: %s\n",
           pct(all, nall, 0.99) < 200 ? "met" : "MISSED",
           errors == 0 ? "met" : "MISSED");
    free(all);
    for (i = 0; i < nconn; i++) curl_easy_cleanup(slots[i].h);
    curl_multi_cleanup(m);
    curl_global_cleanup();
    return 0;
}
