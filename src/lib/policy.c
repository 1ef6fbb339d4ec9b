/*
 * policy.c: what a valid token is. A policy starts from secure defaults
 * (exp, iss and aud required) and is only ever relaxed by explicit calls.
 */
#include <stdlib.h>
#include <string.h>

#include "verify_internal.h"

#define JWG_CHECK_ALL ((unsigned)(JWG_CHECK_EXP | JWG_CHECK_ISS | JWG_CHECK_AUD))
#define JWG_MAX_LEEWAY 86400
#define JWG_MEDIA_PREFIX "application/"
#define JWG_MEDIA_PREFIX_LEN (sizeof(JWG_MEDIA_PREFIX) - 1)

int jwg_ascii_case_equal(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i];
        unsigned char y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + 32);
        if (x != y)
            return 0;
    }
    return 1;
}

const char *jwg_media_type_strip(const char *s, size_t *len)
{
    if (*len > JWG_MEDIA_PREFIX_LEN && jwg_ascii_case_equal(s, JWG_MEDIA_PREFIX, JWG_MEDIA_PREFIX_LEN)) {
        *len -= JWG_MEDIA_PREFIX_LEN;
        return s + JWG_MEDIA_PREFIX_LEN;
    }
    return s;
}

jwg_err jwg_str_set(jwg_str *dst, const char *s, size_t len)
{
    char *copy = malloc(len + 1);
    JWG_ENSURE(copy != NULL, JWG_ERR_NOMEM);

    memcpy(copy, s, len);
    copy[len] = '\0';
    free(dst->s);
    dst->s = copy;
    dst->len = len;
    return JWG_OK;
}

jwg_err jwg_str_list_add(jwg_str_list *list, const char *s, size_t len)
{
    jwg_str *grown = realloc(list->items, (list->count + 1) * sizeof(*grown));
    JWG_ENSURE(grown != NULL, JWG_ERR_NOMEM);
    list->items = grown;

    jwg_str *slot = &list->items[list->count];
    slot->s = NULL;
    JWG_TRY(jwg_str_set(slot, s, len));
    list->count++;
    return JWG_OK;
}

void jwg_str_list_clear(jwg_str_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].s);
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

static jwg_err list_copy(jwg_str_list *dst, const jwg_str_list *src)
{
    for (size_t i = 0; i < src->count; i++)
        JWG_TRY(jwg_str_list_add(dst, src->items[i].s, src->items[i].len));
    return JWG_OK;
}

/* Adds a non-empty caller string to `list`; an empty value is always a configuration mistake. */
static jwg_err policy_list_add(jwg_policy *p, jwg_str_list *list, const char *s)
{
    JWG_ENSURE(p != NULL && s != NULL, JWG_ERR_INVALID_ARGUMENT);

    size_t len = strlen(s);
    JWG_ENSURE(len > 0, JWG_ERR_INVALID_ARGUMENT);
    return jwg_str_list_add(list, s, len);
}

jwg_err jwg_policy_new(jwg_policy **out)
{
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;

    jwg_policy *p = calloc(1, sizeof(*p));
    JWG_ENSURE(p != NULL, JWG_ERR_NOMEM);

    p->checks = JWG_CHECK_ALL;
    p->max_token_bytes = JWG_DEFAULT_MAX_TOKEN_BYTES;
    *out = p;
    return JWG_OK;
}

void jwg_policy_clear(struct jwg_policy *p)
{
    jwg_str_list_clear(&p->issuers);
    jwg_str_list_clear(&p->audiences);
    jwg_str_list_clear(&p->required);
    free(p->typ.s);
    p->typ.s = NULL;
    p->typ.len = 0;
    jwg_claim_rules_clear(p);
}

void jwg_policy_free(jwg_policy *p)
{
    if (p == NULL)
        return;

    jwg_policy_clear(p);
    free(p);
}

jwg_err jwg_policy_copy(struct jwg_policy *dst, const struct jwg_policy *src)
{
    jwg_err rc = JWG_OK;

    *dst = *src;
    memset(&dst->issuers, 0, sizeof(dst->issuers));
    memset(&dst->audiences, 0, sizeof(dst->audiences));
    memset(&dst->required, 0, sizeof(dst->required));
    memset(&dst->typ, 0, sizeof(dst->typ));
    memset(&dst->scope_any, 0, sizeof(dst->scope_any));
    memset(&dst->scope_all, 0, sizeof(dst->scope_all));
    dst->equals = NULL;
    dst->equals_count = 0;

    JWG_TRY_GOTO(list_copy(&dst->issuers, &src->issuers), rc, out);
    JWG_TRY_GOTO(list_copy(&dst->audiences, &src->audiences), rc, out);
    JWG_TRY_GOTO(list_copy(&dst->required, &src->required), rc, out);
    if (src->typ.s != NULL)
        JWG_TRY_GOTO(jwg_str_set(&dst->typ, src->typ.s, src->typ.len), rc, out);
    JWG_TRY_GOTO(jwg_claim_rules_copy(dst, src), rc, out);

out:
    if (rc != JWG_OK)
        jwg_policy_clear(dst);
    return rc;
}

jwg_err jwg_policy_add_issuer(jwg_policy *p, const char *iss)
{
    JWG_ENSURE(p != NULL, JWG_ERR_INVALID_ARGUMENT);
    return policy_list_add(p, &p->issuers, iss);
}

jwg_err jwg_policy_add_audience(jwg_policy *p, const char *aud)
{
    JWG_ENSURE(p != NULL, JWG_ERR_INVALID_ARGUMENT);
    return policy_list_add(p, &p->audiences, aud);
}

jwg_err jwg_policy_require_claim(jwg_policy *p, const char *name)
{
    JWG_ENSURE(p != NULL, JWG_ERR_INVALID_ARGUMENT);
    return policy_list_add(p, &p->required, name);
}

jwg_err jwg_policy_add_alg(jwg_policy *p, const char *alg)
{
    JWG_ENSURE(p != NULL && alg != NULL, JWG_ERR_INVALID_ARGUMENT);

    jwg_alg_id id;
    JWG_ENSURE(jwg_alg_from_name(alg, strlen(alg), &id) == JWG_OK, JWG_ERR_INVALID_ARGUMENT);
    p->algs |= JWG_ALG_BIT(id);
    return JWG_OK;
}

jwg_err jwg_policy_drop_check(jwg_policy *p, jwg_check check)
{
    unsigned bits = (unsigned)check;

    JWG_ENSURE(p != NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(bits != 0 && (bits & ~JWG_CHECK_ALL) == 0, JWG_ERR_INVALID_ARGUMENT);
    p->checks &= ~bits;
    return JWG_OK;
}

/* Stores the required typ without its "application/" prefix, the form tokens are compared in. */
jwg_err jwg_policy_set_typ(jwg_policy *p, const char *typ)
{
    JWG_ENSURE(p != NULL && typ != NULL, JWG_ERR_INVALID_ARGUMENT);

    size_t len = strlen(typ);
    const char *bare = jwg_media_type_strip(typ, &len);
    JWG_ENSURE(len > 0, JWG_ERR_INVALID_ARGUMENT);
    return jwg_str_set(&p->typ, bare, len);
}

jwg_err jwg_policy_set_leeway(jwg_policy *p, int64_t seconds)
{
    JWG_ENSURE(p != NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(seconds >= 0 && seconds <= JWG_MAX_LEEWAY, JWG_ERR_INVALID_ARGUMENT);
    p->leeway = seconds;
    return JWG_OK;
}

jwg_err jwg_policy_set_max_lifetime(jwg_policy *p, int64_t seconds)
{
    JWG_ENSURE(p != NULL && seconds >= 0, JWG_ERR_INVALID_ARGUMENT);
    p->max_lifetime = seconds;
    return JWG_OK;
}

jwg_err jwg_policy_set_max_age(jwg_policy *p, int64_t seconds)
{
    JWG_ENSURE(p != NULL && seconds >= 0, JWG_ERR_INVALID_ARGUMENT);
    p->max_age = seconds;
    return JWG_OK;
}

jwg_err jwg_policy_set_max_token_bytes(jwg_policy *p, size_t bytes)
{
    JWG_ENSURE(p != NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(bytes >= 1 && bytes <= JWG_MAX_TOKEN_BYTES_LIMIT, JWG_ERR_INVALID_ARGUMENT);
    p->max_token_bytes = bytes;
    return JWG_OK;
}
