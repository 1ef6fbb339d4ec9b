/*
 * jwks_source.h: a JWK set fetched over HTTPS from a JWKS URL or through
 * OpenID Connect discovery, cached, refreshed and kept for a bounded stale
 * period. Internal for now; docs/KEY_SOURCES.md describes the behaviour.
 *
 * Times are whole seconds of the wall clock (time(NULL)). The background
 * refresher reads the clock itself, so callers that start it pass time(NULL)
 * as `now`; tests that never start it may pass any clock.
 *
 * Thread safety: every call except _new and _free may run on many threads at
 * once. Concurrent callers that need a fetch share one transfer.
 */
#ifndef JWTGUARD_JWKS_SOURCE_H
#define JWTGUARD_JWKS_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jwtguard/jwtguard.h"

typedef struct jwg_jwks_source jwg_jwks_source;

typedef struct jwg_jwks_source_options {
    /* Exactly one of the two is set. Both must be https:// URLs (or http:// to
     * a literal loopback address when allow_http_loopback is true), with no
     * user name or password. */
    const char *jwks_url;
    const char *oidc_issuer;

    const char *ca_file; /* PEM CA bundle; NULL uses the system's trust store */

    long connect_timeout_ms;
    long total_timeout_ms; /* bounds one whole fetch: discovery, JWK set and redirects */
    size_t max_response_bytes;

    int64_t default_cache_s; /* lifetime when the response has no max-age */
    int64_t min_cache_s;     /* max-age is clamped into [min_cache_s, max_cache_s] */
    int64_t max_cache_s;
    int64_t refetch_interval_s; /* minimum gap between unknown-kid refetches and retries */
    int64_t max_stale_s;        /* how long an expired key set still serves when fetching fails */

    bool allow_http_loopback;
} jwg_jwks_source_options;

/* Fills `o` with the defaults documented in docs/KEY_SOURCES.md and no URL. */
void jwg_jwks_source_options_init(jwg_jwks_source_options *o);

/*
 * Creates a source. Nothing is fetched yet. An invalid URL or option
 * (including plain HTTP to anything but 127.0.0.0/8 or ::1) is
 * JWG_ERR_INVALID_ARGUMENT, with the reason in `detail`.
 */
JWG_WARN_UNUSED jwg_err jwg_jwks_source_new(jwg_jwks_source **out,
                                            const jwg_jwks_source_options *o, char *detail,
                                            size_t detail_len);

/* Stops the refresher if it runs and frees the source. Key sets handed out stay valid. */
void jwg_jwks_source_free(jwg_jwks_source *src);

/*
 * Returns in `*out` a reference to the current key set, which never changes
 * afterwards; release it with jwg_keyset_free(). Fetches first when the set
 * expired or none was fetched, unless a failed fetch was less than
 * refetch_interval_s ago. When no set is usable (none fetched, or expired
 * longer than max_stale_s ago) the result is JWG_ERR_KEY_SOURCE_UNAVAILABLE
 * and `detail` names the URL and the HTTP status or transfer error.
 */
JWG_WARN_UNUSED jwg_err jwg_jwks_source_keys(jwg_jwks_source *src, int64_t now, jwg_keyset **out,
                                             char *detail, size_t detail_len);

/*
 * Fetches again because a token named an unknown kid, at most once per
 * refetch_interval_s; a call inside the interval does nothing and returns
 * JWG_OK. A call made while a fetch runs waits for it and returns its
 * result. A failed fetch is JWG_ERR_KEY_SOURCE_UNAVAILABLE, and the previous
 * key set stays in place.
 */
JWG_WARN_UNUSED jwg_err jwg_jwks_source_refetch(jwg_jwks_source *src, int64_t now, char *detail,
                                                size_t detail_len);

/*
 * Starts a thread that fetches when no set exists and again when three
 * quarters of the current set's lifetime have passed, and retries failures
 * every refetch_interval_s. Starting a running refresher, or one being
 * stopped, is JWG_ERR_INVALID_ARGUMENT.
 */
JWG_WARN_UNUSED jwg_err jwg_jwks_source_start(jwg_jwks_source *src);

/* Stops and joins the refresher; a transfer in progress is aborted. Safe when not started. */
void jwg_jwks_source_stop(jwg_jwks_source *src);

#endif /* JWTGUARD_JWKS_SOURCE_H */
