/*
 * io.c: bounded file and stream reading, and number parsing for the command.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_buf_free(char *buf, size_t len)
{
    /* Buffers may hold secrets or private keys; jwg_free wipes before freeing. */
    if (buf != NULL)
        jwg_free(buf, len + 1);
}

bool cli_read_stream(FILE *f, const char *name, size_t cap, char **out, size_t *out_len,
                     bool *truncated)
{
    /* One spare byte detects input longer than `cap`, and one more is for the NUL. */
    char *buf = malloc(cap + 2);
    size_t len;

    *out = NULL;
    *out_len = 0;
    *truncated = false;
    if (buf == NULL) {
        cli_error("out of memory reading", name, "free memory and retry");
        return false;
    }

    len = fread(buf, 1, cap + 1, f);
    if (ferror(f)) {
        cli_error("cannot read", name, strerror(errno));
        jwg_free(buf, cap + 2);
        return false;
    }
    if (len > cap) {
        *truncated = true;
        len = cap;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return true;
}

/* Prints that `path` is over `cap` bytes, in MiB when `cap` is a whole number of them. */
static void print_too_large(const char *path, size_t cap, const char *todo)
{
    const size_t mib = 1024u * 1024u;
    char what[64];

    if (cap % mib == 0)
        snprintf(what, sizeof(what), "file is larger than %zu MiB", cap / mib);
    else
        snprintf(what, sizeof(what), "file is larger than %zu bytes", cap);
    cli_error(what, path, todo);
}

bool cli_read_file(const char *path, size_t cap, const char *todo, char **out, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    bool truncated = false;
    bool ok;

    *out = NULL;
    *out_len = 0;
    if (f == NULL) {
        char what[128];

        snprintf(what, sizeof(what), "cannot open file: %s", strerror(errno));
        cli_error(what, path, "check the path and its permissions");
        return false;
    }

    ok = cli_read_stream(f, path, cap, out, out_len, &truncated);
    fclose(f);
    if (ok && truncated) {
        print_too_large(path, cap, todo);
        cli_buf_free(*out, *out_len);
        *out = NULL;
        *out_len = 0;
        ok = false;
    }
    return ok;
}

bool cli_parse_int64(const char *option, const char *text, int64_t min, int64_t max, int64_t *out)
{
    char *end = NULL;
    char range[96];
    long long value;

    errno = 0;
    value = strtoll(text, &end, 10);
    if (text[0] == '\0' || *end != '\0' || errno == ERANGE || value < min || value > max) {
        snprintf(range, sizeof(range), "give an integer from %" PRId64 " to %" PRId64 " to --%s",
                 min, max, option);
        cli_error("invalid number", text, range);
        return false;
    }
    *out = (int64_t)value;
    return true;
}

bool cli_check_none_given(const struct cli_given *rows, size_t count, const char *what,
                          const char *todo)
{
    for (size_t i = 0; i < count; i++) {
        if (rows[i].given) {
            cli_error(what, rows[i].option, todo);
            return false;
        }
    }
    return true;
}
