/*
 * search_place.c: pure place functions: distances, parsing, folding
 * (see search_place.h).
 */
#include "search_place.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/text.h"

double search_place_km(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371.0088, rad = M_PI / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) *
                   sin(dlon / 2);

    if (a > 1) a = 1;
    return 2 * r * asin(sqrt(a));
}

int search_place_parse_latlon(const char *s, double *lat, double *lon)
{
    char *end;
    double a, b;

    while (isspace((unsigned char)*s)) s++;
    if (!*s || !(isdigit((unsigned char)*s) || *s == '-' || *s == '+' ||
                 *s == '.'))
        return 0;
    a = strtod(s, &end);
    if (end == s) return 0;
    s = end;
    while (isspace((unsigned char)*s)) s++;
    if (*s != ',' && *s != ';') return 0;
    s++;
    b = strtod(s, &end);
    if (end == s) return 0;
    s = end;
    while (isspace((unsigned char)*s)) s++;
    if (*s) return 0;
    if (!isfinite(a) || !isfinite(b) || a < -90 || a > 90 || b < -180 ||
        b > 180)
        return -1;
    *lat = a;
    *lon = b;
    return 1;
}

int search_place_is_insee(const char *s)
{
    int i;

    if (strlen(s) != 5) return 0;
    if (!(isdigit((unsigned char)s[0]) &&
          (isdigit((unsigned char)s[1]) ||
           (s[0] == '2' && (s[1] == 'A' || s[1] == 'B' || s[1] == 'a' ||
                            s[1] == 'b')))))
        return 0;
    for (i = 2; i < 5; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    return 1;
}

int search_place_is_postcode(const char *s)
{
    int i;

    for (i = 0; i < 5; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    return s[5] == 0;
}

/* is_qualifier: a département code (2-3 digits, 2a/2b) or a postcode. */
static int is_qualifier(const char *w, size_t n)
{
    size_t i, digits = 0;

    for (i = 0; i < n; i++)
        if (isdigit((unsigned char)w[i])) digits++;
    if (digits == n && (n == 2 || n == 3 || n == 5)) return 1;
    return n == 2 && w[0] == '2' && (w[1] == 'a' || w[1] == 'b');
}

char *search_place_fold_query(const char *s, char *qual)
{
    char *f = text_fold_dup(s), *last;
    struct buf out = {0};
    const char *w;

    qual[0] = 0;
    if (!f) return NULL;
    last = strrchr(f, ' ');
    if (last && is_qualifier(last + 1, strlen(last + 1))) {
        snprintf(qual, 8, "%s", last + 1);
        if (qual[1] == 'a' || qual[1] == 'b') qual[1] = (char)toupper(qual[1]);
        *last = 0;
    }
    for (w = f; *w;) {
        const char *e = strchr(w, ' ');
        size_t n = e ? (size_t)(e - w) : strlen(w);

        if (out.len) buf_addc(&out, ' ');
        if (n == 2 && !strncmp(w, "st", 2))
            buf_adds(&out, "saint");
        else if (n == 3 && !strncmp(w, "ste", 3))
            buf_adds(&out, "sainte");
        else
            buf_add(&out, w, n);
        w += n;
        if (*w) w++;
    }
    free(f);
    return buf_take(&out);
}

json_t *search_place_json(const struct place *p)
{
    json_t *o = json_object();

    if (!o) return NULL;
    json_object_set_new(o, "insee", *p->insee ? json_string(p->insee)
                                               : json_null());
    json_object_set_new(o, "name", json_string(p->name));
    json_object_set_new(o, "departement", json_string(p->departement));
    json_object_set_new(o, "region", json_string(p->region));
    json_object_set_new(o, "postcode", *p->postcode ? json_string(p->postcode)
                                                     : json_null());
    json_object_set_new(o, "lat", p->located ? json_real(p->lat) : json_null());
    json_object_set_new(o, "lon", p->located ? json_real(p->lon) : json_null());
    json_object_set_new(o, "precision", json_string(p->precision));
    return o;
}
