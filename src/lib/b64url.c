/*
 * b64url.c: base64url without padding (RFC 4648 5, as RFC 7515 2 requires).
 *
 * The decoder accepts exactly one spelling of each byte string, so a token
 * cannot be altered without changing its signed bytes: no '=', no
 * whitespace, no '+' or '/', no length of 1 mod 4, and the bits that the
 * last character carries beyond the final byte must be zero (RFC 4648 3.5).
 *
 * The decoder indexes a table by input character, so cache timing can show
 * which characters occur. Token bytes are not secret, and the table keeps a
 * token header's decode to a few nanoseconds.
 * NOTE: JWK secrets ("k", "d") decoded through here share that exposure.
 */
#include <string.h>

#include "internal.h"

static const char b64url_alphabet[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Maps a character to its 6-bit value. Characters outside the alphabet map to 0xff. */
static const uint8_t b64url_values[256] = {
#define X 0xff
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  62, X,  X,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X,  X,  X,  X,  X,  X,
    X,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X,  X,  X,  X,  63,
    X,  26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
#undef X
};

size_t jwg_b64url_encoded_len(size_t n)
{
    static const size_t tail_chars[3] = {0, 2, 3};

    /* Saturates instead of wrapping for lengths no caller can hold in memory. */
    if (n / 3 > (SIZE_MAX - 3) / 4)
        return SIZE_MAX;
    return (n / 3) * 4 + tail_chars[n % 3];
}

size_t jwg_b64url_decoded_len(size_t n)
{
    static const size_t tail_bytes[4] = {0, SIZE_MAX, 1, 2};

    if (n % 4 == 1)
        return SIZE_MAX;
    return (n / 4) * 3 + tail_bytes[n % 4];
}

/*
 * Decodes the final 2 or 3 characters into 1 or 2 bytes. The unused low
 * bits (4 of a 2-character tail, 2 of a 3-character tail) must be zero,
 * otherwise several strings would decode to the same bytes.
 */
static jwg_err b64url_decode_tail(const uint8_t *in, size_t n, uint8_t *out)
{
    uint32_t a = b64url_values[in[0]];
    uint32_t b = b64url_values[in[1]];
    uint32_t c = n == 3 ? b64url_values[in[2]] : 0;
    JWG_ENSURE(((a | b | c) & 0xc0u) == 0, JWG_ERR_BASE64URL);

    uint32_t v = (a << 18) | (b << 12) | (c << 6);
    out[0] = (uint8_t)(v >> 16);
    if (n == 2) {
        JWG_ENSURE((v & 0xffffu) == 0, JWG_ERR_BASE64URL);
        return JWG_OK;
    }

    JWG_ENSURE((v & 0xffu) == 0, JWG_ERR_BASE64URL);
    out[1] = (uint8_t)(v >> 8);
    return JWG_OK;
}

jwg_err jwg_b64url_decode(const char *in, size_t in_len, uint8_t *out, size_t out_cap,
                          size_t *out_len)
{
    JWG_ENSURE(out_len != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out_len = 0;
    JWG_ENSURE(in != NULL || in_len == 0, JWG_ERR_INVALID_ARGUMENT);

    size_t need = jwg_b64url_decoded_len(in_len);
    JWG_ENSURE(need != SIZE_MAX, JWG_ERR_BASE64URL);
    JWG_ENSURE(out_cap >= need && (out != NULL || need == 0), JWG_ERR_INVALID_ARGUMENT);

    const uint8_t *src = (const uint8_t *)in;
    size_t full = in_len / 4;
    for (size_t i = 0; i < full; i++, src += 4, out += 3) {
        uint32_t a = b64url_values[src[0]];
        uint32_t b = b64url_values[src[1]];
        uint32_t c = b64url_values[src[2]];
        uint32_t d = b64url_values[src[3]];

        /* Every valid value is below 64, so one OR shows whether any of the four was 0xff. */
        JWG_ENSURE(((a | b | c | d) & 0xc0u) == 0, JWG_ERR_BASE64URL);
        uint32_t v = (a << 18) | (b << 12) | (c << 6) | d;
        out[0] = (uint8_t)(v >> 16);
        out[1] = (uint8_t)(v >> 8);
        out[2] = (uint8_t)v;
    }

    if (in_len % 4 != 0)
        JWG_TRY(b64url_decode_tail(src, in_len % 4, out));

    *out_len = need;
    return JWG_OK;
}

size_t jwg_b64url_encode(const uint8_t *in, size_t in_len, char *out, size_t out_cap)
{
    size_t need = jwg_b64url_encoded_len(in_len);
    if (need == SIZE_MAX || need > out_cap || (in == NULL && in_len > 0) || (out == NULL && need > 0))
        return 0;

    char *dst = out;
    size_t i = 0;
    for (; i + 3 <= in_len; i += 3, dst += 4) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
        dst[0] = b64url_alphabet[v >> 18];
        dst[1] = b64url_alphabet[(v >> 12) & 63u];
        dst[2] = b64url_alphabet[(v >> 6) & 63u];
        dst[3] = b64url_alphabet[v & 63u];
    }

    size_t rest = in_len - i;
    if (rest > 0) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (rest == 2)
            v |= (uint32_t)in[i + 1] << 8;
        dst[0] = b64url_alphabet[v >> 18];
        dst[1] = b64url_alphabet[(v >> 12) & 63u];
        if (rest == 2)
            dst[2] = b64url_alphabet[(v >> 6) & 63u];
    }
    return need;
}
