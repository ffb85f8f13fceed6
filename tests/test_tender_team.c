/*
 * test_tender_team.c: teams for a stored tender (tender/tender_team.c):
 * who is eligible (area, availability, visibility), what teams cover,
 * lead and liability, replacements; then the HTTP route.
 *
 * The cast, around a tender at Rouen (76540) with two lots: LOT-1 green
 * spaces (CPV 77310000 -> rome:A1203), LOT-2 plumbing (CPV 45330000 ->
 * rome:F1603):
 *   both    gardener and plumber at Rouen (coop A)   covers both lots
 *   jardin  gardener at Rouen (coop A), associé
 *   plomb   plumber at Rouen (coop B)
 *   havre   gardener at Le Havre, 300 km radius (coop B)
 *   loin    gardener at Marseille, 20 km radius: cannot work at Rouen
 *   secret  gardener at Rouen, private: never proposed to the public
 *   occupe  gardener at Rouen, available only in 2000: never proposed
 */
#include "testutil.h"

#include "../directory/dir_coop.h"
#include "../directory/dir_ent.h"
#include "../tender/tender_db.h"
#include "../tender/tender_team.h"
#include "../util/ids.h"
#include "../util/viewer.h"

struct fix {
    struct db *db;
    long long coop_a, coop_b;
    long long both, jardin, plomb, havre, loin, secret, occupe;
    long long tender; /* the two-lot tender */
};

static long long make_coop(struct db *db, const char *name)
{
    char text[128];

    snprintf(text, sizeof text, "{'name':'%s'}", name);
    return test_make(db, dir_coop_create, text);
}

/* make_ent: trades is a JSON list of codes ("'A1203','F1603'"); extra
 * more fields. */
static long long make_ent(struct db *db, long long coop, const char *name,
                          const char *trades, const char *insee,
                          const char *vis, const char *extra)
{
    char text[1024], list[256] = "";
    const char *p = trades;

    /* 'A1203','F1603' -> {'scheme':'rome','code':'A1203'},... */
    while (*p) {
        char code[8];

        if (sscanf(p, "'%7[^']'", code) != 1) break;
        snprintf(list + strlen(list), sizeof list - strlen(list),
                 "%s{'scheme':'rome','code':'%s'}", *list ? "," : "", code);
        p = strchr(p + 1, '\'') + 1;
        if (*p == ',') p++;
    }
    snprintf(text, sizeof text,
             "{'cooperative_id':'%lld','display_name':'%s','trades':[%s],"
             "'location':{'insee':'%s'},'visibility':'%s'%s}",
             coop, name, list, insee, vis, extra ? extra : "");
    return test_make(db, dir_ent_create, text);
}

static long long make_tender(struct db *db, const char *text)
{
    json_t *in = test_json(text), *errs = json_array(), *out = NULL;
    long long id = 0;
    int created = 0;

    if (tender_create(db, &viewer_system, in, errs, &created, &out) != RC_OK)
        fail_msg("tender: %s", json_dumps(errs, 0));
    assert_true(ids_parse(json_string_value(json_object_get(out, "id")), &id));
    json_decref(in);
    json_decref(errs);
    json_decref(out);
    return id;
}

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);

    f->db = test_db_new();
    f->coop_a = make_coop(f->db, "Coop A");
    f->coop_b = make_coop(f->db, "Coop B");
    f->both = make_ent(f->db, f->coop_a, "Bastien Deux", "'A1203','F1603'",
                       "76540", "public", NULL);
    f->jardin = make_ent(f->db, f->coop_a, "Jade Jardin", "'A1203'", "76540",
                         "public", ",'status':'associe'");
    f->plomb = make_ent(f->db, f->coop_b, "Paul Plomb", "'F1603'", "76540",
                        "public", NULL);
    f->havre = make_ent(f->db, f->coop_b, "Hugo Havre", "'A1203'", "76351",
                        "public", ",'intervention':{'radius_km':300}");
    f->loin = make_ent(f->db, f->coop_b, "Lou Loin", "'A1203'", "13055",
                       "public", ",'intervention':{'radius_km':20}");
    f->secret = make_ent(f->db, f->coop_a, "Sam Secret", "'A1203'", "76540",
                         "private", NULL);
    f->occupe = make_ent(f->db, f->coop_a, "Olga Occupée", "'A1203'",
                         "76540", "public",
                         ",'availability':{'from':'2000-01-01','until':"
                         "'2000-12-31'}");
    f->tender = make_tender(
        f->db, "{'ocid':'ocds-team-1','title':'Espaces verts et plomberie',"
               "'place':{'insee':'76540'},'deadline':'2099-06-30','lots':["
               "{'id':'LOT-1','title':'Espaces verts','cpv':['77310000']},"
               "{'id':'LOT-2','title':'Plomberie','cpv':['45330000']}]}");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;

    db_close(f->db);
    free(f);
    return 0;
}

static json_t *teams(struct fix *f, const struct viewer *v, long long id,
                     int k, const char *lot, int one_coop)
{
    struct tender_team_params p = {k, 6, lot, one_coop, 0};
    json_t *errs = json_array(), *out = NULL;
    enum rc rc = tender_teams(f->db, v, id, &p, errs, &out);

    if (rc != RC_OK) fail_msg("teams: %s %s", rc_name(rc), json_dumps(errs, 0));
    json_decref(errs);
    return out;
}

static long long id_of(json_t *v)
{
    long long id = 0;

    assert_true(ids_parse_json(v, &id));
    return id;
}

static json_t *team(json_t *out, size_t i)
{
    return json_array_get(json_object_get(out, "teams"), i);
}

static size_t size_of(json_t *t)
{
    return json_array_size(json_object_get(t, "members"));
}

static int has_member(json_t *t, long long id)
{
    size_t i;
    json_t *m;

    json_array_foreach(json_object_get(t, "members"), i, m) {
        if (id_of(json_object_get(m, "entrepreneur_id")) == id) return 1;
    }
    return 0;
}

/* Nobody who cannot work at Rouen, is unavailable or private (for the
 * public) is ever proposed, in any team. */
static void eligible_only(void **state)
{
    struct fix *f = *state;
    json_t *out = teams(f, &viewer_anonymous, f->tender, 20, "LOT-1", 0), *t;
    size_t i, n = 0;

    json_array_foreach(json_object_get(out, "teams"), i, t) {
        assert_false(has_member(t, f->loin));
        assert_false(has_member(t, f->secret));
        assert_false(has_member(t, f->occupe));
        n++;
    }
    /* Gardeners who can: both, jardin, havre: three one-person teams. */
    assert_int_equal(n, 3);
    assert_int_equal(json_integer_value(json_object_get(out, "candidates")), 3);
    json_decref(out);
    /* An administrator may see the private profile: it is proposed. */
    out = teams(f, &viewer_system, f->tender, 20, "LOT-1", 0);
    n = 0;
    json_array_foreach(json_object_get(out, "teams"), i, t) {
        n += (size_t)has_member(t, f->secret);
        assert_false(has_member(t, f->loin));
    }
    assert_int_equal(n, 1);
    json_decref(out);
}

/* The whole tender: the one person covering both lots is the best team;
 * the next is the gardener and the plumber, not a copy of the first. */
static void whole_tender(void **state)
{
    struct fix *f = *state;
    json_t *out = teams(f, &viewer_anonymous, f->tender, 3, NULL, 0);
    json_t *t0 = team(out, 0), *t1 = team(out, 1);

    assert_int_equal(json_array_size(json_object_get(out, "requirements")), 2);
    assert_int_equal(size_of(t0), 1);
    assert_true(has_member(t0, f->both));
    assert_true(json_number_value(json_object_get(t0, "coverage")) == 1.0);
    assert_int_equal(id_of(json_object_get(t0, "lead")), f->both);
    assert_int_equal(json_array_size(json_object_get(t0, "missing")), 0);
    /* Two members, each on a lot of their own: conjoint. */
    assert_int_equal(size_of(t1), 2);
    assert_true(has_member(t1, f->plomb));
    assert_false(has_member(t1, f->both));
    assert_string_equal(json_string_value(json_object_get(t1, "liability")),
                        "conjoint");
    /* Jade covers as much as Hugo (at 0 km rather than far): the team is
     * Jade and Paul; the lead is Jade, an associée, over Paul. */
    assert_true(has_member(t1, f->jardin));
    assert_int_equal(id_of(json_object_get(t1, "lead")), f->jardin);
    json_decref(out);
}

/* A requirement nobody near can meet: the teams cover the rest and say
 * what is missing. */
static void uncoverable(void **state)
{
    struct fix *f = *state;
    long long id = make_tender(
        f->db, "{'ocid':'ocds-team-2','title':'Jardins et traduction',"
               "'place':{'insee':'76540'},'deadline':'2099-06-30','lots':["
               "{'id':'1','title':'Tout','cpv':['77310000','79530000']}]}");
    json_t *out = teams(f, &viewer_anonymous, id, 2, NULL, 0);
    json_t *t0 = team(out, 0), *miss = json_object_get(t0, "missing");

    assert_int_equal(size_of(t0), 1);
    assert_true(json_number_value(json_object_get(t0, "coverage")) == 0.5);
    assert_int_equal(json_array_size(miss), 1);
    assert_non_null(strstr(json_string_value(json_array_get(miss, 0)),
                           "traduction"));
    json_decref(out);
}

/* One lot needing two trades, one person for each: solidaire. Across
 * cooperatives by default; in one cooperative only when asked, and then
 * Bastien alone (coop A) or nothing in coop B. */
static void one_lot_two_trades(void **state)
{
    struct fix *f = *state;
    long long id = make_tender(
        f->db, "{'ocid':'ocds-team-3','title':'Cour et sanitaires',"
               "'place':{'insee':'76540'},'deadline':'2099-06-30','lots':["
               "{'id':'1','title':'Tout','cpv':['77310000','45330000']}]}");
    json_t *out = teams(f, &viewer_anonymous, id, 5, NULL, 0), *t;
    size_t i;
    int pairs = 0;

    json_array_foreach(json_object_get(out, "teams"), i, t) {
        if (size_of(t) == 2) {
            pairs++;
            assert_string_equal(
                json_string_value(json_object_get(t, "liability")),
                "solidaire");
        }
    }
    assert_true(pairs >= 1);
    json_decref(out);
    out = teams(f, &viewer_anonymous, id, 5, NULL, 1);
    json_array_foreach(json_object_get(out, "teams"), i, t) {
        json_t *m;
        size_t j;
        const char *coop = NULL;

        json_array_foreach(json_object_get(t, "members"), j, m) {
            const char *c =
                json_string_value(json_object_get(m, "cooperative_id"));

            if (!coop) coop = c;
            assert_string_equal(c, coop);
        }
    }
    assert_true(has_member(team(out, 0), f->both));
    json_decref(out);
}

static void bad_parameters(void **state)
{
    struct fix *f = *state;
    struct tender_team_params p = {0, 6, NULL, 0, 0};
    json_t *errs = json_array(), *out = NULL;

    assert_int_equal(
        tender_teams(f->db, &viewer_anonymous, f->tender, &p, errs, &out),
        RC_INVALID);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(errs, 0), "field")),
        "k");
    p.k = 3;
    p.max_size = 13;
    json_array_clear(errs);
    assert_int_equal(
        tender_teams(f->db, &viewer_anonymous, f->tender, &p, errs, &out),
        RC_INVALID);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(errs, 0), "field")),
        "max_size");
    p.max_size = 6;
    p.lot = "LOT-9";
    json_array_clear(errs);
    assert_int_equal(
        tender_teams(f->db, &viewer_anonymous, f->tender, &p, errs, &out),
        RC_NOTFOUND);
    p.lot = NULL;
    assert_int_equal(
        tender_teams(f->db, &viewer_anonymous, 999999, &p, errs, &out),
        RC_NOTFOUND);
    assert_null(out);
    json_decref(errs);
}

/* A tender outside France: stored, but no team, and a note says why. */
static void abroad(void **state)
{
    struct fix *f = *state;
    long long id = make_tender(
        f->db, "{'ocid':'ocds-team-4','title':'Parcs de Luxembourg',"
               "'place':{'nuts':'LU000'},'cpv':['77310000']}");
    json_t *out = teams(f, &viewer_anonymous, id, 3, NULL, 0);

    assert_int_equal(json_array_size(json_object_get(out, "teams")), 0);
    assert_int_equal(json_array_size(json_object_get(out, "notes")), 1);
    json_decref(out);
}

/* A region (NUTS-2: two départements) or no place at all: no team, and
 * the note says which. */
static void no_single_place(void **state)
{
    struct fix *f = *state;
    long long region = make_tender(
        f->db, "{'ocid':'ocds-team-5','title':'Parcs normands',"
               "'place':{'nuts':'FRD2'},'cpv':['77310000']}");
    long long none = make_tender(
        f->db, "{'ocid':'ocds-team-6','title':'Parcs','cpv':['77310000']}");
    json_t *out = teams(f, &viewer_anonymous, region, 3, NULL, 0);

    assert_int_equal(json_array_size(json_object_get(out, "teams")), 0);
    assert_non_null(strstr(
        json_string_value(json_array_get(json_object_get(out, "notes"), 0)),
        "région"));
    json_decref(out);
    out = teams(f, &viewer_anonymous, none, 3, NULL, 0);
    assert_int_equal(json_array_size(json_object_get(out, "teams")), 0);
    assert_non_null(strstr(
        json_string_value(json_array_get(json_object_get(out, "notes"), 0)),
        "pas de lieu"));
    json_decref(out);
}

/* Paul declines: who can take plumbing at Rouen? Bastien, never Paul. */
static void replacements(void **state)
{
    struct fix *f = *state;
    long long keep[] = {f->jardin}, gone[] = {f->plomb};
    json_t *out = NULL, *s;
    size_t i;

    assert_int_equal(tender_replacements(f->db, &viewer_anonymous, f->tender,
                                         NULL, keep, 1, gone, 1, &out),
                     RC_OK);
    assert_true(json_array_size(out) >= 1);
    assert_int_equal(id_of(json_object_get(json_array_get(out, 0),
                                           "entrepreneur_id")),
                     f->both);
    json_array_foreach(out, i, s) {
        long long id = id_of(json_object_get(s, "entrepreneur_id"));

        assert_true(id != f->plomb && id != f->jardin && id != f->loin);
    }
    json_decref(out);
    /* Hugo leaves LOT-1 while Jade still covers it: someone who does the
     * same work is still suggested. */
    keep[0] = f->jardin;
    gone[0] = f->havre;
    assert_int_equal(tender_replacements(f->db, &viewer_anonymous, f->tender,
                                         "LOT-1", keep, 1, gone, 1, &out),
                     RC_OK);
    assert_true(json_array_size(out) >= 1);
    json_array_foreach(out, i, s) {
        long long id = id_of(json_object_get(s, "entrepreneur_id"));

        assert_true(id != f->havre && id != f->jardin);
    }
    json_decref(out);
}

/* ------------------------------------------------------------ HTTP */

static struct test_server server;

static int setup_server(void **state)
{
    (void)state;
    test_server_start(&server);
    return 0;
}

static int teardown_server(void **state)
{
    (void)state;
    test_server_stop(&server);
    return 0;
}

/* get_status: GET path; the status, the body in *out (or NULL). */
static long get(const char *path, json_t **out)
{
    struct test_reply r;
    long status;

    test_http(&server, "GET", path, NULL, NULL, &r);
    status = r.status;
    *out = json_incref(r.json);
    test_reply_free(&r);
    return status;
}

static void http_teams(void **state)
{
    struct test_reply r;
    json_t *out = NULL;
    char path[128];
    long long id;

    (void)state;
    test_http_as(&server, server.admin, "POST", "/api/v1/tenders",
                 "{\"ocid\":\"ocds-http-1\",\"title\":\"Haies\","
                 "\"place\":{\"insee\":\"76540\"},"
                 "\"cpv\":[\"77310000\"]}",
                 "application/json", &r);
    assert_int_equal(r.status, 201);
    assert_true(ids_parse_json(json_object_get(r.json, "id"), &id));
    test_reply_free(&r);
    snprintf(path, sizeof path, "/api/v1/tenders/%lld/teams?k=2", id);
    assert_int_equal(get(path, &out), 200);
    assert_true(json_is_array(json_object_get(out, "teams")));
    assert_int_equal(json_array_size(json_object_get(out, "requirements")), 1);
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/tenders/%lld/teams?k=99", id);
    assert_int_equal(get(path, &out), 400);
    assert_true(test_has_error(json_object_get(out, "errors"), "k"));
    json_decref(out);
    snprintf(path, sizeof path,
             "/api/v1/tenders/%lld/teams?cross_cooperative=maybe", id);
    assert_int_equal(get(path, &out), 400);
    assert_true(
        test_has_error(json_object_get(out, "errors"), "cross_cooperative"));
    json_decref(out);
    assert_int_equal(get("/api/v1/tenders/424242/teams", &out), 404);
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/tenders/%lld/teams?lot=nope", id);
    assert_int_equal(get(path, &out), 404);
    json_decref(out);
}

int main(void)
{
    const struct CMUnitTest db_tests[] = {
        cmocka_unit_test_setup_teardown(eligible_only, setup, teardown),
        cmocka_unit_test_setup_teardown(whole_tender, setup, teardown),
        cmocka_unit_test_setup_teardown(uncoverable, setup, teardown),
        cmocka_unit_test_setup_teardown(one_lot_two_trades, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_parameters, setup, teardown),
        cmocka_unit_test_setup_teardown(abroad, setup, teardown),
        cmocka_unit_test_setup_teardown(no_single_place, setup, teardown),
        cmocka_unit_test_setup_teardown(replacements, setup, teardown),
    };
    const struct CMUnitTest http_tests[] = {
        cmocka_unit_test(http_teams),
    };
    int failed = cmocka_run_group_tests_name("tender teams", db_tests, NULL,
                                             NULL);

    failed += cmocka_run_group_tests_name("tender teams over HTTP", http_tests,
                                          setup_server, teardown_server);
    return failed;
}
