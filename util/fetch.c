/*
 * fetch.c: HTTP GET with libcurl (see fetch.h).
 */
#include "fetch.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"

struct sink {
    struct buf body;
    long max;
    int toobig;
    struct fetch_result *res;
};

void fetch_global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

int fetch_is_url(const char *s)
{
    return !strncmp(s, "https://", 8) || !strncmp(s, "http://", 7);
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
    struct sink *s = arg;
    size_t len = size * n;

    if (s->body.len + len > (size_t)s->max) {
        s->toobig = 1;
        return 0; /* abort the transfer */
    }
    buf_add(&s->body, p, len);
    return buf_oom(&s->body) ? 0 : len;
}

/* header_value: copy the value of "Name: value" into dst if it matches. */
static void header_value(const char *line, size_t len, const char *name,
                         char *dst, size_t size)
{
    size_t n = strlen(name), v;

    if (len <= n + 1 || strncasecmp(line, name, n) || line[n] != ':') return;
    line += n + 1;
    len -= n + 1;
    while (len && (*line == ' ' || *line == '\t')) {
        line++;
        len--;
    }
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n')) len--;
    v = len < size - 1 ? len : size - 1;
    memcpy(dst, line, v);
    dst[v] = 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
    struct sink *s = arg;
    size_t len = size * n;

    header_value(p, len, "ETag", s->res->etag, sizeof s->res->etag);
    header_value(p, len, "Last-Modified", s->res->last_modified,
                 sizeof s->res->last_modified);
    return len;
}

enum rc fetch_url(const char *url, const struct fetch_opts *o,
                  struct fetch_result *out)
{
    struct sink s;
    struct curl_slist *hdrs = NULL;
    char errbuf[CURL_ERROR_SIZE] = "", line[512];
    CURL *h = NULL;
    CURLcode cc;
    enum rc rc = RC_UPSTREAM;
    size_t i;

    memset(out, 0, sizeof *out);
    memset(&s, 0, sizeof s);
    s.max = o->max_bytes > 0 ? o->max_bytes : 10L << 20;
    s.res = out;
    if (!fetch_is_url(url)) {
        snprintf(out->error, sizeof out->error, "not an http(s) URL");
        return RC_INVALID;
    }
    h = curl_easy_init();
    if (!h) return RC_NOMEM;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, o->timeout_s > 0 ? o->timeout_s : 30L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "essaim/1");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &s);
    if (o->etag && *o->etag) {
        snprintf(line, sizeof line, "If-None-Match: %s", o->etag);
        hdrs = curl_slist_append(hdrs, line);
    }
    if (o->last_modified && *o->last_modified) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", o->last_modified);
        hdrs = curl_slist_append(hdrs, line);
    }
    if (o->bearer && *o->bearer) {
        snprintf(line, sizeof line, "Authorization: Bearer %s", o->bearer);
        hdrs = curl_slist_append(hdrs, line);
    }
    for (i = 0; o->headers && o->headers[i]; i++)
        hdrs = curl_slist_append(hdrs, o->headers[i]);
    if (hdrs) curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    cc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
    if (s.toobig) {
        snprintf(out->error, sizeof out->error, "larger than %ld bytes", s.max);
        rc = RC_TOOBIG;
    } else if (cc != CURLE_OK) {
        snprintf(out->error, sizeof out->error, "%s",
                 *errbuf ? errbuf : curl_easy_strerror(cc));
    } else if (out->status == 304) {
        rc = RC_OK;
    } else if (out->status < 200 || out->status > 299) {
        snprintf(out->error, sizeof out->error, "HTTP status %ld",
                 out->status);
    } else if (buf_oom(&s.body)) {
        rc = RC_NOMEM;
    } else {
        out->len = s.body.len;
        out->body = buf_take(&s.body);
        rc = out->body ? RC_OK : RC_NOMEM;
    }
    buf_free(&s.body);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    return rc;
}

void fetch_result_free(struct fetch_result *r)
{
    free(r->body);
    r->body = NULL;
}
