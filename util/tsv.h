/*
 * tsv.h: read tab-separated text line by line, from memory or a file.
 *
 * Lines end in LF or CRLF; fields are split on TAB with no quoting (the
 * reference data never holds tabs in values). A reader owns a copy of the
 * current line: fields point into it until the next tsv_next(). Not
 * thread-safe; one reader per thread.
 */
#ifndef ESSAIM_TSV_H
#define ESSAIM_TSV_H

#include <stddef.h>

#include "buf.h"

#define TSV_MAX_FIELDS 32

struct tsv {
    const char *p, *end;          /* remaining input */
    char *owned;                  /* file content, when read from a file */
    struct buf line;              /* copy of the current line */
    char *field[TSV_MAX_FIELDS];  /* fields of the current line */
    int nfields;
    long lineno;                  /* 1-based number of the current line */
};

/* tsv_init_mem: read data[0..len); data must outlive the reader. */
void tsv_init_mem(struct tsv *t, const char *data, size_t len);

/* tsv_init_file: read the whole file; 0 on success, -1 (errno set). */
int tsv_init_file(struct tsv *t, const char *path);

/* tsv_next: advance to the next line; 1 when there is one, 0 at the end,
 * -1 when out of memory. Empty lines are skipped. */
int tsv_next(struct tsv *t, char sep);

/* tsv_col: index of the header column named name, or -1. Call right
 * after reading the header line. */
int tsv_col(const struct tsv *t, const char *name);

/* tsv_get: field i of the current line, "" when the line is shorter. */
const char *tsv_get(const struct tsv *t, int i);

void tsv_free(struct tsv *t);

#endif
