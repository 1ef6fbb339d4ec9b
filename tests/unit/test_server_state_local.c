/*
 * test_server_state_local.c: the state without Redis: configuration checks,
 * the anomaly rule's limits, alert-once, deny and window expiry (moved with
 * the `now` argument), the fingerprint eviction bound, and the revocation
 * mirror's jti and sub rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "server/state.h"
#include "server/state_int.h"
#include "server/redis_link.h"

#define T0 1767225600
#define WINDOW 600

static srv_state *new_state(uint32_t max_regions, uint32_t max_networks, bool deny)
{
    srv_state_config cfg = {0};
    srv_state *s = NULL;
    char detail[200];

    cfg.anomaly.max_regions = max_regions;
    cfg.anomaly.max_networks = max_networks;
    cfg.anomaly.window_seconds = WINDOW;
    cfg.anomaly.deny = deny;
    assert_int_equal(srv_state_new(&cfg, NULL, NULL, &s, detail, sizeof(detail)), 0);
    return s;
}

static srv_token_facts facts(uint8_t id)
{
    srv_token_facts t = {.iat = INT64_MIN, .exp = INT64_MAX};

    memset(t.fp, id, sizeof(t.fp));
    return t;
}

static srv_verdict check_region(srv_state *s, const srv_token_facts *t, const char *region,
                                int64_t now, srv_alert *alert)
{
    srv_usage u = {.region = region, .service = "orders", .network = "192.0.2.0/24"};

    return srv_state_check(s, t, &u, now, alert);
}

static void config_rejected(void **state)
{
    static const struct {
        srv_state_config cfg;
        const char *detail;
    } cases[] = {
        /* A window must be positive, since counts are per window. */
        {{.anomaly = {.window_seconds = 0}}, "anomaly window 0 s is not positive"},
        /* The table must track limit + 1 values to see a limit broken. */
        {{.anomaly = {.max_regions = SRV_USAGE_MAX_VALUES, .window_seconds = 60}},
         "anomaly limit for regions (16) must be below 16"},
        /* A prefix with a glob character would change SCAN MATCH. */
        {{.key_prefix = "jwt*", .anomaly = {.window_seconds = 60}},
         "key prefix is not 1 to 64 characters of A-Z a-z 0-9 _ . : -"},
        /* Negative timeouts are meaningless. */
        {{.redis_timeout_ms = -1, .anomaly = {.window_seconds = 60}},
         "Redis timeout -1 ms is not in 0..60000"},
        /* A bad Redis URL is a configuration error, not a connection failure. */
        {{.redis_url = "http://127.0.0.1:6379", .anomaly = {.window_seconds = 60}},
         "Redis URL does not start with redis:// or unix:"},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        srv_state *s = (srv_state *)1;
        char detail[200];

        assert_int_equal(srv_state_new(&cases[i].cfg, NULL, NULL, &s, detail, sizeof(detail)), -1);
        assert_null(s);
        assert_string_equal(detail, cases[i].detail);
    }
}

static void local_allows_and_is_ready(void **state)
{
    srv_state *s = new_state(0, 0, false);
    srv_token_facts t = facts(1);
    srv_alert alert;
    srv_state_stats stats;
    (void)state;

    t.jti = "id-1";
    t.sub = "alice";
    assert_int_equal(check_region(s, &t, "eu", T0, &alert), SRV_VERDICT_ALLOW);
    assert_null(alert.kind);
    assert_true(srv_state_ready(s));
    srv_state_get_stats(s, &stats);
    assert_false(stats.redis_connected);
    assert_int_equal(stats.revocations_known, 0);
    srv_state_free(s);
}

static void regions_alert_once(void **state)
{
    srv_state *s = new_state(2, 0, false);
    srv_token_facts t = facts(2);
    srv_alert alert;
    srv_state_stats stats;
    (void)state;

    /* Two regions are within the limit of 2. */
    assert_int_equal(check_region(s, &t, "eu", T0, &alert), SRV_VERDICT_ALLOW);
    assert_int_equal(check_region(s, &t, "us", T0 + 1, &alert), SRV_VERDICT_ALLOW);
    assert_null(alert.kind);

    /* The third breaks it: an alert, but no deny. */
    assert_int_equal(check_region(s, &t, "ap", T0 + 2, &alert), SRV_VERDICT_ALLOW);
    assert_string_equal(alert.kind, "regions");
    assert_int_equal(alert.seen, 3);
    assert_int_equal(alert.limit, 2);

    /* Within the window the alert is not repeated. */
    assert_int_equal(check_region(s, &t, "sa", T0 + 3, &alert), SRV_VERDICT_ALLOW);
    assert_null(alert.kind);

    srv_state_get_stats(s, &stats);
    assert_int_equal(stats.anomaly_alerts, 1);
    assert_int_equal(stats.anomaly_denied, 0);
    srv_state_free(s);
}

static void window_expiry_resets(void **state)
{
    srv_state *s = new_state(1, 0, false);
    srv_token_facts t = facts(3);
    srv_alert alert;
    (void)state;

    assert_int_equal(check_region(s, &t, "eu", T0, &alert), SRV_VERDICT_ALLOW);
    assert_int_equal(check_region(s, &t, "us", T0 + 1, &alert), SRV_VERDICT_ALLOW);
    assert_string_equal(alert.kind, "regions");

    /* Once "eu" and "us" left the window, one new region is within the limit. */
    assert_int_equal(check_region(s, &t, "ap", T0 + 1 + WINDOW, &alert), SRV_VERDICT_ALLOW);
    assert_null(alert.kind);

    /* A second new region breaks it again and alerts again: the earlier alert is a window old. */
    assert_int_equal(check_region(s, &t, "eu", T0 + 2 + WINDOW, &alert), SRV_VERDICT_ALLOW);
    assert_string_equal(alert.kind, "regions");
    assert_int_equal(alert.seen, 2);
    srv_state_free(s);
}

static void deny_lasts_one_window(void **state)
{
    srv_state *s = new_state(1, 0, true);
    srv_token_facts t = facts(4), other = facts(5);
    srv_alert alert;
    srv_state_stats stats;
    (void)state;

    assert_int_equal(check_region(s, &t, "eu", T0, &alert), SRV_VERDICT_ALLOW);

    /* The breaking request is denied... */
    assert_int_equal(check_region(s, &t, "us", T0 + 10, &alert), SRV_VERDICT_ANOMALY);
    assert_string_equal(alert.kind, "regions");

    /* ...and later ones from that token, even from the first region, until the window passes. */
    assert_int_equal(check_region(s, &t, "eu", T0 + 11, &alert), SRV_VERDICT_ANOMALY);
    assert_null(alert.kind);
    assert_int_equal(check_region(s, &t, "eu", T0 + 10 + WINDOW - 1, &alert), SRV_VERDICT_ANOMALY);

    /* Another token is not affected. */
    assert_int_equal(check_region(s, &other, "us", T0 + 12, &alert), SRV_VERDICT_ALLOW);

    /* After the window the token is allowed again. */
    assert_int_equal(check_region(s, &t, "eu", T0 + 10 + 2 * WINDOW, &alert), SRV_VERDICT_ALLOW);

    srv_state_get_stats(s, &stats);
    assert_int_equal(stats.anomaly_alerts, 1);
    assert_int_equal(stats.anomaly_denied, 3);
    srv_state_free(s);
}

static void networks_counted_separately(void **state)
{
    srv_state *s = new_state(0, 1, false);
    srv_token_facts t = facts(6);
    srv_usage a = {.region = "eu", .network = "192.0.2.0/24"};
    srv_usage b = {.region = "eu", .network = "198.51.100.0/24"};
    srv_usage none = {NULL, "", NULL};
    srv_alert alert;
    (void)state;

    /* Empty and absent values are not counted. */
    assert_int_equal(srv_state_check(s, &t, &none, T0, &alert), SRV_VERDICT_ALLOW);
    assert_int_equal(srv_state_check(s, &t, NULL, T0, &alert), SRV_VERDICT_ALLOW);
    assert_int_equal(srv_state_check(s, &t, &a, T0, &alert), SRV_VERDICT_ALLOW);
    assert_null(alert.kind);
    assert_int_equal(srv_state_check(s, &t, &b, T0 + 1, &alert), SRV_VERDICT_ALLOW);
    assert_string_equal(alert.kind, "networks");
    assert_int_equal(alert.seen, 2);
    assert_int_equal(alert.limit, 1);
    srv_state_free(s);
}

static void eviction_keeps_bound(void **state)
{
    srv_usage_table *table = srv_usage_new();
    srv_usage u = {.region = "eu"};
    srv_observation obs;
    uint8_t fp[SRV_FP_LEN] = {0};
    (void)state;

    assert_non_null(table);
    srv_usage_deny(table, fp, T0 + 100);
    assert_int_equal(srv_usage_denied_until(table, fp), T0 + 100);

    /* One fingerprint past the table's capacity evicts the least recently used, the first. */
    for (uint32_t i = 1; i <= SRV_USAGE_MAX_FINGERPRINTS; i++) {
        uint8_t other[SRV_FP_LEN] = {0};

        memcpy(other, &i, sizeof(i));
        other[31] = 1;
        srv_usage_observe(table, other, &u, T0, WINDOW, &obs);
        assert_true(obs.needs_write[SRV_DIM_REGION]);
        assert_int_equal(obs.seen[SRV_DIM_REGION], 1);
    }
    assert_int_equal(srv_usage_denied_until(table, fp), INT64_MIN);
    srv_usage_free(table);
}

static void values_bounded_per_dimension(void **state)
{
    srv_usage_table *table = srv_usage_new();
    uint8_t fp[SRV_FP_LEN] = {7};
    srv_observation obs;
    char region[16];
    (void)state;

    /* More distinct values than slots: the count stays at the bound, above any allowed limit. */
    for (unsigned i = 0; i < SRV_USAGE_MAX_VALUES + 5; i++) {
        srv_usage u = {.region = region};

        snprintf(region, sizeof(region), "r%u", i);
        srv_usage_observe(table, fp, &u, T0, WINDOW, &obs);
    }
    assert_int_equal(obs.seen[SRV_DIM_REGION], SRV_USAGE_MAX_VALUES);
    srv_usage_free(table);
}

static void mirror_jti_and_sub(void **state)
{
    srv_mirror *m = srv_mirror_new();
    srv_token_facts t = facts(8);
    (void)state;

    assert_true(srv_mirror_put(m, SRV_REVOKE_JTI, "id-9", 4, 0, T0 + 100));
    assert_true(srv_mirror_put(m, SRV_REVOKE_SUB, "alice", 5, T0 - 50, T0 + 100));

    /* A revoked jti applies until the entry expires. */
    t.jti = "id-9";
    assert_true(srv_mirror_revoked(m, &t, T0));
    assert_false(srv_mirror_revoked(m, &t, T0 + 100));

    /* A sub revocation covers tokens issued before the cut-off only. */
    t.jti = "id-10";
    t.sub = "alice";
    t.iat = T0 - 51;
    assert_true(srv_mirror_revoked(m, &t, T0));
    t.iat = T0 - 50;
    assert_false(srv_mirror_revoked(m, &t, T0));

    /* A token without iat is revoked: it cannot prove it is newer than the cut-off. */
    t.iat = INT64_MIN;
    assert_true(srv_mirror_revoked(m, &t, T0));

    /* A second revocation only widens: a later cut-off wins, an earlier one changes nothing. */
    assert_true(srv_mirror_put(m, SRV_REVOKE_SUB, "alice", 5, T0 - 100, T0 + 50));
    t.iat = T0 - 60;
    assert_true(srv_mirror_revoked(m, &t, T0 + 99));

    /* Other subjects are not affected, and purge drops expired entries. */
    t.sub = "bob";
    assert_false(srv_mirror_revoked(m, &t, T0));
    assert_int_equal(srv_mirror_count(m), 2);
    srv_mirror_purge(m, T0 + 100);
    assert_int_equal(srv_mirror_count(m), 0);
    srv_mirror_free(m);
}

static void mirror_grows(void **state)
{
    srv_mirror *m = srv_mirror_new();
    srv_token_facts t = facts(9);
    char id[32];
    (void)state;

    /* Past the initial bucket count, every entry stays findable. */
    for (unsigned i = 0; i < 5000; i++) {
        snprintf(id, sizeof(id), "jti-%u", i);
        assert_true(srv_mirror_put(m, SRV_REVOKE_JTI, id, strlen(id), 0, T0 + 10));
    }
    assert_int_equal(srv_mirror_count(m), 5000);
    for (unsigned i = 0; i < 5000; i += 499) {
        snprintf(id, sizeof(id), "jti-%u", i);
        t.jti = id;
        assert_true(srv_mirror_revoked(m, &t, T0));
    }
    srv_mirror_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(config_rejected),
        cmocka_unit_test(local_allows_and_is_ready),
        cmocka_unit_test(regions_alert_once),
        cmocka_unit_test(window_expiry_resets),
        cmocka_unit_test(deny_lasts_one_window),
        cmocka_unit_test(networks_counted_separately),
        cmocka_unit_test(eviction_keeps_bound),
        cmocka_unit_test(values_bounded_per_dimension),
        cmocka_unit_test(mirror_jti_and_sub),
        cmocka_unit_test(mirror_grows),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
