/*
 * config.h: every setting of essaim, from one table.
 *
 * Each setting has a key ("body_max"), a flag (--body-max or --body_max),
 * an environment variable (ESSAIM_BODY_MAX), a default and a help line.
 * Sources in order of precedence: flags, then the environment, then the
 * defaults. `essaim --help` prints the table; README.md lists it too.
 * Filled once at start-up, read-only afterwards (thread-safe to read).
 */
#ifndef ESSAIM_CONFIG_H
#define ESSAIM_CONFIG_H

#include <stdio.h>

/* The software's version (descriptor, --version). */
#define ESSAIM_VERSION "0.1.0"

/* public_url's default (srv.c derives the instance's address from it). */
#define CONFIG_PUBLIC_URL_DEFAULT "http://localhost:8080"

/* open_licence's default: the Open Database License 1.0. */
#define CONFIG_OPEN_LICENCE_DEFAULT                                          \
    "https://opendatacommons.org/licenses/odbl/1-0/"

struct config {
    const char *db;          /* database file */
    const char *listen;      /* address to bind */
    int port;                /* TCP port; 0 picks a free one */
    const char *public_dir;  /* web pages; "" for none */
    int threads;             /* CivetWeb worker threads */
    long body_max;           /* request body cap, bytes */
    int request_timeout_ms;  /* per-request network timeout */
    int busy_timeout_ms;     /* SQLite lock wait */
    const char *synchronous; /* SQLite synchronous: FULL or NORMAL */
    const char *log_level;   /* error, warn, info, debug */
    int access_log;          /* one log line per request */
    int search_cache_mb;     /* search: cache of FTS5 answers, MB */
    int password_ops;        /* argon2id passes */
    int password_mem_kb;     /* argon2id memory, KiB */
    int session_hours;       /* lifetime of a session */
    const char *smtp_url;    /* smtp://host:port for e-mail; "" none */
    const char *smtp_from;   /* From address of e-mails */
    const char *public_url;  /* the pages' address, for links in e-mails */
    int request_notify;      /* best matches told of a request */
    int outbox_retry_s;      /* first retry of an e-mail; doubles */
    int time_transfer_max;   /* time ledger: hours per transfer, at most */
    int demo_size;           /* demo: number of entrepreneurs */
    int demo_seed;           /* demo: random seed */
    int demo_accounts;       /* demo: make accounts for its people */
    int batch;               /* import: records per transaction */
    const char *password;    /* admin create: "" to generate one */
    int sync_interval_s;     /* federation: seconds between pulls; 0 off */
    int sync_timeout_s;      /* federation: one request to a peer */
    int peer_stale_s;        /* federation: a peer not synced for this long
                                is flagged stale */
    const char *instance_name; /* federation: the descriptor's name */
    const char *contact;     /* federation: the descriptor's contact */
    const char *open_licence; /* licence of the open data exports */
};

/* config_load: fill cfg from defaults, the environment and argv (the
 * arguments after the command name). Positional arguments are stored in
 * args[0..*nargs) (borrowed from argv), at most max_args. Returns 0, or -1
 * after printing the problem to stderr. "--help" sets *help. */
int config_load(struct config *cfg, int argc, char **argv, const char **args,
                int max_args, int *nargs, int *help);

/* config_help: print every setting with its flag, variable, default. */
void config_help(FILE *f);

#endif
