/*
 * test_errors.c: every error code has a stable name and a message, and
 * docs/ERRORS.md lists exactly the codes the library defines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jwtguard/jwtguard.h"

#define ERRORS_DOC JWG_TEST_DATA "/../../docs/ERRORS.md"
#define MAX_CODE 1000

static char *read_doc(void)
{
    FILE *f = fopen(ERRORS_DOC, "rb");
    assert_non_null(f);

    static char text[65536];
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    return text;
}

static void errors_names_unique(void **state)
{
    (void)state;
    const char *names[MAX_CODE] = {0};

    for (int code = 0; code < MAX_CODE; code++) {
        const char *name = jwg_err_name((jwg_err)code);
        if (strcmp(name, "JWG_ERR_UNKNOWN") == 0)
            continue;

        assert_string_not_equal(jwg_strerror((jwg_err)code), "unknown error code");
        for (int other = 0; other < code; other++) {
            if (names[other] != NULL)
                assert_string_not_equal(names[other], name);
        }
        names[code] = name;
    }
}

static void errors_unknown_code(void **state)
{
    (void)state;

    assert_string_equal(jwg_err_name((jwg_err)99), "JWG_ERR_UNKNOWN");
    assert_string_equal(jwg_strerror((jwg_err)99), "unknown error code");
    assert_string_equal(jwg_err_name((jwg_err)-1), "JWG_ERR_UNKNOWN");
}

/* Each known code appears in the doc as a table row "| N | `NAME` |". */
static void errors_doc_lists_library(void **state)
{
    (void)state;
    const char *doc = read_doc();

    for (int code = 1; code < MAX_CODE; code++) {
        const char *name = jwg_err_name((jwg_err)code);
        if (strcmp(name, "JWG_ERR_UNKNOWN") == 0)
            continue;

        char row[128];
        snprintf(row, sizeof(row), "| %d | `%s` |", code, name);
        if (strstr(doc, row) == NULL)
            fail_msg("docs/ERRORS.md lacks the row for %d %s", code, name);
    }
}

/* Each row of the doc names a code the library defines, under that number. */
static void errors_library_knows_doc(void **state)
{
    (void)state;
    const char *line = read_doc();
    int rows = 0;

    while (line != NULL) {
        int code = 0;
        char name[64];
        if (sscanf(line, "| %d | `%63[A-Z0-9_]` |", &code, name) == 2) {
            rows++;
            if (strcmp(jwg_err_name((jwg_err)code), name) != 0)
                fail_msg("docs/ERRORS.md row %d %s does not match the library", code, name);
        }

        line = strchr(line, '\n');
        if (line != NULL)
            line++;
    }
    assert_true(rows > 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(errors_names_unique),
        cmocka_unit_test(errors_unknown_code),
        cmocka_unit_test(errors_doc_lists_library),
        cmocka_unit_test(errors_library_knows_doc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
