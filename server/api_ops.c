/*
 * api_ops.c: operations: health, metrics, the OpenAPI document.
 */
#include <stdlib.h>
#include <string.h>

#include "../util/assets.h"
#include "../util/buf.h"
#include "api.h"

/* GET /healthz -> 200 {"status":"ok"} | 503 when the database cannot be
 * opened (the router checks it before any handler). */
void api_healthz(struct req *r)
{
    static const char ok[] = "{\"status\":\"ok\"}";

    srv_reply_raw(r, 200, "application/json; charset=utf-8", ok,
                  sizeof ok - 1, NULL);
}

/* GET /metrics -> 200 Prometheus text exposition format 0.0.4. */
void api_metrics(struct req *r)
{
    char *text = srv_metrics_text(r->srv);
    struct buf b = {0};

    if (text) buf_adds(&b, text);
    free(text);
    api_fed_metrics(r, &b);
    if (!text || buf_oom(&b)) {
        buf_free(&b);
        srv_reply_problem(r, 503, "out of memory", NULL);
        return;
    }
    srv_reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8",
                  buf_str(&b), b.len, NULL);
    buf_free(&b);
}

/* GET /api/v1/openapi.json -> 200 the OpenAPI 3.1 description. */
void api_openapi(struct req *r)
{
    srv_reply_raw(r, 200, "application/json; charset=utf-8", asset_openapi,
                  ASSET_LEN(asset_openapi), NULL);
}
