/*
 * jwtguard.h: the public interface of libjwtguard, a JSON Web Token
 * validator and signer that is correct by default.
 *
 * CONVENTIONS
 *
 * Handles. Every object is an opaque handle created by a `_new` call and
 * released by the matching `_free` call. `_free(NULL)` does nothing. Secure
 * defaults are set by `_new`; a caller only ever relaxes them explicitly.
 *
 * Errors. Every fallible call returns a `jwg_err`: `JWG_OK` (0) on success,
 * otherwise one code from the enum below. Codes are grouped by category
 * (hundreds digit) and a number, once published, is never reused.
 * `jwg_strerror()` returns a one-line English message and `jwg_err_name()` the
 * enum name. Fallible calls are marked `JWG_WARN_UNUSED` so that an ignored
 * result is a compiler warning.
 *
 * Outputs. Output pointers are reset (to NULL, 0 or an empty string) at entry,
 * so on any failure they hold no stale or partial value.
 *
 * NULL. Passing NULL where a handle, token or output pointer is required
 * returns `JWG_ERR_INVALID_ARGUMENT`; it never crashes.
 *
 * Ownership. Strings passed in are copied; the caller may free them after the
 * call returns. Memory returned through a `char **` or `uint8_t **` output is
 * owned by the caller and released with `jwg_free()`, which wipes it first.
 * Pointers returned by `jwg_result_*` accessors belong to the result and stay
 * valid until `jwg_result_free()`.
 *
 * Threads. A `jwg_verifier` is immutable once built and may be used by any
 * number of threads at once. Key sets, policies and signers must not be
 * changed while another thread uses them; `jwg_signer_sign*` may be called
 * from several threads on one signer. A `jwg_result` belongs to one thread.
 *
 * Constant time. MACs are compared as raw bytes of fixed length with
 * `CRYPTO_memcmp`. Signature checks are OpenSSL's. Nothing else (claims,
 * header members) is secret, so it is compared normally.
 *
 * Privacy. The library never prints or logs. No detail string, error message
 * or accessor of a failed result contains token, key, secret or signature
 * bytes; details name the member or the rule that failed.
 */
#ifndef JWTGUARD_JWTGUARD_H
#define JWTGUARD_JWTGUARD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The library is built with -fvisibility=hidden; every function declared in
 * this header, and nothing else, is exported from the shared object.
 */
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility push(default)
#endif

#if defined(__GNUC__) || defined(__clang__)
#define JWG_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define JWG_WARN_UNUSED
#endif

#define JWG_VERSION_STRING "0.1.0"

/* Default maximum size of a compact token in bytes; see jwg_policy_set_max_token_bytes(). */
#define JWG_DEFAULT_MAX_TOKEN_BYTES 16384u

/* Maximum accepted value of jwg_policy_set_max_token_bytes(). */
#define JWG_MAX_TOKEN_BYTES_LIMIT 65536u

/* Maximum nesting depth of header and claims JSON (objects and arrays). */
#define JWG_MAX_JSON_DEPTH 16u

/* Maximum number of keys in one key set. */
#define JWG_MAX_KEYS 64u

/* Size of a buffer for any detail string, including the NUL. */
#define JWG_DETAIL_MAX 160u

/* Size of a buffer for an RFC 7638 thumbprint: 43 base64url characters and a NUL. */
#define JWG_THUMBPRINT_MAX 44u

/*
 * Error codes. The hundreds digit is the category; numbers are never reused.
 */
typedef enum jwg_err {
    JWG_OK = 0,

    /* 1xx: the token is not a well-formed compact JWS. */
    JWG_ERR_TOKEN_TOO_LARGE = 100,   /* longer than the policy's maximum */
    JWG_ERR_TOKEN_SEGMENTS = 101,    /* not exactly three dot-separated segments, or an empty one */
    JWG_ERR_BASE64URL = 102,         /* padding, whitespace, foreign character or non-zero trailing bits */
    JWG_ERR_JSON_SYNTAX = 103,       /* header or claims are not valid JSON (RFC 8259) */
    JWG_ERR_JSON_NOT_OBJECT = 104,   /* header or claims are valid JSON but not an object */
    JWG_ERR_JSON_DUPLICATE = 105,    /* an object has two members with one name (RFC 7515 5.2) */
    JWG_ERR_JSON_DEPTH = 106,        /* nesting deeper than JWG_MAX_JSON_DEPTH */
    JWG_ERR_JSON_UTF8 = 107,         /* invalid UTF-8 or an unpaired surrogate escape */

    /* 2xx: the JOSE header is rejected. */
    JWG_ERR_ALG_MISSING = 200,       /* no "alg" member, or not a string */
    JWG_ERR_ALG_NONE = 201,          /* "none" in any spelling (RFC 8725 3.1) */
    JWG_ERR_ALG_UNKNOWN = 202,       /* an algorithm this library does not implement */
    JWG_ERR_ALG_NOT_ALLOWED = 203,   /* implemented but not in the policy's allow-list */
    JWG_ERR_CRIT_INVALID = 204,      /* "crit" is not a non-empty array of strings (RFC 7515 4.1.11) */
    JWG_ERR_CRIT_UNSUPPORTED = 205,  /* "crit" names an extension this library does not understand */
    JWG_ERR_TYP_MISMATCH = 206,      /* "typ" missing or not the one the policy requires */
    JWG_ERR_NESTED_JWT = 207,        /* "cty": "JWT" (nested tokens are not accepted) */
    JWG_ERR_HEADER_TYPE = 208,       /* a registered header member has the wrong JSON type */

    /* 3xx: key loading and key selection. */
    JWG_ERR_KEY_NOT_FOUND = 300,     /* no configured key matches the token's "kid" and "alg" */
    JWG_ERR_KEY_INVALID = 301,       /* key material could not be parsed */
    JWG_ERR_KEY_WEAK = 302,          /* RSA under 2048 bits, HMAC secret shorter than the hash */
    JWG_ERR_KEY_UNSUPPORTED = 303,   /* unknown "kty", "crv" or key type */
    JWG_ERR_KEY_USE = 304,           /* "use" is not "sig" or "key_ops" does not allow the operation */
    JWG_ERR_KEY_ALG_MISMATCH = 305,  /* the key selected by "kid" does not admit the token's "alg" */
    JWG_ERR_KEY_DUPLICATE_KID = 306, /* two keys in one set share a "kid" */
    JWG_ERR_KEY_MIXED = 307,         /* symmetric and asymmetric keys in one set */
    JWG_ERR_KEY_NOT_PRIVATE = 308,   /* signing needs a private key or a secret */
    JWG_ERR_KEY_SET_FULL = 309,      /* more than JWG_MAX_KEYS keys */

    /* 4xx: the signature is rejected. */
    JWG_ERR_SIGNATURE_INVALID = 400, /* the signature does not verify */
    JWG_ERR_SIGNATURE_LENGTH = 401,  /* wrong length for the algorithm (ECDSA must be raw r||s) */

    /* 5xx: the claims are rejected. */
    JWG_ERR_CLAIM_MISSING = 500,     /* a required claim is absent */
    JWG_ERR_CLAIM_TYPE = 501,        /* a claim has the wrong JSON type */
    JWG_ERR_EXPIRED = 502,           /* now >= exp + leeway (RFC 7519 4.1.4) */
    JWG_ERR_NOT_YET_VALID = 503,     /* now < nbf - leeway (RFC 7519 4.1.5) */
    JWG_ERR_ISSUED_IN_FUTURE = 504,  /* iat > now + leeway */
    JWG_ERR_ISSUER = 505,            /* "iss" matches no allowed issuer */
    JWG_ERR_AUDIENCE = 506,          /* no "aud" value is an allowed audience */
    JWG_ERR_LIFETIME = 507,          /* exp - iat exceeds the maximum lifetime */
    JWG_ERR_TOO_OLD = 508,           /* now - iat exceeds the maximum age */
    JWG_ERR_SCOPE = 509,             /* "scope"/"scp" do not satisfy the policy's scope rules */
    JWG_ERR_CLAIM_VALUE = 510,       /* a claim does not have the value the policy requires */

    /* 6xx: the caller's configuration or arguments. */
    JWG_ERR_INVALID_ARGUMENT = 600,  /* NULL, out-of-range value or unknown name passed in */
    JWG_ERR_POLICY_INVALID = 601,    /* the policy cannot be enforced (for example no issuer while iss is required) */
    JWG_ERR_NO_KEYS = 602,           /* the key set is empty or admits no allowed algorithm */

    /* 7xx: the system. */
    JWG_ERR_NOMEM = 700,             /* memory allocation failed */
    JWG_ERR_CRYPTO = 701,            /* OpenSSL failed for a reason other than a bad signature */
    JWG_ERR_RANDOM = 702,            /* the random generator failed */
    JWG_ERR_KEY_SOURCE_UNAVAILABLE = 703, /* no usable key set could be obtained from a key source */

    /* 8xx: reading a member of a result. */
    JWG_ERR_MEMBER_NOT_FOUND = 800,  /* the header or claims have no such member */
    JWG_ERR_MEMBER_TYPE = 801,       /* the member exists with another JSON type or out of range */
    JWG_ERR_NOT_VERIFIED = 802       /* claims of a token whose signature was not verified */
} jwg_err;

/* Returns a static one-line English message for `err`; never NULL. */
const char *jwg_strerror(jwg_err err);

/* Returns the static enum name of `err` ("JWG_ERR_EXPIRED"); "JWG_ERR_UNKNOWN" for other values. */
const char *jwg_err_name(jwg_err err);

/* Returns JWG_VERSION_STRING of the library that is linked. */
const char *jwg_version(void);

/* Wipes and frees memory that a jwg_ call returned through an output pointer. */
void jwg_free(void *ptr, size_t len);

/*
 * Algorithms. Names are the JWA names of RFC 7518 and RFC 8037, compared
 * case-sensitively: HS256 HS384 HS512 RS256 RS384 RS512 PS256 PS384 PS512
 * ES256 ES384 ES512 EdDSA. "none" is never accepted in any spelling.
 */

/* Returns 1 when `alg` is an algorithm this library implements, else 0. */
int jwg_alg_supported(const char *alg);

/* ---------------------------------------------------------------------- */
/* Key sets                                                                 */
/* ---------------------------------------------------------------------- */

/*
 * A key set holds up to JWG_MAX_KEYS keys. Each loader takes one format, so
 * nothing is ever guessed from content. `alg` (may be NULL) binds the key to
 * one algorithm; without it the key admits its own family only:
 *   RSA: RS256 RS384 RS512 PS256 PS384 PS512
 *   EC:  ES256 (P-256), ES384 (P-384) or ES512 (P-521)
 *   OKP: EdDSA (Ed25519, Ed448)
 *   oct: each HS* whose hash output is not longer than the secret
 * An `alg` outside the key's family is JWG_ERR_KEY_ALG_MISMATCH. `kid` (may be
 * NULL) names the key; a JWK's own "kid" is used for JWK loaders. Keys are
 * rejected at load when weak (RSA under 2048 bits, an HMAC secret shorter
 * than 32 bytes or than the bound algorithm's hash, RFC 7518 3.2), when two
 * keys share a kid, and when symmetric and asymmetric keys would be mixed.
 * On failure the set is unchanged and jwg_keyset_detail() says why.
 */
typedef struct jwg_keyset jwg_keyset;

JWG_WARN_UNUSED jwg_err jwg_keyset_new(jwg_keyset **out);
void jwg_keyset_free(jwg_keyset *ks);

/* Adds an HMAC secret of `len` raw bytes. */
JWG_WARN_UNUSED jwg_err jwg_keyset_add_hmac(jwg_keyset *ks, const uint8_t *secret, size_t len,
                                            const char *alg, const char *kid);

/* Adds a PEM SubjectPublicKeyInfo ("BEGIN PUBLIC KEY") of RSA, EC, Ed25519 or Ed448. */
JWG_WARN_UNUSED jwg_err jwg_keyset_add_pem_public(jwg_keyset *ks, const char *pem, size_t len,
                                                  const char *alg, const char *kid);

/* Adds the public key of a PEM X.509 certificate. Validity dates and chain are not checked. */
JWG_WARN_UNUSED jwg_err jwg_keyset_add_pem_cert(jwg_keyset *ks, const char *pem, size_t len,
                                                const char *alg, const char *kid);

/* Adds a PEM PKCS#8 private key ("BEGIN PRIVATE KEY"), usable to sign and verify. */
JWG_WARN_UNUSED jwg_err jwg_keyset_add_pem_private(jwg_keyset *ks, const char *pem, size_t len,
                                                   const char *alg, const char *kid);

/*
 * Adds one JWK (RFC 7517), public or private. Its "alg", "kid", "use" and
 * "key_ops" are honoured: a key whose "use" is not "sig", or whose "key_ops"
 * lacks "verify", is loaded but never used to verify, and a token that
 * selects it fails with JWG_ERR_KEY_USE.
 */
JWG_WARN_UNUSED jwg_err jwg_keyset_add_jwk(jwg_keyset *ks, const char *json, size_t len);

/*
 * Adds the keys of a JWK set ({"keys": [...]}); all or none are added.
 * Members that a signature verifier cannot use are skipped: an unknown
 * "kty" (RFC 7517 5 recommends ignoring those), a "use" other than "sig", an
 * OKP key on X25519 or X448, or a JWE "alg" (RSA1_5, RSA-OAEP*, A*KW,
 * A*GCMKW, ECDH-ES*, PBES2-*, dir, A*GCM, A*CBC-HS*). Any other defect in any member (malformed, weak,
 * duplicate kid, unknown curve, point not on the curve) rejects the whole
 * set. A set whose members were all skipped is JWG_ERR_KEY_UNSUPPORTED; an
 * empty "keys" array adds nothing and succeeds. jwg_keyset_add_jwk() skips
 * nothing.
 */
JWG_WARN_UNUSED jwg_err jwg_keyset_add_jwks(jwg_keyset *ks, const char *json, size_t len);

/* Returns the number of keys in the set. */
size_t jwg_keyset_count(const jwg_keyset *ks);

/* Writes the RFC 7638 SHA-256 thumbprint, base64url, of key `index` into `out`. */
JWG_WARN_UNUSED jwg_err jwg_keyset_thumbprint(const jwg_keyset *ks, size_t index,
                                              char out[JWG_THUMBPRINT_MAX]);

/* Returns the kid of key `index`, or NULL when it has none or index is out of range. */
const char *jwg_keyset_kid(const jwg_keyset *ks, size_t index);

/* Returns 1 when key `index` has a private part or is an HMAC secret; 0 otherwise or out of range. */
int jwg_keyset_is_private(const jwg_keyset *ks, size_t index);

/*
 * Writes the algorithms key `index` admits, space-separated ("RS256 RS384 ..."),
 * into `out`; truncated output is JWG_ERR_INVALID_ARGUMENT.
 */
JWG_WARN_UNUSED jwg_err jwg_keyset_algs(const jwg_keyset *ks, size_t index, char *out, size_t out_len);

/*
 * Exports the public parts of every asymmetric key as a JWK set, with "kid",
 * "alg" (when bound) and "use": "sig". Secrets are never exported: a set of
 * HMAC keys is JWG_ERR_INVALID_ARGUMENT.
 */
JWG_WARN_UNUSED jwg_err jwg_keyset_export_public_jwks(const jwg_keyset *ks, char **out, size_t *out_len);

/* Returns why the last failed call on `ks` failed; "" when nothing failed. */
const char *jwg_keyset_detail(const jwg_keyset *ks);

/*
 * Generates a key for `alg`. Asymmetric: `*private_out` is a PEM PKCS#8
 * private key and `*public_jwks_out` a JWK set with the public key, `kid`
 * (generated from the thumbprint when NULL) and `alg`. HS*: `*private_out` is
 * a random secret as long as the hash output and `*public_jwks_out` is NULL.
 * RSA keys have 2048 bits unless `rsa_bits` (2048..8192, 0 for the default) sets another size.
 */
JWG_WARN_UNUSED jwg_err jwg_keygen(const char *alg, const char *kid, unsigned rsa_bits,
                                   uint8_t **private_out, size_t *private_len,
                                   char **public_jwks_out, size_t *public_jwks_len);

/* ---------------------------------------------------------------------- */
/* Policies                                                                 */
/* ---------------------------------------------------------------------- */

/*
 * A policy defines what a valid token is. Defaults from jwg_policy_new(): "exp",
 * "iss" and "aud" are required, and "iss" and "aud" must match a configured
 * value, so a verifier cannot be built until issuers and audiences are added
 * or their checks are explicitly dropped. Leeway 0 s; no maximum lifetime or
 * age; no "typ" requirement; maximum token size JWG_DEFAULT_MAX_TOKEN_BYTES;
 * allowed algorithms: those the keys admit.
 */
typedef struct jwg_policy jwg_policy;

typedef enum jwg_check {
    JWG_CHECK_EXP = 1u << 0, /* "exp" required and checked */
    JWG_CHECK_ISS = 1u << 1, /* "iss" required and matched against the allowed issuers */
    JWG_CHECK_AUD = 1u << 2  /* "aud" required and matched against the allowed audiences */
} jwg_check;

JWG_WARN_UNUSED jwg_err jwg_policy_new(jwg_policy **out);
void jwg_policy_free(jwg_policy *p);

/* Adds an allowed issuer; "iss" must equal one of them byte for byte. */
JWG_WARN_UNUSED jwg_err jwg_policy_add_issuer(jwg_policy *p, const char *iss);

/* Adds an allowed audience; one "aud" value must equal one of them byte for byte. */
JWG_WARN_UNUSED jwg_err jwg_policy_add_audience(jwg_policy *p, const char *aud);

/* Adds an algorithm to the allow-list. "none" and unknown names are JWG_ERR_INVALID_ARGUMENT. */
JWG_WARN_UNUSED jwg_err jwg_policy_add_alg(jwg_policy *p, const char *alg);

/*
 * Drops one of the default checks (a jwg_check flag). Dropping a check means
 * the claim is neither required nor compared; "exp" is still enforced when
 * present. Callers should make this a visible decision.
 */
JWG_WARN_UNUSED jwg_err jwg_policy_drop_check(jwg_policy *p, jwg_check check);

/*
 * Requires "typ" to be present and equal to `typ`, compared ASCII
 * case-insensitively with an optional "application/" prefix (RFC 7515 4.1.9).
 */
JWG_WARN_UNUSED jwg_err jwg_policy_set_typ(jwg_policy *p, const char *typ);

/* Sets the clock skew, in seconds (0..86400), allowed on exp, nbf and iat. */
JWG_WARN_UNUSED jwg_err jwg_policy_set_leeway(jwg_policy *p, int64_t seconds);

/* Sets the maximum exp - iat in seconds; iat then becomes required. 0 removes the limit. */
JWG_WARN_UNUSED jwg_err jwg_policy_set_max_lifetime(jwg_policy *p, int64_t seconds);

/* Sets the maximum now - iat in seconds; iat then becomes required. 0 removes the limit. */
JWG_WARN_UNUSED jwg_err jwg_policy_set_max_age(jwg_policy *p, int64_t seconds);

/* Sets the maximum compact token size in bytes (1..JWG_MAX_TOKEN_BYTES_LIMIT). */
JWG_WARN_UNUSED jwg_err jwg_policy_set_max_token_bytes(jwg_policy *p, size_t bytes);

/* Requires a claim to be present (any JSON type), for example "sub" or "jti". */
JWG_WARN_UNUSED jwg_err jwg_policy_require_claim(jwg_policy *p, const char *name);

/*
 * Scope rules. A token's scopes are the space-separated values of a "scope"
 * string (RFC 8693 4.2) together with the elements of a "scope" or "scp"
 * array of strings. With any-of scopes configured, at least one of them must
 * be present; every all-of scope must be present. A token with neither
 * claim is JWG_ERR_CLAIM_MISSING, a claim of another JSON type
 * JWG_ERR_CLAIM_TYPE, and unmet rules JWG_ERR_SCOPE. A scope value is
 * non-empty and contains no space.
 */
JWG_WARN_UNUSED jwg_err jwg_policy_require_scope_any(jwg_policy *p, const char *scope);
JWG_WARN_UNUSED jwg_err jwg_policy_require_scope_all(jwg_policy *p, const char *scope);

/*
 * Requires claim `name` to equal the JSON value `json` (`json_len` bytes): a
 * string (compared byte for byte after unescaping), an integer, true or
 * false. Other JSON values are JWG_ERR_INVALID_ARGUMENT. An absent claim is
 * JWG_ERR_CLAIM_MISSING, another JSON type JWG_ERR_CLAIM_TYPE and another
 * value JWG_ERR_CLAIM_VALUE.
 */
JWG_WARN_UNUSED jwg_err jwg_policy_require_claim_equals(jwg_policy *p, const char *name,
                                                        const char *json, size_t json_len);

/* ---------------------------------------------------------------------- */
/* Verifiers and results                                                    */
/* ---------------------------------------------------------------------- */

/*
 * A verifier is a policy bound to a key set, checked once and immutable. It
 * keeps its own copy of the policy and its own reference to the keys, so the
 * caller may free both after jwg_verifier_new() returns.
 *
 * Verification order: size limit, split, strict base64url, header JSON,
 * "alg" in the allow-list, "crit", "typ", "cty", key selection, signature,
 * claims JSON, claims. "kid" selects among configured keys only; the "jwk",
 * "jku", "x5u" and "x5c" header members are never used to find or build a
 * key. Without "kid", every key that admits "alg" is tried. With "kid", only
 * the keys of exactly that kid are candidates when any exists. Otherwise
 * every key configured without a kid that admits "alg" is tried.
 */
typedef struct jwg_verifier jwg_verifier;
typedef struct jwg_result jwg_result;

/* Builds a verifier. On failure `detail` (may be NULL) states what to change. */
JWG_WARN_UNUSED jwg_err jwg_verifier_new(jwg_verifier **out, const jwg_policy *p,
                                         const jwg_keyset *ks, char *detail, size_t detail_len);
void jwg_verifier_free(jwg_verifier *v);

/*
 * Verifies a compact JWT at the current time. Returns JWG_OK or the first
 * check that failed. `*out` receives a result in both cases (NULL only on
 * JWG_ERR_NOMEM or JWG_ERR_INVALID_ARGUMENT) that the caller frees.
 */
JWG_WARN_UNUSED jwg_err jwg_verify(const jwg_verifier *v, const char *token, size_t len,
                                   jwg_result **out);

/* jwg_verify() at the Unix time `now`, in seconds. */
JWG_WARN_UNUSED jwg_err jwg_verify_at(const jwg_verifier *v, const char *token, size_t len,
                                      int64_t now, jwg_result **out);

/*
 * Verifies a compact JWS whose payload is opaque bytes: the same size,
 * header and key rules, no claims JSON and no claim checks. The payload is
 * read with jwg_result_payload().
 */
JWG_WARN_UNUSED jwg_err jwg_verify_jws(const jwg_verifier *v, const char *token, size_t len,
                                       jwg_result **out);

/*
 * DECODING WITHOUT VERIFICATION. NOTHING IN THIS RESULT IS AUTHENTIC: no
 * signature, key, algorithm or claim is checked, and anyone can write a
 * token that decodes. Use it to show a token to a person or to find
 * tokens, never to grant access; use jwg_verify() for that.
 *
 * Splits `token` into three segments, decodes them with the strict
 * base64url rules of verification and parses header and claims as strict
 * JSON objects, with the same error codes as jwg_verify(). Tokens over
 * JWG_MAX_TOKEN_BYTES_LIMIT bytes are JWG_ERR_TOKEN_TOO_LARGE. "alg" is
 * not read and the signature segment may be empty, so an unsecured token
 * ("alg": "none") decodes.
 *
 * On JWG_OK, `*out` is a result whose jwg_result_error() is
 * JWG_ERR_NOT_VERIFIED, so code that checks the result's error rejects it.
 * Its header and claims are readable with the jwg_result_* accessors;
 * jwg_result_payload() returns JWG_ERR_NOT_VERIFIED and
 * jwg_result_key_thumbprint() returns NULL. On a decoding error, `*out` is
 * a result holding that error and a detail naming the part that failed, as
 * with jwg_verify(); it is NULL only on JWG_ERR_NOMEM or
 * JWG_ERR_INVALID_ARGUMENT.
 */
JWG_WARN_UNUSED jwg_err jwg_decode_unverified(const char *token, size_t len, jwg_result **out);

void jwg_result_free(jwg_result *r);

/* Returns the result's error code: JWG_OK for a valid token. */
jwg_err jwg_result_error(const jwg_result *r);

/* Returns a detail string naming what failed ("" when valid); never token or key bytes. */
const char *jwg_result_detail(const jwg_result *r);

/* Where a member is looked up: the JOSE header or the claims (payload). */
typedef enum jwg_part { JWG_PART_HEADER = 0, JWG_PART_CLAIMS = 1 } jwg_part;

/*
 * Member accessors. The header is readable whenever it parsed, even on a
 * rejected token (it is then unverified). Claims are readable only when the
 * signature verified (JWG_ERR_NOT_VERIFIED otherwise); after a claim check
 * failed they are authentic but were rejected.
 */

/* Returns the decoded JSON text of a part. */
JWG_WARN_UNUSED jwg_err jwg_result_json(const jwg_result *r, jwg_part part, const char **out,
                                        size_t *out_len);

/* Returns the unescaped, NUL-terminated value of a string member and its length. */
JWG_WARN_UNUSED jwg_err jwg_result_string(const jwg_result *r, jwg_part part, const char *name,
                                          const char **out, size_t *out_len);

/* Returns an integer member; a non-integer or one outside int64_t is JWG_ERR_MEMBER_TYPE. */
JWG_WARN_UNUSED jwg_err jwg_result_int(const jwg_result *r, jwg_part part, const char *name,
                                       int64_t *out);

/* Returns a number member as a double. */
JWG_WARN_UNUSED jwg_err jwg_result_number(const jwg_result *r, jwg_part part, const char *name,
                                          double *out);

/* Returns a boolean member as 0 or 1. */
JWG_WARN_UNUSED jwg_err jwg_result_bool(const jwg_result *r, jwg_part part, const char *name,
                                        int *out);

/* Returns the number of elements of a member that is an array of strings only. */
JWG_WARN_UNUSED jwg_err jwg_result_strings_count(const jwg_result *r, jwg_part part,
                                                 const char *name, size_t *count);

/* Returns element `index` of a member that is an array of strings only. */
JWG_WARN_UNUSED jwg_err jwg_result_strings_at(const jwg_result *r, jwg_part part, const char *name,
                                              size_t index, const char **out, size_t *out_len);

/* Returns the raw JSON text of any member's value, as it appears in the token. */
JWG_WARN_UNUSED jwg_err jwg_result_raw(const jwg_result *r, jwg_part part, const char *name,
                                       const char **out, size_t *out_len);

/* Returns the payload bytes of a verified JWS (jwg_verify_jws) or JWT. */
JWG_WARN_UNUSED jwg_err jwg_result_payload(const jwg_result *r, const uint8_t **out, size_t *out_len);

/* Returns the thumbprint of the key that verified the signature, or NULL before that step. */
const char *jwg_result_key_thumbprint(const jwg_result *r);

/* ---------------------------------------------------------------------- */
/* Signers                                                                  */
/* ---------------------------------------------------------------------- */

/*
 * A signer issues compact JWTs with one key and one algorithm. Every token
 * gets "iat", "exp" (a lifetime must be set), a random 128-bit "jti", the
 * header "kid" of the key when it has one, and "typ": "JWT" unless changed.
 */
typedef struct jwg_signer jwg_signer;

/*
 * Builds a signer from the single key of `ks` that can sign with `alg` (a
 * private key or an HMAC secret). "none" and weak keys are rejected as in
 * verification.
 */
JWG_WARN_UNUSED jwg_err jwg_signer_new(jwg_signer **out, const jwg_keyset *ks, const char *alg,
                                       char *detail, size_t detail_len);
void jwg_signer_free(jwg_signer *s);

/* Sets the token lifetime in seconds (1..31536000). Required before signing. */
JWG_WARN_UNUSED jwg_err jwg_signer_set_lifetime(jwg_signer *s, int64_t seconds);
JWG_WARN_UNUSED jwg_err jwg_signer_set_issuer(jwg_signer *s, const char *iss);
JWG_WARN_UNUSED jwg_err jwg_signer_add_audience(jwg_signer *s, const char *aud);
JWG_WARN_UNUSED jwg_err jwg_signer_set_subject(jwg_signer *s, const char *sub);

/* Sets the header "typ"; NULL omits it. */
JWG_WARN_UNUSED jwg_err jwg_signer_set_typ(jwg_signer *s, const char *typ);

/*
 * Adds a claim whose value is the JSON text `json` (validated strictly).
 * The names iat, exp, jti, iss, aud and sub are set by the signer and are
 * JWG_ERR_INVALID_ARGUMENT here; setting a name twice replaces it.
 */
JWG_WARN_UNUSED jwg_err jwg_signer_add_claim_json(jwg_signer *s, const char *name,
                                                  const char *json, size_t json_len);

/* Signs a new token now; `*out` is NUL-terminated and freed with jwg_free(). */
JWG_WARN_UNUSED jwg_err jwg_signer_sign(const jwg_signer *s, char **out, size_t *out_len);

/* jwg_signer_sign() at the Unix time `now`, in seconds. */
JWG_WARN_UNUSED jwg_err jwg_signer_sign_at(const jwg_signer *s, int64_t now, char **out,
                                           size_t *out_len);

/* Signs opaque bytes as a compact JWS (no claims are added). */
JWG_WARN_UNUSED jwg_err jwg_signer_sign_jws(const jwg_signer *s, const uint8_t *payload,
                                            size_t payload_len, char **out, size_t *out_len);

/* ---------------------------------------------------------------------- */
/* Policy files                                                             */
/* ---------------------------------------------------------------------- */

/*
 * A policy file is YAML (docs/POLICY.md): an environment, a service name and
 * the trusted issuers, each with its own rules and key sources, plus token
 * limits, gateway routes and identity headers. Loading it reads every key
 * source (files, environment variables, commands) once. Errors name the
 * file, line, column and key in `detail`; a buffer of 512 bytes fits any of
 * them, and a shorter one receives a truncated detail. Schema errors are
 * JWG_ERR_POLICY_INVALID; a key source that cannot be read or run is
 * JWG_ERR_KEY_SOURCE_UNAVAILABLE; a key that cannot be used keeps its key
 * set code (JWG_ERR_KEY_INVALID, JWG_ERR_KEY_WEAK, ...).
 */
typedef struct jwg_policy_file jwg_policy_file;

/* Where a gateway takes the token from. */
typedef enum jwg_token_from {
    JWG_TOKEN_FROM_BEARER = 0, /* the Authorization header, scheme Bearer (RFC 6750 2.1) */
    JWG_TOKEN_FROM_COOKIE = 1, /* a cookie of a configured name */
    JWG_TOKEN_FROM_QUERY = 2   /* a query parameter of a configured name (RFC 6750 2.3 discourages it) */
} jwg_token_from;

JWG_WARN_UNUSED jwg_err jwg_policy_load_file(const char *path, jwg_policy_file **out, char *detail,
                                             size_t detail_len);
void jwg_policy_file_free(jwg_policy_file *pf);

/* Returns the file's "environment" and "service"; never NULL for a loaded file. */
const char *jwg_policy_file_environment(const jwg_policy_file *pf);
const char *jwg_policy_file_service(const jwg_policy_file *pf);

/* Returns the number of issuers, and the name of issuer `index` (NULL when out of range). */
size_t jwg_policy_file_issuer_count(const jwg_policy_file *pf);
const char *jwg_policy_file_issuer(const jwg_policy_file *pf, size_t index);

/* Returns the maximum token size in bytes ("token.max_bytes", else JWG_DEFAULT_MAX_TOKEN_BYTES). */
size_t jwg_policy_file_max_token_bytes(const jwg_policy_file *pf);

/* Returns where the token is taken from; `*name` (may be NULL) gets the cookie or parameter name. */
jwg_token_from jwg_policy_file_token_from(const jwg_policy_file *pf, const char **name);

/* Returns the number of gateway routes, and the method ("*" for any) and path prefix of route `index`. */
size_t jwg_policy_file_route_count(const jwg_policy_file *pf);
JWG_WARN_UNUSED jwg_err jwg_policy_file_route(const jwg_policy_file *pf, size_t index,
                                              const char **method, const char **path_prefix);

/* Returns the number of identity headers, and the claim and header name of entry `index`. */
size_t jwg_policy_file_identity_header_count(const jwg_policy_file *pf);
JWG_WARN_UNUSED jwg_err jwg_policy_file_identity_header(const jwg_policy_file *pf, size_t index,
                                                        const char **claim, const char **header);

/*
 * Builds one verifier for every issuer of `pf`. jwg_verify() and
 * jwg_verify_at() read the token's unverified "iss" first and check the
 * token with the rules and keys of the issuer of exactly that name only: a
 * missing "iss" is JWG_ERR_CLAIM_MISSING, another issuer JWG_ERR_ISSUER.
 * jwg_verify_jws() on such a verifier is JWG_ERR_POLICY_INVALID. `pf` may be
 * freed once this returns.
 */
JWG_WARN_UNUSED jwg_err jwg_verifier_new_from_file(jwg_verifier **out, const jwg_policy_file *pf,
                                                   char *detail, size_t detail_len);

/* ---------------------------------------------------------------------- */
/* Gateway                                                                  */
/* ---------------------------------------------------------------------- */

/*
 * The "gateway" section of a policy file: the settings of `jwtguard serve`
 * (docs/POLICY.md, docs/SERVE.md). Strings belong to the policy file; an
 * optional header name that is not set is NULL.
 */
typedef struct jwg_gateway_settings {
    const char *realm;                 /* WWW-Authenticate realm; the service name by default */
    const char *client_address_header; /* header with the client's address; NULL: the peer address */
    const char *region_header;         /* header naming the caller's region; NULL when unset */
    const char *service_header;        /* header naming the calling service; NULL when unset */
    const char *shared_secret_header;  /* "X-Jwtguard-Secret" by default */
    size_t cache_max_entries;          /* verified-token cache size; 0 turns it off; 100000 by default */
    int64_t cache_max_ttl;             /* seconds an entry may live at most; 300 by default */
    int unmatched_allow;               /* with routes, a request matching none is allowed (1) or 403 (0) */
    int revocation_fail_open;          /* revocation state unknown: allow (1) or 503 (0) */
    uint32_t anomaly_max_regions;      /* distinct values per token fingerprint in the window; 0: no limit */
    uint32_t anomaly_max_services;
    uint32_t anomaly_max_networks;
    int64_t anomaly_window;            /* seconds; 3600 by default */
    int anomaly_deny;                  /* a broken limit denies (1) or only raises an alert (0) */
    const char *redis_prefix;          /* Redis key prefix; "jwtguard" by default */
} jwg_gateway_settings;

/* Fills `out` with the gateway settings of `pf`, defaults included. */
void jwg_policy_file_gateway(const jwg_policy_file *pf, jwg_gateway_settings *out);

/*
 * Finds the route of a request: `method` upper case, `path` (length
 * `path_len`) already normalized, without query or fragment. A route's
 * prefix matches whole path segments ("/orders" matches "/orders/7", not
 * "/ordersx"); the longest prefix wins, and on equal prefixes a route of
 * the request's method beats one of "*". Returns JWG_OK with `*index`, or
 * JWG_ERR_MEMBER_NOT_FOUND when no route matches.
 */
JWG_WARN_UNUSED jwg_err jwg_policy_file_route_find(const jwg_policy_file *pf, const char *method,
                                                   const char *path, size_t path_len, size_t *index);

/*
 * Checks route `index`'s rules against a verified token: its
 * required_claims (JWG_ERR_CLAIM_MISSING), then its scope rules with the
 * semantics of an issuer's (JWG_ERR_SCOPE, JWG_ERR_CLAIM_MISSING when the
 * token has no scope claim, JWG_ERR_CLAIM_TYPE). A result that did not
 * verify is JWG_ERR_NOT_VERIFIED.
 */
JWG_WARN_UNUSED jwg_err jwg_policy_file_route_check(const jwg_policy_file *pf, size_t index,
                                                    const jwg_result *r, char *detail,
                                                    size_t detail_len);

/*
 * Sets `*scope` to scope `i` of route `index`'s scope_all_of list (`all`
 * nonzero) or scope_any_of list (`all` zero). Returns
 * JWG_ERR_MEMBER_NOT_FOUND past the end of the list.
 */
JWG_WARN_UNUSED jwg_err jwg_policy_file_route_scope(const jwg_policy_file *pf, size_t index, int all,
                                                    size_t i, const char **scope);

/*
 * Returns the Unix time from which a verified token stops being valid under
 * `pf`: the smaller of its integer "exp" and "iat" plus the issuer's
 * max_age; INT64_MAX when neither applies, INT64_MIN for a result that did
 * not verify. A cache of verified tokens must drop the entry at that time.
 */
int64_t jwg_policy_file_valid_until(const jwg_policy_file *pf, const jwg_result *r);

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* JWTGUARD_JWTGUARD_H */
