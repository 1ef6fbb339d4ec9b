/*
 * state.c: the state object of state.h: configuration checks, and the
 * decision on a verified token from the revocation mirror and the anomaly
 * rule. The Redis side lives in state_redis.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/state_int.h"

#define DEFAULT_PREFIX "jwtguard"
#define DEFAULT_TIMEOUT_MS 200
#define DEFAULT_ERROR_LOG_INTERVAL_S 60

/* Longest accepted Redis timeout; a check may wait this long. */
#define MAX_TIMEOUT_MS 60000

bool srv_prefix_valid(const char *p)
{
    size_t len = strlen(p);

    if (len == 0 || len > SRV_MAX_PREFIX_BYTES)
        return false;

    /* Only characters that mean nothing to SCAN MATCH patterns or to Cluster hash tags. */
    return strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-") == len;
}

static int check_limits(const srv_anomaly_config *a, char *detail, size_t detail_len)
{
    const uint32_t limits[SRV_DIM_COUNT] = {a->max_regions, a->max_services, a->max_networks};

    if (a->window_seconds <= 0) {
        snprintf(detail, detail_len, "anomaly window %lld s is not positive",
                 (long long)a->window_seconds);
        return -1;
    }
    for (size_t d = 0; d < SRV_DIM_COUNT; d++) {
        /* The table tracks SRV_USAGE_MAX_VALUES values, so it must see limit + 1 of them. */
        if (limits[d] >= SRV_USAGE_MAX_VALUES) {
            snprintf(detail, detail_len, "anomaly limit for %s (%u) must be below %u",
                     srv_dimension_names[d], limits[d], SRV_USAGE_MAX_VALUES);
            return -1;
        }
    }
    return 0;
}

static int check_config(const srv_state_config *cfg, char *detail, size_t detail_len)
{
    if (cfg->key_prefix != NULL && !srv_prefix_valid(cfg->key_prefix)) {
        snprintf(detail, detail_len,
                 "key prefix is not 1 to %u characters of A-Z a-z 0-9 _ . : -",
                 SRV_MAX_PREFIX_BYTES);
        return -1;
    }
    if (cfg->redis_timeout_ms < 0 || cfg->redis_timeout_ms > MAX_TIMEOUT_MS) {
        snprintf(detail, detail_len, "Redis timeout %lld ms is not in 0..%d",
                 (long long)cfg->redis_timeout_ms, MAX_TIMEOUT_MS);
        return -1;
    }
    if (cfg->error_log_interval_s < 0) {
        snprintf(detail, detail_len, "error log interval %lld s is negative",
                 (long long)cfg->error_log_interval_s);
        return -1;
    }
    return check_limits(&cfg->anomaly, detail, detail_len);
}

static void apply_defaults(srv_state *s, const srv_state_config *cfg)
{
    s->cfg = *cfg;
    snprintf(s->prefix, sizeof(s->prefix), "%s",
             cfg->key_prefix != NULL ? cfg->key_prefix : DEFAULT_PREFIX);
    s->cfg.key_prefix = s->prefix;
    s->cfg.redis_url = NULL;
    if (s->cfg.redis_timeout_ms == 0)
        s->cfg.redis_timeout_ms = DEFAULT_TIMEOUT_MS;
    if (s->cfg.error_log_interval_s == 0)
        s->cfg.error_log_interval_s = DEFAULT_ERROR_LOG_INTERVAL_S;
}

int srv_state_new(const srv_state_config *cfg, srv_log_fn log, void *log_arg, srv_state **out,
                  char *detail, size_t detail_len)
{
    srv_state *s = NULL;

    *out = NULL;
    if (detail_len > 0)
        detail[0] = '\0';
    if (check_config(cfg, detail, detail_len) != 0)
        return -1;

    s = calloc(1, sizeof(*s));
    if (s == NULL || pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        snprintf(detail, detail_len, "out of memory");
        return -1;
    }
    apply_defaults(s, cfg);
    s->log = log;
    s->log_arg = log_arg;
    s->usage = srv_usage_new();
    s->mirror = srv_mirror_new();
    if (s->usage == NULL || s->mirror == NULL) {
        snprintf(detail, detail_len, "out of memory");
        goto err;
    }
    if (cfg->redis_url != NULL && srv_redis_start(s, cfg->redis_url, detail, detail_len) != 0)
        goto err;
    *out = s;
    return 0;

err:
    srv_state_free(s);
    return -1;
}

void srv_state_free(srv_state *s)
{
    if (s == NULL)
        return;
    srv_redis_stop(s);
    srv_usage_free(s->usage);
    srv_mirror_free(s->mirror);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/*
 * Applies the limits to the counts and raises at most one alert, for the
 * first dimension not yet alerted in the window. Returns true when the
 * request breaks a limit with `deny` set. Called with the lock held.
 */
static bool apply_limits(srv_state *s, const uint8_t fp[SRV_FP_LEN], const srv_observation *obs,
                         int64_t now, srv_alert *alert, bool *raised)
{
    const srv_anomaly_config *a = &s->cfg.anomaly;
    const uint32_t limits[SRV_DIM_COUNT] = {a->max_regions, a->max_services, a->max_networks};
    bool broken = false;

    for (size_t d = 0; d < SRV_DIM_COUNT; d++) {
        if (limits[d] == 0 || obs->seen[d] <= limits[d])
            continue;
        broken = true;
        if (alert->kind == NULL &&
            srv_usage_mark_alert(s->usage, fp, (enum srv_dimension)d, now, a->window_seconds)) {
            alert->kind = srv_dimension_names[d];
            alert->seen = obs->seen[d];
            alert->limit = limits[d];
            s->stats.anomaly_alerts++;
            *raised = true;
        }
    }
    if (broken && a->deny)
        srv_usage_deny(s->usage, fp, now + a->window_seconds);
    return broken && a->deny;
}

static bool any_write(const srv_observation *obs)
{
    return obs->needs_write[SRV_DIM_REGION] || obs->needs_write[SRV_DIM_SERVICE] ||
           obs->needs_write[SRV_DIM_NETWORK];
}

/* Chooses the verdict: revoked first, then the anomaly rule, then unknown revocation state. */
static srv_verdict decide(srv_state *s, bool revoked, bool anomaly, bool current)
{
    if (revoked) {
        s->stats.revoked++;
        return SRV_VERDICT_REVOKED;
    }
    if (anomaly) {
        s->stats.anomaly_denied++;
        return SRV_VERDICT_ANOMALY;
    }
    if (!current) {
        s->stats.unavailable++;
        return s->cfg.fail_open ? SRV_VERDICT_ALLOW : SRV_VERDICT_UNAVAILABLE;
    }
    return SRV_VERDICT_ALLOW;
}

/*
 * Keeps the usage values of the dimensions that have a limit. The others
 * are never checked, so they are neither counted nor written to Redis.
 */
static srv_usage limited_usage(const srv_anomaly_config *a, const srv_usage *u)
{
    srv_usage kept = {NULL, NULL, NULL};
    if (u == NULL)
        return kept;

    kept.region = a->max_regions > 0 ? u->region : NULL;
    kept.service = a->max_services > 0 ? u->service : NULL;
    kept.network = a->max_networks > 0 ? u->network : NULL;
    return kept;
}

srv_verdict srv_state_check(srv_state *s, const srv_token_facts *t, const srv_usage *u,
                            int64_t now, srv_alert *alert)
{
    const srv_usage kept = limited_usage(&s->cfg.anomaly, u);
    const bool counted = kept.region != NULL || kept.service != NULL || kept.network != NULL;
    srv_observation obs;
    bool revoked, denied, raised = false;
    srv_verdict v;

    memset(alert, 0, sizeof(*alert));
    memset(&obs, 0, sizeof(obs));

    pthread_mutex_lock(&s->lock);
    revoked = srv_mirror_revoked(s->mirror, t, now);
    denied = srv_usage_denied_until(s->usage, t->fp) > now;
    if (counted)
        srv_usage_observe(s->usage, t->fp, &kept, now, s->cfg.anomaly.window_seconds, &obs);
    pthread_mutex_unlock(&s->lock);

    /* Outside the lock: this may wait for Redis up to the timeout. */
    if (s->redis != NULL && any_write(&obs))
        srv_redis_record_usage(s, t->fp, &kept, now, &obs);

    pthread_mutex_lock(&s->lock);
    if (apply_limits(s, t->fp, &obs, now, alert, &raised))
        denied = true;
    v = decide(s, revoked, denied, s->redis == NULL || s->mirror_current);
    pthread_mutex_unlock(&s->lock);

    if (raised && s->cfg.anomaly.deny && s->redis != NULL)
        srv_redis_publish_deny(s, t->fp, now + s->cfg.anomaly.window_seconds);
    return v;
}

bool srv_state_ready(srv_state *s)
{
    bool ready;

    pthread_mutex_lock(&s->lock);
    ready = s->redis == NULL || s->mirror_current;
    pthread_mutex_unlock(&s->lock);
    return ready;
}

void srv_state_get_stats(srv_state *s, srv_state_stats *out)
{
    pthread_mutex_lock(&s->lock);
    *out = s->stats;
    out->revocations_known = srv_mirror_count(s->mirror);
    out->redis_connected = s->redis_connected;
    pthread_mutex_unlock(&s->lock);
}
