/*
 * det_ci.c: the detector of CI pipeline steps that leak secrets or tokens
 * (JG5xx). The checks live in code_ci.c. The engine runs this detector on
 * shell, YAML and other files, and the checks skip all but CI files and
 * shell scripts.
 */
#include "scan/code.h"

static void on_ci(scan_ctx *ctx, scan_file *f, unsigned index, size_t pattern, size_t end)
{
    code_result result;

    code_check(&code_group_ci, pattern, f->data, f->len, f->lang, f->flags, end, &result);
    code_report_hits(ctx, f, index, &result);
}

static const scan_detector ci_detectors[] = {
    {"ci", code_ci_patterns, CODE_CI_PATTERNS,
     SCAN_LANG_BIT(SCAN_LANG_SHELL) | SCAN_LANG_BIT(SCAN_LANG_YAML) |
         SCAN_LANG_BIT(SCAN_LANG_OTHER),
     on_ci, NULL},
};

const scan_set scan_set_ci = {ci_rules, CI_RULE_COUNT, ci_detectors,
                              sizeof(ci_detectors) / sizeof(ci_detectors[0])};
