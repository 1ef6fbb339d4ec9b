/*
 * tok_redact.c: replaces tokens and bearer values in a byte stream.
 *
 * One pass looks for the first byte of a trigger with a table: 'e' of
 * "eyJ", 'b' or 'B' of "Bearer", and the '=' after a token parameter name.
 * Only at those bytes does it read further, so text without tokens is
 * copied at close to memory speed.
 */
#include <stdlib.h>
#include <string.h>

#include "scan/ctx.h"
#include "scan/tok_redact.h"

/* Maximum bytes of blanks (spaces, tabs, '+' or "%20") between "Bearer" and its value. */
#define BEARER_MAX_SPACES 16u

/* A replaced span of the text. */
typedef struct redact_match {
    size_t start;
    size_t end;
    bool jwt; /* a JWS or JWE, otherwise an opaque bearer value */
} redact_match;

static const bool trigger_byte[256] = {['e'] = true, ['b'] = true, ['B'] = true, ['='] = true};

/* URL parameters whose value is a credential: RFC 6750 2.3, and OpenID Connect implicit-flow redirects. */
static const char *const token_params[] = {"access_token", "id_token", "refresh_token"};

void tok_fingerprint(const uint8_t *value, size_t len, char out[TOK_FINGERPRINT_SIZE])
{
    scan_value_fingerprint(value, len, out);
}

static uint8_t ascii_lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

static bool is_word(uint8_t c)
{
    return jwt_span_is_b64url(c) && c != '-';
}

/* RFC 6750 2.1 b64token: ALPHA DIGIT "-" "." "_" "~" "+" "/", then "=" padding. */
static bool is_token68(uint8_t c)
{
    return jwt_span_is_b64url(c) || c == '.' || c == '~' || c == '+' || c == '/';
}

/*
 * Returns the end of a credential value that starts at `v`: token68
 * characters, a JSON-escaped slash ("\/"), '%' escapes when `percent`, and
 * trailing '=' padding, at most TOK_REDACT_MAX_VALUE bytes.
 */
static size_t value_end(const uint8_t *text, size_t len, size_t v, bool percent)
{
    size_t limit = len - v > TOK_REDACT_MAX_VALUE ? v + TOK_REDACT_MAX_VALUE : len;
    size_t q = v;

    while (q < limit) {
        uint8_t c = text[q];

        if (is_token68(c) || (percent && c == '%'))
            q++;
        else if (c == '\\' && q + 1 < limit && text[q + 1] == '/')
            q += 2;
        else
            break;
    }
    while (q < limit && text[q] == '=')
        q++;
    return q;
}

/*
 * Returns the offset after the blanks that follow "Bearer" at `q`: spaces
 * and tabs, or in a URL-encoded value "%20" and '+'. The first blank picks
 * the form, so a value that starts with '+' after a space keeps its '+'.
 * Sets *url_encoded for the second form, whose value may hold '%' escapes.
 */
static size_t skip_bearer_spaces(const uint8_t *text, size_t len, size_t q, bool *url_encoded)
{
    size_t v = q;

    *url_encoded = q < len && (text[q] == '+' || text[q] == '%');
    while (v < len && v - q < BEARER_MAX_SPACES) {
        if (!*url_encoded && (text[v] == ' ' || text[v] == '\t'))
            v++;
        else if (*url_encoded && text[v] == '+')
            v++;
        else if (*url_encoded && len - v >= 3 && text[v] == '%' && text[v + 1] == '2' &&
                 text[v + 2] == '0')
            v += 3;
        else
            break;
    }
    return v;
}

static bool match_bearer(const uint8_t *text, size_t len, size_t p, redact_match *m)
{
    static const char word[] = "bearer";
    size_t q = p + sizeof(word) - 1;
    size_t v;
    bool url_encoded;

    if (len - p < sizeof(word) + TOK_REDACT_MIN_BEARER)
        return false;
    if (p > 0 && is_word(text[p - 1]))
        return false;
    for (size_t i = 0; i < sizeof(word) - 1; i++) {
        if (ascii_lower(text[p + i]) != (uint8_t)word[i])
            return false;
    }

    v = skip_bearer_spaces(text, len, q, &url_encoded);

    /* A JWT value is left to the "eyJ" trigger, which labels it as one. */
    jwt_span span;
    if (v == q || jwt_span_at(text, len, v, &span))
        return false;

    m->start = v;
    m->end = value_end(text, len, v, url_encoded);
    m->jwt = false;
    return m->end - v >= TOK_REDACT_MIN_BEARER;
}

/* Returns whether the name of a token parameter ends just before the '=' at `p`. */
static bool after_token_param(const uint8_t *text, size_t p)
{
    for (size_t i = 0; i < sizeof(token_params) / sizeof(token_params[0]); i++) {
        size_t n = strlen(token_params[i]);
        size_t at = p - n;
        size_t k = 0;

        if (p < n || (at > 0 && is_word(text[at - 1])))
            continue;
        while (k < n && ascii_lower(text[at + k]) == (uint8_t)token_params[i][k])
            k++;
        if (k == n)
            return true;
    }
    return false;
}

static bool match_param(const uint8_t *text, size_t len, size_t p, redact_match *m)
{
    jwt_span span;

    if (p == 0 || text[p - 1] != 'n' || !after_token_param(text, p))
        return false;
    if (jwt_span_at(text, len, p + 1, &span))
        return false;

    m->start = p + 1;
    m->end = value_end(text, len, p + 1, true);
    m->jwt = false;
    return m->end - m->start >= TOK_REDACT_MIN_PARAM;
}

static bool match_at(const uint8_t *text, size_t len, size_t p, redact_match *m)
{
    jwt_span span;

    switch (text[p]) {
    case 'e':
        if (len - p < 3 || text[p + 1] != 'y' || text[p + 2] != 'J')
            return false;
        if (!jwt_span_at(text, len, p, &span))
            return false;
        m->start = span.start;
        m->end = span.start + span.len;
        m->jwt = true;
        return true;
    case 'b':
    case 'B':
        return match_bearer(text, len, p, m);
    default:
        return match_param(text, len, p, m);
    }
}

static bool write_replacement(const uint8_t *text, const redact_match *m,
                              tok_redact_write_fn write, void *arg)
{
    char fp[TOK_FINGERPRINT_SIZE];
    const char *label = m->jwt ? "[REDACTED jwt:" : "[REDACTED bearer:";

    tok_fingerprint(text + m->start, m->end - m->start, fp);
    return write(arg, (const uint8_t *)label, strlen(label)) &&
           write(arg, (const uint8_t *)fp, strlen(fp)) && write(arg, (const uint8_t *)"]", 1);
}

size_t tok_redact_piece(const uint8_t *text, size_t len, size_t from, bool final,
                        tok_redact_write_fn write, void *arg)
{
    size_t limit = final ? len : len - TOK_REDACT_OVERLAP;
    size_t written = from;
    size_t p = from;
    size_t end;

    if (!final && (len < TOK_REDACT_OVERLAP || limit < from))
        return from;

    while (p < limit) {
        redact_match m;

        while (p < limit && !trigger_byte[text[p]])
            p++;
        if (p >= limit)
            break;
        if (!match_at(text, len, p, &m)) {
            p++;
            continue;
        }
        if (m.start > written && !write(arg, text + written, m.start - written))
            return SIZE_MAX;
        if (!write_replacement(text, &m, write, arg))
            return SIZE_MAX;
        written = m.end;
        p = m.end;
    }

    /* A replaced match may end past `limit`; nothing after it was written. */
    end = final ? len : limit;
    if (written > end)
        end = written;
    if (end > written && !write(arg, text + written, end - written))
        return SIZE_MAX;
    return end;
}

bool tok_redactor_init(tok_redactor *r, size_t piece, tok_redact_write_fn write, void *arg)
{
    memset(r, 0, sizeof(*r));
    if (piece == 0)
        piece = TOK_REDACT_PIECE;
    if (piece < 2 * TOK_REDACT_OVERLAP)
        piece = 2 * TOK_REDACT_OVERLAP;

    r->cap = piece + TOK_REDACT_CONTEXT;
    r->buf = malloc(r->cap);
    r->write = write;
    r->arg = arg;
    return r->buf != NULL;
}

/* Writes the line or piece that ends at `end`; `final` when it ends a line. */
static void redact_until(tok_redactor *r, size_t end, bool final)
{
    size_t base = r->start - r->context;
    size_t cut = tok_redact_piece(r->buf + base, end - base, r->context, final, r->write, r->arg);

    if (cut == SIZE_MAX) {
        r->failed = true;
        return;
    }
    r->start = base + cut;
    r->context = final ? 0 : TOK_REDACT_CONTEXT;
    if (r->context > r->start)
        r->context = r->start;
}

/* Moves the unwritten bytes and their context to the front of the buffer. */
static void compact(tok_redactor *r)
{
    size_t keep = r->start < TOK_REDACT_CONTEXT ? r->start : TOK_REDACT_CONTEXT;
    size_t drop = r->start - keep;

    if (drop == 0)
        return;
    memmove(r->buf, r->buf + drop, r->len - drop);
    r->len -= drop;
    r->start -= drop;
    r->newline_from -= drop;
    r->context = r->context < keep ? r->context : keep;
}

/* Returns the offset just past the last '\n' in buf[from, len), or 0 when there is none. */
static size_t after_last_newline(const uint8_t *buf, size_t from, size_t len)
{
    for (size_t i = len; i > from; i--) {
        if (buf[i - 1] == '\n')
            return i;
    }
    return 0;
}

/*
 * Writes every complete line, then a piece of an over-long line when the
 * buffer is full. The complete lines go through tok_redact_piece() at once:
 * no match contains a '\n' and every look-back stops at one, so the output
 * equals that of redacting each line alone (fuzz_scan_redact checks it).
 */
static void drain(tok_redactor *r)
{
    size_t end = after_last_newline(r->buf, r->newline_from, r->len);

    r->newline_from = r->len;
    if (end > r->start)
        redact_until(r, end, true);
    if (!r->failed && r->len == r->cap)
        redact_until(r, r->len, false);
    compact(r);
}

bool tok_redactor_feed(tok_redactor *r, const uint8_t *data, size_t len)
{
    while (len > 0 && !r->failed) {
        size_t n = r->cap - r->len < len ? r->cap - r->len : len;

        memcpy(r->buf + r->len, data, n);
        r->len += n;
        data += n;
        len -= n;
        drain(r);
    }
    return !r->failed;
}

bool tok_redactor_finish(tok_redactor *r)
{
    if (!r->failed && r->start < r->len)
        redact_until(r, r->len, true);
    r->len = 0;
    r->start = 0;
    r->context = 0;
    r->newline_from = 0;
    return !r->failed;
}

void tok_redactor_free(tok_redactor *r)
{
    free(r->buf);
    r->buf = NULL;
}
