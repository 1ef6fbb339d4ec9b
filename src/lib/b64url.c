/*
 * b64url.c: base64url without padding (RFC 4648 5, as RFC 7515 2 requires).
 *
 * The decoder accepts exactly one spelling of each byte string, so a token
 * cannot be altered without changing its signed bytes: no '=', no
 * whitespace, no '+' or '/', no length of 1 mod 4, and the bits that the
 * last character carries beyond the final byte must be zero (RFC 4648 3.5).
 *
 * jwg_b64url_decode() indexes tables by input character, so cache timing
 * can show which characters occur. Token bytes are not secret, and the
 * tables keep a token's decode to a few instructions per character.
 * jwg_b64url_decode_secret() computes each value arithmetically instead,
 * for key material such as JWK "k" and "d".
 */
#include <string.h>

#include "internal.h"

static const char b64url_alphabet[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The 6-bit value of character `c`, or -1 outside the alphabet; a constant expression. */
#define B64_VALUE(c)                                                                               \
    ((c) >= 'A' && (c) <= 'Z'   ? (c) - 'A'                                                        \
     : (c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26                                                   \
     : (c) >= '0' && (c) <= '9' ? (c) - '0' + 52                                                   \
     : (c) == '-'               ? 62                                                               \
     : (c) == '_'               ? 63                                                               \
                                : -1)

/*
 * Marks a character outside the alphabet. Valid entries stay below 2^24, so
 * an OR with it exceeds B64_MAX.
 */
#define B64_BAD 0xff000000u
#define B64_MAX 0x00ffffffu

#define B64_ENTRY(c, shift) (B64_VALUE(c) < 0 ? B64_BAD : (uint32_t)B64_VALUE(c) << (shift))
#define B64_ROW4(c, s)                                                                             \
    B64_ENTRY(c, s), B64_ENTRY((c) + 1, s), B64_ENTRY((c) + 2, s), B64_ENTRY((c) + 3, s)
#define B64_ROW16(c, s)                                                                            \
    B64_ROW4(c, s), B64_ROW4((c) + 4, s), B64_ROW4((c) + 8, s), B64_ROW4((c) + 12, s)
#define B64_ROW64(c, s)                                                                            \
    B64_ROW16(c, s), B64_ROW16((c) + 16, s), B64_ROW16((c) + 32, s), B64_ROW16((c) + 48, s)
#define B64_TABLE(s) {B64_ROW64(0, s), B64_ROW64(64, s), B64_ROW64(128, s), B64_ROW64(192, s)}

/*
 * b64url_shifted[k][c] is the value of character c already shifted to its
 * place as the k-th character of a group of four, so a group decodes with
 * four loads and three ORs, and one compare with B64_MAX checks all four.
 */
static const uint32_t b64url_shifted[4][256] = {B64_TABLE(18), B64_TABLE(12), B64_TABLE(6),
                                                B64_TABLE(0)};

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

/* Checks the arguments of a decoder and returns the decoded length in `*need`. */
static jwg_err b64url_prepare(const char *in, size_t in_len, const uint8_t *out, size_t out_cap,
                              size_t *out_len, size_t *need)
{
    JWG_ENSURE(out_len != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out_len = 0;
    JWG_ENSURE(in != NULL || in_len == 0, JWG_ERR_INVALID_ARGUMENT);

    *need = jwg_b64url_decoded_len(in_len);
    JWG_ENSURE(*need != SIZE_MAX, JWG_ERR_BASE64URL);
    JWG_ENSURE(out_cap >= *need && (out != NULL || *need == 0), JWG_ERR_INVALID_ARGUMENT);
    return JWG_OK;
}

/* Stores `v` as 8 big-endian bytes, on any host. */
static inline void b64url_store_be64(uint64_t v, uint8_t *out)
{
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    memcpy(out, &v, sizeof(v));
}

/* Decodes four characters through the tables. The result exceeds B64_MAX when one is invalid. */
static inline uint32_t b64url_group(const uint8_t *src)
{
    return b64url_shifted[0][src[0]] | b64url_shifted[1][src[1]] | b64url_shifted[2][src[2]] |
           b64url_shifted[3][src[3]];
}

static inline void b64url_store3(uint32_t v, uint8_t *out)
{
    out[0] = (uint8_t)(v >> 16);
    out[1] = (uint8_t)(v >> 8);
    out[2] = (uint8_t)v;
}

/*
 * Stores the 1 or 2 bytes of a final group of `n` (2 or 3) characters whose
 * 24-bit value is `v`. The unused low bits (4 of a 2-character tail, 2 of a
 * 3-character tail) must be zero, otherwise several strings would decode to
 * the same bytes (RFC 4648 3.5).
 */
static jwg_err b64url_store_tail(uint32_t v, size_t n, uint8_t *out)
{
    uint32_t unused = n == 2 ? 0xffffu : 0xffu;
    JWG_ENSURE((v & unused) == 0, JWG_ERR_BASE64URL);

    out[0] = (uint8_t)(v >> 16);
    if (n == 3)
        out[1] = (uint8_t)(v >> 8);
    return JWG_OK;
}

jwg_err jwg_b64url_decode(const char *in, size_t in_len, uint8_t *out, size_t out_cap,
                          size_t *out_len)
{
    size_t need;
    JWG_TRY(b64url_prepare(in, in_len, out, out_cap, out_len, &need));

    const uint8_t *src = (const uint8_t *)in;
    size_t i = 0, full = in_len / 4;

    /*
     * Two groups per step with one 8-byte store, whose last 2 bytes the
     * next step overwrites. A third group must follow, so the store stays
     * inside the 9 or more bytes still to be written.
     */
    for (; i + 3 <= full; i += 2, src += 8, out += 6) {
        uint32_t v = b64url_group(src), w = b64url_group(src + 4);
        JWG_ENSURE((v | w) <= B64_MAX, JWG_ERR_BASE64URL);
        b64url_store_be64(((uint64_t)v << 40) | ((uint64_t)w << 16), out);
    }
    for (; i < full; i++, src += 4, out += 3) {
        uint32_t v = b64url_group(src);
        JWG_ENSURE(v <= B64_MAX, JWG_ERR_BASE64URL);
        b64url_store3(v, out);
    }

    size_t rest = in_len % 4;
    if (rest != 0) {
        uint32_t v = b64url_shifted[0][src[0]] | b64url_shifted[1][src[1]] |
                     (rest == 3 ? b64url_shifted[2][src[2]] : 0);
        JWG_ENSURE(v <= B64_MAX, JWG_ERR_BASE64URL);
        JWG_TRY(b64url_store_tail(v, rest, out));
    }

    *out_len = need;
    return JWG_OK;
}

/* Returns all ones when lo <= c <= hi, else 0, without a branch (c, lo and hi below 2^31). */
static inline uint32_t ct_in_range(uint32_t c, uint32_t lo, uint32_t hi)
{
    return (((c - lo) | (hi - c)) >> 31) - 1u;
}

/*
 * The 6-bit value of character `c` computed with arithmetic only: no table
 * load and no branch depends on `c`. Characters outside the alphabet return
 * a value with bit 8 set.
 */
static inline uint32_t ct_value(uint8_t ch)
{
    uint32_t c = ch;
    uint32_t upper = ct_in_range(c, 'A', 'Z');
    uint32_t lower = ct_in_range(c, 'a', 'z');
    uint32_t digit = ct_in_range(c, '0', '9');
    uint32_t minus = ct_in_range(c, '-', '-');
    uint32_t under = ct_in_range(c, '_', '_');

    uint32_t v = (upper & (c - 'A')) | (lower & (c - 'a' + 26u)) | (digit & (c - '0' + 52u)) |
                 (minus & 62u) | (under & 63u);
    return v | (~(upper | lower | digit | minus | under) & 0x100u);
}

/* Decodes 2 to 4 characters into a 24-bit group. The result exceeds B64_MAX when one is invalid. */
static inline uint32_t ct_group(const uint8_t *s, size_t n)
{
    uint32_t a = ct_value(s[0]), b = ct_value(s[1]);
    uint32_t c = n > 2 ? ct_value(s[2]) : 0;
    uint32_t d = n > 3 ? ct_value(s[3]) : 0;

    uint32_t bad = (a | b | c | d) & 0x100u;
    return (a << 18) | (b << 12) | (c << 6) | d | (bad << 16);
}

/*
 * Secrets are decoded without tables (see the NOTE at the top). Validity
 * and length are not secret, so an error returns at once.
 */
jwg_err jwg_b64url_decode_secret(const char *in, size_t in_len, uint8_t *out, size_t out_cap,
                                 size_t *out_len)
{
    size_t need;
    JWG_TRY(b64url_prepare(in, in_len, out, out_cap, out_len, &need));

    const uint8_t *src = (const uint8_t *)in;
    for (size_t i = 0; i < in_len / 4; i++, src += 4, out += 3) {
        uint32_t v = ct_group(src, 4);
        JWG_ENSURE(v <= B64_MAX, JWG_ERR_BASE64URL);
        b64url_store3(v, out);
    }

    size_t rest = in_len % 4;
    if (rest != 0) {
        uint32_t v = ct_group(src, rest);
        JWG_ENSURE(v <= B64_MAX, JWG_ERR_BASE64URL);
        JWG_TRY(b64url_store_tail(v, rest, out));
    }

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
