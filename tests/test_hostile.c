/*
 * test_hostile.c: hostile traffic against a server on 127.0.0.1:0, over
 * raw sockets. 10,000 malformed requests in categories (bad request lines,
 * methods and versions, huge headers, huge bodies, Content-Length with
 * Transfer-Encoding, bad chunks, bad lengths, invalid UTF-8, deep JSON,
 * giant numbers, NUL bytes, slow clients) are each answered with a 4xx or
 * closed, never a 5xx and never a 2xx, while four well-behaved clients
 * keep searching and reading and get correct 200s throughout; nothing is
 * written. Then the security headers of pages, API answers and CivetWeb's
 * own errors, and the CivetWeb settings seen from outside (no CGI, no
 * server-side includes, no directory listing, no WebDAV, no CORS).
 *
 * Every request of the flood goes on its own connection, which is
 * half-closed once the request is sent: a request the server waits to
 * complete then ends at once (closed) instead of at the timeout; the slow
 * clients test the timeouts.
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#define TOTAL 10000     /* malformed requests, slow clients included */
#define SENDERS 4       /* threads sending the flood */
#define THREADS 20      /* the server's workers */
#define TIMEOUT_MS 2000 /* the server's request_timeout_ms */
#define NSEED 12        /* plumbers at Lyon the good clients find */
#define GOOD 4          /* well-behaved clients (the same searches: the
                           cache of answers is shared between threads) */

static struct test_server server;
static char www[128];        /* the server's document root */
static char auth[128];       /* "Authorization: Bearer T\r\n" (admin) */
static char ent_path[64];    /* /api/v1/entrepreneurs/ID of a plumber */
static char ent_name[64];    /* its display_name */
static atomic_int flooding;  /* the flood or the slow clients run */

/* A byte string that may hold NULs. */
struct bytes {
    const char *p;
    size_t n;
};
#define BYTES(s) {s, sizeof s - 1}

/* str: a JSON string's value, "" for anything else. */
static const char *str(json_t *v)
{
    return json_is_string(v) ? json_string_value(v) : "";
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* rnd: a small deterministic generator (each request is reproducible
 * from its category and number). */
static unsigned rnd(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7fff;
}

/* ---------------------------------------------------------- raw HTTP */

static int dial(void)
{
    struct sockaddr_in a;
    struct timeval tv = {5, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)srv_port(server.srv));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    /* A server that neither reads nor closes would block a send. */
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return fd;
}

/* status_of: the status code of an answer's first bytes, 0 if none. */
static int status_of(const char *head)
{
    const char *sp = strchr(head, ' ');

    if (strncmp(head, "HTTP/", 5) || !sp) return 0;
    return (int)strtol(sp + 1, NULL, 10);
}

/* await: read fd until the server closes it or timeout_ms pass; keep the
 * first bytes in head. Returns the answer's status, 0 when the server
 * closed without answering, -1 when nothing came in time. */
static int await(int fd, char *head, size_t size, int timeout_ms)
{
    double end = now() + timeout_ms / 1e3;
    size_t got = 0;
    char chunk[16384];

    head[0] = 0;
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        int left = (int)((end - now()) * 1e3);
        ssize_t n;

        if (left <= 0 || poll(&p, 1, left) <= 0) {
            if (!got) return -1;
            break; /* answered; the connection may stay open */
        }
        n = recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) break; /* closed, or reset */
        if (got + 1 < size) {
            size_t k = (size_t)n < size - 1 - got ? (size_t)n
                                                  : size - 1 - got;
            memcpy(head + got, chunk, k);
            got += k;
            head[got] = 0;
        }
    }
    return status_of(head);
}

/* exchange: one request on a new connection, half-closed once sent
 * (sending stops early if the server closes first, as after a 413). */
static int exchange(const char *req, size_t len, char *head, size_t size)
{
    int fd = dial(), status;
    size_t off = 0;

    while (off < len) {
        ssize_t n = send(fd, req + off, len - off, MSG_NOSIGNAL);

        if (n <= 0) break;
        off += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    status = await(fd, head, size, 10000);
    close(fd);
    return status;
}

/* ----------------------------------------------------------- requests */

#define HOST "Host: t\r\n"
#define JSON "Content-Type: application/json\r\n"

/* JSON endpoints the bodies go to; the admin's token reaches the
 * parsers and validators behind the authorization checks. */
static const char *const json_targets[] = {
    "POST /api/v1/cooperatives",    "POST /api/v1/entrepreneurs",
    "PATCH /api/v1/entrepreneurs/1", "POST /api/v1/requests",
    "POST /api/v1/tenders",         "POST /api/v1/auth/login",
    "POST /api/v1/accounts",        "POST /api/v1/time/posts",
    "POST /api/v1/groups",          "POST /api/v1/tenders/import",
};
#define NTARGETS (sizeof json_targets / sizeof json_targets[0])

/* post: a JSON request with Content-Length to the k-th target. */
static void post(struct buf *b, unsigned k, const char *body, size_t len)
{
    buf_addf(b, "%s HTTP/1.1\r\n" HOST JSON "%sContent-Length: %zu\r\n\r\n",
             json_targets[k % NTARGETS], auth, len);
    buf_add(b, body, len);
}

static void gen_request_line(struct buf *b, unsigned k)
{
    static const char *const v[] = {
        "GET\r\n\r\n",
        "GET /healthz\r\n\r\n",
        " / HTTP/1.1\r\n" HOST "\r\n",
        "GET healthz HTTP/1.1\r\n" HOST "\r\n",
        "GET http://other.example/healthz HTTP/1.1\r\n" HOST "\r\n",
        "\r\n\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost t\r\n\r\n",
        "GET /healthz HTTP/1.1\r\n" HOST "Bad Name: x\r\n\r\n",
        "GET /healthz HTTP/1.1\r\n" HOST ": empty name\r\n\r\n",
        "GET /api/v1/places?q=lyo\tHTTP/1.1\r\n" HOST "\r\n",
        "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03 tls hello\r\n\r\n",
    };
    unsigned s = k, i, n;

    if (k % 3) {
        buf_adds(b, v[k % (sizeof v / sizeof v[0])]);
        return;
    }
    /* Random bytes, no space (never a valid request line), then CRLFs. */
    n = 1 + rnd(&s) % 400;
    for (i = 0; i < n; i++) {
        char c = (char)(1 + rnd(&s) % 255);

        buf_addc(b, c == ' ' ? '!' : c);
    }
    buf_adds(b, "\r\n\r\n");
}

static void gen_method_version(struct buf *b, unsigned k)
{
    static const char *const methods[] = {
        "FOO /healthz",          "get /healthz",
        "G3T /healthz",          "TRACE /",
        "CONNECT 127.0.0.1:22",  "TRACK /",
        "PROPFIND /",            "PROPFIND /css/",
        "MKCOL /new/",           "PUT /index.html",
        "DELETE /index.html",    "OPTIONS /",
        "POST /index.html",      "COPY /index.html",
        "MOVE /index.html",      "LOCK /index.html",
        "PUT /api/v1/entrepreneurs/1", "DELETE /api/v1/places",
        "POST /healthz",         "PATCH /api/v1/search",
    };
    static const char *const versions[] = {
        "HTTP/9.9", "HTTP/2.0", "HTTP/1.1x", "HTTX/1.1", "HTTP/1",
        "HTTP/1.10", "HTTP/0.9", "http/1.1", "HTTP/1.1.1", "HTTP/",
        "HTTP/3", "HTTP/1.2",
    };
    unsigned s = k;

    if (k % 4 == 0) {
        unsigned i, n = 20 + rnd(&s) % 2000;

        for (i = 0; i < n; i++) buf_addc(b, (char)('A' + rnd(&s) % 26));
        buf_adds(b, " /healthz HTTP/1.1\r\n" HOST "\r\n");
    } else if (k % 2) {
        buf_addf(b, "%s HTTP/1.1\r\n" HOST "%s\r\n",
                 methods[rnd(&s) % (sizeof methods / sizeof methods[0])],
                 auth);
    } else {
        buf_addf(b, "GET /api/v1/places?q=lyo %s\r\n" HOST "\r\n",
                 versions[rnd(&s) % (sizeof versions / sizeof versions[0])]);
    }
}

static void gen_huge_headers(struct buf *b, unsigned k)
{
    unsigned s = k, i, n;

    switch (k % 5) {
    case 0: /* many short lines: over CivetWeb's 64 */
        n = 64 + rnd(&s) % 400;
        buf_adds(b, "GET /api/v1/places?q=lyo HTTP/1.1\r\n" HOST);
        for (i = 0; i < n; i++) buf_addf(b, "X-H%u: %u\r\n", i, i);
        buf_adds(b, "\r\n");
        break;
    case 1: /* one long line, 16 KiB to 200 KiB */
        n = 16384 + rnd(&s) * 6;
        buf_adds(b, "GET /healthz HTTP/1.1\r\n" HOST "X-Long: ");
        for (i = 0; i < n; i++) buf_addc(b, 'a');
        buf_adds(b, "\r\n\r\n");
        break;
    case 2: /* a long URI */
        n = 16384 + rnd(&s) * 4;
        buf_adds(b, "GET /api/v1/places?q=");
        for (i = 0; i < n; i++) buf_addc(b, 'a');
        buf_adds(b, " HTTP/1.1\r\n" HOST "\r\n");
        break;
    case 3: /* a long token, under the header limit: unknown, 401 */
        n = 1000 + rnd(&s) % 14000;
        buf_adds(b, "GET /api/v1/me HTTP/1.1\r\n" HOST
                    "Authorization: Bearer ");
        for (i = 0; i < n; i++) buf_addc(b, (char)('a' + i % 26));
        buf_adds(b, "\r\n\r\n");
        break;
    default: /* a long cookie on a route that needs an account: 401 */
        n = 1000 + rnd(&s) % 14000;
        buf_adds(b, "GET /api/v1/me HTTP/1.1\r\n" HOST
                    "Cookie: essaim_session=");
        for (i = 0; i < n; i++) buf_addc(b, 'z');
        buf_adds(b, "\r\n\r\n");
        break;
    }
}

/* The server's body_max in these tests (testutil.h). */
#define BODY_MAX 65536

static void gen_huge_body(struct buf *b, unsigned k)
{
    unsigned s = k, i;
    size_t n;

    switch (k % 4) {
    case 0: /* over body_max, sent whole: 413 */
        n = BODY_MAX + 1 + (size_t)rnd(&s) * 60;
        buf_addf(b, "POST /api/v1/cooperatives HTTP/1.1\r\n" HOST JSON
                    "%sContent-Length: %zu\r\n\r\n{\"name\":\"",
                 auth, n);
        for (i = 10; i < n; i++) buf_addc(b, 'x');
        buf_adds(b, "\"}");
        break;
    case 1: /* chunked, past body_max while being read */
        buf_addf(b, "PATCH /api/v1/entrepreneurs/1 HTTP/1.1\r\n" HOST JSON
                    "%sTransfer-Encoding: chunked\r\n\r\n",
                 auth);
        for (i = 0; i < 12 + rnd(&s) % 20; i++) {
            buf_adds(b, "2000\r\n");
            for (n = 0; n < 0x2000; n++) buf_addc(b, ' ');
            buf_adds(b, "\r\n");
        }
        buf_adds(b, "0\r\n\r\n");
        break;
    case 2: /* announced huge, little sent */
        buf_addf(b, "POST /api/v1/requests HTTP/1.1\r\n" HOST JSON
                    "Content-Length: %u000000000\r\n\r\n{\"title\":",
                 1 + rnd(&s) % 9);
        break;
    default: /* a body to a page */
        n = 1000 + (size_t)rnd(&s) * 30;
        buf_addf(b, "POST /index.html HTTP/1.1\r\n" HOST
                    "Content-Type: text/plain\r\nContent-Length: %zu\r\n\r\n",
                 n);
        for (i = 0; i < n; i++) buf_addc(b, 'p');
        break;
    }
}

static void gen_cl_te(struct buf *b, unsigned k)
{
    static const char *const te[] = {
        "chunked", "Chunked", " chunked", "chunked, identity", "identity",
        "gzip, chunked", "chunked\t",
    };
    static const char *const paths[] = {
        "POST /api/v1/cooperatives", "POST /api/v1/auth/login",
        "GET /api/v1/places?q=lyo", "POST /index.html", "GET /",
        "GET /healthz",
    };
    unsigned s = k;
    const char *t = te[rnd(&s) % (sizeof te / sizeof te[0])];
    const char *p = paths[rnd(&s) % (sizeof paths / sizeof paths[0])];

    if (k % 2)
        buf_addf(b, "%s HTTP/1.1\r\n" HOST JSON "%sContent-Length: 5\r\n"
                    "Transfer-Encoding: %s\r\n\r\n0\r\n\r\n",
                 p, auth, t);
    else
        buf_addf(b, "%s HTTP/1.1\r\n" HOST JSON "%sTransfer-Encoding: %s\r\n"
                    "Content-Length: 48\r\n\r\n0\r\n\r\n"
                    "GET /api/v1/me HTTP/1.1\r\n" HOST "\r\n",
                 p, auth, t);
}

static void gen_bad_chunked(struct buf *b, unsigned k)
{
    static const char *const bodies[] = {
        "zz\r\n{}\r\n0\r\n\r\n",
        "-2\r\n{}\r\n0\r\n\r\n",
        "ffffffffffffffffffff\r\n{}\r\n0\r\n\r\n",
        "7fffffffffffffff\r\n{}\r\n0\r\n\r\n",
        "2\r\n{}XX0\r\n\r\n",
        "10\r\n{}\r\n0\r\n\r\n",
        "0x2\r\n{}\r\n0\r\n\r\n",
        " 2\r\n{}\r\n0\r\n\r\n",
        "2\r\n{}\r\n",
        "\r\n\r\n",
        "2\n{}\n0\n\n",
        "1\r\n{\r\n1\r\n}\r\nq\r\n\r\n",
        "2;" "name=" "\"unterminated\r\n{}\r\n0\r\n\r\n",
    };
    static const char *const te[] = {"chunked", "gzip", "chunked, gzip",
                                     "xchunked", "chunked;q=1"};
    unsigned s = k;

    buf_addf(b, "%s HTTP/1.1\r\n" HOST JSON "%sTransfer-Encoding: %s\r\n\r\n",
             json_targets[rnd(&s) % NTARGETS], auth,
             k % 5 ? "chunked" : te[rnd(&s) % (sizeof te / sizeof te[0])]);
    if (k % 11 == 0) { /* a long chunk extension */
        unsigned i, n = 100 + rnd(&s) % 20000;

        buf_adds(b, "2;");
        for (i = 0; i < n; i++) buf_addc(b, 'e');
        buf_adds(b, "\r\n{}\r\n0\r\n\r\n");
        return;
    }
    buf_adds(b, bodies[rnd(&s) % (sizeof bodies / sizeof bodies[0])]);
}

static void gen_bad_length(struct buf *b, unsigned k)
{
    static const char *const cl[] = {
        "-1", "-99999999999", "99999999999999999999999",
        "9223372036854775807", "9223372036854775808", "abc", "1e9", "0x10",
        "", "5 5", "5,5", "18446744073709551616", "-0x1",
    };
    unsigned s = k;
    const char *target = json_targets[rnd(&s) % NTARGETS];

    switch (k % 3) {
    case 0:
        buf_addf(b, "%s HTTP/1.1\r\n" HOST JSON "%sContent-Length: %s\r\n\r\n"
                    "{\"x\":1}",
                 target, auth, cl[rnd(&s) % (sizeof cl / sizeof cl[0])]);
        break;
    case 1: /* two that disagree */
        buf_addf(b, "%s HTTP/1.1\r\n" HOST JSON "%sContent-Length: 2\r\n"
                    "Content-Length: %u\r\n\r\n{}",
                 target, auth, 3 + rnd(&s) % 100);
        break;
    default: /* longer than what is sent */
        buf_addf(b, "%s HTTP/1.1\r\n" HOST JSON "%sContent-Length: %u\r\n\r\n"
                    "{\"name\":\"x\"}",
                 target, auth, 13 + rnd(&s) % 60000);
        break;
    }
}

static void gen_utf8(struct buf *b, unsigned k)
{
    static const char *const bad[] = {
        "\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "\xf4\x90\x80\x80",
        "\xfe\xfe", "\x80", "\xf8\x88\x80\x80\x80", "caf\xe9",
    };
    static const char *const pct[] = {
        "%ff", "%c0%af", "%ed%a0%80", "%e2%82", "%f4%90%80%80", "%fe%fe",
        "%80", "caf%e9", "%c3",
    };
    static const char *const queries[] = {
        "/api/v1/places?q=", "/api/v1/search?q=", "/api/v1/search?near=",
        "/api/v1/search?q=plombier&trade=", "/api/v1/tenders?q=",
        "/api/v1/entrepreneurs?cursor=", "/api/v1/search?q=a&cursor=",
        "/api/v1/search?q=a&cooperative=",
    };
    static const char *const paths[] = {
        "/api/v1/entrepreneurs/", "/api/v1/tenders/", "/", "/css/",
        "/catalogues/", "/api/v1/", "/api/v1/offers/1/photos/",
    };
    unsigned s = k;
    char body[128];

    switch (k % 5) {
    case 0: /* percent-encoded in the path */
        buf_addf(b, "GET %s%s HTTP/1.1\r\n" HOST "\r\n",
                 paths[rnd(&s) % (sizeof paths / sizeof paths[0])],
                 pct[rnd(&s) % (sizeof pct / sizeof pct[0])]);
        break;
    case 1: /* raw bytes in the path */
        buf_addf(b, "GET %sx%s HTTP/1.1\r\n" HOST "\r\n",
                 paths[rnd(&s) % (sizeof paths / sizeof paths[0])],
                 bad[rnd(&s) % (sizeof bad / sizeof bad[0])]);
        break;
    case 2: /* in a query parameter */
        buf_addf(b, "GET %s%s HTTP/1.1\r\n" HOST "\r\n",
                 queries[rnd(&s) % (sizeof queries / sizeof queries[0])],
                 pct[rnd(&s) % (sizeof pct / sizeof pct[0])]);
        break;
    case 3: /* raw, in a JSON string */
        snprintf(body, sizeof body, "{\"name\":\"Co%sop\",\"title\":\"t\"}",
                 bad[rnd(&s) % (sizeof bad / sizeof bad[0])]);
        post(b, rnd(&s), body, strlen(body));
        break;
    default: /* escaped lone surrogates, in keys and values */
        snprintf(body, sizeof body, "{\"%s\":\"%s\"}",
                 rnd(&s) % 2 ? "name" : "\\udc00",
                 rnd(&s) % 2 ? "\\ud800" : "a\\udfffb");
        post(b, rnd(&s), body, strlen(body));
        break;
    }
}

static void gen_deep_json(struct buf *b, unsigned k)
{
    struct buf j = {0};
    unsigned s = k, i, depth;

    if (k % 4 == 3) { /* deep inside a field, under the limit */
        depth = 2 + rnd(&s) % 60;
        buf_adds(&j, "{\"name\":");
        for (i = 0; i < depth; i++) buf_adds(&j, "[");
        for (i = 0; i < depth; i++) buf_adds(&j, "]");
        buf_adds(&j, ",\"title\":{\"a\":{\"b\":{\"c\":[1]}}}}");
    } else {
        depth = 65 + rnd(&s) * 30000u / 32768u; /* 65 .. 30064 */
        for (i = 0; i < depth; i++)
            buf_adds(&j, k % 2 ? "[" : "{\"a\":");
        if (k % 8 < 4) /* closed, or cut short */
            for (i = 0; i < depth; i++) buf_adds(&j, k % 2 ? "]" : "}");
    }
    post(b, rnd(&s), j.p, j.len);
    buf_free(&j);
}

static void gen_giant_numbers(struct buf *b, unsigned k)
{
    static const char *const nums[] = {
        "1e999",  "-1e999", "-1e400", "1e308", "-1e308", "123456789e999",
        "99999999999999999999999", "-99999999999999999999999",
        "9223372036854775808", "1.7976931348623157e309", "0.1e400",
    };
    /* JSON fields, as the text before the number and after it. */
    static const char *const fields[][2] = {
        {"{\"intervention\":{\"radius_km\":", "}}"},
        {"{\"location\":{\"insee\":\"69123\",\"lat\":", ",\"lon\":4.8}}"},
        {"{\"availability\":{\"days_per_week\":", "}}"},
        {"{\"hours\":", ",\"to\":\"1\"}"},
        {"{\"budget\":", ",\"title\":\"t\"}"},
        {"{\"value\":", "}"},
        {"{\"limit\":", "}"},
        {"{\"name\":", "}"},
    };
    static const char *const queries[][2] = {
        {"/api/v1/search?q=plombier&limit=", ""},
        {"/api/v1/search?q=plombier&near=Lyon&radius_km=", ""},
        {"/api/v1/search?near=", ",4.8"},
        {"/api/v1/search?near=45.7,", ""},
        {"/api/v1/tenders/1/teams?k=", ""},
        {"/api/v1/tenders/1/teams?max_size=", ""},
        {"/api/v1/places?q=l&limit=", ""},
        {"/api/v1/search?q=a&available_on=", "-01-01"},
        {"/api/v1/stats/demand?from=", ""},
        {"/api/v1/entrepreneurs?limit=", ""},
        {"/api/v1/entrepreneurs/", ""},
        {"/api/v1/time/accounts/", ""},
    };
    unsigned s = k, i;
    const char *n = nums[rnd(&s) % (sizeof nums / sizeof nums[0])];
    struct buf j = {0};

    if (k % 5 == 4) { /* thousands of digits: too big for int64, double */
        unsigned len = 400 + rnd(&s) % 20000;

        buf_adds(&j, "{\"intervention\":{\"radius_km\":");
        for (i = 0; i < len; i++) buf_addc(&j, (char)('1' + i % 9));
        buf_adds(&j, k % 2 ? ".5}}" : "}}");
        post(b, rnd(&s), j.p, j.len);
    } else if (k % 2) {
        i = rnd(&s) % (sizeof fields / sizeof fields[0]);
        buf_adds(&j, fields[i][0]);
        buf_adds(&j, n);
        buf_adds(&j, fields[i][1]);
        post(b, rnd(&s), j.p, j.len);
    } else {
        n = rnd(&s) % 2 ? "99999999999999999999999" : "1e999";
        i = rnd(&s) % (sizeof queries / sizeof queries[0]);
        buf_addf(b, "GET %s%s%s HTTP/1.1\r\n" HOST "\r\n", queries[i][0], n,
                 queries[i][1]);
    }
    buf_free(&j);
}

static void gen_nul(struct buf *b, unsigned k)
{
    static const struct bytes raw[] = {
        BYTES("G\0T /healthz HTTP/1.1\r\n" HOST "\r\n"),
        BYTES("GET /api\0/v1/places?q=lyo HTTP/1.1\r\n" HOST "\r\n"),
        BYTES("GET /healthz HTTP/1.1\0\r\n" HOST "\r\n"),
        BYTES("GET /healthz HTTP/1.1\r\nHo\0st: t\r\n\r\n"),
        BYTES("GET /healthz HTTP/1.1\r\nHost: t\0evil\r\n\r\n"),
        BYTES("\0\0\0\0\r\n\r\n"),
    };
    static const char *const queries[] = {
        "/api/v1/places?q=ly%00on", "/api/v1/search?q=plombier%00",
        "/api/v1/search?q=a&near=Lyon%00", "/api/v1/tenders?q=%00",
        "/api/v1/search?q=a&trade=F16%0003",
    };
    static const struct bytes bodies[] = {
        BYTES("{\"name\":\"a\\u0000b\"}"), BYTES("{\"na\\u0000me\":\"x\"}"),
        BYTES("{\"name\":\"a\0b\"}"),      BYTES("{\"name\0\":\"x\"}"),
        BYTES("\0\0\0\0"),                 BYTES("{}\0"),
    };
    unsigned s = k, i;

    switch (k % 3) {
    case 0:
        i = rnd(&s) % (sizeof raw / sizeof raw[0]);
        buf_add(b, raw[i].p, raw[i].n);
        break;
    case 1:
        buf_addf(b, "GET %s HTTP/1.1\r\n" HOST "\r\n",
                 queries[rnd(&s) % (sizeof queries / sizeof queries[0])]);
        break;
    default:
        i = rnd(&s) % (sizeof bodies / sizeof bodies[0]);
        post(b, rnd(&s), bodies[i].p, bodies[i].n);
        break;
    }
}

/* --------------------------------------------------------- categories */

struct category {
    const char *name;
    int planned;                     /* requests of this category */
    void (*gen)(struct buf *, unsigned);
    atomic_int sent, closed, late;   /* closed unanswered; no answer */
    atomic_int codes[600];           /* answers by status */
};

static struct category cats[] = {
    {.name = "bad request line", .planned = 1200, .gen = gen_request_line},
    {.name = "bad method/version", .planned = 1000, .gen = gen_method_version},
    {.name = "huge headers/URI", .planned = 700, .gen = gen_huge_headers},
    {.name = "huge bodies", .planned = 300, .gen = gen_huge_body},
    {.name = "CL + TE", .planned = 600, .gen = gen_cl_te},
    {.name = "bad chunked", .planned = 900, .gen = gen_bad_chunked},
    {.name = "bad Content-Length", .planned = 800, .gen = gen_bad_length},
    {.name = "invalid UTF-8", .planned = 1200, .gen = gen_utf8},
    {.name = "deep JSON", .planned = 600, .gen = gen_deep_json},
    {.name = "giant numbers", .planned = 1492, .gen = gen_giant_numbers},
    {.name = "NUL bytes", .planned = 1200, .gen = gen_nul},
    {.name = "slow clients", .planned = 8, .gen = NULL}, /* slow_client() */
};
#define NCATS (sizeof cats / sizeof cats[0])

/* The flood's requests in the order they are sent. */
struct planned {
    unsigned char cat;  /* index in cats[] */
    unsigned short k;   /* number within the category */
};
static struct planned plan[TOTAL];
static int nplan;
static atomic_int next_req;

static void record(struct category *c, int status, const struct buf *req,
                   unsigned k)
{
    atomic_fetch_add(&c->sent, 1);
    if (status < 0)
        atomic_fetch_add(&c->late, 1);
    else if (status == 0)
        atomic_fetch_add(&c->closed, 1);
    else
        atomic_fetch_add(&c->codes[status < 600 ? status : 599], 1);
    if (status < 0 || (status > 0 && status < 400) || status >= 500) {
        char line[401];
        size_t i, n = !req ? 0 : req->len < 400 ? req->len : 400;

        for (i = 0; i < n; i++) {
            char ch = req->p[i];

            line[i] = ch >= 32 && ch < 127 ? ch : '.';
        }
        line[n] = 0;
        print_message("  %s #%u: %d for: %s\n", c->name, k, status, line);
    }
}

static void *sender(void *arg)
{
    struct buf b = {0};
    char head[256];
    int j;

    (void)arg;
    while ((j = atomic_fetch_add(&next_req, 1)) < nplan) {
        struct category *c = &cats[plan[j].cat];

        buf_reset(&b);
        c->gen(&b, plan[j].k);
        assert_false(buf_oom(&b));
        record(c, exchange(b.p, b.len, head, sizeof head), &b, plan[j].k);
    }
    buf_free(&b);
    return NULL;
}

/* slow_client: k 0-3 send a header a byte a second and never finish it;
 * 4-5 send nothing; 6-7 send a 6-byte body a byte a second. The first
 * six must be cut off by request_timeout_ms; the last two answered. */
struct slow {
    unsigned k;
    int status;
    double secs; /* until answered or closed */
};

static void *slow_client(void *arg)
{
    static const char head[] =
        "GET /api/v1/places?q=lyo HTTP/1.1\r\n" HOST "X-Slow: ";
    static const char post_head[] =
        "POST /api/v1/auth/login HTTP/1.1\r\n" HOST JSON
        "Content-Length: 6\r\n\r\n";
    struct slow *sl = arg;
    const char *body = "{\"e\":}";
    double t0 = now();
    char answer[256];
    int fd = dial(), i;

    sl->status = -1;
    if (sl->k < 4) send(fd, head, sizeof head - 1, MSG_NOSIGNAL);
    if (sl->k >= 6) send(fd, post_head, sizeof post_head - 1, MSG_NOSIGNAL);
    for (i = 0; i < 30; i++) {
        int st;

        if (sl->k < 4 && send(fd, "b", 1, MSG_NOSIGNAL) != 1) break;
        if (sl->k >= 6 && i < 6 &&
            send(fd, body + i, 1, MSG_NOSIGNAL) != 1)
            break;
        st = await(fd, answer, sizeof answer, 1000);
        if (st >= 0) { /* answered, or closed */
            sl->status = st;
            break;
        }
    }
    sl->secs = now() - t0;
    close(fd);
    return NULL;
}

/* ------------------------------------------------------- good client */

struct good {
    int ok, bad;
    double worst; /* slowest answer, seconds */
};

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    buf_add(arg, p, size * n);
    return size * n;
}

/* get: GET path on the handle's kept-alive connection; the parsed body
 * (a new reference) or NULL unless 200. */
static json_t *get(CURL *c, const char *path, double *secs)
{
    struct buf body = {0};
    char url[512];
    long status = 0;
    json_t *doc = NULL;
    double t0 = now();

    snprintf(url, sizeof url, "%s%s", server.base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    if (curl_easy_perform(c) == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        if (status == 200) doc = json_loadb(body.p, body.len, 0, NULL);
    }
    if (status != 200)
        print_message("  good client: %s: %ld\n", path, status);
    *secs = now() - t0;
    buf_free(&body);
    return doc;
}

static void *good_client(void *arg)
{
    /* Searches and the commune they resolve near= to (69003 is the
     * INSEE code of Albigny-sur-Saône, 13 km from Lyon). */
    static const char *const searches[][2] = {
        {"/api/v1/search?q=plombier&near=Lyon", "69123"},
        {"/api/v1/search?q=plombier%20chauffagiste&near=69123", "69123"},
        {"/api/v1/search?q=plomberie&near=69003", "69003"},
    };
    struct good *g = arg;
    CURL *c = curl_easy_init();
    unsigned i;

    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    for (i = 0; atomic_load(&flooding); i++) {
        json_t *doc;
        double secs;
        int right;

        switch (i % 3) {
        case 0:
            doc = get(c, searches[i / 3 % 3][0], &secs);
            right = json_integer_value(json_object_get(doc, "total")) ==
                        NSEED &&
                    !strcmp(str(json_object_get(json_object_get(doc, "place"),
                                                "insee")),
                            searches[i / 3 % 3][1]);
            break;
        case 1:
            doc = get(c, ent_path, &secs);
            right = !strcmp(str(json_object_get(doc, "display_name")),
                            ent_name);
            break;
        default:
            doc = get(c, "/api/v1/places?q=lyo&limit=3", &secs);
            right = !strcmp(str(json_object_get(
                                json_array_get(json_object_get(doc, "results"),
                                               0),
                                "insee")),
                            "69123");
            break;
        }
        if (!right && !g->bad) {
            char *text = doc ? json_dumps(doc, 0) : NULL;

            print_message("  good client: wrong answer (%u): %.300s\n",
                          i % 3, text ? text : "(none)");
            free(text);
        }
        json_decref(doc);
        if (right)
            g->ok++;
        else
            g->bad++;
        if (secs > g->worst) g->worst = secs;
    }
    curl_easy_cleanup(c);
    return NULL;
}

/* -------------------------------------------------------------- setup */

static void write_file(const char *dir, const char *name, const char *text,
                       mode_t mode)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

/* rows: count the rows of a table, through a connection of our own. */
static int rows(const char *table)
{
    struct db *db = NULL;
    char sql[128];
    int n;

    assert_int_equal(db_open(server.db, NULL, &db), RC_OK);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    n = test_count(db, sql);
    db_close(db);
    return n;
}

static int setup(void **state)
{
    char sub[192], body[512];
    json_t *doc = NULL;
    int i;

    (void)state;
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    test_server_start(&server);
    /* A document root of our own: files that CGI, server-side includes,
     * index files or a listing would act on. */
    snprintf(www, sizeof www, "%s/www", server.dir);
    assert_int_equal(mkdir(www, 0755), 0);
    write_file(www, "index.html",
               "<!doctype html><title>t</title>"
               "<script type=\"module\" src=\"/t.js\"></script>\n", 0644);
    write_file(www, "t.cgi",
               "#!/bin/sh\necho 'Content-Type: text/plain'\necho\n"
               "echo CGI-RAN\n",
               0755);
    write_file(www, "t.shtml", "<!--#include file=\"secret.txt\" -->\n",
               0644);
    write_file(www, "secret.txt", "SECRET-INCLUDED\n", 0644);
    snprintf(sub, sizeof sub, "%s/sub", www);
    assert_int_equal(mkdir(sub, 0755), 0);
    write_file(sub, "listed-file.txt", "x\n", 0644);
    write_file(sub, "index.cgi", "#!/bin/sh\necho\necho CGI-RAN\n", 0755);
    /* Again with our settings: more workers than the flood's connections
     * and the slow clients together, a short timeout to wait less. */
    srv_stop(server.srv);
    server.cfg.public_dir = www;
    server.cfg.threads = THREADS;
    server.cfg.request_timeout_ms = TIMEOUT_MS;
    assert_int_equal(srv_start(&server.cfg, &server.srv), RC_OK);
    snprintf(server.base, sizeof server.base, "http://127.0.0.1:%d",
             srv_port(server.srv));
    snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", server.admin);

    assert_int_equal(test_call(&server, server.admin, "POST",
                               "/api/v1/cooperatives",
                               "{\"external_id\":\"h1\",\"name\":\"Coop\","
                               "\"siret\":\"732 829 320 00074\",\"sites\":"
                               "[{\"insee\":\"69123\"}]}",
                               NULL),
                     201);
    for (i = 0; i < NSEED; i++) {
        snprintf(body, sizeof body,
                 "{\"external_id\":\"p%d\",\"cooperative_external_id\":"
                 "\"h1\",\"display_name\":\"Plombier %d\",\"headline\":"
                 "\"Plombier chauffagiste\",\"trades\":[{\"code\":\"F1603\","
                 "\"scheme\":\"rome\"}],\"location\":{\"insee\":\"69123\"},"
                 "\"intervention\":{\"radius_km\":30},\"visibility\":"
                 "\"public\"}",
                 i, i);
        assert_int_equal(test_call(&server, server.admin, "POST",
                                   "/api/v1/entrepreneurs", body, &doc),
                         201);
        snprintf(ent_path, sizeof ent_path, "/api/v1/entrepreneurs/%s",
                 json_string_value(json_object_get(doc, "id")));
        snprintf(ent_name, sizeof ent_name, "Plombier %d", i);
        json_decref(doc);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_stop(&server);
    curl_global_cleanup();
    return 0;
}

/* -------------------------------------------------------------- tests */

static void hostile_traffic(void **state)
{
    static const char *const tables[] = {"cooperative", "entrepreneur",
                                         "account", "tender", "request",
                                         "time_post", "grp", "offer"};
#define NTABLES (sizeof tables / sizeof tables[0])
    pthread_t senders[SENDERS], slow_t[8], good_t[GOOD];
    struct slow slow[8];
    struct good good[GOOD];
    struct test_reply r;
    int before[NTABLES], total = 0, bad = 0, i, j;
    unsigned s = 7;
    double t0 = now(), t_flood;
    size_t c;

    (void)state;
    memset(good, 0, sizeof good);
    for (c = 0; c < NTABLES; c++) before[c] = rows(tables[c]);
    /* The plan: every category's requests, shuffled. */
    for (c = 0; c < NCATS; c++) {
        total += cats[c].planned;
        if (!cats[c].gen) continue;
        for (j = 0; j < cats[c].planned; j++, nplan++) {
            plan[nplan].cat = (unsigned char)c;
            plan[nplan].k = (unsigned short)j;
        }
    }
    assert_int_equal(total, TOTAL);
    for (i = nplan - 1; i > 0; i--) {
        int o = (int)((rnd(&s) * 32768u + rnd(&s)) % (unsigned)(i + 1));
        struct planned tmp = plan[i];

        plan[i] = plan[o];
        plan[o] = tmp;
    }
    atomic_store(&next_req, 0);
    atomic_store(&flooding, 1);
    for (i = 0; i < GOOD; i++)
        assert_int_equal(
            pthread_create(&good_t[i], NULL, good_client, &good[i]), 0);
    for (i = 0; i < 8; i++) {
        slow[i].k = (unsigned)i;
        assert_int_equal(
            pthread_create(&slow_t[i], NULL, slow_client, &slow[i]), 0);
    }
    for (i = 0; i < SENDERS; i++)
        assert_int_equal(pthread_create(&senders[i], NULL, sender, NULL), 0);
    for (i = 0; i < SENDERS; i++) pthread_join(senders[i], NULL);
    t_flood = now() - t0;
    for (i = 0; i < 8; i++) {
        pthread_join(slow_t[i], NULL);
        record(&cats[NCATS - 1], slow[i].status, NULL, (unsigned)i);
    }
    atomic_store(&flooding, 0);
    for (i = 0; i < GOOD; i++) pthread_join(good_t[i], NULL);

    print_message("%-20s %6s %6s %6s %5s %5s  %s\n", "category", "sent",
                  "4xx", "closed", "2-3xx", "5xx", "answers");
    for (c = 0; c < NCATS; c++) {
        struct category *k = &cats[c];
        int c4 = 0, c5 = 0, ok = 0, code;
        char codes[256] = "";
        size_t len = 0;

        for (code = 100; code < 600; code++) {
            int v = atomic_load(&k->codes[code]);

            if (!v) continue;
            if (code >= 500)
                c5 += v;
            else if (code >= 400)
                c4 += v;
            else
                ok += v;
            len += (size_t)snprintf(codes + len, sizeof codes - len,
                                    "%d:%d ", code, v);
            if (len >= sizeof codes) len = sizeof codes - 1;
        }
        print_message("%-20s %6d %6d %6d %5d %5d  %s\n", k->name,
                      atomic_load(&k->sent), c4, atomic_load(&k->closed), ok,
                      c5, codes);
        assert_int_equal(atomic_load(&k->sent), k->planned);
        assert_int_equal(c4 + atomic_load(&k->closed), k->planned);
        bad += ok + c5 + atomic_load(&k->late);
    }
    print_message("%d malformed requests in %.1f s (the flood: %.1f s)\n",
                  TOTAL, now() - t0, t_flood);
    for (i = 0; i < GOOD; i++)
        print_message("good client %d: %d right, %d wrong, slowest %.0f ms\n",
                      i, good[i].ok, good[i].bad, good[i].worst * 1e3);
    for (i = 0; i < 8; i++)
        print_message("  slow client %d: %d after %.1f s\n", i,
                      slow[i].status, slow[i].secs);
    assert_int_equal(bad, 0);
    /* Slow headers and silent connections are cut at request_timeout_ms;
     * the slow bodies are answered once complete (a byte a second). */
    for (i = 0; i < 6; i++) {
        assert_true(slow[i].status == 0 || slow[i].status == 400 ||
                    slow[i].status == 408);
        assert_true(slow[i].secs >= TIMEOUT_MS / 1e3 - 0.2);
        assert_true(slow[i].secs <= TIMEOUT_MS / 1e3 + 4);
    }
    for (i = 6; i < 8; i++) assert_int_equal(slow[i].status, 400);
    /* The well-behaved clients were served right throughout. */
    for (i = 0; i < GOOD; i++) {
        assert_int_equal(good[i].bad, 0);
        assert_true(good[i].ok >= 30);
    }
    /* Nothing was written; the server is alive, and never answered 5xx. */
    for (c = 0; c < NTABLES; c++)
        assert_int_equal(rows(tables[c]), before[c]);
    test_http(&server, "GET", "/healthz", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    test_reply_free(&r);
    test_http(&server, "GET", "/metrics", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_null(strstr(buf_str(&r.body), "code=\"5"));
    assert_non_null(strstr(buf_str(&r.body), "code=\"413\""));
    test_reply_free(&r);
}

/* has: does the reply carry this header line (exact text, any case of
 * the name is not needed: we write them)? */
static int has(const struct test_reply *r, const char *line)
{
    return strstr(buf_str(&r->headers), line) != NULL;
}

static void security_headers(void **state)
{
    static const char *const origin[] = {"Origin: https://evil.example",
                                         NULL};
    static const char *const api[] = {"/api/v1/places?q=lyo",
                                      "/api/v1/nothing", "/healthz",
                                      "/api/v1/entrepreneurs?limit=0"};
    struct test_reply r;
    char head[2048];
    size_t i;
    int fd;

    (void)state;
    /* A page: a CSP without inline script, no framing, no sniffing. */
    test_http_full(&server, NULL, "GET", "/", NULL, NULL, origin, &r);
    assert_int_equal(r.status, 200);
    assert_true(has(&r, "Content-Security-Policy: default-src 'self';"));
    assert_true(has(&r, "frame-ancestors 'none'"));
    assert_true(has(&r, "object-src 'none'"));
    assert_true(has(&r, "form-action 'self'"));
    assert_false(has(&r, "unsafe-inline"));
    assert_false(has(&r, "unsafe-eval"));
    assert_true(has(&r, "X-Content-Type-Options: nosniff"));
    assert_true(has(&r, "Referrer-Policy: same-origin"));
    assert_false(has(&r, "Access-Control-Allow-Origin"));
    test_reply_free(&r);
    /* API answers, errors included: nothing may run or frame them. */
    for (i = 0; i < sizeof api / sizeof api[0]; i++) {
        test_http_full(&server, NULL, "GET", api[i], NULL, NULL, origin, &r);
        assert_true(r.status == 200 || r.status == 400 || r.status == 404);
        assert_true(has(&r, "Content-Security-Policy: default-src 'none';"
                            " frame-ancestors 'none'\r\n"));
        assert_true(has(&r, "X-Content-Type-Options: nosniff"));
        assert_true(has(&r, "Referrer-Policy: same-origin"));
        assert_false(has(&r, "Access-Control-Allow-Origin"));
        test_reply_free(&r);
    }
    /* CivetWeb's own errors carry them too. */
    test_http(&server, "GET", "/missing.html", NULL, NULL, &r);
    assert_int_equal(r.status, 404);
    assert_true(has(&r, "frame-ancestors 'none'"));
    assert_true(has(&r, "X-Content-Type-Options: nosniff"));
    test_reply_free(&r);
    fd = dial();
    assert_true(send(fd, "GET / HTTP/9.9\r\n\r\n", 18, 0) == 18);
    assert_int_equal(await(fd, head, sizeof head, 5000), 400);
    close(fd);
    assert_non_null(strstr(head, "frame-ancestors 'none'"));
}

/* A page may not hold a script, an event handler or a style of its own:
 * the CSP would block them (default-src 'self'). */
static void pages_have_no_inline_script(void **state)
{
    DIR *d = opendir("public");
    struct dirent *e;
    int pages = 0;

    (void)state;
    assert_non_null(d);
    while ((e = readdir(d))) {
        char path[512], *text, *p;
        size_t n = strlen(e->d_name);
        FILE *f;
        long len;

        if (n < 5 || strcmp(e->d_name + n - 5, ".html")) continue;
        snprintf(path, sizeof path, "public/%s", e->d_name);
        f = fopen(path, "rb");
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        len = ftell(f);
        rewind(f);
        text = calloc(1, (size_t)len + 1);
        assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
        fclose(f);
        pages++;
        for (p = text; (p = strstr(p, "<script")); p++) {
            char *end = strchr(p, '>');

            assert_non_null(end);
            if (!memmem(p, (size_t)(end - p), " src=", 5) ||
                strncmp(end, "></script>", 10))
                fail_msg("%s: an inline script", path);
        }
        for (p = text; *p; p++) {
            if ((p[0] == ' ' || p[0] == '\n') && p[1] == 'o' && p[2] == 'n') {
                char *q = p + 3;

                while (*q >= 'a' && *q <= 'z') q++;
                if (q > p + 3 && *q == '=')
                    fail_msg("%s: an event handler attribute (%.20s)",
                             path, p + 1);
            }
        }
        if (strstr(text, " style=") || strstr(text, "<style") ||
            strstr(text, "javascript:"))
            fail_msg("%s: an inline style or a javascript: URL", path);
        free(text);
    }
    closedir(d);
    assert_true(pages >= 10);
}

static void civetweb_settings(void **state)
{
    static const char *const methods[] = {"PUT",  "DELETE", "PROPFIND",
                                          "MKCOL", "POST",  "OPTIONS"};
    struct test_reply r;
    char path[256];
    size_t i;

    (void)state;
    /* CGI off: the script is a file, sent, not run. */
    test_http(&server, "GET", "/t.cgi", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(buf_str(&r.body), "#!/bin/sh"));
    test_reply_free(&r);
    /* Server-side includes off. */
    test_http(&server, "GET", "/t.shtml", NULL, NULL, &r);
    assert_null(strstr(buf_str(&r.body), "SECRET-INCLUDED"));
    test_reply_free(&r);
    /* No listing, and index.cgi is no index file. */
    test_http(&server, "GET", "/sub/", NULL, NULL, &r);
    assert_true(r.status == 403 || r.status == 404);
    assert_null(strstr(buf_str(&r.body), "listed-file"));
    assert_null(strstr(buf_str(&r.body), "CGI-RAN"));
    test_reply_free(&r);
    /* Pages are only read: no WebDAV, no upload, no deletion. */
    for (i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        test_http(&server, methods[i], "/sub/new.txt", "x", "text/plain",
                  &r);
        assert_int_equal(r.status, 405);
        assert_true(has(&r, "Allow: GET, HEAD"));
        test_reply_free(&r);
    }
    snprintf(path, sizeof path, "%s/sub/new.txt", www);
    assert_int_equal(access(path, F_OK), -1);
    test_http(&server, "GET", "/../../../../etc/passwd", NULL, NULL, &r);
    assert_int_equal(r.status, 404);
    test_reply_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(security_headers),
        cmocka_unit_test(pages_have_no_inline_script),
        cmocka_unit_test(civetweb_settings),
        cmocka_unit_test(hostile_traffic),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
