/*
 * test_scan_engine.c: the scan engine's pure parts: language and flag
 * classification, environment inference, fingerprints and previews, the
 * SARIF line hash, inline allow comments, ignore-file parsing and globs,
 * and baseline parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scan/baseline.h"
#include "scan/ctx.h"
#include "scan/engine.h"
#include "scan/suppress.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void test_lang_by_name(void **state)
{
    static const struct {
        const char *path;
        scan_lang lang;
    } cases[] = {
        {"src/app.ts", SCAN_LANG_JS},              /* TypeScript counts as JavaScript */
        {"web/index.MJS", SCAN_LANG_JS},           /* extensions compare case-insensitively */
        {"auth/jwt.py", SCAN_LANG_PYTHON},         /* Python */
        {"cmd/main.go", SCAN_LANG_GO},             /* Go */
        {"Auth.kt", SCAN_LANG_JAVA},               /* Kotlin shares the JVM libraries */
        {"lib/jwt.rb", SCAN_LANG_RUBY},            /* Ruby */
        {"index.php", SCAN_LANG_PHP},              /* PHP */
        {"deploy.sh", SCAN_LANG_SHELL},            /* shell script */
        {"values.yaml", SCAN_LANG_YAML},           /* YAML */
        {"config/dev.json", SCAN_LANG_JSON},       /* JSON */
        {".env", SCAN_LANG_ENV},                   /* plain .env */
        {"app/.env.production", SCAN_LANG_ENV},    /* the suffix names an environment */
        {"prod.env", SCAN_LANG_ENV},               /* *.env */
        {"application.properties", SCAN_LANG_PROPERTIES}, /* Java properties */
        {"config.toml", SCAN_LANG_PROPERTIES},     /* TOML is key = value too */
        {"logs/app.log", SCAN_LANG_LOG},           /* log file */
        {"-", SCAN_LANG_LOG},                      /* standard input is a log */
        {"README", SCAN_LANG_OTHER},               /* no extension, no shebang */
        {".bashrc", SCAN_LANG_OTHER},              /* a dot file is a name, not an extension */
    };
    (void)state;

    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        assert_int_equal(scan_classify_lang(cases[i].path, NULL, 0), cases[i].lang);
}

static void test_lang_by_shebang(void **state)
{
    static const struct {
        const char *text;
        scan_lang lang;
    } cases[] = {
        {"#!/bin/sh\necho", SCAN_LANG_SHELL},            /* sh */
        {"#!/usr/bin/env bash\nset -e", SCAN_LANG_SHELL}, /* bash through env */
        {"#!/bin/bash \r\n", SCAN_LANG_SHELL},           /* trailing space and CR */
        {"#!/usr/bin/env python3\n", SCAN_LANG_OTHER},   /* not a shell */
        {"#!/bin/shell\n", SCAN_LANG_OTHER},             /* a longer name is not sh */
        {"echo hi\n", SCAN_LANG_OTHER},                  /* no shebang */
    };
    (void)state;

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        const uint8_t *data = (const uint8_t *)cases[i].text;

        assert_int_equal(scan_classify_lang("bin/run", data, strlen(cases[i].text)), cases[i].lang);
    }
}

static void test_file_flags(void **state)
{
    static const struct {
        const char *path;
        unsigned flags;
    } cases[] = {
        {".github/workflows/ci.yml", SCAN_FILE_CI},       /* GitHub Actions */
        {"svc/.github/workflows/x.yaml", SCAN_FILE_CI},   /* workflows of a sub-project */
        {".gitlab-ci.yml", SCAN_FILE_CI},                 /* GitLab CI */
        {"Jenkinsfile", SCAN_FILE_CI},                    /* Jenkins */
        {"ci/release.sh", SCAN_FILE_CI},                  /* a ci/ folder of scripts */
        {"tests/auth.py", SCAN_FILE_TEST},                /* tests/ folder */
        {"src/auth_test.go", SCAN_FILE_TEST},             /* Go test file */
        {"web/auth.spec.ts", SCAN_FILE_TEST},             /* spec file */
        {"charts/api/values-prod.yaml", SCAN_FILE_HELM},  /* Helm values under charts/ */
        {"deploy/values.yaml", SCAN_FILE_HELM},           /* values*.yaml */
        {"-", SCAN_FILE_STDIN},                           /* standard input */
        {"src/app.js", 0},                                /* plain source */
        {"contest/app.js", 0},                            /* "test" inside a longer name */
    };
    (void)state;

    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        assert_int_equal(scan_classify_flags(cases[i].path), cases[i].flags);
}

static void test_infer_env(void **state)
{
    static const struct {
        const char *path;
        const char *env; /* NULL: none */
    } cases[] = {
        {".env.prod", "prod"},                        /* suffix of a .env file */
        {".env.production", "prod"},                  /* long form */
        {"app/.env.staging", "staging"},              /* staging */
        {"values-staging.yaml", "staging"},           /* Helm values per environment */
        {"charts/api/values-prod.yaml", "prod"},      /* under a chart folder */
        {"overlays/prod/kustomization.yaml", "prod"}, /* Kustomize overlay folder */
        {"k8s/production/secret.yaml", "prod"},       /* folder named production */
        {"config/dev.json", "dev"},                   /* file name */
        {"config/development.yml", "dev"},            /* long form */
        {"secrets.test.yaml", "test"},                /* middle part of the name */
        {"deploy/qa/app.env", "test"},                /* QA counts as test */
        {"deploy/uat/app.env", "staging"},            /* UAT counts as staging */
        {"env/local.env", "dev"},                     /* local development */
        {"overlays/prod/config/dev.json", "dev"},     /* the nearest name wins */
        {"tests/fixtures/app.env", NULL},             /* "tests" is not an environment */
        {"src/product/app.js", NULL},                 /* "product" only starts with prod */
        {".env", NULL},                               /* no environment named */
        {"", NULL},                                   /* empty path */
    };
    (void)state;

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        const char *env = scan_infer_env(cases[i].path);

        if (cases[i].env == NULL)
            assert_null(env);
        else
            assert_string_equal(env, cases[i].env);
    }
    assert_null(scan_infer_env(NULL));
}

static void test_vendored_dirs(void **state)
{
    (void)state;
    assert_true(scan_is_vendored_dir("node_modules"));
    assert_true(scan_is_vendored_dir("vendor"));
    assert_true(scan_is_vendored_dir("third_party"));
    assert_true(scan_is_vendored_dir(".venv"));
    assert_true(scan_is_vendored_dir("dist"));
    assert_true(scan_is_vendored_dir("build"));
    assert_false(scan_is_vendored_dir("src"));
    assert_false(scan_is_vendored_dir("vendors"));
}

/* Expected values computed with Python's hmac module: HMAC-SHA256 under "jwtguard-scan fingerprint v1". */
static void test_fingerprints_stable(void **state)
{
    static const uint8_t secret[] = "supersecretvalue123";
    static const uint8_t line[] = "  x = jwt.decode(t,   verify=False)\t";
    char value_fp[SCAN_VALUE_FP_HEX + 1], content_fp[SCAN_CONTENT_FP_HEX + 1];
    (void)state;

    scan_value_fingerprint(secret, sizeof(secret) - 1, value_fp);
    assert_string_equal(value_fp, "5a5e30adc29e");

    scan_content_fingerprint("JG201", secret, sizeof(secret) - 1, (const uint8_t *)"any line", 8,
                             content_fp);
    assert_string_equal(content_fp, "9272249c75994423093f9c6e4ddd8c7d");

    /* Without a value, the line counts with whitespace collapsed. */
    scan_content_fingerprint("JG402", NULL, 0, line, sizeof(line) - 1, content_fp);
    assert_string_equal(content_fp, "be3dc56d76b2666fcf52ab735f1f6747");
}

static void test_content_fingerprint_cases(void **state)
{
    static const uint8_t a[] = "value-a", b[] = "value-b";
    char fp1[SCAN_CONTENT_FP_HEX + 1], fp2[SCAN_CONTENT_FP_HEX + 1];
    (void)state;

    /* The same value on another line matches: a moved line is not new. */
    scan_content_fingerprint("JG201", a, 7, (const uint8_t *)"line 1", 6, fp1);
    scan_content_fingerprint("JG201", a, 7, (const uint8_t *)"other", 5, fp2);
    assert_string_equal(fp1, fp2);

    /* Another value on the same line differs: a new secret on an old line is new. */
    scan_content_fingerprint("JG201", b, 7, (const uint8_t *)"line 1", 6, fp2);
    assert_string_not_equal(fp1, fp2);

    /* Another rule with the same value differs. */
    scan_content_fingerprint("JG204", a, 7, (const uint8_t *)"line 1", 6, fp2);
    assert_string_not_equal(fp1, fp2);

    /* Indentation changes do not change a line fingerprint. */
    scan_content_fingerprint("JG402", NULL, 0, (const uint8_t *)"a  b", 4, fp1);
    scan_content_fingerprint("JG402", NULL, 0, (const uint8_t *)"\t a b  ", 7, fp2);
    assert_string_equal(fp1, fp2);
}

static void test_preview_quarter(void **state)
{
    static const struct {
        const char *value;
        const char *preview;
    } cases[] = {
        {"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", "eyJhbG"}, /* at most 6 bytes */
        {"abcdefghijkl", "abc"},                                /* a quarter of 12 bytes */
        {"abc", ""},                                            /* a short secret shows nothing */
        {"a\"\\\nbcdefghijklmnop", "a\\x22\\x5c\\x0a"},        /* quotes and controls escaped */
    };
    char out[4 * SCAN_PREVIEW_MAX + 1];
    (void)state;

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        scan_preview((const uint8_t *)cases[i].value, strlen(cases[i].value), out, sizeof(out));
        assert_string_equal(out, cases[i].preview);
    }
}

/* Expected values from a Python port of codeql-action's src/fingerprints.ts. */
static void test_line_hashes(void **state)
{
    static const char text[] = "const a = 1;\n  token = 'x'\n\nconst a = 1;\nz\xc3\xa9\xf0\x9f\x98\x80 end\r\nlast";
    static const size_t lines[] = {1, 2, 3, 4, 5, 6, 99};
    static const char *const expected[] = {"f439a9d7c1ed39a2:1", "1fd57ea03ace2f0b:1",
                                           "d4d68336f8b94e01:1", "cae0d0ebf3a7b3bb:1",
                                           "4306f01eced84b9c:1", "58429ecce5a8d0db:1", ""};
    char out[ARRAY_LEN(lines)][SCAN_LINE_HASH_SIZE];
    (void)state;

    scan_line_hashes((const uint8_t *)text, sizeof(text) - 1, lines, out, ARRAY_LEN(lines));
    for (size_t i = 0; i < ARRAY_LEN(lines); i++)
        assert_string_equal(out[i], expected[i]);
}

static void test_line_hash_occurrences(void **state)
{
    /* Two lines whose next 100 characters are equal get counts 1 and 2. */
    char text[512];
    static const size_t lines[] = {1, 2};
    char out[2][SCAN_LINE_HASH_SIZE];
    (void)state;

    memset(text, 'a', sizeof(text));
    text[0] = '\n';
    scan_line_hashes((const uint8_t *)text, 300, lines, out, 2);
    assert_non_null(strstr(out[0], ":1"));
    scan_line_hashes((const uint8_t *)"x\nx\nx\n", 6, lines, out, 2);
    assert_string_not_equal(out[0], out[1]);
}

static bool allowed(const char *text, const char *rule)
{
    /* The finding is on the last line of `text`. */
    const char *nl = strrchr(text, '\n');
    size_t start = nl ? (size_t)(nl - text) + 1 : 0;

    return scan_inline_allowed((const uint8_t *)text, strlen(text), start, rule);
}

static void test_inline_allow(void **state)
{
    static const struct {
        const char *text;
        const char *rule;
        bool allowed;
    } cases[] = {
        {"KEY=x # jwtguard:allow", "JG201", true},                      /* on the line, every rule */
        {"KEY=x # jwtguard:allow JG201", "JG201", true},                /* on the line, this rule */
        {"KEY=x # jwtguard:allow JG101,JG201", "JG201", true},          /* in a list */
        {"KEY=x # jwtguard:allow JG101, JG204 -- why", "JG204", true},  /* list with a reason */
        {"KEY=x # jwtguard:allow JG101", "JG201", false},               /* another rule */
        {"# jwtguard:allow\nKEY=x", "JG201", true},                     /* alone on the line above */
        {"  // jwtguard:allow JG201\nKEY=x", "JG201", true},            /* indented comment above */
        {"<!-- jwtguard:allow -->\nKEY=x", "JG201", true},              /* HTML comment above */
        {"OTHER=1 # jwtguard:allow\nKEY=x", "JG201", false},            /* not alone above */
        {"# jwtguard:allow\n\nKEY=x", "JG201", false},                  /* two lines above */
        {"KEY=x # jwtguard:allo", "JG201", false},                      /* misspelt */
        {"KEY=x", "JG201", false},                                      /* nothing */
    };
    (void)state;

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        if (allowed(cases[i].text, cases[i].rule) != cases[i].allowed)
            fail_msg("case %zu: \"%s\" for %s", i, cases[i].text, cases[i].rule);
    }
}

static void test_glob_match(void **state)
{
    static const struct {
        const char *glob;
        const char *path;
        bool match;
    } cases[] = {
        {"*.log", "app.log", true},             /* star within a name */
        {"*.log", "logs/app.log", false},       /* star does not cross '/' */
        {"**/*.log", "logs/a/app.log", true},   /* double star crosses folders */
        {"**/*.log", "app.log", true},          /* and matches zero folders */
        {"logs/**", "logs/a/b", true},          /* everything under a folder */
        {"a?c", "abc", true},                   /* one character */
        {"a?c", "a/c", false},                  /* '?' does not match '/' */
        {"[ab].txt", "b.txt", true},            /* class */
        {"[!ab].txt", "b.txt", false},          /* negated class */
        {"[a-c]x", "bx", true},                 /* range */
        {"\\*.txt", "*.txt", true},             /* escaped star */
        {"\\*.txt", "a.txt", false},            /* escaped star is literal */
    };
    (void)state;

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        if (scan_glob_match(cases[i].glob, cases[i].path) != cases[i].match)
            fail_msg("case %zu: %s on %s", i, cases[i].glob, cases[i].path);
    }
}

static void test_ignore_lines(void **state)
{
    static const struct {
        const char *line;
        int rc;
        const char *rule;
        const char *path;
        bool match;
    } cases[] = {
        {"*.log", 1, NULL, "deep/app.log", true},           /* a name at any depth */
        {"/build.log", 1, NULL, "sub/build.log", false},    /* leading '/' anchors at the root */
        {"/build.log", 1, NULL, "build.log", true},         /* anchored match */
        {"fixtures/", 1, NULL, "a/fixtures/x.env", true},   /* folder and what is under it */
        {"fixtures/", 1, NULL, "a/fixtures", false},        /* a file of that name is not a folder */
        {"fixtures/", 1, NULL, "a/fixtures/", true},        /* the walk passes folders with '/' */
        {"docs/*.md", 1, NULL, "docs/a.md", true},          /* a '/' inside anchors too */
        {"docs/*.md", 1, NULL, "x/docs/a.md", false},       /* so it does not float */
        {"JG101 logs/**", 1, "JG101", "logs/a.log", true},  /* a rule entry */
        {"  # comment", 0, NULL, NULL, false},              /* comment */
        {"", 0, NULL, NULL, false},                         /* blank */
        {"!keep.log", -1, NULL, NULL, false},               /* negation is rejected */
        {"rule path extra", -1, NULL, NULL, false},         /* first word not a rule id */
        {"JGX path", -1, NULL, NULL, false},                /* malformed rule id */
        {"*.log # rotated", 1, NULL, "a.log", true},        /* trailing comment after a path */
        {"JG101 logs/** # ok", 1, "JG101", "logs/a", true}, /* trailing comment after a rule entry */
        {"JG101 a.env # ok", 1, "JG101", "a.env", true},    /* the comment is not in the glob */
        {"a#b", 1, NULL, "a#b", true},                      /* '#' inside a glob stays */
        {"a\t# tab", 1, NULL, "a", true},                  /* a tab before '#' also starts one */
    };
    (void)state;

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        scan_ignore_entry e;
        const char *why = NULL;
        int rc = scan_ignore_parse_line(cases[i].line, strlen(cases[i].line), &e, &why);

        assert_int_equal(rc, cases[i].rc);
        if (rc < 0)
            assert_non_null(why);
        if (rc == 1) {
            if (cases[i].rule == NULL)
                assert_null(e.rule_id);
            else
                assert_string_equal(e.rule_id, cases[i].rule);
            if (scan_ignore_glob(&e, cases[i].path) != cases[i].match)
                fail_msg("case %zu: %s on %s", i, cases[i].line, cases[i].path);
        }
        free(e.rule_id);
        free(e.glob);
    }
}

static void test_baseline_parse(void **state)
{
    static const char good[] =
        "{\"schema\":\"jwtguard-scan-baseline/1\",\"tool_version\":\"0.1.0\",\"findings\":["
        "{\"rule_id\":\"JG201\",\"path\":\".env\",\"line\":2,\"fingerprint\":\"9272249c75994423093f9c6e4ddd8c7d\"},"
        "{\"rule_id\":\"JG101\",\"path\":\"a.log\",\"line\":1,\"fingerprint\":\"3a3c6959e8f3adc333959b1ef2e98ffb\"}]}";
    struct scan_baseline *b = NULL;
    const char *why = NULL;
    (void)state;

    assert_true(scan_baseline_parse(&b, (const uint8_t *)good, strlen(good), &why));
    assert_true(scan_baseline_has(b, "9272249c75994423093f9c6e4ddd8c7d"));
    assert_true(scan_baseline_has(b, "3a3c6959e8f3adc333959b1ef2e98ffb"));
    assert_false(scan_baseline_has(b, "00000000000000000000000000000000"));
    scan_baseline_free(b);
}

static void test_baseline_invalid(void **state)
{
    static const char *const cases[] = {
        "",                                                                   /* empty */
        "[]",                                                                 /* not an object */
        "{\"schema\":\"jwtguard-scan/1\",\"findings\":[]}",                   /* report, not baseline */
        "{\"schema\":\"jwtguard-scan-baseline/1\"}",                          /* no findings */
        "{\"schema\":\"jwtguard-scan-baseline/1\",\"findings\":{}}",          /* findings not an array */
        "{\"schema\":\"jwtguard-scan-baseline/1\",\"findings\":[1]}",         /* entry not an object */
        "{\"schema\":\"jwtguard-scan-baseline/1\",\"findings\":[{}]}",        /* no fingerprint */
        "{\"schema\":\"jwtguard-scan-baseline/1\",\"findings\":[{\"fingerprint\":\"ABC\"}]}", /* short */
        "{\"schema\":\"jwtguard-scan-baseline/1\",\"findings\":[{\"fingerprint\":\"9272249C75994423093F9C6E4DDD8C7D\"}]}", /* upper case */
    };
    (void)state;

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct scan_baseline *b = (struct scan_baseline *)(uintptr_t)1;
        const char *why = NULL;

        assert_false(scan_baseline_parse(&b, (const uint8_t *)cases[i], strlen(cases[i]), &why));
        assert_null(b);
        assert_non_null(why);
    }
}

static void test_severity_names(void **state)
{
    scan_severity s;
    (void)state;

    assert_true(scan_severity_parse("HIGH", &s));
    assert_int_equal(s, SCAN_SEV_HIGH);
    assert_true(scan_severity_parse("note", &s));
    assert_int_equal(s, SCAN_SEV_NOTE);
    assert_false(scan_severity_parse("severe", &s));
    assert_string_equal(scan_severity_name(SCAN_SEV_CRITICAL), "critical");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lang_by_name),
        cmocka_unit_test(test_lang_by_shebang),
        cmocka_unit_test(test_file_flags),
        cmocka_unit_test(test_infer_env),
        cmocka_unit_test(test_vendored_dirs),
        cmocka_unit_test(test_fingerprints_stable),
        cmocka_unit_test(test_content_fingerprint_cases),
        cmocka_unit_test(test_preview_quarter),
        cmocka_unit_test(test_line_hashes),
        cmocka_unit_test(test_line_hash_occurrences),
        cmocka_unit_test(test_inline_allow),
        cmocka_unit_test(test_glob_match),
        cmocka_unit_test(test_ignore_lines),
        cmocka_unit_test(test_baseline_parse),
        cmocka_unit_test(test_baseline_invalid),
        cmocka_unit_test(test_severity_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
