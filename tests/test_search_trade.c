/*
 * test_search_trade.c: search/search_trade.c and search_trade_db.c.
 *
 * Level 1: the canonical forms of ROME, NAF and CPV codes. Level 2 (a
 * :memory: database with the shipped vocabulary, test_db_new()): labels,
 * the CPV ancestor fallback, and validation of an array of trades with
 * the exact field names of its errors.
 */
#include "testutil.h"

#include "../util/check.h"

/* ================================================================ pure */

struct norm_case {
    const char *scheme, *code, *canon; /* canon NULL: refused */
};

static void check_norms(const struct norm_case *cases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char out[16] = "untouched";
        int r = search_trade_normalize(cases[i].scheme, cases[i].code, out,
                                       sizeof out);

        if (r != (cases[i].canon != NULL))
            fail_msg("normalize(%s, \"%s\") = %d", cases[i].scheme,
                     cases[i].code, r);
        if (r && strcmp(out, cases[i].canon) != 0)
            fail_msg("normalize(%s, \"%s\") = \"%s\", expected \"%s\"",
                     cases[i].scheme, cases[i].code, out, cases[i].canon);
    }
}

static void test_normalize_rome(void **state)
{
    static const struct norm_case cases[] = {
        {"rome", "f1603", "F1603"}, {"rome", "F1603", "F1603"},
        {"rome", " F1603 ", "F1603"}, {"rome", "F160", NULL},
        {"rome", "F16031", NULL},   {"rome", "1F603", NULL},
        {"rome", "FF603", NULL},    {"rome", "F16O3", NULL},
        {"rome", "", NULL},         {"rome", "     ", NULL},
        {"rome", "x", NULL},        {"rome", "F 1603", NULL},
    };

    (void)state;
    check_norms(cases, sizeof cases / sizeof *cases);
}

static void test_normalize_naf(void **state)
{
    static const struct norm_case cases[] = {
        {"naf", "4322a", "43.22A"}, {"naf", "43.22A", "43.22A"},
        {"naf", "43.22a", "43.22A"}, {"naf", "4322A", "43.22A"},
        {"naf", "43", "43"},        {"naf", "43.2", "43.2"},
        {"naf", "432", "43.2"},     {"naf", "43.22", "43.22"},
        {"naf", "4322", "43.22"},   {"naf", "4322AA", NULL},
        {"naf", "x", NULL},         {"naf", "4", NULL},
        {"naf", "43.2A", NULL},     {"naf", "4.322", NULL},
        {"naf", "43222", NULL},     {"naf", "A322", NULL},
        {"naf", "43..22", NULL},    {"naf", "43.22.A", NULL},
        {"naf", "", NULL},          {"naf", "43-22A", NULL},
    };

    (void)state;
    check_norms(cases, sizeof cases / sizeof *cases);
}

static void test_normalize_cpv(void **state)
{
    static const struct norm_case cases[] = {
        {"cpv", "45330000-9", "45330000"}, {"cpv", "45330000", "45330000"},
        {"cpv", " 45330000-9 ", "45330000"},
        {"cpv", "4533000", NULL},          {"cpv", "45330000-", NULL},
        {"cpv", "45330000-99", NULL},      {"cpv", "45330000x", NULL},
        {"cpv", "453300001", NULL},        {"cpv", "4533000a", NULL},
        {"cpv", "45330000-x", NULL},       {"cpv", "", NULL},
        {"cpv", "45 330 000", NULL},
    };

    (void)state;
    check_norms(cases, sizeof cases / sizeof *cases);
}

/* Unknown schemes, free trades and over-long input are refused. */
static void test_normalize_other(void **state)
{
    static const struct norm_case cases[] = {
        {"free", "F1603", NULL},
        {"ROME", "F1603", NULL},
        {"", "F1603", NULL},
        {"isco", "7126", NULL},
        {"rome", "F1603                                          x", NULL},
    };

    (void)state;
    check_norms(cases, sizeof cases / sizeof *cases);
    assert_true(search_trade_scheme_ok("rome"));
    assert_true(search_trade_scheme_ok("naf"));
    assert_true(search_trade_scheme_ok("cpv"));
    assert_false(search_trade_scheme_ok("free"));
    assert_false(search_trade_scheme_ok("Rome"));
    assert_false(search_trade_scheme_ok(""));
}

/* ============================================== level 2: the database */

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

static void test_label(void **state)
{
    struct db *db = *state;
    char label[512];

    assert_int_equal(search_trade_label(db, "rome", "F1603", label,
                                        sizeof label),
                     RC_OK);
    assert_non_null(strstr(label, "sanitaires"));
    assert_int_equal(
        search_trade_label(db, "naf", "43.22A", label, sizeof label), RC_OK);
    assert_string_equal(label,
                        "Travaux d'installation d'eau et de gaz en tous"
                        " locaux");
    assert_int_equal(search_trade_label(db, "naf", "43", label, sizeof label),
                     RC_OK);
    assert_string_equal(label, "Travaux de construction sp\xC3\xA9" "cialis"
                               "\xC3\xA9s");
    assert_int_equal(
        search_trade_label(db, "cpv", "45330000", label, sizeof label), RC_OK);
    assert_string_equal(label, "Travaux de plomberie");
}

/* A CPV code missing from the shipped subset takes the label of its
 * nearest listed ancestor (trailing digits zeroed one at a time). Note:
 * 45331000 is itself listed, with its own label. */
static void test_label_cpv_ancestor(void **state)
{
    struct db *db = *state;
    char label[512], own[512];

    assert_int_equal(
        search_trade_label(db, "cpv", "45331000", own, sizeof own), RC_OK);
    assert_non_null(strstr(own, "chauffage"));
    /* 45332000 is not listed: 45330000 is its parent */
    assert_int_equal(
        search_trade_label(db, "cpv", "45332000", label, sizeof label), RC_OK);
    assert_string_equal(label, "Travaux de plomberie");
    /* 45331100 is not listed: 45331000 is its parent */
    assert_int_equal(
        search_trade_label(db, "cpv", "45331100", label, sizeof label), RC_OK);
    assert_string_equal(label, own);
    /* two levels up: 45390000 -> 45300000 */
    assert_int_equal(
        search_trade_label(db, "cpv", "45390000", label, sizeof label), RC_OK);
    assert_string_equal(label, "Travaux d'\xC3\xA9quipement du b\xC3\xA2timent");
    /* no ancestor at all */
    assert_int_equal(
        search_trade_label(db, "cpv", "99999999", label, sizeof label),
        RC_NOTFOUND);
}

static void test_label_unknown(void **state)
{
    struct db *db = *state;
    char label[64] = "";

    assert_int_equal(
        search_trade_label(db, "rome", "Z9999", label, sizeof label),
        RC_NOTFOUND);
    assert_int_equal(
        search_trade_label(db, "naf", "99.99Z", label, sizeof label),
        RC_NOTFOUND);
    /* the scheme matters */
    assert_int_equal(
        search_trade_label(db, "naf", "F1603", label, sizeof label),
        RC_NOTFOUND);
    assert_int_equal(search_trade_label(db, "free", "x", label, sizeof label),
                     RC_NOTFOUND);
}

/* A small label buffer is filled, cut and terminated. */
static void test_label_small_buffer(void **state)
{
    struct db *db = *state;
    char label[8];

    assert_int_equal(
        search_trade_label(db, "cpv", "45330000", label, sizeof label), RC_OK);
    assert_string_equal(label, "Travaux");
}

/* check: a context, its errors and the clean object. */
struct tcheck {
    json_t *errs, *out;
    struct check c;
};

static void tcheck_init(struct tcheck *t)
{
    t->errs = json_array();
    t->out = json_object();
    t->c.errs = t->errs;
    t->c.path = "";
}

static void tcheck_free(struct tcheck *t)
{
    json_decref(t->errs);
    json_decref(t->out);
}

/* assert_only_error: errs holds exactly one error, on field. */
static void assert_only_error(json_t *errs, const char *field)
{
    if (json_array_size(errs) != 1 || !test_has_error(errs, field)) {
        char *dump = json_dumps(errs, 0);
        fail_msg("expected one error on %s, got %s", field, dump);
    }
}

/* Valid trades of every scheme: canonical codes, vocabulary labels (a
 * label sent for a coded trade is replaced), duplicates dropped. */
static void test_check_ok(void **state)
{
    struct db *db = *state;
    struct tcheck t;
    json_t *in = test_json(
        "{'trades': ["
        " {'scheme': 'rome', 'code': 'f1603'},"
        " {'scheme': 'rome', 'code': ' F1603 ', 'label': 'Plombier'},"
        " {'scheme': 'naf', 'code': '4322a'},"
        " {'scheme': 'cpv', 'code': '45330000-9'},"
        " {'scheme': 'cpv', 'code': '45330000'},"
        " {'scheme': 'free', 'label': ' Zinguerie '},"
        " {'scheme': 'free', 'label': 'Zinguerie'},"
        " {'scheme': 'free', 'code': 'Z-1', 'label': 'Zinguerie'}]}");
    json_t *arr, *o;

    tcheck_init(&t);
    assert_int_equal(search_trade_check(db, &t.c, in, "trades", 20, t.out), 1);
    assert_int_equal(json_array_size(t.errs), 0);
    arr = json_object_get(t.out, "trades");
    assert_int_equal(json_array_size(arr), 5);
    o = json_array_get(arr, 0);
    assert_string_equal(json_string_value(json_object_get(o, "scheme")),
                        "rome");
    assert_string_equal(json_string_value(json_object_get(o, "code")),
                        "F1603");
    assert_non_null(
        strstr(json_string_value(json_object_get(o, "label")), "sanitaires"));
    o = json_array_get(arr, 1);
    assert_string_equal(json_string_value(json_object_get(o, "code")),
                        "43.22A");
    o = json_array_get(arr, 2);
    assert_string_equal(json_string_value(json_object_get(o, "code")),
                        "45330000");
    assert_string_equal(json_string_value(json_object_get(o, "label")),
                        "Travaux de plomberie");
    o = json_array_get(arr, 3);
    assert_string_equal(json_string_value(json_object_get(o, "scheme")),
                        "free");
    assert_true(json_is_null(json_object_get(o, "code")));
    assert_string_equal(json_string_value(json_object_get(o, "label")),
                        "Zinguerie");
    o = json_array_get(arr, 4);
    assert_string_equal(json_string_value(json_object_get(o, "code")), "Z-1");
    json_decref(in);
    tcheck_free(&t);
}

/* Each kind of bad item, alone, gives exactly one error naming it. */
static void test_check_item_errors(void **state)
{
    static const struct {
        const char *json, *field;
    } cases[] = {
        {"{'trades': [{'scheme': 'rome', 'code': 'F1603'},"
         " {'scheme': 'rome', 'code': 'Z9999'}]}", "trades[1].code"},
        {"{'trades': [{'scheme': 'rome', 'code': 'F160'}]}", "trades[0].code"},
        {"{'trades': [{'scheme': 'naf', 'code': '99.99Z'}]}",
         "trades[0].code"},
        {"{'trades': [{'scheme': 'cpv', 'code': '99999999'}]}",
         "trades[0].code"},
        {"{'trades': [{'scheme': 'rome'}]}", "trades[0].code"},
        {"{'trades': [{'scheme': 'rome', 'code': 1603}]}", "trades[0].code"},
        {"{'trades': [{'scheme': 'free'}]}", "trades[0].label"},
        {"{'trades': [{'scheme': 'free', 'label': '  '}]}", "trades[0].label"},
        {"{'trades': [{'scheme': 'free', 'code': 'x'}]}", "trades[0].label"},
        {"{'trades': [{'code': 'F1603'}]}", "trades[0].scheme"},
        {"{'trades': [{'scheme': null, 'code': 'F1603'}]}",
         "trades[0].scheme"},
        {"{'trades': [{'scheme': 'isco', 'code': '7126'}]}",
         "trades[0].scheme"},
        {"{'trades': [{'scheme': 'rome', 'code': 'F1603', 'lable': 'x'}]}",
         "trades[0].lable"},
        {"{'trades': ['F1603']}", "trades[0]"},
        {"{'trades': [null]}", "trades[0]"},
        {"{'trades': 'F1603'}", "trades"},
        {"{'trades': {'scheme': 'rome', 'code': 'F1603'}}", "trades"},
    };
    struct db *db = *state;
    size_t i;

    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct tcheck t;
        json_t *in = test_json(cases[i].json);

        tcheck_init(&t);
        if (search_trade_check(db, &t.c, in, "trades", 20, t.out) != -1)
            fail_msg("accepted: %s", cases[i].json);
        assert_only_error(t.errs, cases[i].field);
        assert_null(json_object_get(t.out, "trades"));
        json_decref(in);
        tcheck_free(&t);
    }
}

/* Every bad item is reported in one pass; nothing is copied. */
static void test_check_all_errors(void **state)
{
    struct db *db = *state;
    struct tcheck t;
    json_t *in = test_json("{'trades': [{'scheme': 'rome', 'code': 'Z9999'},"
                           " {'scheme': 'rome', 'code': 'F1603'},"
                           " {'scheme': 'free'}, 5]}");

    tcheck_init(&t);
    assert_int_equal(search_trade_check(db, &t.c, in, "trades", 20, t.out),
                     -1);
    assert_int_equal(json_array_size(t.errs), 3);
    assert_true(test_has_error(t.errs, "trades[0].code"));
    assert_true(test_has_error(t.errs, "trades[2].label"));
    assert_true(test_has_error(t.errs, "trades[3]"));
    assert_null(json_object_get(t.out, "trades"));
    json_decref(in);
    tcheck_free(&t);
}

/* The cap on items; null and absent are "absent"; nested names. */
static void test_check_cap_absent_nested(void **state)
{
    struct db *db = *state;
    struct tcheck t;
    json_t *in = test_json("{'trades': [{'scheme': 'rome', 'code': 'F1603'},"
                           " {'scheme': 'naf', 'code': '43.22A'},"
                           " {'scheme': 'cpv', 'code': '45330000'}],"
                           " 'none': null}");
    char name[64];
    struct check sub;

    tcheck_init(&t);
    assert_int_equal(search_trade_check(db, &t.c, in, "trades", 2, t.out), -1);
    assert_only_error(t.errs, "trades");
    json_array_clear(t.errs);
    assert_int_equal(search_trade_check(db, &t.c, in, "trades", 3, t.out), 1);
    assert_int_equal(search_trade_check(db, &t.c, in, "none", 3, t.out), 0);
    assert_int_equal(search_trade_check(db, &t.c, in, "missing", 3, t.out), 0);
    assert_int_equal(json_array_size(t.errs), 0);
    json_decref(in);
    /* under a parent object: "tender.trades[0].code" */
    in = test_json("{'trades': [{'scheme': 'rome', 'code': 'Z9999'}]}");
    sub = check_nested(&t.c, "tender", -1, name, sizeof name);
    assert_int_equal(search_trade_check(db, &sub, in, "trades", 3, t.out), -1);
    assert_only_error(t.errs, "tender.trades[0].code");
    json_decref(in);
    tcheck_free(&t);
}

#define DB(f) cmocka_unit_test_setup_teardown(f, setup_db, teardown_db)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize_rome),
        cmocka_unit_test(test_normalize_naf),
        cmocka_unit_test(test_normalize_cpv),
        cmocka_unit_test(test_normalize_other),
        DB(test_label),
        DB(test_label_cpv_ancestor),
        DB(test_label_unknown),
        DB(test_label_small_buffer),
        DB(test_check_ok),
        DB(test_check_item_errors),
        DB(test_check_all_errors),
        DB(test_check_cap_absent_nested),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
