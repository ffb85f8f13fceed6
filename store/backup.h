/*
 * backup.h: online backups of an essaim database, their checks, and the
 * restore that puts one back in place.
 *
 * A backup is one consistent snapshot taken while a server writes: the
 * SQLite online backup API, stepped inside one read transaction on the
 * source (in WAL mode a reader never blocks the writers, and a held read
 * transaction keeps every step on the same snapshot, so concurrent
 * commits cannot restart the copy). The copy is written to FILE.tmp,
 * checked (PRAGMA integrity_check), fsynced and renamed to FILE: FILE is
 * either the previous backup or a complete, checked one, never half of
 * one. Restore checks FILE the same way, refuses while another connection
 * (a server) holds the database, and replaces it atomically.
 *
 * These functions open their own connections (call search_init() first
 * so that the checks see the search tokenizer); they are safe to call
 * while a server runs on the database, from any one thread.
 */
#ifndef ESSAIM_BACKUP_H
#define ESSAIM_BACKUP_H

#include <stddef.h>

#include "../util/rc.h"

struct backup_stats {
    long pages;        /* pages copied */
    long long bytes;   /* size of the copy */
    int version;       /* its schema version (user_version) */
    long ms;           /* time taken, milliseconds */
    long copy_ms;      /* of which the copy */
    long check_ms;     /* and the integrity check */
};

/* backup_progress_fn: called after each step with the pages copied so
 * far and the total of the snapshot. */
typedef void (*backup_progress_fn)(long done, long total, void *arg);

/* backup_check: is path an essaim database this program can open (schema
 * version 1..db_schema_version()) that passes PRAGMA integrity_check?
 * RC_OK and *version; otherwise RC_INVALID (not an SQLite or not an
 * essaim database, a newer or unknown schema, integrity errors) or RC_DB
 * (cannot be read), with the reason in err (a full sentence). Opens path
 * read-only: it is never changed. */
enum rc backup_check(const char *path, int *version, char *err,
                     size_t errsize);

/* backup_run: copy the database db into file (online), through file.tmp
 * renamed once checked and synced to disk. progress may be NULL. RC_OK
 * and *st; otherwise an rc with the reason in err; file is then left as
 * it was and file.tmp removed. */
enum rc backup_run(const char *db, const char *file,
                   backup_progress_fn progress, void *arg,
                   struct backup_stats *st, char *err, size_t errsize);

/* backup_restore: replace the database db with the backup file: checks
 * file (backup_check), refuses while another connection holds db
 * (RC_BUSY: a server runs on it), copies file into db.tmp, fsyncs it,
 * removes the stale db-wal and db-shm, renames db.tmp to db and fsyncs
 * the folder. RC_OK and *st; otherwise an rc with the reason in err and
 * db untouched. */
enum rc backup_restore(const char *file, const char *db,
                       struct backup_stats *st, char *err, size_t errsize);

#endif
