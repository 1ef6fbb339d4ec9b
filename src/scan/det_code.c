/*
 * det_code.c: the detectors of insecure JWT validation code (JG4xx). The
 * checks live in code_*.c as pure functions; these wrappers pass each match
 * to them and report what they return.
 */
#include "scan/code.h"

void code_report_hits(scan_ctx *ctx, scan_file *f, unsigned index, const code_result *r)
{
    for (size_t i = 0; i < r->count; i++) {
        const code_hit *hit = &r->hits[i];
        scan_finding finding = {hit->rule,     hit->offset, hit->len, hit->message, NULL, 0,
                                hit->severity, NULL,        0};

        scan_report(ctx, f, &finding);
    }
    if (index < SCAN_MAX_DETECTORS && r->skip_until > f->skip_until[index])
        f->skip_until[index] = r->skip_until;
}

static void run_group(const code_group *group, scan_ctx *ctx, scan_file *f, unsigned index,
                      size_t pattern, size_t end)
{
    code_result result;

    code_check(group, pattern, f->data, f->len, f->lang, f->flags, end, &result);
    code_report_hits(ctx, f, index, &result);
}

static void on_call(scan_ctx *ctx, scan_file *f, unsigned index, size_t pattern, size_t end)
{
    run_group(&code_group_calls, ctx, f, index, pattern, end);
}

static void on_key(scan_ctx *ctx, scan_file *f, unsigned index, size_t pattern, size_t end)
{
    run_group(&code_group_keys, ctx, f, index, pattern, end);
}

static void on_leak(scan_ctx *ctx, scan_file *f, unsigned index, size_t pattern, size_t end)
{
    run_group(&code_group_leaks, ctx, f, index, pattern, end);
}

#define CODE_LANGS                                                                                 \
    (SCAN_LANG_BIT(SCAN_LANG_JS) | SCAN_LANG_BIT(SCAN_LANG_PYTHON) | SCAN_LANG_BIT(SCAN_LANG_GO) | \
     SCAN_LANG_BIT(SCAN_LANG_JAVA) | SCAN_LANG_BIT(SCAN_LANG_PHP) | SCAN_LANG_BIT(SCAN_LANG_RUBY))

static const scan_detector code_detectors[] = {
    {"code-calls", code_call_patterns, CODE_CALL_PATTERNS, CODE_LANGS, on_call, NULL},
    {"code-keys", code_key_patterns, CODE_KEY_PATTERNS, CODE_LANGS, on_key, NULL},
    {"code-leaks", code_leak_patterns, CODE_LEAK_PATTERNS, CODE_LANGS, on_leak, NULL},
};

const scan_set scan_set_code = {code_rules, CODE_RULE_COUNT, code_detectors,
                                sizeof(code_detectors) / sizeof(code_detectors[0])};
