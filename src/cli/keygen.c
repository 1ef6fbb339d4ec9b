/*
 * keygen.c: `jwtguard keygen`, which generates a signing key and writes the
 * private part (mode 0600) and the public JWK set, both or neither.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "outfile.h"

struct keygen_ctx {
    const char *alg;
    const char *kid;
    int64_t bits;
    const char *out_private;
    const char *out_jwks;
    bool force;
};

static bool set_bits(void *c, const char *arg)
{
    return cli_parse_int64("bits", arg, 2048, 8192, &((struct keygen_ctx *)c)->bits);
}

static const struct opt_row keygen_rows[] = {
    {"alg", OPT_VALUE, "ALG", "algorithm the key is for, such as RS256, ES256, EdDSA, HS256", NULL,
     offsetof(struct keygen_ctx, alg)},
    {"kid", OPT_VALUE, "KID", "key id (default: the RFC 7638 thumbprint)", NULL,
     offsetof(struct keygen_ctx, kid)},
    {"bits", OPT_VALUE, "N", "RSA modulus size in bits, 2048..8192 (default 2048)", set_bits, 0},
    {"out-private", OPT_VALUE, "FILE", "where to write the private key PEM or HMAC secret (0600)",
     NULL, offsetof(struct keygen_ctx, out_private)},
    {"out-jwks", OPT_VALUE, "FILE", "where to write the public JWK set (not for HS*)", NULL,
     offsetof(struct keygen_ctx, out_jwks)},
    {"force", OPT_FLAG, NULL, "overwrite existing output files", NULL,
     offsetof(struct keygen_ctx, force)},
};

static const struct opt_spec keygen_spec = {
    "keygen",
    "--alg ALG --out-private FILE --out-jwks FILE [options]    (RS*, PS*, ES*, EdDSA)\n"
    "       jwtguard keygen --alg ALG --out-private FILE [options]                     (HS*)",
    "Generate a key for ALG. Asymmetric: a PKCS#8 private key PEM and a public JWK\n"
    "set. HS256/HS384/HS512: a random secret of the hash length, raw bytes, and no JWK set.",
    keygen_rows,
    CLI_ARRAY_LEN(keygen_rows),
    0};

/* Checks the options before generating. */
static bool check_options(const struct keygen_ctx *ctx, bool symmetric)
{
    if (ctx->alg == NULL || ctx->out_private == NULL) {
        cli_error("missing option", ctx->alg == NULL ? "--alg" : "--out-private",
                  "keygen needs --alg ALG and --out-private FILE");
        return false;
    }
    if (symmetric && ctx->out_jwks != NULL) {
        cli_error("an HMAC secret has no public JWK set", ctx->alg, "drop --out-jwks");
        return false;
    }
    if (!symmetric && ctx->out_jwks == NULL) {
        cli_error("missing option", "--out-jwks", "give the file for the public JWK set");
        return false;
    }
    return true;
}

/*
 * Checks the output paths before anything is written: both resolvable, two
 * different files (the JWK set would otherwise replace the private key), and
 * not existing unless --force.
 */
static bool check_outputs(const struct keygen_ctx *ctx, struct outfile *out, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (!outfile_resolve(&out[i]))
            return false;
    }
    if (count == 2 && outfile_same(&out[0], &out[1])) {
        cli_error("outputs must differ", ctx->out_jwks,
                  "give --out-private and --out-jwks different files");
        return false;
    }
    for (size_t i = 0; i < count && !ctx->force; i++) {
        if (out[i].exists) {
            cli_error("file exists", out[i].path,
                      "choose another path or pass --force to overwrite");
            return false;
        }
    }
    return true;
}

/* Stages the public JWK set as a text file, ending in a newline. */
static bool stage_jwks(struct outfile *f, const char *jwks, size_t len)
{
    char *text = malloc(len + 1);
    bool ok;

    if (text == NULL) {
        cli_error("out of memory writing", f->path, "free memory and retry");
        return false;
    }
    memcpy(text, jwks, len);
    text[len] = '\n';
    ok = outfile_stage(f, text, len + 1, 0644);
    free(text);
    return ok;
}

/*
 * Renames the staged files into place, the private key first. When the JWK
 * set then fails, the new private key is removed so that no half pair is
 * left.
 * NOTE: with --force an old private key at that path is already replaced by
 * then and is lost; only a rename failing between two staged files in
 * existing directories leads there.
 */
static bool commit_outputs(const struct keygen_ctx *ctx, struct outfile *out, size_t count)
{
    if (!outfile_commit(&out[0], ctx->force))
        return false;
    if (count == 2 && !outfile_commit(&out[1], ctx->force)) {
        (void)unlink(out[0].path);
        return false;
    }
    return true;
}

/* Generates the key and writes `count` outputs: both files, or neither. */
static int generate(const struct keygen_ctx *ctx, struct outfile *out, size_t count)
{
    uint8_t *priv = NULL;
    size_t priv_len = 0;
    char *jwks = NULL;
    size_t jwks_len = 0;
    jwg_err rc =
        jwg_keygen(ctx->alg, ctx->kid, (unsigned)ctx->bits, &priv, &priv_len, &jwks, &jwks_len);
    bool ok;

    if (rc != JWG_OK) {
        cli_error_detail("key generation failed", ctx->alg,
                         jwg_alg_supported(ctx->alg) ? "give --bits from 2048 to 8192"
                                                     : "give one of " CLI_ALG_NAMES " as --alg",
                         jwg_err_name(rc));
        return CLI_EXIT_USAGE;
    }

    ok = outfile_stage(&out[0], priv, priv_len, 0600);
    jwg_free(priv, priv_len);
    if (ok && count == 2)
        ok = stage_jwks(&out[1], jwks, jwks_len);
    jwg_free(jwks, jwks_len);
    if (!ok || !commit_outputs(ctx, out, count))
        return CLI_EXIT_USAGE;

    fprintf(stderr, "jwtguard: wrote %s (mode 0600)\n", ctx->out_private);
    if (count == 2)
        fprintf(stderr, "jwtguard: wrote %s\n", ctx->out_jwks);
    return CLI_EXIT_OK;
}

int cli_cmd_keygen(int argc, char **argv)
{
    struct keygen_ctx ctx = {0};
    struct outfile out[2] = {{0}, {0}};
    size_t count;
    size_t operand_count = 0;
    int status = CLI_EXIT_USAGE;
    enum opt_status parsed = opts_parse(&keygen_spec, argc, argv, &ctx, NULL, &operand_count);

    if (parsed != OPT_OK)
        return parsed == OPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (!check_options(&ctx, ctx.alg != NULL && strncmp(ctx.alg, "HS", 2) == 0))
        return CLI_EXIT_USAGE;

    out[0].path = ctx.out_private;
    out[1].path = ctx.out_jwks;
    count = ctx.out_jwks != NULL ? 2 : 1;
    if (check_outputs(&ctx, out, count))
        status = generate(&ctx, out, count);

    outfile_discard(&out[0]);
    outfile_discard(&out[1]);
    return status;
}
