/*
 * bench_verify.c: time per verification of one token per algorithm with
 * jwtguard (jwg_verify_at, claims checks included), the raw OpenSSL
 * signature check, and libjwt 1.10 (jwt_decode), all on the same tokens in
 * one run. See bench_fixture.h for what each column includes.
 *
 * Method: a warm-up of about 0.1 s per verifier sets the iteration count so
 * that each repetition lasts about BENCH_REP_SECONDS. The three verifiers of
 * a row are interleaved over 5 repetitions so that frequency changes hit them
 * alike, and the median repetition is reported. The spread column gives
 * (max - min) / median over the repetitions of the jwtguard and raw columns,
 * whichever is wider, so a reader can tell a real miss from a noisy machine.
 * Times come from clock_gettime(CLOCK_MONOTONIC). Every call's result is
 * checked, so a verifier that stops accepting the token ends the run with
 * exit status 2.
 *
 * Targets: an asymmetric algorithm within 1.10x of raw OpenSSL; HS256 under
 * 1 microsecond and within 3x of raw HMAC. A missed target is marked MISSED in
 * the table and the exit status stays 0, unless `--strict` is given, which
 * makes a miss exit 1. `--only ALG` measures that row alone.
 */
#include <time.h>

#include <openssl/opensslv.h>

#include "bench_fixture.h"

#define BENCH_REPS 5
#define BENCH_WARMUP_SECONDS 0.1
#define BENCH_REP_SECONDS 0.2

typedef int (*bench_fn)(struct bench_case *c);

enum { COL_JWTGUARD, COL_RAW, COL_LIBJWT, COL_COUNT };

static const char *const column_names[COL_COUNT] = {"jwtguard", "raw OpenSSL", "libjwt"};
static const bench_fn column_fns[COL_COUNT] = {bench_verify_jwtguard, bench_verify_raw,
                                               bench_verify_libjwt};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs `fn` `iterations` times; returns the seconds taken. */
static double run_loop(bench_fn fn, struct bench_case *c, const char *column, uint64_t iterations)
{
    double start = now_seconds();
    for (uint64_t i = 0; i < iterations; i++) {
        if (!fn(c))
            bench_fail(column, c->alg, "the valid token was rejected");
    }
    return now_seconds() - start;
}

/* Warms `fn` up and returns the iteration count for one repetition. */
static uint64_t calibrate(bench_fn fn, struct bench_case *c, const char *column)
{
    uint64_t iterations = 0;
    double elapsed = 0.0;
    while (elapsed < BENCH_WARMUP_SECONDS) {
        elapsed += run_loop(fn, c, column, 16);
        iterations += 16;
    }

    double per_op = elapsed / (double)iterations;
    uint64_t count = (uint64_t)(BENCH_REP_SECONDS / per_op);
    return count > 16 ? count : 16;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

/*
 * Fills `us_per_op` with the median microseconds per call of each column (0
 * when not run), and `spread` with the widest (max - min) / median of the
 * jwtguard and raw columns, a measure of how noisy the machine was.
 */
static void measure_case(struct bench_case *c, double us_per_op[COL_COUNT], double *spread)
{
    uint64_t iterations[COL_COUNT] = {0};
    double samples[COL_COUNT][BENCH_REPS];

    for (int col = 0; col < COL_COUNT; col++) {
        us_per_op[col] = 0.0;
        if (col == COL_LIBJWT && !c->libjwt_supported)
            continue;
        iterations[col] = calibrate(column_fns[col], c, column_names[col]);
    }

    for (int rep = 0; rep < BENCH_REPS; rep++) {
        for (int col = 0; col < COL_COUNT; col++) {
            if (iterations[col] == 0)
                continue;
            double seconds = run_loop(column_fns[col], c, column_names[col], iterations[col]);
            samples[col][rep] = seconds * 1e6 / (double)iterations[col];
        }
    }

    *spread = 0.0;
    for (int col = 0; col < COL_COUNT; col++) {
        if (iterations[col] == 0)
            continue;
        qsort(samples[col], BENCH_REPS, sizeof(double), compare_doubles);
        us_per_op[col] = samples[col][BENCH_REPS / 2];
        double col_spread = (samples[col][BENCH_REPS - 1] - samples[col][0]) / us_per_op[col];
        if (col != COL_LIBJWT && col_spread > *spread)
            *spread = col_spread;
    }
}

/* Returns 1 when the row meets its target, and writes the target's text into `target`. */
static int target_met(const struct bench_case *c, const double us[COL_COUNT], char *target, size_t len)
{
    double ratio = us[COL_JWTGUARD] / us[COL_RAW];
    if (c->raw_kind == RAW_HMAC) {
        snprintf(target, len, "< 1 us and <= 3.00x");
        return us[COL_JWTGUARD] < 1.0 && ratio <= 3.0;
    }
    snprintf(target, len, "<= 1.10x");
    return ratio <= 1.10;
}

static void print_row(const struct bench_case *c, const double us[COL_COUNT], double spread,
                      int *missed)
{
    char target[32];
    char libjwt[32];
    int met = target_met(c, us, target, sizeof(target));

    if (us[COL_LIBJWT] > 0.0)
        snprintf(libjwt, sizeof(libjwt), "%.3f", us[COL_LIBJWT]);
    else
        snprintf(libjwt, sizeof(libjwt), "unsupported");
    printf("| %-5s | %14.3f | %17.3f | %5.2fx | %12s | %-19s | %-6s | %5.1f%% |\n", c->alg,
           us[COL_JWTGUARD], us[COL_RAW], us[COL_JWTGUARD] / us[COL_RAW], libjwt, target,
           met ? "met" : "MISSED", spread * 100.0);
    fflush(stdout);
    if (!met)
        *missed += 1;
}

/*
 * The counted_* functions run a column `n` times for bench/callgrind.sh, which
 * reads their inclusive instruction counts by these names. noinline keeps
 * each one a separate function in the profile.
 */
static void run_counted(bench_fn fn, struct bench_case *c, const char *column, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        if (!fn(c))
            bench_fail(column, c->alg, "the valid token was rejected");
    }
}

__attribute__((noinline)) static void counted_jwtguard(struct bench_case *c, uint64_t n)
{
    run_counted(bench_verify_jwtguard, c, "jwtguard", n);
}

__attribute__((noinline)) static void counted_raw(struct bench_case *c, uint64_t n)
{
    run_counted(bench_verify_raw, c, "raw OpenSSL", n);
}

__attribute__((noinline)) static void counted_libjwt(struct bench_case *c, uint64_t n)
{
    run_counted(bench_verify_libjwt, c, "libjwt", n);
}

/* `--count ALG N`: runs each column N times for ALG, untimed, for an instruction profiler. */
static int count_mode(const char *alg, const char *count)
{
    uint64_t n = strtoull(count, NULL, 10);
    for (size_t i = 0; i < BENCH_CASE_COUNT; i++) {
        struct bench_case *c = &bench_cases[i];
        if (strcmp(c->alg, alg) != 0)
            continue;

        /* One uncounted call per column first, so lazy set-up inside OpenSSL is not counted. */
        bench_setup_case(c);
        run_counted(bench_verify_jwtguard, c, "jwtguard", 1);
        run_counted(bench_verify_raw, c, "raw OpenSSL", 1);
        if (c->libjwt_supported)
            run_counted(bench_verify_libjwt, c, "libjwt", 1);
        counted_jwtguard(c, n);
        counted_raw(c, n);
        if (c->libjwt_supported)
            counted_libjwt(c, n);
        bench_free_case(c);
        return 0;
    }
    fprintf(stderr, "bench_verify: unknown algorithm %s: expected one of the table's rows\n", alg);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--count") == 0)
        return count_mode(argv[2], argv[3]);

    int strict = argc > 1 && strcmp(argv[1], "--strict") == 0;
    const char *only = argc == 3 && strcmp(argv[1], "--only") == 0 ? argv[2] : NULL;
    int missed = 0;

    printf("jwtguard %s, %s, libjwt 1.10 (Debian)\n", jwg_version(), OpenSSL_version(OPENSSL_VERSION));
    printf("median of %d repetitions of about %.1f s each, interleaved\n\n", BENCH_REPS,
           BENCH_REP_SECONDS);
    printf("| alg   | jwtguard us/op | raw OpenSSL us/op | ratio  | libjwt us/op | target              | result | spread |\n");
    printf("|-------|---------------:|------------------:|-------:|-------------:|---------------------|--------|-------:|\n");

    size_t rows = 0;
    for (size_t i = 0; i < BENCH_CASE_COUNT; i++) {
        double us[COL_COUNT];
        double spread = 0.0;
        if (only != NULL && strcmp(bench_cases[i].alg, only) != 0)
            continue;
        rows++;
        bench_setup_case(&bench_cases[i]);
        measure_case(&bench_cases[i], us, &spread);
        print_row(&bench_cases[i], us, spread, &missed);
        bench_free_case(&bench_cases[i]);
    }

    printf("\n%d of %zu targets missed\n", missed, rows);
    return strict && missed > 0 ? 1 : 0;
}
