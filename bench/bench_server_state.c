/*
 * bench_server_state.c: the cost of srv_state_check() on the request path,
 * in nanoseconds per call (median of 5 runs of 1,000,000 calls):
 *   - a repeated token with the same region, service and network, the
 *     common cache-hit case, with an empty mirror and with 100,000 mirrored
 *     revocations;
 *   - a new fingerprint per call, which fills and then evicts the usage
 *     table;
 *   - with JWG_BENCH_REDIS_URL set, the repeated token again against a live
 *     Redis: it must cost the same, because no Redis call is made.
 * Usage: make bench && ./bench_server_state   (build folder)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/state.h"
#include "server/state_int.h"

#define CALLS 1000000
#define RUNS 5
#define NOW 1767225600

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Runs CALLS checks RUNS times; `distinct` gives each call its own fingerprint. */
static double median_ns(srv_state *s, bool distinct)
{
    srv_token_facts t = {.jti = "jti-bench", .sub = "alice", .iat = NOW - 60, .exp = NOW + 600};
    srv_usage u = {.region = "eu-west", .service = "orders", .network = "192.0.2.0/24"};
    double runs[RUNS];
    srv_alert alert;

    for (int r = 0; r < RUNS; r++) {
        double start = now_ns();

        for (uint32_t i = 0; i < CALLS; i++) {
            if (distinct)
                memcpy(t.fp, &i, sizeof(i));
            if (srv_state_check(s, &t, &u, NOW, &alert) != SRV_VERDICT_ALLOW)
                abort();
        }
        runs[r] = (now_ns() - start) / CALLS;
    }
    qsort(runs, RUNS, sizeof(runs[0]), compare_double);
    return runs[RUNS / 2];
}

static srv_state *new_state(const char *redis_url)
{
    srv_state_config cfg = {.redis_url = redis_url,
                            .anomaly = {.max_regions = 3, .max_networks = 3,
                                        .window_seconds = 3600}};
    srv_state *s = NULL;
    char detail[256];

    if (srv_state_new(&cfg, NULL, NULL, &s, detail, sizeof(detail)) != 0) {
        fprintf(stderr, "bench_server_state: %s\n", detail);
        exit(1);
    }
    return s;
}

int main(void)
{
    const char *redis_url = getenv("JWG_BENCH_REDIS_URL");
    srv_state *s = new_state(NULL);
    char id[32];

    printf("srv_state_check, ns per call (median of %d x %d)\n", RUNS, CALLS);
    printf("  local, repeated token, empty mirror:     %7.1f\n", median_ns(s, false));
    for (int i = 0; i < 100000; i++) {
        snprintf(id, sizeof(id), "revoked-%d", i);
        srv_mirror_put(s->mirror, SRV_REVOKE_JTI, id, strlen(id), 0, NOW + 3600);
    }
    printf("  local, repeated token, 100000 revoked:   %7.1f\n", median_ns(s, false));
    printf("  local, new fingerprint per call:         %7.1f\n", median_ns(s, true));
    srv_state_free(s);

    if (redis_url != NULL) {
        s = new_state(redis_url);
        if (!srv_state_ready(s)) {
            fprintf(stderr, "bench_server_state: Redis at JWG_BENCH_REDIS_URL is not ready\n");
            return 1;
        }
        printf("  Redis, repeated token:                   %7.1f\n", median_ns(s, false));
        srv_state_free(s);
    }
    return 0;
}
