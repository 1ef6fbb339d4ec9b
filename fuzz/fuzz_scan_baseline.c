/*
 * fuzz_scan_baseline.c: the baseline parser on arbitrary input. An accepted
 * baseline must support lookups. A rejected one must leave no baseline and
 * name the reason.
 */
#include <stdint.h>
#include <stdlib.h>

#include "scan/baseline.h"

#define FUZZ_MAX 65536u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scan_baseline *b = NULL;
    const char *why = NULL;

    if (size > FUZZ_MAX)
        return 0;
    if (scan_baseline_parse(&b, data, size, &why)) {
        if (b == NULL)
            abort();
        (void)scan_baseline_has(b, "0123456789abcdef0123456789abcdef");
        scan_baseline_free(b);
    } else if (b != NULL || why == NULL) {
        abort();
    }
    return 0;
}
