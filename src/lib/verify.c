/*
 * verify.c: the verifier and the verification pipeline for compact JWS
 * (RFC 7515 7.1) and JWT (RFC 7519 7.2).
 *
 * Each step is one function that either passes or sets the result's error
 * and detail. Steps run in the order documented in jwtguard.h, so the first
 * failing rule is the one reported. A verifier from jwg_verifier_new()
 * allocates once per verification in this library's code: the result, whose
 * arena contains everything decoded from the token (bench/bench_alloc.c
 * counts it). Policy-file verifiers allocate more, because routing by "iss"
 * decodes the claims first (route.c) and URL key sources swap key sets.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "verify_internal.h"

typedef struct verify_ctx verify_ctx;

/* One step of the pipeline: passes, or sets the result's detail and returns the error. */
typedef jwg_err (*verify_step)(verify_ctx *c);

/* The state of one verification or decoding; lives on the caller's stack. */
struct verify_ctx {
    const jwg_verifier *v;   /* NULL when only decoding */
    const char *token;
    size_t len;
    size_t max_len;          /* the policy's maximum, or JWG_MAX_TOKEN_BYTES_LIMIT when only decoding */
    int64_t now;
    const verify_step *steps; /* the steps to run, in order */
    size_t step_count;
    const char *seg[3];      /* header, payload, signature segments */
    size_t seg_len[3];
    jwg_result *r;
    jwg_alg_id alg;
    jwg_names hdr;           /* the header's registered members, set by parse_header */
    uint8_t *sig;            /* decoded signature, in the arena */
    size_t sig_cap;
    size_t candidates[JWG_MAX_KEYS];
    size_t candidate_count;
    bool jws;                /* opaque payload: no claims JSON, no claim checks */
};

/* Registered header parameters (RFC 7515 4.1) that "crit" must not list (RFC 7515 4.1.11). */
static const char *const registered_headers[] = {"alg", "jku", "jwk", "kid", "x5u", "x5c",
                                                 "x5t", "x5t#S256", "typ", "cty", "crit"};

/* Upper bound of the decoded length of `n` base64url characters, defined for every n. */
static size_t decoded_cap(size_t n)
{
    return n / 4 * 3 + 2;
}

/* Names a JSON parser failure in words, for details. */
static const char *json_reason(jwg_err rc)
{
    switch (rc) {
    case JWG_ERR_JSON_DUPLICATE: return "a member name appears twice";
    case JWG_ERR_JSON_DEPTH: return "nesting is too deep";
    case JWG_ERR_JSON_UTF8: return "invalid UTF-8";
    default: return "syntax error";
    }
}

static jwg_err step_fail(verify_ctx *c, jwg_err err, const char *message)
{
    jwg_detail_set(c->r->detail, sizeof(c->r->detail), "%s", message);
    return err;
}

/* ---- verifier ---------------------------------------------------------- */

/* Returns the algorithms the verifier's keys admit, counting only keys that may verify. */
static uint32_t keys_admit(const jwg_keyset *ks)
{
    uint32_t algs = 0;
    for (size_t i = 0; i < ks->count; i++) {
        if (jwg_key_can_verify(ks->keys[i]))
            algs |= jwg_key_algs(ks->keys[i]);
    }
    return algs;
}

/* Rejects a policy whose checks cannot pass or whose algorithms no key can verify. */
static jwg_err verifier_check(const jwg_policy *p, const jwg_keyset *ks, char *detail, size_t dlen)
{
    if (ks->count == 0) {
        jwg_detail_set(detail, dlen, "the key set is empty: add a verification key");
        return JWG_ERR_NO_KEYS;
    }
    if ((p->checks & JWG_CHECK_ISS) && p->issuers.count == 0) {
        jwg_detail_set(detail, dlen, "no issuer configured: add one with jwg_policy_add_issuer "
                                     "or drop JWG_CHECK_ISS");
        return JWG_ERR_POLICY_INVALID;
    }
    if ((p->checks & JWG_CHECK_AUD) && p->audiences.count == 0) {
        jwg_detail_set(detail, dlen, "no audience configured: add one with jwg_policy_add_audience "
                                     "or drop JWG_CHECK_AUD");
        return JWG_ERR_POLICY_INVALID;
    }

    uint32_t admitted = keys_admit(ks);
    if (admitted == 0) {
        jwg_detail_set(detail, dlen, "no key in the set may be used to verify");
        return JWG_ERR_NO_KEYS;
    }
    for (unsigned i = 0; i < JWG_ALG_COUNT; i++) {
        if ((p->algs & JWG_ALG_BIT(i)) && !(admitted & JWG_ALG_BIT(i))) {
            jwg_detail_set(detail, dlen, "the policy allows %s but no key admits it: add a key "
                                         "or remove the algorithm", jwg_alg_name((jwg_alg_id)i));
            return JWG_ERR_NO_KEYS;
        }
    }
    return JWG_OK;
}

static void verifier_load_keys(jwg_verifier *v)
{
    v->key_count = v->keyset->count;
    for (size_t i = 0; i < v->key_count; i++) {
        jwg_vkey *vk = &v->keys[i];
        vk->key = v->keyset->keys[i];
        vk->kid = jwg_key_kid(vk->key);
        vk->kid_len = vk->kid != NULL ? strlen(vk->kid) : 0;
        vk->algs = jwg_key_algs(vk->key);
        vk->can_verify = jwg_key_can_verify(vk->key);
    }
}

jwg_err jwg_verifier_new(jwg_verifier **out, const jwg_policy *p, const jwg_keyset *ks, char *detail,
                         size_t detail_len)
{
    jwg_detail_set(detail, detail_len, "%s", "");
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    JWG_ENSURE(p != NULL && ks != NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_TRY(verifier_check(p, ks, detail, detail_len));

    jwg_verifier *v = calloc(1, sizeof(*v));
    JWG_ENSURE(v != NULL, JWG_ERR_NOMEM);

    jwg_err rc = jwg_policy_copy(&v->policy, p);
    if (rc != JWG_OK) {
        free(v);
        return rc;
    }

    v->keyset = jwg_keyset_ref(ks);
    v->allowed = p->algs != 0 ? p->algs : keys_admit(ks);
    verifier_load_keys(v);
    *out = v;
    return JWG_OK;
}

void jwg_verifier_free(jwg_verifier *v)
{
    if (v == NULL)
        return;

    for (size_t i = 0; i < v->route_count; i++)
        jwg_verifier_free(v->routes[i]);
    free(v->routes);
    jwg_live_keys_free(v->live);
    jwg_policy_clear(&v->policy);
    jwg_keyset_free(v->keyset);
    free(v);
}

/* ---- steps before the result exists ------------------------------------ */

static jwg_err check_size(const verify_ctx *c)
{
    return c->len > c->max_len ? JWG_ERR_TOKEN_TOO_LARGE : JWG_OK;
}

/*
 * RFC 7515 7.1: three segments separated by '.'. Header and payload must
 * not be empty. An empty signature is rejected by require_signature() after
 * the "alg" check, so an unsecured JWS (RFC 7515 A.5) is reported as
 * JWG_ERR_ALG_NONE rather than as a malformed token.
 */
static jwg_err split_token(verify_ctx *c)
{
    const char *p = c->token;
    const char *end = c->token + c->len;

    for (size_t i = 0; i < 3; i++) {
        const char *dot = i < 2 ? memchr(p, '.', (size_t)(end - p)) : NULL;
        const char *seg_end = dot != NULL ? dot : end;
        if (i < 2 && dot == NULL)
            return JWG_ERR_TOKEN_SEGMENTS;

        c->seg[i] = p;
        c->seg_len[i] = (size_t)(seg_end - p);
        if (i < 2 && c->seg_len[i] == 0)
            return JWG_ERR_TOKEN_SEGMENTS;
        p = seg_end + 1;
    }

    /* A fourth segment shows up as a dot inside the signature. */
    if (memchr(c->seg[2], '.', c->seg_len[2]) != NULL)
        return JWG_ERR_TOKEN_SEGMENTS;
    return JWG_OK;
}

/* ---- the result and its arena ------------------------------------------ */

/* The arena layout for one token; every size is derived from segment lengths alone. */
typedef struct arena_plan {
    size_t header_cap, payload_cap, sig_cap;
    size_t header_nodes, claims_nodes;
    size_t total;
} arena_plan;

static void arena_plan_make(const verify_ctx *c, bool split_ok, arena_plan *a)
{
    memset(a, 0, sizeof(*a));
    if (!split_ok)
        return;

    a->header_cap = decoded_cap(c->seg_len[0]);
    a->payload_cap = decoded_cap(c->seg_len[1]);
    a->sig_cap = decoded_cap(c->seg_len[2]);
    a->header_nodes = jwg_json_nodes_max(a->header_cap);
    a->claims_nodes = c->jws ? 0 : jwg_json_nodes_max(a->payload_cap);

    size_t strings = a->header_cap + 1 + (c->jws ? 0 : a->payload_cap + 1);
    a->total = (a->header_nodes + a->claims_nodes) * sizeof(jwg_json_node) + a->header_cap +
               a->payload_cap + a->sig_cap + strings;
}

/* Carves the arena: node arrays first, because they need alignment, then the byte areas. */
static void arena_carve(verify_ctx *c, const arena_plan *a)
{
    jwg_result *r = c->r;
    jwg_json_node *nodes = (jwg_json_node *)(void *)r->arena;
    unsigned char *bytes = (unsigned char *)(nodes + a->header_nodes + a->claims_nodes);

    r->part[JWG_PART_HEADER].doc.nodes = nodes;
    r->part[JWG_PART_CLAIMS].doc.nodes = nodes + a->header_nodes;

    r->part[JWG_PART_HEADER].text = bytes;
    bytes += a->header_cap;
    r->part[JWG_PART_HEADER].strings = (char *)bytes;
    bytes += a->header_cap + 1;
    r->payload = bytes;
    bytes += a->payload_cap;
    if (!c->jws) {
        r->part[JWG_PART_CLAIMS].strings = (char *)bytes;
        bytes += a->payload_cap + 1;
    }
    c->sig = bytes;
    c->sig_cap = a->sig_cap;
}

static jwg_result *result_new(verify_ctx *c, bool split_ok)
{
    arena_plan a;
    arena_plan_make(c, split_ok, &a);

    /* Uninitialised on purpose: every field below is set before it is read. */
    jwg_result *r = malloc(sizeof(*r) + a.total);
    if (r == NULL)
        return NULL;

    memset(r, 0, sizeof(*r));
    r->arena_len = a.total;
    c->r = r;
    if (split_ok)
        arena_carve(c, &a);
    return r;
}

/* ---- header steps ------------------------------------------------------ */

/* Returns the unescaped bytes of string node `idx`: in place when it has no escape, else in the scratch. */
static void part_string(jwg_part_data *pd, size_t idx, const char **s, size_t *n)
{
    const jwg_json_node *node = &pd->doc.nodes[idx];

    if ((node->flags & JWG_JSON_HAS_ESCAPE) == 0) {
        *s = (const char *)pd->text + node->start;
        *n = node->len;
        return;
    }

    char *dst = pd->strings + node->start;
    if (jwg_json_string_copy(&pd->doc, idx, dst, (size_t)node->len + 1, n) != JWG_OK)
        *n = 0;
    *s = dst;
}

/* Decodes strictly and parses one part as a JSON object; `part_name` names the part in details. */
static jwg_err decode_part(verify_ctx *c, jwg_part part, const char *seg, size_t seg_len,
                           uint8_t *text, size_t cap, size_t nodes_cap, const char *part_name)
{
    jwg_part_data *pd = &c->r->part[part];
    size_t text_len;

    if (jwg_b64url_decode(seg, seg_len, text, cap, &text_len) != JWG_OK) {
        jwg_detail_set(c->r->detail, sizeof(c->r->detail), "%s is not strict base64url", part_name);
        return JWG_ERR_BASE64URL;
    }

    pd->text = text;
    pd->text_len = text_len;
    jwg_err rc = jwg_json_parse(text, text_len, pd->doc.nodes, nodes_cap, JWG_MAX_JSON_DEPTH, &pd->doc);
    if (rc != JWG_OK) {
        jwg_detail_set(c->r->detail, sizeof(c->r->detail), "%s is not valid JSON: %s", part_name,
                       json_reason(rc));
        return rc;
    }
    if (pd->doc.nodes[0].type != JWG_JSON_OBJECT) {
        jwg_detail_set(c->r->detail, sizeof(c->r->detail), "%s is not a JSON object", part_name);
        return JWG_ERR_JSON_NOT_OBJECT;
    }

    pd->parsed = true;
    return JWG_OK;
}

static jwg_err parse_header(verify_ctx *c)
{
    size_t cap = decoded_cap(c->seg_len[0]);
    JWG_TRY(decode_part(c, JWG_PART_HEADER, c->seg[0], c->seg_len[0], c->r->part[0].text, cap,
                        jwg_json_nodes_max(cap), "header"));

    jwg_names_index(&c->r->part[JWG_PART_HEADER].doc, &c->hdr);
    return JWG_OK;
}

static uint8_t header_type(const verify_ctx *c, size_t idx)
{
    return c->r->part[JWG_PART_HEADER].doc.nodes[idx].type;
}

/* RFC 7515 4.1.1 and RFC 8725 3.1: the token's alg only selects within the allow-list. */
static jwg_err check_alg(verify_ctx *c)
{
    size_t idx = c->hdr.idx[JWG_NAME_ALG];
    if (idx == 0 || header_type(c, idx) != JWG_JSON_STRING)
        return step_fail(c, JWG_ERR_ALG_MISSING, "header has no \"alg\" string");

    const char *name;
    size_t n;
    part_string(&c->r->part[JWG_PART_HEADER], idx, &name, &n);

    jwg_err rc = jwg_alg_from_name(name, n, &c->alg);
    if (rc == JWG_ERR_ALG_NONE)
        return step_fail(c, rc, "header \"alg\" is \"none\": unsigned tokens are never accepted");
    if (rc != JWG_OK)
        return step_fail(c, JWG_ERR_ALG_UNKNOWN, "header \"alg\" is not a supported algorithm");

    if ((c->v->allowed & JWG_ALG_BIT(c->alg)) == 0) {
        jwg_detail_set(c->r->detail, sizeof(c->r->detail),
                       "header \"alg\" %s is not in the allowed algorithms", jwg_alg_name(c->alg));
        return JWG_ERR_ALG_NOT_ALLOWED;
    }
    return JWG_OK;
}

static jwg_err require_signature(verify_ctx *c)
{
    if (c->seg_len[2] == 0)
        return step_fail(c, JWG_ERR_TOKEN_SEGMENTS, "token has an empty signature segment");
    return JWG_OK;
}

static bool is_registered_header(const jwg_json_doc *doc, size_t idx)
{
    for (size_t i = 0; i < JWG_ARRAY_LEN(registered_headers); i++) {
        const char *name = registered_headers[i];
        if (jwg_json_string_equals(doc, idx, name, strlen(name)))
            return true;
    }
    return false;
}

/*
 * RFC 7515 4.1.11: "crit" is a non-empty array of extension names, none of
 * them registered, and every one must be understood. This library
 * understands no extension, so any valid "crit" is rejected.
 */
static jwg_err check_crit(verify_ctx *c)
{
    const jwg_json_doc *doc = &c->r->part[JWG_PART_HEADER].doc;
    size_t idx = c->hdr.idx[JWG_NAME_CRIT];
    if (idx == 0)
        return JWG_OK;

    const jwg_json_node *arr = &doc->nodes[idx];
    if (arr->type != JWG_JSON_ARRAY || arr->count == 0)
        return step_fail(c, JWG_ERR_CRIT_INVALID, "header \"crit\" is not a non-empty array of strings");

    for (size_t i = idx + 1; i < arr->next; i = doc->nodes[i].next) {
        if (doc->nodes[i].type != JWG_JSON_STRING)
            return step_fail(c, JWG_ERR_CRIT_INVALID, "header \"crit\" has a value that is not a string");
        if (is_registered_header(doc, i))
            return step_fail(c, JWG_ERR_CRIT_INVALID, "header \"crit\" lists a registered header parameter");
    }
    return step_fail(c, JWG_ERR_CRIT_UNSUPPORTED,
                     "header \"crit\" names an extension this library does not understand");
}

/* Reads a media-type header member without its optional "application/" prefix (RFC 7515 4.1.9). */
static bool header_media_type(verify_ctx *c, jwg_name member, const char **s, size_t *n)
{
    size_t idx = c->hdr.idx[member];
    if (idx == 0 || header_type(c, idx) != JWG_JSON_STRING)
        return false;

    part_string(&c->r->part[JWG_PART_HEADER], idx, s, n);
    *s = jwg_media_type_strip(*s, n);
    return true;
}

/* RFC 8725 3.11: explicit typing, when the policy requires it. */
static jwg_err check_typ(verify_ctx *c)
{
    const jwg_str *want = &c->v->policy.typ;
    if (want->s == NULL)
        return JWG_OK;

    const char *s;
    size_t n;
    if (!header_media_type(c, JWG_NAME_TYP, &s, &n) || n != want->len || !jwg_ascii_case_equal(s, want->s, n))
        return step_fail(c, JWG_ERR_TYP_MISMATCH, "header \"typ\" is missing or not the required type");
    return JWG_OK;
}

/* RFC 7519 5.2: "cty": "JWT" marks a nested token, which is not accepted. */
static jwg_err check_cty(verify_ctx *c)
{
    const char *s;
    size_t n;
    if (header_media_type(c, JWG_NAME_CTY, &s, &n) && n == 3 && jwg_ascii_case_equal(s, "JWT", 3))
        return step_fail(c, JWG_ERR_NESTED_JWT, "header \"cty\" is \"JWT\": nested tokens are not accepted");
    return JWG_OK;
}

/* RFC 7515 4.1: the JSON type of each registered member that this library reads or names. */
static jwg_err check_header_types(verify_ctx *c)
{
    static const struct {
        jwg_name id;
        const char *name;
        uint8_t type;
    } rules[] = {{JWG_NAME_KID, "kid", JWG_JSON_STRING}, {JWG_NAME_TYP, "typ", JWG_JSON_STRING},
                 {JWG_NAME_CTY, "cty", JWG_JSON_STRING}, {JWG_NAME_JKU, "jku", JWG_JSON_STRING},
                 {JWG_NAME_X5U, "x5u", JWG_JSON_STRING}, {JWG_NAME_JWK, "jwk", JWG_JSON_OBJECT},
                 {JWG_NAME_X5C, "x5c", JWG_JSON_ARRAY}};

    for (size_t i = 0; i < JWG_ARRAY_LEN(rules); i++) {
        size_t idx = c->hdr.idx[rules[i].id];
        if (idx != 0 && header_type(c, idx) != rules[i].type) {
            jwg_detail_set(c->r->detail, sizeof(c->r->detail), "header \"%s\" has the wrong JSON type",
                           rules[i].name);
            return JWG_ERR_HEADER_TYPE;
        }
    }
    return JWG_OK;
}

/* ---- key selection and signature --------------------------------------- */

/* Adds every key that may verify, admits alg and, when `unnamed_only`, has no kid. */
static size_t select_admitting(verify_ctx *c, bool unnamed_only)
{
    uint32_t bit = JWG_ALG_BIT(c->alg);

    for (size_t i = 0; i < c->v->key_count; i++) {
        const jwg_vkey *k = &c->v->keys[i];
        if (unnamed_only && k->kid != NULL)
            continue;
        if (k->can_verify && (k->algs & bit) != 0)
            c->candidates[c->candidate_count++] = i;
    }
    return c->candidate_count;
}

/*
 * With "kid": the configured key of exactly that kid (kids are unique in a
 * set), which must allow verifying and admit alg. When no key has that kid,
 * the keys without a kid that admit alg: the operator trusts them without
 * naming them, so the token's kid cannot exclude them. A kid selects a
 * named key only by byte equality after JSON unescaping.
 */
static jwg_err select_by_kid(verify_ctx *c, size_t kid_idx)
{
    const jwg_json_doc *doc = &c->r->part[JWG_PART_HEADER].doc;
    uint32_t bit = JWG_ALG_BIT(c->alg);

    for (size_t i = 0; i < c->v->key_count; i++) {
        const jwg_vkey *k = &c->v->keys[i];
        if (k->kid == NULL || !jwg_json_string_equals(doc, kid_idx, k->kid, k->kid_len))
            continue;
        if (!k->can_verify)
            return step_fail(c, JWG_ERR_KEY_USE, "the key selected by \"kid\" may not be used to verify");
        if ((k->algs & bit) == 0)
            return step_fail(c, JWG_ERR_KEY_ALG_MISMATCH,
                             "the key selected by \"kid\" does not admit the header \"alg\"");
        c->candidates[c->candidate_count++] = i;
        return JWG_OK;
    }

    if (select_admitting(c, true) == 0)
        return step_fail(c, JWG_ERR_KEY_NOT_FOUND, "no configured key has the header \"kid\", and "
                                                   "no key without a kid admits the header \"alg\"");
    return JWG_OK;
}

/* Without "kid": every key that admits alg and may verify. */
static jwg_err select_by_alg(verify_ctx *c)
{
    if (select_admitting(c, false) == 0)
        return step_fail(c, JWG_ERR_KEY_NOT_FOUND, "no configured key admits the header \"alg\"");
    return JWG_OK;
}

/* RFC 8725 3.10: "jwk", "jku", "x5u" and "x5c" are never read; keys come from the configuration only. */
static jwg_err select_keys(verify_ctx *c)
{
    size_t kid_idx = c->hdr.idx[JWG_NAME_KID];
    return kid_idx != 0 ? select_by_kid(c, kid_idx) : select_by_alg(c);
}

/* RFC 7515 5.2 steps 6-8: the signature covers the ASCII "header.payload" exactly as sent. */
static jwg_err verify_signature(verify_ctx *c)
{
    size_t sig_len;
    if (jwg_b64url_decode(c->seg[2], c->seg_len[2], c->sig, c->sig_cap, &sig_len) != JWG_OK)
        return step_fail(c, JWG_ERR_BASE64URL, "signature is not strict base64url");

    const uint8_t *msg = (const uint8_t *)c->token;
    size_t msg_len = c->seg_len[0] + 1 + c->seg_len[1];
    jwg_err first = JWG_ERR_SIGNATURE_INVALID;

    for (size_t i = 0; i < c->candidate_count; i++) {
        const jwg_key *key = c->v->keys[c->candidates[i]].key;
        jwg_err rc = jwg_key_verify(key, c->alg, msg, msg_len, c->sig, sig_len);
        if (rc == JWG_OK) {
            /* Copied because the result may outlive the verifier and its keys. */
            const char *tp = jwg_key_thumbprint(key);
            size_t tp_len = strnlen(tp, sizeof(c->r->thumbprint) - 1);
            memcpy(c->r->thumbprint, tp, tp_len);
            c->r->thumbprint[tp_len] = '\0';
            c->r->verified = true;
            return JWG_OK;
        }
        if (i == 0)
            first = rc;
    }

    if (first == JWG_ERR_SIGNATURE_LENGTH)
        return step_fail(c, first, "signature has the wrong length for the header \"alg\"");
    if (first == JWG_ERR_CRYPTO)
        return step_fail(c, first, "the signature check failed inside OpenSSL");
    return step_fail(c, JWG_ERR_SIGNATURE_INVALID, "signature does not verify with any selected key");
}

/* ---- payload and claims ------------------------------------------------ */

static jwg_err decode_payload(verify_ctx *c)
{
    jwg_result *r = c->r;
    if (jwg_b64url_decode(c->seg[1], c->seg_len[1], r->payload, decoded_cap(c->seg_len[1]),
                          &r->payload_len) != JWG_OK)
        return step_fail(c, JWG_ERR_BASE64URL, "payload is not strict base64url");

    r->has_payload = true;
    return JWG_OK;
}

/* Parses the already decoded payload as the claims object (RFC 7519 7.2 step 10). */
static jwg_err parse_claims(verify_ctx *c)
{
    jwg_result *r = c->r;
    jwg_part_data *pd = &r->part[JWG_PART_CLAIMS];
    size_t cap = decoded_cap(c->seg_len[1]);

    pd->text = r->payload;
    pd->text_len = r->payload_len;
    jwg_err rc = jwg_json_parse(r->payload, r->payload_len, pd->doc.nodes, jwg_json_nodes_max(cap),
                                JWG_MAX_JSON_DEPTH, &pd->doc);
    if (rc != JWG_OK) {
        jwg_detail_set(r->detail, sizeof(r->detail), "claims are not valid JSON: %s", json_reason(rc));
        return rc;
    }
    if (pd->doc.nodes[0].type != JWG_JSON_OBJECT)
        return step_fail(c, JWG_ERR_JSON_NOT_OBJECT, "claims are not a JSON object");

    pd->parsed = true;
    return JWG_OK;
}

static jwg_err check_claims(verify_ctx *c)
{
    return jwg_claims_check(&c->v->policy, &c->r->part[JWG_PART_CLAIMS].doc, c->now, c->r->detail,
                            sizeof(c->r->detail));
}

/* ---- the pipeline ------------------------------------------------------ */

/* The documented order; the first failing step decides the error. */
static const verify_step jwt_steps[] = {
    parse_header,       check_alg,   require_signature, check_crit,     check_typ,    check_cty,
    check_header_types, select_keys, verify_signature,  decode_payload, parse_claims, check_claims};

/* The JWS steps stop after decode_payload, because a JWS payload is opaque bytes. */
#define JWS_STEP_COUNT 10u

static jwg_err run_steps(verify_ctx *c)
{
    for (size_t i = 0; i < c->step_count; i++)
        JWG_TRY(c->steps[i](c));
    return JWG_OK;
}

static jwg_err early_fail(const verify_ctx *c, jwg_err err)
{
    if (err == JWG_ERR_TOKEN_TOO_LARGE)
        jwg_detail_set(c->r->detail, sizeof(c->r->detail),
                       "token is larger than the maximum size of %zu bytes", c->max_len);
    else
        jwg_detail_set(c->r->detail, sizeof(c->r->detail), "%s",
                       "token is not three non-empty segments separated by dots");
    return err;
}

/* Runs the size check, the split and then the context's steps; `*out` gets the result either way. */
static jwg_err run_pipeline(verify_ctx *c, jwg_result **out)
{
    jwg_err early = check_size(c);
    if (early == JWG_OK)
        early = split_token(c);

    jwg_result *r = result_new(c, early == JWG_OK);
    JWG_ENSURE(r != NULL, JWG_ERR_NOMEM);

    jwg_err rc = early != JWG_OK ? early_fail(c, early) : run_steps(c);
    r->error = rc;
    *out = r;
    return rc;
}

/* Sets every context field; `v` is NULL when only decoding. */
static void ctx_init(verify_ctx *c, const jwg_verifier *v, const char *token, size_t len,
                     int64_t now, bool jws)
{
    c->v = v;
    c->token = token;
    c->len = len;
    c->max_len = v != NULL ? v->policy.max_token_bytes : JWG_MAX_TOKEN_BYTES_LIMIT;
    c->now = now;
    c->jws = jws;
    c->steps = jwt_steps;
    c->step_count = jws ? JWS_STEP_COUNT : JWG_ARRAY_LEN(jwt_steps);
    c->candidate_count = 0;
}

/* Returns a result that holds only a routing failure: nothing of the token was decoded into it. */
static jwg_err route_fail(jwg_err err, const char *detail, jwg_result **out)
{
    verify_ctx c;
    memset(&c, 0, sizeof(c));

    jwg_result *r = result_new(&c, false);
    JWG_ENSURE(r != NULL, JWG_ERR_NOMEM);
    jwg_detail_set(r->detail, sizeof(r->detail), "%s", detail);
    r->error = err;
    *out = r;
    return err;
}

/*
 * A verifier from a policy file checks each token with the verifier of the
 * issuer its "iss" names, which holds only that issuer's keys and rules.
 */
static jwg_err route(const jwg_verifier **v, const char *token, size_t len, bool jws,
                     jwg_result **out)
{
    char detail[JWG_DETAIL_MAX];

    if (jws)
        return route_fail(JWG_ERR_POLICY_INVALID,
                          "a verifier built from a policy file checks JWTs only, not opaque JWS", out);

    jwg_err rc = jwg_route_select(*v, token, len, v, detail, sizeof(detail));
    if (rc != JWG_OK)
        return route_fail(rc, detail, out);
    return JWG_OK;
}

/* An issuer whose keys come from a URL: its keys can be missing, which says nothing about the token. */
static jwg_err live_entry(const jwg_verifier *v, const char *token, size_t len, int64_t now,
                          jwg_result **out)
{
    char detail[JWG_DETAIL_MAX] = "";

    jwg_err rc = jwg_live_verify(v->live, token, len, now, out, detail, sizeof(detail));
    if (*out == NULL && rc != JWG_ERR_NOMEM && rc != JWG_ERR_INVALID_ARGUMENT)
        return route_fail(rc, detail, out);
    return rc;
}

static jwg_err verify_entry(const jwg_verifier *v, const char *token, size_t len, int64_t now,
                            bool jws, jwg_result **out)
{
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    JWG_ENSURE(v != NULL && token != NULL, JWG_ERR_INVALID_ARGUMENT);
    if (v->routes != NULL)
        JWG_TRY(route(&v, token, len, jws, out));
    if (v->live != NULL)
        return live_entry(v, token, len, now, out);

    verify_ctx c;
    ctx_init(&c, v, token, len, now, jws);
    return run_pipeline(&c, out);
}

jwg_err jwg_verify_at(const jwg_verifier *v, const char *token, size_t len, int64_t now,
                      jwg_result **out)
{
    return verify_entry(v, token, len, now, false, out);
}

jwg_err jwg_verify(const jwg_verifier *v, const char *token, size_t len, jwg_result **out)
{
    return verify_entry(v, token, len, (int64_t)time(NULL), false, out);
}

jwg_err jwg_verify_jws(const jwg_verifier *v, const char *token, size_t len, jwg_result **out)
{
    return verify_entry(v, token, len, 0, true, out);
}

/* ---- decoding without verification ------------------------------------- */

/*
 * The signature is decoded with the same strict rules but never checked. An
 * empty signature is allowed, so that an unsecured JWS (RFC 7515 A.5) decodes.
 */
static jwg_err check_signature_encoding(verify_ctx *c)
{
    size_t sig_len;

    if (c->seg_len[2] == 0)
        return JWG_OK;
    if (jwg_b64url_decode(c->seg[2], c->seg_len[2], c->sig, c->sig_cap, &sig_len) != JWG_OK)
        return step_fail(c, JWG_ERR_BASE64URL, "signature is not strict base64url");
    return JWG_OK;
}

/* The decoding steps: every encoding and JSON rule of verification, and nothing that needs a key or a policy. */
static const verify_step decode_steps[] = {parse_header, decode_payload, parse_claims,
                                           check_signature_encoding};

jwg_err jwg_decode_unverified(const char *token, size_t len, jwg_result **out)
{
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    JWG_ENSURE(token != NULL, JWG_ERR_INVALID_ARGUMENT);

    verify_ctx c;
    ctx_init(&c, NULL, token, len, 0, false);
    c.steps = decode_steps;
    c.step_count = JWG_ARRAY_LEN(decode_steps);
    JWG_TRY(run_pipeline(&c, out));

    /* A caller that checks only jwg_result_error() must never take a decoded token as valid. */
    jwg_result *r = *out;
    r->error = JWG_ERR_NOT_VERIFIED;
    r->claims_unverified = true;
    jwg_detail_set(r->detail, sizeof(r->detail), "%s",
                   "decoded only: the signature, the key and the claims were not checked");
    return JWG_OK;
}
