/*
 * search_item_db.c: the index entries of offers, groups and time posts,
 * written before COMMIT from what the triggers marked changed (see
 * search_item.h); and the post rows that search results show.
 */
#include "search_item.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../store/db_schema.h"
#include "../util/buf.h"
#include "../util/log.h"
#include "search_index.h"
#include "search_text.h"

/* The migration that makes search_dirty and its triggers: 8 -> 9. */
#define MIGRATION 8

static const char sql_dirty[] = "SELECT kind, id FROM search_dirty";
static const char sql_dirty_clear[] = "DELETE FROM search_dirty";
static const char sql_dirty_all[] =
    "INSERT OR IGNORE INTO search_dirty(kind, id)"
    " SELECT 1, id FROM offer UNION ALL SELECT 2, id FROM grp"
    " UNION ALL SELECT 3, id FROM time_post";
static const char sql_offer[] =
    "SELECT o.status, o.title, o.doc, o.entrepreneur_id,"
    " coalesce(e.display_name, g.name), g.kind"
    " FROM offer o LEFT JOIN entrepreneur e ON e.id = o.entrepreneur_id"
    " LEFT JOIN grp g ON g.id = o.group_id WHERE o.id = ?1";
static const char sql_offer_trades[] =
    "SELECT t.scheme, t.code, tr.label FROM offer_trade t"
    " LEFT JOIN trade tr ON tr.scheme = t.scheme AND tr.code = t.code"
    " WHERE t.offer_id = ?1";
static const char sql_group[] =
    "SELECT kind, name, description FROM grp WHERE id = ?1";
static const char sql_group_offers[] =
    "SELECT title FROM offer WHERE group_id = ?1 AND status = 'active'"
    " ORDER BY id";
/* A group's trades: its active offers' and its accepted members'. */
static const char sql_group_trades[] =
    "SELECT t.scheme, t.code, tr.label FROM ("
    " SELECT ot.scheme, ot.code FROM offer_trade ot"
    " JOIN offer o ON o.id = ot.offer_id"
    " WHERE o.group_id = ?1 AND o.status = 'active'"
    " UNION SELECT et.scheme, et.code FROM grp_member m"
    " JOIN entrepreneur_trade et ON et.entrepreneur_id = m.entrepreneur_id"
    " WHERE m.group_id = ?1 AND m.status = 'accepted') t"
    " LEFT JOIN trade tr ON tr.scheme = t.scheme AND tr.code = t.code";
/* Posts (contribution-temps, migration 9 -> 10). */
static const char sql_post[] =
    "SELECT p.status, p.title, p.doc, e.display_name FROM time_post p"
    " JOIN entrepreneur e ON e.id = p.entrepreneur_id WHERE p.id = ?1";
static const char sql_post_trades[] =
    "SELECT t.scheme, t.code, tr.label FROM time_post_trade t"
    " LEFT JOIN trade tr ON tr.scheme = t.scheme AND tr.code = t.code"
    " WHERE t.post_id = ?1";
static const char sql_post_row[] =
    "SELECT p.id, p.kind, p.status, p.title, p.doc, p.entrepreneur_id,"
    " e.display_name, e.cooperative_id, c.name, p.created_at"
    " FROM time_post p JOIN entrepreneur e ON e.id = p.entrepreneur_id"
    " JOIN cooperative c ON c.id = e.cooperative_id WHERE p.id = ?1";
static const char sql_offer_seq[] = "UPDATE offer SET seq = ?2 WHERE id = ?1";
static const char sql_group_seq[] = "UPDATE grp SET seq = ?2 WHERE id = ?1";
static const char sql_post_seq[] =
    "UPDATE time_post SET seq = ?2 WHERE id = ?1";
static const char sql_tombstone[] =
    "INSERT INTO tombstone(seq, kind, id) VALUES(?1, ?2, ?3)";
/* From schema 14 (store/db_schema.c 13 -> 14): who an offer or a group
 * was ever shown to (bit 1 anyone, bit 2 signed-in users and peers),
 * OR-ed at each new change number, for the feed (federation/fed_feed.c)
 * to tell a deletion only to who may have seen it. A business or trade
 * group and its offers are public (their public face); a tender team and
 * its offers are shown to nobody outside; an entrepreneur's offer is
 * shown as its owner's profile is (a change of the profile's visibility
 * marks its offers: they take a new number here). A peer's copy is never
 * in our feed: 0. A tombstone keeps the shown of the row it replaces
 * (item_gone, filled by a trigger when the row is deleted). */
#define OFFER_SHOWN                                                          \
    "CASE WHEN peer_id IS NOT NULL THEN 0 ELSE shown | coalesce("            \
    "(SELECT CASE e.visibility WHEN 'public' THEN 3 WHEN 'network' THEN 2"   \
    "  ELSE 0 END FROM entrepreneur e WHERE e.id = offer.entrepreneur_id),"  \
    " (SELECT CASE g.kind WHEN 'tender_team' THEN 0 ELSE 3 END FROM grp g"   \
    "  WHERE g.id = offer.group_id), 0) END"
static const char sql_offer_seq_shown[] =
    "UPDATE offer SET seq = ?2, shown = " OFFER_SHOWN " WHERE id = ?1";
static const char sql_group_seq_shown[] =
    "UPDATE grp SET seq = ?2, shown = CASE WHEN peer_id IS NOT NULL THEN 0"
    " WHEN kind = 'tender_team' THEN shown ELSE 3 END WHERE id = ?1";
static const char sql_tombstone_shown[] =
    "INSERT INTO tombstone(seq, kind, id, shown) VALUES(?1, ?2, ?3,"
    " coalesce((SELECT shown FROM item_gone WHERE kind = ?4 AND id = ?3),"
    " 3))";
static const char sql_gone_clear[] = "DELETE FROM item_gone";
static const char sql_seq_save[] =
    "UPDATE change_seq SET n = ?1 WHERE n < ?1";

const char *const search_item_sql[] = {
    sql_dirty,        sql_dirty_clear,  sql_dirty_all,    sql_offer,
    sql_offer_trades, sql_group,        sql_group_offers, sql_group_trades,
    sql_post,         sql_post_trades,  sql_post_row,     sql_offer_seq,
    sql_group_seq,    sql_post_seq,     sql_tombstone,    sql_seq_save,
    sql_offer_seq_shown, sql_group_seq_shown, sql_tombstone_shown,
    sql_gone_clear,   NULL};

/* What differs between the kinds of items, by enum search_kind. */
static const char *const seq_sql[] = {NULL, sql_offer_seq, sql_group_seq,
                                      sql_post_seq};
static const char *const seq_sql_shown[] = {NULL, sql_offer_seq_shown,
                                             sql_group_seq_shown,
                                             sql_post_seq};
static const char *const tombstone_kind[] = {NULL, "offer", "group", "post"};

/* trades_into: the labels of the trades a statement (scheme, code,
 * label) answers into text, their tags into tags. */
static enum rc trades_into(struct db *db, sqlite3_stmt *st, struct buf *text,
                           struct buf *tags)
{
    int src;

    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        search_index_add_text(text, db_text(st, 2));
        search_index_trade_tags(tags, db_text(st, 0), db_text(st, 1));
    }
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* titled_entry: the entry of an offer or a post whose row st holds (at
 * the columns name, headline and doc), into e: name and headline, the
 * description of its document, tag, and its trades: the codes
 * trades_sql gives for id (labels from the reference table) and the
 * labels of the free trades of its document. Gives st back. */
static enum rc titled_entry(struct db *db, struct search_text *an,
                            sqlite3_stmt *st, int name, int headline,
                            int docs, const char *tag, const char *trades_sql,
                            long long id, struct search_entry *e)
{
    struct buf text = {0}, trades = {0};
    json_t *doc = json_loads(db_text(st, docs), 0, NULL), *t;
    enum rc rc = RC_OK;
    size_t i;

    search_index_add_text(&text, db_text(st, name));
    search_index_analyze(an, &e->col[0], buf_str(&text));
    buf_reset(&text);
    search_index_add_text(&text, db_text(st, headline));
    search_index_analyze(an, &e->col[1], buf_str(&text));
    db_stmt_done(st);
    buf_reset(&text);
    search_index_add_text(
        &text, json_string_value(json_object_get(doc, "description")));
    search_index_analyze(an, &e->col[4], buf_str(&text));
    buf_adds(&e->col[5], tag);
    st = db_stmt(db, trades_sql);
    if (!st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, id);
        rc = trades_into(db, st, &trades, &e->col[5]);
    }
    json_array_foreach(json_object_get(doc, "trades"), i, t)
        search_index_add_text(&trades,
                              json_string_value(json_object_get(t, "label")));
    search_index_analyze(an, &e->col[2], buf_str(&trades));
    if (buf_oom(&text) || buf_oom(&trades)) rc = RC_NOMEM;
    json_decref(doc);
    buf_free(&text);
    buf_free(&trades);
    return rc;
}

/* offer_entry: the entry of offer id into e; *exists 0 when there is no
 * such offer, *indexed 0 when it has no entry (retired, or a tender
 * team's). */
static enum rc offer_entry(struct db *db, struct search_text *an,
                           long long id, struct search_entry *e,
                           int *exists, int *indexed)
{
    sqlite3_stmt *st = db_stmt(db, sql_offer);
    int src;

    *exists = *indexed = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        db_stmt_done(st);
        return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
    }
    *exists = 1;
    if (strcmp(db_text(st, 0), "active") ||
        !strcmp(db_text(st, 5), "tender_team")) {
        db_stmt_done(st);
        return RC_OK;
    }
    *indexed = 1;
    return titled_entry(db, an, st, 1, 4, 2, "_k_o", sql_offer_trades, id,
                        e);
}

/* group_entry: the entry of group id into e (as offer_entry); tender
 * teams have none. */
static enum rc group_entry(struct db *db, struct search_text *an,
                           long long id, struct search_entry *e,
                           int *exists, int *indexed)
{
    sqlite3_stmt *st = db_stmt(db, sql_group);
    struct buf text = {0};
    enum rc rc = RC_OK;
    int src;

    *exists = *indexed = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        db_stmt_done(st);
        return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
    }
    *exists = 1;
    if (!strcmp(db_text(st, 0), "tender_team")) {
        db_stmt_done(st);
        return RC_OK;
    }
    *indexed = 1;
    search_index_add_text(&text, db_text(st, 1));
    search_index_analyze(an, &e->col[0], buf_str(&text));
    buf_reset(&text);
    search_index_add_text(&text, db_text(st, 2));
    search_index_analyze(an, &e->col[4], buf_str(&text));
    db_stmt_done(st);
    buf_adds(&e->col[5], "_k_g");
    buf_reset(&text);
    st = db_stmt(db, sql_group_trades);
    if (!st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, id);
        rc = trades_into(db, st, &text, &e->col[5]);
    }
    search_index_analyze(an, &e->col[2], buf_str(&text));
    buf_reset(&text);
    st = rc == RC_OK ? db_stmt(db, sql_group_offers) : NULL;
    if (rc == RC_OK && !st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, id);
        while ((src = sqlite3_step(st)) == SQLITE_ROW)
            search_index_add_text(&text, db_text(st, 0));
        db_stmt_done(st);
        if (src != SQLITE_DONE) rc = db_rc(db, src);
    }
    search_index_analyze(an, &e->col[3], buf_str(&text));
    if (buf_oom(&text)) rc = RC_NOMEM;
    buf_free(&text);
    return rc;
}

/* post_entry: the entry of time post id into e (as offer_entry); a
 * closed post has none. */
static enum rc post_entry(struct db *db, struct search_text *an,
                          long long id, struct search_entry *e, int *exists,
                          int *indexed)
{
    sqlite3_stmt *st = db_stmt(db, sql_post);
    int src;

    *exists = *indexed = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        db_stmt_done(st);
        return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
    }
    *exists = 1;
    if (strcmp(db_text(st, 0), "open")) {
        db_stmt_done(st);
        return RC_OK;
    }
    *indexed = 1;
    return titled_entry(db, an, st, 1, 3, 2, "_k_p", sql_post_trades, id, e);
}

/* one: index (or drop) one marked offer, group or post, and give it a
 * new change number (or a tombstone); *seq is the last number taken.
 * shown: the schema has the shown columns (14 and later). */
static enum rc one(struct db *db, struct search_text *an, int kind,
                   long long id, int shown, long long *seq)
{
    struct search_entry e;
    sqlite3_stmt *st;
    long long rowid = id * 4 + kind;
    int exists = 0, indexed = 0, i;
    enum rc rc;

    memset(&e, 0, sizeof e);
    if (kind == SEARCH_KIND_OFFER)
        rc = offer_entry(db, an, id, &e, &exists, &indexed);
    else if (kind == SEARCH_KIND_GROUP)
        rc = group_entry(db, an, id, &e, &exists, &indexed);
    else
        rc = post_entry(db, an, id, &e, &exists, &indexed);
    for (i = 0; i < 6; i++)
        if (buf_oom(&e.col[i])) rc = RC_NOMEM;
    if (rc == RC_OK)
        rc = indexed ? search_index_put_row(db, rowid, &e)
                     : search_index_remove_row(db, rowid);
    search_index_entry_free(&e);
    if (rc == RC_OK) rc = db_next_seq(db, seq);
    if (rc != RC_OK) return rc;
    if (exists) {
        st = db_stmt(db, shown ? seq_sql_shown[kind] : seq_sql[kind]);
        if (!st) return RC_DB;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, *seq);
    } else {
        st = db_stmt(db, shown ? sql_tombstone_shown : sql_tombstone);
        if (!st) return RC_DB;
        sqlite3_bind_int64(st, 1, *seq);
        sqlite3_bind_text(st, 2, tombstone_kind[kind], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, id);
        if (shown) sqlite3_bind_int(st, 4, kind);
    }
    return db_step_done(db, st);
}

/* marked: the rows of search_dirty into *out (2 numbers each: kind, id),
 * *n of them; NULL when none. */
static enum rc marked(struct db *db, long long **out, size_t *n)
{
    sqlite3_stmt *st = db_stmt(db, sql_dirty);
    long long *v = NULL;
    size_t cap = 0;
    int src;

    *out = NULL;
    *n = 0;
    if (!st) return RC_DB;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t c = cap ? cap * 2 : 64;
            long long *w = realloc(v, c * 2 * sizeof *w);

            if (!w) {
                db_stmt_done(st);
                free(v);
                return RC_NOMEM;
            }
            v = w;
            cap = c;
        }
        v[2 * *n] = sqlite3_column_int64(st, 0);
        v[2 * *n + 1] = sqlite3_column_int64(st, 1);
        (*n)++;
    }
    db_stmt_done(st);
    if (src != SQLITE_DONE) {
        free(v);
        *n = 0;
        return db_rc(db, src);
    }
    *out = v;
    return RC_OK;
}

/* ensure: 1 when search_dirty exists, made now if needed; 0 when the
 * schema is older than 9 (a migration is being applied); -1 on error.
 * A database made while migration 8 -> 9 was a placeholder stands at
 * version 9 without the table: the migration (written to run again) is
 * applied at its first write transaction, and marks every offer and
 * group. */
static int ensure(struct db *db)
{
    sqlite3 *h = db_handle(db);
    sqlite3_stmt *st = NULL;
    int version = 0;

    if (sqlite3_table_column_metadata(h, "main", "search_dirty", "kind", NULL,
                                      NULL, NULL, NULL, NULL) == SQLITE_OK)
        return 1;
    if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version <= MIGRATION) return 0;
    log_info("search: indexing offers and groups from now on (schema"
             " migration 8 -> 9 applied again)");
    return db_exec(db, db_schema_migration(MIGRATION)) == RC_OK ? 1 : -1;
}

enum rc search_item_flush(struct db *db)
{
    sqlite3 *h = db_handle(db);
    struct search_text *an = NULL;
    long long *v = NULL, seq = 0;
    sqlite3_stmt *st;
    size_t n = 0, i;
    int shown;
    enum rc rc;

    /* Only a write transaction can hold marks of its own; a reader must
     * not start writing (a search commits its read transaction too). */
    if (sqlite3_txn_state(h, "main") != SQLITE_TXN_WRITE) return RC_OK;
    /* Migrations before 8 -> 9 commit without the table. */
    switch (ensure(db)) {
    case 0: return RC_OK;
    case 1: break;
    default: return RC_DB;
    }
    rc = marked(db, &v, &n);
    if (rc != RC_OK || !n) return rc;
    /* The shown columns came with schema 14: an older database being
     * migrated indexes without them. */
    shown = sqlite3_table_column_metadata(h, "main", "item_gone", "shown",
                                          NULL, NULL, NULL, NULL,
                                          NULL) == SQLITE_OK;
    st = db_stmt(db, sql_dirty_clear);
    rc = st ? db_step_done(db, st) : RC_DB;
    if (rc == RC_OK) {
        an = search_text_new(n > 64 ? 4096 : 0);
        if (!an) rc = RC_NOMEM;
    }
    for (i = 0; i < n && rc == RC_OK; i++) {
        int kind = (int)v[2 * i];

        if (kind == SEARCH_KIND_OFFER || kind == SEARCH_KIND_GROUP ||
            kind == SEARCH_KIND_POST)
            rc = one(db, an, kind, v[2 * i + 1], shown, &seq);
    }
    if (rc == RC_OK && shown) {
        st = db_stmt(db, sql_gone_clear);
        rc = st ? db_step_done(db, st) : RC_DB;
    }
    /* db_commit wrote change_seq before its precommit hooks ran: the
     * numbers taken here are written back here. */
    if (rc == RC_OK && seq) {
        st = db_stmt(db, sql_seq_save);
        if (!st) {
            rc = RC_DB;
        } else {
            sqlite3_bind_int64(st, 1, seq);
            rc = db_step_done(db, st);
        }
    }
    if (rc != RC_OK)
        log_error("search: cannot index the changed offers, groups and"
                  " posts (%s)",
                  rc_name(rc));
    search_text_free(an);
    free(v);
    return rc;
}

enum rc search_item_all(struct db *db)
{
    return db_exec(db, sql_dirty_all);
}

enum rc search_item_post(struct db *db, long long id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(db, sql_post_row);
    enum rc rc = RC_NOTFOUND;
    int src;

    *out = NULL;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        json_t *doc = json_loads(db_text(st, 4), 0, NULL);

        *out = json_pack("{s:I, s:s, s:s, s:s, s:o, s:I, s:s, s:I, s:s,"
                         " s:s}",
                         "id", (json_int_t)sqlite3_column_int64(st, 0),
                         "kind", db_text(st, 1), "status", db_text(st, 2),
                         "title", db_text(st, 3), "doc",
                         doc ? doc : json_object(), "entrepreneur_id",
                         (json_int_t)sqlite3_column_int64(st, 5),
                         "author_name", db_text(st, 6), "cooperative_id",
                         (json_int_t)sqlite3_column_int64(st, 7),
                         "cooperative_name", db_text(st, 8), "created_at",
                         db_text(st, 9));
        rc = *out ? RC_OK : RC_NOMEM;
    } else if (src != SQLITE_DONE) {
        rc = db_rc(db, src);
    }
    db_stmt_done(st);
    return rc;
}
