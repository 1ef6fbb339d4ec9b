/*
 * test_crypto.c: signing and verifying with one key (jwg_key_sign,
 * jwg_key_verify): every algorithm round trip, signature length and
 * encoding rules, ECDSA edge values, and the context pool under threads.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "keys_internal.h"

static const uint8_t message[] = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0";

/* A 64-byte HMAC secret, long enough for HS512. */
static const uint8_t hmac_secret[64] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde";

/* Reads tests/data/keys/<name> into a NUL-terminated buffer. */
static char *read_key_file(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/keys/%s", JWG_TEST_DATA, name);

    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 65536);
    assert_non_null(buf);
    *len = fread(buf, 1, 65535, f);
    fclose(f);
    return buf;
}

/* Loads one PEM file into a new set; `private_key` selects the PKCS #8 loader. */
static jwg_keyset *load_pem(const char *name, bool private_key)
{
    jwg_keyset *ks = NULL;
    size_t len = 0;
    char *pem = read_key_file(name, &len);

    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    jwg_err rc = private_key ? jwg_keyset_add_pem_private(ks, pem, len, NULL, NULL)
                             : jwg_keyset_add_pem_public(ks, pem, len, NULL, NULL);
    assert_int_equal(rc, JWG_OK);
    free(pem);
    return ks;
}

static jwg_keyset *load_hmac(void)
{
    jwg_keyset *ks = NULL;
    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    assert_int_equal(jwg_keyset_add_hmac(ks, hmac_secret, sizeof(hmac_secret), NULL, NULL), JWG_OK);
    return ks;
}

struct alg_case {
    jwg_alg_id alg;
    const char *private_file; /* NULL: the HMAC secret */
    const char *public_file;
    size_t sig_len;
};

static const struct alg_case alg_cases[] = {
    /* HMAC outputs are the hash length (RFC 7518 3.2) */
    {JWG_ALG_HS256, NULL, NULL, 32},
    {JWG_ALG_HS384, NULL, NULL, 48},
    {JWG_ALG_HS512, NULL, NULL, 64},
    /* RSA signatures are the modulus length (RFC 7518 3.3, 3.5) */
    {JWG_ALG_RS256, "rsa2048.key.pem", "rsa2048.pub.pem", 256},
    {JWG_ALG_RS384, "rsa2048.key.pem", "rsa2048.pub.pem", 256},
    {JWG_ALG_RS512, "rsa2048.key.pem", "rsa2048.pub.pem", 256},
    {JWG_ALG_PS256, "rsa2048.key.pem", "rsa2048.pub.pem", 256},
    {JWG_ALG_PS384, "rsa2048.key.pem", "rsa2048.pub.pem", 256},
    {JWG_ALG_PS512, "rsa2048.key.pem", "rsa2048.pub.pem", 256},
    /* ECDSA signatures are raw r || s of twice the field size (RFC 7518 3.4) */
    {JWG_ALG_ES256, "p256.key.pem", "p256.pub.pem", 64},
    {JWG_ALG_ES384, "p384.key.pem", "p384.pub.pem", 96},
    {JWG_ALG_ES512, "p521.key.pem", "p521.pub.pem", 132},
    /* Ed25519 and Ed448 signatures are 64 and 114 bytes (RFC 8032 5.1.6, 5.2.6) */
    {JWG_ALG_EDDSA, "ed25519.key.pem", "ed25519.pub.pem", 64},
    {JWG_ALG_EDDSA, "ed448.key.pem", "ed448.pub.pem", 114},
};

struct loaded {
    jwg_keyset *priv;
    jwg_keyset *pub; /* same set as priv for HMAC */
};

static struct loaded load_case(const struct alg_case *c)
{
    struct loaded l;
    if (c->private_file == NULL) {
        l.priv = load_hmac();
        l.pub = jwg_keyset_ref(l.priv);
    } else {
        l.priv = load_pem(c->private_file, true);
        l.pub = load_pem(c->public_file, false);
    }
    return l;
}

static void unload(struct loaded *l)
{
    jwg_keyset_free(l->priv);
    jwg_keyset_free(l->pub);
}

static size_t sign_case(const struct alg_case *c, const struct loaded *l, uint8_t *sig)
{
    size_t sig_len = 0;
    assert_int_equal(jwg_key_sign(l->priv->keys[0], c->alg, message, sizeof(message) - 1, sig,
                                  JWG_SIG_MAX, &sig_len),
                     JWG_OK);
    assert_int_equal(sig_len, c->sig_len);
    return sig_len;
}

static void crypto_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < JWG_ARRAY_LEN(alg_cases); i++) {
        const struct alg_case *c = &alg_cases[i];
        struct loaded l = load_case(c);
        uint8_t sig[JWG_SIG_MAX];
        size_t sig_len = sign_case(c, &l, sig);

        /* the public key and the private key both verify */
        assert_int_equal(jwg_key_verify(l.pub->keys[0], c->alg, message, sizeof(message) - 1,
                                        sig, sig_len),
                         JWG_OK);
        assert_int_equal(jwg_key_verify(l.priv->keys[0], c->alg, message, sizeof(message) - 1,
                                        sig, sig_len),
                         JWG_OK);
        /* a second verification runs on the pooled context */
        assert_int_equal(jwg_key_verify(l.pub->keys[0], c->alg, message, sizeof(message) - 1,
                                        sig, sig_len),
                         JWG_OK);
        /* another message does not verify */
        assert_int_equal(jwg_key_verify(l.pub->keys[0], c->alg, message, sizeof(message) - 2,
                                        sig, sig_len),
                         JWG_ERR_SIGNATURE_INVALID);
        unload(&l);
    }
}

static void crypto_flipped_bit(void **state)
{
    (void)state;
    for (size_t i = 0; i < JWG_ARRAY_LEN(alg_cases); i++) {
        const struct alg_case *c = &alg_cases[i];
        struct loaded l = load_case(c);
        uint8_t sig[JWG_SIG_MAX];
        size_t sig_len = sign_case(c, &l, sig);

        /* first, middle and last byte each get one bit flipped */
        size_t positions[3] = {0, sig_len / 2, sig_len - 1};
        for (size_t p = 0; p < 3; p++) {
            sig[positions[p]] ^= 0x01;
            assert_int_equal(jwg_key_verify(l.pub->keys[0], c->alg, message, sizeof(message) - 1,
                                            sig, sig_len),
                             JWG_ERR_SIGNATURE_INVALID);
            sig[positions[p]] ^= 0x01;
        }
        unload(&l);
    }
}

static void crypto_wrong_length(void **state)
{
    (void)state;
    for (size_t i = 0; i < JWG_ARRAY_LEN(alg_cases); i++) {
        const struct alg_case *c = &alg_cases[i];
        struct loaded l = load_case(c);
        uint8_t sig[JWG_SIG_MAX + 1];
        size_t sig_len = sign_case(c, &l, sig);
        const jwg_key *k = l.pub->keys[0];

        /* truncated by one byte */
        assert_int_equal(jwg_key_verify(k, c->alg, message, sizeof(message) - 1, sig, sig_len - 1),
                         JWG_ERR_SIGNATURE_LENGTH);
        /* extended by one zero byte */
        sig[sig_len] = 0;
        assert_int_equal(jwg_key_verify(k, c->alg, message, sizeof(message) - 1, sig, sig_len + 1),
                         JWG_ERR_SIGNATURE_LENGTH);
        /* empty */
        assert_int_equal(jwg_key_verify(k, c->alg, message, sizeof(message) - 1, sig, 0),
                         JWG_ERR_SIGNATURE_LENGTH);
        unload(&l);
    }
}

static void crypto_hmac_length(void **state)
{
    (void)state;
    jwg_keyset *ks = load_hmac();
    uint8_t sig[64] = {0};

    /* an HS256 MAC checked as HS512 is too short */
    assert_int_equal(jwg_key_verify(ks->keys[0], JWG_ALG_HS512, message, sizeof(message) - 1,
                                    sig, 32),
                     JWG_ERR_SIGNATURE_LENGTH);
    /* an HS512-length value checked as HS256 is too long */
    assert_int_equal(jwg_key_verify(ks->keys[0], JWG_ALG_HS256, message, sizeof(message) - 1,
                                    sig, 64),
                     JWG_ERR_SIGNATURE_LENGTH);
    /* a truncated MAC is rejected before any comparison */
    assert_int_equal(jwg_key_verify(ks->keys[0], JWG_ALG_HS384, message, sizeof(message) - 1,
                                    sig, 47),
                     JWG_ERR_SIGNATURE_LENGTH);
    jwg_keyset_free(ks);
}

/* The order n of P-256 (SEC 2 2.4.2). */
static const uint8_t p256_order[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

static void crypto_ecdsa_edge_values(void **state)
{
    (void)state;
    jwg_keyset *ks = load_pem("p256.pub.pem", false);
    const jwg_key *k = ks->keys[0];
    uint8_t sig[64];

    /* r = s = 0 is never a valid signature (SEC 1 4.1.4 step 1) */
    memset(sig, 0, sizeof(sig));
    assert_int_equal(jwg_key_verify(k, JWG_ALG_ES256, message, sizeof(message) - 1, sig, 64),
                     JWG_ERR_SIGNATURE_INVALID);

    /* r = n, s = 1: r must be below the group order */
    memcpy(sig, p256_order, 32);
    memset(sig + 32, 0, 32);
    sig[63] = 1;
    assert_int_equal(jwg_key_verify(k, JWG_ALG_ES256, message, sizeof(message) - 1, sig, 64),
                     JWG_ERR_SIGNATURE_INVALID);

    /* r = 1, s = n: s must be below the group order */
    memset(sig, 0, 32);
    sig[31] = 1;
    memcpy(sig + 32, p256_order, 32);
    assert_int_equal(jwg_key_verify(k, JWG_ALG_ES256, message, sizeof(message) - 1, sig, 64),
                     JWG_ERR_SIGNATURE_INVALID);

    /* all bits set: r and s above the order */
    memset(sig, 0xff, sizeof(sig));
    assert_int_equal(jwg_key_verify(k, JWG_ALG_ES256, message, sizeof(message) - 1, sig, 64),
                     JWG_ERR_SIGNATURE_INVALID);
    jwg_keyset_free(ks);
}

static void crypto_ecdsa_der_rejected(void **state)
{
    (void)state;
    jwg_keyset *ks = load_pem("p256.key.pem", true);
    const jwg_key *k = ks->keys[0];
    uint8_t der[128];
    size_t der_len = sizeof(der);

    /* OpenSSL's own DER signature is valid ECDSA but not the JWS encoding (RFC 7518 3.4) */
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    assert_non_null(md);
    assert_int_equal(EVP_DigestSignInit_ex(md, NULL, "SHA256", NULL, NULL, k->pkey, NULL), 1);
    assert_int_equal(EVP_DigestSign(md, der, &der_len, message, sizeof(message) - 1), 1);
    EVP_MD_CTX_free(md);

    assert_int_equal(jwg_key_verify(k, JWG_ALG_ES256, message, sizeof(message) - 1, der, der_len),
                     JWG_ERR_SIGNATURE_LENGTH);
    jwg_keyset_free(ks);
}

static void crypto_rsa_edge_values(void **state)
{
    (void)state;
    jwg_keyset *ks = load_pem("rsa2048.pub.pem", false);
    const jwg_key *k = ks->keys[0];
    uint8_t sig[256];
    static const jwg_alg_id algs[2] = {JWG_ALG_RS256, JWG_ALG_PS256};

    for (size_t i = 0; i < 2; i++) {
        /* zero, one, and a value above the modulus: all invalid, none an internal error */
        memset(sig, 0, sizeof(sig));
        assert_int_equal(jwg_key_verify(k, algs[i], message, sizeof(message) - 1, sig, 256),
                         JWG_ERR_SIGNATURE_INVALID);
        sig[255] = 1;
        assert_int_equal(jwg_key_verify(k, algs[i], message, sizeof(message) - 1, sig, 256),
                         JWG_ERR_SIGNATURE_INVALID);
        memset(sig, 0xff, sizeof(sig));
        assert_int_equal(jwg_key_verify(k, algs[i], message, sizeof(message) - 1, sig, 256),
                         JWG_ERR_SIGNATURE_INVALID);
    }
    jwg_keyset_free(ks);
}

static void crypto_pool_reuse(void **state)
{
    (void)state;
    jwg_keyset *ks = load_pem("p256.key.pem", true);
    const jwg_key *k = ks->keys[0];
    uint8_t sig[64];
    size_t sig_len = 0;

    assert_int_equal(jwg_key_sign(k, JWG_ALG_ES256, message, sizeof(message) - 1, sig,
                                  sizeof(sig), &sig_len),
                     JWG_OK);
    assert_int_equal(jwg_key_verify(k, JWG_ALG_ES256, message, sizeof(message) - 1, sig, sig_len),
                     JWG_OK);

    /* one thread keeps taking and returning the same context; no new one is made */
    jwg_op_ctx *warm = atomic_load(&k->pools[JWG_ALG_ES256].slots[0]);
    assert_non_null(warm);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(jwg_key_verify(k, JWG_ALG_ES256, message, sizeof(message) - 1, sig,
                                        sig_len),
                         JWG_OK);
        assert_ptr_equal(atomic_load(&k->pools[JWG_ALG_ES256].slots[0]), warm);
        assert_null(atomic_load(&k->pools[JWG_ALG_ES256].slots[1]));
    }
    jwg_keyset_free(ks);
}

static void crypto_sign_needs_private(void **state)
{
    (void)state;
    jwg_keyset *ks = load_pem("p256.pub.pem", false);
    uint8_t sig[JWG_SIG_MAX];
    size_t sig_len = 1;

    /* a public key cannot sign */
    assert_int_equal(jwg_key_sign(ks->keys[0], JWG_ALG_ES256, message, sizeof(message) - 1, sig,
                                  sizeof(sig), &sig_len),
                     JWG_ERR_KEY_NOT_PRIVATE);
    assert_int_equal(sig_len, 0);
    /* an algorithm outside the key's family is refused */
    assert_int_equal(jwg_key_verify(ks->keys[0], JWG_ALG_ES384, message, sizeof(message) - 1, sig,
                                    96),
                     JWG_ERR_KEY_ALG_MISMATCH);
    jwg_keyset_free(ks);
}

/* ---- pool under threads ---- */

#define STRESS_THREADS 4
#define STRESS_ROUNDS 400

struct stress_arg {
    const jwg_key *key;
    jwg_alg_id alg;
    const uint8_t *sig;
    size_t sig_len;
    int failures;
};

static void *stress_worker(void *p)
{
    struct stress_arg *a = p;
    uint8_t bad[JWG_SIG_MAX];
    memcpy(bad, a->sig, a->sig_len);
    bad[0] ^= 0x80;

    for (int i = 0; i < STRESS_ROUNDS; i++) {
        if (jwg_key_verify(a->key, a->alg, message, sizeof(message) - 1, a->sig, a->sig_len) !=
            JWG_OK)
            a->failures++;
        if (jwg_key_verify(a->key, a->alg, message, sizeof(message) - 1, bad, a->sig_len) !=
            JWG_ERR_SIGNATURE_INVALID)
            a->failures++;
    }
    return NULL;
}

static void stress_one(const struct alg_case *c)
{
    struct loaded l = load_case(c);
    uint8_t sig[JWG_SIG_MAX];
    size_t sig_len = sign_case(c, &l, sig);
    pthread_t threads[STRESS_THREADS];
    struct stress_arg args[STRESS_THREADS];

    for (int t = 0; t < STRESS_THREADS; t++) {
        args[t] = (struct stress_arg){l.pub->keys[0], c->alg, sig, sig_len, 0};
        assert_int_equal(pthread_create(&threads[t], NULL, stress_worker, &args[t]), 0);
    }
    for (int t = 0; t < STRESS_THREADS; t++) {
        assert_int_equal(pthread_join(threads[t], NULL), 0);
        assert_int_equal(args[t].failures, 0);
    }
    unload(&l);
}

static void crypto_pool_threads(void **state)
{
    (void)state;
    /* HS256, RS256, PS256, ES256 and Ed25519: each pool kind shared by four threads */
    stress_one(&alg_cases[0]);
    stress_one(&alg_cases[3]);
    stress_one(&alg_cases[6]);
    stress_one(&alg_cases[9]);
    stress_one(&alg_cases[12]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crypto_round_trip),
        cmocka_unit_test(crypto_flipped_bit),
        cmocka_unit_test(crypto_wrong_length),
        cmocka_unit_test(crypto_hmac_length),
        cmocka_unit_test(crypto_ecdsa_edge_values),
        cmocka_unit_test(crypto_ecdsa_der_rejected),
        cmocka_unit_test(crypto_rsa_edge_values),
        cmocka_unit_test(crypto_pool_reuse),
        cmocka_unit_test(crypto_sign_needs_private),
        cmocka_unit_test(crypto_pool_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
