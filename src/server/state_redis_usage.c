/*
 * state_redis_usage.c: the request path's Redis work: usage records for
 * the anomaly rule across instances, and deny messages. Both use the
 * shared command connection and give up at once when it is down.
 *
 * Each record is one MULTI/EXEC on keys of one fingerprint, which share
 * the {FP} hash tag, so it runs on one Redis Cluster slot:
 *   ZADD P:usage:{FP}:DIM NOW VALUE
 *   ZREMRANGEBYSCORE P:usage:{FP}:DIM -inf NOW-WINDOW   (values older than the window)
 *   ZCARD P:usage:{FP}:DIM                              (distinct values, all instances)
 *   EXPIRE P:usage:{FP}:DIM WINDOW
 */
#include <stdio.h>
#include <string.h>

#include "server/state_redis.h"

#define COMMANDS_PER_DIM 4u

struct usage_key {
    char key[SRV_MAX_PREFIX_BYTES + 2 * SRV_FP_LEN + 32];
    char now[24], cutoff[24], window[24];
    char value[SRV_USAGE_MAX_VALUE_BYTES + 1];
};

/* Appends the four commands of one dimension to the pipeline. */
static int append_dim(redisContext *c, const struct usage_key *k)
{
    const char *zadd[4] = {"ZADD", k->key, k->now, k->value};
    const char *trim[4] = {"ZREMRANGEBYSCORE", k->key, "-inf", k->cutoff};
    const char *card[2] = {"ZCARD", k->key};
    const char *expire[3] = {"EXPIRE", k->key, k->window};
    size_t zadd_len[4] = {4, strlen(k->key), strlen(k->now), strlen(k->value)};
    size_t trim_len[4] = {16, strlen(k->key), 4, strlen(k->cutoff)};
    size_t card_len[2] = {5, strlen(k->key)};
    size_t expire_len[3] = {6, strlen(k->key), strlen(k->window)};

    if (redisAppendCommandArgv(c, 4, zadd, zadd_len) != REDIS_OK ||
        redisAppendCommandArgv(c, 4, trim, trim_len) != REDIS_OK ||
        redisAppendCommandArgv(c, 2, card, card_len) != REDIS_OK ||
        redisAppendCommandArgv(c, 3, expire, expire_len) != REDIS_OK)
        return -1;
    return 0;
}

static void fill_key(srv_state *s, const char *fp_hex, enum srv_dimension d, const char *value,
                     int64_t now, struct usage_key *k)
{
    int64_t window = s->cfg.anomaly.window_seconds;

    snprintf(k->key, sizeof(k->key), "%s:usage:{%s}:%s", s->prefix, fp_hex,
             srv_dimension_names[d]);
    snprintf(k->now, sizeof(k->now), "%lld", (long long)now);
    snprintf(k->cutoff, sizeof(k->cutoff), "%lld", (long long)(now - window));
    snprintf(k->window, sizeof(k->window), "%lld", (long long)window);
    snprintf(k->value, sizeof(k->value), "%s", value);
}

/* Reads the pipeline's replies: OK, QUEUED per command, then EXEC's array. */
static redisReply *read_exec(redisContext *c, size_t queued)
{
    void *reply = NULL;

    for (size_t i = 0; i < queued + 1; i++) {
        if (redisGetReply(c, &reply) != REDIS_OK)
            return NULL;
        freeReplyObject(reply);
        reply = NULL;
    }
    if (redisGetReply(c, &reply) != REDIS_OK)
        return NULL;
    return reply;
}

/* Raises obs->seen from the ZCARD results of the EXEC reply; false when malformed. */
static bool read_counts(const redisReply *exec, const enum srv_dimension *dims, size_t count,
                        srv_observation *obs)
{
    if (exec->type != REDIS_REPLY_ARRAY || exec->elements != count * COMMANDS_PER_DIM)
        return false;
    for (size_t i = 0; i < count; i++) {
        const redisReply *card = exec->element[i * COMMANDS_PER_DIM + 2];

        if (card->type != REDIS_REPLY_INTEGER || card->integer < 0)
            return false;
        if ((uint64_t)card->integer > obs->seen[dims[i]])
            obs->seen[dims[i]] = card->integer > UINT32_MAX ? UINT32_MAX : (uint32_t)card->integer;
    }
    return true;
}

/* Sends the pipeline on the command connection; called with cmd_lock held and cmd set. */
static int run_pipeline(srv_state *s, const struct usage_key *keys, const enum srv_dimension *dims,
                        size_t count, srv_observation *obs)
{
    redisContext *c = s->redis->cmd;
    redisReply *exec = NULL;
    int rc = -1;

    if (redisAppendCommand(c, "MULTI") != REDIS_OK)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (append_dim(c, &keys[i]) != 0)
            return -1;
    if (redisAppendCommand(c, "EXEC") != REDIS_OK)
        return -1;

    exec = read_exec(c, count * COMMANDS_PER_DIM);
    if (exec != NULL && read_counts(exec, dims, count, obs))
        rc = 0;
    if (exec != NULL)
        freeReplyObject(exec);
    return rc;
}

/* Drops a failed command connection; the thread reconnects it. Called with cmd_lock held. */
static void drop_cmd(srv_state *s, char *why, size_t why_len)
{
    srv_redis *r = s->redis;

    snprintf(why, why_len, "%s", r->cmd->err != 0 ? r->cmd->errstr : "unexpected reply");
    redisFree(r->cmd);
    r->cmd = NULL;
}

void srv_redis_record_usage(srv_state *s, const uint8_t fp[SRV_FP_LEN], const srv_usage *u,
                            int64_t now, srv_observation *obs)
{
    const char *values[SRV_DIM_COUNT] = {u->region, u->service, u->network};
    struct usage_key keys[SRV_DIM_COUNT];
    enum srv_dimension dims[SRV_DIM_COUNT];
    char fp_hex[2 * SRV_FP_LEN + 1], why[300] = "";
    size_t count = 0;
    srv_redis *r = s->redis;

    srv_fp_hex(fp, fp_hex);
    for (size_t d = 0; d < SRV_DIM_COUNT; d++) {
        if (!obs->needs_write[d] || values[d] == NULL || values[d][0] == '\0')
            continue;
        fill_key(s, fp_hex, (enum srv_dimension)d, values[d], now, &keys[count]);
        dims[count++] = (enum srv_dimension)d;
    }
    if (count == 0)
        return;

    pthread_mutex_lock(&r->cmd_lock);
    if (r->cmd != NULL && run_pipeline(s, keys, dims, count, obs) != 0)
        drop_cmd(s, why, sizeof(why));
    pthread_mutex_unlock(&r->cmd_lock);
    if (why[0] != '\0')
        srv_redis_note_error(s, why);
}

void srv_redis_publish_deny(srv_state *s, const uint8_t fp[SRV_FP_LEN], int64_t until)
{
    char message[2 * SRV_FP_LEN + 48], fp_hex[2 * SRV_FP_LEN + 1], why[300] = "";
    const char *argv[3] = {"PUBLISH", s->redis->channel, message};
    size_t lens[3];
    srv_redis *r = s->redis;
    redisReply *reply;

    srv_fp_hex(fp, fp_hex);
    snprintf(message, sizeof(message), "a 0 %lld %s", (long long)until, fp_hex);
    lens[0] = 7;
    lens[1] = strlen(argv[1]);
    lens[2] = strlen(message);

    pthread_mutex_lock(&r->cmd_lock);
    if (r->cmd != NULL) {
        reply = redisCommandArgv(r->cmd, 3, argv, lens);
        if (reply == NULL || reply->type == REDIS_REPLY_ERROR)
            drop_cmd(s, why, sizeof(why));
        if (reply != NULL)
            freeReplyObject(reply);
    }
    pthread_mutex_unlock(&r->cmd_lock);
    if (why[0] != '\0')
        srv_redis_note_error(s, why);
}
