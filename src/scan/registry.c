/*
 * registry.c: the list of detector sets the scanner runs.
 */
#include <string.h>

#include "scan/scan.h"

static const scan_set *const all_sets[] = {
    &scan_set_tokens,
    &scan_set_secrets,
    &scan_set_code,
    &scan_set_ci,
};

const scan_set *const *scan_sets(size_t *count)
{
    *count = sizeof(all_sets) / sizeof(all_sets[0]);
    return all_sets;
}

const scan_rule *scan_rule_find(const char *id)
{
    size_t count;
    const scan_set *const *sets = scan_sets(&count);

    for (size_t s = 0; s < count; s++) {
        for (size_t r = 0; r < sets[s]->rule_count; r++) {
            if (strcmp(sets[s]->rules[r].id, id) == 0)
                return &sets[s]->rules[r];
        }
    }
    return NULL;
}
