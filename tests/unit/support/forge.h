/*
 * forge.h: builds compact tokens from raw header and payload JSON text,
 * signed with OpenSSL directly, so tests can produce tokens that the
 * library's own signer would never emit. Independent of libjwtguard.
 * Every returned pointer is malloc'd and released with free().
 */
#ifndef JWTGUARD_TEST_FORGE_H
#define JWTGUARD_TEST_FORGE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* Signature encodings for forge_sign(). */
#define FORGE_PSS 0x01 /* RSA-PSS, salt length = hash length (RFC 7518 3.5) */
#define FORGE_DER 0x02 /* ECDSA left in DER instead of raw r||s */

/* Returns base64url of `len` bytes, no padding, NUL-terminated. */
char *forge_b64url(const uint8_t *in, size_t len);

/* Returns "b64url(header).b64url(payload)". */
char *forge_signing_input(const char *header, const char *payload);

/* Returns the signing input of header and payload followed by "." and b64url(sig). */
char *forge_with_sig(const char *header, const char *payload, const uint8_t *sig, size_t sig_len);

/* Returns a token whose signature is the HMAC (digest `md`, e.g. "SHA256") of the signing input. */
char *forge_hmac(const char *header, const char *payload, const char *md, const uint8_t *key,
                 size_t key_len);

/*
 * Returns a token signed with `pkey`: RSA PKCS#1 v1.5 or PSS, ECDSA (raw
 * r||s unless FORGE_DER) or EdDSA (`md` NULL).
 */
char *forge_sign(const char *header, const char *payload, EVP_PKEY *pkey, const char *md, int flags);

/*
 * Variants over a signing input that the caller built or altered; each
 * takes ownership of `input` (malloc'd) and returns the whole token.
 */
char *forge_with_sig_input(char *input, const uint8_t *sig, size_t sig_len);
char *forge_hmac_input(char *input, const char *md, const uint8_t *key, size_t key_len);
char *forge_sign_input(char *input, EVP_PKEY *pkey, const char *md, int flags);

/* Reads a whole file; NULL when it cannot be read. `len` may be NULL. The text is NUL-terminated. */
char *forge_read(const char *path, size_t *len);

/* Loads a PEM private key (PKCS#8 or traditional) or, failing that, a PEM public key. */
EVP_PKEY *forge_load_key(const char *path);

#endif /* JWTGUARD_TEST_FORGE_H */
