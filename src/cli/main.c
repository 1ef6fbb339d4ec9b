/*
 * main.c: the jwtguard command's entry point and subcommand dispatch table.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "policy_cmds.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"verify", cli_cmd_verify, "verify a token's signature, header and claims"},
    {"inspect", cli_cmd_inspect, "decode a token without verifying it and list risky findings"},
    {"sign", cli_cmd_sign, "issue a signed token"},
    {"keygen", cli_cmd_keygen, "generate a signing key and its public JWK set"},
    {"policy", cli_cmd_policy, "lint, compare and check policy files for shared keys"},
    {"scan", cli_cmd_scan, "find leaked tokens, signing secrets and unsafe JWT code"},
    {"redact", cli_cmd_redact, "replace tokens in a log stream, stdin to stdout"},
    {"serve", cli_cmd_serve, "run the gateway authorization service"},
    {"revoke", cli_cmd_revoke, "revoke tokens by jti or subject through Redis"},
};

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < CLI_ARRAY_LEN(commands); i++) {
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    }
    return NULL;
}

static void print_usage(FILE *f)
{
    fputs("usage: jwtguard COMMAND [options]\n\ncommands:\n", f);
    for (size_t i = 0; i < CLI_ARRAY_LEN(commands); i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n  jwtguard help COMMAND   print the options of COMMAND\n"
          "  jwtguard --version      print the version\n\n"
          "Exit status: 0 success, 1 token rejected or findings, 2 usage or configuration "
          "error,\n3 scan incomplete.\nSee jwtguard(1).\n",
          f);
}

/* Runs `jwtguard help [COMMAND]` as COMMAND --help. */
static int run_help(int argc, char **argv)
{
    const struct command *cmd;
    char help_flag[] = "--help";
    char *help_argv[3] = {NULL, help_flag, NULL};

    if (argc < 2) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    cmd = find_command(argv[1]);
    if (cmd == NULL) {
        cli_error("unknown command", argv[1], "run jwtguard --help for the list");
        return CLI_EXIT_USAGE;
    }
    help_argv[0] = argv[1];
    return cmd->run(2, help_argv);
}

/* Runs the command line's subcommand, help or version request and returns the exit status. */
static int dispatch(int argc, char **argv)
{
    const struct command *cmd;

    if (argc < 2) {
        print_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("jwtguard %s (libjwtguard %s)\n", JWG_VERSION_STRING, jwg_version());
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "help") == 0)
        return run_help(argc - 1, argv + 1);

    cmd = find_command(argv[1]);
    if (cmd == NULL) {
        cli_error("unknown command", argv[1], "run jwtguard --help for the list");
        return CLI_EXIT_USAGE;
    }
    return cmd->run(argc - 1, argv + 1);
}

/*
 * Flushes and closes standard output, and returns exit 2 when a write failed,
 * because a token, payload or verdict lost to a full disk must not look like
 * success. Exit 1 becomes 2 as well, since a rejection or findings report
 * that was not written is an I/O error.
 */
static int finish_stdout(int status)
{
    int err = 0;

    if (fflush(stdout) != 0)
        err = errno;
    else if (ferror(stdout))
        /* NOTE: the write failed earlier, while printing, so later calls may have
         * changed errno since. EIO is reported when errno is 0. */
        err = errno != 0 ? errno : EIO;
    if (fclose(stdout) != 0 && err == 0)
        err = errno;
    if (err == 0)
        return status;

    cli_error("writing standard output failed", strerror(err), "check the disk or pipe");
    return CLI_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    return finish_stdout(dispatch(argc, argv));
}
