/*
 * test_result.c: result accessors: escapes, arrays, raw values, types and
 * the rule that claims are readable only after the signature verified.
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

#define HEADER "{\"alg\":\"HS256\",\"ext\":\"k\\u00e9\",\"x5c\":[\"a\",\"b\"]}"
#define CLAIMS                                                                                     \
    "{\"iss\":\"https://issuer.example\",\"aud\":[\"api\",\"x\\\"y\"],\"exp\":1800000000,"          \
    "\"name\":\"a\\nb\\u0041\\ud83d\\ude00\",\"n\":-42,\"f\":1.5,\"big\":1e30,\"ok\":true,"       \
    "\"no\":false,\"nul\":null,\"obj\":{\"a\":[1, 2]},\"mixed\":[\"a\",1]}"

static jwg_verifier *verifier;
static jwg_result *valid;

static int setup(void **state)
{
    (void)state;
    jwg_policy *p = vf_policy();
    verifier = vf_verifier(p);
    jwg_policy_free(p);

    char *token = vf_hs256(HEADER, CLAIMS);
    jwg_err rc = jwg_verify_at(verifier, token, strlen(token), VF_NOW, &valid);
    free(token);
    if (rc != JWG_OK)
        fprintf(stderr, "setup: %s: %s\n", jwg_err_name(rc), jwg_result_detail(valid));
    return rc == JWG_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    jwg_result_free(valid);
    jwg_verifier_free(verifier);
    return 0;
}

/* Strings are unescaped and NUL-terminated, including surrogate pairs. */
static void result_strings(void **state)
{
    (void)state;
    const char *s;
    size_t n;
    assert_int_equal(jwg_result_string(valid, JWG_PART_CLAIMS, "name", &s, &n), JWG_OK);
    assert_int_equal(n, 8);
    assert_string_equal(s, "a\nbA\xf0\x9f\x98\x80");
    assert_int_equal(jwg_result_string(valid, JWG_PART_HEADER, "ext", &s, &n), JWG_OK);
    assert_string_equal(s, "k\xc3\xa9");
    /* Reading twice returns the same value. */
    assert_int_equal(jwg_result_string(valid, JWG_PART_CLAIMS, "name", &s, &n), JWG_OK);
    assert_string_equal(s, "a\nbA\xf0\x9f\x98\x80");
    assert_int_equal(jwg_result_string(valid, JWG_PART_CLAIMS, "n", &s, &n), JWG_ERR_MEMBER_TYPE);
    assert_null(s);
    assert_int_equal(jwg_result_string(valid, JWG_PART_CLAIMS, "absent", &s, &n), JWG_ERR_MEMBER_NOT_FOUND);
}

/* Numbers and booleans with their type rules. */
static void result_numbers(void **state)
{
    (void)state;
    int64_t i;
    double d;
    int b;
    assert_int_equal(jwg_result_int(valid, JWG_PART_CLAIMS, "n", &i), JWG_OK);
    assert_int_equal(i, -42);
    assert_int_equal(jwg_result_int(valid, JWG_PART_CLAIMS, "f", &i), JWG_ERR_MEMBER_TYPE);
    assert_int_equal(jwg_result_int(valid, JWG_PART_CLAIMS, "big", &i), JWG_ERR_MEMBER_TYPE);
    assert_int_equal(jwg_result_int(valid, JWG_PART_CLAIMS, "ok", &i), JWG_ERR_MEMBER_TYPE);
    assert_int_equal(jwg_result_number(valid, JWG_PART_CLAIMS, "f", &d), JWG_OK);
    assert_true(d == 1.5);
    assert_int_equal(jwg_result_number(valid, JWG_PART_CLAIMS, "name", &d), JWG_ERR_MEMBER_TYPE);
    assert_int_equal(jwg_result_bool(valid, JWG_PART_CLAIMS, "ok", &b), JWG_OK);
    assert_int_equal(b, 1);
    assert_int_equal(jwg_result_bool(valid, JWG_PART_CLAIMS, "no", &b), JWG_OK);
    assert_int_equal(b, 0);
    assert_int_equal(jwg_result_bool(valid, JWG_PART_CLAIMS, "nul", &b), JWG_ERR_MEMBER_TYPE);
}

/* Arrays of strings, in both parts. */
static void result_arrays(void **state)
{
    (void)state;
    size_t count;
    const char *s;
    size_t n;
    assert_int_equal(jwg_result_strings_count(valid, JWG_PART_CLAIMS, "aud", &count), JWG_OK);
    assert_int_equal(count, 2);
    assert_int_equal(jwg_result_strings_at(valid, JWG_PART_CLAIMS, "aud", 1, &s, &n), JWG_OK);
    assert_string_equal(s, "x\"y");
    assert_int_equal(jwg_result_strings_at(valid, JWG_PART_CLAIMS, "aud", 2, &s, &n), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_result_strings_count(valid, JWG_PART_HEADER, "x5c", &count), JWG_OK);
    assert_int_equal(count, 2);
    assert_int_equal(jwg_result_strings_count(valid, JWG_PART_CLAIMS, "mixed", &count), JWG_ERR_MEMBER_TYPE);
    assert_int_equal(jwg_result_strings_count(valid, JWG_PART_CLAIMS, "iss", &count), JWG_ERR_MEMBER_TYPE);
}

/* Raw values are the exact JSON text, quotes and spacing included. */
static void result_raw(void **state)
{
    (void)state;
    const char *s;
    size_t n;
    assert_int_equal(jwg_result_raw(valid, JWG_PART_CLAIMS, "obj", &s, &n), JWG_OK);
    assert_int_equal(n, strlen("{\"a\":[1, 2]}"));
    assert_memory_equal(s, "{\"a\":[1, 2]}", n);
    assert_int_equal(jwg_result_raw(valid, JWG_PART_CLAIMS, "name", &s, &n), JWG_OK);
    assert_memory_equal(s, "\"a\\nb", 5);
    assert_int_equal(jwg_result_raw(valid, JWG_PART_CLAIMS, "nul", &s, &n), JWG_OK);
    assert_memory_equal(s, "null", n);
    assert_int_equal(jwg_result_json(valid, JWG_PART_CLAIMS, &s, &n), JWG_OK);
    assert_int_equal(n, strlen(CLAIMS));
    assert_non_null(jwg_result_key_thumbprint(valid));
}

/* A bad signature leaves the header readable and the claims and payload closed. */
static void result_not_verified(void **state)
{
    (void)state;
    char *token = forge_hmac(HEADER, CLAIMS, "SHA256", (const uint8_t *)"another-secret-of-thirty-two-byt", 32);
    jwg_result *r = NULL;
    const char *s;
    size_t n;
    const uint8_t *p;
    assert_int_equal(jwg_verify_at(verifier, token, strlen(token), VF_NOW, &r), JWG_ERR_SIGNATURE_INVALID);
    assert_int_equal(jwg_result_error(r), JWG_ERR_SIGNATURE_INVALID);
    assert_int_equal(jwg_result_string(r, JWG_PART_HEADER, "alg", &s, &n), JWG_OK);
    assert_string_equal(s, "HS256");
    assert_int_equal(jwg_result_string(r, JWG_PART_CLAIMS, "iss", &s, &n), JWG_ERR_NOT_VERIFIED);
    assert_int_equal(jwg_result_json(r, JWG_PART_CLAIMS, &s, &n), JWG_ERR_NOT_VERIFIED);
    assert_int_equal(jwg_result_payload(r, &p, &n), JWG_ERR_NOT_VERIFIED);
    assert_null(jwg_result_key_thumbprint(r));
    jwg_result_free(r);
    free(token);
}

/* A rejected claim leaves authentic claims readable. */
static void result_claim_rejected(void **state)
{
    (void)state;
    jwg_result *r = NULL;
    int64_t exp;
    char *token = vf_hs256(HEADER, CLAIMS);
    assert_int_equal(jwg_verify_at(verifier, token, strlen(token), 1800000000, &r), JWG_ERR_EXPIRED);
    assert_int_equal(jwg_result_int(r, JWG_PART_CLAIMS, "exp", &exp), JWG_OK);
    assert_int_equal(exp, 1800000000);
    assert_string_not_equal(jwg_result_detail(r), "");
    jwg_result_free(r);
    free(token);
}

/* NULL arguments and unparsed headers. */
static void result_arguments(void **state)
{
    (void)state;
    jwg_result *r = NULL;
    const char *s;
    size_t n;
    assert_int_equal(jwg_verify_at(verifier, "a.b", 3, VF_NOW, &r), JWG_ERR_TOKEN_SEGMENTS);
    assert_int_equal(jwg_result_string(r, JWG_PART_HEADER, "alg", &s, &n), JWG_ERR_MEMBER_NOT_FOUND);
    jwg_result_free(r);
    assert_int_equal(jwg_verify_at(NULL, "a.b.c", 5, VF_NOW, &r), JWG_ERR_INVALID_ARGUMENT);
    assert_null(r);
    assert_int_equal(jwg_verify_at(verifier, NULL, 0, VF_NOW, &r), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_verify_at(verifier, "a.b.c", 5, VF_NOW, NULL), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_result_string(NULL, JWG_PART_HEADER, "alg", &s, &n), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_result_string(valid, (jwg_part)7, "alg", &s, &n), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_result_string(valid, JWG_PART_HEADER, NULL, &s, &n), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_result_error(NULL), JWG_ERR_INVALID_ARGUMENT);
    assert_string_equal(jwg_result_detail(NULL), "");
    jwg_result_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(result_strings),      cmocka_unit_test(result_numbers),
        cmocka_unit_test(result_arrays),       cmocka_unit_test(result_raw),
        cmocka_unit_test(result_not_verified), cmocka_unit_test(result_claim_rejected),
        cmocka_unit_test(result_arguments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
