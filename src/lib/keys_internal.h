/*
 * keys_internal.h: the key object and the helpers shared by alg.c, key.c,
 * keys.c, jwk.c, crypto.c and keygen.c. Other modules use the accessors in
 * internal.h instead.
 */
#ifndef JWTGUARD_KEYS_INTERNAL_H
#define JWTGUARD_KEYS_INTERNAL_H

#include <openssl/evp.h>

#include "internal.h"

/* Pooled contexts per key and algorithm; a busy pool allocates and frees extra ones. */
#define JWG_POOL_SLOTS 8u

/* Largest JWK, JWK set or PEM text accepted, in bytes. */
#define JWG_JWK_MAX_BYTES (1024u * 1024u)

/* Largest RSA modulus accepted, in bits; JWG_SIG_MAX bytes hold its signatures. */
#define JWG_RSA_MAX_BITS 8192u

/* Smallest RSA modulus accepted, in bits (RFC 7518 3.3). */
#define JWG_RSA_MIN_BITS 2048u

/* Smallest HMAC secret accepted, in bytes: the output of SHA-256 (RFC 7518 3.2). */
#define JWG_HMAC_MIN_BYTES 32u

/* Largest HMAC secret accepted, in bytes. */
#define JWG_HMAC_MAX_BYTES 1024u

/*
 * OpenSSL state that one verification needs, pre-initialised for one key
 * and one algorithm. Only the members the algorithm uses are set.
 */
typedef struct jwg_op_ctx {
    EVP_MD_CTX *md;    /* digest of the signing input (RSA, ECDSA) or EdDSA one-shot */
    EVP_PKEY_CTX *pkey; /* EVP_PKEY_verify_init done, padding and digest set (RSA, ECDSA) */
    EVP_MAC_CTX *mac;  /* EVP_MAC_init done with the secret (HMAC) */
} jwg_op_ctx;

/*
 * A lock-free pool: a slot holds a ready context or NULL. A thread takes
 * one with atomic_exchange and gives it back with compare-exchange into an
 * empty slot, so once the pool is warm a verification allocates nothing.
 */
typedef struct jwg_ctx_pool {
    _Atomic(jwg_op_ctx *) slots[JWG_POOL_SLOTS];
} jwg_ctx_pool;

/* Usage flags: the operations that a JWK's "use" and "key_ops" (RFC 7517 4.2, 4.3) permit. */
#define JWG_USE_VERIFY 0x01u
#define JWG_USE_SIGN 0x02u

struct jwg_key {
    jwg_kty kty;
    uint32_t algs;    /* JWG_ALG_BIT set the key admits */
    bool bound;       /* algs was narrowed to one algorithm by an "alg" */
    unsigned use;     /* JWG_USE_* flags permitted by "use" and "key_ops" */
    bool has_private; /* a private key or a secret, so the key can sign */
    size_t field_len; /* EC: bytes of one coordinate; 0 otherwise */
    size_t sig_len;   /* exact signature length in bytes (RSA, EC, OKP; HMAC uses the hash length) */
    EVP_PKEY *pkey;   /* RSA, EC, OKP */
    uint8_t *secret;  /* oct */
    size_t secret_len;
    char *kid;
    char thumbprint[JWG_THUMBPRINT_MAX];
    jwg_ctx_pool *pools; /* JWG_ALG_COUNT pools, reached through const keys */
};

/* ---- alg.c ---- */

/* Returns the fetched HMAC implementation, or NULL when OpenSSL cannot provide it. */
EVP_MAC *jwg_hmac_impl(void);

/* Returns the digest output length of `id` in bytes; 0 for EdDSA. */
size_t jwg_alg_hash_len(jwg_alg_id id);

/*
 * Writes the names of the algorithms in `algs`, space-separated, into `out`.
 * Returns the length written, or SIZE_MAX (and an empty string) when it does not fit.
 */
size_t jwg_algs_format(uint32_t algs, char *out, size_t out_len);

/* ---- key.c: building one key ---- */

/* The caller's description of a key being loaded; kid and alg may be NULL. */
typedef struct jwg_key_spec {
    const char *alg;
    size_t alg_len;
    const char *kid;
    size_t kid_len;
    unsigned use;     /* JWG_USE_* flags */
    bool has_private; /* the OpenSSL key contains a private key */
} jwg_key_spec;

/*
 * Builds a key from an OpenSSL key, which the new key owns on success (the
 * caller still frees it on failure). `spec->alg` narrows the admitted
 * algorithms to one. Writes the reason for a failure into `detail`.
 */
jwg_err jwg_key_from_pkey(EVP_PKEY *pkey, const jwg_key_spec *spec, jwg_key **out, char *detail,
                          size_t detail_len);

/* Builds an oct key from a copy of `secret`; the caller wipes its own buffer. */
jwg_err jwg_key_from_secret(const uint8_t *secret, size_t len, const jwg_key_spec *spec,
                            jwg_key **out, char *detail, size_t detail_len);

/* Wipes and frees a key and its pooled contexts. NULL does nothing. */
void jwg_key_free(jwg_key *k);

/* A bounded text buffer; a write that does not fit sets `overflow` and writes nothing more. */
typedef struct jwg_strbuf {
    char *p;
    size_t cap;
    size_t len;
    bool overflow;
} jwg_strbuf;

void jwg_strbuf_put(jwg_strbuf *b, const char *s, size_t n);
void jwg_strbuf_put_str(jwg_strbuf *b, const char *s);
void jwg_strbuf_put_b64(jwg_strbuf *b, const uint8_t *in, size_t n);

/* Appends `s` as a quoted JSON string, escaping quote, backslash and control characters. */
void jwg_strbuf_put_json(jwg_strbuf *b, const char *s);

/*
 * Appends the required JWK members of `k` in RFC 7638 3.2 order, without
 * braces or whitespace: {"e","kty","n"}, {"crv","kty","x","y"}, {"crv",
 * "kty","x"} or, for oct only with `with_secret`, {"k","kty"}.
 */
jwg_err jwg_key_members(const jwg_key *k, bool with_secret, jwg_strbuf *b);

/* Returns the JWK "crv" name of an EC or OKP key, or NULL. */
const char *jwg_key_curve_name(const jwg_key *k);

/* ---- keys.c: adding to a set ---- */

/*
 * Adds `n` keys to `ks` when all of them fit, no kid repeats and the set
 * stays all-symmetric or all-asymmetric; otherwise frees them all, leaves
 * the set unchanged and writes the reason into ks->detail. Takes ownership.
 */
jwg_err jwg_keyset_commit(jwg_keyset *ks, jwg_key **keys, size_t n);

/* ---- crypto.c ---- */

/* Frees every pooled context of `k`. */
void jwg_key_pools_free(jwg_key *k);

/* Checks that a private key's public half verifies what it signs. */
jwg_err jwg_key_self_test(const jwg_key *k);

#endif /* JWTGUARD_KEYS_INTERNAL_H */
