/*
 * search_explain.c: snippets and reasons (see search_explain.h).
 */
#include "search_explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/buf.h"
#include "../util/text.h"
#include "search_text.h"

#define SNIPPET_CHARS 200
#define MAX_HITS 64

int search_explain_term(const struct search_query *q, const char *tok,
                        int ntok, const char *word, int nword, int *typo)
{
    int i, k, only_typo = -1;

    *typo = 0;
    for (i = 0; i < q->nterms; i++) {
        const struct search_term *t = &q->terms[i];

        for (k = 0; k < t->nforms; k++) {
            const struct search_form *f = &t->forms[k];
            int n = (int)strlen(f->tok);

            if (f->kind == FORM_TRADE) continue;
            if (f->kind == FORM_PREFIX) {
                if ((ntok >= n && !memcmp(tok, f->tok, (size_t)n)) ||
                    (nword >= n && !memcmp(word, f->tok, (size_t)n)))
                    return i;
                continue;
            }
            if (ntok != n || memcmp(tok, f->tok, (size_t)n)) continue;
            if (f->kind != FORM_TYPO) return i;
            if (only_typo < 0) only_typo = i;
        }
    }
    if (only_typo >= 0) *typo = 1;
    return only_typo;
}

struct hit {
    int start, end; /* bytes in the field */
    int term;       /* query word matched */
    int typo;       /* matched only as a typo of it */
};

struct hits {
    const struct search_query *q;
    struct hit hit[MAX_HITS];
    int n;
    unsigned terms; /* bit i: word i seen */
};

static int on_word(void *arg, const char *tok, int ntok, const char *word,
                   int nword, int start, int end)
{
    struct hits *h = arg;
    int typo, t = search_explain_term(h->q, tok, ntok, word, nword, &typo);

    if (t < 0 || h->n >= MAX_HITS) return 0;
    h->hit[h->n].start = start;
    h->hit[h->n].end = end;
    h->hit[h->n].term = t;
    h->hit[h->n].typo = typo;
    h->n++;
    h->terms |= 1u << t;
    return 0;
}

static int popcount(unsigned v)
{
    int n = 0;

    for (; v; v &= v - 1) n++;
    return n;
}

/* escape: append s[0..n) HTML-escaped. */
static void escape(struct buf *b, const char *s, int n)
{
    int i;

    for (i = 0; i < n; i++) switch (s[i]) {
        case '&': buf_adds(b, "&amp;"); break;
        case '<': buf_adds(b, "&lt;"); break;
        case '>': buf_adds(b, "&gt;"); break;
        case '"': buf_adds(b, "&quot;"); break;
        case '\'': buf_adds(b, "&#39;"); break;
        case '\n':
        case '\r': buf_addc(b, ' '); break;
        default: buf_addc(b, s[i]);
        }
}

/* back: the start of the UTF-8 character holding byte i. */
static int back(const char *s, int i)
{
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
    return i;
}

/* window: bytes [from, to) of a field of len bytes around its first hit,
 * about SNIPPET_CHARS long, cut at spaces. */
static void window(const char *s, int len, const struct hits *h, int *from,
                   int *to)
{
    int first = h->n ? h->hit[0].start : 0, a, z;

    if ((int)text_utf8_chars(s) <= SNIPPET_CHARS) {
        *from = 0;
        *to = len;
        return;
    }
    a = first > 60 ? first - 60 : 0;
    while (a > 0 && s[a - 1] != ' ') a--;
    z = a + SNIPPET_CHARS * 3 / 2; /* bytes: accents take two */
    if (z >= len) {
        z = len;
    } else {
        z = back(s, z);
        while (z > a + 40 && s[z] != ' ') z--;
    }
    *from = a;
    *to = z;
}

/* write: the window of field s with its hits in <mark>. */
static void write(struct buf *b, const char *s, int len, const struct hits *h)
{
    int from, to, at, i;

    window(s, len, h, &from, &to);
    if (from > 0) buf_adds(b, "… ");
    at = from;
    for (i = 0; i < h->n; i++) {
        const struct hit *x = &h->hit[i];

        if (x->start < at || x->end > to) continue;
        escape(b, s + at, x->start - at);
        buf_adds(b, "<mark>");
        escape(b, s + x->start, x->end - x->start);
        buf_adds(b, "</mark>");
        at = x->end;
    }
    escape(b, s + at, to - at);
    if (to < len) buf_adds(b, " …");
}

/* fields: the texts a snippet may come from, in order of preference. */
static void field_texts(json_t *doc, struct buf *skills, const char **f)
{
    json_t *v;
    size_t i;

    json_array_foreach(json_object_get(doc, "skills"), i, v) {
        if (skills->len) buf_adds(skills, ", ");
        buf_adds(skills, json_string_value(v));
    }
    f[0] = json_string_value(json_object_get(doc, "headline"));
    f[1] = json_string_value(json_object_get(doc, "description"));
    f[2] = skills->len ? buf_str(skills) : NULL;
}

/* The fields a snippet may come from, in order of preference, with the
 * query's words found in each. */
struct fields {
    struct buf skills;
    const char *text[3]; /* headline, description, skills */
    struct hits h[3];
};

static void analyze_fields(struct search_text *an,
                           const struct search_query *q, json_t *doc,
                           struct fields *f)
{
    int i;

    memset(f, 0, sizeof *f);
    field_texts(doc, &f->skills, f->text);
    for (i = 0; i < 3; i++) {
        f->h[i].q = q;
        if (f->text[i] && q->nterms)
            search_text_each(an, f->text[i], (int)strlen(f->text[i]), 1,
                             on_word, &f->h[i]);
    }
}

static char *snippet_of(const struct fields *f)
{
    struct buf out = {0};
    struct hits none;
    const struct hits *best = NULL;
    const char *pick = NULL;
    int i, best_terms = 0;

    for (i = 0; i < 3; i++)
        if (f->text[i] && popcount(f->h[i].terms) > best_terms) {
            best = &f->h[i];
            best_terms = popcount(f->h[i].terms);
            pick = f->text[i];
        }
    if (!pick) {
        /* No word of the query in the text: its beginning. */
        memset(&none, 0, sizeof none);
        best = &none;
        pick = f->text[0] ? f->text[0] : f->text[1] ? f->text[1] : "";
    }
    write(&out, pick, (int)strlen(pick), best);
    return buf_take(&out);
}

/* words_found: the words of the text fields that match the query, as
 * written, into a "mots trouvés" reason; typos into their own. */
static void words_found(const struct search_query *q, const struct fields *f,
                        json_t *why)
{
    struct buf words = {0}, typos = {0};
    unsigned seen = 0;
    int i, k, count = 0;

    for (i = 0; i < 3; i++) {
        const struct hits *h = &f->h[i];

        for (k = 0; k < h->n && count < 5; k++) {
            const struct hit *x = &h->hit[k];
            char w[128];
            int n = x->end - x->start;

            if (seen & (1u << x->term)) continue;
            seen |= 1u << x->term;
            if (n >= (int)sizeof w) n = (int)sizeof w - 1;
            memcpy(w, f->text[i] + x->start, (size_t)n);
            w[n] = 0;
            if (x->typo) {
                buf_addf(&typos, "%s« %s » compris comme « %s »",
                         typos.len ? ", " : "", q->terms[x->term].word, w);
            } else {
                buf_addf(&words, "%s%s", words.len ? ", " : "", w);
            }
            count++;
        }
    }
    if (words.len)
        json_array_append_new(why, json_sprintf("mots trouvés : %s",
                                                buf_str(&words)));
    if (typos.len) json_array_append_new(why, json_string(buf_str(&typos)));
    buf_free(&words);
    buf_free(&typos);
}

/* trade_matches: does trade (scheme, code) answer the query or filter? */
static int trade_matches(const struct search_query *q, const char *scheme,
                         const char *code, const char *filter)
{
    int i, k;

    if (filter && *filter) {
        const char *colon = strchr(filter, ':');
        const char *want = colon ? colon + 1 : filter;

        if (!colon || !strncmp(filter, scheme, (size_t)(colon - filter))) {
            size_t n = strlen(want);

            if (!strncasecmp(code, want, n)) return 1;
        }
    }
    for (i = 0; i < q->nterms; i++)
        for (k = 0; k < q->terms[i].nforms; k++) {
            const struct search_form *f = &q->terms[i].forms[k];

            if (f->kind == FORM_TRADE && !strcmp(f->code, code) &&
                !strcmp(f->scheme, scheme))
                return 1;
        }
    return 0;
}

/* of_place: "de Nantes", "d'Angers", "du Rheu" (Le Rheu), "des
 * Sables-d'Olonne" (Les Sables-d'Olonne), "de La Rochelle": the French
 * contraction of "de" before a commune's name, into buf. */
static const char *of_place(const char *name, char *buf, size_t size)
{
    unsigned char c = (unsigned char)name[0];

    if (!strncmp(name, "Le ", 3))
        snprintf(buf, size, "du %s", name + 3);
    else if (!strncmp(name, "Les ", 4))
        snprintf(buf, size, "des %s", name + 4);
    else if (strchr("AEIOUYHaeiouyh", c) ||
             !strncmp(name, "\xc3\x89", 2) || /* É */
             !strncmp(name, "\xc3\x8e", 2))   /* Î */
        snprintf(buf, size, "d'%s", name);
    else
        snprintf(buf, size, "de %s", name);
    return buf;
}

/* place_reason: how the result covers the searched place, as a new
 * string, or NULL. */
static json_t *place_reason(const struct explain_ctx *ctx)
{
    char of[160];

    switch (ctx->cover) {
    case COVER_NONE: break;
    case COVER_COMMUNE:
        return json_sprintf("installé à %s", ctx->place_name
                                                 ? ctx->place_name
                                                 : "l'endroit cherché");
    case COVER_RADIUS:
        if (ctx->distance_km < 1) return json_string("à moins de 1 km");
        if (ctx->place_name)
            return json_sprintf("à %.0f km %s", ctx->distance_km,
                                of_place(ctx->place_name, of, sizeof of));
        return json_sprintf("à %.0f km", ctx->distance_km);
    case COVER_DEP:
        return json_sprintf("intervient dans tout le département (à %.0f km)",
                            ctx->distance_km);
    case COVER_REG:
        return json_sprintf("intervient dans toute la région (à %.0f km)",
                            ctx->distance_km);
    case COVER_FR:
        return json_sprintf("intervient dans toute la France (à %.0f km)",
                            ctx->distance_km);
    }
    return NULL;
}

/* why_of: the reasons. */
static json_t *why_of(const struct search_query *q, const struct fields *f,
                      json_t *doc, const struct explain_ctx *ctx)
{
    json_t *why = json_array(), *t, *place;
    size_t i;

    if (!why) return NULL;
    if (ctx->lead) json_array_append_new(why, json_string(ctx->lead));
    json_array_foreach(json_object_get(doc, "trades"), i, t) {
        const char *scheme = json_string_value(json_object_get(t, "scheme"));
        const char *code = json_string_value(json_object_get(t, "code"));
        const char *label = json_string_value(json_object_get(t, "label"));

        if (code && label && trade_matches(q, scheme, code, ctx->trade_filter))
            json_array_append_new(why, json_sprintf("métier : %s", label));
    }
    if (q->nterms) words_found(q, f, why);
    place = place_reason(ctx);
    if (place && ctx->member)
        json_array_append_new(why, json_sprintf("%s : %s", ctx->member,
                                                json_string_value(place)));
    else if (place)
        json_array_append(why, place);
    json_decref(place);
    if (ctx->available_on)
        json_array_append_new(why, json_sprintf("disponible le %s",
                                                ctx->available_on));
    if (ctx->helped)
        json_array_append_new(why, json_sprintf(
                                       "a aidé d'autres entrepreneurs (%s"
                                       " d'entraide)",
                                       ctx->helped >= 3   ? "40 h ou plus"
                                       : ctx->helped == 2 ? "10 h ou plus"
                                                          : "2 h ou plus"));
    return why;
}

void search_explain(struct search_text *an, const struct search_query *q,
                    json_t *doc, const struct explain_ctx *ctx,
                    char **snippet, json_t **why)
{
    struct fields f;

    analyze_fields(an, q, doc, &f);
    *snippet = snippet_of(&f);
    *why = why_of(q, &f, doc, ctx);
    buf_free(&f.skills);
}
