/*
 * db.c: connection, pragmas, migrations, statement cache and transactions
 * (see db.h). The schema itself is in db_schema.c.
 */
#include "db.h"

#include <pthread.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/log.h"
#include "../util/viewer.h"
#include "db_schema.h"

#define MAX_EXTENSIONS 8

struct cached {
    const char *sql;   /* key: address of a static string */
    sqlite3_stmt *st;  /* prepared statement, persistent */
};

struct db {
    sqlite3 *h;        /* the connection */
    struct cached *tab; /* open-addressing table of cached statements */
    size_t cap;        /* slots in tab, a power of two */
    size_t used;       /* slots in use */
    int depth;         /* transaction nesting: 0 outside any */
    int doomed;        /* an inner level rolled back: commit must not */
    long long seq;     /* change number handed out last in this
                          transaction, 0 before the first */
};

static db_extension_fn extensions[MAX_EXTENSIONS];
static int nextensions;
static db_precommit_fn precommits[MAX_EXTENSIONS];
static int nprecommits;

void db_add_precommit(db_precommit_fn fn)
{
    int i;

    for (i = 0; i < nprecommits; i++)
        if (precommits[i] == fn) return;
    if (nprecommits < MAX_EXTENSIONS) precommits[nprecommits++] = fn;
}

void db_add_extension(db_extension_fn fn)
{
    int i;

    for (i = 0; i < nextensions; i++)
        if (extensions[i] == fn) return;
    if (nextensions < MAX_EXTENSIONS) extensions[nextensions++] = fn;
}

fts5_api *db_fts5(sqlite3 *h)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(h, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

sqlite3 *db_handle(struct db *db)
{
    return db->h;
}

enum rc db_rc(struct db *db, int src)
{
    switch (src & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW: return RC_OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        log_warn("sqlite busy: %s", sqlite3_errmsg(db->h));
        return RC_BUSY;
    case SQLITE_CONSTRAINT: return RC_CONFLICT;
    case SQLITE_NOMEM: return RC_NOMEM;
    default:
        log_error("sqlite error %d: %s", src, sqlite3_errmsg(db->h));
        return RC_DB;
    }
}

/* run: step a statement of the cache once (transaction control: parsed
 * once per connection, not at every request). */
static enum rc run(struct db *db, const char *sql)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int src;

    if (!st) return RC_DB;
    src = sqlite3_step(st);
    sqlite3_reset(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

static const char sql_begin_write[] = "BEGIN IMMEDIATE";
static const char sql_begin_read[] = "BEGIN";
static const char sql_commit[] = "COMMIT";
static const char sql_rollback[] = "ROLLBACK";

enum rc db_exec(struct db *db, const char *sql)
{
    char *err = NULL;
    int src = sqlite3_exec(db->h, sql, NULL, NULL, &err);

    if (src != SQLITE_OK) {
        log_error("sqlite exec: %s", err ? err : sqlite3_errstr(src));
        sqlite3_free(err);
        return (src & 0xff) == SQLITE_BUSY ? RC_BUSY : RC_DB;
    }
    return RC_OK;
}

static size_t slot_of(const struct db *db, const char *sql)
{
    uintptr_t k = (uintptr_t)sql;

    k ^= k >> 17;
    k *= 0x9E3779B97F4A7C15u;
    return (size_t)(k >> 7) & (db->cap - 1);
}

/* cache_grow: double the table; 0 on success. */
static int cache_grow(struct db *db)
{
    size_t cap = db->cap ? db->cap * 2 : 128, i, old = db->cap;
    struct cached *tab = calloc(cap, sizeof *tab), *prev = db->tab;

    if (!tab) return -1;
    db->tab = tab;
    db->cap = cap;
    for (i = 0; i < old; i++) {
        size_t j;

        if (!prev[i].sql) continue;
        for (j = slot_of(db, prev[i].sql); tab[j].sql; j = (j + 1) & (cap - 1))
            ;
        tab[j] = prev[i];
    }
    free(prev);
    return 0;
}

sqlite3_stmt *db_stmt(struct db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    size_t i;
    int src;

    if (db->cap) {
        for (i = slot_of(db, sql); db->tab[i].sql; i = (i + 1) & (db->cap - 1))
            if (db->tab[i].sql == sql) {
                sqlite3_reset(db->tab[i].st);
                return db->tab[i].st;
            }
    }
    if ((db->used + 1) * 2 > db->cap && cache_grow(db)) return NULL;
    src = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
                             NULL);
    if (src != SQLITE_OK) {
        log_error("sqlite prepare: %s in: %.200s", sqlite3_errmsg(db->h), sql);
        sqlite3_finalize(st);
        return NULL;
    }
    for (i = slot_of(db, sql); db->tab[i].sql; i = (i + 1) & (db->cap - 1))
        ;
    db->tab[i].sql = sql;
    db->tab[i].st = st;
    db->used++;
    return st;
}

void db_stmt_done(sqlite3_stmt *st)
{
    if (!st) return;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

void db_bind_viewer(sqlite3_stmt *st, const struct viewer *v)
{
    sqlite3_bind_int(st, 90, (int)v->role);
    sqlite3_bind_int64(st, 91, v->cooperative_id);
    sqlite3_bind_int64(st, 92, v->entrepreneur_id);
}

void db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s && *s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

json_t *db_text_json(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL
               ? json_null()
               : json_string(db_text(st, i));
}

const char *db_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t ? (const char *)t : "";
}

void db_text_copy(char *dst, size_t size, sqlite3_stmt *st, int i)
{
    snprintf(dst, size, "%s", db_text(st, i));
}

enum rc db_step_done(struct db *db, sqlite3_stmt *st)
{
    int src = sqlite3_step(st);
    /* The result is read before the reset, which clears the error. */
    enum rc rc = src == SQLITE_DONE ? RC_OK : db_rc(db, src);

    db_stmt_done(st);
    return rc;
}

void db_bind_id(sqlite3_stmt *st, int i, long long id)
{
    if (id)
        sqlite3_bind_int64(st, i, id);
    else
        sqlite3_bind_null(st, i);
}

char *db_text_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t ? strdup((const char *)t) : NULL;
}

static enum rc save_seq(struct db *db);

enum rc db_begin(struct db *db)
{
    enum rc rc = RC_OK;

    if (db->depth == 0) {
        rc = run(db, sql_begin_write);
        db->doomed = 0;
        db->seq = 0;
    }
    if (rc == RC_OK) db->depth++;
    return rc;
}

enum rc db_begin_read(struct db *db)
{
    enum rc rc = RC_OK;

    if (db->depth == 0) {
        rc = run(db, sql_begin_read);
        db->doomed = 0;
        db->seq = 0;
    }
    if (rc == RC_OK) db->depth++;
    return rc;
}

enum rc db_commit(struct db *db)
{
    enum rc rc;
    int i;

    if (db->depth <= 0) return RC_INTERNAL;
    if (db->depth > 1) {
        db->depth--;
        return RC_OK;
    }
    if (db->doomed) {
        db_rollback(db);
        return RC_DB;
    }
    rc = save_seq(db);
    for (i = 0; i < nprecommits && rc == RC_OK; i++) rc = precommits[i](db);
    if (rc != RC_OK) {
        db_rollback(db);
        return rc;
    }
    rc = run(db, sql_commit);
    if (rc != RC_OK) {
        db_rollback(db);
        return rc;
    }
    db->depth = 0;
    return RC_OK;
}

void db_rollback(struct db *db)
{
    if (db->depth <= 0) return;
    db->depth--;
    if (db->depth > 0) {
        db->doomed = 1;
        return;
    }
    db->doomed = 0;
    if (!sqlite3_get_autocommit(db->h)) run(db, sql_rollback);
}

int db_in_transaction(const struct db *db)
{
    return db->depth > 0;
}

enum rc db_next_seq(struct db *db, long long *seq)
{
    static const char sql[] = "SELECT n FROM change_seq";
    sqlite3_stmt *st;
    int src;

    if (db->depth <= 0) return RC_INTERNAL;
    if (!db->seq) {
        /* Read once per transaction (the write lock is held), written
         * back once by db_commit. */
        st = db_stmt(db, sql);
        if (!st) return RC_DB;
        src = sqlite3_step(st);
        if (src == SQLITE_ROW) db->seq = sqlite3_column_int64(st, 0);
        db_stmt_done(st);
        if (src != SQLITE_ROW) return db_rc(db, src);
    }
    *seq = ++db->seq;
    return RC_OK;
}

/* save_seq: write the last change number handed out back to change_seq. */
static enum rc save_seq(struct db *db)
{
    static const char sql[] = "UPDATE change_seq SET n = ?1";
    sqlite3_stmt *st;
    int src;

    if (!db->seq) return RC_OK;
    st = db_stmt(db, sql);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, db->seq);
    src = sqlite3_step(st);
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

enum rc db_checkpoint_truncate(struct db *db)
{
    int src = sqlite3_wal_checkpoint_v2(db->h, NULL, SQLITE_CHECKPOINT_TRUNCATE,
                                        NULL, NULL);

    return db_rc(db, src);
}

/* migrate: apply every migration above the file's user_version, each in
 * its own transaction with the version bump. */
static enum rc migrate(struct db *db)
{
    sqlite3_stmt *st = NULL;
    int version = 0, target = db_schema_version(), v;
    enum rc rc = RC_OK;

    if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version > target) {
        log_error("database schema version %d is newer than this program's %d",
                  version, target);
        return RC_DB;
    }
    for (v = version; v < target && rc == RC_OK; v++) {
        char bump[48];

        rc = db_begin(db);
        if (rc != RC_OK) break;
        snprintf(bump, sizeof bump, "PRAGMA user_version=%d", v + 1);
        rc = db_exec(db, db_schema_migration(v));
        if (rc == RC_OK) rc = db_exec(db, bump);
        if (rc == RC_OK)
            rc = db_commit(db);
        else
            db_rollback(db);
        if (rc == RC_OK && version > 0)
            log_info("database migrated to schema version %d", v + 1);
    }
    return rc;
}

/* quiet_memstatus: SQLite counts every allocation under one global
 * mutex unless told not to; nothing here reads the counts, and the two
 * threads of a bulk import spent a tenth of their time on that mutex. */
static void quiet_memstatus(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

enum rc db_open(const char *path, const struct db_opts *opts, struct db **out)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    static const struct db_opts defaults = {5000, "FULL", 0, 16384};
    struct db *db = NULL;
    char pragmas[256];
    enum rc rc = RC_NOMEM;
    int flags, i;

    *out = NULL;
    pthread_once(&once, quiet_memstatus);
    if (!opts) opts = &defaults;
    db = calloc(1, sizeof *db);
    if (!db) goto out;
    flags = opts->readonly ? SQLITE_OPEN_READONLY
                           : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &db->h, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        log_error("cannot open database %s: %s", path,
                  db->h ? sqlite3_errmsg(db->h) : "out of memory");
        rc = RC_DB;
        goto out;
    }
    sqlite3_extended_result_codes(db->h, 1);
    sqlite3_busy_timeout(db->h, opts->busy_timeout_ms > 0
                                    ? opts->busy_timeout_ms
                                    : defaults.busy_timeout_ms);
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
             " PRAGMA synchronous=%s;"
             " PRAGMA temp_store=MEMORY; PRAGMA cache_size=-%d;"
             " PRAGMA mmap_size=17179869184;",
             opts->synchronous && !strcmp(opts->synchronous, "NORMAL")
                 ? "NORMAL"
                 : "FULL",
             opts->cache_kib > 0 ? opts->cache_kib : defaults.cache_kib);
    if (!opts->readonly && strcmp(path, ":memory:") != 0) {
        rc = db_exec(db, "PRAGMA journal_mode=WAL");
        if (rc != RC_OK) goto out;
    }
    rc = db_exec(db, pragmas);
    if (rc != RC_OK) goto out;
    for (i = 0; i < nextensions; i++)
        if (extensions[i](db->h) != SQLITE_OK) {
            log_error("cannot register an extension: %s",
                      sqlite3_errmsg(db->h));
            rc = RC_DB;
            goto out;
        }
    if (!opts->readonly) {
        rc = migrate(db);
        if (rc != RC_OK) goto out;
    }
    *out = db;
    db = NULL;
    rc = RC_OK;
out:
    db_close(db);
    return rc;
}

void db_close(struct db *db)
{
    size_t i;

    if (!db) return;
    for (i = 0; i < db->cap; i++) sqlite3_finalize(db->tab[i].st);
    free(db->tab);
    sqlite3_close(db->h);
    free(db);
}

enum rc db_find_ids(struct db *db, const char *sql, long long a,
                    const char *b, long long *out, int n)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int src, i;

    for (i = 0; i < n; i++) out[i] = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, a);
    if (b) sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
    src = sqlite3_step(st);
    for (i = 0; src == SQLITE_ROW && i < n; i++)
        out[i] = sqlite3_column_int64(st, i);
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

enum rc db_change_ids(struct db *db, const char *sql, long long a,
                      const char *b, int *changed)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    enum rc rc;

    if (changed) *changed = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, a);
    if (b) sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
    rc = db_step_done(db, st);
    if (rc == RC_OK && changed) *changed = sqlite3_changes(db->h) > 0;
    return rc;
}
