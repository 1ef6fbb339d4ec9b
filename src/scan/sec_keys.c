/*
 * sec_keys.c: JG205 (PEM private keys) and JG206 (private JWKs), in any
 * file. Each candidate is confirmed by parsing it where that is cheap:
 * OpenSSL for unencrypted PEM, the library's JWK loader for JWKs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "internal.h"
#include "jwtguard/jwtguard.h"
#include "scan/sec_det.h"
#include "scan/sec_text.h"

/* A PEM block or JWK object larger than this is not a key; 16 KiB holds RSA-8192 with CRT. */
#define SEC_KEY_MAX (16u * 1024u)

const scan_pattern sec_keys_patterns[SEC_KEYS_PATTERN_COUNT] = {
    {"-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----", 0},
    {"\"kty\"\\s*:", 0},
};

/* ---- PEM ------------------------------------------------------------- */

static size_t find_bytes(const uint8_t *s, size_t from, size_t to, const char *needle)
{
    size_t n = strlen(needle);

    for (size_t i = from; i + n <= to; i++) {
        if (memcmp(s + i, needle, n) == 0)
            return i;
    }
    return to;
}

/*
 * Copies a PEM block. A block inside a string literal ("...\n" + "...")
 * has its "\n" escapes turned into newlines, and its quotes and whatever
 * lies between two literals (" + ") dropped. Base64 has no quotes.
 */
static size_t copy_unescaped(const uint8_t *s, size_t len, char *out)
{
    bool literal = find_bytes(s, 0, len, "\\n") < len;
    bool outside = false; /* between the literal's closing quote and the next opening one */
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        if (!literal) {
            out[n++] = (char)s[i];
        } else if (s[i] == '\\' && i + 1 < len && (s[i + 1] == 'n' || s[i + 1] == 'r')) {
            if (s[i + 1] == 'n')
                out[n++] = '\n';
            i++;
        } else if (s[i] == '"' || s[i] == '\'') {
            outside = !outside;
        } else if (!outside) {
            out[n++] = (char)s[i];
        }
    }
    out[n] = '\0';
    return n;
}

static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return 0;
}

/* Returns true when OpenSSL loads the block as a private key without a passphrase. */
static bool pem_parses(const char *pem, size_t len)
{
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *key = NULL;

    if (bio == NULL)
        return false;
    key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
    ERR_clear_error(); /* a failed load leaves errors that would confuse later OpenSSL callers */
    BIO_free(bio);
    EVP_PKEY_free(key);
    return key != NULL;
}

typedef enum pem_state {
    PEM_PARSED,    /* a key that loads, or an unencrypted OpenSSH key */
    PEM_ENCRYPTED, /* protected by a passphrase */
    PEM_UNPARSED,  /* base64 that OpenSSL does not load */
    PEM_NOT_KEY    /* too little base64, "..." in the body, or an OpenSSH block without its magic */
} pem_state;

/*
 * OpenSSH keys start with "openssh-key-v1\0" and a length-prefixed cipher
 * name, where "none" means unencrypted. Reads only the first base64 line.
 */
static pem_state classify_openssh(const char *pem, size_t len)
{
    const char *body = memchr(pem, '\n', len);
    uint8_t raw[48];
    size_t raw_len = 0;
    static const char magic[] = "openssh-key-v1"; /* compared with its NUL */

    if (body == NULL || (size_t)(pem + len - body) < 65 ||
        !sec_base64_decode((const uint8_t *)body + 1, 64, raw, sizeof(raw), &raw_len) ||
        raw_len < 23 || memcmp(raw, magic, sizeof(magic)) != 0)
        return PEM_NOT_KEY;
    if (raw[15] == 0 && raw[16] == 0 && raw[17] == 0 && raw[18] == 4 &&
        memcmp(raw + 19, "none", 4) == 0)
        return PEM_PARSED;
    return PEM_ENCRYPTED;
}

static bool is_base64_char(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

/* Counts the base64 characters between the BEGIN and END lines. */
static size_t base64_chars(const char *pem)
{
    const char *p = strchr(pem, '\n');
    size_t count = 0;

    for (; p != NULL && *p != '\0' && strncmp(p, "-----END", 8) != 0; p++)
        count += is_base64_char((uint8_t)*p) ? 1u : 0u;
    return count;
}

/* The smallest private key body, an Ed25519 PKCS#8, is 64 base64 characters. */
#define PEM_MIN_BODY 64u

static pem_state classify_pem(const char *pem, size_t len)
{
    if (base64_chars(pem) < PEM_MIN_BODY || strstr(pem, "...") != NULL ||
        strstr(pem, "\xe2\x80\xa6") != NULL)
        return PEM_NOT_KEY; /* code around a BEGIN string, or a key shortened in documentation */
    if (strstr(pem, "OPENSSH") != NULL)
        return classify_openssh(pem, len);
    if (strstr(pem, "ENCRYPTED") != NULL)
        return PEM_ENCRYPTED;
    if (pem_parses(pem, len))
        return PEM_PARSED;
    return PEM_UNPARSED;
}

/*
 * Reports the key at [begin, stop) of `f`. Its private part, `value_len`
 * bytes at `value`, is what the engine fingerprints, so reformatting the
 * file does not change the fingerprint.
 */
static void report_key(scan_ctx *ctx, const scan_file *f, sec_rule_index rule, size_t begin,
                       size_t stop, size_t value, size_t value_len, scan_severity severity,
                       const char *message)
{
    scan_finding finding = {0};

    finding.rule = &sec_rules[rule];
    finding.offset = begin;
    finding.len = stop - begin;
    finding.value = f->data + value;
    finding.value_len = value_len;
    finding.severity = sec_file_severity(f, severity);
    finding.message = message;
    scan_report(ctx, f, &finding);
}

static void report_pem(scan_ctx *ctx, const scan_file *f, size_t begin, size_t stop,
                       pem_state state)
{
    if (state == PEM_ENCRYPTED)
        report_key(ctx, f, SEC_JG205, begin, stop, begin, stop - begin, SCAN_SEV_MEDIUM,
                   "passphrase-encrypted private key committed");
    else if (state == PEM_UNPARSED)
        report_key(
            ctx, f, SEC_JG205, begin, stop, begin, stop - begin, SCAN_SEV_MEDIUM,
            "private key block committed (OpenSSL could not load it: damaged or an example)");
    else
        report_key(ctx, f, SEC_JG205, begin, stop, begin, stop - begin, SCAN_SEV_HIGH,
                   "private key committed");
}

static void pem_on_match(scan_ctx *ctx, scan_file *f, unsigned index, size_t end)
{
    size_t from = end > 64 ? end - 64 : 0;
    size_t begin = find_bytes(f->data, from, end, "-----BEGIN");
    size_t limit = f->len - begin > SEC_KEY_MAX ? begin + SEC_KEY_MAX : f->len;
    size_t stop = find_bytes(f->data, end, limit, "-----END");
    char *pem;
    pem_state state;

    if (begin >= end || stop >= limit)
        return; /* no END line within reach: a truncated snippet */
    stop = find_bytes(f->data, stop + 8, limit, "-----");
    if (stop >= limit)
        return;
    stop += 5;

    pem = malloc(stop - begin + 1);
    if (pem == NULL)
        return;
    state = classify_pem(pem, copy_unescaped(f->data + begin, stop - begin, pem));
    jwg_wipe_free(pem, stop - begin + 1);

    if (state != PEM_NOT_KEY)
        report_pem(ctx, f, begin, stop, state);
    f->skip_until[index] = stop;
}

/* ---- JWK ------------------------------------------------------------- */

/* Finds the '{' that opens the object holding the member at `pos`, or SIZE_MAX. */
static size_t object_start(const uint8_t *s, size_t pos)
{
    size_t floor = pos > SEC_KEY_MAX ? pos - SEC_KEY_MAX : 0;
    unsigned depth = 0;

    for (size_t i = pos; i > floor; i--) {
        if (s[i - 1] == '}')
            depth++;
        else if (s[i - 1] == '{' && depth == 0)
            return i - 1;
        else if (s[i - 1] == '{')
            depth--;
    }
    return SIZE_MAX;
}

/* Finds the offset just past the '}' that closes the object opened at `open`, or 0. */
static size_t object_end(const uint8_t *s, size_t len, size_t open)
{
    size_t limit = len - open > SEC_KEY_MAX ? open + SEC_KEY_MAX : len;
    unsigned depth = 0;

    for (size_t i = open; i < limit; i++) {
        if (s[i] == '"') {
            for (i++; i < limit && s[i] != '"'; i++)
                i += s[i] == '\\';
        } else if (s[i] == '{') {
            depth++;
        } else if (s[i] == '}' && --depth == 0) {
            return i + 1;
        }
    }
    return 0;
}

typedef struct jwk_info {
    bool is_private;
    bool is_oct;
    bool loads;                      /* the library's JWK loader accepts it */
    size_t secret_start, secret_len; /* the "d" or "k" string in the object's text, base64url */
    uint8_t k[SEC_VALUE_MAX];
    size_t k_len;
} jwk_info;

static bool member_is(const jwg_json_doc *doc, size_t obj, const char *name, const char *value)
{
    size_t v = jwg_json_find(doc, obj, name);

    return v != 0 && doc->nodes[v].type == JWG_JSON_STRING &&
           jwg_json_string_equals(doc, v, value, strlen(value));
}

/* Reads the oct key's "k" into info->k, decoded. */
static void read_oct_secret(const jwg_json_doc *doc, size_t k, jwk_info *info)
{
    const jwg_json_node *node = &doc->nodes[k];

    if (jwg_b64url_decode_secret((const char *)doc->src + node->start, node->len, info->k,
                                 sizeof(info->k), &info->k_len) != JWG_OK)
        info->k_len = 0;
}

static void inspect_jwk(const uint8_t *src, size_t len, jwk_info *info)
{
    size_t cap = jwg_json_nodes_max(len);
    jwg_json_node *nodes = calloc(cap, sizeof(*nodes));
    jwg_json_doc doc;
    jwg_keyset *ks = NULL;
    size_t d, k;

    memset(info, 0, sizeof(*info));
    if (nodes == NULL || jwg_json_parse(src, len, nodes, cap, JWG_MAX_JSON_DEPTH, &doc) != JWG_OK ||
        doc.nodes[0].type != JWG_JSON_OBJECT)
        goto out;

    d = jwg_json_find(&doc, 0, "d");
    k = jwg_json_find(&doc, 0, "k");
    info->is_oct = member_is(&doc, 0, "kty", "oct");
    info->is_private = (info->is_oct && k != 0 && doc.nodes[k].type == JWG_JSON_STRING) ||
                       (!info->is_oct && d != 0 && doc.nodes[d].type == JWG_JSON_STRING &&
                        (member_is(&doc, 0, "kty", "RSA") || member_is(&doc, 0, "kty", "EC") ||
                         member_is(&doc, 0, "kty", "OKP")));
    if (info->is_private) {
        size_t member = info->is_oct ? k : d;
        info->secret_start = doc.nodes[member].start;
        info->secret_len = doc.nodes[member].len;
    }
    if (info->is_private && info->is_oct)
        read_oct_secret(&doc, k, info);

    if (info->is_private && jwg_keyset_new(&ks) == JWG_OK)
        info->loads = jwg_keyset_add_jwk(ks, (const char *)src, len) == JWG_OK &&
                      jwg_keyset_is_private(ks, 0) == 1;
out:
    jwg_keyset_free(ks);
    free(nodes);
}

static void report_jwk(scan_ctx *ctx, const scan_file *f, size_t open, size_t close,
                       const jwk_info *info)
{
    const char *message;

    if (info->is_oct)
        message =
            info->loads
                ? "private JWK committed: an HMAC secret (kty oct)"
                : "private JWK committed: a weak HMAC secret (kty oct, rejected by the key loader)";
    else
        message = info->loads ? "private JWK committed (\"d\" present)"
                              : "private JWK committed (\"d\" present; the key loader rejected it)";
    report_key(ctx, f, SEC_JG206, open, close, open + info->secret_start, info->secret_len,
               info->loads ? SCAN_SEV_HIGH : SCAN_SEV_MEDIUM, message);
}

static void jwk_on_match(scan_ctx *ctx, scan_file *f, unsigned index, size_t end)
{
    size_t open = object_start(f->data, end);
    size_t close;
    jwk_info *info;

    if (open == SIZE_MAX || (close = object_end(f->data, f->len, open)) == 0 || close < end)
        return;
    info = malloc(sizeof(*info));
    if (info == NULL)
        return;

    inspect_jwk(f->data + open, close - open, info);
    if (info->is_private) {
        report_jwk(ctx, f, open, close, info);
        if (info->is_oct && info->k_len > 0)
            scan_note_add(ctx, SCAN_NOTE_SECRET, f, open, "JWK k", info->k, info->k_len);
        f->skip_until[index] = close;
    }
    jwg_wipe_free(info, sizeof(*info));
}

void sec_keys_on_match(scan_ctx *ctx, scan_file *f, unsigned index, size_t pattern, size_t end)
{
    if (pattern == 0)
        pem_on_match(ctx, f, index, end);
    else if (pattern == 1)
        jwk_on_match(ctx, f, index, end);
}
