/*
 * outbox.h: e-mails that are never lost: written to the outbox table in
 * the transaction of the change that causes them, then sent over SMTP by
 * one delivery thread, with retries and backoff.
 *
 * A message is 'pending' until the SMTP server accepts it ('sent'), or
 * until it has failed max_attempts times ('failed', kept for the record).
 * An SMTP outage or a restart loses nothing: the rows wait. Nothing is
 * sent twice in normal operation: a row is marked sent in the moment
 * after the server's acceptance; only a crash inside that moment can
 * send it again at the restart, under the same Message-ID (a receiver
 * can tell it is the same message).
 *
 * outbox_add() runs in the caller's transaction (thread-safe given one
 * struct db per thread); outbox_start() starts the thread, which opens
 * its own connection.
 */
#ifndef ESSAIM_OUTBOX_H
#define ESSAIM_OUTBOX_H

#include "../store/db.h"

struct outbox_opts {
    const char *db;          /* database file (the thread's connection) */
    struct db_opts dbo;      /* how to open it */
    const char *smtp_url;    /* smtp://host:port, smtps://...; "" none */
    const char *from;        /* From address: "essaim@example.org" */
    int retry_s;             /* first retry after this; doubles */
    int max_attempts;        /* then 'failed' */
    int poll_ms;             /* look for due messages this often */
};

/* outbox_add: queue a plain-text UTF-8 message to one address, in the
 * caller's transaction. request_id (0: none) ties it to a request (it
 * goes when the request is erased). */
enum rc outbox_add(struct db *db, const char *to, const char *subject,
                   const char *body, long long request_id);

/* outbox_add_entrepreneur: the same message to every account of
 * entrepreneur ent (none: nothing queued), tied to a request or a group
 * (0: none; it goes when they are erased). */
enum rc outbox_add_entrepreneur(struct db *db, long long ent,
                                const char *subject, const char *body,
                                long long request_id, long long group_id);

/* outbox_send_due: one delivery pass on db: send every due message (at
 * most limit), record each result. *sent (may be NULL) counts
 * successes. The delivery thread calls it; tests call it directly. */
enum rc outbox_send_due(struct db *db, const struct outbox_opts *o,
                        int limit, int *sent);

/* outbox_start: start the delivery thread (no-op returning 0 when
 * smtp_url is empty). o is copied; its strings must outlive the thread.
 * -1 if the thread cannot start. */
int outbox_start(const struct outbox_opts *o);

/* outbox_poke: wake the thread now (after a commit that queued mail). */
void outbox_poke(void);

/* outbox_stop: stop the thread and wait for it (no-op if not started). */
void outbox_stop(void);

#endif
