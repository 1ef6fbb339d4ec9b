/*
 * cache.h: the verified-token cache of the gateway. An entry holds what a
 * decision needs from a token that verified: the facts for the shared
 * state, the identity header values and each route's verdict, all
 * computed once at insertion, so an entry is immutable and read without a
 * lock. Entries are keyed by the token's SHA-256 (its fingerprint) and
 * dropped at `until`, never later than the token's "exp".
 */
#ifndef JWTGUARD_SERVER_CACHE_H
#define JWTGUARD_SERVER_CACHE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jwtguard/jwtguard.h"
#include "server/state.h"

typedef struct srv_entry {
    atomic_uint refs;
    uint64_t generation;   /* the configuration it was built under; another one misses */
    int64_t until;         /* Unix seconds from which the entry is invalid */
    srv_token_facts facts; /* strings point into `text` */
    const char *kid;       /* NULL when absent, as is alg */
    const char *alg;
    const char **header_values; /* one per identity header, "" when the claim is absent */
    size_t header_count;
    jwg_err *route_errors;      /* one per route: JWG_OK or the rule that failed */
    const char *scope_claim;    /* "scope" or "scp", whichever the token has; NULL for neither */
    const char *scopes;         /* its scopes separated by spaces; NULL when absent or over 1 KiB */
    size_t route_count;
    char *text;                 /* owns the strings */
    /* Cache links, guarded by the shard's lock. */
    struct srv_entry *lru_prev, *lru_next, *hash_next;
} srv_entry;

void srv_entry_ref(srv_entry *e);
void srv_entry_unref(srv_entry *e);

typedef struct srv_cache srv_cache;

/* Creates a cache of at most `max_entries` entries (0: a cache that stores nothing). */
srv_cache *srv_cache_new(size_t max_entries);
void srv_cache_free(srv_cache *c);

/*
 * Returns a reference to the entry of fingerprint `fp` built under
 * `generation` and still valid at `now`, or NULL. The caller unrefs it.
 */
srv_entry *srv_cache_get(srv_cache *c, const uint8_t fp[SRV_FP_LEN], uint64_t generation, int64_t now);

/* Inserts `e` (the cache takes its own reference), evicting the least recently used entry when full. */
void srv_cache_put(srv_cache *c, srv_entry *e);

/* Drops every entry, for a reload. */
void srv_cache_flush(srv_cache *c);

typedef struct srv_cache_stats {
    uint64_t hits;
    uint64_t misses;
    uint64_t entries;
    uint64_t evictions;
} srv_cache_stats;

void srv_cache_get_stats(srv_cache *c, srv_cache_stats *out);

#endif /* JWTGUARD_SERVER_CACHE_H */
