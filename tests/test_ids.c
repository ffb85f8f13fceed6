/*
 * test_ids.c: util/ids.c (level 1): record ids as the API shows them:
 * decimal strings or positive JSON integers.
 */
#include "testutil.h"

#include "../util/ids.h"

static void test_parse_ok(void **state)
{
    static const struct {
        const char *s;
        long long id;
    } cases[] = {
        {"42", 42},
        {"1", 1},
        {"007", 7},
        {"999999999999999999", 999999999999999999LL}, /* 18 digits */
        {"000000000000000001", 1},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        long long id = -5;

        if (ids_parse(cases[i].s, &id) != 1 || id != cases[i].id)
            fail_msg("ids_parse(\"%s\"): got %lld", cases[i].s, id);
    }
}

/* Refused input leaves *id untouched. */
static void test_parse_refused(void **state)
{
    static const char *const bad[] = {
        "", "0", "00", "-1", "+1", "1x", "x1", " 1", "1 ", "1.0", "1e3",
        "0x10", "\xD9\xA1", /* Arabic-Indic digit one */
        "1234567890123456789",  /* 19 digits */
        "9223372036854775807",  /* LLONG_MAX, 19 digits */
        "99999999999999999999", /* would overflow */
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        long long id = -5;

        if (ids_parse(bad[i], &id) != 0 || id != -5)
            fail_msg("ids_parse(\"%s\") should be refused", bad[i]);
    }
    assert_int_equal(ids_parse(NULL, &(long long){0}), 0);
}

static void test_parse_json(void **state)
{
    json_t *v;
    long long id = 0;

    (void)state;
    v = json_integer(42);
    assert_int_equal(ids_parse_json(v, &id), 1);
    assert_int_equal(id, 42);
    json_decref(v);
    id = 0;
    v = json_string("43");
    assert_int_equal(ids_parse_json(v, &id), 1);
    assert_int_equal(id, 43);
    json_decref(v);
    v = json_integer(9007199254740993LL); /* above 2^53, exact in jansson */
    assert_int_equal(ids_parse_json(v, &id), 1);
    assert_int_equal(id, 9007199254740993LL);
    json_decref(v);
}

static void test_parse_json_refused(void **state)
{
    json_t *bad[] = {
        json_integer(0), json_integer(-1), json_real(42.0),
        json_string(""), json_string("-3"), json_string("4x"),
        json_true(),     json_null(),      json_array(),
        json_object(),
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        long long id = -5;

        if (ids_parse_json(bad[i], &id) != 0 || id != -5)
            fail_msg("ids_parse_json: case %zu should be refused", i);
        json_decref(bad[i]);
    }
    assert_int_equal(ids_parse_json(NULL, &(long long){0}), 0);
}

static void test_ids_json(void **state)
{
    json_t *v;
    long long back = 0;

    (void)state;
    v = ids_json(42);
    assert_true(json_is_string(v));
    assert_string_equal(json_string_value(v), "42");
    json_decref(v);
    v = ids_json(999999999999999999LL);
    assert_string_equal(json_string_value(v), "999999999999999999");
    /* round trip */
    assert_int_equal(ids_parse_json(v, &back), 1);
    assert_int_equal(back, 999999999999999999LL);
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_parse_refused),
        cmocka_unit_test(test_parse_json),
        cmocka_unit_test(test_parse_json_refused),
        cmocka_unit_test(test_ids_json),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
