/*
 * search_area.c: grid cells of intervention areas (see search_area.h).
 */
#include "search_area.h"

#include <math.h>
#include <stdio.h>

#include "search_place.h"

static double cell_size(int level)
{
    return 0.1 * (double)(1 << level);
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* touches: does the disc touch cell (i, j) of size s? */
static int touches(double lat, double lon, double r, long i, long j, double s)
{
    double lat0 = i * s - 90, lon0 = j * s - 180;
    double nlat = clamp(lat, lat0, lat0 + s), nlon = clamp(lon, lon0, lon0 + s);

    return search_place_km(lat, lon, nlat, nlon) <= r;
}

/* walk: count (out NULL) or write the touched cells at level. When
 * counting, a bounding box of more than 4 * SEARCH_AREA_MAX_CELLS cells
 * answers that number at once (the disc covers most of its box). */
static int walk(double lat, double lon, double r, int level, struct buf *out)
{
    double s = cell_size(level), k = cos(lat * M_PI / 180);
    double dlat = r / 111.2 + 1e-9, dlon;
    long i, j, i0, i1, j0, j1;
    int n = 0;

    if (k < 0.01) k = 0.01;
    dlon = dlat / k;
    if (dlon > 180) dlon = 180;
    i0 = (long)floor((clamp(lat - dlat, -90, 90) + 90) / s);
    i1 = (long)floor((clamp(lat + dlat, -90, 90) + 90) / s);
    j0 = (long)floor((lon - dlon + 180) / s);
    j1 = (long)floor((lon + dlon + 180) / s);
    if (!out && (i1 - i0 + 1) * (j1 - j0 + 1) > 4 * SEARCH_AREA_MAX_CELLS)
        return 4 * SEARCH_AREA_MAX_CELLS + 1;
    for (i = i0; i <= i1; i++)
        for (j = j0; j <= j1; j++) {
            if (!touches(lat, lon, r, i, j, s)) continue;
            n++;
            if (out) {
                if (out->len) buf_addc(out, ' ');
                buf_addf(out, "_g%d_%ld_%ld", level, i, j);
            }
        }
    return n;
}

void search_area_disc(double lat, double lon, double radius_km,
                      struct buf *out)
{
    int level;

    if (radius_km < 0) radius_km = 0;
    for (level = 0; level < SEARCH_AREA_LEVELS - 1; level++)
        if (walk(lat, lon, radius_km, level, NULL) <= SEARCH_AREA_MAX_CELLS)
            break;
    walk(lat, lon, radius_km, level, out);
}

void search_area_point(double lat, double lon, int level, char *tok,
                       size_t size)
{
    double s = cell_size(level);

    snprintf(tok, size, "_g%d_%ld_%ld", level,
             (long)floor((clamp(lat, -90, 90) + 90) / s),
             (long)floor((lon + 180) / s));
}
