/*
 * outbox.c: the outbox and its SMTP delivery thread (see outbox.h).
 */
#include "outbox.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/buf.h"
#include "../util/log.h"

static const char sql_add[] =
    "INSERT INTO outbox(recipient, subject, body, message_id, request_id)"
    " VALUES(?1, ?2, ?3, ?4, ?5)";
static const char sql_emails[] =
    "SELECT email FROM account WHERE entrepreneur_id = ?1";
static const char sql_group[] =
    "UPDATE outbox SET group_id = ?2 WHERE id = ?1";
static const char sql_due[] =
    "SELECT id, recipient, subject, body, message_id, attempts FROM outbox"
    " WHERE status = 'pending' AND next_at <= ?1 ORDER BY id LIMIT ?2";
static const char sql_sent[] =
    "UPDATE outbox SET status = 'sent', sent_at = ?2, attempts = attempts + 1,"
    " last_error = NULL WHERE id = ?1";
static const char sql_failed[] =
    "UPDATE outbox SET attempts = attempts + 1, last_error = ?2,"
    " next_at = ?3, status = CASE WHEN attempts + 1 >= ?4 THEN 'failed'"
    " ELSE 'pending' END WHERE id = ?1";

const char *const outbox_sql[] = {sql_add,  sql_emails, sql_group,
                                  sql_due,  sql_sent,   sql_failed, NULL};

#define MAX_BACKOFF_S 3600

static void iso_time(long offset_s, char *buf, size_t size)
{
    time_t t = time(NULL) + offset_s;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

enum rc outbox_add(struct db *db, const char *to, const char *subject,
                   const char *body, long long request_id)
{
    unsigned char raw[16];
    char hex[33], mid[80];
    sqlite3_stmt *st = db_stmt(db, sql_add);
    int src;

    if (!st) return RC_DB;
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    snprintf(mid, sizeof mid, "<%s@essaim>", hex);
    sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, subject, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, mid, -1, SQLITE_TRANSIENT);
    if (request_id)
        sqlite3_bind_int64(st, 5, request_id);
    else
        sqlite3_bind_null(st, 5);
    src = sqlite3_step(st);
    db_stmt_done(st);
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

enum rc outbox_add_entrepreneur(struct db *db, long long ent,
                                const char *subject, const char *body,
                                long long request_id, long long group_id)
{
    sqlite3_stmt *st = db_stmt(db, sql_emails);
    json_t *to = json_array(), *x;
    enum rc rc = RC_OK;
    size_t i;
    int src;

    if (!st || !to) {
        db_stmt_done(st);
        json_decref(to);
        return st ? RC_NOMEM : RC_DB;
    }
    sqlite3_bind_int64(st, 1, ent);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(to, json_string(db_text(st, 0)));
    db_stmt_done(st);
    if (src != SQLITE_DONE) rc = db_rc(db, src);
    json_array_foreach(to, i, x) {
        if (rc != RC_OK) break;
        rc = outbox_add(db, json_string_value(x), subject, body, request_id);
        if (rc != RC_OK || !group_id) continue;
        st = db_stmt(db, sql_group);
        if (!st) {
            rc = RC_DB;
            break;
        }
        sqlite3_bind_int64(st, 1, sqlite3_last_insert_rowid(db_handle(db)));
        sqlite3_bind_int64(st, 2, group_id);
        src = sqlite3_step(st);
        db_stmt_done(st);
        if (src != SQLITE_DONE) rc = db_rc(db, src);
    }
    json_decref(to);
    return rc;
}

/* ------------------------------------------------------------ message */

/* add_base64: data in base64, lines of 76 characters. */
static void add_base64(struct buf *b, const char *data, size_t n)
{
    size_t i;

    for (i = 0; i < n; i += 57) {
        char line[80];
        size_t k = n - i < 57 ? n - i : 57;

        sodium_bin2base64(line, sizeof line, (const unsigned char *)data + i,
                          k, sodium_base64_VARIANT_ORIGINAL);
        buf_adds(b, line);
        buf_adds(b, "\r\n");
    }
}

/* message: the RFC 5322 text of a message. The subject is an RFC 2047
 * encoded word, the body base64: any UTF-8 text, any line length. */
static void message(struct buf *b, const char *from, const char *to,
                    const char *subject, const char *body, const char *mid)
{
    char date[64], subj[1024];
    time_t t = time(NULL);
    struct tm tm;
    size_t n = strlen(subject);

    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    if (n > 700) n = 700;
    sodium_bin2base64(subj, sizeof subj, (const unsigned char *)subject, n,
                      sodium_base64_VARIANT_ORIGINAL);
    buf_addf(b,
             "From: %s\r\nTo: %s\r\nSubject: =?UTF-8?B?%s?=\r\nDate: %s\r\n"
             "Message-ID: %s\r\nMIME-Version: 1.0\r\n"
             "Content-Type: text/plain; charset=UTF-8\r\n"
             "Content-Transfer-Encoding: base64\r\n\r\n",
             from, to, subj, date, mid);
    add_base64(b, body, strlen(body));
}

struct upload {
    const char *p;
    size_t left;
};

static size_t on_read(char *dst, size_t size, size_t n, void *arg)
{
    struct upload *u = arg;
    size_t k = size * n < u->left ? size * n : u->left;

    memcpy(dst, u->p, k);
    u->p += k;
    u->left -= k;
    return k;
}

/* smtp_send: one message over SMTP; 0, or -1 with the reason in err. */
static int smtp_send(const struct outbox_opts *o, const char *to,
                     const char *text, size_t len, char *err, size_t size)
{
    CURL *c = curl_easy_init();
    struct curl_slist *rcpt = NULL;
    struct upload u = {text, len};
    char from[300], rto[300], ebuf[CURL_ERROR_SIZE] = "";
    CURLcode res;
    long code = 0;

    if (!c) {
        snprintf(err, size, "out of memory");
        return -1;
    }
    snprintf(from, sizeof from, "<%s>", o->from);
    snprintf(rto, sizeof rto, "<%s>", to);
    rcpt = curl_slist_append(rcpt, rto);
    curl_easy_setopt(c, CURLOPT_URL, o->smtp_url);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    res = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (res != CURLE_OK)
        snprintf(err, size, "%s (SMTP %ld)",
                 *ebuf ? ebuf : curl_easy_strerror(res), code);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    return res == CURLE_OK ? 0 : -1;
}

/* ------------------------------------------------------------ delivery */

struct due {
    long long id;
    char *to, *subject, *body, *mid;
    int attempts;
};

static void due_free(struct due *d, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        free(d[i].to);
        free(d[i].subject);
        free(d[i].body);
        free(d[i].mid);
    }
    free(d);
}

/* fetch_due: copy the due messages out (no transaction is held while
 * the network is used). */
static enum rc fetch_due(struct db *db, int limit, struct due **out, int *n)
{
    sqlite3_stmt *st = db_stmt(db, sql_due);
    struct due *d;
    char now[32];
    int src = SQLITE_DONE;

    *out = NULL;
    *n = 0;
    if (!st) return RC_DB;
    d = calloc((size_t)limit, sizeof *d);
    if (!d) {
        db_stmt_done(st);
        return RC_NOMEM;
    }
    iso_time(0, now, sizeof now);
    sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, limit);
    while (*n < limit && (src = sqlite3_step(st)) == SQLITE_ROW) {
        struct due *x = &d[*n];

        x->id = sqlite3_column_int64(st, 0);
        x->to = db_text_dup(st, 1);
        x->subject = db_text_dup(st, 2);
        x->body = db_text_dup(st, 3);
        x->mid = db_text_dup(st, 4);
        x->attempts = sqlite3_column_int(st, 5);
        (*n)++;
        if (!x->to || !x->subject || !x->body || !x->mid) {
            src = SQLITE_NOMEM;
            break;
        }
    }
    db_stmt_done(st);
    if (src != SQLITE_DONE && src != SQLITE_ROW) {
        due_free(d, *n);
        *n = 0;
        return src == SQLITE_NOMEM ? RC_NOMEM : db_rc(db, src);
    }
    *out = d;
    return RC_OK;
}

/* record: the result of one attempt; retried while the database is busy
 * (a sent message must not stay 'pending'). */
static enum rc record(struct db *db, const struct outbox_opts *o,
                      const struct due *d, const char *err)
{
    char now[32], next[32];
    long wait = o->retry_s > 0 ? o->retry_s : 30;
    int i, src = SQLITE_BUSY;

    for (i = 0; i < d->attempts && wait < MAX_BACKOFF_S; i++) wait *= 2;
    if (wait > MAX_BACKOFF_S) wait = MAX_BACKOFF_S;
    iso_time(0, now, sizeof now);
    iso_time(wait, next, sizeof next);
    for (i = 0; i < 5 && (src & 0xff) == SQLITE_BUSY; i++) {
        sqlite3_stmt *st = db_stmt(db, err ? sql_failed : sql_sent);

        if (!st) return RC_DB;
        sqlite3_bind_int64(st, 1, d->id);
        if (err) {
            sqlite3_bind_text(st, 2, err, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, next, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(st, 4, o->max_attempts > 0 ? o->max_attempts
                                                         : 12);
        } else {
            sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
        }
        src = sqlite3_step(st);
        db_stmt_done(st);
    }
    return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

enum rc outbox_send_due(struct db *db, const struct outbox_opts *o,
                        int limit, int *sent)
{
    struct due *d = NULL;
    struct buf text = {0};
    int n = 0, i, ok = 0;
    enum rc rc;

    if (sent) *sent = 0;
    if (!o->smtp_url || !*o->smtp_url) return RC_OK;
    rc = fetch_due(db, limit > 0 ? limit : 50, &d, &n);
    for (i = 0; rc == RC_OK && i < n; i++) {
        char err[512] = "";
        int failed;

        buf_reset(&text);
        message(&text, o->from, d[i].to, d[i].subject, d[i].body,
                d[i].mid);
        if (buf_oom(&text)) {
            rc = RC_NOMEM;
            break;
        }
        failed = smtp_send(o, d[i].to, text.p, text.len, err, sizeof err);
        if (failed)
            log_warn("outbox: message %lld to %s not sent: %s", d[i].id,
                     d[i].to, err);
        else
            ok++;
        rc = record(db, o, &d[i], failed ? err : NULL);
    }
    buf_free(&text);
    due_free(d, n);
    if (sent) *sent = ok;
    return rc;
}

/* ------------------------------------------------------------- thread */

/* The delivery thread's state, under box_lock. */
static pthread_mutex_t box_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t box_cond = PTHREAD_COND_INITIALIZER;
static struct {
    pthread_t thread;
    int running, poked;
    struct outbox_opts o;
} box;

static void *deliver(void *arg)
{
    struct db *db = NULL;

    (void)arg;
    if (db_open(box.o.db, &box.o.dbo, &db) != RC_OK) {
        log_error("outbox: cannot open %s: no e-mail will be sent",
                  box.o.db);
        return NULL;
    }
    pthread_mutex_lock(&box_lock);
    while (box.running) {
        struct timespec ts;
        int ms = box.o.poll_ms > 0 ? box.o.poll_ms : 1000;

        box.poked = 0;
        pthread_mutex_unlock(&box_lock);
        if (outbox_send_due(db, &box.o, 50, NULL) != RC_OK)
            log_warn("outbox: a delivery pass failed");
        pthread_mutex_lock(&box_lock);
        if (!box.running || box.poked) continue;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += ms / 1000;
        ts.tv_nsec += (long)(ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&box_cond, &box_lock, &ts);
    }
    pthread_mutex_unlock(&box_lock);
    db_close(db);
    return NULL;
}

int outbox_start(const struct outbox_opts *o)
{
    if (!o->smtp_url || !*o->smtp_url) return 0;
    pthread_mutex_lock(&box_lock);
    if (box.running) {
        pthread_mutex_unlock(&box_lock);
        return 0;
    }
    box.o = *o;
    box.running = 1;
    if (pthread_create(&box.thread, NULL, deliver, NULL) != 0) {
        box.running = 0;
        pthread_mutex_unlock(&box_lock);
        return -1;
    }
    pthread_mutex_unlock(&box_lock);
    return 0;
}

void outbox_poke(void)
{
    pthread_mutex_lock(&box_lock);
    box.poked = 1;
    pthread_cond_signal(&box_cond);
    pthread_mutex_unlock(&box_lock);
}

void outbox_stop(void)
{
    int was;

    pthread_mutex_lock(&box_lock);
    was = box.running;
    box.running = 0;
    pthread_cond_signal(&box_cond);
    pthread_mutex_unlock(&box_lock);
    if (was) pthread_join(box.thread, NULL);
}
