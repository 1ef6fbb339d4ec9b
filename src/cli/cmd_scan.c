/*
 * cmd_scan.c: `jwtguard scan`, which finds leaked tokens, hard-coded
 * signing secrets, unsafe JWT validation code and CI steps that leak
 * secrets in files, git history or standard input. The engine is in
 * src/scan/; this file parses options, picks the report and sets the exit
 * status (docs/SCAN.md).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "scan/engine.h"

/* Exit status 3: some input could not be scanned, so the report may miss findings. */
#define SCAN_EXIT_INCOMPLETE 3

/* Positional paths accepted; more can be scanned by naming a common folder. */
#define SCAN_MAX_PATHS 1024u

/* Largest --max-file-size: Vectorscan scans at most 4 GiB - 1 in one call. */
#define SCAN_MAX_FILE_SIZE_LIMIT 0xffffffffll

/* Largest --jobs accepted. */
#define SCAN_MAX_JOBS_OPTION 256

struct scan_cli {
    const char *format;
    const char *output;
    const char *fail_on;
    const char *write_baseline;
    const char *explain;
    bool list_rules;
    bool print_patterns;
    scan_options opts;
};

static bool set_jobs(void *c, const char *arg)
{
    struct scan_cli *cli = c;
    int64_t v;

    if (!cli_parse_int64("jobs", arg, 1, SCAN_MAX_JOBS_OPTION, &v))
        return false;
    cli->opts.jobs = (unsigned)v;
    return true;
}

static bool set_max_file_size(void *c, const char *arg)
{
    struct scan_cli *cli = c;
    int64_t v;

    if (!cli_parse_int64("max-file-size", arg, 1, SCAN_MAX_FILE_SIZE_LIMIT, &v))
        return false;
    cli->opts.max_file_size = (uint64_t)v;
    return true;
}

static bool set_now(void *c, const char *arg)
{
    struct scan_cli *cli = c;

    cli->opts.have_now = true;
    return cli_parse_int64("now", arg, 0, CLI_MAX_NOW, &cli->opts.now);
}

static bool set_flag(bool *field)
{
    *field = true;
    return true;
}

static bool set_include_vendored(void *c, const char *arg)
{
    (void)arg;
    return set_flag(&((struct scan_cli *)c)->opts.include_vendored);
}

static bool set_include_binary(void *c, const char *arg)
{
    (void)arg;
    return set_flag(&((struct scan_cli *)c)->opts.include_binary);
}

static bool set_git_history(void *c, const char *arg)
{
    (void)arg;
    return set_flag(&((struct scan_cli *)c)->opts.git_history);
}

static bool set_ignore_file(void *c, const char *arg)
{
    ((struct scan_cli *)c)->opts.ignore_file = arg;
    return true;
}

static bool set_baseline(void *c, const char *arg)
{
    ((struct scan_cli *)c)->opts.baseline = arg;
    return true;
}

static bool set_diff(void *c, const char *arg)
{
    ((struct scan_cli *)c)->opts.diff_rev = arg;
    return true;
}

static const struct opt_row scan_rows[] = {
    {"format", OPT_VALUE, "FORMAT", "report format: text (default), json or sarif", NULL,
     offsetof(struct scan_cli, format)},
    {"output", OPT_VALUE, "FILE", "write the report to FILE instead of standard output", NULL,
     offsetof(struct scan_cli, output)},
    {"fail-on", OPT_VALUE, "SEVERITY",
     "exit 1 for findings at or above SEVERITY: note, low (default), medium, high, critical", NULL,
     offsetof(struct scan_cli, fail_on)},
    {"jobs", OPT_VALUE, "N", "scan with N threads (default: the number of online CPUs)", set_jobs, 0},
    {"max-file-size", OPT_VALUE, "BYTES",
     "skip files larger than BYTES and list them as skipped (default 67108864, 64 MiB)",
     set_max_file_size, 0},
    {"include-vendored", OPT_FLAG, NULL,
     "also scan node_modules, vendor, third_party, .venv, dist, build, bower_components and "
     "folders that contain CMakeCache.txt",
     set_include_vendored, 0},
    {"include-binary", OPT_FLAG, NULL, "also scan files with a NUL byte in their first 8 KiB",
     set_include_binary, 0},
    {"ignore-file", OPT_VALUE, "FILE", "read ignore entries from FILE (default: ROOT/.jwtguardignore)",
     set_ignore_file, 0},
    {"baseline", OPT_VALUE, "FILE", "suppress findings whose fingerprint is in the baseline FILE",
     set_baseline, 0},
    {"write-baseline", OPT_VALUE, "FILE",
     "write every active finding to the baseline FILE; exit 0, or 3 if the scan was incomplete", NULL,
     offsetof(struct scan_cli, write_baseline)},
    {"diff", OPT_VALUE, "REV", "report only lines added or changed since git revision REV",
     set_diff, 0},
    {"git-history", OPT_FLAG, NULL, "scan every blob of every commit of the git repository at PATH",
     set_git_history, 0},
    {"now", OPT_VALUE, "UNIX", "judge token expiry at this Unix time in seconds instead of now",
     set_now, 0},
    {"list-rules", OPT_FLAG, NULL, "print the rule catalog (as JSON with --format json) and exit",
     NULL, offsetof(struct scan_cli, list_rules)},
    {"explain", OPT_VALUE, "RULE", "print what rule RULE (for example JG101) finds and how to fix it",
     NULL, offsetof(struct scan_cli, explain)},
    {"print-patterns", OPT_FLAG, NULL,
     "print the detectors' Vectorscan patterns, one a line, for benchmarks", NULL,
     offsetof(struct scan_cli, print_patterns)},
};

static const struct opt_spec scan_spec = {
    "scan",
    "[options] [PATH...|-]",
    "Find leaked JWTs, hard-coded signing secrets, unsafe JWT validation code and\n"
    "CI steps that leak secrets. PATH defaults to '.'; '-' reads standard input\n"
    "(a CI log). Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage\n"
    "error, 3 scan incomplete (a file or git object could not be read).",
    scan_rows,
    CLI_ARRAY_LEN(scan_rows),
    SCAN_MAX_PATHS};

enum scan_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF };

static bool parse_format(const char *text, enum scan_format *out)
{
    static const char *const names[] = {"text", "json", "sarif"};

    for (size_t i = 0; i < CLI_ARRAY_LEN(names); i++) {
        if (strcmp(text, names[i]) == 0) {
            *out = (enum scan_format)i;
            return true;
        }
    }
    cli_error("unknown report format", text, "use text, json or sarif");
    return false;
}

/* Handles --list-rules, --explain and --print-patterns; returns -1 when none was given. */
static int run_catalog(const struct scan_cli *cli, enum scan_format format)
{
    if (cli->print_patterns) {
        scan_print_patterns(stdout);
        return CLI_EXIT_OK;
    }
    if (cli->list_rules) {
        scan_list_rules(stdout, format == FORMAT_JSON);
        return CLI_EXIT_OK;
    }
    if (cli->explain != NULL) {
        if (!scan_explain_rule(stdout, cli->explain)) {
            cli_error("unknown rule", cli->explain, "list the rules with --list-rules");
            return CLI_EXIT_USAGE;
        }
        return CLI_EXIT_OK;
    }
    return -1;
}

static bool use_color(FILE *out)
{
    const char *no_color = getenv("NO_COLOR");

    return out == stdout && isatty(STDOUT_FILENO) && (no_color == NULL || no_color[0] == '\0');
}

/* Writes the report; false when the output file cannot be written. */
static bool write_report(const scan_ctx *ctx, const struct scan_cli *cli, enum scan_format format)
{
    FILE *out = stdout;
    bool ok;

    if (cli->output != NULL && (out = fopen(cli->output, "w")) == NULL) {
        cli_error("cannot open report file", cli->output, "check the folder exists and is writable");
        return false;
    }
    if (format == FORMAT_JSON)
        scan_write_json(ctx, out);
    else if (format == FORMAT_SARIF)
        scan_write_sarif(ctx, out);
    else
        scan_write_text(ctx, out, use_color(out));
    ok = fflush(out) == 0 && !ferror(out);
    if (out != stdout)
        ok = fclose(out) == 0 && ok;
    if (!ok)
        cli_error("cannot write report", cli->output ? cli->output : "stdout", "check free space");
    return ok;
}

static int exit_status(const scan_ctx *ctx, scan_severity fail_on)
{
    size_t count;
    const scan_result *results = scan_results(ctx, &count);

    if (scan_get_summary(ctx)->incomplete)
        return SCAN_EXIT_INCOMPLETE;
    for (size_t i = 0; i < count; i++) {
        if (results[i].suppressed == SCAN_SUPPRESS_NONE && results[i].severity >= fail_on)
            return CLI_EXIT_REJECTED;
    }
    return CLI_EXIT_OK;
}

static bool check_options(const struct scan_cli *cli, enum scan_format *format,
                          scan_severity *fail_on)
{
    if (!parse_format(cli->format ? cli->format : "text", format))
        return false;
    if (cli->fail_on != NULL && !scan_severity_parse(cli->fail_on, fail_on)) {
        cli_error("unknown severity", cli->fail_on, "use note, low, medium, high or critical");
        return false;
    }
    if (cli->opts.git_history && cli->opts.diff_rev != NULL) {
        cli_error("options cannot be combined", "--git-history --diff", "give one of them");
        return false;
    }
    /* git would read such a REV as an option, and "--output=FILE" writes a file. */
    if (cli->opts.diff_rev != NULL &&
        (cli->opts.diff_rev[0] == '-' || cli->opts.diff_rev[0] == '\0')) {
        cli_error("invalid revision", cli->opts.diff_rev,
                  "give a branch, tag or commit id that does not start with '-'");
        return false;
    }
    return true;
}

static int run_scan(struct scan_cli *cli, enum scan_format format, scan_severity fail_on)
{
    scan_ctx *ctx = scan_ctx_new(&cli->opts);
    int status = CLI_EXIT_USAGE;

    if (ctx == NULL)
        return CLI_EXIT_USAGE;
    if (!scan_run(ctx))
        goto out;
    /* An incomplete scan still writes its baseline, but exits 3 so CI does not trust it. */
    if (cli->write_baseline != NULL) {
        status = CLI_EXIT_OK;
        if (!scan_write_baseline(ctx, cli->write_baseline))
            status = CLI_EXIT_USAGE;
        else if (scan_get_summary(ctx)->incomplete)
            status = SCAN_EXIT_INCOMPLETE;
        goto out;
    }
    if (!write_report(ctx, cli, format))
        goto out;
    status = exit_status(ctx, fail_on);
out:
    scan_ctx_free(ctx);
    return status;
}

int cli_cmd_scan(int argc, char **argv)
{
    struct scan_cli cli = {0};
    const char *paths[SCAN_MAX_PATHS];
    static const char *const default_paths[] = {"."};
    size_t path_count = 0;
    enum scan_format format = FORMAT_TEXT;
    scan_severity fail_on = SCAN_SEV_LOW;
    int status;

    switch (opts_parse(&scan_spec, argc, argv, &cli, paths, &path_count)) {
    case OPT_HELP:
        return CLI_EXIT_OK;
    case OPT_ERROR:
        return CLI_EXIT_USAGE;
    case OPT_OK:
        break;
    }
    if (!check_options(&cli, &format, &fail_on))
        return CLI_EXIT_USAGE;
    cli.opts.line_hashes = format == FORMAT_SARIF;
    if ((status = run_catalog(&cli, format)) >= 0)
        return status;

    cli.opts.paths = path_count ? paths : default_paths;
    cli.opts.path_count = path_count ? path_count : 1;
    return run_scan(&cli, format, fail_on);
}
