/*
 * verify_token.c: the smallest complete use of libjwtguard. It builds a
 * verifier once from a JWK set, an issuer and an audience, then verifies the
 * token given on the command line and prints its subject.
 *
 * Build: cc verify_token.c $(pkg-config --cflags --libs jwtguard)
 * Usage: verify_token JWKS_FILE TOKEN
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwtguard/jwtguard.h>

#define MAX_JWKS_BYTES (1024 * 1024)

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;

    char *buf = malloc(MAX_JWKS_BYTES);
    if (buf != NULL)
        *len = fread(buf, 1, MAX_JWKS_BYTES, f);
    fclose(f);
    return buf;
}

/* Builds a verifier that accepts tokens of one issuer for one audience. */
static jwg_err build_verifier(const char *jwks, size_t jwks_len, jwg_verifier **out)
{
    char detail[JWG_DETAIL_MAX] = "";
    jwg_keyset *keys = NULL;
    jwg_policy *policy = NULL;
    jwg_err rc;

    if ((rc = jwg_keyset_new(&keys)) != JWG_OK || (rc = jwg_policy_new(&policy)) != JWG_OK)
        goto out;
    if ((rc = jwg_keyset_add_jwks(keys, jwks, jwks_len)) != JWG_OK) {
        fprintf(stderr, "key set rejected: %s (%s)\n", jwg_strerror(rc), jwg_keyset_detail(keys));
        goto out;
    }
    if ((rc = jwg_policy_add_issuer(policy, "https://issuer.example")) != JWG_OK ||
        (rc = jwg_policy_add_audience(policy, "api://orders")) != JWG_OK)
        goto out;

    rc = jwg_verifier_new(out, policy, keys, detail, sizeof(detail));
    if (rc != JWG_OK)
        fprintf(stderr, "policy rejected: %s (%s)\n", jwg_strerror(rc), detail);

out:
    /* The verifier keeps what it needs; both may be freed now. */
    jwg_policy_free(policy);
    jwg_keyset_free(keys);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: verify_token JWKS_FILE TOKEN\n");
        return 2;
    }

    size_t jwks_len = 0;
    char *jwks = read_file(argv[1], &jwks_len);
    if (jwks == NULL) {
        perror(argv[1]);
        return 2;
    }

    jwg_verifier *verifier = NULL;
    if (build_verifier(jwks, jwks_len, &verifier) != JWG_OK) {
        free(jwks);
        return 2;
    }
    free(jwks);

    jwg_result *result = NULL;
    jwg_err rc = jwg_verify(verifier, argv[2], strlen(argv[2]), &result);
    const char *sub = NULL;
    size_t sub_len = 0;
    if (rc == JWG_OK && jwg_result_string(result, JWG_PART_CLAIMS, "sub", &sub, &sub_len) == JWG_OK)
        printf("valid token for %s\n", sub);
    else if (rc == JWG_OK)
        printf("valid token without a subject\n");
    else
        printf("rejected: %s: %s (%s)\n", jwg_err_name(rc), jwg_strerror(rc),
               result != NULL ? jwg_result_detail(result) : "");

    jwg_result_free(result);
    jwg_verifier_free(verifier);
    return rc == JWG_OK ? 0 : 1;
}
