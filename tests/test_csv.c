/*
 * test_csv.c: util/csv.c (level 1): the RFC 4180 reader used by imports:
 * quoting, line numbers, CRLF, separator sniffing, BOM, blank lines and
 * the malformed records it must refuse.
 */
#include "testutil.h"

#include "../util/csv.h"

/* expect_record: the next record is exactly fields[0..n) at line. */
static void expect_record(struct csv *c, long line, const char *const *fields,
                          int n)
{
    int i;

    assert_int_equal(csv_next(c), 1);
    assert_int_equal(c->lineno, line);
    assert_int_equal(c->n, n);
    for (i = 0; i < n; i++) assert_string_equal(c->field[i], fields[i]);
}

#define RECORD(c, line, ...)                                                 \
    do {                                                                     \
        const char *const f_[] = {__VA_ARGS__};                              \
        expect_record(c, line, f_, (int)(sizeof f_ / sizeof *f_));           \
    } while (0)

static void init(struct csv *c, const char *data, char sep)
{
    csv_init(c, data, strlen(data), sep);
}

static void test_simple(void **state)
{
    struct csv c;

    (void)state;
    init(&c, "name,city\nDupont,Nantes\n", ',');
    RECORD(&c, 1, "name", "city");
    RECORD(&c, 2, "Dupont", "Nantes");
    assert_int_equal(csv_next(&c), 0);
    assert_int_equal(csv_next(&c), 0); /* stays at the end */
    csv_free(&c);
}

/* No newline after the last record; empty fields anywhere. */
static void test_empty_fields_and_no_final_newline(void **state)
{
    struct csv c;

    (void)state;
    init(&c, "a,,c\n,,\nx,y,", ',');
    RECORD(&c, 1, "a", "", "c");
    RECORD(&c, 2, "", "", "");
    RECORD(&c, 3, "x", "y", "");
    assert_int_equal(csv_next(&c), 0);
    csv_free(&c);
}

static void test_quoted_separator(void **state)
{
    struct csv c;

    (void)state;
    init(&c, "1,\"Dupont, Marie\",\"\",end\n", ',');
    RECORD(&c, 1, "1", "Dupont, Marie", "", "end");
    csv_free(&c);
}

static void test_doubled_quotes(void **state)
{
    struct csv c;

    (void)state;
    init(&c, "\"say \"\"hi\"\"\",\"\"\"\"\n", ',');
    RECORD(&c, 1, "say \"hi\"", "\"");
    csv_free(&c);
}

/* A quoted field spans lines; the next record's lineno counts them. */
static void test_quoted_newline_lineno(void **state)
{
    struct csv c;

    (void)state;
    init(&c, "id,text\n1,\"line one\nline two\nline three\"\n2,after\n", ',');
    RECORD(&c, 1, "id", "text");
    RECORD(&c, 2, "1", "line one\nline two\nline three");
    RECORD(&c, 5, "2", "after");
    assert_int_equal(csv_next(&c), 0);
    csv_free(&c);
}

/* CRLF line ends leave no '\r' in fields. */
static void test_crlf(void **state)
{
    struct csv c;

    (void)state;
    init(&c, "a,b\r\n\"c\",d\r\n\r\ne,\"f\"\r\n", ',');
    RECORD(&c, 1, "a", "b");
    RECORD(&c, 2, "c", "d");
    RECORD(&c, 4, "e", "f");
    assert_int_equal(csv_next(&c), 0);
    csv_free(&c);
}

/* Blank lines (LF or CRLF) are skipped and still counted. */
static void test_blank_lines(void **state)
{
    struct csv c;

    (void)state;
    init(&c, "\n\na\n\n\r\n\nb\n\n", ',');
    RECORD(&c, 3, "a");
    RECORD(&c, 7, "b");
    assert_int_equal(csv_next(&c), 0);
    csv_free(&c);
    init(&c, "", ',');
    assert_int_equal(csv_next(&c), 0);
    csv_free(&c);
    init(&c, "\n\r\n\n", ',');
    assert_int_equal(csv_next(&c), 0);
    csv_free(&c);
}

/* csv_sniff looks at the first line only. */
static void test_sniff(void **state)
{
    static const struct {
        const char *data;
        char sep;
    } cases[] = {
        {"nom;ville;cp\nDupont;Nantes;44000\n", ';'},
        {"name,city\n", ','},
        {"a;b,c;d\n", ';'},
        {"a,b;c,d\n", ','},
        {"a;b,c\n", ','}, /* a tie gives ',' */
        {"abc\n", ','},
        {"", ','},
        {"name,city\na;b;c;d;e\n", ','}, /* later lines do not count */
        {"\"a;b;c\",d\n", ';'},         /* quotes are not parsed */
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof *cases; i++)
        if (csv_sniff(cases[i].data, strlen(cases[i].data)) != cases[i].sep)
            fail_msg("csv_sniff(\"%s\") should be '%c'", cases[i].data,
                     cases[i].sep);
}

/* A ';' file read with the sniffed separator; ',' is then plain text. */
static void test_semicolon(void **state)
{
    const char *data = "nom;adresse\nDupont;\"1; rue\";x\nMartin;2, rue\n";
    struct csv c;

    (void)state;
    csv_init(&c, data, strlen(data), csv_sniff(data, strlen(data)));
    assert_int_equal(c.sep, ';');
    RECORD(&c, 1, "nom", "adresse");
    RECORD(&c, 2, "Dupont", "1; rue", "x");
    RECORD(&c, 3, "Martin", "2, rue");
    csv_free(&c);
}

/* A UTF-8 byte order mark is skipped, not glued to the first field. */
static void test_bom(void **state)
{
    const char *data = "\xEF\xBB\xBFname,city\nCl\xC3\xA9ment,N\xC3\xAEmes\n";
    struct csv c;

    (void)state;
    init(&c, data, ',');
    RECORD(&c, 1, "name", "city");
    RECORD(&c, 2, "Cl\xC3\xA9ment", "N\xC3\xAEmes");
    csv_free(&c);
    /* a lone BOM is an empty file */
    init(&c, "\xEF\xBB\xBF", ',');
    assert_int_equal(csv_next(&c), 0);
    csv_free(&c);
}

/* An unterminated quote is a malformed record. */
static void test_unterminated_quote(void **state)
{
    struct csv c;

    (void)state;
    init(&c, "a,b\n1,\"never closed\n2,x\n", ',');
    RECORD(&c, 1, "a", "b");
    assert_int_equal(csv_next(&c), -1);
    csv_free(&c);
    init(&c, "\"", ',');
    assert_int_equal(csv_next(&c), -1);
    csv_free(&c);
}

/* CSV_MAX_FIELDS fields are fine; one more is refused. */
static void test_max_fields(void **state)
{
    struct buf b = {0};
    struct csv c;
    int i;

    (void)state;
    for (i = 0; i < CSV_MAX_FIELDS; i++) buf_addf(&b, "%s%d", i ? "," : "", i);
    buf_adds(&b, "\n");
    for (i = 0; i <= CSV_MAX_FIELDS; i++) buf_addf(&b, "%s%d", i ? "," : "", i);
    buf_adds(&b, "\n");
    csv_init(&c, b.p, b.len, ',');
    assert_int_equal(csv_next(&c), 1);
    assert_int_equal(c.n, CSV_MAX_FIELDS);
    assert_string_equal(c.field[0], "0");
    assert_string_equal(c.field[CSV_MAX_FIELDS - 1], "63");
    assert_int_equal(csv_next(&c), -1);
    csv_free(&c);
    buf_free(&b);
}

/* Long fields (the store grows while a record is read) stay intact. */
static void test_long_fields(void **state)
{
    struct buf b = {0};
    char big[5000];
    struct csv c;

    (void)state;
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    buf_addf(&b, "a,\"%s\",b,%s\n", big, big);
    csv_init(&c, b.p, b.len, ',');
    RECORD(&c, 1, "a", big, "b", big);
    csv_free(&c);
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple),
        cmocka_unit_test(test_empty_fields_and_no_final_newline),
        cmocka_unit_test(test_quoted_separator),
        cmocka_unit_test(test_doubled_quotes),
        cmocka_unit_test(test_quoted_newline_lineno),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_semicolon),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_max_fields),
        cmocka_unit_test(test_long_fields),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
