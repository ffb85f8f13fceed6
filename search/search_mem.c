/*
 * search_mem.c: lookups in the in-memory table (see search_mem.h).
 */
#include "search_mem.h"

#include <stdlib.h>
#include <string.h>

/* find: the index of key in a sorted table of n strings of width bytes,
 * or -1. */
static int find(const char *table, size_t width, size_t n, const char *key)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int k = strcmp(table + mid * width, key);

        if (k == 0) return (int)mid;
        if (k < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int search_mem_dep(const struct search_mem *m, const char *code)
{
    char c[4];
    size_t n = strlen(code);

    if (n == 0 || n > 3) return -1;
    memcpy(c, code, n + 1);
    if (c[1] == 'a' || c[1] == 'b') c[1] = (char)(c[1] - 32);
    return find(m->deps[0], sizeof m->deps[0], m->ndeps, c);
}

int search_mem_code(const struct search_mem *m, const char *code)
{
    return m->ncodes ? find(m->codes[0], sizeof m->codes[0], m->ncodes, code)
                     : -1;
}

uint32_t search_mem_insee(const char *insee)
{
    uint32_t v = 0;
    int i;

    if (!insee || strlen(insee) != 5) return 0;
    for (i = 0; i < 5; i++) {
        char c = insee[i];

        if (i == 1 && (c == 'A' || c == 'a')) {
            v = 1000 + v; /* "2A": 1002..., never a numeric code's prefix */
            continue;
        }
        if (i == 1 && (c == 'B' || c == 'b')) {
            v = 2000 + v;
            continue;
        }
        if (c < '0' || c > '9') return 0;
        v = v * 10 + (uint32_t)(c - '0');
    }
    return v;
}

int32_t search_mem_day(const char *s)
{
    int y, m, d, era, i;
    unsigned yoe, doy, doe;

    if (!s || strlen(s) != 10) return 0;
    /* Digits where digits go: other bytes (an unchecked parameter) would
     * make the arithmetic below overflow. */
    for (i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
            return 0;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
        (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    /* Howard Hinnant's days_from_civil. */
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400; /* signed: year 0 is in era -1 */
    yoe = (unsigned)(y - era * 400);
    doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)era * 146097 + (int32_t)doe - 719468;
}
