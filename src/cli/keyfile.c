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

    /*
     * Labels in use are upper-case words on the BEGIN line (RFC 7468 4).
     * Stopping at any other byte keeps key bytes on the next lines out of
     * the label, which error messages print.
     */
    label_end = armour;
    while (label_end < end && (size_t)(label_end - armour) < cap &&
           ((*label_end >= 'A' && *label_end <= 'Z') || (*label_end >= '0' && *label_end <= '9') ||
            *label_end == ' ' || *label_end == '-'))
        label_end++;
    while (label_end > armour && label_end[-1] == '-')
        label_end--;
    if ((size_t)(label_end - armour) >= cap || (size_t)(end - label_end) < 5 ||
        strncmp(label_end, "-----", 5) != 0)
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

/* What the key material is, because one error code can need a different fix for each. */
enum key_kind { KIND_ANY, KIND_HMAC, KIND_ASYMMETRIC };

/*
 * What to do about a key the library rejected, by error code and key kind.
 * The first matching row wins; a code without a row gets the loader's own
 * hint, which says what the option takes.
 */
static const struct {
    jwg_err code;
    enum key_kind kind;
    const char *todo;
} key_hints[] = {
    {JWG_ERR_KEY_WEAK, KIND_HMAC, NULL}, /* hmac_weak_hint() names the size for the algorithm */
    {JWG_ERR_KEY_WEAK, KIND_ASYMMETRIC,
     "use an RSA key of at least 2048 bits: openssl genpkey -algorithm RSA -pkeyopt "
     "rsa_keygen_bits:2048"},
    {JWG_ERR_KEY_WEAK, KIND_ANY,
     "use an RSA key of at least 2048 bits, or an HMAC secret of at least 32 random bytes"},
    {JWG_ERR_KEY_MIXED, KIND_ANY, "give HMAC secrets and public keys to separate verifications"},
    {JWG_ERR_KEY_DUPLICATE_KID, KIND_ANY, "give each key its own kid, or drop the duplicate key"},
    {JWG_ERR_KEY_SET_FULL, KIND_ANY, "give at most 64 keys in all"},
    {JWG_ERR_KEY_ALG_MISMATCH, KIND_ANY,
     "give an --alg of the key's family: RS* or PS* for RSA, ES* for EC, EdDSA for OKP, HS* for "
     "a secret"},
    {JWG_ERR_KEY_USE, KIND_ANY, "give a key whose \"use\" is \"sig\""},
};

/* Writes the minimum secret size for `alg` (RFC 7518 3.2: at least the hash output). */
static void hmac_weak_hint(const char *alg, char *out, size_t cap)
{
    size_t bytes = 32;

    if (alg != NULL && strcmp(alg, "HS384") == 0)
        bytes = 48;
    else if (alg != NULL && strcmp(alg, "HS512") == 0)
        bytes = 64;
    snprintf(out, cap, "the secret needs at least %zu random bytes for %s", bytes,
             alg != NULL ? alg : "HS256");
}

/* Prints the library's rejection of a key file, with the hint for its code and kind. */
static bool key_rejected(const jwg_keyset *ks, const char *path, jwg_err rc, enum key_kind kind,
                         const char *alg, const char *todo)
{
    char detail[JWG_DETAIL_MAX + 64];
    char hint[96];
    const char *why = jwg_keyset_detail(ks);

    snprintf(detail, sizeof(detail), "%s: %s", jwg_err_name(rc),
             why[0] != '\0' ? why : jwg_strerror(rc));
    for (size_t i = 0; i < CLI_ARRAY_LEN(key_hints); i++) {
        if (key_hints[i].code != rc ||
            (key_hints[i].kind != KIND_ANY && key_hints[i].kind != kind))
            continue;
        todo = key_hints[i].todo;
        if (todo == NULL) {
            hmac_weak_hint(alg, hint, sizeof(hint));
            todo = hint;
        }
        break;
    }
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

/*
 * Returns true when `buf` loads as a JWK set (`as_set`) or as one JWK. The
 * library reads it into a scratch set, so that a set given to --key, or a
 * single JWK given to --jwks, is named as what it is.
 */
static bool loads_as(const char *buf, size_t len, bool as_set)
{
    jwg_keyset *probe = NULL;
    bool ok = false;

    if (jwg_keyset_new(&probe) == JWG_OK)
        ok = (as_set ? jwg_keyset_add_jwks(probe, buf, len) : jwg_keyset_add_jwk(probe, buf, len)) ==
             JWG_OK;
    jwg_keyset_free(probe);
    return ok;
}

/*
 * A key file to load and its loader; `alg` and `kid` may be NULL. The loader
 * sets *trailing_newline, when it is not NULL, for a secret ending in "\n".
 */
struct load_request {
    jwg_keyset *ks;
    const char *path;
    const char *alg;
    const char *kid;
    bool (*load)(const struct load_request *req, const char *buf, size_t len);
    bool *trailing_newline;
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
    enum key_format format = declared_format(buf, len, label, sizeof(label));
    jwg_err rc;

    switch (format) {
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
        if (rc != JWG_OK && loads_as(buf, len, true)) {
            cli_error("this is a JWK set, not one key", path, "pass it with --jwks");
            return false;
        }
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
    return rc == JWG_OK ||
           key_rejected(ks, path, rc, format == KEY_JWK ? KIND_ANY : KIND_ASYMMETRIC, NULL, todo);
}

bool keyfile_load_public(jwg_keyset *ks, const char *path)
{
    const struct load_request req = {ks, path, NULL, NULL, load_public, NULL};

    return load_file(&req);
}

/* Loads a JWK set, naming a PEM file or a single JWK as what --key takes. */
static bool load_jwks(const struct load_request *req, const char *buf, size_t len)
{
    char label[64];
    enum key_format format = declared_format(buf, len, label, sizeof(label));
    jwg_err rc;

    if (format != KEY_JWK && format != KEY_UNKNOWN) {
        cli_error(strstr(label, "PRIVATE KEY") != NULL ? "this is a private key PEM file"
                                                       : "this is a PEM file",
                  req->path,
                  strstr(label, "PRIVATE KEY") != NULL
                      ? "pass its public key with --key: openssl pkey -in KEY -pubout"
                      : "pass it with --key");
        return false;
    }
    rc = jwg_keyset_add_jwks(req->ks, buf, len);
    if (rc == JWG_OK)
        return true;
    if (format == KEY_JWK && loads_as(buf, len, false)) {
        cli_error("this is a single JWK, not a JWK set", req->path, "pass it with --key");
        return false;
    }
    return key_rejected(req->ks, req->path, rc, KIND_ANY, NULL,
                        "give a JWK set: {\"keys\": [...]}");
}

bool keyfile_load_jwks(jwg_keyset *ks, const char *path)
{
    const struct load_request req = {ks, path, NULL, NULL, load_jwks, NULL};

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
    enum key_format format = declared_format(buf, len, label, sizeof(label));
    jwg_err rc;

    switch (format) {
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
    return rc == JWG_OK ||
           key_rejected(ks, path, rc, format == KEY_JWK ? KIND_ANY : KIND_ASYMMETRIC, alg, todo);
}

bool keyfile_load_private(jwg_keyset *ks, const char *path, const char *alg, const char *kid)
{
    const struct load_request req = {ks, path, alg, kid, load_private, NULL};

    return load_file(&req);
}

/* The secret is the file's bytes exactly: a trailing newline is part of it. */
static bool load_hmac(const struct load_request *req, const char *buf, size_t len)
{
    jwg_err rc = jwg_keyset_add_hmac(req->ks, (const uint8_t *)buf, len, req->alg, req->kid);

    if (req->trailing_newline != NULL && len > 0 && buf[len - 1] == '\n')
        *req->trailing_newline = true;
    return rc == JWG_OK || key_rejected(req->ks, req->path, rc, KIND_HMAC, req->alg,
                                        "give a secret file of at least 32 random bytes");
}

bool keyfile_load_hmac(jwg_keyset *ks, const char *path, const char *alg, const char *kid,
                       bool *trailing_newline)
{
    const struct load_request req = {ks, path, alg, kid, load_hmac, trailing_newline};

    return load_file(&req);
}
