/*
 * policy_cmds.h: the `jwtguard policy` subcommands (lint, diff, check-env)
 * and the findings report they share. These files read the library's
 * internal policy file, YAML tree and key types, because the public API
 * exposes no parsed policy; see docs/DECISIONS.md.
 */
#ifndef JWTGUARD_POLICY_CMDS_H
#define JWTGUARD_POLICY_CMDS_H

#include "cli.h"

/* Version of the JSON documents of the policy subcommands; raised on an incompatible change. */
#define POLICY_JSON_VERSION 1

/* Maximum policy files one run reads. */
#define POLICY_MAX_FILES 256u

enum policy_format { POLICY_TEXT, POLICY_JSON };

/* One finding: a stable rule id, a severity, where (line 0 when unknown) and what to do. */
struct policy_finding {
    const char *rule;
    bool error; /* error, else warning */
    char *file;
    size_t line;
    char *message;
};

struct policy_report {
    struct policy_finding *items;
    size_t count;
    size_t cap;
    bool unreadable; /* a file could not be read or parsed as YAML */
};

/* Adds a finding with a printf-style message; exits the process when memory runs out. */
void policy_add(struct policy_report *r, const char *rule, bool error, const char *file, size_t line,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Prints the report as text or JSON for `command` and returns the exit status (0, 1 or 2). */
int policy_report_finish(struct policy_report *r, const char *command, enum policy_format format);

/* Expands the arguments (files, or one folder's *.yaml and *.yml, sorted) into `files`. */
bool policy_expand_args(const char **args, size_t count, char ***files, size_t *file_count);

void policy_free_list(char **files, size_t count);

/* Lints one file into `r`. */
void policy_lint_file(const char *path, struct policy_report *r);

/*
 * Reads and parses every file with the strict loader. A file the loader
 * rejects becomes a finding in `r` and stays NULL in `pfs`. Returns false,
 * with the error printed, when a file cannot be read.
 */
bool policy_parse_all(char **files, size_t count, jwg_policy_file **pfs, struct policy_report *r);

/* Frees the parsed files and the array. */
void policy_free_all(jwg_policy_file **pfs, size_t count);

int policy_run_diff(char **files, size_t count, enum policy_format format);
int policy_run_check_env(char **files, size_t count, enum policy_format format);

int cli_cmd_policy(int argc, char **argv);

#endif /* JWTGUARD_POLICY_CMDS_H */
