/*
 * redis_link.c: the Redis connection (AUTH, SELECT, timeouts) and the
 * pub/sub message and key value parsers of redis_link.h.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "internal.h"
#include "server/redis_link.h"

/* Largest accepted time in messages and values: 9999-12-31T23:59:59Z. */
#define MAX_TIME 253402300799

static struct timeval timeval_of(int64_t ms)
{
    struct timeval tv;

    tv.tv_sec = (time_t)(ms / 1000);
    tv.tv_usec = (suseconds_t)((ms % 1000) * 1000);
    return tv;
}

/* Sends one command; returns 0 when the reply is not an error. */
static int command_ok(redisContext *c, int argc, const char **argv, const size_t *lens,
                      const char *what, char *detail, size_t detail_len)
{
    redisReply *r = redisCommandArgv(c, argc, argv, lens);
    int rc = -1;

    if (r == NULL)
        snprintf(detail, detail_len, "%s failed: %s", what, c->errstr);
    else if (r->type == REDIS_REPLY_ERROR)
        snprintf(detail, detail_len, "%s failed: %.200s", what, r->str);
    else
        rc = 0;
    if (r != NULL)
        freeReplyObject(r);
    return rc;
}

static int authenticate(redisContext *c, const srv_redis_addr *a, char *detail, size_t detail_len)
{
    const char *argv[3] = {"AUTH", a->user, a->password};
    size_t lens[3] = {4, strlen(a->user), strlen(a->password)};

    int argc = 3;

    /* AUTH PASSWORD for the default user; AUTH USER PASSWORD for an ACL user (Redis 6). */
    if (a->user[0] == '\0') {
        argv[1] = a->password;
        lens[1] = lens[2];
        argc = 2;
    }
    return command_ok(c, argc, argv, lens, "AUTH", detail, detail_len);
}

static int select_db(redisContext *c, int db, char *detail, size_t detail_len)
{
    char number[16];
    const char *argv[2] = {"SELECT", number};
    size_t lens[2];

    snprintf(number, sizeof(number), "%d", db);
    lens[0] = 6;
    lens[1] = strlen(number);
    return command_ok(c, 2, argv, lens, "SELECT", detail, detail_len);
}

/*
 * hiredis 0.14 writes with write(2), so a peer that closed the connection
 * raises SIGPIPE, which would end the process. Ignore it unless the program
 * installed its own handler; the write then fails with EPIPE.
 */
static void ignore_sigpipe(void)
{
    struct sigaction old;

    if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
        signal(SIGPIPE, SIG_IGN);
}

redisContext *srv_redis_connect(const srv_redis_addr *a, int64_t timeout_ms, char *detail,
                                size_t detail_len)
{
    struct timeval tv = timeval_of(timeout_ms);
    redisContext *c;

    ignore_sigpipe();
    if (a->is_unix)
        c = redisConnectUnixWithTimeout(a->path, tv);
    else
        c = redisConnectWithTimeout(a->host, a->port, tv);
    if (c == NULL) {
        snprintf(detail, detail_len, "connect failed: out of memory");
        return NULL;
    }
    if (c->err != 0) {
        snprintf(detail, detail_len, "connect failed: %s", c->errstr);
        goto err;
    }
    if (redisSetTimeout(c, tv) != REDIS_OK) {
        snprintf(detail, detail_len, "setting the timeout failed: %s", c->errstr);
        goto err;
    }
    if (a->has_password && authenticate(c, a, detail, detail_len) != 0)
        goto err;
    if (a->db != 0 && select_db(c, a->db, detail, detail_len) != 0)
        goto err;
    return c;

err:
    redisFree(c);
    return NULL;
}

/* Parses an optionally negative decimal of at most 18 digits in [0, MAX_TIME] or -MAX_TIME..0. */
static bool parse_time(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    int64_t v = 0;
    bool negative = len > 0 && s[0] == '-';

    if (negative)
        i = 1;
    if (len == i || len - i > 18)
        return false;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (v > MAX_TIME)
        return false;
    *out = negative ? -v : v;
    return true;
}

/* Splits off the text before the next space; false when there is none. */
static bool next_field(const char **s, size_t *len, const char **field, size_t *field_len)
{
    const char *space = memchr(*s, ' ', *len);

    if (space == NULL)
        return false;
    *field = *s;
    *field_len = (size_t)(space - *s);
    *len -= *field_len + 1;
    *s = space + 1;
    return true;
}

bool srv_redis_parse_revocation_value(const char *value, size_t len, int64_t *before,
                                      int64_t *expires_at)
{
    const char *field;
    size_t field_len;

    if (!next_field(&value, &len, &field, &field_len))
        return false;
    return parse_time(field, field_len, before) && parse_time(value, len, expires_at);
}

bool srv_redis_parse_message(const char *msg, size_t len, srv_redis_message *out)
{
    const char *field;
    size_t field_len;

    memset(out, 0, sizeof(*out));
    if (len < 2 || msg[1] != ' ')
        return false;
    out->kind = msg[0];
    if (out->kind != SRV_REVOKE_JTI && out->kind != SRV_REVOKE_SUB && out->kind != 'a')
        return false;
    msg += 2;
    len -= 2;

    if (!next_field(&msg, &len, &field, &field_len) ||
        !parse_time(field, field_len, &out->before))
        return false;
    if (!next_field(&msg, &len, &field, &field_len) ||
        !parse_time(field, field_len, &out->expires_at))
        return false;
    if (len == 0 || len > SRV_MAX_ID_BYTES)
        return false;
    out->id = msg;
    out->id_len = len;
    return true;
}

void srv_fp_hex(const uint8_t fp[SRV_FP_LEN], char out[2 * SRV_FP_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < SRV_FP_LEN; i++) {
        out[2 * i] = digits[fp[i] >> 4];
        out[2 * i + 1] = digits[fp[i] & 15];
    }
    out[2 * SRV_FP_LEN] = '\0';
}

bool srv_fp_from_hex(const char *hex, size_t len, uint8_t fp[SRV_FP_LEN])
{
    if (len != 2 * SRV_FP_LEN)
        return false;
    for (size_t i = 0; i < SRV_FP_LEN; i++) {
        int hi = jwg_hex_digit((uint8_t)hex[2 * i]), lo = jwg_hex_digit((uint8_t)hex[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return false;
        fp[i] = (uint8_t)(hi * 16 + lo);
    }
    return true;
}
