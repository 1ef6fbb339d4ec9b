/*
 * cmd_serve.c: placeholder for `jwtguard serve` until it lands.
 */
#include "cli.h"

int cli_cmd_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("command not built yet", "serve", "use a later version");
    return CLI_EXIT_USAGE;
}
