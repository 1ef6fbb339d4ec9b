/*
 * test_policy_live.c: a policy file whose issuer takes its keys from a
 * jwks_url or oidc_issuer source, verified through
 * jwg_verifier_new_from_file() against the loopback HTTPS server of
 * support/jwks_server.h: first fetch, rotation after the cache expires, one
 * refetch on an unknown kid, the server down, a wrong discovered issuer, and
 * a URL source mixed with a public key file.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "policy_file_internal.h"
#include "support/forge.h"
#include "support/jwks_server.h"

#define KEYS JWG_TEST_DATA "/keys"
#define ISSUER "https://issuer.test"

/* Signing keys: "a" (Ed25519) and "b" (P-256), and the public JWK set of each and of both. */
static jwg_keyset *g_signing[2];
static char *g_jwks[2];
static char g_jwks_both[2048];

static jwg_keyset *private_key(const char *file, const char *alg, const char *kid)
{
    size_t len;
    char *pem = forge_read(file, &len);
    assert_non_null(pem);
    jwg_keyset *ks = NULL;
    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    assert_int_equal(jwg_keyset_add_pem_private(ks, pem, len, alg, kid), JWG_OK);
    free(pem);
    return ks;
}

static int group_setup(void **state)
{
    if (ts_make_certs(state) != 0)
        return -1;
    g_signing[0] = private_key(KEYS "/ed25519.key.pem", "EdDSA", "a");
    g_signing[1] = private_key(KEYS "/p256.key.pem", "ES256", "b");

    size_t len[2];
    for (int i = 0; i < 2; i++) {
        if (jwg_keyset_export_public_jwks(g_signing[i], &g_jwks[i], &len[i]) != JWG_OK)
            return -1;
    }
    /* {"keys":[A]} + {"keys":[B]} -> {"keys":[A,B]} */
    snprintf(g_jwks_both, sizeof(g_jwks_both), "%.*s,%s", (int)(len[0] - 2), g_jwks[0],
             strchr(g_jwks[1], '[') + 1);
    return 0;
}

static int group_teardown(void **state)
{
    for (int i = 0; i < 2; i++) {
        jwg_keyset_free(g_signing[i]);
        jwg_free(g_jwks[i], strlen(g_jwks[i]));
    }
    return ts_remove_certs(state);
}

/* Signs a token for ISSUER and audience "orders" with signing key `which`. */
static char *token(int which, const char *alg)
{
    char detail[JWG_DETAIL_MAX];
    jwg_signer *s = NULL;
    char *out = NULL;
    size_t len;
    assert_int_equal(jwg_signer_new(&s, g_signing[which], alg, detail, sizeof(detail)), JWG_OK);
    assert_int_equal(jwg_signer_set_lifetime(s, 300), JWG_OK);
    assert_int_equal(jwg_signer_set_issuer(s, ISSUER), JWG_OK);
    assert_int_equal(jwg_signer_add_audience(s, "orders"), JWG_OK);
    assert_int_equal(jwg_signer_sign(s, &out, &len), JWG_OK);
    jwg_signer_free(s);
    return out;
}

/*
 * Writes SERVER_ROOT/policy.yaml with one issuer whose key source is
 * `source` (YAML lines at the key source's indentation) and builds its
 * verifier, asserting the load code `want_load`.
 */
static jwg_verifier *live_verifier(const ts_server *s, jwg_err want_load, const char *source_fmt, ...)
    __attribute__((format(printf, 3, 4)));

static jwg_verifier *live_verifier(const ts_server *s, jwg_err want_load, const char *source_fmt, ...)
{
    char source[1024];
    va_list ap;
    va_start(ap, source_fmt);
    vsnprintf(source, sizeof(source), source_fmt, ap);
    va_end(ap);

    ts_write_filef(s->root, "policy.yaml",
                   "version: 1\nenvironment: test\nservice: orders\nissuers:\n"
                   "  - issuer: %s\n    audiences: [orders]\n    algorithms: [EdDSA, ES256]\n"
                   "    keys:\n%s",
                   ISSUER, source);
    char path[128];
    char detail[JWG_DETAIL_MAX];
    ts_path_of(path, sizeof(path), s->root, "policy.yaml");
    jwg_policy_file *pf = NULL;
    jwg_err rc = jwg_policy_load_file(path, &pf, detail, sizeof(detail));
    if (rc != want_load)
        fail_msg("load: %s (%s)", jwg_err_name(rc), detail);
    if (rc != JWG_OK)
        return NULL;

    jwg_verifier *v = NULL;
    assert_int_equal(jwg_verifier_new_from_file(&v, pf, detail, sizeof(detail)), JWG_OK);
    jwg_policy_file_free(pf);
    return v;
}

/* A jwks_url source on the server, with the test CA and the given cache and refetch limits. */
static jwg_verifier *url_verifier(const ts_server *s, const char *cache, const char *refetch)
{
    return live_verifier(s, JWG_OK,
                         "      - jwks_url: %s/jwks.json\n        ca_file: %s\n        timeout: 5s\n"
                         "        cache_min: %s\n        cache_max: %s\n        refetch_interval: %s\n",
                         s->base, ts_ca, cache, cache, refetch);
}

/* Verifies token `tok` and asserts the code, both returned and in the result. */
static void expect(const jwg_verifier *v, const char *tok, jwg_err want)
{
    jwg_result *r = NULL;
    jwg_err rc = jwg_verify(v, tok, strlen(tok), &r);
    if (rc != want)
        fail_msg("verify: got %s, want %s (%s)", jwg_err_name(rc), jwg_err_name(want),
                 r != NULL ? jwg_result_detail(r) : "");
    assert_non_null(r);
    assert_int_equal(jwg_result_error(r), want);
    jwg_result_free(r);
}

/* ---- tests ---------------------------------------------------------------- */

/* The first token fetches the set, and later tokens use the cached set. */
static void live_first_fetch(void **state)
{
    ts_server *s = *state;
    ts_write_file(s->root, "jwks.json", g_jwks[0]);
    jwg_verifier *v = url_verifier(s, "1h", "1h");
    char *tok = token(0, "EdDSA");

    assert_int_equal(ts_hits(s, "/jwks.json"), 0); /* nothing is fetched when the verifier is built */
    expect(v, tok, JWG_OK);
    expect(v, tok, JWG_OK);
    assert_int_equal(ts_hits(s, "/jwks.json"), 1);
    jwg_free(tok, strlen(tok));
    jwg_verifier_free(v);
}

/*
 * A rotated set is picked up with no new verifier: first through the
 * unknown-kid refetch, then, with that refetch spent for the interval,
 * once the cached set expires.
 */
static void live_rotation(void **state)
{
    ts_server *s = *state;
    ts_write_file(s->root, "jwks.json", g_jwks[0]);
    jwg_verifier *v = url_verifier(s, "3s", "1h"); /* long enough for valgrind to reach the stale check */
    char *tok_a = token(0, "EdDSA");
    char *tok_b = token(1, "ES256");

    expect(v, tok_a, JWG_OK);
    ts_write_file(s->root, "jwks.json", g_jwks[1]);
    expect(v, tok_b, JWG_OK);
    assert_int_equal(ts_hits(s, "/jwks.json"), 2);

    ts_write_file(s->root, "jwks.json", g_jwks[0]);
    expect(v, tok_a, JWG_ERR_KEY_NOT_FOUND); /* the cached set lacks "a" and no refetch is due */
    ts_sleep_ms(3100);
    expect(v, tok_a, JWG_OK);
    expect(v, tok_b, JWG_ERR_KEY_NOT_FOUND);
    assert_int_equal(ts_hits(s, "/jwks.json"), 3);
    jwg_free(tok_a, strlen(tok_a));
    jwg_free(tok_b, strlen(tok_b));
    jwg_verifier_free(v);
}

/* An unknown kid fetches the set once more, and only once per token. */
static void live_unknown_kid(void **state)
{
    ts_server *s = *state;
    ts_write_file(s->root, "jwks.json", g_jwks[0]);
    jwg_verifier *v = url_verifier(s, "1h", "1s");
    char *tok_a = token(0, "EdDSA");
    char *tok_b = token(1, "ES256");

    expect(v, tok_a, JWG_OK);
    assert_int_equal(ts_hits(s, "/jwks.json"), 1);
    ts_sleep_ms(1100);
    ts_write_file(s->root, "jwks.json", g_jwks_both);
    expect(v, tok_b, JWG_OK);
    assert_int_equal(ts_hits(s, "/jwks.json"), 2);

    ts_sleep_ms(1100);
    ts_write_file(s->root, "jwks.json", g_jwks[0]);
    expect(v, tok_a, JWG_OK); /* the cached set still has "a": no fetch */
    assert_int_equal(ts_hits(s, "/jwks.json"), 2);
    jwg_free(tok_a, strlen(tok_a));
    jwg_free(tok_b, strlen(tok_b));
    jwg_verifier_free(v);
}

/* With the server down and nothing cached, the answer is "key source unavailable", not a token error. */
static void live_unavailable(void **state)
{
    ts_server *s = *state;
    jwg_verifier *v = url_verifier(s, "1h", "1h");
    char *tok = token(0, "EdDSA");

    ts_server_stop(s);
    expect(v, tok, JWG_ERR_KEY_SOURCE_UNAVAILABLE);
    jwg_free(tok, strlen(tok));
    jwg_verifier_free(v);
}

/* A server answering 404 for the set is unavailable too, and its detail names the source. */
static void live_not_found(void **state)
{
    ts_server *s = *state;
    jwg_verifier *v = url_verifier(s, "1h", "1h");
    char *tok = token(0, "EdDSA");

    jwg_result *r = NULL;
    assert_int_equal(jwg_verify(v, tok, strlen(tok), &r), JWG_ERR_KEY_SOURCE_UNAVAILABLE);
    assert_non_null(strstr(jwg_result_detail(r), "/jwks.json"));
    jwg_result_free(r);
    jwg_free(tok, strlen(tok));
    jwg_verifier_free(v);
}

/* OpenID Connect discovery: the right issuer verifies, a different discovered issuer is unavailable. */
static void live_oidc(void **state)
{
    ts_server *s = *state;
    char dir[128];
    ts_path_of(dir, sizeof(dir), s->root, ".well-known");
    assert_int_equal(mkdir(dir, 0700), 0);
    ts_write_file(s->root, "keys", g_jwks[0]);
    char *tok = token(0, "EdDSA");

    for (int wrong = 0; wrong < 2; wrong++) {
        ts_write_filef(dir, "openid-configuration", "{\"issuer\":\"%s%s\",\"jwks_uri\":\"%s/keys\"}",
                       s->base, wrong ? "/other" : "", s->base);
        jwg_verifier *v = live_verifier(s, JWG_OK, "      - oidc_issuer: %s\n        ca_file: %s\n",
                                        s->base, ts_ca);
        expect(v, tok, wrong ? JWG_ERR_KEY_SOURCE_UNAVAILABLE : JWG_OK);
        jwg_verifier_free(v);
    }
    jwg_free(tok, strlen(tok));
}

/* A public key file next to the URL source: keys from both verify. */
static void live_mixed(void **state)
{
    ts_server *s = *state;
    ts_write_file(s->root, "jwks.json", g_jwks[0]);
    jwg_verifier *v = live_verifier(s, JWG_OK,
                                    "      - jwks_url: %s/jwks.json\n        ca_file: %s\n"
                                    "      - file: %s/p256.pub.pem\n        format: pem_public\n"
                                    "        alg: ES256\n        kid: b\n",
                                    s->base, ts_ca, KEYS);
    char *tok_a = token(0, "EdDSA");
    char *tok_b = token(1, "ES256");

    expect(v, tok_a, JWG_OK);
    expect(v, tok_b, JWG_OK);
    jwg_free(tok_a, strlen(tok_a));
    jwg_free(tok_b, strlen(tok_b));
    jwg_verifier_free(v);
}

typedef struct worker {
    const jwg_verifier *v;
    const char *tok[2];
    double until;
    int failures;
} worker;

static void *verify_loop(void *arg)
{
    worker *w = arg;
    for (int i = 0; ts_seconds_now() < w->until; i++) {
        jwg_result *r = NULL;
        const char *tok = w->tok[i % 2];
        if (jwg_verify(w->v, tok, strlen(tok), &r) != JWG_OK)
            w->failures++;
        jwg_result_free(r);
    }
    return NULL;
}

/* Four threads share one verifier while its set expires and is replaced: every token still verifies. */
static void live_threads(void **state)
{
    ts_server *s = *state;
    ts_write_file(s->root, "jwks.json", g_jwks_both);
    jwg_verifier *v = url_verifier(s, "1s", "1h");
    char *tok_a = token(0, "EdDSA");
    char *tok_b = token(1, "ES256");

    pthread_t th[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){.v = v, .tok = {tok_a, tok_b}, .until = ts_seconds_now() + 2.5};
        assert_int_equal(pthread_create(&th[i], NULL, verify_loop, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(w[i].failures, 0);
    }
    assert_true(ts_hits(s, "/jwks.json") >= 2);
    jwg_free(tok_a, strlen(tok_a));
    jwg_free(tok_b, strlen(tok_b));
    jwg_verifier_free(v);
}

/* A started refresher fetches before any token arrives, and a second start is refused. */
static void live_refresher(void **state)
{
    ts_server *s = *state;
    ts_write_file(s->root, "jwks.json", g_jwks[0]);
    jwg_verifier *v = url_verifier(s, "1h", "1h");

    assert_int_equal(jwg_verifier_start_refresh(v), JWG_OK);
    for (int i = 0; i < 250 && ts_hits(s, "/jwks.json") == 0; i++)
        ts_sleep_ms(20);
    assert_int_equal(ts_hits(s, "/jwks.json"), 1);
    assert_int_equal(jwg_verifier_start_refresh(v), JWG_ERR_INVALID_ARGUMENT);

    char *tok = token(0, "EdDSA");
    expect(v, tok, JWG_OK);
    assert_int_equal(ts_hits(s, "/jwks.json"), 1);
    jwg_free(tok, strlen(tok));
    jwg_verifier_free(v);
}

/* A cache bound given alone moves the other default: cache_max below the default cache_min loads. */
static void live_cache_alone(void **state)
{
    ts_server *s = *state;
    jwg_verifier *v = live_verifier(s, JWG_OK, "      - jwks_url: %s/jwks.json\n        cache_max: 5s\n",
                                    s->base);
    jwg_verifier_free(v);
}

/* An http:// URL to loopback needs allow_http_loopback, and the error names the file and line. */
static void live_http_refused(void **state)
{
    ts_server *s = *state;
    jwg_verifier *v = live_verifier(s, JWG_ERR_POLICY_INVALID, "      - jwks_url: http://127.0.0.1:%d/jwks.json\n",
                                    s->port);
    assert_null(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(live_first_fetch, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(live_rotation, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(live_unknown_kid, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(live_unavailable, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(live_not_found, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(live_oidc, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(live_mixed, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(live_http_refused, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(live_threads, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(live_refresher, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(live_cache_alone, ts_setup, ts_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
