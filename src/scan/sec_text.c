/*
 * sec_text.c: pure text helpers of the signing-secret detectors.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "scan/sec_text.h"
#include "scan/weak_secrets.h"

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

/* Returns true when `s` (n bytes) starts with `prefix`, ignoring ASCII case. */
static bool starts_with_ci(const uint8_t *s, size_t n, const char *prefix)
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

static bool contains(const uint8_t *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);

    for (size_t i = 0; i + k <= n; i++) {
        if (starts_with_ci(s + i, n - i, needle))
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

/* ---- secret names ---------------------------------------------------- */

#define NAME_WORDS_MAX 24u
#define NAME_WORD_LEN 32u

typedef struct name_words {
    char word[NAME_WORDS_MAX][NAME_WORD_LEN];
    size_t count;
} name_words;

static bool is_upper(uint8_t c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_lower_or_digit(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Splits at separators and at lower-to-upper changes ("jwtSigningKey" -> jwt signing key). */
static void split_words(const char *s, size_t len, name_words *w)
{
    size_t n = 0;

    w->count = 0;
    for (size_t i = 0; i <= len && w->count < NAME_WORDS_MAX; i++) {
        uint8_t c = i < len ? (uint8_t)s[i] : 0;
        bool sep = i == len || !((c >= 'a' && c <= 'z') || is_upper(c) || (c >= '0' && c <= '9'));
        bool camel = i > 0 && i < len && is_upper(c) && is_lower_or_digit((uint8_t)s[i - 1]);

        if ((sep || camel) && n > 0) {
            w->word[w->count][n] = '\0';
            w->count++;
            n = 0;
            if (w->count == NAME_WORDS_MAX)
                break;
        }
        if (!sep && n + 1 < NAME_WORD_LEN)
            w->word[w->count][n++] = (char)lower(c);
    }
}

/* True when some word contains `part` ("jwtsecret" contains "secret"). */
static bool has_part(const name_words *w, const char *part)
{
    for (size_t i = 0; i < w->count; i++) {
        if (strstr(w->word[i], part) != NULL)
            return true;
    }
    return false;
}

static int compare_words(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Words that mark a setting about the secret, or another service's credential. */
static bool is_excluded(const name_words *w)
{
    /* Sorted in strcmp order, for bsearch. */
    static const char *const excluded[] = {
        "age",       "alg",     "algorithm", "algorithms", "arn",      "aud",        "audience",
        "aws",       "bits",    "cache",     "captcha",    "claim",    "claims",     "client",
        "consumer",  "cookie",  "count",     "database",   "db",       "dir",        "duration",
        "enable",    "enabled", "encoding",  "endpoint",   "exp",      "expiration", "expire",
        "expires",   "expiry",  "field",     "file",       "filename", "format",     "github",
        "google",    "header",  "host",      "id",         "interval", "iss",        "issuer",
        "jwks",      "kid",     "leeway",    "len",        "length",   "lifetime",   "location",
        "mail",      "max",     "min",       "minio",      "mode",     "name",       "param",
        "path",      "port",    "prefix",    "provider",   "pub",      "public",     "query",
        "recaptcha", "redis",   "ref",       "required",   "rotation", "s3",         "schema",
        "size",      "smtp",    "store",     "stripe",     "timeout",  "ttl",        "type",
        "uri",       "url",     "user",      "username",   "validity", "vault",      "version",
    };

    for (size_t i = 0; i < w->count; i++) {
        const char *word = w->word[i];
        if (bsearch(&word, excluded, sizeof(excluded) / sizeof(excluded[0]), sizeof(excluded[0]),
                    compare_words) != NULL)
            return true;
    }
    return false;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);

    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/*
 * DJANGO_SECRET_KEY, SECRET_KEY_BASE: framework secrets that JWT plugins
 * sign with (djangorestframework-simplejwt's SIGNING_KEY defaults to SECRET_KEY).
 */
static bool is_framework_secret(const name_words *name)
{
    char joined[NAME_WORDS_MAX * NAME_WORD_LEN];
    size_t n = 0;

    for (size_t i = 0; i < name->count; i++) {
        size_t k = strlen(name->word[i]);
        memcpy(joined + n, name->word[i], k);
        n += k;
    }
    joined[n] = '\0';
    return ends_with(joined, n, "secretkey") || ends_with(joined, n, "secretkeybase");
}

/* True when some word of the name itself can be the secret part of a key ("jwt_secret", "key"). */
static bool is_secretish(const name_words *own)
{
    return has_part(own, "secret") || has_part(own, "key") || has_part(own, "token") ||
           has_part(own, "pass") || has_part(own, "sign");
}

bool sec_name_wants_context(const char *name, size_t len)
{
    name_words own;

    split_words(name, len, &own);
    return own.count > 0 && !is_excluded(&own) && is_secretish(&own);
}

bool sec_is_secret_name(const char *name, size_t len, const char *context, size_t context_len)
{
    name_words own;
    name_words all;

    split_words(name, len, &own);
    if (own.count == 0 || is_excluded(&own))
        return false;
    split_words(context, context_len, &all);
    for (size_t i = 0; i < own.count && all.count < NAME_WORDS_MAX; i++)
        memcpy(all.word[all.count++], own.word[i], strlen(own.word[i]) + 1);

    if (has_part(&all, "jwt") || has_part(&all, "jws"))
        return is_secretish(&own);
    if (has_part(&own, "secret") &&
        (has_part(&all, "token") || has_part(&all, "auth") || has_part(&all, "sign") ||
         has_part(&all, "hmac") || has_part(&all, "bearer")))
        return true;
    if ((has_part(&all, "sign") || has_part(&all, "hmac")) &&
        (has_part(&own, "key") || has_part(&own, "secret")))
        return true;
    return is_framework_secret(&own);
}

/* ---- placeholders ---------------------------------------------------- */

static bool all_mask_chars(const uint8_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strchr("xX*.-_#", v[i]))
            return false;
    }
    return true;
}

static bool is_reference_prefix(const uint8_t *v, size_t n)
{
    static const char *const prefixes[] = {
        "vault:",        "arn:",       "secretsmanager:",
        "ssm:",          "env:",       "file:",
        "classpath:",    "http://",    "https://",
        "process.env",   "os.environ", "os.getenv",
        "getenv(",       "env[",       "env.fetch",
        "system.getenv", "secret://",  "sm://",
        "gcp:",          "azure:",     "@microsoft.keyvault",
        "enc(",          "!ref",       "!sub",
        "!getatt",       "ref+",       "op://",
        "aws-kms:",      "sops:",
    };

    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        if (starts_with_ci(v, n, prefixes[i]))
            return true;
    }
    return false;
}

static bool is_literal_word(const uint8_t *v, size_t n)
{
    static const char *const words[] = {"true", "false", "null", "none",     "nil",
                                        "~",    "yes",   "no",   "undefined"};

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strlen(words[i]) == n && starts_with_ci(v, n, words[i]))
            return true;
    }
    return false;
}

static bool is_template(const uint8_t *v, size_t n)
{
    if (contains(v, n, "${") || contains(v, n, "{{") || contains(v, n, "$(") ||
        contains(v, n, "#{") || contains(v, n, "<%"))
        return true;
    if (v[0] == '$' && n > 1 &&
        (v[1] == '_' || v[1] == '{' || (lower(v[1]) >= 'a' && lower(v[1]) <= 'z')))
        return true;
    if (n >= 3 && ((v[0] == '%' && v[n - 1] == '%') || (v[0] == '@' && v[n - 1] == '@') ||
                   (v[0] == '<' && v[n - 1] == '>')))
        return true;
    return false;
}

bool sec_is_placeholder(const uint8_t *value, size_t len)
{
    while (len > 0 && is_space(value[0])) {
        value++;
        len--;
    }
    while (len > 0 && is_space(value[len - 1]))
        len--;

    if (len == 0 || all_mask_chars(value, len) || is_literal_word(value, len))
        return true;
    if (is_template(value, len) || is_reference_prefix(value, len))
        return true;
    if (value[0] == '/' || starts_with_ci(value, len, "./") || starts_with_ci(value, len, "../") ||
        starts_with_ci(value, len, "~/"))
        return true;
    if (starts_with_ci(value, len, "eyJ") && memchr(value, '.', len) != NULL)
        return true;
    return contains(value, len, "redacted");
}

/* ---- weakness -------------------------------------------------------- */

/* True when the value repeats a pattern of at most 4 bytes ("aaaa", "abab", "1231231"). */
static bool is_periodic(const uint8_t *v, size_t n)
{
    for (size_t p = 1; p <= 4 && 2 * p <= n; p++) {
        size_t i = p;
        while (i < n && v[i] == v[i - p])
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* True for runs such as "123456789", "abcdefgh", "987654321" (digits may wrap 9 -> 0). */
static bool is_sequence(const uint8_t *v, size_t n)
{
    int step;

    if (n < 4)
        return false;
    step = (int)v[1] - (int)v[0];
    if (step != 1 && step != -1)
        return false;
    for (size_t i = 2; i < n; i++) {
        int d = (int)v[i] - (int)v[i - 1];
        bool wrap = (step == 1 && v[i - 1] == '9' && v[i] == '0') ||
                    (step == -1 && v[i - 1] == '0' && v[i] == '9');
        if (d != step && !wrap)
            return false;
    }
    return true;
}

static size_t distinct_bytes(const uint8_t *v, size_t n)
{
    uint8_t seen[256] = {0};
    size_t count = 0;

    for (size_t i = 0; i < n; i++) {
        if (!seen[v[i]]) {
            seen[v[i]] = 1;
            count++;
        }
    }
    OPENSSL_cleanse(seen, sizeof(seen));
    return count;
}

sec_weakness sec_weakness_of(const uint8_t *value, size_t len)
{
    if (weak_secret_listed(value, len))
        return SEC_WEAK_LISTED;
    if (is_periodic(value, len) || is_sequence(value, len) ||
        (len >= 16 && distinct_bytes(value, len) < 8))
        return SEC_WEAK_LOW_ENTROPY;
    if (len < 32)
        return SEC_WEAK_SHORT;
    return SEC_WEAK_NONE;
}

const char *sec_weakness_phrase(sec_weakness w)
{
    switch (w) {
    case SEC_WEAK_LISTED:
        return "a known default or dictionary secret";
    case SEC_WEAK_LOW_ENTROPY:
        return "a low-entropy secret";
    case SEC_WEAK_SHORT:
        return "shorter than 32 bytes";
    case SEC_WEAK_NONE:
        break;
    }
    return "not weak";
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
    if (arg[i] == '`' && contains(arg + i, close - i, "${"))
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
