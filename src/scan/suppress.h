/*
 * suppress.h: the ignore file's entries and glob matching, exposed for the
 * unit tests and the fuzz target.
 */
#ifndef JWTGUARD_SCAN_SUPPRESS_H
#define JWTGUARD_SCAN_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "scan/ctx.h"

typedef struct scan_ignore_entry {
    char *rule_id;    /* NULL: a path entry, which the walk skips */
    char *glob;       /* without the leading and trailing '/' */
    bool anchored;    /* matched from the root, not at any depth */
    bool folder_only; /* written with a trailing '/' */
} scan_ignore_entry;

struct scan_ignore {
    scan_vec entries; /* scan_ignore_entry */
};

/* Matches a glob against a whole string: '*' '?' '[...]' within one name, '**' across names. */
bool scan_glob_match(const char *pat, const char *s);

/* Whether `e` matches `path` or a folder above it; a `path` ending in '/' is a folder. */
bool scan_ignore_glob(const scan_ignore_entry *e, const char *path);

/* Parses one line: 1 entry, 0 blank or comment, -1 invalid with the reason in *why. */
int scan_ignore_parse_line(const char *line, size_t len, scan_ignore_entry *e, const char **why);

/* Adds the entries of `text`; prints the first invalid line (named `name`) and returns false. */
bool scan_ignore_parse(struct scan_ignore *ig, const char *name, const char *text, size_t len);

#endif /* JWTGUARD_SCAN_SUPPRESS_H */
