/*
 * tok_claims.c: reads a found token's header and claims, without
 * verification, to tell how dangerous its leak is. Nothing here is
 * authentic: the state and privilege describe what the token claims.
 */
#include <string.h>

#include "internal.h"
#include "jwtguard/jwtguard.h"
#include "scan/tok_claims.h"

/* Maximum JWE header decoded to check "enc", with room for an "epk" or "jwk" member; a larger header is not read. */
#define JWE_HEADER_MAX 4096u

/* JSON nodes for a JWE header; a header with more members is read as not a token. */
#define JWE_HEADER_NODES 128u

/* Claims whose values name roles, groups or scopes (RFC 9068 2.2.3, RFC 8693 4.2, OAuth scp, Cognito, Spring). */
static const char *const role_claims[] = {"roles", "role", "groups", "scope", "scp",
                                          "permissions", "authorities", "cognito:groups"};

/* Boolean claims that some issuers set on administrators. */
static const char *const admin_flags[] = {"admin", "is_admin", "isAdmin"};

/* Role and scope values that grant everything; compared without case. */
static const char *const admin_words[] = {
    "admin", "administrator", "root",  "superuser",    "superadmin", "super_admin",
    "super-admin", "service_role", "*", "write:all", "all",
};

static bool equal_nocase(const char *a, size_t n, const char *b)
{
    if (strlen(b) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? (char)(a[i] + ('a' - 'A')) : a[i];

        if (x != b[i])
            return false;
    }
    return true;
}

static bool ends_with_nocase(const char *word, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);

    return len > n && equal_nocase(word + len - n, n, suffix);
}

bool tok_word_is_admin(const char *word, size_t len)
{
    for (size_t i = 0; i < sizeof(admin_words) / sizeof(admin_words[0]); i++) {
        if (equal_nocase(word, len, admin_words[i]))
            return true;
    }

    /* "org:admin", "tenant_admin", "repo.admin", "api:*", and "admin:write". */
    if (ends_with_nocase(word, len, ":admin") || ends_with_nocase(word, len, "_admin") ||
        ends_with_nocase(word, len, ".admin") || ends_with_nocase(word, len, ":*"))
        return true;
    return len > 6 && equal_nocase(word, 6, "admin:");
}

/* Returns whether any space- or comma-separated word of `s` is administrative. */
static bool words_admin(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t j = i;

        while (j < len && s[j] != ' ' && s[j] != ',')
            j++;
        if (j > i && tok_word_is_admin(s + i, j - i))
            return true;
        i = j + 1;
    }
    return false;
}

static bool claim_admin(const jwg_result *r, const char *name)
{
    const char *s;
    size_t n;
    size_t count;

    if (jwg_result_string(r, JWG_PART_CLAIMS, name, &s, &n) == JWG_OK)
        return words_admin(s, n);
    if (jwg_result_strings_count(r, JWG_PART_CLAIMS, name, &count) != JWG_OK)
        return false;
    for (size_t i = 0; i < count; i++) {
        if (jwg_result_strings_at(r, JWG_PART_CLAIMS, name, i, &s, &n) == JWG_OK &&
            tok_word_is_admin(s, n))
            return true;
    }
    return false;
}

/* Kubernetes service-account tokens: the legacy issuer, the subject form, or projected-token claims. */
static bool is_service_account(const jwg_result *r)
{
    static const char prefix[] = "system:serviceaccount:";
    const char *s;
    size_t n;

    if (jwg_result_string(r, JWG_PART_CLAIMS, "iss", &s, &n) == JWG_OK &&
        strcmp(s, "kubernetes/serviceaccount") == 0)
        return true;
    if (jwg_result_string(r, JWG_PART_CLAIMS, "sub", &s, &n) == JWG_OK &&
        n > sizeof(prefix) - 1 && memcmp(s, prefix, sizeof(prefix) - 1) == 0)
        return true;
    return jwg_result_raw(r, JWG_PART_CLAIMS, "kubernetes.io", &s, &n) == JWG_OK;
}

static void read_privilege(const jwg_result *r, tok_info *out)
{
    int flag;

    if (is_service_account(r)) {
        out->privilege = TOK_PRIV_SERVICE_ACCOUNT;
        out->privilege_claim = "sub";
        return;
    }
    for (size_t i = 0; i < sizeof(role_claims) / sizeof(role_claims[0]); i++) {
        if (claim_admin(r, role_claims[i])) {
            out->privilege = TOK_PRIV_ADMIN;
            out->privilege_claim = role_claims[i];
            return;
        }
    }
    for (size_t i = 0; i < sizeof(admin_flags) / sizeof(admin_flags[0]); i++) {
        if (jwg_result_bool(r, JWG_PART_CLAIMS, admin_flags[i], &flag) == JWG_OK && flag) {
            out->privilege = TOK_PRIV_ADMIN;
            out->privilege_claim = admin_flags[i];
            return;
        }
    }
}

/* "exp" is a NumericDate (RFC 7519 4.1.4), which may have a fraction. */
static void read_expiry(const jwg_result *r, int64_t now, tok_info *out)
{
    int64_t exp;
    double d;

    if (jwg_result_int(r, JWG_PART_CLAIMS, "exp", &exp) != JWG_OK) {
        /* The range check also rejects NaN; rounding down without libm's floor(). */
        if (jwg_result_number(r, JWG_PART_CLAIMS, "exp", &d) != JWG_OK ||
            !(d < 9.2e18 && d > -9.2e18))
            return;
        exp = (int64_t)d;
        if ((double)exp > d)
            exp--;
    }
    out->exp = exp;
    out->expiry = exp > now ? TOK_EXP_LIVE : TOK_EXP_EXPIRED;
}

/* Copies the printable ASCII of the header "alg", so a message never carries control bytes. */
static void read_alg(const jwg_result *r, tok_info *out)
{
    const char *s;
    size_t n;
    size_t k = 0;

    if (jwg_result_string(r, JWG_PART_HEADER, "alg", &s, &n) != JWG_OK)
        return;
    for (size_t i = 0; i < n && k + 1 < sizeof(out->alg); i++)
        out->alg[k++] = s[i] >= 0x21 && s[i] <= 0x7e ? s[i] : '?';
    out->alg[k] = '\0';
    out->unsigned_token = equal_nocase(s, n, "none");
}

static bool classify_jws(const uint8_t *token, size_t len, int64_t now, tok_info *out)
{
    jwg_result *r = NULL;
    bool ok = false;

    if (jwg_decode_unverified((const char *)token, len, &r) != JWG_OK)
        goto out;

    read_alg(r, out);
    if (token[len - 1] == '.')
        out->unsigned_token = true;
    read_expiry(r, now, out);
    read_privilege(r, out);
    ok = true;

out:
    jwg_result_free(r);
    return ok;
}

/* A JWE's claims are encrypted; its header must be a JSON object with "enc" (RFC 7516 4.1.2). */
static bool classify_jwe(const uint8_t *token, size_t len, tok_info *out)
{
    const uint8_t *dot = memchr(token, '.', len);
    uint8_t header[JWE_HEADER_MAX];
    jwg_json_node nodes[JWE_HEADER_NODES];
    jwg_json_doc doc;
    size_t header_len;
    size_t alg;

    if (dot == NULL ||
        jwg_b64url_decode((const char *)token, (size_t)(dot - token), header, sizeof(header),
                          &header_len) != JWG_OK)
        return false;
    if (jwg_json_parse(header, header_len, nodes, JWE_HEADER_NODES, JWG_MAX_JSON_DEPTH, &doc) !=
            JWG_OK ||
        nodes[0].type != JWG_JSON_OBJECT || jwg_json_find(&doc, 0, "enc") == 0)
        return false;

    alg = jwg_json_find(&doc, 0, "alg");
    if (alg != 0 && nodes[alg].type == JWG_JSON_STRING) {
        size_t n = 0;

        if (jwg_json_string_copy(&doc, alg, out->alg, sizeof(out->alg), &n) != JWG_OK)
            out->alg[0] = '\0';
        for (size_t i = 0; i < n && out->alg[0] != '\0'; i++) {
            if (out->alg[i] < 0x21 || out->alg[i] > 0x7e)
                out->alg[i] = '?';
        }
    }
    out->expiry = TOK_EXP_UNKNOWN;
    return true;
}

bool tok_classify(const uint8_t *token, size_t len, jwt_span_kind kind, int64_t now,
                  tok_info *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = kind;
    if (token == NULL || len == 0)
        return false;
    if (kind == JWT_SPAN_JWE)
        return classify_jwe(token, len, out);
    return classify_jws(token, len, now, out);
}
