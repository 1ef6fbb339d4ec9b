/*
 * scan.h: the contract between the scan engine and the detectors.
 *
 * The engine (engine.c and the files it owns) walks the inputs, maps each
 * file, classifies it (language, CI file, environment), runs one Vectorscan
 * database made of every detector's patterns over it, and hands each match
 * to the detector that owns the pattern. A detector confirms the match by
 * reading the bytes around it and reports findings through scan_report().
 * After every file is scanned, each detector's finish() runs once, on one
 * thread, for rules that compare files (the same secret in two
 * environments, a leaked token forgeable with a secret found elsewhere).
 * The engine then applies suppressions and the baseline, sorts, and writes
 * text, JSON or SARIF.
 *
 * Threads: on_match() runs on the scanning threads, several files at once,
 * so a detector keeps per-file state only in its scan_file slot and shared
 * state only through the scan_note_*() calls, which lock. on_match() must
 * not call into Vectorscan.
 *
 * Secrets: a detector never puts secret or token bytes into a message.
 * It passes them as `value` in scan_finding, and the engine prints only a
 * short prefix, the length and a keyed fingerprint.
 */
#ifndef JWTGUARD_SCAN_H
#define JWTGUARD_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Severity, ordered; --fail-on compares against it. */
typedef enum scan_severity {
    SCAN_SEV_NOTE = 0,
    SCAN_SEV_LOW = 1,
    SCAN_SEV_MEDIUM = 2,
    SCAN_SEV_HIGH = 3,
    SCAN_SEV_CRITICAL = 4
} scan_severity;

/*
 * A rule of the catalog. Ids are stable and never reused: JG1xx leaked
 * tokens, JG2xx signing secrets and keys, JG3xx cross-file rules
 * (environments, forgeability), JG4xx validation code, JG5xx CI pipelines.
 */
typedef struct scan_rule {
    const char *id;                /* "JG101" */
    const char *name;              /* PascalCase, SARIF "name": "TokenInUrl" */
    const char *summary;           /* one sentence: SARIF shortDescription */
    const char *help;              /* what it means and what to do: SARIF help, text --explain */
    scan_severity severity;        /* default level of its findings */
    const char *security_severity; /* "0.0".."10.0", SARIF property security-severity */
    const char *cwe;               /* "CWE-798", or NULL */
} scan_rule;

/* Language or kind of a file, decided by the engine from its name and path. */
typedef enum scan_lang {
    SCAN_LANG_OTHER = 0,
    SCAN_LANG_JS,         /* .js .mjs .cjs .jsx .ts .tsx .mts .cts */
    SCAN_LANG_PYTHON,     /* .py */
    SCAN_LANG_GO,         /* .go */
    SCAN_LANG_JAVA,       /* .java .kt */
    SCAN_LANG_PHP,        /* .php */
    SCAN_LANG_RUBY,       /* .rb */
    SCAN_LANG_SHELL,      /* .sh .bash, files with a sh/bash shebang */
    SCAN_LANG_YAML,       /* .yml .yaml */
    SCAN_LANG_JSON,       /* .json */
    SCAN_LANG_ENV,        /* .env, .env.*, *.env */
    SCAN_LANG_PROPERTIES, /* .properties .ini .cfg .conf .toml */
    SCAN_LANG_LOG,        /* .log, and standard input */
    SCAN_LANG_COUNT
} scan_lang;

#define SCAN_LANG_BIT(l) (1u << (unsigned)(l))
#define SCAN_LANG_ALL 0u /* a detector's `langs` of 0 means every kind */

/* Flags the engine sets on a file. */
#define SCAN_FILE_CI 0x1u     /* GitHub workflows, .gitlab-ci.yml, Jenkinsfile, ci/ scripts */
#define SCAN_FILE_TEST 0x2u   /* under test/, tests/, spec/, __tests__/, fixtures/, or *_test.* */
#define SCAN_FILE_STDIN 0x4u  /* standard input: path is "-" */
#define SCAN_FILE_HELM 0x8u   /* values*.yaml or under a chart folder */

/* Maximum number of detectors; each has one skip slot per file. */
#define SCAN_MAX_DETECTORS 32u

/*
 * One input being scanned. The bytes stay mapped until every detector has
 * seen the file, and not after: a detector copies what it keeps (through
 * scan_note_*()). `data` is not NUL-terminated.
 */
typedef struct scan_file {
    const char *path;     /* relative to the scan root, '/' separators; "-" for stdin */
    const uint8_t *data;  /* the file's bytes */
    size_t len;
    scan_lang lang;
    unsigned flags;       /* SCAN_FILE_* */
    const char *env;      /* "prod", "staging", "test", "dev" or NULL: see scan_infer_env() */
    /*
     * skip_until[d]: the engine does not call detector d's on_match() for a
     * match that ends at or before this offset. A detector sets it past a
     * span it has consumed (a whole token), so the later anchors inside the
     * span are not seen again. Starts at 0.
     */
    size_t skip_until[SCAN_MAX_DETECTORS];
} scan_file;

/* Opaque: the engine's state for one run. */
typedef struct scan_ctx scan_ctx;

/* A location in another file, for findings that relate several places. */
typedef struct scan_related {
    const char *path;
    size_t line; /* 1-based */
    const char *message;
} scan_related;

/* What a detector reports; the engine copies everything it keeps. */
typedef struct scan_finding {
    const scan_rule *rule;
    size_t offset;          /* start of the evidence in the file, in bytes */
    size_t len;             /* its length; the region shown and highlighted */
    const char *message;    /* one line, no secret or token bytes */
    const uint8_t *value;   /* secret or token: fingerprinted and shown as a prefix; may be NULL */
    size_t value_len;
    int severity;           /* a scan_severity to override the rule's, or -1 */
    const scan_related *related; /* may be NULL */
    size_t related_count;
} scan_finding;

/*
 * A pattern of a detector, compiled into the engine's one database.
 * `flags` are Vectorscan HS_FLAG_* values; the engine adds nothing else.
 * Matches are reported at their end offset only. Prefer literal anchors
 * ("eyJ", "BEGIN", "jwt.decode"), which keep the scan at memory speed, and
 * confirm in code.
 */
typedef struct scan_pattern {
    const char *expr;
    unsigned flags;
} scan_pattern;

typedef struct scan_detector {
    const char *name; /* for messages and --debug: "tokens" */
    const scan_pattern *patterns;
    size_t pattern_count;
    unsigned langs; /* SCAN_LANG_BIT() mask of kinds it applies to, SCAN_LANG_ALL for every kind */
    /*
     * Called for a match of pattern `pattern` (index into `patterns`)
     * ending at `end` in `f`; `index` is this detector's slot in
     * f->skip_until. Returns nothing: a match that does not confirm is
     * simply dropped.
     */
    void (*on_match)(scan_ctx *ctx, scan_file *f, unsigned index, size_t pattern, size_t end);
    /* Called once after every file was scanned; may be NULL. */
    void (*finish)(scan_ctx *ctx);
} scan_detector;

/* A group of rules and the detectors that report them; one per source file group. */
typedef struct scan_set {
    const scan_rule *rules;
    size_t rule_count;
    const scan_detector *detectors;
    size_t detector_count;
} scan_set;

/* The sets, defined in det_*.c and listed in registry.c. */
extern const scan_set scan_set_tokens;  /* JG1xx, det_tokens.c */
extern const scan_set scan_set_secrets; /* JG2xx and JG3xx, det_secrets.c */
extern const scan_set scan_set_code;    /* JG4xx, det_code.c */
extern const scan_set scan_set_ci;      /* JG5xx, det_ci.c */

/* Returns the registered sets and their number (registry.c). */
const scan_set *const *scan_sets(size_t *count);

/* Returns the rule of id `id`, or NULL. */
const scan_rule *scan_rule_find(const char *id);

/* Reports a finding in `f`. Thread-safe. Applies inline suppressions. */
void scan_report(scan_ctx *ctx, const scan_file *f, const scan_finding *finding);

/*
 * Reports a finding at an explicit place, for finish(): `path` and `line`
 * (1-based), `column` (1-based, 0 for the whole line). Thread-safe.
 */
void scan_report_at(scan_ctx *ctx, const char *path, size_t line, size_t column,
                    const scan_finding *finding);

/* Converts an offset in `f` to a 1-based line and column. */
void scan_line_col(const scan_file *f, size_t offset, size_t *line, size_t *column);

/* A value kept across files: a signing secret or a token, with where it was. */
typedef struct scan_note {
    const char *path;
    size_t line;
    size_t column;
    const char *env;       /* the file's environment, or NULL */
    const char *context;   /* the key or variable name it was assigned to ("JWT_SECRET"), or "" */
    const uint8_t *value;  /* the secret or token bytes; the engine wipes them at the end */
    size_t value_len;
    uint8_t hash[32];      /* keyed hash of value: equal values have equal hashes */
} scan_note;

typedef enum scan_note_kind {
    SCAN_NOTE_SECRET = 0, /* an HMAC signing secret as it would be used (decoded when encoded) */
    SCAN_NOTE_TOKEN = 1,  /* a compact JWS found in the text */
    SCAN_NOTE_KIND_COUNT
} scan_note_kind;

/* Keeps a copy of `value` found at `offset` in `f`. Thread-safe. At most 65536 of each kind. */
void scan_note_add(scan_ctx *ctx, scan_note_kind kind, const scan_file *f, size_t offset,
                   const char *context, const uint8_t *value, size_t value_len);

/* Returns the notes of `kind` and their number; valid in finish() only. */
const scan_note *scan_notes(const scan_ctx *ctx, scan_note_kind kind, size_t *count);

/*
 * Infers the environment of a path from its folder and file names:
 * ".env.production", "values-staging.yaml", "overlays/prod/", "config/dev.json".
 * Returns "prod", "staging", "test", "dev" or NULL. Pure; for tests too.
 */
const char *scan_infer_env(const char *path);

/* The current time the scan judges token expiry by (--now), in Unix seconds. */
int64_t scan_now(const scan_ctx *ctx);

#endif /* JWTGUARD_SCAN_H */
