/*
 * search.h: the search engine: French full text, place and intervention
 * areas, filters, facets, ranking and explanations
 * (GET /api/v1/search, see README.md "Search").
 *
 * search_init() once at start-up, before any database is opened (it
 * registers the FTS5 tokenizer). search_run() is thread-safe given one
 * struct db per thread.
 */
#ifndef ESSAIM_SEARCH_H
#define ESSAIM_SEARCH_H

#include <jansson.h>

#include "../store/db.h"

struct viewer;

/* search_init: register the search extensions for every connection. */
void search_init(void);

#endif
