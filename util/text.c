/*
 * text.c: UTF-8 validation and French folding (see text.h).
 */
#include "text.h"

#include <stdlib.h>
#include <string.h>

int text_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;

    while (p < end) {
        unsigned c = *p, cp;
        size_t len, i;

        if (c == 0) return 0;
        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if ((size_t)(end - p) < len) return 0;
        for (i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        p += len;
    }
    return 1;
}

size_t text_json_depth(const char *s, size_t n)
{
    size_t i, depth = 0, max = 0;
    int in_string = 0;

    for (i = 0; i < n; i++) {
        char c = s[i];

        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max) max = depth;
        } else if ((c == ']' || c == '}') && depth) {
            depth--;
        }
    }
    return max;
}

size_t text_utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

unsigned text_utf8_next(const char **pp)
{
    const unsigned char *p = (const unsigned char *)*pp;
    unsigned c = *p, cp;
    int len, i;

    if (c == 0) return 0;
    if (c < 0x80) {
        *pp += 1;
        return c;
    }
    if (c < 0xE0) {
        len = 2;
        cp = c & 0x1F;
    } else if (c < 0xF0) {
        len = 3;
        cp = c & 0x0F;
    } else {
        len = 4;
        cp = c & 0x07;
    }
    for (i = 1; i < len && p[i]; i++) cp = (cp << 6) | (p[i] & 0x3F);
    *pp += i;
    return cp;
}

/* Folded forms of U+00C0..U+017F; "" is a separator (× and ÷). */
static const char *const latin[] = {
    /* C0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
    /* C8 */ "e", "e", "e", "e", "i", "i", "i", "i",
    /* D0 */ "d", "n", "o", "o", "o", "o", "o", "",
    /* D8 */ "o", "u", "u", "u", "u", "y", "th", "ss",
    /* E0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
    /* E8 */ "e", "e", "e", "e", "i", "i", "i", "i",
    /* F0 */ "d", "n", "o", "o", "o", "o", "o", "",
    /* F8 */ "o", "u", "u", "u", "u", "y", "th", "y",
    /* 100 */ "a", "a", "a", "a", "a", "a", "c", "c",
    /* 108 */ "c", "c", "c", "c", "c", "c", "d", "d",
    /* 110 */ "d", "d", "e", "e", "e", "e", "e", "e",
    /* 118 */ "e", "e", "e", "e", "g", "g", "g", "g",
    /* 120 */ "g", "g", "g", "g", "h", "h", "h", "h",
    /* 128 */ "i", "i", "i", "i", "i", "i", "i", "i",
    /* 130 */ "i", "i", "ij", "ij", "j", "j", "k", "k",
    /* 138 */ "k", "l", "l", "l", "l", "l", "l", "l",
    /* 140 */ "l", "l", "l", "n", "n", "n", "n", "n",
    /* 148 */ "n", "n", "n", "n", "o", "o", "o", "o",
    /* 150 */ "o", "o", "oe", "oe", "r", "r", "r", "r",
    /* 158 */ "r", "r", "s", "s", "s", "s", "s", "s",
    /* 160 */ "s", "s", "t", "t", "t", "t", "t", "t",
    /* 168 */ "u", "u", "u", "u", "u", "u", "u", "u",
    /* 170 */ "u", "u", "u", "u", "w", "w", "y", "y",
    /* 178 */ "y", "z", "z", "z", "z", "z", "z", "s",
};

const char text_fold_drop[] = "";

const char *text_fold_cp(unsigned cp)
{
    static const char *const ascii[128] = {
        ['0'] = "0", ['1'] = "1", ['2'] = "2", ['3'] = "3", ['4'] = "4",
        ['5'] = "5", ['6'] = "6", ['7'] = "7", ['8'] = "8", ['9'] = "9",
        ['a'] = "a", ['b'] = "b", ['c'] = "c", ['d'] = "d", ['e'] = "e",
        ['f'] = "f", ['g'] = "g", ['h'] = "h", ['i'] = "i", ['j'] = "j",
        ['k'] = "k", ['l'] = "l", ['m'] = "m", ['n'] = "n", ['o'] = "o",
        ['p'] = "p", ['q'] = "q", ['r'] = "r", ['s'] = "s", ['t'] = "t",
        ['u'] = "u", ['v'] = "v", ['w'] = "w", ['x'] = "x", ['y'] = "y",
        ['z'] = "z",
    };

    if (cp < 128) {
        if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
        return ascii[cp] ? ascii[cp] : "";
    }
    if (cp >= 0xC0 && cp <= 0x17F) return latin[cp - 0xC0];
    /* Combining accents ("e" + U+0301), the soft hyphen, variation
     * selectors: dropped, so "Saint-E\u0301tienne" folds like
     * "Saint-Étienne". */
    if ((cp >= 0x300 && cp <= 0x36F) || cp == 0xAD ||
        (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x200D)
        return text_fold_drop;
    /* Latin-1 punctuation and symbols; general punctuation (dashes,
     * quotes, apostrophes), currency, arrows, mathematical and other
     * symbols; CJK and full-width punctuation; emoji: separators. */
    if (cp < 0xC0 || (cp >= 0x2000 && cp <= 0x2BFF) ||
        (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
        (cp >= 0x1F000 && cp <= 0x1FAFF))
        return "";
    return NULL;
}

void text_fold(const char *s, struct buf *out)
{
    const char *p = s;
    int space = 0; /* a separator is pending */
    int any = 0;   /* something was written */
    unsigned cp;

    for (;;) {
        const char *start = p, *f;

        cp = text_utf8_next(&p);
        if (!cp) break;
        f = text_fold_cp(cp);
        if (f == text_fold_drop) continue;
        if (f && !*f) {
            space = any;
            continue;
        }
        if (space) buf_addc(out, ' ');
        space = 0;
        any = 1;
        if (f) {
            buf_adds(out, f);
            continue;
        }
        /* Kept as it is: copy the code point's bytes. */
        buf_add(out, start, (size_t)(p - start));
    }
    if (!any) buf_add(out, "", 0);
}

char *text_fold_dup(const char *s)
{
    struct buf b = {0};

    text_fold(s, &b);
    return buf_take(&b);
}

void text_utf8_scrub(char *s)
{
    size_t i = 0, n = strlen(s), k;
    unsigned char b;

    while (i < n) {
        b = (unsigned char)s[i];
        k = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
        if (i + k <= n && text_utf8_valid(s + i, k))
            i += k;
        else
            s[i++] = '?';
    }
}
