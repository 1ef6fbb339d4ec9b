/*
 * test_vectors.c: published JWS examples from RFC 7515 Appendix A,
 * RFC 7520 section 4 and RFC 8037 Appendix A.4, verified with the key
 * each example gives (tests/data/vectors/SOURCES.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jwtguard/jwtguard.h"
#include "support/forge.h"

#define VECTORS JWG_TEST_DATA "/vectors/"

/* RFC 7515 A.1-A.4 claims: "iss":"joe", "exp":1300819380. */
#define RFC7515_ISS "joe"
#define RFC7515_EXP INT64_C(1300819380)

enum mode {
    JWS, /* jwg_verify_jws: opaque payload */
    JWT  /* jwg_verify_at one second before exp, iss "joe", aud check dropped */
};

struct vector {
    const char *name; /* file stem in tests/data/vectors */
    const char *jwk;  /* key file stem */
    enum mode mode;
    jwg_err want;
};

static const struct vector vectors[] = {
    /* RFC 7515 A.1: HS256 JWT, header with CRLF whitespace. */
    {"rfc7515_A.1", "rfc7515_A.1", JWT, JWG_OK},
    {"rfc7515_A.1", "rfc7515_A.1", JWS, JWG_OK},
    /* RFC 7515 A.2: RS256. */
    {"rfc7515_A.2", "rfc7515_A.2", JWT, JWG_OK},
    {"rfc7515_A.2", "rfc7515_A.2", JWS, JWG_OK},
    /* RFC 7515 A.3: ES256. */
    {"rfc7515_A.3", "rfc7515_A.3", JWT, JWG_OK},
    {"rfc7515_A.3", "rfc7515_A.3", JWS, JWG_OK},
    /* RFC 7515 A.4: ES512 on P-521; its payload is the text "Payload", so as a JWT it is not JSON. */
    {"rfc7515_A.4", "rfc7515_A.4", JWT, JWG_ERR_JSON_SYNTAX},
    {"rfc7515_A.4", "rfc7515_A.4", JWS, JWG_OK},
    /* RFC 7515 A.5: the unsecured JWS is never accepted. */
    {"rfc7515_A.5", "rfc7515_A.1", JWT, JWG_ERR_ALG_NONE},
    {"rfc7515_A.5", "rfc7515_A.1", JWS, JWG_ERR_ALG_NONE},
    /* RFC 7520 4.1: RS256 over a text payload. */
    {"rfc7520_4.1", "rfc7520_4.1", JWS, JWG_OK},
    /* RFC 7520 4.2: PS384. */
    {"rfc7520_4.2", "rfc7520_4.2", JWS, JWG_OK},
    /* RFC 7520 4.3: ES512. */
    {"rfc7520_4.3", "rfc7520_4.3", JWS, JWG_OK},
    /* RFC 7520 4.4: HS256 with a key bound by its JWK "alg". */
    {"rfc7520_4.4", "rfc7520_4.4", JWS, JWG_OK},
    /* RFC 8037 A.4: Ed25519. */
    {"rfc8037_A.4", "rfc8037_A.4", JWS, JWG_OK},
};

/* Reads a vector file without trailing whitespace. */
static char *read_vector(const char *stem, const char *ext, size_t *len)
{
    char path[256];
    snprintf(path, sizeof(path), VECTORS "%s.%s", stem, ext);
    char *text = forge_read(path, len);
    assert_non_null(text);
    while (*len > 0 && (text[*len - 1] == '\n' || text[*len - 1] == '\r' || text[*len - 1] == ' '))
        text[--*len] = '\0';
    return text;
}

static jwg_verifier *vector_verifier(const char *jwk_stem)
{
    size_t len;
    char *jwk = read_vector(jwk_stem, "jwk", &len);
    jwg_keyset *ks = NULL;
    jwg_policy *p = NULL;
    jwg_verifier *v = NULL;
    char detail[JWG_DETAIL_MAX];

    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    jwg_err rc = jwg_keyset_add_jwk(ks, jwk, len);
    if (rc != JWG_OK)
        print_error("%s: %s: %s\n", jwk_stem, jwg_err_name(rc), jwg_keyset_detail(ks));
    assert_int_equal(rc, JWG_OK);
    assert_int_equal(jwg_policy_new(&p), JWG_OK);
    assert_int_equal(jwg_policy_add_issuer(p, RFC7515_ISS), JWG_OK);
    assert_int_equal(jwg_policy_drop_check(p, JWG_CHECK_AUD), JWG_OK);
    assert_int_equal(jwg_verifier_new(&v, p, ks, detail, sizeof(detail)), JWG_OK);

    jwg_policy_free(p);
    jwg_keyset_free(ks);
    free(jwk);
    return v;
}

static jwg_err run_vector(const jwg_verifier *v, const char *token, size_t len, enum mode mode,
                          int64_t now)
{
    jwg_result *r = NULL;
    jwg_err rc = mode == JWS ? jwg_verify_jws(v, token, len, &r) : jwg_verify_at(v, token, len, now, &r);
    if (rc != JWG_OK)
        print_error("  %s: %s\n", jwg_err_name(rc), jwg_result_detail(r));
    jwg_result_free(r);
    return rc;
}

/* Each published example verifies (or, for A.5, is rejected) as expected. */
static void vectors_verify(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        const struct vector *t = &vectors[i];
        size_t len;
        char *token = read_vector(t->name, "jwsc", &len);
        jwg_verifier *v = vector_verifier(t->jwk);

        jwg_err got = run_vector(v, token, len, t->mode, RFC7515_EXP - 1);
        if (got != t->want) {
            print_error("vector %s (%s): got %s, want %s\n", t->name, t->mode == JWS ? "jws" : "jwt",
                        jwg_err_name(got), jwg_err_name(t->want));
            failed++;
        }

        jwg_verifier_free(v);
        free(token);
    }
    assert_int_equal(failed, 0);
}

/* The RFC 7515 JWT examples expire exactly at their exp. */
static void vectors_expire(void **state)
{
    (void)state;
    size_t len;
    char *token = read_vector("rfc7515_A.1", "jwsc", &len);
    jwg_verifier *v = vector_verifier("rfc7515_A.1");
    assert_int_equal(run_vector(v, token, len, JWT, RFC7515_EXP), JWG_ERR_EXPIRED);
    jwg_verifier_free(v);
    free(token);
}

/* A single changed payload character breaks every valid example. */
static void vectors_tampered(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        const struct vector *t = &vectors[i];
        if (t->want != JWG_OK || t->mode != JWS)
            continue;
        size_t len;
        char *token = read_vector(t->name, "jwsc", &len);
        jwg_verifier *v = vector_verifier(t->jwk);

        char *payload = strchr(token, '.') + 1;
        payload[0] = payload[0] == 'A' ? 'B' : 'A';
        assert_int_equal(run_vector(v, token, len, JWS, 0), JWG_ERR_SIGNATURE_INVALID);

        jwg_verifier_free(v);
        free(token);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vectors_verify),
        cmocka_unit_test(vectors_expire),
        cmocka_unit_test(vectors_tampered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
