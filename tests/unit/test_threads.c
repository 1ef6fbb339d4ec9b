/*
 * test_threads.c: one verifier shared by four threads, each verifying
 * valid and invalid tokens many times.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/vfixture.h"

#define THREADS 4
#define ROUNDS 5000

struct worker {
    const jwg_verifier *v;
    const char *good;
    const char *bad;
    int mismatches;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < ROUNDS; i++) {
        if (vf_verify(w->v, w->good, VF_NOW) != JWG_OK)
            w->mismatches++;
        if (vf_verify(w->v, w->bad, VF_NOW) != JWG_ERR_AUDIENCE)
            w->mismatches++;
    }
    return NULL;
}

/* Every thread gets the same results as a single thread would. */
static void threads_shared_verifier(void **state)
{
    (void)state;
    jwg_policy *p = vf_policy();
    jwg_verifier *v = vf_verifier(p);
    jwg_policy_free(p);
    assert_non_null(v);

    char *good = vf_hs256("{\"alg\":\"HS256\"}",
                          "{\"iss\":\"https://issuer.example\",\"aud\":\"api\",\"exp\":1800000000}");
    char *bad = vf_hs256("{\"alg\":\"HS256\"}",
                         "{\"iss\":\"https://issuer.example\",\"aud\":\"api2\",\"exp\":1800000000}");

    pthread_t tid[THREADS];
    struct worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){v, good, bad, 0};
        assert_int_equal(pthread_create(&tid[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(tid[i], NULL), 0);
        assert_int_equal(w[i].mismatches, 0);
    }

    free(good);
    free(bad);
    jwg_verifier_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(threads_shared_verifier),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
