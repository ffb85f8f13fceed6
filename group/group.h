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
 * answered_at, invited_by, members}], next_cursor}: the groups v's
 * profile is invited to or a member of, newest invitation first. Signed
 * in without a profile: none. */
enum rc group_mine(struct db *db, const struct viewer *v, int limit,
                   const char *cursor, json_t *errs, json_t **out);

#endif
