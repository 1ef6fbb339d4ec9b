/*
 * jwk.c: JSON Web Keys (RFC 7517) and their key-type parameters (RFC 7518
 * 6, RFC 8037 2), read with the strict JSON reader.
 *
 * Key material members must be strict base64url and exactly as long as the
 * key type requires; an EC point must lie on its curve. "alg", "kid",
 * "use" and "key_ops" are honoured; other members are ignored
 * (RFC 7517 4). "x5c", "x5u" and the like are never used to build a key.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "keys_internal.h"

/* Buffer for the base64url text of one key member: 1366 characters encode 1024 bytes. */
#define JWK_MEMBER_TEXT_MAX 1367u

/* Largest decoded key member in bytes. */
#define JWK_MEMBER_MAX 1024u

/* Longest accepted "kid" and "alg", in bytes. */
#define JWK_KID_MAX 1024u
#define JWK_ALG_MAX 32u

/* One JWK object being read, and where a failure is described. */
struct jwk_reader {
    const jwg_json_doc *doc;
    size_t obj;
    char *detail;
    size_t detail_len;
};

/* ---- members ---- */

/* Returns the index of string member `name`, 0 when absent; a non-string is JWG_ERR_KEY_INVALID. */
static jwg_err jwk_string(const struct jwk_reader *r, const char *name, size_t *idx)
{
    *idx = jwg_json_find(r->doc, r->obj, name);
    if (*idx != 0 && r->doc->nodes[*idx].type != JWG_JSON_STRING) {
        jwg_detail_set(r->detail, r->detail_len, "JWK member \"%s\" is not a string", name);
        return JWG_ERR_KEY_INVALID;
    }
    return JWG_OK;
}

/* Copies string member `name`, unescaped, into `out` of `cap` bytes; absent gives *len = SIZE_MAX. */
static jwg_err jwk_text(const struct jwk_reader *r, const char *name, char *out, size_t cap,
                        size_t *len)
{
    size_t idx;

    *len = SIZE_MAX;
    JWG_TRY(jwk_string(r, name, &idx));
    if (idx == 0)
        return JWG_OK;

    if (r->doc->nodes[idx].len >= cap ||
        jwg_json_string_copy(r->doc, idx, out, cap, len) != JWG_OK) {
        jwg_detail_set(r->detail, r->detail_len, "JWK member \"%s\" is too long", name);
        return JWG_ERR_KEY_INVALID;
    }
    return JWG_OK;
}

/*
 * Decodes base64url member `name` into `out` (JWK_MEMBER_MAX bytes). An
 * absent member gives *len = 0 when optional and JWG_ERR_KEY_INVALID when
 * required. The text is wiped because it may be a private member.
 */
static jwg_err jwk_bytes(const struct jwk_reader *r, const char *name, bool required,
                         uint8_t *out, size_t *len)
{
    char text[JWK_MEMBER_TEXT_MAX];
    size_t text_len = 0;

    *len = 0;
    JWG_TRY(jwk_text(r, name, text, sizeof(text), &text_len));
    if (text_len == SIZE_MAX) {
        if (!required)
            return JWG_OK;
        jwg_detail_set(r->detail, r->detail_len, "JWK member \"%s\" is missing", name);
        return JWG_ERR_KEY_INVALID;
    }

    /*
     * RFC 7517 3: key members are base64url without padding; RFC 4648 3.5
     * canonical form only. Every member takes the table-free decoder because
     * "k", "d" and the RSA primes are secret, and the public ones cost no more.
     */
    jwg_err rc = jwg_b64url_decode_secret(text, text_len, out, JWK_MEMBER_MAX, len);
    jwg_wipe(text, sizeof(text));
    if (rc != JWG_OK || *len == 0) {
        jwg_detail_set(r->detail, r->detail_len,
                       "JWK member \"%s\" is not non-empty canonical base64url", name);
        *len = 0;
        return JWG_ERR_KEY_INVALID;
    }
    return JWG_OK;
}

/* Decodes member `name` as a big-endian unsigned integer; absent optional gives *bn = NULL. */
static jwg_err jwk_bn(const struct jwk_reader *r, const char *name, bool required, BIGNUM **bn)
{
    uint8_t bytes[JWK_MEMBER_MAX];
    size_t len = 0;

    *bn = NULL;
    JWG_TRY(jwk_bytes(r, name, required, bytes, &len));
    if (len == 0)
        return JWG_OK;

    *bn = BN_bin2bn(bytes, (int)len, NULL);
    jwg_wipe(bytes, len);
    JWG_ENSURE(*bn != NULL, JWG_ERR_NOMEM);
    BN_set_flags(*bn, BN_FLG_CONSTTIME);
    return JWG_OK;
}

/* Decodes member `name`, which must be exactly `want` bytes (RFC 7518 6.2.1.2, RFC 8037 2). */
static jwg_err jwk_fixed(const struct jwk_reader *r, const char *name, bool required,
                         size_t want, uint8_t *out, size_t *len)
{
    JWG_TRY(jwk_bytes(r, name, required, out, len));
    if (*len != 0 && *len != want) {
        jwg_detail_set(r->detail, r->detail_len,
                       "JWK member \"%s\" has %zu bytes; this curve needs exactly %zu", name,
                       *len, want);
        jwg_wipe(out, *len);
        return JWG_ERR_KEY_INVALID;
    }
    return JWG_OK;
}

/* ---- "use" and "key_ops" ---- */

/* RFC 7517 4.3: "key_ops" is an array of unique strings; only "verify" and "sign" matter here. */
static jwg_err jwk_key_ops(const struct jwk_reader *r, size_t idx, unsigned *use)
{
    const jwg_json_doc *doc = r->doc;
    unsigned allowed = 0;

    if (doc->nodes[idx].type != JWG_JSON_ARRAY) {
        jwg_detail_set(r->detail, r->detail_len, "JWK member \"key_ops\" is not an array");
        return JWG_ERR_KEY_INVALID;
    }

    size_t item = idx + 1;
    for (uint32_t i = 0; i < doc->nodes[idx].count; i++, item = doc->nodes[item].next) {
        if (doc->nodes[item].type != JWG_JSON_STRING) {
            jwg_detail_set(r->detail, r->detail_len, "JWK \"key_ops\" has a non-string entry");
            return JWG_ERR_KEY_INVALID;
        }
        unsigned op = jwg_json_string_equals(doc, item, "verify", 6)  ? JWG_USE_VERIFY
                      : jwg_json_string_equals(doc, item, "sign", 4) ? JWG_USE_SIGN
                                                                      : 0;
        if ((allowed & op) != 0) {
            jwg_detail_set(r->detail, r->detail_len, "JWK \"key_ops\" repeats an operation");
            return JWG_ERR_KEY_INVALID;
        }
        allowed |= op;
    }
    *use &= allowed;
    return JWG_OK;
}

/* RFC 7517 4.2, 4.3: a key for "enc", or whose operations omit one, is loaded but not used for it. */
static jwg_err jwk_usage(const struct jwk_reader *r, unsigned *use)
{
    size_t idx;

    *use = JWG_USE_VERIFY | JWG_USE_SIGN;
    JWG_TRY(jwk_string(r, "use", &idx));
    if (idx != 0 && !jwg_json_string_equals(r->doc, idx, "sig", 3))
        *use = 0;

    idx = jwg_json_find(r->doc, r->obj, "key_ops");
    if (idx != 0)
        JWG_TRY(jwk_key_ops(r, idx, use));
    return JWG_OK;
}

/* ---- key types ---- */

/* Builds an OpenSSL key of `type` from parameters; failure means the values are not a valid key. */
static jwg_err pkey_from_params(const char *type, OSSL_PARAM_BLD *bld, bool has_private,
                                EVP_PKEY **pkey)
{
    jwg_err rc = JWG_ERR_KEY_INVALID;
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);

    if (params == NULL || ctx == NULL) {
        rc = JWG_ERR_NOMEM;
        goto out;
    }
    int selection = has_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
    if (EVP_PKEY_fromdata_init(ctx) == 1 && EVP_PKEY_fromdata(ctx, pkey, selection, params) == 1)
        rc = JWG_OK;

out:
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return rc;
}

/* RFC 7518 6.3.1.1: "n" and "e" use the minimum number of octets, so one key has one spelling. */
static jwg_err rsa_minimal(const struct jwk_reader *r, const char *name)
{
    uint8_t bytes[JWK_MEMBER_MAX];
    size_t len = 0;

    JWG_TRY(jwk_bytes(r, name, true, bytes, &len));
    if (bytes[0] == 0) {
        jwg_detail_set(r->detail, r->detail_len, "JWK RSA \"%s\" has a leading zero octet", name);
        return JWG_ERR_KEY_INVALID;
    }
    return JWG_OK;
}

/* The RSA members in OpenSSL parameter order: public, private exponent, then the CRT values. */
static const char *const rsa_members[8] = {"n", "e", "d", "p", "q", "dp", "dq", "qi"};
static const char *const rsa_params[8] = {
    OSSL_PKEY_PARAM_RSA_N,         OSSL_PKEY_PARAM_RSA_E,         OSSL_PKEY_PARAM_RSA_D,
    OSSL_PKEY_PARAM_RSA_FACTOR1,   OSSL_PKEY_PARAM_RSA_FACTOR2,   OSSL_PKEY_PARAM_RSA_EXPONENT1,
    OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
};

/* RFC 7518 6.3.2: the CRT members "p" to "qi" come all together or not at all. */
static jwg_err rsa_check_members(const struct jwk_reader *r, BIGNUM *const *bn)
{
    size_t crt = 0;
    for (size_t i = 3; i < 8; i++)
        crt += bn[i] != NULL ? 1 : 0;

    if ((crt != 0 && crt != 5) || (bn[2] == NULL && crt != 0)) {
        jwg_detail_set(r->detail, r->detail_len,
                       "JWK RSA private key needs \"d\" and all or none of p, q, dp, dq, qi");
        return JWG_ERR_KEY_INVALID;
    }
    if (jwg_json_find(r->doc, r->obj, "oth") != 0) {
        jwg_detail_set(r->detail, r->detail_len, "JWK RSA keys with more than two primes "
                                                 "(\"oth\") are not supported");
        return JWG_ERR_KEY_UNSUPPORTED;
    }
    return JWG_OK;
}

static jwg_err jwk_rsa(const struct jwk_reader *r, EVP_PKEY **pkey, bool *has_private)
{
    BIGNUM *bn[8] = {NULL};
    jwg_err rc;

    JWG_TRY(rsa_minimal(r, "n"));
    JWG_TRY(rsa_minimal(r, "e"));

    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    JWG_ENSURE(bld != NULL, JWG_ERR_NOMEM);

    for (size_t i = 0; i < 8; i++)
        JWG_TRY_GOTO(jwk_bn(r, rsa_members[i], i < 2, &bn[i]), rc, out);
    JWG_TRY_GOTO(rsa_check_members(r, bn), rc, out);

    for (size_t i = 0; i < 8; i++) {
        if (bn[i] != NULL && OSSL_PARAM_BLD_push_BN(bld, rsa_params[i], bn[i]) != 1) {
            rc = JWG_ERR_NOMEM;
            goto out;
        }
    }
    *has_private = bn[2] != NULL;
    rc = pkey_from_params("RSA", bld, *has_private, pkey);
    if (rc == JWG_ERR_KEY_INVALID)
        jwg_detail_set(r->detail, r->detail_len, "JWK RSA members do not form a valid key");

out:
    /* NOTE: OSSL_PARAM_BLD_free in OpenSSL 3.0 does not wipe the private values it copied. */
    OSSL_PARAM_BLD_free(bld);
    for (size_t i = 0; i < 8; i++)
        BN_clear_free(bn[i]);
    return rc;
}

struct jwk_curve {
    const char *crv;
    const char *group; /* OpenSSL group name (EC) or key type name (OKP) */
    size_t len;        /* bytes of a coordinate or of a raw key */
};

static const struct jwk_curve ec_curves[] = {
    {"P-256", "P-256", 32},
    {"P-384", "P-384", 48},
    {"P-521", "P-521", 66},
};

static const struct jwk_curve okp_curves[] = {
    {"Ed25519", "ED25519", 32},
    {"Ed448", "ED448", 57},
};

/* Finds "crv" among `curves`; an unknown name is JWG_ERR_KEY_UNSUPPORTED. */
static jwg_err jwk_curve(const struct jwk_reader *r, const struct jwk_curve *curves, size_t n,
                         const struct jwk_curve **out)
{
    size_t idx;

    JWG_TRY(jwk_string(r, "crv", &idx));
    if (idx == 0) {
        jwg_detail_set(r->detail, r->detail_len, "JWK member \"crv\" is missing");
        return JWG_ERR_KEY_INVALID;
    }
    for (size_t i = 0; i < n; i++) {
        if (jwg_json_string_equals(r->doc, idx, curves[i].crv, strlen(curves[i].crv))) {
            *out = &curves[i];
            return JWG_OK;
        }
    }
    jwg_detail_set(r->detail, r->detail_len, "JWK curve is not supported; use %s",
                   curves == ec_curves ? "P-256, P-384 or P-521" : "Ed25519 or Ed448");
    return JWG_ERR_KEY_UNSUPPORTED;
}

/* Pushes the EC private scalar "d" (RFC 7518 6.2.2.1), wiping its bytes. */
static jwg_err ec_push_private(const struct jwk_reader *r, const struct jwk_curve *curve,
                               OSSL_PARAM_BLD *bld, BIGNUM **d, bool *has_private)
{
    uint8_t bytes[JWK_MEMBER_MAX];
    size_t len = 0;

    JWG_TRY(jwk_fixed(r, "d", false, curve->len, bytes, &len));
    *has_private = len != 0;
    if (len == 0)
        return JWG_OK;

    *d = BN_secure_new();
    bool ok = *d != NULL && BN_bin2bn(bytes, (int)len, *d) != NULL &&
              OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, *d) == 1;
    jwg_wipe(bytes, len);
    return ok ? JWG_OK : JWG_ERR_NOMEM;
}

static jwg_err jwk_ec(const struct jwk_reader *r, EVP_PKEY **pkey, bool *has_private)
{
    const struct jwk_curve *curve = NULL;
    uint8_t point[1 + 2 * 66];
    size_t x_len = 0;
    size_t y_len = 0;
    BIGNUM *d = NULL;
    jwg_err rc;

    JWG_TRY(jwk_curve(r, ec_curves, JWG_ARRAY_LEN(ec_curves), &curve));

    /* SEC 1 2.3.3: the uncompressed point 04 || x || y, each coordinate the field size. */
    uint8_t coord[JWK_MEMBER_MAX];
    point[0] = 0x04;
    JWG_TRY(jwk_fixed(r, "x", true, curve->len, coord, &x_len));
    memcpy(point + 1, coord, x_len);
    JWG_TRY(jwk_fixed(r, "y", true, curve->len, coord, &y_len));
    memcpy(point + 1 + x_len, coord, y_len);

    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    JWG_ENSURE(bld != NULL, JWG_ERR_NOMEM);
    if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, curve->group, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point,
                                         1 + x_len + y_len) != 1) {
        rc = JWG_ERR_NOMEM;
        goto out;
    }
    JWG_TRY_GOTO(ec_push_private(r, curve, bld, &d, has_private), rc, out);

    /* OpenSSL refuses a point that is not on the curve; key.c checks the rest (SEC 1 3.2.2.1). */
    rc = pkey_from_params("EC", bld, *has_private, pkey);
    if (rc == JWG_ERR_KEY_INVALID)
        jwg_detail_set(r->detail, r->detail_len, "JWK EC point is not on curve %s", curve->crv);

out:
    OSSL_PARAM_BLD_free(bld);
    BN_clear_free(d);
    return rc;
}

/* RFC 8037 2: "x" is the raw public key; with "d", the public key derived from it must equal "x". */
static jwg_err jwk_okp(const struct jwk_reader *r, EVP_PKEY **pkey, bool *has_private)
{
    const struct jwk_curve *curve = NULL;
    uint8_t x[JWK_MEMBER_MAX];
    uint8_t d[JWK_MEMBER_MAX];
    uint8_t derived[64];
    size_t x_len = 0;
    size_t d_len = 0;
    size_t derived_len = sizeof(derived);

    JWG_TRY(jwk_curve(r, okp_curves, JWG_ARRAY_LEN(okp_curves), &curve));
    JWG_TRY(jwk_fixed(r, "x", true, curve->len, x, &x_len));
    JWG_TRY(jwk_fixed(r, "d", false, curve->len, d, &d_len));
    *has_private = d_len != 0;

    if (*has_private) {
        *pkey = EVP_PKEY_new_raw_private_key_ex(NULL, curve->group, NULL, d, d_len);
        jwg_wipe(d, d_len);
    } else {
        *pkey = EVP_PKEY_new_raw_public_key_ex(NULL, curve->group, NULL, x, x_len);
    }
    JWG_ENSURE(*pkey != NULL, JWG_ERR_KEY_INVALID);

    if (*has_private && (EVP_PKEY_get_raw_public_key(*pkey, derived, &derived_len) != 1 ||
                         derived_len != x_len || CRYPTO_memcmp(derived, x, x_len) != 0)) {
        jwg_detail_set(r->detail, r->detail_len, "JWK OKP \"x\" is not the public key of \"d\"");
        EVP_PKEY_free(*pkey);
        *pkey = NULL;
        return JWG_ERR_KEY_INVALID;
    }
    return JWG_OK;
}

/* ---- one JWK ---- */

/* Reads "kid" and "alg" into the caller's buffers and the usage flags into `spec`. */
static jwg_err jwk_spec(const struct jwk_reader *r, jwg_key_spec *spec, char *kid, char *alg)
{
    size_t len = 0;

    memset(spec, 0, sizeof(*spec));
    JWG_TRY(jwk_text(r, "kid", kid, JWK_KID_MAX + 1, &len));
    if (len != SIZE_MAX) {
        spec->kid = kid;
        spec->kid_len = len;
    }

    /*
     * A longer "alg" cannot name an implemented algorithm. An encryption
     * key with its own "alg" (RSA-OAEP, A256GCM) is JWG_ERR_ALG_UNKNOWN here;
     * jwg_keyset_add_jwks() skips such members before reading them.
     */
    size_t idx;
    JWG_TRY(jwk_string(r, "alg", &idx));
    if (idx != 0 && r->doc->nodes[idx].len > JWK_ALG_MAX) {
        jwg_detail_set(r->detail, r->detail_len, "JWK \"alg\" is not a supported algorithm");
        return JWG_ERR_ALG_UNKNOWN;
    }
    JWG_TRY(jwk_text(r, "alg", alg, JWK_ALG_MAX + 1, &len));
    if (len != SIZE_MAX) {
        spec->alg = alg;
        spec->alg_len = len;
    }
    return jwk_usage(r, &spec->use);
}

/* Decodes "k" and builds an oct key (RFC 7518 6.4.1); the decoded secret is wiped here. */
static jwg_err jwk_oct(const struct jwk_reader *r, const jwg_key_spec *spec, jwg_key **out)
{
    uint8_t secret[JWK_MEMBER_MAX];
    size_t len = 0;

    JWG_TRY(jwk_bytes(r, "k", true, secret, &len));
    jwg_err rc = jwg_key_from_secret(secret, len, spec, out, r->detail, r->detail_len);
    jwg_wipe(secret, sizeof(secret));
    return rc;
}

enum jwk_kty_index { KTY_RSA, KTY_EC, KTY_OKP, KTY_OCT, KTY_UNKNOWN };

/* Reads "kty", which must be a string; a name this library does not implement gives KTY_UNKNOWN. */
static jwg_err jwk_kty_lookup(const struct jwk_reader *r, enum jwk_kty_index *kty)
{
    static const char *const names[] = {"RSA", "EC", "OKP", "oct"};
    size_t idx;

    *kty = KTY_UNKNOWN;
    JWG_TRY(jwk_string(r, "kty", &idx));
    if (idx == 0) {
        jwg_detail_set(r->detail, r->detail_len, "JWK member \"kty\" is missing");
        return JWG_ERR_KEY_INVALID;
    }
    for (size_t i = 0; i < JWG_ARRAY_LEN(names); i++) {
        if (jwg_json_string_equals(r->doc, idx, names[i], strlen(names[i]))) {
            *kty = (enum jwk_kty_index)i;
            break;
        }
    }
    return JWG_OK;
}

static jwg_err jwk_kty(const struct jwk_reader *r, enum jwk_kty_index *kty)
{
    JWG_TRY(jwk_kty_lookup(r, kty));
    if (*kty == KTY_UNKNOWN) {
        jwg_detail_set(r->detail, r->detail_len, "JWK \"kty\" is not supported; use RSA, EC, "
                                                 "OKP or oct");
        return JWG_ERR_KEY_UNSUPPORTED;
    }
    return JWG_OK;
}

/* Builds one key from JWK object node `obj`. */
static jwg_err jwk_read(const jwg_json_doc *doc, size_t obj, jwg_key **out, char *detail,
                        size_t detail_len)
{
    struct jwk_reader r = {doc, obj, detail, detail_len};
    char kid[JWK_KID_MAX + 1];
    char alg[JWK_ALG_MAX + 1];
    jwg_key_spec spec;
    enum jwk_kty_index kty = KTY_UNKNOWN;
    EVP_PKEY *pkey = NULL;
    jwg_err rc;

    *out = NULL;
    if (doc->nodes[obj].type != JWG_JSON_OBJECT) {
        jwg_detail_set(detail, detail_len, "JWK is not a JSON object");
        return JWG_ERR_KEY_INVALID;
    }
    JWG_TRY(jwk_kty(&r, &kty));
    JWG_TRY(jwk_spec(&r, &spec, kid, alg));
    if (kty == KTY_OCT)
        return jwk_oct(&r, &spec, out);

    if (kty == KTY_RSA)
        rc = jwk_rsa(&r, &pkey, &spec.has_private);
    else if (kty == KTY_EC)
        rc = jwk_ec(&r, &pkey, &spec.has_private);
    else
        rc = jwk_okp(&r, &pkey, &spec.has_private);

    if (rc == JWG_OK) {
        rc = jwg_key_from_pkey(pkey, &spec, out, detail, detail_len);
        if (rc == JWG_OK)
            pkey = NULL;
    }
    EVP_PKEY_free(pkey);
    return rc;
}

/* ---- documents ---- */

/* Parses `json` into a node array the caller frees; JSON errors are JWG_ERR_KEY_INVALID. */
static jwg_err jwk_parse(jwg_keyset *ks, const char *json, size_t len, jwg_json_doc *doc,
                         jwg_json_node **nodes)
{
    *nodes = NULL;
    if (len > JWG_JWK_MAX_BYTES) {
        jwg_detail_set(ks->detail, sizeof(ks->detail), "JWK text is larger than %u bytes",
                       JWG_JWK_MAX_BYTES);
        return JWG_ERR_KEY_INVALID;
    }

    size_t cap = jwg_json_nodes_max(len);
    *nodes = calloc(cap, sizeof(**nodes));
    JWG_ENSURE(*nodes != NULL, JWG_ERR_NOMEM);

    jwg_err rc = jwg_json_parse((const uint8_t *)json, len, *nodes, cap, JWG_MAX_JSON_DEPTH, doc);
    if (rc != JWG_OK) {
        jwg_detail_set(ks->detail, sizeof(ks->detail), "JWK text is not valid JSON: %s",
                       jwg_strerror(rc));
        return rc == JWG_ERR_NOMEM ? rc : JWG_ERR_KEY_INVALID;
    }
    return JWG_OK;
}

jwg_err jwg_keyset_add_jwk(jwg_keyset *ks, const char *json, size_t len)
{
    jwg_json_doc doc;
    jwg_json_node *nodes = NULL;
    jwg_key *key = NULL;
    jwg_err rc;

    JWG_ENSURE(ks != NULL && json != NULL, JWG_ERR_INVALID_ARGUMENT);
    ks->detail[0] = '\0';

    ERR_set_mark();
    JWG_TRY_GOTO(jwk_parse(ks, json, len, &doc, &nodes), rc, out);
    JWG_TRY_GOTO(jwk_read(&doc, 0, &key, ks->detail, sizeof(ks->detail)), rc, out);
    rc = jwg_keyset_commit(ks, &key, 1);

out:
    ERR_pop_to_mark();
    free(nodes);
    return rc;
}

/* ---- JWK sets ---- */

/*
 * JWE key-management algorithms (RFC 7518 4.1) and content-encryption
 * algorithms (RFC 7518 5.1, which RFC 7520 3.6 puts in a key's "alg"). A
 * trailing '*' matches any suffix: RSA-OAEP-256, ECDH-ES+A128KW, PBES2-HS256+A128KW.
 */
static const char *const jwe_algs[] = {
    "RSA1_5",    "RSA-OAEP*", "A128KW",        "A192KW",        "A256KW",        "dir",
    "ECDH-ES*",  "A128GCMKW", "A192GCMKW",     "A256GCMKW",     "PBES2-*",       "A128GCM",
    "A192GCM",   "A256GCM",   "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512",
};

static bool is_jwe_alg(const char *alg, size_t len)
{
    for (size_t i = 0; i < JWG_ARRAY_LEN(jwe_algs); i++) {
        const char *pattern = jwe_algs[i];
        size_t n = strlen(pattern);
        bool prefix = pattern[n - 1] == '*';

        if (prefix && len >= n - 1 && memcmp(alg, pattern, n - 1) == 0)
            return true;
        if (!prefix && len == n && memcmp(alg, pattern, n) == 0)
            return true;
    }
    return false;
}

/*
 * Decides whether a member of a JWK set is skipped: RFC 7517 5 says to
 * ignore a key whose "kty" is not understood, and a key whose "use" is not
 * "sig" (RFC 7517 4.2) or whose "alg" is a JWE algorithm is for encryption,
 * which this library never does; so are X25519 and X448 keys. `*skip` is
 * set when so. A member that is
 * not an object, or whose "kty", "use" or "alg" is missing where required
 * or is not a string, is an error: malformed sets are rejected, not trimmed.
 */
static jwg_err jwks_member_skipped(const struct jwk_reader *r, bool *skip)
{
    enum jwk_kty_index kty;
    char alg[JWK_ALG_MAX + 1];
    size_t alg_len = 0;
    size_t idx;

    *skip = false;
    if (r->doc->nodes[r->obj].type != JWG_JSON_OBJECT) {
        jwg_detail_set(r->detail, r->detail_len, "JWK is not a JSON object");
        return JWG_ERR_KEY_INVALID;
    }
    JWG_TRY(jwk_kty_lookup(r, &kty));
    JWG_TRY(jwk_string(r, "use", &idx));
    bool not_sig = idx != 0 && !jwg_json_string_equals(r->doc, idx, "sig", 3);

    /* Longer names are no JWE algorithm; jwk_spec() reports them later. */
    JWG_TRY(jwk_string(r, "alg", &idx));
    if (idx != 0 && r->doc->nodes[idx].len <= JWK_ALG_MAX)
        JWG_TRY(jwk_text(r, "alg", alg, sizeof(alg), &alg_len));
    bool jwe = alg_len != 0 && alg_len != SIZE_MAX && is_jwe_alg(alg, alg_len);

    /* RFC 8037 3.2: OKP keys on X25519 and X448 are for ECDH-ES key agreement only. */
    JWG_TRY(jwk_string(r, "crv", &idx));
    bool agreement = kty == KTY_OKP && idx != 0 &&
                     (jwg_json_string_equals(r->doc, idx, "X25519", 6) ||
                      jwg_json_string_equals(r->doc, idx, "X448", 4));

    *skip = kty == KTY_UNKNOWN || not_sig || jwe || agreement;
    return JWG_OK;
}

/* Reads each usable element of the "keys" array (RFC 7517 5.1) into `batch`; counts the skipped ones. */
static jwg_err jwks_read(jwg_keyset *ks, const jwg_json_doc *doc, jwg_key **batch, size_t *n,
                         size_t *skipped)
{
    char detail[JWG_DETAIL_MAX];
    size_t arr = jwg_json_find(doc, 0, "keys");

    *n = 0;
    *skipped = 0;
    if (doc->nodes[0].type != JWG_JSON_OBJECT || arr == 0 ||
        doc->nodes[arr].type != JWG_JSON_ARRAY) {
        jwg_detail_set(ks->detail, sizeof(ks->detail), "JWK set has no \"keys\" array");
        return JWG_ERR_KEY_INVALID;
    }

    size_t item = arr + 1;
    for (uint32_t i = 0; i < doc->nodes[arr].count; i++, item = doc->nodes[item].next) {
        struct jwk_reader r = {doc, item, detail, sizeof(detail)};
        bool skip = false;
        jwg_err rc;

        detail[0] = '\0';
        rc = jwks_member_skipped(&r, &skip);
        if (rc == JWG_OK && skip) {
            (*skipped)++;
            continue;
        }
        if (rc == JWG_OK && *n >= JWG_MAX_KEYS - ks->count) {
            jwg_detail_set(ks->detail, sizeof(ks->detail), "JWK set has more usable keys than "
                           "fit: a key set holds at most %u", JWG_MAX_KEYS);
            return JWG_ERR_KEY_SET_FULL;
        }
        if (rc == JWG_OK)
            rc = jwk_read(doc, item, &batch[*n], detail, sizeof(detail));
        if (rc != JWG_OK) {
            jwg_detail_set(ks->detail, sizeof(ks->detail), "keys[%u]: %s", i, detail);
            return rc;
        }
        (*n)++;
    }
    return JWG_OK;
}

/* A set whose every member was skipped gives the caller no key, which is an error rather than an empty success. */
static jwg_err jwks_check_usable(jwg_keyset *ks, size_t n, size_t skipped)
{
    if (n != 0 || skipped == 0)
        return JWG_OK;

    jwg_detail_set(ks->detail, sizeof(ks->detail), "JWK set has no signature key: all %zu keys "
                   "were skipped (unknown \"kty\", \"use\" not \"sig\", or an encryption \"alg\")",
                   skipped);
    return JWG_ERR_KEY_UNSUPPORTED;
}

jwg_err jwg_keyset_add_jwks(jwg_keyset *ks, const char *json, size_t len)
{
    jwg_json_doc doc;
    jwg_json_node *nodes = NULL;
    jwg_key *batch[JWG_MAX_KEYS] = {NULL};
    size_t n = 0;
    size_t skipped = 0;
    jwg_err rc;

    JWG_ENSURE(ks != NULL && json != NULL, JWG_ERR_INVALID_ARGUMENT);
    ks->detail[0] = '\0';

    ERR_set_mark();
    JWG_TRY_GOTO(jwk_parse(ks, json, len, &doc, &nodes), rc, out);
    rc = jwks_read(ks, &doc, batch, &n, &skipped);
    if (rc == JWG_OK)
        rc = jwks_check_usable(ks, n, skipped);
    if (rc == JWG_OK)
        rc = jwg_keyset_commit(ks, batch, n);

out:
    /* On failure nothing was added; commit has already released keys it took. */
    if (rc != JWG_OK) {
        for (size_t i = 0; i < n; i++)
            jwg_key_free(batch[i]);
    }
    ERR_pop_to_mark();
    free(nodes);
    return rc;
}
