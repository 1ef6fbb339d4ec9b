/*
 * state_redis.c: the Redis side of the state.
 * NOTE: Redis mode is not built yet; srv_redis_start() rejects a Redis URL.
 */
#include <stdio.h>

#include "server/state_int.h"

int srv_redis_start(srv_state *s, const char *url, char *detail, size_t detail_len)
{
    (void)s;
    (void)url;
    snprintf(detail, detail_len, "Redis support is not built yet");
    return -1;
}

void srv_redis_stop(srv_state *s)
{
    (void)s;
}

void srv_redis_record_usage(srv_state *s, const uint8_t fp[SRV_FP_LEN], const srv_usage *u,
                            int64_t now, srv_observation *obs)
{
    (void)s;
    (void)fp;
    (void)u;
    (void)now;
    (void)obs;
}

void srv_redis_publish_deny(srv_state *s, const uint8_t fp[SRV_FP_LEN], int64_t until)
{
    (void)s;
    (void)fp;
    (void)until;
}

int srv_revoke_jti(const char *redis_url, const char *key_prefix, const char *jti,
                   int64_t expires_at, char *detail, size_t detail_len)
{
    (void)redis_url;
    (void)key_prefix;
    (void)jti;
    (void)expires_at;
    snprintf(detail, detail_len, "Redis support is not built yet");
    return -1;
}

int srv_revoke_sub_before(const char *redis_url, const char *key_prefix, const char *sub,
                          int64_t before, int64_t expires_at, char *detail, size_t detail_len)
{
    (void)redis_url;
    (void)key_prefix;
    (void)sub;
    (void)before;
    (void)expires_at;
    snprintf(detail, detail_len, "Redis support is not built yet");
    return -1;
}
