/*
 * gitscan.c: placeholder until --diff and --git-history land.
 */
#include "scan/ctx.h"

bool scan_diff_load(scan_ctx *ctx)
{
    scan_add_skip(ctx, ctx->opts.diff_rev, "--diff is not built yet", true);
    return false;
}

bool scan_diff_has_line(const struct scan_diff *d, const char *path, size_t line)
{
    (void)d;
    (void)path;
    (void)line;
    return true;
}

void scan_diff_free(struct scan_diff *d)
{
    (void)d;
}

bool scan_history_load(scan_ctx *ctx)
{
    scan_add_skip(ctx, ".", "--git-history is not built yet", true);
    return false;
}
