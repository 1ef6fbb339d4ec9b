/*
 * inspect.c: `jwtguard inspect`, which decodes a token without verifying it
 * and lists the properties that make tokens unsafe in practice. Decoding is
 * the library's jwg_decode_unverified(), so inspect accepts exactly the
 * encodings and JSON that verification accepts.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "opts.h"
#include "token.h"

#define INSPECT_MAX_FINDINGS 32u

/* Lifetimes (exp - iat) above one hour are reported; access tokens rarely need more. */
#define INSPECT_LONG_LIFETIME 3600.0

/* Maximum kid length not reported; real key ids are thumbprints or short names. */
#define INSPECT_KID_MAX 128u

struct finding {
    const char *id;
    char message[160];
};

struct inspect_ctx {
    bool json;
    bool have_now;
    int64_t now;
    struct finding findings[INSPECT_MAX_FINDINGS];
    size_t finding_count;
};

static bool set_now(void *c, const char *arg)
{
    struct inspect_ctx *ctx = c;

    ctx->have_now = true;
    return cli_parse_int64("now", arg, 0, CLI_MAX_NOW, &ctx->now);
}

static const struct opt_row inspect_rows[] = {
    {"json", OPT_FLAG, NULL, "print one JSON object on standard output", NULL,
     offsetof(struct inspect_ctx, json)},
    {"now", OPT_VALUE, "UNIX", "judge expiry at this Unix time in seconds instead of now", set_now,
     0},
};

static const struct opt_spec inspect_spec = {
    "inspect",
    "[--json] [--now UNIX] [TOKEN|-]",
    "Decode a token WITHOUT verifying it and list risky findings. The token is read\n"
    "from standard input when TOKEN is '-' or absent. Exit status: 0 decoded with no\n"
    "findings, 1 findings, 2 not decodable (with --json, an object with\n"
    "\"decodable\":false is still printed).",
    inspect_rows,
    CLI_ARRAY_LEN(inspect_rows),
    1};

static void add_finding(struct inspect_ctx *ctx, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records a finding; the message never contains the signature. */
static void add_finding(struct inspect_ctx *ctx, const char *id, const char *fmt, ...)
{
    struct finding *f;
    va_list ap;

    if (ctx->finding_count >= INSPECT_MAX_FINDINGS)
        return;
    f = &ctx->findings[ctx->finding_count++];
    f->id = id;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof(f->message), fmt, ap);
    va_end(ap);
}

/* Returns true when the part has a member `name` of any JSON type. */
static bool has_member(const jwg_result *r, jwg_part part, const char *name)
{
    const char *raw;
    size_t len;

    return jwg_result_raw(r, part, name, &raw, &len) == JWG_OK;
}

/* RFC 8725 3.1: "none" in any spelling means an unsigned token. */
static void check_alg(struct inspect_ctx *ctx, const jwg_result *r)
{
    const char *alg;
    size_t len;

    if (jwg_result_string(r, JWG_PART_HEADER, "alg", &alg, &len) != JWG_OK) {
        add_finding(ctx, "alg-missing", "header has no \"alg\" string");
        return;
    }
    if (len == strlen(alg) && strcasecmp(alg, "none") == 0)
        add_finding(ctx, "alg-none", "header \"alg\" is \"%s\": the token is unsigned", alg);
}

/* RFC 8725 3.10: these members point at or carry keys an attacker chooses. */
static void check_embedded_keys(struct inspect_ctx *ctx, const jwg_result *r)
{
    static const char *const members[] = {"jku", "x5u", "jwk", "x5c"};

    for (size_t i = 0; i < CLI_ARRAY_LEN(members); i++) {
        if (has_member(r, JWG_PART_HEADER, members[i]))
            add_finding(ctx, "embedded-key-source",
                        "header has \"%s\": a verifier that follows it trusts the token's own key",
                        members[i]);
    }
}

/* Returns the reason a kid looks like an injection attempt, or NULL. */
static const char *kid_problem(const char *kid, size_t len)
{
    if (len != strlen(kid))
        return "contains a NUL byte";
    if (len > INSPECT_KID_MAX)
        return "is longer than 128 bytes";
    if (strstr(kid, "..") != NULL || strpbrk(kid, "/\\") != NULL)
        return "contains a path component (.., / or \\)";
    if (strpbrk(kid, "'\"") != NULL)
        return "contains a quote";
    if (strpbrk(kid, ";|&$`<>(){}*") != NULL || strstr(kid, "--") != NULL)
        return "contains SQL or shell metacharacters";
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)kid[i] < 0x20 || kid[i] == 0x7F)
            return "contains a control character";
    }
    return NULL;
}

/*
 * RFC 7515 4.1.11: a verifier must reject a token whose "crit" names an
 * extension it does not understand. jwtguard verify understands none and
 * rejects a malformed "crit" too, so any "crit" member is reported.
 */
/* Keeps the crit finding, with its advice, inside one finding message. */
#define CRIT_SHOWN_MAX 40u

static void check_crit(struct inspect_ctx *ctx, const jwg_result *r)
{
    const char *raw;
    size_t len;

    if (jwg_result_raw(r, JWG_PART_HEADER, "crit", &raw, &len) != JWG_OK)
        return;

    size_t shown = cli_cut_len(raw, len, CRIT_SHOWN_MAX);
    add_finding(ctx, "crit", "header \"crit\" is %.*s%s: verifiers that do not understand these "
                "extensions must reject the token",
                (int)shown, raw, shown < len ? "..." : "");
}

/* A kid used as a file path, SQL value or command argument lets the token choose the key. */
static void check_kid(struct inspect_ctx *ctx, const jwg_result *r)
{
    const char *kid;
    size_t len;
    jwg_err rc = jwg_result_string(r, JWG_PART_HEADER, "kid", &kid, &len);
    const char *problem;

    if (rc == JWG_ERR_MEMBER_NOT_FOUND)
        return;
    if (rc != JWG_OK) {
        add_finding(ctx, "suspicious-kid", "header \"kid\" is not a string");
        return;
    }
    problem = kid_problem(kid, len);
    if (problem != NULL)
        add_finding(ctx, "suspicious-kid", "header \"kid\" %s", problem);
}

/* Reads a numeric claim; false when absent, not a number or not finite. */
static bool claim_number(const jwg_result *r, const char *name, double *out)
{
    return jwg_result_number(r, JWG_PART_CLAIMS, name, out) == JWG_OK && isfinite(*out);
}

/* RFC 7519 4.1.4: a token with no exp never expires; one past exp is expired. */
static void check_times(struct inspect_ctx *ctx, const jwg_result *r)
{
    double exp = 0;
    double iat = 0;
    double now = (double)(ctx->have_now ? ctx->now : (int64_t)time(NULL));

    if (!claim_number(r, "exp", &exp)) {
        if (has_member(r, JWG_PART_CLAIMS, "exp"))
            add_finding(ctx, "exp-invalid", "claim \"exp\" is not a number");
        else
            add_finding(ctx, "no-exp", "claims have no \"exp\": the token never expires");
        return;
    }
    if (now >= exp) {
        char utc[CLI_UTC_MAX];

        if (!cli_format_utc((int64_t)exp, utc))
            snprintf(utc, sizeof(utc), "out of range");
        add_finding(ctx, "expired", "token expired %.0f seconds ago, at %s", now - exp, utc);
    }
    if (claim_number(r, "iat", &iat) && exp - iat > INSPECT_LONG_LIFETIME)
        add_finding(ctx, "long-lifetime", "lifetime exp - iat is %.0f seconds, over one hour",
                    exp - iat);
}

/* RFC 8725 3.8, 3.9: without iss and aud, a token for one service is accepted by another. */
static void check_claims(struct inspect_ctx *ctx, const jwg_result *r)
{
    if (!has_member(r, JWG_PART_CLAIMS, "iss"))
        add_finding(ctx, "no-iss", "claims have no \"iss\"");
    if (!has_member(r, JWG_PART_CLAIMS, "aud"))
        add_finding(ctx, "no-aud", "claims have no \"aud\": any service may accept the token");
    check_times(ctx, r);
}

static void find_all(struct inspect_ctx *ctx, const jwg_result *r)
{
    check_alg(ctx, r);
    check_embedded_keys(ctx, r);
    check_crit(ctx, r);
    check_kid(ctx, r);
    check_claims(ctx, r);
}

/* Returns the number of '.' in the token, so that a JWE (four dots) can be named. */
static size_t count_dots(const char *token, size_t len)
{
    size_t count = 0;

    for (size_t i = 0; i < len; i++)
        count += token[i] == '.' ? 1u : 0u;
    return count;
}

/* Returns what the user can do about a decoding error. */
static const char *undecodable_todo(jwg_err rc, const char *token, size_t len)
{
    switch (rc) {
    case JWG_ERR_TOKEN_TOO_LARGE:
        return "no verifier accepts a token over 65536 bytes";
    case JWG_ERR_TOKEN_SEGMENTS:
        return count_dots(token, len) == 4 ? "a JWE (five segments) is encrypted and cannot be inspected"
                                           : "give a compact JWS: HEADER.CLAIMS.SIGNATURE";
    case JWG_ERR_BASE64URL:
        return "segments must be base64url without padding or whitespace (RFC 7515 2)";
    case JWG_ERR_JSON_NOT_OBJECT:
        return "header and claims must be JSON objects; an opaque-payload JWS cannot be inspected";
    case JWG_ERR_JSON_DUPLICATE:
        return "verifiers disagree on which duplicate member wins, so no verifier should accept it "
               "(RFC 7515 5.2)";
    default:
        return "header and claims must be strict JSON (RFC 8259)";
    }
}

/*
 * Prints why the strict decoder rejected the token; the value is the error
 * name, never token bytes. With --json the same goes to standard output as
 * one object, so that a pipe into jq does not receive empty input.
 */
static void report_undecodable(const struct inspect_ctx *ctx, jwg_err rc, const jwg_result *r,
                               const char *token, size_t len)
{
    const char *todo = undecodable_todo(rc, token, len);
    const char *detail = jwg_result_detail(r);

    cli_error_detail("token is not decodable", jwg_err_name(rc), todo, detail);
    if (!ctx->json)
        return;
    fputs("{\"decodable\":false,\"error\":", stdout);
    cli_json_cstr_or_null(stdout, jwg_err_name(rc));
    fputs(",\"message\":", stdout);
    cli_json_cstr_or_null(stdout, jwg_strerror(rc));
    fputs(",\"detail\":", stdout);
    cli_json_cstr_or_null(stdout, detail[0] != '\0' ? detail : NULL);
    fputs(",\"todo\":", stdout);
    cli_json_cstr_or_null(stdout, todo);
    fputs("}\n", stdout);
}

/* Returns the length of the signature segment in characters; its content is never printed. */
static size_t signature_length(const char *token, size_t len)
{
    size_t i = len;

    while (i > 0 && token[i - 1] != '.')
        i--;
    return len - i;
}

/*
 * Writes the NumericDate claims as ISO 8601 UTC: as "name":"time" members
 * for JSON, or as "name time" words for text. Claims that are absent, not
 * numbers or outside 0..9999-12-31 are left out.
 */
static void print_times(const jwg_result *r, bool json)
{
    static const char *const names[] = {"iat", "nbf", "exp"};
    const char *sep = "";

    for (size_t i = 0; i < CLI_ARRAY_LEN(names); i++) {
        char utc[CLI_UTC_MAX];
        double value;

        if (!claim_number(r, names[i], &value) || value < 0 || value > (double)CLI_MAX_NOW ||
            !cli_format_utc((int64_t)value, utc))
            continue;
        if (json)
            printf("%s\"%s\":\"%s\"", sep, names[i], utc);
        else
            printf("%s%s %s", sep, names[i], utc);
        sep = json ? "," : ", ";
    }
}

/* Writes header and claims JSON text; the decoder has checked that both are UTF-8 JSON objects. */
static void print_json_report(const struct inspect_ctx *ctx, const jwg_result *r, size_t sig_len)
{
    const char *text;
    size_t len;

    fputs("{\"decodable\":true,\"verified\":false,\"header\":", stdout);
    if (jwg_result_json(r, JWG_PART_HEADER, &text, &len) == JWG_OK)
        cli_json_compact(stdout, text, len);
    fputs(",\"claims\":", stdout);
    if (jwg_result_json(r, JWG_PART_CLAIMS, &text, &len) == JWG_OK)
        cli_json_compact(stdout, text, len);
    fputs(",\"times\":{", stdout);
    print_times(r, true);
    printf("},\"signature_length\":%zu,\"findings\":[", sig_len);
    for (size_t i = 0; i < ctx->finding_count; i++) {
        printf("%s{\"id\":", i > 0 ? "," : "");
        cli_json_cstr_or_null(stdout, ctx->findings[i].id);
        fputs(",\"message\":", stdout);
        cli_json_cstr_or_null(stdout, ctx->findings[i].message);
        fputc('}', stdout);
    }
    fputs("]}\n", stdout);
}

static void print_part(const jwg_result *r, jwg_part part, const char *label)
{
    const char *text;
    size_t len;

    fputs(label, stdout);
    if (jwg_result_json(r, part, &text, &len) == JWG_OK)
        cli_print_safe(stdout, text, len);
    fputc('\n', stdout);
}

static void print_text_report(const struct inspect_ctx *ctx, const jwg_result *r, size_t sig_len)
{
    fputs("UNVERIFIED: the signature was NOT checked; do not trust these values.\n", stdout);
    print_part(r, JWG_PART_HEADER, "header: ");
    print_part(r, JWG_PART_CLAIMS, "claims: ");
    fputs("times (UTC): ", stdout);
    print_times(r, false);
    fputc('\n', stdout);
    printf("signature: %zu base64url characters (not shown)\n", sig_len);
    if (ctx->finding_count == 0) {
        fputs("findings: none\n", stdout);
        return;
    }
    printf("findings: %zu\n", ctx->finding_count);
    for (size_t i = 0; i < ctx->finding_count; i++) {
        printf("  %s: ", ctx->findings[i].id);
        cli_print_safe(stdout, ctx->findings[i].message, strlen(ctx->findings[i].message));
        fputc('\n', stdout);
    }
}

static int inspect_token(struct inspect_ctx *ctx, const char *token, size_t len)
{
    jwg_result *r = NULL;
    jwg_err rc = jwg_decode_unverified(token, len, &r);

    if (r == NULL) {
        cli_error("cannot decode the token", jwg_err_name(rc), "free memory and retry");
        return CLI_EXIT_USAGE;
    }
    if (rc != JWG_OK) {
        report_undecodable(ctx, rc, r, token, len);
        jwg_result_free(r);
        return CLI_EXIT_USAGE;
    }

    find_all(ctx, r);
    if (ctx->json)
        print_json_report(ctx, r, signature_length(token, len));
    else
        print_text_report(ctx, r, signature_length(token, len));
    jwg_result_free(r);
    return ctx->finding_count == 0 ? CLI_EXIT_OK : CLI_EXIT_REJECTED;
}

int cli_cmd_inspect(int argc, char **argv)
{
    struct inspect_ctx *ctx = calloc(1, sizeof(*ctx));
    const char *operand[1] = {NULL};
    size_t operand_count = 0;
    char *token = NULL;
    size_t token_len = 0;
    int status = CLI_EXIT_USAGE;
    enum opt_status parsed;

    if (ctx == NULL) {
        cli_error("out of memory", NULL, "free memory and retry");
        return CLI_EXIT_USAGE;
    }
    parsed = opts_parse(&inspect_spec, argc, argv, ctx, operand, &operand_count);
    if (parsed == OPT_HELP)
        status = CLI_EXIT_OK;
    else if (parsed == OPT_OK && token_read(operand[0], &token, &token_len))
        status = inspect_token(ctx, token, token_len);

    cli_buf_free(token, token_len);
    free(ctx);
    return status;
}
