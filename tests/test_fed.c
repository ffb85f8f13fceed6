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
    if (rc != RC_OK) fprintf(stderr, "pull: %s: %s\n", rc_name(rc), st->error);
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
static char *baker, *painter, *bread, *reno, *artisans; /* test_items_* */
static char *anne, *inv_tender, *inv_team, *inv_brand; /* test_invite_* */

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
    free(baker), free(painter), free(bread), free(reno), free(artisans);
    free(anne), free(inv_tender), free(inv_team), free(inv_brand);
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
        /* The joiner (network) and the secret (private) were never shown
         * to anonymous askers: not even their ids. */
        assert_true(strcmp(id, joiner) && strcmp(id, secret));
        if (json_is_true(json_object_get(ch, "deleted"))) {
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
    assert_int_equal(hidden, 0);
    json_decref(f);
    /* One change per page: two pages, then an empty one. */
    assert_int_equal(test_call(&b, NULL, "GET",
                               "/federation/v1/changes?limit=1", NULL, &f),
                     200);
    assert_int_equal(json_array_size(json_object_get(f, "changes")), 1);
    snprintf(path, sizeof path, "/federation/v1/changes?limit=100&since=%s",
             json_string_value(json_object_get(f, "next")));
    json_decref(f);
    assert_int_equal(test_call(&b, NULL, "GET", path, NULL, &f), 200);
    assert_int_equal(json_array_size(json_object_get(f, "changes")), 1);
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

/* wait_count: db_count of sql on t, polled (10 s) until it is want; the
 * last count. Another thread (the sender, a peer) writes it. */
static long long wait_count(struct test_server *t, const char *sql,
                            long long want)
{
    long long n = db_count(t, sql);
    int i;

    for (i = 0; i < 100 && n != want; i++) {
        usleep(100 * 1000);
        n = db_count(t, sql);
    }
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

/* A client erased on A: B erases its copy of their request (which held
 * their contact once the plumber answered interested). */
static void test_request_erased(void **state)
{
    char tok[128], path[128], *id, *copy;

    (void)state;
    accounts();
    assert_int_equal(test_call(&a, NULL, "POST", "/api/v1/accounts",
                               "{\"email\":\"lea@a.test\",\"password\":"
                               "\"lea-pass\",\"display_name\":\"Léa\"}",
                               NULL),
                     201);
    test_login(&a, "lea@a.test", "lea-pass", tok, sizeof tok);
    id = post(&a, tok, "/api/v1/requests",
              "{\"title\":\"Robinet qui goutte\",\"location\":{\"insee\":"
              "\"44109\"},\"wanted\":[\"F1603\"],\"scope\":\"network\","
              "\"contact\":{\"name\":\"Léa\",\"phone\":\"07 00 00 00 01\"}}");
    copy = inbox_has(&b, tok_plumber, "request.match", "Robinet qui goutte");
    assert_non_null(copy);
    snprintf(path, sizeof path, "/api/v1/requests/%s/responses", copy);
    assert_int_equal(test_call(&b, tok_plumber, "POST", path,
                               "{\"status\":\"interested\"}", NULL),
                     200);
    assert_int_equal(wait_count(&b, "SELECT count(*) FROM request WHERE doc"
                                    " LIKE '%07 00 00 00 01%'", 1),
                     1);
    /* Erased on A: told to B, which drops its copy. */
    assert_int_equal(test_call(&a, tok, "DELETE", "/api/v1/me", NULL, NULL),
                     204);
    assert_int_equal(wait_count(&b, "SELECT count(*) FROM request WHERE doc"
                                    " LIKE '%Robinet qui goutte%'", 0),
                     0);
    assert_int_equal(db_count(&b, "SELECT count(*) FROM request WHERE doc"
                                  " LIKE '%07 00 00 00 01%'"),
                     0);
    /* A records it once B has answered. */
    assert_int_equal(wait_count(&a, "SELECT count(*) FROM fed_message WHERE"
                                    " path LIKE '%/erase' AND status ="
                                    " 'sent'", 1),
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
    int port = srv_port(b.srv);

    (void)state;
    accounts();
    srv_stop(b.srv); /* down, its database kept */
    b.srv = NULL;
    id = post(&a, tok_client, "/api/v1/requests",
              "{\"title\":\"Robinet extérieur gelé\",\"location\":{\"insee\":"
              "\"44109\"},\"wanted\":[\"F1603\"],\"scope\":\"network\"}");
    assert_int_equal(wait_count(&a, "SELECT count(*) FROM fed_message WHERE"
                                    " status = 'pending' AND attempts > 0"
                                    " AND last_error IS NOT NULL", 1),
                     1);
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

/* --------------------------------------- group invitations across the network */

static char tok_anne[64];

/* anne_on_a: an entrepreneur of A who makes groups (her profile seen by
 * her cooperative only: B's pulls of A do not get it), and a tender at
 * Nantes with a plumbing lot. */
static void anne_on_a(void)
{
    char body[256], *coop;

    if (*tok_anne) return;
    coop = post(&a, a.admin, "/api/v1/cooperatives",
                "{\"name\":\"Coop A Test\",\"kind\":\"cae\"}");
    /* A trade no later search of these tests asks for ("paysage" would
     * answer "jardinier"). */
    anne = ent(&a, coop, "Anne Architecte", "M1607", "44109", "cooperative");
    snprintf(body, sizeof body,
             "{\"email\":\"anne@a.test\",\"password\":\"anne-pass\","
             "\"role\":\"entrepreneur\",\"entrepreneur_id\":\"%s\"}",
             anne);
    assert_int_equal(test_call(&a, a.admin, "POST", "/api/v1/accounts", body,
                               NULL),
                     201);
    test_login(&a, "anne@a.test", "anne-pass", tok_anne, sizeof tok_anne);
    inv_tender = post(&a, a.admin, "/api/v1/tenders",
                      "{\"ocid\":\"fed-inv-1\",\"title\":\"Rénovation de la"
                      " mairie\",\"place\":{\"insee\":\"44109\"},\"lots\":"
                      "[{\"id\":\"1\",\"title\":\"Plomberie\",\"wanted\":"
                      "[{\"code\":\"F1603\",\"scheme\":\"rome\"}]}]}");
    free(coop);
}

/* copy_on_a: the id on A of the copy of B's profile named q (a new
 * string). */
static char *copy_on_a(const char *q)
{
    json_t *r = first_result(&a, tok_anne, q);
    char *id;

    assert_non_null(r);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(r, "origin"), "url")),
                        b.base);
    id = strdup(json_string_value(json_object_get(r, "id")));
    json_decref(r);
    return id;
}

/* member_on: the member ent of group id on t as token (a new
 * reference), or NULL. */
static json_t *member_on(struct test_server *t, const char *token,
                         const char *id, const char *ent_id)
{
    char path[128];
    json_t *g = NULL, *m, *hit = NULL;
    size_t i;

    snprintf(path, sizeof path, "/api/v1/groups/%s", id);
    assert_int_equal(test_call(t, token, "GET", path, NULL, &g), 200);
    json_array_foreach(json_object_get(g, "members"), i, m) {
        if (!strcmp(json_string_value(json_object_get(m, "entrepreneur_id")),
                    ent_id))
            hit = json_incref(m);
    }
    json_decref(g);
    return hit;
}

/* wait_member: poll (10 s) until member ent of group id on A (as Anne)
 * has status; the member (a new reference), or NULL. */
static json_t *wait_member(const char *id, const char *ent_id,
                           const char *status)
{
    json_t *m = NULL;
    int i;

    for (i = 0; i < 100; i++) {
        m = member_on(&a, tok_anne, id, ent_id);
        if (m && !strcmp(json_string_value(json_object_get(m, "status")),
                         status))
            return m;
        json_decref(m);
        usleep(100 * 1000);
    }
    return NULL;
}

/* my_group: the entry of GET /me/groups on t as token named name (polled
 * 10 s until its my_status is status), a new reference, or NULL. */
static json_t *my_group(struct test_server *t, const char *token,
                        const char *name, const char *status)
{
    json_t *out = NULL, *g, *hit = NULL;
    size_t i;
    int k;

    for (k = 0; k < 100 && !hit; k++) {
        assert_int_equal(test_call(t, token, "GET",
                                   "/api/v1/me/groups?limit=100", NULL, &out),
                         200);
        json_array_foreach(json_object_get(out, "results"), i, g) {
            if (!hit && !strcmp(json_string_value(json_object_get(g, "name")),
                                name) &&
                !strcmp(json_string_value(json_object_get(g, "my_status")),
                        status))
                hit = json_incref(g);
        }
        json_decref(out);
        if (!hit) usleep(100 * 1000);
    }
    return hit;
}

/* told: does token's inbox on t hold a notification of kind with words
 * (polled 10 s)? */
static int told(struct test_server *t, const char *token, const char *kind,
                const char *words)
{
    json_t *out = NULL, *n;
    size_t i;
    int k, hit = 0;

    for (k = 0; k < 100 && !hit; k++) {
        assert_int_equal(test_call(t, token, "GET",
                                   "/api/v1/me/notifications?limit=100",
                                   NULL, &out),
                         200);
        json_array_foreach(json_object_get(out, "results"), i, n) {
            hit |= !strcmp(json_string_value(json_object_get(n, "kind")),
                           kind) &&
                   strstr(json_string_value(json_object_get(n, "text")),
                          words);
        }
        json_decref(out);
        if (!hit) usleep(100 * 1000);
    }
    return hit;
}

/* A tender team of A invites B's plumber: the invitation goes to B,
 * where he sees it with A as its origin (and nothing of the other
 * members), accepts it, and A's group shows him accepted; a second group
 * he declines with a reason, shown on A; he leaves the first on B, A
 * hears of it; invited again, then withdrawn on A, his copy ends. */
static void test_invite_across(void **state)
{
    char path[160], body[256], *plumb, *pid;
    json_t *g, *m, *out = NULL;

    (void)state;
    accounts();
    anne_on_a();
    plumb = copy_on_a("plombier");
    snprintf(body, sizeof body,
             "{\"kind\":\"tender_team\",\"name\":\"Groupement Mairie\","
             "\"description\":\"Rénovation des sanitaires\",\"tender_id\":"
             "\"%s\",\"lot\":\"1\"}",
             inv_tender);
    inv_team = post(&a, tok_anne, "/api/v1/groups", body);
    snprintf(path, sizeof path, "/api/v1/groups/%s/invitations", inv_team);
    snprintf(body, sizeof body, "{\"entrepreneur_id\":\"%s\"}", plumb);
    assert_int_equal(test_call(&a, tok_anne, "POST", path, body, &out), 201);
    json_decref(out);
    m = member_on(&a, tok_anne, inv_team, plumb);
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "status")),
                        "invited");
    assert_string_equal(json_string_value(json_object_get(m, "name")),
                        "Paul Plombier");
    json_decref(m);
    /* What went to B: the group's public facts, never its members. */
    assert_int_equal(db_count(&a, "SELECT count(*) FROM fed_message WHERE"
                                  " path = '/federation/v1/invitations'"
                                  " AND body LIKE '%Groupement Mairie%'"
                                  " AND body NOT LIKE '%members%'"
                                  " AND body NOT LIKE '%anne@%'"),
                     1);
    /* B: his invitation, marked with its origin. */
    g = my_group(&b, tok_plumber, "Groupement Mairie", "invited");
    assert_non_null(g);
    pid = strdup(json_string_value(json_object_get(g, "invitation_id")));
    assert_int_equal(pid[0], 'p');
    assert_string_equal(json_string_value(json_object_get(g, "kind")),
                        "tender_team");
    assert_string_equal(json_string_value(json_object_get(g, "role")),
                        "member");
    assert_string_equal(json_string_value(json_object_get(g, "description")),
                        "Rénovation des sanitaires");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(g, "tender"), "title")),
                        "Rénovation de la mairie");
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_object_get(g, "tender"), "lot"), "title")),
        "Plomberie");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(g, "invited_by"), "name")),
                        "Anne Architecte");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(g, "origin"), "url")),
                        a.base);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(g, "origin"), "group_id")),
                        inv_team);
    assert_true(json_is_null(json_object_get(g, "id")));
    assert_int_equal(json_array_size(json_object_get(g, "members")), 0);
    json_decref(g);
    assert_true(told(&b, tok_plumber, "group.invitation",
                     "Anne Architecte"));
    assert_int_equal(db_count(&b, "SELECT count(*) FROM outbox WHERE"
                                  " recipient = 'paul@b.test' AND subject"
                                  " LIKE '%Groupement Mairie%'"),
                     1);
    /* A local group's invitation on B is another thing: a copy's id
     * without its prefix is no invitation of his. */
    snprintf(path, sizeof path, "/api/v1/invitations/%s/accept", pid + 1);
    assert_int_equal(test_call(&b, tok_plumber, "POST", path, NULL, NULL),
                     404);
    /* Only he answers it; he accepts on B, once. */
    snprintf(path, sizeof path, "/api/v1/invitations/%s/accept", pid);
    assert_int_equal(test_call(&b, NULL, "POST", path, NULL, NULL), 401);
    assert_int_equal(test_call(&b, tok_client, "POST", path, NULL, NULL),
                     401);
    assert_int_equal(test_call(&b, tok_plumber, "POST", path, NULL, &out),
                     200);
    assert_string_equal(json_string_value(json_object_get(out, "my_status")),
                        "accepted");
    json_decref(out);
    assert_int_equal(test_call(&b, tok_plumber, "POST", path, NULL, NULL),
                     409);
    /* A records it as a local answer: the member, the group, Anne told. */
    m = wait_member(inv_team, plumb, "accepted");
    assert_non_null(m);
    assert_non_null(json_string_value(json_object_get(m, "answered_at")));
    json_decref(m);
    snprintf(path, sizeof path, "/api/v1/groups/%s", inv_team);
    assert_int_equal(test_call(&a, tok_anne, "GET", path, NULL, &g), 200);
    assert_string_equal(json_string_value(json_object_get(g, "status")),
                        "formed");
    json_decref(g);
    assert_true(told(&a, tok_anne, "group.answer",
                     "Paul Plombier a accepté"));
    /* A second team, for no tender yet, he declines with a reason (a
     * tender team: A's business and trade groups would show in the
     * searches of later tests). */
    inv_brand = post(&a, tok_anne, "/api/v1/groups",
                     "{\"kind\":\"tender_team\",\"name\":\"Marque"
                     " Bleue\"}");
    snprintf(path, sizeof path, "/api/v1/groups/%s/invitations", inv_brand);
    assert_int_equal(test_call(&a, tok_anne, "POST", path, body, NULL), 201);
    g = my_group(&b, tok_plumber, "Marque Bleue", "invited");
    assert_non_null(g);
    assert_true(json_is_null(json_object_get(g, "tender")));
    snprintf(path, sizeof path, "/api/v1/invitations/%s/decline",
             json_string_value(json_object_get(g, "invitation_id")));
    json_decref(g);
    assert_int_equal(test_call(&b, tok_plumber, "POST", path,
                               "{\"reason\":\"Pas disponible cet été\"}",
                               NULL),
                     200);
    m = wait_member(inv_brand, plumb, "declined");
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "reason")),
                        "Pas disponible cet été");
    json_decref(m);
    /* He leaves the tender team on B; A hears of it. */
    snprintf(path, sizeof path, "/api/v1/invitations/%s/leave", pid);
    assert_int_equal(test_call(&b, tok_plumber, "POST", path, NULL, &out),
                     200);
    assert_string_equal(json_string_value(json_object_get(out, "my_status")),
                        "left");
    json_decref(out);
    assert_int_equal(test_call(&b, tok_plumber, "POST", path, NULL, NULL),
                     409);
    m = wait_member(inv_team, plumb, "left");
    assert_non_null(m);
    json_decref(m);
    assert_true(told(&a, tok_anne, "group.left", "Paul Plombier a quitté"));
    /* Invited again to the brand after his decline: the copy opens again
     * on B; withdrawn on A, it ends there. */
    snprintf(path, sizeof path, "/api/v1/groups/%s/invitations", inv_brand);
    assert_int_equal(test_call(&a, tok_anne, "POST", path, body, NULL), 201);
    g = my_group(&b, tok_plumber, "Marque Bleue", "invited");
    assert_non_null(g);
    json_decref(g);
    snprintf(path, sizeof path, "/api/v1/groups/%s/members/%s", inv_brand,
             plumb);
    assert_int_equal(test_call(&a, tok_anne, "DELETE", path, NULL, NULL),
                     200);
    assert_true(told(&b, tok_plumber, "group.removed", "Marque Bleue"));
    assert_int_equal(db_count(&b, "SELECT count(*) FROM grp_invitation_in"
                                  " WHERE status = 'left' AND reason ="
                                  " 'withdrawn'"),
                     1);
    assert_int_equal(db_count(&a, "SELECT count(*) FROM fed_message"
                                  " WHERE status <> 'sent'"),
                     0);
    assert_int_equal(db_count(&b, "SELECT count(*) FROM fed_message"
                                  " WHERE status <> 'sent'"),
                     0);
    free(pid);
    free(plumb);
}

/* A team proposed across the network, made in one call as the tender
 * page makes it (its members as proposed, origin included): B's plumber
 * is invited through B, and his answer comes back. */
static void test_team_made_across(void **state)
{
    char body[512], path[160], *plumb, *team;
    json_t *g, *m;

    (void)state;
    accounts();
    anne_on_a();
    plumb = copy_on_a("plombier");
    snprintf(body, sizeof body,
             "{\"kind\":\"tender_team\",\"name\":\"Groupement Lycée\","
             "\"tender_id\":\"%s\",\"members\":[{\"entrepreneur_id\":"
             "\"%s\",\"origin\":\"%s\",\"covers\":[\"1\"]}]}",
             inv_tender, plumb, b.base);
    team = post(&a, tok_anne, "/api/v1/groups", body);
    m = member_on(&a, tok_anne, team, plumb);
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "status")),
                        "invited");
    assert_string_equal(json_string_value(json_object_get(m, "origin")),
                        b.base);
    json_decref(m);
    m = member_on(&a, tok_anne, team, anne);
    assert_non_null(m);
    assert_true(json_is_null(json_object_get(m, "origin")));
    json_decref(m);
    g = my_group(&b, tok_plumber, "Groupement Lycée", "invited");
    assert_non_null(g);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(g, "origin"), "group_id")),
                        team);
    snprintf(path, sizeof path, "/api/v1/invitations/%s/accept",
             json_string_value(json_object_get(g, "invitation_id")));
    json_decref(g);
    assert_int_equal(test_call(&b, tok_plumber, "POST", path, NULL, NULL),
                     200);
    m = wait_member(team, plumb, "accepted");
    assert_non_null(m);
    json_decref(m);
    free(team);
    free(plumb);
}

/* What is refused: a private profile of B (A does not even see it, and B
 * refuses a message naming it), unsigned and strangers' messages (with
 * nothing written), bad fields (each named), an answer from an instance
 * that does not speak for the entrepreneur; a repeat is harmless. */
static void test_invite_refused(void **state)
{
    unsigned char pk[32], sk[64];
    struct test_reply r;
    char path[160], body[1024], sql[200];
    long long before;

    (void)state;
    accounts();
    anne_on_a();
    if (!inv_team)
        inv_team = post(&a, tok_anne, "/api/v1/groups",
                        "{\"kind\":\"tender_team\",\"name\":\"Repli\"}");
    /* A: B's private profile is not here (never pulled), so no id of
     * A names it: inviting one that is no profile is a 400. */
    assert_int_equal(db_count(&a, "SELECT count(*) FROM entrepreneur WHERE"
                                  " display_name = 'Sophie Secrète'"),
                     0);
    snprintf(path, sizeof path, "/api/v1/groups/%s/invitations", inv_team);
    test_http_as(&a, tok_anne, "POST", path,
                 "{\"entrepreneur_id\":\"999999\"}", NULL, &r);
    assert_int_equal(r.status, 400);
    assert_true(test_has_error(json_object_get(r.json, "errors"),
                               "entrepreneur_id"));
    test_reply_free(&r);
    before = db_count(&b, "SELECT count(*) FROM grp_invitation_in");
    /* B: a message naming the private profile: 404, nobody told. */
    snprintf(body, sizeof body,
             "{\"id\":\"9001\",\"entrepreneur_id\":\"%s\",\"role\":"
             "\"member\",\"round\":1,"
             "\"invited_by\":\"Anne\",\"group\":{\"id\":\"77\",\"kind\":"
             "\"trade_group\",\"name\":\"Les Curieux\"}}",
             secret);
    signed_post(&b, &a, NULL, NULL, "/federation/v1/invitations", body, &r);
    assert_int_equal(r.status, 404);
    assert_true(test_has_error(json_object_get(r.json, "errors"),
                               "entrepreneur_id"));
    test_reply_free(&r);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM notification WHERE entrepreneur_id = %s",
             secret);
    assert_int_equal(db_count(&b, sql), 0);
    /* Unsigned, a stranger, a forgery: refused, nothing written. */
    snprintf(body, sizeof body,
             "{\"id\":\"9002\",\"entrepreneur_id\":\"%s\",\"role\":"
             "\"member\",\"round\":1,"
             "\"group\":{\"id\":\"78\",\"kind\":\"trade_group\",\"name\":"
             "\"Les Intrus\"}}",
             plumber);
    test_http_as(&b, NULL, "POST", "/federation/v1/invitations", body, NULL,
                 &r);
    assert_int_equal(r.status, 401);
    test_reply_free(&r);
    crypto_sign_keypair(pk, sk);
    signed_post(&b, &a, sk, "http://stranger.invalid",
                "/federation/v1/invitations", body, &r);
    assert_int_equal(r.status, 403);
    test_reply_free(&r);
    signed_post(&b, &a, sk, a.base, "/federation/v1/invitations", body, &r);
    assert_int_equal(r.status, 401);
    test_reply_free(&r);
    assert_int_equal(db_count(&b, "SELECT count(*) FROM grp_invitation_in"),
                     before);
    /* Bad fields, each named. */
    signed_post(&b, &a, NULL, NULL, "/federation/v1/invitations",
                "{\"id\":\"\",\"entrepreneur_id\":\"x\",\"role\":\"boss\","
                "\"round\":0,\"invited_by\":[1],\"extra\":1,\"group\":{\"id\":\"\","
                "\"kind\":\"club\",\"name\":\"\",\"tender\":{\"lot\":"
                "{\"title\":\"Lot\"}}}}",
                &r);
    assert_int_equal(r.status, 400);
    {
        json_t *errs = json_object_get(r.json, "errors");

        assert_true(test_has_error(errs, "id"));
        assert_true(test_has_error(errs, "entrepreneur_id"));
        assert_true(test_has_error(errs, "role"));
        assert_true(test_has_error(errs, "round"));
        assert_true(test_has_error(errs, "invited_by"));
        assert_true(test_has_error(errs, "extra"));
        assert_true(test_has_error(errs, "group.id"));
        assert_true(test_has_error(errs, "group.kind"));
        assert_true(test_has_error(errs, "group.name"));
        assert_true(test_has_error(errs, "group.tender.title"));
        assert_true(test_has_error(errs, "group.tender.lot.id"));
    }
    test_reply_free(&r);
    signed_post(&b, &a, NULL, NULL, "/federation/v1/invitations",
                "{\"id\":\"9003\",\"entrepreneur_id\":\"1\",\"role\":"
                "\"member\",\"round\":1,\"group\":{\"id\":\"1\","
                "\"kind\":\"trade_group\",\"name\":\"G\",\"tender\":"
                "{\"title\":\"T\"}}}",
                &r);
    assert_int_equal(r.status, 400);
    assert_true(test_has_error(json_object_get(r.json, "errors"),
                               "group.tender"));
    test_reply_free(&r);
    signed_post(&b, &a, NULL, NULL, "/federation/v1/invitations", "[]", &r);
    assert_int_equal(r.status, 400);
    test_reply_free(&r);
    assert_int_equal(db_count(&b, "SELECT count(*) FROM grp_invitation_in"),
                     before);
    /* A good one, then the same again: one copy, 201 then 200. */
    signed_post(&b, &a, NULL, NULL, "/federation/v1/invitations", body, &r);
    assert_int_equal(r.status, 201);
    assert_string_equal(json_string_value(json_object_get(r.json, "status")),
                        "invited");
    test_reply_free(&r);
    signed_post(&b, &a, NULL, NULL, "/federation/v1/invitations", body, &r);
    assert_int_equal(r.status, 200);
    test_reply_free(&r);
    assert_int_equal(db_count(&b, "SELECT count(*) FROM grp_invitation_in"),
                     before + 1);
    /* Answers on A: only B speaks for B's plumber; C, a peer A knows, is
     * refused; bad status, unknown invitation. */
    {
        char *plumb = copy_on_a("plombier"), inv[32];
        json_t *m;

        snprintf(path, sizeof path, "/api/v1/groups/%s/invitations",
                 inv_team);
        snprintf(body, sizeof body, "{\"entrepreneur_id\":\"%s\"}", plumb);
        assert_int_equal(test_call(&a, tok_anne, "POST", path, body, NULL),
                         201);
        m = member_on(&a, tok_anne, inv_team, plumb);
        snprintf(inv, sizeof inv, "%s",
                 json_string_value(json_object_get(m, "invitation_id")));
        json_decref(m);
        /* Nobody on A answers for him, not even A's administrator. */
        snprintf(path, sizeof path, "/api/v1/invitations/%s/accept", inv);
        test_http_as(&a, a.admin, "POST", path, NULL, NULL, &r);
        assert_int_equal(r.status, 403);
        assert_true(test_has_error(json_object_get(r.json, "errors"),
                                   "invitation_id"));
        test_reply_free(&r);
        snprintf(path, sizeof path, "/federation/v1/invitations/%s/answer",
                 inv);
        snprintf(body, sizeof body,
                 "{\"entrepreneur_id\":\"%s\",\"status\":\"accepted\"}",
                 plumber);
        signed_post(&a, &c, NULL, NULL, path, body, &r);
        assert_int_equal(r.status, 400);
        assert_true(test_has_error(json_object_get(r.json, "errors"),
                                   "entrepreneur_id"));
        test_reply_free(&r);
        signed_post(&a, &b, NULL, NULL, path,
                    "{\"entrepreneur_id\":\"424242\",\"status\":"
                    "\"accepted\"}",
                    &r);
        assert_int_equal(r.status, 400);
        assert_true(test_has_error(json_object_get(r.json, "errors"),
                                   "entrepreneur_id"));
        test_reply_free(&r);
        signed_post(&a, &b, NULL, NULL, path,
                    "{\"entrepreneur_id\":\"1\",\"status\":\"maybe\","
                    "\"reason\":\"x\"}",
                    &r);
        assert_int_equal(r.status, 400);
        assert_true(test_has_error(json_object_get(r.json, "errors"),
                                   "status"));
        test_reply_free(&r);
        signed_post(&a, &b, NULL, NULL,
                    "/federation/v1/invitations/99999/answer", body, &r);
        assert_int_equal(r.status, 404);
        test_reply_free(&r);
        m = member_on(&a, tok_anne, inv_team, plumb);
        assert_string_equal(json_string_value(json_object_get(m, "status")),
                            "invited");
        json_decref(m);
        free(plumb);
    }
}

/* B is down when A invites its joiner: the message waits on A and
 * reaches B once B is back (B's pull of A says it is up). */
static void test_invite_peer_down(void **state)
{
    struct fed_pull_stats st;
    char path[160], body[128], sql[200], *join;
    int port = srv_port(b.srv);

    (void)state;
    accounts();
    anne_on_a();
    join = copy_on_a("menuisier");
    srv_stop(b.srv); /* down, its database kept */
    b.srv = NULL;
    snprintf(path, sizeof path, "/api/v1/groups/%s/invitations", inv_team);
    snprintf(body, sizeof body, "{\"entrepreneur_id\":\"%s\"}", join);
    assert_int_equal(test_call(&a, tok_anne, "POST", path, body, NULL), 201);
    assert_int_equal(wait_count(&a, "SELECT count(*) FROM fed_message WHERE"
                                    " status = 'pending' AND attempts > 0"
                                    " AND path = '/federation/v1/invitations'",
                                    1),
                     1);
    b.cfg.port = port;
    assert_int_equal(srv_start(&b.cfg, &b.srv), RC_OK);
    assert_int_equal(pull(&b, b_peer_a, FED_FEED_BYTES, 10, &st), RC_OK);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM grp_invitation_in WHERE entrepreneur_id"
             " = %s AND status = 'invited'",
             joiner);
    assert_int_equal(wait_count(&b, sql, 1), 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM notification WHERE entrepreneur_id = %s"
             " AND kind = 'group.invitation'",
             joiner);
    assert_int_equal(db_count(&b, sql), 1);
    free(join);
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
    /* "More" without moving on: it would have us ask the same page
     * again and again. */
    free(f.changes);
    f.changes = strdup("{\"changes\":[],\"next\":\"0\",\"more\":true}");
    assert_int_equal(pull(&a, peer, FED_FEED_BYTES, 5, &st), RC_UPSTREAM);
    assert_non_null(strstr(st.error, "not a change feed page"));
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

/* ------------------------------------------ a peer's offers and groups */

/* feed_next: the next cursor of t's whole feed as token (its end). */
static char *feed_next(struct test_server *t, const char *token)
{
    json_t *f = NULL;
    char *next;

    assert_int_equal(test_call(t, token, "GET",
                               "/federation/v1/changes?limit=1000", NULL, &f),
                     200);
    next = strdup(json_string_value(json_object_get(f, "next")));
    json_decref(f);
    return next;
}

/* feed_has: in t's feed after since as token, the change of id (kind):
 * 0 absent, 1 a document, 2 a tombstone. */
static int feed_has(struct test_server *t, const char *token,
                    const char *since, const char *kind, const char *id)
{
    json_t *f = NULL, *ch;
    char path[128];
    size_t i;
    int has = 0;

    snprintf(path, sizeof path, "/federation/v1/changes?limit=1000&since=%s",
             since);
    assert_int_equal(test_call(t, token, "GET", path, NULL, &f), 200);
    json_array_foreach(json_object_get(f, "changes"), i, ch) {
        if (strcmp(json_string_value(json_object_get(ch, "kind")), kind) ||
            strcmp(json_string_value(json_object_get(ch, "id")), id))
            continue;
        has = json_is_true(json_object_get(ch, "deleted")) ? 2 : 1;
    }
    json_decref(f);
    return has;
}

/* Task: the feed tells a deletion only to who may have seen it. A profile
 * private all its life (made, edited, deleted) never shows its id to an
 * anonymous asker; one that was public, then made private, gives a
 * tombstone; a page whose rows are all skipped is read on, not taken for
 * the end of the feed. */
static void test_feed_hidden(void **state)
{
    char path[128], *hidden, *shown, *start, *last, *p[3];
    json_t *f = NULL;
    struct fed_pull_stats st;
    int i;

    (void)state;
    start = feed_next(&b, NULL);
    hidden = ent(&b, coop_b, "Henri Caché", "A1205", "44109", "private");
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", hidden);
    assert_int_equal(test_call(&b, b.admin, "PATCH", path,
                               "{\"headline\":\"toujours caché\"}", NULL),
                     200);
    assert_int_equal(test_call(&b, b.admin, "DELETE", path, NULL, NULL), 204);
    shown = ent(&b, coop_b, "Pia Publique", "A1205", "44109", "public");
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", shown);
    assert_int_equal(test_call(&b, b.admin, "PATCH", path,
                               "{\"visibility\":\"private\"}", NULL),
                     200);
    assert_int_equal(feed_has(&b, NULL, start, "entrepreneur", hidden), 0);
    assert_int_equal(feed_has(&b, NULL, "0", "entrepreneur", hidden), 0);
    assert_int_equal(feed_has(&b, NULL, start, "entrepreneur", shown), 2);
    /* Nor to a signed-in asker: it was never network either. */
    assert_int_equal(feed_has(&b, b.admin, start, "entrepreneur", hidden), 0);
    /* Three private profiles, then a public one: a page of one change
     * after the cursor is the public one, not an empty page. */
    last = feed_next(&b, NULL);
    for (i = 0; i < 3; i++)
        p[i] = ent(&b, coop_b, "Ombre", "A1205", "44109", "private");
    free(ent(&b, coop_b, "Zélie Sylvicultrice", "A1205", "44109", "public"));
    snprintf(path, sizeof path, "/federation/v1/changes?limit=1&since=%s",
             last);
    assert_int_equal(test_call(&b, NULL, "GET", path, NULL, &f), 200);
    assert_int_equal(json_array_size(json_object_get(f, "changes")), 1);
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_array_get(json_object_get(f, "changes"), 0),
                            "doc"),
            "display_name")),
        "Zélie Sylvicultrice");
    json_decref(f);
    /* A puller asking one change per page reads past the skipped rows. */
    pull_page = 1;
    assert_int_equal(pull(&a, a_peer_b, FED_FEED_BYTES, 10, &st), RC_OK);
    pull_page = 2;
    {
        char names[512];

        assert_int_equal(found(&a, NULL, "sylvicultrice", "network", names,
                               sizeof names),
                         1);
        assert_string_equal(names, "Zélie Sylvicultrice");
    }
    for (i = 0; i < 3; i++) free(p[i]);
    free(hidden), free(shown), free(start), free(last);
}

/* search_items: the results of a search on t as token (kind, q, scope):
 * a new reference to the answer. */
static json_t *search_items(struct test_server *t, const char *token,
                            const char *kind, const char *q,
                            const char *scope)
{
    char path[256];
    json_t *res = NULL;

    snprintf(path, sizeof path,
             "/api/v1/search?q=%s&kind=%s&scope=%s&limit=100", q, kind, scope);
    assert_int_equal(test_call(t, token, "GET", path, NULL, &res), 200);
    return res;
}

static long total_of(json_t *res)
{
    return (long)json_integer_value(json_object_get(res, "total"));
}

/* B's offers and business group, pulled by A: found with scope=network
 * with B as origin, not with scope=local; read-only on A; an offer
 * retired on B, and a profile made private, take them off A. */
static void test_items_across(void **state)
{
    struct fed_pull_stats st;
    json_t *res, *r, *g = NULL, *m;
    char path[256], body[512], *facade, *a_offer, *a_group;
    size_t i;

    (void)state;
    baker = ent(&b, coop_b, "Bruno Boulanger", "D1102", "44109", "public");
    painter = ent(&b, coop_b, "Pauline Peintre", "F1606", "44109", "public");
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s/offers", baker);
    bread = post(&b, b.admin, path,
                 "{\"title\":\"Pain au levain\",\"description\":\"Cuit au"
                 " feu de bois\",\"trades\":[{\"scheme\":\"rome\","
                 "\"code\":\"D1102\"}],\"price\":{\"min\":4,\"unit\":"
                 "\"package\"}}");
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s/offers", painter);
    facade = post(&b, b.admin, path,
                  "{\"title\":\"Peinture de façade\",\"trades\":[{\"scheme\":"
                  "\"rome\",\"code\":\"F1606\"}]}");
    snprintf(body, sizeof body,
             "{\"kind\":\"business_group\",\"name\":\"Les Artisans"
             " Nantais\",\"description\":\"Boulangers et peintres\","
             "\"members\":[{\"entrepreneur_id\":\"%s\",\"role\":\"admin\"},"
             "{\"entrepreneur_id\":\"%s\"}]}",
             baker, painter);
    assert_int_equal(test_call(&b, b.admin, "POST", "/api/v1/groups", body,
                               &g),
                     201);
    artisans = strdup(json_string_value(json_object_get(g, "id")));
    json_array_foreach(json_object_get(g, "members"), i, m) {
        snprintf(path, sizeof path, "/api/v1/invitations/%s/accept",
                 json_string_value(json_object_get(m, "invitation_id")));
        assert_int_equal(test_call(&b, b.admin, "POST", path, "{}", NULL),
                         200);
    }
    json_decref(g);
    snprintf(path, sizeof path, "/api/v1/groups/%s/offers", artisans);
    snprintf(body, sizeof body,
             "{\"title\":\"Rénovation de fournil\",\"trades\":[{\"scheme\":"
             "\"rome\",\"code\":\"F1606\"}],\"delivered_by\":[\"%s\","
             "\"%s\"]}",
             painter, baker);
    reno = post(&b, b.admin, path, body);

    assert_int_equal(pull(&a, a_peer_b, FED_FEED_BYTES, 10, &st), RC_OK);
    assert_int_equal(st.rejected, 0);
    /* The offer, with B as its origin; not in a local search. */
    res = search_items(&a, NULL, "offer", "levain", "network");
    assert_int_equal(total_of(res), 1);
    r = json_array_get(json_object_get(res, "results"), 0);
    assert_string_equal(json_string_value(json_object_get(r, "name")),
                        "Pain au levain");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(r, "origin"), "url")),
                        b.base);
    assert_non_null(json_string_value(json_object_get(r, "fetched_at")));
    assert_true(json_is_false(json_object_get(r, "stale")));
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(r, "owner"), "name")),
                        "Bruno Boulanger");
    a_offer = strdup(json_string_value(json_object_get(r, "id")));
    json_decref(res);
    res = search_items(&a, NULL, "offer", "levain", "local");
    assert_int_equal(total_of(res), 0);
    json_decref(res);
    /* The group's offer, through its members. */
    res = search_items(&a, NULL, "offer", "fournil", "network");
    assert_int_equal(total_of(res), 1);
    json_decref(res);
    /* The business group, with B as its origin. */
    res = search_items(&a, NULL, "group", "artisans", "network");
    assert_int_equal(total_of(res), 1);
    r = json_array_get(json_object_get(res, "results"), 0);
    assert_string_equal(json_string_value(json_object_get(r, "name")),
                        "Les Artisans Nantais");
    assert_int_equal(json_integer_value(json_object_get(r, "members")), 2);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(r, "origin"), "url")),
                        b.base);
    assert_non_null(json_string_value(json_object_get(r, "fetched_at")));
    a_group = strdup(json_string_value(json_object_get(r, "id")));
    json_decref(res);
    res = search_items(&a, NULL, "group", "artisans", "local");
    assert_int_equal(total_of(res), 0);
    json_decref(res);
    /* GET on A: the copies, with their origin. */
    snprintf(path, sizeof path, "/api/v1/offers/%s", a_offer);
    assert_int_equal(test_call(&a, NULL, "GET", path, NULL, &r), 200);
    assert_string_equal(json_string_value(json_object_get(r, "origin")),
                        b.base);
    assert_string_equal(json_string_value(json_object_get(r, "title")),
                        "Pain au levain");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(r, "price"), "min")),
                     4);
    assert_true(json_is_false(json_object_get(r, "can_edit")));
    json_decref(r);
    snprintf(path, sizeof path, "/api/v1/groups/%s", a_group);
    assert_int_equal(test_call(&a, a.admin, "GET", path, NULL, &r), 200);
    assert_string_equal(json_string_value(json_object_get(r, "origin")),
                        b.base);
    assert_int_equal(json_array_size(json_object_get(r, "members")), 2);
    assert_true(json_is_false(json_object_get(r, "can_edit")));
    json_decref(r);
    /* Read-only on A, even for its administrator. */
    snprintf(path, sizeof path, "/api/v1/offers/%s", a_offer);
    assert_int_equal(test_call(&a, a.admin, "PATCH", path,
                               "{\"title\":\"Pain piraté\"}", NULL),
                     403);
    assert_int_equal(test_call(&a, a.admin, "DELETE", path, NULL, NULL),
                     403);
    assert_int_equal(test_call(&a, NULL, "PATCH", path,
                               "{\"title\":\"Pain piraté\"}", NULL),
                     401);
    snprintf(path, sizeof path, "/api/v1/groups/%s", a_group);
    assert_int_equal(test_call(&a, a.admin, "PATCH", path,
                               "{\"name\":\"Piraté\"}", NULL),
                     403);
    snprintf(path, sizeof path, "/api/v1/groups/%s/offers", a_group);
    assert_int_equal(test_call(&a, a.admin, "POST", path,
                               "{\"title\":\"x\",\"trades\":[{\"scheme\":"
                               "\"rome\",\"code\":\"F1606\"}]}",
                               NULL),
                     403);
    /* Never passed on: A's own feed has none of them. */
    assert_int_equal(feed_has(&a, NULL, "0", "offer", a_offer), 0);
    assert_int_equal(feed_has(&a, NULL, "0", "group", a_group), 0);
    /* Retired on B: gone from A. */
    snprintf(path, sizeof path, "/api/v1/offers/%s", bread);
    assert_int_equal(test_call(&b, b.admin, "DELETE", path, NULL, NULL), 200);
    assert_int_equal(pull(&a, a_peer_b, FED_FEED_BYTES, 10, &st), RC_OK);
    assert_int_equal(st.deleted, 1);
    res = search_items(&a, NULL, "offer", "levain", "network");
    assert_int_equal(total_of(res), 0);
    json_decref(res);
    snprintf(path, sizeof path, "/api/v1/offers/%s", a_offer);
    assert_int_equal(test_call(&a, a.admin, "GET", path, NULL, NULL), 404);
    /* Put back on B: back on A (a new copy). */
    snprintf(path, sizeof path, "/api/v1/offers/%s", bread);
    assert_int_equal(test_call(&b, b.admin, "PATCH", path,
                               "{\"status\":\"active\"}", NULL),
                     200);
    assert_int_equal(pull(&a, a_peer_b, FED_FEED_BYTES, 10, &st), RC_OK);
    res = search_items(&a, NULL, "offer", "levain", "network");
    assert_int_equal(total_of(res), 1);
    json_decref(res);
    /* The painter made private on B: her offer leaves A, and the group
     * keeps one member there. */
    res = search_items(&a, NULL, "offer", "facade", "network");
    assert_int_equal(total_of(res), 1);
    json_decref(res);
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", painter);
    assert_int_equal(test_call(&b, b.admin, "PATCH", path,
                               "{\"visibility\":\"private\"}", NULL),
                     200);
    assert_int_equal(pull(&a, a_peer_b, FED_FEED_BYTES, 10, &st), RC_OK);
    res = search_items(&a, a.admin, "offer", "facade", "network");
    assert_int_equal(total_of(res), 0);
    json_decref(res);
    res = search_items(&a, NULL, "group", "artisans", "network");
    assert_int_equal(total_of(res), 1);
    assert_int_equal(json_integer_value(json_object_get(
                         json_array_get(json_object_get(res, "results"), 0),
                         "members")),
                     1);
    json_decref(res);
    /* Public again: her offer comes back (B sends it again after her
     * profile). */
    assert_int_equal(test_call(&b, b.admin, "PATCH", path,
                               "{\"visibility\":\"public\"}", NULL),
                     200);
    assert_int_equal(pull(&a, a_peer_b, FED_FEED_BYTES, 10, &st), RC_OK);
    res = search_items(&a, NULL, "offer", "facade", "network");
    assert_int_equal(total_of(res), 1);
    json_decref(res);
    free(facade), free(a_offer), free(a_group);
}

/* A re-sync from scratch, and forgetting B, give the same offers and
 * groups as for profiles. */
static void test_items_resync(void **state)
{
    struct fed_pull_stats st;
    json_t *res;
    char path[128];
    long offers, groups;

    (void)state;
    res = search_items(&a, a.admin, "offer", "", "network");
    offers = total_of(res);
    json_decref(res);
    res = search_items(&a, a.admin, "group", "", "network");
    groups = total_of(res);
    json_decref(res);
    assert_int_equal(offers, 3); /* bread, facade, the renovation */
    assert_int_equal(groups, 1);
    snprintf(path, sizeof path, "/api/v1/admin/peers/%s/sync?from=start",
             a_peer_b);
    assert_int_equal(test_call(&a, a.admin, "POST", path, NULL, NULL), 202);
    assert_int_equal(pull(&a, a_peer_b, FED_FEED_BYTES, 10, &st), RC_OK);
    res = search_items(&a, a.admin, "offer", "", "network");
    assert_int_equal(total_of(res), offers);
    json_decref(res);
    res = search_items(&a, a.admin, "group", "", "network");
    assert_int_equal(total_of(res), groups);
    assert_int_equal(json_integer_value(json_object_get(
                         json_array_get(json_object_get(res, "results"), 0),
                         "members")),
                     2);
    json_decref(res);
    assert_int_equal(db_count(&a, "SELECT count(*) FROM fed_pending"), 0);
}

/* A fake peer sends an offer and a group before the profile they name:
 * they wait, then are kept when it arrives; bad offers and groups are
 * refused one by one with a reason. */
static void test_items_order(void **state)
{
    struct fake f;
    struct fed_pull_stats st;
    char *peer, sql[160];
    json_t *res, *list = NULL, *p;
    size_t i;

    (void)state;
    fake_start(&f);
    peer = add_peer(&a, f.base, NULL);
    pull_page = 10;
    fake_feed(&f,
              "[{\"kind\":\"offer\",\"id\":\"o1\",\"origin\":\"ORIGIN\","
              "\"deleted\":false,\"doc\":{\"id\":\"o1\",\"owner\":{\"kind\":"
              "\"entrepreneur\",\"id\":\"e1\",\"name\":\"Yann\"},"
              "\"title\":\"Taille de haies bocagères\",\"trades\":[{"
              "\"scheme\":\"rome\",\"code\":\"A1203\"}],\"delivered_by\":"
              "[{\"entrepreneur_id\":\"e1\"}],\"photos\":[],\"status\":"
              "\"active\"}},"
              "{\"kind\":\"group\",\"id\":\"g1\",\"origin\":\"ORIGIN\","
              "\"deleted\":false,\"doc\":{\"id\":\"g1\",\"kind\":"
              "\"trade_group\",\"name\":\"Haies du Bocage\",\"slug\":"
              "\"haies-du-bocage\",\"description\":null,\"members\":[{"
              "\"entrepreneur_id\":\"e1\",\"name\":\"Yann\",\"role\":"
              "\"admin\"}]}},"
              "{\"kind\":\"offer\",\"id\":\"o2\",\"origin\":\"ORIGIN\","
              "\"deleted\":false,\"doc\":{\"owner\":{\"kind\":\"group\","
              "\"id\":\"g1\"},\"title\":\"Plessage de haies\",\"trades\":[{"
              "\"scheme\":\"rome\",\"code\":\"A1203\"}],\"delivered_by\":"
              "[\"e1\"]}}]",
              "3");
    assert_int_equal(pull(&a, peer, FED_FEED_BYTES, 5, &st), RC_OK);
    assert_int_equal(st.rejected, 0);
    assert_int_equal(st.waiting, 1); /* o1: its owner is not here */
    res = search_items(&a, NULL, "offer", "haies", "network");
    assert_int_equal(total_of(res), 0);
    json_decref(res);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM fed_pending WHERE peer_id = %s", peer);
    assert_int_equal(db_count(&a, sql), 3);
    /* The profile arrives: all three are kept, nothing waits. */
    fake_feed(&f,
              "[{\"kind\":\"entrepreneur\",\"id\":\"e1\",\"origin\":"
              "\"ORIGIN\",\"deleted\":false,\"doc\":{\"display_name\":"
              "\"Yann Haiiste\",\"cooperative\":{\"id\":\"7\",\"name\":"
              "\"Coop Fausse\"},\"trades\":[{\"scheme\":\"rome\",\"code\":"
              "\"A1203\"}],\"location\":{\"insee\":\"29019\"},"
              "\"visibility\":\"public\"}}]",
              "4");
    assert_int_equal(pull(&a, peer, FED_FEED_BYTES, 5, &st), RC_OK);
    assert_int_equal(st.rejected, 0);
    assert_int_equal(db_count(&a, sql), 0);
    res = search_items(&a, NULL, "offer", "haies", "network");
    assert_int_equal(total_of(res), 2);
    json_decref(res);
    res = search_items(&a, NULL, "group", "bocage", "network");
    assert_int_equal(total_of(res), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_array_get(
                                json_object_get(res, "results"), 0),
                                            "origin"),
                            "url")),
                        f.base);
    json_decref(res);
    /* A tombstone of the offer: gone. */
    fake_feed(&f,
              "[{\"kind\":\"offer\",\"id\":\"o1\",\"origin\":\"ORIGIN\","
              "\"deleted\":true,\"doc\":null}]",
              "5");
    assert_int_equal(pull(&a, peer, FED_FEED_BYTES, 5, &st), RC_OK);
    assert_int_equal(st.deleted, 1);
    res = search_items(&a, NULL, "offer", "taille", "network");
    assert_int_equal(total_of(res), 0);
    json_decref(res);
    /* Five bad ones and a good one: each refused with its reason. */
    fake_feed(&f,
              "[{\"kind\":\"offer\",\"id\":\"b1\",\"origin\":\"ORIGIN\","
              "\"deleted\":false,\"doc\":{\"title\":\"Sans auteur\","
              "\"trades\":[{\"scheme\":\"rome\",\"code\":\"A1203\"}]}},"
              "{\"kind\":\"offer\",\"id\":\"b2\",\"origin\":\"ORIGIN\","
              "\"deleted\":false,\"doc\":{\"owner\":{\"kind\":"
              "\"entrepreneur\",\"id\":\"e1\"},\"trades\":[{\"scheme\":"
              "\"rome\",\"code\":\"A1203\"}]}},"
              "{\"kind\":\"offer\",\"id\":\"b3\",\"origin\":\"ORIGIN\","
              "\"deleted\":false,\"doc\":{\"owner\":{\"kind\":"
              "\"entrepreneur\",\"id\":\"e1\"},\"title\":\"Code inconnu\","
              "\"trades\":[{\"scheme\":\"rome\",\"code\":\"Z9999\"}]}},"
              "{\"kind\":\"offer\",\"id\":\"b4\",\"origin\":\"ORIGIN\","
              "\"deleted\":false,\"doc\":{\"owner\":{\"kind\":"
              "\"entrepreneur\",\"id\":\"e1\"},\"title\":\"Prix\","
              "\"trades\":[{\"scheme\":\"rome\",\"code\":\"A1203\"}],"
              "\"price\":{\"min\":-1,\"unit\":\"hour\"}}},"
              "{\"kind\":\"offer\",\"id\":\"ok\",\"origin\":\"ORIGIN\","
              "\"deleted\":false,\"doc\":{\"owner\":{\"kind\":"
              "\"entrepreneur\",\"id\":\"e1\"},\"title\":\"Élagage doux\","
              "\"trades\":[{\"scheme\":\"rome\",\"code\":\"A1203\"}]}},"
              "{\"kind\":\"group\",\"id\":\"b5\",\"origin\":\"ORIGIN\","
              "\"deleted\":false,\"doc\":{\"kind\":\"tender_team\","
              "\"name\":\"Caché\",\"members\":[]}}]",
              "6");
    assert_int_equal(pull(&a, peer, FED_FEED_BYTES, 5, &st), RC_OK);
    assert_int_equal(st.accepted, 1);
    assert_int_equal(st.rejected, 5);
    res = search_items(&a, NULL, "offer", "elagage", "network");
    assert_int_equal(total_of(res), 1);
    json_decref(res);
    assert_int_equal(test_call(&a, a.admin, "GET", "/api/v1/admin/peers",
                               NULL, &list),
                     200);
    json_array_foreach(json_object_get(list, "results"), i, p) {
        const char *why;

        if (strcmp(json_string_value(json_object_get(p, "url")), f.base))
            continue;
        why = json_string_value(json_object_get(p, "last_rejection"));
        assert_non_null(why);
        assert_non_null(strstr(why, "group b5: kind"));
    }
    json_decref(list);
    /* Forgetting the peer forgets its offers and groups. */
    snprintf(sql, sizeof sql, "/api/v1/admin/peers/%s", peer);
    assert_int_equal(test_call(&a, a.admin, "DELETE", sql, NULL, NULL), 204);
    res = search_items(&a, NULL, "group", "bocage", "network");
    assert_int_equal(total_of(res), 0);
    json_decref(res);
    assert_int_equal(db_count(&a, "SELECT count(*) FROM grp WHERE"
                                  " remote_id = 'g1'"),
                     0);
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
        cmocka_unit_test(test_request_erased),
        cmocka_unit_test(test_request_peer_down),
        cmocka_unit_test(test_request_peer_refused),
        cmocka_unit_test(test_invite_across),
        cmocka_unit_test(test_team_made_across),
        cmocka_unit_test(test_invite_refused),
        cmocka_unit_test(test_invite_peer_down),
        cmocka_unit_test(test_feed_hidden),
        cmocka_unit_test(test_items_across),
        cmocka_unit_test(test_items_resync),
        cmocka_unit_test(test_items_order),
        cmocka_unit_test(test_delete_and_downgrade),
        cmocka_unit_test(test_hostile_peer),
        cmocka_unit_test(test_background),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
