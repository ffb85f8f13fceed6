/*
 * group_db.h: the storage of groups (group_db.c), for group.c and the
 * tests only: every SQL statement of the module is there.
 *
 * Tables grp and grp_member (store/db_schema.c, migration 6 -> 7). Rows
 * are copied into the structs below (fixed buffers, sized for the
 * longest value the validation lets in); struct group_row owns its
 * description, revenue_split and members: group_row_free(). Functions
 * run in the caller's transaction. Not thread-safe beyond one struct db
 * per thread.
 */
#ifndef ESSAIM_GROUP_DB_H
#define ESSAIM_GROUP_DB_H

#include <jansson.h>
#include <stddef.h>

#include "../directory/dir_person.h"
#include "../store/db.h"

/* A member row: an invitation, then a membership. */
struct group_member {
    long long id;         /* the invitation id */
    struct dir_person p;
    char role[8];         /* admin, member */
    char status[12];      /* invited, accepted, declined, left */
    int later;            /* invited after the group was made */
    long long invited_by; /* entrepreneur id, 0: none */
    char invited_at[24], answered_at[24], left_at[24]; /* "" when none */
    char reason[2048];    /* "" when none */
    char origin[320];     /* a peer's entrepreneur: its instance; "" */
};

struct group_row {
    long long id;
    int kind;                /* enum group_kind */
    char name[512];
    char slug[96];
    char *description;       /* owned; NULL: none */
    long long lead;          /* entrepreneur id, 0: none */
    char liability[12];      /* "" none */
    json_t *revenue_split;   /* owned; NULL: none */
    long long tender_id;     /* 0: none */
    char lot[404];           /* "" none */
    long long created_by;    /* account id, 0: none */
    char created_at[24], updated_at[24];
    long long peer_id;       /* a peer's group (federation), or 0 */
    char origin[320];        /* then its peer's URL; "" else */
    struct group_member *m;  /* owned, by invitation id */
    size_t nm;
};

/* group_row_free: release what g owns (not g itself); keeps g reusable
 * (zeroed). */
void group_row_free(struct group_row *g);

/* group_db_load: group id and its members into g (zeroed first; free
 * with group_row_free even on failure). RC_NOTFOUND. */
enum rc group_db_load(struct db *db, long long id, struct group_row *g);

/* group_db_invitation: the group of invitation (member row) id.
 * RC_NOTFOUND. */
enum rc group_db_invitation(struct db *db, long long id, long long *group);

/* group_db_slug_taken: is slug used by a group other than except? */
enum rc group_db_slug_taken(struct db *db, const char *slug, long long except,
                            int *taken);

/* group_db_tender: does tender id exist (*tender_ok), and if lot is not
 * NULL, is it one of its lots (*lot_ok; 1 when the tenders' storage
 * cannot say)? Tolerates a database without the tender table (then
 * *tender_ok is 0). */
enum rc group_db_tender(struct db *db, long long id, const char *lot,
                        int *tender_ok, int *lot_ok);

/* group_db_insert: a new grp row from g (id, members and dates
 * ignored); *id its id. */
enum rc group_db_insert(struct db *db, const struct group_row *g,
                        long long *id);

/* group_db_update: write g's settings (name, slug, description, lead,
 * liability, revenue_split) and its updated_at. */
enum rc group_db_update(struct db *db, const struct group_row *g);

/* group_db_member_add: a new member row; *id the invitation id. status
 * "accepted" sets answered_at. invited_by 0: none. */
enum rc group_db_member_add(struct db *db, long long group, long long ent,
                            const char *role, const char *status, int later,
                            long long invited_by, long long *id);

/* group_db_member_reinvite: member row id invited again (status invited,
 * a new invited_at, no answer, no reason). */
enum rc group_db_member_reinvite(struct db *db, long long id,
                                 const char *role, long long invited_by);

/* group_db_member_set: member row id to status (accepted, declined:
 * answered_at; left: left_at) with reason (NULL: none). */
enum rc group_db_member_set(struct db *db, long long id, const char *status,
                            const char *reason);

/* group_db_member_role: member row id gets role. */
enum rc group_db_member_role(struct db *db, long long id, const char *role);

/* group_db_notify: an inbox line for entrepreneur ent about group. */
enum rc group_db_notify(struct db *db, long long ent, long long group,
                        const char *kind, const char *text);

/* group_db_mail: an e-mail to every account of entrepreneur ent, in the
 * outbox, tied to group. */
enum rc group_db_mail(struct db *db, long long ent, long long group,
                      const char *subject, const char *body);

/* group_db_mine: the member rows of entrepreneur ent with status invited
 * or accepted, newest first, below invitation id before (0: from the
 * newest), at most limit: *rows [[invitation_id, group_id], ...] (new);
 * *total and *pending (invited) over all of them. */
enum rc group_db_mine(struct db *db, long long ent, long long before,
                      int limit, json_t **rows, long long *total,
                      long long *pending);

/* group_db_remote_find: the local id (0: none) of peer's group
 * remote_id. */
enum rc group_db_remote_find(struct db *db, long long peer,
                             const char *remote_id, long long *id);

/* group_db_remote_put: write peer's group remote_id from g (kind, name,
 * slug, description), made or updated, with a change number, and no
 * member left (the caller adds this version's); *id its local id. */
enum rc group_db_remote_put(struct db *db, long long peer,
                            const char *remote_id, const struct group_row *g,
                            long long *id);

/* group_db_remote_drop: delete peer's group remote_id (its offers and
 * members go with it); *dropped 1 when it was here. */
enum rc group_db_remote_drop(struct db *db, long long peer,
                             const char *remote_id, int *dropped);

#endif
