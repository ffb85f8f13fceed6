/*
 * search.h: the search engine: French full text, place and intervention
 * areas, filters, facets, ranking and explanations
 * (GET /api/v1/search; README.md "Search" has the ranking rule).
 *
 * How a search runs:
 *   1. the place (near) is resolved; the text is cut into words and each
 *      word expanded (search_query.h);
 *   2. FTS5 yields the ids matching every word (no filter inside FTS5:
 *      each AND of doclists costs 5x a single one), and, word by word, the
 *      ids where it matched a strong field (name, headline, trades,
 *      skills);
 *   3. each id is checked against the in-memory table (search_mem.h):
 *      visibility for this viewer, filters, area, availability; the
 *      survivors are counted into the facets and scored;
 *   4. the page is cut from the scored list, and only its profiles are
 *      read from SQLite for names, snippets and reasons.
 * Without words, step 2 is a scan of the in-memory table.
 *
 * Offers, groups and contribution-temps posts (kind=offer, kind=group,
 * kind=post; search_item.h) have entries in the same index and in-memory
 * table; the FTS5 pass hands them out with the profiles, and each is
 * checked through the people who deliver it or wrote it (their areas,
 * cooperatives and visibility), then scored by the same rule. Without
 * kind, a search returns all four kinds, each result saying its kind.
 *
 * search_init() once at start-up, before any database is opened (it
 * registers the FTS5 tokenizer and the index flush). search_run() is
 * thread-safe given one struct db per thread.
 */
#ifndef ESSAIM_SEARCH_H
#define ESSAIM_SEARCH_H

#include <jansson.h>
#include <stddef.h>

#include "../store/db.h"

struct viewer;

#define SEARCH_MAX_DEPTH 10000 /* results reachable by paging */
#define SEARCH_HELPED_BOOST 50 /* score (of 10000) per contribution-temps
                                  level: having helped others 2, 10, 40 h */

struct search_params {
    const char *q;             /* text; "" or NULL for none */
    const char *near;          /* place, or NULL */
    double radius_km;          /* narrows the area; < 0: none */
    const char *kind;          /* entrepreneur, offer, group, post; NULL:
                                  all */
    const char *trade;         /* code or prefix ("F16", "rome:F16"), or
                                  several, comma-separated: any of them */
    const char *cooperative;   /* cooperative id */
    const char *departement;   /* of the entrepreneur's home */
    const char *status;        /* porteur, salarie, associe */
    const char *qualification; /* exact qualification, any case/accents */
    const char *available_on;  /* YYYY-MM-DD */
    const char *available_before; /* YYYY-MM-DD: available some day from
                                     today to then (request matching; not
                                     a parameter of the HTTP API) */
    int sort_distance;         /* sort=distance */
    int network;               /* scope=network: also the profiles pulled
                                  from peer instances (federation) */
    int limit;                 /* page size, 1..100 */
    const char *cursor;        /* from a previous page, or NULL */
};

/* search_init: register the search extensions for every connection. */
void search_init(void);

/* search_cache_size: the bytes of FTS5 answers cached per database (64 MB
 * by default); 0 turns the caches (those answers and recent searches')
 * off. Call before serving. */
void search_cache_size(size_t bytes);

/* search_shutdown: free the in-memory tables (at exit). */
void search_shutdown(void);

/* search_run: the answer {total, place, results, facets, facet_labels,
 * next_cursor} of p for viewer v. RC_INVALID with errs naming the
 * parameter (near, radius_km, trade, cooperative, departement, status,
 * available_on, cursor, kind). */
enum rc search_run(struct db *db, const struct viewer *v,
                   const struct search_params *p, json_t *errs,
                   json_t **out);

#endif
