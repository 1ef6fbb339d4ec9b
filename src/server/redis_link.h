/*
 * redis_link.h: Redis helpers of the state module: the URL parser, the
 * connection with AUTH and SELECT, the key layout and the pub/sub message
 * format. docs/REDIS.md describes the layout for operators.
 */
#ifndef JWTGUARD_SERVER_REDIS_LINK_H
#define JWTGUARD_SERVER_REDIS_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "server/state_int.h"

/* Maximum length of a whole Redis URL. */
#define SRV_REDIS_MAX_URL 2048u

/* A parsed Redis URL. The password is a secret: wipe the struct after use. */
typedef struct srv_redis_addr {
    bool is_unix;
    char host[256]; /* without the brackets of an IPv6 literal */
    int port;
    char path[108]; /* the size of sockaddr_un.sun_path on Linux */
    char user[128]; /* "" for none: AUTH with the password only */
    char password[512];
    bool has_password;
    int db; /* 0 when the URL names none */
} srv_redis_addr;

/*
 * Parses redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or unix:PATH, `len`
 * bytes of `url`. USER and PASSWORD may be percent-encoded; HOST is a name,
 * an IPv4 address or a bracketed IPv6 address; PORT defaults to 6379.
 * Returns 0, or -1 with a message in `detail` that never contains the
 * password.
 */
int srv_redis_parse_url(const char *url, size_t len, srv_redis_addr *out, char *detail,
                        size_t detail_len);

/* Writes "HOST:PORT" or "unix:PATH" for messages; never the password. */
void srv_redis_describe(const srv_redis_addr *a, char *out, size_t out_len);

/*
 * Connects with `timeout_ms` for the connection and for every later
 * command, then sends AUTH and SELECT when the address has them. Returns NULL
 * with a message in `detail` on failure.
 */
redisContext *srv_redis_connect(const srv_redis_addr *a, int64_t timeout_ms, char *detail,
                                size_t detail_len);

/*
 * Key layout, with P the key prefix:
 *   P:revoked:jti:ID, P:revoked:sub:ID  value "BEFORE EXPIRES_AT", EXPIREAT EXPIRES_AT
 *   P:usage:{FP}:DIM                    sorted set, member = value, score = last seen
 *   channel P:revocations               messages of srv_redis_format_message()
 * The {FP} hash tag keeps the keys of one fingerprint in one Cluster slot.
 */
#define SRV_REVOKED_INFIX ":revoked:"

/*
 * One pub/sub message: "KIND BEFORE EXPIRES_AT ID", where KIND is j (jti),
 * s (sub, revoked before BEFORE) or a (deny the fingerprint ID, in hex,
 * until EXPIRES_AT). ID runs to the end of the message and may hold spaces.
 */
typedef struct srv_redis_message {
    char kind;
    int64_t before;
    int64_t expires_at;
    const char *id; /* points into the parsed message; not NUL-terminated */
    size_t id_len;
} srv_redis_message;

/* Parses `len` bytes; returns false for anything malformed or over the bounds. */
bool srv_redis_parse_message(const char *msg, size_t len, srv_redis_message *out);

/* Parses "BEFORE EXPIRES_AT", the value of a revocation key. */
bool srv_redis_parse_revocation_value(const char *value, size_t len, int64_t *before,
                                      int64_t *expires_at);

/* Writes a fingerprint as 64 lowercase hex digits and a NUL. */
void srv_fp_hex(const uint8_t fp[SRV_FP_LEN], char out[2 * SRV_FP_LEN + 1]);

/* Reads 64 hex digits; false when `len` is not 64 or a digit is invalid. */
bool srv_fp_from_hex(const char *hex, size_t len, uint8_t fp[SRV_FP_LEN]);

#endif /* JWTGUARD_SERVER_REDIS_LINK_H */
