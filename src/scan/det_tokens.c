/*
 * det_tokens.c: leaked tokens (JG1xx). The detector anchors on "eyJ", the
 * base64url form of `{"` that starts every JOSE header, and on "ZXlK",
 * the base64 form of "eyJ" that starts a token encoded a second time
 * (Kubernetes Secret data). It confirms the shape (jwt_span.c), decodes
 * the token without verification (tok_claims.c), names the rule by the
 * text around the token (tok_context.c), and reports the token as the
 * finding's value, which the engine never prints whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "internal.h"
#include "scan/tok_claims.h"
#include "scan/tok_context.h"
#include "scan/tok_det.h"

const scan_rule tok_rules[TOK_RULE_COUNT] = {
    {"JG101", "TokenInUrl", "A JWT is the value of a URL query or fragment parameter.",
     "URLs are written to browser history, proxy and server access logs and Referer headers, "
     "so a token in a URL reaches people and systems it was never meant for. Send tokens in "
     "the Authorization header (RFC 6750 2.1) or a POST body, clear fragments once read, and "
     "revoke or let expire the token found here.",
     SCAN_SEV_HIGH, "8.0", "CWE-598"},
    {"JG102", "BearerTokenInLog",
     "A JWT sent as a bearer credential (Authorization: Bearer) is written in a log or HTTP dump.",
     "Whoever reads the log can replay the token until it expires. Stop logging request "
     "headers or redact them (jwtguard redact filters a log stream), and revoke or let expire "
     "the token found here.",
     SCAN_SEV_HIGH, "8.0", "CWE-532"},
    {"JG103", "TokenInJsonLogField", "A JWT is the value of a field of a JSON log record.",
     "Structured logs are shipped to log stores that many people can search. Redact token "
     "fields before logging (jwtguard redact, or the logger's redaction option) and revoke or "
     "let expire the token found here.",
     SCAN_SEV_HIGH, "7.5", "CWE-532"},
    {"JG104", "TokenInConfig", "A JWT is the value of a configuration setting.",
     "A token committed in configuration is usable by everyone who can read the repository "
     "until it expires, and one without \"exp\" forever. Inject it at run time from a secret "
     "manager, revoke this one and rotate the signing key if it never expires.",
     SCAN_SEV_HIGH, "7.5", "CWE-798"},
    {"JG105", "TokenInSourceCode", "A JWT is written in source code.",
     "A token in code is in every clone and every build artifact. Obtain tokens at run time "
     "(client credentials, a secret manager), use a locally signed test token with a short "
     "lifetime in tests, and revoke the token found here.",
     SCAN_SEV_HIGH, "7.5", "CWE-798"},
    {"JG106", "TokenBase64Encoded",
     "A JWT is stored base64-encoded a second time, as in Kubernetes Secret data.",
     "Base64 is an encoding, not encryption: the data: values of a committed Secret or "
     ".dockerconfigjson disclose the token. Commit a SealedSecret, an ExternalSecret or a "
     "SOPS-encrypted file instead and revoke the token found here.",
     SCAN_SEV_HIGH, "7.5", "CWE-312"},
    {"JG107", "UnsignedToken",
     "An unsigned JWT (\"alg\": \"none\" or an empty signature) is in the text.",
     "An unsigned token proves nothing, so it is only dangerous where a service accepts it. "
     "Its presence shows that some component issues or forwards unsecured JWTs (RFC 7519 6): "
     "find it and make every verifier reject \"none\" (RFC 8725 3.1).",
     SCAN_SEV_MEDIUM, "5.0", "CWE-347"},
    {"JG108", "TokenInText", "A JWT is in a document, log or other text file.",
     "Tokens in documentation, tickets, traces or logs are credentials until they expire. "
     "Replace examples with expired or unsigned tokens from a test key, redact logs with "
     "jwtguard redact, and revoke the token found here.",
     SCAN_SEV_MEDIUM, "6.5", "CWE-200"},
};

/* Maximum standard base64 run decoded for a token encoded again: JWT_SPAN_MAX_LEN bytes, encoded. */
#define B64_RUN_MAX (JWT_SPAN_MAX_LEN / 3u * 4u + 8u)

/* Size of a finding message. */
#define MESSAGE_MAX 320u

static bool lang_is_config(scan_lang lang)
{
    return lang == SCAN_LANG_YAML || lang == SCAN_LANG_JSON || lang == SCAN_LANG_ENV ||
           lang == SCAN_LANG_PROPERTIES;
}

static bool lang_is_code(scan_lang lang)
{
    return lang == SCAN_LANG_JS || lang == SCAN_LANG_PYTHON || lang == SCAN_LANG_GO ||
           lang == SCAN_LANG_JAVA || lang == SCAN_LANG_PHP || lang == SCAN_LANG_RUBY ||
           lang == SCAN_LANG_SHELL;
}

/* Logs, standard input and files of no known language: where log lines and HTTP dumps are. */
static bool file_is_text(const scan_file *f)
{
    return f->lang == SCAN_LANG_LOG || f->lang == SCAN_LANG_OTHER || (f->flags & SCAN_FILE_STDIN);
}

/* Picks the rule: an unsigned token is JG107 wherever it is, then the most specific context. */
static tok_rule_index pick_rule(const scan_file *f, const tok_context *c, const tok_info *info)
{
    if (info->unsigned_token)
        return TOK_JG107;
    if (c->where == TOK_WHERE_URL)
        return TOK_JG101;
    if (c->bearer && file_is_text(f))
        return TOK_JG102;
    if (c->where == TOK_WHERE_JSON_FIELD && file_is_text(f))
        return TOK_JG103;
    if (lang_is_config(f->lang))
        return TOK_JG104;
    if (lang_is_code(f->lang))
        return TOK_JG105;
    return TOK_JG108;
}

/*
 * Expired tokens disclose claims but grant nothing: one level lower. A live
 * or non-expiring privileged token is critical. Test files stay low, as
 * for the other detectors, because their tokens are usually made up.
 */
static int pick_severity(const scan_file *f, tok_rule_index rule, const tok_info *info)
{
    int sev = (int)tok_rules[rule].severity;

    if (info->expiry == TOK_EXP_EXPIRED && sev > SCAN_SEV_LOW)
        sev--;
    else if (info->privilege != TOK_PRIV_NONE && !info->unsigned_token)
        sev = SCAN_SEV_CRITICAL;
    if ((f->flags & SCAN_FILE_TEST) && sev > SCAN_SEV_LOW)
        sev = SCAN_SEV_LOW;
    return sev;
}

static void format_time(int64_t t, char *out, size_t cap)
{
    struct tm tm;
    time_t tt = (time_t)t;

    if (t < 0 || t > 253402300799 || gmtime_r(&tt, &tm) == NULL ||
        strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, cap, "%lld", (long long)t);
}

static void describe_where(const tok_context *c, char *out, size_t cap)
{
    const char *bearer = c->bearer ? " as a bearer credential" : "";

    switch (c->where) {
    case TOK_WHERE_URL:
        snprintf(out, cap, "in the URL parameter %s", c->key);
        break;
    case TOK_WHERE_JSON_FIELD:
        snprintf(out, cap, "in the JSON field \"%s\"%s", c->key, bearer);
        break;
    case TOK_WHERE_KEY:
        if (c->bearer && strcasecmp(c->key, "authorization") == 0)
            snprintf(out, cap, "in an Authorization: Bearer header");
        else
            snprintf(out, cap, "in the value of %s%s", c->key, bearer);
        break;
    default:
        snprintf(out, cap, "%s", c->bearer ? "as a bearer credential" : "in the text");
        break;
    }
}

static void describe_state(const tok_info *info, char *out, size_t cap)
{
    char when[32];
    const char *unsigned_phrase = info->unsigned_token ? "unsigned, " : "";

    format_time(info->exp, when, sizeof(when));
    switch (info->expiry) {
    case TOK_EXP_LIVE:
        snprintf(out, cap, "%slive until %s", unsigned_phrase, when);
        break;
    case TOK_EXP_EXPIRED:
        snprintf(out, cap, "%sexpired at %s", unsigned_phrase, when);
        break;
    case TOK_EXP_UNKNOWN:
        snprintf(out, cap, "encrypted, expiry unknown");
        break;
    default:
        snprintf(out, cap, "%sno expiry", unsigned_phrase);
        break;
    }
}

static void describe(const tok_context *c, const tok_info *info, const char *prefix, char *out,
                     size_t cap)
{
    char where[96];
    char state[64];
    char privilege[96] = "";
    const char *kind = info->kind == JWT_SPAN_JWE ? "encrypted JWT (JWE" : "JWT (";

    describe_where(c, where, sizeof(where));
    describe_state(info, state, sizeof(state));
    if (info->privilege == TOK_PRIV_ADMIN)
        snprintf(privilege, sizeof(privilege), "; admin-like \"%s\" claim", info->privilege_claim);
    else if (info->privilege == TOK_PRIV_SERVICE_ACCOUNT)
        snprintf(privilege, sizeof(privilege), "; Kubernetes service-account token");

    snprintf(out, cap, "%s%s%s%s) %s: %s%s", prefix, kind, info->kind == JWT_SPAN_JWE ? ", " : "",
             info->alg[0] != '\0' ? info->alg : "no alg", where, state, privilege);
}

/*
 * Reports `token` found at [offset, offset + len) of `f`. When `encoded`,
 * the token was decoded from a second base64 layer, and that layer is the
 * reported region.
 */
static void report_token(scan_ctx *ctx, const scan_file *f, size_t offset, size_t len,
                         const uint8_t *token, size_t token_len, jwt_span_kind kind, bool encoded)
{
    tok_context c;
    tok_info info;
    tok_rule_index rule;
    char message[MESSAGE_MAX];
    scan_finding finding = {0};

    if (!tok_classify(token, token_len, kind, scan_now(ctx), &info))
        return;

    tok_read_context(f->data, offset, &c);
    rule = encoded ? TOK_JG106 : pick_rule(f, &c, &info);
    describe(&c, &info, encoded ? "base64-encoded " : "", message, sizeof(message));

    finding.rule = &tok_rules[rule];
    finding.offset = offset;
    finding.len = len;
    finding.message = message;
    finding.value = token;
    finding.value_len = token_len;
    finding.severity = pick_severity(f, rule, &info);
    scan_report(ctx, f, &finding);

    /* The forgeability rule tries the scan's signing secrets against every JWS. */
    if (kind == JWT_SPAN_JWS)
        scan_note_add(ctx, SCAN_NOTE_TOKEN, f, offset, c.key, token, token_len);
}

static void on_token_anchor(scan_ctx *ctx, scan_file *f, unsigned index, size_t end)
{
    jwt_span span;

    if (end < 3 || !jwt_span_at(f->data, f->len, end - 3, &span))
        return;
    f->skip_until[index] = span.start + span.len;
    report_token(ctx, f, span.start, span.len, f->data + span.start, span.len, span.kind, false);
}

static bool is_b64_std(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '+' || c == '/';
}

/*
 * Decodes the standard base64 run [start, end) (RFC 4648 4) into `out`,
 * through the library's strict base64url decoder: '+' and '/' become '-'
 * and '_', and '=' padding is dropped.
 */
static bool decode_b64_std(const uint8_t *text, size_t start, size_t end, uint8_t *out,
                           size_t *out_len)
{
    size_t n = end - start;
    char *url = malloc(n);
    bool ok;

    if (url == NULL)
        return false;
    while (n > 0 && text[start + n - 1] == '=')
        n--;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = text[start + i];

        if (c == '+')
            c = '-';
        else if (c == '/')
            c = '_';
        url[i] = (char)c;
    }
    ok = jwg_b64url_decode(url, n, out, end - start, out_len) == JWG_OK;
    free(url);
    return ok;
}

/* "ZXlK": a token encoded a second time, whole, as one base64 value (a Secret's data: entry). */
static void on_encoded_anchor(scan_ctx *ctx, scan_file *f, unsigned index, size_t end)
{
    size_t start = end - 4;
    size_t stop = f->len - start > B64_RUN_MAX ? start + B64_RUN_MAX : f->len;
    size_t q = start;
    uint8_t *decoded = NULL;
    size_t decoded_len;
    jwt_span span;

    if (start > 0 && (is_b64_std(f->data[start - 1]) || f->data[start - 1] == '-'))
        return;
    while (q < stop && is_b64_std(f->data[q]))
        q++;
    while (q < stop && (q - start) % 4 != 0 && f->data[q] == '=')
        q++;
    f->skip_until[index] = q;

    decoded = malloc(q - start);
    if (decoded == NULL || !decode_b64_std(f->data, start, q, decoded, &decoded_len))
        goto out;

    /* The value may end in a newline, as `echo token | base64` writes it. */
    if (decoded_len > 0 && decoded[decoded_len - 1] == '\n')
        decoded_len--;
    if (jwt_span_at(decoded, decoded_len, 0, &span) && span.len == decoded_len)
        report_token(ctx, f, start, q - start, decoded, decoded_len, span.kind, true);

out:
    free(decoded);
}

static void tokens_on_match(scan_ctx *ctx, scan_file *f, unsigned index, size_t pattern,
                            size_t end)
{
    if (pattern == 0)
        on_token_anchor(ctx, f, index, end);
    else
        on_encoded_anchor(ctx, f, index, end);
}

/* Pattern 0 anchors a token, pattern 1 a token encoded again. */
static const scan_pattern tok_patterns[] = {
    {"eyJ", 0},
    {"ZXlK", 0},
};

static const scan_detector tok_detectors[] = {
    {"tokens", tok_patterns, sizeof(tok_patterns) / sizeof(tok_patterns[0]), SCAN_LANG_ALL,
     tokens_on_match, NULL},
};

const scan_set scan_set_tokens = {
    tok_rules,
    TOK_RULE_COUNT,
    tok_detectors,
    sizeof(tok_detectors) / sizeof(tok_detectors[0]),
};
