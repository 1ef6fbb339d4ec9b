/*
 * bench_alloc.c: heap allocations per verification for jwtguard, the raw
 * OpenSSL signature check and libjwt 1.10, on the tokens of bench_fixture.h.
 *
 * Method: this program defines malloc, calloc, realloc and free itself and
 * forwards them to glibc's __libc_malloc family. The dynamic linker binds
 * every shared object's calls to the executable's definitions first, so
 * allocations made inside libcrypto, jansson and libjwt are counted as well
 * as those of the statically linked jwtguard. Counting is switched on only
 * around the measured calls. It is a separate program from bench_verify so
 * that the counter never adds to the timed calls. glibc only: __libc_malloc
 * is a glibc symbol.
 */
#include "bench_fixture.h"

#define ALLOC_ITERATIONS 1000

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *ptr, size_t size);
void __libc_free(void *ptr);

void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);

static int counting;
static uint64_t alloc_count;
static uint64_t alloc_bytes;

static void count_alloc(size_t size)
{
    if (counting) {
        alloc_count++;
        alloc_bytes += size;
    }
}

void *malloc(size_t size)
{
    count_alloc(size);
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size)
{
    count_alloc(count * size);
    return __libc_calloc(count, size);
}

/* A realloc counts as one allocation of the new size, since it may move the block. */
void *realloc(void *ptr, size_t size)
{
    count_alloc(size);
    return __libc_realloc(ptr, size);
}

void free(void *ptr)
{
    __libc_free(ptr);
}

typedef int (*bench_fn)(struct bench_case *c);

/* Prints allocations and bytes per call of `fn`, after one uncounted warm-up call. */
static void print_count(struct bench_case *c, const char *column, bench_fn fn)
{
    if (!fn(c))
        bench_fail(column, c->alg, "the valid token was rejected");

    alloc_count = 0;
    alloc_bytes = 0;
    counting = 1;
    for (int i = 0; i < ALLOC_ITERATIONS; i++) {
        if (!fn(c)) {
            counting = 0;
            bench_fail(column, c->alg, "the valid token was rejected");
        }
    }
    counting = 0;

    printf(" %8.1f | %9.0f |", (double)alloc_count / ALLOC_ITERATIONS,
           (double)alloc_bytes / ALLOC_ITERATIONS);
}

int main(void)
{
    printf("heap allocations per verification (malloc, calloc and realloc calls), mean of %d calls\n\n",
           ALLOC_ITERATIONS);
    printf("| alg   | jwtguard | bytes     | raw      | bytes     | libjwt   | bytes     |\n");
    printf("|-------|---------:|----------:|---------:|----------:|---------:|----------:|\n");

    for (size_t i = 0; i < BENCH_CASE_COUNT; i++) {
        struct bench_case *c = &bench_cases[i];
        bench_setup_case(c);
        printf("| %-5s |", c->alg);
        print_count(c, "jwtguard", bench_verify_jwtguard);
        print_count(c, "raw OpenSSL", bench_verify_raw);
        if (c->libjwt_supported)
            print_count(c, "libjwt", bench_verify_libjwt);
        else
            printf("      n/a |       n/a |");
        printf("\n");
        fflush(stdout);
        bench_free_case(c);
    }
    return 0;
}
