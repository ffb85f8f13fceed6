/*
 * test_tender_parse.c: tender/parse.c, ocds.c and eforms.c (level 1, no
 * database): every shipped OCDS and eForms sample read into the one
 * document shape with its real values, the rules (latest release of an
 * ocid, lots, places, deadlines in UTC, values), and malformed and hostile
 * documents, which must give RC_INVALID or RC_TOOBIG with a useful error
 * and print nothing. Fixtures: tests/fixtures/tenders/ (see LICENSES.md
 * there); tests run from the repository root.
 */
#include "testutil.h"

#include <pthread.h>

#include "../tender/tender.h"

#define FIX "tests/fixtures/tenders/"

/* ------------------------------------------------------------ helpers */

/* slurp: the bytes of a fixture (free() them), *len their count. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        fail_msg("cannot open %s (tests run from the repository root)", path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* A parse: its rc, documents and errors. */
struct parsed {
    enum rc rc;
    json_t *docs; /* NULL unless rc is RC_OK */
    json_t *errs;
};

static void parsed_free(struct parsed *p)
{
    json_decref(p->docs);
    json_decref(p->errs);
    p->docs = p->errs = NULL;
}

/* parse_buf: tender_parse() of len bytes. */
static struct parsed parse_buf(const char *buf, size_t len)
{
    struct parsed p = {RC_INTERNAL, NULL, json_array()};

    assert_non_null(p.errs);
    p.rc = tender_parse(buf, len, p.errs, &p.docs);
    if (p.rc == RC_OK)
        assert_non_null(p.docs);
    else
        assert_null(p.docs);
    return p;
}

static struct parsed parse_str(const char *s)
{
    return parse_buf(s, strlen(s));
}

static struct parsed parse_file(const char *path)
{
    size_t len;
    char *buf = slurp(path, &len);
    struct parsed p = parse_buf(buf, len);

    free(buf);
    return p;
}

/* one: the only document of a successful parse, without errors. */
static json_t *one(const struct parsed *p)
{
    if (p->rc != RC_OK || json_array_size(p->docs) != 1 ||
        json_array_size(p->errs)) {
        char *e = json_dumps(p->errs, 0);

        fail_msg("rc %d, %zu documents, errors %s", p->rc,
                 json_array_size(p->docs), e);
    }
    return json_array_get(p->docs, 0);
}

/* str: the string at a dotted path ("place.nuts"), NULL when absent. */
static const char *str(json_t *doc, const char *path)
{
    char buf[128], *key = buf, *dot;
    json_t *v = doc;

    snprintf(buf, sizeof buf, "%s", path);
    for (; v && key; key = dot ? dot + 1 : NULL) {
        dot = strchr(key, '.');
        if (dot) *dot = '\0';
        v = json_object_get(v, key);
    }
    return json_string_value(v);
}

#define assert_str(doc, path, want) assert_string_equal(str(doc, path), want)

/* assert_strings: the array arr holds exactly these strings, in order. */
static void assert_strings(json_t *arr, const char *const *want, size_t n)
{
    if (!json_is_array(arr) || json_array_size(arr) != n) {
        char *d = json_dumps(arr, JSON_ENCODE_ANY);

        fail_msg("expected %zu strings, got %s", n, d);
    }
    for (size_t i = 0; i < n; i++)
        assert_string_equal(json_string_value(json_array_get(arr, i)), want[i]);
}

#define STRINGS(arr, ...)                                                      \
    do {                                                                       \
        static const char *const w_[] = {__VA_ARGS__};                         \
        assert_strings((arr), w_, sizeof w_ / sizeof *w_);                     \
    } while (0)
#define NO_STRINGS(arr) assert_strings((arr), NULL, 0)

/* assert_lot_ids: the lots of doc, by id, in order. */
static void assert_lot_ids(json_t *doc, const char *const *ids, size_t n)
{
    json_t *lots = json_object_get(doc, "lots");

    assert_int_equal(json_array_size(lots), n);
    for (size_t i = 0; i < n; i++)
        assert_str(json_array_get(lots, i), "id", ids[i]);
}

#define LOTS(doc, ...)                                                         \
    do {                                                                       \
        static const char *const l_[] = {__VA_ARGS__};                         \
        assert_lot_ids((doc), l_, sizeof l_ / sizeof *l_);                     \
    } while (0)

static json_t *lot(json_t *doc, size_t i)
{
    return json_array_get(json_object_get(doc, "lots"), i);
}

/* assert_value: doc's value is amount (compared as a number) currency. */
static void assert_value(json_t *doc, double amount, const char *currency)
{
    json_t *v = json_object_get(doc, "value");

    assert_non_null(v);
    assert_true(json_is_number(json_object_get(v, "amount")));
    assert_true(json_number_value(json_object_get(v, "amount")) == amount);
    assert_str(v, "currency", currency);
}

/* has_error: errs names field, with a message containing words. */
static void assert_error(json_t *errs, const char *field, const char *words)
{
    size_t i;
    json_t *e;

    json_array_foreach(errs, i, e)
    {
        const char *f = json_string_value(json_object_get(e, "field"));
        const char *m = json_string_value(json_object_get(e, "message"));

        if (f && m && !strcmp(f, field) && strstr(m, words)) return;
    }
    char *d = json_dumps(errs, 0);
    fail_msg("no error on %s saying \"%s\" in %s", field, words, d);
}

/* A capture of the process's stderr into a temporary file, to prove that
 * libxml2 and jansson print nothing. A failed assertion inside leaves it
 * active: quiet_teardown() then restores stderr and shows what cmocka
 * and the libraries wrote. */
static struct {
    int active;
    int saved; /* the real stderr */
    FILE *f;   /* the capture */
} quiet;

static void quiet_begin(void)
{
    fflush(stderr);
    quiet.f = tmpfile();
    assert_non_null(quiet.f);
    quiet.saved = dup(2);
    assert_true(quiet.saved >= 0);
    assert_true(dup2(fileno(quiet.f), 2) >= 0);
    quiet.active = 1;
}

/* quiet_stop: restore stderr; the number of bytes captured. */
static long quiet_stop(int show)
{
    char buf[4096];
    size_t n;
    long size;

    fflush(stderr);
    dup2(quiet.saved, 2);
    close(quiet.saved);
    quiet.active = 0;
    fseek(quiet.f, 0, SEEK_END);
    size = ftell(quiet.f);
    rewind(quiet.f);
    while (show && (n = fread(buf, 1, sizeof buf, quiet.f)) > 0)
        fwrite(buf, 1, n, stderr);
    fclose(quiet.f);
    return size;
}

/* quiet_end: restore stderr; fail when something was printed. */
static void quiet_end(void)
{
    long n = quiet_stop(1);

    if (n) fail_msg("%ld bytes were printed on stderr", n);
}

static int quiet_teardown(void **state)
{
    (void)state;
    if (quiet.active) quiet_stop(1);
    return 0;
}

/* ------------------------------------------------------------- format */

static void test_format(void **state)
{
    struct parsed p;

    (void)state;
    assert_string_equal(tender_format("{}", 2), "ocds");
    assert_string_equal(tender_format(" \n[", 3), "ocds");
    assert_string_equal(tender_format("\xEF\xBB\xBF  <?xml", 9), "eforms");
    assert_string_equal(tender_format("<a/>", 4), "eforms");
    assert_null(tender_format("", 0));
    assert_null(tender_format("   ", 3));
    assert_null(tender_format("ocid,title", 10));
    assert_null(tender_format("{}", 0)); /* len, not the NUL, ends it */

    p = parse_str("ocid;title\n1;Espaces verts\n");
    assert_int_equal(p.rc, RC_UNSUPPORTED);
    assert_error(p.errs, "document", "neither JSON");
    parsed_free(&p);
    p = parse_str("");
    assert_int_equal(p.rc, RC_UNSUPPORTED);
    parsed_free(&p);
}

/* ------------------------------------------------------- OCDS samples */

/* The change history of ocds-213czf-000-00001 (London Borough of Barnet,
 * cycle lanes): tender, its update, the award. */
static void test_ocds_change_history(void **state)
{
    static const char *const files[] = {"tender", "tenderUpdate", "award"};
    static const char *const status[] = {"active", "active", "complete"};

    (void)state;
    for (size_t i = 0; i < 3; i++) {
        char path[128], id[64];
        struct parsed p;
        json_t *d;

        snprintf(path, sizeof path, FIX "ocds/change_history/%s.json",
                 files[i]);
        p = parse_file(path);
        d = one(&p);
        snprintf(id, sizeof id, "ocds-213czf-000-00001-0%zu-%s", i + 2,
                 files[i]);
        assert_str(d, "ocid", "ocds-213czf-000-00001");
        assert_str(d, "source", "ocds");
        assert_str(d, "notice_id", id);
        assert_str(d, "status", status[i]);
        assert_str(d, "title", "Planned cycle lane improvements");
        assert_str(d, "description",
                   "Tenders solicited for work to build "
                   "new cycle lanes in the centre of town.");
        assert_str(d, "buyer", "London Borough of Barnet");
        assert_str(d, "procedure", "open");
        /* "45233130" as is; "45233162-2" without its check digit */
        STRINGS(json_object_get(d, "cpv"), "45233130", "45233162");
        LOTS(d);
        assert_null(json_object_get(d, "place"));
        assert_str(d, "deadline", "2011-04-01T18:00:00Z");
        assert_value(d, 1100000, "GBP");
        parsed_free(&p);
    }
}

static void test_ocds_reference_package(void **state)
{
    struct parsed p = parse_file(FIX "ocds/release_schema_reference/"
                                     "release_package.json");
    json_t *d = one(&p);

    (void)state;
    assert_str(d, "ocid", "ocds-213czf-000-00001");
    assert_str(d, "notice_id", "ocds-213czf-000-00001-06-implementation");
    assert_str(d, "status", "complete"); /* tender.finalStatus */
    assert_str(d, "title", "Planned cycle lane improvements");
    assert_str(d, "buyer", "London Borough of Barnet");
    STRINGS(json_object_get(d, "cpv"), "45233130", "45233162", "44811000");
    LOTS(d);
    assert_str(d, "deadline", "2011-04-01T18:00:00Z");
    assert_value(d, 960000, "GBP");
    parsed_free(&p);
}

/* No buyer: the only party is a tenderer (a sole trader). */
static void test_ocds_personal_identifier(void **state)
{
    struct parsed p = parse_file(FIX "ocds/organizations/"
                                     "personal_identifier.json");
    json_t *d = one(&p);

    (void)state;
    assert_str(d, "ocid", "ocds-213czf-000-00001");
    assert_str(d, "notice_id", "ocds-213czf-000-00001-02-tender");
    assert_str(d, "status", "active");
    assert_null(json_object_get(d, "buyer"));
    STRINGS(json_object_get(d, "cpv"), "45233130", "45233162");
    assert_null(json_object_get(d, "deadline"));
    assert_value(d, 1100000, "GBP");
    parsed_free(&p);
}

static void test_ocds_moldova(void **state)
{
    struct parsed p = parse_file(FIX "ocds/organizations/organizational_units/"
                                     "moldova_organization_extension.json");
    json_t *d = one(&p);

    (void)state;
    assert_str(d, "ocid", "ocds-b3wdp1-MD-1539840280133");
    assert_str(d, "notice_id", "ocds-b3wdp1-MD-1539840280133-1539840280205");
    assert_str(d, "status", "active");
    assert_str(d, "title",
               "Piese consumabile pentru aparatele multifuncționale");
    assert_str(d, "buyer", "National Bank of Moldova - Chişinău Branch");
    STRINGS(json_object_get(d, "cpv"), "30100000"); /* "30100000-0" */
    assert_value(d, 1400000, "MDL");
    parsed_free(&p);
}

/* A planning release: items in UNSPSC (ignored) and no tender title, which
 * is required: the release is refused, with the field named. */
static void test_ocds_paraguay_no_title(void **state)
{
    struct parsed p = parse_file(FIX "ocds/organizations/organizational_units/"
                                     "paraguay_organization_name.json");

    (void)state;
    assert_int_equal(p.rc, RC_INVALID);
    assert_int_equal(json_array_size(p.errs), 1);
    assert_error(p.errs, "releases[0].tender.title", "is required");
    parsed_free(&p);
}

static void test_ocds_easy_release(void **state)
{
    struct parsed p =
        parse_file(FIX "ocds/easy_releases/worked_example1/tender.json");
    json_t *d = one(&p);

    (void)state;
    assert_str(d, "ocid", "ocds-213czf-371630");
    assert_str(d, "notice_id", "ocds-213czf-371630/2019-12-01T09:00:00Z");
    assert_str(d, "status", "active");
    assert_str(d, "title", "Cleaning services");
    assert_str(d, "description", "Cleaning services for the City Hall");
    assert_str(d, "buyer", "City Hall of Juan de Mena");
    assert_str(d, "procedure", "direct");
    NO_STRINGS(json_object_get(d, "cpv")); /* no items */
    LOTS(d);
    assert_str(d, "deadline", "2019-12-14T08:30:00Z");
    assert_value(d, 144300000, "PYG");
    parsed_free(&p);
}

/* Framework agreements: a first stage with lots and no tender period (the
 * expression of interest deadline stands in), a second stage in UNSPSC. */
static void test_ocds_frameworks(void **state)
{
    struct parsed p =
        parse_file(FIX "ocds/frameworks/open_multiple_first_stage.json");
    json_t *d = one(&p);

    (void)state;
    assert_str(d, "ocid", "ocds-70d2nz-2239-4-LP14");
    assert_str(d, "notice_id", "2239-4-LP14");
    assert_str(d, "title", "CM de Artículos de Escritorio y Papelería");
    /* no buyer object: the first party with the role "buyer" */
    assert_str(d, "buyer",
               "Biblioteca del Congreso Nacional | Biblioteca "
               "del Congreso Nacional");
    assert_str(d, "procedure", "selective");
    LOTS(d, "1", "2");
    assert_str(lot(d, 0), "title", "Lápiz pasta");
    assert_str(lot(d, 1), "title", "Papel de impresora");
    NO_STRINGS(json_object_get(lot(d, 0), "cpv"));
    assert_str(d, "deadline", "2020-08-27T15:00:00Z");
    assert_null(json_object_get(d, "value"));
    parsed_free(&p);

    p = parse_file(FIX "ocds/frameworks/open_multiple_second_stage.json");
    d = one(&p);
    assert_str(d, "ocid", "ocds-70d2nz-54705");
    assert_str(d, "title", "Artículos de Escritorio y Papelería");
    NO_STRINGS(json_object_get(d, "cpv")); /* UNSPSC only */
    assert_null(json_object_get(d, "procedure"));
    assert_str(d, "deadline", "2020-09-14T15:00:00Z");
    parsed_free(&p);
}

/* Paraguay, national catalogue scheme (ignored), lots, offsets -04:00. */
static void test_ocds_unsuccessful(void **state)
{
    struct parsed p = parse_file(FIX "ocds/unsuccessful_tender/tender.json");
    json_t *d = one(&p);

    (void)state;
    assert_str(d, "ocid", "ocds-03ad3f-331547-1");
    assert_str(d, "notice_id",
               "331547-servicio-rastreo-satelital-1-1511346066");
    assert_str(d, "status", "unsuccessful"); /* its finalStatus */
    assert_str(d, "title", "SERVICIO DE RASTREO SATELITAL");
    assert_str(d, "buyer", "Municipalidad de Loma Plata");
    assert_str(d, "procedure", "open (Contratación Directa)");
    NO_STRINGS(json_object_get(d, "cpv"));
    LOTS(d, "+GmottIGrAE=");
    assert_str(lot(d, 0), "title", "1 - SERVICIO DE RASTREO SATELITAL");
    assert_str(d, "deadline", "2017-05-11T13:30:00Z"); /* 09:30-04:00 */
    assert_value(d, 8100000, "PYG");
    parsed_free(&p);

    p = parse_file(FIX "ocds/unsuccessful_tender/related_process.json");
    d = one(&p);
    assert_str(d, "ocid", "ocds-03ad3f-331547-2");
    assert_str(d, "status", "complete");
    assert_str(d, "title", "ADQUISICION DE MAQUINARIA, IMPLEMENTO Y VEHICULO");
    assert_str(d, "procedure", "open (Concurso de Ofertas)");
    LOTS(d, "ux682+kLP2w=");
    assert_str(d, "deadline", "2017-10-27T12:00:00Z");
    assert_value(d, 637000000, "PYG");
    parsed_free(&p);
}

/* ---------------------------------------------------------- OCDS rules */

/* release_of: the first release of a fixture package (new reference). */
static json_t *release_of(const char *path)
{
    size_t len;
    char *buf = slurp(path, &len);
    json_t *pkg = json_loadb(buf, len, 0, NULL);
    json_t *rel =
        json_incref(json_array_get(json_object_get(pkg, "releases"), 0));

    assert_non_null(rel);
    json_decref(pkg);
    free(buf);
    return rel;
}

/* parse_json: tender_parse() of a JSON value (dumped). */
static struct parsed parse_json(json_t *v)
{
    char *s = json_dumps(v, 0);
    struct parsed p;

    assert_non_null(s);
    p = parse_str(s);
    free(s);
    return p;
}

/* Three releases of one ocid in one package, in every order: the award
 * (latest date) wins; equal dates: the later position. A release
 * without a tender section is skipped, even when it is the latest. */
static void test_ocds_latest_release(void **state)
{
    static const int orders[][3] = {{0, 1, 2}, {2, 1, 0}, {1, 2, 0}};
    json_t *rels[3] = {
        release_of(FIX "ocds/change_history/tender.json"),
        release_of(FIX "ocds/change_history/tenderUpdate.json"),
        release_of(FIX "ocds/change_history/award.json"),
    };
    json_t *pkg, *late, *twin;
    struct parsed p;
    json_t *d;

    (void)state;
    for (size_t o = 0; o < 3; o++) {
        pkg = json_pack("{s:[O,O,O]}", "releases", rels[orders[o][0]],
                        rels[orders[o][1]], rels[orders[o][2]]);
        p = parse_json(pkg);
        d = one(&p);
        assert_str(d, "notice_id", "ocds-213czf-000-00001-04-award");
        assert_str(d, "status", "complete");
        parsed_free(&p);
        json_decref(pkg);
    }

    /* a later release without tender (a contract) does not hide it */
    late = json_pack("{s:s, s:s, s:s, s:[s]}", "ocid", "ocds-213czf-000-00001",
                     "id", "ocds-213czf-000-00001-05-contract", "date",
                     "2012-01-01T00:00:00Z", "tag", "contract");
    pkg = json_pack("{s:[O,O]}", "releases", rels[1], late);
    p = parse_json(pkg);
    d = one(&p);
    assert_str(d, "notice_id", "ocds-213czf-000-00001-03-tenderUpdate");
    parsed_free(&p);
    json_decref(pkg);

    /* same date: the later position wins */
    twin = json_deep_copy(rels[1]);
    json_object_set_new(twin, "id", json_string("twin"));
    json_object_set(twin, "date", json_object_get(rels[1], "date"));
    pkg = json_pack("{s:[O,O]}", "releases", rels[1], twin);
    p = parse_json(pkg);
    assert_str(one(&p), "notice_id", "twin");
    parsed_free(&p);
    json_decref(pkg);

    /* a date with an offset is compared in UTC: 10:45+02:00 is before
     * 09:30Z of the same day */
    json_object_set_new(twin, "date", json_string("2010-03-20T10:45:00+02:00"));
    pkg = json_pack("{s:[O,O]}", "releases", twin, rels[1]);
    p = parse_json(pkg);
    assert_str(one(&p), "notice_id", "ocds-213czf-000-00001-03-tenderUpdate");
    parsed_free(&p);
    json_decref(pkg);

    json_decref(twin);
    json_decref(late);
    for (size_t i = 0; i < 3; i++) json_decref(rels[i]);
}

/* Parsing the same package twice gives the same documents; so does one
 * package holding every sample release (one document per ocid). */
static void test_ocds_reparse(void **state)
{
    static const char *const paths[] = {
        FIX "ocds/change_history/tender.json",
        FIX "ocds/change_history/award.json",
        FIX "ocds/easy_releases/worked_example1/tender.json",
        FIX "ocds/frameworks/open_multiple_first_stage.json",
        FIX "ocds/unsuccessful_tender/tender.json",
        FIX "ocds/unsuccessful_tender/related_process.json",
    };
    json_t *pkg = json_pack("{s:[]}", "releases");
    struct parsed a, b;
    char *s;

    (void)state;
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
        json_array_append_new(json_object_get(pkg, "releases"),
                              release_of(paths[i]));
    s = json_dumps(pkg, 0);
    a = parse_str(s);
    b = parse_str(s);
    assert_int_equal(a.rc, RC_OK);
    assert_int_equal(json_array_size(a.docs), 5); /* 6 releases, 5 ocids */
    assert_true(json_equal(a.docs, b.docs));
    /* in the order of the releases kept */
    assert_str(json_array_get(a.docs, 0), "notice_id",
               "ocds-213czf-000-00001-04-award");
    assert_str(json_array_get(a.docs, 4), "ocid", "ocds-03ad3f-331547-2");
    parsed_free(&a);
    parsed_free(&b);
    free(s);
    json_decref(pkg);
}

/* Lots get the CPV codes of their items; CPV is matched case-insensitive;
 * other schemes are ignored; the place is the delivery address; a single
 * release (not in a package) is read too, its fields named from the
 * top. */
static void test_ocds_lots_place(void **state)
{
    json_t *rel = test_json(
        "{'ocid': 'ocds-x-1', 'id': 'r1', 'date': '2024-03-01T10:00:00+01:00',"
        " 'tag': ['planning'],"
        " 'buyer': {'name': 'Ville de Rouen'},"
        " 'tender': {'title': 'Espaces verts', 'status': 'planned',"
        "  'procurementMethod': 'open',"
        "  'tenderPeriod': {'endDate': '2024-04-02T12:00:00+02:00'},"
        "  'value': {'amount': 150000.5, 'currency': 'EUR'},"
        "  'lots': [{'id': 'L1', 'title': 'Tonte', 'description': 'Rive"
        " gauche'}, {'id': 2, 'title': 'Taille'}],"
        "  'items': ["
        "   {'id': 'i1', 'relatedLot': 'L1',"
        "    'classification': {'scheme': 'cpv', 'id': '77310000-6'},"
        "    'additionalClassifications': [{'scheme': 'UNSPSC', 'id': "
        "'70111700'}, {'scheme': 'CPV', 'id': '77314000'}],"
        "    'deliveryAddress': {'postalCode': '76000', 'locality': 'Rouen',"
        "     'region': 'Normandie', 'countryName': 'France'}},"
        "   {'id': 'i2', 'relatedLot': 2,"
        "    'classification': {'scheme': 'CPV', 'id': 77211500}},"
        "   {'id': 'i3', 'relatedLot': 'nowhere',"
        "    'classification': {'scheme': 'CPV', 'id': '77310000'}}]}}");
    struct parsed p = parse_json(rel);
    json_t *d = one(&p);

    (void)state;
    assert_str(d, "ocid", "ocds-x-1");
    assert_str(d, "status", "planned");
    assert_str(d, "buyer", "Ville de Rouen");
    STRINGS(json_object_get(d, "cpv"), "77310000", "77314000", "77211500");
    LOTS(d, "L1", "2");
    assert_str(lot(d, 0), "description", "Rive gauche");
    STRINGS(json_object_get(lot(d, 0), "cpv"), "77310000", "77314000");
    STRINGS(json_object_get(lot(d, 1), "cpv"), "77211500");
    assert_str(d, "place.postcode", "76000");
    assert_str(d, "place.city", "Rouen");
    assert_str(d, "place.region", "Normandie");
    assert_str(d, "place.country", "France");
    assert_str(d, "deadline", "2024-04-02T10:00:00Z");
    assert_value(d, 150000.5, "EUR");
    parsed_free(&p);

    /* tender.deliveryAddresses come first; status from the tag */
    json_object_set_new(json_object_get(rel, "tender"), "deliveryAddresses",
                        test_json("[{'postalCode': '14000', 'country': "
                                  "'FR'}]"));
    json_object_del(json_object_get(rel, "tender"), "status");
    p = parse_json(rel);
    d = one(&p);
    assert_str(d, "place.postcode", "14000");
    assert_str(d, "place.country", "FR");
    assert_null(str(d, "place.city"));
    assert_str(d, "status", "planned"); /* tag "planning" */
    parsed_free(&p);

    /* errors in a single release are named from the top */
    json_object_set_new(json_object_get(rel, "tender"), "title",
                        json_integer(3));
    p = parse_json(rel);
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "tender.title", "must be a string");
    parsed_free(&p);
    json_decref(rel);
}

/* Wrong types and bad values: errors naming the path; a release with
 * errors is left out, the others are kept (RC_OK); a document with
 * nothing usable is RC_INVALID. */
static void test_ocds_errors(void **state)
{
    struct parsed p;

    (void)state;
    p = parse_str(
        "{\"releases\": ["
        " {\"ocid\": \"ok\", \"tender\": {\"title\": \"Bon\"}},"
        " {\"ocid\": \"a\", \"tender\": \"Espaces verts\"},"
        " {\"ocid\": \"b\", \"tender\": {\"title\": \"T\", \"value\": "
        "{\"amount\": \"150000\", \"currency\": \"EUR\"}}},"
        " {\"ocid\": \"c\", \"tender\": {\"title\": \"T\", \"items\": [{"
        "\"classification\": {\"scheme\": \"CPV\", \"id\": \"7731\"}}]}},"
        " {\"tender\": {\"title\": \"no ocid\"}},"
        " {\"ocid\": \"e\", \"tender\": {\"title\": \"T\", \"status\": "
        "\"open\"}},"
        " {\"ocid\": \"f\", \"tender\": {\"title\": \"T\", \"items\": {}}},"
        " {\"ocid\": \"g\", \"tender\": {\"title\": \"T\", \"lots\": [{"
        "\"title\": \"no id\"}]}},"
        " {\"ocid\": \"h\", \"date\": \"yesterday\", \"tender\": {}},"
        " {\"ocid\": \"i\", \"tender\": {\"title\": \"T\", \"tenderPeriod\": {"
        "\"endDate\": \"2019-02-30T10:00:00Z\"}}},"
        " {\"ocid\": \"j\", \"tender\": {\"title\": \"T\", \"items\": [{"
        "\"classification\": {\"scheme\": \"CPV\"}}]}},"
        " 42]}");
    assert_int_equal(p.rc, RC_OK);
    assert_int_equal(json_array_size(p.docs), 1);
    assert_str(json_array_get(p.docs, 0), "ocid", "ok");
    assert_error(p.errs, "releases[1].tender", "must be an object");
    assert_error(p.errs, "releases[2].tender.value.amount", "must be a number");
    assert_error(p.errs, "releases[3].tender.items[0].classification.id",
                 "not a CPV code");
    assert_error(p.errs, "releases[4].ocid", "is required");
    assert_error(p.errs, "releases[5].tender.status", "unknown");
    assert_error(p.errs, "releases[6].tender.items", "must be an array");
    assert_error(p.errs, "releases[7].tender.lots[0].id", "is required");
    assert_error(p.errs, "releases[8].date", "ISO 8601");
    assert_error(p.errs, "releases[9].tender.tenderPeriod.endDate", "ISO 8601");
    assert_error(p.errs, "releases[10].tender.items[0].classification.id",
                 "is required");
    assert_error(p.errs, "releases[11]", "must be an object");
    assert_int_equal(json_array_size(p.errs), 11);
    parsed_free(&p);

    /* only broken releases: refused */
    p = parse_str("{\"releases\": [{\"ocid\": \"a\", \"tender\": []}]}");
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "releases[0].tender", "must be an object");
    parsed_free(&p);

    /* releases without a tender section: nothing, and nothing wrong */
    p = parse_str("{\"releases\": [{\"ocid\": \"a\", \"tag\": [\"planning\"],"
                  " \"planning\": {}}, {\"ocid\": \"b\", \"tender\": null}]}");
    assert_int_equal(p.rc, RC_OK);
    assert_int_equal(json_array_size(p.docs), 0);
    assert_int_equal(json_array_size(p.errs), 0);
    parsed_free(&p);

    /* not a package */
    p = parse_str("{\"releases\": {}}");
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "releases", "must be an array");
    parsed_free(&p);
    p = parse_str("[{\"ocid\": \"a\"}]");
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "document", "JSON object");
    parsed_free(&p);
    p = parse_str("{\"records\": []}");
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "document", "record packages");
    parsed_free(&p);
    p = parse_str("{\"uri\": \"x\"}");
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "document", "neither");
    parsed_free(&p);
}

/* Truncated, duplicated, deep, huge: RC_INVALID or RC_TOOBIG, never a
 * crash, nothing printed. */
static void test_ocds_hostile(void **state)
{
    size_t len, n = 100000;
    char *buf =
        slurp(FIX "ocds/release_schema_reference/release_package.json", &len);
    char *deep = malloc(2 * n + 32), *huge;
    struct parsed p;

    (void)state;
    quiet_begin();
    for (size_t cut = 1; cut < len; cut += len / 7) {
        p = parse_buf(buf, cut);
        assert_int_equal(p.rc, RC_INVALID);
        assert_error(p.errs, "document", "not valid JSON");
        parsed_free(&p);
    }
    p = parse_buf(buf, len - 2);
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "document", "expected near end of file (line 487");
    parsed_free(&p);

    p = parse_str("{\"releases\": [], \"releases\": [{\"ocid\": \"x\"}]}");
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "document", "duplicate");
    parsed_free(&p);

    p = parse_str("{\"releases\": [{\"ocid\": \"x\", \"tender\": {\"title\":"
                  " \"T\", \"value\": {\"amount\": 1e999}}}]}");
    assert_int_equal(p.rc, RC_INVALID);
    parsed_free(&p);

    p = parse_str("{\"releases\": [{\"ocid\": \"x\\u0000y\"}]}");
    assert_int_equal(p.rc, RC_INVALID);
    parsed_free(&p);
    p = parse_str("{\"releases\": [{\"ocid\": \"\xff\xfe\"}]}");
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "document", "not valid JSON");
    parsed_free(&p);

    /* 100 000 nested arrays */
    assert_non_null(deep);
    memcpy(deep, "{\"releases\":", 12);
    memset(deep + 12, '[', n);
    memset(deep + 12 + n, ']', n);
    deep[12 + 2 * n] = '}';
    p = parse_buf(deep, 13 + 2 * n);
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "document", "depth");
    parsed_free(&p);

    /* over the cap: refused before it is read */
    huge = malloc(TENDER_MAX_BYTES + 1);
    assert_non_null(huge);
    memset(huge, ' ', TENDER_MAX_BYTES + 1);
    huge[0] = '{';
    huge[TENDER_MAX_BYTES] = '}';
    p = parse_buf(huge, TENDER_MAX_BYTES + 1);
    assert_int_equal(p.rc, RC_TOOBIG);
    assert_error(p.errs, "document", "larger than");
    parsed_free(&p);
    p.errs = json_array();
    assert_int_equal(
        tender_from_ocds(huge, TENDER_MAX_BYTES + 1, p.errs, &p.docs),
        RC_TOOBIG);
    parsed_free(&p);
    quiet_end();
    free(huge);
    free(deep);
    free(buf);
}

/* ----------------------------------------------------- eForms samples */

/* The green spaces of Rouen Habitat (TED 219497-2019): two lots in NUTS
 * FRD22, CPV 77310000, deadline 24 June 2019 16:00 UTC. */
static void test_eforms_green_spaces(void **state)
{
    struct parsed p = parse_file(FIX "eforms/cn_24_FRA_comments.xml");
    json_t *d = one(&p);

    (void)state;
    assert_str(d, "ocid", "eforms:e3cdabf1-e057-47a5-9210-b1f6fc757228");
    assert_str(d, "source", "eforms");
    assert_str(d, "notice_id", "da4d46e9-490b-41ff-a2ae-8166d356a619-01");
    assert_str(d, "status", "active");
    assert_str(d, "title",
               "Service d'entretien de remise en état et de "
               "nettoyage des espaces verts");
    assert_str(d, "description",
               "Service d'entretien de remise en état et "
               "de nettoyage des espaces verts.");
    assert_str(d, "buyer", "Rouen Habitat"); /* ORG-0001 */
    assert_str(d, "procedure", "open");
    STRINGS(json_object_get(d, "cpv"), "77310000");
    assert_str(d, "place.nuts", "FRD22");
    assert_str(d, "place.country", "FRA");
    assert_null(str(d, "place.postcode")); /* the buyer's is not the place */
    LOTS(d, "LOT-0001", "LOT-0002");
    assert_str(lot(d, 0), "title", "Agence centre");
    assert_str(lot(d, 1), "title", "Agence Hauts de Rouen");
    STRINGS(json_object_get(lot(d, 0), "cpv"), "77310000");
    STRINGS(json_object_get(lot(d, 1), "cpv"), "77310000");
    assert_str(d, "deadline", "2019-06-24T16:00:00Z");
    assert_null(json_object_get(d, "value"));
    parsed_free(&p);
}

/* The award of the same procedure: same ocid (so it updates the tender),
 * status complete, no deadline. */
static void test_eforms_award(void **state)
{
    struct parsed p = parse_file(FIX "eforms/can_24_FRA_comments.xml");
    json_t *d = one(&p);

    (void)state;
    assert_str(d, "ocid", "eforms:e3cdabf1-e057-47a5-9210-b1f6fc757228");
    assert_str(d, "notice_id", "df45f4d1-2208-47cb-bc7a-9c7edcf8d2b8-01");
    assert_str(d, "status", "complete");
    assert_str(d, "buyer", "Rouen Habitat");
    STRINGS(json_object_get(d, "cpv"), "77310000");
    assert_str(d, "place.nuts", "FRD22");
    LOTS(d, "LOT-0001", "LOT-0002");
    assert_null(json_object_get(d, "deadline"));
    assert_null(json_object_get(d, "value")); /* awarded, not estimated */
    parsed_free(&p);

    p = parse_file(FIX "eforms/can_81_FRA.xml");
    d = one(&p);
    assert_str(d, "ocid", "eforms:2d2d24a2-df84-449e-8695-fb66ef504a5a");
    assert_str(d, "notice_id", "f71da99f-763b-43bd-a1bb-f54bf9560fd6-01");
    assert_str(d, "status", "complete");
    assert_str(d, "procedure", "restricted");
    STRINGS(json_object_get(d, "cpv"), "71336000");
    assert_str(d, "place.nuts", "FRL04");
    LOTS(d, "LOT-0000");
    parsed_free(&p);
}

/* CEA Cadarache (restricted procedure): the title is indented over three
 * lines in the XML; the deadline is the one to request participation,
 * 16:00+01:00; the lot's CPV differs from the procedure's. */
static void test_eforms_cea(void **state)
{
    struct parsed p = parse_file(FIX "eforms/cn_81_FRA.xml");
    json_t *d = one(&p);
    const char *desc;

    (void)state;
    assert_str(d, "ocid", "eforms:82c626cc-83e1-4644-9cf1-6ed82b3e3dbc");
    assert_str(d, "notice_id", "866bf88e-f381-45c8-a085-43a6148d0ab7-01");
    assert_str(d, "status", "active");
    assert_str(d, "title",
               "Assistance à maîtrise d’œuvre en suivi de réalisation dans "
               "le cadre du projet de construction d’un poste de garde et "
               "d’un parking sur plusieurs niveaux sur le site CEA de "
               "Cadarache pour le compte du CEA DAM");
    desc = str(d, "description");
    assert_non_null(desc);
    assert_non_null(strstr(desc, "projet PGZ.\nLe projet PGZ comprend"));
    assert_null(strchr(desc, '\t'));
    assert_str(d, "buyer",
               "Commissariat à l'énergie atomique et aux énergies "
               "alternatives");
    assert_str(d, "procedure", "restricted");
    STRINGS(json_object_get(d, "cpv"), "71336000", "80512000");
    assert_str(d, "place.nuts", "FRL04");
    LOTS(d, "LOT-0000");
    STRINGS(json_object_get(lot(d, 0), "cpv"), "80512000");
    assert_str(d, "deadline", "2020-09-14T15:00:00Z");
    parsed_free(&p);
}

/* A prior information notice: no procedure identifier (the notice's own
 * id keys it), a part (PAR-0000) that is not a lot, a place that says
 * only the country. */
static void test_eforms_pin(void **state)
{
    struct parsed p = parse_file(FIX "eforms/pin-only_81_FRA.xml");
    json_t *d = one(&p);

    (void)state;
    assert_str(d, "ocid", "eforms:notice:3f60af90-c612-40bd-9943-866fe3ae21b4");
    assert_str(d, "notice_id", "3f60af90-c612-40bd-9943-866fe3ae21b4-01");
    assert_str(d, "status", "planned");
    assert_non_null(strstr(str(d, "title"), "recycleurs de plongée"));
    assert_str(d, "buyer", "Marine/DCSSF/DSSF Toulon");
    assert_null(json_object_get(d, "procedure"));
    STRINGS(json_object_get(d, "cpv"), "35520000");
    assert_str(d, "place.country", "FRA");
    assert_null(str(d, "place.nuts"));
    LOTS(d);
    assert_null(json_object_get(d, "deadline"));
    parsed_free(&p);
}

/* The SDK's invalid change notice: what makes it invalid is that it
 * changes fields a change notice must keep from its parent (procedure
 * identifier, procedure type, main CPV, place, buyer legal type...) and
 * a rule on e-invoicing; it is well formed and every field we read is
 * valid in itself. Checking it against its parent needs the parent, so
 * it is read as the notice it says it is. Its different procedure
 * identifier gives it its own ocid: importing it cannot change the
 * tender of cn_24_FRA_comments. */
static void test_eforms_invalid_change_notice(void **state)
{
    struct parsed p =
        parse_file(FIX "eforms/INVALID_change-cn_24_FRA_comments.xml");
    struct parsed parent = parse_file(FIX "eforms/cn_24_FRA_comments.xml");
    json_t *d = one(&p);

    (void)state;
    assert_str(d, "ocid", "eforms:9999abf1-e057-47a5-9210-b1f6fc759999");
    assert_string_not_equal(str(d, "ocid"), str(one(&parent), "ocid"));
    assert_str(d, "notice_id", "e887ac08-8b2a-47ee-8ba2-b3564418d241-01");
    assert_str(d, "status", "active");
    assert_str(d, "procedure", "oth-single");
    STRINGS(json_object_get(d, "cpv"), "77320000", "77310000", "45310000");
    assert_str(d, "place.nuts", "BE100");
    assert_str(d, "place.country", "BEL");
    LOTS(d, "LOT-0001", "LOT-0002");
    STRINGS(json_object_get(lot(d, 0), "cpv"), "77310000");
    STRINGS(json_object_get(lot(d, 1), "cpv"), "45310000");
    assert_str(d, "deadline", "2019-06-24T16:00:00Z");
    parsed_free(&p);
    parsed_free(&parent);
}

/* Every sample, parsed twice, gives the same document. */
static void test_eforms_reparse(void **state)
{
    static const char *const files[] = {
        "cn_24_FRA_comments.xml", "can_24_FRA_comments.xml",
        "cn_81_FRA.xml",          "can_81_FRA.xml",
        "pin-only_81_FRA.xml",    "INVALID_change-cn_24_FRA_comments.xml",
    };

    (void)state;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[128];
        struct parsed a, b;

        snprintf(path, sizeof path, FIX "eforms/%s", files[i]);
        a = parse_file(path);
        b = parse_file(path);
        one(&a);
        assert_true(json_equal(a.docs, b.docs));
        parsed_free(&a);
        parsed_free(&b);
    }
}

/* ---------------------------------------------------------- eForms rules */

/* A small notice: root attributes, then the body. */
#define NOTICE_HEAD                                                            \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                             \
    "<ContractNotice"                                                          \
    " xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:"                   \
    "ContractNotice-2\""                                                       \
    " xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:"               \
    "CommonAggregateComponents-2\""                                            \
    " xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:"               \
    "CommonBasicComponents-2\">\n"

/* notice: a contract notice with the given procedure and lots (XML
 * fragments); the caller free()s it. */
static char *notice(const char *ids, const char *project, const char *lots)
{
    size_t n = strlen(NOTICE_HEAD) + strlen(ids) + strlen(project) +
               strlen(lots) + 256;
    char *s = malloc(n);

    assert_non_null(s);
    snprintf(s, n,
             NOTICE_HEAD
             "%s<cbc:NoticeTypeCode>cn-standard</cbc:NoticeTypeCode>"
             "<cac:ContractingParty><cac:Party><cac:PartyName>"
             "<cbc:Name>Ville de Rouen</cbc:Name></cac:PartyName>"
             "</cac:Party></cac:ContractingParty>"
             "%s%s</ContractNotice>\n",
             ids, project, lots);
    return s;
}

#define IDS                                                                    \
    "<cbc:ID>n-1</cbc:ID><cbc:ContractFolderID>f-1</cbc:ContractFolderID>"

#define LOT(id, extra, period)                                                 \
    "<cac:ProcurementProjectLot><cbc:ID schemeName=\"Lot\">" id "</cbc:ID>"    \
    "<cac:TenderingProcess>" period "</cac:TenderingProcess>"                  \
    "<cac:ProcurementProject><cbc:Name>Lot " id "</cbc:Name>" extra            \
    "</cac:ProcurementProject></cac:ProcurementProjectLot>"

#define DEADLINE(date, time)                                                   \
    "<cac:TenderSubmissionDeadlinePeriod><cbc:EndDate>" date                   \
    "</cbc:EndDate>" time "</cac:TenderSubmissionDeadlinePeriod>"

#define AMOUNT(cur, v)                                                         \
    "<cac:RequestedTenderTotal><cbc:EstimatedOverallContractAmount"            \
    " currencyID=\"" cur "\">" v "</cbc:EstimatedOverallContractAmount>"       \
    "</cac:RequestedTenderTotal>"

#define CPV(kind, code)                                                        \
    "<cac:" kind "CommodityClassification><cbc:ItemClassificationCode"         \
    " listName=\"cpv\">" code "</cbc:ItemClassificationCode></cac:" kind       \
    "CommodityClassification>"

static struct parsed parse_notice(const char *ids, const char *project,
                                  const char *lots)
{
    char *s = notice(ids, project, lots);
    struct parsed p = parse_str(s);

    free(s);
    return p;
}

/* French preferred; values, at the procedure or summed over lots; the
 * earliest deadline of the lots, in UTC; the buyer's own name when there
 * are no organisations; additional CPV codes after the main ones; a place
 * from the first lot when the procedure has none. */
static void test_eforms_rules(void **state)
{
    struct parsed p;
    json_t *d;

    (void)state;
    p = parse_notice(
        IDS "<cbc:VersionID>02</cbc:VersionID>",
        "<cac:ProcurementProject>"
        "<cbc:Name languageID=\"ENG\">Green spaces</cbc:Name>"
        "<cbc:Name languageID=\"FRA\">Espaces  verts\n\t de Rouen</cbc:Name>"
        "<cbc:Description languageID=\"ENG\">Mowing</cbc:Description>" CPV(
            "Main", "77310000")
            CPV("Additional",
                "77314000") "<cac:MainCommodityClassification><cbc:"
                            "ItemClassificationCode"
                            " listName=\"cpv-other\">999</"
                            "cbc:ItemClassificationCode>"
                            "</cac:MainCommodityClassification>" AMOUNT(
                                "EUR", "150000.00") "</cac:ProcurementProject>",
        LOT("LOT-0001",
            CPV("Main",
                "45112710") "<cac:RealizedLocation><cac:Address>"
                            "<cbc:CityName>Rouen</"
                            "cbc:CityName><cbc:PostalZone>76000"
                            "</cbc:PostalZone><cbc:CountrySubentityCode "
                            "listName=\"nuts\">"
                            "FRD22</cbc:CountrySubentityCode></cac:Address>"
                            "</cac:RealizedLocation>",
            DEADLINE("2020-12-31+01:00",
                     "<cbc:EndTime>12:00:00+01:00</cbc:EndTime>"))
            LOT("LOT-0002", CPV("Main", "77310000"),
                DEADLINE("2020-12-30Z", "")));
    d = one(&p);
    assert_str(d, "ocid", "eforms:f-1");
    assert_str(d, "notice_id", "n-1-02");
    assert_str(d, "title", "Espaces verts de Rouen");
    assert_str(d, "description", "Mowing"); /* the only language given */
    assert_str(d, "buyer", "Ville de Rouen");
    STRINGS(json_object_get(d, "cpv"), "77310000", "77314000", "45112710");
    STRINGS(json_object_get(lot(d, 0), "cpv"), "45112710");
    assert_str(lot(d, 1), "title", "Lot LOT-0002");
    assert_str(d, "place.nuts", "FRD22");
    assert_str(d, "place.postcode", "76000");
    assert_str(d, "place.city", "Rouen");
    /* 2020-12-31 11:00Z and 2020-12-30 (end of day): the second */
    assert_str(d, "deadline", "2020-12-30T23:59:59Z");
    assert_value(d, 150000, "EUR");
    assert_true(json_is_integer(
        json_object_get(json_object_get(d, "value"), "amount")));
    parsed_free(&p);

    /* the lots' values are summed; a time without offset takes the
     * date's; a date and time without any offset stay local */
    p = parse_notice(
        IDS,
        "<cac:ProcurementProject><cbc:Name>T</cbc:Name>"
        "</cac:ProcurementProject>",
        LOT("A", AMOUNT("EUR", "1000.50"),
            DEADLINE("2021-01-10+02:00", "<cbc:EndTime>01:30:00</cbc:EndTime>"))
            LOT("B", AMOUNT("EUR", "2000"), ""));
    d = one(&p);
    assert_value(d, 3000.5, "EUR");
    assert_str(d, "deadline", "2021-01-09T23:30:00Z");
    parsed_free(&p);
    p = parse_notice(
        IDS,
        "<cac:ProcurementProject><cbc:Name>T</cbc:Name>"
        "</cac:ProcurementProject>",
        LOT("A", AMOUNT("EUR", "10"),
            DEADLINE("2021-01-10", "<cbc:EndTime>09:00:00</cbc:EndTime>"))
            LOT("B", AMOUNT("CHF", "20"), ""));
    d = one(&p);
    assert_null(json_object_get(d, "value")); /* two currencies */
    assert_str(d, "deadline", "2021-01-10T09:00:00");
    parsed_free(&p);
}

/* Broken notices: the element is named by its path in the document. */
static void test_eforms_errors(void **state)
{
    struct parsed p;

    (void)state;
    p = parse_notice(IDS,
                     "<cac:ProcurementProject>" CPV(
                         "Main", "77310000") "</cac:ProcurementProject>",
                     "");
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "/ContractNotice/cac:ProcurementProject/cbc:Name",
                 "is required");
    parsed_free(&p);

    p = parse_notice("", "", "");
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "/ContractNotice/cbc:ContractFolderID", "is required");
    assert_error(p.errs, "/ContractNotice/cac:ProcurementProject/cbc:Name",
                 "is required");
    parsed_free(&p);

    p = parse_notice(
        IDS,
        "<cac:ProcurementProject><cbc:Name>T</cbc:Name>" CPV(
            "Main", "7731") "</cac:ProcurementProject>",
        LOT("LOT-0001", CPV("Main", "77310000-X"), DEADLINE("2020-02-30Z", ""))
            LOT("LOT-0002", AMOUNT("EUR", "12,5"),
                DEADLINE("2020-01-01Z", "<cbc:EndTime>25:00:00Z</cbc:EndTime>"))
                LOT("LOT-0003", AMOUNT("euro", "12"), ""));
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs,
                 "/ContractNotice/cac:ProcurementProject/"
                 "cac:MainCommodityClassification/cbc:ItemClassificationCode",
                 "not a CPV code");
    assert_error(p.errs,
                 "/ContractNotice/cac:ProcurementProjectLot[1]/"
                 "cac:ProcurementProject/cac:MainCommodityClassification/"
                 "cbc:ItemClassificationCode",
                 "not a CPV code");
    assert_error(p.errs,
                 "/ContractNotice/cac:ProcurementProjectLot[1]/"
                 "cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod/"
                 "cbc:EndDate",
                 "2020-02-30Z");
    assert_error(p.errs,
                 "/ContractNotice/cac:ProcurementProjectLot[2]/"
                 "cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod",
                 "25:00:00Z");
    assert_error(p.errs,
                 "/ContractNotice/cac:ProcurementProjectLot[2]/"
                 "cac:ProcurementProject/cac:RequestedTenderTotal/"
                 "cbc:EstimatedOverallContractAmount",
                 "not an amount");
    assert_error(p.errs,
                 "/ContractNotice/cac:ProcurementProjectLot[3]/"
                 "cac:ProcurementProject/cac:RequestedTenderTotal/"
                 "cbc:EstimatedOverallContractAmount",
                 "ISO 4217");
    parsed_free(&p);

    /* not a notice */
    p = parse_str("<Invoice xmlns=\"urn:oasis:names:specification:ubl:"
                  "schema:xsd:Invoice-2\"/>");
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "document", "not an eForms notice");
    parsed_free(&p);
    p = parse_str("<ContractNotice/>"); /* no namespace */
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "document", "not an eForms notice");
    parsed_free(&p);
}

/* Hostile XML: entity expansion, external entities and DTDs, truncation,
 * depth, size. Each is RC_INVALID or RC_TOOBIG, quickly, with a message,
 * and libxml2 prints nothing. */
static void test_eforms_hostile(void **state)
{
    static const char *const dtds[] = {
        /* billion laughs */
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
        " <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 "
        "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"
        "&lol1;&lol1;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"
        "&lol2;&lol2;\">\n"
        " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"
        "&lol3;&lol3;\">\n"
        " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"
        "&lol4;&lol4;\">\n"
        " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"
        "&lol5;&lol5;\">\n"
        " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"
        "&lol6;&lol6;\">\n"
        " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"
        "&lol7;&lol7;\">\n"
        " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;"
        "&lol8;&lol8;\">\n"
        "]>\n" NOTICE_HEAD IDS "<cac:ProcurementProject><cbc:Name>&lol9;"
        "</cbc:Name></cac:ProcurementProject></ContractNotice>",
        /* XXE */
        "<?xml version=\"1.0\"?>\n<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "
        "\"file:///etc/passwd\"> ]>\n" NOTICE_HEAD IDS
        "<cac:ProcurementProject><cbc:Name>&xxe;</cbc:Name>"
        "</cac:ProcurementProject></ContractNotice>",
        /* parameter entities and an external DTD over the network */
        "<?xml version=\"1.0\"?>\n<!DOCTYPE foo SYSTEM "
        "\"http://127.0.0.1:9/evil.dtd\">\n" NOTICE_HEAD IDS
        "</ContractNotice>",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE foo [ <!ENTITY % p SYSTEM "
        "\"file:///etc/passwd\"> %p; ]>\n<foo/>",
        /* a DOCTYPE without declarations is refused as well */
        "<!DOCTYPE ContractNotice>\n" NOTICE_HEAD IDS "</ContractNotice>",
    };
    size_t len, n = 100000;
    char *buf = slurp(FIX "eforms/cn_24_FRA_comments.xml", &len);
    char *deep = malloc(7 * n + 16), *huge, *o;
    struct parsed p;

    (void)state;
    quiet_begin();
    for (size_t i = 0; i < sizeof dtds / sizeof *dtds; i++) {
        char *dump;

        p = parse_str(dtds[i]);
        assert_int_equal(p.rc, RC_INVALID);
        assert_int_equal(json_array_size(p.errs), 1);
        assert_error(p.errs, "document", "DTDs are not accepted");
        dump = json_dumps(p.errs, 0);
        assert_null(strstr(dump, "root:")); /* nothing of /etc/passwd */
        free(dump);
        parsed_free(&p);
    }

    /* an entity without a DTD */
    p = parse_str(NOTICE_HEAD IDS
                  "<cac:ProcurementProject><cbc:Name>&xxe;"
                  "</cbc:Name></cac:ProcurementProject></ContractNotice>");
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "document", "xxe");
    parsed_free(&p);

    /* truncated anywhere */
    for (size_t cut = 1; cut < len; cut += len / 9) {
        p = parse_buf(buf, cut);
        assert_int_equal(p.rc, RC_INVALID);
        assert_error(p.errs, "document", "not well-formed XML: line");
        parsed_free(&p);
    }
    p = parse_buf(buf, len - 3); /* "</ContractNotice" */
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "document", "not well-formed XML");
    parsed_free(&p);
    p = parse_str("<");
    assert_int_equal(p.rc, RC_INVALID);
    parsed_free(&p);
    p.errs = json_array();
    assert_int_equal(tender_from_eforms("", 0, p.errs, &p.docs), RC_INVALID);
    assert_error(p.errs, "document", "empty");
    parsed_free(&p);

    /* not UTF-8 although it says so */
    p = parse_str(NOTICE_HEAD IDS
                  "<cac:ProcurementProject><cbc:Name>\xff\xfe"
                  "</cbc:Name></cac:ProcurementProject></ContractNotice>");
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "document", "not well-formed XML");
    parsed_free(&p);

    /* 100 000 nested elements: libxml2's depth limit (no XML_PARSE_HUGE) */
    assert_non_null(deep);
    o = deep;
    for (size_t i = 0; i < n; i++) {
        memcpy(o, "<a>", 3);
        o += 3;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(o, "</a>", 4);
        o += 4;
    }
    p = parse_buf(deep, (size_t)(o - deep));
    assert_int_equal(p.rc, RC_INVALID);
    assert_error(p.errs, "document", "depth");
    parsed_free(&p);

    /* over the cap */
    huge = malloc(TENDER_MAX_BYTES + 1);
    assert_non_null(huge);
    memset(huge, ' ', TENDER_MAX_BYTES + 1);
    huge[0] = '<';
    p = parse_buf(huge, TENDER_MAX_BYTES + 1);
    assert_int_equal(p.rc, RC_TOOBIG);
    assert_error(p.errs, "document", "larger than");
    parsed_free(&p);
    p.errs = json_array();
    assert_int_equal(
        tender_from_eforms(huge, TENDER_MAX_BYTES + 1, p.errs, &p.docs),
        RC_TOOBIG);
    parsed_free(&p);
    quiet_end();
    free(huge);
    free(deep);
    free(buf);
}

/* Parses on several threads at once: each has its own error handler and
 * its own result. */
struct worker {
    const char *good, *bad;
    size_t good_len;
    int ok; /* parses that gave what they should */
};

static void *work(void *arg)
{
    struct worker *w = arg;

    for (int i = 0; i < 20; i++) {
        json_t *errs = json_array(), *docs = NULL;
        enum rc rc = tender_parse(w->good, w->good_len, errs, &docs);

        w->ok +=
            rc == RC_OK && json_array_size(docs) == 1 && !json_array_size(errs);
        json_decref(docs);
        docs = NULL;
        rc = tender_parse(w->bad, strlen(w->bad), errs, &docs);
        w->ok += rc == RC_INVALID && json_array_size(errs) == 1;
        json_decref(errs);
    }
    return NULL;
}

static void test_threads(void **state)
{
    size_t len;
    char *buf = slurp(FIX "eforms/cn_24_FRA_comments.xml", &len);
    struct worker w[4];
    pthread_t t[4];

    (void)state;
    for (int i = 0; i < 4; i++) {
        w[i] = (struct worker){buf, "<a><b></a>", len, 0};
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(w[i].ok, 40);
    }
    free(buf);
}

/* tender_parse() chooses the parser as the direct calls do. */
static void test_parse_dispatch(void **state)
{
    size_t len;
    char *buf = slurp(FIX "eforms/cn_24_FRA_comments.xml", &len);
    json_t *errs = json_array(), *direct = NULL;
    struct parsed p = parse_buf(buf, len);

    (void)state;
    assert_int_equal(tender_from_eforms(buf, len, errs, &direct), RC_OK);
    assert_true(json_equal(p.docs, direct));
    json_decref(direct);
    parsed_free(&p);
    free(buf);

    buf = slurp(FIX "ocds/change_history/tender.json", &len);
    p = parse_buf(buf, len);
    assert_int_equal(tender_from_ocds(buf, len, errs, &direct), RC_OK);
    assert_true(json_equal(p.docs, direct));
    assert_int_equal(json_array_size(errs), 0);
    json_decref(direct);
    parsed_free(&p);
    free(buf);
    json_decref(errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_ocds_change_history),
        cmocka_unit_test(test_ocds_reference_package),
        cmocka_unit_test(test_ocds_personal_identifier),
        cmocka_unit_test(test_ocds_moldova),
        cmocka_unit_test(test_ocds_paraguay_no_title),
        cmocka_unit_test(test_ocds_easy_release),
        cmocka_unit_test(test_ocds_frameworks),
        cmocka_unit_test(test_ocds_unsuccessful),
        cmocka_unit_test(test_ocds_latest_release),
        cmocka_unit_test(test_ocds_reparse),
        cmocka_unit_test(test_ocds_lots_place),
        cmocka_unit_test(test_ocds_errors),
        cmocka_unit_test_teardown(test_ocds_hostile, quiet_teardown),
        cmocka_unit_test(test_eforms_green_spaces),
        cmocka_unit_test(test_eforms_award),
        cmocka_unit_test(test_eforms_cea),
        cmocka_unit_test(test_eforms_pin),
        cmocka_unit_test(test_eforms_invalid_change_notice),
        cmocka_unit_test(test_eforms_reparse),
        cmocka_unit_test(test_eforms_rules),
        cmocka_unit_test(test_eforms_errors),
        cmocka_unit_test_teardown(test_eforms_hostile, quiet_teardown),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_parse_dispatch),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
