/*
 * jwt_span.c: the shape of a compact JWS or JWE in text.
 *
 *   eyJ<header> . <payload> . <signature>                          JWS, RFC 7515 7.1
 *   eyJ<header> . <encrypted key> . <iv> . <ciphertext> . <tag>      JWE, RFC 7516 7.1
 *
 * Every part is a run of base64url characters. The scan of a candidate
 * stops at JWT_SPAN_MAX_LEN bytes and reads at most seven parts, so a call
 * is linear in the token length and never reads outside [0, len).
 */
#include <string.h>

#include "scan/jwt_span.h"

/* Parts read before a candidate is rejected as too many: a JWE and two more. */
#define SPAN_MAX_PARTS 7u

/* Bytes looked at before a '+' or '/' to tell a base64 blob from a URL path. */
#define SPAN_LOOKBACK 64u

/* Alphanumeric run, within the look-back, that marks standard base64 text. */
#define SPAN_B64_RUN 16u

bool jwt_span_is_b64url(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

static bool is_alnum(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/*
 * Returns whether the '+' or '/' before `start` continues a standard base64
 * run (RFC 4648 4), such as a blob that happens to contain "eyJ". A URL
 * path ("/api/v1/eyJ...") or a form-encoded space ("Bearer+eyJ...") has
 * short alphanumeric runs between its separators; base64 text has long ones.
 */
static bool inside_b64_run(const uint8_t *text, size_t start)
{
    size_t run = 0;
    size_t stop = start > SPAN_LOOKBACK ? start - SPAN_LOOKBACK : 0;

    for (size_t i = start - 1; i > stop; i--) {
        uint8_t c = text[i - 1];

        if (is_alnum(c)) {
            if (++run >= SPAN_B64_RUN)
                return true;
        } else if (c == '+' || c == '/') {
            run = 0;
        } else {
            break;
        }
    }
    return false;
}

static bool is_hex(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

/*
 * Returns the length of an escape that ends just before `start`: a percent
 * escape "%XX" (RFC 3986 2.1), a JSON escape "\uXXXX" or one of "\n \t \r
 * \b \f" (RFC 8259 7); 0 when there is none. A token after such an escape,
 * as in "Bearer%20eyJ..." or "\neyJ...", is not glued to a word.
 */
static size_t escape_before(const uint8_t *text, size_t start)
{
    if (start >= 3 && text[start - 3] == '%' && is_hex(text[start - 2]) && is_hex(text[start - 1]))
        return 3;
    if (start >= 6 && text[start - 6] == '\\' && text[start - 5] == 'u' && is_hex(text[start - 4]) &&
        is_hex(text[start - 3]) && is_hex(text[start - 2]) && is_hex(text[start - 1]))
        return 6;
    if (start >= 2 && text[start - 2] == '\\' && memchr("ntrbf", text[start - 1], 5) != NULL)
        return 2;
    return 0;
}

/* An escaped '+' or '/' ("%2B", "%2F") is judged like the plain byte. */
static bool escaped_b64_separator(const uint8_t *text, size_t start)
{
    return text[start - 2] == '2' && (text[start - 1] == 'B' || text[start - 1] == 'b' ||
                                      text[start - 1] == 'F' || text[start - 1] == 'f');
}

static bool left_boundary_ok(const uint8_t *text, size_t start)
{
    if (start == 0)
        return true;

    uint8_t c = text[start - 1];
    size_t escape = jwt_span_is_b64url(c) ? escape_before(text, start) : 0;

    if (escape == 3 && escaped_b64_separator(text, start))
        return !inside_b64_run(text, start - 2);
    if (escape > 0)
        return true;
    if (jwt_span_is_b64url(c))
        return false;

    /* "x.eyJ...": a later part of a longer dotted run, such as a fourth part. */
    if (c == '.' && start >= 2 && jwt_span_is_b64url(text[start - 2]))
        return false;
    if (c == '+' || c == '/')
        return !inside_b64_run(text, start);
    return true;
}

/* A part of a length that is 1 mod 4 decodes to no byte string (RFC 4648 5). */
static bool part_len_ok(size_t n, size_t min, bool may_be_empty)
{
    if (n == 0)
        return may_be_empty;
    return n >= min && n % 4 != 1;
}

static bool jws_parts_ok(const size_t *lens)
{
    return part_len_ok(lens[0], JWT_SPAN_MIN_HEADER, false) &&
           part_len_ok(lens[1], JWT_SPAN_MIN_PAYLOAD, false) &&
           part_len_ok(lens[2], JWT_SPAN_MIN_SIGNATURE, true);
}

/* The encrypted key is empty for direct encryption ("alg": "dir", RFC 7518 4.5). */
static bool jwe_parts_ok(const size_t *lens)
{
    return part_len_ok(lens[0], JWT_SPAN_MIN_HEADER, false) &&
           part_len_ok(lens[1], JWT_SPAN_MIN_JWE_PART, true) &&
           part_len_ok(lens[2], JWT_SPAN_MIN_JWE_PART, false) &&
           part_len_ok(lens[3], 2, false) &&
           part_len_ok(lens[4], JWT_SPAN_MIN_JWE_PART, false);
}

/*
 * Reads the dot-separated base64url parts from `start` into `lens`; returns
 * their number, or 0 when the run is longer than JWT_SPAN_MAX_LEN.
 */
static size_t read_parts(const uint8_t *text, size_t len, size_t start, size_t *lens)
{
    size_t limit = len - start > JWT_SPAN_MAX_LEN ? start + JWT_SPAN_MAX_LEN : len;
    size_t p = start;
    size_t n = 0;

    while (n < SPAN_MAX_PARTS) {
        size_t q = p;

        while (q < limit && jwt_span_is_b64url(text[q]))
            q++;
        lens[n++] = q - p;
        if (q == limit && limit < len)
            return 0;
        if (q >= limit || text[q] != '.')
            break;
        p = q + 1;
    }
    return n;
}

bool jwt_span_at(const uint8_t *text, size_t len, size_t start, jwt_span *out)
{
    size_t lens[SPAN_MAX_PARTS] = {0};
    size_t n;
    size_t total = 0;

    if (text == NULL || out == NULL || start > len || len - start < 3)
        return false;
    if (memcmp(text + start, "eyJ", 3) != 0 || !left_boundary_ok(text, start))
        return false;

    n = read_parts(text, len, start, lens);

    /* A '.' that ends a sentence after the token leaves an empty extra part. */
    if ((n == 4 || n == 6) && lens[n - 1] == 0)
        n--;
    if (n == 3 && jws_parts_ok(lens))
        out->kind = JWT_SPAN_JWS;
    else if (n == 5 && jwe_parts_ok(lens))
        out->kind = JWT_SPAN_JWE;
    else
        return false;

    for (size_t i = 0; i < n; i++)
        total += lens[i];
    out->start = start;
    out->len = total + n - 1;
    return true;
}

bool jwt_span_next(const uint8_t *text, size_t len, size_t from, jwt_span *out)
{
    size_t pos = from;

    if (text == NULL || out == NULL)
        return false;

    while (pos < len) {
        const uint8_t *e = memchr(text + pos, 'e', len - pos);

        if (e == NULL)
            return false;

        size_t at = (size_t)(e - text);

        if (jwt_span_at(text, len, at, out))
            return true;
        pos = at + 1;
    }
    return false;
}
