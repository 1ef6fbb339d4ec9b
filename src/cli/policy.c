/*
 * policy.c: `jwtguard policy lint|diff|check-env`, their options and help,
 * and the findings report that lint and check-env print.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "opts.h"
#include "policy_cmds.h"

struct policy_opts {
    const char *format;
};

static const struct opt_row policy_rows[] = {
    {"format", OPT_VALUE, "FORMAT", "output format: text (default) or json", NULL,
     offsetof(struct policy_opts, format)},
};

static void print_policy_help(FILE *f)
{
    fputs("usage: jwtguard policy lint [--format text|json] FILE...\n"
          "       jwtguard policy diff [--format text|json] A B | DIR\n"
          "       jwtguard policy check-env [--format text|json] FILE... | DIR\n\n"
          "Checks YAML policy files (docs/POLICY.md) without loading their keys, except check-env.\n\n"
          "  lint       list insecure or doubtful settings of each file, with rule id and line\n"
          "  diff       compare the issuers that several policies share and name the weakest\n"
          "  check-env  find one key or HMAC secret used by policies of different environments\n\n"
          "options:\n"
          "  --format FORMAT  output format: text (default) or json (documented in docs/CLI.md)\n\n"
          "Exit status: 0 nothing found, 1 findings (lint, check-env) or differences (diff),\n"
          "2 usage error or a file that cannot be read or parsed.\n",
          f);
}

void policy_add(struct policy_report *r, const char *rule, bool error, const char *file, size_t line,
                const char *fmt, ...)
{
    struct policy_finding *f;
    char msg[1024];
    va_list ap;

    if (r->count == r->cap) {
        size_t cap = r->cap == 0 ? 16 : r->cap * 2;
        struct policy_finding *grown = realloc(r->items, cap * sizeof(*grown));
        if (grown == NULL)
            abort();
        r->items = grown;
        r->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    f = &r->items[r->count++];
    f->rule = rule;
    f->error = error;
    f->file = strdup(file);
    f->line = line;
    f->message = strdup(msg);
    if (f->file == NULL || f->message == NULL)
        abort();
}

static void print_text(const struct policy_report *r)
{
    for (size_t i = 0; i < r->count; i++) {
        const struct policy_finding *f = &r->items[i];
        cli_print_safe(stdout, f->file, strlen(f->file));
        if (f->line > 0)
            printf(":%zu", f->line);
        printf(": %s [%s] ", f->error ? "error" : "warning", f->rule);
        cli_print_safe(stdout, f->message, strlen(f->message));
        putchar('\n');
    }
}

static void print_json(const struct policy_report *r, const char *command)
{
    size_t errors = 0;

    printf("{\"version\":%d,\"command\":", POLICY_JSON_VERSION);
    cli_json_cstr_or_null(stdout, command);
    fputs(",\"findings\":[", stdout);
    for (size_t i = 0; i < r->count; i++) {
        const struct policy_finding *f = &r->items[i];
        errors += f->error ? 1 : 0;
        printf("%s{\"rule\":\"%s\",\"severity\":\"%s\",\"file\":", i > 0 ? "," : "", f->rule,
               f->error ? "error" : "warning");
        cli_json_cstr_or_null(stdout, f->file);
        if (f->line > 0)
            printf(",\"line\":%zu", f->line);
        else
            fputs(",\"line\":null", stdout);
        fputs(",\"message\":", stdout);
        cli_json_cstr_or_null(stdout, f->message);
        putchar('}');
    }
    printf("],\"errors\":%zu,\"warnings\":%zu}\n", errors, r->count - errors);
}

int policy_report_finish(struct policy_report *r, const char *command, enum policy_format format)
{
    int status = r->unreadable ? CLI_EXIT_USAGE : (r->count > 0 ? CLI_EXIT_REJECTED : CLI_EXIT_OK);

    if (format == POLICY_JSON)
        print_json(r, command);
    else if (r->count == 0 && !r->unreadable)
        printf("%s: no findings\n", command);
    else
        print_text(r);

    for (size_t i = 0; i < r->count; i++) {
        free(r->items[i].file);
        free(r->items[i].message);
    }
    free(r->items);
    return status;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_yaml_suffix(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) || (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static bool push_name(char ***files, size_t *count, char *name)
{
    if (name == NULL || *count == POLICY_MAX_FILES) {
        free(name);
        cli_error("too many policy files", NULL, "pass at most 256 files");
        return false;
    }
    (*files)[(*count)++] = name;
    return true;
}

/* Adds a folder's *.yaml and *.yml files, in name order so that output is reproducible. */
static bool expand_dir(const char *dir, char ***files, size_t *count)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t first = *count;
    bool ok = true;

    if (d == NULL) {
        cli_error("cannot open folder", dir, "check the path and its permissions");
        return false;
    }
    while (ok && (e = readdir(d)) != NULL) {
        char *path;
        if (e->d_name[0] == '.' || !has_yaml_suffix(e->d_name))
            continue;
        path = malloc(strlen(dir) + strlen(e->d_name) + 2);
        if (path != NULL)
            sprintf(path, "%s/%s", dir, e->d_name);
        ok = push_name(files, count, path);
    }
    closedir(d);
    qsort(*files + first, *count - first, sizeof(char *), compare_names);
    return ok;
}

bool policy_expand_args(const char **args, size_t count, char ***files, size_t *file_count)
{
    struct stat st;

    *file_count = 0;
    *files = calloc(POLICY_MAX_FILES, sizeof(char *));
    if (*files == NULL)
        abort();
    for (size_t i = 0; i < count; i++) {
        bool ok;
        if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode))
            ok = expand_dir(args[i], files, file_count);
        else
            ok = push_name(files, file_count, strdup(args[i]));
        if (!ok)
            return false;
    }
    return true;
}

void policy_free_list(char **files, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(files[i]);
    free(files);
}

static int run_lint(char **files, size_t count, enum policy_format format)
{
    struct policy_report r = {0};

    for (size_t i = 0; i < count; i++)
        policy_lint_file(files[i], &r);
    return policy_report_finish(&r, "lint", format);
}

static bool parse_format(const char *text, enum policy_format *out)
{
    if (text == NULL || strcmp(text, "text") == 0)
        *out = POLICY_TEXT;
    else if (strcmp(text, "json") == 0)
        *out = POLICY_JSON;
    else {
        cli_error("invalid --format", text, "use text or json");
        return false;
    }
    return true;
}

/* Checks the number of arguments: lint and check-env take one or more, diff two files or one folder. */
static bool check_arg_count(const char *sub, const char **args, size_t count)
{
    struct stat st;

    if (count == 0) {
        cli_error("missing policy file", sub, "run jwtguard policy --help");
        return false;
    }
    if (strcmp(sub, "diff") != 0)
        return true;
    if (count == 2 || (count == 1 && stat(args[0], &st) == 0 && S_ISDIR(st.st_mode)))
        return true;
    cli_error("policy diff takes two files or one folder", NULL, "run jwtguard policy --help");
    return false;
}

static int run_sub(const char *sub, const char **args, size_t count, enum policy_format format)
{
    char **files = NULL;
    size_t file_count = 0;
    int status = CLI_EXIT_USAGE;

    if (!check_arg_count(sub, args, count))
        return CLI_EXIT_USAGE;
    if (!policy_expand_args(args, count, &files, &file_count))
        goto out;
    if (file_count == 0) {
        cli_error("no policy files found", args[0], "pass *.yaml files or a folder that has some");
        goto out;
    }
    if (strcmp(sub, "lint") == 0)
        status = run_lint(files, file_count, format);
    else if (strcmp(sub, "diff") == 0)
        status = policy_run_diff(files, file_count, format);
    else
        status = policy_run_check_env(files, file_count, format);

out:
    policy_free_list(files, file_count);
    return status;
}

int cli_cmd_policy(int argc, char **argv)
{
    static const char *const subs[] = {"lint", "diff", "check-env"};
    struct policy_opts o = {0};
    struct opt_spec spec = {"policy", "lint|diff|check-env [options] FILE...", "check policy files",
                            policy_rows, CLI_ARRAY_LEN(policy_rows), POLICY_MAX_FILES};
    const char *args[POLICY_MAX_FILES];
    size_t count = 0;
    enum policy_format format;
    enum opt_status st;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_policy_help(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    for (size_t i = 0; i < CLI_ARRAY_LEN(subs); i++) {
        if (strcmp(argv[1], subs[i]) != 0)
            continue;
        st = opts_parse(&spec, argc - 1, argv + 1, &o, args, &count);
        if (st == OPT_HELP)
            return CLI_EXIT_OK;
        if (st == OPT_ERROR || !parse_format(o.format, &format))
            return CLI_EXIT_USAGE;
        return run_sub(subs[i], args, count, format);
    }
    cli_error("unknown policy subcommand", argv[1], "use lint, diff or check-env");
    return CLI_EXIT_USAGE;
}
