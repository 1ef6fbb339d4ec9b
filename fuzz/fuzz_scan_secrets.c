/*
 * fuzz_scan_secrets.c: the text helpers of the signing-secret detectors on
 * arbitrary input. Each span they return must lie inside the input, and a
 * literal read from an argument must not be longer than the argument.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/sec_forge.h"
#include "scan/sec_text.h"

#define FUZZ_MAX 8192u
#define FUZZ_CALLS 64u

static void check_lines(const uint8_t *data, size_t size)
{
    for (size_t start = 0; start < size;) {
        size_t end = sec_line_end(data, size, start);
        sec_assign a;

        if (end > size || sec_line_start(data, size, end) != start)
            abort();
        if (sec_parse_assign(data + start, end - start, &a)) {
            if (a.key + a.key_len > end - start || a.value + a.value_len > end - start)
                abort();
            (void)sec_is_secret_name((const char *)data + start + a.key, a.key_len, "jwt", 3);
            (void)sec_is_placeholder(data + start + a.value, a.value_len);
        }
        start = end + 1;
    }
}

static void check_calls(const uint8_t *data, size_t size)
{
    static uint8_t literal[SEC_VALUE_MAX];
    size_t calls = 0;

    for (size_t open = 0; open < size && calls < FUZZ_CALLS; open++) {
        size_t arg = 0, arg_len = 0, literal_len = 0, offset = 0;

        if (data[open] != '(')
            continue;
        calls++;
        if (!sec_call_arg(data, size, open, 1, 2048, &arg, &arg_len))
            continue;
        if (arg < open || arg + arg_len > size)
            abort();
        if (sec_literal_arg(data + arg, arg_len, literal, sizeof(literal), &literal_len, &offset) &&
            (literal_len > arg_len || offset > arg_len))
            abort();
    }
}

static void check_values(const uint8_t *data, size_t size)
{
    static uint8_t decoded[FUZZ_MAX];
    size_t decoded_len = 0;
    sec_hs_token token;

    if (sec_weakness_of(data, size) > SEC_WEAK_SHORT)
        abort();
    if (sec_base64_decode(data, size, decoded, sizeof(decoded), &decoded_len) &&
        decoded_len > size)
        abort();
    if (sec_hs_token_prepare(data, size, &token)) {
        if (token.input_len >= size || token.sig_len > sizeof(token.sig))
            abort();
        (void)sec_hs_token_signed_with(&token, data, (const uint8_t *)"secret", 6);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX)
        return 0;
    check_lines(data, size);
    check_calls(data, size);
    check_values(data, size);
    return 0;
}
