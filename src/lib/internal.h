/*
 * internal.h: types and helpers shared by the library's modules. Not
 * installed; the command, the tests and the fuzz targets may include it.
 *
 * Error handling uses three guard macros and nothing else:
 *   JWG_TRY(expr)             return expr's jwg_err when it is not JWG_OK
 *   JWG_ENSURE(cond, err)     return err when cond is false
 *   JWG_TRY_GOTO(expr, rc, l) store expr's result in rc and jump to l on failure
 * A function that owns resources has one `out:` label that releases them.
 */
#ifndef JWTGUARD_INTERNAL_H
#define JWTGUARD_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "jwtguard/jwtguard.h"

#define JWG_TRY(expr)                                                                              \
    do {                                                                                           \
        jwg_err jwg_try_rc_ = (expr);                                                              \
        if (jwg_try_rc_ != JWG_OK)                                                                 \
            return jwg_try_rc_;                                                                    \
    } while (0)

#define JWG_ENSURE(cond, err)                                                                      \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return (err);                                                                          \
    } while (0)

#define JWG_TRY_GOTO(expr, rc, label)                                                              \
    do {                                                                                           \
        (rc) = (expr);                                                                             \
        if ((rc) != JWG_OK)                                                                        \
            goto label;                                                                            \
    } while (0)

#define JWG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- memory (mem.c) ---------------------------------------------------- */

/* Zeroes `len` bytes in a way the compiler cannot elide (OPENSSL_cleanse). */
void jwg_wipe(void *ptr, size_t len);

/* Wipes `len` bytes, then frees. NULL does nothing. */
void jwg_wipe_free(void *ptr, size_t len);

/* Copies a NUL-terminated string; NULL on allocation failure or NULL input. */
char *jwg_strdup(const char *s);

/* Writes a printf-style detail message into `buf` (may be NULL), always NUL-terminated. */
void jwg_detail_set(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- base64url (b64url.c), RFC 4648 section 5 without padding ---------- */

/* Returns the encoded length of `n` bytes (no padding, no NUL). */
size_t jwg_b64url_encoded_len(size_t n);

/* Returns the decoded length of `n` characters, or SIZE_MAX when n % 4 == 1. */
size_t jwg_b64url_decoded_len(size_t n);

/*
 * Decodes strictly: only A-Z a-z 0-9 - _, no padding, no whitespace, length
 * not 1 mod 4, unused trailing bits zero. Any violation is JWG_ERR_BASE64URL.
 * `out_cap` must be at least jwg_b64url_decoded_len(in_len).
 */
jwg_err jwg_b64url_decode(const char *in, size_t in_len, uint8_t *out, size_t out_cap,
                          size_t *out_len);

/*
 * Decodes as jwg_b64url_decode() does, with the same errors, but computes
 * each character's value without table lookups or branches on it, for key
 * material (JWK "k", "d"). An invalid input may return early.
 */
jwg_err jwg_b64url_decode_secret(const char *in, size_t in_len, uint8_t *out, size_t out_cap,
                                 size_t *out_len);

/* Encodes into `out` (capacity `out_cap`, at least the encoded length); returns the length written. */
size_t jwg_b64url_encode(const uint8_t *in, size_t in_len, char *out, size_t out_cap);

/* ---- strict JSON reader (json.c), RFC 8259 ----------------------------- */

/* Returns the value of hexadecimal digit `c` (either case), or -1 for any other byte. */
int jwg_hex_digit(uint8_t c);

typedef enum jwg_json_type {
    JWG_JSON_OBJECT = 1,
    JWG_JSON_ARRAY,
    JWG_JSON_STRING,
    JWG_JSON_NUMBER,
    JWG_JSON_TRUE,
    JWG_JSON_FALSE,
    JWG_JSON_NULL
} jwg_json_type;

/* Node flags. */
#define JWG_JSON_HAS_ESCAPE 0x01u /* string contains a backslash escape */
#define JWG_JSON_INTEGER 0x02u    /* number has no fraction and no exponent */

/*
 * One value of a parsed document, in document order (a flat pre-order
 * array). An object's children alternate name (a STRING node) and value.
 * `start`/`len` span the value's text in the source: for strings the bytes
 * between the quotes (still escaped), for containers the brackets included.
 * `next` is the index just past this value's subtree, so siblings are
 * reached without walking children. `count` is the number of members
 * (objects) or elements (arrays).
 */
typedef struct jwg_json_node {
    uint32_t start;
    uint32_t len;
    uint32_t next;
    uint32_t count;
    uint8_t type;
    uint8_t flags;
} jwg_json_node;

typedef struct jwg_json_doc {
    const uint8_t *src;
    size_t src_len;
    jwg_json_node *nodes;
    size_t count;
} jwg_json_doc;

/* Returns a node capacity that is always enough for a document of `len` bytes. */
size_t jwg_json_nodes_max(size_t len);

/*
 * Parses `len` bytes strictly: one value with optional surrounding JSON
 * whitespace, UTF-8 validated (including inside strings, no overlongs, no
 * surrogates, \u escapes paired correctly), nesting at most `max_depth`,
 * duplicate member names (compared after unescaping) rejected. Errors:
 * JWG_ERR_JSON_SYNTAX, JWG_ERR_JSON_UTF8, JWG_ERR_JSON_DEPTH,
 * JWG_ERR_JSON_DUPLICATE, JWG_ERR_INVALID_ARGUMENT (capacity too small).
 * Allocates nothing.
 */
jwg_err jwg_json_parse(const uint8_t *src, size_t len, jwg_json_node *nodes, size_t cap,
                       size_t max_depth, jwg_json_doc *doc);

/* Returns the index of member `name`'s value in object node `obj`, or 0 when absent. */
size_t jwg_json_find(const jwg_json_doc *doc, size_t obj, const char *name);

/* Returns 1 when string node `idx`, unescaped, equals `s` of length `n`; else 0. */
int jwg_json_string_equals(const jwg_json_doc *doc, size_t idx, const char *s, size_t n);

/*
 * Unescapes string node `idx` into `out` (capacity `cap`, at least len + 1)
 * and NUL-terminates it. `*out_len` excludes the NUL.
 */
jwg_err jwg_json_string_copy(const jwg_json_doc *doc, size_t idx, char *out, size_t cap,
                             size_t *out_len);

/* Reads an integer number node; fractions, exponents and values outside int64_t are JWG_ERR_MEMBER_TYPE. */
jwg_err jwg_json_int64(const jwg_json_doc *doc, size_t idx, int64_t *out);

/* Reads any number node as a double (may be +-HUGE_VAL for huge values). */
jwg_err jwg_json_double(const jwg_json_doc *doc, size_t idx, double *out);

/*
 * Reads a NumericDate (RFC 7519 2): any JSON number, integer or not, as whole
 * seconds rounded down, saturating at INT64_MIN/INT64_MAX. Non-numbers are
 * JWG_ERR_CLAIM_TYPE.
 */
jwg_err jwg_json_numeric_date(const jwg_json_doc *doc, size_t idx, int64_t *out);

/*
 * Checks a document as jwg_json_parse() does, without a caller-supplied node
 * array: small documents use the stack, larger ones one temporary heap
 * array (JWG_ERR_NOMEM when that fails).
 */
jwg_err jwg_json_validate(const uint8_t *src, size_t len, size_t max_depth);

/*
 * Writes `s` (n bytes, valid UTF-8) as a JSON string with quotes into out;
 * returns bytes needed (may exceed cap, then nothing useful is written).
 * No NUL is written.
 */
size_t jwg_json_escape(const char *s, size_t n, char *out, size_t cap);

/* ---- algorithms (alg.c) ------------------------------------------------ */

typedef enum jwg_alg_id {
    JWG_ALG_HS256 = 0,
    JWG_ALG_HS384,
    JWG_ALG_HS512,
    JWG_ALG_RS256,
    JWG_ALG_RS384,
    JWG_ALG_RS512,
    JWG_ALG_PS256,
    JWG_ALG_PS384,
    JWG_ALG_PS512,
    JWG_ALG_ES256,
    JWG_ALG_ES384,
    JWG_ALG_ES512,
    JWG_ALG_EDDSA,
    JWG_ALG_COUNT
} jwg_alg_id;

#define JWG_ALG_BIT(id) (1u << (id))
#define JWG_ALGS_HS (JWG_ALG_BIT(JWG_ALG_HS256) | JWG_ALG_BIT(JWG_ALG_HS384) | JWG_ALG_BIT(JWG_ALG_HS512))
#define JWG_ALGS_RSA                                                                               \
    (JWG_ALG_BIT(JWG_ALG_RS256) | JWG_ALG_BIT(JWG_ALG_RS384) | JWG_ALG_BIT(JWG_ALG_RS512) |         \
     JWG_ALG_BIT(JWG_ALG_PS256) | JWG_ALG_BIT(JWG_ALG_PS384) | JWG_ALG_BIT(JWG_ALG_PS512))

/* Largest signature any algorithm produces: RSA 8192 bits. */
#define JWG_SIG_MAX 1024u

/*
 * Maps a JWA name of `len` bytes to its id. "none" in any letter case is
 * JWG_ERR_ALG_NONE; anything else unknown (including other letter cases of
 * a known name) is JWG_ERR_ALG_UNKNOWN.
 */
jwg_err jwg_alg_from_name(const char *name, size_t len, jwg_alg_id *out);

/* Returns the JWA name of `id`. */
const char *jwg_alg_name(jwg_alg_id id);

/* Returns the message digest of `id` (NULL for EdDSA, which hashes internally). */
const EVP_MD *jwg_alg_md(jwg_alg_id id);

/* ---- keys (keys.c, jwk.c, crypto.c) ------------------------------------ */

typedef enum jwg_kty { JWG_KTY_OCT = 1, JWG_KTY_RSA, JWG_KTY_EC, JWG_KTY_OKP } jwg_kty;

typedef struct jwg_key jwg_key;

/*
 * A key set is reference counted so that verifiers and signers built from
 * it keep it alive; jwg_keyset_free() drops the caller's reference.
 */
struct jwg_keyset {
    atomic_uint refs;
    size_t count;
    jwg_key *keys[JWG_MAX_KEYS];
    char detail[JWG_DETAIL_MAX];
};

/* Takes another reference to `ks`; released with jwg_keyset_free(). */
jwg_keyset *jwg_keyset_ref(const jwg_keyset *ks);

/* Returns the bit set of algorithms (JWG_ALG_BIT) key `k` admits. */
uint32_t jwg_key_algs(const jwg_key *k);

/* Returns the key's type. */
jwg_kty jwg_key_type(const jwg_key *k);

/* Returns the key's kid or NULL. */
const char *jwg_key_kid(const jwg_key *k);

/* Returns the key's RFC 7638 thumbprint, base64url, NUL-terminated. */
const char *jwg_key_thumbprint(const jwg_key *k);

/* Returns true when the key may verify ("use" and "key_ops" allow it). */
bool jwg_key_can_verify(const jwg_key *k);

/* Returns true when the key can sign (private key or secret, and "key_ops" allow it). */
bool jwg_key_can_sign(const jwg_key *k);

/*
 * Verifies `sig` over `msg` with `alg`, which the caller has checked the key
 * admits. Safe to call from many threads on one key. Returns JWG_OK,
 * JWG_ERR_SIGNATURE_INVALID, JWG_ERR_SIGNATURE_LENGTH (ECDSA not exactly
 * 2 x field size, HMAC not the hash size) or JWG_ERR_CRYPTO. HMACs are
 * compared with CRYPTO_memcmp.
 */
jwg_err jwg_key_verify(const jwg_key *k, jwg_alg_id alg, const uint8_t *msg, size_t msg_len,
                       const uint8_t *sig, size_t sig_len);

/* Signs `msg` with `alg` into `sig` (capacity JWG_SIG_MAX); ECDSA output is raw r||s. */
jwg_err jwg_key_sign(const jwg_key *k, jwg_alg_id alg, const uint8_t *msg, size_t msg_len,
                     uint8_t *sig, size_t sig_cap, size_t *sig_len);

#endif /* JWTGUARD_INTERNAL_H */
