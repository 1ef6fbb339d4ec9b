/*
 * policy_claims.c: claim rules beyond RFC 7519 4.1: scopes (RFC 8693 4.2
 * "scope", and the "scp" array some issuers send) and exact claim values.
 */
#include <stdlib.h>
#include <string.h>

#include "verify_internal.h"

/* Maximum number of scope rules or claim values in one policy, so that each check stays bounded. */
#define JWG_MAX_CLAIM_RULES 64u

/* The scope claims of one token: the value nodes of "scope" and "scp", 0 when absent. */
typedef struct scope_claims {
    const jwg_json_doc *doc;
    size_t node[2];
    const char *name[2];
    char *unescaped[2]; /* a "scope" string with escapes, unescaped once; NULL otherwise */
    size_t unescaped_len[2];
} scope_claims;

static jwg_err add_scope(jwg_policy *p, jwg_str_list *list, const char *scope)
{
    JWG_ENSURE(p != NULL && scope != NULL, JWG_ERR_INVALID_ARGUMENT);

    size_t len = strlen(scope);
    JWG_ENSURE(len > 0 && memchr(scope, ' ', len) == NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(p->scope_any.count + p->scope_all.count < JWG_MAX_CLAIM_RULES, JWG_ERR_INVALID_ARGUMENT);
    return jwg_str_list_add(list, scope, len);
}

jwg_err jwg_policy_require_scope_any(jwg_policy *p, const char *scope)
{
    JWG_ENSURE(p != NULL, JWG_ERR_INVALID_ARGUMENT);
    return add_scope(p, &p->scope_any, scope);
}

jwg_err jwg_policy_require_scope_all(jwg_policy *p, const char *scope)
{
    JWG_ENSURE(p != NULL, JWG_ERR_INVALID_ARGUMENT);
    return add_scope(p, &p->scope_all, scope);
}

/* Parses the expected value of a claim rule: one JSON string, integer or boolean. */
static jwg_err parse_expected(const char *json, size_t len, jwg_claim_equals *eq)
{
    jwg_json_node nodes[2];
    jwg_json_doc doc;

    JWG_ENSURE(jwg_json_parse((const uint8_t *)json, len, nodes, JWG_ARRAY_LEN(nodes), 1, &doc) == JWG_OK,
               JWG_ERR_INVALID_ARGUMENT);

    eq->type = nodes[0].type;
    switch (eq->type) {
    case JWG_JSON_TRUE:
    case JWG_JSON_FALSE:
        return JWG_OK;
    case JWG_JSON_NUMBER:
        JWG_ENSURE(jwg_json_int64(&doc, 0, &eq->integer) == JWG_OK, JWG_ERR_INVALID_ARGUMENT);
        return JWG_OK;
    case JWG_JSON_STRING: {
        char *text = malloc((size_t)nodes[0].len + 1);
        JWG_ENSURE(text != NULL, JWG_ERR_NOMEM);
        size_t text_len;
        jwg_err rc = jwg_json_string_copy(&doc, 0, text, (size_t)nodes[0].len + 1, &text_len);
        if (rc == JWG_OK)
            rc = jwg_str_set(&eq->text, text, text_len);
        free(text);
        return rc;
    }
    default:
        return JWG_ERR_INVALID_ARGUMENT;
    }
}

jwg_err jwg_policy_require_claim_equals(jwg_policy *p, const char *name, const char *json,
                                        size_t json_len)
{
    JWG_ENSURE(p != NULL && name != NULL && name[0] != '\0' && json != NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(p->equals_count < JWG_MAX_CLAIM_RULES, JWG_ERR_INVALID_ARGUMENT);

    jwg_claim_equals eq;
    memset(&eq, 0, sizeof(eq));
    jwg_err rc = parse_expected(json, json_len, &eq);
    if (rc == JWG_OK)
        rc = jwg_str_set(&eq.name, name, strlen(name));

    jwg_claim_equals *grown = NULL;
    if (rc == JWG_OK) {
        grown = realloc(p->equals, (p->equals_count + 1) * sizeof(*grown));
        rc = grown != NULL ? JWG_OK : JWG_ERR_NOMEM;
    }
    if (rc != JWG_OK) {
        free(eq.name.s);
        free(eq.text.s);
        return rc;
    }

    p->equals = grown;
    p->equals[p->equals_count++] = eq;
    return JWG_OK;
}

void jwg_claim_rules_clear(struct jwg_policy *p)
{
    jwg_str_list_clear(&p->scope_any);
    jwg_str_list_clear(&p->scope_all);
    for (size_t i = 0; i < p->equals_count; i++) {
        free(p->equals[i].name.s);
        free(p->equals[i].text.s);
    }
    free(p->equals);
    p->equals = NULL;
    p->equals_count = 0;
}

static jwg_err equals_copy(jwg_claim_equals *dst, const jwg_claim_equals *src)
{
    *dst = *src;
    dst->name.s = NULL;
    dst->text.s = NULL;
    JWG_TRY(jwg_str_set(&dst->name, src->name.s, src->name.len));
    if (src->text.s != NULL)
        JWG_TRY(jwg_str_set(&dst->text, src->text.s, src->text.len));
    return JWG_OK;
}

jwg_err jwg_claim_rules_copy(struct jwg_policy *dst, const struct jwg_policy *src)
{
    for (size_t i = 0; i < src->scope_any.count; i++)
        JWG_TRY(jwg_str_list_add(&dst->scope_any, src->scope_any.items[i].s, src->scope_any.items[i].len));
    for (size_t i = 0; i < src->scope_all.count; i++)
        JWG_TRY(jwg_str_list_add(&dst->scope_all, src->scope_all.items[i].s, src->scope_all.items[i].len));
    if (src->equals_count == 0)
        return JWG_OK;

    dst->equals = calloc(src->equals_count, sizeof(*dst->equals));
    JWG_ENSURE(dst->equals != NULL, JWG_ERR_NOMEM);
    for (size_t i = 0; i < src->equals_count; i++) {
        /* Counted first, so that jwg_claim_rules_clear() frees a half-copied entry. */
        dst->equals_count++;
        JWG_TRY(equals_copy(&dst->equals[i], &src->equals[i]));
    }
    return JWG_OK;
}

/* ---- checks ------------------------------------------------------------ */

static jwg_err rule_fail(char *detail, size_t len, jwg_err err, const char *name, const char *what)
{
    jwg_detail_set(detail, len, "claim \"%s\" %s", name, what);
    return err;
}

/* Returns 1 when the space-separated list `s` (length `n`) contains `want` as one whole value. */
static int list_contains(const char *s, size_t n, const jwg_str *want)
{
    size_t i = 0;
    while (i < n) {
        size_t start = i;
        while (i < n && s[i] != ' ')
            i++;
        if (i - start == want->len && memcmp(s + start, want->s, want->len) == 0)
            return 1;
        i++;
    }
    return 0;
}

/* Returns 1 when any of the token's scope claims contains `want`. */
static int has_scope(const scope_claims *sc, const jwg_str *want)
{
    const jwg_json_doc *doc = sc->doc;

    for (size_t k = 0; k < 2; k++) {
        size_t idx = sc->node[k];
        if (idx == 0)
            continue;

        const jwg_json_node *node = &doc->nodes[idx];
        if (node->type == JWG_JSON_STRING) {
            const char *s = sc->unescaped[k] != NULL ? sc->unescaped[k] : (const char *)doc->src + node->start;
            size_t n = sc->unescaped[k] != NULL ? sc->unescaped_len[k] : node->len;
            if (list_contains(s, n, want))
                return 1;
            continue;
        }
        for (size_t i = idx + 1; i < node->next; i = doc->nodes[i].next) {
            if (jwg_json_string_equals(doc, i, want->s, want->len))
                return 1;
        }
    }
    return 0;
}

/* Checks that a scope claim is a string or an array of strings, and unescapes a string with escapes. */
static jwg_err scope_claim_load(scope_claims *sc, size_t k, char *detail, size_t dlen)
{
    const jwg_json_doc *doc = sc->doc;
    size_t idx = sc->node[k];
    const jwg_json_node *node = &doc->nodes[idx];

    if (node->type == JWG_JSON_ARRAY) {
        for (size_t i = idx + 1; i < node->next; i = doc->nodes[i].next) {
            if (doc->nodes[i].type != JWG_JSON_STRING)
                return rule_fail(detail, dlen, JWG_ERR_CLAIM_TYPE, sc->name[k],
                                 "is an array with a value that is not a string");
        }
        return JWG_OK;
    }
    if (node->type != JWG_JSON_STRING)
        return rule_fail(detail, dlen, JWG_ERR_CLAIM_TYPE, sc->name[k],
                         "is neither a string nor an array of strings");
    if ((node->flags & JWG_JSON_HAS_ESCAPE) == 0)
        return JWG_OK;

    sc->unescaped[k] = malloc((size_t)node->len + 1);
    JWG_ENSURE(sc->unescaped[k] != NULL, JWG_ERR_NOMEM);
    return jwg_json_string_copy(doc, idx, sc->unescaped[k], (size_t)node->len + 1, &sc->unescaped_len[k]);
}

static jwg_err scope_match(const struct jwg_policy *p, const scope_claims *sc, char *detail, size_t dlen)
{
    for (size_t i = 0; i < p->scope_all.count; i++) {
        if (!has_scope(sc, &p->scope_all.items[i])) {
            jwg_detail_set(detail, dlen, "token scopes lack \"%s\", which the policy requires",
                           p->scope_all.items[i].s);
            return JWG_ERR_SCOPE;
        }
    }

    if (p->scope_any.count == 0)
        return JWG_OK;
    for (size_t i = 0; i < p->scope_any.count; i++) {
        if (has_scope(sc, &p->scope_any.items[i]))
            return JWG_OK;
    }
    jwg_detail_set(detail, dlen, "token scopes include none of the %zu scopes the policy accepts",
                   p->scope_any.count);
    return JWG_ERR_SCOPE;
}

static jwg_err check_scopes(const struct jwg_policy *p, const jwg_json_doc *doc, char *detail, size_t dlen)
{
    scope_claims sc = {.doc = doc, .name = {"scope", "scp"}};
    jwg_err rc = JWG_OK;

    sc.node[0] = jwg_json_find(doc, 0, "scope");
    sc.node[1] = jwg_json_find(doc, 0, "scp");
    if (sc.node[0] == 0 && sc.node[1] == 0)
        return rule_fail(detail, dlen, JWG_ERR_CLAIM_MISSING, "scope",
                         "(or \"scp\") is required by the policy's scope rules but missing");

    for (size_t k = 0; k < 2; k++) {
        if (sc.node[k] != 0)
            JWG_TRY_GOTO(scope_claim_load(&sc, k, detail, dlen), rc, out);
    }
    rc = scope_match(p, &sc, detail, dlen);

out:
    free(sc.unescaped[0]);
    free(sc.unescaped[1]);
    return rc;
}

/* Returns true when value node `idx` has the JSON type of the rule's expected value. */
static bool same_type(const jwg_claim_equals *eq, uint8_t type)
{
    return type == eq->type || (eq->type == JWG_JSON_TRUE && type == JWG_JSON_FALSE) ||
           (eq->type == JWG_JSON_FALSE && type == JWG_JSON_TRUE);
}

static jwg_err check_equals_one(const jwg_claim_equals *eq, const jwg_json_doc *doc, char *detail,
                                size_t dlen)
{
    size_t idx = jwg_json_find(doc, 0, eq->name.s);
    if (idx == 0)
        return rule_fail(detail, dlen, JWG_ERR_CLAIM_MISSING, eq->name.s, "is required by the policy but missing");

    uint8_t type = doc->nodes[idx].type;
    if (!same_type(eq, type))
        return rule_fail(detail, dlen, JWG_ERR_CLAIM_TYPE, eq->name.s,
                         "has another JSON type than the value the policy requires");

    bool equal;
    int64_t value;
    if (eq->type == JWG_JSON_STRING)
        equal = jwg_json_string_equals(doc, idx, eq->text.s, eq->text.len) != 0;
    else if (eq->type == JWG_JSON_NUMBER)
        equal = jwg_json_int64(doc, idx, &value) == JWG_OK && value == eq->integer;
    else
        equal = type == eq->type;

    if (!equal)
        return rule_fail(detail, dlen, JWG_ERR_CLAIM_VALUE, eq->name.s, "does not have the value the policy requires");
    return JWG_OK;
}

jwg_err jwg_claim_rules_check(const struct jwg_policy *p, const jwg_json_doc *doc, char *detail,
                              size_t detail_len)
{
    if (p->scope_any.count > 0 || p->scope_all.count > 0)
        JWG_TRY(check_scopes(p, doc, detail, detail_len));

    for (size_t i = 0; i < p->equals_count; i++)
        JWG_TRY(check_equals_one(&p->equals[i], doc, detail, detail_len));
    return JWG_OK;
}
