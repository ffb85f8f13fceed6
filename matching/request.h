/*
 * request.h: client requests: the need, the providers it is matched to,
 * who is told, their answers and the outcome.
 *
 * A request: {id, status (unconfirmed, open, won, cancelled), title,
 * description, location, wanted[] (trade refs {scheme, code, label} or
 * words), deadline, budget {min, max} (euros; shown, never ranked on),
 * contact {name, email, phone}, scope (local, or network: matched among
 * the peers' profiles too, whose instances tell them and relay their
 * answers), won_by, created_at, updated_at, closed_at}. A copy of a
 * peer's request (request_peer_create) has no contact and carries its
 * origin {url, name, request_id}: its providers answer here, the answers
 * go back there, and only the peer closes it.
 *
 * Who sees a request: its client and administrators; the providers told
 * of it (and their cooperative's staff), who see the client's contact
 * once they answer interested or quoted. Everyone else: 404.
 *
 * The funnel of a provider on a request: notified -> viewed ->
 * interested | declined (reason) | quoted (amount, message); interested
 * -> quoted | declined; quoted -> quoted (revised) | declined. "viewed"
 * again is harmless (no change). Anything else, or any answer once the
 * request is closed, is a conflict (409). The client closes with won (by
 * a matched provider) or cancelled. Every step is timestamped.
 *
 * request_init() once before threads start; the rest is thread-safe
 * given one struct db per thread.
 */
#ifndef ESSAIM_REQUEST_H
#define ESSAIM_REQUEST_H

#include <jansson.h>

#include "../store/db.h"

struct viewer;
struct account_session;

/* request_init: how many of the best matches are told (default 10), and
 * the address of the pages for the links in e-mails
 * ("http://localhost:8080"). */
void request_init(int notify_top, const char *public_url);

/* request_create: POST /requests as v. A client (or an administrator)
 * gets an open request, matched and its providers told in the same
 * transaction. Anonymous: contact.email is required, the request waits
 * for the confirmation sent there (status unconfirmed); at most 5 a
 * quarter of an hour per address and per client IP addr (RC_THROTTLED,
 * *retry_after). Providers and staff may not post requests (403). */
enum rc request_create(struct db *db, const struct viewer *v, json_t *in,
                       const char *addr, json_t *errs, json_t **out,
                       long *retry_after);

/* request_confirm: the token of a confirmation e-mail opens its request
 * (matched, providers told). The address's client account (made when
 * needed) owns it; when that account is a client's, *session is a new
 * session of it (session->token "" otherwise). RC_INVALID naming token
 * when unknown or used. */
enum rc request_confirm(struct db *db, const char *token, json_t *errs,
                        json_t **out, struct account_session *session);

/* request_get: GET /requests/{id} as v may see it (RC_NOTFOUND). */
enum rc request_get(struct db *db, const struct viewer *v, const char *id,
                    json_t **out);

/* request_matches: GET /requests/{id}/matches: {total, results} -- all
 * for the client and administrators, their own for a provider, their
 * cooperative's for staff. */
enum rc request_matches(struct db *db, const struct viewer *v,
                        const char *id, json_t **out);

/* request_respond: POST /requests/{id}/responses {status, reason, quote,
 * entrepreneur_id (staff and administrators answer for one)}. */
enum rc request_respond(struct db *db, const struct viewer *v,
                        const char *id, json_t *in, json_t *errs,
                        json_t **out);

/* request_outcome: POST /requests/{id}/outcome {outcome: won, won_by} |
 * {outcome: cancelled}: the client or an administrator, on an open
 * request (409 otherwise). */
enum rc request_outcome(struct db *db, const struct viewer *v,
                        const char *id, json_t *in, json_t *errs,
                        json_t **out);

/* request_list: GET /requests: the requests v may see, newest first:
 * a client's own, a provider's inbox (told of), the requests told to a
 * cooperative's providers for its staff, all for administrators. status
 * filters (NULL: all). */
enum rc request_list(struct db *db, const struct viewer *v,
                     const char *status, int limit, const char *cursor,
                     json_t *errs, json_t **out);

/* request_notifications: GET /me/notifications: {total, unread, results:
 * [{id, kind, request_id, text, created_at, read_at}], next_cursor},
 * newest first; mark_read: mark them all read first. */
enum rc request_notifications(struct db *db, const struct viewer *v,
                              int limit, const char *cursor, int mark_read,
                              json_t *errs, json_t **out);

/* Requests across the network (README: Federation). peer is the id of
 * the registered peer whose signature held (fed_msg_verify); ids of the
 * peer's own records are strings of at most 64 characters. */

/* request_peer_create: POST /federation/v1/requests {id (the request at
 * the peer), title, description, location, wanted, deadline, budget,
 * entrepreneurs[] (ours, by id)}: checked as a local request (no contact,
 * no scope); kept as our copy, marked with its origin; the named
 * entrepreneurs that are ours and seen by the network (public, network)
 * told like a local match; the others skipped without a word. *out {id,
 * request_id, notified}. The same request again (a retry) changes
 * nothing: *created 0. */
enum rc request_peer_create(struct db *db, long long peer, json_t *in,
                            json_t *errs, json_t **out, int *created);

/* request_peer_answer: POST /federation/v1/requests/{id}/responses
 * {entrepreneur_id (the provider's id at the peer), status, reason,
 * quote}: a peer's entrepreneur answered our request id through their
 * instance; recorded on their match line as a local answer is (the
 * client told), the same status again a harmless repeat. *out the match
 * line. */
enum rc request_peer_answer(struct db *db, long long peer, const char *id,
                            json_t *in, json_t *errs, json_t **out);

/* request_peer_contact: POST /federation/v1/requests/{id}/contact
 * {contact}: the client of the peer's request id, sent once a provider
 * of ours answered interested or quoted; kept in our copy, shown to our
 * providers who did (as a local request's contact is). *out {id,
 * request_id}. */
enum rc request_peer_contact(struct db *db, long long peer, const char *id,
                             json_t *in, json_t *errs, json_t **out);

/* request_forget_peers: a client (account id) is being erased: each
 * peer their requests were sent to is told to erase its copy (POST
 * /federation/v1/requests/{id}/erase, queued, in its own transaction,
 * before the erasure takes the requests). */
enum rc request_forget_peers(struct db *db, long long client);

/* request_peer_erase: POST /federation/v1/requests/{id}/erase {}: the
 * peer's client was erased; our copy of their request id goes, with its
 * matches and notices. *out {request_id, erased}. */
enum rc request_peer_erase(struct db *db, long long peer, const char *id,
                           json_t *in, json_t *errs, json_t **out);

/* request_peer_outcome: POST /federation/v1/requests/{id}/outcome
 * {outcome, won_by (one of ours, or null: won by someone else)}: the
 * peer's request id closed; our copy closes and its told providers hear
 * of it. *out {id, status, request_id}. */
enum rc request_peer_outcome(struct db *db, long long peer, const char *id,
                             json_t *in, json_t *errs, json_t **out);

#endif
