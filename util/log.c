/*
 * log.c: the logger (see log.h).
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static volatile int current = LOG_INFO;
static const char *const names[] = {"error", "warn", "info", "debug"};

void log_set_level(enum log_level level)
{
    current = (int)level;
}

int log_parse_level(const char *name)
{
    int i;

    for (i = 0; i <= LOG_DEBUG; i++)
        if (!strcmp(name, names[i])) return i;
    return -1;
}

int log_enabled(enum log_level level)
{
    return (int)level <= current;
}

void log_at(enum log_level level, const char *file, int line, const char *fmt,
            ...)
{
    char msg[2048], stamp[32];
    struct timespec ts;
    struct tm tm;
    va_list ap;
    char *p;
    int n;

    if (!log_enabled(level)) return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
#ifdef NDEBUG
    (void)file;
    (void)line;
    n = snprintf(msg, sizeof msg, "%s.%03ldZ %s ", stamp,
                 ts.tv_nsec / 1000000, names[level]);
#else
    n = snprintf(msg, sizeof msg, "%s.%03ldZ %s %s:%d ", stamp,
                 ts.tv_nsec / 1000000, names[level], file, line);
#endif
    if (n < 0 || (size_t)n >= sizeof msg) return;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - (size_t)n - 1, fmt, ap);
    va_end(ap);
    /* One line per event: no line break inside a message. */
    for (p = msg + n; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    p[0] = '\n';
    p[1] = 0;
    fputs(msg, stderr);
}
