/*
 * test_search_kinds.c: offers and groups in the search (kind=offer,
 * kind=group, all three kinds at once; search/search_item.h), end to end
 * through libcurl against a server on 127.0.0.1:0.
 *
 * The world: two cooperatives; three public gardeners (Nantes, Angers,
 * Rezé) forming the trade group "Les Jardiniers du Val" with four
 * offers; a private gardener and a gardener seen only by her cooperative
 * in a business group; a plumber in Lyon; a tender team. Offers are
 * written through the offers API, one through plain SQL on a second
 * connection (a writer that does not know the search engine), and
 * changed both ways: every change must show at the next search.
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

    /* Marc's profile erased: his offers go with it. */
    expect(server.admin, "q=chaudiere&kind=offer", "offer", w.o_chaudiere,
           0);
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", w.marc);
    assert_int_equal(test_call(&server, server.admin, "DELETE", path, NULL, NULL) / 100,
                     2);
    assert_int_equal(test_count(side, "SELECT count(*) FROM offer"
                                      " WHERE title LIKE 'Dépannage%'"),
                     0);
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
    {
        json_t *a = search("q=osier&kind=offer");

        assert_int_equal(total(a), 0);
        json_decref(a);
    }
    assert_int_equal(test_count(side, "SELECT count(*) FROM sqlite_schema"
                                      " WHERE name = 'search_dirty'"),
                     0);
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
                     14);
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
        cmocka_unit_test(freshness),
        cmocka_unit_test(placeholder_schema),
        cmocka_unit_test(rebuild),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
