/*
 * viewer.c: the visibility rule (see viewer.h).
 */
#include "viewer.h"

#include <string.h>

const struct viewer viewer_anonymous = {VIEWER_ANONYMOUS, 0, 0, 0};
const struct viewer viewer_system = {VIEWER_ADMIN, 0, 0, 0};

static const char *const role_names[] = {"anonymous", "client",
                                         "entrepreneur", "staff", "admin",
                                         "peer"};

int viewer_role_parse(const char *name)
{
    int i;

    for (i = 1; i < 6; i++)
        if (name && !strcmp(name, role_names[i])) return i;
    return -1;
}

const char *viewer_role_name(enum viewer_role role)
{
    return (unsigned)role < 6 ? role_names[role] : "anonymous";
}

int viewer_can_edit_entrepreneur(const struct viewer *v,
                                 long long cooperative_id,
                                 long long entrepreneur_id)
{
    if (v->role == VIEWER_ADMIN) return 1;
    if (v->role == VIEWER_STAFF)
        return v->cooperative_id && v->cooperative_id == cooperative_id;
    if (v->role == VIEWER_ENTREPRENEUR)
        return v->entrepreneur_id && v->entrepreneur_id == entrepreneur_id;
    return 0;
}

int viewer_can_place_entrepreneur(const struct viewer *v,
                                  long long cooperative_id)
{
    if (v->role == VIEWER_ADMIN) return 1;
    return v->role == VIEWER_STAFF && v->cooperative_id &&
           v->cooperative_id == cooperative_id;
}

int viewer_can_edit_cooperative(const struct viewer *v,
                                long long cooperative_id)
{
    if (v->role == VIEWER_ADMIN) return 1;
    return cooperative_id && v->role == VIEWER_STAFF &&
           v->cooperative_id == cooperative_id;
}

int viewer_can_read_audit(const struct viewer *v, long long cooperative_id)
{
    return viewer_can_edit_cooperative(v, cooperative_id);
}

int viewer_can_create_account(const struct viewer *v, enum viewer_role role,
                              long long cooperative_id)
{
    if (v->role == VIEWER_ADMIN) return 1;
    if (role == VIEWER_CLIENT) return 1;
    if (v->role == VIEWER_STAFF &&
        (role == VIEWER_ENTREPRENEUR || role == VIEWER_STAFF))
        return v->cooperative_id && v->cooperative_id == cooperative_id;
    return 0;
}

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

enum viewer_group_access viewer_group_access(const struct viewer *v,
                                             const struct viewer_group *g)
{
    size_t i;

    if (v->role == VIEWER_ADMIN) return VIEWER_GROUP_EDIT;
    if (v->role == VIEWER_ENTREPRENEUR && v->entrepreneur_id) {
        if (g->group_admin) return VIEWER_GROUP_EDIT;
        if (g->member) return VIEWER_GROUP_READ;
    }
    if (v->role == VIEWER_STAFF && v->cooperative_id)
        for (i = 0; i < g->ncoops; i++)
            if (g->coops[i] == v->cooperative_id) return VIEWER_GROUP_READ;
    if (g->listed) return VIEWER_GROUP_PUBLIC; /* its public face: the
                                                 members one may see */
    return VIEWER_GROUP_NONE;
}

int viewer_can_create_group(const struct viewer *v, const long long *coops,
                            size_t ncoops)
{
    size_t i;

    if (v->role == VIEWER_ADMIN) return 1;
    if (v->role == VIEWER_ENTREPRENEUR) return v->entrepreneur_id != 0;
    if (v->role == VIEWER_STAFF && v->cooperative_id)
        for (i = 0; i < ncoops; i++)
            if (coops[i] == v->cooperative_id) return 1;
    return 0;
}

int viewer_can_answer_invitation(const struct viewer *v,
                                 long long entrepreneur_id)
{
    if (v->role == VIEWER_ADMIN) return 1;
    return v->role == VIEWER_ENTREPRENEUR && v->entrepreneur_id &&
           v->entrepreneur_id == entrepreneur_id;
}

int viewer_can_leave_group(const struct viewer *v, long long entrepreneur_id,
                           enum viewer_group_access a)
{
    if (a == VIEWER_GROUP_EDIT) return 1;
    return a >= VIEWER_GROUP_READ && v->role == VIEWER_ENTREPRENEUR &&
           v->entrepreneur_id && v->entrepreneur_id == entrepreneur_id;
}

enum viewer_offer_access viewer_offer_access(const struct viewer *v,
                                             const struct viewer_offer *o)
{
    int edit = o->by_group ? o->group == VIEWER_GROUP_EDIT
                           : viewer_can_edit_entrepreneur(
                                 v, o->cooperative_id, o->entrepreneur_id);

    if (edit) return VIEWER_OFFER_EDIT;
    if (o->retired) return VIEWER_OFFER_NONE;
    if (o->by_group) return o->listed ? VIEWER_OFFER_READ : VIEWER_OFFER_NONE;
    return o->visibility && viewer_can_see(v, o->visibility,
                                           o->cooperative_id,
                                           o->entrepreneur_id)
               ? VIEWER_OFFER_READ
               : VIEWER_OFFER_NONE;
}

int viewer_can_write_tenders(const struct viewer *v)
{
    return v->role == VIEWER_ADMIN || v->role == VIEWER_STAFF;
}

int viewer_can_post_time(const struct viewer *v, long long entrepreneur_id)
{
    return v->role == VIEWER_ENTREPRENEUR && v->entrepreneur_id &&
           v->entrepreneur_id == entrepreneur_id;
}

int viewer_can_record_transfer(const struct viewer *v, long long from,
                               long long to)
{
    return v->role == VIEWER_ENTREPRENEUR && v->entrepreneur_id &&
           (v->entrepreneur_id == from || v->entrepreneur_id == to);
}

int viewer_can_answer_transfer(const struct viewer *v, long long recorded_by,
                               long long from, long long to)
{
    long long other = recorded_by == from ? to : from;

    return v->role == VIEWER_ENTREPRENEUR && v->entrepreneur_id &&
           v->entrepreneur_id == other && other != recorded_by;
}

int viewer_can_read_transfer(const struct viewer *v, long long from,
                             long long from_coop, long long to,
                             long long to_coop)
{
    if (v->role == VIEWER_ADMIN) return 1;
    if (v->role == VIEWER_ENTREPRENEUR && v->entrepreneur_id)
        return v->entrepreneur_id == from || v->entrepreneur_id == to;
    if (v->role == VIEWER_STAFF && v->cooperative_id)
        return v->cooperative_id == from_coop || v->cooperative_id == to_coop;
    return 0;
}

int viewer_can_read_time_account(const struct viewer *v,
                                 long long cooperative_id,
                                 long long entrepreneur_id)
{
    if (v->role == VIEWER_ADMIN) return 1;
    if (v->role == VIEWER_STAFF)
        return v->cooperative_id && v->cooperative_id == cooperative_id;
    if (v->role == VIEWER_ENTREPRENEUR)
        return v->entrepreneur_id && v->entrepreneur_id == entrepreneur_id;
    return 0;
}

int viewer_can_manage_time(const struct viewer *v, long long cooperative_id)
{
    if (v->role == VIEWER_ADMIN) return 1;
    return cooperative_id && v->role == VIEWER_STAFF &&
           v->cooperative_id == cooperative_id;
}
