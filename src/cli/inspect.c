/*
 * inspect.c: `jwtguard inspect`, which decodes a token without verifying it
 * and lists the properties that make tokens unsafe in practice.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "b64url.h"
#include "cli.h"
#include "jsonscan.h"
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

/* A decoded segment: bytes, and the members when it is a JSON object. */
struct segment {
    char *text;
    size_t len;
    bool padded;
    struct js_object obj;
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
    "[--json] [--now UNIX] TOKEN|-",
    "Decode a token WITHOUT verifying it and list risky findings. Exit status:\n"
    "0 decoded with no findings, 1 findings, 2 not decodable.",
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

/* RFC 8725 3.1: "none" in any spelling means an unsigned token. */
static void check_alg(struct inspect_ctx *ctx, const struct js_object *header)
{
    const struct js_member *alg = js_find(header, "alg");
    char value[32];
    size_t len;

    if (alg == NULL || !js_string(alg, value, sizeof(value), &len)) {
        if (alg == NULL || alg->type != JS_STRING)
            add_finding(ctx, "alg-missing", "header has no \"alg\" string");
        return;
    }
    if (len == strlen(value) && strcasecmp(value, "none") == 0)
        add_finding(ctx, "alg-none", "header \"alg\" is \"%s\": the token is unsigned", value);
}

/* RFC 8725 3.10: these members point at or carry keys an attacker chooses. */
static void check_embedded_keys(struct inspect_ctx *ctx, const struct js_object *header)
{
    static const char *const members[] = {"jku", "x5u", "jwk", "x5c"};

    for (size_t i = 0; i < CLI_ARRAY_LEN(members); i++) {
        if (js_find(header, members[i]) != NULL)
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

/* A kid used as a file path, SQL value or command argument lets the token choose the key. */
static void check_kid(struct inspect_ctx *ctx, const struct js_object *header)
{
    const struct js_member *kid = js_find(header, "kid");
    char value[1024];
    size_t len;
    const char *problem;

    if (kid == NULL)
        return;
    if (kid->type != JS_STRING) {
        add_finding(ctx, "suspicious-kid", "header \"kid\" is not a string");
        return;
    }
    if (!js_string(kid, value, sizeof(value), &len))
        problem = "is longer than 128 bytes";
    else
        problem = kid_problem(value, len);
    if (problem != NULL)
        add_finding(ctx, "suspicious-kid", "header \"kid\" %s", problem);
}

/* Reads a numeric claim; false when absent or not a number. */
static bool claim_number(const struct js_object *claims, const char *name, double *out)
{
    const struct js_member *m = js_find(claims, name);
    char text[64];

    if (m == NULL || m->type != JS_NUMBER || m->value_len >= sizeof(text))
        return false;
    memcpy(text, m->value, m->value_len);
    text[m->value_len] = '\0';
    *out = strtod(text, NULL);
    return isfinite(*out);
}

/* RFC 7519 4.1.4: a token with no exp never expires; one past exp is expired. */
static void check_times(struct inspect_ctx *ctx, const struct js_object *claims)
{
    double exp = 0;
    double iat = 0;
    double now = (double)(ctx->have_now ? ctx->now : (int64_t)time(NULL));

    if (!claim_number(claims, "exp", &exp)) {
        if (js_find(claims, "exp") != NULL)
            add_finding(ctx, "exp-invalid", "claim \"exp\" is not a number");
        else
            add_finding(ctx, "no-exp", "claims have no \"exp\": the token never expires");
        return;
    }
    if (now >= exp)
        add_finding(ctx, "expired", "token expired %.0f seconds ago", now - exp);
    if (claim_number(claims, "iat", &iat) && exp - iat > INSPECT_LONG_LIFETIME)
        add_finding(ctx, "long-lifetime", "lifetime exp - iat is %.0f seconds, over one hour",
                    exp - iat);
}

/* RFC 8725 3.8, 3.9: without iss and aud, a token for one service is accepted by another. */
static void check_claims(struct inspect_ctx *ctx, const struct js_object *claims)
{
    if (js_find(claims, "iss") == NULL)
        add_finding(ctx, "no-iss", "claims have no \"iss\"");
    if (js_find(claims, "aud") == NULL)
        add_finding(ctx, "no-aud", "claims have no \"aud\": any service may accept the token");
    check_times(ctx, claims);
}

/* RFC 7515 5.2: verifiers disagree on which duplicate wins, so duplicates hide values. */
static void check_duplicates(struct inspect_ctx *ctx, const struct js_object *obj, const char *part)
{
    for (size_t i = 0; i < obj->count; i++) {
        for (size_t j = i + 1; j < obj->count; j++) {
            const struct js_member *a = &obj->members[i];
            const struct js_member *b = &obj->members[j];

            if (a->name_len == b->name_len && memcmp(a->name, b->name, a->name_len) == 0) {
                add_finding(ctx, "duplicate-member", "%s has a member name twice", part);
                return;
            }
        }
    }
}

static void find_all(struct inspect_ctx *ctx, const struct segment *header,
                     const struct segment *claims)
{
    check_alg(ctx, &header->obj);
    check_embedded_keys(ctx, &header->obj);
    check_kid(ctx, &header->obj);
    check_claims(ctx, &claims->obj);
    check_duplicates(ctx, &header->obj, "header");
    check_duplicates(ctx, &claims->obj, "claims");
    if (header->padded || claims->padded)
        add_finding(ctx, "base64url-padding", "a segment has '=' padding (RFC 7515 2 forbids it)");
}

/* Decodes one segment and scans it as a JSON object; prints why not on failure. */
static bool decode_segment(const char *text, size_t len, const char *part, struct segment *out)
{
    if (!cli_b64url_decode(text, len, &out->text, &out->len, &out->padded)) {
        cli_error("segment is not base64url", part, "give a compact JWS: HEADER.CLAIMS.SIGNATURE");
        return false;
    }
    if (!js_scan_object(out->text, out->len, JWG_MAX_JSON_DEPTH, &out->obj)) {
        cli_error("segment is not a JSON object", part, "give a JWT, not an opaque-payload JWS");
        return false;
    }
    return true;
}

/* Splits HEADER.CLAIMS.SIGNATURE; the signature is only counted, never decoded or shown. */
static bool split_token(const char *token, size_t len, size_t dots[2])
{
    size_t count = 0;

    for (size_t i = 0; i < len; i++) {
        if (token[i] != '.')
            continue;
        if (count < 2)
            dots[count] = i;
        count++;
    }
    if (count != 2) {
        char value[32];

        snprintf(value, sizeof(value), "%zu segments", count + 1);
        cli_error("not a compact JWS", value,
                  count == 4 ? "a JWE is encrypted and cannot be inspected"
                             : "give HEADER.CLAIMS.SIGNATURE");
        return false;
    }
    return true;
}

/* Writes a decoded part as JSON: the text itself when it is valid UTF-8, else a string. */
static void print_json_part(const struct segment *seg)
{
    if (cli_utf8_valid(seg->text, seg->len))
        cli_json_compact(stdout, seg->text, seg->len);
    else
        cli_json_string(stdout, seg->text, seg->len);
}

static void print_json_report(const struct inspect_ctx *ctx, const struct segment *header,
                              const struct segment *claims, size_t sig_len)
{
    fputs("{\"verified\":false,\"header\":", stdout);
    print_json_part(header);
    fputs(",\"claims\":", stdout);
    print_json_part(claims);
    printf(",\"signature_length\":%zu,\"findings\":[", sig_len);
    for (size_t i = 0; i < ctx->finding_count; i++) {
        printf("%s{\"id\":", i > 0 ? "," : "");
        cli_json_cstr_or_null(stdout, ctx->findings[i].id);
        fputs(",\"message\":", stdout);
        cli_json_cstr_or_null(stdout, ctx->findings[i].message);
        fputc('}', stdout);
    }
    fputs("]}\n", stdout);
}

static void print_text_report(const struct inspect_ctx *ctx, const struct segment *header,
                              const struct segment *claims, size_t sig_len)
{
    fputs("UNVERIFIED: the signature was NOT checked; do not trust these values.\n", stdout);
    fputs("header: ", stdout);
    cli_print_safe(stdout, header->text, header->len);
    fputs("\nclaims: ", stdout);
    cli_print_safe(stdout, claims->text, claims->len);
    printf("\nsignature: %zu base64url characters (not shown)\n", sig_len);
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
    struct segment *parts = calloc(2, sizeof(*parts));
    size_t dots[2];
    int status = CLI_EXIT_USAGE;

    if (parts == NULL) {
        cli_error("out of memory", "inspect", "free memory and retry");
        return CLI_EXIT_USAGE;
    }
    if (!split_token(token, len, dots) || !decode_segment(token, dots[0], "header", &parts[0]) ||
        !decode_segment(token + dots[0] + 1, dots[1] - dots[0] - 1, "claims", &parts[1]))
        goto out;

    find_all(ctx, &parts[0], &parts[1]);
    if (ctx->json)
        print_json_report(ctx, &parts[0], &parts[1], len - dots[1] - 1);
    else
        print_text_report(ctx, &parts[0], &parts[1], len - dots[1] - 1);
    status = ctx->finding_count == 0 ? CLI_EXIT_OK : CLI_EXIT_REJECTED;

out:
    free(parts[0].text);
    free(parts[1].text);
    free(parts);
    return status;
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
        cli_error("out of memory", "inspect", "free memory and retry");
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
