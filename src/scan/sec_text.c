/*
 * sec_text.c: reading config lines, code assignments, call arguments and
 * base64 for the signing-secret detectors. sec_classify.c judges what
 * they read.
 */
#include <string.h>

#include "scan/sec_text.h"

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static bool is_key_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-' || c == '/';
}

static uint8_t lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
}

bool sec_starts_with_ci(const uint8_t *s, size_t n, const char *prefix)
{
    size_t p = strlen(prefix);

    if (p > n)
        return false;
    for (size_t i = 0; i < p; i++) {
        if (lower(s[i]) != lower((uint8_t)prefix[i]))
            return false;
    }
    return true;
}

bool sec_contains_ci(const uint8_t *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);

    for (size_t i = 0; i + k <= n; i++) {
        if (sec_starts_with_ci(s + i, n - i, needle))
            return true;
    }
    return false;
}

size_t sec_line_start(const uint8_t *text, size_t len, size_t pos)
{
    if (pos > len)
        pos = len;
    while (pos > 0 && text[pos - 1] != '\n')
        pos--;
    return pos;
}

size_t sec_line_end(const uint8_t *text, size_t len, size_t pos)
{
    while (pos < len && text[pos] != '\n')
        pos++;
    return pos;
}

/* ---- assignments ----------------------------------------------------- */

static size_t skip_spaces(const uint8_t *s, size_t len, size_t i)
{
    while (i < len && is_space(s[i]))
        i++;
    return i;
}

/* Skips "export ", "set ", "ENV " (Dockerfile) and a YAML "- " item marker. */
static size_t skip_line_prefix(const uint8_t *s, size_t len, size_t i, size_t *indent)
{
    static const char *const words[] = {"export ", "set ", "ENV ", "readonly ", "declare -x "};

    if (i + 1 < len && s[i] == '-' && is_space(s[i + 1])) {
        i = skip_spaces(s, len, i + 1);
        *indent = i;
    }
    for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
        size_t n = strlen(words[w]);
        if (len - i > n && memcmp(s + i, words[w], n) == 0)
            return skip_spaces(s, len, i + n);
    }
    return i;
}

/* Parses "[section]" of INI and TOML files. */
static bool parse_section(const uint8_t *s, size_t len, size_t i, sec_assign *out)
{
    size_t start = i + 1;
    size_t end = start;

    while (end < len && s[end] != ']')
        end++;
    if (end >= len || end == start)
        return false;
    out->key = start;
    out->key_len = end - start;
    out->opens_block = true;
    return true;
}

/* Finds the quote that closes a string opened at `i`, honouring backslash escapes. */
static size_t find_close_quote(const uint8_t *s, size_t len, size_t i)
{
    uint8_t q = s[i];

    for (size_t j = i + 1; j < len; j++) {
        if (s[j] == '\\')
            j++;
        else if (s[j] == q)
            return j;
    }
    return len;
}

static bool parse_key(const uint8_t *s, size_t len, size_t *i, sec_assign *out)
{
    size_t j = *i;

    if (j < len && (s[j] == '"' || s[j] == '\'')) {
        size_t close = find_close_quote(s, len, j);
        if (close >= len || close == j + 1)
            return false;
        out->key = j + 1;
        out->key_len = close - j - 1;
        *i = close + 1;
        return true;
    }
    while (j < len && is_key_char(s[j]))
        j++;
    if (j == *i)
        return false;
    out->key = *i;
    out->key_len = j - *i;
    *i = j;
    return true;
}

/* Reads the separator: ':', '=', ':=' or '=>' (not '=='); returns false when absent. */
static bool parse_separator(const uint8_t *s, size_t len, size_t *i)
{
    size_t j = skip_spaces(s, len, *i);

    if (j >= len)
        return false;
    if (s[j] == ':') {
        j++;
        if (j < len && s[j] == '=')
            j++;
        else if (j < len && !is_space(s[j]) && s[j] != '"' && s[j] != '\'')
            return false; /* "http://x", "a:b": not a mapping; compact JSON "k":"v" is one */
    } else if (s[j] == '=') {
        j++;
        if (j < len && s[j] == '=')
            return false;
        if (j < len && s[j] == '>')
            j++;
    } else {
        return false;
    }
    *i = j;
    return true;
}

/* Reads a bare value up to an inline comment (" #", " ;", " //") or the end; trims ',' and spaces.
 */
static void parse_bare_value(const uint8_t *s, size_t len, size_t i, sec_assign *out)
{
    size_t end = i;

    while (end < len) {
        if (end > i && is_space(s[end - 1]) &&
            (s[end] == '#' || s[end] == ';' ||
             (s[end] == '/' && end + 1 < len && s[end + 1] == '/')))
            break;
        end++;
    }
    while (end > i && (is_space(s[end - 1]) || s[end - 1] == ','))
        end--;
    out->value = i;
    out->value_len = end - i;
}

bool sec_parse_assign(const uint8_t *line, size_t len, sec_assign *out)
{
    size_t i;

    memset(out, 0, sizeof(*out));
    i = skip_spaces(line, len, 0);
    out->indent = i;
    if (i >= len || line[i] == '#' || line[i] == ';' ||
        (line[i] == '/' && i + 1 < len && line[i + 1] == '/'))
        return false;
    if (line[i] == '[')
        return parse_section(line, len, i, out);

    i = skip_line_prefix(line, len, i, &out->indent);
    if (!parse_key(line, len, &i, out) || !parse_separator(line, len, &i))
        return false;

    i = skip_spaces(line, len, i);
    if (i >= len || line[i] == '{' || line[i] == '#') {
        out->opens_block = true;
        return true;
    }
    if (line[i] == '|' || line[i] == '>' || line[i] == '[' || line[i] == '&' || line[i] == '*')
        return false; /* NOTE: YAML block scalars, flow sequences, anchors and aliases are not read.
                       */
    if (line[i] == '"' || line[i] == '\'') {
        size_t close = find_close_quote(line, len, i);
        if (close >= len)
            return false;
        out->value = i + 1;
        out->value_len = close - i - 1;
        out->quoted = true;
        return true;
    }
    parse_bare_value(line, len, i, out);
    return true;
}

/* ---- code assignments ------------------------------------------------ */

static bool is_ident_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '$';
}

/* True when `line[i]` ('=' or ':') separates a key from its value. */
static bool is_code_separator(const uint8_t *s, size_t len, size_t i)
{
    uint8_t prev = i > 0 ? s[i - 1] : ' ';
    uint8_t next = i + 1 < len ? s[i + 1] : ' ';

    if (s[i] == ':')
        return prev != ':' && next != ':';
    if (next == '=' || strchr("=!<>+-*/%&|^?", prev) != NULL)
        return false;
    return true;
}

/* Finds the first separator outside quotes, or `len`. */
static size_t find_code_separator(const uint8_t *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"' || s[i] == '\'' || s[i] == '`') {
            i = find_close_quote(s, len, i);
        } else if (s[i] == '/' && i + 1 < len && s[i + 1] == '/') {
            return len;
        } else if ((s[i] == '=' || s[i] == ':') && is_code_separator(s, len, i)) {
            return i;
        }
    }
    return len;
}

/* Reads the identifier (or quoted key) that ends just before `end`. */
static bool code_key_before(const uint8_t *s, size_t end, sec_assign *out)
{
    size_t stop = end;
    size_t start;

    while (stop > 0 && is_space(s[stop - 1]))
        stop--;
    if (stop > 0 && (s[stop - 1] == '"' || s[stop - 1] == '\'')) {
        uint8_t q = s[--stop];
        start = stop;
        while (start > 0 && s[start - 1] != q)
            start--;
        if (start == 0)
            return false;
    } else {
        start = stop;
        while (start > 0 && is_ident_char(s[start - 1]))
            start--;
    }
    while (start < stop && s[start] == '$')
        start++;
    out->key = start;
    out->key_len = stop - start;
    return stop > start;
}

/*
 * True when the literal that closed before `i` ends its expression: the
 * next non-space byte is ';', ',', ')', '}', ']', a comment or the line
 * end. A '+' or '.' would join it with more text.
 */
static bool literal_ends_expression(const uint8_t *s, size_t len, size_t i)
{
    i = skip_spaces(s, len, i);
    if (i >= len || s[i] == '#' || (s[i] == '/' && i + 1 < len && s[i + 1] == '/'))
        return true;
    return strchr(";,)}]", s[i]) != NULL;
}

bool sec_parse_code_assign(const uint8_t *line, size_t len, sec_assign *out)
{
    size_t sep = find_code_separator(line, len);
    size_t i, close;

    memset(out, 0, sizeof(*out));
    if (sep >= len || !code_key_before(line, sep, out))
        return false;

    i = sep + 1;
    if (i < len && (line[i] == '>' || (line[sep] == ':' && line[i] == '=')))
        i++;
    i = skip_spaces(line, len, i);
    if (i >= len || !(line[i] == '"' || line[i] == '\'' || line[i] == '`'))
        return false;
    close = find_close_quote(line, len, i);
    if (close >= len || !literal_ends_expression(line, len, close + 1))
        return false;

    out->value = i + 1;
    out->value_len = close - i - 1;
    out->quoted = true;
    return true;
}

/* ---- base64 ---------------------------------------------------------- */

static int b64_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

bool sec_base64_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t n = 0;

    while (len > 0 && in[len - 1] == '=')
        len--;
    if (len % 4 == 1)
        return false;
    for (size_t i = 0; i < len; i++) {
        int v = b64_value(in[i]);
        if (v < 0)
            return false;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n >= cap)
                return false;
            out[n++] = (uint8_t)(acc >> bits);
        }
    }
    *out_len = n;
    return true;
}

/* ---- call arguments -------------------------------------------------- */

static size_t skip_string(const uint8_t *s, size_t end, size_t i)
{
    uint8_t q = s[i];

    for (i++; i < end; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == q)
            return i;
    }
    return end;
}

static void trim_span(const uint8_t *s, size_t *start, size_t *end)
{
    while (*start < *end && (is_space(s[*start]) || s[*start] == '\n'))
        (*start)++;
    while (*end > *start && (is_space(s[*end - 1]) || s[*end - 1] == '\n'))
        (*end)--;
}

/*
 * A call with parentheses ends at its ')'; a Ruby call without them
 * ("JWT.encode payload, 'k', 'HS256'") ends at the line end.
 */
bool sec_call_arg(const uint8_t *text, size_t len, size_t open, size_t index, size_t max,
                  size_t *arg, size_t *arg_len)
{
    bool paren = open < len && text[open] == '(';
    size_t end = (len - open > max) ? open + max : len;
    size_t start = paren ? open + 1 : open;
    size_t current = 0;
    unsigned depth = 0;

    for (size_t i = start; i < end; i++) {
        uint8_t c = text[i];
        bool last = depth == 0 && (paren ? c == ')' : c == '\n');

        if (c == '"' || c == '\'' || c == '`') {
            i = skip_string(text, end, i);
        } else if (last || (depth == 0 && c == ',')) {
            if (current == index) {
                size_t a = start, b = i;
                trim_span(text, &a, &b);
                *arg = a;
                *arg_len = b - a;
                return b > a;
            }
            if (last)
                return false;
            current++;
            start = i + 1;
        } else if (c == '(' || c == '[' || c == '{') {
            depth++;
        } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return false;
}

/* Skips a Python keyword ("key=") and the wrappers that turn a literal into key bytes. */
static size_t skip_literal_wrappers(const uint8_t *a, size_t n)
{
    static const char *const wrappers[] = {
        "[]byte(",
        "Buffer.from(",
        "new TextEncoder().encode(",
        "Keys.hmacShaKeyFor(",
        "new Key(",
        "SecretKeySpec(",
        "utf8.encode(",
        "bytes(",
        "str.encode(",
    };
    size_t i = 0;
    bool progressed = true;

    while (i < n && (is_key_char(a[i]) && a[i] != '/' && a[i] != '.' && a[i] != '-'))
        i++;
    i = (i > 0 && i + 1 < n && a[i] == '=' && a[i + 1] != '=') ? skip_spaces(a, n, i + 1) : 0;

    while (progressed) {
        progressed = false;
        for (size_t w = 0; w < sizeof(wrappers) / sizeof(wrappers[0]); w++) {
            size_t k = strlen(wrappers[w]);
            if (n - i >= k && memcmp(a + i, wrappers[w], k) == 0) {
                i = skip_spaces(a, n, i + k);
                progressed = true;
            }
        }
    }
    if (n - i >= 2 && strchr("bBrRuU", a[i]) && (a[i + 1] == '"' || a[i + 1] == '\''))
        i++;
    return i;
}

/* Accepts only ')' and byte conversions after the literal: "k".getBytes(UTF_8)), "k".encode(). */
static bool only_conversions_follow(const uint8_t *a, size_t n, size_t i)
{
    static const char *const suffixes[] = {".getBytes(", ".encode(", ".toByteArray(", ".as_bytes(",
                                           ".bytes"};

    while (i < n) {
        bool matched = false;
        if (is_space(a[i]) || a[i] == ')' || a[i] == '\n') {
            i++;
            continue;
        }
        for (size_t s = 0; s < sizeof(suffixes) / sizeof(suffixes[0]) && !matched; s++) {
            size_t k = strlen(suffixes[s]);
            if (n - i >= k && memcmp(a + i, suffixes[s], k) == 0) {
                i += k;
                while (i < n && a[i] != ')')
                    i++;
                matched = true;
            }
        }
        if (!matched)
            return false;
    }
    return true;
}

static uint8_t unescape(uint8_t c)
{
    switch (c) {
    case 'n':
        return '\n';
    case 't':
        return '\t';
    case 'r':
        return '\r';
    default:
        return c;
    }
}

bool sec_literal_arg(const uint8_t *arg, size_t len, uint8_t *out, size_t cap, size_t *out_len,
                     size_t *lit_off)
{
    size_t i = skip_literal_wrappers(arg, len);
    size_t close, n = 0;

    if (i >= len || !(arg[i] == '"' || arg[i] == '\'' || arg[i] == '`'))
        return false;
    close = skip_string(arg, len, i);
    if (close >= len || !only_conversions_follow(arg, len, close + 1))
        return false;
    if (arg[i] == '`' && sec_contains_ci(arg + i, close - i, "${"))
        return false;

    for (size_t j = i + 1; j < close; j++) {
        uint8_t c = arg[j];
        if (c == '\\' && j + 1 < close)
            c = unescape(arg[++j]);
        if (n >= cap)
            return false;
        out[n++] = c;
    }
    *out_len = n;
    *lit_off = i + 1;
    return true;
}
