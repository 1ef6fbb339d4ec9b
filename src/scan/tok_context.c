/*
 * tok_context.c: reads the bytes before a token, right to left, within
 * its line and at most TOK_CONTEXT_LOOKBACK bytes back:
 *
 *   ...?name=<token>            URL parameter (also &, #, ;)
 *   ...?name=Bearer%20<token>   URL parameter with a URL-encoded bearer value ('+' too)
 *   name=<token>                key of a setting (.env, properties)
 *   "name": "Bearer <token>     JSON field, optionally a bearer value
 *   name: Bearer <token>        key of a setting or header ("Authorization")
 *   \"name\": \"<token>         the same inside a JSON-escaped string
 */
#include <string.h>

#include "scan/tok_context.h"

/* Maximum length of a key name read back; a longer run is cut to its last KEY_SCAN_MAX bytes. */
#define KEY_SCAN_MAX 64u

static bool is_key_char(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
}

static bool is_quote(uint8_t c)
{
    return c == '"' || c == '\'';
}

static size_t skip_blanks_back(const uint8_t *text, size_t p, size_t stop)
{
    while (p > stop && (text[p - 1] == ' ' || text[p - 1] == '\t'))
        p--;
    return p;
}

/* Skips a quote before `p`, and the backslash of a JSON-escaped one; returns the quote or 0. */
static uint8_t skip_quote_back(const uint8_t *text, size_t *p, size_t stop)
{
    uint8_t quote;

    if (*p == stop || !is_quote(text[*p - 1]))
        return 0;
    quote = text[*p - 1];
    (*p)--;
    if (*p > stop && text[*p - 1] == '\\')
        (*p)--;
    return quote;
}

/* Reads a key name that ends at `p` into out->key; returns where it starts (`p` when none). */
static size_t read_key_back(const uint8_t *text, size_t p, size_t stop, tok_context *out)
{
    size_t q = p;
    size_t n;

    while (q > stop && p - q < KEY_SCAN_MAX && is_key_char(text[q - 1]))
        q--;
    n = p - q < TOK_KEY_MAX - 1 ? p - q : TOK_KEY_MAX - 1;
    memcpy(out->key, text + q, n);
    out->key[n] = '\0';
    return q;
}

static size_t line_start(const uint8_t *text, size_t start)
{
    size_t stop = start > TOK_CONTEXT_LOOKBACK ? start - TOK_CONTEXT_LOOKBACK : 0;
    size_t p = start;

    while (p > stop && text[p - 1] != '\n')
        p--;
    return p;
}

/* "?name=<token>" is a URL parameter, "name=<token>" at a line start or after a space a setting. */
static void read_after_equals(const uint8_t *text, size_t p, size_t stop, tok_context *out)
{
    size_t q = read_key_back(text, p - 1, stop, out);

    if (q == p - 1) {
        out->key[0] = '\0';
        return;
    }
    if (q > stop && strchr("?&#;", text[q - 1]) != NULL)
        out->where = TOK_WHERE_URL;
    else
        out->where = TOK_WHERE_KEY;
}

/* Matches the word "bearer" (any case) that ends at `q`; returns its start, or `q`. */
static size_t bearer_word_back(const uint8_t *text, size_t q, size_t stop)
{
    static const char word[] = "bearer";
    size_t w = sizeof(word) - 1;

    if (q - stop < w)
        return q;
    for (size_t i = 0; i < w; i++) {
        uint8_t c = text[q - w + i];

        if ((c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c) != (uint8_t)word[i])
            return q;
    }
    if (q - w > stop && is_key_char(text[q - w - 1]))
        return q;
    return q - w;
}

/* Matches "bearer" (any case) and blanks that end at `p`; returns its start, or `p`. */
static size_t skip_bearer_back(const uint8_t *text, size_t p, size_t stop)
{
    size_t q = skip_blanks_back(text, p, stop);
    size_t w;

    if (q == p)
        return p;
    w = bearer_word_back(text, q, stop);
    return w == q ? p : w;
}

/*
 * Matches "bearer" and URL-encoded blanks ('+' or "%20") that end at `p`,
 * as in "?access_token=Bearer%20<token>"; returns its start, or `p`.
 */
static size_t skip_encoded_bearer_back(const uint8_t *text, size_t p, size_t stop)
{
    size_t q = p;
    size_t w;

    for (;;) {
        if (q > stop && text[q - 1] == '+')
            q--;
        else if (q - stop >= 3 && text[q - 3] == '%' && text[q - 2] == '2' && text[q - 1] == '0')
            q -= 3;
        else
            break;
    }
    if (q == p)
        return p;
    w = bearer_word_back(text, q, stop);
    return w == q ? p : w;
}

/* Reads `name: ` or `"name": "` that ends at `p`, the value quoted with `value_quote` (or 0). */
static void read_key_value(const uint8_t *text, size_t p, size_t stop, uint8_t value_quote,
                           tok_context *out)
{
    size_t q = skip_blanks_back(text, p, stop);
    uint8_t separator;
    uint8_t key_quote;
    size_t k;

    if (q == stop || (text[q - 1] != ':' && text[q - 1] != '='))
        return;
    separator = text[q - 1];
    q = skip_blanks_back(text, q - 1, stop);
    key_quote = skip_quote_back(text, &q, stop);
    k = read_key_back(text, q, stop, out);
    if (k == q) {
        out->key[0] = '\0';
        return;
    }
    if (key_quote != 0 && (k == stop || text[k - 1] != key_quote)) {
        out->key[0] = '\0';
        return;
    }
    if (separator == ':' && key_quote == '"' && value_quote == '"')
        out->where = TOK_WHERE_JSON_FIELD;
    else
        out->where = TOK_WHERE_KEY;
}

void tok_read_context(const uint8_t *text, size_t start, tok_context *out)
{
    size_t stop = line_start(text, start);
    size_t p = start;
    uint8_t quote;

    memset(out, 0, sizeof(*out));
    if (p > stop && text[p - 1] == '=') {
        read_after_equals(text, p, stop, out);
        return;
    }

    /* A URL-encoded bearer value is a URL parameter, or a setting written as one. */
    p = skip_encoded_bearer_back(text, start, stop);
    if (p != start && p > stop && text[p - 1] == '=') {
        out->bearer = true;
        read_after_equals(text, p, stop, out);
        return;
    }

    p = skip_bearer_back(text, start, stop);
    out->bearer = p != start;
    quote = skip_quote_back(text, &p, stop);
    read_key_value(text, p, stop, quote, out);
}
