/*
 * test_account.c: accounts, sessions, rights and erasure, at the three
 * levels: pure (tokens, passwords, the throttle), :memory: (the account
 * rules), end to end (the authorization matrix, tokens, cookies and CSRF,
 * sign-in timing, the canary erasure, visibility in search).
 */
#include "testutil.h"

#include <sys/stat.h>
#include <time.h>

#include "../account/account_int.h"
#include "../directory/dir_coop.h"
#include "../directory/dir_demo.h"
#include "../directory/dir_ent.h"
#include "../util/ids.h"
#include "../util/viewer.h"

/* ================================================================ pure */

static void tokens_are_random_and_url_safe(void **state)
{
    char a[ACCOUNT_TOKEN_LEN + 1], b[ACCOUNT_TOKEN_LEN + 1];
    size_t i;

    (void)state;
    account_token_new(a);
    account_token_new(b);
    assert_int_equal(strlen(a), ACCOUNT_TOKEN_LEN);
    assert_string_not_equal(a, b);
    for (i = 0; a[i]; i++)
        assert_true(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
                           "wxyz0123456789-_",
                           a[i]) != NULL);
}

static void passwords_hash_and_verify(void **state)
{
    char h[crypto_pwhash_STRBYTES];

    (void)state;
    assert_int_equal(account_init(1, 8192, 0), 0);
    assert_int_equal(account_hash_password("correct horse", h), 0);
    assert_true(!strncmp(h, "$argon2id$", 10));
    assert_true(account_check_password(h, "correct horse"));
    assert_false(account_check_password(h, "correct horsE"));
    assert_false(account_check_password(NULL, "correct horse"));
    assert_false(account_check_password("", "correct horse"));
}

static void throttle_locks_and_doubles(void **state)
{
    const char *key = "a:pure-throttle@example.org";
    long w;
    int i;

    (void)state;
    for (i = 0; i < 4; i++) {
        account_failed(key, 5);
        assert_int_equal(account_throttled(key), 0);
    }
    account_failed(key, 5);
    w = account_throttled(key);
    assert_true(w > 55 && w <= 60);
    assert_int_equal(account_throttled("a:someone-else@example.org"), 0);
    for (i = 0; i < 5; i++) account_failed(key, 5);
    w = account_throttled(key);
    assert_true(w > 115 && w <= 120); /* the second lock is twice as long */
    account_succeeded(key);
    assert_int_equal(account_throttled(key), 0);
}

/* ============================================================ :memory: */

struct fix {
    struct db *db;
    long long coop_a, coop_b, ent_a, ent_a2, ent_b;
    struct viewer staff_a, staff_b, admin;
};

static long long make_coop(struct db *db, const char *name)
{
    char text[256];

    snprintf(text, sizeof text, "{'name':'%s'}", name);
    return test_make(db, dir_coop_create, text);
}

static long long make_ent(struct db *db, long long coop, const char *name,
                          const char *visibility, const char *description)
{
    char text[1024];

    snprintf(text, sizeof text,
             "{'cooperative_id':'%lld','display_name':'%s','headline':"
             "'Menuisier','description':'%s','location':{'insee':'44109'},"
             "'visibility':'%s','trades':[{'scheme':'rome','code':'H2206'}]}",
             coop, name, description, visibility);
    return test_make(db, dir_ent_create, text);
}

static int fix_setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);

    f->db = test_db_new();
    f->coop_a = make_coop(f->db, "Coop A");
    f->coop_b = make_coop(f->db, "Coop B");
    f->ent_a = make_ent(f->db, f->coop_a, "Ana", "cooperative", "bois");
    f->ent_a2 = make_ent(f->db, f->coop_a, "Alix", "private", "bois");
    f->ent_b = make_ent(f->db, f->coop_b, "Bea", "public", "bois");
    f->staff_a = (struct viewer){VIEWER_STAFF, f->coop_a, 0, 1000};
    f->staff_b = (struct viewer){VIEWER_STAFF, f->coop_b, 0, 1001};
    f->admin = (struct viewer){VIEWER_ADMIN, 0, 0, 1002};
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

/* create: account_create with a JSON literal; the answer (or NULL). */
static json_t *create(struct db *db, const struct viewer *v, const char *text,
                      enum rc want, const char *bad_field)
{
    json_t *in = test_json(text), *errs = json_array(), *out = NULL;
    enum rc rc = account_create(db, v, in, errs, &out);

    if (rc != want)
        fail_msg("%s: %s, want %s: %s", text, rc_name(rc), rc_name(want),
                 json_dumps(errs, 0));
    if (bad_field && !test_has_error(errs, bad_field))
        fail_msg("%s: no error on %s", text, bad_field);
    json_decref(in);
    json_decref(errs);
    return out;
}

/* login, activate: the account functions with errs emptied first (each
 * call reports into a fresh list). */
static enum rc login(struct db *db, const char *email, const char *password,
                     const char *addr, json_t *errs,
                     struct account_session *s, long *wait)
{
    json_array_clear(errs);
    return account_login(db, email, password, addr, errs, s, wait);
}

static enum rc activate(struct db *db, const char *token,
                        const char *password, json_t *errs,
                        struct account_session *s)
{
    json_array_clear(errs);
    return account_activate(db, token, password, errs, s);
}

static void self_registration_makes_clients(void **state)
{
    struct fix *f = *state;
    json_t *a;

    a = create(f->db, &viewer_anonymous,
               "{'email':' Claire@Example.ORG ','password':'12345678',"
               "'display_name':'Claire'}",
               RC_OK, NULL);
    assert_string_equal(json_string_value(json_object_get(a, "email")),
                        "claire@example.org");
    assert_string_equal(json_string_value(json_object_get(a, "role")),
                        "client");
    assert_true(json_is_true(json_object_get(a, "activated")));
    assert_null(json_object_get(a, "invitation"));
    assert_null(json_object_get(a, "password"));
    json_decref(a);
    create(f->db, &viewer_anonymous,
           "{'email':'CLAIRE@example.org','password':'abcdefgh'}",
           RC_CONFLICT, "email");
    create(f->db, &viewer_anonymous, "{'email':'x@example.org'}", RC_INVALID,
           "password");
    create(f->db, &viewer_anonymous,
           "{'email':'x@example.org','password':'short'}", RC_INVALID,
           "password");
    create(f->db, &viewer_anonymous,
           "{'email':'not-an-address','password':'12345678'}", RC_INVALID,
           "email");
    create(f->db, &viewer_anonymous,
           "{'email':'x@example.org','password':'12345678','colour':1}",
           RC_INVALID, "colour");
    create(f->db, &viewer_anonymous,
           "{'email':'x@example.org','password':'12345678','role':'boss'}",
           RC_INVALID, "role");
    /* Nobody makes themself staff, admin or an entrepreneur. */
    create(f->db, &viewer_anonymous,
           "{'email':'x@example.org','password':'12345678','role':'admin'}",
           RC_FORBIDDEN, NULL);
    create(f->db, &viewer_anonymous,
           "{'email':'x@example.org','password':'12345678','role':'staff',"
           "'cooperative_id':'1'}",
           RC_FORBIDDEN, NULL);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM account"), 1);
}

static void staff_invite_only_their_entrepreneurs(void **state)
{
    struct fix *f = *state;
    char text[256];
    json_t *a;

    snprintf(text, sizeof text,
             "{'email':'ana@example.org','role':'entrepreneur',"
             "'entrepreneur_id':'%lld'}",
             f->ent_a);
    a = create(f->db, &f->staff_a, text, RC_OK, NULL);
    assert_string_equal(json_string_value(json_object_get(a, "role")),
                        "entrepreneur");
    assert_int_equal(atoll(json_string_value(
                         json_object_get(a, "cooperative_id"))),
                     f->coop_a);
    assert_false(json_is_true(json_object_get(a, "activated")));
    assert_int_equal(json_string_length(json_object_get(
                         json_object_get(a, "invitation"), "token")),
                     ACCOUNT_TOKEN_LEN);
    json_decref(a);
    /* The same profile twice; another cooperative's profile; a profile
     * that does not exist; a password chosen for someone else. */
    snprintf(text, sizeof text,
             "{'email':'ana2@example.org','role':'entrepreneur',"
             "'entrepreneur_id':'%lld'}",
             f->ent_a);
    create(f->db, &f->staff_a, text, RC_CONFLICT, "entrepreneur_id");
    snprintf(text, sizeof text,
             "{'email':'bea@example.org','role':'entrepreneur',"
             "'entrepreneur_id':'%lld'}",
             f->ent_b);
    create(f->db, &f->staff_a, text, RC_FORBIDDEN, NULL);
    create(f->db, &f->staff_a,
           "{'email':'nobody@example.org','role':'entrepreneur',"
           "'entrepreneur_id':'999999'}",
           RC_FORBIDDEN, NULL);
    /* Staff may set a first password (no invitation then). */
    snprintf(text, sizeof text,
             "{'email':'alix@example.org','role':'entrepreneur',"
             "'entrepreneur_id':'%lld','password':'1234'}",
             f->ent_a2);
    create(f->db, &f->staff_a, text, RC_INVALID, "password");
    snprintf(text, sizeof text,
             "{'email':'alix@example.org','role':'entrepreneur',"
             "'entrepreneur_id':'%lld','password':'12345678'}",
             f->ent_a2);
    a = create(f->db, &f->staff_a, text, RC_OK, NULL);
    assert_true(json_is_true(json_object_get(a, "activated")));
    assert_null(json_object_get(a, "invitation"));
    json_decref(a);
    create(f->db, &f->staff_a,
           "{'email':'e@example.org','role':'entrepreneur'}", RC_INVALID,
           "entrepreneur_id");
    /* Staff of their own cooperative only; never administrators. */
    snprintf(text, sizeof text,
             "{'email':'colleague@example.org','role':'staff',"
             "'cooperative_id':'%lld'}",
             f->coop_a);
    json_decref(create(f->db, &f->staff_a, text, RC_OK, NULL));
    snprintf(text, sizeof text,
             "{'email':'spy@example.org','role':'staff',"
             "'cooperative_id':'%lld'}",
             f->coop_b);
    create(f->db, &f->staff_a, text, RC_FORBIDDEN, NULL);
    create(f->db, &f->staff_a, "{'email':'boss@example.org','role':'admin'}",
           RC_FORBIDDEN, NULL);
    /* An administrator makes a peer, with or without a password. */
    json_decref(create(f->db, &f->admin,
                       "{'email':'peer@coop-b.example','role':'peer',"
                       "'password':'a long shared secret'}",
                       RC_OK, NULL));
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM account"), 4);
    /* Each creation by staff or an administrator is in the audit log. */
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM audit WHERE"
                                       " action = 'account.create'"),
                     4);
}

/* invite: an invited entrepreneur account of profile ent; the token. */
static void invite(struct fix *f, long long ent, const char *email,
                   char token[ACCOUNT_TOKEN_LEN + 1])
{
    char text[256];
    json_t *a;

    snprintf(text, sizeof text,
             "{'email':'%s','role':'entrepreneur','entrepreneur_id':'%lld'}",
             email, ent);
    a = create(f->db, &f->admin, text, RC_OK, NULL);
    snprintf(token, ACCOUNT_TOKEN_LEN + 1, "%s",
             json_string_value(
                 json_object_get(json_object_get(a, "invitation"), "token")));
    json_decref(a);
}

static void invitation_sets_password_once(void **state)
{
    struct fix *f = *state;
    struct account_session s, s2;
    struct viewer v;
    char token[ACCOUNT_TOKEN_LEN + 1];
    json_t *errs = json_array();
    long wait;

    invite(f, f->ent_a, "ana@example.org", token);
    /* No password yet: nobody signs in with any. */
    assert_int_equal(login(f->db, "ana@example.org", "", "10.0.1.1",
                                   errs, &s, &wait),
                     RC_INVALID);
    assert_int_equal(activate(f->db, token, "short", errs, &s),
                     RC_INVALID);
    assert_true(test_has_error(errs, "password"));
    assert_int_equal(
        activate(f->db, token, "ana's password", errs, &s), RC_OK);
    assert_int_equal(account_session(f->db, s.token, &v, &s2), RC_OK);
    assert_int_equal(v.role, VIEWER_ENTREPRENEUR);
    assert_int_equal(v.entrepreneur_id, f->ent_a);
    assert_int_equal(v.cooperative_id, f->coop_a);
    json_array_clear(errs);
    assert_int_equal(activate(f->db, token, "another one", errs, &s),
                     RC_INVALID);
    assert_true(test_has_error(errs, "token"));
    assert_int_equal(login(f->db, "ANA@example.org",
                                   "ana's password", "10.0.1.1", errs, &s,
                                   &wait),
                     RC_OK);
    /* An expired invitation is refused. */
    invite(f, f->ent_a2, "alix@example.org", token);
    assert_int_equal(sqlite3_exec(db_handle(f->db),
                                  "UPDATE invitation SET expires_at ="
                                  " '2000-01-01T00:00:00Z'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(
        activate(f->db, token, "alix's password", errs, &s),
        RC_INVALID);
    json_decref(errs);
}

/* A forgotten password: staff send a new invitation; the new password
 * ends the sessions of the old one. */
static void reinvitation_resets_password(void **state)
{
    struct fix *f = *state;
    struct account_session s, old;
    struct viewer v;
    char token[ACCOUNT_TOKEN_LEN + 1], id[24];
    json_t *errs = json_array(), *out = NULL, *list = NULL;
    long wait;

    invite(f, f->ent_a, "ana@example.org", token);
    assert_int_equal(activate(f->db, token, "first password", errs, &old),
                     RC_OK);
    assert_int_equal(account_session(f->db, old.token, &v, &s), RC_OK);
    snprintf(id, sizeof id, "%lld", v.account_id);
    assert_int_equal(account_reinvite(f->db, &f->staff_b, id, &out),
                     RC_FORBIDDEN);
    assert_int_equal(account_reinvite(f->db, &v, id, &out), RC_FORBIDDEN);
    assert_int_equal(account_reinvite(f->db, &viewer_anonymous, id, &out),
                     RC_UNAUTHORIZED);
    assert_int_equal(account_reinvite(f->db, &f->staff_a, "99999", &out),
                     RC_NOTFOUND);
    assert_int_equal(account_reinvite(f->db, &f->staff_a, id, &out), RC_OK);
    snprintf(token, sizeof token, "%s",
             json_string_value(json_object_get(
                 json_object_get(out, "invitation"), "token")));
    json_decref(out);
    /* The old password works until the new one is chosen. */
    assert_int_equal(login(f->db, "ana@example.org", "first password",
                           "10.0.4.1", errs, &s, &wait),
                     RC_OK);
    assert_int_equal(activate(f->db, token, "second password", errs, &s),
                     RC_OK);
    assert_int_equal(account_session(f->db, old.token, &v, &old),
                     RC_NOTFOUND);
    assert_int_equal(login(f->db, "ana@example.org", "first password",
                           "10.0.4.1", errs, &s, &wait),
                     RC_UNAUTHORIZED);
    assert_int_equal(login(f->db, "ana@example.org", "second password",
                           "10.0.4.1", errs, &s, &wait),
                     RC_OK);
    /* The cooperative's accounts, for its staff. */
    snprintf(id, sizeof id, "%lld", f->coop_a);
    assert_int_equal(account_list_coop(f->db, &f->staff_a, id, 20, NULL,
                                       errs, &list),
                     RC_OK);
    assert_int_equal(json_integer_value(json_object_get(list, "total")), 1);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(list, "results"), 0), "email")),
        "ana@example.org");
    json_decref(list);
    assert_int_equal(account_list_coop(f->db, &f->staff_b, id, 20, NULL,
                                       errs, &list),
                     RC_FORBIDDEN);
    json_decref(errs);
}

static void sessions_end(void **state)
{
    struct fix *f = *state;
    struct account_session s, s2;
    struct viewer v;
    char forged[ACCOUNT_TOKEN_LEN + 1];
    json_t *errs = json_array();
    long wait;

    json_decref(create(f->db, &viewer_anonymous,
                       "{'email':'c@example.org','password':'12345678'}",
                       RC_OK, NULL));
    assert_int_equal(login(f->db, "c@example.org", "12345679",
                                   "10.0.2.1", errs, &s, &wait),
                     RC_UNAUTHORIZED);
    assert_true(test_has_error(errs, "password"));
    assert_int_equal(login(f->db, "nobody@example.org", "12345678",
                                   "10.0.2.1", errs, &s, &wait),
                     RC_UNAUTHORIZED);
    assert_int_equal(login(f->db, "c@example.org", "12345678",
                                   "10.0.2.1", errs, &s, &wait),
                     RC_OK);
    /* Only the hash of the token is stored. */
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM session WHERE"
                                       " length(token_hash) = 32"),
                     1);
    assert_int_equal(account_session(f->db, s.token, &v, &s2), RC_OK);
    assert_int_equal(v.role, VIEWER_CLIENT);
    assert_true(v.account_id > 0);
    assert_string_equal(s2.csrf, s.csrf);
    account_token_new(forged);
    assert_int_equal(account_session(f->db, forged, &v, &s2), RC_NOTFOUND);
    assert_int_equal(v.role, VIEWER_ANONYMOUS);
    assert_int_equal(account_session(f->db, "x", &v, &s2), RC_NOTFOUND);
    assert_int_equal(account_session(f->db, "", &v, &s2), RC_NOTFOUND);
    assert_int_equal(account_logout(f->db, s.token), RC_OK);
    assert_int_equal(account_session(f->db, s.token, &v, &s2), RC_NOTFOUND);
    /* Expired. */
    assert_int_equal(login(f->db, "c@example.org", "12345678",
                                   "10.0.2.1", errs, &s, &wait),
                     RC_OK);
    assert_int_equal(sqlite3_exec(db_handle(f->db),
                                  "UPDATE session SET expires_at ="
                                  " '2000-01-01T00:00:00Z'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(account_session(f->db, s.token, &v, &s2), RC_NOTFOUND);
    json_decref(errs);
}

static void login_is_throttled(void **state)
{
    struct fix *f = *state;
    struct account_session s;
    json_t *errs = json_array();
    long wait = 0;
    int i;

    json_decref(create(f->db, &viewer_anonymous,
                       "{'email':'t@example.org','password':'12345678'}",
                       RC_OK, NULL));
    for (i = 0; i < ACCOUNT_FAILURES_PER_ACCOUNT; i++)
        assert_int_equal(login(f->db, "t@example.org", "wrong-one",
                                       "10.0.3.1", errs, &s, &wait),
                         RC_UNAUTHORIZED);
    /* Locked, even with the right password, from another address. */
    assert_int_equal(login(f->db, "T@example.org", "12345678",
                                   "10.0.3.2", errs, &s, &wait),
                     RC_THROTTLED);
    assert_true(wait > 0 && wait <= 60);
    /* Another account from the first address is not locked yet... */
    json_decref(create(f->db, &viewer_anonymous,
                       "{'email':'u@example.org','password':'12345678'}",
                       RC_OK, NULL));
    assert_int_equal(login(f->db, "u@example.org", "12345678",
                                   "10.0.3.1", errs, &s, &wait),
                     RC_OK);
    /* ... until the address itself has failed too often. */
    for (i = 0; i < ACCOUNT_FAILURES_PER_ADDRESS; i++) {
        char email[64];

        snprintf(email, sizeof email, "guess%d@example.org", i);
        login(f->db, email, "wrong-one", "10.0.3.3", errs, &s, &wait);
    }
    assert_int_equal(login(f->db, "u@example.org", "12345678",
                                   "10.0.3.3", errs, &s, &wait),
                     RC_THROTTLED);
    json_decref(errs);
}

static void export_and_erase(void **state)
{
    struct fix *f = *state;
    struct account_session s, s2;
    struct viewer v;
    char token[ACCOUNT_TOKEN_LEN + 1], *text;
    json_t *errs = json_array(), *out = NULL;

    invite(f, f->ent_a, "ana@example.org", token);
    assert_int_equal(activate(f->db, token, "ana's password", errs,
                                      &s),
                     RC_OK);
    assert_int_equal(account_session(f->db, s.token, &v, &s2), RC_OK);
    assert_int_equal(account_export(f->db, &v, &out), RC_OK);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(out, "account"), "email")),
                        "ana@example.org");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(out, "entrepreneur"),
                            "display_name")),
                        "Ana");
    assert_int_equal(json_array_size(json_object_get(out, "sessions")), 1);
    text = json_dumps(out, 0);
    assert_null(strstr(text, s.token)); /* secrets are not data */
    assert_null(strstr(text, "argon2"));
    free(text);
    json_decref(out);
    assert_int_equal(account_export(f->db, &viewer_anonymous, &out),
                     RC_UNAUTHORIZED);

    assert_int_equal(account_erase(f->db, &v), RC_OK);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM account"), 0);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM session"), 0);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM invitation"), 0);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM entrepreneur"
                                       " WHERE display_name = 'Ana'"),
                     0);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM entrepreneur"),
                     2);
    assert_int_equal(account_session(f->db, s.token, &v, &s2), RC_NOTFOUND);
    json_decref(errs);
}

/* The demo's accounts: one per demo entrepreneur and cooperative. */
static void demo_accounts(void **state)
{
    char dir[] = "/tmp/essaim-demo-XXXXXX", path[96];
    struct db *db = NULL;
    struct dir_demo_stats st;
    struct account_session s, s2;
    struct viewer v;
    json_t *errs = json_array();
    char email[64];
    long n = 0, wait;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/d.db", dir);
    assert_int_equal(db_open(path, NULL, &db), RC_OK);
    assert_int_equal(search_place_ensure(db), RC_OK);
    assert_int_equal(search_trade_ensure(db), RC_OK);
    assert_int_equal(dir_demo(db, 40, 1, &st), RC_OK);
    assert_int_equal(account_demo(db, "essaim-demo", &n), RC_OK);
    assert_int_equal(n, st.entrepreneurs + st.cooperatives);
    snprintf(email, sizeof email, "demo-%d@essaim.demo",
             test_count(db, "SELECT min(substr(external_id, 6) + 0)"
                            " FROM entrepreneur"));
    assert_int_equal(account_login(db, email, "essaim-demo", "10.0.9.1",
                                   errs, &s, &wait),
                     RC_OK);
    assert_int_equal(account_session(db, s.token, &v, &s2), RC_OK);
    assert_int_equal(v.role, VIEWER_ENTREPRENEUR);
    assert_true(v.entrepreneur_id > 0);
    assert_int_equal(account_login(db, "staff-coop-1@essaim.demo",
                                   "essaim-demo", "10.0.9.1", errs, &s,
                                   &wait),
                     RC_OK);
    json_decref(errs);
    db_close(db);
    snprintf(path, sizeof path, "rm -rf %s", dir);
    assert_int_equal(system(path), 0);
}

/* ========================================================== end to end */

TEST_SERVER_SUITE(server)

/* The people of the matrix, and what they act on. */
enum actor { ANON, CLIENT, PEER, ENT_A, STAFF_A, STAFF_B, ADMIN, NACTORS };
static const char *const actor_names[] = {
    "anonymous", "client", "peer", "entrepreneur of A (owner of e_own)",
    "staff of A", "staff of B", "admin"};

struct world {
    char coop_a[16], coop_b[16];
    char e_own[16];   /* coop A, 'cooperative': ENT_A's own profile */
    char e_mate[16];  /* coop A, 'private': a colleague of ENT_A */
    char e_other[16]; /* coop B, 'public' */
    char e_hidden[16]; /* coop B, 'private' */
    char o_own[16], o_other[16], o_hidden[16]; /* an offer of each of
                                                  e_own, e_other, e_hidden */
    char token[NACTORS][64];
    char account[NACTORS][16]; /* account ids */
};

static struct world w;

/* post_id: POST body as token, expecting want; copy the answer's field
 * (id, or token of invitation) into dst. */
static void post_id(const char *token, const char *path, const char *body,
                    long want, char *dst, size_t size)
{
    json_t *out = NULL;
    long st = test_call(&server, token, "POST", path, body, &out);

    if (st != want)
        fail_msg("POST %s %s: %ld, want %ld: %s", path, body, st, want,
                 out ? json_dumps(out, 0) : "");
    if (dst)
        snprintf(dst, size, "%s",
                 json_string_value(json_object_get(out, "id")));
    json_decref(out);
}

static void ent_body(char *buf, size_t size, const char *coop,
                     const char *name, const char *vis)
{
    snprintf(buf, size,
             "{\"cooperative_id\":\"%s\",\"display_name\":\"%s\","
             "\"headline\":\"Ébéniste\",\"location\":{\"insee\":\"44109\"},"
             "\"visibility\":\"%s\"}",
             coop, name, vis);
}

#define OFFER_BODY                                                           \
    "{\"title\":\"Tournage sur bois\",\"trades\":[{\"scheme\":\"rome\","     \
    "\"code\":\"A1203\"}]}"

/* account: an account made by admin (a password) or invited (staff,
 * entrepreneur: activated here); its token in w.token[a]. */
static void account(enum actor a, const char *request)
{
    char body[512], email[64], tok[64];
    json_t *out = NULL, *inv;
    long st;

    snprintf(body, sizeof body, "%s", request);
    st = test_call(&server, server.admin, "POST", "/api/v1/accounts", body, &out);
    if (st != 201) fail_msg("account %s: %ld", body, st);
    snprintf(email, sizeof email, "%s",
             json_string_value(json_object_get(out, "email")));
    snprintf(w.account[a], sizeof w.account[a], "%s",
             json_string_value(json_object_get(out, "id")));
    inv = json_object_get(out, "invitation");
    if (inv) {
        snprintf(body, sizeof body,
                 "{\"token\":\"%s\",\"password\":\"secret-%d\"}",
                 json_string_value(json_object_get(inv, "token")), (int)a);
        json_decref(out);
        out = NULL;
        assert_int_equal(test_call(&server, NULL, "POST", "/api/v1/auth/activate", body,
                              &out),
                         200);
        snprintf(w.token[a], sizeof w.token[a], "%s",
                 json_string_value(json_object_get(out, "token")));
    } else {
        snprintf(tok, sizeof tok, "secret-%d", (int)a);
        test_login(&server, email, tok, w.token[a], sizeof w.token[a]);
    }
    json_decref(out);
}

/* offer_of: an offer of entrepreneur ent made by the admin; its id. */
static void offer_of(const char *ent, char *id, size_t size)
{
    char path[96];

    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s/offers", ent);
    post_id(server.admin, path, OFFER_BODY, 201, id, size);
}

static void build_world(void)
{
    char body[512];

    if (*w.coop_a) return;
    post_id(server.admin, "/api/v1/cooperatives", "{\"name\":\"Coop A\"}",
            201, w.coop_a, sizeof w.coop_a);
    post_id(server.admin, "/api/v1/cooperatives", "{\"name\":\"Coop B\"}",
            201, w.coop_b, sizeof w.coop_b);
    ent_body(body, sizeof body, w.coop_a, "Owen", "cooperative");
    post_id(server.admin, "/api/v1/entrepreneurs", body, 201, w.e_own,
            sizeof w.e_own);
    ent_body(body, sizeof body, w.coop_a, "Mate", "private");
    post_id(server.admin, "/api/v1/entrepreneurs", body, 201, w.e_mate,
            sizeof w.e_mate);
    ent_body(body, sizeof body, w.coop_b, "Otto", "public");
    post_id(server.admin, "/api/v1/entrepreneurs", body, 201, w.e_other,
            sizeof w.e_other);
    ent_body(body, sizeof body, w.coop_b, "Hidi", "private");
    post_id(server.admin, "/api/v1/entrepreneurs", body, 201, w.e_hidden,
            sizeof w.e_hidden);
    offer_of(w.e_own, w.o_own, sizeof w.o_own);
    offer_of(w.e_other, w.o_other, sizeof w.o_other);
    offer_of(w.e_hidden, w.o_hidden, sizeof w.o_hidden);
    account(CLIENT,
            "{\"email\":\"client@example.org\",\"password\":\"secret-1\"}");
    account(PEER, "{\"email\":\"peer@example.org\",\"password\":"
                  "\"secret-2\",\"role\":\"peer\"}");
    snprintf(body, sizeof body,
             "{\"email\":\"owen@example.org\",\"role\":\"entrepreneur\","
             "\"entrepreneur_id\":\"%s\"}",
             w.e_own);
    account(ENT_A, body);
    snprintf(body, sizeof body,
             "{\"email\":\"staff-a@example.org\",\"role\":\"staff\","
             "\"cooperative_id\":\"%s\"}",
             w.coop_a);
    account(STAFF_A, body);
    snprintf(body, sizeof body,
             "{\"email\":\"staff-b@example.org\",\"role\":\"staff\","
             "\"cooperative_id\":\"%s\"}",
             w.coop_b);
    account(STAFF_B, body);
    snprintf(w.token[ADMIN], sizeof w.token[ADMIN], "%s", server.admin);
}

/* One row of the matrix: a route with an id, a target, the status each
 * actor must get. */
struct row {
    const char *method;
    const char *path;   /* with {id} for the id */
    int target;         /* index into the targets below */
    const char *body;   /* or NULL */
    int want[NACTORS];  /* ANON CLIENT PEER ENT_A STAFF_A STAFF_B ADMIN */
};

enum {
    T_COOP_A, T_COOP_B, T_OWN, T_MATE, T_OTHER, T_HIDDEN,
    T_ACC_ENT_A, T_ACC_STAFF_B, T_ACC_CLIENT,
    T_OFFER_OWN, T_OFFER_OTHER, T_OFFER_HIDDEN
};

static const char *target_id(int t)
{
    switch (t) {
    case T_COOP_A: return w.coop_a;
    case T_COOP_B: return w.coop_b;
    case T_OWN: return w.e_own;
    case T_MATE: return w.e_mate;
    case T_OTHER: return w.e_other;
    case T_HIDDEN: return w.e_hidden;
    case T_ACC_ENT_A: return w.account[ENT_A];
    case T_ACC_STAFF_B: return w.account[STAFF_B];
    case T_OFFER_OWN: return w.o_own;
    case T_OFFER_OTHER: return w.o_other;
    case T_OFFER_HIDDEN: return w.o_hidden;
    default: return w.account[CLIENT];
    }
}

/* The expected statuses. Reading a profile one may not see is 404 (its
 * existence stays hidden); changing one one may see but not change is
 * 403 (401 when anonymous). */
static const struct row matrix[] = {
    /*                                        ANON CLI PEER ENT STA STB ADM */
    {"GET", "/api/v1/cooperatives/{id}", T_COOP_A, NULL,
     {200, 200, 200, 200, 200, 200, 200}},
    {"PATCH", "/api/v1/cooperatives/{id}", T_COOP_A,
     "{\"description\":\"Coopérative d'activité\"}",
     {401, 403, 403, 403, 200, 403, 200}},
    {"PATCH", "/api/v1/cooperatives/{id}", T_COOP_B,
     "{\"description\":\"Coopérative d'activité\"}",
     {401, 403, 403, 403, 403, 200, 200}},
    {"GET", "/api/v1/cooperatives/{id}/audit", T_COOP_A, NULL,
     {401, 403, 403, 403, 200, 403, 200}},
    {"GET", "/api/v1/cooperatives/{id}/audit", T_COOP_B, NULL,
     {401, 403, 403, 403, 403, 200, 200}},
    {"GET", "/api/v1/cooperatives/{id}/accounts", T_COOP_A, NULL,
     {401, 403, 403, 403, 200, 403, 200}},
    {"GET", "/api/v1/cooperatives/{id}/accounts", T_COOP_B, NULL,
     {401, 403, 403, 403, 403, 200, 200}},
    /* A new invitation (a forgotten password): the account's staff. */
    {"POST", "/api/v1/accounts/{id}/invitation", T_ACC_ENT_A, NULL,
     {401, 403, 403, 403, 201, 403, 201}},
    {"POST", "/api/v1/accounts/{id}/invitation", T_ACC_STAFF_B, NULL,
     {401, 403, 403, 403, 403, 201, 201}},
    {"POST", "/api/v1/accounts/{id}/invitation", T_ACC_CLIENT, NULL,
     {401, 403, 403, 403, 403, 403, 201}},
    {"GET", "/api/v1/entrepreneurs/{id}", T_OWN, NULL,
     {404, 404, 404, 200, 200, 404, 200}},
    {"GET", "/api/v1/entrepreneurs/{id}", T_MATE, NULL,
     {404, 404, 404, 404, 200, 404, 200}},
    {"GET", "/api/v1/entrepreneurs/{id}", T_OTHER, NULL,
     {200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/api/v1/entrepreneurs/{id}", T_HIDDEN, NULL,
     {404, 404, 404, 404, 404, 200, 200}},
    {"PATCH", "/api/v1/entrepreneurs/{id}", T_OWN, "{\"headline\":\"Tourneur\"}",
     {404, 404, 404, 200, 200, 404, 200}},
    {"PATCH", "/api/v1/entrepreneurs/{id}", T_MATE, "{\"headline\":\"Tourneur\"}",
     {404, 404, 404, 404, 200, 404, 200}},
    {"PATCH", "/api/v1/entrepreneurs/{id}", T_OTHER,
     "{\"headline\":\"Tourneur\"}", {401, 403, 403, 403, 403, 200, 200}},
    {"PATCH", "/api/v1/entrepreneurs/{id}", T_HIDDEN,
     "{\"headline\":\"Tourneur\"}", {404, 404, 404, 404, 404, 200, 200}},
    /* Moving one's own profile to another cooperative: staff's call. */
    {"PATCH", "/api/v1/entrepreneurs/{id}", T_OWN, "MOVE_TO_B",
     {404, 404, 404, 403, 403, 404, 200}},
    /* Offers (offer/): read as their owner's profile, written by who
     * writes it (retiring: tests/test_offer.c). */
    {"GET", "/api/v1/offers/{id}", T_OFFER_OWN, NULL,
     {404, 404, 404, 200, 200, 404, 200}},
    {"GET", "/api/v1/offers/{id}", T_OFFER_OTHER, NULL,
     {200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/api/v1/offers/{id}", T_OFFER_HIDDEN, NULL,
     {404, 404, 404, 404, 404, 200, 200}},
    {"PATCH", "/api/v1/offers/{id}", T_OFFER_OWN, "{\"title\":\"Tournage\"}",
     {401, 404, 404, 200, 200, 404, 200}},
    {"PATCH", "/api/v1/offers/{id}", T_OFFER_OTHER,
     "{\"title\":\"Tournage\"}", {401, 403, 403, 403, 403, 200, 200}},
    {"PATCH", "/api/v1/offers/{id}", T_OFFER_HIDDEN,
     "{\"title\":\"Tournage\"}", {401, 404, 404, 404, 404, 200, 200}},
    {"GET", "/api/v1/entrepreneurs/{id}/offers", T_OWN, NULL,
     {404, 404, 404, 200, 200, 404, 200}},
    {"GET", "/api/v1/entrepreneurs/{id}/offers", T_OTHER, NULL,
     {200, 200, 200, 200, 200, 200, 200}},
    {"POST", "/api/v1/entrepreneurs/{id}/offers", T_OWN, OFFER_BODY,
     {401, 404, 404, 201, 201, 404, 201}},
    {"POST", "/api/v1/entrepreneurs/{id}/offers", T_OTHER, OFFER_BODY,
     {401, 403, 403, 403, 403, 201, 201}},
    {"POST", "/api/v1/entrepreneurs/{id}/offers", T_HIDDEN, OFFER_BODY,
     {401, 404, 404, 404, 404, 201, 201}},
    {"DELETE", "/api/v1/entrepreneurs/{id}", T_OWN, NULL,
     {404, 404, 404, 204, 204, 404, 204}},
    {"DELETE", "/api/v1/entrepreneurs/{id}", T_MATE, NULL,
     {404, 404, 404, 404, 204, 404, 204}},
    {"DELETE", "/api/v1/entrepreneurs/{id}", T_OTHER, NULL,
     {401, 403, 403, 403, 403, 204, 204}},
    {"DELETE", "/api/v1/entrepreneurs/{id}", T_HIDDEN, NULL,
     {404, 404, 404, 404, 404, 204, 204}},
};

/* fresh_copy: a new profile like target t (same cooperative and
 * visibility), for a call that would destroy t. (The owner's own
 * profile cannot be copied: the owner deletes the real one, last.) */
static void fresh_copy(int t, char *id, size_t size)
{
    static const char *const vis[] = {"", "", "cooperative", "private",
                                      "public", "private"};
    char body[512];

    ent_body(body, sizeof body, t == T_OTHER || t == T_HIDDEN ? w.coop_b
                                                              : w.coop_a,
             "Copy", vis[t]);
    post_id(server.admin, "/api/v1/entrepreneurs", body, 201, id, size);
}

/* expand: pattern with {id} replaced by id. */
static void expand(const char *pattern, const char *id, char *out,
                   size_t size)
{
    const char *p = strstr(pattern, "{id}");

    assert_non_null(p);
    snprintf(out, size, "%.*s%s%s", (int)(p - pattern), pattern, id, p + 4);
}

static void check_call(const struct row *m, enum actor a, const char *id)
{
    char path[128], body[256];
    const char *b = m->body;
    long st;

    expand(m->path, id, path, sizeof path);
    if (b && !strcmp(b, "MOVE_TO_B")) {
        snprintf(body, sizeof body, "{\"cooperative_id\":\"%s\"}", w.coop_b);
        b = body;
    }
    st = test_call(&server, a == ANON ? NULL : w.token[a], m->method, path, b, NULL);
    if (st != m->want[a])
        fail_msg("%s %s (%s) as %s: %ld, want %d", m->method, m->path,
                 path, actor_names[a], st, m->want[a]);
}

static void authorization_matrix(void **state)
{
    size_t i;
    int a;
    long st;

    (void)state;
    build_world();
    for (i = 0; i < sizeof matrix / sizeof matrix[0]; i++) {
        const struct row *m = &matrix[i];
        int destructive = !strcmp(m->method, "DELETE") ||
                          (m->body && !strcmp(m->body, "MOVE_TO_B"));

        for (a = 0; a < NACTORS; a++) {
            char copy[16];

            if (!destructive || m->want[a] >= 400) {
                check_call(m, (enum actor)a, target_id(m->target));
                continue;
            }
            if (m->target == T_OWN && a == ENT_A) continue; /* below */
            fresh_copy(m->target, copy, sizeof copy);
            check_call(m, (enum actor)a, copy);
        }
    }
    /* The refused calls changed nothing: every target is still there. */
    for (i = T_OWN; i <= T_HIDDEN; i++) {
        char path[64];
        json_t *doc = NULL;

        snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s",
                 target_id((int)i));
        assert_int_equal(test_call(&server, server.admin, "GET", path, NULL, &doc), 200);
        json_decref(doc);
    }
    /* Last: the owner deletes their own profile. */
    {
        char path[64];

        snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", w.e_own);
        st = test_call(&server, w.token[ENT_A], "DELETE", path, NULL, NULL);
        assert_int_equal(st, 204);
        assert_int_equal(test_call(&server, server.admin, "GET", path, NULL, NULL), 404);
    }
}

static long search_total(const char *token, const char *q);

/* The contract's journey with passwords given at creation: an
 * administrator makes a staff member, who makes an entrepreneur, who edits
 * only their own profile; a client registers and searches. */
static void journey_with_passwords(void **state)
{
    char body[512], tok_staff[64], tok_ent[64], tok_client[64], path[64];
    char id[16];
    json_t *out = NULL;

    (void)state;
    build_world();
    snprintf(body, sizeof body,
             "{\"email\":\"staff2@example.org\",\"password\":"
             "\"staff2-password\",\"role\":\"staff\",\"cooperative_id\":"
             "\"%s\"}",
             w.coop_a);
    assert_int_equal(test_call(&server, server.admin, "POST", "/api/v1/accounts", body,
                          NULL),
                     201);
    test_login(&server, "staff2@example.org", "staff2-password", tok_staff,
               sizeof tok_staff);
    ent_body(body, sizeof body, w.coop_a, "Jade", "private");
    post_id(tok_staff, "/api/v1/entrepreneurs", body, 201, id, sizeof id);
    snprintf(body, sizeof body,
             "{\"email\":\"jade@example.org\",\"password\":"
             "\"jade-password\",\"role\":\"entrepreneur\","
             "\"entrepreneur_id\":\"%s\",\"cooperative_id\":\"%s\"}",
             id, w.coop_a);
    assert_int_equal(test_call(&server, tok_staff, "POST", "/api/v1/accounts", body, &out),
                     201);
    assert_null(json_object_get(out, "invitation"));
    json_decref(out);
    test_login(&server, "jade@example.org", "jade-password", tok_ent,
               sizeof tok_ent);
    assert_int_equal(test_call(&server, tok_ent, "GET", "/api/v1/me", NULL, &out), 200);
    assert_string_equal(
        json_string_value(json_object_get(out, "entrepreneur_id")), id);
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", id);
    assert_int_equal(test_call(&server, tok_ent, "PATCH", path,
                          "{\"headline\":\"Vannière\"}", NULL),
                     200);
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", w.e_other);
    assert_int_equal(test_call(&server, tok_ent, "PATCH", path,
                          "{\"headline\":\"Vannière\"}", NULL),
                     403);
    assert_int_equal(test_call(&server, NULL, "POST", "/api/v1/accounts",
                          "{\"email\":\"buyer@example.org\",\"password\":"
                          "\"buyer-password\",\"role\":\"client\"}",
                          NULL),
                     201);
    test_login(&server, "buyer@example.org", "buyer-password", tok_client,
               sizeof tok_client);
    assert_int_equal(search_total(tok_client, "vanniere"), 0); /* private */
    assert_int_equal(search_total(tok_staff, "vanniere"), 1);
}

/* Creating in a cooperative: its staff and administrators only. */
static void creating_profiles(void **state)
{
    static const int want_a[NACTORS] = {401, 403, 403, 403, 201, 403, 201};
    char body[512];
    int a;

    (void)state;
    build_world();
    for (a = 0; a < NACTORS; a++) {
        json_t *out = NULL;
        long st;

        ent_body(body, sizeof body, w.coop_a, "New", "public");
        st = test_call(&server, a == ANON ? NULL : w.token[a], "POST",
                  "/api/v1/entrepreneurs", body, &out);
        if (st != want_a[a])
            fail_msg("POST /entrepreneurs in A as %s: %ld, want %d",
                     actor_names[a], st, want_a[a]);
        json_decref(out);
    }
    /* New cooperatives: administrators. */
    assert_int_equal(test_call(&server, w.token[STAFF_A], "POST", "/api/v1/cooperatives",
                          "{\"name\":\"Coop C\"}", NULL),
                     403);
    assert_int_equal(test_call(&server, NULL, "POST", "/api/v1/cooperatives",
                          "{\"name\":\"Coop C\"}", NULL),
                     401);
}

static void bad_tokens_are_refused(void **state)
{
    char forged[ACCOUNT_TOKEN_LEN + 1], tok[64];
    struct test_reply r;
    struct db *db = NULL;
    const char *const basic[] = {"Authorization: Basic YTpi", NULL};

    (void)state;
    build_world();
    account_token_new(forged);
    assert_int_equal(test_call(&server, forged, "GET", "/api/v1/me", NULL, NULL), 401);
    /* A bad token is refused even where anonymous readers are welcome. */
    assert_int_equal(test_call(&server, forged, "GET", "/api/v1/cooperatives", NULL, NULL),
                     401);
    assert_int_equal(test_call(&server, "not a token", "GET", "/api/v1/me", NULL, NULL),
                     401);
    test_http_full(&server, NULL, "GET", "/api/v1/me", NULL, NULL, basic, &r);
    assert_int_equal(r.status, 401);
    assert_non_null(strstr(buf_str(&r.headers), "WWW-Authenticate: Bearer"));
    test_reply_free(&r);
    /* Signed out. */
    test_login(&server, "client@example.org", "secret-1", tok, sizeof tok);
    assert_int_equal(test_call(&server, tok, "GET", "/api/v1/me", NULL, NULL), 200);
    assert_int_equal(test_call(&server, tok, "POST", "/api/v1/auth/logout", NULL, NULL),
                     204);
    assert_int_equal(test_call(&server, tok, "GET", "/api/v1/me", NULL, NULL), 401);
    /* Expired. */
    test_login(&server, "client@example.org", "secret-1", tok, sizeof tok);
    assert_int_equal(db_open(server.db, NULL, &db), RC_OK);
    assert_int_equal(db_exec(db, "UPDATE session SET expires_at ="
                                 " '2020-01-01T00:00:00Z' WHERE created_at >"
                                 " '2000' AND account_id = (SELECT id FROM"
                                 " account WHERE email ="
                                 " 'client@example.org')"),
                     RC_OK);
    db_close(db);
    assert_int_equal(test_call(&server, tok, "GET", "/api/v1/me", NULL, NULL), 401);
    /* The other sessions of the client are gone too (all expired); the
     * client signs in again. */
    test_login(&server, "client@example.org", "secret-1", w.token[CLIENT],
               sizeof w.token[CLIENT]);
}

/* cookie_value: the value of cookie name in the Set-Cookie headers. */
static void cookie_value(struct test_reply *r, const char *name,
                         char *out, size_t size)
{
    char pat[64];
    const char *p;
    size_t n = 0;

    snprintf(pat, sizeof pat, "Set-Cookie: %s=", name);
    p = strstr(buf_str(&r->headers), pat);
    assert_non_null(p);
    p += strlen(pat);
    while (p[n] && p[n] != ';' && n + 1 < size) n++;
    memcpy(out, p, n);
    out[n] = 0;
}

static void cookies_need_csrf_for_writes(void **state)
{
    const char *const xfp[] = {"X-Forwarded-Proto: https", NULL};
    char sess[64], csrf[64], cookie[160], hcsrf[128], path[64];
    const char *hdr[3];
    struct test_reply r;
    const char *h;

    (void)state;
    build_world();
    test_http_full(&server, NULL, "POST", "/api/v1/auth/login",
                   "{\"email\":\"staff-a@example.org\",\"password\":"
                   "\"secret-4\"}",
                   NULL, xfp, &r);
    assert_int_equal(r.status, 200);
    h = strstr(buf_str(&r.headers), "Set-Cookie: essaim_session=");
    assert_non_null(h);
    assert_non_null(strstr(h, "HttpOnly"));
    assert_non_null(strstr(h, "SameSite=Lax"));
    assert_non_null(strstr(h, "Secure")); /* behind an HTTPS proxy */
    cookie_value(&r, "essaim_session", sess, sizeof sess);
    cookie_value(&r, "essaim_csrf", csrf, sizeof csrf);
    assert_string_equal(
        csrf, json_string_value(json_object_get(r.json, "csrf")));
    test_reply_free(&r);
    snprintf(cookie, sizeof cookie, "Cookie: essaim_session=%s", sess);
    snprintf(hcsrf, sizeof hcsrf, "X-CSRF-Token: %s", csrf);
    hdr[0] = cookie;
    hdr[1] = NULL;
    /* Reads need only the cookie. */
    test_http_full(&server, NULL, "GET", "/api/v1/me", NULL, NULL, hdr, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "role")),
                        "staff");
    test_reply_free(&r);
    /* A write without the CSRF token: refused, nothing changed. */
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", w.e_mate);
    test_http_full(&server, NULL, "PATCH", path, "{\"headline\":\"Forged\"}",
                   NULL, hdr, &r);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(buf_str(&r.body), "X-CSRF-Token"));
    test_reply_free(&r);
    hdr[1] = "X-CSRF-Token: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    hdr[2] = NULL;
    test_http_full(&server, NULL, "PATCH", path, "{\"headline\":\"Forged\"}",
                   NULL, hdr, &r);
    assert_int_equal(r.status, 403);
    test_reply_free(&r);
    test_http_as(&server, server.admin, "GET", path, NULL, NULL, &r);
    assert_string_not_equal(
        json_string_value(json_object_get(r.json, "headline")), "Forged");
    test_reply_free(&r);
    /* With it: done. */
    hdr[1] = hcsrf;
    test_http_full(&server, NULL, "PATCH", path, "{\"headline\":\"Sculpteur\"}",
                   NULL, hdr, &r);
    assert_int_equal(r.status, 200);
    test_reply_free(&r);
    /* Signing out clears the cookies. */
    test_http_full(&server, NULL, "POST", "/api/v1/auth/logout", NULL, NULL,
                   hdr, &r);
    assert_int_equal(r.status, 204);
    assert_non_null(strstr(buf_str(&r.headers),
                           "Set-Cookie: essaim_session=; Path=/; Max-Age=0"));
    test_reply_free(&r);
    hdr[1] = NULL;
    test_http_full(&server, NULL, "GET", "/api/v1/me", NULL, NULL, hdr, &r);
    assert_int_equal(r.status, 401);
    test_reply_free(&r);
    /* Over plain HTTP the cookie is not marked Secure. */
    test_http_full(&server, NULL, "POST", "/api/v1/auth/login",
                   "{\"email\":\"staff-a@example.org\",\"password\":"
                   "\"secret-4\"}",
                   NULL, NULL, &r);
    assert_null(strstr(buf_str(&r.headers), "Secure"));
    cookie_value(&r, "essaim_session", sess, sizeof sess);
    test_reply_free(&r);
}

static void http_throttle_says_when(void **state)
{
    struct test_reply r;
    int i;

    (void)state;
    build_world();
    assert_int_equal(test_call(&server, NULL, "POST", "/api/v1/accounts",
                          "{\"email\":\"victim@example.org\",\"password\":"
                          "\"victim-password\"}",
                          NULL),
                     201);
    for (i = 0; i < ACCOUNT_FAILURES_PER_ACCOUNT; i++)
        assert_int_equal(test_call(&server, NULL, "POST", "/api/v1/auth/login",
                              "{\"email\":\"victim@example.org\","
                              "\"password\":\"guess-guess\"}",
                              NULL),
                         401);
    test_http_as(&server, NULL, "POST", "/api/v1/auth/login",
                 "{\"email\":\"victim@example.org\",\"password\":"
                 "\"victim-password\"}",
                 NULL, &r);
    assert_int_equal(r.status, 429);
    assert_non_null(strstr(buf_str(&r.headers), "Retry-After: "));
    test_reply_free(&r);
    /* Missing fields are named, not counted as failures. */
    test_http_as(&server, NULL, "POST", "/api/v1/auth/login", "{}", NULL, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(buf_str(&r.body), "\"email\""));
    test_reply_free(&r);
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* median_login: the median time of n sign-ins with this body, ms. */
static double median_login(const char *body, long want, int n)
{
    double t[16];
    int i;

    for (i = 0; i < n; i++) {
        double t0 = now_ms();
        long st = test_call(&server, NULL, "POST", "/api/v1/auth/login", body, NULL);

        t[i] = now_ms() - t0;
        assert_int_equal(st, want);
    }
    qsort(t, (size_t)n, sizeof t[0], cmp_double);
    return t[n / 2];
}

/* A wrong password, or an unknown address, costs the same argon2 work as
 * a right password: the time tells nothing. With real parameters (the
 * defaults of essaim), 3 sign-ins of each (under the throttle's limit). */
static void wrong_password_takes_as_long(void **state)
{
    double right, wrong, unknown;

    (void)state;
    build_world();
    assert_int_equal(account_init(2, 19456 * 1024, 0), 0);
    assert_int_equal(test_call(&server, NULL, "POST", "/api/v1/accounts",
                          "{\"email\":\"timing@example.org\",\"password\":"
                          "\"timing-password\"}",
                          NULL),
                     201);
    right = median_login("{\"email\":\"timing@example.org\",\"password\":"
                         "\"timing-password\"}",
                         200, 3);
    wrong = median_login("{\"email\":\"timing@example.org\",\"password\":"
                         "\"timing-passwore\"}",
                         401, 3);
    unknown = median_login("{\"email\":\"nobody-here@example.org\","
                           "\"password\":\"timing-password\"}",
                           401, 3);
    assert_int_equal(account_init(1, 8192, 0), 0);
    print_message("sign-in median: right %.1f ms, wrong %.1f ms, unknown"
                  " %.1f ms\n",
                  right, wrong, unknown);
    /* argon2 (19 MiB, 2 passes) is most of the time on every path. */
    assert_true(right > 5);
    assert_true(wrong > right * 0.6 && wrong < right * 1.6);
    assert_true(unknown > right * 0.6 && unknown < right * 1.6);
}

/* file_has: whether the file holds the bytes of s. */
static int file_has(const char *path, const char *s)
{
    FILE *f = fopen(path, "rb");
    struct buf b = {0};
    char chunk[65536];
    size_t n;
    int found;

    if (!f) return 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_add(&b, chunk, n);
    fclose(f);
    found = b.len && memmem(b.p, b.len, s, strlen(s)) != NULL;
    buf_free(&b);
    return found;
}

static long search_total(const char *token, const char *q)
{
    char path[256];
    json_t *out = NULL;
    long total;

    snprintf(path, sizeof path, "/api/v1/search?q=%s", q);
    assert_int_equal(test_call(&server, token, "GET", path, NULL, &out), 200);
    total = (long)json_integer_value(json_object_get(out, "total"));
    json_decref(out);
    return total;
}

/* The canary: written in a profile, erased by its owner, found in
 * neither the database file nor the WAL. */
static void erasure_leaves_no_trace(void **state)
{
    static const char canary[] = "Zorglubesque Quetzalcanari";
    char body[512], id[16], wal[160], tok[64], path[64], *text;
    json_t *out = NULL;
    int before;

    (void)state;
    build_world();
    snprintf(body, sizeof body,
             "{\"cooperative_id\":\"%s\",\"display_name\":\"%s\","
             "\"headline\":\"Quetzalcanari du bois\",\"description\":"
             "\"Je suis %s, menuisier.\",\"location\":{\"insee\":\"44109\"},"
             "\"visibility\":\"public\"}",
             w.coop_a, canary, canary);
    post_id(w.token[STAFF_A], "/api/v1/entrepreneurs", body, 201, id,
            sizeof id);
    snprintf(body, sizeof body,
             "{\"email\":\"canary@example.org\",\"role\":\"entrepreneur\","
             "\"entrepreneur_id\":\"%s\"}",
             id);
    assert_int_equal(test_call(&server, w.token[STAFF_A], "POST", "/api/v1/accounts", body,
                          &out),
                     201);
    snprintf(body, sizeof body,
             "{\"token\":\"%s\",\"password\":\"canary-password\"}",
             json_string_value(json_object_get(
                 json_object_get(out, "invitation"), "token")));
    json_decref(out);
    assert_int_equal(test_call(&server, NULL, "POST", "/api/v1/auth/activate", body, &out),
                     200);
    snprintf(tok, sizeof tok, "%s",
             json_string_value(json_object_get(out, "token")));
    json_decref(out);
    assert_int_equal(search_total(NULL, "quetzalcanari"), 1);
    /* The canary is in the files before (so this test can fail). */
    snprintf(wal, sizeof wal, "%s-wal", server.db);
    before = file_has(server.db, "Quetzalcanari") ||
             file_has(wal, "Quetzalcanari");
    assert_true(before);
    assert_true(file_has(server.db, "canary@example.org") ||
                file_has(wal, "canary@example.org"));
    assert_true(file_has(server.db, "orglub") || file_has(wal, "orglub"));

    assert_int_equal(test_call(&server, tok, "DELETE", "/api/v1/me", NULL, NULL), 204);
    assert_int_equal(test_call(&server, tok, "GET", "/api/v1/me", NULL, NULL), 401);
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", id);
    assert_int_equal(test_call(&server, server.admin, "GET", path, NULL, NULL), 404);
    assert_int_equal(search_total(NULL, "quetzalcanari"), 0);
    /* Neither the words as written nor as indexed (folded, stemmed). */
    assert_false(file_has(server.db, "Quetzalcanari"));
    assert_false(file_has(wal, "Quetzalcanari"));
    assert_false(file_has(server.db, "uetzalcan"));
    assert_false(file_has(wal, "uetzalcan"));
    assert_false(file_has(server.db, "orglub"));
    assert_false(file_has(wal, "orglub"));
    assert_false(file_has(server.db, "canary@example.org"));
    assert_false(file_has(wal, "canary@example.org"));
    /* The audit log keeps ids only. */
    snprintf(path, sizeof path, "/api/v1/cooperatives/%s/audit?limit=100",
             w.coop_a);
    assert_int_equal(test_call(&server, w.token[STAFF_A], "GET", path, NULL, &out), 200);
    assert_true(json_array_size(json_object_get(out, "results")) > 0);
    text = json_dumps(out, 0);
    assert_null(strstr(text, "uetzal"));
    free(text);
    json_decref(out);
}

/* trade_facet: the count of trade code in the facets of a search of
 * everyone near Nantes, as token sees it (0 when absent). */
static long trade_facet(const char *token, const char *code, long *total)
{
    json_t *out = NULL, *n;
    long count;

    assert_int_equal(test_call(&server, token, "GET", "/api/v1/search?near=44109", NULL,
                          &out),
                     200);
    n = json_object_get(json_object_get(json_object_get(out, "facets"),
                                        "trade"),
                        code);
    count = n ? (long)json_integer_value(json_object_get(n, "count")) : 0;
    if (n && json_is_integer(n)) count = (long)json_integer_value(n);
    *total = (long)json_integer_value(json_object_get(out, "total"));
    json_decref(out);
    return count;
}

/* A private profile is seen by nobody outside its cooperative: not in
 * results, not in facet counts. */
static void search_honours_visibility(void **state)
{
    char body[512], id[16];
    const char *who[4];
    long total, total_staff;
    size_t i;

    (void)state;
    build_world();
    who[0] = NULL;
    who[1] = w.token[CLIENT];
    who[2] = w.token[STAFF_B];
    who[3] = w.token[PEER];
    snprintf(body, sizeof body,
             "{\"cooperative_id\":\"%s\",\"display_name\":\"Privée\","
             "\"headline\":\"Marqueteuse\",\"location\":{\"insee\":\"44109\"},"
             "\"visibility\":\"private\",\"trades\":[{\"scheme\":\"rome\","
             "\"code\":\"H2207\"}]}",
             w.coop_a);
    post_id(w.token[STAFF_A], "/api/v1/entrepreneurs", body, 201, id,
            sizeof id);
    assert_int_equal(trade_facet(w.token[STAFF_A], "H2207", &total_staff),
                     1);
    for (i = 0; i < sizeof who / sizeof who[0]; i++) {
        assert_int_equal(search_total(who[i], "marqueteuse"), 0);
        assert_int_equal(trade_facet(who[i], "H2207", &total), 0);
        if (i != 2 && total >= total_staff) /* (staff of B see B's own) */
            fail_msg("%zu: total %ld, staff of A %ld", i, total, total_staff);
    }
    assert_int_equal(search_total(w.token[STAFF_A], "marqueteuse"), 1);
    assert_int_equal(search_total(server.admin, "marqueteuse"), 1);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(tokens_are_random_and_url_safe),
        cmocka_unit_test(passwords_hash_and_verify),
        cmocka_unit_test(throttle_locks_and_doubles),
    };
    const struct CMUnitTest mem[] = {
        cmocka_unit_test_setup_teardown(self_registration_makes_clients,
                                        fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(staff_invite_only_their_entrepreneurs,
                                        fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(invitation_sets_password_once,
                                        fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(reinvitation_resets_password,
                                        fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(sessions_end, fix_setup,
                                        fix_teardown),
        cmocka_unit_test_setup_teardown(login_is_throttled, fix_setup,
                                        fix_teardown),
        cmocka_unit_test_setup_teardown(export_and_erase, fix_setup,
                                        fix_teardown),
        cmocka_unit_test(demo_accounts),
    };
    const struct CMUnitTest e2e[] = {
        cmocka_unit_test(authorization_matrix),
        cmocka_unit_test(creating_profiles),
        cmocka_unit_test(journey_with_passwords),
        cmocka_unit_test(bad_tokens_are_refused),
        cmocka_unit_test(cookies_need_csrf_for_writes),
        cmocka_unit_test(http_throttle_says_when),
        cmocka_unit_test(wrong_password_takes_as_long),
        cmocka_unit_test(erasure_leaves_no_trace),
        cmocka_unit_test(search_honours_visibility),
    };
    int failed = 0;

    failed += cmocka_run_group_tests_name("account (pure)", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("account (:memory:)", mem, NULL,
                                          NULL);
    failed += cmocka_run_group_tests_name("account (end to end)", e2e,
                                          srv_setup, srv_teardown);
    return failed;
}
