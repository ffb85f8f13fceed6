/*
 * routes.c: the route table: every API path of essaim, in one place.
 * Paths not listed here and outside /api/, /federation/, /healthz and
 * /metrics are served from the public folder.
 */
#include "api.h"

const struct srv_route srv_routes[] = {
    {"GET", "/healthz", api_healthz},
    {"GET", "/metrics", api_metrics},
    {"GET", "/api/v1/openapi.json", api_openapi},
    {"GET", "/api/v1/places", api_places},
    {"GET", "/api/v1/search", api_search},
    {"GET", "/api/v1/cooperatives", api_coop_list},
    {"POST", "/api/v1/cooperatives", api_coop_create},
    {"GET", "/api/v1/cooperatives/{id}", api_coop_get},
    {"PATCH", "/api/v1/cooperatives/{id}", api_coop_patch},
    {"GET", "/api/v1/entrepreneurs", api_ent_list},
    {"POST", "/api/v1/entrepreneurs", api_ent_create},
    {"GET", "/api/v1/entrepreneurs/{id}", api_ent_get},
    {"PATCH", "/api/v1/entrepreneurs/{id}", api_ent_patch},
    {"DELETE", "/api/v1/entrepreneurs/{id}", api_ent_delete},
    {NULL, NULL, NULL},
};
