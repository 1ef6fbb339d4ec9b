/*
 * sec_text.h: pure text helpers of the signing-secret detectors, defined
 * in sec_text.c (reading) and sec_classify.c (judging).
 *
 * Every function reads explicit lengths, allocates nothing and reports
 * nothing, so the unit tests call them directly. The detectors in
 * det_secrets.c, sec_code.c and sec_keys.c build on them.
 */
#ifndef JWTGUARD_SEC_TEXT_H
#define JWTGUARD_SEC_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest secret value the detectors keep, in bytes; longer values are cut off and skipped. */
#define SEC_VALUE_MAX 1024u

/* Returns true when `s` (n bytes) starts with `prefix`, ignoring ASCII case. */
bool sec_starts_with_ci(const uint8_t *s, size_t n, const char *prefix);

/* Returns true when `s` (n bytes) contains `needle`, ignoring ASCII case. */
bool sec_contains_ci(const uint8_t *s, size_t n, const char *needle);

/* Returns the offset where the line containing `pos` starts. */
size_t sec_line_start(const uint8_t *text, size_t len, size_t pos);

/* Returns the offset of the line end ('\n' or `len`) of the line containing `pos`. */
size_t sec_line_end(const uint8_t *text, size_t len, size_t pos);

/*
 * One "key: value" or "key = value" line of a config file, as spans of
 * the line. `value` excludes quotes, and `quoted` is true when it had them.
 * `indent` counts leading spaces and tabs, after a YAML "- " item marker.
 */
typedef struct sec_assign {
    size_t key;
    size_t key_len;
    size_t value;
    size_t value_len;
    size_t indent;
    bool quoted;
    bool opens_block; /* no value: "jwt:", "\"jwt\": {", "[jwt]" (then key is the section) */
} sec_assign;

/*
 * Parses one line (no '\n') of a .env, YAML, JSON, properties, INI, TOML,
 * shell or Groovy file: optional "export ", "- ", "set ", quotes around the
 * key, a separator among ':', '=', ':=', then a quoted or bare value up to
 * a comment or the line end. Offsets are relative to `line`. Returns false
 * when the line is not an assignment.
 */
bool sec_parse_assign(const uint8_t *line, size_t len, sec_assign *out);

/*
 * Parses an assignment of a string literal in source code: the identifier
 * just before the first '=', ':', ':=' or '=>' outside quotes (so
 * "private static final String JWT_SECRET = ..." gives JWT_SECRET, and
 * "{ secret: ..." gives secret), then a quoted value whose next non-space
 * byte is ';', ',', ')', '}', ']', a comment or the line end. Comparisons ('==', '!=', '<=', '>=')
 * and compound assignments are not assignments. Offsets are relative to
 * `line`; `quoted` is always true. Returns false for anything else,
 * including a literal that is concatenated with more text.
 */
bool sec_parse_code_assign(const uint8_t *line, size_t len, sec_assign *out);

/*
 * Returns true when `name` names a JWT signing secret. Both `name` and
 * `context` (its parent keys, may be empty) are split into words at '.',
 * '_', '-', '/', ':' and lower-to-upper case changes. Matches include
 * JWT_SECRET, jwt.secret, jwtSigningKey, TOKEN_SECRET, AUTH_SECRET,
 * NEXTAUTH_SECRET, SIGNING_KEY, HMAC_KEY, SECRET_KEY, SECRET_KEY_BASE,
 * JWT__Token, or "secret"/"key" under a "jwt:" parent. Names whose words
 * mark metadata (public, id, url, path, file, alg, issuer, audience,
 * expiry, ttl, name, length ...) never match.
 */
bool sec_is_secret_name(const char *name, size_t len, const char *context, size_t context_len);

/*
 * Returns true when `name` could name a signing secret under some parent
 * keys: none of its words marks metadata, and one contains "secret",
 * "key", "token", "pass" or "sign". Callers use it to skip reading the
 * parent keys of every other line.
 */
bool sec_name_wants_context(const char *name, size_t len);

/*
 * Returns true when a config value is not a literal secret: empty, a
 * reference or template (${X}, $X, $(cmd), {{ x }}, ${{ secrets.X }}, %X%,
 * #{x}, @x@, <x>, ENC(...), vault:, arn:, !Ref), a runtime lookup
 * (process.env, os.environ, getenv, ENV[), a run of 'x', '*', '.', '-',
 * '_' or '#' (a masked value), a boolean or null, a path or URL, or a JWT
 * (the token rules report those).
 */
bool sec_is_placeholder(const uint8_t *value, size_t len);

/* Why a secret is weak; 0 when it is not. */
typedef enum sec_weakness {
    SEC_WEAK_NONE = 0,
    SEC_WEAK_LISTED,      /* a known default or dictionary value */
    SEC_WEAK_LOW_ENTROPY, /* one repeated short pattern, a sequence, or few distinct bytes */
    SEC_WEAK_SHORT        /* under 32 bytes: RFC 7518 3.2 requires at least the hash size */
} sec_weakness;

/* Classifies a secret, the most serious reason first. */
sec_weakness sec_weakness_of(const uint8_t *value, size_t len);

/* Returns a short English phrase for a weakness ("a known default secret"). */
const char *sec_weakness_phrase(sec_weakness w);

/*
 * Decodes standard base64 (RFC 4648 4, padding optional, no whitespace)
 * into `out` (capacity `cap`). Returns false on any invalid character or
 * when the output does not fit.
 */
bool sec_base64_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len);

/*
 * Finds argument `index` (0-based) of the call whose '(' is at `open` in
 * `text`, skipping nested brackets and string literals, within `max`
 * bytes. Returns false when the call does not close in range or has fewer
 * arguments. The span excludes surrounding spaces.
 */
bool sec_call_arg(const uint8_t *text, size_t len, size_t open, size_t index, size_t max,
                  size_t *arg, size_t *arg_len);

/*
 * Reads a literal string argument: "lit", 'lit', `lit` (without ${),
 * Python b"lit" or key="lit", and the wrappers []byte("lit"),
 * Buffer.from("lit"), "lit".getBytes(...), "lit".encode(...),
 * new TextEncoder().encode("lit"), Keys.hmacShaKeyFor("lit".getBytes()).
 * Unescapes \\ \" \' \n \t into `out` (capacity `cap`). Returns false when
 * the argument is anything else (a variable, a call, a concatenation).
 * `lit_off` is the offset of the literal's first byte in `arg`.
 */
bool sec_literal_arg(const uint8_t *arg, size_t len, uint8_t *out, size_t cap, size_t *out_len,
                     size_t *lit_off);

#endif /* JWTGUARD_SEC_TEXT_H */
