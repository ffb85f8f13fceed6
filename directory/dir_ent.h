/*
 * dir_ent.h: entrepreneurs: validation, storage with their index entry,
 * and the JSON the API shows.
 *
 * An entrepreneur: {id, external_id, cooperative_id, cooperative {id,
 * name}, display_name, headline, description, trades[] ({code, scheme,
 * label}), skills[], location {insee, postcode, city, departement, lat,
 * lon}, intervention {radius_km} and/or {zones[]}, availability {from,
 * until, days_per_week}, status, qualifications[], visibility,
 * references[] ({title, client, year, description, url}), created_at,
 * updated_at}. Defaults: intervention {radius_km: 30}, status porteur,
 * visibility cooperative (nobody outside the cooperative sees a profile
 * until its owner opens it).
 *
 * Every write is validated whole, then written with its trade rows, its
 * full-text index entry and its audit entry in one transaction; a refused
 * write changes nothing. Writes are allowed as util/viewer.h says:
 * RC_FORBIDDEN when v sees the profile but may not change it,
 * RC_NOTFOUND when v may not even see it. Returned documents are new references. Thread-safe given one
 * struct db per thread.
 */
#ifndef ESSAIM_DIR_ENT_H
#define ESSAIM_DIR_ENT_H

#include <jansson.h>

#include "../search/search_index.h"
#include "../store/db.h"

struct viewer;

/* Caps, in characters or items (documented in README.md). */
#define DIR_ENT_NAME_MAX 120
#define DIR_ENT_HEADLINE_MAX 200
#define DIR_ENT_TRADES_MAX 20
#define DIR_ENT_SKILLS_MAX 50
#define DIR_ENT_SKILL_MAX 100
#define DIR_ENT_QUALIFICATIONS_MAX 30
#define DIR_ENT_REFERENCES_MAX 50
#define DIR_ENT_ZONES_MAX 50
#define DIR_ENT_RADIUS_DEFAULT 30

/* dir_ent_create: create from in, or update the entrepreneur with the
 * same (cooperative, external_id); *created says which. The cooperative
 * is named by cooperative_id or cooperative_external_id. out may be NULL
 * when the caller does not want the document back (bulk import). */
enum rc dir_ent_create(struct db *db, const struct viewer *v, json_t *in,
                       json_t *errs, int *created, json_t **out);

/* A validated entrepreneur, ready to be written: dir_ent_create in two
 * steps, so that a bulk import can validate on one thread (and its own
 * connection) while another writes. */
struct dir_ent_prep {
    long long coop;            /* its cooperative */
    json_t *doc;               /* the clean document, owned */
    char *text;                /* the document as stored, owned */
    struct search_entry entry; /* its full-text index entry, analyzed */
};

/* dir_ent_prepare: validate in (reads only) and analyze it with an (this
 * thread's analyzer) into *out, to write with dir_ent_store() and release
 * with dir_ent_prep_free(). */
struct search_text;
enum rc dir_ent_prepare(struct db *db, struct search_text *an, json_t *in,
                        json_t *errs, struct dir_ent_prep *out);

/* dir_ent_prepare_placed: the same; resolve 0: in names no cooperative
 * (a peer's profile), the caller sets out->coop before storing. Reads
 * nothing that a write of the caller's may change: it can run on another
 * connection while the caller's transaction is open. */
enum rc dir_ent_prepare_placed(struct db *db, struct search_text *an,
                               json_t *in, int resolve, json_t *errs,
                               struct dir_ent_prep *out);

/* dir_ent_store: write a prepared entrepreneur (created, or the one with
 * its cooperative and external_id updated); p stays the caller's. */
enum rc dir_ent_store(struct db *db, const struct viewer *v,
                      struct dir_ent_prep *p, json_t *errs, int *created);

void dir_ent_prep_free(struct dir_ent_prep *p);

/* dir_ent_get: the entrepreneur id as v may see it; RC_NOTFOUND when it
 * does not exist or v may not see it (the two are not told apart). */
enum rc dir_ent_get(struct db *db, const struct viewer *v, const char *id,
                    json_t **out);

/* dir_ent_patch: apply a merge patch (top-level keys replace, null
 * removes) and validate the result as a whole. */
enum rc dir_ent_patch(struct db *db, const struct viewer *v, const char *id,
                      json_t *patch, json_t *errs, json_t **out);

/* dir_ent_delete: delete the entrepreneur and its index entry. */
enum rc dir_ent_delete(struct db *db, const struct viewer *v, const char *id);

/* dir_ent_list: {total, results, next_cursor} of the profiles v may see,
 * optionally of one cooperative (id string, or NULL), by id. */
enum rc dir_ent_list(struct db *db, const struct viewer *v,
                     const char *cooperative, int limit, const char *cursor,
                     json_t *errs, json_t **out);

/* dir_ent_reindex: rebuild the full-text index of every entrepreneur in
 * one transaction; *count is the number indexed. */
enum rc dir_ent_reindex(struct db *db, long *count);

#endif
