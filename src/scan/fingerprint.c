/*
 * fingerprint.c: the fingerprints and previews that stand in for secret
 * values in reports, and SARIF's primaryLocationLineHash.
 *
 * Value and content fingerprints are HMAC-SHA256 keyed with the fixed,
 * public label FINGERPRINT_KEY, so they are stable across runs and
 * machines (a baseline written on one CI runner matches on another). A
 * fixed key hides nothing from someone who can guess the value: a weak
 * secret can be found from its fingerprint by trying a dictionary, which is
 * why only 12 hex digits are shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "internal.h"
#include "scan/ctx.h"

#define FINGERPRINT_KEY "jwtguard-scan fingerprint v1"

static void to_hex(const uint8_t *in, size_t hex_digits, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < hex_digits; i++)
        out[i] = digits[(in[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
    out[hex_digits] = '\0';
}

/* HMAC-SHA256 under FINGERPRINT_KEY of the concatenation of `parts`. */
static void keyed_hash(const uint8_t *const *parts, const size_t *lens, size_t count, uint8_t out[32])
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *mctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
                           OSSL_PARAM_construct_end()};
    size_t out_len = 0;

    memset(out, 0, 32);
    if (mctx == NULL ||
        !EVP_MAC_init(mctx, (const unsigned char *)FINGERPRINT_KEY, strlen(FINGERPRINT_KEY), params))
        goto out;
    for (size_t i = 0; i < count; i++) {
        if (!EVP_MAC_update(mctx, parts[i], lens[i]))
            goto out;
    }
    (void)EVP_MAC_final(mctx, out, &out_len, 32);
out:
    EVP_MAC_CTX_free(mctx);
    EVP_MAC_free(mac);
}

void scan_value_fingerprint(const uint8_t *value, size_t len, char out[SCAN_VALUE_FP_HEX + 1])
{
    uint8_t digest[32];
    const uint8_t *parts[] = {(const uint8_t *)"value\0", value};
    size_t lens[] = {6, len};

    keyed_hash(parts, lens, 2, digest);
    to_hex(digest, SCAN_VALUE_FP_HEX, out);
}

/* Copies `line` with leading and trailing whitespace removed and inner runs made one space. */
static size_t collapse_spaces(const uint8_t *line, size_t len, uint8_t *out)
{
    size_t n = 0;
    bool pending = false;

    for (size_t i = 0; i < len; i++) {
        uint8_t c = line[i];

        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
            pending = n > 0;
            continue;
        }
        if (pending)
            out[n++] = ' ';
        pending = false;
        out[n++] = c;
    }
    return n;
}

/*
 * Hashes the rule and the value when there is one. So the same secret on
 * another line still matches its baseline entry, and a new secret on an old
 * line does not. Without a value, hashes the rule and the line's text with
 * whitespace collapsed.
 */
void scan_content_fingerprint(const char *rule_id, const uint8_t *value, size_t value_len,
                              const uint8_t *line, size_t line_len,
                              char out[SCAN_CONTENT_FP_HEX + 1])
{
    uint8_t digest[32];
    uint8_t *collapsed = NULL;
    const uint8_t *parts[3];
    size_t lens[3];

    parts[0] = (const uint8_t *)rule_id;
    lens[0] = strlen(rule_id) + 1;
    if (value != NULL && value_len > 0) {
        parts[1] = (const uint8_t *)"value\0";
        parts[2] = value;
        lens[2] = value_len;
    } else {
        collapsed = malloc(line_len ? line_len : 1);
        parts[1] = (const uint8_t *)"line\0";
        parts[2] = collapsed ? collapsed : (const uint8_t *)"";
        lens[2] = collapsed ? collapse_spaces(line, line_len, collapsed) : 0;
    }
    lens[1] = strlen((const char *)parts[1]) + 1;
    keyed_hash(parts, lens, 3, digest);
    to_hex(digest, SCAN_CONTENT_FP_HEX, out);
    if (collapsed != NULL)
        jwg_wipe_free(collapsed, line_len ? line_len : 1);
}

/*
 * The first SCAN_PREVIEW_MAX bytes, and at most a quarter of the value, so
 * a short secret shows one or two characters at most. Bytes outside
 * printable ASCII are written as \xNN.
 */
void scan_preview(const uint8_t *value, size_t len, char *out, size_t cap)
{
    size_t shown = len / 4;
    size_t n = 0;

    if (shown > SCAN_PREVIEW_MAX)
        shown = SCAN_PREVIEW_MAX;
    for (size_t i = 0; i < shown && n + 5 <= cap; i++) {
        uint8_t c = value[i];

        if (c >= 0x21 && c < 0x7f && c != '\\' && c != '"') {
            out[n++] = (char)c;
        } else {
            static const char digits[] = "0123456789abcdef";

            out[n++] = '\\';
            out[n++] = 'x';
            out[n++] = digits[c >> 4];
            out[n++] = digits[c & 0xf];
        }
    }
    if (cap > 0)
        out[n < cap ? n : cap - 1] = '\0';
}

/* codeql-action src/fingerprints.ts: a rolling hash over 100 UTF-16 code units, base 37. */
#define HASH_BLOCK 100u
#define HASH_EOF 65535u

/* The hashes output so far and where the requested lines' hashes are among them. */
struct line_hash_log {
    const size_t *lines;
    size_t count;
    size_t *positions; /* per requested line: 1 + its index in seen, 0 until output */
    uint64_t *seen;    /* the hash of every line so far, in order, for the occurrence count */
    size_t seen_count, seen_cap;
    bool failed;
};

/* Appends the hash of line `line`, whose 100-unit window is complete. */
static void record_hash(struct line_hash_log *log, size_t line, uint64_t hash)
{
    if (log->seen_count == log->seen_cap) {
        size_t cap = log->seen_cap ? log->seen_cap * 2 : 1024;
        uint64_t *grown = realloc(log->seen, cap * sizeof(*grown));

        if (grown == NULL) {
            log->failed = true;
            return;
        }
        log->seen = grown;
        log->seen_cap = cap;
    }
    for (size_t i = 0; i < log->count; i++) {
        if (log->lines[i] == line)
            log->positions[i] = log->seen_count + 1;
    }
    log->seen[log->seen_count++] = hash;
}

/* Writes "<hex>:<n>", where n counts the lines up to this one with the same hash. */
static void format_hashes(const struct line_hash_log *log, char (*out)[SCAN_LINE_HASH_SIZE])
{
    for (size_t i = 0; i < log->count; i++) {
        size_t pos = log->positions[i];
        size_t n = 0;

        if (pos == 0 || log->failed)
            continue;
        for (size_t j = 0; j < pos; j++) {
            if (log->seen[j] == log->seen[pos - 1])
                n++;
        }
        snprintf(out[i], SCAN_LINE_HASH_SIZE, "%llx:%zu", (unsigned long long)log->seen[pos - 1], n);
    }
}

/* The hasher's state; its functions are inlined into the loop over every byte of a file. */
struct line_hasher {
    uint32_t window[HASH_BLOCK];
    size_t line_numbers[HASH_BLOCK]; /* 0: no line starts at this slot */
    size_t index;
    uint64_t hash;
    uint64_t first_mod;
    size_t line;
    bool line_start;
    bool prev_cr;
};

/* Inlined by force: clang 14 otherwise calls these once per byte of the file. */
#define HASH_INLINE static inline __attribute__((always_inline))

HASH_INLINE void update_hash(struct line_hasher *h, uint32_t current)
{
    uint32_t begin = h->window[h->index];

    h->window[h->index] = current;
    h->hash = 37u * h->hash + current - h->first_mod * begin;
    if (++h->index == HASH_BLOCK)
        h->index = 0;
}

/* Emits the line whose first unit leaves the window, if one starts there. */
HASH_INLINE void emit_leaving_line(struct line_hasher *h, struct line_hash_log *log)
{
    size_t line = h->line_numbers[h->index];

    if (line != 0) {
        h->line_numbers[h->index] = 0;
        record_hash(log, line, h->hash);
    }
}

HASH_INLINE void process_unit(struct line_hasher *h, struct line_hash_log *log, uint32_t current)
{
    if (current == ' ' || current == '\t' || (h->prev_cr && current == '\n')) {
        h->prev_cr = false;
        return;
    }
    h->prev_cr = current == '\r';
    if (current == '\r')
        current = '\n';
    emit_leaving_line(h, log);
    if (h->line_start) {
        h->line_start = false;
        h->line_numbers[h->index] = ++h->line;
    }
    if (current == '\n')
        h->line_start = true;
    update_hash(h, current);
}

/* Decodes one UTF-8 sequence at data[*i]; an invalid byte is U+FFFD, as Node's decoder makes it. */
static uint32_t next_code_point(const uint8_t *data, size_t len, size_t *i)
{
    uint8_t c = data[*i];
    size_t need = 0;
    uint32_t cp = 0;

    if (c >= 0xc2 && c < 0xe0) {
        need = 1;
        cp = c & 0x1fu;
    } else if (c >= 0xe0 && c < 0xf0) {
        need = 2;
        cp = c & 0x0fu;
    } else if (c >= 0xf0 && c < 0xf5) {
        need = 3;
        cp = c & 0x07u;
    }
    (*i)++;
    if (need == 0 || *i + need > len)
        return 0xfffd;
    for (size_t k = 0; k < need; k++) {
        if ((data[*i + k] & 0xc0) != 0x80)
            return 0xfffd;
        cp = (cp << 6) | (data[*i + k] & 0x3fu);
    }
    *i += need;
    return cp;
}

void scan_line_hashes(const uint8_t *data, size_t len, const size_t *lines,
                      char (*out)[SCAN_LINE_HASH_SIZE], size_t count)
{
    struct line_hasher h = {.line_start = true, .first_mod = 1};
    struct line_hash_log log = {.lines = lines, .count = count};

    for (size_t i = 0; i < HASH_BLOCK; i++)
        h.first_mod *= 37u;
    for (size_t i = 0; i < count; i++)
        out[i][0] = '\0';
    log.positions = calloc(count ? count : 1, sizeof(*log.positions));
    if (log.positions == NULL)
        return;

    for (size_t i = 0; i < len;) {
        uint32_t cp;

        if (data[i] < 0x80) {
            process_unit(&h, &log, data[i++]);
            continue;
        }
        cp = next_code_point(data, len, &i);
        if (cp >= 0x10000) {
            process_unit(&h, &log, 0xd800u + ((cp - 0x10000u) >> 10));
            process_unit(&h, &log, 0xdc00u + ((cp - 0x10000u) & 0x3ffu));
        } else {
            process_unit(&h, &log, cp);
        }
    }
    process_unit(&h, &log, HASH_EOF);
    for (size_t i = 0; i < HASH_BLOCK; i++) {
        emit_leaving_line(&h, &log);
        update_hash(&h, 0);
    }
    format_hashes(&log, out);
    free(log.positions);
    free(log.seen);
}
