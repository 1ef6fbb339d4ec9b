/*
 * Unit tests of the JWKS source against a real HTTPS server on 127.0.0.1:
 * tests/data/jwks_server.py, started per test with a CA and a server
 * certificate that the group setup generates with the openssl command.
 * Times passed to the source are a fake clock starting at T0, except in the
 * background refresh tests, which use time(NULL) as the refresher does.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "jwks_source.h"
#include "support/jwks_server.h"

#define T0 ((int64_t)1800000000)

/* Two Ed25519 public keys: the RFC 8037 A.2 example and tests/data/keys/ed25519.pub.pem. */
#define JWKS_A                                                                                     \
    "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"a\","                               \
    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}"
#define JWKS_B                                                                                     \
    "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"b\","                               \
    "\"x\":\"WgBkUWxQ6MET7uVDAMhGjpsGW3c4Qw9MC_hP702n_Es\"}]}"

/* ---- source helpers ------------------------------------------------------- */

static void options_for(jwg_jwks_source_options *o)
{
    jwg_jwks_source_options_init(o);
    o->ca_file = ts_ca;
    o->connect_timeout_ms = 3000;
    o->total_timeout_ms = 5000;
}

static jwg_jwks_source *source_for(const jwg_jwks_source_options *o)
{
    char detail[JWG_DETAIL_MAX];
    jwg_jwks_source *src = NULL;
    assert_int_equal(jwg_jwks_source_new(&src, o, detail, sizeof(detail)), JWG_OK);
    return src;
}

/* Fills `o` for the ts_server's `path`; `url` must outlive the options. */
static void url_options(const ts_server *s, const char *path, jwg_jwks_source_options *o, char *url,
                        size_t cap)
{
    snprintf(url, cap, "%s%s", s->base, path);
    options_for(o);
    o->jwks_url = url;
}

static jwg_jwks_source *url_source(const ts_server *s, const char *path)
{
    char url[128];
    jwg_jwks_source_options o;
    url_options(s, path, &o, url, sizeof(url));
    return source_for(&o);
}

/* Fetches at `now` and checks that the set holds one key named `kid`. */
static void expect_kid(jwg_jwks_source *src, int64_t now, const char *kid)
{
    char detail[JWG_DETAIL_MAX];
    jwg_keyset *ks = NULL;
    assert_int_equal(jwg_jwks_source_keys(src, now, &ks, detail, sizeof(detail)), JWG_OK);
    assert_int_equal(jwg_keyset_count(ks), 1);
    assert_string_equal(jwg_keyset_kid(ks, 0), kid);
    jwg_keyset_free(ks);
}

/* Fetches at `now`, expects JWG_ERR_KEY_SOURCE_UNAVAILABLE and a detail containing `part`. */
static void expect_unavailable(jwg_jwks_source *src, int64_t now, const char *part)
{
    char detail[JWG_DETAIL_MAX];
    jwg_keyset *ks = NULL;
    assert_int_equal(jwg_jwks_source_keys(src, now, &ks, detail, sizeof(detail)),
                     JWG_ERR_KEY_SOURCE_UNAVAILABLE);
    assert_null(ks);
    if (strstr(detail, part) == NULL)
        fail_msg("detail \"%s\" lacks \"%s\"", detail, part);
}

/* ---- tests ---------------------------------------------------------------- */

/* The first call fetches the set once. */
static void jwks_first_fetch(void **state)
{
    ts_server *s = *state;
    ts_write_file(s->root, "jwks.json", JWKS_A);
    jwg_jwks_source *src = url_source(s, "/jwks.json");

    assert_int_equal(ts_hits(s, "/jwks.json"), 0);
    expect_kid(src, T0, "a");
    assert_int_equal(ts_hits(s, "/jwks.json"), 1);
    jwg_jwks_source_free(src);
}

/* Without Cache-Control the set is served from cache for the default 300 s. */
static void jwks_cache_hit(void **state)
{
    ts_server *s = *state;
    ts_write_file(s->root, "jwks.json", JWKS_A);
    jwg_jwks_source *src = url_source(s, "/jwks.json");

    expect_kid(src, T0, "a");
    expect_kid(src, T0 + 10, "a");
    expect_kid(src, T0 + 299, "a");
    assert_int_equal(ts_hits(s, "/jwks.json"), 1);
    expect_kid(src, T0 + 300, "a");
    assert_int_equal(ts_hits(s, "/jwks.json"), 2);
    jwg_jwks_source_free(src);
}

/* max-age is honoured and clamped into [10, 1000]; no-store counts as 0. */
static void jwks_max_age(void **state)
{
    static const struct {
        const char *header;
        int64_t lifetime;
    } cases[] = {
        {"Cache-Control: max-age=100", 100},           /* inside the range: used as is */
        {"Cache-Control: max-age=5", 10},              /* below the minimum: raised */
        {"Cache-Control: max-age=99999", 1000},        /* above the maximum: lowered */
        {"Cache-Control: public, max-age=50", 50},     /* among other directives */
        {"cache-control: MAX-AGE=40", 40},             /* names are case-insensitive */
        {"Cache-Control: no-store, max-age=500", 10},  /* no-store wins: minimum */
        {"Cache-Control: max-age=99999999999999999999", 1000}, /* overflow saturates */
        {"Cache-Control: max-age=abc", 300},           /* malformed: the default */
    };
    ts_server *s = *state;
    ts_write_file(s->root, "jwks.json", JWKS_A);

    for (size_t i = 0; i < JWG_ARRAY_LEN(cases); i++) {
        ts_write_file(s->root, "jwks.json.headers", cases[i].header);
        jwg_jwks_source_options o;
        char url[128];
        url_options(s, "/jwks.json", &o, url, sizeof(url));
        o.min_cache_s = 10;
        o.max_cache_s = 1000;
        jwg_jwks_source *src = source_for(&o);

        int before = ts_hits(s, "/jwks.json");
        expect_kid(src, T0, "a");
        expect_kid(src, T0 + cases[i].lifetime - 1, "a");
        assert_int_equal(ts_hits(s, "/jwks.json"), before + 1);
        expect_kid(src, T0 + cases[i].lifetime, "a");
        assert_int_equal(ts_hits(s, "/jwks.json"), before + 2);
        jwg_jwks_source_free(src);
    }
}

/* A rotated set replaces the old one after expiry; holders of the old set keep it. */
static void jwks_rotation(void **state)
{
    ts_server *s = *state;
    char detail[JWG_DETAIL_MAX];
    ts_write_file(s->root, "jwks.json", JWKS_A);
    jwg_jwks_source *src = url_source(s, "/jwks.json");

    jwg_keyset *old = NULL;
    assert_int_equal(jwg_jwks_source_keys(src, T0, &old, detail, sizeof(detail)), JWG_OK);
    ts_write_file(s->root, "jwks.json", JWKS_B);
    expect_kid(src, T0 + 299, "a");
    expect_kid(src, T0 + 300, "b");

    assert_string_equal(jwg_keyset_kid(old, 0), "a");
    jwg_keyset_free(old);
    jwg_jwks_source_free(src);
}

/* Unknown-kid refetches happen at most once per 60 s interval. */
static void jwks_refetch_limit(void **state)
{
    ts_server *s = *state;
    char detail[JWG_DETAIL_MAX];
    ts_write_file(s->root, "jwks.json", JWKS_A);
    jwg_jwks_source *src = url_source(s, "/jwks.json");
    expect_kid(src, T0, "a");

    ts_write_file(s->root, "jwks.json", JWKS_B);
    assert_int_equal(jwg_jwks_source_refetch(src, T0 + 1, detail, sizeof(detail)), JWG_OK);
    assert_int_equal(ts_hits(s, "/jwks.json"), 2);
    expect_kid(src, T0 + 1, "b");

    assert_int_equal(jwg_jwks_source_refetch(src, T0 + 2, detail, sizeof(detail)), JWG_OK);
    assert_int_equal(jwg_jwks_source_refetch(src, T0 + 60, detail, sizeof(detail)), JWG_OK);
    assert_int_equal(ts_hits(s, "/jwks.json"), 2);
    assert_int_equal(jwg_jwks_source_refetch(src, T0 + 61, detail, sizeof(detail)), JWG_OK);
    assert_int_equal(ts_hits(s, "/jwks.json"), 3);
    jwg_jwks_source_free(src);
}

/* With the ts_server down, the last set serves for max_stale_s after expiry, then nothing does. */
static void jwks_stale_then_unavailable(void **state)
{
    ts_server *s = *state;
    ts_write_file(s->root, "jwks.json", JWKS_A);
    jwg_jwks_source_options o;
    char url[128];
    url_options(s, "/jwks.json", &o, url, sizeof(url));
    o.max_stale_s = 600;
    jwg_jwks_source *src = source_for(&o);
    expect_kid(src, T0, "a");

    ts_server_stop(s);
    expect_kid(src, T0 + 300, "a");
    expect_kid(src, T0 + 899, "a");
    expect_unavailable(src, T0 + 900, "127.0.0.1");
    jwg_jwks_source_free(src);
}

/* A source whose first fetch fails has nothing to serve. */
static void jwks_never_fetched(void **state)
{
    ts_server *s = *state;
    jwg_jwks_source *src = url_source(s, "/missing.json");

    expect_unavailable(src, T0, "HTTP status 404");
    ts_server_stop(s);
    expect_unavailable(src, T0 + 60, "127.0.0.1");
    jwg_jwks_source_free(src);
}

/* A failed fetch is not retried inside the refetch interval. */
static void jwks_retry_limit(void **state)
{
    ts_server *s = *state;
    jwg_jwks_source *src = url_source(s, "/jwks.json");

    expect_unavailable(src, T0, "404");
    expect_unavailable(src, T0 + 59, "404");
    assert_int_equal(ts_hits(s, "/jwks.json"), 1);
    ts_write_file(s->root, "jwks.json", JWKS_A);
    expect_kid(src, T0 + 60, "a");
    assert_int_equal(ts_hits(s, "/jwks.json"), 2);
    jwg_jwks_source_free(src);
}

/* Responses over the size limit are aborted, with and without Content-Length. */
static void jwks_oversize(void **state)
{
    static const char *const headers[] = {
        "X-Case: length", /* Content-Length announces the size */
        "No-Length: 1",   /* the body just keeps coming */
    };
    ts_server *s = *state;
    char big[4097];
    memset(big, ' ', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    memcpy(big, JWKS_A, strlen(JWKS_A));
    ts_write_file(s->root, "jwks.json", big);

    for (size_t i = 0; i < JWG_ARRAY_LEN(headers); i++) {
        ts_write_file(s->root, "jwks.json.headers", headers[i]);
        jwg_jwks_source_options o;
        char url[128];
        url_options(s, "/jwks.json", &o, url, sizeof(url));
        o.max_response_bytes = 1024;
        jwg_jwks_source *src = source_for(&o);
        expect_unavailable(src, T0, "larger than 1024 bytes");
        jwg_jwks_source_free(src);

        o.max_response_bytes = 4096;
        src = source_for(&o);
        expect_kid(src, T0, "a");
        jwg_jwks_source_free(src);
    }
}

/* A ts_server slower than the total timeout fails the fetch in time. */
static void jwks_slow_timeout(void **state)
{
    ts_server *s = *state;
    ts_write_file(s->root, "jwks.json", JWKS_A);
    ts_write_file(s->root, "jwks.json.headers", "Delay: 3");
    jwg_jwks_source_options o;
    char url[128];
    url_options(s, "/jwks.json", &o, url, sizeof(url));
    o.total_timeout_ms = 300;
    jwg_jwks_source *src = source_for(&o);

    double start = ts_seconds_now();
    expect_unavailable(src, T0, "timed out");
    assert_true(ts_seconds_now() - start < 2.0);
    jwg_jwks_source_free(src);
}

static jwg_jwks_source *issuer_source(const ts_server *s)
{
    jwg_jwks_source_options o;
    options_for(&o);
    o.oidc_issuer = s->base;
    return source_for(&o);
}

/* Discovery reads jwks_uri from a document whose issuer matches exactly. */
static void oidc_discovery(void **state)
{
    ts_server *s = *state;
    ts_write_file(s->root, "keys", JWKS_A);
    char dir[128];
    ts_path_of(dir, sizeof(dir), s->root, ".well-known");
    assert_int_equal(mkdir(dir, 0700), 0);
    ts_write_filef(dir, "openid-configuration", "{\"issuer\":\"%s\",\"jwks_uri\":\"%s/keys\"}",
                s->base, s->base);
    jwg_jwks_source *src = issuer_source(s);

    expect_kid(src, T0, "a");
    assert_int_equal(ts_hits(s, "/.well-known/openid-configuration"), 1);
    assert_int_equal(ts_hits(s, "/keys"), 1);
    jwg_jwks_source_free(src);
}

/* A discovery document naming another issuer, even by a trailing slash, is rejected. */
static void oidc_wrong_issuer(void **state)
{
    static const char *const suffixes[] = {
        "/other", /* another issuer on the same host */
        "/",      /* equal only after normalisation, and the comparison is exact */
    };
    ts_server *s = *state;
    ts_write_file(s->root, "keys", JWKS_A);
    char dir[128];
    ts_path_of(dir, sizeof(dir), s->root, ".well-known");
    assert_int_equal(mkdir(dir, 0700), 0);

    for (size_t i = 0; i < JWG_ARRAY_LEN(suffixes); i++) {
        ts_write_filef(dir, "openid-configuration", "{\"issuer\":\"%s%s\",\"jwks_uri\":\"%s/keys\"}",
                    s->base, suffixes[i], s->base);
        jwg_jwks_source *src = issuer_source(s);
        expect_unavailable(src, T0, "issuer");
        jwg_jwks_source_free(src);
    }
    assert_int_equal(ts_hits(s, "/keys"), 0);
}

/* Plain HTTP to a non-loopback address is rejected before any connection. */
static void http_not_loopback(void **state)
{
    static const char *const urls[] = {
        "http://192.0.2.1/jwks.json",      /* TEST-NET-1, never contacted */
        "http://localhost:1/jwks.json",    /* a name, which could resolve anywhere */
        "http://[::2]/jwks.json",          /* IPv6 but not ::1 */
        "https://user:pw@127.0.0.1/jwks",  /* credentials would reach the detail */
        "ftp://127.0.0.1/jwks.json",       /* another scheme */
        "not a url",                       /* unparsable */
    };
    (void)state;
    for (size_t i = 0; i < JWG_ARRAY_LEN(urls); i++) {
        jwg_jwks_source_options o;
        char detail[JWG_DETAIL_MAX];
        jwg_jwks_source *src = NULL;
        options_for(&o);
        o.allow_http_loopback = true;
        o.connect_timeout_ms = 50;
        o.total_timeout_ms = 50;
        o.jwks_url = urls[i];
        double start = ts_seconds_now();
        assert_int_equal(jwg_jwks_source_new(&src, &o, detail, sizeof(detail)),
                         JWG_ERR_INVALID_ARGUMENT);
        assert_null(src);
        assert_true(ts_seconds_now() - start < 0.05);
    }
}

/* The total timeout covers discovery and the JWK set together. */
static void oidc_total_timeout(void **state)
{
    ts_server *s = *state;
    char dir[128];
    ts_path_of(dir, sizeof(dir), s->root, ".well-known");
    assert_int_equal(mkdir(dir, 0700), 0);
    ts_write_filef(dir, "openid-configuration", "{\"issuer\":\"%s\",\"jwks_uri\":\"%s/keys\"}",
                s->base, s->base);
    ts_write_file(dir, "openid-configuration.headers", "Delay: 0.6");
    ts_write_file(s->root, "keys", JWKS_A);
    ts_write_file(s->root, "keys.headers", "Delay: 0.6");
    jwg_jwks_source_options o;
    options_for(&o);
    o.oidc_issuer = s->base;
    o.total_timeout_ms = 1000;
    jwg_jwks_source *src = source_for(&o);

    double start = ts_seconds_now();
    expect_unavailable(src, T0, "/keys");
    assert_true(ts_seconds_now() - start < 1.5);
    assert_int_equal(ts_hits(s, "/keys"), 1);
    jwg_jwks_source_free(src);
}

/* A discovered plain-HTTP jwks_uri to a non-loopback host is rejected without connecting. */
static void oidc_http_jwks_uri(void **state)
{
    ts_server *s = *state;
    char dir[128];
    ts_path_of(dir, sizeof(dir), s->root, ".well-known");
    assert_int_equal(mkdir(dir, 0700), 0);
    ts_write_filef(dir, "openid-configuration",
                "{\"issuer\":\"%s\",\"jwks_uri\":\"http://192.0.2.1/keys\"}", s->base);
    jwg_jwks_source_options o;
    options_for(&o);
    o.oidc_issuer = s->base;
    o.allow_http_loopback = true;
    jwg_jwks_source *src = source_for(&o);

    /* This detail comes only from the URL check that runs before libcurl. */
    expect_unavailable(src, T0, "plain HTTP is allowed only to a loopback address");
    jwg_jwks_source_free(src);
}

/* Redirects are followed only to the same scheme, host and port. */
static void jwks_redirects(void **state)
{
    static const struct {
        const char *location; /* %d is the ts_server's port */
        jwg_err rc;
    } cases[] = {
        {"https://127.0.0.1:%d/b.json", JWG_OK},                     /* same origin */
        {"http://127.0.0.1:%d/b.json", JWG_ERR_KEY_SOURCE_UNAVAILABLE}, /* downgrade to http */
        {"https://127.0.0.1:1/b.json", JWG_ERR_KEY_SOURCE_UNAVAILABLE}, /* another port */
        {"https://[::1]:%d/b.json", JWG_ERR_KEY_SOURCE_UNAVAILABLE},    /* another host */
    };
    ts_server *s = *state;
    ts_write_file(s->root, "b.json", JWKS_B);
    ts_write_file(s->root, "jwks.json", "");

    for (size_t i = 0; i < JWG_ARRAY_LEN(cases); i++) {
        char location[128];
        snprintf(location, sizeof(location), cases[i].location, s->port);
        ts_write_filef(s->root, "jwks.json.headers", "Status: 302\nLocation: %s\n", location);
        jwg_jwks_source_options o;
        char url[128];
        url_options(s, "/jwks.json", &o, url, sizeof(url));
        o.allow_http_loopback = true;
        jwg_jwks_source *src = source_for(&o);
        if (cases[i].rc == JWG_OK)
            expect_kid(src, T0, "b");
        else
            expect_unavailable(src, T0, "redirect");
        jwg_jwks_source_free(src);
    }
    assert_int_equal(ts_hits(s, "/b.json"), 1);
}

typedef struct racer {
    jwg_jwks_source *src;
    jwg_err rc;
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    char detail[JWG_DETAIL_MAX];
    jwg_keyset *ks = NULL;
    r->rc = jwg_jwks_source_keys(r->src, T0, &ks, detail, sizeof(detail));
    jwg_keyset_free(ks);
    return NULL;
}

/* Concurrent first calls share one fetch. */
static void jwks_coalesced(void **state)
{
    ts_server *s = *state;
    ts_write_file(s->root, "jwks.json", JWKS_A);
    ts_write_file(s->root, "jwks.json.headers", "Delay: 0.5");
    jwg_jwks_source *src = url_source(s, "/jwks.json");

    racer racers[4];
    pthread_t threads[4];
    for (size_t i = 0; i < 4; i++) {
        racers[i] = (racer){.src = src, .rc = JWG_ERR_CRYPTO};
        assert_int_equal(pthread_create(&threads[i], NULL, race, &racers[i]), 0);
    }
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
        assert_int_equal(racers[i].rc, JWG_OK);
    }
    assert_int_equal(ts_hits(s, "/jwks.json"), 1);
    jwg_jwks_source_free(src);
}

static int wait_for_hits(const ts_server *s, const char *path, int n, double timeout_s)
{
    double end = ts_seconds_now() + timeout_s;
    while (ts_hits(s, path) < n && ts_seconds_now() < end)
        ts_sleep_ms(20);
    return ts_hits(s, path);
}

/* The refresher fetches ahead of expiry, so a rotation shows up with no caller fetching. */
static void jwks_background_refresh(void **state)
{
    ts_server *s = *state;
    ts_write_file(s->root, "jwks.json", JWKS_A);
    ts_write_file(s->root, "jwks.json.headers", "Cache-Control: max-age=2");
    jwg_jwks_source_options o;
    char url[128];
    url_options(s, "/jwks.json", &o, url, sizeof(url));
    o.min_cache_s = 1;
    jwg_jwks_source *src = source_for(&o);

    assert_int_equal(jwg_jwks_source_start(src), JWG_OK);
    assert_int_equal(jwg_jwks_source_start(src), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(wait_for_hits(s, "/jwks.json", 1, 5.0), 1);
    expect_kid(src, (int64_t)time(NULL), "a");
    ts_write_file(s->root, "jwks.json", JWKS_B);
    assert_int_equal(wait_for_hits(s, "/jwks.json", 2, 5.0), 2);
    /* The refresher installs the set just after the ts_server logs the request. */
    ts_sleep_ms(300);

    int before = ts_hits(s, "/jwks.json");
    expect_kid(src, (int64_t)time(NULL), "b");
    assert_int_equal(ts_hits(s, "/jwks.json"), before);
    jwg_jwks_source_stop(src);
    jwg_jwks_source_free(src);
}

/* Stopping aborts a transfer in progress instead of waiting for the ts_server. */
static void jwks_stop_aborts(void **state)
{
    ts_server *s = *state;
    ts_write_file(s->root, "jwks.json", JWKS_A);
    ts_write_file(s->root, "jwks.json.headers", "Delay: 4");
    jwg_jwks_source *src = url_source(s, "/jwks.json");

    assert_int_equal(jwg_jwks_source_start(src), JWG_OK);
    assert_int_equal(wait_for_hits(s, "/jwks.json", 1, 5.0), 1);
    double start = ts_seconds_now();
    jwg_jwks_source_stop(src);
    assert_true(ts_seconds_now() - start < 2.5);

    /* A stopped refresher may stop again and start again. */
    jwg_jwks_source_stop(src);
    assert_int_equal(jwg_jwks_source_start(src), JWG_OK);
    jwg_jwks_source_free(src);
}

/* Options out of range are rejected when the source is created. */
static void options_invalid(void **state)
{
    static const struct {
        int field;
        int64_t value;
    } cases[] = {
        {0, 0},  /* no connect timeout */
        {1, -1}, /* negative total timeout */
        {2, 0},  /* no response size limit */
        {3, 0},  /* a zero minimum lifetime */
        {4, 5},  /* maximum below the minimum */
        {5, 0},  /* no refetch interval */
        {6, -1}, /* negative stale period */
        {7, 0},  /* both URLs set */
        {8, 0},  /* neither URL set */
    };
    (void)state;
    for (size_t i = 0; i < JWG_ARRAY_LEN(cases); i++) {
        jwg_jwks_source_options o;
        char detail[JWG_DETAIL_MAX];
        jwg_jwks_source *src = NULL;
        options_for(&o);
        o.jwks_url = "https://127.0.0.1/jwks.json";
        int64_t v = cases[i].value;
        switch (cases[i].field) {
        case 0: o.connect_timeout_ms = (long)v; break;
        case 1: o.total_timeout_ms = (long)v; break;
        case 2: o.max_response_bytes = (size_t)v; break;
        case 3: o.min_cache_s = v; break;
        case 4: o.max_cache_s = v; break;
        case 5: o.refetch_interval_s = v; break;
        case 6: o.max_stale_s = v; break;
        case 7: o.oidc_issuer = "https://127.0.0.1"; break;
        default: o.jwks_url = NULL; break;
        }
        assert_int_equal(jwg_jwks_source_new(&src, &o, detail, sizeof(detail)),
                         JWG_ERR_INVALID_ARGUMENT);
        assert_null(src);
        assert_true(detail[0] != '\0');
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(jwks_first_fetch, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(jwks_cache_hit, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(jwks_max_age, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(jwks_rotation, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(jwks_refetch_limit, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(jwks_stale_then_unavailable, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(jwks_never_fetched, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(jwks_retry_limit, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(jwks_oversize, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(jwks_slow_timeout, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(oidc_discovery, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(oidc_wrong_issuer, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(oidc_total_timeout, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(oidc_http_jwks_uri, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(jwks_redirects, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(jwks_coalesced, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(jwks_background_refresh, ts_setup, ts_teardown),
        cmocka_unit_test_setup_teardown(jwks_stop_aborts, ts_setup, ts_teardown),
        cmocka_unit_test(http_not_loopback),
        cmocka_unit_test(options_invalid),
    };
    return cmocka_run_group_tests(tests, ts_make_certs, ts_remove_certs);
}
