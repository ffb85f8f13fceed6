/*
 * tender_ref.c: NUTS and CPV reference tables (see tender_ref.h).
 *
 * Each table is an array sorted by code, searched with bsearch(). Strings
 * are copied once at load time and kept for the life of the process.
 */
#include "tender_ref.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../util/assets.h"
#include "../util/tsv.h"

#define CODE_MAX 12 /* longest code kept, NUL included */

struct nuts_row {
    char code[CODE_MAX]; /* upper case: "FRD22" */
    char *label;         /* as published */
    char **deps;         /* départements, in file order */
    size_t ndeps;
};

struct cpv_row {
    char code[CODE_MAX]; /* 8 digits */
    char *text;          /* label (cpv.tsv), unused for trades */
    char **refs;         /* "rome:A1203"..., "naf:81.30Z"... (trades) */
    size_t nrefs;
};

struct table {
    void *rows; /* struct nuts_row[] or struct cpv_row[] */
    size_t n, cap;
};

static pthread_once_t ref_once = PTHREAD_ONCE_INIT;
static struct table nuts, cpv_labels, cpv_trades;

/* grow: room for one more row of size sz; NULL when out of memory. */
static void *grow(struct table *t, size_t sz)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        void *r = realloc(t->rows, cap * sz);

        if (!r) return NULL;
        t->rows = r;
        t->cap = cap;
    }
    memset((char *)t->rows + t->n * sz, 0, sz);
    return (char *)t->rows + t->n * sz;
}

/* copy_code: src upper-cased into dst[CODE_MAX]; 0 when too long or
 * empty. */
static int copy_code(char *dst, const char *src)
{
    size_t i, n = strlen(src);

    if (n == 0 || n >= CODE_MAX) return 0;
    for (i = 0; i < n; i++) dst[i] = (char)toupper((unsigned char)src[i]);
    dst[n] = 0;
    return 1;
}

/* split: append to *list the words of s separated by any of seps, each
 * copied with prefix before it ("rome:" + "A1203"). -1 when out of
 * memory. */
static int split(const char *s, const char *seps, const char *prefix,
                 char ***list, size_t *n)
{
    size_t plen = strlen(prefix);

    while (*s) {
        size_t len = strcspn(s, seps);

        if (len) {
            char **l = realloc(*list, (*n + 1) * sizeof *l);
            char *w = malloc(plen + len + 1);

            if (l) *list = l;
            if (!l || !w) {
                free(w);
                return -1;
            }
            memcpy(w, prefix, plen);
            memcpy(w + plen, s, len);
            w[plen + len] = 0;
            (*list)[(*n)++] = w;
        }
        s += len;
        if (*s) s++;
    }
    return 0;
}

static int by_nuts(const void *a, const void *b)
{
    return strcmp(((const struct nuts_row *)a)->code,
                  ((const struct nuts_row *)b)->code);
}

static int by_cpv(const void *a, const void *b)
{
    return strcmp(((const struct cpv_row *)a)->code,
                  ((const struct cpv_row *)b)->code);
}

/* load_nuts: data/nuts.tsv (nuts, level, label, departements). */
static void load_nuts(void)
{
    struct tsv t;
    int ccode, clabel, cdeps;

    tsv_init_mem(&t, asset_nuts, ASSET_LEN(asset_nuts));
    if (tsv_next(&t, '\t') <= 0) goto out;
    ccode = tsv_col(&t, "nuts");
    clabel = tsv_col(&t, "label");
    cdeps = tsv_col(&t, "departements");
    if (ccode < 0 || clabel < 0 || cdeps < 0) goto out;
    while (tsv_next(&t, '\t') > 0) {
        struct nuts_row *r = grow(&nuts, sizeof *r);

        if (!r) break;
        if (!copy_code(r->code, tsv_get(&t, ccode))) continue;
        r->label = strdup(tsv_get(&t, clabel));
        if (!r->label ||
            split(tsv_get(&t, cdeps), ",", "", &r->deps, &r->ndeps) < 0) {
            free(r->label); /* the row is dropped; its parts are freed */
            while (r->ndeps) free(r->deps[--r->ndeps]);
            free(r->deps);
            break;
        }
        nuts.n++;
    }
    qsort(nuts.rows, nuts.n, sizeof(struct nuts_row), by_nuts);
out:
    tsv_free(&t);
}

/* load_cpv: data/cpv.tsv (code, label_fr, label_en): the labels. */
static void load_cpv(void)
{
    struct tsv t;
    int ccode, clabel;

    tsv_init_mem(&t, asset_cpv, ASSET_LEN(asset_cpv));
    if (tsv_next(&t, '\t') <= 0) goto out;
    ccode = tsv_col(&t, "code");
    clabel = tsv_col(&t, "label_fr");
    if (ccode < 0 || clabel < 0) goto out;
    while (tsv_next(&t, '\t') > 0) {
        struct cpv_row *r = grow(&cpv_labels, sizeof *r);

        if (!r) break;
        if (!tender_cpv_valid(tsv_get(&t, ccode), r->code)) continue;
        r->text = strdup(tsv_get(&t, clabel));
        if (!r->text) break;
        cpv_labels.n++;
    }
    qsort(cpv_labels.rows, cpv_labels.n, sizeof(struct cpv_row), by_cpv);
out:
    tsv_free(&t);
}

/* load_trades: data/cpv_trades.tsv (cpv, rome, naf, note). */
static void load_trades(void)
{
    struct tsv t;
    int ccode, crome, cnaf;

    tsv_init_mem(&t, asset_cpv_trades, ASSET_LEN(asset_cpv_trades));
    if (tsv_next(&t, '\t') <= 0) goto out;
    ccode = tsv_col(&t, "cpv");
    crome = tsv_col(&t, "rome");
    cnaf = tsv_col(&t, "naf");
    if (ccode < 0 || crome < 0 || cnaf < 0) goto out;
    while (tsv_next(&t, '\t') > 0) {
        struct cpv_row *r = grow(&cpv_trades, sizeof *r);

        if (!r) break;
        if (!tender_cpv_valid(tsv_get(&t, ccode), r->code)) continue;
        if (split(tsv_get(&t, crome), " ", "rome:", &r->refs, &r->nrefs) < 0 ||
            split(tsv_get(&t, cnaf), " ", "naf:", &r->refs, &r->nrefs) < 0) {
            while (r->nrefs) free(r->refs[--r->nrefs]);
            free(r->refs);
            break;
        }
        cpv_trades.n++;
    }
    qsort(cpv_trades.rows, cpv_trades.n, sizeof(struct cpv_row), by_cpv);
out:
    tsv_free(&t);
}

static void load_all(void)
{
    load_nuts();
    load_cpv();
    load_trades();
}

static const struct nuts_row *find_nuts(const char *code)
{
    struct nuts_row key;

    if (!code || !copy_code(key.code, code)) return NULL;
    pthread_once(&ref_once, load_all);
    if (!nuts.n) return NULL;
    return bsearch(&key, nuts.rows, nuts.n, sizeof key, by_nuts);
}

/* find_cpv: the row of code in t, else of its nearest ancestor there. */
static const struct cpv_row *find_cpv(const struct table *t, const char *s)
{
    struct cpv_row key;
    const struct cpv_row *r = NULL;
    int i;

    if (!s || !tender_cpv_valid(s, key.code)) return NULL;
    pthread_once(&ref_once, load_all);
    while (t->n) {
        r = bsearch(&key, t->rows, t->n, sizeof key, by_cpv);
        if (r) break;
        for (i = 7; i >= 2 && key.code[i] == '0'; i--)
            ;
        if (i < 2) break; /* the division itself had no row */
        key.code[i] = '0';
    }
    return r;
}

size_t tender_nuts_departements(const char *nuts_code, const char **out,
                                size_t max)
{
    const struct nuts_row *r = find_nuts(nuts_code);
    size_t i;

    for (i = 0; r && i < r->ndeps && i < max; i++) out[i] = r->deps[i];
    return i;
}

const char *tender_nuts_label(const char *nuts_code)
{
    const struct nuts_row *r = find_nuts(nuts_code);

    return r ? r->label : NULL;
}

size_t tender_cpv_trades(const char *cpv, const char **out, size_t max)
{
    const struct cpv_row *r = find_cpv(&cpv_trades, cpv);
    size_t i;

    for (i = 0; r && i < r->nrefs && i < max; i++) out[i] = r->refs[i];
    return i;
}

const char *tender_cpv_label(const char *cpv)
{
    const struct cpv_row *r = find_cpv(&cpv_labels, cpv);

    return r ? r->text : NULL;
}

int tender_cpv_valid(const char *s, char out[9])
{
    size_t i;

    if (!s) return 0;
    for (i = 0; i < 8; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    if (s[8] && !(s[8] == '-' && isdigit((unsigned char)s[9]) && !s[10]))
        return 0;
    memcpy(out, s, 8);
    out[8] = 0;
    return 1;
}
