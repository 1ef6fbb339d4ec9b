/*
 * redis_url.c: the Redis URL parser. Every part is bounded and checked
 * against the grammar of redis_link.h; what is not understood is rejected,
 * so a typo cannot silently connect somewhere else. Messages name the part
 * that failed and never echo the password.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "internal.h"
#include "server/redis_link.h"

#define DEFAULT_PORT 6379
#define MAX_DB 65535

static int fail(char *detail, size_t detail_len, const char *what)
{
    snprintf(detail, detail_len, "%s", what);
    return -1;
}

/* Percent-decodes `len` bytes into `out` (capacity `cap`, NUL-terminated); false when invalid. */
static bool percent_decode(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        int c = (uint8_t)s[i];

        if (c == '%') {
            int hi = i + 2 < len ? jwg_hex_digit((uint8_t)s[i + 1]) : -1;
            int lo = i + 2 < len ? jwg_hex_digit((uint8_t)s[i + 2]) : -1;

            if (hi < 0 || lo < 0)
                return false;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c == 0 || n + 1 >= cap)
            return false;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return true;
}

/* Parses a decimal number of 1 to 5 digits in [min, max]. */
static bool parse_small_int(const char *s, size_t len, int min, int max, int *out)
{
    int v = 0;

    if (len == 0 || len > 5)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* USER:PASSWORD or :PASSWORD before the '@'. */
static int parse_userinfo(const char *s, size_t len, srv_redis_addr *a, char *detail,
                          size_t detail_len)
{
    const char *colon = memchr(s, ':', len);

    if (colon == NULL)
        return fail(detail, detail_len, "credentials in the Redis URL lack ':' before the password");
    if (!percent_decode(s, (size_t)(colon - s), a->user, sizeof(a->user)))
        return fail(detail, detail_len, "user name in the Redis URL is invalid or too long");
    if (!percent_decode(colon + 1, len - (size_t)(colon - s) - 1, a->password,
                        sizeof(a->password)))
        return fail(detail, detail_len, "password in the Redis URL is invalid or too long");
    a->has_password = true;
    return 0;
}

static bool host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-' || c == '_';
}

/* Copies the host of HOST[:PORT] or [V6][:PORT]; sets *rest to what follows it. */
static int parse_host(const char *s, size_t len, srv_redis_addr *a, size_t *rest, char *detail,
                      size_t detail_len)
{
    size_t start = 0, end = 0, after;

    if (len > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', len);

        if (close == NULL)
            return fail(detail, detail_len, "IPv6 address in the Redis URL lacks ']'");
        start = 1;
        end = (size_t)(close - s);
        after = end + 1;
        for (size_t i = start; i < end; i++)
            if (jwg_hex_digit((uint8_t)s[i]) < 0 && s[i] != ':' && s[i] != '.')
                return fail(detail, detail_len, "IPv6 address in the Redis URL is invalid");
    } else {
        while (end < len && host_char(s[end]))
            end++;
        after = end;
    }
    if (end == start || end - start >= sizeof(a->host))
        return fail(detail, detail_len, "host in the Redis URL is missing or too long");
    memcpy(a->host, s + start, end - start);
    a->host[end - start] = '\0';
    *rest = after;
    return 0;
}

/* [:PORT][/DB] after the host. */
static int parse_port_db(const char *s, size_t len, srv_redis_addr *a, char *detail,
                         size_t detail_len)
{
    const char *slash = memchr(s, '/', len);
    size_t port_end = slash != NULL ? (size_t)(slash - s) : len;

    if (port_end > 0) {
        if (s[0] != ':' || !parse_small_int(s + 1, port_end - 1, 1, 65535, &a->port))
            return fail(detail, detail_len, "port in the Redis URL is not in 1..65535");
    }
    if (slash != NULL && !parse_small_int(slash + 1, len - port_end - 1, 0, MAX_DB, &a->db))
        return fail(detail, detail_len, "database in the Redis URL is not a number in 0..65535");
    return 0;
}

static int parse_tcp(const char *s, size_t len, srv_redis_addr *a, char *detail, size_t detail_len)
{
    const char *at = NULL;
    size_t rest;

    /* The last '@' ends the credentials; a literal '@' in a password must be %40. */
    for (size_t i = 0; i < len && s[i] != '/'; i++)
        if (s[i] == '@')
            at = s + i;
    if (at != NULL) {
        if (parse_userinfo(s, (size_t)(at - s), a, detail, detail_len) != 0)
            return -1;
        len -= (size_t)(at - s) + 1;
        s = at + 1;
    }
    if (parse_host(s, len, a, &rest, detail, detail_len) != 0)
        return -1;
    return parse_port_db(s + rest, len - rest, a, detail, detail_len);
}

static int parse_unix(const char *s, size_t len, srv_redis_addr *a, char *detail,
                      size_t detail_len)
{
    if (len == 0 || s[0] != '/')
        return fail(detail, detail_len, "Unix socket path in the Redis URL is not absolute");
    if (len >= sizeof(a->path) || memchr(s, '\0', len) != NULL)
        return fail(detail, detail_len, "Unix socket path in the Redis URL is too long");
    memcpy(a->path, s, len);
    a->path[len] = '\0';
    a->is_unix = true;
    return 0;
}

int srv_redis_parse_url(const char *url, size_t len, srv_redis_addr *out, char *detail,
                        size_t detail_len)
{
    static const char tcp[] = "redis://", unix_scheme[] = "unix:", tls[] = "rediss://";
    int rc;

    memset(out, 0, sizeof(*out));
    out->port = DEFAULT_PORT;
    if (len > SRV_REDIS_MAX_URL)
        return fail(detail, detail_len, "Redis URL is too long");

    if (len >= sizeof(tcp) - 1 && memcmp(url, tcp, sizeof(tcp) - 1) == 0)
        rc = parse_tcp(url + sizeof(tcp) - 1, len - (sizeof(tcp) - 1), out, detail, detail_len);
    else if (len >= sizeof(unix_scheme) - 1 && memcmp(url, unix_scheme, sizeof(unix_scheme) - 1) == 0)
        rc = parse_unix(url + sizeof(unix_scheme) - 1, len - (sizeof(unix_scheme) - 1), out,
                        detail, detail_len);
    else if (len >= sizeof(tls) - 1 && memcmp(url, tls, sizeof(tls) - 1) == 0)
        rc = fail(detail, detail_len, "rediss:// (TLS) is not supported by hiredis 0.14");
    else
        rc = fail(detail, detail_len, "Redis URL does not start with redis:// or unix:");

    if (rc != 0)
        OPENSSL_cleanse(out, sizeof(*out));
    return rc;
}

void srv_redis_describe(const srv_redis_addr *a, char *out, size_t out_len)
{
    if (a->is_unix)
        snprintf(out, out_len, "unix:%s", a->path);
    else if (strchr(a->host, ':') != NULL)
        snprintf(out, out_len, "[%s]:%d", a->host, a->port);
    else
        snprintf(out, out_len, "%s:%d", a->host, a->port);
}
