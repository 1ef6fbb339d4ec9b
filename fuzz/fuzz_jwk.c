/*
 * fuzz_jwk.c: libFuzzer target for JWK and JWK set loading. The first byte
 * selects the loader (even: one JWK, odd: a JWK set); the rest is the text.
 * Every loaded key is then exported, thumbprinted and used to verify.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keys_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise_keys(const jwg_keyset *ks)
{
    static const uint8_t msg[] = "a.b";
    uint8_t sig[JWG_SIG_MAX];
    char algs[128];
    char tp[JWG_THUMBPRINT_MAX];
    char *jwks = NULL;
    size_t jwks_len = 0;

    for (size_t i = 0; i < jwg_keyset_count(ks); i++) {
        const jwg_key *k = ks->keys[i];
        if (jwg_keyset_thumbprint(ks, i, tp) != JWG_OK || strlen(tp) != 43)
            abort();
        if (jwg_keyset_algs(ks, i, algs, sizeof(algs)) != JWG_OK)
            abort();

        /* A zero signature of the right length must never verify. */
        jwg_alg_id alg = (jwg_alg_id)__builtin_ctz(jwg_key_algs(k));
        size_t len = (JWG_ALGS_HS & JWG_ALG_BIT(alg)) != 0 ? jwg_alg_hash_len(alg) : k->sig_len;
        memset(sig, 0, sizeof(sig));
        if (jwg_key_verify(k, alg, msg, sizeof(msg) - 1, sig, len) == JWG_OK)
            abort();
    }

    if (jwg_keyset_export_public_jwks(ks, &jwks, &jwks_len) == JWG_OK)
        jwg_free(jwks, jwks_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jwg_keyset *ks = NULL;

    if (size < 1 || jwg_keyset_new(&ks) != JWG_OK)
        return 0;

    const char *text = (const char *)data + 1;
    jwg_err rc = (data[0] & 1u) == 0 ? jwg_keyset_add_jwk(ks, text, size - 1)
                                      : jwg_keyset_add_jwks(ks, text, size - 1);
    if (rc == JWG_OK)
        exercise_keys(ks);
    else if (jwg_keyset_count(ks) != 0 || jwg_keyset_detail(ks)[0] == '\0')
        abort(); /* a failed load adds nothing and says why */

    jwg_keyset_free(ks);
    return 0;
}
