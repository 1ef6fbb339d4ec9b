/*
 * test_sign.c: the signer. Every algorithm round-trips through the
 * verifier; none, public-only keys and reserved claim names are rejected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/forge.h"
#include "support/vfixture.h"

#define KEYS JWG_TEST_DATA "/keys/"

struct sign_case {
    const char *alg;
    const char *private_pem; /* NULL: HMAC with secret64 */
};

static const uint8_t secret64[64] = "signer-test-secret-that-is-sixty-four-bytes-long-0123456789abcde";

static const struct sign_case algs[] = {
    {"HS256", NULL},           {"HS384", NULL},           {"HS512", NULL},
    {"RS256", "rsa2048.key.pem"}, {"RS384", "rsa2048.key.pem"}, {"RS512", "rsa2048.key.pem"},
    {"PS256", "rsa2048.key.pem"}, {"PS384", "rsa2048.key.pem"}, {"PS512", "rsa2048.key.pem"},
    {"ES256", "p256.key.pem"},    {"ES384", "p384.key.pem"},    {"ES512", "p521.key.pem"},
    {"EdDSA", "ed25519.key.pem"},
};

static jwg_keyset *keyset_for(const struct sign_case *c, const char *kid)
{
    jwg_keyset *ks = NULL;
    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    if (c->private_pem == NULL) {
        assert_int_equal(jwg_keyset_add_hmac(ks, secret64, sizeof(secret64), c->alg, kid), JWG_OK);
        return ks;
    }

    char path[256];
    size_t len;
    snprintf(path, sizeof(path), KEYS "%s", c->private_pem);
    char *pem = forge_read(path, &len);
    assert_non_null(pem);
    assert_int_equal(jwg_keyset_add_pem_private(ks, pem, len, c->alg, kid), JWG_OK);
    free(pem);
    return ks;
}

static jwg_signer *signer_for(jwg_keyset *ks, const char *alg)
{
    jwg_signer *s = NULL;
    char detail[JWG_DETAIL_MAX];
    assert_int_equal(jwg_signer_new(&s, ks, alg, detail, sizeof(detail)), JWG_OK);
    assert_int_equal(jwg_signer_set_lifetime(s, 300), JWG_OK);
    assert_int_equal(jwg_signer_set_issuer(s, VF_ISSUER), JWG_OK);
    assert_int_equal(jwg_signer_add_audience(s, VF_AUDIENCE), JWG_OK);
    assert_int_equal(jwg_signer_set_subject(s, "user-1"), JWG_OK);
    return s;
}

/* Each algorithm signs a token that the verifier accepts, with the claims set by the signer. */
static void sign_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        jwg_keyset *ks = keyset_for(&algs[i], "kid-1");
        jwg_signer *s = signer_for(ks, algs[i].alg);
        char *token = NULL;
        size_t len = 0;
        assert_int_equal(jwg_signer_sign_at(s, VF_NOW, &token, &len), JWG_OK);
        assert_int_equal(strlen(token), len);

        jwg_policy *p = vf_policy();
        jwg_verifier *v = NULL;
        assert_int_equal(jwg_verifier_new(&v, p, ks, NULL, 0), JWG_OK);
        jwg_result *r = NULL;
        jwg_err rc = jwg_verify_at(v, token, len, VF_NOW + 10, &r);
        if (rc != JWG_OK)
            print_error("%s: %s (%s)\n", algs[i].alg, jwg_err_name(rc), jwg_result_detail(r));
        assert_int_equal(rc, JWG_OK);

        const char *str;
        size_t n;
        int64_t exp;
        assert_int_equal(jwg_result_string(r, JWG_PART_HEADER, "alg", &str, &n), JWG_OK);
        assert_string_equal(str, algs[i].alg);
        assert_int_equal(jwg_result_string(r, JWG_PART_HEADER, "kid", &str, &n), JWG_OK);
        assert_string_equal(str, "kid-1");
        assert_int_equal(jwg_result_string(r, JWG_PART_HEADER, "typ", &str, &n), JWG_OK);
        assert_string_equal(str, "JWT");
        assert_int_equal(jwg_result_int(r, JWG_PART_CLAIMS, "exp", &exp), JWG_OK);
        assert_int_equal(exp, VF_NOW + 300);
        assert_int_equal(jwg_result_string(r, JWG_PART_CLAIMS, "sub", &str, &n), JWG_OK);
        assert_string_equal(str, "user-1");

        jwg_result_free(r);
        jwg_verifier_free(v);
        jwg_policy_free(p);
        jwg_free(token, len);
        jwg_signer_free(s);
        jwg_keyset_free(ks);
    }
}

/* jti is 16 random bytes in base64url (22 characters) and differs between tokens. */
static void sign_jti_unique(void **state)
{
    (void)state;
    jwg_keyset *ks = keyset_for(&algs[0], NULL);
    jwg_signer *s = signer_for(ks, "HS256");
    jwg_policy *p = vf_policy();
    jwg_verifier *v = NULL;
    assert_int_equal(jwg_verifier_new(&v, p, ks, NULL, 0), JWG_OK);

    char seen[2][32];
    for (int i = 0; i < 2; i++) {
        char *token;
        size_t len;
        jwg_result *r = NULL;
        const char *jti;
        size_t n;
        assert_int_equal(jwg_signer_sign_at(s, VF_NOW, &token, &len), JWG_OK);
        assert_int_equal(jwg_verify_at(v, token, len, VF_NOW, &r), JWG_OK);
        assert_int_equal(jwg_result_string(r, JWG_PART_CLAIMS, "jti", &jti, &n), JWG_OK);
        assert_int_equal(n, 22);
        memcpy(seen[i], jti, n + 1);
        jwg_result_free(r);
        jwg_free(token, len);
    }
    assert_string_not_equal(seen[0], seen[1]);

    jwg_verifier_free(v);
    jwg_policy_free(p);
    jwg_signer_free(s);
    jwg_keyset_free(ks);
}

/* Several audiences become an array; extra claims are emitted and replaced on repeat. */
static void sign_claims_shape(void **state)
{
    (void)state;
    jwg_keyset *ks = keyset_for(&algs[0], NULL);
    jwg_signer *s = signer_for(ks, "HS256");
    assert_int_equal(jwg_signer_add_audience(s, "other"), JWG_OK);
    assert_int_equal(jwg_signer_add_claim_json(s, "scope", "\"read\"", 6), JWG_OK);
    assert_int_equal(jwg_signer_add_claim_json(s, "scope", "[\"read\",\"write\"]", 16), JWG_OK);
    assert_int_equal(jwg_signer_set_typ(s, "at+jwt"), JWG_OK);

    char *token;
    size_t len;
    assert_int_equal(jwg_signer_sign_at(s, VF_NOW, &token, &len), JWG_OK);
    jwg_policy *p = vf_policy();
    assert_int_equal(jwg_policy_set_typ(p, "application/at+jwt"), JWG_OK);
    jwg_verifier *v = NULL;
    assert_int_equal(jwg_verifier_new(&v, p, ks, NULL, 0), JWG_OK);
    jwg_result *r = NULL;
    assert_int_equal(jwg_verify_at(v, token, len, VF_NOW, &r), JWG_OK);

    size_t count;
    const char *str;
    size_t n;
    assert_int_equal(jwg_result_strings_count(r, JWG_PART_CLAIMS, "aud", &count), JWG_OK);
    assert_int_equal(count, 2);
    assert_int_equal(jwg_result_strings_count(r, JWG_PART_CLAIMS, "scope", &count), JWG_OK);
    assert_int_equal(count, 2);
    assert_int_equal(jwg_result_strings_at(r, JWG_PART_CLAIMS, "scope", 1, &str, &n), JWG_OK);
    assert_string_equal(str, "write");

    jwg_result_free(r);
    jwg_verifier_free(v);
    jwg_policy_free(p);
    jwg_free(token, len);
    jwg_signer_free(s);
    jwg_keyset_free(ks);
}

/* A JWS payload of opaque bytes round-trips through jwg_verify_jws. */
static void sign_jws_payload(void **state)
{
    (void)state;
    jwg_keyset *ks = keyset_for(&algs[9], NULL);
    jwg_signer *s = signer_for(ks, "ES256");
    const uint8_t payload[] = {0x00, 0xff, 'x', 0x10};
    char *token;
    size_t len;
    /* An empty payload would make an empty segment. */
    assert_int_equal(jwg_signer_sign_jws(s, payload, 0, &token, &len), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_signer_sign_jws(s, payload, sizeof(payload), &token, &len), JWG_OK);

    jwg_policy *p = vf_policy();
    jwg_verifier *v = NULL;
    assert_int_equal(jwg_verifier_new(&v, p, ks, NULL, 0), JWG_OK);
    jwg_result *r = NULL;
    assert_int_equal(jwg_verify_jws(v, token, len, &r), JWG_OK);
    const uint8_t *out;
    size_t out_len;
    assert_int_equal(jwg_result_payload(r, &out, &out_len), JWG_OK);
    assert_int_equal(out_len, sizeof(payload));
    assert_memory_equal(out, payload, sizeof(payload));

    jwg_result_free(r);
    jwg_verifier_free(v);
    jwg_policy_free(p);
    jwg_free(token, len);
    jwg_signer_free(s);
    jwg_keyset_free(ks);
}

/* The signer rejects none, keys that cannot sign, missing lifetimes and reserved claim names. */
static void sign_rejects(void **state)
{
    (void)state;
    jwg_keyset *ks = keyset_for(&algs[0], NULL);
    jwg_signer *s = NULL;
    char detail[JWG_DETAIL_MAX];

    /* "none" in any case. */
    assert_int_equal(jwg_signer_new(&s, ks, "none", detail, sizeof(detail)), JWG_ERR_ALG_NONE);
    assert_int_equal(jwg_signer_new(&s, ks, "NONE", detail, sizeof(detail)), JWG_ERR_ALG_NONE);
    /* An algorithm the key does not admit. */
    assert_int_equal(jwg_signer_new(&s, ks, "RS256", detail, sizeof(detail)), JWG_ERR_KEY_ALG_MISMATCH);
    assert_null(s);

    assert_int_equal(jwg_signer_new(&s, ks, "HS256", detail, sizeof(detail)), JWG_OK);
    char *token;
    size_t len;
    /* No lifetime set yet. */
    assert_int_equal(jwg_signer_sign_at(s, VF_NOW, &token, &len), JWG_ERR_POLICY_INVALID);
    assert_null(token);
    assert_int_equal(jwg_signer_set_lifetime(s, 0), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_signer_set_lifetime(s, 31536001), JWG_ERR_INVALID_ARGUMENT);
    /* Names the signer sets itself. */
    const char *reserved[] = {"iat", "exp", "jti", "iss", "aud", "sub"};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(jwg_signer_add_claim_json(s, reserved[i], "1", 1), JWG_ERR_INVALID_ARGUMENT);
    /* Values that are not strict JSON. */
    assert_int_equal(jwg_signer_add_claim_json(s, "x", "{\"a\":1,\"a\":2}", 13), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_signer_add_claim_json(s, "x", "tru", 3), JWG_ERR_INVALID_ARGUMENT);
    /* Strings that are not UTF-8. */
    assert_int_equal(jwg_signer_set_issuer(s, "bad\xff"), JWG_ERR_INVALID_ARGUMENT);
    jwg_signer_free(s);
    jwg_keyset_free(ks);

    /* A public key cannot sign. */
    size_t pem_len;
    char *pem = forge_read(KEYS "p256.pub.pem", &pem_len);
    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    assert_int_equal(jwg_keyset_add_pem_public(ks, pem, pem_len, NULL, NULL), JWG_OK);
    assert_int_equal(jwg_signer_new(&s, ks, "ES256", detail, sizeof(detail)), JWG_ERR_KEY_NOT_PRIVATE);
    free(pem);
    jwg_keyset_free(ks);

    /* A JWK whose key_ops allow only verify. */
    const char *jwk = "{\"kty\":\"oct\",\"key_ops\":[\"verify\"],"
                      "\"k\":\"ZW5jLXNlY3JldC10aGF0LWlzLTMyLWJ5dGVzLWxvbmc\"}";
    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    assert_int_equal(jwg_keyset_add_jwk(ks, jwk, strlen(jwk)), JWG_OK);
    assert_int_equal(jwg_signer_new(&s, ks, "HS256", detail, sizeof(detail)), JWG_ERR_KEY_USE);
    jwg_keyset_free(ks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sign_round_trip),  cmocka_unit_test(sign_jti_unique),
        cmocka_unit_test(sign_claims_shape), cmocka_unit_test(sign_jws_payload),
        cmocka_unit_test(sign_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
