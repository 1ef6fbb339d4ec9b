/*
 * tok_redact.h: the core of `jwtguard redact`, over buffers and a write
 * callback, so that tests and fuzz targets run it without stdio.
 *
 * Every compact JWS or JWE (jwt_span.h) becomes "[REDACTED jwt:<fp>]",
 * every other bearer value "[REDACTED bearer:<fp>]", where <fp> is the
 * value fingerprint `jwtguard scan` prints for the same bytes. A bearer
 * value is the credential after "Bearer " (any case) or the value of an
 * access_token, id_token or refresh_token parameter. Every other byte is
 * written unchanged, including invalid UTF-8 and NUL.
 */
#ifndef JWTGUARD_TOK_REDACT_H
#define JWTGUARD_TOK_REDACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/jwt_span.h"

/* Writes `len` bytes; returns false on a write error, which stops the redactor. */
typedef bool (*tok_redact_write_fn)(void *arg, const uint8_t *data, size_t len);

/* Minimum length of a non-JWT value after "Bearer ", so that prose ("Bearer authentication") stays. */
#define TOK_REDACT_MIN_BEARER 16u

/* Minimum length of a non-JWT access_token, id_token or refresh_token parameter value. */
#define TOK_REDACT_MIN_PARAM 8u

/* Maximum length of a value replaced as one; the same bound as a token. */
#define TOK_REDACT_MAX_VALUE JWT_SPAN_MAX_LEN

/* Maximum bytes from the start of a match ("Bearer", a parameter's '=' or "eyJ") to its end. */
#define TOK_REDACT_OVERLAP (TOK_REDACT_MAX_VALUE + 64u)

/* Bytes of already-written text kept before a piece, for left boundaries. */
#define TOK_REDACT_CONTEXT 64u

/* Default bytes of one line handled at once; longer lines are handled in pieces. */
#define TOK_REDACT_PIECE (256u * 1024u)

/*
 * Redacts text[from, len), where text[0, from) is earlier text of the same
 * line that was already written and is read only for boundaries. When
 * `final`, the text ends at `len` and everything is written. Otherwise only
 * matches that start before len - TOK_REDACT_OVERLAP are replaced, which
 * keeps any match that could still grow whole. Requires len - from >
 * TOK_REDACT_OVERLAP then. Returns the offset up to which text was written,
 * or SIZE_MAX on a write error.
 */
size_t tok_redact_piece(const uint8_t *text, size_t len, size_t from, bool final,
                        tok_redact_write_fn write, void *arg);

/* A line-by-line redactor with a fixed buffer: memory does not grow with the input. */
typedef struct tok_redactor {
    uint8_t *buf;
    size_t cap;     /* piece size plus TOK_REDACT_CONTEXT */
    size_t len;     /* bytes in buf */
    size_t start;   /* first byte not yet written */
    size_t context; /* written bytes kept before `start`, at most TOK_REDACT_CONTEXT */
    size_t newline_from; /* where the search for '\n' resumes */
    tok_redact_write_fn write;
    void *arg;
    bool failed;
} tok_redactor;

/*
 * Prepares a redactor that handles lines in pieces of `piece` bytes (0 for
 * TOK_REDACT_PIECE; at least 2 * TOK_REDACT_OVERLAP). Returns false when
 * out of memory.
 */
bool tok_redactor_init(tok_redactor *r, size_t piece, tok_redact_write_fn write, void *arg);

/*
 * Redacts the next `len` bytes of input. Every complete line is written
 * before it returns, so a caller that flushes after each call never delays
 * a line while it waits for input. Returns false after a write error.
 */
bool tok_redactor_feed(tok_redactor *r, const uint8_t *data, size_t len);

/* Writes what is left of the input, a last line without '\n'. Returns false after a write error. */
bool tok_redactor_finish(tok_redactor *r);

void tok_redactor_free(tok_redactor *r);

/* Size of a replacement's fingerprint: SCAN_VALUE_FP_HEX digits and a NUL. */
#define TOK_FINGERPRINT_SIZE 13u

/* Writes the fingerprint of `value` that `jwtguard scan` shows for it. */
void tok_fingerprint(const uint8_t *value, size_t len, char out[TOK_FINGERPRINT_SIZE]);

#endif /* JWTGUARD_TOK_REDACT_H */
