/*
 * srv.h: the HTTP server: CivetWeb set-up, the router, replies, metrics.
 *
 * The only module that knows HTTP. Every API request goes through one
 * route table (server/routes.c) to a thin api_* handler that receives a
 * struct req, calls the domain modules and replies exactly once with one
 * of the srv_reply_* functions. Each reply (status line, headers, body)
 * leaves in one write, with TCP_NODELAY on.
 *
 * jansson ownership, stated once for all of server/: json_t values
 * returned by our functions are new references; json_object_get results
 * are borrowed; srv_reply_* steal the body and errs they are given.
 *
 * Threads: CivetWeb runs each request on a worker thread; each worker has
 * its own SQLite connection (srv_db). A struct req lives for one request
 * on one thread.
 */
#ifndef ESSAIM_SRV_H
#define ESSAIM_SRV_H

#include <jansson.h>
#include <stddef.h>

#include "../store/db.h"
#include "../util/rc.h"
#include "../util/viewer.h"
#include "config.h"

struct mg_connection;
struct mg_request_info;
struct srv;

#define SRV_MAX_PARAMS 4

struct req {
    struct mg_connection *conn;       /* CivetWeb connection */
    const struct mg_request_info *ri; /* method, uri, query, headers */
    struct srv *srv;                  /* the server */
    const struct config *cfg;         /* settings, read-only */
    struct db *db;                    /* this worker's database connection,
                                         open before any handler runs */
    const char *param[SRV_MAX_PARAMS]; /* {name} path segments, in order */
    char pbuf[512];                   /* storage of param[] */
    int status;                       /* status sent, 0 before the reply */
    size_t route;                     /* index in srv_routes (metrics) */
    double t0;                        /* start, seconds (metrics) */
    struct viewer viewer;             /* who is asking (srv_viewer) */
    char token[48];                   /* their session token, "" if none */
    int by_cookie;                    /* the token came in the cookie */
    long retry_after;                 /* seconds, sent with a 429 */
    char hdr[1024];                   /* extra header lines of the reply */
    size_t hdr_len;
};

/* A route handler: must reply exactly once. */
typedef void (*srv_handler)(struct req *r);

struct srv_route {
    const char *method;  /* "GET", "POST", "PATCH", "DELETE" */
    const char *pattern; /* "/api/v1/entrepreneurs/{id}" */
    srv_handler fn;
};

/* The route table (routes.c), terminated by a zeroed entry. */
extern const struct srv_route srv_routes[];

/* srv_start: open the database once (migrations), start CivetWeb on
 * cfg->listen:cfg->port. *out is a running server to srv_stop(). */
enum rc srv_start(const struct config *cfg, struct srv **out);

/* srv_port: the port actually listened on (useful with port 0). */
int srv_port(const struct srv *s);

/* srv_base_url: this instance's address, as peers and the federation
 * feed name it ("http://localhost:8081"; no final '/'). */
const char *srv_base_url(const struct srv *s);

/* srv_fed_sender: how this server sends its messages to peers. */
struct fed_sender_config;
struct fed_sender_config srv_fed_sender(const struct srv *s);

/* srv_pull_now: wake the federation puller (a peer was added). */
void srv_pull_now(struct srv *s);

/* srv_stop: stop accepting, let in-flight requests finish, close every
 * database connection, free s. NULL is a no-op. */
void srv_stop(struct srv *s);

/* Replies. Each sends status line, headers and body in one write. */

/* srv_reply_json: status with body (stolen; NULL sends no body). */
void srv_reply_json(struct req *r, int status, json_t *body);

/* srv_reply_raw: status with a body of the given content type; extra is
 * further header lines, each ending in "\r\n", or NULL. Every reply has
 * X-Content-Type-Options: nosniff, Referrer-Policy: same-origin,
 * Content-Security-Policy: default-src 'none'; frame-ancestors 'none' and
 * Cache-Control: no-store, unless extra has its own "Cache-Control:" or
 * "Content-Security-Policy:" line (spelled so), which replaces ours. */
void srv_reply_raw(struct req *r, int status, const char *ctype,
                   const char *body, size_t len, const char *extra);

/* srv_reply_problem: an RFC 9457 problem document. errs (stolen, may be
 * NULL) is the list of {"field","message"}; detail may be NULL. */
void srv_reply_problem(struct req *r, int status, const char *detail,
                       json_t *errs);

/* srv_reply: the usual ending of a handler. rc RC_OK sends ok_status with
 * body; any other rc sends the problem mapped from rc with errs. Steals
 * body and errs in every case. */
void srv_reply(struct req *r, enum rc rc, int ok_status, json_t *body,
               json_t *errs);

/* Request input. */

/* srv_body_json: read the body (JSON object, under body_max). On failure
 * returns RC_INVALID/RC_TOOBIG/RC_UNSUPPORTED with a reason in errs. */
enum rc srv_body_json(struct req *r, json_t *errs, json_t **out);

/* srv_query: query parameter name into buf (URL-decoded). Returns 1 when
 * present, 0 when absent or empty, -1 when too long or not UTF-8 (the
 * error is added to errs). */
int srv_query(struct req *r, const char *name, char *buf, size_t size,
              json_t *errs);

/* srv_query_limit: the "limit" parameter: default 20, 1 to 100; -1
 * after adding an error to errs. */
int srv_query_limit(struct req *r, json_t *errs);

/* srv_query_page: the "limit" and "cursor" parameters of a list: the
 * limit (cursor into buf, "" when absent), or -1 after adding the errors
 * to errs. */
int srv_query_page(struct req *r, json_t *errs, char *cursor, size_t size);

/* srv_viewer: who is asking: the account of the session token in
 * `Authorization: Bearer TOKEN`, or in the essaim_session cookie. A
 * cookie authenticates GET and HEAD alone, and other methods only with
 * its CSRF token in X-CSRF-Token: else 403 before any handler runs. A
 * Bearer token that is unknown, expired or signed out is refused with
 * 401 before any handler runs; a stale cookie is ignored (anonymous). */
const struct viewer *srv_viewer(struct req *r);

/* srv_add_header: add a header line (printf format, without "\r\n") to
 * the reply to come. Lines that do not fit are dropped (logged). */
void srv_add_header(struct req *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* srv_https: whether the client reached us over HTTPS (directly, or
 * through a proxy that says X-Forwarded-Proto: https). */
int srv_https(struct req *r);

/* srv_client_addr: the client's IP address (for throttling). */
const char *srv_client_addr(struct req *r);

/* srv_header: a request header, or NULL. Borrowed. */
const char *srv_header(struct req *r, const char *name);

/* srv_metrics_text: the Prometheus exposition of the counters, appended
 * by the handler of GET /metrics. Caller frees with free(). */
char *srv_metrics_text(struct srv *s);

#endif
