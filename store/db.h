/*
 * db.h: the SQLite layer: one connection, its pragmas, the schema and its
 * migrations, a statement cache and nestable transactions.
 *
 * A struct db belongs to one thread (CivetWeb gives each worker thread its
 * own, see server/srv.c); it is not thread-safe. SQLite handles the
 * concurrency between connections: WAL, busy_timeout, BEGIN IMMEDIATE for
 * writes. Only store/ and the domain modules' *_db.c files include
 * <sqlite3.h>.
 */
#ifndef ESSAIM_DB_H
#define ESSAIM_DB_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>

#include "../util/rc.h"

struct db;

struct db_opts {
    int busy_timeout_ms;     /* wait this long for a lock (default 5000) */
    const char *synchronous; /* "FULL" (default) or "NORMAL" */
    int readonly;            /* open read-only, skip migrations */
    int cache_kib;           /* page cache of this connection (default
                                16384; bulk writers want more) */
};

/* db_extension_fn: called on every new connection before the schema is
 * applied, to register SQL functions and FTS5 tokenizers. */
typedef int (*db_extension_fn)(sqlite3 *h);

/* db_add_extension: register fn for every connection opened afterwards.
 * Call before any thread opens a database. */
void db_add_extension(db_extension_fn fn);

/* db_precommit_fn: called by the outermost db_commit() just before
 * COMMIT; a failure rolls the transaction back. */
typedef enum rc (*db_precommit_fn)(struct db *db);

/* db_add_precommit: register fn for every transaction committed
 * afterwards. Call before any thread opens a database. (The search index
 * uses it to write a transaction's index changes in one statement: FTS5
 * flushes its pending terms whenever another statement of the
 * transaction opens a statement journal.) */
void db_add_precommit(db_precommit_fn fn);

/* db_fts5: the FTS5 API of a connection (to register tokenizers and
 * auxiliary functions), or NULL. */
fts5_api *db_fts5(sqlite3 *h);

/* db_open: open (creating if needed) the database at path (":memory:"
 * allowed), set the pragmas, run the extensions and bring the schema up
 * to date. opts may be NULL for the defaults. *out is a new connection to
 * release with db_close(). */
enum rc db_open(const char *path, const struct db_opts *opts, struct db **out);

/* db_close: finalize every cached statement and close. NULL is a no-op. */
void db_close(struct db *db);

/* db_handle: the raw connection, for *_db.c files; borrowed. */
sqlite3 *db_handle(struct db *db);

/* db_stmt: the prepared statement for sql, which must be a string with
 * static storage (the cache is keyed by its address). Prepared once per
 * connection, returned reset with no bindings; NULL on a prepare error
 * (logged). Give it back with db_stmt_done(). */
sqlite3_stmt *db_stmt(struct db *db, const char *sql);

/* db_stmt_done: reset st and clear its bindings. NULL is a no-op. */
void db_stmt_done(sqlite3_stmt *st);

/* db_rc: map an SQLite result code to an rc, logging real errors. */
enum rc db_rc(struct db *db, int src);

/* db_exec: run SQL without results (may hold several statements). */
enum rc db_exec(struct db *db, const char *sql);

/* Transactions nest by joining: the outermost db_begin() is BEGIN
 * IMMEDIATE, an inner one joins it. Each db_begin() is closed by exactly
 * one db_commit() or db_rollback(). An inner rollback cannot undo only its
 * own writes, so it dooms the whole transaction: the outermost commit then
 * rolls everything back and returns RC_DB. Callers therefore check their
 * input before their first write (as every module here does), and a bulk
 * import that batches records in one transaction loses the batch, never
 * half a record, when a write fails. (Savepoints would isolate levels, but
 * FTS5 flushes its pending terms at every savepoint: 4x slower imports.) */
enum rc db_begin(struct db *db);
/* db_begin_read: like db_begin, but the outermost level is a deferred
 * BEGIN: a read transaction (one snapshot, one lock for many reads). */
enum rc db_begin_read(struct db *db);
enum rc db_commit(struct db *db);
void db_rollback(struct db *db);
int db_in_transaction(const struct db *db);

/* db_next_seq: the next change number (change_seq), inside the caller's
 * write transaction: every write of a profile takes one, so readers can
 * ask "what changed since N" (the search cache, the federation feed). */
enum rc db_next_seq(struct db *db, long long *seq);

/* db_schema_version: the user_version this program's schema reaches. */
int db_schema_version(void);

/* db_checkpoint_truncate: checkpoint the WAL and truncate it to zero. */
enum rc db_checkpoint_truncate(struct db *db);

/* db_text_dup: a copy of column i as a string (free() it); NULL for SQL
 * NULL or out of memory. */
char *db_text_dup(sqlite3_stmt *st, int i);

/* db_bind_viewer: bind v to the parameters of VIEWER_SQL (viewer.h). */
struct viewer;
void db_bind_viewer(sqlite3_stmt *st, const struct viewer *v);

/* db_text: column i as a borrowed string, "" for SQL NULL; valid until
 * the next step or reset of st. */
const char *db_text(sqlite3_stmt *st, int i);

/* db_text_json: column i as a new JSON string, or JSON null for SQL
 * NULL. */
json_t *db_text_json(sqlite3_stmt *st, int i);

/* db_text_copy: column i into dst (size bytes, cut if longer), "" for
 * SQL NULL. */
void db_text_copy(char *dst, size_t size, sqlite3_stmt *st, int i);

/* db_find_ids: run sql with ?1 = a and, when b is not NULL, ?2 = b; the
 * first row's first n columns, integers, into out[0..n-1] (zeros when
 * there is no row). For "the id of the peer's thing" lookups. */
enum rc db_find_ids(struct db *db, const char *sql, long long a,
                    const char *b, long long *out, int n);

/* db_change_ids: run the write sql with ?1 = a and, when b is not NULL,
 * ?2 = b; *changed (may be NULL) 1 when it changed a row. */
enum rc db_change_ids(struct db *db, const char *sql, long long a,
                      const char *b, int *changed);

/* db_step_done: step st, a statement that returns no row, and give it
 * back (db_stmt_done): RC_OK when it ran to its end. */
enum rc db_step_done(struct db *db, sqlite3_stmt *st);

/* db_bind_text: bind parameter i to a copy of s, or to NULL when s is
 * NULL or empty. */
void db_bind_text(sqlite3_stmt *st, int i, const char *s);

/* db_bind_id: bind parameter i to id, or to NULL when id is 0. */
void db_bind_id(sqlite3_stmt *st, int i, long long id);

#endif
