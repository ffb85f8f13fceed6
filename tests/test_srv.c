/*
 * test_srv.c: end to end against a server on 127.0.0.1:0, through
 * libcurl: operations endpoints, the CRUD round trip, and every kind of
 * bad request answered with a 4xx problem document and no write.
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static struct test_server server;

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    test_server_start(&server);
    /* These tests write as the administrator (test_account.c checks who
     * may do what). */
    snprintf(server.token, sizeof server.token, "%s", server.admin);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_stop(&server);
    curl_global_cleanup();
    return 0;
}

/* rows: count rows of a table through a separate connection. */
static int rows(const char *table)
{
    struct db *db = NULL;
    sqlite3_stmt *st = NULL;
    char sql[128];
    int n = -1;

    assert_int_equal(db_open(server.db, NULL, &db), RC_OK);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL),
                     SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    db_close(db);
    return n;
}

static int is_problem(const struct test_reply *r)
{
    return strstr(buf_str(&r->headers),
                  "Content-Type: application/problem+json") != NULL &&
           r->json &&
           json_integer_value(json_object_get(r->json, "status")) ==
               r->status &&
           json_is_array(json_object_get(r->json, "errors"));
}

static int names_field(const struct test_reply *r, const char *field)
{
    return test_has_error(json_object_get(r->json, "errors"), field);
}

static void operations(void **state)
{
    struct test_reply r;
    size_t i;

    (void)state;
    test_http(&server, "GET", "/healthz", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "status")),
                        "ok");
    test_reply_free(&r);
    test_http(&server, "GET", "/api/v1/openapi.json", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_memory_equal(json_string_value(json_object_get(r.json, "openapi")),
                        "3.1", 3);
    /* Every route of the table is described. */
    for (i = 0; srv_routes[i].pattern; i++) {
        char method[16];
        size_t k;

        for (k = 0; srv_routes[i].method[k] && k + 1 < sizeof method; k++)
            method[k] = (char)(srv_routes[i].method[k] | 0x20);
        method[k] = 0;
        if (!json_object_get(json_object_get(json_object_get(r.json, "paths"),
                                             srv_routes[i].pattern),
                             method))
            fail_msg("%s %s is not in openapi.json", srv_routes[i].method,
                     srv_routes[i].pattern);
    }
    test_reply_free(&r);
    test_http(&server, "HEAD", "/healthz", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body.len, 0);
    test_reply_free(&r);
    test_http(&server, "GET", "/metrics", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(buf_str(&r.body),
                           "essaim_http_requests_total{route=\"/healthz\","
                           "method=\"GET\",code=\"200\"} 2"));
    assert_non_null(strstr(buf_str(&r.body),
                           "# TYPE essaim_http_request_duration_seconds"
                           " histogram"));
    test_reply_free(&r);
}

static void crud_round_trip(void **state)
{
    struct test_reply r;
    char path[128], id[32];

    (void)state;
    test_http(&server, "POST", "/api/v1/cooperatives",
              "{\"external_id\":\"c1\",\"name\":\"Coop\",\"siret\":"
              "\"732 829 320 00074\",\"sites\":[{\"insee\":\"44109\"}]}",
              NULL, &r);
    assert_int_equal(r.status, 201);
    assert_string_equal(json_string_value(json_object_get(r.json, "siret")),
                        "73282932000074");
    test_reply_free(&r);
    test_http(&server, "POST", "/api/v1/entrepreneurs",
              "{\"external_id\":\"e1\",\"cooperative_external_id\":\"c1\","
              "\"display_name\":\"Camille\",\"trades\":[{\"code\":\"F1603\","
              "\"scheme\":\"rome\"}],\"location\":{\"insee\":\"44109\"},"
              "\"visibility\":\"public\"}",
              NULL, &r);
    assert_int_equal(r.status, 201);
    snprintf(id, sizeof id, "%s",
             json_string_value(json_object_get(r.json, "id")));
    test_reply_free(&r);
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", id);
    test_http(&server, "GET", path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(
        json_string_value(json_object_get(r.json, "display_name")), "Camille");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(r.json, "cooperative"), "name")),
                        "Coop");
    test_reply_free(&r);
    test_http(&server, "PATCH", path, "{\"headline\":\"Plombière\"}", NULL,
              &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "headline")),
                        "Plombière");
    test_reply_free(&r);
    /* Same external id again: an update (200), not a duplicate. */
    test_http(&server, "POST", "/api/v1/entrepreneurs",
              "{\"external_id\":\"e1\",\"cooperative_id\":\"1\","
              "\"display_name\":\"Camille M.\",\"location\":{\"insee\":"
              "\"44109\"},\"visibility\":\"public\"}",
              NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "id")), id);
    test_reply_free(&r);
    assert_int_equal(rows("entrepreneur"), 1);
    test_http(&server, "GET", "/api/v1/entrepreneurs?limit=5", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 1);
    assert_true(json_is_null(json_object_get(r.json, "next_cursor")));
    test_reply_free(&r);
    test_http(&server, "DELETE", path, NULL, NULL, &r);
    assert_int_equal(r.status, 204);
    assert_int_equal(r.body.len, 0);
    test_reply_free(&r);
    test_http(&server, "GET", path, NULL, NULL, &r);
    assert_int_equal(r.status, 404);
    assert_true(is_problem(&r));
    test_reply_free(&r);
    assert_int_equal(rows("entrepreneur"), 0);
    assert_int_equal(rows("search_fts"), 0);
}

static void bad_requests_write_nothing(void **state)
{
    struct test_reply r;
    char *big;
    int before_e = rows("entrepreneur"), before_c = rows("cooperative");

    (void)state;
    test_http(&server, "POST", "/api/v1/entrepreneurs", "{not json", NULL, &r);
    assert_int_equal(r.status, 400);
    assert_true(is_problem(&r));
    assert_true(names_field(&r, "body"));
    test_reply_free(&r);
    test_http(&server, "POST", "/api/v1/entrepreneurs", "[1,2]", NULL, &r);
    assert_int_equal(r.status, 400);
    assert_true(is_problem(&r));
    test_reply_free(&r);
    test_http(&server, "POST", "/api/v1/entrepreneurs",
              "{\"display_name\":\"x\"}", "text/plain", &r);
    assert_int_equal(r.status, 415);
    assert_true(is_problem(&r));
    test_reply_free(&r);
    big = malloc(70001);
    memset(big, ' ', 70000);
    big[0] = '{';
    big[69999] = '}';
    big[70000] = 0;
    test_http(&server, "POST", "/api/v1/entrepreneurs", big, NULL, &r);
    assert_int_equal(r.status, 413);
    assert_true(is_problem(&r));
    test_reply_free(&r);
    free(big);
    test_http(&server, "POST", "/api/v1/cooperatives",
              "{\"name\":\"C\",\"colour\":\"red\",\"siret\":\"12345678901234\","
              "\"kind\":\"sarl\",\"sites\":[{\"insee\":\"00000\"}]}",
              NULL, &r);
    assert_int_equal(r.status, 400);
    assert_true(is_problem(&r));
    assert_true(names_field(&r, "colour"));
    assert_true(names_field(&r, "siret"));
    assert_true(names_field(&r, "kind"));
    assert_true(names_field(&r, "sites[0].insee"));
    test_reply_free(&r);
    /* Invalid UTF-8 inside a JSON string. */
    test_http(&server, "POST", "/api/v1/cooperatives",
              "{\"name\":\"Co\xff\xfe op\"}", NULL, &r);
    assert_int_equal(r.status, 400);
    assert_true(is_problem(&r));
    test_reply_free(&r);
    test_http(&server, "PATCH", "/api/v1/entrepreneurs/12345",
              "{\"headline\":\"x\"}", NULL, &r);
    assert_int_equal(r.status, 404);
    test_reply_free(&r);
    test_http(&server, "GET", "/api/v1/entrepreneurs?limit=1000", NULL, NULL,
              &r);
    assert_int_equal(r.status, 400);
    assert_true(names_field(&r, "limit"));
    test_reply_free(&r);
    assert_int_equal(rows("entrepreneur"), before_e);
    assert_int_equal(rows("cooperative"), before_c);
}

static void routing(void **state)
{
    struct test_reply r;

    (void)state;
    test_http(&server, "GET", "/api/v1/nothing-here", NULL, NULL, &r);
    assert_int_equal(r.status, 404);
    assert_true(is_problem(&r));
    test_reply_free(&r);
    test_http(&server, "PUT", "/api/v1/entrepreneurs/1", "{}", NULL, &r);
    assert_int_equal(r.status, 405);
    assert_non_null(strstr(buf_str(&r.headers), "Allow: GET, PATCH, DELETE"));
    test_reply_free(&r);
    test_http(&server, "GET", "/api/v1/places?q=saint%20etienne&limit=2",
              NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(r.json, "results"),
                                           0),
                            "insee")),
                        "42218");
    test_reply_free(&r);
}

/* raw: send bytes on a new connection, return the status of the answer. */
static int raw(const char *request)
{
    struct sockaddr_in a;
    char answer[256];
    int fd = socket(AF_INET, SOCK_STREAM, 0), status = 0;
    ssize_t n;

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)srv_port(server.srv));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(write(fd, request, strlen(request)),
                     (ssize_t)strlen(request));
    n = read(fd, answer, sizeof answer - 1);
    if (n > 12) {
        answer[n] = 0;
        status = (int)strtol(answer + 9, NULL, 10);
    }
    close(fd);
    return status;
}

static void smuggling_is_refused(void **state)
{
    (void)state;
    assert_int_equal(raw("POST /api/v1/entrepreneurs HTTP/1.1\r\n"
                         "Host: x\r\nContent-Type: application/json\r\n"
                         "Content-Length: 2\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n"
                         "0\r\n\r\n"),
                     400);
    assert_int_equal(rows("entrepreneur"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(operations),
        cmocka_unit_test(crud_round_trip),
        cmocka_unit_test(bad_requests_write_nothing),
        cmocka_unit_test(routing),
        cmocka_unit_test(smuggling_is_refused),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
