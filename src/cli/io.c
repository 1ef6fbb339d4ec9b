/*
 * io.c: bounded file and stream reading, private file writing, and number
 * parsing for the command.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

bool cli_read_file(const char *path, size_t cap, char **out, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    bool truncated = false;
    bool ok;

    *out = NULL;
    *out_len = 0;
    if (f == NULL) {
        cli_error("cannot open file", path, strerror(errno));
        return false;
    }

    ok = cli_read_stream(f, path, cap, out, out_len, &truncated);
    fclose(f);
    if (ok && truncated) {
        cli_error("file is larger than 1 MiB", path, "give a key, JWK set or secret file");
        cli_buf_free(*out, *out_len);
        *out = NULL;
        *out_len = 0;
        ok = false;
    }
    return ok;
}

/* Writes all `len` bytes to `fd`, retrying short writes. */
static bool write_all(int fd, const unsigned char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

bool cli_write_file(const char *path, const void *data, size_t len, unsigned mode, bool force)
{
    int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
    int fd = open(path, flags, (mode_t)mode);
    bool ok;

    if (fd < 0) {
        if (errno == EEXIST)
            cli_error("file exists", path, "choose another path or pass --force to overwrite");
        else
            cli_error("cannot create file", path, strerror(errno));
        return false;
    }

    /* An overwritten file keeps its old mode unless it is set again. */
    ok = fchmod(fd, (mode_t)mode) == 0 && write_all(fd, data, len);
    if (close(fd) != 0)
        ok = false;
    if (!ok)
        cli_error("cannot write file", path, strerror(errno));
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
