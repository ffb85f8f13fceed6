/*
 * api_offer.c: offers, the catalogue items of entrepreneurs and groups
 * (offer/offer.h), and their photos.
 */
#include <civetweb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../offer/offer.h"
#include "../util/buf.h"
#include "api.h"

static void add_err(json_t *errs, const char *field, const char *msg)
{
    json_array_append_new(errs, json_pack("{s:s, s:s}", "field", field,
                                          "message", msg));
}

/* create: POST an offer for the owner in the path. */
static void create(struct req *r, enum offer_owner_kind kind)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK)
        rc = offer_create(r->db, srv_viewer(r), kind, r->param[0], in, errs,
                          &out);
    json_decref(in);
    srv_reply(r, rc, 201, out, errs);
}

/* POST /api/v1/entrepreneurs/{id}/offers {title, description, trades,
 * price, delivered_by, status} -> 201 the offer | 400 | 401 | 403 | 404
 * (no such profile, or one the caller may not see) | 413 | 415 */
void api_offer_create_ent(struct req *r)
{
    create(r, OFFER_BY_ENTREPRENEUR);
}

/* POST /api/v1/groups/{id}/offers {title, description, trades, price,
 * delivered_by, status} -> 201 the offer | 400 (owner: a tender team) |
 * 401 | 403 (not an admin of the group) | 404 | 413 | 415 */
void api_offer_create_group(struct req *r)
{
    create(r, OFFER_BY_GROUP);
}

/* list: GET the offers of the owner in the path. */
static void list(struct req *r, enum offer_owner_kind kind)
{
    json_t *errs = json_array(), *out = NULL;
    char cursor[32], status[16];
    int limit = srv_query_page(r, errs, cursor, sizeof cursor);
    enum rc rc = RC_INVALID;

    if (limit > 0 && srv_query(r, "status", status, sizeof status, errs) >= 0)
        rc = offer_list(r->db, srv_viewer(r), kind, r->param[0], status,
                        limit, cursor, errs, &out);
    srv_reply(r, rc, 200, out, errs);
}

/* GET /api/v1/entrepreneurs/{id}/offers?status=active|retired|all&limit=
 * &cursor= -> 200 {total, results, next_cursor} | 400 | 401 | 403
 * (status other than active, not an editor) | 404 */
void api_offer_list_ent(struct req *r)
{
    list(r, OFFER_BY_ENTREPRENEUR);
}

/* GET /api/v1/groups/{id}/offers?status=active|retired|all&limit=
 * &cursor= -> 200 {total, results, next_cursor} | 400 | 401 | 403 |
 * 404 */
void api_offer_list_group(struct req *r)
{
    list(r, OFFER_BY_GROUP);
}

/* GET /api/v1/offers/{id} -> 200 the offer | 404 (also: retired, for
 * all but its editors) */
void api_offer_get(struct req *r)
{
    json_t *out = NULL;
    enum rc rc = offer_get(r->db, srv_viewer(r), r->param[0], &out);

    srv_reply(r, rc, 200, out, NULL);
}

/* PATCH /api/v1/offers/{id} {title, description, trades, price,
 * delivered_by, status} (a merge patch) -> 200 the offer | 400 | 401 |
 * 403 | 404 | 413 | 415 */
void api_offer_patch(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = srv_body_json(r, errs, &in);

    if (rc == RC_OK)
        rc = offer_patch(r->db, srv_viewer(r), r->param[0], in, errs, &out);
    json_decref(in);
    srv_reply(r, rc, 200, out, errs);
}

/* DELETE /api/v1/offers/{id} -> 200 the offer, retired | 401 | 403 |
 * 404 */
void api_offer_delete(struct req *r)
{
    json_t *out = NULL;
    enum rc rc = offer_retire(r->db, srv_viewer(r), r->param[0], &out);

    srv_reply(r, rc, 200, out, NULL);
}

/* body_photo: the request body, up to OFFER_PHOTO_MAX_BYTES (413
 * beyond, without reading it when Content-Length says so). */
static enum rc body_photo(struct req *r, json_t *errs, struct buf *b)
{
    long long cl = r->ri->content_length;
    char chunk[16384], msg[96];
    int n;

    snprintf(msg, sizeof msg, "a photo is at most %d bytes (2 MiB)",
             OFFER_PHOTO_MAX_BYTES);
    if (cl > OFFER_PHOTO_MAX_BYTES) {
        add_err(errs, "body", msg);
        return RC_TOOBIG;
    }
    while ((n = mg_read(r->conn, chunk, sizeof chunk)) > 0) {
        if (b->len + (size_t)n > (size_t)OFFER_PHOTO_MAX_BYTES) {
            add_err(errs, "body", msg);
            return RC_TOOBIG;
        }
        buf_add(b, chunk, (size_t)n);
    }
    return buf_oom(b) ? RC_NOMEM : RC_OK;
}

/* POST /api/v1/offers/{id}/photos, body the image (Content-Type
 * image/jpeg, image/png or image/webp, matching its bytes; at most 2
 * MiB) -> 201 {id, type, width, height, size, url} (Location: url) | 400
 * (empty) | 401 | 403 | 404 | 409 (six photos already) | 413 | 415 */
void api_offer_photo_add(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    const char *ctype = srv_header(r, "Content-Type");
    struct buf b = {0};
    enum rc rc = offer_can_edit(r->db, srv_viewer(r), r->param[0]);

    if (rc == RC_OK && !offer_media_type(ctype)) {
        add_err(errs, "Content-Type",
                "must be image/jpeg, image/png or image/webp");
        rc = RC_UNSUPPORTED;
    }
    if (rc == RC_OK) rc = body_photo(r, errs, &b);
    if (rc == RC_OK)
        rc = offer_photo_add(r->db, srv_viewer(r), r->param[0], ctype, b.p,
                             b.len, errs, &out);
    if (rc == RC_OK)
        srv_add_header(r, "Location: %s",
                       json_string_value(json_object_get(out, "url")));
    buf_free(&b);
    if (rc == RC_UNSUPPORTED) {
        srv_reply_problem(r, 415, "the body must be a JPEG, PNG or WebP"
                                  " image, sent as its type",
                          errs);
        return;
    }
    srv_reply(r, rc, 201, out, errs);
}

/* GET /api/v1/offers/{id}/photos/{photo_id} -> 200 the image, with its
 * type, Content-Disposition: inline, a Content-Security-Policy that
 * allows nothing, and Cache-Control: public, max-age=86400 when the offer
 * is public (no-store else) | 404 */
void api_offer_photo_get(struct req *r)
{
    struct offer_photo *p = NULL;
    enum rc rc = offer_photo_get(r->db, srv_viewer(r), r->param[0],
                                 r->param[1], &p);

    if (rc != RC_OK) {
        srv_reply(r, rc, 200, NULL, NULL);
        return;
    }
    srv_reply_raw(r, 200, p->type, p->bytes, p->len,
                  p->is_public ? "Content-Disposition: inline\r\n"
                                 "Content-Security-Policy: default-src"
                                 " 'none'\r\n"
                                 "Cache-Control: public, max-age=86400\r\n"
                               : "Content-Disposition: inline\r\n"
                                 "Content-Security-Policy: default-src"
                                 " 'none'\r\n");
    offer_photo_free(p);
}

/* DELETE /api/v1/offers/{id}/photos/{photo_id} -> 204 | 401 | 403 |
 * 404 */
void api_offer_photo_delete(struct req *r)
{
    enum rc rc = offer_photo_delete(r->db, srv_viewer(r), r->param[0],
                                    r->param[1]);

    srv_reply(r, rc, 204, NULL, NULL);
}
