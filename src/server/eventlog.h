/*
 * eventlog.h: the gateway's event log, one JSON object per line, written to
 * a file (appended), standard output or syslog, and the JSON writer that
 * builds those lines with every value escaped and bounded. Lines for a file
 * or standard output are written in batches at most 100 ms late, so a crash
 * loses up to 100 ms of events.
 */
#ifndef JWTGUARD_SERVER_EVENTLOG_H
#define JWTGUARD_SERVER_EVENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Maximum bytes of one string value in an event; longer values are cut and end in "...". */
#define SRV_LOG_VALUE_MAX 256u

/* Size of one event line; members that do not fit are dropped and "truncated": true is added. */
#define SRV_LOG_LINE_MAX 4096u

typedef struct srv_log srv_log;

/*
 * Opens the log: a file path (created with mode 0640, appended), "-" for
 * standard output, "syslog", or "none". Returns NULL with errno set when a
 * file cannot be opened.
 */
srv_log *srv_log_open(const char *target);
void srv_log_close(srv_log *log);

/*
 * Adds one JSON object `json` of `len` bytes as one line to the batch; safe
 * from any thread. A file or standard output gets it about 100 ms later at
 * most, unless the previous batch write is still blocked.
 */
void srv_log_write(srv_log *log, const char *json, size_t len);
/* Writes the lines buffered so far now. srv_log_close() flushes too. */
void srv_log_flush(srv_log *log);
/* Writes the JSON object `json` with a "time" member inserted first, as srv_json_begin adds it. */
void srv_log_write_stamped(srv_log *log, const char *json, size_t len);

/* A JSON object being built in a fixed buffer. */
typedef struct srv_json {
    char buf[SRV_LOG_LINE_MAX];
    size_t len;
    bool truncated;
} srv_json;

/* Starts an object with "time" (RFC 3339, UTC, milliseconds) and "event". */
void srv_json_begin(srv_json *j, const char *event);
/* Adds a string member; a NULL value adds nothing. Bytes that are not printable ASCII are \u00XX escapes. */
void srv_json_str(srv_json *j, const char *key, const char *value);
void srv_json_strn(srv_json *j, const char *key, const char *value, size_t len);
void srv_json_int(srv_json *j, const char *key, int64_t value);
void srv_json_uint(srv_json *j, const char *key, uint64_t value);
void srv_json_bool(srv_json *j, const char *key, bool value);
/* Closes the object; returns its text and sets `*len`. */
const char *srv_json_end(srv_json *j, size_t *len);

/* Maximum bytes of an integer in decimal: 20 digits of UINT64_MAX, or "-" and 19 digits of INT64_MIN. */
#define SRV_LOG_INT_TEXT_MAX 20u

/* Writes `value` in decimal into `out` (SRV_LOG_INT_TEXT_MAX bytes), without a NUL; returns the length. */
size_t srv_log_format_uint(char *out, uint64_t value);
size_t srv_log_format_int(char *out, int64_t value);

/* Capacity of the buffer srv_log_format_time() writes. */
#define SRV_LOG_TIME_MAX 40u

/*
 * Writes `ts` as RFC 3339 in UTC with milliseconds ("2026-12-05T01:12:15.042Z"),
 * without a NUL, into `out` (SRV_LOG_TIME_MAX bytes); returns the length.
 */
size_t srv_log_format_time(char *out, const struct timespec *ts);

/* Builds and writes a one-member event: {"time":..,"event":EVENT,"message":MESSAGE}. */
void srv_log_event(srv_log *log, const char *event, const char *message);

#endif /* JWTGUARD_SERVER_EVENTLOG_H */
