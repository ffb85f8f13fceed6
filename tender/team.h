/*
 * team.h: the best teams for a set of requirements: an exact, weighted
 * set cover with eligibility already applied by the caller.
 *
 * Input: candidates, each covering a subset of the requirements (a bit
 * mask), at a distance from the place, with a current load. Output: the k
 * best teams, best first. Cost of a team, compared in this order (README
 * "Teams"): 1. fewest members; 2. least total distance (in whole
 * kilometres, rounded); 3. least total load. Remaining ties: the lower
 * candidate indexes (the caller orders candidates by a stable shuffle).
 *
 * A team covers every requirement that some candidate covers; when some
 * requirement is covered by nobody, teams cover all the others and
 * `missing` says which are left. The best team is optimal for that cost.
 * The following teams are the best ones that are genuinely different:
 * each shares at most half of its members (rounded down) with every team
 * before it; only when no such team exists is that rule relaxed to "not
 * the same set". Pure and thread-safe.
 */
#ifndef ESSAIM_TEAM_H
#define ESSAIM_TEAM_H

#include <stddef.h>
#include <stdint.h>

#include "../util/rc.h"

#define TEAM_MAX_REQ 64  /* requirements per search */
#define TEAM_MAX_SIZE 12 /* members per team */

struct team_cand {
    long long id;    /* entrepreneur id (reported back, not interpreted) */
    long long coop;  /* cooperative id */
    uint64_t covers; /* bit r set: covers requirement r */
    double dist_km;  /* from the place, >= 0 */
    double load;     /* current engagements, >= 0 */
};

struct team_params {
    int k;          /* teams wanted, 1..20 */
    int max_size;   /* members per team, 1..TEAM_MAX_SIZE */
    int one_coop;   /* 1: every member from one cooperative */
};

struct team {
    int size;                   /* members */
    int member[TEAM_MAX_SIZE];  /* candidate indexes, increasing */
    uint64_t covered;           /* requirements covered */
    uint64_t missing;           /* requirements nobody could cover */
    long dist_km;               /* total, rounded per member */
    double load;                /* total */
};

/* team_solve: up to p->k teams over nreq requirements (bits 0..nreq-1)
 * from the nc candidates c, best first, into out (room for p->k); *nout
 * says how many. Fewer when fewer exist; none when no candidate covers
 * anything. RC_INVALID for nreq or params out of range; RC_NOMEM. */
enum rc team_solve(const struct team_cand *c, size_t nc, int nreq,
                   const struct team_params *p, struct team *out,
                   size_t *nout);

#endif
