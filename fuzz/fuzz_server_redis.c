/*
 * fuzz_server_redis.c: the Redis parsers of the state module on arbitrary
 * input. The first byte picks the parser:
 *   0: the Redis URL; an accepted URL has NUL-terminated, bounded parts and
 *      a port in 1..65535;
 *   1: a pub/sub message; an accepted one points inside the input, and
 *      formatting its fields again parses to the same fields;
 *   2: a revocation key's value "BEFORE EXPIRES_AT".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/redis_link.h"

static void check_url(const char *s, size_t len)
{
    srv_redis_addr a;
    char detail[256], described[512];

    if (srv_redis_parse_url(s, len, &a, detail, sizeof(detail)) != 0)
        return;
    if (memchr(a.host, '\0', sizeof(a.host)) == NULL || memchr(a.path, '\0', sizeof(a.path)) == NULL ||
        memchr(a.user, '\0', sizeof(a.user)) == NULL ||
        memchr(a.password, '\0', sizeof(a.password)) == NULL)
        abort();
    if (!a.is_unix && (a.port < 1 || a.port > 65535 || a.host[0] == '\0'))
        abort();
    if (a.is_unix && a.path[0] != '/')
        abort();
    srv_redis_describe(&a, described, sizeof(described));
}

static void check_message(const char *s, size_t len)
{
    srv_redis_message m, again;
    char text[SRV_MAX_ID_BYTES + 64];
    int n;

    if (!srv_redis_parse_message(s, len, &m))
        return;
    if (m.id < s || m.id + m.id_len > s + len || m.id_len == 0 || m.id_len > SRV_MAX_ID_BYTES)
        abort();
    n = snprintf(text, sizeof(text), "%c %lld %lld ", m.kind, (long long)m.before,
                 (long long)m.expires_at);
    memcpy(text + n, m.id, m.id_len);
    if (!srv_redis_parse_message(text, (size_t)n + m.id_len, &again))
        abort();
    if (again.kind != m.kind || again.before != m.before || again.expires_at != m.expires_at ||
        again.id_len != m.id_len || memcmp(again.id, m.id, m.id_len) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data + 1;
    int64_t before, expires_at;

    if (size == 0)
        return 0;
    switch (data[0] % 3) {
    case 0:
        check_url(s, size - 1);
        break;
    case 1:
        check_message(s, size - 1);
        break;
    default:
        (void)srv_redis_parse_revocation_value(s, size - 1, &before, &expires_at);
        break;
    }
    return 0;
}
