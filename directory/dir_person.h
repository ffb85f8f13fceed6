/*
 * dir_person.h: a profile of this instance as the other modules name it
 * (a group's member, an offer's owner, a side of a time transfer): its
 * id, cooperative, names and visibility. A profile pulled from a peer
 * instance is not one (federation/fed.h): no group, offer or transfer
 * of this instance can name it. Thread-safe given one struct db per
 * thread.
 */
#ifndef ESSAIM_DIR_PERSON_H
#define ESSAIM_DIR_PERSON_H

#include "../store/db.h"

struct dir_person {
    long long id;
    long long cooperative_id;
    char name[512];        /* display_name */
    char cooperative[832]; /* the cooperative's name */
    char visibility[16];   /* of the profile */
};

/* DIR_PERSON_COLS: the columns dir_person_row reads, in its order, of an
 * entrepreneur e joined to its cooperative c. */
#define DIR_PERSON_COLS                                                      \
    "e.id, e.cooperative_id, e.display_name, c.name, e.visibility"

/* dir_person_get: profile id into *p; RC_NOTFOUND when there is none
 * (or it is a peer's). */
enum rc dir_person_get(struct db *db, long long id, struct dir_person *p);

/* dir_person_row: *p from the columns first .. first + 4 of st
 * (DIR_PERSON_COLS). */
void dir_person_row(sqlite3_stmt *st, int first, struct dir_person *p);

#endif
