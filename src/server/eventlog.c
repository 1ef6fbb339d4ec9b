/*
 * eventlog.c: JSON event lines (eventlog.h). Lines for a file or standard
 * output are collected in a 64 KiB buffer and written in batches: when the
 * buffer is full, every 100 ms from a timer thread, on srv_log_flush() and
 * at close. A batch is one write(2) of whole lines, which the kernel
 * appends whole to a file opened with O_APPEND, so lines are never split
 * or interleaved. The cost: a crash loses up to 100 ms of events.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "server/eventlog.h"

enum log_kind { SINK_NONE, SINK_FD, SINK_SYSLOG };

/* Size of each of the two batch buffers; a line is at most SRV_LOG_LINE_MAX + 1 bytes. */
#define LOG_BATCH_BYTES (64u * 1024u)

/* Maximum time a line waits in the buffer before the timer thread writes it. */
#define LOG_FLUSH_INTERVAL_NS 100000000L

struct srv_log {
    enum log_kind kind;
    int fd;
    bool own_fd;

    /* Lock order: write_lock, then lock. */
    pthread_mutex_t lock;       /* guards `filling`, `filled` and `stopping` */
    pthread_mutex_t write_lock; /* serializes batch writes, so batches keep their order */
    pthread_cond_t wake;
    char *filling;              /* lines not yet written */
    char *spare;                /* the other buffer, owned by the writer holding write_lock */
    size_t filled;
    bool stopping;
    bool timer_started;
    pthread_t timer;
};

/* Writes the buffered lines with one write(2). A failed or short write loses them; the service keeps deciding. */
static void flush_batch(srv_log *log)
{
    pthread_mutex_lock(&log->write_lock);
    pthread_mutex_lock(&log->lock);
    char *batch = log->filling;
    size_t len = log->filled;
    log->filling = log->spare;
    log->filled = 0;
    pthread_mutex_unlock(&log->lock);

    if (len > 0) {
        ssize_t n = write(log->fd, batch, len);
        (void)n;
    }
    log->spare = batch;
    pthread_mutex_unlock(&log->write_lock);
}

static void *flush_timer(void *arg)
{
    srv_log *log = arg;
    struct timespec at;

    pthread_mutex_lock(&log->lock);
    while (!log->stopping) {
        clock_gettime(CLOCK_MONOTONIC, &at);
        at.tv_nsec += LOG_FLUSH_INTERVAL_NS;
        if (at.tv_nsec >= 1000000000L) {
            at.tv_sec++;
            at.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&log->wake, &log->lock, &at);
        if (log->filled == 0)
            continue;
        pthread_mutex_unlock(&log->lock);
        flush_batch(log);
        pthread_mutex_lock(&log->lock);
    }
    pthread_mutex_unlock(&log->lock);
    return NULL;
}

/* Sets up the batch buffers and starts the timer thread; false when out of memory or threads. */
static bool start_batching(srv_log *log)
{
    pthread_condattr_t attr;

    pthread_mutex_init(&log->lock, NULL);
    pthread_mutex_init(&log->write_lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&log->wake, &attr);
    pthread_condattr_destroy(&attr);

    log->filling = malloc(LOG_BATCH_BYTES);
    log->spare = malloc(LOG_BATCH_BYTES);
    if (log->filling == NULL || log->spare == NULL)
        return false;
    log->timer_started = pthread_create(&log->timer, NULL, flush_timer, log) == 0;
    return log->timer_started;
}

srv_log *srv_log_open(const char *target)
{
    srv_log *log = calloc(1, sizeof(*log));
    if (log == NULL)
        return NULL;

    log->fd = -1;
    if (target == NULL || strcmp(target, "-") == 0) {
        log->kind = SINK_FD;
        log->fd = STDOUT_FILENO;
    } else if (strcmp(target, "none") == 0) {
        log->kind = SINK_NONE;
    } else if (strcmp(target, "syslog") == 0) {
        log->kind = SINK_SYSLOG;
        openlog("jwtguard", LOG_PID | LOG_NDELAY, LOG_DAEMON);
    } else {
        log->kind = SINK_FD;
        log->own_fd = true;
        log->fd = open(target, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
        if (log->fd < 0) {
            int saved = errno;
            free(log);
            errno = saved;
            return NULL;
        }
    }

    if (log->kind == SINK_FD && !start_batching(log)) {
        srv_log_close(log);
        errno = ENOMEM;
        return NULL;
    }
    return log;
}

void srv_log_flush(srv_log *log)
{
    if (log != NULL && log->kind == SINK_FD)
        flush_batch(log);
}

void srv_log_close(srv_log *log)
{
    if (log == NULL)
        return;
    if (log->kind == SINK_SYSLOG)
        closelog();
    if (log->kind == SINK_FD) {
        pthread_mutex_lock(&log->lock);
        log->stopping = true;
        pthread_cond_signal(&log->wake);
        pthread_mutex_unlock(&log->lock);
        if (log->timer_started)
            pthread_join(log->timer, NULL);
        if (log->filling != NULL && log->spare != NULL)
            flush_batch(log);
        free(log->filling);
        free(log->spare);
        pthread_cond_destroy(&log->wake);
        pthread_mutex_destroy(&log->write_lock);
        pthread_mutex_destroy(&log->lock);
    }
    if (log->own_fd)
        close(log->fd);
    free(log);
}

void srv_log_write(srv_log *log, const char *json, size_t len)
{
    if (log == NULL || log->kind == SINK_NONE)
        return;
    if (log->kind == SINK_SYSLOG) {
        syslog(LOG_INFO, "%.*s", (int)len, json);
        return;
    }

    if (len > SRV_LOG_LINE_MAX)
        len = SRV_LOG_LINE_MAX;
    /* The whole line goes into the buffer under the lock, so lines never interleave. */
    for (;;) {
        pthread_mutex_lock(&log->lock);
        if (log->filled + len + 1 <= LOG_BATCH_BYTES) {
            memcpy(log->filling + log->filled, json, len);
            log->filling[log->filled + len] = '\n';
            log->filled += len + 1;
            pthread_mutex_unlock(&log->lock);
            return;
        }
        pthread_mutex_unlock(&log->lock);
        flush_batch(log);
    }
}

/* ---- JSON writer -------------------------------------------------------- */

/* Appends raw bytes when they fit in full, keeping room for the closing "}". */
static bool append(srv_json *j, const char *s, size_t n)
{
    if (j->len + n + 32 > sizeof(j->buf)) {
        j->truncated = true;
        return false;
    }
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    return true;
}

/* Writes `s` escaped into `out` (capacity >= 6 * SRV_LOG_VALUE_MAX + 8); returns the length. */
static size_t escape(const char *s, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    bool cut = n > SRV_LOG_VALUE_MAX;
    if (cut)
        n = SRV_LOG_VALUE_MAX - 3;

    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            out[k++] = '\\';
            out[k++] = (char)ch;
        } else if (ch < 0x20 || ch > 0x7e) {
            memcpy(out + k, "\\u00", 4);
            out[k + 4] = hex[ch >> 4];
            out[k + 5] = hex[ch & 15];
            k += 6;
        } else {
            out[k++] = (char)ch;
        }
    }
    if (cut) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    return k;
}

static void member_key(srv_json *j, const char *key, char *scratch, size_t *n)
{
    *n = 0;
    scratch[(*n)++] = ',';
    scratch[(*n)++] = '"';
    *n += escape(key, strlen(key), scratch + *n);
    scratch[(*n)++] = '"';
    scratch[(*n)++] = ':';
    (void)j;
}

void srv_json_strn(srv_json *j, const char *key, const char *value, size_t len)
{
    char scratch[2 * (6 * SRV_LOG_VALUE_MAX + 8)];
    size_t n;

    if (value == NULL)
        return;
    member_key(j, key, scratch, &n);
    scratch[n++] = '"';
    n += escape(value, len, scratch + n);
    scratch[n++] = '"';
    append(j, scratch, n);
}

void srv_json_str(srv_json *j, const char *key, const char *value)
{
    if (value != NULL)
        srv_json_strn(j, key, value, strlen(value));
}

void srv_json_int(srv_json *j, const char *key, int64_t value)
{
    char scratch[6 * SRV_LOG_VALUE_MAX + 40];
    size_t n;

    member_key(j, key, scratch, &n);
    n += (size_t)snprintf(scratch + n, sizeof(scratch) - n, "%lld", (long long)value);
    append(j, scratch, n);
}

void srv_json_bool(srv_json *j, const char *key, bool value)
{
    char scratch[6 * SRV_LOG_VALUE_MAX + 40];
    size_t n;

    member_key(j, key, scratch, &n);
    memcpy(scratch + n, value ? "true" : "false", value ? 4 : 5);
    n += value ? 4 : 5;
    append(j, scratch, n);
}

/* Writes the current time as RFC 3339 in UTC with milliseconds into `stamp` of at least 40 bytes. */
static void format_time(char *stamp, size_t cap)
{
    struct timespec ts;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(stamp, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(stamp + n, cap - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

void srv_json_begin(srv_json *j, const char *event)
{
    char stamp[40];

    format_time(stamp, sizeof(stamp));
    j->len = 0;
    j->truncated = false;
    j->len = (size_t)snprintf(j->buf, sizeof(j->buf), "{\"time\":\"%s\"", stamp);
    srv_json_str(j, "event", event);
}

const char *srv_json_end(srv_json *j, size_t *len)
{
    if (j->truncated) {
        static const char mark[] = ",\"truncated\":true";
        memcpy(j->buf + j->len, mark, sizeof(mark) - 1);
        j->len += sizeof(mark) - 1;
    }
    j->buf[j->len++] = '}';
    j->buf[j->len] = '\0';
    *len = j->len;
    return j->buf;
}

void srv_log_event(srv_log *log, const char *event, const char *message)
{
    srv_json j;
    size_t len;

    srv_json_begin(&j, event);
    srv_json_str(&j, "message", message);
    const char *text = srv_json_end(&j, &len);
    srv_log_write(log, text, len);
}

void srv_log_write_stamped(srv_log *log, const char *json, size_t len)
{
    char line[SRV_LOG_LINE_MAX];
    char stamp[40];

    if (len < 2 || json[0] != '{') {
        srv_log_write(log, json, len);
        return;
    }
    format_time(stamp, sizeof(stamp));
    int n = snprintf(line, sizeof(line), "{\"time\":\"%s\",%.*s", stamp, (int)(len - 1), json + 1);
    /* A line too long to stamp is written as it came rather than cut into invalid JSON. */
    if (n > 0 && (size_t)n < sizeof(line))
        srv_log_write(log, line, (size_t)n);
    else
        srv_log_write(log, json, len);
}
