/*
 * buf.h: a growable byte buffer, always NUL-terminated.
 *
 * Modelled on curl's dynbuf. Allocation failure is sticky: after one
 * failure every append is a no-op and buf_oom() is true, so a caller can
 * append many pieces and check once. A zeroed struct buf is an empty,
 * valid buffer. Not thread-safe; a buffer belongs to one thread.
 */
#ifndef ESSAIM_BUF_H
#define ESSAIM_BUF_H

#include <stddef.h>

struct buf {
    char *p;    /* data, NUL-terminated when len > 0 or after any append */
    size_t len; /* bytes used, without the NUL */
    size_t cap; /* bytes allocated */
    int oom;    /* an allocation failed: content is incomplete */
};

void buf_add(struct buf *b, const void *data, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* buf_add_json_str: append s as a JSON string literal, quotes included. */
void buf_add_json_str(struct buf *b, const char *s);
/* buf_str: the content as a C string ("" when empty); borrowed. */
const char *buf_str(const struct buf *b);
int buf_oom(const struct buf *b);
void buf_reset(struct buf *b); /* empty it, keep the memory */
void buf_free(struct buf *b);  /* release the memory; b is empty after */
/* buf_take: hand the string to the caller (free() it); b is empty after.
 * Returns NULL after an allocation failure. */
char *buf_take(struct buf *b);

#endif
