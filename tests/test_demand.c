/*
 * test_demand.c: matching/demand.c, the pooled demand data.
 *
 * Level 1: the words a search without results may leave behind (a
 * person's name, a phone number, an e-mail address are dropped; trade
 * words are kept). Level 2 (a :memory: database, test_db_new()): the
 * counts of demand_add and demand_search_empty, and the statistics with
 * their filters, range and errors. Level 3 (a server): a search that
 * finds nobody and a request show in GET /api/v1/stats/demand; searches
 * that find someone, or have neither words nor trades, do not; bad
 * parameters are 400 naming them.
 */
#include <time.h>

#include "testutil.h"

#include "../matching/demand.h"

extern const char *const demand_sql[];

static void this_month(char *out, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m", &tm);
}

/* month_back: the month n months before this one. */
static void month_back(int n, char *out, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    int m;

    gmtime_r(&t, &tm);
    m = (tm.tm_year + 1900) * 12 + tm.tm_mon - n;
    snprintf(out, size, "%04d-%02d", m / 12, m % 12 + 1);
}

/* ================================================================ words */

static void keep_is(const char *q, const char *want)
{
    char out[256];

    assert_int_equal(demand_words_keep(q, out, sizeof out), RC_OK);
    if (strcmp(out, want))
        fail_msg("words of \"%s\": \"%s\", expected \"%s\"", q, out, want);
}

static void test_words_trade_only(void **state)
{
    char small[12];

    (void)state;
    log_set_level(LOG_ERROR);
    /* A trade word stays; a person's name and a phone number go. */
    keep_is("plombier Jean Dupont 06 12 34 56 78", "plombier");
    keep_is("Jean Dupont 0612345678", "");
    keep_is("jean.dupont@example.org +33 6 12 34 56 78", "");
    keep_is("Martin", ""); /* "martineur" is a trade: stems do not count */
    /* Folded, plural made singular, each once, in order. */
    keep_is("Scaphandriers", "scaphandrier");
    keep_is("MAÇON maçonne Maçons", "macon maconne");
    keep_is("Électricienne à Rezé", "electricienne");
    /* The curated needs are vocabulary too; stop words are not kept. */
    keep_is("rénovation de la salle de bain", "renovation salle bain");
    /* Digits never: a postcode, a street number. */
    keep_is("plombier 44400 12bis", "plombier");
    keep_is("", "");
    keep_is(NULL, "");
    /* At most 8 words, cut at a word when the buffer is small. */
    keep_is("plombier macon peintre couvreur menuisier carreleur"
            " electricien chauffagiste jardinier",
            "plombier macon peintre couvreur menuisier carreleur"
            " electricien chauffagiste");
    assert_int_equal(demand_words_keep("plombier macon", small, sizeof small),
                     RC_OK);
    assert_string_equal(small, "plombier");
}

/* ============================================================ counting */

static int setup_db(void **state)
{
    *state = test_db_new();
    return 0;
}

static int teardown_db(void **state)
{
    db_close(*state);
    return 0;
}

static void exec(struct db *db, const char *sql)
{
    assert_int_equal(db_exec(db, sql), RC_OK);
}

/* n_of: the count stored for kind, departement, trade this month. */
static int n_of(struct db *db, const char *kind, const char *dep,
                const char *trade)
{
    char sql[512], month[8];

    this_month(month, sizeof month);
    snprintf(sql, sizeof sql,
             "SELECT coalesce(sum(n), 0) FROM demand WHERE kind = '%s'"
             " AND month = '%s' AND departement = '%s' AND trade = '%s'",
             kind, month, dep, trade);
    return test_count(db, sql);
}

static void test_sql_prepares(void **state)
{
    struct db *db = *state;
    size_t i;

    for (i = 0; demand_sql[i]; i++) {
        sqlite3_stmt *st = NULL;

        if (sqlite3_prepare_v2(db_handle(db), demand_sql[i], -1, &st, NULL))
            fail_msg("%s: %s", demand_sql[i], sqlite3_errmsg(db_handle(db)));
        sqlite3_finalize(st);
    }
}

static void test_add(void **state)
{
    struct db *db = *state;
    json_t *trades = test_json("['rome:F1603', 'naf:43.22A', 'rome:F1603',"
                               " 'free:ma voisine Josiane', 42]");
    json_t *none = test_json("[]");

    assert_int_equal(demand_add(db, "request", "44", trades), RC_OK);
    assert_int_equal(demand_add(db, "request", "44", trades), RC_OK);
    assert_int_equal(demand_add(db, "request", "44", none), RC_OK);
    assert_int_equal(demand_add(db, "request", NULL, NULL), RC_OK);
    /* Once per coded trade, duplicates once; a free trade is not kept. */
    assert_int_equal(n_of(db, "request", "44", "rome:F1603"), 2);
    assert_int_equal(n_of(db, "request", "44", "naf:43.22A"), 2);
    assert_int_equal(n_of(db, "request", "44", ""), 1);
    assert_int_equal(n_of(db, "request", "", ""), 1);
    assert_int_equal(test_count(db, "SELECT count(*) FROM demand"
                                    " WHERE trade LIKE 'free%'"),
                     0);
    assert_int_equal(test_count(db, "SELECT sum(n) FROM demand"), 6);
    /* Only free trades: counted under "". */
    json_decref(trades);
    trades = test_json("['free:Josiane']");
    assert_int_equal(demand_add(db, "request", "44", trades), RC_OK);
    assert_int_equal(n_of(db, "request", "44", ""), 2);
    json_decref(trades);
    json_decref(none);
}

static void test_search_empty(void **state)
{
    struct db *db = *state;
    char month[8];

    this_month(month, sizeof month);
    assert_int_equal(demand_search_empty(db, "44", "F16,rome:f1603,4322a,43",
                                         "plombier Jean Dupont 0612345678"),
                     RC_OK);
    assert_int_equal(n_of(db, "search_empty", "44", "rome:F16"), 1);
    assert_int_equal(n_of(db, "search_empty", "44", "rome:F1603"), 1);
    assert_int_equal(n_of(db, "search_empty", "44", "naf:43.22A"), 1);
    assert_int_equal(n_of(db, "search_empty", "44", "43"), 1);
    assert_int_equal(test_count(db, "SELECT count(*) FROM demand"), 4);
    /* The words row holds the trade word only. */
    assert_int_equal(test_count(db, "SELECT count(*) FROM demand_words"), 1);
    assert_int_equal(test_count(db, "SELECT n FROM demand_words"
                                    " WHERE words = 'plombier'"
                                    " AND departement = '44'"),
                     1);
    assert_int_equal(test_count(db, "SELECT count(*) FROM demand_words"
                                    " WHERE words LIKE '%dupont%'"
                                    " OR words LIKE '%jean%'"
                                    " OR words GLOB '*[0-9]*'"),
                     0);
    /* Without a trade filter: under ""; without trade words: no words
     * row; the same words again: n + 1. */
    assert_int_equal(demand_search_empty(db, "", NULL, "Jean Dupont"), RC_OK);
    assert_int_equal(demand_search_empty(db, "", "", "Plombiers"), RC_OK);
    assert_int_equal(demand_search_empty(db, "44", NULL, "plombier"), RC_OK);
    assert_int_equal(n_of(db, "search_empty", "", ""), 2);
    assert_int_equal(n_of(db, "search_empty", "44", ""), 1);
    assert_int_equal(test_count(db, "SELECT count(*) FROM demand_words"), 2);
    assert_int_equal(test_count(db, "SELECT n FROM demand_words"
                                    " WHERE words = 'plombier'"
                                    " AND departement = '44'"),
                     2);
    /* Not a code: not counted under it (the search refused it first). */
    assert_int_equal(demand_search_empty(db, "44", "x y,foo:F16", "peintre"),
                     RC_OK);
    assert_int_equal(n_of(db, "search_empty", "44", ""), 2);
    assert_int_equal(test_count(db, "SELECT count(*) FROM demand"
                                    " WHERE trade LIKE '%x%'"
                                    " OR trade LIKE 'foo%'"),
                     0);
}

/* ================================================================ stats */

static json_t *stats(struct db *db, const char *trade, const char *dep,
                     const char *from, const char *to)
{
    struct demand_query q = {trade, dep, from, to};
    json_t *errs = json_array(), *out = NULL;

    assert_int_equal(demand_stats(db, &q, errs, &out), RC_OK);
    assert_int_equal(json_array_size(errs), 0);
    json_decref(errs);
    assert_non_null(out);
    return out;
}

static json_int_t total(json_t *out, const char *key)
{
    return json_integer_value(
        json_object_get(json_object_get(out, "totals"), key));
}

/* The fixture of the stats tests: three months of 2025, two
 * départements, a few trades, words. */
static void fill(struct db *db)
{
    exec(db, "INSERT INTO demand(kind, month, departement, trade, n) VALUES"
             " ('request', '2025-01', '44', 'rome:F1603', 3),"
             " ('request', '2025-01', '44', 'naf:43.22A', 1),"
             " ('request', '2025-01', '69', 'rome:F1603', 2),"
             " ('request', '2025-02', '44', '', 4),"
             " ('search_empty', '2025-02', '44', 'rome:F1603', 5),"
             " ('search_empty', '2025-02', '', '', 7),"
             " ('search_empty', '2025-03', '69', 'rome:F16', 1),"
             " ('request', '2024-12', '44', 'rome:F1603', 100),"
             " ('request', '2025-04', '44', 'rome:F1603', 100);"
             "INSERT INTO demand_words(month, departement, words, n) VALUES"
             " ('2025-02', '44', 'plombier', 3),"
             " ('2025-03', '44', 'plombier', 2),"
             " ('2025-02', '69', 'carreleur', 4),"
             " ('2025-02', '', 'salle bain', 1),"
             " ('2024-12', '44', 'couvreur', 50);");
}

static void test_stats_range(void **state)
{
    struct db *db = *state;
    json_t *out, *series, *row, *months;

    fill(db);
    out = stats(db, "", "", "2025-01", "2025-03");
    assert_string_equal(json_string_value(json_object_get(out, "from")),
                        "2025-01");
    assert_string_equal(json_string_value(json_object_get(out, "to")),
                        "2025-03");
    assert_int_equal(total(out, "requests"), 10);
    assert_int_equal(total(out, "searches_empty"), 13);
    assert_int_equal(total(out, "tenders"), 0);
    series = json_object_get(out, "series");
    assert_int_equal(json_array_size(series), 7);
    /* Ordered by month, département, trade; labels from the vocabulary. */
    row = json_array_get(series, 0);
    assert_string_equal(json_string_value(json_object_get(row, "month")),
                        "2025-01");
    assert_string_equal(json_string_value(json_object_get(row, "departement")),
                        "44");
    assert_string_equal(json_string_value(json_object_get(row, "trade")),
                        "naf:43.22A");
    assert_non_null(json_string_value(json_object_get(row, "trade_label")));
    assert_int_equal(json_integer_value(json_object_get(row, "requests")), 1);
    row = json_array_get(series, 1);
    assert_string_equal(json_string_value(json_object_get(row, "trade_label")),
                        "Installation d'équipements sanitaires et thermiques");
    /* A row without trade, a prefix: no label. */
    row = json_array_get(series, 3);
    assert_string_equal(json_string_value(json_object_get(row, "trade")), "");
    assert_true(json_is_null(json_object_get(row, "trade_label")));
    assert_true(json_is_null(
        json_object_get(json_array_get(series, 6), "trade_label")));
    /* Every month of the range, with its sums. */
    months = json_object_get(out, "months");
    assert_int_equal(json_array_size(months), 3);
    row = json_array_get(months, 1);
    assert_string_equal(json_string_value(json_object_get(row, "month")),
                        "2025-02");
    assert_int_equal(json_integer_value(json_object_get(row, "requests")), 4);
    assert_int_equal(json_integer_value(json_object_get(row, "searches_empty")),
                     12);
    /* Words of the range, most frequent first. */
    row = json_array_get(json_object_get(out, "words"), 0);
    assert_string_equal(json_string_value(json_object_get(row, "words")),
                        "plombier");
    assert_int_equal(json_integer_value(json_object_get(row, "n")), 5);
    assert_int_equal(json_array_size(json_object_get(out, "words")), 3);
    /* Tenders are said to be absent. */
    assert_non_null(strstr(
        json_string_value(json_array_get(json_object_get(out, "notes"), 0)),
        "tenders"));
    assert_true(json_is_false(json_object_get(out, "truncated")));
    json_decref(out);

    /* One month. */
    out = stats(db, "", "", "2025-04", "2025-04");
    assert_int_equal(total(out, "requests"), 100);
    assert_int_equal(json_array_size(json_object_get(out, "months")), 1);
    assert_int_equal(json_array_size(json_object_get(out, "words")), 0);
    json_decref(out);
}

static void test_stats_default_range(void **state)
{
    struct db *db = *state;
    json_t *out, *months;
    char now[8], first[8], old[8], sql[256];

    this_month(now, sizeof now);
    month_back(11, first, sizeof first);
    month_back(12, old, sizeof old);
    snprintf(sql, sizeof sql,
             "INSERT INTO demand VALUES ('request', '%s', '44', '', 2),"
             " ('request', '%s', '44', '', 3), ('request', '%s', '44', '',"
             " 50)",
             now, first, old);
    exec(db, sql);
    out = stats(db, NULL, NULL, NULL, NULL);
    assert_string_equal(json_string_value(json_object_get(out, "from")), first);
    assert_string_equal(json_string_value(json_object_get(out, "to")), now);
    months = json_object_get(out, "months");
    assert_int_equal(json_array_size(months), 12);
    assert_int_equal(total(out, "requests"), 5);
    assert_int_equal(json_integer_value(json_object_get(
                         json_array_get(months, 11), "requests")),
                     2);
    json_decref(out);
    /* from alone: up to this month; to alone: the twelve months up to
     * it. */
    out = stats(db, "", "", old, "");
    assert_int_equal(json_array_size(json_object_get(out, "months")), 13);
    assert_int_equal(total(out, "requests"), 55);
    json_decref(out);
    out = stats(db, "", "", "", old);
    assert_int_equal(json_array_size(json_object_get(out, "months")), 12);
    assert_int_equal(total(out, "requests"), 50);
    json_decref(out);
}

static void test_stats_filters(void **state)
{
    struct db *db = *state;
    json_t *out;

    fill(db);
    /* departement: exact. */
    out = stats(db, "", "69", "2025-01", "2025-03");
    assert_int_equal(total(out, "requests"), 2);
    assert_int_equal(total(out, "searches_empty"), 1);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(out, "words"), 0), "words")),
        "carreleur");
    json_decref(out);
    /* trade: by code prefix, with or without the scheme. */
    out = stats(db, "F16", "", "2025-01", "2025-03");
    assert_int_equal(total(out, "requests"), 5);
    assert_int_equal(total(out, "searches_empty"), 6);
    assert_int_equal(json_array_size(json_object_get(out, "series")), 4);
    json_decref(out);
    out = stats(db, "rome:F1603", "44", "2025-01", "2025-03");
    assert_int_equal(total(out, "requests"), 3);
    assert_int_equal(total(out, "searches_empty"), 5);
    json_decref(out);
    out = stats(db, "f1603", "", "2025-01", "2025-03");
    assert_int_equal(total(out, "searches_empty"), 5);
    json_decref(out);
    /* NAF with or without its dot; several prefixes; another scheme. */
    out = stats(db, "4322", "", "2025-01", "2025-03");
    assert_int_equal(total(out, "requests"), 1);
    json_decref(out);
    out = stats(db, "naf:43.2,rome:F1603", "", "2025-01", "2025-03");
    assert_int_equal(total(out, "requests"), 6);
    json_decref(out);
    out = stats(db, "cpv:45", "", "2025-01", "2025-03");
    assert_int_equal(total(out, "requests"), 0);
    assert_int_equal(json_array_size(json_object_get(out, "series")), 0);
    /* The trade filter does not apply to words: said in the notes. */
    assert_int_equal(json_array_size(json_object_get(out, "words")), 3);
    assert_int_equal(json_array_size(json_object_get(out, "notes")), 5);
    json_decref(out);
}

static void errors_are(struct db *db, const char *trade, const char *dep,
                       const char *from, const char *to, const char *field)
{
    struct demand_query q = {trade, dep, from, to};
    json_t *errs = json_array(), *out = NULL;

    assert_int_equal(demand_stats(db, &q, errs, &out), RC_INVALID);
    assert_null(out);
    if (!test_has_error(errs, field)) {
        char *s = json_dumps(errs, 0);

        fail_msg("expected an error on %s, got %s", field, s);
    }
    json_decref(errs);
}

static void test_stats_errors(void **state)
{
    struct db *db = *state;

    errors_are(db, "", "", "2025-13", "", "from");
    errors_are(db, "", "", "2025-1", "", "from");
    errors_are(db, "", "", "", "2025", "to");
    errors_are(db, "", "", "", "1899-12", "to");
    errors_are(db, "", "", "2025-03", "2025-02", "from");
    errors_are(db, "", "", "2000-01", "2010-01", "from"); /* 121 months */
    errors_are(db, "", "4444", "", "", "departement");
    errors_are(db, "", "6", "", "", "departement");
    errors_are(db, "", "2C", "", "", "departement");
    errors_are(db, "F16!", "", "", "", "trade");
    errors_are(db, "foo:F16", "", "", "", "trade");
    errors_are(db, "F16,,F17", "", "", "", "trade");
    errors_are(db, "A,B,C,D,E,F,G,H,I,J,K", "", "", "", "trade");
}

/* ========================================================== end to end */

static struct test_server server;

static int srv_setup(void **state)
{
    (void)state;
    test_server_start(&server);
    return 0;
}

static int srv_teardown(void **state)
{
    (void)state;
    test_server_stop(&server);
    return 0;
}

static json_t *get_stats(const char *query)
{
    struct test_reply r;
    char path[256];
    json_t *out;

    snprintf(path, sizeof path, "/api/v1/stats/demand%s", query);
    test_http_as(&server, NULL, "GET", path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    out = json_incref(r.json);
    test_reply_free(&r);
    return out;
}

/* wait_searches: the stats of query once their searches_empty reach n
 * (the count is written just after the search's answer has left). */
static json_t *wait_searches(const char *query, json_int_t n)
{
    int i;

    for (i = 0; i < 200; i++) {
        json_t *out = get_stats(query);

        if (total(out, "searches_empty") >= n) return out;
        json_decref(out);
        usleep(10000);
    }
    fail_msg("searches_empty of %s never reached %lld", query, (long long)n);
    return NULL;
}

static void search(const char *query, long want_total)
{
    struct test_reply r;
    char path[512];

    snprintf(path, sizeof path, "/api/v1/search?%s", query);
    test_http_as(&server, NULL, "GET", path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    if (want_total >= 0)
        assert_int_equal(json_integer_value(json_object_get(r.json, "total")),
                         want_total);
    else
        assert_true(json_integer_value(json_object_get(r.json, "total")) > 0);
    test_reply_free(&r);
}

static void end_to_end(void **state)
{
    struct test_reply r;
    json_t *out, *row;
    char month[8], query[64];

    (void)state;
    this_month(month, sizeof month);
    /* Nothing yet: twelve months of zeros. */
    out = get_stats("");
    assert_int_equal(json_array_size(json_object_get(out, "months")), 12);
    assert_int_equal(total(out, "requests") + total(out, "searches_empty"), 0);
    json_decref(out);

    /* A search that finds nobody, with a name and a phone number. */
    search("q=scaphandrier%20Jean%20Dupont%200612345678&near=Nantes", 0);
    out = wait_searches("", 1);
    row = json_array_get(json_object_get(out, "series"), 0);
    assert_string_equal(json_string_value(json_object_get(row, "month")),
                        month);
    assert_string_equal(json_string_value(json_object_get(row, "departement")),
                        "44");
    assert_string_equal(json_string_value(json_object_get(row, "trade")), "");
    assert_int_equal(json_integer_value(json_object_get(row, "searches_empty")),
                     1);
    assert_int_equal(json_array_size(json_object_get(out, "words")), 1);
    row = json_array_get(json_object_get(out, "words"), 0);
    assert_string_equal(json_string_value(json_object_get(row, "words")),
                        "scaphandrier");
    json_decref(out);

    /* A trade filter that finds nobody, by département. */
    search("trade=F1603&departement=69", 0);
    out = wait_searches("?trade=rome:F1603&departement=69", 1);
    json_decref(out);

    /* Searches that find someone, or have neither words nor trades, or
     * are refused, are not counted. */
    test_http_as(&server, server.admin, "POST", "/api/v1/cooperatives",
                 "{\"name\":\"Coop\",\"sites\":[{\"insee\":\"44109\"}]}", NULL,
                 &r);
    assert_int_equal(r.status, 201);
    test_reply_free(&r);
    test_http_as(&server, server.admin, "POST", "/api/v1/entrepreneurs",
                 "{\"cooperative_id\":\"1\",\"display_name\":\"Camille\","
                 "\"trades\":[{\"code\":\"F1603\",\"scheme\":\"rome\"}],"
                 "\"location\":{\"insee\":\"44109\"},"
                 "\"visibility\":\"public\"}",
                 NULL, &r);
    assert_int_equal(r.status, 201);
    test_reply_free(&r);
    search("q=plombier&near=Nantes", -1);
    search("near=Lyon", 0);
    test_http_as(&server, NULL, "GET", "/api/v1/search?q=plombier&trade=Z9",
                 NULL, NULL, &r);
    assert_int_equal(r.status, 400);
    test_reply_free(&r);
    /* A later empty search: once it shows, the others would have. */
    search("q=scaphandrier&near=Rez%C3%A9", 0);
    out = wait_searches("", 3);
    assert_int_equal(total(out, "searches_empty"), 3);
    row = json_array_get(json_object_get(out, "words"), 0);
    assert_int_equal(json_integer_value(json_object_get(row, "n")), 2);
    json_decref(out);

    /* A client request: counted at once, under its trade. */
    test_http_as(&server, server.admin, "POST", "/api/v1/requests",
                 "{\"title\":\"Rénovation de salle de bain\","
                 "\"location\":{\"insee\":\"44143\"},"
                 "\"wanted\":[\"F1603\"]}",
                 NULL, &r);
    assert_int_equal(r.status, 201);
    test_reply_free(&r);
    snprintf(query, sizeof query, "?trade=F16&from=%s&to=%s", month, month);
    out = get_stats(query);
    assert_int_equal(total(out, "requests"), 1);
    row = json_array_get(json_object_get(out, "months"), 0);
    assert_int_equal(json_integer_value(json_object_get(row, "requests")), 1);
    json_decref(out);
}

static void bad_parameters(void **state)
{
    static const char *const cases[][2] = {
        {"?from=2025-13", "from"},
        {"?to=hier", "to"},
        {"?from=2025-06&to=2025-01", "from"},
        {"?departement=4444", "departement"},
        {"?departement=0123456789", "departement"},
        {"?trade=F16%20F17", "trade"},
        {"?trade=tva:F16", "trade"},
    };
    struct test_reply r;
    char path[128];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(path, sizeof path, "/api/v1/stats/demand%s", cases[i][0]);
        test_http_as(&server, NULL, "GET", path, NULL, NULL, &r);
        if (r.status != 400 ||
            !test_has_error(json_object_get(r.json, "errors"), cases[i][1]))
            fail_msg("%s: %ld %s", cases[i][0], r.status, buf_str(&r.body));
        test_reply_free(&r);
    }
}

#define DB(f) cmocka_unit_test_setup_teardown(f, setup_db, teardown_db)

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_words_trade_only),
        DB(test_sql_prepares),
        DB(test_add),
        DB(test_search_empty),
        DB(test_stats_range),
        DB(test_stats_default_range),
        DB(test_stats_filters),
        DB(test_stats_errors),
    };
    const struct CMUnitTest e2e[] = {
        cmocka_unit_test(end_to_end),
        cmocka_unit_test(bad_parameters),
    };
    int failed = cmocka_run_group_tests(pure, NULL, NULL);

    failed += cmocka_run_group_tests(e2e, srv_setup, srv_teardown);
    return failed;
}
