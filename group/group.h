/*
 * group.h: groups of entrepreneurs across cooperatives: tender teams
 * (groupements momentanés answering a public tender), business groups
 * (a shared brand with a revenue split) and trade groups. One model for
 * the three kinds: a name, a unique slug, members with a role (admin,
 * member) and a status, invitations that members accept or decline,
 * leaving, and per kind a lead and a liability (tender_team), a revenue
 * split (business_group), the tender and lot answered (tender_team).
 *
 * A group as GET /groups/{id} answers it (README "Groups"):
 *
 *   {"id", "kind", "name", "slug", "description", "status" (forming,
 *    formed, incomplete), "lead", "liability", "revenue_split"
 *    ([{entrepreneur_id, share}] or null), "revenue_split_ok",
 *    "tender_id", "lot", "created_at", "updated_at", "can_edit",
 *    "members": [{"entrepreneur_id", "name", "cooperative_id",
 *                 "cooperative", "role", "status" (invited, accepted,
 *                 declined, left), "invitation_id", "invited_by",
 *                 "invited_at", "answered_at", "left_at", "reason"}],
 *    "suggestions": [...]}
 *
 * Who may do what is decided in util/viewer.c (viewer_group_access and
 * friends). Every write checks its whole input before its first write
 * (nothing is written on a refusal) and writes its inbox notifications
 * and e-mails (notify/outbox.h) in the same transaction.
 *
 * Ownership: *out values are new references. Thread-safe given one
 * struct db per thread; the pure functions are thread-safe.
 */
#ifndef ESSAIM_GROUP_H
#define ESSAIM_GROUP_H

#include <jansson.h>
#include <stddef.h>

#include "../store/db.h"

struct viewer;
struct check;

enum group_kind { GROUP_TENDER_TEAM = 0, GROUP_BUSINESS, GROUP_TRADE };

#define GROUP_NAME_MAX 120   /* characters */
#define GROUP_DESCRIPTION_MAX 5000
#define GROUP_SLUG_MAX 80    /* bytes: a-z, 0-9, hyphens */
#define GROUP_MEMBERS_MAX 100 /* invited and accepted members of a group */
#define GROUP_LOT_MAX 100
#define GROUP_REASON_MAX 500

/* ------------------------------------------------------------- pure */

/* group_kind_parse: "tender_team" -> GROUP_TENDER_TEAM...; -1 if none. */
int group_kind_parse(const char *s);

/* group_kind_name: the API name of a kind ("trade_group"). */
const char *group_kind_name(enum group_kind kind);

/* group_kind_label: how a kind is called in French, in the messages
 * ("groupe métier"). */
const char *group_kind_label(enum group_kind kind);

/* group_slugify: the slug of a name into out (size >= 2): folded to
 * lower-case ASCII ("Élagage & Cie" -> "elagage-cie"), every run of other
 * characters one hyphen, none at either end, cut at a hyphen to fit
 * GROUP_SLUG_MAX and size; "groupe" when nothing is left. */
void group_slugify(const char *name, char *out, size_t size);

/* group_slug_valid: 1 if s is 1 to GROUP_SLUG_MAX bytes of a-z and 0-9
 * in words joined by single hyphens. */
int group_slug_valid(const char *s);

/* group_check_split: in[key], a revenue split: an array of
 * {entrepreneur_id, share}, one per entrepreneur, each share a number
 * over 0 with at most two decimals, summing to exactly 100 (counted in
 * hundredths: 33.33 + 33.33 + 33.34 is 100). Copied to out[key] as
 * [{"entrepreneur_id": "12", "share": 33.33}]. Errors name the field
 * ("revenue_split", "revenue_split[1].share"). 1 accepted, 0 absent or
 * null, -1 refused (as the check_* functions). */
int group_check_split(const struct check *c, json_t *in, const char *key,
                      json_t *out);

/* The members of a group counted by status. */
struct group_tally {
    int invited;  /* invitations not answered yet */
    int accepted;
    int departed; /* declined or left */
    int later;    /* members invited after the group was made, whatever
                     their status since: each one takes a departed
                     member's place */
};

/* group_status: "incomplete" when more members declined or left than
 * were invited after the group was made (somebody's place is empty, even
 * while other invitations wait); otherwise "forming" while an invitation
 * waits; otherwise "formed" (every member accepted). */
const char *group_status(const struct group_tally *t);

/* ----------------------------------------------------- the API routes */

/* group_create: POST /groups as v: {kind, name, description, slug,
 * members: [{entrepreneur_id, role}], lead, liability, revenue_split,
 * tender_id, lot}. An entrepreneur becomes its accepted admin; the
 * others are invited (inbox notification, e-mail linking to
 * public_url/group.html#id=N). RC_INVALID (errs) for bad input,
 * RC_CONFLICT (naming slug) when a given slug is taken,
 * RC_UNAUTHORIZED / RC_FORBIDDEN. *out: the group. */
enum rc group_create(struct db *db, const struct viewer *v, json_t *in,
                     const char *public_url, json_t *errs, json_t **out);

/* group_get: GET /groups/{id} as v may see it: the whole group with the
 * replacement suggestions of a tender team that lost a member, or its
 * public face. RC_NOTFOUND, RC_UNAUTHORIZED, RC_FORBIDDEN. */
enum rc group_get(struct db *db, const struct viewer *v, const char *id,
                  json_t **out);

/* group_patch: PATCH /groups/{id}, a merge patch of name, description,
 * slug, lead, liability, revenue_split, by the group's admins and
 * administrators. */
enum rc group_patch(struct db *db, const struct viewer *v, const char *id,
                    json_t *patch, json_t *errs, json_t **out);

/* group_invite: POST /groups/{id}/invitations {entrepreneur_id, role}
 * by the group's admins and administrators: one more member, or a
 * member who declined or left invited again. RC_CONFLICT when they are
 * invited or accepted already. */
enum rc group_invite(struct db *db, const struct viewer *v, const char *id,
                     json_t *in, const char *public_url, json_t *errs,
                     json_t **out);

/* group_answer: POST /invitations/{id}/accept (accept 1) or /decline
 * {reason} (accept 0) by the invited entrepreneur or an administrator;
 * the other members are told. RC_CONFLICT when already answered. */
enum rc group_answer(struct db *db, const struct viewer *v,
                     const char *invitation_id, int accept, json_t *in,
                     json_t *errs, json_t **out);

/* group_leave: DELETE /groups/{id}/members/{entrepreneur_id}: an
 * accepted member leaves, or a group admin removes a member or withdraws
 * an invitation. The last admin hands the role on (README). RC_CONFLICT
 * when that member already declined or left, or is invited and asks to
 * leave (they decline instead). */
enum rc group_leave(struct db *db, const struct viewer *v, const char *id,
                    const char *entrepreneur_id, json_t *errs, json_t **out);

/* group_mine: GET /me/groups: {total, pending, results: [{id, kind,
 * name, slug, status, role, my_status, invitation_id, invited_at,
 * answered_at, invited_by, members, origin}], next_cursor}: the groups
 * v's profile is invited to or a member of, newest invited_at first,
 * local groups (origin null) and peers' invitations (our copies:
 * group_peer_copy_json) together. The cursor is the last one's
 * invited_at and invitation id ("2026-12-07T08:00:00Z_p3"). Signed in
 * without a profile: none. */
enum rc group_mine(struct db *db, const struct viewer *v, int limit,
                   const char *cursor, json_t *errs, json_t **out);

/* ------------------------- invitations across the network (group_peer.c)
 *
 * A group here may invite a peer's entrepreneur (the local copy of their
 * profile, federation/fed.h): the member row is made as for anyone, and
 * the invitation goes to their instance as a signed message, queued with
 * the change (fed_msg_queue: POST /federation/v1/invitations); their
 * answer comes back (POST /federation/v1/invitations/{id}/answer) and is
 * recorded as a local one (group_answer_relayed). A withdrawal or a
 * removal here goes there too (.../{id}/end).
 *
 * On the entrepreneur's instance the invitation is a copy (table
 * grp_invitation_in) with ids of its own, shown as GROUP_PEER_ID_PREFIX
 * and digits ("p12"): a local invitation's id is digits only, so the
 * routes of local invitations (POST /invitations/{id}/accept, decline)
 * answer both without confusion. The copy holds the group's public facts
 * only (name, kind, description, tender and lot), who invited (a name)
 * and the role; never the other members. */

#define GROUP_PEER_ID_PREFIX 'p'
#define GROUP_PEER_REMOTE_MAX 64 /* an id another instance gives */

struct dir_person;
struct group_row;

/* group_peer_set_sender: how group/ queues a message to a peer instance
 * in the caller's transaction: federation/'s fed_msg_queue (same
 * signature), which group/ cannot name (federation/ includes group/, not
 * the reverse). The server sets it before serving (server/srv.c); unset,
 * a peer's entrepreneur cannot be invited (RC_FORBIDDEN). */
typedef enum rc (*group_send_fn)(struct db *db, long long peer,
                                 long long request_id, const char *path,
                                 json_t *body);
void group_peer_set_sender(group_send_fn fn);

/* group_peer_id: "p12" -> 1 and *id 12; anything else 0. Pure. */
int group_peer_id(const char *s, long long *id);

/* group_peer_person: the copy of a peer's profile id (its cooperative
 * has peer_id) into *p, its peer into *peer and its id there into ext.
 * RC_NOTFOUND when id is no such copy (one of ours, or none). */
enum rc group_peer_person(struct db *db, long long id, struct dir_person *p,
                          long long *peer, char *ext, size_t size);

/* group_peer_invite: queue, in the caller's transaction, the message
 * that tells peer that g invites their entrepreneur ext (member row inv,
 * as role, by the inviter's name, "" for none): the invitation's id here
 * and its round (a change number: each invitation of the same row, after
 * a decline or a departure, has a larger one), the group's public facts
 * (tender title and lot title for a tender team). */
enum rc group_peer_invite(struct db *db, const struct group_row *g,
                          long long inv, long long peer, const char *ext,
                          const char *role, const char *by);

/* group_peer_end: queue, in the caller's transaction, the message that
 * ends peer's copy of invitation inv (entrepreneur ext there): status
 * left with reason "withdrawn" or "removed". */
enum rc group_peer_end(struct db *db, long long inv, long long peer,
                       const char *ext, const char *reason);

/* group_peer_receive: POST /federation/v1/invitations from peer (its
 * signature checked by the caller): {id, round, entrepreneur_id, role,
 * invited_by, group {id, kind, name, description, tender {title, lot
 * {id, title}}}}. Every field checked (RC_INVALID, errs
 * naming each); the entrepreneur must be ours and seen by the network
 * (else RC_NOTFOUND naming entrepreneur_id, nobody told). Keeps the
 * copy and tells the entrepreneur (inbox, e-mail linking to public_url).
 * The same message again is a repeat (*created 0); a later round
 * opens the copy again (a re-invitation after a decline). *out {id,
 * invitation_id, status}. */
enum rc group_peer_receive(struct db *db, long long peer, json_t *in,
                           const char *public_url, json_t *errs,
                           json_t **out, int *created);

/* group_peer_answer: POST /invitations/p{id}/accept | decline {reason}
 * on a copy, by its entrepreneur or an administrator: recorded here, and
 * relayed to the group's instance (queued). RC_CONFLICT when answered
 * already. *out the copy as GET /me/groups lists it. */
enum rc group_peer_answer(struct db *db, const struct viewer *v, long long id,
                          int accept, json_t *in, json_t *errs, json_t **out);

/* group_peer_leave: POST /invitations/p{id}/leave: the entrepreneur
 * leaves the peer's group they accepted (relayed as status left).
 * RC_CONFLICT (naming status) when not accepted. *out the copy. */
enum rc group_peer_leave(struct db *db, const struct viewer *v, long long id,
                         json_t *errs, json_t **out);

/* group_peer_ended: POST /federation/v1/invitations/{id}/end from peer
 * {entrepreneur_id, status: "left", reason: "withdrawn" | "removed"}:
 * the copy ends, its entrepreneur told. A repeat is harmless. */
enum rc group_peer_ended(struct db *db, long long peer, const char *id,
                         json_t *in, json_t *errs, json_t **out);

/* group_answer_relayed: POST /federation/v1/invitations/{id}/answer from
 * peer {entrepreneur_id (their id there), status (accepted, declined,
 * left), reason}: recorded on member row id as the entrepreneur's own
 * answer or departure here (the members told, the admin handed on).
 * Only the instance of the invited entrepreneur may answer for them (400
 * naming entrepreneur_id). The same answer again is a repeat; another
 * after it RC_CONFLICT. *out {invitation_id, group_id, status}. */
enum rc group_answer_relayed(struct db *db, long long peer, const char *id,
                             json_t *in, json_t *errs, json_t **out);

/* What GET /me/groups lists (group_mine): the invitations (local and
 * copies) of entrepreneur ent, invited or accepted, by invited_at
 * newest first, after cursor ("" from the start; else a next_cursor of a
 * previous answer: RC_INVALID), at most limit: *rows [[copy (0 or 1),
 * id, invited_at], ...] (new), *total and *pending over all. */
enum rc group_peer_mine_rows(struct db *db, long long ent, const char *cursor,
                             int limit, json_t **rows, long long *total,
                             long long *pending);

/* group_peer_copy_json: copy id as GET /me/groups lists it: {id: null,
 * kind, name, slug: null, description, tender, status: null, role,
 * my_status, invitation_id ("p12"), invited_at, answered_at, left_at,
 * reason, invited_by {entrepreneur_id: null, name}, members: [], origin
 * {url, name, group_id, invitation_id}}. RC_NOTFOUND. */
enum rc group_peer_copy_json(struct db *db, long long id, json_t **out);

/* The statements of group_peer.c (tests prepare them all). */
extern const char *const group_peer_sql[];

/* ------------------------------------------- a peer's (federation) */

/* group_check_face: a group as a peer's feed shows it (its public face,
 * GET /groups/{id}: the read-only fields of an answer accepted and
 * ignored, others refused) into out: kind (business_group or
 * trade_group: a tender team is never shown), name, description, slug
 * (as a local write checks them) and members [{entrepreneur_id (the id
 * at the peer), role}], the accepted ones, at most GROUP_MEMBERS_MAX.
 * Pure. 1 accepted, -1 refused (errors on c). */
int group_check_face(const struct check *c, json_t *in, json_t *out);

/* group_remote_store: keep peer's group remote_id, read-only here:
 * clean as group_check_face made it, its members the local copies
 * ents[0..n) of the peer's entrepreneurs with roles_of[i], all accepted
 * (no invitation, no account, no notification); its slug the peer's
 * with "-pPEER" (unique here). *id its local id. It is never passed on
 * in our feed, and the API refuses to change it (403). In the caller's
 * transaction. */
enum rc group_remote_store(struct db *db, long long peer,
                           const char *remote_id, json_t *clean,
                           const long long *ents, const char *const *roles_of,
                           size_t n, long long *id);

/* group_remote_drop: forget peer's group remote_id, its offers with it
 * (*dropped 1 when it was here). */
enum rc group_remote_drop(struct db *db, long long peer,
                          const char *remote_id, int *dropped);

#endif
