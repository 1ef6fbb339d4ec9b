/*
 * fuzz_scan_redact.c: the redact core on arbitrary bytes. The redactor,
 * fed in chunks whose sizes come from the input, must write exactly what
 * tok_redact_piece() writes for each whole line, so that chunking and the
 * pieces of over-long lines never change the output. When the first byte
 * is odd the input is repeated to about three pieces, without newlines
 * when the second byte is odd too, to reach the piece logic.
 */
#include <stdlib.h>
#include <string.h>

#include "scan/tok_redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The smallest piece the redactor accepts, so that long inputs stay cheap. */
#define PIECE (2u * TOK_REDACT_OVERLAP)

struct sink {
    uint8_t *data;
    size_t len;
    size_t cap;
};

static bool sink_write(void *arg, const uint8_t *data, size_t len)
{
    struct sink *s = arg;

    if (s->len + len > s->cap) {
        size_t cap = (s->len + len) * 2;
        uint8_t *grown = realloc(s->data, cap);

        if (grown == NULL)
            abort();
        s->data = grown;
        s->cap = cap;
    }
    memcpy(s->data + s->len, data, len);
    s->len += len;
    return true;
}

/* The reference: each line (with its '\n') redacted whole. */
static void redact_by_lines(const uint8_t *text, size_t len, struct sink *out)
{
    size_t start = 0;

    while (start < len) {
        const uint8_t *nl = memchr(text + start, '\n', len - start);
        size_t end = nl == NULL ? len : (size_t)(nl - text) + 1;

        if (tok_redact_piece(text + start, end - start, 0, true, sink_write, out) != end - start)
            abort();
        start = end;
    }
}

static void redact_chunked(const uint8_t *text, size_t len, size_t chunk, struct sink *out)
{
    tok_redactor r;

    if (!tok_redactor_init(&r, PIECE, sink_write, out))
        abort();
    for (size_t i = 0; i < len; i += chunk) {
        if (!tok_redactor_feed(&r, text + i, len - i < chunk ? len - i : chunk))
            abort();
    }
    if (!tok_redactor_finish(&r))
        abort();
    tok_redactor_free(&r);
}

/* Repeats `data` to about three pieces, replacing newlines by spaces when `one_line`. */
static uint8_t *repeat(const uint8_t *data, size_t size, bool one_line, size_t *out_len)
{
    size_t len = 3 * PIECE + size;
    uint8_t *text = malloc(len);

    if (text == NULL)
        abort();
    for (size_t i = 0; i < len; i++) {
        uint8_t c = data[i % size];

        text[i] = one_line && c == '\n' ? ' ' : c;
    }
    *out_len = len;
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sink whole = {0};
    struct sink chunked = {0};
    uint8_t *text = NULL;
    size_t len = size;
    size_t chunk;

    if (size < 3)
        return 0;
    chunk = 1 + (size_t)data[1] * 61;
    if (data[0] & 1)
        text = repeat(data + 2, size - 2, data[1] & 1, &len);

    redact_by_lines(text != NULL ? text : data, len, &whole);
    redact_chunked(text != NULL ? text : data, len, chunk, &chunked);
    if (whole.len != chunked.len ||
        (whole.len > 0 && memcmp(whole.data, chunked.data, whole.len) != 0))
        abort();

    free(whole.data);
    free(chunked.data);
    free(text);
    return 0;
}
