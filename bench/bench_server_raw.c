/*
 * bench_server_raw.c: the CPU time of one raw OpenSSL signature check
 * (bench_fixture.h, the "raw OpenSSL" column of bench_verify), which is the
 * baseline of bench_server.sh's CPU cost per request. It also times one
 * jwg_verify_at() call on the same token, so that the library's share of the
 * service's overhead can be told from the HTTP side's.
 *
 * Usage: bench_server_raw ALG
 * Prints two numbers, microseconds of CPU per raw check and per jwg_verify_at
 * call: each the median of 5 repetitions of about 0.2 s, timed with
 * CLOCK_THREAD_CPUTIME_ID. bench_server.sh
 * charges the service with its CPU time (utime + stime), so the baseline is
 * CPU time too: wall time would also count the time this process waits for
 * a CPU on a loaded machine. Exit status 2 for an unknown algorithm or a
 * rejected token.
 */
#include <time.h>

#include "bench_fixture.h"

#define RAW_REPS 5
#define RAW_REP_SECONDS 0.2

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef int (*verify_fn)(struct bench_case *c);

/* Runs `fn` `n` times; returns the CPU seconds taken. */
static double run_checks(verify_fn fn, struct bench_case *c, uint64_t n)
{
    double start = cpu_seconds();
    for (uint64_t i = 0; i < n; i++) {
        if (!fn(c))
            bench_fail("verification", c->alg, "the valid token was rejected");
    }
    return cpu_seconds() - start;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Returns the median CPU seconds per check over RAW_REPS repetitions, after a warm-up that sizes them. */
static double median_per_check(verify_fn fn, struct bench_case *c)
{
    uint64_t n = 16;
    double warm = run_checks(fn, c, n);
    while (warm < 0.05) {
        n *= 2;
        warm = run_checks(fn, c, n);
    }
    n = (uint64_t)((double)n * RAW_REP_SECONDS / warm) + 1;

    double per[RAW_REPS];
    for (int i = 0; i < RAW_REPS; i++)
        per[i] = run_checks(fn, c, n) / (double)n;
    qsort(per, RAW_REPS, sizeof(per[0]), compare_doubles);
    return per[RAW_REPS / 2];
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_server_raw ALG (one of HS256, RS256, PS256, ES256, ES384, EdDSA)\n");
        return 2;
    }

    for (size_t i = 0; i < BENCH_CASE_COUNT; i++) {
        struct bench_case *c = &bench_cases[i];
        if (strcmp(c->alg, argv[1]) != 0)
            continue;
        bench_setup_case(c);
        double raw = median_per_check(bench_verify_raw, c);
        double jwtguard = median_per_check(bench_verify_jwtguard, c);
        printf("%.3f %.3f\n", raw * 1e6, jwtguard * 1e6);
        bench_free_case(c);
        return 0;
    }
    fprintf(stderr, "bench_server_raw: error: unknown algorithm (%s): use HS256, RS256, PS256, ES256, ES384 or EdDSA\n",
            argv[1]);
    return 2;
}
