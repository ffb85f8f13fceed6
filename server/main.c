/*
 * main.c: the essaim command: serve, import, demo, admin, backup,
 * restore, version.
 *
 *   essaim serve  [--db FILE] [--port N] [--public DIR] ...
 *   essaim import KIND [FILE|URL] [--db FILE]
 *   essaim demo   [--db FILE] [--size N] [--seed S]
 *   essaim --help
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../account/account.h"
#include "../directory/dir_demo.h"
#include "../directory/dir_ent.h"
#include "../directory/dir_import.h"
#include "../matching/request.h"
#include "../notify/outbox.h"
#include "../search/search.h"
#include "../search/search_index.h"
#include "../search/search_place.h"
#include "../search/search_trade.h"
#include "../store/backup.h"
#include "../store/db.h"
#include "../tender/tender_db.h"
#include "../util/buf.h"
#include "../util/fetch.h"
#include "../util/log.h"
#include "../util/viewer.h"
#include "config.h"
#include "srv.h"


static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static void usage(FILE *f)
{
    fprintf(f,
            "essaim %s: find and team up the entrepreneurs of cooperatives\n"
            "\n"
            "Usage:\n"
            "  essaim serve [--db FILE] [--port N] [--public DIR]\n"
            "  essaim import KIND [FILE|URL] [--db FILE]\n"
            "      KIND: communes (FILE optional: the shipped list is"
            " built in),\n"
            "            cooperatives, entrepreneurs (JSON lines, JSON array"
            " or CSV),\n"
            "            tenders (an OCDS release package, or an eForms"
            " notice)\n"
            "  essaim demo [--db FILE] [--size N] [--seed S]\n"
            "  essaim reindex [--db FILE]\n"
            "  essaim admin create EMAIL [--db FILE] [--password P]\n"
            "      an administrator; without a password (--password or"
            " ESSAIM_PASSWORD)\n      one is generated and printed once\n"
            "  essaim backup FILE [--db FILE]\n"
            "      an online copy of the database, checked (safe while"
            " serving)\n"
            "  essaim restore FILE [--db FILE]\n"
            "      replace the database with a checked backup (stop the"
            " server first)\n"
            "      exit status: 0 done, 1 refused or failed (the database"
            " unchanged),\n      3 the database is in use\n"
            "  essaim version\n"
            "\n",
            ESSAIM_VERSION);
    config_help(f);
}

/* open_db: open the database with the reference data loaded, with a
 * large page cache (bulk writes). */
static struct db *open_db(const struct config *cfg)
{
    struct db_opts o = {cfg->busy_timeout_ms, cfg->synchronous, 0, 131072};
    struct db *db = NULL;

    if (db_open(cfg->db, &o, &db) != RC_OK) {
        fprintf(stderr, "essaim: cannot open database %s\n", cfg->db);
        return NULL;
    }
    if (search_place_ensure(db) != RC_OK || search_trade_ensure(db) != RC_OK) {
        fprintf(stderr, "essaim: cannot load the reference data\n");
        db_close(db);
        return NULL;
    }
    if (search_index_stale(db)) {
        long n = 0;

        log_info("rebuilding the search index");
        if (dir_ent_reindex(db, &n) != RC_OK) {
            fprintf(stderr, "essaim: cannot rebuild the search index\n");
            db_close(db);
            return NULL;
        }
        log_info("search index rebuilt: %ld entrepreneurs", n);
    }
    return db;
}

static int cmd_serve(const struct config *cfg)
{
    struct sigaction sa;
    struct srv *s = NULL;
    struct db *db = open_db(cfg);
    const char *host;

    if (!db) return 1;
    db_close(db);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (srv_start(cfg, &s) != RC_OK) {
        fprintf(stderr, "essaim: cannot start the server on %s:%d\n",
                cfg->listen, cfg->port);
        return 1;
    }
    {
        struct outbox_opts o = {cfg->db,
                                {cfg->busy_timeout_ms, cfg->synchronous, 0, 0},
                                cfg->smtp_url,
                                cfg->smtp_from,
                                cfg->outbox_retry_s,
                                12,
                                1000};

        if (outbox_start(&o) != 0) log_warn("outbox: no delivery thread");
        if (!*cfg->smtp_url)
            log_info("no smtp_url: e-mails wait in the outbox");
    }
    host = strcmp(cfg->listen, "0.0.0.0") ? cfg->listen : "127.0.0.1";
    printf("listening on http://%s:%d\n", host, srv_port(s));
    fflush(stdout);
    log_info("serving %s on http://%s:%d", cfg->db, host, srv_port(s));
    while (!stopping) {
        struct timespec ts = {0, 100 * 1000 * 1000};

        nanosleep(&ts, NULL);
    }
    log_info("stopping: finishing the requests in flight");
    srv_stop(s);
    outbox_stop();
    search_shutdown();
    log_info("stopped");
    return 0;
}

/* read_input: the content of a file, "-" (stdin) or a URL. */
static char *read_input(const char *src, size_t *len)
{
    struct buf b = {0};
    char chunk[65536];
    size_t n;
    FILE *f;

    *len = 0;
    if (fetch_is_url(src)) {
        struct fetch_opts o = {512L << 20, 600, NULL, NULL, NULL, NULL};
        struct fetch_result res;
        char *body = NULL;

        if (fetch_url(src, &o, &res) == RC_OK && res.body) {
            body = res.body;
            *len = res.len;
            res.body = NULL;
        } else {
            fprintf(stderr, "essaim: cannot fetch %s: %s\n", src, res.error);
        }
        fetch_result_free(&res);
        return body;
    }
    f = strcmp(src, "-") ? fopen(src, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "essaim: cannot read %s\n", src);
        return NULL;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_add(&b, chunk, n);
    if (f != stdin) fclose(f);
    if (buf_oom(&b)) {
        fprintf(stderr, "essaim: %s is too large for memory\n", src);
        buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return buf_take(&b);
}

/* import_tenders: essaim import tenders FILE|URL: one line per refused
 * record ("RECORD: FIELD: message; FIELD: message"), then "imported N,
 * rejected M" (N new and updated). A URL is fetched with the ETag and
 * Last-Modified of its last import. Exit status 1 when nothing could be
 * read, or nothing was imported and something was refused. */
static int import_tenders(struct db *db, const char *src)
{
    json_t *errs = json_array(), *rejected = json_array(), *out = NULL, *r;
    const char *last = NULL;
    long imported = 0, nrej = 0;
    char *data = NULL;
    size_t len = 0, i;
    enum rc rc;

    if (!errs || !rejected) return 1;
    if (fetch_is_url(src)) {
        rc = tender_import_url(db, &viewer_system, src, errs, rejected, &out);
    } else {
        data = read_input(src, &len);
        if (!data) {
            json_decref(errs);
            json_decref(rejected);
            return 1;
        }
        rc = tender_import(db, &viewer_system, data, len, NULL, NULL, NULL,
                           errs, rejected, &out);
    }
    /* One line per refused record, its fields joined. */
    json_array_foreach(rejected, i, r) {
        const char *rec = json_string_value(json_object_get(r, "record"));
        const char *f = json_string_value(json_object_get(r, "field"));

        if (!last || strcmp(last, rec)) {
            printf("%s%s: ", last ? "\n" : "", rec);
            nrej++;
        } else {
            printf("; ");
        }
        printf("%s%s%s", *f ? f : "", *f ? ": " : "",
               json_string_value(json_object_get(r, "message")));
        last = rec;
    }
    if (last) printf("\n");
    if (rc == RC_OK) {
        imported = (long)json_integer_value(json_object_get(out, "imported")) +
                   (long)json_integer_value(json_object_get(out, "updated"));
        if (json_is_true(json_object_get(out, "not_modified")))
            fprintf(stderr, "essaim: %s has not changed since its last"
                            " import\n", src);
    } else if (!json_array_size(rejected)) {
        /* Nothing could be read: the document is the refused record. */
        json_array_foreach(errs, i, r) {
            printf("%s: %s\n",
                   json_string_value(json_object_get(r, "field")),
                   json_string_value(json_object_get(r, "message")));
        }
        if (json_array_size(errs)) nrej = 1;
        if (rc != RC_INVALID && rc != RC_TOOBIG)
            fprintf(stderr, "essaim: import tenders failed (%s)\n",
                    rc_name(rc));
    }
    printf("imported %ld, rejected %ld\n", imported, nrej);
    free(data);
    json_decref(out);
    json_decref(errs);
    json_decref(rejected);
    if (rc != RC_OK) return 1;
    return imported == 0 && nrej > 0 ? 1 : 0;
}

static int cmd_import(const struct config *cfg, const char *kind,
                      const char *src)
{
    struct dir_import_stats st = {0, 0};
    struct db *db = open_db(cfg);
    char *data = NULL;
    size_t len = 0;
    enum rc rc;
    long loaded, rejected;

    if (!db) return 1;
    if (!strcmp(kind, "communes")) {
        rc = search_place_load(db, src, &loaded, &rejected);
        if (rc == RC_OK)
            printf("imported %ld, rejected %ld\n", loaded, rejected);
        db_close(db);
        return rc == RC_OK ? 0 : 1;
    }
    if (!src) {
        fprintf(stderr, "essaim: import %s needs a FILE or URL\n", kind);
        db_close(db);
        return 2;
    }
    if (!strcmp(kind, "tenders")) {
        int status = import_tenders(db, src);

        db_close(db);
        return status;
    }
    if (strcmp(kind, "cooperatives") && strcmp(kind, "entrepreneurs")) {
        fprintf(stderr, "essaim: import %s is not available yet (only"
                        " communes, cooperatives, entrepreneurs,"
                        " tenders)\n", kind);
        db_close(db);
        return 2;
    }
    data = read_input(src, &len);
    if (!data) {
        db_close(db);
        return 1;
    }
    rc = dir_import(db, &viewer_system, kind, data, len, cfg->batch, stdout,
                    stderr, &st);
    printf("imported %ld, rejected %ld\n", st.imported, st.rejected);
    free(data);
    db_close(db);
    return rc == RC_OK ? 0 : 1;
}

static int cmd_demo(const struct config *cfg)
{
    struct dir_demo_stats st;
    struct db *db = open_db(cfg);
    enum rc rc;

    if (!db) return 1;
    rc = dir_demo(db, cfg->demo_size, (unsigned long)cfg->demo_seed, &st);
    if (rc == RC_OK)
        printf("demo: %ld cooperatives, %ld entrepreneurs\n",
               st.cooperatives, st.entrepreneurs);
    if (rc == RC_OK && cfg->demo_accounts) {
        long n = 0;

        rc = account_demo(db, "essaim-demo", &n);
        if (rc == RC_OK)
            printf("demo: %ld accounts (demo-N@essaim.demo,"
                   " staff-coop-N@essaim.demo), password essaim-demo\n",
                   n);
    }
    if (rc != RC_OK)
        fprintf(stderr, "essaim: demo failed (%s)\n", rc_name(rc));
    db_close(db);
    return rc == RC_OK ? 0 : 1;
}

static int cmd_reindex(const struct config *cfg)
{
    struct db *db = open_db(cfg);
    long n = 0;
    enum rc rc;

    if (!db) return 1;
    rc = dir_ent_reindex(db, &n);
    if (rc == RC_OK)
        printf("reindexed %ld entrepreneurs\n", n);
    else
        fprintf(stderr, "essaim: reindex failed (%s)\n", rc_name(rc));
    db_close(db);
    return rc == RC_OK ? 0 : 1;
}

/* on_backup_progress: a progress line on stderr per step of a large
 * backup. */
static void on_backup_progress(long done, long total, void *arg)
{
    (void)arg;
    if (total > 1024)
        fprintf(stderr, "backup: %ld of %ld pages\n", done, total);
}

static int cmd_backup(const struct config *cfg, const char *file)
{
    struct backup_stats st;
    char err[1024];

    if (backup_run(cfg->db, file, on_backup_progress, NULL, &st, err,
                   sizeof err) != RC_OK) {
        fprintf(stderr, "essaim: backup failed: %s\n", err);
        return 1;
    }
    printf("backup of %s written to %s: %ld pages, %.1f MB, schema version"
           " %d, integrity ok, %ld ms (copy %ld, check %ld)\n",
           cfg->db, file, st.pages, (double)st.bytes / 1e6, st.version,
           st.ms, st.copy_ms, st.check_ms);
    return 0;
}

static int cmd_restore(const struct config *cfg, const char *file)
{
    struct backup_stats st;
    char err[1024];
    enum rc rc = backup_restore(file, cfg->db, &st, err, sizeof err);

    if (rc != RC_OK) {
        fprintf(stderr, "essaim: restore %s: %s; %s is unchanged\n",
                rc == RC_INVALID || rc == RC_BUSY ? "refused" : "failed", err,
                cfg->db);
        return rc == RC_BUSY ? 3 : 1;
    }
    printf("%s restored from %s: schema version %d%s, %.1f MB, integrity"
           " ok, %ld ms (check %ld, copy %ld)\n",
           cfg->db, file, st.version,
           st.version < db_schema_version() ? " (migrated when next opened)"
                                            : "",
           (double)st.bytes / 1e6, st.ms, st.check_ms, st.copy_ms);
    return 0;
}

static int cmd_admin(const struct config *cfg, const char *what,
                     const char *email)
{
    const char *pw = cfg->password;
    char generated[32] = "";
    struct db *db;
    enum rc rc;

    if (strcmp(what, "create") != 0) {
        usage(stderr);
        return 2;
    }
    db = open_db(cfg);
    if (!db) return 1;
    rc = account_admin_create(db, email, pw, generated, sizeof generated);
    db_close(db);
    if (rc != RC_OK) {
        fprintf(stderr, "essaim: cannot create the administrator %s (%s)\n",
                email, rc == RC_CONFLICT ? "the address has an account"
                                         : rc_name(rc));
        return 1;
    }
    printf("administrator %s created\n", email);
    if (*generated) printf("password: %s\n", generated);
    return 0;
}

int main(int argc, char **argv)
{
    struct config cfg;
    const char *args[4];
    int nargs, help, rc = 2;

    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
        printf("essaim %s\n", ESSAIM_VERSION);
        return 0;
    }
    if (config_load(&cfg, argc - 2, argv + 2, args, 4, &nargs, &help))
        return 2;
    if (help) {
        usage(stdout);
        return 0;
    }
    log_set_level((enum log_level)log_parse_level(cfg.log_level));
    fetch_global_init();
    search_init();
    search_cache_size((size_t)cfg.search_cache_mb << 20);
    request_init(cfg.request_notify, cfg.public_url);
    if (account_init((unsigned long long)cfg.password_ops,
                     (size_t)cfg.password_mem_kb << 10,
                     (long)cfg.session_hours * 3600) < 0) {
        fprintf(stderr, "essaim: libsodium cannot start\n");
        return 1;
    }
    if (!strcmp(argv[1], "serve") && nargs == 0)
        rc = cmd_serve(&cfg);
    else if (!strcmp(argv[1], "import") && (nargs == 1 || nargs == 2))
        rc = cmd_import(&cfg, args[0], nargs == 2 ? args[1] : NULL);
    else if (!strcmp(argv[1], "demo") && nargs == 0)
        rc = cmd_demo(&cfg);
    else if (!strcmp(argv[1], "reindex") && nargs == 0)
        rc = cmd_reindex(&cfg);
    else if (!strcmp(argv[1], "backup") && nargs == 1)
        rc = cmd_backup(&cfg, args[0]);
    else if (!strcmp(argv[1], "restore") && nargs == 1)
        rc = cmd_restore(&cfg, args[0]);
    else if (!strcmp(argv[1], "admin") && nargs == 2)
        rc = cmd_admin(&cfg, args[0], args[1]);
    else
        usage(stderr);
    return rc;
}
