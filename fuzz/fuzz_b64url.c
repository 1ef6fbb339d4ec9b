/*
 * fuzz_b64url.c: the strict base64url decoder on arbitrary input, and the
 * round trips that make it canonical:
 *   - any accepted input re-encodes to exactly the same characters, because
 *     each byte string has one accepted spelling;
 *   - any byte string encodes to text that decodes back to it.
 * It also checks that the constant-time decoder for secrets gives the same
 * error, length and bytes as the table decoder on every input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FUZZ_MAX 4096u

/* The secret decoder must agree with the table decoder's result `rc`, `want` and `want_len`. */
static void check_secret(const uint8_t *data, size_t size, jwg_err rc, const uint8_t *want,
                         size_t want_len)
{
    static uint8_t decoded[FUZZ_MAX];
    size_t decoded_len = 1;

    jwg_err secret_rc = jwg_b64url_decode_secret((const char *)data, size, decoded, sizeof(decoded),
                                                 &decoded_len);
    if (secret_rc != rc || decoded_len != want_len)
        abort();
    if (rc == JWG_OK && memcmp(decoded, want, want_len) != 0)
        abort();
}

static void check_decode(const uint8_t *data, size_t size)
{
    static uint8_t decoded[FUZZ_MAX];
    static char encoded[FUZZ_MAX * 2];
    size_t decoded_len = 0;

    jwg_err rc = jwg_b64url_decode((const char *)data, size, decoded, sizeof(decoded), &decoded_len);
    check_secret(data, size, rc, decoded, decoded_len);
    if (rc != JWG_OK) {
        if (rc != JWG_ERR_BASE64URL || decoded_len != 0)
            abort();
        return;
    }

    size_t encoded_len = jwg_b64url_encode(decoded, decoded_len, encoded, sizeof(encoded));
    if (encoded_len != size || memcmp(encoded, data, size) != 0)
        abort();
}

static void check_encode(const uint8_t *data, size_t size)
{
    static uint8_t decoded[FUZZ_MAX];
    static char encoded[FUZZ_MAX * 2];
    size_t decoded_len = 0;

    size_t encoded_len = jwg_b64url_encode(data, size, encoded, sizeof(encoded));
    if (encoded_len != jwg_b64url_encoded_len(size))
        abort();
    if (jwg_b64url_decode(encoded, encoded_len, decoded, sizeof(decoded), &decoded_len) != JWG_OK)
        abort();
    if (decoded_len != size || memcmp(decoded, data, size) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX)
        return 0;

    check_decode(data, size);
    check_encode(data, size);
    return 0;
}
