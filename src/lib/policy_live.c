/*
 * policy_live.c: the keys of a policy file issuer with a jwks_url or
 * oidc_issuer source, as one verifier uses them from many threads.
 *
 * The verifier stays immutable: each key set the source hands out gets an
 * inner verifier, built once and shared by reference. The current one is
 * swapped under a lock when the source hands out a new set pointer. A
 * verification in progress holds its own reference, so the old one is freed
 * when the last reference is dropped.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keys_internal.h"
#include "policy_file_internal.h"

typedef struct live_inner {
    atomic_size_t refs;
    const jwg_keyset *handed; /* the source's set it was built for, compared by pointer */
    jwg_keyset *held;         /* the reference to `handed` that keeps its address from being reused */
    jwg_verifier *verifier;
} live_inner;

struct jwg_live_keys {
    jwg_jwks_source *source;
    jwg_keyset *file_keys; /* the issuer's other (public) keys, or NULL */
    const jwg_policy *policy;
    char where[256]; /* "FILE:LINE:COLUMN" of the URL source, for details */
    pthread_mutex_t lock;
    live_inner *current;
};

static void inner_release(live_inner *in)
{
    if (in == NULL || atomic_fetch_sub(&in->refs, 1) != 1)
        return;
    jwg_verifier_free(in->verifier);
    jwg_keyset_free(in->held);
    free(in);
}

/* Copies the public keys of `from` into `to` through their JWK set, the one form every key type exports. */
static jwg_err add_public(jwg_keyset *to, const jwg_keyset *from)
{
    char *json = NULL;
    size_t len = 0;

    JWG_TRY(jwg_keyset_export_public_jwks(from, &json, &len));
    jwg_err rc = jwg_keyset_add_jwks(to, json, len);
    free(json);
    return rc;
}

/* The set to verify with: the fetched set, plus the file keys when the issuer has any. */
static jwg_err merged_set(const jwg_live_keys *lk, jwg_keyset *fetched, jwg_keyset **out)
{
    if (lk->file_keys == NULL) {
        *out = jwg_keyset_ref(fetched);
        return JWG_OK;
    }

    JWG_TRY(jwg_keyset_new(out));
    jwg_err rc = add_public(*out, lk->file_keys);
    if (rc == JWG_OK)
        rc = add_public(*out, fetched);
    if (rc != JWG_OK) {
        jwg_keyset_free(*out);
        *out = NULL;
    }
    return rc;
}

/*
 * Builds the verifier of one fetched set. A rotated set may drop some of
 * the policy's algorithms, so the verifier is built for the algorithms the
 * set admits and then allows all of the policy's again. A token with an
 * algorithm the set has no key for is then JWG_ERR_KEY_NOT_FOUND, which
 * triggers the refetch, not an algorithm error.
 */
static jwg_err set_verifier(const jwg_live_keys *lk, const jwg_keyset *ks, jwg_verifier **out, char *detail,
                            size_t dlen)
{
    uint32_t admitted = 0;
    for (size_t i = 0; i < ks->count; i++) {
        if (jwg_key_can_verify(ks->keys[i]))
            admitted |= jwg_key_algs(ks->keys[i]);
    }

    struct jwg_policy narrow;
    memset(&narrow, 0, sizeof(narrow));
    JWG_TRY(jwg_policy_copy(&narrow, lk->policy));
    narrow.algs &= admitted;
    jwg_err rc = JWG_ERR_NO_KEYS;
    if (narrow.algs != 0 || lk->policy->algs == 0)
        rc = jwg_verifier_new(out, &narrow, ks, detail, dlen);
    else
        jwg_detail_set(detail, dlen, "%s", "no key is for an algorithm the issuer allows");
    jwg_policy_clear(&narrow);
    if (rc == JWG_OK && lk->policy->algs != 0)
        (*out)->allowed = lk->policy->algs;
    return rc;
}

static jwg_err inner_new(const jwg_live_keys *lk, jwg_keyset *fetched, live_inner **out, char *detail,
                         size_t dlen)
{
    live_inner *in = calloc(1, sizeof(*in));
    JWG_ENSURE(in != NULL, JWG_ERR_NOMEM);
    atomic_init(&in->refs, 1);
    in->handed = fetched;
    in->held = fetched;

    jwg_keyset *ks = NULL;
    char why[JWG_DETAIL_MAX] = "";
    jwg_err rc = merged_set(lk, fetched, &ks);
    if (rc == JWG_OK)
        rc = set_verifier(lk, ks, &in->verifier, why, sizeof(why));
    jwg_keyset_free(ks);
    if (rc != JWG_OK) {
        /* A fetched set that this issuer cannot use (no key for its algorithms, a repeated kid) is no usable set. */
        jwg_detail_set(detail, dlen, "%s: the fetched key set cannot be used: %s", lk->where,
                       why[0] != '\0' ? why : jwg_err_name(rc));
        inner_release(in);
        return rc == JWG_ERR_NOMEM ? rc : JWG_ERR_KEY_SOURCE_UNAVAILABLE;
    }
    *out = in;
    return JWG_OK;
}

/* Takes a reference to the inner verifier of the source's current set, building it on a new set. */
static jwg_err acquire(jwg_live_keys *lk, live_inner **out, char *detail, size_t dlen)
{
    jwg_keyset *fetched = NULL;
    JWG_TRY(jwg_jwks_source_keys(lk->source, (int64_t)time(NULL), &fetched, detail, dlen));

    jwg_err rc = JWG_OK;
    pthread_mutex_lock(&lk->lock);
    if (lk->current == NULL || lk->current->handed != fetched) {
        live_inner *fresh = NULL;
        rc = inner_new(lk, fetched, &fresh, detail, dlen);
        fetched = NULL; /* the inner verifier owns the reference, or freed it */
        if (rc == JWG_OK) {
            inner_release(lk->current);
            lk->current = fresh;
        }
    }
    if (rc == JWG_OK) {
        atomic_fetch_add(&lk->current->refs, 1);
        *out = lk->current;
    }
    pthread_mutex_unlock(&lk->lock);
    jwg_keyset_free(fetched);
    return rc;
}

static jwg_err verify_once(jwg_live_keys *lk, const char *token, size_t len, int64_t now, jwg_result **out,
                           char *detail, size_t dlen)
{
    live_inner *in = NULL;
    JWG_TRY(acquire(lk, &in, detail, dlen));
    jwg_err rc = jwg_verify_at(in->verifier, token, len, now, out);
    inner_release(in);
    return rc;
}

jwg_err jwg_live_verify(jwg_live_keys *lk, const char *token, size_t len, int64_t now, jwg_result **out,
                        char *detail, size_t detail_len)
{
    *out = NULL;
    jwg_err rc = verify_once(lk, token, len, now, out, detail, detail_len);
    if (rc != JWG_ERR_KEY_NOT_FOUND)
        return rc;

    /*
     * The issuer may have rotated to a key this set lacks: fetch once more
     * (the source rate-limits and coalesces this). If that fetch fails, the
     * token cannot be judged, which is the source's fault, not the token's.
     */
    jwg_err again = jwg_jwks_source_refetch(lk->source, (int64_t)time(NULL), detail, detail_len);
    if (again != JWG_OK) {
        jwg_result_free(*out);
        *out = NULL;
        return again;
    }
    jwg_result_free(*out);
    *out = NULL;
    return verify_once(lk, token, len, now, out, detail, detail_len);
}

static const jwg_key_source *url_source(const jwg_pf_issuer *iss)
{
    for (size_t i = 0; i < iss->source_count; i++) {
        if (jwg_key_source_is_url(&iss->sources[i]))
            return &iss->sources[i];
    }
    return NULL;
}

jwg_err jwg_live_keys_new(jwg_live_keys **out, const jwg_policy_file *pf, const jwg_pf_issuer *iss,
                          const jwg_policy *policy, char *detail, size_t detail_len)
{
    const jwg_key_source *src = url_source(iss);
    JWG_ENSURE(src != NULL && iss->keys != NULL, JWG_ERR_INVALID_ARGUMENT);

    jwg_live_keys *lk = calloc(1, sizeof(*lk));
    JWG_ENSURE(lk != NULL, JWG_ERR_NOMEM);
    pthread_mutex_init(&lk->lock, NULL);
    lk->policy = policy;
    snprintf(lk->where, sizeof(lk->where), "%s:%zu:%zu", pf->path, src->line, src->column);
    if (jwg_keyset_count(iss->keys) > 0)
        lk->file_keys = jwg_keyset_ref(iss->keys);
    *out = lk;

    char why[JWG_DETAIL_MAX];
    jwg_err rc = jwg_jwks_source_new(&lk->source, &src->jwks, why, sizeof(why));
    if (rc != JWG_OK)
        jwg_detail_set(detail, detail_len, "%s: keys: %s", lk->where, why);
    return rc;
}

jwg_err jwg_verifier_start_refresh(jwg_verifier *v)
{
    JWG_ENSURE(v != NULL, JWG_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < v->route_count; i++) {
        if (v->routes[i]->live != NULL)
            JWG_TRY(jwg_jwks_source_start(v->routes[i]->live->source));
    }
    return JWG_OK;
}

jwg_err jwg_verifier_keys_ready(const jwg_verifier *v, int64_t now, char *detail, size_t detail_len)
{
    JWG_ENSURE(v != NULL, JWG_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < v->route_count; i++) {
        jwg_live_keys *lk = v->routes[i]->live;
        if (lk == NULL)
            continue;

        jwg_keyset *ks = NULL;
        char why[JWG_DETAIL_MAX];
        jwg_err rc = jwg_jwks_source_keys(lk->source, now, &ks, why, sizeof(why));
        jwg_keyset_free(ks);
        if (rc != JWG_OK) {
            jwg_detail_set(detail, detail_len, "%s: keys: %s", lk->where, why);
            return rc;
        }
    }
    return JWG_OK;
}

void jwg_live_keys_free(jwg_live_keys *lk)
{
    if (lk == NULL)
        return;
    jwg_jwks_source_free(lk->source);
    inner_release(lk->current);
    jwg_keyset_free(lk->file_keys);
    pthread_mutex_destroy(&lk->lock);
    free(lk);
}
