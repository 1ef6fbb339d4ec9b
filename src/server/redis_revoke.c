/*
 * redis_revoke.c: writes revocations for `jwtguard revoke`: one key per
 * jti or sub with EXPIREAT, and a message on the revocations channel, in
 * one Lua script so that the key and the message cannot diverge.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "server/redis_link.h"

/* Timeout of each step of `jwtguard revoke`, which runs once and can wait longer than a check. */
#define REVOKE_TIMEOUT_MS 5000

/*
 * KEYS[1] the revocation key; ARGV: kind, before, expires_at, channel, id.
 * An existing entry is only widened (later cut-off, later expiry), so a
 * second revoke never shortens a revocation. Lua numbers are doubles, exact
 * for Unix seconds. The message carries the stored values.
 */
static const char revoke_script[] =
    "local before = tonumber(ARGV[2])\n"
    "local exp = tonumber(ARGV[3])\n"
    "local old = redis.call('GET', KEYS[1])\n"
    "if old then\n"
    "  local b, e = string.match(old, '^(%-?%d+) (%-?%d+)$')\n"
    "  if b then\n"
    "    before = math.max(before, tonumber(b))\n"
    "    exp = math.max(exp, tonumber(e))\n"
    "  end\n"
    "end\n"
    "local value = string.format('%d %d', before, exp)\n"
    "redis.call('SET', KEYS[1], value)\n"
    "redis.call('EXPIREAT', KEYS[1], exp)\n"
    "redis.call('PUBLISH', ARGV[4], ARGV[1] .. ' ' .. value .. ' ' .. ARGV[5])\n"
    "return value\n";

static int run_script(redisContext *c, const char *key, size_t key_len, char kind, int64_t before,
                      int64_t expires_at, const char *channel, const char *id, char *detail,
                      size_t detail_len)
{
    char kind_text[2] = {kind, '\0'}, before_text[24], exp_text[24];
    const char *argv[9] = {"EVAL", revoke_script, "1", key, kind_text, before_text, exp_text,
                           channel, id};
    size_t lens[9];
    redisReply *r;
    int rc = -1;

    snprintf(before_text, sizeof(before_text), "%lld", (long long)before);
    snprintf(exp_text, sizeof(exp_text), "%lld", (long long)expires_at);
    for (size_t i = 0; i < 9; i++)
        lens[i] = strlen(argv[i]);
    lens[3] = key_len;

    r = redisCommandArgv(c, 9, argv, lens);
    if (r == NULL)
        snprintf(detail, detail_len, "writing the revocation failed: %s", c->errstr);
    else if (r->type == REDIS_REPLY_ERROR)
        snprintf(detail, detail_len, "writing the revocation failed: %.200s", r->str);
    else
        rc = 0;
    if (r != NULL)
        freeReplyObject(r);
    return rc;
}

static int check_args(const char *key_prefix, const char *id, int64_t expires_at, char *detail,
                      size_t detail_len)
{
    size_t id_len = strlen(id);

    if (!srv_prefix_valid(key_prefix)) {
        snprintf(detail, detail_len, "key prefix is not 1 to %u characters of A-Z a-z 0-9 _ . : -",
                 SRV_MAX_PREFIX_BYTES);
        return -1;
    }
    if (id_len == 0 || id_len > SRV_MAX_ID_BYTES) {
        snprintf(detail, detail_len, "identifier is empty or longer than %u bytes",
                 SRV_MAX_ID_BYTES);
        return -1;
    }
    if (expires_at <= (int64_t)time(NULL)) {
        snprintf(detail, detail_len, "expiry %lld is not in the future", (long long)expires_at);
        return -1;
    }
    return 0;
}

static int revoke(const char *redis_url, const char *key_prefix, char kind, const char *id,
                  int64_t before, int64_t expires_at, char *detail, size_t detail_len)
{
    srv_redis_addr addr;
    redisContext *c = NULL;
    char key[SRV_MAX_PREFIX_BYTES + sizeof(SRV_REVOKED_INFIX) + 4 + SRV_MAX_ID_BYTES + 1];
    char channel[SRV_MAX_PREFIX_BYTES + sizeof(":revocations")];
    char address[400], why[300];
    int n, rc = -1;

    if (key_prefix == NULL)
        key_prefix = "jwtguard";
    if (check_args(key_prefix, id, expires_at, detail, detail_len) != 0)
        return -1;
    if (srv_redis_parse_url(redis_url, strlen(redis_url), &addr, detail, detail_len) != 0)
        return -1;

    n = snprintf(key, sizeof(key), "%s%s%s:%s", key_prefix, SRV_REVOKED_INFIX,
                 kind == SRV_REVOKE_JTI ? "jti" : "sub", id);
    snprintf(channel, sizeof(channel), "%s:revocations", key_prefix);
    srv_redis_describe(&addr, address, sizeof(address));

    c = srv_redis_connect(&addr, REVOKE_TIMEOUT_MS, why, sizeof(why));
    OPENSSL_cleanse(&addr, sizeof(addr));
    if (c == NULL) {
        snprintf(detail, detail_len, "Redis at %s: %s", address, why);
        goto out;
    }
    if (run_script(c, key, (size_t)n, kind, before, expires_at, channel, id, why, sizeof(why)) != 0) {
        snprintf(detail, detail_len, "Redis at %s: %s", address, why);
        goto out;
    }
    rc = 0;

out:
    if (c != NULL)
        redisFree(c);
    return rc;
}

int srv_revoke_jti(const char *redis_url, const char *key_prefix, const char *jti,
                   int64_t expires_at, char *detail, size_t detail_len)
{
    return revoke(redis_url, key_prefix, SRV_REVOKE_JTI, jti, 0, expires_at, detail, detail_len);
}

int srv_revoke_sub_before(const char *redis_url, const char *key_prefix, const char *sub,
                          int64_t before, int64_t expires_at, char *detail, size_t detail_len)
{
    return revoke(redis_url, key_prefix, SRV_REVOKE_SUB, sub, before, expires_at, detail,
                  detail_len);
}
