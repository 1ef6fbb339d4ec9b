/*
 * bench_server_decide.c: the work `jwtguard serve` does per request on a
 * cache hit outside the HTTP library: srv_decide() and
 * srv_decision_record(), with the event log appending to a file in a
 * temporary folder. The policy is bench/bench_server.sh's without its
 * ES256 issuer: one HS256 issuer, one GET route with scope_any_of and one
 * identity header.
 *
 *   bench_server_decide [CALLS]          (default 200000)
 *
 * Prints nanoseconds per call. For instruction counts, run it under
 * `valgrind --tool=callgrind` and read the inclusive count of
 * counted_hits(), which runs only the timed loop (setup excluded).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "server/serve_int.h"

#define SECRET "0123456789abcdef0123456789abcdef"

static const char policy_text[] =
    "version: 1\n"
    "environment: bench\n"
    "service: orders\n"
    "issuers:\n"
    "  - issuer: https://hs.test\n"
    "    audiences: [api://orders]\n"
    "    algorithms: [HS256]\n"
    "    keys:\n"
    "      - hmac_secret_file: hs.key\n"
    "        alg: HS256\n"
    "routes:\n"
    "  - method: GET\n"
    "    path_prefix: /orders\n"
    "    scope_any_of: [orders:read]\n"
    "identity_headers:\n"
    "  sub: X-User-Id\n";

typedef struct bench {
    char dir[64];
    srv_server server;
    srv_config *cfg;
    char authorization[2048];
} bench;

static int write_file(const char *dir, const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static void remove_files(const char *dir)
{
    static const char *const names[] = {"hs.key", "policy.yaml", "events.log"};
    char path[128];

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* Signs the one token every request sends: sub "bench-user", scope "orders:read". */
static int sign_token(bench *b)
{
    jwg_keyset *keys = NULL;
    jwg_signer *signer = NULL;
    char detail[256] = "";
    char *token = NULL;
    size_t len = 0;
    int rc = -1;

    if (jwg_keyset_new(&keys) != JWG_OK ||
        jwg_keyset_add_hmac(keys, (const uint8_t *)SECRET, strlen(SECRET), "HS256", NULL) != JWG_OK ||
        jwg_signer_new(&signer, keys, "HS256", detail, sizeof(detail)) != JWG_OK ||
        jwg_signer_set_lifetime(signer, 3600) != JWG_OK || jwg_signer_set_issuer(signer, "https://hs.test") != JWG_OK ||
        jwg_signer_add_audience(signer, "api://orders") != JWG_OK ||
        jwg_signer_set_subject(signer, "bench-user") != JWG_OK ||
        jwg_signer_add_claim_json(signer, "scope", "\"orders:read\"", 13) != JWG_OK ||
        jwg_signer_sign(signer, &token, &len) != JWG_OK)
        goto out;
    snprintf(b->authorization, sizeof(b->authorization), "Bearer %s", token);
    rc = 0;
out:
    if (token != NULL)
        jwg_free(token, len);
    jwg_signer_free(signer);
    jwg_keyset_free(keys);
    return rc;
}

/* Loads the policy and builds the server the way serve.c does, with the event log in `b->dir`. */
static int setup(bench *b)
{
    char path[128];
    char detail[512] = "";
    srv_server *s = &b->server;

    snprintf(b->dir, sizeof(b->dir), "/tmp/jwg-bench-decide-XXXXXX");
    if (mkdtemp(b->dir) == NULL || write_file(b->dir, "hs.key", SECRET) != 0 ||
        write_file(b->dir, "policy.yaml", policy_text) != 0)
        return -1;
    snprintf(path, sizeof(path), "%s/hs.key", b->dir);
    chmod(path, 0600);
    snprintf(path, sizeof(path), "%s/policy.yaml", b->dir);
    b->cfg = srv_config_load(path, 1, detail, sizeof(detail));
    if (b->cfg == NULL) {
        fprintf(stderr, "bench_server_decide: error: cannot load the policy (%s)\n", detail);
        return -1;
    }

    pthread_mutex_init(&s->config_lock, NULL);
    s->config = b->cfg;
    s->cache = srv_cache_new(1000);
    snprintf(path, sizeof(path), "%s/events.log", b->dir);
    s->log = srv_log_open(path);
    srv_state_config sc = {.anomaly = {.window_seconds = 600}};
    if (s->cache == NULL || s->log == NULL || srv_state_new(&sc, NULL, NULL, &s->state, detail, sizeof(detail)) != 0)
        return -1;
    return sign_token(b);
}

static void teardown(bench *b)
{
    srv_server *s = &b->server;

    srv_state_free(s->state);
    srv_cache_free(s->cache);
    srv_log_close(s->log);
    srv_config_unref(b->cfg);
    pthread_mutex_destroy(&s->config_lock);
    remove_files(b->dir);
}

/* Decides and records one request as http.c's authorize() does; returns its reason. */
static srv_reason one_request(bench *b, srv_decision *d)
{
    static const char target[] = "/orders/42?page=1";
    srv_request rq = {.endpoint = "nginx", .method = "GET", .target = target, .target_len = sizeof(target) - 1,
                      .authorization = b->authorization, .authorization_count = 1,
                      .client_address = "192.0.2.10"};

    srv_decide(&b->server, b->cfg, &rq, d);
    srv_decision_record(&b->server, b->cfg, &rq, d, 12345);
    srv_entry_unref(d->entry);
    return d->reason;
}

/* The measured loop, not inlined so that callgrind counts it alone. Returns the cache hits seen. */
__attribute__((noinline)) static long counted_hits(bench *b, long calls)
{
    srv_decision d;
    long hits = 0;

    for (long i = 0; i < calls; i++) {
        if (one_request(b, &d) == SRV_REASON_OK && d.cache_hit)
            hits++;
    }
    return hits;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    long calls = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
    bench *b = calloc(1, sizeof(*b));
    srv_decision d;
    int rc = 1;

    if (calls <= 0) {
        fprintf(stderr, "usage: bench_server_decide [CALLS]   (CALLS > 0)\n");
        free(b);
        return 2;
    }
    if (b == NULL || setup(b) != 0) {
        fprintf(stderr, "bench_server_decide: error: setup failed (temporary folder, cache, event log or state): "
                        "check that /tmp is writable\n");
        goto out;
    }
    /* The first request verifies the token and fills the cache, so every later one is a hit. */
    if (one_request(b, &d) != SRV_REASON_OK) {
        fprintf(stderr, "bench_server_decide: error: the first request was denied (reason %s)\n",
                srv_reason_name(d.reason));
        goto out;
    }

    uint64_t start = now_ns();
    long hits = counted_hits(b, calls);
    uint64_t elapsed = now_ns() - start;
    if (hits != calls) {
        fprintf(stderr, "bench_server_decide: error: %ld of %ld calls were allowed cache hits\n", hits, calls);
        goto out;
    }
    printf("cache hit, srv_decide + srv_decision_record: %.0f ns per call (%ld calls)\n",
           (double)elapsed / (double)calls, calls);
    rc = 0;
out:
    if (b != NULL && b->cfg != NULL)
        teardown(b);
    free(b);
    return rc;
}
