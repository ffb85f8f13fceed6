/*
 * test_dir_coop.c: directory/dir_coop.c.
 *
 * Pure section (level 1): dir_coop_siret_ok, the SIRET check digit.
 * Database section (level 2): to come (create, get, patch, list).
 */
#include "../util/viewer.h"
#include "testutil.h"

#include "../directory/dir_coop.h"

/* ================================================================ pure */

/* luhn_ok: the Luhn check written out independently of dir_coop.c: from
 * the right, double every second digit, subtract 9 from results over 9,
 * the total must be a multiple of 10. */
static int luhn_ok(const char *s)
{
    size_t n = strlen(s), i;
    int sum = 0;

    for (i = 0; i < n; i++) {
        int d = s[n - 1 - i] - '0';

        if (i % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
    }
    return sum % 10 == 0;
}

static int digit_sum(const char *s)
{
    int sum = 0;

    for (; *s; s++) sum += *s - '0';
    return sum;
}

/* A real SIRET from the public SIRENE register passes. */
static void test_siret_real(void **state)
{
    (void)state;
    assert_true(luhn_ok("73282932000074")); /* the test's own check agrees */
    assert_true(dir_coop_siret_ok("73282932000074"));
    assert_false(luhn_ok("73282932000079"));
    assert_false(dir_coop_siret_ok("73282932000079"));
}

/* For a 13-digit prefix exactly one last digit is accepted: the one the
 * Luhn formula gives. */
static void test_siret_one_check_digit(void **state)
{
    static const char *const prefixes[] = {
        "7328293200007", "1234567890123", "0000000000000", "9999999999999",
        "4410900000001", "3560000010000", /* not La Poste's SIREN */
    };
    size_t i;
    int d;

    (void)state;
    for (i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        int accepted = 0;

        for (d = 0; d <= 9; d++) {
            char s[16];

            snprintf(s, sizeof s, "%s%d", prefixes[i], d);
            if (dir_coop_siret_ok(s) != luhn_ok(s))
                fail_msg("%s: dir_coop_siret_ok %d, Luhn %d", s,
                         dir_coop_siret_ok(s), luhn_ok(s));
            accepted += dir_coop_siret_ok(s);
        }
        if (accepted != 1)
            fail_msg("%s?: %d check digits accepted", prefixes[i], accepted);
    }
}

/* Changing any one digit of a valid SIRET makes it invalid. */
static void test_siret_single_digit_errors(void **state)
{
    const char *valid = "73282932000074";
    char s[15];
    int i, d;

    (void)state;
    for (i = 0; i < 14; i++)
        for (d = 0; d <= 9; d++) {
            memcpy(s, valid, sizeof s);
            if (s[i] == '0' + d) continue;
            s[i] = (char)('0' + d);
            if (dir_coop_siret_ok(s)) fail_msg("accepted %s", s);
        }
}

/* Anything but exactly 14 ASCII digits is refused. */
static void test_siret_form(void **state)
{
    static const char *const bad[] = {
        "",
        "7328293200007",         /* 13 digits */
        "732829320000740",       /* 15 digits */
        "7328293200007A",
        "A3282932000074",
        " 73282932000074",
        "73282932000074 ",
        "732 829 320 00074",     /* spaces are removed by the caller */
        "732829320-00074",
        "-3282932000074",
        "+3282932000074",
        "7328293200007\xD9\xA4", /* Arabic-Indic four */
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof *bad; i++)
        if (dir_coop_siret_ok(bad[i])) fail_msg("accepted \"%s\"", bad[i]);
}

/* La Poste (SIREN 356000000): its establishments do not follow Luhn;
 * the sum of the digits must be a multiple of 5 instead. */
static void test_siret_la_poste_establishments(void **state)
{
    static const char *const ok[] = {"35600000000001", "35600000000010",
                                     "35600000012341", "35600000099995"};
    static const char *const bad[] = {"35600000000014", "35600000000002",
                                      "35600000012345"};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof ok / sizeof *ok; i++) {
        assert_int_equal(digit_sum(ok[i]) % 5, 0);
        if (!dir_coop_siret_ok(ok[i])) fail_msg("refused %s", ok[i]);
    }
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_not_equal(digit_sum(bad[i]) % 5, 0);
        if (dir_coop_siret_ok(bad[i])) fail_msg("accepted %s", bad[i]);
    }
    /* Luhn does not apply: this one passes Luhn, fails the sum rule */
    assert_true(luhn_ok("35600000000014"));
    assert_false(dir_coop_siret_ok("35600000000014"));
    /* and this one fails Luhn, passes the sum rule */
    assert_false(luhn_ok("35600000000001"));
    assert_true(dir_coop_siret_ok("35600000000001"));
}

/* La Poste's head office, 356 000 000 00048, is the exception to the
 * exception: it follows Luhn (digit sum 26, not a multiple of 5). See
 * python-stdnum stdnum/fr/siret.py ("La Poste SIRET (except the head
 * office) do not use the Luhn checksum"). dir_coop_siret_ok applies the
 * sum rule to every 356000000 number, so La Poste's own head office is
 * refused. */
static void test_siret_la_poste_head_office(void **state)
{
    (void)state;
    assert_true(luhn_ok("35600000000048"));
    assert_int_not_equal(digit_sum("35600000000048") % 5, 0);
    assert_true(dir_coop_siret_ok("35600000000048"));
}

/* ============================================================ database */

/* (level 2 tests of dir_coop_create/get/patch/list go here, with
 * test_db_new() in a setup function) */

/* A site whose place is good but whose label is not a string: refused,
 * naming the label (and, under ASan, nothing leaks: found by fuzz_json). */
static void test_site_label(void **state)
{
    struct db *db = test_db_new();
    json_t *in = test_json("{'name':'Ouvre-Boîtes 44','kind':'cae',"
                           "'sites':[{'insee':'44109','label':1.5}]}");
    json_t *errs = json_array(), *out = NULL;
    int created = 0;

    (void)state;
    assert_int_equal(
        dir_coop_create(db, &viewer_system, in, errs, &created, &out),
        RC_INVALID);
    assert_true(test_has_error(errs, "sites[0].label"));
    assert_null(out);
    json_decref(in);
    json_decref(errs);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* pure */
        cmocka_unit_test(test_siret_real),
        cmocka_unit_test(test_siret_one_check_digit),
        cmocka_unit_test(test_siret_single_digit_errors),
        cmocka_unit_test(test_siret_form),
        cmocka_unit_test(test_siret_la_poste_establishments),
        cmocka_unit_test(test_siret_la_poste_head_office),
        cmocka_unit_test(test_site_label),
        /* database */
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
