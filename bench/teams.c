/*
 * teams.c: the benchmark of the team solver (tender/team.c) against CBC.
 * It generates instances with a fixed seed (50, 200 or 1000 candidates x
 * 5, 10 or 20 requirements; each candidate covers 1 to 4 requirements
 * drawn with a skew, so some trades are common and some rare; distances
 * 0-150 km, loads 0-5), solves each with team_solve (k = 1, max_size =
 * TEAM_MAX_SIZE) and, as an LP file, with the CBC command line
 * (minimize BIG * members + sum of rounded distances, every coverable
 * requirement covered, binary variables), and compares the best team's
 * (members, distance) with CBC's optimum. Prints the share of instances
 * where they agree, p50/p99 times of both (CBC's as the wall time of its
 * process, as a service calling it would see), the speed ratio and how
 * many searches ran out of budget.
 *
 *   teams [N] [--k K] [--no-cbc] [--keep DIR]
 *
 * N instances (default 63, 7 per size), K teams for a second timing of
 * team_solve alone (default 5; 0 skips it), --no-cbc times team_solve
 * alone, --keep writes the LP files to DIR instead of a temporary folder.
 *
 * Built and run by the script bench/teams with:
 *   cc -O2 -std=c11 -D_GNU_SOURCE -o bench/.cache/teams bench/teams.c \
 *      tender/team.c -lm
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../tender/team.h"

#define BIG 100000 /* LP cost of a member: above any team's distance */
#define REPEAT 3   /* team_solve runs per instance (each one a sample) */

static const int sizes[3] = {50, 200, 1000};
static const int reqs[3] = {5, 10, 20};

/* rng: xorshift64*, fixed seeds: the same instances on every run. */
static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static double unif(void) { return (double)(rng() >> 11) / 9007199254740992.0; }

/* gen: instance `seed` with nc candidates over nreq requirements.
 * Requirement r is drawn with weight 1/(r+1) (Zipf, then shuffled), so a
 * few trades are common and several rare; 1-4 requirements a candidate
 * (40/30/20/10 %); 12 cooperatives. */
static void gen(uint64_t seed, int nc, int nreq, struct team_cand *c)
{
    double w[TEAM_MAX_REQ], total = 0;
    int perm[TEAM_MAX_REQ], i, j;

    rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
    for (i = 0; i < nreq; i++) perm[i] = i;
    for (i = nreq - 1; i > 0; i--) {
        int t;

        j = (int)(rng() % (uint64_t)(i + 1));
        t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (i = 0; i < nreq; i++) {
        w[perm[i]] = 1.0 / (i + 1);
        total += w[perm[i]];
    }
    for (i = 0; i < nc; i++) {
        double u = unif();
        int want = u < 0.4 ? 1 : u < 0.7 ? 2 : u < 0.9 ? 3 : 4, got = 0;

        c[i].id = i + 1;
        c[i].coop = (long long)(rng() % 12);
        c[i].covers = 0;
        while (got < want && got < nreq) {
            double x = unif() * total;

            for (j = 0; j < nreq - 1 && x >= w[j]; j++) x -= w[j];
            if (!(c[i].covers >> j & 1)) {
                c[i].covers |= 1ULL << j;
                got++;
            }
        }
        c[i].dist_km = unif() * 150;
        c[i].load = (double)(rng() % 6);
    }
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int dbl_cmp(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;

    return a < b ? -1 : a > b;
}

/* pct: the p-th percentile (nearest rank) of n sorted values. */
static double pct(const double *v, int n, double p)
{
    int i = (int)ceil(p / 100 * n) - 1;

    if (n == 0) return 0;
    return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

/* write_lp: the instance as a CPLEX LP file; 0 on success. */
static int write_lp(const char *path, const struct team_cand *c, int nc,
                    int nreq)
{
    FILE *f = fopen(path, "w");
    uint64_t any = 0;
    int i, r, n;

    if (!f) return -1;
    for (i = 0; i < nc; i++) any |= c[i].covers;
    fprintf(f, "Minimize\n obj:");
    for (i = 0; i < nc; i++)
        if (c[i].covers)
            fprintf(f, "%s %ld x%d%s", i % 8 == 7 ? "\n" : "",
                    BIG + lround(c[i].dist_km), i, "");
    fprintf(f, "\nSubject To\n");
    for (r = 0; r < nreq; r++) {
        if (!(any >> r & 1)) continue;
        fprintf(f, " r%d:", r);
        n = 0;
        for (i = 0; i < nc; i++)
            if (c[i].covers >> r & 1) {
                fprintf(f, "%s%s x%d", n % 12 == 11 ? "\n" : "",
                        n > 0 ? " +" : "", i);
                n++;
            }
        fprintf(f, " >= 1\n");
    }
    fprintf(f, "Binary\n");
    for (i = 0; i < nc; i++)
        if (c[i].covers) fprintf(f, " x%d\n", i);
    fprintf(f, "End\n");
    return fclose(f) ? -1 : 0;
}

/* run_cbc: solve the LP file with cbc, the solution into sol; the wall
 * time of the process in *ms. 0 on success. */
static int run_cbc(const char *lp, const char *sol, double *ms)
{
    double t0;
    int st;
    pid_t pid;

    fflush(stdout); /* the child must not write our buffer again */
    t0 = now_ms();
    pid = fork();

    if (pid < 0) return -1;
    if (pid == 0) {
        FILE *null = freopen("/dev/null", "w", stdout);

        (void)null;
        execlp("cbc", "cbc", lp, "solve", "solution", sol, (char *)NULL);
        _exit(127);
    }
    if (waitpid(pid, &st, 0) < 0) return -1;
    *ms = now_ms() - t0;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* read_cbc: CBC's team from its solution file: members and total rounded
 * distance. 0 when the solution is optimal. */
static int read_cbc(const char *sol, const struct team_cand *c, int nc,
                    int *size, long *dist)
{
    FILE *f = fopen(sol, "r");
    char line[256];
    int ok = 0, i;
    double v;

    *size = 0;
    *dist = 0;
    if (!f) return -1;
    if (fgets(line, sizeof line, f) && strncmp(line, "Optimal", 7) == 0)
        ok = 1;
    while (fgets(line, sizeof line, f)) {
        int n;

        if (sscanf(line, "%d x%d %lf", &n, &i, &v) == 3 && v > 0.5 &&
            i >= 0 && i < nc) {
            (*size)++;
            *dist += lround(c[i].dist_km);
        }
    }
    fclose(f);
    return ok ? 0 : -1;
}

/* usage: the command line, on stderr; the exit status 2. */
static int usage(void)
{
    fprintf(stderr, "usage: teams [N] [--k K] [--no-cbc] [--keep DIR]\n");
    return 2;
}

int main(int argc, char **argv)
{
    int ninst = 63, k2 = 5, cbc = 1, i, a, rep, agree = 0, compared = 0;
    int inexact = 0, inexact2 = 0, ns = 0, ncbc = 0, nk2 = 0, fails = 0;
    const char *keep = NULL;
    char dir[256], lp[300], sol[300];
    double *ts, *tc, *tk;
    struct team_cand *c;
    struct team out[TEAM_MAX_K];
    int per[9] = {0}, per_ok[9] = {0};
    double per_max[9] = {0};

    for (a = 1; a < argc; a++) {
        char *end;
        long v;

        if (strcmp(argv[a], "--k") == 0 && a + 1 < argc) {
            v = strtol(argv[++a], &end, 10);
            if (*end || v < 0 || v > TEAM_MAX_K) return usage();
            k2 = (int)v;
        } else if (strcmp(argv[a], "--no-cbc") == 0) {
            cbc = 0;
        } else if (strcmp(argv[a], "--keep") == 0 && a + 1 < argc) {
            keep = argv[++a];
        } else {
            v = strtol(argv[a], &end, 10);
            if (*end || v < 1 || v > 100000) return usage();
            ninst = (int)v;
        }
    }
    if (keep) {
        snprintf(dir, sizeof dir, "%s", keep);
        if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
            perror(dir);
            return 1;
        }
    } else {
        snprintf(dir, sizeof dir, "/tmp/essaim-teams-XXXXXX");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            return 1;
        }
    }
    c = malloc(1000 * sizeof *c);
    ts = malloc((size_t)ninst * REPEAT * sizeof *ts);
    tc = malloc((size_t)ninst * sizeof *tc);
    tk = malloc((size_t)ninst * sizeof *tk);
    if (!c || !ts || !tc || !tk) return 1;

    for (i = 0; i < ninst; i++) {
        int cfg = i % 9, nc = sizes[cfg / 3], nreq = reqs[cfg % 3];
        struct team_params p = {1, TEAM_MAX_SIZE, 0};
        size_t nout = 0;
        double t0, ms;
        int size_c;
        long dist_c;
        uint64_t full;

        gen((uint64_t)i + 1, nc, nreq, c);
        for (rep = 0; rep < REPEAT; rep++) {
            t0 = now_ms();
            if (team_solve(c, (size_t)nc, nreq, &p, out, &nout) != RC_OK) {
                fprintf(stderr, "instance %d: team_solve failed\n", i);
                return 1;
            }
            ts[ns++] = now_ms() - t0;
        }
        if (nout && !out[0].exact) inexact++;
        if (k2 > 0) {
            struct team_params p2 = {k2, TEAM_MAX_SIZE, 0};
            size_t n2, j;

            t0 = now_ms();
            if (team_solve(c, (size_t)nc, nreq, &p2, out, &n2) != RC_OK)
                return 1;
            tk[nk2++] = now_ms() - t0;
            for (j = 0; j < n2; j++)
                if (!out[j].exact) {
                    inexact2++;
                    break;
                }
            /* the first team again, for the comparison below */
            team_solve(c, (size_t)nc, nreq, &p, out, &nout);
        }
        per[cfg]++;
        if (!cbc) continue;
        snprintf(lp, sizeof lp, "%s/i%03d.lp", dir, i);
        snprintf(sol, sizeof sol, "%s/i%03d.sol", dir, i);
        if (write_lp(lp, c, nc, nreq) < 0) {
            perror(lp);
            return 1;
        }
        if (run_cbc(lp, sol, &ms) < 0 ||
            read_cbc(sol, c, nc, &size_c, &dist_c) < 0) {
            fprintf(stderr, "instance %d: cbc failed or not optimal\n", i);
            fails++;
            continue;
        }
        tc[ncbc++] = ms;
        if (ms > per_max[cfg]) per_max[cfg] = ms;
        full = (nreq == 64 ? ~0ULL : (1ULL << nreq) - 1);
        if (nout && (out[0].covered | out[0].missing) != full) {
            /* max_size too small for a full cover: CBC's LP has no
             * size limit, nothing to compare */
            printf("instance %d: no full cover within %d members\n", i,
                   TEAM_MAX_SIZE);
            continue;
        }
        compared++;
        if (nout && out[0].size == size_c && out[0].dist_km == dist_c) {
            agree++;
            per_ok[cfg]++;
        } else {
            printf("instance %d (%d x %d): essaim %d members %ld km, "
                   "cbc %d members %ld km\n",
                   i, nc, nreq, nout ? out[0].size : 0,
                   nout ? out[0].dist_km : 0L, size_c, dist_c);
        }
    }

    qsort(ts, (size_t)ns, sizeof *ts, dbl_cmp);
    qsort(tc, (size_t)ncbc, sizeof *tc, dbl_cmp);
    qsort(tk, (size_t)nk2, sizeof *tk, dbl_cmp);
    printf("instances              %d (%d runs of team_solve each)\n", ninst,
           REPEAT);
    if (cbc) {
        printf("compared with CBC      %d (%d CBC failures)\n", compared,
               fails);
        printf("essaim = optimum       %d / %d (%.1f %%)\n", agree, compared,
               compared ? 100.0 * agree / compared : 0);
    }
    printf("essaim k=1     ms      p50 %.3f  p99 %.3f  max %.3f\n",
           pct(ts, ns, 50), pct(ts, ns, 99), ns ? ts[ns - 1] : 0);
    if (nk2)
        printf("essaim k=%-2d    ms      p50 %.3f  p99 %.3f  max %.3f\n", k2,
               pct(tk, nk2, 50), pct(tk, nk2, 99), tk[nk2 - 1]);
    if (ncbc) {
        printf("cbc (process)  ms      p50 %.1f  p99 %.1f  max %.1f\n",
               pct(tc, ncbc, 50), pct(tc, ncbc, 99), tc[ncbc - 1]);
        printf("speed ratio cbc/essaim p50 %.0fx  p99 %.0fx\n",
               pct(tc, ncbc, 50) / fmax(pct(ts, ns, 50), 1e-3),
               pct(tc, ncbc, 99) / fmax(pct(ts, ns, 99), 1e-3));
    }
    printf("budget hit (exact=0)   k=1: %d", inexact);
    if (nk2) printf("  k=%d: %d", k2, inexact2);
    printf("\n");
    if (cbc) {
        printf("\n%-18s %6s %8s %12s\n", "size", "inst", "optimum",
               "cbc max ms");
        for (i = 0; i < 9; i++)
            if (per[i])
                printf("%4d x %-11d %6d %5d/%-2d %12.1f\n", sizes[i / 3],
                       reqs[i % 3], per[i], per_ok[i], per[i], per_max[i]);
    }
    if (!keep) {
        for (i = 0; i < ninst; i++) {
            snprintf(lp, sizeof lp, "%s/i%03d.lp", dir, i);
            snprintf(sol, sizeof sol, "%s/i%03d.sol", dir, i);
            unlink(lp);
            unlink(sol);
        }
        rmdir(dir);
    }
    free(c);
    free(ts);
    free(tc);
    free(tk);
    return 0;
}
