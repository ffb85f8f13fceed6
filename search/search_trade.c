/*
 * search_trade.c: trade code forms (see search_trade.h).
 */
#include "search_trade.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int search_trade_scheme_ok(const char *scheme)
{
    return !strcmp(scheme, "rome") || !strcmp(scheme, "naf") ||
           !strcmp(scheme, "cpv");
}

static int rome(const char *c, char *out, size_t size)
{
    int i;

    if (strlen(c) != 5 || !isalpha((unsigned char)c[0])) return 0;
    for (i = 1; i < 5; i++)
        if (!isdigit((unsigned char)c[i])) return 0;
    snprintf(out, size, "%c%s", toupper((unsigned char)c[0]), c + 1);
    return 1;
}

static int naf(const char *c, char *out, size_t size)
{
    char d[8];
    size_t n = 0, i;

    /* Collect the characters without the dot: "4322A". */
    for (i = 0; c[i]; i++) {
        if (c[i] == '.' && i == 2) continue;
        if (n >= 5) return 0;
        d[n++] = (char)toupper((unsigned char)c[i]);
    }
    d[n] = 0;
    for (i = 0; i < n && i < 4; i++)
        if (!isdigit((unsigned char)d[i])) return 0;
    if (n < 2 || (n == 5 && !isalpha((unsigned char)d[4]))) return 0;
    if (n == 2)
        snprintf(out, size, "%s", d);
    else
        snprintf(out, size, "%.2s.%s", d, d + 2);
    return 1;
}

static int cpv(const char *c, char *out, size_t size)
{
    size_t i;

    for (i = 0; i < 8; i++)
        if (!isdigit((unsigned char)c[i])) return 0;
    if (c[8] && !(c[8] == '-' && isdigit((unsigned char)c[9]) && !c[10]))
        return 0;
    snprintf(out, size, "%.8s", c);
    return 1;
}

int search_trade_normalize(const char *scheme, const char *code, char *out,
                           size_t size)
{
    char trimmed[32];
    size_t n;

    while (*code == ' ') code++;
    n = strlen(code);
    while (n && code[n - 1] == ' ') n--;
    if (n == 0 || n >= sizeof trimmed) return 0;
    memcpy(trimmed, code, n);
    trimmed[n] = 0;
    if (!strcmp(scheme, "rome")) return rome(trimmed, out, size);
    if (!strcmp(scheme, "naf")) return naf(trimmed, out, size);
    if (!strcmp(scheme, "cpv")) return cpv(trimmed, out, size);
    return 0;
}

json_t *search_trade_ref(const char *s)
{
    const char *colon = strchr(s, ':');
    size_t n = strlen(s), i, digits = 0;

    if (colon && (colon - s == 3 || colon - s == 4)) {
        char scheme[8];

        memcpy(scheme, s, (size_t)(colon - s));
        scheme[colon - s] = 0;
        for (i = 0; scheme[i]; i++)
            scheme[i] = (char)tolower((unsigned char)scheme[i]);
        if (!strcmp(scheme, "free"))
            return json_pack("{s:s, s:s}", "scheme", "free", "label",
                             colon + 1);
        return json_pack("{s:s, s:s}", "scheme", scheme, "code", colon + 1);
    }
    for (i = 0; i < n; i++)
        if (isdigit((unsigned char)s[i])) digits++;
    if (n == 5 && isalpha((unsigned char)s[0]) && digits == 4)
        return json_pack("{s:s, s:s}", "scheme", "rome", "code", s);
    if ((n == 8 && digits == 8) || (n == 10 && digits == 9 && s[8] == '-'))
        return json_pack("{s:s, s:s}", "scheme", "cpv", "code", s);
    if (n >= 2 && n <= 6 && digits >= 2 && isdigit((unsigned char)s[0]) &&
        isdigit((unsigned char)s[1]))
        return json_pack("{s:s, s:s}", "scheme", "naf", "code", s);
    return json_pack("{s:s, s:s}", "scheme", "free", "label", s);
}
