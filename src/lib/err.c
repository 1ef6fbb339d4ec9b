/*
 * err.c: names and messages of the public error codes.
 */
#include "internal.h"

struct err_entry {
    jwg_err code;
    const char *name;
    const char *message;
};

#define ERR_ROW(code, message) {code, #code, message}

/* One row per code in jwtguard.h; the message says what failed in plain words. */
static const struct err_entry err_table[] = {
    ERR_ROW(JWG_OK, "success"),
    ERR_ROW(JWG_ERR_TOKEN_TOO_LARGE, "token is larger than the policy's maximum size"),
    ERR_ROW(JWG_ERR_TOKEN_SEGMENTS, "token is not three non-empty base64url segments separated by dots"),
    ERR_ROW(JWG_ERR_BASE64URL, "token segment is not strict unpadded base64url"),
    ERR_ROW(JWG_ERR_JSON_SYNTAX, "header or claims are not valid JSON"),
    ERR_ROW(JWG_ERR_JSON_NOT_OBJECT, "header or claims are not a JSON object"),
    ERR_ROW(JWG_ERR_JSON_DUPLICATE, "JSON object has a duplicate member name"),
    ERR_ROW(JWG_ERR_JSON_DEPTH, "JSON nesting is too deep"),
    ERR_ROW(JWG_ERR_JSON_UTF8, "JSON text is not valid UTF-8"),
    ERR_ROW(JWG_ERR_ALG_MISSING, "header has no \"alg\" string"),
    ERR_ROW(JWG_ERR_ALG_NONE, "unsigned token (\"alg\": \"none\") is never accepted"),
    ERR_ROW(JWG_ERR_ALG_UNKNOWN, "header \"alg\" is not a supported algorithm"),
    ERR_ROW(JWG_ERR_ALG_NOT_ALLOWED, "header \"alg\" is not in the allowed algorithms"),
    ERR_ROW(JWG_ERR_CRIT_INVALID, "header \"crit\" is not a non-empty array of strings"),
    ERR_ROW(JWG_ERR_CRIT_UNSUPPORTED, "header \"crit\" names an unsupported extension"),
    ERR_ROW(JWG_ERR_TYP_MISMATCH, "header \"typ\" is missing or not the required type"),
    ERR_ROW(JWG_ERR_NESTED_JWT, "nested token (\"cty\": \"JWT\") is not accepted"),
    ERR_ROW(JWG_ERR_HEADER_TYPE, "a header member has the wrong JSON type"),
    ERR_ROW(JWG_ERR_KEY_NOT_FOUND, "no configured key matches the token's \"kid\" and \"alg\""),
    ERR_ROW(JWG_ERR_KEY_INVALID, "key could not be parsed"),
    ERR_ROW(JWG_ERR_KEY_WEAK, "key is too weak"),
    ERR_ROW(JWG_ERR_KEY_UNSUPPORTED, "key type or curve is not supported"),
    ERR_ROW(JWG_ERR_KEY_USE, "key is not allowed for this operation by its \"use\" or \"key_ops\""),
    ERR_ROW(JWG_ERR_KEY_ALG_MISMATCH, "key does not admit the requested algorithm"),
    ERR_ROW(JWG_ERR_KEY_DUPLICATE_KID, "two keys share one \"kid\""),
    ERR_ROW(JWG_ERR_KEY_MIXED, "symmetric and asymmetric keys cannot be mixed in one key set"),
    ERR_ROW(JWG_ERR_KEY_NOT_PRIVATE, "signing needs a private key or an HMAC secret"),
    ERR_ROW(JWG_ERR_KEY_SET_FULL, "key set is full"),
    ERR_ROW(JWG_ERR_SIGNATURE_INVALID, "signature is invalid"),
    ERR_ROW(JWG_ERR_SIGNATURE_LENGTH, "signature has the wrong length for its algorithm"),
    ERR_ROW(JWG_ERR_CLAIM_MISSING, "a required claim is missing"),
    ERR_ROW(JWG_ERR_CLAIM_TYPE, "a claim has the wrong JSON type"),
    ERR_ROW(JWG_ERR_EXPIRED, "token has expired"),
    ERR_ROW(JWG_ERR_NOT_YET_VALID, "token is not valid yet (\"nbf\" is in the future)"),
    ERR_ROW(JWG_ERR_ISSUED_IN_FUTURE, "token was issued in the future (\"iat\")"),
    ERR_ROW(JWG_ERR_ISSUER, "issuer is not allowed"),
    ERR_ROW(JWG_ERR_AUDIENCE, "audience is not allowed"),
    ERR_ROW(JWG_ERR_LIFETIME, "token lifetime (exp - iat) exceeds the maximum"),
    ERR_ROW(JWG_ERR_TOO_OLD, "token is older than the maximum age"),
    ERR_ROW(JWG_ERR_SCOPE, "token scopes do not satisfy the policy's scope rules"),
    ERR_ROW(JWG_ERR_CLAIM_VALUE, "a claim does not have the value the policy requires"),
    ERR_ROW(JWG_ERR_INVALID_ARGUMENT, "invalid argument"),
    ERR_ROW(JWG_ERR_POLICY_INVALID, "policy cannot be enforced as configured"),
    ERR_ROW(JWG_ERR_NO_KEYS, "no key admits an allowed algorithm"),
    ERR_ROW(JWG_ERR_NOMEM, "out of memory"),
    ERR_ROW(JWG_ERR_CRYPTO, "cryptographic operation failed"),
    ERR_ROW(JWG_ERR_RANDOM, "random number generator failed"),
    ERR_ROW(JWG_ERR_KEY_SOURCE_UNAVAILABLE, "no usable key set is available from the key source"),
    ERR_ROW(JWG_ERR_MEMBER_NOT_FOUND, "member not found"),
    ERR_ROW(JWG_ERR_MEMBER_TYPE, "member has another JSON type or is out of range"),
    ERR_ROW(JWG_ERR_NOT_VERIFIED, "claims are not available because the signature was not verified"),
};

static const struct err_entry *err_lookup(jwg_err err)
{
    for (size_t i = 0; i < JWG_ARRAY_LEN(err_table); i++) {
        if (err_table[i].code == err)
            return &err_table[i];
    }
    return NULL;
}

const char *jwg_strerror(jwg_err err)
{
    const struct err_entry *e = err_lookup(err);
    return e != NULL ? e->message : "unknown error code";
}

const char *jwg_err_name(jwg_err err)
{
    const struct err_entry *e = err_lookup(err);
    return e != NULL ? e->name : "JWG_ERR_UNKNOWN";
}

const char *jwg_version(void)
{
    return JWG_VERSION_STRING;
}
