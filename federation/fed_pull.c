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
#include "../group/group.h"
#include "../offer/offer.h"
#include "../search/search_text.h"
#include "../util/check.h"
#include "../util/buf.h"
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
static const char sql_grp_find[] =
    "SELECT id FROM grp WHERE peer_id = ?1 AND remote_id = ?2";
static const char sql_member_of[] =
    "SELECT 1 FROM grp_member WHERE group_id = ?1 AND entrepreneur_id = ?2"
    " AND status = 'accepted'";
/* What waits for what is not here yet (store/db_schema.c 13 -> 14). */
static const char sql_pending_put[] =
    "INSERT OR REPLACE INTO fed_pending(peer_id, kind, remote_id, waits,"
    " change) VALUES(?1, ?2, ?3, ?4, ?5)";
static const char sql_pending_forget[] =
    "DELETE FROM fed_pending WHERE peer_id = ?1 AND kind = ?2"
    " AND remote_id = ?3";
static const char sql_pending_waiting[] =
    "SELECT kind, remote_id, change FROM fed_pending WHERE peer_id = ?1"
    " AND instr(waits, ?2) > 0 ORDER BY since, kind, remote_id LIMIT 1000";

/* The statements of this file, for tests/test_db.c. */
const char *const fed_pull_sql[] = {
    sql_peer,         sql_peer_descriptor, sql_origin_taken, sql_peer_page,
    sql_peer_done,    sql_peer_next,       sql_peer_failures, sql_due,
    sql_coop_find,    sql_coop_add,        sql_coop_rename,  sql_ent_find,
    sql_grp_find,     sql_member_of,       sql_pending_put,
    sql_pending_forget, sql_pending_waiting, NULL};

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
    long waiting; /* offers and groups kept waiting (fed_pending) */
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

/* get_raw: GET url (path_and_query after the peer's base URL) as this
 * instance: *res a 200's body (free it with fetch_result_free whatever
 * the rc). RC_UPSTREAM with why in err. Uses no database: runs on the
 * prefetching threads too. */
static enum rc get_raw(const struct peer *p, const struct fed_pull_opts *o,
                       const char *pq, struct fetch_result *res, char *err,
                       size_t errsize)
{
    char url[1024], sig[3][320], path[512];
    const char *headers[4] = {NULL};
    struct fetch_opts fo;
    enum rc rc;
    const char *slash;

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
    rc = fetch_url(url, &fo, res);
    if (rc == RC_TOOBIG)
        snprintf(err, errsize, "%s: answer over %ld bytes", pq, o->max_bytes);
    else if (rc != RC_OK)
        snprintf(err, errsize, "%s: %s", pq, res->error);
    else if (!res->body || res->status != 200)
        snprintf(err, errsize, "%s: HTTP %ld", pq, res->status),
            rc = RC_UPSTREAM;
    return rc == RC_OK ? RC_OK : RC_UPSTREAM;
}

/* parse: the body of a GET of pq (freed), a JSON object. */
static enum rc parse(const char *pq, struct fetch_result *res, json_t **out,
                     char *err, size_t errsize)
{
    json_error_t jerr;
    enum rc rc = RC_OK;

    *out = json_loadb(res->body, res->len, JSON_REJECT_DUPLICATES, &jerr);
    if (!*out || !json_is_object(*out)) {
        snprintf(err, errsize, "%s: not a JSON object (%s)", pq,
                 *out ? "another value" : jerr.text);
        json_decref(*out);
        *out = NULL;
        rc = RC_UPSTREAM;
    }
    fetch_result_free(res);
    return rc;
}

/* get_json: get_raw, parsed. */
static enum rc get_json(const struct peer *p, const struct fed_pull_opts *o,
                        const char *pq, json_t **out, char *err,
                        size_t errsize)
{
    struct fetch_result res;
    enum rc rc = get_raw(p, o, pq, &res, err, errsize);

    *out = NULL;
    if (rc == RC_OK) return parse(pq, &res, out, err, errsize);
    fetch_result_free(&res);
    return rc;
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

/* ------------------------------------------------------------ checking */

/* A page is checked first, then written. Checking (the change's shape,
 * its origin, and for a profile the validation and analysis of a local
 * write) reads nothing the writes change, so it runs on the thread that
 * fetched the page, on a connection of its own, while the previous page
 * is written: the two cores share the pull. */

enum what { SKIP, REFUSE, DROP, KEEP };

struct change {
    enum what what;
    const char *kind, *id;    /* the change's (borrowed from the page) */
    char *why;                /* REFUSE: the reason */
    json_t *coop;             /* KEEP: the peer's cooperative {id, name} */
    struct dir_ent_prep prep; /* KEEP: the profile, checked and analyzed */
    /* KEEP an offer or a group: */
    json_t *clean;            /* offer_check_content's / group_check_face's */
    json_t *raw;              /* the change as sent: kept waiting when what
                                 it names is not here yet */
    char owner_kind;          /* an offer's owner: 'e'ntrepreneur, 'g'roup */
    char owner[ID_MAX + 1];   /* its id at the peer */
    json_t *by;               /* an offer's delivered_by: ids at the peer */
};

/* A page and its changes, checked. */
struct checked {
    json_t *feed;
    struct change *ch;
    size_t n;
    enum rc rc; /* not RC_OK: a change could not be checked (memory) */
};

/* What checks a pull's pages: a connection (the puller's own when no
 * second one can be opened: a :memory: database) and an analyzer. */
struct checker {
    struct db *db;
    struct search_text *an;
    int own; /* db is the checker's */
};

static void checked_free(struct checked *k)
{
    size_t i;

    for (i = 0; i < k->n; i++) {
        free(k->ch[i].why);
        json_decref(k->ch[i].coop);
        json_decref(k->ch[i].clean);
        json_decref(k->ch[i].raw);
        json_decref(k->ch[i].by);
        dir_ent_prep_free(&k->ch[i].prep);
    }
    free(k->ch);
    json_decref(k->feed);
    memset(k, 0, sizeof *k);
}

static void refuse(struct change *c, const char *why)
{
    c->what = REFUSE;
    c->why = strdup(why);
}

/* refuse_errs: refused with the validation's errors as the reason. */
static void refuse_errs(struct change *c, json_t *errs)
{
    struct buf b = {0};
    json_t *e;
    size_t i;

    json_array_foreach(errs, i, e) {
        buf_addf(&b, "%s%s: %s", i ? "; " : "",
                 json_string_value(json_object_get(e, "field")),
                 json_string_value(json_object_get(e, "message")));
    }
    c->what = REFUSE;
    c->why = buf_take(&b);
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

/* check_profile: the peer's entrepreneur id as doc (the page's, changed
 * in place) says. RC_OK also when refused (c says why). */
static enum rc check_profile(struct checker *ck, json_t *doc,
                             struct change *c)
{
    const char *vis = json_string_value(json_object_get(doc, "visibility"));
    json_t *coop = json_object_get(doc, "cooperative"), *errs;
    const char *crid = json_string_value(json_object_get(coop, "id"));
    const char *cname = json_string_value(json_object_get(coop, "name"));
    enum rc rc;

    if (!vis || (strcmp(vis, "public") && strcmp(vis, "network"))) {
        c->what = DROP; /* not meant for us (a peer shows no more) */
        return RC_OK;
    }
    if (!in_range(json_object_get(doc, "location"))) {
        refuse(c, "location: coordinates out of range");
        return RC_OK;
    }
    if (!crid || !*crid || strlen(crid) > ID_MAX || !cname || !*cname ||
        strlen(cname) > 200) {
        refuse(c, "cooperative: {id, name} missing or too long");
        return RC_OK;
    }
    c->coop = json_incref(coop);
    json_object_del(doc, "id");
    json_object_del(doc, "cooperative");
    json_object_del(doc, "cooperative_external_id");
    json_object_del(doc, "cooperative_id");
    json_object_set_new(doc, "external_id", json_string(c->id));
    errs = json_array();
    if (!errs) return RC_NOMEM;
    rc = dir_ent_prepare_placed(ck->db, ck->an, doc, 0, errs, &c->prep);
    if (rc == RC_OK) {
        c->what = KEEP;
    } else if (rc == RC_INVALID || rc == RC_CONFLICT) {
        refuse_errs(c, errs);
        rc = RC_OK;
    }
    json_decref(errs);
    return rc;
}

/* remote_id: j, an id at the peer (a string of 1 to ID_MAX bytes, or a
 * positive integer), into out. 1 if it is one. */
static int remote_id(json_t *j, char out[ID_MAX + 1])
{
    if (json_is_integer(j) && json_integer_value(j) > 0) {
        snprintf(out, ID_MAX + 1, "%lld", (long long)json_integer_value(j));
        return 1;
    }
    if (!json_is_string(j) || !json_string_length(j) ||
        json_string_length(j) > ID_MAX ||
        strlen(json_string_value(j)) != json_string_length(j))
        return 0;
    snprintf(out, ID_MAX + 1, "%s", json_string_value(j));
    return 1;
}

/* checked: c kept with clean, or refused with the errors of errs. */
static enum rc checked(struct change *c, json_t *ch, json_t *clean,
                       json_t *errs)
{
    if (json_array_size(errs)) {
        refuse_errs(c, errs);
        json_decref(clean);
    } else {
        c->what = KEEP;
        c->clean = clean;
        c->raw = json_incref(ch);
    }
    json_decref(errs);
    return RC_OK;
}

/* check_offer: the peer's offer as doc (GET /offers/{id} for us) says:
 * its owner and deliverers named by their ids at the peer (mapped to
 * their copies when it is written), its own fields as a local write
 * checks them (offer_check_content: title, description, trades, price,
 * sizes). RC_OK also when refused (c says why). */
static enum rc check_offer(struct checker *ck, json_t *ch, json_t *doc,
                           struct change *c)
{
    json_t *owner = json_object_get(doc, "owner");
    const char *ok = json_string_value(json_object_get(owner, "kind"));
    const char *status = json_string_value(json_object_get(doc, "status"));
    json_t *by = json_object_get(doc, "delivered_by"), *x, *clean, *errs;
    struct check chk;
    size_t i;

    if (status && strcmp(status, "active")) {
        c->what = DROP; /* retired: gone for everyone but its editors */
        return RC_OK;
    }
    if (!ok || (strcmp(ok, "entrepreneur") && strcmp(ok, "group")) ||
        !remote_id(json_object_get(owner, "id"), c->owner)) {
        refuse(c, "owner: must be {kind: entrepreneur or group, id}");
        return RC_OK;
    }
    c->owner_kind = ok[0];
    if (by && !json_is_null(by) &&
        (!json_is_array(by) || json_array_size(by) > OFFER_DELIVERED_MAX)) {
        refuse(c, "delivered_by: must be an array of at most 100"
                  " {entrepreneur_id}");
        return RC_OK;
    }
    if (!(c->by = json_array())) return RC_NOMEM;
    json_array_foreach(by, i, x) {
        char id[ID_MAX + 1];

        if (!remote_id(json_is_object(x)
                           ? json_object_get(x, "entrepreneur_id")
                           : x,
                       id)) {
            char why[80];

            snprintf(why, sizeof why,
                     "delivered_by[%zu]: must be an entrepreneur id", i);
            refuse(c, why);
            return RC_OK;
        }
        json_array_append_new(c->by, json_string(id));
    }
    clean = json_object();
    errs = json_array();
    if (!clean || !errs) {
        json_decref(clean);
        json_decref(errs);
        return RC_NOMEM;
    }
    chk.errs = errs;
    chk.path = "";
    offer_check_content(ck->db, &chk, doc, clean);
    return checked(c, ch, clean, errs);
}

/* check_group: the peer's group as doc (its public face for us) says:
 * kind, name, description, slug as a local write checks them, and its
 * accepted members by their ids at the peer. */
static enum rc check_group(json_t *ch, json_t *doc, struct change *c)
{
    json_t *clean = json_object(), *errs = json_array();
    struct check chk;

    if (!clean || !errs) {
        json_decref(clean);
        json_decref(errs);
        return RC_NOMEM;
    }
    chk.errs = errs;
    chk.path = "";
    group_check_face(&chk, doc, clean);
    return checked(c, ch, clean, errs);
}

/* check_change: one change of the peer's page. */
static enum rc check_change(struct checker *ck, const struct peer *p,
                            json_t *ch, struct change *c)
{
    const char *kind = json_string_value(json_object_get(ch, "kind"));
    const char *id = json_string_value(json_object_get(ch, "id"));
    const char *origin = json_string_value(json_object_get(ch, "origin"));
    json_t *deleted = json_object_get(ch, "deleted");
    json_t *doc = json_object_get(ch, "doc");

    c->kind = kind;
    c->id = id;
    if (!json_is_object(ch) || !kind || !id || !*id || strlen(id) > ID_MAX ||
        strlen(kind) > 20) {
        refuse(c, "not a change {kind, id, origin, deleted, doc}");
        return RC_OK;
    }
    if (!origin || strcmp(origin, p->origin)) {
        char why[200];

        snprintf(why, sizeof why, "origin %.150s is not the peer's",
                 origin ? origin : "(none)");
        refuse(c, why);
        return RC_OK;
    }
    if (!json_is_boolean(deleted) ||
        (!json_is_null(doc) && !json_is_object(doc)) ||
        (json_is_false(deleted) && !json_is_object(doc))) {
        refuse(c, "deleted must be a boolean, doc an object");
        return RC_OK;
    }
    if (strcmp(kind, "entrepreneur") && strcmp(kind, "offer") &&
        strcmp(kind, "group"))
        return RC_OK; /* a kind we do not keep */
    if (json_is_true(deleted)) {
        c->what = DROP;
        return RC_OK;
    }
    if (!strcmp(kind, "offer")) return check_offer(ck, ch, doc, c);
    if (!strcmp(kind, "group")) return check_group(ch, doc, c);
    /* Sizes: the profile's checks cap every field. */
    return check_profile(ck, doc, c);
}

/* check_page: feed (taken), a page checked page_ok, its changes checked
 * into *k. */
static void check_page(struct checker *ck, const struct peer *p,
                       json_t *feed, struct checked *k)
{
    json_t *changes = json_object_get(feed, "changes");
    size_t i;

    memset(k, 0, sizeof *k);
    k->feed = feed;
    k->ch = calloc(json_array_size(changes) + 1, sizeof *k->ch);
    if (!k->ch) {
        k->rc = RC_NOMEM;
        return;
    }
    /* One read transaction for the page: not one per statement, each
     * taking the WAL's read lock (system calls, and a lock the writer's
     * commits take too). */
    k->rc = db_begin_read(ck->db);
    for (i = 0; i < json_array_size(changes) && k->rc == RC_OK; i++, k->n++)
        k->rc = check_change(ck, p, json_array_get(changes, i), &k->ch[i]);
    if (db_in_transaction(ck->db)) db_commit(ck->db);
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
    long long row[2];
    enum rc rc = db_find_ids(db, sql_ent_find, peer, rid, row, 2);

    *id = row[0];
    *coop = row[1];
    return rc;
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
 * {id, name} (checked): made, or renamed, as needed. */
static enum rc remote_coop(struct db *db, const struct peer *p, json_t *c,
                           long long *coop)
{
    const char *rid = json_string_value(json_object_get(c, "id"));
    const char *name = json_string_value(json_object_get(c, "name"));
    const char *kind = json_string_value(json_object_get(p->kinds, rid));
    sqlite3_stmt *st;
    int src, same = 0;
    enum rc rc = RC_OK;

    *coop = 0;
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

/* coop_of: the local cooperative of the peer's cooperative c, from the
 * page's cache (remote id -> local id) or remote_coop. */
static enum rc coop_of(struct db *db, const struct peer *p, json_t *c,
                       json_t *cache, long long *coop)
{
    const char *rid = json_string_value(json_object_get(c, "id"));
    json_t *hit = json_object_get(cache, rid);
    enum rc rc;

    if (hit) {
        *coop = json_integer_value(hit);
        return RC_OK;
    }
    rc = remote_coop(db, p, c, coop);
    if (rc == RC_OK) json_object_set_new(cache, rid, json_integer(*coop));
    return rc;
}

/* ---- a peer's offers and groups
 *
 * They name the peer's entrepreneurs and groups by their ids there; each
 * is mapped to its copy here (an entrepreneur by cooperative.peer_id and
 * external_id, a group by grp.peer_id and remote_id). A feed comes in
 * the order of the last writes: an offer often comes before its owner
 * (a profile edited after its offer), a group before its members. What
 * is not here yet is waited for: the change is kept in fed_pending as
 * the peer sent it, with what it waits for, and applied again (checked
 * again, on this thread) when one of those arrives. An offer without its
 * owner is not written; a group is written with the members that are
 * here, and again as the others arrive; an offer's deliverer who is not
 * here (or not yet a member of the group's copy) is left out until then.
 * A newer change of the same document, or its tombstone, replaces what
 * waits; deleting the peer takes it all (ON DELETE CASCADE). Nothing is
 * lost and nothing crashes; what waits for a document that never comes
 * (a deliverer hidden from us) costs one row per offer or group. */

static enum rc apply_change(struct db *db, const struct peer *p,
                            struct change *c, json_t *cache, struct page *pg,
                            int depth);

/* local_grp: the local copy of the peer's group rid (*id 0: none). */
static enum rc local_grp(struct db *db, long long peer, const char *rid,
                         long long *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_grp_find);
    int src;

    *id = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, peer);
    sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) *id = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* member_of: is entrepreneur ent an accepted member of group g? */
static enum rc member_of(struct db *db, long long g, long long ent, int *yes)
{
    sqlite3_stmt *st = db_stmt(db, sql_member_of);
    int src;

    *yes = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, g);
    sqlite3_bind_int64(st, 2, ent);
    src = sqlite3_step(st);
    *yes = src == SQLITE_ROW;
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* pending: change c of the peer waits for waits (" e:ID g:ID ", "" for
 * nothing: it waits no more). */
static enum rc pending(struct db *db, const struct peer *p,
                       const struct change *c, const struct buf *waits)
{
    sqlite3_stmt *st;
    char *text;

    if (!c->kind || !c->id) return RC_OK;
    if (!waits->len) {
        st = db_stmt(db, sql_pending_forget);
        if (!st) return RC_DB;
        sqlite3_bind_int64(st, 1, p->id);
        sqlite3_bind_text(st, 2, c->kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, c->id, -1, SQLITE_STATIC);
        return db_step_done(db, st);
    }
    text = json_dumps(c->raw, JSON_COMPACT | JSON_REAL_PRECISION(15));
    if (buf_oom(waits) || !text) {
        free(text);
        return RC_NOMEM;
    }
    st = db_stmt(db, sql_pending_put);
    if (!st) {
        free(text);
        return RC_DB;
    }
    sqlite3_bind_int64(st, 1, p->id);
    sqlite3_bind_text(st, 2, c->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, c->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, buf_str(waits), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, text, -1, free);
    return db_step_done(db, st);
}

/* waits_for: " k:id" appended to w (then its closing space). */
static void waits_for(struct buf *w, char k, const char *id)
{
    if (!w->len) buf_addc(w, ' ');
    buf_addf(w, "%c:%s ", k, id);
}

/* wake: apply again what waits for the peer's k (e or g) rid, now here. */
static enum rc wake(struct db *db, const struct peer *p, char k,
                    const char *rid, json_t *cache, struct page *pg,
                    int depth)
{
    sqlite3_stmt *st;
    struct checker ck = {db, NULL, 0};
    json_t *todo = json_array(), *row;
    char key[ID_MAX + 8];
    size_t i;
    enum rc rc = todo ? RC_OK : RC_NOMEM;
    int src = SQLITE_DONE;

    /* An entrepreneur wakes a group, which wakes its offers: no more. */
    if (depth > 2 || rc != RC_OK) {
        json_decref(todo);
        return rc;
    }
    snprintf(key, sizeof key, " %c:%s ", k, rid);
    st = db_stmt(db, sql_pending_waiting);
    if (!st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, p->id);
        sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
        while ((src = sqlite3_step(st)) == SQLITE_ROW)
            json_array_append_new(todo, json_string(db_text(st, 2)));
        db_stmt_done(st);
        if (src != SQLITE_DONE) rc = db_rc(db, src);
    }
    json_array_foreach(todo, i, row) {
        struct change c;
        json_t *ch;

        if (rc != RC_OK) break;
        ch = json_loads(json_string_value(row), 0, NULL);
        memset(&c, 0, sizeof c);
        if (!ch) continue;
        rc = check_change(&ck, p, ch, &c);
        if (rc == RC_OK) rc = apply_change(db, p, &c, cache, pg, depth + 1);
        if (rc == RC_INVALID) {
            /* Refused now (counted): it waits no more. */
            struct buf none = {0};

            rc = pending(db, p, &c, &none);
        }
        free(c.why);
        json_decref(c.coop);
        json_decref(c.clean);
        json_decref(c.raw);
        json_decref(c.by);
        dir_ent_prep_free(&c.prep);
        json_decref(ch);
    }
    json_decref(todo);
    return rc;
}

/* keep_offer: write the peer's offer c, or keep it waiting. */
static enum rc keep_offer(struct db *db, const struct peer *p,
                          struct change *c, struct page *pg)
{
    long long owner = 0, coop, *ents = NULL;
    struct buf waits = {0};
    size_t i, n = 0;
    json_t *x;
    int created, yes;
    enum rc rc;

    if (c->owner_kind == 'e')
        rc = local_ent(db, p->id, c->owner, &owner, &coop);
    else
        rc = local_grp(db, p->id, c->owner, &owner);
    if (rc != RC_OK) return rc;
    if (!owner) {
        /* Its owner is not here yet: not written, kept waiting. */
        waits_for(&waits, c->owner_kind, c->owner);
        rc = pending(db, p, c, &waits);
        if (rc == RC_OK) pg->waiting++;
        buf_free(&waits);
        return rc;
    }
    ents = malloc((json_array_size(c->by) + 1) * sizeof *ents);
    if (!ents) return RC_NOMEM;
    if (c->owner_kind == 'e') {
        ents[n++] = owner; /* an entrepreneur's offer: delivered by them */
    } else {
        json_array_foreach(c->by, i, x) {
            long long e = 0;

            if (rc != RC_OK) break;
            rc = local_ent(db, p->id, json_string_value(x), &e, &coop);
            if (rc == RC_OK && e) rc = member_of(db, owner, e, &yes);
            if (rc != RC_OK) break;
            if (!e)
                waits_for(&waits, 'e', json_string_value(x));
            else if (!yes)
                waits_for(&waits, 'g', c->owner);
            else
                ents[n++] = e;
        }
    }
    if (rc == RC_OK)
        rc = offer_remote_store(db, p->id, c->id, c->owner_kind == 'g', owner,
                                c->clean, ents, n, &created);
    if (rc == RC_OK) rc = pending(db, p, c, &waits);
    if (rc == RC_OK) pg->accepted++;
    free(ents);
    buf_free(&waits);
    return rc;
}

/* keep_group: write the peer's group c with the members that are here;
 * it waits for the others. */
static enum rc keep_group(struct db *db, const struct peer *p,
                          struct change *c, json_t *cache, struct page *pg,
                          int depth)
{
    json_t *members = json_object_get(c->clean, "members"), *m;
    size_t i, n = 0, k = json_array_size(members);
    long long *ents = malloc((k + 1) * sizeof *ents), id, coop;
    const char **roles = malloc((k + 1) * sizeof *roles);
    struct buf waits = {0};
    enum rc rc = ents && roles ? RC_OK : RC_NOMEM;

    json_array_foreach(members, i, m) {
        const char *rid =
            json_string_value(json_object_get(m, "entrepreneur_id"));
        long long e = 0;

        if (rc != RC_OK) break;
        rc = local_ent(db, p->id, rid, &e, &coop);
        if (rc == RC_OK && !e) waits_for(&waits, 'e', rid);
        if (rc == RC_OK && e) {
            ents[n] = e;
            roles[n++] = json_string_value(json_object_get(m, "role"));
        }
    }
    if (rc == RC_OK)
        rc = group_remote_store(db, p->id, c->id, c->clean, ents, roles, n,
                                &id);
    if (rc == RC_OK) rc = pending(db, p, c, &waits);
    if (rc == RC_OK) pg->accepted++;
    /* Its offers that waited for it (or for its members to be in it). */
    if (rc == RC_OK) rc = wake(db, p, 'g', c->id, cache, pg, depth);
    free(ents);
    free(roles);
    buf_free(&waits);
    if (rc == RC_CONFLICT) {
        reject(pg, c->kind, c->id, "slug: no free slug here");
        rc = RC_INVALID;
    }
    return rc;
}

/* drop_item: the peer's offer or group c gone (a tombstone, or hidden
 * from us now), and what of it waited. */
static enum rc drop_item(struct db *db, const struct peer *p,
                         const struct change *c, struct page *pg)
{
    struct buf none = {0};
    int dropped = 0;
    enum rc rc = !strcmp(c->kind, "offer")
                     ? offer_remote_drop(db, p->id, c->id, &dropped)
                     : group_remote_drop(db, p->id, c->id, &dropped);

    pg->deleted += dropped;
    return rc == RC_OK ? pending(db, p, c, &none) : rc;
}

/* apply_change: one checked change written (in the caller's
 * transaction). RC_INVALID, counted in pg, refuses it alone. depth: how
 * deep in changes woken by others (wake). */
static enum rc apply_change(struct db *db, const struct peer *p,
                            struct change *c, json_t *cache, struct page *pg,
                            int depth)
{
    long long coop = 0, id, was;
    json_t *errs;
    int dropped, created, item;
    enum rc rc;

    item = c->kind && strcmp(c->kind, "entrepreneur");
    switch (c->what) {
    case SKIP:
        return RC_OK;
    case REFUSE:
        reject(pg, c->kind, c->id, c->why ? c->why : "refused");
        return RC_INVALID;
    case DROP:
        if (item) return drop_item(db, p, c, pg);
        rc = drop_ent(db, p->id, c->id, &dropped);
        pg->deleted += dropped;
        return rc;
    case KEEP:
        break;
    }
    if (item && !strcmp(c->kind, "offer")) return keep_offer(db, p, c, pg);
    if (item) return keep_group(db, p, c, cache, pg, depth);
    /* A move between the peer's cooperatives makes a new row. */
    rc = coop_of(db, p, c->coop, cache, &coop);
    if (rc == RC_OK) rc = local_ent(db, p->id, c->id, &id, &was);
    if (rc == RC_OK && id && was != coop)
        rc = drop_ent(db, p->id, c->id, &dropped);
    if (rc != RC_OK) return rc;
    c->prep.coop = coop;
    if (!(errs = json_array())) return RC_NOMEM;
    rc = dir_ent_store(db, &viewer_system, &c->prep, errs, &created);
    if (rc == RC_OK) {
        pg->accepted++;
        /* The offers and groups that waited for this profile. */
        rc = wake(db, p, 'e', c->id, cache, pg, depth);
    } else if (rc == RC_INVALID || rc == RC_CONFLICT) {
        struct change r = {0};

        refuse_errs(&r, errs);
        reject(pg, c->kind, c->id, r.why ? r.why : "refused");
        free(r.why);
        rc = RC_INVALID;
    }
    json_decref(errs);
    return rc;
}

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

/* apply_page: in one transaction: every checked change written, the new
 * cursor (a crash loses the page whole, pulled again at the next round).
 * When a write fails (not a check: it dooms the transaction), the changes
 * again one by one, each in its own, and the cursor after them, so one
 * change that cannot be written cannot block the feed. */
static enum rc apply_page(struct db *db, const struct peer *p,
                          struct checked *k, const char *next,
                          struct page *pg)
{
    json_t *cache = json_object();
    size_t i;
    enum rc rc = cache ? k->rc : RC_NOMEM;

    memset(pg, 0, sizeof *pg);
    if (rc == RC_OK) rc = db_begin(db);
    for (i = 0; rc == RC_OK && i < k->n; i++) {
        rc = apply_change(db, p, &k->ch[i], cache, pg, 0);
        if (rc == RC_INVALID) rc = RC_OK;
    }
    if (rc == RC_OK) rc = save_page(db, p, next, pg);
    if (rc == RC_OK) rc = db_commit(db);
    else if (db_in_transaction(db)) db_rollback(db);
    if (rc == RC_OK || rc == RC_NOMEM || rc == RC_BUSY) goto out;
    memset(pg, 0, sizeof *pg);
    json_object_clear(cache);
    for (i = 0; i < k->n; i++) {
        rc = db_begin(db);
        if (rc != RC_OK) goto out;
        rc = apply_change(db, p, &k->ch[i], cache, pg, 0);
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

/* page_ok: is feed a page of at most page changes after cursor? */
static int page_ok(json_t *feed, int page, const char *cursor)
{
    json_t *changes = json_object_get(feed, "changes");
    const char *next = json_string_value(json_object_get(feed, "next"));
    int more = json_is_true(json_object_get(feed, "more"));

    /* A page with changes, or one that says there is more, moves the
     * cursor on: a peer cannot keep us asking for the same page. */
    return json_is_array(changes) && json_array_size(changes) <= (size_t)page &&
           is_cursor(next) &&
           ((!json_array_size(changes) && !more) ||
            strtoll(next, NULL, 10) > strtoll(cursor, NULL, 10));
}

/* checker_open / checker_close: a pull's checker, on a connection of its
 * own when the database is a file. */
static enum rc checker_open(struct db *db, struct checker *ck)
{
    static const struct db_opts ro = {0, NULL, 1, 0};
    const char *file = sqlite3_db_filename(db_handle(db), "main");

    memset(ck, 0, sizeof *ck);
    ck->an = search_text_new(8192);
    if (!ck->an) return RC_NOMEM;
    ck->own = file && *file && db_open(file, &ro, &ck->db) == RC_OK;
    if (!ck->own) ck->db = db;
    return RC_OK;
}

static void checker_close(struct checker *ck)
{
    if (ck->own) db_close(ck->db);
    search_text_free(ck->an);
}

/* A page fetched and checked ahead, on its own thread, while the
 * previous one is written: the peer's work, the network and the checks
 * overlap with the writes. The thread also frees a page already written
 * (the memory of the thread that made it, which takes no lock of the
 * writer's). */
struct ahead {
    const struct peer *p;
    const struct fed_pull_opts *o;
    struct checker *ck;
    int page;             /* changes asked for */
    char cursor[24];      /* asked after */
    struct checked k;     /* the page, checked */
    struct checked old;   /* a page written, to free */
    enum rc rc;
    char error[256];
    struct raw *raw;      /* the page after, downloading, or NULL */
};

/* A page downloaded ahead, raw, while the one before it is parsed and
 * checked: the peer's time to answer (17 ms a page of 1000 here) is not
 * waited for. */
struct raw {
    const struct peer *p;
    const struct fed_pull_opts *o;
    char pq[128];
    struct fetch_result res;
    enum rc rc;
    char error[256];
    pthread_t th;
};

static void *download(void *arg)
{
    struct raw *w = arg;

    w->rc = get_raw(w->p, w->o, w->pq, &w->res, w->error, sizeof w->error);
    return NULL;
}

/* raw_start: download pq ahead (NULL when no thread can be had). */
static struct raw *raw_start(const struct peer *p,
                             const struct fed_pull_opts *o, const char *pq)
{
    struct raw *w = calloc(1, sizeof *w);

    if (!w) return NULL;
    w->p = p;
    w->o = o;
    snprintf(w->pq, sizeof w->pq, "%s", pq);
    if (pthread_create(&w->th, NULL, download, w) != 0) {
        free(w);
        return NULL;
    }
    return w;
}

/* raw_take: the downloaded page w (freed), parsed, if it is pq's; else
 * RC_NOTFOUND (and nothing kept). */
static enum rc raw_take(struct raw *w, const char *pq, json_t **out,
                        char *err, size_t errsize)
{
    enum rc rc;

    pthread_join(w->th, NULL);
    if (strcmp(w->pq, pq))
        rc = RC_NOTFOUND;
    else if ((rc = w->rc) != RC_OK)
        snprintf(err, errsize, "%s", w->error);
    else
        rc = parse(pq, &w->res, out, err, errsize);
    fetch_result_free(&w->res);
    free(w);
    return rc;
}

/* fetch: a->k, the page after a->cursor, checked (unless the checker
 * needs the caller's thread: then the caller checks it). */
static void *fetch(void *arg)
{
    struct ahead *a = arg;
    json_t *feed = NULL;
    char pq[128];

    checked_free(&a->old);
    memset(&a->k, 0, sizeof a->k);
    snprintf(pq, sizeof pq, "/federation/v1/changes?since=%s&limit=%d",
             a->cursor, a->page);
    a->rc = RC_NOTFOUND;
    if (a->raw) a->rc = raw_take(a->raw, pq, &feed, a->error, sizeof a->error);
    a->raw = NULL;
    if (a->rc == RC_NOTFOUND)
        a->rc = get_json(a->p, a->o, pq, &feed, a->error, sizeof a->error);
    if (a->rc == RC_OK && !page_ok(feed, a->page, a->cursor)) {
        snprintf(a->error, sizeof a->error,
                 "changes: not a change feed page (changes, next)");
        a->rc = RC_UPSTREAM;
    }
    /* A full page: the one after it, downloading while this one is
     * checked. */
    if (a->rc == RC_OK && json_array_size(json_object_get(feed, "changes")) ==
                              (size_t)a->page) {
        snprintf(pq, sizeof pq, "/federation/v1/changes?since=%s&limit=%d",
                 json_string_value(json_object_get(feed, "next")), a->page);
        a->raw = raw_start(a->p, a->o, pq);
    }
    if (a->rc != RC_OK) {
        json_decref(feed);
    } else if (a->ck->own) {
        check_page(a->ck, a->p, feed, &a->k);
    } else {
        a->k.feed = feed;
        a->k.rc = RC_UNSUPPORTED; /* not checked yet */
    }
    return NULL;
}

static void *fetch_thread(void *arg)
{
    pthread_setname_np(pthread_self(), "fed-fetch"); /* for top -H */
    return fetch(arg);
}

enum rc fed_pull(struct db *db, long long id, const struct fed_pull_opts *o,
                 struct fed_pull_stats *st)
{
    struct peer p;
    struct page pg;
    struct checker ck;
    struct checked k = {0}, done = {0};
    struct ahead a;
    pthread_t th;
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
    if (rc == RC_OK) rc = checker_open(db, &ck);
    else memset(&ck, 0, sizeof ck);
    memset(&a, 0, sizeof a);
    a.p = &p;
    a.o = o;
    a.ck = &ck;
    a.page = page;
    snprintf(a.cursor, sizeof a.cursor, "%s", p.cursor);
    for (n = 0; rc == RC_OK && n < FED_PAGES_PER_PULL; n++) {
        if (n == 0) fetch(&a); /* the first page: nothing to overlap */
        k = a.k;
        memset(&a.k, 0, sizeof a.k);
        if (a.rc != RC_OK) {
            rc = a.rc;
            snprintf(st->error, sizeof st->error, "%s", a.error);
            break;
        }
        if (k.rc == RC_UNSUPPORTED) {
            json_t *feed = k.feed;

            check_page(&ck, &p, feed, &k);
        }
        if (o->stop && atomic_load(o->stop)) {
            st->more = 1; /* the rest at the next start */
            break;
        }
        next = json_string_value(json_object_get(k.feed, "next"));
        /* A short page is the end of the feed, unless the peer says it
         * stopped short of it ("more": it skipped what we may not see). */
        last = (json_array_size(json_object_get(k.feed, "changes")) <
                    (size_t)page &&
                !json_is_true(json_object_get(k.feed, "more"))) ||
               n + 1 == FED_PAGES_PER_PULL;
        /* The next page, fetched and checked while this one is written. */
        threaded = 0;
        if (!last) {
            snprintf(a.cursor, sizeof a.cursor, "%s", next);
            a.old = done;
            memset(&done, 0, sizeof done);
            threaded = pthread_create(&th, NULL, fetch_thread, &a) == 0;
        }
        rc = apply_page(db, &p, &k, next, &pg);
        if (rc == RC_OK) {
            st->pages++;
            st->accepted += pg.accepted;
            st->deleted += pg.deleted;
            st->rejected += pg.rejected;
            st->waiting += pg.waiting;
            snprintf(p.cursor, sizeof p.cursor, "%s", next);
        }
        checked_free(&done);
        done = k;
        memset(&k, 0, sizeof k);
        if (last) break;
        if (threaded)
            pthread_join(th, NULL);
        else
            fetch(&a);
    }
    if (a.raw) {
        json_t *unused = NULL;

        raw_take(a.raw, "", &unused, st->error, 0);
    }
    checked_free(&k);
    checked_free(&done);
    checked_free(&a.k);
    checked_free(&a.old);
    checker_close(&ck);
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
    struct checker ck;
    struct checked k;
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
    } else if ((rc = checker_open(db, &ck)) == RC_OK) {
        check_page(&ck, &p, json_incref(d), &k);
        rc = apply_page(db, &p, &k,
                        json_string_value(json_object_get(d, "next")), &pg);
        st->pages = rc == RC_OK;
        st->accepted = pg.accepted;
        st->deleted = pg.deleted;
        st->rejected = pg.rejected;
        st->waiting = pg.waiting;
        checked_free(&k);
        checker_close(&ck);
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

    pthread_setname_np(pthread_self(), "fed-pull");
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
