/*
 * token.c: reading the token operand shared by verify and inspect.
 */
#include "token.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Copies the operand so that both sources are freed the same way. */
static bool copy_operand(const char *operand, char **out, size_t *out_len)
{
    size_t len = strnlen(operand, CLI_MAX_TOKEN_INPUT_BYTES);
    char *buf = malloc(len + 1);

    if (buf == NULL) {
        cli_error("out of memory reading", "token argument", "free memory and retry");
        return false;
    }
    memcpy(buf, operand, len);
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return true;
}

bool token_read(const char *operand, char **out, size_t *out_len)
{
    bool truncated = false;
    bool ok;

    *out = NULL;
    *out_len = 0;
    if (operand == NULL || strcmp(operand, "-") == 0)
        ok = cli_read_stream(stdin, "standard input", CLI_MAX_TOKEN_INPUT_BYTES, out, out_len,
                             &truncated);
    else
        ok = copy_operand(operand, out, out_len);

    /* One "\n" is what echo and here-strings add; "\r" and spaces stay and are rejected. */
    if (ok && !truncated && *out_len > 0 && (*out)[*out_len - 1] == '\n') {
        *out_len -= 1;
        (*out)[*out_len] = '\0';
    }
    return ok;
}
