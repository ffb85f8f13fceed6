/*
 * parse.c: which parser reads a tender notice (see tender.h), and the
 * helpers both parsers share: CPV codes, ISO 8601 date-times, lists
 * without duplicates, the size cap.
 * Their prototypes are in parse_int.h.
 */
#include "tender.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../util/check.h"
#include "parse_int.h"


/* skip_blank: buf past a UTF-8 byte order mark and white space. */
static const char *skip_blank(const char *p, const char *end)
{
    if (end - p >= 3 && (unsigned char)p[0] == 0xEF &&
        (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        p += 3;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

const char *tender_format(const char *buf, size_t len)
{
    const char *p;

    if (!buf) return NULL;
    p = skip_blank(buf, buf + len);
    if (p == buf + len) return NULL;
    if (*p == '{' || *p == '[') return "ocds";
    if (*p == '<') return "eforms";
    return NULL;
}

enum rc tender_parse(const char *buf, size_t len, json_t *errs, json_t **out)
{
    const char *fmt;
    struct check c = {errs, ""};

    *out = NULL;
    if (tender_too_big(len, errs)) return RC_TOOBIG;
    fmt = tender_format(buf, len);
    if (!fmt) {
        check_fail(&c, "document",
                   "neither JSON (an OCDS release package) nor XML "
                   "(an eForms notice)");
        return RC_UNSUPPORTED;
    }
    if (!strcmp(fmt, "ocds")) return tender_from_ocds(buf, len, errs, out);
    return tender_from_eforms(buf, len, errs, out);
}

/* tender_too_big: 1 (and an error on "document") when len is over
 * TENDER_MAX_BYTES, else 0. */
int tender_too_big(size_t len, json_t *errs)
{
    struct check c = {errs, ""};

    if (len <= (size_t)TENDER_MAX_BYTES) return 0;
    check_fail(&c, "document", "larger than %ld bytes", TENDER_MAX_BYTES);
    return 1;
}

/* tender_cpv_code: the 8 digits of a CPV code written "45000000" or with
 * its check digit "45000000-7" (spaces around are ignored), into out
 * (NUL-terminated). 0 on success, -1 when in is not such a code. The
 * check digit is dropped, not verified. */
int tender_cpv_code(const char *in, char out[9])
{
    size_t n = 0;

    while (*in == ' ' || *in == '\t' || *in == '\n' || *in == '\r') in++;
    for (; n < 8; n++) {
        if (in[n] < '0' || in[n] > '9') return -1;
        out[n] = in[n];
    }
    out[8] = '\0';
    in += 8;
    if (*in == '-') {
        if (in[1] < '0' || in[1] > '9') return -1;
        in += 2;
    }
    while (*in == ' ' || *in == '\t' || *in == '\n' || *in == '\r') in++;
    return *in ? -1 : 0;
}

/* digits: the value of the n decimal digits at s, or -1. */
static int digits(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* tender_utc: an ISO 8601 date-time "YYYY-MM-DDTHH:MM:SS" with optional
 * fractions of a second and an optional offset ("Z", "+01:00", "-0400"),
 * written to out as "YYYY-MM-DDTHH:MM:SSZ" in UTC (fractions dropped).
 * Without an offset the time is local to an unknown zone: it is copied
 * as "YYYY-MM-DDTHH:MM:SS", without "Z". A date alone "YYYY-MM-DD" (with
 * an optional offset) means the end of that day, 23:59:59. 0 on success,
 * -1 when in is not such a date-time (also impossible dates: 2019-02-30,
 * 25:00). size must be at least 21. */
int tender_utc(const char *in, char *out, size_t size)
{
    char date[11];
    const char *p;
    int y, mo, d, h = 23, mi = 59, s = 59, off = 0, has_off = 0;
    struct tm tm;
    time_t t;

    if (size < 21 || strlen(in) < 10) return -1;
    memcpy(date, in, 10);
    date[10] = '\0';
    if (!check_date_str(date)) return -1;
    y = digits(in, 4);
    mo = digits(in + 5, 2);
    d = digits(in + 8, 2);
    p = in + 10;
    if (*p == 'T' || *p == 't') {
        p++;
        h = digits(p, 2);
        if (h < 0 || h > 23 || p[2] != ':') return -1;
        mi = digits(p + 3, 2);
        if (mi < 0 || mi > 59 || p[5] != ':') return -1;
        s = digits(p + 6, 2);
        if (s < 0 || s > 60) return -1;
        if (s == 60) s = 59; /* a leap second: close enough */
        p += 8;
        if (*p == '.' || *p == ',') {
            p++;
            if (*p < '0' || *p > '9') return -1;
            while (*p >= '0' && *p <= '9') p++;
        }
    }
    if (*p == 'Z' || *p == 'z') {
        has_off = 1;
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om;

        p++;
        oh = digits(p, 2);
        if (oh < 0 || oh > 14) return -1;
        p += 2;
        if (*p == ':') p++;
        om = digits(p, 2);
        if (om < 0 || om > 59) return -1;
        p += 2;
        off = sign * (oh * 60 + om) * 60;
        has_off = 1;
    }
    if (*p) return -1;
    if (!has_off) {
        snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi,
                 s);
        return 0;
    }
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    t = timegm(&tm) - off;
    if (!gmtime_r(&t, &tm)) return -1;
    if (!strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm)) return -1;
    return strlen(out) == 20 ? 0 : -1; /* years 1000..9999 only */
}

/* tender_add_unique: append the string s to arr unless it is there.
 * 0 on success, -1 when out of memory. */
int tender_add_unique(json_t *arr, const char *s)
{
    size_t i;
    json_t *v;

    json_array_foreach(arr, i, v)
    {
        if (!strcmp(json_string_value(v), s)) return 0;
    }
    return json_array_append_new(arr, json_string(s));
}
