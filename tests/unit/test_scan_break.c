/*
 * test_scan_break.c: regression cases for scanner defects found by
 * hostile input: ignore-file globs that took exponential time, a mapped
 * file that shrinks while it is read, and tokens after percent or JSON
 * escapes that were not found.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "scan/jwt_span.h"
#include "scan/map_guard.h"
#include "scan/suppress.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Length in bytes of the paths that the star-heavy globs run against. */
#define LONG_PATH_LEN 200u

/*
 * Globs with many stars against 200-byte paths. Backtracking tries on the
 * order of C(200, 12) splits for the first case, while the automaton
 * finishes at once. So a regression makes this test time out.
 */
static void glob_many_stars_is_fast(void **state)
{
    static const struct {
        const char *glob;
        bool folders;
        bool match;
    } cases[] = {
        {"*a*a*a*a*a*a*a*a*a*a*a*a*b", false, false},     /* single stars, no 'b' in the name */
        {"**a**a**a**a**a**a**a**a**a**b", false, false}, /* double stars, no 'b' */
        {"**/**/**/**/**/**/**/**/b", false, false},      /* zero-folder forms, no 'b' */
        {"*a*a*a*a*a*a*a*a*a*a*a*a*a", false, true},      /* the same stars can still match */
        {"**/*/**/*/**/*/**/*/**/*/**/x", true, false},   /* mixed stars over "a/a/a/...", found by fuzzing */
        {"*/**/*/**/*/**/*/**/*/**/*/**/*x", true, false}, /* the same, starting with a single star */
        {"**/*/**/*/**/*/**/*/**/*/**/aa", true, true},   /* and a match through them */
    };
    char path[LONG_PATH_LEN + 1];

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        for (size_t k = 0; k < LONG_PATH_LEN; k++)
            path[k] = cases[i].folders && k % 2 == 1 ? '/' : 'a';
        path[LONG_PATH_LEN - 1] = 'a';
        path[LONG_PATH_LEN] = '\0';
        if (scan_glob_match(cases[i].glob, path) != cases[i].match)
            fail_msg("case %zu: %s", i, cases[i].glob);
    }
}

/* ".gitignore" semantics that the automaton must keep. */
static void glob_double_star_folders(void **state)
{
    static const struct {
        const char *glob;
        const char *path;
        bool match;
    } cases[] = {
        {"a/**/b", "a/b", true},        /* zero folders */
        {"a/**/b", "a/x/y/b", true},    /* several folders */
        {"a/**/b", "a/xb", false},      /* a double star then a slash matches whole folders */
        {"**/b", "xb", false},          /* the same at the start */
        {"**/b", "x/b", true},          /* one folder */
        {"a/**", "a/x/y", true},        /* everything below a */
        {"*/b", "x/y/b", false},        /* a single star stays in one name */
        {"*x*/b", "axa/b", true},       /* stars on both sides of a literal */
        {"*x*/b", "axa/c/b", false},    /* and still within one name */
        {"a\\?", "a?", true},            /* an escaped '?' is a literal '?' */
        {"a\\?", "ab", false},           /* and no longer matches any byte */
        {"[ab", "a", false},            /* an unterminated class matches nothing */
    };
    (void)state;

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        if (scan_glob_match(cases[i].glob, cases[i].path) != cases[i].match)
            fail_msg("case %zu: %s on %s", i, cases[i].glob, cases[i].path);
    }
}

/*
 * Maps a three-page file, truncates it to one page and reads the last
 * page. Without the guard this read raises SIGBUS and kills the test.
 */
static void map_guard_survives_truncate(void **state)
{
    char path[] = "/tmp/test_scan_break.XXXXXX";
    long page = sysconf(_SC_PAGESIZE);
    size_t size = 3u * (size_t)page;
    int fd = mkstemp(path);
    char *buf = malloc(size);
    volatile const uint8_t *map;

    (void)state;
    assert_true(fd >= 0);
    assert_non_null(buf);
    unlink(path);
    memset(buf, 'x', size);
    assert_int_equal(write(fd, buf, size), (ssize_t)size);
    map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    assert_true(map != MAP_FAILED);
    assert_int_equal(ftruncate(fd, page), 0);

    assert_true(scan_map_guard_install());
    scan_map_guard_begin((const void *)map, size);
    assert_int_equal(map[0], 'x');
    assert_int_equal(map[size - 1], 0);
    assert_true(scan_map_guard_end());

    /* A read that does not fault leaves the next guard clean. */
    scan_map_guard_begin((const void *)map, size);
    assert_int_equal(map[1], 'x');
    assert_false(scan_map_guard_end());

    munmap((void *)(uintptr_t)map, size);
    close(fd);
    free(buf);
}

/* A token after an escape that ends in a letter or digit is still a token. */
static void span_after_escape(void **state)
{
    static const char token[] = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLXZhbHVl";
    static const struct {
        const char *before;
        bool found;
    } cases[] = {
        {"Bearer%20", true},           /* percent-encoded space in a URL */
        {"q=%22", true},               /* percent-encoded quote */
        {"q=%3d", true},               /* lowercase hex digits */
        {"\"msg\":\"a\\n", true},       /* JSON newline escape */
        {"\\t", true},                 /* JSON tab escape */
        {"\\u0022", true},             /* JSON \u escape */
        {"x%2F", true},                /* escaped '/' after a short run, as in a URL path */
        {"QUJDREVGR0hJSktMTU5PUFFSU1RV%2B", false}, /* escaped '+' inside a base64 run */
        {"%2", false},                 /* incomplete percent escape */
        {"%G0", false},                /* not hex */
        {"\\q", false},                /* not a JSON escape */
        {"\\u002", false},             /* \u escape with three hex digits */
        {"x", false},                  /* glued to a letter */
    };
    char text[256];
    jwt_span span;

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        size_t start = strlen(cases[i].before);

        snprintf(text, sizeof(text), "%s%s", cases[i].before, token);
        if (jwt_span_at((const uint8_t *)text, strlen(text), start, &span) != cases[i].found)
            fail_msg("case %zu: %s", i, cases[i].before);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(glob_many_stars_is_fast),
        cmocka_unit_test(glob_double_star_folders),
        cmocka_unit_test(map_guard_survives_truncate),
        cmocka_unit_test(span_after_escape),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
