/*
 * verify.c: `jwtguard verify`, which checks a token's signature and claims
 * against keys and a policy given on the command line or in a policy file.
 */
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "keyfile.h"
#include "opts.h"
#include "reject.h"
#include "token.h"

/* The files of one repeatable key option, loaded in command-line order. */
struct path_list {
    const char *option;
    const char *paths[CLI_MAX_KEY_FILES];
    size_t count;
};

struct verify_ctx {
    jwg_keyset *keys;
    jwg_policy *policy;
    struct path_list key_files, jwks_files, secret_files;
    const char *algs[CLI_MAX_KEY_FILES];
    size_t alg_count;
    bool secret_newline;
    const char *typ;
    bool have_iss, have_aud, have_require, have_leeway, have_max_lifetime;
    int64_t max_lifetime;
    bool no_iss_check, no_aud_check, no_exp_check;
    bool have_now;
    int64_t now;
    bool have_max_token_bytes;
    bool jws, json;
    const char *policy_file; /* --policy: keys and rules come from this file only */
};

/* Prints a policy call's failure for `option` and returns false, or true on JWG_OK. */
static bool policy_ok(jwg_err rc, const char *option, const char *value)
{
    char what[64];

    if (rc == JWG_OK)
        return true;
    snprintf(what, sizeof(what), "invalid --%s", option);
    cli_error_detail(what, value, "see jwtguard verify --help", jwg_err_name(rc));
    return false;
}

/* Appends a file to a key option's list; the keys of every file go into one key set. */
static bool add_path(struct path_list *list, const char *arg)
{
    char what[64];

    if (list->count >= CLI_MAX_KEY_FILES) {
        snprintf(what, sizeof(what), "too many --%s options", list->option);
        cli_error(what, arg, "put the keys in one JWK set and use --jwks");
        return false;
    }
    list->paths[list->count++] = arg;
    return true;
}

static bool set_key(void *c, const char *arg)
{
    return add_path(&((struct verify_ctx *)c)->key_files, arg);
}

static bool set_jwks(void *c, const char *arg)
{
    return add_path(&((struct verify_ctx *)c)->jwks_files, arg);
}

static bool set_secret(void *c, const char *arg)
{
    return add_path(&((struct verify_ctx *)c)->secret_files, arg);
}

static bool set_iss(void *c, const char *arg)
{
    struct verify_ctx *ctx = c;

    ctx->have_iss = true;
    return policy_ok(jwg_policy_add_issuer(ctx->policy, arg), "iss", arg);
}

static bool set_aud(void *c, const char *arg)
{
    struct verify_ctx *ctx = c;

    ctx->have_aud = true;
    return policy_ok(jwg_policy_add_audience(ctx->policy, arg), "aud", arg);
}

static bool set_alg(void *c, const char *arg)
{
    struct verify_ctx *ctx = c;

    if (ctx->alg_count >= CLI_MAX_KEY_FILES) {
        cli_error("too many --alg options", arg, "give each algorithm once");
        return false;
    }
    if (jwg_policy_add_alg(ctx->policy, arg) != JWG_OK) {
        cli_error("invalid --alg", arg, "give one of " CLI_ALG_NAMES " (case-sensitive)");
        return false;
    }
    ctx->algs[ctx->alg_count++] = arg;
    return true;
}

static bool set_typ(void *c, const char *arg)
{
    struct verify_ctx *ctx = c;

    ctx->typ = arg;
    return policy_ok(jwg_policy_set_typ(ctx->policy, arg), "typ", arg);
}

static bool set_leeway(void *c, const char *arg)
{
    int64_t v;

    ((struct verify_ctx *)c)->have_leeway = true;
    return cli_parse_int64("leeway", arg, 0, 86400, &v) &&
           policy_ok(jwg_policy_set_leeway(((struct verify_ctx *)c)->policy, v), "leeway", arg);
}

static bool set_max_lifetime(void *c, const char *arg)
{
    struct verify_ctx *ctx = c;

    ctx->have_max_lifetime = true;
    return cli_parse_int64("max-lifetime", arg, 0, 31536000, &ctx->max_lifetime) &&
           policy_ok(jwg_policy_set_max_lifetime(ctx->policy, ctx->max_lifetime), "max-lifetime",
                     arg);
}

static bool set_require(void *c, const char *arg)
{
    struct verify_ctx *ctx = c;

    ctx->have_require = true;
    return policy_ok(jwg_policy_require_claim(ctx->policy, arg), "require", arg);
}

static bool set_now(void *c, const char *arg)
{
    struct verify_ctx *ctx = c;

    ctx->have_now = true;
    return cli_parse_int64("now", arg, 0, CLI_MAX_NOW, &ctx->now);
}

static bool set_max_token_bytes(void *c, const char *arg)
{
    jwg_policy *p = ((struct verify_ctx *)c)->policy;
    int64_t v;

    ((struct verify_ctx *)c)->have_max_token_bytes = true;
    return cli_parse_int64("max-token-bytes", arg, 1, JWG_MAX_TOKEN_BYTES_LIMIT, &v) &&
           policy_ok(jwg_policy_set_max_token_bytes(p, (size_t)v), "max-token-bytes", arg);
}

static const struct opt_row verify_rows[] = {
    {"policy", OPT_VALUE, "FILE",
     "YAML policy file with the issuers, their rules and key sources (see jwtguard(1))", NULL,
     offsetof(struct verify_ctx, policy_file)},
    {"key", OPT_VALUE, "FILE", "PEM public key or certificate, or JWK (repeatable; see above)",
     set_key, 0},
    {"jwks", OPT_VALUE, "FILE", "JWK set with the verification keys (repeatable, merged)",
     set_jwks, 0},
    {"hmac-secret-file", OPT_VALUE, "FILE",
     "HMAC secret: the file's raw bytes, not trimmed (repeatable)", set_secret, 0},
    {"iss", OPT_VALUE, "ISS", "allowed issuer, compared byte for byte (repeatable)", set_iss, 0},
    {"aud", OPT_VALUE, "AUD", "allowed audience, compared byte for byte (repeatable)", set_aud, 0},
    {"alg", OPT_VALUE, "ALG", "allowed algorithm (repeatable; default: what the keys admit)",
     set_alg, 0},
    {"typ", OPT_VALUE, "TYP",
     "required header \"typ\", such as JWT or at+jwt (case-insensitive, \"application/\" "
     "optional)",
     set_typ, 0},
    {"leeway", OPT_VALUE, "SECONDS", "clock skew allowed on exp, nbf and iat (0..86400, default 0)",
     set_leeway, 0},
    {"max-lifetime", OPT_VALUE, "SECONDS", "maximum exp - iat; makes iat required",
     set_max_lifetime, 0},
    {"require", OPT_VALUE, "CLAIM", "claim that must be present (repeatable)", set_require, 0},
    {"now", OPT_VALUE, "UNIX", "check times at this Unix time in seconds instead of now", set_now,
     0},
    {"max-token-bytes", OPT_VALUE, "N", "maximum token size in bytes (default 16384)",
     set_max_token_bytes, 0},
    {"no-iss-check", OPT_FLAG, NULL, "accept any issuer and a missing iss", NULL,
     offsetof(struct verify_ctx, no_iss_check)},
    {"no-aud-check", OPT_FLAG, NULL, "accept any audience and a missing aud", NULL,
     offsetof(struct verify_ctx, no_aud_check)},
    {"no-exp-check", OPT_FLAG, NULL, "accept a token without exp (exp is still checked if present)",
     NULL, offsetof(struct verify_ctx, no_exp_check)},
    {"jws", OPT_FLAG, NULL,
     "verify a JWS with an opaque payload: header, key and signature only; print the payload",
     NULL, offsetof(struct verify_ctx, jws)},
    {"json", OPT_FLAG, NULL, "print one JSON object with the verdict on standard output", NULL,
     offsetof(struct verify_ctx, json)},
};

static const struct opt_spec verify_spec = {
    "verify",
    "[options] [TOKEN|-]",
    "Verify a compact JWT (signature, header and claims). The token is read from\n"
    "standard input when TOKEN is '-' or absent. Exit status: 0 valid, 1 rejected,\n"
    "2 usage or configuration error.\n\n"
    "--key takes a PEM public key, a PEM certificate, a public JWK, or an oct JWK\n"
    "holding an HMAC secret. Private RSA, EC and OKP keys are rejected. --key, --jwks\n"
    "and --hmac-secret-file repeat, and all their keys form one key set; --iss, --aud,\n"
    "--alg and --require repeat as lists. Algorithms (--alg, case-sensitive):\n"
    CLI_ALG_NAMES ".\n\n"
    "--jws checks the header, key and signature only: an opaque payload has no\n"
    "claims, so --iss, --aud, --require, --max-lifetime, --leeway, --now and the\n"
    "--no-*-check flags are errors with it.\n\n"
    "--policy takes the keys and every rule from a policy file, and checks each\n"
    "token with the issuer its \"iss\" names; only --now and --json combine with it.",
    verify_rows,
    CLI_ARRAY_LEN(verify_rows),
    1};

/* Rejects claim options with --jws: a user who adds them believes the claims were checked. */
static bool check_jws_options(const struct verify_ctx *ctx)
{
    const struct cli_given claim_options[] = {
        {ctx->have_iss, "--iss"},
        {ctx->have_aud, "--aud"},
        {ctx->have_require, "--require"},
        {ctx->have_max_lifetime, "--max-lifetime"},
        {ctx->have_leeway, "--leeway"},
        {ctx->have_now, "--now"},
        {ctx->no_iss_check, "--no-iss-check"},
        {ctx->no_aud_check, "--no-aud-check"},
        {ctx->no_exp_check, "--no-exp-check"},
    };

    return cli_check_none_given(claim_options, CLI_ARRAY_LEN(claim_options),
                                "option has no effect with --jws",
                                "an opaque payload has no claims; drop the option");
}

/* Rejects key and rule options with --policy: the file alone decides, so nothing can override it. */
static bool check_policy_options(const struct verify_ctx *ctx)
{
    const struct cli_given rule_options[] = {
        {ctx->key_files.count > 0, "--key"},
        {ctx->jwks_files.count > 0, "--jwks"},
        {ctx->secret_files.count > 0, "--hmac-secret-file"},
        {ctx->have_iss, "--iss"},
        {ctx->have_aud, "--aud"},
        {ctx->alg_count > 0, "--alg"},
        {ctx->typ != NULL, "--typ"},
        {ctx->have_leeway, "--leeway"},
        {ctx->have_max_lifetime, "--max-lifetime"},
        {ctx->have_require, "--require"},
        {ctx->have_max_token_bytes, "--max-token-bytes"},
        {ctx->no_iss_check, "--no-iss-check"},
        {ctx->no_aud_check, "--no-aud-check"},
        {ctx->no_exp_check, "--no-exp-check"},
        {ctx->jws, "--jws"},
    };

    return cli_check_none_given(rule_options, CLI_ARRAY_LEN(rule_options),
                                "option conflicts with --policy",
                                "set keys and rules in the policy file, or drop --policy");
}

/* Loads the policy file and builds the verifier that routes tokens by issuer. */
static bool build_policy_verifier(const struct verify_ctx *ctx, jwg_verifier **out)
{
    char detail[512];
    jwg_policy_file *pf = NULL;
    jwg_err rc = jwg_policy_load_file(ctx->policy_file, &pf, detail, sizeof(detail));

    if (rc == JWG_OK)
        rc = jwg_verifier_new_from_file(out, pf, detail, sizeof(detail));
    jwg_policy_file_free(pf);
    if (rc == JWG_OK)
        return true;
    cli_error_detail("invalid policy file", jwg_err_name(rc), "fix the file at the position named",
                     detail[0] ? detail : jwg_strerror(rc));
    return false;
}

/*
 * Applies the three default checks. The library requires iss and aud unless
 * dropped, so the command requests an explicit choice instead of letting
 * jwg_verifier_new fail with a less direct message. Both choices are
 * requested in one message when both are missing.
 */
static bool apply_default_checks(struct verify_ctx *ctx)
{
    const struct {
        bool given, dropped;
        const char *option, *flag;
        jwg_check check;
    } rows[] = {
        {ctx->have_iss, ctx->no_iss_check, "--iss", "--no-iss-check", JWG_CHECK_ISS},
        {ctx->have_aud, ctx->no_aud_check, "--aud", "--no-aud-check", JWG_CHECK_AUD},
        {true, ctx->no_exp_check, "", "--no-exp-check", JWG_CHECK_EXP},
    };
    char todo[96];

    if (!ctx->have_iss && !ctx->no_iss_check && !ctx->have_aud && !ctx->no_aud_check &&
        !ctx->jws) {
        cli_error("no expected issuer or audience given", "--iss, --aud",
                  "pass --iss VALUE and --aud VALUE, or --no-iss-check and --no-aud-check to "
                  "accept any");
        return false;
    }
    for (size_t i = 0; i < CLI_ARRAY_LEN(rows); i++) {
        bool drop = rows[i].dropped || ctx->jws;

        if (rows[i].given && rows[i].dropped && rows[i].option[0] != '\0') {
            snprintf(todo, sizeof(todo), "give either %s or %s", rows[i].option, rows[i].flag);
            cli_error("conflicting options", rows[i].flag, todo);
            return false;
        }
        if (!rows[i].given && !drop) {
            snprintf(todo, sizeof(todo), "pass %s VALUE, or %s to accept any", rows[i].option,
                     rows[i].flag);
            cli_error("no expected value given", rows[i].option, todo);
            return false;
        }
        if (drop && !policy_ok(jwg_policy_drop_check(ctx->policy, rows[i].check), rows[i].flag, ""))
            return false;
    }
    return true;
}

/* Loads every key file into the one key set; HMAC secrets and public keys cannot mix. */
static bool load_keys(struct verify_ctx *ctx)
{
    if (ctx->key_files.count + ctx->jwks_files.count + ctx->secret_files.count == 0) {
        cli_error("no key given", NULL, "pass --key FILE, --jwks FILE or --hmac-secret-file FILE");
        return false;
    }
    for (size_t i = 0; i < ctx->key_files.count; i++) {
        if (!keyfile_load_public(ctx->keys, ctx->key_files.paths[i]))
            return false;
    }
    for (size_t i = 0; i < ctx->jwks_files.count; i++) {
        if (!keyfile_load_jwks(ctx->keys, ctx->jwks_files.paths[i]))
            return false;
    }
    for (size_t i = 0; i < ctx->secret_files.count; i++) {
        if (!keyfile_load_hmac(ctx->keys, ctx->secret_files.paths[i], NULL, NULL,
                               &ctx->secret_newline))
            return false;
    }
    return true;
}

static bool build_verifier(const struct verify_ctx *ctx, jwg_verifier **out)
{
    char detail[JWG_DETAIL_MAX];
    jwg_err rc = jwg_verifier_new(out, ctx->policy, ctx->keys, detail, sizeof(detail));

    if (rc == JWG_OK)
        return true;
    cli_error_detail("invalid verification settings", jwg_err_name(rc),
                     "check the keys, --alg and --typ", detail[0] ? detail : jwg_strerror(rc));
    return false;
}

/* Writes a part's JSON text, or null when the result does not expose it. */
static void print_part_json(const jwg_result *r, jwg_part part)
{
    const char *json = NULL;
    size_t len = 0;

    if (r != NULL && jwg_result_json(r, part, &json, &len) == JWG_OK)
        cli_json_compact(stdout, json, len);
    else
        fputs("null", stdout);
}

/* Writes a JWS payload as a JSON string, or null when it is not available. */
static void print_payload_json(const jwg_result *r)
{
    const uint8_t *payload = NULL;
    size_t len = 0;

    if (r != NULL && jwg_result_payload(r, &payload, &len) == JWG_OK)
        cli_json_string(stdout, (const char *)payload, len);
    else
        fputs("null", stdout);
}

/* Prints {"valid":..,"error":..,"message":..,"detail":..,"header":..,"claims":..}. */
static void print_json_verdict(const struct verify_ctx *ctx, jwg_err rc, const jwg_result *r)
{
    const char *detail = r != NULL ? jwg_result_detail(r) : "";

    printf("{\"valid\":%s,\"error\":", rc == JWG_OK ? "true" : "false");
    cli_json_cstr_or_null(stdout, rc == JWG_OK ? NULL : jwg_err_name(rc));
    fputs(",\"message\":", stdout);
    cli_json_cstr_or_null(stdout, rc == JWG_OK ? NULL : jwg_strerror(rc));
    fputs(",\"detail\":", stdout);
    cli_json_cstr_or_null(stdout, rc == JWG_OK || detail[0] == '\0' ? NULL : detail);
    fputs(",\"header\":", stdout);
    print_part_json(r, JWG_PART_HEADER);
    fputs(",\"claims\":", stdout);
    if (ctx->jws) {
        fputs("null,\"payload\":", stdout);
        print_payload_json(rc == JWG_OK ? r : NULL);
    } else {
        print_part_json(r, JWG_PART_CLAIMS);
    }
    fputs("}\n", stdout);
}

/* Prints the verified claims, or the raw payload of a JWS. */
static void print_valid(const struct verify_ctx *ctx, const jwg_result *r)
{
    const uint8_t *payload = NULL;
    size_t len = 0;

    if (!ctx->jws) {
        print_part_json(r, JWG_PART_CLAIMS);
        fputc('\n', stdout);
    } else if (jwg_result_payload(r, &payload, &len) == JWG_OK) {
        fwrite(payload, 1, len, stdout);
    }
}

/* Caller and system errors are configuration failures, not verdicts on the token. */
static int exit_status(jwg_err rc)
{
    if (rc == JWG_OK)
        return CLI_EXIT_OK;
    if (rc >= JWG_ERR_INVALID_ARGUMENT && rc < JWG_ERR_MEMBER_NOT_FOUND)
        return CLI_EXIT_USAGE;
    return CLI_EXIT_REJECTED;
}

/*
 * Prints "jwtguard: rejected: NAME: message (detail)" and what the token
 * holds, to stderr. Errors that say nothing about the token (exit 2) print
 * "error:" instead, so that the word matches the exit status.
 */
static void print_rejection(const struct verify_ctx *ctx, jwg_err rc, const jwg_result *r,
                            const char *token, size_t len)
{
    const char *detail = r != NULL ? jwg_result_detail(r) : "";
    const struct reject_info info = {
        ctx->keys,
        ctx->algs,
        ctx->alg_count,
        ctx->have_now ? ctx->now : (int64_t)time(NULL),
        ctx->max_lifetime,
        ctx->typ,
        ctx->secret_newline,
    };

    const char *verdict = exit_status(rc) == CLI_EXIT_USAGE ? "error" : "rejected";

    fprintf(stderr, "jwtguard: %s: %s: %s (%s)", verdict, jwg_err_name(rc), jwg_strerror(rc),
            detail[0] != '\0' ? detail : "no detail");
    /* The context names command-line keys and options, which a policy file replaces. */
    if (ctx->policy_file == NULL)
        reject_print_context(stderr, rc, r, &info, token, len);
    fputc('\n', stderr);
}

static int run_verify(const struct verify_ctx *ctx, const jwg_verifier *v, const char *token,
                      size_t len)
{
    jwg_result *r = NULL;
    jwg_err rc;

    if (ctx->jws)
        rc = jwg_verify_jws(v, token, len, &r);
    else if (ctx->have_now)
        rc = jwg_verify_at(v, token, len, ctx->now, &r);
    else
        rc = jwg_verify(v, token, len, &r);

    if (ctx->json) {
        print_json_verdict(ctx, rc, r);
    } else if (rc == JWG_OK) {
        print_valid(ctx, r);
    } else {
        print_rejection(ctx, rc, r, token, len);
    }
    jwg_result_free(r);
    return exit_status(rc);
}

int cli_cmd_verify(int argc, char **argv)
{
    struct verify_ctx ctx = {.key_files.option = "key",
                             .jwks_files.option = "jwks",
                             .secret_files.option = "hmac-secret-file"};
    jwg_verifier *v = NULL;
    const char *operand[1] = {NULL};
    size_t operand_count = 0;
    char *token = NULL;
    size_t token_len = 0;
    int status = CLI_EXIT_USAGE;
    enum opt_status parsed;

    if (jwg_keyset_new(&ctx.keys) != JWG_OK || jwg_policy_new(&ctx.policy) != JWG_OK) {
        cli_error("cannot create key set or policy", NULL, "free memory and retry");
        goto out;
    }

    parsed = opts_parse(&verify_spec, argc, argv, &ctx, operand, &operand_count);
    if (parsed != OPT_OK) {
        status = parsed == OPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
        goto out;
    }

    if (ctx.policy_file != NULL) {
        if (!check_policy_options(&ctx) || !build_policy_verifier(&ctx, &v))
            goto out;
    } else if ((ctx.jws && !check_jws_options(&ctx)) || !apply_default_checks(&ctx) ||
               !load_keys(&ctx) || !build_verifier(&ctx, &v)) {
        goto out;
    }
    if (!token_read(operand[0], &token, &token_len))
        goto out;
    status = run_verify(&ctx, v, token, token_len);

out:
    cli_buf_free(token, token_len);
    jwg_verifier_free(v);
    jwg_policy_free(ctx.policy);
    jwg_keyset_free(ctx.keys);
    return status;
}
