/*
 * demand.h: pooled demand data for the entrepreneurs: how many client
 * requests, searches without results and public tenders, by trade,
 * département and month (UTC), and the trade words of the searches
 * without results. Counts only: nothing here names a person (README.md
 * "Demand data" has the rules). Thread-safe given one struct db per
 * thread (the trade vocabulary of demand_words_keep is built once per
 * process, under a lock).
 */
#ifndef ESSAIM_DEMAND_H
#define ESSAIM_DEMAND_H

#include <jansson.h>
#include <stddef.h>

#include "../store/db.h"

#define DEMAND_WORDS_TOP  50   /* words of the stats answer */
#define DEMAND_SERIES_MAX 5000 /* rows of the stats answer */
#define DEMAND_MONTHS_MAX 120  /* longest range of the stats answer */

/* demand_add: count one event of kind ("request", "search_empty",
 * "tender") this month in departement ("" or NULL: unknown), once per
 * trade of trades (an array of "scheme:code" strings, scheme rome, naf or
 * cpv). Anything else in trades (a free trade, a non-string) is not
 * stored; when no trade remains the event is counted under trade "". In
 * the caller's transaction, or its own. */
enum rc demand_add(struct db *db, const char *kind, const char *departement,
                   json_t *trades);

/* demand_search_empty: count a search that found nobody: under kind
 * "search_empty" in departement ("" or NULL: unknown), once per item of
 * trade (the search's trade filter: "F16", "rome:F1603,43.22", "" or
 * NULL for none; at most 10 items, in canonical form), and the words of q
 * that belong to the trade vocabulary (demand_words_keep) in
 * demand_words. One small write transaction. */
enum rc demand_search_empty(struct db *db, const char *departement,
                            const char *trade, const char *q);

/* demand_words_keep: the words of q that may be stored, into out (size
 * bytes, at least 1): folded (lower case, no accents), in their order,
 * each once, separated by one space; "" when none. A word is kept when it
 * has only letters, at least three, is not a stop word, and appears (as
 * it is, or without a final s or x, and is then kept so: "plombiers" ->
 * "plombier") among the words of the ROME labels, of the ROME job titles
 * (appellations) or of the curated needs (data/needs.tsv). Names,
 * addresses, e-mails and phone numbers are dropped unless a word of them
 * is a trade word ("pierre"). At most 8 words. RC_NOMEM when the
 * vocabulary cannot be built. */
enum rc demand_words_keep(const char *q, char *out, size_t size);

/* The question of demand_stats: every field a string, "" for none. */
struct demand_query {
    const char *trade;       /* code prefixes, comma-separated, each
                                optionally with its scheme: "F16",
                                "rome:F1603", "43.22", "cpv:4533" */
    const char *departement; /* exact: "44", "2A", "974" */
    const char *from, *to;   /* YYYY-MM, inclusive; default: the twelve
                                months up to this one */
};

/* demand_stats: the answer of GET /api/v1/stats/demand: *out is a new
 * {from, to, series:[{month, departement, trade, trade_label, requests,
 * searches_empty, tenders}], months:[{month, requests, searches_empty,
 * tenders}] (every month of the range), totals:{requests, searches_empty,
 * tenders}, words:[{words, n}], truncated, notes:[...]}. RC_INVALID with
 * errs naming the parameter (trade, departement, from, to). */
enum rc demand_stats(struct db *db, const struct demand_query *q, json_t *errs,
                     json_t **out);

#endif
