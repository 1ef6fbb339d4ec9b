/*
 * code_py.c: checks of Python calls into PyJWT, python-jose and Authlib.
 * All three are used as `jwt.decode(...)`, so the file's imports decide
 * which library's rules apply.
 */
#include "scan/code_checks.h"

typedef enum py_library { PY_PYJWT, PY_JOSE, PY_AUTHLIB } py_library;

static py_library py_library_of(const code_site *s)
{
    if (code_file_imports(s, "authlib"))
        return PY_AUTHLIB;
    if (code_file_imports(s, "from jose") || code_file_imports(s, "import jose"))
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
    py_library lib = py_library_of(s);

    if (!code_read_call(s, false, &call))
        return;

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

    if (!code_read_call(s, false, &call))
        return;

    if (text_has_none_literal(s->text, call.args))
        code_report(s, CODE_R_NONE_ALG, &call, -1, "jwt.encode() signs with alg 'none'");
    if (!code_mentions_exp(s, &call, 10))
        code_report(s, CODE_R_NO_EXP, &call, -1, "jwt.encode() payload has no exp claim");
}
