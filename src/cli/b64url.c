/*
 * b64url.c: base64url decoding for `jwtguard inspect`.
 */
#include "b64url.h"

#include <stdint.h>
#include <stdlib.h>

/* Returns the 6-bit value of a base64url character, or -1. */
static int sextet(char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '-')
        return 62;
    if (ch == '_')
        return 63;
    return -1;
}

bool cli_b64url_decode(const char *in, size_t len, char **out, size_t *out_len, bool *padded)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t n = 0;
    char *buf;

    *out = NULL;
    *out_len = 0;
    *padded = false;
    while (len > 0 && in[len - 1] == '=') {
        len--;
        *padded = true;
    }
    if (len % 4 == 1)
        return false;

    buf = malloc(len / 4 * 3 + 3);
    if (buf == NULL)
        return false;
    for (size_t i = 0; i < len; i++) {
        int v = sextet(in[i]);

        if (v < 0) {
            free(buf);
            return false;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[n++] = (char)((acc >> bits) & 0xFFu);
        }
    }
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return true;
}
