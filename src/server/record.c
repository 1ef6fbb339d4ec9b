/*
 * record.c: the usage-monitoring event of each decision and the /metrics
 * text. The event never contains the token: only its fingerprint, the
 * first 16 hex digits of its SHA-256.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/serve_int.h"

/* Upper bounds of the latency histogram, in microseconds; the last bucket is +Inf. */
static const uint64_t latency_bounds_us[SRV_LATENCY_BUCKETS - 1] = {50,   100,   250,   500,   1000,
                                                                    2500, 5000, 10000, 25000, 100000, 1000000};

static const char *decision_name(srv_reason r)
{
    int status = srv_reason_status(r);
    if (status == 200)
        return "allow";
    return status >= 500 || status == 400 ? "error" : "deny";
}

static void fingerprint_hex(const uint8_t *fp, char out[17])
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < 8; i++) {
        out[2 * i] = hex[fp[i] >> 4];
        out[2 * i + 1] = hex[fp[i] & 15];
    }
    out[16] = '\0';
}

static void count(srv_metrics *m, const srv_decision *d, uint64_t latency_ns)
{
    atomic_fetch_add(&m->reasons[d->reason], 1);
    size_t slot = (size_t)d->err < SRV_ERR_SLOTS ? (size_t)d->err : 0;
    if (d->reason == SRV_REASON_TOKEN_INVALID)
        atomic_fetch_add(&m->token_errors[slot], 1);
    else if (d->reason == SRV_REASON_ROUTE_RULES)
        atomic_fetch_add(&m->rule_errors[slot], 1);

    size_t b = 0;
    while (b < SRV_LATENCY_BUCKETS - 1 && latency_ns / 1000 > latency_bounds_us[b])
        b++;
    atomic_fetch_add(&m->latency[b], 1);
    atomic_fetch_add(&m->latency_sum_ns, latency_ns);
    if (d->alert.kind != NULL)
        atomic_fetch_add(&m->alerts, 1);
}

static void alert_event(srv_server *s, const srv_request *rq, const srv_decision *d, const char *fp)
{
    srv_json j;
    size_t len;

    srv_json_begin(&j, "anomaly_alert");
    srv_json_str(&j, "kind", d->alert.kind);
    srv_json_int(&j, "seen", d->alert.seen);
    srv_json_int(&j, "limit", d->alert.limit);
    srv_json_str(&j, "token_fp", fp);
    srv_json_str(&j, "sub", d->entry != NULL ? d->entry->facts.sub : NULL);
    srv_json_str(&j, "iss", d->entry != NULL ? d->entry->facts.iss : NULL);
    srv_json_str(&j, "client", rq->client_address);
    srv_json_str(&j, "region", rq->region);
    srv_json_str(&j, "service", rq->service);
    srv_json_bool(&j, "denied", d->reason == SRV_REASON_ANOMALY);
    const char *text = srv_json_end(&j, &len);
    srv_log_write(s->log, text, len);
}

static void route_member(srv_json *j, const srv_config *cfg, long route)
{
    const char *method;
    const char *prefix;
    if (route < 0 || jwg_policy_file_route(cfg->pf, (size_t)route, &method, &prefix) != JWG_OK)
        return;

    /* One byte past SRV_LOG_VALUE_MAX is enough for srv_json_strn to cut the value with "...". */
    char text[SRV_LOG_VALUE_MAX + 1];
    size_t n = strnlen(method, sizeof(text));
    memcpy(text, method, n);
    if (n < sizeof(text))
        text[n++] = ' ';
    size_t prefix_len = strnlen(prefix, sizeof(text) - n);
    memcpy(text + n, prefix, prefix_len);
    srv_json_strn(j, "route", text, n + prefix_len);
}

void srv_decision_record(srv_server *s, const srv_config *cfg, const srv_request *rq,
                         const srv_decision *d, uint64_t latency_ns)
{
    srv_json j;
    size_t len;
    char fp[17] = "";

    count(&s->metrics, d, latency_ns);
    if (d->token_seen)
        fingerprint_hex(d->fp, fp);

    srv_json_begin(&j, "decision");
    srv_json_str(&j, "decision", decision_name(d->reason));
    srv_json_int(&j, "status", srv_reason_status(d->reason));
    srv_json_str(&j, "reason", srv_reason_name(d->reason));
    if (d->err != JWG_OK) {
        srv_json_int(&j, "error_code", (int64_t)d->err);
        srv_json_str(&j, "error", jwg_err_name(d->err));
    }
    if (d->reason != SRV_REASON_OK)
        srv_json_str(&j, "detail", d->detail);
    srv_json_str(&j, "endpoint", rq->endpoint);
    srv_json_str(&j, "method", rq->method);
    srv_json_str(&j, "path", d->path[0] != '\0' ? d->path : NULL);
    route_member(&j, cfg, d->route);
    if (d->entry != NULL) {
        srv_json_str(&j, "iss", d->entry->facts.iss);
        srv_json_str(&j, "sub", d->entry->facts.sub);
        srv_json_str(&j, "jti", d->entry->facts.jti);
        srv_json_str(&j, "kid", d->entry->kid);
        srv_json_str(&j, "alg", d->entry->alg);
    }
    if (d->token_seen)
        srv_json_strn(&j, "token_fp", fp, 16);
    srv_json_str(&j, "client", rq->client_address);
    srv_json_str(&j, "service", rq->service);
    srv_json_str(&j, "region", rq->region);
    srv_json_bool(&j, "cache_hit", d->cache_hit);
    srv_json_uint(&j, "latency_us", latency_ns / 1000);
    const char *text = srv_json_end(&j, &len);
    srv_log_write(s->log, text, len);

    if (d->alert.kind != NULL)
        alert_event(s, rq, d, fp);
}

/* ---- /metrics ------------------------------------------------------------ */

typedef struct text_buf {
    char *p;
    size_t len;
    size_t cap;
    bool failed;
} text_buf;

static void tb_printf(text_buf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void tb_printf(text_buf *t, const char *fmt, ...)
{
    va_list ap;
    for (int attempt = 0; attempt < 2 && !t->failed; attempt++) {
        va_start(ap, fmt);
        int n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = true;
            return;
        }
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap * 2 + (size_t)n;
        char *p = realloc(t->p, cap);
        if (p == NULL) {
            t->failed = true;
            return;
        }
        t->p = p;
        t->cap = cap;
    }
}

static void render_decisions(text_buf *t, srv_metrics *m)
{
    tb_printf(t, "# HELP jwtguard_decisions_total Authorization decisions by result, status, reason and library error.\n"
                 "# TYPE jwtguard_decisions_total counter\n");
    for (int r = 0; r < SRV_REASON_COUNT; r++) {
        srv_reason reason = (srv_reason)r;
        bool by_error = reason == SRV_REASON_TOKEN_INVALID || reason == SRV_REASON_ROUTE_RULES;
        uint64_t total = atomic_load(&m->reasons[r]);
        if (!by_error) {
            tb_printf(t, "jwtguard_decisions_total{decision=\"%s\",status=\"%d\",reason=\"%s\",code=\"\"} %llu\n",
                      decision_name(reason), srv_reason_status(reason), srv_reason_name(reason),
                      (unsigned long long)total);
            continue;
        }
        atomic_uint_fast64_t *per = reason == SRV_REASON_TOKEN_INVALID ? m->token_errors : m->rule_errors;
        for (size_t e = 0; e < SRV_ERR_SLOTS; e++) {
            uint64_t n = atomic_load(&per[e]);
            if (n > 0)
                tb_printf(t, "jwtguard_decisions_total{decision=\"deny\",status=\"%d\",reason=\"%s\",code=\"%s\"} %llu\n",
                          srv_reason_status(reason), srv_reason_name(reason), jwg_err_name((jwg_err)e),
                          (unsigned long long)n);
        }
    }
}

static void render_latency(text_buf *t, srv_metrics *m)
{
    uint64_t cumulative = 0;
    tb_printf(t, "# HELP jwtguard_decision_seconds Time spent deciding one request, from its headers to the answer.\n"
                 "# TYPE jwtguard_decision_seconds histogram\n");
    for (size_t b = 0; b < SRV_LATENCY_BUCKETS; b++) {
        cumulative += atomic_load(&m->latency[b]);
        if (b < SRV_LATENCY_BUCKETS - 1)
            tb_printf(t, "jwtguard_decision_seconds_bucket{le=\"%g\"} %llu\n", (double)latency_bounds_us[b] / 1e6,
                      (unsigned long long)cumulative);
        else
            tb_printf(t, "jwtguard_decision_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cumulative);
    }
    tb_printf(t, "jwtguard_decision_seconds_sum %.9f\njwtguard_decision_seconds_count %llu\n",
              (double)atomic_load(&m->latency_sum_ns) / 1e9, (unsigned long long)cumulative);
}

static void counter(text_buf *t, const char *name, const char *help, const char *type, uint64_t v)
{
    tb_printf(t, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name, type, name, (unsigned long long)v);
}

char *srv_metrics_render(srv_server *s, size_t *len)
{
    text_buf t = {.cap = 16384};
    t.p = malloc(t.cap);
    if (t.p == NULL)
        return NULL;

    srv_cache_stats cs;
    srv_state_stats ss;
    srv_cache_get_stats(s->cache, &cs);
    srv_state_get_stats(s->state, &ss);
    srv_metrics *m = &s->metrics;

    render_decisions(&t, m);
    render_latency(&t, m);
    counter(&t, "jwtguard_cache_hits_total", "Verified-token cache hits.", "counter", cs.hits);
    counter(&t, "jwtguard_cache_misses_total", "Verified-token cache misses.", "counter", cs.misses);
    counter(&t, "jwtguard_cache_entries", "Entries in the verified-token cache.", "gauge", cs.entries);
    counter(&t, "jwtguard_cache_evictions_total", "Entries evicted because the cache was full.", "counter", cs.evictions);
    counter(&t, "jwtguard_reloads_total", "Successful policy reloads (SIGHUP).", "counter", atomic_load(&m->reloads));
    counter(&t, "jwtguard_reload_failures_total", "Failed policy reloads; the previous policy stays in use.", "counter",
            atomic_load(&m->reload_failures));
    counter(&t, "jwtguard_anomaly_alerts_total", "Anomaly alerts raised by decisions.", "counter", atomic_load(&m->alerts));
    counter(&t, "jwtguard_slow_connections_closed_total", "Connections closed for sending a request header too slowly.",
            "counter", atomic_load(&m->connections_closed_slow));
    counter(&t, "jwtguard_connections_rejected_total", "Connections closed at accept because every slot was in use.",
            "counter", atomic_load(&m->connections_rejected));
    counter(&t, "jwtguard_accept_pauses_total", "Pauses of accepting after accept4() ran out of descriptors or memory.",
            "counter", atomic_load(&m->accept_pauses));
    counter(&t, "jwtguard_state_revoked_total", "Requests denied as revoked.", "counter", ss.revoked);
    counter(&t, "jwtguard_state_anomaly_alerts_total", "Anomaly alerts counted by the shared state.", "counter",
            ss.anomaly_alerts);
    counter(&t, "jwtguard_state_anomaly_denied_total", "Requests denied by the anomaly rule.", "counter", ss.anomaly_denied);
    counter(&t, "jwtguard_state_redis_errors_total", "Redis errors.", "counter", ss.redis_errors);
    counter(&t, "jwtguard_state_unavailable_total", "Checks answered without revocation state.", "counter", ss.unavailable);
    counter(&t, "jwtguard_state_revocations", "Revocations in the local mirror.", "gauge", ss.revocations_known);
    counter(&t, "jwtguard_state_redis_connected", "1 when connected to Redis.", "gauge", ss.redis_connected ? 1 : 0);
    if (t.failed) {
        free(t.p);
        return NULL;
    }
    *len = t.len;
    return t.p;
}
