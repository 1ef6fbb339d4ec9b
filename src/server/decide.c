/*
 * decide.c: the decision core shared by every endpoint. Order: original
 * request, token, verification (or the cache), route and its rules, then
 * the shared state, which runs on every request so that a revocation
 * applies to a cached token too.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "server/serve_int.h"

static const struct {
    int status;
    const char *name;
} reasons[SRV_REASON_COUNT] = {
    [SRV_REASON_OK] = {200, "ok"},
    [SRV_REASON_TOKEN_MISSING] = {401, "token_missing"},
    [SRV_REASON_TOKEN_INVALID] = {401, "token_invalid"},
    [SRV_REASON_REVOKED] = {401, "revoked"},
    [SRV_REASON_ROUTE_RULES] = {403, "insufficient_scope"},
    [SRV_REASON_NO_ROUTE] = {403, "no_route"},
    [SRV_REASON_ANOMALY] = {403, "anomaly"},
    [SRV_REASON_PATH_INVALID] = {403, "path_invalid"},
    [SRV_REASON_CALLER_REJECTED] = {403, "caller_rejected"},
    [SRV_REASON_KEYS_UNAVAILABLE] = {503, "keys_unavailable"},
    [SRV_REASON_STATE_UNAVAILABLE] = {503, "state_unavailable"},
    [SRV_REASON_BAD_REQUEST] = {400, "bad_request"},
    [SRV_REASON_INTERNAL] = {500, "internal_error"},
    [SRV_REASON_INVALID_REQUEST] = {400, "invalid_request"},
};

int srv_reason_status(srv_reason r)
{
    return r < SRV_REASON_COUNT ? reasons[r].status : 500;
}

const char *srv_reason_name(srv_reason r)
{
    return r < SRV_REASON_COUNT ? reasons[r].name : "internal_error";
}

static void fail(srv_decision *d, srv_reason reason, jwg_err err, const char *detail)
{
    d->reason = reason;
    d->err = err;
    snprintf(d->detail, sizeof(d->detail), "%s", detail);
}

/* A token taken from the request: `text` points into the request, or into `owned`. */
typedef struct found_token {
    const char *text;
    size_t len;
    char *owned;
} found_token;

/* Returns true when an Authorization value uses the Bearer scheme, well-formed or not. */
static bool bearer_scheme(const char *v)
{
    static const char scheme[] = "bearer ";
    for (size_t i = 0; i < sizeof(scheme) - 1; i++) {
        char c = v[i];
        if (c == '\0' || (c | 0x20) != scheme[i])
            return false;
    }
    return true;
}

/* NOTE: unlike a token from a header or a cookie, a query token costs one malloc per request. */
static bool token_from_query(const srv_config *cfg, const char *query, size_t query_len, found_token *t)
{
    size_t cap = cfg->max_token_bytes + 2;
    t->owned = malloc(cap);
    if (t->owned == NULL || !srv_query_param(query, query_len, cfg->token_name, t->owned, cap, &t->len))
        return false;
    t->text = t->owned;
    return true;
}

/*
 * Takes the token from where the policy sets it (token.from). Returns SRV_REASON_OK
 * with `t` filled, TOKEN_MISSING, TOKEN_INVALID for a malformed Bearer
 * value, or INVALID_REQUEST for more than one Authorization header, which
 * RFC 9110 5.3 does not allow as a list: taking either one would let a
 * proxy and this service see different tokens.
 */
static srv_reason find_token(const srv_config *cfg, const srv_request *rq, const char *query,
                             size_t query_len, found_token *t)
{
    switch (cfg->token_from) {
    case JWG_TOKEN_FROM_COOKIE:
        return rq->cookie != NULL && srv_cookie_value(rq->cookie, strlen(rq->cookie), cfg->token_name, &t->text, &t->len) &&
                       t->len > 0
                   ? SRV_REASON_OK
                   : SRV_REASON_TOKEN_MISSING;
    case JWG_TOKEN_FROM_QUERY:
        if (rq->extra_query != NULL && token_from_query(cfg, rq->extra_query, rq->extra_query_len, t))
            return SRV_REASON_OK;
        free(t->owned);
        t->owned = NULL;
        return query != NULL && token_from_query(cfg, query, query_len, t) && t->len > 0 ? SRV_REASON_OK
                                                                                       : SRV_REASON_TOKEN_MISSING;
    default:
        if (rq->authorization_count > 1)
            return SRV_REASON_INVALID_REQUEST;
        if (rq->authorization == NULL || !bearer_scheme(rq->authorization))
            return SRV_REASON_TOKEN_MISSING;
        return srv_bearer_token(rq->authorization, strlen(rq->authorization), &t->text, &t->len)
                   ? SRV_REASON_OK
                   : SRV_REASON_TOKEN_INVALID;
    }
}

static void token_not_found(srv_decision *d, srv_reason found)
{
    if (found == SRV_REASON_TOKEN_INVALID)
        fail(d, found, JWG_ERR_TOKEN_SEGMENTS, "the Bearer credentials are not a b64token");
    else if (found == SRV_REASON_INVALID_REQUEST)
        fail(d, found, JWG_OK, "the request has more than one Authorization header: send one");
    else
        fail(d, found, JWG_OK, "no token in the request");
}

/* Maps a verification failure to the decision: key source trouble and library failures are not the token's fault. */
static void verify_failed(srv_decision *d, jwg_err rc, const jwg_result *r)
{
    const char *detail = r != NULL ? jwg_result_detail(r) : jwg_strerror(rc);
    if (rc == JWG_ERR_KEY_SOURCE_UNAVAILABLE)
        fail(d, SRV_REASON_KEYS_UNAVAILABLE, rc, detail);
    else if (rc == JWG_ERR_NOMEM || rc == JWG_ERR_CRYPTO || rc == JWG_ERR_RANDOM || rc == JWG_ERR_INVALID_ARGUMENT)
        fail(d, SRV_REASON_INTERNAL, rc, detail);
    else
        fail(d, SRV_REASON_TOKEN_INVALID, rc, detail);
}

/* Each thread's SHA-256 context, freed when a thread started by pthread_create() exits. */
static pthread_key_t digest_ctx_key;
static pthread_once_t digest_ctx_once = PTHREAD_ONCE_INIT;
static bool digest_ctx_key_ready;

static void digest_ctx_free(void *ctx)
{
    EVP_MD_CTX_free(ctx);
}

static void digest_ctx_key_create(void)
{
    digest_ctx_key_ready = pthread_key_create(&digest_ctx_key, digest_ctx_free) == 0;
}

/* Returns this thread's digest context, created on its first call, or NULL when out of memory. */
static EVP_MD_CTX *thread_digest_ctx(void)
{
    pthread_once(&digest_ctx_once, digest_ctx_key_create);
    if (!digest_ctx_key_ready)
        return NULL;

    EVP_MD_CTX *ctx = pthread_getspecific(digest_ctx_key);
    if (ctx != NULL)
        return ctx;
    ctx = EVP_MD_CTX_new();
    if (ctx != NULL && pthread_setspecific(digest_ctx_key, ctx) != 0) {
        EVP_MD_CTX_free(ctx);
        ctx = NULL;
    }
    return ctx;
}

/*
 * Writes the SHA-256 of the token into `fp`. The library's prefetched
 * SHA-256 is used because SHA256() fetches the algorithm on every call,
 * which doubles its cost. The context is kept per thread because
 * EVP_Digest() allocates and frees one on every call.
 */
static bool token_fingerprint(const found_token *t, uint8_t fp[SRV_FP_LEN])
{
    const EVP_MD *md = jwg_alg_md(JWG_ALG_HS256);
    EVP_MD_CTX *ctx = thread_digest_ctx();
    unsigned fp_len = 0;

    if (ctx == NULL)
        return EVP_Digest(t->text, t->len, fp, &fp_len, md, NULL) == 1 && fp_len == SRV_FP_LEN;
    return EVP_DigestInit_ex2(ctx, md, NULL) == 1 && EVP_DigestUpdate(ctx, t->text, t->len) == 1 &&
           EVP_DigestFinal_ex(ctx, fp, &fp_len) == 1 && fp_len == SRV_FP_LEN;
}

/* Finds the token's entry in the cache, or verifies it and caches the entry. */
static bool entry_for(srv_server *s, srv_config *cfg, const found_token *t, int64_t now, srv_decision *d)
{
    if (!token_fingerprint(t, d->fp)) {
        fail(d, SRV_REASON_INTERNAL, JWG_ERR_CRYPTO, "SHA-256 of the token failed");
        return false;
    }
    d->token_seen = true;
    d->entry = srv_cache_get(s->cache, d->fp, cfg->generation, now);
    if (d->entry != NULL) {
        d->cache_hit = true;
        return true;
    }

    jwg_result *r = NULL;
    jwg_err rc = jwg_verify_at(cfg->verifier, t->text, t->len, now, &r);
    if (rc != JWG_OK) {
        verify_failed(d, rc, r);
        jwg_result_free(r);
        return false;
    }
    d->entry = srv_entry_build(cfg, r, d->fp, now);
    jwg_result_free(r);
    if (d->entry == NULL) {
        fail(d, SRV_REASON_INTERNAL, JWG_ERR_NOMEM, "out of memory while caching a token");
        return false;
    }
    srv_cache_put(s->cache, d->entry);
    return true;
}

/* Returns true when the space-separated `scopes` contains `scope`. */
static bool has_scope(const char *scopes, const char *scope)
{
    size_t n = strlen(scope);
    for (const char *p = scopes; p != NULL && *p != '\0';) {
        const char *end = strchr(p, ' ');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, scope, n) == 0)
            return true;
        p = end != NULL ? end + 1 : NULL;
    }
    return false;
}

/*
 * Appends the scopes of route `index`'s all-of (`all`) or any-of list to
 * `out`, those the token has left out for all-of. Returns how many it listed.
 */
static size_t list_scopes(const jwg_policy_file *pf, size_t index, int all, const srv_entry *e, char *out,
                          size_t cap)
{
    const char *scope;
    size_t listed = 0;
    for (size_t i = 0; jwg_policy_file_route_scope(pf, index, all, i, &scope) == JWG_OK; i++) {
        if (all && e->scopes != NULL && has_scope(e->scopes, scope))
            continue;
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "%s%s", listed > 0 ? " " : "", scope);
        listed++;
    }
    return listed;
}

/* Returns true when route `index` has no any-of list or the token has one of its scopes. */
static bool any_of_met(const jwg_policy_file *pf, size_t index, const srv_entry *e)
{
    const char *scope;
    size_t i = 0;
    for (; jwg_policy_file_route_scope(pf, index, 0, i, &scope) == JWG_OK; i++) {
        if (e->scopes != NULL && has_scope(e->scopes, scope))
            return true;
    }
    return i == 0;
}

/*
 * Writes where scopes are read and which the route misses, for a 403 of
 * route rules. Names scopes and claim names only, never the token.
 */
static void describe_scope_denial(const jwg_policy_file *pf, size_t index, const srv_entry *e, char *detail,
                                  size_t cap)
{
    char missing[160] = "";
    char accepted[160] = "";
    const char *method;
    const char *prefix;

    if (jwg_policy_file_route(pf, index, &method, &prefix) != JWG_OK)
        return;
    size_t all_missing = list_scopes(pf, index, 1, e, missing, sizeof(missing));
    size_t any_count = list_scopes(pf, index, 0, e, accepted, sizeof(accepted));

    if (e->scope_claim == NULL) {
        snprintf(detail, cap, "the token has no \"scope\" or \"scp\" claim, and route %s %s requires %s%s", method,
                 prefix, all_missing > 0 ? missing : "one of ", all_missing > 0 ? "" : accepted);
    } else if (all_missing > 0) {
        snprintf(detail, cap, "the token's \"%s\" claim lacks %s, which route %s %s requires", e->scope_claim,
                 missing, method, prefix);
    } else if (any_count > 0 && !any_of_met(pf, index, e)) {
        snprintf(detail, cap, "the token's \"%s\" claim has none of %s, which route %s %s accepts", e->scope_claim,
                 accepted, method, prefix);
    }
}

/* Applies the rules of the route of `path`; false when the request is denied. */
static bool path_allows(const srv_config *cfg, const char *method, const char *path, size_t path_len,
                        srv_decision *d)
{
    size_t index;
    if (jwg_policy_file_route_find(cfg->pf, method, path, path_len, &index) != JWG_OK) {
        if (cfg->gw.unmatched_allow)
            return true;
        fail(d, SRV_REASON_NO_ROUTE, JWG_OK, "no route matches the request");
        return false;
    }

    d->route = (long)index;
    jwg_err rc = d->entry->route_errors[index];
    if (rc == JWG_OK)
        return true;
    fail(d, SRV_REASON_ROUTE_RULES, rc, jwg_strerror(rc));
    if (rc == JWG_ERR_SCOPE || rc == JWG_ERR_CLAIM_MISSING || rc == JWG_ERR_CLAIM_TYPE)
        describe_scope_denial(cfg->pf, index, d->entry, d->detail, sizeof(d->detail));
    return false;
}

/*
 * Applies the rules of `method`'s route; false when the request is denied.
 * A target with ";" must also pass the route of its path without
 * ";parameters", because a server such as Tomcat reads "/public/..;/admin"
 * as "/admin". On a denial `d->route` is the route that denied, else the
 * route of the path as sent.
 */
static bool method_allows(const srv_config *cfg, const char *method, const srv_request *rq, size_t path_len,
                          srv_decision *d)
{
    if (!path_allows(cfg, method, d->path, path_len, d))
        return false;
    if (memchr(rq->target, ';', rq->target_len) == NULL)
        return true;

    char stripped[SRV_PATH_MAX + 1];
    size_t stripped_len;
    long route = d->route;
    if (srv_target_parse_without_params(rq->target, rq->target_len, stripped, sizeof(stripped), &stripped_len) !=
        SRV_TARGET_OK) {
        fail(d, SRV_REASON_PATH_INVALID, JWG_OK, "the original request URI without ;parameters cannot be normalized");
        return false;
    }
    bool allowed = path_allows(cfg, method, stripped, stripped_len, d);
    if (allowed)
        d->route = route;
    return allowed;
}

/* Returns true when route `index` names HEAD itself rather than "*". */
static bool route_names_head(const srv_config *cfg, long index)
{
    const char *method;
    const char *prefix;
    return index >= 0 && jwg_policy_file_route(cfg->pf, (size_t)index, &method, &prefix) == JWG_OK &&
           strcmp(method, "HEAD") == 0;
}

/*
 * Applies the route rules; false when the request is denied. Servers handle
 * HEAD with their GET handler (RFC 9110 9.3.2), so a HEAD request must also
 * pass the GET route unless a route names HEAD itself.
 */
static bool route_allows(const srv_config *cfg, const srv_request *rq, size_t path_len, srv_decision *d)
{
    if (jwg_policy_file_route_count(cfg->pf) == 0)
        return true;
    if (!method_allows(cfg, rq->method, rq, path_len, d))
        return false;
    if (strcmp(rq->method, "HEAD") != 0 || route_names_head(cfg, d->route))
        return true;

    long route = d->route;
    bool allowed = method_allows(cfg, "GET", rq, path_len, d);
    if (allowed)
        d->route = route;
    return allowed;
}

static void state_check(srv_server *s, const srv_config *cfg, const srv_request *rq, int64_t now,
                        srv_decision *d)
{
    char network[SRV_NETWORK_MAX];
    srv_usage usage = {.region = rq->region, .service = rq->service, .network = NULL};
    (void)cfg;
    if (rq->client_address != NULL &&
        srv_client_network(rq->client_address, strlen(rq->client_address), network, sizeof(network)))
        usage.network = network;

    switch (srv_state_check(s->state, &d->entry->facts, &usage, now, &d->alert)) {
    case SRV_VERDICT_ALLOW:
        d->reason = SRV_REASON_OK;
        break;
    case SRV_VERDICT_REVOKED:
        fail(d, SRV_REASON_REVOKED, JWG_OK, "the token is revoked");
        break;
    case SRV_VERDICT_ANOMALY:
        fail(d, SRV_REASON_ANOMALY, JWG_OK, "the token is used from more places than the anomaly rule allows");
        break;
    default:
        fail(d, SRV_REASON_STATE_UNAVAILABLE, JWG_OK, "revocation state is unavailable");
        break;
    }
}

void srv_decide(srv_server *s, srv_config *cfg, const srv_request *rq, srv_decision *d)
{
    /* Field by field: clearing the whole path buffer costs more than the rest of a cache hit. */
    d->reason = SRV_REASON_OK;
    d->err = JWG_OK;
    d->entry = NULL;
    d->route = -1;
    d->cache_hit = false;
    d->token_seen = false;
    d->alert = (srv_alert){0};
    d->path[0] = '\0';
    d->detail[0] = '\0';
    found_token t = {0};
    const char *query;
    size_t query_len;
    size_t path_len;

    if (rq->method == NULL || rq->target == NULL || !srv_method_valid(rq->method, strlen(rq->method))) {
        fail(d, SRV_REASON_BAD_REQUEST, JWG_OK, "the original method or request URI header is missing or invalid");
        return;
    }
    if (srv_target_parse(rq->target, rq->target_len, d->path, sizeof(d->path), &path_len, &query, &query_len) !=
        SRV_TARGET_OK) {
        d->path[0] = '\0';
        fail(d, SRV_REASON_PATH_INVALID, JWG_OK, "the original request URI cannot be normalized safely");
        return;
    }

    srv_reason found = find_token(cfg, rq, query, query_len, &t);
    if (found != SRV_REASON_OK) {
        token_not_found(d, found);
        free(t.owned);
        return;
    }

    int64_t now = (int64_t)time(NULL);
    bool verified = entry_for(s, cfg, &t, now, d);
    if (t.owned != NULL)
        OPENSSL_cleanse(t.owned, t.len);
    free(t.owned);
    if (!verified || !route_allows(cfg, rq, path_len, d))
        return;
    state_check(s, cfg, rq, now, d);
}

bool srv_caller_allowed(const srv_server *s, const char *value)
{
    if (!s->secret_required)
        return true;
    if (value == NULL)
        return false;

    uint8_t digest[SRV_FP_LEN];
    SHA256((const unsigned char *)value, strlen(value), digest);
    return CRYPTO_memcmp(digest, s->secret_digest, SRV_FP_LEN) == 0;
}
