/*
 * state_int.h: the parts of the state module (state*.c, redis*.c) that its
 * files share: the per-instance usage table behind the anomaly rule and the
 * local mirror of revocations. Neither locks; the caller holds the state's
 * lock around every call.
 */
#ifndef JWTGUARD_SERVER_STATE_INT_H
#define JWTGUARD_SERVER_STATE_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/state.h"

/*
 * Bounds of the usage table. At most SRV_USAGE_MAX_FINGERPRINTS tokens are
 * tracked; a new one evicts the least recently used. Each tracks at most
 * SRV_USAGE_MAX_VALUES distinct values per dimension within the window, so
 * a limit must stay below it to be detectable. One entry is about 800 bytes,
 * so the table is about 13 MiB at most.
 */
#define SRV_USAGE_MAX_FINGERPRINTS 16384u
#define SRV_USAGE_MAX_VALUES 16u

/* The dimensions of the anomaly rule, in the order of srv_usage. */
enum srv_dimension { SRV_DIM_REGION, SRV_DIM_SERVICE, SRV_DIM_NETWORK, SRV_DIM_COUNT };

/* Names of the dimensions, as srv_alert.kind and in Redis keys. */
extern const char *const srv_dimension_names[SRV_DIM_COUNT];

/* Maximum bytes of one usage value (region, service or network) taken into account. */
#define SRV_USAGE_MAX_VALUE_BYTES 256u

typedef struct srv_usage_table srv_usage_table;

/* What one observation found, per dimension. */
typedef struct srv_observation {
    /* The value is new in this instance's window, or its Redis record is half a window old. */
    bool needs_write[SRV_DIM_COUNT];
    uint32_t seen[SRV_DIM_COUNT]; /* distinct values in the window on this instance */
} srv_observation;

srv_usage_table *srv_usage_new(void);
void srv_usage_free(srv_usage_table *t);

/* Returns the end of the fingerprint's deny period, or INT64_MIN when it has none. */
int64_t srv_usage_denied_until(const srv_usage_table *t, const uint8_t fp[SRV_FP_LEN]);

/* Records one request's values (each may be NULL or "") and fills `obs`. */
void srv_usage_observe(srv_usage_table *t, const uint8_t fp[SRV_FP_LEN], const srv_usage *u,
                       int64_t now, int64_t window, srv_observation *obs);

/*
 * Marks an alert for `dim` unless one was raised within the window; returns
 * true when this call raised it. Does nothing for an untracked fingerprint.
 */
bool srv_usage_mark_alert(srv_usage_table *t, const uint8_t fp[SRV_FP_LEN], enum srv_dimension dim,
                          int64_t now, int64_t window);

/* Denies the fingerprint until `until`, tracking it when it is not yet. */
void srv_usage_deny(srv_usage_table *t, const uint8_t fp[SRV_FP_LEN], int64_t until);

/* Kinds of mirrored revocations. */
enum srv_revocation_kind { SRV_REVOKE_JTI = 'j', SRV_REVOKE_SUB = 's' };

/*
 * Maximum entries of the revocation mirror. Revocations beyond it are not
 * mirrored and each one is counted as a Redis error, so a caller sees it.
 */
#define SRV_MIRROR_MAX_ENTRIES 1000000u

/* Maximum bytes of a revoked jti or sub. */
#define SRV_MAX_ID_BYTES 1024u

typedef struct srv_mirror srv_mirror;

srv_mirror *srv_mirror_new(void);
void srv_mirror_free(srv_mirror *m);

/*
 * Adds or widens a revocation. For a sub, `before` is the iat cut-off; a
 * second entry for the same id keeps the later cut-off and the later expiry.
 * Returns false when the mirror is full or out of memory.
 */
bool srv_mirror_put(srv_mirror *m, enum srv_revocation_kind kind, const char *id, size_t id_len,
                    int64_t before, int64_t expires_at);

/* Returns true when a revocation in the mirror applies to the token at `now`. */
bool srv_mirror_revoked(const srv_mirror *m, const srv_token_facts *t, int64_t now);

/* Drops the entries that expired at or before `now`. */
void srv_mirror_purge(srv_mirror *m, int64_t now);

size_t srv_mirror_count(const srv_mirror *m);

/* Maximum bytes of the Redis key prefix, which is limited to [A-Za-z0-9_.:-]. */
#define SRV_MAX_PREFIX_BYTES 64u

/* Returns true for a key prefix of 1 to SRV_MAX_PREFIX_BYTES of those characters. */
bool srv_prefix_valid(const char *p);

typedef struct srv_redis srv_redis;

/* The state object; `lock` guards every field below it. */
struct srv_state {
    srv_state_config cfg; /* key_prefix points at `prefix`; redis_url is not kept */
    char prefix[SRV_MAX_PREFIX_BYTES + 1];
    srv_log_fn log;
    void *log_arg;
    srv_redis *redis; /* NULL in local mode; set before and cleared after the lock's use */

    pthread_mutex_t lock;
    srv_usage_table *usage;
    srv_mirror *mirror;
    srv_state_stats stats; /* revocations_known and redis_connected are filled on read */
    bool mirror_current;   /* subscribed to revocations and fully loaded since */
    bool redis_connected;
};

/*
 * The Redis side of the state (state_redis.c). srv_redis_start() parses the
 * URL and starts the background thread; the others may be called from any
 * thread without the state's lock held.
 */
int srv_redis_start(srv_state *s, const char *url, char *detail, size_t detail_len);
void srv_redis_stop(srv_state *s);

/*
 * Writes this request's new usage values to Redis and raises obs->seen to
 * the distinct counts across all instances. Returns at once when Redis is
 * not connected; waits at most the configured timeout otherwise.
 */
void srv_redis_record_usage(srv_state *s, const uint8_t fp[SRV_FP_LEN], const srv_usage *u,
                            int64_t now, srv_observation *obs);

/* Tells the other instances to deny the fingerprint until `until`. */
void srv_redis_publish_deny(srv_state *s, const uint8_t fp[SRV_FP_LEN], int64_t until);

#endif /* JWTGUARD_SERVER_STATE_INT_H */
