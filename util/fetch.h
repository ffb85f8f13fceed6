/*
 * fetch.h: HTTP GET with libcurl, with the limits every remote read needs:
 * http and https only, TLS verified, a timeout, at most 5 redirects, a
 * size cap, and conditional requests (ETag, Last-Modified).
 *
 * Call fetch_global_init() once before threads start. fetch_url() is then
 * thread-safe (one curl handle per call).
 */
#ifndef ESSAIM_FETCH_H
#define ESSAIM_FETCH_H

#include <stddef.h>

#include "rc.h"

struct fetch_opts {
    long max_bytes;            /* larger bodies fail with RC_TOOBIG */
    long timeout_s;            /* whole transfer */
    const char *etag;          /* send If-None-Match, or NULL */
    const char *last_modified; /* send If-Modified-Since, or NULL */
    const char *bearer;        /* send Authorization: Bearer, or NULL */
    const char *const *headers; /* more header lines ("Name: value"),
                                   NULL-terminated; or NULL */
};

struct fetch_result {
    char *body;              /* NUL-terminated, owned; NULL on 304 */
    size_t len;
    long status;             /* HTTP status (200, 304...) */
    char etag[160];          /* ETag of the answer, "" if none */
    char last_modified[64];  /* Last-Modified of the answer, "" if none */
    char error[256];         /* why it failed, for logs and reports */
};

void fetch_global_init(void);

/* fetch_url: GET url. RC_OK for a 2xx or a 304 (body NULL); RC_UPSTREAM
 * for a network error or another status (error says which); RC_TOOBIG
 * over max_bytes; RC_INVALID for a URL that is not http(s). Release the
 * result with fetch_result_free() whatever the rc. */
enum rc fetch_url(const char *url, const struct fetch_opts *o,
                  struct fetch_result *out);

void fetch_result_free(struct fetch_result *r);

/* fetch_is_url: 1 if s starts with http:// or https://. */
int fetch_is_url(const char *s);

#endif
