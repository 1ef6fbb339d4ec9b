/*
 * test_scan_span.c: finding compact JWS and JWE tokens in text by shape.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scan/jwt_span.h"

/* A header {"alg":"HS256","typ":"JWT"}, claims {"sub":"1234"} and an HS256-sized signature. */
#define H "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
#define P "eyJzdWIiOiIxMjM0In0"
#define S "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
#define JWS H "." P "." S
/* A JWE header {"alg":"dir","enc":"A128GCM"}, empty key, 96-bit IV, ciphertext, 128-bit tag. */
#define JH "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0"
#define JWE JH "..48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji.XFBoMYUZodetZdvTiFvSkQ"

struct span_case {
    const char *text;
    bool found;
    size_t start; /* expected span, when found */
    size_t len;
    jwt_span_kind kind;
};

static const struct span_case span_cases[] = {
    /* a bare JWS is the whole text */
    {JWS, true, 0, sizeof(JWS) - 1, JWT_SPAN_JWS},
    /* after a query parameter name */
    {"GET /cb?id_token=" JWS "&state=1", true, 17, sizeof(JWS) - 1, JWT_SPAN_JWS},
    /* inside double quotes */
    {"\"token\": \"" JWS "\"", true, 10, sizeof(JWS) - 1, JWT_SPAN_JWS},
    /* a sentence-ending period is not a fourth part */
    {"token " JWS ". Next", true, 6, sizeof(JWS) - 1, JWT_SPAN_JWS},
    /* unsigned token: empty signature ("alg": "none", RFC 7519 6.1) */
    {"x " H "." P ". y", true, 2, sizeof(H "." P ".") - 1, JWT_SPAN_JWS},
    /* unsigned token at the very end of the text */
    {"x " H "." P ".", true, 2, sizeof(H "." P ".") - 1, JWT_SPAN_JWS},
    /* a JWE with direct encryption has an empty second part */
    {"enc=" JWE "\n", true, 4, sizeof(JWE) - 1, JWT_SPAN_JWE},
    /* a form-encoded space before the token */
    {"Authorization=Bearer+" JWS, true, 21, sizeof(JWS) - 1, JWT_SPAN_JWS},
    /* a URL path segment before the token */
    {"https://api.example.com/v1/session/" JWS "/end", true, 35, sizeof(JWS) - 1,
     JWT_SPAN_JWS},
    /* the first of two adjacent tokens separated by a comma */
    {JWS "," JWS, true, 0, sizeof(JWS) - 1, JWT_SPAN_JWS},
    /* a base64url character before "eyJ": inside a longer word */
    {"x" JWS, false, 0, 0, JWT_SPAN_JWS},
    /* '/' inside a standard base64 blob */
    {"QUJDREVGR0hJSktMTU5PUFFSU1RVVldY/" JWS, false, 0, 0, JWT_SPAN_JWS},
    /* truncated documentation placeholder */
    {"token: eyJhbGciOi...", false, 0, 0, JWT_SPAN_JWS},
    /* header shorter than any real one */
    {"eyJhbGci." P "." S, false, 0, 0, JWT_SPAN_JWS},
    /* a signature of a few characters is a placeholder */
    {H "." P ".abc", false, 0, 0, JWT_SPAN_JWS},
    /* a header of length 1 mod 4 is not base64url */
    {"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9x." P "." S, false, 0, 0, JWT_SPAN_JWS},
    /* four parts are neither a JWS nor a JWE */
    {JWS "." S, false, 0, 0, JWT_SPAN_JWS},
    /* two parts only */
    {H "." P, false, 0, 0, JWT_SPAN_JWS},
    /* a payload that begins "eyJ" is not a token of its own */
    {"x." P "." S "." S, false, 0, 0, JWT_SPAN_JWS},
    /* no "eyJ" at all */
    {"plain text with eyes and keys", false, 0, 0, JWT_SPAN_JWS},
};

/* Runs every case through jwt_span_next() from offset 0. */
static void span_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(span_cases) / sizeof(span_cases[0]); i++) {
        const struct span_case *c = &span_cases[i];
        jwt_span span = {0};
        bool found = jwt_span_next((const uint8_t *)c->text, strlen(c->text), 0, &span);

        print_message("case %zu\n", i);
        assert_int_equal(found, c->found);
        if (!c->found)
            continue;
        assert_int_equal(span.start, c->start);
        assert_int_equal(span.len, c->len);
        assert_int_equal(span.kind, c->kind);
    }
}

/* The second of two adjacent tokens is found from past the first. */
static void span_next_after_first(void **state)
{
    static const char text[] = JWS "," JWS;
    jwt_span span = {0};

    (void)state;
    assert_true(jwt_span_next((const uint8_t *)text, sizeof(text) - 1, 1, &span));
    assert_int_equal(span.start, sizeof(JWS));
    assert_int_equal(span.len, sizeof(JWS) - 1);
}

/* A token cut by the end of the buffer is rejected, never read past. */
static void span_cut_by_end(void **state)
{
    static const char text[] = JWS;
    jwt_span span = {0};

    (void)state;
    for (size_t n = 0; n < sizeof(H "." P) - 1; n++)
        assert_false(jwt_span_next((const uint8_t *)text, n, 0, &span));
}

/* A run of parts longer than JWT_SPAN_MAX_LEN is not a token. */
static void span_too_long(void **state)
{
    static uint8_t text[JWT_SPAN_MAX_LEN + 64];
    jwt_span span = {0};

    (void)state;
    memset(text, 'A', sizeof(text));
    memcpy(text, H ".", sizeof(H));
    text[sizeof(text) - 50] = '.';
    assert_false(jwt_span_at(text, sizeof(text), 0, &span));
}

/* jwt_span_at() rejects a start that is not "eyJ" and an offset past the end. */
static void span_at_bad_start(void **state)
{
    static const char text[] = " " JWS;
    jwt_span span = {0};

    (void)state;
    assert_false(jwt_span_at((const uint8_t *)text, sizeof(text) - 1, 0, &span));
    assert_false(jwt_span_at((const uint8_t *)text, sizeof(text) - 1, sizeof(text), &span));
    assert_true(jwt_span_at((const uint8_t *)text, sizeof(text) - 1, 1, &span));
    assert_int_equal(span.len, sizeof(JWS) - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(span_table),
        cmocka_unit_test(span_next_after_first),
        cmocka_unit_test(span_cut_by_end),
        cmocka_unit_test(span_too_long),
        cmocka_unit_test(span_at_bad_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
