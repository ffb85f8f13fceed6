/*
 * team.h: the best teams for a set of requirements: an exact, weighted
 * set cover with eligibility already applied by the caller.
 *
 * Input: candidates, each covering a subset of the requirements (a bit
 * mask), at a distance from the place, with a current load. Output: the k
 * best teams, best first.
 *
 * A team is a set of 1..max_size candidates in which every member covers
 * some requirement that no other member covers (nobody is there for
 * nothing). Cost of a team, compared in this order (README "Teams"):
 *   1. most requirements covered: a team covers every requirement that
 *      some candidate covers, unless max_size is too small for that; then
 *      teams cover as many requirements as max_size members can;
 *   2. fewest members;
 *   3. least total distance, each member's distance rounded to the whole
 *      kilometre (lround) before adding;
 *   4. least total load, each member's load rounded to the thousandth
 *      before adding;
 *   5. remaining ties: the lexicographically smallest list of member
 *      indexes in increasing order (the caller orders candidates by a
 *      stable shuffle, so ties are broken fairly).
 * Only teams that cover the most requirements (criterion 1) are ever
 * proposed; `missing` says which requirements nobody covers.
 *
 * The first team is optimal for that cost. Each following team is the best
 * one that is genuinely different: it shares at most half of its own
 * members (rounded down) with every team before it. Only when no such
 * team is left is the rule relaxed to "the best team not listed yet"; the
 * search stops when no team is left at all. With one_coop, every member of
 * a team is from one cooperative (teams of different cooperatives share
 * nobody, so the rule compares teams of the same cooperative).
 *
 * The search is exact within a work budget that no realistic input comes
 * near (1000 candidates x 20 requirements take milliseconds); on an
 * adversarial input it returns the best teams found when the budget runs
 * out, with exact = 0. Pure (no I/O, no globals) and thread-safe.
 */
#ifndef ESSAIM_TEAM_H
#define ESSAIM_TEAM_H

#include <stddef.h>
#include <stdint.h>

#include "../util/rc.h"

#define TEAM_MAX_REQ 64  /* requirements per search */
#define TEAM_MAX_SIZE 12 /* members per team */
#define TEAM_MAX_K 20    /* teams per search */
#define TEAM_MAX_DIST 1e5 /* km: larger distances are RC_INVALID */
#define TEAM_MAX_LOAD 1e6 /* larger loads are RC_INVALID */

struct team_cand {
    long long id;    /* entrepreneur id (reported back, not interpreted) */
    long long coop;  /* cooperative id */
    uint64_t covers; /* bit r set: covers requirement r; bits >= nreq are
                        ignored; 0: the candidate is never proposed */
    double dist_km;  /* from the place, 0..TEAM_MAX_DIST */
    double load;     /* current engagements, 0..TEAM_MAX_LOAD */
};

struct team_params {
    int k;          /* teams wanted, 1..TEAM_MAX_K */
    int max_size;   /* members per team, 1..TEAM_MAX_SIZE */
    int one_coop;   /* 1: every member from one cooperative */
};

struct team {
    int size;                   /* members */
    int member[TEAM_MAX_SIZE];  /* candidate indexes, increasing */
    uint64_t covered;           /* requirements covered */
    uint64_t missing;           /* requirements nobody could cover (the
                                   same for every team of a search) */
    long dist_km;               /* total, rounded per member */
    double load;                /* total of the members' loads */
    int exact;                  /* 1: proven the best team under the rule
                                   above; 0: the search budget ran out,
                                   this is the best team found */
};

/* team_solve: up to p->k teams over nreq requirements (bits 0..nreq-1)
 * from the nc candidates c, best first, into out (room for p->k, owned by
 * the caller); *nout says how many. Fewer when fewer exist; none when
 * nreq is 0 or no candidate covers anything. RC_INVALID for nreq outside
 * 0..TEAM_MAX_REQ, params out of range, c, p, out or nout NULL (c may
 * be NULL when nc is 0), nc over INT_MAX / 8, a distance or load
 * negative, not a number or over its maximum; RC_NOMEM. *nout is 0 on
 * every error. */
enum rc team_solve(const struct team_cand *c, size_t nc, int nreq,
                   const struct team_params *p, struct team *out,
                   size_t *nout);

#endif
