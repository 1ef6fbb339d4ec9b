/*
 * cmd_scan.c: placeholder for `jwtguard scan` until it lands.
 */
#include "cli.h"

int cli_cmd_scan(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("command not built yet", "scan", "use a later version");
    return CLI_EXIT_USAGE;
}
