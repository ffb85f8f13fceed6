/*
 * check.c: JSON field validation (see check.h).
 */
#include "check.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static void field_name(const struct check *c, const char *key, char *buf,
                       size_t size)
{
    if (!key || !*key)
        snprintf(buf, size, "%s", c->path);
    else if (*c->path)
        snprintf(buf, size, "%s.%s", c->path, key);
    else
        snprintf(buf, size, "%s", key);
}

void check_fail(const struct check *c, const char *key, const char *fmt, ...)
{
    char field[256], msg[512];
    va_list ap;

    field_name(c, key, field, sizeof field);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    text_utf8_scrub(field);
    text_utf8_scrub(msg);
    json_array_append_new(c->errs,
                          json_pack("{s:s, s:s}", "field", field, "message",
                                    msg));
}

struct check check_nested(const struct check *c, const char *key, int index,
                          char *buf, size_t size)
{
    struct check child = {c->errs, buf};
    char name[256];

    field_name(c, key, name, sizeof name);
    if (index >= 0)
        snprintf(buf, size, "%s[%d]", name, index);
    else
        snprintf(buf, size, "%s", name);
    return child;
}

size_t check_failed(const struct check *c)
{
    return json_array_size(c->errs);
}

int check_present(json_t *in, const char *key)
{
    json_t *v = json_object_get(in, key);

    return v && !json_is_null(v);
}

int check_unknown(const struct check *c, json_t *in, const char *const *known)
{
    const char *key;
    json_t *v;
    int n = 0;

    json_object_foreach(in, key, v) {
        const char *const *k;

        for (k = known; *k; k++)
            if (!strcmp(*k, key)) break;
        if (!*k) {
            check_fail(c, key, "unknown field");
            n++;
        }
    }
    return n;
}

int check_string_value(const struct check *c, const char *key, json_t *v,
                       size_t max, unsigned flags, char **out)
{
    const char *s, *e, *p;
    size_t n;
    char *copy;

    *out = NULL;
    if (!json_is_string(v)) {
        check_fail(c, key, "must be a string");
        return -1;
    }
    s = json_string_value(v);
    n = json_string_length(v);
    if (strlen(s) != n) {
        check_fail(c, key, "must not contain NUL characters");
        return -1;
    }
    for (p = s; *p;) {
        unsigned cp = text_utf8_next(&p);

        /* C0 controls but tab (and line breaks when allowed), DEL, C1
         * controls (U+0085 is a line break too). */
        if ((cp < 0x20 && cp != '\t' &&
             !((flags & CHECK_MULTILINE) && (cp == '\n' || cp == '\r'))) ||
            (cp >= 0x7F && cp <= 0x9F)) {
            check_fail(c, key, "must not contain control characters");
            return -1;
        }
    }
    while (*s && isspace((unsigned char)*s)) s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) e--;
    copy = strndup(s, (size_t)(e - s));
    if (!copy) {
        check_fail(c, key, "out of memory");
        return -1;
    }
    if (text_utf8_chars(copy) > max) {
        check_fail(c, key, "must be at most %zu characters", max);
        free(copy);
        return -1;
    }
    if (!*copy && (flags & CHECK_REQUIRED)) {
        check_fail(c, key, "must not be empty");
        free(copy);
        return -1;
    }
    *out = copy;
    return 1;
}

/* absent: shared handling of a missing field; returns 0 or -1. */
static int absent(const struct check *c, const char *key, unsigned flags)
{
    if (!(flags & CHECK_REQUIRED)) return 0;
    check_fail(c, key, "is required");
    return -1;
}

int check_string(const struct check *c, json_t *in, const char *key,
                 size_t max, unsigned flags, json_t *out)
{
    json_t *v = json_object_get(in, key);
    char *s;
    int r;

    if (!v || json_is_null(v)) return absent(c, key, flags);
    r = check_string_value(c, key, v, max, flags, &s);
    if (r < 0) return r;
    if (!*s) {
        free(s);
        return 0;
    }
    json_object_set_new(out, key, json_string(s));
    free(s);
    return 1;
}

int check_email(const struct check *c, json_t *in, const char *key,
                unsigned flags, json_t *out)
{
    int r = check_string(c, in, key, 254, flags, out);
    const char *s = json_string_value(json_object_get(out, key)), *at;

    if (r <= 0) return r;
    at = strchr(s, '@');
    if (!at || at == s || !at[1] || strchr(at + 1, '@') || strchr(s, ' ') ||
        !strchr(at + 1, '.')) {
        json_object_del(out, key);
        check_fail(c, key, "must be an email address");
        return -1;
    }
    return r;
}

int check_enum(const struct check *c, json_t *in, const char *key,
               const char *const *values, unsigned flags, json_t *out)
{
    json_t *v = json_object_get(in, key);
    const char *const *e;
    char list[256] = "";
    size_t used = 0;

    if (!v || json_is_null(v)) return absent(c, key, flags);
    if (json_is_string(v))
        for (e = values; *e; e++)
            if (!strcmp(*e, json_string_value(v))) {
                json_object_set_new(out, key, json_string(*e));
                return 1;
            }
    for (e = values; *e && used < sizeof list; e++) {
        int n = snprintf(list + used, sizeof list - used, "%s%s",
                         e == values ? "" : ", ", *e);
        if (n < 0) break;
        used += (size_t)n;
    }
    check_fail(c, key, "must be one of: %s", list);
    return -1;
}

int check_real(const struct check *c, json_t *in, const char *key, double min,
               double max, unsigned flags, json_t *out)
{
    json_t *v = json_object_get(in, key);
    double d;

    if (!v || json_is_null(v)) return absent(c, key, flags);
    if (!json_is_number(v)) {
        check_fail(c, key, "must be a number");
        return -1;
    }
    d = json_number_value(v);
    if (!isfinite(d) || d < min || d > max) {
        check_fail(c, key, "must be between %g and %g", min, max);
        return -1;
    }
    if (d == floor(d) && fabs(d) < 1e15)
        json_object_set_new(out, key, json_integer((json_int_t)d));
    else
        json_object_set_new(out, key, json_real(d));
    return 1;
}

int check_date_str(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, i;

    for (i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-') return 0;
        } else if (!isdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    if (s[10]) return 0;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
        (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 0;
    return 1;
}

int check_date(const struct check *c, json_t *in, const char *key,
               unsigned flags, json_t *out)
{
    json_t *v = json_object_get(in, key);

    if (!v || json_is_null(v)) return absent(c, key, flags);
    if (!json_is_string(v) || !check_date_str(json_string_value(v))) {
        check_fail(c, key, "must be a date YYYY-MM-DD");
        return -1;
    }
    json_object_set(out, key, v);
    return 1;
}

int check_strings(const struct check *c, json_t *in, const char *key,
                  size_t max_items, size_t max_chars, json_t *out)
{
    json_t *v = json_object_get(in, key), *arr, *item;
    size_t i;
    int bad = 0;

    if (!v || json_is_null(v)) return 0;
    if (!json_is_array(v)) {
        check_fail(c, key, "must be an array of strings");
        return -1;
    }
    if (json_array_size(v) > max_items) {
        check_fail(c, key, "must have at most %zu items", max_items);
        return -1;
    }
    arr = json_array();
    json_array_foreach(v, i, item) {
        char name[256];
        struct check sub = check_nested(c, key, (int)i, name, sizeof name);
        size_t j;
        json_t *prev;
        char *s;
        int dup = 0;

        if (check_string_value(&sub, NULL, item, max_chars, 0, &s) < 0) {
            bad = 1;
            continue;
        }
        json_array_foreach(arr, j, prev)
            if (!strcmp(json_string_value(prev), s)) dup = 1;
        if (*s && !dup) json_array_append_new(arr, json_string(s));
        free(s);
    }
    if (bad) {
        json_decref(arr);
        return -1;
    }
    json_object_set_new(out, key, arr);
    return 1;
}

json_t *check_merge_patch(json_t *current, json_t *patch)
{
    json_t *out = json_deep_copy(current), *v;
    const char *key;

    if (!out) return NULL;
    json_object_foreach(patch, key, v) {
        if (json_is_null(v))
            json_object_del(out, key);
        else
            json_object_set(out, key, v);
    }
    return out;
}
