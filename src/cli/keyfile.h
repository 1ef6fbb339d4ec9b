/*
 * keyfile.h: loading key files for verify and sign. The loader is chosen by
 * the file's declared format (its PEM armour label, or a JSON object for a
 * JWK), never by guessing what the key material looks like.
 */
#ifndef JWTGUARD_KEYFILE_H
#define JWTGUARD_KEYFILE_H

#include <stdbool.h>

#include "jwtguard/jwtguard.h"

/*
 * Loads a verification key: PEM public key, PEM certificate, public JWK, or an
 * oct JWK holding an HMAC secret. Private RSA, EC and OKP keys are rejected.
 */
bool keyfile_load_public(jwg_keyset *ks, const char *path);

/* Loads a JWK set ({"keys": [...]}) for verification. */
bool keyfile_load_jwks(jwg_keyset *ks, const char *path);

/* Loads a signing key: PEM PKCS#8 private key or private JWK, bound to `alg`. */
bool keyfile_load_private(jwg_keyset *ks, const char *path, const char *alg, const char *kid);

/*
 * Loads a file's raw bytes, untrimmed, as an HMAC secret; `alg` and `kid` may
 * be NULL. Sets *trailing_newline (when not NULL) if the file ends in "\n",
 * without clearing it otherwise, so that one flag can cover several files.
 */
bool keyfile_load_hmac(jwg_keyset *ks, const char *path, const char *alg, const char *kid,
                       bool *trailing_newline);

#endif /* JWTGUARD_KEYFILE_H */
