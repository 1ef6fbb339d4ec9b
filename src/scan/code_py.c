/*
 * code_py.c: checks of Python calls into PyJWT, python-jose and Authlib.
 * All three are used as `jwt.decode(...)`, so the file's imports decide
 * which library's rules apply.
 */
#include <string.h>

#include "scan/code_checks.h"

typedef enum py_library { PY_PYJWT, PY_JOSE, PY_AUTHLIB } py_library;

/* Bytes at the top of the file read for module imports. */
#define PY_HEAD_WINDOW 8192u

/* Bytes above a call read for an import inside its function ("import jwt" in a def). */
#define PY_LOCAL_WINDOW 4096u

/*
 * Whether a line in `span` starts, after indentation, with "import MODULE"
 * or "from MODULE", where MODULE is followed by '.', a blank or the line
 * end. So "from authlib.jose import jwt" imports authlib and "import
 * oauthlib" does not.
 * NOTE: a module listed second ("import os, authlib") is not seen.
 */
static bool py_span_imports(const uint8_t *text, text_span span, const char *module)
{
    size_t module_len = strlen(module);

    for (size_t line = span.a; line < span.b;) {
        size_t p = line, eol = line;

        while (eol < span.b && text[eol] != '\n')
            eol++;
        while (p < eol && (text[p] == ' ' || text[p] == '\t'))
            p++;
        if (eol - p > 7 && memcmp(text + p, "import ", 7) == 0)
            p += 7;
        else if (eol - p > 5 && memcmp(text + p, "from ", 5) == 0)
            p += 5;
        else
            p = eol;
        while (p < eol && text[p] == ' ')
            p++;
        if (eol - p >= module_len && memcmp(text + p, module, module_len) == 0 &&
            (p + module_len == eol || !text_is_ident(text[p + module_len])))
            return true;
        line = eol + 1;
    }
    return false;
}

/* Whether the top of the file, or the lines just above `pos`, import `module`. */
static bool py_imports(const code_site *s, size_t pos, const char *module)
{
    text_span head = {0, s->len < PY_HEAD_WINDOW ? s->len : PY_HEAD_WINDOW};
    text_span local = {pos > PY_LOCAL_WINDOW ? pos - PY_LOCAL_WINDOW : 0, pos};

    if (local.a < head.b)
        local.a = head.b;
    return py_span_imports(s->text, head, module) ||
           (local.a < local.b && py_span_imports(s->text, local, module));
}

/*
 * PyJWT, python-jose and Authlib are all called as jwt.decode(), so the
 * import decides: "from authlib.jose import jwt" is Authlib, "from jose
 * import jwt" python-jose, and "import jwt" or none PyJWT.
 */
static py_library py_library_of(const code_site *s, size_t pos)
{
    if (py_imports(s, pos, "authlib"))
        return PY_AUTHLIB;
    if (py_imports(s, pos, "jose"))
        return PY_JOSE;
    return PY_PYJWT;
}

/* PyJWT and python-jose take the same option names in options={...}. */
static void py_claims_options(const code_site *s, const code_call *call)
{
    if (code_option_is(s->text, call->args, "verify_exp", "False"))
        code_report(s, CODE_R_EXP_OFF, call, -1, "jwt.decode() runs with verify_exp False");
    code_check_leeway(s, call, "leeway", false, "jwt.decode() allows a leeway above 300 seconds");
    if (code_option_is(s->text, call->args, "verify_aud", "False"))
        code_report(s, CODE_R_AUD_ISS_OFF, call, -1, "jwt.decode() runs with verify_aud False");
    if (code_option_is(s->text, call->args, "verify_iss", "False"))
        code_report(s, CODE_R_AUD_ISS_OFF, call, -1, "jwt.decode() runs with verify_iss False");
}

static void authlib_decode(const code_site *s, const code_call *call)
{
    size_t after = call->args.b < s->len ? call->args.b : s->len;
    text_span below = {after, text_lines_after(s->text, s->len, after, 10)};

    code_report(s, CODE_R_ALG_UNPINNED, call, -1,
                "authlib.jose.jwt accepts every algorithm: use JsonWebToken([...]).decode()");
    if (!text_has(s->text, below, ".validate("))
        code_report(s, CODE_R_EXP_OFF, call, -1,
                    "Authlib decode() result is not checked with claims.validate()");
}

void code_py_decode(const code_site *s)
{
    code_call call;
    py_library lib;

    if (!code_read_call(s, false, &call))
        return;
    lib = py_library_of(s, call.start);

    if (text_has_none_literal(s->text, call.args))
        code_report(s, CODE_R_NONE_ALG, &call, -1, "jwt.decode() allows alg 'none'");
    if (lib == PY_AUTHLIB) {
        authlib_decode(s, &call);
        return;
    }
    if (code_option_is(s->text, call.args, "verify_signature", "False") ||
        code_option_is(s->text, call.args, "verify", "False")) {
        code_report_unverified(s, CODE_R_VERIFY_OFF, &call,
                               "jwt.decode() runs with signature verification off");
        return;
    }
    if (code_alg_from_token(s, &call))
        code_report(s, CODE_R_ALG_FROM_TOKEN, &call, -1,
                    "jwt.decode() takes its algorithms from the unverified header");
    else if (!text_has(s->text, call.args, "algorithms"))
        code_report(s, CODE_R_ALG_UNPINNED, &call, -1,
                    lib == PY_JOSE ? "python-jose jwt.decode() has no algorithms= list"
                                   : "jwt.decode() has no algorithms= list");
    py_claims_options(s, &call);
}

void code_py_unverified_claims(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, false, &call))
        return;
    code_report_unverified(s, CODE_R_DECODE_ONLY, &call,
                           "get_unverified_claims() returns claims without checking the "
                           "signature");
}

void code_py_encode(const code_site *s)
{
    code_call call;
    text_span key;

    if (!code_read_call(s, false, &call))
        return;
    /* PyJWT's encode() takes a payload and a key; one argument is str.encode("utf-8"). */
    if (!code_nth_arg(s->text, call.args, 1, &key))
        return;

    if (text_has_none_literal(s->text, call.args))
        code_report(s, CODE_R_NONE_ALG, &call, -1, "jwt.encode() signs with alg 'none'");
    if (!code_mentions_exp(s, &call, 10))
        code_report(s, CODE_R_NO_EXP, &call, -1, "jwt.encode() payload has no exp claim");
}
