/*
 * fuzz_policy.c: libFuzzer target for the policy file reader: YAML parsing
 * and the schema. It uses the parse-only entry point, which opens no key
 * file and runs no command, so an input that names "exec" runs nothing.
 * A parse that succeeds must name its issuers, and a failure must write a
 * non-empty, NUL-terminated detail.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy_file_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jwg_policy_file *pf = NULL;
    char detail[512];

    jwg_err rc = jwg_policy_file_parse((const char *)data, size, "fuzz.yaml", &pf, detail, sizeof(detail));
    if (memchr(detail, '\0', sizeof(detail)) == NULL)
        abort();
    if (rc != JWG_OK) {
        if (pf != NULL || (rc != JWG_ERR_NOMEM && detail[0] == '\0'))
            abort();
        return 0;
    }

    if (jwg_policy_file_issuer_count(pf) == 0)
        abort();
    for (size_t i = 0; i < jwg_policy_file_issuer_count(pf); i++) {
        if (jwg_policy_file_issuer(pf, i) == NULL || pf->issuers[i].policy == NULL)
            abort();
    }
    jwg_policy_file_free(pf);
    return 0;
}
