/*
 * state_redis.h: what the files of the state's Redis side share
 * (state_redis*.c): the connection state and the error log.
 */
#ifndef JWTGUARD_SERVER_STATE_REDIS_H
#define JWTGUARD_SERVER_STATE_REDIS_H

#include "server/redis_link.h"

/* Keys per SCAN batch during a mirror load. */
#define SRV_SCAN_BATCH "1000"

/*
 * Maximum duration of a mirror load, in seconds. A Redis whose SCAN cursor
 * never returns to 0 would otherwise hold the thread forever. At COUNT 1000
 * this is an estimated 100 million keys of a local Redis, far more than
 * the mirror's bound.
 */
#define SRV_LOAD_MAX_S 60

/* Maximum wait at start for the first connection and load, in seconds; the service then starts not ready. */
#define SRV_FIRST_ATTEMPT_MAX_S 5

struct srv_redis {
    srv_redis_addr addr; /* contains the password, wiped in srv_redis_stop() */
    char address[400];   /* for logs, without the password */
    char channel[SRV_MAX_PREFIX_BYTES + sizeof(":revocations")];
    pthread_t thread;
    bool thread_started;

    pthread_mutex_t wake_lock; /* guards stop and first_attempt_done */
    pthread_cond_t wake;
    bool stop;
    bool first_attempt_done;

    pthread_mutex_t cmd_lock; /* guards cmd */
    redisContext *cmd;        /* NULL while disconnected; the thread reconnects it */

    pthread_mutex_t log_lock; /* guards the error log rate limit */
    int64_t last_error_log;
    uint64_t suppressed_errors;
};

/*
 * Counts a Redis error and logs it at most once per interval. The logged
 * line carries how many errors were not logged since the previous one.
 */
void srv_redis_note_error(srv_state *s, const char *what);

/* Returns true once srv_redis_stop() has asked the thread to end. */
bool srv_redis_stop_requested(srv_redis *r);

/*
 * Loads every revocation from Redis into a new mirror and swaps it in.
 * Returns 0, or -1 with the reason in `why`, also when a stop is requested
 * or the load runs past SRV_LOAD_MAX_S.
 */
int srv_redis_load_mirror(srv_state *s, char *why, size_t why_len);

#endif /* JWTGUARD_SERVER_STATE_REDIS_H */
