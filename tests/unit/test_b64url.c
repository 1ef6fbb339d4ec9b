/*
 * test_b64url.c: strict base64url decoding and encoding (RFC 4648 5).
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

/* Expands a string literal to its pointer and length, so inputs may contain NUL. */
#define LIT(s) s, sizeof(s) - 1

struct decode_case {
    const char *in;
    size_t in_len;
    const char *out; /* expected bytes, NULL when decoding must fail */
    size_t out_len;
    jwg_err err;
};

static const struct decode_case decode_cases[] = {
    /* empty input decodes to no bytes */
    {LIT(""), "", 0, JWG_OK},
    /* one full quantum */
    {LIT("Zm9v"), "foo", 3, JWG_OK},
    /* 2-character tail */
    {LIT("Zg"), "f", 1, JWG_OK},
    /* 3-character tail */
    {LIT("Zm8"), "fo", 2, JWG_OK},
    /* quantum plus tail */
    {LIT("Zm9vYmFy"), "foobar", 6, JWG_OK},
    /* '-' and '_' are the URL-safe digits 62 and 63 */
    {LIT("-_-_"), "\xfb\xff\xbf", 3, JWG_OK},
    /* typical JOSE header */
    {LIT("eyJhbGciOiJIUzI1NiJ9"), "{\"alg\":\"HS256\"}", 15, JWG_OK},
    /* padding is not allowed (RFC 7515 2) */
    {LIT("Zg=="), NULL, 0, JWG_ERR_BASE64URL},
    /* padding after a 3-character tail */
    {LIT("Zm8="), NULL, 0, JWG_ERR_BASE64URL},
    /* '+' belongs to the standard alphabet, not base64url */
    {LIT("a+bc"), NULL, 0, JWG_ERR_BASE64URL},
    /* '/' belongs to the standard alphabet, not base64url */
    {LIT("ab/c"), NULL, 0, JWG_ERR_BASE64URL},
    /* leading whitespace */
    {LIT(" Zm9v"), NULL, 0, JWG_ERR_BASE64URL},
    /* embedded newline */
    {LIT("Zm9v\nYmFy"), NULL, 0, JWG_ERR_BASE64URL},
    /* trailing space in a tail */
    {LIT("Zm "), NULL, 0, JWG_ERR_BASE64URL},
    /* length 1 mod 4 cannot encode whole bytes */
    {LIT("Z"), NULL, 0, JWG_ERR_BASE64URL},
    /* length 5 is also 1 mod 4 */
    {LIT("Zm9vY"), NULL, 0, JWG_ERR_BASE64URL},
    /* 2-character tail with the lowest unused bit set ("Zg" is canonical) */
    {LIT("Zh"), NULL, 0, JWG_ERR_BASE64URL},
    /* 2-character tail with all four unused bits set */
    {LIT("Zv"), NULL, 0, JWG_ERR_BASE64URL},
    /* 3-character tail with the lowest unused bit set ("Zm8" is canonical) */
    {LIT("Zm9"), NULL, 0, JWG_ERR_BASE64URL},
    /* 3-character tail with the higher unused bit set */
    {LIT("Zm-"), NULL, 0, JWG_ERR_BASE64URL},
    /* byte above 0x7f */
    {LIT("Zm\xc3\xa9"), NULL, 0, JWG_ERR_BASE64URL},
    /* NUL inside the input */
    {LIT("Zm\0v"), NULL, 0, JWG_ERR_BASE64URL},
};

typedef jwg_err (*decode_fn)(const char *in, size_t in_len, uint8_t *out, size_t out_cap,
                             size_t *out_len);

/* Runs every case of decode_cases through `decode`. */
static void run_decode_cases(decode_fn decode)
{
    for (size_t i = 0; i < JWG_ARRAY_LEN(decode_cases); i++) {
        const struct decode_case *c = &decode_cases[i];
        uint8_t out[64];
        size_t out_len = 99;

        jwg_err rc = decode(c->in, c->in_len, out, sizeof(out), &out_len);
        print_message("case %zu: %s\n", i, c->in);
        assert_int_equal(rc, c->err);
        if (c->out == NULL) {
            assert_int_equal(out_len, 0);
            continue;
        }
        assert_int_equal(out_len, c->out_len);
        assert_memory_equal(out, c->out, c->out_len);
    }
}

static void b64url_decode_table(void **state)
{
    (void)state;
    run_decode_cases(jwg_b64url_decode);
}

/* The constant-time decoder must give the same answer on every table case. */
static void b64url_secret_table(void **state)
{
    (void)state;
    run_decode_cases(jwg_b64url_decode_secret);
}

/*
 * A character outside the alphabet at any position of a 48-character input
 * is rejected, whichever group of the decoders' loops holds it.
 */
static void b64url_bad_position(void **state)
{
    (void)state;
    static const char bad[] = {'=', '+', '/', ' ', '\0', '\x80', '\xff'};
    static const decode_fn decoders[] = {jwg_b64url_decode, jwg_b64url_decode_secret};

    for (size_t pos = 0; pos < 48; pos++) {
        for (size_t b = 0; b < sizeof(bad); b++) {
            for (size_t d = 0; d < JWG_ARRAY_LEN(decoders); d++) {
                char in[48];
                uint8_t out[36];
                size_t out_len = 99;
                memset(in, 'Q', sizeof(in));
                in[pos] = bad[b];
                assert_int_equal(decoders[d](in, sizeof(in), out, sizeof(out), &out_len),
                                 JWG_ERR_BASE64URL);
                assert_int_equal(out_len, 0);
            }
        }
    }
}

/* xorshift32: a fixed sequence, so a failure reproduces. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* Random inputs, mostly alphabet characters with some invalid bytes: the decoders agree. */
static void b64url_secret_random(void **state)
{
    (void)state;
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint32_t rng = 0x2545f491u;

    for (int round = 0; round < 50000; round++) {
        char in[100];
        size_t len = next_random(&rng) % sizeof(in);
        bool sprinkle = round % 2 == 1;
        for (size_t i = 0; i < len; i++) {
            uint32_t r = next_random(&rng);
            in[i] = sprinkle && r % 97 == 0 ? (char)(r >> 8) : alphabet[(r >> 8) % 64];
        }

        uint8_t a[80], b[80];
        size_t a_len = 99, b_len = 77;
        jwg_err ra = jwg_b64url_decode(in, len, a, sizeof(a), &a_len);
        jwg_err rb = jwg_b64url_decode_secret(in, len, b, sizeof(b), &b_len);
        assert_int_equal(ra, rb);
        assert_int_equal(a_len, b_len);
        if (ra == JWG_OK)
            assert_memory_equal(a, b, a_len);
    }
}

static void b64url_decode_capacity(void **state)
{
    (void)state;
    uint8_t out[3];
    size_t out_len = 99;

    /* one byte short of the 3 bytes "Zm9v" decodes to */
    assert_int_equal(jwg_b64url_decode("Zm9v", 4, out, 2, &out_len), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(out_len, 0);
    /* exact capacity is enough */
    assert_int_equal(jwg_b64url_decode("Zm9v", 4, out, 3, &out_len), JWG_OK);
    assert_int_equal(out_len, 3);
    /* NULL output length pointer */
    assert_int_equal(jwg_b64url_decode("Zm9v", 4, out, 3, NULL), JWG_ERR_INVALID_ARGUMENT);
    /* NULL input with a length */
    assert_int_equal(jwg_b64url_decode(NULL, 4, out, 3, &out_len), JWG_ERR_INVALID_ARGUMENT);
    /* the constant-time decoder checks its capacity the same way */
    assert_int_equal(jwg_b64url_decode_secret("Zm9v", 4, out, 2, &out_len),
                     JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(out_len, 0);
    /* and its arguments */
    assert_int_equal(jwg_b64url_decode_secret(NULL, 4, out, 3, &out_len), JWG_ERR_INVALID_ARGUMENT);
}

static void b64url_lengths(void **state)
{
    (void)state;
    assert_int_equal(jwg_b64url_encoded_len(0), 0);
    assert_int_equal(jwg_b64url_encoded_len(1), 2);
    assert_int_equal(jwg_b64url_encoded_len(2), 3);
    assert_int_equal(jwg_b64url_encoded_len(3), 4);
    assert_int_equal(jwg_b64url_encoded_len(32), 43);
    /* saturates instead of wrapping */
    assert_true(jwg_b64url_encoded_len(SIZE_MAX) == SIZE_MAX);
    assert_int_equal(jwg_b64url_decoded_len(0), 0);
    assert_true(jwg_b64url_decoded_len(1) == SIZE_MAX);
    assert_int_equal(jwg_b64url_decoded_len(2), 1);
    assert_int_equal(jwg_b64url_decoded_len(3), 2);
    assert_int_equal(jwg_b64url_decoded_len(43), 32);
}

static void b64url_encode_round_trip(void **state)
{
    (void)state;
    uint8_t in[256];
    for (size_t i = 0; i < sizeof(in); i++)
        in[i] = (uint8_t)(i * 37u + 11u);

    for (size_t n = 0; n <= sizeof(in); n++) {
        char enc[400];
        uint8_t dec[256];
        size_t dec_len = 0;

        size_t enc_len = jwg_b64url_encode(in, n, enc, sizeof(enc));
        assert_int_equal(enc_len, jwg_b64url_encoded_len(n));
        assert_int_equal(jwg_b64url_decode(enc, enc_len, dec, sizeof(dec), &dec_len), JWG_OK);
        assert_int_equal(dec_len, n);
        assert_memory_equal(dec, in, n);
    }
}

static void b64url_encode_known(void **state)
{
    (void)state;
    char out[16];

    assert_int_equal(jwg_b64url_encode((const uint8_t *)"fo", 2, out, sizeof(out)), 3);
    assert_memory_equal(out, "Zm8", 3);
    assert_int_equal(jwg_b64url_encode((const uint8_t *)"\xfb\xff\xbf", 3, out, sizeof(out)), 4);
    assert_memory_equal(out, "-_-_", 4);
    /* a capacity one short writes nothing useful and returns 0 */
    assert_int_equal(jwg_b64url_encode((const uint8_t *)"foo", 3, out, 3), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(b64url_decode_table),
        cmocka_unit_test(b64url_secret_table),
        cmocka_unit_test(b64url_bad_position),
        cmocka_unit_test(b64url_secret_random),
        cmocka_unit_test(b64url_decode_capacity),
        cmocka_unit_test(b64url_lengths),
        cmocka_unit_test(b64url_encode_round_trip),
        cmocka_unit_test(b64url_encode_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
