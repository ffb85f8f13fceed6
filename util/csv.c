/*
 * csv.c: CSV reader (see csv.h).
 */
#include "csv.h"

#include <string.h>

char csv_sniff(const char *data, size_t len)
{
    size_t i, commas = 0, semis = 0;

    for (i = 0; i < len && data[i] != '\n'; i++) {
        if (data[i] == ',') commas++;
        if (data[i] == ';') semis++;
    }
    return semis > commas ? ';' : ',';
}

void csv_init(struct csv *c, const char *data, size_t len, char sep)
{
    memset(c, 0, sizeof *c);
    c->p = data;
    c->end = data + len;
    c->sep = sep;
    c->nextline = 1;
    /* Skip a UTF-8 byte order mark. */
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) c->p += 3;
}

/* end_field: close the current field; 0 on success. */
static int end_field(struct csv *c)
{
    if (c->n >= CSV_MAX_FIELDS) return -1;
    buf_addc(&c->store, 0);
    c->n++;
    if (c->n < CSV_MAX_FIELDS) c->offset[c->n] = c->store.len;
    return 0;
}

int csv_next(struct csv *c)
{
    int quoted = 0, i;

    for (;;) {
        while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
            if (*c->p == '\n') c->nextline++;
            c->p++;
        }
        if (c->p >= c->end) return 0;
        break;
    }
    buf_reset(&c->store);
    c->n = 0;
    c->offset[0] = 0;
    c->lineno = c->nextline;
    while (c->p < c->end) {
        char ch = *c->p++;

        if (quoted) {
            if (ch == '"') {
                if (c->p < c->end && *c->p == '"') {
                    buf_addc(&c->store, '"');
                    c->p++;
                } else {
                    quoted = 0;
                }
            } else {
                if (ch == '\n') c->nextline++;
                buf_addc(&c->store, ch);
            }
            continue;
        }
        if (ch == '"') {
            quoted = 1;
        } else if (ch == c->sep) {
            if (end_field(c)) return -1;
        } else if (ch == '\n') {
            c->nextline++;
            break;
        } else if (ch != '\r') {
            buf_addc(&c->store, ch);
        }
    }
    if (quoted || end_field(c) || buf_oom(&c->store)) return -1;
    for (i = 0; i < c->n; i++) c->field[i] = c->store.p + c->offset[i];
    return 1;
}

void csv_free(struct csv *c)
{
    buf_free(&c->store);
}
