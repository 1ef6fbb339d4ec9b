/*
 * out.c: error messages and escaped output (JSON strings and terminal text).
 */
#include <string.h>

#include "cli.h"

void cli_error(const char *what, const char *value, const char *todo)
{
    cli_error_detail(what, value, todo, "");
}

void cli_error_detail(const char *what, const char *value, const char *todo, const char *detail)
{
    fprintf(stderr, "jwtguard: error: %s (", what);
    cli_print_safe(stderr, value, strlen(value));
    fprintf(stderr, "): %s", todo);
    if (detail != NULL && detail[0] != '\0')
        fprintf(stderr, " [%s]", detail);
    fputc('\n', stderr);
}

/*
 * Returns the length of the valid UTF-8 sequence at `s` (at most `len`
 * bytes), or 0 when it is invalid: overlong forms, surrogates and code
 * points above U+10FFFF are invalid (RFC 3629 4).
 */
static size_t utf8_sequence_len(const unsigned char *s, size_t len)
{
    size_t need;
    unsigned long cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        need = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        need = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        need = 4;
    else
        return 0;
    cp = s[0] & (0x7Fu >> need);

    if (need > len)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0u) != 0x80u)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return need;
}

void cli_json_string(FILE *f, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    fputc('"', f);
    while (i < len) {
        size_t n = utf8_sequence_len(p + i, len - i);

        if (n == 0) {
            fputs("\\ufffd", f);
            i++;
        } else if (n > 1) {
            fwrite(p + i, 1, n, f);
            i += n;
        } else if (p[i] == '"' || p[i] == '\\') {
            fprintf(f, "\\%c", p[i++]);
        } else if (p[i] < 0x20 || p[i] == 0x7F) {
            fprintf(f, "\\u%04x", p[i++]);
        } else {
            fputc(p[i++], f);
        }
    }
    fputc('"', f);
}

void cli_json_compact(FILE *f, const char *json, size_t len)
{
    bool in_string = false;
    bool escaped = false;

    /* Whitespace is insignificant only outside strings (RFC 8259 2). */
    for (size_t i = 0; i < len; i++) {
        char ch = json[i];

        if (in_string) {
            in_string = escaped || ch != '"';
            escaped = !escaped && ch == '\\';
        } else if (ch == '"') {
            in_string = true;
        } else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            continue;
        }
        fputc(ch, f);
    }
}

void cli_json_cstr_or_null(FILE *f, const char *s)
{
    if (s == NULL)
        fputs("null", f);
    else
        cli_json_string(f, s, strlen(s));
}

void cli_print_safe(FILE *f, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;

    /* Control bytes could move the cursor or rewrite the terminal line. */
    for (size_t i = 0; i < len; i++) {
        if (p[i] < 0x20 || p[i] == 0x7F)
            fprintf(f, "\\x%02x", p[i]);
        else
            fputc(p[i], f);
    }
}
