/*
 * state_redis.h: what the files of the state's Redis side share
 * (state_redis*.c): the connection state and the error log.
 */
#ifndef JWTGUARD_SERVER_STATE_REDIS_H
#define JWTGUARD_SERVER_STATE_REDIS_H

#include "server/redis_link.h"

/* Keys per SCAN batch during a mirror load. */
#define SRV_SCAN_BATCH "1000"

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

/*
 * Loads every revocation from Redis into a new mirror and swaps it in.
 * Returns 0, or -1 with the reason in `why`.
 */
int srv_redis_load_mirror(srv_state *s, char *why, size_t why_len);

#endif /* JWTGUARD_SERVER_STATE_REDIS_H */
