/*
 * search_query.h: from what a person types to an FTS5 MATCH expression.
 *
 * The text is cut into words by the French analysis (search_text.h).
 * Every word must match (AND); each word is an OR of its forms: its
 * analyzed token; a prefix of it when it is the last word and the text
 * does not end with a space (search as you type, from 3 letters); near
 * tokens of the index when the word is unknown (typos: one edit from 5
 * letters, two from 9); a few curated synonyms; and the trade codes whose
 * labels or job titles hold the word (so "plombier" finds an entrepreneur
 * whose only trade is ROME F1603). Filters and the area are further AND
 * groups of tags (search_index.h).
 *
 * The expression keeps, for each of its phrases, the query word it came
 * from (or -1 for filters), so that ranking can tell which words matched
 * where. Pure functions in search_query.c; the lookups of the index
 * vocabulary and of trade words are in search_query_db.c. One struct
 * search_query belongs to one thread.
 */
#ifndef ESSAIM_SEARCH_QUERY_H
#define ESSAIM_SEARCH_QUERY_H

#include <stddef.h>

#include "../store/db.h"
#include "../util/buf.h"

#define SEARCH_MAX_TERMS 8     /* query words used; the rest are ignored */
#define SEARCH_MAX_FORMS 16    /* forms of one word */
#define SEARCH_MAX_PHRASES 128 /* phrases of an expression */

struct search_text;

/* How a form was found, for the explanations. */
enum search_form_kind {
    FORM_EXACT,   /* the analyzed token */
    FORM_PREFIX,  /* the token as a prefix */
    FORM_STEM,    /* an index token the word being typed starts with */
    FORM_TYPO,    /* an index token one or two edits away */
    FORM_SYNONYM, /* a curated synonym */
    FORM_TRADE    /* a trade code tag */
};

struct search_form {
    enum search_form_kind kind;
    char tok[72];  /* index token or tag ("plomb", "_t_rome_f1603") */
    char code[16]; /* FORM_TRADE: the code ("F1603"); scheme in scheme */
    char scheme[8];
};

struct search_term {
    char word[72]; /* folded word as typed ("menusier") */
    char tok[72];  /* its analyzed token ("menus") */
    int prefix;    /* last word being typed */
    int nforms;
    struct search_form forms[SEARCH_MAX_FORMS];
};

struct search_query {
    int nterms;
    struct search_term terms[SEARCH_MAX_TERMS];
    struct buf expr;                   /* the MATCH expression */
    int nphrases;
    /* phrase -> its query word i, i + SEARCH_MAX_TERMS for a synonym of
     * it, -1 for a filter */
    signed char phrase_term[SEARCH_MAX_PHRASES];
};

/* search_query_parse: cut text into terms (analysis, stop words dropped
 * unless every word is one, at most SEARCH_MAX_TERMS). Each term starts
 * with its exact form (and its prefix form when it is the last word being
 * typed). Returns the number of terms. */
int search_query_parse(struct search_text *an, const char *text,
                       struct search_query *q);

/* search_query_add_form: add a form to term i (duplicates ignored). */
void search_query_add_form(struct search_query *q, int i,
                           enum search_form_kind kind, const char *tok,
                           const char *scheme, const char *code);

/* search_query_drop_prefix: term i is a complete word after all. */
void search_query_drop_prefix(struct search_query *q, int i);

/* search_query_expand: add typo, synonym and trade forms to every term,
 * from the index vocabulary and the trade words of db. */
enum rc search_query_expand(struct db *db, struct search_query *q);

/* search_query_begin: start the expression with the terms' groups. */
void search_query_begin(struct search_query *q);

/* search_query_and: append an AND group of tags (each a token, or a
 * prefix when it ends in '*'), OR-ed together. */
void search_query_and(struct search_query *q, const char *const *tags,
                      int ntags);

/* search_query_and1: search_query_and with one tag. */
void search_query_and1(struct search_query *q, const char *tag);

/* search_query_free: release the expression. */
void search_query_free(struct search_query *q);

/* search_edit_distance: Damerau-Levenshtein distance of a and b (optimal
 * string alignment), or max + 1 when it is over max. */
int search_edit_distance(const char *a, int na, const char *b, int nb,
                         int max);

/* search_prefix_distance: the smallest distance between dictionary token
 * s and a prefix of word w at least half as long as w, or max + 1. */
int search_prefix_distance(const char *s, int ns, const char *w, int nw,
                           int max);

#endif
