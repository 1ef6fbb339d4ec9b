/*
 * code_go.c: checks of Go calls into golang-jwt/jwt (v4 and v5) and its
 * predecessor dgrijalva/jwt-go, which share the names below.
 */
#include "scan/code_checks.h"

/*
 * Bytes searched on either side of a jwt.Parse call for the named key
 * function's method check. The search runs per call, so the whole file
 * would make a file with many calls quadratic.
 * NOTE: a key function defined further away is not seen, so its call is
 * reported.
 */
#define GO_KEYFUNC_WINDOW 16384u

/* Markers of a key function that checks token.Method, or of a pinned parser. */
static const char *const method_checks[] = {"WithValidMethods", "ValidMethods:", ".Method.(",
                                            "Method.Alg()", "Header[\"alg\"]"};

static bool pins_method(const uint8_t *text, text_span span)
{
    for (size_t i = 0; i < sizeof(method_checks) / sizeof(method_checks[0]); i++) {
        if (text_has(text, span, method_checks[i]))
            return true;
    }
    return false;
}

void code_go_parse(const code_site *s)
{
    code_call call;
    text_span around;

    if (!code_read_call(s, false, &call))
        return;

    /*
     * A key function defined inline is judged by its body. A named one, or a
     * parser built elsewhere, is judged by GO_KEYFUNC_WINDOW bytes on either
     * side of the call.
     */
    if (pins_method(s->text, call.args))
        return;
    around.a = call.start > GO_KEYFUNC_WINDOW ? call.start - GO_KEYFUNC_WINDOW : 0;
    around.b = s->len - call.args.b > GO_KEYFUNC_WINDOW ? call.args.b + GO_KEYFUNC_WINDOW : s->len;
    if (!text_has(s->text, call.args, "func(") && pins_method(s->text, around))
        return;
    code_report(s, CODE_R_ALG_UNPINNED, &call, -1,
                "jwt.Parse has no WithValidMethods and its key function ignores token.Method");
}

void code_go_parse_unverified(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, false, &call))
        return;
    code_report_unverified(s, CODE_R_DECODE_ONLY, &call,
                           "ParseUnverified returns claims without checking the signature");
}

void code_go_none(const code_site *s)
{
    code_call call;
    size_t line = text_line_start(s->text, s->end);
    text_span text_line = {line, text_line_end(s->text, s->len, s->end)};

    call.start = text_call_start(s->text, s->end);
    call.args = (text_span){s->end, s->end};
    if (!text_is_code(s->text, s->lang, call.start))
        return;

    /* Comparing against the none method to reject it is the safe use. */
    if (text_has(s->text, text_line, "==") || text_has(s->text, text_line, "!=") ||
        text_has(s->text, text_line, "case "))
        return;
    code_report(s, CODE_R_NONE_ALG, &call, -1, "golang-jwt code uses the 'none' signing method");
}

void code_go_skip_claims(const code_site *s)
{
    code_call call;

    call.start = text_call_start(s->text, s->end);
    call.args = (text_span){s->end, s->end};
    if (!text_is_code(s->text, s->lang, call.start))
        return;
    code_report(s, CODE_R_EXP_OFF, &call, -1,
                "golang-jwt parser skips claims validation, exp included");
}

void code_go_leeway(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, false, &call))
        return;
    code_check_leeway(s, &call, NULL, true, "WithLeeway allows more than 300 seconds");
}

void code_go_new_with_claims(const code_site *s)
{
    code_call call;

    if (!code_read_call(s, false, &call))
        return;
    if (!code_mentions_exp(s, &call, 15))
        code_report(s, CODE_R_NO_EXP, &call, -1, "jwt.NewWithClaims claims have no exp");
}
