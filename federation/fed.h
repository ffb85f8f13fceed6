/*
 * fed.h: federation. Each cooperative may run its own instance; instances
 * pull each other's public (and, when trusted, network) documents so that
 * one search covers the whole network.
 *
 * What an instance shows its peers:
 *
 *   GET /federation/v1/instance   its descriptor: name, base URL, its
 *       cooperatives, software version, contact, its Ed25519 public key.
 *   GET /federation/v1/changes?since=CURSOR&limit=N   the change feed: every
 *       write of a local entrepreneur, offer or group since the cursor, in
 *       the order of the instance's change numbers (db_next_seq). A change
 *       carries the document as the asker may see it; a deletion, and a
 *       document the asker may no longer see (a profile made private), is
 *       a tombstone (deleted: true, doc: null), so it disappears from every
 *       peer at its next pull. Documents from other instances are never
 *       passed on (no loops, each instance speaks for itself).
 *
 * Who asks: anonymous askers get public documents; a peer gets network
 * documents too, when it proves who it is by an Ed25519 signature of the
 * request with the key of its descriptor (the asked instance's admin has
 * registered it as a peer), or by a token the asked instance's admin
 * issued for it (fed_token_issue).
 *
 * What an instance keeps of its peers: each peer's entrepreneurs, in the
 * same tables as its own (directory), under cooperatives marked with the
 * peer (cooperative.peer_id), so the one search engine finds them; each
 * checked by the same validation as a local write, and refused one by one
 * when bad. Their offers and groups are not kept yet (README).
 */
#ifndef ESSAIM_FED_H
#define ESSAIM_FED_H

#include <jansson.h>
#include <stdatomic.h>

#include "../store/db.h"

struct viewer;

/* Limits of what a peer may send (documented in README.md). */
#define FED_PAGE_MAX 1000          /* changes per page of the feed */
#define FED_PAGE_DEFAULT 100
#define FED_FEED_BYTES (32L << 20) /* a page of the feed, at most */
#define FED_DOC_BYTES (256L << 10) /* one document, serialized */
#define FED_PAGES_PER_PULL 1000    /* pages pulled from one peer per round */

/* The instance, as the descriptor and the feed name it. */
struct fed_self {
    const char *base_url; /* "https://essaim.coop.example" (no final /) */
    const char *name;     /* the instance's name */
    const char *contact;  /* an e-mail or URL, "" for none */
    const char *version;  /* software version */
};

/* fed_instance: the descriptor {name, base_url, software {name, version},
 * contact, public_key, cooperatives[{id, name, kind}], feed}. */
enum rc fed_instance(struct db *db, const struct fed_self *self,
                     json_t **out);

/* fed_changes: {changes[{kind, id, origin, updated_at, deleted, doc}],
 * next} for v, as JSON text appended to out: the writes after cursor
 * since (a decimal string, "" or "0" for the beginning), at most limit.
 * next is the cursor to ask next; the feed is at its end when fewer than
 * limit changes come back. RC_INVALID (errs names since or limit) for a
 * bad cursor or limit. */
struct buf;
enum rc fed_changes(struct db *db, const struct viewer *v,
                    const struct fed_self *self, const char *since,
                    int limit, json_t *errs, struct buf *out);

/* ---- keys and signed requests ---- */

/* fed_public_key: the instance's Ed25519 public key, base64 (44 chars +
 * NUL); the key pair is made at the first call and kept in the database. */
enum rc fed_public_key(struct db *db, char out[64]);

/* fed_secret_key: the instance's Ed25519 secret key (made at the first
 * call), to sign with; wipe it (sodium_memzero) after use. */
enum rc fed_secret_key(struct db *db, unsigned char sk[64]);

/* fed_sign: the headers that sign a GET of path_and_query with sk by the
 * instance at base_url at time now: "X-Essaim-Instance: ...",
 * "X-Essaim-Date: ...", "X-Essaim-Signature: ..." in hdr[0..2]. The
 * signed text is "GET\n" path_and_query "\n" date "\n" base_url. Pure. */
void fed_sign(const unsigned char sk[64], const char *base_url,
              const char *path_and_query, long long now, char hdr[3][320]);

/* fed_verify: the viewer of a signed request: a peer registered here
 * whose descriptor base URL is instance, whose key signed the text, at a
 * date within FED_SIGN_SKEW_S of now. RC_OK sets *v to a peer viewer;
 * RC_NOTFOUND for an instance not registered here (the request is then
 * an anonymous one: public documents); RC_FORBIDDEN for a bad or stale
 * signature. */
#define FED_SIGN_SKEW_S 300
enum rc fed_verify(struct db *db, const char *method,
                   const char *path_and_query, const char *instance,
                   const char *date, const char *signature, long long now,
                   struct viewer *v);

/* What both kinds of signatures (GETs, messages) check. fed_peer_key:
 * the peer registered here with base URL instance and its key; *peer 0
 * when none (or its key is not known). fed_fresh: date (unix seconds)
 * within FED_SIGN_SKEW_S of now. fed_holds: signature (base64) is pk's
 * over text. */
struct buf;
enum rc fed_peer_key(struct db *db, const char *instance, long long *peer,
                     unsigned char pk[32]);
int fed_fresh(const char *date, long long now);
int fed_holds(const unsigned char pk[32], const char *signature,
              const struct buf *text);

/* fed_headers: the three headers of text signed with sk by base_url at
 * date, the signature in header (X-Essaim-Signature for GETs,
 * X-Essaim-Message-Signature for messages). */
void fed_headers(const unsigned char sk[64], const char *base_url,
                 const char *date, const struct buf *text,
                 const char *header, char hdr[3][320]);

/* ---- peers (administrators) ---- */

/* fed_peer_add: register {url, token?} (admins): 201 the peer. The peer
 * is pulled at the puller's next round. RC_CONFLICT when the URL is
 * registered already. */
enum rc fed_peer_add(struct db *db, const struct viewer *v, json_t *in,
                     json_t *errs, json_t **out);

/* fed_peer_list: {total, results[peer]}: each peer with its sync state
 * (last_ok_at, last_error, stale, documents, accepted, rejected). */
enum rc fed_peer_list(struct db *db, const struct viewer *v, long stale_s,
                      json_t **out);

/* fed_peer_delete: forget a peer and every document it sent. */
enum rc fed_peer_delete(struct db *db, const struct viewer *v,
                        const char *id);

/* fed_peer_resync: forget the peer's cursor: its next pull starts from
 * the beginning (and drops what the peer no longer sends). */
enum rc fed_peer_resync(struct db *db, const struct viewer *v,
                        const char *id);

/* fed_token_issue: a new token for a peer instance named name (admins):
 * a `peer` account and a session that lasts ten years; *out {token,
 * account_id}. Shown once. */
enum rc fed_token_issue(struct db *db, const struct viewer *v, json_t *in,
                        json_t *errs, json_t **out);

/* fed_peers_stale: how many peers have not been pulled successfully for
 * stale_s seconds (for /metrics), and *total peers. */
enum rc fed_peers_stale(struct db *db, long stale_s, long *stale,
                        long *total);

/* fed_origins: for the search results: of each remote cooperative id
 * (cooperative.peer_id not NULL), the peer's {url, name, synced_at,
 * stale}. A new object keyed by the cooperative id; {} when none. */
enum rc fed_origins(struct db *db, long stale_s, json_t **out);

/* ---- pulling ---- */

struct fed_pull_opts {
    const struct fed_self *self; /* who signs the requests */
    atomic_int *stop;            /* set: stop between two pages (a server
                                    stopping); NULL: never */
    long timeout_s;              /* one HTTP request, whole */
    long max_bytes;              /* one page of the feed */
    int page;                    /* changes asked per page */
};

struct fed_pull_stats {
    long pages, accepted, deleted, rejected;
    long waiting;    /* offers kept waiting for their owner (fed_pending) */
    int more;        /* stopped at FED_PAGES_PER_PULL: more to pull */
    char error[256]; /* why the pull failed, "" if it did not */
};

/* fed_pull: pull peer id once: its descriptor when its key is unknown,
 * then its feed from its cursor until the end (or FED_PAGES_PER_PULL
 * pages). Bad documents are counted in *st and skipped; the cursor moves
 * past them. RC_OK when the feed was read to its end; RC_UPSTREAM when
 * the peer failed (its backoff then grows). */
enum rc fed_pull(struct db *db, long long id, const struct fed_pull_opts *o,
                 struct fed_pull_stats *st);

/* fed_apply: apply data, one document as peer id would send it (a page
 * of its change feed, or its descriptor when it has a base_url), as
 * fed_pull does; for the fuzz target (tests/fuzz/fuzz_federation.c).
 * RC_UPSTREAM (why in st->error) for a document that is not one. */
enum rc fed_apply(struct db *db, long long id, const char *data, size_t len,
                  struct fed_pull_stats *st);

/* fed_pull_due: pull every peer whose next pull time has come (and set
 * the next one: interval_s after a success, doubling backoff after a
 * failure, at most an hour). *pulled counts the peers pulled. */
enum rc fed_pull_due(struct db *db, const struct fed_pull_opts *o,
                     long interval_s, long long now, int *pulled);

/* The background puller of a server: a thread with its own connection
 * that runs fed_pull_due every second or so. */
struct fed_puller;
struct fed_puller_config {
    const char *db_path;
    struct db_opts db;
    struct fed_self self;
    long interval_s;  /* ESSAIM_SYNC_INTERVAL_S */
    long timeout_s;   /* one request */
};
struct fed_puller *fed_puller_start(const struct fed_puller_config *c);
void fed_puller_stop(struct fed_puller *p);
/* fed_puller_kick: pull now (after a peer was added). */
void fed_puller_kick(struct fed_puller *p);

/* ---- messages to peers (fed_msg.c) ----
 *
 * What one instance tells another (a client request for some of its
 * entrepreneurs, their answers, the outcome) goes as a signed POST of a
 * JSON body. The signature is the one of the signed GETs (fed_sign) over
 * a text that also holds the body's SHA-256:
 *
 *   "POST\n" path "\n" date "\n" instance "\n" hex(sha256(body))
 *
 * in the headers X-Essaim-Instance, X-Essaim-Date and
 * X-Essaim-Message-Signature (a header of its own: X-Essaim-Signature
 * stands for a signed GET at the server's door, server/srv.c).
 *
 * A message is queued (fed_msg_queue) in the transaction of the change
 * that causes it, then sent by a delivery thread: one message at a time
 * per peer, in the order queued (an answer never overtakes the request
 * it answers). A peer that is down or refuses for a while (5xx, 401,
 * 403, no answer) gets it again after retry_s, doubling up to an hour,
 * FED_MSG_ATTEMPTS times; a peer that says the message itself is wrong
 * (400, 404, 409, 413, 415, 422) does not. A peer that pulls us is up:
 * its waiting messages go at once (fed_msg_peer_up). */
#define FED_MSG_ATTEMPTS 48  /* about two days at the hourly cap */
#define FED_MSG_REPLY_BYTES (64L << 10)

/* fed_msg_queue: queue body (JSON, not stolen) for peer at path (after
 * its base URL: "/federation/v1/requests"), about request_id (0: none;
 * the message goes when the request is erased), in the caller's
 * transaction. */
enum rc fed_msg_queue(struct db *db, long long peer, long long request_id,
                      const char *path, json_t *body);

/* fed_msg_sign: the three header lines that sign a POST of body to path
 * (as the receiving server sees it) by the instance at base_url at time
 * now, into hdr[0..2]. Pure. */
void fed_msg_sign(const unsigned char sk[64], const char *base_url,
                  const char *path, const char *body, size_t len,
                  long long now, char hdr[3][320]);

/* fed_msg_verify: who sent a signed message: *peer, the id of the peer
 * registered here whose descriptor's base URL is instance and whose key
 * signed path, date and body, within FED_SIGN_SKEW_S of now. Any header
 * may be NULL (absent). RC_UNAUTHORIZED for a missing header, a stale
 * date or a signature that does not hold; RC_FORBIDDEN for an instance
 * that is not a peer registered here (or whose key we have not read
 * yet). why says which, for the answer. */
enum rc fed_msg_verify(struct db *db, const char *path, const char *instance,
                       const char *date, const char *signature,
                       const char *body, size_t len, long long now,
                       long long *peer, char *why, size_t whysize);

/* fed_msg_peer_up: peer (by its base URL) has just reached us: its
 * waiting messages are due now. 1 if it has some. */
int fed_msg_peer_up(struct db *db, const char *origin);

/* The statements of the queue (tests prepare them all). */
extern const char *const fed_msg_sql[];

/* fed_msg_pending: how many messages wait (for the sender, and tests). */
enum rc fed_msg_pending(struct db *db, long *pending, long long *next_at);

/* fed_msg_send_due: one delivery pass: send each peer's oldest waiting
 * message when due, again while they are accepted (at most limit sends),
 * as the instance at base_url, each POST within timeout_s. *sent (may be
 * NULL) counts the accepted ones. */
enum rc fed_msg_send_due(struct db *db, const char *base_url,
                         long timeout_s, long retry_s, int limit, int *sent);

/* The delivery thread of a database: started (or woken) by
 * fed_sender_kick after a commit that queued messages, it sends what is
 * due, sleeps until the next retry, and ends when nothing waits. One per
 * database file; fed_sender_stop(path) (NULL: all) stops and joins it. */
struct fed_sender_config {
    const char *db_path;
    struct db_opts db;
    const char *base_url; /* this instance, as it signs */
    long timeout_s;       /* one POST, whole */
    long retry_s;         /* first retry; doubles up to an hour */
};
void fed_sender_kick(const struct fed_sender_config *c);
void fed_sender_stop(const char *db_path);

/* ---- open data ---- */

/* fed_export: the local public profiles as GeoJSON (format "geojson") or
 * JSON-LD with schema.org (format "jsonld"), with licence; optional
 * département filter (NULL for all). RC_INVALID for an unknown format. */
enum rc fed_export(struct db *db, const struct fed_self *self,
                   const char *format, const char *licence,
                   const char *departement, json_t *errs, json_t **out);

#endif
