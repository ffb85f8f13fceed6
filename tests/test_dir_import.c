/*
 * test_dir_import.c: bulk import of cooperatives and entrepreneurs: the
 * three formats, one report line per refused record with its line
 * number and fields, re-import updating instead of duplicating, batches.
 */
#include "../util/viewer.h"
#include "testutil.h"

#include "../directory/dir_import.h"

/* run: import text as kind; the report goes into *report (free()). */
static enum rc run(struct db *db, const char *kind, const char *text,
                   int batch, struct dir_import_stats *st, char **report)
{
    size_t size = 0;
    FILE *f = open_memstream(report, &size);
    enum rc rc;

    assert_non_null(f);
    rc = dir_import(db, &viewer_system, kind, text, strlen(text), batch, f, NULL, st);
    fclose(f);
    return rc;
}

static const char coops[] =
    "{\"external_id\":\"c1\",\"name\":\"Coop Nantes\",\"kind\":\"cae\"}\n"
    "\n"
    "{\"external_id\":\"c2\",\"name\":\"Coop Lyon\",\"sites\":"
    "[{\"insee\":\"69123\"}]}\n";

static void json_lines(void **state)
{
    struct db *db = test_db_new();
    struct dir_import_stats st;
    char *report = NULL;
    const char *ents =
        "{\"external_id\":\"e1\",\"cooperative_external_id\":\"c1\","
        "\"display_name\":\"A\",\"location\":{\"insee\":\"44109\"}}\n"
        "{\"external_id\":\"e2\",\"cooperative_external_id\":\"c9\","
        "\"display_name\":\"B\",\"location\":{\"insee\":\"99999\"}}\n"
        "{not json}\n"
        "[1]\n"
        "{\"external_id\":\"e3\",\"cooperative_external_id\":\"c2\","
        "\"display_name\":\"C\",\"location\":{\"insee\":\"69123\"}}\n";

    (void)state;
    assert_int_equal(run(db, "cooperatives", coops, 1000, &st, &report),
                     RC_OK);
    assert_int_equal(st.imported, 2);
    assert_int_equal(st.rejected, 0);
    free(report);
    assert_int_equal(run(db, "entrepreneurs", ents, 1000, &st, &report),
                     RC_OK);
    assert_int_equal(st.imported, 2);
    assert_int_equal(st.rejected, 3);
    assert_non_null(strstr(report, "line 2 (external_id e2): "
                                   "cooperative_external_id: "));
    assert_non_null(strstr(report, "location.insee: unknown commune 99999"));
    assert_non_null(strstr(report, "line 3: record: "));
    assert_non_null(strstr(report, "line 4: record: must be a JSON object"));
    free(report);
    /* Again: the same two are updated, not duplicated. */
    assert_int_equal(run(db, "entrepreneurs", ents, 1, &st, &report), RC_OK);
    assert_int_equal(st.imported, 2);
    assert_int_equal(test_count(db, "SELECT count(*) FROM entrepreneur"), 2);
    assert_int_equal(test_count(db, "SELECT count(*) FROM search_fts"), 2);
    free(report);
    db_close(db);
}

static void csv(void **state)
{
    struct db *db = test_db_new();
    struct dir_import_stats st;
    char *report = NULL;
    const char *ents =
        "external_id;cooperative_external_id;display_name;trades;skills;"
        "location.insee;radius_km;zones;from;until;visibility\r\n"
        "e1;c1;\"Martin; Camille\";rome:F1603|43.22A;plomberie|chauffage;"
        "44109;25;;2026-01-01;2026-12-31;public\r\n"
        "e2;c1;Léa;F1607;;44143;;dep:44 reg:52;;;network\r\n"
        "e3;c1;Bad;Z9999;;44109;5000;;;;\r\n";

    (void)state;
    assert_int_equal(run(db, "cooperatives", coops, 1000, &st, &report),
                     RC_OK);
    free(report);
    assert_int_equal(run(db, "entrepreneurs", ents, 2, &st, &report), RC_OK);
    assert_int_equal(st.imported, 2);
    assert_int_equal(st.rejected, 1);
    assert_non_null(strstr(report, "line 4 (external_id e3): "));
    assert_non_null(strstr(report, "trades[0].code"));
    assert_non_null(strstr(report, "intervention.radius_km"));
    free(report);
    assert_int_equal(test_count(db, "SELECT count(*) FROM entrepreneur WHERE"
                               " display_name = 'Martin; Camille'"
                               " AND radius_km = 25"
                               " AND avail_until = '2026-12-31'"),
                     1);
    assert_int_equal(test_count(db, "SELECT count(*) FROM entrepreneur_trade"
                               " WHERE code IN ('F1603', '43.22A', 'F1607')"),
                     3);
    assert_int_equal(test_count(db, "SELECT count(*) FROM entrepreneur WHERE"
                               " zones = 'dep:44 reg:52'"),
                     1);
    /* An unknown column stops the import before anything is written. */
    assert_int_equal(run(db, "entrepreneurs", "external_id,shoe_size\n1,42\n",
                         1000, &st, &report),
                     RC_INVALID);
    assert_non_null(strstr(report, "unknown column 'shoe_size'"));
    free(report);
    db_close(db);
}

static void whole_array(void **state)
{
    struct db *db = test_db_new();
    struct dir_import_stats st;
    char *report = NULL;

    (void)state;
    assert_int_equal(run(db, "cooperatives",
                         "[{\"name\":\"A\"},{\"name\":\"\"},{\"name\":\"C\"}]",
                         1000, &st, &report),
                     RC_OK);
    assert_int_equal(st.imported, 2);
    assert_int_equal(st.rejected, 1);
    assert_non_null(strstr(report, "line 2: name: must not be empty"));
    free(report);
    assert_int_equal(run(db, "tenders", "[]", 1000, &st, &report),
                     RC_INVALID);
    free(report);
    db_close(db);
}

/* pipelined: a database file: a reader thread checks, this one writes;
 * the report keeps the input's order, rejections and all. */
static void pipelined(void **state)
{
    char dir[] = "/tmp/essaim-import-XXXXXX", path[64], cmd[96];
    struct dir_import_stats st;
    struct buf in = {0};
    struct db *db = NULL;
    char *report = NULL;
    int i;

    (void)state;
    search_init();
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/p.db", dir);
    assert_int_equal(db_open(path, NULL, &db), RC_OK);
    assert_int_equal(search_place_ensure(db), RC_OK);
    assert_int_equal(search_trade_ensure(db), RC_OK);
    assert_int_equal(run(db, "cooperatives", coops, 1000, &st, &report),
                     RC_OK);
    free(report);
    for (i = 0; i < 3000; i++) {
        if (i % 1000 == 7)
            buf_addf(&in, "{\"external_id\":\"x%d\",\"display_name\":"
                          "\"Bad\",\"location\":{\"insee\":\"44109\"}}\n",
                     i); /* no cooperative */
        else
            buf_addf(&in,
                     "{\"external_id\":\"p%d\",\"cooperative_external_id\":"
                     "\"c%d\",\"display_name\":\"Plombier %d\",\"trades\":"
                     "[{\"code\":\"F1603\",\"scheme\":\"rome\"}],"
                     "\"location\":{\"insee\":\"44109\"}}\n",
                     i % 500, 1 + i % 2, i);
    }
    assert_int_equal(run(db, "entrepreneurs", buf_str(&in), 700, &st, &report),
                     RC_OK);
    assert_int_equal(st.imported, 2997);
    assert_int_equal(st.rejected, 3);
    assert_non_null(strstr(report, "line 8 (external_id x7): "));
    assert_true(strstr(report, "line 1008 ") < strstr(report, "line 2008 "));
    free(report);
    /* 500 external ids, each seen 6 times: updated, never duplicated. */
    assert_int_equal(test_count(db, "SELECT count(*) FROM entrepreneur"), 500);
    assert_int_equal(test_count(db, "SELECT count(*) FROM search_fts"), 500);
    assert_int_equal(test_count(db, "SELECT count(*) FROM entrepreneur"
                                    " WHERE display_name = 'Plombier 2999'"),
                     1);
    buf_free(&in);
    db_close(db);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_lines),
        cmocka_unit_test(csv),
        cmocka_unit_test(whole_array),
        cmocka_unit_test(pipelined),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
