/*
 * fuzz_json.c: every JSON request body (POST and PATCH), through the
 * domain function its handler calls, as an API client can send it.
 *
 * One target for all of them: the first byte of the input picks the
 * endpoint (a letter of the table below; any other byte: byte modulo the
 * table's size), the rest is the body. So a seed reads like
 * "e{"display_name": ...}", and the fuzzer also sends one endpoint's
 * bodies to the others. The body is read as srv_body_json() reads it
 * (json_loadb, duplicate keys refused, an object), then handed to the
 * domain function as the viewer the table names, against the world of
 * fuzz_world.h. Every write is rolled back after the input (fuzz.h).
 *
 * Checked beyond memory safety: no 500 (RC_DB, RC_NOMEM, RC_INTERNAL) for
 * any body, every refusal names its field, and a success answers a JSON
 * object.
 */
#include "fuzz_world.h"

#include "../../account/account.h"
#include "../../tender/tender_db.h"

struct endpoint {
    char key;         /* first byte of the input */
    const char *name; /* for the reports */
    enum rc (*call)(struct db *db, const struct fuzz_world *w, json_t *in,
                    json_t *errs, json_t **out);
};

static enum rc coop_create(struct db *db, const struct fuzz_world *w,
                           json_t *in, json_t *errs, json_t **out)
{
    int created = 0;

    return dir_coop_create(db, &w->admin, in, errs, &created, out);
}

static enum rc coop_patch(struct db *db, const struct fuzz_world *w, json_t *in,
                          json_t *errs, json_t **out)
{
    return dir_coop_patch(db, &w->staff1, "1", in, errs, out);
}

static enum rc ent_create(struct db *db, const struct fuzz_world *w, json_t *in,
                          json_t *errs, json_t **out)
{
    int created = 0;

    return dir_ent_create(db, &w->admin, in, errs, &created, out);
}

static enum rc ent_patch(struct db *db, const struct fuzz_world *w, json_t *in,
                         json_t *errs, json_t **out)
{
    return dir_ent_patch(db, &w->ent1, "1", in, errs, out);
}

static enum rc account_by_admin(struct db *db, const struct fuzz_world *w,
                                json_t *in, json_t *errs, json_t **out)
{
    return account_create(db, &w->admin, in, errs, out);
}

static enum rc account_by_staff(struct db *db, const struct fuzz_world *w,
                                json_t *in, json_t *errs, json_t **out)
{
    return account_create(db, &w->staff1, in, errs, out);
}

static enum rc account_self(struct db *db, const struct fuzz_world *w,
                            json_t *in, json_t *errs, json_t **out)
{
    (void)w;
    return account_create(db, &viewer_anonymous, in, errs, out);
}

static enum rc request_post(struct db *db, const struct fuzz_world *w,
                            json_t *in, json_t *errs, json_t **out)
{
    long wait = 0;

    return request_create(db, &w->client, in, "10.0.0.2", errs, out, &wait);
}

static enum rc request_answer(struct db *db, const struct fuzz_world *w,
                              json_t *in, json_t *errs, json_t **out)
{
    return request_respond(db, &w->admin, w->request, in, errs, out);
}

static enum rc request_close(struct db *db, const struct fuzz_world *w,
                             json_t *in, json_t *errs, json_t **out)
{
    return request_outcome(db, &w->client, w->request, in, errs, out);
}

static enum rc offer_post(struct db *db, const struct fuzz_world *w, json_t *in,
                          json_t *errs, json_t **out)
{
    return offer_create(db, &w->ent1, OFFER_BY_ENTREPRENEUR, "1", in, errs,
                        out);
}

static enum rc offer_post_group(struct db *db, const struct fuzz_world *w,
                                json_t *in, json_t *errs, json_t **out)
{
    return offer_create(db, &w->admin, OFFER_BY_GROUP, w->group, in, errs, out);
}

static enum rc offer_edit(struct db *db, const struct fuzz_world *w, json_t *in,
                          json_t *errs, json_t **out)
{
    return offer_patch(db, &w->ent1, w->offer, in, errs, out);
}

static enum rc group_post(struct db *db, const struct fuzz_world *w, json_t *in,
                          json_t *errs, json_t **out)
{
    return group_create(db, &w->ent1, in, "http://essaim.invalid", errs, out);
}

static enum rc group_edit(struct db *db, const struct fuzz_world *w, json_t *in,
                          json_t *errs, json_t **out)
{
    return group_patch(db, &w->admin, w->group, in, errs, out);
}

static enum rc group_invitation(struct db *db, const struct fuzz_world *w,
                                json_t *in, json_t *errs, json_t **out)
{
    return group_invite(db, &w->admin, w->group, in, "http://essaim.invalid",
                        errs, out);
}

static enum rc time_post(struct db *db, const struct fuzz_world *w, json_t *in,
                         json_t *errs, json_t **out)
{
    return timebank_post_create(db, &w->ent1, in, errs, out);
}

static enum rc time_transfer(struct db *db, const struct fuzz_world *w,
                             json_t *in, json_t *errs, json_t **out)
{
    static const struct timebank_config cfg = {0, NULL};
    int replayed = 0;

    return timebank_transfer_create(db, &w->ent1, &cfg, in, "fuzz-key", errs,
                                    out, &replayed);
}

static enum rc time_limits(struct db *db, const struct fuzz_world *w,
                           json_t *in, json_t *errs, json_t **out)
{
    return timebank_limits_patch(db, &w->admin, "1", in, errs, out);
}

static enum rc tender_post(struct db *db, const struct fuzz_world *w,
                           json_t *in, json_t *errs, json_t **out)
{
    int created = 0;

    return tender_create(db, &w->admin, in, errs, &created, out);
}

static const struct endpoint endpoints[] = {
    {'c', "POST /cooperatives (admin)", coop_create},
    {'C', "PATCH /cooperatives/1 (its staff)", coop_patch},
    {'e', "POST /entrepreneurs (admin)", ent_create},
    {'E', "PATCH /entrepreneurs/1 (its owner)", ent_patch},
    {'a', "POST /accounts (admin)", account_by_admin},
    {'s', "POST /accounts (staff of cooperative 1)", account_by_staff},
    {'A', "POST /accounts (anonymous)", account_self},
    {'r', "POST /requests (client)", request_post},
    {'R', "POST /requests/1/responses (admin)", request_answer},
    {'o', "POST /requests/1/outcome (its client)", request_close},
    {'f', "POST /entrepreneurs/1/offers (its owner)", offer_post},
    {'q', "POST /groups/1/offers (admin)", offer_post_group},
    {'F', "PATCH /offers/1 (its owner)", offer_edit},
    {'g', "POST /groups (entrepreneur 1)", group_post},
    {'G', "PATCH /groups/1 (admin)", group_edit},
    {'i', "POST /groups/1/invitations (admin)", group_invitation},
    {'p', "POST /time/posts (entrepreneur 1)", time_post},
    {'t', "POST /time/transfers (entrepreneur 1)", time_transfer},
    {'l', "PATCH /cooperatives/1/time (admin)", time_limits},
    {'T', "POST /tenders (admin)", tender_post},
};

#define NENDPOINTS (sizeof endpoints / sizeof *endpoints)

static int verbose; /* FUZZ_VERBOSE set: print each answer (for seeds) */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_world();
    verbose = getenv("FUZZ_VERBOSE") != NULL;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct fuzz_world *w = fuzz_world();
    const struct endpoint *ep = NULL;
    struct db *db = fuzz_db();
    json_t *in, *errs, *out = NULL;
    size_t i;
    enum rc rc;

    if (size < 1) return 0;
    for (i = 0; i < NENDPOINTS && !ep; i++)
        if (endpoints[i].key == (char)data[0]) ep = &endpoints[i];
    if (!ep) ep = &endpoints[data[0] % NENDPOINTS];
    /* As srv_body_json(): anything but a JSON object is a 400 there. */
    in = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES,
                    NULL);
    if (!json_is_object(in)) {
        json_decref(in);
        return 0;
    }
    errs = json_array();
    fuzz_begin(db);
    rc = ep->call(db, w, in, errs, &out);
    if (verbose) {
        char *e = json_dumps(errs, 0);

        fprintf(stderr, "%s: %s %s\n", ep->name, rc_name(rc), e ? e : "");
        free(e);
    }
    fuzz_check_rc(ep->name, rc, errs);
    if (rc == RC_OK && !json_is_object(out))
        fuzz_fail("%s: success without a document", ep->name);
    if (rc != RC_OK && out) fuzz_fail("%s: *out set on failure", ep->name);
    fuzz_end(db);
    json_decref(out);
    json_decref(errs);
    json_decref(in);
    return 0;
}
