/*
 * test_keys.c: loading keys into a key set from every supported format,
 * the rejection rules, the admitted algorithms, usage flags and RFC 7638
 * thumbprints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/pem.h>

#include "keys_internal.h"

/* Reads tests/data/keys/<name> into a NUL-terminated buffer. */
static char *read_key_file(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/keys/%s", JWG_TEST_DATA, name);

    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    char *buf = calloc(1, 65536);
    assert_non_null(buf);
    *len = fread(buf, 1, 65535, f);
    fclose(f);
    return buf;
}

enum loader {
    LOAD_HMAC,      /* input is the raw secret */
    LOAD_PEM_PUBLIC, /* input names a file under tests/data/keys */
    LOAD_PEM_CERT,
    LOAD_PEM_PRIVATE,
    LOAD_JWK,       /* input is JWK text */
    LOAD_JWKS,      /* input is JWK set text */
    LOAD_JWK_FILE,  /* input names a JWK file */
};

/* A key loaded into the set before the case runs. */
enum preload { PRE_NONE, PRE_HMAC_KID_A, PRE_P256_KID_A };

struct load_case {
    const char *name;
    enum preload pre;
    enum loader loader;
    const char *input;
    size_t hmac_len;
    const char *alg;
    const char *kid;
    jwg_err expect;
    size_t count;     /* keys in the set afterwards */
    const char *algs; /* admitted algorithms of the last key on success; NULL skips */
    int can_verify;   /* -1 skips */
    int can_sign;     /* -1 skips */
};

static const char secret64[] =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

#define P256_X "Vap-pBQX9YAZbTq59nxg-b7tceKxnLkYU1HpbwdCSTw"
#define P256_Y "tNjfFoysNtD5GIgjsxNnDB60GdCUaawo_4iDzlUsNfE"
#define P256_D "C2-HIrDNlRfp77N4ZDWr-1NAU2WjvpFoCotGn6jPMGs"
#define P521_X "AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt"
#define P521_Y "AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1"
#define ED25519_X "WgBkUWxQ6MET7uVDAMhGjpsGW3c4Qw9MC_hP702n_Es"
#define ED25519_D "IcLAoMzGSK7eV_SVjNTMMWpN2RjEmeOf2P94Y7PTaiA"
#define ED448_X "ht6HUbmBCG1UKtAs9CUn-Zv7wEQm-EYCvn9ag2iJ_ItmM6Vge0alcbullVz8KK5DQoq8b5TgSAuA"
#define OCT_K "hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg"
#define OCT_K2 "AAPapAv4LbFbiVawEjagUBluYqN5rhna-8nuldDvOx8"
#define RSA_N0                                                                                     \
    "AJ-BD7QDgnPQJZHkBz8x0rYAG4LO202S8FAWXUfPyrijxBy3eKx1U3k_jvl1do0aI3TYcSVkw7zXe56kNFRImUB8_"    \
    "wCZkgqTGiTEQUhSqym9sKlcBlPzbGDmC_kLYljdpW83BHulwtHQKa-cnUC6x6pBx4oN0QaK3WmegI_qAR6hRB2KT3u06"  \
    "Xvjn1Xx3dROnEujNRWXA9TTS2A-ZRR6TyPW08CZbHXt7oRqgtGQrhB4PJYc8Dh67SEG0tBVW2_ZN_rVU1OH4P9y_"      \
    "754lBQCsLgi6ip0tgWMHav5s0p2y2O4f6osaEe44oN__5EYbmscFJEc-YmokJKoHOYB3azT-c8"

/* RSA_N without its last character, which sets the two lowest bits of n. */
#define RSA_N_HEAD                                                                                     \
    "n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJ" \
    "mSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tp" \
    "e-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vn" \
    "iUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5z"
#define RSA_N RSA_N_HEAD "w"
/* n with its lowest bit cleared: even */
#define RSA_N_EVEN RSA_N_HEAD "g"

/* A 2048-bit prime from `openssl prime -generate -bits 2048`, used as a modulus. */
#define RSA_N_PRIME                                                                               \
    "15FgRXkIeHRLDtJz6FXL8E8nkzr-5fkF8nV8xdCC3v7t5MC2SAnRRs10cnHA8487ZLDmRPEeuHmVOMZCbYcRxoIpby" \
    "7NKUZSAD99CNM0QWpTXnEjh3-uugtSo5t1G6ScWnkg-OdO_XuXqQx9aKSzvxGlLxarL5Uf_ggEBzqT5a8evZQZHz6W" \
    "mgXG2AyjeAMbwBTpr1FjNG8yiZKAkGvNrNf1j_BPmY1bGrd7g7KvIefKHInkPYA7ZjlJQ60p7krltpypLnG37Jz_TM" \
    "6wJJNsLMjOJcg-ZSmY43O06ftW5wiM6xailAb9XW0RVIWY-OuUEY-5Wrk_1_1c_kGdG9wc1w"
/* ED448_X with a bit of the last byte other than the sign bit set */
#define ED448_X_HIGH "ht6HUbmBCG1UKtAs9CUn-Zv7wEQm-EYCvn9ag2iJ_ItmM6Vge0alcbullVz8KK5DQoq8b5TgSAuB"

#define RSA_ALGS "RS256 RS384 RS512 PS256 PS384 PS512"

static const struct load_case load_cases[] = {
    /* ---- each format loads ---- */
    /* a 64-byte secret admits every HS* */
    {"hmac64", PRE_NONE, LOAD_HMAC, secret64, 64, NULL, NULL, JWG_OK, 1, "HS256 HS384 HS512", 1, 1},
    /* a 32-byte secret admits HS256 only (RFC 7518 3.2) */
    {"hmac32", PRE_NONE, LOAD_HMAC, secret64, 32, NULL, NULL, JWG_OK, 1, "HS256", 1, 1},
    /* a 48-byte secret admits HS256 and HS384 */
    {"hmac48", PRE_NONE, LOAD_HMAC, secret64, 48, NULL, NULL, JWG_OK, 1, "HS256 HS384", 1, 1},
    /* a bound algorithm narrows the secret to it */
    {"hmac bound", PRE_NONE, LOAD_HMAC, secret64, 64, "HS384", "k1", JWG_OK, 1, "HS384", 1, 1},
    /* RSA public key admits its family */
    {"rsa pub", PRE_NONE, LOAD_PEM_PUBLIC, "rsa2048.pub.pem", 0, NULL, NULL, JWG_OK, 1, RSA_ALGS, 1, 0},
    /* RSA private key signs and verifies */
    {"rsa priv", PRE_NONE, LOAD_PEM_PRIVATE, "rsa2048.key.pem", 0, NULL, NULL, JWG_OK, 1, RSA_ALGS, 1, 1},
    /* RSA bound to PS256 */
    {"rsa bound", PRE_NONE, LOAD_PEM_PUBLIC, "rsa2048.pub.pem", 0, "PS256", NULL, JWG_OK, 1, "PS256", 1, 0},
    /* each EC curve admits its one algorithm */
    {"p256 pub", PRE_NONE, LOAD_PEM_PUBLIC, "p256.pub.pem", 0, NULL, NULL, JWG_OK, 1, "ES256", 1, 0},
    {"p384 pub", PRE_NONE, LOAD_PEM_PUBLIC, "p384.pub.pem", 0, NULL, NULL, JWG_OK, 1, "ES384", 1, 0},
    {"p521 pub", PRE_NONE, LOAD_PEM_PUBLIC, "p521.pub.pem", 0, NULL, NULL, JWG_OK, 1, "ES512", 1, 0},
    {"p521 priv", PRE_NONE, LOAD_PEM_PRIVATE, "p521.key.pem", 0, NULL, NULL, JWG_OK, 1, "ES512", 1, 1},
    /* Ed25519 and Ed448 admit EdDSA */
    {"ed25519 pub", PRE_NONE, LOAD_PEM_PUBLIC, "ed25519.pub.pem", 0, NULL, NULL, JWG_OK, 1, "EdDSA", 1, 0},
    {"ed448 priv", PRE_NONE, LOAD_PEM_PRIVATE, "ed448.key.pem", 0, NULL, NULL, JWG_OK, 1, "EdDSA", 1, 1},
    /* a certificate yields its public key only */
    {"cert", PRE_NONE, LOAD_PEM_CERT, "p256.cert.pem", 0, NULL, "c", JWG_OK, 1, "ES256", 1, 0},
    /* JWK of each kty */
    {"jwk ec", PRE_NONE, LOAD_JWK, "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" P256_X "\",\"y\":\"" P256_Y "\"}", 0, NULL, NULL, JWG_OK, 1, "ES256", 1, 0},
    {"jwk ec priv", PRE_NONE, LOAD_JWK, "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" P256_X "\",\"y\":\"" P256_Y "\",\"d\":\"" P256_D "\"}", 0, NULL, NULL, JWG_OK, 1, "ES256", 1, 1},
    {"jwk okp", PRE_NONE, LOAD_JWK, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" ED25519_X "\"}", 0, NULL, NULL, JWG_OK, 1, "EdDSA", 1, 0},
    {"jwk okp priv", PRE_NONE, LOAD_JWK, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" ED25519_X "\",\"d\":\"" ED25519_D "\"}", 0, NULL, NULL, JWG_OK, 1, "EdDSA", 1, 1},
    {"jwk ed448", PRE_NONE, LOAD_JWK, "{\"kty\":\"OKP\",\"crv\":\"Ed448\",\"x\":\"" ED448_X "\"}", 0, NULL, NULL, JWG_OK, 1, "EdDSA", 1, 0},
    {"jwk oct", PRE_NONE, LOAD_JWK, "{\"kty\":\"oct\",\"k\":\"" OCT_K "\"}", 0, NULL, NULL, JWG_OK, 1, "HS256", 1, 1},
    /* a JWK "alg" binds the key */
    {"jwk alg", PRE_NONE, LOAD_JWK, "{\"kty\":\"EC\",\"crv\":\"P-521\",\"alg\":\"ES512\",\"x\":\"" P521_X "\",\"y\":\"" P521_Y "\"}", 0, NULL, NULL, JWG_OK, 1, "ES512", 1, 0},
    /* unknown members are ignored (RFC 7517 4) */
    {"jwk extra", PRE_NONE, LOAD_JWK, "{\"kty\":\"oct\",\"k\":\"" OCT_K "\",\"x5t\":\"abc\",\"ext\":true}", 0, NULL, NULL, JWG_OK, 1, "HS256", 1, 1},
    /* a JWK set adds every key */
    {"jwks two", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"a\",\"k\":\"" OCT_K "\"},{\"kty\":\"oct\",\"kid\":\"b\",\"k\":\"" OCT_K2 "\"}]}", 0, NULL, NULL, JWG_OK, 2, "HS256", 1, 1},
    /* an empty JWK set adds nothing and is not an error */
    {"jwks empty", PRE_NONE, LOAD_JWKS, "{\"keys\":[]}", 0, NULL, NULL, JWG_OK, 0, NULL, -1, -1},
    /* RFC 7520 3.1 to 3.5 load */
    {"rfc7520 3.1", PRE_NONE, LOAD_JWK_FILE, "cookbook/3_1.ec_public_key.json", 0, NULL, NULL, JWG_OK, 1, "ES512", 1, 0},
    {"rfc7520 3.2", PRE_NONE, LOAD_JWK_FILE, "cookbook/3_2.ec_private_key.json", 0, NULL, NULL, JWG_OK, 1, "ES512", 1, 1},
    {"rfc7520 3.3", PRE_NONE, LOAD_JWK_FILE, "cookbook/3_3.rsa_public_key.json", 0, NULL, NULL, JWG_OK, 1, RSA_ALGS, 1, 0},
    {"rfc7520 3.4", PRE_NONE, LOAD_JWK_FILE, "cookbook/3_4.rsa_private_key.json", 0, NULL, NULL, JWG_OK, 1, RSA_ALGS, 1, 1},
    {"rfc7520 3.5", PRE_NONE, LOAD_JWK_FILE, "cookbook/3_5.symmetric_key_mac_computation.json", 0, NULL, NULL, JWG_OK, 1, "HS256", 1, 1},
    /* RFC 7520 3.6 is an encryption key whose "alg" A256GCM is no signature algorithm */
    {"rfc7520 3.6", PRE_NONE, LOAD_JWK_FILE, "cookbook/3_6.symmetric_key_encryption.json", 0, NULL, NULL, JWG_ERR_ALG_UNKNOWN, 0, NULL, -1, -1},

    /* ---- usage ---- */
    /* "use": "enc" loads but neither verifies nor signs (RFC 7517 4.2) */
    {"use enc", PRE_NONE, LOAD_JWK, "{\"kty\":\"oct\",\"use\":\"enc\",\"k\":\"" OCT_K "\"}", 0, NULL, NULL, JWG_OK, 1, "HS256", 0, 0},
    /* "key_ops" without "verify" loads but does not verify (RFC 7517 4.3) */
    {"key_ops sign", PRE_NONE, LOAD_JWK, "{\"kty\":\"oct\",\"key_ops\":[\"sign\"],\"k\":\"" OCT_K "\"}", 0, NULL, NULL, JWG_OK, 1, "HS256", 0, 1},
    /* "key_ops" with "verify" only does not sign */
    {"key_ops verify", PRE_NONE, LOAD_JWK, "{\"kty\":\"oct\",\"key_ops\":[\"verify\",\"encrypt\"],\"k\":\"" OCT_K "\"}", 0, NULL, NULL, JWG_OK, 1, "HS256", 1, 0},
    /* "key_ops" must not repeat a value (RFC 7517 4.3) */
    {"key_ops repeat", PRE_NONE, LOAD_JWK, "{\"kty\":\"oct\",\"key_ops\":[\"verify\",\"verify\"],\"k\":\"" OCT_K "\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* "key_ops" must be an array */
    {"key_ops type", PRE_NONE, LOAD_JWK, "{\"kty\":\"oct\",\"key_ops\":\"verify\",\"k\":\"" OCT_K "\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},

    /* ---- weak keys ---- */
    /* RSA under 2048 bits (RFC 7518 3.3) */
    {"rsa1024", PRE_NONE, LOAD_PEM_PUBLIC, "rsa1024.pub.pem", 0, NULL, NULL, JWG_ERR_KEY_WEAK, 0, NULL, -1, -1},
    {"rsa1024 priv", PRE_NONE, LOAD_PEM_PRIVATE, "rsa1024.key.pem", 0, NULL, NULL, JWG_ERR_KEY_WEAK, 0, NULL, -1, -1},
    /* HMAC secret of 31 bytes (RFC 7518 3.2) */
    {"hmac31", PRE_NONE, LOAD_HMAC, secret64, 31, NULL, NULL, JWG_ERR_KEY_WEAK, 0, NULL, -1, -1},
    /* HMAC secret of 32 bytes bound to HS512 is shorter than the hash */
    {"hmac32 hs512", PRE_NONE, LOAD_HMAC, secret64, 32, "HS512", NULL, JWG_ERR_KEY_WEAK, 0, NULL, -1, -1},
    /* JWK oct of 16 bytes */
    {"jwk oct short", PRE_NONE, LOAD_JWK, "{\"kty\":\"oct\",\"k\":\"AAECAwQFBgcICQoLDA0ODw\"}", 0, NULL, NULL, JWG_ERR_KEY_WEAK, 0, NULL, -1, -1},

    /* ---- public keys that allow forgery ---- */
    /* e = 1: the RS256 signature is the padded digest itself */
    {"rsa e1", PRE_NONE, LOAD_JWK, "{\"kty\":\"RSA\",\"n\":\"" RSA_N "\",\"e\":\"AQ\"}", 0, NULL, NULL, JWG_ERR_KEY_WEAK, 0, NULL, -1, -1},
    /* e = 3 is below the 65537 minimum */
    {"rsa e3", PRE_NONE, LOAD_JWK, "{\"kty\":\"RSA\",\"n\":\"" RSA_N "\",\"e\":\"Aw\"}", 0, NULL, NULL, JWG_ERR_KEY_WEAK, 0, NULL, -1, -1},
    /* e = 65535, the largest odd value below the minimum */
    {"rsa e65535", PRE_NONE, LOAD_JWK, "{\"kty\":\"RSA\",\"n\":\"" RSA_N "\",\"e\":\"__8\"}", 0, NULL, NULL, JWG_ERR_KEY_WEAK, 0, NULL, -1, -1},
    /* an even e is never an RSA exponent */
    {"rsa e2", PRE_NONE, LOAD_JWK, "{\"kty\":\"RSA\",\"n\":\"" RSA_N "\",\"e\":\"Ag\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* an even modulus */
    {"rsa n even", PRE_NONE, LOAD_JWK, "{\"kty\":\"RSA\",\"n\":\"" RSA_N_EVEN "\",\"e\":\"AQAB\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* e equal to n */
    {"rsa e n", PRE_NONE, LOAD_JWK, "{\"kty\":\"RSA\",\"n\":\"" RSA_N "\",\"e\":\"" RSA_N "\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* a 40-byte e, 2^319 + 1, is not below 2^256 */
    {"rsa e 40 bytes", PRE_NONE, LOAD_JWK, "{\"kty\":\"RSA\",\"n\":\"" RSA_N "\",\"e\":\"gAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQ\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* e = 2^256 - 1, the largest exponent allowed */
    {"rsa e max", PRE_NONE, LOAD_JWK, "{\"kty\":\"RSA\",\"n\":\"" RSA_N "\",\"e\":\"__________________________________________8\"}", 0, NULL, NULL, JWG_OK, 1, RSA_ALGS, 1, 0},
    /* a prime modulus: anyone can compute d */
    {"rsa n prime", PRE_NONE, LOAD_JWK, "{\"kty\":\"RSA\",\"n\":\"" RSA_N_PRIME "\",\"e\":\"AQAB\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* e = 1 from a PEM public key, the breaker's key */
    {"rsa e1 pem", PRE_NONE, LOAD_PEM_PUBLIC, "rsa_e1.pub.pem", 0, NULL, NULL, JWG_ERR_KEY_WEAK, 0, NULL, -1, -1},
    /* e = 3 from a certificate */
    {"rsa e3 cert", PRE_NONE, LOAD_PEM_CERT, "rsa_e3.cert.pem", 0, NULL, NULL, JWG_ERR_KEY_WEAK, 0, NULL, -1, -1},
    /* e = 3 from a PKCS #8 private key */
    {"rsa e3 pkcs8", PRE_NONE, LOAD_PEM_PRIVATE, "rsa_e3.key.pem", 0, NULL, NULL, JWG_ERR_KEY_WEAK, 0, NULL, -1, -1},
    /* the Ed25519 identity point: one signature verifies every message */
    {"ed25519 identity", PRE_NONE, LOAD_JWK, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    {"ed25519 identity pem", PRE_NONE, LOAD_PEM_PUBLIC, "forged/ed25519_identity.pub.pem", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    {"ed25519 identity cert", PRE_NONE, LOAD_PEM_CERT, "ed25519_identity.cert.pem", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* the Ed448 identity point, with either sign bit */
    {"ed448 identity", PRE_NONE, LOAD_JWK, "{\"kty\":\"OKP\",\"crv\":\"Ed448\",\"x\":\"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    {"ed448 identity sign", PRE_NONE, LOAD_JWK, "{\"kty\":\"OKP\",\"crv\":\"Ed448\",\"x\":\"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACA\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* Ed25519 y = p + 2 is no small-order point but is not canonical (RFC 8032 5.1.3) */
    {"ed25519 y p+2", PRE_NONE, LOAD_JWK, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"7________________________________________38\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* Ed448 with a bit of the last byte other than the sign bit set: y >= 2^448 > p */
    {"ed448 high y", PRE_NONE, LOAD_JWK, "{\"kty\":\"OKP\",\"crv\":\"Ed448\",\"x\":\"" ED448_X_HIGH "\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},

    /* ---- unsupported ---- */
    /* unknown kty */
    {"kty DSA", PRE_NONE, LOAD_JWK, "{\"kty\":\"DSA\",\"k\":\"" OCT_K "\"}", 0, NULL, NULL, JWG_ERR_KEY_UNSUPPORTED, 0, NULL, -1, -1},
    /* kty names are case-sensitive */
    {"kty case", PRE_NONE, LOAD_JWK, "{\"kty\":\"OCT\",\"k\":\"" OCT_K "\"}", 0, NULL, NULL, JWG_ERR_KEY_UNSUPPORTED, 0, NULL, -1, -1},
    /* unknown EC crv */
    {"crv secp256k1", PRE_NONE, LOAD_JWK, "{\"kty\":\"EC\",\"crv\":\"secp256k1\",\"x\":\"" P256_X "\",\"y\":\"" P256_Y "\"}", 0, NULL, NULL, JWG_ERR_KEY_UNSUPPORTED, 0, NULL, -1, -1},
    /* X25519 is a key-agreement curve */
    {"crv X25519", PRE_NONE, LOAD_JWK, "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"" ED25519_X "\"}", 0, NULL, NULL, JWG_ERR_KEY_UNSUPPORTED, 0, NULL, -1, -1},
    /* PEM keys of other curves and types */
    {"pem secp256k1", PRE_NONE, LOAD_PEM_PUBLIC, "secp256k1.pub.pem", 0, NULL, NULL, JWG_ERR_KEY_UNSUPPORTED, 0, NULL, -1, -1},
    {"pem x25519", PRE_NONE, LOAD_PEM_PUBLIC, "x25519.pub.pem", 0, NULL, NULL, JWG_ERR_KEY_UNSUPPORTED, 0, NULL, -1, -1},
    /* multi-prime RSA */
    {"rsa oth", PRE_NONE, LOAD_JWK, "{\"kty\":\"RSA\",\"n\":\"" RSA_N "\",\"e\":\"AQAB\",\"oth\":[]}", 0, NULL, NULL, JWG_ERR_KEY_UNSUPPORTED, 0, NULL, -1, -1},

    /* ---- malformed ---- */
    /* EC point not on the curve: y of the RFC 7520 key changed */
    {"ec off curve", PRE_NONE, LOAD_JWK, "{\"kty\":\"EC\",\"crv\":\"P-521\",\"x\":\"" P521_X "\",\"y\":\"AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR2\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* EC coordinates of P-521 size given for P-256 (RFC 7518 6.2.1.2) */
    {"ec coord length", PRE_NONE, LOAD_JWK, "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" P521_X "\",\"y\":\"" P521_Y "\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* EC x one byte short: leading zero dropped */
    {"ec coord short", PRE_NONE, LOAD_JWK, "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AQID\",\"y\":\"" P256_Y "\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* EC private "d" that does not match x and y */
    {"ec d mismatch", PRE_NONE, LOAD_JWK, "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" P256_X "\",\"y\":\"" P256_Y "\",\"d\":\"" OCT_K "\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* OKP "d" whose public key is not "x" */
    {"okp d mismatch", PRE_NONE, LOAD_JWK, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" ED25519_X "\",\"d\":\"" OCT_K "\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* non-canonical base64url: non-zero unused bits (RFC 4648 3.5) */
    {"b64 bits", PRE_NONE, LOAD_JWK, "{\"kty\":\"oct\",\"k\":\"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYh\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* non-canonical base64url: padding */
    {"b64 padding", PRE_NONE, LOAD_JWK, "{\"kty\":\"oct\",\"k\":\"" OCT_K "=\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* standard base64 alphabet */
    {"b64 plus", PRE_NONE, LOAD_JWK, "{\"kty\":\"oct\",\"k\":\"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG+Onbc6mxCcYg\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* RSA modulus with a leading zero octet (RFC 7518 6.3.1.1) */
    {"rsa n zero", PRE_NONE, LOAD_JWK, "{\"kty\":\"RSA\",\"n\":\"" RSA_N0 "\",\"e\":\"AQAB\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* missing required member */
    {"rsa no e", PRE_NONE, LOAD_JWK, "{\"kty\":\"RSA\",\"n\":\"" P256_X "\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* kty missing */
    {"no kty", PRE_NONE, LOAD_JWK, "{\"k\":\"" OCT_K "\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* member of the wrong type */
    {"kid number", PRE_NONE, LOAD_JWK, "{\"kty\":\"oct\",\"kid\":1,\"k\":\"" OCT_K "\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* duplicate member (RFC 7515 5.2 applied to JWK text) */
    {"dup member", PRE_NONE, LOAD_JWK, "{\"kty\":\"oct\",\"k\":\"" OCT_K "\",\"k\":\"" OCT_K2 "\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* not JSON */
    {"not json", PRE_NONE, LOAD_JWK, "{\"kty\":\"oct\",", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* a JWK that is an array */
    {"jwk array", PRE_NONE, LOAD_JWK, "[]", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* a JWK set without "keys" */
    {"jwks no keys", PRE_NONE, LOAD_JWKS, "{\"kty\":\"oct\",\"k\":\"" OCT_K "\"}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* encrypted PKCS #8 is refused, never prompted for */
    {"pem encrypted", PRE_NONE, LOAD_PEM_PRIVATE, "rsa2048.encrypted.key.pem", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* PKCS #1 "RSA PRIVATE KEY" is not the PKCS #8 form */
    {"pem pkcs1", PRE_NONE, LOAD_PEM_PRIVATE, "rsa2048.pkcs1.key.pem", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* a public key given to the private loader: no guessing */
    {"pem wrong kind", PRE_NONE, LOAD_PEM_PRIVATE, "p256.pub.pem", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* a certificate given to the public-key loader */
    {"cert as pub", PRE_NONE, LOAD_PEM_PUBLIC, "p256.cert.pem", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},

    /* ---- algorithm binding ---- */
    /* an EC P-521 key bound to ES256 */
    {"jwk alg mismatch", PRE_NONE, LOAD_JWK, "{\"kty\":\"EC\",\"crv\":\"P-521\",\"alg\":\"ES256\",\"x\":\"" P521_X "\",\"y\":\"" P521_Y "\"}", 0, NULL, NULL, JWG_ERR_KEY_ALG_MISMATCH, 0, NULL, -1, -1},
    /* an RSA key bound to HS256 (RFC 8725 3.1 key confusion) */
    {"pem alg mismatch", PRE_NONE, LOAD_PEM_PUBLIC, "rsa2048.pub.pem", 0, "HS256", NULL, JWG_ERR_KEY_ALG_MISMATCH, 0, NULL, -1, -1},
    /* an HMAC secret bound to RS256 */
    {"hmac alg mismatch", PRE_NONE, LOAD_HMAC, secret64, 64, "RS256", NULL, JWG_ERR_KEY_ALG_MISMATCH, 0, NULL, -1, -1},
    /* "none" is never an algorithm (RFC 8725 3.1) */
    {"alg none", PRE_NONE, LOAD_HMAC, secret64, 64, "none", NULL, JWG_ERR_ALG_NONE, 0, NULL, -1, -1},
    /* "none" in another letter case */
    {"jwk alg NoNe", PRE_NONE, LOAD_JWK, "{\"kty\":\"oct\",\"alg\":\"NoNe\",\"k\":\"" OCT_K "\"}", 0, NULL, NULL, JWG_ERR_ALG_NONE, 0, NULL, -1, -1},
    /* algorithm names are case-sensitive */
    {"alg lower", PRE_NONE, LOAD_HMAC, secret64, 64, "hs256", NULL, JWG_ERR_ALG_UNKNOWN, 0, NULL, -1, -1},

    /* ---- sets ---- */
    /* duplicate kid across calls */
    {"dup kid", PRE_HMAC_KID_A, LOAD_HMAC, secret64, 64, NULL, "a", JWG_ERR_KEY_DUPLICATE_KID, 1, NULL, -1, -1},
    /* two keys without a kid are allowed */
    {"no kids", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" OCT_K "\"},{\"kty\":\"oct\",\"k\":\"" OCT_K2 "\"}]}", 0, NULL, NULL, JWG_OK, 2, "HS256", 1, 1},
    /* duplicate kid inside one JWK set */
    {"jwks dup kid", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"a\",\"k\":\"" OCT_K "\"},{\"kty\":\"oct\",\"kid\":\"a\",\"k\":\"" OCT_K2 "\"}]}", 0, NULL, NULL, JWG_ERR_KEY_DUPLICATE_KID, 0, NULL, -1, -1},
    /* HMAC secret added to a set of public keys */
    {"mixed", PRE_P256_KID_A, LOAD_HMAC, secret64, 64, NULL, "b", JWG_ERR_KEY_MIXED, 1, NULL, -1, -1},
    /* public key added to a set of secrets */
    {"mixed pem", PRE_HMAC_KID_A, LOAD_PEM_PUBLIC, "p256.pub.pem", 0, NULL, "b", JWG_ERR_KEY_MIXED, 1, NULL, -1, -1},
    /* one JWK set mixing oct and EC */
    {"jwks mixed", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" OCT_K "\"},{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" ED25519_X "\"}]}", 0, NULL, NULL, JWG_ERR_KEY_MIXED, 0, NULL, -1, -1},
    /* a JWK set with one weak key adds none of its keys */
    {"jwks one bad", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" OCT_K "\"},{\"kty\":\"oct\",\"k\":\"AAECAwQFBgcICQoLDA0ODw\"}]}", 0, NULL, NULL, JWG_ERR_KEY_WEAK, 0, NULL, -1, -1},
    /* a JWK set with one weak key after an existing key leaves that key alone */
    {"jwks bad after", PRE_HMAC_KID_A, LOAD_JWKS, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" OCT_K "\"},{\"kty\":\"oct\",\"k\":\"AAECAwQFBgcICQoLDA0ODw\"}]}", 0, NULL, NULL, JWG_ERR_KEY_WEAK, 1, NULL, -1, -1},

    /* ---- JWK set members skipped (RFC 7517 5) ---- */
    /* an unknown kty is skipped and the other keys load */
    {"jwks skip kty", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"a\",\"k\":\"" OCT_K "\"},{\"kty\":\"XYZ\"}]}", 0, NULL, NULL, JWG_OK, 1, "HS256", 1, 1},
    /* an existing key stays and an unknown kty is skipped */
    {"jwks skip after", PRE_HMAC_KID_A, LOAD_JWKS, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" OCT_K "\"},{\"kty\":\"XYZ\"}]}", 0, NULL, NULL, JWG_OK, 2, "HS256", 1, 1},
    /* "use": "enc" in a set is skipped, not loaded as an unusable key (RFC 7517 4.2) */
    {"jwks skip use enc", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" OCT_K "\"},{\"kty\":\"oct\",\"use\":\"enc\",\"k\":\"" OCT_K2 "\"}]}", 0, NULL, NULL, JWG_OK, 1, "HS256", 1, 1},
    /* "use": "sig" loads */
    {"jwks use sig", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"oct\",\"use\":\"sig\",\"k\":\"" OCT_K "\"}]}", 0, NULL, NULL, JWG_OK, 1, "HS256", 1, 1},
    /* every JWE alg family is skipped, even with key material that would not load */
    {"jwks skip jwe algs", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" OCT_K "\"},"
     "{\"kty\":\"RSA\",\"alg\":\"RSA-OAEP-256\",\"n\":\"AQAB\",\"e\":\"AQAB\"},{\"kty\":\"RSA\",\"alg\":\"RSA1_5\"},"
     "{\"kty\":\"oct\",\"alg\":\"A256KW\",\"k\":\"AA\"},{\"kty\":\"oct\",\"alg\":\"A128GCMKW\"},{\"kty\":\"oct\",\"alg\":\"dir\"},"
     "{\"kty\":\"EC\",\"alg\":\"ECDH-ES+A128KW\",\"crv\":\"X25519\"},{\"kty\":\"oct\",\"alg\":\"PBES2-HS256+A128KW\"},"
     "{\"kty\":\"oct\",\"alg\":\"A256GCM\"},{\"kty\":\"oct\",\"alg\":\"A128CBC-HS256\"}]}", 0, NULL, NULL, JWG_OK, 1, "HS256", 1, 1},
    /* a skipped member takes no part in the kid uniqueness check */
    {"jwks skip dup kid", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"a\",\"k\":\"" OCT_K "\"},{\"kty\":\"oct\",\"kid\":\"a\",\"use\":\"enc\",\"k\":\"" OCT_K2 "\"}]}", 0, NULL, NULL, JWG_OK, 1, "HS256", 1, 1},
    /* a set whose members are all skipped gives no key */
    {"jwks only skipped", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"XYZ\"},{\"kty\":\"oct\",\"use\":\"enc\",\"k\":\"" OCT_K "\"}]}", 0, NULL, NULL, JWG_ERR_KEY_UNSUPPORTED, 0, NULL, -1, -1},
    /* skipping does not excuse a weak key elsewhere in the set */
    {"jwks skip and weak", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"XYZ\"},{\"kty\":\"oct\",\"k\":\"AAECAwQFBgcICQoLDA0ODw\"}]}", 0, NULL, NULL, JWG_ERR_KEY_WEAK, 0, NULL, -1, -1},
    /* a non-string "use" is malformed, not skipped */
    {"jwks use number", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"oct\",\"use\":1,\"k\":\"" OCT_K "\"}]}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* a member without kty is malformed, not skipped */
    {"jwks no kty", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" OCT_K "\"},{\"k\":\"" OCT_K2 "\"}]}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* a member that is not an object is malformed */
    {"jwks member string", PRE_NONE, LOAD_JWKS, "{\"keys\":[\"oct\"]}", 0, NULL, NULL, JWG_ERR_KEY_INVALID, 0, NULL, -1, -1},
    /* an unknown signature alg is not a JWE alg, so the set is rejected */
    {"jwks unknown alg", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"oct\",\"alg\":\"HS257\",\"k\":\"" OCT_K "\"}]}", 0, NULL, NULL, JWG_ERR_ALG_UNKNOWN, 0, NULL, -1, -1},
    /* a name that only starts like a JWE family is not one */
    {"jwks near jwe alg", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"oct\",\"alg\":\"RSA-OAE\",\"k\":\"" OCT_K "\"}]}", 0, NULL, NULL, JWG_ERR_ALG_UNKNOWN, 0, NULL, -1, -1},
    /* an unknown curve of a known kty still rejects the set */
    {"jwks unknown crv", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed9\",\"x\":\"" ED25519_X "\"}]}", 0, NULL, NULL, JWG_ERR_KEY_UNSUPPORTED, 0, NULL, -1, -1},
    /* X25519 and X448 are key-agreement curves (RFC 8037 3.2), so a set skips them */
    {"jwks skip x25519", PRE_NONE, LOAD_JWKS, "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" ED25519_X "\"},{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"" ED25519_X "\"},{\"kty\":\"OKP\",\"crv\":\"X448\",\"x\":\"AA\"}]}", 0, NULL, NULL, JWG_OK, 1, "EdDSA", 1, 0},
    /* a single JWK with a JWE alg is still rejected */
    {"jwk single jwe alg", PRE_NONE, LOAD_JWK, "{\"kty\":\"oct\",\"alg\":\"A256KW\",\"k\":\"" OCT_K "\"}", 0, NULL, NULL, JWG_ERR_ALG_UNKNOWN, 0, NULL, -1, -1},
};

static jwg_err run_loader(jwg_keyset *ks, const struct load_case *c)
{
    size_t len = 0;
    char *text = NULL;
    jwg_err rc;

    switch (c->loader) {
    case LOAD_HMAC:
        return jwg_keyset_add_hmac(ks, (const uint8_t *)c->input, c->hmac_len, c->alg, c->kid);
    case LOAD_JWK:
        return jwg_keyset_add_jwk(ks, c->input, strlen(c->input));
    case LOAD_JWKS:
        return jwg_keyset_add_jwks(ks, c->input, strlen(c->input));
    default:
        break;
    }

    text = read_key_file(c->input, &len);
    if (c->loader == LOAD_PEM_PUBLIC)
        rc = jwg_keyset_add_pem_public(ks, text, len, c->alg, c->kid);
    else if (c->loader == LOAD_PEM_CERT)
        rc = jwg_keyset_add_pem_cert(ks, text, len, c->alg, c->kid);
    else if (c->loader == LOAD_PEM_PRIVATE)
        rc = jwg_keyset_add_pem_private(ks, text, len, c->alg, c->kid);
    else
        rc = jwg_keyset_add_jwk(ks, text, len);
    free(text);
    return rc;
}

static void run_preload(jwg_keyset *ks, enum preload pre)
{
    static const struct load_case hmac_a = {"pre hmac", PRE_NONE, LOAD_HMAC, secret64, 64, NULL, "a", JWG_OK, 1, NULL, -1, -1};
    static const struct load_case p256_a = {"pre p256", PRE_NONE, LOAD_PEM_PUBLIC, "p256.pub.pem", 0, NULL, "a", JWG_OK, 1, NULL, -1, -1};

    if (pre == PRE_HMAC_KID_A)
        assert_int_equal(run_loader(ks, &hmac_a), JWG_OK);
    else if (pre == PRE_P256_KID_A)
        assert_int_equal(run_loader(ks, &p256_a), JWG_OK);
}

static void check_loaded(const jwg_keyset *ks, const struct load_case *c)
{
    char algs[128];
    const jwg_key *k = ks->keys[ks->count - 1];

    if (c->algs != NULL) {
        assert_int_equal(jwg_keyset_algs(ks, ks->count - 1, algs, sizeof(algs)), JWG_OK);
        assert_string_equal(algs, c->algs);
    }
    if (c->can_verify >= 0)
        assert_int_equal(jwg_key_can_verify(k), c->can_verify);
    if (c->can_sign >= 0)
        assert_int_equal(jwg_key_can_sign(k), c->can_sign);
    if (c->kid != NULL)
        assert_string_equal(jwg_keyset_kid(ks, ks->count - 1), c->kid);
    assert_int_equal(strlen(jwg_key_thumbprint(k)), 43);
    assert_string_equal(jwg_keyset_detail(ks), "");
}

static void keys_load_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < JWG_ARRAY_LEN(load_cases); i++) {
        const struct load_case *c = &load_cases[i];
        jwg_keyset *ks = NULL;

        assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
        run_preload(ks, c->pre);

        jwg_err rc = run_loader(ks, c);
        if (rc != c->expect)
            print_error("case %s: got %s (%s)\n", c->name, jwg_err_name(rc), jwg_keyset_detail(ks));
        assert_int_equal(rc, c->expect);
        assert_int_equal(jwg_keyset_count(ks), c->count);
        if (rc == JWG_OK && c->count > 0)
            check_loaded(ks, c);
        if (rc != JWG_OK)
            assert_true(strlen(jwg_keyset_detail(ks)) > 0);
        jwg_keyset_free(ks);
    }
}

static void keys_rfc7638_thumbprint(void **state)
{
    (void)state;
    jwg_keyset *ks = NULL;
    char tp[JWG_THUMBPRINT_MAX];
    size_t len = 0;
    char *jwk = read_key_file("cookbook/rfc7638_3.1.jwk", &len);

    /* RFC 7638 3.1 */
    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    assert_int_equal(jwg_keyset_add_jwk(ks, jwk, len), JWG_OK);
    assert_int_equal(jwg_keyset_thumbprint(ks, 0, tp), JWG_OK);
    assert_string_equal(tp, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    assert_string_equal(jwg_keyset_kid(ks, 0), "2011-04-29");
    /* its "alg": "RS256" binds the key */
    char algs[64];
    assert_int_equal(jwg_keyset_algs(ks, 0, algs, sizeof(algs)), JWG_OK);
    assert_string_equal(algs, "RS256");
    /* out of range */
    assert_int_equal(jwg_keyset_thumbprint(ks, 1, tp), JWG_ERR_INVALID_ARGUMENT);
    assert_string_equal(tp, "");
    jwg_keyset_free(ks);
    free(jwk);
}

#define BILBO "bilbo.baggins@hobbiton.example"

struct thumbprint_case {
    const char *file;
    const char *thumbprint; /* computed independently with python3-jwcrypto */
    const char *kid;
};

static const struct thumbprint_case thumbprint_cases[] = {
    /* a public key and its private key share a thumbprint */
    {"cookbook/3_1.ec_public_key.json", "dHri3SADZkrush5HU_50AoRhcKFryN-PI6jPBtPL55M", BILBO},
    {"cookbook/3_2.ec_private_key.json", "dHri3SADZkrush5HU_50AoRhcKFryN-PI6jPBtPL55M", BILBO},
    {"cookbook/3_3.rsa_public_key.json", "9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI", BILBO},
    {"cookbook/3_4.rsa_private_key.json", "9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI", BILBO},
    /* oct thumbprints cover "k" */
    {"cookbook/3_5.symmetric_key_mac_computation.json", "RtoRur_1Dir5M4wuOfqNkDYOf9O_4RJ-aHkTA75RLA8",
     "018c0ae5-4d9b-471b-bfd6-eef314bc7037"},
};

static void keys_cookbook_thumbprints(void **state)
{
    (void)state;
    for (size_t i = 0; i < JWG_ARRAY_LEN(thumbprint_cases); i++) {
        jwg_keyset *ks = NULL;
        char tp[JWG_THUMBPRINT_MAX];
        size_t len = 0;
        char *jwk = read_key_file(thumbprint_cases[i].file, &len);

        assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
        assert_int_equal(jwg_keyset_add_jwk(ks, jwk, len), JWG_OK);
        assert_int_equal(jwg_keyset_thumbprint(ks, 0, tp), JWG_OK);
        assert_string_equal(tp, thumbprint_cases[i].thumbprint);
        assert_string_equal(jwg_keyset_kid(ks, 0), thumbprint_cases[i].kid);
        jwg_keyset_free(ks);
        free(jwk);
    }
}

static void keys_pem_jwk_same_thumbprint(void **state)
{
    (void)state;
    jwg_keyset *ks = NULL;
    size_t len = 0;
    char *pem = read_key_file("p256.pub.pem", &len);
    static const char jwk[] =
        "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" P256_X "\",\"y\":\"" P256_Y "\"}";

    /* one key loaded from two formats has one thumbprint, the one python3-jwcrypto computes */
    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    assert_int_equal(jwg_keyset_add_pem_public(ks, pem, len, NULL, "pem"), JWG_OK);
    assert_int_equal(jwg_keyset_add_jwk(ks, jwk, sizeof(jwk) - 1), JWG_OK);
    assert_string_equal(jwg_key_thumbprint(ks->keys[0]), jwg_key_thumbprint(ks->keys[1]));
    assert_string_equal(jwg_key_thumbprint(ks->keys[0]),
                        "_qW4mdrvfmnH1Ntepzv2Lu16v7xMrBN_lrlbPF3QJSs");
    jwg_keyset_free(ks);
    free(pem);
}

static void keys_set_full(void **state)
{
    (void)state;
    jwg_keyset *ks = NULL;
    char kid[16];

    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    for (unsigned i = 0; i < JWG_MAX_KEYS; i++) {
        snprintf(kid, sizeof(kid), "k%u", i);
        assert_int_equal(jwg_keyset_add_hmac(ks, (const uint8_t *)secret64, 32, NULL, kid), JWG_OK);
    }
    /* key JWG_MAX_KEYS + 1 */
    assert_int_equal(jwg_keyset_add_hmac(ks, (const uint8_t *)secret64, 32, NULL, "last"),
                     JWG_ERR_KEY_SET_FULL);
    assert_int_equal(jwg_keyset_count(ks), JWG_MAX_KEYS);
    /* a JWK set that would overflow adds nothing */
    assert_int_equal(jwg_keyset_add_jwks(ks, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" OCT_K "\"}]}",
                                         strlen("{\"keys\":[{\"kty\":\"oct\",\"k\":\"" OCT_K "\"}]}")),
                     JWG_ERR_KEY_SET_FULL);
    jwg_keyset_free(ks);
}

static void keys_refcount_and_args(void **state)
{
    (void)state;
    jwg_keyset *ks = NULL;
    char algs[8];

    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    assert_int_equal(jwg_keyset_add_hmac(ks, (const uint8_t *)secret64, 64, NULL, NULL), JWG_OK);
    /* a second reference keeps the set alive after the first is dropped */
    jwg_keyset *ref = jwg_keyset_ref(ks);
    jwg_keyset_free(ks);
    assert_int_equal(jwg_keyset_count(ref), 1);
    /* a buffer too small for "HS256 HS384 HS512" */
    assert_int_equal(jwg_keyset_algs(ref, 0, algs, sizeof(algs)), JWG_ERR_INVALID_ARGUMENT);
    assert_string_equal(algs, "");
    /* no kid */
    assert_null(jwg_keyset_kid(ref, 0));
    assert_null(jwg_keyset_kid(ref, 5));
    jwg_keyset_free(ref);

    /* NULL arguments */
    assert_int_equal(jwg_keyset_new(NULL), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_keyset_add_hmac(NULL, (const uint8_t *)secret64, 64, NULL, NULL),
                     JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_keyset_add_jwk(NULL, "{}", 2), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(jwg_keyset_count(NULL), 0);
    jwg_keyset_free(NULL);
}

/* jwg_keyset_is_private: private keys and secrets are 1, public keys and bad indexes 0. */
static void keys_is_private(void **state)
{
    (void)state;
    static const struct load_case keys[] = {
        /* a secret can sign, so it counts as private */
        {"secret", PRE_NONE, LOAD_HMAC, secret64, 64, NULL, NULL, JWG_OK, 1, NULL, -1, -1},
        /* a PKCS#8 private key */
        {"pem private", PRE_NONE, LOAD_PEM_PRIVATE, "p256.key.pem", 0, NULL, NULL, JWG_OK, 1, NULL, -1, -1},
        /* a JWK with "d" */
        {"jwk private", PRE_NONE, LOAD_JWK, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" ED25519_X "\",\"d\":\"" ED25519_D "\"}", 0, NULL, NULL, JWG_OK, 1, NULL, -1, -1},
        /* a public PEM key */
        {"pem public", PRE_NONE, LOAD_PEM_PUBLIC, "p256.pub.pem", 0, NULL, NULL, JWG_OK, 1, NULL, -1, -1},
        /* a public JWK */
        {"jwk public", PRE_NONE, LOAD_JWK, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" ED25519_X "\"}", 0, NULL, NULL, JWG_OK, 1, NULL, -1, -1},
    };
    static const int want[] = {1, 1, 1, 0, 0};

    for (size_t i = 0; i < JWG_ARRAY_LEN(keys); i++) {
        jwg_keyset *ks = NULL;
        assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
        assert_int_equal(run_loader(ks, &keys[i]), JWG_OK);
        if (jwg_keyset_is_private(ks, 0) != want[i])
            print_error("case %s\n", keys[i].name);
        assert_int_equal(jwg_keyset_is_private(ks, 0), want[i]);
        assert_int_equal(jwg_keyset_is_private(ks, 1), 0);
        jwg_keyset_free(ks);
    }
    assert_int_equal(jwg_keyset_is_private(NULL, 0), 0);
}

static void keys_alg_names(void **state)
{
    (void)state;
    jwg_alg_id id;

    /* every implemented name maps back to itself */
    for (int i = 0; i < JWG_ALG_COUNT; i++) {
        const char *name = jwg_alg_name((jwg_alg_id)i);
        assert_int_equal(jwg_alg_from_name(name, strlen(name), &id), JWG_OK);
        assert_int_equal(id, i);
        assert_int_equal(jwg_alg_supported(name), 1);
    }
    /* "none" in any case */
    assert_int_equal(jwg_alg_from_name("NONE", 4, &id), JWG_ERR_ALG_NONE);
    /* a prefix of a name is not the name */
    assert_int_equal(jwg_alg_from_name("HS25", 4, &id), JWG_ERR_ALG_UNKNOWN);
    /* a name with a trailing NUL inside the length is not the name */
    assert_int_equal(jwg_alg_from_name("HS256\0", 6, &id), JWG_ERR_ALG_UNKNOWN);
    /* other letter case */
    assert_int_equal(jwg_alg_supported("eddsa"), 0);
    assert_int_equal(jwg_alg_supported("none"), 0);
}

/* ---- small-order EdDSA keys from tests/data/keys/small-order/encodings.txt ---- */

/* SubjectPublicKeyInfo DER prefixes for a raw Ed25519 and Ed448 key (RFC 8410 4). */
static const uint8_t spki_ed25519[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b,
                                       0x65, 0x70, 0x03, 0x21, 0x00};
static const uint8_t spki_ed448[] = {0x30, 0x43, 0x30, 0x05, 0x06, 0x03, 0x2b,
                                     0x65, 0x71, 0x03, 0x3a, 0x00};

/* Loads raw public key `pub` as a JWK and returns the code; the detail goes to `detail`. */
static jwg_err load_okp_jwk(const char *crv, const uint8_t *pub, size_t len, char *detail)
{
    char x[128];
    char jwk[256];
    jwg_keyset *ks = NULL;

    x[jwg_b64url_encode(pub, len, x, sizeof(x) - 1)] = '\0';
    snprintf(jwk, sizeof(jwk), "{\"kty\":\"OKP\",\"crv\":\"%s\",\"x\":\"%s\"}", crv, x);
    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    jwg_err rc = jwg_keyset_add_jwk(ks, jwk, strlen(jwk));
    snprintf(detail, JWG_DETAIL_MAX, "%s", jwg_keyset_detail(ks));
    jwg_keyset_free(ks);
    return rc;
}

/* Loads raw public key `pub` as a PEM SubjectPublicKeyInfo and returns the code. */
static jwg_err load_okp_pem(bool ed448, const uint8_t *pub, size_t len, char *detail)
{
    uint8_t der[12 + 57];
    char pem[256];
    char b64[128];
    jwg_keyset *ks = NULL;

    memcpy(der, ed448 ? spki_ed448 : spki_ed25519, 12);
    memcpy(der + 12, pub, len);
    EVP_EncodeBlock((unsigned char *)b64, der, (int)(12 + len));
    snprintf(pem, sizeof(pem), "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n", b64);

    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    jwg_err rc = jwg_keyset_add_pem_public(ks, pem, strlen(pem), NULL, NULL);
    snprintf(detail, JWG_DETAIL_MAX, "%s", jwg_keyset_detail(ks));
    jwg_keyset_free(ks);
    return rc;
}

static void hex_decode(const char *hex, uint8_t *out, size_t len)
{
    assert_int_equal(strlen(hex), 2 * len);
    for (size_t i = 0; i < len; i++) {
        unsigned byte = 0;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &byte), 1);
        out[i] = (uint8_t)byte;
    }
}

/* Asserts that one generated encoding is rejected by the JWK and the PEM loader. */
static void check_small_order_line(const char *curve, const char *hex)
{
    bool ed448 = strcmp(curve, "Ed448") == 0;
    size_t len = ed448 ? 57 : 32;
    uint8_t pub[57];
    char detail[JWG_DETAIL_MAX];

    hex_decode(hex, pub, len);
    for (int pem = 0; pem < 2; pem++) {
        jwg_err rc = pem ? load_okp_pem(ed448, pub, len, detail)
                         : load_okp_jwk(curve, pub, len, detail);
        if (rc != JWG_ERR_KEY_INVALID)
            print_error("%s %s via %s: got %s\n", curve, hex, pem ? "PEM" : "JWK", jwg_err_name(rc));
        assert_int_equal(rc, JWG_ERR_KEY_INVALID);

        /* Ed448 y of 2p and more set bits of the last byte and fail the y < p check instead. */
        bool beyond_448 = ed448 && (pub[56] & 0x7f) != 0;
        assert_non_null(strstr(detail, beyond_448 ? "is not canonical" : "is a small-order point"));
    }
}

/* Every encoding that gen.py derived is rejected in both formats; ordinary keys still load. */
static void keys_small_order_eddsa(void **state)
{
    (void)state;
    char path[512];
    char line[256];
    char curve[16];
    char hex[128];
    size_t counts[2] = {0, 0};

    snprintf(path, sizeof(path), "%s/keys/small-order/encodings.txt", JWG_TEST_DATA);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    while (fgets(line, sizeof(line), f) != NULL) {
        if (line[0] == '#')
            continue;
        assert_int_equal(sscanf(line, "%15s %127s", curve, hex), 2);
        check_small_order_line(curve, hex);
        counts[strcmp(curve, "Ed448") == 0]++;
    }
    fclose(f);

    /* Ed25519: 7 y values (5 canonical, y = p and y = p + 1), each with both sign bits */
    assert_int_equal(counts[0], 14);
    /* Ed448: y = 0, 1 and p - 1 plus every multiple of p added below 2^455, both sign bits */
    assert_true(counts[1] > 10);

    /* ordinary keys still load */
    uint8_t pub[57];
    char detail[JWG_DETAIL_MAX];
    size_t len = 0;
    assert_int_equal(jwg_b64url_decode(ED25519_X, strlen(ED25519_X), pub, sizeof(pub), &len), JWG_OK);
    assert_int_equal(load_okp_pem(false, pub, len, detail), JWG_OK);
    assert_int_equal(jwg_b64url_decode(ED448_X, strlen(ED448_X), pub, sizeof(pub), &len), JWG_OK);
    assert_int_equal(load_okp_pem(true, pub, len, detail), JWG_OK);
    /* y = 2 is below p and in no blocklist entry */
    memset(pub, 0, 32);
    pub[0] = 2;
    assert_int_equal(load_okp_jwk("Ed25519", pub, 32, detail), JWG_OK);
}

/* ---- the breaker's forged tokens ---- */

/*
 * Verifies `token` against `pem_file` with OpenSSL alone, bypassing the
 * library's key checks, so that the fixture is shown to be a real forgery.
 */
static int openssl_verifies(const char *pem_file, const char *token_file, const EVP_MD *md)
{
    size_t pem_len = 0;
    size_t token_len = 0;
    char *pem = read_key_file(pem_file, &pem_len);
    char *token = read_key_file(token_file, &token_len);
    uint8_t sig[512];
    size_t sig_len = 0;

    while (token_len > 0 && token[token_len - 1] == '\n')
        token[--token_len] = '\0';
    char *dot = strrchr(token, '.');
    assert_non_null(dot);
    assert_int_equal(jwg_b64url_decode(dot + 1, strlen(dot + 1), sig, sizeof(sig), &sig_len),
                     JWG_OK);

    BIO *bio = BIO_new_mem_buf(pem, (int)pem_len);
    EVP_PKEY *pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    assert_non_null(pkey);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = EVP_DigestVerifyInit(ctx, NULL, md, NULL, pkey) == 1 &&
             EVP_DigestVerify(ctx, sig, sig_len, (const uint8_t *)token,
                              (size_t)(dot - token)) == 1;

    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    BIO_free(bio);
    free(token);
    free(pem);
    return ok;
}

static jwg_err load_file(const char *name, bool jwk)
{
    size_t len = 0;
    char *text = read_key_file(name, &len);
    jwg_keyset *ks = NULL;

    assert_int_equal(jwg_keyset_new(&ks), JWG_OK);
    jwg_err rc = jwk ? jwg_keyset_add_jwk(ks, text, len)
                     : jwg_keyset_add_pem_public(ks, text, len, NULL, NULL);
    assert_int_equal(jwg_keyset_count(ks), 0);
    jwg_keyset_free(ks);
    free(text);
    return rc;
}

/* The e = 1 RS256 token and the identity-point EdDSA token verify in OpenSSL but their keys never load. */
static void keys_forged_tokens(void **state)
{
    (void)state;

    /* with e = 1 the signature is the padded digest, so it verifies under any 2048-bit n */
    assert_true(openssl_verifies("rsa_e1.pub.pem", "forged/rsa_e1.token", EVP_sha256()));
    assert_int_equal(load_file("rsa_e1.pub.pem", false), JWG_ERR_KEY_WEAK);
    assert_int_equal(load_file("forged/rsa_e1.jwk", true), JWG_ERR_KEY_WEAK);

    /* R = identity, S = 0 verifies any message under the identity key in OpenSSL 3.0 */
    assert_true(openssl_verifies("forged/ed25519_identity.pub.pem",
                                 "forged/ed25519_identity.token", NULL));
    assert_int_equal(load_file("forged/ed25519_identity.pub.pem", false), JWG_ERR_KEY_INVALID);
    assert_int_equal(load_file("forged/ed25519_identity.jwk", true), JWG_ERR_KEY_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_load_table),
        cmocka_unit_test(keys_rfc7638_thumbprint),
        cmocka_unit_test(keys_cookbook_thumbprints),
        cmocka_unit_test(keys_pem_jwk_same_thumbprint),
        cmocka_unit_test(keys_set_full),
        cmocka_unit_test(keys_refcount_and_args),
        cmocka_unit_test(keys_alg_names),
        cmocka_unit_test(keys_is_private),
        cmocka_unit_test(keys_small_order_eddsa),
        cmocka_unit_test(keys_forged_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
