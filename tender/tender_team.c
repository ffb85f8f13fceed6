/*
 * tender_team.c: teams for a stored tender (see tender_team.h).
 * PLACEHOLDER: being written; answers nothing yet.
 */
#include "tender_team.h"

enum rc tender_teams(struct db *db, const struct viewer *v, long long id,
                     const struct tender_team_params *p, json_t *errs,
                     json_t **out)
{
    (void)db, (void)v, (void)id, (void)p, (void)errs;
    *out = NULL;
    return RC_NOTFOUND;
}

enum rc tender_replacements(struct db *db, const struct viewer *v,
                            long long id, const char *lot,
                            const long long *members, size_t nmembers,
                            const long long *excluded, size_t nexcluded,
                            json_t **out)
{
    (void)db, (void)v, (void)id, (void)lot, (void)members, (void)nmembers;
    (void)excluded, (void)nexcluded;
    *out = json_array();
    return *out ? RC_OK : RC_NOMEM;
}
