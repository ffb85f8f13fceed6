/*
 * test_search_place.c: search/search_place.c and search_place_db.c.
 *
 * Level 1 (pure): distances, "lat,lon" parsing, the forms of INSEE codes
 * and postcodes, the folding of typed place names. Level 2 (a :memory:
 * database with the shipped places, test_db_new()): resolving what a
 * person types, completion, intervention zones, communes without
 * coordinates, and location checking.
 */
#include "testutil.h"

#include "../util/check.h"
#include "../util/text.h"

/* ================================================================ pure */

static void test_km(void **state)
{
    double paris_lyon;

    (void)state;
    paris_lyon = search_place_km(48.8566, 2.3522, 45.7640, 4.8357);
    assert_float_equal(paris_lyon, 392.0, 2.0);
    /* symmetric */
    assert_float_equal(search_place_km(45.7640, 4.8357, 48.8566, 2.3522),
                       paris_lyon, 1e-9);
    assert_float_equal(search_place_km(47.2, -1.55, 47.2, -1.55), 0.0, 1e-9);
    /* one degree of latitude is about 111.2 km */
    assert_float_equal(search_place_km(45, 3, 46, 3), 111.2, 0.1);
    /* across the antimeridian: 0.2 degree, not 359.8 */
    assert_float_equal(search_place_km(0, 179.9, 0, -179.9), 22.24, 0.05);
    /* antipodes: half the circumference, no NaN from rounding */
    assert_float_equal(search_place_km(0, 0, 0, 180), 20015.1, 1.0);
    assert_float_equal(search_place_km(90, 0, -90, 0), 20015.1, 1.0);
}

static void test_parse_latlon(void **state)
{
    static const struct {
        const char *s;
        int r;
        double lat, lon;
    } cases[] = {
        {"47.21,-1.55", 1, 47.21, -1.55},
        {" 47.21 , -1.55 ", 1, 47.21, -1.55},
        {"47.21;-1.55", 1, 47.21, -1.55},
        {"-21.1,55.5", 1, -21.1, 55.5},
        {"+48,2", 1, 48, 2},
        {".5,.5", 1, 0.5, 0.5},
        {"90,180", 1, 90, 180},
        {"-90,-180", 1, -90, -180},
        {"91,0", -1, 0, 0},
        {"-90.0001,0", -1, 0, 0},
        {"0,180.5", -1, 0, 0},
        {"0,-181", -1, 0, 0},
        {"1e999,0", -1, 0, 0},
        {"0,1e999", -1, 0, 0},
        {"0,nan", -1, 0, 0},
        {"abc", 0, 0, 0},
        {"44109", 0, 0, 0},
        {"", 0, 0, 0},
        {"   ", 0, 0, 0},
        {"47.21", 0, 0, 0},
        {"47.21,", 0, 0, 0},
        {",-1.55", 0, 0, 0},
        {"47.21 -1.55", 0, 0, 0},
        {"47.21,-1.55,3", 0, 0, 0},
        {"47.21,-1.55x", 0, 0, 0},
        {"nan,0", 0, 0, 0},
        {"inf,0", 0, 0, 0},
        {"saint etienne", 0, 0, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        double lat = 999, lon = 999;
        int r = search_place_parse_latlon(cases[i].s, &lat, &lon);

        if (r != cases[i].r)
            fail_msg("parse_latlon(\"%s\") = %d, expected %d", cases[i].s, r,
                     cases[i].r);
        if (r == 1) {
            assert_float_equal(lat, cases[i].lat, 1e-9);
            assert_float_equal(lon, cases[i].lon, 1e-9);
        } else if (lat != 999 || lon != 999) {
            fail_msg("parse_latlon(\"%s\") wrote its outputs on failure",
                     cases[i].s);
        }
    }
}

static void test_is_insee(void **state)
{
    static const char *const yes[] = {"44109", "2A004", "2B033", "2b033",
                                      "2a004", "97411", "01001", "75056"};
    static const char *const no[] = {"4410",  "441090", "2C004", "3A004",
                                     "A4109", "2A00A",  "",      "44 09",
                                     "4410a", "2AB04",  "-4410"};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof yes / sizeof *yes; i++)
        if (!search_place_is_insee(yes[i])) fail_msg("\"%s\" is INSEE", yes[i]);
    for (i = 0; i < sizeof no / sizeof *no; i++)
        if (search_place_is_insee(no[i])) fail_msg("\"%s\" is not", no[i]);
}

static void test_is_postcode(void **state)
{
    static const char *const yes[] = {"44000", "01400", "97400", "00000"};
    static const char *const no[] = {"4400", "440000", "4400a", "2A004", "",
                                     " 4400", "44 00", "-4400"};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof yes / sizeof *yes; i++)
        if (!search_place_is_postcode(yes[i]))
            fail_msg("\"%s\" is a postcode", yes[i]);
    for (i = 0; i < sizeof no / sizeof *no; i++)
        if (search_place_is_postcode(no[i]))
            fail_msg("\"%s\" is not a postcode", no[i]);
}

static void test_fold_query(void **state)
{
    static const struct {
        const char *in, *out, *qual;
    } cases[] = {
        {"St-\xC3\x89tienne", "saint etienne", ""},
        {"Ste Foy", "sainte foy", ""},
        {"Saint-Denis (93)", "saint denis", "93"},
        {"saint denis 97400", "saint denis", "97400"},
        {"Ajaccio 2A", "ajaccio", "2A"},
        {"Bastia 2b", "bastia", "2B"},
        {"Saint-Denis 974", "saint denis", "974"},
        {"St Denis (974)", "saint denis", "974"},
        {"Paris", "paris", ""},
        {"  NANTES  ", "nantes", ""},
        {"st", "saint", ""},
        {"Stains", "stains", ""},          /* only the whole word */
        {"Pont-St-Esprit", "pont saint esprit", ""},
        {"Rue 4", "rue 4", ""},            /* 1 digit: not a qualifier */
        {"Saint-Denis 9300", "saint denis 9300", ""}, /* 4 digits: neither */
        {"Saint-Denis 930000", "saint denis 930000", ""},
        {"93", "93", ""},                  /* a lone word is the name */
        {"", "", ""},
        {"()", "", ""},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        char qual[8] = "junk";
        char *f = search_place_fold_query(cases[i].in, qual);

        assert_non_null(f);
        if (strcmp(f, cases[i].out) != 0 || strcmp(qual, cases[i].qual) != 0)
            fail_msg("fold_query(\"%s\") = \"%s\" qual \"%s\", expected"
                     " \"%s\" qual \"%s\"",
                     cases[i].in, f, qual, cases[i].out, cases[i].qual);
        free(f);
    }
}

/* search_place_json: a located and an unlocated place. */
static void test_place_json(void **state)
{
    struct place p = {"44109", "Nantes", "44", "52", "44000", 327734,
                      47.2, -1.55, 1, "commune"};
    json_t *o;

    (void)state;
    o = search_place_json(&p);
    assert_string_equal(json_string_value(json_object_get(o, "insee")),
                        "44109");
    assert_string_equal(json_string_value(json_object_get(o, "postcode")),
                        "44000");
    assert_float_equal(json_real_value(json_object_get(o, "lat")), 47.2, 1e-9);
    assert_string_equal(json_string_value(json_object_get(o, "precision")),
                        "commune");
    json_decref(o);
    p.located = 0;
    p.insee[0] = 0;
    p.postcode[0] = 0;
    snprintf(p.precision, sizeof p.precision, "unknown");
    o = search_place_json(&p);
    assert_true(json_is_null(json_object_get(o, "lat")));
    assert_true(json_is_null(json_object_get(o, "lon")));
    assert_true(json_is_null(json_object_get(o, "insee")));
    assert_true(json_is_null(json_object_get(o, "postcode")));
    json_decref(o);
}

/* ============================================== level 2: the database */

static int setup_db(void **state)
{
    *state = test_db_new();
    return 0;
}

static int teardown_db(void **state)
{
    db_close(*state);
    return 0;
}

/* resolve: q must resolve to insee, with no alternatives (want_alts 0)
 * or some (1). */
static void expect_resolve(struct db *db, const char *q, const char *insee,
                           int want_alts, struct place *out)
{
    json_t *alts = (json_t *)1;
    enum rc rc = search_place_resolve(db, q, out, &alts);

    if (rc != RC_OK) fail_msg("resolve(\"%s\"): rc %s", q, rc_name(rc));
    if (strcmp(out->insee, insee) != 0)
        fail_msg("resolve(\"%s\") = %s %s, expected %s", q, out->insee,
                 out->name, insee);
    if (want_alts >= 0 && (alts != NULL) != want_alts)
        fail_msg("resolve(\"%s\"): alternatives %s", q,
                 alts ? "present" : "absent");
    json_decref(alts);
}

static void test_resolve_insee_postcode_name(void **state)
{
    struct db *db = *state;
    struct place p;

    expect_resolve(db, "44109", "44109", 0, &p);
    assert_string_equal(p.name, "Nantes");
    assert_string_equal(p.departement, "44");
    assert_string_equal(p.region, "52");
    assert_string_equal(p.postcode, "44000");
    assert_true(p.located);
    assert_float_equal(p.lat, 47.23, 0.05);
    assert_float_equal(p.lon, -1.55, 0.05);
    assert_string_equal(p.precision, "commune");
    expect_resolve(db, "  44109", "44109", 0, &p);
    expect_resolve(db, "44000", "44109", -1, &p);
    assert_string_equal(p.name, "Nantes");
    expect_resolve(db, "saint etienne", "42218", 0, &p);
    assert_string_equal(p.name, "Saint-\xC3\x89tienne");
    expect_resolve(db, "St-\xC3\x89tienne", "42218", 0, &p);
    expect_resolve(db, "SAINT-ETIENNE", "42218", 0, &p);
    expect_resolve(db, "paris", "75056", 0, &p);
    assert_int_equal(p.population > 2000000, 1);
    expect_resolve(db, "2A004", "2A004", 0, &p); /* Ajaccio */
    expect_resolve(db, "2a004", "2A004", 0, &p);
    expect_resolve(db, "Ajaccio 2A", "2A004", 0, &p);
}

/* A postcode of an arrondissement resolves to the arrondissement, the
 * whole commune being an alternative. search_place_resolve tries a
 * five-digit q as an INSEE code first, current or former
 * (search_place_get), before the postcodes: 75001 is the former code of
 * Alfortville (94002, in the Seine département before 1968), so "75001"
 * resolves to Alfortville; 75005 to Aubervilliers, 75020 to Chatillon. */
static void test_resolve_arrondissement_postcode(void **state)
{
    struct db *db = *state;
    struct place p;
    json_t *alts = NULL;

    assert_int_equal(search_place_resolve(db, "75001", &p, &alts), RC_OK);
    assert_string_equal(p.insee, "75101");
    assert_string_equal(p.departement, "75");
    assert_non_null(alts);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(alts, 0), "insee")),
        "75056");
    json_decref(alts);
}

/* "Saint-Denis": the most populous (La Réunion's, 97411, in the shipped
 * data) with the others as alternatives; a qualifier picks one. */
static void test_resolve_homonyms(void **state)
{
    struct db *db = *state;
    struct place p;
    json_t *alts = NULL, *a;
    size_t i;
    int seen93 = 0;
    long prev = -1;

    assert_int_equal(search_place_resolve(db, "Saint-Denis", &p, &alts),
                     RC_OK);
    assert_string_equal(p.insee, "97411");
    assert_non_null(alts);
    assert_int_equal(json_array_size(alts), 3);
    json_array_foreach(alts, i, a) {
        const char *insee = json_string_value(json_object_get(a, "insee"));
        long pop = (long)json_integer_value(json_object_get(a, "population"));

        assert_string_not_equal(insee, "97411");
        assert_string_equal(json_string_value(json_object_get(a, "name")),
                            "Saint-Denis");
        assert_non_null(json_object_get(a, "departement"));
        assert_true(pop <= p.population);
        if (prev >= 0) assert_true(pop <= prev); /* most populous first */
        prev = pop;
        if (!strcmp(insee, "93066")) seen93 = 1;
    }
    assert_true(seen93);
    json_decref(alts);
    expect_resolve(db, "saint denis 93", "93066", -1, &p);
    expect_resolve(db, "Saint-Denis (93)", "93066", -1, &p);
    expect_resolve(db, "saint denis 97400", "97411", -1, &p);
    expect_resolve(db, "Saint-Denis (11)", "11339", -1, &p);
    expect_resolve(db, "Saint-Denis 30500", "30247", -1, &p);
    /* a qualifier that matches none of them */
    alts = NULL;
    assert_int_equal(search_place_resolve(db, "saint denis 44", &p, &alts),
                     RC_NOTFOUND);
    assert_null(alts);
}

/* A département qualifier must select by département. The filter in
 * query() (search_place_db.c) also accepts a homonym when the qualifier
 * occurs anywhere in its postcode list (strstr), so "Fleury (60)"
 * resolves to Fleury (11) whose postcode 11560 contains "60", and
 * "Sainte-Croix 26" to Sainte-Croix (12), postcode 12260. */
static void test_resolve_qualifier_is_departement(void **state)
{
    struct db *db = *state;
    struct place p;

    expect_resolve(db, "Fleury (60)", "60239", -1, &p);
    assert_string_equal(p.departement, "60");
    expect_resolve(db, "Sainte-Croix 26", "26299", -1, &p);
    expect_resolve(db, "Brie 02", "02122", -1, &p);
}

/* Coordinates: the nearest commune, with the coordinates as given. */
static void test_resolve_coordinates(void **state)
{
    struct db *db = *state;
    struct place p;
    json_t *alts = (json_t *)1;

    assert_int_equal(search_place_resolve(db, "48.8566,2.3522", &p, &alts),
                     RC_OK);
    assert_null(alts);
    assert_string_equal(p.departement, "75");
    assert_memory_equal(p.insee, "75", 2);
    assert_true(p.located);
    assert_float_equal(p.lat, 48.8566, 1e-9);
    assert_float_equal(p.lon, 2.3522, 1e-9);
    assert_string_equal(p.precision, "coordinates");
    /* far from any commune (mid-Atlantic): located, no commune */
    assert_int_equal(search_place_resolve(db, "45,-30", &p, &alts), RC_OK);
    assert_string_equal(p.insee, "");
    assert_true(p.located);
    assert_float_equal(p.lat, 45, 1e-9);
    assert_string_equal(p.precision, "coordinates");
}

static void test_resolve_refusals(void **state)
{
    struct db *db = *state;
    struct place p;
    json_t *alts = (json_t *)1;

    assert_int_equal(search_place_resolve(db, "Nowhere-sur-Rien", &p, &alts),
                     RC_NOTFOUND);
    assert_null(alts);
    assert_int_equal(search_place_resolve(db, "95,3", &p, &alts), RC_INVALID);
    assert_null(alts);
    assert_int_equal(search_place_resolve(db, "99999", &p, &alts),
                     RC_NOTFOUND);
    assert_int_equal(search_place_resolve(db, "", &p, &alts), RC_NOTFOUND);
    assert_int_equal(search_place_resolve(db, "'; DROP TABLE commune; --", &p,
                                          &alts),
                     RC_NOTFOUND);
    /* the table is still there */
    expect_resolve(db, "44109", "44109", 0, &p);
}

/* A former INSEE code (a commune merged into a commune nouvelle) gives
 * the current commune: 01144 (Dommartin) is now 01025 Bâgé-Dommartin. */
static void test_former_code(void **state)
{
    struct db *db = *state;
    struct place p;

    assert_int_equal(search_place_get(db, "01144", &p), RC_OK);
    assert_string_equal(p.insee, "01025");
    assert_string_equal(p.name, "B\xC3\xA2g\xC3\xA9-Dommartin");
    expect_resolve(db, "01144", "01025", 0, &p);
    assert_int_equal(search_place_get(db, "01999", &p), RC_NOTFOUND);
}

/* Nouméa has no coordinates in the sources: "unknown", never 0,0. */
static void test_noumea_unknown(void **state)
{
    struct db *db = *state;
    struct place p;
    json_t *o;

    assert_int_equal(search_place_get(db, "98818", &p), RC_OK);
    assert_string_equal(p.name, "Noum\xC3\xA9" "a");
    assert_false(p.located);
    assert_string_equal(p.precision, "unknown");
    o = search_place_json(&p);
    assert_true(json_is_null(json_object_get(o, "lat")));
    assert_true(json_is_null(json_object_get(o, "lon")));
    json_decref(o);
}

/* Bihorel carries its département's fallback coordinates. */
static void test_bihorel_departement(void **state)
{
    struct db *db = *state;
    struct place p;

    assert_int_equal(search_place_get(db, "76095", &p), RC_OK);
    assert_string_equal(p.name, "Bihorel");
    assert_true(p.located);
    assert_string_equal(p.precision, "departement");
    /* somewhere in Seine-Maritime */
    assert_in_range((long)(p.lat * 100), 4930, 5010);
    assert_in_range((long)(p.lon * 100), 0, 190);
}

static void test_complete_name(void **state)
{
    struct db *db = *state;
    json_t *list = NULL, *a;
    size_t i;

    assert_int_equal(search_place_complete(db, "nan", 5, &list), RC_OK);
    assert_int_equal(json_array_size(list), 5);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(list, 0), "name")),
        "Nantes");
    json_array_foreach(list, i, a) {
        char *f = text_fold_dup(json_string_value(json_object_get(a, "name")));

        assert_memory_equal(f, "nan", 3);
        free(f);
    }
    json_decref(list);
    /* folded: accents and case do not matter */
    assert_int_equal(search_place_complete(db, "ST-\xC3\x89TIEN", 3, &list),
                     RC_OK);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(list, 0), "insee")),
        "42218");
    json_decref(list);
}

static void test_complete_postcode(void **state)
{
    struct db *db = *state;
    json_t *list = NULL, *a;
    size_t i;

    assert_int_equal(search_place_complete(db, "440", 10, &list), RC_OK);
    assert_true(json_array_size(list) >= 1);
    assert_true(json_array_size(list) <= 10);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(list, 0), "insee")),
        "44109");
    json_array_foreach(list, i, a)
        assert_string_equal(
            json_string_value(json_object_get(a, "departement")), "44");
    json_decref(list);
    /* Both an INSEE code and a postcode: the limit still holds (found by
     * fuzzing: tests/fuzz/regressions/place). */
    assert_int_equal(search_place_complete(db, "30120", 1, &list), RC_OK);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);
}

/* Nothing to complete: an empty list, not an error. */
static void test_complete_empty(void **state)
{
    struct db *db = *state;
    static const char *const qs[] = {"", "--", "zzzzzz", "99999"};
    json_t *list = NULL;
    size_t i;

    for (i = 0; i < sizeof qs / sizeof *qs; i++) {
        assert_int_equal(search_place_complete(db, qs[i], 10, &list), RC_OK);
        assert_non_null(list);
        assert_int_equal(json_array_size(list), 0);
        json_decref(list);
    }
}

static void test_check_zone(void **state)
{
    static const struct {
        const char *zone, *canon;
        int r;
    } cases[] = {
        {"dep:44", "dep:44", 1},  {"dep:2A", "dep:2A", 1},
        {"dep:2a", "dep:2A", 1},  {"dep:974", "dep:974", 1},
        {"reg:52", "reg:52", 1},  {"FR", "FR", 1},
        {"fr", "FR", 1},          {"dep:99", NULL, 0},
        {"reg:00", NULL, 0},      {"xx", NULL, 0},
        {"", NULL, 0},            {"dep:", NULL, 0},
        {"dep:4", NULL, 0},       {"dep:4444", NULL, 0},
        {"DEP:44", NULL, 0},      {"reg:99", NULL, 0},
        {"dep:52x", NULL, 0},     {"dep:44 ", NULL, 0},
        {"com:44109", NULL, 0},
    };
    struct db *db = *state;
    size_t i;

    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[16] = "";
        int r = search_place_check_zone(db, cases[i].zone, buf, sizeof buf);

        if (r != cases[i].r)
            fail_msg("check_zone(\"%s\") = %d, expected %d", cases[i].zone,
                     r, cases[i].r);
        if (r == 1) assert_string_equal(buf, cases[i].canon);
    }
}

static void test_division_names(void **state)
{
    struct db *db = *state;
    char name[64];

    assert_int_equal(search_place_departement_name(db, "44", name,
                                                   sizeof name),
                     RC_OK);
    assert_string_equal(name, "Loire-Atlantique");
    assert_int_equal(search_place_region_name(db, "52", name, sizeof name),
                     RC_OK);
    assert_string_equal(name, "Pays de la Loire");
    assert_int_equal(search_place_departement_name(db, "99", name,
                                                   sizeof name),
                     RC_NOTFOUND);
}

/* search_place_check: the location object of a profile; errors are named
 * by their path. */
static void test_check_location(void **state)
{
    struct db *db = *state;
    json_t *errs = json_array(), *out = json_object(), *loc;
    json_t *in = test_json("{'location': {'insee': '44109'},"
                           " 'bad': {'insee': '44999'},"
                           " 'typo': {'inse': '44109'}}");
    struct check c = {errs, ""};
    struct place p;

    assert_int_equal(search_place_check(db, &c, in, "location", 0, out, &p),
                     1);
    loc = json_object_get(out, "location");
    assert_string_equal(json_string_value(json_object_get(loc, "city")),
                        "Nantes");
    assert_string_equal(json_string_value(json_object_get(loc, "postcode")),
                        "44000");
    assert_int_equal(json_array_size(errs), 0);
    assert_int_equal(search_place_check(db, &c, in, "bad", 0, out, NULL), -1);
    assert_int_equal(search_place_check(db, &c, in, "typo", 0, out, NULL), -1);
    assert_int_equal(search_place_check(db, &c, in, "none", 0, out, NULL), 0);
    assert_int_equal(
        search_place_check(db, &c, in, "none", CHECK_REQUIRED, out, NULL), -1);
    assert_int_equal(json_array_size(errs), 3);
    assert_true(test_has_error(errs, "bad.insee"));
    assert_true(test_has_error(errs, "typo.inse"));
    assert_true(test_has_error(errs, "none"));
    json_decref(in);
    json_decref(out);
    json_decref(errs);
}

/* {"postcode": "13001"} is Marseille 1er's postcode, but
 * search_place_check_value passes it to search_place_resolve, which tries
 * it first as an INSEE code, and 13001 is the INSEE code of
 * Aix-en-Provence: the location becomes Aix-en-Provence with postcode
 * 13001. About 3000 postcodes are also another commune's INSEE code, and
 * about 400 another commune's former code. */
static void test_check_postcode_is_not_insee(void **state)
{
    struct db *db = *state;
    json_t *errs = json_array(), *clean = NULL;
    json_t *v = test_json("{'postcode': '13001'}");
    struct check c = {errs, "location"};
    struct place p;

    assert_int_equal(search_place_check_value(db, &c, v, NULL, &clean, &p), 1);
    assert_string_not_equal(p.name, "Aix-en-Provence");
    assert_string_equal(p.insee, "13201"); /* Marseille 1er Arrondissement */
    json_decref(clean);
    json_decref(v);
    json_decref(errs);
}

#define DB(f) cmocka_unit_test_setup_teardown(f, setup_db, teardown_db)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_km),
        cmocka_unit_test(test_parse_latlon),
        cmocka_unit_test(test_is_insee),
        cmocka_unit_test(test_is_postcode),
        cmocka_unit_test(test_fold_query),
        cmocka_unit_test(test_place_json),
        DB(test_resolve_insee_postcode_name),
        DB(test_resolve_arrondissement_postcode),
        DB(test_resolve_homonyms),
        DB(test_resolve_qualifier_is_departement),
        DB(test_resolve_coordinates),
        DB(test_resolve_refusals),
        DB(test_former_code),
        DB(test_noumea_unknown),
        DB(test_bihorel_departement),
        DB(test_complete_name),
        DB(test_complete_postcode),
        DB(test_complete_empty),
        DB(test_check_zone),
        DB(test_division_names),
        DB(test_check_location),
        DB(test_check_postcode_is_not_insee),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
