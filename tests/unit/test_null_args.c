/*
 * test_null_args.c: passing NULL where a handle, token or output pointer is
 * required returns JWG_ERR_INVALID_ARGUMENT and never crashes, as the
 * conventions in jwtguard.h promise, and every _free and query accepts NULL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "jwtguard/jwtguard.h"

/* Each call must fail with JWG_ERR_INVALID_ARGUMENT; the macro names the call on failure. */
#define T(call) assert_int_equal((call), JWG_ERR_INVALID_ARGUMENT)

static void null_args_fallible_calls(void **state)
{
    (void)state;
    jwg_keyset *ks = NULL;
    jwg_policy *p = NULL;
    jwg_verifier *v = NULL;
    jwg_result *r = NULL;
    jwg_signer *s = NULL;
    const char *str;
    size_t n;
    int64_t i;
    double d;
    int b;
    char tp[JWG_THUMBPRINT_MAX];
    char *o;
    uint8_t *u;

    T(jwg_keyset_new(NULL));
    T(jwg_keyset_add_hmac(NULL, (const uint8_t *)"x", 1, NULL, NULL));
    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    T(jwg_keyset_add_hmac(ks, NULL, 32, NULL, NULL));
    T(jwg_keyset_add_pem_public(ks, NULL, 0, NULL, NULL));
    T(jwg_keyset_add_jwk(ks, NULL, 0));
    T(jwg_keyset_add_jwks(ks, NULL, 5));
    T(jwg_keyset_thumbprint(NULL, 0, tp));
    T(jwg_keyset_thumbprint(ks, 0, NULL));
    T(jwg_keyset_export_public_jwks(NULL, &o, &n));
    T(jwg_keyset_algs(NULL, 0, tp, 4));
    T(jwg_policy_new(NULL));
    T(jwg_policy_add_issuer(NULL, "a"));
    assert_int_equal(jwg_policy_new(&p), JWG_OK);
    T(jwg_policy_add_issuer(p, NULL));
    T(jwg_policy_add_audience(p, NULL));
    T(jwg_policy_add_alg(p, NULL));
    T(jwg_policy_set_typ(NULL, "x"));
    T(jwg_policy_require_claim(p, NULL));
    T(jwg_verifier_new(NULL, p, ks, NULL, 0));
    T(jwg_verifier_new(&v, NULL, ks, NULL, 0));
    T(jwg_verifier_new(&v, p, NULL, NULL, 0));
    T(jwg_verify(NULL, "a", 1, &r));
    T(jwg_verify_jws(NULL, "a", 1, &r));
    T(jwg_decode_unverified(NULL, 1, &r));
    T(jwg_decode_unverified("a.b.c", 5, NULL));
    T(jwg_result_string(NULL, JWG_PART_CLAIMS, "a", &str, &n));
    T(jwg_result_int(NULL, JWG_PART_CLAIMS, "a", &i));
    T(jwg_result_number(NULL, JWG_PART_CLAIMS, "a", &d));
    T(jwg_result_bool(NULL, JWG_PART_CLAIMS, "a", &b));
    T(jwg_result_raw(NULL, JWG_PART_CLAIMS, "a", &str, &n));
    T(jwg_result_json(NULL, JWG_PART_CLAIMS, &str, &n));
    T(jwg_result_payload(NULL, (const uint8_t **)&str, &n));
    T(jwg_signer_new(NULL, ks, "HS256", NULL, 0));
    T(jwg_signer_new(&s, NULL, "HS256", NULL, 0));
    T(jwg_signer_new(&s, ks, NULL, NULL, 0));
    T(jwg_signer_sign(NULL, &o, &n));
    T(jwg_signer_set_issuer(NULL, "a"));
    T(jwg_signer_add_claim_json(NULL, "a", "1", 1));
    T(jwg_keygen(NULL, NULL, 0, &u, &n, &o, &n));
    T(jwg_keygen("HS256", NULL, 0, NULL, &n, &o, &n));
    T(jwg_policy_load_file(NULL, NULL, NULL, 0));
    T(jwg_verifier_new_from_file(NULL, NULL, NULL, 0));

    jwg_keyset_free(ks);
    jwg_policy_free(p);
}

static void null_args_free_and_queries(void **state)
{
    (void)state;

    assert_int_equal(jwg_result_error(NULL), JWG_ERR_INVALID_ARGUMENT);
    assert_string_equal(jwg_result_detail(NULL), "");
    assert_null(jwg_result_key_thumbprint(NULL));
    assert_int_equal(jwg_keyset_count(NULL), 0);
    assert_null(jwg_keyset_kid(NULL, 0));
    assert_int_equal(jwg_keyset_is_private(NULL, 0), 0);
    jwg_result_free(NULL);
    jwg_verifier_free(NULL);
    jwg_signer_free(NULL);
    jwg_keyset_free(NULL);
    jwg_policy_free(NULL);
    jwg_policy_file_free(NULL);
    jwg_free(NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(null_args_fallible_calls),
        cmocka_unit_test(null_args_free_and_queries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
