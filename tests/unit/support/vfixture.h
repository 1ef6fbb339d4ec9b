/*
 * vfixture.h: a standard verifier setup for the verifier tests: one HS256
 * secret, issuer "https://issuer.example" and audience "api".
 */
#ifndef JWTGUARD_TEST_VFIXTURE_H
#define JWTGUARD_TEST_VFIXTURE_H

#include <stdint.h>

#include "jwtguard/jwtguard.h"

#define VF_ISSUER "https://issuer.example"
#define VF_AUDIENCE "api"
#define VF_NOW INT64_C(1700000000)

/* The 32-byte HS256 secret of the fixture key set. */
extern const uint8_t vf_secret[32];

/* Returns a policy with VF_ISSUER and VF_AUDIENCE allowed; aborts the test on failure. */
jwg_policy *vf_policy(void);

/* Returns a key set holding vf_secret, bound to no algorithm and without kid. */
jwg_keyset *vf_keyset(void);

/* Returns a verifier of `p` over vf_keyset(), or NULL when jwg_verifier_new failed. */
jwg_verifier *vf_verifier(const jwg_policy *p);

/* Verifies `token` at `now`, frees the result and returns its code. */
jwg_err vf_verify(const jwg_verifier *v, const char *token, int64_t now);

/* Returns a token over header and payload JSON, signed with vf_secret using HS256. */
char *vf_hs256(const char *header, const char *payload);

#endif /* JWTGUARD_TEST_VFIXTURE_H */
