/*
 * code_keys.c: checks that do not depend on one library: keys taken from
 * token headers (jku, x5u, jwk, kid) and tokens written to URLs or logs.
 * Each reports at most one finding per line and per rule group, so it
 * moves the detector's skip offset to the end of the line.
 */
#include <string.h>

#include "scan/code_checks.h"

/* Words of a line that fetches, opens or builds something from the value. */
static const char *const fetch_words[] = {
    "fetch(",     "get(",  "urlopen", "request",    "url(",         "http.get",
    "httpclient", "axios", "curl",    "jwksclient", "remotejwkset", "file_get_contents",
    "net::http",  "uri(",  "open(",   "download"};
static const char *const jwk_words[] = {"importjwk", "from_jwk",       "pyjwk",     "construct(",
                                        "parsekey",  "fromjwk",        "jwk.parse", "jwk::parse",
                                        "load_jwk",  "createpublickey"};
static const char *const path_words[] = {
    "readFileSync",  "readFile(", "open(",     "fopen(",    "file_get_contents",
    "File.read",     "File.open", "ReadFile(", "os.Open",   "Files.read",
    "new File(",     "Paths.get", "Path.of",   "path.join", "path.resolve",
    "filepath.Join", ".pem",      "keys/"};
static const char *const sql_joins[] = {"+",        "${",   "#{",  "f\"",  "f'",  "Sprintf",
                                        ".format(", "\" .", "' .", "\" %", "' %", "{kid}"};

static bool line_has_any(const uint8_t *text, text_span line, const char *const *words,
                         size_t count, bool fold)
{
    for (size_t i = 0; i < count; i++) {
        if (fold ? text_has_ci(text, line, words[i]) : text_has(text, line, words[i]))
            return true;
    }
    return false;
}

/* Bytes of the match's line read on either side of it by these checks. */
#define LINE_CONTEXT 256u

/*
 * Finds the match's line, cut to LINE_CONTEXT bytes on either side, so
 * that the word lists cost a bounded amount per match on minified lines.
 * Returns false in comments.
 */
static bool code_line(const code_site *s, text_span *line)
{
    line->a = text_line_start(s->text, s->end);
    line->b = text_line_end(s->text, s->len, s->end);
    if (s->end - line->a > LINE_CONTEXT)
        line->a = s->end - LINE_CONTEXT;
    if (line->b - s->end > LINE_CONTEXT)
        line->b = s->end + LINE_CONTEXT;
    return !text_is_comment(s->text, s->lang, s->end - 1);
}

static void report_line(const code_site *s, unsigned rule, text_span line, const char *message)
{
    size_t start = text_skip_space(s->text, line.b, line.a);

    code_hit_add(s, &code_rules[rule], start, line.b - start, -1, message);
    s->out->skip_until = line.b;
}

/* Comparisons and allowlists make a line a check of the header, not a use of it. */
static bool line_checks_value(const uint8_t *text, text_span line)
{
    return text_has(text, line, "==") || text_has(text, line, "!=") ||
           text_has_ci(text, line, "allow") || text_has(text, line, "startswith") ||
           text_has(text, line, "startsWith") || text_has(text, line, "HasPrefix");
}

/* True when the name at the match end is a key being defined: "jku": "https://...". */
static bool defines_key(const code_site *s)
{
    size_t pos = s->end;

    if (pos < s->len && (s->text[pos] == '"' || s->text[pos] == '\''))
        pos++;
    pos = text_skip_space(s->text, s->len, pos);
    return pos < s->len && (s->text[pos] == ':' || s->text[pos] == '=');
}

void code_key_url(const code_site *s)
{
    text_span line;

    if (!code_line(s, &line) || line_checks_value(s->text, line) || defines_key(s))
        return;
    if (line_has_any(s->text, line, fetch_words, sizeof(fetch_words) / sizeof(fetch_words[0]),
                     true))
        report_line(s, CODE_R_KEY_URL, line, "a key is fetched from the token's jku or x5u URL");
}

void code_key_embedded_jwk(const code_site *s)
{
    text_span line;

    if (!code_line(s, &line) || line_checks_value(s->text, line))
        return;
    if (text_has_ci(s->text, line, "header") &&
        line_has_any(s->text, line, jwk_words, sizeof(jwk_words) / sizeof(jwk_words[0]), true))
        report_line(s, CODE_R_KEY_URL, line, "a key is built from the token's jwk header");
}

static bool line_is_sql(const uint8_t *text, text_span line)
{
    bool verb = text_has_ci(text, line, "select ") || text_has_ci(text, line, "update ") ||
                text_has_ci(text, line, "delete ") || text_has_ci(text, line, "insert ");

    return verb && (text_has_ci(text, line, " where ") || text_has_ci(text, line, " from ") ||
                    text_has_ci(text, line, " into "));
}

void code_kid(const code_site *s)
{
    text_span line;

    if (!code_line(s, &line) || text_has(s->text, line, "basename") ||
        text_has_ci(s->text, line, "allow"))
        return;
    if (line_is_sql(s->text, line)) {
        if (line_has_any(s->text, line, sql_joins, sizeof(sql_joins) / sizeof(sql_joins[0]), false))
            report_line(s, CODE_R_KID_SQL, line, "the token's kid is joined into an SQL query");
        return;
    }
    if (line_has_any(s->text, line, path_words, sizeof(path_words) / sizeof(path_words[0]), false))
        report_line(s, CODE_R_KID_PATH, line, "the token's kid is used in a file path");
}

/*
 * True when the query value after "token=" at `pos` is an expression:
 * an interpolation (${t}, {t}, #{t}, %s, $t) or the end of the literal
 * followed by a concatenation ("..." + t, '...' . $t).
 */
static bool value_is_expression(const uint8_t *text, size_t len, size_t pos)
{
    size_t after;

    if (pos >= len)
        return false;
    if (text[pos] == '$' || text[pos] == '{' || text[pos] == '%' ||
        (text[pos] == '#' && pos + 1 < len && text[pos + 1] == '{'))
        return true;
    if (text[pos] != '"' && text[pos] != '\'' && text[pos] != '`')
        return false;
    after = text_skip_space(text, len, pos + 1);
    return after < len && (text[after] == '+' || text[after] == '.');
}

void code_token_in_url(const code_site *s)
{
    text_span line;

    if (!code_line(s, &line))
        return;
    if (value_is_expression(s->text, s->len, s->end))
        report_line(s, CODE_R_TOKEN_URL, line, "a token variable is put into a URL query");
}

void code_token_logged(const code_site *s)
{
    code_call call;
    text_span line;

    if (!code_line(s, &line) || !code_read_call(s, s->lang == SCAN_LANG_RUBY, &call))
        return;
    if (text_mentions_token_value(s->text, call.args, s->lang))
        report_line(s, CODE_R_TOKEN_LOG, line, "a token or Authorization header is logged");
}
