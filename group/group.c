/*
 * group.c: groups of entrepreneurs (see group.h): validation, the rules
 * of invitations, answers, leaving and the group's status, the shapes
 * the API answers, notifications. The SQL is in group_db.c; who may do
 * what, in util/viewer.c.
 */
#include "group.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../notify/outbox.h"
#include "../tender/tender_team.h"
#include "../util/buf.h"
#include "../util/check.h"
#include "../util/ids.h"
#include "../util/log.h"
#include "../util/text.h"
#include "../util/viewer.h"
#include "group_db.h"

static const char *const kinds[] = {"tender_team", "business_group",
                                    "trade_group", NULL};
static const char *const roles[] = {"admin", "member", NULL};
static const char *const liabilities[] = {"conjoint", "solidaire", NULL};

/* How a kind is called in French, in the messages. */
static const char *const kind_labels[] = {
    "groupement pour un marché public", "groupe de marque", "groupe métier"};

/* ================================================================ pure */

int group_kind_parse(const char *s)
{
    int i;

    for (i = 0; s && kinds[i]; i++)
        if (!strcmp(kinds[i], s)) return i;
    return -1;
}

const char *group_kind_name(enum group_kind kind)
{
    return (unsigned)kind < 3 ? kinds[kind] : "";
}

const char *group_kind_label(enum group_kind kind)
{
    return (unsigned)kind < 3 ? kind_labels[kind] : "groupe";
}

void group_slugify(const char *name, char *out, size_t size)
{
    char *f = text_fold_dup(name ? name : "");
    size_t cap = size - 1 < GROUP_SLUG_MAX ? size - 1 : GROUP_SLUG_MAX;
    size_t n = 0;
    const char *p;
    int gap = 0, cut = 0;

    for (p = f ? f : ""; *p && !cut; p++) {
        int word = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');

        if (!word) {
            gap = n > 0;
            continue;
        }
        if (gap) {
            if (n + 2 > cap) break; /* a hyphen and one letter at least */
            out[n++] = '-';
            gap = 0;
        }
        if (n + 1 > cap) {
            /* Mid-word: go back to the last hyphen, if any. */
            char *h;

            out[n] = 0;
            h = strrchr(out, '-');
            if (h) n = (size_t)(h - out);
            cut = 1;
            break;
        }
        out[n++] = *p;
    }
    out[n] = 0;
    if (!n) snprintf(out, size, "%s", "groupe");
    free(f);
}

int group_slug_valid(const char *s)
{
    size_t n = 0;
    int prev_hyphen = 1; /* no hyphen first */

    if (!s) return 0;
    for (; s[n]; n++) {
        char ch = s[n];

        if (n >= GROUP_SLUG_MAX) return 0;
        if (ch == '-') {
            if (prev_hyphen) return 0;
            prev_hyphen = 1;
        } else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
            prev_hyphen = 0;
        } else {
            return 0;
        }
    }
    return n > 0 && !prev_hyphen;
}

int group_check_split(const struct check *c, json_t *in, const char *key,
                      json_t *out)
{
    static const char *const known[] = {"entrepreneur_id", "share", NULL};
    json_t *v = json_object_get(in, key), *arr, *item;
    long long total = 0, ids[GROUP_MEMBERS_MAX];
    size_t i, j;
    int bad = 0;

    if (!v || json_is_null(v)) return 0;
    if (!json_is_array(v) || json_array_size(v) == 0 ||
        json_array_size(v) > GROUP_MEMBERS_MAX) {
        check_fail(c, key,
                   "must be an array of 1 to %d {entrepreneur_id, share},"
                   " shares in percent summing to 100",
                   GROUP_MEMBERS_MAX);
        return -1;
    }
    arr = json_array();
    if (!arr) return -1;
    json_array_foreach(v, i, item) {
        char name[64];
        struct check sub = check_nested(c, key, (int)i, name, sizeof name);
        json_t *share = json_object_get(item, "share");
        long long id = 0, cents = 0;
        double x;

        ids[i] = 0;
        if (!json_is_object(item)) {
            check_fail(&sub, NULL, "must be {entrepreneur_id, share}");
            bad = 1;
            continue;
        }
        if (check_unknown(&sub, item, known)) bad = 1;
        if (!ids_parse_json(json_object_get(item, "entrepreneur_id"), &id)) {
            check_fail(&sub, "entrepreneur_id", "must be an entrepreneur id");
            bad = 1;
        } else {
            for (j = 0; j < i; j++)
                if (ids[j] == id) break;
            if (j < i) {
                check_fail(&sub, "entrepreneur_id", "is listed twice");
                bad = 1;
            }
            ids[i] = id;
        }
        x = json_is_number(share) ? json_number_value(share) : NAN;
        if (isfinite(x) && x > 0 && x <= 100) {
            cents = llround(x * 100);
            if (fabs(x * 100 - (double)cents) > 1e-6) cents = 0;
        }
        if (!cents) {
            check_fail(&sub, "share",
                       "must be a percentage over 0 and up to 100, with at"
                       " most two decimals");
            bad = 1;
            continue;
        }
        total += cents;
        json_array_append_new(
            arr, json_pack("{s:o, s:o}", "entrepreneur_id", ids_json(id),
                           "share",
                           cents % 100 ? json_real((double)cents / 100)
                                       : json_integer(cents / 100)));
    }
    if (!bad && total != 10000) {
        check_fail(c, key,
                   "the shares must sum to 100 (they sum to %lld.%02lld)",
                   total / 100, total % 100);
        bad = 1;
    }
    if (bad) {
        json_decref(arr);
        return -1;
    }
    json_object_set_new(out, key, arr);
    return 1;
}

const char *group_status(const struct group_tally *t)
{
    if (t->departed > t->later) return "incomplete";
    if (t->invited > 0) return "forming";
    return "formed";
}

/* ============================================================ helpers */

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *id_or_null(long long id)
{
    return id ? ids_json(id) : json_null();
}

static int is(const char *a, const char *b)
{
    return !strcmp(a, b);
}

/* present: invited or accepted (holding or about to hold a place). */
static int present(const struct group_member *m)
{
    return is(m->status, "invited") || is(m->status, "accepted");
}

static void tally(const struct group_row *g, struct group_tally *t)
{
    size_t i;

    memset(t, 0, sizeof *t);
    for (i = 0; i < g->nm; i++) {
        const struct group_member *m = &g->m[i];

        if (is(m->status, "invited")) t->invited++;
        else if (is(m->status, "accepted")) t->accepted++;
        else t->departed++;
        t->later += m->later;
    }
}

static struct group_member *member_of(const struct group_row *g,
                                      long long ent)
{
    size_t i;

    for (i = 0; i < g->nm; i++)
        if (g->m[i].p.id == ent) return &g->m[i];
    return NULL;
}

/* own: v's own member row in g, or NULL. */
static struct group_member *own(const struct viewer *v,
                                const struct group_row *g)
{
    if (v->role != VIEWER_ENTREPRENEUR || !v->entrepreneur_id) return NULL;
    return member_of(g, v->entrepreneur_id);
}

static int sees(const struct viewer *v, const struct dir_person *p)
{
    return viewer_can_see(v, p->visibility, p->cooperative_id, p->id);
}

/* access: what v may do with g (the facts for viewer_group_access). */
static enum rc access(const struct viewer *v, const struct group_row *g,
                      enum viewer_group_access *a)
{
    long long *coops = malloc((g->nm ? g->nm : 1) * sizeof *coops);
    struct group_member *mine = own(v, g);
    struct viewer_group f;
    size_t i;

    *a = VIEWER_GROUP_NONE;
    if (!coops) return RC_NOMEM;
    memset(&f, 0, sizeof f);
    f.listed = g->kind != GROUP_TENDER_TEAM;
    f.member = mine != NULL;
    f.group_admin = mine && is(mine->status, "accepted") &&
                    is(mine->role, "admin");
    for (i = 0; i < g->nm; i++) {
        coops[i] = g->m[i].p.cooperative_id;
        if (is(g->m[i].status, "accepted") && sees(v, &g->m[i].p))
            f.visible_members++;
    }
    f.coops = coops;
    f.ncoops = g->nm;
    *a = viewer_group_access(v, &f);
    /* A peer's group changes only by its pulls (federation/): read-only
     * here, whoever asks (a 403, as for a peer's profile). */
    if (g->peer_id && *a == VIEWER_GROUP_EDIT) *a = VIEWER_GROUP_READ;
    free(coops);
    return RC_OK;
}

/* origin: a peer's group says where it comes from and when it was
 * fetched (its copy is written at each pull of a change). */
static void origin(const struct group_row *g, json_t *o)
{
    if (!o || !g->peer_id) return;
    json_object_set_new(o, "origin", json_string(g->origin));
    json_object_set_new(o, "fetched_at", json_string(g->updated_at));
}

/* refused: the answer to a viewer without the right. */
static enum rc refused(const struct viewer *v)
{
    return v->role == VIEWER_ANONYMOUS ? RC_UNAUTHORIZED : RC_FORBIDDEN;
}

static void base_url(const char *public_url, char *buf, size_t size)
{
    size_t n;

    snprintf(buf, size, "%s",
             public_url && *public_url ? public_url : "http://localhost:8080");
    n = strlen(buf);
    while (n && buf[n - 1] == '/') buf[--n] = 0;
}

/* ============================================================== shapes */

/* member_json: a member as readers of the whole group see it. A name
 * shows when the member accepted (they are in it), when v may see their
 * profile, to the group's editors (who invite) and to themself; else
 * null. A peer's entrepreneur carries origin, their instance's URL. */
static json_t *member_json(const struct viewer *v, const struct group_member *m,
                           enum viewer_group_access a)
{
    int named = is(m->status, "accepted") || a == VIEWER_GROUP_EDIT ||
                sees(v, &m->p);

    return json_pack(
        "{s:o, s:o, s:o, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o}",
        "entrepreneur_id", ids_json(m->p.id), "name",
        named ? json_string(m->p.name) : json_null(), "cooperative_id",
        ids_json(m->p.cooperative_id), "cooperative", m->p.cooperative,
        "role", m->role, "status", m->status, "invitation_id",
        ids_json(m->id), "invited_by", id_or_null(m->invited_by),
        "invited_at", m->invited_at, "answered_at",
        str_or_null(m->answered_at), "left_at", str_or_null(m->left_at),
        "reason", str_or_null(m->reason),
        /* A peer's entrepreneur: the instance they answer at. */
        "origin", str_or_null(m->origin));
}

/* split_ok: the split names exactly the accepted members. */
static json_t *split_ok(const struct group_row *g)
{
    json_t *s;
    size_t i, named = 0, accepted = 0;

    if (!g->revenue_split) return json_null();
    json_array_foreach(g->revenue_split, i, s) {
        long long id = 0;
        struct group_member *m;

        ids_parse_json(json_object_get(s, "entrepreneur_id"), &id);
        m = member_of(g, id);
        if (m && is(m->status, "accepted")) named++;
        else return json_false();
    }
    for (i = 0; i < g->nm; i++) accepted += is(g->m[i].status, "accepted");
    return json_boolean(named == accepted);
}

/* suggestions: replacements for a tender team that lost a member and has
 * not filled the place (tender_replacements), with the names v may
 * see. */
static enum rc suggestions(struct db *db, const struct viewer *v,
                           const struct group_row *g, const char *status,
                           json_t **out)
{
    long long *stay = NULL, *gone = NULL;
    size_t i, nstay = 0, ngone = 0;
    json_t *res = NULL, *s;
    enum rc rc = RC_OK;

    *out = NULL;
    for (i = 0; i < g->nm; i++) ngone += !present(&g->m[i]);
    if (g->kind != GROUP_TENDER_TEAM || !g->tender_id || !ngone ||
        is(status, "formed")) {
        *out = json_array();
        return *out ? RC_OK : RC_NOMEM;
    }
    stay = malloc(g->nm * sizeof *stay);
    gone = malloc(g->nm * sizeof *gone);
    if (!stay || !gone) {
        rc = RC_NOMEM;
        goto out;
    }
    ngone = 0;
    for (i = 0; i < g->nm; i++) {
        if (present(&g->m[i]))
            stay[nstay++] = g->m[i].p.id;
        else
            gone[ngone++] = g->m[i].p.id;
    }
    rc = tender_replacements(db, v, g->tender_id, *g->lot ? g->lot : NULL,
                             stay, nstay, gone, ngone, &res);
    /* Suggestions are a help: a tender gone, or one the team search
     * cannot read, leaves them empty rather than the group unreadable. */
    if (rc != RC_OK && rc != RC_NOMEM && rc != RC_DB && rc != RC_BUSY) {
        if (rc != RC_NOTFOUND)
            log_warn("group %lld: no suggestions for tender %lld: %s", g->id,
                     g->tender_id, rc_name(rc));
        json_decref(res);
        rc = RC_OK;
        res = json_array();
    }
    if (rc != RC_OK) goto out;
    if (!res) {
        rc = RC_NOMEM;
        goto out;
    }
    json_array_foreach(res, i, s) {
        struct dir_person p;
        long long id = 0;

        if (!json_is_object(s) ||
            !ids_parse_json(json_object_get(s, "entrepreneur_id"), &id) ||
            json_object_get(s, "name"))
            continue;
        rc = dir_person_get(db, id, &p);
        if (rc == RC_NOTFOUND) {
            rc = RC_OK;
            continue;
        }
        if (rc != RC_OK) goto out;
        if (sees(v, &p)) {
            json_object_set_new(s, "name", json_string(p.name));
            json_object_set_new(s, "cooperative", json_string(p.cooperative));
        }
    }
    *out = res;
    res = NULL;
out:
    json_decref(res);
    free(stay);
    free(gone);
    return rc;
}

/* public_face: a business or trade group as anyone may see it: its name
 * and the accepted members whose profiles v may see. */
static json_t *public_face(const struct viewer *v, const struct group_row *g)
{
    json_t *members = json_array(), *o;
    size_t i;

    for (i = 0; members && i < g->nm; i++) {
        const struct group_member *m = &g->m[i];

        if (!is(m->status, "accepted") || !sees(v, &m->p)) continue;
        json_array_append_new(
            members,
            json_pack("{s:o, s:s, s:o, s:s, s:s}", "entrepreneur_id",
                      ids_json(m->p.id), "name", m->p.name, "cooperative_id",
                      ids_json(m->p.cooperative_id), "cooperative",
                      m->p.cooperative, "role", m->role));
    }
    o = json_pack("{s:o, s:s, s:s, s:s, s:o, s:o}", "id", ids_json(g->id),
                  "kind", group_kind_name(g->kind), "name", g->name, "slug",
                  g->slug, "description", str_or_null(g->description),
                  "members", members);
    return o;
}

/* shape: g as v may see it; RC_UNAUTHORIZED / RC_FORBIDDEN when v may
 * see nothing of it. */
static enum rc shape(struct db *db, const struct viewer *v,
                     const struct group_row *g, json_t **out)
{
    enum viewer_group_access a;
    struct group_tally t;
    json_t *o = NULL, *members = NULL, *sugg = NULL;
    const char *status;
    size_t i;
    enum rc rc;

    *out = NULL;
    rc = access(v, g, &a);
    if (rc != RC_OK) return rc;
    if (a == VIEWER_GROUP_NONE) return refused(v);
    if (a == VIEWER_GROUP_PUBLIC) {
        *out = public_face(v, g);
        origin(g, *out);
        return *out ? RC_OK : RC_NOMEM;
    }
    tally(g, &t);
    status = group_status(&t);
    members = json_array();
    for (i = 0; members && i < g->nm; i++)
        json_array_append_new(members, member_json(v, &g->m[i], a));
    rc = suggestions(db, v, g, status, &sugg);
    if (rc != RC_OK) goto out;
    o = json_pack(
        "{s:o, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:O, s:o, s:o, s:o,"
        " s:s, s:s, s:b, s:o, s:o}",
        "id", ids_json(g->id), "kind", group_kind_name(g->kind), "name",
        g->name, "slug", g->slug, "description",
        str_or_null(g->description), "status", status, "lead",
        id_or_null(g->lead), "liability", str_or_null(g->liability),
        "revenue_split", g->revenue_split ? g->revenue_split : json_null(),
        "revenue_split_ok", split_ok(g), "tender_id",
        id_or_null(g->tender_id), "lot", str_or_null(g->lot), "created_at",
        g->created_at, "updated_at", g->updated_at, "can_edit",
        a == VIEWER_GROUP_EDIT, "members", members, "suggestions", sugg);
    members = sugg = NULL;
    if (!o) rc = RC_NOMEM;
    origin(g, o);
    *out = o;
out:
    json_decref(members);
    json_decref(sugg);
    return rc;
}

/* reload_shape: g reloaded (after a write) and shaped for v. */
static enum rc reload_shape(struct db *db, const struct viewer *v,
                            long long id, json_t **out)
{
    struct group_row g;
    enum rc rc = db_begin_read(db);

    *out = NULL;
    if (rc != RC_OK) return rc;
    rc = group_db_load(db, id, &g);
    if (rc == RC_OK) rc = shape(db, v, &g, out);
    group_row_free(&g);
    if (rc == RC_OK) {
        rc = db_commit(db);
    } else {
        db_rollback(db);
    }
    if (rc != RC_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* ======================================================= notifications */

/* tell_others: an inbox line to every present member but skip. */
static enum rc tell_others(struct db *db, const struct group_row *g,
                           long long skip, const char *kind,
                           const char *text)
{
    enum rc rc = RC_OK;
    size_t i;

    for (i = 0; rc == RC_OK && i < g->nm; i++)
        if (g->m[i].p.id != skip && present(&g->m[i]))
            rc = group_db_notify(db, g->m[i].p.id, g->id, kind, text);
    return rc;
}

/* tell_invitee: tell invitee ent of their invitation to g: the inbox and
 * an e-mail to each of their accounts. by: the inviter's name or "". */
static enum rc tell_invitee(struct db *db, const struct group_row *g,
                            long long ent, const char *by,
                            const char *public_url)
{
    char text[1500], url[300];
    struct buf body = {0};
    enum rc rc;

    base_url(public_url, url, sizeof url);
    if (*by)
        snprintf(text, sizeof text,
                 "%s vous invite à rejoindre « %s » (%s)", by,
                 g->name, kind_labels[g->kind]);
    else
        snprintf(text, sizeof text,
                 "Vous êtes invité·e à rejoindre « %s » (%s)", g->name,
                 kind_labels[g->kind]);
    rc = group_db_notify(db, ent, g->id, "group.invitation", text);
    if (rc != RC_OK) return rc;
    buf_addf(&body, "Bonjour,\n\n%s sur essaim.\n", text);
    if (g->description && *g->description)
        buf_addf(&body, "\n%s\n", g->description);
    buf_addf(&body,
             "\nVoyez le groupe, ses membres et leur coopérative, puis"
             " acceptez ou déclinez l'invitation sur\n%s/group.html#id=%lld"
             "\n\n-- essaim\n",
             url, g->id);
    if (buf_oom(&body)) {
        buf_free(&body);
        return RC_NOMEM;
    }
    snprintf(text, sizeof text, "essaim : invitation à « %s »", g->name);
    rc = group_db_mail(db, ent, g->id, text, buf_str(&body));
    buf_free(&body);
    return rc;
}

/* ensure_admin: after a departure, a group left without an admin among
 * its present members gives the role to the earliest accepted member
 * (else the earliest invited one, admin once they accept), told in the
 * inbox. */
static enum rc ensure_admin(struct db *db, struct group_row *g)
{
    struct group_member *heir = NULL;
    char text[1500];
    size_t i;
    enum rc rc;

    for (i = 0; i < g->nm; i++)
        if (present(&g->m[i]) && is(g->m[i].role, "admin")) return RC_OK;
    for (i = 0; !heir && i < g->nm; i++)
        if (is(g->m[i].status, "accepted")) heir = &g->m[i];
    for (i = 0; !heir && i < g->nm; i++)
        if (is(g->m[i].status, "invited")) heir = &g->m[i];
    if (!heir) return RC_OK;
    rc = group_db_member_role(db, heir->id, "admin");
    snprintf(heir->role, sizeof heir->role, "admin");
    if (rc == RC_OK && is(heir->status, "accepted")) {
        snprintf(text, sizeof text,
                 "Vous êtes maintenant administrateur·rice de « %s »",
                 g->name);
        rc = group_db_notify(db, heir->p.id, g->id, "group.admin", text);
    }
    return rc;
}

/* ========================================================= validation */

/* check_settings: the fields a group's makers and admins set, from in
 * into clean: name, description, slug, liability, lot, revenue_split
 * (the checked JSON), *lead and *tender (0 when absent). kind < 0: not
 * known (its own error is reported), the kind rules are skipped.
 * creating: tender_id and lot may be set (not by a patch). */
static void check_settings(const struct check *c, json_t *in, int kind,
                           int creating, json_t *clean, long long *lead,
                           long long *tender)
{
    json_t *x;

    *lead = *tender = 0;
    check_string(c, in, "name", GROUP_NAME_MAX, CHECK_REQUIRED, clean);
    check_string(c, in, "description", GROUP_DESCRIPTION_MAX,
                 CHECK_MULTILINE, clean);
    x = json_object_get(in, "slug");
    if (x && !json_is_null(x)) {
        if (!json_is_string(x) || !group_slug_valid(json_string_value(x)))
            check_fail(c, "slug",
                       "must be 1 to %d lower-case letters (a-z), digits and"
                       " single hyphens between them",
                       GROUP_SLUG_MAX);
        else
            json_object_set(clean, "slug", x);
    }
    if (check_present(in, "lead")) {
        if (kind >= 0 && kind != GROUP_TENDER_TEAM)
            check_fail(c, "lead", "is only for tender teams");
        else if (!ids_parse_json(json_object_get(in, "lead"), lead))
            check_fail(c, "lead", "must be an entrepreneur id");
    }
    if (check_present(in, "liability")) {
        if (kind >= 0 && kind != GROUP_TENDER_TEAM)
            check_fail(c, "liability", "is only for tender teams");
        else
            check_enum(c, in, "liability", liabilities, 0, clean);
    }
    if (check_present(in, "revenue_split")) {
        if (kind >= 0 && kind != GROUP_BUSINESS)
            check_fail(c, "revenue_split", "is only for business groups");
        else
            group_check_split(c, in, "revenue_split", clean);
    }
    if (!creating) return;
    if (check_present(in, "tender_id")) {
        if (kind >= 0 && kind != GROUP_TENDER_TEAM)
            check_fail(c, "tender_id", "is only for tender teams");
        else if (!ids_parse_json(json_object_get(in, "tender_id"), tender))
            check_fail(c, "tender_id", "must be a tender id");
    }
    if (check_present(in, "lot")) {
        if (kind >= 0 && kind != GROUP_TENDER_TEAM)
            check_fail(c, "lot", "is only for tender teams");
        else if (!check_present(in, "tender_id"))
            check_fail(c, "lot", "needs tender_id");
        else
            check_string(c, in, "lot", GROUP_LOT_MAX, 0, clean);
    }
}

/* An invitee of POST /groups. */
struct invitee {
    long long id;
    int at;    /* its index in members[] */
    int admin;
    struct dir_person p;
    long long peer; /* a peer's entrepreneur: its instance, else 0 */
    char ext[GROUP_PEER_REMOTE_MAX + 1]; /* and its id there */
};

/* check_members: in.members into m[] (*n), leaving out self (the maker,
 * a member anyway). The fields of a proposed team's member
 * (GET /tenders/{id}/teams) are accepted and ignored. */
static void check_members(const struct check *c, json_t *in, long long self,
                          struct invitee *m, size_t *n)
{
    static const char *const known[] = {"entrepreneur_id", "role",
                                        "cooperative_id",  "cooperative",
                                        "name",            "status",
                                        "covers",          "distance_km",
                                        "why",             "origin",
                                        NULL};
    json_t *v = json_object_get(in, "members"), *item;
    size_t i, j;

    *n = 0;
    if (!v || json_is_null(v)) return;
    if (!json_is_array(v) || json_array_size(v) > GROUP_MEMBERS_MAX) {
        check_fail(c, "members",
                   "must be an array of at most %d {entrepreneur_id, role}",
                   GROUP_MEMBERS_MAX);
        return;
    }
    json_array_foreach(v, i, item) {
        char name[48];
        struct check sub = check_nested(c, "members", (int)i, name,
                                        sizeof name);
        json_t *role = json_object_get(item, "role");
        long long id = 0;

        if (!json_is_object(item)) {
            check_fail(&sub, NULL, "must be {entrepreneur_id, role}");
            continue;
        }
        check_unknown(&sub, item, known);
        if (role && !json_is_null(role)) {
            json_t *tmp = json_object();

            if (check_enum(&sub, item, "role", roles, 0, tmp) < 0)
                role = NULL;
            json_decref(tmp);
        }
        if (!ids_parse_json(json_object_get(item, "entrepreneur_id"), &id)) {
            check_fail(&sub, "entrepreneur_id", "must be an entrepreneur id");
            continue;
        }
        for (j = 0; j < *n; j++)
            if (m[j].id == id) break;
        if (j < *n) {
            check_fail(&sub, "entrepreneur_id", "is listed twice");
            continue;
        }
        if (id == self) continue;
        memset(&m[*n], 0, sizeof m[*n]);
        m[*n].id = id;
        m[*n].at = (int)i;
        m[*n].admin = json_is_string(role) &&
                      is(json_string_value(role), "admin");
        (*n)++;
    }
    if (*n + (self ? 1 : 0) > GROUP_MEMBERS_MAX)
        check_fail(c, "members", "a group has at most %d members",
                   GROUP_MEMBERS_MAX);
}

/* check_split_members: the split names exactly the members in ids[]. */
static void check_split_members(const struct check *c, json_t *split,
                                const long long *ids, size_t n)
{
    json_t *s;
    size_t i, j;

    json_array_foreach(split, i, s) {
        long long id = 0;
        char name[64];
        struct check sub = check_nested(c, "revenue_split", (int)i, name,
                                        sizeof name);

        ids_parse_json(json_object_get(s, "entrepreneur_id"), &id);
        for (j = 0; j < n && ids[j] != id; j++) continue;
        if (j == n)
            check_fail(&sub, "entrepreneur_id",
                       "is not a member of the group (invited or accepted)");
    }
    for (j = 0; j < n; j++) {
        long long id = 0;

        json_array_foreach(split, i, s) {
            ids_parse_json(json_object_get(s, "entrepreneur_id"), &id);
            if (id == ids[j]) break;
        }
        if (i == json_array_size(split)) {
            check_fail(c, "revenue_split",
                       "has no share for member %lld: every member (invited"
                       " or accepted) needs one",
                       ids[j]);
            break;
        }
    }
}

/* unique_slug: clean.slug if given (RC_CONFLICT naming slug when taken by
 * another group than except), else a free one derived from the name
 * ("name", "name-2", ...). */
static enum rc unique_slug(struct db *db, const struct check *c,
                           json_t *clean, long long except, char *out,
                           size_t size)
{
    const char *given = json_string_value(json_object_get(clean, "slug"));
    char base[GROUP_SLUG_MAX + 1];
    int taken = 0, k;
    enum rc rc;

    if (given) {
        rc = group_db_slug_taken(db, given, except, &taken);
        if (rc == RC_OK && taken) {
            check_fail(c, "slug", "is taken by another group");
            rc = RC_CONFLICT;
        }
        if (rc == RC_OK) snprintf(out, size, "%s", given);
        return rc;
    }
    group_slugify(str(clean, "name"), base, sizeof base);
    for (k = 1; k < 10000; k++) {
        char suffix[16] = "";
        size_t room;

        if (k > 1) snprintf(suffix, sizeof suffix, "-%d", k);
        room = GROUP_SLUG_MAX - strlen(suffix);
        snprintf(out, size, "%.*s%s", (int)room, base, suffix);
        /* A cut base must not end with a hyphen before the suffix. */
        if (k > 1 && strlen(base) > room && out[room - 1] == '-')
            memmove(out + room - 1, out + room, strlen(out + room) + 1);
        rc = group_db_slug_taken(db, out, except, &taken);
        if (rc != RC_OK || !taken) return rc;
    }
    check_fail(c, "slug", "no free slug for this name: give one");
    return RC_CONFLICT;
}

/* =============================================================== read */

enum rc group_get(struct db *db, const struct viewer *v, const char *id,
                  json_t **out)
{
    long long n;

    *out = NULL;
    if (!ids_parse(id, &n)) return RC_NOTFOUND;
    return reload_shape(db, v, n, out);
}

/* begin_load: open a write transaction, load group id into g and what v
 * may do with it (*a). On RC_OK the caller ends the transaction
 * (finish); on failure it is ended here. */
static enum rc begin_load(struct db *db, const struct viewer *v,
                          long long id, struct group_row *g,
                          enum viewer_group_access *a)
{
    enum rc rc = db_begin(db);

    memset(g, 0, sizeof *g);
    if (rc != RC_OK) return rc;
    rc = group_db_load(db, id, g);
    if (rc == RC_OK) rc = access(v, g, a);
    if (rc != RC_OK) db_rollback(db);
    return rc;
}

/* finish: commit or roll back; after a commit, the group as v now sees
 * it. */
static enum rc finish(struct db *db, const struct viewer *v, long long id,
                      enum rc rc, json_t **out)
{
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == RC_OK) {
        outbox_poke();
        rc = reload_shape(db, v, id, out);
    }
    return rc;
}

/* ============================================================== create */

enum rc group_create(struct db *db, const struct viewer *v, json_t *in,
                     const char *public_url, json_t *errs, json_t **out)
{
    static const char *const known[] = {
        "kind",    "name",      "description",   "slug",      "members",
        "lead",    "liability", "revenue_split", "tender_id", "lot",
        NULL};
    struct check c = {errs, ""};
    struct invitee *m = NULL;
    struct dir_person self = {0};
    struct group_row g;
    json_t *clean = json_object();
    long long *coops = NULL, *ids = NULL, lead = 0, tender = 0, id = 0;
    long long me = v->role == VIEWER_ENTREPRENEUR ? v->entrepreneur_id : 0;
    size_t n = 0, i;
    int kind, any_admin = 0, begun = 0;
    enum rc rc = RC_OK;

    *out = NULL;
    memset(&g, 0, sizeof g);
    if (v->role == VIEWER_ANONYMOUS) {
        json_decref(clean);
        return RC_UNAUTHORIZED;
    }
    if (v->role != VIEWER_ADMIN && v->role != VIEWER_STAFF && !me) {
        json_decref(clean);
        return RC_FORBIDDEN;
    }
    m = calloc(GROUP_MEMBERS_MAX, sizeof *m);
    coops = calloc(GROUP_MEMBERS_MAX, sizeof *coops);
    ids = calloc(GROUP_MEMBERS_MAX + 1, sizeof *ids);
    if (!clean || !m || !coops || !ids) {
        rc = RC_NOMEM;
        goto out;
    }
    /* The input alone. */
    check_unknown(&c, in, known);
    check_enum(&c, in, "kind", kinds, CHECK_REQUIRED, clean);
    kind = group_kind_parse(str(clean, "kind"));
    check_settings(&c, in, kind, 1, clean, &lead, &tender);
    check_members(&c, in, me, m, &n);
    if (!n && !me)
        check_fail(&c, "members", "must name at least one entrepreneur");

    /* Against the database: nothing written until all is checked. */
    rc = db_begin(db);
    if (rc != RC_OK) goto out;
    begun = 1;
    if (me) rc = dir_person_get(db, me, &self);
    if (rc == RC_NOTFOUND) rc = RC_FORBIDDEN; /* an account without profile */
    for (i = 0; rc == RC_OK && i < n; i++) {
        rc = dir_person_get(db, m[i].id, &m[i].p);
        /* A peer's entrepreneur (a proposed team across the network):
         * invited through their instance, as group_invite does. */
        if (rc == RC_NOTFOUND)
            rc = group_peer_person(db, m[i].id, &m[i].p, &m[i].peer,
                                   m[i].ext, sizeof m[i].ext);
        /* A profile the maker may not see is as if it did not exist. */
        if (rc == RC_NOTFOUND || (rc == RC_OK && !sees(v, &m[i].p))) {
            char field[64];

            snprintf(field, sizeof field, "members[%d].entrepreneur_id",
                     m[i].at);
            check_fail(&c, field, "no such entrepreneur");
            rc = RC_OK;
            memset(&m[i].p, 0, sizeof m[i].p);
        }
        coops[i] = m[i].p.cooperative_id;
        ids[i] = m[i].id;
        any_admin |= m[i].admin;
    }
    if (me) ids[n] = me;
    if (rc == RC_OK && n && !viewer_can_create_group(v, coops, n))
        rc = RC_FORBIDDEN;
    if (rc != RC_OK) goto out;
    if (kind == GROUP_TENDER_TEAM && !lead) lead = me;
    if (lead) {
        for (i = 0; i < n + (me ? 1 : 0) && ids[i] != lead; i++) continue;
        if (i == n + (me ? 1 : 0))
            check_fail(&c, "lead", "must be one of the members");
    }
    if (json_object_get(clean, "revenue_split"))
        check_split_members(&c, json_object_get(clean, "revenue_split"), ids,
                            n + (me ? 1 : 0));
    if (tender) {
        int tender_ok = 0, lot_ok = 0;
        const char *lot = json_string_value(json_object_get(clean, "lot"));

        rc = group_db_tender(db, tender, lot, &tender_ok, &lot_ok);
        if (rc != RC_OK) goto out;
        if (!tender_ok)
            check_fail(&c, "tender_id", "no such tender");
        else if (lot && !lot_ok)
            check_fail(&c, "lot", "is not a lot of this tender");
    }
    if (check_failed(&c)) {
        rc = RC_INVALID;
        goto out;
    }
    rc = unique_slug(db, &c, clean, 0, g.slug, sizeof g.slug);
    if (rc != RC_OK) goto out;

    /* The writes. */
    g.kind = kind;
    snprintf(g.name, sizeof g.name, "%s", str(clean, "name"));
    if (json_object_get(clean, "description")) {
        g.description = strdup(str(clean, "description"));
        if (!g.description) {
            rc = RC_NOMEM;
            goto out;
        }
    }
    g.lead = lead;
    snprintf(g.liability, sizeof g.liability, "%s",
             str(clean, "liability"));
    g.revenue_split = json_incref(json_object_get(clean, "revenue_split"));
    g.tender_id = tender;
    snprintf(g.lot, sizeof g.lot, "%s", str(clean, "lot"));
    g.created_by = v->account_id;
    rc = group_db_insert(db, &g, &id);
    g.id = id;
    if (rc == RC_OK && me)
        rc = group_db_member_add(db, id, me, "admin", "accepted", 0, 0,
                                 &(long long){0});
    for (i = 0; rc == RC_OK && i < n; i++) {
        /* Made by staff or an administrator: without an admin named, the
         * first invitee is the group's admin once they accept. */
        const char *role = m[i].admin || (!me && !any_admin && i == 0)
                               ? "admin"
                               : "member";

        long long inv = 0;

        rc = group_db_member_add(db, id, m[i].id, role, "invited", 0, me,
                                 &inv);
        if (rc == RC_OK && m[i].peer)
            rc = group_peer_invite(db, &g, inv, m[i].peer, m[i].ext, role,
                                   me ? self.name : "");
        else if (rc == RC_OK)
            rc = tell_invitee(db, &g, m[i].id, me ? self.name : "",
                              public_url);
    }
    begun = 0;
    rc = finish(db, v, id, rc, out);
out:
    if (begun) db_rollback(db);
    group_row_free(&g);
    json_decref(clean);
    free(m);
    free(coops);
    free(ids);
    return rc;
}

/* ============================================================== patch */

/* settings_doc: g's settings as a document, for a merge patch. */
static json_t *settings_doc(const struct group_row *g)
{
    json_t *o = json_pack("{s:s, s:s}", "name", g->name, "slug", g->slug);

    if (!o) return NULL;
    if (g->description)
        json_object_set_new(o, "description", json_string(g->description));
    if (g->lead) json_object_set_new(o, "lead", ids_json(g->lead));
    if (*g->liability)
        json_object_set_new(o, "liability", json_string(g->liability));
    if (g->revenue_split)
        json_object_set(o, "revenue_split", g->revenue_split);
    return o;
}

enum rc group_patch(struct db *db, const struct viewer *v, const char *id,
                    json_t *patch, json_t *errs, json_t **out)
{
    static const char *const known[] = {"name",      "description",
                                        "slug",      "lead",
                                        "liability", "revenue_split",
                                        NULL};
    struct check c = {errs, ""};
    enum viewer_group_access a;
    struct group_row g;
    json_t *current = NULL, *merged = NULL, *clean = json_object();
    long long n, lead = 0, tender = 0, *ids = NULL;
    size_t i, k = 0;
    char slug[sizeof g.slug];
    enum rc rc;

    *out = NULL;
    if (!clean) return RC_NOMEM;
    if (!ids_parse(id, &n)) {
        json_decref(clean);
        return RC_NOTFOUND;
    }
    if (v->role == VIEWER_ANONYMOUS) {
        json_decref(clean);
        return RC_UNAUTHORIZED;
    }
    rc = begin_load(db, v, n, &g, &a);
    if (rc != RC_OK) {
        json_decref(clean);
        group_row_free(&g);
        return rc;
    }
    if (a != VIEWER_GROUP_EDIT) rc = refused(v);
    if (rc == RC_OK) {
        check_unknown(&c, patch, known);
        current = settings_doc(&g);
        merged = current ? check_merge_patch(current, patch) : NULL;
        ids = malloc((g.nm + 1) * sizeof *ids);
        if (!merged || !ids) rc = RC_NOMEM;
    }
    if (rc == RC_OK) {
        check_settings(&c, merged, g.kind, 0, clean, &lead, &tender);
        for (i = 0; i < g.nm; i++)
            if (present(&g.m[i])) ids[k++] = g.m[i].p.id;
        /* Members are checked for what the patch sets: a split that a
         * departure made stale does not block a change of name. */
        if (lead && check_present(patch, "lead")) {
            for (i = 0; i < k && ids[i] != lead; i++) continue;
            if (i == k)
                check_fail(&c, "lead",
                           "must be one of the members (invited or"
                           " accepted)");
        }
        if (check_present(patch, "revenue_split") &&
            json_object_get(clean, "revenue_split"))
            check_split_members(&c, json_object_get(clean, "revenue_split"),
                                ids, k);
        if (check_failed(&c)) rc = RC_INVALID;
    }
    if (rc == RC_OK)
        rc = unique_slug(db, &c, clean, g.id, slug, sizeof slug);
    if (rc == RC_OK) {
        snprintf(g.name, sizeof g.name, "%s", str(clean, "name"));
        snprintf(g.slug, sizeof g.slug, "%s", slug);
        free(g.description);
        g.description = NULL;
        if (json_object_get(clean, "description")) {
            g.description = strdup(str(clean, "description"));
            if (!g.description) rc = RC_NOMEM;
        }
        g.lead = lead;
        snprintf(g.liability, sizeof g.liability, "%s",
                 str(clean, "liability"));
        json_decref(g.revenue_split);
        g.revenue_split =
            json_incref(json_object_get(clean, "revenue_split"));
    }
    if (rc == RC_OK) rc = group_db_update(db, &g);
    rc = finish(db, v, g.id, rc, out);
    group_row_free(&g);
    json_decref(current);
    json_decref(merged);
    json_decref(clean);
    free(ids);
    return rc;
}

/* ============================================================= invite */

enum rc group_invite(struct db *db, const struct viewer *v, const char *id,
                     json_t *in, const char *public_url, json_t *errs,
                     json_t **out)
{
    static const char *const known[] = {"entrepreneur_id", "role", NULL};
    struct check c = {errs, ""};
    enum viewer_group_access a;
    struct group_row g;
    struct dir_person p, by = {0};
    struct group_member *m;
    json_t *clean = json_object();
    long long n, ent = 0, me = 0, peer = 0, inv = 0;
    char ext[GROUP_PEER_REMOTE_MAX + 1] = "";
    struct group_tally t;
    const char *role;
    enum rc rc;

    *out = NULL;
    if (!clean) return RC_NOMEM;
    if (!ids_parse(id, &n)) {
        json_decref(clean);
        return RC_NOTFOUND;
    }
    if (v->role == VIEWER_ANONYMOUS) {
        json_decref(clean);
        return RC_UNAUTHORIZED;
    }
    rc = begin_load(db, v, n, &g, &a);
    if (rc != RC_OK) {
        json_decref(clean);
        group_row_free(&g);
        return rc;
    }
    if (a != VIEWER_GROUP_EDIT) rc = refused(v);
    if (rc == RC_OK) {
        check_unknown(&c, in, known);
        check_enum(&c, in, "role", roles, 0, clean);
        if (!ids_parse_json(json_object_get(in, "entrepreneur_id"), &ent))
            check_fail(&c, "entrepreneur_id",
                       check_present(in, "entrepreneur_id")
                           ? "must be an entrepreneur id"
                           : "is required");
    }
    if (rc == RC_OK && ent) {
        rc = dir_person_get(db, ent, &p);
        /* A peer's entrepreneur (the copy of their profile): invited
         * through their instance (group_peer.c). */
        if (rc == RC_NOTFOUND)
            rc = group_peer_person(db, ent, &p, &peer, ext, sizeof ext);
        if (rc == RC_NOTFOUND || (rc == RC_OK && !sees(v, &p))) {
            check_fail(&c, "entrepreneur_id", "no such entrepreneur");
            rc = RC_OK;
            ent = 0;
        }
    }
    if (rc == RC_OK && check_failed(&c)) rc = RC_INVALID;
    m = rc == RC_OK ? member_of(&g, ent) : NULL;
    if (rc == RC_OK && m && present(m)) {
        check_fail(&c, "entrepreneur_id",
                   is(m->status, "invited") ? "is already invited"
                                            : "is already a member");
        rc = RC_CONFLICT;
    }
    tally(&g, &t);
    if (rc == RC_OK && t.invited + t.accepted >= GROUP_MEMBERS_MAX) {
        check_fail(&c, "entrepreneur_id", "the group is full (%d members)",
                   GROUP_MEMBERS_MAX);
        rc = RC_CONFLICT;
    }
    if (rc == RC_OK && own(v, &g)) {
        me = v->entrepreneur_id;
        by = own(v, &g)->p;
    }
    role = *str(clean, "role") ? str(clean, "role") : "member";
    role = is(role, "admin") ? "admin" : "member"; /* static storage */
    if (rc == RC_OK && m) {
        inv = m->id;
        rc = group_db_member_reinvite(db, m->id, role, me);
    } else if (rc == RC_OK) {
        rc = group_db_member_add(db, g.id, ent, role, "invited", 1, me, &inv);
    }
    if (rc == RC_OK && peer)
        rc = group_peer_invite(db, &g, inv, peer, ext, role, by.name);
    else if (rc == RC_OK)
        rc = tell_invitee(db, &g, ent, by.name, public_url);
    if (rc == RC_OK) rc = group_db_update(db, &g);
    rc = finish(db, v, g.id, rc, out);
    group_row_free(&g);
    json_decref(clean);
    return rc;
}

/* ============================================================= answer */

/* record_answer: member m of g answers (status accepted, or declined
 * with reason or NULL) or leaves (left), in the caller's transaction:
 * recorded, the other members told, a lead who goes no longer leads,
 * and after a departure the admin role handed on. */
static enum rc record_answer(struct db *db, struct group_row *g,
                             struct group_member *m, const char *status,
                             const char *reason)
{
    int accept = is(status, "accepted"), left = is(status, "left");
    char text[1500];
    enum rc rc = group_db_member_set(db, m->id, status, reason);

    if (rc != RC_OK) return rc;
    snprintf(m->status, sizeof m->status, "%s", status);
    if (!accept && g->lead == m->p.id) g->lead = 0;
    snprintf(text, sizeof text,
             accept ? "%s a accepté de rejoindre « %s »"
             : left ? "%s a quitté « %s »"
                    : "%s a décliné l'invitation à « %s »",
             m->p.name, g->name);
    rc = tell_others(db, g, m->p.id, left ? "group.left" : "group.answer",
                     text);
    if (rc == RC_OK && !accept) rc = ensure_admin(db, g);
    if (rc == RC_OK) rc = group_db_update(db, g);
    return rc;
}

enum rc group_answer(struct db *db, const struct viewer *v,
                     const char *invitation_id, int accept, json_t *in,
                     json_t *errs, json_t **out)
{
    static const char *const known_accept[] = {NULL};
    static const char *const known_decline[] = {"reason", NULL};
    struct check c = {errs, ""};
    struct group_row g;
    struct group_member *m = NULL;
    json_t *clean = json_object();
    long long inv, group = 0;
    size_t i;
    enum rc rc;

    *out = NULL;
    memset(&g, 0, sizeof g);
    if (!clean) return RC_NOMEM;
    /* A peer's invitation, our copy ("p12": group_peer.c). */
    if (group_peer_id(invitation_id, &inv)) {
        json_decref(clean);
        return group_peer_answer(db, v, inv, accept, in, errs, out);
    }
    if (!ids_parse(invitation_id, &inv)) {
        json_decref(clean);
        return RC_NOTFOUND;
    }
    if (v->role == VIEWER_ANONYMOUS) {
        json_decref(clean);
        return RC_UNAUTHORIZED;
    }
    check_unknown(&c, in, accept ? known_accept : known_decline);
    if (!accept)
        check_string(&c, in, "reason", GROUP_REASON_MAX, CHECK_MULTILINE,
                     clean);
    rc = db_begin(db);
    if (rc != RC_OK) {
        json_decref(clean);
        return rc;
    }
    rc = group_db_invitation(db, inv, &group);
    if (rc == RC_OK) rc = group_db_load(db, group, &g);
    for (i = 0; rc == RC_OK && i < g.nm; i++)
        if (g.m[i].id == inv) m = &g.m[i];
    if (rc == RC_OK && !m) rc = RC_INTERNAL;
    if (rc == RC_OK && !viewer_can_answer_invitation(v, m->p.id))
        rc = refused(v);
    /* A peer's entrepreneur answers at their instance, which relays it
     * (group_answer_relayed): nobody here answers for them. */
    if (rc == RC_OK) {
        struct dir_person p;
        char ext[GROUP_PEER_REMOTE_MAX + 1];
        long long peer = 0;

        rc = group_peer_person(db, m->p.id, &p, &peer, ext, sizeof ext);
        if (rc == RC_OK) {
            check_fail(&c, "invitation_id",
                       "is a peer's entrepreneur's: they answer at their"
                       " instance");
            rc = RC_FORBIDDEN;
        } else if (rc == RC_NOTFOUND) {
            rc = RC_OK;
        }
    }
    if (rc == RC_OK && check_failed(&c)) rc = RC_INVALID;
    if (rc == RC_OK && !is(m->status, "invited")) {
        check_fail(&c, "status", "the invitation is no longer open: %s",
                   is(m->status, "left") ? "the member left the group"
                                         : m->status);
        rc = RC_CONFLICT;
    }
    if (rc == RC_OK)
        rc = record_answer(db, &g, m, accept ? "accepted" : "declined",
                           accept ? NULL : str(clean, "reason"));
    rc = finish(db, v, g.id, rc, out);
    group_row_free(&g);
    json_decref(clean);
    return rc;
}

/* relayed_id: in[entrepreneur_id], an id at the sender's instance (a
 * string of 1 to GROUP_PEER_REMOTE_MAX bytes or a positive integer),
 * into out; 0 if it is none. */
static int relayed_id(json_t *x, char *out, size_t size)
{
    *out = 0;
    if (json_is_integer(x) && json_integer_value(x) > 0)
        snprintf(out, size, "%lld", (long long)json_integer_value(x));
    else if (json_is_string(x) && json_string_length(x) > 0 &&
             json_string_length(x) <= GROUP_PEER_REMOTE_MAX)
        snprintf(out, size, "%s", json_string_value(x));
    return *out != 0;
}

enum rc group_answer_relayed(struct db *db, long long peer, const char *id,
                             json_t *in, json_t *errs, json_t **out)
{
    static const char *const known[] = {"entrepreneur_id", "status",
                                        "reason", NULL};
    static const char *const statuses[] = {"accepted", "declined", "left",
                                           NULL};
    struct check c = {errs, ""};
    struct group_row g;
    struct group_member *m = NULL;
    struct dir_person p;
    json_t *clean = json_object();
    char ext[GROUP_PEER_REMOTE_MAX + 1], theirs[GROUP_PEER_REMOTE_MAX + 1];
    const char *to;
    long long inv, group = 0, mpeer = 0;
    size_t i;
    enum rc rc = clean ? RC_OK : RC_NOMEM;

    *out = NULL;
    memset(&g, 0, sizeof g);
    if (rc == RC_OK && !ids_parse(id, &inv)) rc = RC_NOTFOUND;
    if (rc != RC_OK) goto out;
    check_unknown(&c, in, known);
    if (!relayed_id(json_object_get(in, "entrepreneur_id"), ext,
                    sizeof ext))
        check_fail(&c, "entrepreneur_id",
                   "is required: the invited entrepreneur's id at your"
                   " instance");
    check_enum(&c, in, "status", statuses, CHECK_REQUIRED, clean);
    to = str(clean, "status");
    if (check_present(in, "reason") && *to && !is(to, "declined"))
        check_fail(&c, "reason", "is only for declined");
    else
        check_string(&c, in, "reason", GROUP_REASON_MAX, CHECK_MULTILINE,
                     clean);
    if (check_failed(&c)) {
        rc = RC_INVALID;
        goto out;
    }
    rc = db_begin(db);
    if (rc != RC_OK) goto out;
    rc = group_db_invitation(db, inv, &group);
    if (rc == RC_OK) rc = group_db_load(db, group, &g);
    /* A peer's group, pulled here, is answered at its instance. */
    if (rc == RC_OK && g.peer_id) rc = RC_NOTFOUND;
    for (i = 0; rc == RC_OK && i < g.nm; i++)
        if (g.m[i].id == inv) m = &g.m[i];
    if (rc == RC_OK && !m) rc = RC_INTERNAL;
    /* Only the instance of the invited entrepreneur answers for them. */
    if (rc == RC_OK) {
        rc = group_peer_person(db, m->p.id, &p, &mpeer, theirs,
                               sizeof theirs);
        if (rc == RC_NOTFOUND) rc = RC_OK; /* one of ours: mpeer 0 */
    }
    if (rc == RC_OK && (mpeer != peer || strcmp(theirs, ext))) {
        check_fail(&c, "entrepreneur_id",
                   "is not your entrepreneur invited by invitation %lld",
                   inv);
        rc = RC_INVALID;
    }
    /* The same news again (a retry after a lost answer) is a repeat. */
    if (rc == RC_OK && !is(m->status, to)) {
        if (!is(m->status, is(to, "left") ? "accepted" : "invited")) {
            check_fail(&c, "status", "cannot go from %s to %s", m->status,
                       to);
            rc = RC_CONFLICT;
        } else {
            rc = record_answer(db, &g, m, to,
                               *str(clean, "reason") ? str(clean, "reason")
                                                     : NULL);
        }
    }
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == RC_OK &&
        !(*out = json_pack("{s:o, s:o, s:s}", "invitation_id", ids_json(inv),
                           "group_id", ids_json(g.id), "status", m->status)))
        rc = RC_NOMEM;
out:
    group_row_free(&g);
    json_decref(clean);
    return rc;
}

/* ============================================================== leave */

enum rc group_leave(struct db *db, const struct viewer *v, const char *id,
                    const char *entrepreneur_id, json_t *errs, json_t **out)
{
    struct check c = {errs, ""};
    enum viewer_group_access a;
    struct group_row g;
    struct group_member *m = NULL;
    struct dir_person p;
    long long n, ent, peer = 0;
    char text[1500], ext[GROUP_PEER_REMOTE_MAX + 1] = "";
    int self;
    const char *reason = NULL;
    enum rc rc;

    *out = NULL;
    if (!ids_parse(id, &n) || !ids_parse(entrepreneur_id, &ent))
        return RC_NOTFOUND;
    if (v->role == VIEWER_ANONYMOUS) return RC_UNAUTHORIZED;
    rc = begin_load(db, v, n, &g, &a);
    if (rc != RC_OK) {
        group_row_free(&g);
        return rc;
    }
    self = v->role == VIEWER_ENTREPRENEUR && v->entrepreneur_id == ent;
    if (a == VIEWER_GROUP_NONE || a == VIEWER_GROUP_PUBLIC) rc = refused(v);
    if (rc == RC_OK) {
        m = member_of(&g, ent);
        if (!m) rc = RC_NOTFOUND;
    }
    if (rc == RC_OK && !viewer_can_leave_group(v, ent, a)) rc = refused(v);
    if (rc == RC_OK && !present(m)) {
        check_fail(&c, "entrepreneur_id", "already %s", m->status);
        rc = RC_CONFLICT;
    }
    if (rc == RC_OK && self && is(m->status, "invited")) {
        check_fail(&c, "entrepreneur_id",
                   "is invited, not a member: decline the invitation"
                   " (POST /api/v1/invitations/%lld/decline)",
                   m->id);
        rc = RC_CONFLICT;
    }
    if (rc == RC_OK) {
        int invited = is(m->status, "invited");

        if (!self) reason = invited ? "withdrawn" : "removed";
        rc = group_db_member_set(db, m->id, "left", reason);
        snprintf(m->status, sizeof m->status, "left");
        if (g.lead == m->p.id) g.lead = 0;
        snprintf(text, sizeof text,
                 self      ? "%s a quitté « %s »"
                 : invited ? "L'invitation de %s à « %s » a été"
                             " retirée"
                           : "%s a été retiré·e de « %s »",
                 m->p.name, g.name);
        if (rc == RC_OK)
            rc = tell_others(db, &g, m->p.id, "group.left", text);
        /* A peer's entrepreneur hears of it through their instance. */
        if (rc == RC_OK && !self) {
            rc = group_peer_person(db, m->p.id, &p, &peer, ext, sizeof ext);
            if (rc == RC_NOTFOUND) rc = RC_OK;
        }
        if (rc == RC_OK && peer) {
            rc = group_peer_end(db, m->id, peer, ext, reason);
        } else if (rc == RC_OK && !self) {
            snprintf(text, sizeof text,
                     invited ? "Votre invitation à « %s » a été retirée"
                             : "Vous avez été retiré·e de « %s »",
                     g.name);
            rc = group_db_notify(db, m->p.id, g.id, "group.removed", text);
        }
    }
    if (rc == RC_OK) rc = ensure_admin(db, &g);
    if (rc == RC_OK) rc = group_db_update(db, &g);
    rc = finish(db, v, g.id, rc, out);
    group_row_free(&g);
    return rc;
}

/* =============================================================== mine */

enum rc group_mine(struct db *db, const struct viewer *v, int limit,
                   const char *cursor, json_t *errs, json_t **out)
{
    struct check c = {errs, ""};
    long long total = 0, pending = 0;
    json_t *rows = NULL, *res = NULL, *row, *next = NULL;
    size_t i, k;
    enum rc rc;

    *out = NULL;
    if (v->role == VIEWER_ANONYMOUS || !v->account_id) return RC_UNAUTHORIZED;
    res = json_array();
    if (!res) return RC_NOMEM;
    if (v->role != VIEWER_ENTREPRENEUR || !v->entrepreneur_id) {
        *out = json_pack("{s:i, s:i, s:o, s:n}", "total", 0, "pending", 0,
                         "results", res, "next_cursor");
        return *out ? RC_OK : RC_NOMEM;
    }
    rc = db_begin_read(db);
    if (rc != RC_OK) {
        json_decref(res);
        return rc;
    }
    /* Local invitations and copies of peers' (group_peer.c), one order. */
    rc = group_peer_mine_rows(db, v->entrepreneur_id, cursor, limit + 1,
                              &rows, &total, &pending);
    if (rc == RC_INVALID)
        check_fail(&c, "cursor", "is not a cursor from a previous answer");
    json_array_foreach(rows, i, row) {
        int copy = (int)json_integer_value(json_array_get(row, 0));
        long long id = json_integer_value(json_array_get(row, 1)), gid = 0;
        struct group_row g;
        struct group_member *m, *by;
        struct group_tally t;
        json_t *members, *o = NULL;

        if (rc != RC_OK) break;
        if ((int)i == limit) {
            char s[80], pre[2] = {GROUP_PEER_ID_PREFIX, 0};
            json_t *last = json_array_get(rows, i - 1);

            /* The last shown: its invited_at, then its id ("p12" for a
             * copy), as group_peer_mine_rows reads it back. */
            snprintf(s, sizeof s, "%s_%s%lld",
                     json_string_value(json_array_get(last, 2)),
                     json_integer_value(json_array_get(last, 0)) ? pre : "",
                     (long long)json_integer_value(json_array_get(last, 1)));
            next = json_string(s);
            break;
        }
        if (copy) {
            rc = group_peer_copy_json(db, id, &o);
            if (rc == RC_OK && json_array_append_new(res, o)) rc = RC_NOMEM;
            continue;
        }
        rc = group_db_invitation(db, id, &gid);
        memset(&g, 0, sizeof g);
        if (rc == RC_OK) rc = group_db_load(db, gid, &g);
        m = rc == RC_OK ? own(v, &g) : NULL;
        if (rc == RC_OK && !m) rc = RC_INTERNAL;
        if (rc != RC_OK) {
            group_row_free(&g);
            break;
        }
        tally(&g, &t);
        by = m->invited_by ? member_of(&g, m->invited_by) : NULL;
        members = json_array();
        for (k = 0; members && k < g.nm; k++) {
            if (!present(&g.m[k])) continue;
            json_array_append_new(members,
                                  member_json(v, &g.m[k], VIEWER_GROUP_READ));
        }
        o = json_pack(
            "{s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o,"
            " s:n}",
            "id", ids_json(g.id), "kind", group_kind_name(g.kind), "name",
            g.name, "slug", g.slug, "status", group_status(&t), "role",
            m->role, "my_status", m->status, "invitation_id", ids_json(m->id),
            "invited_at", m->invited_at, "answered_at",
            str_or_null(m->answered_at), "invited_by",
            by ? json_pack("{s:o, s:s}", "entrepreneur_id", ids_json(by->p.id),
                           "name", by->p.name)
               : json_null(),
            "members", members, "origin");
        if (!o || json_array_append_new(res, o)) rc = RC_NOMEM;
        group_row_free(&g);
    }
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    json_decref(rows);
    if (rc == RC_OK) {
        *out = json_pack("{s:I, s:I, s:o, s:o}", "total", (json_int_t)total,
                         "pending", (json_int_t)pending, "results", res,
                         "next_cursor", next ? next : json_null());
        return *out ? RC_OK : RC_NOMEM;
    }
    json_decref(res);
    json_decref(next);
    return rc;
}

/* ============================================== a peer's (federation) */

int group_check_face(const struct check *c, json_t *in, json_t *out)
{
    /* The fields of GET /groups/{id}: a public face, or a whole group
     * (read-only fields accepted and ignored). */
    static const char *const known[] = {
        "id",        "kind",          "name",          "slug",
        "description", "members",     "status",        "lead",
        "liability", "revenue_split", "revenue_split_ok", "tender_id",
        "lot",       "created_at",    "updated_at",    "can_edit",
        "suggestions", "origin",      "fetched_at",    NULL};
    static const char *const face_kinds[] = {"business_group", "trade_group",
                                             NULL};
    static const char *const known_member[] = {
        "entrepreneur_id", "name",         "cooperative_id", "cooperative",
        "role",            "status",       "invitation_id",  "invited_by",
        "invited_at",      "answered_at",  "left_at",        "reason",
        NULL};
    json_t *v, *item, *members = json_array(), *x;
    size_t before = check_failed(c), i;

    if (!members) return -1;
    check_unknown(c, in, known);
    check_enum(c, in, "kind", face_kinds, CHECK_REQUIRED, out);
    check_string(c, in, "name", GROUP_NAME_MAX, CHECK_REQUIRED, out);
    check_string(c, in, "description", GROUP_DESCRIPTION_MAX,
                 CHECK_MULTILINE, out);
    x = json_object_get(in, "slug");
    if (x && !json_is_null(x)) {
        if (!json_is_string(x) || !group_slug_valid(json_string_value(x)))
            check_fail(c, "slug",
                       "must be 1 to %d lower-case letters (a-z), digits and"
                       " single hyphens between them",
                       GROUP_SLUG_MAX);
        else
            json_object_set(out, "slug", x);
    }
    v = json_object_get(in, "members");
    if (v && !json_is_null(v) &&
        (!json_is_array(v) || json_array_size(v) > GROUP_MEMBERS_MAX)) {
        check_fail(c, "members",
                   "must be an array of at most %d {entrepreneur_id, role}",
                   GROUP_MEMBERS_MAX);
        v = NULL;
    }
    json_array_foreach(v, i, item) {
        char name[48];
        struct check sub = check_nested(c, "members", (int)i, name,
                                        sizeof name);
        json_t *m = json_object(), *id;
        const char *st;

        if (!m) break;
        if (!json_is_object(item)) {
            check_fail(&sub, NULL, "must be {entrepreneur_id, role}");
            json_decref(m);
            continue;
        }
        check_unknown(&sub, item, known_member);
        check_enum(&sub, item, "role", roles, 0, m);
        id = json_object_get(item, "entrepreneur_id");
        if (json_is_integer(id) && json_integer_value(id) > 0)
            json_object_set_new(m, "entrepreneur_id",
                                ids_json(json_integer_value(id)));
        else if (json_is_string(id) && json_string_length(id) > 0 &&
                 json_string_length(id) <= 64)
            json_object_set(m, "entrepreneur_id", id);
        else
            check_fail(&sub, "entrepreneur_id", "must be an entrepreneur id");
        /* A whole group lists every status: the members are the
         * accepted ones. */
        st = json_string_value(json_object_get(item, "status"));
        if (!st || is(st, "accepted")) json_array_append(members, m);
        json_decref(m);
    }
    json_object_set_new(out, "members", members);
    return check_failed(c) > before ? -1 : 1;
}

enum rc group_remote_store(struct db *db, long long peer,
                           const char *remote_id, json_t *clean,
                           const long long *ents, const char *const *roles_of,
                           size_t n, long long *id)
{
    struct group_row g;
    char base[GROUP_SLUG_MAX + 1];
    const char *slug = json_string_value(json_object_get(clean, "slug"));
    long long own = 0;
    size_t i;
    int taken = 1, k;
    enum rc rc;

    *id = 0;
    memset(&g, 0, sizeof g);
    g.kind = group_kind_parse(str(clean, "kind"));
    if (g.kind < 0) return RC_INVALID;
    snprintf(g.name, sizeof g.name, "%s", str(clean, "name"));
    if (json_object_get(clean, "description")) {
        g.description = strdup(str(clean, "description"));
        if (!g.description) return RC_NOMEM;
    }
    /* Its slug, unique here: the peer's, marked with the peer. */
    if (slug)
        snprintf(base, sizeof base, "%s", slug);
    else
        group_slugify(g.name, base, sizeof base);
    rc = group_db_remote_find(db, peer, remote_id, &own);
    for (k = 1; rc == RC_OK && taken && k < 100; k++) {
        char suffix[40];

        snprintf(suffix, sizeof suffix, k > 1 ? "-p%lld-%d" : "-p%lld", peer,
                 k);
        snprintf(g.slug, sizeof g.slug, "%.*s%s",
                 (int)(GROUP_SLUG_MAX - strlen(suffix)), base, suffix);
        rc = group_db_slug_taken(db, g.slug, own, &taken);
    }
    if (rc == RC_OK && taken) rc = RC_CONFLICT;
    if (rc == RC_OK) rc = group_db_remote_put(db, peer, remote_id, &g, id);
    for (i = 0; rc == RC_OK && i < n; i++)
        rc = group_db_member_add(db, *id, ents[i],
                                 roles_of[i] && is(roles_of[i], "admin")
                                     ? "admin"
                                     : "member",
                                 "accepted", 0, 0, &(long long){0});
    group_row_free(&g);
    return rc;
}

enum rc group_remote_drop(struct db *db, long long peer,
                          const char *remote_id, int *dropped)
{
    return group_db_remote_drop(db, peer, remote_id, dropped);
}
