/*
 * test_server_decide.c: the decision core of jwtguard serve (srv_decide) on
 * a policy file with routes and identity headers, the local state and the
 * cache. Each case checks a request's reason, library error and route;
 * other tests check identity header values, cache use and the event line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "server/serve_int.h"

#define SECRET "0123456789abcdef0123456789abcdef"

static const char policy_text[] =
    "version: 1\n"
    "environment: test\n"
    "service: orders\n"
    "issuers:\n"
    "  - issuer: https://issuer.test\n"
    "    audiences: [api://orders]\n"
    "    algorithms: [HS256]\n"
    "    keys:\n"
    "      - hmac_secret_file: hs.key\n"
    "        alg: HS256\n"
    "routes:\n"
    "  - method: GET\n"
    "    path_prefix: /orders\n"
    "    scope_any_of: [orders:read]\n"
    "  - method: \"*\"\n"
    "    path_prefix: /public\n"
    "identity_headers:\n"
    "  sub: X-User-Id\n"
    "  tenant: X-Tenant\n"
    "  roles: X-Roles\n"
    "gateway:\n"
    "  anomaly:\n"
    "    max_regions: 1\n"
    "    action: deny\n";

typedef struct fixture {
    char dir[64];
    char log_path[128];
    srv_server server;
    srv_config *cfg;
    jwg_keyset *keys;
} fixture;

static void write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof(*fx));
    char path[128];
    char detail[512];

    snprintf(fx->dir, sizeof(fx->dir), "/tmp/jwg-decide-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    write_file(fx->dir, "hs.key", SECRET, 0600);
    write_file(fx->dir, "policy.yaml", policy_text, 0644);
    snprintf(path, sizeof(path), "%s/policy.yaml", fx->dir);
    fx->cfg = srv_config_load(path, 1, detail, sizeof(detail));
    assert_non_null(fx->cfg);

    srv_server *s = &fx->server;
    pthread_mutex_init(&s->config_lock, NULL);
    s->config = fx->cfg;
    s->cache = srv_cache_new(100);
    snprintf(fx->log_path, sizeof(fx->log_path), "%s/events.log", fx->dir);
    s->log = srv_log_open(fx->log_path);
    assert_non_null(s->log);
    srv_state_config sc = {.anomaly = {.max_regions = 1, .window_seconds = 600, .deny = true}};
    assert_int_equal(srv_state_new(&sc, NULL, NULL, &s->state, detail, sizeof(detail)), 0);

    assert_int_equal(jwg_keyset_new(&fx->keys), JWG_OK);
    assert_int_equal(jwg_keyset_add_hmac(fx->keys, (const uint8_t *)SECRET, strlen(SECRET), "HS256", NULL), JWG_OK);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char path[128];
    srv_server *s = &fx->server;

    srv_state_free(s->state);
    srv_cache_free(s->cache);
    srv_log_close(s->log);
    srv_config_unref(fx->cfg);
    pthread_mutex_destroy(&s->config_lock);
    jwg_keyset_free(fx->keys);
    const char *names[] = {"hs.key", "policy.yaml", "events.log"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", fx->dir, names[i]);
        unlink(path);
    }
    rmdir(fx->dir);
    free(fx);
    return 0;
}

/* Signs a token for the policy's issuer with sub "alice" and claim `name` = `json` (none when NULL). */
static char *token(const fixture *fx, const char *name, const char *json)
{
    jwg_signer *signer = NULL;
    char detail[256];
    char *out = NULL;
    size_t len = 0;

    assert_int_equal(jwg_signer_new(&signer, fx->keys, "HS256", detail, sizeof(detail)), JWG_OK);
    assert_int_equal(jwg_signer_set_lifetime(signer, 600), JWG_OK);
    assert_int_equal(jwg_signer_set_issuer(signer, "https://issuer.test"), JWG_OK);
    assert_int_equal(jwg_signer_add_audience(signer, "api://orders"), JWG_OK);
    assert_int_equal(jwg_signer_set_subject(signer, "alice"), JWG_OK);
    if (name != NULL)
        assert_int_equal(jwg_signer_add_claim_json(signer, name, json, strlen(json)), JWG_OK);
    assert_int_equal(jwg_signer_sign(signer, &out, &len), JWG_OK);
    jwg_signer_free(signer);
    return out;
}

/* Decides a GET of `target` with the Authorization value `auth` (may be NULL). */
static void decide(fixture *fx, const char *auth, const char *method, const char *target, const char *region,
                   srv_decision *d)
{
    srv_request rq = {.endpoint = "nginx", .method = method, .target = target,
                      .target_len = target != NULL ? strlen(target) : 0, .authorization = auth,
                      .region = region, .client_address = "192.0.2.1"};
    srv_decide(&fx->server, fx->cfg, &rq, d);
    srv_decision_record(&fx->server, fx->cfg, &rq, d, 1000);
}

static void decision_cases(void **state)
{
    fixture *fx = *state;
    char *read = token(fx, "scope", "\"orders:read\"");
    char *other = token(fx, "scope", "\"other\"");
    char bearer_read[2048];
    char bearer_other[2048];
    snprintf(bearer_read, sizeof(bearer_read), "Bearer %s", read);
    snprintf(bearer_other, sizeof(bearer_other), "Bearer %s", other);

    const struct {
        const char *auth;
        const char *method;
        const char *target;
        srv_reason reason;
        jwg_err err;
        long route;
    } cases[] = {
        /* Scope read on the GET route. */
        {bearer_read, "GET", "/orders/1?x=2", SRV_REASON_OK, JWG_OK, 0},
        /* The second time the token comes from the cache, with the same decision. */
        {bearer_read, "GET", "/orders/2", SRV_REASON_OK, JWG_OK, 0},
        /* The GET route's scope is missing. */
        {bearer_other, "GET", "/orders/1", SRV_REASON_ROUTE_RULES, JWG_ERR_SCOPE, 0},
        /* POST /orders matches no route. */
        {bearer_read, "POST", "/orders", SRV_REASON_NO_ROUTE, JWG_OK, -1},
        /* A route without rules admits any verified token. */
        {bearer_other, "DELETE", "/public/x", SRV_REASON_OK, JWG_OK, 1},
        /* No Authorization header. */
        {NULL, "GET", "/orders", SRV_REASON_TOKEN_MISSING, JWG_OK, -1},
        /* Another scheme is no bearer token. */
        {"Basic dTpw", "GET", "/orders", SRV_REASON_TOKEN_MISSING, JWG_OK, -1},
        /* A malformed Bearer value. */
        {"Bearer a,b", "GET", "/orders", SRV_REASON_TOKEN_INVALID, JWG_ERR_TOKEN_SEGMENTS, -1},
        /* Two segments only. */
        {"Bearer a.b", "GET", "/orders", SRV_REASON_TOKEN_INVALID, JWG_ERR_TOKEN_SEGMENTS, -1},
        /* The original method is missing. */
        {bearer_read, NULL, "/orders", SRV_REASON_BAD_REQUEST, JWG_OK, -1},
        /* A lower-case method is not a method. */
        {bearer_read, "get", "/orders", SRV_REASON_BAD_REQUEST, JWG_OK, -1},
        /* An encoded slash in the path. */
        {bearer_read, "GET", "/orders%2F1", SRV_REASON_PATH_INVALID, JWG_OK, -1},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        srv_decision d;
        decide(fx, cases[i].auth, cases[i].method, cases[i].target, NULL, &d);
        assert_int_equal(d.reason, cases[i].reason);
        assert_int_equal(d.err, cases[i].err);
        assert_int_equal(d.route, cases[i].route);
        srv_entry_unref(d.entry);
    }
    jwg_free(read, strlen(read));
    jwg_free(other, strlen(other));
}

static void identity_values(void **state)
{
    fixture *fx = *state;
    char *tok = token(fx, "roles", "[\"admin\",\"ops\"]");
    char auth[2048];
    srv_decision d;
    snprintf(auth, sizeof(auth), "Bearer %s", tok);

    decide(fx, auth, "GET", "/public", NULL, &d);
    assert_int_equal(d.reason, SRV_REASON_OK);
    assert_non_null(d.entry);
    assert_int_equal(d.entry->header_count, 3);
    /* sub as is, an absent tenant empty, and an array joined with ",". */
    assert_string_equal(d.entry->header_values[0], "alice");
    assert_string_equal(d.entry->header_values[1], "");
    assert_string_equal(d.entry->header_values[2], "admin,ops");
    assert_false(d.cache_hit);
    srv_entry_unref(d.entry);

    decide(fx, auth, "GET", "/public", NULL, &d);
    assert_true(d.cache_hit);
    srv_entry_unref(d.entry);
    jwg_free(tok, strlen(tok));
}

static void identity_value_unsafe(void **state)
{
    fixture *fx = *state;
    /* A claim with a line break would split the header: it is sent empty. */
    char *tok = token(fx, "tenant", "\"acme\\r\\nX-Admin: 1\"");
    char auth[2048];
    srv_decision d;
    snprintf(auth, sizeof(auth), "Bearer %s", tok);

    decide(fx, auth, "GET", "/public", NULL, &d);
    assert_int_equal(d.reason, SRV_REASON_OK);
    assert_string_equal(d.entry->header_values[1], "");
    srv_entry_unref(d.entry);
    jwg_free(tok, strlen(tok));
}

static void anomaly_denies_cached_token(void **state)
{
    fixture *fx = *state;
    char *tok = token(fx, NULL, NULL);
    char auth[2048];
    srv_decision d;
    snprintf(auth, sizeof(auth), "Bearer %s", tok);

    decide(fx, auth, "GET", "/public", "eu", &d);
    assert_int_equal(d.reason, SRV_REASON_OK);
    srv_entry_unref(d.entry);
    /* A second region breaks max_regions 1: the state runs on a cache hit too. */
    decide(fx, auth, "GET", "/public", "us", &d);
    assert_true(d.cache_hit);
    assert_int_equal(d.reason, SRV_REASON_ANOMALY);
    assert_non_null(d.alert.kind);
    assert_string_equal(d.alert.kind, "regions");
    srv_entry_unref(d.entry);
    jwg_free(tok, strlen(tok));
}

static void event_has_no_token(void **state)
{
    fixture *fx = *state;
    char *tok = token(fx, NULL, NULL);
    char auth[2048];
    char line[8192];
    srv_decision d;
    snprintf(auth, sizeof(auth), "Bearer %s", tok);

    decide(fx, auth, "GET", "/public", NULL, &d);
    srv_entry_unref(d.entry);
    /* The log writes its lines in batches; flushing makes this one readable now. */
    srv_log_flush(fx->server.log);
    FILE *f = fopen(fx->log_path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof(line), f));
    fclose(f);
    /* The event names the decision and the token's fingerprint, never the token or its signature. */
    assert_non_null(strstr(line, "\"event\":\"decision\""));
    assert_non_null(strstr(line, "\"token_fp\":\""));
    assert_null(strstr(line, strrchr(tok, '.') + 1));
    jwg_free(tok, strlen(tok));
}

static void metrics_text(void **state)
{
    fixture *fx = *state;
    srv_decision d;
    size_t len;

    decide(fx, NULL, "GET", "/orders", NULL, &d);
    char *text = srv_metrics_render(&fx->server, &len);
    assert_non_null(text);
    assert_int_equal(strlen(text), len);
    assert_non_null(strstr(text, "jwtguard_decisions_total{decision=\"deny\",status=\"401\",reason=\"token_missing\",code=\"\"} 1\n"));
    assert_non_null(strstr(text, "jwtguard_decision_seconds_count 1\n"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(decision_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(identity_values, setup, teardown),
        cmocka_unit_test_setup_teardown(identity_value_unsafe, setup, teardown),
        cmocka_unit_test_setup_teardown(anomaly_denies_cached_token, setup, teardown),
        cmocka_unit_test_setup_teardown(event_has_no_token, setup, teardown),
        cmocka_unit_test_setup_teardown(metrics_text, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
