/*
 * fuzz_place.c: the place resolver (search/search_place*.c): what a
 * person types in "near" or in the places autocompletion, as the API
 * hands it over (valid UTF-8 without NUL, under 256 bytes; other inputs
 * are refused before, by srv_query), resolved, completed, read as a zone
 * and as a location object {insee | postcode | city}.
 *
 * The communes, départements and régions are loaded once into the
 * shared :memory: database (fuzz_db(), like tests/test_search_place.c);
 * nothing is written.
 */
#include <math.h>

#include "fuzz.h"

#include "../../util/check.h"
#include "../../util/text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_db();
    return 0;
}

/* place_ok: the fields of a resolved place are strings and coordinates
 * in range. */
static void place_ok(const struct place *p)
{
    if (!memchr(p->insee, 0, sizeof p->insee) ||
        !memchr(p->name, 0, sizeof p->name) ||
        !memchr(p->departement, 0, sizeof p->departement) ||
        !memchr(p->postcode, 0, sizeof p->postcode) ||
        !memchr(p->precision, 0, sizeof p->precision))
        fuzz_fail("a place field is not terminated");
    if (p->located && (!isfinite(p->lat) || !isfinite(p->lon) ||
                       fabs(p->lat) > 90 || fabs(p->lon) > 180))
        fuzz_fail("place at %g,%g", p->lat, p->lon);
}

static void as_location(struct db *db, const char *key, const char *s)
{
    struct check c = {json_array(), ""};
    json_t *in = json_pack("{s:s}", key, s), *clean = NULL;
    struct place p;
    int r;

    memset(&p, 0, sizeof p);
    r = search_place_check_value(db, &c, in, NULL, &clean, &p);
    if (r == 1) {
        if (!json_is_object(clean)) fuzz_fail("accepted without a value");
        place_ok(&p);
    } else if (r < 0 && !json_array_size(c.errs)) {
        fuzz_fail("location.%s refused without an error", key);
    }
    json_decref(clean);
    json_decref(in);
    json_decref(c.errs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct db *db = fuzz_db();
    json_t *alts = NULL, *list = NULL;
    struct place p;
    char *s, *folded, qual[8], zone[12];
    double lat, lon;
    enum rc rc;

    if (size >= 256 || !text_utf8_valid((const char *)data, size)) return 0;
    s = fuzz_str(data, size);

    memset(&p, 0, sizeof p);
    rc = search_place_resolve(db, s, &p, &alts);
    if (rc == RC_OK)
        place_ok(&p);
    else if (rc != RC_NOTFOUND && rc != RC_INVALID)
        fuzz_fail("resolve: rc %s", rc_name(rc));
    if (alts && !json_is_array(alts)) fuzz_fail("alternatives not an array");
    json_decref(alts);

    rc = search_place_complete(db, s, 10, &list);
    if (rc != RC_OK) fuzz_fail("complete: rc %s", rc_name(rc));
    if (!json_is_array(list) || json_array_size(list) > 10)
        fuzz_fail("complete: not an array of at most 10");
    json_decref(list);

    if (search_place_check_zone(db, s, zone, sizeof zone) < 0)
        fuzz_fail("zone: database error");
    if (search_place_parse_latlon(s, &lat, &lon) == 1 &&
        (fabs(lat) > 90 || fabs(lon) > 180))
        fuzz_fail("latlon %g,%g accepted", lat, lon);
    folded = search_place_fold_query(s, qual);
    if (!folded) fuzz_fail("fold: NULL");
    if (!memchr(qual, 0, sizeof qual)) fuzz_fail("qual not terminated");
    free(folded);

    as_location(db, "insee", s);
    as_location(db, "postcode", s);
    as_location(db, "city", s);
    free(s);
    return 0;
}
