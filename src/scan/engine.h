/*
 * engine.h: the scan engine's interface to the command (cmd_scan.c) and to
 * its own files (walk, classify, report, sarif, suppress, baseline,
 * gitscan). Detectors see only scan.h.
 */
#ifndef JWTGUARD_SCAN_ENGINE_H
#define JWTGUARD_SCAN_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scan/scan.h"

/* Version of the JSON report and baseline layout; bumped on incompatible changes. */
#define SCAN_JSON_SCHEMA "jwtguard-scan/1"

/* Default --max-file-size: 64 MiB. Larger files are listed as skipped. */
#define SCAN_DEFAULT_MAX_FILE_SIZE (64ull * 1024u * 1024u)

/* Bytes shown of a secret or token value: at most this many, and at most a quarter of it. */
#define SCAN_PREVIEW_MAX 6u

/* Hex digits of the value fingerprint shown in reports. */
#define SCAN_VALUE_FP_HEX 12u

/* Hex digits of the content fingerprint used by the baseline and SARIF. */
#define SCAN_CONTENT_FP_HEX 32u

/*
 * Files larger than this are read in windows instead of being mapped, so
 * peak memory does not grow with file size.
 */
#define SCAN_MAP_MAX (16u * 1024u * 1024u)

/* Standard input and large files are read in windows of this size, plus the overlap below. */
#define SCAN_STREAM_CHUNK (1024u * 1024u)

/*
 * Bytes of context kept on each side of a match in a window. A detector
 * may read this far around a match end, so tokens up to this length are
 * found whole even across a window boundary.
 */
#define SCAN_STREAM_CONTEXT (64u * 1024u)

/* What produced a suppression; SCAN_SUPPRESS_NONE for an active finding. */
typedef enum scan_suppress {
    SCAN_SUPPRESS_NONE = 0,
    SCAN_SUPPRESS_INLINE,   /* jwtguard:allow on the line or the line above */
    SCAN_SUPPRESS_IGNORE,   /* a line of the ignore file */
    SCAN_SUPPRESS_BASELINE, /* its content fingerprint is in the baseline */
    SCAN_SUPPRESS_COUNT
} scan_suppress;

/* Size of a primaryLocationLineHash: up to 16 hex digits, ':', an occurrence count, NUL. */
#define SCAN_LINE_HASH_SIZE 24u

/* A finding as the engine keeps it: everything copied, no secret bytes. */
typedef struct scan_result {
    const scan_rule *rule;
    char *path;
    char *commit; /* the commit holding the blob (--git-history), or NULL */
    size_t line, column, end_line, end_column; /* 1-based; end_column exclusive; column 0: whole line */
    scan_severity severity;
    char *message;
    bool has_value;
    char preview[4 * SCAN_PREVIEW_MAX + 1]; /* escaped prefix of the value */
    size_t value_len;
    char value_fp[SCAN_VALUE_FP_HEX + 1];
    char content_fp[SCAN_CONTENT_FP_HEX + 1];
    char line_hash[SCAN_LINE_HASH_SIZE]; /* SARIF primaryLocationLineHash: hex, ':', occurrence; "" when unknown */
    scan_related *related; /* copies */
    size_t related_count;
    scan_suppress suppressed;
    bool late; /* reported by finish() through scan_report_at() */
} scan_result;

/* A file that was not scanned, or not scanned whole. */
typedef struct scan_skip {
    char *path;
    const char *reason; /* static text: "binary", "too large", "vendored", "unreadable: ..." */
    bool error;         /* true when it makes the scan incomplete */
} scan_skip;

typedef struct scan_options {
    const char *const *paths; /* "-" is standard input */
    size_t path_count;
    unsigned jobs;            /* 0: online CPUs */
    uint64_t max_file_size;
    bool include_vendored;
    bool include_binary;
    bool have_now;
    int64_t now;
    const char *ignore_file;  /* NULL: .jwtguardignore at the first root, when present */
    const char *baseline;     /* NULL: none */
    const char *diff_rev;     /* --diff REV, or NULL */
    bool git_history;
    bool line_hashes;         /* compute SARIF line hashes: one more pass over each file with findings */
} scan_options;

/* The outcome of a run; valid until scan_ctx_free(). */
typedef struct scan_summary {
    size_t files_scanned;
    uint64_t bytes_scanned;
    size_t suppressed[SCAN_SUPPRESS_COUNT];
    bool incomplete;
} scan_summary;

/* Creates a run; NULL on allocation failure or when the patterns do not compile (message printed). */
scan_ctx *scan_ctx_new(const scan_options *opts);
void scan_ctx_free(scan_ctx *ctx);

/* Scans everything `opts` names and runs every finish(). False on a usage error (message printed). */
bool scan_run(scan_ctx *ctx);

/* Results sorted by path, line, column, rule id; suppressed ones included and marked. */
const scan_result *scan_results(const scan_ctx *ctx, size_t *count);
const scan_skip *scan_skips(const scan_ctx *ctx, size_t *count);
const scan_summary *scan_get_summary(const scan_ctx *ctx);

/* Writes the active findings' fingerprints to a baseline file; prints the error and returns false. */
bool scan_write_baseline(const scan_ctx *ctx, const char *path);

/* Reports. `color` adds ANSI colour to text. */
void scan_write_text(const scan_ctx *ctx, FILE *out, bool color);
void scan_write_json(const scan_ctx *ctx, FILE *out);
void scan_write_sarif(const scan_ctx *ctx, FILE *out);

/* Catalog. */
void scan_list_rules(FILE *out, bool json);
bool scan_explain_rule(FILE *out, const char *id);
void scan_print_patterns(FILE *out);

/* Returns "note", "low", "medium", "high", "critical". */
const char *scan_severity_name(scan_severity s);

/* Parses a severity name; false when unknown. */
bool scan_severity_parse(const char *name, scan_severity *out);

/* Classification (classify.c). Pure. */
scan_lang scan_classify_lang(const char *path, const uint8_t *data, size_t len);
unsigned scan_classify_flags(const char *path);
const char *scan_lang_name(scan_lang lang);
/* True for a folder name skipped unless --include-vendored: node_modules, vendor, ... */
bool scan_is_vendored_dir(const char *name);

/* Writes `len` bytes as a JSON string; invalid UTF-8 bytes become \u00XX escapes of U+FFFD. */
void scan_json_string(FILE *out, const char *s, size_t len);

#endif /* JWTGUARD_SCAN_ENGINE_H */
