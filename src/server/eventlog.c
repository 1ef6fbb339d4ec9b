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

/* Bytes kept free at the end of the line for ,"truncated":true and the closing "}". */
#define LINE_RESERVE 32u

/* Maximum bytes of one member: comma, key and string value escaped in full with their quotes, and colon. */
#define MEMBER_MAX (2u * (6u * SRV_LOG_VALUE_MAX + 8u))

/* Appends raw bytes when they fit in full, keeping room for the closing "}". */
static bool append(srv_json *j, const char *s, size_t n)
{
    if (j->len + n + LINE_RESERVE > sizeof(j->buf)) {
        j->truncated = true;
        return false;
    }
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    return true;
}

/*
 * How escape() writes each byte: ESC_COPY as is, ESC_BACKSLASH after a "\"
 * (the quote and the backslash), ESC_HEX as \u00XX (control characters,
 * DEL and every byte above 0x7e, so a line is ASCII whatever the input).
 */
enum { ESC_COPY = 0, ESC_BACKSLASH = 1, ESC_HEX = 2 };

static const uint8_t escape_class[256] = {
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x00 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x10 */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20: '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x50: '\' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, /* 0x70: DEL */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x80 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x90 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xa0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xb0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xc0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xd0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xe0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xf0 */
};

/* Returns the bytes escape() writes at most for `n` input bytes. */
static size_t escaped_max(size_t n)
{
    return 6 * (n > SRV_LOG_VALUE_MAX ? SRV_LOG_VALUE_MAX : n);
}

/* Returns true when none of the 8 bytes at `s` needs escaping. */
static bool plain_block(const char *s)
{
    unsigned any = 0;
    for (size_t i = 0; i < 8; i++)
        any |= escape_class[(unsigned char)s[i]];
    return any == 0;
}

/* Writes `s` escaped into `out` (capacity >= escaped_max(n)); returns the length. */
static size_t escape(const char *s, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    bool cut = n > SRV_LOG_VALUE_MAX;
    if (cut)
        n = SRV_LOG_VALUE_MAX - 3;

    for (size_t i = 0; i < n; i++) {
        /* Values are mostly plain ASCII, so 8 bytes at a time are checked and copied first. */
        if (n - i >= 8 && plain_block(s + i)) {
            memcpy(out + k, s + i, 8);
            k += 8;
            i += 7;
            continue;
        }
        unsigned char ch = (unsigned char)s[i];
        uint8_t cls = escape_class[ch];
        if (cls == ESC_COPY) {
            out[k++] = (char)ch;
        } else if (cls == ESC_BACKSLASH) {
            out[k++] = '\\';
            out[k++] = (char)ch;
        } else {
            memcpy(out + k, "\\u00", 4);
            out[k + 4] = hex[ch >> 4];
            out[k + 5] = hex[ch & 15];
            k += 6;
        }
    }
    if (cut) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    return k;
}

size_t srv_log_format_uint(char *out, uint64_t value)
{
    char digits[SRV_LOG_INT_TEXT_MAX];
    size_t n = 0;

    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    for (size_t i = 0; i < n; i++)
        out[i] = digits[n - 1 - i];
    return n;
}

size_t srv_log_format_int(char *out, int64_t value)
{
    if (value >= 0)
        return srv_log_format_uint(out, (uint64_t)value);
    /* Negated in unsigned arithmetic, so INT64_MIN gives 2^63 without overflow. */
    out[0] = '-';
    return 1 + srv_log_format_uint(out + 1, (uint64_t)0 - (uint64_t)value);
}

/*
 * Starts a member whose key is `key_len` bytes and whose value needs at
 * most `value_max` bytes: writes ,"key": and returns where it was written.
 * That is the line itself when the longest member fits, else `scratch`
 * (MEMBER_MAX bytes), from which member_end() copies it if it fits.
 */
static char *member_begin(srv_json *j, const char *key, size_t key_len, size_t value_max, char *scratch,
                          size_t *n)
{
    size_t longest = escaped_max(key_len) + value_max + 4;
    char *at = j->len + longest + LINE_RESERVE <= sizeof(j->buf) ? j->buf + j->len : scratch;

    at[0] = ',';
    at[1] = '"';
    *n = 2 + escape(key, key_len, at + 2);
    at[(*n)++] = '"';
    at[(*n)++] = ':';
    return at;
}

/* Keeps the member of `n` bytes that member_begin() started at `at`, or marks the line truncated. */
static void member_end(srv_json *j, const char *at, size_t n)
{
    if (at == j->buf + j->len)
        j->len += n;
    else
        append(j, at, n);
}

void srv_json_strn(srv_json *j, const char *key, const char *value, size_t len)
{
    char scratch[MEMBER_MAX];
    size_t n;

    if (value == NULL)
        return;
    char *at = member_begin(j, key, strlen(key), escaped_max(len) + 2, scratch, &n);
    at[n++] = '"';
    n += escape(value, len, at + n);
    at[n++] = '"';
    member_end(j, at, n);
}

void srv_json_str(srv_json *j, const char *key, const char *value)
{
    /* Bytes past SRV_LOG_VALUE_MAX are cut anyway, so the scan for the NUL stops there. */
    if (value != NULL)
        srv_json_strn(j, key, value, strnlen(value, SRV_LOG_VALUE_MAX + 1));
}

/* Adds a member whose value is the JSON text `text` written unescaped: a number or a literal. */
static void literal_member(srv_json *j, const char *key, const char *text, size_t len)
{
    char scratch[MEMBER_MAX];
    size_t n;

    char *at = member_begin(j, key, strlen(key), len, scratch, &n);
    memcpy(at + n, text, len);
    member_end(j, at, n + len);
}

void srv_json_int(srv_json *j, const char *key, int64_t value)
{
    char text[SRV_LOG_INT_TEXT_MAX];
    literal_member(j, key, text, srv_log_format_int(text, value));
}

void srv_json_uint(srv_json *j, const char *key, uint64_t value)
{
    char text[SRV_LOG_INT_TEXT_MAX];
    literal_member(j, key, text, srv_log_format_uint(text, value));
}

void srv_json_bool(srv_json *j, const char *key, bool value)
{
    if (value)
        literal_member(j, key, "true", 4);
    else
        literal_member(j, key, "false", 5);
}

/* The formatted text of one second, cached per thread so that formatting takes no lock. */
typedef struct second_text {
    bool valid;
    time_t sec;
    size_t len;
    char text[SRV_LOG_TIME_MAX - 5]; /* the formatted line leaves room for ".mmmZ" */
} second_text;

static _Thread_local second_text current_second;

size_t srv_log_format_time(char *out, const struct timespec *ts)
{
    second_text *c = &current_second;
    struct tm tm;

    /* gmtime_r and strftime run once per second per thread, and the milliseconds are written by hand. */
    if (!c->valid || c->sec != ts->tv_sec) {
        c->valid = gmtime_r(&ts->tv_sec, &tm) != NULL;
        c->len = c->valid ? strftime(c->text, sizeof(c->text), "%Y-%m-%dT%H:%M:%S", &tm) : 0;
        c->sec = ts->tv_sec;
    }
    memcpy(out, c->text, c->len);

    long ms = ts->tv_nsec / 1000000;
    char *p = out + c->len;
    p[0] = '.';
    p[1] = (char)('0' + ms / 100 % 10);
    p[2] = (char)('0' + ms / 10 % 10);
    p[3] = (char)('0' + ms % 10);
    p[4] = 'Z';
    return c->len + 5;
}

/* Writes the current time as srv_log_format_time() does. */
static size_t format_now(char *out)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return srv_log_format_time(out, &ts);
}

void srv_json_begin(srv_json *j, const char *event)
{
    static const char head[] = "{\"time\":\"";

    j->truncated = false;
    memcpy(j->buf, head, sizeof(head) - 1);
    j->len = sizeof(head) - 1;
    j->len += format_now(j->buf + j->len);
    j->buf[j->len++] = '"';
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
    static const char head[] = "{\"time\":\"";
    char line[SRV_LOG_LINE_MAX];

    if (len < 2 || json[0] != '{') {
        srv_log_write(log, json, len);
        return;
    }
    /* An embedded NUL ends the members, so the stamped line never contains one. */
    size_t members = strnlen(json + 1, len - 1);
    size_t n = sizeof(head) - 1;
    memcpy(line, head, n);
    n += format_now(line + n);
    /* A line too long to stamp is written as it came rather than cut into invalid JSON. */
    if (n + 2 + members >= sizeof(line)) {
        srv_log_write(log, json, len);
        return;
    }
    line[n++] = '"';
    line[n++] = ',';
    memcpy(line + n, json + 1, members);
    srv_log_write(log, line, n + members);
}
