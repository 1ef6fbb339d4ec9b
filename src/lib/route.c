/*
 * route.c: picks the issuer of a token checked against a policy file.
 *
 * The token's "iss" is read before the signature is checked, so it is
 * attacker-chosen; it only selects which issuer's verifier runs. That
 * verifier holds only its own issuer's keys and requires "iss" to equal its
 * issuer, so a token that names issuer B is checked with B's keys alone.
 */
#include <stdlib.h>
#include <string.h>

#include "verify_internal.h"

/* The decoded claims of a token being routed, in heap buffers sized from the token. */
typedef struct route_claims {
    uint8_t *text;
    jwg_json_node *nodes;
    jwg_json_doc doc;
} route_claims;

static jwg_err route_fail(char *detail, size_t len, jwg_err err, const char *what)
{
    jwg_detail_set(detail, len, "%s", what);
    return err;
}

/* Finds the payload segment of a compact JWS (RFC 7515 7.1): between the first and second dot. */
static jwg_err payload_segment(const char *token, size_t len, const char **seg, size_t *seg_len)
{
    const char *dot1 = memchr(token, '.', len);
    if (dot1 == NULL || dot1 == token)
        return JWG_ERR_TOKEN_SEGMENTS;

    const char *rest = dot1 + 1;
    const char *end = token + len;
    const char *dot2 = memchr(rest, '.', (size_t)(end - rest));
    if (dot2 == NULL || dot2 == rest || memchr(dot2 + 1, '.', (size_t)(end - dot2 - 1)) != NULL)
        return JWG_ERR_TOKEN_SEGMENTS;

    *seg = rest;
    *seg_len = (size_t)(dot2 - rest);
    return JWG_OK;
}

static jwg_err claims_parse(const char *seg, size_t seg_len, route_claims *rc, char *detail, size_t dlen)
{
    size_t cap = seg_len / 4 * 3 + 2;
    size_t text_len;
    size_t nodes_cap = jwg_json_nodes_max(cap);

    rc->text = malloc(cap);
    rc->nodes = calloc(nodes_cap, sizeof(*rc->nodes));
    JWG_ENSURE(rc->text != NULL && rc->nodes != NULL, JWG_ERR_NOMEM);

    if (jwg_b64url_decode(seg, seg_len, rc->text, cap, &text_len) != JWG_OK)
        return route_fail(detail, dlen, JWG_ERR_BASE64URL, "payload is not strict base64url");

    jwg_err err = jwg_json_parse(rc->text, text_len, rc->nodes, nodes_cap, JWG_MAX_JSON_DEPTH, &rc->doc);
    if (err != JWG_OK)
        return route_fail(detail, dlen, err, "claims are not valid JSON");
    if (rc->nodes[0].type != JWG_JSON_OBJECT)
        return route_fail(detail, dlen, JWG_ERR_JSON_NOT_OBJECT, "claims are not a JSON object");
    return JWG_OK;
}

/* Returns the verifier whose issuer equals the string node `idx`, or NULL. */
static const jwg_verifier *issuer_verifier(const jwg_verifier *v, const jwg_json_doc *doc, size_t idx)
{
    for (size_t i = 0; i < v->route_count; i++) {
        const jwg_str *iss = &v->routes[i]->policy.issuers.items[0];
        if (jwg_json_string_equals(doc, idx, iss->s, iss->len))
            return v->routes[i];
    }
    return NULL;
}

jwg_err jwg_route_select(const jwg_verifier *v, const char *token, size_t len,
                         const jwg_verifier **sub, char *detail, size_t detail_len)
{
    route_claims claims;
    const char *seg;
    size_t seg_len;
    jwg_err rc;

    memset(&claims, 0, sizeof(claims));
    if (len > v->policy.max_token_bytes) {
        jwg_detail_set(detail, detail_len, "token is larger than the maximum size of %zu bytes",
                       v->policy.max_token_bytes);
        return JWG_ERR_TOKEN_TOO_LARGE;
    }
    if (payload_segment(token, len, &seg, &seg_len) != JWG_OK)
        return route_fail(detail, detail_len, JWG_ERR_TOKEN_SEGMENTS,
                          "token is not three non-empty segments separated by dots");

    JWG_TRY_GOTO(claims_parse(seg, seg_len, &claims, detail, detail_len), rc, out);

    size_t idx = jwg_json_find(&claims.doc, 0, "iss");
    if (idx == 0)
        rc = route_fail(detail, detail_len, JWG_ERR_CLAIM_MISSING, "claim \"iss\" is required but missing");
    else if (claims.nodes[idx].type != JWG_JSON_STRING)
        rc = route_fail(detail, detail_len, JWG_ERR_CLAIM_TYPE, "claim \"iss\" is not a string");
    else if ((*sub = issuer_verifier(v, &claims.doc, idx)) == NULL)
        rc = route_fail(detail, detail_len, JWG_ERR_ISSUER,
                        "claim \"iss\" is none of the issuers of the policy file");

out:
    free(claims.text);
    free(claims.nodes);
    return rc;
}
