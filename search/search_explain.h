/*
 * search_explain.h: what a result shows of why it was found: a snippet of
 * its text with the query's words in <mark>, and reasons in plain French
 * ("métier : Plombier", "à 12 km de Nantes").
 *
 * Pure functions over a profile's document and the parsed query; the
 * analyzer belongs to the calling thread.
 */
#ifndef ESSAIM_SEARCH_EXPLAIN_H
#define ESSAIM_SEARCH_EXPLAIN_H

#include <jansson.h>

#include "search_query.h"

struct search_text;

/* How a result covers the searched place. */
enum explain_cover {
    COVER_NONE,    /* no place searched */
    COVER_RADIUS,  /* within its radius */
    COVER_COMMUNE, /* it lives in that commune */
    COVER_DEP,     /* its zones hold the département */
    COVER_REG,     /* its zones hold the region */
    COVER_FR       /* it works all over France */
};

struct explain_ctx {
    enum explain_cover cover;
    double distance_km;       /* when a place was searched */
    const char *place_name;   /* "Nantes", or NULL */
    const char *trade_filter; /* the trade= prefix ("F16"), or NULL */
    const char *available_on; /* YYYY-MM-DD, or NULL */
    const char *member;       /* an offer or a group: the person through
                                 whom it covers the place, named before
                                 the place reason ("Léa Martin : à 3 km
                                 de Rezé"), or NULL */
    const char *lead;         /* a first reason ("offre de Jardins du
                                 Val"), or NULL */
    int helped;               /* contribution-temps level (search_mem.h
                                 mem_doc.helped), 0: none */
};

/* search_explain: a profile's snippet and reasons at once (its text is
 * analyzed once for both). *snippet: an excerpt (about 200 characters)
 * of the field of doc that holds most of the query's words, HTML-escaped,
 * those words in <mark>...</mark>, the headline when none holds any; a
 * new string (free()). *why: the reasons, a new array of strings. Both
 * NULL when out of memory. */
void search_explain(struct search_text *an, const struct search_query *q,
                    json_t *doc, const struct explain_ctx *ctx,
                    char **snippet, json_t **why);

/* search_explain_term: the index of the query word that the analyzed word
 * (token tok, folded word) matches, or -1. typo is set when only a typo
 * form matched. */
int search_explain_term(const struct search_query *q, const char *tok,
                        int ntok, const char *word, int nword, int *typo);

#endif
