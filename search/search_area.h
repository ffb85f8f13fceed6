/*
 * search_area.h: intervention areas as grid-cell tokens of the full-text
 * index, so that "who can work at this place" is a term lookup instead of
 * a spatial join (NOTES.md: FTS5 joined with an R*Tree is ~7x slower than
 * PostGIS; place tokens inside the FTS index are not).
 *
 * The grid has SEARCH_AREA_LEVELS levels of square cells in degrees, 0.1°
 * at level 0 and twice as wide at each next level (up to 12.8°). A disc
 * (home, radius) is written as the cells it touches at the finest level
 * where they are at most 16: "_g2_1234_567". A point is read as its cell
 * at every level; a profile whose disc touches that cell is a candidate,
 * and the exact distance decides. Pure functions; thread-safe.
 */
#ifndef ESSAIM_SEARCH_AREA_H
#define ESSAIM_SEARCH_AREA_H

#include "../util/buf.h"

#define SEARCH_AREA_LEVELS 8
#define SEARCH_AREA_MAX_CELLS 16

/* search_area_disc: append to out the tokens of the cells touched by the
 * disc of radius_km around (lat, lon), separated by spaces. */
void search_area_disc(double lat, double lon, double radius_km,
                      struct buf *out);

/* search_area_point: the token of the cell holding (lat, lon) at level
 * into tok (size >= 32). */
void search_area_point(double lat, double lon, int level, char *tok,
                       size_t size);

#endif
