/*
 * match.h: the providers who fit a client request, through the search
 * engine.
 *
 * A request whose scope is "network" is matched among the profiles the
 * peer instances sent us too (search's scope=network); their rows are
 * told through their instance (request.c), ranked with ours by the same
 * rule.
 *
 * The rule (README.md "Client requests"): each wanted item (a trade code,
 * or words) is searched at the request's place, among the profiles a
 * client may see (public and network), kept to those available some day
 * before the deadline, 100 best per item. A provider's coverage is the
 * number of items they match; their score the best search score. Order:
 * coverage, then score, then -- among equals -- who was told of the fewest
 * requests in the last 30 days, then a stable shuffle of the request: the
 * same few are not told everything. Price is never a key. Thread-safe
 * given one struct db per thread.
 */
#ifndef ESSAIM_MATCH_H
#define ESSAIM_MATCH_H

#include <jansson.h>
#include <stddef.h>

#include "../store/db.h"

struct match {
    long long id;           /* entrepreneur */
    int coverage;           /* wanted items matched */
    double score;           /* best search score */
    json_t *why;            /* reasons (strings), owned */
    long recent;            /* requests told to them in the last 30 days */
    unsigned long long tie; /* the stable shuffle */
};

/* match_request: the ranked matches of a validated request document
 * (title, location, wanted, deadline) whose id seeds the shuffle. *out
 * (free with match_free) holds *n matches, best first. */
enum rc match_request(struct db *db, json_t *doc, long long id,
                      struct match **out, size_t *n);

void match_free(struct match *m, size_t n);

#endif
