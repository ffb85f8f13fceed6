/*
 * ids.c: record ids (see ids.h).
 */
#include "ids.h"

#include <stdio.h>

int ids_parse(const char *s, long long *id)
{
    long long v = 0;
    int n = 0;

    if (!s) return 0;
    for (; *s; s++, n++) {
        if (*s < '0' || *s > '9' || n >= 18) return 0;
        v = v * 10 + (*s - '0');
    }
    if (n == 0 || v <= 0) return 0;
    *id = v;
    return 1;
}

int ids_parse_json(json_t *v, long long *id)
{
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        *id = (long long)json_integer_value(v);
        return 1;
    }
    return json_is_string(v) && ids_parse(json_string_value(v), id);
}

json_t *ids_json(long long id)
{
    char s[24];

    snprintf(s, sizeof s, "%lld", id);
    return json_string(s);
}
