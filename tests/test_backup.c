/*
 * test_backup.c: store/backup.c (issue 11, part 5). A backup taken while
 * a server writes is one consistent snapshot; restored into a new file it
 * equals the backup table by table and row by row, passes the integrity
 * check and serves a search. Restore refuses what is not a whole essaim
 * database of a known schema, and a database a server holds; a refused
 * restore changes nothing. The commands themselves (exit statuses) are
 * run through the binary next to this test when it is there.
 */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../directory/dir_demo.h"
#include "../store/backup.h"

static struct test_server server;
static char binary[1024]; /* dirname(argv[0])/../essaim */
static atomic_int stopping;

static int setup(void **state)
{
    struct dir_demo_stats st;
    struct db *db = NULL;

    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    test_server_start(&server);
    snprintf(server.token, sizeof server.token, "%s", server.admin);
    /* Demo data, written beside the running server. */
    assert_int_equal(db_open(server.db, NULL, &db), RC_OK);
    assert_int_equal(dir_demo(db, 600, 7, &st), RC_OK);
    db_close(db);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (server.srv) test_server_stop(&server);
    curl_global_cleanup();
    return 0;
}

/* path_in: a file name in the server's temporary folder. */
static void path_in(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", server.dir, name);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static int exists(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0;
}

/* count: SELECT count(*) over a raw connection to path. */
static long count(const char *path, const char *sql)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    long n = -1;

    assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

/* differences: rows of each ordinary table of a (file) missing from b, or
 * present in b and not in a when both_ways: the tables named in only
 * (NULL-terminated), or every one, the search index's shadow tables
 * included. The number of tables compared in *tables. */
static long differences(const char *a, const char *b, int both_ways,
                        const char *const *only, int *tables)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    char att[512];
    long diff = 0;

    *tables = 0;
    assert_int_equal(sqlite3_open_v2(a, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    snprintf(att, sizeof att, "ATTACH '%s' AS b", b);
    assert_int_equal(sqlite3_exec(h, att, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(h,
                           "SELECT name FROM main.sqlite_schema"
                           " WHERE type = 'table' AND sql NOT LIKE"
                           " 'CREATE VIRTUAL%' ORDER BY name",
                           -1, &st, NULL),
        SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        const char *const *o;
        char sql[512];
        sqlite3_stmt *q = NULL;
        long n = 0;

        for (o = only; o && *o && strcmp(*o, t); o++)
            ;
        if (o && !*o) continue;

        snprintf(sql, sizeof sql,
                 "SELECT (SELECT count(*) FROM (SELECT * FROM main.\"%s\""
                 " EXCEPT SELECT * FROM b.\"%s\")),"
                 " (SELECT count(*) FROM (SELECT * FROM b.\"%s\""
                 " EXCEPT SELECT * FROM main.\"%s\"))",
                 t, t, t, t);
        assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &q, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        n = sqlite3_column_int64(q, 0) +
            (both_ways ? sqlite3_column_int64(q, 1) : 0);
        if (n) fprintf(stderr, "table %s: %ld rows differ\n", t, n);
        diff += n;
        sqlite3_finalize(q);
        (*tables)++;
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return diff;
}

/* must: rc is RC_OK, or say why. */
static void must(enum rc rc, const char *err)
{
    if (rc != RC_OK) fprintf(stderr, "%s: %s\n", rc_name(rc), err);
    assert_int_equal(rc, RC_OK);
}

/* --------------------------------------------- backup while writing */

struct writes {
    long acked; /* profiles created */
};

static void *writer(void *arg)
{
    struct writes *w = arg;
    char body[512];
    long n = 0;

    while (!atomic_load(&stopping)) {
        struct test_reply r;

        snprintf(body, sizeof body,
                 "{\"cooperative_id\":\"1\",\"display_name\":\"Écrit"
                 " pendant la sauvegarde %ld\",\"location\":{\"insee\":"
                 "\"75056\"},\"visibility\":\"public\"}",
                 ++n);
        /* No cmocka asserts off the main thread: test_http_full asserts
         * only on a transport failure, which cannot happen here. */
        test_http(&server, "POST", "/api/v1/entrepreneurs", body, NULL, &r);
        if (r.status == 201) w->acked++;
        test_reply_free(&r);
    }
    return NULL;
}

/* serve_on: a second server, on the database at path. */
static void serve_on(struct test_server *t, const char *path)
{
    memset(t, 0, sizeof *t);
    snprintf(t->db, sizeof t->db, "%s", path);
    t->cfg = server.cfg;
    t->cfg.db = t->db;
    assert_int_equal(srv_start(&t->cfg, &t->srv), RC_OK);
    snprintf(t->base, sizeof t->base, "http://127.0.0.1:%d",
             srv_port(t->srv));
}

static long search_total(const struct test_server *t, const char *q)
{
    json_t *out = NULL;
    char path[256];
    long total;

    snprintf(path, sizeof path, "/api/v1/search?q=%s&limit=5", q);
    assert_int_equal(test_call(t, NULL, "GET", path, NULL, &out), 200);
    total = (long)json_integer_value(json_object_get(out, "total"));
    assert_true(json_array_size(json_object_get(out, "results")) > 0);
    json_decref(out);
    return total;
}

static void backup_while_writing(void **state)
{
    static const char *const appended[] = {
        "cooperative", "entrepreneur", "entrepreneur_trade", "account",
        "commune",     "trade",        "time_transfer",      "time_movement",
        NULL};
    char file[160], restored[160], tmp[180], err[1024];
    struct backup_stats st, rst;
    struct test_server other;
    struct writes w = {0};
    pthread_t th;
    long before, after, in_backup;
    int tables, version = 0;

    (void)state;
    path_in(file, sizeof file, "backup.db");
    path_in(restored, sizeof restored, "restored.db");
    snprintf(tmp, sizeof tmp, "%s.tmp", file);
    before = count(server.db, "SELECT count(*) FROM entrepreneur");
    atomic_store(&stopping, 0);
    assert_int_equal(pthread_create(&th, NULL, writer, &w), 0);
    while (count(server.db, "SELECT count(*) FROM entrepreneur") < before + 5)
        usleep(2000);
    must(backup_run(server.db, file, NULL, NULL, &st, err, sizeof err), err);
    usleep(50000); /* and more writes after it */
    atomic_store(&stopping, 1);
    pthread_join(th, NULL);
    after = count(server.db, "SELECT count(*) FROM entrepreneur");
    in_backup = count(file, "SELECT count(*) FROM entrepreneur");
    printf("backup while writing: %ld pages, %lld bytes, %ld ms; profiles:"
           " %ld before, %ld in the backup, %ld after (%ld written)\n",
           st.pages, st.bytes, st.ms, before, in_backup, after, w.acked);
    assert_true(w.acked > 5);
    assert_true(in_backup > before && in_backup < after);
    assert_int_equal(st.version, db_schema_version());
    assert_true(st.pages > 0 && st.bytes == st.pages * 4096LL);
    assert_false(exists(tmp));
    /* One snapshot: every row of the main tables of the backup is in the
     * live database as it is (the writer only adds), and the profiles
     * and their index entries agree. */
    assert_int_equal(differences(file, server.db, 0, appended, &tables), 0);
    assert_int_equal(tables, 8);
    assert_int_equal(count(file, "SELECT count(*) FROM entrepreneur e"
                                 " WHERE NOT EXISTS (SELECT 1 FROM"
                                 " search_fts_docsize WHERE id = e.id * 4)"),
                     0);
    assert_int_equal(count(file, "SELECT count(*) FROM search_fts_docsize"
                                 " WHERE id % 4 = 0"),
                     in_backup);
    assert_int_equal(backup_check(file, &version, err, sizeof err), RC_OK);
    assert_int_equal(version, db_schema_version());

    /* Restored into a new file: the same, table by table. */
    must(backup_restore(file, restored, &rst, err, sizeof err), err);
    assert_int_equal(differences(file, restored, 1, NULL, &tables), 0);
    assert_true(tables > 30);
    assert_int_equal(count(restored, "SELECT count(*) FROM entrepreneur"),
                     in_backup);
    assert_int_equal(count(restored, "SELECT count(*) FROM time_movement"),
                     count(file, "SELECT count(*) FROM time_movement"));
    assert_int_equal(backup_check(restored, &version, err, sizeof err),
                     RC_OK);
    /* It serves: the same search answers on both servers (the writer's
     * profiles have no trade). */
    serve_on(&other, restored);
    assert_int_equal(search_total(&other, "plombier"),
                     search_total(&server, "plombier"));
    assert_true(search_total(&other, "plombier") > 0);
    srv_stop(other.srv);
}

/* ------------------------------------------------------------ refusals */

/* copy_file: cp a b. */
static void copy_file(const char *a, const char *b)
{
    char buf[65536];
    FILE *in = fopen(a, "rb"), *out = fopen(b, "wb");
    size_t n;

    assert_non_null(in);
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* refused: restoring file onto target is refused with rc and a message
 * holding words; target and its folder are left as they were. */
static void refused(const char *file, const char *target, enum rc want,
                    const char *words)
{
    struct backup_stats st;
    char err[1024], tmp[200];
    long n = count(target, "SELECT count(*) FROM entrepreneur");
    enum rc rc = backup_restore(file, target, &st, err, sizeof err);

    if (rc != want || !strstr(err, words))
        fprintf(stderr, "restore %s: %s (%s)\n", file, err, rc_name(rc));
    assert_int_equal(rc, want);
    assert_non_null(strstr(err, words));
    snprintf(tmp, sizeof tmp, "%s.tmp", target);
    assert_false(exists(tmp));
    assert_int_equal(count(target, "SELECT count(*) FROM entrepreneur"), n);
}

/* set_version: PRAGMA user_version of the file at path. */
static void set_version(const char *path, int v)
{
    char sql[64];
    sqlite3 *h = NULL;

    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d", v);
    assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

static void restore_refusals(void **state)
{
    char good[160], target[160], bad[160], err[1024], wal[200];
    struct backup_stats st;
    sqlite3 *h = NULL;
    long root;
    FILE *f;

    (void)state;
    path_in(good, sizeof good, "good.db");
    path_in(target, sizeof target, "target.db");
    path_in(bad, sizeof bad, "bad.db");
    must(backup_run(server.db, good, NULL, NULL, &st, err, sizeof err), err);
    copy_file(good, target);

    write_file(bad, "plombier, Lyon\n", 15);
    refused(bad, target, RC_INVALID, "not an SQLite database");
    write_file(bad, "", 0);
    refused(bad, target, RC_INVALID, "empty");
    refused("/nonexistent/backup.db", target, RC_DB, "cannot read");
    unlink(bad);
    assert_int_equal(sqlite3_open(bad, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "CREATE TABLE notes(t)", NULL, NULL,
                                  NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    refused(bad, target, RC_INVALID, "not an essaim one");

    /* A schema from a newer program; none at all. */
    copy_file(good, bad);
    set_version(bad, db_schema_version() + 1);
    refused(bad, target, RC_INVALID, "newer than this program's");
    set_version(bad, 0);
    refused(bad, target, RC_INVALID, "not an essaim one");

    /* Damaged: the first page of the profiles' table overwritten. */
    copy_file(good, bad);
    root = count(bad, "SELECT rootpage FROM sqlite_schema"
                      " WHERE name = 'entrepreneur'");
    assert_true(root > 1);
    f = fopen(bad, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, (root - 1) * 4096 + 8, SEEK_SET), 0);
    assert_int_equal(fwrite("\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f", 1, 10,
                            f),
                     10);
    assert_int_equal(fclose(f), 0);
    refused(bad, target, RC_INVALID, "fails the integrity check");
    assert_int_equal(backup_check(bad, &(int){0}, err, sizeof err),
                     RC_INVALID);

    /* A database the server holds; the backup itself. */
    refused(good, server.db, RC_BUSY, "in use");
    refused(good, good, RC_INVALID, "the database itself");
    assert_int_equal(backup_run(server.db, server.db, NULL, NULL, &st, err,
                                sizeof err),
                     RC_INVALID);
    assert_int_equal(backup_run("/nonexistent/x.db", good, NULL, NULL, &st,
                                err, sizeof err),
                     RC_NOTFOUND);

    /* A stale WAL beside the target (a server killed there) is not
     * replayed over the restored file. */
    write_file(bad, "", 0);
    snprintf(wal, sizeof wal, "%s-wal", target);
    {
        struct db *db = NULL;
        char *data = NULL;
        long len;

        assert_int_equal(db_open(target, NULL, &db), RC_OK);
        assert_int_equal(db_exec(db, "PRAGMA wal_autocheckpoint=0;"
                                     " DELETE FROM entrepreneur_trade;"),
                         RC_OK);
        f = fopen(wal, "rb");
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        len = ftell(f);
        rewind(f);
        data = malloc((size_t)len);
        assert_int_equal(fread(data, 1, (size_t)len, f), (size_t)len);
        fclose(f);
        db_close(db); /* checkpoints and removes the WAL */
        write_file(wal, data, (size_t)len);
        free(data);
    }
    must(backup_restore(good, target, &st, err, sizeof err), err);
    assert_false(exists(wal));
    assert_true(count(target, "SELECT count(*) FROM entrepreneur_trade") >
                0);
    assert_int_equal(differences(good, target, 1, NULL, &(int){0}), 0);
}

/* ----------------------------------------------------------- commands */

/* run: the binary with arguments through the shell; its exit status. */
static int run(const char *args)
{
    char cmd[1024];
    int status;

    snprintf(cmd, sizeof cmd, "%s %s >/dev/null 2>&1", binary, args);
    status = system(cmd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void commands(void **state)
{
    char file[160], target[160], args[512];

    (void)state;
    if (access(binary, X_OK) != 0) {
        fprintf(stderr, "skipped: no essaim binary at %s\n", binary);
        skip();
    }
    path_in(file, sizeof file, "cli.db");
    path_in(target, sizeof target, "cli-target.db");
    snprintf(args, sizeof args, "backup %s --db %s", file, server.db);
    assert_int_equal(run(args), 0);
    snprintf(args, sizeof args, "restore %s --db %s", file, target);
    assert_int_equal(run(args), 0);
    assert_int_equal(differences(file, target, 1, NULL, &(int){0}), 0);
    /* Another process holds the server's database: status 3. */
    snprintf(args, sizeof args, "restore %s --db %s", file, server.db);
    assert_int_equal(run(args), 3);
    snprintf(args, sizeof args, "restore %s --db %s", server.cfg.public_dir,
             target);
    assert_int_equal(run(args), 1);
    snprintf(args, sizeof args, "backup --db %s", server.db);
    assert_int_equal(run(args), 2);
    assert_int_equal(run("--help | grep -q 'essaim restore FILE'"), 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(backup_while_writing),
        cmocka_unit_test(restore_refusals),
        cmocka_unit_test(commands),
    };
    const char *slash = strrchr(argv[0], '/');

    (void)argc;
    if (slash)
        snprintf(binary, sizeof binary, "%.*s/../essaim",
                 (int)(slash - argv[0]), argv[0]);
    else
        snprintf(binary, sizeof binary, "../essaim");
    return cmocka_run_group_tests(tests, setup, teardown);
}
