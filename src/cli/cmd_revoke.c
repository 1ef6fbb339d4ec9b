/*
 * cmd_revoke.c: `jwtguard revoke`, which writes a revocation to the Redis
 * that `jwtguard serve --redis` instances share: by jti, or every token of
 * a sub issued before a time. The Redis work is in src/server/redis_revoke.c.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "opts.h"
#include "token.h"
#include "server/state.h"

/* Default lifetime of a revocation entry, which must cover the longest token lifetime. */
#define DEFAULT_TTL_S 86400

/* Maximum --ttl: one year, as for verify's --max-lifetime. */
#define MAX_TTL_S 31536000

struct revoke_ctx {
    const char *redis_url;
    const char *prefix;
    const char *jti;
    const char *sub;
    const char *token_file;
    char *token_jti; /* owned copy of the jti read from --token-file */
    int64_t before;
    int64_t expires;
    int64_t ttl;
    bool have_before, have_expires, have_ttl;
};

/* Returns the days from 1970-01-01 to a proleptic Gregorian date, counting in 400-year eras of 146097 days. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Reads `n` decimal digits at `s` into *out, or returns false at a non-digit. */
static bool read_digits(const char *s, size_t n, int64_t *out)
{
    *out = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        *out = *out * 10 + (s[i] - '0');
    }
    return true;
}

/* Parses YYYY-MM-DDTHH:MM:SSZ, the form cli_format_utc() writes. */
static bool parse_utc(const char *s, int64_t *out)
{
    static const int days_in_month[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t y, mo, d, h, mi, sec;

    if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':' || s[19] != 'Z')
        return false;
    if (!read_digits(s, 4, &y) || !read_digits(s + 5, 2, &mo) || !read_digits(s + 8, 2, &d) ||
        !read_digits(s + 11, 2, &h) || !read_digits(s + 14, 2, &mi) ||
        !read_digits(s + 17, 2, &sec))
        return false;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month[mo - 1] || h > 23 ||
        mi > 59 || sec > 59)
        return false;
    if (mo == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0)))
        return false;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    return true;
}

/* A time is Unix seconds or ISO 8601 UTC. */
static bool parse_time_option(const char *option, const char *arg, int64_t *out)
{
    if (strchr(arg, 'T') != NULL) {
        if (parse_utc(arg, out))
            return true;
        cli_error("invalid time", arg,
                  "give Unix seconds or ISO 8601 UTC as YYYY-MM-DDTHH:MM:SSZ");
        return false;
    }
    return cli_parse_int64(option, arg, 0, CLI_MAX_NOW, out);
}

static bool set_before(void *c, const char *arg)
{
    struct revoke_ctx *ctx = c;

    ctx->have_before = true;
    return parse_time_option("before", arg, &ctx->before);
}

static bool set_expires(void *c, const char *arg)
{
    struct revoke_ctx *ctx = c;

    ctx->have_expires = true;
    return parse_time_option("expires", arg, &ctx->expires);
}

static bool set_ttl(void *c, const char *arg)
{
    struct revoke_ctx *ctx = c;

    ctx->have_ttl = true;
    return cli_parse_int64("ttl", arg, 1, MAX_TTL_S, &ctx->ttl);
}

static const struct opt_row revoke_rows[] = {
    {"redis", OPT_VALUE, "URL",
     "Redis to write to: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or unix:PATH "
     "(default: $JWTGUARD_REDIS_URL, which keeps a password out of the process list)",
     NULL, offsetof(struct revoke_ctx, redis_url)},
    {"jti", OPT_VALUE, "ID", "revoke the token with this jti", NULL,
     offsetof(struct revoke_ctx, jti)},
    {"sub", OPT_VALUE, "SUB", "revoke every token of this subject issued before --before", NULL,
     offsetof(struct revoke_ctx, sub)},
    {"before", OPT_VALUE, "TIME",
     "with --sub: revoke tokens whose iat is before this time (default: now)", set_before, 0},
    {"expires", OPT_VALUE, "TIME", "with --jti: keep the entry until this time, the token's exp",
     set_expires, 0},
    {"ttl", OPT_VALUE, "SECONDS",
     "keep the entry this long: from now for --jti, from --before for --sub (default 86400)",
     set_ttl, 0},
    {"token-file", OPT_VALUE, "FILE",
     "revoke this token by its jti, until its exp unless --ttl or --expires is given; "
     "'-' reads standard input. The token is decoded, not verified",
     NULL, offsetof(struct revoke_ctx, token_file)},
    {"prefix", OPT_VALUE, "P", "Redis key prefix, as in the service's policy (default jwtguard)",
     NULL, offsetof(struct revoke_ctx, prefix)},
};

static const struct opt_spec revoke_spec = {
    "revoke",
    "--redis URL (--jti ID [--expires TIME|--ttl SECONDS] | --sub SUB [--before TIME] "
    "[--ttl SECONDS] | --token-file FILE) [--prefix P]",
    "Revoke tokens for every `jwtguard serve --redis` instance that shares this Redis.\n"
    "Running instances apply it when the pub/sub message arrives, on cache hits too.\n"
    "TIME is Unix seconds or ISO 8601 UTC (2026-01-01T00:00:00Z). A token without\n"
    "iat counts as issued before any --before time, so --sub revokes it.\n\n"
    "An entry expires after --ttl, so the TTL must cover the longest lifetime of the\n"
    "tokens it revokes; with --jti, --expires set to the token's exp is exact.\n"
    "Exit status: 0 written, 2 usage error or Redis failure.",
    revoke_rows,
    CLI_ARRAY_LEN(revoke_rows),
    0};

/* Maximum bytes of a jti or sub, as the service's mirror accepts. */
#define MAX_ID_BYTES 1024u

/* Checks the values the service would reject, so the message names the option. */
static bool check_values(const struct revoke_ctx *ctx)
{
    const char *id = ctx->jti != NULL ? ctx->jti : ctx->sub;
    const char *option = ctx->jti != NULL ? "--jti" : "--sub";
    size_t prefix_len = ctx->prefix != NULL ? strlen(ctx->prefix) : 1;

    if (id[0] == '\0' || strlen(id) > MAX_ID_BYTES) {
        cli_error("identifier is empty or longer than 1024 bytes", option,
                  "give the value of the token's claim");
        return false;
    }
    if (ctx->prefix != NULL &&
        (prefix_len == 0 || prefix_len > 64 ||
         strspn(ctx->prefix, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-") !=
             prefix_len)) {
        cli_error("invalid key prefix", ctx->prefix,
                  "give 1 to 64 characters of A-Z a-z 0-9 _ . : -, as in the service's policy");
        return false;
    }
    return true;
}

/* Reads a token from a file, or from standard input for "-", dropping one trailing "\n" as verify does. */
static bool read_token(const char *path, char **out, size_t *out_len)
{
    if (strcmp(path, "-") == 0)
        return token_read(NULL, out, out_len);
    if (!cli_read_file(path, CLI_MAX_TOKEN_INPUT_BYTES, "give a file with one compact JWT", out,
                       out_len))
        return false;
    if (*out_len > 0 && (*out)[*out_len - 1] == '\n')
        (*out)[--*out_len] = '\0';
    return true;
}

/* Reads the token's jti into --jti and its exp into --expires, unless an expiry option was given. */
static bool read_token_file(struct revoke_ctx *ctx)
{
    char *token = NULL;
    size_t token_len = 0, jti_len = 0;
    jwg_result *r = NULL;
    const char *jti = NULL;
    int64_t exp;
    bool ok = false;

    if (ctx->jti != NULL || ctx->sub != NULL) {
        cli_error("give only one of --token-file, --jti and --sub",
                  ctx->jti != NULL ? "--jti" : "--sub", "drop --jti and --sub, or drop --token-file");
        return false;
    }
    if (!read_token(ctx->token_file, &token, &token_len))
        return false;
    if (jwg_decode_unverified(token, token_len, &r) != JWG_OK) {
        cli_error_detail("token cannot be decoded", ctx->token_file,
                         "give a file with one compact JWT", r != NULL ? jwg_result_detail(r) : "");
        goto out;
    }
    if (jwg_result_string(r, JWG_PART_CLAIMS, "jti", &jti, &jti_len) != JWG_OK) {
        cli_error("token has no jti claim", ctx->token_file,
                  "revoke its subject with --sub, which every token carries");
        goto out;
    }
    if (!ctx->have_expires && !ctx->have_ttl &&
        jwg_result_int(r, JWG_PART_CLAIMS, "exp", &exp) == JWG_OK) {
        ctx->expires = exp;
        ctx->have_expires = true;
    }
    ctx->token_jti = strdup(jti);
    ctx->jti = ctx->token_jti;
    ok = ctx->jti != NULL;
    if (!ok)
        cli_error("out of memory", "--token-file", "free memory and retry");

out:
    jwg_result_free(r);
    cli_buf_free(token, token_len);
    return ok;
}

/* Checks the combination of options and fills in the defaults, or prints the error and returns false. */
static bool check_options(struct revoke_ctx *ctx, int64_t now)
{
    if (ctx->redis_url == NULL)
        ctx->redis_url = getenv("JWTGUARD_REDIS_URL");
    if (ctx->redis_url == NULL || ctx->redis_url[0] == '\0') {
        cli_error("missing Redis URL", "--redis", "give --redis URL or set JWTGUARD_REDIS_URL");
        return false;
    }
    /* Rejected before any connection, so that the message does not blame the network. */
    if (strncmp(ctx->redis_url, "rediss://", 9) == 0) {
        cli_error("Redis over TLS (rediss://) is not supported", "--redis",
                  "give a redis:// or unix: URL, and reach a remote Redis through a TLS tunnel such as stunnel, "
                  "because hiredis 0.14 has no TLS");
        return false;
    }
    if (ctx->token_file != NULL && !read_token_file(ctx))
        return false;
    if ((ctx->jti == NULL) == (ctx->sub == NULL)) {
        cli_error("give exactly one of --jti, --sub and --token-file", ctx->jti != NULL ? "--jti, --sub" : NULL,
                  "revoke one token by --jti or --token-file, or a subject's tokens by --sub");
        return false;
    }
    if (ctx->jti != NULL && ctx->have_before) {
        cli_error("option applies only to --sub", "--before", "drop --before, or use --sub");
        return false;
    }
    if (ctx->sub != NULL && ctx->have_expires) {
        cli_error("option applies only to --jti", "--expires", "use --ttl with --sub");
        return false;
    }
    if (ctx->have_expires && ctx->have_ttl) {
        cli_error("give at most one of --expires and --ttl", "--expires, --ttl",
                  "drop one of them");
        return false;
    }
    if (!check_values(ctx))
        return false;
    if (!ctx->have_ttl)
        ctx->ttl = DEFAULT_TTL_S;
    if (!ctx->have_before)
        ctx->before = now;
    return true;
}

/* The time the entry expires: the jti's exp, or the TTL from now or from --before. */
static int64_t entry_expiry(const struct revoke_ctx *ctx, int64_t now)
{
    if (ctx->jti != NULL)
        return ctx->have_expires ? ctx->expires : now + ctx->ttl;
    return ctx->before + ctx->ttl;
}

static void print_done(const struct revoke_ctx *ctx, int64_t expires_at)
{
    char until[CLI_UTC_MAX] = "?", before[CLI_UTC_MAX] = "?";
    const char *id = ctx->jti != NULL ? ctx->jti : ctx->sub;

    cli_format_utc(expires_at, until);
    cli_format_utc(ctx->before, before);
    printf("revoked %s ", ctx->jti != NULL ? "jti" : "sub");
    cli_print_value(stdout, id, strlen(id));
    if (ctx->sub != NULL)
        printf(" issued before %s", before);
    printf(" until %s\n", until);
}

int cli_cmd_revoke(int argc, char **argv)
{
    struct revoke_ctx ctx = {0};
    size_t positional_count = 0;
    int64_t now = (int64_t)time(NULL), expires_at;
    char detail[512] = "";
    int rc;

    switch (opts_parse(&revoke_spec, argc, argv, &ctx, NULL, &positional_count)) {
    case OPT_HELP:
        return CLI_EXIT_OK;
    case OPT_ERROR:
        return CLI_EXIT_USAGE;
    default:
        break;
    }
    if (!check_options(&ctx, now)) {
        free(ctx.token_jti);
        return CLI_EXIT_USAGE;
    }

    expires_at = entry_expiry(&ctx, now);
    if (expires_at <= now) {
        cli_error("revocation would already have expired",
                  ctx.token_file != NULL && ctx.have_expires ? "exp of --token-file"
                  : ctx.have_expires                        ? "--expires"
                                                            : "--ttl",
                  "give an expiry in the future, because tokens that expired need no revocation");
        free(ctx.token_jti);
        return CLI_EXIT_USAGE;
    }
    if (ctx.jti != NULL)
        rc = srv_revoke_jti(ctx.redis_url, ctx.prefix, ctx.jti, expires_at, detail, sizeof(detail));
    else
        rc = srv_revoke_sub_before(ctx.redis_url, ctx.prefix, ctx.sub, ctx.before, expires_at,
                                   detail, sizeof(detail));
    if (rc == 0)
        print_done(&ctx, expires_at);
    free(ctx.token_jti);
    if (rc != 0) {
        cli_error_detail("revocation failed", ctx.jti != NULL ? "--jti" : "--sub",
                         "check the Redis URL and that Redis is running", detail);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}
