/*
 * token.h: reading the token operand shared by verify and inspect.
 */
#ifndef JWTGUARD_TOKEN_H
#define JWTGUARD_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Reads the token from `operand`, or from standard input when it is NULL or
 * "-". Exactly one trailing "\n" is dropped and nothing else is trimmed.
 * Input longer than CLI_MAX_TOKEN_INPUT_BYTES is cut there, which every
 * policy rejects as too large. Free with cli_buf_free(*out, *out_len).
 */
bool token_read(const char *operand, char **out, size_t *out_len);

#endif /* JWTGUARD_TOKEN_H */
