/*
 * api_dir.c: cooperatives and entrepreneurs.
 */
#include "../directory/dir_coop.h"
#include "../directory/dir_ent.h"
#include "api.h"

/* GET /api/v1/cooperatives?limit=&cursor= -> 200 {total, results,
 * next_cursor} | 400 */
void api_coop_list(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    char cursor[32];
    int limit = srv_query_page(r, errs, cursor, sizeof cursor);
    enum rc rc = RC_INVALID;

    if (limit > 0)
        rc = dir_coop_list(r->db, limit, cursor, errs, &out);
    srv_reply(r, rc, 200, out, errs);
}

/* POST /api/v1/cooperatives {cooperative} -> 201 created | 200 replaced
 * (same external_id: the record becomes this document) | 400 | 413 | 415 */
void api_coop_create(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    int created = 0;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK) rc = dir_coop_create(r->db, srv_viewer(r), in, errs, &created, &out);
    json_decref(in);
    srv_reply(r, rc, created ? 201 : 200, out, errs);
}

/* GET /api/v1/cooperatives/{id} -> 200 | 404 */
void api_coop_get(struct req *r)
{
    json_t *out = NULL;
    enum rc rc = dir_coop_get(r->db, r->param[0], &out);

    srv_reply(r, rc, 200, out, NULL);
}

/* PATCH /api/v1/cooperatives/{id} {fields} -> 200 | 400 | 404 | 409
 * (external_id taken) | 413 | 415 */
void api_coop_patch(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK) rc = dir_coop_patch(r->db, srv_viewer(r), r->param[0], in, errs, &out);
    json_decref(in);
    srv_reply(r, rc, 200, out, errs);
}

/* GET /api/v1/entrepreneurs?cooperative=&limit=&cursor= -> 200 {total,
 * results, next_cursor}: the profiles the caller may see | 400 */
void api_ent_list(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    char cursor[32], coop[32];
    int limit = srv_query_page(r, errs, cursor, sizeof cursor);
    enum rc rc = RC_INVALID;

    if (srv_query(r, "cooperative", coop, sizeof coop, errs) >= 0 &&
        limit > 0)
        rc = dir_ent_list(r->db, srv_viewer(r), coop, limit, cursor, errs,
                          &out);
    srv_reply(r, rc, 200, out, errs);
}

/* POST /api/v1/entrepreneurs {entrepreneur} -> 201 created | 200 replaced
 * (same cooperative and external_id: the record becomes this document) |
 * 400 | 413 | 415 */
void api_ent_create(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    int created = 0;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK) rc = dir_ent_create(r->db, srv_viewer(r), in, errs, &created, &out);
    json_decref(in);
    srv_reply(r, rc, created ? 201 : 200, out, errs);
}

/* GET /api/v1/entrepreneurs/{id} -> 200 | 404 (also when the caller may
 * not see it) */
void api_ent_get(struct req *r)
{
    json_t *out = NULL;
    enum rc rc = dir_ent_get(r->db, srv_viewer(r), r->param[0], &out);

    srv_reply(r, rc, 200, out, NULL);
}

/* PATCH /api/v1/entrepreneurs/{id} {fields} -> 200 | 400 | 404 | 409
 * (external_id taken) | 413 | 415 */
void api_ent_patch(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK) rc = dir_ent_patch(r->db, srv_viewer(r), r->param[0], in, errs, &out);
    json_decref(in);
    srv_reply(r, rc, 200, out, errs);
}

/* DELETE /api/v1/entrepreneurs/{id} -> 204 | 404 */
void api_ent_delete(struct req *r)
{
    enum rc rc = dir_ent_delete(r->db, srv_viewer(r), r->param[0]);

    srv_reply(r, rc, 204, NULL, NULL);
}
