/*
 * sec_forge.h: offline HMAC checks of leaked HS256/HS384/HS512 tokens.
 * Pure: no engine calls, so the unit tests use it directly.
 */
#ifndef JWTGUARD_SEC_FORGE_H
#define JWTGUARD_SEC_FORGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* A token prepared once and checked against many secrets. */
typedef struct sec_hs_token {
    const EVP_MD *md; /* SHA-256, SHA-384 or SHA-512, from the header's "alg" */
    const char *alg;  /* "HS256", "HS384" or "HS512" */
    size_t input_len; /* bytes of header.payload, the signing input (RFC 7515 5.1) */
    uint8_t sig[64];  /* the decoded signature */
    size_t sig_len;
} sec_hs_token;

/*
 * Prepares a compact JWS: decodes its header without verifying it and
 * keeps it when "alg" is HS256, HS384 or HS512 and the signature has the
 * hash's length. Returns false for anything else.
 */
bool sec_hs_token_prepare(const uint8_t *token, size_t len, sec_hs_token *out);

/* Returns true when `secret` signs `token` (prepared as `t`); compares with CRYPTO_memcmp. */
bool sec_hs_token_signed_with(const sec_hs_token *t, const uint8_t *token, const uint8_t *secret,
                              size_t secret_len);

#endif /* JWTGUARD_SEC_FORGE_H */
