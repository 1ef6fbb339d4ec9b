/*
 * test_decode.c: jwg_decode_unverified(): the same strict decoding as
 * verification, no signature or claim checks, and a result whose error is
 * always JWG_ERR_NOT_VERIFIED.
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

#define HEADER "{\"alg\":\"RS256\",\"kid\":\"k1\"}"
#define CLAIMS "{\"iss\":\"https://issuer.example\",\"aud\":[\"api\",\"web\"],\"exp\":1,\"sub\":\"a\\u0041\"}"
/* 14 bytes, so its standard base64 form ends in one '=' */
#define NONE_HEADER "{\"alg\":\"none\"}"

/* How a row's token is put together from its header and claims JSON. */
enum shape {
    SIGNED,       /* HEADER.CLAIMS.c2ln */
    EMPTY_SIG,    /* HEADER.CLAIMS. */
    PAD_HEADER,   /* '=' after the header segment */
    PAD_CLAIMS,   /* '=' after the claims segment */
    BAD_SIG,      /* a signature segment with '+' */
    TWO_SEGMENTS, /* HEADER.CLAIMS */
    FOUR_SEGMENTS, /* HEADER.CLAIMS.c2ln.c2ln */
    EMPTY_HEADER, /* .CLAIMS.c2ln */
    OVERSIZE      /* a claims member that makes the token longer than JWG_MAX_TOKEN_BYTES_LIMIT */
};

struct decode_case {
    const char *name;
    const char *header;
    const char *claims;
    enum shape shape;
    jwg_err want; /* JWG_OK: decodes, and the result's error is JWG_ERR_NOT_VERIFIED */
};

static const struct decode_case cases[] = {
    /* A well-formed token decodes although its signature is garbage. */
    {"valid", HEADER, CLAIMS, SIGNED, JWG_OK},
    /* An unsecured token decodes so that inspect can show it (RFC 7515 A.5). */
    {"none empty sig", NONE_HEADER, CLAIMS, EMPTY_SIG, JWG_OK},
    /* alg is not read, so a header without it decodes. */
    {"no alg", "{\"typ\":\"JWT\"}", CLAIMS, SIGNED, JWG_OK},
    /* Padding is not base64url (RFC 7515 2). */
    {"padded header", NONE_HEADER, CLAIMS, PAD_HEADER, JWG_ERR_BASE64URL},
    /* Padding in the claims segment. */
    {"padded claims", HEADER, NONE_HEADER, PAD_CLAIMS, JWG_ERR_BASE64URL},
    /* The signature segment follows the same alphabet rules. */
    {"bad sig encoding", HEADER, CLAIMS, BAD_SIG, JWG_ERR_BASE64URL},
    /* Two segments are not a compact JWS. */
    {"two segments", HEADER, CLAIMS, TWO_SEGMENTS, JWG_ERR_TOKEN_SEGMENTS},
    /* Four segments are not a compact JWS. */
    {"four segments", HEADER, CLAIMS, FOUR_SEGMENTS, JWG_ERR_TOKEN_SEGMENTS},
    /* An empty header segment. */
    {"empty header", HEADER, CLAIMS, EMPTY_HEADER, JWG_ERR_TOKEN_SEGMENTS},
    /* Duplicate header members hide a value from some verifiers (RFC 7515 5.2). */
    {"dup header", "{\"alg\":\"RS256\",\"alg\":\"none\"}", CLAIMS, SIGNED, JWG_ERR_JSON_DUPLICATE},
    /* Duplicates are found after unescaping. */
    {"dup escaped", HEADER, "{\"sub\":\"a\",\"\\u0073ub\":\"b\"}", SIGNED, JWG_ERR_JSON_DUPLICATE},
    /* Claims must be an object. */
    {"claims array", HEADER, "[1]", SIGNED, JWG_ERR_JSON_NOT_OBJECT},
    /* Broken JSON in the header. */
    {"header syntax", "{\"alg\":}", CLAIMS, SIGNED, JWG_ERR_JSON_SYNTAX},
    /* Invalid UTF-8 in a claim string. */
    {"claims utf8", HEADER, "{\"sub\":\"\xc3\x28\"}", SIGNED, JWG_ERR_JSON_UTF8},
    /* Nesting deeper than JWG_MAX_JSON_DEPTH. */
    {"claims depth", HEADER, "{\"a\":[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}", SIGNED, JWG_ERR_JSON_DEPTH},
    /* The size limit is JWG_MAX_TOKEN_BYTES_LIMIT. */
    {"oversize", HEADER, CLAIMS, OVERSIZE, JWG_ERR_TOKEN_TOO_LARGE},
};

/* Returns a claims object with one string member of `n` characters. */
static char *big_claims(size_t n)
{
    char *s = malloc(n + 16);
    assert_non_null(s);
    memcpy(s, "{\"x\":\"", 6);
    memset(s + 6, 'a', n);
    memcpy(s + 6 + n, "\"}", 3);
    return s;
}

static char *join(const char *a, const char *b, const char *c, const char *d)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + strlen(d) + 1;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, "%s%s%s%s", a, b, c, d);
    return s;
}

static char *build(const struct decode_case *c)
{
    char *big = c->shape == OVERSIZE ? big_claims(JWG_MAX_TOKEN_BYTES_LIMIT) : NULL;
    const char *claims = big != NULL ? big : c->claims;
    char *h = forge_b64url((const uint8_t *)c->header, strlen(c->header));
    char *p = forge_b64url((const uint8_t *)claims, strlen(claims));
    char *t;

    switch (c->shape) {
    case EMPTY_SIG: t = join(h, ".", p, "."); break;
    case PAD_HEADER: t = join(h, "=.", p, ".c2ln"); break;
    case PAD_CLAIMS: t = join(h, ".", p, "=.c2ln"); break;
    case BAD_SIG: t = join(h, ".", p, ".c2+n"); break;
    case TWO_SEGMENTS: t = join(h, ".", p, ""); break;
    case FOUR_SEGMENTS: t = join(h, ".", p, ".c2ln.c2ln"); break;
    case EMPTY_HEADER: t = join("", ".", p, ".c2ln"); break;
    default: t = join(h, ".", p, ".c2ln"); break;
    }
    free(h);
    free(p);
    free(big);
    return t;
}

static void check_case(const struct decode_case *c, const char *token)
{
    jwg_result *r = NULL;
    jwg_err rc = jwg_decode_unverified(token, strlen(token), &r);

    if (rc != c->want)
        print_error("case %s: got %s (%s)\n", c->name, jwg_err_name(rc), jwg_result_detail(r));
    assert_int_equal(rc, c->want);
    assert_non_null(r);
    assert_true(strlen(jwg_result_detail(r)) > 0);
    assert_null(jwg_result_key_thumbprint(r));
    if (rc == JWG_OK)
        assert_int_equal(jwg_result_error(r), JWG_ERR_NOT_VERIFIED);
    else
        assert_int_equal(jwg_result_error(r), c->want);
    jwg_result_free(r);
}

static void decode_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *token = build(&cases[i]);
        check_case(&cases[i], token);
        free(token);
    }
}

/* Header and claims are readable through the usual accessors; payload and thumbprint are not. */
static void decode_accessors(void **state)
{
    (void)state;
    char *token = forge_with_sig(HEADER, CLAIMS, (const uint8_t *)"sig", 3);
    jwg_result *r = NULL;
    const char *s;
    size_t n;
    int64_t exp;
    const uint8_t *payload;

    assert_int_equal(jwg_decode_unverified(token, strlen(token), &r), JWG_OK);
    assert_int_equal(jwg_result_error(r), JWG_ERR_NOT_VERIFIED);
    assert_int_equal(jwg_result_string(r, JWG_PART_HEADER, "kid", &s, &n), JWG_OK);
    assert_string_equal(s, "k1");
    assert_int_equal(jwg_result_string(r, JWG_PART_CLAIMS, "sub", &s, &n), JWG_OK);
    assert_string_equal(s, "aA");
    assert_int_equal(jwg_result_strings_count(r, JWG_PART_CLAIMS, "aud", &n), JWG_OK);
    assert_int_equal(n, 2);
    /* exp is in the past, and decoding does not care. */
    assert_int_equal(jwg_result_int(r, JWG_PART_CLAIMS, "exp", &exp), JWG_OK);
    assert_int_equal(exp, 1);
    assert_int_equal(jwg_result_json(r, JWG_PART_CLAIMS, &s, &n), JWG_OK);
    assert_int_equal(n, strlen(CLAIMS));
    assert_memory_equal(s, CLAIMS, n);
    assert_int_equal(jwg_result_payload(r, &payload, &n), JWG_ERR_NOT_VERIFIED);
    assert_null(jwg_result_key_thumbprint(r));
    jwg_result_free(r);
    free(token);
}

/* A claims failure leaves the decoded header readable. */
static void decode_header_after_failure(void **state)
{
    (void)state;
    char *token = forge_with_sig(HEADER, "[]", (const uint8_t *)"sig", 3);
    jwg_result *r = NULL;
    const char *s;
    size_t n;

    assert_int_equal(jwg_decode_unverified(token, strlen(token), &r), JWG_ERR_JSON_NOT_OBJECT);
    assert_int_equal(jwg_result_string(r, JWG_PART_HEADER, "alg", &s, &n), JWG_OK);
    assert_string_equal(s, "RS256");
    assert_int_equal(jwg_result_json(r, JWG_PART_CLAIMS, &s, &n), JWG_ERR_NOT_VERIFIED);
    jwg_result_free(r);
    free(token);
}

/* NULL arguments never crash. */
static void decode_arguments(void **state)
{
    (void)state;
    jwg_result *r = NULL;

    assert_int_equal(jwg_decode_unverified(NULL, 0, &r), JWG_ERR_INVALID_ARGUMENT);
    assert_null(r);
    assert_int_equal(jwg_decode_unverified("a.b.c", 5, NULL), JWG_ERR_INVALID_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decode_table),
        cmocka_unit_test(decode_accessors),
        cmocka_unit_test(decode_header_after_failure),
        cmocka_unit_test(decode_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
