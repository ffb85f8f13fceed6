/*
 * buf.c: growable byte buffer (see buf.h).
 */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* grow: make room for n more bytes plus the NUL; 0 on success. */
static int grow(struct buf *b, size_t n)
{
    size_t want, cap;
    char *p;

    if (b->oom) return -1;
    if (n > (size_t)-1 / 2 - b->len) goto fail;
    want = b->len + n + 1;
    if (want <= b->cap) return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < want) cap *= 2;
    p = realloc(b->p, cap);
    if (!p) goto fail;
    b->p = p;
    b->cap = cap;
    return 0;
fail:
    b->oom = 1;
    return -1;
}

void buf_add(struct buf *b, const void *data, size_t n)
{
    if (grow(b, n)) return;
    if (n) memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = 0;
}

void buf_adds(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
    buf_add(b, &c, 1);
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || grow(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_add_json_str(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *run = p;

    buf_addc(b, '"');
    for (; *p; p++) {
        const char *esc = NULL;
        char u[6];

        if (*p >= 0x20 && *p != '"' && *p != '\\') continue;
        buf_add(b, run, (size_t)(p - run));
        run = p + 1;
        switch (*p) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            memcpy(u, "\\u00", 4);
            u[4] = hex[*p >> 4];
            u[5] = hex[*p & 15];
            buf_add(b, u, 6);
        }
        if (esc) buf_adds(b, esc);
    }
    buf_add(b, run, (size_t)(p - run));
    buf_addc(b, '"');
}

const char *buf_str(const struct buf *b)
{
    return b->p && !b->oom ? b->p : "";
}

int buf_oom(const struct buf *b)
{
    return b->oom;
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    b->oom = 0;
    if (b->p) b->p[0] = 0;
}

void buf_free(struct buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

char *buf_take(struct buf *b)
{
    char *p;

    if (b->oom) {
        buf_free(b);
        return NULL;
    }
    if (!b->p) return calloc(1, 1);
    p = b->p;
    memset(b, 0, sizeof *b);
    return p;
}
