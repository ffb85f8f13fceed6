/*
 * api_tender.c: public tenders: writing one, importing notices (a body or
 * a URL), the tender board, a tender, and the tenders that fit the
 * signed-in entrepreneur (tender/tender_db.h).
 */
#include <civetweb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../tender/tender.h"
#include "../tender/tender_db.h"
#include "../util/buf.h"
#include "../util/text.h"
#include "api.h"

static void add_err(json_t *errs, const char *field, const char *msg)
{
    json_array_append_new(errs, json_pack("{s:s, s:s}", "field", field,
                                          "message", msg));
}

/* import_media_type: JSON (application/json, application/...+json) or XML
 * (application/xml, text/xml, application/...+xml), parameters allowed. */
static int import_media_type(const char *ct)
{
    size_t n;

    if (!ct) return 0;
    while (*ct == ' ') ct++;
    n = strcspn(ct, "; \t");
    if ((n == 16 && !strncasecmp(ct, "application/json", 16)) ||
        (n == 15 && !strncasecmp(ct, "application/xml", 15)) ||
        (n == 8 && !strncasecmp(ct, "text/xml", 8)))
        return 1;
    return n > 16 && !strncasecmp(ct, "application/", 12) &&
           (!strncasecmp(ct + n - 5, "+json", 5) ||
            !strncasecmp(ct + n - 4, "+xml", 4));
}

/* body_raw: the request body, up to TENDER_MAX_BYTES (an import may be
 * larger than body_max: notices and packages are). */
static enum rc body_raw(struct req *r, json_t *errs, struct buf *b)
{
    long long cl = r->ri->content_length;
    char chunk[16384], msg[96];
    int n;

    snprintf(msg, sizeof msg, "body is larger than %ld bytes",
             (long)TENDER_MAX_BYTES);
    if (cl > TENDER_MAX_BYTES) {
        add_err(errs, "body", msg);
        return RC_TOOBIG;
    }
    while ((n = mg_read(r->conn, chunk, sizeof chunk)) > 0) {
        if (b->len + (size_t)n > (size_t)TENDER_MAX_BYTES) {
            add_err(errs, "body", msg);
            return RC_TOOBIG;
        }
        buf_add(b, chunk, (size_t)n);
    }
    if (buf_oom(b)) return RC_NOMEM;
    if (!b->len) {
        add_err(errs, "body", "is empty: send an OCDS package, an eForms"
                              " notice or {\"url\": ...}");
        return RC_INVALID;
    }
    return RC_OK;
}

/* url_request: is the body {"url": ...}? Then *url is its value (a new
 * string, or NULL with an error on url) and 1 is returned. */
static int url_request(const struct buf *b, json_t *errs, char **url)
{
    json_t *doc, *v;
    const char *key;
    int is = 0;

    *url = NULL;
    /* Too deep for jansson on a worker's stack: tender_import says so. */
    if (text_json_depth(b->p, b->len) > TEXT_JSON_DEPTH) return 0;
    doc = json_loadb(b->p, b->len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(doc) || !json_object_get(doc, "url")) {
        json_decref(doc);
        return 0;
    }
    is = 1;
    json_object_foreach(doc, key, v) {
        if (strcmp(key, "url")) add_err(errs, key, "unknown field");
    }
    v = json_object_get(doc, "url");
    if (!json_is_string(v))
        add_err(errs, "url", "must be an http or https URL");
    else if (!json_array_size(errs))
        *url = strdup(json_string_value(v));
    json_decref(doc);
    return is;
}

/* POST /api/v1/tenders {tender} -> 201 (new) | 200 (the ocid existed: updated,
 * same id) | 400 naming the fields | 401 | 403 (not staff or admin) */
void api_tender_create(struct req *r)
{
    json_t *errs = json_array(), *in = NULL, *out = NULL;
    enum rc rc = RC_FORBIDDEN;
    int created = 0;

    if (viewer_can_write_tenders(srv_viewer(r))) rc = srv_body_json(r, errs,
                                                                     &in);
    if (rc == RC_OK)
        rc = tender_create(r->db, srv_viewer(r), in, errs, &created, &out);
    json_decref(in);
    srv_reply(r, rc, created ? 201 : 200, out, errs);
}

/* POST /api/v1/tenders/import, body an OCDS release package or release
 * (application/json), an eForms notice (application/xml, text/xml), or
 * {"url": "https://..."} -> 200 {format, imported, updated, rejected:
 * [{record, field, message}], ids, url?, not_modified?} | 400 naming the
 * field when nothing could be read or every notice was refused (nothing
 * written) | 401 | 403 | 413 | 415 | 502 (the URL could not be fetched) */
void api_tender_import(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    struct buf b = {0};
    char *url = NULL;
    enum rc rc = RC_FORBIDDEN;

    if (viewer_can_write_tenders(srv_viewer(r))) {
        if (!import_media_type(srv_header(r, "Content-Type"))) {
            add_err(errs, "Content-Type",
                    "must be application/json (an OCDS package or"
                    " {\"url\"}) or application/xml (an eForms notice)");
            rc = RC_UNSUPPORTED;
        } else {
            rc = body_raw(r, errs, &b);
        }
    }
    if (rc == RC_OK) {
        if (url_request(&b, errs, &url)) {
            if (!url)
                rc = RC_INVALID;
            else
                rc = tender_import_url(r->db, srv_viewer(r), url, errs, NULL,
                                       &out);
        } else {
            rc = tender_import(r->db, srv_viewer(r), b.p, b.len, NULL, NULL,
                               NULL, errs, NULL, &out);
        }
    }
    free(url);
    buf_free(&b);
    srv_reply(r, rc, 200, out, errs);
}

/* query: the board's parameters into q (buffers in p). */
struct board_args {
    char q[256], cpv[16], dep[8], after[40], status[16], cursor[64];
};

static int board_query(struct req *r, json_t *errs, struct board_args *a,
                       struct tender_query *q)
{
    int ok = 1;

    memset(q, 0, sizeof *q);
    ok &= srv_query(r, "q", a->q, sizeof a->q, errs) >= 0;
    ok &= srv_query(r, "cpv", a->cpv, sizeof a->cpv, errs) >= 0;
    ok &= srv_query(r, "departement", a->dep, sizeof a->dep, errs) >= 0;
    ok &= srv_query(r, "deadline_after", a->after, sizeof a->after, errs) >= 0;
    ok &= srv_query(r, "status", a->status, sizeof a->status, errs) >= 0;
    q->limit = srv_query_page(r, errs, a->cursor, sizeof a->cursor);
    q->q = a->q;
    q->cpv = a->cpv;
    q->departement = a->dep;
    q->deadline_after = a->after;
    q->status = a->status;
    q->cursor = a->cursor;
    /* A bad limit is reported (srv_query_page); the other parameters are
     * still checked, so that the answer names them all. */
    return ok;
}

/* GET /api/v1/tenders?q=&cpv=PREFIX&departement=DD&deadline_after=DATE
 * &status=&limit=&cursor= -> 200 {total, results: [summary], next_cursor}
 * (open tenders first, soonest deadline first) | 400 naming the
 * parameter. Public. */
void api_tender_list(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    struct board_args a;
    struct tender_query q;
    enum rc rc = RC_INVALID;

    if (board_query(r, errs, &a, &q)) rc = tender_list(r->db, &q, errs, &out);
    srv_reply(r, rc, 200, out, errs);
}

/* GET /api/v1/tenders/{id} -> 200 the stored document | 404. Public. */
void api_tender_get(struct req *r)
{
    json_t *out = NULL;
    enum rc rc = tender_get(r->db, r->param[0], &out);

    srv_reply(r, rc, 200, out, NULL);
}

/* GET /api/v1/me/tenders?(the board's parameters) -> 200 {total, results:
 * [summary + fit + why], next_cursor} | 400 | 401 | 403 (not an
 * entrepreneur) */
void api_tender_mine(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    struct board_args a;
    struct tender_query q;
    enum rc rc = RC_INVALID;

    if (srv_viewer(r)->role != VIEWER_ENTREPRENEUR)
        rc = RC_FORBIDDEN;
    else if (board_query(r, errs, &a, &q))
        rc = tender_mine(r->db, srv_viewer(r), &q, errs, &out);
    srv_reply(r, rc, 200, out, errs);
}
