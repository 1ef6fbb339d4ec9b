/*
 * gateway.c: what `jwtguard serve` reads from a policy file beyond the
 * verifier: the "gateway" settings, the route of a request and the route's
 * scope and claim rules checked against a verified token.
 */
#include <string.h>

#include "policy_file_internal.h"

void jwg_policy_file_gateway(const jwg_policy_file *pf, jwg_gateway_settings *out)
{
    if (out == NULL)
        return;
    memset(out, 0, sizeof(*out));
    if (pf == NULL)
        return;

    const jwg_pf_gateway *gw = &pf->gateway;
    out->realm = gw->realm != NULL ? gw->realm : pf->service;
    out->client_address_header = gw->client_address_header;
    out->region_header = gw->region_header;
    out->service_header = gw->service_header;
    out->shared_secret_header = gw->shared_secret_header != NULL ? gw->shared_secret_header : "X-Jwtguard-Secret";
    out->cache_max_entries = gw->cache_max_entries;
    out->cache_max_ttl = gw->cache_max_ttl;
    out->unmatched_allow = gw->unmatched_allow ? 1 : 0;
    out->revocation_fail_open = gw->revocation_fail_open ? 1 : 0;
    out->anomaly_max_regions = gw->anomaly_max_regions;
    out->anomaly_max_services = gw->anomaly_max_services;
    out->anomaly_max_networks = gw->anomaly_max_networks;
    out->anomaly_window = gw->anomaly_window;
    out->anomaly_deny = gw->anomaly_deny ? 1 : 0;
    out->redis_prefix = gw->redis_prefix != NULL ? gw->redis_prefix : "jwtguard";
}

/*
 * Returns the length of the match of `prefix` against `path`, or 0 when
 * it does not match. A prefix matches whole path segments only, so
 * "/orders" matches "/orders" and "/orders/7" but not "/ordersx".
 */
static size_t prefix_match(const char *prefix, const char *path, size_t path_len)
{
    size_t n = strlen(prefix);
    if (n > path_len || memcmp(prefix, path, n) != 0)
        return 0;
    if (n == path_len || prefix[n - 1] == '/' || path[n] == '/')
        return n;
    return 0;
}

jwg_err jwg_policy_file_route_find(const jwg_policy_file *pf, const char *method, const char *path,
                                   size_t path_len, size_t *index)
{
    JWG_ENSURE(pf != NULL && method != NULL && path != NULL && index != NULL, JWG_ERR_INVALID_ARGUMENT);

    size_t best_len = 0;
    bool best_exact = false;
    bool found = false;
    for (size_t i = 0; i < pf->route_count; i++) {
        const jwg_pf_route *rt = &pf->routes[i];
        bool exact = strcmp(rt->method, method) == 0;
        if (!exact && strcmp(rt->method, "*") != 0)
            continue;

        size_t len = prefix_match(rt->path_prefix, path, path_len);
        if (len == 0)
            continue;
        /* The longest prefix wins; on equal prefixes a named method beats "*". */
        if (!found || len > best_len || (len == best_len && exact && !best_exact)) {
            found = true;
            best_len = len;
            best_exact = exact;
            *index = i;
        }
    }
    return found ? JWG_OK : JWG_ERR_MEMBER_NOT_FOUND;
}

jwg_err jwg_policy_file_route_check(const jwg_policy_file *pf, size_t index, const jwg_result *r,
                                    char *detail, size_t detail_len)
{
    JWG_ENSURE(pf != NULL && r != NULL && index < pf->route_count, JWG_ERR_INVALID_ARGUMENT);
    if (!r->verified || r->error != JWG_OK || !r->part[JWG_PART_CLAIMS].parsed) {
        jwg_detail_set(detail, detail_len, "the token did not verify, so route rules cannot be checked");
        return JWG_ERR_NOT_VERIFIED;
    }

    const jwg_pf_route *rt = &pf->routes[index];
    const jwg_json_doc *doc = &r->part[JWG_PART_CLAIMS].doc;
    for (size_t i = 0; i < rt->required.count; i++) {
        if (jwg_json_find(doc, 0, rt->required.items[i].s) == 0) {
            jwg_detail_set(detail, detail_len, "claim \"%s\" is required by route %s %s but missing",
                           rt->required.items[i].s, rt->method, rt->path_prefix);
            return JWG_ERR_CLAIM_MISSING;
        }
    }

    /* The issuer rule checker takes a policy; only the route's scope lists are set in it. */
    struct jwg_policy rules;
    memset(&rules, 0, sizeof(rules));
    rules.scope_any = rt->scope_any;
    rules.scope_all = rt->scope_all;
    return jwg_claim_rules_check(&rules, doc, detail, detail_len);
}

jwg_err jwg_policy_file_route_scope(const jwg_policy_file *pf, size_t index, int all, size_t i,
                                    const char **scope)
{
    JWG_ENSURE(pf != NULL && scope != NULL && index < pf->route_count, JWG_ERR_INVALID_ARGUMENT);
    const jwg_str_list *list = all ? &pf->routes[index].scope_all : &pf->routes[index].scope_any;
    JWG_ENSURE(i < list->count, JWG_ERR_MEMBER_NOT_FOUND);
    *scope = list->items[i].s;
    return JWG_OK;
}

/* Returns issuer `iss`'s policy from the token's verified "iss", or NULL. */
static const jwg_policy *issuer_policy(const jwg_policy_file *pf, const jwg_result *r)
{
    const jwg_json_doc *doc = &r->part[JWG_PART_CLAIMS].doc;
    size_t idx = jwg_json_find(doc, 0, "iss");
    if (idx == 0)
        return NULL;
    for (size_t i = 0; i < pf->issuer_count; i++) {
        const char *name = pf->issuers[i].name;
        if (jwg_json_string_equals(doc, idx, name, strlen(name)))
            return pf->issuers[i].policy;
    }
    return NULL;
}

int64_t jwg_policy_file_valid_until(const jwg_policy_file *pf, const jwg_result *r)
{
    if (pf == NULL || r == NULL || !r->verified || r->error != JWG_OK || !r->part[JWG_PART_CLAIMS].parsed)
        return INT64_MIN;

    const jwg_json_doc *doc = &r->part[JWG_PART_CLAIMS].doc;
    int64_t until = INT64_MAX;
    int64_t exp;
    size_t idx = jwg_json_find(doc, 0, "exp");
    if (idx != 0 && jwg_json_int64(doc, idx, &exp) == JWG_OK)
        until = exp;

    /* max_age makes "iat" required, so a verified token has it whenever max_age is set. */
    const jwg_policy *p = issuer_policy(pf, r);
    int64_t iat;
    idx = jwg_json_find(doc, 0, "iat");
    if (p != NULL && p->max_age > 0 && idx != 0 && jwg_json_int64(doc, idx, &iat) == JWG_OK &&
        iat <= INT64_MAX - p->max_age && iat + p->max_age < until)
        until = iat + p->max_age;
    return until;
}
