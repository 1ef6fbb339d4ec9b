/*
 * jwks_source.c: a cached JWK set from a JWKS URL or OpenID Connect
 * discovery (OpenID Connect Discovery 1.0, sections 4 and 4.3).
 *
 * Invariants, all under `lock`:
 * - `current` is NULL or a complete key set that is never modified again;
 *   it is replaced whole, and callers hold their own references.
 * - At most one fetch runs (`fetching`); it runs without the lock, and
 *   everyone waiting on `changed` wakes when it ends.
 * - `current` is fresh before `expires_at` and still usable (stale) before
 *   `stale_until`.
 * - After a failed fetch, nothing fetches again before `retry_at`, so an
 *   outage does not turn every request into a transfer.
 */
#include "jwks_source.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "jwks_http.h"

#define DISCOVERY_PATH "/.well-known/openid-configuration"
#define DISCOVERY_MAX_DEPTH 16u

struct jwg_jwks_source {
    jwg_jwks_source_options opt; /* strings point into the copies below */
    char *jwks_url;
    char *oidc_issuer;
    char *ca_file;

    pthread_mutex_t lock;
    pthread_cond_t changed;
    jwg_keyset *current;
    int64_t expires_at;
    int64_t stale_until;
    int64_t refresh_at;   /* when the refresher fetches ahead of expiry */
    int64_t retry_at;     /* no fetch before this after a failure */
    int64_t refetch_next; /* no unknown-kid refetch before this */
    bool fetching;
    jwg_err last_rc;
    char last_detail[JWG_DETAIL_MAX];

    bool started;
    bool stopping;
    atomic_bool abort; /* aborts a transfer in progress when the refresher stops */
    pthread_t thread;
};

void jwg_jwks_source_options_init(jwg_jwks_source_options *o)
{
    if (o == NULL)
        return;
    memset(o, 0, sizeof(*o));
    o->connect_timeout_ms = 5000;
    o->total_timeout_ms = 10000;
    o->max_response_bytes = 1024u * 1024u;
    o->default_cache_s = 300;
    o->min_cache_s = 60;
    o->max_cache_s = 86400;
    o->refetch_interval_s = 60;
    o->max_stale_s = 3600;
    o->allow_http_loopback = false;
}

/* ---- options ------------------------------------------------------------- */

static jwg_err check_numbers(const jwg_jwks_source_options *o, char *detail, size_t detail_len)
{
    if (o->connect_timeout_ms <= 0 || o->total_timeout_ms <= 0 || o->max_response_bytes == 0) {
        jwg_detail_set(detail, detail_len, "timeouts and the response size limit must be positive");
        return JWG_ERR_INVALID_ARGUMENT;
    }
    /* A lifetime of at least one second keeps a fresh fetch usable by the call that made it. */
    if (o->min_cache_s < 1 || o->max_cache_s < o->min_cache_s || o->default_cache_s < 1) {
        jwg_detail_set(detail, detail_len,
                       "cache lifetimes must be at least 1 s with min_cache_s <= max_cache_s");
        return JWG_ERR_INVALID_ARGUMENT;
    }
    if (o->refetch_interval_s < 1 || o->max_stale_s < 0) {
        jwg_detail_set(detail, detail_len,
                       "refetch_interval_s must be at least 1 s and max_stale_s not negative");
        return JWG_ERR_INVALID_ARGUMENT;
    }
    return JWG_OK;
}

static jwg_err check_options(const jwg_jwks_source_options *o, char *detail, size_t detail_len)
{
    if ((o->jwks_url == NULL) == (o->oidc_issuer == NULL)) {
        jwg_detail_set(detail, detail_len, "set exactly one of jwks_url and oidc_issuer");
        return JWG_ERR_INVALID_ARGUMENT;
    }
    JWG_TRY(check_numbers(o, detail, detail_len));

    const char *url = o->jwks_url != NULL ? o->jwks_url : o->oidc_issuer;
    return jwg_http_check_url(url, o->allow_http_loopback, detail, detail_len);
}

static jwg_err copy_string(const char *in, char **out)
{
    *out = NULL;
    if (in == NULL)
        return JWG_OK;
    *out = jwg_strdup(in);
    return *out != NULL ? JWG_OK : JWG_ERR_NOMEM;
}

static jwg_err init_sync(jwg_jwks_source *src)
{
    if (pthread_mutex_init(&src->lock, NULL) != 0)
        return JWG_ERR_NOMEM;
    if (pthread_cond_init(&src->changed, NULL) != 0) {
        pthread_mutex_destroy(&src->lock);
        return JWG_ERR_NOMEM;
    }
    return JWG_OK;
}

static void free_strings(jwg_jwks_source *src)
{
    free(src->jwks_url);
    free(src->oidc_issuer);
    free(src->ca_file);
}

jwg_err jwg_jwks_source_new(jwg_jwks_source **out, const jwg_jwks_source_options *o, char *detail,
                            size_t detail_len)
{
    jwg_detail_set(detail, detail_len, "%s", "");
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    JWG_ENSURE(o != NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_TRY(check_options(o, detail, detail_len));

    jwg_jwks_source *src = calloc(1, sizeof(*src));
    JWG_ENSURE(src != NULL, JWG_ERR_NOMEM);
    jwg_err rc = JWG_OK;
    JWG_TRY_GOTO(copy_string(o->jwks_url, &src->jwks_url), rc, out);
    JWG_TRY_GOTO(copy_string(o->oidc_issuer, &src->oidc_issuer), rc, out);
    JWG_TRY_GOTO(copy_string(o->ca_file, &src->ca_file), rc, out);
    JWG_TRY_GOTO(init_sync(src), rc, out);

    src->opt = *o;
    src->opt.jwks_url = src->jwks_url;
    src->opt.oidc_issuer = src->oidc_issuer;
    src->opt.ca_file = src->ca_file;
    src->refetch_next = INT64_MIN;
    src->retry_at = INT64_MIN;
    src->last_rc = JWG_ERR_KEY_SOURCE_UNAVAILABLE;
    atomic_init(&src->abort, false);
    jwg_detail_set(src->last_detail, sizeof(src->last_detail), "no key set fetched yet");
    *out = src;

out:
    if (rc != JWG_OK) {
        free_strings(src);
        free(src);
    }
    return rc;
}

void jwg_jwks_source_free(jwg_jwks_source *src)
{
    if (src == NULL)
        return;
    jwg_jwks_source_stop(src);

    jwg_keyset_free(src->current);
    pthread_cond_destroy(&src->changed);
    pthread_mutex_destroy(&src->lock);
    free_strings(src);
    free(src);
}

/* ---- fetching (without the lock) ------------------------------------------ */

/* GETs `url`; the total timeout bounds the whole fetch, discovery included. */
static jwg_err get(jwg_jwks_source *src, int64_t deadline_ms, const char *url,
                   jwg_http_response *resp, char *detail, size_t detail_len)
{
    jwg_http_limits limits = {
        .ca_file = src->opt.ca_file,
        .connect_timeout_ms = src->opt.connect_timeout_ms,
        .deadline_ms = deadline_ms,
        .max_response_bytes = src->opt.max_response_bytes,
        .allow_http_loopback = src->opt.allow_http_loopback,
        .abort = &src->abort,
    };
    return jwg_http_get(&limits, url, resp, detail, detail_len);
}

/* Builds the discovery URL: a trailing '/' of the issuer is dropped (OpenID Connect Discovery 4). */
static char *discovery_url(const char *issuer)
{
    size_t n = strlen(issuer);
    if (n > 0 && issuer[n - 1] == '/')
        n--;

    char *url = malloc(n + sizeof(DISCOVERY_PATH));
    if (url == NULL)
        return NULL;
    memcpy(url, issuer, n);
    memcpy(url + n, DISCOVERY_PATH, sizeof(DISCOVERY_PATH));
    return url;
}

static size_t string_member(const jwg_json_doc *doc, const char *name)
{
    size_t idx = jwg_json_find(doc, 0, name);
    if (idx == 0 || doc->nodes[idx].type != JWG_JSON_STRING)
        return 0;
    return idx;
}

/* Reads "jwks_uri" after checking that "issuer" equals the configured issuer exactly (4.3). */
static jwg_err read_discovery(const jwg_jwks_source *src, const jwg_http_response *resp,
                              char **jwks_uri, char *detail, size_t detail_len)
{
    size_t cap = jwg_json_nodes_max(resp->len);
    jwg_json_node *nodes = calloc(cap, sizeof(*nodes));
    JWG_ENSURE(nodes != NULL, JWG_ERR_NOMEM);
    jwg_json_doc doc;
    jwg_err rc = JWG_ERR_KEY_SOURCE_UNAVAILABLE;

    if (jwg_json_parse((const uint8_t *)resp->body, resp->len, nodes, cap, DISCOVERY_MAX_DEPTH,
                       &doc) != JWG_OK ||
        doc.nodes[0].type != JWG_JSON_OBJECT) {
        jwg_detail_set(detail, detail_len, "discovery document is not a JSON object");
        goto out;
    }
    size_t issuer = string_member(&doc, "issuer");
    if (issuer == 0 ||
        !jwg_json_string_equals(&doc, issuer, src->oidc_issuer, strlen(src->oidc_issuer))) {
        jwg_detail_set(detail, detail_len, "discovery document's issuer is not %.100s",
                       src->oidc_issuer);
        goto out;
    }
    size_t uri = string_member(&doc, "jwks_uri");
    if (uri == 0) {
        jwg_detail_set(detail, detail_len, "discovery document has no jwks_uri string");
        goto out;
    }

    size_t len = 0;
    *jwks_uri = malloc(doc.nodes[uri].len + 1u);
    JWG_TRY_GOTO(*jwks_uri != NULL ? JWG_OK : JWG_ERR_NOMEM, rc, out);
    rc = jwg_json_string_copy(&doc, uri, *jwks_uri, doc.nodes[uri].len + 1u, &len);

out:
    free(nodes);
    return rc;
}

static jwg_err discover(jwg_jwks_source *src, int64_t deadline_ms, char **jwks_uri, char *detail,
                        size_t detail_len)
{
    *jwks_uri = NULL;
    char *url = discovery_url(src->opt.oidc_issuer);
    JWG_ENSURE(url != NULL, JWG_ERR_NOMEM);

    jwg_http_response resp;
    jwg_err rc = get(src, deadline_ms, url, &resp, detail, detail_len);
    if (rc == JWG_OK)
        rc = read_discovery(src, &resp, jwks_uri, detail, detail_len);
    jwg_http_response_clear(&resp);
    free(url);
    if (rc != JWG_OK) {
        free(*jwks_uri);
        *jwks_uri = NULL;
    }
    return rc;
}

static jwg_err parse_jwks(const char *url, const jwg_http_response *resp, jwg_keyset **out,
                          char *detail, size_t detail_len)
{
    jwg_keyset *ks = NULL;
    JWG_TRY(jwg_keyset_new(&ks));

    jwg_err rc = jwg_keyset_add_jwks(ks, resp->body, resp->len);
    if (rc == JWG_OK && jwg_keyset_count(ks) == 0)
        rc = JWG_ERR_NO_KEYS;
    if (rc != JWG_OK) {
        /* The key set's own detail names the defect without key bytes. */
        jwg_detail_set(detail, detail_len, "JWK set from %.80s rejected: %s: %.60s", url,
                       jwg_err_name(rc), jwg_keyset_detail(ks));
        jwg_keyset_free(ks);
        return JWG_ERR_KEY_SOURCE_UNAVAILABLE;
    }
    *out = ks;
    return JWG_OK;
}

/* Fetches a new key set, after discovery when configured; `*max_age` is -1 without one. */
static jwg_err fetch(jwg_jwks_source *src, jwg_keyset **out, int64_t *max_age, char *detail,
                     size_t detail_len)
{
    *out = NULL;
    int64_t deadline_ms = jwg_http_monotonic_ms() + src->opt.total_timeout_ms;
    char *discovered = NULL;
    const char *url = src->opt.jwks_url;
    if (url == NULL) {
        JWG_TRY(discover(src, deadline_ms, &discovered, detail, detail_len));
        url = discovered;
    }

    jwg_http_response resp;
    jwg_err rc = get(src, deadline_ms, url, &resp, detail, detail_len);
    if (rc == JWG_OK)
        rc = parse_jwks(url, &resp, out, detail, detail_len);
    *max_age = resp.max_age;
    jwg_http_response_clear(&resp);
    free(discovered);

    /* A discovered jwks_uri that fails the URL rules is the source's failure, not the caller's. */
    return rc == JWG_ERR_INVALID_ARGUMENT ? JWG_ERR_KEY_SOURCE_UNAVAILABLE : rc;
}

/* ---- cache state (under the lock) ----------------------------------------- */

static int64_t add_seconds(int64_t t, int64_t s)
{
    return t > INT64_MAX - s ? INT64_MAX : t + s;
}

static int64_t lifetime_of(const jwg_jwks_source_options *o, int64_t max_age)
{
    if (max_age < 0)
        return o->default_cache_s;
    if (max_age < o->min_cache_s)
        return o->min_cache_s;
    return max_age > o->max_cache_s ? o->max_cache_s : max_age;
}

static void install(jwg_jwks_source *src, int64_t now, jwg_err rc, jwg_keyset *ks,
                    int64_t max_age, const char *detail)
{
    src->last_rc = rc;
    if (rc != JWG_OK) {
        jwg_detail_set(src->last_detail, sizeof(src->last_detail), "%s", detail);
        src->retry_at = add_seconds(now, src->opt.refetch_interval_s);
        return;
    }

    int64_t lifetime = lifetime_of(&src->opt, max_age);
    jwg_keyset_free(src->current);
    src->current = ks;
    src->expires_at = add_seconds(now, lifetime);
    src->stale_until = add_seconds(src->expires_at, src->opt.max_stale_s);
    src->refresh_at = add_seconds(now, lifetime - lifetime / 4);
    src->retry_at = INT64_MIN;
}

/* Runs one fetch with the lock released; called with the lock held and `fetching` false. */
static jwg_err run_fetch(jwg_jwks_source *src, int64_t now)
{
    char detail[JWG_DETAIL_MAX] = "";
    jwg_keyset *ks = NULL;
    int64_t max_age = -1;

    src->fetching = true;
    pthread_mutex_unlock(&src->lock);
    jwg_err rc = fetch(src, &ks, &max_age, detail, sizeof(detail));
    pthread_mutex_lock(&src->lock);

    install(src, now, rc, ks, max_age, detail);
    src->fetching = false;
    pthread_cond_broadcast(&src->changed);
    return rc;
}

static bool usable(const jwg_jwks_source *src, int64_t now)
{
    return src->current != NULL && now < src->stale_until;
}

static jwg_err hand_out(jwg_jwks_source *src, int64_t now, jwg_keyset **out, char *detail,
                        size_t detail_len)
{
    if (!usable(src, now)) {
        jwg_detail_set(detail, detail_len, "%s", src->last_detail);
        return JWG_ERR_KEY_SOURCE_UNAVAILABLE;
    }
    *out = jwg_keyset_ref(src->current);
    return JWG_OK;
}

jwg_err jwg_jwks_source_keys(jwg_jwks_source *src, int64_t now, jwg_keyset **out, char *detail,
                             size_t detail_len)
{
    jwg_detail_set(detail, detail_len, "%s", "");
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    JWG_ENSURE(src != NULL, JWG_ERR_INVALID_ARGUMENT);

    pthread_mutex_lock(&src->lock);
    /* A stale set answers at once while another caller fetches; without one, wait. */
    while (src->fetching && !usable(src, now))
        pthread_cond_wait(&src->changed, &src->lock);

    bool fresh = src->current != NULL && now < src->expires_at;
    if (!fresh && !src->fetching && now >= src->retry_at)
        (void)run_fetch(src, now);
    jwg_err rc = hand_out(src, now, out, detail, detail_len);
    pthread_mutex_unlock(&src->lock);
    return rc;
}

jwg_err jwg_jwks_source_refetch(jwg_jwks_source *src, int64_t now, char *detail, size_t detail_len)
{
    jwg_detail_set(detail, detail_len, "%s", "");
    JWG_ENSURE(src != NULL, JWG_ERR_INVALID_ARGUMENT);

    pthread_mutex_lock(&src->lock);
    jwg_err rc = JWG_OK;
    if (src->fetching) {
        while (src->fetching)
            pthread_cond_wait(&src->changed, &src->lock);
        rc = src->last_rc;
    } else if (now >= src->refetch_next) {
        src->refetch_next = add_seconds(now, src->opt.refetch_interval_s);
        rc = run_fetch(src, now);
    }
    if (rc != JWG_OK) {
        jwg_detail_set(detail, detail_len, "%s", src->last_detail);
        rc = JWG_ERR_KEY_SOURCE_UNAVAILABLE;
    }
    pthread_mutex_unlock(&src->lock);
    return rc;
}

/* ---- background refresher ------------------------------------------------- */

static int64_t next_due(const jwg_jwks_source *src)
{
    if (src->current == NULL)
        return src->retry_at;
    return src->refresh_at > src->retry_at ? src->refresh_at : src->retry_at;
}

static void *refresher(void *arg)
{
    jwg_jwks_source *src = arg;

    pthread_mutex_lock(&src->lock);
    while (!src->stopping) {
        int64_t now = (int64_t)time(NULL);
        int64_t due = next_due(src);
        if (!src->fetching && now >= due) {
            (void)run_fetch(src, now);
            continue;
        }
        /* While another caller fetches, look again when it broadcasts or after a second.
         * NOTE: expiry follows the wall clock, so a clock step moves the refresh; the wait
         * is capped at an hour to bound that. */
        int64_t wake = due > now + 3600 ? now + 3600 : due;
        if (src->fetching)
            wake = now + 1;
        struct timespec ts = {.tv_sec = (time_t)wake, .tv_nsec = 0};
        (void)pthread_cond_timedwait(&src->changed, &src->lock, &ts);
    }
    pthread_mutex_unlock(&src->lock);
    return NULL;
}

jwg_err jwg_jwks_source_start(jwg_jwks_source *src)
{
    JWG_ENSURE(src != NULL, JWG_ERR_INVALID_ARGUMENT);

    pthread_mutex_lock(&src->lock);
    /* A start during a stop would let the stopping thread run on, so both are rejected. */
    jwg_err rc = JWG_ERR_INVALID_ARGUMENT;
    if (!src->started && !src->stopping) {
        rc = pthread_create(&src->thread, NULL, refresher, src) == 0 ? JWG_OK : JWG_ERR_NOMEM;
        src->started = rc == JWG_OK;
    }
    pthread_mutex_unlock(&src->lock);
    return rc;
}

void jwg_jwks_source_stop(jwg_jwks_source *src)
{
    if (src == NULL)
        return;

    pthread_mutex_lock(&src->lock);
    bool started = src->started && !src->stopping;
    if (started) {
        src->stopping = true;
        pthread_cond_broadcast(&src->changed);
    }
    pthread_mutex_unlock(&src->lock);
    if (!started)
        return;

    atomic_store(&src->abort, true);
    pthread_join(src->thread, NULL);
    atomic_store(&src->abort, false);

    pthread_mutex_lock(&src->lock);
    src->started = false;
    src->stopping = false;
    pthread_mutex_unlock(&src->lock);
}
