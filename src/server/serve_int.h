/*
 * serve_int.h: the parts of `jwtguard serve` that its files share: the
 * configuration built from the policy file, the decision core and its
 * metrics. The HTTP layer (http.c) only translates requests and
 * decisions; every rule lives in decide.c.
 */
#ifndef JWTGUARD_SERVER_SERVE_INT_H
#define JWTGUARD_SERVER_SERVE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jwtguard/jwtguard.h"
#include "server/cache.h"
#include "server/eventlog.h"
#include "server/extract.h"
#include "server/serve.h"
#include "server/state.h"

/* What one policy file load built; shared by requests through a reference count. */
typedef struct srv_config {
    atomic_uint refs;
    uint64_t generation; /* 1 for the first load, +1 on each reload */
    jwg_policy_file *pf;
    jwg_verifier *verifier;
    jwg_gateway_settings gw;
    jwg_token_from token_from;
    const char *token_name; /* cookie or query parameter name */
    size_t max_token_bytes;
} srv_config;

/* Loads the policy file and builds its verifier. On failure, `detail` gives the reason. */
srv_config *srv_config_load(const char *path, uint64_t generation, char *detail, size_t detail_len);
void srv_config_ref(srv_config *c);
void srv_config_unref(srv_config *c);

/*
 * Builds the cache entry of a token that verified under `cfg` (entry.c),
 * valid until its exp, its issuer's max_age or now + cache.max_ttl,
 * whichever comes first. Returns NULL when out of memory.
 */
srv_entry *srv_entry_build(const srv_config *cfg, const jwg_result *r, const uint8_t *fp, int64_t now);

/* The reason for a response; each maps to one HTTP status (srv_reason_status). */
typedef enum srv_reason {
    SRV_REASON_OK,                /* 200 */
    SRV_REASON_TOKEN_MISSING,     /* 401, no error attribute (RFC 6750 3.1) */
    SRV_REASON_TOKEN_INVALID,     /* 401 invalid_token; `err` names the failed check */
    SRV_REASON_REVOKED,           /* 401 invalid_token */
    SRV_REASON_ROUTE_RULES,       /* 403 insufficient_scope; `err` names the failed rule */
    SRV_REASON_NO_ROUTE,          /* 403: routes exist and none matches */
    SRV_REASON_ANOMALY,           /* 403: the anomaly rule denies */
    SRV_REASON_PATH_INVALID,      /* 403: the original path cannot be normalized safely */
    SRV_REASON_CALLER_REJECTED,   /* 403: shared-secret header missing or wrong */
    SRV_REASON_KEYS_UNAVAILABLE,  /* 503: an issuer's key source is unavailable */
    SRV_REASON_STATE_UNAVAILABLE, /* 503: revocation state unknown, fail closed */
    SRV_REASON_BAD_REQUEST,       /* 400: the gateway sent no original method or URI */
    SRV_REASON_INTERNAL,          /* 500: out of memory or a crypto library failure */
    SRV_REASON_INVALID_REQUEST,   /* 400 invalid_request: more than one Authorization header */
    SRV_REASON_COUNT
} srv_reason;

int srv_reason_status(srv_reason r);
const char *srv_reason_name(srv_reason r);

/* One authorization request as the endpoints reconstruct it from the gateway's headers. */
typedef struct srv_request {
    const char *endpoint;      /* "nginx", "forward" or "envoy" */
    const char *method;        /* the original method; NULL when the gateway sent none */
    const char *target;        /* the original request target; NULL when none */
    size_t target_len;
    const char *authorization; /* header values; NULL when absent */
    unsigned authorization_count; /* Authorization headers in the request; the endpoints count them */
    const char *cookie;
    const char *region;
    const char *service;
    const char *client_address; /* from the configured header or the peer */
    const char *extra_query;    /* Envoy: the check request's own query; NULL otherwise */
    size_t extra_query_len;
} srv_request;

typedef struct srv_decision {
    srv_reason reason;
    jwg_err err;         /* the library's code for TOKEN_INVALID, ROUTE_RULES, KEYS_UNAVAILABLE */
    srv_entry *entry;    /* the verified token's entry (a reference), or NULL */
    long route;          /* index of the matched route, -1 when none */
    bool cache_hit;
    bool token_seen;
    uint8_t fp[SRV_FP_LEN];
    srv_alert alert;
    char path[SRV_PATH_MAX + 1];
    char detail[256];
} srv_decision;

/* Process-wide counters for /metrics. */
#define SRV_ERR_SLOTS 1000u
#define SRV_LATENCY_BUCKETS 12u

typedef struct srv_metrics {
    atomic_uint_fast64_t reasons[SRV_REASON_COUNT];
    atomic_uint_fast64_t token_errors[SRV_ERR_SLOTS]; /* TOKEN_INVALID by jwg_err */
    atomic_uint_fast64_t rule_errors[SRV_ERR_SLOTS];  /* ROUTE_RULES by jwg_err */
    atomic_uint_fast64_t latency[SRV_LATENCY_BUCKETS]; /* cumulative at render time only */
    atomic_uint_fast64_t latency_sum_ns;
    atomic_uint_fast64_t reloads;
    atomic_uint_fast64_t reload_failures;
    atomic_uint_fast64_t alerts;
    atomic_uint_fast64_t connections_closed_slow;
    atomic_uint_fast64_t connections_rejected; /* closed at accept: every --max-connections slot in use */
    atomic_uint_fast64_t accept_pauses;        /* accept4() failed for lack of descriptors or memory */
} srv_metrics;

/* Everything the request threads share. */
typedef struct srv_server {
    pthread_mutex_t config_lock;
    srv_config *config; /* the current one; swapped by a reload */
    srv_cache *cache;
    srv_state *state;
    srv_log *log;
    srv_metrics metrics;
    bool secret_required;
    uint8_t secret_digest[SRV_FP_LEN];
    const char *secret_header;
    atomic_bool ready_keys; /* every issuer had a usable key set at the last readiness check */
} srv_server;

/* Returns a reference to the current configuration. */
srv_config *srv_server_config(srv_server *s);

/*
 * Decides one request under configuration `cfg`: token, verification (or
 * the cache), route, route rules, then the shared state. The caller
 * releases `d->entry` with srv_entry_unref().
 */
void srv_decide(srv_server *s, srv_config *cfg, const srv_request *rq, srv_decision *d);

/* Writes the decision event and counts it; `latency_ns` is the time spent deciding. */
void srv_decision_record(srv_server *s, const srv_config *cfg, const srv_request *rq,
                         const srv_decision *d, uint64_t latency_ns);

/* Checks the shared-secret header value (NULL when absent) in constant time over digests. */
bool srv_caller_allowed(const srv_server *s, const char *value);

/* Writes the Prometheus text of every metric into a new buffer; the caller frees it. */
char *srv_metrics_render(srv_server *s, size_t *len);

/* Returns true when every issuer of `cfg` has a usable key set and the state is ready. */
bool srv_ready(srv_server *s, srv_config *cfg);

#endif /* JWTGUARD_SERVER_SERVE_INT_H */
