/*
 * token.c: reading the token operand shared by verify and inspect.
 */
#include "token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

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
    bool from_stdin = operand == NULL || strcmp(operand, "-") == 0;
    bool truncated = false;
    bool ok;

    *out = NULL;
    *out_len = 0;

    /* Without an operand the user may not know that the command waits for typing. */
    if (operand == NULL && isatty(STDIN_FILENO)) {
        cli_error("no token given", NULL, "pass TOKEN or pipe it on standard input");
        return false;
    }
    if (from_stdin)
        ok = cli_read_stream(stdin, "standard input", CLI_MAX_TOKEN_INPUT_BYTES, out, out_len,
                             &truncated);
    else
        ok = copy_operand(operand, out, out_len);

    /* One "\n" is what echo and here-strings add; "\r" and spaces stay and are rejected. */
    if (ok && !truncated && *out_len > 0 && (*out)[*out_len - 1] == '\n') {
        *out_len -= 1;
        (*out)[*out_len] = '\0';
    }

    if (ok && *out_len == 0) {
        cli_error(from_stdin ? "no token on standard input" : "empty token operand", NULL,
                  "pass TOKEN or pipe it on standard input");
        cli_buf_free(*out, *out_len);
        *out = NULL;
        return false;
    }
    return ok;
}

/* Returns true when the token starts with `prefix`, compared ASCII case-insensitively. */
static bool starts_with(const char *token, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);

    return len >= n && strncasecmp(token, prefix, n) == 0;
}

/* Returns the offset of the first whitespace or quote byte, or `len` when there is none. */
static size_t find_stray_byte(const char *token, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (strchr(" \t\r\n\v\f\"'`", token[i]) != NULL && token[i] != '\0')
            return i;
    }
    return len;
}

/* Returns true when `token` is the name of an existing regular file: a path given where a token was expected. */
static bool names_a_file(const char *token, size_t len)
{
    char path[1024];
    struct stat st;

    if (len == 0 || len >= sizeof(path) || memchr(token, '\0', len) != NULL)
        return false;
    memcpy(path, token, len);
    path[len] = '\0';
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool token_format_hint(const char *token, size_t len, char out[TOKEN_HINT_MAX])
{
    size_t stray = find_stray_byte(token, len);
    size_t dots = 0;

    if (names_a_file(token, len)) {
        snprintf(out, TOKEN_HINT_MAX,
                 "the argument is a file name: read the file with '- < FILE'");
        return true;
    }

    /* An Authorization header value copied whole: RFC 6750 2.1 writes "Bearer" in any case. */
    if (starts_with(token, len, "authorization:")) {
        snprintf(out, TOKEN_HINT_MAX, "remove the 'Authorization: Bearer ' prefix");
        return true;
    }
    if (starts_with(token, len, "bearer ")) {
        snprintf(out, TOKEN_HINT_MAX, "remove the 'Bearer ' prefix");
        return true;
    }
    if (stray < len) {
        snprintf(out, TOKEN_HINT_MAX,
                 "token contains whitespace or quotes at byte %zu: pass the token alone", stray);
        return true;
    }

    for (size_t i = 0; i < len; i++)
        dots += token[i] == '.' ? 1u : 0u;
    if (dots == 4) {
        snprintf(out, TOKEN_HINT_MAX,
                 "this is a JWE (five segments), an encrypted token, which jwtguard does not "
                 "support");
        return true;
    }
    return false;
}
