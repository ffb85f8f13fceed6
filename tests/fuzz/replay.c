/*
 * replay.c: a plain main for a fuzz target: every file named on the
 * command line, or found directly in a directory named there, goes once
 * through LLVMFuzzerTestOneInput. Built with any compiler, without
 * libFuzzer (make test), so the seed corpora and the regressions are
 * checked everywhere; a crash or an abort fails the run.
 *
 *   replay_NAME DIR_OR_FILE...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* run_file: one input; 0 when it ran, -1 when it could not be read. */
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    long size;
    int rc = -1;

    if (!f) goto out;
    if (fseek(f, 0, SEEK_END) != 0) goto out;
    size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) goto out;
    /* A copy of exactly size bytes, so that ASan sees a read past it. */
    data = malloc(size ? (size_t)size : 1);
    if (!data) goto out;
    if (size && fread(data, 1, (size_t)size, f) != (size_t)size) goto out;
    LLVMFuzzerTestOneInput(data, (size_t)size);
    rc = 0;
out:
    if (rc) fprintf(stderr, "replay: cannot read %s\n", path);
    free(data);
    if (f) fclose(f);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* run_dir: every regular file directly in dir, by name; *n counts them. */
static int run_dir(const char *dir, long *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL, path[4096];
    size_t count = 0, cap = 0, i;
    int bad = 0;
    struct stat st;

    if (!d) {
        fprintf(stderr, "replay: cannot open %s\n", dir);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
            if (!names) abort();
        }
        names[count] = strdup(e->d_name);
        if (!names[count]) abort();
        count++;
    }
    closedir(d);
    if (count) qsort(names, count, sizeof *names, by_name);
    for (i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (run_file(path)) bad = -1;
            (*n)++;
        }
        free(names[i]);
    }
    free(names);
    return bad;
}

int main(int argc, char **argv)
{
    struct stat st;
    long n = 0;
    int i, bad = 0;

    LLVMFuzzerInitialize(&argc, &argv);
    for (i = 1; i < argc; i++) {
        if (stat(argv[i], &st) != 0) continue; /* no regressions yet */
        if (S_ISDIR(st.st_mode)) {
            if (run_dir(argv[i], &n)) bad = 1;
        } else {
            if (run_file(argv[i])) bad = 1;
            n++;
        }
    }
    printf("%ld inputs\n", n);
    return bad;
}
