/*
 * test_scan_secrets.c: the pure helpers of the signing-secret detectors:
 * config line parsing, secret key names, placeholders, weak secrets,
 * base64, call arguments and literals, and the offline HMAC check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/hmac.h>

#include "internal.h"
#include "scan/sec_forge.h"
#include "scan/sec_text.h"
#include "scan/weak_secrets.h"

#define U(s) ((const uint8_t *)(s))

/* ---- config lines ---------------------------------------------------- */

struct assign_case {
    const char *line;
    bool ok;
    const char *key;   /* expected key, when ok */
    const char *value; /* expected value, NULL when the line opens a block */
    bool quoted;
};

static const struct assign_case assign_cases[] = {
    /* .env line */
    {"JWT_SECRET=fixture-only-abc", true, "JWT_SECRET", "fixture-only-abc", false},
    /* shell export with double quotes */
    {"export JWT_SECRET=\"fixture-only-abc\"", true, "JWT_SECRET", "fixture-only-abc", true},
    /* inline comment after a bare value is not part of it */
    {"JWT_SECRET=abc123 # rotate monthly", true, "JWT_SECRET", "abc123", false},
    /* YAML mapping with single quotes */
    {"  secret: 'fixture-only-abc'", true, "secret", "fixture-only-abc", true},
    /* YAML list item marker before the key */
    {"- name: JWT_SECRET", true, "name", "JWT_SECRET", false},
    /* JSON member with a trailing comma */
    {"  \"jwtSecret\": \"fixture-only-abc\",", true, "jwtSecret", "fixture-only-abc", true},
    /* properties with a dotted key */
    {"app.jwt.secret=fixture-only-abc", true, "app.jwt.secret", "fixture-only-abc", false},
    /* TOML with spaces around '=' */
    {"signing_key = \"fixture-only-abc\"", true, "signing_key", "fixture-only-abc", true},
    /* Dockerfile ENV */
    {"ENV JWT_SECRET=fixture-only-abc", true, "JWT_SECRET", "fixture-only-abc", false},
    /* YAML parent key opens a block */
    {"jwt:", true, "jwt", NULL, false},
    /* JSON object member opens a block */
    {"  \"jwt\": {", true, "jwt", NULL, false},
    /* INI/TOML section header */
    {"[jwt]", true, "jwt", NULL, false},
    /* a comment is not an assignment */
    {"# JWT_SECRET=abc", false, NULL, NULL, false},
    /* compact JSON member, as a JSON log line is read from its key */
    {"\"jwt_secret\":\"fixture-only-abc\",\"level\":\"debug\"}", true, "jwt_secret",
     "fixture-only-abc", true},
    /* a URL is not a YAML mapping */
    {"see http://example.com", false, NULL, NULL, false},
    /* '==' is a comparison, not an assignment */
    {"if JWT_SECRET == x", false, NULL, NULL, false},
    /* YAML block scalars are not read */
    {"secret: |", false, NULL, NULL, false},
    /* unterminated quote */
    {"JWT_SECRET=\"abc", false, NULL, NULL, false},
};

static void assign_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(assign_cases) / sizeof(assign_cases[0]); i++) {
        const struct assign_case *c = &assign_cases[i];
        sec_assign a;
        bool ok = sec_parse_assign(U(c->line), strlen(c->line), &a);

        print_message("case %zu: %s\n", i, c->line);
        assert_int_equal(ok, c->ok);
        if (!ok)
            continue;
        assert_int_equal(a.key_len, strlen(c->key));
        assert_memory_equal(c->line + a.key, c->key, a.key_len);
        assert_int_equal(a.opens_block, c->value == NULL);
        if (c->value == NULL)
            continue;
        assert_int_equal(a.value_len, strlen(c->value));
        assert_memory_equal(c->line + a.value, c->value, a.value_len);
        assert_int_equal(a.quoted, c->quoted);
    }
}

/* ---- code assignments ------------------------------------------------ */

struct code_assign_case {
    const char *line;
    const char *key;   /* expected key, NULL when the line is not a literal assignment */
    const char *value; /* expected value */
};

static const struct code_assign_case code_assign_cases[] = {
    /* JavaScript const */
    {"const JWT_SECRET = 'fixture-only-a';", "JWT_SECRET", "fixture-only-a"},
    /* Java modifiers and type before the name */
    {"private static final String JWT_SECRET = \"fixture-only-b\";", "JWT_SECRET",
     "fixture-only-b"},
    /* PHP variable: the '$' is not part of the name */
    {"$jwtSecret = 'fixture-only-c';", "jwtSecret", "fixture-only-c"},
    /* PHP array entry with a quoted key */
    {"return ['jwt_secret' => 'fixture-only-d'];", "jwt_secret", "fixture-only-d"},
    /* object property followed by more properties */
    {"app.use(expressjwt({ secret: 'fixture-only-e', algorithms: ['HS256'] }));", "secret",
     "fixture-only-e"},
    /* Go short variable declaration */
    {"jwtSecret := \"fixture-only-f\"", "jwtSecret", "fixture-only-f"},
    /* trailing comment */
    {"SECRET_KEY = \"fixture-only-g\"  # dev only", "SECRET_KEY", "fixture-only-g"},
    /* a call result is not a literal */
    {"const JWT_SECRET = process.env.JWT_SECRET;", NULL, NULL},
    /* concatenation joins the literal with more text */
    {"String k = \"fixture-only-\" + suffix;", NULL, NULL},
    /* a comparison is not an assignment */
    {"if (secret == 'fixture-only-h') {}", NULL, NULL},
    /* a strict comparison is not an assignment */
    {"if (secret === 'fixture-only-h') {}", NULL, NULL},
    /* a compound assignment is not a literal assignment */
    {"secret += 'x';", NULL, NULL},
    /* a comment line */
    {"// secret = 'fixture-only-i'", NULL, NULL},
    /* a Ruby or C++ scope operator is not a separator */
    {"Foo::SECRET", NULL, NULL},
};

static void code_assign_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(code_assign_cases) / sizeof(code_assign_cases[0]); i++) {
        const struct code_assign_case *c = &code_assign_cases[i];
        sec_assign a;
        bool ok = sec_parse_code_assign(U(c->line), strlen(c->line), &a);

        print_message("case %zu: %s\n", i, c->line);
        assert_int_equal(ok, c->key != NULL);
        if (!ok)
            continue;
        assert_int_equal(a.key_len, strlen(c->key));
        assert_memory_equal(c->line + a.key, c->key, a.key_len);
        assert_int_equal(a.value_len, strlen(c->value));
        assert_memory_equal(c->line + a.value, c->value, a.value_len);
    }
}

/* ---- key names ------------------------------------------------------- */

struct name_case {
    const char *name;
    const char *context;
    bool secret;
};

static const struct name_case name_cases[] = {
    /* the usual environment variable */
    {"JWT_SECRET", "", true},
    /* camelCase config key */
    {"jwtSigningKey", "", true},
    /* .NET double underscore; gitleaks misses this one */
    {"Jwt__Token", "", true},
    /* Spring-style dotted property */
    {"app.security.jwt.secret", "", true},
    /* secret under a jwt: parent */
    {"secret", "auth.jwt", true},
    /* key under a jwt: parent */
    {"key", "jwt", true},
    /* token secret without the word jwt */
    {"ACCESS_TOKEN_SECRET", "", true},
    /* NextAuth */
    {"NEXTAUTH_SECRET", "", true},
    /* generic signing key */
    {"SIGNING_KEY", "", true},
    /* HMAC key */
    {"HMAC_KEY", "", true},
    /* "sign" alone, without "signing" */
    {"SIGN_KEY", "", true},
    /* Django and Flask secret keys sign JWTs by default in simplejwt */
    {"DJANGO_SECRET_KEY", "", true},
    /* Rails secret_key_base */
    {"secret_key_base", "", true},
    /* issuer is metadata, not a secret */
    {"JWT_ISSUER", "", false},
    /* expiry is metadata */
    {"JWT_EXPIRES_IN", "", false},
    /* a public key is not a secret */
    {"JWT_PUBLIC_KEY", "", false},
    /* a path to the key is not the key */
    {"JWT_SECRET_FILE", "", false},
    /* the name of a Kubernetes secret */
    {"jwtSecretName", "", false},
    /* a secretKeyRef is a reference */
    {"secretKeyRef", "env.valueFrom", false},
    /* OAuth client secret is another kind of credential */
    {"client_secret", "auth", false},
    /* AWS credentials are out of scope */
    {"AWS_SECRET_ACCESS_KEY", "", false},
    /* an unrelated key */
    {"DATABASE_URL", "", false},
    /* a key without a JWT context */
    {"key", "cache", false},
    /* secret without token, auth or jwt around it */
    {"secret", "webhook", false},
};

static void names_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
        const struct name_case *c = &name_cases[i];

        print_message("case %zu: %s under %s\n", i, c->name, c->context);
        assert_int_equal(
            sec_is_secret_name(c->name, strlen(c->name), c->context, strlen(c->context)),
            c->secret);
    }
}

/* ---- placeholders ---------------------------------------------------- */

struct placeholder_case {
    const char *value;
    bool placeholder;
};

static const struct placeholder_case placeholder_cases[] = {
    /* empty value */
    {"", true},
    /* shell expansion */
    {"${JWT_SECRET}", true},
    /* bare shell variable */
    {"$JWT_SECRET", true},
    /* command substitution */
    {"$(cat /run/secrets/jwt)", true},
    /* Helm and Go templates */
    {"{{ .Values.jwt.secret }}", true},
    /* GitHub Actions secret */
    {"${{ secrets.JWT_SECRET }}", true},
    /* Windows variable */
    {"%JWT_SECRET%", true},
    /* angle-bracket placeholder */
    {"<your-secret>", true},
    /* masked value */
    {"xxxxxxxx", true},
    /* stars */
    {"********", true},
    /* jasypt encrypted value */
    {"ENC(AbC123==)", true},
    /* Vault reference */
    {"vault:secret/data/jwt#key", true},
    /* a runtime lookup in code-like config */
    {"process.env.JWT_SECRET", true},
    /* a file path */
    {"/run/secrets/jwt", true},
    /* a boolean */
    {"false", true},
    /* a JWT is a token, not a secret */
    {"eyJhbGciOiJIUzI1NiJ9.e30.abc", true},
    /* a redacted value */
    {"[REDACTED]", true},
    /* changeme is a weak default, not a placeholder */
    {"changeme", false},
    /* a real-looking literal */
    {"fixture-only-4f9a1c2e", false},
    /* jwt.io's default is a literal */
    {"your-256-bit-secret", false},
    /* repeated letter other than x is a weak literal */
    {"aaaaaaaa", false},
};

static void placeholders_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(placeholder_cases) / sizeof(placeholder_cases[0]); i++) {
        const struct placeholder_case *c = &placeholder_cases[i];

        print_message("case %zu: %s\n", i, c->value);
        assert_int_equal(sec_is_placeholder(U(c->value), strlen(c->value)), c->placeholder);
    }
}

/* ---- weakness -------------------------------------------------------- */

struct weak_case {
    const char *value;
    sec_weakness weakness;
};

static const struct weak_case weak_cases[] = {
    /* jsonwebtoken README */
    {"shhhhh", SEC_WEAK_LISTED},
    /* jwt.io default */
    {"your-256-bit-secret", SEC_WEAK_LISTED},
    /* express-session README */
    {"keyboard cat", SEC_WEAK_LISTED},
    /* case does not matter for the list */
    {"ChangeMe", SEC_WEAK_LISTED},
    /* dictionary password */
    {"password123", SEC_WEAK_LISTED},
    /* one repeated character, 40 bytes */
    {"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", SEC_WEAK_LOW_ENTROPY},
    /* a repeated two-byte pattern */
    {"ababababababababababababababababab", SEC_WEAK_LOW_ENTROPY},
    /* a digit sequence that wraps 9 to 0 */
    {"12345678901234567890123456789012345", SEC_WEAK_LOW_ENTROPY},
    /* few distinct bytes over 32 */
    {"aabbaabbccaabbddaabbccaaddbbaaccdd", SEC_WEAK_LOW_ENTROPY},
    /* random but short */
    {"fixture-only-Q7v2", SEC_WEAK_SHORT},
    /* 31 bytes is one short of HS256's 32 */
    {"fixture-only-Q7v2m9Xk3Lp8Rt5Wz1", SEC_WEAK_SHORT},
    /* 32 random-looking bytes pass */
    {"fixture-only-Q7v2m9Xk3Lp8Rt5Wz1B", SEC_WEAK_NONE},
    /* 48 random-looking bytes pass */
    {"fixture-only-Q7v2m9Xk3Lp8Rt5Wz1Bn4Hc6Jd0Fs2Gy7Ue", SEC_WEAK_NONE},
};

static void weakness_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(weak_cases) / sizeof(weak_cases[0]); i++) {
        const struct weak_case *c = &weak_cases[i];

        print_message("case %zu: %s\n", i, c->value);
        assert_int_equal(sec_weakness_of(U(c->value), strlen(c->value)), c->weakness);
    }
}

static void weak_list_size(void **state)
{
    size_t len;

    (void)state;
    assert_true(weak_secret_count() >= 300);
    assert_non_null(weak_secret_get(0, &len));
    assert_int_equal(len, strlen("your-256-bit-secret"));
    assert_null(weak_secret_get(weak_secret_count(), &len));
    assert_false(weak_secret_listed(U(""), 0));
}

/* ---- base64 ---------------------------------------------------------- */

static void base64_decodes(void **state)
{
    uint8_t out[64];
    size_t n = 0;

    (void)state;
    /* padded standard base64, as in a Kubernetes Secret */
    assert_true(sec_base64_decode(U("Zml4dHVyZQ=="), 12, out, sizeof(out), &n));
    assert_int_equal(n, 7);
    assert_memory_equal(out, "fixture", 7);
    /* '+' and '/' are standard digits */
    assert_true(sec_base64_decode(U("+/+/"), 4, out, sizeof(out), &n));
    assert_int_equal(n, 3);
    /* '-' is base64url, not standard */
    assert_false(sec_base64_decode(U("ab-d"), 4, out, sizeof(out), &n));
    /* length 1 mod 4 */
    assert_false(sec_base64_decode(U("abcde"), 5, out, sizeof(out), &n));
    /* output larger than the buffer */
    assert_false(sec_base64_decode(U("Zml4dHVyZQ=="), 12, out, 3, &n));
}

/* ---- call arguments and literals ------------------------------------ */

struct literal_case {
    const char *code; /* starts at the call's '(' (or the space of a Ruby call) */
    size_t arg;
    const char *secret; /* NULL when the argument is not a literal */
};

static const struct literal_case literal_cases[] = {
    /* jsonwebtoken */
    {"({ sub: 1 }, 'fixture-only-js', { expiresIn: '1h' })", 1, "fixture-only-js"},
    /* PyJWT keyword argument */
    {"(payload, key=\"fixture-only-py\", algorithm=\"HS256\")", 1, "fixture-only-py"},
    /* Python bytes literal */
    {"(payload, b'fixture-only-py', 'HS256')", 1, "fixture-only-py"},
    /* golang-jwt SignedString with a []byte conversion */
    {"([]byte(\"fixture-only-go\"))", 0, "fixture-only-go"},
    /* jjwt hmacShaKeyFor with getBytes */
    {"(\"fixture-only-java-fixture-only-java\".getBytes(StandardCharsets.UTF_8))", 0,
     "fixture-only-java-fixture-only-java"},
    /* Ruby call without parentheses ends at the line end */
    {" payload, 'fixture-only-rb', 'HS256'\nnext", 1, "fixture-only-rb"},
    /* escapes are decoded */
    {"(p, \"a\\\"b\")", 1, "a\"b"},
    /* nested call in an earlier argument does not shift the index */
    {"(build(a, b), 'fixture-only-k')", 1, "fixture-only-k"},
    /* an environment lookup is not a literal */
    {"(payload, process.env.JWT_SECRET)", 1, NULL},
    /* a variable is not a literal */
    {"(payload, secret)", 1, NULL},
    /* concatenation is not a plain literal */
    {"(payload, 'abc' + suffix)", 1, NULL},
    /* a template literal with interpolation */
    {"(payload, `${prefix}abc`)", 1, NULL},
    /* the call has only one argument */
    {"(token)", 1, NULL},
};

static void literals_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(literal_cases) / sizeof(literal_cases[0]); i++) {
        const struct literal_case *c = &literal_cases[i];
        size_t arg = 0, arg_len = 0, out_len = 0, off = 0;
        uint8_t out[128];
        bool found = sec_call_arg(U(c->code), strlen(c->code), 0, c->arg, 2048, &arg, &arg_len) &&
                     sec_literal_arg(U(c->code) + arg, arg_len, out, sizeof(out), &out_len, &off);

        print_message("case %zu: %s\n", i, c->code);
        assert_int_equal(found, c->secret != NULL);
        if (c->secret == NULL)
            continue;
        assert_int_equal(out_len, strlen(c->secret));
        assert_memory_equal(out, c->secret, out_len);
    }
}

/* ---- offline HMAC check ---------------------------------------------- */

/* Builds header.payload.signature with HMAC-SHA256 (or -384) of `secret`. */
static size_t make_token(const char *header, const char *secret, const EVP_MD *md, char *out,
                         size_t cap)
{
    const char payload[] = "{\"sub\":\"fixture\"}";
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned mac_len = 0;
    size_t n;

    n = jwg_b64url_encode(U(header), strlen(header), out, cap);
    out[n++] = '.';
    n += jwg_b64url_encode(U(payload), strlen(payload), out + n, cap - n);
    assert_non_null(HMAC(md, secret, (int)strlen(secret), U(out), n, mac, &mac_len));
    out[n++] = '.';
    n += jwg_b64url_encode(mac, mac_len, out + n, cap - n);
    out[n] = '\0';
    return n;
}

static void forge_hs256(void **state)
{
    char token[512];
    size_t len = make_token("{\"alg\":\"HS256\"}", "secret", EVP_sha256(), token, sizeof(token));
    sec_hs_token t;

    (void)state;
    assert_true(sec_hs_token_prepare(U(token), len, &t));
    assert_string_equal(t.alg, "HS256");
    /* the signing secret verifies */
    assert_true(sec_hs_token_signed_with(&t, U(token), U("secret"), 6));
    /* another secret does not */
    assert_false(sec_hs_token_signed_with(&t, U(token), U("Secret"), 6));
    /* an empty secret does not */
    assert_false(sec_hs_token_signed_with(&t, U(token), U(""), 0));
}

static void forge_hs384(void **state)
{
    char token[512];
    size_t len =
        make_token("{\"alg\":\"HS384\"}", "fixture-only-384", EVP_sha384(), token, sizeof(token));
    sec_hs_token t;

    (void)state;
    assert_true(sec_hs_token_prepare(U(token), len, &t));
    assert_string_equal(t.alg, "HS384");
    assert_true(sec_hs_token_signed_with(&t, U(token), U("fixture-only-384"), 16));
}

static void forge_rejects_non_hs(void **state)
{
    char token[512];
    size_t len;
    sec_hs_token t;

    (void)state;
    /* an RS256 header is not an HMAC token */
    len = make_token("{\"alg\":\"RS256\"}", "secret", EVP_sha256(), token, sizeof(token));
    assert_false(sec_hs_token_prepare(U(token), len, &t));
    /* a signature of the wrong length for the header's alg */
    len = make_token("{\"alg\":\"HS512\"}", "secret", EVP_sha256(), token, sizeof(token));
    assert_false(sec_hs_token_prepare(U(token), len, &t));
    /* an unsigned token has no signature to check */
    assert_false(sec_hs_token_prepare(U("eyJhbGciOiJub25lIn0.e30."), 24, &t));
    /* two segments only */
    assert_false(sec_hs_token_prepare(U("eyJhbGciOiJIUzI1NiJ9.e30"), 24, &t));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(assign_table),         cmocka_unit_test(code_assign_table),
        cmocka_unit_test(names_table),          cmocka_unit_test(placeholders_table),
        cmocka_unit_test(weakness_table),       cmocka_unit_test(weak_list_size),
        cmocka_unit_test(base64_decodes),       cmocka_unit_test(literals_table),
        cmocka_unit_test(forge_hs256),          cmocka_unit_test(forge_hs384),
        cmocka_unit_test(forge_rejects_non_hs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
