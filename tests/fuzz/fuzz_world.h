/*
 * fuzz_world.h: a small populated instance for the targets that need
 * records to refer to (fuzz_json, fuzz_search), made once in
 * LLVMFuzzerInitialize through the same functions as the API, and
 * committed: the 4 cooperatives and 31 entrepreneurs of
 * tests/fixtures/search_fixture.json (read from the working directory:
 * the targets run from the top of the tree), then accounts, an open
 * request, a business group of entrepreneurs 1 (its admin), 2 and 6, all
 * accepted, an offer and a time post.
 *
 * A fresh :memory: database numbers records from 1 in that order, so the
 * seeds may name them: cooperatives 1 (c-nantes) to 4, entrepreneurs 1
 * (menuisier-nantes, cooperative 1) to 31, request 1, group 1, offer 1,
 * time post 1 (ids are checked when the world is made).
 */
#ifndef ESSAIM_FUZZ_WORLD_H
#define ESSAIM_FUZZ_WORLD_H

#include <unistd.h>

#include "fuzz.h"

#include "../../directory/dir_coop.h"
#include "../../directory/dir_ent.h"
#include "../../group/group.h"
#include "../../matching/request.h"
#include "../../offer/offer.h"
#include "../../timebank/timebank.h"
#include "../../util/ids.h"
#include "../../util/viewer.h"

#define FUZZ_FIXTURE "tests/fixtures/search_fixture.json"

struct fuzz_world {
    struct viewer admin;  /* viewer_system */
    struct viewer client; /* client@fuzz.invalid, a client account */
    struct viewer ent1;   /* entrepreneur 1's account, cooperative 1 */
    struct viewer ent2;   /* entrepreneur 2's account, cooperative 1 */
    struct viewer staff1; /* staff of cooperative 1 */
    char request[24];     /* an open request of the client */
    char group[24];       /* a business group, entrepreneur 1 its admin */
    char offer[24];       /* an offer of entrepreneur 1 */
    char post[24];        /* a time post of entrepreneur 2 */
};

/* fuzz_world_id: the "id" of a created document into buf; exits when
 * absent (the world is broken: nothing sensible can be fuzzed). */
static inline void fuzz_world_id(json_t *doc, const char *what, char *buf,
                                 size_t size, json_t *errs)
{
    const char *id = json_string_value(json_object_get(doc, "id"));

    if (!id) {
        char *e = json_dumps(errs, 0);

        fprintf(stderr, "fuzz: cannot make %s: %s\n", what, e ? e : "");
        free(e);
        exit(1);
    }
    snprintf(buf, size, "%s", id);
}

/* fuzz_world_account: an account made by an administrator from the JSON
 * text; its id goes to v->account_id. */
static inline void fuzz_world_account(struct db *db, const char *text,
                                      struct viewer *v)
{
    json_t *in = json_loads(text, 0, NULL), *errs = json_array(), *out = NULL;
    char id[24];

    if (in) account_create(db, &viewer_system, in, errs, &out);
    fuzz_world_id(out, text, id, sizeof id, errs);
    if (!ids_parse(id, &v->account_id)) exit(1);
    json_decref(in);
    json_decref(errs);
    json_decref(out);
}

static inline void fuzz_world_fixture(struct db *db)
{
    json_t *fix = json_load_file(FUZZ_FIXTURE, 0, NULL), *rec;
    size_t i;
    int created;

    if (!fix) {
        fprintf(stderr,
                "fuzz: cannot read %s (run from the top of the"
                " tree)\n",
                FUZZ_FIXTURE);
        exit(1);
    }
    json_array_foreach(json_object_get(fix, "cooperatives"), i, rec) {
        json_t *errs = json_array(), *out = NULL;
        char id[24];

        dir_coop_create(db, &viewer_system, rec, errs, &created, &out);
        fuzz_world_id(out, "a cooperative", id, sizeof id, errs);
        json_decref(out);
        json_decref(errs);
    }
    json_array_foreach(json_object_get(fix, "entrepreneurs"), i, rec) {
        json_t *errs = json_array(), *out = NULL;
        char id[24];

        dir_ent_create(db, &viewer_system, rec, errs, &created, &out);
        fuzz_world_id(out, "an entrepreneur", id, sizeof id, errs);
        json_decref(out);
        json_decref(errs);
    }
    json_decref(fix);
}

/* fuzz_world: the world, made on first use in fuzz_db(). */
static inline const struct fuzz_world *fuzz_world(void)
{
    static struct fuzz_world w;
    static int made;
    struct db *db;
    json_t *in, *errs, *out, *m;
    long wait = 0;
    size_t i;

    if (made) return &w;
    made = 1;
    db = fuzz_db();
    request_init(10, "http://essaim.invalid");
    fuzz_world_fixture(db);
    w.admin = viewer_system;
    w.client = (struct viewer){VIEWER_CLIENT, 0, 0, 0};
    w.ent1 = (struct viewer){VIEWER_ENTREPRENEUR, 1, 1, 0};
    w.ent2 = (struct viewer){VIEWER_ENTREPRENEUR, 1, 2, 0};
    w.staff1 = (struct viewer){VIEWER_STAFF, 1, 0, 0};
    fuzz_world_account(db,
                       "{\"email\":\"client@fuzz.invalid\",\"password\":"
                       "\"a password\"}",
                       &w.client);
    fuzz_world_account(db,
                       "{\"email\":\"ent1@fuzz.invalid\",\"password\":"
                       "\"a password\",\"role\":\"entrepreneur\","
                       "\"entrepreneur_id\":\"1\"}",
                       &w.ent1);
    fuzz_world_account(db,
                       "{\"email\":\"ent2@fuzz.invalid\",\"password\":"
                       "\"a password\",\"role\":\"entrepreneur\","
                       "\"entrepreneur_id\":\"2\"}",
                       &w.ent2);
    fuzz_world_account(db,
                       "{\"email\":\"staff1@fuzz.invalid\",\"password\":"
                       "\"a password\",\"role\":\"staff\","
                       "\"cooperative_id\":\"1\"}",
                       &w.staff1);

    errs = json_array();
    out = NULL;
    in = json_loads("{\"title\":\"Refaire un escalier\",\"description\":"
                    "\"Escalier en chêne, deux étages.\",\"location\":"
                    "{\"insee\":\"44109\"},\"wanted\":[{\"code\":\"H2206\","
                    "\"scheme\":\"rome\"}]}",
                    0, NULL);
    request_create(db, &w.client, in, "10.0.0.1", errs, &out, &wait);
    fuzz_world_id(out, "a request", w.request, sizeof w.request, errs);
    json_decref(in);
    json_decref(out);
    json_decref(errs);

    errs = json_array();
    out = NULL;
    in = json_loads("{\"kind\":\"business_group\",\"name\":\"Bois et eau\","
                    "\"members\":[{\"entrepreneur_id\":\"2\"},"
                    "{\"entrepreneur_id\":\"6\"}]}",
                    0, NULL);
    group_create(db, &w.ent1, in, NULL, errs, &out);
    fuzz_world_id(out, "a group", w.group, sizeof w.group, errs);
    json_array_foreach(json_object_get(out, "members"), i, m) {
        json_t *yes, *ans = NULL;
        const char *inv =
            json_string_value(json_object_get(m, "invitation_id"));
        char id[24];

        if (!strcmp(json_string_value(json_object_get(m, "status")),
                    "accepted"))
            continue;
        yes = json_object();
        if (inv) group_answer(db, &viewer_system, inv, 1, yes, errs, &ans);
        fuzz_world_id(ans, "an accepted invitation", id, sizeof id, errs);
        json_decref(ans);
        json_decref(yes);
    }
    json_decref(in);
    json_decref(out);
    json_decref(errs);

    errs = json_array();
    out = NULL;
    in = json_loads("{\"title\":\"Escalier sur mesure\",\"description\":"
                    "\"Chêne massif.\",\"trades\":[{\"code\":\"H2206\","
                    "\"scheme\":\"rome\"}],\"price\":{\"min\":1500,\"max\":"
                    "4000,\"unit\":\"package\"}}",
                    0, NULL);
    offer_create(db, &viewer_system, OFFER_BY_ENTREPRENEUR, "1", in, errs,
                 &out);
    fuzz_world_id(out, "an offer", w.offer, sizeof w.offer, errs);
    json_decref(in);
    json_decref(out);
    json_decref(errs);

    errs = json_array();
    out = NULL;
    in = json_loads("{\"kind\":\"offer\",\"title\":\"Relire vos devis\"}", 0,
                    NULL);
    timebank_post_create(db, &w.ent2, in, errs, &out);
    fuzz_world_id(out, "a time post", w.post, sizeof w.post, errs);
    json_decref(in);
    json_decref(out);
    json_decref(errs);
    if (strcmp(w.request, "1") || strcmp(w.group, "1") ||
        strcmp(w.offer, "1") || strcmp(w.post, "1")) {
        fprintf(stderr, "fuzz: the world's ids moved: the seeds name"
                        " request, group, offer and post 1\n");
        exit(1);
    }
    return &w;
}

/* fuzz_world_file_remove: at exit, the file of fuzz_world_file(). */
static char fuzz_world_dir[256];
static struct db *fuzz_world_fdb;

static inline void fuzz_world_file_remove(void)
{
    static const char *const ext[] = {"", "-wal", "-shm"};
    char path[300];
    size_t i;

    db_close(fuzz_world_fdb);
    fuzz_world_fdb = NULL;
    for (i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/world.db%s", fuzz_world_dir, ext[i]);
        unlink(path);
    }
    rmdir(fuzz_world_dir);
}

/* fuzz_world_file: a copy of the world in a database file (a temporary
 * directory under $TMPDIR or /tmp, removed at exit; a crash leaves it,
 * which is why tools/run-fuzz points TMPDIR into build-fuzz/), for the
 * search: the in-memory table and the caches of search_mem.h are kept per
 * database file, as in the server, where a :memory: database rebuilds
 * them on every search. */
static inline struct db *fuzz_world_file(void)
{
    struct db *mem = fuzz_db();
    const char *tmp = getenv("TMPDIR");
    sqlite3_backup *b;
    char path[300];

    if (fuzz_world_fdb) return fuzz_world_fdb;
    fuzz_world();
    snprintf(fuzz_world_dir, sizeof fuzz_world_dir, "%s/essaim-fuzz-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fuzz_world_dir)) {
        perror("fuzz: mkdtemp");
        exit(1);
    }
    snprintf(path, sizeof path, "%s/world.db", fuzz_world_dir);
    if (db_open(path, NULL, &fuzz_world_fdb) != RC_OK) exit(1);
    atexit(fuzz_world_file_remove);
    b = sqlite3_backup_init(db_handle(fuzz_world_fdb), "main", db_handle(mem),
                            "main");
    if (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE) {
        fprintf(stderr, "fuzz: cannot copy the world to %s\n", path);
        exit(1);
    }
    sqlite3_backup_finish(b);
    return fuzz_world_fdb;
}

#endif
