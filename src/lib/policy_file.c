/*
 * policy_file.c: loading a policy file, its accessors, and the routing
 * verifier built from it (one verifier per issuer, see route.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_file_internal.h"

/* Reads at most JWG_POLICY_FILE_MAX bytes; a longer file is rejected rather than cut. */
static jwg_err read_policy(const char *path, char **out, size_t *out_len, char *detail, size_t dlen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        jwg_detail_set(detail, dlen, "%s: cannot open: %s", path, strerror(errno));
        return JWG_ERR_POLICY_INVALID;
    }

    jwg_err rc = JWG_OK;
    char *buf = malloc(JWG_POLICY_FILE_MAX + 1);
    size_t len = buf != NULL ? fread(buf, 1, JWG_POLICY_FILE_MAX + 1, f) : 0;
    if (buf == NULL) {
        rc = JWG_ERR_NOMEM;
    } else if (ferror(f)) {
        jwg_detail_set(detail, dlen, "%s: cannot read: %s", path, strerror(errno));
        rc = JWG_ERR_POLICY_INVALID;
    } else if (len > JWG_POLICY_FILE_MAX) {
        jwg_detail_set(detail, dlen, "%s: the file is larger than %u bytes", path, JWG_POLICY_FILE_MAX);
        rc = JWG_ERR_POLICY_INVALID;
    }
    fclose(f);

    if (rc != JWG_OK) {
        free(buf);
        return rc;
    }
    *out = buf;
    *out_len = len;
    return JWG_OK;
}

/*
 * Checks a URL source's URL and options by making its source, which fetches
 * nothing: the keys are fetched when the first token needs them.
 */
static jwg_err check_url_source(const jwg_key_source *src, const char *where, char *detail, size_t dlen)
{
    jwg_jwks_source *js = NULL;
    char why[JWG_DETAIL_MAX];

    jwg_err rc = jwg_jwks_source_new(&js, &src->jwks, why, sizeof(why));
    jwg_jwks_source_free(js);
    if (rc == JWG_ERR_INVALID_ARGUMENT) {
        jwg_detail_set(detail, dlen, "%s: %s", where, why);
        return JWG_ERR_POLICY_INVALID;
    }
    return rc;
}

static jwg_err load_issuer_keys(const jwg_policy_file *pf, jwg_pf_issuer *iss, char *detail, size_t dlen)
{
    JWG_TRY(jwg_keyset_new(&iss->keys));

    for (size_t i = 0; i < iss->source_count; i++) {
        const jwg_key_source *src = &iss->sources[i];
        char where[512];
        snprintf(where, sizeof(where), "%s:%zu:%zu: keys", pf->path, src->line, src->column);
        if (jwg_key_source_is_url(src))
            JWG_TRY(check_url_source(src, where, detail, dlen));
        else
            JWG_TRY(jwg_key_source_load(src, iss->keys, where, detail, dlen));
    }
    return JWG_OK;
}

jwg_err jwg_policy_file_load_keys(jwg_policy_file *pf, char *detail, size_t detail_len)
{
    for (size_t i = 0; i < pf->issuer_count; i++)
        JWG_TRY(load_issuer_keys(pf, &pf->issuers[i], detail, detail_len));
    return JWG_OK;
}

jwg_err jwg_policy_load_file(const char *path, jwg_policy_file **out, char *detail, size_t detail_len)
{
    jwg_detail_set(detail, detail_len, "%s", "");
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    JWG_ENSURE(path != NULL, JWG_ERR_INVALID_ARGUMENT);

    char *buf;
    size_t len;
    JWG_TRY(read_policy(path, &buf, &len, detail, detail_len));

    jwg_policy_file *pf = NULL;
    jwg_err rc = jwg_policy_file_parse(buf, len, path, &pf, detail, detail_len);
    free(buf);
    if (rc == JWG_OK)
        rc = jwg_policy_file_load_keys(pf, detail, detail_len);
    if (rc != JWG_OK) {
        jwg_policy_file_free(pf);
        return rc;
    }
    *out = pf;
    return JWG_OK;
}

static void route_clear(jwg_pf_route *rt)
{
    free(rt->method);
    free(rt->path_prefix);
    jwg_str_list_clear(&rt->scope_any);
    jwg_str_list_clear(&rt->scope_all);
    jwg_str_list_clear(&rt->required);
}

static void issuer_clear(jwg_pf_issuer *iss)
{
    free(iss->name);
    jwg_policy_free(iss->policy);
    for (size_t i = 0; i < iss->source_count; i++)
        jwg_key_source_clear(&iss->sources[i]);
    free(iss->sources);
    jwg_keyset_free(iss->keys);
}

void jwg_policy_file_free(jwg_policy_file *pf)
{
    if (pf == NULL)
        return;

    for (size_t i = 0; i < pf->issuer_count; i++)
        issuer_clear(&pf->issuers[i]);
    free(pf->issuers);
    for (size_t i = 0; i < pf->route_count; i++)
        route_clear(&pf->routes[i]);
    free(pf->routes);
    for (size_t i = 0; i < pf->header_count; i++) {
        free(pf->headers[i].claim);
        free(pf->headers[i].header);
    }
    free(pf->headers);
    free(pf->gateway.realm);
    free(pf->gateway.client_address_header);
    free(pf->gateway.region_header);
    free(pf->gateway.service_header);
    free(pf->gateway.shared_secret_header);
    free(pf->gateway.redis_prefix);
    free(pf->token_name);
    free(pf->environment);
    free(pf->service);
    free(pf->path);
    free(pf->dir);
    free(pf);
}

/* ---- accessors --------------------------------------------------------- */

const char *jwg_policy_file_environment(const jwg_policy_file *pf)
{
    return pf != NULL ? pf->environment : NULL;
}

const char *jwg_policy_file_service(const jwg_policy_file *pf)
{
    return pf != NULL ? pf->service : NULL;
}

size_t jwg_policy_file_issuer_count(const jwg_policy_file *pf)
{
    return pf != NULL ? pf->issuer_count : 0;
}

const char *jwg_policy_file_issuer(const jwg_policy_file *pf, size_t index)
{
    return pf != NULL && index < pf->issuer_count ? pf->issuers[index].name : NULL;
}

size_t jwg_policy_file_max_token_bytes(const jwg_policy_file *pf)
{
    return pf != NULL ? pf->max_token_bytes : 0;
}

jwg_token_from jwg_policy_file_token_from(const jwg_policy_file *pf, const char **name)
{
    if (name != NULL)
        *name = pf != NULL ? pf->token_name : NULL;
    return pf != NULL ? pf->token_from : JWG_TOKEN_FROM_BEARER;
}

size_t jwg_policy_file_route_count(const jwg_policy_file *pf)
{
    return pf != NULL ? pf->route_count : 0;
}

jwg_err jwg_policy_file_route(const jwg_policy_file *pf, size_t index, const char **method,
                              const char **path_prefix)
{
    JWG_ENSURE(method != NULL && path_prefix != NULL, JWG_ERR_INVALID_ARGUMENT);
    *method = NULL;
    *path_prefix = NULL;
    JWG_ENSURE(pf != NULL && index < pf->route_count, JWG_ERR_INVALID_ARGUMENT);

    *method = pf->routes[index].method;
    *path_prefix = pf->routes[index].path_prefix;
    return JWG_OK;
}

size_t jwg_policy_file_identity_header_count(const jwg_policy_file *pf)
{
    return pf != NULL ? pf->header_count : 0;
}

jwg_err jwg_policy_file_identity_header(const jwg_policy_file *pf, size_t index, const char **claim,
                                        const char **header)
{
    JWG_ENSURE(claim != NULL && header != NULL, JWG_ERR_INVALID_ARGUMENT);
    *claim = NULL;
    *header = NULL;
    JWG_ENSURE(pf != NULL && index < pf->header_count, JWG_ERR_INVALID_ARGUMENT);

    *claim = pf->headers[index].claim;
    *header = pf->headers[index].header;
    return JWG_OK;
}

/* ---- the routing verifier ---------------------------------------------- */

static bool has_url_source(const jwg_pf_issuer *iss)
{
    for (size_t i = 0; i < iss->source_count; i++) {
        if (jwg_key_source_is_url(&iss->sources[i]))
            return true;
    }
    return false;
}

/*
 * The verifier of an issuer with a URL source holds the issuer's policy
 * (route.c reads its issuer) and live keys, and no key set of its own:
 * jwg_live_verify() checks each token with the verifier of the current set.
 */
static jwg_err live_route(jwg_verifier **out, const jwg_policy_file *pf, const jwg_pf_issuer *iss,
                          char *detail, size_t dlen)
{
    jwg_verifier *v = calloc(1, sizeof(*v));
    JWG_ENSURE(v != NULL, JWG_ERR_NOMEM);
    *out = v;
    JWG_TRY(jwg_policy_copy(&v->policy, iss->policy));
    return jwg_live_keys_new(&v->live, pf, iss, &v->policy, detail, dlen);
}

static jwg_err build_routes(jwg_verifier *v, const jwg_policy_file *pf, char *detail, size_t dlen)
{
    for (size_t i = 0; i < pf->issuer_count; i++) {
        const jwg_pf_issuer *iss = &pf->issuers[i];
        char sub_detail[JWG_DETAIL_MAX];

        jwg_err rc = has_url_source(iss)
                         ? live_route(&v->routes[i], pf, iss, sub_detail, sizeof(sub_detail))
                         : jwg_verifier_new(&v->routes[i], iss->policy, iss->keys, sub_detail, sizeof(sub_detail));
        if (rc != JWG_OK && v->routes[i] != NULL) {
            jwg_verifier_free(v->routes[i]);
            v->routes[i] = NULL;
        }
        if (rc != JWG_OK) {
            jwg_detail_set(detail, dlen, "%s:%zu:%zu: issuer %s: %s", pf->path, iss->line, iss->column,
                           iss->name, sub_detail);
            return rc;
        }
        v->route_count++;
    }
    return JWG_OK;
}

jwg_err jwg_verifier_new_from_file(jwg_verifier **out, const jwg_policy_file *pf, char *detail,
                                   size_t detail_len)
{
    jwg_detail_set(detail, detail_len, "%s", "");
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    JWG_ENSURE(pf != NULL && pf->issuer_count > 0, JWG_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < pf->issuer_count; i++)
        JWG_ENSURE(pf->issuers[i].keys != NULL, JWG_ERR_INVALID_ARGUMENT);

    jwg_verifier *v = calloc(1, sizeof(*v));
    JWG_ENSURE(v != NULL, JWG_ERR_NOMEM);
    v->routes = calloc(pf->issuer_count, sizeof(*v->routes));
    v->policy.max_token_bytes = pf->max_token_bytes;
    jwg_err rc = v->routes != NULL ? build_routes(v, pf, detail, detail_len) : JWG_ERR_NOMEM;
    if (rc != JWG_OK) {
        jwg_verifier_free(v);
        return rc;
    }
    *out = v;
    return JWG_OK;
}
