/*
 * csv.h: read CSV (RFC 4180) records from memory.
 *
 * Fields may be quoted with '"' (a doubled quote is a quote; quoted
 * fields may span lines). The separator is given (',' or ';'); csv_sniff
 * picks it from the header line. Fields of the current record stay valid
 * until the next csv_next(). Not thread-safe; one reader per thread.
 */
#ifndef ESSAIM_CSV_H
#define ESSAIM_CSV_H

#include <stddef.h>

#include "buf.h"

#define CSV_MAX_FIELDS 64

struct csv {
    const char *p, *end;
    char sep;
    struct buf store;            /* the fields, NUL-separated */
    size_t offset[CSV_MAX_FIELDS];
    const char *field[CSV_MAX_FIELDS];
    int n;                       /* fields in the current record */
    long lineno;                 /* line where the current record starts */
    long nextline;               /* line of the next record */
};

/* csv_sniff: ';' if the first line has more ';' than ',', else ','. */
char csv_sniff(const char *data, size_t len);

void csv_init(struct csv *c, const char *data, size_t len, char sep);

/* csv_next: 1 when a record was read, 0 at the end, -1 on a malformed
 * record (unterminated quote, more than CSV_MAX_FIELDS fields) or out of
 * memory. Blank lines are skipped. */
int csv_next(struct csv *c);

void csv_free(struct csv *c);

#endif
