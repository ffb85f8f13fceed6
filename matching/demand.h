/*
 * demand.h: pooled demand data for the entrepreneurs: how many client
 * requests, searches without results and public tenders, by trade,
 * département and month. Counts only: nothing here names a person.
 * Thread-safe given one struct db per thread.
 */
#ifndef ESSAIM_DEMAND_H
#define ESSAIM_DEMAND_H

#include <jansson.h>

#include "../store/db.h"

/* demand_add: count one event of kind ("request", "search_empty",
 * "tender") this month in departement ("" unknown), once per trade of
 * trades (an array of "scheme:code" strings; none or NULL: counted under
 * trade ""). In the caller's transaction, or its own. */
enum rc demand_add(struct db *db, const char *kind, const char *departement,
                   json_t *trades);

#endif
