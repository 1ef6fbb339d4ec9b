/*
 * opts.h: the table-driven option parser shared by every subcommand. Each
 * subcommand describes its options as rows of a table. The parser walks the
 * command line, applies each row, and prints help from the same rows.
 */
#ifndef JWTGUARD_OPTS_H
#define JWTGUARD_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Whether an option takes an argument. */
enum opt_arg { OPT_FLAG, OPT_VALUE };

/*
 * A setter stores one option into the subcommand's context `ctx`. `arg` is
 * NULL for a flag. It returns true on success and prints its own error
 * otherwise.
 */
typedef bool (*opt_setter)(void *ctx, const char *arg);

/*
 * One option. A row without a setter stores into the context at `offset`:
 * a value option its `const char *` argument, a flag `true` into a bool.
 */
struct opt_row {
    const char *name;    /* long name without the dashes: "iss" */
    enum opt_arg arg;    /* flag or value */
    const char *metavar; /* shown in help for a value: "ISS" */
    const char *help;    /* what the option sets, with its unit */
    opt_setter set;      /* NULL: store at offset */
    size_t offset;       /* offsetof(context, field) when set is NULL */
};

struct opt_spec {
    const char *command; /* "verify" */
    const char *usage;   /* "[options] [TOKEN|-]" */
    const char *summary; /* one line: what the subcommand does */
    const struct opt_row *rows;
    size_t row_count;
    size_t max_positional; /* positional arguments accepted */
};

/* Result of opts_parse(). */
enum opt_status {
    OPT_OK,   /* parsed; positional arguments returned */
    OPT_HELP, /* --help was given and help printed: exit 0 */
    OPT_ERROR /* error printed: exit 2 */
};

/*
 * Parses argv[1..argc-1] for the subcommand `spec`. Options are "--name VALUE"
 * or "--name=VALUE"; "--" ends the options; "-" alone is a positional
 * argument. Positional arguments are stored in `positional` (capacity
 * spec->max_positional) and counted in *positional_count.
 */
enum opt_status opts_parse(const struct opt_spec *spec, int argc, char **argv, void *ctx,
                           const char **positional, size_t *positional_count);

/* Prints the usage line, summary and one line per option of `spec`. */
void opts_print_help(const struct opt_spec *spec, FILE *f);

#endif /* JWTGUARD_OPTS_H */
