/*
 * cli.h: declarations shared by the files of the jwtguard command. The
 * command uses the library only through include/jwtguard/jwtguard.h, except
 * the policy subcommands (policy_cmds.h), which read internal headers.
 */
#ifndef JWTGUARD_CLI_H
#define JWTGUARD_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "jwtguard/jwtguard.h"

/* Exit status of every subcommand; documented in man/jwtguard.1. */
enum cli_exit {
    CLI_EXIT_OK = 0,       /* valid token, or nothing found */
    CLI_EXIT_REJECTED = 1, /* token rejected, or inspect findings */
    CLI_EXIT_USAGE = 2     /* usage, configuration, key or I/O error */
};

#define CLI_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Maximum size of a key, JWK set or secret file; real ones are a few KiB. */
#define CLI_MAX_KEY_FILE_BYTES (1024u * 1024u)

/* Maximum size of a `sign --jws` payload file, which the signed JWS repeats in base64url. */
#define CLI_MAX_PAYLOAD_BYTES (1024u * 1024u)

/* Maximum bytes read for a token; anything longer is rejected as too large. */
#define CLI_MAX_TOKEN_INPUT_BYTES (JWG_MAX_TOKEN_BYTES_LIMIT + 1u)

/* Latest accepted --now, 9999-12-31T23:59:59Z, so that any date arithmetic stays in range. */
#define CLI_MAX_NOW 253402300799

/* The algorithms the library implements, for help and messages (RFC 7518, RFC 8037). */
#define CLI_ALG_NAMES \
    "HS256 HS384 HS512 RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA"

/* Maximum number of files of one key option (--key, --jwks, --hmac-secret-file) and of --alg. */
#define CLI_MAX_KEY_FILES 16u

/* Prints "jwtguard: error: <what> (<value>): <todo>" to stderr; "<what>: <todo>" when value is NULL. */
void cli_error(const char *what, const char *value, const char *todo);

/* Prints "jwtguard: error: <what> (<value>): <todo> [<detail>]" when detail is not empty. */
void cli_error_detail(const char *what, const char *value, const char *todo, const char *detail);

/* Writes `s` (`len` bytes) as a JSON string, escaped; invalid UTF-8 becomes U+FFFD. */
void cli_json_string(FILE *f, const char *s, size_t len);

/* Writes JSON text that was already validated on one line, without insignificant whitespace. */
void cli_json_compact(FILE *f, const char *json, size_t len);

/* Writes a JSON string, or null when `s` is NULL. */
void cli_json_cstr_or_null(FILE *f, const char *s);

/*
 * Writes `len` bytes for a terminal: control characters as \xNN, C1 controls
 * and bidirectional overrides and isolates as \uNNNN.
 */
void cli_print_safe(FILE *f, const char *s, size_t len);

/* Maximum bytes of a token value shown in a message; longer ones end in "...". */
#define CLI_MAX_SHOWN_VALUE 80u

/* Returns how many of `len` bytes to show so that at most `max` are shown and no UTF-8 sequence is cut. */
size_t cli_cut_len(const char *s, size_t len, size_t max);

/* Writes a value taken from a token, in double quotes, escaped as cli_print_safe() does and cut. */
void cli_print_value(FILE *f, const char *s, size_t len);

/* Size of "YYYY-MM-DDTHH:MM:SSZ" and its NUL. */
#define CLI_UTC_MAX 21u

/* Formats a Unix time in 0..CLI_MAX_NOW as ISO 8601 UTC; false when out of that range. */
bool cli_format_utc(int64_t t, char out[CLI_UTC_MAX]);

/*
 * Reads a whole file into a NUL-terminated buffer released with
 * cli_buf_free(). A file over `cap` bytes is an error whose message ends in
 * `todo`. Prints the error and returns false on failure.
 */
bool cli_read_file(const char *path, size_t cap, const char *todo, char **out, size_t *out_len);

/*
 * Reads at most `cap` bytes from a stream. Sets *truncated when more bytes
 * followed; prints the error and returns false on a read failure.
 */
bool cli_read_stream(FILE *f, const char *name, size_t cap, char **out, size_t *out_len,
                     bool *truncated);

/* Wipes and frees a buffer from cli_read_file() or cli_read_stream(). */
void cli_buf_free(char *buf, size_t len);

/* An option and whether the command line gave it. */
struct cli_given {
    bool given;
    const char *option;
};

/*
 * Prints "<what> (<option>): <todo>" for the first row that was given and
 * returns false; returns true when none was.
 */
bool cli_check_none_given(const struct cli_given *rows, size_t count, const char *what,
                          const char *todo);

/* Parses a decimal integer in [min, max]; prints the error for `option` and returns false. */
bool cli_parse_int64(const char *option, const char *text, int64_t min, int64_t max, int64_t *out);

/* Subcommands: each takes the arguments after its name (argv[0] is the name). */
int cli_cmd_verify(int argc, char **argv);
int cli_cmd_inspect(int argc, char **argv);
int cli_cmd_sign(int argc, char **argv);
int cli_cmd_keygen(int argc, char **argv);
int cli_cmd_scan(int argc, char **argv);
int cli_cmd_redact(int argc, char **argv);
int cli_cmd_serve(int argc, char **argv);
int cli_cmd_revoke(int argc, char **argv);

#endif /* JWTGUARD_CLI_H */
