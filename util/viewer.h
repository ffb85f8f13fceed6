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

#include <stddef.h>

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

/* Groups (group/group.h). What v may do with a group is decided from
 * facts about it that the caller gathers: */
struct viewer_group {
    int listed;           /* a kind with a public face (business_group,
                             trade_group); 0 for a tender_team */
    int member;           /* v's own profile is in it, any status */
    int group_admin;      /* v's own profile is in it, accepted, admin */
    int visible_members;  /* its accepted members whose profiles v may
                             see (viewer_can_see); a listed group shows
                             its public face even with none */
    const long long *coops; /* the cooperatives of its members, any
                               status (borrowed) */
    size_t ncoops;
};

enum viewer_group_access {
    VIEWER_GROUP_NONE = 0, /* nothing (401 anonymous, 403 others) */
    VIEWER_GROUP_PUBLIC,   /* its name, description and the accepted
                              members v may see */
    VIEWER_GROUP_READ,     /* all of it: members of every status,
                              invitations, lead, split, suggestions */
    VIEWER_GROUP_EDIT      /* read, change its settings, invite, remove */
};

/* viewer_group_access: administrators edit every group; an accepted
 * admin member edits theirs; its members (any status) and the staff of
 * its members' cooperatives read it; anyone else sees the public face of
 * a business or trade group with at least one accepted member whose
 * profile they may see, and nothing of a tender team. */
enum viewer_group_access viewer_group_access(const struct viewer *v,
                                             const struct viewer_group *g);

/* viewer_can_create_group: an entrepreneur (who becomes its admin),
 * staff when one of the invitees is of their cooperative (coops: the
 * invitees' cooperatives), an administrator. */
int viewer_can_create_group(const struct viewer *v, const long long *coops,
                            size_t ncoops);

/* viewer_can_answer_invitation: accept or decline an invitation made to
 * this entrepreneur: their own account, or an administrator. */
int viewer_can_answer_invitation(const struct viewer *v,
                                 long long entrepreneur_id);

/* viewer_can_leave_group: take this entrepreneur out of a group to which
 * v has access a: the member themself (leaving), or an editor of the
 * group (removing a member, withdrawing an invitation). */
int viewer_can_leave_group(const struct viewer *v, long long entrepreneur_id,
                           enum viewer_group_access a);

/* Offers (offer/offer.h): catalogue items of an entrepreneur, or of a
 * business or trade group. What v may do with one is decided from facts
 * about its owner that the caller gathers: */
struct viewer_offer {
    int by_group;              /* owned by a group, else by an entrepreneur */
    const char *visibility;    /* an entrepreneur's: of the owner's profile
                                  (borrowed) */
    long long cooperative_id;  /* an entrepreneur's: the owner's */
    long long entrepreneur_id; /* an entrepreneur's: the owner */
    int listed;                /* a group's: a business or trade group */
    enum viewer_group_access group; /* a group's: v's access to the group
                                       (viewer_group_access) */
    int retired;               /* the offer is retired */
};

enum viewer_offer_access {
    VIEWER_OFFER_NONE = 0, /* nothing: as if it did not exist (404) */
    VIEWER_OFFER_READ,     /* read it and its photos */
    VIEWER_OFFER_EDIT      /* read, change, retire, add and remove photos;
                              list the owner's retired offers */
};

/* viewer_offer_access: an entrepreneur's offer is edited by those who
 * edit the profile (viewer_can_edit_entrepreneur: the entrepreneur,
 * their cooperative's staff, administrators) and read by those who see
 * it (viewer_can_see); a group's offer is edited by those who edit the
 * group (its accepted admins, administrators) and read by everyone when
 * the group is a business or trade group (the catalogue is public). A
 * retired offer is left to its editors. Creating an offer takes EDIT on
 * the facts of its owner (retired 0). */
enum viewer_offer_access viewer_offer_access(const struct viewer *v,
                                             const struct viewer_offer *o);

/* Tenders (tender/tender_db.h): public notices that everyone reads. */

/* viewer_can_write_tenders: create, update and import tenders: staff and
 * administrators (and the command line); not entrepreneurs, clients,
 * peers or anonymous callers. */
int viewer_can_write_tenders(const struct viewer *v);

/* The time ledger (timebank/timebank.h): contribution-temps. */

/* viewer_can_post_time: write time posts (help offered or needed) as
 * entrepreneur ent: that entrepreneur's own account only. */
int viewer_can_post_time(const struct viewer *v, long long entrepreneur_id);

/* viewer_can_record_transfer: record a transfer of hours between from
 * and to: one of the two sides (an entrepreneur's own account), nobody
 * else (not staff, not administrators: the two people record and answer
 * their exchanges themselves). */
int viewer_can_record_transfer(const struct viewer *v, long long from,
                               long long to);

/* viewer_can_answer_transfer: confirm or reject a pending transfer
 * recorded by recorded_by (from or to): the other side only. */
int viewer_can_answer_transfer(const struct viewer *v, long long recorded_by,
                               long long from, long long to);

/* viewer_can_read_transfer: read a transfer: its two sides, the staff of
 * either side's cooperative, administrators. */
int viewer_can_read_transfer(const struct viewer *v, long long from,
                             long long from_coop, long long to,
                             long long to_coop);

/* viewer_can_read_time_account: read the time account (balance,
 * history, pending transfers) of an entrepreneur of this cooperative:
 * the entrepreneur, their cooperative's staff, administrators. */
int viewer_can_read_time_account(const struct viewer *v,
                                 long long cooperative_id,
                                 long long entrepreneur_id);

/* viewer_can_manage_time: read a cooperative's time report and set its
 * limits: its staff and administrators. */
int viewer_can_manage_time(const struct viewer *v, long long cooperative_id);

/* viewer_role_parse / viewer_role_name: "client" <-> VIEWER_CLIENT;
 * -1 / "anonymous" for none. */
int viewer_role_parse(const char *name);
const char *viewer_role_name(enum viewer_role role);

#endif
