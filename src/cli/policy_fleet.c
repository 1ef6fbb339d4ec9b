/*
 * policy_fleet.c: reading the policy files that `jwtguard policy diff` and
 * `check-env` compare, with the strict loader.
 */
#include <stdlib.h>

#include "../lib/policy_file_internal.h"
#include "policy_cmds.h"

bool policy_parse_all(char **files, size_t count, jwg_policy_file **pfs, struct policy_report *r)
{
    for (size_t i = 0; i < count; i++) {
        char detail[JWG_DETAIL_MAX] = "";
        char *buf = NULL;
        size_t len = 0;
        jwg_err e;

        if (!cli_read_file(files[i], JWG_POLICY_FILE_MAX, "a policy file is at most 1 MiB", &buf, &len))
            return false;
        e = jwg_policy_file_parse(buf, len, files[i], &pfs[i], detail, sizeof(detail));
        cli_buf_free(buf, len);
        if (e != JWG_OK)
            policy_add(r, "policy-invalid", true, files[i], 0,
                       "the loader rejects this file, so it is not compared: %s", detail);
    }
    return true;
}

void policy_free_all(jwg_policy_file **pfs, size_t count)
{
    for (size_t i = 0; i < count; i++)
        jwg_policy_file_free(pfs[i]);
    free(pfs);
}
