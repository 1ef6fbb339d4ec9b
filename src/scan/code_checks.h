/*
 * code_checks.h: the per-library checks behind the code_group tables, and
 * the small steps they share (code_common.c). One code_js.c, code_py.c,
 * ... per language; code_keys.c for kid, jku and leaks; code_ci.c for CI.
 */
#ifndef JWTGUARD_SCAN_CODE_CHECKS_H
#define JWTGUARD_SCAN_CODE_CHECKS_H

#include "scan/code.h"
#include "scan/code_text.h"

/* The call a match anchors: where its expression starts and its arguments. */
typedef struct code_call {
    size_t start;
    text_span args;
} code_call;

/*
 * Reads the call whose name the match ends on. Returns false, so the match
 * is dropped, when the name sits in a comment or string or has no
 * argument list. `bare` allows Ruby's calls without parentheses.
 */
bool code_read_call(const code_site *s, bool bare, code_call *call);

/* Reports rule `rule` (a CODE_R_* index) at the call. */
void code_report(const code_site *s, unsigned rule, const code_call *call, int severity,
                 const char *message);

/*
 * Returns true when an option `key` in `span` is set to `value` (case
 * ignored): "key: false", "'key': False", "key=False", ":key => false".
 */
bool code_option_is(const uint8_t *text, text_span span, const char *key, const char *value);

/* Reports JG406 when option `key` sets a leeway above CODE_MAX_LEEWAY_SECONDS. */
void code_check_leeway(const code_site *s, const code_call *call, const char *key, bool go_units,
                       const char *message);

/*
 * Reports a decode that skips verification (rule JG402 or JG403), raised
 * one severity level when the claims reach an authorization check nearby.
 * JG402 is not reported when the same token is verified within 15 lines.
 */
void code_report_unverified(const code_site *s, unsigned rule, const code_call *call,
                            const char *message);

/*
 * True when the call's arguments set an expiry (exp, expiresIn, ExpiresAt,
 * expiration), or when an exp claim is named in `lines_before` lines above.
 */
bool code_mentions_exp(const code_site *s, const code_call *call, unsigned lines_before);

/* True when the algorithm list in the arguments comes from the token's own header. */
bool code_alg_from_token(const code_site *s, const code_call *call);

/* Returns the end of the statement that starts at `from`: the first ';' or blank line. */
size_t code_statement_end(const code_site *s, size_t from);

/* True when the first `limit` bytes of the file contain `needle` (import lines). */
bool code_file_imports(const code_site *s, const char *needle);

/* Finds argument `n` (0-based) of a call by top-level commas. */
bool code_nth_arg(const uint8_t *text, text_span args, unsigned n, text_span *arg);

void code_js_verify(const code_site *s);
void code_js_decode(const code_site *s);
void code_js_sign(const code_site *s);
void code_jose_verify(const code_site *s);
void code_jose_decode(const code_site *s);
void code_jose_unsecured(const code_site *s);
void code_jose_sign(const code_site *s);
void code_express_jwt(const code_site *s);

void code_py_decode(const code_site *s);
void code_py_unverified_claims(const code_site *s);
void code_py_encode(const code_site *s);

void code_go_parse(const code_site *s);
void code_go_parse_unverified(const code_site *s);
void code_go_none(const code_site *s);
void code_go_skip_claims(const code_site *s);
void code_go_leeway(const code_site *s);
void code_go_new_with_claims(const code_site *s);

void code_jjwt_unsigned_parse(const code_site *s);
void code_jjwt_unsecured(const code_site *s);
void code_jjwt_builder(const code_site *s);
void code_jjwt_skew(const code_site *s);
void code_auth0_decode(const code_site *s);
void code_auth0_none(const code_site *s);
void code_auth0_leeway(const code_site *s);
void code_auth0_create(const code_site *s);

void code_php_decode(const code_site *s);
void code_php_leeway(const code_site *s);
void code_php_encode(const code_site *s);
void code_php_manual_decode(const code_site *s);

void code_rb_decode(const code_site *s);
void code_rb_encode(const code_site *s);

void code_key_url(const code_site *s);
void code_key_embedded_jwk(const code_site *s);
void code_kid(const code_site *s);
void code_token_in_url(const code_site *s);
void code_token_logged(const code_site *s);

void code_ci_echo(const code_site *s);
void code_ci_env_dump(const code_site *s);
void code_ci_cat(const code_site *s);
void code_ci_curl(const code_site *s);
void code_ci_token_url(const code_site *s);
void code_ci_xtrace(const code_site *s);

#endif /* JWTGUARD_SCAN_CODE_CHECKS_H */
