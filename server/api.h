/*
 * api.h: the route handlers, one per route of server/routes.c. Each is
 * thin: read the request, call a domain module, reply (see srv.h).
 */
#ifndef ESSAIM_API_H
#define ESSAIM_API_H

#include "srv.h"

/* api_ops.c */
void api_healthz(struct req *r);
void api_metrics(struct req *r);
void api_openapi(struct req *r);

/* api_places.c */
void api_places(struct req *r);

/* api_search.c */
void api_search(struct req *r);

/* api_dir.c */
void api_coop_list(struct req *r);
void api_coop_create(struct req *r);
void api_coop_get(struct req *r);
void api_coop_patch(struct req *r);
void api_ent_list(struct req *r);
void api_ent_create(struct req *r);
void api_ent_get(struct req *r);
void api_ent_patch(struct req *r);
void api_ent_delete(struct req *r);

/* api_account.c */
struct account_session;
/* api_set_cookies: the session cookies of s, or their removal (NULL). */
void api_set_cookies(struct req *r, const struct account_session *s);
void api_account_create(struct req *r);
void api_login(struct req *r);
void api_activate(struct req *r);
void api_logout(struct req *r);
void api_me(struct req *r);
void api_me_export(struct req *r);
void api_me_delete(struct req *r);
void api_coop_audit(struct req *r);
void api_coop_accounts(struct req *r);
void api_account_invite(struct req *r);
void api_audit(struct req *r);

/* api_request.c */
void api_request_create(struct req *r);
void api_request_list(struct req *r);
void api_request_confirm(struct req *r);
void api_request_get(struct req *r);
void api_request_matches(struct req *r);
void api_request_respond(struct req *r);
void api_request_outcome(struct req *r);
void api_notifications(struct req *r);
void api_notifications_read(struct req *r);

/* api_stats.c */
void api_stats_demand(struct req *r);

/* api_group.c */
void api_group_create(struct req *r);
void api_group_get(struct req *r);
void api_group_patch(struct req *r);
void api_group_invite(struct req *r);
void api_group_leave(struct req *r);
void api_invitation_accept(struct req *r);
void api_invitation_decline(struct req *r);
void api_invitation_leave(struct req *r);
void api_me_groups(struct req *r);

/* api_catalogue.c */
void api_catalogue_get(struct req *r);

/* api_offer.c */
void api_offer_create_ent(struct req *r);
void api_offer_create_group(struct req *r);
void api_offer_list_ent(struct req *r);
void api_offer_list_group(struct req *r);
void api_offer_get(struct req *r);
void api_offer_patch(struct req *r);
void api_offer_delete(struct req *r);
void api_offer_photo_add(struct req *r);
void api_offer_photo_get(struct req *r);
void api_offer_photo_delete(struct req *r);

/* api_tender.c */
void api_tender_create(struct req *r);
void api_tender_import(struct req *r);
void api_tender_list(struct req *r);
void api_tender_get(struct req *r);
void api_tender_mine(struct req *r);

/* api_team.c */
void api_tender_teams(struct req *r);

/* api_time.c */
void api_time_post_create(struct req *r);
void api_time_post_list(struct req *r);
void api_time_post_get(struct req *r);
void api_time_post_patch(struct req *r);
void api_time_post_delete(struct req *r);
void api_time_transfer_create(struct req *r);
void api_time_transfer_get(struct req *r);
void api_time_transfer_confirm(struct req *r);
void api_time_transfer_reject(struct req *r);
void api_time_account_get(struct req *r);
void api_time_report(struct req *r);
void api_time_limits_patch(struct req *r);

/* api_fed.c */
struct buf;
void api_fed_instance(struct req *r);
void api_fed_changes(struct req *r);
void api_peer_list(struct req *r);
void api_peer_add(struct req *r);
void api_peer_delete(struct req *r);
void api_peer_sync(struct req *r);
void api_peer_token(struct req *r);
void api_open_geojson(struct req *r);
void api_open_jsonld(struct req *r);
void api_fed_metrics(struct req *r, struct buf *b);
void api_fed_request(struct req *r);
void api_fed_request_response(struct req *r);
void api_fed_request_contact(struct req *r);
void api_fed_request_erase(struct req *r);
void api_fed_request_outcome(struct req *r);
void api_fed_invitation(struct req *r);
void api_fed_invitation_answer(struct req *r);
void api_fed_invitation_end(struct req *r);
/* api_fed_send: wake this server's sender of messages to peers when
 * some wait (after a commit that may have queued one). */
void api_fed_send(struct req *r);

#endif
