/*
 * sec_det.h: what the signing-secret detectors share (det_secrets.c,
 * sec_code.c, sec_keys.c, sec_cross.c). Detectors see the engine only
 * through scan.h.
 */
#ifndef JWTGUARD_SEC_DET_H
#define JWTGUARD_SEC_DET_H

#include "scan/scan.h"

/* Indexes into sec_rules[], in catalog order. */
typedef enum sec_rule_index {
    SEC_JG201 = 0, /* hard-coded signing secret in a config file */
    SEC_JG202,     /* signing secret in a Kubernetes Secret */
    SEC_JG203,     /* literal key in code: a call argument or a secret-named variable */
    SEC_JG204,     /* weak or default signing secret */
    SEC_JG205,     /* PEM private key committed */
    SEC_JG206,     /* private JWK committed */
    SEC_JG207,     /* literal secret in a CI file */
    SEC_JG208,     /* signing secret printed in a log or CI output */
    SEC_JG301,     /* same secret in two environments */
    SEC_JG302,     /* leaked HS* token verifies with a secret found in the scan */
    SEC_JG303,     /* leaked HS* token verifies with a weak-list secret */
    SEC_RULE_COUNT
} sec_rule_index;

extern const scan_rule sec_rules[SEC_RULE_COUNT];

/*
 * Reports a literal HMAC secret found at `offset` (`len` bytes of
 * evidence) and keeps it as a SCAN_NOTE_SECRET. `value` is the secret as
 * a library would use it, decoded when the file encodes it. `context` is
 * the key or call it was given to, and `where` names the place for the
 * message ("a config file"). A weak secret is reported as JG204 in place
 * of `rule`.
 */
void sec_report_secret(scan_ctx *ctx, const scan_file *f, sec_rule_index rule, size_t offset,
                       size_t len, const char *context, const uint8_t *value, size_t value_len,
                       const char *where);

/* Lowers `severity` for files under test folders, which hold fixtures more often than real secrets.
 */
int sec_file_severity(const scan_file *f, scan_severity severity);

/* The code-literal detector (sec_code.c): one pattern per library call. */
#define SEC_CODE_PATTERN_COUNT 14u
extern const scan_pattern sec_code_patterns[SEC_CODE_PATTERN_COUNT];
void sec_code_on_match(scan_ctx *ctx, scan_file *f, unsigned index, size_t pattern, size_t end);

/* Literals assigned to secret names in code (sec_code.c): "jwt", "secret", "signing", "hmac". */
#define SEC_ASSIGN_PATTERN_COUNT 4u
extern const scan_pattern sec_assign_patterns[SEC_ASSIGN_PATTERN_COUNT];
void sec_assign_on_match(scan_ctx *ctx, scan_file *f, unsigned index, size_t pattern, size_t end);

/* The private-key detector (sec_keys.c): PEM armour and JWK "kty" members. */
#define SEC_KEYS_PATTERN_COUNT 2u
extern const scan_pattern sec_keys_patterns[SEC_KEYS_PATTERN_COUNT];
void sec_keys_on_match(scan_ctx *ctx, scan_file *f, unsigned index, size_t pattern, size_t end);

/* The cross-file rules JG301, JG302 and JG303 (sec_cross.c), run once after every file. */
void sec_cross_finish(scan_ctx *ctx);

#endif /* JWTGUARD_SEC_DET_H */
