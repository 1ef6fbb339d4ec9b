/*
 * forge.c: token forging for tests, with OpenSSL only (see forge.h).
 */
#include "support/forge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

char *forge_b64url(const uint8_t *in, size_t len)
{
    size_t cap = 4 * ((len + 2) / 3) + 1;
    char *out = malloc(cap);
    if (out == NULL)
        return NULL;

    int n = EVP_EncodeBlock((unsigned char *)out, in, (int)len);
    while (n > 0 && out[n - 1] == '=')
        n--;
    out[n] = '\0';
    for (int i = 0; i < n; i++) {
        if (out[i] == '+')
            out[i] = '-';
        else if (out[i] == '/')
            out[i] = '_';
    }
    return out;
}

static char *join3(const char *a, const char *sep, const char *b)
{
    size_t n = strlen(a) + strlen(sep) + strlen(b) + 1;
    char *out = malloc(n);
    if (out != NULL)
        snprintf(out, n, "%s%s%s", a, sep, b);
    return out;
}

char *forge_signing_input(const char *header, const char *payload)
{
    char *h = forge_b64url((const uint8_t *)header, strlen(header));
    char *p = forge_b64url((const uint8_t *)payload, strlen(payload));
    char *out = join3(h, ".", p);
    free(h);
    free(p);
    return out;
}

static char *append_sig(char *input, const uint8_t *sig, size_t sig_len)
{
    char *s = forge_b64url(sig, sig_len);
    char *out = join3(input, ".", s);
    free(s);
    free(input);
    return out;
}

char *forge_with_sig(const char *header, const char *payload, const uint8_t *sig, size_t sig_len)
{
    return append_sig(forge_signing_input(header, payload), sig, sig_len);
}

char *forge_with_sig_input(char *input, const uint8_t *sig, size_t sig_len)
{
    return append_sig(input, sig, sig_len);
}

char *forge_hmac(const char *header, const char *payload, const char *md, const uint8_t *key,
                 size_t key_len)
{
    return forge_hmac_input(forge_signing_input(header, payload), md, key, key_len);
}

char *forge_hmac_input(char *input, const char *md, const uint8_t *key, size_t key_len)
{
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned mac_len = 0;

    HMAC(EVP_get_digestbyname(md), key, (int)key_len, (const unsigned char *)input, strlen(input), mac,
         &mac_len);
    return append_sig(input, mac, mac_len);
}

/* Converts a DER ECDSA signature to raw r||s of twice the field size. */
static size_t ecdsa_der_to_raw(const uint8_t *der, size_t der_len, EVP_PKEY *pkey, uint8_t *raw)
{
    const unsigned char *p = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    if (sig == NULL)
        return 0;

    int field = (EVP_PKEY_get_bits(pkey) + 7) / 8;
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, field);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + field, field);
    ECDSA_SIG_free(sig);
    return (size_t)(2 * field);
}

char *forge_sign(const char *header, const char *payload, EVP_PKEY *pkey, const char *md, int flags)
{
    return forge_sign_input(forge_signing_input(header, payload), pkey, md, flags);
}

char *forge_sign_input(char *input, EVP_PKEY *pkey, const char *md, int flags)
{
    uint8_t sig[2048];
    size_t sig_len = sizeof(sig);
    EVP_PKEY_CTX *pctx = NULL;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();

    EVP_DigestSignInit_ex(ctx, &pctx, md, NULL, NULL, pkey, NULL);
    if (flags & FORGE_PSS) {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)input, strlen(input));
    EVP_MD_CTX_free(ctx);

    if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC && !(flags & FORGE_DER)) {
        uint8_t raw[200];
        size_t raw_len = ecdsa_der_to_raw(sig, sig_len, pkey, raw);
        return append_sig(input, raw, raw_len);
    }
    return append_sig(input, sig, sig_len);
}

char *forge_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;

    char *buf = NULL;
    size_t n = 0;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        rewind(f);
        buf = size >= 0 ? malloc((size_t)size + 1) : NULL;
        if (buf != NULL) {
            n = fread(buf, 1, (size_t)size, f);
            buf[n] = '\0';
        }
    }
    fclose(f);
    if (len != NULL)
        *len = n;
    return buf;
}

EVP_PKEY *forge_load_key(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;

    EVP_PKEY *pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    if (pkey == NULL) {
        rewind(f);
        pkey = PEM_read_PUBKEY(f, NULL, NULL, NULL);
    }
    fclose(f);
    return pkey;
}
