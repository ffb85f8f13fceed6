/*
 * backup.c: online backup, check and restore of a database (see
 * backup.h). The copy is SQLite's online backup API; the rest is file
 * handling done in the order that keeps every step crash-safe: write a
 * temporary file, check it, fsync it, rename it over the target, fsync
 * the folder.
 */
#include "backup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util/log.h"
#include "db.h"

#define STEP_PAGES 1024 /* pages per backup step: 4 MiB of 4 KiB pages */
#define BUSY_TRIES 500  /* steps refused by a lock, 10 ms apart */

/* SQLite's POSIX lock bytes (os_unix.c): a process that has the file
 * open through SQLite holds a lock in this range. */
#define LOCK_FIRST 0x40000000L
#define LOCK_SIZE 512L

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say(char *err, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(char *err, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, size, fmt, ap);
    va_end(ap);
}

/* sibling: path with a suffix ("x.db" -> "x.db.tmp"); 0, or -1 when it
 * does not fit. */
static int sibling(char *out, size_t size, const char *path,
                   const char *suffix)
{
    int n = snprintf(out, size, "%s%s", path, suffix);

    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* remove_db: remove a database file and what SQLite may have left beside
 * it. Only for our own temporary files. */
static void remove_db(const char *path)
{
    static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
    char p[PATH_MAX];
    size_t i;

    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
        if (sibling(p, sizeof p, path, suffixes[i]) == 0) unlink(p);
}

/* sync_path: fsync a file or a folder; 0, or -1 with errno. */
static int sync_path(const char *path, int folder)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | (folder ? O_DIRECTORY : 0));
    int r, e;

    if (fd < 0) return -1;
    r = fsync(fd);
    e = errno;
    close(fd);
    errno = e;
    return r;
}

/* sync_folder_of: fsync the folder that holds path, so that a rename in
 * it survives a power cut. */
static int sync_folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];

    if (!slash) return sync_path(".", 1);
    if (slash == path) return sync_path("/", 1);
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    return sync_path(dir, 1);
}

/* same_file: do a and b name the same existing file? */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* what: the reason an SQLite error code gives, in words. */
static const char *what(int src)
{
    switch (src & 0xff) {
    case SQLITE_NOTADB: return "not an SQLite database";
    case SQLITE_CORRUPT: return "damaged (SQLite reports corruption)";
    case SQLITE_CANTOPEN: return "cannot be opened";
    case SQLITE_IOERR: return "cannot be read (I/O error)";
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return "locked";
    default: return sqlite3_errstr(src);
    }
}

/* identify: the schema version of the essaim database at path, from a
 * read-only connection without the extensions (a stranger file must not
 * reach the search module). name is the file's name in messages. */
static enum rc identify(const char *path, const char *name, int *version,
                        char *err, size_t size)
{
    static const char sql[] =
        "SELECT (SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
        "  AND name IN ('cooperative', 'entrepreneur')),"
        " (SELECT user_version FROM pragma_user_version)";
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    struct stat sb;
    int src, tables = 0;
    enum rc rc = RC_OK;

    *version = 0;
    if (stat(path, &sb) != 0) {
        say(err, size, "cannot read %s: %s", name, strerror(errno));
        return RC_DB;
    }
    if (!S_ISREG(sb.st_mode)) {
        say(err, size, "%s is not a regular file", name);
        return RC_INVALID;
    }
    if (sb.st_size == 0) {
        say(err, size, "%s is empty: not an essaim database", name);
        return RC_INVALID;
    }
    src = sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
    if (src == SQLITE_OK) {
        src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
            tables = sqlite3_column_int(st, 0);
            *version = sqlite3_column_int(st, 1);
            src = SQLITE_OK;
        }
    }
    if (src != SQLITE_OK) {
        say(err, size, "%s is %s", name, what(src));
        rc = (src & 0xff) == SQLITE_NOTADB || (src & 0xff) == SQLITE_CORRUPT
                 ? RC_INVALID
                 : RC_DB;
    } else if (tables != 2 || *version < 1) {
        say(err, size, "%s is an SQLite database, not an essaim one", name);
        rc = RC_INVALID;
    } else if (*version > db_schema_version()) {
        say(err, size,
            "%s has schema version %d, newer than this program's %d: use"
            " a newer essaim",
            name, *version, db_schema_version());
        rc = RC_INVALID;
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return rc;
}

/* integrity: PRAGMA integrity_check through db_open (read-only, with the
 * extensions every essaim connection has). */
static enum rc integrity(const char *path, const char *name, char *err,
                         size_t size)
{
    struct db_opts o = {5000, "FULL", 1, 0};
    struct db *db = NULL;
    sqlite3_stmt *st = NULL;
    int src, bad = 0;
    size_t len = 0;

    if (db_open(path, &o, &db) != RC_OK) {
        say(err, size, "%s cannot be opened as an essaim database", name);
        return RC_INVALID;
    }
    src = sqlite3_prepare_v2(db_handle(db), "PRAGMA integrity_check(10)", -1,
                             &st, NULL);
    if (src == SQLITE_OK)
        while ((src = sqlite3_step(st)) == SQLITE_ROW) {
            const char *line = db_text(st, 0);

            if (!strcmp(line, "ok")) continue;
            if (!bad)
                len = (size_t)snprintf(err, size,
                                       "%s fails the integrity check:", name);
            bad++;
            if (len < size)
                len += (size_t)snprintf(err + len, size - len, " %s;", line);
        }
    if (src != SQLITE_DONE && !bad) {
        say(err, size, "%s is %s", name, what(src));
        bad = 1;
    }
    sqlite3_finalize(st);
    db_close(db);
    return bad ? RC_INVALID : RC_OK;
}

static enum rc check(const char *path, const char *name, int *version,
                     char *err, size_t size)
{
    enum rc rc = identify(path, name, version, err, size);

    return rc == RC_OK ? integrity(path, name, err, size) : rc;
}

enum rc backup_check(const char *path, int *version, char *err,
                     size_t errsize)
{
    return check(path, path, version, err, errsize);
}

/* copy: the whole database src (an open connection to the file named
 * name) into the new file dst, by steps in one read transaction of src: one snapshot. The copy
 * is a scratch file: no journal, no sync (the caller fsyncs it once). */
static enum rc copy(sqlite3 *src, const char *name, const char *dst,
                    backup_progress_fn progress, void *arg, long *pages,
                    char *err, size_t size)
{
    sqlite3 *h = NULL;
    sqlite3_backup *b = NULL;
    int s, tries = 0;

    *pages = 0;
    s = sqlite3_exec(src, "BEGIN; SELECT count(*) FROM sqlite_schema", NULL,
                     NULL, NULL);
    if (s != SQLITE_OK) {
        say(err, size, "%s is %s", name, what(s));
        goto out;
    }
    s = sqlite3_open_v2(dst, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL);
    if (s == SQLITE_OK)
        s = sqlite3_exec(h, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF",
                         NULL, NULL, NULL);
    if (s != SQLITE_OK) {
        say(err, size, "cannot create %s: %s", dst,
            h ? sqlite3_errmsg(h) : "out of memory");
        goto out;
    }
    b = sqlite3_backup_init(h, "main", src, "main");
    if (!b) {
        s = sqlite3_errcode(h);
        say(err, size, "cannot start the copy: %s", sqlite3_errmsg(h));
        goto out;
    }
    for (;;) {
        s = sqlite3_backup_step(b, STEP_PAGES);
        if (progress && (s == SQLITE_OK || s == SQLITE_DONE))
            progress(sqlite3_backup_pagecount(b) - sqlite3_backup_remaining(b),
                     sqlite3_backup_pagecount(b), arg);
        if (s == SQLITE_OK) continue;
        if ((s == SQLITE_BUSY || s == SQLITE_LOCKED) && ++tries < BUSY_TRIES) {
            sqlite3_sleep(10);
            continue;
        }
        break;
    }
    *pages = sqlite3_backup_pagecount(b);
    sqlite3_backup_finish(b);
    if (s != SQLITE_DONE) {
        say(err, size, "the copy stopped: %s",
            (s & 0xff) == SQLITE_FULL ? "the disk is full" : what(s));
        goto out;
    }
    /* A single file, openable read-only anywhere: out of WAL (the header
     * came from a WAL source); db_open turns WAL back on when it is
     * opened for writing. */
    s = sqlite3_exec(h, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    if (s != SQLITE_OK)
        say(err, size, "cannot finish %s: %s", dst, sqlite3_errmsg(h));
out:
    sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
    if (h && sqlite3_close(h) != SQLITE_OK && s == SQLITE_OK) {
        say(err, size, "cannot close %s", dst);
        s = SQLITE_IOERR;
    }
    if (s == SQLITE_OK) return RC_OK;
    return (s & 0xff) == SQLITE_NOTADB || (s & 0xff) == SQLITE_CORRUPT
               ? RC_INVALID
               : RC_DB;
}

/* install: fsync tmp and rename it to path, then fsync the folder (so
 * that the rename survives a power cut). */
static enum rc install(const char *tmp, const char *path, char *err,
                       size_t size)
{
    if (sync_path(tmp, 0) != 0) {
        say(err, size, "cannot write %s to disk: %s", tmp, strerror(errno));
        return RC_DB;
    }
    if (rename(tmp, path) != 0) {
        say(err, size, "cannot rename %s to %s: %s", tmp, path,
            strerror(errno));
        return RC_DB;
    }
    /* Done: the rename stands. A folder that cannot be synced only
     * leaves it to the next write-back of the file system. */
    if (sync_folder_of(path) != 0)
        log_warn("cannot sync the folder of %s: %s", path, strerror(errno));
    return RC_OK;
}

enum rc backup_run(const char *db, const char *file,
                   backup_progress_fn progress, void *arg,
                   struct backup_stats *st, char *err, size_t errsize)
{
    char tmp[PATH_MAX], label[PATH_MAX + 32];
    long t0 = now_ms();
    sqlite3 *src = NULL;
    struct stat sb;
    enum rc rc;

    memset(st, 0, sizeof *st);
    *err = 0;
    if (stat(db, &sb) != 0) {
        say(err, errsize, "no database at %s: %s", db, strerror(errno));
        return RC_NOTFOUND;
    }
    if (same_file(db, file)) {
        say(err, errsize, "%s is the database itself", file);
        return RC_INVALID;
    }
    if (sibling(tmp, sizeof tmp, file, ".tmp") != 0) {
        say(err, errsize, "%s: the name is too long", file);
        return RC_INVALID;
    }
    remove_db(tmp);
    /* Read-write without create: the reader may have to use or rebuild
     * the WAL index; it writes nothing else. */
    if (sqlite3_open_v2(db, &src, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        say(err, errsize, "cannot open %s: %s", db,
            src ? sqlite3_errmsg(src) : "out of memory");
        sqlite3_close(src);
        return RC_DB;
    }
    sqlite3_busy_timeout(src, 5000);
    rc = copy(src, db, tmp, progress, arg, &st->pages, err, errsize);
    sqlite3_close(src);
    st->copy_ms = now_ms() - t0;
    snprintf(label, sizeof label, "the copy of %s", db);
    if (rc == RC_OK) rc = check(tmp, label, &st->version, err, errsize);
    st->check_ms = now_ms() - t0 - st->copy_ms;
    if (rc == RC_OK) rc = install(tmp, file, err, errsize);
    if (rc != RC_OK) {
        remove_db(tmp);
        return rc;
    }
    if (stat(file, &sb) == 0) st->bytes = (long long)sb.st_size;
    st->ms = now_ms() - t0;
    return RC_OK;
}

/* locked_by_other_process: does another process hold one of SQLite's
 * locks on path? (POSIX locks do not show a process its own.) */
static int locked_by_other_process(const char *path)
{
    struct flock fl;
    int fd = open(path, O_RDONLY | O_CLOEXEC), r;

    if (fd < 0) return 0;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = LOCK_FIRST;
    fl.l_len = LOCK_SIZE;
    r = fcntl(fd, F_GETLK, &fl);
    close(fd);
    return r == 0 && fl.l_type != F_UNLCK;
}

/* in_use: does another connection hold the database at path? An
 * exclusive lock is tried without waiting: in WAL mode every open
 * connection (each server thread, the outbox) holds a shared lock as
 * long as it is open, so the attempt fails while a server runs, in this
 * process or another. When SQLite cannot read the file (a damaged
 * database), the POSIX locks are probed directly. On success the
 * connection closes as the last one: SQLite checkpoints and removes the
 * WAL. */
static int in_use(const char *path)
{
    sqlite3 *h = NULL;
    int s;

    s = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL);
    if (s == SQLITE_OK)
        s = sqlite3_exec(h,
                         "PRAGMA locking_mode=EXCLUSIVE;"
                         " BEGIN EXCLUSIVE; SELECT count(*) FROM sqlite_schema;"
                         " COMMIT",
                         NULL, NULL, NULL);
    sqlite3_close(h);
    if ((s & 0xff) == SQLITE_BUSY || (s & 0xff) == SQLITE_LOCKED) return 1;
    if (s != SQLITE_OK) return locked_by_other_process(path);
    return 0;
}

enum rc backup_restore(const char *file, const char *db,
                       struct backup_stats *st, char *err, size_t errsize)
{
    char tmp[PATH_MAX], wal[PATH_MAX], shm[PATH_MAX];
    long t0 = now_ms();
    sqlite3 *src = NULL;
    struct stat sb;
    enum rc rc;

    memset(st, 0, sizeof *st);
    *err = 0;
    if (sibling(tmp, sizeof tmp, db, ".tmp") != 0 ||
        sibling(wal, sizeof wal, db, "-wal") != 0 ||
        sibling(shm, sizeof shm, db, "-shm") != 0) {
        say(err, errsize, "%s: the name is too long", db);
        return RC_INVALID;
    }
    rc = check(file, file, &st->version, err, errsize);
    st->check_ms = now_ms() - t0;
    if (rc != RC_OK) return rc;
    if (same_file(db, file)) {
        say(err, errsize, "%s is the database itself", file);
        return RC_INVALID;
    }
    remove_db(tmp);
    if (sqlite3_open_v2(file, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        say(err, errsize, "cannot open %s", file);
        sqlite3_close(src);
        return RC_DB;
    }
    rc = copy(src, file, tmp, NULL, NULL, &st->pages, err, errsize);
    sqlite3_close(src);
    st->copy_ms = now_ms() - t0 - st->check_ms;
    /* Checked last, just before the rename, to keep the moment a server
     * could start unseen short. */
    if (rc == RC_OK && stat(db, &sb) == 0 && in_use(db)) {
        say(err, errsize,
            "%s is in use (a server runs on it?): stop it, then restore",
            db);
        rc = RC_BUSY;
    }
    /* The old database's WAL and WAL index must not outlive it: a WAL
     * replayed over another file would damage it. Removed before the
     * rename, so that no moment has the new file beside the old WAL. */
    if (rc == RC_OK && ((unlink(wal) != 0 && errno != ENOENT) ||
                        (unlink(shm) != 0 && errno != ENOENT))) {
        say(err, errsize, "cannot remove the old %s or %s: %s", wal, shm,
            strerror(errno));
        rc = RC_DB;
    }
    if (rc == RC_OK) rc = install(tmp, db, err, errsize);
    if (rc != RC_OK) {
        remove_db(tmp);
        return rc;
    }
    if (stat(db, &sb) == 0) st->bytes = (long long)sb.st_size;
    st->ms = now_ms() - t0;
    return RC_OK;
}
