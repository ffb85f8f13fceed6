/*
 * test_crash.c: crash safety (issue 11, part 2). 200 cycles of: start
 * `essaim serve` (the real binary, in its own process); write through
 * the API from a few threads (new profiles as staff, PATCHes of them,
 * time transfers recorded by one side and confirmed by the other),
 * keeping every write the server acknowledged (a 2xx answer received
 * whole); SIGKILL the server at a random moment 0-100 ms after the
 * cycle's first acknowledged write (so that writes are in flight
 * whatever the load of the machine). At the next start: the server
 * starts cleanly and serves, PRAGMA integrity_check is ok, the time
 * ledger balances, and every acknowledged write is there with its
 * content. One cycle in eight kills the server while it starts instead.
 *
 *   ESSAIM_CRASH_SEED=S     repeat the random delays of a run (printed)
 *   ESSAIM_CRASH_CYCLES=N   another number of cycles (default 200)
 *   ESSAIM_SYNCHRONOUS=...  passed on to the server (default FULL)
 *
 * The binary is dirname(argv[0])/../essaim; the test is skipped without
 * it.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

#define WRITERS 3
#define CYCLES 200
#define EARLY_ONE_IN 8     /* one cycle in 8 kills during start-up */
#define KILL_SPAN_MS 100   /* the kill comes 0..KILL_SPAN_MS after the
                              first write of the cycle is acknowledged */
#define STARTUP_MS 20000   /* longest wait for "listening on" */
#define NAME 48

static char binary[1024];  /* the essaim under test */
static char dir[64];       /* the run's temporary folder */
static char dbpath[128], logpath[128];
static char base[64];      /* http://127.0.0.1:PORT of the server */
static pid_t server_pid;
static atomic_int stopping; /* tells the writers to stop */
static atomic_long acks;    /* writes acknowledged in this cycle */
static atomic_int odd;      /* a writer saw what cannot be (no asserts
                               in threads: cmocka's are for the main one) */

/* ------------------------------------------------------- small helpers */

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* rnd: xorshift32; *s must not be 0. */
static unsigned rnd(unsigned *s)
{
    unsigned x = *s;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

/* ---------------------------------------------------- the server process */

/* mutable: posix_spawn's argv type for an array of literals. */
static char *const *mutable(const char *const *argv)
{
    union {
        const char *const *c;
        char *const *m;
    } u;

    u.c = argv;
    return u.m;
}

/* spawn: start `essaim serve` with stdout on a pipe (*out: its read
 * end) and stderr in logpath. */
static pid_t spawn(int *out)
{
    const char *argv[] = {
        binary,          "serve", "--db",         dbpath, "--port",
        "0",             "--public", "",          "--threads", "16",
        "--log-level",   "warn",  "--access-log", "0",    "--password-ops",
        "1",             "--password-mem-kb",     "8192", NULL};
    posix_spawn_file_actions_t fa;
    int p[2];
    pid_t pid;

    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    posix_spawn_file_actions_addclose(&fa, p[1]);
    posix_spawn_file_actions_addopen(&fa, 2, logpath,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_int_equal(
        posix_spawn(&pid, binary, &fa, NULL, mutable(argv), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    *out = p[0];
    return pid;
}

static void show_log(void)
{
    char line[512];
    FILE *f = fopen(logpath, "r");

    if (!f) return;
    fprintf(stderr, "--- server log:\n");
    while (fgets(line, sizeof line, f)) fputs(line, stderr);
    fclose(f);
}

/* start: spawn the server and wait for "listening on URL"; fills base. */
static void start(void)
{
    char line[256];
    size_t len = 0;
    long t0 = now_ms();
    int fd;

    server_pid = spawn(&fd);
    while (len + 1 < sizeof line && !memchr(line, '\n', len)) {
        struct pollfd pf = {fd, POLLIN, 0};
        long left = STARTUP_MS - (now_ms() - t0);
        ssize_t n;

        if (left <= 0 || poll(&pf, 1, (int)left) <= 0) break;
        n = read(fd, line + len, sizeof line - 1 - len);
        if (n <= 0) break;
        len += (size_t)n;
    }
    line[len] = 0;
    close(fd);
    if (strncmp(line, "listening on http://", 20) != 0) {
        fprintf(stderr, "the server did not start: '%s'\n", line);
        show_log();
        fail(); /* teardown() kills it */
    }
    snprintf(base, sizeof base, "%.*s", (int)strcspn(line + 13, "\n"),
             line + 13);
}

/* stop: SIGKILL (or SIGTERM, then wait) the server. */
static void stop(int sig)
{
    int status = 0;

    assert_int_equal(kill(server_pid, sig), 0);
    assert_int_equal(waitpid(server_pid, &status, 0), server_pid);
    if (sig == SIGTERM) {
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) show_log();
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    server_pid = 0;
}

/* log_is_clean: no "error" line in the server's log. */
static int log_is_clean(void)
{
    char line[1024];
    FILE *f = fopen(logpath, "r");
    int ok = 1;

    if (!f) return 1;
    while (fgets(line, sizeof line, f))
        if (strstr(line, " error ")) ok = 0;
    fclose(f);
    if (!ok) show_log();
    return ok;
}

/* ------------------------------------------------------------- HTTP */

/* http: one request on c; the status, 0 when no whole answer came (the
 * server died). *out: the parsed body (new reference) or NULL. */
static long http(CURL *c, const char *token, const char *method,
                 const char *path, const char *body, json_t **out)
{
    struct curl_slist *h = NULL;
    struct buf b = {0};
    char url[256], auth[128];
    long status = 0;

    if (out) *out = NULL;
    snprintf(url, sizeof url, "%s%s", base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, test_on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
    }
    if (body) {
        h = curl_slist_append(h, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (out && status && b.len) *out = json_loadb(b.p, b.len, 0, NULL);
    curl_slist_free_all(h);
    buf_free(&b);
    return status;
}

/* id_of: the "id" of an answer, as a number (0 when none). */
static long long id_of(json_t *o)
{
    const char *s = json_string_value(json_object_get(o, "id"));

    return s ? strtoll(s, NULL, 10) : 0;
}

/* ----------------------------------------------------------- writers */

struct ent {
    long long id;
    char name[NAME];
    char headline[NAME];   /* the last acknowledged */
    char pending[NAME];    /* sent, not acknowledged: may or may not be */
    int cycle;             /* last cycle it was written in */
    int writes;            /* acknowledged writes: creation, PATCHes */
};

struct xfer {
    long long id, from, to;
    char note[NAME];
    int confirmed;         /* the confirmation was acknowledged */
    int cycle;
};

struct writer {
    int no;
    unsigned seed;
    long long coop;
    char staff[64];        /* token of the cooperative's staff */
    long long x, y;        /* two profiles with accounts, for transfers */
    char tx[64], ty[64];
    int turn;              /* who pays next: 0 x, 1 y */
    int cycle;
    long serial;           /* makes every name and value unique */
    struct ent *ents;
    size_t nents, cap;
    struct xfer *xfers;
    size_t nxfers, xcap;
    long acked;            /* writes acknowledged, all cycles */
    int down;              /* a request got no answer: the server is
                              dead, stop (one write in flight at most) */
};

/* call: http() for a writer; notes a server that no longer answers. */
static long call(struct writer *w, CURL *c, const char *token,
                 const char *method, const char *path, const char *body,
                 json_t **out)
{
    long status = http(c, token, method, path, body, out);

    if (!status) w->down = 1;
    return status;
}

static struct writer writers[WRITERS];

static void create_ent(struct writer *w, CURL *c)
{
    char body[512];
    struct ent e;
    json_t *out;

    memset(&e, 0, sizeof e);
    snprintf(e.name, sizeof e.name, "Crash W%d N%ld", w->no, ++w->serial);
    snprintf(e.headline, sizeof e.headline, "h%d-%ld", w->no, w->serial);
    snprintf(body, sizeof body,
             "{\"cooperative_id\":\"%lld\",\"display_name\":\"%s\","
             "\"headline\":\"%s\",\"location\":{\"insee\":\"75056\"},"
             "\"visibility\":\"public\"}",
             w->coop, e.name, e.headline);
    if (call(w, c, w->staff, "POST", "/api/v1/entrepreneurs", body, &out) ==
        201) {
        e.id = id_of(out);
        e.cycle = w->cycle;
        e.writes = 1;
        if (e.id <= 0) atomic_store(&odd, 1);
        if (w->nents == w->cap) {
            w->cap = w->cap ? w->cap * 2 : 64;
            w->ents = realloc(w->ents, w->cap * sizeof *w->ents);
            if (!w->ents) abort();
        }
        w->ents[w->nents++] = e;
        w->acked++;
        atomic_fetch_add(&acks, 1);
    }
    json_decref(out);
}

static void patch_ent(struct writer *w, CURL *c)
{
    struct ent *e = &w->ents[rnd(&w->seed) % w->nents];
    char body[128], path[64];

    snprintf(e->pending, sizeof e->pending, "p%d-%ld", w->no, ++w->serial);
    e->cycle = w->cycle;
    snprintf(body, sizeof body, "{\"headline\":\"%s\"}", e->pending);
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%lld", e->id);
    switch (call(w, c, w->staff, "PATCH", path, body, NULL)) {
    case 200:
        memcpy(e->headline, e->pending, sizeof e->headline);
        e->pending[0] = 0;
        e->writes++;
        w->acked++;
        atomic_fetch_add(&acks, 1);
        break;
    case 0: /* no answer: it may or may not have been written */
        break;
    default: /* refused: a refused request writes nothing */
        e->pending[0] = 0;
    }
}

/* transfer: one side records an hour, the other confirms it. */
static void transfer(struct writer *w, CURL *c)
{
    const char *payer = w->turn ? w->ty : w->tx, *earner = w->turn ? w->tx
                                                                    : w->ty;
    char body[256], path[96];
    struct xfer t;
    json_t *out;

    memset(&t, 0, sizeof t);
    t.from = w->turn ? w->y : w->x;
    t.to = w->turn ? w->x : w->y;
    snprintf(t.note, sizeof t.note, "t%d-%ld", w->no, ++w->serial);
    snprintf(body, sizeof body,
             "{\"from\":\"%lld\",\"to\":\"%lld\",\"hours\":1,"
             "\"note\":\"%s\"}",
             t.from, t.to, t.note);
    if (call(w, c, payer, "POST", "/api/v1/time/transfers", body, &out) !=
        201) {
        json_decref(out);
        return;
    }
    t.id = id_of(out);
    t.cycle = w->cycle;
    json_decref(out);
    if (t.id <= 0) atomic_store(&odd, 1);
    w->acked++;
    atomic_fetch_add(&acks, 1);
    snprintf(path, sizeof path, "/api/v1/time/transfers/%lld/confirm", t.id);
    if (call(w, c, earner, "POST", path, "{}", NULL) == 200) {
        t.confirmed = 1;
        w->acked++;
        atomic_fetch_add(&acks, 1);
        w->turn = !w->turn;
    }
    if (w->nxfers == w->xcap) {
        w->xcap = w->xcap ? w->xcap * 2 : 64;
        w->xfers = realloc(w->xfers, w->xcap * sizeof *w->xfers);
        if (!w->xfers) abort();
    }
    w->xfers[w->nxfers++] = t;
}

static void *write_loop(void *arg)
{
    struct writer *w = arg;
    CURL *c = curl_easy_init();

    if (!c) abort();
    w->down = 0;
    while (!atomic_load(&stopping) && !w->down) {
        unsigned r = rnd(&w->seed) % 4;

        if (r == 0 || w->nents == 0)
            create_ent(w, c);
        else if (r == 1)
            patch_ent(w, c);
        else
            transfer(w, c);
    }
    curl_easy_cleanup(c);
    return NULL;
}

/* ------------------------------------------------------------ checks */

static sqlite3 *open_db(void)
{
    sqlite3 *h = NULL;

    assert_int_equal(sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READWRITE, NULL),
                     SQLITE_OK);
    sqlite3_busy_timeout(h, 10000);
    /* A third faster integrity check. */
    sqlite3_exec(h, "PRAGMA mmap_size=268435456", NULL, NULL, NULL);
    return h;
}

static void integrity_ok(sqlite3 *h)
{
    sqlite3_stmt *st = NULL;

    assert_int_equal(
        sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    if (strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
        fprintf(stderr, "integrity_check: %s\n", sqlite3_column_text(st, 0));
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
}

/* ledger_ok: the time ledger balances: its movements sum to zero and
 * every account's balance is the sum of its movements. */
static void ledger_ok(sqlite3 *h)
{
    sqlite3_stmt *st = NULL;

    assert_int_equal(
        sqlite3_prepare_v2(h,
                           "SELECT (SELECT coalesce(sum(amount), 0)"
                           "  FROM time_movement),"
                           " (SELECT count(*) FROM time_account a"
                           "  WHERE balance <> (SELECT coalesce(sum(amount),"
                           "  0) FROM time_movement WHERE account_id = a.id))",
                           -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(st, 0), 0);
    assert_int_equal(sqlite3_column_int64(st, 1), 0);
    sqlite3_finalize(st);
}

/* check_ent: the profile is there with its name and its last
 * acknowledged headline (or the one in flight when the server died,
 * which becomes the expected one). */
static void check_ent(sqlite3 *h, struct ent *e)
{
    sqlite3_stmt *st = NULL;
    const char *head;

    assert_int_equal(
        sqlite3_prepare_v2(h,
                           "SELECT display_name, doc ->> '$.headline'"
                           " FROM entrepreneur WHERE id = ?1",
                           -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_int64(st, 1, e->id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        fprintf(stderr, "acknowledged profile %lld (%s) is lost\n", e->id,
                e->name);
        fail();
    }
    assert_string_equal((const char *)sqlite3_column_text(st, 0), e->name);
    head = (const char *)sqlite3_column_text(st, 1);
    assert_non_null(head);
    if (e->pending[0] && !strcmp(head, e->pending))
        memcpy(e->headline, e->pending, sizeof e->headline);
    if (strcmp(head, e->headline) != 0)
        fprintf(stderr, "profile %lld: headline '%s', acknowledged '%s'\n",
                e->id, head, e->headline);
    assert_string_equal(head, e->headline);
    e->pending[0] = 0;
    sqlite3_finalize(st);
}

/* check_xfer: the transfer is there with its sides, hours and note; a
 * confirmed one has its two ledger lines. */
static void check_xfer(sqlite3 *h, const struct xfer *t)
{
    sqlite3_stmt *st = NULL;

    assert_int_equal(
        sqlite3_prepare_v2(h,
                           "SELECT from_id, to_id, amount, note, status,"
                           " (SELECT count(*) FROM time_movement"
                           "  WHERE transfer_id = t.id)"
                           " FROM time_transfer t WHERE id = ?1",
                           -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_int64(st, 1, t->id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        fprintf(stderr, "acknowledged transfer %lld (%s) is lost\n", t->id,
                t->note);
        fail();
    }
    assert_int_equal(sqlite3_column_int64(st, 0), t->from);
    assert_int_equal(sqlite3_column_int64(st, 1), t->to);
    assert_int_equal(sqlite3_column_int(st, 2), 4);
    assert_string_equal((const char *)sqlite3_column_text(st, 3), t->note);
    if (t->confirmed) {
        assert_string_equal((const char *)sqlite3_column_text(st, 4),
                            "confirmed");
        assert_int_equal(sqlite3_column_int(st, 5), 2);
    }
    sqlite3_finalize(st);
}

/* check_writes: every record written in cycles >= since; the number of
 * acknowledged writes these records hold. */
static long check_writes(sqlite3 *h, int since)
{
    long n = 0;
    size_t i, j;

    assert_int_equal(sqlite3_exec(h, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    for (i = 0; i < WRITERS; i++) {
        struct writer *w = &writers[i];

        for (j = 0; j < w->nents; j++)
            if (w->ents[j].cycle >= since) {
                check_ent(h, &w->ents[j]);
                n += w->ents[j].writes;
            }
        for (j = 0; j < w->nxfers; j++)
            if (w->xfers[j].cycle >= since) {
                check_xfer(h, &w->xfers[j]);
                n += 1 + w->xfers[j].confirmed;
            }
    }
    assert_int_equal(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    return n;
}

/* serves: /healthz and one profile through the API. */
static void serves(void)
{
    CURL *c = curl_easy_init();
    char path[64];
    json_t *out = NULL;

    assert_int_equal(http(c, NULL, "GET", "/healthz", NULL, NULL), 200);
    if (writers[0].nents) {
        const struct ent *e = &writers[0].ents[writers[0].nents - 1];

        snprintf(path, sizeof path, "/api/v1/entrepreneurs/%lld", e->id);
        assert_int_equal(http(c, writers[0].staff, "GET", path, NULL, &out),
                         200);
        assert_string_equal(
            json_string_value(json_object_get(out, "display_name")), e->name);
        json_decref(out);
    }
    curl_easy_cleanup(c);
}

/* ----------------------------------------------------------- set-up */

static void must_run(const char *const *argv)
{
    posix_spawn_file_actions_t fa;
    int status = 0;
    pid_t pid;

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, logpath,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_int_equal(
        posix_spawn(&pid, argv[0], &fa, NULL, mutable(argv), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) show_log();
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* account: an account (as the admin) and its token. */
static void account(CURL *c, const char *admin, const char *email,
                    const char *extra, char *token, size_t size)
{
    char body[512];
    json_t *out = NULL;

    snprintf(body, sizeof body,
             "{\"email\":\"%s\",\"password\":\"crash-password\"%s}", email,
             extra);
    assert_int_equal(http(c, admin, "POST", "/api/v1/accounts", body, NULL),
                     201);
    snprintf(body, sizeof body,
             "{\"email\":\"%s\",\"password\":\"crash-password\"}", email);
    assert_int_equal(http(c, NULL, "POST", "/api/v1/auth/login", body, &out),
                     200);
    snprintf(token, size, "%s",
             json_string_value(json_object_get(out, "token")));
    json_decref(out);
}

/* prepare: a database with an administrator, two cooperatives, a staff
 * account for each, and two profiles with accounts per writer. */
static void prepare(unsigned seed)
{
    const char *admin_create[] = {
        binary,           "admin", "create", "admin@crash.invalid",
        "--db",           dbpath,  "--password", "crash-admin-password",
        "--password-ops", "1",     "--password-mem-kb", "8192", NULL};
    char admin[64], staff[2][64], body[512], extra[128], email[64];
    long long coop[2];
    CURL *c = curl_easy_init();
    json_t *out = NULL;
    int i, k;

    must_run(admin_create);
    start();
    assert_int_equal(
        http(c, NULL, "POST", "/api/v1/auth/login",
             "{\"email\":\"admin@crash.invalid\",\"password\":"
             "\"crash-admin-password\"}",
             &out),
        200);
    snprintf(admin, sizeof admin, "%s",
             json_string_value(json_object_get(out, "token")));
    json_decref(out);
    for (k = 0; k < 2; k++) {
        snprintf(body, sizeof body, "{\"name\":\"Coop crash %d\"}", k);
        assert_int_equal(
            http(c, admin, "POST", "/api/v1/cooperatives", body, &out), 201);
        coop[k] = id_of(out);
        json_decref(out);
        snprintf(extra, sizeof extra,
                 ",\"role\":\"staff\",\"cooperative_id\":\"%lld\"", coop[k]);
        snprintf(email, sizeof email, "staff%d@crash.invalid", k);
        account(c, admin, email, extra, staff[k], sizeof staff[k]);
    }
    for (i = 0; i < WRITERS; i++) {
        struct writer *w = &writers[i];
        long long *who[2] = {&w->x, &w->y};
        char *tok[2] = {w->tx, w->ty};

        memset(w, 0, sizeof *w);
        w->no = i;
        w->seed = (seed ^ (0x9E3779B9u * (unsigned)(i + 1))) | 1;
        w->coop = coop[i % 2];
        snprintf(w->staff, sizeof w->staff, "%s", staff[i % 2]);
        for (k = 0; k < 2; k++) {
            snprintf(body, sizeof body,
                     "{\"cooperative_id\":\"%lld\",\"display_name\":"
                     "\"Payer W%d P%d\",\"location\":{\"insee\":"
                     "\"69123\"},\"visibility\":\"public\"}",
                     w->coop, i, k);
            assert_int_equal(
                http(c, w->staff, "POST", "/api/v1/entrepreneurs", body, &out),
                201);
            *who[k] = id_of(out);
            json_decref(out);
            snprintf(extra, sizeof extra,
                     ",\"role\":\"entrepreneur\",\"entrepreneur_id\":"
                     "\"%lld\"",
                     *who[k]);
            snprintf(email, sizeof email, "w%d-p%d@crash.invalid", i, k);
            account(c, admin, email, extra, tok[k], 64);
        }
    }
    curl_easy_cleanup(c);
    stop(SIGTERM);
}

/* ------------------------------------------------------------- test */

static void crash_cycles(void **state)
{
    const char *env = getenv("ESSAIM_CRASH_SEED");
    unsigned seed = env ? (unsigned)strtoul(env, NULL, 10)
                        : (unsigned)time(NULL) ^ (unsigned)getpid();
    const char *n = getenv("ESSAIM_CRASH_CYCLES");
    int cycles = n ? (int)strtol(n, NULL, 10) : CYCLES;
    long acked = 0, t0, kill_sum = 0, ms, t, t_start = 0, t_check = 0;
    int cycle, early = 0, i;
    struct stat sb;
    sqlite3 *h;

    (void)state;
    if (access(binary, X_OK) != 0) {
        fprintf(stderr, "skipped: no essaim binary at %s (build it first)\n",
                binary);
        skip();
    }
    if (!seed) seed = 1;
    printf("crash test: seed %u (ESSAIM_CRASH_SEED=%u repeats the delays),"
           " %d cycles, synchronous %s\n",
           seed, seed, cycles,
           getenv("ESSAIM_SYNCHRONOUS") ? getenv("ESSAIM_SYNCHRONOUS")
                                        : "FULL (default)");
    fflush(stdout);
    snprintf(dir, sizeof dir, "/tmp/essaim-crash-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(dbpath, sizeof dbpath, "%s/crash.db", dir);
    snprintf(logpath, sizeof logpath, "%s/server.log", dir);
    t = now_ms();
    prepare(seed);
    t0 = now_ms();
    printf("crash test: set-up %ld ms\n", t0 - t);
    for (cycle = 1; cycle <= cycles; cycle++) {
        pthread_t th[WRITERS];
        long delay;

        t = now_ms();
        start();
        t_start += now_ms() - t;
        /* The previous cycle's crash: the server recovered; check. */
        t = now_ms();
        assert_true(log_is_clean());
        serves();
        h = open_db();
        integrity_ok(h);
        ledger_ok(h);
        check_writes(h, cycle - 1);
        sqlite3_close(h);
        t_check += now_ms() - t;

        if (rnd(&seed) % EARLY_ONE_IN == 0) {
            /* Killed while it opens the database and starts. */
            stop(SIGKILL);
            {
                int fd;

                server_pid = spawn(&fd);
                sleep_ms((long)(rnd(&seed) % 40));
                close(fd);
                stop(SIGKILL);
            }
            early++;
            continue;
        }
        atomic_store(&stopping, 0);
        atomic_store(&acks, 0);
        for (i = 0; i < WRITERS; i++) {
            writers[i].cycle = cycle;
            assert_int_equal(
                pthread_create(&th[i], NULL, write_loop, &writers[i]), 0);
        }
        /* Killed while writing, whatever the load of the machine: at a
         * random moment after the first acknowledged write. */
        t = now_ms();
        while (atomic_load(&acks) == 0 && now_ms() - t < STARTUP_MS)
            sleep_ms(1);
        assert_true(atomic_load(&acks) > 0);
        delay = (long)(rnd(&seed) % KILL_SPAN_MS);
        sleep_ms(delay);
        kill_sum += now_ms() - t;
        stop(SIGKILL);
        atomic_store(&stopping, 1);
        for (i = 0; i < WRITERS; i++) pthread_join(th[i], NULL);
        assert_int_equal(atomic_load(&odd), 0);
    }
    /* A last clean start: everything, from the first cycle, is there. */
    ms = now_ms() - t0;
    t = now_ms();
    start();
    assert_true(log_is_clean());
    serves();
    stop(SIGTERM);
    h = open_db();
    integrity_ok(h);
    ledger_ok(h);
    for (i = 0; i < WRITERS; i++) acked += writers[i].acked;
    assert_true(acked > cycles); /* the cycles did write */
    assert_int_equal(check_writes(h, 0), acked);
    sqlite3_close(h);
    assert_int_equal(stat(dbpath, &sb), 0);
    printf("crash test: %d cycles (%d killed while starting) in %.1f s,"
           " %ld ms per cycle, killed after %ld ms of writes on average;"
           " %ld writes acknowledged, each found after the kill that ended"
           " its cycle and all again at the end; integrity ok every cycle;"
           " database %.1f MB; per cycle: start %ld ms, checks %ld ms;"
           " final start, stop and checks %ld ms\n",
           cycles, early, (double)ms / 1000.0, ms / (cycles ? cycles : 1),
           kill_sum / (cycles - early > 0 ? cycles - early : 1), acked,
           (double)sb.st_size / 1e6, t_start / (cycles ? cycles : 1),
           t_check / (cycles ? cycles : 1), now_ms() - t);
    {
        char cmd[128];

        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
    }
    for (i = 0; i < WRITERS; i++) {
        free(writers[i].ents);
        free(writers[i].xfers);
    }
}

/* teardown: after a failure, no server or writer is left running; the
 * folder stays for a post-mortem. */
static int teardown(void **state)
{
    int status;

    (void)state;
    atomic_store(&stopping, 1);
    if (server_pid > 0) {
        kill(server_pid, SIGKILL);
        waitpid(server_pid, &status, 0);
        server_pid = 0;
    }
    if (*dir && access(dir, F_OK) == 0)
        fprintf(stderr, "crash test: database and log left in %s\n", dir);
    return 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(crash_cycles, teardown),
    };
    const char *slash = strrchr(argv[0], '/');
    int rc;

    (void)argc;
    if (slash)
        snprintf(binary, sizeof binary, "%.*s/../essaim",
                 (int)(slash - argv[0]), argv[0]);
    else
        snprintf(binary, sizeof binary, "../essaim");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
