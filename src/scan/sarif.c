/*
 * sarif.c: placeholder until the SARIF report lands.
 */
#include "scan/ctx.h"

void scan_write_sarif(const scan_ctx *ctx, FILE *out)
{
    (void)ctx;
    fputs("{}\n", out);
}
