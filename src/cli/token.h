/*
 * token.h: reading the token operand shared by verify and inspect, and the
 * hints for the usual ways a pasted token is malformed.
 */
#ifndef JWTGUARD_TOKEN_H
#define JWTGUARD_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Reads the token from `operand`, or from standard input when it is NULL or
 * "-". Exactly one trailing "\n" is dropped and nothing else is trimmed.
 * Input longer than CLI_MAX_TOKEN_INPUT_BYTES is cut there, which every
 * policy rejects as too large. Without an operand and with a terminal on
 * standard input it does not wait for typing; that and an empty input are
 * usage errors. Prints the error and returns false on failure. Free with
 * cli_buf_free(*out, *out_len).
 */
bool token_read(const char *operand, char **out, size_t *out_len);

/* Size of a buffer that holds any token_format_hint() text. */
#define TOKEN_HINT_MAX 128u

/*
 * Writes what to remove from a token that is not a bare compact token: a
 * "Bearer " or "Authorization:" prefix, whitespace or quotes (with the byte
 * offset, never the byte's neighbours), or five segments (a JWE). Returns
 * false and writes nothing when none of these applies.
 */
bool token_format_hint(const char *token, size_t len, char out[TOKEN_HINT_MAX]);

#endif /* JWTGUARD_TOKEN_H */
