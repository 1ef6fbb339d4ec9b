/*
 * fuzz_scan_suppress.c: the ignore-file parser, glob matching and inline
 * allow comments on arbitrary input. The input's first line is a path and
 * the rest an ignore file. Every entry is matched against the path, and
 * every line start is checked for an allow comment.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/suppress.h"

#define FUZZ_MAX 8192u

static void check_inline(const uint8_t *data, size_t size)
{
    for (size_t start = 0; start <= size;) {
        const uint8_t *nl;

        (void)scan_inline_allowed(data, size, start, "JG201");
        nl = start < size ? memchr(data + start, '\n', size - start) : NULL;
        if (nl == NULL)
            break;
        start = (size_t)(nl - data) + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scan_ignore *ig;
    const uint8_t *nl;
    char *path;
    size_t path_len;

    if (size > FUZZ_MAX)
        return 0;
    check_inline(data, size);

    nl = memchr(data, '\n', size);
    path_len = nl ? (size_t)(nl - data) : size;
    path = malloc(path_len + 1);
    ig = calloc(1, sizeof(*ig));
    if (path == NULL || ig == NULL) {
        free(path);
        free(ig);
        return 0;
    }
    memcpy(path, data, path_len);
    path[path_len] = '\0';

    if (scan_ignore_parse(ig, "fuzz", (const char *)data + path_len, size - path_len)) {
        (void)scan_ignore_path(ig, path);
        (void)scan_ignore_match(ig, "JG101", path);
    }
    scan_ignore_free(ig);
    free(path);
    return 0;
}
