/*
 * timebank.h: contribution-temps, the ledger of mutual-help hours between
 * the entrepreneurs of the cooperatives: posts of help offered and
 * needed, transfers of hours recorded by one side and confirmed by the
 * other, a double-entry ledger, limits per account, per cooperative and
 * between two cooperatives, accounts and cooperative reports.
 *
 * Direction. A transfer moves hours `from` the entrepreneur who RECEIVED
 * the help (the payer: their balance goes down) `to` the one who HELPED
 * (the earner: their balance goes up). Either side records it; the other
 * side (the counterparty) confirms or rejects it; only a confirmed
 * transfer moves balances.
 *
 * Amounts. Inside, every amount is an integer number of quarter-hours
 * (1 h = 4): no floating point in the ledger. The API shows hours as a
 * number (2, 1.5, 0.25) and accepts a positive multiple of 0.25.
 *
 * Double entry. Confirming writes two movements (payer -amount, earner
 * +amount) with the status change, in one transaction; an account's
 * balance is the sum of its movements (a balance column is kept in step
 * in the same transaction), and the sum of all balances is zero.
 *
 * Limits (hours, set per cooperative, PATCH /cooperatives/{id}/time):
 *   account_min, account_max  every member's balance (default -20, +40);
 *   coop_min, coop_max        the sum of the members' balances (default:
 *                             none);
 *   pair_max                  the absolute net balance of the exchanges
 *                             between this cooperative and any other one
 *                             (default 100); a pair's cap is the smaller
 *                             of the two cooperatives' pair_max.
 * A transfer is refused (409, naming the limit) when it would take the
 * payer under its account_min, the earner over its account_max, the
 * payer's cooperative under coop_min or the earner's over coop_max (two
 * cooperatives only), or the pair's net beyond the pair's cap. A value
 * already outside its range (a limit lowered since) may only move back
 * toward it. Checked when a transfer is recorded (a hopeless one is
 * refused at once) and, authoritatively, when it is confirmed, in the
 * confirming write transaction.
 *
 * Who: entrepreneurs post and record their own; the counterparty answers;
 * an account is read by the entrepreneur, their cooperative's staff and
 * administrators; a cooperative's report and limits by its staff and
 * administrators (util/viewer.c). Posts are read by whoever may see the
 * author's profile, and edited, closed or deleted by those who may edit
 * it (the author, their cooperative's staff, administrators:
 * viewer_can_edit_entrepreneur, as an entrepreneur's offer). Open posts
 * are found by the search engine too (search/search_item.h, kind=post).
 *
 * Ownership: *out values are new references. Thread-safe given one
 * struct db per thread; the pure functions are thread-safe.
 */
#ifndef ESSAIM_TIMEBANK_H
#define ESSAIM_TIMEBANK_H

#include <jansson.h>
#include <stddef.h>

#include "../directory/dir_person.h"
#include "../store/db.h"

struct viewer;

#define TIMEBANK_Q              4       /* quarter-hours per hour */
#define TIMEBANK_TRANSFER_MAX_H 8       /* default cap per transfer */
#define TIMEBANK_ACCOUNT_MIN_H  (-20)   /* default account_min */
#define TIMEBANK_ACCOUNT_MAX_H  40      /* default account_max */
#define TIMEBANK_PAIR_MAX_H     100     /* default pair_max */
#define TIMEBANK_LIMIT_MAX_H    1000000 /* largest magnitude of a limit */
#define TIMEBANK_KEY_HOURS      24      /* Idempotency-Key kept this long */
#define TIMEBANK_KEY_MAX        255     /* its length, bytes */
#define TIMEBANK_TITLE_MAX      200
#define TIMEBANK_TEXT_MAX       5000 /* a post's description */
#define TIMEBANK_NOTE_MAX       500  /* a transfer's note */
#define TIMEBANK_REASON_MAX     500  /* a rejection's reason */
#define TIMEBANK_TRADES_MAX     20

/* Settings from server/config (api_time.c fills them per request). */
struct timebank_config {
    long long transfer_max; /* quarter-hours per transfer; <= 0: 8 h */
    const char *public_url; /* links in e-mails; NULL or "": localhost */
};

/* ---------------------------------------------------------------- pure */

/* timebank_hours_parse: v, a JSON number of hours, to quarter-hours in
 * *q: positive, a multiple of 0.25, at most max_q quarter-hours (<= 0:
 * no cap). 0 on success; -1 with a reason in why (English, for an error
 * message: "must be a multiple of 0.25 hours (a quarter of an hour)"). */
int timebank_hours_parse(json_t *v, long long max_q, long long *q, char *why,
                         size_t size);

/* timebank_limit_parse: the same for a limit: any sign, 0 allowed, at
 * most TIMEBANK_LIMIT_MAX_H in magnitude. */
int timebank_limit_parse(json_t *v, long long *q, char *why, size_t size);

/* timebank_hours_json: quarter-hours q as a new JSON number of hours: an
 * integer when whole (2), else a real (1.5, -0.25). */
json_t *timebank_hours_json(long long q);

/* timebank_hours_text: q as text into buf: "2", "-1.5", "0.25"; french:
 * with a decimal comma ("1,5"). */
void timebank_hours_text(long long q, int french, char *buf, size_t size);

/* The limits of one cooperative, in quarter-hours. */
struct timebank_limits {
    long long account_min, account_max;
    int has_coop_min, has_coop_max; /* 0: no bound */
    long long coop_min, coop_max;
    long long pair_max;
};

/* timebank_limits_default: the limits of a cooperative that set none. */
void timebank_limits_default(struct timebank_limits *l);

/* What a transfer of `amount` would change, read in the transaction. */
struct timebank_state {
    long long amount;                 /* quarter-hours, > 0 */
    long long payer_balance;          /* `from` */
    long long earner_balance;         /* `to` */
    struct timebank_limits payer_lim; /* of the payer's cooperative */
    struct timebank_limits earner_lim;
    int same_coop;            /* both in one cooperative */
    long long payer_coop_sum; /* sums of the members' balances */
    long long earner_coop_sum;
    long long pair_net; /* the payer's cooperative's net with
                           the earner's: hours its members
                           earned from theirs minus hours
                           they paid them */
};

enum timebank_limit {
    TIMEBANK_ACCOUNT_MIN = 0, /* the payer's balance */
    TIMEBANK_ACCOUNT_MAX,     /* the earner's balance */
    TIMEBANK_COOP_MIN,        /* the payer's cooperative's sum */
    TIMEBANK_COOP_MAX,        /* the earner's cooperative's sum */
    TIMEBANK_PAIR_MAX         /* the net between the two cooperatives */
};

/* A limit a transfer would pass. */
struct timebank_breach {
    enum timebank_limit limit;
    long long now;   /* the value before the transfer */
    long long after; /* and after */
    long long bound; /* the limit (for pair_max: the pair's cap, > 0) */
};

/* timebank_limits_check: the limits s->amount would pass, in the order
 * of enum timebank_limit, into out (at most max); returns how many (0:
 * the transfer is within every limit). */
size_t timebank_limits_check(const struct timebank_state *s,
                             struct timebank_breach *out, size_t max);

/* timebank_limit_name: "account_min"... (the field of the settings). */
const char *timebank_limit_name(enum timebank_limit l);

/* ------------------------------------------------------------- posts */

/* timebank_post_create: POST /time/posts {kind (offer|need), title,
 * description, trades[], place (as a profile's location; default: the
 * author's), from, until (dates; until not past, not before from)} by
 * an entrepreneur for themself. 401 anonymous, 403 other roles. */
enum rc timebank_post_create(struct db *db, const struct viewer *v, json_t *in,
                             json_t *errs, json_t **out);

/* timebank_post_get: GET /time/posts/{id}, when v may see its author
 * (RC_NOTFOUND otherwise), whatever its status. */
enum rc timebank_post_get(struct db *db, const struct viewer *v, const char *id,
                          json_t **out);

/* timebank_post_update: PATCH /time/posts/{id} {kind, title,
 * description, trades, place, from, until, status (open|closed)}: the
 * fields given replace the post's (null removes an optional one; place
 * null: the author's location), and the result is checked as at
 * creation, except that an `until` already past may stay when the patch
 * does not give it (a post that ended can still be closed). By the
 * author, their cooperative's staff and administrators: RC_UNAUTHORIZED
 * anonymous, RC_NOTFOUND when v may not see the author, RC_FORBIDDEN
 * when v sees it but may not edit it. Answers the post. */
enum rc timebank_post_update(struct db *db, const struct viewer *v,
                             const char *id, json_t *in, json_t *errs,
                             json_t **out);

/* timebank_post_delete: DELETE /time/posts/{id}, by the same people as
 * timebank_post_update (same codes). The transfers that named it keep
 * working, their post_id set to null. */
enum rc timebank_post_delete(struct db *db, const struct viewer *v,
                             const char *id);

/* Filters of GET /time/posts ("" or NULL: none). */
struct timebank_post_filter {
    const char *kind;        /* offer, need */
    const char *trade;       /* a code or its beginning: F16, rome:F1603 */
    const char *departement; /* of the place: 44, 2A, 974 */
    const char *cooperative; /* the author's cooperative id */
    const char *author;      /* the author's entrepreneur id */
    const char *status;      /* open (default: open posts whose `until`
                                has not passed), closed, or all (every
                                post, ended ones too) */
};

/* timebank_post_list: the posts whose authors v may see, newest first,
 * by default the open ones whose `until` has not passed (status).
 * {total, results, next_cursor}. Bad filters: RC_INVALID naming the
 * parameter. Each post says whether v may edit it (can_edit). */
enum rc timebank_post_list(struct db *db, const struct viewer *v,
                           const struct timebank_post_filter *f, int limit,
                           const char *cursor, json_t *errs, json_t **out);

/* --------------------------------------------------------- transfers */

/* timebank_transfer_create: POST /time/transfers {from, to, hours, note,
 * post_id} by one side (401 anonymous, 403 anyone else): a pending
 * transfer, the counterparty told (inbox and e-mail). key: the
 * Idempotency-Key header (NULL: none): the same key from the same
 * account with the same checked body answers the same transfer with
 * *replayed 1; with another body RC_CONFLICT naming Idempotency-Key.
 * Keys are kept TIMEBANK_KEY_HOURS. RC_INVALID naming the fields;
 * RC_CONFLICT naming a limit it would pass already. */
enum rc timebank_transfer_create(struct db *db, const struct viewer *v,
                                 const struct timebank_config *cfg, json_t *in,
                                 const char *key, json_t *errs, json_t **out,
                                 int *replayed);

/* timebank_transfer_get: GET /time/transfers/{id}: its two sides, their
 * cooperatives' staff and administrators (RC_NOTFOUND otherwise). */
enum rc timebank_transfer_get(struct db *db, const struct viewer *v,
                              const char *id, json_t **out);

/* timebank_transfer_answer: POST /time/transfers/{id}/confirm ({})
 * (confirm 1) or /reject ({reason}) (confirm 0), by the counterparty
 * only (RC_FORBIDDEN otherwise; RC_UNAUTHORIZED anonymous). RC_CONFLICT
 * when not pending (naming status) or, confirming, when a limit would be
 * passed (naming it; nothing written). The recorder is told. */
enum rc timebank_transfer_answer(struct db *db, const struct viewer *v,
                                 const struct timebank_config *cfg,
                                 const char *id, int confirm, json_t *in,
                                 json_t *errs, json_t **out);

/* ----------------------------------------------------------- reading */

/* timebank_account_get: GET /time/accounts/{id}?limit=&cursor= {id,
 * name, cooperative, balance, limits {min, max}, given, received,
 * history [movements, newest first], next_cursor, pending [transfers]}:
 * the entrepreneur, their cooperative's staff, administrators (403
 * others who see the profile; 404 others). */
enum rc timebank_account_get(struct db *db, const struct viewer *v,
                             const char *id, int limit, const char *cursor,
                             json_t *errs, json_t **out);

/* timebank_report: GET /cooperatives/{id}/time?from=&to= (dates,
 * inclusive; absent: unbounded): hours given and received by its
 * members, active members, exchanges with each other cooperative,
 * pending transfers, limits. Its staff and administrators. */
enum rc timebank_report(struct db *db, const struct viewer *v, const char *coop,
                        const char *from, const char *to, json_t *errs,
                        json_t **out);

/* timebank_limits_patch: PATCH /cooperatives/{id}/time {account_min,
 * account_max, coop_min, coop_max, pair_max} (hours; null: back to the
 * default): its staff and administrators. Answers the limits. */
enum rc timebank_limits_patch(struct db *db, const struct viewer *v,
                              const char *coop, json_t *in, json_t *errs,
                              json_t **out);

/* ======================================================================
 * Storage (timebank_db.c), for timebank.c and the tests only: every SQL
 * statement of the module. Tables time_* of store/db_schema.c
 * (migration 9 -> 10). Functions run in the caller's transaction.
 */

/* A transfer row. */
struct timebank_transfer_row {
    long long id, from, to, amount, post_id, recorded_by;
    long long recorded_account; /* 0: none */
    char status[12];            /* pending, confirmed, rejected, cancelled */
    char note[2048];            /* "" none */
    char reason[2048];          /* "" none */
    char created_at[24], answered_at[24]; /* "" none */
};

/* A post row. */
struct timebank_post_row {
    long long id, entrepreneur_id;
    char kind[8];
    char status[8];
    json_t *doc; /* owned: the stored document */
    char created_at[24], updated_at[24];
};

/* timebank_db_coop: the name of cooperative id (RC_NOTFOUND). */
enum rc timebank_db_coop(struct db *db, long long id, char *name, size_t size);

/* timebank_db_location: the location object of entrepreneur id's
 * profile (new reference; RC_NOTFOUND). */
enum rc timebank_db_location(struct db *db, long long id, json_t **out);

/* timebank_db_limits: cooperative coop's limits (the defaults when it
 * set none). */
enum rc timebank_db_limits(struct db *db, long long coop,
                           struct timebank_limits *l);

/* timebank_db_limits_set: write them, by account (0: none). */
enum rc timebank_db_limits_set(struct db *db, long long coop,
                               const struct timebank_limits *l,
                               long long account);

/* timebank_db_balance: account id's balance (0 when it has none yet). */
enum rc timebank_db_balance(struct db *db, long long id, long long *bal);

/* timebank_db_coop_sum: the sum of the balances of coop's members. */
enum rc timebank_db_coop_sum(struct db *db, long long coop, long long *sum);

/* timebank_db_pair_net: hours coop's members earned from other's minus
 * hours they paid them, over every movement. */
enum rc timebank_db_pair_net(struct db *db, long long coop, long long other,
                             long long *net);

/* timebank_db_transfer: transfer id into t (RC_NOTFOUND). */
enum rc timebank_db_transfer(struct db *db, long long id,
                             struct timebank_transfer_row *t);

/* timebank_db_transfer_insert: a new pending transfer from t (id,
 * status, dates ignored); *id its id. */
enum rc timebank_db_transfer_insert(struct db *db,
                                    const struct timebank_transfer_row *t,
                                    long long *id);

/* timebank_db_transfer_set: transfer id, pending, to status (with
 * reason, NULL: none) and answered_at now. RC_CONFLICT when it was not
 * pending any more. */
enum rc timebank_db_transfer_set(struct db *db, long long id,
                                 const char *status, const char *reason);

/* timebank_db_move: one movement of a confirmed transfer: amount
 * (signed) to account (created when new, in cooperative coop), whose
 * counterparty is other of other_coop; the balance kept in step. */
enum rc timebank_db_move(struct db *db, long long transfer, long long account,
                         long long coop, long long other, long long other_coop,
                         long long amount);

/* timebank_db_touch: a new change number on entrepreneur ent, so that
 * the search's in-memory table reloads it (the hours they earned
 * helping others weigh in the ranking). */
enum rc timebank_db_touch(struct db *db, long long ent);

/* timebank_db_idem_get: the transfer recorded by account under key in
 * the last TIMEBANK_KEY_HOURS (*transfer 0: none) and the hash of its
 * body (32 bytes). */
enum rc timebank_db_idem_get(struct db *db, long long account, const char *key,
                             long long *transfer, unsigned char hash[32]);

/* timebank_db_idem_put: remember key -> transfer; forget keys older than
 * TIMEBANK_KEY_HOURS. */
enum rc timebank_db_idem_put(struct db *db, long long account, const char *key,
                             const unsigned char hash[32], long long transfer);

/* timebank_db_notify: an inbox line for entrepreneur ent about transfer
 * (its id, shown with the line so that the inbox links to it). */
enum rc timebank_db_notify(struct db *db, long long ent, const char *kind,
                           long long transfer, const char *text);

/* timebank_db_post_insert: a new post by ent with its document, place
 * and trades (the clean document's); *id its id. */
enum rc timebank_db_post_insert(struct db *db, long long ent, json_t *doc,
                                const char *insee, const char *departement,
                                long long *id);

/* timebank_db_post_update: post id's document, place, trades and
 * status replaced (a new change number; updated_at now). */
enum rc timebank_db_post_update(struct db *db, long long id, json_t *doc,
                                const char *insee, const char *departement,
                                const char *status);

/* timebank_db_post_delete: delete post id (its trades with it; the
 * transfers that named it keep a null post_id). RC_NOTFOUND when none. */
enum rc timebank_db_post_delete(struct db *db, long long id);

/* timebank_db_post: post id into p (free p->doc; RC_NOTFOUND). */
enum rc timebank_db_post(struct db *db, long long id,
                         struct timebank_post_row *p);

/* timebank_db_post_list: the ids of the posts v may see (through the
 * author's profile), filtered (trade: scheme "" for any, code a
 * beginning; coop, author 0: any; status "open": open and not ended by
 * today, "closed", "": any), newest first, under before (0: from the
 * top), at most limit into ids; *n how many, *total all of them. */
enum rc timebank_db_post_list(struct db *db, const struct viewer *v,
                              const char *kind, const char *scheme,
                              const char *code, const char *departement,
                              long long coop, long long author,
                              const char *status, const char *today,
                              long long before, int limit, long long *ids,
                              int *n, long long *total);

/* timebank_db_history: account id's movements, newest first, under
 * before (0: from the top), at most limit: a new array of rows {id,
 * transfer_id, amount, balance_after, at, other_id, other_coop_id,
 * note, post_id} (amounts in quarter-hours, JSON integers); *more when
 * there are others after them. */
enum rc timebank_db_history(struct db *db, long long id, long long before,
                            int limit, json_t **out, int *more);

/* timebank_db_totals: account id's hours earned (*given) and paid
 * (*received), over every movement, in quarter-hours. */
enum rc timebank_db_totals(struct db *db, long long id, long long *given,
                           long long *received);

/* timebank_db_pending: the ids of the pending transfers of entrepreneur
 * id (either side), newest first, at most max into ids; *n. */
enum rc timebank_db_pending(struct db *db, long long id, long long *ids,
                            int max, int *n);

/* timebank_db_report: the figures of cooperative coop for movements at
 * from <= at < to (ISO strings): a new object {given, received,
 * internal, transfers, active_members, members, balance, pending,
 * exchanges: [{cooperative_id, given, received, net_all_time}]}, amounts
 * in quarter-hours (JSON integers). */
enum rc timebank_db_report(struct db *db, long long coop, const char *from,
                           const char *to, json_t **out);

#endif
