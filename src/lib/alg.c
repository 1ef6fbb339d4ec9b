/*
 * alg.c: the JWA algorithms this library implements (RFC 7518 3, RFC 8037 3.1)
 * and the OpenSSL digest and MAC implementations they use, fetched once per
 * process so that no verification pays for a fetch.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "keys_internal.h"

struct alg_entry {
    const char *name;
    const char *md_name; /* NULL for EdDSA, which hashes inside the signature scheme */
};

/* Indexed by jwg_alg_id. */
static const struct alg_entry alg_table[JWG_ALG_COUNT] = {
    [JWG_ALG_HS256] = {"HS256", "SHA256"}, [JWG_ALG_HS384] = {"HS384", "SHA384"},
    [JWG_ALG_HS512] = {"HS512", "SHA512"}, [JWG_ALG_RS256] = {"RS256", "SHA256"},
    [JWG_ALG_RS384] = {"RS384", "SHA384"}, [JWG_ALG_RS512] = {"RS512", "SHA512"},
    [JWG_ALG_PS256] = {"PS256", "SHA256"}, [JWG_ALG_PS384] = {"PS384", "SHA384"},
    [JWG_ALG_PS512] = {"PS512", "SHA512"}, [JWG_ALG_ES256] = {"ES256", "SHA256"},
    [JWG_ALG_ES384] = {"ES384", "SHA384"}, [JWG_ALG_ES512] = {"ES512", "SHA512"},
    [JWG_ALG_EDDSA] = {"EdDSA", NULL},
};

/* Fetched implementations, indexed by jwg_alg_id; written once under fetch_once. */
static EVP_MD *alg_mds[JWG_ALG_COUNT];
static EVP_MAC *hmac_impl;
static CRYPTO_ONCE fetch_once = CRYPTO_ONCE_STATIC_INIT;

static void alg_fetch_all(void)
{
    for (size_t i = 0; i < JWG_ALG_COUNT; i++) {
        if (alg_table[i].md_name != NULL)
            alg_mds[i] = EVP_MD_fetch(NULL, alg_table[i].md_name, NULL);
    }
    hmac_impl = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

static void alg_fetch(void)
{
    /* A failed run leaves the pointers NULL, which callers report as JWG_ERR_CRYPTO. */
    (void)CRYPTO_THREAD_run_once(&fetch_once, alg_fetch_all);
}

jwg_err jwg_alg_from_name(const char *name, size_t len, jwg_alg_id *out)
{
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = JWG_ALG_COUNT;
    JWG_ENSURE(name != NULL, JWG_ERR_INVALID_ARGUMENT);

    /* RFC 8725 3.1: "none" is refused in every letter case, so "nOnE" cannot pass as unknown-but-harmless. */
    if (len == 4 && OPENSSL_strncasecmp(name, "none", 4) == 0)
        return JWG_ERR_ALG_NONE;

    for (size_t i = 0; i < JWG_ALG_COUNT; i++) {
        if (strlen(alg_table[i].name) == len && memcmp(alg_table[i].name, name, len) == 0) {
            *out = (jwg_alg_id)i;
            return JWG_OK;
        }
    }
    return JWG_ERR_ALG_UNKNOWN;
}

const char *jwg_alg_name(jwg_alg_id id)
{
    if ((unsigned)id >= JWG_ALG_COUNT)
        return "unknown";
    return alg_table[id].name;
}

const EVP_MD *jwg_alg_md(jwg_alg_id id)
{
    if ((unsigned)id >= JWG_ALG_COUNT)
        return NULL;
    alg_fetch();
    return alg_mds[id];
}

EVP_MAC *jwg_hmac_impl(void)
{
    alg_fetch();
    return hmac_impl;
}

size_t jwg_alg_hash_len(jwg_alg_id id)
{
    switch (id) {
    case JWG_ALG_HS256:
    case JWG_ALG_RS256:
    case JWG_ALG_PS256:
    case JWG_ALG_ES256:
        return 32;
    case JWG_ALG_HS384:
    case JWG_ALG_RS384:
    case JWG_ALG_PS384:
    case JWG_ALG_ES384:
        return 48;
    case JWG_ALG_HS512:
    case JWG_ALG_RS512:
    case JWG_ALG_PS512:
    case JWG_ALG_ES512:
        return 64;
    default:
        return 0;
    }
}

int jwg_alg_supported(const char *alg)
{
    jwg_alg_id id;
    if (alg == NULL)
        return 0;
    return jwg_alg_from_name(alg, strlen(alg), &id) == JWG_OK;
}

size_t jwg_algs_format(uint32_t algs, char *out, size_t out_len)
{
    size_t pos = 0;

    if (out == NULL || out_len == 0)
        return SIZE_MAX;
    out[0] = '\0';

    for (size_t i = 0; i < JWG_ALG_COUNT; i++) {
        if ((algs & JWG_ALG_BIT(i)) == 0)
            continue;

        const char *name = alg_table[i].name;
        size_t n = strlen(name) + (pos > 0 ? 1 : 0);
        if (pos + n >= out_len) {
            out[0] = '\0';
            return SIZE_MAX;
        }
        if (pos > 0)
            out[pos++] = ' ';
        memcpy(out + pos, name, strlen(name) + 1);
        pos += strlen(name);
    }
    return pos;
}
