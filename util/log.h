/*
 * log.h: one line per event on stderr.
 *
 * Format: "2026-11-25T17:24:27.123Z level message", with "file:line" after
 * the level in debug builds. Thread-safe (one fputs per line). Never log
 * request bodies, passwords or tokens.
 */
#ifndef ESSAIM_LOG_H
#define ESSAIM_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* log_set_level: events above this level are dropped (default info). */
void log_set_level(enum log_level level);
/* log_parse_level: "error"... "debug" -> level; -1 if unknown. */
int log_parse_level(const char *name);
int log_enabled(enum log_level level);
void log_at(enum log_level level, const char *file, int line, const char *fmt,
            ...) __attribute__((format(printf, 4, 5)));

#define log_error(...) log_at(LOG_ERROR, __FILE__, __LINE__, __VA_ARGS__)
#define log_warn(...) log_at(LOG_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define log_info(...) log_at(LOG_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define log_debug(...) log_at(LOG_DEBUG, __FILE__, __LINE__, __VA_ARGS__)

#endif
