/*
 * api_places.c: place autocompletion.
 */
#include "../search/search_place.h"
#include "api.h"

/* GET /api/v1/places?q=TEXT&limit=N -> 200 {"total", "results":[place],
 * "next_cursor": null}: the communes whose name or postcode starts with q,
 * most populous first (one page: a completion list) | 400. */
void api_places(struct req *r)
{
    json_t *errs = json_array(), *list = NULL;
    char q[256];
    int limit = srv_query_limit(r, errs);
    enum rc rc = RC_INVALID;

    if (srv_query(r, "q", q, sizeof q, errs) >= 0 && limit > 0)
        rc = search_place_complete(r->db, q, limit, &list);
    srv_reply(r, rc, 200,
              rc == RC_OK ? json_pack("{s:I, s:o, s:n}", "total",
                                      (json_int_t)json_array_size(list),
                                      "results", list, "next_cursor")
                          : NULL,
              errs);
}
