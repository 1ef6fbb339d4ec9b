/*
 * bench_fixture.h: keys, tokens and the three verifiers that bench_verify.c
 * times and bench_alloc.c counts allocations of. Each benchmark program is
 * one translation unit, so the helpers here are static.
 *
 * For each algorithm the fixture builds, once:
 *   - a key generated in memory by OpenSSL and a token issued by jwg_signer;
 *   - a jwtguard verifier (public key only, issuer and audience required);
 *   - the raw OpenSSL operation that a JWS signature check cannot avoid, with
 *     the key parsed and the context set up in advance, and the signature
 *     already decoded (DER for ECDSA);
 *   - the inputs of libjwt 1.10's jwt_decode(), which parses its PEM key
 *     on every call by design of that interface.
 */
#ifndef JWTGUARD_BENCH_FIXTURE_H
#define JWTGUARD_BENCH_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "jwtguard/jwtguard.h"

#define BENCH_ISSUER "https://issuer.bench.test"
#define BENCH_AUDIENCE "bench-api"
#define BENCH_SIGN_TIME INT64_C(1700000000)
#define BENCH_VERIFY_TIME (BENCH_SIGN_TIME + 60)
#define BENCH_SIG_MAX 1024u

/* How the raw OpenSSL baseline checks a signature. */
enum raw_kind {
    RAW_HMAC,          /* EVP_MAC re-init (key schedule kept) + update + final, CRYPTO_memcmp */
    RAW_DIGEST_VERIFY, /* EVP_DigestVerifyInit + one-shot EVP_DigestVerify (EdDSA) */
    RAW_PKEY_VERIFY    /* EVP_Digest + EVP_PKEY_verify on a context set up once (RSA, ECDSA) */
};

/* One algorithm's row: what to generate and the objects built from it. */
struct bench_case {
    const char *alg;         /* JWA name */
    const char *key_type;    /* EVP_PKEY_Q_keygen type, NULL for HMAC */
    const char *key_param;   /* curve name, or NULL for RSA (2048 bits) and OKP */
    const char *digest;      /* digest name for RAW_PKEY_VERIFY and RAW_HMAC */
    enum raw_kind raw_kind;
    int rsa_padding;         /* RSA_PKCS1_PADDING or RSA_PKCS1_PSS_PADDING, 0 otherwise */
    int libjwt_supported;    /* 0 where libjwt 1.10 has no such algorithm */

    uint8_t secret[64];
    size_t secret_len;
    EVP_PKEY *public_key;
    char *public_pem;
    size_t public_pem_len;

    jwg_verifier *verifier;
    char *token;
    size_t token_len;
    size_t signing_input_len; /* length of header.payload at the start of token */

    uint8_t sig[BENCH_SIG_MAX];
    size_t sig_len;
    EVP_MAC_CTX *mac;
    EVP_MD_CTX *md_ctx;
    EVP_PKEY_CTX *pkey_ctx;
    const EVP_MD *md;
};

static struct bench_case bench_cases[] = {
    {.alg = "HS256", .digest = "SHA256", .raw_kind = RAW_HMAC, .libjwt_supported = 1},
    {.alg = "RS256", .key_type = "RSA", .digest = "SHA256", .raw_kind = RAW_PKEY_VERIFY,
     .rsa_padding = RSA_PKCS1_PADDING, .libjwt_supported = 1},
    {.alg = "PS256", .key_type = "RSA", .digest = "SHA256", .raw_kind = RAW_PKEY_VERIFY,
     .rsa_padding = RSA_PKCS1_PSS_PADDING},
    {.alg = "ES256", .key_type = "EC", .key_param = "P-256", .digest = "SHA256",
     .raw_kind = RAW_PKEY_VERIFY, .libjwt_supported = 1},
    {.alg = "ES384", .key_type = "EC", .key_param = "P-384", .digest = "SHA384",
     .raw_kind = RAW_PKEY_VERIFY, .libjwt_supported = 1},
    {.alg = "EdDSA", .key_type = "ED25519", .raw_kind = RAW_DIGEST_VERIFY},
};

#define BENCH_CASE_COUNT (sizeof(bench_cases) / sizeof(bench_cases[0]))

static void bench_fail(const char *step, const char *alg, const char *reason)
{
    fprintf(stderr, "bench: %s failed for %s: %s\n", step, alg, reason);
    exit(2);
}

static void bench_check(int ok, const char *step, const char *alg)
{
    if (!ok)
        bench_fail(step, alg, "OpenSSL call failed");
}

static void bench_check_jwg(jwg_err rc, const char *step, const char *alg)
{
    if (rc != JWG_OK)
        bench_fail(step, alg, jwg_err_name(rc));
}

/* Decodes unpadded base64url (RFC 4648 section 5) with OpenSSL's base64 decoder. */
static size_t bench_b64url_decode(const char *in, size_t len, uint8_t *out, size_t out_max)
{
    char padded[4 * BENCH_SIG_MAX];
    size_t padded_len = (len + 3u) / 4u * 4u;
    if (padded_len >= sizeof(padded) || padded_len / 4u * 3u > out_max)
        return 0;

    for (size_t i = 0; i < padded_len; i++) {
        char c = i < len ? in[i] : '=';
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        padded[i] = c;
    }

    int n = EVP_DecodeBlock(out, (const unsigned char *)padded, (int)padded_len);
    if (n < 0)
        return 0;
    return (size_t)n - (padded_len - len);
}

/* Rewrites a raw r||s ECDSA signature (RFC 7518 3.4) as the DER that EVP_PKEY_verify takes. */
static size_t bench_ecdsa_to_der(uint8_t *sig, size_t sig_len)
{
    ECDSA_SIG *ecdsa = ECDSA_SIG_new();
    size_t half = sig_len / 2u;
    BIGNUM *r = BN_bin2bn(sig, (int)half, NULL);
    BIGNUM *s = BN_bin2bn(sig + half, (int)half, NULL);
    if (ecdsa == NULL || r == NULL || s == NULL || !ECDSA_SIG_set0(ecdsa, r, s))
        return 0;

    uint8_t der[BENCH_SIG_MAX];
    uint8_t *cursor = der;
    int der_len = i2d_ECDSA_SIG(ecdsa, &cursor);
    ECDSA_SIG_free(ecdsa);
    if (der_len <= 0)
        return 0;
    memcpy(sig, der, (size_t)der_len);
    return (size_t)der_len;
}

static EVP_PKEY *bench_generate_pair(const struct bench_case *c)
{
    if (c->key_param != NULL)
        return EVP_PKEY_Q_keygen(NULL, NULL, c->key_type, c->key_param);
    if (strcmp(c->key_type, "RSA") == 0)
        return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    return EVP_PKEY_Q_keygen(NULL, NULL, c->key_type);
}

/* Copies the contents of a memory BIO into a new NUL-terminated string, then frees the BIO. */
static void bench_take_pem(BIO *bio, const char *alg, char **out, size_t *out_len)
{
    char *data = NULL;
    long len = BIO_get_mem_data(bio, &data);

    *out = malloc((size_t)len + 1u);
    bench_check(len > 0 && *out != NULL, "PEM copy", alg);
    memcpy(*out, data, (size_t)len);
    (*out)[len] = '\0';
    *out_len = (size_t)len;
    BIO_free(bio);
}

/* Generates the key; `private_pem` receives a PEM PKCS#8 copy for jwtguard's signer. */
static void bench_make_key(struct bench_case *c, char **private_pem, size_t *private_pem_len)
{
    if (c->key_type == NULL) {
        c->secret_len = 32;
        bench_check(RAND_bytes(c->secret, (int)c->secret_len) == 1, "RAND_bytes", c->alg);
        return;
    }

    EVP_PKEY *pair = bench_generate_pair(c);
    bench_check(pair != NULL, "key generation", c->alg);
    BIO *bio = BIO_new(BIO_s_mem());
    bench_check(bio != NULL && PEM_write_bio_PKCS8PrivateKey(bio, pair, NULL, NULL, 0, NULL, NULL),
                "PEM_write_bio_PKCS8PrivateKey", c->alg);
    bench_take_pem(bio, c->alg, private_pem, private_pem_len);

    /* Round-trip through SubjectPublicKeyInfo so the baselines hold a public key only. */
    uint8_t *spki = NULL;
    int spki_len = i2d_PUBKEY(pair, &spki);
    const uint8_t *cursor = spki;
    c->public_key = spki_len > 0 ? d2i_PUBKEY(NULL, &cursor, spki_len) : NULL;
    bench_check(c->public_key != NULL, "public key extraction", c->alg);
    OPENSSL_free(spki);
    EVP_PKEY_free(pair);

    bio = BIO_new(BIO_s_mem());
    bench_check(bio != NULL && PEM_write_bio_PUBKEY(bio, c->public_key), "PEM_write_bio_PUBKEY", c->alg);
    bench_take_pem(bio, c->alg, &c->public_pem, &c->public_pem_len);
}

/* Issues the case's token with jwg_signer, at BENCH_SIGN_TIME for one hour. */
static void bench_make_token(struct bench_case *c, const char *private_pem, size_t private_pem_len)
{
    jwg_keyset *ks = NULL;
    jwg_signer *signer = NULL;
    char detail[JWG_DETAIL_MAX];

    bench_check_jwg(jwg_keyset_new(&ks), "jwg_keyset_new", c->alg);
    if (c->key_type == NULL)
        bench_check_jwg(jwg_keyset_add_hmac(ks, c->secret, c->secret_len, c->alg, "bench"),
                        "jwg_keyset_add_hmac", c->alg);
    else
        bench_check_jwg(jwg_keyset_add_pem_private(ks, private_pem, private_pem_len, c->alg, "bench"),
                        "jwg_keyset_add_pem_private", c->alg);

    jwg_err rc = jwg_signer_new(&signer, ks, c->alg, detail, sizeof(detail));
    if (rc != JWG_OK)
        bench_fail("jwg_signer_new", c->alg, detail);
    bench_check_jwg(jwg_signer_set_lifetime(signer, 3600), "jwg_signer_set_lifetime", c->alg);
    bench_check_jwg(jwg_signer_set_issuer(signer, BENCH_ISSUER), "jwg_signer_set_issuer", c->alg);
    bench_check_jwg(jwg_signer_add_audience(signer, BENCH_AUDIENCE), "jwg_signer_add_audience", c->alg);
    bench_check_jwg(jwg_signer_set_subject(signer, "user-42"), "jwg_signer_set_subject", c->alg);
    bench_check_jwg(jwg_signer_sign_at(signer, BENCH_SIGN_TIME, &c->token, &c->token_len),
                    "jwg_signer_sign_at", c->alg);

    jwg_signer_free(signer);
    jwg_keyset_free(ks);
}

/* Builds the verifier a service would hold: the public key only, issuer and audience checked. */
static void bench_make_verifier(struct bench_case *c)
{
    jwg_keyset *ks = NULL;
    jwg_policy *policy = NULL;
    char detail[JWG_DETAIL_MAX];

    bench_check_jwg(jwg_keyset_new(&ks), "jwg_keyset_new", c->alg);
    if (c->key_type == NULL)
        bench_check_jwg(jwg_keyset_add_hmac(ks, c->secret, c->secret_len, c->alg, "bench"),
                        "jwg_keyset_add_hmac", c->alg);
    else
        bench_check_jwg(jwg_keyset_add_pem_public(ks, c->public_pem, c->public_pem_len, c->alg, "bench"),
                        "jwg_keyset_add_pem_public", c->alg);

    bench_check_jwg(jwg_policy_new(&policy), "jwg_policy_new", c->alg);
    bench_check_jwg(jwg_policy_add_issuer(policy, BENCH_ISSUER), "jwg_policy_add_issuer", c->alg);
    bench_check_jwg(jwg_policy_add_audience(policy, BENCH_AUDIENCE), "jwg_policy_add_audience", c->alg);
    bench_check_jwg(jwg_policy_add_alg(policy, c->alg), "jwg_policy_add_alg", c->alg);

    jwg_err rc = jwg_verifier_new(&c->verifier, policy, ks, detail, sizeof(detail));
    if (rc != JWG_OK)
        bench_fail("jwg_verifier_new", c->alg, detail);
    jwg_policy_free(policy);
    jwg_keyset_free(ks);
}

/* Decodes the signature and sets up the raw OpenSSL context once. */
static void bench_make_raw(struct bench_case *c)
{
    const char *last_dot = strrchr(c->token, '.');
    bench_check(last_dot != NULL, "token split", c->alg);
    c->signing_input_len = (size_t)(last_dot - c->token);
    const char *sig_b64 = last_dot + 1;
    c->sig_len = bench_b64url_decode(sig_b64, strlen(sig_b64), c->sig, sizeof(c->sig));
    bench_check(c->sig_len > 0, "signature decoding", c->alg);

    if (c->raw_kind == RAW_HMAC) {
        EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        c->mac = hmac != NULL ? EVP_MAC_CTX_new(hmac) : NULL;
        EVP_MAC_free(hmac);
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)c->digest, 0),
            OSSL_PARAM_construct_end()};
        bench_check(c->mac != NULL && EVP_MAC_init(c->mac, c->secret, c->secret_len, params),
                    "EVP_MAC_init", c->alg);
        return;
    }

    if (c->raw_kind == RAW_DIGEST_VERIFY) {
        c->md_ctx = EVP_MD_CTX_new();
        bench_check(c->md_ctx != NULL, "EVP_MD_CTX_new", c->alg);
        return;
    }

    c->md = EVP_MD_fetch(NULL, c->digest, NULL);
    c->pkey_ctx = EVP_PKEY_CTX_new_from_pkey(NULL, c->public_key, NULL);
    bench_check(c->md != NULL && c->pkey_ctx != NULL && EVP_PKEY_verify_init(c->pkey_ctx) == 1 &&
                    EVP_PKEY_CTX_set_signature_md(c->pkey_ctx, c->md) == 1,
                "EVP_PKEY_verify_init", c->alg);
    if (c->rsa_padding != 0)
        bench_check(EVP_PKEY_CTX_set_rsa_padding(c->pkey_ctx, c->rsa_padding) == 1,
                    "EVP_PKEY_CTX_set_rsa_padding", c->alg);
    /* RFC 7518 3.5: the PSS salt is as long as the hash output. */
    if (c->rsa_padding == RSA_PKCS1_PSS_PADDING)
        bench_check(EVP_PKEY_CTX_set_rsa_pss_saltlen(c->pkey_ctx, RSA_PSS_SALTLEN_DIGEST) == 1,
                    "EVP_PKEY_CTX_set_rsa_pss_saltlen", c->alg);
    if (strcmp(c->key_type, "EC") == 0) {
        c->sig_len = bench_ecdsa_to_der(c->sig, c->sig_len);
        bench_check(c->sig_len > 0, "ECDSA signature conversion", c->alg);
    }
}

static void bench_setup_case(struct bench_case *c)
{
    char *private_pem = NULL;
    size_t private_pem_len = 0;

    bench_make_key(c, &private_pem, &private_pem_len);
    bench_make_token(c, private_pem, private_pem_len);
    if (private_pem != NULL) {
        OPENSSL_cleanse(private_pem, private_pem_len);
        free(private_pem);
    }
    bench_make_verifier(c);
    bench_make_raw(c);
}

static void bench_free_case(struct bench_case *c)
{
    jwg_verifier_free(c->verifier);
    jwg_free(c->token, c->token_len);
    EVP_MAC_CTX_free(c->mac);
    EVP_MD_CTX_free(c->md_ctx);
    EVP_PKEY_CTX_free(c->pkey_ctx);
    EVP_MD_free((EVP_MD *)c->md);
    EVP_PKEY_free(c->public_key);
    free(c->public_pem);
}

/* One full jwtguard verification, claims checks included; returns 1 when the token is valid. */
static int bench_verify_jwtguard(struct bench_case *c)
{
    jwg_result *result = NULL;
    jwg_err rc = jwg_verify_at(c->verifier, c->token, c->token_len, BENCH_VERIFY_TIME, &result);
    jwg_result_free(result);
    return rc == JWG_OK;
}

/* The raw signature check alone; returns 1 when the signature is valid. */
static int bench_verify_raw(struct bench_case *c)
{
    const uint8_t *input = (const uint8_t *)c->token;
    uint8_t buf[EVP_MAX_MD_SIZE];
    size_t buf_len = 0;
    unsigned int md_len = 0;

    switch (c->raw_kind) {
    case RAW_HMAC:
        /* A NULL key makes EVP_MAC_init reuse the key schedule set up in bench_make_raw. */
        return EVP_MAC_init(c->mac, NULL, 0, NULL) == 1 &&
               EVP_MAC_update(c->mac, input, c->signing_input_len) == 1 &&
               EVP_MAC_final(c->mac, buf, &buf_len, sizeof(buf)) == 1 && buf_len == c->sig_len &&
               CRYPTO_memcmp(buf, c->sig, buf_len) == 0;
    case RAW_DIGEST_VERIFY:
        return EVP_DigestVerifyInit(c->md_ctx, NULL, NULL, NULL, c->public_key) == 1 &&
               EVP_DigestVerify(c->md_ctx, c->sig, c->sig_len, input, c->signing_input_len) == 1;
    case RAW_PKEY_VERIFY:
        return EVP_Digest(input, c->signing_input_len, buf, &md_len, c->md, NULL) == 1 &&
               EVP_PKEY_verify(c->pkey_ctx, c->sig, c->sig_len, buf, md_len) == 1;
    }
    return 0;
}

/*
 * libjwt 1.10: jwt_decode() checks the signature and parses the claims
 * (jansson). That version has no claim validation API, so issuer and expiry
 * are compared here by hand; the audience is not compared.
 */
static int bench_verify_libjwt(struct bench_case *c)
{
    jwt_t *jwt = NULL;
    const uint8_t *key = c->key_type == NULL ? c->secret : (const uint8_t *)c->public_pem;
    size_t key_len = c->key_type == NULL ? c->secret_len : c->public_pem_len;

    if (jwt_decode(&jwt, c->token, key, (int)key_len) != 0)
        return 0;

    const char *iss = jwt_get_grant(jwt, "iss");
    long exp = jwt_get_grant_int(jwt, "exp");
    int ok = iss != NULL && strcmp(iss, BENCH_ISSUER) == 0 && exp > BENCH_VERIFY_TIME;
    jwt_free(jwt);
    return ok;
}

#endif /* JWTGUARD_BENCH_FIXTURE_H */
