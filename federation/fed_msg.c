/*
 * fed_msg.c: messages to peer instances (fed.h): signed POSTs, queued in
 * the fed_message table with the change that causes them, sent by one
 * delivery thread per database with retries. What a message means is the
 * caller's business (matching/request.c); this file only signs, queues,
 * sends, and checks who sent what it receives.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/buf.h"
#include "../util/log.h"
#include "fed.h"

#define BACKOFF_MAX_S 3600
#define SENDERS_MAX 32

static const char sql_add[] =
    "INSERT INTO fed_message(peer_id, request_id, path, body)"
    " VALUES(?1, ?2, ?3, ?4)";
/* Each peer's oldest waiting message, when due: one queue per peer, so a
 * peer that is down holds back only its own messages. */
static const char sql_due[] =
    "SELECT m.id, p.url, m.path, m.body, m.attempts FROM fed_message m"
    " JOIN peer p ON p.id = m.peer_id WHERE m.status = 'pending'"
    " AND m.next_at <= ?1 AND m.id = (SELECT min(id) FROM fed_message"
    " WHERE peer_id = m.peer_id AND status = 'pending')"
    " ORDER BY m.id LIMIT ?2";
static const char sql_sent[] =
    "UPDATE fed_message SET status = 'sent', attempts = attempts + 1,"
    " sent_at = strftime('%Y-%m-%dT%H:%M:%SZ','now'), last_error = NULL"
    " WHERE id = ?1";
static const char sql_failed[] =
    "UPDATE fed_message SET attempts = attempts + 1, last_error = ?2,"
    " next_at = ?3, status = CASE WHEN ?4 OR attempts + 1 >= ?5"
    " THEN 'failed' ELSE 'pending' END WHERE id = ?1";
static const char sql_pending[] =
    "SELECT count(*), coalesce(min(next_at), 0) FROM fed_message"
    " WHERE status = 'pending'";
static const char sql_peer_up[] =
    "UPDATE fed_message SET next_at = 0 WHERE status = 'pending'"
    " AND peer_id = (SELECT id FROM peer WHERE origin = ?1)";
const char *const fed_msg_sql[] = {sql_add,     sql_due,     sql_sent,
                                   sql_failed,  sql_pending, sql_peer_up,
                                   NULL};

/* ------------------------------------------------------------- queueing */

enum rc fed_msg_queue(struct db *db, long long peer, long long request_id,
                      const char *path, json_t *body)
{
    sqlite3_stmt *st;
    char *text = json_dumps(body, JSON_COMPACT);

    if (!text) return RC_NOMEM;
    st = db_stmt(db, sql_add);
    if (!st) {
        free(text);
        return RC_DB;
    }
    sqlite3_bind_int64(st, 1, peer);
    db_bind_id(st, 2, request_id);
    sqlite3_bind_text(st, 3, path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, text, -1, free);
    return db_step_done(db, st);
}

/* ------------------------------------------------------------- signing */

/* signed_text: what a message's signature covers (fed.h). */
static void signed_text(struct buf *b, const char *path, const char *date,
                        const char *instance, const char *body, size_t len)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * sizeof h + 1];

    crypto_hash_sha256(h, (const unsigned char *)body, len);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    buf_addf(b, "POST\n%s\n%s\n%s\n%s", path, date, instance, hex);
}

void fed_msg_sign(const unsigned char sk[64], const char *base_url,
                  const char *path, const char *body, size_t len,
                  long long now, char hdr[3][320])
{
    char date[24];
    struct buf text = {0};

    snprintf(date, sizeof date, "%lld", now);
    signed_text(&text, path, date, base_url, body, len);
    fed_headers(sk, base_url, date, &text, "X-Essaim-Message-Signature", hdr);
    buf_free(&text);
}

enum rc fed_msg_verify(struct db *db, const char *path, const char *instance,
                       const char *date, const char *signature,
                       const char *body, size_t len, long long now,
                       long long *peer, char *why, size_t whysize)
{
    unsigned char pk[32];
    struct buf text = {0};
    long long id;
    enum rc rc;

    *peer = 0;
    if (!instance || !date || !signature) {
        snprintf(why, whysize,
                 "a message must be signed: X-Essaim-Instance, "
                 "X-Essaim-Date and X-Essaim-Message-Signature are "
                 "required");
        return RC_UNAUTHORIZED;
    }
    rc = fed_peer_key(db, instance, &id, pk);
    if (rc != RC_OK) return rc;
    if (!id) {
        snprintf(why, whysize,
                 "X-Essaim-Instance: %.200s is not a peer registered here"
                 " (or its key is not known yet): its administrator and"
                 " ours register each other",
                 instance);
        return RC_FORBIDDEN;
    }
    if (!fed_fresh(date, now)) {
        snprintf(why, whysize,
                 "X-Essaim-Date must be unix seconds within %d s of ours",
                 FED_SIGN_SKEW_S);
        return RC_UNAUTHORIZED;
    }
    signed_text(&text, path, date, instance, body, len);
    rc = !buf_str(&text)                   ? RC_NOMEM
         : fed_holds(pk, signature, &text) ? RC_OK
                                           : RC_UNAUTHORIZED;
    buf_free(&text);
    if (rc == RC_UNAUTHORIZED)
        snprintf(why, whysize,
                 "X-Essaim-Message-Signature does not hold for this path,"
                 " date, instance and body");
    if (rc == RC_OK) *peer = id;
    return rc;
}

/* -------------------------------------------------------------- sending */

int fed_msg_peer_up(struct db *db, const char *origin)
{
    sqlite3_stmt *st;
    enum rc rc = db_begin(db);

    if (rc != RC_OK) return 0;
    st = db_stmt(db, sql_peer_up);
    if (!st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
        rc = db_step_done(db, st);
    }
    if (rc == RC_OK) rc = db_commit(db);
    else db_rollback(db);
    return rc == RC_OK && sqlite3_changes(db_handle(db)) > 0;
}

enum rc fed_msg_pending(struct db *db, long *pending, long long *next_at)
{
    sqlite3_stmt *st = db_stmt(db, sql_pending);
    int src;

    *pending = 0;
    *next_at = 0;
    if (!st) return RC_DB;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *pending = (long)sqlite3_column_int64(st, 0);
        *next_at = sqlite3_column_int64(st, 1);
    }
    db_stmt_done(st);
    return src == SQLITE_ROW ? RC_OK : db_rc(db, src);
}

struct reply {
    struct buf b;
    long max;
};

/* on_data: keep at most max bytes of the answer (we only log it). */
static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
    struct reply *r = arg;
    size_t k = size * n;

    if ((long)(r->b.len + k) > r->max) return 0;
    buf_add(&r->b, p, k);
    return k;
}

/* post: POST body to url with headers; the HTTP status, or 0 after a
 * network failure (why in err). The answer's start is kept in err on a
 * status other than 2xx. */
static long post(const char *url, char hdr[3][320], const char *body,
                 long timeout_s, char *err, size_t errsize)
{
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    struct reply r = {{0}, FED_MSG_REPLY_BYTES};
    char ebuf[CURL_ERROR_SIZE] = "";
    CURLcode res;
    long status = 0;
    int i;

    *err = 0;
    if (!c) {
        snprintf(err, errsize, "out of memory");
        return 0;
    }
    h = curl_slist_append(h, "Content-Type: application/json");
    for (i = 0; i < 3; i++) h = curl_slist_append(h, hdr[i]);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                     (curl_off_t)strlen(body));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout_s < 10 ? timeout_s
                                                               : 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    /* A signed POST is not followed elsewhere: the signature names the
     * path it was meant for. */
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    res = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (res != CURLE_OK) {
        snprintf(err, errsize, "%s", *ebuf ? ebuf : curl_easy_strerror(res));
        status = 0;
    } else if (status < 200 || status > 299) {
        snprintf(err, errsize, "HTTP %ld: %.200s", status,
                 r.b.len ? buf_str(&r.b) : "");
    }
    buf_free(&r.b);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return status;
}

/* final: a refusal that says the message itself is wrong: sending it
 * again cannot help. */
static int final(long status)
{
    return status == 400 || status == 404 || status == 409 ||
           status == 413 || status == 415 || status == 422;
}

/* A message taken out of the queue (no transaction is held while the
 * network is used). */
struct due {
    long long id;
    char url[1024], path[512];
    char *body;
    int attempts;
};

/* next_due: the oldest due message of some peer, *found 0 when none. */
static enum rc next_due(struct db *db, long long now, struct due *d,
                        int *found)
{
    sqlite3_stmt *st = db_stmt(db, sql_due);
    int src;

    *found = 0;
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, 1);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        d->id = sqlite3_column_int64(st, 0);
        snprintf(d->url, sizeof d->url, "%s%s", db_text(st, 1),
                 db_text(st, 2));
        d->body = db_text_dup(st, 3);
        d->attempts = sqlite3_column_int(st, 4);
        /* The path as the peer's server sees it: its base URL's own
         * path, if any, then ours. */
        {
            const char *host = strstr(d->url, "://");
            const char *slash = host ? strchr(host + 3, '/') : NULL;

            snprintf(d->path, sizeof d->path, "%s", slash ? slash : "/");
        }
        *found = d->body != NULL;
    }
    db_stmt_done(st);
    if (src == SQLITE_ROW) return *found ? RC_OK : RC_NOMEM;
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* record: the outcome of one try. */
static enum rc record(struct db *db, const struct due *d, long status,
                      const char *err, long retry_s, long long now)
{
    sqlite3_stmt *st;
    long long wait = retry_s > 0 ? retry_s : 30;
    int i, ok = status >= 200 && status <= 299;
    enum rc rc = db_begin(db);

    if (rc != RC_OK) return rc;
    for (i = 0; i < d->attempts && wait < BACKOFF_MAX_S; i++) wait *= 2;
    if (wait > BACKOFF_MAX_S) wait = BACKOFF_MAX_S;
    st = db_stmt(db, ok ? sql_sent : sql_failed);
    if (!st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_int64(st, 1, d->id);
        if (!ok) {
            sqlite3_bind_text(st, 2, err, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 3, now + wait);
            sqlite3_bind_int(st, 4, final(status));
            sqlite3_bind_int(st, 5, FED_MSG_ATTEMPTS);
        }
        rc = db_step_done(db, st);
    }
    if (rc == RC_OK) rc = db_commit(db);
    else db_rollback(db);
    return rc;
}

enum rc fed_msg_send_due(struct db *db, const char *base_url,
                         long timeout_s, long retry_s, int limit, int *sent)
{
    unsigned char sk[64];
    struct due d;
    char hdr[3][320], err[512];
    int found = 1, n;
    long status;
    enum rc rc;

    if (sent) *sent = 0;
    rc = fed_secret_key(db, sk);
    for (n = 0; rc == RC_OK && n < limit; n++) {
        long long now = (long long)time(NULL);

        memset(&d, 0, sizeof d);
        rc = next_due(db, now, &d, &found);
        if (rc != RC_OK || !found) break;
        fed_msg_sign(sk, base_url, d.path, d.body, strlen(d.body), now, hdr);
        status = post(d.url, hdr, d.body, timeout_s > 0 ? timeout_s : 20,
                      err, sizeof err);
        if (status < 200 || status > 299)
            log_warn("federation: message %lld to %s not delivered: %s",
                     d.id, d.url, err);
        else if (sent)
            (*sent)++;
        rc = record(db, &d, status, err, retry_s, now);
        free(d.body);
    }
    sodium_memzero(sk, sizeof sk);
    return rc;
}

/* --------------------------------------------------------------- thread */

/* One sender per database file, under lock. A slot whose thread ended
 * by itself (nothing left to send) is joined when it is needed again. */
struct sender {
    char path[512];
    char base_url[320];
    char sync[16];
    struct db_opts dbo;
    long timeout_s, retry_s;
    pthread_t thread;
    int used;    /* the slot holds a thread, running or ended */
    int running; /* the thread has not ended */
    int stop, kicked;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct sender senders[SENDERS_MAX];

static void *run(void *arg)
{
    struct sender *s = arg;
    struct db *db = NULL;
    long pending = 0;
    long long next_at = 0;

    if (db_open(s->path, &s->dbo, &db) != RC_OK) {
        log_error("federation: cannot open %s: messages wait", s->path);
        db = NULL;
    }
    pthread_mutex_lock(&lock);
    while (db && !s->stop) {
        struct timespec ts;
        long long now, wait;

        s->kicked = 0;
        pthread_mutex_unlock(&lock);
        if (fed_msg_send_due(db, s->base_url, s->timeout_s, s->retry_s, 100,
                             NULL) != RC_OK)
            log_warn("federation: a delivery pass failed");
        if (fed_msg_pending(db, &pending, &next_at) != RC_OK) pending = 1;
        pthread_mutex_lock(&lock);
        if (s->stop || s->kicked) continue;
        if (!pending) break; /* kicked again when there is more */
        /* Until the next retry; a minute at most, so that a message
         * made due by fed_msg_peer_up on another connection is not left
         * waiting for an hour. */
        now = (long long)time(NULL);
        wait = next_at - now;
        if (wait < 1) wait = 1;
        if (wait > 60) wait = 60;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += (time_t)wait;
        pthread_cond_timedwait(&wake, &lock, &ts);
    }
    s->running = 0;
    pthread_mutex_unlock(&lock);
    db_close(db);
    return NULL;
}

void fed_sender_kick(const struct fed_sender_config *c)
{
    struct sender *s = NULL, *ended = NULL;
    int i;

    if (!c->db_path || !strcmp(c->db_path, ":memory:")) return;
    pthread_mutex_lock(&lock);
    for (i = 0; i < SENDERS_MAX && !s; i++)
        if (senders[i].used && !senders[i].stop &&
            !strcmp(senders[i].path, c->db_path))
            s = &senders[i];
    if (s && s->running) {
        s->kicked = 1;
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&lock);
        return;
    }
    if (s) {
        pthread_join(s->thread, NULL); /* it ended: quick */
        s->used = 0;
    }
    for (i = 0; i < SENDERS_MAX && !ended; i++)
        if (!senders[i].used) ended = &senders[i];
    if (!ended) {
        pthread_mutex_unlock(&lock);
        log_warn("federation: over %d databases send messages", SENDERS_MAX);
        return;
    }
    s = ended;
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", c->db_path);
    snprintf(s->base_url, sizeof s->base_url, "%s",
             c->base_url ? c->base_url : "");
    snprintf(s->sync, sizeof s->sync, "%s",
             c->db.synchronous ? c->db.synchronous : "NORMAL");
    s->dbo = c->db;
    s->dbo.synchronous = s->sync;
    s->timeout_s = c->timeout_s;
    s->retry_s = c->retry_s;
    s->used = s->running = 1;
    if (pthread_create(&s->thread, NULL, run, s) != 0) {
        s->used = s->running = 0;
        log_warn("federation: no thread to send messages: they wait");
    }
    pthread_mutex_unlock(&lock);
}

void fed_sender_stop(const char *db_path)
{
    int i;

    for (i = 0; i < SENDERS_MAX; i++) {
        struct sender *s = &senders[i];
        pthread_t th;

        pthread_mutex_lock(&lock);
        if (!s->used || (db_path && strcmp(s->path, db_path))) {
            pthread_mutex_unlock(&lock);
            continue;
        }
        s->stop = 1;
        th = s->thread;
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&lock);
        pthread_join(th, NULL);
        pthread_mutex_lock(&lock);
        s->used = 0;
        pthread_mutex_unlock(&lock);
    }
}
