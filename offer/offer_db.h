/*
 * offer_db.h: the storage of offers (offer_db.c), for offer.c and the
 * tests only: every SQL statement of the module is there.
 *
 * Tables offer, offer_member, offer_trade, offer_photo (store/db_schema.c,
 * migration 7 -> 8); the owners are read from entrepreneur, cooperative,
 * grp and grp_member (read only: groups are written by group/). Rows are
 * copied into the structs below (fixed buffers, sized for the longest
 * value the validation lets in); the structs that own memory say so and
 * have a _free. Functions run in the caller's transaction. Not
 * thread-safe beyond one struct db per thread.
 */
#ifndef ESSAIM_OFFER_DB_H
#define ESSAIM_OFFER_DB_H

#include <jansson.h>
#include <stddef.h>

#include "../directory/dir_person.h"
#include "../store/db.h"

/* A member of a group (any status). */
struct offer_member {
    struct dir_person p;
    char role[8];   /* admin, member */
    char status[12]; /* invited, accepted, declined, left */
};

/* A group owning offers. */
struct offer_group {
    long long id;
    int kind;               /* enum group_kind */
    char name[512];
    char slug[96];
    int remote;             /* a peer's group (federation): read-only */
    struct offer_member *m; /* owned; by invitation id */
    size_t nm;
};

/* An offer row. */
struct offer_row {
    long long id;
    long long entrepreneur_id; /* owner, or 0 */
    long long group_id;        /* owner, or 0 */
    char status[12];           /* active, retired */
    json_t *doc;               /* owned: the stored document */
    long long seq;
    char created_at[24], updated_at[24], retired_at[24]; /* "" none */
    long long peer_id;         /* a peer's offer (federation), or 0 */
    char origin[320];          /* then its peer's URL; "" else */
    const char *remote_id;     /* offer_db_insert of a peer's offer: its
                                  id at the peer (borrowed) */
};

/* A photo, without its bytes. */
struct offer_photo_row {
    long long id;
    char type[16];
    int width, height; /* 0: unknown */
    long long size;    /* bytes */
};

/* offer_row_free, offer_group_free: release what the struct owns (not
 * the struct); it stays reusable (zeroed). NULL is a no-op. */
void offer_row_free(struct offer_row *o);
void offer_group_free(struct offer_group *g);

/* offer_db_get: offer id into o (zeroed first; free with offer_row_free
 * even on failure). RC_NOTFOUND. */
enum rc offer_db_get(struct db *db, long long id, struct offer_row *o);

/* offer_db_group: group id and its members into g (zeroed first; free
 * with offer_group_free even on failure). RC_NOTFOUND. */
enum rc offer_db_group(struct db *db, long long id, struct offer_group *g);

/* offer_db_person: profile id, of this instance or a peer's copy (the
 * owner of a peer's offer), into *p. RC_NOTFOUND. */
enum rc offer_db_person(struct db *db, long long id, struct dir_person *p);

/* offer_db_remote_find: the local id (0: none) of peer's offer
 * remote_id. */
enum rc offer_db_remote_find(struct db *db, long long peer,
                             const char *remote_id, long long *id);

/* offer_db_remote_drop: delete peer's offer remote_id; *dropped 1 when
 * there was one. */
enum rc offer_db_remote_drop(struct db *db, long long peer,
                             const char *remote_id, int *dropped);

/* offer_db_insert: a new offer of o's owner (o->peer_id, o->remote_id: a
 * peer's copy) with o's status (retired_at
 * set when retired), the stored text doc, title and seq; *id its id. */
enum rc offer_db_insert(struct db *db, const struct offer_row *o,
                        const char *title, const char *doc, long long *id);

/* offer_db_update: o's status, title, doc and seq; updated_at now;
 * retired_at now when it becomes retired, NULL when active. */
enum rc offer_db_update(struct db *db, const struct offer_row *o,
                        const char *title, const char *doc);

/* offer_db_touch: seq and updated_at of offer id (its photos changed). */
enum rc offer_db_touch(struct db *db, long long id, long long seq);

/* offer_db_set_members: offer_member rows of offer id: exactly ents. */
enum rc offer_db_set_members(struct db *db, long long id,
                             const long long *ents, size_t n);

/* offer_db_set_trades: offer_trade rows of offer id: the coded trades of
 * the array trades (free trades have no code to filter on). */
enum rc offer_db_set_trades(struct db *db, long long id, json_t *trades);

/* offer_db_list: the ids of the offers of an entrepreneur (by_group 0)
 * or a group, of status ("active", "retired"; NULL: any), above id after,
 * at most limit, by id: *ids (malloc'ed, free()), *n; *total of them all
 * (whatever after). */
enum rc offer_db_list(struct db *db, int by_group, long long owner,
                      const char *status, long long after, int limit,
                      long long **ids, size_t *n, long long *total);

/* offer_db_photos: the photos of offer id, by id: *rows (malloc'ed,
 * free(); NULL when none), *n. */
enum rc offer_db_photos(struct db *db, long long id,
                        struct offer_photo_row **rows, size_t *n);

/* offer_db_photo_add: a photo of offer id; width, height 0: unknown. */
enum rc offer_db_photo_add(struct db *db, long long id, const char *type,
                           int width, int height, const void *bytes,
                           size_t len, long long *photo);

/* offer_db_photo_get: photo of offer id: its type into type, its bytes
 * in a new buffer *bytes (free()) of *len bytes. RC_NOTFOUND. */
enum rc offer_db_photo_get(struct db *db, long long id, long long photo,
                           char *type, size_t tsize, void **bytes,
                           size_t *len);

/* offer_db_photo_delete: photo of offer id. RC_NOTFOUND when none. */
enum rc offer_db_photo_delete(struct db *db, long long id, long long photo);

#endif
