/*
 * crypto.c: signature verification and signing with one key.
 *
 * Verification runs on pooled OpenSSL contexts that were initialised once
 * for the key and the algorithm (see jwg_ctx_pool), so a warm key verifies
 * without allocating in this module and without re-fetching algorithms.
 * Signing is rarer and builds its contexts per call.
 *
 * NOTE: OpenSSL 3.0 still allocates inside these calls: re-initialising a
 * digest context allocates its state again, and the signature checks use
 * temporary big numbers. Counted with CRYPTO_set_mem_functions on 3.0.19:
 * about 2 allocations per HS256 check, 16 per RS256, 19 per PS256, 37 per
 * ES256 and 10 per EdDSA.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "keys_internal.h"

/* DER SEQUENCE of two INTEGERs of up to 66 bytes plus a sign byte each: 3 + 2 * (2 + 67). */
#define ECDSA_DER_MAX 160u

/* ---- context pool ---- */

static void op_ctx_free(jwg_op_ctx *c)
{
    if (c == NULL)
        return;

    EVP_MD_CTX_free(c->md);
    EVP_PKEY_CTX_free(c->pkey);
    EVP_MAC_CTX_free(c->mac);
    OPENSSL_free(c);
}

static jwg_op_ctx *pool_take(jwg_ctx_pool *pool)
{
    for (size_t i = 0; i < JWG_POOL_SLOTS; i++) {
        jwg_op_ctx *c = atomic_exchange_explicit(&pool->slots[i], NULL, memory_order_acquire);
        if (c != NULL)
            return c;
    }
    return NULL;
}

/* Puts `c` into an empty slot, or frees it when a burst of threads filled them all. */
static void pool_give(jwg_ctx_pool *pool, jwg_op_ctx *c)
{
    for (size_t i = 0; i < JWG_POOL_SLOTS; i++) {
        jwg_op_ctx *empty = NULL;
        if (atomic_compare_exchange_strong_explicit(&pool->slots[i], &empty, c,
                                                    memory_order_release, memory_order_relaxed))
            return;
    }
    op_ctx_free(c);
}

void jwg_key_pools_free(jwg_key *k)
{
    if (k == NULL || k->pools == NULL)
        return;

    for (size_t a = 0; a < JWG_ALG_COUNT; a++) {
        for (size_t i = 0; i < JWG_POOL_SLOTS; i++)
            op_ctx_free(atomic_exchange(&k->pools[a].slots[i], NULL));
    }
}

/* ---- algorithm setup ---- */

static bool alg_is_hmac(jwg_alg_id alg)
{
    return (JWG_ALGS_HS & JWG_ALG_BIT(alg)) != 0;
}

/* RFC 7518 3.3 and 3.5: PKCS #1 v1.5, or PSS with MGF1 on the same hash and a salt as long as the hash. */
static int rsa_padding_set(EVP_PKEY_CTX *pctx, jwg_alg_id alg)
{
    const EVP_MD *md = jwg_alg_md(alg);

    if (alg >= JWG_ALG_RS256 && alg <= JWG_ALG_RS512)
        return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
    if (alg >= JWG_ALG_PS256 && alg <= JWG_ALG_PS512) {
        return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
               EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1 &&
               EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
    }
    return 1;
}

static int op_ctx_init_hmac(jwg_op_ctx *c, const jwg_key *k, jwg_alg_id alg)
{
    EVP_MAC *hmac = jwg_hmac_impl();
    if (hmac == NULL || (c->mac = EVP_MAC_CTX_new(hmac)) == NULL)
        return 0;

    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 (char *)EVP_MD_get0_name(jwg_alg_md(alg)), 0);
    params[1] = OSSL_PARAM_construct_end();
    return EVP_MAC_init(c->mac, k->secret, k->secret_len, params) == 1;
}

/* Prepares a digest context and a verify context with padding and digest fixed. */
static int op_ctx_init_pkey(jwg_op_ctx *c, const jwg_key *k, jwg_alg_id alg)
{
    c->md = EVP_MD_CTX_new();
    if (c->md == NULL || alg == JWG_ALG_EDDSA)
        return c->md != NULL;

    c->pkey = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
    return c->pkey != NULL && EVP_PKEY_verify_init(c->pkey) == 1 &&
           rsa_padding_set(c->pkey, alg) &&
           EVP_PKEY_CTX_set_signature_md(c->pkey, jwg_alg_md(alg)) == 1;
}

static jwg_op_ctx *op_ctx_new(const jwg_key *k, jwg_alg_id alg)
{
    jwg_op_ctx *c = OPENSSL_zalloc(sizeof(*c));
    if (c == NULL)
        return NULL;

    int ok = alg_is_hmac(alg) ? op_ctx_init_hmac(c, k, alg) : op_ctx_init_pkey(c, k, alg);
    if (!ok) {
        op_ctx_free(c);
        return NULL;
    }
    return c;
}

/* ---- verification ---- */

/* Computes the HMAC of `msg` into `mac`, which has room for EVP_MAX_MD_SIZE bytes. */
static jwg_err hmac_compute(jwg_op_ctx *c, const uint8_t *msg, size_t msg_len, uint8_t *mac,
                            size_t *mac_len)
{
    /* A NULL key re-initialises the context with the secret set when it was created. */
    if (EVP_MAC_init(c->mac, NULL, 0, NULL) != 1 || EVP_MAC_update(c->mac, msg, msg_len) != 1 ||
        EVP_MAC_final(c->mac, mac, mac_len, EVP_MAX_MD_SIZE) != 1)
        return JWG_ERR_CRYPTO;
    return JWG_OK;
}

static jwg_err verify_hmac(jwg_op_ctx *c, const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                           size_t sig_len)
{
    uint8_t mac[EVP_MAX_MD_SIZE];
    size_t mac_len = 0;

    jwg_err rc = hmac_compute(c, msg, msg_len, mac, &mac_len);
    if (rc == JWG_OK && mac_len != sig_len)
        rc = JWG_ERR_CRYPTO;
    /* RFC 7515 10.7: compare raw bytes in constant time. */
    if (rc == JWG_OK && CRYPTO_memcmp(mac, sig, sig_len) != 0)
        rc = JWG_ERR_SIGNATURE_INVALID;

    jwg_wipe(mac, sizeof(mac));
    return rc;
}

/* Appends a DER INTEGER of the unsigned big-endian `v`, minimal as DER requires. */
static size_t der_put_uint(uint8_t *out, const uint8_t *v, size_t n)
{
    while (n > 1 && v[0] == 0) {
        v++;
        n--;
    }

    size_t pad = (v[0] & 0x80u) != 0 ? 1 : 0;
    size_t pos = 0;
    out[pos++] = 0x02;
    out[pos++] = (uint8_t)(n + pad);
    if (pad)
        out[pos++] = 0x00;
    memcpy(out + pos, v, n);
    return pos + n;
}

/*
 * RFC 7518 3.4: the JWS signature is r || s, each exactly the field size.
 * OpenSSL verifies ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }.
 * Writes the DER form into `der` (ECDSA_DER_MAX bytes) without allocating.
 */
static size_t ecdsa_raw_to_der(const uint8_t *sig, size_t sig_len, uint8_t *der)
{
    uint8_t body[ECDSA_DER_MAX];
    size_t half = sig_len / 2;

    size_t body_len = der_put_uint(body, sig, half);
    body_len += der_put_uint(body + body_len, sig + half, half);

    size_t pos = 0;
    der[pos++] = 0x30;
    if (body_len >= 0x80)
        der[pos++] = 0x81;
    der[pos++] = (uint8_t)body_len;
    memcpy(der + pos, body, body_len);
    return pos + body_len;
}

static jwg_err verify_digest(jwg_op_ctx *c, const jwg_key *k, jwg_alg_id alg, const uint8_t *msg,
                             size_t msg_len, const uint8_t *sig, size_t sig_len)
{
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned digest_len = 0;
    uint8_t der[ECDSA_DER_MAX];

    if (EVP_DigestInit_ex(c->md, jwg_alg_md(alg), NULL) != 1 ||
        EVP_DigestUpdate(c->md, msg, msg_len) != 1 ||
        EVP_DigestFinal_ex(c->md, digest, &digest_len) != 1)
        return JWG_ERR_CRYPTO;

    if (k->kty == JWG_KTY_EC) {
        sig_len = ecdsa_raw_to_der(sig, sig_len, der);
        sig = der;
    }

    /*
     * 1 is a valid signature and 0 an invalid one. OpenSSL returns 0 for an
     * ECDSA r or s that is zero or not below the group order (SEC 1 4.1.4).
     */
    int ok = EVP_PKEY_verify(c->pkey, sig, sig_len, digest, digest_len);
    if (ok == 1)
        return JWG_OK;
    return ok == 0 ? JWG_ERR_SIGNATURE_INVALID : JWG_ERR_CRYPTO;
}

/*
 * NOTE: EdDSA has no separate digest step, so EVP_DigestVerifyInit_ex builds
 * a fresh EVP_PKEY_CTX on every call; only the EVP_MD_CTX is pooled.
 */
static jwg_err verify_eddsa(jwg_op_ctx *c, const jwg_key *k, const uint8_t *msg, size_t msg_len,
                            const uint8_t *sig, size_t sig_len)
{
    EVP_MD_CTX_reset(c->md);
    if (EVP_DigestVerifyInit_ex(c->md, NULL, NULL, NULL, NULL, k->pkey, NULL) != 1)
        return JWG_ERR_CRYPTO;

    int ok = EVP_DigestVerify(c->md, sig, sig_len, msg, msg_len);
    if (ok == 1)
        return JWG_OK;
    return ok == 0 ? JWG_ERR_SIGNATURE_INVALID : JWG_ERR_CRYPTO;
}

/* Returns the one signature length `alg` produces with `k` (RFC 7518 3.2-3.5, RFC 8032 5). */
static size_t expected_sig_len(const jwg_key *k, jwg_alg_id alg)
{
    return alg_is_hmac(alg) ? jwg_alg_hash_len(alg) : k->sig_len;
}

jwg_err jwg_key_verify(const jwg_key *k, jwg_alg_id alg, const uint8_t *msg, size_t msg_len,
                       const uint8_t *sig, size_t sig_len)
{
    JWG_ENSURE(k != NULL && (unsigned)alg < JWG_ALG_COUNT, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE((k->algs & JWG_ALG_BIT(alg)) != 0, JWG_ERR_KEY_ALG_MISMATCH);
    JWG_ENSURE(msg != NULL || msg_len == 0, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(sig != NULL || sig_len == 0, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(sig_len == expected_sig_len(k, alg), JWG_ERR_SIGNATURE_LENGTH);

    jwg_ctx_pool *pool = &k->pools[alg];
    jwg_op_ctx *c = pool_take(pool);
    if (c == NULL && (c = op_ctx_new(k, alg)) == NULL)
        return JWG_ERR_CRYPTO;

    /* A rejected signature leaves OpenSSL errors behind; drop them, keep the caller's. */
    ERR_set_mark();
    jwg_err rc;
    if (alg_is_hmac(alg))
        rc = verify_hmac(c, msg, msg_len, sig, sig_len);
    else if (alg == JWG_ALG_EDDSA)
        rc = verify_eddsa(c, k, msg, msg_len, sig, sig_len);
    else
        rc = verify_digest(c, k, alg, msg, msg_len, sig, sig_len);
    ERR_pop_to_mark();

    /* A context that failed for an internal reason may be in any state; do not reuse it. */
    if (rc == JWG_ERR_CRYPTO)
        op_ctx_free(c);
    else
        pool_give(pool, c);
    return rc;
}

/* ---- signing ---- */

static jwg_err sign_hmac(const jwg_key *k, jwg_alg_id alg, const uint8_t *msg, size_t msg_len,
                         uint8_t *sig, size_t sig_cap, size_t *sig_len)
{
    uint8_t mac[EVP_MAX_MD_SIZE];
    size_t mac_len = 0;

    jwg_ctx_pool *pool = &k->pools[alg];
    jwg_op_ctx *c = pool_take(pool);
    if (c == NULL && (c = op_ctx_new(k, alg)) == NULL)
        return JWG_ERR_CRYPTO;

    jwg_err rc = hmac_compute(c, msg, msg_len, mac, &mac_len);
    if (rc == JWG_OK && mac_len > sig_cap)
        rc = JWG_ERR_INVALID_ARGUMENT;
    if (rc == JWG_OK) {
        memcpy(sig, mac, mac_len);
        *sig_len = mac_len;
    }

    jwg_wipe(mac, sizeof(mac));
    pool_give(pool, c);
    return rc;
}

/* Converts OpenSSL's DER ECDSA signature to r || s of `field_len` bytes each (RFC 7518 3.4). */
static jwg_err ecdsa_der_to_raw(const uint8_t *der, size_t der_len, size_t field_len,
                                uint8_t *sig, size_t sig_cap, size_t *sig_len)
{
    const unsigned char *p = der;
    const BIGNUM *r = NULL;
    const BIGNUM *s = NULL;
    jwg_err rc = JWG_ERR_CRYPTO;

    JWG_ENSURE(sig_cap >= 2 * field_len, JWG_ERR_INVALID_ARGUMENT);
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    JWG_ENSURE(es != NULL, JWG_ERR_CRYPTO);

    ECDSA_SIG_get0(es, &r, &s);
    if (BN_bn2binpad(r, sig, (int)field_len) == (int)field_len &&
        BN_bn2binpad(s, sig + field_len, (int)field_len) == (int)field_len) {
        *sig_len = 2 * field_len;
        rc = JWG_OK;
    }
    ECDSA_SIG_free(es);
    return rc;
}

/* Signs with RSA, ECDSA or EdDSA through EVP_DigestSign into `out` (capacity `cap`). */
static jwg_err sign_pkey_raw(const jwg_key *k, jwg_alg_id alg, const uint8_t *msg,
                             size_t msg_len, uint8_t *out, size_t cap, size_t *out_len)
{
    EVP_PKEY_CTX *pctx = NULL;
    jwg_err rc = JWG_ERR_CRYPTO;
    const char *md_name = alg == JWG_ALG_EDDSA ? NULL : EVP_MD_get0_name(jwg_alg_md(alg));

    EVP_MD_CTX *md = EVP_MD_CTX_new();
    JWG_ENSURE(md != NULL, JWG_ERR_NOMEM);

    if (EVP_DigestSignInit_ex(md, &pctx, md_name, NULL, NULL, k->pkey, NULL) != 1 ||
        !rsa_padding_set(pctx, alg))
        goto out;

    size_t len = 0;
    if (EVP_DigestSign(md, NULL, &len, msg, msg_len) != 1 || len > cap)
        goto out;
    if (EVP_DigestSign(md, out, &len, msg, msg_len) != 1)
        goto out;
    *out_len = len;
    rc = JWG_OK;

out:
    EVP_MD_CTX_free(md);
    return rc;
}

static jwg_err sign_pkey(const jwg_key *k, jwg_alg_id alg, const uint8_t *msg, size_t msg_len,
                         uint8_t *sig, size_t sig_cap, size_t *sig_len)
{
    uint8_t der[ECDSA_DER_MAX];
    size_t der_len = 0;

    if (k->kty != JWG_KTY_EC) {
        JWG_ENSURE(sig_cap >= k->sig_len, JWG_ERR_INVALID_ARGUMENT);
        return sign_pkey_raw(k, alg, msg, msg_len, sig, sig_cap, sig_len);
    }

    JWG_TRY(sign_pkey_raw(k, alg, msg, msg_len, der, sizeof(der), &der_len));
    return ecdsa_der_to_raw(der, der_len, k->field_len, sig, sig_cap, sig_len);
}

jwg_err jwg_key_sign(const jwg_key *k, jwg_alg_id alg, const uint8_t *msg, size_t msg_len,
                     uint8_t *sig, size_t sig_cap, size_t *sig_len)
{
    JWG_ENSURE(sig_len != NULL, JWG_ERR_INVALID_ARGUMENT);
    *sig_len = 0;
    JWG_ENSURE(k != NULL && sig != NULL && (unsigned)alg < JWG_ALG_COUNT,
               JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(msg != NULL || msg_len == 0, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE((k->algs & JWG_ALG_BIT(alg)) != 0, JWG_ERR_KEY_ALG_MISMATCH);
    JWG_ENSURE(k->has_private, JWG_ERR_KEY_NOT_PRIVATE);

    ERR_set_mark();
    jwg_err rc = alg_is_hmac(alg) ? sign_hmac(k, alg, msg, msg_len, sig, sig_cap, sig_len)
                                  : sign_pkey(k, alg, msg, msg_len, sig, sig_cap, sig_len);
    ERR_pop_to_mark();
    return rc;
}

jwg_err jwg_key_self_test(const jwg_key *k)
{
    static const uint8_t msg[] = "jwtguard key self-test";
    uint8_t sig[JWG_SIG_MAX];
    size_t sig_len = 0;

    JWG_ENSURE(k != NULL && k->algs != 0, JWG_ERR_INVALID_ARGUMENT);
    jwg_alg_id alg = (jwg_alg_id)__builtin_ctz(k->algs);

    JWG_TRY(jwg_key_sign(k, alg, msg, sizeof(msg), sig, sizeof(sig), &sig_len));
    return jwg_key_verify(k, alg, msg, sizeof(msg), sig, sig_len);
}
