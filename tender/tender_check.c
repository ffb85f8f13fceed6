/*
 * tender_check.c: a tender document checked into the stored shape (see
 * tender_db.h): fields validated and named by their path, the place
 * resolved (commune, département, NUTS code), the deadline in UTC, and
 * each lot's wanted[] derived from its CPV codes and, conservatively,
 * from the job titles its text names.
 */
#include "tender_db.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../search/search_place.h"
#include "../search/search_text.h"
#include "../search/search_trade.h"
#include "../util/assets.h"
#include "../util/buf.h"
#include "../util/check.h"
#include "../util/text.h"
#include "../util/tsv.h"
#include "tender.h"
#include "tender_ref.h"

#define OCID_MAX 200
#define TITLE_MAX 1000
#define DESCRIPTION_MAX 20000
#define BUYER_MAX 500
#define PROCEDURE_MAX 500
#define CPV_MAX 100         /* codes of a tender or a lot */
#define LOTS_MAX 500
#define LOT_ID_MAX 100
#define WANTED_MAX 50       /* items of a lot's own wanted[] */
#define SKILL_MAX 100
#define TRADES_MAX TENDER_CPV_MAX_TRADES
#define TEXT_TRADES_MAX 8   /* ROME codes taken from a lot's text */
#define DEPS_MAX 24         /* départements of a NUTS-1 code */

static const char *const statuses[] = {"planned",  "active", "complete",
                                       "cancelled", "unsuccessful", NULL};
static const char *const sources[] = {"ocds", "eforms", "api", NULL};

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

/* --------------------------------------------------------- deadlines */

static int digits(const char *s, int n)
{
    int i;

    for (i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    return 1;
}

static int num(const char *s, int n)
{
    int v = 0, i;

    for (i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
    return v;
}

/* offset: "Z", "+02:00", "+0200", "+02", "" -> seconds east of UTC;
 * -1 when not an offset. */
static int offset(const char *s, long *secs)
{
    int sign;

    *secs = 0;
    if (!*s || !strcmp(s, "Z") || !strcmp(s, "z")) return 0;
    if (*s != '+' && *s != '-') return -1;
    sign = *s == '-' ? -1 : 1;
    s++;
    if (!digits(s, 2)) return -1;
    *secs = num(s, 2) * 3600L;
    s += 2;
    if (*s == ':') s++;
    if (*s) {
        if (!digits(s, 2) || s[2]) return -1;
        *secs += num(s, 2) * 60L;
    }
    if (*secs > 14 * 3600L) return -1;
    *secs *= sign;
    return 0;
}

int tender_deadline_utc(const char *s, char *out, size_t size)
{
    struct tm tm, check;
    time_t t;
    long off;
    int y, mo, d, h = 23, mi = 59, sec = 59;
    const char *p;

    if (!s || size < 21 || strlen(s) > 40) return -1;
    if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2))
        return -1;
    y = num(s, 4);
    mo = num(s + 5, 2);
    d = num(s + 8, 2);
    p = s + 10;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (!digits(p, 2) || p[2] != ':' || !digits(p + 3, 2)) return -1;
        h = num(p, 2);
        mi = num(p + 3, 2);
        sec = 0;
        p += 5;
        if (*p == ':') {
            if (!digits(p + 1, 2)) return -1;
            sec = num(p + 1, 2);
            p += 3;
            if (*p == '.' || *p == ',') {
                p++;
                if (!isdigit((unsigned char)*p)) return -1;
                while (isdigit((unsigned char)*p)) p++;
            }
        }
        if (h > 23 || mi > 59 || sec > 60) return -1;
        if (sec == 60) sec = 59; /* a leap second: the second before */
    }
    if (offset(p, &off) < 0) return -1;
    if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 || d > 31)
        return -1;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    t = timegm(&tm);
    gmtime_r(&t, &check);
    if (check.tm_mday != d || check.tm_mon != mo - 1) return -1; /* 31 Feb */
    t -= off;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return 0;
}

/* --------------------------------------------------------- job titles */

/* The words that name a trade's person in France Travail's job titles
 * (tender_text_trades), each with its ROME code, sorted by word; built
 * once per process from the embedded data. */
struct title_word {
    char word[SEARCH_TEXT_MAX_WORD + 1];
    char code[8];
};
static struct title_word *titles;
static size_t ntitles;
static pthread_once_t titles_once = PTHREAD_ONCE_INIT;

/* Common words, devices and machines that job titles also hold
 * ("métier", "serveur", "souffleur", "moniteur"), and generic heads that
 * name no trade ("directeur", "ingénieur", "ouvrier"): never a trade of
 * a tender's text. */
static const char *const title_stop[] = {
    "administrateur", "administratrice", "auteur", "autoroutier",
    "autoroutiere", "calculateur", "calculatrice", "chargeur", "chercheur",
    "chien", "classeur", "conducteur", "conductrice", "conservateur",
    "conservatrice", "coordonnateur", "coordonnatrice", "createur",
    "creatrice", "debiteur", "debitrice", "derouleur", "detecteur",
    "detectrice", "directeur", "directrice", "distributeur", "editeur",
    "editrice", "enrouleur", "extracteur", "facteur", "filtreur", "foncier",
    "fonciere", "hospitalier", "hospitaliere", "ingenieur", "integrateur",
    "intercepteur", "lecteur", "lectrice", "lumiere", "metier", "moniteur",
    "monitrice", "observateur", "observatrice", "officier", "organisateur",
    "organisatrice", "ouvrier", "ouvriere", "pointeur", "porteur",
    "programmateur", "quartier", "receveur", "recuperateur", "riviere",
    "routiere", "secteur", "serveur", "simulateur", "souffleur",
    "specialiste", "testeur", "traceur", "tuteur", "tutrice", NULL};

static int ends_with(const char *w, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);

    return n >= k && !memcmp(w + n - k, suffix, k);
}

/* person_noun: does the folded word end as a person's noun? Feminine
 * -euse forms are left out: they are also the names of machines
 * (balayeuse, foreuse, tondeuse). */
static int person_noun(const char *w)
{
    static const char *const endings[] = {"ier",  "iere", "eur",   "rice",
                                          "iste", "ien",  "ienne", "logue",
                                          "graphe", NULL};
    size_t n = strlen(w), i;

    for (i = 0; endings[i]; i++)
        if (ends_with(w, n, endings[i])) return 1;
    return 0;
}

struct words {
    struct buf text; /* entries, NUL-terminated one after another */
    size_t *off;
    size_t n, cap;
    int oom;
    const char *code; /* appended after each word ("word\tcode"), or NULL */
    int first_two;    /* only the first two words of each text */
    int seen;         /* words of the current text so far */
};

static int add_word(struct words *w, const char *word, int n)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 4096;
        size_t *off = realloc(w->off, cap * sizeof *off);

        if (!off) {
            w->oom = 1;
            return 1;
        }
        w->off = off;
        w->cap = cap;
    }
    w->off[w->n++] = w->text.len;
    buf_add(&w->text, word, (size_t)n);
    if (w->code) {
        buf_addc(&w->text, '\t');
        buf_adds(&w->text, w->code);
    }
    buf_addc(&w->text, 0);
    return 0;
}

static int on_word(void *arg, const char *tok, int ntok, const char *word,
                   int nword, int start, int end)
{
    struct words *w = arg;

    (void)tok, (void)ntok, (void)start, (void)end;
    if (w->first_two && w->seen++ >= 2) return 0;
    return add_word(w, word, nword);
}

static void words_free(struct words *w)
{
    buf_free(&w->text);
    free(w->off);
}

/* words_sorted: the entries of w as sorted pointers (duplicates kept);
 * NULL when out of memory. */
static const char **words_sorted(struct words *w);

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char **words_sorted(struct words *w)
{
    const char **p;
    size_t i;

    if (w->oom || buf_oom(&w->text)) return NULL;
    p = malloc((w->n ? w->n : 1) * sizeof *p);
    if (!p) return NULL;
    for (i = 0; i < w->n; i++) p[i] = w->text.p + w->off[i];
    qsort(p, w->n, sizeof *p, cmp_str);
    return p;
}

static int in_sorted(const char **p, size_t n, const char *word)
{
    return bsearch(&word, p, n, sizeof *p, cmp_str) != NULL;
}

/* label_words: the folded words of column col of an embedded table. */
static void label_words(struct search_text *an, struct words *w,
                        const char *data, size_t len, int col)
{
    struct tsv t;

    tsv_init_mem(&t, data, len);
    if (tsv_next(&t, '\t') == 1)
        while (!w->oom && tsv_next(&t, '\t') == 1) {
            const char *s = tsv_get(&t, col);

            search_text_each(an, s, (int)strlen(s), 0, on_word, w);
        }
    tsv_free(&t);
}

/* title_forms: the first two words of each form of a job title
 * ("Jardinier / Jardinière paysagiste": jardinier, paysagiste;
 * jardiniere, paysagiste) into heads; every word of it, once per title,
 * with its code into pairs. */
static void title_forms(struct search_text *an, const char *label,
                        const char *code, struct words *heads,
                        struct words *pairs)
{
    const char *p = label, *slash;
    struct words one;
    const char **sorted;
    size_t i;

    for (;;) {
        slash = strstr(p, " / ");
        heads->seen = 0;
        search_text_each(an, p, slash ? (int)(slash - p) : (int)strlen(p), 0,
                         on_word, heads);
        if (!slash) break;
        p = slash + 3;
    }
    memset(&one, 0, sizeof one);
    search_text_each(an, label, (int)strlen(label), 0, on_word, &one);
    sorted = words_sorted(&one);
    if (!sorted) {
        pairs->oom = 1;
    } else {
        pairs->code = code;
        for (i = 0; i < one.n && !pairs->oom; i++)
            if (!i || strcmp(sorted[i], sorted[i - 1]))
                add_word(pairs, sorted[i], (int)strlen(sorted[i]));
        pairs->code = NULL;
    }
    free(sorted);
    words_free(&one);
}

static int stop_word(const char *w)
{
    size_t i;

    for (i = 0; title_stop[i]; i++)
        if (!strcmp(title_stop[i], w)) return 1;
    return 0;
}

/* consider_word: the counts of one word's codes (pairs[lo..hi), sorted
 * "word\tcode") into the table when the word qualifies. */
static void consider_word(const char **pairs, size_t lo, size_t hi,
                          const char **heads, size_t nheads,
                          const char **acts, size_t nacts,
                          struct title_word *out, size_t *n)
{
    char word[SEARCH_TEXT_MAX_WORD + 1], best[8] = "";
    const char *tab = strchr(pairs[lo], '\t');
    size_t wl = (size_t)(tab - pairs[lo]), i, j;
    int top = 0, second = 0;

    if (wl < 5 || wl > SEARCH_TEXT_MAX_WORD) return;
    memcpy(word, pairs[lo], wl);
    word[wl] = 0;
    if (!person_noun(word) || stop_word(word) ||
        !in_sorted(heads, nheads, word) || in_sorted(acts, nacts, word))
        return;
    for (i = lo; i < hi; i = j) {
        int c = 0;

        for (j = i; j < hi && !strcmp(pairs[j], pairs[i]); j++) c++;
        if (c > top) {
            second = top;
            top = c;
            snprintf(best, sizeof best, "%s", pairs[i] + wl + 1);
        } else if (c > second) {
            second = c;
        }
    }
    if (top < 2 || top * 4 < second * 5) return;
    snprintf(out[*n].word, sizeof out[*n].word, "%s", word);
    snprintf(out[*n].code, sizeof out[*n].code, "%s", best);
    (*n)++;
}

static void titles_build(void)
{
    struct search_text *an = search_text_new(8192);
    struct words heads, pairs, acts;
    const char **sh = NULL, **sp = NULL, **sa = NULL;
    struct title_word *out = NULL;
    struct tsv t;
    size_t i, j, n = 0;

    memset(&heads, 0, sizeof heads);
    memset(&pairs, 0, sizeof pairs);
    memset(&acts, 0, sizeof acts);
    heads.first_two = 1;
    if (!an) return;
    tsv_init_mem(&t, asset_rome_appellations,
                 ASSET_LEN(asset_rome_appellations));
    if (tsv_next(&t, '\t') == 1)
        while (!heads.oom && !pairs.oom && tsv_next(&t, '\t') == 1)
            title_forms(an, tsv_get(&t, 2), tsv_get(&t, 1), &heads, &pairs);
    tsv_free(&t);
    label_words(an, &acts, asset_rome, ASSET_LEN(asset_rome), 1);
    label_words(an, &acts, asset_naf, ASSET_LEN(asset_naf), 1);
    label_words(an, &acts, asset_cpv, ASSET_LEN(asset_cpv), 1);
    search_text_free(an);
    sh = words_sorted(&heads);
    sp = words_sorted(&pairs);
    sa = words_sorted(&acts);
    out = malloc((pairs.n ? pairs.n : 1) * sizeof *out);
    if (!sh || !sp || !sa || !out) goto fail;
    for (i = 0; i < pairs.n; i = j) {
        size_t wl = strcspn(sp[i], "\t");

        for (j = i; j < pairs.n && !strncmp(sp[j], sp[i], wl + 1); j++)
            continue;
        consider_word(sp, i, j, sh, heads.n, sa, acts.n, out, &n);
    }
    titles = out; /* sorted by word: pairs were */
    ntitles = n;
    out = NULL;
fail:
    free(out);
    free(sh);
    free(sp);
    free(sa);
    words_free(&heads);
    words_free(&pairs);
    words_free(&acts);
}

static int cmp_title(const void *key, const void *elem)
{
    return strcmp(key, ((const struct title_word *)elem)->word);
}

static const char *title_code(const char *word)
{
    const struct title_word *t =
        bsearch(word, titles, ntitles, sizeof *titles, cmp_title);

    return t ? t->code : NULL;
}

struct text_trades {
    char (*codes)[8];
    size_t n, max;
};

static int on_text_word(void *arg, const char *tok, int ntok, const char *word,
                        int nword, int start, int end)
{
    struct text_trades *x = arg;
    char w[SEARCH_TEXT_MAX_WORD + 1];
    const char *code;
    size_t i;

    (void)tok, (void)ntok, (void)start, (void)end;
    if (nword < 5 || nword > SEARCH_TEXT_MAX_WORD) return 0;
    memcpy(w, word, (size_t)nword);
    w[nword] = 0;
    code = title_code(w);
    if (!code && (w[nword - 1] == 's' || w[nword - 1] == 'x')) {
        w[nword - 1] = 0; /* jardiniers */
        code = title_code(w);
    }
    if (!code) return 0;
    for (i = 0; i < x->n; i++)
        if (!strcmp(x->codes[i], code)) return 0;
    if (x->n == x->max) return 1;
    snprintf(x->codes[x->n++], 8, "%s", code);
    return 0;
}

size_t tender_text_trades(const char *text, char (*codes)[8], size_t max)
{
    struct text_trades x = {codes, 0, max};
    struct search_text *an;

    pthread_once(&titles_once, titles_build);
    if (!text || !*text || !titles || !max) return 0;
    an = search_text_new(0);
    if (!an) return 0;
    search_text_each(an, text, (int)strlen(text), 0, on_text_word, &x);
    search_text_free(an);
    return x.n;
}

/* ------------------------------------------------------------ strings */

/* flat: collapse every run of white space (line breaks of a notice's
 * XML included) of out[key] into one space. */
static void flat(json_t *out, const char *key)
{
    const char *s = json_string_value(json_object_get(out, key));
    char *c, *p, *q;

    if (!s) return;
    c = strdup(s);
    if (!c) return;
    for (p = q = c; *p; p++) {
        int space = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';

        if (space && (q == c || q[-1] == ' ')) continue;
        *q++ = space ? ' ' : *p;
    }
    while (q > c && q[-1] == ' ') q--;
    *q = 0;
    json_object_set_new(out, key, json_string(c));
    free(c);
}

/* text_field: check_string allowing line breaks, then flattened unless
 * keep_lines. */
static int text_field(const struct check *c, json_t *in, const char *key,
                      size_t max, unsigned flags, int keep_lines, json_t *out)
{
    int r = check_string(c, in, key, max, flags | CHECK_MULTILINE, out);

    if (r > 0 && !keep_lines) flat(out, key);
    return r;
}

/* ---------------------------------------------------------------- CPV */

/* cpv_list: in[key], an array of CPV codes (a check digit allowed), into
 * out[key]: canonical, each once, in their order (the first is the main
 * one). Returns as check.h. */
static int cpv_list(const struct check *c, json_t *in, const char *key,
                    json_t *out)
{
    json_t *v = json_object_get(in, key), *arr, *x;
    size_t i, j;
    int bad = 0;

    if (!v || json_is_null(v)) return 0;
    if (!json_is_array(v) || json_array_size(v) > CPV_MAX) {
        check_fail(c, key, "must be an array of at most %d CPV codes",
                   CPV_MAX);
        return -1;
    }
    arr = json_array();
    if (!arr) return -1;
    json_array_foreach(v, i, x) {
        char code[9], name[40];
        int dup = 0;
        json_t *y;

        snprintf(name, sizeof name, "%s[%zu]", key, i);
        if (!json_is_string(x) || !tender_cpv_valid(json_string_value(x),
                                                    code)) {
            check_fail(c, name, "must be a CPV code: 8 digits, optionally"
                                " with its check digit (45330000-9)");
            bad = 1;
            continue;
        }
        json_array_foreach(arr, j, y) {
            if (!strcmp(json_string_value(y), code)) dup = 1;
        }
        if (!dup) json_array_append_new(arr, json_string(code));
    }
    if (bad) {
        json_decref(arr);
        return -1;
    }
    json_object_set_new(out, key, arr);
    return 1;
}

/* cpv_label: the French label of a CPV code: the reference table's, else
 * the trade vocabulary's (nearest listed ancestor), else "CPV code". */
static void cpv_label(struct db *db, const char *code, char *buf,
                      size_t size)
{
    const char *l = tender_cpv_label(code);

    if (l && *l) {
        snprintf(buf, size, "%s", l);
        return;
    }
    if (search_trade_label(db, "cpv", code, buf, size) == RC_OK && *buf)
        return;
    snprintf(buf, size, "CPV %s", code);
}

/* cpv_item: the wanted item of one CPV code. New reference. */
static json_t *cpv_item(struct db *db, const char *code)
{
    const char *refs[TRADES_MAX];
    char label[256];
    json_t *trades = json_array();
    size_t n, i;

    if (!trades) return NULL;
    n = tender_cpv_trades(code, refs, TRADES_MAX);
    for (i = 0; i < n && i < TRADES_MAX; i++) {
        size_t j;
        json_t *t;
        int dup = 0;

        json_array_foreach(trades, j, t) {
            if (!strcmp(json_string_value(t), refs[i])) dup = 1;
        }
        if (!dup) json_array_append_new(trades, json_string(refs[i]));
    }
    cpv_label(db, code, label, sizeof label);
    return json_pack("{s:s, s:s, s:s, s:o}", "scheme", "cpv", "code", code,
                     "label", label, "trades", trades);
}

/* ------------------------------------------------------------- wanted */

/* derive_wanted: a lot's wanted[] from its CPV codes, then the ROME codes
 * its text names that no CPV item of the lot already maps to. */
static json_t *derive_wanted(struct db *db, json_t *cpv, const char *text)
{
    json_t *wanted = json_array(), *x, *w;
    char codes[TEXT_TRADES_MAX][8];
    size_t i, j, n;

    if (!wanted) return NULL;
    json_array_foreach(cpv, i, x) {
        json_t *item = cpv_item(db, json_string_value(x));

        if (!item || json_array_append_new(wanted, item)) {
            json_decref(wanted);
            return NULL;
        }
    }
    n = tender_text_trades(text, codes, TEXT_TRADES_MAX);
    for (i = 0; i < n; i++) {
        char ref[16], label[256];
        int mapped = 0;

        snprintf(ref, sizeof ref, "rome:%s", codes[i]);
        json_array_foreach(wanted, j, w) {
            json_t *t;
            size_t k;

            json_array_foreach(json_object_get(w, "trades"), k, t) {
                if (!strcmp(json_string_value(t), ref)) mapped = 1;
            }
            if (!strcmp(str(w, "scheme"), "rome") &&
                !strcmp(str(w, "code"), codes[i]))
                mapped = 1;
        }
        if (mapped ||
            search_trade_label(db, "rome", codes[i], label, sizeof label) !=
                RC_OK)
            continue;
        json_array_append_new(wanted,
                              json_pack("{s:s, s:s, s:s, s:s}", "scheme",
                                        "rome", "code", codes[i], "label",
                                        label, "from", "text"));
    }
    return wanted;
}

/* given_item: one item of a lot's own wanted[]: {"skill": text} or a
 * trade reference {scheme, code} checked by the trade vocabulary (label,
 * trades and from, as a stored document has them, are recomputed). */
static int given_item(struct db *db, const struct check *c, json_t *item,
                      json_t *arr)
{
    static const char *const skill_keys[] = {"skill", NULL};
    static const char *const ref_keys[] = {"scheme", "code", "label",
                                           "trades", "from", NULL};
    json_t *skill = json_object_get(item, "skill"), *tmp, *out, *errs, *e;
    struct check sub;
    size_t j;
    int r = -1;

    if (!json_is_object(item)) {
        check_fail(c, NULL, "must be a trade {scheme, code} or a skill"
                            " {skill}");
        return -1;
    }
    if (skill) {
        char *s = NULL;

        if (check_unknown(c, item, skill_keys)) return -1;
        if (check_string_value(c, "skill", skill, SKILL_MAX, 0, &s) <= 0 ||
            !*s) {
            if (s) check_fail(c, "skill", "must not be empty");
            free(s);
            return -1;
        }
        json_array_append_new(arr, json_pack("{s:s}", "skill", s));
        free(s);
        return 1;
    }
    if (check_unknown(c, item, ref_keys)) return -1;
    tmp = json_pack("{s:[{s:O*, s:O*}]}", "t", "scheme",
                    json_object_get(item, "scheme"), "code",
                    json_object_get(item, "code"));
    out = json_object();
    errs = json_array();
    sub = (struct check){errs, ""};
    if (tmp && out && errs &&
        search_trade_check(db, &sub, tmp, "t", 1, out) > 0 &&
        json_array_size(json_object_get(out, "t")) == 1) {
        json_t *t = json_array_get(json_object_get(out, "t"), 0);

        if (!strcmp(str(t, "scheme"), "free")) {
            json_array_append_new(arr,
                                  json_pack("{s:s}", "skill", str(t, "label")));
        } else if (!strcmp(str(t, "scheme"), "cpv")) {
            json_array_append_new(arr, cpv_item(db, str(t, "code")));
        } else {
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "scheme",
                                                 str(t, "scheme"), "code",
                                                 str(t, "code"), "label",
                                                 str(t, "label")));
        }
        r = 1;
    } else {
        json_array_foreach(errs, j, e) {
            const char *f = str(e, "field");

            check_fail(c, !strncmp(f, "t[0].", 5) ? f + 5 : NULL, "%s",
                       str(e, "message"));
        }
        if (!json_array_size(errs))
            check_fail(c, NULL, "must be a trade {scheme, code} or a skill"
                                " {skill}");
    }
    json_decref(tmp);
    json_decref(out);
    json_decref(errs);
    return r;
}

static int given_wanted(struct db *db, const struct check *c, json_t *v,
                        json_t *lot)
{
    json_t *arr, *item;
    size_t i;
    int bad = 0;

    if (!json_is_array(v) || json_array_size(v) > WANTED_MAX) {
        check_fail(c, "wanted", "must be an array of at most %d trades or"
                                " skills",
                   WANTED_MAX);
        return -1;
    }
    arr = json_array();
    if (!arr) return -1;
    json_array_foreach(v, i, item) {
        char name[300];
        struct check sub = check_nested(c, "wanted", (int)i, name,
                                        sizeof name);

        if (given_item(db, &sub, item, arr) < 0) bad = 1;
    }
    if (bad) {
        json_decref(arr);
        return -1;
    }
    json_object_set_new(lot, "wanted", arr);
    return 1;
}

/* --------------------------------------------------------------- lots */

/* lot_id: a lot's id, a string or an integer, into out[id]. */
static int lot_id(const struct check *c, json_t *l, json_t *out)
{
    json_t *v = json_object_get(l, "id");
    char buf[32];

    if (json_is_integer(v)) {
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        json_object_set_new(out, "id", json_string(buf));
        return 1;
    }
    if (check_string(c, l, "id", LOT_ID_MAX, CHECK_REQUIRED, out) <= 0)
        return -1;
    flat(out, "id");
    return 1;
}

/* union_cpv: a tender without codes of its own takes its lots' codes. */
static void union_cpv(json_t *out)
{
    json_t *cpv = json_object_get(out, "cpv"), *l, *x, *y;
    size_t i, j, k;

    if (json_array_size(cpv)) return;
    cpv = json_array();
    json_array_foreach(json_object_get(out, "lots"), i, l) {
        json_array_foreach(json_object_get(l, "cpv"), j, x) {
            int dup = 0;

            json_array_foreach(cpv, k, y) {
                if (json_equal(x, y)) dup = 1;
            }
            if (!dup) json_array_append(cpv, x);
        }
    }
    json_object_set_new(out, "cpv", cpv);
}

/* check_lots: in.lots into out.lots (the implicit lot when none). */
static void check_lots(struct db *db, const struct check *c, json_t *in,
                       json_t *out)
{
    static const char *const known[] = {"id",   "title",  "description",
                                        "cpv",  "wanted", NULL};
    json_t *v = json_object_get(in, "lots"), *lots, *l;
    json_t *tcpv = json_object_get(out, "cpv");
    size_t i, j;

    if (v && !json_is_null(v) &&
        (!json_is_array(v) || json_array_size(v) > LOTS_MAX)) {
        check_fail(c, "lots", "must be an array of at most %d lots",
                   LOTS_MAX);
        return;
    }
    if (json_array_size(v) == 0) v = NULL;
    lots = json_array();
    if (!lots) return;
    json_array_foreach(v, i, l) {
        char name[300];
        struct check sub = check_nested(c, "lots", (int)i, name, sizeof name);
        json_t *lot, *x;

        if (!json_is_object(l)) {
            check_fail(&sub, NULL, "must be an object {id, title, cpv}");
            continue;
        }
        lot = json_object();
        check_unknown(&sub, l, known);
        if (lot_id(&sub, l, lot) > 0)
            json_array_foreach(lots, j, x) {
                if (!strcmp(str(x, "id"), str(lot, "id")))
                    check_fail(&sub, "id", "lot \"%s\" appears twice",
                               str(lot, "id"));
            }
        text_field(&sub, l, "title", TITLE_MAX, 0, 0, lot);
        text_field(&sub, l, "description", DESCRIPTION_MAX, 0, 1, lot);
        if (cpv_list(&sub, l, "cpv", lot) == 0 ||
            !json_array_size(json_object_get(lot, "cpv")))
            json_object_set_new(lot, "cpv", json_null()); /* see below */
        x = json_object_get(l, "wanted");
        if (x && !json_is_null(x)) given_wanted(db, &sub, x, lot);
        json_array_append_new(lots, lot);
    }
    /* A tender without codes of its own takes its lots'; then a lot
     * without codes takes the tender's. */
    json_object_set(out, "lots", lots);
    union_cpv(out);
    tcpv = json_object_get(out, "cpv");
    json_array_foreach(lots, i, l) {
        struct buf text = {0};

        if (json_is_null(json_object_get(l, "cpv")))
            json_object_set_new(l, "cpv",
                                tcpv ? json_copy(tcpv) : json_array());
        if (json_object_get(l, "wanted")) continue;
        buf_adds(&text, str(l, "title"));
        buf_addc(&text, '\n');
        buf_adds(&text, str(l, "description"));
        json_object_set_new(l, "wanted",
                            derive_wanted(db, json_object_get(l, "cpv"),
                                          buf_str(&text)));
        buf_free(&text);
    }
    if (!v) {
        /* No lots: one implicit lot, the whole tender. */
        struct buf text = {0};
        json_t *lot;

        buf_adds(&text, str(out, "title"));
        buf_addc(&text, '\n');
        buf_adds(&text, str(out, "description"));
        lot = json_pack("{s:s, s:s, s:o}", "id", "1", "title",
                        str(out, "title"), "cpv",
                        tcpv ? json_copy(tcpv) : json_array());
        if (lot)
            json_object_set_new(lot, "wanted",
                                derive_wanted(db, json_object_get(lot, "cpv"),
                                              buf_str(&text)));
        json_array_append_new(lots, lot);
        buf_free(&text);
    }
    json_decref(lots); /* out holds it */
}

/* -------------------------------------------------------------- place */

static int french_country(const char *s)
{
    char *f;
    int yes;

    if (!strcasecmp(s, "FR") || !strcasecmp(s, "FRA")) return 1;
    f = text_fold_dup(s);
    yes = f && !strcmp(f, "france");
    free(f);
    return yes;
}

/* set_seat: the place of département dep, from its most populous
 * commune. */
static int set_seat(struct db *db, const struct check *c, const char *key,
                    const char *dep, json_t *place)
{
    struct place p;
    enum rc rc = tender_seat(db, dep, &p);

    if (rc == RC_NOTFOUND) {
        check_fail(c, key, "unknown département %s", dep);
        return -1;
    }
    if (rc != RC_OK) {
        check_fail(c, key, "cannot be checked now (%s)", rc_name(rc));
        return -1;
    }
    json_object_set_new(place, "departement", json_string(p.departement));
    json_object_set_new(place, "insee", json_string(p.insee));
    json_object_set_new(place, "name", json_string(p.name));
    json_object_set_new(place, "lat", json_real(p.lat));
    json_object_set_new(place, "lon", json_real(p.lon));
    json_object_set_new(place, "precision", json_string("departement"));
    return 1;
}

/* commune: the place from insee, postcode or city (search_place); an
 * unknown postcode or city is not an error when fallback (a NUTS code or
 * a département) can place the tender: notices give the buyer's CEDEX
 * postcode or "Rouen Cedex 1". Returns 1, 0 (not placed), -1. */
static int commune(struct db *db, const struct check *c, json_t *clean,
                   int fallback, json_t *place)
{
    json_t *sub = json_object(), *res = NULL, *errs = json_array(), *e;
    struct check tmp = {errs, c->path};
    struct place p;
    size_t i;
    int r = -1;

    if (!sub || !errs) goto out;
    if (json_object_get(clean, "insee"))
        json_object_set(sub, "insee", json_object_get(clean, "insee"));
    if (json_object_get(clean, "postcode"))
        json_object_set(sub, "postcode", json_object_get(clean, "postcode"));
    if (json_object_get(clean, "city"))
        json_object_set(sub, "city", json_object_get(clean, "city"));
    r = search_place_check_value(db, &tmp, sub, NULL, &res, &p);
    if (r < 0 && !json_object_get(sub, "insee") &&
        json_object_get(sub, "postcode") && json_object_get(sub, "city")) {
        /* "Rouen Cedex 1" is not the name of a commune: the postcode
         * alone. */
        json_t *errs2 = json_array();
        struct check tmp2 = {errs2, c->path};

        json_object_del(sub, "city");
        r = search_place_check_value(db, &tmp2, sub, NULL, &res, &p);
        json_decref(errs2);
    }
    if (r < 0 && !json_object_get(clean, "insee") &&
        strcasestr(str(clean, "city"), " cedex")) {
        /* A CEDEX postcode is no commune's: the city without "Cedex 1",
         * in the postcode's département when there is one. */
        json_t *errs3 = json_array();
        struct check tmp3 = {errs3, c->path};
        const char *city = str(clean, "city");
        char name[128];

        snprintf(name, sizeof name, "%.*s",
                 (int)(strcasestr(city, " cedex") - city), city);
        json_object_clear(sub);
        json_object_set_new(sub, "city", json_string(name));
        r = search_place_check_value(db, &tmp3, sub, NULL, &res, &p);
        if (r >= 0 && json_object_get(clean, "postcode") &&
            strncmp(str(clean, "postcode"), p.departement,
                    strlen(p.departement) < 2 ? 1 : 2))
            r = -1; /* another Rouen, elsewhere */
        json_decref(errs3);
    }
    if (r < 0) {
        if (fallback && !json_object_get(clean, "insee")) {
            r = 0;
        } else {
            json_array_foreach(errs, i, e) {
                json_array_append(c->errs, e);
            }
        }
        goto out;
    }
    json_object_set_new(place, "departement", json_string(p.departement));
    json_object_set_new(place, "insee", json_string(p.insee));
    json_object_set_new(place, "name", json_string(p.name));
    json_object_set(place, "postcode", json_object_get(res, "postcode"));
    json_object_set_new(place, "lat", json_real(p.lat));
    json_object_set_new(place, "lon", json_real(p.lon));
    json_object_set_new(place, "precision", json_string("commune"));
    r = 1;
out:
    json_decref(sub);
    json_decref(res);
    json_decref(errs);
    return r;
}

/* buyer_seat: a place known only by its département(s) stands at the
 * buyer's own commune when the notice gives the buyer's address and that
 * commune lies in one of them (Rouen Habitat at Rouen for NUTS FRD22,
 * rather than Le Havre, the most populous commune): precision "buyer".
 * 1 when placed so, else 0 (never an error: the address is a hint). */
static int buyer_seat(struct db *db, json_t *in, const char *dep,
                      const char **deps, size_t ndeps, json_t *place)
{
    json_t *bp = json_object_get(in, "buyer_place"), *clean, *errs, *got;
    struct check c;
    size_t i;
    int r = 0, inside = 0;

    if (!json_is_object(bp)) return 0;
    clean = json_object();
    errs = json_array();
    got = json_object();
    if (!clean || !errs || !got) goto out;
    c.errs = errs;
    c.path = "buyer_place";
    check_string(&c, bp, "postcode", 10, 0, clean);
    text_field(&c, bp, "city", 100, 0, 0, clean);
    if (json_array_size(errs) || !json_object_size(clean)) goto out;
    if (commune(db, &c, clean, 1, got) != 1) goto out;
    if (dep && !strcmp(dep, str(got, "departement"))) inside = 1;
    for (i = 0; i < ndeps; i++)
        if (!strcmp(deps[i], str(got, "departement"))) inside = 1;
    if (!inside) goto out;
    json_object_update(place, got);
    json_object_del(place, "postcode");
    json_object_set_new(place, "precision", json_string("buyer"));
    r = 1;
out:
    json_decref(clean);
    json_decref(errs);
    json_decref(got);
    return r;
}

/* check_place: in.place into out.place (see tender_db.h). */
static void check_place(struct db *db, const struct check *c, json_t *in,
                        json_t *out)
{
    static const char *const known[] = {
        "insee",     "postcode", "city",      "nuts",
        "departement", "region", "country",   "in_france",
        "name",      "lat",      "lon",       "precision",
        "departement_name",      "departements", NULL};
    static const char *const given[] = {"postcode", "city", "nuts",
                                        "region", "country", NULL};
    json_t *v = json_object_get(in, "place"), *clean, *place;
    char name[300], nuts[8] = "";
    struct check sub;
    const char *deps[DEPS_MAX], *country, *dep;
    size_t ndeps = 0, i, errs0 = check_failed(c);
    int french = 1, r;

    if (!v || json_is_null(v)) return;
    sub = check_nested(c, "place", -1, name, sizeof name);
    if (!json_is_object(v)) {
        check_fail(&sub, NULL, "must be an object with insee, postcode,"
                               " city, nuts or departement");
        return;
    }
    check_unknown(&sub, v, known);
    clean = json_object();
    place = json_object();
    if (!clean || !place) goto out;
    check_string(&sub, v, "insee", 5, 0, clean);
    check_string(&sub, v, "postcode", 10, 0, clean);
    text_field(&sub, v, "city", 100, 0, 0, clean);
    check_string(&sub, v, "nuts", 5, 0, clean);
    check_string(&sub, v, "departement", 3, 0, clean);
    text_field(&sub, v, "region", 100, 0, 0, clean);
    check_string(&sub, v, "country", 60, 0, clean);
    if (check_failed(c) > errs0) goto out;
    country = json_string_value(json_object_get(clean, "country"));
    if (country && !french_country(country)) french = 0;
    if (json_object_get(clean, "nuts")) {
        const char *s = str(clean, "nuts");

        for (i = 0; s[i] && i < sizeof nuts - 1; i++)
            nuts[i] = (char)toupper((unsigned char)s[i]);
        nuts[i] = 0;
        json_object_set_new(clean, "nuts", json_string(nuts));
        ndeps = tender_nuts_departements(nuts, deps, DEPS_MAX);
        if (ndeps > DEPS_MAX) ndeps = DEPS_MAX;
        if (!ndeps && (!strncmp(nuts, "FR", 2) || (country && french))) {
            check_fail(&sub, "nuts", "unknown NUTS code %s", nuts);
            goto out;
        }
        if (!ndeps) french = 0;
    }
    if (!french) {
        /* Outside France: kept as given; no teams. */
        json_object_set_new(place, "in_france", json_false());
        for (i = 0; given[i]; i++)
            if (json_object_get(clean, given[i]))
                json_object_set(place, given[i],
                                json_object_get(clean, given[i]));
        json_object_set(out, "place", place);
        goto out;
    }
    json_object_set_new(place, "in_france", json_true());
    r = 0;
    if (json_object_get(clean, "insee") || json_object_get(clean, "postcode") ||
        json_object_get(clean, "city"))
        r = commune(db, &sub, clean, ndeps > 0 ||
                                         json_object_get(clean, "departement"),
                    place);
    if (r < 0) goto out;
    dep = json_string_value(json_object_get(clean, "departement"));
    if (!r && (dep || ndeps)) r = buyer_seat(db, in, dep, deps, ndeps, place);
    if (!r && dep) {
        if (set_seat(db, &sub, "departement", dep, place) < 0) goto out;
        r = 1;
    }
    if (!r && ndeps == 1) {
        if (set_seat(db, &sub, "nuts", deps[0], place) < 0) goto out;
        r = 1;
    }
    if (!r && ndeps > 1) {
        json_t *a = json_array();

        for (i = 0; i < ndeps; i++) json_array_append_new(a, json_string(deps[i]));
        json_object_set_new(place, "departements", a);
    }
    if (json_object_get(place, "departement")) {
        char dname[128];

        if (search_place_departement_name(db, str(place, "departement"),
                                          dname, sizeof dname) == RC_OK)
            json_object_set_new(place, "departement_name",
                                json_string(dname));
    }
    if (*nuts) json_object_set_new(place, "nuts", json_string(nuts));
    if (json_object_get(clean, "postcode") &&
        !json_object_get(place, "postcode"))
        json_object_set(place, "postcode", json_object_get(clean, "postcode"));
    if (country) json_object_set(place, "country", json_object_get(clean,
                                                                   "country"));
    json_object_set(out, "place", place);
out:
    json_decref(clean);
    json_decref(place);
}

/* -------------------------------------------------------------- value */

static void check_value(const struct check *c, json_t *in, json_t *out)
{
    static const char *const known[] = {"amount", "currency", NULL};
    json_t *v = json_object_get(in, "value"), *o;
    char name[32], cur[4];
    struct check sub;
    const char *s;
    size_t i;

    if (!v || json_is_null(v)) return;
    sub = check_nested(c, "value", -1, name, sizeof name);
    if (!json_is_object(v)) {
        check_fail(&sub, NULL, "must be an object {amount, currency}");
        return;
    }
    o = json_object();
    check_unknown(&sub, v, known);
    check_real(&sub, v, "amount", 0, 1e13, CHECK_REQUIRED, o);
    s = json_string_value(json_object_get(v, "currency"));
    if (json_object_get(v, "currency") && !json_is_null(json_object_get(v,
                                                            "currency"))) {
        int ok = s && strlen(s) == 3;

        for (i = 0; ok && i < 3; i++) {
            if (!isalpha((unsigned char)s[i])) ok = 0;
            cur[i] = (char)toupper((unsigned char)s[i]);
        }
        cur[3] = 0;
        if (ok)
            json_object_set_new(o, "currency", json_string(cur));
        else
            check_fail(&sub, "currency",
                       "must be a currency code of 3 letters (EUR)");
    } else {
        json_object_set_new(o, "currency", json_string("EUR"));
    }
    json_object_set_new(out, "value", o);
}

/* -------------------------------------------------------------- check */

enum rc tender_check(struct db *db, json_t *in, json_t *errs, json_t **out)
{
    static const char *const known[] = {
        "ocid",     "source", "notice_id", "status",   "title",
        "description", "buyer", "procedure", "cpv",    "place",
        "lots",     "deadline", "value",  "buyer_place",
        /* what a stored document adds: ignored, so that a document read
         * from GET /tenders/{id} can be sent again */
        "id", "created_at", "updated_at", NULL};
    struct check c = {errs, ""};
    size_t errs0 = check_failed(&c);
    json_t *clean = json_object(), *v;
    char deadline[32];

    *out = NULL;
    if (!clean) return RC_NOMEM;
    if (!json_is_object(in)) {
        check_fail(&c, "document", "must be a JSON object");
        json_decref(clean);
        return RC_INVALID;
    }
    check_unknown(&c, in, known);
    if (check_string(&c, in, "ocid", OCID_MAX, CHECK_REQUIRED, clean) > 0)
        flat(clean, "ocid");
    check_enum(&c, in, "source", sources, 0, clean);
    if (!json_object_get(clean, "source"))
        json_object_set_new(clean, "source", json_string("api"));
    if (check_string(&c, in, "notice_id", OCID_MAX, 0, clean) > 0)
        flat(clean, "notice_id");
    check_enum(&c, in, "status", statuses, 0, clean);
    if (!json_object_get(clean, "status"))
        json_object_set_new(clean, "status", json_string("active"));
    text_field(&c, in, "title", TITLE_MAX, CHECK_REQUIRED, 0, clean);
    text_field(&c, in, "description", DESCRIPTION_MAX, 0, 1, clean);
    text_field(&c, in, "buyer", BUYER_MAX, 0, 0, clean);
    text_field(&c, in, "procedure", PROCEDURE_MAX, 0, 0, clean);
    cpv_list(&c, in, "cpv", clean);
    check_place(db, &c, in, clean);
    v = json_object_get(in, "deadline");
    if (v && !json_is_null(v)) {
        if (!json_is_string(v) ||
            tender_deadline_utc(json_string_value(v), deadline,
                                sizeof deadline) < 0)
            check_fail(&c, "deadline", "must be an ISO 8601 date or"
                                       " date-time (2026-06-24T16:00:00+02:00)");
        else
            json_object_set_new(clean, "deadline", json_string(deadline));
    }
    check_value(&c, in, clean);
    check_lots(db, &c, in, clean);
    if (check_failed(&c) > errs0) {
        json_decref(clean);
        return RC_INVALID;
    }
    *out = clean;
    return RC_OK;
}
