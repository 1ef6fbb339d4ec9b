/*
 * code_java.c: checks of Java and Kotlin calls into jjwt (0.11 and 0.12
 * names) and auth0 java-jwt.
 */
#include "scan/code_checks.h"

void code_jjwt_unsigned_parse(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, false, &call))
        return;
    code_report_unverified(s, CODE_R_DECODE_ONLY, &call,
                           "jjwt parses an unsigned JWT: its claims are not verified");
}

void code_jjwt_unsecured(const code_site *s)
{
    code_call call;

    if (!code_file_imports(s, "io.jsonwebtoken") && !code_file_imports(s, "Jwts"))
        return;
    if (!code_read_call(s, false, &call))
        return;
    code_report(s, CODE_R_NONE_ALG, &call, -1,
                "jjwt parser built with unsecured() accepts alg 'none'");
}

void code_jjwt_builder(const code_site *s)
{
    code_call call;
    text_span statement;

    if (!code_read_call(s, false, &call))
        return;

    statement = (text_span){call.start, code_statement_end(s, call.start)};
    if (!text_has(s->text, statement, "signWith"))
        code_report(s, CODE_R_NONE_ALG, &call, -1,
                    "Jwts.builder() without signWith() makes an unsigned token");
    if (!text_has(s->text, statement, "xpiration("))
        code_report(s, CODE_R_NO_EXP, &call, -1, "Jwts.builder() sets no expiration");
}

void code_jjwt_skew(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, false, &call))
        return;
    code_check_leeway(s, &call, NULL, false, "jjwt allows a clock skew above 300 seconds");
}

void code_auth0_decode(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, false, &call))
        return;
    code_report_unverified(s, CODE_R_DECODE_ONLY, &call,
                           "java-jwt JWT.decode() returns claims without checking the signature");
}

void code_auth0_none(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, false, &call))
        return;
    code_report(s, CODE_R_NONE_ALG, &call, -1, "java-jwt uses Algorithm.none()");
}

void code_auth0_leeway(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, false, &call))
        return;
    code_check_leeway(s, &call, NULL, false, "java-jwt accepts a leeway above 300 seconds");
}

void code_auth0_create(const code_site *s)
{
    code_call call;
    text_span statement;

    if (!code_read_call(s, false, &call))
        return;

    statement = (text_span){call.start, code_statement_end(s, call.start)};
    if (!text_has(s->text, statement, "withExpiresAt"))
        code_report(s, CODE_R_NO_EXP, &call, -1, "JWT.create() sets no withExpiresAt()");
}
