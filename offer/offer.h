/*
 * offer.h: offers, the catalogue items of an entrepreneur or of a group
 * (business_group, trade_group; a tender_team has none): what is sold,
 * its trades, a price range, who delivers it, and up to six photos.
 *
 * An offer as GET /offers/{id} answers it (README "Offers"):
 *
 *   {"id", "owner": {"kind": "entrepreneur"|"group", "id", "name", ...},
 *    "title", "description", "trades": [{code, scheme, label}],
 *    "price": {"min", "max", "unit"} or null,
 *    "delivered_by": [{"entrepreneur_id", "name" (null when v may not
 *                      see the profile), "cooperative_id", "cooperative"}],
 *    "photos": [{"id", "type", "width", "height", "size", "url"}],
 *    "status" (active, retired), "created_at", "updated_at",
 *    "retired_at", "can_edit"}
 *
 * Who may do what is decided in util/viewer.c (viewer_offer_access).
 * Every write checks its whole input before its first write (nothing is
 * written on a refusal) and takes a change number (db_next_seq) into
 * offer.seq. The search engine's triggers (store/db_schema.c, 8 -> 9)
 * see the writes to offer, offer_member and offer_trade, and its
 * precommit hook reindexes the offer and its group with fresh change
 * numbers (offer.seq, grp.seq: search/search_item.h). An offer is
 * retired, never deleted through the API; it goes with its owner (ON
 * DELETE CASCADE).
 *
 * Ownership: *out values are new references (or, for photos, a struct
 * to offer_photo_free). Thread-safe given one struct db per thread; the
 * pure functions are thread-safe.
 */
#ifndef ESSAIM_OFFER_H
#define ESSAIM_OFFER_H

#include <jansson.h>
#include <stddef.h>

#include "../store/db.h"

struct viewer;
struct check;

#define OFFER_TITLE_MAX 200        /* characters */
#define OFFER_DESCRIPTION_MAX 5000 /* characters, line breaks allowed */
#define OFFER_TRADES_MAX 20
#define OFFER_DELIVERED_MAX 100    /* as many as a group's members */
#define OFFER_PRICE_MAX 1e9        /* euros */
#define OFFER_PHOTOS_MAX 6         /* per offer */
#define OFFER_PHOTO_MAX_BYTES (2 * 1024 * 1024)
#define OFFER_PHOTO_MAX_SIDE 16384 /* pixels, when the header tells */

/* Who owns an offer. */
enum offer_owner_kind { OFFER_BY_ENTREPRENEUR = 0, OFFER_BY_GROUP };

/* ------------------------------------------------------------- pure */

/* offer_check_price: in[key], a price {min, max, unit}: unit one of hour,
 * day, package, required whenever a price is given; min and max optional
 * numbers from 0 to OFFER_PRICE_MAX with at most two decimals (cents),
 * min <= max when both are given. Copied to out[key] (whole amounts as
 * integers). Errors name the field ("price.unit"). 1 accepted, 0 absent
 * or null, -1 refused (as the check_* functions). */
int offer_check_price(const struct check *c, json_t *in, const char *key,
                      json_t *out);

/* offer_check_delivered_by: in[key], who delivers the offer: an array of
 * entrepreneur ids (a string, a positive integer, or an object with
 * "entrepreneur_id" as GET answers them). For an entrepreneur's offer
 * (owner != 0): absent means [owner], and only [owner] is accepted. For
 * a group's offer (owner 0): required, 1 to OFFER_DELIVERED_MAX ids,
 * none twice, each one of members[0..n) (the group's accepted members).
 * Copied to out[key] as an array of id strings. Errors name the item
 * ("delivered_by[1]"). 1 accepted, -1 refused. */
int offer_check_delivered_by(const struct check *c, json_t *in,
                             const char *key, long long owner,
                             const long long *members, size_t n,
                             json_t *out);

/* offer_check_content: offer_check without delivered_by: the fields of
 * the offer itself (title, description, trades, price, status; unknown
 * fields refused, the read-only fields of an answer ignored). For a
 * peer's offer (federation/fed_pull.c), checked before its owner and
 * deliverers are known here. Reads the trade vocabulary only. Returns
 * the number of errors added to c. */
size_t offer_check_content(struct db *db, const struct check *c, json_t *in,
                           json_t *out);

/* offer_check: the whole of an offer's input in into out (the document
 * as stored: title, description, trades, price, delivered_by, status):
 * unknown fields refused, the read-only fields of an answer (id, owner,
 * photos, created_at, updated_at, retired_at, can_edit) ignored. title
 * required; trades (search_trade_check: reads the vocabulary in db) at
 * least one; status active (default) or retired; owner and members as
 * offer_check_delivered_by. Returns the number of errors added to c. */
size_t offer_check(struct db *db, const struct check *c, json_t *in,
                   long long owner, const long long *members, size_t n,
                   json_t *out);

/* offer_image_type: the image type that the first bytes of p[0..n) show:
 * "image/jpeg" (FF D8 FF), "image/png" (the 8-byte PNG signature),
 * "image/webp" (RIFF....WEBP), or NULL for anything else (HTML, SVG,
 * GIF...). *width and *height are read from the header when it is
 * simple (PNG IHDR, the JPEG frame header, WebP VP8/VP8L/VP8X), else 0.
 * Static strings. */
const char *offer_image_type(const void *p, size_t n, int *width,
                             int *height);

/* offer_media_type: the accepted image type named by a Content-Type
 * header ("image/PNG; x=y" -> "image/png"), or NULL. Static strings. */
const char *offer_media_type(const char *content_type);

/* ----------------------------------------------------- the API routes */

/* offer_create: POST /entrepreneurs/{id}/offers (kind
 * OFFER_BY_ENTREPRENEUR) or /groups/{id}/offers (OFFER_BY_GROUP) as v:
 * {title, description, trades, price, delivered_by, status}.
 * RC_INVALID (errs) for bad input, naming "owner" for a tender team;
 * RC_NOTFOUND (no such owner, or a profile v may not see);
 * RC_UNAUTHORIZED / RC_FORBIDDEN. *out: the offer. */
enum rc offer_create(struct db *db, const struct viewer *v,
                     enum offer_owner_kind kind, const char *owner_id,
                     json_t *in, json_t *errs, json_t **out);

/* offer_get: GET /offers/{id} as v may see it. RC_NOTFOUND also when v
 * may not see it (a retired offer, for all but its editors). */
enum rc offer_get(struct db *db, const struct viewer *v, const char *id,
                  json_t **out);

/* offer_patch: PATCH /offers/{id}, a merge patch of title, description,
 * trades, price, delivered_by, status, checked whole. Members named by
 * the patch's delivered_by must be accepted members of the group now; a
 * patch without it keeps the members who are still accepted (and is
 * refused naming delivered_by when none is). status: retired retires,
 * active puts back. */
enum rc offer_patch(struct db *db, const struct viewer *v, const char *id,
                    json_t *patch, json_t *errs, json_t **out);

/* offer_retire: DELETE /offers/{id}: status retired, retired_at set; the
 * offer is kept (its editors read it and may put it back). Retiring a
 * retired offer changes nothing. *out: the offer. */
enum rc offer_retire(struct db *db, const struct viewer *v, const char *id,
                     json_t **out);

/* offer_list: GET /entrepreneurs/{id}/offers, /groups/{id}/offers:
 * {total, results: [offer], next_cursor}, by id, after the id cursor.
 * status: "active" (NULL or "": the default), "retired" or "all"; other
 * than active only for the owner's editors (RC_FORBIDDEN). RC_NOTFOUND
 * for no such owner or a profile v may not see; a tender team's (which
 * has no offers) as GET /groups/{id}. */
enum rc offer_list(struct db *db, const struct viewer *v,
                   enum offer_owner_kind kind, const char *owner_id,
                   const char *status, int limit, const char *cursor,
                   json_t *errs, json_t **out);

/* offer_can_edit: RC_OK when v may change offer id (RC_UNAUTHORIZED,
 * RC_FORBIDDEN, RC_NOTFOUND else): for a handler to refuse before it
 * reads a photo. The writes check again. */
enum rc offer_can_edit(struct db *db, const struct viewer *v,
                       const char *id);

/* offer_photo_add: POST /offers/{id}/photos: bytes[0..len) of the type
 * named by the Content-Type ctype. RC_UNSUPPORTED (errs naming
 * Content-Type or body) when ctype is not image/jpeg, image/png or
 * image/webp, or the bytes are not an image of that type; RC_TOOBIG over
 * OFFER_PHOTO_MAX_BYTES; RC_INVALID when empty or larger than
 * OFFER_PHOTO_MAX_SIDE pixels; RC_CONFLICT (naming photos) when the
 * offer has OFFER_PHOTOS_MAX. *out: the photo {id, type, width, height,
 * size, url}. */
enum rc offer_photo_add(struct db *db, const struct viewer *v,
                        const char *id, const char *ctype, const void *bytes,
                        size_t len, json_t *errs, json_t **out);

/* A photo to serve. */
struct offer_photo {
    char type[16];    /* image/jpeg, image/png, image/webp */
    void *bytes;      /* owned */
    size_t len;
    int is_public;    /* anyone may see it (an active offer that an
                         anonymous viewer may read): cacheable */
};

/* offer_photo_get: GET /offers/{id}/photos/{photo_id} as v may see it.
 * *out to release with offer_photo_free. RC_NOTFOUND. */
enum rc offer_photo_get(struct db *db, const struct viewer *v,
                        const char *id, const char *photo_id,
                        struct offer_photo **out);

void offer_photo_free(struct offer_photo *p);

/* offer_photo_delete: DELETE /offers/{id}/photos/{photo_id}. */
enum rc offer_photo_delete(struct db *db, const struct viewer *v,
                           const char *id, const char *photo_id);

/* ------------------------------------------- a peer's (federation) */

/* offer_remote_store: keep peer's offer remote_id (its id at the peer),
 * read-only here: clean as offer_check_content made it, owned by the
 * local copy owner of the peer's entrepreneur (by_group 0) or group,
 * delivered by ents[0..n) (local copies; a group's accepted members),
 * with a change number and its trades; created or updated (*created).
 * It is never passed on in our feed, and the API refuses to change it
 * (403). In the caller's transaction. */
enum rc offer_remote_store(struct db *db, long long peer,
                           const char *remote_id, int by_group,
                           long long owner, json_t *clean,
                           const long long *ents, size_t n, int *created);

/* offer_remote_drop: forget peer's offer remote_id (*dropped 1 when it
 * was here). */
enum rc offer_remote_drop(struct db *db, long long peer,
                          const char *remote_id, int *dropped);

#endif
