/*
 * test_buf.c: util/buf.c (level 1): appending, formatted output and
 * growth, JSON string escaping, reset/take/free and the sticky
 * out-of-memory state.
 */
#include "testutil.h"

#include "../util/buf.h"

/* A zeroed buffer is empty and valid. */
static void test_zeroed_is_empty(void **state)
{
    struct buf b = {0};

    (void)state;
    assert_string_equal(buf_str(&b), "");
    assert_int_equal(b.len, 0);
    assert_false(buf_oom(&b));
    buf_free(&b);
    buf_free(&b); /* twice is fine */
}

/* buf_add, buf_adds and buf_addc append and keep the NUL. */
static void test_add(void **state)
{
    struct buf b = {0};

    (void)state;
    buf_add(&b, "abcdef", 3);
    assert_int_equal(b.len, 3);
    assert_string_equal(buf_str(&b), "abc");
    buf_adds(&b, "-de");
    buf_addc(&b, '!');
    assert_int_equal(b.len, 7);
    assert_string_equal(buf_str(&b), "abc-de!");
    assert_int_equal(b.p[b.len], 0);
    buf_add(&b, "", 0);
    assert_int_equal(b.len, 7);
    /* binary data, NUL bytes included, is kept byte for byte */
    buf_add(&b, "x\0y", 3);
    assert_int_equal(b.len, 10);
    assert_memory_equal(b.p + 7, "x\0y", 3);
    buf_free(&b);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
}

/* An empty append on an empty buffer gives a valid "" (buf.h: NUL-
 * terminated after any append). */
static void test_add_nothing_allocates(void **state)
{
    struct buf b = {0};

    (void)state;
    buf_add(&b, "", 0);
    assert_non_null(b.p);
    assert_string_equal(b.p, "");
    buf_free(&b);
}

/* Many small appends: content intact across reallocations. */
static void test_add_grows(void **state)
{
    struct buf b = {0};
    int i;

    (void)state;
    for (i = 0; i < 10000; i++) buf_addc(&b, (char)('a' + i % 26));
    assert_int_equal(b.len, 10000);
    assert_true(b.cap > b.len);
    for (i = 0; i < 10000; i++)
        if (b.p[i] != (char)('a' + i % 26)) fail_msg("byte %d changed", i);
    assert_int_equal(b.p[10000], 0);
    buf_free(&b);
}

/* buf_addf: short and long (> 64 bytes, the first allocation) output. */
static void test_addf(void **state)
{
    struct buf b = {0};
    char want[512];
    int i;

    (void)state;
    buf_addf(&b, "%d-%s-%c", 42, "x", 'y');
    assert_string_equal(buf_str(&b), "42-x-y");
    buf_reset(&b);
    buf_addf(&b, "%0200d|%s", 7, "end");
    assert_int_equal(b.len, 204);
    assert_int_equal(b.p[0], '0');
    assert_int_equal(b.p[199], '7');
    assert_string_equal(b.p + 200, "|end");
    /* appending after a long piece, then another long one */
    buf_reset(&b);
    buf_adds(&b, "start:");
    for (i = 0; i < 20; i++) buf_addf(&b, "[%02d:%s]", i, "0123456789");
    snprintf(want, sizeof want, "start:");
    for (i = 0; i < 20; i++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "[%02d:%s]",
                 i, "0123456789");
    assert_string_equal(buf_str(&b), want);
    assert_int_equal(b.len, strlen(want));
    buf_free(&b);
}

/* buf_addf with an empty result appends nothing. */
static void test_addf_empty(void **state)
{
    struct buf b = {0};

    (void)state;
    buf_adds(&b, "ab");
    buf_addf(&b, "%s", "");
    assert_int_equal(b.len, 2);
    assert_string_equal(buf_str(&b), "ab");
    buf_free(&b);
}

struct json_case {
    const char *in, *out;
};

/* buf_add_json_str escapes quotes, backslashes and control characters,
 * and passes UTF-8 (and DEL) through. */
static void test_json_str(void **state)
{
    static const struct json_case cases[] = {
        {"", "\"\""},
        {"plain", "\"plain\""},
        {"say \"hi\"", "\"say \\\"hi\\\"\""},
        {"C:\\dir\\", "\"C:\\\\dir\\\\\""},
        {"a\nb\rc\td", "\"a\\nb\\rc\\td\""},
        {"\x01\x08\x0c\x1f", "\"\\u0001\\u0008\\u000c\\u001f\""},
        {"\x1b[31m", "\"\\u001b[31m\""},
        {"\x7f", "\"\x7f\""},
        {"\xC3\x89t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x90\x9D",
         "\"\xC3\x89t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x90\x9D\""},
        {"</script>", "\"</script>\""},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct buf b = {0};

        buf_add_json_str(&b, cases[i].in);
        if (strcmp(buf_str(&b), cases[i].out) != 0)
            fail_msg("case %zu: got %s, expected %s", i, buf_str(&b),
                     cases[i].out);
        buf_free(&b);
    }
}

/* What buf_add_json_str writes is JSON that decodes to the input. */
static void test_json_str_roundtrip(void **state)
{
    char in[128];
    struct buf b = {0};
    json_t *v;
    int i;

    (void)state;
    for (i = 1; i < 128; i++) in[i - 1] = (char)i;
    in[127] = 0;
    buf_adds(&b, "[");
    buf_add_json_str(&b, in);
    buf_adds(&b, "]");
    v = json_loads(buf_str(&b), 0, NULL);
    assert_non_null(v);
    assert_string_equal(json_string_value(json_array_get(v, 0)), in);
    json_decref(v);
    buf_free(&b);
}

/* buf_take on a buffer never written returns "" (not NULL). */
static void test_take_empty(void **state)
{
    struct buf b = {0};
    char *s;

    (void)state;
    s = buf_take(&b);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
}

/* buf_take hands over the string and leaves the buffer empty. */
static void test_take(void **state)
{
    struct buf b = {0};
    char *s;

    (void)state;
    buf_adds(&b, "hello");
    s = buf_take(&b);
    assert_string_equal(s, "hello");
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    buf_adds(&b, "again");
    assert_string_equal(buf_str(&b), "again");
    free(s);
    buf_free(&b);
}

/* buf_reset empties the buffer and keeps the memory. */
static void test_reset(void **state)
{
    struct buf b = {0};
    char *p;
    size_t cap;

    (void)state;
    buf_addf(&b, "%0100d", 1);
    p = b.p;
    cap = b.cap;
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(buf_str(&b), "");
    assert_ptr_equal(b.p, p);
    assert_int_equal(b.cap, cap);
    buf_adds(&b, "x");
    assert_string_equal(buf_str(&b), "x");
    buf_free(&b);
    buf_reset(&b); /* on a zeroed buffer */
    assert_string_equal(buf_str(&b), "");
}

/* An impossible size sets the sticky OOM flag without touching memory:
 * later appends are no-ops, buf_str is "", buf_take returns NULL, and
 * buf_reset clears it. */
static void test_oom_sticky(void **state)
{
    struct buf b = {0};

    (void)state;
    buf_adds(&b, "kept");
    buf_add(&b, "x", (size_t)-1 / 2);
    assert_true(buf_oom(&b));
    buf_adds(&b, "more");
    buf_addf(&b, "%d", 5);
    buf_add_json_str(&b, "q");
    assert_true(buf_oom(&b));
    assert_int_equal(b.len, 4);
    assert_string_equal(buf_str(&b), "");
    buf_reset(&b);
    assert_false(buf_oom(&b));
    buf_adds(&b, "ok");
    assert_string_equal(buf_str(&b), "ok");
    buf_add(&b, "x", (size_t)-1 - 1);
    assert_true(buf_oom(&b));
    assert_null(buf_take(&b));
    assert_null(b.p); /* buf_take released it */
    assert_false(buf_oom(&b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zeroed_is_empty),
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_add_nothing_allocates),
        cmocka_unit_test(test_add_grows),
        cmocka_unit_test(test_addf),
        cmocka_unit_test(test_addf_empty),
        cmocka_unit_test(test_json_str),
        cmocka_unit_test(test_json_str_roundtrip),
        cmocka_unit_test(test_take_empty),
        cmocka_unit_test(test_take),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_oom_sticky),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
