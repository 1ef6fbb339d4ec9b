/*
 * test_server_routes.c: what the gateway reads from a policy file (the
 * "gateway" section, routes and their rules, how long a verified token may
 * be cached) and the verified-token cache.
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

#include "jwtguard/jwtguard.h"
#include "server/cache.h"

#define NOW 1767225600
#define SECRET "0123456789abcdef0123456789abcdef"

static const char policy_text[] =
    "version: 1\n"
    "environment: test\n"
    "service: orders\n"
    "issuers:\n"
    "  - issuer: https://issuer.test\n"
    "    audiences: [api://orders]\n"
    "    algorithms: [HS256]\n"
    "    max_age: 10m\n"
    "    keys:\n"
    "      - hmac_secret_file: hs.key\n"
    "        alg: HS256\n"
    "routes:\n"
    "  - method: GET\n"
    "    path_prefix: /orders\n"
    "    scope_any_of: [orders:read]\n"
    "  - method: \"*\"\n"
    "    path_prefix: /orders\n"
    "    scope_all_of: [orders:write]\n"
    "  - method: \"*\"\n"
    "    path_prefix: /orders/admin/\n"
    "    required_claims: [tenant]\n"
    "  - method: \"*\"\n"
    "    path_prefix: /\n"
    "gateway:\n"
    "  realm: shop\n"
    "  region_header: X-Region\n"
    "  unmatched_routes: allow\n"
    "  cache:\n"
    "    max_entries: 50\n"
    "    max_ttl: 2m\n"
    "  revocation_unavailable: fail_open\n"
    "  anomaly:\n"
    "    window: 30m\n"
    "    max_regions: 2\n"
    "    action: deny\n";

typedef struct fixture {
    char dir[64];
    jwg_policy_file *pf;
    jwg_verifier *v;
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
    jwg_keyset *ks = NULL;

    snprintf(fx->dir, sizeof(fx->dir), "/tmp/jwg-routes-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    write_file(fx->dir, "hs.key", SECRET, 0600);
    write_file(fx->dir, "policy.yaml", policy_text, 0644);
    snprintf(path, sizeof(path), "%s/policy.yaml", fx->dir);
    assert_int_equal(jwg_policy_load_file(path, &fx->pf, detail, sizeof(detail)), JWG_OK);
    assert_int_equal(jwg_verifier_new_from_file(&fx->v, fx->pf, detail, sizeof(detail)), JWG_OK);

    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    assert_int_equal(jwg_keyset_add_hmac(ks, (const uint8_t *)SECRET, strlen(SECRET), "HS256", NULL), JWG_OK);
    fx->keys = ks;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char path[128];
    jwg_keyset_free(fx->keys);
    jwg_verifier_free(fx->v);
    jwg_policy_file_free(fx->pf);
    snprintf(path, sizeof(path), "%s/hs.key", fx->dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/policy.yaml", fx->dir);
    unlink(path);
    rmdir(fx->dir);
    free(fx);
    return 0;
}

/* Signs a token of the policy's issuer and audience, valid for an hour from NOW. */
static void sign(const fixture *fx, const char *name, const char *json, char **token, size_t *len)
{
    jwg_signer *signer = NULL;
    char detail[256];

    assert_int_equal(jwg_signer_new(&signer, fx->keys, "HS256", detail, sizeof(detail)), JWG_OK);
    assert_int_equal(jwg_signer_set_lifetime(signer, 3600), JWG_OK);
    assert_int_equal(jwg_signer_set_issuer(signer, "https://issuer.test"), JWG_OK);
    assert_int_equal(jwg_signer_add_audience(signer, "api://orders"), JWG_OK);
    if (name != NULL)
        assert_int_equal(jwg_signer_add_claim_json(signer, name, json, strlen(json)), JWG_OK);
    assert_int_equal(jwg_signer_sign_at(signer, NOW, token, len), JWG_OK);
    jwg_signer_free(signer);
}

/* Returns the verified result of a token with the claim `name` = `json` (none when NULL). */
static jwg_result *verified(const fixture *fx, const char *name, const char *json)
{
    char *token = NULL;
    size_t len = 0;
    jwg_result *r = NULL;

    sign(fx, name, json, &token, &len);
    assert_int_equal(jwg_verify_at(fx->v, token, len, NOW, &r), JWG_OK);
    jwg_free(token, len);
    return r;
}

static void gateway_settings_read(void **state)
{
    fixture *fx = *state;
    jwg_gateway_settings gw;

    jwg_policy_file_gateway(fx->pf, &gw);
    assert_string_equal(gw.realm, "shop");
    assert_string_equal(gw.region_header, "X-Region");
    assert_null(gw.service_header);
    assert_null(gw.client_address_header);
    /* The shared-secret header has a default name. */
    assert_string_equal(gw.shared_secret_header, "X-Jwtguard-Secret");
    assert_int_equal(gw.cache_max_entries, 50);
    assert_int_equal(gw.cache_max_ttl, 120);
    assert_int_equal(gw.unmatched_allow, 1);
    assert_int_equal(gw.revocation_fail_open, 1);
    assert_int_equal(gw.anomaly_window, 1800);
    assert_int_equal(gw.anomaly_max_regions, 2);
    assert_int_equal(gw.anomaly_max_services, 0);
    assert_int_equal(gw.anomaly_deny, 1);
}

static void route_find_cases(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *method;
        const char *path;
        long route; /* -1: none */
    } cases[] = {
        /* A named method beats "*" on the same prefix. */
        {"GET", "/orders", 0},
        {"GET", "/orders/7", 0},
        /* Other methods take the "*" route of the same prefix. */
        {"POST", "/orders/7", 1},
        /* The longest prefix wins over a named method on a shorter one. */
        {"GET", "/orders/admin/x", 2},
        /* A prefix matches whole segments only: "/ordersx" falls to "/". */
        {"GET", "/ordersx", 3},
        /* A prefix ending in "/" does not match the path without it. */
        {"GET", "/orders/admin", 0},
        /* The root route catches the rest. */
        {"DELETE", "/", 3},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t index = 99;
        jwg_err rc = jwg_policy_file_route_find(fx->pf, cases[i].method, cases[i].path, strlen(cases[i].path), &index);
        assert_int_equal(rc, JWG_OK);
        assert_int_equal((long)index, cases[i].route);
    }
}

static void route_find_none(void **state)
{
    fixture *fx = *state;
    size_t index;
    /* A path that no prefix matches, not even "/", cannot occur after normalization, so test a relative one. */
    assert_int_equal(jwg_policy_file_route_find(fx->pf, "GET", "orders", 6, &index), JWG_ERR_MEMBER_NOT_FOUND);
    assert_int_equal(jwg_policy_file_route_find(NULL, "GET", "/", 1, &index), JWG_ERR_INVALID_ARGUMENT);
}

static void route_check_cases(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *name;
        const char *json;
        size_t route;
        jwg_err expected;
    } cases[] = {
        /* The scope string contains the scope route 0 accepts. */
        {"scope", "\"orders:read other\"", 0, JWG_OK},
        /* An scp array works as well. */
        {"scp", "[\"orders:read\"]", 0, JWG_OK},
        /* A scope that only starts with the wanted one does not count. */
        {"scope", "\"orders:readwrite\"", 0, JWG_ERR_SCOPE},
        /* No scope claim at all. */
        {NULL, NULL, 0, JWG_ERR_CLAIM_MISSING},
        /* Route 1 needs orders:write. */
        {"scope", "\"orders:read\"", 1, JWG_ERR_SCOPE},
        /* Route 2 requires the tenant claim. */
        {NULL, NULL, 2, JWG_ERR_CLAIM_MISSING},
        {"tenant", "\"acme\"", 2, JWG_OK},
        /* The scope must be a string or an array of strings. */
        {"scope", "7", 0, JWG_ERR_CLAIM_TYPE},
        /* Route 3 has no rules. */
        {NULL, NULL, 3, JWG_OK},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char detail[256];
        jwg_result *r = verified(fx, cases[i].name, cases[i].json);
        assert_int_equal(jwg_policy_file_route_check(fx->pf, cases[i].route, r, detail, sizeof(detail)),
                         cases[i].expected);
        jwg_result_free(r);
    }
}

static void route_check_unverified(void **state)
{
    fixture *fx = *state;
    jwg_result *r = NULL;
    char *token = NULL;
    size_t len = 0;
    char detail[256];

    /* A result from decoding alone was never verified. */
    sign(fx, NULL, NULL, &token, &len);
    assert_int_equal(jwg_decode_unverified(token, len, &r), JWG_OK);
    assert_int_equal(jwg_policy_file_route_check(fx->pf, 3, r, detail, sizeof(detail)), JWG_ERR_NOT_VERIFIED);
    /* An index past the routes is an argument error. */
    assert_int_equal(jwg_policy_file_route_check(fx->pf, 4, r, detail, sizeof(detail)), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_policy_file_valid_until(fx->pf, r), INT64_MIN);
    jwg_result_free(r);
    jwg_free(token, len);
}

static void valid_until_max_age(void **state)
{
    fixture *fx = *state;
    /* exp is NOW + 1 h, but max_age 10m ends validity at iat + 600. */
    jwg_result *r = verified(fx, NULL, NULL);
    assert_int_equal(jwg_policy_file_valid_until(fx->pf, r), NOW + 600);
    jwg_result_free(r);
}

static void gateway_schema_errors(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *gateway;
        const char *detail;
    } cases[] = {
        /* Only two words are accepted. */
        {"  unmatched_routes: maybe\n", "unmatched_routes: must be deny or allow"},
        {"  revocation_unavailable: open\n", "revocation_unavailable: must be fail_closed or fail_open"},
        /* Header names are RFC 7230 tokens. */
        {"  region_header: \"X Region\"\n", "region_header: must be an HTTP header name"},
        /* A realm is sent in a quoted-string. */
        {"  realm: 'a\"b'\n", "realm: must be printable ASCII"},
        /* A zero TTL would cache nothing, which is what max_entries: 0 is for. */
        {"  cache:\n    max_ttl: 0\n", "max_ttl: must be at least 1 second"},
        {"  anomaly:\n    action: block\n", "action: must be alert or deny"},
        {"  anomaly:\n    window: 0\n", "window: must be at least 1 second"},
        /* Unknown keys are errors, as everywhere in the file. */
        {"  cache_size: 3\n", "unknown key in gateway"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[2048];
        char path[128];
        char detail[512];
        jwg_policy_file *pf = NULL;
        const char *cut = strstr(policy_text, "gateway:\n");
        snprintf(text, sizeof(text), "%.*sgateway:\n%s", (int)(cut - policy_text), policy_text, cases[i].gateway);
        write_file(fx->dir, "bad.yaml", text, 0644);
        snprintf(path, sizeof(path), "%s/bad.yaml", fx->dir);
        assert_int_equal(jwg_policy_load_file(path, &pf, detail, sizeof(detail)), JWG_ERR_POLICY_INVALID);
        assert_non_null(strstr(detail, cases[i].detail));
        unlink(path);
    }
}

/* ---- cache ------------------------------------------------------------------ */

static srv_entry *entry(uint8_t id, uint64_t generation, int64_t until)
{
    srv_entry *e = calloc(1, sizeof(*e));
    atomic_init(&e->refs, 1);
    memset(e->facts.fp, id, SRV_FP_LEN);
    e->generation = generation;
    e->until = until;
    return e;
}

static void cache_hit_and_expiry(void **state)
{
    (void)state;
    srv_cache *c = srv_cache_new(100);
    uint8_t fp1[SRV_FP_LEN];
    uint8_t fp2[SRV_FP_LEN];
    srv_entry *e = entry(1, 7, NOW + 10);
    memcpy(fp1, e->facts.fp, SRV_FP_LEN);
    srv_cache_put(c, e);

    /* Found while valid, under its generation. */
    srv_entry *got = srv_cache_get(c, fp1, 7, NOW + 9);
    assert_ptr_equal(got, e);
    srv_entry_unref(got);
    srv_entry_unref(e);
    /* Another generation (a reload) misses. */
    assert_null(srv_cache_get(c, fp1, 8, NOW));
    /* That lookup dropped the entry, so a later one misses too. */
    assert_null(srv_cache_get(c, fp1, 7, NOW));

    srv_entry *f = entry(2, 7, NOW + 10);
    memcpy(fp2, f->facts.fp, SRV_FP_LEN);
    srv_cache_put(c, f);
    srv_entry_unref(f);
    /* At `until` the entry is gone: it never outlives the token's exp. */
    assert_null(srv_cache_get(c, fp2, 7, NOW + 10));

    srv_cache_stats st;
    srv_cache_get_stats(c, &st);
    assert_int_equal(st.hits, 1);
    assert_int_equal(st.misses, 3);
    assert_int_equal(st.entries, 0);
    srv_cache_free(c);
}

static void cache_bounded_by_entries(void **state)
{
    (void)state;
    /* 16 entries over 16 shards: a shard keeps 2, so no more than 32 stay. */
    srv_cache *c = srv_cache_new(16);
    for (unsigned i = 0; i < 200; i++) {
        srv_entry *e = entry((uint8_t)i, 1, NOW + 100);
        e->facts.fp[1] = (uint8_t)(i >> 8);
        srv_cache_put(c, e);
        srv_entry_unref(e);
    }
    srv_cache_stats st;
    srv_cache_get_stats(c, &st);
    assert_true(st.entries <= 32);
    assert_true(st.evictions >= 168);

    srv_cache_flush(c);
    srv_cache_get_stats(c, &st);
    assert_int_equal(st.entries, 0);
    srv_cache_free(c);
}

static void cache_disabled(void **state)
{
    (void)state;
    srv_cache *c = srv_cache_new(0);
    srv_entry *e = entry(3, 1, NOW + 100);
    /* max_entries 0 stores nothing. */
    srv_cache_put(c, e);
    assert_null(srv_cache_get(c, e->facts.fp, 1, NOW));
    srv_entry_unref(e);
    srv_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(gateway_settings_read, setup, teardown),
        cmocka_unit_test_setup_teardown(route_find_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(route_find_none, setup, teardown),
        cmocka_unit_test_setup_teardown(route_check_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(route_check_unverified, setup, teardown),
        cmocka_unit_test_setup_teardown(valid_until_max_age, setup, teardown),
        cmocka_unit_test_setup_teardown(gateway_schema_errors, setup, teardown),
        cmocka_unit_test(cache_hit_and_expiry),
        cmocka_unit_test(cache_bounded_by_entries),
        cmocka_unit_test(cache_disabled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
