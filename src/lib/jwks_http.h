/*
 * jwks_http.h: bounded HTTPS GET on libcurl for the JWKS source. Internal.
 */
#ifndef JWTGUARD_JWKS_HTTP_H
#define JWTGUARD_JWKS_HTTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jwtguard/jwtguard.h"

typedef struct jwg_http_limits {
    const char *ca_file; /* NULL: the system's trust store */
    long connect_timeout_ms;
    int64_t deadline_ms; /* jwg_http_monotonic_ms() by which the whole GET, redirects included, ends */
    size_t max_response_bytes;
    bool allow_http_loopback;
    const atomic_bool *abort; /* a transfer stops soon after this becomes true; may be NULL */
} jwg_http_limits;

typedef struct jwg_http_response {
    char *body; /* NUL-terminated, `len` bytes before the NUL */
    size_t len;
    int64_t max_age; /* Cache-Control max-age in seconds; -1 when absent; no-store and no-cache give 0 */
} jwg_http_response;

/* Returns CLOCK_MONOTONIC in milliseconds, the clock of jwg_http_limits.deadline_ms. */
int64_t jwg_http_monotonic_ms(void);

/* Initializes libcurl once per process; JWG_ERR_CRYPTO when it fails. */
jwg_err jwg_http_global_init(void);

/*
 * Accepts an https:// URL, or an http:// URL whose host is a literal
 * 127.0.0.0/8 or ::1 address when `allow_http_loopback`. URLs with a user
 * name or password are rejected, so that details never carry credentials.
 * Errors are JWG_ERR_INVALID_ARGUMENT. Nothing is resolved or sent.
 */
jwg_err jwg_http_check_url(const char *url, bool allow_http_loopback, char *detail,
                           size_t detail_len);

/*
 * GETs `url` after jwg_http_check_url(). Only status 200 succeeds.
 * Redirects are followed, at most 3, only to the same scheme, host and
 * port. Errors are JWG_ERR_KEY_SOURCE_UNAVAILABLE with the URL and the
 * HTTP status or transfer error in `detail`, JWG_ERR_INVALID_ARGUMENT for a
 * rejected URL and JWG_ERR_NOMEM. `resp` is reset first and owns its body
 * on success; release it with jwg_http_response_clear().
 */
jwg_err jwg_http_get(const jwg_http_limits *limits, const char *url, jwg_http_response *resp,
                     char *detail, size_t detail_len);

void jwg_http_response_clear(jwg_http_response *resp);

#endif /* JWTGUARD_JWKS_HTTP_H */
