/*
 * cmd_serve.c: `jwtguard serve`, the authorization service that nginx,
 * Envoy, Traefik and Caddy call for each request (docs/SERVE.md).
 */
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>

#include "cli.h"
#include "opts.h"
#include "server/serve.h"

typedef struct serve_ctx {
    srv_options o;
    const char *threads;
    const char *max_connections;
    const char *request_timeout;
    const char *idle_timeout;
} serve_ctx;

static const struct opt_row serve_rows[] = {
    {"policy", OPT_VALUE, "FILE", "policy file with issuers, routes, identity headers and gateway settings", NULL,
     offsetof(serve_ctx, o.policy_path)},
    {"listen", OPT_VALUE, "ADDR:PORT|unix:PATH", "where to listen (default " SRV_DEFAULT_LISTEN ")", NULL,
     offsetof(serve_ctx, o.listen)},
    {"allow-remote", OPT_FLAG, NULL, "permit a listen address that is not loopback", NULL,
     offsetof(serve_ctx, o.allow_remote)},
    {"redis", OPT_VALUE, "URL",
     "share revocations and usage through Redis: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or unix:PATH "
     "(default: $JWTGUARD_REDIS_URL, which keeps a password out of the process list)",
     NULL, offsetof(serve_ctx, o.redis_url)},
    {"log", OPT_VALUE, "FILE|-|syslog|none", "where decision events go, one JSON object per line (default -, stdout)",
     NULL, offsetof(serve_ctx, o.log_target)},
    {"threads", OPT_VALUE, "N", "HTTP threads, 1 to 256 (default: one per CPU, at least 2)", NULL,
     offsetof(serve_ctx, threads)},
    {"shared-secret-file", OPT_VALUE, "FILE",
     "file with the secret that the gateway must send in the header named by gateway.shared_secret_header, "
     "X-Jwtguard-Secret unless set (default: no secret required)",
     NULL,
     offsetof(serve_ctx, o.shared_secret_file)},
    {"max-connections", OPT_VALUE, "N", "open connections at most, 16 to 100000 (default 1024)", NULL,
     offsetof(serve_ctx, max_connections)},
    {"request-timeout", OPT_VALUE, "SECONDS",
     "time a connection has to send each request, headers and body, 1 to 3600 (default 10)", NULL,
     offsetof(serve_ctx, request_timeout)},
    {"idle-timeout", OPT_VALUE, "SECONDS", "close a connection this long after its start or last answer, 1 to 3600 (default 60)", NULL,
     offsetof(serve_ctx, idle_timeout)},
};

static const struct opt_spec serve_spec = {
    "serve",
    "--policy FILE [options]",
    "run the authorization service for nginx auth_request, Traefik/Caddy forward auth and Envoy ext_authz",
    serve_rows,
    sizeof(serve_rows) / sizeof(serve_rows[0]),
    0,
};

/* Parses an optional whole number in [min, max] into `*out`; NULL leaves it 0. */
static bool parse_count(const char *text, const char *option, unsigned min, unsigned max, unsigned *out)
{
    if (text == NULL)
        return true;
    char *end;
    unsigned long v = strtoul(text, &end, 10);
    if (*text < '0' || *text > '9' || *end != '\0' || v < min || v > max) {
        char todo[96];
        snprintf(todo, sizeof(todo), "give a whole number from %u to %u", min, max);
        cli_error("invalid value", option, todo);
        return false;
    }
    *out = (unsigned)v;
    return true;
}

int cli_cmd_serve(int argc, char **argv)
{
    serve_ctx ctx = {0};
    size_t npos = 0;

    enum opt_status st = opts_parse(&serve_spec, argc, argv, &ctx, NULL, &npos);
    if (st != OPT_OK)
        return st == OPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (ctx.o.policy_path == NULL) {
        cli_error("missing option", "--policy", "give the policy file: jwtguard serve --policy FILE");
        return CLI_EXIT_USAGE;
    }
    /* An empty JWTGUARD_REDIS_URL means no Redis, as an unset one does. */
    if (ctx.o.redis_url == NULL)
        ctx.o.redis_url = getenv("JWTGUARD_REDIS_URL");
    if (ctx.o.redis_url != NULL && ctx.o.redis_url[0] == '\0')
        ctx.o.redis_url = NULL;
    if (!parse_count(ctx.threads, "--threads", 1, 256, &ctx.o.threads) ||
        !parse_count(ctx.max_connections, "--max-connections", 16, 100000, &ctx.o.max_connections) ||
        !parse_count(ctx.request_timeout, "--request-timeout", 1, 3600, &ctx.o.request_timeout_s) ||
        !parse_count(ctx.idle_timeout, "--idle-timeout", 1, 3600, &ctx.o.idle_timeout_s))
        return CLI_EXIT_USAGE;
    return srv_serve_run(&ctx.o);
}
