/*
 * tok_claims.h: what a leaked token is, read from its header and claims
 * without verification (jwg_decode_unverified()): its state and whether it
 * carries privilege. Used by the token detector and its tests.
 */
#ifndef JWTGUARD_TOK_CLAIMS_H
#define JWTGUARD_TOK_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/jwt_span.h"

typedef enum tok_expiry {
    TOK_EXP_NONE = 0, /* no "exp" claim: valid until the key rotates */
    TOK_EXP_LIVE,     /* "exp" after the scan time */
    TOK_EXP_EXPIRED,  /* "exp" at or before the scan time */
    TOK_EXP_UNKNOWN   /* a JWE: the claims are encrypted */
} tok_expiry;

typedef enum tok_privilege {
    TOK_PRIV_NONE = 0,
    TOK_PRIV_ADMIN,          /* an admin-like role, group or scope */
    TOK_PRIV_SERVICE_ACCOUNT /* a Kubernetes service-account token */
} tok_privilege;

typedef struct tok_info {
    jwt_span_kind kind;
    char alg[16];            /* header "alg", printable ASCII, cut; "" when absent */
    bool unsigned_token;     /* "alg": "none" in any case, or an empty signature */
    tok_expiry expiry;
    int64_t exp;             /* the "exp" claim when expiry is LIVE or EXPIRED */
    tok_privilege privilege;
    const char *privilege_claim; /* the claim that showed it ("roles"), a static string */
} tok_info;

/*
 * Reads the token of `len` bytes at `token`, of the shape `kind`, at the
 * Unix time `now`. Returns false when it does not decode: a header or
 * claims that are not a strict JSON object, or a JWE header without "enc"
 * (RFC 7516 4.1.2).
 */
bool tok_classify(const uint8_t *token, size_t len, jwt_span_kind kind, int64_t now,
                  tok_info *out);

/* Returns whether a role, group or scope value of `len` bytes reads as administrative. */
bool tok_word_is_admin(const char *word, size_t len);

#endif /* JWTGUARD_TOK_CLAIMS_H */
