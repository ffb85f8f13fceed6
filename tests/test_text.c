/*
 * test_text.c: util/text.c (level 1, no database): UTF-8 validation,
 * code point counting and the French folding used to compare words.
 */
#include "testutil.h"

#include "../util/text.h"

struct utf8_case {
    const char *s;
    size_t n; /* bytes to check; 0: strlen(s) */
    int valid;
    const char *why;
};

/* valid: 1 for well-formed UTF-8, in every length of sequence. */
static void test_utf8_valid_accepts_wellformed(void **state)
{
    static const struct utf8_case cases[] = {
        {"", 0, 1, "empty"},
        {"Nantes 44000", 0, 1, "ASCII"},
        {"\x7F", 0, 1, "DEL is ASCII"},
        {"\xC3\xA9", 0, 1, "U+00E9 e acute, 2 bytes"},
        {"\xC2\x80", 0, 1, "U+0080, smallest 2-byte"},
        {"\xDF\xBF", 0, 1, "U+07FF, largest 2-byte"},
        {"\xE0\xA0\x80", 0, 1, "U+0800, smallest 3-byte"},
        {"\xE2\x82\xAC", 0, 1, "U+20AC euro sign, 3 bytes"},
        {"\xED\x9F\xBF", 0, 1, "U+D7FF, just below the surrogates"},
        {"\xEE\x80\x80", 0, 1, "U+E000, just above the surrogates"},
        {"\xEF\xBF\xBF", 0, 1, "U+FFFF"},
        {"\xF0\x90\x80\x80", 0, 1, "U+10000, smallest 4-byte"},
        {"\xF0\x9F\x90\x9D", 0, 1, "U+1F41D honeybee, 4 bytes"},
        {"\xF4\x8F\xBF\xBF", 0, 1, "U+10FFFF, the last code point"},
        {"\xC5\x92uvre \xC3\x89lectrique", 0, 1, "mixed"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        const struct utf8_case *c = &cases[i];
        size_t n = c->n ? c->n : strlen(c->s);

        if (text_utf8_valid(c->s, n) != c->valid)
            fail_msg("text_utf8_valid: %s: expected %d", c->why, c->valid);
    }
}

/* invalid: overlong forms, surrogates, beyond U+10FFFF, truncation, stray
 * continuation bytes, bytes that never appear in UTF-8, NUL. */
static void test_utf8_valid_refuses_malformed(void **state)
{
    static const struct utf8_case cases[] = {
        {"\xC0\xAF", 0, 0, "overlong '/' C0 AF"},
        {"\xC1\xBF", 0, 0, "overlong C1 BF"},
        {"\xE0\x80\xAF", 0, 0, "overlong '/' E0 80 AF"},
        {"\xE0\x9F\xBF", 0, 0, "overlong U+07FF in 3 bytes"},
        {"\xF0\x80\x80\xAF", 0, 0, "overlong '/' in 4 bytes"},
        {"\xF0\x8F\xBF\xBF", 0, 0, "overlong U+FFFF in 4 bytes"},
        {"\xED\xA0\x80", 0, 0, "surrogate U+D800"},
        {"\xED\xBF\xBF", 0, 0, "surrogate U+DFFF"},
        {"\xF4\x90\x80\x80", 0, 0, "U+110000, above U+10FFFF"},
        {"\xF5\x80\x80\x80", 0, 0, "lead byte F5"},
        {"\xF8\x88\x80\x80\x80", 0, 0, "5-byte form"},
        {"\xFF", 0, 0, "byte FF"},
        {"\xFE", 0, 0, "byte FE"},
        {"\x80", 0, 0, "lone continuation byte"},
        {"a\xBF" "b", 0, 0, "continuation byte inside ASCII"},
        {"\xC3", 0, 0, "truncated 2-byte at the end"},
        {"\xE2\x82", 0, 0, "truncated 3-byte at the end"},
        {"\xF0\x9F\x90", 0, 0, "truncated 4-byte at the end"},
        {"\xC3(", 0, 0, "2-byte lead then ASCII"},
        {"\xE2\x82" "A", 0, 0, "3-byte lead, 1 continuation, ASCII"},
        {"\xC3\xA9\xC3", 0, 0, "valid then truncated"},
        {"ab\0cd", 5, 0, "NUL byte inside"},
        {"\0", 1, 0, "a lone NUL byte"},
        {"\xC3\xA9", 1, 0, "n cuts a sequence in two"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        const struct utf8_case *c = &cases[i];
        size_t n = c->n ? c->n : strlen(c->s);

        if (text_utf8_valid(c->s, n) != c->valid)
            fail_msg("text_utf8_valid: %s: expected %d", c->why, c->valid);
    }
}

/* n bounds the check: bytes past n are not read. */
static void test_utf8_valid_respects_length(void **state)
{
    (void)state;
    assert_int_equal(text_utf8_valid("abc\xFF", 3), 1);
    assert_int_equal(text_utf8_valid("\xFF", 0), 1);
    assert_int_equal(text_utf8_valid("\xC3\xA9\xFF", 2), 1);
}

/* text_utf8_chars counts code points, not bytes. */
static void test_utf8_chars(void **state)
{
    (void)state;
    assert_int_equal(text_utf8_chars(""), 0);
    assert_int_equal(text_utf8_chars("abc"), 3);
    assert_int_equal(text_utf8_chars("\xC3\xA9\xC3\xA9\xC3\xA9"), 3);
    assert_int_equal(text_utf8_chars("\xE2\x82\xAC"), 1);
    assert_int_equal(text_utf8_chars("\xF0\x9F\x90\x9D!"), 2);
    assert_int_equal(text_utf8_chars("\xC5\x92uvre"), 5);
}

/* text_utf8_next decodes one code point and advances past it. */
static void test_utf8_next(void **state)
{
    const char *s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x90\x9D";
    const char *p = s;

    (void)state;
    assert_int_equal(text_utf8_next(&p), 'a');
    assert_ptr_equal(p, s + 1);
    assert_int_equal(text_utf8_next(&p), 0xE9);
    assert_ptr_equal(p, s + 3);
    assert_int_equal(text_utf8_next(&p), 0x20AC);
    assert_ptr_equal(p, s + 6);
    assert_int_equal(text_utf8_next(&p), 0x1F41D);
    assert_ptr_equal(p, s + 10);
    assert_int_equal(text_utf8_next(&p), 0);
    assert_ptr_equal(p, s + 10);
}

struct fold_case {
    const char *in, *out;
};

static void check_folds(const struct fold_case *cases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        struct buf b = {0};

        text_fold(cases[i].in, &b);
        if (strcmp(buf_str(&b), cases[i].out) != 0)
            fail_msg("text_fold(\"%s\") = \"%s\", expected \"%s\"",
                     cases[i].in, buf_str(&b), cases[i].out);
        buf_free(&b);
    }
}

/* The French names of the brief: accents, ligatures, separators. */
static void test_fold_french(void **state)
{
    static const struct fold_case cases[] = {
        {"\xC5\x92uvre \xC3\x89lectrique", "oeuvre electrique"},
        {"L'Abergement-Cl\xC3\xA9menciat", "l abergement clemenciat"},
        {"  Saint--\xC3\x89tienne  ", "saint etienne"},
        {"\xC3\x9F", "ss"},
        {"Stra\xC3\x9F" "e", "strasse"},
        {"\xC3\x86sop et C\xC3\xA6sar", "aesop et caesar"},
        {"c\xC5\x93ur", "coeur"},
        {"\xC3\x80 \xC3\x87\xC3\xA0 \xC3\xA7\xC3\xA8\xC3\xAA\xC3\xAB\xC3\xAE"
         "\xC3\xAF\xC3\xB4\xC3\xB9\xC3\xBB\xC3\xBC\xC3\xBF",
         "a ca ceeeiiouuuy"},
        {"\xC3\x8Ele-de-France", "ile de france"},
        {"HAY-LES-ROSES", "hay les roses"},
        {"Ch\xC3\xA2teau-d\xE2\x80\x99Olonne", "chateau d olonne"},
        {"\xC2\xAB Bonjour \xC2\xBB", "bonjour"},
        {"a\xC2\xA0" "b", "a b"},             /* no-break space */
        {"a\xE2\x80\x93" "b", "a b"},         /* en dash */
        {"2\xC3\x97" "3", "2 3"},             /* multiplication sign */
        {"\xC5\x81\xC3\xB3" "d\xC5\xBA", "lodz"}, /* Latin Extended-A */
        {"Plomberie 24/7", "plomberie 24 7"},
        {"ABC", "abc"},
    };

    (void)state;
    check_folds(cases, sizeof cases / sizeof *cases);
}

/* Only punctuation and spaces: the result is "" (and not NULL). */
static void test_fold_only_punctuation(void **state)
{
    static const struct fold_case cases[] = {
        {"", ""},
        {" ", ""},
        {"!?-'.,;:()[]{}\"/\\", ""},
        {"\xC2\xAB\xE2\x80\x94\xC2\xBB", ""},
    };
    struct buf b = {0};

    (void)state;
    check_folds(cases, sizeof cases / sizeof *cases);
    text_fold("---", &b);
    assert_non_null(b.p);
    assert_int_equal(b.len, 0);
    buf_free(&b);
}

/* Letters outside Latin-1 and Latin Extended-A are kept as they are
 * (no lower-casing), with separators still folded around them. */
static void test_fold_keeps_other_scripts(void **state)
{
    static const struct fold_case cases[] = {
        /* Greek "Athina", capital alpha kept as is */
        {"\xCE\x91\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1",
         "\xCE\x91\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1"},
        {"  \xCE\x91\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1 - 2024 ! ",
         "\xCE\x91\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1 2024"},
        /* Cyrillic "Moskva" */
        {"\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0",
         "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0"},
        /* Latin Extended-B (U+01CE a caron) is not folded */
        {"\xC7\x8E" "b", "\xC7\x8E" "b"},
    };

    (void)state;
    check_folds(cases, sizeof cases / sizeof *cases);
}

/* text_fold appends: what the buffer held stays in front. */
static void test_fold_appends(void **state)
{
    struct buf b = {0};

    (void)state;
    buf_adds(&b, "x:");
    text_fold("\xC3\x89t\xC3\xA9", &b);
    assert_string_equal(buf_str(&b), "x:ete");
    buf_free(&b);
}

/* text_fold_cp: one code point. */
static void test_fold_cp(void **state)
{
    (void)state;
    assert_string_equal(text_fold_cp('A'), "a");
    assert_string_equal(text_fold_cp('z'), "z");
    assert_string_equal(text_fold_cp('7'), "7");
    assert_string_equal(text_fold_cp(' '), "");
    assert_string_equal(text_fold_cp('-'), "");
    assert_string_equal(text_fold_cp(0xC9), "e");    /* E acute */
    assert_string_equal(text_fold_cp(0x152), "oe");  /* OE ligature */
    assert_string_equal(text_fold_cp(0xE6), "ae");   /* ae ligature */
    assert_string_equal(text_fold_cp(0xDF), "ss");   /* sharp s */
    assert_string_equal(text_fold_cp(0x17F), "s");   /* long s */
    assert_string_equal(text_fold_cp(0xD7), "");     /* multiplication */
    assert_string_equal(text_fold_cp(0xA0), "");     /* no-break space */
    assert_string_equal(text_fold_cp(0x2019), "");   /* apostrophe */
    assert_string_equal(text_fold_cp(0x3000), "");   /* ideographic space */
    assert_null(text_fold_cp(0x391));                /* Greek Alpha */
    assert_string_equal(text_fold_cp(0x1F41D), "");  /* honeybee */
    assert_ptr_equal(text_fold_cp(0x301), text_fold_drop); /* acute */
}

/* text_fold_dup: same result in a new string. */
static void test_fold_dup(void **state)
{
    char *s;

    (void)state;
    s = text_fold_dup("  Saint--\xC3\x89tienne  ");
    assert_non_null(s);
    assert_string_equal(s, "saint etienne");
    free(s);
    s = text_fold_dup("...");
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    s = text_fold_dup("");
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
}

/* Folding is idempotent: folding a folded string changes nothing. */
static void test_fold_idempotent(void **state)
{
    static const char *const in[] = {
        "\xC5\x92uvre \xC3\x89lectrique", "L'Abergement-Cl\xC3\xA9menciat",
        "  Saint--\xC3\x89tienne  ", "\xCE\x91\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof in / sizeof *in; i++) {
        char *once = text_fold_dup(in[i]);
        char *twice = text_fold_dup(once);

        assert_string_equal(once, twice);
        free(once);
        free(twice);
    }
}

/* text.h: "every run of characters that is not a letter or a digit
 * becomes one space". Symbols outside Latin-1 and the General
 * Punctuation block (euro sign, trade mark, arrows, emoji) are not letters
 * but are kept as they are, so "10 €" and "10" fold differently. */
static void test_fold_symbols_are_separators(void **state)
{
    static const struct fold_case cases[] = {
        {"10 \xE2\x82\xAC", "10"},                  /* euro sign */
        {"Plomberie\xE2\x84\xA2", "plomberie"},     /* trade mark sign */
        {"Nantes \xE2\x86\x92 Rennes", "nantes rennes"}, /* arrow */
        {"Menuiserie \xF0\x9F\x90\x9D", "menuiserie"},   /* emoji */
    };

    (void)state;
    check_folds(cases, sizeof cases / sizeof *cases);
}

/* text.h: "accents removed". Text in decomposed form (NFD: a letter then
 * U+0301 COMBINING ACUTE ACCENT, as macOS file names and some keyboards
 * produce) keeps its accent, so "E\u0301tienne" does not match
 * "etienne". */
static void test_fold_combining_accents(void **state)
{
    static const struct fold_case cases[] = {
        {"Saint-E\xCC\x81tienne", "saint etienne"},
        {"Cle\xCC\x81menciat", "clemenciat"},
        {"c\xCC\xA7" "a", "ca"}, /* c + combining cedilla */
    };

    (void)state;
    check_folds(cases, sizeof cases / sizeof *cases);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid_accepts_wellformed),
        cmocka_unit_test(test_utf8_valid_refuses_malformed),
        cmocka_unit_test(test_utf8_valid_respects_length),
        cmocka_unit_test(test_utf8_chars),
        cmocka_unit_test(test_utf8_next),
        cmocka_unit_test(test_fold_french),
        cmocka_unit_test(test_fold_only_punctuation),
        cmocka_unit_test(test_fold_keeps_other_scripts),
        cmocka_unit_test(test_fold_appends),
        cmocka_unit_test(test_fold_cp),
        cmocka_unit_test(test_fold_dup),
        cmocka_unit_test(test_fold_idempotent),
        cmocka_unit_test(test_fold_symbols_are_separators),
        cmocka_unit_test(test_fold_combining_accents),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
