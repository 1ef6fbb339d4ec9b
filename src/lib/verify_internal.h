/*
 * verify_internal.h: the policy, verifier and result objects shared by
 * policy.c, verify.c, claims.c, result.c and sign.c.
 */
#ifndef JWTGUARD_VERIFY_INTERNAL_H
#define JWTGUARD_VERIFY_INTERNAL_H

#include "internal.h"

/* A string copied from the caller, with its length so that hot paths never call strlen. */
typedef struct jwg_str {
    char *s;
    size_t len;
} jwg_str;

/* A growable list of owned strings (issuers, audiences, required claims). */
typedef struct jwg_str_list {
    jwg_str *items;
    size_t count;
} jwg_str_list;

/* A claim that must equal one JSON value: a string, an integer or a boolean. */
typedef struct jwg_claim_equals {
    jwg_str name;
    uint8_t type;      /* JWG_JSON_STRING, JWG_JSON_NUMBER (an integer), JWG_JSON_TRUE or JWG_JSON_FALSE */
    jwg_str text;      /* the unescaped string when type is JWG_JSON_STRING */
    int64_t integer;   /* the value when type is JWG_JSON_NUMBER */
} jwg_claim_equals;

struct jwg_policy {
    unsigned checks; /* jwg_check flags still enforced */
    uint32_t algs;   /* JWG_ALG_BIT set; 0 means "whatever the keys admit" */
    jwg_str_list issuers;
    jwg_str_list audiences;
    jwg_str_list required;
    jwg_str typ; /* normalized (no "application/" prefix); s == NULL when not required */
    int64_t leeway;
    int64_t max_lifetime; /* 0: no limit */
    int64_t max_age;      /* 0: no limit */
    size_t max_token_bytes;
    jwg_str_list scope_any; /* at least one of them, when not empty */
    jwg_str_list scope_all; /* every one of them */
    jwg_claim_equals *equals;
    size_t equals_count;
};

/* One key of the verifier's set, with the facts that key selection reads on every token. */
typedef struct jwg_vkey {
    const jwg_key *key;
    const char *kid; /* NULL when the key has none */
    size_t kid_len;
    uint32_t algs;
    bool can_verify;
} jwg_vkey;

struct jwg_verifier {
    struct jwg_policy policy; /* deep copy, never changed after jwg_verifier_new() */
    jwg_keyset *keyset;       /* reference from jwg_keyset_ref() */
    uint32_t allowed;         /* the effective allow-list */
    size_t key_count;
    jwg_vkey keys[JWG_MAX_KEYS];
    /*
     * A verifier built from a policy file: one verifier per issuer, chosen by
     * the token's "iss" before anything else is checked. NULL for a verifier
     * of one policy, whose own policy and keys are then used.
     */
    struct jwg_verifier **routes;
    size_t route_count;
    /*
     * The issuer verifier of a policy file issuer with a JWKS URL or OpenID
     * Connect source (policy_live.c); NULL otherwise. When set, `keyset` is
     * NULL and each token is checked by jwg_live_verify().
     */
    struct jwg_live_keys *live;
};

/*
 * Verifies `token` with the current keys of `lk`, fetching them when needed
 * and once more on an unknown kid. When no key set is usable it returns
 * JWG_ERR_KEY_SOURCE_UNAVAILABLE with `*out` NULL and a detail; otherwise
 * `*out` is the result, as from jwg_verify_at().
 */
jwg_err jwg_live_verify(struct jwg_live_keys *lk, const char *token, size_t len, int64_t now,
                        jwg_result **out, char *detail, size_t detail_len);

/* Frees what jwg_live_keys_new() made (policy_live.c). */
void jwg_live_keys_free(struct jwg_live_keys *lk);

/*
 * Picks the issuer verifier of a routing verifier `v` for `token`, from the
 * token's unverified "iss". On failure writes a detail and returns the
 * error the token is rejected with (size, segments, encoding, JSON, a
 * missing or unknown "iss").
 */
jwg_err jwg_route_select(const jwg_verifier *v, const char *token, size_t len,
                         const jwg_verifier **sub, char *detail, size_t detail_len);

/* One decoded part (header or claims) of a token, pointing into the result's arena. */
typedef struct jwg_part_data {
    uint8_t *text;     /* decoded JSON text */
    size_t text_len;
    char *strings;     /* scratch for unescaped strings, text_len + 1 bytes */
    jwg_json_doc doc;
    bool parsed;       /* doc holds a JSON object */
} jwg_part_data;

/*
 * A verification result. It is one allocation: this struct followed by an
 * arena sized from the token that holds the decoded header, payload and
 * signature, both node arrays and the scratch for unescaped strings.
 */
struct jwg_result {
    jwg_err error;
    bool verified; /* the signature verified, so claims may be read */
    bool claims_unverified; /* from jwg_decode_unverified(): claims readable, nothing checked */
    jwg_part_data part[2];
    uint8_t *payload;
    size_t payload_len;
    bool has_payload;
    char thumbprint[JWG_THUMBPRINT_MAX];
    char detail[JWG_DETAIL_MAX];
    size_t arena_len;
    _Alignas(max_align_t) unsigned char arena[];
};

/* Replaces `dst`'s string with a copy of `s` (length `len`), NUL-terminated. */
jwg_err jwg_str_set(jwg_str *dst, const char *s, size_t len);

/* Appends a copy of `s` (length `len`) to `list`. */
jwg_err jwg_str_list_add(jwg_str_list *list, const char *s, size_t len);

/* Frees every string of `list` and empties it. */
void jwg_str_list_clear(jwg_str_list *list);

/* Deep-copies `src` into the zeroed `dst`; on failure `dst` holds nothing to free. */
jwg_err jwg_policy_copy(struct jwg_policy *dst, const struct jwg_policy *src);

/* Frees the strings a policy owns, not the policy itself. */
void jwg_policy_clear(struct jwg_policy *p);

/* Returns `s` (length `len`) without an "application/" prefix, ASCII case-insensitively (RFC 7515 4.1.9). */
const char *jwg_media_type_strip(const char *s, size_t *len);

/* Returns 1 when the ASCII strings `a` and `b` of length `n` match ignoring letter case. */
int jwg_ascii_case_equal(const char *a, const char *b, size_t n);

/*
 * Registered member names that verification reads: header parameters
 * (RFC 7515 4.1) and claims (RFC 7519 4.1). Both sets are indexed in either
 * object; a claims object's "alg" is simply never looked at.
 */
typedef enum jwg_name {
    JWG_NAME_ALG,
    JWG_NAME_KID,
    JWG_NAME_TYP,
    JWG_NAME_CTY,
    JWG_NAME_CRIT,
    JWG_NAME_JKU,
    JWG_NAME_X5U,
    JWG_NAME_JWK,
    JWG_NAME_X5C,
    JWG_NAME_EXP,
    JWG_NAME_NBF,
    JWG_NAME_IAT,
    JWG_NAME_ISS,
    JWG_NAME_AUD,
    JWG_NAME_COUNT
} jwg_name;

/* The value node of each registered name in one object; 0 when the member is absent. */
typedef struct jwg_names {
    uint32_t idx[JWG_NAME_COUNT];
} jwg_names;

/*
 * Indexes the members of object node 0 of `doc` in one pass, comparing
 * names after unescaping. The parser rejects duplicate names, so each
 * registered name has at most one member.
 */
void jwg_names_index(const jwg_json_doc *doc, jwg_names *out);

/*
 * Checks the registered claims of a parsed claims object against `p` at
 * time `now` (RFC 7519 4.1), then the required claims. Writes a detail that
 * names the claim, never its value.
 */
jwg_err jwg_claims_check(const struct jwg_policy *p, const jwg_json_doc *doc, int64_t now,
                         char *detail, size_t detail_len);

/* Checks the scope rules and the claim values of `p` (policy_claims.c); detail as jwg_claims_check(). */
jwg_err jwg_claim_rules_check(const struct jwg_policy *p, const jwg_json_doc *doc, char *detail,
                              size_t detail_len);

/* Deep-copies the claim rules of `src` into `dst`, whose rule fields are empty. */
jwg_err jwg_claim_rules_copy(struct jwg_policy *dst, const struct jwg_policy *src);

/* Frees the claim rules a policy owns. */
void jwg_claim_rules_clear(struct jwg_policy *p);

/* Saturating int64 arithmetic: claims are attacker-chosen, so no sum may overflow. */
int64_t jwg_sat_add(int64_t a, int64_t b);
int64_t jwg_sat_sub(int64_t a, int64_t b);

#endif /* JWTGUARD_VERIFY_INTERNAL_H */
