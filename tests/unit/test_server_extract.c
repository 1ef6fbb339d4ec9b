/*
 * test_server_extract.c: the gateway's request parsers: Bearer credentials,
 * cookies, query parameters, request-target normalization, client networks
 * and methods. Each table row is one input and the exact expected output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "server/extract.h"

static void bearer_cases(void **state)
{
    static const struct {
        const char *value;
        const char *token; /* NULL: no token */
    } cases[] = {
        /* The usual form. */
        {"Bearer abc.def.ghi", "abc.def.ghi"},
        /* The scheme is case-insensitive (RFC 7235 2.1). */
        {"bEaReR abc.def.ghi", "abc.def.ghi"},
        /* Extra spaces around the token are allowed. */
        {"Bearer   abc.def  ", "abc.def"},
        /* b64token may end in "=" padding (RFC 6750 2.1). */
        {"Bearer abc==", "abc=="},
        /* Another scheme is not a bearer token. */
        {"Basic dXNlcjpwYXNz", NULL},
        /* The scheme must be followed by a space. */
        {"Bearerabc", NULL},
        /* No token after the scheme. */
        {"Bearer   ", NULL},
        /* A comma is not a b64token character. */
        {"Bearer abc,def", NULL},
        /* "=" only at the end. */
        {"Bearer ab=c", NULL},
        /* Two tokens. */
        {"Bearer abc def", NULL},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *tok = NULL;
        size_t len = 0;
        bool ok = srv_bearer_token(cases[i].value, strlen(cases[i].value), &tok, &len);
        assert_int_equal(ok, cases[i].token != NULL);
        if (cases[i].token != NULL) {
            assert_int_equal(len, strlen(cases[i].token));
            assert_memory_equal(tok, cases[i].token, len);
        }
    }
}

/* Returns true for a b64token character other than "=" (RFC 6750 2.1), written out as in the grammar. */
static bool grammar_b64token_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

static void bearer_every_byte(void **state)
{
    (void)state;
    /*
     * Each of the 256 bytes inside a token, NUL included: accepted exactly
     * when the grammar allows it, both in the first 4 bytes, which are
     * checked together, and in the bytes after them, checked one by one.
     */
    static const size_t positions[] = {2, 4};
    for (size_t p = 0; p < 2; p++) {
        for (int c = 0; c < 256; c++) {
            char value[] = "Bearer abcdef";
            value[7 + positions[p]] = (char)c;
            const char *tok = NULL;
            size_t len = 0;
            bool ok = srv_bearer_token(value, sizeof(value) - 1, &tok, &len);
            if (ok != grammar_b64token_char(c))
                fail_msg("byte 0x%02x at %zu: srv_bearer_token returned %d", c, positions[p], ok);
            if (ok)
                assert_int_equal(len, 6);
        }
    }
}

static void cookie_cases(void **state)
{
    static const struct {
        const char *header;
        const char *value;
    } cases[] = {
        /* The only cookie. */
        {"session=abc", "abc"},
        /* Among others, after "; ". */
        {"a=1; session=abc; b=2", "abc"},
        /* A quoted value loses its quotes (RFC 6265 4.1.1). */
        {"session=\"abc\"", "abc"},
        /* The first of two wins. */
        {"session=one; session=two", "one"},
        /* A name that only starts with the wanted one does not match. */
        {"sessionx=abc", NULL},
        /* A name that only ends with it does not match. */
        {"xsession=abc", NULL},
        /* A pair without "=" is skipped. */
        {"session; other=1", NULL},
        /* An empty value is found as empty. */
        {"session=", ""},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *v = NULL;
        size_t len = 0;
        bool ok = srv_cookie_value(cases[i].header, strlen(cases[i].header), "session", &v, &len);
        assert_int_equal(ok, cases[i].value != NULL);
        if (cases[i].value != NULL) {
            assert_int_equal(len, strlen(cases[i].value));
            assert_memory_equal(v, cases[i].value, len);
        }
    }
}

static void query_cases(void **state)
{
    static const struct {
        const char *query;
        const char *value;
    } cases[] = {
        /* Found after another parameter. */
        {"a=1&access_token=abc", "abc"},
        /* Percent-escapes are decoded. */
        {"access_token=a%2Eb", "a.b"},
        /* "+" is a space in form encoding. */
        {"access_token=a+b", "a b"},
        /* A malformed escape rejects the value. */
        {"access_token=a%2", NULL},
        /* A longer name does not match. */
        {"access_tokens=abc", NULL},
        /* Absent. */
        {"a=1&b=2", NULL},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[64];
        size_t len = 0;
        bool ok = srv_query_param(cases[i].query, strlen(cases[i].query), "access_token", out, sizeof(out), &len);
        assert_int_equal(ok, cases[i].value != NULL);
        if (cases[i].value != NULL)
            assert_string_equal(out, cases[i].value);
    }
}

static void query_output_bounded(void **state)
{
    char out[4];
    size_t len;
    (void)state;

    /* A value that does not fit the buffer is rejected, never cut. */
    assert_false(srv_query_param("t=abcd", 6, "t", out, sizeof(out), &len));
    assert_true(srv_query_param("t=abc", 5, "t", out, sizeof(out), &len));
    assert_string_equal(out, "abc");
}

static void target_cases(void **state)
{
    static const struct {
        const char *target;
        srv_target_error error;
        const char *path;
        const char *query;
    } cases[] = {
        /* A plain path keeps its form; the query is split off. */
        {"/orders/7?x=1", SRV_TARGET_OK, "/orders/7", "x=1"},
        /* The fragment is dropped. */
        {"/a#frag", SRV_TARGET_OK, "/a", NULL},
        /* ".." removes the previous segment (RFC 3986 5.2.4). */
        {"/public/../admin", SRV_TARGET_OK, "/admin", NULL},
        /* Encoded dots are dots (RFC 3986 2.3), so they cannot hide "..". */
        {"/public/%2e%2E/admin", SRV_TARGET_OK, "/admin", NULL},
        /* "." segments disappear. */
        {"/a/./b", SRV_TARGET_OK, "/a/b", NULL},
        /* A final ".." leaves a trailing slash. */
        {"/a/b/..", SRV_TARGET_OK, "/a/", NULL},
        /* ".." cannot climb above the root. */
        {"/../../etc", SRV_TARGET_OK, "/etc", NULL},
        /* Runs of "/" collapse, as nginx's merge_slashes does. */
        {"//admin///x", SRV_TARGET_OK, "/admin/x", NULL},
        /* Unreserved escapes decode; others keep upper-case hex. */
        {"/%61dmin/%3bx", SRV_TARGET_OK, "/admin/%3Bx", NULL},
        /* An absolute URL (X-Original-URL) loses scheme and authority. */
        {"https://api.example/orders?q", SRV_TARGET_OK, "/orders", "q"},
        /* An absolute URL without a path has the path "/". */
        {"http://api.example", SRV_TARGET_OK, "/", NULL},
        /* An encoded "/" could be split differently by the upstream: rejected. */
        {"/public%2F..%2Fadmin", SRV_TARGET_FORBIDDEN, NULL, NULL},
        /* An encoded backslash: rejected. */
        {"/a%5cb", SRV_TARGET_FORBIDDEN, NULL, NULL},
        /* A raw backslash: rejected. */
        {"/a\\b", SRV_TARGET_FORBIDDEN, NULL, NULL},
        /* An encoded NUL: rejected. */
        {"/a%00", SRV_TARGET_FORBIDDEN, NULL, NULL},
        /* A truncated escape. */
        {"/a%4", SRV_TARGET_BAD_ESCAPE, NULL, NULL},
        /* A non-hex escape. */
        {"/a%zz", SRV_TARGET_BAD_ESCAPE, NULL, NULL},
        /* Not a path. */
        {"orders", SRV_TARGET_EMPTY, NULL, NULL},
        /* Empty. */
        {"", SRV_TARGET_EMPTY, NULL, NULL},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[SRV_PATH_MAX + 1];
        size_t path_len;
        const char *query;
        size_t query_len;
        srv_target_error err = srv_target_parse(cases[i].target, strlen(cases[i].target), path, sizeof(path),
                                                &path_len, &query, &query_len);
        assert_int_equal(err, cases[i].error);
        if (cases[i].path != NULL) {
            assert_string_equal(path, cases[i].path);
            assert_int_equal(path_len, strlen(cases[i].path));
        }
        if (cases[i].query != NULL) {
            assert_int_equal(query_len, strlen(cases[i].query));
            assert_memory_equal(query, cases[i].query, query_len);
        } else if (err == SRV_TARGET_OK) {
            assert_null(query);
        }
    }
}

static void target_too_long(void **state)
{
    static char target[SRV_PATH_MAX + 8];
    char path[SRV_PATH_MAX + 1];
    size_t path_len;
    const char *query;
    size_t query_len;
    (void)state;

    /* A path over SRV_PATH_MAX bytes is rejected rather than cut. */
    memset(target, 'a', sizeof(target) - 1);
    target[0] = '/';
    target[sizeof(target) - 1] = '\0';
    assert_int_equal(srv_target_parse(target, strlen(target), path, sizeof(path), &path_len, &query, &query_len),
                     SRV_TARGET_TOO_LONG);
}

static void network_cases(void **state)
{
    static const struct {
        const char *addr;
        const char *network;
    } cases[] = {
        /* IPv4: its /24. */
        {"192.0.2.77", "192.0.2.0/24"},
        /* Bytes of one, two and three digits, with 0, 10, 100 and 255 at the edges. */
        {"0.10.100.1", "0.10.100.0/24"},
        {"255.99.9.254", "255.99.9.0/24"},
        {"1.0.255.7", "1.0.255.0/24"},
        /* IPv6: its /56. */
        {"2001:db8:1:23ff::1", "2001:db8:1:2300::/56"},
        /* IPv4-mapped IPv6 counts as IPv4. */
        {"::ffff:198.51.100.9", "198.51.100.0/24"},
        /* An IPv6 network of the maximum text length. */
        {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ff00::/56"},
        /* A list: the last element, added by the nearest proxy. */
        {"203.0.113.5, 192.0.2.1", "192.0.2.0/24"},
        /* Not an address. */
        {"unknown", NULL},
        /* An address with a port is not an address. */
        {"192.0.2.1:80", NULL},
        /* Empty. */
        {"", NULL},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[SRV_NETWORK_MAX];
        bool ok = srv_client_network(cases[i].addr, strlen(cases[i].addr), out, sizeof(out));
        assert_int_equal(ok, cases[i].network != NULL);
        if (cases[i].network != NULL)
            assert_string_equal(out, cases[i].network);
    }
}

static void method_cases(void **state)
{
    (void)state;
    /* Upper-case tokens are methods. */
    assert_true(srv_method_valid("GET", 3));
    assert_true(srv_method_valid("PROPFIND", 8));
    /* Lower case, digits, empty and over 16 letters are not. */
    assert_false(srv_method_valid("get", 3));
    assert_false(srv_method_valid("GET1", 4));
    assert_false(srv_method_valid("", 0));
    assert_false(srv_method_valid("ABCDEFGHIJKLMNOPQ", 17));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bearer_cases),   cmocka_unit_test(bearer_every_byte),
        cmocka_unit_test(cookie_cases),
        cmocka_unit_test(query_cases),    cmocka_unit_test(query_output_bounded),
        cmocka_unit_test(target_cases),   cmocka_unit_test(target_too_long),
        cmocka_unit_test(network_cases),  cmocka_unit_test(method_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
