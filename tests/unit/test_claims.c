/*
 * test_claims.c: registered claim checks (RFC 7519 4.1) at their exact
 * boundaries, with leeway, fractions, saturating huge values, lifetime and age.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/vfixture.h"
#include "verify_internal.h"

#define HDR "{\"alg\":\"HS256\"}"
#define ISS_AUD "\"iss\":\"https://issuer.example\",\"aud\":\"api\""

struct claim_case {
    const char *name;
    const char *payload; /* "%s" is replaced by ISS_AUD */
    int64_t leeway;
    int64_t max_lifetime;
    int64_t max_age;
    unsigned drop;
    const char *require;
    jwg_err want;
};

/* VF_NOW is 1700000000. */
static const struct claim_case cases[] = {
    /* exp one second ahead is valid. */
    {"exp ahead", "{%s,\"exp\":1700000001}", 0, 0, 0, 0, NULL, JWG_OK},
    /* RFC 7519 4.1.4: now == exp is already expired. */
    {"exp equal now", "{%s,\"exp\":1700000000}", 0, 0, 0, 0, NULL, JWG_ERR_EXPIRED},
    /* exp within the leeway is accepted. */
    {"exp leeway inside", "{%s,\"exp\":1699999991}", 10, 0, 0, 0, NULL, JWG_OK},
    /* now == exp + leeway is expired. */
    {"exp leeway edge", "{%s,\"exp\":1699999990}", 10, 0, 0, 0, NULL, JWG_ERR_EXPIRED},
    /* A fraction rounds down: exp = now + 0.5 is exp = now. */
    {"exp fraction down", "{%s,\"exp\":1700000000.5}", 0, 0, 0, 0, NULL, JWG_ERR_EXPIRED},
    /* exp = now + 1.5 rounds to now + 1 and is valid. */
    {"exp fraction ok", "{%s,\"exp\":1700000001.5}", 0, 0, 0, 0, NULL, JWG_OK},
    /* An exponent form is a JSON number too. */
    {"exp exponent", "{%s,\"exp\":1.8e9}", 0, 0, 0, 0, NULL, JWG_OK},
    /* A huge exp saturates instead of wrapping negative. */
    {"exp huge", "{%s,\"exp\":1e300}", 0, 0, 0, 0, NULL, JWG_OK},
    /* INT64_MAX plus the leeway must not overflow. */
    {"exp int64 max", "{%s,\"exp\":9223372036854775807}", 86400, 0, 0, 0, NULL, JWG_OK},
    /* A hugely negative exp saturates and is expired. */
    {"exp huge negative", "{%s,\"exp\":-1e300}", 0, 0, 0, 0, NULL, JWG_ERR_EXPIRED},
    /* exp is required by default. */
    {"exp missing", "{%s}", 0, 0, 0, 0, NULL, JWG_ERR_CLAIM_MISSING},
    /* Dropping the exp check makes it optional. */
    {"exp dropped", "{%s}", 0, 0, 0, JWG_CHECK_EXP, NULL, JWG_OK},
    /* A dropped exp check still enforces a present exp. */
    {"exp dropped present", "{%s,\"exp\":1}", 0, 0, 0, JWG_CHECK_EXP, NULL, JWG_ERR_EXPIRED},
    /* A numeric string is not a NumericDate. */
    {"exp string", "{%s,\"exp\":\"1800000000\"}", 0, 0, 0, 0, NULL, JWG_ERR_CLAIM_TYPE},
    /* null is not a NumericDate. */
    {"exp null", "{%s,\"exp\":null}", 0, 0, 0, 0, NULL, JWG_ERR_CLAIM_TYPE},
    /* A boolean is not a NumericDate. */
    {"exp bool", "{%s,\"exp\":true}", 0, 0, 0, 0, NULL, JWG_ERR_CLAIM_TYPE},
    /* An array is not a NumericDate. */
    {"exp array", "{%s,\"exp\":[1800000000]}", 0, 0, 0, 0, NULL, JWG_ERR_CLAIM_TYPE},

    /* RFC 7519 4.1.5: nbf == now is valid. */
    {"nbf equal now", "{%s,\"exp\":1800000000,\"nbf\":1700000000}", 0, 0, 0, 0, NULL, JWG_OK},
    /* nbf one second ahead is not valid yet. */
    {"nbf ahead", "{%s,\"exp\":1800000000,\"nbf\":1700000001}", 0, 0, 0, 0, NULL, JWG_ERR_NOT_YET_VALID},
    /* nbf == now + leeway is accepted. */
    {"nbf leeway edge", "{%s,\"exp\":1800000000,\"nbf\":1700000010}", 10, 0, 0, 0, NULL, JWG_OK},
    /* nbf beyond now + leeway is rejected. */
    {"nbf leeway past", "{%s,\"exp\":1800000000,\"nbf\":1700000011}", 10, 0, 0, 0, NULL,
     JWG_ERR_NOT_YET_VALID},
    /* nbf = now + 0.9 rounds down to now. */
    {"nbf fraction", "{%s,\"exp\":1800000000,\"nbf\":1700000000.9}", 0, 0, 0, 0, NULL, JWG_OK},
    /* INT64_MIN nbf with leeway does not overflow. */
    {"nbf int64 min", "{%s,\"exp\":1800000000,\"nbf\":-9223372036854775808}", 86400, 0, 0, 0, NULL,
     JWG_OK},
    /* A huge nbf saturates and stays in the future. */
    {"nbf huge", "{%s,\"exp\":1800000000,\"nbf\":1e300}", 86400, 0, 0, 0, NULL, JWG_ERR_NOT_YET_VALID},
    /* nbf as a string is a type error. */
    {"nbf string", "{%s,\"exp\":1800000000,\"nbf\":\"0\"}", 0, 0, 0, 0, NULL, JWG_ERR_CLAIM_TYPE},

    /* iat == now is valid. */
    {"iat equal now", "{%s,\"exp\":1800000000,\"iat\":1700000000}", 0, 0, 0, 0, NULL, JWG_OK},
    /* iat one second ahead is in the future. */
    {"iat ahead", "{%s,\"exp\":1800000000,\"iat\":1700000001}", 0, 0, 0, 0, NULL,
     JWG_ERR_ISSUED_IN_FUTURE},
    /* iat == now + leeway is accepted. */
    {"iat leeway edge", "{%s,\"exp\":1800000000,\"iat\":1700000010}", 10, 0, 0, 0, NULL, JWG_OK},
    /* iat beyond now + leeway is rejected. */
    {"iat leeway past", "{%s,\"exp\":1800000000,\"iat\":1700000011}", 10, 0, 0, 0, NULL,
     JWG_ERR_ISSUED_IN_FUTURE},
    /* iat as a boolean is a type error. */
    {"iat bool", "{%s,\"exp\":1800000000,\"iat\":false}", 0, 0, 0, 0, NULL, JWG_ERR_CLAIM_TYPE},

    /* exp - iat equal to the maximum lifetime is valid. */
    {"lifetime edge", "{%s,\"iat\":1700000000,\"exp\":1700003600}", 0, 3600, 0, 0, NULL, JWG_OK},
    /* exp - iat one second over the maximum lifetime. */
    {"lifetime over", "{%s,\"iat\":1700000000,\"exp\":1700003601}", 0, 3600, 0, 0, NULL, JWG_ERR_LIFETIME},
    /* A maximum lifetime makes iat required. */
    {"lifetime no iat", "{%s,\"exp\":1700003600}", 0, 3600, 0, 0, NULL, JWG_ERR_CLAIM_MISSING},
    /* A maximum lifetime makes exp required even with the exp check dropped. */
    {"lifetime no exp", "{%s,\"iat\":1700000000}", 0, 3600, 0, JWG_CHECK_EXP, NULL, JWG_ERR_CLAIM_MISSING},
    /* exp - iat over the int64 range saturates rather than wrapping to a small value. */
    {"lifetime saturate", "{%s,\"iat\":-9223372036854775808,\"exp\":9223372036854775807}", 0, 3600, 0, 0,
     NULL, JWG_ERR_LIFETIME},

    /* now - iat equal to the maximum age is valid. */
    {"age edge", "{%s,\"exp\":1800000000,\"iat\":1699999940}", 0, 0, 60, 0, NULL, JWG_OK},
    /* now - iat one second over the maximum age. */
    {"age over", "{%s,\"exp\":1800000000,\"iat\":1699999939}", 0, 0, 60, 0, NULL, JWG_ERR_TOO_OLD},
    /* A maximum age makes iat required. */
    {"age no iat", "{%s,\"exp\":1800000000}", 0, 0, 60, 0, NULL, JWG_ERR_CLAIM_MISSING},
    /* now - INT64_MIN saturates rather than overflowing. */
    {"age saturate", "{%s,\"exp\":1800000000,\"iat\":-9223372036854775808}", 0, 0, 60, 0, NULL,
     JWG_ERR_TOO_OLD},

    /* A claim the policy requires is missing. */
    {"require missing", "{%s,\"exp\":1800000000}", 0, 0, 0, 0, "sub", JWG_ERR_CLAIM_MISSING},
    /* A required claim may have any JSON type, null included. */
    {"require present", "{%s,\"exp\":1800000000,\"sub\":null}", 0, 0, 0, 0, "sub", JWG_OK},

    /* aud as an array matches when one value is allowed. */
    {"aud array", "{\"iss\":\"https://issuer.example\",\"aud\":[\"x\",\"api\"],\"exp\":1800000000}", 0, 0,
     0, 0, NULL, JWG_OK},
    /* iss written with an escape equals the allowed issuer after unescaping. */
    {"iss escaped", "{\"iss\":\"https:\\/\\/issuer.example\",\"aud\":\"api\",\"exp\":1800000000}", 0, 0,
     0, 0, NULL, JWG_OK},
    /* Dropped iss and aud checks ignore their values and types. */
    {"iss aud dropped", "{\"iss\":5,\"aud\":false,\"exp\":1800000000}", 0, 0, 0,
     JWG_CHECK_ISS | JWG_CHECK_AUD, NULL, JWG_OK},
};

static jwg_verifier *case_verifier(const struct claim_case *c)
{
    jwg_policy *p = vf_policy();
    assert_int_equal(jwg_policy_set_leeway(p, c->leeway), JWG_OK);
    assert_int_equal(jwg_policy_set_max_lifetime(p, c->max_lifetime), JWG_OK);
    assert_int_equal(jwg_policy_set_max_age(p, c->max_age), JWG_OK);
    if (c->drop != 0)
        assert_int_equal(jwg_policy_drop_check(p, (jwg_check)c->drop), JWG_OK);
    if (c->require != NULL)
        assert_int_equal(jwg_policy_require_claim(p, c->require), JWG_OK);

    jwg_verifier *v = vf_verifier(p);
    jwg_policy_free(p);
    assert_non_null(v);
    return v;
}

static void claims_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct claim_case *c = &cases[i];
        char payload[512];
        snprintf(payload, sizeof(payload), c->payload, ISS_AUD);

        jwg_verifier *v = case_verifier(c);
        char *token = vf_hs256(HDR, payload);
        jwg_err got = vf_verify(v, token, VF_NOW);
        if (got != c->want)
            print_error("case \"%s\": got %s, want %s\n", c->name, jwg_err_name(got), jwg_err_name(c->want));
        assert_int_equal(got, c->want);
        free(token);
        jwg_verifier_free(v);
    }
}

/* The detail names the claim, never its value. */
static void claims_detail_no_value(void **state)
{
    (void)state;
    jwg_policy *p = vf_policy();
    jwg_verifier *v = vf_verifier(p);
    char *token = vf_hs256(HDR, "{\"iss\":\"https://secret-issuer.example\",\"aud\":\"api\",\"exp\":1800000000}");

    jwg_result *r = NULL;
    assert_int_equal(jwg_verify_at(v, token, strlen(token), VF_NOW, &r), JWG_ERR_ISSUER);
    assert_non_null(strstr(jwg_result_detail(r), "iss"));
    assert_null(strstr(jwg_result_detail(r), "secret-issuer"));

    jwg_result_free(r);
    free(token);
    jwg_verifier_free(v);
    jwg_policy_free(p);
}

/* Policy setters reject out-of-range values. */
static void claims_policy_ranges(void **state)
{
    (void)state;
    jwg_policy *p = vf_policy();
    assert_int_equal(jwg_policy_set_leeway(p, -1), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_set_leeway(p, 86401), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_set_max_lifetime(p, -1), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_set_max_age(p, -5), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_set_max_token_bytes(p, 0), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_set_max_token_bytes(p, JWG_MAX_TOKEN_BYTES_LIMIT + 1), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_drop_check(p, (jwg_check)0x80), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_add_alg(p, "none"), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_add_alg(p, "hs256"), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_add_issuer(p, ""), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_add_issuer(NULL, "x"), JWG_ERR_INVALID_ARGUMENT);
    jwg_policy_free(p);
}

/* jwg_verifier_new refuses policies that cannot be enforced. */
static void claims_policy_invalid(void **state)
{
    (void)state;
    jwg_policy *p = NULL;
    jwg_keyset *ks = vf_keyset();
    jwg_verifier *v = NULL;
    char detail[JWG_DETAIL_MAX];

    assert_int_equal(jwg_policy_new(&p), JWG_OK);
    assert_int_equal(jwg_verifier_new(&v, p, ks, detail, sizeof(detail)), JWG_ERR_POLICY_INVALID);
    assert_non_null(strstr(detail, "jwg_policy_add_issuer"));
    assert_int_equal(jwg_policy_add_issuer(p, VF_ISSUER), JWG_OK);
    assert_int_equal(jwg_verifier_new(&v, p, ks, detail, sizeof(detail)), JWG_ERR_POLICY_INVALID);
    assert_non_null(strstr(detail, "jwg_policy_add_audience"));
    assert_int_equal(jwg_policy_add_audience(p, VF_AUDIENCE), JWG_OK);
    assert_int_equal(jwg_policy_add_alg(p, "RS256"), JWG_OK);
    assert_int_equal(jwg_verifier_new(&v, p, ks, detail, sizeof(detail)), JWG_ERR_NO_KEYS);
    assert_null(v);

    jwg_keyset *empty = NULL;
    assert_int_equal(jwg_keyset_new(&empty), JWG_OK);
    assert_int_equal(jwg_verifier_new(&v, p, empty, detail, sizeof(detail)), JWG_ERR_NO_KEYS);

    jwg_keyset_free(empty);
    jwg_keyset_free(ks);
    jwg_policy_free(p);
}

/* Parses `json` (an object) and indexes its registered names into `names`. */
static void index_names(const char *json, jwg_json_node *nodes, size_t cap, jwg_names *names)
{
    jwg_json_doc doc;
    jwg_err rc = jwg_json_parse((const uint8_t *)json, strlen(json), nodes, cap, 4, &doc);
    assert_int_equal(rc, JWG_OK);
    jwg_names_index(&doc, names);
}

/* Every registered name is found, by its value node; the value of name k is the number k + 1. */
static void names_index_all(void **state)
{
    (void)state;
    static const char json[] =
        "{\"alg\":1,\"kid\":2,\"typ\":3,\"cty\":4,\"crit\":5,\"jku\":6,\"x5u\":7,"
        "\"jwk\":8,\"x5c\":9,\"exp\":10,\"nbf\":11,\"iat\":12,\"iss\":13,\"aud\":14}";
    jwg_json_node nodes[64];
    jwg_names names;
    index_names(json, nodes, 64, &names);

    for (size_t k = 0; k < JWG_NAME_COUNT; k++) {
        char want[8];
        snprintf(want, sizeof(want), "%zu", k + 1);
        const jwg_json_node *value = &nodes[names.idx[k]];
        assert_int_not_equal(names.idx[k], 0);
        assert_int_equal(value->len, strlen(want));
        assert_memory_equal(json + value->start, want, value->len);
    }
}

/* Names that differ from a registered one by length, case or one byte are not indexed. */
static void names_index_near_misses(void **state)
{
    (void)state;
    static const char json[] = "{\"al\":1,\"algs\":2,\"ALG\":3,\"\\u0000\\u0000\\u0000\":4,"
                               "\"cri\":5,\"crits\":6,\"x5t\":7,\"sub\":8,\"jti\":9,\"\":10}";
    jwg_json_node nodes[64];
    jwg_names names;
    index_names(json, nodes, 64, &names);

    for (size_t k = 0; k < JWG_NAME_COUNT; k++)
        assert_int_equal(names.idx[k], 0);
}

/* Escaped spellings of registered names are found after unescaping. */
static void names_index_escaped(void **state)
{
    (void)state;
    static const char json[] =
        "{\"\\u0061lg\":1,\"\\u0063rit\":2,\"i\\u0073s\":3,\"\\u0065xpiry\":4}";
    jwg_json_node nodes[64];
    jwg_names names;
    index_names(json, nodes, 64, &names);

    assert_int_equal(names.idx[JWG_NAME_ALG], 2);
    assert_int_equal(names.idx[JWG_NAME_CRIT], 4);
    assert_int_equal(names.idx[JWG_NAME_ISS], 6);
    assert_int_equal(names.idx[JWG_NAME_EXP], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(claims_table),
        cmocka_unit_test(names_index_all),
        cmocka_unit_test(names_index_near_misses),
        cmocka_unit_test(names_index_escaped),
        cmocka_unit_test(claims_detail_no_value),
        cmocka_unit_test(claims_policy_ranges),
        cmocka_unit_test(claims_policy_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
