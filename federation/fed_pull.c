/*
 * fed_pull.c: pulling the peers' change feeds into this instance (fed.h).
 *
 * One pull of a peer: its descriptor (its origin, name, key and
 * cooperatives), then its feed, page after page, from the cursor kept in
 * peer.cursor. A page is applied in one transaction with the new cursor,
 * so a crash or a failure resumes where the last page ended. Each change
 * is checked on its own: its shape and size, its origin (the peer's), and,
 * for an entrepreneur, the same validation as a local write (places,
 * trades, sizes, coordinates); a bad one is counted, its reason kept in
 * peer.last_rejection, and skipped: the pull goes on. A peer that fails
 * (down, slow, not a feed, over the size cap) keeps its documents and is
 * tried again later, after a doubling backoff.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../directory/dir_ent.h"
#include "../directory/dir_import.h"
#include "../util/fetch.h"
#include "../util/ids.h"
#include "../util/log.h"
#include "../util/text.h"
#include "../util/viewer.h"
#include "fed.h"

#define BACKOFF_MAX_S 3600
#define ID_MAX 64

static const char sql_peer[] =
    "SELECT url, token, origin, cursor FROM peer WHERE id = ?1";
static const char sql_peer_descriptor[] =
    "UPDATE peer SET origin = ?2, name = ?3, public_key = ?4 WHERE id = ?1";
static const char sql_origin_taken[] =
    "SELECT 1 FROM peer WHERE origin = ?1 AND id <> ?2";
static const char sql_peer_page[] =
    "UPDATE peer SET cursor = ?2, accepted = accepted + ?3,"
    " rejected = rejected + ?4,"
    " last_rejection = coalesce(?5, last_rejection) WHERE id = ?1";
static const char sql_peer_done[] =
    "UPDATE peer SET last_try_at = strftime('%Y-%m-%dT%H:%M:%SZ','now'),"
    " last_ok_at = CASE WHEN ?2 THEN strftime('%Y-%m-%dT%H:%M:%SZ','now')"
    "   ELSE last_ok_at END,"
    " last_error = ?3, failures = CASE WHEN ?2 THEN 0 ELSE failures + 1 END"
    " WHERE id = ?1";
static const char sql_peer_next[] = "UPDATE peer SET next_at = ?2 WHERE id = ?1";
static const char sql_peer_failures[] =
    "SELECT failures FROM peer WHERE id = ?1";
static const char sql_due[] =
    "SELECT id FROM peer WHERE next_at <= ?1 ORDER BY next_at, id";
static const char sql_coop_find[] =
    "SELECT id, name FROM cooperative WHERE peer_id = ?1 AND remote_id = ?2";
static const char sql_coop_add[] =
    "INSERT INTO cooperative(name, kind, doc, peer_id, remote_id)"
    " VALUES(?3, ?4, json_object('name', ?3, 'kind', ?4), ?1, ?2)";
static const char sql_coop_rename[] =
    "UPDATE cooperative SET name = ?2, doc = json_set(doc, '$.name', ?2),"
    " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1";
static const char sql_ent_find[] =
    "SELECT e.id, e.cooperative_id FROM entrepreneur e JOIN cooperative c"
    " ON c.id = e.cooperative_id WHERE c.peer_id = ?1 AND e.external_id = ?2";

/* What one pull knows of its peer. */
struct peer {
    long long id;
    char url[320];
    char token[256];
    char origin[320];
    char cursor[24];
    json_t *kinds; /* remote cooperative id -> kind, from the descriptor */
    unsigned char sk[64]; /* this instance's key, to sign with */
    int sign;      /* no token: sign the requests */
};

/* A page being applied. */
struct page {
    long accepted, deleted, rejected;
    char rejection[300]; /* the last reason, "" if none */
};

/* ------------------------------------------------------------- reading */

static enum rc peer_load(struct db *db, long long id, struct peer *p)
{
    sqlite3_stmt *st = db_stmt(db, sql_peer);
    int src;

    memset(p, 0, sizeof *p);
    p->id = id;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        db_text_copy(p->url, sizeof p->url, st, 0);
        db_text_copy(p->token, sizeof p->token, st, 1);
        db_text_copy(p->origin, sizeof p->origin, st, 2);
        db_text_copy(p->cursor, sizeof p->cursor, st, 3);
    }
    db_stmt_done(st);
    if (src == SQLITE_ROW) return RC_OK;
    return src == SQLITE_DONE ? RC_NOTFOUND : db_rc(db, src);
}

/* get_json: GET url (path_and_query after the peer's base URL) as this
 * instance, parsed. RC_UPSTREAM with why in err. Uses no database: runs
 * on the prefetching thread too. */
static enum rc get_json(const struct peer *p, const struct fed_pull_opts *o,
                        const char *pq, json_t **out, char *err,
                        size_t errsize)
{
    char url[1024], sig[3][320], path[512];
    const char *headers[4] = {NULL};
    struct fetch_opts fo;
    struct fetch_result res;
    json_error_t jerr;
    enum rc rc;
    const char *slash;

    *out = NULL;
    memset(&fo, 0, sizeof fo);
    fo.max_bytes = o->max_bytes;
    fo.timeout_s = o->timeout_s;
    snprintf(url, sizeof url, "%s%s", p->url, pq);
    if (*p->token) {
        fo.bearer = p->token;
    } else if (p->sign) {
        /* Sign the path as the peer's server will see it: the base URL's
         * own path (if any) and pq. */
        slash = strchr(strstr(p->url, "://") + 3, '/');
        snprintf(path, sizeof path, "%s%s", slash ? slash : "", pq);
        fed_sign(p->sk, o->self->base_url, path, (long long)time(NULL), sig);
        headers[0] = sig[0];
        headers[1] = sig[1];
        headers[2] = sig[2];
        fo.headers = headers;
    }
    rc = fetch_url(url, &fo, &res);
    if (rc == RC_TOOBIG)
        snprintf(err, errsize, "%s: answer over %ld bytes", pq, o->max_bytes);
    else if (rc != RC_OK)
        snprintf(err, errsize, "%s: %s", pq, res.error);
    else if (!res.body || res.status != 200)
        snprintf(err, errsize, "%s: HTTP %ld", pq, res.status), rc = RC_UPSTREAM;
    if (rc == RC_OK) {
        *out = json_loadb(res.body, res.len, JSON_REJECT_DUPLICATES, &jerr);
        if (!*out || !json_is_object(*out)) {
            snprintf(err, errsize, "%s: not a JSON object (%s)", pq,
                     *out ? "another value" : jerr.text);
            json_decref(*out);
            *out = NULL;
            rc = RC_UPSTREAM;
        }
    }
    fetch_result_free(&res);
    return rc == RC_OK ? RC_OK : RC_UPSTREAM;
}

/* is_base_url: an http(s) URL of at most 300 bytes without spaces. */
static int is_base_url(const char *s)
{
    return s && strlen(s) <= 300 && fetch_is_url(s) && !strpbrk(s, " \t\r\n");
}

/* descriptor: read the peer's descriptor; keep its origin, name and key
 * (an origin another peer has already is refused), and its cooperatives'
 * kinds in p->kinds. */
static enum rc descriptor_take(struct db *db, struct peer *p, json_t *d,
                               char *err, size_t errsize);

static enum rc descriptor(struct db *db, struct peer *p,
                          const struct fed_pull_opts *o, char *err,
                          size_t errsize)
{
    json_t *d = NULL;
    enum rc rc = get_json(p, o, "/federation/v1/instance", &d, err,
                          errsize);

    if (rc == RC_OK) rc = descriptor_take(db, p, d, err, errsize);
    json_decref(d);
    return rc;
}

/* descriptor_take: keep what the descriptor d says (see descriptor). */
static enum rc descriptor_take(struct db *db, struct peer *p, json_t *d,
                               char *err, size_t errsize)
{
    json_t *coops, *c;
    const char *base, *name, *key;
    sqlite3_stmt *st;
    size_t i;
    enum rc rc = RC_OK;
    int src;

    base = json_string_value(json_object_get(d, "base_url"));
    name = json_string_value(json_object_get(d, "name"));
    key = json_string_value(
        json_object_get(json_object_get(d, "public_key"), "key"));
    if (!is_base_url(base)) {
        snprintf(err, errsize, "descriptor: base_url missing or not a URL");
        rc = RC_UPSTREAM;
    } else if (!name || strlen(name) > 200 || !key || strlen(key) > 64) {
        snprintf(err, errsize, "descriptor: name or public_key missing");
        rc = RC_UPSTREAM;
    }
    if (rc == RC_OK) rc = db_begin(db);
    if (rc == RC_OK) {
        st = db_stmt(db, sql_origin_taken);
        if (!st) rc = RC_DB;
        if (rc == RC_OK) {
            sqlite3_bind_text(st, 1, base, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, p->id);
            src = sqlite3_step(st);
            db_stmt_done(st);
            if (src == SQLITE_ROW) {
                snprintf(err, errsize,
                         "descriptor: origin %s belongs to another peer",
                         base);
                rc = RC_UPSTREAM;
            }
        }
        if (rc == RC_OK && !(st = db_stmt(db, sql_peer_descriptor))) rc = RC_DB;
        if (rc == RC_OK) {
            sqlite3_bind_int64(st, 1, p->id);
            sqlite3_bind_text(st, 2, base, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, key, -1, SQLITE_STATIC);
            rc = db_step_done(db, st);
        }
        if (rc == RC_OK) rc = db_commit(db);
        else db_rollback(db);
    }
    if (rc == RC_OK) {
        snprintf(p->origin, sizeof p->origin, "%s", base);
        json_decref(p->kinds);
        p->kinds = json_object();
        coops = json_object_get(d, "cooperatives");
        json_array_foreach(coops, i, c) {
            const char *id = json_string_value(json_object_get(c, "id"));
            const char *kind = json_string_value(json_object_get(c, "kind"));

            if (id && kind && p->kinds)
                json_object_set_new(p->kinds, id, json_string(kind));
        }
    }
    return rc;
}

/* ------------------------------------------------------------ applying */

/* reject: count a refused change and keep why. */
static void reject(struct page *pg, const char *kind, const char *id,
                   const char *why)
{
    pg->rejected++;
    snprintf(pg->rejection, sizeof pg->rejection, "%.20s %.64s: %s",
             kind ? kind : "?", id ? id : "?", why);
    text_utf8_scrub(pg->rejection); /* it quotes the peer's bytes */
}

/* local_ent: the local row of the peer's entrepreneur rid: *id (0 if
 * none) and its cooperative. */
static enum rc local_ent(struct db *db, long long peer, const char *rid,
                         long long *id, long long *coop)
{
    sqlite3_stmt *st = db_stmt(db, sql_ent_find);
    int src;

    *id = *coop = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, peer);
    sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *coop = sqlite3_column_int64(st, 1);
    }
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* drop_ent: delete the local copy of the peer's entrepreneur rid. */
static enum rc drop_ent(struct db *db, long long peer, const char *rid,
                        int *dropped)
{
    long long id, coop;
    char ids[24];
    enum rc rc = local_ent(db, peer, rid, &id, &coop);

    *dropped = 0;
    if (rc != RC_OK || !id) return rc;
    snprintf(ids, sizeof ids, "%lld", id);
    rc = dir_ent_delete(db, &viewer_system, ids);
    *dropped = rc == RC_OK;
    return rc;
}

/* remote_coop: the local cooperative standing for the peer's cooperative
 * {id, name}: made, or renamed, as needed. */
static enum rc remote_coop(struct db *db, const struct peer *p, json_t *c,
                           long long *coop)
{
    const char *rid = json_string_value(json_object_get(c, "id"));
    const char *name = json_string_value(json_object_get(c, "name"));
    const char *kind = json_string_value(json_object_get(p->kinds, rid ? rid : ""));
    sqlite3_stmt *st;
    int src, same = 0;
    enum rc rc = RC_OK;

    *coop = 0;
    if (!rid || !*rid || strlen(rid) > ID_MAX || !name || !*name ||
        strlen(name) > 200)
        return RC_INVALID;
    if (!kind || (strcmp(kind, "cae") && strcmp(kind, "scop") &&
                  strcmp(kind, "scic") && strcmp(kind, "network")))
        kind = "cae";
    st = db_stmt(db, sql_coop_find);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, p->id);
    sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *coop = sqlite3_column_int64(st, 0);
        same = !strcmp(db_text(st, 1), name);
    }
    db_stmt_done(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE) return db_rc(db, src);
    if (*coop && same) return RC_OK;
    st = db_stmt(db, *coop ? sql_coop_rename : sql_coop_add);
    if (!st) return RC_DB;
    if (*coop) {
        sqlite3_bind_int64(st, 1, *coop);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_int64(st, 1, p->id);
        sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
    }
    rc = db_step_done(db, st);
    if (rc == RC_OK && !*coop) *coop = sqlite3_last_insert_rowid(db_handle(db));
    return rc;
}

/* in_range: a location's lat and lon, when given, are numbers in range. */
static int in_range(json_t *loc)
{
    json_t *lat = json_object_get(loc, "lat"), *lon = json_object_get(loc, "lon");

    if (lat && !json_is_null(lat) &&
        (!json_is_number(lat) || json_number_value(lat) < -90 ||
         json_number_value(lat) > 90))
        return 0;
    if (lon && !json_is_null(lon) &&
        (!json_is_number(lon) || json_number_value(lon) < -180 ||
         json_number_value(lon) > 180))
        return 0;
    return 1;
}

/* A page's entrepreneurs to keep go through the bulk import
 * (directory/dir_import.h): the same checks as a local write, run on a
 * second thread while this one writes, in one transaction per page. */

/* coop_of: the local cooperative of the peer's cooperative c, from the
 * page's cache (remote id -> local id) or remote_coop. */
static enum rc coop_of(struct db *db, const struct peer *p, json_t *c,
                       json_t *cache, long long *coop)
{
    const char *rid = json_string_value(json_object_get(c, "id"));
    json_t *hit = rid ? json_object_get(cache, rid) : NULL;
    enum rc rc;

    if (hit) {
        *coop = json_integer_value(hit);
        return RC_OK;
    }
    rc = remote_coop(db, p, c, coop);
    if (rc == RC_OK) json_object_set_new(cache, rid, json_integer(*coop));
    return rc;
}

/* stage_ent: the peer's entrepreneur rid as doc says: its cooperative
 * made, a move between the peer's cooperatives made a new row; doc
 * (the page's, changed in place) appended to ents for the import.
 * RC_INVALID, counted in pg, refuses it alone. */
static enum rc stage_ent(struct db *db, const struct peer *p, const char *rid,
                         json_t *doc, json_t *cache, json_t *ents,
                         struct page *pg)
{
    const char *vis = json_string_value(json_object_get(doc, "visibility"));
    long long coop = 0, id, was;
    int dropped;
    enum rc rc;

    if (!vis || (strcmp(vis, "public") && strcmp(vis, "network"))) {
        /* Not meant for us (a peer shows no more): as a deletion. */
        rc = drop_ent(db, p->id, rid, &dropped);
        pg->deleted += dropped;
        return rc;
    }
    if (!in_range(json_object_get(doc, "location"))) {
        reject(pg, "entrepreneur", rid, "location: coordinates out of range");
        return RC_INVALID;
    }
    rc = coop_of(db, p, json_object_get(doc, "cooperative"), cache, &coop);
    if (rc == RC_INVALID) {
        reject(pg, "entrepreneur", rid,
               "cooperative: {id, name} missing or too long");
        return rc;
    }
    if (rc == RC_OK) rc = local_ent(db, p->id, rid, &id, &was);
    if (rc == RC_OK && id && was != coop)
        rc = drop_ent(db, p->id, rid, &dropped);
    if (rc != RC_OK) return rc;
    json_object_del(doc, "id");
    json_object_del(doc, "cooperative");
    json_object_del(doc, "cooperative_external_id");
    json_object_set_new(doc, "cooperative_id", ids_json(coop));
    json_object_set_new(doc, "external_id", json_string(rid));
    return json_array_append(ents, doc) ? RC_NOMEM : RC_OK;
}

/* stage: one change: checked, a deletion made, an entrepreneur staged.
 * RC_INVALID refuses the change alone (counted in pg); another failure
 * stops the page. */
static enum rc stage(struct db *db, const struct peer *p, json_t *ch,
                     json_t *cache, json_t *ents, struct page *pg)
{
    const char *kind = json_string_value(json_object_get(ch, "kind"));
    const char *id = json_string_value(json_object_get(ch, "id"));
    const char *origin = json_string_value(json_object_get(ch, "origin"));
    json_t *deleted = json_object_get(ch, "deleted");
    json_t *doc = json_object_get(ch, "doc");
    int dropped;
    enum rc rc;

    if (!json_is_object(ch) || !kind || !id || !*id || strlen(id) > ID_MAX ||
        strlen(kind) > 20) {
        reject(pg, kind, id, "not a change {kind, id, origin, deleted, doc}");
        return RC_INVALID;
    }
    if (!origin || strcmp(origin, p->origin)) {
        char why[200];

        snprintf(why, sizeof why, "origin %.150s is not the peer's",
                 origin ? origin : "(none)");
        reject(pg, kind, id, why);
        return RC_INVALID;
    }
    if (!json_is_boolean(deleted) ||
        (!json_is_null(doc) && !json_is_object(doc)) ||
        (json_is_false(deleted) && !json_is_object(doc))) {
        reject(pg, kind, id, "deleted must be a boolean, doc an object");
        return RC_INVALID;
    }
    if (strcmp(kind, "entrepreneur")) return RC_OK; /* offers, groups: later */
    if (json_is_true(deleted)) {
        rc = drop_ent(db, p->id, id, &dropped);
        pg->deleted += dropped;
        return rc;
    }
    /* Sizes: the import's checks cap every field of a profile. */
    return stage_ent(db, p, id, doc, cache, ents, pg);
}

/* save_page: the new cursor and the page's counts. */
/* save_page: the new cursor and the page's counts (in the caller's
 * transaction). */
static enum rc save_page(struct db *db, const struct peer *p,
                         const char *next, const struct page *pg)
{
    sqlite3_stmt *st = db_stmt(db, sql_peer_page);

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, p->id);
    sqlite3_bind_text(st, 2, next, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, pg->accepted);
    sqlite3_bind_int64(st, 4, pg->rejected);
    if (*pg->rejection)
        sqlite3_bind_text(st, 5, pg->rejection, -1, SQLITE_STATIC);
    return db_step_done(db, st);
}

/* import: the staged entrepreneurs through the bulk import; its refusals
 * counted in pg, the last one's reason kept. */
static enum rc import(struct db *db, json_t *ents, struct page *pg)
{
    struct dir_import_stats ist = {0, 0};
    char *rep = NULL, *last, *nl;
    size_t replen = 0;
    FILE *f;
    enum rc rc;

    if (!json_array_size(ents)) return RC_OK;
    f = open_memstream(&rep, &replen);
    if (!f) return RC_NOMEM;
    rc = dir_import_records(db, &viewer_system, ents, FED_PAGE_MAX, f, &ist);
    fclose(f);
    pg->accepted += ist.imported;
    pg->rejected += ist.rejected;
    if (ist.rejected && rep) {
        /* The last line of the report: "record N (external_id X): ..." */
        while (replen && rep[replen - 1] == '\n') rep[--replen] = 0;
        last = strrchr(rep, '\n');
        last = last ? last + 1 : rep;
        if ((nl = strchr(last, '\n'))) *nl = 0;
        snprintf(pg->rejection, sizeof pg->rejection, "entrepreneur %.280s",
                 last);
        text_utf8_scrub(pg->rejection);
    }
    free(rep);
    return rc;
}

/* coops_first: make the cooperatives the page's profiles name that are
 * not here yet, in a transaction of their own (the import checks the
 * profiles on a second connection, which sees only what is committed);
 * after the first pages there are none to make. */
static enum rc coops_first(struct db *db, const struct peer *p,
                           json_t *changes, json_t *cache)
{
    json_t *ch, *c;
    size_t i;
    long long coop;
    enum rc rc = RC_OK;
    int open = 0;

    json_array_foreach(changes, i, ch) {
        const char *rid;

        c = json_object_get(json_object_get(ch, "doc"), "cooperative");
        rid = json_string_value(json_object_get(c, "id"));
        if (!rid || json_object_get(cache, rid) ||
            strcmp(json_string_value(json_object_get(ch, "kind"))
                       ? json_string_value(json_object_get(ch, "kind"))
                       : "",
                   "entrepreneur") ||
            strcmp(json_string_value(json_object_get(ch, "origin"))
                       ? json_string_value(json_object_get(ch, "origin"))
                       : "",
                   p->origin))
            continue;
        if (!open) {
            rc = db_begin(db);
            if (rc != RC_OK) return rc;
            open = 1;
        }
        rc = coop_of(db, p, c, cache, &coop);
        if (rc == RC_INVALID) rc = RC_OK; /* refused with its profile */
        if (rc != RC_OK) break;
    }
    if (!open) return rc;
    if (rc == RC_OK) rc = db_commit(db);
    else db_rollback(db);
    if (rc != RC_OK) json_object_clear(cache);
    return rc;
}

/* apply_page: in one transaction: every change checked, deletions made,
 * the profiles through the import, the new cursor (a crash loses the
 * page whole, pulled again at the next round). When a write fails (not a
 * check: it dooms the transaction), the changes again one by one, each
 * in its own, and the cursor after them, so one change that cannot be
 * written cannot block the feed. */
static enum rc apply_page(struct db *db, const struct peer *p,
                          json_t *changes, const char *next,
                          struct page *pg)
{
    json_t *ents = json_array(), *cache = json_object();
    size_t i;
    enum rc rc = ents && cache ? RC_OK : RC_NOMEM;

    memset(pg, 0, sizeof *pg);
    if (rc == RC_OK) rc = coops_first(db, p, changes, cache);
    if (rc == RC_OK) rc = db_begin(db);
    for (i = 0; rc == RC_OK && i < json_array_size(changes); i++) {
        rc = stage(db, p, json_array_get(changes, i), cache, ents, pg);
        if (rc == RC_INVALID) rc = RC_OK;
    }
    if (rc == RC_OK) rc = import(db, ents, pg);
    if (rc == RC_OK) rc = save_page(db, p, next, pg);
    if (rc == RC_OK) rc = db_commit(db);
    else if (db_in_transaction(db)) db_rollback(db);
    if (rc == RC_OK || rc == RC_NOMEM || rc == RC_BUSY) goto out;
    memset(pg, 0, sizeof *pg);
    json_object_clear(cache);
    for (i = 0; i < json_array_size(changes); i++) {
        json_array_clear(ents);
        rc = db_begin(db);
        if (rc != RC_OK) goto out;
        rc = stage(db, p, json_array_get(changes, i), cache, ents, pg);
        if (rc == RC_OK) rc = import(db, ents, pg);
        if (rc == RC_OK) rc = db_commit(db);
        else db_rollback(db);
        if (rc != RC_OK && rc != RC_INVALID) {
            pg->rejected++;
            snprintf(pg->rejection, sizeof pg->rejection,
                     "change %zu of the page: could not be written (%s)", i,
                     rc_name(rc));
            json_object_clear(cache); /* its writes were rolled back */
        }
    }
    rc = db_begin(db);
    if (rc == RC_OK) rc = save_page(db, p, next, pg);
    if (rc == RC_OK) rc = db_commit(db);
    else if (db_in_transaction(db)) db_rollback(db);
out:
    json_decref(ents);
    json_decref(cache);
    return rc;
}

/* is_cursor: decimal digits, at most 18. */
static int is_cursor(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (!n || n > 18) return 0;
    return strspn(s, "0123456789") == n;
}

/* ------------------------------------------------------------- pulling */

/* record: a pull's outcome in the peer's row (a failure of this write is
 * logged: the next pull records again). error may quote the peer's bytes
 * (a parser's message): made valid UTF-8, as the peers' list shows it. */
static void record(struct db *db, long long id, int ok, char *error)
{
    sqlite3_stmt *st;
    enum rc rc = db_begin(db);

    if (error) text_utf8_scrub(error);

    if (rc != RC_OK) return;
    st = db_stmt(db, sql_peer_done);
    if (!st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, ok);
        if (error && *error) sqlite3_bind_text(st, 3, error, -1, SQLITE_STATIC);
        rc = db_step_done(db, st);
    }
    if (rc == RC_OK) rc = db_commit(db);
    else db_rollback(db);
    if (rc != RC_OK) log_warn("federation: peer %lld: state not saved", id);
}

/* A page fetched ahead, on its own thread, while the previous one is
 * applied: the peer's work and the network overlap with ours. */
struct ahead {
    const struct peer *p;
    const struct fed_pull_opts *o;
    char pq[128];
    json_t *feed;
    enum rc rc;
    char error[256];
};

static void *fetch_ahead(void *arg)
{
    struct ahead *a = arg;

    a->rc = get_json(a->p, a->o, a->pq, &a->feed, a->error,
                     sizeof a->error);
    return NULL;
}

/* page_ok: is feed a page of at most page changes after cursor? */
static int page_ok(json_t *feed, int page, const char *cursor)
{
    json_t *changes = json_object_get(feed, "changes");
    const char *next = json_string_value(json_object_get(feed, "next"));

    return json_is_array(changes) && json_array_size(changes) <= (size_t)page &&
           is_cursor(next) &&
           (!json_array_size(changes) ||
            strtoll(next, NULL, 10) > strtoll(cursor, NULL, 10));
}

enum rc fed_pull(struct db *db, long long id, const struct fed_pull_opts *o,
                 struct fed_pull_stats *st)
{
    struct peer p;
    struct page pg;
    struct ahead a;
    pthread_t th;
    json_t *feed = NULL, *changes;
    const char *next;
    long n;
    int page = o->page > 0 && o->page <= FED_PAGE_MAX ? o->page
                                                      : FED_PAGE_MAX;
    int last, threaded;
    enum rc rc;

    memset(st, 0, sizeof *st);
    rc = peer_load(db, id, &p);
    if (rc != RC_OK) return rc;
    p.sign = !*p.token && o->self && o->self->base_url && *o->self->base_url;
    if (p.sign) rc = fed_secret_key(db, p.sk);
    if (rc == RC_OK) rc = descriptor(db, &p, o, st->error, sizeof st->error);
    if (rc == RC_OK) {
        snprintf(a.pq, sizeof a.pq,
                 "/federation/v1/changes?since=%s&limit=%d", p.cursor, page);
        rc = get_json(&p, o, a.pq, &feed, st->error, sizeof st->error);
    }
    for (n = 0; rc == RC_OK && n < FED_PAGES_PER_PULL; n++) {
        if (o->stop && atomic_load(o->stop)) {
            st->more = 1; /* the rest at the next start */
            break;
        }
        if (!page_ok(feed, page, p.cursor)) {
            snprintf(st->error, sizeof st->error,
                     "changes: not a change feed page (changes, next)");
            rc = RC_UPSTREAM;
            break;
        }
        changes = json_object_get(feed, "changes");
        next = json_string_value(json_object_get(feed, "next"));
        last = json_array_size(changes) < (size_t)page ||
               n + 1 == FED_PAGES_PER_PULL;
        /* The next page, fetched while this one is applied. */
        threaded = 0;
        if (!last) {
            memset(&a, 0, sizeof a);
            a.p = &p;
            a.o = o;
            snprintf(a.pq, sizeof a.pq,
                     "/federation/v1/changes?since=%s&limit=%d", next, page);
            threaded = pthread_create(&th, NULL, fetch_ahead, &a) == 0;
        }
        rc = apply_page(db, &p, changes, next, &pg);
        if (rc == RC_OK) {
            st->pages++;
            st->accepted += pg.accepted;
            st->deleted += pg.deleted;
            st->rejected += pg.rejected;
            snprintf(p.cursor, sizeof p.cursor, "%s", next);
        }
        json_decref(feed);
        feed = NULL;
        if (last) break;
        if (threaded)
            pthread_join(th, NULL);
        else
            fetch_ahead(&a);
        feed = a.feed;
        if (rc == RC_OK && a.rc != RC_OK) {
            rc = a.rc;
            snprintf(st->error, sizeof st->error, "%s", a.error);
        }
    }
    json_decref(feed);
    json_decref(p.kinds);
    sodium_memzero(p.sk, sizeof p.sk);
    st->more |= rc == RC_OK && n == FED_PAGES_PER_PULL - 1 &&
                st->pages == FED_PAGES_PER_PULL;
    record(db, id, rc == RC_OK, rc == RC_OK ? NULL : st->error);
    return rc;
}

enum rc fed_apply(struct db *db, long long id, const char *data, size_t len,
                  struct fed_pull_stats *st)
{
    struct peer p;
    struct page pg;
    json_t *d;
    enum rc rc;

    memset(st, 0, sizeof *st);
    rc = peer_load(db, id, &p);
    if (rc != RC_OK) return rc;
    d = json_loadb(data, len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(d)) {
        snprintf(st->error, sizeof st->error, "not a JSON object");
        rc = RC_UPSTREAM;
    } else if (json_object_get(d, "base_url")) {
        rc = descriptor_take(db, &p, d, st->error, sizeof st->error);
    } else if (!page_ok(d, FED_PAGE_MAX, p.cursor)) {
        snprintf(st->error, sizeof st->error,
                 "changes: not a change feed page (changes, next)");
        rc = RC_UPSTREAM;
    } else {
        rc = apply_page(db, &p, json_object_get(d, "changes"),
                        json_string_value(json_object_get(d, "next")), &pg);
        st->pages = rc == RC_OK;
        st->accepted = pg.accepted;
        st->deleted = pg.deleted;
        st->rejected = pg.rejected;
    }
    json_decref(d);
    json_decref(p.kinds);
    return rc;
}

/* schedule: the peer's next pull: interval_s after a success, after a
 * failure interval_s doubled for each failure in a row, at most an hour:
 * a peer that is down is not hammered. */
static enum rc schedule(struct db *db, long long id, long interval_s,
                        long long now)
{
    sqlite3_stmt *st = db_stmt(db, sql_peer_failures);
    long long failures = 0, wait = interval_s;
    enum rc rc;
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) failures = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    while (failures-- > 1 && wait < BACKOFF_MAX_S) wait *= 2;
    if (wait > BACKOFF_MAX_S) wait = BACKOFF_MAX_S;
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    st = db_stmt(db, sql_peer_next);
    if (!st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, now + wait);
        rc = db_step_done(db, st);
    }
    if (rc == RC_OK) rc = db_commit(db);
    else db_rollback(db);
    return rc;
}

enum rc fed_pull_due(struct db *db, const struct fed_pull_opts *o,
                     long interval_s, long long now, int *pulled)
{
    sqlite3_stmt *st = db_stmt(db, sql_due);
    struct fed_pull_stats ps;
    long long ids[64];
    int n = 0, i, src;
    enum rc rc = RC_OK;

    *pulled = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, now);
    while (n < 64 && (src = sqlite3_step(st)) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    for (i = 0; i < n && !(o->stop && atomic_load(o->stop)); i++) {
        enum rc prc = fed_pull(db, ids[i], o, &ps);

        if (prc == RC_NOTFOUND) continue; /* deleted meanwhile */
        if (prc != RC_OK)
            log_warn("federation: peer %lld: %s", ids[i], ps.error);
        else if (ps.accepted || ps.deleted || ps.rejected)
            log_info("federation: peer %lld: %ld kept, %ld deleted,"
                     " %ld refused",
                     ids[i], ps.accepted, ps.deleted, ps.rejected);
        /* A peer with more to pull goes on at the next round. */
        rc = schedule(db, ids[i], ps.more ? 0 : interval_s, now);
        (*pulled)++;
        if (rc != RC_OK) break;
    }
    return rc;
}

/* ------------------------------------------------------ the background */

struct fed_puller {
    struct fed_puller_config c;
    char base_url[320], name[200], contact[200], version[40];
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    atomic_int stop; /* also read by fed_pull between pages */
    int kicked;
};

static void *run(void *arg)
{
    struct fed_puller *p = arg;
    struct fed_pull_opts o = {&p->c.self, &p->stop, p->c.timeout_s,
                              FED_FEED_BYTES, FED_PAGE_MAX};
    struct db *db = NULL;
    int pulled;

    pthread_mutex_lock(&p->lock);
    while (!p->stop) {
        struct timespec ts;

        pthread_mutex_unlock(&p->lock);
        if (!db && db_open(p->c.db_path, &p->c.db, &db) != RC_OK) db = NULL;
        if (db)
            fed_pull_due(db, &o, p->c.interval_s, (long long)time(NULL),
                         &pulled);
        pthread_mutex_lock(&p->lock);
        if (p->stop) break;
        if (!p->kicked) {
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += 1;
            pthread_cond_timedwait(&p->wake, &p->lock, &ts);
        }
        p->kicked = 0;
    }
    pthread_mutex_unlock(&p->lock);
    db_close(db);
    return NULL;
}

struct fed_puller *fed_puller_start(const struct fed_puller_config *c)
{
    struct fed_puller *p = calloc(1, sizeof *p);

    if (!p) return NULL;
    p->c = *c;
    /* What a pull writes can be pulled again: its connection does not
     * wait for the disk at each page (WAL, synchronous=NORMAL: a power
     * cut may lose the last pages, never mix a page with its cursor). */
    p->c.db.synchronous = "NORMAL";
    snprintf(p->base_url, sizeof p->base_url, "%s",
             c->self.base_url ? c->self.base_url : "");
    snprintf(p->name, sizeof p->name, "%s", c->self.name ? c->self.name : "");
    snprintf(p->contact, sizeof p->contact, "%s",
             c->self.contact ? c->self.contact : "");
    snprintf(p->version, sizeof p->version, "%s",
             c->self.version ? c->self.version : "");
    p->c.self.base_url = p->base_url;
    p->c.self.name = p->name;
    p->c.self.contact = p->contact;
    p->c.self.version = p->version;
    if (p->c.interval_s < 1) p->c.interval_s = 1;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    if (pthread_create(&p->thread, NULL, run, p) != 0) {
        pthread_mutex_destroy(&p->lock);
        pthread_cond_destroy(&p->wake);
        free(p);
        return NULL;
    }
    return p;
}

void fed_puller_kick(struct fed_puller *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    p->kicked = 1;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

void fed_puller_stop(struct fed_puller *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    free(p);
}
