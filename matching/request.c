/*
 * request.c: client requests (see request.h; the matching rule is in
 * match.h).
 */
#include "request.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../account/account.h"
#include "../federation/fed.h"
#include "../notify/outbox.h"
#include "../search/search_place.h"
#include "../search/search_trade.h"
#include "../util/buf.h"
#include "../util/check.h"
#include "../util/ids.h"
#include "../util/viewer.h"
#include "demand.h"
#include "match.h"

#define TITLE_MAX 200
#define DESCRIPTION_MAX 5000
#define WANTED_MAX 20
#define PER_QUARTER 5 /* anonymous requests per address, per 15 minutes */
#define REMOTE_ID_MAX 64 /* a peer's request or entrepreneur id */
#define NAMED_MAX 100    /* entrepreneurs a peer names in one message */

static int notify_top = 10;
static char public_url[256] = "http://localhost:8080";

void request_init(int top, const char *url)
{
    if (top > 0) notify_top = top;
    if (url && *url) {
        size_t n;

        snprintf(public_url, sizeof public_url, "%s", url);
        n = strlen(public_url);
        while (n && public_url[n - 1] == '/') public_url[--n] = 0;
    }
}

/* ----------------------------------------------------------------- SQL */

static const char sql_insert[] =
    "INSERT INTO request(client_id, status, insee, departement, deadline,"
    " doc, confirm_hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_get[] =
    "SELECT r.id, r.client_id, r.status, r.doc, r.won_by, r.created_at,"
    " r.updated_at, r.closed_at, r.peer_id, r.remote_id, p.origin, p.name"
    " FROM request r LEFT JOIN peer p ON p.id = r.peer_id WHERE r.id = ?1";
static const char sql_by_confirm[] =
    "SELECT id FROM request WHERE confirm_hash = ?1"
    " AND status = 'unconfirmed'";
static const char sql_open[] =
    "UPDATE request SET status = 'open', client_id = ?2, confirm_hash = NULL,"
    " updated_at = ?3 WHERE id = ?1";
static const char sql_match_add[] =
    "INSERT INTO request_match(request_id, entrepreneur_id, rank, coverage,"
    " score, why, notified, status, notified_at)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char sql_match_get[] =
    "SELECT status, notified FROM request_match"
    " WHERE request_id = ?1 AND entrepreneur_id = ?2";
static const char sql_matches[] =
    "SELECT m.entrepreneur_id, m.rank, m.coverage, m.score, m.why,"
    " m.notified, m.status, m.reason, m.quote, m.notified_at, m.viewed_at,"
    " m.interested_at, m.declined_at, m.quoted_at, m.closed_at,"
    " e.display_name, e.cooperative_id, json_extract(e.doc, '$.headline'),"
    " json_extract(e.doc, '$.location.city'), p.origin, p.name"
    " FROM request_match m JOIN entrepreneur e ON e.id = m.entrepreneur_id"
    " JOIN cooperative c ON c.id = e.cooperative_id"
    " LEFT JOIN peer p ON p.id = c.peer_id WHERE m.request_id = ?1 AND (?2 = 0 OR m.entrepreneur_id = ?2)"
    " AND (?3 = 0 OR e.cooperative_id = ?3) AND (?4 = 0 OR m.notified = 1)"
    " ORDER BY m.rank";
static const char sql_told_coop[] =
    "SELECT 1 FROM request_match m JOIN entrepreneur e"
    " ON e.id = m.entrepreneur_id WHERE m.request_id = ?1 AND m.notified = 1"
    " AND e.cooperative_id = ?2 LIMIT 1";
static const char sql_counts[] =
    "SELECT count(*), coalesce(sum(notified), 0) FROM request_match"
    " WHERE request_id = ?1";
static const char sql_ent_name[] =
    "SELECT display_name, cooperative_id FROM entrepreneur WHERE id = ?1";
static const char sql_notif_add[] =
    "INSERT INTO notification(entrepreneur_id, account_id, kind, request_id,"
    " text) VALUES(?1, ?2, ?3, ?4, ?5)";
static const char sql_viewed[] =
    "UPDATE request_match SET status = 'viewed', viewed_at = ?3"
    " WHERE request_id = ?1 AND entrepreneur_id = ?2";
static const char sql_viewed_again[] =
    "UPDATE request_match SET viewed_at = coalesce(viewed_at, ?3)"
    " WHERE request_id = ?1 AND entrepreneur_id = ?2";
static const char sql_interested[] =
    "UPDATE request_match SET status = 'interested', interested_at = ?3"
    " WHERE request_id = ?1 AND entrepreneur_id = ?2";
static const char sql_declined[] =
    "UPDATE request_match SET status = 'declined', declined_at = ?3,"
    " reason = ?4 WHERE request_id = ?1 AND entrepreneur_id = ?2";
static const char sql_quoted[] =
    "UPDATE request_match SET status = 'quoted', quoted_at = ?3, quote = ?5"
    " WHERE request_id = ?1 AND entrepreneur_id = ?2";
static const char sql_close[] =
    "UPDATE request SET status = ?2, won_by = ?3, closed_at = ?4,"
    " updated_at = ?4 WHERE id = ?1";
static const char sql_close_matches[] =
    "UPDATE request_match SET closed_at = ?3, status = CASE"
    " WHEN entrepreneur_id = ?2 THEN 'won'"
    " WHEN ?2 = 0 OR status = 'declined' THEN status ELSE 'lost' END"
    " WHERE request_id = ?1 AND (notified = 1 OR entrepreneur_id = ?2)";
static const char sql_told[] =
    "SELECT entrepreneur_id FROM request_match WHERE request_id = ?1"
    " AND notified = 1";
static const char sql_list_client[] =
    "SELECT id FROM request WHERE client_id = ?1 AND (?2 = '' OR status = ?2)"
    " AND (?3 = 0 OR id < ?3) ORDER BY id DESC LIMIT ?4";
static const char sql_count_client[] =
    "SELECT count(*) FROM request WHERE client_id = ?1"
    " AND (?2 = '' OR status = ?2)";
static const char sql_list_ent[] =
    "SELECT r.id FROM request_match m JOIN request r ON r.id = m.request_id"
    " WHERE m.entrepreneur_id = ?1 AND m.notified = 1"
    " AND (?2 = '' OR r.status = ?2) AND (?3 = 0 OR r.id < ?3)"
    " ORDER BY r.id DESC LIMIT ?4";
static const char sql_count_ent[] =
    "SELECT count(*) FROM request_match m JOIN request r"
    " ON r.id = m.request_id WHERE m.entrepreneur_id = ?1 AND m.notified = 1"
    " AND (?2 = '' OR r.status = ?2)";
static const char sql_list_coop[] =
    "SELECT DISTINCT r.id FROM entrepreneur e"
    " JOIN request_match m ON m.entrepreneur_id = e.id AND m.notified = 1"
    " JOIN request r ON r.id = m.request_id WHERE e.cooperative_id = ?1"
    " AND (?2 = '' OR r.status = ?2) AND (?3 = 0 OR r.id < ?3)"
    " ORDER BY r.id DESC LIMIT ?4";
static const char sql_count_coop[] =
    "SELECT count(DISTINCT r.id) FROM entrepreneur e"
    " JOIN request_match m ON m.entrepreneur_id = e.id AND m.notified = 1"
    " JOIN request r ON r.id = m.request_id WHERE e.cooperative_id = ?1"
    " AND (?2 = '' OR r.status = ?2)";
static const char sql_list_all[] =
    "SELECT id FROM request WHERE ?1 = ?1 AND (?2 = '' OR status = ?2)"
    " AND (?3 = 0 OR id < ?3) ORDER BY id DESC LIMIT ?4";
static const char sql_count_all[] =
    "SELECT count(*) FROM request WHERE ?1 = ?1"
    " AND (?2 = '' OR status = ?2)";
/* Requests across the network (README: federation). */
static const char sql_ent_peer[] =
    "SELECT c.peer_id, e.external_id FROM entrepreneur e JOIN cooperative c"
    " ON c.id = e.cooperative_id WHERE e.id = ?1";
static const char sql_copy_add[] =
    "INSERT INTO request(client_id, status, insee, departement, deadline,"
    " doc, peer_id, remote_id) VALUES(NULL, 'open', ?1, ?2, ?3, ?4, ?5, ?6)";
static const char sql_copy_find[] =
    "SELECT id FROM request WHERE peer_id = ?1 AND remote_id = ?2";
/* The peers a client's requests went to, for an erasure. */
static const char sql_client_peers[] =
    "SELECT DISTINCT m.peer_id, m.request_id FROM fed_message m"
    " JOIN request r ON r.id = m.request_id WHERE r.client_id = ?1"
    " AND m.path = '/federation/v1/requests'";
static const char sql_copy_delete[] = "DELETE FROM request WHERE id = ?1";
static const char sql_copy_contact[] =
    "UPDATE request SET doc = json_set(doc, '$.contact', json(?2)),"
    " updated_at = ?3 WHERE id = ?1";
/* Whom a peer may name: our own, seen by the network. */
static const char sql_ent_for_peer[] =
    "SELECT e.id FROM entrepreneur e JOIN cooperative c"
    " ON c.id = e.cooperative_id WHERE e.id = ?1 AND c.peer_id IS NULL"
    " AND e.visibility IN ('public', 'network')";
static const char sql_ent_of_peer[] =
    "SELECT e.id FROM entrepreneur e JOIN cooperative c"
    " ON c.id = e.cooperative_id WHERE c.peer_id = ?1 AND e.external_id = ?2";
static const char sql_told_remote[] =
    "SELECT c.peer_id, e.external_id, e.id FROM request_match m"
    " JOIN entrepreneur e ON e.id = m.entrepreneur_id"
    " JOIN cooperative c ON c.id = e.cooperative_id"
    " WHERE m.request_id = ?1 AND m.notified = 1 AND c.peer_id IS NOT NULL"
    " ORDER BY c.peer_id, m.rank";
static const char sql_notifs[] =
    "SELECT id, kind, request_id, text, created_at, read_at, group_id,"
    " transfer_id FROM notification WHERE (account_id = ?1 OR entrepreneur_id = ?2) AND (?3 = 0 OR id < ?3)"
    " ORDER BY id DESC LIMIT ?4";
static const char sql_notif_counts[] =
    "SELECT count(*), count(*) - count(read_at) FROM notification"
    " WHERE account_id = ?1 OR entrepreneur_id = ?2";
static const char sql_notif_read[] =
    "UPDATE notification SET read_at = ?3 WHERE read_at IS NULL"
    " AND (account_id = ?1 OR entrepreneur_id = ?2)";

const char *const request_sql[] = {
    sql_insert,       sql_get,          sql_by_confirm,   sql_open,
    sql_match_add,    sql_match_get,    sql_matches,      sql_told_coop,
    sql_counts,       sql_ent_name,     sql_notif_add,
    sql_viewed,       sql_viewed_again, sql_interested,   sql_declined,
    sql_quoted,       sql_close,        sql_close_matches, sql_told,
    sql_list_client,  sql_count_client, sql_list_ent,     sql_count_ent,
    sql_list_coop,    sql_count_coop,   sql_list_all,     sql_count_all,
    sql_notifs,       sql_notif_counts, sql_notif_read,   sql_ent_peer,
    sql_copy_add,     sql_copy_find,    sql_copy_contact, sql_ent_for_peer,
    sql_client_peers, sql_copy_delete,
    sql_ent_of_peer,  sql_told_remote,  NULL};

/* ------------------------------------------------------------- helpers */

static void now_iso(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void today(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%d", &tm);
}

static json_t *parsed(sqlite3_stmt *st, int i)
{
    json_t *v;

    if (sqlite3_column_type(st, i) == SQLITE_NULL) return json_null();
    v = json_loads(db_text(st, i), 0, NULL);
    return v ? v : json_null();
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

/* ---------------------------------------------------------- validation */

/* add_words: the words v (a string, at most 100 characters, not empty)
 * appended to arr; 1 after an error on field name. */
static int add_words(const struct check *c, const char *name, json_t *v,
                     json_t *arr)
{
    char *w = NULL;
    int bad = 0;

    if (check_string_value(c, name, v, 100, 0, &w) > 0 && *w) {
        json_array_append_new(arr, json_string(w));
    } else {
        if (w) check_fail(c, name, "must not be empty");
        bad = 1;
    }
    free(w);
    return bad;
}

/* check_wanted: each item a trade ref (object, or a string that is a
 * known code) into out as {scheme, code, label}; a free skill {"skill":
 * "text"} or another string: a string of words. */
static int check_wanted(struct db *db, const struct check *c, json_t *in,
                        json_t *clean)
{
    json_t *v = json_object_get(in, "wanted"), *arr, *item;
    size_t i;
    int bad = 0;

    if (!v || json_is_null(v)) {
        json_object_set_new(clean, "wanted", json_array());
        return 0;
    }
    if (!json_is_array(v) || json_array_size(v) > WANTED_MAX) {
        check_fail(c, "wanted",
                   "must be an array of at most %d trades or words",
                   WANTED_MAX);
        return -1;
    }
    arr = json_array();
    json_array_foreach(v, i, item) {
        json_t *tmp, *out, *errs, *e;
        struct check sub;
        size_t j;
        char name[32];

        snprintf(name, sizeof name, "wanted[%zu]", i);
        /* A free skill {"skill": "text"} (CONTRACT.md) is words. */
        if (json_is_object(item) && json_object_size(item) == 1 &&
            json_object_get(item, "skill")) {
            snprintf(name, sizeof name, "wanted[%zu].skill", i);
            bad |= add_words(c, name, json_object_get(item, "skill"), arr);
            continue;
        }
        if (json_is_string(item)) {
            json_t *ref = search_trade_ref(json_string_value(item));

            /* A code ("F1603", "rome:F1603", "43.22A") is a trade,
             * checked as one; other strings are words. */
            if (ref && strcmp(str(ref, "scheme"), "free")) {
                item = ref; /* checked as an object below */
            } else {
                json_decref(ref);
                bad |= add_words(c, name, item, arr);
                continue;
            }
        } else {
            json_incref(item);
        }
        if (!json_is_object(item)) {
            check_fail(c, name, "must be a trade {scheme, code} or words");
            json_decref(item);
            bad = 1;
            continue;
        }
        tmp = json_pack("{s:[O]}", "t", item);
        out = json_object();
        errs = json_array();
        sub = (struct check){errs, ""};
        if (!tmp || !out || !errs ||
            search_trade_check(db, &sub, tmp, "t", 1, out) < 0) {
            json_array_foreach(errs, j, e) {
                const char *f = str(e, "field");
                char field[96];

                snprintf(field, sizeof field, "%s%s", name,
                         !strncmp(f, "t[0]", 4) ? f + 4 : "");
                check_fail(c, field, "%s", str(e, "message"));
            }
            bad = 1;
        } else {
            json_array_extend(arr, json_object_get(out, "t"));
        }
        json_decref(item);
        json_decref(tmp);
        json_decref(out);
        json_decref(errs);
    }
    if (bad) {
        json_decref(arr);
        return -1;
    }
    json_object_set_new(clean, "wanted", arr);
    return 1;
}

static int check_budget(const struct check *c, json_t *in, json_t *clean)
{
    json_t *v = json_object_get(in, "budget"), *b;
    char name[16] = "budget";
    struct check sub;

    if (!v || json_is_null(v)) return 0;
    if (json_is_number(v)) {
        if (json_number_value(v) < 0 || json_number_value(v) > 1e9) {
            check_fail(c, "budget", "must be from 0 to 1,000,000,000 euros");
            return -1;
        }
        json_object_set_new(clean, "budget", json_pack("{s:O}", "max", v));
        return 1;
    }
    if (!json_is_object(v)) {
        check_fail(c, "budget", "must be an amount in euros or {min, max}");
        return -1;
    }
    b = json_object();
    sub = check_nested(c, "budget", -1, name, sizeof name);
    check_real(&sub, v, "min", 0, 1e9, 0, b);
    check_real(&sub, v, "max", 0, 1e9, 0, b);
    {
        static const char *const known[] = {"min", "max", NULL};

        check_unknown(&sub, v, known);
    }
    if (json_number_value(json_object_get(b, "min")) >
            json_number_value(json_object_get(b, "max")) &&
        json_object_get(b, "max"))
        check_fail(&sub, "max", "must not be under min");
    json_object_set_new(clean, "budget", b);
    return 1;
}

static int check_contact(const struct check *c, json_t *in, int need_email,
                         json_t *clean)
{
    static const char *const known[] = {"name", "email", "phone", NULL};
    json_t *v = json_object_get(in, "contact"), *o;
    char name[16];
    struct check sub;

    if (!v || json_is_null(v)) {
        if (need_email) check_fail(c, "contact.email", "is required");
        return need_email ? -1 : 0;
    }
    if (!json_is_object(v)) {
        check_fail(c, "contact", "must be an object {name, email, phone}");
        return -1;
    }
    o = json_object();
    sub = check_nested(c, "contact", -1, name, sizeof name);
    check_unknown(&sub, v, known);
    check_string(&sub, v, "name", 120, 0, o);
    check_email(&sub, v, "email", need_email ? CHECK_REQUIRED : 0, o);
    check_string(&sub, v, "phone", 30, 0, o);
    json_object_set_new(clean, "contact", o);
    return 1;
}

/* Who sends a request to validate. */
enum from { FROM_CLIENT, FROM_ANONYMOUS, FROM_PEER };

/* validate: in -> the clean document and its place; RC_INVALID with the
 * fields named. An anonymous request needs contact.email; a peer's copy
 * has neither contact (no personal data leaves the client's instance)
 * nor scope (a copy is never passed on). */
static enum rc validate(struct db *db, json_t *in, enum from from,
                        json_t *errs, json_t **out, struct place *place)
{
    static const char *const known[] = {"title",    "description",
                                        "location", "wanted",
                                        "deadline", "budget",
                                        "contact",  "scope",
                                        NULL};
    static const char *const known_peer[] = {"title",    "description",
                                             "location", "wanted",
                                             "deadline", "budget",
                                             NULL};
    static const char *const scopes[] = {"local", "network", NULL};
    struct check c = {errs, ""};
    json_t *clean = json_object();
    int need_email = from == FROM_ANONYMOUS;
    char day[16];

    *out = NULL;
    if (!clean) return RC_NOMEM;
    check_unknown(&c, in, from == FROM_PEER ? known_peer : known);
    if (from != FROM_PEER &&
        check_enum(&c, in, "scope", scopes, 0, clean) == 0)
        json_object_set_new(clean, "scope", json_string("local"));
    check_string(&c, in, "title", TITLE_MAX, CHECK_REQUIRED, clean);
    check_string(&c, in, "description", DESCRIPTION_MAX, CHECK_MULTILINE,
                 clean);
    search_place_check(db, &c, in, "location", CHECK_REQUIRED, clean, place);
    check_wanted(db, &c, in, clean);
    if (check_date(&c, in, "deadline", 0, clean) > 0) {
        today(day, sizeof day);
        if (strcmp(str(clean, "deadline"), day) < 0)
            check_fail(&c, "deadline", "must not be in the past");
    }
    check_budget(&c, in, clean);
    if (from != FROM_PEER) check_contact(&c, in, need_email, clean);
    if (check_failed(&c)) {
        json_decref(clean);
        return RC_INVALID;
    }
    *out = clean;
    return RC_OK;
}

/* --------------------------------------------------------------- shape */

/* A request row, loaded. */
struct row {
    long long id, client, won_by;
    char status[16];
    json_t *doc; /* owned */
    char created[32], updated[32], closed[32];
    long long peer;                  /* a peer's request: our copy */
    char remote_id[REMOTE_ID_MAX + 1]; /* its id at the peer */
    char origin[320], peer_name[200]; /* the peer's base URL, name */
};

static enum rc load(struct db *db, long long id, struct row *r)
{
    sqlite3_stmt *st = db_stmt(db, sql_get);
    int src;

    memset(r, 0, sizeof *r);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        r->id = sqlite3_column_int64(st, 0);
        r->client = sqlite3_column_int64(st, 1);
        snprintf(r->status, sizeof r->status, "%s", db_text(st, 2));
        r->doc = json_loads(db_text(st, 3), 0, NULL);
        r->won_by = sqlite3_column_int64(st, 4);
        snprintf(r->created, sizeof r->created, "%s", db_text(st, 5));
        snprintf(r->updated, sizeof r->updated, "%s", db_text(st, 6));
        snprintf(r->closed, sizeof r->closed, "%s", db_text(st, 7));
        r->peer = sqlite3_column_int64(st, 8);
        db_text_copy(r->remote_id, sizeof r->remote_id, st, 9);
        db_text_copy(r->origin, sizeof r->origin, st, 10);
        db_text_copy(r->peer_name, sizeof r->peer_name, st, 11);
    }
    db_stmt_done(st);
    if (src == SQLITE_DONE) return RC_NOTFOUND;
    if (src != SQLITE_ROW) return db_rc(db, src);
    return r->doc ? RC_OK : RC_NOMEM;
}

/* The relation of a viewer to a request. */
enum rel { REL_NONE, REL_TOLD, REL_STAFF, REL_CLIENT, REL_ADMIN };

static enum rc relation(struct db *db, const struct viewer *v,
                        const struct row *r, enum rel *rel,
                        char *my_status, size_t size)
{
    sqlite3_stmt *st;
    int src;

    *rel = REL_NONE;
    if (my_status) *my_status = 0;
    if (v->role == VIEWER_ADMIN) {
        *rel = REL_ADMIN;
        return RC_OK;
    }
    if (v->account_id && r->client == v->account_id) {
        *rel = REL_CLIENT;
        return RC_OK;
    }
    if (v->role == VIEWER_ENTREPRENEUR && v->entrepreneur_id) {
        st = db_stmt(db, sql_match_get);
        if (!st) return RC_DB;
        sqlite3_bind_int64(st, 1, r->id);
        sqlite3_bind_int64(st, 2, v->entrepreneur_id);
        src = sqlite3_step(st);
        if (src == SQLITE_ROW && sqlite3_column_int(st, 1)) {
            *rel = REL_TOLD;
            if (my_status) snprintf(my_status, size, "%s", db_text(st, 0));
        }
        db_stmt_done(st);
        return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK
                                                       : db_rc(db, src);
    }
    if (v->role == VIEWER_STAFF && v->cooperative_id) {
        st = db_stmt(db, sql_told_coop);
        if (!st) return RC_DB;
        sqlite3_bind_int64(st, 1, r->id);
        sqlite3_bind_int64(st, 2, v->cooperative_id);
        src = sqlite3_step(st);
        if (src == SQLITE_ROW) *rel = REL_STAFF;
        db_stmt_done(st);
        return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK
                                                       : db_rc(db, src);
    }
    return RC_OK;
}

/* shape: the API document of a request for a viewer of relation rel. */
static json_t *shape(struct db *db, const struct row *r, enum rel rel,
                     const char *my_status)
{
    static const char *const fields[] = {"title",    "description",
                                         "location", "wanted",
                                         "deadline", "budget",
                                         "scope",    NULL};
    json_t *o = json_object();
    const char *const *k;
    sqlite3_stmt *st;

    if (!o) return NULL;
    json_object_set_new(o, "id", ids_json(r->id));
    json_object_set_new(o, "status", json_string(r->status));
    for (k = fields; *k; k++) {
        json_t *v = json_object_get(r->doc, *k);

        json_object_set(o, *k, v ? v : json_null());
    }
    /* The contact: to the client, administrators, and the providers who
     * answered interested or quoted. */
    if (rel >= REL_CLIENT ||
        (my_status && (!strcmp(my_status, "interested") ||
                       !strcmp(my_status, "quoted") ||
                       !strcmp(my_status, "won"))))
        json_object_set(o, "contact", json_object_get(r->doc, "contact")
                                          ? json_object_get(r->doc, "contact")
                                          : json_null());
    json_object_set_new(o, "won_by", r->won_by ? ids_json(r->won_by)
                                               : json_null());
    /* A peer's request: where its client is (answers go back there). */
    json_object_set_new(o, "origin",
                        r->peer ? json_pack("{s:s, s:s, s:s}", "url",
                                            r->origin, "name", r->peer_name,
                                            "request_id", r->remote_id)
                                : json_null());
    json_object_set_new(o, "created_at", json_string(r->created));
    json_object_set_new(o, "updated_at", json_string(r->updated));
    json_object_set_new(o, "closed_at",
                        *r->closed ? json_string(r->closed) : json_null());
    st = db_stmt(db, sql_counts);
    if (st) {
        sqlite3_bind_int64(st, 1, r->id);
        if (sqlite3_step(st) == SQLITE_ROW && rel >= REL_CLIENT)
            json_object_set_new(o, "matches",
                                json_pack("{s:I, s:I}", "total",
                                          (json_int_t)sqlite3_column_int64(
                                              st, 0),
                                          "notified",
                                          (json_int_t)sqlite3_column_int64(
                                              st, 1)));
        db_stmt_done(st);
    }
    if (rel == REL_TOLD)
        json_object_set_new(o, "my_status", json_string(my_status));
    return o;
}

/* ------------------------------------------------------- notifications */

static enum rc notif_add(struct db *db, long long ent, long long account,
                         const char *kind, long long request,
                         const char *text)
{
    sqlite3_stmt *st = db_stmt(db, sql_notif_add);

    if (!st) return RC_DB;
    if (ent)
        sqlite3_bind_int64(st, 1, ent);
    else
        sqlite3_bind_null(st, 1);
    if (account)
        sqlite3_bind_int64(st, 2, account);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, request);
    sqlite3_bind_text(st, 5, text, -1, SQLITE_TRANSIENT);
    return db_step_done(db, st);
}

/* A request's news for a provider: the inbox line, the e-mail's subject
 * and body (links to this instance's inbox, where they answer). */
struct news {
    char text[400], subject[200];
    struct buf body;
};

static void news_make(struct news *w, json_t *doc, long long id)
{
    const char *city = str(json_object_get(doc, "location"), "city");

    memset(w, 0, sizeof *w);
    snprintf(w->text, sizeof w->text, "Nouvelle demande%s%s : %s",
             *city ? " à " : "", city, str(doc, "title"));
    snprintf(w->subject, sizeof w->subject, "essaim : nouvelle demande%s%s",
             *city ? " à " : "", city);
    buf_addf(&w->body,
             "Bonjour,\n\nUne demande correspond à votre profil :\n\n"
             "%s\n%s%s\n",
             str(doc, "title"), *city ? "Lieu : " : "", city);
    if (*str(doc, "deadline"))
        buf_addf(&w->body, "Avant le : %s\n", str(doc, "deadline"));
    if (*str(doc, "description"))
        buf_addf(&w->body, "\n%.1000s\n", str(doc, "description"));
    buf_addf(&w->body,
             "\nRépondez (intéressé·e, devis, ou non merci) sur "
             "%s/inbox.html#request=%lld\n\n-- essaim\n",
             public_url, id);
}

/* news_tell: provider ent hears of request id: inbox and e-mail. */
static enum rc news_tell(struct db *db, const struct news *w, long long ent,
                         long long id)
{
    enum rc rc;

    if (buf_oom(&w->body)) return RC_NOMEM;
    rc = notif_add(db, ent, 0, "request.match", id, w->text);
    if (rc == RC_OK)
        rc = outbox_add_entrepreneur(db, ent, w->subject, w->body.p, id, 0);
    return rc;
}

/* ent_peer: the peer of entrepreneur ent (*peer 0: one of ours) and
 * their id there. */
static enum rc ent_peer(struct db *db, long long ent, long long *peer,
                        char *ext, size_t size)
{
    sqlite3_stmt *st = db_stmt(db, sql_ent_peer);
    int src;

    *peer = 0;
    *ext = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, ent);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *peer = sqlite3_column_int64(st, 0);
        db_text_copy(ext, size, st, 1);
    }
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* tell_peers: for each peer in named ({peer id: [their entrepreneurs'
 * ids there]}), a message carrying the request's public content (never
 * its contact) and whom to tell: POST /federation/v1/requests. */
static enum rc tell_peers(struct db *db, long long id, json_t *doc,
                          json_t *named)
{
    static const char *const fields[] = {"title",    "description",
                                         "location", "wanted",
                                         "deadline", "budget",
                                         NULL};
    const char *key, *const *f;
    json_t *ids;
    enum rc rc = RC_OK;

    json_object_foreach(named, key, ids) {
        json_t *msg = json_pack("{s:o, s:O}", "id", ids_json(id),
                                "entrepreneurs", ids);
        long long peer = strtoll(key, NULL, 10);

        if (!msg) return RC_NOMEM;
        for (f = fields; *f; f++)
            if (json_object_get(doc, *f))
                json_object_set(msg, *f, json_object_get(doc, *f));
        rc = fed_msg_queue(db, peer, id, "/federation/v1/requests", msg);
        json_decref(msg);
        if (rc != RC_OK) break;
    }
    return rc;
}

/* tell: record the matches of request id, tell the best notify_top: ours
 * in their inbox and by e-mail, a peer's through their instance. */
static enum rc tell(struct db *db, long long id, json_t *doc)
{
    struct match *m = NULL;
    size_t n = 0, i;
    char now[32], ext[REMOTE_ID_MAX + 1], key[24];
    struct news w;
    json_t *named = json_object();
    long long peer;
    enum rc rc = named ? match_request(db, doc, id, &m, &n) : RC_NOMEM;

    if (rc != RC_OK) {
        json_decref(named);
        return rc;
    }
    now_iso(now, sizeof now);
    news_make(&w, doc, id);
    for (i = 0; rc == RC_OK && i < n; i++) {
        sqlite3_stmt *st = db_stmt(db, sql_match_add);
        int told = (int)i < notify_top;
        char *why = json_dumps(m[i].why, JSON_COMPACT);

        if (!st || !why) {
            free(why);
            db_stmt_done(st);
            rc = st ? RC_NOMEM : RC_DB;
            break;
        }
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, m[i].id);
        sqlite3_bind_int(st, 3, (int)i + 1);
        sqlite3_bind_int(st, 4, m[i].coverage);
        sqlite3_bind_double(st, 5, m[i].score);
        sqlite3_bind_text(st, 6, why, -1, free);
        sqlite3_bind_int(st, 7, told);
        sqlite3_bind_text(st, 8, told ? "notified" : "matched", -1,
                          SQLITE_STATIC);
        if (told)
            sqlite3_bind_text(st, 9, now, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(st, 9);
        rc = db_step_done(db, st);
        if (rc != RC_OK || !told) continue;
        rc = ent_peer(db, m[i].id, &peer, ext, sizeof ext);
        if (rc == RC_OK && !peer) rc = news_tell(db, &w, m[i].id, id);
        if (rc == RC_OK && peer && *ext) {
            json_t *ids;

            snprintf(key, sizeof key, "%lld", peer);
            ids = json_object_get(named, key);
            if (!ids) {
                ids = json_array();
                if (json_object_set_new(named, key, ids)) ids = NULL;
            }
            if (!ids || json_array_append_new(ids, json_string(ext)))
                rc = RC_NOMEM;
        }
    }
    if (rc == RC_OK) rc = tell_peers(db, id, doc, named);
    json_decref(named);
    buf_free(&w.body);
    match_free(m, n);
    return rc;
}

/* count_demand: the request in the pooled demand counts, once per trade
 * code it asks for (else under no trade): one request, one count per
 * code, so that the totals count requests. */
static enum rc count_demand(struct db *db, json_t *doc)
{
    json_t *codes = json_array(), *w;
    size_t i;
    enum rc rc;

    if (!codes) return RC_NOMEM;
    json_array_foreach(json_object_get(doc, "wanted"), i, w) {
        char code[48];

        if (!json_is_object(w)) continue;
        snprintf(code, sizeof code, "%s:%s", str(w, "scheme"),
                 str(w, "code"));
        json_array_append_new(codes, json_string(code));
    }
    rc = demand_add(db, "request",
                    str(json_object_get(doc, "location"), "departement"),
                    codes);
    json_decref(codes);
    return rc;
}

/* -------------------------------------------------------------- create */

static enum rc insert(struct db *db, long long client, const char *status,
                      const struct place *pl, json_t *doc,
                      const unsigned char *hash, long long *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_insert);
    char *text = json_dumps(doc, JSON_COMPACT);
    const char *deadline = json_string_value(json_object_get(doc,
                                                             "deadline"));
    int src;

    if (!st || !text) {
        free(text);
        db_stmt_done(st);
        return st ? RC_NOMEM : RC_DB;
    }
    if (client)
        sqlite3_bind_int64(st, 1, client);
    else
        sqlite3_bind_null(st, 1);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, pl->insee, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, pl->departement, -1, SQLITE_TRANSIENT);
    if (deadline)
        sqlite3_bind_text(st, 5, deadline, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_text(st, 6, text, -1, free);
    if (hash)
        sqlite3_bind_blob(st, 7, hash, 32, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 7);
    src = sqlite3_step(st);
    db_stmt_done(st);
    if (src != SQLITE_DONE) return db_rc(db, src);
    *id = sqlite3_last_insert_rowid(db_handle(db));
    return RC_OK;
}

/* throttle: anonymous requests per client address and per e-mail. */
static enum rc throttle(const char *addr, const char *email,
                        long *retry_after)
{
    char kip[80], kmail[300];
    long a, b;

    snprintf(kip, sizeof kip, "rq-ip:%s", addr ? addr : "");
    snprintf(kmail, sizeof kmail, "rq-mail:%s", email);
    a = account_throttled(kip);
    b = account_throttled(kmail);
    if (a || b) {
        *retry_after = a > b ? a : b;
        return RC_THROTTLED;
    }
    account_failed(kip, PER_QUARTER);
    account_failed(kmail, PER_QUARTER);
    return RC_OK;
}

/* fill_contact: a signed-in client's address when the request has none. */
static enum rc fill_contact(struct db *db, const struct viewer *v,
                            json_t *doc)
{
    json_t *me = NULL, *c = json_object_get(doc, "contact");
    enum rc rc;

    if (c && json_string_length(json_object_get(c, "email"))) return RC_OK;
    rc = account_me(db, v, &me);
    if (rc != RC_OK) return rc;
    if (!c) {
        c = json_object();
        json_object_set_new(doc, "contact", c);
    }
    json_object_set(c, "email", json_object_get(me, "email"));
    if (!json_object_get(c, "name") &&
        json_is_string(json_object_get(me, "display_name")))
        json_object_set(c, "name", json_object_get(me, "display_name"));
    json_decref(me);
    return RC_OK;
}

enum rc request_create(struct db *db, const struct viewer *v, json_t *in,
                       const char *addr, json_t *errs, json_t **out,
                       long *retry_after)
{
    int anonymous = v->role == VIEWER_ANONYMOUS;
    json_t *doc = NULL;
    struct place pl;
    struct row r;
    char token[ACCOUNT_TOKEN_LEN + 1];
    unsigned char hash[32];
    long long id = 0;
    enum rc rc;

    *out = NULL;
    *retry_after = 0;
    memset(&r, 0, sizeof r);
    if (!anonymous && v->role != VIEWER_CLIENT && v->role != VIEWER_ADMIN)
        return RC_FORBIDDEN;
    rc = validate(db, in, anonymous ? FROM_ANONYMOUS : FROM_CLIENT, errs,
                  &doc, &pl);
    if (rc != RC_OK) return rc;
    if (anonymous) {
        rc = throttle(addr, str(json_object_get(doc, "contact"), "email"),
                      retry_after);
        if (rc != RC_OK) goto out;
        account_token_new(token);
        crypto_generichash(hash, sizeof hash, (const unsigned char *)token,
                           strlen(token), NULL, 0);
    }
    rc = db_begin(db);
    if (rc != RC_OK) goto out;
    if (!anonymous) rc = fill_contact(db, v, doc);
    if (rc == RC_OK)
        rc = insert(db, anonymous ? 0 : v->account_id,
                    anonymous ? "unconfirmed" : "open", &pl, doc,
                    anonymous ? hash : NULL, &id);
    if (rc == RC_OK && !anonymous) rc = tell(db, id, doc);
    if (rc == RC_OK && !anonymous) rc = count_demand(db, doc);
    if (rc == RC_OK && anonymous) {
        char body[1200];

        snprintf(body, sizeof body,
                 "Bonjour,\n\nVous avez déposé sur essaim la demande « %.200s"
                 " ».\nPour la confirmer et la transmettre aux entrepreneurs"
                 " qui peuvent y répondre, ouvrez ce lien :\n\n"
                 "%s/request.html#confirm=%s\n\nSi ce n'est pas vous,"
                 " ignorez ce message : rien ne sera envoyé.\n\n-- essaim\n",
                 str(doc, "title"), public_url, token);
        rc = outbox_add(db, str(json_object_get(doc, "contact"), "email"),
                        "essaim : confirmez votre demande", body, id);
    }
    if (rc == RC_OK) rc = load(db, id, &r);
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc != RC_OK) goto out;
    outbox_poke();
    *out = shape(db, &r, anonymous ? REL_CLIENT : REL_CLIENT, NULL);
    if (!*out) rc = RC_NOMEM;
out:
    sodium_memzero(token, sizeof token);
    json_decref(r.doc);
    json_decref(doc);
    return rc;
}

enum rc request_confirm(struct db *db, const char *token, json_t *errs,
                        json_t **out, struct account_session *session)
{
    struct check c = {errs, ""};
    unsigned char hash[32];
    long long id = 0, account = 0;
    int role = -1, src;
    struct row r;
    sqlite3_stmt *st;
    char now[32];
    enum rc rc;

    *out = NULL;
    memset(session, 0, sizeof *session);
    memset(&r, 0, sizeof r);
    if (!token || strlen(token) != ACCOUNT_TOKEN_LEN) {
        check_fail(&c, "token", "is unknown or already used");
        return RC_INVALID;
    }
    crypto_generichash(hash, sizeof hash, (const unsigned char *)token,
                       strlen(token), NULL, 0);
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    st = db_stmt(db, sql_by_confirm);
    if (!st) {
        db_rollback(db);
        return RC_DB;
    }
    sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_TRANSIENT);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    if (src != SQLITE_ROW) {
        db_rollback(db);
        if (src != SQLITE_DONE) return db_rc(db, src);
        check_fail(&c, "token", "is unknown or already used");
        return RC_INVALID;
    }
    rc = load(db, id, &r);
    if (rc == RC_OK)
        rc = account_for_email(
            db, str(json_object_get(r.doc, "contact"), "email"), &account,
            &role);
    now_iso(now, sizeof now);
    if (rc == RC_OK) {
        st = db_stmt(db, sql_open);
        if (!st) {
            rc = RC_DB;
        } else {
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_int64(st, 2, account);
            sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
            rc = db_step_done(db, st);
        }
    }
    if (rc == RC_OK) rc = tell(db, id, r.doc);
    if (rc == RC_OK) rc = count_demand(db, r.doc);
    if (rc == RC_OK && role == VIEWER_CLIENT)
        rc = account_session_open(db, account, session);
    json_decref(r.doc);
    r.doc = NULL;
    if (rc == RC_OK) rc = load(db, id, &r);
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == RC_OK) {
        outbox_poke();
        *out = shape(db, &r, REL_CLIENT, NULL);
        if (!*out) rc = RC_NOMEM;
    }
    if (rc != RC_OK) memset(session, 0, sizeof *session);
    json_decref(r.doc);
    return rc;
}

/* ---------------------------------------------------------------- read */

/* visible_row: load request id (a string) if v may see it. */
static enum rc visible_row(struct db *db, const struct viewer *v,
                           const char *id, struct row *r, enum rel *rel,
                           char *my_status, size_t size)
{
    long long n;
    enum rc rc;

    memset(r, 0, sizeof *r);
    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    rc = load(db, n, r);
    if (rc == RC_OK) rc = relation(db, v, r, rel, my_status, size);
    if (rc == RC_OK && *rel == REL_NONE) rc = RC_NOTFOUND;
    if (rc != RC_OK) {
        json_decref(r->doc);
        r->doc = NULL;
    }
    return rc;
}

enum rc request_get(struct db *db, const struct viewer *v, const char *id,
                    json_t **out)
{
    struct row r;
    enum rel rel;
    char mine[16];
    enum rc rc;

    *out = NULL;
    rc = visible_row(db, v, id, &r, &rel, mine, sizeof mine);
    if (rc != RC_OK) return rc;
    *out = shape(db, &r, rel, mine);
    json_decref(r.doc);
    return *out ? RC_OK : RC_NOMEM;
}

static json_t *match_json(sqlite3_stmt *st)
{
    static const char *const steps[] = {"notified", "viewed", "interested",
                                        "declined", "quoted", "closed"};
    json_t *o, *at = json_object();
    int i;

    for (i = 0; i < 6; i++)
        json_object_set_new(at, steps[i], db_text_json(st, 9 + i));
    o = json_pack(
        "{s:{s:o, s:s, s:o, s:o, s:o}, s:i, s:i, s:f, s:o, s:b, s:s, s:o,"
        " s:o, s:o}",
        "entrepreneur", "id", ids_json(sqlite3_column_int64(st, 0)),
        "display_name", db_text(st, 15), "cooperative_id",
        ids_json(sqlite3_column_int64(st, 16)), "headline",
        db_text_json(st, 17), "city", db_text_json(st, 18), "rank",
        sqlite3_column_int(st, 1), "coverage", sqlite3_column_int(st, 2),
        "score", sqlite3_column_double(st, 3), "why", parsed(st, 4),
        "notified", sqlite3_column_int(st, 5), "status", db_text(st, 6),
        "reason", db_text_json(st, 7), "quote", parsed(st, 8), "at", at);
    /* A peer's entrepreneur: told through their instance (README). */
    if (o)
        json_object_set_new(
            o, "origin",
            sqlite3_column_type(st, 19) == SQLITE_NULL
                ? json_null()
                : json_pack("{s:s, s:s}", "url", db_text(st, 19), "name",
                            db_text(st, 20)));
    return o;
}

enum rc request_matches(struct db *db, const struct viewer *v,
                        const char *id, json_t **out)
{
    struct row r;
    enum rel rel;
    sqlite3_stmt *st;
    json_t *res;
    int src;
    enum rc rc;

    *out = NULL;
    rc = visible_row(db, v, id, &r, &rel, NULL, 0);
    if (rc != RC_OK) return rc;
    json_decref(r.doc);
    st = db_stmt(db, sql_matches);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, r.id);
    sqlite3_bind_int64(st, 2, rel == REL_TOLD ? v->entrepreneur_id : 0);
    sqlite3_bind_int64(st, 3, rel == REL_STAFF ? v->cooperative_id : 0);
    sqlite3_bind_int(st, 4, rel == REL_STAFF);
    res = json_array();
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(res, match_json(st));
    db_stmt_done(st);
    if (src != SQLITE_DONE) {
        json_decref(res);
        return db_rc(db, src);
    }
    *out = json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(res),
                     "results", res);
    return *out ? RC_OK : RC_NOMEM;
}

/* -------------------------------------------------------------- answer */

/* allowed: may a provider at status `from` answer `to`? 1 yes, 0 a
 * no-op (viewed again), -1 a conflict. */
static int allowed(const char *from, const char *to)
{
    int viewed = !strcmp(to, "viewed");

    if (!strcmp(from, "won") || !strcmp(from, "lost")) return -1;
    if (!strcmp(from, "notified")) return 1;
    if (viewed) return 0;
    if (!strcmp(from, "declined")) return -1;
    if (!strcmp(from, "viewed")) return 1;
    if (!strcmp(from, "interested"))
        return !strcmp(to, "quoted") || !strcmp(to, "declined") ? 1 : -1;
    if (!strcmp(from, "quoted"))
        return !strcmp(to, "quoted") || !strcmp(to, "declined") ? 1 : -1;
    return -1;
}

/* check_answer: {status, reason, quote, entrepreneur_id} -> the clean
 * answer and the entrepreneur answering. */
static enum rc check_answer(const struct viewer *v, json_t *in, json_t *errs,
                            json_t *clean, long long *ent)
{
    static const char *const known[] = {"status", "reason", "quote",
                                        "entrepreneur_id", NULL};
    static const char *const statuses[] = {"viewed", "interested",
                                           "declined", "quoted", NULL};
    struct check c = {errs, ""};
    json_t *x;
    const char *st;

    *ent = 0;
    check_unknown(&c, in, known);
    check_enum(&c, in, "status", statuses, CHECK_REQUIRED, clean);
    st = str(clean, "status");
    if (!strcmp(st, "declined") &&
        check_string(&c, in, "reason", 500, CHECK_MULTILINE, clean) == 0)
        check_fail(&c, "reason",
                   "is required: unavailable, out_of_area, out_of_trade,"
                   " budget, deadline, other, or your own words");
    if (!strcmp(st, "quoted") && check_present(in, "quote")) {
        static const char *const qk[] = {"amount", "message", NULL};
        json_t *q = json_object_get(in, "quote"), *qc = json_object();
        char name[16];
        struct check sub = check_nested(&c, "quote", -1, name, sizeof name);

        if (!json_is_object(q)) {
            check_fail(&c, "quote", "must be {amount, message}");
        } else {
            check_unknown(&sub, q, qk);
            check_real(&sub, q, "amount", 0, 1e9, 0, qc);
            check_string(&sub, q, "message", 2000, CHECK_MULTILINE, qc);
        }
        json_object_set_new(clean, "quote", qc);
    }
    x = json_object_get(in, "entrepreneur_id");
    if (x && !json_is_null(x)) {
        if (!ids_parse_json(x, ent))
            check_fail(&c, "entrepreneur_id", "must be an entrepreneur id");
    } else if (v->role == VIEWER_ENTREPRENEUR) {
        *ent = v->entrepreneur_id;
    } else if (v->role == VIEWER_STAFF || v->role == VIEWER_ADMIN) {
        check_fail(&c, "entrepreneur_id",
                   "is required: staff answer for one of their entrepreneurs");
    }
    if (check_failed(&c)) return RC_INVALID;
    if (v->role == VIEWER_ENTREPRENEUR && *ent != v->entrepreneur_id)
        return RC_FORBIDDEN;
    return RC_OK;
}

/* tell_client: a provider is interested or quoted: the client's inbox,
 * and an e-mail to the request's contact. */
static enum rc tell_client(struct db *db, const struct row *r,
                           long long ent, const char *status)
{
    sqlite3_stmt *st = db_stmt(db, sql_ent_name);
    char name[160] = "", text[500], body[1200];
    const char *email = str(json_object_get(r->doc, "contact"), "email");
    enum rc rc = RC_OK;

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, ent);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(name, sizeof name, "%s", db_text(st, 0));
    db_stmt_done(st);
    snprintf(text, sizeof text,
             !strcmp(status, "quoted") ? "%s vous propose un devis pour « %s »"
                                       : "%s est intéressé·e par « %s »",
             name, str(r->doc, "title"));
    if (r->client)
        rc = notif_add(db, 0, r->client, "request.answer", r->id, text);
    if (rc == RC_OK && *email) {
        snprintf(body, sizeof body,
                 "Bonjour,\n\n%s.\n\nVoyez les réponses et choisissez sur "
                 "%s/request.html?id=%lld\n\n-- essaim\n",
                 text, public_url, r->id);
        rc = outbox_add(db, email, "essaim : une réponse à votre demande",
                        body, r->id);
    }
    return rc;
}

/* relay: provider ent of our copy r of a peer's request answered to:
 * the answer goes back to the request's instance, which shows it to its
 * client (POST /federation/v1/requests/{id}/responses). */
static enum rc relay(struct db *db, const struct row *r, long long ent,
                     json_t *clean)
{
    char path[128];
    json_t *msg = json_pack("{s:o, s:O}", "entrepreneur_id", ids_json(ent),
                            "status", json_object_get(clean, "status"));
    enum rc rc;

    if (!msg) return RC_NOMEM;
    if (json_object_get(clean, "reason"))
        json_object_set(msg, "reason", json_object_get(clean, "reason"));
    if (json_object_get(clean, "quote"))
        json_object_set(msg, "quote", json_object_get(clean, "quote"));
    snprintf(path, sizeof path, "/federation/v1/requests/%s/responses",
             r->remote_id);
    rc = fed_msg_queue(db, r->peer, r->id, path, msg);
    json_decref(msg);
    return rc;
}

/* answer: provider ent, at status from on request r, answers clean
 * {status, reason, quote} (in the caller's transaction): the step
 * checked and recorded, the client told, a peer's request relayed to
 * its instance; *out the provider's match. relayed: the answer comes
 * from the provider's instance, which may send it again (a retry): the
 * same status again is then a harmless repeat, not a conflict. */
static enum rc answer(struct db *db, const struct row *r, long long ent,
                      const char *from, json_t *clean, int relayed,
                      json_t *errs, json_t **out)
{
    const char *to = str(clean, "status"), *sql;
    char now[32];
    sqlite3_stmt *st;
    int ok;
    enum rc rc = RC_OK;

    ok = strcmp(r->status, "open") ? -1 : allowed(from, to);
    if (relayed && !strcmp(from, to) && strcmp(to, "quoted")) ok = 0;
    if (ok < 0) {
        struct check c = {errs, ""};

        check_fail(&c, "status", "cannot go from %s to %s%s", from, to,
                   strcmp(r->status, "open") ? " (the request is closed)"
                                             : "");
        return RC_CONFLICT;
    }
    now_iso(now, sizeof now);
    sql = !ok && !strcmp(to, "viewed") ? sql_viewed_again
          : !ok                        ? NULL
          : !strcmp(to, "viewed")      ? sql_viewed
          : !strcmp(to, "interested")  ? sql_interested
          : !strcmp(to, "declined")    ? sql_declined
                                       : sql_quoted;
    if (sql) {
        char *quote = json_object_get(clean, "quote")
                          ? json_dumps(json_object_get(clean, "quote"),
                                       JSON_COMPACT)
                          : NULL;

        st = db_stmt(db, sql);
        if (!st) {
            free(quote);
            return RC_DB;
        }
        sqlite3_bind_int64(st, 1, r->id);
        sqlite3_bind_int64(st, 2, ent);
        sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
        if (sql == sql_declined)
            sqlite3_bind_text(st, 4, str(clean, "reason"), -1,
                              SQLITE_TRANSIENT);
        if (sql == sql_quoted) {
            if (quote)
                sqlite3_bind_text(st, 5, quote, -1, free);
            else
                sqlite3_bind_null(st, 5);
            quote = NULL;
        }
        free(quote);
        rc = db_step_done(db, st);
    }
    if (rc == RC_OK && ok > 0 && !r->peer &&
        (!strcmp(to, "interested") || !strcmp(to, "quoted")))
        rc = tell_client(db, r, ent, to);
    if (rc == RC_OK && ok > 0 && r->peer) rc = relay(db, r, ent, clean);
    if (rc != RC_OK) return rc;
    st = db_stmt(db, sql_matches);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, r->id);
    sqlite3_bind_int64(st, 2, ent);
    sqlite3_bind_int64(st, 3, 0);
    sqlite3_bind_int(st, 4, 0);
    if (sqlite3_step(st) == SQLITE_ROW) *out = match_json(st);
    db_stmt_done(st);
    return *out ? RC_OK : RC_NOMEM;
}

/* match_state: the status of ent's match on request id, and whether
 * they were told of it (*told 0: not). */
static enum rc match_state(struct db *db, long long id, long long ent,
                           char *from, size_t size, int *told)
{
    sqlite3_stmt *st = db_stmt(db, sql_match_get);
    int src;

    *from = 0;
    *told = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, ent);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        snprintf(from, size, "%s", db_text(st, 0));
        *told = sqlite3_column_int(st, 1);
    }
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

enum rc request_respond(struct db *db, const struct viewer *v,
                        const char *id, json_t *in, json_t *errs,
                        json_t **out)
{
    json_t *clean = json_object();
    struct row r;
    enum rel rel = REL_NONE;
    long long ent = 0, coop = 0, n;
    char from[16] = "";
    sqlite3_stmt *st;
    int told = 0, src;
    enum rc rc;

    *out = NULL;
    memset(&r, 0, sizeof r);
    if (!clean) return RC_NOMEM;
    if (v->role == VIEWER_ANONYMOUS) {
        json_decref(clean);
        return RC_UNAUTHORIZED;
    }
    if (!ids_parse(id, &n)) {
        json_decref(clean);
        return RC_NOTFOUND;
    }
    rc = db_begin(db);
    if (rc == RC_OK) rc = load(db, n, &r);
    if (rc == RC_OK) rc = relation(db, v, &r, &rel, NULL, 0);
    if (rc == RC_OK && rel == REL_NONE) rc = RC_NOTFOUND;
    if (rc == RC_OK && rel == REL_CLIENT) rc = RC_FORBIDDEN;
    if (rc == RC_OK) rc = check_answer(v, in, errs, clean, &ent);
    /* The provider's match: told of the request, and theirs to answer. */
    if (rc == RC_OK) {
        st = db_stmt(db, sql_ent_name);
        if (!st) {
            rc = RC_DB;
        } else {
            sqlite3_bind_int64(st, 1, ent);
            src = sqlite3_step(st);
            if (src == SQLITE_ROW) coop = sqlite3_column_int64(st, 1);
            db_stmt_done(st);
        }
        if (rc == RC_OK && !viewer_can_edit_entrepreneur(v, coop, ent))
            rc = RC_FORBIDDEN;
    }
    if (rc == RC_OK) rc = match_state(db, r.id, ent, from, sizeof from, &told);
    if (rc == RC_OK && !told) {
        struct check c = {errs, ""};

        check_fail(&c, "entrepreneur_id", "was not told of this request");
        rc = RC_INVALID;
    }
    if (rc == RC_OK) rc = answer(db, &r, ent, from, clean, 0, errs, out);
    if (rc == RC_OK)
        rc = db_commit(db);
    else if (db_in_transaction(db))
        db_rollback(db);
    if (rc == RC_OK) {
        outbox_poke();
    } else {
        json_decref(*out);
        *out = NULL;
    }
    json_decref(r.doc);
    json_decref(clean);
    return rc;
}

/* ------------------------------------------------------------- outcome */

/* close_request: request r closes, won by won_by (0: cancelled; -1:
 * won by someone another instance told, for a peer's request), in the
 * caller's transaction: the request and its matches closed, this
 * instance's told providers told (the winner by e-mail too). A peer's
 * entrepreneurs hear of it through their instance (outcome_peers). */
static enum rc close_request(struct db *db, const struct row *r, int won,
                             long long won_by)
{
    json_t *told = json_array(), *x;
    char now[32], text[400], subject[160], body[1200];
    sqlite3_stmt *st;
    long long peer;
    char ext[REMOTE_ID_MAX + 1];
    int src, in_told = 0;
    size_t i;
    enum rc rc = told ? RC_OK : RC_NOMEM;

    now_iso(now, sizeof now);
    if (rc == RC_OK) {
        st = db_stmt(db, sql_close);
        if (!st) {
            rc = RC_DB;
        } else {
            sqlite3_bind_int64(st, 1, r->id);
            sqlite3_bind_text(st, 2, won ? "won" : "cancelled", -1,
                              SQLITE_STATIC);
            if (won && won_by > 0)
                sqlite3_bind_int64(st, 3, won_by);
            else
                sqlite3_bind_null(st, 3);
            sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
            rc = db_step_done(db, st);
        }
    }
    if (rc == RC_OK) {
        st = db_stmt(db, sql_close_matches);
        if (!st) {
            rc = RC_DB;
        } else {
            sqlite3_bind_int64(st, 1, r->id);
            sqlite3_bind_int64(st, 2, won_by);
            sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
            rc = db_step_done(db, st);
        }
    }
    /* Tell the providers who were told of it. */
    if (rc == RC_OK) {
        st = db_stmt(db, sql_told);
        if (!st) {
            rc = RC_DB;
        } else {
            sqlite3_bind_int64(st, 1, r->id);
            while ((src = sqlite3_step(st)) == SQLITE_ROW)
                json_array_append_new(
                    told, json_integer(sqlite3_column_int64(st, 0)));
            db_stmt_done(st);
            if (src != SQLITE_DONE) rc = db_rc(db, src);
        }
        json_array_foreach(told, i, x) {
            if (json_integer_value(x) == won_by) in_told = 1;
        }
        if (won && won_by > 0 && !in_told)
            json_array_append_new(told, json_integer(won_by));
    }
    json_array_foreach(told, i, x) {
        long long e = json_integer_value(x);

        if (rc != RC_OK) break;
        rc = ent_peer(db, e, &peer, ext, sizeof ext);
        if (rc != RC_OK || peer) continue;
        snprintf(text, sizeof text,
                 !won ? "La demande « %s » a été annulée"
                 : e == won_by ? "Votre réponse à « %s » a été retenue"
                               : "La demande « %s » a été confiée à un autre"
                                 " entrepreneur",
                 str(r->doc, "title"));
        rc = notif_add(db, e, 0, "request.outcome", r->id, text);
        if (rc == RC_OK && won && e == won_by) {
            snprintf(subject, sizeof subject,
                     "essaim : votre réponse est retenue");
            snprintf(body, sizeof body,
                     "Bonjour,\n\n%s.\n\nLe contact du client : "
                     "%s/inbox.html#request=%lld\n\n-- essaim\n",
                     text, public_url, r->id);
            rc = outbox_add_entrepreneur(db, e, subject, body, r->id, 0);
        }
    }
    json_decref(told);
    return rc;
}

/* outcome_peers: each peer whose entrepreneurs were told of request r
 * hears that it closed (POST /federation/v1/requests/{id}/outcome),
 * with the winner's id there when the winner is theirs. */
static enum rc outcome_peers(struct db *db, const struct row *r, int won,
                             long long won_by)
{
    sqlite3_stmt *st = db_stmt(db, sql_told_remote);
    json_t *msgs = json_object(), *msg;
    char key[24], path[128];
    const char *k;
    int src;
    enum rc rc = msgs ? RC_OK : RC_NOMEM;

    if (!st) {
        json_decref(msgs);
        return RC_DB;
    }
    sqlite3_bind_int64(st, 1, r->id);
    while (rc == RC_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        snprintf(key, sizeof key, "%lld", sqlite3_column_int64(st, 0));
        msg = json_object_get(msgs, key);
        if (!msg) {
            msg = json_pack("{s:s, s:n}", "outcome",
                            won ? "won" : "cancelled", "won_by");
            if (!msg || json_object_set_new(msgs, key, msg)) rc = RC_NOMEM;
        }
        if (rc == RC_OK && won && sqlite3_column_int64(st, 2) == won_by)
            json_object_set_new(msg, "won_by", json_string(db_text(st, 1)));
    }
    if (rc == RC_OK && src != SQLITE_DONE) rc = db_rc(db, src);
    db_stmt_done(st);
    snprintf(path, sizeof path, "/federation/v1/requests/%lld/outcome",
             r->id);
    json_object_foreach(msgs, k, msg) {
        if (rc != RC_OK) break;
        rc = fed_msg_queue(db, strtoll(k, NULL, 10), r->id, path, msg);
    }
    json_decref(msgs);
    return rc;
}

enum rc request_outcome(struct db *db, const struct viewer *v,
                        const char *id, json_t *in, json_t *errs,
                        json_t **out)
{
    static const char *const known[] = {"outcome", "won_by", NULL};
    static const char *const outcomes[] = {"won", "cancelled", NULL};
    struct check c = {errs, ""};
    json_t *clean = json_object(), *x;
    struct row r;
    enum rel rel = REL_NONE;
    long long n, won_by = 0;
    sqlite3_stmt *st;
    int won, matched = 0;
    enum rc rc;

    *out = NULL;
    memset(&r, 0, sizeof r);
    if (!clean) return RC_NOMEM;
    if (v->role == VIEWER_ANONYMOUS) {
        json_decref(clean);
        return RC_UNAUTHORIZED;
    }
    check_unknown(&c, in, known);
    check_enum(&c, in, "outcome", outcomes, CHECK_REQUIRED, clean);
    won = !strcmp(str(clean, "outcome"), "won");
    x = json_object_get(in, "won_by");
    if (won && (!x || json_is_null(x)))
        check_fail(&c, "won_by", "is required when the outcome is won");
    else if (won && !ids_parse_json(x, &won_by))
        check_fail(&c, "won_by", "must be an entrepreneur id");
    else if (!won && x && !json_is_null(x))
        check_fail(&c, "won_by", "is only for the outcome won");
    if (!ids_parse(id, &n)) {
        json_decref(clean);
        return RC_NOTFOUND;
    }
    rc = db_begin(db);
    if (rc == RC_OK) rc = load(db, n, &r);
    if (rc == RC_OK) rc = relation(db, v, &r, &rel, NULL, 0);
    if (rc == RC_OK && rel == REL_NONE) rc = RC_NOTFOUND;
    if (rc == RC_OK && rel < REL_CLIENT) rc = RC_FORBIDDEN;
    /* A peer's request is closed by its client, at its instance. */
    if (rc == RC_OK && r.peer) rc = RC_FORBIDDEN;
    if (rc == RC_OK && check_failed(&c)) rc = RC_INVALID;
    if (rc == RC_OK && strcmp(r.status, "open")) {
        check_fail(&c, "outcome", "the request is already %s", r.status);
        rc = RC_CONFLICT;
    }
    if (rc == RC_OK && won) {
        st = db_stmt(db, sql_match_get);
        if (!st) {
            rc = RC_DB;
        } else {
            sqlite3_bind_int64(st, 1, r.id);
            sqlite3_bind_int64(st, 2, won_by);
            matched = sqlite3_step(st) == SQLITE_ROW;
            db_stmt_done(st);
        }
        if (rc == RC_OK && !matched) {
            check_fail(&c, "won_by",
                       "must be one of the providers matched to the request");
            rc = RC_INVALID;
        }
    }
    if (rc == RC_OK) rc = close_request(db, &r, won, won_by);
    if (rc == RC_OK) rc = outcome_peers(db, &r, won, won_by);
    json_decref(r.doc);
    r.doc = NULL;
    if (rc == RC_OK) rc = load(db, n, &r);
    if (rc == RC_OK)
        rc = db_commit(db);
    else if (db_in_transaction(db))
        db_rollback(db);
    if (rc == RC_OK) {
        outbox_poke();
        *out = shape(db, &r, rel, NULL);
        if (!*out) rc = RC_NOMEM;
    }
    json_decref(r.doc);
    json_decref(clean);
    return rc;
}

/* ---------------------------------------------------------------- lists */

enum rc request_list(struct db *db, const struct viewer *v,
                     const char *status, int limit, const char *cursor,
                     json_t *errs, json_t **out)
{
    static const char *const statuses[] = {"unconfirmed", "open", "won",
                                           "cancelled", NULL};
    struct check c = {errs, ""};
    const char *list, *count;
    long long who, before = 0, total = 0, last = 0;
    json_t *res = NULL, *next = NULL;
    sqlite3_stmt *st;
    int src, k = 0, i;
    enum rc rc;

    *out = NULL;
    if (cursor && *cursor && !ids_parse(cursor, &before))
        check_fail(&c, "cursor", "is not a cursor from a previous answer");
    if (status && *status) {
        for (i = 0; statuses[i] && strcmp(statuses[i], status); i++) continue;
        if (!statuses[i])
            check_fail(&c, "status",
                       "must be one of: unconfirmed, open, won, cancelled");
    }
    if (check_failed(&c)) return RC_INVALID;
    switch (v->role) {
    case VIEWER_ANONYMOUS: return RC_UNAUTHORIZED;
    case VIEWER_CLIENT:
        list = sql_list_client, count = sql_count_client, who = v->account_id;
        break;
    case VIEWER_ENTREPRENEUR:
        list = sql_list_ent, count = sql_count_ent, who = v->entrepreneur_id;
        break;
    case VIEWER_STAFF:
        list = sql_list_coop, count = sql_count_coop, who = v->cooperative_id;
        break;
    case VIEWER_ADMIN:
        list = sql_list_all, count = sql_count_all, who = 0;
        break;
    default: return RC_FORBIDDEN;
    }
    rc = db_begin_read(db);
    if (rc != RC_OK) return rc;
    res = json_array();
    st = db_stmt(db, list);
    if (!st || !res) {
        rc = st ? RC_NOMEM : RC_DB;
        goto done;
    }
    sqlite3_bind_int64(st, 1, who);
    sqlite3_bind_text(st, 2, status ? status : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, before);
    sqlite3_bind_int(st, 4, limit + 1);
    while (rc == RC_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        char idbuf[24];
        json_t *doc = NULL;

        if (k++ == limit) {
            next = ids_json(last);
            break;
        }
        last = sqlite3_column_int64(st, 0);
        snprintf(idbuf, sizeof idbuf, "%lld", last);
        rc = request_get(db, v, idbuf, &doc);
        if (rc == RC_OK) json_array_append_new(res, doc);
    }
    db_stmt_done(st);
    if (rc != RC_OK) goto done;
    st = db_stmt(db, count);
    if (!st) {
        rc = RC_DB;
        goto done;
    }
    sqlite3_bind_int64(st, 1, who);
    sqlite3_bind_text(st, 2, status ? status : "", -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) total = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
done:
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == RC_OK) {
        *out = json_pack("{s:I, s:o, s:o}", "total", (json_int_t)total,
                         "results", res, "next_cursor",
                         next ? next : json_null());
        return *out ? RC_OK : RC_NOMEM;
    }
    json_decref(res);
    json_decref(next);
    return rc;
}

enum rc request_notifications(struct db *db, const struct viewer *v,
                              int limit, const char *cursor, int mark_read,
                              json_t *errs, json_t **out)
{
    struct check c = {errs, ""};
    long long before = 0, total = 0, unread = 0, last = 0;
    long long ent = v->role == VIEWER_ENTREPRENEUR ? v->entrepreneur_id : -1;
    json_t *res = NULL, *next = NULL;
    sqlite3_stmt *st;
    char now[32];
    int src, k = 0;
    enum rc rc;

    *out = NULL;
    if (!v->account_id) return RC_UNAUTHORIZED;
    if (cursor && *cursor && !ids_parse(cursor, &before))
        check_fail(&c, "cursor", "is not a cursor from a previous answer");
    if (check_failed(&c)) return RC_INVALID;
    if (!ent) ent = -1;
    rc = mark_read ? db_begin(db) : db_begin_read(db);
    if (rc != RC_OK) return rc;
    if (mark_read) {
        now_iso(now, sizeof now);
        st = db_stmt(db, sql_notif_read);
        if (!st) {
            rc = RC_DB;
            goto done;
        }
        sqlite3_bind_int64(st, 1, v->account_id);
        sqlite3_bind_int64(st, 2, ent);
        sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
        rc = db_step_done(db, st);
        if (rc != RC_OK) goto done;
    }
    res = json_array();
    st = db_stmt(db, sql_notifs);
    if (!st || !res) {
        rc = st ? RC_NOMEM : RC_DB;
        goto done;
    }
    sqlite3_bind_int64(st, 1, v->account_id);
    sqlite3_bind_int64(st, 2, ent);
    sqlite3_bind_int64(st, 3, before);
    sqlite3_bind_int(st, 4, limit + 1);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (k++ == limit) {
            next = ids_json(last);
            break;
        }
        last = sqlite3_column_int64(st, 0);
        json_array_append_new(
            res,
            json_pack("{s:o, s:s, s:o, s:o, s:o, s:s, s:s, s:o}", "id",
                      ids_json(last), "kind", db_text(st, 1), "request_id",
                      sqlite3_column_type(st, 2) == SQLITE_NULL
                          ? json_null()
                          : ids_json(sqlite3_column_int64(st, 2)),
                      "group_id",
                      sqlite3_column_type(st, 6) == SQLITE_NULL
                          ? json_null()
                          : ids_json(sqlite3_column_int64(st, 6)),
                      "transfer_id", /* contribution-temps */
                      sqlite3_column_type(st, 7) == SQLITE_NULL
                          ? json_null()
                          : ids_json(sqlite3_column_int64(st, 7)),
                      "text", db_text(st, 3), "created_at", db_text(st, 4),
                      "read_at", db_text_json(st, 5)));
    }
    db_stmt_done(st);
    st = db_stmt(db, sql_notif_counts);
    if (!st) {
        rc = RC_DB;
        goto done;
    }
    sqlite3_bind_int64(st, 1, v->account_id);
    sqlite3_bind_int64(st, 2, ent);
    if (sqlite3_step(st) == SQLITE_ROW) {
        total = sqlite3_column_int64(st, 0);
        unread = sqlite3_column_int64(st, 1);
    }
    db_stmt_done(st);
done:
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == RC_OK) {
        *out = json_pack("{s:I, s:I, s:o, s:o}", "total", (json_int_t)total,
                         "unread", (json_int_t)unread, "results", res,
                         "next_cursor", next ? next : json_null());
        return *out ? RC_OK : RC_NOMEM;
    }
    json_decref(res);
    json_decref(next);
    return rc;
}

/* ------------------------------------------------- requests of peers */

/* remote_id: an id another instance gives (a string of letters, digits,
 * '.', '_', ':', '-', at most REMOTE_ID_MAX, or a positive integer) into
 * out; 0 when v is none of these. */
static int remote_id(json_t *v, char out[REMOTE_ID_MAX + 1])
{
    const char *s = json_string_value(v);
    size_t n;

    *out = 0;
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        snprintf(out, REMOTE_ID_MAX + 1, "%lld",
                 (long long)json_integer_value(v));
        return 1;
    }
    n = s ? strlen(s) : 0;
    if (!n || n > REMOTE_ID_MAX ||
        strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789._:-") != n)
        return 0;
    memcpy(out, s, n + 1);
    return 1;
}

/* copy_add: our copy of peer's request rid, open, without a client. */
static enum rc copy_add(struct db *db, long long peer, const char *rid,
                        const struct place *pl, json_t *doc, long long *id)
{
    sqlite3_stmt *st = db_stmt(db, sql_copy_add);
    char *text = json_dumps(doc, JSON_COMPACT);
    const char *deadline = json_string_value(json_object_get(doc,
                                                             "deadline"));
    enum rc rc;

    *id = 0;
    if (!st || !text) {
        free(text);
        db_stmt_done(st);
        return st ? RC_NOMEM : RC_DB;
    }
    sqlite3_bind_text(st, 1, pl->insee, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, pl->departement, -1, SQLITE_TRANSIENT);
    if (deadline)
        sqlite3_bind_text(st, 3, deadline, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_text(st, 4, text, -1, free);
    sqlite3_bind_int64(st, 5, peer);
    sqlite3_bind_text(st, 6, rid, -1, SQLITE_TRANSIENT);
    rc = db_step_done(db, st);
    if (rc == RC_OK) *id = sqlite3_last_insert_rowid(db_handle(db));
    return rc;
}

/* tell_named: of the entrepreneurs named (ids), ours that the network may
 * see are told of our copy id, like a local match; the others (unknown,
 * a peer's, private or cooperative) are skipped without a word, as if
 * they did not exist. *told counts those told. */
static enum rc tell_named(struct db *db, long long id, json_t *doc,
                          json_t *named, long *told)
{
    json_t *seen = json_array(), *x;
    struct news w;
    char now[32];
    long long e, ok;
    size_t i, j;
    enum rc rc = seen ? RC_OK : RC_NOMEM;

    *told = 0;
    now_iso(now, sizeof now);
    news_make(&w, doc, id);
    json_array_foreach(named, i, x) {
        sqlite3_stmt *st;
        json_t *y;
        int dup = 0;

        if (rc != RC_OK) break;
        if (!ids_parse_json(x, &e)) continue;
        json_array_foreach(seen, j, y) {
            if (json_integer_value(y) == e) dup = 1;
        }
        if (dup) continue;
        rc = db_find_ids(db, sql_ent_for_peer, e, NULL, &ok, 1);
        if (rc != RC_OK || !ok) continue;
        json_array_append_new(seen, json_integer(e));
        st = db_stmt(db, sql_match_add);
        if (!st) {
            rc = RC_DB;
            break;
        }
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, e);
        sqlite3_bind_int(st, 3, (int)json_array_size(seen));
        sqlite3_bind_int(st, 4, 0);
        sqlite3_bind_double(st, 5, 0);
        sqlite3_bind_text(st, 6, "[]", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 7, 1);
        sqlite3_bind_text(st, 8, "notified", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, now, -1, SQLITE_TRANSIENT);
        rc = db_step_done(db, st);
        if (rc == RC_OK) rc = news_tell(db, &w, e, id);
        if (rc == RC_OK) (*told)++;
    }
    buf_free(&w.body);
    json_decref(seen);
    return rc;
}

enum rc request_peer_create(struct db *db, long long peer, json_t *in,
                            json_t *errs, json_t **out, int *created)
{
    struct check c = {errs, ""};
    json_t *rest = json_copy(in), *doc = NULL, *named, *x;
    char rid[REMOTE_ID_MAX + 1];
    struct place pl;
    long long id = 0, e;
    long told = 0;
    size_t i;
    enum rc rc = rest ? RC_OK : RC_NOMEM;

    *out = NULL;
    *created = 0;
    if (rc != RC_OK) return rc;
    if (!remote_id(json_object_get(in, "id"), rid))
        check_fail(&c, "id",
                   "is required: the request's id at your instance (up to"
                   " %d letters, digits, '.', '_', ':', '-')",
                   REMOTE_ID_MAX);
    named = json_object_get(in, "entrepreneurs");
    if (!json_is_array(named) || !json_array_size(named) ||
        json_array_size(named) > NAMED_MAX) {
        check_fail(&c, "entrepreneurs",
                   "must name 1 to %d entrepreneurs of this instance by"
                   " their id",
                   NAMED_MAX);
    } else {
        json_array_foreach(named, i, x) {
            char name[32];

            snprintf(name, sizeof name, "entrepreneurs[%zu]", i);
            if (!ids_parse_json(x, &e))
                check_fail(&c, name, "must be an entrepreneur id of this"
                                     " instance");
        }
    }
    json_object_del(rest, "id");
    json_object_del(rest, "entrepreneurs");
    rc = validate(db, rest, FROM_PEER, errs, &doc, &pl);
    if (rc == RC_OK && check_failed(&c)) rc = RC_INVALID;
    if (rc != RC_OK) goto out;
    rc = db_begin(db);
    if (rc != RC_OK) goto out;
    /* A message sent again (its answer was lost): the copy stands. */
    rc = db_find_ids(db, sql_copy_find, peer, rid, &id, 1);
    if (rc == RC_OK && !id) {
        *created = 1;
        rc = copy_add(db, peer, rid, &pl, doc, &id);
        if (rc == RC_OK) rc = tell_named(db, id, doc, named, &told);
    }
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == RC_OK) {
        outbox_poke();
        *out = json_pack("{s:o, s:s, s:i}", "id", ids_json(id),
                         "request_id", rid, "notified", (int)told);
        if (!*out) rc = RC_NOMEM;
    }
out:
    json_decref(doc);
    json_decref(rest);
    return rc;
}

/* contact_back: a provider of peer answered our request r interested
 * or quoted (from status from): as a local provider would, they may now
 * reach the client, so the client's contact goes to their instance,
 * which shows it to them alone (POST /federation/v1/requests/{id}/contact;
 * once per peer: a second provider there finds it in the copy). */
static enum rc contact_back(struct db *db, const struct row *r,
                            long long peer, const char *from, const char *to)
{
    json_t *contact = json_object_get(r->doc, "contact"), *msg;
    char path[128];
    enum rc rc;

    if ((strcmp(to, "interested") && strcmp(to, "quoted")) ||
        !strcmp(from, "interested") || !strcmp(from, "quoted") ||
        !json_is_object(contact))
        return RC_OK;
    msg = json_pack("{s:O}", "contact", contact);
    if (!msg) return RC_NOMEM;
    snprintf(path, sizeof path, "/federation/v1/requests/%lld/contact",
             r->id);
    rc = fed_msg_queue(db, peer, r->id, path, msg);
    json_decref(msg);
    return rc;
}

enum rc request_peer_answer(struct db *db, long long peer, const char *id,
                            json_t *in, json_t *errs, json_t **out)
{
    static const struct viewer relayer = {VIEWER_PEER, 0, 0, 0};
    struct check c = {errs, ""};
    json_t *rest = json_copy(in), *clean = json_object();
    char ext[REMOTE_ID_MAX + 1], from[16];
    struct row r;
    long long n, ent = 0, none;
    int told = 0;
    enum rc rc = rest && clean ? RC_OK : RC_NOMEM;

    *out = NULL;
    memset(&r, 0, sizeof r);
    if (rc == RC_OK && !ids_parse(id, &n)) rc = RC_NOTFOUND;
    if (rc == RC_OK) {
        if (!remote_id(json_object_get(in, "entrepreneur_id"), ext))
            check_fail(&c, "entrepreneur_id",
                       "is required: the provider's id at your instance");
        json_object_del(rest, "entrepreneur_id");
        rc = check_answer(&relayer, rest, errs, clean, &none);
        if (rc == RC_OK && check_failed(&c)) rc = RC_INVALID;
    }
    if (rc == RC_OK) rc = db_begin(db);
    if (rc != RC_OK) goto out;
    rc = load(db, n, &r);
    /* Only a request of ours is answered here, by the peer whose
     * entrepreneur it told. */
    if (rc == RC_OK && r.peer) rc = RC_NOTFOUND;
    if (rc == RC_OK)
        rc = db_find_ids(db, sql_ent_of_peer, peer, ext, &ent, 1);
    if (rc == RC_OK && ent) rc = match_state(db, r.id, ent, from,
                                             sizeof from, &told);
    if (rc == RC_OK && !told) {
        check_fail(&c, "entrepreneur_id",
                   "is not one of your entrepreneurs told of this request");
        rc = RC_INVALID;
    }
    if (rc == RC_OK) rc = answer(db, &r, ent, from, clean, 1, errs, out);
    if (rc == RC_OK) rc = contact_back(db, &r, peer, from, str(clean, "status"));
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == RC_OK) {
        outbox_poke();
    } else {
        json_decref(*out);
        *out = NULL;
    }
out:
    json_decref(r.doc);
    json_decref(rest);
    json_decref(clean);
    return rc;
}

enum rc request_forget_peers(struct db *db, long long client)
{
    sqlite3_stmt *st;
    json_t *sends = json_array(), *x;
    enum rc rc = sends ? db_begin(db) : RC_NOMEM;
    size_t i;
    int src;

    if (rc != RC_OK) {
        json_decref(sends);
        return rc;
    }
    st = db_stmt(db, sql_client_peers);
    if (!st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, client);
        while ((src = sqlite3_step(st)) == SQLITE_ROW) {
            json_int_t peer = sqlite3_column_int64(st, 0);
            json_int_t id = sqlite3_column_int64(st, 1);

            json_array_append_new(sends, json_pack("[I, I]", peer, id));
        }
        if (src != SQLITE_DONE) rc = db_rc(db, src);
        db_stmt_done(st);
    }
    /* Not tied to the request (request_id 0): the message outlives it. */
    json_array_foreach(sends, i, x) {
        char path[128];
        json_t *body = json_object();

        if (rc != RC_OK) break;
        snprintf(path, sizeof path, "/federation/v1/requests/%lld/erase",
                 (long long)json_integer_value(json_array_get(x, 1)));
        rc = body ? fed_msg_queue(db,
                                  json_integer_value(json_array_get(x, 0)), 0,
                                  path, body)
                  : RC_NOMEM;
        json_decref(body);
    }
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    json_decref(sends);
    return rc;
}

enum rc request_peer_erase(struct db *db, long long peer, const char *id,
                           json_t *in, json_t *errs, json_t **out)
{
    json_t *idv = json_string(id ? id : "");
    char rid[REMOTE_ID_MAX + 1];
    sqlite3_stmt *st;
    long long n = 0;
    enum rc rc = idv && remote_id(idv, rid) ? RC_OK : RC_NOTFOUND;

    (void)in;
    (void)errs;
    *out = NULL;
    json_decref(idv);
    if (rc == RC_OK) rc = db_begin(db);
    if (rc != RC_OK) return rc;
    rc = db_find_ids(db, sql_copy_find, peer, rid, &n, 1);
    if (rc == RC_OK && !n) rc = RC_NOTFOUND;
    if (rc == RC_OK && !(st = db_stmt(db, sql_copy_delete))) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, n);
        rc = db_step_done(db, st); /* its matches and notices with it */
    }
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == RC_OK && !(*out = json_pack("{s:s, s:b}", "request_id", rid,
                                          "erased", 1)))
        rc = RC_NOMEM;
    return rc;
}

enum rc request_peer_contact(struct db *db, long long peer, const char *id,
                             json_t *in, json_t *errs, json_t **out)
{
    static const char *const known[] = {"contact", NULL};
    struct check c = {errs, ""};
    json_t *clean = json_object(), *idv = json_string(id ? id : "");
    char rid[REMOTE_ID_MAX + 1], now[32], *text = NULL;
    sqlite3_stmt *st;
    long long n = 0;
    enum rc rc = clean && idv ? RC_OK : RC_NOMEM;

    *out = NULL;
    if (rc == RC_OK && !remote_id(idv, rid)) rc = RC_NOTFOUND;
    json_decref(idv);
    if (rc != RC_OK) goto out;
    check_unknown(&c, in, known);
    if (check_contact(&c, in, 0, clean) == 0)
        check_fail(&c, "contact", "is required: {name, email, phone}");
    if (check_failed(&c)) {
        rc = RC_INVALID;
        goto out;
    }
    text = json_dumps(json_object_get(clean, "contact"), JSON_COMPACT);
    rc = text ? db_begin(db) : RC_NOMEM;
    if (rc != RC_OK) goto out;
    rc = db_find_ids(db, sql_copy_find, peer, rid, &n, 1);
    if (rc == RC_OK && !n) rc = RC_NOTFOUND;
    if (rc == RC_OK && !(st = db_stmt(db, sql_copy_contact))) rc = RC_DB;
    if (rc == RC_OK) {
        now_iso(now, sizeof now);
        sqlite3_bind_int64(st, 1, n);
        sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
        rc = db_step_done(db, st);
    }
    if (rc == RC_OK) rc = db_commit(db);
    else db_rollback(db);
    if (rc == RC_OK && !(*out = json_pack("{s:o, s:s}", "id", ids_json(n),
                                          "request_id", rid)))
        rc = RC_NOMEM;
out:
    free(text);
    json_decref(clean);
    return rc;
}

enum rc request_peer_outcome(struct db *db, long long peer, const char *id,
                             json_t *in, json_t *errs, json_t **out)
{
    static const char *const known[] = {"outcome", "won_by", NULL};
    static const char *const outcomes[] = {"won", "cancelled", NULL};
    struct check c = {errs, ""};
    json_t *clean = json_object(), *x;
    char rid[REMOTE_ID_MAX + 1], from[16];
    struct row r;
    long long n = 0, won_by = 0;
    int won, told = 0;
    enum rc rc = clean ? RC_OK : RC_NOMEM;
    json_t *idv = json_string(id ? id : "");

    *out = NULL;
    memset(&r, 0, sizeof r);
    if (rc == RC_OK && !remote_id(idv, rid)) rc = RC_NOTFOUND;
    json_decref(idv);
    if (rc != RC_OK) goto out;
    check_unknown(&c, in, known);
    check_enum(&c, in, "outcome", outcomes, CHECK_REQUIRED, clean);
    won = !strcmp(str(clean, "outcome"), "won");
    x = json_object_get(in, "won_by");
    if (x && !json_is_null(x) && (!won || !ids_parse_json(x, &won_by)))
        check_fail(&c, "won_by",
                   won ? "must be the id of one of our entrepreneurs, or"
                         " null (won by someone else)"
                       : "is only for the outcome won");
    if (check_failed(&c)) {
        rc = RC_INVALID;
        goto out;
    }
    rc = db_begin(db);
    if (rc != RC_OK) goto out;
    rc = db_find_ids(db, sql_copy_find, peer, rid, &n, 1);
    if (rc == RC_OK && !n) rc = RC_NOTFOUND;
    if (rc == RC_OK) rc = load(db, n, &r);
    if (rc == RC_OK && won_by) {
        rc = match_state(db, r.id, won_by, from, sizeof from, &told);
        if (rc == RC_OK && !told) {
            check_fail(&c, "won_by", "was not told of this request");
            rc = RC_INVALID;
        }
    }
    /* Closed already: the same news again is a repeat, other news a
     * conflict. */
    if (rc == RC_OK && strcmp(r.status, "open")) {
        if (strcmp(r.status, str(clean, "outcome"))) {
            check_fail(&c, "outcome", "the request is already %s",
                       r.status);
            rc = RC_CONFLICT;
        }
    } else if (rc == RC_OK) {
        rc = close_request(db, &r, won, won ? (won_by ? won_by : -1) : 0);
        json_decref(r.doc);
        r.doc = NULL;
        if (rc == RC_OK) rc = load(db, n, &r);
    }
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == RC_OK) {
        outbox_poke();
        *out = json_pack("{s:o, s:s, s:s}", "id", ids_json(r.id), "status",
                         r.status, "request_id", rid);
        if (!*out) rc = RC_NOMEM;
    }
out:
    json_decref(r.doc);
    json_decref(clean);
    return rc;
}
