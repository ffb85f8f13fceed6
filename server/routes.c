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
    {"GET", "/api/v1/cooperatives/{id}/audit", api_coop_audit},
    {"GET", "/api/v1/cooperatives/{id}/accounts", api_coop_accounts},
    {"GET", "/api/v1/entrepreneurs", api_ent_list},
    {"POST", "/api/v1/entrepreneurs", api_ent_create},
    {"GET", "/api/v1/entrepreneurs/{id}", api_ent_get},
    {"PATCH", "/api/v1/entrepreneurs/{id}", api_ent_patch},
    {"DELETE", "/api/v1/entrepreneurs/{id}", api_ent_delete},
    {"POST", "/api/v1/accounts", api_account_create},
    {"POST", "/api/v1/accounts/{id}/invitation", api_account_invite},
    {"POST", "/api/v1/auth/login", api_login},
    {"POST", "/api/v1/auth/logout", api_logout},
    {"POST", "/api/v1/auth/activate", api_activate},
    {"GET", "/api/v1/me", api_me},
    {"DELETE", "/api/v1/me", api_me_delete},
    {"GET", "/api/v1/me/export", api_me_export},
    {"GET", "/api/v1/audit", api_audit},
    {"POST", "/api/v1/requests", api_request_create},
    {"GET", "/api/v1/requests", api_request_list},
    {"POST", "/api/v1/requests/confirm", api_request_confirm},
    {"GET", "/api/v1/requests/{id}", api_request_get},
    {"GET", "/api/v1/requests/{id}/matches", api_request_matches},
    {"POST", "/api/v1/requests/{id}/responses", api_request_respond},
    {"POST", "/api/v1/requests/{id}/outcome", api_request_outcome},
    {"GET", "/api/v1/me/notifications", api_notifications},
    {"POST", "/api/v1/me/notifications/read", api_notifications_read},
    {"GET", "/api/v1/stats/demand", api_stats_demand},
    {NULL, NULL, NULL},
};
