/*
 * search_db.h: the SQL of the search engine, private to search/: walking
 * the ids an FTS5 expression matches, reading the profiles of a page.
 */
#ifndef ESSAIM_SEARCH_DB_H
#define ESSAIM_SEARCH_DB_H

#include <jansson.h>

#include "../store/db.h"

/* search_db_match: call fn(rowid, fields, arg) for every index row
 * matching the MATCH expression expr; fields says which query words
 * matched in which fields (essaim_fields below), map gives the query word
 * of each phrase of expr ('0'..'7', '-' for a filter). */
enum rc search_db_match(struct db *db, const char *expr, const char *map,
                        void (*fn)(long long rowid, unsigned fields,
                                   void *arg),
                        void *arg);

/* search_db_register: the FTS5 auxiliary function essaim_fields(fts,
 * map): two bits per query word i: bit 2i, the word is in the name or
 * headline; bit 2i+1, in the trades, skills or tags. */
int search_db_register(sqlite3 *h);

/* search_db_entrepreneur: {id, external_id, cooperative_id,
 * cooperative_name, doc} of entrepreneur id (new object). */
enum rc search_db_entrepreneur(struct db *db, long long id, json_t **out);

/* search_db_offer: {id, title, doc, entrepreneur_id, group_id (0 for
 * none), owner_name, owner_slug (a group's, else null),
 * owner_cooperative_id (0), owner_cooperative_name (null)} of offer id
 * (new object). RC_NOTFOUND. */
enum rc search_db_offer(struct db *db, long long id, json_t **out);

/* search_db_group: {id, kind, name, slug, description (null), offers
 * (the titles of its active offers)} of group id (new object). */
enum rc search_db_group(struct db *db, long long id, json_t **out);

/* search_db_coop_name: the name of cooperative id into buf. */
enum rc search_db_coop_name(struct db *db, long long id, char *buf,
                            size_t size);

#endif
