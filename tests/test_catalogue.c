/*
 * test_catalogue.c: the catalogues of business and trade groups
 * (group/catalogue.c, server/api_catalogue.c): CSV quoting (commas,
 * quotes, line breaks, accents, formulas) read back by the CSV reader;
 * on a :memory: database, the shape of a catalogue (members the viewer
 * may see and their cooperatives, active offers only, delivered_by
 * filtered, trades' labels, photos' addresses, the area as points and
 * zones) and its 404s; end to end, GET /api/v1/catalogues/{slug} as JSON
 * and CSV (headers, quoting), the 400 and 404 problems, private members
 * and retired offers absent for an anonymous reader, and the page
 * /catalogues/{slug} served from public/catalogue.html.
 */
#include "testutil.h"

#include "../directory/dir_coop.h"
#include "../directory/dir_ent.h"
#include "../group/catalogue.h"
#include "../group/group.h"
#include "../util/csv.h"
#include "../util/ids.h"
#include "../util/text.h"
#include "../util/viewer.h"

extern const char *const catalogue_sql[];

static const char *sget(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

/* ================================================================ pure */

static void csv_fields(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"simple", "simple"},
        {"Élagage à Besançon", "Élagage à Besançon"},
        {"a, b", "\"a, b\""},
        {"a; b", "\"a; b\""},
        {"dit \"bonjour\"", "\"dit \"\"bonjour\"\"\""},
        {"ligne 1\nligne 2", "\"ligne 1\nligne 2\""},
        {"fin\r\n", "\"fin\r\n\""},
        {" bord", "\" bord\""},
        {"=SOMME(A1)", "'=SOMME(A1)"},
        {"-5, ou moins", "\"'-5, ou moins\""},
        {"@cmd", "'@cmd"},
        {"", ""},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf b = {0};

        catalogue_csv_field(&b, cases[i].in);
        if (strcmp(buf_str(&b), cases[i].out))
            fail_msg("[%s] -> [%s], want [%s]", cases[i].in, buf_str(&b),
                     cases[i].out);
        buf_free(&b);
    }
    {
        struct buf b = {0};

        catalogue_csv_field(&b, NULL);
        assert_int_equal(b.len, 0);
        buf_free(&b);
    }
}

/* The CSV of a catalogue, read back by the CSV reader field by field. */
static void csv_round_trip(void **state)
{
    json_t *cat = test_json(
        "{'offers':["
        "{'id':'1','title':'Taille, élagage','description':"
        "'Haies \\u00ab hautes \\u00bb jusqu\\u2019\\u00e0 3 m.\\n"
        "Devis \\'gratuit\\'.',"
        "'trades':[{'scheme':'rome','code':'A1203','label':"
        "'Aménagement et entretien des espaces verts'},"
        "{'scheme':'free','code':'','label':'Élagage'}],"
        "'price':{'min':35,'max':45.5,'unit':'hour'},"
        "'delivered_by':[{'entrepreneur_id':'3','name':'Ana, dite \\'A\\'',"
        "'cooperative':{'id':'1','name':'Coop Alpha'}},"
        "{'entrepreneur_id':'4','name':'Carla','cooperative':"
        "{'id':'2','name':'Coop Béta'}},"
        "{'entrepreneur_id':'5','name':'Bob','cooperative':"
        "{'id':'1','name':'Coop Alpha'}}],'photos':[]},"
        "{'id':'2','title':'Forfait','description':null,'trades':[],"
        "'price':null,'delivered_by':[],'photos':[]}]}");
    size_t len = 0;
    char *text = catalogue_csv(cat, &len);
    struct csv c;
    static const char *const header[] = {
        "id",        "title",      "description",  "trades",      "price_min",
        "price_max", "price_unit", "delivered_by", "cooperatives"};
    int i;

    (void)state;
    assert_non_null(text);
    assert_int_equal(strlen(text), len);
    /* CRLF line ends; the description's quote doubled. */
    assert_memory_equal(text,
                        "id,title,description,trades,price_min,price_max,"
                        "price_unit,delivered_by,cooperatives\r\n",
                        81);
    assert_non_null(strstr(text, "Devis \"\"gratuit\"\"."));
    csv_init(&c, text, len, ',');
    assert_int_equal(csv_next(&c), 1);
    assert_int_equal(c.n, 9);
    for (i = 0; i < 9; i++) assert_string_equal(c.field[i], header[i]);
    assert_int_equal(csv_next(&c), 1);
    assert_int_equal(c.n, 9);
    assert_string_equal(c.field[0], "1");
    assert_string_equal(c.field[1], "Taille, élagage");
    assert_string_equal(c.field[2], "Haies « hautes » jusqu’à 3 m.\n"
                                    "Devis \"gratuit\".");
    assert_string_equal(c.field[3],
                        "Aménagement et entretien des espaces verts "
                        "(rome:A1203); Élagage");
    assert_string_equal(c.field[4], "35");
    assert_string_equal(c.field[5], "45.5");
    assert_string_equal(c.field[6], "hour");
    assert_string_equal(c.field[7], "Ana, dite \"A\"; Carla; Bob");
    assert_string_equal(c.field[8], "Coop Alpha; Coop Béta");
    assert_int_equal(csv_next(&c), 1);
    assert_int_equal(c.n, 9);
    assert_string_equal(c.field[0], "2");
    assert_string_equal(c.field[1], "Forfait");
    for (i = 2; i < 9; i++) assert_string_equal(c.field[i], "");
    assert_int_equal(csv_next(&c), 0);
    csv_free(&c);
    free(text);
    json_decref(cat);
}

/* ============================================================ :memory: */

struct fix {
    struct db *db;
    long long coop_a, coop_b;
    long long ana, bob, carla, dan, eve; /* ana, bob: A; the others: B */
    struct viewer va, vb;
    long long group, team;
    char slug[96], team_slug[96];
    long long offer1, offer2, retired;
};

static long long make_coop(struct db *db, const char *name)
{
    char text[128];

    snprintf(text, sizeof text, "{'name':'%s'}", name);
    return test_make(db, dir_coop_create, text);
}

/* make_ent: a profile at insee with one ROME trade; area: the JSON of
 * "intervention" or NULL (the default radius). */
static long long make_ent(struct db *db, long long coop, const char *name,
                          const char *vis, const char *insee, const char *area)
{
    char text[512];

    snprintf(text, sizeof text,
             "{'cooperative_id':'%lld','display_name':'%s','trades':"
             "[{'scheme':'rome','code':'A1203'}],'location':{'insee':"
             "'%s'},'visibility':'%s'%s%s}",
             coop, name, insee, vis, area ? ",'intervention':" : "",
             area ? area : "");
    return test_make(db, dir_ent_create, text);
}

/* exec: SQL with ?1..?4 bound to integers a..d; the last row id. */
static long long exec(struct db *db, const char *sql, long long a, long long b,
                      long long c, long long d)
{
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db_handle(db)));
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    sqlite3_bind_int64(st, 3, c);
    sqlite3_bind_int64(st, 4, d);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    return sqlite3_last_insert_rowid(db_handle(db));
}

/* offer: an offer row of group written as the offer module stores it
 * (its module has its own tests); delivered by a and b (0: none). */
static long long offer(struct fix *f, long long group, const char *status,
                       const char *doc, long long a, long long b)
{
    sqlite3_stmt *st = NULL;
    long long id;
    json_t *d = test_json(doc);
    char *text = json_dumps(d, 0);

    assert_int_equal(
        sqlite3_prepare_v2(db_handle(f->db),
                           "INSERT INTO offer(group_id, status, title, doc,"
                           " retired_at) VALUES(?1, ?2, ?3, ?4, CASE WHEN"
                           " ?2 = 'retired' THEN '2026-11-27T10:00:00Z' END)",
                           -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_int64(st, 1, group);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, sget(d, "title"), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, text, -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    id = sqlite3_last_insert_rowid(db_handle(f->db));
    if (a) exec(f->db, "INSERT INTO offer_member VALUES(?1, ?2)", id, a, 0, 0);
    if (b) exec(f->db, "INSERT INTO offer_member VALUES(?1, ?2)", id, b, 0, 0);
    free(text);
    json_decref(d);
    return id;
}

/* make_group: kind named name, made by the system with ents[0] as
 * admin, everyone in ents invited; those in accept[] accept. */
static long long make_group(struct fix *f, const char *kind, const char *name,
                            const long long *ents, size_t n,
                            const long long *accept, size_t na, char *slug)
{
    char text[1024];
    size_t len, i, j;
    json_t *in, *errs = json_array(), *out = NULL, *m;
    long long id = 0;

    len = (size_t)snprintf(text, sizeof text,
                           "{'kind':'%s','name':'%s','description':"
                           "'Trois métiers, deux coopératives.',"
                           "'members':[",
                           kind, name);
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, sizeof text - len,
                                "%s{'entrepreneur_id':'%lld','role':'%s'}",
                                i ? "," : "", ents[i], i ? "member" : "admin");
    snprintf(text + len, sizeof text - len, "]}");
    in = test_json(text);
    if (group_create(f->db, &viewer_system, in, "http://essaim.test", errs,
                     &out) != RC_OK)
        fail_msg("%s: %s", text, json_dumps(errs, 0));
    assert_true(ids_parse(sget(out, "id"), &id));
    snprintf(slug, 96, "%s", sget(out, "slug"));
    json_array_foreach(json_object_get(out, "members"), i, m)
    {
        long long e = 0;

        ids_parse(sget(m, "entrepreneur_id"), &e);
        for (j = 0; j < na; j++) {
            json_t *got = NULL, *empty;

            if (accept[j] != e) continue;
            empty = json_object();
            json_array_clear(errs);
            assert_int_equal(group_answer(f->db, &viewer_system,
                                          sget(m, "invitation_id"), 1, empty,
                                          errs, &got),
                             RC_OK);
            json_decref(got);
            json_decref(empty);
        }
    }
    json_decref(in);
    json_decref(errs);
    json_decref(out);
    return id;
}

static int fix_setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    char doc[1024];

    f->db = test_db_new();
    f->coop_a = make_coop(f->db, "Coop Alpha");
    f->coop_b = make_coop(f->db, "Coop Béta");
    /* Rouen, Le Havre (a zone: Seine-Maritime), Dieppe. */
    f->ana = make_ent(f->db, f->coop_a, "Ana Paysagiste", "public", "76540",
                      "{'radius_km':25}");
    f->bob =
        make_ent(f->db, f->coop_a, "Bob Discret", "private", "76540", NULL);
    f->carla = make_ent(f->db, f->coop_b, "Carla Jardinière", "public", "76351",
                        "{'zones':['dep:76']}");
    f->dan = make_ent(f->db, f->coop_b, "Dan Invité", "public", "76217", NULL);
    f->eve = make_ent(f->db, f->coop_b, "Ève Partout", "network", "76217",
                      "{'zones':['FR']}");
    f->va = (struct viewer){VIEWER_ENTREPRENEUR, f->coop_a, f->ana, 0};
    f->vb = (struct viewer){VIEWER_ENTREPRENEUR, f->coop_a, f->bob, 0};
    {
        long long ents[] = {f->ana, f->bob, f->carla, f->dan, f->eve};
        long long acc[] = {f->ana, f->bob, f->carla, f->eve};

        f->group = make_group(f, "trade_group", "Jardiniers de Seine", ents, 5,
                              acc, 4, f->slug);
        f->team = make_group(f, "tender_team", "Équipe marché", ents, 2, acc, 2,
                             f->team_slug);
    }
    snprintf(doc, sizeof doc,
             "{'title':'Taille de haies','description':'Haies jusqu’à 3 m,"
             " déchets emportés.','trades':[{'scheme':'rome','code':'A1203',"
             "'label':'Aménagement et entretien des espaces verts'}],"
             "'price':{'min':35,'max':45,'unit':'hour'},"
             "'delivered_by':['%lld','%lld'],'status':'active'}",
             f->ana, f->bob);
    f->offer1 = offer(f, f->group, "active", doc, f->ana, f->bob);
    exec(f->db,
         "INSERT INTO offer_photo(offer_id, type, width, height, bytes)"
         " VALUES(?1, 'image/png', ?2, ?3, x'89504e47')",
         f->offer1, 640, 480, 0);
    snprintf(doc, sizeof doc,
             "{'title':'Création de massifs','trades':[{'scheme':'rome',"
             "'code':'A1203'},{'scheme':'free','label':'Permaculture'}],"
             "'price':{'min':900,'unit':'package'},"
             "'delivered_by':['%lld'],'status':'active'}",
             f->carla);
    f->offer2 = offer(f, f->group, "active", doc, f->carla, 0);
    snprintf(doc, sizeof doc,
             "{'title':'Offre retirée','trades':[{'scheme':'rome',"
             "'code':'A1203'}],'delivered_by':['%lld'],'status':'retired'}",
             f->ana);
    f->retired = offer(f, f->group, "retired", doc, f->ana, 0);
    *state = f;
    return 0;
}

static int fix_teardown(void **state)
{
    struct fix *f = *state;

    db_close(f->db);
    free(f);
    return 0;
}

static void every_statement_prepares(void **state)
{
    struct fix *f = *state;
    size_t i;

    for (i = 0; catalogue_sql[i]; i++) {
        sqlite3_stmt *st = db_stmt(f->db, catalogue_sql[i]);

        if (!st) fprintf(stderr, "cannot prepare: %s\n", catalogue_sql[i]);
        assert_non_null(st);
    }
    assert_true(i >= 8);
}

static json_t *by_field(json_t *list, const char *key, long long id)
{
    json_t *x;
    size_t i;
    char s[24];

    snprintf(s, sizeof s, "%lld", id);
    json_array_foreach(list, i, x)
    {
        if (!strcmp(sget(x, key), s)) return x;
    }
    return NULL;
}

/* An anonymous reader: public members only, active offers only. */
static void anonymous_shape(void **state)
{
    struct fix *f = *state;
    json_t *c = NULL, *members, *offers, *o, *t, *feat, *x;
    size_t i;
    int zones = 0, points = 0;

    assert_int_equal(catalogue_get(f->db, &viewer_anonymous, f->slug,
                                   "http://essaim.test/", &c),
                     RC_OK);
    assert_string_equal(sget(c, "kind"), "trade_group");
    assert_string_equal(sget(c, "name"), "Jardiniers de Seine");
    assert_string_equal(sget(c, "slug"), "jardiniers-de-seine");
    assert_string_equal(sget(c, "description"),
                        "Trois métiers, deux coopératives.");
    assert_string_equal(sget(c, "url"),
                        "http://essaim.test/catalogues/jardiniers-de-seine");
    assert_string_equal(sget(json_object_get(c, "exports"), "csv"),
                        "/api/v1/catalogues/jardiniers-de-seine?format=csv");
    assert_true(json_is_false(json_object_get(c, "can_edit")));
    /* Ana and Carla: Bob is private, Dan has not accepted, Ève is
     * network (signed-in readers only). */
    members = json_object_get(c, "members");
    assert_int_equal(json_array_size(members), 2);
    x = by_field(members, "entrepreneur_id", f->ana);
    assert_non_null(x);
    assert_string_equal(sget(x, "name"), "Ana Paysagiste");
    assert_string_equal(sget(x, "city"), "Rouen");
    assert_string_equal(sget(x, "departement"), "76");
    assert_string_equal(sget(json_object_get(x, "cooperative"), "name"),
                        "Coop Alpha");
    assert_true(json_number_value(json_object_get(x, "lat")) > 49);
    assert_true(json_number_value(json_object_get(
                    json_object_get(x, "intervention"), "radius_km")) == 25);
    x = by_field(members, "entrepreneur_id", f->carla);
    assert_non_null(x);
    assert_string_equal(sget(x, "city"), "Le Havre");
    assert_null(by_field(members, "entrepreneur_id", f->bob));
    assert_null(by_field(members, "entrepreneur_id", f->dan));
    assert_null(by_field(members, "entrepreneur_id", f->eve));
    /* Their cooperatives, once each. */
    assert_int_equal(json_array_size(json_object_get(c, "cooperatives")), 2);
    x = by_field(json_object_get(c, "cooperatives"), "id", f->coop_b);
    assert_string_equal(sget(x, "name"), "Coop Béta");
    assert_int_equal(json_integer_value(json_object_get(x, "members")), 1);
    /* Two active offers; the retired one is absent. */
    offers = json_object_get(c, "offers");
    assert_int_equal(json_array_size(offers), 2);
    assert_null(by_field(offers, "id", f->retired));
    o = by_field(offers, "id", f->offer1);
    assert_string_equal(sget(o, "title"), "Taille de haies");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(o, "price"), "min")),
        35);
    assert_string_equal(sget(json_object_get(o, "price"), "unit"), "hour");
    /* Delivered by Ana and Bob: Bob is private. */
    assert_int_equal(json_array_size(json_object_get(o, "delivered_by")), 1);
    assert_string_equal(
        sget(json_array_get(json_object_get(o, "delivered_by"), 0), "name"),
        "Ana Paysagiste");
    x = json_array_get(json_object_get(o, "photos"), 0);
    assert_non_null(x);
    {
        char url[96];

        snprintf(url, sizeof url, "/api/v1/offers/%lld/photos/%s", f->offer1,
                 sget(x, "id"));
        assert_string_equal(sget(x, "url"), url);
    }
    assert_string_equal(sget(x, "type"), "image/png");
    assert_int_equal(json_integer_value(json_object_get(x, "width")), 640);
    /* Labels from the vocabulary when the document has none. */
    o = by_field(offers, "id", f->offer2);
    assert_true(json_is_null(json_object_get(o, "description")));
    assert_true(
        json_is_null(json_object_get(json_object_get(o, "price"), "max")));
    t = json_object_get(o, "trades");
    assert_int_equal(json_array_size(t), 2);
    assert_true(strlen(sget(json_array_get(t, 0), "label")) > 5);
    assert_string_not_equal(sget(json_array_get(t, 0), "label"), "A1203");
    assert_string_equal(sget(json_array_get(t, 1), "label"), "Permaculture");
    /* The area: two member points, Seine-Maritime as a zone. */
    t = json_object_get(c, "area");
    assert_string_equal(sget(t, "type"), "FeatureCollection");
    assert_true(json_is_false(json_object_get(t, "nationwide")));
    json_array_foreach(json_object_get(t, "features"), i, feat)
    {
        json_t *p = json_object_get(feat, "properties");
        json_t *xy =
            json_object_get(json_object_get(feat, "geometry"), "coordinates");

        assert_string_equal(sget(feat, "type"), "Feature");
        /* [lon, lat]: France's longitudes are smaller than its
         * latitudes. */
        assert_true(json_number_value(json_array_get(xy, 0)) <
                    json_number_value(json_array_get(xy, 1)));
        if (!strcmp(sget(p, "kind"), "zone")) {
            zones++;
            assert_string_equal(sget(p, "zone"), "dep:76");
            assert_string_equal(sget(p, "name"), "Seine-Maritime");
            assert_true(
                json_number_value(json_object_get(p, "radius_km")) > 30 &&
                json_number_value(json_object_get(p, "radius_km")) < 150);
            assert_int_equal(
                json_array_size(json_object_get(p, "entrepreneur_ids")), 1);
        } else {
            points++;
            assert_string_equal(sget(p, "kind"), "member");
        }
    }
    assert_int_equal(points, 2);
    assert_int_equal(zones, 1);
    json_decref(c);
}

/* Signed in: Bob sees himself; Ana edits; a signed-in reader sees Ève,
 * who works in all France. */
static void readers(void **state)
{
    struct fix *f = *state;
    json_t *c = NULL, *o;
    struct viewer client = {VIEWER_CLIENT, 0, 0, 1};

    assert_int_equal(catalogue_get(f->db, &f->vb, f->slug, NULL, &c), RC_OK);
    assert_non_null(
        by_field(json_object_get(c, "members"), "entrepreneur_id", f->bob));
    o = by_field(json_object_get(c, "offers"), "id", f->offer1);
    assert_int_equal(json_array_size(json_object_get(o, "delivered_by")), 2);
    assert_true(json_is_false(json_object_get(c, "can_edit")));
    assert_string_equal(sget(c, "url"), "/catalogues/jardiniers-de-seine");
    json_decref(c);
    assert_int_equal(catalogue_get(f->db, &f->va, f->slug, NULL, &c), RC_OK);
    assert_true(json_is_true(json_object_get(c, "can_edit")));
    assert_null(
        by_field(json_object_get(c, "members"), "entrepreneur_id", f->bob));
    json_decref(c);
    assert_int_equal(catalogue_get(f->db, &client, f->slug, NULL, &c), RC_OK);
    assert_int_equal(json_array_size(json_object_get(c, "members")), 3);
    assert_true(json_is_true(
        json_object_get(json_object_get(c, "area"), "nationwide")));
    json_decref(c);
}

static void not_found(void **state)
{
    struct fix *f = *state;
    json_t *c = NULL;

    assert_int_equal(
        catalogue_get(f->db, &viewer_anonymous, "pas-de-groupe", NULL, &c),
        RC_NOTFOUND);
    assert_null(c);
    assert_int_equal(
        catalogue_get(f->db, &viewer_anonymous, "Jardiniers", NULL, &c),
        RC_NOTFOUND);
    assert_int_equal(catalogue_get(f->db, &viewer_anonymous, "", NULL, &c),
                     RC_NOTFOUND);
    /* A tender team has no catalogue, even for an administrator. */
    assert_int_equal(
        catalogue_get(f->db, &viewer_system, f->team_slug, NULL, &c),
        RC_NOTFOUND);
    assert_null(c);
}

/* A business group of private members: a public catalogue without
 * members; its offers still show. */
static void nobody_visible(void **state)
{
    struct fix *f = *state;
    long long ents[] = {f->bob}, id;
    char slug[96], doc[256];
    json_t *c = NULL, *o;

    id = make_group(f, "business_group", "Marque discrète", ents, 1, ents, 1,
                    slug);
    snprintf(doc, sizeof doc,
             "{'title':'Forfait mariage','trades':[{'scheme':'rome',"
             "'code':'A1203'}],'delivered_by':['%lld']}",
             f->bob);
    offer(f, id, "active", doc, f->bob, 0);
    assert_int_equal(catalogue_get(f->db, &viewer_anonymous, slug, NULL, &c),
                     RC_OK);
    assert_string_equal(sget(c, "kind"), "business_group");
    assert_int_equal(json_array_size(json_object_get(c, "members")), 0);
    assert_int_equal(json_array_size(json_object_get(c, "cooperatives")), 0);
    assert_int_equal(json_array_size(json_object_get(json_object_get(c, "area"),
                                                     "features")),
                     0);
    o = json_array_get(json_object_get(c, "offers"), 0);
    assert_string_equal(sget(o, "title"), "Forfait mariage");
    assert_int_equal(json_array_size(json_object_get(o, "delivered_by")), 0);
    json_decref(c);
}

/* ========================================================== end to end */

TEST_SERVER_SUITE(server)

/* post_id: POST as token, expecting want; the answer's id into dst. */
static void post_id(const char *token, const char *path, const char *body,
                    long want, char *dst, size_t size)
{
    json_t *out = NULL;
    long st = test_call(&server, token, "POST", path, body, &out);

    if (st != want)
        fail_msg("POST %s %s: %ld, want %ld: %s", path, body, st, want,
                 out ? json_dumps(out, 0) : "");
    if (dst) snprintf(dst, size, "%s", sget(out, "id"));
    json_decref(out);
}

static void e2e_ent(const char *coop, const char *name, const char *vis,
                    char *id, size_t size)
{
    char body[512];

    snprintf(body, sizeof body,
             "{\"cooperative_id\":\"%s\",\"display_name\":\"%s\","
             "\"trades\":[{\"scheme\":\"rome\",\"code\":\"A1203\"}],"
             "\"location\":{\"insee\":\"76540\"},\"visibility\":\"%s\"}",
             coop, name, vis);
    post_id(server.admin, "/api/v1/entrepreneurs", body, 201, id, size);
}

static int is_problem(const struct test_reply *r, long status)
{
    return r->status == status &&
           strstr(buf_str(&r->headers),
                  "Content-Type: application/problem+json") != NULL &&
           r->json &&
           json_integer_value(json_object_get(r->json, "status")) == status;
}

struct world {
    char coop_a[16], coop_b[16];
    char ana[16], bob[16], carla[16];
    char group[16], team[16];
    char offer[3][16];
};

static struct world w;

/* build_world: a trade group of Ana (A, public), Bob (A, private) and
 * Carla (B, public), made and answered by the administrator; three
 * offers through the offer API, the last one retired; a tender team. */
static void build_world(void)
{
    char body[1024], path[96];
    json_t *g = NULL, *m;
    size_t i;
    static const char *const titles[] = {"Taille, élagage et \\\"broyage\\\"",
                                         "Création de massifs",
                                         "Offre retirée"};

    if (*w.group) return;
    post_id(server.admin, "/api/v1/cooperatives", "{\"name\":\"Coop A\"}", 201,
            w.coop_a, sizeof w.coop_a);
    post_id(server.admin, "/api/v1/cooperatives",
            "{\"name\":\"Coopérative Béta\"}", 201, w.coop_b, sizeof w.coop_b);
    e2e_ent(w.coop_a, "Ana", "public", w.ana, sizeof w.ana);
    e2e_ent(w.coop_a, "Bob Secret", "private", w.bob, sizeof w.bob);
    e2e_ent(w.coop_b, "Carla", "public", w.carla, sizeof w.carla);
    snprintf(body, sizeof body,
             "{\"kind\":\"trade_group\",\"name\":\"Jardiniers, et cætera\","
             "\"description\":\"Ligne 1\\nLigne 2\",\"members\":["
             "{\"entrepreneur_id\":\"%s\",\"role\":\"admin\"},"
             "{\"entrepreneur_id\":\"%s\"},{\"entrepreneur_id\":\"%s\"}]}",
             w.ana, w.bob, w.carla);
    assert_int_equal(test_call(&server, server.admin, "POST", "/api/v1/groups", body, &g),
                     201);
    snprintf(w.group, sizeof w.group, "%s", sget(g, "id"));
    assert_string_equal(sget(g, "slug"), "jardiniers-et-caetera");
    json_array_foreach(json_object_get(g, "members"), i, m)
    {
        snprintf(path, sizeof path, "/api/v1/invitations/%s/accept",
                 sget(m, "invitation_id"));
        assert_int_equal(test_call(&server, server.admin, "POST", path, "{}", NULL), 200);
    }
    json_decref(g);
    snprintf(path, sizeof path, "/api/v1/groups/%s/offers", w.group);
    for (i = 0; i < 3; i++) {
        snprintf(body, sizeof body,
                 "{\"title\":\"%s\",\"description\":\"Haies, massifs;"
                 " devis \\\"gratuit\\\".\\nSur place.\",\"trades\":"
                 "[{\"scheme\":\"rome\",\"code\":\"A1203\"}],"
                 "\"price\":{\"min\":35,\"max\":45.5,\"unit\":\"hour\"},"
                 "\"delivered_by\":[\"%s\",\"%s\"]}",
                 titles[i], w.ana, i ? w.carla : w.bob);
        post_id(server.admin, path, body, 201, w.offer[i], sizeof w.offer[i]);
    }
    snprintf(path, sizeof path, "/api/v1/offers/%s", w.offer[2]);
    assert_int_equal(test_call(&server, server.admin, "DELETE", path, NULL, NULL), 200);
    snprintf(body, sizeof body,
             "{\"kind\":\"tender_team\",\"name\":\"Une équipe\","
             "\"members\":[{\"entrepreneur_id\":\"%s\"}]}",
             w.ana);
    post_id(server.admin, "/api/v1/groups", body, 201, w.team, sizeof w.team);
}

static void api_json(void **state)
{
    struct test_reply r;
    json_t *offers, *o;
    size_t i;

    (void)state;
    build_world();
    test_http_as(&server, NULL, "GET",
                 "/api/v1/catalogues/jardiniers-et-caetera", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(buf_str(&r.headers),
                           "Content-Type: application/json; charset=utf-8"));
    assert_string_equal(sget(r.json, "name"), "Jardiniers, et cætera");
    assert_string_equal(sget(r.json, "description"), "Ligne 1\nLigne 2");
    /* Bob is private: not for an anonymous reader. */
    assert_int_equal(json_array_size(json_object_get(r.json, "members")), 2);
    assert_null(strstr(r.body.p, "Bob Secret"));
    assert_int_equal(json_array_size(json_object_get(r.json, "cooperatives")),
                     2);
    /* The retired offer is absent. */
    offers = json_object_get(r.json, "offers");
    assert_int_equal(json_array_size(offers), 2);
    json_array_foreach(offers, i, o)
    {
        assert_string_not_equal(sget(o, "id"), w.offer[2]);
        assert_true(json_array_size(json_object_get(o, "trades")) == 1);
        assert_true(strlen(sget(json_array_get(json_object_get(o, "trades"), 0),
                                "label")) > 5);
    }
    assert_null(strstr(r.body.p, "Offre retirée"));
    test_reply_free(&r);
    /* The administrator sees Bob. */
    test_http_as(&server, server.admin, "GET",
                 "/api/v1/catalogues/jardiniers-et-caetera?format=json", NULL,
                 NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "members")), 3);
    assert_true(json_is_true(json_object_get(r.json, "can_edit")));
    test_reply_free(&r);
}

static void api_csv(void **state)
{
    struct test_reply r;
    struct csv c;
    char want[256];

    (void)state;
    build_world();
    test_http_as(&server, NULL, "GET",
                 "/api/v1/catalogues/jardiniers-et-caetera?format=csv", NULL,
                 NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(buf_str(&r.headers),
                           "Content-Type: text/csv; charset=utf-8\r\n"));
    assert_non_null(strstr(buf_str(&r.headers),
                           "Content-Disposition: attachment;"
                           " filename=\"jardiniers-et-caetera.csv\"\r\n"));
    assert_true(text_utf8_valid(r.body.p, r.body.len));
    csv_init(&c, r.body.p, r.body.len, ',');
    assert_int_equal(csv_next(&c), 1);
    assert_int_equal(c.n, 9);
    assert_string_equal(c.field[1], "title");
    assert_int_equal(csv_next(&c), 1);
    assert_int_equal(c.n, 9);
    assert_string_equal(c.field[0], w.offer[0]);
    assert_string_equal(c.field[1], "Taille, élagage et \"broyage\"");
    assert_string_equal(c.field[2],
                        "Haies, massifs; devis \"gratuit\".\nSur place.");
    assert_non_null(strstr(c.field[3], "(rome:A1203)"));
    assert_string_equal(c.field[4], "35");
    assert_string_equal(c.field[5], "45.5");
    assert_string_equal(c.field[6], "hour");
    /* Bob (private) delivers it too: not named. */
    assert_string_equal(c.field[7], "Ana");
    assert_string_equal(c.field[8], "Coop A");
    assert_int_equal(csv_next(&c), 1);
    assert_string_equal(c.field[1], "Création de massifs");
    assert_string_equal(c.field[7], "Ana; Carla");
    assert_string_equal(c.field[8], "Coop A; Coopérative Béta");
    assert_int_equal(csv_next(&c), 0); /* the retired offer is absent */
    csv_free(&c);
    /* Raw bytes: the quoted title, CRLF line ends. */
    snprintf(want, sizeof want,
             "\r\n%s,\"Taille, élagage et \"\"broyage\"\"\",", w.offer[0]);
    assert_non_null(strstr(r.body.p, want));
    test_reply_free(&r);
}

static void api_errors(void **state)
{
    struct test_reply r;
    char path[96];

    (void)state;
    build_world();
    test_http_as(&server, NULL, "GET",
                 "/api/v1/catalogues/jardiniers-et-caetera?format=xml", NULL,
                 NULL, &r);
    assert_true(is_problem(&r, 400));
    assert_true(test_has_error(json_object_get(r.json, "errors"), "format"));
    test_reply_free(&r);
    test_http_as(&server, NULL, "GET", "/api/v1/catalogues/inconnu", NULL, NULL,
                 &r);
    assert_true(is_problem(&r, 404));
    test_reply_free(&r);
    test_http_as(&server, NULL, "GET", "/api/v1/catalogues/Pas_Un_Slug", NULL,
                 NULL, &r);
    assert_true(is_problem(&r, 404));
    test_reply_free(&r);
    /* A tender team has no catalogue. */
    test_http_as(&server, server.admin, "GET", "/api/v1/catalogues/une-equipe",
                 NULL, NULL, &r);
    assert_true(is_problem(&r, 404));
    test_reply_free(&r);
    test_http_as(&server, NULL, "GET",
                 "/api/v1/catalogues/une-equipe?format=csv", NULL, NULL, &r);
    assert_true(is_problem(&r, 404));
    test_reply_free(&r);
    test_http_as(&server, server.admin, "POST",
                 "/api/v1/catalogues/jardiniers-et-caetera", "{}", NULL, &r);
    assert_true(is_problem(&r, 405));
    test_reply_free(&r);
    snprintf(path, sizeof path, "/api/v1/groups/%s", w.team);
    assert_int_equal(test_call(&server, server.admin, "GET", path, NULL, NULL), 200);
}

/* /catalogues/{slug}: public/catalogue.html, whatever the slug. */
static void page(void **state)
{
    struct test_reply r;
    FILE *fp = fopen("public/catalogue.html", "rb");
    struct buf file = {0};
    char chunk[4096];
    size_t n;

    (void)state;
    assert_non_null(fp);
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_add(&file, chunk, n);
    fclose(fp);
    test_http_as(&server, NULL, "GET", "/catalogues/jardiniers-et-caetera",
                 NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(buf_str(&r.headers), "Content-Type: text/html"));
    assert_non_null(
        strstr(buf_str(&r.headers), "Content-Security-Policy: default-src"));
    assert_int_equal(r.body.len, file.len);
    assert_memory_equal(r.body.p, file.p, file.len);
    test_reply_free(&r);
    /* Any well-formed slug: the page says when there is no catalogue. */
    test_http_as(&server, NULL, "GET", "/catalogues/pas-encore-9", NULL, NULL,
                 &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body.len, file.len);
    test_reply_free(&r);
    test_http_as(&server, NULL, "HEAD", "/catalogues/jardiniers-et-caetera",
                 NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body.len, 0);
    test_reply_free(&r);
    /* Not a slug, or a deeper path: not the page. */
    test_http_as(&server, NULL, "GET", "/catalogues/Pas_Un_Slug", NULL, NULL,
                 &r);
    assert_int_equal(r.status, 404);
    test_reply_free(&r);
    test_http_as(&server, NULL, "GET", "/catalogues/a/b", NULL, NULL, &r);
    assert_int_equal(r.status, 404);
    test_reply_free(&r);
    test_http_as(&server, NULL, "GET", "/catalogues/", NULL, NULL, &r);
    assert_int_equal(r.status, 404);
    test_reply_free(&r);
    buf_free(&file);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(csv_fields),
        cmocka_unit_test(csv_round_trip),
    };
#define MEM(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)
    const struct CMUnitTest mem[] = {
        MEM(every_statement_prepares),
        MEM(anonymous_shape),
        MEM(readers),
        MEM(not_found),
        MEM(nobody_visible),
    };
#undef MEM
    const struct CMUnitTest e2e[] = {
        cmocka_unit_test(api_json),
        cmocka_unit_test(api_csv),
        cmocka_unit_test(api_errors),
        cmocka_unit_test(page),
    };
    int failed = 0;

    failed += cmocka_run_group_tests_name("catalogue (pure)", pure, NULL, NULL);
    failed +=
        cmocka_run_group_tests_name("catalogue (:memory:)", mem, NULL, NULL);
    failed += cmocka_run_group_tests_name("catalogue (end to end)", e2e,
                                          srv_setup, srv_teardown);
    return failed ? 1 : 0;
}
