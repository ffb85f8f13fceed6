/*
 * rc.c: names of the error codes (see rc.h).
 */
#include "rc.h"

const char *rc_name(enum rc rc)
{
    switch (rc) {
    case RC_OK: return "ok";
    case RC_INVALID: return "invalid";
    case RC_NOTFOUND: return "notfound";
    case RC_CONFLICT: return "conflict";
    case RC_TOOBIG: return "toobig";
    case RC_UNSUPPORTED: return "unsupported";
    case RC_FORBIDDEN: return "forbidden";
    case RC_UNAUTHORIZED: return "unauthorized";
    case RC_THROTTLED: return "throttled";
    case RC_UPSTREAM: return "upstream";
    case RC_BUSY: return "busy";
    case RC_DB: return "db";
    case RC_NOMEM: return "nomem";
    case RC_INTERNAL: return "internal";
    }
    return "unknown";
}
