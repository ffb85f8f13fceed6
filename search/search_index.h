/*
 * search_index.h: keeping the full-text index in step with the profiles.
 *
 * The directory calls these inside the transaction that writes a profile,
 * so the index never disagrees with the data it describes. Thread-safe
 * given one struct db per thread.
 */
#ifndef ESSAIM_SEARCH_INDEX_H
#define ESSAIM_SEARCH_INDEX_H

#include <jansson.h>

#include "../store/db.h"

/* search_index_entrepreneur: (re)index entrepreneur id from its clean
 * document (as dir_ent stores it); fresh: id was never indexed, nothing
 * to remove first. doc is borrowed. */
enum rc search_index_entrepreneur(struct db *db, long long id, json_t *doc,
                                  int fresh);

/* search_index_remove: drop entrepreneur id from the index. */
enum rc search_index_remove(struct db *db, long long id);

#endif
