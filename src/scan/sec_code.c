/*
 * sec_code.c: JG203, a string literal passed as the key of a JWT sign or
 * verify call, one pattern per library call. The insecure-validation
 * rules for the same libraries (JG4xx) are in det_code.c; this file is
 * only about the literal key.
 */
#include <stdio.h>
#include <string.h>

#include <hs.h>
#include <openssl/crypto.h>

#include "scan/sec_det.h"
#include "scan/sec_text.h"

/* Bytes of a call's argument list read at most. */
#define SEC_CALL_MAX 2048u

/* Marks a call whose every argument may be the key (jjwt signWith takes it first or second). */
#define ANY_ARG ((size_t)-1)

typedef struct code_call {
    scan_lang lang;
    size_t arg;          /* index of the key argument, or ANY_ARG */
    const char *name;    /* the call, shown in the message */
    const char *library; /* shown in the message */
    const char *needs;   /* the file must contain this, or NULL: keeps generic calls to JWT files */
} code_call;

/* Patterns end at the '(' of the call (or the space after a Ruby method name). */
const scan_pattern sec_code_patterns[SEC_CODE_PATTERN_COUNT] = {
    {"\\bjwt\\.(sign|verify)\\s*\\(", 0},
    {"new\\s+TextEncoder\\(\\)\\.encode\\s*\\(", 0},
    {"\\bjwt\\.(encode|decode)\\s*\\(", 0},
    {"\\.SignedString\\s*\\(", 0},
    {"return\\s+\\[\\]byte\\s*\\(", 0},
    {"(jwt|secret|signing|hmac)\\w*\\s*:?=\\s*\\[\\]byte\\s*\\(", HS_FLAG_CASELESS},
    {"\\bAlgorithm\\.HMAC(256|384|512)\\s*\\(", 0},
    {"\\.signWith\\s*\\(", 0},
    {"\\bhmacShaKeyFor\\s*\\(", 0},
    {"\\.setSigningKey\\s*\\(", 0},
    {"\\bJWT::(encode|decode)\\s*\\(", 0},
    {"\\bnew\\s+Key\\s*\\(", 0},
    {"\\bJWT\\.(encode|decode)\\s*\\(", 0},
    {"\\bJWT\\.(encode|decode)[ \\t]+", 0},
};

static const code_call code_calls[SEC_CODE_PATTERN_COUNT] = {
    {SCAN_LANG_JS, 1, "jwt.sign/verify", "jsonwebtoken", NULL},
    {SCAN_LANG_JS, 0, "TextEncoder().encode", "jose", "jose"},
    {SCAN_LANG_PYTHON, 1, "jwt.encode/decode", "PyJWT or python-jose", NULL},
    {SCAN_LANG_GO, 0, "SignedString", "golang-jwt", NULL},
    {SCAN_LANG_GO, 0, "key function", "golang-jwt", "jwt"},
    {SCAN_LANG_GO, 0, "[]byte key variable", "golang-jwt", "jwt"},
    {SCAN_LANG_JAVA, 0, "Algorithm.HMAC", "auth0 java-jwt", NULL},
    {SCAN_LANG_JAVA, ANY_ARG, "signWith", "jjwt", NULL},
    {SCAN_LANG_JAVA, 0, "Keys.hmacShaKeyFor", "jjwt", NULL},
    {SCAN_LANG_JAVA, 0, "setSigningKey", "jjwt", NULL},
    {SCAN_LANG_PHP, 1, "JWT::encode/decode", "firebase/php-jwt", NULL},
    {SCAN_LANG_PHP, 0, "new Key", "firebase/php-jwt", "JWT"},
    {SCAN_LANG_RUBY, 1, "JWT.encode/decode", "ruby-jwt", NULL},
    {SCAN_LANG_RUBY, 1, "JWT.encode/decode", "ruby-jwt", NULL},
};

static bool file_contains(const scan_file *f, const char *needle)
{
    size_t n = strlen(needle);

    for (size_t i = 0; i + n <= f->len; i++) {
        if (f->data[i] == (uint8_t)needle[0] && memcmp(f->data + i, needle, n) == 0)
            return true;
    }
    return false;
}

/*
 * Reads argument `arg` of the call opened at `open` as a literal and
 * reports it. Returns the offset just past the literal, or 0 when the
 * argument is not a literal secret.
 */
static size_t report_literal_arg(scan_ctx *ctx, const scan_file *f, size_t open, size_t arg,
                                 const code_call *call)
{
    uint8_t value[SEC_VALUE_MAX];
    char where[64];
    size_t start, len, value_len, lit_off, past = 0;

    if (!sec_call_arg(f->data, f->len, open, arg, SEC_CALL_MAX, &start, &len))
        return 0;
    if (sec_literal_arg(f->data + start, len, value, sizeof(value), &value_len, &lit_off) &&
        !sec_is_placeholder(value, value_len)) {
        snprintf(where, sizeof(where), "code using %s", call->library);
        sec_report_secret(ctx, f, SEC_JG203, start + lit_off, value_len, call->name, value,
                          value_len, where);
        past = start + len;
    }
    OPENSSL_cleanse(value, sizeof(value));
    return past;
}

void sec_code_on_match(scan_ctx *ctx, scan_file *f, unsigned index, size_t pattern, size_t end)
{
    const code_call *call;
    size_t open, past = 0;

    if (pattern >= SEC_CODE_PATTERN_COUNT || end == 0)
        return;
    call = &code_calls[pattern];
    if (f->lang != call->lang || (call->needs && !file_contains(f, call->needs)))
        return;

    open = end - 1;
    if (f->data[open] != '(') {
        size_t next = open;
        while (next < f->len && (f->data[next] == ' ' || f->data[next] == '\t'))
            next++;
        if (next < f->len && f->data[next] == '(')
            return; /* "JWT.encode (": the parenthesised pattern reads it */
    }

    if (call->arg != ANY_ARG) {
        past = report_literal_arg(ctx, f, open, call->arg, call);
    } else {
        for (size_t arg = 0; arg < 4 && past == 0; arg++)
            past = report_literal_arg(ctx, f, open, arg, call);
    }
    if (past > f->skip_until[index])
        f->skip_until[index] = past;
}

/* ---- literals assigned to secret names -------------------------------- */

const scan_pattern sec_assign_patterns[SEC_ASSIGN_PATTERN_COUNT] = {
    {"jwt", HS_FLAG_CASELESS},
    {"secret", HS_FLAG_CASELESS},
    {"signing", HS_FLAG_CASELESS},
    {"hmac", HS_FLAG_CASELESS},
};

/* Bytes before a line searched for "jwt", which turns a bare "secret:" into a JWT key. */
#define SEC_JWT_NEARBY 512u

static bool jwt_nearby(const scan_file *f, size_t line_start, size_t line_end)
{
    size_t from = line_start > SEC_JWT_NEARBY ? line_start - SEC_JWT_NEARBY : 0;

    for (size_t i = from; i + 3 <= line_end; i++) {
        if ((f->data[i] | 0x20) == 'j' && (f->data[i + 1] | 0x20) == 'w' &&
            (f->data[i + 2] | 0x20) == 't')
            return true;
    }
    return false;
}

/*
 * Reports `const JWT_SECRET = "literal"`, `private static final String
 * JWT_SECRET = "literal";`, `$jwtSecret = 'literal';` and the options
 * object `expressjwt({ secret: 'literal' })`: a literal given a name that
 * means a signing secret, later passed to a library call.
 */
void sec_assign_on_match(scan_ctx *ctx, scan_file *f, unsigned index, size_t pattern, size_t end)
{
    size_t start = sec_line_start(f->data, f->len, end > 0 ? end - 1 : 0);
    size_t stop = sec_line_end(f->data, f->len, start);
    const char *context;
    const char *name;
    char key[128];
    sec_assign a;

    (void)pattern;
    f->skip_until[index] = stop;
    if (!sec_parse_code_assign(f->data + start, stop - start, &a) || a.key_len >= sizeof(key) ||
        a.value_len > SEC_VALUE_MAX || sec_is_placeholder(f->data + start + a.value, a.value_len))
        return;

    /* Only the member name counts: ExtendedKeyUsageOID.CODE_SIGNING names no secret. */
    memcpy(key, f->data + start + a.key, a.key_len);
    key[a.key_len] = '\0';
    name = strrchr(key, '.') ? strrchr(key, '.') + 1 : key;
    context = jwt_nearby(f, start, stop) ? "jwt" : "";
    if (!sec_is_secret_name(name, strlen(name), context, strlen(context)))
        return;
    sec_report_secret(ctx, f, SEC_JG203, start + a.value, a.value_len, name,
                      f->data + start + a.value, a.value_len, "code, assigned to a secret name");
}
