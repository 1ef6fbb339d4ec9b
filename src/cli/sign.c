/*
 * sign.c: `jwtguard sign`, which issues a compact JWT, or a JWS over a
 * payload file, with one key.
 */
#include <stddef.h>
#include <string.h>

#include "cli.h"
#include "keyfile.h"
#include "opts.h"

#define SIGN_MAX_LIST 16u

struct sign_ctx {
    const char *key_path;
    const char *hmac_path;
    const char *alg;
    const char *iss;
    const char *sub;
    const char *kid;
    const char *typ;
    const char *auds[SIGN_MAX_LIST];
    size_t aud_count;
    const char *claims[SIGN_MAX_LIST];
    size_t claim_count;
    int64_t ttl;
    bool have_now;
    int64_t now;
    bool jws;
    const char *payload_path;
};

/* Appends `arg` to a bounded list of option values. */
static bool append(const char **list, size_t *count, const char *option, const char *arg)
{
    char todo[64];

    if (*count >= SIGN_MAX_LIST) {
        snprintf(todo, sizeof(todo), "give --%s at most %u times", option, SIGN_MAX_LIST);
        cli_error("too many values", option, todo);
        return false;
    }
    list[(*count)++] = arg;
    return true;
}

static bool set_ttl(void *c, const char *arg)
{
    return cli_parse_int64("ttl", arg, 1, 31536000, &((struct sign_ctx *)c)->ttl);
}

static bool set_aud(void *c, const char *arg)
{
    struct sign_ctx *ctx = c;

    return append(ctx->auds, &ctx->aud_count, "aud", arg);
}

/* Claims the signer sets itself, and the option that sets each (jwg_signer_add_claim_json). */
static const struct {
    const char *name;
    const char *todo;
} signer_claims[] = {
    {"iat", "use --now to set the issue time"},
    {"exp", "use --ttl"},
    {"jti", "remove it, because every token gets a random jti"},
    {"iss", "use --iss"},
    {"aud", "use --aud"},
    {"sub", "use --sub"},
};

/* Rejects NAME=JSON without a name, or with a name the signer sets, before any key is read. */
static bool set_claim(void *c, const char *arg)
{
    struct sign_ctx *ctx = c;
    const char *equals = strchr(arg, '=');

    if (equals == NULL || arg[0] == '=') {
        cli_error("invalid --claim", arg, "write NAME=JSON, for example --claim 'role=\"admin\"'");
        return false;
    }
    for (size_t i = 0; i < CLI_ARRAY_LEN(signer_claims); i++) {
        const char *name = signer_claims[i].name;

        if (strlen(name) == (size_t)(equals - arg) && strncmp(arg, name, strlen(name)) == 0) {
            cli_error("name is set by the signer", name, signer_claims[i].todo);
            return false;
        }
    }
    return append(ctx->claims, &ctx->claim_count, "claim", arg);
}

static bool set_now(void *c, const char *arg)
{
    struct sign_ctx *ctx = c;

    ctx->have_now = true;
    return cli_parse_int64("now", arg, 0, CLI_MAX_NOW, &ctx->now);
}

static const struct opt_row sign_rows[] = {
    {"key", OPT_VALUE, "FILE", "PKCS#8 private key PEM or private JWK", NULL,
     offsetof(struct sign_ctx, key_path)},
    {"hmac-secret-file", OPT_VALUE, "FILE", "HMAC secret: the file's raw bytes, not trimmed", NULL,
     offsetof(struct sign_ctx, hmac_path)},
    {"alg", OPT_VALUE, "ALG", "signing algorithm, such as RS256, ES256, EdDSA, HS256 (required)",
     NULL, offsetof(struct sign_ctx, alg)},
    {"ttl", OPT_VALUE, "SECONDS", "token lifetime: exp = iat + SECONDS (required)", set_ttl, 0},
    {"iss", OPT_VALUE, "ISS", "issuer claim", NULL, offsetof(struct sign_ctx, iss)},
    {"aud", OPT_VALUE, "AUD", "audience claim (repeatable)", set_aud, 0},
    {"sub", OPT_VALUE, "SUB", "subject claim", NULL, offsetof(struct sign_ctx, sub)},
    {"kid", OPT_VALUE, "KID", "key id for a PEM key or HMAC secret (header \"kid\")", NULL,
     offsetof(struct sign_ctx, kid)},
    {"typ", OPT_VALUE, "TYP", "header \"typ\" (default JWT)", NULL, offsetof(struct sign_ctx, typ)},
    {"claim", OPT_VALUE, "NAME=JSON",
     "extra claim whose value is JSON text: 'role=\"admin\"', n=3 (repeatable)", set_claim, 0},
    {"now", OPT_VALUE, "UNIX", "issue at this Unix time in seconds instead of now", set_now, 0},
    {"jws", OPT_FLAG, NULL, "sign --payload-file as a JWS, adding no claims", NULL,
     offsetof(struct sign_ctx, jws)},
    {"payload-file", OPT_VALUE, "FILE", "JWS payload: the file's bytes as they are, 1 MiB at most",
     NULL, offsetof(struct sign_ctx, payload_path)},
};

static const struct opt_spec sign_spec = {
    "sign",
    "(--key FILE | --hmac-secret-file FILE) --alg ALG\n"
    "         (--ttl SECONDS [claim options] | --jws --payload-file FILE) [options]",
    "Issue a compact JWT with iat, exp and a random jti, and print it with a newline.\n"
    "With --jws, sign the bytes of --payload-file unchanged instead: no claims are\n"
    "added, the header has no typ unless --typ sets it, and --iss, --aud, --sub,\n"
    "--ttl, --claim and --now are errors. Verify it with jwtguard verify --jws.\n\n"
    "--claim takes JSON text after the '=', so a string needs its JSON quotes and\n"
    "the shell's: --claim 'role=\"admin\"'. A value that is not JSON is an error\n"
    "(\"value is not valid JSON\"). iat, exp, jti, iss, aud and sub are set by the\n"
    "signer and are errors as --claim (\"name is set by the signer\"): use --now,\n"
    "--ttl, --iss, --aud and --sub.",
    sign_rows,
    CLI_ARRAY_LEN(sign_rows),
    0};

/* Checks --jws: a payload file is required, and no option that sets a claim is allowed. */
static bool check_jws(const struct sign_ctx *ctx)
{
    const struct cli_given claim_options[] = {
        {ctx->iss != NULL, "--iss"}, {ctx->aud_count > 0, "--aud"},     {ctx->sub != NULL, "--sub"},
        {ctx->ttl != 0, "--ttl"},    {ctx->claim_count > 0, "--claim"}, {ctx->have_now, "--now"},
    };

    if (ctx->payload_path == NULL) {
        cli_error("missing option", "--payload-file",
                  "give --payload-file FILE with the bytes to sign");
        return false;
    }
    return cli_check_none_given(claim_options, CLI_ARRAY_LEN(claim_options),
                                "option conflicts with --jws",
                                "drop it: --jws signs the payload as it is and adds no claims");
}

static bool check_required(const struct sign_ctx *ctx)
{
    if (ctx->alg == NULL) {
        cli_error("missing option", "--alg", "sign needs --alg ALG");
        return false;
    }
    if (ctx->jws && !check_jws(ctx))
        return false;
    if (!ctx->jws && ctx->payload_path != NULL) {
        cli_error("option needs --jws", "--payload-file", "add --jws to sign the file as a JWS");
        return false;
    }
    if (!ctx->jws && ctx->ttl == 0) {
        cli_error("missing option", "--ttl", "sign needs --ttl SECONDS, or --jws for a JWS");
        return false;
    }
    if ((ctx->key_path == NULL) == (ctx->hmac_path == NULL)) {
        cli_error(ctx->key_path == NULL ? "no key given" : "two keys given", NULL,
                  "pass either --key FILE or --hmac-secret-file FILE");
        return false;
    }
    return true;
}

/* Prints a signer setting's failure and returns false, or true on JWG_OK. */
static bool signer_ok(jwg_err rc, const char *what, const char *value)
{
    if (rc == JWG_OK)
        return true;
    cli_error_detail(what, value, "see jwtguard sign --help", jwg_err_name(rc));
    return false;
}

/*
 * Adds one NAME=JSON claim; the name is copied so that argv stays untouched.
 * set_claim() has rejected the names the signer sets, so a rejection here is
 * the JSON value.
 */
static bool add_claim(jwg_signer *s, const char *arg)
{
    const char *equals = strchr(arg, '=');
    size_t name_len = (size_t)(equals - arg);
    char name[256];
    char todo[sizeof(name) + 64];
    jwg_err rc;

    if (name_len >= sizeof(name)) {
        cli_error("claim name too long", "--claim", "use a name under 256 bytes");
        return false;
    }
    memcpy(name, arg, name_len);
    name[name_len] = '\0';
    rc = jwg_signer_add_claim_json(s, name, equals + 1, strlen(equals + 1));
    if (rc == JWG_OK)
        return true;
    snprintf(todo, sizeof(todo), "quote strings as JSON, for example --claim '%s=\"admin\"'",
             name);
    cli_error_detail("value is not valid JSON", name, todo, jwg_err_name(rc));
    return false;
}

/*
 * Sets the header of a JWS. Its payload is not a JWT, so the default typ JWT
 * is removed unless --typ sets one (RFC 7515 4.1.9 makes typ optional).
 */
static bool configure_jws(jwg_signer *s, const struct sign_ctx *ctx)
{
    return signer_ok(jwg_signer_set_typ(s, ctx->typ), "invalid --typ",
                     ctx->typ != NULL ? ctx->typ : "none");
}

static bool configure(jwg_signer *s, const struct sign_ctx *ctx)
{
    if (ctx->jws)
        return configure_jws(s, ctx);
    if (!signer_ok(jwg_signer_set_lifetime(s, ctx->ttl), "invalid --ttl", "ttl"))
        return false;
    if (ctx->iss != NULL &&
        !signer_ok(jwg_signer_set_issuer(s, ctx->iss), "invalid --iss", ctx->iss))
        return false;
    if (ctx->sub != NULL &&
        !signer_ok(jwg_signer_set_subject(s, ctx->sub), "invalid --sub", ctx->sub))
        return false;
    if (ctx->typ != NULL && !signer_ok(jwg_signer_set_typ(s, ctx->typ), "invalid --typ", ctx->typ))
        return false;
    for (size_t i = 0; i < ctx->aud_count; i++) {
        if (!signer_ok(jwg_signer_add_audience(s, ctx->auds[i]), "invalid --aud", ctx->auds[i]))
            return false;
    }
    for (size_t i = 0; i < ctx->claim_count; i++) {
        if (!add_claim(s, ctx->claims[i]))
            return false;
    }
    return true;
}

static bool build_signer(const struct sign_ctx *ctx, jwg_keyset *ks, jwg_signer **out)
{
    char detail[JWG_DETAIL_MAX];
    char what[JWG_DETAIL_MAX + 64];
    bool loaded = ctx->key_path != NULL
                      ? keyfile_load_private(ks, ctx->key_path, ctx->alg, ctx->kid)
                      : keyfile_load_hmac(ks, ctx->hmac_path, ctx->alg, ctx->kid, NULL);
    jwg_err rc;

    if (!loaded)
        return false;
    rc = jwg_signer_new(out, ks, ctx->alg, detail, sizeof(detail));
    if (rc == JWG_OK)
        return true;
    snprintf(what, sizeof(what), "%s: %s", jwg_err_name(rc), detail[0] ? detail : jwg_strerror(rc));
    cli_error_detail("cannot sign with this key", ctx->alg, "check --alg matches the key", what);
    return false;
}

/* Prints a signing failure and returns false. */
static bool signing_failed(const struct sign_ctx *ctx, jwg_err rc)
{
    cli_error_detail("signing failed", ctx->alg, "check the key and claims", jwg_err_name(rc));
    return false;
}

/* Signs the payload file's bytes; an empty payload would make an empty JWS segment. */
static bool sign_payload_file(const jwg_signer *s, const struct sign_ctx *ctx, char **token,
                              size_t *len)
{
    char *payload = NULL;
    size_t payload_len = 0;
    jwg_err rc;
    bool ok;

    if (!cli_read_file(ctx->payload_path, CLI_MAX_PAYLOAD_BYTES, "give a smaller payload file",
                       &payload, &payload_len))
        return false;
    if (payload_len == 0) {
        cli_error("payload file is empty", ctx->payload_path, "give a file of at least one byte");
        ok = false;
    } else {
        rc = jwg_signer_sign_jws(s, (const uint8_t *)payload, payload_len, token, len);
        ok = rc == JWG_OK || signing_failed(ctx, rc);
    }
    cli_buf_free(payload, payload_len);
    return ok;
}

/* Signs the claims, or the payload file with --jws; prints the error and returns false. */
static bool make_token(const jwg_signer *s, const struct sign_ctx *ctx, char **token, size_t *len)
{
    jwg_err rc;

    if (ctx->jws)
        return sign_payload_file(s, ctx, token, len);
    rc = ctx->have_now ? jwg_signer_sign_at(s, ctx->now, token, len)
                       : jwg_signer_sign(s, token, len);
    return rc == JWG_OK || signing_failed(ctx, rc);
}

static int issue(const jwg_signer *s, const struct sign_ctx *ctx)
{
    char *token = NULL;
    size_t len = 0;

    if (!make_token(s, ctx, &token, &len))
        return CLI_EXIT_USAGE;
    fwrite(token, 1, len, stdout);
    fputc('\n', stdout);
    jwg_free(token, len);
    return CLI_EXIT_OK;
}

int cli_cmd_sign(int argc, char **argv)
{
    struct sign_ctx ctx = {0};
    jwg_keyset *ks = NULL;
    jwg_signer *s = NULL;
    size_t operand_count = 0;
    int status = CLI_EXIT_USAGE;
    enum opt_status parsed = opts_parse(&sign_spec, argc, argv, &ctx, NULL, &operand_count);

    if (parsed != OPT_OK)
        return parsed == OPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (!check_required(&ctx))
        return CLI_EXIT_USAGE;

    if (jwg_keyset_new(&ks) != JWG_OK) {
        cli_error("cannot create key set", NULL, "free memory and retry");
        goto out;
    }
    if (build_signer(&ctx, ks, &s) && configure(s, &ctx))
        status = issue(s, &ctx);

out:
    jwg_signer_free(s);
    jwg_keyset_free(ks);
    return status;
}
