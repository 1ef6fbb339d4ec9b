/*
 * test_server_state_redis.c: two state objects ("two instances") sharing a
 * real redis-server that the test starts on a free loopback port:
 * revocation by jti and by sub reaching both, the mirror's full load, the
 * anomaly rule across instances, and Redis stopped and restarted. The test
 * fails, not skips, when redis-server is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "server/state.h"

#define PREFIX "jwgtest"
#define WAIT_MS 3000

static pid_t redis_pid = -1;
static int redis_port;
static char redis_dir[] = "/tmp/jwg-redis-XXXXXX";
static char redis_url[64];

/* Log lines the states emitted, one per line. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_text[65536];

static void capture_log(void *arg, const char *json)
{
    (void)arg;
    pthread_mutex_lock(&log_lock);
    if (strlen(log_text) + strlen(json) + 2 < sizeof(log_text)) {
        strcat(log_text, json);
        strcat(log_text, "\n");
    }
    pthread_mutex_unlock(&log_lock);
}

static unsigned count_in_log(const char *needle)
{
    unsigned n = 0;

    pthread_mutex_lock(&log_lock);
    for (const char *p = strstr(log_text, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    pthread_mutex_unlock(&log_lock);
    return n;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Binds port 0 on loopback to learn a free port. */
static int free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static redisContext *connect_raw(void)
{
    struct timeval tv = {1, 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", redis_port, tv);

    if (c != NULL && c->err != 0) {
        redisFree(c);
        return NULL;
    }
    return c;
}

/* Starts redis-server on redis_port and waits until it replies to PING. */
static void start_redis(void)
{
    char port[16], logfile[64];

    snprintf(port, sizeof(port), "%d", redis_port);
    snprintf(logfile, sizeof(logfile), "%s/redis.log", redis_dir);
    redis_pid = fork();
    assert_true(redis_pid >= 0);
    if (redis_pid == 0) {
        execlp("redis-server", "redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--daemonize", "no", "--dir", redis_dir, "--logfile",
               logfile, (char *)NULL);
        perror("redis-server");
        _exit(127);
    }
    for (int waited = 0; waited < WAIT_MS; waited += 20) {
        redisContext *c = connect_raw();

        if (c != NULL) {
            redisFree(c);
            return;
        }
        sleep_ms(20);
    }
    fail_msg("redis-server did not start on port %d; is it installed?", redis_port);
}

static void stop_redis(void)
{
    if (redis_pid > 0) {
        kill(redis_pid, SIGTERM);
        waitpid(redis_pid, NULL, 0);
    }
    redis_pid = -1;
}

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(redis_dir) == NULL)
        return -1;
    redis_port = free_port();
    snprintf(redis_url, sizeof(redis_url), "redis://127.0.0.1:%d", redis_port);
    start_redis();
    return 0;
}

static int teardown(void **state)
{
    char logfile[64];

    (void)state;
    stop_redis();
    snprintf(logfile, sizeof(logfile), "%s/redis.log", redis_dir);
    unlink(logfile);
    rmdir(redis_dir);
    return 0;
}

static srv_state *new_instance(uint32_t max_regions, bool deny, bool fail_open, int64_t log_s)
{
    srv_state_config cfg = {0};
    srv_state *s = NULL;
    char detail[200];

    cfg.redis_url = redis_url;
    cfg.key_prefix = PREFIX;
    cfg.fail_open = fail_open;
    cfg.error_log_interval_s = log_s;
    cfg.anomaly.max_regions = max_regions;
    cfg.anomaly.window_seconds = 600;
    cfg.anomaly.deny = deny;
    assert_int_equal(srv_state_new(&cfg, capture_log, NULL, &s, detail, sizeof(detail)), 0);
    return s;
}

static srv_token_facts token(uint8_t id, const char *jti, const char *sub, int64_t iat)
{
    srv_token_facts t = {.jti = jti, .sub = sub, .iat = iat, .exp = INT64_MAX};

    memset(t.fp, id, sizeof(t.fp));
    return t;
}

static srv_verdict check(srv_state *s, const srv_token_facts *t, const char *region)
{
    srv_usage u = {.region = region};
    srv_alert alert;

    return srv_state_check(s, t, &u, (int64_t)time(NULL), &alert);
}

/* Polls until the check returns `expected` or WAIT_MS passes; returns the last verdict. */
static srv_verdict wait_verdict(srv_state *s, const srv_token_facts *t, srv_verdict expected)
{
    srv_verdict v = check(s, t, NULL);

    for (int waited = 0; v != expected && waited < WAIT_MS; waited += 20) {
        sleep_ms(20);
        v = check(s, t, NULL);
    }
    return v;
}

static bool wait_ready(srv_state *s, bool expected)
{
    for (int waited = 0; waited < 2 * WAIT_MS; waited += 20) {
        if (srv_state_ready(s) == expected)
            return true;
        sleep_ms(20);
    }
    return false;
}

static void revoke_jti_reaches_both(void **state)
{
    srv_state *a = new_instance(0, false, false, 60), *b = new_instance(0, false, false, 60);
    srv_token_facts t = token(1, "jti-revoked", "alice", 100), other = token(2, "jti-ok", "bob", 100);
    srv_state_stats stats;
    char detail[300];
    (void)state;

    assert_true(srv_state_ready(a));
    assert_true(srv_state_ready(b));
    assert_int_equal(check(a, &t, NULL), SRV_VERDICT_ALLOW);

    assert_int_equal(srv_revoke_jti(redis_url, PREFIX, "jti-revoked", (int64_t)time(NULL) + 600,
                                    detail, sizeof(detail)),
                     0);
    assert_int_equal(wait_verdict(a, &t, SRV_VERDICT_REVOKED), SRV_VERDICT_REVOKED);
    assert_int_equal(wait_verdict(b, &t, SRV_VERDICT_REVOKED), SRV_VERDICT_REVOKED);

    /* Another jti stays allowed. */
    assert_int_equal(check(b, &other, NULL), SRV_VERDICT_ALLOW);
    srv_state_get_stats(b, &stats);
    assert_true(stats.redis_connected);
    assert_int_equal(stats.revocations_known, 1);
    assert_int_equal(stats.revoked, 1);
    srv_state_free(a);
    srv_state_free(b);
}

static void revoke_sub_before_cutoff(void **state)
{
    srv_state *a = new_instance(0, false, false, 60), *b = new_instance(0, false, false, 60);
    int64_t now = (int64_t)time(NULL);
    srv_token_facts older = token(3, NULL, "carol", now - 100);
    srv_token_facts newer = token(4, NULL, "carol", now + 1);
    srv_token_facts no_iat = token(5, NULL, "carol", INT64_MIN);
    char detail[300];
    (void)state;

    assert_int_equal(
        srv_revoke_sub_before(redis_url, PREFIX, "carol", now, now + 600, detail, sizeof(detail)),
        0);

    /* Issued before the cut-off: revoked on both instances. */
    assert_int_equal(wait_verdict(a, &older, SRV_VERDICT_REVOKED), SRV_VERDICT_REVOKED);
    assert_int_equal(wait_verdict(b, &older, SRV_VERDICT_REVOKED), SRV_VERDICT_REVOKED);

    /* Issued after it: allowed. Without iat: revoked, fail safe. */
    assert_int_equal(check(b, &newer, NULL), SRV_VERDICT_ALLOW);
    assert_int_equal(check(b, &no_iat, NULL), SRV_VERDICT_REVOKED);
    srv_state_free(a);
    srv_state_free(b);
}

static void new_instance_loads_mirror(void **state)
{
    srv_state *late;
    srv_token_facts t = token(6, "jti-before-start", NULL, 100);
    srv_state_stats stats;
    char detail[300];
    (void)state;

    /* Written before the instance starts: only the SCAN load can bring it in. */
    assert_int_equal(srv_revoke_jti(redis_url, PREFIX, "jti-before-start",
                                    (int64_t)time(NULL) + 600, detail, sizeof(detail)),
                     0);
    late = new_instance(0, false, false, 60);
    assert_int_equal(check(late, &t, NULL), SRV_VERDICT_REVOKED);
    srv_state_get_stats(late, &stats);
    assert_true(stats.revocations_known >= 1);
    srv_state_free(late);
}

static void revoke_rejects_bad_input(void **state)
{
    static const struct {
        const char *url, *prefix, *id;
        int64_t expires_offset;
        const char *detail_start;
    } cases[] = {
        /* An expiry in the past would delete the key at once. */
        {NULL, PREFIX, "x", -10, "expiry "},
        /* An empty jti revokes nothing. */
        {NULL, PREFIX, "", 600, "identifier is empty or longer than 1024 bytes"},
        /* A prefix with a glob character is rejected as in the service. */
        {NULL, "a*b", "x", 600, "key prefix is not 1 to 64 characters"},
        /* Nothing listens on port 1: the message names the address. */
        {"redis://127.0.0.1:1", PREFIX, "x", 600, "Redis at 127.0.0.1:1: connect failed"},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char detail[300] = "";
        const char *url = cases[i].url != NULL ? cases[i].url : redis_url;

        assert_int_equal(srv_revoke_jti(url, cases[i].prefix, cases[i].id,
                                        (int64_t)time(NULL) + cases[i].expires_offset, detail,
                                        sizeof(detail)),
                         -1);
        assert_memory_equal(detail, cases[i].detail_start, strlen(cases[i].detail_start));
    }
}

static void anomaly_across_instances(void **state)
{
    srv_state *a = new_instance(1, true, false, 60), *b = new_instance(1, true, false, 60);
    srv_token_facts t = token(7, "jti-anomaly", NULL, 100);
    srv_usage eu = {.region = "eu"}, us = {.region = "us"};
    srv_alert alert;
    int64_t now = (int64_t)time(NULL);
    (void)state;

    assert_int_equal(srv_state_check(a, &t, &eu, now, &alert), SRV_VERDICT_ALLOW);
    assert_null(alert.kind);

    /* Instance b receives only "us", but Redis contains "eu" from a: two regions, limit 1. */
    assert_int_equal(srv_state_check(b, &t, &us, now, &alert), SRV_VERDICT_ANOMALY);
    assert_string_equal(alert.kind, "regions");
    assert_int_equal(alert.seen, 2);
    assert_int_equal(alert.limit, 1);

    /* b publishes the deny, so a denies the token too, even from its known region. */
    srv_verdict v = srv_state_check(a, &t, &eu, now, &alert);
    for (int waited = 0; v != SRV_VERDICT_ANOMALY && waited < WAIT_MS; waited += 20) {
        sleep_ms(20);
        v = srv_state_check(a, &t, &eu, now, &alert);
    }
    assert_int_equal(v, SRV_VERDICT_ANOMALY);
    srv_state_free(a);
    srv_state_free(b);
}

static void anomaly_alert_without_deny(void **state)
{
    srv_state *a = new_instance(1, false, false, 60), *b = new_instance(1, false, false, 60);
    srv_token_facts t = token(8, "jti-alert", NULL, 100);
    srv_usage eu = {.region = "eu"}, us = {.region = "us"};
    srv_alert alert;
    srv_state_stats stats;
    int64_t now = (int64_t)time(NULL);
    (void)state;

    assert_int_equal(srv_state_check(a, &t, &eu, now, &alert), SRV_VERDICT_ALLOW);
    assert_int_equal(srv_state_check(b, &t, &us, now, &alert), SRV_VERDICT_ALLOW);
    assert_string_equal(alert.kind, "regions");
    assert_int_equal(alert.seen, 2);
    srv_state_get_stats(b, &stats);
    assert_int_equal(stats.anomaly_alerts, 1);
    assert_int_equal(stats.anomaly_denied, 0);
    srv_state_free(a);
    srv_state_free(b);
}

/* Writes a revocation key without publishing, as a reload test needs. */
static void write_raw_revocation(const char *jti)
{
    redisContext *c = connect_raw();
    char key[128], value[64];
    redisReply *r;

    assert_non_null(c);
    snprintf(key, sizeof(key), PREFIX ":revoked:jti:%s", jti);
    snprintf(value, sizeof(value), "0 %lld", (long long)time(NULL) + 600);
    r = redisCommand(c, "SET %s %s EX 600", key, value);
    assert_non_null(r);
    freeReplyObject(r);
    redisFree(c);
}

static void redis_stop_and_restart(void **state)
{
    srv_state *closed = new_instance(1, false, false, 60);
    srv_state *open = new_instance(1, false, true, 1);
    srv_token_facts t = token(9, "jti-outage", NULL, 100);
    srv_usage eu = {.region = "eu"}, us = {.region = "us"};
    srv_state_stats stats;
    srv_alert alert;
    struct timespec t0, t1;
    (void)state;

    log_text[0] = '\0';
    stop_redis();
    assert_true(wait_ready(closed, false));
    assert_true(wait_ready(open, false));

    /* Revocation state unknown: fail closed is 503, fail open allows. */
    assert_int_equal(check(closed, &t, NULL), SRV_VERDICT_UNAVAILABLE);
    assert_int_equal(check(open, &t, NULL), SRV_VERDICT_ALLOW);

    /* Monitoring goes on locally, and a check does not wait on the dead Redis. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(srv_state_check(closed, &t, &eu, (int64_t)time(NULL), &alert),
                     SRV_VERDICT_UNAVAILABLE);
    assert_int_equal(srv_state_check(closed, &t, &us, (int64_t)time(NULL), &alert),
                     SRV_VERDICT_UNAVAILABLE);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_string_equal(alert.kind, "regions");
    assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 200);

    /* Reconnect attempts keep failing; the 60 s instance logs one line, the 1 s one more. */
    sleep_ms(2600);
    srv_state_get_stats(closed, &stats);
    assert_true(stats.redis_errors >= 3);
    assert_int_equal(stats.unavailable, 3);
    assert_false(stats.redis_connected);
    assert_true(count_in_log("\"event\":\"redis_error\"") >= 3);
    assert_true(strstr(log_text, "\"suppressed\":0}") != NULL);
    assert_true(strstr(log_text, "\"suppressed\":1") != NULL ||
                strstr(log_text, "\"suppressed\":2") != NULL ||
                strstr(log_text, "\"suppressed\":3") != NULL);

    /* Restarted empty; a key written before the instances reconnect comes in by the full load. */
    start_redis();
    write_raw_revocation("jti-outage");
    assert_true(wait_ready(closed, true));
    assert_true(wait_ready(open, true));
    assert_int_equal(check(closed, &t, NULL), SRV_VERDICT_REVOKED);
    assert_int_equal(check(open, &t, NULL), SRV_VERDICT_REVOKED);
    assert_true(count_in_log("\"event\":\"redis_connected\"") >= 2);
    srv_state_free(closed);
    srv_state_free(open);
}

static void unreachable_at_start(void **state)
{
    srv_state_config cfg = {.redis_url = "redis://127.0.0.1:1", .anomaly.window_seconds = 60};
    srv_token_facts t = token(10, NULL, NULL, 100);
    srv_state *s = NULL;
    char detail[200];
    (void)state;

    /* Not a configuration error: the state starts and returns UNAVAILABLE until Redis is up. */
    assert_int_equal(srv_state_new(&cfg, NULL, NULL, &s, detail, sizeof(detail)), 0);
    assert_false(srv_state_ready(s));
    assert_int_equal(check(s, &t, NULL), SRV_VERDICT_UNAVAILABLE);
    srv_state_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(revoke_jti_reaches_both),
        cmocka_unit_test(revoke_sub_before_cutoff),
        cmocka_unit_test(new_instance_loads_mirror),
        cmocka_unit_test(revoke_rejects_bad_input),
        cmocka_unit_test(anomaly_across_instances),
        cmocka_unit_test(anomaly_alert_without_deny),
        cmocka_unit_test(unreachable_at_start),
        cmocka_unit_test(redis_stop_and_restart),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
