/*
 * tok_det.h: what the leaked-token files share (det_tokens.c,
 * tok_context.c). Detectors see the engine only through scan.h.
 */
#ifndef JWTGUARD_TOK_DET_H
#define JWTGUARD_TOK_DET_H

#include "scan/scan.h"

/* Index of each JG1xx rule in tok_rules. */
typedef enum tok_rule_index {
    TOK_JG101 = 0, /* token in a URL */
    TOK_JG102,     /* bearer token in a log line */
    TOK_JG103,     /* token in a JSON log field */
    TOK_JG104,     /* token in a config file */
    TOK_JG105,     /* token in source code */
    TOK_JG106,     /* token base64-encoded again */
    TOK_JG107,     /* unsigned token */
    TOK_JG108,     /* token in other text */
    TOK_RULE_COUNT
} tok_rule_index;

extern const scan_rule tok_rules[TOK_RULE_COUNT];

#endif /* JWTGUARD_TOK_DET_H */
