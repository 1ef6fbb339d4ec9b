/*
 * code_common.c: the matcher tables of the code and CI rules, the dispatch
 * from a match to its check, and the steps the checks share.
 */
#include <string.h>

#include <hs/hs.h>

#include "scan/code_checks.h"

#define JS SCAN_LANG_BIT(SCAN_LANG_JS)
#define PY SCAN_LANG_BIT(SCAN_LANG_PYTHON)
#define GO SCAN_LANG_BIT(SCAN_LANG_GO)
#define JAVA SCAN_LANG_BIT(SCAN_LANG_JAVA)
#define PHP SCAN_LANG_BIT(SCAN_LANG_PHP)
#define RUBY SCAN_LANG_BIT(SCAN_LANG_RUBY)
#define CODE_LANGS (JS | PY | GO | JAVA | PHP | RUBY)
#define CI_LANGS                                                                                   \
    (SCAN_LANG_BIT(SCAN_LANG_SHELL) | SCAN_LANG_BIT(SCAN_LANG_YAML) |                              \
     SCAN_LANG_BIT(SCAN_LANG_OTHER))

/* Bytes at the head of a file searched for import lines. */
#define IMPORT_WINDOW 8192u

/* Each entry: a Vectorscan expression, the languages, the check. */
#define CALL_MATCHERS(X)                                                                           \
    X("\\b(?:jwt|jsonwebtoken)\\.verify\\s*\\(", JS, code_js_verify)                               \
    X("\\b(?:jwt|jsonwebtoken)\\.decode\\s*\\(", JS, code_js_decode)                               \
    X("\\b(?:jwt|jsonwebtoken)\\.sign\\s*\\(", JS, code_js_sign)                                   \
    X("\\bjwtVerify\\s*\\(", JS, code_jose_verify)                                                 \
    X("\\bdecodeJwt\\s*\\(", JS, code_jose_decode)                                                 \
    X("\\bUnsecuredJWT\\.decode\\s*\\(", JS, code_jose_unsecured)                                  \
    X("\\bnew\\s+SignJWT\\s*\\(", JS, code_jose_sign)                                              \
    X("\\b(?:expressjwt|expressJwt|jwt)\\s*\\(\\s*\\{", JS, code_express_jwt)                      \
    X("\\bjwt\\.decode\\s*\\(", PY, code_py_decode)                                                \
    X("\\bget_unverified_claims\\s*\\(", PY, code_py_unverified_claims)                            \
    X("\\bjwt\\.encode\\s*\\(", PY, code_py_encode)                                                \
    X("\\b(?:jwt\\.Parse|jwt\\.ParseWithClaims|[pP]arser\\.Parse|[pP]arser\\.ParseWithClaims)"     \
      "\\s*\\(",                                                                                   \
      GO, code_go_parse)                                                                           \
    X("\\.ParseUnverified\\s*\\(", GO, code_go_parse_unverified)                                   \
    X("\\b(?:SigningMethodNone|UnsafeAllowNoneSignatureType)\\b", GO, code_go_none)                \
    X("\\b(?:WithoutClaimsValidation\\s*\\(|SkipClaimsValidation\\s*:\\s*true)", GO,               \
      code_go_skip_claims)                                                                         \
    X("\\bWithLeeway\\s*\\(", GO, code_go_leeway)                                                  \
    X("\\bjwt\\.NewWithClaims\\s*\\(", GO, code_go_new_with_claims)                                \
    X("\\.(?:parseClaimsJwt|parseUnsecuredClaims|parsePlaintextJwt|parseUnsecuredContent)"         \
      "\\s*\\(",                                                                                   \
      JAVA, code_jjwt_unsigned_parse)                                                              \
    X("\\.unsecured\\s*\\(", JAVA, code_jjwt_unsecured)                                            \
    X("\\bJwts\\.builder\\s*\\(", JAVA, code_jjwt_builder)                                         \
    X("\\.(?:setAllowedClockSkewSeconds|clockSkewSeconds)\\s*\\(", JAVA, code_jjwt_skew)           \
    X("\\bJWT\\.decode\\s*\\(", JAVA, code_auth0_decode)                                           \
    X("\\bAlgorithm\\.none\\s*\\(", JAVA, code_auth0_none)                                         \
    X("\\.(?:acceptLeeway|acceptExpiresAt)\\s*\\(", JAVA, code_auth0_leeway)                       \
    X("\\bJWT\\.create\\s*\\(", JAVA, code_auth0_create)                                           \
    X("\\bJWT::decode\\s*\\(", PHP, code_php_decode)                                               \
    X("\\bJWT::\\$leeway\\s*=", PHP, code_php_leeway)                                              \
    X("\\bJWT::encode\\s*\\(", PHP, code_php_encode)                                               \
    X("\\bexplode\\s*\\(\\s*['\"]\\.['\"]", PHP, code_php_manual_decode)                           \
    X("\\bJWT\\.decode\\b", RUBY, code_rb_decode)                                                  \
    X("\\bJWT\\.encode\\b", RUBY, code_rb_encode)

#define KEY_MATCHERS(X)                                                                            \
    X("\\b(?:jku|x5u)\\b", CODE_LANGS, code_key_url)                                               \
    X("(?:['\"]jwk['\"]|\\.jwk\\b)", CODE_LANGS, code_key_embedded_jwk)                            \
    X("\\bkid\\b", CODE_LANGS, code_kid)

#define LEAK_MATCHERS(X)                                                                           \
    X("[?&](?:access_token|id_token|token|jwt|auth|bearer)=", CODE_LANGS, code_token_in_url)       \
    X("\\bconsole\\.(?:log|info|debug|warn|error|trace)\\s*\\(", JS, code_token_logged)            \
    X("\\b(?:logger|log|logging|LOG|LOGGER|Log|slog|logrus)\\.(?:info|debug|warn|warning|error|"   \
      "trace|fatal|critical|exception|Print|Printf|Println|Info|Infof|Debug|Debugf|Warn|Warnf|"    \
      "Error|Errorf|Fatal|Fatalf)\\s*\\(",                                                         \
      CODE_LANGS, code_token_logged)                                                               \
    X("\\bprint\\s*\\(", PY, code_token_logged)                                                    \
    X("\\bSystem\\.(?:out|err)\\.print(?:ln|f)?\\s*\\(", JAVA, code_token_logged)                  \
    X("\\bfmt\\.Print(?:f|ln)?\\s*\\(", GO, code_token_logged)                                     \
    X("\\b(?:error_log|var_dump|print_r)\\s*\\(", PHP, code_token_logged)                          \
    X("\\bputs\\b", RUBY, code_token_logged)

/*
 * The start of a shell command: a line's start (after YAML "- " and "run:"
 * or "script:") or a ';', '&' or '|' (HS_FLAG_MULTILINE). The word env is
 * common in logs ("env=prod"), and a pattern with env after this prefix
 * scanned such a log at about 2.7 GB/s alone. So env is matched only after
 * "run:", "script:" or a YAML "- ", where it is rare.
 */
#define COMMAND_START "(?:^[ \\t-]*(?:(?:run|script):[ \\t]*)?|[;&|][ \\t]*)"

#define CI_MATCHERS(X, XM)                                                                         \
    X("\\b(?:echo|printf)\\b", CI_LANGS, code_ci_echo)                                             \
    X("\\bprintenv\\b", CI_LANGS, code_ci_env_dump)                                                \
    X("(?:run|script):[ \\t]*env\\b", CI_LANGS, code_ci_env_dump)                                  \
    XM("^[ \\t]*-[ \\t]+env\\b", CI_LANGS, code_ci_env_dump)                                       \
    XM(COMMAND_START "cat\\b", CI_LANGS, code_ci_cat)                                              \
    X("\\bcurl\\b", CI_LANGS, code_ci_curl)                                                        \
    X("[?&](?:access_token|id_token|token|jwt|auth|api_key|apikey|key|private_token)=\\$",         \
      CI_LANGS, code_ci_token_url)                                                                 \
    X("\\bset -[a-zA-Z]*x", CI_LANGS, code_ci_xtrace)                                              \
    X("\\bset -o xtrace", CI_LANGS, code_ci_xtrace)
#define AS_PATTERN(expr, langs, check) {expr, 0},
#define AS_PATTERN_MULTILINE(expr, langs, check) {expr, HS_FLAG_MULTILINE},
#define AS_MATCHER(expr, langs, check) {langs, check},
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const scan_pattern code_call_patterns[] = {CALL_MATCHERS(AS_PATTERN)};
const scan_pattern code_key_patterns[] = {KEY_MATCHERS(AS_PATTERN)};
const scan_pattern code_leak_patterns[] = {LEAK_MATCHERS(AS_PATTERN)};
const scan_pattern code_ci_patterns[] = {CI_MATCHERS(AS_PATTERN, AS_PATTERN_MULTILINE)};

static const code_matcher call_matchers[] = {CALL_MATCHERS(AS_MATCHER)};
static const code_matcher key_matchers[] = {KEY_MATCHERS(AS_MATCHER)};
static const code_matcher leak_matchers[] = {LEAK_MATCHERS(AS_MATCHER)};
static const code_matcher ci_matchers[] = {CI_MATCHERS(AS_MATCHER, AS_MATCHER)};

_Static_assert(COUNT(call_matchers) == CODE_CALL_PATTERNS, "CODE_CALL_PATTERNS is stale");
_Static_assert(COUNT(key_matchers) == CODE_KEY_PATTERNS, "CODE_KEY_PATTERNS is stale");
_Static_assert(COUNT(leak_matchers) == CODE_LEAK_PATTERNS, "CODE_LEAK_PATTERNS is stale");
_Static_assert(COUNT(ci_matchers) == CODE_CI_PATTERNS, "CODE_CI_PATTERNS is stale");

const code_group code_group_calls = {call_matchers, COUNT(call_matchers)};
const code_group code_group_keys = {key_matchers, COUNT(key_matchers)};
const code_group code_group_leaks = {leak_matchers, COUNT(leak_matchers)};
const code_group code_group_ci = {ci_matchers, COUNT(ci_matchers)};

void code_check(const code_group *group, size_t index, const uint8_t *text, size_t len,
                scan_lang lang, unsigned file_flags, size_t end, code_result *out)
{
    code_site site = {text, len, lang, file_flags, end, out};

    out->count = 0;
    out->skip_until = 0;
    if (index >= group->count || end > len)
        return;
    if ((group->matchers[index].langs & SCAN_LANG_BIT(lang)) == 0)
        return;
    group->matchers[index].check(&site);
}

void code_hit_add(const code_site *site, const scan_rule *rule, size_t offset, size_t len,
                  int severity, const char *message)
{
    code_result *out = site->out;

    if (out->count >= CODE_MAX_HITS)
        return;

    /* Tests decode, sign and print tokens on purpose: their findings stay, at low. */
    if ((site->file_flags & SCAN_FILE_TEST) != 0 &&
        (severity < 0 ? (int)rule->severity : severity) > SCAN_SEV_LOW)
        severity = SCAN_SEV_LOW;
    out->hits[out->count] = (code_hit){rule, offset, len, severity, message};
    out->count++;
}

bool code_read_call(const code_site *s, bool bare, code_call *call)
{
    call->start = text_call_start(s->text, s->end);
    if (!text_is_code(s->text, s->lang, call->start))
        return false;
    return text_call_args(s->text, s->len, s->end, bare, &call->args);
}

void code_report(const code_site *s, unsigned rule, const code_call *call, int severity,
                 const char *message)
{
    size_t line_end = text_line_end(s->text, s->len, call->start);
    size_t stop = call->args.b < s->len ? call->args.b + 1 : s->len;

    if (stop > line_end)
        stop = line_end;
    code_hit_add(s, &code_rules[rule], call->start, stop - call->start, severity, message);
}

bool code_option_is(const uint8_t *text, text_span span, const char *key, const char *value)
{
    size_t n = strlen(value);

    while (span.a < span.b) {
        size_t at = text_find(text, span, key);
        size_t pos;

        if (at == TEXT_NOT_FOUND)
            return false;
        pos = at + strlen(key);
        while (pos < span.b && strchr(" \t:=>\"'", (int)text[pos]) != NULL)
            pos++;
        if (span.b - pos >= n && text_has_ci(text, (text_span){pos, pos + n}, value) &&
            (pos + n >= span.b || !text_is_ident(text[pos + n])))
            return true;
        span.a = at + 1;
    }
    return false;
}

void code_check_leeway(const code_site *s, const code_call *call, const char *key, bool go_units,
                       const char *message)
{
    long seconds = 0;
    text_span where = call->args;

    if (key == NULL) {
        /* The call's own argument is the leeway: WithLeeway(2 * time.Hour), acceptLeeway(600). */
        where.a = call->args.a > 0 ? call->args.a - 1 : 0;
        key = "(";
    }
    if (!text_seconds_after(s->text, where, key, &seconds))
        return;
    if (go_units && !text_has(s->text, where, "time."))
        seconds /= 1000000000L; /* a bare Go time.Duration counts nanoseconds */
    if (seconds > CODE_MAX_LEEWAY_SECONDS)
        code_report(s, CODE_R_EXP_OFF, call, -1, message);
}

/* Calls that verify a token, per language, for verified_nearby(). */
static const char *const *verify_calls(scan_lang lang)
{
    static const char *const js[] = {"verify(", "jwtVerify(", NULL};
    static const char *const py[] = {"jwt.decode(", NULL};
    static const char *const go[] = {"Parse(", "ParseWithClaims(", NULL};
    static const char *const java[] = {".verify(", "parseSignedClaims(", "parseClaimsJws(", NULL};
    static const char *const php[] = {"JWT::decode(", NULL};
    static const char *const none[] = {NULL};

    switch (lang) {
    case SCAN_LANG_JS:
        return js;
    case SCAN_LANG_PYTHON:
        return py;
    case SCAN_LANG_GO:
        return go;
    case SCAN_LANG_JAVA:
        return java;
    case SCAN_LANG_PHP:
        return php;
    default:
        return none;
    }
}

/* True when a line in `between` starts a function or closes one at column 0. */
static bool crosses_function(const uint8_t *text, text_span between)
{
    static const char *const starts[] = {"def ",    "func ",   "function ", "async ",
                                         "export ", "public ", "private ",  "protected ",
                                         "static ", "}",       "end"};
    size_t line = between.a;

    while (line < between.b) {
        size_t end = text_line_end(text, between.b, line);
        size_t first = text_skip_space(text, end, line);

        for (size_t i = 0; i < COUNT(starts); i++) {
            size_t n = strlen(starts[i]);
            bool column0 = starts[i][0] == '}' || starts[i][0] == 'e';

            if (end - first >= n && memcmp(text + first, starts[i], n) == 0 &&
                (!column0 || first == line))
                return true;
        }
        line = end + 1;
    }
    return false;
}

/*
 * True when a verify call within 15 lines of the decode, in the same
 * function, takes the same token expression as its first argument:
 * decoding to read a claim next to a verification of the same token is
 * not reported.
 */
static bool verified_nearby(const code_site *s, const code_call *call)
{
    const char *const *calls = verify_calls(s->lang);
    text_span token;
    text_span window;
    char word[64];

    if (!code_nth_arg(s->text, call->args, 0, &token) || token.b - token.a >= sizeof(word))
        return false;
    memcpy(word, s->text + token.a, token.b - token.a);
    word[token.b - token.a] = '\0';
    window.a = text_lines_before(s->text, call->start, 15);
    window.b = text_lines_after(s->text, s->len, call->args.b, 15);

    for (size_t c = 0; calls[c] != NULL; c++) {
        text_span rest = window;
        size_t at;

        while ((at = text_find(s->text, rest, calls[c])) != TEXT_NOT_FOUND) {
            text_span args;
            text_span first;
            size_t open = at + strlen(calls[c]);

            rest.a = open;
            if (at >= call->start && at < call->args.b)
                continue;
            if (!text_call_args(s->text, s->len, open, false, &args) ||
                !code_nth_arg(s->text, args, 0, &first) || first.b - first.a != token.b - token.a ||
                text_find_word(s->text, first, word) != first.a)
                continue;
            if (!crosses_function(s->text, at < call->start ? (text_span){at, call->start}
                                                            : (text_span){call->start, at}))
                return true;
        }
    }
    return false;
}

void code_report_unverified(const code_site *s, unsigned rule, const code_call *call,
                            const char *message)
{
    text_span name = {0, 0};
    int severity = -1;

    if (rule == CODE_R_DECODE_ONLY && verified_nearby(s, call))
        return;

    (void)text_assigned_name(s->text, call->start, &name);
    if (text_feeds_authorization(s->text, s->len, call->start, name)) {
        scan_severity base = code_rules[rule].severity;

        severity = base < SCAN_SEV_CRITICAL ? (int)base + 1 : (int)base;
    }
    code_report(s, rule, call, severity, message);
}

bool code_mentions_exp(const code_site *s, const code_call *call, unsigned lines_before)
{
    text_span before = {text_lines_before(s->text, call->start, lines_before), call->start};

    /* Option names count only inside the call: verify_expiration above is not an exp claim. */
    return text_find_word(s->text, before, "exp") != TEXT_NOT_FOUND ||
           text_has(s->text, before, "ExpiresAt:") ||
           text_find_word(s->text, call->args, "exp") != TEXT_NOT_FOUND ||
           text_has(s->text, call->args, "expiresIn") ||
           text_has(s->text, call->args, "ExpiresAt") || text_has(s->text, call->args, "xpiration");
}

bool code_alg_from_token(const code_site *s, const code_call *call)
{
    static const char *const direct[] = {"header.alg",
                                         "['alg']",
                                         "[\"alg\"]",
                                         ".alg}",
                                         "get_unverified_header",
                                         "decodeProtectedHeader",
                                         "Header[\"alg\"]",
                                         "[:alg]"};
    text_span above = {text_lines_before(s->text, call->start, 6), call->start};

    for (size_t i = 0; i < COUNT(direct); i++) {
        if (text_has(s->text, call->args, direct[i]))
            return true;
    }

    /* alg = jwt.get_unverified_header(t)["alg"] a few lines above, then algorithms=[alg]. */
    return (text_has(s->text, above, "get_unverified_header") ||
            text_has(s->text, above, "decodeProtectedHeader") ||
            text_has(s->text, above, "complete: true")) &&
           text_find_word(s->text, call->args, "alg") != TEXT_NOT_FOUND;
}

size_t code_statement_end(const code_site *s, size_t from)
{
    size_t bound = s->len - from > CODE_MAX_CALL ? from + CODE_MAX_CALL : s->len;

    for (size_t i = from; i < bound; i++) {
        if (s->text[i] == ';' || (s->text[i] == '\n' && i + 1 < bound && s->text[i + 1] == '\n'))
            return i;
    }
    return bound;
}

bool code_file_imports(const code_site *s, const char *needle)
{
    text_span head = {0, s->len < IMPORT_WINDOW ? s->len : IMPORT_WINDOW};

    return text_has(s->text, head, needle);
}

bool code_nth_arg(const uint8_t *text, text_span args, unsigned n, text_span *arg)
{
    unsigned depth = 0;
    unsigned index = 0;
    uint8_t quote = 0;
    size_t start = args.a;

    for (size_t i = args.a; i <= args.b; i++) {
        uint8_t c = i < args.b ? text[i] : ',';

        if (quote != 0) {
            if (c == '\\')
                i++;
            else if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'' || c == '`') {
            quote = c;
        } else if (c == '(' || c == '[' || c == '{') {
            depth++;
        } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
            depth--;
        } else if (c == ',' && depth == 0) {
            if (index == n) {
                arg->a = text_skip_space(text, i, start);
                arg->b = i;
                while (arg->b > arg->a && (text[arg->b - 1] == ' ' || text[arg->b - 1] == '\n'))
                    arg->b--;
                return arg->b > arg->a;
            }
            index++;
            start = i + 1;
        }
    }
    return false;
}
