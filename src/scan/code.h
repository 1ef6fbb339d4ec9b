/*
 * code.h: the checks behind the validation-code rules (JG4xx) and the CI
 * pipeline rules (JG5xx). They are pure functions of a file's bytes, kept
 * apart from the engine. det_code.c and det_ci.c wrap them for the engine,
 * and the unit tests call them directly.
 *
 * Each pattern is a Vectorscan expression that ends right after a literal
 * anchor (a call name and its '(' or a keyword). A check starts at the
 * match end, reads a bounded amount of text around it and appends hits.
 */
#ifndef JWTGUARD_SCAN_CODE_H
#define JWTGUARD_SCAN_CODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/scan.h"

/* Maximum bytes a check reads from a call's '(' to its ')'. */
#define CODE_MAX_CALL 2048u
/* Maximum hits one match yields. */
#define CODE_MAX_HITS 8u
/* Leeways above this many seconds are reported (RFC 7519 4.1.4: "usually no more than a few
 * minutes"). */
#define CODE_MAX_LEEWAY_SECONDS 300

typedef struct code_hit {
    const scan_rule *rule;
    size_t offset; /* start of the evidence */
    size_t len;
    int severity;        /* a scan_severity overriding the rule's, or -1 */
    const char *message; /* static text */
} code_hit;

/* What one match produced. */
typedef struct code_result {
    code_hit hits[CODE_MAX_HITS];
    size_t count;
    size_t skip_until; /* 0, or an offset the detector's later matches must end after */
} code_result;

/* The input of a check: one match of one pattern in one file. */
typedef struct code_site {
    const uint8_t *text;
    size_t len;
    scan_lang lang;
    unsigned file_flags; /* SCAN_FILE_* */
    size_t end;          /* end offset of the match */
    code_result *out;
} code_site;

/* The languages and the check of one pattern. */
typedef struct code_matcher {
    unsigned langs; /* SCAN_LANG_BIT() mask the check applies to */
    void (*check)(const code_site *site);
} code_matcher;

/* The matchers of a detector; its pattern i is confirmed by matcher i. */
typedef struct code_group {
    const code_matcher *matchers;
    size_t count;
} code_group;

/* Pattern counts, fixed here so the detector tables can use them as constants. */
#define CODE_CALL_PATTERNS 31u
#define CODE_KEY_PATTERNS 3u
#define CODE_LEAK_PATTERNS 8u
#define CODE_CI_PATTERNS 9u

extern const scan_pattern code_call_patterns[CODE_CALL_PATTERNS];
extern const scan_pattern code_key_patterns[CODE_KEY_PATTERNS];
extern const scan_pattern code_leak_patterns[CODE_LEAK_PATTERNS];
extern const scan_pattern code_ci_patterns[CODE_CI_PATTERNS];

extern const code_group code_group_calls; /* library calls: JG401..JG408 */
extern const code_group code_group_keys;  /* kid, jku, x5u, jwk: JG409..JG411 */
extern const code_group code_group_leaks; /* tokens in URLs and logs: JG412, JG413 */
extern const code_group code_group_ci;    /* CI pipelines: JG5xx */

/* The rule tables (code_rules.c), indexed by the enums below. */
enum {
    CODE_R_NONE_ALG,       /* JG401 */
    CODE_R_DECODE_ONLY,    /* JG402 */
    CODE_R_VERIFY_OFF,     /* JG403 */
    CODE_R_ALG_UNPINNED,   /* JG404 */
    CODE_R_ALG_FROM_TOKEN, /* JG405 */
    CODE_R_EXP_OFF,        /* JG406 */
    CODE_R_AUD_ISS_OFF,    /* JG407 */
    CODE_R_NO_EXP,         /* JG408 */
    CODE_R_KEY_URL,        /* JG409 */
    CODE_R_KID_PATH,       /* JG410 */
    CODE_R_KID_SQL,        /* JG411 */
    CODE_R_TOKEN_URL,      /* JG412 */
    CODE_R_TOKEN_LOG,      /* JG413 */
    CODE_RULE_COUNT
};
enum {
    CI_R_PRINT_SECRET, /* JG501 */
    CI_R_VERBOSE_CURL, /* JG502 */
    CI_R_TOKEN_URL,    /* JG503 */
    CI_R_XTRACE,       /* JG504 */
    CI_RULE_COUNT
};
extern const scan_rule code_rules[CODE_RULE_COUNT];
extern const scan_rule ci_rules[CI_RULE_COUNT];

/*
 * Runs matcher `index` of `group` on the match ending at `end` and fills
 * `out`. Pure: reads only `text[0..len)`.
 */
void code_check(const code_group *group, size_t index, const uint8_t *text, size_t len,
                scan_lang lang, unsigned file_flags, size_t end, code_result *out);

/*
 * Appends a hit for rule table entry `rule` (code_rules or ci_rules), at
 * severity low at most in SCAN_FILE_TEST files. Drops it when full.
 */
void code_hit_add(const code_site *site, const scan_rule *rule, size_t offset, size_t len,
                  int severity, const char *message);

/*
 * Reports a check's hits through scan_report() and moves the skip offset
 * of detector `index` forward. It lives in det_code.c with the engine
 * calls, so the unit tests link the checks without the engine.
 */
void code_report_hits(scan_ctx *ctx, scan_file *f, unsigned index, const code_result *r);

#endif /* JWTGUARD_SCAN_CODE_H */
