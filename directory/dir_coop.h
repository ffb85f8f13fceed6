/*
 * dir_coop.h: cooperatives: validation, storage, the JSON the API shows.
 *
 * A cooperative: {id, external_id, name, kind (cae, scop, scic,
 * network), siret, sites[] ({insee|postcode|city|lat,lon, label} resolved
 * to {insee, postcode, city, departement, lat, lon, label}), website,
 * email, phone, description, created_at, updated_at}. Every write is
 * validated whole and done in one transaction; a refused write changes
 * nothing. Writes are allowed as util/viewer.h says (RC_FORBIDDEN else)
 * and recorded in the audit log. Returned documents are new references.
 * Thread-safe given one struct db per thread.
 */
#ifndef ESSAIM_DIR_COOP_H
#define ESSAIM_DIR_COOP_H

#include <jansson.h>

#include "../store/db.h"

/* Caps on field lengths, in characters (documented in README.md). */
#define DIR_COOP_NAME_MAX 200
#define DIR_EXTERNAL_ID_MAX 100
#define DIR_DESCRIPTION_MAX 5000

/* dir_coop_create: create a cooperative from in, or update the one with
 * the same external_id (*created says which). RC_INVALID with errs. out
 * may be NULL when the document is not wanted back. */
struct viewer;
enum rc dir_coop_create(struct db *db, const struct viewer *v, json_t *in,
                        json_t *errs, int *created, json_t **out);

/* dir_coop_get: the cooperative with this id (string); RC_NOTFOUND. */
enum rc dir_coop_get(struct db *db, const char *id, json_t **out);

/* dir_coop_patch: apply a merge patch (top-level keys replace, null
 * removes) and validate the result as a whole. */
enum rc dir_coop_patch(struct db *db, const struct viewer *v, const char *id,
                       json_t *patch, json_t *errs, json_t **out);

/* dir_coop_list: {total, results, next_cursor} by id. */
enum rc dir_coop_list(struct db *db, int limit, const char *cursor,
                      json_t *errs, json_t **out);

/* dir_coop_siret_ok: 14 digits passing the Luhn check; La Poste's
 * establishments (SIREN 356000000, but its head office 35600000000048)
 * follow their own rule: the digits add up to a multiple of 5. */
int dir_coop_siret_ok(const char *siret);

#endif
