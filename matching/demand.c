/*
 * demand.c: pooled demand counts (see demand.h): the counting of
 * requests and searches without results, the trade words a search may
 * leave behind, and the statistics answer. The SQL is at the top.
 */
#include "demand.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../search/search_text.h"
#include "../search/search_trade.h"
#include "../util/assets.h"
#include "../util/buf.h"
#include "../util/check.h"
#include "../util/tsv.h"

static const char sql_add[] =
    "INSERT INTO demand(kind, month, departement, trade, n)"
    " VALUES(?1, ?2, ?3, ?4, 1)"
    " ON CONFLICT(kind, month, departement, trade) DO UPDATE SET n = n + 1";
static const char sql_add_words[] =
    "INSERT INTO demand_words(month, departement, words, n)"
    " VALUES(?1, ?2, ?3, 1)"
    " ON CONFLICT(month, departement, words) DO UPDATE SET n = n + 1";
/* One row per month x département x trade of the range, the three kinds
 * side by side. */
static const char sql_series[] =
    "SELECT month, departement, trade,"
    " sum(CASE WHEN kind = 'request' THEN n ELSE 0 END),"
    " sum(CASE WHEN kind = 'search_empty' THEN n ELSE 0 END),"
    " sum(CASE WHEN kind = 'tender' THEN n ELSE 0 END)"
    " FROM demand WHERE month BETWEEN ?1 AND ?2"
    " AND (?3 = '' OR departement = ?3)"
    " GROUP BY month, departement, trade"
    " ORDER BY month, departement, trade";
static const char sql_words[] =
    "SELECT words, sum(n) AS total FROM demand_words"
    " WHERE month BETWEEN ?1 AND ?2 AND (?3 = '' OR departement = ?3)"
    " GROUP BY words ORDER BY total DESC, words LIMIT ?4";

const char *const demand_sql[] = {sql_add, sql_add_words, sql_series, sql_words,
                                  NULL};

#define TRADES_MAX 10 /* trades of one search filter, of one stats query */
#define WORDS_MAX  8  /* words kept of one search */

/* ------------------------------------------------------------ helpers */

/* this_month: the current month, UTC, "YYYY-MM" (out: 8 bytes). */
static void this_month(char *out, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m", &tm);
}

/* month_index: "YYYY-MM" -> year * 12 + month - 1; -1 when s is not a
 * month of the years 1900 to 9999. */
static long month_index(const char *s)
{
    long y, m;
    int i;

    if (strlen(s) != 7 || s[4] != '-') return -1;
    for (i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9')) return -1;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
        (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    if (y < 1900 || m < 1 || m > 12) return -1;
    return y * 12 + m - 1;
}

static void month_name(long index, char *out, size_t size)
{
    snprintf(out, size, "%04ld-%02ld", index / 12, index % 12 + 1);
}

/* code_chars: s[0..n) is 1 to 20 letters, digits, dots or dashes. */
static int code_chars(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 20) return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

/* stored_trade_ok: s is "scheme:code" with a coded scheme: what
 * demand_add keeps (a free trade's label could name anything). */
static int stored_trade_ok(const char *s)
{
    const char *colon = strchr(s, ':');
    char scheme[8];

    if (!colon || colon - s >= (long)sizeof scheme) return 0;
    snprintf(scheme, sizeof scheme, "%.*s", (int)(colon - s), s);
    return search_trade_scheme_ok(scheme) &&
           code_chars(colon + 1, strlen(colon + 1));
}

/* filter_trade: one item t[0..n) of a search's trade filter in the form
 * it is counted under, into out (size >= 32): "scheme:CODE" (canonical
 * when the item is a whole code: "rome:f1603" -> "rome:F1603", "4322a" ->
 * "naf:43.22A"), or the bare prefix in upper case when its scheme cannot
 * be told ("4533": a NAF or a CPV beginning). 0 when t is not a code. */
static int filter_trade(const char *t, size_t n, char *out, size_t size)
{
    const char *colon = memchr(t, ':', n);
    char scheme[8] = "", code[24], canon[16];
    size_t i;

    if (colon) {
        if ((size_t)(colon - t) >= sizeof scheme) return 0;
        snprintf(scheme, sizeof scheme, "%.*s", (int)(colon - t), t);
        n -= (size_t)(colon - t) + 1;
        t = colon + 1;
        if (!search_trade_scheme_ok(scheme)) return 0;
    }
    if (!code_chars(t, n)) return 0;
    for (i = 0; i < n; i++)
        code[i] = (char)(t[i] >= 'a' && t[i] <= 'z' ? t[i] - 32 : t[i]);
    code[n] = 0;
    if (!*scheme) {
        if (code[0] >= 'A' && code[0] <= 'Z')
            snprintf(scheme, sizeof scheme, "rome");
        else if (search_trade_normalize("naf", code, canon, sizeof canon) &&
                 (strchr(code, '.') || n == 5))
            snprintf(scheme, sizeof scheme, "naf"); /* 43.22, 4322A */
        else if (n >= 8 &&
                 search_trade_normalize("cpv", code, canon, sizeof canon))
            snprintf(scheme, sizeof scheme, "cpv");
    }
    if (!*scheme)
        snprintf(out, size, "%s", code);
    else if (search_trade_normalize(scheme, code, canon, sizeof canon))
        snprintf(out, size, "%s:%s", scheme, canon);
    else
        snprintf(out, size, "%s:%s", scheme, code);
    return 1;
}

/* --------------------------------------------------------- vocabulary */

/* The folded words of the ROME labels, job titles and curated needs,
 * sorted, each once; built on first use, kept until exit (the vocabulary
 * is the one embedded in the binary, the same for every database). */
static char *vocab_text;   /* the words, NUL-terminated one after another */
static const char **vocab; /* pointers into vocab_text, sorted */
static size_t nvocab;
static pthread_once_t vocab_once = PTHREAD_ONCE_INIT;

struct collect {
    struct buf text; /* words, NUL-separated */
    size_t *off;     /* start of each word in text */
    size_t n, cap;
    int oom;
};

static int on_label_word(void *arg, const char *tok, int ntok, const char *word,
                         int nword, int start, int end)
{
    struct collect *c = arg;

    (void)tok;
    (void)ntok;
    (void)start;
    (void)end;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4096;
        size_t *off = realloc(c->off, cap * sizeof *off);

        if (!off) {
            c->oom = 1;
            return 1;
        }
        c->off = off;
        c->cap = cap;
    }
    c->off[c->n++] = c->text.len;
    buf_add(&c->text, word, (size_t)nword);
    buf_addc(&c->text, 0);
    return 0;
}

/* collect_tsv: the words of column col of every data line of an asset. */
static void collect_tsv(struct search_text *an, struct collect *c,
                        const char *data, size_t len, int col)
{
    struct tsv t;

    tsv_init_mem(&t, data, len);
    if (tsv_next(&t, '\t') == 1) { /* the header */
        while (!c->oom && tsv_next(&t, '\t') == 1) {
            const char *label = tsv_get(&t, col);

            search_text_each(an, label, (int)strlen(label), 0, on_label_word,
                             c);
        }
    }
    tsv_free(&t);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void vocab_build(void)
{
    struct search_text *an = search_text_new(8192);
    struct collect c;
    const char **words = NULL;
    size_t i, n = 0;

    memset(&c, 0, sizeof c);
    if (!an) return;
    collect_tsv(an, &c, asset_rome, ASSET_LEN(asset_rome), 1);
    collect_tsv(an, &c, asset_rome_appellations,
                ASSET_LEN(asset_rome_appellations), 2);
    collect_tsv(an, &c, asset_needs, ASSET_LEN(asset_needs), 0);
    search_text_free(an);
    if (c.oom || buf_oom(&c.text) || !c.n) goto out;
    words = malloc(c.n * sizeof *words);
    vocab_text = buf_take(&c.text);
    if (!words || !vocab_text) goto out;
    for (i = 0; i < c.n; i++) words[i] = vocab_text + c.off[i];
    qsort(words, c.n, sizeof *words, cmp_str);
    for (i = 0; i < c.n; i++)
        if (!n || strcmp(words[n - 1], words[i])) words[n++] = words[i];
    vocab = words;
    nvocab = n;
    words = NULL;
out:
    free(words);
    free(c.off);
    buf_free(&c.text);
}

static int in_vocab(const char *word)
{
    return bsearch(&word, vocab, nvocab, sizeof *vocab, cmp_str) != NULL;
}

struct keep {
    char words[WORDS_MAX][SEARCH_TEXT_MAX_WORD + 1];
    int n;
};

static int on_query_word(void *arg, const char *tok, int ntok, const char *word,
                         int nword, int start, int end)
{
    struct keep *k = arg;
    char w[SEARCH_TEXT_MAX_WORD + 1];
    int i, found;

    (void)tok;
    (void)ntok;
    (void)start;
    (void)end;
    if (k->n == WORDS_MAX) return 1;
    if (nword < 3 || nword > SEARCH_TEXT_MAX_WORD) return 0;
    for (i = 0; i < nword; i++)
        if (word[i] < 'a' || word[i] > 'z') return 0; /* digits: dropped */
    memcpy(w, word, (size_t)nword);
    w[nword] = 0;
    found = in_vocab(w);
    if (!found && (w[nword - 1] == 's' || w[nword - 1] == 'x')) {
        w[--nword] = 0; /* plombiers: kept as plombier */
        found = in_vocab(w);
    }
    if (!found) return 0;
    for (i = 0; i < k->n; i++)
        if (!strcmp(k->words[i], w)) return 0;
    memcpy(k->words[k->n++], w, (size_t)nword + 1);
    return 0;
}

enum rc demand_words_keep(const char *q, char *out, size_t size)
{
    struct search_text *an;
    struct keep k;
    struct buf b = {0};
    int i;

    out[0] = 0;
    pthread_once(&vocab_once, vocab_build);
    if (!vocab) return RC_NOMEM;
    if (!q || !*q) return RC_OK;
    an = search_text_new(0);
    if (!an) return RC_NOMEM;
    k.n = 0;
    search_text_each(an, q, (int)strlen(q), 0, on_query_word, &k);
    search_text_free(an);
    for (i = 0; i < k.n; i++) {
        if (i) buf_addc(&b, ' ');
        buf_adds(&b, k.words[i]);
    }
    if (buf_oom(&b)) {
        buf_free(&b);
        return RC_NOMEM;
    }
    /* Cut at a word boundary when out is small. */
    if (b.len >= size) {
        size_t n = size - 1;

        while (n > 0 && b.p[n] != ' ') n--;
        b.len = n;
    }
    if (b.len) memcpy(out, b.p, b.len);
    out[b.len] = 0;
    buf_free(&b);
    return RC_OK;
}

/* ------------------------------------------------------------ counting */

static enum rc add_one(struct db *db, const char *kind, const char *month,
                       const char *dep, const char *trade)
{
    sqlite3_stmt *st = db_stmt(db, sql_add);
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, month, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, dep ? dep : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, trade ? trade : "", -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

static enum rc add_words(struct db *db, const char *month, const char *dep,
                         const char *words)
{
    sqlite3_stmt *st = db_stmt(db, sql_add_words);
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, month, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dep ? dep : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, words, -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* count: one event of kind under each of trades[0..n) (none: under ""),
 * and words when not empty, in one transaction. */
static enum rc count(struct db *db, const char *kind, const char *dep,
                     char (*trades)[32], int n, const char *words)
{
    char month[8];
    int i;
    enum rc rc = db_begin(db);

    if (rc != RC_OK) return rc;
    this_month(month, sizeof month);
    if (!n) rc = add_one(db, kind, month, dep, "");
    for (i = 0; i < n && rc == RC_OK; i++)
        rc = add_one(db, kind, month, dep, trades[i]);
    if (rc == RC_OK && words && *words) rc = add_words(db, month, dep, words);
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    return rc;
}

/* seen: trades[0..n) holds t. */
static int seen(char (*trades)[32], int n, const char *t)
{
    int i;

    for (i = 0; i < n; i++)
        if (!strcmp(trades[i], t)) return 1;
    return 0;
}

enum rc demand_add(struct db *db, const char *kind, const char *departement,
                   json_t *trades)
{
    char list[TRADES_MAX * 2][32];
    int n = 0;
    size_t i;
    json_t *x;

    json_array_foreach(trades, i, x)
    {
        const char *t = json_string_value(x);

        if (t && n < TRADES_MAX * 2 && strlen(t) < sizeof list[0] &&
            stored_trade_ok(t) && !seen(list, n, t))
            snprintf(list[n++], sizeof list[0], "%s", t);
    }
    return count(db, kind, departement, list, n, NULL);
}

enum rc demand_search_empty(struct db *db, const char *departement,
                            const char *trade, const char *q)
{
    char list[TRADES_MAX][32], words[256], one[32];
    const char *t = trade ? trade : "";
    int n = 0;
    enum rc rc;

    /* The words first, outside the write transaction. */
    rc = demand_words_keep(q, words, sizeof words);
    if (rc != RC_OK) return rc;
    while (*t && n < TRADES_MAX) {
        size_t len = strcspn(t, ",");

        if (filter_trade(t, len, one, sizeof one) && !seen(list, n, one))
            snprintf(list[n++], sizeof list[0], "%s", one);
        t += len;
        if (*t == ',') t++;
    }
    return count(db, "search_empty", departement, list, n, words);
}

/* --------------------------------------------------------------- stats */

struct prefix {
    char scheme[8]; /* "" any */
    char want[24];  /* upper case */
};

/* parse_trades: the trade parameter into p[0..*n); -1 (error on trade
 * added) when an item is not a code beginning. */
static int parse_trades(const struct check *c, const char *s, struct prefix *p,
                        int *n)
{
    *n = 0;
    while (*s) {
        size_t len = strcspn(s, ","), i;
        const char *colon = memchr(s, ':', len);
        const char *code = s;
        size_t ncode = len;

        if (*n == TRADES_MAX) {
            check_fail(c, "trade", "at most %d trades", TRADES_MAX);
            return -1;
        }
        memset(&p[*n], 0, sizeof p[*n]);
        if (colon) {
            size_t ns = (size_t)(colon - s);

            if (ns >= sizeof p->scheme) ns = sizeof p->scheme - 1;
            snprintf(p[*n].scheme, sizeof p->scheme, "%.*s", (int)ns, s);
            code = colon + 1;
            ncode = len - (size_t)(colon - s) - 1;
        }
        if ((colon && !search_trade_scheme_ok(p[*n].scheme)) ||
            !code_chars(code, ncode)) {
            check_fail(c, "trade",
                       "must be a trade code or its beginning: F16,"
                       " rome:F1603, 43.22, cpv:4533");
            return -1;
        }
        for (i = 0; i < ncode; i++)
            p[*n].want[i] =
                (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 32
                                                        : code[i]);
        (*n)++;
        s += len;
        if (*s == ',') s++;
    }
    return 0;
}

/* trade_matches: the stored trade ("rome:F1603", or a bare prefix a
 * search filtered on) starts with one of p[0..n), as the search's trade
 * filter reads it (a NAF code may be given without its dot). */
static int trade_matches(const char *stored, const struct prefix *p, int n)
{
    const char *colon = strchr(stored, ':');
    const char *code = colon ? colon + 1 : stored;
    char nodot[32];
    size_t i, k = 0;
    int j;

    if (!*stored) return 0;
    for (i = 0; code[i] && k + 1 < sizeof nodot; i++)
        if (code[i] != '.') nodot[k++] = code[i];
    nodot[k] = 0;
    for (j = 0; j < n; j++) {
        size_t len = strlen(p[j].want);

        if (*p[j].scheme &&
            (!colon || strlen(p[j].scheme) != (size_t)(colon - stored) ||
             strncmp(stored, p[j].scheme, (size_t)(colon - stored))))
            continue;
        if (!strncmp(code, p[j].want, len)) return 1;
        if (!strchr(p[j].want, '.') && !strncmp(nodot, p[j].want, len))
            return 1;
    }
    return 0;
}

/* departement_ok: "44", "2A", "974": two digits, 2A or 2B, or three
 * digits from 971 to 989 (overseas). */
static int departement_ok(const char *d)
{
    size_t n = strlen(d);

    if (n == 2)
        return (d[0] >= '0' && d[0] <= '9' && d[1] >= '0' && d[1] <= '9') ||
               (d[0] == '2' && (d[1] == 'A' || d[1] == 'B'));
    return n == 3 && d[0] == '9' && (d[1] == '7' || d[1] == '8') &&
           d[2] >= '0' && d[2] <= '9';
}

/* trade_label: the label of a stored trade, cached in labels (trade ->
 * label or null); borrowed from labels. */
static json_t *trade_label(struct db *db, json_t *labels, const char *trade)
{
    json_t *v = json_object_get(labels, trade);
    const char *colon = strchr(trade, ':');
    char scheme[8], label[512];

    if (v) return v;
    v = json_null();
    if (colon && colon - trade < (long)sizeof scheme) {
        snprintf(scheme, sizeof scheme, "%.*s", (int)(colon - trade), trade);
        if (search_trade_scheme_ok(scheme) &&
            search_trade_label(db, scheme, colon + 1, label, sizeof label) ==
                RC_OK)
            v = json_string(label);
    }
    json_object_set_new(labels, trade, v);
    return json_object_get(labels, trade);
}

/* check_query: the range [*lo, *hi] (month indexes) and the prefixes of
 * q; errors added to errs. Returns the number of errors. */
static size_t check_query(const struct demand_query *q, json_t *errs, long *lo,
                          long *hi, struct prefix *p, int *np)
{
    struct check c = {errs, ""};
    char now[8];

    this_month(now, sizeof now);
    *hi = month_index(now);
    *lo = -1;
    *np = 0;
    if (q->to && *q->to) {
        *hi = month_index(q->to);
        if (*hi < 0) check_fail(&c, "to", "must be a month YYYY-MM");
    }
    if (q->from && *q->from) {
        *lo = month_index(q->from);
        if (*lo < 0) check_fail(&c, "from", "must be a month YYYY-MM");
    } else if (*hi >= 0) {
        *lo = *hi - 11;
    }
    if (*lo >= 0 && *hi >= 0 && *lo > *hi)
        check_fail(&c, "from", "must not be after to");
    else if (*lo >= 0 && *hi >= 0 && *hi - *lo >= DEMAND_MONTHS_MAX)
        check_fail(&c, "from", "the range must not exceed %d months",
                   DEMAND_MONTHS_MAX);
    if (q->departement && *q->departement && !departement_ok(q->departement))
        check_fail(&c, "departement",
                   "must be a département code like 44, 2A or 974");
    if (q->trade && *q->trade) parse_trades(&c, q->trade, p, np);
    return check_failed(&c);
}

static json_t *notes_json(int by_trade, int truncated)
{
    json_t *a = json_array();

    json_array_append_new(
        a, json_string("tenders: public tenders imported (new ones only, not"
                       " updates), counted once per CPV code under"
                       " \"cpv:CODE\", in the month of the import and the"
                       " département of the tender's place"));
    json_array_append_new(
        a, json_string("requests: confirmed client requests, counted once"
                       " per wanted trade (under trade \"\" when none), in"
                       " the month and département of the job; totals add"
                       " the rows"));
    json_array_append_new(
        a, json_string("searches_empty: searches with words or a trade"
                       " filter that found nobody, once per trade of the"
                       " filter, in the département of the searched place"
                       " (\"\" when none); only words of the trade"
                       " vocabulary are kept"));
    json_array_append_new(a, json_string("months are UTC calendar months"));
    if (by_trade)
        json_array_append_new(
            a, json_string("words are not kept by trade: the trade filter"
                           " does not apply to them"));
    if (truncated)
        json_array_append_new(
            a, json_string("series holds its first rows only: narrow the"
                           " filters; months and totals count every row"));
    return a;
}

enum rc demand_stats(struct db *db, const struct demand_query *q, json_t *errs,
                     json_t **out)
{
    struct prefix p[TRADES_MAX];
    long lo, hi, sum[DEMAND_MONTHS_MAX][3], tot[3] = {0, 0, 0};
    char from[8], to[8];
    const char *dep = q->departement ? q->departement : "";
    json_t *answer = NULL, *series = NULL, *months = NULL, *words = NULL,
           *labels = NULL;
    sqlite3_stmt *st = NULL;
    int np, src, truncated = 0, in_tx = 0, k;
    long i;
    enum rc rc;

    *out = NULL;
    if (check_query(q, errs, &lo, &hi, p, &np)) return RC_INVALID;
    month_name(lo, from, sizeof from);
    month_name(hi, to, sizeof to);
    memset(sum, 0, sizeof sum);
    series = json_array();
    months = json_array();
    words = json_array();
    labels = json_object();
    rc = RC_NOMEM;
    if (!series || !months || !words || !labels) goto out;
    rc = db_begin_read(db); /* one snapshot for both reads */
    if (rc != RC_OK) goto out;
    in_tx = 1;
    rc = RC_DB;
    st = db_stmt(db, sql_series);
    if (!st) goto out;
    sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, dep, -1, SQLITE_STATIC);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *trade = db_text(st, 2);
        long m = month_index(db_text(st, 0));
        long long v[3];
        json_t *row;

        if (m < lo || m > hi || (np && !trade_matches(trade, p, np))) continue;
        for (k = 0; k < 3; k++) {
            v[k] = sqlite3_column_int64(st, 3 + k);
            sum[m - lo][k] += v[k];
            tot[k] += v[k];
        }
        if (json_array_size(series) >= DEMAND_SERIES_MAX) {
            truncated = 1;
            continue;
        }
        row = json_pack("{s:s, s:s, s:s, s:O, s:I, s:I, s:I}", "month",
                        db_text(st, 0), "departement", db_text(st, 1), "trade",
                        trade, "trade_label", trade_label(db, labels, trade),
                        "requests", (json_int_t)v[0], "searches_empty",
                        (json_int_t)v[1], "tenders", (json_int_t)v[2]);
        if (!row || json_array_append_new(series, row)) {
            rc = RC_NOMEM;
            goto out;
        }
    }
    if (src != SQLITE_DONE) {
        rc = db_rc(db, src);
        goto out;
    }
    db_stmt_done(st);
    st = db_stmt(db, sql_words);
    if (!st) goto out;
    sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, dep, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, DEMAND_WORDS_TOP);
    rc = RC_NOMEM;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *w = json_pack("{s:s, s:I}", "words", db_text(st, 0), "n",
                              (json_int_t)sqlite3_column_int64(st, 1));

        if (!w || json_array_append_new(words, w)) goto out;
    }
    if (src != SQLITE_DONE) {
        rc = db_rc(db, src);
        goto out;
    }
    for (i = lo; i <= hi; i++) {
        char name[8];

        month_name(i, name, sizeof name);
        if (json_array_append_new(
                months, json_pack("{s:s, s:I, s:I, s:I}", "month", name,
                                  "requests", (json_int_t)sum[i - lo][0],
                                  "searches_empty", (json_int_t)sum[i - lo][1],
                                  "tenders", (json_int_t)sum[i - lo][2])))
            goto out;
    }
    answer = json_pack("{s:s, s:s, s:o, s:o, s:{s:I, s:I, s:I}, s:o, s:b, s:o}",
                       "from", from, "to", to, "series", series, "months",
                       months, "totals", "requests", (json_int_t)tot[0],
                       "searches_empty", (json_int_t)tot[1], "tenders",
                       (json_int_t)tot[2], "words", words, "truncated",
                       truncated, "notes", notes_json(np > 0, truncated));
    series = months = words = NULL; /* stolen by json_pack, even on error */
    if (answer) rc = RC_OK;
out:
    db_stmt_done(st);
    if (in_tx && rc == RC_OK)
        rc = db_commit(db);
    else if (in_tx)
        db_rollback(db);
    if (rc == RC_OK) {
        *out = answer;
        answer = NULL;
    }
    json_decref(answer);
    json_decref(series);
    json_decref(months);
    json_decref(words);
    json_decref(labels);
    return rc;
}
