/*
 * test_check.c: util/check.c (level 1): validation of JSON input field by
 * field. Each test asserts the return value, what was copied to `out`,
 * and the exact field names recorded in the errs array.
 */
#include "testutil.h"

#include "../util/check.h"

/* A fresh context: errs, in, out. */
struct ctx {
    json_t *errs, *out;
    struct check c;
};

static int setup(void **state)
{
    struct ctx *x = calloc(1, sizeof *x);

    x->errs = json_array();
    x->out = json_object();
    x->c.errs = x->errs;
    x->c.path = "";
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct ctx *x = *state;

    json_decref(x->errs);
    json_decref(x->out);
    free(x);
    return 0;
}

/* assert_errs: errs holds exactly these field names, in this order. */
static void assert_errs(json_t *errs, const char *const *fields, size_t n)
{
    size_t i;

    if (json_array_size(errs) != n) {
        char *dump = json_dumps(errs, 0);
        fail_msg("expected %zu errors, got %s", n, dump);
    }
    for (i = 0; i < n; i++) {
        json_t *e = json_array_get(errs, i);

        assert_string_equal(json_string_value(json_object_get(e, "field")),
                            fields[i]);
        assert_true(json_is_string(json_object_get(e, "message")));
        assert_true(strlen(json_string_value(json_object_get(e, "message")))
                    > 0);
    }
}

#define ERRS(x, ...)                                                         \
    do {                                                                     \
        static const char *const f_[] = {__VA_ARGS__};                       \
        assert_errs((x)->errs, f_, sizeof f_ / sizeof *f_);                  \
    } while (0)
#define NO_ERRS(x) assert_int_equal(json_array_size((x)->errs), 0)

static const char *out_str(struct ctx *x, const char *key)
{
    return json_string_value(json_object_get(x->out, key));
}

/* ------------------------------------------------------- check_string */

/* Accepted strings are trimmed of spaces before they are copied. */
static void test_string_trims(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'a': '  Nantes \\t', 'b': 'x', 'c': 'un  deux'}");

    assert_int_equal(check_string(&x->c, in, "a", 10, 0, x->out), 1);
    assert_int_equal(check_string(&x->c, in, "b", 10, 0, x->out), 1);
    assert_int_equal(check_string(&x->c, in, "c", 10, 0, x->out), 1);
    assert_string_equal(out_str(x, "a"), "Nantes");
    assert_string_equal(out_str(x, "b"), "x");
    assert_string_equal(out_str(x, "c"), "un  deux"); /* inner spaces kept */
    NO_ERRS(x);
    json_decref(in);
}

/* max counts code points, not bytes: "ééé" is 3 characters (6 bytes). */
static void test_string_max_counts_chars(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'s': '\xC3\xA9\xC3\xA9\xC3\xA9'}");

    assert_int_equal(check_string(&x->c, in, "s", 3, 0, x->out), 1);
    assert_string_equal(out_str(x, "s"), "\xC3\xA9\xC3\xA9\xC3\xA9");
    NO_ERRS(x);
    json_object_clear(x->out);
    assert_int_equal(check_string(&x->c, in, "s", 2, 0, x->out), -1);
    assert_null(json_object_get(x->out, "s"));
    ERRS(x, "s");
    json_decref(in);
}

/* Trimming happens before the length check. */
static void test_string_max_after_trim(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'s': '   abc   '}");

    assert_int_equal(check_string(&x->c, in, "s", 3, 0, x->out), 1);
    assert_string_equal(out_str(x, "s"), "abc");
    NO_ERRS(x);
    json_decref(in);
}

/* Control characters are refused; tab is allowed. */
static void test_string_control_chars(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'nul': 'a', 'bel': 'a\\u0007b', 'esc':"
                           " '\\u001b[31m', 'tab': 'a\\tb', 'us': '\\u001f'}");

    /* jansson refuses \u0000 in text: build that one by hand */
    json_object_set_new(in, "nul", json_stringn("a\0b", 3));
    assert_int_equal(check_string(&x->c, in, "nul", 10, 0, x->out), -1);
    assert_int_equal(check_string(&x->c, in, "bel", 10, 0, x->out), -1);
    assert_int_equal(check_string(&x->c, in, "esc", 10, 0, x->out), -1);
    assert_int_equal(check_string(&x->c, in, "us", 10, 0, x->out), -1);
    assert_int_equal(check_string(&x->c, in, "tab", 10, 0, x->out), 1);
    assert_string_equal(out_str(x, "tab"), "a\tb");
    assert_null(json_object_get(x->out, "nul"));
    assert_null(json_object_get(x->out, "bel"));
    ERRS(x, "nul", "bel", "esc", "us");
    json_decref(in);
}

/* Line breaks are refused unless CHECK_MULTILINE. */
static void test_string_multiline(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'n': 'line 1\\nline 2', 'r': 'a\\r\\nb'}");

    assert_int_equal(check_string(&x->c, in, "n", 100, 0, x->out), -1);
    assert_int_equal(check_string(&x->c, in, "r", 100, 0, x->out), -1);
    ERRS(x, "n", "r");
    json_array_clear(x->errs);
    assert_int_equal(
        check_string(&x->c, in, "n", 100, CHECK_MULTILINE, x->out), 1);
    assert_int_equal(
        check_string(&x->c, in, "r", 100, CHECK_MULTILINE, x->out), 1);
    assert_string_equal(out_str(x, "n"), "line 1\nline 2");
    assert_string_equal(out_str(x, "r"), "a\r\nb");
    NO_ERRS(x);
    json_decref(in);
}

/* DEL (U+007F) and the C1 controls (U+0080..U+009F, among them U+0085
 * NEXT LINE, a line break) are control characters too (iscntrl(0x7F);
 * Unicode category Cc), but check_string lets them through. */
static void test_string_del_and_c1_controls(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'del': 'a\\u007fb', 'nel': 'a\\u0085b'}");

    assert_int_equal(check_string(&x->c, in, "del", 10, 0, x->out), -1);
    assert_int_equal(check_string(&x->c, in, "nel", 10, 0, x->out), -1);
    ERRS(x, "del", "nel");
    json_decref(in);
}

/* Empty (after trimming) with CHECK_REQUIRED is refused; without it,
 * the field counts as absent and is not copied. */
static void test_string_empty(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'e': '', 'sp': '   '}");

    assert_int_equal(check_string(&x->c, in, "e", 10, 0, x->out), 0);
    assert_int_equal(check_string(&x->c, in, "sp", 10, 0, x->out), 0);
    assert_int_equal(json_object_size(x->out), 0);
    NO_ERRS(x);
    assert_int_equal(check_string(&x->c, in, "e", 10, CHECK_REQUIRED, x->out),
                     -1);
    assert_int_equal(
        check_string(&x->c, in, "sp", 10, CHECK_REQUIRED, x->out), -1);
    assert_int_equal(json_object_size(x->out), 0);
    ERRS(x, "e", "sp");
    json_decref(in);
}

/* null is absent: 0 when optional, "is required" when required. */
static void test_string_null_is_absent(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'n': null}");

    assert_int_equal(check_string(&x->c, in, "n", 10, 0, x->out), 0);
    assert_int_equal(check_string(&x->c, in, "missing", 10, 0, x->out), 0);
    NO_ERRS(x);
    assert_int_equal(check_string(&x->c, in, "n", 10, CHECK_REQUIRED, x->out),
                     -1);
    assert_int_equal(
        check_string(&x->c, in, "missing", 10, CHECK_REQUIRED, x->out), -1);
    assert_int_equal(json_object_size(x->out), 0);
    ERRS(x, "n", "missing");
    json_decref(in);
}

/* Non-strings are refused whatever their type. */
static void test_string_wrong_type(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'i': 5, 'b': true, 'a': ['x'], 'o': {'x': 1}}");

    assert_int_equal(check_string(&x->c, in, "i", 10, 0, x->out), -1);
    assert_int_equal(check_string(&x->c, in, "b", 10, 0, x->out), -1);
    assert_int_equal(check_string(&x->c, in, "a", 10, 0, x->out), -1);
    assert_int_equal(check_string(&x->c, in, "o", 10, 0, x->out), -1);
    assert_int_equal(json_object_size(x->out), 0);
    ERRS(x, "i", "b", "a", "o");
    json_decref(in);
}

/* check_string_value: a new trimmed copy, NULL on refusal. */
static void test_string_value(void **state)
{
    struct ctx *x = *state;
    json_t *v = json_string("  abc  "), *bad = json_integer(1);
    char *s = (char *)1;

    assert_int_equal(check_string_value(&x->c, "k", v, 10, 0, &s), 1);
    assert_string_equal(s, "abc");
    free(s);
    s = (char *)1;
    assert_int_equal(check_string_value(&x->c, "k", bad, 10, 0, &s), -1);
    assert_null(s);
    ERRS(x, "k");
    json_decref(v);
    json_decref(bad);
}

/* --------------------------------------------------------- check_enum */

static void test_enum(void **state)
{
    static const char *const kinds[] = {"cae", "scop", "scic", NULL};
    struct ctx *x = *state;
    json_t *in = test_json("{'ok': 'scop', 'case': 'SCOP', 'no': 'sarl',"
                           " 'num': 1, 'sp': ' cae', 'n': null}");

    assert_int_equal(check_enum(&x->c, in, "ok", kinds, 0, x->out), 1);
    assert_string_equal(out_str(x, "ok"), "scop");
    assert_int_equal(check_enum(&x->c, in, "case", kinds, 0, x->out), -1);
    assert_int_equal(check_enum(&x->c, in, "no", kinds, 0, x->out), -1);
    assert_int_equal(check_enum(&x->c, in, "num", kinds, 0, x->out), -1);
    assert_int_equal(check_enum(&x->c, in, "sp", kinds, 0, x->out), -1);
    assert_int_equal(check_enum(&x->c, in, "n", kinds, 0, x->out), 0);
    assert_int_equal(check_enum(&x->c, in, "none", kinds, 0, x->out), 0);
    assert_int_equal(
        check_enum(&x->c, in, "none", kinds, CHECK_REQUIRED, x->out), -1);
    assert_int_equal(json_object_size(x->out), 1);
    ERRS(x, "case", "no", "num", "sp", "none");
    /* the message lists the allowed values */
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(x->errs, 1), "message")),
                        "must be one of: cae, scop, scic");
    json_decref(in);
}

/* --------------------------------------------------------- check_real */

static void test_real_range(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'lo': -90, 'hi': 90.0, 'mid': 47.21, 'below':"
                           " -90.0001, 'above': 91, 'big': 1e300}");

    assert_int_equal(check_real(&x->c, in, "lo", -90, 90, 0, x->out), 1);
    assert_int_equal(check_real(&x->c, in, "hi", -90, 90, 0, x->out), 1);
    assert_int_equal(check_real(&x->c, in, "mid", -90, 90, 0, x->out), 1);
    assert_int_equal(check_real(&x->c, in, "below", -90, 90, 0, x->out), -1);
    assert_int_equal(check_real(&x->c, in, "above", -90, 90, 0, x->out), -1);
    assert_int_equal(check_real(&x->c, in, "big", -90, 90, 0, x->out), -1);
    /* whole numbers are copied as integers, others as reals */
    assert_true(json_is_integer(json_object_get(x->out, "lo")));
    assert_int_equal(json_integer_value(json_object_get(x->out, "lo")), -90);
    assert_true(json_is_integer(json_object_get(x->out, "hi")));
    assert_int_equal(json_integer_value(json_object_get(x->out, "hi")), 90);
    assert_true(json_is_real(json_object_get(x->out, "mid")));
    assert_float_equal(json_real_value(json_object_get(x->out, "mid")), 47.21,
                       1e-12);
    assert_int_equal(json_object_size(x->out), 3);
    ERRS(x, "below", "above", "big");
    json_decref(in);
}

static void test_real_not_a_number(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'s': '3', 'b': true, 'a': [1], 'n': null}");

    assert_int_equal(check_real(&x->c, in, "s", 0, 10, 0, x->out), -1);
    assert_int_equal(check_real(&x->c, in, "b", 0, 10, 0, x->out), -1);
    assert_int_equal(check_real(&x->c, in, "a", 0, 10, 0, x->out), -1);
    assert_int_equal(check_real(&x->c, in, "n", 0, 10, 0, x->out), 0);
    assert_int_equal(
        check_real(&x->c, in, "n", 0, 10, CHECK_REQUIRED, x->out), -1);
    assert_int_equal(json_object_size(x->out), 0);
    ERRS(x, "s", "b", "a", "n");
    json_decref(in);
}

/* --------------------------------------------------------- check_date */

static void test_date_str(void **state)
{
    static const struct {
        const char *s;
        int ok;
    } cases[] = {
        {"2024-02-29", 1}, /* leap year */
        {"2000-02-29", 1}, /* divisible by 400 */
        {"2026-01-31", 1},
        {"2026-12-31", 1},
        {"1900-01-01", 1},
        {"2023-02-29", 0}, /* not a leap year */
        {"1900-02-29", 0}, /* divisible by 100 */
        {"2100-02-29", 0},
        {"2026-13-01", 0},
        {"2026-00-10", 0},
        {"2026-01-00", 0},
        {"2026-01-32", 0},
        {"2026-04-31", 0},
        {"2026-1-01", 0},
        {"2026-01-1", 0},
        {"26-01-01", 0},
        {"2026-01-01x", 0},
        {"2026-01-01 ", 0},
        {" 2026-01-01", 0},
        {"2026-01-01T00:00:00Z", 0},
        {"2026/01/01", 0},
        {"2026-0a-01", 0},
        {"", 0},
        {"2026", 0},
        {"2026-", 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof *cases; i++)
        if (check_date_str(cases[i].s) != cases[i].ok)
            fail_msg("check_date_str(\"%s\") should be %d", cases[i].s,
                     cases[i].ok);
}

static void test_date(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'ok': '2024-02-29', 'bad': '2023-02-29',"
                           " 'num': 20240229, 'n': null}");

    assert_int_equal(check_date(&x->c, in, "ok", 0, x->out), 1);
    assert_string_equal(out_str(x, "ok"), "2024-02-29");
    assert_int_equal(check_date(&x->c, in, "bad", 0, x->out), -1);
    assert_int_equal(check_date(&x->c, in, "num", 0, x->out), -1);
    assert_int_equal(check_date(&x->c, in, "n", 0, x->out), 0);
    assert_int_equal(check_date(&x->c, in, "n", CHECK_REQUIRED, x->out), -1);
    assert_int_equal(json_object_size(x->out), 1);
    ERRS(x, "bad", "num", "n");
    json_decref(in);
}

/* ------------------------------------------------------ check_strings */

/* Items are trimmed, empty ones dropped, duplicates kept once, in order. */
static void test_strings_dedup(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'skills': ['plomberie', ' zinguerie ', '',"
                           " 'plomberie', '  ', 'zinguerie', 'Plomberie']}");
    json_t *want = test_json("['plomberie', 'zinguerie', 'Plomberie']");

    assert_int_equal(check_strings(&x->c, in, "skills", 10, 20, x->out), 1);
    assert_true(json_equal(json_object_get(x->out, "skills"), want));
    NO_ERRS(x);
    json_decref(in);
    json_decref(want);
}

/* The cap on items counts the items given, before dropping any. */
static void test_strings_max_items(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'ok': ['a', 'b', 'c'], 'over': ['a', 'b', 'c',"
                           " 'd']}");

    assert_int_equal(check_strings(&x->c, in, "ok", 3, 20, x->out), 1);
    assert_int_equal(json_array_size(json_object_get(x->out, "ok")), 3);
    assert_int_equal(check_strings(&x->c, in, "over", 3, 20, x->out), -1);
    assert_null(json_object_get(x->out, "over"));
    ERRS(x, "over");
    json_decref(in);
}

/* The cap on characters applies to each item and names it. */
static void test_strings_max_chars(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'skills': ['abc', '\xC3\xA9\xC3\xA9\xC3\xA9',"
                           " 'abcd']}");

    assert_int_equal(check_strings(&x->c, in, "skills", 10, 3, x->out), -1);
    assert_null(json_object_get(x->out, "skills"));
    ERRS(x, "skills[2]");
    json_decref(in);
}

/* Bad items are named by index; every bad item is reported. */
static void test_strings_bad_items(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'skills': ['ok', 5, 'fine', null, 'a\\u0001']}");

    assert_int_equal(check_strings(&x->c, in, "skills", 10, 20, x->out), -1);
    assert_null(json_object_get(x->out, "skills"));
    ERRS(x, "skills[1]", "skills[3]", "skills[4]");
    json_decref(in);
}

static void test_strings_not_array(void **state)
{
    struct ctx *x = *state;
    json_t *in = test_json("{'s': 'plomberie', 'o': {'a': 'b'}, 'n': null,"
                           " 'e': []}");

    assert_int_equal(check_strings(&x->c, in, "s", 10, 20, x->out), -1);
    assert_int_equal(check_strings(&x->c, in, "o", 10, 20, x->out), -1);
    assert_int_equal(check_strings(&x->c, in, "n", 10, 20, x->out), 0);
    assert_int_equal(check_strings(&x->c, in, "none", 10, 20, x->out), 0);
    assert_int_equal(check_strings(&x->c, in, "e", 10, 20, x->out), 1);
    assert_int_equal(json_array_size(json_object_get(x->out, "e")), 0);
    assert_int_equal(json_object_size(x->out), 1);
    ERRS(x, "s", "o");
    json_decref(in);
}

/* ------------------------------------------------------ check_unknown */

static void test_unknown(void **state)
{
    static const char *const known[] = {"name", "kind", NULL};
    static const char *const none[] = {NULL};
    struct ctx *x = *state;
    json_t *in = test_json("{'name': 'a', 'nmae': 'b', 'kind': 'c',"
                           " 'Name': 'd'}");
    json_t *ok = test_json("{'name': 'a'}");

    assert_int_equal(check_unknown(&x->c, ok, known), 0);
    NO_ERRS(x);
    assert_int_equal(check_unknown(&x->c, in, known), 2);
    assert_int_equal(json_array_size(x->errs), 2);
    assert_true(test_has_error(x->errs, "nmae"));
    assert_true(test_has_error(x->errs, "Name"));
    assert_false(test_has_error(x->errs, "name"));
    json_array_clear(x->errs);
    assert_int_equal(check_unknown(&x->c, ok, none), 1);
    ERRS(x, "name");
    json_decref(in);
    json_decref(ok);
}

/* ------------------------------------------------------- check_nested */

/* Nested contexts name fields by their full path. */
static void test_nested_names(void **state)
{
    struct ctx *x = *state;
    char b1[64], b2[64], b3[64];
    struct check loc = check_nested(&x->c, "location", -1, b1, sizeof b1);
    struct check tr = check_nested(&x->c, "trades", 2, b2, sizeof b2);
    struct check deep = check_nested(&loc, "sites", 0, b3, sizeof b3);
    json_t *in = test_json("{'insee': 5}");

    assert_string_equal(loc.path, "location");
    assert_string_equal(tr.path, "trades[2]");
    assert_string_equal(deep.path, "location.sites[0]");
    assert_ptr_equal(loc.errs, x->errs);
    assert_int_equal(check_string(&loc, in, "insee", 5, 0, x->out), -1);
    check_fail(&tr, "code", "unknown code %s", "Z9999");
    check_fail(&tr, NULL, "bad item");
    check_fail(&deep, "label", "too long");
    check_fail(&x->c, "", "whole body");
    ERRS(x, "location.insee", "trades[2].code", "trades[2]",
         "location.sites[0].label", "");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(x->errs, 1), "message")),
                        "unknown code Z9999");
    assert_int_equal(check_failed(&loc), 5);
    json_decref(in);
}

/* A field name longer than the name buffers is cut, not overflowed. */
static void test_nested_long_names(void **state)
{
    struct ctx *x = *state;
    char key[600], buf[300];
    struct check sub;
    const char *field;

    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = 0;
    sub = check_nested(&x->c, key, 7, buf, sizeof buf);
    assert_true(strlen(sub.path) < sizeof buf);
    check_fail(&sub, key, "x");
    field = json_string_value(json_object_get(json_array_get(x->errs, 0),
                                              "field"));
    assert_non_null(field);
    assert_true(strlen(field) < 600);
    assert_memory_equal(field, "kkkk", 4);
}

/* A message quoting bytes that are not UTF-8 (a JSON parser's error
 * text), or cut inside a character, is still recorded, those bytes
 * replaced (found by fuzzing: tests/fuzz/regressions/ocds). */
static void test_fail_not_utf8(void **state)
{
    struct ctx *x = *state;
    char long_msg[600];
    size_t i;

    check_fail(&x->c, "document", "invalid escape near '%s'", "\"dat\\\xC7");
    for (i = 0; i + 2 < sizeof long_msg; i += 2)
        memcpy(long_msg + i, "\xC3\xA9", 2);
    long_msg[i] = 0;
    check_fail(&x->c, "name", "%s", long_msg); /* cut in an "é" */
    ERRS(x, "document", "name");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(x->errs, 0), "message")),
                        "invalid escape near '\"dat\\?'");
}

/* ------------------------------------------------------ check_present */

static void test_present(void **state)
{
    json_t *in = test_json("{'a': 0, 'b': null, 'c': ''}");

    (void)state;
    assert_true(check_present(in, "a"));
    assert_false(check_present(in, "b"));
    assert_true(check_present(in, "c"));
    assert_false(check_present(in, "d"));
    json_decref(in);
}

/* -------------------------------------------------- check_merge_patch */

/* null removes a key, other values replace or add, current is unchanged. */
static void test_merge_patch(void **state)
{
    json_t *cur = test_json("{'name': 'A', 'phone': '01', 'kind': 'cae'}");
    json_t *patch = test_json("{'phone': null, 'name': 'B', 'email':"
                              " 'b@example.org', 'absent': null}");
    json_t *want = test_json("{'name': 'B', 'kind': 'cae', 'email':"
                             " 'b@example.org'}");
    json_t *orig = json_deep_copy(cur);
    json_t *res = check_merge_patch(cur, patch);

    (void)state;
    assert_non_null(res);
    assert_true(json_equal(res, want));
    assert_true(json_equal(cur, orig));
    json_decref(cur);
    json_decref(patch);
    json_decref(want);
    json_decref(orig);
    json_decref(res);
}

/* Nested objects are replaced whole, not merged. */
static void test_merge_patch_nested_replaced(void **state)
{
    json_t *cur = test_json("{'name': 'A', 'location': {'insee': '44109',"
                            " 'postcode': '44000', 'lat': 47.2}}");
    json_t *patch = test_json("{'location': {'insee': '75056'}}");
    json_t *loc = test_json("{'insee': '75056'}");
    json_t *res = check_merge_patch(cur, patch);

    (void)state;
    assert_non_null(res);
    assert_true(json_equal(json_object_get(res, "location"), loc));
    assert_string_equal(json_string_value(json_object_get(res, "name")), "A");
    assert_int_equal(json_object_size(res), 2);
    /* the current document still has its old location */
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(cur, "location"), "postcode")),
                        "44000");
    json_decref(cur);
    json_decref(patch);
    json_decref(loc);
    json_decref(res);
}

/* An empty patch gives an equal copy. */
static void test_merge_patch_empty(void **state)
{
    json_t *cur = test_json("{'a': [1, 2], 'b': {'c': 1}}");
    json_t *patch = json_object();
    json_t *res = check_merge_patch(cur, patch);

    (void)state;
    assert_non_null(res);
    assert_ptr_not_equal(res, cur);
    assert_true(json_equal(res, cur));
    json_decref(cur);
    json_decref(patch);
    json_decref(res);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_string_trims),
        T(test_string_max_counts_chars),
        T(test_string_max_after_trim),
        T(test_string_control_chars),
        T(test_string_multiline),
        T(test_string_del_and_c1_controls),
        T(test_string_empty),
        T(test_string_null_is_absent),
        T(test_string_wrong_type),
        T(test_string_value),
        T(test_enum),
        T(test_real_range),
        T(test_real_not_a_number),
        T(test_date_str),
        T(test_date),
        T(test_strings_dedup),
        T(test_strings_max_items),
        T(test_strings_max_chars),
        T(test_strings_bad_items),
        T(test_strings_not_array),
        T(test_unknown),
        T(test_nested_names),
        T(test_nested_long_names),
        T(test_fail_not_utf8),
        cmocka_unit_test(test_present),
        cmocka_unit_test(test_merge_patch),
        cmocka_unit_test(test_merge_patch_nested_replaced),
        cmocka_unit_test(test_merge_patch_empty),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
