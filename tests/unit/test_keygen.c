/*
 * test_keygen.c: key generation and public JWK set export.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "keys_internal.h"

static const uint8_t message[] = "header.payload";

/* Signs with the only key of `priv` and verifies with the only key of `pub`. */
static void sign_then_verify(const jwg_keyset *priv, const jwg_keyset *pub, jwg_alg_id alg)
{
    uint8_t sig[JWG_SIG_MAX];
    size_t sig_len = 0;

    assert_int_equal(jwg_key_sign(priv->keys[0], alg, message, sizeof(message), sig, sizeof(sig),
                                  &sig_len),
                     JWG_OK);
    assert_int_equal(jwg_key_verify(pub->keys[0], alg, message, sizeof(message), sig, sig_len),
                     JWG_OK);
}

struct keygen_case {
    const char *alg;
    unsigned rsa_bits;
    const char *kid; /* NULL: the thumbprint becomes the kid */
};

static const struct keygen_case keygen_cases[] = {
    /* RSA with the default size */
    {"RS256", 0, "rsa-1"},
    /* RSA with a larger size and PSS */
    {"PS384", 3072, NULL},
    /* each EC curve */
    {"ES256", 0, NULL},
    {"ES384", 0, "ec384"},
    {"ES512", 0, NULL},
    /* Ed25519 */
    {"EdDSA", 0, "ed"},
    /* a kid that needs JSON escaping */
    {"ES256", 0, "quote\"back\\slash\ttab"},
};

static void keygen_asymmetric_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < JWG_ARRAY_LEN(keygen_cases); i++) {
        const struct keygen_case *c = &keygen_cases[i];
        uint8_t *pem = NULL;
        size_t pem_len = 0;
        char *jwks = NULL;
        size_t jwks_len = 0;
        jwg_keyset *priv = NULL;
        jwg_keyset *pub = NULL;
        jwg_alg_id alg;

        assert_int_equal(jwg_alg_from_name(c->alg, strlen(c->alg), &alg), JWG_OK);
        assert_int_equal(jwg_keygen(c->alg, c->kid, c->rsa_bits, &pem, &pem_len, &jwks, &jwks_len),
                         JWG_OK);
        assert_non_null(strstr((const char *)pem, "-----BEGIN PRIVATE KEY-----"));
        assert_int_equal(strlen(jwks), jwks_len);

        assert_int_equal(jwg_keyset_new(&priv), JWG_OK);
        assert_int_equal(jwg_keyset_add_pem_private(priv, (const char *)pem, pem_len, c->alg, NULL),
                         JWG_OK);
        assert_int_equal(jwg_keyset_new(&pub), JWG_OK);
        assert_int_equal(jwg_keyset_add_jwks(pub, jwks, jwks_len), JWG_OK);
        assert_int_equal(jwg_keyset_count(pub), 1);

        /* the exported key is the generated one, bound to the algorithm, with the kid */
        assert_string_equal(jwg_key_thumbprint(priv->keys[0]), jwg_key_thumbprint(pub->keys[0]));
        assert_int_equal(jwg_key_algs(pub->keys[0]), JWG_ALG_BIT(alg));
        assert_string_equal(jwg_keyset_kid(pub, 0),
                            c->kid != NULL ? c->kid : jwg_key_thumbprint(pub->keys[0]));
        assert_true(jwg_key_can_verify(pub->keys[0]));
        assert_false(jwg_key_can_sign(pub->keys[0]));
        if (c->rsa_bits != 0)
            assert_int_equal(EVP_PKEY_get_bits(pub->keys[0]->pkey), (int)c->rsa_bits);
        sign_then_verify(priv, pub, alg);

        jwg_keyset_free(priv);
        jwg_keyset_free(pub);
        jwg_free(pem, pem_len);
        jwg_free(jwks, jwks_len);
    }
}

static void keygen_hmac_secret(void **state)
{
    (void)state;
    static const struct {
        const char *alg;
        size_t len;
    } cases[] = {{"HS256", 32}, {"HS384", 48}, {"HS512", 64}};

    for (size_t i = 0; i < JWG_ARRAY_LEN(cases); i++) {
        uint8_t *secret = NULL;
        size_t len = 0;
        char *jwks = (char *)1;
        size_t jwks_len = 1;
        jwg_keyset *ks = NULL;

        /* the secret is as long as the hash and has no public part */
        assert_int_equal(jwg_keygen(cases[i].alg, NULL, 0, &secret, &len, &jwks, &jwks_len), JWG_OK);
        assert_int_equal(len, cases[i].len);
        assert_null(jwks);
        assert_int_equal(jwks_len, 0);

        /* it loads bound to its algorithm */
        assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
        assert_int_equal(jwg_keyset_add_hmac(ks, secret, len, cases[i].alg, NULL), JWG_OK);
        jwg_keyset_free(ks);
        jwg_free(secret, len);
    }
}

static void keygen_rejects(void **state)
{
    (void)state;
    uint8_t *priv = NULL;
    size_t priv_len = 0;
    char *jwks = NULL;
    size_t jwks_len = 0;

    /* "none" */
    assert_int_equal(jwg_keygen("none", NULL, 0, &priv, &priv_len, &jwks, &jwks_len),
                     JWG_ERR_ALG_NONE);
    /* unknown algorithm */
    assert_int_equal(jwg_keygen("RS1", NULL, 0, &priv, &priv_len, &jwks, &jwks_len),
                     JWG_ERR_ALG_UNKNOWN);
    /* RSA under 2048 bits */
    assert_int_equal(jwg_keygen("RS256", NULL, 1024, &priv, &priv_len, &jwks, &jwks_len),
                     JWG_ERR_INVALID_ARGUMENT);
    /* RSA above 8192 bits */
    assert_int_equal(jwg_keygen("RS256", NULL, 16384, &priv, &priv_len, &jwks, &jwks_len),
                     JWG_ERR_INVALID_ARGUMENT);
    /* NULL algorithm */
    assert_int_equal(jwg_keygen(NULL, NULL, 0, &priv, &priv_len, &jwks, &jwks_len),
                     JWG_ERR_INVALID_ARGUMENT);
    assert_null(priv);
    assert_null(jwks);
}

static void export_public_only(void **state)
{
    (void)state;
    static const uint8_t secret[32] = "0123456789abcdef0123456789abcdef";
    static const char jwk[] = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"k1\","
                              "\"x\":\"WgBkUWxQ6MET7uVDAMhGjpsGW3c4Qw9MC_hP702n_Es\"}";
    jwg_keyset *ks = NULL;
    char *out = (char *)1;
    size_t out_len = 1;

    /* a set of HMAC secrets is never exported */
    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    assert_int_equal(jwg_keyset_add_hmac(ks, secret, sizeof(secret), NULL, "s"), JWG_OK);
    assert_int_equal(jwg_keyset_export_public_jwks(ks, &out, &out_len), JWG_ERR_INVALID_ARGUMENT);
    assert_null(out);
    assert_int_equal(out_len, 0);
    jwg_keyset_free(ks);

    /* an unbound public key is exported without "alg" */
    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    assert_int_equal(jwg_keyset_add_jwk(ks, jwk, sizeof(jwk) - 1), JWG_OK);
    assert_int_equal(jwg_keyset_export_public_jwks(ks, &out, &out_len), JWG_OK);
    assert_string_equal(out, "{\"keys\":[{\"crv\":\"Ed25519\",\"kty\":\"OKP\","
                             "\"x\":\"WgBkUWxQ6MET7uVDAMhGjpsGW3c4Qw9MC_hP702n_Es\","
                             "\"kid\":\"k1\",\"use\":\"sig\"}]}");
    jwg_free(out, out_len);
    jwg_keyset_free(ks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keygen_asymmetric_round_trip),
        cmocka_unit_test(keygen_hmac_secret),
        cmocka_unit_test(keygen_rejects),
        cmocka_unit_test(export_public_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
