/*
 * keyfile.c: key file loading by declared format for the command.
 */
#include "keyfile.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"

enum key_format {
    KEY_PEM_PUBLIC,  /* -----BEGIN PUBLIC KEY----- */
    KEY_PEM_CERT,    /* -----BEGIN CERTIFICATE----- */
    KEY_PEM_PRIVATE, /* -----BEGIN PRIVATE KEY----- (PKCS#8) */
    KEY_PEM_OTHER,   /* any other label, such as RSA PRIVATE KEY */
    KEY_JWK,         /* a JSON object */
    KEY_UNKNOWN
};

/*
 * Returns the format a file declares: the label of its first PEM armour line,
 * or a JWK when its first non-blank byte is '{'. The label is copied to
 * `label` for messages.
 */
static enum key_format declared_format(const char *buf, size_t len, char *label, size_t cap)
{
    static const char begin[] = "-----BEGIN ";
    const char *p = buf;
    const char *end = buf + len;
    const char *armour;
    const char *label_end;

    label[0] = '\0';
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    if (p < end && *p == '{')
        return KEY_JWK;

    armour = strstr(buf, begin);
    if (armour == NULL)
        return KEY_UNKNOWN;
    armour += sizeof(begin) - 1;
    label_end = strstr(armour, "-----");
    if (label_end == NULL || (size_t)(label_end - armour) >= cap)
        return KEY_UNKNOWN;

    memcpy(label, armour, (size_t)(label_end - armour));
    label[label_end - armour] = '\0';
    if (strcmp(label, "PUBLIC KEY") == 0)
        return KEY_PEM_PUBLIC;
    if (strcmp(label, "CERTIFICATE") == 0)
        return KEY_PEM_CERT;
    if (strcmp(label, "PRIVATE KEY") == 0)
        return KEY_PEM_PRIVATE;
    return KEY_PEM_OTHER;
}

/* Prints the library's rejection of a key file. */
static bool key_rejected(const jwg_keyset *ks, const char *path, jwg_err rc, const char *todo)
{
    char detail[JWG_DETAIL_MAX + 64];
    const char *why = jwg_keyset_detail(ks);

    snprintf(detail, sizeof(detail), "%s: %s", jwg_err_name(rc),
             why[0] != '\0' ? why : jwg_strerror(rc));
    if (rc == JWG_ERR_KEY_ALG_MISMATCH)
        todo = "give an --alg of the key's family: RS* or PS* for RSA, ES* for EC, EdDSA for OKP";
    cli_error_detail("key rejected", path, todo, detail);
    return false;
}

/*
 * Returns true when the JWK in `buf` loads as an RSA, EC or OKP private key.
 * The library reads it into a scratch set, so the command parses no JSON of
 * its own. An HMAC secret is not counted: verifying with it needs the secret.
 */
static bool jwk_has_private_key(const char *buf, size_t len)
{
    jwg_keyset *probe = NULL;
    char algs[128];
    bool private_key = false;

    if (jwg_keyset_new(&probe) == JWG_OK && jwg_keyset_add_jwk(probe, buf, len) == JWG_OK &&
        jwg_keyset_is_private(probe, 0) == 1 &&
        jwg_keyset_algs(probe, 0, algs, sizeof(algs)) == JWG_OK)
        private_key = strncmp(algs, "HS", 2) != 0;
    jwg_keyset_free(probe);
    return private_key;
}

/* A key file to load and its loader; `alg` and `kid` may be NULL. */
struct load_request {
    jwg_keyset *ks;
    const char *path;
    const char *alg;
    const char *kid;
    bool (*load)(const struct load_request *req, const char *buf, size_t len);
};

/* Reads the request's file and hands its bytes to the request's loader, then wipes them. */
static bool load_file(const struct load_request *req)
{
    char *buf = NULL;
    size_t len = 0;
    bool ok;

    if (!cli_read_file(req->path, CLI_MAX_KEY_FILE_BYTES, "give a key, JWK set or secret file",
                       &buf, &len))
        return false;
    ok = req->load(req, buf, len);
    cli_buf_free(buf, len);
    return ok;
}

/* Loads a public key whose format was already read from `buf`. */
static bool load_public(const struct load_request *req, const char *buf, size_t len)
{
    jwg_keyset *ks = req->ks;
    const char *path = req->path;
    const char *todo =
        "give a public key PEM, certificate PEM, public JWK, or oct JWK holding an HMAC secret";
    char label[64];
    jwg_err rc;

    switch (declared_format(buf, len, label, sizeof(label))) {
    case KEY_PEM_PUBLIC:
        rc = jwg_keyset_add_pem_public(ks, buf, len, NULL, NULL);
        break;
    case KEY_PEM_CERT:
        rc = jwg_keyset_add_pem_cert(ks, buf, len, NULL, NULL);
        break;
    case KEY_JWK:
        if (jwk_has_private_key(buf, len)) {
            cli_error("private JWK given to --key", path,
                      "pass the public JWK (without \"d\"), for example from keygen --out-jwks");
            return false;
        }
        rc = jwg_keyset_add_jwk(ks, buf, len);
        break;
    case KEY_PEM_PRIVATE:
    case KEY_PEM_OTHER:
        if (strstr(label, "PRIVATE KEY") != NULL) {
            cli_error("private key given to --key", path,
                      "pass the public key: openssl pkey -in KEY -pubout");
            return false;
        }
        cli_error("unsupported PEM label", label, todo);
        return false;
    default:
        cli_error("not a PEM or JWK file", path, todo);
        return false;
    }
    return rc == JWG_OK || key_rejected(ks, path, rc, todo);
}

bool keyfile_load_public(jwg_keyset *ks, const char *path)
{
    const struct load_request req = {ks, path, NULL, NULL, load_public};

    return load_file(&req);
}

static bool load_jwks(const struct load_request *req, const char *buf, size_t len)
{
    jwg_err rc = jwg_keyset_add_jwks(req->ks, buf, len);

    return rc == JWG_OK ||
           key_rejected(req->ks, req->path, rc, "give a JWK set: {\"keys\": [...]}");
}

bool keyfile_load_jwks(jwg_keyset *ks, const char *path)
{
    const struct load_request req = {ks, path, NULL, NULL, load_jwks};

    return load_file(&req);
}

/* Loads a signing key whose format was already read from `buf`. */
static bool load_private(const struct load_request *req, const char *buf, size_t len)
{
    jwg_keyset *ks = req->ks;
    const char *path = req->path;
    const char *alg = req->alg;
    const char *kid = req->kid;
    const char *todo = "give a PKCS#8 private key PEM (BEGIN PRIVATE KEY) or a private JWK";
    char label[64];
    jwg_err rc;

    switch (declared_format(buf, len, label, sizeof(label))) {
    case KEY_PEM_PRIVATE:
        rc = jwg_keyset_add_pem_private(ks, buf, len, alg, kid);
        break;
    case KEY_JWK:
        if (kid != NULL) {
            cli_error("--kid cannot rename a JWK", path, "set \"kid\" in the JWK itself");
            return false;
        }
        rc = jwg_keyset_add_jwk(ks, buf, len);
        break;
    case KEY_PEM_OTHER:
        cli_error("unsupported PEM label", label,
                  "convert to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in KEY");
        return false;
    default:
        cli_error("not a private key PEM or JWK", path, todo);
        return false;
    }
    return rc == JWG_OK || key_rejected(ks, path, rc, todo);
}

bool keyfile_load_private(jwg_keyset *ks, const char *path, const char *alg, const char *kid)
{
    const struct load_request req = {ks, path, alg, kid, load_private};

    return load_file(&req);
}

/* The secret is the file's bytes exactly: a trailing newline is part of it. */
static bool load_hmac(const struct load_request *req, const char *buf, size_t len)
{
    jwg_err rc = jwg_keyset_add_hmac(req->ks, (const uint8_t *)buf, len, req->alg, req->kid);

    return rc == JWG_OK ||
           key_rejected(req->ks, req->path, rc, "give a secret file of at least 32 random bytes");
}

bool keyfile_load_hmac(jwg_keyset *ks, const char *path, const char *alg, const char *kid)
{
    const struct load_request req = {ks, path, alg, kid, load_hmac};

    return load_file(&req);
}
