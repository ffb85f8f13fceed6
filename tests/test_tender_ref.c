/*
 * test_tender_ref.c: tender/tender_ref.c (level 1, pure): the shipped
 * tables themselves (every département once at NUTS-3, every CPV code of
 * data/cpv.tsv with a row of trades, every ROME and NAF code known), and
 * the lookups: NUTS codes of each level, Corsica and overseas, unknown
 * codes, CPV trades with the ancestor fallback, the CPV codes of the
 * sample eForms notices, labels and the CPV code form.
 */
#include "testutil.h"

#include <ctype.h>
#include <pthread.h>

#include "../tender/tender_ref.h"
#include "../util/assets.h"
#include "../util/tsv.h"

/* ============================================================ helpers */

/* A set of codes read from one column of an embedded table. */
struct codes {
    char **v;
    size_t n;
};

static void codes_add(struct codes *c, const char *s)
{
    char **v = realloc(c->v, (c->n + 1) * sizeof *v);

    assert_non_null(v);
    c->v = v;
    c->v[c->n] = strdup(s);
    assert_non_null(c->v[c->n]);
    c->n++;
}

static int codes_has(const struct codes *c, const char *s)
{
    size_t i;

    for (i = 0; i < c->n; i++)
        if (!strcmp(c->v[i], s)) return 1;
    return 0;
}

static void codes_free(struct codes *c)
{
    while (c->n) free(c->v[--c->n]);
    free(c->v);
    c->v = NULL;
}

/* read_codes: column col of the table data[0..len), header skipped. */
static void read_codes(const char *data, size_t len, const char *col,
                       struct codes *out)
{
    struct tsv t;
    int i;

    memset(out, 0, sizeof *out);
    tsv_init_mem(&t, data, len);
    assert_int_equal(tsv_next(&t, '\t'), 1);
    i = tsv_col(&t, col);
    assert_true(i >= 0);
    while (tsv_next(&t, '\t') > 0) codes_add(out, tsv_get(&t, i));
    tsv_free(&t);
}

/* expect_deps: the départements of nuts are exactly want[] (NULL-ended). */
static void expect_deps(const char *nuts, const char *const *want)
{
    const char *got[TENDER_NUTS_MAX_DEPARTEMENTS];
    size_t n = tender_nuts_departements(nuts, got, 16), i;

    for (i = 0; want[i]; i++) {
        if (i >= n) fail_msg("%s: %zu départements, want more", nuts, n);
        if (strcmp(got[i], want[i]))
            fail_msg("%s: [%zu] = %s, want %s", nuts, i, got[i], want[i]);
    }
    if (n != i) fail_msg("%s: %zu départements, want %zu", nuts, n, i);
}

/* has_ref: the trades of cpv include ref. */
static int has_ref(const char *cpv, const char *ref)
{
    const char *t[64];
    size_t n = tender_cpv_trades(cpv, t, 64), i;

    for (i = 0; i < n; i++)
        if (!strcmp(t[i], ref)) return 1;
    return 0;
}

/* ============================================================ threads */

/* The first calls race each other: pthread_once must load the tables
 * exactly once and every thread must then see them whole. Runs first. */
static void *lookup_thread(void *arg)
{
    const char *out[TENDER_CPV_MAX_TRADES];
    int ok = 1, i;

    (void)arg;
    for (i = 0; i < 200; i++) {
        ok &= tender_nuts_departements("FRD", out, 16) == 5;
        ok &= tender_cpv_trades("77311000", out, 16) == 2;
        ok &= tender_cpv_label("45330000") != NULL;
    }
    return ok ? arg : NULL;
}

static void test_first_calls_from_threads(void **state)
{
    pthread_t th[4];
    int tag[4], i;
    void *r;

    (void)state;
    for (i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, lookup_thread, &tag[i]),
                         0);
    for (i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], &r), 0);
        assert_ptr_equal(r, &tag[i]);
    }
}

/* ============================================================ NUTS */

static void test_nuts_every_departement_once(void **state)
{
    struct tsv t;
    struct codes seen = {0};
    const char *out[TENDER_NUTS_MAX_DEPARTEMENTS];
    int level3 = 0, cnuts, clevel, cdeps;

    (void)state;
    /* Every département of NUTS-3 rows, read from the table itself. */
    tsv_init_mem(&t, asset_nuts, ASSET_LEN(asset_nuts));
    assert_int_equal(tsv_next(&t, '\t'), 1);
    cnuts = tsv_col(&t, "nuts");
    clevel = tsv_col(&t, "level");
    cdeps = tsv_col(&t, "departements");
    assert_true(cnuts >= 0 && clevel >= 0 && cdeps >= 0);
    assert_true(tsv_col(&t, "label") >= 0);
    while (tsv_next(&t, '\t') > 0) {
        const char *code = tsv_get(&t, cnuts), *deps = tsv_get(&t, cdeps);
        size_t n = tender_nuts_departements(code, out, 16), i;
        struct buf joined = {0};

        /* the lookup answers what the row says, at every level */
        assert_true(n >= 1);
        assert_non_null(tender_nuts_label(code));
        for (i = 0; i < n; i++) buf_addf(&joined, "%s%s", i ? "," : "", out[i]);
        assert_string_equal(buf_str(&joined), deps);
        buf_free(&joined);
        if (strcmp(tsv_get(&t, clevel), "3")) continue;
        level3++;
        assert_int_equal(strlen(code), 5);
        assert_int_equal(n, 1);
        assert_string_equal(out[0], deps);
        if (codes_has(&seen, deps)) fail_msg("%s: %s twice", code, deps);
        codes_add(&seen, deps);
    }
    tsv_free(&t);
    assert_int_equal(level3, 101);

    /* ... against data/departements.tsv: the 101 départements (not the
     * overseas collectivities, whose région code is their own code),
     * each once. */
    tsv_init_mem(&t, asset_departements, ASSET_LEN(asset_departements));
    assert_int_equal(tsv_next(&t, '\t'), 1);
    level3 = 0;
    while (tsv_next(&t, '\t') > 0) {
        const char *code = tsv_get(&t, 0);

        if (!strcmp(code, tsv_get(&t, 2))) {
            if (codes_has(&seen, code)) fail_msg("collectivity %s", code);
            continue;
        }
        level3++;
        if (!codes_has(&seen, code)) fail_msg("département %s missing", code);
    }
    tsv_free(&t);
    assert_int_equal(level3, 101);
    codes_free(&seen);
}

static void test_nuts_levels(void **state)
{
    static const char *const frd22[] = {"76", NULL};
    static const char *const frd2[] = {"27", "76", NULL};
    static const char *const frd1[] = {"14", "50", "61", NULL};
    static const char *const frd[] = {"14", "27", "50", "61", "76", NULL};
    static const char *const fr101[] = {"75", NULL};
    static const char *const fr1[] = {"75", "77", "78", "91", "92",
                                      "93", "94", "95", NULL};
    static const char *const frl04[] = {"13", NULL};
    static const char *const frl05[] = {"83", NULL};
    static const char *const frl[] = {"04", "05", "06", "13", "83", "84", NULL};
    static const char *const frj[] = {"09", "11", "12", "30", "31", "32", "34",
                                      "46", "48", "65", "66", "81", "82", NULL};
    static const char *const frc2[] = {"25", "39", "70", "90", NULL};
    static const char *const fre1[] = {"59", "62", NULL};
    static const char *const frk21[] = {"01", NULL};

    (void)state;
    expect_deps("FRD22", frd22);
    expect_deps("FRD2", frd2);
    expect_deps("FRD1", frd1);
    expect_deps("FRD", frd);
    expect_deps("FR101", fr101);
    expect_deps("FR10", fr1);
    expect_deps("FR1", fr1);
    expect_deps("FRL04", frl04);
    expect_deps("FRL05", frl05);
    expect_deps("FRL", frl);
    expect_deps("FRJ", frj);
    expect_deps("FRC2", frc2);
    expect_deps("FRE1", fre1);
    expect_deps("FRK21", frk21);
    assert_string_equal(tender_nuts_label("FRD22"), "Seine-Maritime");
    assert_string_equal(tender_nuts_label("FRL05"), "Var");
    assert_string_equal(tender_nuts_label("FRD"), "Normandie");
    assert_string_equal(tender_nuts_label("FRD2"), "Haute-Normandie");
    assert_string_equal(tender_nuts_label("FRI"), "Nouvelle-Aquitaine");
}

static void test_nuts_corsica_and_overseas(void **state)
{
    static const char *const a[] = {"2A", NULL}, *const b[] = {"2B", NULL};
    static const char *const corse[] = {"2A", "2B", NULL};
    static const char *const rup[] = {"971", "972", "973", "974", "976", NULL};
    static const struct {
        const char *nuts, *dep, *label;
    } dom[] = {
        {"FRY10", "971", "Guadeloupe"}, {"FRY20", "972", "Martinique"},
        {"FRY30", "973", "Guyane"},     {"FRY40", "974", "La Réunion"},
        {"FRY50", "976", "Mayotte"},
    };
    const char *out[TENDER_NUTS_MAX_DEPARTEMENTS];
    size_t i;

    (void)state;
    expect_deps("FRM01", a);
    expect_deps("FRM02", b);
    expect_deps("FRM0", corse);
    expect_deps("FRM", corse);
    assert_string_equal(tender_nuts_label("FRM01"), "Corse-du-Sud");
    assert_string_equal(tender_nuts_label("FRM02"), "Haute-Corse");
    expect_deps("FRY", rup);
    for (i = 0; i < sizeof dom / sizeof *dom; i++) {
        char nuts2[5];

        assert_int_equal(tender_nuts_departements(dom[i].nuts, out, 16), 1);
        assert_string_equal(out[0], dom[i].dep);
        assert_string_equal(tender_nuts_label(dom[i].nuts), dom[i].label);
        memcpy(nuts2, dom[i].nuts, 4); /* FRY1: the same département */
        nuts2[4] = 0;
        assert_int_equal(tender_nuts_departements(nuts2, out, 16), 1);
        assert_string_equal(out[0], dom[i].dep);
    }
}

static void test_nuts_case_unknown_and_max(void **state)
{
    static const char *const unknown[] = {
        "LU000", "BE100", "DE300",  "FRZZZ", "FRZZ",  "FRZ",    "FR",
        "F",     "",      "FRD222", "FRD23", "FRX",   "FRD2 ",  " FRD2",
        "FRL07", "FR109", "FRY6",   "FRY60", "fr1o1", "FRD22-",
    };
    static const char *const frd22[] = {"76", NULL};
    static const char *const frd2[] = {"27", "76", NULL};
    const char *out[4] = {"untouched", NULL, NULL, NULL};
    size_t i;

    (void)state;
    expect_deps("frd22", frd22);
    expect_deps("FrD2", frd2);
    assert_string_equal(tender_nuts_label("frd22"), "Seine-Maritime");
    for (i = 0; i < sizeof unknown / sizeof *unknown; i++) {
        if (tender_nuts_departements(unknown[i], out, 4))
            fail_msg("\"%s\" has départements", unknown[i]);
        if (tender_nuts_label(unknown[i]))
            fail_msg("\"%s\" has a label", unknown[i]);
    }
    assert_string_equal(out[0], "untouched");
    assert_int_equal(tender_nuts_departements(NULL, out, 4), 0);
    assert_null(tender_nuts_label(NULL));
    /* max bounds what is written; the first ones come first */
    assert_int_equal(tender_nuts_departements("FRD", out, 2), 2);
    assert_string_equal(out[0], "14");
    assert_string_equal(out[1], "27");
    assert_null(out[2]);
    assert_int_equal(tender_nuts_departements("FRD", out, 0), 0);
}

/* ============================================================ CPV table */

static void test_cpv_every_code_has_a_row(void **state)
{
    struct codes cpv, rows;
    size_t i;

    (void)state;
    read_codes(asset_cpv, ASSET_LEN(asset_cpv), "code", &cpv);
    read_codes(asset_cpv_trades, ASSET_LEN(asset_cpv_trades), "cpv", &rows);
    assert_int_equal(cpv.n, 159);
    for (i = 0; i < cpv.n; i++)
        if (!codes_has(&rows, cpv.v[i])) fail_msg("no row for %s", cpv.v[i]);
    /* one row per code, sorted, each a valid code */
    for (i = 0; i < rows.n; i++) {
        char c[9];

        assert_true(tender_cpv_valid(rows.v[i], c));
        assert_string_equal(c, rows.v[i]);
        if (i && strcmp(rows.v[i - 1], rows.v[i]) >= 0)
            fail_msg("rows %s, %s out of order", rows.v[i - 1], rows.v[i]);
    }
    codes_free(&cpv);
    codes_free(&rows);
}

/* is_naf_subclass: "81.30Z": two digits, a dot, two digits, a letter. */
static int is_naf_subclass(const char *s)
{
    return strlen(s) == 6 && isdigit((unsigned char)s[0]) &&
           isdigit((unsigned char)s[1]) && s[2] == '.' &&
           isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) &&
           isupper((unsigned char)s[5]);
}

static void test_cpv_trades_are_known_codes(void **state)
{
    struct codes rome, naf;
    struct tsv t;
    int ccpv, crome, cnaf, cnote, nrows = 0;

    (void)state;
    read_codes(asset_rome, ASSET_LEN(asset_rome), "code", &rome);
    read_codes(asset_naf, ASSET_LEN(asset_naf), "code", &naf);
    assert_int_equal(rome.n, 532);
    tsv_init_mem(&t, asset_cpv_trades, ASSET_LEN(asset_cpv_trades));
    assert_int_equal(tsv_next(&t, '\t'), 1);
    ccpv = tsv_col(&t, "cpv");
    crome = tsv_col(&t, "rome");
    cnaf = tsv_col(&t, "naf");
    cnote = tsv_col(&t, "note");
    assert_true(ccpv == 0 && crome == 1 && cnaf == 2 && cnote == 3);
    while (tsv_next(&t, '\t') > 0) {
        const char *cpv = tsv_get(&t, ccpv);
        char list[512], *p, *save = NULL;
        size_t nrome = 0, nnaf = 0, n;
        const char *out[64];

        nrows++;
        assert_true(t.nfields == 4);
        snprintf(list, sizeof list, "%s", tsv_get(&t, crome));
        for (p = strtok_r(list, " ", &save); p;
             p = strtok_r(NULL, " ", &save)) {
            if (!codes_has(&rome, p)) fail_msg("%s: ROME %s unknown", cpv, p);
            nrome++;
        }
        snprintf(list, sizeof list, "%s", tsv_get(&t, cnaf));
        for (p = strtok_r(list, " ", &save); p;
             p = strtok_r(NULL, " ", &save)) {
            if (!is_naf_subclass(p) || !codes_has(&naf, p))
                fail_msg("%s: NAF %s not a known sub-class", cpv, p);
            nnaf++;
        }
        /* a row without a trade says why */
        if (!nrome && !*tsv_get(&t, cnote))
            fail_msg("%s: no ROME, no note", cpv);
        /* the lookup gives the row whole, ROME codes first */
        n = tender_cpv_trades(cpv, out, 64);
        assert_int_equal(n, nrome + nnaf);
        assert_true(n <= TENDER_CPV_MAX_TRADES);
        for (n = 0; n < nrome + nnaf; n++)
            assert_int_equal(strncmp(out[n], n < nrome ? "rome:" : "naf:",
                                     n < nrome ? 5 : 4),
                             0);
    }
    tsv_free(&t);
    assert_true(nrows >= 159);
    codes_free(&rome);
    codes_free(&naf);
}

/* ============================================================ CPV lookups */

static void test_cpv_trades(void **state)
{
    const char *out[TENDER_CPV_MAX_TRADES];

    (void)state;
    assert_int_equal(tender_cpv_trades("77310000", out, 16), 2);
    assert_string_equal(out[0], "rome:A1203");
    assert_string_equal(out[1], "naf:81.30Z");
    assert_int_equal(tender_cpv_trades("45330000", out, 16), 2);
    assert_string_equal(out[0], "rome:F1603");
    assert_string_equal(out[1], "naf:43.22A");
    assert_int_equal(tender_cpv_trades("79530000", out, 16), 2);
    assert_string_equal(out[0], "rome:E1108");
    assert_string_equal(out[1], "naf:74.30Z");
    assert_true(has_ref("80000000", "rome:K2111"));
    assert_true(has_ref("80000000", "naf:85.59A"));
    assert_true(has_ref("90911300", "rome:K2202"));
    assert_true(has_ref("98321000", "naf:96.02A"));
    /* the check digit is accepted */
    assert_int_equal(tender_cpv_trades("77310000-6", out, 16), 2);
    assert_string_equal(out[0], "rome:A1203");
    /* max bounds what is written */
    assert_int_equal(tender_cpv_trades("77310000", out, 1), 1);
    assert_int_equal(tender_cpv_trades("77310000", out, 0), 0);
}

static void test_cpv_ancestor_fallback(void **state)
{
    const char *out[TENDER_CPV_MAX_TRADES];

    (void)state;
    /* 77311100 (none) -> 77311000 */
    assert_int_equal(tender_cpv_trades("77311100", out, 16), 2);
    assert_string_equal(out[0], "rome:A1203");
    /* 77320000 sports fields -> 77300000 horticultural services */
    assert_true(has_ref("77320000", "rome:A1203"));
    /* 71336000 engineering support -> 71300000 engineering */
    assert_true(has_ref("71336000", "rome:F1106"));
    /* 45262510 -> 45262500 masonry */
    assert_true(has_ref("45262510", "rome:F1703"));
    assert_false(has_ref("45262510", "rome:F1610"));
    /* 45331100 -> 45331000 heating, not 45300000 */
    assert_true(has_ref("45331100", "naf:43.22B"));
    assert_false(has_ref("45331100", "rome:F1602"));
    /* 45233000 (roads, no row) -> the division 45000000 */
    assert_true(has_ref("45233000", "rome:F1704"));
    /* a division without a row: nothing */
    assert_int_equal(tender_cpv_trades("99999999", out, 16), 0);
    assert_int_equal(tender_cpv_trades("33100000", out, 16), 0);
    /* an own row without a trade does not fall back to its parent */
    assert_int_equal(tender_cpv_trades("37810000", out, 16), 0);
    /* 79211000 accounting -> 79000000, which names no trade */
    assert_int_equal(tender_cpv_trades("79211000", out, 16), 0);
    /* 80512000 dog training has its own row: not vocational training */
    assert_true(has_ref("80512000", "rome:A1408"));
    assert_false(has_ref("80512000", "rome:K2111"));
    /* malformed */
    assert_int_equal(tender_cpv_trades("7731000", out, 16), 0);
    assert_int_equal(tender_cpv_trades("A7310000", out, 16), 0);
    assert_int_equal(tender_cpv_trades("", out, 16), 0);
    assert_int_equal(tender_cpv_trades(NULL, out, 16), 0);
}

static void test_cpv_sample_notices(void **state)
{
    /* The CPV codes of the eForms examples (../shared/data/README.md). */
    static const char *const codes[] = {"35520000", "45310000", "71336000",
                                        "77310000", "77320000", "80512000"};
    const char *out[TENDER_CPV_MAX_TRADES];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof codes / sizeof *codes; i++)
        if (tender_cpv_trades(codes[i], out, 16) == 0)
            fail_msg("%s maps to no trade", codes[i]);
    assert_true(has_ref("45310000", "rome:F1602"));
    assert_true(has_ref("35520000", "naf:30.11Z"));
}

static void test_cpv_label(void **state)
{
    (void)state;
    assert_string_equal(tender_cpv_label("45330000"), "Travaux de plomberie");
    assert_string_equal(tender_cpv_label("45330000-9"), "Travaux de plomberie");
    assert_string_equal(tender_cpv_label("77311000"),
                        "Services d'entretien des jardins d'ornement ou "
                        "d'agrément");
    assert_string_equal(tender_cpv_label("71336000"), "Services d'ingénierie");
    assert_string_equal(tender_cpv_label("77320000"), "Services horticoles");
    assert_string_equal(tender_cpv_label("03121100"),
                        "Plantes vivantes, bulbes, racines, boutures et "
                        "greffons");
    assert_null(tender_cpv_label("35520000")); /* division 35 not listed */
    assert_null(tender_cpv_label("99999999"));
    assert_null(tender_cpv_label("abc"));
    assert_null(tender_cpv_label(NULL));
}

static void test_cpv_valid(void **state)
{
    static const struct {
        const char *in, *out; /* out NULL: refused */
    } cases[] = {
        {"77310000", "77310000"},   {"77310000-6", "77310000"},
        {"77310000-0", "77310000"}, {"03121100", "03121100"},
        {"7731000", NULL},          {"773100000", NULL},
        {"77310000-", NULL},        {"77310000-66", NULL},
        {"77310000-x", NULL},       {"77310000 6", NULL},
        {"7731000a", NULL},         {" 77310000", NULL},
        {"77310000 ", NULL},        {"", NULL},
        {"-77310000", NULL},        {"77 310 000", NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[9] = "zzzzzzzz";
        int r = tender_cpv_valid(cases[i].in, out);

        if (r != (cases[i].out != NULL))
            fail_msg("valid(\"%s\") = %d", cases[i].in, r);
        assert_string_equal(out, cases[i].out ? cases[i].out : "zzzzzzzz");
    }
    {
        char out[9] = "zzzzzzzz";

        assert_int_equal(tender_cpv_valid(NULL, out), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_calls_from_threads),
        cmocka_unit_test(test_nuts_every_departement_once),
        cmocka_unit_test(test_nuts_levels),
        cmocka_unit_test(test_nuts_corsica_and_overseas),
        cmocka_unit_test(test_nuts_case_unknown_and_max),
        cmocka_unit_test(test_cpv_every_code_has_a_row),
        cmocka_unit_test(test_cpv_trades_are_known_codes),
        cmocka_unit_test(test_cpv_trades),
        cmocka_unit_test(test_cpv_ancestor_fallback),
        cmocka_unit_test(test_cpv_sample_notices),
        cmocka_unit_test(test_cpv_label),
        cmocka_unit_test(test_cpv_valid),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
