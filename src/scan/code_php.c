/*
 * code_php.c: checks of PHP calls into firebase/php-jwt (v5 and v6 names)
 * and of hand-written payload decoding.
 */
#include "scan/code_checks.h"

void code_php_decode(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, false, &call))
        return;

    if (text_has_none_literal(s->text, call.args))
        code_report(s, CODE_R_NONE_ALG, &call, -1, "JWT::decode() allows alg 'none'");

    /* v6 pins through new Key($k, 'RS256'); v5 takes an array of allowed algorithms. */
    if (!text_has(s->text, call.args, "Key(") && !text_has(s->text, call.args, "[") &&
        !text_has(s->text, call.args, "array("))
        code_report(s, CODE_R_ALG_UNPINNED, &call, -1,
                    "JWT::decode() has neither new Key() nor a list of allowed algorithms");
}

void code_php_leeway(const code_site *s)
{
    code_call call;
    long seconds = 0;

    call.start = text_call_start(s->text, s->end);
    call.args = (text_span){s->end - 1, text_line_end(s->text, s->len, s->end)};
    if (!text_is_code(s->text, s->lang, call.start))
        return;
    if (text_seconds_after(s->text, call.args, "=", &seconds) && seconds > CODE_MAX_LEEWAY_SECONDS)
        code_report(s, CODE_R_EXP_OFF, &call, -1, "JWT::$leeway is above 300 seconds");
}

void code_php_encode(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, false, &call))
        return;
    if (!code_mentions_exp(s, &call, 10))
        code_report(s, CODE_R_NO_EXP, &call, -1, "JWT::encode() payload has no exp claim");
}

void code_php_manual_decode(const code_site *s)
{
    code_call call;
    size_t line = text_line_start(s->text, s->end);
    text_span text_line = {line, text_line_end(s->text, s->len, s->end)};

    call.start = text_call_start(s->text, s->end);
    call.args = (text_span){s->end, s->end};
    if (!text_is_code(s->text, s->lang, line) || !text_has(s->text, text_line, "base64_decode"))
        return;
    code_report_unverified(s, CODE_R_DECODE_ONLY, &call,
                           "the JWT payload is base64-decoded by hand, without verification");
}
