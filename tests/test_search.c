/*
 * test_search.c: GET /api/v1/search end to end, through libcurl against a
 * server on 127.0.0.1:0, over a hand-written fixture of real communes
 * (tests/fixtures/search_fixture.json) created through the API.
 *
 * A judged set of queries (what a person types, and the results a person
 * would put on top), then the edges: intervention areas, visibility,
 * consistency after writes, bad parameters, snippets, reasons, paging,
 * facets. Results are named by external_id; ids are read back from the
 * API. The caller is anonymous: only `public` profiles may ever show.
 */
#include "testutil.h"

#include <math.h>

#define FIXTURE "tests/fixtures/search_fixture.json"

static struct test_server server;
static json_t *ent_ids;  /* external_id -> id of each entrepreneur */
static json_t *coop_ids; /* external_id -> id of each cooperative */
static json_t *fixture;  /* the fixture file */
static double nantes_lat, nantes_lon, angers_lat, angers_lon;
static double edge_km;   /* haversine Nantes -> Angers */

/* ------------------------------------------------------------ helpers */

/* km: the haversine of search/search_place.c (search_place_km), written
 * again here so that the test does not trust the code it checks. */
static double km(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371.0088, rad = M_PI / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) *
                   sin(dlon / 2);

    if (a > 1) a = 1;
    return 2 * r * asin(sqrt(a));
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

/* id_of: the id the API gave to an entrepreneur of the fixture. */
static const char *id_of(const char *ext)
{
    const char *s = json_string_value(json_object_get(ent_ids, ext));

    if (!s) fail_msg("no entrepreneur %s in the fixture", ext);
    return s;
}

static const char *coop_of(const char *ext)
{
    const char *s = json_string_value(json_object_get(coop_ids, ext));

    if (!s) fail_msg("no cooperative %s in the fixture", ext);
    return s;
}

/* search_path: "/api/v1/search?" + query, where query is written as a
 * person reads it ("q=Menuisière&near=saint etienne"): each value is
 * URL-encoded here; a value "@c-rhone" is the id of that cooperative. */
static void search_path(const char *query, char *out, size_t size)
{
    struct buf b = {0};
    const char *p = query;

    buf_adds(&b, "/api/v1/search");
    if (*p) buf_addc(&b, '?');
    while (*p) {
        const char *amp = strchr(p, '&'), *eq;
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        char *value, *esc;

        eq = memchr(p, '=', n);
        if (!eq) eq = p + n;
        buf_add(&b, p, (size_t)(eq - p));
        if (eq < p + n) {
            buf_addc(&b, '=');
            value = strndup(eq + 1, (size_t)(p + n - eq - 1));
            esc = curl_easy_escape(NULL,
                                   value[0] == '@' ? coop_of(value + 1)
                                                   : value,
                                   0);
            buf_adds(&b, esc);
            curl_free(esc);
            free(value);
        }
        p += n;
        if (*p == '&') {
            buf_addc(&b, '&');
            p++;
        }
    }
    snprintf(out, size, "%s", buf_str(&b));
    buf_free(&b);
}

/* search_reply: the raw reply of a search (free with test_reply_free). */
static void search_reply(const char *query, struct test_reply *r)
{
    char path[2048];

    search_path(query, path, sizeof path);
    test_http(&server, "GET", path, NULL, NULL, r);
}

/* search: the answer of a search that must succeed (new reference). */
static json_t *search(const char *query)
{
    struct test_reply r;
    json_t *a;

    search_reply(query, &r);
    if (r.status != 200 || !r.json)
        fail_msg("search %s: status %ld: %s", query, r.status,
                 buf_str(&r.body));
    a = json_incref(r.json);
    test_reply_free(&r);
    return a;
}

static long total(json_t *a)
{
    return (long)json_integer_value(json_object_get(a, "total"));
}

static json_t *results(json_t *a)
{
    return json_object_get(a, "results");
}

/* result: the result of external id ext in answer a, or NULL. */
static json_t *result(json_t *a, const char *ext)
{
    size_t i;
    json_t *r;

    json_array_foreach(results(a), i, r)
        if (!strcmp(str(r, "external_id"), ext)) return r;
    return NULL;
}

/* position: the rank of ext in a (0 first), or -1. */
static int position(json_t *a, const char *ext)
{
    size_t i;
    json_t *r;

    json_array_foreach(results(a), i, r)
        if (!strcmp(str(r, "external_id"), ext)) return (int)i;
    return -1;
}

/* listed: "a (0.97, 6.2 km), b (...)": the results, for messages. */
static void listed(json_t *a, char *out, size_t size)
{
    struct buf b = {0};
    size_t i;
    json_t *r;

    json_array_foreach(results(a), i, r) {
        json_t *d = json_object_get(r, "distance_km");

        if (i) buf_adds(&b, ", ");
        buf_adds(&b, str(r, "external_id"));
        if (json_is_number(d))
            buf_addf(&b, " (%.2f, %.1f km)",
                     json_number_value(json_object_get(r, "score")),
                     json_number_value(d));
        else
            buf_addf(&b, " (%.2f)",
                     json_number_value(json_object_get(r, "score")));
    }
    snprintf(out, size, "[%s] total %ld", buf_str(&b), total(a));
    buf_free(&b);
}

/* why_has: does some reason of result r contain text? */
static int why_has(json_t *r, const char *text)
{
    size_t i;
    json_t *w;

    json_array_foreach(json_object_get(r, "why"), i, w)
        if (strstr(json_string_value(w), text)) return 1;
    return 0;
}

/* tiers_match: tiers is "a b | c | d e": the first results are a and b
 * in any order, then c, then d and e in any order. 0 when a matches, else
 * -1 with the reason in msg. */
static int tiers_match(json_t *a, const char *tiers, char *msg, size_t size)
{
    const char *p = tiers;
    size_t pos = 0;

    while (*p) {
        char tier[12][64];
        int n = 0, k, m;

        while (*p && *p != '|') {
            size_t len;

            while (*p == ' ') p++;
            len = strcspn(p, " |");
            if (len && n < 12) snprintf(tier[n++], sizeof tier[0], "%.*s",
                                        (int)len, p);
            p += len;
            while (*p == ' ') p++;
        }
        if (*p == '|') p++;
        for (k = 0; k < n; k++) {
            json_t *r = json_array_get(results(a), pos + (size_t)k);
            const char *ext = r ? str(r, "external_id") : NULL;

            if (!ext) {
                snprintf(msg, size, "only %zu results, expected %s",
                         json_array_size(results(a)), tiers);
                return -1;
            }
            for (m = 0; m < n; m++)
                if (!strcmp(tier[m], ext)) break;
            if (m == n) {
                snprintf(msg, size, "rank %zu is %s, expected one of the"
                                    " tier starting with %s (%s)",
                         pos + (size_t)k + 1, ext, tier[0], tiers);
                return -1;
            }
        }
        pos += (size_t)n;
    }
    return 0;
}

/* count_into: counts[key]++ */
static void count_into(json_t *counts, const char *key)
{
    json_t *v = json_object_get(counts, key);

    json_object_set_new(counts, key,
                        json_integer(v ? json_integer_value(v) + 1 : 1));
}

/* facets_agree: when the whole answer is on the page, each facet counts
 * exactly the results it describes (and the total is their number). */
static void facets_agree(json_t *a, const char *query)
{
    json_t *dep = json_object(), *coop = json_object(), *trade = json_object();
    json_t *facets = json_object_get(a, "facets"), *r, *t;
    size_t i, k;

    if ((size_t)total(a) != json_array_size(results(a))) {
        json_decref(dep);
        json_decref(coop);
        json_decref(trade);
        return;
    }
    json_array_foreach(results(a), i, r) {
        count_into(dep, str(json_object_get(r, "location"), "departement"));
        count_into(coop, str(json_object_get(r, "cooperative"), "id"));
        json_array_foreach(json_object_get(r, "trades"), k, t)
            if (json_is_string(json_object_get(t, "code")))
                count_into(trade, str(t, "code"));
    }
    if (!json_equal(dep, json_object_get(facets, "departement")) ||
        !json_equal(coop, json_object_get(facets, "cooperative")) ||
        !json_equal(trade, json_object_get(facets, "trade"))) {
        char *got = json_dumps(facets, JSON_COMPACT | JSON_SORT_KEYS);
        char *d = json_dumps(dep, JSON_COMPACT | JSON_SORT_KEYS);
        char *c = json_dumps(coop, JSON_COMPACT | JSON_SORT_KEYS);
        char *tr = json_dumps(trade, JSON_COMPACT | JSON_SORT_KEYS);

        fail_msg("%s: facets %s do not count the results: departement %s,"
                 " cooperative %s, trade %s",
                 query, got, d, c, tr);
    }
    json_decref(dep);
    json_decref(coop);
    json_decref(trade);
}

static void post(const char *path, json_t *body, long want, json_t **out)
{
    struct test_reply r;
    char *text = json_dumps(body, JSON_COMPACT);

    test_http_as(&server, server.admin, "POST", path, text, NULL, &r);
    free(text);
    if (r.status != want)
        fail_msg("POST %s: %ld: %s", path, r.status, buf_str(&r.body));
    *out = json_incref(r.json);
    test_reply_free(&r);
}

/* place_coords: the coordinates of commune insee, read from the place
 * autocompletion by its name. */
static void place_coords(const char *name, const char *insee, double *lat,
                         double *lon)
{
    struct test_reply r;
    char path[256], *esc = curl_easy_escape(NULL, name, 0);
    size_t i;
    json_t *p;
    int found = 0;

    snprintf(path, sizeof path, "/api/v1/places?q=%s&limit=20", esc);
    curl_free(esc);
    test_http(&server, "GET", path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    json_array_foreach(json_object_get(r.json, "results"), i, p) {
        if (strcmp(str(p, "insee"), insee)) continue;
        *lat = json_number_value(json_object_get(p, "lat"));
        *lon = json_number_value(json_object_get(p, "lon"));
        found = 1;
        break;
    }
    test_reply_free(&r);
    if (!found) fail_msg("places?q=%s does not list %s", name, insee);
}

/* add_entrepreneur: POST one profile, remember its id. */
static void add_entrepreneur(json_t *e)
{
    json_t *out = NULL;

    post("/api/v1/entrepreneurs", e, 201, &out);
    json_object_set(ent_ids, str(e, "external_id"), json_object_get(out, "id"));
    json_decref(out);
}

/* ------------------------------------------------------------ fixture */

static int setup(void **state)
{
    json_error_t err;
    json_t *c, *e, *out = NULL;
    size_t i;
    char text[1024];

    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    test_server_start(&server);
    ent_ids = json_object();
    coop_ids = json_object();
    fixture = json_load_file(FIXTURE, 0, &err);
    if (!fixture) {
        fprintf(stderr, "%s:%d: %s\n", FIXTURE, err.line, err.text);
        return -1;
    }
    json_array_foreach(json_object_get(fixture, "cooperatives"), i, c) {
        post("/api/v1/cooperatives", c, 201, &out);
        json_object_set(coop_ids, str(c, "external_id"),
                        json_object_get(out, "id"));
        json_decref(out);
    }
    json_array_foreach(json_object_get(fixture, "entrepreneurs"), i, e)
        add_entrepreneur(e);
    /* Two masons of Nantes whose radius reaches Angers exactly, and one
     * kilometre short of it. */
    place_coords("Nantes", "44109", &nantes_lat, &nantes_lon);
    place_coords("Angers", "49007", &angers_lat, &angers_lon);
    edge_km = km(nantes_lat, nantes_lon, angers_lat, angers_lon);
    snprintf(text, sizeof text,
             "{'external_id':'macon-bord','cooperative_external_id':"
             "'c-nantes','display_name':'Rémi Castel','headline':'Maçon',"
             "'trades':[{'code':'F1703','scheme':'rome'}],'location':"
             "{'insee':'44109'},'intervention':{'radius_km':%.17g},"
             "'status':'associe','visibility':'public'}",
             edge_km);
    e = test_json(text);
    add_entrepreneur(e);
    json_decref(e);
    snprintf(text, sizeof text,
             "{'external_id':'macon-court','cooperative_external_id':"
             "'c-nantes','display_name':'Bruno Tessier','headline':'Maçon',"
             "'trades':[{'code':'F1703','scheme':'rome'}],'location':"
             "{'insee':'44109'},'intervention':{'radius_km':%.17g},"
             "'status':'associe','visibility':'public'}",
             edge_km - 1);
    e = test_json(text);
    add_entrepreneur(e);
    json_decref(e);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_stop(&server);
    json_decref(ent_ids);
    json_decref(coop_ids);
    json_decref(fixture);
    curl_global_cleanup();
    return 0;
}

/* ------------------------------------------------------ judged queries */

/* A query and what a person expects on top: tiers of external ids
 * ("a b | c": a and b in any order, then c) and the exact total (-1: not
 * judged). */
struct judged {
    const char *name;
    const char *query;
    long total;
    const char *tiers;
};

#define PLUMBERS "plombier-nantes plombiere-debutante plombier-reze"
#define MENUISIERS "menuisiere-reze menuisier-nantes"
#define ELECTRICIENS \
    "electricien-nantes electricienne-angers electricien-stetienne"

static struct judged judged_set[] = {
    /* Accents and case. */
    {"q=Menuisière (accent, capital)", "q=Menuisière", 5,
     MENUISIERS " ebeniste-cholet | agenceur-angers charpentier-herblain"},
    {"q=ÉLECTRICIEN (capitals with accent)", "q=ÉLECTRICIEN", 3, ELECTRICIENS},
    {"q=electricien (no accent)", "q=electricien", 3, ELECTRICIENS},
    {"q=PEINTRE DÉCORATRICE", "q=PEINTRE DÉCORATRICE", 1, "peintre-reg52"},
    /* Plurals. */
    {"q=menuisiers (plural)", "q=menuisiers", 5,
     MENUISIERS " ebeniste-cholet | agenceur-angers charpentier-herblain"},
    {"q=peintures (plural, other form)", "q=peintures", 2,
     "peintre-dep44 peintre-reg52"},
    /* Elisions. */
    {"q=l'ébéniste (elision)", "q=l'ébéniste", 5,
     MENUISIERS " ebeniste-cholet | agenceur-angers charpentier-herblain"},
    {"q=d'agencement (elision)", "q=d'agencement", 2,
     "agenceur-angers | menuisier-nantes"},
    /* Stemming and trade families. */
    {"q=menuiserie finds the menuisiers", "q=menuiserie", 5,
     MENUISIERS " ebeniste-cholet | agenceur-angers charpentier-herblain"},
    {"q=plomberie finds the plombiers", "q=plomberie", 5,
     PLUMBERS " plomberie-cholet | sanitaire-herblain"},
    {"q=plombier finds plomberie and the ROME F1603 profile", "q=plombier", 5,
     PLUMBERS " plomberie-cholet | sanitaire-herblain"},
    {"q=coiffure finds coiffeuse and coiffeur", "q=coiffure", 2,
     "coiffeuse-reze coiffeur-lyon"},
    {"q=électricité finds the électriciens", "q=électricité", 3,
     ELECTRICIENS},
    {"q=traduction finds traductrice and traducteur", "q=traduction", 2,
     "traductrice-anglais traducteur-allemand"},
    {"q=maçonnerie finds the maçons", "q=maçonnerie", 3,
     "macon-cholet macon-bord macon-court"},
    /* Typos. */
    {"q=plombié (typo)", "q=plombié", 5,
     PLUMBERS " plomberie-cholet | sanitaire-herblain"},
    {"q=menusier (typo)", "q=menusier", 4,
     MENUISIERS " | agenceur-angers charpentier-herblain"},
    {"q=electricen (typo)", "q=electricen", 3, ELECTRICIENS},
    {"q=coifeuse (typo)", "q=coifeuse", 2, "coiffeuse-reze coiffeur-lyon"},
    {"q=paysagite (typo)", "q=paysagite", -1, "paysagiste-stetienne"},
    /* Prefixes while typing. */
    {"q=menui (typing)", "q=menui", 4,
     MENUISIERS " | agenceur-angers charpentier-herblain"},
    {"q=plom (typing)", "q=plom", -1, PLUMBERS " plomberie-cholet"},
    {"q=trad (typing)", "q=trad", 2, "traductrice-anglais traducteur-allemand"},
    /* Two words. */
    {"q=traductrice anglais (two words)", "q=traductrice anglais", 1,
     "traductrice-anglais"},
    {"q=coiffeuse à domicile (two words)", "q=coiffeuse à domicile", 2,
     "coiffeuse-reze | coiffeur-lyon"},
    {"q=Paul Lebreton (a name)", "q=Paul Lebreton", 1, "menuisier-nantes"},
    /* One word that only a skill holds. */
    {"q=anglais (a skill, not a trainer's trade)", "q=anglais", 1,
     "traductrice-anglais"},
    {"q=espagnol (a skill, not a trainer's trade)", "q=espagnol", 1,
     "traductrice-anglais"},
    /* Places. */
    {"q=plombier&near=44109 (INSEE)", "q=plombier&near=44109", 4,
     "plombier-nantes plombiere-debutante | plombier-reze |"
     " sanitaire-herblain"},
    {"q=plombier&near=44000 (postcode)", "q=plombier&near=44000", 4,
     "plombier-nantes plombiere-debutante | plombier-reze |"
     " sanitaire-herblain"},
    {"q=paysagiste&near=saint etienne (name without accents)",
     "q=paysagiste&near=saint etienne", 1, "paysagiste-stetienne"},
    {"q=plombier&near=47.17623,-1.54966 (lat,lon of Rezé)",
     "q=plombier&near=47.17623,-1.54966", 4,
     "plombier-reze | plombier-nantes plombiere-debutante |"
     " sanitaire-herblain"},
    {"q=plombier près de Rezé", "q=plombier près de Rezé", 4,
     "plombier-reze | plombier-nantes plombiere-debutante |"
     " sanitaire-herblain"},
    {"q=menuisier à Rezé", "q=menuisier à Rezé", 3,
     "menuisiere-reze | menuisier-nantes | charpentier-herblain"},
    {"q=coiffeuse près de 44400 (postcode in the text)",
     "q=coiffeuse près de 44400", 1, "coiffeuse-reze"},
    {"q=coiffeur&near=Villeurbanne (radius of a Lyon coiffeur)",
     "q=coiffeur&near=Villeurbanne", 1, "coiffeur-lyon"},
    {"q=electricien&near=49007", "q=electricien&near=49007", 1,
     "electricienne-angers"},
    {"q=traduction&near=Brest (zones FR)", "q=traduction&near=29019", 2,
     "traductrice-anglais traducteur-allemand"},
    /* Filters. */
    {"trade=F16 (ROME prefix)", "trade=F16", 11,
     PLUMBERS " sanitaire-herblain menuisiere-reze charpentier-herblain "
     ELECTRICIENS " peintre-dep44 peintre-reg52"},
    {"trade=43.22 (NAF)", "trade=43.22", 1, "plomberie-cholet"},
    {"trade=4322 (NAF without its dot)", "trade=4322", 1, "plomberie-cholet"},
    {"q=plombier&trade=rome:F1603", "q=plombier&trade=rome:F1603", 4,
     PLUMBERS " | sanitaire-herblain"},
    {"q=plombier&departement=44", "q=plombier&departement=44", 4,
     PLUMBERS " | sanitaire-herblain"},
    {"departement=42", "departement=42", 2,
     "electricien-stetienne paysagiste-stetienne"},
    {"q=plombier&status=porteur", "q=plombier&status=porteur", 1,
     "plombiere-debutante"},
    {"status=porteur", "status=porteur", 5,
     "plombiere-debutante coiffeur-lyon jardiniere-villeurbanne macon-cholet"
     " mecanicien-cholet"},
    {"cooperative=c-rhone", "cooperative=@c-rhone", 6,
     "electricien-stetienne coiffeur-lyon traducteur-allemand"
     " paysagiste-stetienne jardiniere-villeurbanne formateur-lyon"},
    {"q=plombier&available_on=2026-03-15",
     "q=plombier&available_on=2026-03-15", 3,
     "plombier-nantes plombiere-debutante | sanitaire-herblain"},
    {"q=plombier&available_on=2026-08-01",
     "q=plombier&available_on=2026-08-01", 3,
     "plombier-reze plomberie-cholet | sanitaire-herblain"},
    {"qualification=rge qualibat (any case)", "qualification=rge qualibat", 1,
     "plombier-nantes"},
    {"qualification=CAP Menuisier", "qualification=CAP Menuisier", 1,
     "menuisier-nantes"},
    {"q=plombier&near=44162&sort=distance",
     "q=plombier&near=44162&sort=distance", 4,
     "sanitaire-herblain | plombier-nantes plombiere-debutante |"
     " plombier-reze"},
    {"q=peintre&near=Clisson&radius_km=30", "q=peintre&near=44043&radius_km=30",
     1, "peintre-dep44"},
    /* Ranking. */
    {"headline match above description-only match", "q=menuiserie", 5,
     MENUISIERS " ebeniste-cholet | agenceur-angers charpentier-herblain"},
    {"nearer of equal plumbers first (Bouguenais: Rezé 5.2 km, Nantes 8.5"
     " km)",
     "q=plombier&near=44020", 4,
     "plombier-reze | plombier-nantes plombiere-debutante |"
     " sanitaire-herblain"},
    {"q=ébéniste finds the menuisiers too (synonym)", "q=ébéniste", 5,
     "ebeniste-cholet " MENUISIERS " | agenceur-angers charpentier-herblain"},
    {"q=jardinier finds the paysagiste too (synonym)", "q=jardinier", 2,
     "jardiniere-villeurbanne paysagiste-stetienne"},
};

#define NJUDGED (sizeof judged_set / sizeof judged_set[0])

static void judged(void **state)
{
    const struct judged *j = *state;
    json_t *a = search(j->query);
    char got[2048], why[512];

    listed(a, got, sizeof got);
    if (tiers_match(a, j->tiers, why, sizeof why))
        fail_msg("%s: %s; got %s", j->query, why, got);
    if (j->total >= 0 && total(a) != j->total)
        fail_msg("%s: total %ld, expected %ld; got %s", j->query, total(a),
                 j->total, got);
    facets_agree(a, j->query);
    json_decref(a);
}

/* --------------------------------------------------------- ranking */

static void ranking_headline_above_description_only(void **state)
{
    json_t *a = search("q=menuiserie");
    json_t *head = result(a, "menuisiere-reze");
    json_t *desc = result(a, "charpentier-herblain");

    (void)state;
    assert_non_null(head);
    assert_non_null(desc);
    assert_true(json_number_value(json_object_get(head, "score")) >
                json_number_value(json_object_get(desc, "score")));
    assert_true(position(a, "menuisiere-reze") <
                position(a, "charpentier-herblain"));
    json_decref(a);
}

/* Two plumbers alike but for their place: the nearer first, whichever
 * side the searched commune is on. */
static void ranking_nearer_plumber_first(void **state)
{
    json_t *a = search("q=plombier&near=44109");
    char got[1024];

    (void)state;
    listed(a, got, sizeof got);
    if (!(position(a, "plombier-nantes") < position(a, "plombier-reze")))
        fail_msg("near Nantes: %s", got);
    json_decref(a);
    a = search("q=plombier&near=44143");
    listed(a, got, sizeof got);
    if (!(position(a, "plombier-reze") < position(a, "plombier-nantes")))
        fail_msg("near Rezé: %s", got);
    json_decref(a);
    /* Within one proximity step: the judged query near=44020. */
}

/* A word found as written ranks above a profile found only through a
 * curated synonym of it (menuisier ~ ébéniste, jardinier ~ paysagiste):
 * a person who types "ébéniste" wants the ébénistes first. */
static void ranking_exact_word_above_synonym(void **state)
{
    static const char *const cases[][3] = {
        /* query, found as written, found by synonym only */
        {"q=ébéniste", "ebeniste-cholet", "menuisiere-reze"},
        {"q=menuisier", "menuisiere-reze", "ebeniste-cholet"},
        {"q=jardinier", "jardiniere-villeurbanne", "paysagiste-stetienne"},
    };
    struct buf wrong = {0};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *a = search(cases[i][0]);
        json_t *exact = result(a, cases[i][1]), *syn = result(a, cases[i][2]);
        char got[1024];

        assert_non_null(exact);
        assert_non_null(syn);
        listed(a, got, sizeof got);
        if (!(json_number_value(json_object_get(exact, "score")) >
              json_number_value(json_object_get(syn, "score"))))
            buf_addf(&wrong, "\n  %s: %s should score above %s: %s",
                     cases[i][0], cases[i][1], cases[i][2], got);
        json_decref(a);
    }
    if (wrong.len) fail_msg("synonym scored like the word:%s", buf_str(&wrong));
    buf_free(&wrong);
}

/* A beginner (porteur, no references) is found and scored like an
 * experienced plumber with the same words at the same place. */
static void ranking_beginner_like_others(void **state)
{
    json_t *a = search("q=plombier&near=44109"), *beg, *old;
    struct test_reply r;
    char path[128];

    (void)state;
    beg = result(a, "plombiere-debutante");
    old = result(a, "plombier-nantes");
    assert_non_null(beg);
    assert_non_null(old);
    assert_true(json_number_value(json_object_get(beg, "score")) ==
                json_number_value(json_object_get(old, "score")));
    assert_true(position(a, "plombiere-debutante") < 2);
    json_decref(a);
    a = search("q=plombier");
    assert_true(json_number_value(json_object_get(
                    result(a, "plombiere-debutante"), "score")) ==
                json_number_value(json_object_get(result(a, "plombier-nantes"),
                                                  "score")));
    json_decref(a);
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s",
             id_of("plombiere-debutante"));
    test_http(&server, "GET", path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(str(r.json, "status"), "porteur");
    assert_int_equal(json_array_size(json_object_get(r.json, "references")), 0);
    test_reply_free(&r);
}

/* The profile whose only trade is ROME F1603 says neither "plombier" nor
 * "plomberie" anywhere, and is found by both through the trade words. */
static void vocabulary_rome_code_without_the_word(void **state)
{
    struct test_reply r;
    char path[128], *text;
    json_t *a, *x;

    (void)state;
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s",
             id_of("sanitaire-herblain"));
    test_http(&server, "GET", path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    text = json_dumps(r.json, JSON_COMPACT);
    assert_null(strstr(text, "lomb"));
    free(text);
    test_reply_free(&r);
    a = search("q=plombier");
    x = result(a, "sanitaire-herblain");
    assert_non_null(x);
    assert_true(why_has(x, "métier : Installation d'équipements sanitaires"
                           " et thermiques"));
    json_decref(a);
}

/* ---------------------------------------------------------- places */

static void place_of_the_answer(void **state)
{
    json_t *a, *p;

    (void)state;
    a = search("q=paysagiste&near=saint etienne");
    p = json_object_get(a, "place");
    assert_string_equal(str(p, "insee"), "42218");
    assert_string_equal(str(p, "name"), "Saint-Étienne");
    assert_string_equal(str(p, "departement"), "42");
    json_decref(a);
    a = search("near=44000");
    assert_string_equal(str(json_object_get(a, "place"), "insee"), "44109");
    json_decref(a);
    a = search("near=47.17623,-1.54966");
    assert_string_equal(str(json_object_get(a, "place"), "insee"), "44143");
    json_decref(a);
    a = search("q=plombier près de Rezé");
    assert_string_equal(str(json_object_get(a, "place"), "insee"), "44143");
    json_decref(a);
    a = search("near=44109");
    p = json_object_get(a, "place");
    assert_string_equal(str(p, "name"), "Nantes");
    assert_true(json_number_value(json_object_get(p, "lat")) == nantes_lat);
    assert_true(json_number_value(json_object_get(p, "lon")) == nantes_lon);
    json_decref(a);
}

/* "près de Nantes" alone: the place without a word, as near=Nantes. */
static void place_only_in_text(void **state)
{
    json_t *a = search("q=près de Nantes"), *b = search("near=44109");
    char got[2048];

    (void)state;
    listed(a, got, sizeof got);
    if (!json_is_object(json_object_get(a, "place")) ||
        strcmp(str(json_object_get(a, "place"), "insee"), "44109") ||
        total(a) != total(b))
        fail_msg("q=près de Nantes: place %s, %s; near=44109 has total %ld",
                 json_is_object(json_object_get(a, "place"))
                     ? str(json_object_get(a, "place"), "name")
                     : "null",
                 got, total(b));
    json_decref(a);
    json_decref(b);
}

/* ------------------------------------------------------------ areas */

static void area_radius_exactly_the_distance_is_inside(void **state)
{
    struct test_reply r;
    char path[128];
    json_t *a, *loc;

    (void)state;
    /* The home the server stored is the commune the test measured from. */
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s",
             id_of("macon-bord"));
    test_http(&server, "GET", path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    loc = json_object_get(r.json, "location");
    assert_true(json_number_value(json_object_get(loc, "lat")) == nantes_lat);
    assert_true(json_number_value(json_object_get(loc, "lon")) == nantes_lon);
    test_reply_free(&r);
    a = search("q=maçon&near=49007");
    if (!result(a, "macon-bord")) {
        char got[1024];

        listed(a, got, sizeof got);
        fail_msg("radius %.17g km = haversine(Nantes, Angers): not found"
                 " near Angers: %s",
                 edge_km, got);
    }
    assert_int_equal(total(a), 1);
    json_decref(a);
}

static void area_radius_one_km_short_is_outside(void **state)
{
    json_t *a = search("q=maçon&near=49007");

    (void)state;
    assert_null(result(a, "macon-court"));
    json_decref(a);
    a = search("trade=F1703&near=49007");
    assert_null(result(a, "macon-court"));
    json_decref(a);
    /* From home both are found, the nearest first. */
    a = search("q=maçon&near=44109");
    assert_int_equal(total(a), 2);
    assert_non_null(result(a, "macon-court"));
    assert_non_null(result(a, "macon-bord"));
    json_decref(a);
}

/* Yann lives in Nantes and works in all of Loire-Atlantique (dep:44),
 * nowhere else: Clisson, Gétigné and Ancenis (44, 26 to 32 km) are in;
 * Cugand (85, 4 km from Clisson), Orée d'Anjou (49, 24 km from Nantes,
 * nearer than Clisson) and Sèvremoine (49) are out. */
static void area_zone_departement_stops_at_the_border(void **state)
{
    static const char *const in[] = {"44043", "44063", "44003", "44109"};
    static const char *const out[] = {"85076", "49126", "49301"};
    char q[64];
    size_t i;
    json_t *a, *x;

    (void)state;
    for (i = 0; i < sizeof in / sizeof in[0]; i++) {
        snprintf(q, sizeof q, "q=peintre&near=%s", in[i]);
        a = search(q);
        x = result(a, "peintre-dep44");
        if (!x) fail_msg("%s: the peintre of dep:44 is missing", q);
        assert_int_equal(position(a, "peintre-dep44"), 0);
        json_decref(a);
    }
    a = search("q=peintre&near=44043");
    x = result(a, "peintre-dep44");
    assert_true(why_has(x, "intervient dans tout le département (à 26 km)"));
    json_decref(a);
    for (i = 0; i < sizeof out / sizeof out[0]; i++) {
        snprintf(q, sizeof q, "q=peintre&near=%s", out[i]);
        a = search(q);
        if (result(a, "peintre-dep44"))
            fail_msg("%s: the peintre of dep:44 is found outside 44", q);
        /* The peintre of reg:52 covers them all. */
        assert_int_equal(total(a), 1);
        assert_non_null(result(a, "peintre-reg52"));
        json_decref(a);
    }
}

static void area_zone_region_and_france(void **state)
{
    json_t *a, *x;

    (void)state;
    /* reg:52 (Pays de la Loire): La Roche-sur-Yon, 111 km from Angers. */
    a = search("q=peintre&near=85191");
    assert_int_equal(total(a), 1);
    x = result(a, "peintre-reg52");
    assert_non_null(x);
    assert_true(why_has(x, "intervient dans toute la région (à 111 km)"));
    json_decref(a);
    /* Saint-Étienne is in region 84: neither peintre. */
    a = search("q=peintre&near=42218");
    assert_int_equal(total(a), 0);
    assert_int_equal(json_array_size(results(a)), 0);
    json_decref(a);
    /* FR: the translator of Angers is found at Lyon, after the local one. */
    a = search("q=traduction&near=69123");
    assert_int_equal(total(a), 2);
    assert_int_equal(position(a, "traducteur-allemand"), 0);
    x = result(a, "traductrice-anglais");
    assert_non_null(x);
    assert_true(why_has(x, "intervient dans toute la France (à 454 km)"));
    json_decref(a);
}

static void area_radius_km_narrows(void **state)
{
    json_t *a;

    (void)state;
    a = search("q=peintre&near=44043");
    assert_int_equal(total(a), 2);
    json_decref(a);
    a = search("q=peintre&near=44043&radius_km=30");
    assert_int_equal(total(a), 1);
    assert_non_null(result(a, "peintre-dep44"));
    json_decref(a);
    /* Nantes - Rezé is 6.16 km, Nantes - Saint-Herblain 6.55 km. */
    a = search("q=plombier&near=44109&radius_km=0");
    assert_int_equal(total(a), 2);
    assert_non_null(result(a, "plombier-nantes"));
    assert_non_null(result(a, "plombiere-debutante"));
    json_decref(a);
    a = search("q=plombier&near=44109&radius_km=6.3");
    assert_int_equal(total(a), 3);
    assert_non_null(result(a, "plombier-reze"));
    assert_null(result(a, "sanitaire-herblain"));
    json_decref(a);
    /* radius_km never widens an area: Emma (Rezé, 15 km) is not found at
     * Cholet, 53 km away, with radius_km=100. */
    a = search("q=coiffeuse&near=49099&radius_km=100");
    assert_int_equal(total(a), 0);
    json_decref(a);
}

/* ------------------------------------------------------- visibility */

static int is_hidden(const char *ext)
{
    return !strncmp(ext, "hidden-", 7);
}

static void no_hidden_result(json_t *a, const char *query)
{
    size_t i;
    json_t *r;

    json_array_foreach(results(a), i, r)
        if (is_hidden(str(r, "external_id")))
            fail_msg("%s shows %s", query, str(r, "external_id"));
}

static void visibility_never_shows_non_public(void **state)
{
    static const char *const queries[] = {
        "q=plombier", "q=menuisier", "q=électricien", "q=anglais",
        "q=Octave", "q=Odile Interne", "q=Oscar", "q=Olga Maison",
        "q=plombier&near=29019", "qualification=RGE Qualibat",
        "trade=L1501", "departement=29", "cooperative=@c-hidden",
        "q=plomberie&near=44109", "q=plombier&limit=100",
    };
    size_t i;
    json_t *a, *f;
    char want[128];

    (void)state;
    for (i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        a = search(queries[i]);
        no_hidden_result(a, queries[i]);
        f = json_object_get(a, "facets");
        assert_null(json_object_get(json_object_get(f, "trade"), "L1501"));
        assert_null(json_object_get(json_object_get(f, "departement"), "29"));
        assert_null(json_object_get(json_object_get(f, "cooperative"),
                                    coop_of("c-hidden")));
        json_decref(a);
    }
    /* Only hidden profiles have these: nothing at all. */
    a = search("q=Octave");
    assert_int_equal(total(a), 0);
    json_decref(a);
    a = search("trade=L1501");
    assert_int_equal(total(a), 0);
    json_decref(a);
    a = search("departement=29");
    assert_int_equal(total(a), 0);
    json_decref(a);
    a = search("cooperative=@c-hidden");
    assert_int_equal(total(a), 0);
    assert_int_equal(json_object_size(json_object_get(
                         json_object_get(a, "facets"), "cooperative")),
                     0);
    json_decref(a);
    a = search("q=plombier&near=29019");
    assert_int_equal(total(a), 0);
    json_decref(a);
    /* Exact counts for the plumbers: 4 in 44, 1 in 49, F1603 four times
     * (the four hidden ones carry it too), one NAF plumber. */
    a = search("q=plombier");
    f = json_object_get(a, "facets");
    assert_int_equal(total(a), 5);
    snprintf(want, sizeof want, "{'%s':4,'%s':1}", coop_of("c-nantes"),
             coop_of("c-anjou"));
    {
        json_t *tr = test_json("{'F1603':4,'43.22A':1}");
        json_t *dep = test_json("{'44':4,'49':1}");
        json_t *co = test_json(want);

        assert_true(json_equal(json_object_get(f, "trade"), tr));
        assert_true(json_equal(json_object_get(f, "departement"), dep));
        assert_true(json_equal(json_object_get(f, "cooperative"), co));
        json_decref(tr);
        json_decref(dep);
        json_decref(co);
    }
    json_decref(a);
}

/* ------------------------------------------------------ consistency */

static void patch(const char *id, const char *body)
{
    struct test_reply r;
    char path[128];
    json_t *b = test_json(body);
    char *text = json_dumps(b, JSON_COMPACT);

    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", id);
    test_http_as(&server, server.admin, "PATCH", path, text, NULL, &r);
    if (r.status != 200)
        fail_msg("PATCH %s %s: %ld %s", path, body, r.status,
                 buf_str(&r.body));
    test_reply_free(&r);
    free(text);
    json_decref(b);
}

static long count(const char *query)
{
    json_t *a = search(query);
    long n = total(a);

    assert_int_equal(json_array_size(results(a)), n < 20 ? n : 20);
    json_decref(a);
    return n;
}

static void consistency_after_patch_and_delete(void **state)
{
    json_t *e = test_json(
        "{'external_id':'mutant','cooperative_external_id':'c-nantes',"
        "'display_name':'Zéphyrin Quadrille','headline':'Ferronnier d\\u0027art',"
        "'trades':[{'code':'B1601','scheme':'rome'}],"
        "'location':{'insee':'44109'},'intervention':{'radius_km':10},"
        "'status':'associe','visibility':'public'}");
    long everyone = count("");
    json_t *a, *x, *tr;
    struct test_reply r;
    char path[128];
    const char *id;

    (void)state;
    add_entrepreneur(e);
    json_decref(e);
    id = id_of("mutant");
    assert_int_equal(count(""), everyone + 1);
    assert_int_equal(count("q=quadrille"), 1);
    assert_int_equal(count("q=quadrille&trade=B16"), 1);

    /* A new trade. */
    patch(id, "{'trades':[{'code':'D1202','scheme':'rome'}]}");
    assert_int_equal(count("q=quadrille&trade=B16"), 0);
    assert_int_equal(count("q=quadrille&trade=D1202"), 1);
    assert_int_equal(count("q=coiffure"), 3);
    a = search("q=quadrille");
    x = result(a, "mutant");
    assert_non_null(x);
    assert_string_equal(str(json_array_get(json_object_get(x, "trades"), 0),
                            "code"),
                        "D1202");
    tr = test_json("{'D1202':1}");
    assert_true(json_equal(json_object_get(json_object_get(a, "facets"),
                                           "trade"),
                           tr));
    json_decref(tr);
    json_decref(a);

    /* A move from Nantes to Saint-Étienne. */
    patch(id, "{'location':{'insee':'42218'}}");
    assert_int_equal(count("q=quadrille&near=44109"), 0);
    assert_int_equal(count("q=quadrille&departement=44"), 0);
    assert_int_equal(count("q=quadrille&departement=42"), 1);
    a = search("q=quadrille&near=42218");
    assert_int_equal(total(a), 1);
    x = result(a, "mutant");
    assert_non_null(x);
    assert_string_equal(str(x, "city"), "Saint-Étienne");
    assert_true(json_number_value(json_object_get(x, "distance_km")) == 0);
    json_decref(a);

    /* Private: gone from results, totals and facets. */
    patch(id, "{'visibility':'private'}");
    assert_int_equal(count("q=quadrille"), 0);
    assert_int_equal(count("q=coiffure"), 2);
    assert_int_equal(count(""), everyone);
    a = search("departement=42");
    assert_int_equal(total(a), 2);
    assert_null(result(a, "mutant"));
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_object_get(a, "facets"),
                                         "trade"),
                         "D1202")),
                     0);
    json_decref(a);

    /* Public again, then deleted. */
    patch(id, "{'visibility':'public'}");
    assert_int_equal(count("q=quadrille"), 1);
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s", id);
    test_http_as(&server, server.admin, "DELETE", path, NULL, NULL, &r);
    assert_int_equal(r.status, 204);
    test_reply_free(&r);
    assert_int_equal(count("q=quadrille"), 0);
    assert_int_equal(count("q=coiffure"), 2);
    assert_int_equal(count("departement=42"), 2);
    assert_int_equal(count(""), everyone);
}

/* ---------------------------------------------------- bad parameters */

static void bad_parameters_are_400_naming_them(void **state)
{
    static const char *const cases[][2] = {
        {"q=plombier&near=44109&radius_km=-3", "radius_km"},
        {"q=plombier&near=44109&radius_km=abc", "radius_km"},
        {"q=plombier&limit=0", "limit"},
        {"q=plombier&limit=1000", "limit"},
        {"q=plombier&near=Zzyzxville-sur-Nowhere", "near"},
        {"q=plombier&cursor=abc", "cursor"},
        {"q=plombier&cursor=2-00000000", "cursor"},
        {"q=plombier&sort=distance", "sort"},
        {"q=plombier&status=boss", "status"},
        {"q=plombier&available_on=2026-13-01", "available_on"},
        /* Not digits: once an integer overflow (tests/fuzz/regressions) */
        {"q=plombier&available_on=-22-600301", "available_on"},
        {"q=plombier&departement=999", "departement"},
        {"q=plombier&trade=ZZZ", "trade"},
        {"q=plombier&kind=shop", "kind"},
    };
    struct test_reply r;
    json_t *a;
    char q[256];
    const char *cursor;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        search_reply(cases[i][0], &r);
        if (r.status != 400 || !r.json ||
            !strstr(buf_str(&r.headers),
                    "Content-Type: application/problem+json") ||
            json_integer_value(json_object_get(r.json, "status")) != 400 ||
            !test_has_error(json_object_get(r.json, "errors"), cases[i][1]))
            fail_msg("%s: %ld %s (expected a 400 problem naming %s)",
                     cases[i][0], r.status, buf_str(&r.body), cases[i][1]);
        test_reply_free(&r);
    }
    /* A real cursor of another query. */
    a = search("q=plombier&limit=2");
    cursor = str(a, "next_cursor");
    assert_true(*cursor);
    snprintf(q, sizeof q, "q=menuisier&limit=2&cursor=%s", cursor);
    search_reply(q, &r);
    assert_int_equal(r.status, 400);
    assert_true(test_has_error(json_object_get(r.json, "errors"), "cursor"));
    test_reply_free(&r);
    snprintf(q, sizeof q, "q=plombier&near=44109&limit=2&cursor=%s", cursor);
    search_reply(q, &r);
    assert_int_equal(r.status, 400);
    assert_true(test_has_error(json_object_get(r.json, "errors"), "cursor"));
    test_reply_free(&r);
    json_decref(a);
    /* A kind with nothing yet is an empty answer, not an error. */
    a = search("q=plombier&kind=offer");
    assert_int_equal(total(a), 0);
    json_decref(a);
}

/* ----------------------------------------------- snippets and reasons */

static void snippets_mark_and_escape(void **state)
{
    json_t *a, *x;

    (void)state;
    a = search("q=accessibles");
    assert_int_equal(total(a), 1);
    x = result(a, "dev-web-nantes");
    assert_non_null(x);
    assert_string_equal(str(x, "snippet"),
                        "Je code des sites &lt;b&gt;<mark>accessibles</mark>"
                        "&lt;/b&gt; &amp; rapides pour les associations.");
    json_decref(a);
    a = search("q=plombier");
    assert_string_equal(str(result(a, "plombier-nantes"), "snippet"),
                        "<mark>Plombier</mark> chauffagiste");
    assert_string_equal(str(result(a, "plombiere-debutante"), "snippet"),
                        "<mark>Plombière</mark>");
    json_decref(a);
    /* Found in the description only: the snippet comes from it. */
    a = search("q=menuiserie");
    assert_string_equal(str(result(a, "charpentier-herblain"), "snippet"),
                        "Toitures en ardoise et en zinc ; je fais aussi un peu"
                        " de <mark>menuiserie</mark> extérieure.");
    json_decref(a);
    /* Words typed with a typo are marked as written in the profile. */
    a = search("q=coifeuse");
    assert_string_equal(str(result(a, "coiffeuse-reze"), "snippet"),
                        "<mark>Coiffeuse</mark> à domicile");
    json_decref(a);
}

static void why_gives_distance_and_trade(void **state)
{
    json_t *a, *x;

    (void)state;
    a = search("q=plombier&near=44109");
    x = result(a, "plombier-reze");
    assert_non_null(x);
    assert_true(json_number_value(json_object_get(x, "distance_km")) == 6.2);
    assert_true(why_has(x, "à 6 km de Nantes"));
    assert_true(why_has(x, "métier : Installation d'équipements sanitaires et"
                           " thermiques"));
    x = result(a, "sanitaire-herblain");
    assert_true(json_number_value(json_object_get(x, "distance_km")) == 6.5);
    assert_true(why_has(x, "à 7 km de Nantes"));
    assert_true(why_has(x, "métier : "));
    x = result(a, "plombier-nantes");
    assert_true(why_has(x, "installé à Nantes"));
    json_decref(a);
    /* The trade filter is a reason too. */
    a = search("trade=43.22");
    assert_true(why_has(result(a, "plomberie-cholet"),
                        "métier : Travaux d'installation d'eau et de gaz en"
                        " tous locaux"));
    json_decref(a);
    /* No place searched: no distance. */
    a = search("q=plombier");
    assert_true(json_is_null(json_object_get(result(a, "plombier-reze"),
                                             "distance_km")));
    assert_false(why_has(result(a, "plombier-reze"), " km"));
    json_decref(a);
    /* The answer's cooperative and city. */
    a = search("q=traductrice anglais");
    x = result(a, "traductrice-anglais");
    assert_string_equal(str(x, "city"), "Angers");
    assert_string_equal(str(x, "name"), "Sarah Cohen");
    assert_string_equal(str(x, "kind"), "entrepreneur");
    assert_string_equal(str(x, "id"), id_of("traductrice-anglais"));
    assert_string_equal(str(json_object_get(x, "cooperative"), "id"),
                        coop_of("c-anjou"));
    assert_string_equal(str(json_object_get(x, "cooperative"), "name"),
                        "Coodémarrage Anjou");
    json_decref(a);
}

/* ------------------------------------------------- paging and facets */

/* pages: walk every page of query at limit n; the external ids in order
 * into all (a JSON array); checks each page's total and facets. */
static void pages(const char *query, int n, json_t *all, long *seen_total)
{
    char q[512];
    char cursor[64] = "";
    json_t *first = NULL;
    int guard = 0;

    *seen_total = -1;
    for (;;) {
        json_t *a, *r;
        size_t i;

        if (*cursor)
            snprintf(q, sizeof q, "%s&limit=%d&cursor=%s", query, n, cursor);
        else
            snprintf(q, sizeof q, "%s&limit=%d", query, n);
        a = search(q);
        if (*seen_total < 0) *seen_total = total(a);
        assert_int_equal(total(a), *seen_total);
        if (!first)
            first = json_incref(json_object_get(a, "facets"));
        else
            assert_true(json_equal(first, json_object_get(a, "facets")));
        assert_true(json_array_size(results(a)) <= (size_t)n);
        json_array_foreach(results(a), i, r)
            json_array_append(all, json_object_get(r, "external_id"));
        if (json_is_null(json_object_get(a, "next_cursor"))) {
            json_decref(a);
            break;
        }
        assert_int_equal(json_array_size(results(a)), n);
        snprintf(cursor, sizeof cursor, "%s", str(a, "next_cursor"));
        json_decref(a);
        assert_true(++guard < 100);
    }
    json_decref(first);
}

static void pagination_next_page_without_overlap(void **state)
{
    json_t *paged = json_array(), *whole = json_array(), *a, *r;
    long t;
    size_t i, k;

    (void)state;
    pages("q=plombier", 2, paged, &t);
    assert_int_equal(t, 5);
    a = search("q=plombier&limit=5");
    assert_true(json_is_null(json_object_get(a, "next_cursor")));
    json_array_foreach(results(a), i, r)
        json_array_append(whole, json_object_get(r, "external_id"));
    json_decref(a);
    /* Page by page is the same list as one page. */
    assert_true(json_equal(paged, whole));
    json_decref(paged);
    json_decref(whole);

    /* Everything, by pages of 7: each profile once, none hidden. */
    paged = json_array();
    pages("kind=entrepreneur", 7, paged, &t);
    assert_int_equal(json_array_size(paged), t);
    assert_int_equal(t, 29);
    json_array_foreach(paged, i, r) {
        assert_false(is_hidden(json_string_value(r)));
        for (k = 0; k < i; k++)
            if (json_equal(json_array_get(paged, k), r))
                fail_msg("%s on two pages", json_string_value(r));
    }
    json_decref(paged);

    /* With a place, and sorted by distance: non-decreasing distances. */
    paged = json_array();
    pages("q=plombier&near=44020&sort=distance", 1, paged, &t);
    assert_int_equal(t, 4);
    assert_int_equal(json_array_size(paged), 4);
    assert_string_equal(json_string_value(json_array_get(paged, 0)),
                        "plombier-reze");
    json_decref(paged);
}

/* The facets of the whole public directory, counted from the fixture. */
static void totals_and_facets_agree(void **state)
{
    json_t *a = search("limit=100"), *e, *f;
    json_t *dep = json_object(), *coop = json_object(), *trade = json_object();
    size_t i, k;
    long n = 0;

    (void)state;
    json_array_foreach(json_object_get(fixture, "entrepreneurs"), i, e) {
        json_t *t;
        char d[3];

        if (strcmp(str(e, "visibility"), "public")) continue;
        n++;
        snprintf(d, sizeof d, "%s",
                 str(json_object_get(e, "location"), "insee"));
        count_into(dep, d);
        count_into(coop, coop_of(str(e, "cooperative_external_id")));
        json_array_foreach(json_object_get(e, "trades"), k, t)
            if (json_is_string(json_object_get(t, "code")))
                count_into(trade, str(t, "code"));
    }
    /* The two masons of the area edge. */
    n += 2;
    count_into(dep, "44");
    count_into(dep, "44");
    count_into(coop, coop_of("c-nantes"));
    count_into(coop, coop_of("c-nantes"));
    count_into(trade, "F1703");
    count_into(trade, "F1703");
    assert_int_equal(total(a), n);
    assert_int_equal(json_array_size(results(a)), n);
    f = json_object_get(a, "facets");
    assert_true(json_equal(json_object_get(f, "departement"), dep));
    assert_true(json_equal(json_object_get(f, "cooperative"), coop));
    assert_true(json_equal(json_object_get(f, "trade"), trade));
    facets_agree(a, "limit=100");
    json_decref(dep);
    json_decref(coop);
    json_decref(trade);
    json_decref(a);
    /* A filtered answer: facets count what is left. */
    a = search("q=plombier&near=44109");
    facets_agree(a, "q=plombier&near=44109");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_object_get(a, "facets"),
                                         "departement"),
                         "44")),
                     4);
    json_decref(a);
}

/* ---------------------------------------------------------------- main */

#define T(f) cmocka_unit_test(f)

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        T(ranking_headline_above_description_only),
        T(ranking_nearer_plumber_first),
        T(ranking_exact_word_above_synonym),
        T(ranking_beginner_like_others),
        T(vocabulary_rome_code_without_the_word),
        T(place_of_the_answer),
        T(place_only_in_text),
        T(area_radius_exactly_the_distance_is_inside),
        T(area_radius_one_km_short_is_outside),
        T(area_zone_departement_stops_at_the_border),
        T(area_zone_region_and_france),
        T(area_radius_km_narrows),
        T(visibility_never_shows_non_public),
        T(bad_parameters_are_400_naming_them),
        T(snippets_mark_and_escape),
        T(why_gives_distance_and_trade),
        T(pagination_next_page_without_overlap),
        T(totals_and_facets_agree),
        T(consistency_after_patch_and_delete),
    };
    struct CMUnitTest tests[NJUDGED + sizeof fixed / sizeof fixed[0]];
    size_t i;

    for (i = 0; i < NJUDGED; i++) {
        tests[i].name = judged_set[i].name;
        tests[i].test_func = judged;
        tests[i].setup_func = NULL;
        tests[i].teardown_func = NULL;
        tests[i].initial_state = &judged_set[i];
    }
    for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        tests[NJUDGED + i] = fixed[i];
    return cmocka_run_group_tests(tests, setup, teardown);
}
