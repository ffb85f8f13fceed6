/*
 * smtp_sink.h: a tiny SMTP server for the tests (header-only): it listens
 * on 127.0.0.1:0 in a thread, accepts every message (or refuses them all
 * with 451 while `refuse` is set), and keeps what it received. Enough
 * SMTP for libcurl: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
 */
#ifndef ESSAIM_SMTP_SINK_H
#define ESSAIM_SMTP_SINK_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../util/buf.h"

#define SINK_MAX 64

struct smtp_sink {
    int fd, port;
    pthread_t thread;
    pthread_mutex_t lock;
    volatile int stop, refuse;
    int n;                 /* messages accepted */
    char *msg[SINK_MAX];   /* their text (headers and body), owned */
    char *rcpt[SINK_MAX];  /* their recipient */
    char url[64];          /* smtp://127.0.0.1:PORT */
};

/* sink_line: read one line (CRLF stripped) into b; 0 at the end. */
static inline int sink_line(int c, struct buf *b)
{
    char ch;

    buf_reset(b);
    for (;;) {
        ssize_t k = read(c, &ch, 1);

        if (k <= 0) return 0;
        if (ch == '\n') break;
        if (ch != '\r') buf_addc(b, ch);
    }
    buf_add(b, "", 0);
    return 1;
}

static inline void sink_say(int c, const char *s)
{
    size_t n = strlen(s);

    if (write(c, s, n) != (ssize_t)n) return;
}

static inline void sink_session(struct smtp_sink *s, int c)
{
    struct buf line = {0}, data = {0};
    char rcpt[256] = "";

    sink_say(c, "220 sink ESMTP\r\n");
    while (sink_line(c, &line)) {
        const char *l = buf_str(&line);

        if (!strncasecmp(l, "EHLO", 4) || !strncasecmp(l, "HELO", 4)) {
            sink_say(c, "250 sink\r\n");
        } else if (!strncasecmp(l, "MAIL", 4)) {
            sink_say(c, s->refuse ? "451 try again later\r\n" : "250 OK\r\n");
        } else if (!strncasecmp(l, "RCPT", 4)) {
            const char *a = strchr(l, '<'), *e = a ? strchr(a, '>') : NULL;

            if (a && e)
                snprintf(rcpt, sizeof rcpt, "%.*s", (int)(e - a - 1), a + 1);
            sink_say(c, "250 OK\r\n");
        } else if (!strncasecmp(l, "DATA", 4)) {
            sink_say(c, "354 end with .\r\n");
            buf_reset(&data);
            while (sink_line(c, &line) && strcmp(buf_str(&line), ".")) {
                const char *d = buf_str(&line);

                buf_adds(&data, d[0] == '.' ? d + 1 : d);
                buf_adds(&data, "\r\n");
            }
            pthread_mutex_lock(&s->lock);
            if (s->n < SINK_MAX) {
                s->msg[s->n] = strdup(buf_str(&data));
                s->rcpt[s->n] = strdup(rcpt);
                s->n++;
            }
            pthread_mutex_unlock(&s->lock);
            sink_say(c, "250 queued\r\n");
        } else if (!strncasecmp(l, "QUIT", 4)) {
            sink_say(c, "221 bye\r\n");
            break;
        } else {
            sink_say(c, "250 OK\r\n");
        }
    }
    buf_free(&line);
    buf_free(&data);
}

static inline void *sink_run(void *arg)
{
    struct smtp_sink *s = arg;

    while (!s->stop) {
        struct pollfd p = {s->fd, POLLIN, 0};
        int c;

        if (poll(&p, 1, 50) <= 0) continue;
        c = accept(s->fd, NULL, NULL);
        if (c < 0) continue;
        sink_session(s, c);
        close(c);
    }
    return NULL;
}

/* sink_start: listen and serve in a thread. */
static inline void sink_start(struct smtp_sink *s)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;

    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s->fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(s->fd, 16) != 0 ||
        getsockname(s->fd, (struct sockaddr *)&a, &len) != 0) {
        fprintf(stderr, "smtp sink: cannot listen\n");
        abort();
    }
    s->port = ntohs(a.sin_port);
    snprintf(s->url, sizeof s->url, "smtp://127.0.0.1:%d", s->port);
    pthread_create(&s->thread, NULL, sink_run, s);
}

static inline void sink_stop(struct smtp_sink *s)
{
    int i;

    s->stop = 1;
    pthread_join(s->thread, NULL);
    close(s->fd);
    for (i = 0; i < s->n; i++) {
        free(s->msg[i]);
        free(s->rcpt[i]);
    }
    pthread_mutex_destroy(&s->lock);
}

static inline int sink_count(struct smtp_sink *s)
{
    int n;

    pthread_mutex_lock(&s->lock);
    n = s->n;
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* sink_body: the decoded body of message i (base64, as essaim sends it),
 * a new string to free(). */
static inline char *sink_body(struct smtp_sink *s, int i)
{
    const char *m, *p;
    struct buf b64 = {0};
    unsigned char *out;
    size_t len = 0, cap;

    pthread_mutex_lock(&s->lock);
    m = s->msg[i];
    p = strstr(m, "\r\n\r\n");
    for (p = p ? p + 4 : m; *p; p++)
        if (*p != '\r' && *p != '\n') buf_addc(&b64, *p);
    pthread_mutex_unlock(&s->lock);
    cap = b64.len + 1;
    out = calloc(1, cap);
    if (sodium_base642bin(out, cap, buf_str(&b64), b64.len, NULL, &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        len = 0;
    out[len] = 0;
    buf_free(&b64);
    return (char *)out;
}

#endif
