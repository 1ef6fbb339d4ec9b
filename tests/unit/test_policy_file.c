/*
 * test_policy_file.c: the YAML policy file: schema errors with their
 * positions, each key source, routing by issuer, and the claim rules
 * (scopes and exact values) it configures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy_file_internal.h"
#include "support/forge.h"
#include "support/vfixture.h"

#define POLICIES JWG_TEST_DATA "/policies"
#define SECRET_A_B64 "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE" /* 32 x "A" */
#define SECRET_B_B64 "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI" /* 32 x "B" */
#define DETAIL_LEN 512

static const uint8_t secret_a[32] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
static const uint8_t secret_b[32] = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

static int setup(void **state)
{
    (void)state;
    setenv("JWG_TEST_SECRET_A", SECRET_A_B64, 1);
    setenv("JWG_TEST_SECRET_B", SECRET_B_B64, 1);
    setenv("JWG_TEST_SECRET_SHORT", "c2hvcnQ", 1); /* "short" */
    unsetenv("JWG_TEST_UNSET_VARIABLE");
    /* Git records no read permissions, so the tests set the modes they depend on. */
    chmod(POLICIES "/secrets/orders.secret", 0600);
    chmod(POLICIES "/secrets/loose.secret", 0644);
    return 0;
}

/* Loads `path`, asserting the code; returns the file on JWG_OK (the caller frees it). */
static jwg_policy_file *load(const char *path, jwg_err want, char *detail)
{
    jwg_policy_file *pf = NULL;
    jwg_err rc = jwg_policy_load_file(path, &pf, detail, DETAIL_LEN);
    if (rc != want)
        fprintf(stderr, "%s: got %s (%s)\n", path, jwg_err_name(rc), detail);
    assert_int_equal(rc, want);
    if (want != JWG_OK)
        assert_null(pf);
    return pf;
}

/* ---- schema errors ----------------------------------------------------- */

struct schema_case {
    const char *file;
    int line;         /* the line the detail must name; 0 when only the file is checked */
    const char *text; /* a part of the detail */
};

static const struct schema_case schema_cases[] = {
    /* A misspelt top-level key is an unknown key, reported where it is. */
    {"unknown-key", 3, "servce: unknown key"},
    /* A list field given one value names the key and the expected type. */
    {"wrong-type", 6, "audiences: must be a list"},
    /* An issuer without its name: the issuer mapping is named. */
    {"missing-issuer", 5, "issuer: required key is missing"},
    /* Anchors hide values in another place of the file. */
    {"anchor", 6, "anchors are not allowed"},
    /* YAML parsers disagree on duplicate keys, so they are rejected. */
    {"duplicate-key", 7, "audiences: duplicate key (first at line 6)"},
    /* Only version 1 exists. */
    {"bad-version", 1, "version: must be between 1 and 1"},
    /* A secret written into the file gets the message that names the key sources. */
    {"inline-secret", 9, "secrets never appear in a policy file"},
    /* A fetched set is public keys, and one issuer's set never mixes them with secrets. */
    {"jwks-url", 9, "mixed only with public key sources"},
    /* Plain HTTP goes to loopback only, even with allow_http_loopback. */
    {"url-http", 9, "keys: "},
    /* An exec option on a URL source is named as unused. */
    {"url-option", 11, "max_output: is not used by a oidc_issuer key source"},
    /* The max-age clamp needs cache_min <= cache_max. */
    {"url-cache", 10, "cache_min: must not be more than cache_max"},
    /* "none" is never an allowed algorithm. */
    {"alg-none", 7, "\"none\" is not an algorithm"},
    /* A duration with an unknown unit. */
    {"bad-duration", 8, "leeway: must be whole seconds"},
    /* A duration whose seconds overflow the limit. */
    {"long-duration", 8, "max_lifetime: must be at most"},
    /* An environment variable source must declare how the secret is encoded. */
    {"env-no-encoding", 9, "encoding: required key is missing"},
    /* An encoding that does not exist. */
    {"bad-encoding", 10, "encoding: must be base64url or raw"},
    /* Nesting is bounded. */
    {"deep", 11, "nesting is deeper than 8 levels"},
    /* A second document would be silently ignored by many readers. */
    {"two-docs", 11, "exactly one YAML document"},
    /* A YAML syntax error keeps libyaml's position. */
    {"syntax", 0, "invalid YAML"},
    /* A key file declares its format. */
    {"file-no-format", 9, "format: required key is missing"},
    /* Audiences cannot be listed and ignored at once. */
    {"aud-conflict", 6, "cannot be combined with require_aud: false"},
    /* The token source must be bearer, cookie or query. */
    {"bad-from", 12, "from: must be bearer, cookie NAME or query NAME"},
    /* Route methods are HTTP methods. */
    {"bad-route-method", 12, "method: must be *"},
    /* One issuer is declared once. */
    {"dup-issuer", 11, "is already declared at line 5"},
    /* An empty file has no version. */
    {"empty", 0, "the file is empty"},
    /* The document must be a mapping. */
    {"not-mapping", 1, "must be a mapping"},
    /* An issuer without keys cannot verify anything. */
    {"empty-keys", 8, "keys: must list between 1 and"},
    /* Tags change the type of a value and are not part of the schema. */
    {"tag", 3, "tags are not allowed"},
    /* An identity header must be a valid header name. */
    {"bad-header", 12, "must be an HTTP header name"},
    /* A NUL as the last character of a duration is not a unit (it once selected a zero unit). */
    {"nul-duration", 8, "leeway: must be whole seconds"},
    /* A key with a NUL would match a schema key by its first part. */
    {"nul-key", 1, "a key must not contain a NUL character"},
    /* Claim values are single values. */
    {"equals-list", 10, "tenant: must be a string, a whole number, true or false"},
};

/* Each schema fixture is JWG_ERR_POLICY_INVALID with a detail naming FILE:LINE and the key. */
static void schema_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(schema_cases) / sizeof(schema_cases[0]); i++) {
        const struct schema_case *sc = &schema_cases[i];
        char path[512];
        char detail[DETAIL_LEN];
        char where[600];

        snprintf(path, sizeof(path), POLICIES "/schema/%s.yaml", sc->file);
        load(path, JWG_ERR_POLICY_INVALID, detail);
        if (sc->line > 0)
            snprintf(where, sizeof(where), "%s:%d:", path, sc->line);
        else
            snprintf(where, sizeof(where), "%s:", path);
        if (strstr(detail, where) == NULL || strstr(detail, sc->text) == NULL)
            fprintf(stderr, "%s: detail \"%s\" lacks \"%s\" or \"%s\"\n", sc->file, detail, where, sc->text);
        assert_non_null(strstr(detail, where));
        assert_non_null(strstr(detail, sc->text));
    }
}

/* The column is exact too: the value of "audiences" starts at column 16. */
static void schema_column(void **state)
{
    (void)state;
    char detail[DETAIL_LEN];
    load(POLICIES "/schema/wrong-type.yaml", JWG_ERR_POLICY_INVALID, detail);
    assert_non_null(strstr(detail, "wrong-type.yaml:6:16: audiences:"));
}

/* The valid base fixture loads, and the accessors return what it declares. */
static void schema_valid(void **state)
{
    (void)state;
    char detail[DETAIL_LEN];
    jwg_policy_file *pf = load(POLICIES "/schema/valid.yaml", JWG_OK, detail);

    assert_string_equal(jwg_policy_file_environment(pf), "test");
    assert_string_equal(jwg_policy_file_service(pf), "orders");
    assert_int_equal(jwg_policy_file_issuer_count(pf), 1);
    assert_string_equal(jwg_policy_file_issuer(pf, 0), "https://a.example");
    assert_null(jwg_policy_file_issuer(pf, 1));
    assert_int_equal(jwg_policy_file_max_token_bytes(pf), JWG_DEFAULT_MAX_TOKEN_BYTES);
    assert_int_equal(jwg_policy_file_token_from(pf, NULL), JWG_TOKEN_FROM_BEARER);
    assert_int_equal(jwg_policy_file_route_count(pf), 0);
    jwg_policy_file_free(pf);
}

/* A file that does not exist is named in the detail. */
static void schema_missing_file(void **state)
{
    (void)state;
    char detail[DETAIL_LEN];
    load(POLICIES "/no-such-policy.yaml", JWG_ERR_POLICY_INVALID, detail);
    assert_non_null(strstr(detail, "no-such-policy.yaml: cannot open"));
}

/* A file over 1 MiB is rejected before parsing. */
static void schema_too_large(void **state)
{
    (void)state;
    char *big = malloc(JWG_POLICY_FILE_MAX + 2);
    assert_non_null(big);
    memset(big, '#', JWG_POLICY_FILE_MAX + 1);

    jwg_policy_file *pf = NULL;
    char detail[DETAIL_LEN];
    assert_int_equal(jwg_policy_file_parse(big, JWG_POLICY_FILE_MAX + 1, "big.yaml", &pf, detail, sizeof(detail)),
                     JWG_ERR_POLICY_INVALID);
    assert_non_null(strstr(detail, "larger than"));
    free(big);
}

/* A mapping of more than 1024 nodes is rejected before the quadratic duplicate-key check runs. */
static void schema_too_many_keys(void **state)
{
    (void)state;
    size_t cap = 600 * 16;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t len = 0;
    for (int i = 0; i < 600; i++)
        len += (size_t)snprintf(text + len, cap - len, "k%d: 1\n", i);

    jwg_policy_file *pf = NULL;
    char detail[DETAIL_LEN];
    assert_int_equal(jwg_policy_file_parse(text, len, "many.yaml", &pf, detail, sizeof(detail)),
                     JWG_ERR_POLICY_INVALID);
    assert_non_null(strstr(detail, "many.yaml:513:1: a mapping or list has more than 1024 nodes"));
    free(text);
}

/* ---- key sources ------------------------------------------------------- */

struct source_case {
    const char *file;
    jwg_err want;
    const char *text; /* a part of the detail on failure */
};

static const struct source_case source_cases[] = {
    /* A PEM public key with a kid from the file. */
    {"file-pem", JWG_OK, NULL},
    /* A certificate's public key. */
    {"file-cert", JWG_OK, NULL},
    /* A JWK set. */
    {"file-jwks", JWG_OK, NULL},
    /* A secret file of mode 0600. */
    {"hmac-file", JWG_OK, NULL},
    /* A secret file of mode 0644 is refused with the mode and the fix. */
    {"hmac-loose", JWG_ERR_POLICY_INVALID, "mode 0644, which gives group or others access: run chmod 600"},
    /* A base64url secret from the environment. */
    {"env-ok", JWG_OK, NULL},
    /* The same variable as raw bytes: 43 characters, long enough for HS256. */
    {"env-raw", JWG_OK, NULL},
    /* An unset variable makes the key source unavailable. */
    {"env-missing", JWG_ERR_KEY_SOURCE_UNAVAILABLE, "JWG_TEST_UNSET_VARIABLE"},
    /* A secret manager's output read from a command. */
    {"exec-ok", JWG_OK, NULL},
    /* A command that outlives its timeout is killed. */
    {"exec-timeout", JWG_ERR_KEY_SOURCE_UNAVAILABLE, "timed out after 1 s"},
    /* Output over max_output is rejected, not cut. */
    {"exec-big", JWG_ERR_KEY_SOURCE_UNAVAILABLE, "wrote more than max_output (1024 bytes)"},
    /* A command that closes stdout but keeps running is killed at its timeout. */
    {"exec-detach", JWG_ERR_KEY_SOURCE_UNAVAILABLE, "timed out after 1 s"},
    /* A secret shorter than 32 bytes is weak, and the detail gives the source's position. */
    {"env-weak", JWG_ERR_KEY_WEAK, "env-weak.yaml:9:9: keys:"},
    /* A failing command's exit status is reported. */
    {"exec-fail", JWG_ERR_KEY_SOURCE_UNAVAILABLE, "exited with status 3"},
    /* A program that does not exist: glibc reports it from posix_spawn, or as exit 127 under valgrind. */
    {"exec-missing", JWG_ERR_KEY_SOURCE_UNAVAILABLE, "no-such-program"},
};

static void sources_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(source_cases) / sizeof(source_cases[0]); i++) {
        const struct source_case *sc = &source_cases[i];
        char path[512];
        char detail[DETAIL_LEN];

        snprintf(path, sizeof(path), POLICIES "/sources/%s.yaml", sc->file);
        jwg_policy_file *pf = load(path, sc->want, detail);
        if (sc->text != NULL) {
            if (strstr(detail, sc->text) == NULL)
                fprintf(stderr, "%s: detail \"%s\" lacks \"%s\"\n", sc->file, detail, sc->text);
            assert_non_null(strstr(detail, sc->text));
        }
        if (pf != NULL)
            assert_true(jwg_keyset_count(pf->issuers[0].keys) >= 1);
        jwg_policy_file_free(pf);
    }
}

/* The exec source's secret verifies a token signed with it. */
static void sources_exec_verifies(void **state)
{
    (void)state;
    char detail[DETAIL_LEN];
    jwg_policy_file *pf = load(POLICIES "/sources/exec-ok.yaml", JWG_OK, detail);
    jwg_verifier *v = NULL;
    assert_int_equal(jwg_verifier_new_from_file(&v, pf, detail, sizeof(detail)), JWG_OK);

    char *token = forge_hmac("{\"alg\":\"HS256\"}",
                             "{\"iss\":\"https://a.example\",\"aud\":\"orders\",\"exp\":1800000000}", "SHA256",
                             secret_a, sizeof(secret_a));
    assert_int_equal(vf_verify(v, token, VF_NOW), JWG_OK);
    free(token);
    jwg_verifier_free(v);
    jwg_policy_file_free(pf);
}

/* A daemon with its standard streams closed still reads an exec source's output through the pipe. */
static void sources_exec_closed_stdio(void **state)
{
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(0);
        close(1);
        close(2);
        jwg_policy_file *pf = NULL;
        jwg_err rc = jwg_policy_load_file(POLICIES "/sources/exec-ok.yaml", &pf, NULL, 0);
        jwg_policy_file_free(pf);
        _exit(rc == JWG_OK ? 0 : 1);
    }

    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* Runs `load_in_child` in a child process and returns its exit status, so a hang or a signal setting cannot leak. */
static int run_in_child(int (*load_in_child)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(20); /* a hang becomes SIGALRM, a failure, instead of a stuck test */
        _exit(load_in_child());
    }

    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static int load_fifo_secret(void)
{
    char dir[] = "/tmp/jwg-fifo-XXXXXX";
    char fifo[64];
    char yaml[64];
    if (mkdtemp(dir) == NULL)
        return 2;
    snprintf(fifo, sizeof(fifo), "%s/secret", dir);
    snprintf(yaml, sizeof(yaml), "%s/policy.yaml", dir);
    if (mkfifo(fifo, 0600) != 0)
        return 2;

    FILE *f = fopen(yaml, "w");
    if (f == NULL)
        return 2;
    fprintf(f, "version: 1\nenvironment: test\nservice: orders\nissuers:\n"
               "  - issuer: https://a.example\n    audiences: [orders]\n    algorithms: [HS256]\n"
               "    keys:\n      - hmac_secret_file: secret\n        alg: HS256\n");
    fclose(f);

    char detail[DETAIL_LEN] = "";
    jwg_policy_file *pf = NULL;
    jwg_err rc = jwg_policy_load_file(yaml, &pf, detail, sizeof(detail));
    jwg_policy_file_free(pf);
    unlink(fifo);
    unlink(yaml);
    rmdir(dir);
    return rc == JWG_ERR_KEY_SOURCE_UNAVAILABLE && strstr(detail, "not a regular file") != NULL ? 0 : 1;
}

/* A secret file that is a FIFO is rejected at once; opening it must not wait for a writer. */
static void sources_fifo_rejected(void **state)
{
    (void)state;
    assert_int_equal(run_in_child(load_fifo_secret), 0);
}

static int load_exec_fail_sigchld_ignored(void)
{
    signal(SIGCHLD, SIG_IGN);

    char detail[DETAIL_LEN] = "";
    jwg_policy_file *pf = NULL;
    jwg_err rc = jwg_policy_load_file(POLICIES "/sources/exec-fail.yaml", &pf, detail, sizeof(detail));
    jwg_policy_file_free(pf);
    return rc == JWG_ERR_KEY_SOURCE_UNAVAILABLE && strstr(detail, "exit status") != NULL ? 0 : 1;
}

/* With SIGCHLD ignored the exit status is lost, so the command's output is not trusted. */
static void sources_exec_sigchld_ignored(void **state)
{
    (void)state;
    assert_int_equal(run_in_child(load_exec_fail_sigchld_ignored), 0);
}

/* ---- routing ----------------------------------------------------------- */

#define A_CLAIMS "\"iss\":\"https://a.example\",\"aud\":\"orders\",\"exp\":1700000100,\"iat\":1699999900"

/* Returns the verifier of routing.yaml; the file itself is freed at once, as callers may do. */
static jwg_verifier *routing_verifier(void)
{
    char detail[DETAIL_LEN];
    jwg_policy_file *pf = load(POLICIES "/routing.yaml", JWG_OK, detail);
    jwg_verifier *v = NULL;
    assert_int_equal(jwg_verifier_new_from_file(&v, pf, detail, sizeof(detail)), JWG_OK);
    jwg_policy_file_free(pf);
    return v;
}

struct route_case {
    const char *payload;
    const uint8_t *key; /* HS256 secret */
    jwg_err want;
};

static const struct route_case route_cases[] = {
    /* Issuer A's token with A's key and every rule met. */
    {"{" A_CLAIMS ",\"sub\":\"u\",\"scope\":\"orders:read x\",\"tenant\":\"acme\",\"level\":3}", secret_a, JWG_OK},
    /* Issuer B's token with B's key; B has no claim rules. */
    {"{\"iss\":\"https://b.example\",\"aud\":\"orders\",\"exp\":1700000100}", secret_b, JWG_OK},
    /* A token that claims issuer B but is signed with A's key must fail: B's keys only. */
    {"{\"iss\":\"https://b.example\",\"aud\":\"orders\",\"exp\":1700000100}", secret_a, JWG_ERR_SIGNATURE_INVALID},
    /* A token that claims issuer A but is signed with B's key. */
    {"{" A_CLAIMS ",\"sub\":\"u\",\"scope\":\"orders:read\",\"tenant\":\"acme\",\"level\":3}", secret_b,
     JWG_ERR_SIGNATURE_INVALID},
    /* An issuer the file does not declare. */
    {"{\"iss\":\"https://c.example\",\"aud\":\"orders\",\"exp\":1700000100}", secret_a, JWG_ERR_ISSUER},
    /* A prefix of a declared issuer is another issuer. */
    {"{\"iss\":\"https://a.exampl\",\"aud\":\"orders\",\"exp\":1700000100}", secret_a, JWG_ERR_ISSUER},
    /* No iss at all: routing needs it. */
    {"{\"aud\":\"orders\",\"exp\":1700000100}", secret_a, JWG_ERR_CLAIM_MISSING},
    /* iss of another JSON type. */
    {"{\"iss\":[\"https://a.example\"],\"aud\":\"orders\",\"exp\":1700000100}", secret_a, JWG_ERR_CLAIM_TYPE},
    /* A's scope rule: the array form in "scp" is understood. */
    {"{" A_CLAIMS ",\"sub\":\"u\",\"scp\":[\"orders:read\"],\"tenant\":\"acme\",\"level\":3}", secret_a, JWG_OK},
    /* A's scope rule unmet. */
    {"{" A_CLAIMS ",\"sub\":\"u\",\"scope\":\"orders:write\",\"tenant\":\"acme\",\"level\":3}", secret_a,
     JWG_ERR_SCOPE},
    /* A's exact value rule unmet. */
    {"{" A_CLAIMS ",\"sub\":\"u\",\"scope\":\"orders:read\",\"tenant\":\"evil\",\"level\":3}", secret_a,
     JWG_ERR_CLAIM_VALUE},
    /* A's integer value rule given a string. */
    {"{" A_CLAIMS ",\"sub\":\"u\",\"scope\":\"orders:read\",\"tenant\":\"acme\",\"level\":\"3\"}", secret_a,
     JWG_ERR_CLAIM_TYPE},
    /* A's required claim "sub" missing. */
    {"{" A_CLAIMS ",\"scope\":\"orders:read\",\"tenant\":\"acme\",\"level\":3}", secret_a, JWG_ERR_CLAIM_MISSING},
    /* A's max_lifetime of 1 h: exp - iat = 2 h. */
    {"{\"iss\":\"https://a.example\",\"aud\":\"orders\",\"exp\":1700003600,\"iat\":1699996400,\"sub\":\"u\","
     "\"scope\":\"orders:read\",\"tenant\":\"acme\",\"level\":3}",
     secret_a, JWG_ERR_LIFETIME},
    /* B's audience rule still applies after routing. */
    {"{\"iss\":\"https://b.example\",\"aud\":\"billing\",\"exp\":1700000100}", secret_b, JWG_ERR_AUDIENCE},
};

static void routing_table(void **state)
{
    (void)state;
    jwg_verifier *v = routing_verifier();

    for (size_t i = 0; i < sizeof(route_cases) / sizeof(route_cases[0]); i++) {
        const struct route_case *rc = &route_cases[i];
        char *token = forge_hmac("{\"alg\":\"HS256\"}", rc->payload, "SHA256", rc->key, 32);
        jwg_err got = vf_verify(v, token, VF_NOW);
        if (got != rc->want)
            fprintf(stderr, "case %zu: got %s\n", i, jwg_err_name(got));
        assert_int_equal(got, rc->want);
        free(token);
    }
    jwg_verifier_free(v);
}

/* An HS256 token for the RSA issuer: HS256 is not in its algorithms, so no key confusion. */
static void routing_alg_confusion(void **state)
{
    (void)state;
    jwg_verifier *v = routing_verifier();

    char *token = forge_hmac("{\"alg\":\"HS256\"}", "{\"iss\":\"https://rsa.example\",\"aud\":\"orders\"}",
                             "SHA256", secret_a, sizeof(secret_a));
    assert_int_equal(vf_verify(v, token, VF_NOW), JWG_ERR_ALG_NOT_ALLOWED);
    free(token);

    /* An RS256 token of the RSA issuer, without exp because require_exp is false. */
    EVP_PKEY *key = forge_load_key(JWG_TEST_DATA "/keys/rsa2048.key.pem");
    assert_non_null(key);
    token = forge_sign("{\"alg\":\"RS256\"}", "{\"iss\":\"https://rsa.example\",\"aud\":\"billing\"}", key,
                       "SHA256", 0);
    assert_int_equal(vf_verify(v, token, VF_NOW), JWG_OK);
    free(token);
    EVP_PKEY_free(key);
    jwg_verifier_free(v);
}

/* Malformed tokens and the routed size limit are rejected before any issuer runs. */
static void routing_malformed(void **state)
{
    (void)state;
    jwg_verifier *v = routing_verifier();

    /* Two segments. */
    assert_int_equal(vf_verify(v, "eyJhIjoxfQ.eyJhIjoxfQ", VF_NOW), JWG_ERR_TOKEN_SEGMENTS);
    /* A payload that is not base64url. */
    assert_int_equal(vf_verify(v, "eyJhIjoxfQ.e$J.c2ln", VF_NOW), JWG_ERR_BASE64URL);
    /* A payload that is not JSON ("abc"). */
    assert_int_equal(vf_verify(v, "eyJhIjoxfQ.YWJj.c2ln", VF_NOW), JWG_ERR_JSON_SYNTAX);

    /* token.max_bytes is 8192. */
    char *big = malloc(8194);
    assert_non_null(big);
    memset(big, 'a', 8193);
    big[8193] = '\0';
    assert_int_equal(vf_verify(v, big, VF_NOW), JWG_ERR_TOKEN_TOO_LARGE);
    free(big);

    /* An opaque JWS cannot be routed by issuer. */
    jwg_result *r = NULL;
    assert_int_equal(jwg_verify_jws(v, "eyJhIjoxfQ.YWJj.c2ln", 20, &r), JWG_ERR_POLICY_INVALID);
    assert_non_null(r);
    assert_int_equal(jwg_result_error(r), JWG_ERR_POLICY_INVALID);
    jwg_result_free(r);
    jwg_verifier_free(v);
}

/* The gateway settings are parsed and returned by the accessors. */
static void routing_gateway_settings(void **state)
{
    (void)state;
    char detail[DETAIL_LEN];
    jwg_policy_file *pf = load(POLICIES "/routing.yaml", JWG_OK, detail);
    const char *a;
    const char *b;

    assert_int_equal(jwg_policy_file_max_token_bytes(pf), 8192);
    assert_int_equal(jwg_policy_file_token_from(pf, &a), JWG_TOKEN_FROM_COOKIE);
    assert_string_equal(a, "session");
    assert_int_equal(jwg_policy_file_route_count(pf), 2);
    assert_int_equal(jwg_policy_file_route(pf, 1, &a, &b), JWG_OK);
    assert_string_equal(a, "*");
    assert_string_equal(b, "/admin");
    assert_int_equal(jwg_policy_file_route(pf, 2, &a, &b), JWG_ERR_INVALID_ARGUMENT);
    assert_null(a);
    assert_int_equal(jwg_policy_file_identity_header_count(pf), 2);
    assert_int_equal(jwg_policy_file_identity_header(pf, 1, &a, &b), JWG_OK);
    assert_string_equal(a, "tenant");
    assert_string_equal(b, "X-Tenant");
    jwg_policy_file_free(pf);
}

/* ---- claim rules through the programmatic API -------------------------- */

#define ISS_AUD "\"iss\":\"https://issuer.example\",\"aud\":\"api\",\"exp\":1800000000"

struct rule_case {
    const char *any[2];
    const char *all[2];
    const char *payload;
    jwg_err want;
};

static const struct rule_case rule_cases[] = {
    /* any-of met by one value of a space-separated scope string. */
    {{"a", "b"}, {NULL}, "{" ISS_AUD ",\"scope\":\"x b y\"}", JWG_OK},
    /* any-of unmet. */
    {{"a", "b"}, {NULL}, "{" ISS_AUD ",\"scope\":\"x y\"}", JWG_ERR_SCOPE},
    /* A scope is a whole value, never a prefix or a substring. */
    {{"read", NULL}, {NULL}, "{" ISS_AUD ",\"scope\":\"readwrite xread\"}", JWG_ERR_SCOPE},
    /* all-of met by the "scope" array form. */
    {{NULL}, {"a", "b"}, "{" ISS_AUD ",\"scope\":[\"b\",\"a\"]}", JWG_OK},
    /* all-of with one value missing. */
    {{NULL}, {"a", "b"}, "{" ISS_AUD ",\"scope\":\"a\"}", JWG_ERR_SCOPE},
    /* all-of met across "scope" and "scp" together. */
    {{NULL}, {"a", "b"}, "{" ISS_AUD ",\"scope\":\"a\",\"scp\":[\"b\"]}", JWG_OK},
    /* any-of and all-of together. */
    {{"x", NULL}, {"a", NULL}, "{" ISS_AUD ",\"scp\":[\"a\",\"x\"]}", JWG_OK},
    /* Neither claim. */
    {{"a", NULL}, {NULL}, "{" ISS_AUD "}", JWG_ERR_CLAIM_MISSING},
    /* A scope number is the wrong type. */
    {{"a", NULL}, {NULL}, "{" ISS_AUD ",\"scope\":1}", JWG_ERR_CLAIM_TYPE},
    /* An array with a non-string element. */
    {{"a", NULL}, {NULL}, "{" ISS_AUD ",\"scp\":[\"a\",1]}", JWG_ERR_CLAIM_TYPE},
    /* An escaped scope string is compared after unescaping. */
    {{"a/b", NULL}, {NULL}, "{" ISS_AUD ",\"scope\":\"x a\\/b\"}", JWG_OK},
    /* Empty scope string. */
    {{"a", NULL}, {NULL}, "{" ISS_AUD ",\"scope\":\"\"}", JWG_ERR_SCOPE},
};

static void rules_scopes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rule_cases) / sizeof(rule_cases[0]); i++) {
        const struct rule_case *rc = &rule_cases[i];
        jwg_policy *p = vf_policy();
        for (size_t k = 0; k < 2; k++) {
            if (rc->any[k] != NULL)
                assert_int_equal(jwg_policy_require_scope_any(p, rc->any[k]), JWG_OK);
            if (rc->all[k] != NULL)
                assert_int_equal(jwg_policy_require_scope_all(p, rc->all[k]), JWG_OK);
        }
        jwg_verifier *v = vf_verifier(p);
        assert_non_null(v);
        char *token = vf_hs256("{\"alg\":\"HS256\"}", rc->payload);
        jwg_err got = vf_verify(v, token, VF_NOW);
        if (got != rc->want)
            fprintf(stderr, "case %zu: got %s\n", i, jwg_err_name(got));
        assert_int_equal(got, rc->want);
        free(token);
        jwg_verifier_free(v);
        jwg_policy_free(p);
    }
}

/* Setter arguments are checked: empty scopes, scopes with spaces, non-scalar values. */
static void rules_setters(void **state)
{
    (void)state;
    jwg_policy *p = vf_policy();

    assert_int_equal(jwg_policy_require_scope_any(p, ""), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_require_scope_all(p, "a b"), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_require_scope_any(NULL, "a"), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_require_claim_equals(p, "t", "[1]", 3), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_require_claim_equals(p, "t", "null", 4), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_require_claim_equals(p, "t", "1.5", 3), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_require_claim_equals(p, "t", "\"x", 2), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_require_claim_equals(p, "", "1", 1), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_require_claim_equals(p, "t", "true", 4), JWG_OK);
    jwg_policy_free(p);
}

struct equals_case {
    const char *json;
    const char *payload_value;
    jwg_err want;
};

static const struct equals_case equals_cases[] = {
    /* An escaped expected string equals its unescaped token value. */
    {"\"a\\/b\"", "\"a/b\"", JWG_OK},
    /* Another string. */
    {"\"a\"", "\"b\"", JWG_ERR_CLAIM_VALUE},
    /* Integers compare by value: 10 and 1e1 are one number but 1e1 is not an integer form. */
    {"10", "10", JWG_OK},
    /* Another integer. */
    {"10", "11", JWG_ERR_CLAIM_VALUE},
    /* A fraction where an integer is required. */
    {"10", "10.5", JWG_ERR_CLAIM_VALUE},
    /* true against false. */
    {"true", "false", JWG_ERR_CLAIM_VALUE},
    /* false against false. */
    {"false", "false", JWG_OK},
    /* A string where a boolean is required. */
    {"true", "\"true\"", JWG_ERR_CLAIM_TYPE},
};

static void rules_equals(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(equals_cases) / sizeof(equals_cases[0]); i++) {
        const struct equals_case *ec = &equals_cases[i];
        jwg_policy *p = vf_policy();
        assert_int_equal(jwg_policy_require_claim_equals(p, "t", ec->json, strlen(ec->json)), JWG_OK);

        /* The copy inside the verifier must carry the rule. */
        jwg_verifier *v = vf_verifier(p);
        jwg_policy_free(p);
        char payload[256];
        snprintf(payload, sizeof(payload), "{" ISS_AUD ",\"t\":%s}", ec->payload_value);
        char *token = vf_hs256("{\"alg\":\"HS256\"}", payload);
        jwg_err got = vf_verify(v, token, VF_NOW);
        if (got != ec->want)
            fprintf(stderr, "case %zu: got %s\n", i, jwg_err_name(got));
        assert_int_equal(got, ec->want);
        free(token);
        jwg_verifier_free(v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(schema_errors),        cmocka_unit_test(schema_column),
        cmocka_unit_test(schema_valid),         cmocka_unit_test(schema_missing_file),
        cmocka_unit_test(schema_too_large),     cmocka_unit_test(schema_too_many_keys),
        cmocka_unit_test(sources_table),
        cmocka_unit_test(sources_exec_verifies), cmocka_unit_test(sources_exec_closed_stdio),
        cmocka_unit_test(sources_fifo_rejected), cmocka_unit_test(sources_exec_sigchld_ignored), cmocka_unit_test(routing_table),
        cmocka_unit_test(routing_alg_confusion), cmocka_unit_test(routing_malformed),
        cmocka_unit_test(routing_gateway_settings), cmocka_unit_test(rules_scopes),
        cmocka_unit_test(rules_setters),        cmocka_unit_test(rules_equals),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
