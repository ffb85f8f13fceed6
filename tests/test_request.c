/*
 * test_request.c: client requests: who is matched and who is not, the
 * fair spread, the answers' state machine, the outcome, the outbox under
 * SMTP failure and restart (a local SMTP sink), and the anonymous
 * request confirmed by e-mail, end to end.
 */
#include "testutil.h"

#include <time.h>

#include "../directory/dir_coop.h"
#include "../directory/dir_ent.h"
#include "../account/account.h"
#include "../matching/request.h"
#include "../notify/outbox.h"
#include "../util/ids.h"
#include "../util/viewer.h"
#include "smtp_sink.h"

/* A date n days from now, YYYY-MM-DD. */
static void day_from_now(int n, char *buf, size_t size)
{
    time_t t = time(NULL) + (time_t)n * 86400;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%d", &tm);
}

static long long make_coop(struct db *db)
{
    return test_make(db, dir_coop_create, "{'name':'Coop'}");
}

/* make_ent: a provider; extra is more JSON fields (",'x':..."). */
static long long make_ent(struct db *db, long long coop, const char *name,
                          const char *code, const char *insee,
                          const char *vis, const char *extra)
{
    char text[1024];

    snprintf(text, sizeof text,
             "{'cooperative_id':'%lld','display_name':'%s','trades':"
             "[{'scheme':'rome','code':'%s'}],'location':{'insee':'%s'},"
             "'visibility':'%s'%s}",
             coop, name, code, insee, vis, extra ? extra : "");
    return test_make(db, dir_ent_create, text);
}

/* account_for: an account of role for entrepreneur ent (0: a client);
 * its viewer. */
static struct viewer account_for(struct db *db, const char *email,
                                 long long ent, long long coop)
{
    char text[256];
    json_t *in, *errs = json_array(), *out = NULL;
    struct viewer v = {ent ? VIEWER_ENTREPRENEUR : VIEWER_CLIENT, coop, ent,
                       0};

    if (ent)
        snprintf(text, sizeof text,
                 "{'email':'%s','password':'a password','role':"
                 "'entrepreneur','entrepreneur_id':'%lld'}",
                 email, ent);
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
    long long coop;
    long long rez, unavailable, lyon, private_, tiler, translator, coopvis,
        zoned;
    struct viewer client, plumber;
};

static int fix_setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);

    f->db = test_db_new();
    request_init(10, "http://essaim.test");
    f->coop = make_coop(f->db);
    f->rez = make_ent(f->db, f->coop, "Rémi Rezé", "F1603", "44143",
                      "public", NULL);
    f->unavailable = make_ent(f->db, f->coop, "Ulysse Absent", "F1603",
                              "44109", "public",
                              ",'availability':{'from':'2020-01-01',"
                              "'until':'2020-12-31'}");
    f->lyon = make_ent(f->db, f->coop, "Léa Lyon", "F1603", "69123",
                       "public", NULL);
    f->private_ = make_ent(f->db, f->coop, "Paul Privé", "F1603", "44109",
                           "private", NULL);
    f->tiler = make_ent(f->db, f->coop, "Tom Carreleur", "F1608", "44215",
                        "network", NULL);
    f->translator = make_ent(f->db, f->coop, "Tina Traductrice", "E1108",
                             "44109", "public", NULL);
    f->coopvis = make_ent(f->db, f->coop, "Cora Coop", "F1603", "44109",
                          "cooperative", NULL);
    f->zoned = make_ent(f->db, f->coop, "Zoé Angers", "F1603", "49007",
                        "public",
                        ",'intervention':{'radius_km':5,'zones':['dep:44']}");
    f->client = account_for(f->db, "client@example.org", 0, 0);
    f->plumber = account_for(f->db, "remi@example.org", f->rez, f->coop);
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

/* post: request_create with a JSON literal (%s for a deadline in 60
 * days). */
static json_t *post(struct fix *f, const struct viewer *v, const char *fmt,
                    enum rc want, const char *bad_field)
{
    char text[1024], deadline[16];
    const char *hole = strstr(fmt, "%s");
    json_t *in, *errs = json_array(), *out = NULL;
    long wait = 0;
    enum rc rc;

    day_from_now(60, deadline, sizeof deadline);
    if (hole)
        snprintf(text, sizeof text, "%.*s%s%s", (int)(hole - fmt), fmt,
                 deadline, hole + 2);
    else
        snprintf(text, sizeof text, "%s", fmt);
    in = test_json(text);
    rc = request_create(f->db, v, in, "10.1.0.1", errs, &out, &wait);
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

/* told: the set of entrepreneurs told of request id, as a bitmask of the
 * fixture's ids (1 << id). */
static unsigned long long told(struct fix *f, const char *id)
{
    json_t *out = NULL, *m;
    unsigned long long mask = 0;
    size_t i;

    assert_int_equal(request_matches(f->db, &f->client, id, &out), RC_OK);
    json_array_foreach(json_object_get(out, "results"), i, m) {
        long long e;

        if (!json_is_true(json_object_get(m, "notified"))) continue;
        assert_true(ids_parse_json(
            json_object_get(json_object_get(m, "entrepreneur"), "id"), &e));
        mask |= 1ull << e;
    }
    json_decref(out);
    return mask;
}

static void who_is_matched(void **state)
{
    struct fix *f = *state;
    json_t *r;
    const char *id;
    unsigned long long mask;

    r = post(f, &f->client,
             "{'title':'Rénovation de salle de bain','location':"
             "{'insee':'44143'},'deadline':'%s'}",
             RC_OK, NULL);
    id = json_string_value(json_object_get(r, "id"));
    assert_string_equal(json_string_value(json_object_get(r, "status")),
                        "open");
    /* The client's address is the contact when none is given. */
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r, "contact"),
                                          "email")),
        "client@example.org");
    mask = told(f, id);
    assert_true(mask & (1ull << f->rez));   /* plumber in the area */
    assert_true(mask & (1ull << f->tiler)); /* a bathroom needs tiles */
    assert_true(mask & (1ull << f->zoned)); /* works in all of 44 */
    assert_false(mask & (1ull << f->unavailable));
    assert_false(mask & (1ull << f->lyon));
    assert_false(mask & (1ull << f->private_));
    assert_false(mask & (1ull << f->coopvis));
    assert_false(mask & (1ull << f->translator));
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(r, "matches"), "notified")),
                     3);
    /* Each told provider has a notification; only Rémi has an account,
     * so one e-mail waits in the outbox. */
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM notification"
                                       " WHERE kind = 'request.match'"),
                     3);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM outbox WHERE"
                                       " recipient = 'remi@example.org'"
                                       " AND status = 'pending'"),
                     1);
    /* Counted in the demand data, by trade asked for: none. */
    assert_int_equal(test_count(f->db, "SELECT sum(n) FROM demand WHERE"
                                       " kind = 'request' AND trade = ''"
                                       " AND departement = '44'"),
                     1);
    json_decref(r);

    /* Explicit trades: a translator is found for a translation. */
    r = post(f, &f->client,
             "{'title':'Traduire un site','location':{'insee':'44109'},"
             "'wanted':['E1108'],'deadline':'%s'}",
             RC_OK, NULL);
    mask = told(f, json_string_value(json_object_get(r, "id")));
    assert_true(mask == (1ull << f->translator));
    json_decref(r);

    /* A free skill, as CONTRACT.md writes it: words, as a string. */
    r = post(f, &f->client,
             "{'title':'Un site en anglais','location':{'insee':'44109'},"
             "'wanted':[{'skill':'traduction anglais'}],'deadline':'%s'}",
             RC_OK, NULL);
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(r, "wanted"), 0)),
                        "traduction anglais");
    json_decref(r);
}

static void bad_requests_are_refused(void **state)
{
    struct fix *f = *state;
    struct viewer staff = {VIEWER_STAFF, f->coop, 0, 99};

    json_decref(post(f, &viewer_anonymous,
                     "{'title':'Plomberie','location':{'insee':'44109'},"
                     "'deadline':'%s'}",
                     RC_INVALID, "contact.email"));
    json_decref(post(f, &f->client,
                     "{'location':{'insee':'44109'},'deadline':'%s'}",
                     RC_INVALID, "title"));
    json_decref(post(f, &f->client,
                     "{'title':'x','location':{'insee':'99999'},"
                     "'deadline':'%s'}",
                     RC_INVALID, "location.insee"));
    json_decref(post(f, &f->client,
                     "{'title':'x','location':{'insee':'44109'},"
                     "'deadline':'2001-01-01','colour':'%s'}",
                     RC_INVALID, "deadline"));
    json_decref(post(f, &f->client,
                     "{'title':'x','location':{'insee':'44109'},"
                     "'colour':'%s'}",
                     RC_INVALID, "colour"));
    json_decref(post(f, &f->client,
                     "{'title':'x','location':{'insee':'44109'},"
                     "'wanted':[{'scheme':'rome','code':'Z9999'}],"
                     "'deadline':'%s'}",
                     RC_INVALID, "wanted[0].code"));
    json_decref(post(f, &f->client,
                     "{'title':'x','location':{'insee':'44109'},"
                     "'wanted':[{'skill':''}],'deadline':'%s'}",
                     RC_INVALID, "wanted[0].skill"));
    json_decref(post(f, &f->client,
                     "{'title':'x','location':{'insee':'44109'},"
                     "'budget':-5,'deadline':'%s'}",
                     RC_INVALID, "budget"));
    json_decref(post(f, &f->plumber,
                     "{'title':'x','location':{'insee':'44109'},"
                     "'deadline':'%s'}",
                     RC_FORBIDDEN, NULL));
    json_decref(post(f, &staff,
                     "{'title':'x','location':{'insee':'44109'},"
                     "'deadline':'%s'}",
                     RC_FORBIDDEN, NULL));
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM request"), 0);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM outbox"), 0);
}

/* answer: request_respond with a JSON literal. */
static enum rc answer(struct fix *f, const struct viewer *v, const char *id,
                      const char *text)
{
    json_t *in = test_json(text), *errs = json_array(), *out = NULL;
    enum rc rc = request_respond(f->db, v, id, in, errs, &out);

    json_decref(in);
    json_decref(errs);
    json_decref(out);
    return rc;
}

/* answer_first: Rémi answers interested to the latest request. */
static enum rc answer_first(struct fix *f)
{
    char id[24];

    snprintf(id, sizeof id, "%d",
             test_count(f->db, "SELECT max(id) FROM request"));
    return answer(f, &f->plumber, id, "{'status':'interested'}");
}

static enum rc outcome(struct fix *f, const struct viewer *v, const char *id,
                       const char *text)
{
    json_t *in = test_json(text), *errs = json_array(), *out = NULL;
    enum rc rc = request_outcome(f->db, v, id, in, errs, &out);

    json_decref(in);
    json_decref(errs);
    json_decref(out);
    return rc;
}

static void the_funnel(void **state)
{
    struct fix *f = *state;
    struct viewer lea = account_for(f->db, "lea@example.org", f->lyon,
                                    f->coop);
    json_t *r, *got = NULL;
    char id[24], text[128];

    r = post(f, &f->client,
             "{'title':'Fuite sous l évier','location':{'insee':'44143'},"
             "'wanted':['F1603'],'deadline':'%s','contact':{'name':'Claire',"
             "'email':'claire@example.org','phone':'0601020304'}}",
             RC_OK, NULL);
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(r, "id")));
    json_decref(r);
    /* A provider who was not told sees nothing. */
    assert_int_equal(request_get(f->db, &lea, id, &got), RC_NOTFOUND);
    assert_int_equal(answer(f, &lea, id, "{'status':'interested'}"),
                     RC_NOTFOUND);
    /* Told: sees the request, not yet the client's contact. */
    assert_int_equal(request_get(f->db, &f->plumber, id, &got), RC_OK);
    assert_null(json_object_get(got, "contact"));
    assert_string_equal(json_string_value(json_object_get(got, "my_status")),
                        "notified");
    json_decref(got);
    assert_int_equal(answer(f, &f->plumber, id, "{'status':'viewed'}"),
                     RC_OK);
    assert_int_equal(answer(f, &f->plumber, id, "{'status':'viewed'}"),
                     RC_OK); /* again: no change */
    assert_int_equal(answer(f, &f->plumber, id, "{'status':'interested'}"),
                     RC_OK);
    assert_int_equal(answer(f, &f->plumber, id, "{'status':'interested'}"),
                     RC_CONFLICT);
    /* Interested: the contact, and the client hears of it. */
    assert_int_equal(request_get(f->db, &f->plumber, id, &got), RC_OK);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(got, "contact"),
                                          "phone")),
        "0601020304");
    json_decref(got);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM notification"
                                       " WHERE kind = 'request.answer'"),
                     1);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM outbox WHERE"
                                       " recipient = 'claire@example.org'"),
                     1);
    assert_int_equal(answer(f, &f->plumber, id,
                            "{'status':'quoted','quote':{'amount':180,"
                            "'message':'Intervention et joint'}}"),
                     RC_OK);
    assert_int_equal(answer(f, &f->plumber, id, "{'status':'declined'}"),
                     RC_INVALID); /* a reason is required */
    assert_int_equal(answer(f, &f->plumber, id,
                            "{'status':'declined','reason':'unavailable'}"),
                     RC_OK);
    assert_int_equal(answer(f, &f->plumber, id, "{'status':'quoted'}"),
                     RC_CONFLICT);
    assert_int_equal(answer(f, &f->plumber, id, "{'status':'maybe'}"),
                     RC_INVALID);
    /* The client may not answer for a provider; a provider not for
     * another one. */
    assert_int_equal(answer(f, &f->client, id, "{'status':'interested'}"),
                     RC_FORBIDDEN);
    snprintf(text, sizeof text,
             "{'status':'interested','entrepreneur_id':'%lld'}", f->zoned);
    assert_int_equal(answer(f, &f->plumber, id, text), RC_FORBIDDEN);
    /* Every step has its time. */
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM request_match"
                                       " WHERE notified_at IS NOT NULL AND"
                                       " viewed_at IS NOT NULL AND"
                                       " interested_at IS NOT NULL AND"
                                       " quoted_at IS NOT NULL AND"
                                       " declined_at IS NOT NULL"),
                     1);

    /* The outcome: the client's, once, for a matched provider. */
    assert_int_equal(outcome(f, &f->plumber, id,
                             "{'outcome':'cancelled'}"),
                     RC_FORBIDDEN);
    snprintf(text, sizeof text, "{'outcome':'won','won_by':'%lld'}",
             f->translator);
    assert_int_equal(outcome(f, &f->client, id, text), RC_INVALID);
    assert_int_equal(outcome(f, &f->client, id, "{'outcome':'won'}"),
                     RC_INVALID);
    snprintf(text, sizeof text, "{'outcome':'won','won_by':'%lld'}",
             f->zoned);
    assert_int_equal(outcome(f, &f->client, id, text), RC_OK);
    assert_int_equal(outcome(f, &f->client, id, "{'outcome':'cancelled'}"),
                     RC_CONFLICT);
    assert_int_equal(answer(f, &f->plumber, id, "{'status':'viewed'}"),
                     RC_CONFLICT);
    assert_int_equal(request_get(f->db, &f->client, id, &got), RC_OK);
    assert_string_equal(json_string_value(json_object_get(got, "status")),
                        "won");
    json_decref(got);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM request_match"
                                       " WHERE status = 'won'"),
                     1);
}

/* A client's export holds their requests; their erasure takes them, with
 * their matches, notifications and waiting mail. */
static void client_export_and_erasure(void **state)
{
    struct fix *f = *state;
    json_t *r, *out = NULL;

    r = post(f, &f->client,
             "{'title':'Fuite','location':{'insee':'44143'},'wanted':"
             "['F1603'],'deadline':'%s','contact':{'email':"
             "'claire@example.org'}}",
             RC_OK, NULL);
    json_decref(r);
    assert_int_equal(answer_first(f), RC_OK);
    assert_int_equal(account_export(f->db, &f->client, &out), RC_OK);
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_array_get(json_object_get(out, "requests"),
                                           0),
                            "request"),
            "title")),
        "Fuite");
    assert_true(json_array_size(json_object_get(out, "notifications")) > 0);
    json_decref(out);
    assert_int_equal(account_export(f->db, &f->plumber, &out), RC_OK);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(out, "answers"), 0), "status")),
        "interested");
    json_decref(out);
    assert_int_equal(account_erase(f->db, &f->client), RC_OK);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM request"), 0);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM request_match"),
                     0);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM notification"),
                     0);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM outbox"), 0);
    /* The pooled counts stay: they name nobody. */
    assert_int_equal(test_count(f->db, "SELECT sum(n) FROM demand"), 1);
}

/* When more providers are equally good than are told, the next request
 * tells those left out first. */
static void fair_spread(void **state)
{
    struct fix *f = *state;
    unsigned long long a, b, all = 0;
    json_t *r;
    long long first = 0;
    int i;

    for (i = 0; i < 12; i++) {
        char name[32];
        long long id;

        snprintf(name, sizeof name, "Égal %d", i);
        id = make_ent(f->db, f->coop, name, "F1610", "44109", "public", NULL);
        if (!first) first = id;
        all |= 1ull << id;
    }
    r = post(f, &f->client,
             "{'title':'Toiture','location':{'insee':'44109'},"
             "'wanted':['F1610'],'deadline':'%s'}",
             RC_OK, NULL);
    a = told(f, json_string_value(json_object_get(r, "id")));
    json_decref(r);
    r = post(f, &f->client,
             "{'title':'Toiture encore','location':{'insee':'44109'},"
             "'wanted':['F1610'],'deadline':'%s'}",
             RC_OK, NULL);
    b = told(f, json_string_value(json_object_get(r, "id")));
    json_decref(r);
    assert_int_equal(__builtin_popcountll(a), 10);
    assert_int_equal(__builtin_popcountll(b), 10);
    assert_true((a | b) == all); /* the two left out were told next */
    (void)first;
}

/* ------------------------------------------------------------- outbox */

static void outbox_survives_failures_and_restarts(void **state)
{
    struct smtp_sink sink;
    char dir[] = "/tmp/essaim-outbox-XXXXXX", path[96];
    struct db *db = NULL;
    struct outbox_opts o;
    int sent = -1, i;
    char *body;

    (void)state;
    sink_start(&sink);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/o.db", dir);
    assert_int_equal(db_open(path, NULL, &db), RC_OK);
    memset(&o, 0, sizeof o);
    o.db = path;
    o.smtp_url = sink.url;
    o.from = "essaim@example.org";
    o.retry_s = 30;
    o.max_attempts = 3;
    assert_int_equal(db_begin(db), RC_OK);
    for (i = 0; i < 3; i++) {
        char to[64];

        snprintf(to, sizeof to, "p%d@example.org", i);
        assert_int_equal(outbox_add(db, to, "Nouvelle demande à Rezé",
                                    "Bonjour,\n.\nUne ligne commençant par"
                                    " un point, des accents : éàç.\n",
                                    0),
                         RC_OK);
    }
    assert_int_equal(db_commit(db), RC_OK);

    /* The SMTP server refuses: nothing is lost, a retry is planned. */
    sink.refuse = 1;
    assert_int_equal(outbox_send_due(db, &o, 10, &sent), RC_OK);
    assert_int_equal(sent, 0);
    assert_int_equal(test_count(db, "SELECT count(*) FROM outbox WHERE"
                                    " status = 'pending' AND attempts = 1"
                                    " AND next_at > strftime('%Y-%m-%dT%H:"
                                    "%M:%SZ', 'now')"),
                     3);
    /* Not due yet: the next pass sends nothing. */
    sink.refuse = 0;
    assert_int_equal(outbox_send_due(db, &o, 10, &sent), RC_OK);
    assert_int_equal(sent, 0);
    assert_int_equal(sink_count(&sink), 0);

    /* A restart: a new connection finds the messages waiting. */
    db_close(db);
    db = NULL;
    assert_int_equal(db_open(path, NULL, &db), RC_OK);
    assert_int_equal(db_exec(db, "UPDATE outbox SET next_at ="
                                 " '2000-01-01T00:00:00Z'"),
                     RC_OK);
    assert_int_equal(outbox_send_due(db, &o, 10, &sent), RC_OK);
    assert_int_equal(sent, 3);
    assert_int_equal(sink_count(&sink), 3);
    /* Sent once: another pass sends nothing more. */
    assert_int_equal(outbox_send_due(db, &o, 10, &sent), RC_OK);
    assert_int_equal(sent, 0);
    assert_int_equal(sink_count(&sink), 3);
    assert_string_equal(sink.rcpt[0], "p0@example.org");
    assert_non_null(strstr(sink.msg[0], "Subject: =?UTF-8?B?"));
    assert_non_null(strstr(sink.msg[0], "Message-ID: <"));
    body = sink_body(&sink, 0);
    assert_non_null(strstr(body, "un point, des accents : éàç."));
    assert_non_null(strstr(body, "\n.\n")); /* the lone dot came through */
    free(body);

    /* The server down: attempts count, then the message is 'failed'. */
    assert_int_equal(db_begin(db), RC_OK);
    assert_int_equal(outbox_add(db, "late@example.org", "x", "y", 0), RC_OK);
    assert_int_equal(db_commit(db), RC_OK);
    sink_stop(&sink);
    for (i = 0; i < 3; i++) {
        assert_int_equal(db_exec(db, "UPDATE outbox SET next_at ="
                                     " '2000-01-01T00:00:00Z' WHERE"
                                     " status = 'pending'"),
                         RC_OK);
        assert_int_equal(outbox_send_due(db, &o, 10, &sent), RC_OK);
        assert_int_equal(sent, 0);
    }
    assert_int_equal(test_count(db, "SELECT count(*) FROM outbox WHERE"
                                    " recipient = 'late@example.org' AND"
                                    " status = 'failed' AND attempts = 3"
                                    " AND last_error IS NOT NULL"),
                     1);
    db_close(db);
    snprintf(path, sizeof path, "rm -rf %s", dir);
    assert_int_equal(system(path), 0);
}

/* ---------------------------------------------------------- end to end */

static struct test_server server;
static struct smtp_sink sink;

static int srv_setup(void **state)
{
    struct outbox_opts o;

    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    test_server_start(&server);
    sink_start(&sink);
    memset(&o, 0, sizeof o);
    o.db = server.db;
    o.smtp_url = sink.url;
    o.from = "essaim@example.org";
    o.retry_s = 1;
    o.max_attempts = 5;
    o.poll_ms = 50;
    assert_int_equal(outbox_start(&o), 0);
    return 0;
}

static int srv_teardown(void **state)
{
    (void)state;
    outbox_stop();
    sink_stop(&sink);
    test_server_stop(&server);
    curl_global_cleanup();
    return 0;
}

/* wait_mail: wait up to 5 s for the sink to hold n messages. */
static void wait_mail(int n)
{
    int i;

    for (i = 0; i < 100 && sink_count(&sink) < n; i++) {
        struct timespec ts = {0, 50 * 1000 * 1000};

        nanosleep(&ts, NULL);
    }
    assert_true(sink_count(&sink) >= n);
}

static void anonymous_request_confirmed_by_mail(void **state)
{
    char body[512], deadline[16], path[96], token[64];
    json_t *out = NULL;
    const char *p;
    char *mail, id[16];
    struct test_reply r;
    int before = sink_count(&sink), i;

    (void)state;
    day_from_now(30, deadline, sizeof deadline);
    assert_int_equal(test_call(&server, server.admin, "POST", "/api/v1/cooperatives",
                          "{\"name\":\"Coop\"}", &out),
                     201);
    snprintf(body, sizeof body,
             "{\"cooperative_id\":\"%s\",\"display_name\":\"Pierre\","
             "\"trades\":[{\"scheme\":\"rome\",\"code\":\"F1603\"}],"
             "\"location\":{\"insee\":\"44109\"},\"visibility\":\"public\"}",
             json_string_value(json_object_get(out, "id")));
    json_decref(out);
    assert_int_equal(test_call(&server, server.admin, "POST", "/api/v1/entrepreneurs", body,
                          NULL),
                     201);
    snprintf(body, sizeof body,
             "{\"title\":\"Fuite d'eau\",\"location\":{\"city\":\"Nantes\"},"
             "\"wanted\":[\"plombier\"],\"deadline\":\"%s\",\"contact\":"
             "{\"email\":\"anon@example.org\"}}",
             deadline);
    assert_int_equal(test_call(&server, NULL, "POST", "/api/v1/requests", body, &out), 201);
    assert_string_equal(json_string_value(json_object_get(out, "status")),
                        "unconfirmed");
    snprintf(id, sizeof id, "%s",
             json_string_value(json_object_get(out, "id")));
    json_decref(out);
    /* The confirmation reaches the address; its link opens the request. */
    wait_mail(before + 1);
    assert_string_equal(sink.rcpt[before], "anon@example.org");
    mail = sink_body(&sink, before);
    p = strstr(mail, "/request.html#confirm=");
    assert_non_null(p);
    snprintf(token, sizeof token, "%.43s", p + strlen("/request.html#confirm="));
    free(mail);
    assert_int_equal(test_call(&server, NULL, "POST", "/api/v1/requests/confirm",
                          "{\"token\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                          "AAA\"}",
                          NULL),
                     400);
    snprintf(body, sizeof body, "{\"token\":\"%s\"}", token);
    test_http_as(&server, NULL, "POST", "/api/v1/requests/confirm", body,
                 NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(buf_str(&r.headers), "essaim_session="));
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(r.json, "request"), "status")),
                        "open");
    snprintf(token, sizeof token, "%s",
             json_string_value(json_object_get(r.json, "token")));
    test_reply_free(&r);
    /* Used once. */
    assert_int_equal(test_call(&server, NULL, "POST", "/api/v1/requests/confirm", body,
                          NULL),
                     400);
    snprintf(path, sizeof path, "/api/v1/requests/%s", id);
    assert_int_equal(test_call(&server, token, "GET", path, NULL, &out), 200);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(out, "matches"), "notified")),
                     1);
    json_decref(out);
    assert_int_equal(test_call(&server, NULL, "GET", path, NULL, NULL), 404);
    assert_int_equal(test_call(&server, token, "GET", "/api/v1/requests", NULL, &out), 200);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    json_decref(out);

    /* Anonymous requests are rate-limited per address. */
    for (i = 0; i < 5; i++) {
        long st;

        snprintf(body, sizeof body,
                 "{\"title\":\"Encore\",\"location\":{\"city\":\"Nantes\"},"
                 "\"contact\":{\"email\":\"flood%d@example.org\"}}",
                 i);
        st = test_call(&server, NULL, "POST", "/api/v1/requests", body, NULL);
        if (i < 4) assert_int_equal(st, 201);
        if (i == 4) {
            test_http_as(&server, NULL, "POST", "/api/v1/requests", body,
                         NULL, &r);
            assert_int_equal(r.status, 429);
            assert_non_null(strstr(buf_str(&r.headers), "Retry-After: "));
            test_reply_free(&r);
        }
    }
}

static void provider_inbox(void **state)
{
    char body[512], deadline[16], path[96], tok_client[64], tok_ent[64];
    char ent_id[16], req_id[16];
    json_t *out = NULL;

    (void)state;
    day_from_now(30, deadline, sizeof deadline);
    assert_int_equal(test_call(&server, server.admin, "POST", "/api/v1/cooperatives",
                          "{\"name\":\"Coop 2\"}", &out),
                     201);
    snprintf(body, sizeof body,
             "{\"cooperative_id\":\"%s\",\"display_name\":\"Gaëlle\","
             "\"trades\":[{\"scheme\":\"rome\",\"code\":\"A1203\"}],"
             "\"location\":{\"insee\":\"35238\"},\"visibility\":\"public\"}",
             json_string_value(json_object_get(out, "id")));
    json_decref(out);
    assert_int_equal(test_call(&server, server.admin, "POST", "/api/v1/entrepreneurs", body,
                          &out),
                     201);
    snprintf(ent_id, sizeof ent_id, "%s",
             json_string_value(json_object_get(out, "id")));
    json_decref(out);
    snprintf(body, sizeof body,
             "{\"email\":\"gaelle@example.org\",\"password\":\"gaelle-pass\","
             "\"role\":\"entrepreneur\",\"entrepreneur_id\":\"%s\"}",
             ent_id);
    assert_int_equal(test_call(&server, server.admin, "POST", "/api/v1/accounts", body,
                          NULL),
                     201);
    test_login(&server, "gaelle@example.org", "gaelle-pass", tok_ent,
               sizeof tok_ent);
    assert_int_equal(test_call(&server, NULL, "POST", "/api/v1/accounts",
                          "{\"email\":\"jardin@example.org\",\"password\":"
                          "\"jardin-pass\"}",
                          NULL),
                     201);
    test_login(&server, "jardin@example.org", "jardin-pass", tok_client,
               sizeof tok_client);
    snprintf(body, sizeof body,
             "{\"title\":\"Tailler la haie du jardin\",\"location\":"
             "{\"insee\":\"35238\"},\"deadline\":\"%s\"}",
             deadline);
    assert_int_equal(test_call(&server, tok_client, "POST", "/api/v1/requests", body, &out),
                     201);
    snprintf(req_id, sizeof req_id, "%s",
             json_string_value(json_object_get(out, "id")));
    json_decref(out);
    /* The provider's inbox: the notification, and the request. */
    assert_int_equal(test_call(&server, tok_ent, "GET", "/api/v1/me/notifications", NULL,
                          &out),
                     200);
    assert_int_equal(json_integer_value(json_object_get(out, "unread")), 1);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(out, "results"), 0), "kind")),
        "request.match");
    json_decref(out);
    assert_int_equal(test_call(&server, tok_ent, "GET", "/api/v1/requests", NULL, &out),
                     200);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/requests/%s/responses", req_id);
    assert_int_equal(test_call(&server, tok_ent, "POST", path,
                          "{\"status\":\"interested\"}", NULL),
                     200);
    assert_int_equal(test_call(&server, tok_ent, "POST", path,
                          "{\"status\":\"interested\"}", NULL),
                     409);
    assert_int_equal(test_call(&server, tok_ent, "POST", "/api/v1/me/notifications/read",
                          NULL, &out),
                     200);
    assert_int_equal(json_integer_value(json_object_get(out, "unread")), 0);
    json_decref(out);
    /* The client sees the answer and closes. */
    snprintf(path, sizeof path, "/api/v1/requests/%s/matches", req_id);
    assert_int_equal(test_call(&server, tok_client, "GET", path, NULL, &out), 200);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(out, "results"), 0), "status")),
        "interested");
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/requests/%s/outcome", req_id);
    snprintf(body, sizeof body, "{\"outcome\":\"won\",\"won_by\":\"%s\"}",
             ent_id);
    assert_int_equal(test_call(&server, tok_ent, "POST", path, body, NULL), 403);
    assert_int_equal(test_call(&server, tok_client, "POST", path, body, &out), 200);
    assert_string_equal(json_string_value(json_object_get(out, "status")),
                        "won");
    json_decref(out);
    assert_int_equal(test_call(&server, tok_client, "POST", path, body, NULL), 409);
    /* The winner is told by e-mail (the sink). */
    wait_mail(1);
}

int main(void)
{
    const struct CMUnitTest mem[] = {
        cmocka_unit_test_setup_teardown(who_is_matched, fix_setup,
                                        fix_teardown),
        cmocka_unit_test_setup_teardown(bad_requests_are_refused, fix_setup,
                                        fix_teardown),
        cmocka_unit_test_setup_teardown(the_funnel, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(fair_spread, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(client_export_and_erasure, fix_setup,
                                        fix_teardown),
        cmocka_unit_test(outbox_survives_failures_and_restarts),
    };
    const struct CMUnitTest e2e[] = {
        cmocka_unit_test(anonymous_request_confirmed_by_mail),
        cmocka_unit_test(provider_inbox),
    };
    int failed = 0;

    failed += cmocka_run_group_tests_name("request (:memory:)", mem, NULL,
                                          NULL);
    failed += cmocka_run_group_tests_name("request (end to end)", e2e,
                                          srv_setup, srv_teardown);
    return failed;
}
