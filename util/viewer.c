/*
 * viewer.c: the visibility rule (see viewer.h).
 */
#include "viewer.h"

#include <string.h>

const struct viewer viewer_anonymous = {VIEWER_ANONYMOUS, 0, 0};

int viewer_can_see(const struct viewer *v, const char *visibility,
                   long long cooperative_id, long long entrepreneur_id)
{
    int own_coop = v->cooperative_id && v->cooperative_id == cooperative_id;

    if (!strcmp(visibility, "public")) return 1;
    if (v->role == VIEWER_ADMIN) return 1;
    if (v->role == VIEWER_ENTREPRENEUR && v->entrepreneur_id &&
        v->entrepreneur_id == entrepreneur_id)
        return 1;
    if (v->role == VIEWER_STAFF && own_coop) return 1;
    if (!strcmp(visibility, "network"))
        return v->role != VIEWER_ANONYMOUS;
    if (!strcmp(visibility, "cooperative"))
        return own_coop && v->role == VIEWER_ENTREPRENEUR;
    return 0;
}
