/*
 * fuzz_token.c: jwg_verify_at, jwg_verify_jws and jwg_decode_unverified on
 * arbitrary bytes, with an HS256 key set and a fixed policy. Any crash, leak
 * or sanitizer report is a bug; every input must return a result or a
 * documented error.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

/* The seed corpus tokens are signed with this 32-byte secret. */
static const uint8_t fuzz_secret[32] = "fuzz-token-secret-32-bytes-long!";

static jwg_verifier *fuzz_verifier(void)
{
    jwg_keyset *ks = NULL;
    jwg_policy *p = NULL;
    jwg_verifier *v = NULL;

    if (jwg_keyset_new(&ks) != JWG_OK || jwg_keyset_add_hmac(ks, fuzz_secret, sizeof(fuzz_secret), NULL, NULL) != JWG_OK)
        abort();
    if (jwg_policy_new(&p) != JWG_OK || jwg_policy_add_issuer(p, "https://issuer.example") != JWG_OK ||
        jwg_policy_add_audience(p, "api") != JWG_OK || jwg_policy_set_leeway(p, 60) != JWG_OK ||
        jwg_policy_set_max_lifetime(p, 86400) != JWG_OK || jwg_policy_require_claim(p, "sub") != JWG_OK)
        abort();
    if (jwg_verifier_new(&v, p, ks, NULL, 0) != JWG_OK)
        abort();

    jwg_policy_free(p);
    jwg_keyset_free(ks);
    return v;
}

/* Reads every accessor so that their bounds are exercised on each parsed result. */
static void read_result(const jwg_result *r)
{
    static const char *const names[] = {"alg", "kid", "iss", "aud", "exp", "sub", "x"};
    const char *s;
    size_t n;
    int64_t i;
    double d;
    int b;

    for (size_t k = 0; k < JWG_ARRAY_LEN(names); k++) {
        for (int part = 0; part < 2; part++) {
            (void)jwg_result_string(r, (jwg_part)part, names[k], &s, &n);
            (void)jwg_result_int(r, (jwg_part)part, names[k], &i);
            (void)jwg_result_number(r, (jwg_part)part, names[k], &d);
            (void)jwg_result_bool(r, (jwg_part)part, names[k], &b);
            (void)jwg_result_raw(r, (jwg_part)part, names[k], &s, &n);
            if (jwg_result_strings_count(r, (jwg_part)part, names[k], &n) == JWG_OK && n > 0)
                (void)jwg_result_strings_at(r, (jwg_part)part, names[k], n - 1, &s, &n);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jwg_verifier *v;
    if (v == NULL)
        v = fuzz_verifier();

    jwg_result *r = NULL;
    if (jwg_verify_at(v, (const char *)data, size, 1700000000, &r) == JWG_ERR_NOMEM)
        return 0;
    read_result(r);
    jwg_result_free(r);

    if (jwg_verify_jws(v, (const char *)data, size, &r) != JWG_ERR_NOMEM)
        jwg_result_free(r);

    /* Decoding opens the claims of any well-formed token, signed or not, to the accessors. */
    if (jwg_decode_unverified((const char *)data, size, &r) == JWG_ERR_NOMEM)
        return 0;
    read_result(r);
    jwg_result_free(r);
    return 0;
}
