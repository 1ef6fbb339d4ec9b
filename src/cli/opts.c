/*
 * opts.c: the table-driven option parser shared by every subcommand.
 */
#include "opts.h"

#include <string.h>

#include "cli.h"

/* Finds the row whose name is the `len` bytes at `name`; NULL when none matches. */
static const struct opt_row *find_row(const struct opt_spec *spec, const char *name, size_t len)
{
    for (size_t i = 0; i < spec->row_count; i++) {
        const struct opt_row *row = &spec->rows[i];

        if (strlen(row->name) == len && memcmp(row->name, name, len) == 0)
            return row;
    }
    return NULL;
}

/* Applies one option: its setter, or a plain store into the context. */
static enum opt_status apply(const struct opt_row *row, void *ctx, const char *value)
{
    char *field = (char *)ctx + row->offset;

    if (row->set != NULL)
        return row->set(ctx, value) ? OPT_OK : OPT_ERROR;
    if (row->arg == OPT_FLAG)
        *(bool *)(void *)field = true;
    else
        *(const char **)(void *)field = value;
    return OPT_OK;
}

/*
 * Handles the option at argv[*index] ("--name", "--name=value"), consuming
 * the next argument for a value option given without "=".
 */
static enum opt_status parse_option(const struct opt_spec *spec, int argc, char **argv, int *index,
                                    void *ctx)
{
    const char *word = argv[*index] + 2;
    const char *equals = strchr(word, '=');
    size_t name_len = equals ? (size_t)(equals - word) : strlen(word);
    const struct opt_row *row = find_row(spec, word, name_len);
    const char *value = equals ? equals + 1 : NULL;

    if (row == NULL) {
        cli_error("unknown option", argv[*index], "see the option list with --help");
        return OPT_ERROR;
    }

    if (row->arg == OPT_FLAG) {
        if (value != NULL) {
            cli_error("option takes no value", argv[*index], "write the flag without '='");
            return OPT_ERROR;
        }
        return apply(row, ctx, NULL);
    }

    if (value == NULL) {
        if (*index + 1 >= argc) {
            cli_error("option needs a value", argv[*index], "give the value after the option");
            return OPT_ERROR;
        }
        *index += 1;
        value = argv[*index];
    }
    return apply(row, ctx, value);
}

/* Stores one positional argument, rejecting one more than the subcommand accepts. */
static enum opt_status add_positional(const struct opt_spec *spec, const char *arg,
                                      const char **positional, size_t *count)
{
    if (*count >= spec->max_positional) {
        cli_error("unexpected argument", arg[0] == '\0' ? "empty" : "extra positional argument",
                  "see the usage line with --help");
        return OPT_ERROR;
    }
    positional[*count] = arg;
    *count += 1;
    return OPT_OK;
}

/* Short options do not exist; "-" alone means standard input and is positional. */
static enum opt_status reject_short_option(const char *arg)
{
    cli_error("unknown option", arg, "options are long, for example --help");
    return OPT_ERROR;
}

enum opt_status opts_parse(const struct opt_spec *spec, int argc, char **argv, void *ctx,
                           const char **positional, size_t *positional_count)
{
    bool options_done = false;

    *positional_count = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        enum opt_status status;

        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        if (!options_done && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
            opts_print_help(spec, stdout);
            return OPT_HELP;
        }

        if (!options_done && strncmp(arg, "--", 2) == 0)
            status = parse_option(spec, argc, argv, &i, ctx);
        else if (!options_done && arg[0] == '-' && arg[1] != '\0')
            status = reject_short_option(arg);
        else
            status = add_positional(spec, arg, positional, positional_count);

        if (status != OPT_OK)
            return status;
    }
    return OPT_OK;
}

void opts_print_help(const struct opt_spec *spec, FILE *f)
{
    fprintf(f, "usage: jwtguard %s %s\n\n%s\n\noptions:\n", spec->command, spec->usage,
            spec->summary);
    for (size_t i = 0; i < spec->row_count; i++) {
        const struct opt_row *row = &spec->rows[i];
        char left[64];

        if (row->arg == OPT_VALUE)
            snprintf(left, sizeof(left), "--%s %s", row->name, row->metavar);
        else
            snprintf(left, sizeof(left), "--%s", row->name);
        fprintf(f, "  %-28s %s\n", left, row->help);
    }
    fprintf(f, "  %-28s %s\n", "--help", "print this help and exit");
}
