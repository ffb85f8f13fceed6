/*
 * search_place.h: French places: communes, postcodes, départements and
 * régions; resolving what a person types ("saint etienne", "44000",
 * "44109", "47.2,-1.55") to a commune with coordinates; distances.
 *
 * The communes come from data/communes.tsv (embedded in the binary, see
 * data/README.md); communes without coordinates in the sources carry a
 * fallback and a precision flag, or no coordinates at all ("unknown",
 * never 0,0). Pure functions are in search_place.c, SQL in
 * search_place_db.c. Thread-safe given one struct db per thread.
 */
#ifndef ESSAIM_SEARCH_PLACE_H
#define ESSAIM_SEARCH_PLACE_H

#include <jansson.h>

#include "../store/db.h"

struct place {
    char insee[8];        /* COG code, "" for bare coordinates far from any
                             commune */
    char name[96];        /* official name */
    char departement[4];  /* "44", "2A", "974" */
    char region[4];       /* "52" */
    char postcode[8];     /* the commune's first postcode */
    long population;      /* 0 when unknown */
    double lat, lon;      /* WGS84, valid when located */
    int located;          /* 1 when lat/lon are known */
    char precision[20];   /* commune, former_communes, postcode,
                             departement, coordinates or unknown */
};

/* search_place_km: great-circle distance in kilometres. */
double search_place_km(double lat1, double lon1, double lat2, double lon2);

/* search_place_parse_latlon: "47.21,-1.55" (spaces allowed) -> 1 and the
 * coordinates when in range; 0 when s is not of that form; -1 when it is
 * but out of range. */
int search_place_parse_latlon(const char *s, double *lat, double *lon);

/* search_place_is_insee: 1 if s has the form of an INSEE code. */
int search_place_is_insee(const char *s);

/* search_place_is_postcode: 1 if s is five digits. */
int search_place_is_postcode(const char *s);

/* search_place_fold_query: fold a typed place name for lookup and expand
 * "st"/"ste" to "saint"/"sainte". A trailing département or postcode
 * ("Saint-Denis (93)", "saint denis 97400") goes to qual (size >= 8), ""
 * if none. The result is a new string (free() it), NULL when out of
 * memory. */
char *search_place_fold_query(const char *s, char *qual);

/* search_place_json: {insee, name, departement, region, postcode, lat,
 * lon, precision} as a new object. */
json_t *search_place_json(const struct place *p);

/* search_place_resolve: resolve q (INSEE code, postcode, former INSEE
 * code, commune name, or "lat,lon"). A name shared by several communes
 * resolves to the most populous; *alternatives is then a new array of the
 * others ({insee, name, departement, population}), else NULL. Returns
 * RC_NOTFOUND for an unknown place, RC_INVALID for coordinates out of
 * range. */
enum rc search_place_resolve(struct db *db, const char *q, struct place *out,
                             json_t **alternatives);

/* search_place_get: the commune of an INSEE code (current or former). */
enum rc search_place_get(struct db *db, const char *insee, struct place *out);

/* search_place_nearest: the commune nearest to lat/lon within max_km. */
enum rc search_place_nearest(struct db *db, double lat, double lon,
                             double max_km, struct place *out);

/* search_place_complete: communes whose name starts with prefix (folded)
 * or whose postcode starts with it, most populous first; a new array of
 * place objects. */
enum rc search_place_complete(struct db *db, const char *prefix, int limit,
                              json_t **out);

/* search_place_each: call fn on every current commune that has
 * coordinates (municipal arrondissements and communes of 'unknown'
 * precision are skipped), in INSEE code order. p is valid only during the
 * call. fn returns 0 to go on, non-zero to stop the walk early (the walk
 * then still returns RC_OK: fn keeps its reason in arg). fn must not call
 * search_place_each itself. RC_DB on a database error. */
enum rc search_place_each(struct db *db,
                          int (*fn)(const struct place *p, void *arg),
                          void *arg);

/* search_place_departement_name / region_name: the name for a code, into
 * buf; RC_NOTFOUND for an unknown code. */
enum rc search_place_departement_name(struct db *db, const char *code,
                                      char *buf, size_t size);
enum rc search_place_region_name(struct db *db, const char *code, char *buf,
                                 size_t size);

/* search_place_load: replace the communes, départements and régions with
 * the embedded data, or with the communes of file (TSV with a header; the
 * columns of data/communes.tsv or of the COG list "insee, nom, type,
 * departement, region, population, codes_postaux, anciens_codes"; missing
 * coordinates come from the embedded data). In one transaction. Prints
 * rejected lines to stderr; *loaded and *rejected count rows. */
enum rc search_place_load(struct db *db, const char *file, long *loaded,
                          long *rejected);

/* search_place_ensure: load the embedded places if the table is empty. */
enum rc search_place_ensure(struct db *db);



/* search_place_check: validate the location object in[key] ({insee},
 * {postcode[, city]}, {city}, {lat, lon}, or a commune plus lat/lon) and
 * set out[key] to {insee, postcode, city, departement, lat, lon}. Errors
 * name the field ("location.insee"). flags: CHECK_REQUIRED. On success
 * *place (when not NULL) is the resolved place. Returns as check.h. */
struct check;
int search_place_check(struct db *db, const struct check *c, json_t *in,
                       const char *key, unsigned flags, json_t *out,
                       struct place *place);

/* search_place_check_value: the same for a value v named by c->path
 * ("sites[2]"); keys listed in extra[] (NULL-terminated, may be NULL) are
 * allowed in v and ignored. On success *clean is a new object. */
int search_place_check_value(struct db *db, const struct check *c, json_t *v,
                             const char *const *extra, json_t **clean,
                             struct place *place);

/* search_place_check_zone: canonical form of an intervention zone
 * ("dep:44", "reg:52", "FR") into buf (size >= 12); 1 when it exists,
 * 0 when unknown or malformed, -1 on a database error. */
int search_place_check_zone(struct db *db, const char *zone, char *buf,
                            size_t size);
#endif
