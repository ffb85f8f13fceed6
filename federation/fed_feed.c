/*
 * fed_feed.c: what this instance shows its peers: the descriptor and the
 * change feed (fed.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../group/group.h"
#include "../offer/offer.h"
#include "../util/buf.h"
#include "../util/check.h"
#include "../util/ids.h"
#include "../util/viewer.h"
#include "fed.h"

/* Rows read at most to fill one page of the feed (skipped ones
 * included): a feed of hidden rows costs a bounded time per request. */
#define FED_SCAN_MAX 10000

static const char sql_coops[] =
    "SELECT id, name, kind FROM cooperative WHERE peer_id IS NULL"
    " ORDER BY id";

/* The writes after ?1, oldest first: the rows' current change numbers,
 * and the tombstones of deletions, each with what fed_changes needs to
 * skip it without reading it (visibility and cooperative of a profile,
 * shown). A peer's entrepreneurs, offers and groups are not passed on;
 * their tombstones have shown 0 (never shown by us: skipped). Each arm
 * takes its first ?2 by its seq index before the merge: a batch costs its
 * size, not the size of the rest of the feed. */
static const char sql_changes[] =
    "SELECT seq, kind, id, deleted, vis, coop, shown FROM ("
    " SELECT * FROM (SELECT e.seq AS seq, 'entrepreneur' AS kind,"
    "   e.id AS id, 0 AS deleted, e.visibility AS vis,"
    "   e.cooperative_id AS coop, e.shown AS shown FROM entrepreneur e"
    "   WHERE e.seq > ?1 AND NOT EXISTS (SELECT 1 FROM cooperative c"
    "     WHERE c.id = e.cooperative_id AND c.peer_id IS NOT NULL)"
    "   ORDER BY e.seq LIMIT ?2)"
    " UNION ALL SELECT * FROM (SELECT seq, 'offer', id, 0, NULL, NULL, shown"
    "   FROM offer WHERE seq > ?1 AND peer_id IS NULL ORDER BY seq LIMIT ?2)"
    " UNION ALL SELECT * FROM (SELECT seq, 'group', id, 0, NULL, NULL, shown"
    "   FROM grp WHERE seq > ?1 AND peer_id IS NULL ORDER BY seq LIMIT ?2)"
    " UNION ALL SELECT * FROM (SELECT seq, kind, id, 1, NULL, NULL, shown"
    "   FROM tombstone WHERE seq > ?1"
    "   AND kind IN ('entrepreneur', 'offer', 'group')"
    "   ORDER BY seq LIMIT ?2))"
    " ORDER BY seq LIMIT ?2";

enum rc fed_instance(struct db *db, const struct fed_self *self,
                     json_t **out)
{
    json_t *coops = json_array(), *o;
    sqlite3_stmt *st = NULL;
    char key[64], feed[600];
    enum rc rc = coops ? fed_public_key(db, key) : RC_NOMEM;
    int src;

    *out = NULL;
    if (rc == RC_OK && !(st = db_stmt(db, sql_coops))) rc = RC_DB;
    while (rc == RC_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        o = json_pack("{s:o, s:s, s:s}", "id",
                      ids_json(sqlite3_column_int64(st, 0)), "name",
                      db_text(st, 1), "kind", db_text(st, 2));
        if (!o || json_array_append_new(coops, o)) rc = RC_NOMEM;
    }
    if (rc == RC_OK && src != SQLITE_DONE) rc = db_rc(db, src);
    db_stmt_done(st);
    snprintf(feed, sizeof feed, "%s/federation/v1/changes", self->base_url);
    if (rc == RC_OK)
        *out = json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:{s:s, s:s},"
                         " s:O, s:s, s:i, s:[s, s, s]}",
                         "name", self->name, "base_url", self->base_url,
                         "software", "name", "essaim", "version",
                         self->version, "contact", self->contact,
                         "public_key", "type", "ed25519", "key", key,
                         "cooperatives", coops, "feed", feed, "page_max",
                         FED_PAGE_MAX, "kinds", "entrepreneur", "offer",
                         "group");
    if (rc == RC_OK && !*out) rc = RC_NOMEM;
    json_decref(coops);
    return rc;
}

/* parse_cursor: "" or decimal digits (at most 18) -> *n. */
static int parse_cursor(const char *s, long long *n)
{
    size_t i, len = strlen(s);

    *n = 0;
    if (len > 18) return -1;
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        *n = *n * 10 + (s[i] - '0');
    }
    return 0;
}

/* The row of an entrepreneur for the feed: its stored document is
 * spliced into the change as it is, without parsing (the feed's cost is
 * per document: a peer pulls 100k of them). */
static const char sql_ent_doc[] =
    "SELECT e.external_id, e.cooperative_id, c.name, e.visibility, e.doc,"
    " e.created_at, e.updated_at FROM entrepreneur e"
    " JOIN cooperative c ON c.id = e.cooperative_id WHERE e.id = ?1";

/* The statements of this file, for tests/test_db.c. */
const char *const fed_feed_sql[] = {sql_coops, sql_changes, sql_ent_doc,
                                    NULL};

/* tombstone: a change that deletes (kind, id). */
static void tombstone(struct buf *b, const char *kind, long long id,
                      const char *origin)
{
    buf_addf(b, "{\"kind\":\"%s\",\"id\":\"%lld\",\"origin\":", kind, id);
    buf_add_json_str(b, origin);
    buf_adds(b, ",\"updated_at\":null,\"deleted\":true,\"doc\":null}");
}

/* ent_change: the change of entrepreneur id as v may see it, in JSON,
 * from its stored document (shaped as GET /entrepreneurs/{id} shapes it,
 * keys in another order). */
static enum rc ent_change(struct db *db, const struct viewer *v, long long id,
                          const char *origin, struct buf *b)
{
    sqlite3_stmt *st = db_stmt(db, sql_ent_doc);
    const char *doc;
    long long coop;
    size_t n;
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        db_stmt_done(st);
        if (src != SQLITE_DONE) return db_rc(db, src);
        tombstone(b, "entrepreneur", id, origin);
        return RC_OK;
    }
    coop = sqlite3_column_int64(st, 1);
    doc = db_text(st, 4);
    n = strlen(doc);
    if (!viewer_can_see(v, db_text(st, 3), coop, id) || n < 2 ||
        doc[0] != '{' || doc[n - 1] != '}') {
        db_stmt_done(st);
        tombstone(b, "entrepreneur", id, origin);
        return RC_OK;
    }
    buf_addf(b, "{\"kind\":\"entrepreneur\",\"id\":\"%lld\",\"origin\":", id);
    buf_add_json_str(b, origin);
    buf_adds(b, ",\"updated_at\":");
    buf_add_json_str(b, db_text(st, 6));
    buf_addf(b, ",\"deleted\":false,\"doc\":{\"id\":\"%lld\",\"external_id\":",
             id);
    if (sqlite3_column_type(st, 0) == SQLITE_NULL)
        buf_adds(b, "null");
    else
        buf_add_json_str(b, db_text(st, 0));
    buf_addf(b, ",\"cooperative_id\":\"%lld\",\"cooperative\":{\"id\":"
                "\"%lld\",\"name\":",
             coop, coop);
    buf_add_json_str(b, db_text(st, 2));
    buf_adds(b, "}");
    if (n > 2) {
        buf_addc(b, ',');
        buf_add(b, doc + 1, n - 2);
    }
    buf_adds(b, ",\"created_at\":");
    buf_add_json_str(b, db_text(st, 5));
    buf_adds(b, ",\"updated_at\":");
    buf_add_json_str(b, db_text(st, 6));
    buf_adds(b, "}}");
    db_stmt_done(st);
    return RC_OK;
}

/* item_change: the change of an offer or a group as v may see it; one
 * that v may not see is a tombstone when tell (v may have seen it), else
 * nothing (*skipped 1). */
static enum rc item_change(struct db *db, const struct viewer *v,
                           const char *kind, long long id, const char *origin,
                           int tell, struct buf *b, int *skipped)
{
    char ids[24], *text;
    json_t *doc = NULL, *at;
    enum rc rc;

    *skipped = 0;
    snprintf(ids, sizeof ids, "%lld", id);
    rc = !strcmp(kind, "offer") ? offer_get(db, v, ids, &doc)
                                : group_get(db, v, ids, &doc);
    if (rc == RC_NOTFOUND || rc == RC_FORBIDDEN || rc == RC_UNAUTHORIZED) {
        json_decref(doc);
        if (tell)
            tombstone(b, kind, id, origin);
        else
            *skipped = 1;
        return RC_OK;
    }
    if (rc != RC_OK) return rc;
    text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(15));
    at = json_object_get(doc, "updated_at");
    buf_addf(b, "{\"kind\":\"%s\",\"id\":\"%lld\",\"origin\":", kind, id);
    buf_add_json_str(b, origin);
    buf_adds(b, ",\"updated_at\":");
    if (json_is_string(at))
        buf_add_json_str(b, json_string_value(at));
    else
        buf_adds(b, "null");
    buf_adds(b, ",\"deleted\":false,\"doc\":");
    buf_adds(b, text ? text : "null");
    buf_addc(b, '}');
    free(text);
    json_decref(doc);
    return text ? RC_OK : RC_NOMEM;
}

/* cut: b back to its first len bytes (what was appended since goes). */
static void cut(struct buf *b, size_t len)
{
    if (b->p && b->len > len) {
        b->len = len;
        b->p[len] = 0;
    }
}

/* A row of the feed, as sql_changes gives it. */
struct row {
    long long seq, id, coop;
    int kind;      /* 0 entrepreneur, 1 offer, 2 group */
    int deleted;   /* a tombstone */
    int shown;     /* audiences it was ever shown to */
    char vis[16];  /* a profile's visibility */
};

/* batch: the rows after from, at most n, into rows; *got of them. The
 * statement ends before the documents are read on the same
 * connection. */
static enum rc batch(struct db *db, long long from, int n, struct row *rows,
                     int *got)
{
    sqlite3_stmt *st = db_stmt(db, sql_changes);
    int src = SQLITE_DONE;

    *got = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int(st, 2, n);
    while (*got < n && (src = sqlite3_step(st)) == SQLITE_ROW) {
        struct row *r = &rows[(*got)++];
        const char *k = db_text(st, 1);

        r->seq = sqlite3_column_int64(st, 0);
        r->kind = k[0] == 'e' ? 0 : k[0] == 'o' ? 1 : 2;
        r->id = sqlite3_column_int64(st, 2);
        r->deleted = sqlite3_column_int(st, 3);
        db_text_copy(r->vis, sizeof r->vis, st, 4);
        r->coop = sqlite3_column_int64(st, 5);
        r->shown = sqlite3_column_int(st, 6);
    }
    db_stmt_done(st);
    return src == SQLITE_DONE || src == SQLITE_ROW ? RC_OK : db_rc(db, src);
}

enum rc fed_changes(struct db *db, const struct viewer *v,
                    const struct fed_self *self, const char *since,
                    int limit, json_t *errs, struct buf *out)
{
    static const char *const kinds[] = {"entrepreneur", "offer", "group"};
    struct check c = {errs, ""};
    struct row *rows = NULL;
    long long from, last;
    /* Who may have seen a document: anyone (bit 1) when the asker is
     * anonymous; signed-in users and peers (bit 2) else. */
    int bit = v->role == VIEWER_ANONYMOUS ? 1 : 2;
    /* Anonymous askers, clients and peers see an offer or a group only
     * when shown has their bit: the others are skipped unread. */
    int outside = v->role == VIEWER_ANONYMOUS || v->role == VIEWER_PEER ||
                  v->role == VIEWER_CLIENT;
    int per = limit < 100 ? 100 : limit, got = 0, i, n = 0, end = 0;
    long scanned = 0;
    enum rc rc;

    if (parse_cursor(since ? since : "", &from))
        check_fail(&c, "since", "must be a cursor given by this feed (digits)");
    if (limit < 1 || limit > FED_PAGE_MAX)
        check_fail(&c, "limit", "must be an integer from 1 to %d",
                   FED_PAGE_MAX);
    if (check_failed(&c)) return RC_INVALID;
    last = from;
    rows = malloc((size_t)per * sizeof *rows);
    if (!rows) return RC_NOMEM;
    rc = RC_OK;
    buf_adds(out, "{\"changes\":[");
    /* A change the asker never saw (a profile private all along, its
     * deletion) is skipped, not told as a tombstone: a peer would learn
     * its id. Skipping shortens the page, and a short page is the end of
     * the feed to a puller: rows are read on, batch after batch, until
     * the page holds limit changes or the feed ends, at most
     * FED_SCAN_MAX rows; a page cut by that bound says "more". */
    while (rc == RC_OK && n < limit && !end && scanned < FED_SCAN_MAX) {
        /* Each batch in a read transaction of its own, ended before its
         * documents are read: offer_get and group_get run their own (a
         * refusal there rolls back, which would doom an enclosing one). */
        rc = db_begin_read(db);
        if (rc == RC_OK) rc = batch(db, last, per, rows, &got);
        if (rc == RC_OK)
            rc = db_commit(db);
        else if (db_in_transaction(db))
            db_rollback(db);
        if (rc != RC_OK) break;
        end = got < per;
        for (i = 0; rc == RC_OK && i < got && n < limit; i++) {
            const struct row *r = &rows[i];
            size_t mark = out->len;
            int tell = (r->shown & bit) != 0, skipped = 0;

            last = r->seq;
            scanned++;
            if (n) buf_addc(out, ',');
            if (r->deleted) {
                if (tell)
                    tombstone(out, kinds[r->kind], r->id, self->base_url);
                else
                    skipped = 1;
            } else if (r->kind == 0) {
                if (viewer_can_see(v, r->vis, r->coop, r->id))
                    rc = ent_change(db, v, r->id, self->base_url, out);
                else if (tell)
                    tombstone(out, "entrepreneur", r->id, self->base_url);
                else
                    skipped = 1;
            } else if (!tell && outside) {
                skipped = 1; /* it would be shown: see item_change */
            } else {
                rc = item_change(db, v, kinds[r->kind], r->id,
                                 self->base_url, tell, out, &skipped);
            }
            if (skipped)
                cut(out, mark); /* and its comma */
            else
                n++;
        }
        if (i < got) end = 0; /* the page is full before the batch's end */
    }
    buf_addf(out, "],\"next\":\"%lld\"", last);
    if (rc == RC_OK && n < limit && !end) buf_adds(out, ",\"more\":true");
    buf_addc(out, '}');
    if (rc == RC_OK && buf_oom(out)) rc = RC_NOMEM;
    free(rows);
    return rc;
}
