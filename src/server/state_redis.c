/*
 * state_redis.c: the Redis side of the state. A background thread owns
 * the pub/sub subscription. It subscribes, then loads every revocation into
 * a fresh mirror (SCAN in batches), then applies messages as they arrive,
 * and starts over with backoff whenever the connection fails. Subscribing
 * before loading means no revocation published during the load is lost.
 *
 * A second connection, guarded by its own lock, carries the usage records
 * and the deny messages of the request path; when it fails it is dropped
 * and the thread reconnects it, so a request never waits for a connect.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "server/state_redis.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000

/* How often the thread wakes to check for stop, purge the mirror and ping. */
#define TICK_MS 250
#define PING_INTERVAL_S 1

/* Appends `s` to `out` as JSON string content, cut to fit. */
static void json_escape(char *out, size_t cap, const char *s)
{
    size_t n = strlen(out);

    for (; *s != '\0' && n + 7 < cap; s++) {
        uint8_t c = (uint8_t)*s;

        if (c == '"' || c == '\\')
            n += (size_t)snprintf(out + n, cap - n, "\\%c", c);
        else if (c < 0x20)
            n += (size_t)snprintf(out + n, cap - n, "\\u%04x", c);
        else
            out[n++] = (char)c;
    }
    out[n] = '\0';
}

static void emit(srv_state *s, const char *json)
{
    if (s->log != NULL)
        s->log(s->log_arg, json);
}

void srv_redis_note_error(srv_state *s, const char *what)
{
    srv_redis *r = s->redis;
    int64_t now = (int64_t)time(NULL);
    char line[768] = "{\"event\":\"redis_error\",\"address\":\"";

    pthread_mutex_lock(&s->lock);
    s->stats.redis_errors++;
    pthread_mutex_unlock(&s->lock);

    pthread_mutex_lock(&r->log_lock);
    if (r->last_error_log != 0 && now - r->last_error_log < s->cfg.error_log_interval_s) {
        r->suppressed_errors++;
        pthread_mutex_unlock(&r->log_lock);
        return;
    }
    json_escape(line, sizeof(line) - 64, r->address);
    strcat(line, "\",\"error\":\"");
    json_escape(line, sizeof(line) - 64, what);
    snprintf(line + strlen(line), sizeof(line) - strlen(line), "\",\"suppressed\":%llu}",
             (unsigned long long)r->suppressed_errors);
    r->suppressed_errors = 0;
    r->last_error_log = now;
    emit(s, line);
    pthread_mutex_unlock(&r->log_lock);
}

static void note_errorf(srv_state *s, const char *what, const char *why)
{
    char text[400];

    snprintf(text, sizeof(text), "%s: %s", what, why);
    srv_redis_note_error(s, text);
}

bool srv_redis_stop_requested(srv_redis *r)
{
    bool stop;

    pthread_mutex_lock(&r->wake_lock);
    stop = r->stop;
    pthread_mutex_unlock(&r->wake_lock);
    return stop;
}

/* Sleeps `ms` milliseconds or until srv_redis_stop(). */
static void sleep_unless_stopped(srv_redis *r, int64_t ms)
{
    struct timespec until;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)(ms / 1000);
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&r->wake_lock);
    while (!r->stop && pthread_cond_timedwait(&r->wake, &r->wake_lock, &until) != ETIMEDOUT)
        ;
    pthread_mutex_unlock(&r->wake_lock);
}

static void mark_first_attempt_done(srv_redis *r)
{
    pthread_mutex_lock(&r->wake_lock);
    r->first_attempt_done = true;
    pthread_cond_broadcast(&r->wake);
    pthread_mutex_unlock(&r->wake_lock);
}

static void set_connected(srv_state *s, bool connected)
{
    pthread_mutex_lock(&s->lock);
    s->mirror_current = connected;
    s->redis_connected = connected;
    pthread_mutex_unlock(&s->lock);
}

/* Applies one pub/sub payload to the mirror or the usage table. */
static void apply_message(srv_state *s, const char *payload, size_t len)
{
    srv_redis_message m;
    uint8_t fp[SRV_FP_LEN];
    bool ok = true;

    if (!srv_redis_parse_message(payload, len, &m)) {
        srv_redis_note_error(s, "malformed message on the revocations channel");
        return;
    }
    pthread_mutex_lock(&s->lock);
    if (m.kind == 'a') {
        ok = srv_fp_from_hex(m.id, m.id_len, fp);
        if (ok)
            srv_usage_deny(s->usage, fp, m.expires_at);
    } else {
        ok = srv_mirror_put(s->mirror, (enum srv_revocation_kind)m.kind, m.id, m.id_len, m.before,
                            m.expires_at);
    }
    pthread_mutex_unlock(&s->lock);
    if (!ok)
        srv_redis_note_error(s, m.kind == 'a' ? "malformed fingerprint in a deny message"
                                    : "revocation not mirrored: mirror full or out of memory");
}

/* Handles a reply on the subscription: ["message", channel, payload] or a PING's ["pong", ""]. */
static void handle_reply(srv_state *s, const redisReply *reply)
{
    const redisReply *kind, *payload;

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3)
        return;
    kind = reply->element[0];
    payload = reply->element[2];
    if (kind->type != REDIS_REPLY_STRING || strcmp(kind->str, "message") != 0 ||
        payload->type != REDIS_REPLY_STRING)
        return;
    apply_message(s, payload->str, payload->len);
}


/* Reconnects the request-path connection when it was dropped. Runs on the thread only. */
static void ensure_cmd(srv_state *s)
{
    srv_redis *r = s->redis;
    redisContext *c;
    char why[300];
    bool missing;

    pthread_mutex_lock(&r->cmd_lock);
    missing = r->cmd == NULL;
    pthread_mutex_unlock(&r->cmd_lock);
    if (!missing)
        return;

    c = srv_redis_connect(&r->addr, s->cfg.redis_timeout_ms, why, sizeof(why));
    if (c == NULL) {
        note_errorf(s, "usage connection", why);
        return;
    }
    pthread_mutex_lock(&r->cmd_lock);
    if (r->cmd == NULL) {
        r->cmd = c;
        c = NULL;
    }
    pthread_mutex_unlock(&r->cmd_lock);
    if (c != NULL)
        redisFree(c);
}

static int subscribe(srv_state *s, redisContext *sub, char *why, size_t why_len)
{
    const char *argv[2] = {"SUBSCRIBE", s->redis->channel};
    size_t lens[2] = {9, strlen(s->redis->channel)};
    redisReply *reply = redisCommandArgv(sub, 2, argv, lens);
    int rc = -1;

    if (reply == NULL)
        snprintf(why, why_len, "SUBSCRIBE failed: %s", sub->errstr);
    else if (reply->type != REDIS_REPLY_ARRAY)
        snprintf(why, why_len, "SUBSCRIBE failed: unexpected reply type %d", reply->type);
    else
        rc = 0;
    if (reply != NULL)
        freeReplyObject(reply);
    return rc;
}

/* Reads what the subscription has buffered; -1 when the connection failed. */
static int read_replies(srv_state *s, redisContext *sub)
{
    void *reply = NULL;

    if (redisBufferRead(sub) != REDIS_OK)
        return -1;
    while (redisGetReplyFromReader(sub, &reply) == REDIS_OK && reply != NULL) {
        handle_reply(s, reply);
        freeReplyObject(reply);
        reply = NULL;
    }
    return sub->err != 0 ? -1 : 0;
}

/* Sends PING on the subscription, where RESP2 allows it and replies ["pong", ""]. */
static int send_ping(redisContext *sub)
{
    int done = 0;

    if (redisAppendCommand(sub, "PING") != REDIS_OK)
        return -1;
    while (!done)
        if (redisBufferWrite(sub, &done) != REDIS_OK)
            return -1;
    return 0;
}

/*
 * Follows the subscription until it fails or stop is requested. A
 * connection that replies nothing, not even a PING, for one ping interval
 * plus two timeouts counts as failed.
 */
static void follow(srv_state *s, redisContext *sub)
{
    srv_redis *r = s->redis;
    int64_t last_rx = (int64_t)time(NULL), last_tick = last_rx;
    int64_t silence_ms = PING_INTERVAL_S * 1000 + 2 * s->cfg.redis_timeout_ms;

    while (!srv_redis_stop_requested(r)) {
        struct pollfd p = {.fd = sub->fd, .events = POLLIN};
        int n = poll(&p, 1, TICK_MS);
        int64_t now = (int64_t)time(NULL);

        if (n > 0) {
            if (read_replies(s, sub) != 0) {
                note_errorf(s, "subscription failed", sub->errstr[0] ? sub->errstr : "closed");
                return;
            }
            last_rx = now;
        }
        if ((now - last_rx) * 1000 > silence_ms) {
            srv_redis_note_error(s, "subscription timed out: no reply to PING");
            return;
        }
        if (now - last_tick >= PING_INTERVAL_S) {
            last_tick = now;
            pthread_mutex_lock(&s->lock);
            srv_mirror_purge(s->mirror, now);
            pthread_mutex_unlock(&s->lock);
            ensure_cmd(s);
            if (send_ping(sub) != 0) {
                note_errorf(s, "subscription failed", sub->errstr);
                return;
            }
        }
    }
}

static void log_connected(srv_state *s)
{
    char line[600] = "{\"event\":\"redis_connected\",\"address\":\"";
    srv_state_stats stats;

    srv_state_get_stats(s, &stats);
    json_escape(line, sizeof(line) - 64, s->redis->address);
    snprintf(line + strlen(line), sizeof(line) - strlen(line), "\",\"revocations\":%llu}",
             (unsigned long long)stats.revocations_known);
    emit(s, line);
}

/* One connection's life: subscribe, load, follow. Returns 0 when it got as far as following. */
static int run_session(srv_state *s)
{
    srv_redis *r = s->redis;
    char why[300];
    redisContext *sub = srv_redis_connect(&r->addr, s->cfg.redis_timeout_ms, why, sizeof(why));
    int rc = -1;

    if (sub == NULL) {
        note_errorf(s, "subscription connection", why);
        return -1;
    }
    if (subscribe(s, sub, why, sizeof(why)) != 0 || srv_redis_load_mirror(s, why, sizeof(why)) != 0) {
        note_errorf(s, "revocation load", why);
        goto out;
    }
    ensure_cmd(s);
    set_connected(s, true);
    log_connected(s);
    mark_first_attempt_done(r);
    rc = 0;

    follow(s, sub);
    set_connected(s, false);

out:
    redisFree(sub);
    return rc;
}

static void *redis_thread(void *arg)
{
    srv_state *s = arg;
    int64_t backoff = BACKOFF_MIN_MS;

    while (!srv_redis_stop_requested(s->redis)) {
        if (run_session(s) == 0)
            backoff = BACKOFF_MIN_MS;
        mark_first_attempt_done(s->redis);
        sleep_unless_stopped(s->redis, backoff);
        backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
    }
    return NULL;
}

static int init_redis(srv_state *s, const char *url, char *detail, size_t detail_len)
{
    srv_redis *r = calloc(1, sizeof(*r));

    if (r == NULL) {
        snprintf(detail, detail_len, "out of memory");
        return -1;
    }
    s->redis = r;
    pthread_mutex_init(&r->wake_lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    pthread_mutex_init(&r->cmd_lock, NULL);
    pthread_mutex_init(&r->log_lock, NULL);
    if (srv_redis_parse_url(url, strlen(url), &r->addr, detail, detail_len) != 0)
        return -1;
    srv_redis_describe(&r->addr, r->address, sizeof(r->address));
    snprintf(r->channel, sizeof(r->channel), "%s:revocations", s->prefix);
    return 0;
}

int srv_redis_start(srv_state *s, const char *url, char *detail, size_t detail_len)
{
    srv_redis *r;

    if (init_redis(s, url, detail, detail_len) != 0)
        return -1;
    r = s->redis;
    if (pthread_create(&r->thread, NULL, redis_thread, s) != 0) {
        snprintf(detail, detail_len, "starting the Redis thread failed");
        return -1;
    }
    r->thread_started = true;

    /*
     * A failure of the first attempt is not an error here, and neither is
     * a slow one: past the wait the service starts with the state not
     * current, as when Redis is down, and the thread carries on.
     */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += SRV_FIRST_ATTEMPT_MAX_S;
    pthread_mutex_lock(&r->wake_lock);
    while (!r->first_attempt_done && pthread_cond_timedwait(&r->wake, &r->wake_lock, &until) != ETIMEDOUT)
        ;
    pthread_mutex_unlock(&r->wake_lock);
    return 0;
}

void srv_redis_stop(srv_state *s)
{
    srv_redis *r = s->redis;

    if (r == NULL)
        return;
    pthread_mutex_lock(&r->wake_lock);
    r->stop = true;
    pthread_cond_broadcast(&r->wake);
    pthread_mutex_unlock(&r->wake_lock);
    if (r->thread_started)
        pthread_join(r->thread, NULL);

    if (r->cmd != NULL)
        redisFree(r->cmd);
    pthread_mutex_destroy(&r->wake_lock);
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->cmd_lock);
    pthread_mutex_destroy(&r->log_lock);
    OPENSSL_cleanse(&r->addr, sizeof(r->addr));
    free(r);
    s->redis = NULL;
}
