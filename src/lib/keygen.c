/*
 * keygen.c: key generation and export of public keys as a JWK set.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "keys_internal.h"

/* Room for one exported key besides its kid: members of an 8192-bit modulus plus "alg" and "use". */
#define EXPORT_KEY_MAX 1600u

/* Appends one key as a JWK object with "kid", "alg" when bound, and "use": "sig". */
static jwg_err export_key(const jwg_key *k, jwg_strbuf *b)
{
    jwg_strbuf_put(b, "{", 1);
    JWG_TRY(jwg_key_members(k, false, b));

    if (k->kid != NULL) {
        jwg_strbuf_put_str(b, ",\"kid\":");
        jwg_strbuf_put_json(b, k->kid);
    }
    if (k->bound) {
        jwg_strbuf_put_str(b, ",\"alg\":\"");
        jwg_strbuf_put_str(b, jwg_alg_name((jwg_alg_id)__builtin_ctz(k->algs)));
        jwg_strbuf_put(b, "\"", 1);
    }
    jwg_strbuf_put_str(b, ",\"use\":\"sig\"}");
    return b->overflow ? JWG_ERR_INVALID_ARGUMENT : JWG_OK;
}

/* Returns a buffer size that fits the JWK set of `keys`. An escaped kid may grow sixfold. */
static size_t export_capacity(jwg_key *const *keys, size_t n)
{
    size_t cap = 16;
    for (size_t i = 0; i < n; i++)
        cap += EXPORT_KEY_MAX + (keys[i]->kid != NULL ? 6 * strlen(keys[i]->kid) + 16 : 0);
    return cap;
}

static jwg_err export_keys(jwg_key *const *keys, size_t n, char **out, size_t *out_len)
{
    size_t cap = export_capacity(keys, n);
    jwg_strbuf b = {malloc(cap), cap, 0, false};
    jwg_err rc = JWG_OK;

    JWG_ENSURE(b.p != NULL, JWG_ERR_NOMEM);
    jwg_strbuf_put_str(&b, "{\"keys\":[");
    for (size_t i = 0; i < n && rc == JWG_OK; i++) {
        if (i > 0)
            jwg_strbuf_put(&b, ",", 1);
        rc = export_key(keys[i], &b);
    }
    jwg_strbuf_put_str(&b, "]}");

    if (rc == JWG_OK && b.overflow)
        rc = JWG_ERR_INVALID_ARGUMENT;
    if (rc != JWG_OK) {
        free(b.p);
        return rc;
    }
    *out = b.p;
    *out_len = b.len;
    return JWG_OK;
}

jwg_err jwg_keyset_export_public_jwks(const jwg_keyset *ks, char **out, size_t *out_len)
{
    JWG_ENSURE(out != NULL && out_len != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    *out_len = 0;
    JWG_ENSURE(ks != NULL, JWG_ERR_INVALID_ARGUMENT);

    /* Sets are never mixed, so one oct key means the whole set is secrets. */
    JWG_ENSURE(ks->count == 0 || ks->keys[0]->kty != JWG_KTY_OCT, JWG_ERR_INVALID_ARGUMENT);

    ERR_set_mark();
    jwg_err rc = export_keys(ks->keys, ks->count, out, out_len);
    ERR_pop_to_mark();
    return rc;
}

/* ---- generation ---- */

static jwg_err keygen_secret(jwg_alg_id alg, uint8_t **out, size_t *out_len)
{
    size_t len = jwg_alg_hash_len(alg);
    uint8_t *secret = malloc(len);
    JWG_ENSURE(secret != NULL, JWG_ERR_NOMEM);

    /* RFC 7518 3.2: a secret as long as the hash output. */
    if (RAND_bytes(secret, (int)len) != 1) {
        jwg_wipe_free(secret, len);
        return JWG_ERR_RANDOM;
    }
    *out = secret;
    *out_len = len;
    return JWG_OK;
}

static EVP_PKEY *keygen_pkey(jwg_alg_id alg, unsigned rsa_bits)
{
    switch (alg) {
    case JWG_ALG_ES256:
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    case JWG_ALG_ES384:
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    case JWG_ALG_ES512:
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
    case JWG_ALG_EDDSA:
        return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    default:
        return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)rsa_bits);
    }
}

/* Writes `pkey` as PEM PKCS #8 into a new buffer; the secure-memory BIO is wiped when freed. */
static jwg_err pem_pkcs8(EVP_PKEY *pkey, uint8_t **out, size_t *out_len)
{
    jwg_err rc = JWG_ERR_CRYPTO;
    char *data = NULL;

    BIO *bio = BIO_new(BIO_s_secmem());
    JWG_ENSURE(bio != NULL, JWG_ERR_NOMEM);
    if (PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) != 1)
        goto out;

    long len = BIO_get_mem_data(bio, &data);
    if (len <= 0)
        goto out;

    /* One extra byte NUL-terminates the PEM text for callers that treat it as a string. */
    *out = calloc(1, (size_t)len + 1);
    if (*out == NULL) {
        rc = JWG_ERR_NOMEM;
        goto out;
    }
    memcpy(*out, data, (size_t)len);
    *out_len = (size_t)len;
    rc = JWG_OK;

out:
    BIO_free(bio);
    return rc;
}

/* Builds the public JWK set of a generated key, with `kid` or the thumbprint as kid. */
static jwg_err keygen_jwks(EVP_PKEY *pkey, jwg_alg_id alg, const char *kid, char **out,
                           size_t *out_len)
{
    const char *name = jwg_alg_name(alg);
    jwg_key_spec spec = {name, strlen(name), kid, kid != NULL ? strlen(kid) : 0,
                         JWG_USE_VERIFY | JWG_USE_SIGN, false};
    jwg_key *key = NULL;
    char detail[JWG_DETAIL_MAX];

    if (!EVP_PKEY_up_ref(pkey))
        return JWG_ERR_CRYPTO;
    jwg_err rc = jwg_key_from_pkey(pkey, &spec, &key, detail, sizeof(detail));
    if (rc != JWG_OK) {
        EVP_PKEY_free(pkey);
        return rc;
    }

    if (key->kid == NULL && (key->kid = jwg_strdup(key->thumbprint)) == NULL)
        rc = JWG_ERR_NOMEM;
    if (rc == JWG_OK)
        rc = export_keys(&key, 1, out, out_len);
    jwg_key_free(key);
    return rc;
}

static jwg_err keygen_asymmetric(jwg_alg_id alg, const char *kid, unsigned rsa_bits,
                                 uint8_t **private_out, size_t *private_len,
                                 char **public_jwks_out, size_t *public_jwks_len)
{
    EVP_PKEY *pkey = keygen_pkey(alg, rsa_bits);
    JWG_ENSURE(pkey != NULL, JWG_ERR_CRYPTO);

    jwg_err rc = pem_pkcs8(pkey, private_out, private_len);
    if (rc == JWG_OK)
        rc = keygen_jwks(pkey, alg, kid, public_jwks_out, public_jwks_len);
    if (rc != JWG_OK) {
        jwg_wipe_free(*private_out, *private_len);
        *private_out = NULL;
        *private_len = 0;
    }
    EVP_PKEY_free(pkey);
    return rc;
}

jwg_err jwg_keygen(const char *alg, const char *kid, unsigned rsa_bits, uint8_t **private_out,
                   size_t *private_len, char **public_jwks_out, size_t *public_jwks_len)
{
    jwg_alg_id id;

    JWG_ENSURE(private_out != NULL && private_len != NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(public_jwks_out != NULL && public_jwks_len != NULL, JWG_ERR_INVALID_ARGUMENT);
    *private_out = NULL;
    *private_len = 0;
    *public_jwks_out = NULL;
    *public_jwks_len = 0;
    JWG_ENSURE(alg != NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_TRY(jwg_alg_from_name(alg, strlen(alg), &id));

    if (rsa_bits == 0)
        rsa_bits = JWG_RSA_MIN_BITS;
    JWG_ENSURE(rsa_bits >= JWG_RSA_MIN_BITS && rsa_bits <= JWG_RSA_MAX_BITS,
               JWG_ERR_INVALID_ARGUMENT);

    if ((JWG_ALGS_HS & JWG_ALG_BIT(id)) != 0)
        return keygen_secret(id, private_out, private_len);

    ERR_set_mark();
    jwg_err rc = keygen_asymmetric(id, kid, rsa_bits, private_out, private_len, public_jwks_out,
                                   public_jwks_len);
    ERR_pop_to_mark();
    return rc;
}
