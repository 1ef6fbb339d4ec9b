/*
 * out.c: error messages and escaped output (JSON strings and terminal text).
 */
#include <string.h>
#include <time.h>

#include "cli.h"

void cli_error(const char *what, const char *value, const char *todo)
{
    cli_error_detail(what, value, todo, "");
}

void cli_error_detail(const char *what, const char *value, const char *todo, const char *detail)
{
    fprintf(stderr, "jwtguard: error: %s", what);
    if (value != NULL) {
        fputs(" (", stderr);
        cli_print_safe(stderr, value, strlen(value));
        fputc(')', stderr);
    }
    fprintf(stderr, ": %s", todo);
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

/* Decodes the valid UTF-8 sequence of `n` bytes at `s`. */
static unsigned long utf8_code_point(const unsigned char *s, size_t n)
{
    unsigned long cp = s[0] & (0x7Fu >> n);

    for (size_t i = 1; i < n; i++)
        cp = (cp << 6) | (s[i] & 0x3Fu);
    return cp;
}

/*
 * Returns true for the valid UTF-8 sequence of `n` bytes at `s` when it is a
 * C1 control (U+0080..U+009F, which terminals may read as escape sequences)
 * or a bidirectional override or isolate (U+202A..U+202E, U+2066..U+2069,
 * which reorder the text shown around them).
 */
static bool is_deceptive(const unsigned char *s, size_t n)
{
    unsigned long cp = utf8_code_point(s, n);

    return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
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
        } else if (n > 1 && is_deceptive(p + i, n)) {
            fprintf(f, "\\u%04lx", utf8_code_point(p + i, n));
            i += n;
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
        const unsigned char *p = (const unsigned char *)json + i;
        size_t n = (unsigned char)ch >= 0x80 ? utf8_sequence_len(p, len - i) : 0;

        /* Only strings hold non-ASCII bytes, and a \u escape there means the same text. */
        if (n > 1 && is_deceptive(p, n)) {
            fprintf(f, "\\u%04lx", utf8_code_point(p, n));
            i += n - 1;
            continue;
        }
        if (in_string && ch == 0x7F) {
            fputs("\\u007f", f);
            continue;
        }
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
    size_t i = 0;

    /* Control bytes could move the cursor or rewrite the terminal line. */
    while (i < len) {
        size_t n = p[i] >= 0x80 ? utf8_sequence_len(p + i, len - i) : 1;

        if (n > 1 && is_deceptive(p + i, n)) {
            fprintf(f, "\\u%04lx", utf8_code_point(p + i, n));
            i += n;
        } else if (p[i] < 0x20 || (p[i] >= 0x7F && n <= 1)) {
            /* Also a byte of no valid UTF-8 sequence: 0x9B alone is CSI on 8-bit terminals. */
            fprintf(f, "\\x%02x", p[i++]);
        } else {
            fwrite(p + i, 1, n, f);
            i += n;
        }
    }
}

size_t cli_cut_len(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;

    size_t shown = max;
    while (shown > 0 && ((unsigned char)s[shown] & 0xC0u) == 0x80u)
        shown--;
    return shown;
}

void cli_print_value(FILE *f, const char *s, size_t len)
{
    size_t shown = cli_cut_len(s, len, CLI_MAX_SHOWN_VALUE);

    fputc('"', f);
    cli_print_safe(f, s, shown);
    fputs(shown < len ? "\"..." : "\"", f);
}

bool cli_format_utc(int64_t t, char out[CLI_UTC_MAX])
{
    time_t when = (time_t)t;
    struct tm tm;

    if (t < 0 || t > CLI_MAX_NOW || gmtime_r(&when, &tm) == NULL)
        return false;
    return strftime(out, CLI_UTC_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0;
}
