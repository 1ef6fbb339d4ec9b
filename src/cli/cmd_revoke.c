/*
 * cmd_revoke.c: placeholder for `jwtguard revoke` until it lands.
 */
#include "cli.h"

int cli_cmd_revoke(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("command not built yet", "revoke", "use a later version");
    return CLI_EXIT_USAGE;
}
