/*
 * vfixture.c: the verifier tests' standard key set and policy (see vfixture.h).
 */
#include "support/vfixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/forge.h"

const uint8_t vf_secret[32] = "vf-test-secret-32-bytes-long!!!!";

static void vf_check(jwg_err rc, const char *what)
{
    if (rc != JWG_OK) {
        fprintf(stderr, "fixture: %s failed: %s\n", what, jwg_err_name(rc));
        abort();
    }
}

jwg_policy *vf_policy(void)
{
    jwg_policy *p = NULL;
    vf_check(jwg_policy_new(&p), "jwg_policy_new");
    vf_check(jwg_policy_add_issuer(p, VF_ISSUER), "jwg_policy_add_issuer");
    vf_check(jwg_policy_add_audience(p, VF_AUDIENCE), "jwg_policy_add_audience");
    return p;
}

jwg_keyset *vf_keyset(void)
{
    jwg_keyset *ks = NULL;
    vf_check(jwg_keyset_new(&ks), "jwg_keyset_new");
    vf_check(jwg_keyset_add_hmac(ks, vf_secret, sizeof(vf_secret), NULL, NULL), "jwg_keyset_add_hmac");
    return ks;
}

jwg_verifier *vf_verifier(const jwg_policy *p)
{
    jwg_keyset *ks = vf_keyset();
    jwg_verifier *v = NULL;
    char detail[JWG_DETAIL_MAX];
    jwg_err rc = jwg_verifier_new(&v, p, ks, detail, sizeof(detail));
    jwg_keyset_free(ks);
    if (rc != JWG_OK)
        fprintf(stderr, "fixture: jwg_verifier_new: %s: %s\n", jwg_err_name(rc), detail);
    return v;
}

jwg_err vf_verify(const jwg_verifier *v, const char *token, int64_t now)
{
    jwg_result *r = NULL;
    jwg_err rc = jwg_verify_at(v, token, strlen(token), now, &r);
    jwg_result_free(r);
    return rc;
}

char *vf_hs256(const char *header, const char *payload)
{
    return forge_hmac(header, payload, "SHA256", vf_secret, sizeof(vf_secret));
}
