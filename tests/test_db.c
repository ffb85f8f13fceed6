/*
 * test_db.c: the SQLite layer: migrations from an empty file, every SQL
 * statement of the program prepared against the schema, the statement
 * cache, nested transactions.
 */
#include "testutil.h"

#include "../federation/fed.h"
#include "../util/viewer.h"

/* The statement lists of each *_db.c file. */
extern const char *const search_place_sql[];
extern const char *const search_trade_sql[];
extern const char *const search_index_sql[];
extern const char *const dir_sql[];
extern const char *const dir_person_sql[];
extern const char *const search_query_sql[];
extern const char *const search_mem_sql[];
extern const char *const search_db_sql[];
extern const char *const dir_audit_sql[];
extern const char *const account_sql[];
extern const char *const request_sql[];
extern const char *const match_sql[];
extern const char *const outbox_sql[];
extern const char *const demand_sql[];
extern const char *const account_demo_sql[];
extern const char *const tender_sql[];
extern const char *const tender_team_sql[];
extern const char *const group_sql[];
extern const char *const group_peer_sql[];
extern const char *const offer_sql[];
extern const char *const catalogue_sql[];
extern const char *const timebank_sql[];
extern const char *const search_item_sql[];
extern const char *const fed_feed_sql[];
extern const char *const fed_pull_sql[];

static const char *const *const all_sql[] = {
    search_place_sql, search_trade_sql, search_index_sql, dir_sql,
    search_query_sql, search_mem_sql,   search_db_sql,    dir_audit_sql,
    account_sql,      request_sql,      match_sql,        outbox_sql,
    demand_sql,       account_demo_sql, tender_sql,       tender_team_sql,
    group_sql,        offer_sql,        catalogue_sql,    timebank_sql,
    search_item_sql,  dir_person_sql,   fed_msg_sql,      fed_feed_sql,
    fed_pull_sql,     group_peer_sql,
};

static int user_version(struct db *db)
{
    sqlite3_stmt *st = NULL;
    int v = -1;

    assert_int_equal(sqlite3_prepare_v2(db_handle(db), "PRAGMA user_version",
                                        -1, &st, NULL),
                     SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void every_statement_prepares(void **state)
{
    struct db *db = test_db_new();
    size_t i, j, n = 0;

    (void)state;
    for (i = 0; i < sizeof all_sql / sizeof all_sql[0]; i++)
        for (j = 0; all_sql[i][j]; j++) {
            sqlite3_stmt *st = db_stmt(db, all_sql[i][j]);

            if (!st) fprintf(stderr, "cannot prepare: %s\n", all_sql[i][j]);
            assert_non_null(st);
            /* Cached: the same statement comes back, reset. */
            assert_ptr_equal(db_stmt(db, all_sql[i][j]), st);
            n++;
        }
    assert_true(n >= 35);
    db_close(db);
}

static void migrates_an_empty_file(void **state)
{
    char dir[] = "/tmp/essaim-db-XXXXXX", path[64], cmd[96];
    struct db *db = NULL;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/new.db", dir);
    assert_int_equal(db_open(path, NULL, &db), RC_OK);
    assert_int_equal(user_version(db), db_schema_version());
    assert_int_equal(db_exec(db, "SELECT count(*) FROM entrepreneur;"
                                 " SELECT count(*) FROM search_fts;"),
                     RC_OK);
    db_close(db);
    /* Opening again applies nothing and keeps the data. */
    assert_int_equal(db_open(path, NULL, &db), RC_OK);
    assert_int_equal(user_version(db), db_schema_version());
    /* A file from a newer program is refused, not damaged. */
    assert_int_equal(db_exec(db, "PRAGMA user_version=999"), RC_OK);
    db_close(db);
    log_set_level(LOG_ERROR + 0);
    assert_int_equal(db_open(path, NULL, &db), RC_DB);
    assert_null(db);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void transactions_nest(void **state)
{
    struct db *db = test_db_new();

    (void)state;
    assert_int_equal(db_exec(db, "CREATE TABLE t(x)"), RC_OK);
    assert_int_equal(db_begin(db), RC_OK);
    assert_true(db_in_transaction(db));
    assert_int_equal(db_exec(db, "INSERT INTO t VALUES(1)"), RC_OK);
    assert_int_equal(db_begin(db), RC_OK); /* joins */
    assert_int_equal(db_exec(db, "INSERT INTO t VALUES(2)"), RC_OK);
    assert_int_equal(db_commit(db), RC_OK);
    assert_true(db_in_transaction(db));
    assert_int_equal(db_commit(db), RC_OK);
    assert_false(db_in_transaction(db));
    assert_int_equal(test_count(db, "SELECT sum(x) FROM t"), 3);
    /* An inner rollback dooms the whole transaction. */
    assert_int_equal(db_begin(db), RC_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t VALUES(10)"), RC_OK);
    assert_int_equal(db_begin(db), RC_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t VALUES(20)"), RC_OK);
    db_rollback(db);
    assert_int_equal(db_commit(db), RC_DB);
    assert_false(db_in_transaction(db));
    assert_int_equal(test_count(db, "SELECT sum(x) FROM t"), 3);
    /* An outer rollback undoes everything; the next one starts clean. */
    assert_int_equal(db_begin(db), RC_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t VALUES(100)"), RC_OK);
    db_rollback(db);
    assert_int_equal(test_count(db, "SELECT sum(x) FROM t"), 3);
    assert_int_equal(db_begin(db), RC_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t VALUES(4)"), RC_OK);
    assert_int_equal(db_commit(db), RC_OK);
    assert_int_equal(test_count(db, "SELECT sum(x) FROM t"), 7);
    assert_int_equal(db_commit(db), RC_INTERNAL); /* nothing open */
    db_close(db);
}

static void pragmas_are_set(void **state)
{
    struct db *db = test_db_new();

    (void)state;
    assert_int_equal(test_count(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(test_count(db, "PRAGMA synchronous"), 2); /* FULL */
    db_close(db);
}

static void reference_data_is_complete(void **state)
{
    struct db *db = test_db_new();

    (void)state;
    assert_int_equal(test_count(db, "SELECT count(*) FROM commune"), 35014);
    assert_int_equal(test_count(db, "SELECT count(*) FROM commune"
                               " WHERE lat IS NULL AND precision <> 'unknown'"),
                     0);
    assert_int_equal(test_count(db, "SELECT count(*) FROM commune"
                               " WHERE lat = 0 AND lon = 0"),
                     0);
    assert_int_equal(test_count(db, "SELECT count(*) FROM trade WHERE"
                               " scheme = 'rome'"),
                     532);
    assert_int_equal(test_count(db, "SELECT count(*) FROM trade WHERE"
                               " scheme = 'cpv'"),
                     159);
    assert_int_equal(test_count(db, "SELECT count(*) FROM trade_alias"), 11118);
    assert_int_equal(test_count(db, "SELECT count(*) FROM departement"), 109);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_statement_prepares),
        cmocka_unit_test(migrates_an_empty_file),
        cmocka_unit_test(transactions_nest),
        cmocka_unit_test(pragmas_are_set),
        cmocka_unit_test(reference_data_is_complete),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
