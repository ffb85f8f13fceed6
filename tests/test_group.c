/*
 * test_group.c: groups of entrepreneurs: the pure rules (kinds, slugs,
 * the revenue split and its rounding, the group's status, who may do
 * what), the module on a :memory: database (create, invite, accept,
 * decline, leave, the status on the way, members of two cooperatives,
 * notifications and e-mails written, nothing written on bad input), and
 * end to end: three entrepreneurs of two cooperatives form a tender team
 * and see each other's acceptance; an authorization matrix of the group
 * routes.
 */
#include "testutil.h"

#include <math.h>

#include "../directory/dir_coop.h"
#include "../directory/dir_ent.h"
#include "../group/group.h"
#include "../tender/tender_db.h"
#include "../util/check.h"
#include "../util/ids.h"
#include "../util/viewer.h"

extern const char *const group_sql[];

/* ================================================================ pure */

static void kinds_and_slugs(void **state)
{
    char s[GROUP_SLUG_MAX + 1], small[12];
    char long_name[400];
    int i;

    (void)state;
    assert_int_equal(group_kind_parse("tender_team"), GROUP_TENDER_TEAM);
    assert_int_equal(group_kind_parse("business_group"), GROUP_BUSINESS);
    assert_int_equal(group_kind_parse("trade_group"), GROUP_TRADE);
    assert_int_equal(group_kind_parse("team"), -1);
    assert_int_equal(group_kind_parse(NULL), -1);
    assert_string_equal(group_kind_name(GROUP_TRADE), "trade_group");

    group_slugify("Les Jardiniers d'Été", s, sizeof s);
    assert_string_equal(s, "les-jardiniers-d-ete");
    group_slugify("  Œuvre & Cie !! ", s, sizeof s);
    assert_string_equal(s, "oeuvre-cie");
    group_slugify("Maçons 44 -- Bâti", s, sizeof s);
    assert_string_equal(s, "macons-44-bati");
    group_slugify("日本", s, sizeof s);
    assert_string_equal(s, "groupe");
    group_slugify("", s, sizeof s);
    assert_string_equal(s, "groupe");
    /* Too long: cut at a hyphen, within 80 bytes. */
    long_name[0] = 0;
    for (i = 0; i < 30; i++) strcat(long_name, "paysage ");
    group_slugify(long_name, s, sizeof s);
    assert_true(strlen(s) <= GROUP_SLUG_MAX);
    assert_true(group_slug_valid(s));
    assert_int_equal(strlen(s) % 8, 7); /* whole words "paysage" */
    group_slugify("elagage abattage", small, sizeof small);
    assert_string_equal(small, "elagage");
    group_slugify("anticonstitutionnellement", small, sizeof small);
    assert_string_equal(small, "anticonstit");

    assert_true(group_slug_valid("a"));
    assert_true(group_slug_valid("espaces-verts-76"));
    assert_false(group_slug_valid(""));
    assert_false(group_slug_valid("-a"));
    assert_false(group_slug_valid("a-"));
    assert_false(group_slug_valid("a--b"));
    assert_false(group_slug_valid("A-b"));
    assert_false(group_slug_valid("été"));
    assert_false(group_slug_valid("a b"));
    memset(long_name, 'a', 81);
    long_name[81] = 0;
    assert_false(group_slug_valid(long_name));
    long_name[80] = 0;
    assert_true(group_slug_valid(long_name));
}

/* split: group_check_split on a JSON literal; want 1 or -1, and the field
 * of the error when refused. */
static json_t *split(const char *text, int want, const char *field)
{
    json_t *in = test_json(text), *errs = json_array(), *out = json_object();
    struct check c = {errs, ""};
    int r = group_check_split(&c, in, "revenue_split", out);

    if (r != want)
        fail_msg("%s: %d, want %d: %s", text, r, want, json_dumps(errs, 0));
    if (field && !test_has_error(errs, field))
        fail_msg("%s: no error on %s: %s", text, field, json_dumps(errs, 0));
    if (want > 0) assert_int_equal(json_array_size(errs), 0);
    json_decref(in);
    json_decref(errs);
    if (want < 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static void revenue_split_rules(void **state)
{
    json_t *out, *a;

    (void)state;
    /* Rounding: thirds in hundredths sum to exactly 100. */
    out = split("{'revenue_split':[{'entrepreneur_id':'1','share':33.33},"
                "{'entrepreneur_id':'2','share':33.33},"
                "{'entrepreneur_id':3,'share':33.34}]}",
                1, NULL);
    a = json_object_get(out, "revenue_split");
    assert_int_equal(json_array_size(a), 3);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(a, 2), "entrepreneur_id")),
                        "3");
    assert_true(fabs(json_number_value(json_object_get(json_array_get(a, 0),
                                                       "share")) -
                     33.33) < 1e-9);
    json_decref(out);
    /* Whole shares stay integers. */
    out = split("{'revenue_split':[{'entrepreneur_id':'1','share':50},"
                "{'entrepreneur_id':'2','share':50.0}]}",
                1, NULL);
    assert_true(json_is_integer(json_object_get(
        json_array_get(json_object_get(out, "revenue_split"), 1), "share")));
    json_decref(out);
    out = split("{'revenue_split':[{'entrepreneur_id':'1','share':100}]}", 1,
                NULL);
    json_decref(out);
    out = split("{'revenue_split':[{'entrepreneur_id':'1','share':0.01},"
                "{'entrepreneur_id':'2','share':99.99}]}",
                1, NULL);
    json_decref(out);
    out = split("{'revenue_split':null}", 0, NULL);
    json_decref(out);
    out = split("{}", 0, NULL);
    json_decref(out);

    /* Sums that miss 100, by a hundredth or more. */
    split("{'revenue_split':[{'entrepreneur_id':'1','share':33.33},"
          "{'entrepreneur_id':'2','share':33.33},"
          "{'entrepreneur_id':'3','share':33.33}]}",
          -1, "revenue_split");
    split("{'revenue_split':[{'entrepreneur_id':'1','share':60},"
          "{'entrepreneur_id':'2','share':50}]}",
          -1, "revenue_split");
    /* Bad shares. */
    split("{'revenue_split':[{'entrepreneur_id':'1','share':33.333},"
          "{'entrepreneur_id':'2','share':66.667}]}",
          -1, "revenue_split[0].share");
    split("{'revenue_split':[{'entrepreneur_id':'1','share':0},"
          "{'entrepreneur_id':'2','share':100}]}",
          -1, "revenue_split[0].share");
    split("{'revenue_split':[{'entrepreneur_id':'1','share':-10},"
          "{'entrepreneur_id':'2','share':110}]}",
          -1, "revenue_split[1].share");
    split("{'revenue_split':[{'entrepreneur_id':'1','share':'50'},"
          "{'entrepreneur_id':'2','share':50}]}",
          -1, "revenue_split[0].share");
    split("{'revenue_split':[{'entrepreneur_id':'1'}]}", -1,
          "revenue_split[0].share");
    /* Bad shapes. */
    split("{'revenue_split':{'1':50,'2':50}}", -1, "revenue_split");
    split("{'revenue_split':[]}", -1, "revenue_split");
    split("{'revenue_split':[50,50]}", -1, "revenue_split[0]");
    split("{'revenue_split':[{'entrepreneur_id':'x','share':100}]}", -1,
          "revenue_split[0].entrepreneur_id");
    split("{'revenue_split':[{'entrepreneur_id':'1','share':50},"
          "{'entrepreneur_id':1,'share':50}]}",
          -1, "revenue_split[1].entrepreneur_id");
    split("{'revenue_split':[{'entrepreneur_id':'1','share':100,"
          "'note':'x'}]}",
          -1, "revenue_split[0].note");
}

static void status_rules(void **state)
{
    struct group_tally t;

    (void)state;
    t = (struct group_tally){2, 1, 0, 0};
    assert_string_equal(group_status(&t), "forming");
    t = (struct group_tally){0, 3, 0, 0};
    assert_string_equal(group_status(&t), "formed");
    t = (struct group_tally){0, 1, 0, 0}; /* alone, so far */
    assert_string_equal(group_status(&t), "formed");
    t = (struct group_tally){0, 2, 1, 0}; /* one declined */
    assert_string_equal(group_status(&t), "incomplete");
    t = (struct group_tally){1, 2, 1, 0}; /* declined, one still invited */
    assert_string_equal(group_status(&t), "incomplete");
    t = (struct group_tally){1, 2, 1, 1}; /* a replacement invited */
    assert_string_equal(group_status(&t), "forming");
    t = (struct group_tally){0, 3, 1, 1}; /* ... who accepted */
    assert_string_equal(group_status(&t), "formed");
    t = (struct group_tally){0, 2, 2, 1}; /* ... who left again */
    assert_string_equal(group_status(&t), "incomplete");
}

static void who_may_do_what(void **state)
{
    const struct viewer anon = viewer_anonymous;
    const struct viewer client = {VIEWER_CLIENT, 0, 0, 5};
    const struct viewer ent = {VIEWER_ENTREPRENEUR, 1, 10, 6};
    const struct viewer staff1 = {VIEWER_STAFF, 1, 0, 7};
    const struct viewer staff3 = {VIEWER_STAFF, 3, 0, 8};
    const struct viewer admin = {VIEWER_ADMIN, 0, 0, 9};
    const struct viewer peer = {VIEWER_PEER, 0, 0, 11};
    long long coops[] = {1, 2};
    struct viewer_group team = {0, 0, 0, 2, coops, 2};
    struct viewer_group trade = {1, 0, 0, 1, coops, 2};
    struct viewer_group hidden = {1, 0, 0, 0, coops, 2};
    struct viewer_group mine = {0, 1, 0, 2, coops, 2};
    struct viewer_group admin_of = {0, 1, 1, 2, coops, 2};

    (void)state;
    /* A tender team: members, their cooperatives' staff, admins. */
    assert_int_equal(viewer_group_access(&anon, &team), VIEWER_GROUP_NONE);
    assert_int_equal(viewer_group_access(&client, &team), VIEWER_GROUP_NONE);
    assert_int_equal(viewer_group_access(&peer, &team), VIEWER_GROUP_NONE);
    assert_int_equal(viewer_group_access(&ent, &team), VIEWER_GROUP_NONE);
    assert_int_equal(viewer_group_access(&ent, &mine), VIEWER_GROUP_READ);
    assert_int_equal(viewer_group_access(&ent, &admin_of), VIEWER_GROUP_EDIT);
    assert_int_equal(viewer_group_access(&staff1, &team), VIEWER_GROUP_READ);
    assert_int_equal(viewer_group_access(&staff3, &team), VIEWER_GROUP_NONE);
    assert_int_equal(viewer_group_access(&admin, &team), VIEWER_GROUP_EDIT);
    /* A trade group shows its public face (the members one may see), even
     * with none visible: its catalogue and offers are public too. */
    assert_int_equal(viewer_group_access(&anon, &trade), VIEWER_GROUP_PUBLIC);
    assert_int_equal(viewer_group_access(&staff3, &trade),
                     VIEWER_GROUP_PUBLIC);
    assert_int_equal(viewer_group_access(&anon, &hidden), VIEWER_GROUP_PUBLIC);
    /* Creating. */
    assert_false(viewer_can_create_group(&anon, coops, 2));
    assert_false(viewer_can_create_group(&client, coops, 2));
    assert_false(viewer_can_create_group(&peer, coops, 2));
    assert_true(viewer_can_create_group(&ent, NULL, 0));
    assert_true(viewer_can_create_group(&staff1, coops, 2));
    assert_false(viewer_can_create_group(&staff3, coops, 2));
    assert_true(viewer_can_create_group(&admin, NULL, 0));
    /* Answering: the invitee or an admin. */
    assert_true(viewer_can_answer_invitation(&ent, 10));
    assert_false(viewer_can_answer_invitation(&ent, 11));
    assert_false(viewer_can_answer_invitation(&staff1, 10));
    assert_true(viewer_can_answer_invitation(&admin, 10));
    assert_false(viewer_can_answer_invitation(&anon, 10));
    /* Leaving: oneself, or an editor removes. */
    assert_true(viewer_can_leave_group(&ent, 10, VIEWER_GROUP_READ));
    assert_false(viewer_can_leave_group(&ent, 12, VIEWER_GROUP_READ));
    assert_true(viewer_can_leave_group(&ent, 12, VIEWER_GROUP_EDIT));
    assert_false(viewer_can_leave_group(&staff1, 10, VIEWER_GROUP_READ));
    assert_false(viewer_can_leave_group(&ent, 10, VIEWER_GROUP_PUBLIC));
}

/* ========================================================== :memory: */

static long long make_coop(struct db *db, const char *name)
{
    char text[128];

    snprintf(text, sizeof text, "{'name':'%s'}", name);
    return test_make(db, dir_coop_create, text);
}

static long long make_ent_trade(struct db *db, long long coop,
                                const char *name, const char *vis,
                                const char *code);

static long long make_ent(struct db *db, long long coop, const char *name,
                          const char *vis)
{
    return make_ent_trade(db, coop, name, vis, "A1203");
}

/* make_ent_trade: a profile at Rouen with one ROME trade. */
static long long make_ent_trade(struct db *db, long long coop,
                                const char *name, const char *vis,
                                const char *code)
{
    char text[512];

    snprintf(text, sizeof text,
             "{'cooperative_id':'%lld','display_name':'%s','trades':"
             "[{'scheme':'rome','code':'%s'}],'location':{'insee':"
             "'76540'},'visibility':'%s'}",
             coop, name, code, vis);
    return test_make(db, dir_ent_create, text);
}

/* account_for: an entrepreneur's account; its viewer. */
static struct viewer account_for(struct db *db, const char *email,
                                 long long ent, long long coop)
{
    char text[256];
    json_t *in, *errs = json_array(), *out = NULL;
    struct viewer v = {VIEWER_ENTREPRENEUR, coop, ent, 0};

    snprintf(text, sizeof text,
             "{'email':'%s','password':'a password','role':'entrepreneur',"
             "'entrepreneur_id':'%lld'}",
             email, ent);
    in = test_json(text);
    assert_int_equal(account_create(db, &viewer_system, in, errs, &out),
                     RC_OK);
    assert_true(ids_parse(json_string_value(json_object_get(out, "id")),
                          &v.account_id));
    json_decref(in);
    json_decref(errs);
    json_decref(out);
    return v;
}

/* staff_for: a staff account of coop (0: a client account); its
 * viewer. */
static struct viewer staff_for(struct db *db, const char *email,
                               long long coop)
{
    char text[256];
    json_t *in, *errs = json_array(), *out = NULL;
    struct viewer v = {coop ? VIEWER_STAFF : VIEWER_CLIENT, coop, 0, 0};

    if (coop)
        snprintf(text, sizeof text,
                 "{'email':'%s','password':'a password','role':'staff',"
                 "'cooperative_id':'%lld'}",
                 email, coop);
    else
        snprintf(text, sizeof text, "{'email':'%s','password':'a password'}",
                 email);
    in = test_json(text);
    assert_int_equal(account_create(db, &viewer_system, in, errs, &out),
                     RC_OK);
    assert_true(ids_parse(json_string_value(json_object_get(out, "id")),
                          &v.account_id));
    json_decref(in);
    json_decref(errs);
    json_decref(out);
    return v;
}

struct fix {
    struct db *db;
    long long coop_a, coop_b, coop_c;
    long long ana, bob, carla, dan, eve; /* ana, bob: A; carla, dan, eve: B */
    struct viewer va, vb, vc, vd, ve;
    struct viewer staff_a, staff_b, staff_c, client;
};

static int fix_setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);

    f->db = test_db_new();
    f->coop_a = make_coop(f->db, "Coop Alpha");
    f->coop_b = make_coop(f->db, "Coop Béta");
    f->coop_c = make_coop(f->db, "Coop Gamma");
    f->ana = make_ent(f->db, f->coop_a, "Ana Paysagiste", "public");
    f->bob = make_ent(f->db, f->coop_a, "Bob Élagueur", "cooperative");
    f->carla = make_ent(f->db, f->coop_b, "Carla Jardinière", "network");
    f->dan = make_ent(f->db, f->coop_b, "Dan Discret", "private");
    f->eve = make_ent(f->db, f->coop_b, "Ève Arboriste", "public");
    f->va = account_for(f->db, "ana@example.org", f->ana, f->coop_a);
    f->vb = account_for(f->db, "bob@example.org", f->bob, f->coop_a);
    f->vc = account_for(f->db, "carla@example.org", f->carla, f->coop_b);
    f->vd = account_for(f->db, "dan@example.org", f->dan, f->coop_b);
    f->ve = account_for(f->db, "eve@example.org", f->eve, f->coop_b);
    f->staff_a = staff_for(f->db, "staff-a@example.org", f->coop_a);
    f->staff_b = staff_for(f->db, "staff-b@example.org", f->coop_b);
    f->staff_c = staff_for(f->db, "staff-c@example.org", f->coop_c);
    f->client = staff_for(f->db, "client@example.org", 0);
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

/* create: group_create with a JSON literal in which %A, %B, %C, %D, %E
 * stand for the ids of ana, bob, carla, dan, eve. Checks the rc and,
 * when refused, the field named. */
static json_t *create(struct fix *f, const struct viewer *v,
                      const char *fmt, enum rc want, const char *bad_field)
{
    char text[2048];
    size_t n = 0;
    const char *p;
    json_t *in, *errs = json_array(), *out = NULL;
    enum rc rc;

    for (p = fmt; *p && n + 24 < sizeof text; p++) {
        long long id = 0;

        if (*p == '%' && p[1] >= 'A' && p[1] <= 'E') {
            id = p[1] == 'A'   ? f->ana
                 : p[1] == 'B' ? f->bob
                 : p[1] == 'C' ? f->carla
                 : p[1] == 'D' ? f->dan
                               : f->eve;
            n += (size_t)snprintf(text + n, sizeof text - n, "%lld", id);
            p++;
        } else {
            text[n++] = *p;
        }
    }
    text[n] = 0;
    in = test_json(text);
    rc = group_create(f->db, v, in, "http://essaim.test/", errs, &out);
    if (rc != want)
        fail_msg("%s: %s, want %s: %s", text, rc_name(rc), rc_name(want),
                 json_dumps(errs, 0));
    if (bad_field && !test_has_error(errs, bad_field))
        fail_msg("%s: no error on %s: %s", text, bad_field,
                 json_dumps(errs, 0));
    json_decref(in);
    json_decref(errs);
    return out;
}

static const char *sget(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

/* member: the row of entrepreneur ent in group document g. */
static json_t *member(json_t *g, long long ent)
{
    json_t *m;
    size_t i;
    char id[24];

    snprintf(id, sizeof id, "%lld", ent);
    json_array_foreach(json_object_get(g, "members"), i, m) {
        if (!strcmp(sget(m, "entrepreneur_id"), id)) return m;
    }
    return NULL;
}

/* invitation: the invitation id of ent in g. */
static const char *invitation(json_t *g, long long ent)
{
    json_t *m = member(g, ent);

    assert_non_null(m);
    return sget(m, "invitation_id");
}

static enum rc answer(struct fix *f, const struct viewer *v, const char *inv,
                      int accept, const char *body, json_t **got)
{
    json_t *in = test_json(body ? body : "{}"), *errs = json_array();
    json_t *out = NULL;
    enum rc rc = group_answer(f->db, v, inv, accept, in, errs, &out);

    if (got)
        *got = out;
    else
        json_decref(out);
    json_decref(in);
    json_decref(errs);
    return rc;
}

static enum rc get(struct fix *f, const struct viewer *v, const char *id,
                   json_t **got)
{
    json_t *out = NULL;
    enum rc rc = group_get(f->db, v, id, &out);

    if (got)
        *got = out;
    else
        json_decref(out);
    return rc;
}

/* count: the integer sql answers, with ?1 bound to id. */
static int count(struct fix *f, const char *sql, const char *id)
{
    sqlite3_stmt *st = NULL;
    int n = -1;

    assert_int_equal(sqlite3_prepare_v2(db_handle(f->db), sql, -1, &st,
                                        NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void every_statement_prepares(void **state)
{
    struct fix *f = *state;
    size_t i;

    for (i = 0; group_sql[i]; i++) {
        sqlite3_stmt *st = db_stmt(f->db, group_sql[i]);

        if (!st) fprintf(stderr, "cannot prepare: %s\n", group_sql[i]);
        assert_non_null(st);
    }
    assert_true(i >= 15);
}

/* Ana (A) forms a tender team with Bob (A) and Carla (B): both invited,
 * told in the inbox and by e-mail; both accept; formed. */
static void tender_team_forms(void **state)
{
    struct fix *f = *state;
    json_t *g, *got = NULL, *list = NULL, *errs = json_array();
    char id[24], inv_b[24], inv_c[24];
    char *body;

    g = create(f, &f->va,
               "{'kind':'tender_team','name':'Espaces verts de Rouen',"
               "'members':[{'entrepreneur_id':'%B'},{'entrepreneur_id':%C,"
               "'cooperative_id':'9','covers':['A1203'],'distance_km':3.5}],"
               "'liability':'solidaire'}",
               RC_OK, NULL);
    snprintf(id, sizeof id, "%s", sget(g, "id"));
    assert_string_equal(sget(g, "kind"), "tender_team");
    assert_string_equal(sget(g, "slug"), "espaces-verts-de-rouen");
    assert_string_equal(sget(g, "status"), "forming");
    assert_string_equal(sget(g, "liability"), "solidaire");
    assert_true(json_is_true(json_object_get(g, "can_edit")));
    assert_int_equal(json_array_size(json_object_get(g, "members")), 3);
    /* The maker is its accepted admin and, by default, the lead. */
    assert_string_equal(sget(member(g, f->ana), "status"), "accepted");
    assert_string_equal(sget(member(g, f->ana), "role"), "admin");
    assert_true(ids_parse(sget(g, "lead"), &(long long){0}));
    assert_int_equal(atoll(sget(g, "lead")), f->ana);
    assert_string_equal(sget(member(g, f->bob), "status"), "invited");
    assert_string_equal(sget(member(g, f->carla), "cooperative"),
                        "Coop Béta");
    assert_int_equal(atoll(sget(member(g, f->carla), "invited_by")), f->ana);
    snprintf(inv_b, sizeof inv_b, "%s", invitation(g, f->bob));
    snprintf(inv_c, sizeof inv_c, "%s", invitation(g, f->carla));
    json_decref(g);
    /* Told: an inbox line each and an e-mail to each account, linking
     * to the group's page. */
    assert_int_equal(count(f,
                           "SELECT count(*) FROM notification WHERE kind ="
                           " 'group.invitation' AND group_id = ?1",
                           id),
                     2);
    assert_int_equal(count(f,
                           "SELECT count(*) FROM outbox WHERE group_id = ?1"
                           " AND recipient IN ('bob@example.org',"
                           " 'carla@example.org')",
                           id),
                     2);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM outbox"), 2);
    {
        sqlite3_stmt *st = NULL;

        assert_int_equal(
            sqlite3_prepare_v2(db_handle(f->db),
                               "SELECT body FROM outbox LIMIT 1", -1, &st,
                               NULL),
            SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        body = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        assert_non_null(strstr(body, "http://essaim.test/group.html#id="));
        assert_non_null(strstr(body, "Ana Paysagiste vous invite"));
        free(body);
    }
    /* Carla's list shows the invitation. */
    assert_int_equal(group_mine(f->db, &f->vc, 20, NULL, errs, &list),
                     RC_OK);
    assert_int_equal(json_integer_value(json_object_get(list, "pending")), 1);
    got = json_array_get(json_object_get(list, "results"), 0);
    assert_string_equal(sget(got, "my_status"), "invited");
    assert_string_equal(sget(got, "invitation_id"), inv_c);
    assert_string_equal(
        sget(json_object_get(got, "invited_by"), "name"), "Ana Paysagiste");
    json_decref(list);

    /* Bob accepts; Carla not yet: still forming. */
    assert_int_equal(answer(f, &f->vb, inv_b, 1, NULL, &got), RC_OK);
    assert_string_equal(sget(got, "status"), "forming");
    json_decref(got);
    assert_int_equal(answer(f, &f->vb, inv_b, 1, NULL, NULL), RC_CONFLICT);
    /* Others told: Ana and Carla (still invited) heard of Bob's yes. */
    assert_int_equal(count(f,
                           "SELECT count(*) FROM notification WHERE kind ="
                           " 'group.answer' AND group_id = ?1",
                           id),
                     2);
    assert_int_equal(answer(f, &f->vc, inv_c, 1, "{}", &got), RC_OK);
    assert_string_equal(sget(got, "status"), "formed");
    json_decref(got);
    /* Each sees the other's acceptance. */
    assert_int_equal(get(f, &f->vb, id, &got), RC_OK);
    assert_string_equal(sget(member(got, f->carla), "status"), "accepted");
    assert_string_equal(sget(member(got, f->carla), "name"),
                        "Carla Jardinière");
    assert_true(*sget(member(got, f->carla), "answered_at"));
    json_decref(got);
    assert_int_equal(get(f, &f->vc, id, &got), RC_OK);
    assert_string_equal(sget(member(got, f->bob), "status"), "accepted");
    assert_false(json_is_true(json_object_get(got, "can_edit")));
    json_decref(got);
    assert_int_equal(group_mine(f->db, &f->vc, 20, NULL, errs, &list),
                     RC_OK);
    assert_int_equal(json_integer_value(json_object_get(list, "pending")), 0);
    assert_int_equal(json_integer_value(json_object_get(list, "total")), 1);
    json_decref(list);
    json_decref(errs);
}

/* A decline leaves the group incomplete until a replacement accepts;
 * leaving does too; the last admin hands the role on. */
static void decline_replace_leave(void **state)
{
    struct fix *f = *state;
    json_t *g, *got = NULL, *in, *errs;
    char id[24], inv[24];

    g = create(f, &f->va,
               "{'kind':'tender_team','name':'Taille de haies',"
               "'members':[{'entrepreneur_id':'%B'},{'entrepreneur_id':'%C'}],"
               "'lead':'%C'}",
               RC_OK, NULL);
    snprintf(id, sizeof id, "%s", sget(g, "id"));
    assert_int_equal(atoll(sget(g, "lead")), f->carla);
    assert_int_equal(answer(f, &f->vb, invitation(g, f->bob), 1, NULL, NULL),
                     RC_OK);
    /* Someone else's invitation: refused, and nothing changes. */
    assert_int_equal(answer(f, &f->vd, invitation(g, f->carla), 0, NULL,
                            NULL),
                     RC_FORBIDDEN);
    assert_int_equal(answer(f, &f->vb, invitation(g, f->carla), 1, NULL,
                            NULL),
                     RC_FORBIDDEN);
    assert_int_equal(answer(f, &viewer_anonymous, invitation(g, f->carla), 1,
                            NULL, NULL),
                     RC_UNAUTHORIZED);
    assert_int_equal(answer(f, &f->vc, "999999", 1, NULL, NULL),
                     RC_NOTFOUND);
    /* A bad body names the field, writes nothing. */
    assert_int_equal(answer(f, &f->vc, invitation(g, f->carla), 0,
                            "{'why':'x'}", NULL),
                     RC_INVALID);
    assert_int_equal(answer(f, &f->vc, invitation(g, f->carla), 1,
                            "{'reason':'x'}", NULL),
                     RC_INVALID);
    assert_int_equal(answer(f, &f->vc, invitation(g, f->carla), 0,
                            "{'reason':'Pas disponible en juin'}", &got),
                     RC_OK);
    assert_string_equal(sget(got, "status"), "incomplete");
    assert_string_equal(sget(member(got, f->carla), "status"), "declined");
    assert_string_equal(sget(member(got, f->carla), "reason"),
                        "Pas disponible en juin");
    /* The lead declined: none now. */
    assert_true(json_is_null(json_object_get(got, "lead")));
    assert_true(json_is_array(json_object_get(got, "suggestions")));
    json_decref(got);
    assert_int_equal(count(f,
                           "SELECT count(*) FROM notification WHERE kind ="
                           " 'group.answer' AND group_id = ?1 AND text LIKE"
                           " '%décliné%'",
                           id),
                     2); /* Ana and Bob */
    assert_int_equal(answer(f, &f->vc, invitation(g, f->carla), 1, NULL,
                            NULL),
                     RC_CONFLICT);
    /* Ana invites Ève in her place: forming, then formed. */
    errs = json_array();
    snprintf(inv, sizeof inv, "{'entrepreneur_id':'%lld'}", f->eve);
    in = test_json(inv);
    json_array_clear(errs);
    assert_int_equal(group_invite(f->db, &f->vb, id, in, NULL, errs, &got),
                     RC_FORBIDDEN); /* Bob is not an admin */
    json_array_clear(errs);
    assert_int_equal(group_invite(f->db, &f->va, id, in, NULL, errs, &got),
                     RC_OK);
    assert_string_equal(sget(got, "status"), "forming");
    snprintf(inv, sizeof inv, "%s", invitation(got, f->eve));
    json_decref(got);
    json_array_clear(errs);
    assert_int_equal(group_invite(f->db, &f->va, id, in, NULL, errs, &got),
                     RC_CONFLICT); /* already invited */
    json_decref(in);
    assert_int_equal(answer(f, &f->ve, inv, 1, NULL, &got), RC_OK);
    assert_string_equal(sget(got, "status"), "formed");
    json_decref(got);

    /* Bob leaves: incomplete. Leaving twice: 409. */
    json_array_clear(errs);
    assert_int_equal(group_leave(f->db, &f->vb, id, "999999", errs, &got),
                     RC_NOTFOUND);
    snprintf(inv, sizeof inv, "%lld", f->bob);
    json_array_clear(errs);
    assert_int_equal(group_leave(f->db, &f->vc, id, inv, errs, &got),
                     RC_FORBIDDEN); /* Carla (declined) removes nobody */
    json_array_clear(errs);
    assert_int_equal(group_leave(f->db, &f->vb, id, inv, errs, &got), RC_OK);
    assert_string_equal(sget(got, "status"), "incomplete");
    assert_string_equal(sget(member(got, f->bob), "status"), "left");
    assert_true(json_is_null(json_object_get(member(got, f->bob), "reason")));
    json_decref(got);
    json_array_clear(errs);
    assert_int_equal(group_leave(f->db, &f->vb, id, inv, errs, &got),
                     RC_CONFLICT);
    /* Ana, the only admin, leaves: Ève (accepted) takes the role. */
    snprintf(inv, sizeof inv, "%lld", f->ana);
    json_array_clear(errs);
    assert_int_equal(group_leave(f->db, &f->va, id, inv, errs, &got), RC_OK);
    assert_string_equal(sget(member(got, f->eve), "role"), "admin");
    json_decref(got);
    assert_int_equal(count(f,
                           "SELECT count(*) FROM notification WHERE kind ="
                           " 'group.admin' AND group_id = ?1",
                           id),
                     1);
    assert_int_equal(get(f, &f->ve, id, &got), RC_OK);
    assert_true(json_is_true(json_object_get(got, "can_edit")));
    json_decref(got);
    /* Ana may still read (a former member), not edit. */
    assert_int_equal(get(f, &f->va, id, &got), RC_OK);
    assert_false(json_is_true(json_object_get(got, "can_edit")));
    json_decref(got);
    json_decref(errs);
    json_decref(g);
}

/* An invitee does not leave (they decline); an admin withdraws an
 * invitation; a member who declined can be invited again. */
static void withdraw_and_reinvite(void **state)
{
    struct fix *f = *state;
    json_t *g, *got = NULL, *in, *errs = json_array();
    char id[24], ent[24], body[64];

    g = create(f, &f->va,
               "{'kind':'trade_group','name':'Jardiniers normands',"
               "'members':[{'entrepreneur_id':'%B'},{'entrepreneur_id':'%E'}]}",
               RC_OK, NULL);
    snprintf(id, sizeof id, "%s", sget(g, "id"));
    assert_true(json_is_null(json_object_get(g, "lead")));
    snprintf(ent, sizeof ent, "%lld", f->bob);
    json_array_clear(errs);
    assert_int_equal(group_leave(f->db, &f->vb, id, ent, errs, &got),
                     RC_CONFLICT);
    assert_true(test_has_error(errs, "entrepreneur_id"));
    json_array_clear(errs);
    assert_int_equal(group_leave(f->db, &f->va, id, ent, errs, &got), RC_OK);
    assert_string_equal(sget(member(got, f->bob), "status"), "left");
    assert_string_equal(sget(member(got, f->bob), "reason"), "withdrawn");
    json_decref(got);
    assert_int_equal(count(f,
                           "SELECT count(*) FROM notification WHERE kind ="
                           " 'group.removed' AND group_id = ?1",
                           id),
                     1);
    /* Invited again: the same invitation, open again. */
    snprintf(body, sizeof body, "{'entrepreneur_id':%lld,'role':'admin'}",
             f->bob);
    in = test_json(body);
    json_array_clear(errs);
    assert_int_equal(group_invite(f->db, &f->va, id, in, NULL, errs, &got),
                     RC_OK);
    assert_string_equal(sget(member(got, f->bob), "status"), "invited");
    assert_string_equal(sget(member(got, f->bob), "role"), "admin");
    assert_string_equal(invitation(got, f->bob), invitation(g, f->bob));
    json_decref(got);
    json_decref(in);
    /* Bad invitations name the field. */
    json_decref(errs);
    errs = json_array();
    in = test_json("{'role':'boss'}");
    json_array_clear(errs);
    assert_int_equal(group_invite(f->db, &f->va, id, in, NULL, errs, &got),
                     RC_INVALID);
    assert_true(test_has_error(errs, "entrepreneur_id"));
    assert_true(test_has_error(errs, "role"));
    json_decref(in);
    json_decref(errs);
    errs = json_array();
    snprintf(body, sizeof body, "{'entrepreneur_id':'%lld'}", f->dan);
    in = test_json(body); /* private, of another cooperative: unseen */
    json_array_clear(errs);
    assert_int_equal(group_invite(f->db, &f->va, id, in, NULL, errs, &got),
                     RC_INVALID);
    assert_true(test_has_error(errs, "entrepreneur_id"));
    json_decref(in);
    json_decref(errs);
    json_decref(g);
}

/* Bad input names the field and writes nothing. */
static void bad_groups_are_refused(void **state)
{
    struct fix *f = *state;

    create(f, &f->va, "{'kind':'team','name':'x'}", RC_INVALID, "kind");
    create(f, &f->va, "{'name':'x'}", RC_INVALID, "kind");
    create(f, &f->va, "{'kind':'trade_group'}", RC_INVALID, "name");
    create(f, &f->va, "{'kind':'trade_group','name':'  '}", RC_INVALID,
           "name");
    create(f, &f->va, "{'kind':'trade_group','name':'x','colour':'red'}",
           RC_INVALID, "colour");
    create(f, &f->va, "{'kind':'trade_group','name':'x','members':'%B'}",
           RC_INVALID, "members");
    create(f, &f->va,
           "{'kind':'trade_group','name':'x','members':[{'id':'%B'}]}",
           RC_INVALID, "members[0].id");
    create(f, &f->va,
           "{'kind':'trade_group','name':'x','members':["
           "{'entrepreneur_id':'%B'},{'entrepreneur_id':'999999'}]}",
           RC_INVALID, "members[1].entrepreneur_id");
    create(f, &f->va,
           "{'kind':'trade_group','name':'x','members':["
           "{'entrepreneur_id':'%B'},{'entrepreneur_id':'%B'}]}",
           RC_INVALID, "members[1].entrepreneur_id");
    create(f, &f->va,
           "{'kind':'trade_group','name':'x','members':["
           "{'entrepreneur_id':'%B','role':'chief'}]}",
           RC_INVALID, "members[0].role");
    /* Dan's profile is private to cooperative B: Ana cannot name him. */
    create(f, &f->va,
           "{'kind':'trade_group','name':'x','members':["
           "{'entrepreneur_id':'%D'}]}",
           RC_INVALID, "members[0].entrepreneur_id");
    create(f, &f->va,
           "{'kind':'tender_team','name':'x','members':["
           "{'entrepreneur_id':'%B'}],'lead':'%E'}",
           RC_INVALID, "lead");
    create(f, &f->va,
           "{'kind':'tender_team','name':'x','liability':'partial'}",
           RC_INVALID, "liability");
    create(f, &f->va, "{'kind':'trade_group','name':'x','lead':'%A'}",
           RC_INVALID, "lead");
    create(f, &f->va,
           "{'kind':'trade_group','name':'x','liability':'conjoint'}",
           RC_INVALID, "liability");
    create(f, &f->va, "{'kind':'tender_team','name':'x','revenue_split':"
                      "[{'entrepreneur_id':'%A','share':100}]}",
           RC_INVALID, "revenue_split");
    create(f, &f->va, "{'kind':'business_group','name':'x','revenue_split':"
                      "[{'entrepreneur_id':'%A','share':99}]}",
           RC_INVALID, "revenue_split");
    /* A split names every member, and members only. */
    create(f, &f->va, "{'kind':'business_group','name':'x','members':["
                      "{'entrepreneur_id':'%B'}],'revenue_split':"
                      "[{'entrepreneur_id':'%A','share':100}]}",
           RC_INVALID, "revenue_split");
    create(f, &f->va, "{'kind':'business_group','name':'x','revenue_split':"
                      "[{'entrepreneur_id':'%A','share':50},"
                      "{'entrepreneur_id':'%E','share':50}]}",
           RC_INVALID, "revenue_split[1].entrepreneur_id");
    create(f, &f->va, "{'kind':'trade_group','name':'x','tender_id':'1'}",
           RC_INVALID, "tender_id");
    create(f, &f->va, "{'kind':'tender_team','name':'x','tender_id':'999'}",
           RC_INVALID, "tender_id");
    create(f, &f->va, "{'kind':'tender_team','name':'x','lot':'LOT-1'}",
           RC_INVALID, "lot");
    create(f, &f->va, "{'kind':'trade_group','name':'x','slug':'Pas Bon'}",
           RC_INVALID, "slug");
    json_decref(create(f, &f->va,
                       "{'kind':'trade_group','name':'x','description':'%s'}",
                       RC_OK, NULL)); /* a literal "%s" is text like any */
    /* Who may create: not anonymous callers, clients or staff for other
     * cooperatives' people alone; staff need members. */
    create(f, &viewer_anonymous, "{'kind':'trade_group','name':'x'}",
           RC_UNAUTHORIZED, NULL);
    create(f, &f->client, "{'kind':'trade_group','name':'x'}", RC_FORBIDDEN,
           NULL);
    create(f, &f->staff_b,
           "{'kind':'trade_group','name':'x','members':["
           "{'entrepreneur_id':'%A'}]}",
           RC_FORBIDDEN, NULL);
    create(f, &f->staff_b, "{'kind':'trade_group','name':'x'}", RC_INVALID,
           "members");
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM grp"), 1);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM grp_member"), 1);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM notification"),
                     0);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM outbox"), 0);
}

/* Slugs are unique: derived ones get a number, a given one taken is a
 * conflict. */
static void slugs_are_unique(void **state)
{
    struct fix *f = *state;
    json_t *g;

    g = create(f, &f->va, "{'kind':'trade_group','name':'Les Élagueurs'}",
               RC_OK, NULL);
    assert_string_equal(sget(g, "slug"), "les-elagueurs");
    json_decref(g);
    g = create(f, &f->vb, "{'kind':'trade_group','name':'Les élagueurs !'}",
               RC_OK, NULL);
    assert_string_equal(sget(g, "slug"), "les-elagueurs-2");
    json_decref(g);
    g = create(f, &f->vb,
               "{'kind':'trade_group','name':'Autre','slug':'les-elagueurs'}",
               RC_CONFLICT, "slug");
    assert_null(g);
    g = create(f, &f->vb,
               "{'kind':'trade_group','name':'Autre','slug':'elagage-76'}",
               RC_OK, NULL);
    assert_string_equal(sget(g, "slug"), "elagage-76");
    json_decref(g);
}

/* A business group across two cooperatives: the revenue split holds
 * once exactly its members accepted; PATCH changes it. */
static void business_group_split(void **state)
{
    struct fix *f = *state;
    json_t *g, *got = NULL, *in, *errs = json_array();
    char id[24], body[512];

    g = create(f, &f->va,
               "{'kind':'business_group','name':'Mariages en Seine',"
               "'description':'Fleurs, photo et traiteur.',"
               "'members':[{'entrepreneur_id':'%B','role':'admin'},"
               "{'entrepreneur_id':'%C'}],'revenue_split':["
               "{'entrepreneur_id':'%A','share':33.34},"
               "{'entrepreneur_id':'%B','share':33.33},"
               "{'entrepreneur_id':'%C','share':33.33}]}",
               RC_OK, NULL);
    snprintf(id, sizeof id, "%s", sget(g, "id"));
    assert_int_equal(json_array_size(json_object_get(g, "revenue_split")), 3);
    assert_true(json_is_false(json_object_get(g, "revenue_split_ok")));
    assert_true(json_is_null(json_object_get(g, "lead")));
    assert_int_equal(answer(f, &f->vb, invitation(g, f->bob), 1, NULL, NULL),
                     RC_OK);
    assert_int_equal(answer(f, &f->vc, invitation(g, f->carla), 1, NULL,
                            &got),
                     RC_OK);
    assert_true(json_is_true(json_object_get(got, "revenue_split_ok")));
    /* Bob was invited as admin: he edits now. */
    json_decref(got);
    in = test_json("{'name':'Mariages en Seine et Eure','description':null}");
    json_array_clear(errs);
    assert_int_equal(group_patch(f->db, &f->vb, id, in, errs, &got), RC_OK);
    assert_string_equal(sget(got, "name"), "Mariages en Seine et Eure");
    assert_string_equal(sget(got, "slug"), "mariages-en-seine");
    assert_true(json_is_null(json_object_get(got, "description")));
    json_decref(got);
    json_decref(in);
    /* Carla is a member, not an admin; staff read but do not edit. */
    in = test_json("{'name':'Autre'}");
    json_array_clear(errs);
    assert_int_equal(group_patch(f->db, &f->vc, id, in, errs, &got),
                     RC_FORBIDDEN);
    json_array_clear(errs);
    assert_int_equal(group_patch(f->db, &f->staff_a, id, in, errs, &got),
                     RC_FORBIDDEN);
    json_array_clear(errs);
    assert_int_equal(group_patch(f->db, &viewer_anonymous, id, in, errs,
                                 &got),
                     RC_UNAUTHORIZED);
    json_array_clear(errs);
    assert_int_equal(group_patch(f->db, &f->va, "424242", in, errs, &got),
                     RC_NOTFOUND);
    json_decref(in);
    /* Carla leaves: the split no longer holds until it is changed. */
    snprintf(body, sizeof body, "%lld", f->carla);
    json_array_clear(errs);
    assert_int_equal(group_leave(f->db, &f->vc, id, body, errs, &got), RC_OK);
    json_decref(got);
    assert_int_equal(get(f, &f->va, id, &got), RC_OK);
    assert_true(json_is_false(json_object_get(got, "revenue_split_ok")));
    json_decref(got);
    /* A rename still works (the stale split is not in the patch). */
    in = test_json("{'slug':'mariages-76'}");
    json_array_clear(errs);
    assert_int_equal(group_patch(f->db, &f->va, id, in, errs, &got), RC_OK);
    assert_string_equal(sget(got, "slug"), "mariages-76");
    json_decref(got);
    json_decref(in);
    /* A split naming Carla is refused; one over Ana and Bob holds. */
    snprintf(body, sizeof body,
             "{'revenue_split':[{'entrepreneur_id':'%lld','share':50},"
             "{'entrepreneur_id':'%lld','share':50}]}",
             f->ana, f->carla);
    in = test_json(body);
    json_decref(errs);
    errs = json_array();
    json_array_clear(errs);
    assert_int_equal(group_patch(f->db, &f->va, id, in, errs, &got),
                     RC_INVALID);
    assert_true(test_has_error(errs, "revenue_split[1].entrepreneur_id"));
    json_decref(in);
    snprintf(body, sizeof body,
             "{'revenue_split':[{'entrepreneur_id':'%lld','share':60.5},"
             "{'entrepreneur_id':'%lld','share':39.5}]}",
             f->ana, f->bob);
    in = test_json(body);
    json_array_clear(errs);
    assert_int_equal(group_patch(f->db, &f->va, id, in, errs, &got), RC_OK);
    assert_true(json_is_true(json_object_get(got, "revenue_split_ok")));
    json_decref(got);
    json_decref(in);
    /* Kind rules hold on a patch; unknown fields are refused. */
    json_decref(errs);
    errs = json_array();
    in = test_json("{'liability':'solidaire','kind':'trade_group'}");
    json_array_clear(errs);
    assert_int_equal(group_patch(f->db, &f->va, id, in, errs, &got),
                     RC_INVALID);
    assert_true(test_has_error(errs, "liability"));
    assert_true(test_has_error(errs, "kind"));
    json_decref(in);
    json_decref(errs);
    json_decref(g);
}

/* Who reads: members, their cooperatives' staff, admins; a trade group
 * shows its public face; a tender team nothing. */
static void who_reads(void **state)
{
    struct fix *f = *state;
    json_t *g, *t, *got = NULL;
    char gid[24], tid[24];

    t = create(f, &f->va,
               "{'kind':'tender_team','name':'Équipe','members':["
               "{'entrepreneur_id':'%C'}]}",
               RC_OK, NULL);
    snprintf(tid, sizeof tid, "%s", sget(t, "id"));
    assert_int_equal(get(f, &f->vc, tid, NULL), RC_OK);       /* invited */
    assert_int_equal(get(f, &f->staff_a, tid, NULL), RC_OK);  /* Ana's */
    assert_int_equal(get(f, &f->staff_b, tid, NULL), RC_OK);  /* Carla's */
    assert_int_equal(get(f, &f->staff_c, tid, NULL), RC_FORBIDDEN);
    assert_int_equal(get(f, &f->ve, tid, NULL), RC_FORBIDDEN);
    assert_int_equal(get(f, &f->client, tid, NULL), RC_FORBIDDEN);
    assert_int_equal(get(f, &viewer_anonymous, tid, NULL), RC_UNAUTHORIZED);
    assert_int_equal(get(f, &viewer_system, tid, NULL), RC_OK);
    assert_int_equal(get(f, &viewer_system, "77777", NULL), RC_NOTFOUND);
    assert_int_equal(get(f, &viewer_system, "x", NULL), RC_NOTFOUND);
    json_decref(t);

    /* A trade group of Ana (public) and Bob (cooperative), Dan invited
     * by staff of B. */
    g = create(f, &f->va,
               "{'kind':'trade_group','name':'Paysagistes','members':["
               "{'entrepreneur_id':'%B'}]}",
               RC_OK, NULL);
    snprintf(gid, sizeof gid, "%s", sget(g, "id"));
    assert_int_equal(answer(f, &f->vb, invitation(g, f->bob), 1, NULL, NULL),
                     RC_OK);
    assert_int_equal(get(f, &viewer_anonymous, gid, &got), RC_OK);
    assert_null(json_object_get(got, "status"));
    assert_null(json_object_get(got, "revenue_split"));
    assert_int_equal(json_array_size(json_object_get(got, "members")), 1);
    assert_string_equal(sget(json_array_get(json_object_get(got, "members"),
                                            0),
                             "name"),
                        "Ana Paysagiste");
    json_decref(got);
    /* Staff of C: the public face too; Ève (B) as well. */
    assert_int_equal(get(f, &f->staff_c, gid, &got), RC_OK);
    assert_int_equal(json_array_size(json_object_get(got, "members")), 1);
    json_decref(got);
    json_decref(g);
}

/* Staff make a group for their members: the first invitee is its admin
 * once they accept; the staff read it and cannot edit it. */
static void staff_make_a_group(void **state)
{
    struct fix *f = *state;
    json_t *g, *got = NULL, *in, *errs = json_array();
    char id[24];

    g = create(f, &f->staff_a,
               "{'kind':'tender_team','name':'Proposé par la coop',"
               "'members':[{'entrepreneur_id':'%B'},"
               "{'entrepreneur_id':'%C'}],'lead':'%B'}",
               RC_OK, NULL);
    snprintf(id, sizeof id, "%s", sget(g, "id"));
    assert_string_equal(sget(member(g, f->bob), "role"), "admin");
    assert_string_equal(sget(member(g, f->carla), "role"), "member");
    assert_string_equal(sget(g, "status"), "forming");
    assert_true(json_is_null(json_object_get(member(g, f->bob),
                                             "invited_by")));
    /* Named before they accepted: Carla's profile (network) is visible
     * to staff of A; the page shows names to the staff who invited. */
    assert_string_equal(sget(member(g, f->carla), "name"),
                        "Carla Jardinière");
    in = test_json("{'name':'Renommé'}");
    json_array_clear(errs);
    assert_int_equal(group_patch(f->db, &f->staff_a, id, in, errs, &got),
                     RC_FORBIDDEN);
    json_array_clear(errs);
    assert_int_equal(group_patch(f->db, &f->vb, id, in, errs, &got),
                     RC_FORBIDDEN); /* not accepted yet */
    assert_int_equal(answer(f, &f->vb, invitation(g, f->bob), 1, NULL, NULL),
                     RC_OK);
    json_array_clear(errs);
    assert_int_equal(group_patch(f->db, &f->vb, id, in, errs, &got), RC_OK);
    json_decref(got);
    json_decref(in);
    /* An administrator of the instance answers for anyone: Carla
     * declines; Bob stays the admin. */
    assert_int_equal(answer(f, &viewer_system, invitation(g, f->carla), 0,
                            NULL, &got),
                     RC_OK);
    assert_string_equal(sget(got, "status"), "incomplete");
    json_decref(got);
    json_decref(errs);
    json_decref(g);
}

/* insert_tender: a tender row with lots LOT-1 and LOT-2; its id, or 0 when
 * the database has no tender table of the expected form. */
static long long insert_tender(struct db *db)
{
    sqlite3_stmt *st = NULL;
    long long id = 0;

    if (sqlite3_prepare_v2(db_handle(db),
                           "INSERT INTO tender(ocid, source, status, title,"
                           " cpv, doc) VALUES('ocds-test-1', 'api',"
                           " 'active', 'Espaces verts', '77310000',"
                           " '{\"lots\":[{\"id\":\"LOT-1\"},"
                           "{\"id\":\"LOT-2\"}]}')",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_DONE)
        id = sqlite3_last_insert_rowid(db_handle(db));
    sqlite3_finalize(st);
    return id;
}

/* A tender team answers a tender that exists, for one of its lots; a
 * decline asks tender_replacements for suggestions. */
static void tender_and_lot(void **state)
{
    struct fix *f = *state;
    long long tender = insert_tender(f->db);
    char text[512];
    json_t *g, *got = NULL;
    char id[24];

    if (!tender) {
        print_message("no tender table of the expected form: skipped\n");
        return;
    }
    snprintf(text, sizeof text,
             "{'kind':'tender_team','name':'Lot 1','tender_id':'%lld',"
             "'lot':'LOT-9','members':[{'entrepreneur_id':'%%B'}]}",
             tender);
    create(f, &f->va, text, RC_INVALID, "lot");
    snprintf(text, sizeof text,
             "{'kind':'tender_team','name':'Lot 1','tender_id':%lld,"
             "'lot':'LOT-2','members':[{'entrepreneur_id':'%%B'},"
             "{'entrepreneur_id':'%%C'}]}",
             tender);
    g = create(f, &f->va, text, RC_OK, NULL);
    snprintf(id, sizeof id, "%s", sget(g, "id"));
    assert_int_equal(atoll(sget(g, "tender_id")), tender);
    assert_string_equal(sget(g, "lot"), "LOT-2");
    assert_int_equal(answer(f, &f->vb, invitation(g, f->bob), 0, NULL, &got),
                     RC_OK);
    /* Carla has not answered yet, but a place is empty already. */
    assert_string_equal(sget(got, "status"), "incomplete");
    assert_true(json_is_array(json_object_get(got, "suggestions")));
    json_decref(got);
    assert_int_equal(answer(f, &f->vc, invitation(g, f->carla), 1, NULL,
                            &got),
                     RC_OK);
    assert_string_equal(sget(got, "status"), "incomplete");
    assert_true(json_is_array(json_object_get(got, "suggestions")));
    json_decref(got);
    json_decref(g);
}

/* With a real tender (tender_create): green spaces and floral displays
 * at Rouen. Ana (green spaces) and Fleur (florist) form the team; Fleur
 * declines: the team search suggests the other florist, never Fleur. */
static void suggestions_after_decline(void **state)
{
    struct fix *f = *state;
    long long fleur = make_ent_trade(f->db, f->coop_b, "Fleur Fleuriste",
                                     "network", "D1209");
    long long flora = make_ent_trade(f->db, f->coop_b, "Flora Décor",
                                     "public", "D1209");
    struct viewer vf = account_for(f->db, "fleur@example.org", fleur,
                                   f->coop_b);
    json_t *in, *errs = json_array(), *out = NULL, *g, *got = NULL, *s;
    char text[512], tender[24], id[24], want[24];
    int created = 0;
    size_t i, found = 0;

    in = test_json("{'ocid':'ocds-group-test-1','title':'Espaces verts et"
                   " fleurissement','place':{'insee':'76540'},'lots':[{'id':"
                   "'LOT-1','title':'Entretien et fleurissement','cpv':"
                   "['77310000','77330000']}],'deadline':'2099-06-30'}");
    if (tender_create(f->db, &viewer_system, in, errs, &created, &out) !=
        RC_OK)
        fail_msg("tender: %s", json_dumps(errs, 0));
    snprintf(tender, sizeof tender, "%s", sget(out, "id"));
    json_decref(out);
    json_decref(in);
    snprintf(text, sizeof text,
             "{'kind':'tender_team','name':'Rouen en fleurs','tender_id':"
             "'%s','lot':'LOT-1','members':[{'entrepreneur_id':'%lld'}]}",
             tender, fleur);
    g = create(f, &f->va, text, RC_OK, NULL);
    snprintf(id, sizeof id, "%s", sget(g, "id"));
    assert_int_equal(json_array_size(json_object_get(g, "suggestions")), 0);
    assert_int_equal(answer(f, &vf, invitation(g, fleur), 0,
                            "{'reason':'Pas le temps'}", NULL),
                     RC_OK);
    assert_int_equal(get(f, &f->va, id, &got), RC_OK);
    assert_string_equal(sget(got, "status"), "incomplete");
    snprintf(want, sizeof want, "%lld", flora);
    json_array_foreach(json_object_get(got, "suggestions"), i, s) {
        char no[24];

        snprintf(no, sizeof no, "%lld", fleur);
        assert_string_not_equal(sget(s, "entrepreneur_id"), no);
        if (!strcmp(sget(s, "entrepreneur_id"), want)) {
            found++;
            assert_string_equal(sget(s, "name"), "Flora Décor");
        }
    }
    assert_int_equal(found, 1);
    json_decref(got);
    /* Ana invites Flora from the suggestions. */
    snprintf(text, sizeof text, "{'entrepreneur_id':'%lld'}", flora);
    in = test_json(text);
    assert_int_equal(group_invite(f->db, &f->va, id, in, NULL, errs, &got),
                     RC_OK);
    assert_string_equal(sget(got, "status"), "forming");
    assert_int_equal(json_array_size(json_object_get(got, "suggestions")), 0);
    json_decref(got);
    json_decref(in);
    json_decref(errs);
    json_decref(g);
}

/* Erasing a profile takes its memberships (and leaves the group
 * readable). */
static void erasure_takes_memberships(void **state)
{
    struct fix *f = *state;
    json_t *g, *got = NULL;
    char id[24], ent[24];

    g = create(f, &f->va,
               "{'kind':'trade_group','name':'Éphémère','members':["
               "{'entrepreneur_id':'%E'}]}",
               RC_OK, NULL);
    snprintf(id, sizeof id, "%s", sget(g, "id"));
    snprintf(ent, sizeof ent, "%lld", f->eve);
    assert_int_equal(dir_ent_delete(f->db, &viewer_system, ent), RC_OK);
    assert_int_equal(get(f, &f->va, id, &got), RC_OK);
    assert_int_equal(json_array_size(json_object_get(got, "members")), 1);
    json_decref(got);
    assert_int_equal(count(f,
                           "SELECT count(*) FROM notification WHERE"
                           " group_id = ?1",
                           id),
                     0); /* Ève's invitation went with her */
    json_decref(g);
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

enum actor { ANON, CLIENT, ANA, BOB, DAN, STAFF_A, STAFF_C, ADMIN, NACTORS };
static const char *const actor_names[] = {
    "anonymous", "client", "Ana (group admin)", "Bob (invited)",
    "Dan (not a member, of B: does not see Bob)", "staff of A",
    "staff of C", "admin"};

struct world {
    char coop_a[16], coop_b[16], coop_c[16];
    char ana[16], bob[16], carla[16], dan[16], eve[16];
    char token[NACTORS][64];
    char carla_token[64];
};

static struct world w;

static void ent(const char *coop, const char *name, const char *vis,
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

/* signed_in: an account made by the admin with a password, signed in. */
static void signed_in(const char *fields, const char *email, char *token,
                      size_t size)
{
    char body[512];

    snprintf(body, sizeof body,
             "{\"email\":\"%s\",\"password\":\"secret-pass\"%s}", email,
             fields);
    post_id(server.admin, "/api/v1/accounts", body, 201, NULL, 0);
    test_login(&server, email, "secret-pass", token, size);
}

static void ent_account(const char *ent_id, const char *email, char *token,
                        size_t size)
{
    char fields[128];

    snprintf(fields, sizeof fields,
             ",\"role\":\"entrepreneur\",\"entrepreneur_id\":\"%s\"", ent_id);
    signed_in(fields, email, token, size);
}

static void build_world(void)
{
    char fields[128];

    if (*w.coop_a) return;
    post_id(server.admin, "/api/v1/cooperatives", "{\"name\":\"Coop A\"}",
            201, w.coop_a, sizeof w.coop_a);
    post_id(server.admin, "/api/v1/cooperatives", "{\"name\":\"Coop B\"}",
            201, w.coop_b, sizeof w.coop_b);
    post_id(server.admin, "/api/v1/cooperatives", "{\"name\":\"Coop C\"}",
            201, w.coop_c, sizeof w.coop_c);
    ent(w.coop_a, "Ana", "cooperative", w.ana, sizeof w.ana);
    ent(w.coop_a, "Bob", "cooperative", w.bob, sizeof w.bob);
    ent(w.coop_b, "Carla", "network", w.carla, sizeof w.carla);
    ent(w.coop_b, "Dan", "cooperative", w.dan, sizeof w.dan);
    ent(w.coop_b, "Eve", "public", w.eve, sizeof w.eve);
    ent_account(w.ana, "ana@example.org", w.token[ANA], sizeof w.token[ANA]);
    ent_account(w.bob, "bob@example.org", w.token[BOB], sizeof w.token[BOB]);
    ent_account(w.carla, "carla@example.org", w.carla_token,
                sizeof w.carla_token);
    ent_account(w.dan, "dan@example.org", w.token[DAN], sizeof w.token[DAN]);
    signed_in("", "client@example.org", w.token[CLIENT],
              sizeof w.token[CLIENT]);
    snprintf(fields, sizeof fields,
             ",\"role\":\"staff\",\"cooperative_id\":\"%s\"", w.coop_a);
    signed_in(fields, "staff-a@example.org", w.token[STAFF_A],
              sizeof w.token[STAFF_A]);
    snprintf(fields, sizeof fields,
             ",\"role\":\"staff\",\"cooperative_id\":\"%s\"", w.coop_c);
    signed_in(fields, "staff-c@example.org", w.token[STAFF_C],
              sizeof w.token[STAFF_C]);
    snprintf(w.token[ADMIN], sizeof w.token[ADMIN], "%s", server.admin);
}

/* team: Ana makes a tender team with Bob and Carla; its id, and the
 * invitation ids of Bob and Carla. */
static void team(char *id, char *inv_bob, char *inv_carla)
{
    char body[512];
    json_t *out = NULL;

    snprintf(body, sizeof body,
             "{\"kind\":\"tender_team\",\"name\":\"Espaces verts\","
             "\"members\":[{\"entrepreneur_id\":\"%s\"},"
             "{\"entrepreneur_id\":\"%s\"}],\"liability\":\"conjoint\"}",
             w.bob, w.carla);
    assert_int_equal(test_call(&server, w.token[ANA], "POST", "/api/v1/groups", body, &out),
                     201);
    snprintf(id, 16, "%s", sget(out, "id"));
    if (inv_bob) {
        json_t *m;
        size_t i;

        json_array_foreach(json_object_get(out, "members"), i, m) {
            if (!strcmp(sget(m, "entrepreneur_id"), w.bob))
                snprintf(inv_bob, 16, "%s", sget(m, "invitation_id"));
            if (!strcmp(sget(m, "entrepreneur_id"), w.carla))
                snprintf(inv_carla, 16, "%s", sget(m, "invitation_id"));
        }
    }
    json_decref(out);
}

static json_t *e2e_member(json_t *g, const char *ent_id)
{
    json_t *m;
    size_t i;

    json_array_foreach(json_object_get(g, "members"), i, m) {
        if (!strcmp(sget(m, "entrepreneur_id"), ent_id)) return m;
    }
    return NULL;
}

static int names(json_t *body, const char *field)
{
    return test_has_error(json_object_get(body, "errors"), field);
}

/* Three entrepreneurs of two cooperatives form a tender team and see
 * each other's acceptance. */
static void three_form_a_team(void **state)
{
    char id[16], inv_b[16], inv_c[16], path[96];
    json_t *out = NULL;

    (void)state;
    build_world();
    team(id, inv_b, inv_c);
    /* Bob's list holds the invitation. */
    assert_int_equal(test_call(&server, w.token[BOB], "GET", "/api/v1/me/groups", NULL,
                          &out),
                     200);
    assert_int_equal(json_integer_value(json_object_get(out, "pending")), 1);
    assert_string_equal(
        sget(json_array_get(json_object_get(out, "results"), 0),
             "invitation_id"),
        inv_b);
    json_decref(out);
    /* The inbox says so too. */
    assert_int_equal(test_call(&server, w.token[BOB], "GET", "/api/v1/me/notifications",
                          NULL, &out),
                     200);
    assert_string_equal(
        sget(json_array_get(json_object_get(out, "results"), 0), "kind"),
        "group.invitation");
    json_decref(out);
    /* Both accept, without a body or with {}. */
    snprintf(path, sizeof path, "/api/v1/invitations/%s/accept", inv_b);
    assert_int_equal(test_call(&server, w.token[BOB], "POST", path, NULL, &out), 200);
    assert_string_equal(sget(out, "status"), "forming");
    json_decref(out);
    assert_int_equal(test_call(&server, w.token[BOB], "POST", path, NULL, NULL), 409);
    snprintf(path, sizeof path, "/api/v1/invitations/%s/accept", inv_c);
    assert_int_equal(test_call(&server, w.carla_token, "POST", path, "{}", &out), 200);
    assert_string_equal(sget(out, "status"), "formed");
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/groups/%s", id);
    assert_int_equal(test_call(&server, w.token[BOB], "GET", path, NULL, &out), 200);
    assert_string_equal(sget(e2e_member(out, w.carla), "status"), "accepted");
    assert_string_equal(sget(e2e_member(out, w.carla), "cooperative"),
                        "Coop B");
    assert_string_equal(sget(out, "status"), "formed");
    json_decref(out);
    assert_int_equal(test_call(&server, w.carla_token, "GET", path, NULL, &out), 200);
    assert_string_equal(sget(e2e_member(out, w.bob), "status"), "accepted");
    assert_string_equal(sget(e2e_member(out, w.bob), "name"), "Bob");
    assert_string_equal(sget(out, "lead"), w.ana);
    json_decref(out);
    /* Carla's export holds her membership; her inbox links the group. */
    assert_int_equal(test_call(&server, w.carla_token, "GET", "/api/v1/me/export", NULL,
                          &out),
                     200);
    assert_string_equal(
        sget(json_array_get(json_object_get(out, "groups"), 0), "group_id"),
        id);
    assert_string_equal(
        sget(json_array_get(json_object_get(out, "groups"), 0), "status"),
        "accepted");
    json_decref(out);
    assert_int_equal(test_call(&server, w.carla_token, "GET", "/api/v1/me/notifications",
                          NULL, &out),
                     200);
    assert_string_equal(
        sget(json_array_get(json_object_get(out, "results"), 0), "group_id"),
        id);
    json_decref(out);
    /* Outsiders. */
    assert_int_equal(test_call(&server, w.token[DAN], "GET", path, NULL, NULL), 403);
    assert_int_equal(test_call(&server, NULL, "GET", path, NULL, NULL), 401);
    assert_int_equal(test_call(&server, w.token[STAFF_C], "GET", path, NULL, NULL), 403);
    assert_int_equal(test_call(&server, w.token[STAFF_A], "GET", path, NULL, NULL), 200);
    assert_int_equal(test_call(&server, w.token[ADMIN], "GET", "/api/v1/groups/99999",
                          NULL, NULL),
                     404);
}

/* A decline shows the group incomplete, with suggestions; bad input is
 * a 4xx naming the field. */
static void decline_and_bad_input(void **state)
{
    char id[16], inv_b[16], inv_c[16], path[96], body[512];
    json_t *out = NULL;

    (void)state;
    build_world();
    team(id, inv_b, inv_c);
    snprintf(path, sizeof path, "/api/v1/invitations/%s/decline", inv_c);
    assert_int_equal(test_call(&server, w.token[DAN], "POST", path, "{}", NULL), 403);
    assert_int_equal(test_call(&server, w.carla_token, "POST", path, "{\"reasons\":\"x\"}",
                          &out),
                     400);
    assert_true(names(out, "reasons"));
    json_decref(out);
    assert_int_equal(test_call(&server, w.carla_token, "POST", path,
                          "{\"reason\":\"Déjà engagée ce mois-là\"}", &out),
                     200);
    assert_string_equal(sget(out, "status"), "incomplete");
    assert_true(json_is_array(json_object_get(out, "suggestions")));
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/groups/%s", id);
    assert_int_equal(test_call(&server, w.token[BOB], "GET", path, NULL, &out), 200);
    assert_string_equal(sget(out, "status"), "incomplete");
    assert_string_equal(sget(e2e_member(out, w.carla), "status"), "declined");
    json_decref(out);

    /* 4xx naming fields. */
    assert_int_equal(test_call(&server, w.token[ANA], "POST", "/api/v1/groups",
                          "{\"kind\":\"club\",\"name\":\"x\"}", &out),
                     400);
    assert_true(names(out, "kind"));
    json_decref(out);
    assert_int_equal(test_call(&server, w.token[ANA], "POST", "/api/v1/groups",
                          "{\"kind\":\"business_group\",\"name\":\"x\","
                          "\"revenue_split\":{\"1\":100}}",
                          &out),
                     400);
    assert_true(names(out, "revenue_split"));
    json_decref(out);
    assert_int_equal(test_call(&server, w.token[ANA], "POST", "/api/v1/groups",
                          "{\"kind\":\"trade_group\",\"name\":\"x\","
                          "\"members\":[{\"entrepreneur_id\":\"987654\"}]}",
                          &out),
                     400);
    assert_true(names(out, "members[0].entrepreneur_id"));
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/groups/%s/invitations", id);
    assert_int_equal(test_call(&server, w.token[ANA], "POST", path, "{}", &out), 400);
    assert_true(names(out, "entrepreneur_id"));
    json_decref(out);
    snprintf(body, sizeof body, "{\"entrepreneur_id\":\"%s\"}", w.bob);
    assert_int_equal(test_call(&server, w.token[ANA], "POST", path, body, &out), 409);
    assert_true(names(out, "entrepreneur_id"));
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/groups/%s", id);
    assert_int_equal(test_call(&server, w.token[ANA], "PATCH", path,
                          "{\"liability\":\"both\"}", &out),
                     400);
    assert_true(names(out, "liability"));
    json_decref(out);
    assert_int_equal(test_call(&server, w.token[ANA], "PATCH", path,
                          "{\"name\":\"Espaces verts 76\"}", &out),
                     200);
    assert_string_equal(sget(out, "name"), "Espaces verts 76");
    json_decref(out);
    /* Invite Eve in Carla's place. */
    snprintf(path, sizeof path, "/api/v1/groups/%s/invitations", id);
    snprintf(body, sizeof body, "{\"entrepreneur_id\":\"%s\"}", w.eve);
    assert_int_equal(test_call(&server, w.token[ANA], "POST", path, body, &out), 201);
    assert_string_equal(sget(out, "status"), "forming");
    json_decref(out);
    /* Ana removes Bob's invitation; Bob may read the group still. */
    snprintf(path, sizeof path, "/api/v1/groups/%s/members/%s", id, w.bob);
    assert_int_equal(test_call(&server, w.token[BOB], "DELETE", path, NULL, &out), 409);
    json_decref(out);
    assert_int_equal(test_call(&server, w.token[ANA], "DELETE", path, NULL, &out), 200);
    assert_string_equal(sget(e2e_member(out, w.bob), "status"), "left");
    json_decref(out);
    assert_int_equal(test_call(&server, w.token[ANA], "DELETE", path, NULL, NULL), 409);
    snprintf(path, sizeof path, "/api/v1/groups/%s/members/12345", id);
    assert_int_equal(test_call(&server, w.token[ANA], "DELETE", path, NULL, NULL), 404);
}

/* The authorization matrix of the group routes: a fresh team (Ana its
 * admin, Bob and Carla invited) for each cell. */
struct cell {
    const char *method;
    const char *path; /* %G the group, %I Bob's invitation, %B Bob */
    const char *body; /* %E Eve */
    long want[NACTORS];
};

static const struct cell matrix[] = {
    /* want: anonymous, client, ana, bob, dan, staff A, staff C, admin */
    {"GET", "/api/v1/groups/%G", NULL,
     {401, 403, 200, 200, 403, 200, 403, 200}},
    {"PATCH", "/api/v1/groups/%G", "{\"name\":\"Renommé\"}",
     {401, 403, 200, 403, 403, 403, 403, 200}},
    {"POST", "/api/v1/groups/%G/invitations", "{\"entrepreneur_id\":\"%E\"}",
     {401, 403, 201, 403, 403, 403, 403, 201}},
    {"POST", "/api/v1/invitations/%I/accept", NULL,
     {401, 403, 403, 200, 403, 403, 403, 200}},
    {"POST", "/api/v1/invitations/%I/decline", "{}",
     {401, 403, 403, 200, 403, 403, 403, 200}},
    {"DELETE", "/api/v1/groups/%G/members/%B", NULL,
     {401, 403, 200, 409, 403, 403, 403, 200}},
    {"GET", "/api/v1/me/groups", NULL,
     {401, 200, 200, 200, 200, 200, 200, 200}},
    {"POST", "/api/v1/groups", "{\"kind\":\"tender_team\",\"name\":\"M\","
                               "\"members\":[{\"entrepreneur_id\":\"%B\"}]}",
     {401, 403, 201, 201, 400, 201, 403, 201}},
};

static void expand(const char *in, const char *g, const char *inv, char *out,
                   size_t size)
{
    size_t n = 0;

    for (; *in && n + 20 < size; in++) {
        const char *with = NULL;

        if (*in == '%' && in[1] == 'G') with = g;
        if (*in == '%' && in[1] == 'I') with = inv;
        if (*in == '%' && in[1] == 'B') with = w.bob;
        if (*in == '%' && in[1] == 'E') with = w.eve;
        if (with) {
            n += (size_t)snprintf(out + n, size - n, "%s", with);
            in++;
        } else {
            out[n++] = *in;
        }
    }
    out[n] = 0;
}

static void authorization_matrix(void **state)
{
    size_t i;
    int a;

    (void)state;
    build_world();
    for (i = 0; i < sizeof matrix / sizeof matrix[0]; i++)
        for (a = 0; a < NACTORS; a++) {
            const struct cell *m = &matrix[i];
            char id[16], inv_b[16], inv_c[16], path[128], body[256];
            json_t *out = NULL;
            long st;

            team(id, inv_b, inv_c);
            expand(m->path, id, inv_b, path, sizeof path);
            if (m->body) expand(m->body, id, inv_b, body, sizeof body);
            st = test_call(&server, a == ANON ? NULL : w.token[a], m->method, path,
                      m->body ? body : NULL, &out);
            if (st != m->want[a])
                fail_msg("%s %s as %s: %ld, want %ld: %s", m->method,
                         m->path, actor_names[a], st, m->want[a],
                         out ? json_dumps(out, 0) : "");
            if (st >= 400 &&
                (!out || json_integer_value(json_object_get(out, "status")) !=
                             st))
                fail_msg("%s %s as %s: not a problem document", m->method,
                         m->path, actor_names[a]);
            json_decref(out);
        }
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(kinds_and_slugs),
        cmocka_unit_test(revenue_split_rules),
        cmocka_unit_test(status_rules),
        cmocka_unit_test(who_may_do_what),
    };
#define MEM(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)
    const struct CMUnitTest mem[] = {
        MEM(every_statement_prepares), MEM(tender_team_forms),
        MEM(decline_replace_leave),    MEM(withdraw_and_reinvite),
        MEM(bad_groups_are_refused),   MEM(slugs_are_unique),
        MEM(business_group_split),     MEM(who_reads),
        MEM(staff_make_a_group),       MEM(tender_and_lot),
        MEM(suggestions_after_decline), MEM(erasure_takes_memberships),
    };
#undef MEM
    const struct CMUnitTest e2e[] = {
        cmocka_unit_test(three_form_a_team),
        cmocka_unit_test(decline_and_bad_input),
        cmocka_unit_test(authorization_matrix),
    };
    int failed = 0;

    failed += cmocka_run_group_tests_name("group (pure)", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("group (:memory:)", mem, NULL,
                                          NULL);
    failed += cmocka_run_group_tests_name("group (end to end)", e2e,
                                          srv_setup, srv_teardown);
    return failed;
}
