/*
 * key.c: one key. Classifies an OpenSSL key or an HMAC secret, rejects weak
 * and unsupported keys, binds the admitted algorithms and computes the
 * RFC 7638 thumbprint, so that every loader (PEM, certificate, JWK) applies
 * the same rules (key_checks.c holds the RSA and EdDSA public-key checks).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include "key_checks.h"
#include "keys_internal.h"

/* Room for the thumbprint input of the largest key: an 8192-bit modulus or a 1024-byte secret. */
#define KEY_MEMBERS_MAX 2048u

/* The EC curves of RFC 7518 3.4 by OpenSSL group name, with their JWK name and algorithm. */
struct curve_entry {
    const char *group;
    const char *crv;
    size_t field_len;
    jwg_alg_id alg;
};

static const struct curve_entry ec_curves[] = {
    {"prime256v1", "P-256", 32, JWG_ALG_ES256},
    {"secp384r1", "P-384", 48, JWG_ALG_ES384},
    {"secp521r1", "P-521", 66, JWG_ALG_ES512},
};

/* ---- bounded text buffer ---- */

void jwg_strbuf_put(jwg_strbuf *b, const char *s, size_t n)
{
    if (b->overflow || n >= b->cap - b->len) {
        b->overflow = true;
        return;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void jwg_strbuf_put_str(jwg_strbuf *b, const char *s)
{
    jwg_strbuf_put(b, s, strlen(s));
}

void jwg_strbuf_put_b64(jwg_strbuf *b, const uint8_t *in, size_t n)
{
    size_t need = jwg_b64url_encoded_len(n);
    if (b->overflow || need == SIZE_MAX || need >= b->cap - b->len) {
        b->overflow = true;
        return;
    }
    b->len += jwg_b64url_encode(in, n, b->p + b->len, b->cap - b->len);
    b->p[b->len] = '\0';
}

void jwg_strbuf_put_json(jwg_strbuf *b, const char *s)
{
    if (b->overflow)
        return;

    size_t room = b->cap - b->len;
    size_t need = jwg_json_escape(s, strlen(s), b->p + b->len, room);
    if (need >= room) {
        b->overflow = true;
        b->p[b->len] = '\0';
        return;
    }
    b->len += need;
    b->p[b->len] = '\0';
}

/* ---- thumbprint members ---- */

/* Appends "name":"<base64url of bn>", with bn as big-endian bytes of exactly `pad` bytes (0: minimal). */
static jwg_err put_bn_member(jwg_strbuf *b, const char *name, const EVP_PKEY *pkey,
                             const char *param, size_t pad)
{
    BIGNUM *bn = NULL;
    uint8_t bytes[JWG_RSA_MAX_BITS / 8];
    jwg_err rc = JWG_ERR_CRYPTO;

    if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1)
        goto out;
    if ((size_t)BN_num_bytes(bn) > sizeof(bytes) || pad > sizeof(bytes))
        goto out;

    int n = pad > 0 ? BN_bn2binpad(bn, bytes, (int)pad) : BN_bn2bin(bn, bytes);
    if (n <= 0)
        goto out;

    jwg_strbuf_put(b, "\"", 1);
    jwg_strbuf_put_str(b, name);
    jwg_strbuf_put(b, "\":\"", 3);
    jwg_strbuf_put_b64(b, bytes, (size_t)n);
    jwg_strbuf_put(b, "\"", 1);
    rc = JWG_OK;

out:
    BN_free(bn);
    return rc;
}

static jwg_err members_rsa(const jwg_key *k, jwg_strbuf *b)
{
    JWG_TRY(put_bn_member(b, "e", k->pkey, OSSL_PKEY_PARAM_RSA_E, 0));
    jwg_strbuf_put_str(b, ",\"kty\":\"RSA\",");
    return put_bn_member(b, "n", k->pkey, OSSL_PKEY_PARAM_RSA_N, 0);
}

static jwg_err members_ec(const jwg_key *k, jwg_strbuf *b)
{
    /* RFC 7518 6.2.1.2: coordinates are exactly the field size, leading zeros kept. */
    jwg_strbuf_put_str(b, "\"crv\":\"");
    jwg_strbuf_put_str(b, jwg_key_curve_name(k));
    jwg_strbuf_put_str(b, "\",\"kty\":\"EC\",");
    JWG_TRY(put_bn_member(b, "x", k->pkey, OSSL_PKEY_PARAM_EC_PUB_X, k->field_len));
    jwg_strbuf_put(b, ",", 1);
    return put_bn_member(b, "y", k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, k->field_len);
}

static jwg_err members_okp(const jwg_key *k, jwg_strbuf *b)
{
    uint8_t pub[64];
    size_t len = sizeof(pub);

    JWG_ENSURE(EVP_PKEY_get_raw_public_key(k->pkey, pub, &len) == 1, JWG_ERR_CRYPTO);
    jwg_strbuf_put_str(b, "\"crv\":\"");
    jwg_strbuf_put_str(b, jwg_key_curve_name(k));
    jwg_strbuf_put_str(b, "\",\"kty\":\"OKP\",\"x\":\"");
    jwg_strbuf_put_b64(b, pub, len);
    jwg_strbuf_put(b, "\"", 1);
    return JWG_OK;
}

const char *jwg_key_curve_name(const jwg_key *k)
{
    if (k->kty == JWG_KTY_OKP)
        return EVP_PKEY_is_a(k->pkey, "ED448") ? "Ed448" : "Ed25519";
    if (k->kty != JWG_KTY_EC)
        return NULL;

    for (size_t i = 0; i < JWG_ARRAY_LEN(ec_curves); i++) {
        if (ec_curves[i].field_len == k->field_len)
            return ec_curves[i].crv;
    }
    return NULL;
}

jwg_err jwg_key_members(const jwg_key *k, bool with_secret, jwg_strbuf *b)
{
    jwg_err rc = JWG_ERR_INVALID_ARGUMENT;

    switch (k->kty) {
    case JWG_KTY_RSA:
        rc = members_rsa(k, b);
        break;
    case JWG_KTY_EC:
        rc = members_ec(k, b);
        break;
    case JWG_KTY_OKP:
        rc = members_okp(k, b);
        break;
    case JWG_KTY_OCT:
        if (!with_secret)
            return JWG_ERR_INVALID_ARGUMENT;
        jwg_strbuf_put_str(b, "\"k\":\"");
        jwg_strbuf_put_b64(b, k->secret, k->secret_len);
        jwg_strbuf_put_str(b, "\",\"kty\":\"oct\"");
        rc = JWG_OK;
        break;
    }
    if (rc == JWG_OK && b->overflow)
        rc = JWG_ERR_INVALID_ARGUMENT;
    return rc;
}

/* RFC 7638 3: SHA-256 over the required members in lexicographic order, base64url. */
static jwg_err key_thumbprint(jwg_key *k)
{
    char text[KEY_MEMBERS_MAX];
    jwg_strbuf b = {text, sizeof(text), 0, false};
    uint8_t digest[32];
    unsigned digest_len = 0;
    jwg_err rc = JWG_ERR_CRYPTO;

    jwg_strbuf_put(&b, "{", 1);
    JWG_TRY_GOTO(jwg_key_members(k, true, &b), rc, out);
    jwg_strbuf_put(&b, "}", 1);
    JWG_ENSURE(!b.overflow, JWG_ERR_INVALID_ARGUMENT);

    const EVP_MD *sha256 = jwg_alg_md(JWG_ALG_HS256);
    if (sha256 == NULL || EVP_Digest(text, b.len, digest, &digest_len, sha256, NULL) != 1)
        goto out;

    jwg_b64url_encode(digest, digest_len, k->thumbprint, sizeof(k->thumbprint));
    k->thumbprint[JWG_THUMBPRINT_MAX - 1] = '\0';
    rc = JWG_OK;

out:
    /* The oct input contains the secret. */
    jwg_wipe(text, sizeof(text));
    return rc;
}

/* ---- classification ---- */

static jwg_key *key_alloc(jwg_kty kty)
{
    jwg_key *k = calloc(1, sizeof(*k));
    if (k == NULL)
        return NULL;

    k->pools = calloc(JWG_ALG_COUNT, sizeof(*k->pools));
    if (k->pools == NULL) {
        free(k);
        return NULL;
    }
    k->kty = kty;
    return k;
}

void jwg_key_free(jwg_key *k)
{
    if (k == NULL)
        return;

    jwg_key_pools_free(k);
    free(k->pools);
    EVP_PKEY_free(k->pkey);
    jwg_wipe_free(k->secret, k->secret_len);
    free(k->kid);
    jwg_wipe(k, sizeof(*k));
    free(k);
}

static jwg_err classify_rsa(jwg_key *k, EVP_PKEY *pkey, char *detail, size_t detail_len)
{
    int bits = EVP_PKEY_get_bits(pkey);

    if (bits < (int)JWG_RSA_MIN_BITS) {
        jwg_detail_set(detail, detail_len,
                       "RSA key has %d bits; at least %u are required (RFC 7518 3.3)", bits,
                       JWG_RSA_MIN_BITS);
        return JWG_ERR_KEY_WEAK;
    }
    if (bits > (int)JWG_RSA_MAX_BITS) {
        jwg_detail_set(detail, detail_len, "RSA key has %d bits; at most %u are supported",
                       bits, JWG_RSA_MAX_BITS);
        return JWG_ERR_KEY_UNSUPPORTED;
    }
    JWG_TRY(jwg_key_check_rsa(pkey, detail, detail_len));

    k->algs = JWG_ALGS_RSA;
    k->sig_len = (size_t)EVP_PKEY_get_size(pkey);
    return JWG_OK;
}

static jwg_err ec_public_check(EVP_PKEY *pkey)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    JWG_ENSURE(ctx != NULL, JWG_ERR_NOMEM);

    /* Point on the curve, not at infinity, and of the group order (SEC 1 3.2.2.1). */
    int ok = EVP_PKEY_public_check(ctx);
    EVP_PKEY_CTX_free(ctx);
    return ok == 1 ? JWG_OK : JWG_ERR_KEY_INVALID;
}

static jwg_err classify_ec(jwg_key *k, EVP_PKEY *pkey, char *detail, size_t detail_len)
{
    char group[64] = "";
    size_t group_len = 0;

    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &group_len) != 1) {
        jwg_detail_set(detail, detail_len, "EC key has explicit curve parameters; only "
                                           "P-256, P-384 and P-521 are supported");
        return JWG_ERR_KEY_UNSUPPORTED;
    }

    for (size_t i = 0; i < JWG_ARRAY_LEN(ec_curves); i++) {
        if (strcmp(group, ec_curves[i].group) != 0)
            continue;

        k->algs = JWG_ALG_BIT(ec_curves[i].alg);
        k->field_len = ec_curves[i].field_len;
        k->sig_len = 2 * k->field_len;
        if (ec_public_check(pkey) != JWG_OK) {
            jwg_detail_set(detail, detail_len, "EC public key is not a valid point of %s",
                           ec_curves[i].crv);
            return JWG_ERR_KEY_INVALID;
        }
        return JWG_OK;
    }

    jwg_detail_set(detail, detail_len,
                   "EC curve %.40s is not supported; use P-256, P-384 or P-521", group);
    return JWG_ERR_KEY_UNSUPPORTED;
}

static jwg_err classify_pkey(jwg_key *k, EVP_PKEY *pkey, char *detail, size_t detail_len)
{
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        k->kty = JWG_KTY_RSA;
        return classify_rsa(k, pkey, detail, detail_len);
    }
    if (EVP_PKEY_is_a(pkey, "EC")) {
        k->kty = JWG_KTY_EC;
        return classify_ec(k, pkey, detail, detail_len);
    }
    if (EVP_PKEY_is_a(pkey, "ED25519") || EVP_PKEY_is_a(pkey, "ED448")) {
        k->kty = JWG_KTY_OKP;
        k->algs = JWG_ALG_BIT(JWG_ALG_EDDSA);
        k->sig_len = EVP_PKEY_is_a(pkey, "ED448") ? 114 : 64;
        return jwg_key_check_eddsa(pkey, detail, detail_len);
    }

    /* RSA-PSS restricted keys, DSA, X25519 and the like sign nothing a JWT uses. */
    jwg_detail_set(detail, detail_len, "key type %.32s is not supported; use RSA, EC P-256/"
                                       "P-384/P-521, Ed25519 or Ed448",
                   EVP_PKEY_get0_type_name(pkey) != NULL ? EVP_PKEY_get0_type_name(pkey) : "?");
    return JWG_ERR_KEY_UNSUPPORTED;
}

/* Narrows k->algs to the one algorithm `spec` names, if any. */
static jwg_err bind_alg(jwg_key *k, const jwg_key_spec *spec, char *detail, size_t detail_len)
{
    jwg_alg_id id;

    if (spec->alg == NULL)
        return JWG_OK;

    jwg_err rc = jwg_alg_from_name(spec->alg, spec->alg_len, &id);
    if (rc == JWG_ERR_ALG_NONE) {
        jwg_detail_set(detail, detail_len, "algorithm \"none\" is never accepted (RFC 8725 3.1)");
        return rc;
    }
    if (rc != JWG_OK) {
        jwg_detail_set(detail, detail_len, "algorithm \"%.*s\" is not supported",
                       (int)(spec->alg_len > 16 ? 16 : spec->alg_len), spec->alg);
        return rc;
    }
    if ((k->algs & JWG_ALG_BIT(id)) == 0) {
        jwg_detail_set(detail, detail_len, "algorithm %s does not fit this key's type or size",
                       jwg_alg_name(id));
        return JWG_ERR_KEY_ALG_MISMATCH;
    }

    k->algs = JWG_ALG_BIT(id);
    k->bound = true;
    return JWG_OK;
}

/* Copies the kid and the usage flags, binds the algorithm and computes the thumbprint. */
static jwg_err key_finish(jwg_key *k, const jwg_key_spec *spec, char *detail, size_t detail_len)
{
    JWG_TRY(bind_alg(k, spec, detail, detail_len));
    k->use = spec->use;

    if (spec->kid != NULL) {
        if (memchr(spec->kid, '\0', spec->kid_len) != NULL) {
            jwg_detail_set(detail, detail_len, "\"kid\" contains a NUL character");
            return JWG_ERR_KEY_INVALID;
        }
        k->kid = malloc(spec->kid_len + 1);
        JWG_ENSURE(k->kid != NULL, JWG_ERR_NOMEM);
        memcpy(k->kid, spec->kid, spec->kid_len);
        k->kid[spec->kid_len] = '\0';
    }

    jwg_err rc = key_thumbprint(k);
    if (rc != JWG_OK)
        jwg_detail_set(detail, detail_len, "the key thumbprint could not be computed");
    return rc;
}

jwg_err jwg_key_from_pkey(EVP_PKEY *pkey, const jwg_key_spec *spec, jwg_key **out, char *detail,
                          size_t detail_len)
{
    jwg_err rc;

    JWG_ENSURE(out != NULL && pkey != NULL && spec != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;

    jwg_key *k = key_alloc(JWG_KTY_RSA);
    JWG_ENSURE(k != NULL, JWG_ERR_NOMEM);
    k->pkey = pkey;
    k->has_private = spec->has_private;

    JWG_TRY_GOTO(classify_pkey(k, pkey, detail, detail_len), rc, out);
    JWG_TRY_GOTO(key_finish(k, spec, detail, detail_len), rc, out);
    if (k->has_private && jwg_key_self_test(k) != JWG_OK) {
        jwg_detail_set(detail, detail_len, "private key does not match its public key");
        rc = JWG_ERR_KEY_INVALID;
        goto out;
    }
    *out = k;
    k = NULL;

out:
    /* On failure the caller keeps ownership of pkey. */
    if (k != NULL)
        k->pkey = NULL;
    jwg_key_free(k);
    return rc;
}

/* Returns the HS* algorithms whose hash output fits in `len` bytes of secret (RFC 7518 3.2). */
static uint32_t hmac_algs_for(size_t len)
{
    uint32_t algs = 0;
    for (jwg_alg_id id = JWG_ALG_HS256; id <= JWG_ALG_HS512; id++) {
        if (jwg_alg_hash_len(id) <= len)
            algs |= JWG_ALG_BIT(id);
    }
    return algs;
}

static jwg_err secret_check(size_t len, const jwg_key_spec *spec, char *detail,
                            size_t detail_len)
{
    jwg_alg_id id;

    if (len < JWG_HMAC_MIN_BYTES) {
        jwg_detail_set(detail, detail_len, "HMAC secret has %zu bytes; at least %u are required "
                                           "(RFC 7518 3.2)", len, JWG_HMAC_MIN_BYTES);
        return JWG_ERR_KEY_WEAK;
    }
    if (len > JWG_HMAC_MAX_BYTES) {
        jwg_detail_set(detail, detail_len, "HMAC secret has %zu bytes; at most %u are supported",
                       len, JWG_HMAC_MAX_BYTES);
        return JWG_ERR_KEY_UNSUPPORTED;
    }

    /* A bound HS* algorithm needs a secret at least as long as its hash; others fail in bind_alg. */
    if (spec->alg != NULL && jwg_alg_from_name(spec->alg, spec->alg_len, &id) == JWG_OK &&
        (JWG_ALGS_HS & JWG_ALG_BIT(id)) != 0 && jwg_alg_hash_len(id) > len) {
        jwg_detail_set(detail, detail_len, "HMAC secret has %zu bytes; %s requires at least %zu "
                                           "(RFC 7518 3.2)", len, jwg_alg_name(id),
                       jwg_alg_hash_len(id));
        return JWG_ERR_KEY_WEAK;
    }
    return JWG_OK;
}

jwg_err jwg_key_from_secret(const uint8_t *secret, size_t len, const jwg_key_spec *spec,
                            jwg_key **out, char *detail, size_t detail_len)
{
    jwg_err rc;

    JWG_ENSURE(out != NULL && spec != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    JWG_ENSURE(secret != NULL || len == 0, JWG_ERR_INVALID_ARGUMENT);
    JWG_TRY(secret_check(len, spec, detail, detail_len));

    jwg_key *k = key_alloc(JWG_KTY_OCT);
    JWG_ENSURE(k != NULL, JWG_ERR_NOMEM);

    k->secret = malloc(len);
    if (k->secret == NULL) {
        rc = JWG_ERR_NOMEM;
        goto out;
    }
    memcpy(k->secret, secret, len);
    k->secret_len = len;
    k->has_private = true;
    k->algs = hmac_algs_for(len);
    JWG_TRY_GOTO(key_finish(k, spec, detail, detail_len), rc, out);

    *out = k;
    k = NULL;

out:
    jwg_key_free(k);
    return rc;
}

/* ---- accessors (internal.h) ---- */

uint32_t jwg_key_algs(const jwg_key *k)
{
    return k != NULL ? k->algs : 0;
}

jwg_kty jwg_key_type(const jwg_key *k)
{
    return k != NULL ? k->kty : (jwg_kty)0;
}

const char *jwg_key_kid(const jwg_key *k)
{
    return k != NULL ? k->kid : NULL;
}

const char *jwg_key_thumbprint(const jwg_key *k)
{
    return k != NULL ? k->thumbprint : NULL;
}

bool jwg_key_can_verify(const jwg_key *k)
{
    return k != NULL && (k->use & JWG_USE_VERIFY) != 0;
}

bool jwg_key_can_sign(const jwg_key *k)
{
    return k != NULL && k->has_private && (k->use & JWG_USE_SIGN) != 0;
}
