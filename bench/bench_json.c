/*
 * bench_json.c: time to parse a typical JOSE header and JWT claims set with
 * jwtguard's reader (jwg_json_parse) and with jansson (json_loadb with
 * JSON_REJECT_DUPLICATES, then json_decref), in one run.
 *
 * Method: one repetition is BENCH_ITERATIONS parses of header + claims.
 * The two parsers alternate over BENCH_REPS repetitions so that frequency
 * changes hit both alike. The median repetition is reported in nanoseconds
 * per header + claims pair. Times come from clock_gettime(CLOCK_MONOTONIC),
 * and every parse result is checked.
 *
 * Build and run: cmake --build <dir> --target bench_json && <dir>/bench_json
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "internal.h"

#define BENCH_REPS 7
#define BENCH_ITERATIONS 200000u
#define BENCH_NODES 64u

static const char bench_header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"2024-05-key-1\"}";

static const char bench_claims[] =
    "{\"iss\":\"https://issuer.example.com\",\"sub\":\"user-1234567890\","
    "\"aud\":[\"api.example.com\",\"billing.example.com\"],\"exp\":1700003600,"
    "\"nbf\":1700000000,\"iat\":1700000000,\"jti\":\"b6a5c2f0-8f3a-4c7e-9d2e-1f0a3b4c5d6e\","
    "\"scope\":\"read:orders write:orders\",\"name\":\"Jane Doe\"}";

typedef int (*bench_fn)(void);

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Parses header and claims with jwtguard; returns 1 when both are accepted. */
static int bench_jwtguard(void)
{
    jwg_json_node nodes[BENCH_NODES];
    jwg_json_doc header, claims;

    if (jwg_json_parse((const uint8_t *)bench_header, sizeof(bench_header) - 1, nodes,
                       BENCH_NODES, JWG_MAX_JSON_DEPTH, &header) != JWG_OK)
        return 0;
    if (jwg_json_parse((const uint8_t *)bench_claims, sizeof(bench_claims) - 1, nodes,
                       BENCH_NODES, JWG_MAX_JSON_DEPTH, &claims) != JWG_OK)
        return 0;
    return claims.count > 0;
}

/* Parses header and claims with jansson; returns 1 when both are accepted. */
static int bench_jansson(void)
{
    json_error_t error;
    json_t *header = json_loadb(bench_header, sizeof(bench_header) - 1, JSON_REJECT_DUPLICATES,
                                &error);
    json_t *claims = json_loadb(bench_claims, sizeof(bench_claims) - 1, JSON_REJECT_DUPLICATES,
                                &error);
    int ok = header != NULL && claims != NULL;
    json_decref(header);
    json_decref(claims);
    return ok;
}

/* Returns nanoseconds per call over one repetition. */
static double bench_rep(bench_fn fn, const char *name)
{
    double start = now_seconds();
    for (unsigned i = 0; i < BENCH_ITERATIONS; i++) {
        if (!fn()) {
            fprintf(stderr, "bench_json: %s rejected the benchmark documents\n", name);
            exit(2);
        }
    }
    return (now_seconds() - start) * 1e9 / BENCH_ITERATIONS;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    double ours[BENCH_REPS], theirs[BENCH_REPS];

    bench_rep(bench_jwtguard, "jwtguard");
    bench_rep(bench_jansson, "jansson");
    for (int r = 0; r < BENCH_REPS; r++) {
        ours[r] = bench_rep(bench_jwtguard, "jwtguard");
        theirs[r] = bench_rep(bench_jansson, "jansson");
    }
    qsort(ours, BENCH_REPS, sizeof(double), compare_double);
    qsort(theirs, BENCH_REPS, sizeof(double), compare_double);

    printf("documents: header %zu bytes + claims %zu bytes\n", sizeof(bench_header) - 1,
           sizeof(bench_claims) - 1);
    printf("%-10s %10s\n", "parser", "ns/parse");
    printf("%-10s %10.1f\n", "jwtguard", ours[BENCH_REPS / 2]);
    printf("%-10s %10.1f   (jansson %s)\n", "jansson", theirs[BENCH_REPS / 2], JANSSON_VERSION);
    return 0;
}
