/*
 * tsv.c: tab-separated reader (see tsv.h).
 */
#include "tsv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tsv_init_mem(struct tsv *t, const char *data, size_t len)
{
    memset(t, 0, sizeof *t);
    t->p = data;
    t->end = data + len;
}

int tsv_init_file(struct tsv *t, const char *path)
{
    struct buf b = {0};
    char chunk[65536];
    size_t n;
    FILE *f = fopen(path, "rb");

    memset(t, 0, sizeof *t);
    if (!f) return -1;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_add(&b, chunk, n);
    if (ferror(f) || buf_oom(&b)) {
        fclose(f);
        buf_free(&b);
        return -1;
    }
    fclose(f);
    t->p = b.p ? b.p : "";
    t->end = t->p + b.len;
    t->owned = buf_take(&b);
    return 0;
}

int tsv_next(struct tsv *t, char sep)
{
    const char *nl;
    size_t n;
    char *s;

    for (;;) {
        if (t->p >= t->end) return 0;
        nl = memchr(t->p, '\n', (size_t)(t->end - t->p));
        n = nl ? (size_t)(nl - t->p) : (size_t)(t->end - t->p);
        buf_reset(&t->line);
        buf_add(&t->line, t->p, n);
        t->p += n + (nl ? 1 : 0);
        t->lineno++;
        if (buf_oom(&t->line)) return -1;
        if (t->line.len && t->line.p[t->line.len - 1] == '\r')
            t->line.p[--t->line.len] = 0;
        if (t->line.len) break;
    }
    t->nfields = 0;
    s = t->line.p;
    while (t->nfields < TSV_MAX_FIELDS) {
        char *e = strchr(s, sep);

        t->field[t->nfields++] = s;
        if (!e) break;
        *e = 0;
        s = e + 1;
    }
    return 1;
}

int tsv_col(const struct tsv *t, const char *name)
{
    int i;

    for (i = 0; i < t->nfields; i++)
        if (!strcmp(t->field[i], name)) return i;
    return -1;
}

const char *tsv_get(const struct tsv *t, int i)
{
    return i >= 0 && i < t->nfields ? t->field[i] : "";
}

void tsv_free(struct tsv *t)
{
    buf_free(&t->line);
    free(t->owned);
    memset(t, 0, sizeof *t);
}
