/*
 * cmd_redact.c: `jwtguard redact`, a filter for log pipelines. Copies
 * standard input to standard output and replaces every JWS, JWE and bearer
 * value with "[REDACTED jwt:<fp>]" or "[REDACTED bearer:<fp>]". The work is
 * in src/scan/tok_redact.c; this file only moves bytes.
 */
#include <errno.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "scan/tok_redact.h"

/* Bytes read from standard input at once. */
#define REDACT_READ_BYTES (64u * 1024u)

static const struct opt_spec redact_spec = {
    "redact",
    "[options] < INPUT > OUTPUT",
    "Copy standard input to standard output with every JWT and bearer value replaced\n"
    "by [REDACTED jwt:<fingerprint>] or [REDACTED bearer:<fingerprint>]; every other\n"
    "byte is unchanged. Output is flushed whenever input pauses, so each complete\n"
    "line is written before redact waits for more. The fingerprint is the one\n"
    "`jwtguard scan` shows.",
    NULL,
    0,
    0,
};

static bool write_stdout(void *arg, const uint8_t *data, size_t len)
{
    (void)arg;
    return fwrite(data, 1, len, stdout) == len;
}

/* Reads up to `cap` bytes, retrying on EINTR; returns the count, 0 at end, -1 on error. */
static ssize_t read_input(uint8_t *buf, size_t cap)
{
    ssize_t n;

    do {
        n = read(STDIN_FILENO, buf, cap);
    } while (n < 0 && errno == EINTR);
    return n;
}

/* Feeds standard input to `r`, flushing after every read so that no complete line waits. */
static int redact_stream(tok_redactor *r)
{
    static uint8_t buf[REDACT_READ_BYTES];
    ssize_t n;

    while ((n = read_input(buf, sizeof(buf))) > 0) {
        if (!tok_redactor_feed(r, buf, (size_t)n) || fflush(stdout) != 0)
            goto write_failed;
    }
    if (n < 0) {
        cli_error("reading failed", "standard input", "check the program that writes to redact");
        return CLI_EXIT_USAGE;
    }
    if (!tok_redactor_finish(r) || fflush(stdout) != 0)
        goto write_failed;
    return CLI_EXIT_OK;

write_failed:
    cli_error("writing failed", "standard output", "check the program or file redact writes to");
    return CLI_EXIT_USAGE;
}

int cli_cmd_redact(int argc, char **argv)
{
    tok_redactor r;
    size_t positional_count = 0;
    int status;

    switch (opts_parse(&redact_spec, argc, argv, NULL, NULL, &positional_count)) {
    case OPT_HELP:
        return CLI_EXIT_OK;
    case OPT_ERROR:
        return CLI_EXIT_USAGE;
    default:
        break;
    }

    if (!tok_redactor_init(&r, 0, write_stdout, NULL)) {
        cli_error("out of memory", "redact buffer", "free memory and retry");
        return CLI_EXIT_USAGE;
    }
    status = redact_stream(&r);
    tok_redactor_free(&r);
    return status;
}
