/*
 * bench_server_tokens.c: prints distinct signed tokens, one per line, for
 * the gateway benchmark (bench/bench_server.sh), far faster than one
 * `jwtguard sign` process per token.
 * Usage: bench_server_tokens ALG KEY_FILE COUNT ISS AUD SCOPE
 * ALG HS256 reads KEY_FILE as a raw HMAC secret, ES256 as a PKCS#8 PEM
 * private key (kid "ec1"). Each token has its own random jti.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jwtguard/jwtguard.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = malloc(65536);
    *len = f != NULL && buf != NULL ? fread(buf, 1, 65535, f) : 0;
    if (f != NULL)
        fclose(f);
    if (buf != NULL)
        buf[*len] = '\0';
    return buf;
}

static jwg_err add_key(jwg_keyset *ks, const char *alg, const char *buf, size_t len)
{
    if (strcmp(alg, "HS256") == 0)
        return jwg_keyset_add_hmac(ks, (const uint8_t *)buf, len, "HS256", NULL);
    return jwg_keyset_add_pem_private(ks, buf, len, alg, "ec1");
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: bench_server_tokens ALG KEY_FILE COUNT ISS AUD SCOPE\n");
        return 2;
    }
    size_t len;
    char *key = read_file(argv[2], &len);
    jwg_keyset *ks = NULL;
    jwg_signer *s = NULL;
    char detail[256] = "";
    char scope[256];
    snprintf(scope, sizeof(scope), "\"%s\"", argv[6]);

    if (key == NULL || len == 0 || jwg_keyset_new(&ks) != JWG_OK || add_key(ks, argv[1], key, len) != JWG_OK ||
        jwg_signer_new(&s, ks, argv[1], detail, sizeof(detail)) != JWG_OK || jwg_signer_set_lifetime(s, 86400) != JWG_OK ||
        jwg_signer_set_issuer(s, argv[4]) != JWG_OK || jwg_signer_add_audience(s, argv[5]) != JWG_OK ||
        jwg_signer_set_subject(s, "bench-user") != JWG_OK ||
        jwg_signer_add_claim_json(s, "scope", scope, strlen(scope)) != JWG_OK) {
        fprintf(stderr, "bench_server_tokens: error: cannot set up the signer (%s): check ALG and KEY_FILE\n", detail);
        return 2;
    }

    long count = strtol(argv[3], NULL, 10);
    for (long i = 0; i < count; i++) {
        char *token;
        size_t token_len;
        if (jwg_signer_sign(s, &token, &token_len) != JWG_OK)
            return 2;
        fwrite(token, 1, token_len, stdout);
        fputc('\n', stdout);
        jwg_free(token, token_len);
    }
    jwg_signer_free(s);
    jwg_keyset_free(ks);
    free(key);
    return 0;
}
