/*
 * code_text.c: bounded readers of source text for the code and CI checks.
 */
#include "scan/code_text.h"

#include <string.h>

#include "scan/code.h"

/* Maximum bytes before a match read to tell whether it sits in a comment or string. */
#define COMMENT_SCAN 512u

/* Upper bound for parsed durations, so products of literals cannot overflow. */
#define SECONDS_CAP 1000000000000L

static uint8_t lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
}

bool text_is_ident(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

size_t text_skip_space(const uint8_t *text, size_t len, size_t pos)
{
    while (pos < len && (text[pos] == ' ' || text[pos] == '\t'))
        pos++;
    return pos;
}

size_t text_line_start(const uint8_t *text, size_t pos)
{
    size_t stop = pos > TEXT_MAX_LINE ? pos - TEXT_MAX_LINE : 0;

    while (pos > stop && text[pos - 1] != '\n')
        pos--;
    return pos;
}

size_t text_line_end(const uint8_t *text, size_t len, size_t pos)
{
    size_t stop = len - pos > TEXT_MAX_LINE ? pos + TEXT_MAX_LINE : len;

    while (pos < stop && text[pos] != '\n')
        pos++;
    return pos;
}

size_t text_lines_after(const uint8_t *text, size_t len, size_t pos, unsigned count)
{
    for (unsigned i = 0; i < count && pos < len; i++)
        pos = text_line_end(text, len, pos) + 1;
    return pos < len ? pos : len;
}

size_t text_lines_before(const uint8_t *text, size_t pos, unsigned count)
{
    pos = text_line_start(text, pos);
    for (unsigned i = 0; i < count && pos > 0; i++)
        pos = text_line_start(text, pos - 1);
    return pos;
}

static bool hash_comments(scan_lang lang)
{
    return lang == SCAN_LANG_PYTHON || lang == SCAN_LANG_RUBY || lang == SCAN_LANG_SHELL ||
           lang == SCAN_LANG_YAML || lang == SCAN_LANG_PHP || lang == SCAN_LANG_OTHER ||
           lang == SCAN_LANG_PROPERTIES || lang == SCAN_LANG_ENV;
}

static bool slash_comments(scan_lang lang)
{
    return lang == SCAN_LANG_JS || lang == SCAN_LANG_GO || lang == SCAN_LANG_JAVA ||
           lang == SCAN_LANG_PHP || lang == SCAN_LANG_OTHER;
}

/* True when the line's first non-blank bytes continue or open a block comment. */
static bool block_comment_line(const uint8_t *text, size_t start, size_t pos, scan_lang lang)
{
    if (!slash_comments(lang))
        return false;
    while (start < pos && (text[start] == ' ' || text[start] == '\t'))
        start++;
    return start < pos && (text[start] == '*' ||
                           (text[start] == '/' && start + 1 < pos && text[start + 1] == '*'));
}

/* Scans the line up to `pos`; sets *in_string when `pos` is inside a quoted string. */
static bool in_comment(const uint8_t *text, scan_lang lang, size_t pos, bool *in_string)
{
    size_t start = text_line_start(text, pos);
    uint8_t quote = 0;

    /* Each match re-reads its line prefix, so long lines are judged from COMMENT_SCAN back. */
    if (pos - start > COMMENT_SCAN)
        start = pos - COMMENT_SCAN;

    *in_string = false;
    if (block_comment_line(text, start, pos, lang))
        return true;

    for (size_t i = start; i < pos; i++) {
        uint8_t c = text[i];

        if (quote != 0) {
            if (c == '\\')
                i++;
            else if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '"' || c == '\'' || c == '`') {
            quote = c;
        } else if (c == '#' && hash_comments(lang) &&
                   (i == start || text[i - 1] == ' ' || text[i - 1] == '\t' ||
                    lang == SCAN_LANG_PYTHON)) {
            return true;
        } else if (c == '/' && slash_comments(lang) && i + 1 < pos && text[i + 1] == '/') {
            return true;
        }
    }
    *in_string = quote != 0;
    return false;
}

bool text_is_code(const uint8_t *text, scan_lang lang, size_t pos)
{
    bool in_string;

    return !in_comment(text, lang, pos, &in_string) && !in_string;
}

bool text_is_comment(const uint8_t *text, scan_lang lang, size_t pos)
{
    bool in_string;

    return in_comment(text, lang, pos, &in_string);
}

/* Returns the first offset in [from, end) that contains `c` (either case when `fold`), or `end`. */
static size_t next_byte(const uint8_t *text, size_t from, size_t end, uint8_t c, bool fold)
{
    const uint8_t *hit = memchr(text + from, c, end - from);
    size_t at = hit != NULL ? (size_t)(hit - text) : end;
    uint8_t other = c >= 'a' && c <= 'z' ? (uint8_t)(c - ('a' - 'A')) : lower(c);

    if (fold && other != c) {
        const uint8_t *hit2 = memchr(text + from, other, at - from);

        if (hit2 != NULL)
            at = (size_t)(hit2 - text);
    }
    return at;
}

/* memchr() finds the first byte, so a search costs about one pass over the span. */
static size_t find(const uint8_t *text, text_span s, const char *needle, bool fold)
{
    size_t n = strlen(needle);

    if (n == 0 || s.b < s.a || s.b - s.a < n)
        return TEXT_NOT_FOUND;
    for (size_t i = s.a; i + n <= s.b; i++) {
        size_t k = 1;

        i = next_byte(text, i, s.b - n + 1, (uint8_t)needle[0], fold);
        if (i + n > s.b)
            break;
        while (k < n && (fold ? lower(text[i + k]) == lower((uint8_t)needle[k])
                              : text[i + k] == (uint8_t)needle[k]))
            k++;
        if (k == n)
            return i;
    }
    return TEXT_NOT_FOUND;
}

size_t text_find(const uint8_t *text, text_span s, const char *needle)
{
    return find(text, s, needle, false);
}

bool text_has(const uint8_t *text, text_span s, const char *needle)
{
    return find(text, s, needle, false) != TEXT_NOT_FOUND;
}

size_t text_find_ci(const uint8_t *text, text_span s, const char *needle)
{
    return find(text, s, needle, true);
}

bool text_has_ci(const uint8_t *text, text_span s, const char *needle)
{
    return find(text, s, needle, true) != TEXT_NOT_FOUND;
}

size_t text_find_word(const uint8_t *text, text_span s, const char *needle)
{
    size_t n = strlen(needle);

    while (s.a < s.b) {
        size_t at = find(text, s, needle, false);

        if (at == TEXT_NOT_FOUND)
            return TEXT_NOT_FOUND;
        if ((at == 0 || !text_is_ident(text[at - 1])) &&
            (at + n >= s.b || !text_is_ident(text[at + n])))
            return at;
        s.a = at + 1;
    }
    return TEXT_NOT_FOUND;
}

/* Returns the offset of the ')' matching the '(' at `open`, or the bound when unclosed. */
static size_t match_paren(const uint8_t *text, size_t len, size_t open)
{
    size_t bound = len - open > CODE_MAX_CALL ? open + CODE_MAX_CALL : len;
    unsigned depth = 0;
    uint8_t quote = 0;

    for (size_t i = open; i < bound; i++) {
        uint8_t c = text[i];

        if (quote != 0) {
            if (c == '\\')
                i++;
            else if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'' || c == '`') {
            quote = c;
        } else if (c == '(' || c == '[' || c == '{') {
            depth++;
        } else if ((c == ')' || c == ']' || c == '}') && --depth == 0) {
            return i;
        }
    }
    return bound;
}

/* Ruby calls without parentheses: the rest of the line, and the next while a line ends in ','. */
static size_t bare_args_end(const uint8_t *text, size_t len, size_t pos)
{
    size_t bound = len - pos > CODE_MAX_CALL ? pos + CODE_MAX_CALL : len;
    size_t end = text_line_end(text, bound, pos);

    for (;;) {
        size_t last = end;

        while (last > pos &&
               (text[last - 1] == ' ' || text[last - 1] == '\t' || text[last - 1] == '\r'))
            last--;
        if (end >= bound || last == pos || text[last - 1] != ',')
            return end;
        end = text_line_end(text, bound, end + 1);
    }
}

bool text_call_args(const uint8_t *text, size_t len, size_t pos, bool bare, text_span *args)
{
    size_t open;

    if (pos > 0 && text[pos - 1] == '(') {
        open = pos - 1;
    } else {
        open = text_skip_space(text, len, pos);
        if (open >= len || text[open] != '(') {
            if (!bare || open >= len || open == pos || text[open] == '\n' || text[open] == '.' ||
                text[open] == '=')
                return false;
            args->a = open;
            args->b = bare_args_end(text, len, open);
            return true;
        }
    }
    args->a = open + 1;
    args->b = match_paren(text, len, open);
    return true;
}

size_t text_call_start(const uint8_t *text, size_t end)
{
    size_t i = end;

    while (i > 0 && (text[i - 1] == '(' || text[i - 1] == ' ' || text[i - 1] == '\t'))
        i--;
    while (i > 0 && (text_is_ident(text[i - 1]) || text[i - 1] == '.' || text[i - 1] == ':' ||
                     text[i - 1] == '$' || text[i - 1] == '\\'))
        i--;
    return i;
}

static bool starts(const uint8_t *text, size_t pos, size_t end, const char *word)
{
    size_t n = strlen(word);

    return end - pos >= n && memcmp(text + pos, word, n) == 0;
}

/* Parses an unsigned decimal at `*pos`; returns false when there is none. */
static bool read_number(const uint8_t *text, size_t end, size_t *pos, long *value)
{
    long v = 0;
    size_t i = *pos;

    if (i >= end || text[i] < '0' || text[i] > '9')
        return false;
    while (i < end && ((text[i] >= '0' && text[i] <= '9') || text[i] == '_')) {
        if (text[i] != '_' && v < SECONDS_CAP)
            v = v * 10 + (text[i] - '0');
        i++;
    }
    *pos = i;
    *value = v;
    return true;
}

/* Returns the Go time unit constant at `*pos` in seconds, or 0 when there is none. */
static long go_unit(const uint8_t *text, size_t end, size_t *pos)
{
    static const struct {
        const char *name;
        long seconds;
    } units[] = {{"time.Hour", 3600}, {"time.Minute", 60}, {"time.Second", 1}};

    for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
        if (starts(text, *pos, end, units[u].name)) {
            *pos += strlen(units[u].name);
            return units[u].seconds;
        }
    }
    return 0;
}

/* Reads "N", "N * M", "N * time.Minute", "time.Hour" as a product. */
static bool read_product(const uint8_t *text, size_t end, size_t pos, long *seconds)
{
    long product = 1;
    bool any = false;

    for (;;) {
        long term = 0;

        pos = text_skip_space(text, end, pos);
        if (!read_number(text, end, &pos, &term) && (term = go_unit(text, end, &pos)) == 0)
            break;
        any = true;
        product = product < SECONDS_CAP / (term + 1) ? product * term : SECONDS_CAP;
        pos = text_skip_space(text, end, pos);
        if (pos >= end || text[pos] != '*')
            break;
        pos++;
    }
    *seconds = product;
    return any;
}

/* Reads Python's timedelta(days=, hours=, minutes=, seconds=) keywords. */
static bool read_timedelta(const uint8_t *text, size_t end, size_t pos, long *seconds)
{
    static const struct {
        const char *key;
        long seconds;
    } keys[] = {{"days=", 86400}, {"hours=", 3600}, {"minutes=", 60}, {"seconds=", 1}};
    size_t close = pos;
    long total = 0;

    while (close < end && text[close] != ')')
        close++;
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        size_t at = text_find(text, (text_span){pos, close}, keys[k].key);
        long n = 0;

        if (at == TEXT_NOT_FOUND)
            continue;
        at += strlen(keys[k].key);
        if (read_number(text, close, &at, &n) && n < SECONDS_CAP / keys[k].seconds)
            total += n * keys[k].seconds;
    }
    *seconds = total;
    return total > 0;
}

bool text_seconds_after(const uint8_t *text, text_span s, const char *key, long *seconds)
{
    size_t at = text_find(text, s, key);
    size_t pos;

    if (at == TEXT_NOT_FOUND)
        return false;
    pos = at + strlen(key);
    while (pos < s.b && pos < at + strlen(key) + 8 && strchr(" \t:=>\"'(", (int)text[pos]) != NULL)
        pos++;
    if (starts(text, pos, s.b, "timedelta("))
        return read_timedelta(text, s.b, pos + 10, seconds);
    if (starts(text, pos, s.b, "datetime.timedelta("))
        return read_timedelta(text, s.b, pos + 19, seconds);
    return read_product(text, s.b, pos, seconds);
}

bool text_has_none_literal(const uint8_t *text, text_span s)
{
    return text_has_ci(text, s, "'none'") || text_has_ci(text, s, "\"none\"");
}

static bool lhs_keyword(const uint8_t *text, text_span w)
{
    static const char *const words[] = {"const", "let", "var", "final", "val", "auto"};

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (w.b - w.a == strlen(words[i]) && memcmp(text + w.a, words[i], w.b - w.a) == 0)
            return true;
    }
    return false;
}

bool text_assigned_name(const uint8_t *text, size_t call_start, text_span *name)
{
    size_t start = text_line_start(text, call_start);
    size_t i = call_start;
    size_t seg_end;

    while (i > start && (text[i - 1] == ' ' || text[i - 1] == '\t'))
        i--;
    if (i == start || text[i - 1] != '=')
        return false;
    i--;
    if (i > start && strchr("=!<>+-*/", (int)text[i - 1]) != NULL)
        return false;
    if (i > start && text[i - 1] == ':')
        i--;

    /* The first name of "a, b, err :=" or the last word of "DecodedJWT jwt =". */
    seg_end = start;
    while (seg_end < i && text[seg_end] != ',')
        seg_end++;
    while (seg_end > start && !text_is_ident(text[seg_end - 1]))
        seg_end--;
    name->b = seg_end;
    while (seg_end > start && text_is_ident(text[seg_end - 1]))
        seg_end--;
    name->a = seg_end;
    return name->b > name->a && !lhs_keyword(text, *name);
}

static bool line_has_auth_word(const uint8_t *text, text_span line)
{
    static const char *const words[] = {"role",     "admin",    "permission", "scope",
                                        "authoriz", "is_staff", "superuser",  "privilege",
                                        "groups",   "req.user", "g.user",     "session["};

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (text_has_ci(text, line, words[i]))
            return true;
    }
    return false;
}

bool text_feeds_authorization(const uint8_t *text, size_t len, size_t from, text_span name)
{
    size_t line = text_line_start(text, from);
    size_t stop = text_lines_after(text, len, from, 9);
    bool first = true;

    while (line < stop) {
        size_t end = text_line_end(text, len, line);
        text_span span = {line, end};
        bool names_it;

        if (name.b > name.a) {
            char word[64];
            size_t n = name.b - name.a < sizeof(word) - 1 ? name.b - name.a : sizeof(word) - 1;

            memcpy(word, text + name.a, n);
            word[n] = '\0';
            names_it = text_find_word(text, span, word) != TEXT_NOT_FOUND;
        } else {
            names_it = first;
        }
        if (names_it && line_has_auth_word(text, span))
            return true;
        first = false;
        line = end + 1;
    }
    return false;
}

static bool is_upper(uint8_t c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_lower_or_digit(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/*
 * Writes the identifier `w` to `out` as its lower-case parts, each between
 * blanks: "accessToken" and "ACCESS_TOKEN" become " access token ", and
 * "JWTToken" becomes " jwt token ". Returns false when it does not fit.
 */
static bool split_identifier(const uint8_t *text, text_span w, char *out, size_t cap)
{
    size_t n = 0;

    out[n++] = ' ';
    for (size_t i = w.a; i < w.b; i++) {
        uint8_t c = text[i];
        bool starts_part = i > w.a && is_upper(c) &&
                           (is_lower_or_digit(text[i - 1]) ||
                            (is_upper(text[i - 1]) && i + 1 < w.b && is_lower_or_digit(text[i + 1])));

        if (n + 3 > cap)
            return false;
        if (starts_part)
            out[n++] = ' ';
        out[n++] = (c == '_' || c == '$' || c == '-') ? ' ' : (char)lower(c);
    }
    out[n++] = ' ';
    out[n] = '\0';
    return true;
}

/*
 * Whether one identifier names a token value; see text_mentions_token_value().
 * A part of the name must be "token", "jwt" or "bearer" on its own, so
 * "tokens" (a parser's token list), "tokenizer" and "jwtlib" do not count.
 */
static bool token_name(const uint8_t *text, text_span w)
{
    static const char *const exact[] = {" authorization ", " headers "};
    static const char *const parts[] = {" token ", " jwt ", " bearer "};
    /* Tokens that are not credentials: CSRF, paging and cancellation tokens. */
    static const char *const skip_parts[] = {" csrf ", " xsrf ", " next ", " page ",
                                             " cancellation "};
    /* Values about a token rather than the token: its type, expiry, claims, ... */
    static const char *const skip[] = {"count",  "len",      "type",   "expir",  "valid",
                                       "error",  "err",      "name",   "kind",   "ttl",
                                       "url",    "endpoint", "path",   "scope",  "tokeniz",
                                       "claims", "payload",  "decode", "verify", "sign"};
    char word[64];
    bool credential = false;

    if (w.b == w.a || !split_identifier(text, w, word, sizeof(word)))
        return false;
    for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
        if (strcmp(word, exact[i]) == 0)
            return true;
    }

    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        credential = credential || strstr(word, parts[i]) != NULL;
    for (size_t i = 0; i < sizeof(skip_parts) / sizeof(skip_parts[0]); i++)
        credential = credential && strstr(word, skip_parts[i]) == NULL;
    for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
        credential = credential && strstr(word, skip[i]) == NULL;
    return credential;
}

/*
 * Reads "a.b->c?.d" from `*pos`; true when its last part, or a "headers"
 * part, names a token value.
 */
static bool chain_names_token(const uint8_t *text, size_t end, size_t *pos)
{
    text_span last = {*pos, *pos};
    bool headers = false;
    size_t i = *pos;

    for (;;) {
        last.a = i;
        while (i < end && text_is_ident(text[i]))
            i++;
        last.b = i;
        if (last.b - last.a == 7 && memcmp(text + last.a, "headers", 7) == 0)
            headers = true;
        if (i < end && text[i] == '.' && i + 1 < end && text_is_ident(text[i + 1]))
            i += 1;
        else if (i + 1 < end &&
                 ((text[i] == '-' && text[i + 1] == '>') || (text[i] == '?' && text[i + 1] == '.')))
            i += 2;
        else
            break;
    }
    *pos = i > *pos ? i : *pos + 1;
    return headers || token_name(text, last);
}

/* Offset where an interpolation starts at `i` inside a string of `quote`, or 0. */
static size_t interpolation(const uint8_t *text, size_t end, size_t i, uint8_t quote, bool fstring,
                            scan_lang lang)
{
    bool dollar = lang == SCAN_LANG_PHP || lang == SCAN_LANG_SHELL || lang == SCAN_LANG_YAML ||
                  lang == SCAN_LANG_JAVA;

    if (quote == '`' && lang == SCAN_LANG_JS && text[i] == '$' && i + 1 < end && text[i + 1] == '{')
        return i + 2;
    if (fstring && text[i] == '{' && i + 1 < end && text[i + 1] != '{')
        return i + 1;
    if (quote != '"')
        return 0;
    if (lang == SCAN_LANG_RUBY && text[i] == '#' && i + 1 < end && text[i + 1] == '{')
        return i + 2;
    if (dollar && text[i] == '$' && i + 1 < end) {
        size_t j = text[i + 1] == '{' ? i + 2 : i + 1;

        return j < end && (text_is_ident(text[j]) || text[j] == '$') ? j : 0;
    }
    if (lang == SCAN_LANG_PHP && text[i] == '{' && i + 1 < end && text[i + 1] == '$')
        return i + 2;
    return 0;
}

/* Skips a string that opens at `*pos`; true when an interpolation in it names a token. */
static bool string_names_token(const uint8_t *text, size_t end, size_t *pos, scan_lang lang)
{
    uint8_t quote = text[*pos];
    bool fstring =
        lang == SCAN_LANG_PYTHON && *pos > 0 && (text[*pos - 1] == 'f' || text[*pos - 1] == 'F');
    size_t i = *pos + 1;
    bool found = false;

    while (i < end && text[i] != quote) {
        size_t at = interpolation(text, end, i, quote, fstring, lang);

        if (text[i] == '\\') {
            i += 2;
        } else if (at != 0) {
            while (at < end && text[at] == '$')
                at++;
            i = at;
            found = chain_names_token(text, end, &i) || found;
        } else {
            i++;
        }
    }
    *pos = i < end ? i + 1 : end;
    return found;
}

bool text_mentions_token_value(const uint8_t *text, text_span s, scan_lang lang)
{
    size_t i = s.a;

    while (i < s.b) {
        uint8_t c = text[i];

        if (c == '"' || c == '\'' || c == '`') {
            if (string_names_token(text, s.b, &i, lang))
                return true;
        } else if (text_is_ident(c) && (i == s.a || !text_is_ident(text[i - 1]))) {
            if (chain_names_token(text, s.b, &i))
                return true;
        } else {
            i++;
        }
    }
    return false;
}
