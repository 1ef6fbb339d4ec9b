/*
 * sign.c: issuing compact JWTs (RFC 7519 7.1) and JWS (RFC 7515 7.1).
 *
 * Setters validate and escape their input once and store JSON text, so
 * signing only concatenates: header and claims are built in one buffer,
 * base64url-encoded into the output and signed in place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "verify_internal.h"

#define JWG_MAX_LIFETIME 31536000
#define JWG_JTI_BYTES 16u

/* One extra claim: the escaped name (with quotes) and its validated JSON value. */
typedef struct extra_claim {
    jwg_str name;
    jwg_str json;
} extra_claim;

struct jwg_signer {
    jwg_keyset *keyset; /* reference that keeps `key` alive */
    const jwg_key *key;
    jwg_alg_id alg;
    int64_t lifetime; /* 0 until set; signing needs it */
    jwg_str header;   /* the header JSON, rebuilt when typ changes */
    jwg_str typ;      /* escaped JSON string; s == NULL omits "typ" */
    jwg_str kid;      /* escaped JSON string or NULL */
    jwg_str iss;      /* escaped JSON strings or NULL */
    jwg_str sub;
    jwg_str_list auds; /* escaped JSON strings */
    extra_claim *extras;
    size_t extra_count;
};

/* Claim names the signer sets itself (RFC 7519 4.1), which add_claim_json rejects. */
static const char *const reserved_claims[] = {"iat", "exp", "jti", "iss", "aud", "sub"};

/* ---- a growable text buffer ------------------------------------------- */

typedef struct text_buf {
    char *s;
    size_t len;
    size_t cap;
    jwg_err err; /* the first failure; later appends do nothing */
} text_buf;

static void buf_reserve(text_buf *b, size_t extra)
{
    if (b->err != JWG_OK || b->cap - b->len >= extra)
        return;

    size_t cap = b->cap * 2 > b->len + extra ? b->cap * 2 : b->len + extra + 64;
    char *grown = realloc(b->s, cap);
    if (grown == NULL) {
        b->err = JWG_ERR_NOMEM;
        return;
    }
    b->s = grown;
    b->cap = cap;
}

static void buf_add(text_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    if (b->err != JWG_OK)
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
}

static void buf_add_str(text_buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

/* Appends `,"name":value` (or `{"name":value` first), where value is JSON text. */
static void buf_member(text_buf *b, const char *quoted_name, size_t name_len, const char *value,
                       size_t value_len)
{
    buf_add(b, b->len == 0 ? "{" : ",", 1);
    buf_add(b, quoted_name, name_len);
    buf_add(b, ":", 1);
    buf_add(b, value, value_len);
}

static void buf_member_int(text_buf *b, const char *quoted_name, int64_t v)
{
    char num[24];
    int n = snprintf(num, sizeof(num), "%lld", (long long)v);
    buf_member(b, quoted_name, strlen(quoted_name), num, (size_t)n);
}

/* ---- escaped strings -------------------------------------------------- */

/*
 * Stores `s` as a JSON string literal in `dst`. The escaped text is checked
 * with the strict reader, which rejects invalid UTF-8 in caller strings.
 */
static jwg_err str_set_json(jwg_str *dst, const char *s)
{
    size_t n = strlen(s);
    JWG_ENSURE(n <= (SIZE_MAX - 2) / 6, JWG_ERR_INVALID_ARGUMENT);

    size_t cap = 6 * n + 2;
    char *tmp = malloc(cap);
    JWG_ENSURE(tmp != NULL, JWG_ERR_NOMEM);

    size_t len = jwg_json_escape(s, n, tmp, cap);
    jwg_err rc = JWG_ERR_INVALID_ARGUMENT;
    if (len <= cap && jwg_json_validate((const uint8_t *)tmp, len, JWG_MAX_JSON_DEPTH) == JWG_OK)
        rc = jwg_str_set(dst, tmp, len);
    free(tmp);
    return rc;
}

static void str_clear(jwg_str *s)
{
    free(s->s);
    s->s = NULL;
    s->len = 0;
}

/* ---- the signer ------------------------------------------------------- */

/* Rebuilds the header JSON: alg, then typ and kid when set (RFC 7515 4.1). */
static jwg_err signer_build_header(jwg_signer *s)
{
    text_buf b = {0};
    const char *alg = jwg_alg_name(s->alg);

    buf_add_str(&b, "{\"alg\":\"");
    buf_add_str(&b, alg);
    buf_add(&b, "\"", 1);
    if (s->typ.s != NULL)
        buf_member(&b, "\"typ\"", 5, s->typ.s, s->typ.len);
    if (s->kid.s != NULL)
        buf_member(&b, "\"kid\"", 5, s->kid.s, s->kid.len);
    buf_add(&b, "}", 1);

    jwg_err rc = b.err;
    if (rc == JWG_OK)
        rc = jwg_str_set(&s->header, b.s, b.len);
    free(b.s);
    return rc;
}

/*
 * Explains why a key that admits alg cannot sign. A probe signature distinguishes a
 * public key (JWG_ERR_KEY_NOT_PRIVATE) from one whose "use" or "key_ops"
 * forbid signing (JWG_ERR_KEY_USE), because internal.h exposes only the
 * combined jwg_key_can_sign(). It runs only on this failure path.
 */
static jwg_err unusable_key_reason(const jwg_key *k, jwg_alg_id alg)
{
    uint8_t sig[JWG_SIG_MAX];
    size_t sig_len;
    jwg_err rc = jwg_key_sign(k, alg, (const uint8_t *)"", 0, sig, sizeof(sig), &sig_len);
    jwg_wipe(sig, sizeof(sig));
    return rc == JWG_ERR_KEY_NOT_PRIVATE ? JWG_ERR_KEY_NOT_PRIVATE : JWG_ERR_KEY_USE;
}

/* Finds the single key that admits `alg` and can sign with it. */
static jwg_err signer_pick_key(const jwg_keyset *ks, jwg_alg_id alg, const jwg_key **out, char *detail,
                               size_t dlen)
{
    const jwg_key *admits = NULL;
    size_t signers = 0;

    for (size_t i = 0; i < ks->count; i++) {
        const jwg_key *k = ks->keys[i];
        if ((jwg_key_algs(k) & JWG_ALG_BIT(alg)) == 0)
            continue;
        admits = k;
        if (jwg_key_can_sign(k)) {
            *out = k;
            signers++;
        }
    }

    if (admits == NULL) {
        jwg_detail_set(detail, dlen, "no key in the set admits %s", jwg_alg_name(alg));
        return ks->count == 0 ? JWG_ERR_NO_KEYS : JWG_ERR_KEY_ALG_MISMATCH;
    }
    if (signers == 0) {
        jwg_detail_set(detail, dlen, "the key that admits %s cannot sign: load a private key or secret "
                                     "allowed to sign", jwg_alg_name(alg));
        return unusable_key_reason(admits, alg);
    }
    if (signers > 1) {
        jwg_detail_set(detail, dlen, "%zu keys can sign with %s: keep exactly one in the set", signers,
                       jwg_alg_name(alg));
        return JWG_ERR_INVALID_ARGUMENT;
    }
    return JWG_OK;
}

static jwg_err signer_resolve_alg(const char *alg, jwg_alg_id *id, char *detail, size_t dlen)
{
    jwg_err rc = jwg_alg_from_name(alg, strlen(alg), id);
    if (rc == JWG_ERR_ALG_NONE)
        jwg_detail_set(detail, dlen, "\"none\" is never used: choose a signing algorithm");
    else if (rc != JWG_OK)
        jwg_detail_set(detail, dlen, "unknown algorithm: use one of the JWA names such as HS256 or ES256");
    return rc;
}

static jwg_err signer_init(jwg_signer *s, const jwg_keyset *ks, jwg_alg_id alg, const jwg_key *key)
{
    s->keyset = jwg_keyset_ref(ks);
    s->key = key;
    s->alg = alg;
    JWG_TRY(str_set_json(&s->typ, "JWT"));

    const char *kid = jwg_key_kid(key);
    if (kid != NULL)
        JWG_TRY(str_set_json(&s->kid, kid));
    return signer_build_header(s);
}

jwg_err jwg_signer_new(jwg_signer **out, const jwg_keyset *ks, const char *alg, char *detail,
                       size_t detail_len)
{
    jwg_detail_set(detail, detail_len, "%s", "");
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    JWG_ENSURE(ks != NULL && alg != NULL, JWG_ERR_INVALID_ARGUMENT);

    jwg_alg_id id;
    const jwg_key *key = NULL;
    JWG_TRY(signer_resolve_alg(alg, &id, detail, detail_len));
    JWG_TRY(signer_pick_key(ks, id, &key, detail, detail_len));

    jwg_signer *s = calloc(1, sizeof(*s));
    JWG_ENSURE(s != NULL, JWG_ERR_NOMEM);

    jwg_err rc = signer_init(s, ks, id, key);
    if (rc != JWG_OK) {
        jwg_signer_free(s);
        return rc;
    }
    *out = s;
    return JWG_OK;
}

void jwg_signer_free(jwg_signer *s)
{
    if (s == NULL)
        return;

    str_clear(&s->header);
    str_clear(&s->typ);
    str_clear(&s->kid);
    str_clear(&s->iss);
    str_clear(&s->sub);
    jwg_str_list_clear(&s->auds);
    for (size_t i = 0; i < s->extra_count; i++) {
        str_clear(&s->extras[i].name);
        str_clear(&s->extras[i].json);
    }
    free(s->extras);
    jwg_keyset_free(s->keyset);
    free(s);
}

jwg_err jwg_signer_set_lifetime(jwg_signer *s, int64_t seconds)
{
    JWG_ENSURE(s != NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(seconds >= 1 && seconds <= JWG_MAX_LIFETIME, JWG_ERR_INVALID_ARGUMENT);
    s->lifetime = seconds;
    return JWG_OK;
}

jwg_err jwg_signer_set_issuer(jwg_signer *s, const char *iss)
{
    JWG_ENSURE(s != NULL && iss != NULL && iss[0] != '\0', JWG_ERR_INVALID_ARGUMENT);
    return str_set_json(&s->iss, iss);
}

jwg_err jwg_signer_set_subject(jwg_signer *s, const char *sub)
{
    JWG_ENSURE(s != NULL && sub != NULL && sub[0] != '\0', JWG_ERR_INVALID_ARGUMENT);
    return str_set_json(&s->sub, sub);
}

jwg_err jwg_signer_add_audience(jwg_signer *s, const char *aud)
{
    JWG_ENSURE(s != NULL && aud != NULL && aud[0] != '\0', JWG_ERR_INVALID_ARGUMENT);

    jwg_str quoted = {0};
    JWG_TRY(str_set_json(&quoted, aud));
    jwg_err rc = jwg_str_list_add(&s->auds, quoted.s, quoted.len);
    str_clear(&quoted);
    return rc;
}

jwg_err jwg_signer_set_typ(jwg_signer *s, const char *typ)
{
    JWG_ENSURE(s != NULL, JWG_ERR_INVALID_ARGUMENT);

    if (typ == NULL)
        str_clear(&s->typ);
    else
        JWG_TRY(str_set_json(&s->typ, typ));
    return signer_build_header(s);
}

static bool is_reserved_claim(const char *name)
{
    for (size_t i = 0; i < JWG_ARRAY_LEN(reserved_claims); i++) {
        if (strcmp(name, reserved_claims[i]) == 0)
            return true;
    }
    return false;
}

/* Returns the extra claim slot for escaped `name`, appending an empty one when new. */
static jwg_err extra_slot(jwg_signer *s, const jwg_str *name, extra_claim **out)
{
    for (size_t i = 0; i < s->extra_count; i++) {
        jwg_str *have = &s->extras[i].name;
        if (have->len == name->len && memcmp(have->s, name->s, name->len) == 0) {
            *out = &s->extras[i];
            return JWG_OK;
        }
    }

    extra_claim *grown = realloc(s->extras, (s->extra_count + 1) * sizeof(*grown));
    JWG_ENSURE(grown != NULL, JWG_ERR_NOMEM);
    s->extras = grown;

    extra_claim *slot = &s->extras[s->extra_count];
    memset(slot, 0, sizeof(*slot));
    JWG_TRY(jwg_str_set(&slot->name, name->s, name->len));
    s->extra_count++;
    *out = slot;
    return JWG_OK;
}

jwg_err jwg_signer_add_claim_json(jwg_signer *s, const char *name, const char *json, size_t json_len)
{
    JWG_ENSURE(s != NULL && name != NULL && json != NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(name[0] != '\0' && !is_reserved_claim(name), JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(jwg_json_validate((const uint8_t *)json, json_len, JWG_MAX_JSON_DEPTH - 1) == JWG_OK,
               JWG_ERR_INVALID_ARGUMENT);

    jwg_str quoted = {0};
    extra_claim *slot = NULL;
    jwg_err rc;

    JWG_TRY_GOTO(str_set_json(&quoted, name), rc, out);
    JWG_TRY_GOTO(extra_slot(s, &quoted, &slot), rc, out);
    rc = jwg_str_set(&slot->json, json, json_len);

out:
    str_clear(&quoted);
    return rc;
}

/* ---- signing ---------------------------------------------------------- */

/* RFC 7519 4.1.7: a 128-bit random jti, base64url, as a JSON string. */
static jwg_err make_jti(char out[32])
{
    uint8_t raw[JWG_JTI_BYTES];
    JWG_ENSURE(RAND_bytes(raw, (int)sizeof(raw)) == 1, JWG_ERR_RANDOM);

    out[0] = '"';
    size_t n = jwg_b64url_encode(raw, sizeof(raw), out + 1, 29);
    out[n + 1] = '"';
    out[n + 2] = '\0';
    return JWG_OK;
}

static void claims_audience(text_buf *b, const jwg_str_list *auds)
{
    if (auds->count == 0)
        return;
    if (auds->count == 1) {
        buf_member(b, "\"aud\"", 5, auds->items[0].s, auds->items[0].len);
        return;
    }

    buf_member(b, "\"aud\"", 5, "[", 1);
    for (size_t i = 0; i < auds->count; i++) {
        if (i > 0)
            buf_add(b, ",", 1);
        buf_add(b, auds->items[i].s, auds->items[i].len);
    }
    buf_add(b, "]", 1);
}

/* Builds the claims JSON; exp = iat + lifetime (RFC 7519 4.1.4, 4.1.6). */
static jwg_err build_claims(const jwg_signer *s, int64_t now, text_buf *b)
{
    char jti[32];
    int64_t exp;

    JWG_ENSURE(!__builtin_add_overflow(now, s->lifetime, &exp), JWG_ERR_INVALID_ARGUMENT);
    JWG_TRY(make_jti(jti));

    if (s->iss.s != NULL)
        buf_member(b, "\"iss\"", 5, s->iss.s, s->iss.len);
    if (s->sub.s != NULL)
        buf_member(b, "\"sub\"", 5, s->sub.s, s->sub.len);
    claims_audience(b, &s->auds);
    buf_member_int(b, "\"iat\"", now);
    buf_member_int(b, "\"exp\"", exp);
    buf_member(b, "\"jti\"", 5, jti, strlen(jti));
    for (size_t i = 0; i < s->extra_count; i++) {
        const extra_claim *e = &s->extras[i];
        buf_member(b, e->name.s, e->name.len, e->json.s, e->json.len);
    }
    buf_add(b, "}", 1);
    return b->err;
}

/* Encodes header and payload, signs "header.payload" and appends the signature (RFC 7515 5.1). */
static jwg_err sign_compact(const jwg_signer *s, const uint8_t *payload, size_t payload_len, char **out,
                            size_t *out_len)
{
    size_t h = jwg_b64url_encoded_len(s->header.len);
    size_t p = jwg_b64url_encoded_len(payload_len);
    size_t cap = h + 1 + p + 1 + jwg_b64url_encoded_len(JWG_SIG_MAX) + 1;
    uint8_t sig[JWG_SIG_MAX];
    size_t sig_len = 0;

    char *tok = malloc(cap);
    JWG_ENSURE(tok != NULL, JWG_ERR_NOMEM);

    size_t n = jwg_b64url_encode((const uint8_t *)s->header.s, s->header.len, tok, cap);
    tok[n++] = '.';
    n += jwg_b64url_encode(payload, payload_len, tok + n, cap - n);

    jwg_err rc = jwg_key_sign(s->key, s->alg, (const uint8_t *)tok, n, sig, sizeof(sig), &sig_len);
    if (rc != JWG_OK) {
        jwg_wipe_free(tok, cap);
        return rc;
    }

    tok[n++] = '.';
    n += jwg_b64url_encode(sig, sig_len, tok + n, cap - n);
    tok[n] = '\0';
    *out = tok;
    *out_len = n;
    return JWG_OK;
}

jwg_err jwg_signer_sign_at(const jwg_signer *s, int64_t now, char **out, size_t *out_len)
{
    JWG_ENSURE(out != NULL && out_len != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    *out_len = 0;
    JWG_ENSURE(s != NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(s->lifetime > 0, JWG_ERR_POLICY_INVALID);

    text_buf b = {0};
    jwg_err rc;
    JWG_TRY_GOTO(build_claims(s, now, &b), rc, out);
    rc = sign_compact(s, (const uint8_t *)b.s, b.len, out, out_len);

out:
    jwg_wipe_free(b.s, b.cap);
    return rc;
}

jwg_err jwg_signer_sign(const jwg_signer *s, char **out, size_t *out_len)
{
    return jwg_signer_sign_at(s, (int64_t)time(NULL), out, out_len);
}

jwg_err jwg_signer_sign_jws(const jwg_signer *s, const uint8_t *payload, size_t payload_len, char **out,
                            size_t *out_len)
{
    JWG_ENSURE(out != NULL && out_len != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    *out_len = 0;
    /* An empty payload would make an empty segment, which verification rejects (RFC 7515 7.1). */
    JWG_ENSURE(s != NULL && payload != NULL && payload_len > 0, JWG_ERR_INVALID_ARGUMENT);

    return sign_compact(s, payload, payload_len, out, out_len);
}
