/*
 * group_peer.c: invitations across the network (group.h): a group of
 * this instance inviting a peer's entrepreneur, and a peer's group
 * inviting one of ours. What goes between instances is a signed, queued
 * message (federation/fed_msg.c, reached through group_peer_set_sender);
 * what this file keeps is our copy of a peer's invitation
 * (grp_invitation_in, store/db_schema.c 14 -> 15) and the listing of
 * GET /me/groups over local invitations and copies.
 */
#include "group.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../directory/dir_person.h"
#include "../notify/outbox.h"
#include "../util/buf.h"
#include "../util/check.h"
#include "../util/ids.h"
#include "../util/viewer.h"
#include "group_db.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
#define TITLE_MAX 1000 /* a tender's or a lot's title, as a peer sends it */
#define NAME_MAX 200   /* an inviter's display name */
#define AT_MAX 32      /* an invited_at of ours */

/* A copy of a peer's profile (cooperative.peer_id set). */
static const char sql_person[] =
    "SELECT " DIR_PERSON_COLS ", c.peer_id, e.external_id FROM entrepreneur e"
    " JOIN cooperative c ON c.id = e.cooperative_id"
    " WHERE e.id = ?1 AND c.peer_id IS NOT NULL";
/* A tender team's tender and lot titles, for the invitee's instance. */
static const char sql_tender[] =
    "SELECT t.title, (SELECT json_extract(l.value, '$.title')"
    " FROM json_each(t.doc, '$.lots') l"
    " WHERE json_extract(l.value, '$.id') = ?2) FROM tender t WHERE t.id = ?1";
/* Whom a peer may invite: our own, seen by the network. */
static const char sql_own[] =
    "SELECT e.id FROM entrepreneur e JOIN cooperative c"
    " ON c.id = e.cooperative_id WHERE e.id = ?1 AND c.peer_id IS NULL"
    " AND e.visibility IN ('public', 'network')";
static const char sql_find[] =
    "SELECT id, entrepreneur_id, round FROM grp_invitation_in"
    " WHERE peer_id = ?1 AND remote_id = ?2";
static const char sql_add[] =
    "INSERT INTO grp_invitation_in(peer_id, remote_id, entrepreneur_id, grp,"
    " invited_by, role, status, round)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, 'invited', ?7)";
static const char sql_reopen[] =
    "UPDATE grp_invitation_in SET grp = ?2, invited_by = ?3, role = ?4,"
    " round = ?5, status = 'invited', invited_at = " NOW ","
    " answered_at = NULL, left_at = NULL, reason = NULL WHERE id = ?1";
static const char sql_get[] =
    "SELECT i.id, i.peer_id, i.remote_id, i.entrepreneur_id, i.grp,"
    " i.invited_by, i.role, i.status, i.invited_at, i.answered_at,"
    " i.left_at, i.reason, p.origin, p.name, p.url"
    " FROM grp_invitation_in i JOIN peer p ON p.id = i.peer_id"
    " WHERE i.id = ?1";
static const char sql_set[] =
    "UPDATE grp_invitation_in SET status = ?2, reason = ?3,"
    " answered_at = CASE WHEN ?2 IN ('accepted', 'declined') THEN " NOW
    " ELSE answered_at END,"
    " left_at = CASE WHEN ?2 = 'left' THEN " NOW " ELSE left_at END"
    " WHERE id = ?1";
static const char sql_notify[] =
    "INSERT INTO notification(entrepreneur_id, kind, text)"
    " VALUES(?1, ?2, ?3)";
/* GET /me/groups: local invitations (grp_member) and copies, one order:
 * newest invited_at first, then copies, then the larger id. */
static const char sql_mine[] =
    "SELECT copy, id, invited_at FROM ("
    " SELECT 0 AS copy, id, invited_at FROM grp_member"
    "  WHERE entrepreneur_id = ?1 AND status IN ('invited', 'accepted')"
    " UNION ALL SELECT 1, id, invited_at FROM grp_invitation_in"
    "  WHERE entrepreneur_id = ?1 AND status IN ('invited', 'accepted'))"
    " WHERE ?2 IS NULL OR (invited_at, copy, id) < (?2, ?3, ?4)"
    " ORDER BY invited_at DESC, copy DESC, id DESC LIMIT ?5";
static const char sql_mine_count[] =
    "SELECT count(*), coalesce(sum(status = 'invited'), 0) FROM ("
    " SELECT status FROM grp_member WHERE entrepreneur_id = ?1"
    "  AND status IN ('invited', 'accepted')"
    " UNION ALL SELECT status FROM grp_invitation_in"
    "  WHERE entrepreneur_id = ?1 AND status IN ('invited', 'accepted'))";

const char *const group_peer_sql[] = {
    sql_person, sql_tender, sql_own,  sql_find,   sql_add,
    sql_reopen, sql_get,    sql_set,  sql_notify, sql_mine,
    sql_mine_count,         NULL};

/* Set by each server as it starts (the same function each time), read
 * by the threads of the servers already serving: atomic. */
static _Atomic(group_send_fn) sender;

void group_peer_set_sender(group_send_fn fn)
{
    atomic_store(&sender, fn);
}

/* ------------------------------------------------------------- helpers */

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* remote_id: an id another instance gives (letters, digits, '.', '_',
 * ':', '-', at most GROUP_PEER_REMOTE_MAX, or a positive integer) into
 * out; 0 when v is none of these. As matching/request.c reads them. */
static int remote_id(json_t *v, char out[GROUP_PEER_REMOTE_MAX + 1])
{
    const char *s = json_string_value(v);
    size_t n;

    *out = 0;
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        snprintf(out, GROUP_PEER_REMOTE_MAX + 1, "%lld",
                 (long long)json_integer_value(v));
        return 1;
    }
    n = s ? strlen(s) : 0;
    if (!n || n > GROUP_PEER_REMOTE_MAX ||
        strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789._:-") != n)
        return 0;
    memcpy(out, s, n + 1);
    return 1;
}

/* copy_id: a copy's id as the API shows it ("p12"), a new string. */
static json_t *copy_id(long long id)
{
    char s[32];

    snprintf(s, sizeof s, "%c%lld", GROUP_PEER_ID_PREFIX, id);
    return json_string(s);
}

int group_peer_id(const char *s, long long *id)
{
    return s && *s == GROUP_PEER_ID_PREFIX && ids_parse(s + 1, id);
}

/* find: the first column of sql with ?1 = a (0: no row). */
static enum rc find(struct db *db, const char *sql, long long a,
                    long long *out)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    int src;

    *out = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, a);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) *out = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* send: queue body for peer at path (group_peer_set_sender). */
static enum rc send(struct db *db, long long peer, const char *path,
                    json_t *body)
{
    group_send_fn fn = atomic_load(&sender);

    if (!body) return RC_NOMEM;
    if (!fn) return RC_FORBIDDEN; /* no federation here */
    return fn(db, peer, 0, path, body);
}

/* ------------------------------------- the group's instance (A) sends */

enum rc group_peer_person(struct db *db, long long id, struct dir_person *p,
                          long long *peer, char *ext, size_t size)
{
    sqlite3_stmt *st = db_stmt(db, sql_person);
    int src;

    memset(p, 0, sizeof *p);
    *peer = 0;
    *ext = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        dir_person_row(st, 0, p);
        *peer = sqlite3_column_int64(st, 5);
        db_text_copy(ext, size, st, 6);
    }
    db_stmt_done(st);
    /* A copy without its id at the peer cannot be named there. */
    if (src == SQLITE_DONE || (src == SQLITE_ROW && !*ext)) return RC_NOTFOUND;
    return src == SQLITE_ROW ? RC_OK : db_rc(db, src);
}

/* tender_facts: {title, lot {id, title}} of g's tender, or JSON null
 * when g answers none (or its tender is gone). */
static enum rc tender_facts(struct db *db, const struct group_row *g,
                            json_t **out)
{
    sqlite3_stmt *st;
    int src;

    *out = json_null();
    if (g->kind != GROUP_TENDER_TEAM || !g->tender_id) return RC_OK;
    st = db_stmt(db, sql_tender);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, g->tender_id);
    sqlite3_bind_text(st, 2, g->lot, -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        json_t *lot = *g->lot ? json_pack("{s:s, s:o}", "id", g->lot, "title",
                                          db_text_json(st, 1))
                              : json_null();

        *out = json_pack("{s:s, s:o}", "title", db_text(st, 0), "lot", lot);
    }
    db_stmt_done(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE) return db_rc(db, src);
    return *out ? RC_OK : RC_NOMEM;
}

enum rc group_peer_invite(struct db *db, const struct group_row *g,
                          long long inv, long long peer, const char *ext,
                          const char *role, const char *by)
{
    json_t *tender = NULL, *msg = NULL;
    long long round = 0;
    /* The round: a change number, unique and growing, so that the peer
     * tells a re-invitation (after a decline, within the same second
     * maybe) from a retry of this message. */
    enum rc rc = db_next_seq(db, &round);

    if (rc == RC_OK) rc = tender_facts(db, g, &tender);
    /* The group's public facts: never its other members. */
    if (rc == RC_OK) {
        msg = json_pack(
            "{s:o, s:I, s:s, s:s, s:o, s:{s:o, s:s, s:s, s:o, s:O}}", "id",
            ids_json(inv), "round", (json_int_t)round, "entrepreneur_id",
            ext, "role", role, "invited_by", str_or_null(by), "group", "id",
            ids_json(g->id), "kind", group_kind_name(g->kind), "name",
            g->name, "description", str_or_null(g->description), "tender",
            tender);
        rc = send(db, peer, "/federation/v1/invitations", msg);
    }
    json_decref(msg);
    json_decref(tender);
    return rc;
}

enum rc group_peer_end(struct db *db, long long inv, long long peer,
                       const char *ext, const char *reason)
{
    char path[96];
    json_t *msg = json_pack("{s:s, s:s, s:s}", "entrepreneur_id", ext,
                            "status", "left", "reason", reason);
    enum rc rc;

    snprintf(path, sizeof path, "/federation/v1/invitations/%lld/end", inv);
    rc = send(db, peer, path, msg);
    json_decref(msg);
    return rc;
}

/* ------------------------------ the entrepreneur's instance (B) keeps */

/* Our copy of a peer's invitation, as sql_get reads it. */
struct copy {
    long long id, peer, ent;
    char remote_id[GROUP_PEER_REMOTE_MAX + 1];
    json_t *grp; /* owned: the group's facts */
    char invited_by[4 * NAME_MAX + 1];
    char role[8], status[12];
    char invited_at[AT_MAX], answered_at[AT_MAX], left_at[AT_MAX];
    char reason[4 * GROUP_REASON_MAX + 1];
    char origin[320], peer_name[200], peer_url[320];
};

/* load_copy: copy id into *cp (free cp->grp). RC_NOTFOUND. */
static enum rc load_copy(struct db *db, long long id, struct copy *cp)
{
    sqlite3_stmt *st = db_stmt(db, sql_get);
    json_error_t jerr;
    int src;

    memset(cp, 0, sizeof *cp);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        cp->id = sqlite3_column_int64(st, 0);
        cp->peer = sqlite3_column_int64(st, 1);
        db_text_copy(cp->remote_id, sizeof cp->remote_id, st, 2);
        cp->ent = sqlite3_column_int64(st, 3);
        cp->grp = json_loads(db_text(st, 4), 0, &jerr);
        db_text_copy(cp->invited_by, sizeof cp->invited_by, st, 5);
        db_text_copy(cp->role, sizeof cp->role, st, 6);
        db_text_copy(cp->status, sizeof cp->status, st, 7);
        db_text_copy(cp->invited_at, sizeof cp->invited_at, st, 8);
        db_text_copy(cp->answered_at, sizeof cp->answered_at, st, 9);
        db_text_copy(cp->left_at, sizeof cp->left_at, st, 10);
        db_text_copy(cp->reason, sizeof cp->reason, st, 11);
        db_text_copy(cp->origin, sizeof cp->origin, st, 12);
        db_text_copy(cp->peer_name, sizeof cp->peer_name, st, 13);
        db_text_copy(cp->peer_url, sizeof cp->peer_url, st, 14);
    }
    db_stmt_done(st);
    if (src == SQLITE_DONE) return RC_NOTFOUND;
    if (src != SQLITE_ROW) return db_rc(db, src);
    return cp->grp ? RC_OK : RC_NOMEM;
}

/* copy_json: cp as GET /me/groups lists it (group.h). */
static json_t *copy_json(const struct copy *cp)
{
    json_t *g = cp->grp;
    const char *url = *cp->origin ? cp->origin : cp->peer_url;

    return json_pack(
        "{s:n, s:s, s:s, s:n, s:O, s:O, s:n, s:s, s:s, s:o, s:s, s:o, s:o,"
        " s:o, s:{s:n, s:o}, s:[], s:{s:s, s:o, s:s, s:s}}",
        "id", "kind", str(g, "kind"), "name", str(g, "name"), "slug",
        "description",
        json_object_get(g, "description") ? json_object_get(g, "description")
                                          : json_null(),
        "tender",
        json_object_get(g, "tender") ? json_object_get(g, "tender")
                                     : json_null(),
        "status", "role", cp->role, "my_status", cp->status,
        "invitation_id", copy_id(cp->id), "invited_at", cp->invited_at,
        "answered_at", str_or_null(cp->answered_at), "left_at",
        str_or_null(cp->left_at), "reason", str_or_null(cp->reason),
        "invited_by", "entrepreneur_id", "name",
        str_or_null(cp->invited_by), "members", "origin", "url", url,
        "name", str_or_null(cp->peer_name), "group_id", str(g, "id"),
        "invitation_id", cp->remote_id);
}

enum rc group_peer_copy_json(struct db *db, long long id, json_t **out)
{
    struct copy cp;
    enum rc rc = load_copy(db, id, &cp);

    *out = NULL;
    if (rc == RC_OK && !(*out = copy_json(&cp))) rc = RC_NOMEM;
    json_decref(cp.grp);
    return rc;
}

/* notify: an inbox line for our entrepreneur ent (a copy names no group
 * of this instance). */
static enum rc notify(struct db *db, long long ent, const char *kind,
                      const char *text)
{
    sqlite3_stmt *st = db_stmt(db, sql_notify);

    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, ent);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
    return db_step_done(db, st);
}

/* tell_invitee: cp's entrepreneur hears of the invitation as of a local
 * one: the inbox, and an e-mail to each of their accounts. */
static enum rc tell_invitee(struct db *db, const struct copy *cp,
                            const char *public_url)
{
    json_t *g = cp->grp, *t = json_object_get(g, "tender");
    json_t *lot = json_object_get(t, "lot");
    const char *where = *cp->peer_name ? cp->peer_name : cp->origin;
    int kind = group_kind_parse(str(g, "kind"));
    char text[1500], url[300];
    struct buf body = {0};
    size_t n;
    enum rc rc;

    snprintf(url, sizeof url, "%s",
             public_url && *public_url ? public_url : "http://localhost:8080");
    n = strlen(url);
    while (n && url[n - 1] == '/') url[--n] = 0;
    if (*cp->invited_by)
        snprintf(text, sizeof text,
                 "%s (%s) vous invite à rejoindre « %s » (%s)",
                 cp->invited_by, where, str(g, "name"),
                 group_kind_label(kind));
    else
        snprintf(text, sizeof text,
                 "Vous êtes invité·e à rejoindre « %s » (%s), sur %s",
                 str(g, "name"), group_kind_label(kind), where);
    rc = notify(db, cp->ent, "group.invitation", text);
    if (rc != RC_OK) return rc;
    buf_addf(&body, "Bonjour,\n\n%s sur essaim.\n", text);
    if (*str(g, "description"))
        buf_addf(&body, "\n%s\n", str(g, "description"));
    if (*str(t, "title"))
        buf_addf(&body, "\nMarché : %s\n", str(t, "title"));
    if (*str(lot, "id"))
        buf_addf(&body, "Lot %s%s%s\n", str(lot, "id"),
                 *str(lot, "title") ? " : " : "", str(lot, "title"));
    buf_addf(&body,
             "\nLe groupe est sur une autre instance d'essaim (%s) ; vous"
             " répondez ici, avec votre compte : acceptez ou déclinez"
             " l'invitation %c%lld depuis\n%s/inbox.html\n\n-- essaim\n",
             cp->origin, GROUP_PEER_ID_PREFIX, cp->id, url);
    if (buf_oom(&body)) {
        buf_free(&body);
        return RC_NOMEM;
    }
    snprintf(text, sizeof text, "essaim : invitation à « %s »",
             str(g, "name"));
    rc = outbox_add_entrepreneur(db, cp->ent, text, buf_str(&body), 0, 0);
    buf_free(&body);
    return rc;
}

/* check_facts: in, the group's public facts, into clean (errors named
 * under c: "group.name", "group.tender.lot.id"). */
static void check_facts(const struct check *c, json_t *in, json_t *clean)
{
    static const char *const known[] = {"id",          "kind", "name",
                                        "description", "tender", NULL};
    static const char *const known_tender[] = {"title", "lot", NULL};
    static const char *const known_lot[] = {"id", "title", NULL};
    char rid[GROUP_PEER_REMOTE_MAX + 1], tname[32], lname[48];
    json_t *t, *l, *ct, *cl;
    struct check tc, lc;
    int kind;

    if (!json_is_object(in)) {
        check_fail(c, NULL, "is required: {id, kind, name, description,"
                            " tender}");
        return;
    }
    check_unknown(c, in, known);
    if (!remote_id(json_object_get(in, "id"), rid))
        check_fail(c, "id", "is required: the group's id at your instance");
    else
        json_object_set_new(clean, "id", json_string(rid));
    kind = group_kind_parse(json_string_value(json_object_get(in, "kind")));
    if (kind < 0)
        check_fail(c, "kind",
                   "must be tender_team, business_group or trade_group");
    else
        json_object_set_new(clean, "kind",
                            json_string(group_kind_name(kind)));
    check_string(c, in, "name", GROUP_NAME_MAX, CHECK_REQUIRED, clean);
    check_string(c, in, "description", GROUP_DESCRIPTION_MAX,
                 CHECK_MULTILINE, clean);
    t = json_object_get(in, "tender");
    if (!t || json_is_null(t)) return;
    if (kind >= 0 && kind != GROUP_TENDER_TEAM) {
        check_fail(c, "tender", "is only for tender teams");
        return;
    }
    tc = check_nested(c, "tender", -1, tname, sizeof tname);
    if (!json_is_object(t)) {
        check_fail(&tc, NULL, "must be {title, lot}");
        return;
    }
    ct = json_object();
    check_unknown(&tc, t, known_tender);
    check_string(&tc, t, "title", TITLE_MAX, CHECK_REQUIRED, ct);
    l = json_object_get(t, "lot");
    lc = check_nested(&tc, "lot", -1, lname, sizeof lname);
    if (l && !json_is_null(l) && !json_is_object(l)) {
        check_fail(&lc, NULL, "must be {id, title}");
    } else if (l && !json_is_null(l)) {
        cl = json_object();
        check_unknown(&lc, l, known_lot);
        check_string(&lc, l, "id", GROUP_LOT_MAX, CHECK_REQUIRED, cl);
        check_string(&lc, l, "title", TITLE_MAX, 0, cl);
        json_object_set_new(ct, "lot", cl);
    }
    json_object_set_new(clean, "tender", ct);
}

/* find_copy: our copy of peer's invitation rid: *id (0: none), its
 * entrepreneur and the round it holds. */
static enum rc find_copy(struct db *db, long long peer, const char *rid,
                         long long *id, long long *ent, long long *round)
{
    long long row[3];
    enum rc rc = db_find_ids(db, sql_find, peer, rid, row, 3);

    *id = row[0];
    *ent = row[1];
    *round = row[2];
    return rc;
}

/* write_copy: a new copy (id 0; *id set) or copy id opened again, from
 * the checked message. */
static enum rc write_copy(struct db *db, long long peer, const char *rid,
                          long long ent, long long round, json_t *clean,
                          const char *grp, long long *id)
{
    sqlite3_stmt *st = db_stmt(db, *id ? sql_reopen : sql_add);
    enum rc rc;

    if (!st) return RC_DB;
    if (*id) {
        sqlite3_bind_int64(st, 1, *id);
        sqlite3_bind_text(st, 2, grp, -1, SQLITE_STATIC);
        db_bind_text(st, 3, str(clean, "invited_by"));
        sqlite3_bind_text(st, 4, str(clean, "role"), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 5, round);
    } else {
        sqlite3_bind_int64(st, 1, peer);
        sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, ent);
        sqlite3_bind_text(st, 4, grp, -1, SQLITE_STATIC);
        db_bind_text(st, 5, str(clean, "invited_by"));
        sqlite3_bind_text(st, 6, str(clean, "role"), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 7, round);
    }
    rc = db_step_done(db, st);
    if (rc == RC_OK && !*id) *id = sqlite3_last_insert_rowid(db_handle(db));
    return rc;
}

enum rc group_peer_receive(struct db *db, long long peer, json_t *in,
                           const char *public_url, json_t *errs,
                           json_t **out, int *created)
{
    static const char *const known[] = {"id",         "round",
                                        "entrepreneur_id",
                                        "role",       "invited_by",
                                        "group",      NULL};
    static const char *const roles[] = {"admin", "member", NULL};
    struct check c = {errs, ""}, gc;
    json_t *clean = json_object(), *facts = json_object();
    char rid[GROUP_PEER_REMOTE_MAX + 1], gname[16];
    char *grp = NULL;
    json_t *x = json_object_get(in, "round");
    long long ent = 0, ok = 0, id = 0, had = 0, round = 0, held = 0;
    struct copy cp;
    enum rc rc = clean && facts ? RC_OK : RC_NOMEM;

    *out = NULL;
    *created = 0;
    memset(&cp, 0, sizeof cp);
    if (rc != RC_OK) goto out;
    /* The message alone. */
    check_unknown(&c, in, known);
    if (!remote_id(json_object_get(in, "id"), rid))
        check_fail(&c, "id",
                   "is required: the invitation's id at your instance (up to"
                   " %d letters, digits, '.', '_', ':', '-')",
                   GROUP_PEER_REMOTE_MAX);
    if (!ids_parse_json(json_object_get(in, "entrepreneur_id"), &ent))
        check_fail(&c, "entrepreneur_id",
                   "is required: the invited entrepreneur's id at this"
                   " instance");
    check_enum(&c, in, "role", roles, CHECK_REQUIRED, clean);
    if (json_is_integer(x) && json_integer_value(x) > 0)
        round = (long long)json_integer_value(x);
    else
        check_fail(&c, "round",
                   "is required: a positive integer, another one for each"
                   " new invitation of this id");
    check_string(&c, in, "invited_by", NAME_MAX, 0, clean);
    gc = check_nested(&c, "group", -1, gname, sizeof gname);
    check_facts(&gc, json_object_get(in, "group"), facts);
    if (check_failed(&c)) {
        rc = RC_INVALID;
        goto out;
    }
    grp = json_dumps(facts, JSON_COMPACT);
    rc = grp ? db_begin(db) : RC_NOMEM;
    if (rc != RC_OK) goto out;
    /* Against the database: ours, and seen by the network; else as if
     * there were nobody (nobody is told). */
    rc = find(db, sql_own, ent, &ok);
    if (rc == RC_OK && !ok) {
        check_fail(&c, "entrepreneur_id", "no such entrepreneur");
        rc = RC_NOTFOUND;
    }
    if (rc == RC_OK) rc = find_copy(db, peer, rid, &id, &had, &held);
    if (rc == RC_OK && id && had != ent) {
        check_fail(&c, "entrepreneur_id",
                   "invitation %s names another entrepreneur", rid);
        rc = RC_CONFLICT;
    }
    /* The same invitation again (its answer was lost) is a repeat; a
     * later round is the peer inviting again after a decline or a
     * departure: the copy opens again. An earlier one is old news. */
    if (rc == RC_OK && (!id || round > held)) {
        *created = 1;
        rc = write_copy(db, peer, rid, ent, round, clean, grp, &id);
        if (rc == RC_OK) rc = load_copy(db, id, &cp);
        if (rc == RC_OK) rc = tell_invitee(db, &cp, public_url);
    } else if (rc == RC_OK) {
        rc = load_copy(db, id, &cp);
    }
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == RC_OK) {
        if (*created) outbox_poke();
        *out = json_pack("{s:o, s:s, s:s}", "id", copy_id(id),
                         "invitation_id", rid, "status", cp.status);
        if (!*out) rc = RC_NOMEM;
    }
out:
    json_decref(cp.grp);
    free(grp);
    json_decref(clean);
    json_decref(facts);
    return rc;
}

/* relay: cp's answer or departure (status, reason or NULL) goes back to
 * the group's instance: POST /federation/v1/invitations/{id}/answer. */
static enum rc relay(struct db *db, const struct copy *cp,
                     const char *status, const char *reason)
{
    char path[160];
    json_t *msg = json_pack("{s:o, s:s}", "entrepreneur_id",
                            ids_json(cp->ent), "status", status);
    enum rc rc;

    if (msg && reason && *reason)
        json_object_set_new(msg, "reason", json_string(reason));
    snprintf(path, sizeof path, "/federation/v1/invitations/%s/answer",
             cp->remote_id);
    rc = send(db, cp->peer, path, msg);
    json_decref(msg);
    return rc;
}

/* change: copy id by v: from status `from` to `to` (with reason),
 * relayed; *out the copy after. The rules of group_answer: anonymous
 * 401, not theirs 403, bad input 400, not at `from` 409. */
static enum rc change(struct db *db, const struct viewer *v, long long id,
                      const char *from, const char *to, const char *reason,
                      struct check *c, json_t **out)
{
    struct copy cp;
    sqlite3_stmt *st;
    enum rc rc;

    *out = NULL;
    if (v->role == VIEWER_ANONYMOUS) return RC_UNAUTHORIZED;
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    rc = load_copy(db, id, &cp);
    if (rc == RC_OK && !viewer_can_answer_invitation(v, cp.ent))
        rc = RC_FORBIDDEN;
    if (rc == RC_OK && check_failed(c)) rc = RC_INVALID;
    if (rc == RC_OK && strcmp(cp.status, from)) {
        check_fail(c, "status",
                   strcmp(from, "invited") ? "not a member: %s"
                                           : "the invitation is no longer"
                                             " open: %s",
                   cp.status);
        rc = RC_CONFLICT;
    }
    if (rc == RC_OK && !(st = db_stmt(db, sql_set))) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
        db_bind_text(st, 3, reason);
        rc = db_step_done(db, st);
    }
    if (rc == RC_OK) rc = relay(db, &cp, to, reason);
    json_decref(cp.grp);
    cp.grp = NULL;
    if (rc == RC_OK) rc = load_copy(db, id, &cp);
    if (rc == RC_OK && !(*out = copy_json(&cp))) rc = RC_NOMEM;
    json_decref(cp.grp);
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc != RC_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

enum rc group_peer_answer(struct db *db, const struct viewer *v, long long id,
                          int accept, json_t *in, json_t *errs, json_t **out)
{
    static const char *const known_accept[] = {NULL};
    static const char *const known_decline[] = {"reason", NULL};
    struct check c = {errs, ""};
    json_t *clean = json_object();
    enum rc rc;

    *out = NULL;
    if (!clean) return RC_NOMEM;
    check_unknown(&c, in, accept ? known_accept : known_decline);
    if (!accept)
        check_string(&c, in, "reason", GROUP_REASON_MAX, CHECK_MULTILINE,
                     clean);
    rc = change(db, v, id, "invited", accept ? "accepted" : "declined",
                accept ? NULL : str(clean, "reason"), &c, out);
    json_decref(clean);
    return rc;
}

enum rc group_peer_leave(struct db *db, const struct viewer *v, long long id,
                         json_t *errs, json_t **out)
{
    struct check c = {errs, ""};

    return change(db, v, id, "accepted", "left", NULL, &c, out);
}

enum rc group_peer_ended(struct db *db, long long peer, const char *id,
                         json_t *in, json_t *errs, json_t **out)
{
    static const char *const known[] = {"entrepreneur_id", "status",
                                        "reason", NULL};
    static const char *const statuses[] = {"left", NULL};
    static const char *const reasons[] = {"withdrawn", "removed", NULL};
    struct check c = {errs, ""};
    json_t *clean = json_object(), *idv = json_string(id ? id : "");
    char rid[GROUP_PEER_REMOTE_MAX + 1], text[1500];
    long long n = 0, ent = 0, had = 0, round;
    struct copy cp;
    sqlite3_stmt *st;
    int invited;
    enum rc rc = clean && idv ? RC_OK : RC_NOMEM;

    *out = NULL;
    memset(&cp, 0, sizeof cp);
    if (rc == RC_OK && !remote_id(idv, rid)) rc = RC_NOTFOUND;
    json_decref(idv);
    if (rc != RC_OK) goto out;
    check_unknown(&c, in, known);
    if (!ids_parse_json(json_object_get(in, "entrepreneur_id"), &ent))
        check_fail(&c, "entrepreneur_id",
                   "is required: the invited entrepreneur's id at this"
                   " instance");
    check_enum(&c, in, "status", statuses, CHECK_REQUIRED, clean);
    check_enum(&c, in, "reason", reasons, CHECK_REQUIRED, clean);
    if (check_failed(&c)) {
        rc = RC_INVALID;
        goto out;
    }
    rc = db_begin(db);
    if (rc != RC_OK) goto out;
    rc = find_copy(db, peer, rid, &n, &had, &round);
    if (rc == RC_OK && !n) rc = RC_NOTFOUND;
    if (rc == RC_OK && had != ent) {
        check_fail(&c, "entrepreneur_id",
                   "is not the entrepreneur of this invitation");
        rc = RC_INVALID;
    }
    if (rc == RC_OK) rc = load_copy(db, n, &cp);
    /* Ended already, or declined before the news came: nothing to do. */
    invited = !strcmp(cp.status, "invited");
    if (rc == RC_OK && (invited || !strcmp(cp.status, "accepted"))) {
        st = db_stmt(db, sql_set);
        if (!st) rc = RC_DB;
        if (rc == RC_OK) {
            sqlite3_bind_int64(st, 1, n);
            sqlite3_bind_text(st, 2, "left", -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, str(clean, "reason"), -1,
                              SQLITE_TRANSIENT);
            rc = db_step_done(db, st);
        }
        snprintf(text, sizeof text,
                 invited ? "Votre invitation à « %s » a été retirée"
                         : "Vous avez été retiré·e de « %s »",
                 str(cp.grp, "name"));
        if (rc == RC_OK) rc = notify(db, cp.ent, "group.removed", text);
        json_decref(cp.grp);
        cp.grp = NULL;
        if (rc == RC_OK) rc = load_copy(db, n, &cp);
    }
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == RC_OK &&
        !(*out = json_pack("{s:o, s:s, s:s}", "id", copy_id(n),
                           "invitation_id", rid, "status", cp.status)))
        rc = RC_NOMEM;
out:
    json_decref(cp.grp);
    json_decref(clean);
    return rc;
}

/* -------------------------------------------------------- GET /me/groups */

/* parse_cursor: "INVITED_AT_ID" (ID "12" or "p12"), as group_mine
 * writes next_cursor, into at, *copy and *id; 0 if it is not one. */
static int parse_cursor(const char *s, char *at, size_t size, int *copy,
                        long long *id)
{
    const char *u = strrchr(s, '_');
    size_t n = u ? (size_t)(u - s) : 0;

    if (!n || n >= size) return 0;
    memcpy(at, s, n);
    at[n] = 0;
    *copy = group_peer_id(u + 1, id);
    return *copy || ids_parse(u + 1, id);
}

enum rc group_peer_mine_rows(struct db *db, long long ent, const char *cursor,
                             int limit, json_t **rows, long long *total,
                             long long *pending)
{
    sqlite3_stmt *st;
    json_t *res;
    char at[AT_MAX];
    long long id = 0;
    int copy = 0, src;

    *rows = NULL;
    *total = *pending = 0;
    if (cursor && *cursor &&
        !parse_cursor(cursor, at, sizeof at, &copy, &id))
        return RC_INVALID;
    st = db_stmt(db, sql_mine_count);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, ent);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *total = sqlite3_column_int64(st, 0);
        *pending = sqlite3_column_int64(st, 1);
    }
    db_stmt_done(st);
    if (src != SQLITE_ROW) return db_rc(db, src);
    st = db_stmt(db, sql_mine);
    res = json_array();
    if (!st || !res) {
        json_decref(res);
        db_stmt_done(st);
        return st ? RC_NOMEM : RC_DB;
    }
    sqlite3_bind_int64(st, 1, ent);
    if (id) {
        sqlite3_bind_text(st, 2, at, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 3, copy);
        sqlite3_bind_int64(st, 4, id);
    }
    sqlite3_bind_int(st, 5, limit);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(
            res, json_pack("[i, I, s]", sqlite3_column_int(st, 0),
                           (json_int_t)sqlite3_column_int64(st, 1),
                           db_text(st, 2)));
    db_stmt_done(st);
    if (src != SQLITE_DONE) {
        json_decref(res);
        return db_rc(db, src);
    }
    *rows = res;
    return RC_OK;
}
