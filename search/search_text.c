/*
 * search_text.c: French analysis (see search_text.h).
 */
#include "search_text.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

#include "../util/text.h"

/* A direct-mapped cache of recent words and their tokens: texts repeat
 * their words, and Snowball costs far more than a lookup. */
#define CACHE_WORD 24

struct cached {
    unsigned char nword, ntok; /* 0: empty slot */
    unsigned char stop;        /* the word is a stop word */
    char word[CACHE_WORD];
    char tok[CACHE_WORD];
};

struct search_text {
    struct sb_stemmer *stemmer; /* Snowball French, UTF-8 */
    struct cached *cache;       /* slots entries, or NULL */
    unsigned slots;             /* a power of two */
};

/* French stop words, folded, sorted (Snowball's list, with the elided
 * forms of jusque, lorsque, puisque, quoique and a few more function
 * words). */
static const char *const stops[] = {
    "ai",      "aie",     "aient",    "aies",    "ait",      "as",
    "au",      "aura",    "aurai",    "auraient", "aurais",  "aurait",
    "auras",   "aurez",   "auriez",   "aurions", "aurons",   "auront",
    "aussi",   "autre",   "aux",      "avaient", "avais",    "avait",
    "avec",    "avez",    "aviez",    "avions",  "avons",    "ayant",
    "ayez",    "ayons",   "ce",       "ceci",    "cela",     "celle",
    "celles",  "celui",   "ces",      "cet",     "cette",    "chez",
    "dans",    "de",      "des",      "donc",    "du",       "elle",
    "elles",   "en",      "es",       "est",     "et",       "etaient",
    "etais",   "etait",   "etant",    "ete",     "etee",     "etees",
    "etes",    "etiez",   "etions",   "eu",      "eue",      "eues",
    "eumes",   "eurent",  "eus",      "eusse",   "eussent",  "eusses",
    "eussiez", "eussions", "eut",     "eutes",   "eux",      "fumes",
    "furent",  "fus",     "fusse",    "fussent", "fusses",   "fussiez",
    "fussions", "fut",    "futes",    "ici",     "il",       "ils",
    "je",      "jusqu",   "la",       "le",      "les",      "leur",
    "leurs",   "lorsqu",  "lui",      "ma",      "mais",     "me",
    "meme",    "memes",   "mes",      "moi",     "mon",      "ne",
    "ni",      "nos",     "notre",    "nous",    "on",       "ont",
    "ou",      "par",     "pas",      "pour",    "pres",     "puisqu",
    "qu",
    "que",     "quel",    "quelle",   "quelles", "quels",    "qui",
    "quoiqu",  "sa",      "sans",     "se",      "sera",     "serai",
    "seraient", "serais", "serait",   "seras",   "serez",    "seriez",
    "serions", "serons",  "seront",   "ses",     "si",       "soi",
    "soient",  "sois",    "soit",     "sommes",  "son",      "sont",
    "soyez",   "soyons",  "suis",     "sur",     "ta",       "te",
    "tes",     "toi",     "ton",      "tu",      "un",       "une",
    "vos",     "votre",   "vous",
};

static int cmp_stop(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

int search_text_is_stop(const char *word, int n)
{
    char w[16];

    if (n <= 1) return 1;
    if (n >= (int)sizeof w) return 0;
    memcpy(w, word, (size_t)n);
    w[n] = 0;
    return bsearch(w, stops, sizeof stops / sizeof stops[0], sizeof stops[0],
                   cmp_stop) != NULL;
}

struct search_text *search_text_new(unsigned slots)
{
    struct search_text *t = calloc(1, sizeof *t);

    if (!t) return NULL;
    t->stemmer = sb_stemmer_new("french", "UTF_8");
    for (t->slots = 1; t->slots < slots; t->slots *= 2)
        ;
    if (slots) t->cache = calloc(t->slots, sizeof *t->cache);
    if (!t->stemmer || (slots && !t->cache)) {
        search_text_free(t);
        return NULL;
    }
    return t;
}

void search_text_free(struct search_text *t)
{
    if (!t) return;
    if (t->stemmer) sb_stemmer_delete(t->stemmer);
    free(t->cache);
    free(t);
}

/* Derivational endings removed by the trade-family rule, longest first
 * (matched on Snowball's output for folded words). */
static const char *const endings[] = {
    "abilit", "icien", "ienn", "icit", "erie", "iere", "euse", "isme",
    "iste",   "ier",   "ien",  "eur",  "eux",  "ric",  "ism",  "ist",
    "age",    "ere",   "ag",   "ur",   "er",   "it",   "i",
};

static int is_consonant(char c)
{
    return c >= 'b' && c <= 'z' && !strchr("eiouy", c);
}

static unsigned hash(const char *p, int n)
{
    unsigned h = 2166136261u;
    int i;

    for (i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 16777619u;
    return h;
}

/* stem: search_text_norm without the cache. */
static int stem(struct search_text *t, const char *word, int n, char *out,
                size_t size);

/* lookup: the token of a folded word and whether it is a stop word,
 * through the cache. out has room for CACHE_WORD bytes or more. */
static int lookup(struct search_text *t, const char *word, int n, char *out,
                  size_t size, int *stop)
{
    struct cached *c;
    int len;

    if (!t->cache || n >= CACHE_WORD || size <= CACHE_WORD) {
        *stop = search_text_is_stop(word, n);
        return stem(t, word, n, out, size);
    }
    c = &t->cache[hash(word, n) & (t->slots - 1)];
    if (c->nword == n && !memcmp(c->word, word, (size_t)n)) {
        memcpy(out, c->tok, c->ntok);
        out[c->ntok] = 0;
        *stop = c->stop;
        return c->ntok;
    }
    *stop = search_text_is_stop(word, n);
    len = stem(t, word, n, out, size);
    if (len < CACHE_WORD) {
        c->nword = (unsigned char)n;
        c->stop = (unsigned char)*stop;
        memcpy(c->word, word, (size_t)n);
        c->ntok = (unsigned char)len;
        memcpy(c->tok, out, (size_t)len);
    }
    return len;
}

int search_text_norm(struct search_text *t, const char *word, int n,
                     char *out, size_t size)
{
    int stop;

    return lookup(t, word, n, out, size, &stop);
}

static int stem(struct search_text *t, const char *word, int n, char *out,
                size_t size)
{
    const sb_symbol *s;
    size_t i;
    int len, digits = 0;

    for (i = 0; i < (size_t)n; i++)
        if (word[i] >= '0' && word[i] <= '9') digits++;
    if (digits || n < 4) {
        /* Numbers, codes and short words are kept as they are. */
        len = n < (int)size - 1 ? n : (int)size - 1;
        memcpy(out, word, (size_t)len);
        out[len] = 0;
        return len;
    }
    s = sb_stemmer_stem(t->stemmer, (const sb_symbol *)word, n);
    len = s ? sb_stemmer_length(t->stemmer) : n;
    if (!s) s = (const sb_symbol *)word;
    if (len > (int)size - 1) len = (int)size - 1;
    memcpy(out, s, (size_t)len);
    out[len] = 0;
    for (i = 0; i < sizeof endings / sizeof endings[0]; i++) {
        int e = (int)strlen(endings[i]);

        if (len - e >= 5 && !memcmp(out + len - e, endings[i], (size_t)e)) {
            len -= e;
            break;
        }
    }
    if (len >= 6 && out[len - 1] == out[len - 2] && is_consonant(out[len - 1]))
        len--;
    out[len] = 0;
    return len;
}

/* Walk state: the folded word being read. */
struct word {
    char buf[SEARCH_TEXT_MAX_WORD * 2];
    int n;     /* bytes in buf */
    int start; /* offset of the first byte in the text */
    int end;   /* offset after the last byte */
};

static int emit(struct search_text *t, struct word *w, int keep_stop,
                search_text_fn fn, void *arg)
{
    char tok[SEARCH_TEXT_MAX_WORD * 2 + 1];
    int n = w->n, ntok, stop;

    if (n == 0) return 0;
    if (n > SEARCH_TEXT_MAX_WORD) n = SEARCH_TEXT_MAX_WORD;
    w->n = 0;
    ntok = lookup(t, w->buf, n, tok, sizeof tok, &stop);
    if (stop && !keep_stop) return 0;
    return fn(arg, tok, ntok, w->buf, n, w->start, w->end);
}

/* tag: a '_' word at p: its length (ASCII letters, digits, '_', '.', ':',
 * '-'), lower-cased into tok. */
static int tag(const char *p, const char *end, char *tok, int size)
{
    int n = 0;

    while (p + n < end && n < size - 1) {
        char c = p[n];

        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '.' || c == ':' || c == '-'))
            break;
        tok[n++] = c;
    }
    tok[n] = 0;
    return n;
}

int search_text_each(struct search_text *t, const char *text, int len,
                     int keep_stop, search_text_fn fn, void *arg)
{
    const char *p = text, *end = text + len;
    struct word w;
    int rc;

    w.n = 0;
    w.start = w.end = 0;
    while (p < end) {
        const char *at = p, *f;
        unsigned cp;
        int fl;

        if (*p == '_' && w.n == 0) {
            char tok[SEARCH_TEXT_MAX_WORD + 1];
            int n = tag(p, end, tok, sizeof tok);

            rc = fn(arg, tok, n, tok, n, (int)(p - text),
                    (int)(p - text) + n);
            if (rc) return rc;
            p += n;
            /* a tag longer than the buffer: skip the rest of it */
            while (p < end && *p != ' ') p++;
            continue;
        }
        if ((unsigned char)*p < 0x80) {
            /* ASCII: no decoding, no table. */
            char c = *p++;

            if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                if (w.n == 0) w.start = (int)(at - text);
                w.end = (int)(p - text);
                if (w.n < (int)sizeof w.buf) w.buf[w.n++] = c;
            } else {
                rc = emit(t, &w, keep_stop, fn, arg);
                if (rc) return rc;
            }
            continue;
        }
        cp = text_utf8_next(&p);
        if (!cp) break;
        f = text_fold_cp(cp);
        if (f == text_fold_drop) {
            if (w.n) w.end = (int)(p - text);
            continue;
        }
        if (f && !*f) {
            rc = emit(t, &w, keep_stop, fn, arg);
            if (rc) return rc;
            continue;
        }
        if (w.n == 0) w.start = (int)(at - text);
        w.end = (int)(p - text);
        if (!f) {
            f = at;
            fl = (int)(p - at);
        } else {
            fl = (int)strlen(f);
        }
        if (w.n + fl <= (int)sizeof w.buf) {
            memcpy(w.buf + w.n, f, (size_t)fl);
            w.n += fl;
        }
    }
    return emit(t, &w, keep_stop, fn, arg);
}
