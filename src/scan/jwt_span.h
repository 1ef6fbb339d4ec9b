/*
 * jwt_span.h: finds compact JWS and JWE tokens and bearer values in text.
 * Shared by the token detector and `jwtguard redact`. Pure functions over
 * explicit lengths; no allocation, no locale.
 */
#ifndef JWTGUARD_JWT_SPAN_H
#define JWTGUARD_JWT_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum jwt_span_kind {
    JWT_SPAN_JWS = 0, /* header.payload.signature (signature may be empty: unsigned) */
    JWT_SPAN_JWE = 1  /* five base64url parts */
} jwt_span_kind;

typedef struct jwt_span {
    size_t start; /* offset of the first byte of the token */
    size_t len;
    jwt_span_kind kind;
} jwt_span;

/*
 * Finds the first token that starts at or after `from` in `text`. A token
 * is base64url parts joined by '.', whose first part decodes to a JSON
 * object header ("eyJ" start), with a left boundary that is not a base64url
 * character. Returns false when there is none.
 */
bool jwt_span_next(const uint8_t *text, size_t len, size_t from, jwt_span *out);

/*
 * Given that a token's header starts at `start` (the "eyJ"), returns its
 * span, or false when the bytes there are not a token.
 */
bool jwt_span_at(const uint8_t *text, size_t len, size_t start, jwt_span *out);

#endif /* JWTGUARD_JWT_SPAN_H */
