/*
 * eventlog.c: JSON event lines (eventlog.h). A file or standard output gets
 * each line with one write(2), which the kernel appends whole for a file
 * opened with O_APPEND, so threads need no lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "server/eventlog.h"

enum log_kind { SINK_NONE, SINK_FD, SINK_SYSLOG };

struct srv_log {
    enum log_kind kind;
    int fd;
    bool own_fd;
};

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
    return log;
}

void srv_log_close(srv_log *log)
{
    if (log == NULL)
        return;
    if (log->kind == SINK_SYSLOG)
        closelog();
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

    char line[SRV_LOG_LINE_MAX + 1];
    if (len > SRV_LOG_LINE_MAX)
        len = SRV_LOG_LINE_MAX;
    memcpy(line, json, len);
    line[len] = '\n';
    /* A failed or short write loses this line only; the service keeps deciding. */
    ssize_t n = write(log->fd, line, len + 1);
    (void)n;
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

/* Writes the current time as RFC 3339 in UTC with milliseconds; `stamp` holds at least 40 bytes. */
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
