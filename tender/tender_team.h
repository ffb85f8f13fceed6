/*
 * tender_team.h: the teams for a stored tender (GET /tenders/{id}/teams)
 * and replacements when a member of a forming team declines.
 */
#ifndef ESSAIM_TENDER_TEAM_H
#define ESSAIM_TENDER_TEAM_H

#include <jansson.h>
#include <stddef.h>

#include "../store/db.h"

struct viewer;

struct tender_team_params {
    int k;                 /* teams wanted (default 5) */
    int max_size;          /* members per team (default 6) */
    const char *lot;       /* one lot's id, or NULL: the whole tender */
    int one_coop;          /* cross_cooperative=false */
    int network;           /* scope=network: also the entrepreneurs pulled
                              from peer instances (federation/fed.h) */
};

/* tender_teams: {"tender_id", "lot", "requirements": [...], "teams": [...]}
 * as in CONTRACT.md "Teams for a tender", for viewer v. RC_NOTFOUND for
 * an unknown tender or lot; RC_INVALID (errs) for bad parameters. */
enum rc tender_teams(struct db *db, const struct viewer *v, long long id,
                     const struct tender_team_params *p, json_t *errs,
                     json_t **out);

/* tender_replacements: when a member of a team for tender `id` (and lot,
 * or NULL) leaves or declines: the best candidates to take their place.
 * members[] are the ones who stay (accepted or still invited), excluded[]
 * those who must not be proposed again (who declined). *out is an array
 * of at most 3 {"entrepreneur_id","cooperative_id","covers","distance_km",
 * "why"}, best first; empty when nobody fits. */
enum rc tender_replacements(struct db *db, const struct viewer *v,
                            long long id, const char *lot,
                            const long long *members, size_t nmembers,
                            const long long *excluded, size_t nexcluded,
                            json_t **out);

#endif
