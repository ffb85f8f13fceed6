/*
 * rc.h: the one error type of essaim.
 *
 * Every function that can fail returns an enum rc; RC_OK (0) is success.
 * Results go to a last `**out` parameter, set to NULL on entry and assigned
 * only on success. "Not found" is RC_NOTFOUND, a normal answer, not a
 * failure to log. Only srv_reply_*() (server/srv.c) maps an rc to an HTTP
 * status.
 */
#ifndef ESSAIM_RC_H
#define ESSAIM_RC_H

enum rc {
    RC_OK = 0,
    RC_INVALID,     /* bad input; details in the caller's errs array (400) */
    RC_NOTFOUND,    /* no such record (404) */
    RC_CONFLICT,    /* unique key or state conflict (409) */
    RC_TOOBIG,      /* input over a size cap (413) */
    RC_UNSUPPORTED, /* wrong content type or format (415) */
    RC_FORBIDDEN,   /* authenticated but not allowed (403) */
    RC_UNAUTHORIZED, /* no valid credentials (401) */
    RC_THROTTLED,   /* too many attempts: wait (429) */
    RC_UPSTREAM,    /* a remote service failed (502) */
    RC_BUSY,        /* database locked past busy_timeout (503) */
    RC_DB,          /* SQLite error, logged where it happened (500) */
    RC_NOMEM,       /* out of memory (500) */
    RC_INTERNAL     /* a bug: an invariant did not hold (500) */
};

/* rc_name: a stable lower-case name for logs ("invalid", "db", ...). */
const char *rc_name(enum rc rc);

#endif
