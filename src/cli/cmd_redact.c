/*
 * cmd_redact.c: placeholder for `jwtguard redact` until it lands.
 */
#include "cli.h"

int cli_cmd_redact(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("command not built yet", "redact", "use a later version");
    return CLI_EXIT_USAGE;
}
