/*
 * timebank_db.c: the storage of the contribution-temps ledger: every SQL
 * statement of timebank/ (see the storage part of timebank.h; tables in
 * store/db_schema.c, migration 9 -> 10). Amounts are quarter-hours.
 */
#include "timebank.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/viewer.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

static const char sql_coop[] = "SELECT name FROM cooperative WHERE id = ?1";
static const char sql_location[] =
    "SELECT json_extract(doc, '$.location') FROM entrepreneur WHERE id = ?1";
static const char sql_limits[] =
    "SELECT account_min, account_max, coop_min, coop_max, pair_max"
    " FROM time_settings WHERE cooperative_id = ?1";
static const char sql_limits_set[] =
    "INSERT INTO time_settings(cooperative_id, account_min, account_max,"
    " coop_min, coop_max, pair_max, updated_by)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(cooperative_id) DO"
    " UPDATE SET account_min = excluded.account_min,"
    " account_max = excluded.account_max, coop_min = excluded.coop_min,"
    " coop_max = excluded.coop_max, pair_max = excluded.pair_max,"
    " updated_by = excluded.updated_by, updated_at = " NOW;
static const char sql_balance[] =
    "SELECT balance FROM time_account WHERE id = ?1";
static const char sql_coop_sum[] =
    "SELECT coalesce(sum(balance), 0) FROM time_account"
    " WHERE cooperative_id = ?1";
static const char sql_pair_net[] =
    "SELECT coalesce(sum(amount), 0) FROM time_movement"
    " WHERE coop_id = ?1 AND other_coop_id = ?2";
static const char sql_transfer[] =
    "SELECT id, from_id, to_id, amount, post_id, recorded_by,"
    " recorded_account, status, note, reason, created_at, answered_at"
    " FROM time_transfer WHERE id = ?1";
static const char sql_transfer_insert[] =
    "INSERT INTO time_transfer(from_id, to_id, amount, note, post_id,"
    " recorded_by, recorded_account) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_transfer_set[] =
    "UPDATE time_transfer SET status = ?2, reason = ?3, answered_at = " NOW
    " WHERE id = ?1 AND status = 'pending'";
static const char sql_account_put[] =
    "INSERT INTO time_account(id, cooperative_id) VALUES(?1, ?2)"
    " ON CONFLICT(id) DO UPDATE SET cooperative_id = excluded.cooperative_id";
static const char sql_account_add[] =
    "UPDATE time_account SET balance = balance + ?2 WHERE id = ?1"
    " RETURNING balance";
static const char sql_movement_add[] =
    "INSERT INTO time_movement(transfer_id, account_id, amount,"
    " balance_after, coop_id, other_id, other_coop_id)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_idem_get[] =
    "SELECT transfer_id, body_hash FROM time_idem"
    " WHERE account_id = ?1 AND key = ?2"
    " AND created_at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?3)";
static const char sql_idem_purge[] =
    "DELETE FROM time_idem"
    " WHERE created_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?1)";
static const char sql_idem_put[] =
    "INSERT OR REPLACE INTO time_idem(account_id, key, body_hash,"
    " transfer_id) VALUES(?1, ?2, ?3, ?4)";
static const char sql_notify[] =
    "INSERT INTO notification(entrepreneur_id, kind, transfer_id, text)"
    " VALUES(?1, ?2, ?3, ?4)";
static const char sql_post_insert[] =
    "INSERT INTO time_post(entrepreneur_id, kind, title, doc, insee,"
    " departement, avail_from, avail_until, seq)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char sql_post_trade[] =
    "INSERT OR IGNORE INTO time_post_trade(post_id, scheme, code)"
    " VALUES(?1, ?2, ?3)";
static const char sql_post_update[] =
    "UPDATE time_post SET kind = ?2, title = ?3, doc = ?4, insee = ?5,"
    " departement = ?6, avail_from = ?7, avail_until = ?8, status = ?9,"
    " seq = ?10, updated_at = " NOW " WHERE id = ?1";
static const char sql_post_trades_clear[] =
    "DELETE FROM time_post_trade WHERE post_id = ?1";
static const char sql_post_delete[] = "DELETE FROM time_post WHERE id = ?1";
static const char sql_post[] =
    "SELECT id, entrepreneur_id, kind, status, doc, created_at, updated_at"
    " FROM time_post WHERE id = ?1";
/* Filters: ?1 kind, ?2 département, ?3 cooperative, ?4 today, ?5 trade
 * code (a beginning), ?6 its scheme, ?9 status ('open': open and not
 * ended; '': any), ?10 author; the viewer ?90-?92. */
#define POST_WHERE                                                             \
    " FROM time_post p JOIN entrepreneur e ON e.id = p.entrepreneur_id"        \
    " WHERE (?9 = '' OR p.status = ?9) AND " VIEWER_SQL(                       \
        "e") " AND (?1 = '' OR p.kind = ?1) AND (?2 = '' OR p.departement = "  \
             "?2)"                                                             \
             " AND (?3 = 0 OR e.cooperative_id = ?3)"                          \
             " AND (?10 = 0 OR p.entrepreneur_id = ?10)"                       \
             " AND (?9 <> 'open' OR p.avail_until IS NULL"                     \
             " OR p.avail_until >= ?4)"                                        \
             " AND (?5 = '' OR EXISTS (SELECT 1 FROM time_post_trade t"        \
             " WHERE t.post_id = p.id AND (?6 = '' OR t.scheme = ?6)"          \
             " AND substr(t.code, 1, length(?5)) = ?5))"
static const char sql_post_list[] =
    "SELECT p.id" POST_WHERE " AND (?7 = 0 OR p.id < ?7)"
    " ORDER BY p.id DESC LIMIT ?8";
static const char sql_post_count[] = "SELECT count(*)" POST_WHERE;
static const char sql_history[] =
    "SELECT m.id, m.transfer_id, m.amount, m.balance_after, m.at,"
    " m.other_id, m.other_coop_id, t.note, t.post_id"
    " FROM time_movement m JOIN time_transfer t ON t.id = m.transfer_id"
    " WHERE m.account_id = ?1 AND (?2 = 0 OR m.id < ?2)"
    " ORDER BY m.id DESC LIMIT ?3";
static const char sql_totals[] =
    "SELECT coalesce(sum(CASE WHEN amount > 0 THEN amount END), 0),"
    " coalesce(-sum(CASE WHEN amount < 0 THEN amount END), 0)"
    " FROM time_movement WHERE account_id = ?1";
static const char sql_pending[] =
    "SELECT id FROM time_transfer WHERE status = 'pending'"
    " AND (from_id = ?1 OR to_id = ?1) ORDER BY id DESC LIMIT ?2";
static const char sql_report[] =
    "SELECT coalesce(sum(CASE WHEN amount > 0 THEN amount END), 0),"
    " coalesce(-sum(CASE WHEN amount < 0 THEN amount END), 0),"
    " coalesce(sum(CASE WHEN amount > 0 AND other_coop_id = coop_id"
    " THEN amount END), 0),"
    " count(DISTINCT transfer_id), count(DISTINCT account_id)"
    " FROM time_movement WHERE coop_id = ?1 AND at >= ?2 AND at < ?3";
static const char sql_report_members[] =
    "SELECT count(*) FROM entrepreneur WHERE cooperative_id = ?1";
static const char sql_report_pending[] =
    "SELECT count(*) FROM (SELECT t.id FROM entrepreneur e"
    " JOIN time_transfer t ON t.from_id = e.id AND t.status = 'pending'"
    " WHERE e.cooperative_id = ?1 UNION SELECT t.id FROM entrepreneur e"
    " JOIN time_transfer t ON t.to_id = e.id AND t.status = 'pending'"
    " WHERE e.cooperative_id = ?1)";
static const char sql_report_pairs[] =
    "SELECT other_coop_id,"
    " coalesce(sum(CASE WHEN amount > 0 AND at >= ?2 AND at < ?3"
    " THEN amount END), 0),"
    " coalesce(-sum(CASE WHEN amount < 0 AND at >= ?2 AND at < ?3"
    " THEN amount END), 0),"
    " sum(amount) FROM time_movement WHERE coop_id = ?1"
    " AND other_coop_id <> ?1 GROUP BY other_coop_id ORDER BY other_coop_id";

/* The statements of this file, for tests/test_timebank.c (each must
 * prepare against the schema). */
static const char sql_touch[] =
    "UPDATE entrepreneur SET seq = ?2 WHERE id = ?1";

const char *const timebank_sql[] = {sql_touch,
                                   
                                    sql_coop,
                                    sql_location,
                                    sql_limits,
                                    sql_limits_set,
                                    sql_balance,
                                    sql_coop_sum,
                                    sql_pair_net,
                                    sql_transfer,
                                    sql_transfer_insert,
                                    sql_transfer_set,
                                    sql_account_put,
                                    sql_account_add,
                                    sql_movement_add,
                                    sql_idem_get,
                                    sql_idem_purge,
                                    sql_idem_put,
                                    sql_notify,
                                    sql_post_insert,
                                    sql_post_update,
                                    sql_post_trades_clear,
                                    sql_post_delete,
                                    sql_post_trade,
                                    sql_post,
                                    sql_post_list,
                                    sql_post_count,
                                    sql_history,
                                    sql_totals,
                                    sql_pending,
                                    sql_report,
                                    sql_report_members,
                                    sql_report_pending,
                                    sql_report_pairs,
                                    NULL};

/* ------------------------------------------------------------- helpers */

/* one_int: the single integer the statement st (bound) answers. */
static enum rc one_int(struct db *db, sqlite3_stmt *st, long long *v)
{
    int src = sqlite3_step(st);

    *v = 0;
    if (src == SQLITE_ROW) *v = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* key_age: the SQLite date modifier of the keys' lifetime. */
static void key_age(char *buf, size_t size)
{
    snprintf(buf, size, "-%d hours", TIMEBANK_KEY_HOURS);
}

/* ------------------------------------------------------------- people */

enum rc timebank_db_coop(struct db *db, long long id, char *name, size_t size)
{
    sqlite3_stmt *st = db_stmt(db, sql_coop);
    int src;

    *name = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) db_text_copy(name, size, st, 0);
    db_stmt_done(st);
    if (src == SQLITE_DONE) return RC_NOTFOUND;
    return src == SQLITE_ROW ? RC_OK : db_rc(db, src);
}

enum rc timebank_db_location(struct db *db, long long id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(db, sql_location);
    enum rc rc = RC_NOTFOUND;
    int src;

    *out = NULL;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *out = json_loads(db_text(st, 0), 0, NULL);
        rc = *out ? RC_OK : RC_NOMEM;
    } else if (src != SQLITE_ROW && src != SQLITE_DONE) {
        rc = db_rc(db, src);
    }
    db_stmt_done(st);
    return rc;
}

/* ------------------------------------------------------------- limits */

enum rc timebank_db_limits(struct db *db, long long coop,
                           struct timebank_limits *l)
{
    sqlite3_stmt *st = db_stmt(db, sql_limits);
    int src;

    timebank_limits_default(l);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, coop);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        l->account_min = sqlite3_column_int64(st, 0);
        l->account_max = sqlite3_column_int64(st, 1);
        l->has_coop_min = sqlite3_column_type(st, 2) != SQLITE_NULL;
        l->coop_min = sqlite3_column_int64(st, 2);
        l->has_coop_max = sqlite3_column_type(st, 3) != SQLITE_NULL;
        l->coop_max = sqlite3_column_int64(st, 3);
        l->pair_max = sqlite3_column_int64(st, 4);
    }
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

enum rc timebank_db_limits_set(struct db *db, long long coop,
                               const struct timebank_limits *l,
                               long long account)
{
    sqlite3_stmt *st = db_stmt(db, sql_limits_set);

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, coop);
    sqlite3_bind_int64(st, 2, l->account_min);
    sqlite3_bind_int64(st, 3, l->account_max);
    if (l->has_coop_min)
        sqlite3_bind_int64(st, 4, l->coop_min);
    else
        sqlite3_bind_null(st, 4);
    if (l->has_coop_max)
        sqlite3_bind_int64(st, 5, l->coop_max);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_int64(st, 6, l->pair_max);
    db_bind_id(st, 7, account);
    return db_step_done(db, st);
}

/* ----------------------------------------------------------- balances */

enum rc timebank_db_balance(struct db *db, long long id, long long *bal)
{
    sqlite3_stmt *st = db_stmt(db, sql_balance);

    *bal = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    return one_int(db, st, bal);
}

enum rc timebank_db_coop_sum(struct db *db, long long coop, long long *sum)
{
    sqlite3_stmt *st = db_stmt(db, sql_coop_sum);

    *sum = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, coop);
    return one_int(db, st, sum);
}

enum rc timebank_db_pair_net(struct db *db, long long coop, long long other,
                             long long *net)
{
    sqlite3_stmt *st = db_stmt(db, sql_pair_net);

    *net = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, coop);
    sqlite3_bind_int64(st, 2, other);
    return one_int(db, st, net);
}

/* ---------------------------------------------------------- transfers */

enum rc timebank_db_transfer(struct db *db, long long id,
                             struct timebank_transfer_row *t)
{
    sqlite3_stmt *st = db_stmt(db, sql_transfer);
    int src;

    memset(t, 0, sizeof *t);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        t->id = sqlite3_column_int64(st, 0);
        t->from = sqlite3_column_int64(st, 1);
        t->to = sqlite3_column_int64(st, 2);
        t->amount = sqlite3_column_int64(st, 3);
        t->post_id = sqlite3_column_int64(st, 4);
        t->recorded_by = sqlite3_column_int64(st, 5);
        t->recorded_account = sqlite3_column_int64(st, 6);
        db_text_copy(t->status, sizeof t->status, st, 7);
        db_text_copy(t->note, sizeof t->note, st, 8);
        db_text_copy(t->reason, sizeof t->reason, st, 9);
        db_text_copy(t->created_at, sizeof t->created_at, st, 10);
        db_text_copy(t->answered_at, sizeof t->answered_at, st, 11);
    }
    db_stmt_done(st);
    if (src == SQLITE_DONE) return RC_NOTFOUND;
    return src == SQLITE_ROW ? RC_OK : db_rc(db, src);
}

enum rc timebank_db_transfer_insert(struct db *db,
                                    const struct timebank_transfer_row *t,
                                    long long *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_transfer_insert);
    enum rc rc;

    *id = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, t->from);
    sqlite3_bind_int64(st, 2, t->to);
    sqlite3_bind_int64(st, 3, t->amount);
    db_bind_text(st, 4, t->note);
    db_bind_id(st, 5, t->post_id);
    sqlite3_bind_int64(st, 6, t->recorded_by);
    db_bind_id(st, 7, t->recorded_account);
    rc = db_step_done(db, st);
    if (rc == RC_OK) *id = sqlite3_last_insert_rowid(db_handle(db));
    return rc;
}

enum rc timebank_db_transfer_set(struct db *db, long long id,
                                 const char *status, const char *reason)
{
    sqlite3_stmt *st = db_stmt(db, sql_transfer_set);
    enum rc rc;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_TRANSIENT);
    db_bind_text(st, 3, reason);
    rc = db_step_done(db, st);
    if (rc == RC_OK && sqlite3_changes(db_handle(db)) != 1) rc = RC_CONFLICT;
    return rc;
}

enum rc timebank_db_touch(struct db *db, long long ent)
{
    long long seq;
    enum rc rc = db_next_seq(db, &seq);
    sqlite3_stmt *st;

    if (rc != RC_OK) return rc;
    st = db_stmt(db, sql_touch);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, ent);
    sqlite3_bind_int64(st, 2, seq);
    return db_step_done(db, st);
}

enum rc timebank_db_move(struct db *db, long long transfer, long long account,
                         long long coop, long long other, long long other_coop,
                         long long amount)
{
    sqlite3_stmt *st = db_stmt(db, sql_account_put);
    long long after = 0;
    enum rc rc;
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, account);
    sqlite3_bind_int64(st, 2, coop);
    rc = db_step_done(db, st);
    if (rc != RC_OK) return rc;
    st = db_stmt(db, sql_account_add);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, account);
    sqlite3_bind_int64(st, 2, amount);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        after = sqlite3_column_int64(st, 0);
        src = sqlite3_step(st);
    }
    db_stmt_done(st);
    if (src != SQLITE_DONE) return db_rc(db, src);
    st = db_stmt(db, sql_movement_add);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, transfer);
    sqlite3_bind_int64(st, 2, account);
    sqlite3_bind_int64(st, 3, amount);
    sqlite3_bind_int64(st, 4, after);
    sqlite3_bind_int64(st, 5, coop);
    sqlite3_bind_int64(st, 6, other);
    sqlite3_bind_int64(st, 7, other_coop);
    return db_step_done(db, st);
}

/* -------------------------------------------------------- idempotency */

enum rc timebank_db_idem_get(struct db *db, long long account, const char *key,
                             long long *transfer, unsigned char hash[32])
{
    sqlite3_stmt *st = db_stmt(db, sql_idem_get);
    char age[32];
    int src;

    *transfer = 0;
    memset(hash, 0, 32);
    if (!st) return RC_DB;
    key_age(age, sizeof age);
    sqlite3_bind_int64(st, 1, account);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, age, -1, SQLITE_TRANSIENT);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *transfer = sqlite3_column_int64(st, 0);
        if (sqlite3_column_bytes(st, 1) == 32)
            memcpy(hash, sqlite3_column_blob(st, 1), 32);
    }
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

enum rc timebank_db_idem_put(struct db *db, long long account, const char *key,
                             const unsigned char hash[32], long long transfer)
{
    sqlite3_stmt *st = db_stmt(db, sql_idem_purge);
    char age[32];
    enum rc rc;

    if (!st) return RC_DB;
    key_age(age, sizeof age);
    sqlite3_bind_text(st, 1, age, -1, SQLITE_TRANSIENT);
    rc = db_step_done(db, st);
    if (rc != RC_OK) return rc;
    st = db_stmt(db, sql_idem_put);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, account);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 3, hash, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, transfer);
    return db_step_done(db, st);
}

enum rc timebank_db_notify(struct db *db, long long ent, const char *kind,
                           long long transfer, const char *text)
{
    sqlite3_stmt *st = db_stmt(db, sql_notify);

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, ent);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    db_bind_id(st, 3, transfer);
    sqlite3_bind_text(st, 4, text, -1, SQLITE_TRANSIENT);
    return db_step_done(db, st);
}

/* -------------------------------------------------------------- posts */

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

/* post_trades: the trade codes of post id's clean document into
 * time_post_trade. */
static enum rc post_trades(struct db *db, long long id, json_t *doc)
{
    sqlite3_stmt *st;
    json_t *t;
    size_t i;
    enum rc rc;

    json_array_foreach(json_object_get(doc, "trades"), i, t)
    {
        /* Codes only: a free trade without a code has nothing to filter
         * on. */
        if (!*str(t, "code")) continue;
        st = db_stmt(db, sql_post_trade);
        if (!st) return RC_DB;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, str(t, "scheme"), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, str(t, "code"), -1, SQLITE_TRANSIENT);
        rc = db_step_done(db, st);
        if (rc != RC_OK) return rc;
    }
    return RC_OK;
}

/* post_stmt: the statement sql with ?2 to ?8 bound to the post doc
 * (kind, title, doc as text, insee, département, from, until), and *seq a
 * new change number; NULL after a failure, *rc saying which. */
static sqlite3_stmt *post_stmt(struct db *db, const char *sql, json_t *doc,
                               const char *insee, const char *departement,
                               long long *seq, enum rc *rc)
{
    sqlite3_stmt *st;
    char *text;

    *rc = db_next_seq(db, seq);
    if (*rc != RC_OK) return NULL;
    text = json_dumps(doc, JSON_COMPACT);
    st = db_stmt(db, sql);
    if (!st || !text) {
        free(text);
        db_stmt_done(st);
        *rc = st ? RC_NOMEM : RC_DB;
        return NULL;
    }
    sqlite3_bind_text(st, 2, str(doc, "kind"), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, str(doc, "title"), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, text, -1, free);
    sqlite3_bind_text(st, 5, insee, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, departement, -1, SQLITE_TRANSIENT);
    db_bind_text(st, 7, str(doc, "from"));
    db_bind_text(st, 8, str(doc, "until"));
    return st;
}

enum rc timebank_db_post_insert(struct db *db, long long ent, json_t *doc,
                                const char *insee, const char *departement,
                                long long *id)
{
    long long seq = 0;
    enum rc rc;
    sqlite3_stmt *st = post_stmt(db, sql_post_insert, doc, insee,
                                 departement, &seq, &rc);

    *id = 0;
    if (!st) return rc;
    sqlite3_bind_int64(st, 1, ent);
    sqlite3_bind_int64(st, 9, seq);
    rc = db_step_done(db, st);
    if (rc != RC_OK) return rc;
    *id = sqlite3_last_insert_rowid(db_handle(db));
    return post_trades(db, *id, doc);
}

enum rc timebank_db_post_update(struct db *db, long long id, json_t *doc,
                                const char *insee, const char *departement,
                                const char *status)
{
    long long seq = 0;
    enum rc rc;
    sqlite3_stmt *st = post_stmt(db, sql_post_update, doc, insee,
                                 departement, &seq, &rc);

    if (!st) return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 9, status, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 10, seq);
    rc = db_step_done(db, st);
    if (rc != RC_OK) return rc;
    /* The trades: written again, as at creation. */
    st = db_stmt(db, sql_post_trades_clear);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    rc = db_step_done(db, st);
    return rc == RC_OK ? post_trades(db, id, doc) : rc;
}

enum rc timebank_db_post_delete(struct db *db, long long id)
{
    sqlite3_stmt *st = db_stmt(db, sql_post_delete);
    enum rc rc;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    rc = db_step_done(db, st);
    if (rc == RC_OK && sqlite3_changes(db_handle(db)) == 0) rc = RC_NOTFOUND;
    return rc;
}

enum rc timebank_db_post(struct db *db, long long id,
                         struct timebank_post_row *p)
{
    sqlite3_stmt *st = db_stmt(db, sql_post);
    int src;

    memset(p, 0, sizeof *p);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        p->id = sqlite3_column_int64(st, 0);
        p->entrepreneur_id = sqlite3_column_int64(st, 1);
        db_text_copy(p->kind, sizeof p->kind, st, 2);
        db_text_copy(p->status, sizeof p->status, st, 3);
        p->doc = json_loads(db_text(st, 4), 0, NULL);
        db_text_copy(p->created_at, sizeof p->created_at, st, 5);
        db_text_copy(p->updated_at, sizeof p->updated_at, st, 6);
    }
    db_stmt_done(st);
    if (src == SQLITE_DONE) return RC_NOTFOUND;
    if (src != SQLITE_ROW) return db_rc(db, src);
    return p->doc ? RC_OK : RC_NOMEM;
}

/* bind_post_filters: ?1..?6, ?9, ?10 and the viewer of POST_WHERE. */
static void bind_post_filters(sqlite3_stmt *st, const struct viewer *v,
                              const char *kind, const char *scheme,
                              const char *code, const char *departement,
                              long long coop, long long author,
                              const char *status, const char *today)
{
    sqlite3_bind_text(st, 1, kind ? kind : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, departement ? departement : "", -1,
                      SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, coop);
    sqlite3_bind_text(st, 4, today, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, code ? code : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, scheme ? scheme : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, status ? status : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 10, author);
    db_bind_viewer(st, v);
}

enum rc timebank_db_post_list(struct db *db, const struct viewer *v,
                              const char *kind, const char *scheme,
                              const char *code, const char *departement,
                              long long coop, long long author,
                              const char *status, const char *today,
                              long long before, int limit, long long *ids,
                              int *n, long long *total)
{
    sqlite3_stmt *st = db_stmt(db, sql_post_list);
    int src;

    *n = 0;
    *total = 0;
    if (!st) return RC_DB;
    bind_post_filters(st, v, kind, scheme, code, departement, coop, author,
                      status, today);
    sqlite3_bind_int64(st, 7, before);
    sqlite3_bind_int(st, 8, limit);
    while ((src = sqlite3_step(st)) == SQLITE_ROW && *n < limit)
        ids[(*n)++] = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    if (src != SQLITE_DONE && src != SQLITE_ROW) return db_rc(db, src);
    st = db_stmt(db, sql_post_count);
    if (!st) return RC_DB;
    bind_post_filters(st, v, kind, scheme, code, departement, coop, author,
                      status, today);
    return one_int(db, st, total);
}

/* ------------------------------------------------------------ reading */

enum rc timebank_db_history(struct db *db, long long id, long long before,
                            int limit, json_t **out, int *more)
{
    sqlite3_stmt *st = db_stmt(db, sql_history);
    json_t *arr = json_array();
    int src, k = 0;
    enum rc rc = RC_OK;

    *out = NULL;
    *more = 0;
    if (!st || !arr) {
        db_stmt_done(st);
        json_decref(arr);
        return st ? RC_NOMEM : RC_DB;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, before);
    sqlite3_bind_int(st, 3, limit + 1);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *row;

        if (k++ == limit) {
            *more = 1;
            break;
        }
        row = json_pack(
            "{s:I, s:I, s:I, s:I, s:s, s:I, s:I, s:s, s:I}", "id",
            (json_int_t)sqlite3_column_int64(st, 0), "transfer_id",
            (json_int_t)sqlite3_column_int64(st, 1), "amount",
            (json_int_t)sqlite3_column_int64(st, 2), "balance_after",
            (json_int_t)sqlite3_column_int64(st, 3), "at", db_text(st, 4),
            "other_id", (json_int_t)sqlite3_column_int64(st, 5),
            "other_coop_id", (json_int_t)sqlite3_column_int64(st, 6), "note",
            db_text(st, 7), "post_id", (json_int_t)sqlite3_column_int64(st, 8));
        if (!row || json_array_append_new(arr, row)) {
            rc = RC_NOMEM;
            break;
        }
    }
    db_stmt_done(st);
    if (rc == RC_OK && src != SQLITE_DONE && src != SQLITE_ROW)
        rc = db_rc(db, src);
    if (rc != RC_OK) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return RC_OK;
}

enum rc timebank_db_totals(struct db *db, long long id, long long *given,
                           long long *received)
{
    sqlite3_stmt *st = db_stmt(db, sql_totals);
    int src;

    *given = *received = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *given = sqlite3_column_int64(st, 0);
        *received = sqlite3_column_int64(st, 1);
    }
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

enum rc timebank_db_pending(struct db *db, long long id, long long *ids,
                            int max, int *n)
{
    sqlite3_stmt *st = db_stmt(db, sql_pending);
    int src;

    *n = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, max);
    while ((src = sqlite3_step(st)) == SQLITE_ROW && *n < max)
        ids[(*n)++] = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

enum rc timebank_db_report(struct db *db, long long coop, const char *from,
                           const char *to, json_t **out)
{
    json_t *o = json_object(), *pairs = json_array();
    long long members = 0, balance = 0, pending = 0;
    sqlite3_stmt *st = NULL;
    enum rc rc = RC_NOMEM;
    int src;

    *out = NULL;
    if (!o || !pairs) goto out;
    st = db_stmt(db, sql_report);
    if (!st) {
        rc = RC_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, coop);
    sqlite3_bind_text(st, 2, from, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, to, -1, SQLITE_TRANSIENT);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        json_object_set_new(o, "given",
                            json_integer(sqlite3_column_int64(st, 0)));
        json_object_set_new(o, "received",
                            json_integer(sqlite3_column_int64(st, 1)));
        json_object_set_new(o, "internal",
                            json_integer(sqlite3_column_int64(st, 2)));
        json_object_set_new(o, "transfers",
                            json_integer(sqlite3_column_int64(st, 3)));
        json_object_set_new(o, "active_members",
                            json_integer(sqlite3_column_int64(st, 4)));
    }
    db_stmt_done(st);
    if (src != SQLITE_ROW) {
        rc = db_rc(db, src);
        goto out;
    }
    st = db_stmt(db, sql_report_members);
    if (!st) {
        rc = RC_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, coop);
    rc = one_int(db, st, &members);
    if (rc == RC_OK) rc = timebank_db_coop_sum(db, coop, &balance);
    if (rc != RC_OK) goto out;
    st = db_stmt(db, sql_report_pending);
    if (!st) {
        rc = RC_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, coop);
    rc = one_int(db, st, &pending);
    if (rc != RC_OK) goto out;
    json_object_set_new(o, "members", json_integer(members));
    json_object_set_new(o, "balance", json_integer(balance));
    json_object_set_new(o, "pending", json_integer(pending));
    st = db_stmt(db, sql_report_pairs);
    if (!st) {
        rc = RC_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, coop);
    sqlite3_bind_text(st, 2, from, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, to, -1, SQLITE_TRANSIENT);
    rc = RC_OK;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *p =
            json_pack("{s:I, s:I, s:I, s:I}", "cooperative_id",
                      (json_int_t)sqlite3_column_int64(st, 0), "given",
                      (json_int_t)sqlite3_column_int64(st, 1), "received",
                      (json_int_t)sqlite3_column_int64(st, 2), "net_all_time",
                      (json_int_t)sqlite3_column_int64(st, 3));

        if (!p || json_array_append_new(pairs, p)) {
            rc = RC_NOMEM;
            break;
        }
    }
    db_stmt_done(st);
    if (rc == RC_OK && src != SQLITE_DONE && src != SQLITE_ROW)
        rc = db_rc(db, src);
    if (rc != RC_OK) goto out;
    json_object_set_new(o, "exchanges", pairs);
    pairs = NULL;
    *out = o;
    o = NULL;
out:
    json_decref(o);
    json_decref(pairs);
    return rc;
}
