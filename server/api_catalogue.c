/*
 * api_catalogue.c: the public catalogues of business and trade groups,
 * as JSON or CSV (the page /catalogues/{slug} is a static file: srv.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../group/catalogue.h"
#include "api.h"

/* GET /api/v1/catalogues/{slug}?format=json|csv -> 200 the catalogue
 * (JSON, group/catalogue.h), or its offers as CSV (text/csv; charset=
 * utf-8, an attachment named SLUG.csv) | 400 (format) | 404 (no such
 * catalogue: an unknown slug, a tender team). Public: no sign-in. */
void api_catalogue_get(struct req *r)
{
    json_t *errs = json_array(), *out = NULL;
    char format[16], extra[160];
    int f = srv_query(r, "format", format, sizeof format, errs);
    enum rc rc = RC_OK;
    char *csv;
    size_t len;

    if (f < 0 || (f > 0 && strcmp(format, "json") && strcmp(format, "csv"))) {
        if (f > 0)
            json_array_append_new(errs,
                                  json_pack("{s:s, s:s}", "field", "format",
                                            "message", "must be json or csv"));
        rc = RC_INVALID;
    }
    if (rc == RC_OK)
        rc = catalogue_get(r->db, srv_viewer(r), r->param[0],
                           r->cfg->public_url, &out);
    if (rc != RC_OK || f <= 0 || strcmp(format, "csv")) {
        srv_reply(r, rc, 200, out, errs);
        return;
    }
    json_decref(errs);
    csv = catalogue_csv(out, &len);
    json_decref(out);
    if (!csv) {
        srv_reply_problem(r, 503, "out of memory", NULL);
        return;
    }
    /* The slug is a-z, 0-9 and hyphens (checked): safe in the header. */
    snprintf(extra, sizeof extra,
             "Content-Disposition: attachment; filename=\"%s.csv\"\r\n",
             r->param[0]);
    srv_reply_raw(r, 200, "text/csv; charset=utf-8", csv, len, extra);
    free(csv);
}
