/*
 * test_server_break.c: inputs that once got past the gateway's parsers.
 * Each table row is one input and the exact expected output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "server/extract.h"

static void target_without_params(void **state)
{
    static const struct {
        const char *target;
        srv_target_error error;
        const char *path; /* NULL when the target is rejected */
    } cases[] = {
        /* Tomcat reads "..;" as "..", so the path climbs to /admin. */
        {"/public/..;/admin", SRV_TARGET_OK, "/admin"},
        /* A parameter with a value is dropped the same way. */
        {"/public/..;x=1/admin", SRV_TARGET_OK, "/admin"},
        /* ".;" is ".", removed like any dot segment. */
        {"/x/.;/admin", SRV_TARGET_OK, "/x/admin"},
        /* A parameter on a name segment leaves the name. */
        {"/admin;jsessionid=7", SRV_TARGET_OK, "/admin"},
        /* Parameters on several segments. */
        {"/orders;v=1/7;x", SRV_TARGET_OK, "/orders/7"},
        /* A segment that is only a parameter becomes empty, and "//" collapses. */
        {"/;x/admin", SRV_TARGET_OK, "/admin"},
        /* The query is not part of the path, ";" in it included. */
        {"/orders?a=1;b=2", SRV_TARGET_OK, "/orders"},
        /* An escaped ";" is a literal character of the name, not a parameter. */
        {"/admin%3Bx", SRV_TARGET_OK, "/admin%3Bx"},
        /* An encoded "/" inside a parameter is rejected like anywhere else. */
        {"/a;%2F/b", SRV_TARGET_FORBIDDEN, NULL},
        /* Not a path. */
        {"admin;x", SRV_TARGET_EMPTY, NULL},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[SRV_PATH_MAX + 1];
        size_t path_len = 0;
        srv_target_error err = srv_target_parse_without_params(cases[i].target, strlen(cases[i].target), path,
                                                               sizeof(path), &path_len);

        assert_int_equal(err, cases[i].error);
        if (cases[i].path != NULL) {
            assert_string_equal(path, cases[i].path);
            assert_int_equal(path_len, strlen(cases[i].path));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(target_without_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
