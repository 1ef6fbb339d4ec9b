/*
 * claims.c: the registered claim checks of RFC 7519 4.1 and the policy's
 * required claims. Every time value is attacker-chosen, so all arithmetic
 * saturates instead of overflowing.
 */
#include <string.h>

#include "verify_internal.h"

/* Packs a 3-byte member name into one integer, so that a switch can classify it. */
#define NAME3(a, b, c) (((uint32_t)(a) << 16) | ((uint32_t)(b) << 8) | (uint32_t)(c))

/* The inputs every claim check reads. */
typedef struct claim_ctx {
    const struct jwg_policy *p;
    const jwg_json_doc *doc;
    jwg_names names;
    int64_t now;
    char *detail;
    size_t detail_len;
} claim_ctx;

/* A NumericDate claim that was looked up: `present` is false when absent. */
typedef struct date_claim {
    bool present;
    int64_t value;
} date_claim;

int64_t jwg_sat_add(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

int64_t jwg_sat_sub(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return b < 0 ? INT64_MAX : INT64_MIN;
    return r;
}

/* Marks an empty slot of name_slots; no 3-byte name packs to it. */
#define NAME_NONE UINT32_MAX

/*
 * A 3-byte name's slot in name_slots. The multiplier was searched for so
 * that the 13 registered 3-byte names land in distinct slots of 16, which
 * makes the lookup one multiply, one load and one compare, with no
 * data-dependent branch chain as a switch would compile to.
 */
#define NAME_SLOT(key) (((uint32_t)(key) * 0xe3fbd4eeu) >> 28)

static const struct {
    uint32_t key;
    jwg_name id;
} name_slots[16] = {
    {NAME3('i', 'a', 't'), JWG_NAME_IAT},
    {NAME3('x', '5', 'c'), JWG_NAME_X5C},
    {NAME3('x', '5', 'u'), JWG_NAME_X5U},
    {NAME3('c', 't', 'y'), JWG_NAME_CTY},
    {NAME3('t', 'y', 'p'), JWG_NAME_TYP},
    {NAME3('k', 'i', 'd'), JWG_NAME_KID},
    {NAME_NONE, JWG_NAME_COUNT},
    {NAME_NONE, JWG_NAME_COUNT},
    {NAME3('j', 'w', 'k'), JWG_NAME_JWK},
    {NAME3('j', 'k', 'u'), JWG_NAME_JKU},
    {NAME3('a', 'l', 'g'), JWG_NAME_ALG},
    {NAME3('n', 'b', 'f'), JWG_NAME_NBF},
    {NAME3('e', 'x', 'p'), JWG_NAME_EXP},
    {NAME3('a', 'u', 'd'), JWG_NAME_AUD},
    {NAME3('i', 's', 's'), JWG_NAME_ISS},
    {NAME_NONE, JWG_NAME_COUNT},
};

/* Returns the registered name that `s` (length `n`, unescaped) spells, or JWG_NAME_COUNT. */
static inline jwg_name name_lookup(const uint8_t *s, size_t n)
{
    if (n == 4)
        return memcmp(s, "crit", 4) == 0 ? JWG_NAME_CRIT : JWG_NAME_COUNT;
    if (n != 3)
        return JWG_NAME_COUNT;

    uint32_t key = NAME3(s[0], s[1], s[2]);
    uint32_t slot = NAME_SLOT(key);
    return name_slots[slot].key == key ? name_slots[slot].id : JWG_NAME_COUNT;
}

/* Classifies member name node `idx`, unescaping it first when it has an escape. */
static inline jwg_name name_of(const jwg_json_doc *doc, size_t idx)
{
    const jwg_json_node *n = &doc->nodes[idx];
    if ((n->flags & JWG_JSON_HAS_ESCAPE) == 0)
        return name_lookup(doc->src + n->start, n->len);

    /* A name that does not fit is longer than every registered one. */
    char buf[8];
    size_t len;
    if (jwg_json_string_copy(doc, idx, buf, sizeof(buf), &len) != JWG_OK)
        return JWG_NAME_COUNT;
    return name_lookup((const uint8_t *)buf, len);
}

void jwg_names_index(const jwg_json_doc *doc, jwg_names *out)
{
    const jwg_json_node *nodes = doc->nodes;
    size_t end = nodes[0].next;

    memset(out, 0, sizeof(*out));
    for (size_t name = 1; name < end; name = nodes[name + 1].next) {
        jwg_name id = name_of(doc, name);
        if (id != JWG_NAME_COUNT)
            out->idx[id] = (uint32_t)(name + 1);
    }
}

static jwg_err fail(const claim_ctx *c, jwg_err err, const char *name, const char *what)
{
    jwg_detail_set(c->detail, c->detail_len, "claim \"%s\" %s", name, what);
    return err;
}

/* Reads NumericDate claim `name` (RFC 7519 2); `required` makes absence JWG_ERR_CLAIM_MISSING. */
static jwg_err read_date(const claim_ctx *c, jwg_name id, const char *name, bool required,
                         date_claim *out)
{
    out->present = false;
    out->value = 0;

    size_t idx = c->names.idx[id];
    if (idx == 0) {
        if (required)
            return fail(c, JWG_ERR_CLAIM_MISSING, name, "is required but missing");
        return JWG_OK;
    }

    if (jwg_json_numeric_date(c->doc, idx, &out->value) != JWG_OK)
        return fail(c, JWG_ERR_CLAIM_TYPE, name, "is not a NumericDate (a JSON number)");
    out->present = true;
    return JWG_OK;
}

/* RFC 7519 4.1.4: reject on or after exp, allowing the leeway. */
static jwg_err check_exp(const claim_ctx *c, date_claim *exp)
{
    bool required = (c->p->checks & JWG_CHECK_EXP) != 0 || c->p->max_lifetime > 0;
    JWG_TRY(read_date(c, JWG_NAME_EXP, "exp", required, exp));

    if (exp->present && c->now >= jwg_sat_add(exp->value, c->p->leeway))
        return fail(c, JWG_ERR_EXPIRED, "exp", "is in the past: the token has expired");
    return JWG_OK;
}

/* RFC 7519 4.1.5: reject before nbf, allowing the leeway. */
static jwg_err check_nbf(const claim_ctx *c)
{
    date_claim nbf;
    JWG_TRY(read_date(c, JWG_NAME_NBF, "nbf", false, &nbf));

    if (nbf.present && jwg_sat_add(c->now, c->p->leeway) < nbf.value)
        return fail(c, JWG_ERR_NOT_YET_VALID, "nbf", "is in the future: the token is not valid yet");
    return JWG_OK;
}

/* RFC 7519 4.1.6: iat must not lie in the future; it also bounds lifetime and age when the policy limits them. */
static jwg_err check_iat(const claim_ctx *c, const date_claim *exp)
{
    const struct jwg_policy *p = c->p;
    date_claim iat;
    JWG_TRY(read_date(c, JWG_NAME_IAT, "iat", p->max_lifetime > 0 || p->max_age > 0, &iat));
    if (!iat.present)
        return JWG_OK;

    if (iat.value > jwg_sat_add(c->now, p->leeway))
        return fail(c, JWG_ERR_ISSUED_IN_FUTURE, "iat", "is in the future");

    if (p->max_lifetime > 0 && exp->present && jwg_sat_sub(exp->value, iat.value) > p->max_lifetime)
        return fail(c, JWG_ERR_LIFETIME, "exp", "minus \"iat\" exceeds the maximum lifetime");

    if (p->max_age > 0 && jwg_sat_sub(c->now, iat.value) > p->max_age)
        return fail(c, JWG_ERR_TOO_OLD, "iat", "is older than the maximum age");
    return JWG_OK;
}

/* Returns 1 when string node `idx` equals one value of `list` byte for byte after unescaping. */
static int matches_any(const jwg_json_doc *doc, size_t idx, const jwg_str_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        if (jwg_json_string_equals(doc, idx, list->items[i].s, list->items[i].len))
            return 1;
    }
    return 0;
}

/* RFC 7519 4.1.1: iss is a string equal to one allowed issuer; a prefix is no match. */
static jwg_err check_iss(const claim_ctx *c)
{
    if ((c->p->checks & JWG_CHECK_ISS) == 0)
        return JWG_OK;

    size_t idx = c->names.idx[JWG_NAME_ISS];
    if (idx == 0)
        return fail(c, JWG_ERR_CLAIM_MISSING, "iss", "is required but missing");
    if (c->doc->nodes[idx].type != JWG_JSON_STRING)
        return fail(c, JWG_ERR_CLAIM_TYPE, "iss", "is not a string");

    if (!matches_any(c->doc, idx, &c->p->issuers)) {
        jwg_detail_set(c->detail, c->detail_len, "claim \"iss\" is not one of the %zu allowed issuers",
                       c->p->issuers.count);
        return JWG_ERR_ISSUER;
    }
    return JWG_OK;
}

/* RFC 7519 4.1.3: aud is a string or an array of strings; one value must be an allowed audience. */
static jwg_err check_aud_array(const claim_ctx *c, size_t idx)
{
    const jwg_json_node *nodes = c->doc->nodes;
    size_t end = nodes[idx].next;

    for (size_t i = idx + 1; i < end; i = nodes[i].next) {
        if (nodes[i].type != JWG_JSON_STRING)
            return fail(c, JWG_ERR_CLAIM_TYPE, "aud", "is an array with a value that is not a string");
    }

    for (size_t i = idx + 1; i < end; i = nodes[i].next) {
        if (matches_any(c->doc, i, &c->p->audiences))
            return JWG_OK;
    }
    jwg_detail_set(c->detail, c->detail_len,
                   "claim \"aud\" has no value that is one of the %zu allowed audiences",
                   c->p->audiences.count);
    return JWG_ERR_AUDIENCE;
}

static jwg_err check_aud(const claim_ctx *c)
{
    if ((c->p->checks & JWG_CHECK_AUD) == 0)
        return JWG_OK;

    size_t idx = c->names.idx[JWG_NAME_AUD];
    if (idx == 0)
        return fail(c, JWG_ERR_CLAIM_MISSING, "aud", "is required but missing");

    uint8_t type = c->doc->nodes[idx].type;
    if (type == JWG_JSON_ARRAY)
        return check_aud_array(c, idx);
    if (type != JWG_JSON_STRING)
        return fail(c, JWG_ERR_CLAIM_TYPE, "aud", "is neither a string nor an array of strings");

    if (!matches_any(c->doc, idx, &c->p->audiences)) {
        jwg_detail_set(c->detail, c->detail_len, "claim \"aud\" is not one of the %zu allowed audiences",
                       c->p->audiences.count);
        return JWG_ERR_AUDIENCE;
    }
    return JWG_OK;
}

static jwg_err check_required(const claim_ctx *c)
{
    for (size_t i = 0; i < c->p->required.count; i++) {
        const char *name = c->p->required.items[i].s;
        if (jwg_json_find(c->doc, 0, name) == 0)
            return fail(c, JWG_ERR_CLAIM_MISSING, name, "is required by the policy but missing");
    }
    return JWG_OK;
}

jwg_err jwg_claims_check(const struct jwg_policy *p, const jwg_json_doc *doc, int64_t now,
                         char *detail, size_t detail_len)
{
    claim_ctx c = {.p = p, .doc = doc, .now = now, .detail = detail, .detail_len = detail_len};
    date_claim exp;

    jwg_names_index(doc, &c.names);
    JWG_TRY(check_exp(&c, &exp));
    JWG_TRY(check_nbf(&c));
    JWG_TRY(check_iat(&c, &exp));
    JWG_TRY(check_iss(&c));
    JWG_TRY(check_aud(&c));
    JWG_TRY(check_required(&c));
    if (p->scope_any.count == 0 && p->scope_all.count == 0 && p->equals_count == 0)
        return JWG_OK;
    return jwg_claim_rules_check(p, doc, detail, detail_len);
}
