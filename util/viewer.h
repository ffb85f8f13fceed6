/*
 * viewer.h: who is asking, and what they may see.
 *
 * The one rule of visibility, used by every read path (by id, lists,
 * search results, facet counts, exports, the federation feed): a profile
 * is `public` (everyone), `network` (signed-in users and peer instances),
 * `cooperative` (members and staff of its cooperative), or `private` (the
 * entrepreneur, their cooperative's staff, the instance admins). An
 * anonymous viewer sees only public profiles. Pure; thread-safe.
 */
#ifndef ESSAIM_VIEWER_H
#define ESSAIM_VIEWER_H

enum viewer_role {
    VIEWER_ANONYMOUS = 0,
    VIEWER_CLIENT,
    VIEWER_ENTREPRENEUR,
    VIEWER_STAFF,
    VIEWER_ADMIN,
    VIEWER_PEER
};

struct viewer {
    enum viewer_role role;
    long long cooperative_id;  /* entrepreneur or staff: their cooperative */
    long long entrepreneur_id; /* entrepreneur: their profile */
    long long account_id;      /* 0 for anonymous and the command line */
};

/* viewer_can_see: may v read a profile of this visibility, cooperative
 * and entrepreneur id? */
int viewer_can_see(const struct viewer *v, const char *visibility,
                   long long cooperative_id, long long entrepreneur_id);

/* VIEWER_SQL(a): the same rule as an SQL predicate on the columns
 * a.visibility, a.cooperative_id and a.id, with the viewer bound to the
 * parameters ?90 (role), ?91 (cooperative id), ?92 (entrepreneur id) by
 * db_bind_viewer(). Keep it in step with viewer_can_see(). */
#define VIEWER_SQL(a)                                                        \
    "(" a ".visibility = 'public' OR ?90 = 4"                                \
    " OR (?90 = 2 AND " a ".id = ?92)"                                       \
    " OR (?90 = 3 AND " a ".cooperative_id = ?91)"                           \
    " OR (" a ".visibility = 'network' AND ?90 <> 0)"                        \
    " OR (" a ".visibility = 'cooperative' AND ?90 = 2"                      \
    " AND " a ".cooperative_id = ?91))"

/* viewer_anonymous: the viewer of a request without credentials. */
extern const struct viewer viewer_anonymous;

/* viewer_system: the command line (imports, demo): an administrator. */
extern const struct viewer viewer_system;

/* Who may change what: the one place of these rules (write paths call
 * them; reads use viewer_can_see). Staff manage the entrepreneurs and
 * the record of their own cooperative; an entrepreneur edits only their
 * own profile; an administrator everything. */

/* viewer_can_edit_entrepreneur: change or delete a profile of this
 * cooperative and id. */
int viewer_can_edit_entrepreneur(const struct viewer *v,
                                 long long cooperative_id,
                                 long long entrepreneur_id);

/* viewer_can_place_entrepreneur: create a profile in this cooperative,
 * or move one into it (an entrepreneur cannot change cooperative). */
int viewer_can_place_entrepreneur(const struct viewer *v,
                                  long long cooperative_id);

/* viewer_can_edit_cooperative: change a cooperative's record (0: create
 * one: administrators only). */
int viewer_can_edit_cooperative(const struct viewer *v,
                                long long cooperative_id);

/* viewer_can_read_audit: read the audit log of a cooperative (0: all). */
int viewer_can_read_audit(const struct viewer *v, long long cooperative_id);

/* viewer_can_create_account: create an account of this role in this
 * cooperative: anyone a client; staff an entrepreneur or staff of their
 * cooperative; an administrator any. */
int viewer_can_create_account(const struct viewer *v, enum viewer_role role,
                              long long cooperative_id);

/* viewer_role_parse / viewer_role_name: "client" <-> VIEWER_CLIENT;
 * -1 / "anonymous" for none. */
int viewer_role_parse(const char *name);
const char *viewer_role_name(enum viewer_role role);

#endif
