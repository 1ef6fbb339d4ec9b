/*
 * fuzz_scan_span.c: jwt_span_next() and jwt_span_at() on arbitrary text.
 * Every span found must lie inside the text, start with "eyJ" after a
 * non-base64url byte or a percent or JSON escape, consist of base64url parts joined by two or four
 * dots (JWS or JWE), and be found again by jwt_span_at() at its start.
 * Each span also goes through what the token detector reads from it: its
 * context and its decoded state, whose "alg" must be printable ASCII.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "scan/jwt_span.h"
#include "scan/tok_claims.h"
#include "scan/tok_context.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_hex(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

/* Whether "%XX", "\uXXXX" or one of "\n \t \r \b \f" ends just before `start`. */
static bool escape_ends_at(const uint8_t *data, size_t start)
{
    if (start >= 3 && data[start - 3] == '%' && is_hex(data[start - 2]) && is_hex(data[start - 1]))
        return true;
    if (start >= 6 && data[start - 6] == '\\' && data[start - 5] == 'u') {
        bool hex = true;

        for (size_t i = 1; i <= 4; i++)
            hex = hex && is_hex(data[start - i]);
        if (hex)
            return true;
    }
    return start >= 2 && data[start - 2] == '\\' && data[start - 1] != '\0' &&
           strchr("ntrbf", data[start - 1]) != NULL;
}

static void check_span(const uint8_t *data, size_t size, const jwt_span *span)
{
    size_t dots = 0;
    jwt_span again;

    if (span->len < 3 || span->start > size || size - span->start < span->len)
        abort();
    if (memcmp(data + span->start, "eyJ", 3) != 0)
        abort();
    if (span->start > 0 && jwt_span_is_b64url(data[span->start - 1]) &&
        !escape_ends_at(data, span->start))
        abort();
    for (size_t i = span->start; i < span->start + span->len; i++) {
        if (data[i] == '.')
            dots++;
        else if (!jwt_span_is_b64url(data[i]))
            abort();
    }
    if (dots != (span->kind == JWT_SPAN_JWS ? 2u : 4u) || span->len > JWT_SPAN_MAX_LEN)
        abort();
    if (!jwt_span_at(data, size, span->start, &again) || again.len != span->len ||
        again.kind != span->kind)
        abort();
}

static void check_detector_reads(const uint8_t *data, const jwt_span *span)
{
    tok_context context;
    tok_info info;

    tok_read_context(data, span->start, &context);
    if (strlen(context.key) >= TOK_KEY_MAX)
        abort();
    if (!tok_classify(data + span->start, span->len, span->kind, 0, &info))
        return;
    for (size_t i = 0; info.alg[i] != '\0'; i++) {
        if (info.alg[i] < 0x21 || info.alg[i] > 0x7e)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jwt_span span;
    size_t from = 0;

    while (from < size && jwt_span_next(data, size, from, &span)) {
        if (span.start < from)
            abort();
        check_span(data, size, &span);
        check_detector_reads(data, &span);
        from = span.start + span.len;
    }
    return 0;
}
