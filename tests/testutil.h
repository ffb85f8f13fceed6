/*
 * testutil.h: shared fixtures of the cmocka suites (header-only).
 *
 *   test_db_new()      a :memory: database with the schema and the
 *                      reference data (copied from a template built once
 *                      per test binary, so each test starts clean)
 *   test_server_*      an essaim server in this process on 127.0.0.1:0,
 *                      on a temporary database file, with an
 *                      administrator signed in (token in t->admin)
 *   test_http()        one HTTP request with libcurl, with the token
 *                      t->token (anonymous while it is empty)
 *   test_http_as()     the same with a given token
 *   test_login()       sign in and copy the token
 */
#ifndef ESSAIM_TESTUTIL_H
#define ESSAIM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../account/account.h"
#include "../search/search.h"
#include "../search/search_place.h"
#include "../search/search_trade.h"
#include "../server/config.h"
#include "../server/srv.h"
#include "../store/db.h"
#include "../util/buf.h"
#include "../util/ids.h"
#include "../util/log.h"
#include "../util/viewer.h"

static struct db *test_template;

/* test_db_new: a fresh :memory: database with places and trades. */
static inline struct db *test_db_new(void)
{
    struct db *db = NULL;
    sqlite3_backup *b;

    log_set_level(LOG_ERROR);
    search_init();
    /* The cheapest argon2id libsodium allows: tests hash many. */
    assert_int_equal(account_init(1, 8192, 0), 0);
    if (!test_template) {
        assert_int_equal(db_open(":memory:", NULL, &test_template), RC_OK);
        assert_int_equal(search_place_ensure(test_template), RC_OK);
        assert_int_equal(search_trade_ensure(test_template), RC_OK);
    }
    assert_int_equal(db_open(":memory:", NULL, &db), RC_OK);
    b = sqlite3_backup_init(db_handle(db), "main", db_handle(test_template),
                            "main");
    assert_non_null(b);
    assert_int_equal(sqlite3_backup_step(b, -1), SQLITE_DONE);
    sqlite3_backup_finish(b);
    return db;
}

/* test_count: the integer an SQL query answers (-1 when none). */
static inline int test_count(struct db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int n = -1;

    assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL),
                     SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* test_json: parse a JSON literal written in a test (single quotes are
 * turned into double quotes for readability). New reference. */
static inline json_t *test_json(const char *text)
{
    char *s = strdup(text), *p;
    json_error_t err;
    json_t *v;

    for (p = s; *p; p++)
        if (*p == '\'') *p = '"';
    v = json_loads(s, 0, &err);
    if (!v) fprintf(stderr, "bad test JSON: %s: %s\n", err.text, text);
    free(s);
    assert_non_null(v);
    return v;
}

/* test_has_error: errs holds an error on field (exact name). */
/* test_make: the id of what create (dir_coop_create, dir_ent_create: the
 * bulk import's signature) makes of the JSON text (single quotes for
 * double), as the system; the test fails when it is refused. */
typedef enum rc (*test_create_fn)(struct db *, const struct viewer *,
                                  json_t *, json_t *, int *, json_t **);

static inline long long test_make(struct db *db, test_create_fn create,
                                  const char *text)
{
    json_t *in = test_json(text), *errs = json_array(), *out = NULL;
    long long id = 0;
    int created;

    if (create(db, &viewer_system, in, errs, &created, &out) != RC_OK)
        fail_msg("%s: %s", text, json_dumps(errs, 0));
    assert_true(ids_parse(json_string_value(json_object_get(out, "id")), &id));
    json_decref(in);
    json_decref(errs);
    json_decref(out);
    return id;
}

static inline int test_has_error(json_t *errs, const char *field)
{
    size_t i;
    json_t *e;

    json_array_foreach(errs, i, e) {
        if (!strcmp(json_string_value(json_object_get(e, "field")), field))
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------ server */

struct test_server {
    struct srv *srv;
    struct config cfg;
    char dir[64];
    char db[128];
    char base[64]; /* "http://127.0.0.1:PORT" */
    char token[64]; /* sent by test_http when not empty */
    char admin[64]; /* the token of admin@test.invalid */
};

#define TEST_ADMIN_EMAIL "admin@test.invalid"
#define TEST_ADMIN_PASSWORD "admin-password"

static inline void test_login(const struct test_server *t, const char *email,
                              const char *password, char *token,
                              size_t size);

/* test_server_prepare: a new temporary database with an administrator,
 * and the settings of a server on it (to change before the launch). */
static inline void test_server_prepare(struct test_server *t)
{
    struct db *db = NULL;

    memset(t, 0, sizeof *t);
    log_set_level(LOG_ERROR);
    search_init();
    assert_int_equal(account_init(1, 8192, 0), 0);
    snprintf(t->dir, sizeof t->dir, "/tmp/essaim-test-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->db, sizeof t->db, "%s/test.db", t->dir);
    assert_int_equal(db_open(t->db, NULL, &db), RC_OK);
    assert_int_equal(search_place_ensure(db), RC_OK);
    assert_int_equal(search_trade_ensure(db), RC_OK);
    assert_int_equal(account_admin_create(db, TEST_ADMIN_EMAIL,
                                          TEST_ADMIN_PASSWORD, NULL, 0),
                     RC_OK);
    db_close(db);
    t->cfg.db = t->db;
    t->cfg.listen = "127.0.0.1";
    t->cfg.port = 0;
    t->cfg.public_dir = "public";
    t->cfg.threads = 8;
    t->cfg.body_max = 65536;
    t->cfg.request_timeout_ms = 10000;
    t->cfg.busy_timeout_ms = 5000;
    t->cfg.synchronous = "NORMAL";
    t->cfg.log_level = "error";
    t->cfg.access_log = 0;
    t->cfg.batch = 1000;
}

/* test_server_launch: start the prepared server, sign the admin in. */
static inline void test_server_launch(struct test_server *t)
{
    assert_int_equal(srv_start(&t->cfg, &t->srv), RC_OK);
    assert_true(srv_port(t->srv) > 0);
    snprintf(t->base, sizeof t->base, "http://127.0.0.1:%d",
             srv_port(t->srv));
    test_login(t, TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD, t->admin,
               sizeof t->admin);
}

/* test_server_start: a server on a new temporary database. */
static inline void test_server_start(struct test_server *t)
{
    test_server_prepare(t);
    test_server_launch(t);
}

static inline void test_server_stop(struct test_server *t)
{
    char cmd[128];

    srv_stop(t->srv);
    t->srv = NULL;
    snprintf(cmd, sizeof cmd, "rm -rf %s", t->dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", t->dir);
}

/* TEST_SERVER_SUITE(s): a suite's end-to-end server s, and srv_setup and
 * srv_teardown, the cmocka group fixtures that start and stop it. */
#define TEST_SERVER_SUITE(s)                                                 \
    static struct test_server s;                                             \
    static int srv_setup(void **state)                                       \
    {                                                                        \
        (void)state;                                                         \
        curl_global_init(CURL_GLOBAL_DEFAULT);                               \
        test_server_start(&s);                                               \
        return 0;                                                            \
    }                                                                        \
    static int srv_teardown(void **state)                                    \
    {                                                                        \
        (void)state;                                                         \
        test_server_stop(&s);                                                \
        curl_global_cleanup();                                               \
        return 0;                                                            \
    }

struct test_reply {
    long status;
    struct buf body;
    struct buf headers;
    json_t *json; /* parsed body, or NULL */
};

static inline size_t test_on_data(char *p, size_t size, size_t n, void *arg)
{
    buf_add(arg, p, size * n);
    return size * n;
}

/* test_http_full: method path (relative to base) with an optional body
 * of the given content type (NULL: application/json), with the session
 * token (NULL or "": none) and further header lines (a NULL-terminated
 * array, or NULL). Free with test_reply_free(). */
static inline void test_http_full(const struct test_server *t,
                                  const char *token, const char *method,
                                  const char *path, const char *body,
                                  const char *ctype,
                                  const char *const *headers,
                                  struct test_reply *r)
{
    struct curl_slist *h = NULL;
    char url[1024], ct[256], auth[128];
    CURL *c = curl_easy_init();

    memset(r, 0, sizeof *r);
    assert_non_null(c);
    snprintf(url, sizeof url, "%s%s", t->base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    if (!strcmp(method, "HEAD"))
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, test_on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, test_on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
    if (body) {
        snprintf(ct, sizeof ct, "Content-Type: %s",
                 ctype ? ctype : "application/json");
        h = curl_slist_append(h, ct);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    if (token && *token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
    }
    for (; headers && *headers; headers++) h = curl_slist_append(h, *headers);
    if (h) curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    if (r->body.len) r->json = json_loadb(r->body.p, r->body.len, 0, NULL);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
}

static inline void test_reply_free(struct test_reply *r)
{
    buf_free(&r->body);
    buf_free(&r->headers);
    json_decref(r->json);
    r->json = NULL;
}

/* test_http_as: test_http_full without further headers. */
static inline void test_http_as(const struct test_server *t,
                                const char *token, const char *method,
                                const char *path, const char *body,
                                const char *ctype, struct test_reply *r)
{
    test_http_full(t, token, method, path, body, ctype, NULL, r);
}

/* test_http: test_http_as with the token t->token. */
static inline void test_http(const struct test_server *t, const char *method,
                             const char *path, const char *body,
                             const char *ctype, struct test_reply *r)
{
    test_http_as(t, t->token, method, path, body, ctype, r);
}

/* test_call: one request as token (NULL or "": anonymous); the status,
 * and the parsed body in *out (a new reference, NULL when none) unless
 * out is NULL. */
static inline long test_call(const struct test_server *t, const char *token,
                             const char *method, const char *path,
                             const char *body, json_t **out)
{
    struct test_reply r;
    long status;

    test_http_as(t, token, method, path, body, NULL, &r);
    status = r.status;
    if (out) *out = json_incref(r.json);
    test_reply_free(&r);
    return status;
}

static inline void test_login(const struct test_server *t, const char *email,
                              const char *password, char *token, size_t size)
{
    struct test_reply r;
    char body[512];

    snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"%s\"}",
             email, password);
    test_http_as(t, NULL, "POST", "/api/v1/auth/login", body, NULL, &r);
    assert_int_equal(r.status, 200);
    snprintf(token, size, "%s",
             json_string_value(json_object_get(r.json, "token")));
    assert_int_equal(strlen(token), ACCOUNT_TOKEN_LEN);
    test_reply_free(&r);
}

#endif
