/*
 * dir_db.h: the SQL of the directory (cooperatives and entrepreneurs),
 * private to directory/. Callers hold the transaction; these functions
 * run single statements. Rows come back as new jansson objects.
 */
#ifndef ESSAIM_DIR_DB_H
#define ESSAIM_DIR_DB_H

#include <jansson.h>

#include "../store/db.h"

/* The columns of an entrepreneur row, as written. Strings borrowed. */
struct dir_ent_row {
    long long id;             /* 0 for an insert */
    long long cooperative_id;
    const char *external_id;  /* NULL for none */
    const char *display_name;
    const char *status;
    const char *visibility;
    const char *insee;
    const char *departement;
    double lat, lon;
    double radius_km;         /* < 0 for none */
    const char *zones;        /* space-joined, "" for none */
    const char *avail_from;   /* NULL for none */
    const char *avail_until;
    const char *doc;          /* JSON text */
    long long seq;            /* change number of this write */
};

/* Cooperatives. A row object is {id, external_id, name, kind, doc (the
 * parsed document), created_at, updated_at}. */
enum rc dir_db_coop_insert(struct db *db, const char *external_id,
                           const char *name, const char *kind,
                           const char *doc, long long *id);
enum rc dir_db_coop_update(struct db *db, long long id,
                           const char *external_id, const char *name,
                           const char *kind, const char *doc);
enum rc dir_db_coop_get(struct db *db, long long id, json_t **out);
enum rc dir_db_coop_by_external(struct db *db, const char *external_id,
                                long long *id);
/* dir_db_coop_remote: 1 if cooperative id came from a peer instance
 * (federation/fed.h), else 0. */
int dir_db_coop_remote(struct db *db, long long id);
/* dir_db_coop_list: rows with id > after, by id; *total counts all. */
enum rc dir_db_coop_list(struct db *db, long long after, int limit,
                         json_t **rows, long long *total);

/* Entrepreneurs. A row object is {id, cooperative_id, cooperative_name,
 * external_id, visibility, doc, created_at, updated_at}. */
enum rc dir_db_ent_insert(struct db *db, const struct dir_ent_row *row,
                          long long *id);
enum rc dir_db_ent_update(struct db *db, const struct dir_ent_row *row);
enum rc dir_db_ent_get(struct db *db, long long id, json_t **out);
enum rc dir_db_ent_by_external(struct db *db, long long cooperative_id,
                               const char *external_id, long long *id);
/* dir_db_ent_delete: delete the row and leave a tombstone at seq. */
enum rc dir_db_ent_delete(struct db *db, long long id, long long seq);
/* dir_db_ent_each: call fn(id, cooperative_id, doc, arg) on every
 * entrepreneur, by id; fn returns an rc, the walk stops on the first
 * failure and returns it. */
enum rc dir_db_ent_each(struct db *db,
                        enum rc (*fn)(long long id, long long coop,
                                      json_t *doc, void *arg),
                        void *arg);
/* dir_db_ent_set_trades: replace the coded trades of an entrepreneur
 * (fresh: a new entrepreneur, nothing to remove first). */
enum rc dir_db_ent_set_trades(struct db *db, long long id, json_t *trades,
                              int fresh);
/* dir_db_ent_list: rows v may see with id > after, optionally of one
 * cooperative (0 for all), by id, up to limit; *total counts all the rows
 * v may see. */
struct viewer;
enum rc dir_db_ent_list(struct db *db, const struct viewer *v,
                        long long cooperative_id, long long after, int limit,
                        json_t **rows, long long *total);

/* dir_page: the list answer {total, results, next_cursor} from rows
 * fetched with limit + 1 (the extra row tells a next page exists), each
 * shaped by shape; steals rows. NULL when out of memory. */
json_t *dir_page(json_t *rows, int limit, long long total,
                 json_t *(*shape)(json_t *row));

#endif
