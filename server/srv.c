/*
 * srv.c: CivetWeb set-up, the router, replies and metrics (see srv.h).
 */
#include "srv.h"

#include <civetweb.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "../account/account.h"
#include "../federation/fed.h"
#include "../group/group.h"
#include "../util/buf.h"
#include "../util/log.h"
#include "../util/text.h"
#include "../util/viewer.h"

/* Status codes counted separately in the metrics; others go to "other". */
static const int counted_codes[] = {200, 201, 204, 304, 400, 401, 403,
                                    404, 405, 409, 413, 415, 422, 429,
                                    431, 500, 502, 503};
#define NCODES (sizeof counted_codes / sizeof counted_codes[0] + 1)

/* Security headers (README: hardening). The pages (static files, sent by
 * CivetWeb through additional_header, and its own error answers): scripts,
 * styles, images and fetches from this origin only, so no inline script
 * or style and no event-handler attribute runs; nothing may frame them;
 * forms post here only. The API's answers are data, never a document:
 * they allow nothing at all (an SVG or HTML smuggled into a field cannot
 * run if opened directly). Both: no MIME sniffing, no full referrer to
 * other sites. */
#define SECURITY_COMMON                                                      \
    "X-Content-Type-Options: nosniff\r\n"                                    \
    "Referrer-Policy: same-origin\r\n"
#define SECURITY_PAGES /* no final CRLF: CivetWeb's additional_header */   \
    SECURITY_COMMON                                                          \
    "Content-Security-Policy: default-src 'self'; img-src 'self' data:;"    \
    " object-src 'none'; base-uri 'self'; form-action 'self';"              \
    " frame-ancestors 'none'"
#define SECURITY_API                                                         \
    SECURITY_COMMON                                                          \
    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"

/* Latency histogram bounds, seconds. */
static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                0.05,   0.1,   0.25,   0.5,   1,    2.5};
#define NBOUNDS (sizeof bounds / sizeof bounds[0])

struct stats {
    atomic_ulong codes[NCODES];       /* requests by status code */
    atomic_ulong buckets[NBOUNDS + 1]; /* latency histogram (+Inf last) */
    atomic_ulong sum_us;              /* total latency, microseconds */
};

struct worker {
    struct db *db; /* opened on first use */
    struct srv *srv;
};

struct srv {
    struct mg_context *ctx;
    const struct config *cfg;
    struct db_opts dbo;  /* how workers open the database */
    int port;            /* actual port */
    size_t nroutes;      /* entries in srv_routes */
    struct stats *stats; /* nroutes + 2: static files, unmatched */
    time_t started;      /* start time, for the metrics */
    char base_url[320];  /* this instance's address (srv_base_url) */
    struct fed_puller *puller; /* pulls the peers' feeds, or NULL */
};

/* ---------------------------------------------------------------- reply */

static void count(struct srv *s, size_t idx, int status, double seconds);
static void set_base_url(struct srv *s);
static double now_s(void);

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    }
    return "Unknown";
}

void srv_reply_raw(struct req *r, int status, const char *ctype,
                   const char *body, size_t len, const char *extra)
{
    struct buf b = {0};
    /* A Cache-Control line of extra replaces the default no-store (the
     * photos of public offers may be cached). */
    int own_cache = extra && (!strncmp(extra, "Cache-Control:", 14) ||
                              strstr(extra, "\r\nCache-Control:"));
    /* So does a Content-Security-Policy line (the photos'). */
    int own_csp = extra && (!strncmp(extra, "Content-Security-Policy:", 24) ||
                            strstr(extra, "\r\nContent-Security-Policy:"));

    if (r->status) {
        log_error("second reply to one request (status %d)", status);
        return;
    }
    r->status = status;
    buf_addf(&b,
             "HTTP/1.1 %d %s\r\n"
             "Content-Length: %zu\r\n"
             "%s%s",
             status, reason(status), status == 204 ? 0 : len,
             own_cache ? "" : "Cache-Control: no-store\r\n",
             own_csp ? SECURITY_COMMON : SECURITY_API);
    if (ctype && status != 204) buf_addf(&b, "Content-Type: %s\r\n", ctype);
    if (status == 429 && r->retry_after > 0)
        buf_addf(&b, "Retry-After: %ld\r\n", r->retry_after);
    if (status == 401)
        buf_adds(&b, "WWW-Authenticate: Bearer realm=\"essaim\"\r\n");
    buf_add(&b, r->hdr, r->hdr_len);
    if (extra) buf_adds(&b, extra);
    buf_adds(&b, "\r\n");
    if (status != 204 && len && strcmp(r->ri->request_method, "HEAD"))
        buf_add(&b, body, len);
    /* Counted before it leaves: a client that reads /metrics right after
     * this answer sees it counted. */
    count(r->srv, r->route, buf_oom(&b) ? 503 : status, now_s() - r->t0);
    if (buf_oom(&b)) {
        static const char oom[] = "HTTP/1.1 503 Service Unavailable\r\n"
                                  "Content-Length: 0\r\n\r\n";
        r->status = 503;
        mg_write(r->conn, oom, sizeof oom - 1);
    } else {
        mg_write(r->conn, b.p, b.len);
    }
    buf_free(&b);
}

void srv_reply_json(struct req *r, int status, json_t *body)
{
    char *text = NULL;

    if (body) text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15));
    if (body && !text) {
        json_decref(body);
        srv_reply_problem(r, 503, "out of memory", NULL);
        return;
    }
    srv_reply_raw(r, status, "application/json; charset=utf-8",
                  text ? text : "", text ? strlen(text) : 0, NULL);
    free(text);
    json_decref(body);
}

/* problem: srv_reply_problem with extra header lines (or NULL). */
static void problem(struct req *r, int status, const char *detail,
                    json_t *errs, const char *extra)
{
    const char *type;
    json_t *doc;
    char *text;

    switch (status) {
    case 400: type = "/problems/invalid-request"; break;
    case 401: type = "/problems/unauthorized"; break;
    case 403: type = "/problems/forbidden"; break;
    case 404: type = "/problems/not-found"; break;
    case 429: type = "/problems/too-many-requests"; break;
    case 405: type = "/problems/method-not-allowed"; break;
    case 409: type = "/problems/conflict"; break;
    case 413: type = "/problems/body-too-large"; break;
    case 415: type = "/problems/unsupported-media-type"; break;
    default: type = status >= 500 ? "/problems/server-error" : "about:blank";
    }
    doc = json_pack("{s:s, s:s, s:i}", "type", type, "title", reason(status),
                    "status", status);
    if (doc && detail) json_object_set_new(doc, "detail", json_string(detail));
    if (doc)
        json_object_set_new(doc, "errors", errs ? errs : json_array());
    else
        json_decref(errs);
    text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    srv_reply_raw(r, status, "application/problem+json", text ? text : "",
                  text ? strlen(text) : 0, extra);
    free(text);
}

void srv_reply_problem(struct req *r, int status, const char *detail,
                       json_t *errs)
{
    problem(r, status, detail, errs, NULL);
}

static int rc_status(enum rc rc)
{
    switch (rc) {
    case RC_OK: return 200;
    case RC_INVALID: return 400;
    case RC_NOTFOUND: return 404;
    case RC_CONFLICT: return 409;
    case RC_TOOBIG: return 413;
    case RC_UNSUPPORTED: return 415;
    case RC_FORBIDDEN: return 403;
    case RC_UNAUTHORIZED: return 401;
    case RC_THROTTLED: return 429;
    case RC_UPSTREAM: return 502;
    case RC_BUSY: return 503;
    case RC_DB:
    case RC_NOMEM:
    case RC_INTERNAL: return 500;
    }
    return 500;
}

void srv_reply(struct req *r, enum rc rc, int ok_status, json_t *body,
               json_t *errs)
{
    const char *detail = NULL;

    if (rc == RC_OK) {
        json_decref(errs);
        srv_reply_json(r, ok_status, body);
        return;
    }
    json_decref(body);
    /* Refused for want of credentials: 401. */
    if (rc == RC_FORBIDDEN && r->viewer.role == VIEWER_ANONYMOUS)
        rc = RC_UNAUTHORIZED;
    switch (rc) {
    case RC_INVALID: detail = "the request has invalid fields"; break;
    case RC_NOTFOUND: detail = "no such resource"; break;
    case RC_CONFLICT: detail = "the request conflicts with a record"; break;
    case RC_TOOBIG: detail = "the request body is too large"; break;
    case RC_UNSUPPORTED: detail = "the request body must be JSON"; break;
    case RC_FORBIDDEN: detail = "not allowed for this account"; break;
    case RC_UNAUTHORIZED: detail = "sign in first"; break;
    case RC_THROTTLED: detail = "too many attempts; retry later"; break;
    case RC_UPSTREAM: detail = "a remote service failed"; break;
    case RC_BUSY: detail = "the database is busy; retry shortly"; break;
    case RC_DB:
    case RC_NOMEM:
    case RC_INTERNAL: detail = "internal error; nothing was changed"; break;
    default: break;
    }
    srv_reply_problem(r, rc_status(rc), detail, errs);
}

/* ---------------------------------------------------------------- input */

const char *srv_header(struct req *r, const char *name)
{
    return mg_get_header(r->conn, name);
}

static void add_err(json_t *errs, const char *field, const char *msg)
{
    char clean[512];

    /* A message may quote the input (jansson's error text). */
    snprintf(clean, sizeof clean, "%s", msg);
    text_utf8_scrub(clean);
    if (errs)
        json_array_append_new(errs, json_pack("{s:s, s:s}", "field", field,
                                              "message", clean));
}

int srv_query(struct req *r, const char *name, char *buf, size_t size,
              json_t *errs)
{
    const char *q = r->ri->query_string;
    int n;

    buf[0] = 0;
    if (!q) return 0;
    n = mg_get_var2(q, strlen(q), name, buf, size, 0);
    if (n == -1) return 0;
    if (n < 0) {
        add_err(errs, name, "is too long");
        buf[0] = 0;
        return -1;
    }
    if (!text_utf8_valid(buf, (size_t)n)) {
        add_err(errs, name, "is not valid UTF-8");
        buf[0] = 0;
        return -1;
    }
    return n > 0;
}

/* json_media_type: is ct application/json or application/...+json, with
 * optional parameters ("; charset=utf-8")? */
static int json_media_type(const char *ct)
{
    size_t n;

    if (!ct) return 0;
    while (*ct == ' ') ct++;
    n = strcspn(ct, "; \t");
    if (n == 16 && !strncasecmp(ct, "application/json", 16)) return 1;
    return n > 17 && !strncasecmp(ct, "application/", 12) &&
           !strncasecmp(ct + n - 5, "+json", 5);
}

int srv_query_limit(struct req *r, json_t *errs)
{
    char buf[32], *end;
    long v;
    int got = srv_query(r, "limit", buf, sizeof buf, errs);

    if (got < 0) return -1;
    if (got == 0) return 20;
    v = strtol(buf, &end, 10);
    if (*end || v < 1 || v > 100) {
        add_err(errs, "limit", "must be an integer from 1 to 100");
        return -1;
    }
    return (int)v;
}

int srv_query_page(struct req *r, json_t *errs, char *cursor, size_t size)
{
    int limit = srv_query_limit(r, errs);

    *cursor = 0;
    if (srv_query(r, "cursor", cursor, size, errs) < 0) return -1;
    return limit;
}

const struct viewer *srv_viewer(struct req *r)
{
    return &r->viewer;
}

void srv_add_header(struct req *r, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(r->hdr + r->hdr_len, sizeof r->hdr - r->hdr_len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n + 2 >= sizeof r->hdr - r->hdr_len) {
        r->hdr[r->hdr_len] = 0;
        log_error("reply header dropped: no room");
        return;
    }
    r->hdr_len += (size_t)n;
    memcpy(r->hdr + r->hdr_len, "\r\n", 3);
    r->hdr_len += 2;
}

int srv_https(struct req *r)
{
    const char *p = srv_header(r, "X-Forwarded-Proto");

    return r->ri->is_ssl || (p && !strcasecmp(p, "https"));
}

const char *srv_client_addr(struct req *r)
{
    return r->ri->remote_addr;
}

/* safe_method: a method that changes nothing (no CSRF token needed). */
static int safe_method(const char *m)
{
    return !strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS");
}

/* authenticate_peer: the viewer of a request signed by a peer instance
 * (federation/fed_key.c): 0, or -1 after a 401 for a signature that does
 * not hold. */
static int authenticate_peer(struct req *r)
{
    const char *inst = srv_header(r, "X-Essaim-Instance");
    const char *date = srv_header(r, "X-Essaim-Date");
    const char *sig = srv_header(r, "X-Essaim-Signature");
    char pq[2048];
    enum rc rc;

    snprintf(pq, sizeof pq, "%s%s%s", r->ri->local_uri,
             r->ri->query_string ? "?" : "",
             r->ri->query_string ? r->ri->query_string : "");
    rc = inst && date && sig && safe_method(r->ri->request_method)
             ? fed_verify(r->db, r->ri->request_method, pq, inst, date, sig,
                          (long long)time(NULL), &r->viewer)
             : RC_FORBIDDEN;
    if (rc == RC_OK) return 0;
    r->viewer = viewer_anonymous;
    if (rc == RC_NOTFOUND) return 0; /* not a peer of ours: anonymous */
    srv_reply_problem(r, 401,
                      "the request's signature does not hold: X-Essaim-"
                      "Instance must be a peer registered here, X-Essaim-"
                      "Date within 5 minutes, X-Essaim-Signature its"
                      " Ed25519 signature (README: federation)",
                      NULL);
    return -1;
}

/* authenticate: set r->viewer from the request's credentials. Returns 0,
 * or -1 after replying: 401 for a Bearer token we do not know, 403 for a
 * write with the session cookie but without its CSRF token (what a
 * forged cross-site request looks like). A stale cookie is ignored. */
static int authenticate(struct req *r)
{
    const char *auth = srv_header(r, "Authorization");
    const char *cookies = srv_header(r, "Cookie");
    struct account_session sess;
    char tok[128];
    enum rc rc;

    r->viewer = viewer_anonymous;
    if (!auth && srv_header(r, "X-Essaim-Signature"))
        return authenticate_peer(r);
    if (auth) {
        if (strncasecmp(auth, "Bearer ", 7)) {
            srv_reply_problem(r, 401, "Authorization must be Bearer TOKEN",
                              NULL);
            return -1;
        }
        for (auth += 7; *auth == ' '; auth++) continue;
        snprintf(tok, sizeof tok, "%s", auth);
    } else if (!cookies ||
               mg_get_cookie(cookies, "essaim_session", tok, sizeof tok) <=
                   0) {
        return 0;
    } else {
        r->by_cookie = 1;
    }
    rc = account_session(r->db, tok, &r->viewer, &sess);
    if (rc == RC_NOTFOUND && !r->by_cookie) {
        srv_reply_problem(r, 401,
                          "the token is unknown, expired or signed out",
                          NULL);
        return -1;
    }
    if (rc != RC_OK) { /* a stale cookie: anonymous */
        r->viewer = viewer_anonymous;
        r->by_cookie = 0;
        return 0;
    }
    if (r->by_cookie && !safe_method(r->ri->request_method)) {
        const char *h = srv_header(r, "X-CSRF-Token");

        if (!h || strlen(h) != strlen(sess.csrf) ||
            sodium_memcmp(h, sess.csrf, strlen(h)) != 0) {
            r->viewer = viewer_anonymous;
            srv_reply_problem(r, 403,
                              "a write authenticated by the session cookie"
                              " needs the X-CSRF-Token header (the value of"
                              " the essaim_csrf cookie)",
                              NULL);
            return -1;
        }
    }
    snprintf(r->token, sizeof r->token, "%s", tok);
    return 0;
}

enum rc srv_body_json(struct req *r, json_t *errs, json_t **out)
{
    const char *ct = srv_header(r, "Content-Type");
    long long cl = r->ri->content_length;
    long max = r->cfg->body_max;
    struct buf b = {0};
    json_error_t jerr;
    json_t *doc = NULL;
    enum rc rc;
    char chunk[8192], msg[300];
    int n;

    *out = NULL;
    if (!json_media_type(ct)) {
        add_err(errs, "Content-Type", "must be application/json");
        return RC_UNSUPPORTED;
    }
    if (cl > max) {
        snprintf(msg, sizeof msg, "body is larger than %ld bytes", max);
        add_err(errs, "body", msg);
        return RC_TOOBIG;
    }
    while ((n = mg_read(r->conn, chunk, sizeof chunk)) > 0) {
        if (b.len + (size_t)n > (size_t)max) {
            snprintf(msg, sizeof msg, "body is larger than %ld bytes", max);
            add_err(errs, "body", msg);
            rc = RC_TOOBIG;
            goto out;
        }
        buf_add(&b, chunk, (size_t)n);
    }
    if (buf_oom(&b)) {
        rc = RC_NOMEM;
        goto out;
    }
    /* A read error or timeout, or a bad chunk: never parse half a body. */
    if (n < 0 || (cl >= 0 && b.len != (size_t)cl)) {
        add_err(errs, "body", "incomplete: the connection failed, timed out"
                              " or sent bad chunks");
        rc = RC_INVALID;
        goto out;
    }
    /* Before jansson, whose recursion would overflow the worker's stack
     * (text.h). */
    if (text_json_depth(b.p, b.len) > TEXT_JSON_DEPTH) {
        snprintf(msg, sizeof msg, "nested deeper than %d levels",
                 TEXT_JSON_DEPTH);
        add_err(errs, "body", msg);
        rc = RC_INVALID;
        goto out;
    }
    doc = json_loadb(b.p ? b.p : "", b.len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        snprintf(msg, sizeof msg, "malformed JSON at line %d, column %d: %s",
                 jerr.line, jerr.column, jerr.text);
        add_err(errs, "body", msg);
        rc = RC_INVALID;
        goto out;
    }
    if (!json_is_object(doc)) {
        add_err(errs, "body", "must be a JSON object");
        rc = RC_INVALID;
        goto out;
    }
    *out = doc;
    doc = NULL;
    rc = RC_OK;
out:
    json_decref(doc);
    buf_free(&b);
    return rc;
}

/* --------------------------------------------------------------- router */

/* worker_db: this worker thread's database connection, opened on first
 * use; NULL if it cannot be opened. */
static struct db *worker_db(struct req *r)
{
    struct worker *w = mg_get_thread_pointer(r->conn);

    if (!w) return NULL;
    if (!w->db && db_open(r->cfg->db, &w->srv->dbo, &w->db) != RC_OK)
        w->db = NULL;
    return w->db;
}

/* match: does path match pattern? Captures {x} segments into r->param. */
static int match(const char *pattern, const char *path, struct req *r)
{
    const char *p = pattern, *u = path;
    size_t used = 0;
    int np = 0;

    while (*p && *u) {
        if (*p == '{') {
            const char *end = strchr(u, '/');
            size_t n = end ? (size_t)(end - u) : strlen(u);

            if (n == 0 || np >= SRV_MAX_PARAMS || used + n + 1 > sizeof r->pbuf)
                return 0;
            memcpy(r->pbuf + used, u, n);
            r->pbuf[used + n] = 0;
            r->param[np++] = r->pbuf + used;
            used += n + 1;
            u += n;
            p = strchr(p, '}');
            if (!p) return 0;
            p++;
            continue;
        }
        if (*p != *u) return 0;
        p++;
        u++;
    }
    return !*p && !*u;
}

static struct stats *route_stats(struct srv *s, size_t idx)
{
    return &s->stats[idx];
}

static void count(struct srv *s, size_t idx, int status, double seconds)
{
    struct stats *st = route_stats(s, idx);
    size_t c, b;

    for (c = 0; c + 1 < NCODES; c++)
        if (counted_codes[c] == status) break;
    atomic_fetch_add_explicit(&st->codes[c], 1, memory_order_relaxed);
    for (b = 0; b < NBOUNDS; b++)
        if (seconds <= bounds[b]) break;
    atomic_fetch_add_explicit(&st->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&st->sum_us, (unsigned long)(seconds * 1e6),
                              memory_order_relaxed);
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* is_api: paths that never fall through to static files. */
static int is_api(const char *path)
{
    return !strncmp(path, "/api/", 5) || !strcmp(path, "/api") ||
           !strncmp(path, "/federation/", 12) || !strcmp(path, "/healthz") ||
           !strcmp(path, "/metrics");
}

/* catalogue_page: is path /catalogues/SLUG (SLUG: a-z, 0-9, hyphens),
 * the page of a group's catalogue? One file, public/catalogue.html,
 * serves every slug; the page reads its slug from the address. */
static int catalogue_page(const char *path)
{
    const char *p;

    if (strncmp(path, "/catalogues/", 12) || !path[12]) return 0;
    for (p = path + 12; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-'))
            return 0;
    return 1;
}

/* send_catalogue_page: public/catalogue.html for a GET or HEAD of
 * /catalogues/SLUG; 0 (CivetWeb's 404) when there is no such file. */
static int send_catalogue_page(struct mg_connection *conn, struct srv *s)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    char file[1024];
    struct stat sb;

    if (strcmp(ri->request_method, "GET") && strcmp(ri->request_method, "HEAD"))
        return 0;
    if (!s->cfg->public_dir || !*s->cfg->public_dir) return 0;
    snprintf(file, sizeof file, "%s/catalogue.html", s->cfg->public_dir);
    if (stat(file, &sb) != 0 || !S_ISREG(sb.st_mode)) return 0;
    mg_send_mime_file(conn, file, "text/html; charset=utf-8");
    return 200;
}

/* bad_length: several Content-Length lines, or one that is not a plain
 * number (CivetWeb reads the first line as far as it holds digits and
 * ignores the others: a proxy in front might read another length). */
static int bad_length(const struct mg_request_info *ri)
{
    int i, seen = 0;

    for (i = 0; i < ri->num_headers; i++) {
        const char *v = ri->http_headers[i].value;

        if (strcasecmp(ri->http_headers[i].name, "Content-Length")) continue;
        if (seen++ || !v[0] || v[strspn(v, "0123456789")]) return 1;
    }
    return 0;
}

/* refused: answer, before any routing, what no path may ask; 1 if
 * answered. CivetWeb keeps 64 header lines and drops the others unseen (a
 * proxy in front could act on a header we never see): 431. Content-Length
 * with Transfer-Encoding, or a Content-Length that is not one number
 * (request smuggling): 400. A path that is not UTF-8 once decoded: 400.
 * Pages (every path outside the API) are only read: other methods get 405
 * (CivetWeb would answer PUT, DELETE, MKCOL and PROPFIND itself, its
 * WebDAV), a body 400. */
static int refused(struct req *r, const char *path, int api)
{
    const char *m = r->ri->request_method;

    if (r->ri->num_headers >= MG_MAX_HEADERS)
        srv_reply_problem(r, 431, "more than 63 header lines", NULL);
    else if (mg_get_header(r->conn, "Transfer-Encoding") &&
             mg_get_header(r->conn, "Content-Length"))
        srv_reply_problem(r, 400,
                          "Content-Length and Transfer-Encoding together",
                          NULL);
    else if (bad_length(r->ri))
        srv_reply_problem(r, 400, "Content-Length must be one number", NULL);
    else if (!text_utf8_valid(path, strlen(path)))
        srv_reply_problem(r, 400, "the path is not valid UTF-8", NULL);
    else if (!api && strcmp(m, "GET") && strcmp(m, "HEAD"))
        problem(r, 405, "pages are only read (GET or HEAD)", NULL,
                "Allow: GET, HEAD\r\n");
    else if (!api && (r->ri->content_length > 0 ||
                      mg_get_header(r->conn, "Transfer-Encoding")))
        srv_reply_problem(r, 400, "a page request has no body", NULL);
    else
        return 0;
    return 1;
}

/* on_request: CivetWeb's begin_request: route API paths, leave the rest
 * to CivetWeb's static file handler (return 0). */
static int on_request(struct mg_connection *conn)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    struct srv *s = mg_get_user_data(mg_get_context(conn));
    const char *path = ri->local_uri;
    struct req r;
    struct buf allow = {0};
    int head = !strcmp(ri->request_method, "HEAD");
    size_t i;
    double t0 = now_s();

    memset(&r, 0, sizeof r);
    r.conn = conn;
    r.ri = ri;
    r.srv = s;
    r.cfg = s->cfg;
    r.t0 = t0;
    r.route = s->nroutes + 1; /* unmatched until a route matches */
    /* Marks a page request answered here, for on_end (not counted twice). */
    mg_set_user_connection_data(conn, NULL);
    if (path && refused(&r, path, is_api(path))) {
        if (!is_api(path)) mg_set_user_connection_data(conn, s);
        goto done;
    }
    if (path && catalogue_page(path)) return send_catalogue_page(conn, s);
    if (!path || !is_api(path)) return 0;
    for (i = 0; i < s->nroutes; i++) {
        if (!match(srv_routes[i].pattern, path, &r)) continue;
        if (strcmp(srv_routes[i].method, ri->request_method) != 0 &&
            !(head && !strcmp(srv_routes[i].method, "GET"))) {
            buf_adds(&allow, allow.len ? ", " : "Allow: ");
            buf_adds(&allow, srv_routes[i].method);
            continue;
        }
        r.route = i;
        r.db = worker_db(&r);
        if (!r.db) {
            srv_reply_problem(&r, 503, "database unavailable", NULL);
            goto done;
        }
        if (authenticate(&r) < 0) goto done;
        srv_routes[i].fn(&r);
        if (!r.status) {
            log_error("handler for %s %s sent no reply",
                      srv_routes[i].method, srv_routes[i].pattern);
            srv_reply_problem(&r, 500, "no reply", NULL);
        }
        goto done;
    }
    if (allow.len) {
        buf_adds(&allow, "\r\n");
        problem(&r, 405, "method not allowed on this path", NULL,
                buf_str(&allow));
    } else
        srv_reply_problem(&r, 404, "no such path", NULL);
done:
    buf_free(&allow);
    if (s->cfg->access_log)
        log_info("%s %s %d %.1fms", ri->request_method, path, r.status,
                 (now_s() - t0) * 1e3);
    return r.status;
}

/* on_end: count static file requests (CivetWeb served them). */
static void on_end(const struct mg_connection *conn, int status)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    struct srv *s = mg_get_user_data(mg_get_context(conn));

    if (ri->local_uri && is_api(ri->local_uri)) return;
    if (mg_get_user_connection_data(conn)) return; /* counted (refused) */
    count(s, s->nroutes, status, 0);
    if (s->cfg->access_log)
        log_info("%s %s %d static", ri->request_method,
                 ri->local_uri ? ri->local_uri : "?", status);
}

/* on_http_error: CivetWeb's own error answers (malformed requests, missing
 * files) go out as CivetWeb writes them, with additional_header. Except
 * one: an unknown HTTP version ("HTTP/9.9", "HTTP/1.1x") gets a 505 that
 * echoes the version in its status line; a malformed request line is the
 * client's fault, and a 5xx must mean ours (metrics, alerts): 400. */
static int on_http_error(struct mg_connection *conn, int status,
                         const char *msg)
{
    static const char body[] = "Error 400: Bad Request\n"
                               "unsupported HTTP version\n";

    (void)msg;
    if (status != 505) return 1;
    mg_printf(conn,
              "HTTP/1.1 400 Bad Request\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Length: %zu\r\n"
              "Cache-Control: no-store\r\n" SECURITY_PAGES "\r\n"
              "Connection: close\r\n\r\n%s",
              sizeof body - 1, body);
    return 0;
}

static int on_log(const struct mg_connection *conn, const char *message)
{
    (void)conn;
    log_warn("civetweb: %s", message);
    return 1;
}

static void *on_thread_start(const struct mg_context *ctx, int type)
{
    struct worker *w;

    if (type != 1) return NULL; /* 1: a worker thread */
    w = calloc(1, sizeof *w);
    if (w) w->srv = mg_get_user_data(ctx);
    return w;
}

static void on_thread_stop(const struct mg_context *ctx, int type, void *p)
{
    struct worker *w = p;

    (void)ctx;
    (void)type;
    if (!w) return;
    db_close(w->db);
    free(w);
}

/* ---------------------------------------------------------------- start */

enum rc srv_start(const struct config *cfg, struct srv **out)
{
    struct mg_callbacks cb;
    struct mg_server_port ports[4];
    struct srv *s = NULL;
    struct db *db = NULL;
    struct stat sb;
    char listen[128], threads[16], timeout[16];
    const char *opts[40];
    enum rc rc = RC_NOMEM;
    int n = 0;

    *out = NULL;
    s = calloc(1, sizeof *s);
    if (!s) goto out;
    s->cfg = cfg;
    s->dbo.busy_timeout_ms = cfg->busy_timeout_ms;
    s->dbo.synchronous = cfg->synchronous;
    s->dbo.cache_kib = 16384;
    s->started = time(NULL);
    while (srv_routes[s->nroutes].pattern) s->nroutes++;
    s->stats = calloc(s->nroutes + 2, sizeof *s->stats);
    if (!s->stats) goto out;
    /* Open once in this thread: creates the file and migrates it before
     * any worker races to. */
    rc = db_open(cfg->db, &s->dbo, &db);
    if (rc != RC_OK) goto out;
    db_close(db);

    snprintf(listen, sizeof listen, "%s:%d", cfg->listen, cfg->port);
    snprintf(threads, sizeof threads, "%d", cfg->threads);
    snprintf(timeout, sizeof timeout, "%d", cfg->request_timeout_ms);
    /* CivetWeb 1.15's settings, each explained in README (hardening). */
    opts[n++] = "listening_ports";
    opts[n++] = listen;
    opts[n++] = "num_threads"; /* = most connections served at once */
    opts[n++] = threads;
    opts[n++] = "connection_queue"; /* accepted, waiting for a worker */
    opts[n++] = "20";
    opts[n++] = "listen_backlog"; /* waiting in the kernel */
    opts[n++] = "200";
    opts[n++] = "request_timeout_ms"; /* whole header; each body read */
    opts[n++] = timeout;
    opts[n++] = "enable_keep_alive";
    opts[n++] = "yes";
    opts[n++] = "keep_alive_timeout_ms"; /* idle, it holds a worker */
    opts[n++] = "5000";
    opts[n++] = "tcp_nodelay";
    opts[n++] = "1";
    opts[n++] = "max_request_size"; /* request line + headers: 400 above */
    opts[n++] = "16384";
    opts[n++] = "cgi_pattern"; /* CGI off (on by default) */
    opts[n++] = "";
    opts[n++] = "ssi_pattern"; /* server-side includes off (on: .shtml) */
    opts[n++] = "";
    opts[n++] = "index_files"; /* not index.cgi, index.php, index.shtml */
    opts[n++] = "index.html";
    opts[n++] = "enable_directory_listing";
    opts[n++] = "no";
    opts[n++] = "access_control_allow_origin"; /* no CORS ("*" by default) */
    opts[n++] = "";
    opts[n++] = "static_file_max_age";
    opts[n++] = "0"; /* revalidate (304): a new page is seen at once */
    opts[n++] = "additional_header";
    opts[n++] = SECURITY_PAGES;
    if (cfg->public_dir && *cfg->public_dir &&
        stat(cfg->public_dir, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        opts[n++] = "document_root";
        opts[n++] = cfg->public_dir;
    }
    opts[n] = NULL;

    memset(&cb, 0, sizeof cb);
    cb.begin_request = on_request;
    cb.end_request = on_end;
    cb.log_message = on_log;
    cb.http_error = on_http_error;
    cb.init_thread = on_thread_start;
    cb.exit_thread = on_thread_stop;
    s->ctx = mg_start(&cb, s, opts);
    if (!s->ctx) {
        log_error("cannot listen on %s", listen);
        rc = RC_INTERNAL;
        goto out;
    }
    memset(ports, 0, sizeof ports);
    if (mg_get_server_ports(s->ctx, 4, ports) < 1) {
        log_error("cannot read the listening port");
        rc = RC_INTERNAL;
        goto out;
    }
    s->port = ports[0].port;
    set_base_url(s);
    if (cfg->sync_interval_s > 0 && strcmp(cfg->db, ":memory:") != 0) {
        struct fed_puller_config pc;

        memset(&pc, 0, sizeof pc);
        pc.db_path = cfg->db;
        pc.db = s->dbo;
        pc.self.base_url = s->base_url;
        pc.self.name = cfg->instance_name;
        pc.self.contact = cfg->contact;
        pc.self.version = ESSAIM_VERSION;
        pc.interval_s = cfg->sync_interval_s;
        pc.timeout_s = cfg->sync_timeout_s;
        s->puller = fed_puller_start(&pc);
        if (!s->puller) log_warn("federation: no puller thread");
    }
    /* Groups queue their messages to peers with federation's queue
     * (group/ cannot include federation/, which includes it). */
    group_peer_set_sender(fed_msg_queue);
    /* Messages to peers left waiting by the last run go now (the sender
     * ends at once when none wait). */
    if (strcmp(cfg->db, ":memory:") != 0) {
        struct fed_sender_config fc = srv_fed_sender(s);

        fed_sender_kick(&fc);
    }
    *out = s;
    s = NULL;
    rc = RC_OK;
out:
    srv_stop(s);
    return rc;
}

int srv_port(const struct srv *s)
{
    return s->port;
}

/* set_base_url: the instance's address: public_url, unless it was left at
 * its default while the server listens on another port (a second
 * instance on one machine), then http://localhost:PORT; without
 * public_url (tests), http://HOST:PORT. */
static void set_base_url(struct srv *s)
{
    const char *u = s->cfg->public_url, *host = s->cfg->listen;
    size_t n;

    if (u && *u && !(!strcmp(u, CONFIG_PUBLIC_URL_DEFAULT) && s->port != 8080))
        snprintf(s->base_url, sizeof s->base_url, "%s", u);
    else if (u && *u)
        snprintf(s->base_url, sizeof s->base_url, "http://localhost:%d",
                 s->port);
    else
        snprintf(s->base_url, sizeof s->base_url, "http://%s:%d",
                 host && *host && strcmp(host, "0.0.0.0") ? host
                                                          : "127.0.0.1",
                 s->port);
    n = strlen(s->base_url);
    while (n > 0 && s->base_url[n - 1] == '/') s->base_url[--n] = 0;
}

const char *srv_base_url(const struct srv *s)
{
    return s->base_url;
}

struct fed_sender_config srv_fed_sender(const struct srv *s)
{
    struct fed_sender_config c;

    memset(&c, 0, sizeof c);
    c.db_path = s->cfg->db;
    c.db = s->dbo;
    c.base_url = s->base_url;
    c.timeout_s = s->cfg->sync_timeout_s > 0 ? s->cfg->sync_timeout_s : 20;
    c.retry_s = s->cfg->outbox_retry_s > 0 ? s->cfg->outbox_retry_s : 30;
    return c;
}

void srv_pull_now(struct srv *s)
{
    fed_puller_kick(s->puller);
}

void srv_stop(struct srv *s)
{
    if (!s) return;
    fed_puller_stop(s->puller);
    if (s->ctx) mg_stop(s->ctx);
    if (s->cfg) fed_sender_stop(s->cfg->db); /* what waits goes next run */
    free(s->stats);
    free(s);
}

/* -------------------------------------------------------------- metrics */

static void metric_labels(struct buf *b, struct srv *s, size_t idx)
{
    if (idx < s->nroutes)
        buf_addf(b, "route=\"%s\",method=\"%s\"", srv_routes[idx].pattern,
                 srv_routes[idx].method);
    else if (idx == s->nroutes)
        buf_adds(b, "route=\"static\",method=\"GET\"");
    else
        buf_adds(b, "route=\"unmatched\",method=\"any\"");
}

char *srv_metrics_text(struct srv *s)
{
    struct buf b = {0};
    size_t i, c, k;

    buf_adds(&b, "# HELP essaim_http_requests_total HTTP requests by route,"
                 " method and status code.\n"
                 "# TYPE essaim_http_requests_total counter\n");
    for (i = 0; i < s->nroutes + 2; i++)
        for (c = 0; c < NCODES; c++) {
            unsigned long v = atomic_load(&s->stats[i].codes[c]);

            if (!v) continue;
            buf_adds(&b, "essaim_http_requests_total{");
            metric_labels(&b, s, i);
            if (c + 1 < NCODES)
                buf_addf(&b, ",code=\"%d\"} %lu\n", counted_codes[c], v);
            else
                buf_addf(&b, ",code=\"other\"} %lu\n", v);
        }
    buf_adds(&b, "# HELP essaim_http_request_duration_seconds Time to answer"
                 " an API request.\n"
                 "# TYPE essaim_http_request_duration_seconds histogram\n");
    for (i = 0; i < s->nroutes + 2; i++) {
        unsigned long total = 0, cum = 0;

        if (i == s->nroutes) continue; /* static files are not timed */
        for (k = 0; k <= NBOUNDS; k++)
            total += atomic_load(&s->stats[i].buckets[k]);
        if (!total) continue;
        for (k = 0; k <= NBOUNDS; k++) {
            cum += atomic_load(&s->stats[i].buckets[k]);
            buf_adds(&b, "essaim_http_request_duration_seconds_bucket{");
            metric_labels(&b, s, i);
            if (k < NBOUNDS)
                buf_addf(&b, ",le=\"%g\"} %lu\n", bounds[k], cum);
            else
                buf_addf(&b, ",le=\"+Inf\"} %lu\n", cum);
        }
        buf_adds(&b, "essaim_http_request_duration_seconds_sum{");
        metric_labels(&b, s, i);
        buf_addf(&b, "} %.6f\n",
                 (double)atomic_load(&s->stats[i].sum_us) / 1e6);
        buf_adds(&b, "essaim_http_request_duration_seconds_count{");
        metric_labels(&b, s, i);
        buf_addf(&b, "} %lu\n", total);
    }
    buf_addf(&b,
             "# HELP essaim_start_time_seconds Start time of the process.\n"
             "# TYPE essaim_start_time_seconds gauge\n"
             "essaim_start_time_seconds %lld\n",
             (long long)s->started);
    return buf_take(&b);
}
