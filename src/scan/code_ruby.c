/*
 * code_ruby.c: checks of Ruby calls into ruby-jwt:
 * JWT.decode(token, key, verify = true, options) and
 * JWT.encode(payload, key, algorithm).
 */
#include "scan/code_checks.h"

static void rb_claims_options(const code_site *s, const code_call *call)
{
    if (code_option_is(s->text, call->args, "verify_expiration", "false"))
        code_report(s, CODE_R_EXP_OFF, call, -1, "JWT.decode runs with verify_expiration: false");
    code_check_leeway(s, call, "leeway", false, "JWT.decode allows a leeway above 300 seconds");
    if (code_option_is(s->text, call->args, "verify_aud", "false"))
        code_report(s, CODE_R_AUD_ISS_OFF, call, -1, "JWT.decode runs with verify_aud: false");
    if (code_option_is(s->text, call->args, "verify_iss", "false"))
        code_report(s, CODE_R_AUD_ISS_OFF, call, -1, "JWT.decode runs with verify_iss: false");
}

void code_rb_decode(const code_site *s)
{
    code_call call;
    text_span verify;

    if (!code_read_call(s, true, &call))
        return;

    if (text_has_none_literal(s->text, call.args))
        code_report(s, CODE_R_NONE_ALG, &call, -1, "JWT.decode allows alg 'none'");
    if (code_nth_arg(s->text, call.args, 2, &verify) && text_has(s->text, verify, "false") &&
        verify.b - verify.a == 5) {
        code_report_unverified(s, CODE_R_VERIFY_OFF, &call,
                               "JWT.decode runs with verification off (third argument false)");
        return;
    }
    if (code_alg_from_token(s, &call))
        code_report(s, CODE_R_ALG_FROM_TOKEN, &call, -1,
                    "JWT.decode takes its algorithm from the token header");
    else if (!text_has(s->text, call.args, "algorithm") && !text_has(s->text, call.args, "jwks"))
        code_report(s, CODE_R_ALG_UNPINNED, &call, -1, "JWT.decode has no algorithm: option");
    rb_claims_options(s, &call);
}

void code_rb_encode(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, true, &call))
        return;

    if (text_has_none_literal(s->text, call.args))
        code_report(s, CODE_R_NONE_ALG, &call, -1, "JWT.encode signs with alg 'none'");
    if (!code_mentions_exp(s, &call, 10))
        code_report(s, CODE_R_NO_EXP, &call, -1, "JWT.encode payload has no exp claim");
}
