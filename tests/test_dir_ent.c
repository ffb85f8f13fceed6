/*
 * test_dir_ent.c: entrepreneurs against a :memory: database: the round
 * trip, validation naming each field, nothing written on refusal, upsert
 * by external id, merge patches, visibility on reads, the index entry.
 */
#include "testutil.h"

#include "../directory/dir_coop.h"
#include "../directory/dir_ent.h"
#include "../search/search_index.h"
#include "../util/viewer.h"

/* fixture: a database with one cooperative "c1" (id 1). */
static int setup(void **state)
{
    struct db *db = test_db_new();
    json_t *in = test_json("{'external_id':'c1','name':'Coop Nantes',"
                           "'sites':[{'insee':'44109'}]}");
    json_t *errs = json_array(), *out = NULL;
    int created = 0;

    assert_int_equal(dir_coop_create(db, &viewer_system, in, errs, &created, &out), RC_OK);
    assert_true(created);
    json_decref(in);
    json_decref(errs);
    json_decref(out);
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    return 0;
}

static const char plumber[] =
    "{'external_id':'e1','cooperative_external_id':'c1',"
    "'display_name':'Camille Martin','headline':'Plombière chauffagiste',"
    "'description':'Salles de bains.\\nDépannage.',"
    "'trades':[{'code':'f1603','scheme':'rome'},"
    "{'code':'4322a','scheme':'naf'},{'scheme':'free','label':'Zinguerie'}],"
    "'skills':['plomberie',' plomberie ','chauffage'],"
    "'location':{'insee':'44109'},'intervention':{'radius_km':30},"
    "'availability':{'from':'2026-01-01','until':'2026-12-31',"
    "'days_per_week':4},'status':'salarie','qualifications':['RGE'],"
    "'visibility':'public','references':['Mairie de Rezé',"
    "{'title':'Rénovation','client':'SCI','year':2024}]}";

static json_t *create(struct db *db, const char *text, enum rc want,
                      json_t **errs_out)
{
    json_t *in = test_json(text), *errs = json_array(), *out = NULL;
    int created = 0;

    assert_int_equal(dir_ent_create(db, &viewer_system, in, errs, &created, &out), want);
    json_decref(in);
    if (errs_out)
        *errs_out = errs;
    else
        json_decref(errs);
    return out;
}

static void round_trip(void **state)
{
    struct db *db = *state;
    json_t *out = create(db, plumber, RC_OK, NULL), *got = NULL, *t;
    const char *id = json_string_value(json_object_get(out, "id"));

    assert_non_null(id);
    assert_string_equal(
        json_string_value(json_object_get(out, "cooperative_id")), "1");
    t = json_object_get(out, "trades");
    assert_int_equal(json_array_size(t), 3);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(t, 0), "code")),
                        "F1603");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(t, 1), "code")),
                        "43.22A");
    assert_true(json_is_null(json_object_get(json_array_get(t, 2), "code")));
    /* Skills trimmed and deduplicated. */
    assert_int_equal(json_array_size(json_object_get(out, "skills")), 2);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(out, "location"), "city")),
                        "Nantes");
    assert_int_equal(json_array_size(json_object_get(out, "references")), 2);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(out, "references"), 0), "title")),
        "Mairie de Rezé");
    assert_int_equal(dir_ent_get(db, &viewer_anonymous, id, &got), RC_OK);
    assert_true(json_equal(got, out));
    assert_int_equal(test_count(db, "SELECT count(*) FROM entrepreneur_trade"), 2);
    assert_int_equal(
        test_count(db, "SELECT count(*) FROM search_fts WHERE search_fts MATCH"
                  " 'chauf'"),
        1);
    assert_int_equal(dir_ent_delete(db, &viewer_system, id), RC_OK);
    json_decref(got);
    assert_int_equal(dir_ent_get(db, &viewer_anonymous, id, &got),
                     RC_NOTFOUND);
    assert_int_equal(dir_ent_delete(db, &viewer_system, id), RC_NOTFOUND);
    assert_int_equal(test_count(db, "SELECT count(*) FROM entrepreneur_trade"), 0);
    assert_int_equal(test_count(db, "SELECT count(*) FROM search_fts"), 0);
    json_decref(out);
}

static void defaults(void **state)
{
    json_t *out = create(*state,
                         "{'cooperative_id':'1','display_name':'Léa',"
                         "'location':{'postcode':'44000'}}",
                         RC_OK, NULL);

    assert_string_equal(json_string_value(json_object_get(out, "status")),
                        "porteur");
    assert_string_equal(json_string_value(json_object_get(out, "visibility")),
                        "cooperative");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(out, "intervention"), "radius_km")),
                     30);
    assert_true(json_is_null(json_object_get(out, "headline")));
    assert_true(json_is_null(json_object_get(out, "external_id")));
    json_decref(out);
}

static void refusals_name_fields(void **state)
{
    struct db *db = *state;
    json_t *errs = NULL;
    char big[6000];

    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    create(db,
           "{'cooperative_id':'99','display_name':'','color':'red',"
           "'trades':[{'code':'Z9999','scheme':'rome'},{'code':'X',"
           "'scheme':'bogus'}],'location':{'insee':'99999'},"
           "'intervention':{'radius_km':1001,'zones':['dep:99']},"
           "'availability':{'from':'2026-05-01','until':'2026-04-01'},"
           "'status':'boss','visibility':'everyone',"
           "'skills':'plomberie','references':[{'client':'x'}]}",
           RC_INVALID, &errs);
    assert_true(test_has_error(errs, "cooperative_id"));
    assert_true(test_has_error(errs, "display_name"));
    assert_true(test_has_error(errs, "color"));
    assert_true(test_has_error(errs, "trades[0].code"));
    assert_true(test_has_error(errs, "trades[1].scheme"));
    assert_true(test_has_error(errs, "location.insee"));
    assert_true(test_has_error(errs, "intervention.radius_km"));
    assert_true(test_has_error(errs, "intervention.zones[0]"));
    assert_true(test_has_error(errs, "availability.until"));
    assert_true(test_has_error(errs, "status"));
    assert_true(test_has_error(errs, "visibility"));
    assert_true(test_has_error(errs, "skills"));
    assert_true(test_has_error(errs, "references[0].title"));
    json_decref(errs);
    /* Caps. */
    {
        json_t *in = test_json("{'cooperative_id':'1','location':"
                               "{'insee':'44109'}}");
        json_t *out = NULL;
        int created;

        errs = json_array();
        json_object_set_new(in, "display_name", json_string(big));
        json_object_set_new(in, "description", json_string(big));
        assert_int_equal(dir_ent_create(db, &viewer_system, in, errs, &created, &out),
                         RC_INVALID);
        assert_true(test_has_error(errs, "display_name"));
        assert_true(test_has_error(errs, "description"));
        json_decref(in);
        json_decref(errs);
    }
    /* Nothing was written by any refusal. */
    assert_int_equal(test_count(db, "SELECT count(*) FROM entrepreneur"), 0);
    assert_int_equal(test_count(db, "SELECT count(*) FROM search_fts"), 0);
}

static void location_forms(void **state)
{
    struct db *db = *state;
    json_t *errs = NULL, *out;

    out = create(db,
                 "{'cooperative_id':'1','display_name':'A','location':"
                 "{'postcode':'42000','city':'Saint-Étienne'}}",
                 RC_OK, NULL);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(out, "location"), "insee")),
                        "42218");
    json_decref(out);
    out = create(db,
                 "{'cooperative_id':'1','display_name':'B','location':"
                 "{'lat':47.225,'lon':-1.55}}",
                 RC_OK, NULL);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(out, "location"), "city")),
                        "Nantes");
    json_decref(out);
    create(db,
           "{'cooperative_id':'1','display_name':'C','location':"
           "{'city':'Saint-Denis'}}",
           RC_INVALID, &errs);
    assert_true(test_has_error(errs, "location.city"));
    json_decref(errs);
    create(db,
           "{'cooperative_id':'1','display_name':'D','location':"
           "{'lat':40.0,'lon':-30.0}}",
           RC_INVALID, &errs);
    assert_true(test_has_error(errs, "location"));
    json_decref(errs);
    create(db,
           "{'cooperative_id':'1','display_name':'E','location':"
           "{'insee':'98818'}}",
           RC_INVALID, &errs); /* Nouméa: no coordinates known */
    assert_true(test_has_error(errs, "location"));
    json_decref(errs);
    create(db,
           "{'cooperative_id':'1','display_name':'F','location':"
           "{'lat':47.2}}",
           RC_INVALID, &errs);
    assert_true(test_has_error(errs, "location.lon"));
    json_decref(errs);
}

static void upsert_by_external_id(void **state)
{
    struct db *db = *state;
    json_t *a = create(db, plumber, RC_OK, NULL), *b, *in, *errs;
    int created = 1;

    in = test_json(plumber);
    json_object_set_new(in, "headline", json_string("Plombière"));
    errs = json_array();
    assert_int_equal(dir_ent_create(db, &viewer_system, in, errs, &created, &b), RC_OK);
    assert_false(created);
    assert_true(json_equal(json_object_get(a, "id"), json_object_get(b, "id")));
    assert_string_equal(json_string_value(json_object_get(b, "headline")),
                        "Plombière");
    assert_int_equal(test_count(db, "SELECT count(*) FROM entrepreneur"), 1);
    assert_int_equal(test_count(db, "SELECT count(*) FROM search_fts"), 1);
    json_decref(a);
    json_decref(b);
    json_decref(in);
    json_decref(errs);
}

static void patch_merges(void **state)
{
    struct db *db = *state;
    json_t *a = create(db, plumber, RC_OK, NULL), *out = NULL, *p, *errs;
    const char *id = json_string_value(json_object_get(a, "id"));
    json_t *other = create(db,
                           "{'external_id':'e2','cooperative_id':1,"
                           "'display_name':'X','location':{'insee':'44109'}}",
                           RC_OK, NULL);

    p = test_json("{'headline':null,'location':{'insee':'75056'},"
                  "'skills':['soudure']}");
    errs = json_array();
    assert_int_equal(dir_ent_patch(db, &viewer_system, id, p, errs, &out), RC_OK);
    assert_true(json_is_null(json_object_get(out, "headline")));
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(out, "location"), "city")),
                        "Paris");
    assert_string_equal(json_string_value(json_object_get(out, "display_name")),
                        "Camille Martin");
    assert_int_equal(json_array_size(json_object_get(out, "skills")), 1);
    assert_string_equal(json_string_value(json_object_get(out, "external_id")),
                        "e1");
    json_decref(p);
    json_decref(out);
    /* A bad patch changes nothing. */
    p = test_json("{'headline':'Nouveau','status':'boss'}");
    assert_int_equal(dir_ent_patch(db, &viewer_system, id, p, errs, &out), RC_INVALID);
    assert_true(test_has_error(errs, "status"));
    json_decref(p);
    assert_int_equal(dir_ent_get(db, &viewer_anonymous, id, &out), RC_OK);
    assert_true(json_is_null(json_object_get(out, "headline")));
    json_decref(out);
    /* Taking another record's external id is a conflict. */
    json_array_clear(errs);
    p = test_json("{'external_id':'e2'}");
    assert_int_equal(dir_ent_patch(db, &viewer_system, id, p, errs, &out), RC_CONFLICT);
    assert_true(test_has_error(errs, "external_id"));
    json_decref(p);
    p = test_json("{'headline':'x'}");
    assert_int_equal(dir_ent_patch(db, &viewer_system, "999", p, errs, &out), RC_NOTFOUND);
    assert_int_equal(dir_ent_patch(db, &viewer_system, "abc", p, errs, &out), RC_NOTFOUND);
    json_decref(p);
    json_decref(errs);
    json_decref(a);
    json_decref(other);
}

static void visibility_on_reads(void **state)
{
    struct db *db = *state;
    static const char *const vis[] = {"public", "network", "cooperative",
                                      "private"};
    struct viewer staff = {VIEWER_STAFF, 1, 0, 0}, other = {VIEWER_STAFF, 2, 0, 0};
    struct viewer client = {VIEWER_CLIENT, 0, 0, 0};
    json_t *list = NULL, *errs = json_array();
    char text[512];
    size_t i;

    for (i = 0; i < 4; i++) {
        json_t *out, *got = NULL;
        const char *id;

        snprintf(text, sizeof text,
                 "{'cooperative_id':'1','display_name':'V%zu','location':"
                 "{'insee':'44109'},'visibility':'%s'}",
                 i, vis[i]);
        out = create(db, text, RC_OK, NULL);
        id = json_string_value(json_object_get(out, "id"));
        assert_int_equal(dir_ent_get(db, &viewer_anonymous, id, &got),
                         i == 0 ? RC_OK : RC_NOTFOUND);
        json_decref(got);
        assert_int_equal(dir_ent_get(db, &client, id, &got),
                         i <= 1 ? RC_OK : RC_NOTFOUND);
        json_decref(got);
        assert_int_equal(dir_ent_get(db, &staff, id, &got), RC_OK);
        json_decref(got);
        assert_int_equal(dir_ent_get(db, &other, id, &got),
                         i <= 1 ? RC_OK : RC_NOTFOUND);
        json_decref(got);
        json_decref(out);
    }
    assert_int_equal(dir_ent_list(db, &viewer_anonymous, NULL, 20, NULL, errs,
                                  &list),
                     RC_OK);
    assert_int_equal(json_integer_value(json_object_get(list, "total")), 1);
    json_decref(list);
    assert_int_equal(dir_ent_list(db, &staff, "1", 2, NULL, errs, &list),
                     RC_OK);
    assert_int_equal(json_integer_value(json_object_get(list, "total")), 4);
    assert_int_equal(json_array_size(json_object_get(list, "results")), 2);
    assert_true(json_is_string(json_object_get(list, "next_cursor")));
    {
        json_t *page2 = NULL;
        const char *cur = json_string_value(json_object_get(list,
                                                            "next_cursor"));

        assert_int_equal(dir_ent_list(db, &staff, "1", 2, cur, errs, &page2),
                         RC_OK);
        assert_int_equal(json_array_size(json_object_get(page2, "results")),
                         2);
        assert_true(json_is_null(json_object_get(page2, "next_cursor")));
        json_decref(page2);
    }
    json_decref(list);
    assert_int_equal(dir_ent_list(db, &staff, NULL, 20, "zz", errs, &list),
                     RC_INVALID);
    assert_true(test_has_error(errs, "cursor"));
    json_decref(errs);
}

/* An index of another version is rebuilt from the profiles. */
static void reindex_replaces_a_stale_index(void **state)
{
    struct db *db = *state;
    json_t *a = create(db, plumber, RC_OK, NULL);
    long n = 0;

    json_decref(a);
    assert_int_equal(db_exec(db, "INSERT INTO search_fts(rowid, name)"
                                 " VALUES(999, 'stale rows of old')"),
                     RC_OK);
    assert_int_equal(db_exec(db, "UPDATE search_meta SET value = '1'"),
                     RC_OK);
    assert_true(search_index_stale(db));
    assert_int_equal(dir_ent_reindex(db, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_false(search_index_stale(db));
    assert_int_equal(test_count(db, "SELECT count(*) FROM search_fts"), 1);
    assert_int_equal(test_count(db, "SELECT count(*) FROM search_fts"
                                    " WHERE search_fts MATCH 'plomb'"),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(refusals_name_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(location_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(upsert_by_external_id, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(patch_merges, setup, teardown),
        cmocka_unit_test_setup_teardown(visibility_on_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(reindex_replaces_a_stale_index, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
