/*
 * extract.c: request parsers of the gateway (extract.h). Nothing here
 * allocates; every output goes to a caller's buffer of known size.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "server/extract.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* RFC 6750 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=", without the "=". */
static const bool b64token_char[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x00 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1, /* 0x20: + - . / */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, /* 0x30: 0-9 */
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x40: A-O */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, /* 0x50: P-Z _ */
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x60: a-o */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, /* 0x70: p-z ~ */
    /* 0x80 to 0xff: false */
};

static bool is_b64token_char(char c)
{
    return b64token_char[(unsigned char)c];
}

/* Returns true when the 4 bytes at `s` are all b64token characters other than "=". */
static bool b64token_block(const char *s)
{
    unsigned all = 1;
    for (size_t i = 0; i < 4; i++)
        all &= b64token_char[(unsigned char)s[i]];
    return all != 0;
}

bool srv_bearer_token(const char *value, size_t len, const char **token, size_t *token_len)
{
    static const char scheme[] = "bearer";
    const size_t scheme_len = sizeof(scheme) - 1;

    if (value == NULL || len <= scheme_len || !is_space(value[scheme_len]))
        return false;
    for (size_t i = 0; i < scheme_len; i++) {
        if (ascii_lower(value[i]) != scheme[i])
            return false;
    }

    size_t start = scheme_len;
    while (start < len && is_space(value[start]))
        start++;
    size_t end = len;
    while (end > start && is_space(value[end - 1]))
        end--;

    size_t i = start;
    /* Tokens are hundreds of bytes, so 4 are checked per step before the byte-by-byte tail. */
    while (end - i >= 4 && b64token_block(value + i))
        i += 4;
    while (i < end && is_b64token_char(value[i]))
        i++;
    while (i < end && value[i] == '=')
        i++;
    if (i == start || i != end)
        return false;

    *token = value + start;
    *token_len = end - start;
    return true;
}

bool srv_cookie_value(const char *header, size_t len, const char *name, const char **value,
                      size_t *value_len)
{
    size_t name_len = name != NULL ? strlen(name) : 0;
    if (header == NULL || name_len == 0)
        return false;

    size_t i = 0;
    while (i < len) {
        while (i < len && (is_space(header[i]) || header[i] == ';'))
            i++;
        size_t pair = i;
        while (i < len && header[i] != ';')
            i++;

        /* One pair is header[pair..i): "name=value". */
        const char *eq = memchr(header + pair, '=', i - pair);
        if (eq == NULL || (size_t)(eq - (header + pair)) != name_len || memcmp(header + pair, name, name_len) != 0)
            continue;

        const char *v = eq + 1;
        size_t n = (size_t)(header + i - v);
        while (n > 0 && is_space(v[n - 1]))
            n--;
        if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
            v++;
            n -= 2;
        }
        *value = v;
        *value_len = n;
        return true;
    }
    return false;
}

/* Decodes the escape "%XX" at s[i]; returns -1 when it is malformed or runs past `len`. */
static int escape_at(const char *s, size_t len, size_t i)
{
    if (len < 3 || i > len - 3)
        return -1;
    int hi = jwg_hex_digit((uint8_t)s[i + 1]);
    int lo = jwg_hex_digit((uint8_t)s[i + 2]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

bool srv_query_param(const char *query, size_t len, const char *name, char *out, size_t cap,
                     size_t *out_len)
{
    size_t name_len = name != NULL ? strlen(name) : 0;
    if (query == NULL || name_len == 0 || cap == 0)
        return false;

    size_t i = 0;
    while (i < len) {
        size_t pair = i;
        while (i < len && query[i] != '&')
            i++;
        size_t end = i;
        i++;
        if (end - pair <= name_len || memcmp(query + pair, name, name_len) != 0 || query[pair + name_len] != '=')
            continue;

        size_t n = 0;
        for (size_t k = pair + name_len + 1; k < end; k++) {
            int ch = (unsigned char)query[k];
            if (ch == '%') {
                ch = escape_at(query, end, k);
                if (ch < 0)
                    return false;
                k += 2;
            } else if (ch == '+') {
                ch = ' ';
            }
            if (n + 1 >= cap)
                return false;
            out[n++] = (char)ch;
        }
        out[n] = '\0';
        *out_len = n;
        return true;
    }
    return false;
}

/* ---- request target ---------------------------------------------------- */

static bool is_unreserved(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

/* Appends one byte to the path being built; false when it is full. */
static bool put(char *path, size_t cap, size_t *n, char c)
{
    if (*n + 1 >= cap)
        return false;
    path[(*n)++] = c;
    return true;
}

/* Removes the last segment of path[0..*n) and its leading "/", for a ".." segment. */
static void drop_last_segment(const char *path, size_t *n)
{
    while (*n > 0 && path[*n - 1] != '/')
        (*n)--;
    if (*n > 0)
        (*n)--;
}

/*
 * Closes the segment that starts with the "/" at `seg` and ends at *n:
 * removes it when it is "." and removes it with its parent when "..".
 * Returns true when it removed a dot segment.
 */
static bool close_segment(const char *path, size_t seg, size_t *n)
{
    if (*n <= seg)
        return false;
    size_t len = *n - seg - 1;
    bool dot = len == 1 && path[seg + 1] == '.';
    bool dotdot = len == 2 && path[seg + 1] == '.' && path[seg + 2] == '.';
    if (dot || dotdot)
        *n = seg;
    if (dotdot)
        drop_last_segment(path, n);
    return dot || dotdot;
}

/* Skips "scheme://authority" of an absolute-form target; returns the offset of its path. */
static size_t skip_authority(const char *t, size_t len)
{
    size_t i = 0;
    if (len >= 7 && memcmp(t, "http://", 7) == 0)
        i = 7;
    else if (len >= 8 && memcmp(t, "https://", 8) == 0)
        i = 8;
    else
        return 0;
    while (i < len && t[i] != '/' && t[i] != '?' && t[i] != '#')
        i++;
    return i;
}

/* Decodes one path byte at t[*i], advancing *i; returns it, or -1 with `*err` set. */
static int path_byte(const char *t, size_t end, size_t *i, bool *encoded, srv_target_error *err)
{
    int ch = (unsigned char)t[*i];
    *encoded = false;
    if (ch == '%') {
        ch = escape_at(t, end, *i);
        if (ch < 0) {
            *err = SRV_TARGET_BAD_ESCAPE;
            return -1;
        }
        *i += 2;
        *encoded = !is_unreserved(ch);
        if (ch == '/' || ch == '\\' || ch == 0) {
            *err = SRV_TARGET_FORBIDDEN;
            return -1;
        }
    } else if (ch == '\\' || ch < 0x20 || ch == 0x7f) {
        *err = SRV_TARGET_FORBIDDEN;
        return -1;
    }
    (*i)++;
    return ch;
}

/* Appends a byte, re-encoding it when it was an escape of a reserved or other character. */
static bool put_byte(char *path, size_t cap, size_t *n, int ch, bool encoded)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!encoded)
        return put(path, cap, n, (char)ch);
    return put(path, cap, n, '%') && put(path, cap, n, hex[ch >> 4]) && put(path, cap, n, hex[ch & 15]);
}

static srv_target_error parse_target(const char *target, size_t len, bool strip_params, char *path,
                                     size_t cap, size_t *path_len, const char **query, size_t *query_len)
{
    *query = NULL;
    *query_len = 0;
    *path_len = 0;
    if (target == NULL || len == 0 || cap < 2)
        return SRV_TARGET_EMPTY;

    size_t i = skip_authority(target, len);
    size_t end = i;
    while (end < len && target[end] != '?' && target[end] != '#')
        end++;
    if (end < len && target[end] == '?') {
        size_t q = end + 1;
        size_t qe = q;
        while (qe < len && target[qe] != '#')
            qe++;
        *query = target + q;
        *query_len = qe - q;
    }
    if (i == end && i > 0) {
        /* "http://host" or "http://host?q" has the path "/". */
        path[0] = '/';
        path[1] = '\0';
        *path_len = 1;
        return SRV_TARGET_OK;
    }
    if (i >= end || target[i] != '/')
        return SRV_TARGET_EMPTY;

    size_t n = 0;
    size_t seg = 0; /* offset of the "/" that starts the current segment */
    bool in_params = false;
    srv_target_error err = SRV_TARGET_OK;
    while (i < end) {
        bool encoded;
        int ch = path_byte(target, end, &i, &encoded, &err);
        if (ch < 0)
            return err;
        /* Bytes of ";parameters" are still checked, then dropped up to the next "/". */
        bool separator = ch == '/' && !encoded;
        if (in_params && !separator)
            continue;
        in_params = strip_params && ch == ';' && !encoded;
        if (in_params)
            continue;
        if (separator) {
            close_segment(path, seg, &n);
            if (n > 0 && path[n - 1] == '/')
                continue; /* collapses "//" */
            seg = n;
        }
        if (!put_byte(path, cap, &n, ch, encoded) || n > SRV_PATH_MAX)
            return SRV_TARGET_TOO_LONG;
    }
    /* A final "." or ".." leaves a trailing "/" (RFC 3986 5.2.4), and an empty path is "/". */
    if ((close_segment(path, seg, &n) || n == 0) && !put(path, cap, &n, '/'))
        return SRV_TARGET_TOO_LONG;
    path[n] = '\0';
    *path_len = n;
    return SRV_TARGET_OK;
}

srv_target_error srv_target_parse(const char *target, size_t len, char *path, size_t cap,
                                  size_t *path_len, const char **query, size_t *query_len)
{
    return parse_target(target, len, false, path, cap, path_len, query, query_len);
}

srv_target_error srv_target_parse_without_params(const char *target, size_t len, char *path,
                                                 size_t cap, size_t *path_len)
{
    const char *query;
    size_t query_len;

    return parse_target(target, len, true, path, cap, path_len, &query, &query_len);
}

/* ---- client address and method ----------------------------------------- */

/* Writes `b` in decimal without leading zeros; returns the length (1 to 3). */
static size_t format_byte(char *out, uint8_t b)
{
    size_t n = 0;
    if (b >= 100)
        out[n++] = (char)('0' + b / 100);
    if (b >= 10)
        out[n++] = (char)('0' + b / 10 % 10);
    out[n++] = (char)('0' + b % 10);
    return n;
}

/* Writes the /24 of the IPv4 address in a[0..2] as "a.b.c.0/24" with a NUL, at most 17 bytes. */
static void format_ipv4_network(char *out, const uint8_t *a)
{
    size_t n = 0;
    for (size_t i = 0; i < 3; i++) {
        n += format_byte(out + n, a[i]);
        out[n++] = '.';
    }
    memcpy(out + n, "0/24", 5);
}

bool srv_client_network(const char *addr, size_t len, char *out, size_t cap)
{
    char text[INET6_ADDRSTRLEN + 1];
    uint8_t bin[16];

    if (addr == NULL || cap < SRV_NETWORK_MAX)
        return false;
    const char *comma = NULL;
    for (size_t i = 0; i < len; i++) {
        if (addr[i] == ',')
            comma = addr + i;
    }
    size_t start = comma != NULL ? (size_t)(comma - addr) + 1 : 0;
    while (start < len && is_space(addr[start]))
        start++;
    size_t end = len;
    while (end > start && is_space(addr[end - 1]))
        end--;
    if (end - start == 0 || end - start >= sizeof(text))
        return false;
    memcpy(text, addr + start, end - start);
    text[end - start] = '\0';

    /* cap >= SRV_NETWORK_MAX leaves room for both forms below. */
    if (inet_pton(AF_INET, text, bin) == 1) {
        format_ipv4_network(out, bin);
        return true;
    }
    if (inet_pton(AF_INET6, text, bin) != 1)
        return false;

    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(bin, mapped, sizeof(mapped)) == 0) {
        format_ipv4_network(out, bin + 12);
        return true;
    }
    memset(bin + 7, 0, 9);
    if (inet_ntop(AF_INET6, bin, text, sizeof(text)) == NULL)
        return false;
    size_t n = strlen(text);
    memcpy(out, text, n);
    memcpy(out + n, "/56", 4);
    return true;
}

bool srv_method_valid(const char *method, size_t len)
{
    if (method == NULL || len == 0 || len > 16)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (method[i] < 'A' || method[i] > 'Z')
            return false;
    }
    return true;
}
