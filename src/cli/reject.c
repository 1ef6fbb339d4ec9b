/*
 * reject.c: the token values and next steps added to a rejection message.
 */
#include "reject.h"

#include <math.h>
#include <string.h>

#include "cli.h"
#include "token.h"

/* Every algorithm the library implements, in the order messages list them. */
static const char *const all_algs[] = {"HS256", "HS384", "HS512", "RS256", "RS384",
                                       "RS512", "PS256", "PS384", "PS512", "ES256",
                                       "ES384", "ES512", "EdDSA"};

/* Arguments of one context writer. */
struct reject_call {
    FILE *f;
    jwg_err rc;
    const jwg_result *r;
    const struct reject_info *info;
    const char *token;
    size_t len;
};

/* Writes `label` and a string member's value, or "no <name>" when it is absent or not a string. */
static void print_member(FILE *f, const jwg_result *r, jwg_part part, const char *label,
                         const char *name)
{
    const char *value;
    size_t len;

    if (jwg_result_string(r, part, name, &value, &len) == JWG_OK) {
        fprintf(f, "%s%s ", label, name);
        cli_print_value(f, value, len);
    } else {
        fprintf(f, "%sno %s", label, name);
    }
}

/* Writes a member's raw JSON text, escaped and cut, for values that may be arrays. */
static void print_raw_member(FILE *f, const jwg_result *r, jwg_part part, const char *name)
{
    const char *raw;
    size_t len;

    if (jwg_result_raw(r, part, name, &raw, &len) != JWG_OK) {
        fprintf(f, "token has no %s", name);
        return;
    }
    size_t shown = cli_cut_len(raw, len, CLI_MAX_SHOWN_VALUE);

    fprintf(f, "token %s ", name);
    cli_print_safe(f, raw, shown);
    if (shown < len)
        fputs("...", f);
}

static void print_format(const struct reject_call *c)
{
    char hint[TOKEN_HINT_MAX];

    if (token_format_hint(c->token, c->len, hint))
        fprintf(c->f, ": %s", hint);
}

static void print_issuer(const struct reject_call *c)
{
    print_member(c->f, c->r, JWG_PART_CLAIMS, ": token ", "iss");
}

static void print_audience(const struct reject_call *c)
{
    fputs(": ", c->f);
    print_raw_member(c->f, c->r, JWG_PART_CLAIMS, "aud");
}

static void print_typ(const struct reject_call *c)
{
    print_member(c->f, c->r, JWG_PART_HEADER, ": token ", "typ");
    if (c->info->typ != NULL) {
        fputs("; --typ requires ", c->f);
        cli_print_value(c->f, c->info->typ, strlen(c->info->typ));
    }
}

/* Names the token's kid and alg, and the kids of the keys given. */
static void print_key_choice(const struct reject_call *c)
{
    size_t count = jwg_keyset_count(c->info->keys);
    bool any_kid = false;

    print_member(c->f, c->r, JWG_PART_HEADER, ": token ", "kid");
    print_member(c->f, c->r, JWG_PART_HEADER, ", ", "alg");
    for (size_t i = 0; i < count; i++) {
        const char *kid = jwg_keyset_kid(c->info->keys, i);

        if (kid == NULL)
            continue;
        fputs(any_kid ? " " : "; the keys given have kids ", c->f);
        cli_print_value(c->f, kid, strlen(kid));
        any_kid = true;
    }
    if (!any_kid)
        fputs("; the keys given have no kid", c->f);
}

/* Returns true when some key of the set admits `alg`. */
static bool keys_admit(const jwg_keyset *ks, const char *alg)
{
    char algs[128];
    char *rest = NULL;

    for (size_t i = 0; i < jwg_keyset_count(ks); i++) {
        if (jwg_keyset_algs(ks, i, algs, sizeof(algs)) != JWG_OK)
            continue;
        for (char *word = strtok_r(algs, " ", &rest); word != NULL;
             word = strtok_r(NULL, " ", &rest)) {
            if (strcmp(word, alg) == 0)
                return true;
        }
    }
    return false;
}

/* Names the token's alg and the algorithms that --alg or the keys allow. */
static void print_allowed_algs(const struct reject_call *c)
{
    print_member(c->f, c->r, JWG_PART_HEADER, ": token ", "alg");
    if (c->info->alg_count > 0) {
        fputs("; --alg allows", c->f);
        for (size_t i = 0; i < c->info->alg_count; i++)
            fprintf(c->f, " %s", c->info->algs[i]);
        return;
    }
    fputs("; the keys given admit", c->f);
    for (size_t i = 0; i < CLI_ARRAY_LEN(all_algs); i++) {
        if (keys_admit(c->info->keys, all_algs[i]))
            fprintf(c->f, " %s", all_algs[i]);
    }
}

/* Reads a NumericDate claim as whole seconds; false when it is absent or not finite. */
static bool claim_seconds(const jwg_result *r, const char *name, int64_t *out)
{
    double value;

    if (jwg_result_number(r, JWG_PART_CLAIMS, name, &value) != JWG_OK || !isfinite(value) ||
        value < 0 || value > (double)CLI_MAX_NOW)
        return false;
    /* value is in 0..CLI_MAX_NOW, so the conversion truncates toward the earlier second. */
    *out = (int64_t)value;
    return true;
}

/* Writes ": <verb> N s <when> at <ISO time> (<claim>); allow clock skew with --leeway SECONDS". */
static void print_time(const struct reject_call *c, const char *claim, const char *verb,
                       bool past)
{
    char utc[CLI_UTC_MAX];
    int64_t t;

    if (!claim_seconds(c->r, claim, &t) || !cli_format_utc(t, utc))
        return;
    fprintf(c->f, ": %s %lld s %s at %s (%s); allow clock skew with --leeway SECONDS", verb,
            (long long)(past ? c->info->now - t : t - c->info->now), past ? "ago" : "from now",
            utc, claim);
}

static void print_expired(const struct reject_call *c)
{
    print_time(c, "exp", "expired", true);
}

static void print_not_yet_valid(const struct reject_call *c)
{
    print_time(c, "nbf", "valid", false);
}

static void print_issued_in_future(const struct reject_call *c)
{
    print_time(c, "iat", "issued", false);
}

static void print_lifetime(const struct reject_call *c)
{
    int64_t iat;
    int64_t exp;

    if (claim_seconds(c->r, "iat", &iat) && claim_seconds(c->r, "exp", &exp))
        fprintf(c->f, ": lifetime exp - iat is %lld s; --max-lifetime allows %lld s",
                (long long)(exp - iat), (long long)c->info->max_lifetime);
}

/* The most common HMAC mistake is a secret file written with echo, which adds "\n". */
static void print_signature(const struct reject_call *c)
{
    if (c->info->secret_newline)
        fputs(": the secret file ends with a newline, which is part of the secret", c->f);
}

/* Context writers by rejection code; codes without a row get no context. */
static const struct {
    jwg_err code;
    void (*print)(const struct reject_call *c);
} writers[] = {
    {JWG_ERR_TOKEN_SEGMENTS, print_format},
    {JWG_ERR_BASE64URL, print_format},
    {JWG_ERR_ISSUER, print_issuer},
    {JWG_ERR_AUDIENCE, print_audience},
    {JWG_ERR_TYP_MISMATCH, print_typ},
    {JWG_ERR_KEY_NOT_FOUND, print_key_choice},
    {JWG_ERR_KEY_ALG_MISMATCH, print_key_choice},
    {JWG_ERR_ALG_NOT_ALLOWED, print_allowed_algs},
    {JWG_ERR_EXPIRED, print_expired},
    {JWG_ERR_NOT_YET_VALID, print_not_yet_valid},
    {JWG_ERR_ISSUED_IN_FUTURE, print_issued_in_future},
    {JWG_ERR_LIFETIME, print_lifetime},
    {JWG_ERR_SIGNATURE_INVALID, print_signature},
};

void reject_print_context(FILE *f, jwg_err rc, const jwg_result *r, const struct reject_info *info,
                          const char *token, size_t len)
{
    const struct reject_call call = {f, rc, r, info, token, len};

    if (r == NULL)
        return;
    for (size_t i = 0; i < CLI_ARRAY_LEN(writers); i++) {
        if (writers[i].code == rc) {
            writers[i].print(&call);
            return;
        }
    }
}
