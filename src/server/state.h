/*
 * state.h: the gateway's shared state, the contract between the decision
 * core (serve.c and the files it owns) and the state module (state*.c):
 * revocations, and the token-usage records behind the anomaly rule.
 *
 * Without Redis the state is local to the process: usage is counted per
 * instance and nothing is revoked. With Redis every instance reads every
 * revocation and every usage record.
 *
 * Speed: srv_state_check() runs on every request, cache hit or not, so it
 * answers from memory. Revocations are mirrored locally (a full load at
 * start and on reconnect, then Redis pub/sub messages); usage goes to Redis
 * only when this instance sees a token fingerprint with a region, service
 * or client network it has not seen in the window, which is rare for
 * repeated tokens.
 *
 * Threads: every call is safe from any thread. The state owns one
 * background thread when Redis is configured.
 */
#ifndef JWTGUARD_SERVER_STATE_H
#define JWTGUARD_SERVER_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Size of a token fingerprint: SHA-256 of the token's bytes. */
#define SRV_FP_LEN 32u

/* The facts the decision core extracts from a verified token. */
typedef struct srv_token_facts {
    uint8_t fp[SRV_FP_LEN];
    const char *iss; /* NULL when absent, for each of these */
    const char *sub;
    const char *jti;
    int64_t iat;     /* INT64_MIN when absent */
    int64_t exp;     /* INT64_MAX when absent */
} srv_token_facts;

/* Where the request came from; each may be NULL or "" when unknown. */
typedef struct srv_usage {
    const char *region;  /* from the configured region header */
    const char *service; /* from the configured service header */
    const char *network; /* the client's network: an IPv4 /24 or IPv6 /56 in text form */
} srv_usage;

/* The anomaly rule: limits within a sliding window; 0 means no limit. */
typedef struct srv_anomaly_config {
    uint32_t max_regions;
    uint32_t max_services;
    uint32_t max_networks;
    int64_t window_seconds; /* > 0 */
    bool deny;              /* deny the request that breaks a limit, and later ones */
} srv_anomaly_config;

typedef struct srv_state_config {
    const char *redis_url;        /* redis://[:password@]host:port[/db] or unix:PATH; NULL for local only */
    const char *key_prefix;       /* "jwtguard" when NULL */
    bool fail_open;               /* revocation state unknown: allow (true) or 503 (false, the default) */
    int64_t redis_timeout_ms;     /* per command; 0 means 200 */
    int64_t error_log_interval_s; /* log Redis errors at most once per interval; 0 means 60 */
    srv_anomaly_config anomaly;
} srv_state_config;

typedef enum srv_verdict {
    SRV_VERDICT_ALLOW = 0,
    SRV_VERDICT_REVOKED = 1,      /* by jti, or by sub issued before T: 401 */
    SRV_VERDICT_ANOMALY = 2,      /* the anomaly rule denies: 403 */
    SRV_VERDICT_UNAVAILABLE = 3   /* revocation state unknown and fail closed: 503 */
} srv_verdict;

/* An alert the check raised, for the caller to log; kind is NULL when none. */
typedef struct srv_alert {
    const char *kind;   /* "regions", "services" or "networks" */
    uint32_t seen;      /* distinct values seen in the window, across instances */
    uint32_t limit;
} srv_alert;

/* Counters for /metrics; monotonic. */
typedef struct srv_state_stats {
    uint64_t revoked;          /* requests denied as revoked */
    uint64_t anomaly_alerts;
    uint64_t anomaly_denied;
    uint64_t redis_errors;
    uint64_t unavailable;      /* checks decided without revocation state */
    uint64_t revocations_known; /* entries in the local mirror now (a gauge) */
    bool redis_connected;
} srv_state_stats;

/* Called by the state for events the service logs: one JSON object, no newline. */
typedef void (*srv_log_fn)(void *arg, const char *json);

typedef struct srv_state srv_state;

/*
 * Creates the state. With a Redis URL it connects, loads the revocations
 * and starts the background thread; a Redis that cannot be reached is not
 * an error here (checks then follow `fail_open`). Returns 0, or -1 with a
 * message in `detail` for a bad configuration.
 */
int srv_state_new(const srv_state_config *cfg, srv_log_fn log, void *log_arg, srv_state **out,
                  char *detail, size_t detail_len);
void srv_state_free(srv_state *s);

/* Decides on a verified token; fills `alert` (kind NULL when none). */
srv_verdict srv_state_check(srv_state *s, const srv_token_facts *t, const srv_usage *u,
                            int64_t now, srv_alert *alert);

/* True when revocation state is current: no Redis, or connected and loaded. For /readyz. */
bool srv_state_ready(srv_state *s);

void srv_state_get_stats(srv_state *s, srv_state_stats *out);

/*
 * Writes revocations to Redis for `jwtguard revoke` (no state object; one
 * connection per call). Entries expire at `expires_at` (Unix seconds).
 * Return 0, or -1 with a message in `detail`.
 */
int srv_revoke_jti(const char *redis_url, const char *key_prefix, const char *jti,
                   int64_t expires_at, char *detail, size_t detail_len);
int srv_revoke_sub_before(const char *redis_url, const char *key_prefix, const char *sub,
                          int64_t before, int64_t expires_at, char *detail, size_t detail_len);

#endif /* JWTGUARD_SERVER_STATE_H */
