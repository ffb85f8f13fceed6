/*
 * search.c: the search engine (see search.h).
 */
#include "search.h"

#include "search_index.h"
#include "search_text.h"

/* on_open: per connection: the tokenizer, the table of pending index
 * changes. */
static int on_open(sqlite3 *h)
{
    int rc = search_text_register(h);

    if (rc != SQLITE_OK) return rc;
    return sqlite3_exec(h,
                        "CREATE TEMP TABLE IF NOT EXISTS search_pending("
                        " rowid INTEGER PRIMARY KEY, del INTEGER NOT NULL,"
                        " name, headline, trades, skills, body, tags)",
                        NULL, NULL, NULL);
}

void search_init(void)
{
    db_add_extension(on_open);
    db_add_precommit(search_index_flush);
}
