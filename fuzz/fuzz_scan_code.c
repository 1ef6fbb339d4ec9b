/*
 * fuzz_scan_code.c: the JG4xx and JG5xx checks on arbitrary text. The
 * first byte picks the language and the CI flag; the rest is the file.
 * Every Vectorscan match of every group goes through code_check(), as in
 * the engine. Any crash or sanitizer report is a bug, and every hit must
 * lie inside the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <hs/hs.h>

#include "scan/code.h"

typedef struct fuzz_group {
    const code_group *group;
    const scan_pattern *patterns;
    size_t count;
    hs_database_t *db;
} fuzz_group;

static fuzz_group groups[] = {
    {&code_group_calls, code_call_patterns, CODE_CALL_PATTERNS, NULL},
    {&code_group_keys, code_key_patterns, CODE_KEY_PATTERNS, NULL},
    {&code_group_leaks, code_leak_patterns, CODE_LEAK_PATTERNS, NULL},
    {&code_group_ci, code_ci_patterns, CODE_CI_PATTERNS, NULL},
};
#define GROUP_COUNT (sizeof(groups) / sizeof(groups[0]))

static hs_scratch_t *scratch;

typedef struct fuzz_input {
    const fuzz_group *group;
    const uint8_t *text;
    size_t len;
    scan_lang lang;
    unsigned flags;
    size_t skip_until;
} fuzz_input;

static void compile_groups(void)
{
    for (size_t g = 0; g < GROUP_COUNT; g++) {
        const char *exprs[64];
        unsigned flags[64];
        unsigned ids[64];
        hs_compile_error_t *err = NULL;

        for (size_t i = 0; i < groups[g].count; i++) {
            exprs[i] = groups[g].patterns[i].expr;
            flags[i] = groups[g].patterns[i].flags;
            ids[i] = (unsigned)i;
        }
        if (hs_compile_multi(exprs, flags, ids, (unsigned)groups[g].count, HS_MODE_BLOCK, NULL,
                             &groups[g].db, &err) != HS_SUCCESS ||
            hs_alloc_scratch(groups[g].db, &scratch) != HS_SUCCESS)
            abort();
    }
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                    void *context)
{
    fuzz_input *in = context;
    code_result r;

    (void)from;
    (void)flags;
    if (to <= in->skip_until)
        return 0;
    code_check(in->group->group, id, in->text, in->len, in->lang, in->flags, (size_t)to, &r);
    for (size_t h = 0; h < r.count; h++) {
        if (r.hits[h].offset > in->len || r.hits[h].len > in->len - r.hits[h].offset ||
            r.hits[h].rule == NULL || r.hits[h].message == NULL)
            abort();
    }
    if (r.skip_until > in->len)
        abort();
    if (r.skip_until > in->skip_until)
        in->skip_until = r.skip_until;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in;

    if (scratch == NULL)
        compile_groups();
    if (size < 1 || size > (1u << 20))
        return 0;

    in.text = data + 1;
    in.len = size - 1;
    in.lang = (scan_lang)((data[0] & 0x7fu) % SCAN_LANG_COUNT);
    in.flags = (data[0] & 0x80u) ? SCAN_FILE_CI : 0;
    for (size_t g = 0; g < GROUP_COUNT; g++) {
        in.group = &groups[g];
        in.skip_until = 0;
        if (hs_scan(groups[g].db, (const char *)in.text, (unsigned)in.len, 0, scratch, on_match,
                    &in) != HS_SUCCESS)
            abort();
    }
    return 0;
}
