/*
 * config.c: the settings table and its three sources (see config.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../util/log.h"

enum type { T_STR, T_INT, T_LONG, T_BOOL };

struct setting {
    const char *key;  /* flag name with '_'; env is ESSAIM_ + upper case */
    enum type type;
    size_t offset;    /* field in struct config */
    const char *def;  /* default, as text */
    const char *help; /* one line */
};

#define F(field) offsetof(struct config, field)

static const struct setting settings[] = {
    {"db", T_STR, F(db), "var/essaim.db", "SQLite database file"},
    {"listen", T_STR, F(listen), "127.0.0.1",
     "address to listen on (0.0.0.0 for every interface)"},
    {"port", T_INT, F(port), "8080",
     "TCP port; 0 picks a free one and prints it"},
    {"public", T_STR, F(public_dir), "public",
     "folder of the web pages; empty for none"},
    {"threads", T_INT, F(threads), "128",
     "worker threads: each serves one connection at a time"},
    {"body_max", T_LONG, F(body_max), "1048576",
     "largest request body accepted, in bytes (413 above)"},
    {"request_timeout_ms", T_INT, F(request_timeout_ms), "30000",
     "network timeout of a request, in milliseconds"},
    {"busy_timeout_ms", T_INT, F(busy_timeout_ms), "5000",
     "how long a write waits for the database lock (503 after)"},
    {"synchronous", T_STR, F(synchronous), "FULL",
     "SQLite synchronous mode: FULL (an acknowledged write survives a power"
     " cut) or NORMAL (survives a crash of essaim)"},
    {"log_level", T_STR, F(log_level), "info",
     "error, warn, info or debug"},
    {"access_log", T_BOOL, F(access_log), "1",
     "log one line per request (method, path, status, milliseconds)"},
    {"search_cache_mb", T_INT, F(search_cache_mb), "64",
     "search: memory for cached FTS5 answers of popular words, per"
     " database; 0 turns the search caches off"},
    {"password_ops", T_INT, F(password_ops), "2",
     "argon2id passes over memory per password check"},
    {"password_mem_kb", T_INT, F(password_mem_kb), "19456",
     "argon2id memory per password check, KiB (19 MiB, 2 passes: the"
     " OWASP baseline)"},
    {"session_hours", T_INT, F(session_hours), "336",
     "lifetime of a sign-in session, hours (336: two weeks)"},
    {"smtp_url", T_STR, F(smtp_url), "",
     "SMTP server for e-mail (smtp://host:25, smtp://user:pass@host:587,"
     " smtps://host:465); empty: e-mails wait in the outbox"},
    {"smtp_from", T_STR, F(smtp_from), "essaim@localhost",
     "From address of the e-mails"},
    {"public_url", T_STR, F(public_url), CONFIG_PUBLIC_URL_DEFAULT,
     "address of the pages, for the links in e-mails"},
    {"request_notify", T_INT, F(request_notify), "10",
     "how many of the best providers are told of a client request"},
    {"outbox_retry_s", T_INT, F(outbox_retry_s), "30",
     "first retry of an e-mail the SMTP server refused, seconds; it"
     " doubles up to an hour, 12 attempts"},
    {"time_transfer_max", T_INT, F(time_transfer_max), "8",
     "time ledger: most hours one transfer may move (the per-cooperative"
     " limits are set through the API)"},
    {"sync_interval_s", T_INT, F(sync_interval_s), "60",
     "federation: seconds between two pulls of each peer's change feed"
     " (0: no pulling); a peer that fails is retried after a doubling"
     " delay, at most an hour"},
    {"sync_timeout_s", T_INT, F(sync_timeout_s), "20",
     "federation: seconds one request to a peer may take"},
    {"peer_stale_s", T_INT, F(peer_stale_s), "900",
     "federation: a peer not pulled successfully for this long is flagged"
     " stale in search results and /metrics"},
    {"instance_name", T_STR, F(instance_name), "essaim",
     "federation: this instance's name in its descriptor"},
    {"contact", T_STR, F(contact), "",
     "federation: contact (e-mail or URL) in this instance's descriptor"},
    {"open_licence", T_STR, F(open_licence), CONFIG_OPEN_LICENCE_DEFAULT,
     "licence of the open data exports (GeoJSON, JSON-LD) of public"
     " profiles"},
    {"size", T_INT, F(demo_size), "5000",
     "demo: number of entrepreneurs to generate"},
    {"seed", T_INT, F(demo_seed), "1", "demo: random seed"},
    {"demo_accounts", T_BOOL, F(demo_accounts), "0",
     "demo: an account for each demo entrepreneur (demo-N@essaim.demo) and"
     " cooperative staff (staff-coop-N@essaim.demo), all with the password"
     " essaim-demo"},
    {"batch", T_INT, F(batch), "10000",
     "import: records per transaction (a crash loses at most the batch"
     " in progress, never one already reported)"},
    {"password", T_STR, F(password), "",
     "admin create: the administrator's password (empty: generated and"
     " printed; prefer the environment to the command line, which other"
     " users of the machine can see)"},
};

#define NSETTINGS (sizeof settings / sizeof settings[0])

static void env_name(const char *key, char *buf, size_t size)
{
    size_t i, n = strlen("ESSAIM_");

    memcpy(buf, "ESSAIM_", n);
    for (i = 0; key[i] && n + 1 < size; i++)
        buf[n++] = (char)toupper((unsigned char)key[i]);
    buf[n] = 0;
}

/* set: parse text into the field; 0 on success. */
static int set(struct config *cfg, const struct setting *s, const char *text,
               const char *source)
{
    char *field = (char *)cfg + s->offset, *end;
    long v;

    switch (s->type) {
    case T_STR:
        *(const char **)(void *)field = text;
        return 0;
    case T_BOOL:
        if (!strcmp(text, "1") || !strcmp(text, "true") ||
            !strcmp(text, "yes") || !strcmp(text, "on")) {
            *(int *)(void *)field = 1;
            return 0;
        }
        if (!strcmp(text, "0") || !strcmp(text, "false") ||
            !strcmp(text, "no") || !strcmp(text, "off")) {
            *(int *)(void *)field = 0;
            return 0;
        }
        break;
    case T_INT:
    case T_LONG:
        errno = 0;
        v = strtol(text, &end, 10);
        if (errno || end == text || *end || v < 0 ||
            (s->type == T_INT && v > INT_MAX))
            break;
        if (s->type == T_INT)
            *(int *)(void *)field = (int)v;
        else
            *(long *)(void *)field = v;
        return 0;
    }
    fprintf(stderr, "essaim: %s: bad value '%s' for %s\n", source, text,
            s->key);
    return -1;
}

/* find: the setting named by a flag ("body-max" or "body_max"). */
static const struct setting *find(const char *name, size_t len)
{
    size_t i, j;

    for (i = 0; i < NSETTINGS; i++) {
        const char *k = settings[i].key;

        if (strlen(k) != len) continue;
        for (j = 0; j < len; j++)
            if (k[j] != name[j] && !(k[j] == '_' && name[j] == '-')) break;
        if (j == len) return &settings[i];
    }
    return NULL;
}

int config_load(struct config *cfg, int argc, char **argv, const char **args,
                int max_args, int *nargs, int *help)
{
    char env[64];
    size_t i;
    int a;

    memset(cfg, 0, sizeof *cfg);
    *nargs = 0;
    *help = 0;
    for (i = 0; i < NSETTINGS; i++) {
        const char *v;

        set(cfg, &settings[i], settings[i].def, "default");
        env_name(settings[i].key, env, sizeof env);
        v = getenv(env);
        if (v && set(cfg, &settings[i], v, env)) return -1;
    }
    for (a = 0; a < argc; a++) {
        const char *arg = argv[a], *eq, *val;
        const struct setting *s;

        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            *help = 1;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
            if (*nargs >= max_args) {
                fprintf(stderr, "essaim: unexpected argument '%s'\n", arg);
                return -1;
            }
            args[(*nargs)++] = arg;
            continue;
        }
        eq = strchr(arg + 2, '=');
        s = find(arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
        if (!s) {
            fprintf(stderr, "essaim: unknown option '%s' (see --help)\n",
                    arg);
            return -1;
        }
        if (eq)
            val = eq + 1;
        else if (a + 1 < argc)
            val = argv[++a];
        else {
            fprintf(stderr, "essaim: option '%s' needs a value\n", arg);
            return -1;
        }
        if (set(cfg, s, val, "command line")) return -1;
    }
    if (log_parse_level(cfg->log_level) < 0) {
        fprintf(stderr, "essaim: log_level must be error, warn, info or "
                        "debug\n");
        return -1;
    }
    if (strcmp(cfg->synchronous, "FULL") && strcmp(cfg->synchronous, "NORMAL")) {
        fprintf(stderr, "essaim: synchronous must be FULL or NORMAL\n");
        return -1;
    }
    if (cfg->port > 65535 || cfg->threads < 1 || cfg->batch < 1) {
        fprintf(stderr, "essaim: port, threads or batch out of range\n");
        return -1;
    }
    return 0;
}

void config_help(FILE *f)
{
    char env[64], flag[64];
    size_t i, j;

    fprintf(f, "Settings (flag, then environment, then default):\n\n");
    for (i = 0; i < NSETTINGS; i++) {
        const char *k = settings[i].key;

        for (j = 0; k[j] && j + 1 < sizeof flag; j++)
            flag[j] = k[j] == '_' ? '-' : k[j];
        flag[j] = 0;
        env_name(k, env, sizeof env);
        fprintf(f, "  --%-20s %-28s default: %s\n      %s\n", flag, env,
                *settings[i].def ? settings[i].def : "(empty)",
                settings[i].help);
    }
}
