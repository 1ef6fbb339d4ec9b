/*
 * sec_forge.c: offline HMAC checks of leaked HS* tokens.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/hmac.h>

#include "internal.h"
#include "jwtguard/jwtguard.h"
#include "scan/sec_forge.h"

static bool read_alg(const uint8_t *token, size_t len, sec_hs_token *out)
{
    static const struct {
        const char *name;
        size_t sig_len;
    } algs[] = {{"HS256", 32}, {"HS384", 48}, {"HS512", 64}};
    jwg_result *r = NULL;
    const char *alg = NULL;
    size_t alg_len = 0;
    bool ok = false;

    if (jwg_decode_unverified((const char *)token, len, &r) != JWG_OK ||
        jwg_result_string(r, JWG_PART_HEADER, "alg", &alg, &alg_len) != JWG_OK)
        goto out;
    for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        if (strcmp(alg, algs[i].name) == 0 && out->sig_len == algs[i].sig_len) {
            out->alg = algs[i].name;
            out->md = i == 0 ? EVP_sha256() : i == 1 ? EVP_sha384() : EVP_sha512();
            ok = true;
        }
    }
out:
    jwg_result_free(r);
    return ok;
}

bool sec_hs_token_prepare(const uint8_t *token, size_t len, sec_hs_token *out)
{
    const uint8_t *dot;
    size_t sig_chars;

    memset(out, 0, sizeof(*out));
    dot = len > 0 ? memchr(token, '.', len) : NULL;
    if (dot == NULL)
        return false;
    dot = memchr(dot + 1, '.', len - (size_t)(dot + 1 - token));
    if (dot == NULL)
        return false;

    out->input_len = (size_t)(dot - token);
    sig_chars = len - out->input_len - 1;
    if (sig_chars == 0 || sig_chars > 86 ||
        jwg_b64url_decode((const char *)dot + 1, sig_chars, out->sig, sizeof(out->sig),
                          &out->sig_len) != JWG_OK)
        return false;
    return read_alg(token, len, out);
}

bool sec_hs_token_signed_with(const sec_hs_token *t, const uint8_t *token, const uint8_t *secret,
                              size_t secret_len)
{
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned mac_len = 0;
    bool match;

    if (secret_len > INT32_MAX ||
        HMAC(t->md, secret, (int)secret_len, token, t->input_len, mac, &mac_len) == NULL)
        return false;
    match = mac_len == t->sig_len && CRYPTO_memcmp(mac, t->sig, t->sig_len) == 0;
    OPENSSL_cleanse(mac, sizeof(mac));
    return match;
}
