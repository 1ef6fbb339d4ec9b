/*
 * baseline.c: placeholder until the baseline lands.
 */
#include <stdlib.h>

#include "scan/ctx.h"

bool scan_baseline_load(scan_ctx *ctx, const char *path)
{
    (void)ctx;
    fprintf(stderr, "jwtguard: error: --baseline is not built yet (%s): remove it\n", path);
    return false;
}

bool scan_baseline_has(const struct scan_baseline *b, const char *content_fp)
{
    (void)b;
    (void)content_fp;
    return false;
}

void scan_baseline_free(struct scan_baseline *b)
{
    (void)b;
}

bool scan_write_baseline(const scan_ctx *ctx, const char *path)
{
    (void)ctx;
    fprintf(stderr, "jwtguard: error: --write-baseline is not built yet (%s): remove it\n", path);
    return false;
}
