/*
 * test_fed.c: federation (federation/fed.h), end to end: three essaim
 * instances in this process (A pulls B and C), and a fake peer that is
 * down, slow, answers garbage, oversized pages or documents of another
 * origin.
 */
#include <arpa/inet.h>
#include <sodium.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include "../federation/fed.h"
#include "../util/fetch.h"
#include "../util/ids.h"
#include "testutil.h"

static struct test_server a, b, c;

/* ------------------------------------------------------- a fake peer */

struct fake {
    int fd, port;
    pthread_t thread;
    volatile int stop;
    char base[64];
    char instance[1024];  /* body of /federation/v1/instance */
    char *changes;        /* body of /federation/v1/changes (owned) */
    long big;             /* > 0: answer the feed with this many bytes */
    int delay_ms;         /* wait before answering */
    int hits;
};

static void *fake_run(void *arg)
{
    struct fake *f = arg;

    while (!f->stop) {
        struct pollfd p = {f->fd, POLLIN, 0};
        char req[4096], head[256];
        const char *body;
        size_t n = 0;
        long len;
        ssize_t k;
        int s;

        if (poll(&p, 1, 100) <= 0) continue;
        s = accept(f->fd, NULL, NULL);
        if (s < 0) continue;
        while (n < sizeof req - 1 &&
               (k = recv(s, req + n, sizeof req - 1 - n, 0)) > 0) {
            n += (size_t)k;
            req[n] = 0;
            if (strstr(req, "\r\n\r\n")) break;
        }
        req[n] = 0;
        f->hits++;
        if (f->delay_ms) {
            struct timespec ts = {f->delay_ms / 1000,
                                  (f->delay_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
        body = strstr(req, "/federation/v1/instance") ? f->instance
                                                       : f->changes;
        len = f->big && !strstr(req, "/instance") ? f->big
                                                  : (long)strlen(body);
        snprintf(head, sizeof head,
                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 "Content-Length: %ld\r\nConnection: close\r\n\r\n",
                 len);
        send(s, head, strlen(head), MSG_NOSIGNAL);
        if (f->big && !strstr(req, "/instance")) {
            char chunk[8192];
            long sent = 0;

            memset(chunk, ' ', sizeof chunk);
            while (sent < len &&
                   send(s, chunk, sizeof chunk, MSG_NOSIGNAL) > 0)
                sent += (long)sizeof chunk;
        } else {
            send(s, body, strlen(body), MSG_NOSIGNAL);
        }
        close(s);
    }
    return NULL;
}

static void fake_start(struct fake *f)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int one = 1;

    memset(f, 0, sizeof *f);
    f->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(f->fd >= 0);
    setsockopt(f->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(f->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(f->fd, 16), 0);
    getsockname(f->fd, (struct sockaddr *)&sa, &len);
    f->port = ntohs(sa.sin_port);
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%d", f->port);
    snprintf(f->instance, sizeof f->instance,
             "{\"name\":\"Fausse\",\"base_url\":\"%s\",\"public_key\":"
             "{\"type\":\"ed25519\",\"key\":"
             "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"},"
             "\"cooperatives\":[{\"id\":\"7\",\"name\":\"Coop Fausse\","
             "\"kind\":\"scop\"}]}",
             f->base);
    f->changes = strdup("{\"changes\":[],\"next\":\"0\"}");
    assert_int_equal(pthread_create(&f->thread, NULL, fake_run, f), 0);
}

static void fake_stop(struct fake *f)
{
    f->stop = 1;
    pthread_join(f->thread, NULL);
    close(f->fd);
    free(f->changes);
    f->changes = NULL;
}

/* fake_feed: the feed page the fake serves: changes (a JSON array text
 * where ORIGIN stands for the fake's base URL), next. */
static void fake_feed(struct fake *f, const char *changes, const char *next)
{
    struct buf out = {0};
    const char *p = changes, *q;

    buf_adds(&out, "{\"changes\":");
    while ((q = strstr(p, "ORIGIN"))) {
        buf_add(&out, p, (size_t)(q - p));
        buf_adds(&out, f->base);
        p = q + 6;
    }
    buf_adds(&out, p);
    buf_addf(&out, ",\"next\":\"%s\"}", next);
    free(f->changes);
    f->changes = buf_take(&out);
}

/* ------------------------------------------------------------ helpers */

/* post: POST body on t as token; the id of the answer (201 expected). */
static char *post(struct test_server *t, const char *token, const char *path,
                  const char *body)
{
    json_t *out = NULL;
    long st = test_call(t, token, "POST", path, body, &out);
    char *id;

    if (st != 201)
        fail_msg("POST %s: %ld %s", path, st,
                 out ? json_dumps(out, 0) : "");
    id = strdup(json_string_value(json_object_get(out, "id")));
    json_decref(out);
    return id;
}

/* ent: a profile of coop on t: a trade, a place, a visibility. */
static char *ent(struct test_server *t, const char *coop, const char *name,
                 const char *code, const char *insee, const char *vis)
{
    char body[512];

    snprintf(body, sizeof body,
             "{\"cooperative_id\":\"%s\",\"display_name\":\"%s\","
             "\"headline\":\"%s\",\"trades\":[{\"scheme\":\"rome\","
             "\"code\":\"%s\"}],\"location\":{\"insee\":\"%s\"},"
             "\"intervention\":{\"radius_km\":40},\"visibility\":\"%s\"}",
             coop, name, name, code, insee, vis);
    return post(t, t->admin, "/api/v1/entrepreneurs", body);
}

/* Changes asked per page by pull(): small, so that pulls of B take
 * several pages. */
static int pull_page = 2;

/* pull: pull t's peer id once, as t. */
static enum rc pull(struct test_server *t, const char *peer, long max_bytes,
                    long timeout_s, struct fed_pull_stats *st)
{
    struct fed_self self = {t->base, "test", "", "0"};
    struct fed_pull_opts o = {&self, NULL, timeout_s, max_bytes, pull_page};
    struct db *db = NULL;
    long long id;
    enum rc rc;

    assert_true(ids_parse(peer, &id));
    assert_int_equal(db_open(t->db, NULL, &db), RC_OK);
    rc = fed_pull(db, id, &o, st);
    db_close(db);
    return rc;
}

/* add_peer: register url as a peer of t (token may be NULL). */
static char *add_peer(struct test_server *t, const char *url,
                      const char *token)
{
    char body[512];

    if (token)
        snprintf(body, sizeof body, "{\"url\":\"%s\",\"token\":\"%s\"}", url,
                 token);
    else
        snprintf(body, sizeof body, "{\"url\":\"%s\"}", url);
    return post(t, t->admin, "/api/v1/admin/peers", body);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* sort_names: "b|a|c" -> "a|b|c" in place (ties of rank have no set
 * order). */
static void sort_names(char *s)
{
    char *copy = strdup(s), *parts[64], *tok, *save = NULL;
    size_t n = 0, i, len = 0;

    for (tok = strtok_r(copy, "|", &save); tok && n < 64;
         tok = strtok_r(NULL, "|", &save))
        parts[n++] = tok;
    qsort(parts, n, sizeof *parts, cmp_str);
    for (i = 0; i < n; i++)
        len += (size_t)sprintf(s + len, "%s%s", i ? "|" : "", parts[i]);
    free(copy);
}

/* found: the names a search on t finds (q, scope), as token, joined by
 * '|' in result order (sorted for an empty q), into out. Returns the
 * total. */
static long found(struct test_server *t, const char *token, const char *q,
                  const char *scope, char *out, size_t size)
{
    char path[256];
    json_t *res = NULL, *r;
    size_t i, n = 0;
    long total;

    snprintf(path, sizeof path,
             "/api/v1/search?q=%s&scope=%s&kind=entrepreneur&limit=100", q,
             scope);
    assert_int_equal(test_call(t, token, "GET", path, NULL, &res), 200);
    *out = 0;
    json_array_foreach(json_object_get(res, "results"), i, r) {
        n += (size_t)snprintf(out + n, size - n, "%s%s", i ? "|" : "",
                              json_string_value(json_object_get(r, "name")));
        if (n >= size) break;
    }
    total = (long)json_integer_value(json_object_get(res, "total"));
    json_decref(res);
    if (!*q) sort_names(out);
    return total;
}

/* first_result: the first result of a network search of q on t as
 * token (a new reference), or NULL. */
static json_t *first_result(struct test_server *t, const char *token,
                            const char *q)
{
    char path[256];
    json_t *res = NULL, *r;

    snprintf(path, sizeof path,
             "/api/v1/search?q=%s&scope=network&kind=entrepreneur", q);
    assert_int_equal(test_call(t, token, "GET", path, NULL, &res), 200);
    r = json_incref(json_array_get(json_object_get(res, "results"), 0));
    json_decref(res);
    return r;
}

/* synced: have t's n peers all been pulled successfully? */
static int synced(struct test_server *t, int n)
{
    json_t *list = NULL, *p;
    size_t i;
    int ok = 0;

    assert_int_equal(test_call(t, t->admin, "GET", "/api/v1/admin/peers",
                               NULL, &list),
                     200);
    json_array_foreach(json_object_get(list, "results"), i, p)
        ok += json_is_string(json_object_get(p, "last_ok_at"));
    json_decref(list);
    return ok == n;
}

/* wait_found: poll an anonymous network search of q on t every 100 ms
 * until it finds (want 1) or does not find (want 0) anything: the polls
 * it took (50 at most). */
static int wait_found(struct test_server *t, const char *q, int want)
{
    char names[512];
    int i;

    for (i = 0; i < 50; i++) {
        if ((found(t, NULL, q, "network", names, sizeof names) > 0) == want)
            break;
        usleep(100 * 1000);
    }
    return i;
}

/* ------------------------------------------------------------ fixture */

static char *coop_b, *coop_c, *plumber, *gardener, *secret, *joiner,
    *c_roofer;
static char *a_peer_b, *a_peer_c, *b_peer_a;

static int setup(void **state)
{
    json_t *out = NULL;
    struct fed_pull_stats st;
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    fetch_global_init();
    test_server_prepare(&a);
    a.cfg.peer_stale_s = 3600;
    test_server_launch(&a);
    test_server_start(&b);
    test_server_start(&c);
    coop_b = post(&b, b.admin, "/api/v1/cooperatives",
                  "{\"name\":\"Oxalis Test\",\"kind\":\"scop\"}");
    coop_c = post(&c, c.admin, "/api/v1/cooperatives",
                  "{\"name\":\"Coopaname Test\",\"kind\":\"cae\"}");
    /* B: a public plumber and gardener near Nantes, a joiner seen by the
     * network only, a private profile. */
    plumber = ent(&b, coop_b, "Paul Plombier", "F1603", "44109", "public");
    gardener = ent(&b, coop_b, "Gaëlle Jardinière", "A1203", "44109",
                   "public");
    joiner = ent(&b, coop_b, "Marc Menuisier", "F1607", "44109", "network");
    secret = ent(&b, coop_b, "Sophie Secrète", "F1603", "44109", "private");
    c_roofer = ent(&c, coop_c, "Rémi Couvreur", "F1610", "35238", "network");
    /* A trusts B by signatures: B registers A (and reads A's key);
     * A trusts C by a token C's admin issued. */
    b_peer_a = add_peer(&b, a.base, NULL);
    assert_int_equal(pull(&b, b_peer_a, FED_FEED_BYTES, 10, &st), RC_OK);
    assert_int_equal(test_call(&c, c.admin, "POST", "/api/v1/admin/peer-tokens",
                               "{\"name\":\"Instance A\"}", &out),
                     201);
    a_peer_b = add_peer(&a, b.base, NULL);
    a_peer_c = add_peer(&a, c.base,
                        json_string_value(json_object_get(out, "token")));
    json_decref(out);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fed_sender_stop(NULL);
    test_server_stop(&a);
    test_server_stop(&b);
    if (c.srv) test_server_stop(&c);
    free(coop_b), free(coop_c), free(plumber), free(gardener), free(secret);
    free(joiner), free(c_roofer), free(a_peer_b), free(a_peer_c);
    free(b_peer_a);
    curl_global_cleanup();
    return 0;
}

/* -------------------------------------------------------------- tests */

/* The descriptor names the instance, its cooperatives and its key. */
static void test_descriptor(void **state)
{
    json_t *d = NULL;

    (void)state;
    assert_int_equal(test_call(&b, NULL, "GET", "/federation/v1/instance",
                               NULL, &d),
                     200);
    assert_string_equal(json_string_value(json_object_get(d, "base_url")),
                        b.base);
    assert_int_equal(strlen(json_string_value(json_object_get(
                         json_object_get(d, "public_key"), "key"))),
                     44);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(d, "cooperatives"), 0), "name")),
        "Oxalis Test");
    json_decref(d);
}

/* The feed: public documents to anyone, tombstones for what the asker
 * may not see, pages, and a 400 naming the parameter. */
static void test_feed(void **state)
{
    json_t *f = NULL, *ch;
    size_t i;
    int docs = 0, hidden = 0;
    char path[128];

    (void)state;
    assert_int_equal(test_call(&b, NULL, "GET", "/federation/v1/changes",
                               NULL, &f),
                     200);
    json_array_foreach(json_object_get(f, "changes"), i, ch) {
        const char *id = json_string_value(json_object_get(ch, "id"));

        assert_string_equal(json_string_value(json_object_get(ch, "origin")),
                            b.base);
        if (json_is_true(json_object_get(ch, "deleted"))) {
            assert_true(json_is_null(json_object_get(ch, "doc")));
            assert_true(!strcmp(id, joiner) || !strcmp(id, secret));
            hidden++;
        } else {
            assert_true(!strcmp(id, plumber) || !strcmp(id, gardener));
            assert_string_equal(
                json_string_value(json_object_get(
                    json_object_get(ch, "doc"), "visibility")),
                "public");
            docs++;
        }
    }
    assert_int_equal(docs, 2);
    assert_int_equal(hidden, 2);
    json_decref(f);
    /* One change per page: four pages, then an empty one. */
    assert_int_equal(test_call(&b, NULL, "GET",
                               "/federation/v1/changes?limit=1", NULL, &f),
                     200);
    assert_int_equal(json_array_size(json_object_get(f, "changes")), 1);
    snprintf(path, sizeof path, "/federation/v1/changes?limit=100&since=%s",
             json_string_value(json_object_get(f, "next")));
    json_decref(f);
    assert_int_equal(test_call(&b, NULL, "GET", path, NULL, &f), 200);
    assert_int_equal(json_array_size(json_object_get(f, "changes")), 3);
    json_decref(f);
    assert_int_equal(test_call(&b, NULL, "GET",
                               "/federation/v1/changes?since=abc", NULL, &f),
                     400);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(f, "errors"), 0), "field")),
        "since");
    json_decref(f);
    assert_int_equal(test_call(&b, NULL, "GET",
                               "/federation/v1/changes?limit=5000", NULL, &f),
                     400);
    json_decref(f);
    /* A signature that does not hold is refused. */
    {
        const char *h[] = {"X-Essaim-Instance: http://nowhere.invalid",
                           "X-Essaim-Date: 1", "X-Essaim-Signature: AAAA",
                           NULL};
        struct test_reply r;

        test_http_full(&b, NULL, "GET", "/federation/v1/changes", NULL, NULL,
                       h, &r);
        assert_int_equal(r.status, 401);
        test_reply_free(&r);
    }
}

/* Open data: B's public profiles as GeoJSON and JSON-LD, with the
 * licence; never a private or network profile, never a peer's. */
static void test_open_data(void **state)
{
    json_t *g = NULL, *f, *l = NULL;
    size_t i;
    int seen = 0;

    (void)state;
    assert_int_equal(test_call(&b, NULL, "GET",
                               "/api/v1/open/profiles.geojson", NULL, &g),
                     200);
    assert_string_equal(json_string_value(json_object_get(g, "type")),
                        "FeatureCollection");
    assert_non_null(strstr(json_string_value(json_object_get(g, "license")),
                           "odbl"));
    json_array_foreach(json_object_get(g, "features"), i, f) {
        json_t *props = json_object_get(f, "properties");
        json_t *xy = json_object_get(json_object_get(f, "geometry"),
                                     "coordinates");

        assert_true(!strcmp(json_string_value(json_object_get(f, "id")),
                            plumber) ||
                    !strcmp(json_string_value(json_object_get(f, "id")),
                            gardener));
        /* Nantes: longitude first. */
        assert_true(json_real_value(json_array_get(xy, 0)) < 0);
        assert_true(json_real_value(json_array_get(xy, 1)) > 47);
        assert_string_equal(json_string_value(json_object_get(props, "insee")),
                            "44109");
        seen++;
    }
    assert_int_equal(seen, 2);
    json_decref(g);
    assert_int_equal(test_call(&b, NULL, "GET",
                               "/api/v1/open/profiles.jsonld?departement=44",
                               NULL, &l),
                     200);
    assert_string_equal(json_string_value(json_object_get(l, "@context")),
                        "https://schema.org");
    assert_int_equal(json_array_size(json_object_get(l, "@graph")), 2);
    f = json_array_get(json_object_get(l, "@graph"), 0);
    assert_string_equal(json_string_value(json_object_get(f, "@type")),
                        "ProfessionalService");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(f, "parentOrganization"), "name")),
                        "Oxalis Test");
    json_decref(l);
    assert_int_equal(test_call(&b, NULL, "GET",
                               "/api/v1/open/profiles.jsonld?departement=75",
                               NULL, &l),
                     200);
    assert_int_equal(json_array_size(json_object_get(l, "@graph")), 0);
    json_decref(l);
    assert_int_equal(test_call(&b, NULL, "GET",
                               "/api/v1/open/profiles.geojson?departement=x",
                               NULL, NULL),
                     400);
}

/* Only administrators manage peers; bad input names the field. */
static void test_peer_admin(void **state)
{
    json_t *out = NULL;

    (void)state;
    assert_int_equal(test_call(&a, NULL, "GET", "/api/v1/admin/peers", NULL,
                               NULL),
                     401);
    assert_int_equal(test_call(&a, a.admin, "POST", "/api/v1/admin/peers",
                               "{\"url\":\"ftp://x.example\"}", &out),
                     400);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(out, "errors"), 0), "field")),
        "url");
    json_decref(out);
    assert_int_equal(test_call(&a, a.admin, "POST", "/api/v1/admin/peers",
                               "{\"url\":\"https://x.example/?q=1\"}", NULL),
                     400);
    assert_int_equal(test_call(&a, a.admin, "POST", "/api/v1/admin/peers",
                               "{\"url\":\"http://127.0.0.1:1\",\"x\":1}",
                               NULL),
                     400);
    /* The same URL twice (a final '/' changes nothing). */
    {
        char body[128];

        snprintf(body, sizeof body, "{\"url\":\"%s/\"}", b.base);
        assert_int_equal(test_call(&a, a.admin, "POST",
                                   "/api/v1/admin/peers", body, NULL),
                         409);
    }
    assert_int_equal(test_call(&a, a.admin, "POST",
                               "/api/v1/admin/peer-tokens", "{}", NULL),
                     400);
}

/* A pulls B and C; a network search on A finds them with their origin;
 * a local one does not; network profiles only for signed-in users. */
static void test_pull_and_search(void **state)
{
    struct fed_pull_stats st;
    json_t *r;
    char names[1024];

    (void)state;
    assert_int_equal(pull(&a, a_peer_b, FED_FEED_BYTES, 10, &st), RC_OK);
    assert_int_equal(st.accepted, 3); /* plumber, gardener, joiner */
    assert_int_equal(st.rejected, 0);
    assert_int_equal(pull(&a, a_peer_c, FED_FEED_BYTES, 10, &st), RC_OK);
    assert_int_equal(st.accepted, 1);
    assert_int_equal(found(&a, NULL, "plombier", "local", names, sizeof names),
                     0);
    assert_int_equal(
        found(&a, NULL, "plombier", "network", names, sizeof names), 1);
    assert_string_equal(names, "Paul Plombier");
    r = first_result(&a, NULL, "plombier");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(r, "origin"), "url")),
                        b.base);
    assert_non_null(json_string_value(json_object_get(r, "fetched_at")));
    assert_true(json_is_false(json_object_get(r, "stale")));
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(r, "cooperative"), "name")),
                        "Oxalis Test");
    json_decref(r);
    /* The joiner (network) and C's roofer (network, by token): for
     * signed-in users of A, not for anonymous ones. */
    assert_int_equal(found(&a, NULL, "menuisier", "network", names,
                           sizeof names),
                     0);
    assert_int_equal(found(&a, a.admin, "menuisier", "network", names,
                           sizeof names),
                     1);
    assert_int_equal(found(&a, a.admin, "couvreur", "network", names,
                           sizeof names),
                     1);
    assert_string_equal(names, "Rémi Couvreur");
    /* Pulling again changes nothing. */
    assert_int_equal(pull(&a, a_peer_b, FED_FEED_BYTES, 10, &st), RC_OK);
    assert_int_equal(st.accepted + st.deleted + st.rejected, 0);
}

/* Tender teams across the network: with scope=network, B's joiner forms
 * a team for a joinery tender at Nantes on A, marked with its instance;
 * A alone has nobody. */
static void test_teams_across(void **state)
{
    json_t *out = NULL, *m;
    char path[128], *id;

    (void)state;
    id = post(&a, a.admin, "/api/v1/tenders",
              "{\"ocid\":\"fed-1\",\"title\":\"Menuiseries de l'école\","
              "\"place\":{\"insee\":\"44109\"},\"lots\":[{\"id\":\"1\","
              "\"title\":\"Menuiserie\",\"wanted\":[{\"code\":\"F1607\","
              "\"scheme\":\"rome\"}]}]}");
    snprintf(path, sizeof path, "/api/v1/tenders/%s/teams?scope=network", id);
    assert_int_equal(test_call(&a, a.admin, "GET", path, NULL, &out), 200);
    m = json_array_get(json_object_get(json_array_get(
                           json_object_get(out, "teams"), 0), "members"), 0);
    assert_string_equal(json_string_value(json_object_get(m, "name")),
                        "Marc Menuisier");
    assert_string_equal(json_string_value(json_object_get(m, "origin")),
                        b.base);
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/tenders/%s/teams", id);
    assert_int_equal(test_call(&a, a.admin, "GET", path, NULL, &out), 200);
    assert_int_equal(json_array_size(json_object_get(out, "teams")), 0);
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/tenders/%s/teams?scope=all", id);
    assert_int_equal(test_call(&a, a.admin, "GET", path, NULL, NULL), 400);
    free(id);
}

/* A peer's profile is read-only here, and says where it comes from. */
static void test_remote_read_only(void **state)
{
    json_t *r = first_result(&a, NULL, "plombier"), *doc = NULL;
    char path[128];
    const char *id = json_string_value(json_object_get(r, "id"));

    (void)state;
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", id);
    assert_int_equal(test_call(&a, NULL, "GET", path, NULL, &doc), 200);
    assert_string_equal(json_string_value(json_object_get(doc, "origin")),
                        b.base);
    json_decref(doc);
    assert_int_equal(test_call(&a, a.admin, "PATCH", path,
                               "{\"headline\":\"piraté\"}", NULL),
                     403);
    assert_int_equal(test_call(&a, a.admin, "DELETE", path, NULL, NULL),
                     403);
    /* Nor does it count among A's own. */
    assert_int_equal(test_call(&a, NULL, "GET", "/api/v1/entrepreneurs",
                               NULL, &doc),
                     200);
    assert_int_equal(json_integer_value(json_object_get(doc, "total")), 0);
    json_decref(doc);
    assert_int_equal(test_call(&a, NULL, "GET", "/api/v1/cooperatives", NULL,
                               &doc),
                     200);
    assert_int_equal(json_integer_value(json_object_get(doc, "total")), 0);
    json_decref(doc);
    json_decref(r);
}


/* ------------------------------------------- requests across the network */

/* db_count: the integer the query sql answers on t's database. */
static long long db_count(struct test_server *t, const char *sql)
{
    struct db *db = NULL;
    long long n;

    assert_int_equal(db_open(t->db, NULL, &db), RC_OK);
    n = test_count(db, sql);
    db_close(db);
    return n;
}

/* signed_post: POST body to path on `to`, signed as `from` (its key and
 * base URL); sk_or_null: another key to sign with. The reply in *r. */
static void signed_post(struct test_server *to, struct test_server *from,
                        const unsigned char *sk_or_null, const char *instance,
                        const char *path, const char *body,
                        struct test_reply *r)
{
    unsigned char sk[64];
    char hdr[3][320];
    const char *h[4] = {hdr[0], hdr[1], hdr[2], NULL};
    struct db *db = NULL;

    if (sk_or_null) {
        memcpy(sk, sk_or_null, sizeof sk);
    } else {
        assert_int_equal(db_open(from->db, NULL, &db), RC_OK);
        assert_int_equal(fed_secret_key(db, sk), RC_OK);
        db_close(db);
    }
    fed_msg_sign(sk, instance ? instance : from->base, path, body,
                 strlen(body), (long long)time(NULL), hdr);
    test_http_full(to, NULL, "POST", path, body, NULL, h, r);
}

/* match_of: the match line of name among the matches of request id on t
 * as token (a new reference), or NULL. */
static json_t *match_of(struct test_server *t, const char *token,
                        const char *id, const char *name)
{
    char path[128];
    json_t *out = NULL, *m, *hit = NULL;
    size_t i;

    snprintf(path, sizeof path, "/api/v1/requests/%s/matches", id);
    assert_int_equal(test_call(t, token, "GET", path, NULL, &out), 200);
    json_array_foreach(json_object_get(out, "results"), i, m) {
        if (!strcmp(json_string_value(json_object_get(
                        json_object_get(m, "entrepreneur"), "display_name")),
                    name))
            hit = json_incref(m);
    }
    json_decref(out);
    return hit;
}

/* inbox_has: the request id of the newest notification of token's inbox
 * on t whose text holds words (polled up to 10 s), or NULL. */
static char *inbox_has(struct test_server *t, const char *token,
                       const char *kind, const char *words)
{
    json_t *out = NULL, *n;
    size_t i;
    char *id = NULL;
    int k;

    for (k = 0; k < 100 && !id; k++) {
        assert_int_equal(test_call(t, token, "GET",
                                   "/api/v1/me/notifications", NULL, &out),
                         200);
        json_array_foreach(json_object_get(out, "results"), i, n) {
            if (!id &&
                !strcmp(json_string_value(json_object_get(n, "kind")),
                        kind) &&
                strstr(json_string_value(json_object_get(n, "text")), words))
                id = strdup(json_string_value(
                    json_object_get(n, "request_id")));
        }
        json_decref(out);
        if (!id) usleep(100 * 1000);
    }
    return id;
}

static char tok_client[64], tok_plumber[64];

/* accounts: a client on A, the plumber's account on B. */
static void accounts(void)
{
    char body[256];

    if (*tok_client) return;
    assert_int_equal(test_call(&a, NULL, "POST", "/api/v1/accounts",
                               "{\"email\":\"claire@a.test\",\"password\":"
                               "\"claire-pass\",\"display_name\":"
                               "\"Claire Cliente\"}",
                               NULL),
                     201);
    test_login(&a, "claire@a.test", "claire-pass", tok_client,
               sizeof tok_client);
    snprintf(body, sizeof body,
             "{\"email\":\"paul@b.test\",\"password\":\"paul-pass\","
             "\"role\":\"entrepreneur\",\"entrepreneur_id\":\"%s\"}",
             plumber);
    assert_int_equal(test_call(&b, b.admin, "POST", "/api/v1/accounts", body,
                               NULL),
                     201);
    test_login(&b, "paul@b.test", "paul-pass", tok_plumber,
               sizeof tok_plumber);
}

/* A client of A asks for a plumber at Nantes across the network: B's
 * plumber is matched on A (with B as origin), hears of it on B through
 * B (inbox, no client data), answers interested on B, and the answer
 * shows on A's match line; the outcome goes back to B. */
static void test_request_across(void **state)
{
    char *id, *copy, path[128];
    json_t *m, *doc = NULL, *out = NULL;
    int i;

    (void)state;
    accounts();
    /* scope local (the default): A has no plumber of its own. */
    id = post(&a, tok_client, "/api/v1/requests",
              "{\"title\":\"Fuite sous l'évier\",\"location\":{\"insee\":"
              "\"44109\"},\"wanted\":[\"F1603\"]}");
    snprintf(path, sizeof path, "/api/v1/requests/%s/matches", id);
    assert_int_equal(test_call(&a, tok_client, "GET", path, NULL, &out),
                     200);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
    json_decref(out);
    free(id);
    /* scope network: B's plumber. */
    id = post(&a, tok_client, "/api/v1/requests",
              "{\"title\":\"Ballon d'eau chaude qui fuit\",\"description\":"
              "\"Au sous-sol, accès facile.\",\"location\":{\"insee\":"
              "\"44109\"},\"wanted\":[\"F1603\"],\"scope\":\"network\","
              "\"budget\":{\"min\":100,\"max\":400},\"contact\":{\"name\":"
              "\"Claire Cliente\",\"phone\":\"06 12 34 56 78\"}}");
    m = match_of(&a, tok_client, id, "Paul Plombier");
    assert_non_null(m);
    assert_true(json_is_true(json_object_get(m, "notified")));
    assert_string_equal(json_string_value(json_object_get(m, "status")),
                        "notified");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(m, "origin"), "url")),
                        b.base);
    json_decref(m);
    /* B: the plumber's inbox, and B's copy without the client's data. */
    copy = inbox_has(&b, tok_plumber, "request.match", "Ballon d'eau chaude");
    assert_non_null(copy);
    snprintf(path, sizeof path, "/api/v1/requests/%s", copy);
    assert_int_equal(test_call(&b, tok_plumber, "GET", path, NULL, &doc),
                     200);
    assert_string_equal(json_string_value(json_object_get(doc, "title")),
                        "Ballon d'eau chaude qui fuit");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(doc, "location"), "insee")),
                        "44109");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(doc, "budget"), "max")),
                     400);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(doc, "origin"), "url")),
                        a.base);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(doc, "origin"), "request_id")),
                        id);
    assert_null(json_object_get(doc, "contact"));
    assert_string_equal(json_string_value(json_object_get(doc, "my_status")),
                        "notified");
    json_decref(doc);
    assert_int_equal(db_count(&b, "SELECT count(*) FROM request WHERE"
                                  " doc LIKE '%06 12 34%' OR doc LIKE"
                                  " '%Claire%' OR doc LIKE '%claire@%'"),
                     0);
    /* The plumber answers on B; A's line shows it, the client hears. */
    snprintf(path, sizeof path, "/api/v1/requests/%s/responses", copy);
    assert_int_equal(test_call(&b, tok_plumber, "POST", path,
                               "{\"status\":\"interested\"}", NULL),
                     200);
    for (i = 0; i < 100; i++) {
        const char *st;

        m = match_of(&a, tok_client, id, "Paul Plombier");
        st = json_string_value(json_object_get(m, "status"));
        if (st && !strcmp(st, "interested")) break;
        json_decref(m);
        m = NULL;
        usleep(100 * 1000);
    }
    assert_non_null(m);
    assert_non_null(json_string_value(
        json_object_get(json_object_get(m, "at"), "interested")));
    json_decref(m);
    free(inbox_has(&a, tok_client, "request.answer", "Paul Plombier"));
    /* Interested, he may now reach the client, as a local provider may:
     * A sends the contact to B, where the plumber alone sees it. */
    snprintf(path, sizeof path, "/api/v1/requests/%s", copy);
    for (i = 0; i < 100; i++) {
        assert_int_equal(test_call(&b, tok_plumber, "GET", path, NULL, &doc),
                         200);
        if (json_object_get(doc, "contact") &&
            !json_is_null(json_object_get(doc, "contact")))
            break;
        json_decref(doc);
        doc = NULL;
        usleep(100 * 1000);
    }
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(doc, "contact"), "phone")),
                        "06 12 34 56 78");
    json_decref(doc);
    assert_int_equal(test_call(&b, NULL, "GET", path, NULL, &doc), 404);
    json_decref(doc);
    snprintf(path, sizeof path, "/api/v1/requests/%s/responses", copy);
    /* A quote, revised: the last one shows on A. */
    assert_int_equal(test_call(&b, tok_plumber, "POST", path,
                               "{\"status\":\"quoted\",\"quote\":{\"amount\":"
                               "350,\"message\":\"Pièces comprises\"}}",
                               NULL),
                     200);
    for (i = 0; i < 100; i++) {
        m = match_of(&a, tok_client, id, "Paul Plombier");
        if (json_integer_value(json_object_get(json_object_get(m, "quote"),
                                               "amount")) == 350)
            break;
        json_decref(m);
        m = NULL;
        usleep(100 * 1000);
    }
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "status")),
                        "quoted");
    /* The client chooses B's plumber: B's copy closes, the plumber
     * hears he won. */
    {
        char body[128];

        snprintf(body, sizeof body, "{\"outcome\":\"won\",\"won_by\":\"%s\"}",
                 json_string_value(json_object_get(
                     json_object_get(m, "entrepreneur"), "id")));
        snprintf(path, sizeof path, "/api/v1/requests/%s/outcome", id);
        assert_int_equal(test_call(&a, tok_client, "POST", path, body, NULL),
                         200);
    }
    json_decref(m);
    free(inbox_has(&b, tok_plumber, "request.outcome", "retenue"));
    snprintf(path, sizeof path, "/api/v1/requests/%s", copy);
    assert_int_equal(test_call(&b, tok_plumber, "GET", path, NULL, &doc),
                     200);
    assert_string_equal(json_string_value(json_object_get(doc, "status")),
                        "won");
    assert_string_equal(json_string_value(json_object_get(doc, "my_status")),
                        "won");
    json_decref(doc);
    /* Only the client's instance closes it. */
    snprintf(path, sizeof path, "/api/v1/requests/%s/outcome", copy);
    assert_int_equal(test_call(&b, b.admin, "POST", path,
                               "{\"outcome\":\"cancelled\"}", NULL),
                     403);
    assert_int_equal(db_count(&a, "SELECT count(*) FROM fed_message"
                                  " WHERE status <> 'sent'"),
                     0);
    /* The contact went once (interested), not again with the quote. */
    assert_int_equal(db_count(&a, "SELECT count(*) FROM fed_message"
                                  " WHERE path LIKE '%/contact'"),
                     1);
    free(copy);
    free(id);
}

/* B is down when A sends: the message waits on A, and reaches B once B
 * is back (B's first pull of A says it is up). */
static void test_request_peer_down(void **state)
{
    struct fed_pull_stats st;
    char *id, *copy;
    int port = srv_port(b.srv), i;

    (void)state;
    accounts();
    srv_stop(b.srv); /* down, its database kept */
    b.srv = NULL;
    id = post(&a, tok_client, "/api/v1/requests",
              "{\"title\":\"Robinet extérieur gelé\",\"location\":{\"insee\":"
              "\"44109\"},\"wanted\":[\"F1603\"],\"scope\":\"network\"}");
    for (i = 0; i < 100; i++) {
        if (db_count(&a, "SELECT count(*) FROM fed_message WHERE status ="
                         " 'pending' AND attempts > 0 AND last_error IS NOT"
                         " NULL") == 1)
            break;
        usleep(100 * 1000);
    }
    assert_true(i < 100);
    /* Back, at the same address. */
    b.cfg.port = port;
    assert_int_equal(srv_start(&b.cfg, &b.srv), RC_OK);
    assert_int_equal(pull(&b, b_peer_a, FED_FEED_BYTES, 10, &st), RC_OK);
    copy = inbox_has(&b, tok_plumber, "request.match", "Robinet extérieur");
    assert_non_null(copy);
    assert_int_equal(db_count(&a, "SELECT count(*) FROM fed_message WHERE"
                                  " status = 'sent' AND attempts >= 2"),
                     1);
    free(copy);
    free(id);
}

/* What B refuses: an unsigned message, a stranger's, a forged one, bad
 * fields (each named); a message naming a private profile tells nobody. */
static void test_request_peer_refused(void **state)
{
    unsigned char pk[32], sk[64];
    struct test_reply r;
    char body[1024];
    long long before = db_count(&b, "SELECT count(*) FROM request");

    (void)state;
    snprintf(body, sizeof body,
             "{\"id\":\"77\",\"title\":\"Douche à refaire\",\"location\":"
             "{\"insee\":\"44109\"},\"wanted\":[{\"scheme\":\"rome\","
             "\"code\":\"F1603\"}],\"entrepreneurs\":[\"%s\"]}",
             plumber);
    /* Unsigned. */
    test_http_as(&b, NULL, "POST", "/federation/v1/requests", body, NULL, &r);
    assert_int_equal(r.status, 401);
    assert_true(test_has_error(json_object_get(r.json, "errors"),
                               "X-Essaim-Message-Signature"));
    test_reply_free(&r);
    /* A stranger: a key of its own, an instance B does not know. */
    crypto_sign_keypair(pk, sk);
    signed_post(&b, &a, sk, "http://stranger.invalid",
                "/federation/v1/requests", body, &r);
    assert_int_equal(r.status, 403);
    assert_true(test_has_error(json_object_get(r.json, "errors"),
                               "X-Essaim-Instance"));
    test_reply_free(&r);
    /* A's name, another key: forged. */
    signed_post(&b, &a, sk, a.base, "/federation/v1/requests", body, &r);
    assert_int_equal(r.status, 401);
    test_reply_free(&r);
    /* Signed for another path. */
    {
        unsigned char ask[64];
        char hdr[3][320];
        const char *h[4] = {hdr[0], hdr[1], hdr[2], NULL};
        struct db *db = NULL;

        assert_int_equal(db_open(a.db, NULL, &db), RC_OK);
        assert_int_equal(fed_secret_key(db, ask), RC_OK);
        db_close(db);
        fed_msg_sign(ask, a.base, "/federation/v1/requests/1/outcome", body,
                     strlen(body), (long long)time(NULL), hdr);
        test_http_full(&b, NULL, "POST", "/federation/v1/requests", body,
                       NULL, h, &r);
        assert_int_equal(r.status, 401);
        test_reply_free(&r);
    }
    assert_int_equal(db_count(&b, "SELECT count(*) FROM request"), before);
    /* Bad fields, each named; nothing written. */
    signed_post(&b, &a, NULL, NULL, "/federation/v1/requests",
                "{\"id\":\"\",\"location\":{\"insee\":\"99999\"},"
                "\"deadline\":\"2001-01-01\",\"contact\":{\"name\":\"X\"},"
                "\"scope\":\"network\",\"entrepreneurs\":[],"
                "\"wanted\":[{\"scheme\":\"rome\",\"code\":\"Z9999\"}]}",
                &r);
    assert_int_equal(r.status, 400);
    {
        json_t *errs = json_object_get(r.json, "errors");

        assert_true(test_has_error(errs, "id"));
        assert_true(test_has_error(errs, "title"));
        assert_true(test_has_error(errs, "location.insee"));
        assert_true(test_has_error(errs, "deadline"));
        assert_true(test_has_error(errs, "contact"));
        assert_true(test_has_error(errs, "scope"));
        assert_true(test_has_error(errs, "entrepreneurs"));
        assert_true(test_has_error(errs, "wanted[0].code"));
    }
    test_reply_free(&r);
    signed_post(&b, &a, NULL, NULL, "/federation/v1/requests",
                "{\"id\":\"78\",\"title\":\"x\",\"location\":{\"insee\":"
                "\"44109\"},\"entrepreneurs\":[\"abc\"]}",
                &r);
    assert_int_equal(r.status, 400);
    assert_true(test_has_error(json_object_get(r.json, "errors"),
                               "entrepreneurs[0]"));
    test_reply_free(&r);
    signed_post(&b, &a, NULL, NULL, "/federation/v1/requests", "[1]", &r);
    assert_int_equal(r.status, 400);
    test_reply_free(&r);
    assert_int_equal(db_count(&b, "SELECT count(*) FROM request"), before);
    /* A private profile, and a peer's (C's roofer is not B's): the copy
     * is kept, nobody is told. */
    snprintf(body, sizeof body,
             "{\"id\":\"79\",\"title\":\"Douche à refaire\",\"location\":"
             "{\"insee\":\"44109\"},\"entrepreneurs\":[\"%s\",\"999999\"]}",
             secret);
    signed_post(&b, &a, NULL, NULL, "/federation/v1/requests", body, &r);
    assert_int_equal(r.status, 201);
    assert_int_equal(json_integer_value(json_object_get(r.json, "notified")),
                     0);
    test_reply_free(&r);
    {
        char sql[160];

        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM notification WHERE entrepreneur_id ="
                 " %s",
                 secret);
        assert_int_equal(db_count(&b, sql), 0);
    }
    /* The same message again: the same copy, 200. */
    signed_post(&b, &a, NULL, NULL, "/federation/v1/requests", body, &r);
    assert_int_equal(r.status, 200);
    test_reply_free(&r);
    assert_int_equal(db_count(&b, "SELECT count(*) FROM request"),
                     before + 1);
    /* Answers and outcomes: only for what the sender may answer. */
    signed_post(&a, &b, NULL, NULL, "/federation/v1/requests/1/responses",
                "{\"entrepreneur_id\":\"1\",\"status\":\"maybe\"}", &r);
    assert_int_equal(r.status, 400);
    assert_true(test_has_error(json_object_get(r.json, "errors"), "status"));
    test_reply_free(&r);
    signed_post(&a, &b, NULL, NULL, "/federation/v1/requests/1/responses",
                "{\"entrepreneur_id\":\"424242\",\"status\":\"viewed\"}", &r);
    assert_int_equal(r.status, 400);
    assert_true(test_has_error(json_object_get(r.json, "errors"),
                               "entrepreneur_id"));
    test_reply_free(&r);
    signed_post(&b, &a, NULL, NULL, "/federation/v1/requests/79/outcome",
                "{\"outcome\":\"won\",\"won_by\":\"oops\"}", &r);
    assert_int_equal(r.status, 400);
    assert_true(test_has_error(json_object_get(r.json, "errors"), "won_by"));
    test_reply_free(&r);
    signed_post(&b, &a, NULL, NULL, "/federation/v1/requests/nope/outcome",
                "{\"outcome\":\"cancelled\"}", &r);
    assert_int_equal(r.status, 404);
    test_reply_free(&r);
    signed_post(&b, &a, NULL, NULL, "/federation/v1/requests/79/outcome",
                "{\"outcome\":\"cancelled\"}", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "status")),
                        "cancelled");
    test_reply_free(&r);
}

/* A deletion and a privacy downgrade on B disappear from A at the next
 * pull; a re-sync from scratch gives the same index. */
static void test_delete_and_downgrade(void **state)
{
    struct fed_pull_stats st;
    char path[128], before[1024], after[1024];

    (void)state;
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", plumber);
    assert_int_equal(test_call(&b, b.admin, "PATCH", path,
                               "{\"visibility\":\"private\"}", NULL),
                     200);
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", gardener);
    assert_int_equal(test_call(&b, b.admin, "DELETE", path, NULL, NULL), 204);
    assert_int_equal(pull(&a, a_peer_b, FED_FEED_BYTES, 10, &st), RC_OK);
    assert_int_equal(st.deleted, 2);
    assert_int_equal(found(&a, a.admin, "plombier", "network", before,
                           sizeof before),
                     0);
    assert_int_equal(found(&a, a.admin, "jardinier", "network", before,
                           sizeof before),
                     0);
    /* From scratch: the same profiles. */
    found(&a, a.admin, "", "network", before, sizeof before);
    snprintf(path, sizeof path, "/api/v1/admin/peers/%s/sync?from=start",
             a_peer_b);
    assert_int_equal(test_call(&a, a.admin, "POST", path, NULL, NULL), 202);
    assert_int_equal(pull(&a, a_peer_b, FED_FEED_BYTES, 10, &st), RC_OK);
    found(&a, a.admin, "", "network", after, sizeof after);
    assert_string_equal(before, after);
    assert_non_null(strstr(after, "Marc Menuisier"));
    assert_null(strstr(after, "Paul Plombier"));
    /* Forget B and register it again: the same again. */
    snprintf(path, sizeof path, "/api/v1/admin/peers/%s", a_peer_b);
    assert_int_equal(test_call(&a, a.admin, "DELETE", path, NULL, NULL), 204);
    found(&a, a.admin, "", "network", after, sizeof after);
    assert_null(strstr(after, "Marc Menuisier"));
    free(a_peer_b);
    a_peer_b = add_peer(&a, b.base, NULL);
    assert_int_equal(pull(&a, a_peer_b, FED_FEED_BYTES, 10, &st), RC_OK);
    found(&a, a.admin, "", "network", after, sizeof after);
    assert_string_equal(before, after);
}

/* A bad peer: down, slow, garbage, oversized, bad documents, another's
 * origin. A keeps serving and keeps what it had; the peer recovers. */
static void test_hostile_peer(void **state)
{
    struct fake f;
    struct fed_pull_stats st;
    char *peer, names[512], changes[4096], *big;
    json_t *list = NULL, *p;
    size_t i;

    (void)state;
    fake_start(&f);
    peer = add_peer(&a, f.base, NULL);
    /* Down: nothing listens there any more. */
    {
        struct fake dead;

        fake_start(&dead);
        fake_stop(&dead);
        free(add_peer(&a, dead.base, NULL));
    }
    /* Slow: over the timeout. */
    f.delay_ms = 2500;
    assert_int_equal(pull(&a, peer, FED_FEED_BYTES, 1, &st), RC_UPSTREAM);
    assert_non_null(strstr(st.error, "timed out"));
    f.delay_ms = 0;
    /* Garbage. */
    free(f.changes);
    f.changes = strdup("<html>oops</html>");
    assert_int_equal(pull(&a, peer, FED_FEED_BYTES, 5, &st), RC_UPSTREAM);
    assert_non_null(strstr(st.error, "not a JSON object"));
    fake_feed(&f, "{\"no\":1}", "1");
    assert_int_equal(pull(&a, peer, FED_FEED_BYTES, 5, &st), RC_UPSTREAM);
    /* Bytes that are not UTF-8, quoted by the parser's message: the
     * peers' list still answers. */
    free(f.changes);
    f.changes = strdup("{\"changes\": \"\xff\xfe\xc3\"");
    assert_int_equal(pull(&a, peer, FED_FEED_BYTES, 5, &st), RC_UPSTREAM);
    assert_int_equal(test_call(&a, a.admin, "GET", "/api/v1/admin/peers",
                               NULL, NULL),
                     200);
    /* Oversized page. */
    f.big = 300000;
    assert_int_equal(pull(&a, peer, 65536, 5, &st), RC_UPSTREAM);
    assert_non_null(strstr(st.error, "over"));
    f.big = 0;
    /* Through all that, A serves B's profiles. */
    assert_int_equal(found(&a, a.admin, "menuisier", "network", names,
                           sizeof names),
                     1);
    /* A page with one good document and five bad ones. */
    big = malloc(300 * 1024);
    memset(big, 'a', 300 * 1024 - 1);
    big[300 * 1024 - 1] = 0;
    snprintf(changes, sizeof changes,
             "[{\"kind\":\"entrepreneur\",\"id\":\"1\",\"origin\":\"ORIGIN\","
             "\"deleted\":false,\"doc\":{\"display_name\":\"Zoé Zingueuse\","
             "\"cooperative\":{\"id\":\"7\",\"name\":\"Coop Fausse\"},"
             "\"trades\":[{\"scheme\":\"rome\",\"code\":\"F1610\"}],"
             "\"location\":{\"insee\":\"29019\"},\"visibility\":\"public\"}},"
             "{\"kind\":\"entrepreneur\",\"id\":\"2\",\"origin\":\"%s\","
             "\"deleted\":false,\"doc\":{\"display_name\":\"Usurpé\","
             "\"cooperative\":{\"id\":\"7\",\"name\":\"C\"},"
             "\"location\":{\"insee\":\"29019\"},\"visibility\":\"public\"}},"
             "{\"kind\":\"entrepreneur\",\"id\":\"3\",\"origin\":\"ORIGIN\","
             "\"deleted\":false,\"doc\":{\"display_name\":\"Hors carte\","
             "\"cooperative\":{\"id\":\"7\",\"name\":\"C\"},"
             "\"location\":{\"insee\":\"29019\",\"lat\":200,\"lon\":1},"
             "\"visibility\":\"public\"}},"
             "{\"kind\":\"entrepreneur\",\"id\":\"4\",\"origin\":\"ORIGIN\","
             "\"deleted\":false,\"doc\":{\"display_name\":\"Nulle part\","
             "\"cooperative\":{\"id\":\"7\",\"name\":\"C\"},"
             "\"location\":{\"insee\":\"99999\"},\"visibility\":\"public\"}},"
             "{\"kind\":\"entrepreneur\",\"id\":\"5\",\"origin\":\"ORIGIN\","
             "\"deleted\":\"yes\",\"doc\":null},"
             "{\"kind\":\"entrepreneur\",\"id\":\"6\",\"origin\":\"ORIGIN\","
             "\"deleted\":false,\"doc\":{\"display_name\":\"Bavard\","
             "\"cooperative\":{\"id\":\"7\",\"name\":\"C\"},"
             "\"description\":\"BIG\","
             "\"location\":{\"insee\":\"29019\"},\"visibility\":\"public\"}}]",
             b.base);
    {
        struct buf t = {0};
        char *at = strstr(changes, "BIG");

        buf_add(&t, changes, (size_t)(at - changes));
        buf_adds(&t, big);
        buf_adds(&t, at + 3);
        fake_feed(&f, buf_str(&t), "6");
        buf_free(&t);
    }
    free(big);
    pull_page = 10; /* the fake answers all six at once */
    assert_int_equal(pull(&a, peer, FED_FEED_BYTES, 5, &st), RC_OK);
    assert_int_equal(st.accepted, 1);
    assert_int_equal(st.rejected, 5);
    assert_int_equal(found(&a, NULL, "zingueuse", "network", names,
                           sizeof names),
                     1);
    assert_int_equal(test_call(&a, a.admin, "GET", "/api/v1/admin/peers",
                               NULL, &list),
                     200);
    json_array_foreach(json_object_get(list, "results"), i, p) {
        if (strcmp(json_string_value(json_object_get(p, "url")), f.base))
            continue;
        assert_int_equal(json_integer_value(json_object_get(p, "rejected")),
                         5);
        assert_non_null(json_string_value(json_object_get(p, "last_rejection")));
        assert_string_equal(json_string_value(json_object_get(p, "cursor")),
                            "6");
    }
    json_decref(list);
    /* Recovered: the next page is applied as usual. */
    fake_feed(&f,
              "[{\"kind\":\"entrepreneur\",\"id\":\"1\",\"origin\":\"ORIGIN\","
              "\"deleted\":true,\"doc\":null}]",
              "7");
    assert_int_equal(pull(&a, peer, FED_FEED_BYTES, 5, &st), RC_OK);
    assert_int_equal(st.deleted, 1);
    assert_int_equal(found(&a, NULL, "zingueuse", "network", names,
                           sizeof names),
                     0);
    /* A descriptor claiming B's origin is refused. */
    snprintf(f.instance, sizeof f.instance,
             "{\"name\":\"Usurpatrice\",\"base_url\":\"%s\",\"public_key\":"
             "{\"key\":\"AAAA\"}}",
             b.base);
    assert_int_equal(pull(&a, peer, FED_FEED_BYTES, 5, &st), RC_UPSTREAM);
    assert_non_null(strstr(st.error, "another peer"));
    fake_stop(&f);
    free(peer);
    pull_page = 2;
}

/* The background puller: a privacy downgrade on B leaves A within one
 * sync interval; a peer that stops answering is flagged stale in the
 * results and in /metrics. */
static void test_background(void **state)
{
    struct test_server a2;
    char names[512], path[128];
    json_t *r;
    int i;

    (void)state;
    test_server_prepare(&a2);
    a2.cfg.sync_interval_s = 1;
    a2.cfg.sync_timeout_s = 2;
    a2.cfg.peer_stale_s = 2;
    test_server_launch(&a2);
    free(add_peer(&a2, b.base, NULL));
    free(add_peer(&a2, c.base, NULL));
    for (i = 0; i < 100 && !synced(&a2, 2); i++) usleep(100 * 1000);
    assert_true(i < 100);
    /* Without B's trust (signature) or C's token: public documents. */
    assert_int_equal(found(&a2, a2.admin, "menuisier", "network", names,
                           sizeof names),
                     0);
    /* Made public on B, the joiner reaches A2 within the interval (1 s,
     * with room); made private, it leaves as fast. */
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", joiner);
    assert_int_equal(test_call(&b, b.admin, "PATCH", path,
                               "{\"visibility\":\"public\"}", NULL),
                     200);
    assert_true(wait_found(&a2, "menuisier", 1) < 30);
    assert_int_equal(test_call(&b, b.admin, "PATCH", path,
                               "{\"visibility\":\"private\"}", NULL),
                     200);
    assert_true(wait_found(&a2, "menuisier", 0) < 30);
    /* B stops: its profiles stay, flagged stale after peer_stale_s. */
    assert_int_equal(test_call(&b, b.admin, "PATCH", path,
                               "{\"visibility\":\"public\"}", NULL),
                     200);
    assert_true(wait_found(&a2, "menuisier", 1) < 30);
    test_server_stop(&b);
    sleep(3);
    r = first_result(&a2, NULL, "menuisier");
    assert_non_null(r);
    assert_true(json_is_true(json_object_get(r, "stale")));
    json_decref(r);
    {
        struct test_reply m;

        test_http_as(&a2, NULL, "GET", "/metrics", NULL, NULL, &m);
        assert_non_null(strstr(buf_str(&m.body), "essaim_peers 2\n"));
        assert_non_null(strstr(buf_str(&m.body), "essaim_peers_stale 1\n"));
        test_reply_free(&m);
    }
    test_server_stop(&a2);
    /* teardown stops b again: start a fresh one in its place. */
    test_server_start(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor),
        cmocka_unit_test(test_feed),
        cmocka_unit_test(test_open_data),
        cmocka_unit_test(test_peer_admin),
        cmocka_unit_test(test_pull_and_search),
        cmocka_unit_test(test_teams_across),
        cmocka_unit_test(test_remote_read_only),
        cmocka_unit_test(test_request_across),
        cmocka_unit_test(test_request_peer_down),
        cmocka_unit_test(test_request_peer_refused),
        cmocka_unit_test(test_delete_and_downgrade),
        cmocka_unit_test(test_hostile_peer),
        cmocka_unit_test(test_background),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
