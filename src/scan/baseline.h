/*
 * baseline.h: parsing of baseline files, exposed for the unit tests and the
 * fuzz target.
 */
#ifndef JWTGUARD_SCAN_BASELINE_H
#define JWTGUARD_SCAN_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct scan_baseline;

/*
 * Parses a baseline document of `len` bytes. On success *out is set (free
 * it with scan_baseline_free()); on failure *why names what is invalid.
 */
bool scan_baseline_parse(struct scan_baseline **out, const uint8_t *text, size_t len,
                         const char **why);

/* True when the content fingerprint (32 lowercase hex digits) is in the baseline. */
bool scan_baseline_has(const struct scan_baseline *b, const char *content_fp);

void scan_baseline_free(struct scan_baseline *b);

#endif /* JWTGUARD_SCAN_BASELINE_H */
