/*
 * jwt_span.h: finds compact JWS and JWE tokens in text. Shared by the token
 * detector, the secrets detector and `jwtguard redact`. Pure functions over
 * explicit lengths; no allocation, no locale.
 *
 * A token is base64url parts joined by '.': three for a JWS (RFC 7515 7.1),
 * five for a JWE (RFC 7516 7.1). The first part must begin "eyJ", the
 * base64url form of `{"`, so it decodes to a JSON object. The span is found
 * by shape only; nothing is decoded.
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
 * Maximum length of a token the functions find, the library's own limit
 * (JWG_MAX_TOKEN_BYTES_LIMIT). A longer run of parts is not a token.
 */
#define JWT_SPAN_MAX_LEN 65536u

/* Minimum part lengths, in base64url characters. */
#define JWT_SPAN_MIN_HEADER 16u    /* {"alg":"HS256"} is 20 characters */
#define JWT_SPAN_MIN_PAYLOAD 3u    /* {} is "e30" */
#define JWT_SPAN_MIN_SIGNATURE 16u /* or empty; an HS256 signature is 43 characters */
#define JWT_SPAN_MIN_JWE_PART 16u  /* JWE IV and tag; a 96-bit IV is 16 characters */

/* Returns whether `c` is a base64url character (RFC 4648 5). */
bool jwt_span_is_b64url(uint8_t c);

/*
 * Finds the first token that starts at or after `from` in `text`. A token
 * is base64url parts joined by '.', whose first part decodes to a JSON
 * object header ("eyJ" start), with a left boundary that is not a base64url
 * character. Returns false when there is none.
 */
bool jwt_span_next(const uint8_t *text, size_t len, size_t from, jwt_span *out);

/*
 * Given that a token's header starts at `start` (the "eyJ"), returns its
 * span, or false when the bytes there are not a token. These are rejected:
 * a bad left boundary (a base64url character, a '.' after one, or a '+' or
 * '/' inside a longer standard base64 run), a part shorter than its minimum
 * or of a length no base64url text has (1 mod 4), four or more than five
 * parts, and a span over JWT_SPAN_MAX_LEN bytes.
 */
bool jwt_span_at(const uint8_t *text, size_t len, size_t start, jwt_span *out);

#endif /* JWTGUARD_JWT_SPAN_H */
