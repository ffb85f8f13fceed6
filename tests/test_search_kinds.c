/*
 * test_search_kinds.c: offers, groups and contribution-temps posts in the
 * search (kind=offer, kind=group, kind=post, all kinds at once;
 * search/search_item.h), end to end through libcurl against a server on
 * 127.0.0.1:0.
 *
 * The world: two cooperatives; three public gardeners (Nantes, Angers,
 * Rezé) forming the trade group "Les Jardiniers du Val" with four
 * offers; a private gardener and a gardener seen only by her cooperative
 * in a business group; a plumber in Lyon; a tender team. Offers are
 * written through the offers API, one through plain SQL on a second
 * connection (a writer that does not know the search engine), and
 * changed both ways: every change must show at the next search. Time
 * posts (help offered or needed) by Léa, Hugo, Nina, the private Paul
 * and Zoé (seen by her cooperative only), through the time API.
 */
#include "testutil.h"

#include "../directory/dir_ent.h"
#include "../util/ids.h"

static struct test_server server;
static struct db *side;     /* a second connection to the server's file */

static struct {
    char coop_a[16], coop_b[16];
    char lea[16], hugo[16], nina[16], paul[16], zoe[16], marc[16];
    char val[16], discreet[16], team[16]; /* groups */
    char o_haies[16], o_potagers[16], o_entretien[16], o_elagage[16];
    char o_pelouse[16], o_chaudiere[16], o_cours[16], o_sql[16];
    char client[64];
    /* Accounts of entrepreneurs, and their time posts. */
    char t_lea[64], t_hugo[64], t_nina[64], t_paul[64], t_zoe[64];
    char p_compta[16], p_site[16], p_roses[16], p_photo[16], p_trailer[16],
        p_move[16];
} w;

/* ------------------------------------------------------------ helpers */

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

/* post_id: POST as the admin, expecting want; the answer's id into dst. */
static void post_id(const char *path, const char *body, long want, char *dst)
{
    json_t *out = NULL;
    long st = test_call(&server, server.admin, "POST", path, body, &out);

    if (st != want) {
        char *text = out ? json_dumps(out, 0) : NULL;

        fail_msg("POST %s %s: %ld, want %ld: %s", path, body, st, want,
                 text ? text : "");
    }
    if (dst) snprintf(dst, 16, "%s", str(out, "id"));
    json_decref(out);
}

/* search_as: the answer of GET /api/v1/search?query as token ("" for
 * anonymous); query is written as read ("q=élagage&near=Rezé"), each
 * value escaped here. New reference. */
static json_t *search_as(const char *token, const char *query)
{
    struct buf b = {0};
    const char *p = query;
    json_t *a = NULL;
    long st;

    buf_adds(&b, "/api/v1/search?");
    while (*p) {
        size_t n = strcspn(p, "&");
        const char *eq = memchr(p, '=', n);

        if (eq) {
            char *v = strndup(eq + 1, (size_t)(p + n - eq - 1));
            char *esc = curl_easy_escape(NULL, v, 0);

            buf_add(&b, p, (size_t)(eq - p) + 1);
            buf_adds(&b, esc);
            curl_free(esc);
            free(v);
        } else {
            buf_add(&b, p, n);
        }
        p += n;
        if (*p == '&') buf_addc(&b, *p++);
    }
    st = test_call(&server, token, "GET", buf_str(&b), NULL, &a);
    if (st != 200) {
        char *text = a ? json_dumps(a, 0) : NULL;

        fail_msg("search %s: %ld %s", query, st, text ? text : "");
    }
    buf_free(&b);
    return a;
}

static json_t *search(const char *query)
{
    return search_as("", query);
}

static long total(json_t *a)
{
    return (long)json_integer_value(json_object_get(a, "total"));
}

/* found: the result of this kind and id in a, or NULL. */
static json_t *found(json_t *a, const char *kind, const char *id)
{
    json_t *r;
    size_t i;

    json_array_foreach(json_object_get(a, "results"), i, r)
        if (!strcmp(str(r, "kind"), kind) && !strcmp(str(r, "id"), id))
            return r;
    return NULL;
}

/* count_kind: the results of this kind in a's page. */
static int count_kind(json_t *a, const char *kind)
{
    json_t *r;
    size_t i;
    int n = 0;

    json_array_foreach(json_object_get(a, "results"), i, r)
        if (!strcmp(str(r, "kind"), kind)) n++;
    return n;
}

static int why_has(json_t *r, const char *text)
{
    json_t *x;
    size_t i;

    json_array_foreach(json_object_get(r, "why"), i, x)
        if (strstr(json_string_value(x), text)) return 1;
    return 0;
}

static void show(json_t *a, const char *what)
{
    char *text = json_dumps(json_object_get(a, "results"), JSON_COMPACT);

    fprintf(stderr, "%s: total %ld: %.3000s\n", what, total(a), text);
    free(text);
}

#define FOUND(a, kind, id, q)                                               \
    do {                                                                    \
        if (!found(a, kind, id)) {                                          \
            show(a, q);                                                     \
            fail_msg("%s: %s %s not found", q, kind, id);                   \
        }                                                                   \
    } while (0)
#define ABSENT(a, kind, id, q)                                              \
    do {                                                                    \
        if (found(a, kind, id)) {                                           \
            show(a, q);                                                     \
            fail_msg("%s: %s %s found", q, kind, id);                       \
        }                                                                   \
    } while (0)

/* expect: search q as token, and check that kind/id is (in 1) or is not
 * (in 0) among the results. */
static void expect(const char *token, const char *q, const char *kind,
                   const char *id, int in)
{
    json_t *a = search_as(token, q);

    if (in)
        FOUND(a, kind, id, q);
    else
        ABSENT(a, kind, id, q);
    json_decref(a);
}

static void ent(const char *coop, const char *name, const char *headline,
                const char *code, const char *insee, int radius,
                const char *vis, char *id)
{
    char body[768];

    snprintf(body, sizeof body,
             "{\"cooperative_id\":\"%s\",\"display_name\":\"%s\","
             "\"headline\":\"%s\","
             "\"trades\":[{\"scheme\":\"rome\",\"code\":\"%s\"}],"
             "\"location\":{\"insee\":\"%s\"},"
             "\"intervention\":{\"radius_km\":%d},\"visibility\":\"%s\"}",
             coop, name, headline, code, insee, radius, vis);
    post_id("/api/v1/entrepreneurs", body, 201, id);
}

/* group: the admin makes a group of these members (everyone invited),
 * and accepts each invitation on their behalf. */
static void group(const char *kind, const char *name, const char *desc,
                  const char *const *members, char *id)
{
    struct buf b = {0};
    json_t *out = NULL, *m;
    char path[96];
    size_t i;

    buf_addf(&b, "{\"kind\":\"%s\",\"name\":\"%s\",\"description\":\"%s\","
                 "\"members\":[",
             kind, name, desc);
    for (i = 0; members[i]; i++)
        buf_addf(&b, "%s{\"entrepreneur_id\":\"%s\"}", i ? "," : "",
                 members[i]);
    buf_adds(&b, "]}");
    if (test_call(&server, server.admin, "POST", "/api/v1/groups", buf_str(&b), &out) != 201)
        fail_msg("POST /groups %s: %s", buf_str(&b),
                 out ? json_dumps(out, 0) : "");
    snprintf(id, 16, "%s", str(out, "id"));
    json_array_foreach(json_object_get(out, "members"), i, m) {
        snprintf(path, sizeof path, "/api/v1/invitations/%s/accept",
                 str(m, "invitation_id"));
        assert_int_equal(test_call(&server, server.admin, "POST", path, NULL, NULL), 200);
    }
    json_decref(out);
    buf_free(&b);
}

/* offer: through the offers API; owner "entrepreneurs/ID" or
 * "groups/ID"; codes and delivered space-separated. */
static void offer(const char *owner, const char *title, const char *desc,
                  const char *codes, const char *delivered, char *id)
{
    struct buf b = {0};
    char path[96], one[32];
    const char *p;
    int n;

    buf_addf(&b, "{\"title\":\"%s\",\"description\":\"%s\",\"trades\":[",
             title, desc);
    for (p = codes, n = 0; sscanf(p, "%31s", one) == 1; n++) {
        buf_addf(&b, "%s{\"scheme\":\"rome\",\"code\":\"%s\"}", n ? "," : "",
                 one);
        p = strstr(p, one) + strlen(one);
    }
    buf_adds(&b, "],\"price\":{\"min\":40,\"max\":60,\"unit\":\"hour\"}");
    if (delivered) {
        buf_adds(&b, ",\"delivered_by\":[");
        for (p = delivered, n = 0; sscanf(p, "%31s", one) == 1; n++) {
            buf_addf(&b, "%s\"%s\"", n ? "," : "", one);
            p = strstr(p, one) + strlen(one);
        }
        buf_adds(&b, "]");
    }
    buf_adds(&b, "}");
    snprintf(path, sizeof path, "/api/v1/%s/offers", owner);
    post_id(path, buf_str(&b), 201, id);
    buf_free(&b);
}

/* account_for: an account of entrepreneur ent, signed in: its token. */
static void account_for(const char *email, const char *ent, char *token)
{
    char body[256];

    snprintf(body, sizeof body,
             "{\"email\":\"%s\",\"password\":\"secret-pass\","
             "\"role\":\"entrepreneur\",\"entrepreneur_id\":\"%s\"}",
             email, ent);
    post_id("/api/v1/accounts", body, 201, NULL);
    test_login(&server, email, "secret-pass", token, 64);
}

/* time_post: POST /api/v1/time/posts as token (the author); its id. */
static void time_post(const char *token, const char *body, char *id)
{
    json_t *out = NULL;
    long st = test_call(&server, token, "POST", "/api/v1/time/posts", body,
                        &out);

    if (st != 201)
        fail_msg("POST /time/posts %s: %ld %s", body, st,
                 out ? json_dumps(out, 0) : "");
    snprintf(id, 16, "%s", str(out, "id"));
    json_decref(out);
}

/* post_ids: the ids of the posts of a page (the search's kind=post
 * results, or GET /time/posts), sorted and comma-joined into buf. */
static void post_ids(json_t *a, int search_kind, char *buf, size_t size)
{
    long ids[128];
    size_t i, n = 0, k;
    json_t *r;

    json_array_foreach(json_object_get(a, "results"), i, r) {
        if (search_kind && strcmp(str(r, "kind"), "post")) continue;
        if (n < 128) ids[n++] = strtol(str(r, "id"), NULL, 10);
    }
    for (i = 1; i < n; i++)
        for (k = i; k > 0 && ids[k - 1] > ids[k]; k--) {
            long t = ids[k];

            ids[k] = ids[k - 1];
            ids[k - 1] = t;
        }
    buf[0] = 0;
    for (i = 0; i < n; i++)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%ld", i ? "," : "",
                 ids[i]);
}

/* side_sql: run sql (printf-style) in one write transaction on the
 * second connection, as a module that knows nothing of search would. */
static void side_sql(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void side_sql(const char *fmt, ...)
{
    char sql[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    assert_int_equal(db_begin(side), RC_OK);
    if (db_exec(side, sql) != RC_OK) {
        db_rollback(side);
        fail_msg("cannot run %s: %s", sql, sqlite3_errmsg(db_handle(side)));
    }
    assert_int_equal(db_commit(side), RC_OK);
}

/* ------------------------------------------------------------ world */

static int setup(void **state)
{
    const char *val[] = {w.lea, w.hugo, w.nina, NULL};
    const char *discreet[] = {w.zoe, w.paul, NULL};
    const char *team[] = {w.lea, w.hugo, NULL};
    char owner[48], delivered[64];
    json_t *out = NULL;

    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    test_server_start(&server);
    assert_int_equal(db_open(server.db, NULL, &side), RC_OK);
    post_id("/api/v1/cooperatives", "{\"name\":\"Ouvre-Boîtes 44\"}", 201,
            w.coop_a);
    post_id("/api/v1/cooperatives", "{\"name\":\"Coodémarrage Anjou\"}", 201,
            w.coop_b);
    ent(w.coop_a, "Léa Martin", "Jardinière paysagiste", "A1203", "44109", 20,
        "public", w.lea);
    ent(w.coop_b, "Hugo Bernard", "Jardinier", "A1203", "49007", 30,
        "public", w.hugo);
    ent(w.coop_a, "Nina Roux", "Paysagiste", "A1203", "44143", 15, "public",
        w.nina);
    ent(w.coop_a, "Paul Discret", "Jardinier", "A1203", "44109", 20,
        "private", w.paul);
    ent(w.coop_b, "Zoé Réservée", "Jardinière", "A1203", "49007", 30,
        "cooperative", w.zoe);
    ent(w.coop_b, "Marc Chauffe", "Plombier chauffagiste", "F1603", "69123",
        20, "public", w.marc);

    /* Done when: three entrepreneurs of two cooperatives form a trade
     * group and publish four offers. */
    group("trade_group", "Les Jardiniers du Val",
          "Un groupe métier de jardiniers de Loire-Atlantique et d'Anjou :"
          " jardins, vergers et potagers entretenus au naturel.",
          val, w.val);
    group("business_group", "Atelier Discret",
          "Une marque commune pour des jardins discrets.", discreet,
          w.discreet);
    group("tender_team", "Équipe Verte", "Pour le marché des parcs.", team,
          w.team);
    snprintf(owner, sizeof owner, "groups/%s", w.val);
    offer(owner, "Taille de haies et d'arbustes",
          "Taille douce des haies, des arbustes et des rosiers.", "A1203",
          w.lea, w.o_haies);
    snprintf(delivered, sizeof delivered, "%s %s", w.hugo, w.nina);
    offer(owner, "Création de potagers en permaculture",
          "Des légumes toute l'année : buttes, paillage et compost.",
          "A1203", delivered, w.o_potagers);
    snprintf(delivered, sizeof delivered, "%s %s", w.lea, w.nina);
    offer(owner, "Entretien de jardins",
          "Tonte, désherbage et ramassage des feuilles.", "A1203", delivered,
          w.o_entretien);
    snprintf(delivered, sizeof delivered, "%s %s", w.hugo, w.lea);
    offer(owner, "Élagage des arbres fruitiers",
          "Élagage et soins des pommiers et des poiriers.", "A1203 A1201",
          delivered, w.o_elagage);
    snprintf(owner, sizeof owner, "entrepreneurs/%s", w.paul);
    offer(owner, "Tonte de pelouse", "Une pelouse nette chaque semaine.",
          "A1203", NULL, w.o_pelouse);
    snprintf(owner, sizeof owner, "entrepreneurs/%s", w.marc);
    offer(owner, "Dépannage de chaudières",
          "Chaudières à gaz et à granulés, dépannage sous 24 heures.",
          "F1603", NULL, w.o_chaudiere);
    snprintf(owner, sizeof owner, "entrepreneurs/%s", w.lea);
    offer(owner, "Cours de jardinage au naturel",
          "Apprendre à jardiner sans produits chimiques.", "A1203", NULL,
          w.o_cours);
    /* A client, as in the "done when". */
    assert_int_equal(test_call(&server, "", "POST", "/api/v1/accounts",
                          "{\"email\":\"client@example.org\","
                          "\"password\":\"secret-pass\"}",
                          &out),
                     201);
    json_decref(out);
    test_login(&server, "client@example.org", "secret-pass", w.client,
               sizeof w.client);

    /* Contribution-temps: posts of help offered and needed. */
    account_for("lea@example.org", w.lea, w.t_lea);
    account_for("hugo@example.org", w.hugo, w.t_hugo);
    account_for("nina@example.org", w.nina, w.t_nina);
    account_for("paul@example.org", w.paul, w.t_paul);
    account_for("zoe@example.org", w.zoe, w.t_zoe);
    time_post(w.t_lea,
              "{\"kind\":\"offer\",\"title\":\"Aide à la comptabilité\","
              "\"description\":\"Je relis vos factures et votre bilan de"
              " fin d'année.\",\"trades\":[{\"scheme\":\"rome\","
              "\"code\":\"M1203\"}],\"until\":\"2099-12-31\"}",
              w.p_compta);
    time_post(w.t_hugo,
              "{\"kind\":\"need\",\"title\":\"Refonte de mon site web\","
              "\"description\":\"Un coup de main pour passer sous"
              " WordPress.\",\"trades\":[{\"scheme\":\"rome\","
              "\"code\":\"M1805\"}]}",
              w.p_site);
    time_post(w.t_paul,
              "{\"kind\":\"offer\",\"title\":\"Greffe de rosiers"
              " anciens\"}",
              w.p_roses);
    time_post(w.t_zoe,
              "{\"kind\":\"need\",\"title\":\"Conseils en"
              " photographie\"}",
              w.p_photo);
    time_post(w.t_nina,
              "{\"kind\":\"offer\",\"title\":\"Prêt d'une remorque\"}",
              w.p_trailer);
    time_post(w.t_nina,
              "{\"kind\":\"need\",\"title\":\"Déménagement"
              " d'atelier\",\"until\":\"2099-01-31\"}",
              w.p_move);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(side);
    test_server_stop(&server);
    curl_global_cleanup();
    return 0;
}

/* ------------------------------------------------------------ tests */

/* The "done when": a client searching the group's trade near
 * one member finds the group and its offers. */
static void done_when(void **state)
{
    json_t *a, *g, *o;

    (void)state;
    a = search_as(w.client, "q=jardinier&near=Rezé");
    FOUND(a, "group", w.val, "jardinier near Rezé");
    FOUND(a, "offer", w.o_haies, "jardinier near Rezé");
    FOUND(a, "offer", w.o_potagers, "jardinier near Rezé");
    FOUND(a, "offer", w.o_entretien, "jardinier near Rezé");
    FOUND(a, "offer", w.o_elagage, "jardinier near Rezé");
    FOUND(a, "entrepreneur", w.nina, "jardinier near Rezé");
    g = found(a, "group", w.val);
    assert_string_equal(str(g, "name"), "Les Jardiniers du Val");
    assert_string_equal(str(g, "slug"), "les-jardiniers-du-val");
    assert_int_equal(json_integer_value(json_object_get(g, "members")), 3);
    assert_true(why_has(g, "groupe de 3 membres de 2 coopératives"));
    assert_true(why_has(g, "métier : Aménagement et entretien des espaces"
                           " verts"));
    assert_true(strstr(str(g, "headline"), "Un groupe métier") != NULL);
    assert_true(json_is_number(json_object_get(g, "distance_km")));
    assert_true(json_is_array(json_object_get(g, "trades")));
    /* Nina lives in Rezé: the group is there. */
    assert_true(json_number_value(json_object_get(g, "distance_km")) < 1);
    assert_string_equal(str(g, "city"), "Rezé");
    o = found(a, "offer", w.o_entretien);
    assert_string_equal(str(o, "title"), "Entretien de jardins");
    assert_string_equal(str(o, "name"), "Entretien de jardins");
    assert_string_equal(str(o, "headline"), "Les Jardiniers du Val");
    assert_string_equal(str(json_object_get(o, "owner"), "kind"), "group");
    assert_string_equal(str(json_object_get(o, "owner"), "id"), w.val);
    assert_string_equal(str(json_object_get(o, "owner"), "slug"),
                        "les-jardiniers-du-val");
    assert_true(why_has(o, "offre de Les Jardiniers du Val"));
    assert_true(why_has(o, "Nina Roux : installé à Rezé"));
    /* The nearest deliverer's cooperative: Nina's. */
    assert_string_equal(str(json_object_get(o, "cooperative"), "id"),
                        w.coop_a);
    assert_true(json_is_number(json_object_get(o, "score")));
    assert_true(json_is_string(json_object_get(o, "snippet")));
    json_decref(a);
    /* Anonymous too: everything here is public. */
    a = search("trade=A1203&near=44143");
    FOUND(a, "group", w.val, "trade=A1203 near Rezé");
    FOUND(a, "offer", w.o_haies, "trade=A1203 near Rezé");
    json_decref(a);
}

/* Words of the title and description with the French analysis. */
static void offers_by_words(void **state)
{
    json_t *a, *o;

    (void)state;
    /* Accents folded, plural stemmed. */
    expect("", "q=elagages&kind=offer", "offer", w.o_elagage, 1);
    expect("", "q=potager&kind=offer", "offer", w.o_potagers, 1);
    /* A word being typed (prefix). */
    expect("", "q=permacul&kind=offer", "offer", w.o_potagers, 1);
    /* The description. */
    a = search("q=legumes compost&kind=offer");
    assert_int_equal(total(a), 1);
    o = found(a, "offer", w.o_potagers);
    assert_non_null(o);
    assert_true(strstr(str(o, "snippet"), "<mark>légumes</mark>") != NULL);
    assert_true(why_has(o, "mots trouvés"));
    assert_true(why_has(o, "offre de Les Jardiniers du Val"));
    json_decref(a);
    /* Plural, no accent. */
    expect("", "q=chaudieres&kind=offer", "offer", w.o_chaudiere, 1);
    /* A typo. */
    expect("", "q=permaculure&kind=offer", "offer", w.o_potagers, 1);
    /* The owner's name finds its offers. */
    expect("", "q=jardiniers du val&kind=offer", "offer", w.o_haies, 1);
    /* Every word must match. */
    expect("", "q=potager chaudiere&kind=offer", "offer", w.o_potagers, 0);
}

static void offers_by_trade(void **state)
{
    json_t *a;

    (void)state;
    a = search("trade=A1201&kind=offer");
    assert_int_equal(total(a), 1);
    FOUND(a, "offer", w.o_elagage, "trade=A1201");
    json_decref(a);
    /* A word finds an offer by the ROME job titles of its trade. */
    expect("", "q=plombier&kind=offer", "offer", w.o_chaudiere, 1);
    expect("", "trade=F16&kind=offer", "offer", w.o_chaudiere, 1);
    expect("", "trade=F16&kind=offer", "offer", w.o_haies, 0);
}

/* An offer is where its deliverers work, not where the other members of
 * its group do. */
static void offers_where_delivered(void **state)
{
    json_t *a, *o;

    (void)state;
    /* Angers: Hugo (30 km around Angers) delivers the potagers and the
     * pruning, not the hedges (Léa, Nantes) nor the upkeep (Léa, Nina). */
    a = search("kind=offer&near=Angers");
    FOUND(a, "offer", w.o_potagers, "offers near Angers");
    FOUND(a, "offer", w.o_elagage, "offers near Angers");
    ABSENT(a, "offer", w.o_haies, "offers near Angers");
    ABSENT(a, "offer", w.o_entretien, "offers near Angers");
    o = found(a, "offer", w.o_potagers);
    assert_string_equal(str(o, "city"), "Angers");
    assert_string_equal(str(json_object_get(o, "cooperative"), "id"),
                        w.coop_b);
    json_decref(a);
    /* Nantes: Léa and Nina (Rezé, 15 km); the distance is the nearest
     * deliverer's. */
    a = search("kind=offer&near=44109&sort=distance");
    FOUND(a, "offer", w.o_haies, "offers near Nantes");
    FOUND(a, "offer", w.o_potagers, "offers near Nantes");
    ABSENT(a, "offer", w.o_chaudiere, "offers near Nantes");
    assert_true(json_number_value(json_object_get(found(a, "offer",
                                                        w.o_haies),
                                                  "distance_km")) < 1);
    assert_true(json_number_value(json_object_get(found(a, "offer",
                                                        w.o_potagers),
                                                  "distance_km")) > 2);
    json_decref(a);
    /* radius_km narrows to the deliverers' homes. */
    expect("", "kind=offer&near=44109&radius_km=2", "offer", w.o_potagers,
           0);
    expect("", "kind=offer&near=44109&radius_km=2", "offer", w.o_haies, 1);
}

/* Visibility: an entrepreneur's offer shows when its owner's profile
 * does; a group (and its offers) through the members one may see. */
static void visibility(void **state)
{
    (void)state;
    expect("", "q=pelouse&kind=offer", "offer", w.o_pelouse, 0);
    expect(w.client, "q=pelouse&kind=offer", "offer", w.o_pelouse, 0);
    expect(server.admin, "q=pelouse&kind=offer", "offer", w.o_pelouse, 1);
    /* Zoé (her cooperative only) and Paul (private): nobody outside. */
    expect("", "q=atelier discret&kind=group", "group", w.discreet, 0);
    expect(w.client, "q=atelier discret", "group", w.discreet, 0);
    expect(server.admin, "q=atelier discret&kind=group", "group",
           w.discreet, 1);
    /* A tender team is never found, not even by an administrator. */
    expect(server.admin, "q=equipe verte&kind=group", "group", w.team, 0);
    expect(server.admin, "q=equipe verte", "group", w.team, 0);
    expect(server.admin, "kind=group", "group", w.team, 0);
}

/* A group is found by its trade near one member, not far from all. */
static void groups_by_trade_and_place(void **state)
{
    json_t *a, *g;

    (void)state;
    a = search("trade=A1203&kind=group&near=Angers");
    assert_int_equal(total(a), 1);
    g = found(a, "group", w.val);
    assert_non_null(g);
    assert_string_equal(str(g, "city"), "Angers");
    assert_true(why_has(g, "Hugo Bernard : installé à Angers"));
    json_decref(a);
    expect("", "trade=A1203&kind=group&near=Lyon", "group", w.val, 0);
    expect("", "q=jardins&kind=group&near=Brest", "group", w.val, 0);
    /* Its offers' titles are its words too. */
    expect("", "q=permaculture&kind=group", "group", w.val, 1);
    /* A word finds it by the job titles of its trades. */
    expect("", "q=paysagiste&kind=group", "group", w.val, 1);
}

/* Facets count offers and groups, each once per value. */
static void facets(void **state)
{
    json_t *a, *f;
    char key[32];

    (void)state;
    a = search("trade=A1203&kind=offer");
    /* Hedges, potagers, upkeep, pruning, lessons (the lawn is private). */
    assert_int_equal(total(a), 5);
    f = json_object_get(a, "facets");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(f, "trade"), "A1203")),
                     5);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(f, "trade"), "A1201")),
                     1);
    /* Deliverers of cooperative A: hedges, potagers (Nina), upkeep,
     * pruning (Léa), lessons; of B: potagers, pruning (Hugo). */
    snprintf(key, sizeof key, "%s", w.coop_a);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(f, "cooperative"), key)),
                     5);
    snprintf(key, sizeof key, "%s", w.coop_b);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(f, "cooperative"), key)),
                     2);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(f, "departement"), "49")),
                     2);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(f, "departement"), "44")),
                     5);
    json_decref(a);
    /* A facet taken as a filter counts what it said. */
    {
        char q[96];

        snprintf(q, sizeof q, "trade=A1203&kind=offer&cooperative=%s",
                 w.coop_b);
        a = search(q);
        assert_int_equal(total(a), 2);
        FOUND(a, "offer", w.o_potagers, q);
        json_decref(a);
        a = search("trade=A1203&kind=offer&departement=49");
        assert_int_equal(total(a), 2);
        json_decref(a);
    }
    a = search("trade=A1203&kind=group");
    assert_int_equal(total(a), 1);
    f = json_object_get(a, "facets");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(f, "trade"), "A1203")),
                     1);
    json_decref(a);
}

/* kind= keeps one kind; without it, all three, each result saying its
 * kind. */
static void kinds(void **state)
{
    json_t *a, *r;
    size_t i;

    (void)state;
    a = search("q=jardin&kind=group");
    assert_true(total(a) >= 1);
    assert_int_equal(count_kind(a, "group"), (int)total(a));
    json_decref(a);
    a = search("q=jardin&kind=offer");
    assert_int_equal(count_kind(a, "offer"), (int)total(a));
    json_decref(a);
    a = search("q=jardin&kind=entrepreneur");
    assert_int_equal(count_kind(a, "entrepreneur"), (int)total(a));
    json_decref(a);
    a = search("q=jardin&near=Nantes&limit=100");
    assert_true(count_kind(a, "entrepreneur") >= 1);
    assert_true(count_kind(a, "offer") >= 1);
    assert_true(count_kind(a, "group") == 1);
    json_array_foreach(json_object_get(a, "results"), i, r)
        assert_true(*str(r, "kind"));
    /* The kind facet counts each kind. */
    {
        json_t *k = json_object_get(json_object_get(a, "facets"), "kind");

        assert_int_equal(json_integer_value(json_object_get(k, "group")), 1);
        assert_int_equal(json_integer_value(json_object_get(k, "offer")),
                         count_kind(a, "offer"));
        assert_int_equal(
            json_integer_value(json_object_get(k, "entrepreneur")),
            count_kind(a, "entrepreneur"));
        assert_string_equal(
            str(json_object_get(json_object_get(a, "facet_labels"), "kind"),
                "offer"),
            "Offres");
    }
    json_decref(a);
    /* Without words either. */
    a = search("near=Angers&limit=100");
    FOUND(a, "group", w.val, "near Angers");
    FOUND(a, "offer", w.o_potagers, "near Angers");
    FOUND(a, "entrepreneur", w.hugo, "near Angers");
    json_decref(a);
    /* A bad kind names the parameter. */
    assert_int_equal(test_call(&server, "", "GET", "/api/v1/search?kind=shop", NULL, NULL),
                     400);
}

/* ------------------------------------------------------ time posts */

/* A post is found by the words of its title and description (French
 * analysis: accents, plurals, the word being typed, typos), by its
 * author's name, and by its trade's job titles. */
static void posts_by_words(void **state)
{
    json_t *a, *p;

    (void)state;
    a = search("q=comptabilite&kind=post");
    assert_int_equal(total(a), 1);
    p = found(a, "post", w.p_compta);
    assert_non_null(p);
    /* The fields of every result, with their values. */
    assert_string_equal(str(p, "kind"), "post");
    assert_string_equal(str(p, "id"), w.p_compta);
    assert_true(json_is_null(json_object_get(p, "external_id")));
    assert_string_equal(str(p, "name"), "Aide à la comptabilité");
    assert_string_equal(str(p, "headline"), "Léa Martin");
    assert_string_equal(str(p, "post_kind"), "offer");
    assert_string_equal(str(json_object_get(p, "author"), "id"), w.lea);
    assert_string_equal(str(json_object_get(p, "cooperative"), "id"),
                        w.coop_a);
    assert_string_equal(str(json_object_get(p, "cooperative"), "name"),
                        "Ouvre-Boîtes 44");
    assert_string_equal(
        str(json_array_get(json_object_get(p, "trades"), 0), "code"),
        "M1203");
    assert_string_equal(str(p, "city"), "Nantes");
    assert_string_equal(str(p, "until"), "2099-12-31");
    assert_string_equal(str(json_object_get(p, "place"), "insee"), "44109");
    assert_true(json_is_null(json_object_get(p, "distance_km")));
    assert_true(json_is_number(json_object_get(p, "score")));
    assert_true(json_number_value(json_object_get(p, "score")) > 0.5);
    assert_true(why_has(p, "offre d'entraide de Léa Martin"));
    assert_true(json_is_string(json_object_get(p, "snippet")));
    json_decref(a);
    /* Plural, no accent, in the description: the snippet marks it. */
    a = search("q=factures bilans&kind=post");
    assert_int_equal(total(a), 1);
    p = found(a, "post", w.p_compta);
    assert_non_null(p);
    assert_non_null(strstr(str(p, "snippet"), "<mark>factures</mark>"));
    json_decref(a);
    expect("", "q=refontes&kind=post", "post", w.p_site, 1);
    expect("", "q=wordpre&kind=post", "post", w.p_site, 1);
    expect("", "q=remorques&kind=post", "post", w.p_trailer, 1);
    /* A typo. */
    expect("", "q=comptabilitee&kind=post", "post", w.p_compta, 1);
    /* The author's name (the headline). */
    expect("", "q=hugo bernard&kind=post", "post", w.p_site, 1);
    a = search("q=refonte&kind=post");
    assert_true(why_has(found(a, "post", w.p_site),
                        "demande d'entraide de Hugo Bernard"));
    assert_string_equal(str(found(a, "post", w.p_site), "post_kind"),
                        "need");
    json_decref(a);
    /* A word of the trade's job titles (ROME M1203: comptable). */
    expect("", "q=comptable&kind=post", "post", w.p_compta, 1);
    /* Every word must match. */
    expect("", "q=comptabilite remorque&kind=post", "post", w.p_compta, 0);
}

/* By trade code, and near a place as its author would be: through the
 * author's intervention area. */
static void posts_by_trade_and_place(void **state)
{
    json_t *a, *p;

    (void)state;
    a = search("trade=M1805&kind=post");
    assert_int_equal(total(a), 1);
    FOUND(a, "post", w.p_site, "trade=M1805");
    json_decref(a);
    expect("", "trade=M12&kind=post", "post", w.p_compta, 1);
    expect("", "trade=M12&kind=post", "post", w.p_site, 0);
    /* Hugo helps from Angers (30 km around it); Léa from Nantes (20). */
    a = search("kind=post&near=Angers");
    FOUND(a, "post", w.p_site, "posts near Angers");
    ABSENT(a, "post", w.p_compta, "posts near Angers");
    p = found(a, "post", w.p_site);
    assert_string_equal(str(p, "city"), "Angers");
    assert_true(json_number_value(json_object_get(p, "distance_km")) < 1);
    assert_true(why_has(p, "Angers"));
    json_decref(a);
    a = search("q=comptabilite&near=Rezé");
    p = found(a, "post", w.p_compta);
    assert_non_null(p);
    /* Nantes to Rezé: about 5 km. */
    assert_true(json_number_value(json_object_get(p, "distance_km")) > 2);
    assert_true(json_number_value(json_object_get(p, "distance_km")) < 10);
    json_decref(a);
    expect("", "q=comptabilite&near=Angers", "post", w.p_compta, 0);
    expect("", "q=comptabilite&near=Nantes&radius_km=2", "post", w.p_compta,
           1);
    expect("", "q=comptabilite&near=Rezé&radius_km=2", "post", w.p_compta,
           0);
    /* The filters on people read the author. */
    {
        char q[96];

        snprintf(q, sizeof q, "kind=post&cooperative=%s", w.coop_b);
        expect("", q, "post", w.p_site, 1);
        expect("", q, "post", w.p_compta, 0);
    }
    expect("", "kind=post&departement=49", "post", w.p_site, 1);
    expect("", "kind=post&departement=49", "post", w.p_compta, 0);
    /* available_on reads the post's own dates. */
    expect("", "kind=post&available_on=2099-06-01", "post", w.p_compta, 1);
    expect("", "kind=post&available_on=2100-01-02", "post", w.p_compta, 0);
    expect("", "kind=post&available_on=2100-01-02", "post", w.p_site, 1);
}

/* Search shows a post to whoever GET /time/posts shows it to, and to
 * nobody else. */
static void posts_visibility(void **state)
{
    const char *tokens[] = {"", w.client, w.t_lea, w.t_hugo, w.t_paul,
                            w.t_zoe, server.admin};
    char listed[512], searched[512];
    json_t *a;
    size_t i;

    (void)state;
    expect("", "q=greffe rosiers", "post", w.p_roses, 0);
    expect(w.client, "q=greffe rosiers", "post", w.p_roses, 0);
    expect(w.t_lea, "q=greffe rosiers", "post", w.p_roses, 0);
    expect(w.t_paul, "q=greffe rosiers", "post", w.p_roses, 1);
    expect(server.admin, "q=greffe rosiers&kind=post", "post", w.p_roses, 1);
    expect("", "q=photographie", "post", w.p_photo, 0);
    expect(w.t_lea, "q=photographie", "post", w.p_photo, 0);
    expect(w.t_hugo, "q=photographie&kind=post", "post", w.p_photo, 1);
    /* The same posts as the list, for every viewer. */
    for (i = 0; i < sizeof tokens / sizeof tokens[0]; i++) {
        assert_int_equal(test_call(&server, tokens[i], "GET",
                                   "/api/v1/time/posts?limit=100", NULL, &a),
                         200);
        post_ids(a, 0, listed, sizeof listed);
        json_decref(a);
        a = search_as(tokens[i], "kind=post&limit=100");
        post_ids(a, 1, searched, sizeof searched);
        assert_int_equal(count_kind(a, "post"), (int)total(a));
        json_decref(a);
        if (strcmp(listed, searched))
            fail_msg("viewer %zu: listed %s, searched %s", i, listed,
                     searched);
        assert_true(*listed);
    }
}

/* kind=post keeps the posts only; without kind, posts come with the
 * other kinds, counted in the kind facet. */
static void posts_among_kinds(void **state)
{
    json_t *a, *k;

    (void)state;
    a = search("kind=post&limit=100");
    assert_true(total(a) >= 4);
    assert_int_equal(count_kind(a, "post"), (int)total(a));
    json_decref(a);
    a = search("q=comptabilite");
    FOUND(a, "post", w.p_compta, "q=comptabilite, every kind");
    k = json_object_get(json_object_get(a, "facets"), "kind");
    assert_int_equal(json_integer_value(json_object_get(k, "post")), 1);
    assert_string_equal(
        str(json_object_get(json_object_get(a, "facet_labels"), "kind"),
            "post"),
        "Entraide");
    json_decref(a);
    a = search("near=Angers&limit=100");
    FOUND(a, "post", w.p_site, "near Angers, every kind");
    FOUND(a, "entrepreneur", w.hugo, "near Angers, every kind");
    FOUND(a, "group", w.val, "near Angers, every kind");
    json_decref(a);
    expect("", "q=refonte&kind=entrepreneur", "post", w.p_site, 0);
    expect("", "q=refonte&kind=offer", "post", w.p_site, 0);
    /* A qualification keeps profiles only. */
    expect("", "q=refonte&qualification=caces", "post", w.p_site, 0);
    {
        json_t *out = NULL;

        assert_int_equal(test_call(&server, "", "GET",
                                   "/api/v1/search?kind=posts", NULL, &out),
                         400);
        assert_true(test_has_error(json_object_get(out, "errors"), "kind"));
        json_decref(out);
    }
}

/* Closed, ended, edited, deleted, renamed: every change shows at the
 * next search. */
static void posts_freshness(void **state)
{
    char path[96], body[256];

    (void)state;
    /* Closed: gone; open again: back. */
    expect("", "q=remorque", "post", w.p_trailer, 1);
    snprintf(path, sizeof path, "/api/v1/time/posts/%s", w.p_trailer);
    assert_int_equal(test_call(&server, w.t_nina, "PATCH", path,
                               "{\"status\":\"closed\"}", NULL),
                     200);
    expect("", "q=remorque", "post", w.p_trailer, 0);
    expect("", "kind=post&near=Rezé&limit=100", "post", w.p_trailer, 0);
    expect(server.admin, "q=remorque", "post", w.p_trailer, 0);
    assert_int_equal(test_call(&server, w.t_nina, "PATCH", path,
                               "{\"status\":\"open\"}", NULL),
                     200);
    expect("", "q=remorque", "post", w.p_trailer, 1);
    /* Edited: the new words find it, the old ones no longer. */
    assert_int_equal(test_call(&server, w.t_nina, "PATCH", path,
                               "{\"title\":\"Prêt d'une bétonnière\"}",
                               NULL),
                     200);
    expect("", "q=betonniere&kind=post", "post", w.p_trailer, 1);
    expect("", "q=remorque&kind=post", "post", w.p_trailer, 0);
    /* Ended: its `until` passed (written here as a day long gone). */
    expect("", "q=demenagement&kind=post", "post", w.p_move, 1);
    side_sql("UPDATE time_post SET avail_until = '2001-01-31',"
             " doc = json_set(doc, '$.until', '2001-01-31') WHERE id = %s",
             w.p_move);
    expect("", "q=demenagement&kind=post", "post", w.p_move, 0);
    expect("", "kind=post&limit=100", "post", w.p_move, 0);
    /* The author renamed: the post's headline follows. */
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", w.hugo);
    assert_int_equal(test_call(&server, server.admin, "PATCH", path,
                               "{\"display_name\":\"Hugo Bernardin\"}",
                               NULL),
                     200);
    {
        json_t *a = search("q=bernardin&kind=post");

        FOUND(a, "post", w.p_site, "q=bernardin");
        assert_string_equal(str(found(a, "post", w.p_site), "headline"),
                            "Hugo Bernardin");
        json_decref(a);
    }
    assert_int_equal(test_call(&server, server.admin, "PATCH", path,
                               "{\"display_name\":\"Hugo Bernard\"}",
                               NULL),
                     200);
    /* Written by plain SQL on another connection. */
    side_sql("INSERT INTO time_post(entrepreneur_id, kind, title, doc, insee,"
             " departement) VALUES(%s, 'offer', 'Initiation à la"
             " vannerie', '{\"kind\":\"offer\",\"title\":\"Initiation à"
             " la vannerie\"}', '44143', '44')",
             w.nina);
    {
        json_t *a = search("q=vannerie&kind=post");

        assert_int_equal(total(a), 1);
        json_decref(a);
    }
    side_sql("DELETE FROM time_post WHERE title = 'Initiation à la"
             " vannerie'");
    {
        json_t *a = search("q=vannerie&kind=post");

        assert_int_equal(total(a), 0);
        json_decref(a);
    }
    /* Deleted through the API: gone. */
    snprintf(body, sizeof body, "/api/v1/time/posts/%s", w.p_trailer);
    assert_int_equal(
        test_call(&server, w.t_nina, "DELETE", body, NULL, NULL), 204);
    expect("", "q=betonniere", "post", w.p_trailer, 0);
    assert_int_equal(test_count(side, "SELECT count(*) FROM search_dirty"),
                     0);
}

/* Changes show at the next search: an edit, a retirement, a deletion by
 * plain SQL, a member moving, a member leaving, a profile erased. */
static void freshness(void **state)
{
    char path[96], body[256];
    json_t *a;

    (void)state;
    /* An edit through the API. */
    expect("", "q=compostage&kind=offer", "offer", w.o_cours, 0);
    snprintf(path, sizeof path, "/api/v1/offers/%s", w.o_cours);
    assert_int_equal(test_call(&server, server.admin, "PATCH", path,
                          "{\"title\":\"Atelier de compostage\"}", NULL),
                     200);
    expect("", "q=compostage&kind=offer", "offer", w.o_cours, 1);
    expect("", "q=cours jardinage&kind=offer", "offer", w.o_cours, 0);
    /* Retired: gone. */
    expect("", "q=chaudiere", "offer", w.o_chaudiere, 1);
    snprintf(path, sizeof path, "/api/v1/offers/%s", w.o_chaudiere);
    assert_int_equal(test_call(&server, server.admin, "DELETE", path, NULL, NULL), 200);
    expect("", "q=chaudiere", "offer", w.o_chaudiere, 0);
    expect("", "trade=F1603&kind=offer", "offer", w.o_chaudiere, 0);

    /* Written by plain SQL on another connection. */
    side_sql("INSERT INTO offer(entrepreneur_id, status, title, doc)"
             " VALUES(%s, 'active', 'Plantation de haies bocagères',"
             " '{\"title\":\"Plantation de haies bocagères\","
             "\"description\":\"Haies champêtres et talus.\"}');"
             "INSERT INTO offer_trade(offer_id, scheme, code)"
             " VALUES(last_insert_rowid(), 'rome', 'A1203');",
             w.nina);
    a = search("q=bocageres&kind=offer");
    assert_int_equal(total(a), 1);
    snprintf(w.o_sql, sizeof w.o_sql, "%s",
             str(json_array_get(json_object_get(a, "results"), 0), "id"));
    assert_string_equal(str(json_array_get(json_object_get(a, "results"), 0),
                            "headline"),
                        "Nina Roux");
    json_decref(a);
    /* No deliverer listed: its owner delivers it, at Rezé. */
    expect("", "q=bocageres&near=44143", "offer", w.o_sql, 1);
    expect("", "q=bocageres&near=Angers", "offer", w.o_sql, 0);
    side_sql("UPDATE offer SET title = 'Plantation de vergers' WHERE id = %s",
             w.o_sql);
    expect("", "q=vergers&kind=offer", "offer", w.o_sql, 1);
    side_sql("DELETE FROM offer WHERE id = %s", w.o_sql);
    expect("", "q=vergers&kind=offer", "offer", w.o_sql, 0);
    expect("", "q=bocageres", "offer", w.o_sql, 0);

    /* Hugo moves to Lyon: the group and his offers follow him, with no
     * write to them. */
    expect("", "kind=group&near=Lyon", "group", w.val, 0);
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", w.hugo);
    assert_int_equal(test_call(&server, server.admin, "PATCH", path,
                          "{\"location\":{\"insee\":\"69123\"}}", NULL),
                     200);
    expect("", "kind=group&near=Lyon", "group", w.val, 1);
    expect("", "kind=offer&near=Lyon", "offer", w.o_potagers, 1);
    expect("", "kind=offer&near=Angers", "offer", w.o_potagers, 0);
    expect("", "kind=group&near=Angers", "group", w.val, 0);
    assert_int_equal(test_call(&server, server.admin, "PATCH", path,
                          "{\"location\":{\"insee\":\"49007\"}}", NULL),
                     200);
    expect("", "kind=group&near=Angers", "group", w.val, 1);

    /* A member's new trade is the group's (the index entry is rewritten
     * with the profile). */
    expect("", "q=plombier&kind=group", "group", w.val, 0);
    snprintf(body, sizeof body,
             "{\"trades\":[{\"scheme\":\"rome\",\"code\":\"A1203\"},"
             "{\"scheme\":\"rome\",\"code\":\"F1603\"}]}");
    assert_int_equal(test_call(&server, server.admin, "PATCH", path, body, NULL), 200);
    expect("", "q=plombier&kind=group", "group", w.val, 1);
    expect("", "trade=F1603&kind=group", "group", w.val, 1);
    snprintf(body, sizeof body,
             "{\"trades\":[{\"scheme\":\"rome\",\"code\":\"A1203\"}]}");
    assert_int_equal(test_call(&server, server.admin, "PATCH", path, body, NULL), 200);
    expect("", "q=plombier&kind=group", "group", w.val, 0);

    /* Hugo leaves the group: the group is no longer at Angers. */
    snprintf(path, sizeof path, "/api/v1/groups/%s/members/%s", w.val,
             w.hugo);
    assert_int_equal(test_call(&server, server.admin, "DELETE", path, NULL, NULL), 200);
    expect("", "kind=group&near=Angers", "group", w.val, 0);
    a = search("q=jardiniers du val&kind=group");
    FOUND(a, "group", w.val, "after Hugo left");
    assert_true(why_has(found(a, "group", w.val),
                        "groupe de 2 membres d'une coopérative"));
    json_decref(a);

    /* Marc's profile erased: his offers go with it, and his time posts. */
    side_sql("INSERT INTO time_post(entrepreneur_id, kind, title, doc, insee,"
             " departement) VALUES(%s, 'offer', 'Purge de radiateurs',"
             " '{\"kind\":\"offer\",\"title\":\"Purge de radiateurs\"}',"
             " '69123', '69')",
             w.marc);
    a = search("q=purge radiateurs&kind=post");
    assert_int_equal(total(a), 1);
    json_decref(a);
    expect(server.admin, "q=chaudiere&kind=offer", "offer", w.o_chaudiere,
           0);
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", w.marc);
    assert_int_equal(test_call(&server, server.admin, "DELETE", path, NULL, NULL) / 100,
                     2);
    assert_int_equal(test_count(side, "SELECT count(*) FROM offer"
                                      " WHERE title LIKE 'Dépannage%'"),
                     0);
    a = search("q=purge radiateurs&kind=post");
    assert_int_equal(total(a), 0);
    json_decref(a);
    assert_int_equal(test_count(side, "SELECT count(*) FROM tombstone"
                                      " WHERE kind = 'post'"),
                     3); /* the vannerie, the trailer, the radiators */
    assert_int_equal(test_count(side, "SELECT count(*) FROM search_dirty"),
                     0);
}

/* A database made while migration 8 -> 9 was a placeholder stands at
 * version 9 without search_dirty and its triggers: its first write
 * transaction makes them and indexes every offer and group. */
static void placeholder_schema(void **state)
{
    static const char *const triggers[] = {
        "offer_insert", "offer_update", "offer_delete",
        "offer_member_insert", "offer_member_delete", "offer_trade_insert",
        "offer_trade_delete", "grp_insert", "grp_update", "grp_delete",
        "grp_member_insert", "grp_member_update", "grp_member_delete",
        "entrepreneur_update"};
    char sql[256];
    size_t i;

    (void)state;
    /* Raw SQL, outside db_commit: no precommit hook runs. */
    for (i = 0; i < sizeof triggers / sizeof triggers[0]; i++) {
        snprintf(sql, sizeof sql, "DROP TRIGGER search_%s", triggers[i]);
        assert_int_equal(sqlite3_exec(db_handle(side), sql, NULL, NULL, NULL),
                         SQLITE_OK);
    }
    assert_int_equal(sqlite3_exec(db_handle(side), "DROP TABLE search_dirty",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    snprintf(sql, sizeof sql,
             "INSERT INTO offer(entrepreneur_id, title, doc) VALUES(%s,"
             " 'Tressage d''osier vivant', '{}')",
             w.nina);
    assert_int_equal(sqlite3_exec(db_handle(side), sql, NULL, NULL, NULL),
                     SQLITE_OK);
    /* Checked before the search: a search that finds nothing is counted
     * in the demand data, a write that would make the table at once. */
    assert_int_equal(test_count(side, "SELECT count(*) FROM sqlite_schema"
                                      " WHERE name = 'search_dirty'"),
                     0);
    {
        json_t *a = search("q=osier&kind=offer");

        assert_int_equal(total(a), 0);
        json_decref(a);
    }
    /* The next write transaction, whatever it writes. */
    side_sql("INSERT INTO offer(entrepreneur_id, title, doc) VALUES(%s,"
             " 'Vannerie d''osier', '{}')",
             w.nina);
    {
        json_t *a = search("q=osier&kind=offer");

        assert_int_equal(total(a), 2);
        json_decref(a);
    }
    assert_int_equal(test_count(side, "SELECT count(*) FROM sqlite_schema"
                                      " WHERE type = 'trigger'"
                                      " AND name LIKE 'search_%'"),
                     14 + 6); /* and the 6 of time posts (10 -> 11) */
    /* And the triggers work again. */
    side_sql("UPDATE offer SET status = 'retired'"
             " WHERE title = 'Vannerie d''osier'");
    {
        json_t *a = search("q=osier&kind=offer");

        assert_int_equal(total(a), 1);
        json_decref(a);
    }
}

/* A rebuild of the index (essaim reindex, or a new index version at
 * start) rebuilds the offers' and groups' entries too. */
static void rebuild(void **state)
{
    long n = 0;

    (void)state;
    assert_int_equal(dir_ent_reindex(side, &n), RC_OK);
    assert_true(n >= 5);
    expect("", "q=potagers&kind=offer", "offer", w.o_potagers, 1);
    expect("", "q=jardiniers du val&kind=group", "group", w.val, 1);
    expect(server.admin, "q=equipe verte", "group", w.team, 0);
    expect("", "q=pelouse", "offer", w.o_pelouse, 0);
    expect(server.admin, "q=pelouse", "offer", w.o_pelouse, 1);
    /* Time posts too. */
    expect("", "q=comptabilite&kind=post", "post", w.p_compta, 1);
    expect(w.t_paul, "q=greffe rosiers", "post", w.p_roses, 1);
    expect("", "q=greffe rosiers", "post", w.p_roses, 0);
}

/* The statements of search_item_db.c prepare against the schema. */
static void statements_prepare(void **state)
{
    extern const char *const search_item_sql[];
    size_t i;

    (void)state;
    for (i = 0; search_item_sql[i]; i++) {
        sqlite3_stmt *st = db_stmt(side, search_item_sql[i]);

        if (!st) fail_msg("cannot prepare: %s", search_item_sql[i]);
        db_stmt_done(st);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(statements_prepare),
        cmocka_unit_test(done_when),
        cmocka_unit_test(offers_by_words),
        cmocka_unit_test(offers_by_trade),
        cmocka_unit_test(offers_where_delivered),
        cmocka_unit_test(visibility),
        cmocka_unit_test(groups_by_trade_and_place),
        cmocka_unit_test(facets),
        cmocka_unit_test(kinds),
        cmocka_unit_test(posts_by_words),
        cmocka_unit_test(posts_by_trade_and_place),
        cmocka_unit_test(posts_visibility),
        cmocka_unit_test(posts_among_kinds),
        cmocka_unit_test(posts_freshness),
        cmocka_unit_test(freshness),
        cmocka_unit_test(placeholder_schema),
        cmocka_unit_test(rebuild),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
