/*
 * test_tender.c: public tenders (tender/tender_db.h): the check rules
 * (every bad field named, CPV codes, places from NUTS codes, postcodes
 * and départements, the implicit lot, wanted[] from CPV codes and job
 * titles), storage (re-import updates the same id, one transaction), the
 * board's filters, order and paging, the tenders that fit an
 * entrepreneur; end to end: every shipped sample through POST
 * /tenders/import, who may write, a URL import against a local HTTP
 * server with ETag, malformed bodies that write nothing.
 */
#include "testutil.h"

#include <civetweb.h>
#include <pthread.h>
#include <time.h>

#include "../directory/dir_coop.h"
#include "../directory/dir_ent.h"
#include "../tender/tender.h"
#include "../tender/tender_db.h"
#include "../util/ids.h"
#include "../util/viewer.h"

#define FIX "tests/fixtures/tenders/"

extern const char *const tender_sql[];

static const struct viewer staff = {VIEWER_STAFF, 1, 0, 0};

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

/* A date-time n days from now, UTC. */
static void days_from_now(int n, char *buf, size_t size)
{
    time_t t = time(NULL) + (time_t)n * 86400;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT12:00:00Z", &tm);
}

static char *read_fixture(const char *name, size_t *len)
{
    char path[256];
    struct buf b = {0};
    char chunk[8192];
    size_t n;
    FILE *f;

    snprintf(path, sizeof path, FIX "%s", name);
    f = fopen(path, "rb");
    if (!f) fail_msg("cannot read %s", path);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_add(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return buf_take(&b);
}

/* check: tender_check of a JSON literal; want RC_OK or RC_INVALID. */
static json_t *check(struct db *db, const char *text, enum rc want,
                     json_t **errs_out)
{
    json_t *in = test_json(text), *errs = json_array(), *out = NULL;
    enum rc rc = tender_check(db, in, errs, &out);

    if (rc != want)
        fail_msg("%s: %s, want %s: %s", text, rc_name(rc), rc_name(want),
                 json_dumps(errs, 0));
    json_decref(in);
    if (errs_out)
        *errs_out = errs;
    else
        json_decref(errs);
    return out;
}

/* ------------------------------------------------------------- pure */

static void deadlines_in_utc(void **state)
{
    char out[32];

    (void)state;
    assert_int_equal(tender_deadline_utc("2019-06-24T16:00:00Z", out,
                                         sizeof out), 0);
    assert_string_equal(out, "2019-06-24T16:00:00Z");
    assert_int_equal(tender_deadline_utc("2019-06-24T18:00:00+02:00", out,
                                         sizeof out), 0);
    assert_string_equal(out, "2019-06-24T16:00:00Z");
    assert_int_equal(tender_deadline_utc("2019-06-24T18:00+0200", out,
                                         sizeof out), 0);
    assert_string_equal(out, "2019-06-24T16:00:00Z");
    assert_int_equal(tender_deadline_utc("2019-12-31T23:30:00.250-01:00", out,
                                         sizeof out), 0);
    assert_string_equal(out, "2020-01-01T00:30:00Z");
    /* A date: the end of that day. */
    assert_int_equal(tender_deadline_utc("2019-06-24", out, sizeof out), 0);
    assert_string_equal(out, "2019-06-24T23:59:59Z");
    assert_int_equal(tender_deadline_utc("2019-06-24+02:00", out,
                                         sizeof out), 0);
    assert_string_equal(out, "2019-06-24T21:59:59Z");
    assert_int_equal(tender_deadline_utc("2019-02-29", out, sizeof out), -1);
    assert_int_equal(tender_deadline_utc("2019-06-24T25:00", out, sizeof out),
                     -1);
    assert_int_equal(tender_deadline_utc("24/06/2019", out, sizeof out), -1);
    assert_int_equal(tender_deadline_utc("2019-06-24T16:00:00+2", out,
                                         sizeof out), -1);
    assert_int_equal(tender_deadline_utc("", out, sizeof out), -1);
}

static void job_titles_in_text(void **state)
{
    char codes[8][8];

    (void)state;
    /* A job title names a trade, once. */
    assert_int_equal(tender_text_trades("Recherche d'un jardinier paysagiste"
                                        " ou de jardiniers",
                                        codes, 8),
                     1);
    assert_string_equal(codes[0], "A1203");
    assert_int_equal(tender_text_trades("Plombiers et électriciens", codes, 8),
                     2);
    assert_string_equal(codes[0], "F1603");
    assert_int_equal(tender_text_trades("Paysagiste", codes, 8), 1);
    assert_string_equal(codes[0], "A1203");
    /* Activities, common words and machines name no one. */
    assert_int_equal(tender_text_trades("Service d'entretien de remise en état"
                                        " et de nettoyage des espaces verts.",
                                        codes, 8),
                     0);
    assert_int_equal(tender_text_trades("tous corps de métiers, un serveur,"
                                        " un souffleur et une balayeuse",
                                        codes, 8),
                     0);
    assert_int_equal(tender_text_trades("", codes, 8), 0);
}

/* ----------------------------------------------------------- checks */

static void every_bad_field_is_named(void **state)
{
    struct db *db = test_db_new();
    json_t *errs = NULL;
    char ocid[260];
    static const char *const fields[] = {
        "ocid",           "title",          "status",
        "cpv[1]",         "colour",         "deadline",
        "value.amount",   "value.currency", "place.insee",
        "lots[0].id",     "lots[1].cpv[0]", "lots[2].id",
        "lots[1].wanted[0].code",           "lots[1].wanted[1].skill",
        "lots[3]",        NULL};
    char text[2048];
    size_t i;

    (void)state;
    memset(ocid, 'x', 250);
    ocid[250] = 0;
    snprintf(text, sizeof text,
             "{'ocid':'%s','status':'open','cpv':['77310000','7731'],"
             "'colour':'red','deadline':'tomorrow',"
             "'value':{'amount':-1,'currency':'EURO'},"
             "'place':{'insee':'99999'},"
             "'lots':[{'title':'a'},"
             "{'id':'B','cpv':['12'],'wanted':[{'scheme':'rome',"
             "'code':'Z9999'},{'skill':''}]},{'id':'B'},'lot']}",
             ocid);
    json_decref(check(db, text, RC_INVALID, &errs));
    for (i = 0; fields[i]; i++)
        if (!test_has_error(errs, fields[i]))
            fail_msg("no error on %s: %s", fields[i], json_dumps(errs, 0));
    json_decref(errs);
    /* Required: ocid and title. */
    json_decref(check(db, "{}", RC_INVALID, &errs));
    assert_true(test_has_error(errs, "ocid"));
    assert_true(test_has_error(errs, "title"));
    json_decref(errs);
    db_close(db);
}

static void cpv_codes_and_wanted(void **state)
{
    struct db *db = test_db_new();
    json_t *t, *lot, *w;

    (void)state;
    /* Check digits, duplicates dropped, main code first. */
    t = check(db,
              "{'ocid':'a','title':'Espaces verts','cpv':['77310000-6',"
              "'45000000','77310000']}",
              RC_OK, NULL);
    assert_int_equal(json_array_size(json_object_get(t, "cpv")), 2);
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(t, "cpv"), 0)),
        "77310000");
    assert_string_equal(str(t, "status"), "active");
    assert_string_equal(str(t, "source"), "api");
    /* The implicit lot: the tender's codes and title. */
    assert_int_equal(json_array_size(json_object_get(t, "lots")), 1);
    lot = json_array_get(json_object_get(t, "lots"), 0);
    assert_string_equal(str(lot, "id"), "1");
    assert_string_equal(str(lot, "title"), "Espaces verts");
    assert_int_equal(json_array_size(json_object_get(lot, "cpv")), 2);
    /* wanted: one item per CPV code, with its trades. */
    assert_int_equal(json_array_size(json_object_get(lot, "wanted")), 2);
    w = json_array_get(json_object_get(lot, "wanted"), 0);
    assert_string_equal(str(w, "scheme"), "cpv");
    assert_string_equal(str(w, "code"), "77310000");
    assert_true(strlen(str(w, "label")) > 5);
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(w, "trades"), 0)),
        "rome:A1203");
    json_decref(t);

    /* Lots: a lot without codes takes the tender's; a tender without
     * codes takes its lots'; a lot's own wanted[] is kept. */
    t = check(db,
              "{'ocid':'b','title':'Écoles','lots':[{'id':1,'title':'Nord',"
              "'cpv':['77311000']},{'id':'2','title':'Sud','cpv':"
              "['90910000']},{'id':'3','wanted':[{'scheme':'rome',"
              "'code':'A1203'},{'skill':'taille douce'}]}]}",
              RC_OK, NULL);
    assert_int_equal(json_array_size(json_object_get(t, "cpv")), 2);
    lot = json_array_get(json_object_get(t, "lots"), 0);
    assert_string_equal(str(lot, "id"), "1");
    lot = json_array_get(json_object_get(t, "lots"), 2);
    assert_int_equal(json_array_size(json_object_get(lot, "cpv")), 2);
    assert_int_equal(json_array_size(json_object_get(lot, "wanted")), 2);
    w = json_array_get(json_object_get(lot, "wanted"), 0);
    assert_string_equal(str(w, "code"), "A1203");
    assert_true(strlen(str(w, "label")) > 5);
    w = json_array_get(json_object_get(lot, "wanted"), 1);
    assert_string_equal(str(w, "skill"), "taille douce");
    json_decref(t);

    /* A job title of the lot's text adds its trade, unless a CPV item of
     * the lot maps to it already. */
    t = check(db,
              "{'ocid':'c','title':'x','lots':[{'id':'1','title':"
              "'Recrutement d’un jardinier','cpv':['79000000']},{'id':'2',"
              "'title':'Un jardinier','cpv':['77310000']}]}",
              RC_OK, NULL);
    lot = json_array_get(json_object_get(t, "lots"), 0);
    assert_int_equal(json_array_size(json_object_get(lot, "wanted")), 2);
    w = json_array_get(json_object_get(lot, "wanted"), 1);
    assert_string_equal(str(w, "scheme"), "rome");
    assert_string_equal(str(w, "code"), "A1203");
    assert_string_equal(str(w, "from"), "text");
    lot = json_array_get(json_object_get(t, "lots"), 1);
    assert_int_equal(json_array_size(json_object_get(lot, "wanted")), 1);
    json_decref(t);
    db_close(db);
}

static json_t *place_of(struct db *db, const char *place)
{
    char text[512];
    json_t *t, *p;

    snprintf(text, sizeof text, "{'ocid':'p','title':'t','place':%s}", place);
    t = check(db, text, RC_OK, NULL);
    p = json_incref(json_object_get(t, "place"));
    json_decref(t);
    return p;
}

static void places(void **state)
{
    struct db *db = test_db_new();
    json_t *p, *errs = NULL;

    (void)state;
    /* NUTS-3: one département, its most populous commune stands for it. */
    p = place_of(db, "{'nuts':'frd22'}");
    assert_true(json_is_true(json_object_get(p, "in_france")));
    assert_string_equal(str(p, "departement"), "76");
    assert_string_equal(str(p, "departement_name"), "Seine-Maritime");
    assert_string_equal(str(p, "precision"), "departement");
    assert_string_equal(str(p, "insee"), "76351"); /* Le Havre */
    assert_string_equal(str(p, "nuts"), "FRD22");
    assert_true(json_is_number(json_object_get(p, "lat")));
    json_decref(p);
    /* NUTS-2: several départements, no single one. */
    p = place_of(db, "{'nuts':'FRD2','country':'FRA'}");
    assert_int_equal(json_array_size(json_object_get(p, "departements")), 2);
    assert_null(json_object_get(p, "departement"));
    assert_null(json_object_get(p, "lat"));
    assert_null(json_object_get(p, "precision"));
    json_decref(p);
    /* A postcode: its commune. */
    p = place_of(db, "{'postcode':'76000'}");
    assert_string_equal(str(p, "insee"), "76540");
    assert_string_equal(str(p, "name"), "Rouen");
    assert_string_equal(str(p, "precision"), "commune");
    json_decref(p);
    p = place_of(db, "{'insee':'44109','nuts':'FRD22'}");
    assert_string_equal(str(p, "name"), "Nantes"); /* the most precise */
    json_decref(p);
    /* A CEDEX address: the city without "Cedex 9", in the postcode's
     * département; an unknown one falls back on the NUTS code. */
    p = place_of(db, "{'postcode':'76099','city':'Rouen Cedex 9',"
                     "'nuts':'FRD22'}");
    assert_string_equal(str(p, "insee"), "76540");
    assert_string_equal(str(p, "precision"), "commune");
    json_decref(p);
    p = place_of(db, "{'postcode':'76099','city':'Nullepart Cedex 9',"
                     "'nuts':'FRD22'}");
    assert_string_equal(str(p, "departement"), "76");
    assert_string_equal(str(p, "precision"), "departement");
    json_decref(p);
    /* Only a NUTS code, and the buyer's address inside it: the buyer's
     * commune stands for the place; outside it, the most populous. */
    p = place_of(db, "{'nuts':'FRD22'},'buyer_place':{'postcode':'76001',"
                     "'city':'Rouen Cedex 1','nuts':'FRD22'}");
    assert_string_equal(str(p, "name"), "Rouen");
    assert_string_equal(str(p, "precision"), "buyer");
    json_decref(p);
    p = place_of(db, "{'nuts':'FRD22'},'buyer_place':{'postcode':'75001',"
                     "'city':'Paris'}");
    assert_string_equal(str(p, "name"), "Le Havre");
    assert_string_equal(str(p, "precision"), "departement");
    json_decref(p);
    p = place_of(db, "{'departement':'2A'}");
    assert_string_equal(str(p, "insee"), "2A004"); /* Ajaccio */
    json_decref(p);
    /* Outside France: kept, marked. */
    p = place_of(db, "{'nuts':'LU000','city':'Luxembourg'}");
    assert_true(json_is_false(json_object_get(p, "in_france")));
    assert_string_equal(str(p, "nuts"), "LU000");
    assert_string_equal(str(p, "city"), "Luxembourg");
    json_decref(p);
    p = place_of(db, "{'country':'Moldova','city':'Chisinau'}");
    assert_true(json_is_false(json_object_get(p, "in_france")));
    json_decref(p);
    /* Refused, named. */
    json_decref(check(db, "{'ocid':'p','title':'t','place':{'postcode':"
                          "'99999'}}",
                      RC_INVALID, &errs));
    assert_true(test_has_error(errs, "place.postcode"));
    json_decref(errs);
    json_decref(check(db, "{'ocid':'p','title':'t','place':{'nuts':"
                          "'FRZ99'}}",
                      RC_INVALID, &errs));
    assert_true(test_has_error(errs, "place.nuts"));
    json_decref(errs);
    json_decref(check(db, "{'ocid':'p','title':'t','place':{'departement':"
                          "'00'}}",
                      RC_INVALID, &errs));
    assert_true(test_has_error(errs, "place.departement"));
    json_decref(errs);
    json_decref(check(db, "{'ocid':'p','title':'t','place':{'street':"
                          "'x'}}",
                      RC_INVALID, &errs));
    assert_true(test_has_error(errs, "place.street"));
    json_decref(errs);
    db_close(db);
}

/* ------------------------------------------------------------ storage */

static long long create(struct db *db, const char *text, int want_created)
{
    json_t *in = test_json(text), *errs = json_array(), *out = NULL;
    long long id = 0;
    int created = -1;

    if (tender_create(db, &staff, in, errs, &created, &out) != RC_OK)
        fail_msg("%s: %s", text, json_dumps(errs, 0));
    assert_int_equal(created, want_created);
    assert_true(ids_parse(str(out, "id"), &id));
    json_decref(in);
    json_decref(errs);
    json_decref(out);
    return id;
}

static void statements_prepare(void **state)
{
    struct db *db = test_db_new();
    size_t i;

    (void)state;
    for (i = 0; tender_sql[i]; i++)
        if (!db_stmt(db, tender_sql[i]))
            fail_msg("cannot prepare: %s", tender_sql[i]);
    db_close(db);
}

static void reimport_updates_the_same_id(void **state)
{
    struct db *db = test_db_new();
    json_t *in, *errs = json_array(), *out = NULL;
    struct viewer ent = {VIEWER_ENTREPRENEUR, 1, 1, 0};
    long long a, b;
    int created;

    (void)state;
    a = create(db, "{'ocid':'o-1','title':'Premier','cpv':['77310000'],"
                   "'place':{'insee':'76540'}}",
               1);
    b = create(db, "{'ocid':'o-1','title':'Second','cpv':['45261000'],"
                   "'place':{'insee':'44109'}}",
               0);
    assert_true(a == b);
    assert_int_equal(test_count(db, "SELECT count(*) FROM tender"), 1);
    assert_int_equal(test_count(db, "SELECT count(*) FROM tender WHERE"
                                    " title = 'Second' AND departement ="
                                    " '44'"),
                     1);
    /* The side tables follow. */
    assert_int_equal(test_count(db, "SELECT count(*) FROM tender_cpv"), 1);
    assert_int_equal(test_count(db, "SELECT count(*) FROM tender_cpv WHERE"
                                    " cpv = '45261000'"),
                     1);
    assert_int_equal(test_count(db, "SELECT count(*) FROM tender_dep WHERE"
                                    " departement = '44'"),
                     1);
    assert_int_equal(test_count(db, "SELECT count(*) FROM tender_fts"), 1);
    /* Counted once in the demand data, when new. */
    assert_int_equal(test_count(db, "SELECT sum(n) FROM demand WHERE kind ="
                                    " 'tender' AND trade = 'cpv:77310000'"
                                    " AND departement = '76'"),
                     1);
    assert_int_equal(test_count(db, "SELECT count(*) FROM demand WHERE"
                                    " trade = 'cpv:45261000'"),
                     0);
    /* Entrepreneurs do not write tenders. */
    in = test_json("{'ocid':'o-2','title':'x'}");
    assert_int_equal(tender_create(db, &ent, in, errs, &created, &out),
                     RC_FORBIDDEN);
    assert_int_equal(tender_create(db, &viewer_anonymous, in, errs, &created,
                                   &out),
                     RC_FORBIDDEN);
    json_decref(in);
    json_decref(errs);
    db_close(db);
}

static void import_is_one_transaction(void **state)
{
    struct db *db = test_db_new();
    json_t *errs = json_array(), *out = NULL, *r;
    const char *two =
        "{\"releases\":[{\"ocid\":\"ocds-1\",\"id\":\"1\",\"date\":"
        "\"2026-01-01T00:00:00Z\",\"tender\":{\"id\":\"t\",\"title\":"
        "\"Bon\",\"items\":[{\"id\":\"1\",\"classification\":{\"scheme\":"
        "\"CPV\",\"id\":\"77310000\"}}]}},{\"ocid\":\"ocds-2\",\"id\":\"2\","
        "\"date\":\"2026-01-01T00:00:00Z\",\"tender\":{\"id\":\"t\","
        "\"title\":\"Mauvais\",\"tenderPeriod\":{\"endDate\":"
        "\"2026-01-01T00:00:00Z\"},\"items\":[{\"id\":\"1\",\"deliveryAddress\":"
        "{\"postalCode\":\"99999\"}}]}}]}";
    const char *bad =
        "{\"releases\":[{\"ocid\":\"ocds-3\",\"id\":\"1\",\"date\":"
        "\"2026-01-01T00:00:00Z\",\"tender\":{\"id\":\"t\",\"title\":"
        "\"x\",\"items\":[{\"id\":\"1\",\"deliveryAddress\":{\"postalCode\":"
        "\"99999\"}}]}}]}";

    (void)state;
    assert_int_equal(tender_import(db, &staff, two, strlen(two), NULL, NULL,
                                   NULL, errs, NULL, &out),
                     RC_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "imported")), 1);
    assert_int_equal(json_array_size(json_object_get(out, "rejected")), 1);
    r = json_array_get(json_object_get(out, "rejected"), 0);
    assert_string_equal(str(r, "record"), "ocds-2");
    assert_string_equal(str(r, "field"), "place.postcode");
    assert_string_equal(str(out, "format"), "ocds");
    json_decref(out);
    /* Again: an update, same id. */
    assert_int_equal(tender_import(db, &staff, two, strlen(two), NULL, NULL,
                                   NULL, errs, NULL, &out),
                     RC_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "imported")), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "updated")), 1);
    json_decref(out);
    assert_int_equal(test_count(db, "SELECT count(*) FROM tender"), 1);
    /* Nothing acceptable: refused, named, nothing written. */
    assert_int_equal(tender_import(db, &staff, bad, strlen(bad), NULL, NULL,
                                   NULL, errs, NULL, &out),
                     RC_INVALID);
    assert_true(test_has_error(errs, "ocds-3.place.postcode"));
    json_array_clear(errs);
    assert_int_equal(tender_import(db, &staff, "nothing", 7, NULL, NULL, NULL,
                                   errs, NULL, &out),
                     RC_INVALID);
    assert_true(test_has_error(errs, "document"));
    json_array_clear(errs);
    assert_int_equal(tender_import(db, &staff, "{\"releases\":", 12, NULL,
                                   NULL, NULL, errs, NULL, &out),
                     RC_INVALID);
    assert_true(test_has_error(errs, "document"));
    assert_int_equal(test_count(db, "SELECT count(*) FROM tender"), 1);
    assert_int_equal(tender_import(db, &viewer_anonymous, two, strlen(two),
                                   NULL, NULL, NULL, errs, NULL, &out),
                     RC_FORBIDDEN);
    json_decref(errs);
    db_close(db);
}

/* ------------------------------------------------------------- board */

struct board_fix {
    struct db *db;
    long long green, roof, translate, clean, seat, skill;
};

static int board_setup(void **state)
{
    struct board_fix *f = calloc(1, sizeof *f);
    char text[1024], soon[32], later[32];

    days_from_now(5, soon, sizeof soon);
    days_from_now(10, later, sizeof later);
    f->db = test_db_new();
    snprintf(text, sizeof text,
             "{'ocid':'green','title':'Entretien des espaces verts',"
             "'buyer':'Ville de Rouen','cpv':['77310000'],"
             "'place':{'insee':'76540'},'deadline':'%s'}",
             later);
    f->green = create(f->db, text, 1);
    snprintf(text, sizeof text,
             "{'ocid':'roof','title':'Réfection de la toiture de l’école',"
             "'cpv':['45261000'],'place':{'postcode':'44000'},"
             "'deadline':'%s'}",
             soon);
    f->roof = create(f->db, text, 1);
    f->translate = create(f->db,
                          "{'ocid':'translate','title':'Traduction de"
                          " documents','cpv':['79530000']}",
                          1);
    f->clean = create(f->db,
                      "{'ocid':'clean','title':'Nettoyage des locaux',"
                      "'cpv':['90910000'],'place':{'nuts':'FRD2'},"
                      "'deadline':'2020-03-01'}",
                      1);
    *state = f;
    return 0;
}

static int board_teardown(void **state)
{
    struct board_fix *f = *state;

    db_close(f->db);
    free(f);
    return 0;
}

/* board: the ids of a board answer, as "id,id,..."; *next its cursor. */
static void board(struct board_fix *f, const char *q, const char *cpv,
                  const char *dep, const char *after, const char *status,
                  int limit, const char *cursor, char *ids, size_t size,
                  char *next, size_t nsize, const char *bad)
{
    struct tender_query tq = {q ? q : "", cpv ? cpv : "", dep ? dep : "",
                              after ? after : "", status ? status : "",
                              limit, cursor ? cursor : ""};
    json_t *errs = json_array(), *out = NULL, *r;
    enum rc rc = tender_list(f->db, &tq, errs, &out);
    size_t i;

    if (bad) {
        assert_int_equal(rc, RC_INVALID);
        if (!test_has_error(errs, bad))
            fail_msg("no error on %s: %s", bad, json_dumps(errs, 0));
        json_decref(errs);
        return;
    }
    if (rc != RC_OK) fail_msg("%s", json_dumps(errs, 0));
    ids[0] = 0;
    json_array_foreach(json_object_get(out, "results"), i, r) {
        size_t n = strlen(ids);

        snprintf(ids + n, size - n, "%s%s", n ? "," : "", str(r, "id"));
    }
    assert_int_equal(json_integer_value(json_object_get(out, "total")) >=
                         (json_int_t)json_array_size(
                             json_object_get(out, "results")),
                     1);
    if (next) snprintf(next, nsize, "%s", str(out, "next_cursor"));
    json_decref(out);
    json_decref(errs);
}

static void want_ids(struct board_fix *f, const char *got, long long a,
                     long long b, long long c, long long d)
{
    char want[64] = "";
    long long x[4] = {a, b, c, d};
    int i;

    (void)f;
    for (i = 0; i < 4 && x[i]; i++) {
        size_t n = strlen(want);

        snprintf(want + n, sizeof want - n, "%s%lld", n ? "," : "", x[i]);
    }
    if (strcmp(got, want)) fail_msg("got \"%s\", want \"%s\"", got, want);
}

static void board_filters_and_order(void **state)
{
    struct board_fix *f = *state;
    char ids[128], next[80], today[32];

    /* Open first, soonest deadline first; then no deadline; then past. */
    board(f, NULL, NULL, NULL, NULL, NULL, 20, NULL, ids, sizeof ids, NULL,
          0, NULL);
    want_ids(f, ids, f->roof, f->green, f->translate, f->clean);
    /* Paging. */
    board(f, NULL, NULL, NULL, NULL, NULL, 2, NULL, ids, sizeof ids, next,
          sizeof next, NULL);
    want_ids(f, ids, f->roof, f->green, 0, 0);
    assert_true(*next);
    board(f, NULL, NULL, NULL, NULL, NULL, 2, next, ids, sizeof ids, next,
          sizeof next, NULL);
    want_ids(f, ids, f->translate, f->clean, 0, 0);
    assert_false(*next);
    /* Words: French analysis (plural, accents, prefix being typed). */
    board(f, "espace", NULL, NULL, NULL, NULL, 20, NULL, ids, sizeof ids,
          NULL, 0, NULL);
    want_ids(f, ids, f->green, 0, 0, 0);
    board(f, "toitures ecole", NULL, NULL, NULL, NULL, 20, NULL, ids,
          sizeof ids, NULL, 0, NULL);
    want_ids(f, ids, f->roof, 0, 0, 0);
    board(f, "trad", NULL, NULL, NULL, NULL, 20, NULL, ids, sizeof ids, NULL,
          0, NULL);
    want_ids(f, ids, f->translate, 0, 0, 0);
    board(f, "rouen", NULL, NULL, NULL, NULL, 20, NULL, ids, sizeof ids, NULL,
          0, NULL); /* the buyer */
    want_ids(f, ids, f->green, 0, 0, 0);
    board(f, "plomberie", NULL, NULL, NULL, NULL, 20, NULL, ids, sizeof ids,
          NULL, 0, NULL);
    assert_string_equal(ids, "");
    /* CPV prefixes. */
    board(f, NULL, "7731", NULL, NULL, NULL, 20, NULL, ids, sizeof ids, NULL,
          0, NULL);
    want_ids(f, ids, f->green, 0, 0, 0);
    board(f, NULL, "77310000-6", NULL, NULL, NULL, 20, NULL, ids, sizeof ids,
          NULL, 0, NULL);
    want_ids(f, ids, f->green, 0, 0, 0);
    board(f, NULL, "4", NULL, NULL, NULL, 20, NULL, ids, sizeof ids, NULL, 0,
          "cpv");
    board(f, NULL, "45x", NULL, NULL, NULL, 20, NULL, ids, sizeof ids, NULL,
          0, "cpv");
    board(f, NULL, "45", NULL, NULL, NULL, 20, NULL, ids, sizeof ids, NULL, 0,
          NULL);
    want_ids(f, ids, f->roof, 0, 0, 0);
    /* Départements: NUTS-2 places count in each of theirs. */
    board(f, NULL, NULL, "76", NULL, NULL, 20, NULL, ids, sizeof ids, NULL, 0,
          NULL);
    want_ids(f, ids, f->green, f->clean, 0, 0);
    board(f, NULL, NULL, "27", NULL, NULL, 20, NULL, ids, sizeof ids, NULL, 0,
          NULL);
    want_ids(f, ids, f->clean, 0, 0, 0);
    board(f, NULL, NULL, "99", NULL, NULL, 20, NULL, ids, sizeof ids, NULL, 0,
          "departement");
    /* Deadlines. */
    days_from_now(0, today, sizeof today);
    today[10] = 0;
    board(f, NULL, NULL, NULL, today, NULL, 20, NULL, ids, sizeof ids, NULL,
          0, NULL);
    want_ids(f, ids, f->roof, f->green, 0, 0);
    board(f, NULL, NULL, NULL, "2020-01-01", NULL, 20, NULL, ids, sizeof ids,
          NULL, 0, NULL);
    want_ids(f, ids, f->roof, f->green, f->clean, 0);
    board(f, NULL, NULL, NULL, "soon", NULL, 20, NULL, ids, sizeof ids, NULL,
          0, "deadline_after");
    /* Status, cursor. */
    board(f, NULL, NULL, NULL, NULL, "complete", 20, NULL, ids, sizeof ids,
          NULL, 0, NULL);
    assert_string_equal(ids, "");
    board(f, NULL, NULL, NULL, NULL, "done", 20, NULL, ids, sizeof ids, NULL,
          0, "status");
    board(f, NULL, NULL, NULL, NULL, NULL, 20, "12", ids, sizeof ids, NULL, 0,
          "cursor");
    /* Filters combine. */
    board(f, "entretien", "77", "76", today, "active", 20, NULL, ids,
          sizeof ids, NULL, 0, NULL);
    want_ids(f, ids, f->green, 0, 0, 0);
}

static long long make_coop(struct db *db)
{
    return test_make(db, dir_coop_create, "{'name':'Coop'}");
}

static long long make_ent(struct db *db, long long coop, const char *code,
                          const char *insee, const char *extra)
{
    char text[1024];

    snprintf(text, sizeof text,
             "{'cooperative_id':'%lld','display_name':'E','trades':"
             "[{'scheme':'rome','code':'%s'}],'location':{'insee':'%s'}%s}",
             coop, code, insee, extra ? extra : "");
    return test_make(db, dir_ent_create, text);
}

/* mine: the ids of me/tenders for entrepreneur ent; *first the first
 * result (new reference) when asked. */
static void mine(struct board_fix *f, long long coop, long long ent,
                 char *ids, size_t size, json_t **first)
{
    struct viewer v = {VIEWER_ENTREPRENEUR, coop, ent, 0};
    struct tender_query q = {"", "", "", "", "", 20, ""};
    json_t *errs = json_array(), *out = NULL, *r;
    size_t i;

    if (tender_mine(f->db, &v, &q, errs, &out) != RC_OK)
        fail_msg("%s", json_dumps(errs, 0));
    ids[0] = 0;
    json_array_foreach(json_object_get(out, "results"), i, r) {
        size_t n = strlen(ids);

        snprintf(ids + n, size - n, "%s%s", n ? "," : "", str(r, "id"));
    }
    assert_int_equal(json_integer_value(json_object_get(out, "total")),
                     json_array_size(json_object_get(out, "results")));
    if (first) *first = json_incref(json_array_get(json_object_get(out,
                                                                   "results"),
                                                   0));
    json_decref(out);
    json_decref(errs);
}

static void fitting_tenders(void **state)
{
    struct board_fix *f = *state;
    long long coop = make_coop(f->db);
    long long rouen = make_ent(f->db, coop, "A1203", "76540",
                               ",'intervention':{'radius_km':30}");
    long long nantes = make_ent(f->db, coop, "A1203", "44109",
                                ",'intervention':{'radius_km':30}");
    long long zoned = make_ent(f->db, coop, "A1203", "44109",
                               ",'intervention':{'radius_km':5,'zones':"
                               "['dep:76']}");
    long long plumber = make_ent(f->db, coop, "F1603", "76540", NULL);
    long long roofer = make_ent(f->db, coop, "F1610", "44143", NULL);
    long long havre = make_ent(f->db, coop, "A1203", "76351",
                               ",'intervention':{'radius_km':5},'skills':"
                               "['taille douce']");
    struct viewer client = {VIEWER_CLIENT, 0, 0, 3};
    struct tender_query q = {"", "", "", "", "", 20, ""};
    json_t *first = NULL, *lot, *errs = json_array(), *out = NULL;
    char ids[128];

    /* Trade and area. */
    mine(f, coop, rouen, ids, sizeof ids, &first);
    want_ids(f, ids, f->green, 0, 0, 0);
    lot = json_array_get(
        json_object_get(json_object_get(first, "fit"), "lots"), 0);
    assert_string_equal(str(json_object_get(first, "fit"), "area"), "commune");
    assert_string_equal(
        str(json_array_get(json_object_get(lot, "wanted"), 0), "by"),
        "rome:A1203");
    assert_true(json_array_size(json_object_get(first, "why")) >= 2);
    json_decref(first);
    mine(f, coop, nantes, ids, sizeof ids, NULL); /* too far */
    assert_string_equal(ids, "");
    mine(f, coop, zoned, ids, sizeof ids, &first); /* works in all of 76 */
    want_ids(f, ids, f->green, 0, 0, 0);
    assert_string_equal(str(json_object_get(first, "fit"), "area"),
                        "departement");
    json_decref(first);
    mine(f, coop, plumber, ids, sizeof ids, NULL); /* not the trade */
    assert_string_equal(ids, "");
    mine(f, coop, roofer, ids, sizeof ids, NULL); /* Rezé, 30 km default */
    want_ids(f, ids, f->roof, 0, 0, 0);
    /* A place known by its département: its most populous commune (Le
     * Havre for 76) stands for it; a skill is found in the profile. */
    f->seat = create(f->db,
                     "{'ocid':'seat','title':'Taille','place':{'nuts':"
                     "'FRD22'},'lots':[{'id':'1','wanted':[{'skill':"
                     "'taille douce'}]}]}",
                     1);
    mine(f, coop, havre, ids, sizeof ids, &first);
    want_ids(f, ids, f->seat, 0, 0, 0);
    assert_string_equal(
        str(json_array_get(json_object_get(json_array_get(
                               json_object_get(json_object_get(first, "fit"),
                                               "lots"),
                               0),
                           "wanted"),
                           0),
            "skill"),
        "taille douce");
    json_decref(first);
    mine(f, coop, rouen, ids, sizeof ids, NULL); /* Le Havre is 70 km away */
    want_ids(f, ids, f->green, 0, 0, 0);
    /* Others may not ask. */
    assert_int_equal(tender_mine(f->db, &client, &q, errs, &out),
                     RC_FORBIDDEN);
    assert_int_equal(tender_mine(f->db, &staff, &q, errs, &out),
                     RC_FORBIDDEN);
    json_decref(errs);
}

/* ---------------------------------------------------------- end to end */

static struct test_server server;

/* A tiny HTTP server for URL imports: serves the green-spaces notice
 * with an ETag, answers 304 to If-None-Match with it, 404 elsewhere. */
struct origin {
    struct mg_context *ctx;
    int port;
    char *body;
    size_t len;
    int hits, conditional;
    pthread_mutex_t lock;
};
static struct origin origin;

static int origin_handler(struct mg_connection *conn, void *arg)
{
    struct origin *o = arg;
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const char *inm = mg_get_header(conn, "If-None-Match");

    pthread_mutex_lock(&o->lock);
    o->hits++;
    if (inm) o->conditional++;
    pthread_mutex_unlock(&o->lock);
    if (strcmp(ri->local_uri, "/cn.xml") != 0) {
        mg_printf(conn, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                        "Connection: close\r\n\r\n");
        return 404;
    }
    if (inm && !strcmp(inm, "\"v1\"")) {
        mg_printf(conn, "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n"
                        "Connection: close\r\n\r\n");
        return 304;
    }
    mg_printf(conn,
              "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"
              "ETag: \"v1\"\r\nContent-Length: %zu\r\n"
              "Connection: close\r\n\r\n",
              o->len);
    mg_write(conn, o->body, o->len);
    return 200;
}

static void origin_start(struct origin *o)
{
    static const char *opts[] = {"listening_ports", "127.0.0.1:0",
                                 "num_threads", "2", NULL};
    struct mg_callbacks cb;
    struct mg_server_port port;

    memset(&cb, 0, sizeof cb);
    pthread_mutex_init(&o->lock, NULL);
    o->body = read_fixture("eforms/cn_24_FRA_comments.xml", &o->len);
    o->ctx = mg_start(&cb, o, opts);
    assert_non_null(o->ctx);
    mg_set_request_handler(o->ctx, "/", origin_handler, o);
    assert_int_equal(mg_get_server_ports(o->ctx, 1, &port), 1);
    o->port = port.port;
    assert_true(o->port > 0);
}

static void origin_stop(struct origin *o)
{
    mg_stop(o->ctx);
    free(o->body);
    pthread_mutex_destroy(&o->lock);
}

static int srv_setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    test_server_start(&server);
    origin_start(&origin);
    return 0;
}

static int srv_teardown(void **state)
{
    (void)state;
    origin_stop(&origin);
    test_server_stop(&server);
    curl_global_cleanup();
    return 0;
}

static long call(const char *token, const char *method, const char *path,
                 const char *body, const char *ctype, json_t **out)
{
    struct test_reply r;
    long status;

    test_http_as(&server, token, method, path, body, ctype, &r);
    status = r.status;
    if (out) *out = json_incref(r.json);
    test_reply_free(&r);
    return status;
}

static json_int_t board_total(const char *query)
{
    char path[256];
    json_t *out = NULL;
    json_int_t n;

    snprintf(path, sizeof path, "/api/v1/tenders%s", query);
    assert_int_equal(call(NULL, "GET", path, NULL, NULL, &out), 200);
    n = json_integer_value(json_object_get(out, "total"));
    json_decref(out);
    return n;
}

/* has_error: a problem document names field. */
static int has_error(json_t *problem, const char *field)
{
    return test_has_error(json_object_get(problem, "errors"), field);
}

static void import_every_sample(void **state)
{
    static const char *const samples[] = {
        "eforms/cn_24_FRA_comments.xml",
        "eforms/can_24_FRA_comments.xml",
        "eforms/cn_81_FRA.xml",
        "eforms/can_81_FRA.xml",
        "eforms/pin-only_81_FRA.xml",
        "eforms/INVALID_change-cn_24_FRA_comments.xml",
        "ocds/release_schema_reference/release_package.json",
        "ocds/change_history/tender.json",
        "ocds/change_history/tenderUpdate.json",
        "ocds/change_history/award.json",
        "ocds/organizations/personal_identifier.json",
        "ocds/organizations/organizational_units/"
        "moldova_organization_extension.json",
        "ocds/organizations/organizational_units/"
        "paraguay_organization_name.json",
        "ocds/frameworks/open_multiple_first_stage.json",
        "ocds/frameworks/open_multiple_second_stage.json",
        "ocds/unsuccessful_tender/tender.json",
        "ocds/unsuccessful_tender/related_process.json",
        "ocds/easy_releases/worked_example1/tender.json",
        NULL};
    char green[24] = "";
    json_t *out = NULL, *r;
    size_t i, len;
    int ok = 0;

    (void)state;
    for (i = 0; samples[i]; i++) {
        char *body = read_fixture(samples[i], &len);
        int xml = strstr(samples[i], ".xml") != NULL;
        json_int_t before = board_total("");
        long st = call(server.admin, "POST", "/api/v1/tenders/import", body,
                       xml ? "application/xml" : "application/json", &out);

        if (st == 200) {
            ok++;
            assert_int_equal(
                json_integer_value(json_object_get(out, "imported")) +
                    json_integer_value(json_object_get(out, "updated")),
                (json_int_t)json_array_size(json_object_get(out, "ids")));
            if (i == 0) {
                assert_int_equal(json_array_size(json_object_get(out, "ids")),
                                 1);
                snprintf(green, sizeof green, "%s",
                         json_string_value(
                             json_array_get(json_object_get(out, "ids"), 0)));
            }
        } else {
            /* Refused (a notice the parser or the checks refuse): named,
             * and nothing written. */
            if (st != 400) fail_msg("%s: %ld", samples[i], st);
            assert_true(json_array_size(json_object_get(out, "errors")) > 0);
            assert_true(board_total("") == before);
        }
        json_decref(out);
        free(body);
    }
    assert_true(ok >= 15);
    assert_true(*green);
    /* The green spaces of Rouen Habitat are on the board of 76. */
    assert_int_equal(call(NULL, "GET", "/api/v1/tenders?departement=76", NULL,
                          NULL, &out),
                     200);
    ok = 0;
    json_array_foreach(json_object_get(out, "results"), i, r) {
        if (!strcmp(str(r, "id"), green)) {
            ok = 1;
            assert_non_null(strstr(str(r, "title"), "espaces verts"));
            assert_string_equal(str(json_object_get(r, "place"),
                                    "departement"),
                                "76");
        }
    }
    assert_true(ok);
    json_decref(out);
    /* Its document, with lots and requirements. */
    {
        char path[64];

        snprintf(path, sizeof path, "/api/v1/tenders/%s", green);
        assert_int_equal(call(NULL, "GET", path, NULL, NULL, &out), 200);
        r = json_array_get(json_object_get(out, "lots"), 0);
        assert_string_equal(
            str(json_array_get(json_object_get(r, "wanted"), 0), "code"),
            "77310000");
        json_decref(out);
    }
    assert_int_equal(call(NULL, "GET", "/api/v1/tenders/99999", NULL, NULL,
                          NULL),
                     404);
    assert_int_equal(call(NULL, "GET", "/api/v1/tenders/abc", NULL, NULL,
                          NULL),
                     404);
    /* Importing it again updates it: same id. */
    {
        char *body = read_fixture("eforms/cn_24_FRA_comments.xml", &len);
        json_int_t before = board_total("");

        assert_int_equal(call(server.admin, "POST", "/api/v1/tenders/import",
                              body, "text/xml", &out),
                         200);
        assert_int_equal(json_integer_value(json_object_get(out, "updated")),
                         1);
        assert_string_equal(
            json_string_value(json_array_get(json_object_get(out, "ids"), 0)),
            green);
        assert_true(board_total("") == before);
        json_decref(out);
        free(body);
    }
    assert_int_equal(board_total("?cpv=7731&departement=76") >= 1, 1);
    assert_int_equal(call(NULL, "GET", "/api/v1/tenders?cpv=abc&limit=0",
                          NULL, NULL, &out),
                     400);
    assert_true(has_error(out, "cpv"));
    assert_true(has_error(out, "limit"));
    json_decref(out);
}

static void who_may_write(void **state)
{
    const char *doc = "{\"ocid\":\"api-1\",\"title\":\"Taille des haies\","
                      "\"cpv\":[\"77310000\"],\"place\":{\"insee\":"
                      "\"76540\"}}";
    char body[512], token[64], path[96];
    json_t *out = NULL;
    char coop[24], ent[24];

    (void)state;
    assert_int_equal(call(NULL, "POST", "/api/v1/tenders", doc, NULL, NULL),
                     401);
    assert_int_equal(call(NULL, "POST", "/api/v1/tenders/import", doc, NULL,
                          NULL),
                     401);
    assert_int_equal(call(NULL, "GET", "/api/v1/me/tenders", NULL, NULL,
                          NULL),
                     401);
    /* An entrepreneur reads, does not write. */
    assert_int_equal(call(server.admin, "POST", "/api/v1/cooperatives",
                          "{\"name\":\"Coop\"}", NULL, &out),
                     201);
    snprintf(coop, sizeof coop, "%s", str(out, "id"));
    json_decref(out);
    snprintf(body, sizeof body,
             "{\"cooperative_id\":\"%s\",\"display_name\":\"Jade\","
             "\"trades\":[{\"scheme\":\"rome\",\"code\":\"A1203\"}],"
             "\"location\":{\"insee\":\"76540\"},\"visibility\":\"public\"}",
             coop);
    assert_int_equal(call(server.admin, "POST", "/api/v1/entrepreneurs", body,
                          NULL, &out),
                     201);
    snprintf(ent, sizeof ent, "%s", str(out, "id"));
    json_decref(out);
    snprintf(body, sizeof body,
             "{\"email\":\"jade@example.org\",\"password\":\"a password\","
             "\"role\":\"entrepreneur\",\"entrepreneur_id\":\"%s\"}",
             ent);
    assert_int_equal(call(server.admin, "POST", "/api/v1/accounts", body,
                          NULL, NULL),
                     201);
    test_login(&server, "jade@example.org", "a password", token,
               sizeof token);
    assert_int_equal(call(token, "POST", "/api/v1/tenders", doc, NULL, NULL),
                     403);
    assert_int_equal(call(token, "POST", "/api/v1/tenders/import", doc, NULL,
                          NULL),
                     403);
    /* Staff and administrators write: 201, then 200 for the same ocid. */
    assert_int_equal(call(server.admin, "POST", "/api/v1/tenders", doc, NULL,
                          &out),
                     201);
    snprintf(path, sizeof path, "/api/v1/tenders/%s", str(out, "id"));
    json_decref(out);
    assert_int_equal(call(server.admin, "POST", "/api/v1/tenders", doc, NULL,
                          &out),
                     200);
    assert_string_equal(path + strlen("/api/v1/tenders/"), str(out, "id"));
    json_decref(out);
    assert_int_equal(call(token, "GET", path, NULL, NULL, NULL), 200);
    /* The gardener of Rouen sees it among their tenders; the admin may
     * not ask. */
    assert_int_equal(call(token, "GET", "/api/v1/me/tenders?q=haies", NULL,
                          NULL, &out),
                     200);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    assert_non_null(json_object_get(
        json_array_get(json_object_get(out, "results"), 0), "fit"));
    json_decref(out);
    assert_int_equal(call(server.admin, "GET", "/api/v1/me/tenders", NULL,
                          NULL, NULL),
                     403);
}

static void url_import_with_etag(void **state)
{
    char body[256];
    json_t *out = NULL;
    int hits;

    (void)state;
    snprintf(body, sizeof body, "{\"url\":\"http://127.0.0.1:%d/cn.xml\"}",
             origin.port);
    assert_int_equal(call(server.admin, "POST", "/api/v1/tenders/import",
                          body, NULL, &out),
                     200);
    assert_int_equal(json_integer_value(json_object_get(out, "imported")) +
                         json_integer_value(json_object_get(out, "updated")),
                     1);
    assert_true(json_is_false(json_object_get(out, "not_modified")));
    json_decref(out);
    /* Again: a conditional request, 304, nothing imported. */
    hits = origin.conditional;
    assert_int_equal(call(server.admin, "POST", "/api/v1/tenders/import",
                          body, NULL, &out),
                     200);
    assert_true(json_is_true(json_object_get(out, "not_modified")));
    assert_int_equal(json_integer_value(json_object_get(out, "imported")), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "updated")), 0);
    assert_int_equal(json_array_size(json_object_get(out, "ids")), 0);
    assert_int_equal(origin.conditional, hits + 1);
    json_decref(out);
    /* A URL that fails: 502 naming url; a URL that is not http: 400. */
    snprintf(body, sizeof body, "{\"url\":\"http://127.0.0.1:%d/none.xml\"}",
             origin.port);
    assert_int_equal(call(server.admin, "POST", "/api/v1/tenders/import",
                          body, NULL, &out),
                     502);
    assert_true(has_error(out, "url"));
    json_decref(out);
    assert_int_equal(call(server.admin, "POST", "/api/v1/tenders/import",
                          "{\"url\":\"ftp://example.org/x\"}", NULL, &out),
                     400);
    assert_true(has_error(out, "url"));
    json_decref(out);
}

static void malformed_bodies_write_nothing(void **state)
{
    static const struct {
        const char *body, *ctype, *field;
        long status;
    } cases[] = {
        {"{\"releases\":[", "application/json", "document", 400},
        {"<ContractNotice", "application/xml", "document", 400},
        {"neither", "application/json", "document", 400},
        {"[]", "application/json", "document", 400},
        {"{\"url\":5}", "application/json", "url", 400},
        {"{\"url\":\"https://x.invalid/\",\"more\":1}", "application/json",
         "more", 400},
        {"hello", "text/plain", "Content-Type", 415},
        {"", "application/json", "body", 400},
    };
    json_t *out = NULL;
    json_int_t before = board_total("");
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long st = call(server.admin, "POST", "/api/v1/tenders/import",
                       cases[i].body, cases[i].ctype, &out);

        if (st != cases[i].status || !has_error(out, cases[i].field))
            fail_msg("%s: %ld %s", cases[i].body, st,
                     out ? json_dumps(out, 0) : "");
        json_decref(out);
    }
    /* POST /tenders: every bad field named. */
    assert_int_equal(call(server.admin, "POST", "/api/v1/tenders",
                          "{\"ocid\":\"bad\",\"cpv\":[\"1\"],\"place\":"
                          "{\"insee\":\"99999\"},\"lots\":[{}]}",
                          NULL, &out),
                     400);
    assert_true(has_error(out, "title"));
    assert_true(has_error(out, "cpv[0]"));
    assert_true(has_error(out, "place.insee"));
    assert_true(has_error(out, "lots[0].id"));
    json_decref(out);
    assert_true(board_total("") == before);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(deadlines_in_utc),
        cmocka_unit_test(job_titles_in_text),
    };
    const struct CMUnitTest checks[] = {
        cmocka_unit_test(statements_prepare),
        cmocka_unit_test(every_bad_field_is_named),
        cmocka_unit_test(cpv_codes_and_wanted),
        cmocka_unit_test(places),
        cmocka_unit_test(reimport_updates_the_same_id),
        cmocka_unit_test(import_is_one_transaction),
        cmocka_unit_test_setup_teardown(board_filters_and_order, board_setup,
                                        board_teardown),
        cmocka_unit_test_setup_teardown(fitting_tenders, board_setup,
                                        board_teardown),
    };
    const struct CMUnitTest e2e[] = {
        cmocka_unit_test(import_every_sample),
        cmocka_unit_test(who_may_write),
        cmocka_unit_test(url_import_with_etag),
        cmocka_unit_test(malformed_bodies_write_nothing),
    };
    int failed = 0;

    search_init();
    failed += cmocka_run_group_tests_name("pure", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("database", checks, NULL, NULL);
    failed += cmocka_run_group_tests_name("end to end", e2e, srv_setup,
                                          srv_teardown);
    if (test_template) db_close(test_template);
    search_shutdown();
    return failed ? 1 : 0;
}
