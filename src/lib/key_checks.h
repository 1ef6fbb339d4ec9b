/*
 * key_checks.h: public-key checks that every loader applies through
 * jwg_key_from_pkey(), so that a key which makes forgery easy never loads.
 */
#ifndef JWTGUARD_KEY_CHECKS_H
#define JWTGUARD_KEY_CHECKS_H

#include <openssl/evp.h>

#include "internal.h"

/*
 * Checks an RSA public key (or the public half of a private key): n odd,
 * e odd, 65537 <= e < 2^256, e < n, and n neither a prime, a prime power
 * nor a multiple of a small prime. Returns JWG_ERR_KEY_WEAK for e < 65537,
 * JWG_ERR_KEY_INVALID for the other rules, and writes the rule into `detail`.
 */
jwg_err jwg_key_check_rsa(EVP_PKEY *pkey, char *detail, size_t detail_len);

/*
 * Checks an Ed25519 or Ed448 public key: not a small-order point, in any
 * encoding, and y below p (RFC 8032 5.1.3, 5.2.3). Returns
 * JWG_ERR_KEY_INVALID and writes the rule into `detail` otherwise.
 */
jwg_err jwg_key_check_eddsa(const EVP_PKEY *pkey, char *detail, size_t detail_len);

#endif /* JWTGUARD_KEY_CHECKS_H */
