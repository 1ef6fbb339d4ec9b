/*
 * state_redis_load.c: the full load of the revocation mirror, at start and
 * after every reconnect: SCAN MATCH P:revoked:* in batches, MGET of each
 * batch, into a fresh mirror that replaces the old one at the end. A key
 * that expires between SCAN and MGET comes back nil and is skipped.
 *
 * NOTE: SCAN covers the one node of the URL; against a Redis Cluster the
 * keys on other nodes are not loaded, because hiredis 0.14 has no cluster
 * client.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/state_redis.h"

/* Adds one key and its value to `m`; false only when the mirror is full. */
static bool add_entry(srv_mirror *m, size_t prefix_len, const redisReply *key,
                      const redisReply *value, int64_t now)
{
    int64_t before, expires_at;
    const char *id;
    size_t id_len;
    char kind;

    if (key->type != REDIS_REPLY_STRING || value->type != REDIS_REPLY_STRING ||
        key->len < prefix_len + 4)
        return true;
    if (memcmp(key->str + prefix_len, "jti:", 4) == 0)
        kind = SRV_REVOKE_JTI;
    else if (memcmp(key->str + prefix_len, "sub:", 4) == 0)
        kind = SRV_REVOKE_SUB;
    else
        return true;
    if (!srv_redis_parse_revocation_value(value->str, value->len, &before, &expires_at) ||
        expires_at <= now)
        return true;

    id = key->str + prefix_len + 4;
    id_len = key->len - prefix_len - 4;
    if (id_len == 0 || id_len > SRV_MAX_ID_BYTES)
        return true;
    return srv_mirror_put(m, (enum srv_revocation_kind)kind, id, id_len, before, expires_at);
}

/* MGETs one SCAN batch of keys and adds them. */
static int load_batch(redisContext *c, srv_mirror *m, size_t prefix_len, const redisReply *keys,
                      char *why, size_t why_len)
{
    size_t count = keys->elements + 1;
    const char **argv = calloc(count, sizeof(*argv));
    size_t *lens = calloc(count, sizeof(*lens));
    redisReply *values = NULL;
    int64_t now = (int64_t)time(NULL);
    int rc = -1;

    if (argv == NULL || lens == NULL) {
        snprintf(why, why_len, "out of memory");
        goto out;
    }
    argv[0] = "MGET";
    lens[0] = 4;
    for (size_t i = 0; i < keys->elements; i++) {
        argv[i + 1] = keys->element[i]->str;
        lens[i + 1] = keys->element[i]->len;
    }
    values = redisCommandArgv(c, (int)count, argv, lens);
    if (values == NULL || values->type != REDIS_REPLY_ARRAY || values->elements != keys->elements) {
        snprintf(why, why_len, "MGET failed: %s", values == NULL ? c->errstr : "unexpected reply");
        goto out;
    }
    for (size_t i = 0; i < keys->elements; i++) {
        if (!add_entry(m, prefix_len, keys->element[i], values->element[i], now)) {
            snprintf(why, why_len, "revocation mirror full at %u entries", SRV_MIRROR_MAX_ENTRIES);
            goto out;
        }
    }
    rc = 0;

out:
    if (values != NULL)
        freeReplyObject(values);
    free(argv);
    free(lens);
    return rc;
}

static bool keys_valid(const redisReply *keys)
{
    if (keys->type != REDIS_REPLY_ARRAY)
        return false;
    for (size_t i = 0; i < keys->elements; i++)
        if (keys->element[i]->type != REDIS_REPLY_STRING)
            return false;
    return true;
}

/* Runs SCAN from `cursor` (updated in place) and loads the batch it returns. */
static int scan_step(redisContext *c, srv_mirror *m, const char *pattern, char cursor[32],
                     char *why, size_t why_len)
{
    const char *argv[6] = {"SCAN", cursor, "MATCH", pattern, "COUNT", SRV_SCAN_BATCH};
    size_t lens[6];
    redisReply *r;
    int rc = -1;

    for (size_t i = 0; i < 6; i++)
        lens[i] = strlen(argv[i]);
    r = redisCommandArgv(c, 6, argv, lens);
    if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
        r->element[0]->type != REDIS_REPLY_STRING || r->element[0]->len >= 32 ||
        !keys_valid(r->element[1])) {
        snprintf(why, why_len, "SCAN failed: %s", r == NULL ? c->errstr : "unexpected reply");
        goto out;
    }
    memcpy(cursor, r->element[0]->str, r->element[0]->len + 1);
    if (r->element[1]->elements > 0 &&
        load_batch(c, m, strlen(pattern) - 1, r->element[1], why, why_len) != 0)
        goto out;
    rc = 0;

out:
    if (r != NULL)
        freeReplyObject(r);
    return rc;
}

int srv_redis_load_mirror(srv_state *s, char *why, size_t why_len)
{
    char pattern[SRV_MAX_PREFIX_BYTES + sizeof(SRV_REVOKED_INFIX) + 1];
    char cursor[32] = "0";
    srv_mirror *m = srv_mirror_new(), *old;
    redisContext *c = srv_redis_connect(&s->redis->addr, s->cfg.redis_timeout_ms, why, why_len);
    int rc = -1;

    /* The prefix contains no glob characters (srv_prefix_valid), so the pattern is literal up to '*'. */
    snprintf(pattern, sizeof(pattern), "%s%s*", s->prefix, SRV_REVOKED_INFIX);
    if (m == NULL || c == NULL) {
        if (m == NULL)
            snprintf(why, why_len, "out of memory");
        goto out;
    }
    int64_t deadline = (int64_t)time(NULL) + SRV_LOAD_MAX_S;
    do {
        if (scan_step(c, m, pattern, cursor, why, why_len) != 0)
            goto out;
        if (srv_redis_stop_requested(s->redis)) {
            snprintf(why, why_len, "stopped during the load");
            goto out;
        }
        if ((int64_t)time(NULL) > deadline) {
            snprintf(why, why_len, "SCAN did not finish within %d s", SRV_LOAD_MAX_S);
            goto out;
        }
    } while (strcmp(cursor, "0") != 0);

    pthread_mutex_lock(&s->lock);
    old = s->mirror;
    s->mirror = m;
    m = old;
    pthread_mutex_unlock(&s->lock);
    rc = 0;

out:
    srv_mirror_free(m);
    if (c != NULL)
        redisFree(c);
    return rc;
}
