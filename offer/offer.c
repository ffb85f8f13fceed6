/*
 * offer.c: offers (see offer.h): validation, the image checks of photos,
 * who delivers an offer, the shapes the API answers, and the writes with
 * their change numbers. The SQL is in offer_db.c; who may do what, in
 * util/viewer.c.
 */
#include "offer.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../directory/dir_audit.h"
#include "../group/group.h"
#include "../search/search_trade.h"
#include "../util/check.h"
#include "../util/ids.h"
#include "../util/log.h"
#include "../util/viewer.h"
#include "offer_db.h"

static const char *const units[] = {"hour", "day", "package", NULL};
static const char *const statuses[] = {"active", "retired", NULL};

/* ================================================================ pure */

/* amount: in[key], an amount in euros: 0 to OFFER_PRICE_MAX, at most two
 * decimals; copied to out[key] (an integer when whole), *value set. As
 * the check_* functions. */
static int amount(const struct check *c, json_t *in, const char *key,
                  json_t *out, double *value)
{
    json_t *v = json_object_get(in, key);
    double x;
    long long cents;

    if (!v || json_is_null(v)) return 0;
    x = json_is_number(v) ? json_number_value(v) : NAN;
    if (!isfinite(x) || x < 0 || x > OFFER_PRICE_MAX) {
        check_fail(c, key, "must be an amount in euros from 0 to %.0f",
                   OFFER_PRICE_MAX);
        return -1;
    }
    cents = llround(x * 100);
    if (fabs(x * 100 - (double)cents) > 1e-6) {
        check_fail(c, key, "must have at most two decimals (cents)");
        return -1;
    }
    *value = (double)cents / 100;
    json_object_set_new(out, key,
                        cents % 100 ? json_real((double)cents / 100)
                                    : json_integer(cents / 100));
    return 1;
}

int offer_check_price(const struct check *c, json_t *in, const char *key,
                      json_t *out)
{
    static const char *const known[] = {"min", "max", "unit", NULL};
    json_t *v = json_object_get(in, key), *p;
    struct check sub;
    char name[64];
    double lo = 0, hi = 0;
    int rmin, rmax, runit, bad;

    if (!v || json_is_null(v)) return 0;
    if (!json_is_object(v)) {
        check_fail(c, key,
                   "must be an object {min, max, unit} (unit: hour, day or"
                   " package)");
        return -1;
    }
    p = json_object();
    if (!p) return -1;
    sub = check_nested(c, key, -1, name, sizeof name);
    bad = check_unknown(&sub, v, known) > 0;
    rmin = amount(&sub, v, "min", p, &lo);
    rmax = amount(&sub, v, "max", p, &hi);
    runit = check_enum(&sub, v, "unit", units, CHECK_REQUIRED, p);
    bad |= rmin < 0 || rmax < 0 || runit < 0;
    if (!bad && rmin > 0 && rmax > 0 && lo > hi) {
        check_fail(&sub, "min", "must not be above max (%.2f > %.2f)", lo,
                   hi);
        bad = 1;
    }
    if (bad) {
        json_decref(p);
        return -1;
    }
    json_object_set_new(out, key, p);
    return 1;
}

/* item_id: an item of delivered_by: an id, or {entrepreneur_id, ...} as
 * answered. 1 and *id, or 0 after an error on sub. */
static int item_id(const struct check *sub, json_t *item, long long *id)
{
    static const char *const known[] = {"entrepreneur_id", "name",
                                        "cooperative_id", "cooperative",
                                        NULL};

    if (json_is_object(item)) {
        if (check_unknown(sub, item, known)) return 0;
        item = json_object_get(item, "entrepreneur_id");
    }
    if (!ids_parse_json(item, id)) {
        check_fail(sub, NULL, "must be an entrepreneur id");
        return 0;
    }
    return 1;
}

int offer_check_delivered_by(const struct check *c, json_t *in,
                             const char *key, long long owner,
                             const long long *members, size_t n,
                             json_t *out)
{
    json_t *v = json_object_get(in, key), *arr, *item;
    long long *seen;
    size_t i, j, k = 0;
    int bad = 0;

    if (owner) {
        long long id = 0;

        if (!v || json_is_null(v)) {
            json_object_set_new(out, key, json_pack("[o]", ids_json(owner)));
            return 1;
        }
        if (json_is_array(v) && json_array_size(v) == 1) {
            char name[64];
            struct check sub = check_nested(c, key, 0, name, sizeof name);

            if (!item_id(&sub, json_array_get(v, 0), &id)) return -1;
        }
        if (id != owner) {
            check_fail(c, key,
                       "an entrepreneur's offer is delivered by that"
                       " entrepreneur alone: [\"%lld\"] (offers delivered"
                       " by several are a group's)",
                       owner);
            return -1;
        }
        json_object_set_new(out, key, json_pack("[o]", ids_json(owner)));
        return 1;
    }
    if (!v || json_is_null(v)) {
        check_fail(c, key,
                   "is required: the accepted members of the group who"
                   " deliver this offer (at least one)");
        return -1;
    }
    if (!json_is_array(v) || json_array_size(v) == 0 ||
        json_array_size(v) > OFFER_DELIVERED_MAX) {
        check_fail(c, key,
                   "must be an array of 1 to %d entrepreneur ids, accepted"
                   " members of the group",
                   OFFER_DELIVERED_MAX);
        return -1;
    }
    arr = json_array();
    seen = malloc(json_array_size(v) * sizeof *seen);
    if (!arr || !seen) {
        json_decref(arr);
        free(seen);
        return -1;
    }
    json_array_foreach(v, i, item) {
        char name[64];
        struct check sub = check_nested(c, key, (int)i, name, sizeof name);
        long long id = 0;

        if (!item_id(&sub, item, &id)) {
            bad = 1;
            continue;
        }
        for (j = 0; j < k && seen[j] != id; j++) continue;
        if (j < k) {
            check_fail(&sub, NULL, "is listed twice");
            bad = 1;
            continue;
        }
        seen[k++] = id;
        for (j = 0; j < n && members[j] != id; j++) continue;
        if (j == n) {
            check_fail(&sub, NULL,
                       "entrepreneur %lld is not an accepted member of the"
                       " group",
                       id);
            bad = 1;
            continue;
        }
        json_array_append_new(arr, ids_json(id));
    }
    free(seen);
    if (bad) {
        json_decref(arr);
        return -1;
    }
    json_object_set_new(out, key, arr);
    return 1;
}

size_t offer_check_content(struct db *db, const struct check *c, json_t *in,
                           json_t *out)
{
    /* The fields of an answer that a client may send back unchanged. */
    static const char *const known[] = {
        "title",  "description", "trades",     "price",      "delivered_by",
        "status", "id",          "owner",      "photos",     "created_at",
        "updated_at", "retired_at", "can_edit", NULL};
    size_t before = check_failed(c);
    int r;

    check_unknown(c, in, known);
    check_string(c, in, "title", OFFER_TITLE_MAX, CHECK_REQUIRED, out);
    check_string(c, in, "description", OFFER_DESCRIPTION_MAX,
                 CHECK_MULTILINE, out);
    r = search_trade_check(db, c, in, "trades", OFFER_TRADES_MAX, out);
    if (r == 0)
        check_fail(c, "trades",
                   "is required: at least one trade {code, scheme}");
    else if (r > 0 && json_array_size(json_object_get(out, "trades")) == 0)
        check_fail(c, "trades", "must hold at least one trade");
    offer_check_price(c, in, "price", out);
    if (check_enum(c, in, "status", statuses, 0, out) == 0)
        json_object_set_new(out, "status", json_string("active"));
    return check_failed(c) - before;
}

size_t offer_check(struct db *db, const struct check *c, json_t *in,
                   long long owner, const long long *members, size_t n,
                   json_t *out)
{
    size_t before = check_failed(c);

    offer_check_content(db, c, in, out);
    offer_check_delivered_by(c, in, "delivered_by", owner, members, n, out);
    return check_failed(c) - before;
}

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
           (unsigned long)p[2] << 8 | p[3];
}

static unsigned long le24(const unsigned char *p)
{
    return (unsigned long)p[2] << 16 | (unsigned long)p[1] << 8 | p[0];
}

/* jpeg_size: the size in the frame header (SOFn), read marker by marker
 * up to the first scan. */
static void jpeg_size(const unsigned char *p, size_t n, int *w, int *h)
{
    size_t i = 2;

    while (i < n) {
        unsigned m;
        size_t len;

        if (p[i] != 0xFF) return; /* not at a marker: give up */
        while (i < n && p[i] == 0xFF) i++; /* fill bytes */
        if (i >= n) return;
        m = p[i++];
        if (m == 0x01 || m == 0xD8 || (m >= 0xD0 && m <= 0xD7)) continue;
        if (m == 0xD9 || m == 0xDA) return; /* the end, or a scan */
        if (i + 2 > n) return;
        len = be16(p + i);
        if (len < 2) return;
        /* SOF0..SOF15, less DHT (C4), JPG (C8) and DAC (CC): length,
         * precision, height, width. */
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (len < 7 || i + 7 > n) return;
            *h = (int)be16(p + i + 3);
            *w = (int)be16(p + i + 5);
            if (!*w || !*h) *w = *h = 0; /* height given later (DNL) */
            return;
        }
        i += len;
    }
}

/* webp_size: the size in the first chunk: VP8 (lossy), VP8L (lossless)
 * or VP8X (extended). */
static void webp_size(const unsigned char *p, size_t n, int *w, int *h)
{
    if (n >= 30 && !memcmp(p + 12, "VP8 ", 4) && p[23] == 0x9d &&
        p[24] == 0x01 && p[25] == 0x2a) {
        *w = (int)((p[26] | (unsigned)p[27] << 8) & 0x3fff);
        *h = (int)((p[28] | (unsigned)p[29] << 8) & 0x3fff);
    } else if (n >= 25 && !memcmp(p + 12, "VP8L", 4) && p[20] == 0x2f) {
        unsigned long b = (unsigned long)p[21] |
                          (unsigned long)p[22] << 8 |
                          (unsigned long)p[23] << 16 |
                          (unsigned long)p[24] << 24;

        *w = (int)(b & 0x3fff) + 1;
        *h = (int)((b >> 14) & 0x3fff) + 1;
    } else if (n >= 30 && !memcmp(p + 12, "VP8X", 4)) {
        *w = (int)le24(p + 24) + 1;
        *h = (int)le24(p + 27) + 1;
    }
    if (!*w || !*h) *w = *h = 0;
}

const char *offer_image_type(const void *data, size_t n, int *width,
                             int *height)
{
    static const unsigned char png[8] = {0x89, 'P',  'N',  'G',
                                         '\r', '\n', 0x1a, '\n'};
    const unsigned char *p = data;

    *width = *height = 0;
    if (!p) return NULL;
    if (n >= 8 && !memcmp(p, png, 8)) {
        if (n >= 24 && !memcmp(p + 12, "IHDR", 4)) {
            unsigned long w = be32(p + 16), h = be32(p + 20);

            if (w && h && w <= INT_MAX && h <= INT_MAX) {
                *width = (int)w;
                *height = (int)h;
            }
        }
        return "image/png";
    }
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
        jpeg_size(p, n, width, height);
        return "image/jpeg";
    }
    if (n >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4)) {
        webp_size(p, n, width, height);
        return "image/webp";
    }
    return NULL;
}

const char *offer_media_type(const char *ct)
{
    static const char *const types[] = {"image/jpeg", "image/png",
                                        "image/webp", NULL};
    const char *const *t;
    size_t n;

    if (!ct) return NULL;
    while (*ct == ' ' || *ct == '\t') ct++;
    n = strcspn(ct, "; \t");
    for (t = types; *t; t++)
        if (strlen(*t) == n && !strncasecmp(ct, *t, n)) return *t;
    return NULL;
}

/* ============================================================== owners */

/* The owner of an offer, loaded. */
struct owner {
    int by_group;
    struct dir_person p; /* an entrepreneur owner */
    struct offer_group g;  /* a group owner (owns its members) */
};

static void owner_free(struct owner *w)
{
    offer_group_free(&w->g);
}

static int is(const char *a, const char *b)
{
    return !strcmp(a, b);
}

/* owner_load: the owner into w (zeroed; owner_free even on failure).
 * A profile of this instance only: offers are made for them; a peer's
 * offer is loaded with owner_load_any. */
static enum rc owner_load(struct db *db, int by_group, long long id,
                          struct owner *w)
{
    memset(w, 0, sizeof *w);
    w->by_group = by_group;
    return by_group ? offer_db_group(db, id, &w->g)
                    : dir_person_get(db, id, &w->p);
}

/* owner_load_any: the same, the owner a peer's copy too (remote 1). */
static enum rc owner_load_any(struct db *db, int by_group, long long id,
                              int remote, struct owner *w)
{
    if (!remote || by_group) return owner_load(db, by_group, id, w);
    memset(w, 0, sizeof *w);
    return offer_db_person(db, id, &w->p);
}

static long long owner_key(const struct owner *w)
{
    return w->by_group ? w->g.id : w->p.id;
}

static int sees(const struct viewer *v, const struct dir_person *p)
{
    return viewer_can_see(v, p->visibility, p->cooperative_id, p->id);
}

/* group_access: what v may do with group g (the facts for
 * viewer_group_access, gathered as group.c does). */
static enum rc group_access(const struct viewer *v,
                            const struct offer_group *g,
                            enum viewer_group_access *a)
{
    long long *coops = malloc((g->nm ? g->nm : 1) * sizeof *coops);
    struct viewer_group f;
    size_t i;

    *a = VIEWER_GROUP_NONE;
    if (!coops) return RC_NOMEM;
    memset(&f, 0, sizeof f);
    f.listed = g->kind != GROUP_TENDER_TEAM;
    for (i = 0; i < g->nm; i++) {
        const struct offer_member *m = &g->m[i];

        coops[i] = m->p.cooperative_id;
        if (v->role == VIEWER_ENTREPRENEUR && v->entrepreneur_id &&
            v->entrepreneur_id == m->p.id) {
            f.member = 1;
            f.group_admin = is(m->status, "accepted") && is(m->role, "admin");
        }
        if (is(m->status, "accepted") && sees(v, &m->p)) f.visible_members++;
    }
    f.coops = coops;
    f.ncoops = g->nm;
    *a = viewer_group_access(v, &f);
    free(coops);
    return RC_OK;
}

/* access: what v may do with an offer of w (retired or not). */
static enum rc access(const struct viewer *v, const struct owner *w,
                      int retired, enum viewer_offer_access *a)
{
    struct viewer_offer f;
    enum rc rc = RC_OK;

    memset(&f, 0, sizeof f);
    f.by_group = w->by_group;
    f.retired = retired;
    if (w->by_group) {
        f.listed = w->g.kind != GROUP_TENDER_TEAM;
        rc = group_access(v, &w->g, &f.group);
    } else {
        f.visibility = w->p.visibility;
        f.cooperative_id = w->p.cooperative_id;
        f.entrepreneur_id = w->p.id;
    }
    *a = rc == RC_OK ? viewer_offer_access(v, &f) : VIEWER_OFFER_NONE;
    return rc;
}

/* accepted: the ids of g's accepted members into ids (room for g->nm);
 * their number. */
static size_t accepted(const struct offer_group *g, long long *ids)
{
    size_t i, n = 0;

    for (i = 0; i < g->nm; i++)
        if (is(g->m[i].status, "accepted")) ids[n++] = g->m[i].p.id;
    return n;
}

static const struct offer_member *accepted_member(const struct offer_group *g,
                                                  long long id)
{
    size_t i;

    for (i = 0; i < g->nm; i++)
        if (g->m[i].p.id == id && is(g->m[i].status, "accepted"))
            return &g->m[i];
    return NULL;
}

/* audit_coop: the cooperative an offer's audit entry is filed under (an
 * entrepreneur's; none for a group's, which spans cooperatives). */
static long long audit_coop(const struct owner *w)
{
    return w->by_group ? 0 : w->p.cooperative_id;
}

static enum rc audit(struct db *db, const struct viewer *v,
                     const struct owner *w, long long id, const char *action)
{
    char target[48];

    snprintf(target, sizeof target, "offer:%lld", id);
    return dir_audit(db, v, audit_coop(w), action, target);
}

/* ============================================================== shapes */

/* person_json: an entrepreneur who delivers an offer: the name only when
 * v may see the profile, or named (v reads the whole group, which shows
 * its accepted members' names: group.c). */
static json_t *person_json(const struct viewer *v,
                           const struct dir_person *p, int named)
{
    return json_pack("{s:o, s:o, s:o, s:s}", "entrepreneur_id",
                     ids_json(p->id), "name",
                     named || sees(v, p) ? json_string(p->name)
                                         : json_null(),
                     "cooperative_id", ids_json(p->cooperative_id),
                     "cooperative", p->cooperative);
}

static json_t *owner_json(const struct viewer *v, const struct owner *w)
{
    if (w->by_group)
        return json_pack("{s:s, s:o, s:s, s:s, s:s}", "kind", "group", "id",
                         ids_json(w->g.id), "name", w->g.name, "slug",
                         w->g.slug, "group_kind",
                         group_kind_name((enum group_kind)w->g.kind));
    return json_pack("{s:s, s:o, s:o, s:o, s:s}", "kind", "entrepreneur",
                     "id", ids_json(w->p.id), "name",
                     sees(v, &w->p) ? json_string(w->p.name) : json_null(),
                     "cooperative_id", ids_json(w->p.cooperative_id),
                     "cooperative", w->p.cooperative);
}

/* delivered: who delivers o as v sees them: the owner, or the members
 * of the stored list who are still accepted members of the group. */
static json_t *delivered(const struct viewer *v, const struct offer_row *o,
                         const struct owner *w)
{
    enum viewer_group_access ga = VIEWER_GROUP_NONE;
    json_t *arr = json_array(), *x;
    size_t i;

    if (!arr) return NULL;
    if (!w->by_group) {
        json_array_append_new(arr, person_json(v, &w->p, 0));
        return arr;
    }
    if (group_access(v, &w->g, &ga) != RC_OK) {
        json_decref(arr);
        return NULL;
    }
    json_array_foreach(json_object_get(o->doc, "delivered_by"), i, x) {
        const struct offer_member *m;
        long long id = 0;

        if (!ids_parse_json(x, &id)) continue;
        m = accepted_member(&w->g, id);
        if (m)
            json_array_append_new(
                arr, person_json(v, &m->p, ga >= VIEWER_GROUP_READ));
    }
    return arr;
}

static json_t *photo_json(long long offer, const struct offer_photo_row *p)
{
    char url[96];

    snprintf(url, sizeof url, "/api/v1/offers/%lld/photos/%lld", offer,
             p->id);
    return json_pack("{s:o, s:s, s:o, s:o, s:I, s:s}", "id", ids_json(p->id),
                     "type", p->type, "width",
                     p->width ? json_integer(p->width) : json_null(),
                     "height",
                     p->height ? json_integer(p->height) : json_null(),
                     "size", (json_int_t)p->size, "url", url);
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* shape: offer o of owner w as v (with access a) sees it. */
static enum rc shape(struct db *db, const struct viewer *v,
                     const struct offer_row *o, const struct owner *w,
                     enum viewer_offer_access a, json_t **out)
{
    struct offer_photo_row *ph = NULL;
    json_t *photos = NULL, *doc = o->doc, *res;
    size_t i, nph = 0;
    enum rc rc;

    *out = NULL;
    rc = offer_db_photos(db, o->id, &ph, &nph);
    if (rc != RC_OK) return rc;
    photos = json_array();
    for (i = 0; photos && i < nph; i++)
        json_array_append_new(photos, photo_json(o->id, &ph[i]));
    free(ph);
    res = json_pack(
        "{s:o, s:o, s:O, s:O, s:O, s:O, s:o, s:o, s:s, s:s, s:s, s:o, s:b}",
        "id", ids_json(o->id), "owner", owner_json(v, w), "title",
        json_object_get(doc, "title"), "description",
        json_object_get(doc, "description")
            ? json_object_get(doc, "description")
            : json_null(),
        "trades",
        json_object_get(doc, "trades") ? json_object_get(doc, "trades")
                                       : json_null(),
        "price",
        json_object_get(doc, "price") ? json_object_get(doc, "price")
                                      : json_null(),
        "delivered_by", delivered(v, o, w), "photos", photos, "status",
        o->status, "created_at", o->created_at, "updated_at", o->updated_at,
        "retired_at", str_or_null(o->retired_at), "can_edit",
        a == VIEWER_OFFER_EDIT);
    /* A peer's offer: where it comes from, and when it was fetched (its
     * copy is written at each pull of a change). */
    if (res && o->peer_id) {
        json_object_set_new(res, "origin", json_string(o->origin));
        json_object_set_new(res, "fetched_at", json_string(o->updated_at));
    }
    *out = res;
    return res ? RC_OK : RC_NOMEM;
}

/* ============================================================== loading */

/* load: offer id, its owner and what v may do with it. On failure what
 * was loaded is released. */
static enum rc load(struct db *db, const struct viewer *v, long long id,
                    struct offer_row *o, struct owner *w,
                    enum viewer_offer_access *a)
{
    enum rc rc = offer_db_get(db, id, o);

    memset(w, 0, sizeof *w);
    *a = VIEWER_OFFER_NONE;
    if (rc == RC_OK)
        rc = owner_load_any(db, o->group_id != 0,
                            o->group_id ? o->group_id : o->entrepreneur_id,
                            o->peer_id != 0, w);
    if (rc == RC_NOTFOUND && o->id) {
        log_error("offer %lld: its owner is missing", id);
        rc = RC_INTERNAL;
    }
    if (rc == RC_OK) rc = access(v, w, is(o->status, "retired"), a);
    /* A peer's offer changes only by its pulls (federation/): read-only
     * here, whoever asks (a 403, as for a peer's profile). */
    if (rc == RC_OK && o->peer_id && *a == VIEWER_OFFER_EDIT)
        *a = VIEWER_OFFER_READ;
    if (rc != RC_OK) {
        offer_row_free(o);
        owner_free(w);
    }
    return rc;
}

/* may_edit: the answer to v without the right to edit (access a). */
static enum rc may_edit(const struct viewer *v, enum viewer_offer_access a)
{
    if (a == VIEWER_OFFER_EDIT) return RC_OK;
    if (a == VIEWER_OFFER_NONE) return RC_NOTFOUND;
    return v->role == VIEWER_ANONYMOUS ? RC_UNAUTHORIZED : RC_FORBIDDEN;
}

/* begin_edit: a write transaction with offer id loaded, when v may edit
 * it. On RC_OK the caller ends the transaction; on failure it is ended
 * here and nothing is left to release. */
static enum rc begin_edit(struct db *db, const struct viewer *v,
                          const char *id, struct offer_row *o,
                          struct owner *w, enum viewer_offer_access *a)
{
    long long n;
    enum rc rc;

    memset(o, 0, sizeof *o);
    memset(w, 0, sizeof *w);
    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    if (v->role == VIEWER_ANONYMOUS) return RC_UNAUTHORIZED;
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    rc = load(db, v, n, o, w, a);
    if (rc == RC_OK) rc = may_edit(v, *a);
    if (rc != RC_OK) {
        offer_row_free(o);
        owner_free(w);
        db_rollback(db);
    }
    return rc;
}

/* end: commit (rc RC_OK) or roll back; *out dropped on failure. */
static enum rc end(struct db *db, enum rc rc, json_t **out)
{
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc != RC_OK && out) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* ============================================================== writes */

/* stored_doc: the document stored in offer.doc from the checked clean
 * input: title, description, trades, price, delivered_by (status has
 * its column). New reference. */
static json_t *stored_doc(json_t *clean)
{
    static const char *const keys[] = {"title", "description", "trades",
                                       "price", "delivered_by", NULL};
    const char *const *k;
    json_t *doc = json_object();

    for (k = keys; doc && *k; k++)
        if (json_object_get(clean, *k))
            json_object_set(doc, *k, json_object_get(clean, *k));
    return doc;
}

/* new_seq: a change number for offer o. (Its group's grp.seq, and a
 * fresh offer.seq after an indexed change, come from the search engine's
 * precommit hook: search/search_item.h.) */
static enum rc new_seq(struct db *db, struct offer_row *o)
{
    return db_next_seq(db, &o->seq);
}

/* save: write clean (checked) as offer o (o->id 0: a new one) of owner
 * w, with its members and trades, a change number and an audit entry.
 * In the caller's transaction. */
static enum rc save(struct db *db, const struct viewer *v,
                    struct offer_row *o, const struct owner *w,
                    json_t *clean)
{
    json_t *doc = stored_doc(clean), *x;
    long long *ents = NULL;
    char *text = NULL;
    size_t i, n = 0;
    int creating = o->id == 0;
    enum rc rc = RC_NOMEM;

    if (!doc) goto out;
    text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(15));
    ents = malloc((json_array_size(json_object_get(doc, "delivered_by")) + 1) *
                  sizeof *ents);
    if (!text || !ents) goto out;
    json_array_foreach(json_object_get(doc, "delivered_by"), i, x)
        if (ids_parse_json(x, &ents[n])) n++;
    snprintf(o->status, sizeof o->status, "%s",
             json_string_value(json_object_get(clean, "status")));
    o->entrepreneur_id = w->by_group ? 0 : w->p.id;
    o->group_id = w->by_group ? w->g.id : 0;
    rc = new_seq(db, o);
    if (rc == RC_OK && creating)
        rc = offer_db_insert(db, o,
                             json_string_value(json_object_get(doc, "title")),
                             text, &o->id);
    else if (rc == RC_OK)
        rc = offer_db_update(db, o,
                             json_string_value(json_object_get(doc, "title")),
                             text);
    if (rc == RC_OK) rc = offer_db_set_members(db, o->id, ents, n);
    if (rc == RC_OK)
        rc = offer_db_set_trades(db, o->id, json_object_get(doc, "trades"));
    if (rc == RC_OK)
        rc = audit(db, v, w, o->id, creating ? "offer.create" : "offer.update");
out:
    json_decref(doc);
    free(text);
    free(ents);
    return rc;
}

/* reshape: offer id reloaded in the current transaction, as v sees it
 * after a write. */
static enum rc reshape(struct db *db, const struct viewer *v, long long id,
                       json_t **out)
{
    struct offer_row o;
    struct owner w;
    enum viewer_offer_access a;
    enum rc rc = load(db, v, id, &o, &w, &a);

    *out = NULL;
    if (rc != RC_OK) return rc;
    rc = shape(db, v, &o, &w, a, out);
    offer_row_free(&o);
    owner_free(&w);
    return rc;
}

enum rc offer_create(struct db *db, const struct viewer *v,
                     enum offer_owner_kind kind, const char *owner_id,
                     json_t *in, json_t *errs, json_t **out)
{
    struct check c = {errs, ""};
    struct offer_row o;
    struct owner w;
    enum viewer_offer_access a = VIEWER_OFFER_NONE;
    json_t *clean = NULL;
    long long id, *members = NULL;
    size_t n = 0;
    enum rc rc;

    *out = NULL;
    memset(&o, 0, sizeof o);
    memset(&w, 0, sizeof w);
    if (!ids_parse(owner_id, &id)) return RC_NOTFOUND;
    if (v->role == VIEWER_ANONYMOUS) return RC_UNAUTHORIZED;
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    rc = owner_load(db, kind == OFFER_BY_GROUP, id, &w);
    if (rc == RC_OK) rc = access(v, &w, 0, &a);
    if (rc == RC_OK && a != VIEWER_OFFER_EDIT)
        rc = a == VIEWER_OFFER_NONE && !w.by_group ? RC_NOTFOUND
                                                   : RC_FORBIDDEN;
    /* A peer's group takes offers only from its pulls. */
    if (rc == RC_OK && w.by_group && w.g.remote) rc = RC_FORBIDDEN;
    if (rc == RC_OK && w.by_group && w.g.kind == GROUP_TENDER_TEAM) {
        check_fail(&c, "owner",
                   "a tender team has no offers: offers belong to an"
                   " entrepreneur, a business group or a trade group");
        rc = RC_INVALID;
    }
    if (rc == RC_OK) {
        clean = json_object();
        members = malloc((w.g.nm + 1) * sizeof *members);
        if (!clean || !members) rc = RC_NOMEM;
    }
    if (rc == RC_OK) {
        if (w.by_group) n = accepted(&w.g, members);
        if (offer_check(db, &c, in, w.by_group ? 0 : w.p.id, members, n,
                        clean))
            rc = RC_INVALID;
    }
    if (rc == RC_OK) rc = save(db, v, &o, &w, clean);
    if (rc == RC_OK) rc = reshape(db, v, o.id, out);
    rc = end(db, rc, out);
    offer_row_free(&o);
    owner_free(&w);
    json_decref(clean);
    free(members);
    return rc;
}

enum rc offer_get(struct db *db, const struct viewer *v, const char *id,
                  json_t **out)
{
    struct offer_row o;
    struct owner w;
    enum viewer_offer_access a;
    long long n;
    enum rc rc;

    *out = NULL;
    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    rc = db_begin_read(db);
    if (rc != RC_OK) return rc;
    rc = load(db, v, n, &o, &w, &a);
    if (rc == RC_OK) {
        rc = a == VIEWER_OFFER_NONE ? RC_NOTFOUND
                                    : shape(db, v, &o, &w, a, out);
        offer_row_free(&o);
        owner_free(&w);
    }
    return end(db, rc, out);
}

/* current_doc: o as a document to merge a patch into: the stored one,
 * its status, and who delivers it now (the stored members who are still
 * accepted members of the group). New reference. */
static json_t *current_doc(const struct offer_row *o, const struct owner *w)
{
    json_t *cur = json_deep_copy(o->doc), *now, *x;
    size_t i;

    if (!cur) return NULL;
    json_object_set_new(cur, "status", json_string(o->status));
    if (!w->by_group) return cur;
    now = json_array();
    json_array_foreach(json_object_get(o->doc, "delivered_by"), i, x) {
        long long id = 0;

        if (ids_parse_json(x, &id) && accepted_member(&w->g, id))
            json_array_append_new(now, ids_json(id));
    }
    json_object_set_new(cur, "delivered_by", now);
    return cur;
}

enum rc offer_patch(struct db *db, const struct viewer *v, const char *id,
                    json_t *patch, json_t *errs, json_t **out)
{
    struct check c = {errs, ""};
    struct offer_row o;
    struct owner w;
    enum viewer_offer_access a;
    json_t *cur = NULL, *merged = NULL, *clean = NULL;
    long long *members = NULL;
    size_t n = 0;
    enum rc rc;

    *out = NULL;
    rc = begin_edit(db, v, id, &o, &w, &a);
    if (rc != RC_OK) return rc;
    cur = current_doc(&o, &w);
    merged = cur ? check_merge_patch(cur, patch) : NULL;
    clean = json_object();
    members = malloc((w.g.nm + 1) * sizeof *members);
    if (!merged || !clean || !members) rc = RC_NOMEM;
    if (rc == RC_OK) {
        if (w.by_group) n = accepted(&w.g, members);
        if (offer_check(db, &c, merged, w.by_group ? 0 : w.p.id, members, n,
                        clean))
            rc = RC_INVALID;
    }
    if (rc == RC_OK) rc = save(db, v, &o, &w, clean);
    if (rc == RC_OK) rc = reshape(db, v, o.id, out);
    rc = end(db, rc, out);
    offer_row_free(&o);
    owner_free(&w);
    json_decref(cur);
    json_decref(merged);
    json_decref(clean);
    free(members);
    return rc;
}

enum rc offer_retire(struct db *db, const struct viewer *v, const char *id,
                     json_t **out)
{
    struct offer_row o;
    struct owner w;
    enum viewer_offer_access a;
    char *text = NULL;
    enum rc rc;

    *out = NULL;
    rc = begin_edit(db, v, id, &o, &w, &a);
    if (rc != RC_OK) return rc;
    if (!is(o.status, "retired")) {
        snprintf(o.status, sizeof o.status, "retired");
        text = json_dumps(o.doc, JSON_COMPACT | JSON_REAL_PRECISION(15));
        rc = text ? new_seq(db, &o) : RC_NOMEM;
        if (rc == RC_OK)
            rc = offer_db_update(
                db, &o, json_string_value(json_object_get(o.doc, "title")),
                text);
        if (rc == RC_OK) rc = audit(db, v, &w, o.id, "offer.retire");
    }
    if (rc == RC_OK) rc = reshape(db, v, o.id, out);
    rc = end(db, rc, out);
    free(text);
    offer_row_free(&o);
    owner_free(&w);
    return rc;
}

enum rc offer_list(struct db *db, const struct viewer *v,
                   enum offer_owner_kind kind, const char *owner_id,
                   const char *status, int limit, const char *cursor,
                   json_t *errs, json_t **out)
{
    static const char *const listable[] = {"active", "retired", "all", NULL};
    struct check c = {errs, ""};
    struct owner w;
    enum viewer_offer_access a = VIEWER_OFFER_NONE;
    long long id, after = 0, total = 0, *ids = NULL;
    json_t *res = NULL, *next = NULL, *o;
    const char *want;
    const char *const *k;
    size_t i, n = 0;
    enum rc rc;

    *out = NULL;
    memset(&w, 0, sizeof w);
    if (!ids_parse(owner_id, &id)) return RC_NOTFOUND;
    if (!status || !*status) status = "active";
    for (k = listable; *k && !is(*k, status); k++) continue;
    if (!*k) check_fail(&c, "status", "must be one of: active, retired, all");
    if (cursor && *cursor && !ids_parse(cursor, &after))
        check_fail(&c, "cursor", "is not a cursor from a previous answer");
    if (check_failed(&c)) return RC_INVALID;
    want = is(status, "all") ? NULL : status;
    rc = db_begin_read(db);
    if (rc != RC_OK) return rc;
    rc = owner_load(db, kind == OFFER_BY_GROUP, id, &w);
    if (rc == RC_OK) rc = access(v, &w, 0, &a);
    if (rc == RC_OK && a == VIEWER_OFFER_NONE) {
        if (!w.by_group) {
            rc = RC_NOTFOUND;
        } else {
            /* A tender team: as GET /groups/{id} (it has no offers). */
            enum viewer_group_access ga;

            rc = group_access(v, &w.g, &ga);
            if (rc == RC_OK && ga == VIEWER_GROUP_NONE)
                rc = v->role == VIEWER_ANONYMOUS ? RC_UNAUTHORIZED
                                                 : RC_FORBIDDEN;
        }
    }
    if (rc == RC_OK && !is(status, "active") && a != VIEWER_OFFER_EDIT)
        rc = v->role == VIEWER_ANONYMOUS ? RC_UNAUTHORIZED : RC_FORBIDDEN;
    if (rc == RC_OK)
        rc = offer_db_list(db, w.by_group, owner_key(&w), want, after,
                           limit + 1, &ids, &n, &total);
    res = rc == RC_OK ? json_array() : NULL;
    if (rc == RC_OK && !res) rc = RC_NOMEM;
    for (i = 0; rc == RC_OK && i < n; i++) {
        struct offer_row row;
        enum viewer_offer_access ra;

        if ((int)i == limit) {
            next = ids_json(ids[i - 1]);
            break;
        }
        rc = offer_db_get(db, ids[i], &row);
        if (rc == RC_OK) rc = access(v, &w, is(row.status, "retired"), &ra);
        if (rc == RC_OK && ra != VIEWER_OFFER_NONE) {
            rc = shape(db, v, &row, &w, ra, &o);
            if (rc == RC_OK && json_array_append_new(res, o)) rc = RC_NOMEM;
        }
        offer_row_free(&row);
    }
    rc = end(db, rc, NULL);
    if (rc == RC_OK) {
        *out = json_pack("{s:I, s:o, s:o}", "total", (json_int_t)total,
                         "results", res, "next_cursor",
                         next ? next : json_null());
        res = next = NULL;
        if (!*out) rc = RC_NOMEM;
    }
    json_decref(res);
    json_decref(next);
    free(ids);
    owner_free(&w);
    return rc;
}

/* ============================================================== photos */

enum rc offer_can_edit(struct db *db, const struct viewer *v, const char *id)
{
    struct offer_row o;
    struct owner w;
    enum viewer_offer_access a;
    long long n;
    enum rc rc;

    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    if (v->role == VIEWER_ANONYMOUS) return RC_UNAUTHORIZED;
    rc = db_begin_read(db);
    if (rc != RC_OK) return rc;
    rc = load(db, v, n, &o, &w, &a);
    if (rc == RC_OK) {
        rc = may_edit(v, a);
        offer_row_free(&o);
        owner_free(&w);
    }
    return end(db, rc, NULL);
}

/* check_image: bytes[0..len) against the declared type ctype: the type
 * (static) and size, or NULL after adding an error and setting *rc. */
static const char *check_image(const struct check *c, const char *ctype,
                               const void *bytes, size_t len, int *w, int *h,
                               enum rc *rc)
{
    const char *declared = offer_media_type(ctype), *actual;

    *w = *h = 0;
    if (!declared) {
        check_fail(c, "Content-Type",
                   "must be image/jpeg, image/png or image/webp");
        *rc = RC_UNSUPPORTED;
        return NULL;
    }
    if (len > OFFER_PHOTO_MAX_BYTES) {
        check_fail(c, "body", "a photo is at most %d bytes (2 MiB)",
                   OFFER_PHOTO_MAX_BYTES);
        *rc = RC_TOOBIG;
        return NULL;
    }
    if (!len) {
        check_fail(c, "body", "is empty: send the image's bytes");
        *rc = RC_INVALID;
        return NULL;
    }
    actual = offer_image_type(bytes, len, w, h);
    if (!actual || strcmp(actual, declared)) {
        check_fail(c, "body", "is not a %s image%s%s", declared + 6,
                   actual ? ": it is " : "", actual ? actual : "");
        *rc = RC_UNSUPPORTED;
        return NULL;
    }
    if (*w > OFFER_PHOTO_MAX_SIDE || *h > OFFER_PHOTO_MAX_SIDE) {
        check_fail(c, "body", "the image is %d x %d pixels: at most %d on a"
                              " side",
                   *w, *h, OFFER_PHOTO_MAX_SIDE);
        *rc = RC_INVALID;
        return NULL;
    }
    return actual;
}

enum rc offer_photo_add(struct db *db, const struct viewer *v,
                        const char *id, const char *ctype, const void *bytes,
                        size_t len, json_t *errs, json_t **out)
{
    struct check c = {errs, ""};
    struct offer_row o;
    struct owner w;
    enum viewer_offer_access a;
    struct offer_photo_row *ph = NULL, p;
    const char *type = NULL;
    size_t nph = 0;
    int width = 0, height = 0;
    enum rc rc;

    *out = NULL;
    rc = begin_edit(db, v, id, &o, &w, &a);
    if (rc != RC_OK) return rc;
    type = check_image(&c, ctype, bytes, len, &width, &height, &rc);
    if (rc == RC_OK) rc = offer_db_photos(db, o.id, &ph, &nph);
    free(ph);
    if (rc == RC_OK && nph >= OFFER_PHOTOS_MAX) {
        check_fail(&c, "photos",
                   "an offer has at most %d photos: delete one first",
                   OFFER_PHOTOS_MAX);
        rc = RC_CONFLICT;
    }
    memset(&p, 0, sizeof p);
    if (rc == RC_OK)
        rc = offer_db_photo_add(db, o.id, type, width, height, bytes, len,
                                &p.id);
    if (rc == RC_OK) rc = new_seq(db, &o);
    if (rc == RC_OK) rc = offer_db_touch(db, o.id, o.seq);
    if (rc == RC_OK) rc = audit(db, v, &w, o.id, "offer.photo_add");
    if (rc == RC_OK) {
        snprintf(p.type, sizeof p.type, "%s", type);
        p.width = width;
        p.height = height;
        p.size = (long long)len;
        *out = photo_json(o.id, &p);
        if (!*out) rc = RC_NOMEM;
    }
    rc = end(db, rc, out);
    offer_row_free(&o);
    owner_free(&w);
    return rc;
}

void offer_photo_free(struct offer_photo *p)
{
    if (!p) return;
    free(p->bytes);
    free(p);
}

enum rc offer_photo_get(struct db *db, const struct viewer *v,
                        const char *id, const char *photo_id,
                        struct offer_photo **out)
{
    struct offer_row o;
    struct owner w;
    enum viewer_offer_access a, pub = VIEWER_OFFER_NONE;
    struct offer_photo *p = NULL;
    long long n, photo;
    enum rc rc;

    *out = NULL;
    if (!ids_parse(id, &n) || !ids_parse(photo_id, &photo))
        return RC_NOTFOUND;
    rc = db_begin_read(db);
    if (rc != RC_OK) return rc;
    rc = load(db, v, n, &o, &w, &a);
    if (rc != RC_OK) return end(db, rc, NULL);
    if (a == VIEWER_OFFER_NONE) rc = RC_NOTFOUND;
    if (rc == RC_OK)
        rc = access(&viewer_anonymous, &w, is(o.status, "retired"), &pub);
    if (rc == RC_OK) {
        p = calloc(1, sizeof *p);
        if (!p) rc = RC_NOMEM;
    }
    if (rc == RC_OK)
        rc = offer_db_photo_get(db, o.id, photo, p->type, sizeof p->type,
                                &p->bytes, &p->len);
    rc = end(db, rc, NULL);
    if (rc == RC_OK) {
        p->is_public = pub != VIEWER_OFFER_NONE;
        *out = p;
        p = NULL;
    }
    offer_photo_free(p);
    offer_row_free(&o);
    owner_free(&w);
    return rc;
}

enum rc offer_photo_delete(struct db *db, const struct viewer *v,
                           const char *id, const char *photo_id)
{
    struct offer_row o;
    struct owner w;
    enum viewer_offer_access a;
    long long photo;
    enum rc rc;

    rc = begin_edit(db, v, id, &o, &w, &a);
    if (rc != RC_OK) return rc;
    if (!ids_parse(photo_id, &photo)) rc = RC_NOTFOUND;
    if (rc == RC_OK) rc = offer_db_photo_delete(db, o.id, photo);
    if (rc == RC_OK) rc = new_seq(db, &o);
    if (rc == RC_OK) rc = offer_db_touch(db, o.id, o.seq);
    if (rc == RC_OK) rc = audit(db, v, &w, o.id, "offer.photo_delete");
    rc = end(db, rc, NULL);
    offer_row_free(&o);
    owner_free(&w);
    return rc;
}

/* ========================================================= a peer's */

enum rc offer_remote_store(struct db *db, long long peer,
                           const char *remote_id, int by_group,
                           long long owner, json_t *clean,
                           const long long *ents, size_t n, int *created)
{
    struct offer_row o;
    json_t *doc = stored_doc(clean), *by = json_array();
    char *text = NULL;
    long long id = 0;
    size_t i;
    enum rc rc = RC_NOMEM;

    *created = 0;
    memset(&o, 0, sizeof o);
    if (!doc || !by) goto out;
    for (i = 0; i < n; i++) json_array_append_new(by, ids_json(ents[i]));
    json_object_set(doc, "delivered_by", by);
    text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(15));
    if (!text) goto out;
    rc = offer_db_remote_find(db, peer, remote_id, &id);
    if (rc == RC_OK && id) rc = offer_db_get(db, id, &o);
    /* Its owner's copy made again (a profile that moved between the
     * peer's cooperatives): the offer too. */
    if (rc == RC_OK && id &&
        (by_group ? o.group_id : o.entrepreneur_id) != owner) {
        int dropped;

        rc = offer_db_remote_drop(db, peer, remote_id, &dropped);
        offer_row_free(&o);
        id = 0;
    }
    if (rc != RC_OK) goto out;
    snprintf(o.status, sizeof o.status, "%s",
             json_string_value(json_object_get(clean, "status")));
    o.entrepreneur_id = by_group ? 0 : owner;
    o.group_id = by_group ? owner : 0;
    o.peer_id = peer;
    o.remote_id = remote_id;
    rc = new_seq(db, &o);
    if (rc == RC_OK && !id) {
        rc = offer_db_insert(db, &o,
                             json_string_value(json_object_get(doc, "title")),
                             text, &o.id);
        *created = rc == RC_OK;
    } else if (rc == RC_OK) {
        rc = offer_db_update(db, &o,
                             json_string_value(json_object_get(doc, "title")),
                             text);
    }
    if (rc == RC_OK) rc = offer_db_set_members(db, o.id, ents, n);
    if (rc == RC_OK)
        rc = offer_db_set_trades(db, o.id, json_object_get(doc, "trades"));
out:
    offer_row_free(&o);
    json_decref(doc);
    json_decref(by);
    free(text);
    return rc;
}

enum rc offer_remote_drop(struct db *db, long long peer,
                          const char *remote_id, int *dropped)
{
    return offer_db_remote_drop(db, peer, remote_id, dropped);
}
