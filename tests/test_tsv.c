/*
 * test_tsv.c: util/tsv.c (level 1): the line reader of the reference
 * data: LF and CRLF, empty lines, header columns, short lines, the field
 * cap, and reading from a file.
 */
#include "testutil.h"

#include <fcntl.h>

#include "../util/tsv.h"

static void init(struct tsv *t, const char *data)
{
    tsv_init_mem(t, data, strlen(data));
}

static void test_lines_and_fields(void **state)
{
    struct tsv t;

    (void)state;
    init(&t, "insee\tname\n44109\tNantes\n");
    assert_int_equal(tsv_next(&t, '\t'), 1);
    assert_int_equal(t.nfields, 2);
    assert_int_equal(t.lineno, 1);
    assert_string_equal(tsv_get(&t, 0), "insee");
    assert_string_equal(tsv_get(&t, 1), "name");
    assert_int_equal(tsv_next(&t, '\t'), 1);
    assert_int_equal(t.lineno, 2);
    assert_string_equal(tsv_get(&t, 0), "44109");
    assert_string_equal(tsv_get(&t, 1), "Nantes");
    assert_int_equal(tsv_next(&t, '\t'), 0);
    assert_int_equal(tsv_next(&t, '\t'), 0);
    tsv_free(&t);
}

/* CRLF line ends: no '\r' left at the end of the last field. */
static void test_crlf(void **state)
{
    struct tsv t;

    (void)state;
    init(&t, "a\tb\r\nc\td\r\n");
    assert_int_equal(tsv_next(&t, '\t'), 1);
    assert_string_equal(tsv_get(&t, 1), "b");
    assert_int_equal(tsv_next(&t, '\t'), 1);
    assert_string_equal(tsv_get(&t, 0), "c");
    assert_string_equal(tsv_get(&t, 1), "d");
    assert_int_equal(tsv_next(&t, '\t'), 0);
    tsv_free(&t);
}

/* Empty lines (LF or CRLF) are skipped; lineno still counts them. */
static void test_empty_lines(void **state)
{
    struct tsv t;

    (void)state;
    init(&t, "\n\r\nx\n\n\ny\r\n\n");
    assert_int_equal(tsv_next(&t, '\t'), 1);
    assert_string_equal(tsv_get(&t, 0), "x");
    assert_int_equal(t.lineno, 3);
    assert_int_equal(tsv_next(&t, '\t'), 1);
    assert_string_equal(tsv_get(&t, 0), "y");
    assert_int_equal(t.lineno, 6);
    assert_int_equal(tsv_next(&t, '\t'), 0);
    tsv_free(&t);
    init(&t, "");
    assert_int_equal(tsv_next(&t, '\t'), 0);
    tsv_free(&t);
}

/* The last line needs no newline; empty fields are kept. */
static void test_no_final_newline_and_empty_fields(void **state)
{
    struct tsv t;

    (void)state;
    init(&t, "a\t\tc\t");
    assert_int_equal(tsv_next(&t, '\t'), 1);
    assert_int_equal(t.nfields, 4);
    assert_string_equal(tsv_get(&t, 0), "a");
    assert_string_equal(tsv_get(&t, 1), "");
    assert_string_equal(tsv_get(&t, 2), "c");
    assert_string_equal(tsv_get(&t, 3), "");
    assert_int_equal(tsv_next(&t, '\t'), 0);
    tsv_free(&t);
}

/* tsv_col finds header columns by exact name. */
static void test_col(void **state)
{
    struct tsv t;

    (void)state;
    init(&t, "insee\tname\tlat\tlon\n");
    assert_int_equal(tsv_next(&t, '\t'), 1);
    assert_int_equal(tsv_col(&t, "insee"), 0);
    assert_int_equal(tsv_col(&t, "lat"), 2);
    assert_int_equal(tsv_col(&t, "lon"), 3);
    assert_int_equal(tsv_col(&t, "Lat"), -1);
    assert_int_equal(tsv_col(&t, "la"), -1);
    assert_int_equal(tsv_col(&t, ""), -1);
    assert_int_equal(tsv_col(&t, "precision"), -1);
    tsv_free(&t);
}

/* tsv_get out of range (past the end of a short line, negative, or the
 * -1 of a missing column) is "". */
static void test_get_out_of_range(void **state)
{
    struct tsv t;

    (void)state;
    init(&t, "a\tb\tc\nshort\n");
    assert_int_equal(tsv_next(&t, '\t'), 1);
    assert_int_equal(tsv_next(&t, '\t'), 1);
    assert_int_equal(t.nfields, 1);
    assert_string_equal(tsv_get(&t, 0), "short");
    assert_string_equal(tsv_get(&t, 1), "");
    assert_string_equal(tsv_get(&t, 2), "");
    assert_string_equal(tsv_get(&t, -1), "");
    assert_string_equal(tsv_get(&t, 1000), "");
    tsv_free(&t);
    /* a reader that read nothing */
    init(&t, "");
    assert_string_equal(tsv_get(&t, 0), "");
    tsv_free(&t);
}

/* tsv_next takes the separator; with ';' a tab is plain text. */
static void test_other_separator(void **state)
{
    struct tsv t;

    (void)state;
    init(&t, "a;b\tc;d\n");
    assert_int_equal(tsv_next(&t, ';'), 1);
    assert_int_equal(t.nfields, 3);
    assert_string_equal(tsv_get(&t, 1), "b\tc");
    tsv_free(&t);
}

/* At most TSV_MAX_FIELDS fields; the extra ones are dropped and no field
 * keeps a separator. */
static void test_field_cap(void **state)
{
    struct buf b = {0};
    struct tsv t;
    int i;

    (void)state;
    for (i = 0; i < TSV_MAX_FIELDS + 5; i++)
        buf_addf(&b, "%s%d", i ? "\t" : "", i);
    tsv_init_mem(&t, b.p, b.len);
    assert_int_equal(tsv_next(&t, '\t'), 1);
    assert_int_equal(t.nfields, TSV_MAX_FIELDS);
    assert_string_equal(tsv_get(&t, TSV_MAX_FIELDS - 1), "31");
    assert_string_equal(tsv_get(&t, TSV_MAX_FIELDS), "");
    tsv_free(&t);
    buf_free(&b);
}

/* tsv_init_file reads a whole file; a missing file is -1. */
static void test_file(void **state)
{
    char path[] = "/tmp/essaim-test-tsv-XXXXXX";
    int fd = mkstemp(path);
    const char *data = "k\tv\r\none\t1\n\ntwo\t2";
    struct tsv t;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
    close(fd);
    assert_int_equal(tsv_init_file(&t, path), 0);
    assert_int_equal(tsv_next(&t, '\t'), 1);
    assert_int_equal(tsv_col(&t, "v"), 1);
    assert_int_equal(tsv_next(&t, '\t'), 1);
    assert_string_equal(tsv_get(&t, 0), "one");
    assert_string_equal(tsv_get(&t, 1), "1");
    assert_int_equal(tsv_next(&t, '\t'), 1);
    assert_string_equal(tsv_get(&t, 0), "two");
    assert_int_equal(t.lineno, 4);
    assert_int_equal(tsv_next(&t, '\t'), 0);
    tsv_free(&t);
    /* an empty file */
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(tsv_init_file(&t, path), 0);
    assert_int_equal(tsv_next(&t, '\t'), 0);
    tsv_free(&t);
    unlink(path);
    assert_int_equal(tsv_init_file(&t, path), -1);
    tsv_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_and_fields),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_empty_lines),
        cmocka_unit_test(test_no_final_newline_and_empty_fields),
        cmocka_unit_test(test_col),
        cmocka_unit_test(test_get_out_of_range),
        cmocka_unit_test(test_other_separator),
        cmocka_unit_test(test_field_cap),
        cmocka_unit_test(test_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
