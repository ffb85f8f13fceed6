/*
 * search_query.c: parsing a query and writing its MATCH expression
 * (see search_query.h).
 */
#include "search_query.h"

#include <stdio.h>
#include <string.h>

#include "search_text.h"

struct parse {
    struct search_query *q;
    int len;      /* length of the text */
    int all_stop; /* every word so far is a stop word */
    int last_end; /* end offset of the last word */
    int nstop;    /* stop words seen */
    struct search_term stops[SEARCH_MAX_TERMS];
};

static void copy(char *dst, size_t size, const char *src, int n)
{
    if (n < 0) n = (int)strlen(src);
    if ((size_t)n >= size) n = (int)size - 1;
    memcpy(dst, src, (size_t)n);
    dst[n] = 0;
}

static int on_word(void *arg, const char *tok, int ntok, const char *word,
                   int nword, int start, int end)
{
    struct parse *p = arg;
    struct search_term *t;

    (void)start;
    p->last_end = end;
    if (search_text_is_stop(word, nword)) {
        if (p->nstop < SEARCH_MAX_TERMS) t = &p->stops[p->nstop++];
        else return 0;
    } else {
        p->all_stop = 0;
        if (p->q->nterms >= SEARCH_MAX_TERMS) return 0;
        t = &p->q->terms[p->q->nterms++];
    }
    memset(t, 0, sizeof *t);
    copy(t->word, sizeof t->word, word, nword);
    copy(t->tok, sizeof t->tok, tok, ntok);
    return 0;
}

void search_query_drop_prefix(struct search_query *q, int i)
{
    struct search_term *t = &q->terms[i];
    int k, n = 0;

    for (k = 0; k < t->nforms; k++)
        if (t->forms[k].kind != FORM_PREFIX) t->forms[n++] = t->forms[k];
    t->nforms = n;
    t->prefix = 0;
}

void search_query_add_form(struct search_query *q, int i,
                           enum search_form_kind kind, const char *tok,
                           const char *scheme, const char *code)
{
    struct search_term *t = &q->terms[i];
    struct search_form *f;
    int k;

    for (k = 0; k < t->nforms; k++)
        if (!strcmp(t->forms[k].tok, tok) &&
            (t->forms[k].kind == FORM_PREFIX) == (kind == FORM_PREFIX))
            return;
    if (t->nforms >= SEARCH_MAX_FORMS) return;
    f = &t->forms[t->nforms++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    copy(f->tok, sizeof f->tok, tok, -1);
    if (scheme) copy(f->scheme, sizeof f->scheme, scheme, -1);
    if (code) copy(f->code, sizeof f->code, code, -1);
}

int search_query_parse(struct search_text *an, const char *text,
                       struct search_query *q)
{
    struct parse p;
    int i;

    memset(q, 0, sizeof *q);
    memset(&p, 0, sizeof p);
    p.q = q;
    p.len = (int)strlen(text);
    p.all_stop = 1;
    search_text_each(an, text, p.len, 1, on_word, &p);
    if (p.all_stop && p.nstop) {
        q->nterms = p.nstop;
        memcpy(q->terms, p.stops, sizeof p.stops[0] * (size_t)p.nstop);
    }
    for (i = 0; i < q->nterms; i++)
        search_query_add_form(q, i, FORM_EXACT, q->terms[i].tok, NULL, NULL);
    /* The last word may still be being typed when nothing follows it
     * (from 3 letters; search_query_expand drops the prefix forms of a
     * word of 6 letters or more that the index knows: it is complete). */
    if (q->nterms && p.last_end == p.len) {
        struct search_term *t = &q->terms[q->nterms - 1];

        if (strlen(t->word) >= 3) {
            t->prefix = 1;
            search_query_add_form(q, q->nterms - 1, FORM_PREFIX, t->tok, NULL,
                                  NULL);
            if (strncmp(t->word, t->tok, strlen(t->tok)) != 0 ||
                strlen(t->word) < strlen(t->tok))
                search_query_add_form(q, q->nterms - 1, FORM_PREFIX, t->word,
                                      NULL, NULL);
        }
    }
    return q->nterms;
}

/* phrase: append one quoted phrase, a prefix when star is set. */
static void phrase(struct search_query *q, const char *tok, int star,
                   int term)
{
    const char *p;

    buf_addc(&q->expr, '"');
    for (p = tok; *p; p++) {
        if (*p == '"') buf_addc(&q->expr, '"');
        buf_addc(&q->expr, *p);
    }
    buf_addc(&q->expr, '"');
    if (star) buf_addc(&q->expr, '*');
    if (q->nphrases < SEARCH_MAX_PHRASES)
        q->phrase_term[q->nphrases] = (signed char)term;
    q->nphrases++;
}

/* subsumed: form k of t is its exact token and the same token is also a
 * prefix form: the prefix already matches all it does. */
static int subsumed(const struct search_term *t, int k)
{
    int j;

    if (t->forms[k].kind != FORM_EXACT) return 0;
    for (j = 0; j < t->nforms; j++)
        if (t->forms[j].kind == FORM_PREFIX &&
            !strcmp(t->forms[j].tok, t->forms[k].tok))
            return 1;
    return 0;
}

void search_query_begin(struct search_query *q)
{
    int i, k, first;

    buf_reset(&q->expr);
    q->nphrases = 0;
    for (i = 0; i < q->nterms; i++) {
        const struct search_term *t = &q->terms[i];

        if (q->expr.len) buf_adds(&q->expr, " AND ");
        buf_addc(&q->expr, '(');
        for (k = 0, first = 1; k < t->nforms; k++) {
            if (subsumed(t, k)) continue;
            if (!first) buf_adds(&q->expr, " OR ");
            first = 0;
            /* Synonyms count apart: slot i + SEARCH_MAX_TERMS. */
            phrase(q, t->forms[k].tok, t->forms[k].kind == FORM_PREFIX,
                   t->forms[k].kind == FORM_SYNONYM ? i + SEARCH_MAX_TERMS
                                                    : i);
        }
        buf_addc(&q->expr, ')');
    }
}

void search_query_and(struct search_query *q, const char *const *tags,
                      int ntags)
{
    int i;

    if (ntags <= 0) return;
    if (q->expr.len) buf_adds(&q->expr, " AND ");
    buf_addc(&q->expr, '(');
    for (i = 0; i < ntags; i++) {
        size_t n = strlen(tags[i]);
        char tok[96];

        if (i) buf_adds(&q->expr, " OR ");
        copy(tok, sizeof tok, tags[i], (int)n);
        if (n && tok[n - 1] == '*') {
            tok[n - 1] = 0;
            phrase(q, tok, 1, -1);
        } else {
            phrase(q, tok, 0, -1);
        }
    }
    buf_addc(&q->expr, ')');
}

void search_query_and1(struct search_query *q, const char *tag)
{
    search_query_and(q, &tag, 1);
}

void search_query_free(struct search_query *q)
{
    buf_free(&q->expr);
}

int search_edit_distance(const char *a, int na, const char *b, int nb,
                         int max)
{
    int d[SEARCH_TEXT_MAX_WORD + 2][SEARCH_TEXT_MAX_WORD + 2];
    int i, j;

    if (na > SEARCH_TEXT_MAX_WORD || nb > SEARCH_TEXT_MAX_WORD) return max + 1;
    if (na - nb > max || nb - na > max) return max + 1;
    for (i = 0; i <= na; i++) d[i][0] = i;
    for (j = 0; j <= nb; j++) d[0][j] = j;
    for (i = 1; i <= na; i++) {
        int best = max + 1;

        for (j = 1; j <= nb; j++) {
            int cost = a[i - 1] != b[j - 1], v = d[i - 1][j - 1] + cost;

            if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
            if (v < best) best = v;
        }
        if (best > max) return max + 1; /* every path is already too long */
    }
    return d[na][nb] <= max ? d[na][nb] : max + 1;
}

int search_prefix_distance(const char *s, int ns, const char *w, int nw,
                           int max)
{
    int d[SEARCH_TEXT_MAX_WORD + 2][SEARCH_TEXT_MAX_WORD + 2];
    int i, j, best = max + 1;

    if (ns > SEARCH_TEXT_MAX_WORD || nw > SEARCH_TEXT_MAX_WORD) return max + 1;
    for (i = 0; i <= ns; i++) d[i][0] = i;
    for (j = 0; j <= nw; j++) d[0][j] = j;
    for (i = 1; i <= ns; i++)
        for (j = 1; j <= nw; j++) {
            int cost = s[i - 1] != w[j - 1], v = d[i - 1][j - 1] + cost;

            if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && s[i - 1] == w[j - 2] &&
                s[i - 2] == w[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    /* The whole token s against each prefix of w of at least half. */
    for (j = (nw + 1) / 2; j <= nw; j++)
        if (d[ns][j] < best) best = d[ns][j];
    return best <= max ? best : max + 1;
}
