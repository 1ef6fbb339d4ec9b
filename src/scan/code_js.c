/*
 * code_js.c: checks of JavaScript and TypeScript calls into jsonwebtoken
 * (verify, decode, sign), jose 3+ (jwtVerify, decodeJwt, UnsecuredJWT,
 * SignJWT) and express-jwt.
 */
#include "scan/code_checks.h"

/* Reports the option checks every verify-style call shares. */
static void js_claims_options(const code_site *s, const code_call *call)
{
    if (code_option_is(s->text, call->args, "ignoreExpiration", "true"))
        code_report(s, CODE_R_EXP_OFF, call, -1, "verify() runs with ignoreExpiration: true");
    code_check_leeway(s, call, "clockTolerance", false,
                      "verify() allows a clockTolerance above 300 seconds");
}

void code_js_verify(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, false, &call))
        return;

    if (text_has_none_literal(s->text, call.args))
        code_report(s, CODE_R_NONE_ALG, &call, -1, "jsonwebtoken verify() allows alg 'none'");
    if (code_alg_from_token(s, &call))
        code_report(s, CODE_R_ALG_FROM_TOKEN, &call, -1,
                    "jsonwebtoken verify() takes its algorithms from the token header");
    else if (!text_has(s->text, call.args, "algorithms"))
        code_report(s, CODE_R_ALG_UNPINNED, &call, -1,
                    "jsonwebtoken verify() has no algorithms option");
    js_claims_options(s, &call);
}

void code_js_decode(const code_site *s)
{
    code_call call;
    size_t after;

    if (!code_read_call(s, false, &call))
        return;

    /* Reading only the header (to pick a key by kid) before verify() is fine. */
    after = call.args.b < s->len ? call.args.b + 1 : s->len;
    if (s->len - after >= 7 && text_has(s->text, (text_span){after, after + 7}, ".header"))
        return;
    code_report_unverified(s, CODE_R_DECODE_ONLY, &call,
                           "jsonwebtoken decode() returns claims without checking the signature");
}

void code_js_sign(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, false, &call))
        return;

    if (text_has_none_literal(s->text, call.args))
        code_report(s, CODE_R_NONE_ALG, &call, -1, "jsonwebtoken sign() uses alg 'none'");
    if (!code_mentions_exp(s, &call, 10))
        code_report(s, CODE_R_NO_EXP, &call, -1,
                    "jsonwebtoken sign() has neither expiresIn nor an exp claim");
}

void code_jose_verify(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, false, &call))
        return;

    /* A KeyObject or CryptoKey fixes its algorithm family; a key set or secret does not. */
    if (!text_has(s->text, call.args, "algorithms") && text_has_ci(s->text, call.args, "jwks"))
        code_report(s, CODE_R_ALG_UNPINNED, &call, -1,
                    "jose jwtVerify() with a key set has no algorithms option");
    code_check_leeway(s, &call, "clockTolerance", false,
                      "jose jwtVerify() allows a clockTolerance above 300 seconds");
}

void code_jose_decode(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, false, &call))
        return;
    code_report_unverified(s, CODE_R_DECODE_ONLY, &call,
                           "jose decodeJwt() returns claims without checking the signature");
}

void code_jose_unsecured(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, false, &call))
        return;
    code_report(s, CODE_R_NONE_ALG, &call, -1,
                "jose UnsecuredJWT.decode() accepts unsigned tokens (alg 'none')");
}

void code_jose_sign(const code_site *s)
{
    code_call call;
    text_span statement;

    if (!code_read_call(s, false, &call))
        return;

    statement = (text_span){call.start, code_statement_end(s, call.start)};
    if (!text_has(s->text, statement, "setExpirationTime") && !code_mentions_exp(s, &call, 10))
        code_report(s, CODE_R_NO_EXP, &call, -1, "jose SignJWT has no setExpirationTime()");
}

void code_express_jwt(const code_site *s)
{
    code_call call;
    code_site at_paren = *s;

    /* The pattern ends on the '{' of the options; the call starts at the '(' before it. */
    while (at_paren.end > 0 && s->text[at_paren.end - 1] != '(')
        at_paren.end--;
    if (!code_read_call(&at_paren, false, &call))
        return;

    /* A bare jwt({...}) is express-jwt only in files that import it. */
    if (s->text[call.start] == 'j' && !code_file_imports(s, "express-jwt"))
        return;
    s = &at_paren;

    if (text_has_none_literal(s->text, call.args))
        code_report(s, CODE_R_NONE_ALG, &call, -1, "express-jwt allows alg 'none'");
    if (!text_has(s->text, call.args, "algorithms"))
        code_report(s, CODE_R_ALG_UNPINNED, &call, -1, "express-jwt has no algorithms option");
}
