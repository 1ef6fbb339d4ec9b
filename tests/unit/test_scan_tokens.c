/*
 * test_scan_tokens.c: leaked-token classification (state, privilege,
 * context) and the redact core, over buffers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "scan/tok_claims.h"
#include "scan/tok_context.h"
#include "scan/tok_redact.h"

/* The scan time of every classification case: 2023-11-14T22:13:20Z. */
#define NOW 1700000000

/* A signature-sized base64url string; nothing here verifies it. */
#define SIG "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"

/* A JWS {"alg":"HS256","typ":"JWT"}.{"sub":"1234"}.SIG used by the redact cases. */
#define T "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0." SIG

/* A non-JWT bearer value and a non-JWT token parameter value. */
#define B "abcdefghijklmnop1234"
#define P "abcdefgh12"

/* ---- building tokens ------------------------------------------------- */

/* Writes base64url(header) "." base64url(claims) "." sig into out (NUL-terminated). */
static size_t make_token(const char *header, const char *claims, const char *sig, char *out,
                         size_t cap)
{
    size_t n = jwg_b64url_encode((const uint8_t *)header, strlen(header), out, cap);

    out[n++] = '.';
    n += jwg_b64url_encode((const uint8_t *)claims, strlen(claims), out + n, cap - n);
    out[n++] = '.';
    memcpy(out + n, sig, strlen(sig));
    n += strlen(sig);
    out[n] = '\0';
    return n;
}

/* ---- tok_classify ---------------------------------------------------- */

struct classify_case {
    const char *header;
    const char *claims;
    const char *sig;
    bool ok;
    bool unsigned_token;
    tok_expiry expiry;
    tok_privilege privilege;
    const char *claim; /* privilege_claim, or NULL */
};

#define HS "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

static const struct classify_case classify_cases[] = {
    /* exp after the scan time: live */
    {HS, "{\"sub\":\"1\",\"exp\":1800000000}", SIG, true, false, TOK_EXP_LIVE, TOK_PRIV_NONE, NULL},
    /* exp before the scan time: expired */
    {HS, "{\"sub\":\"1\",\"exp\":1600000000}", SIG, true, false, TOK_EXP_EXPIRED, TOK_PRIV_NONE,
     NULL},
    /* exp equal to the scan time is expired (RFC 7519 4.1.4: on or after) */
    {HS, "{\"exp\":1700000000}", SIG, true, false, TOK_EXP_EXPIRED, TOK_PRIV_NONE, NULL},
    /* a fractional NumericDate is rounded down, so this one is still live */
    {HS, "{\"exp\":1700000001.5}", SIG, true, false, TOK_EXP_LIVE, TOK_PRIV_NONE, NULL},
    /* no exp */
    {HS, "{\"sub\":\"1\"}", SIG, true, false, TOK_EXP_NONE, TOK_PRIV_NONE, NULL},
    /* exp of the wrong type counts as no expiry */
    {HS, "{\"exp\":\"soon\"}", SIG, true, false, TOK_EXP_NONE, TOK_PRIV_NONE, NULL},
    /* alg none, empty signature */
    {"{\"alg\":\"none\"}", "{\"sub\":\"1\"}", "", true, true, TOK_EXP_NONE, TOK_PRIV_NONE, NULL},
    /* alg NoNe in another case is still none (RFC 8725 3.1) */
    {"{\"alg\":\"NoNe\"}", "{\"sub\":\"1\"}", SIG, true, true, TOK_EXP_NONE, TOK_PRIV_NONE, NULL},
    /* HS256 with an empty signature is unsigned too */
    {HS, "{\"sub\":\"1\"}", "", true, true, TOK_EXP_NONE, TOK_PRIV_NONE, NULL},
    /* an admin role in an array */
    {HS, "{\"roles\":[\"user\",\"admin\"]}", SIG, true, false, TOK_EXP_NONE, TOK_PRIV_ADMIN,
     "roles"},
    /* a scope string with write:all */
    {HS, "{\"scope\":\"read write:all\"}", SIG, true, false, TOK_EXP_NONE, TOK_PRIV_ADMIN, "scope"},
    /* a namespaced admin group */
    {HS, "{\"groups\":[\"org:admin\"]}", SIG, true, false, TOK_EXP_NONE, TOK_PRIV_ADMIN, "groups"},
    /* the Supabase service role */
    {HS, "{\"role\":\"service_role\"}", SIG, true, false, TOK_EXP_NONE, TOK_PRIV_ADMIN, "role"},
    /* an is_admin flag */
    {HS, "{\"is_admin\":true}", SIG, true, false, TOK_EXP_NONE, TOK_PRIV_ADMIN, "is_admin"},
    /* is_admin false grants nothing */
    {HS, "{\"is_admin\":false}", SIG, true, false, TOK_EXP_NONE, TOK_PRIV_NONE, NULL},
    /* the Supabase anon role is not privileged */
    {HS, "{\"role\":\"anon\"}", SIG, true, false, TOK_EXP_NONE, TOK_PRIV_NONE, NULL},
    /* "administrators-readonly" only contains the word */
    {HS, "{\"groups\":[\"administrators-readonly\"]}", SIG, true, false, TOK_EXP_NONE,
     TOK_PRIV_NONE, NULL},
    /* a legacy Kubernetes service-account token */
    {"{\"alg\":\"RS256\",\"kid\":\"k\"}",
     "{\"iss\":\"kubernetes/serviceaccount\",\"sub\":\"system:serviceaccount:ns:app\"}", SIG,
     true, false, TOK_EXP_NONE, TOK_PRIV_SERVICE_ACCOUNT, "sub"},
    /* a projected service-account token */
    {"{\"alg\":\"RS256\"}",
     "{\"iss\":\"https://k8s\",\"kubernetes.io\":{\"namespace\":\"ns\"},\"exp\":1800000000}", SIG,
     true, false, TOK_EXP_LIVE, TOK_PRIV_SERVICE_ACCOUNT, "sub"},
    /* a header that is not JSON does not decode */
    {"{alg:HS256}", "{\"sub\":\"1\"}", SIG, false, false, TOK_EXP_NONE, TOK_PRIV_NONE, NULL},
    /* claims that are a JSON array, not an object */
    {HS, "[1,2]", SIG, false, false, TOK_EXP_NONE, TOK_PRIV_NONE, NULL},
};

/* Runs every case of classify_cases through tok_classify(). */
static void classify_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(classify_cases) / sizeof(classify_cases[0]); i++) {
        const struct classify_case *c = &classify_cases[i];
        char token[1024];
        size_t len = make_token(c->header, c->claims, c->sig, token, sizeof(token));
        tok_info info;
        bool ok = tok_classify((const uint8_t *)token, len, JWT_SPAN_JWS, NOW, &info);

        print_message("case %zu\n", i);
        assert_int_equal(ok, c->ok);
        if (!c->ok)
            continue;
        assert_int_equal(info.unsigned_token, c->unsigned_token);
        assert_int_equal(info.expiry, c->expiry);
        assert_int_equal(info.privilege, c->privilege);
        if (c->claim != NULL)
            assert_string_equal(info.privilege_claim, c->claim);
    }
}

/* A JWE is read from its header only; one without "enc" is not a JWE. */
static void classify_jwe(void **state)
{
    static const char jwe[] = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..48V1_ALb6US04U3b."
                              "5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji."
                              "XFBoMYUZodetZdvTiFvSkQ";
    /* {"alg":"dir"} only */
    static const char no_enc[] = "eyJhbGciOiJkaXIifQ..48V1_ALb6US04U3b.5eym8TW_c8Su."
                                 "XFBoMYUZodetZdvTiFvSkQ";
    tok_info info;

    (void)state;
    assert_true(tok_classify((const uint8_t *)jwe, sizeof(jwe) - 1, JWT_SPAN_JWE, NOW, &info));
    assert_int_equal(info.expiry, TOK_EXP_UNKNOWN);
    assert_string_equal(info.alg, "dir");
    assert_false(
        tok_classify((const uint8_t *)no_enc, sizeof(no_enc) - 1, JWT_SPAN_JWE, NOW, &info));
}

/* The alg shown in messages keeps printable ASCII only. */
static void classify_alg_printable(void **state)
{
    char token[512];
    size_t len = make_token("{\"alg\":\"HS\\n256\"}", "{}", SIG, token, sizeof(token));
    tok_info info;

    (void)state;
    assert_true(tok_classify((const uint8_t *)token, len, JWT_SPAN_JWS, NOW, &info));
    assert_string_equal(info.alg, "HS?256");
}

/* ---- tok_read_context ------------------------------------------------ */

struct context_case {
    const char *text; /* the token would start at the '@' */
    tok_where where;
    bool bearer;
    const char *key;
};

static const struct context_case context_cases[] = {
    /* query parameter */
    {"GET /cb?state=1&id_token=@", TOK_WHERE_URL, false, "id_token"},
    /* fragment parameter */
    {"https://app/#access_token=@", TOK_WHERE_URL, false, "access_token"},
    /* .env assignment */
    {"API_TOKEN=@", TOK_WHERE_KEY, false, "API_TOKEN"},
    /* HTTP header in a log line */
    {"10:00 DEBUG Authorization: Bearer @", TOK_WHERE_KEY, true, "Authorization"},
    /* lowercase bearer in a curl command */
    {"curl -H 'authorization: bearer @", TOK_WHERE_KEY, true, "authorization"},
    /* JSON log field */
    {"{\"level\":\"info\",\"token\": \"@", TOK_WHERE_JSON_FIELD, false, "token"},
    /* JSON log field with a bearer value */
    {"{\"authorization\":\"Bearer @", TOK_WHERE_JSON_FIELD, true, "authorization"},
    /* JSON escaped inside a string */
    {"msg=\"{\\\"jwt\\\": \\\"@", TOK_WHERE_JSON_FIELD, false, "jwt"},
    /* YAML key */
    {"  token: @", TOK_WHERE_KEY, false, "token"},
    /* a single-quoted literal assigned in code */
    {"const t = '@", TOK_WHERE_KEY, false, "t"},
    /* bare text */
    {"see @", TOK_WHERE_NONE, false, ""},
    /* bearer with nothing before it */
    {"Bearer @", TOK_WHERE_NONE, true, ""},
    /* the key is on the previous line: not read */
    {"token:\n@", TOK_WHERE_NONE, false, ""},
    /* "xbearer" is not the bearer scheme */
    {"xbearer @", TOK_WHERE_NONE, false, ""},
    /* '=' with no name before it */
    {" =@", TOK_WHERE_NONE, false, ""},
};

/* Runs every case of context_cases through tok_read_context(). */
static void context_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(context_cases) / sizeof(context_cases[0]); i++) {
        const struct context_case *c = &context_cases[i];
        const char *at = strchr(c->text, '@');
        tok_context ctx;

        print_message("case %zu\n", i);
        tok_read_context((const uint8_t *)c->text, (size_t)(at - c->text), &ctx);
        assert_int_equal(ctx.where, c->where);
        assert_int_equal(ctx.bearer, c->bearer);
        assert_string_equal(ctx.key, c->key);
    }
}

/* ---- redact ---------------------------------------------------------- */

/* A growing output buffer for the write callback. */
struct sink {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t fail_after; /* fail the write that would pass this many bytes; 0 for never */
};

static bool sink_write(void *arg, const uint8_t *data, size_t len)
{
    struct sink *s = arg;

    if (s->fail_after != 0 && s->len + len > s->fail_after)
        return false;
    if (s->len + len > s->cap) {
        s->cap = (s->len + len) * 2;
        s->data = realloc(s->data, s->cap);
        assert_non_null(s->data);
    }
    memcpy(s->data + s->len, data, len);
    s->len += len;
    return true;
}

/* Redacts `in` through a redactor fed in chunks of `chunk` bytes. */
static void redact_chunked(const uint8_t *in, size_t len, size_t chunk, struct sink *out)
{
    tok_redactor r;

    assert_true(tok_redactor_init(&r, 0, sink_write, out));
    for (size_t i = 0; i < len; i += chunk) {
        size_t n = len - i < chunk ? len - i : chunk;

        assert_true(tok_redactor_feed(&r, in + i, n));
    }
    assert_true(tok_redactor_finish(&r));
    tok_redactor_free(&r);
}

/* Expands %J, %B and %P in `pattern` to the replacements of T, B and P. */
static char *expand(const char *pattern)
{
    char *out = malloc(strlen(pattern) * 16 + 1); /* a 2-byte %X expands to 30 bytes at most */
    size_t n = 0;

    assert_non_null(out);
    for (const char *p = pattern; *p != '\0'; p++) {
        const char *value = p[0] == '%' && p[1] == 'J' ? T : p[0] == '%' && p[1] == 'B' ? B
                            : p[0] == '%' && p[1] == 'P'                        ? P
                                                                                : NULL;
        char fp[TOK_FINGERPRINT_SIZE];

        if (value == NULL) {
            out[n++] = *p;
            continue;
        }
        tok_fingerprint((const uint8_t *)value, strlen(value), fp);
        n += (size_t)sprintf(out + n, "[REDACTED %s:%s]", p[1] == 'J' ? "jwt" : "bearer", fp);
        p++;
    }
    out[n] = '\0';
    return out;
}

struct redact_case {
    const char *in;
    const char *out; /* with %J, %B, %P for the replacements */
};

static const struct redact_case redact_cases[] = {
    /* text without tokens is unchanged */
    {"plain line\nsecond line\n", "plain line\nsecond line\n"},
    /* an Authorization header with CRLF */
    {"Authorization: Bearer " T "\r\n", "Authorization: Bearer %J\r\n"},
    /* a bearer value in any case */
    {"authorization: BEARER " B "\n", "authorization: BEARER %B\n"},
    /* a JSON string with escaped slashes around a URL */
    {"{\"u\":\"https:\\/\\/x\\/cb?id_token=" T "\"}\n", "{\"u\":\"https:\\/\\/x\\/cb?id_token=%J\"}\n"},
    /* a quoted bearer value in JSON */
    {"{\"authorization\": \"Bearer " B "\"}\n", "{\"authorization\": \"Bearer %B\"}\n"},
    /* a bearer value with a JSON-escaped slash stays one value */
    {"\"Bearer abcdefgh\\/ijklmnop=\"\n", "\"Bearer [REDACTED bearer:@]\"\n"},
    /* adjacent tokens */
    {T "," T "\n", "%J,%J\n"},
    /* a token followed by punctuation */
    {"token " T ". Done\n", "token %J. Done\n"},
    /* a token at the very end of input, no newline */
    {"last " T, "last %J"},
    /* URL parameters: opaque access_token, JWT id_token, fragment */
    {"/cb?access_token=" P "&id_token=" T "#refresh_token=" P "\n",
     "/cb?access_token=%P&id_token=%J#refresh_token=%P\n"},
    /* prose after Bearer stays */
    {"use Bearer authentication here\n", "use Bearer authentication here\n"},
    /* a truncated placeholder stays */
    {"token: eyJhbGciOi...\n", "token: eyJhbGciOi...\n"},
    /* a short parameter value stays */
    {"?access_token=null&x=1\n", "?access_token=null&x=1\n"},
    /* an unsigned token */
    {"t=eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0In0.\n", "t=[REDACTED jwt:@]\n"},
    /* a token between NUL and invalid UTF-8 bytes */
    {"\x01\xff " T " \xc3(\n", "\x01\xff %J \xc3(\n"},
};

/* Compares output with an expected pattern, where '@' stands for any fingerprint. */
static void assert_redacted(const struct sink *s, const char *expected)
{
    size_t i = 0;
    size_t j = 0;

    while (expected[j] != '\0') {
        if (expected[j] == '@') {
            for (size_t k = 0; k < TOK_FINGERPRINT_SIZE - 1; k++, i++)
                assert_true(i < s->len && strchr("0123456789abcdef", s->data[i]) != NULL);
            j++;
            continue;
        }
        assert_true(i < s->len);
        assert_int_equal(s->data[i], (uint8_t)expected[j]);
        i++;
        j++;
    }
    assert_int_equal(i, s->len);
}

/* Runs every case whole, byte by byte and in 7-byte chunks: the output never depends on chunking. */
static void redact_table(void **state)
{
    static const size_t chunks[] = {SIZE_MAX, 1, 7};

    (void)state;
    for (size_t i = 0; i < sizeof(redact_cases) / sizeof(redact_cases[0]); i++) {
        char *expected = expand(redact_cases[i].out);

        for (size_t k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
            struct sink s = {0};
            size_t len = strlen(redact_cases[i].in);

            print_message("case %zu, chunk %zu\n", i, chunks[k]);
            redact_chunked((const uint8_t *)redact_cases[i].in, len, chunks[k] < len ? chunks[k] : len,
                           &s);
            assert_redacted(&s, expected);
            free(s.data);
        }
        free(expected);
    }
}

/*
 * A 1 MiB line with a token every 9973 bytes: handled in pieces, every
 * token is replaced wherever it falls relative to a piece boundary.
 */
static void redact_long_line(void **state)
{
    const size_t size = 1024u * 1024u;
    uint8_t *in = malloc(size);
    char fp[TOK_FINGERPRINT_SIZE];
    char replacement[64];
    size_t count = 0;
    struct sink s = {0};
    size_t i = 0;
    size_t j = 0;

    (void)state;
    assert_non_null(in);
    memset(in, 'x', size);
    for (size_t at = 100; at + sizeof(T) < size; at += 9973) {
        in[at - 1] = ' ';
        memcpy(in + at, T, sizeof(T) - 1);
        in[at + sizeof(T) - 1] = ' ';
        count++;
    }
    tok_fingerprint((const uint8_t *)T, sizeof(T) - 1, fp);
    snprintf(replacement, sizeof(replacement), "[REDACTED jwt:%s]", fp);

    redact_chunked(in, size, 65536, &s);
    assert_int_equal(s.len, size - count * (sizeof(T) - 1) + count * strlen(replacement));

    /* Walk both: every token in the input is one replacement in the output. */
    while (i < size) {
        if (size - i >= sizeof(T) - 1 && memcmp(in + i, T, sizeof(T) - 1) == 0) {
            assert_memory_equal(s.data + j, replacement, strlen(replacement));
            i += sizeof(T) - 1;
            j += strlen(replacement);
            continue;
        }
        assert_int_equal(s.data[j], in[i]);
        i++;
        j++;
    }
    free(s.data);
    free(in);
}

/* 1 MiB of pseudo-random bytes, no newline in places: output equals input. */
static void redact_garbage_unchanged(void **state)
{
    const size_t size = 1024u * 1024u;
    uint8_t *in = malloc(size);
    uint32_t x = 2463534242u;
    struct sink s = {0};

    (void)state;
    assert_non_null(in);
    for (size_t i = 0; i < size; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        in[i] = (uint8_t)x;
    }
    redact_chunked(in, size, 4093, &s);
    assert_int_equal(s.len, size);
    assert_memory_equal(s.data, in, size);
    free(s.data);
    free(in);
}

/* A write error stops the redactor and is reported by feed and finish. */
static void redact_write_error(void **state)
{
    static const char line[] = "Authorization: Bearer " T "\n";
    struct sink s = {0};
    tok_redactor r;

    (void)state;
    s.fail_after = 10;
    assert_true(tok_redactor_init(&r, 0, sink_write, &s));
    assert_false(tok_redactor_feed(&r, (const uint8_t *)line, sizeof(line) - 1));
    assert_false(tok_redactor_finish(&r));
    tok_redactor_free(&r);
    free(s.data);
}

/* A complete line is written by feed itself, before any later input or finish. */
static void redact_line_written_at_once(void **state)
{
    static const char line[] = "a " T "\nb";
    struct sink s = {0};
    tok_redactor r;
    char *expected = expand("a %J\n");

    (void)state;
    assert_true(tok_redactor_init(&r, 0, sink_write, &s));
    assert_true(tok_redactor_feed(&r, (const uint8_t *)line, sizeof(line) - 1));
    assert_int_equal(s.len, strlen(expected));
    assert_memory_equal(s.data, expected, s.len);
    assert_true(tok_redactor_finish(&r));
    assert_int_equal(s.data[s.len - 1], 'b');
    tok_redactor_free(&r);
    free(expected);
    free(s.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(classify_table),
        cmocka_unit_test(classify_jwe),
        cmocka_unit_test(classify_alg_printable),
        cmocka_unit_test(context_table),
        cmocka_unit_test(redact_table),
        cmocka_unit_test(redact_long_line),
        cmocka_unit_test(redact_garbage_unchanged),
        cmocka_unit_test(redact_write_error),
        cmocka_unit_test(redact_line_written_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
