/*
 * policy_schema.c: checks a policy file's YAML tree against the schema of
 * docs/POLICY.md and builds the issuers' policies and key source lists.
 * Every error names FILE:LINE:COLUMN and the key. Nothing here opens a key
 * file or runs a command.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_file_internal.h"

/* Maximum entries of any list or mapping in a policy file. */
#define JWG_POLICY_MAX_ITEMS 64u

/* Maximum duration a policy file accepts: ten years, in seconds. */
#define JWG_POLICY_MAX_DURATION (INT64_C(10) * 366 * 86400)

typedef struct schema_ctx {
    const char *file;
    const char *dir;
    char *detail;
    size_t detail_len;
} schema_ctx;

/* One key of a mapping in the schema; `type` 0 accepts a scalar, a sequence or a mapping. */
typedef struct field {
    const char *name;
    bool required;
    jwg_ynode_type type;
} field;

static jwg_err bad(const schema_ctx *c, const jwg_ynode *at, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static jwg_err bad(const schema_ctx *c, const jwg_ynode *at, const char *key, const char *fmt, ...)
{
    char message[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    jwg_detail_set(c->detail, c->detail_len, "%s:%zu:%zu: %s: %s", c->file, at->line, at->column, key,
                   message);
    return JWG_ERR_POLICY_INVALID;
}

static const char *type_name(jwg_ynode_type type)
{
    switch (type) {
    case JWG_Y_SCALAR: return "a single value";
    case JWG_Y_SEQUENCE: return "a list";
    default: return "a mapping";
    }
}

/* Names of keys that would put a secret inline. Their error message names the key sources to use instead. */
static bool is_inline_secret(const char *name)
{
    static const char *const names[] = {"secret", "hmac_secret", "k", "key", "password", "private_key"};
    for (size_t i = 0; i < JWG_ARRAY_LEN(names); i++) {
        if (strcmp(name, names[i]) == 0)
            return true;
    }
    return false;
}

/*
 * Matches the keys of mapping `map` to `fields`: vals[i] gets the value of
 * fields[i] or NULL. Unknown keys, wrong node types and missing required
 * keys are errors.
 */
static jwg_err map_fields(const schema_ctx *c, const jwg_ynode *map, const char *what, const field *fields,
                          size_t n, const jwg_ynode **vals)
{
    if (map->type != JWG_Y_MAPPING)
        return bad(c, map, what, "must be a mapping, not %s", type_name(map->type));
    memset(vals, 0, n * sizeof(*vals));

    for (size_t k = 0; k < map->count; k += 2) {
        const jwg_ynode *key = map->kids[k];
        const jwg_ynode *val = map->kids[k + 1];
        size_t i = 0;
        while (i < n && strcmp(fields[i].name, key->text) != 0)
            i++;

        if (strlen(key->text) != key->len)
            return bad(c, key, what, "a key must not contain a NUL character");
        if (i == n && is_inline_secret(key->text))
            return bad(c, key, key->text, "secrets never appear in a policy file: use a key source "
                                          "(hmac_secret_file, env or exec)");
        if (i == n)
            return bad(c, key, key->text, "unknown key in %s", what);
        if (fields[i].type != 0 && val->type != fields[i].type)
            return bad(c, val, key->text, "must be %s, not %s", type_name(fields[i].type), type_name(val->type));
        vals[i] = val;
    }

    for (size_t i = 0; i < n; i++) {
        if (fields[i].required && vals[i] == NULL)
            return bad(c, map, fields[i].name, "required key is missing in %s", what);
    }
    return JWG_OK;
}

/* ---- scalars ----------------------------------------------------------- */

/* Returns true when a plain scalar is YAML's null ("", "~", "null"). */
static bool is_null(const jwg_ynode *n)
{
    return n->plain && (n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0);
}

static jwg_err get_string(const schema_ctx *c, const jwg_ynode *n, const char *key, const char **out)
{
    if (n->type != JWG_Y_SCALAR)
        return bad(c, n, key, "must be a string, not %s", type_name(n->type));
    if (is_null(n) || n->len == 0)
        return bad(c, n, key, "must be a non-empty string");
    if (strlen(n->text) != n->len)
        return bad(c, n, key, "must not contain a NUL character");
    *out = n->text;
    return JWG_OK;
}

static jwg_err dup_string(const schema_ctx *c, const jwg_ynode *n, const char *key, char **out)
{
    const char *s;
    JWG_TRY(get_string(c, n, key, &s));
    *out = jwg_strdup(s);
    JWG_ENSURE(*out != NULL, JWG_ERR_NOMEM);
    return JWG_OK;
}

/* Reads an unquoted decimal integer of at most 12 digits, so that no later arithmetic overflows. */
static bool parse_digits(const jwg_ynode *n, size_t skip_suffix, int64_t *out)
{
    size_t len = n->len - skip_suffix;
    if (!n->plain || len == 0 || len > 12)
        return false;

    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (n->text[i] < '0' || n->text[i] > '9')
            return false;
        v = v * 10 + (n->text[i] - '0');
    }
    *out = v;
    return true;
}

static jwg_err get_int(const schema_ctx *c, const jwg_ynode *n, const char *key, int64_t min, int64_t max,
                       int64_t *out)
{
    int64_t v;
    if (n->type != JWG_Y_SCALAR || !parse_digits(n, 0, &v))
        return bad(c, n, key, "must be an unquoted whole number");
    if (v < min || v > max)
        return bad(c, n, key, "must be between %lld and %lld", (long long)min, (long long)max);
    *out = v;
    return JWG_OK;
}

/* Reads seconds: a whole number, or a number with a unit s, m, h or d ("90", "5m", "24h"). */
static jwg_err get_duration(const schema_ctx *c, const jwg_ynode *n, const char *key, int64_t max,
                            int64_t *out)
{
    int64_t v;
    int64_t unit = 1;

    char last = n->type == JWG_Y_SCALAR && n->len > 1 ? n->text[n->len - 1] : '\0';
    if (last != '\0' && strchr("smhd", last) != NULL) {
        static const int64_t units[] = {['s'] = 1, ['m'] = 60, ['h'] = 3600, ['d'] = 86400};
        unit = units[(unsigned char)last];
        bool ok = parse_digits(&(jwg_ynode){.text = n->text, .len = n->len, .plain = true}, 1, &v);
        if (!ok)
            return bad(c, n, key, "must be whole seconds or a number with a unit s, m, h or d (\"5m\")");
    } else if (n->type != JWG_Y_SCALAR || !parse_digits(n, 0, &v)) {
        return bad(c, n, key, "must be whole seconds or a number with a unit s, m, h or d (\"5m\")");
    }

    if (v > max / unit)
        return bad(c, n, key, "must be at most %lld seconds", (long long)max);
    *out = v * unit;
    return JWG_OK;
}

static jwg_err get_bool(const schema_ctx *c, const jwg_ynode *n, const char *key, bool *out)
{
    if (n->type == JWG_Y_SCALAR && n->plain && strcmp(n->text, "true") == 0)
        *out = true;
    else if (n->type == JWG_Y_SCALAR && n->plain && strcmp(n->text, "false") == 0)
        *out = false;
    else
        return bad(c, n, key, "must be true or false");
    return JWG_OK;
}

/* Checks a list of non-empty strings, 1..JWG_POLICY_MAX_ITEMS long. */
static jwg_err check_string_list(const schema_ctx *c, const jwg_ynode *n, const char *key)
{
    if (n->type != JWG_Y_SEQUENCE)
        return bad(c, n, key, "must be a list, not %s", type_name(n->type));
    if (n->count == 0 || n->count > JWG_POLICY_MAX_ITEMS)
        return bad(c, n, key, "must list between 1 and %u values", JWG_POLICY_MAX_ITEMS);

    const char *s;
    for (size_t i = 0; i < n->count; i++)
        JWG_TRY(get_string(c, n->kids[i], key, &s));
    return JWG_OK;
}

/* Adds each string of list `n` with `add`; a rejected value is reported at its own position. */
static jwg_err add_each(const schema_ctx *c, const jwg_ynode *n, const char *key, jwg_policy *p,
                        jwg_err (*add)(jwg_policy *, const char *), const char *rule)
{
    JWG_TRY(check_string_list(c, n, key));
    for (size_t i = 0; i < n->count; i++) {
        jwg_err rc = add(p, n->kids[i]->text);
        if (rc == JWG_ERR_INVALID_ARGUMENT)
            return bad(c, n->kids[i], key, "\"%s\" is not %s", n->kids[i]->text, rule);
        JWG_TRY(rc);
    }
    return JWG_OK;
}

static jwg_err list_dup(const schema_ctx *c, const jwg_ynode *n, const char *key, jwg_str_list *out)
{
    JWG_TRY(check_string_list(c, n, key));
    for (size_t i = 0; i < n->count; i++)
        JWG_TRY(jwg_str_list_add(out, n->kids[i]->text, n->kids[i]->len));
    return JWG_OK;
}

/* ---- key sources ------------------------------------------------------- */

enum { KS_FILE, KS_HMAC_FILE, KS_ENV, KS_EXEC, KS_JWKS_URL, KS_OIDC, KS_FORMAT, KS_ENCODING, KS_ALG, KS_KID,
       KS_TIMEOUT, KS_MAX_OUTPUT, KS_CA_FILE, KS_MAX_BYTES, KS_CACHE_MIN, KS_CACHE_MAX, KS_REFETCH,
       KS_MAX_STALE, KS_HTTP_LOOPBACK, KS_FIELDS };

static const field key_fields[KS_FIELDS] = {
    [KS_FILE] = {"file", false, JWG_Y_SCALAR},        [KS_HMAC_FILE] = {"hmac_secret_file", false, JWG_Y_SCALAR},
    [KS_ENV] = {"env", false, JWG_Y_SCALAR},          [KS_EXEC] = {"exec", false, JWG_Y_SEQUENCE},
    [KS_JWKS_URL] = {"jwks_url", false, JWG_Y_SCALAR}, [KS_OIDC] = {"oidc_issuer", false, JWG_Y_SCALAR},
    [KS_FORMAT] = {"format", false, JWG_Y_SCALAR},    [KS_ENCODING] = {"encoding", false, JWG_Y_SCALAR},
    [KS_ALG] = {"alg", false, JWG_Y_SCALAR},          [KS_KID] = {"kid", false, JWG_Y_SCALAR},
    [KS_TIMEOUT] = {"timeout", false, JWG_Y_SCALAR},  [KS_MAX_OUTPUT] = {"max_output", false, JWG_Y_SCALAR},
    [KS_CA_FILE] = {"ca_file", false, JWG_Y_SCALAR},  [KS_MAX_BYTES] = {"max_bytes", false, JWG_Y_SCALAR},
    [KS_CACHE_MIN] = {"cache_min", false, JWG_Y_SCALAR}, [KS_CACHE_MAX] = {"cache_max", false, JWG_Y_SCALAR},
    [KS_REFETCH] = {"refetch_interval", false, JWG_Y_SCALAR},
    [KS_MAX_STALE] = {"max_stale", false, JWG_Y_SCALAR},
    [KS_HTTP_LOOPBACK] = {"allow_http_loopback", false, JWG_Y_SCALAR},
};

/* Bounds of a URL source's options: a fetch within 5 minutes and 16 MiB, caching within a week. */
#define JWG_URL_TIMEOUT_MAX 300
#define JWG_URL_BYTES_MAX (16 * 1024 * 1024)
#define JWG_URL_CACHE_MAX (7 * 86400)

static const struct {
    const char *name;
    jwg_key_format format;
} format_names[] = {{"pem_public", JWG_KF_PEM_PUBLIC}, {"pem_cert", JWG_KF_PEM_CERT},
                    {"jwk", JWG_KF_JWK},               {"jwks", JWG_KF_JWKS},
                    {"hmac_raw", JWG_KF_HMAC_RAW},     {"hmac_base64url", JWG_KF_HMAC_BASE64URL}};

/* Reads "format"; `file_only` limits it to the formats a key file may have. */
static jwg_err get_format(const schema_ctx *c, const jwg_ynode *n, bool file_only, jwg_key_format *out)
{
    const char *s;
    JWG_TRY(get_string(c, n, "format", &s));

    size_t count = file_only ? 4 : JWG_ARRAY_LEN(format_names);
    for (size_t i = 0; i < count; i++) {
        if (strcmp(s, format_names[i].name) == 0) {
            *out = format_names[i].format;
            return JWG_OK;
        }
    }
    if (file_only)
        return bad(c, n, "format", "must be pem_public, pem_cert, jwk or jwks (use hmac_secret_file "
                                   "for a secret)");
    return bad(c, n, "format", "must be pem_public, pem_cert, jwk, jwks, hmac_raw or hmac_base64url");
}

static jwg_err resolve_path(const schema_ctx *c, const char *path, char **out)
{
    if (path[0] == '/') {
        *out = jwg_strdup(path);
    } else {
        size_t len = strlen(c->dir) + 1 + strlen(path) + 1;
        *out = malloc(len);
        if (*out != NULL)
            snprintf(*out, len, "%s/%s", c->dir, path);
    }
    JWG_ENSURE(*out != NULL, JWG_ERR_NOMEM);
    return JWG_OK;
}

/* Picks the source kind: exactly one of file, hmac_secret_file, env, exec, jwks_url and oidc_issuer. */
static jwg_err source_kind(const schema_ctx *c, const jwg_ynode *map, const jwg_ynode **v, size_t *kind)
{
    size_t found = 0;
    for (size_t i = KS_FILE; i <= KS_OIDC; i++) {
        if (v[i] != NULL) {
            *kind = i;
            found++;
        }
    }
    if (found != 1)
        return bad(c, map, "keys", "each key source needs exactly one of file, hmac_secret_file, env, "
                                   "exec, jwks_url and oidc_issuer");
    return JWG_OK;
}

/* Rejects a key that the source kind does not use. */
static jwg_err only_fields(const schema_ctx *c, const jwg_ynode **v, size_t kind, const unsigned allowed)
{
    for (size_t i = KS_FORMAT; i < KS_FIELDS; i++) {
        if (v[i] != NULL && (allowed & (1u << i)) == 0)
            return bad(c, v[i], key_fields[i].name, "is not used by a %s key source", key_fields[kind].name);
    }
    return JWG_OK;
}

static jwg_err source_exec(const schema_ctx *c, const jwg_ynode **v, jwg_key_source *ks)
{
    const jwg_ynode *argv = v[KS_EXEC];
    if (argv->count == 0 || argv->count >= JWG_EXEC_MAX_ARGS)
        return bad(c, argv, "exec", "must list the program and its arguments (1 to %u values)",
                   JWG_EXEC_MAX_ARGS - 1);

    ks->argv = calloc(argv->count + 1, sizeof(*ks->argv));
    JWG_ENSURE(ks->argv != NULL, JWG_ERR_NOMEM);
    for (size_t i = 0; i < argv->count; i++) {
        ks->argc++;
        JWG_TRY(dup_string(c, argv->kids[i], "exec", &ks->argv[i]));
    }

    /* A program named by a relative path is found from the policy file's folder, like key files. */
    if (strchr(ks->argv[0], '/') != NULL && ks->argv[0][0] != '/') {
        char *resolved;
        JWG_TRY(resolve_path(c, ks->argv[0], &resolved));
        free(ks->argv[0]);
        ks->argv[0] = resolved;
    }

    int64_t seconds = JWG_EXEC_TIMEOUT_DEFAULT_MS / 1000;
    int64_t max_output = JWG_EXEC_OUTPUT_DEFAULT;
    if (v[KS_TIMEOUT] != NULL)
        JWG_TRY(get_duration(c, v[KS_TIMEOUT], "timeout", JWG_EXEC_TIMEOUT_MAX_MS / 1000, &seconds));
    if (seconds == 0)
        return bad(c, v[KS_TIMEOUT], "timeout", "must be at least 1 second");
    if (v[KS_MAX_OUTPUT] != NULL)
        JWG_TRY(get_int(c, v[KS_MAX_OUTPUT], "max_output", 1, JWG_EXEC_OUTPUT_MAX, &max_output));
    ks->timeout_ms = seconds * 1000;
    ks->max_output = (size_t)max_output;
    return get_format(c, v[KS_FORMAT], false, &ks->format);
}

static jwg_err source_env(const schema_ctx *c, const jwg_ynode **v, jwg_key_source *ks)
{
    JWG_TRY(dup_string(c, v[KS_ENV], "env", &ks->env));

    const char *encoding;
    JWG_TRY(get_string(c, v[KS_ENCODING], "encoding", &encoding));
    if (strcmp(encoding, "base64url") == 0)
        ks->format = JWG_KF_HMAC_BASE64URL;
    else if (strcmp(encoding, "raw") == 0)
        ks->format = JWG_KF_HMAC_RAW;
    else
        return bad(c, v[KS_ENCODING], "encoding", "must be base64url or raw");
    return JWG_OK;
}

#define BIT(i) (1u << (i))

/* Reads an optional duration of a URL source into `*out`, which keeps its default when absent. */
static jwg_err url_duration(const schema_ctx *c, const jwg_ynode **v, size_t i, int64_t max, int64_t *out)
{
    if (v[i] == NULL)
        return JWG_OK;
    return get_duration(c, v[i], key_fields[i].name, max, out);
}

static jwg_err url_limits(const schema_ctx *c, const jwg_ynode **v, jwg_jwks_source_options *o)
{
    int64_t timeout = o->total_timeout_ms / 1000;
    JWG_TRY(url_duration(c, v, KS_TIMEOUT, JWG_URL_TIMEOUT_MAX, &timeout));
    if (timeout == 0)
        return bad(c, v[KS_TIMEOUT], "timeout", "must be at least 1 second");
    o->total_timeout_ms = (long)timeout * 1000;
    if (o->connect_timeout_ms > o->total_timeout_ms)
        o->connect_timeout_ms = o->total_timeout_ms;

    if (v[KS_MAX_BYTES] != NULL) {
        int64_t bytes;
        JWG_TRY(get_int(c, v[KS_MAX_BYTES], "max_bytes", 1024, JWG_URL_BYTES_MAX, &bytes));
        o->max_response_bytes = (size_t)bytes;
    }
    if (v[KS_HTTP_LOOPBACK] != NULL)
        JWG_TRY(get_bool(c, v[KS_HTTP_LOOPBACK], "allow_http_loopback", &o->allow_http_loopback));
    return JWG_OK;
}

/* Fills a jwks_url or oidc_issuer source; the URL itself is checked when the keys load. */
static jwg_err source_url(const schema_ctx *c, const jwg_ynode **v, size_t kind, jwg_key_source *ks)
{
    jwg_jwks_source_options *o = &ks->jwks;
    jwg_jwks_source_options_init(o);
    ks->kind = kind == KS_JWKS_URL ? JWG_KS_JWKS_URL : JWG_KS_OIDC;
    JWG_TRY(dup_string(c, v[kind], key_fields[kind].name, &ks->url));
    if (v[KS_CA_FILE] != NULL) {
        const char *ca;
        JWG_TRY(get_string(c, v[KS_CA_FILE], "ca_file", &ca));
        JWG_TRY(resolve_path(c, ca, &ks->ca_file));
    }

    JWG_TRY(url_limits(c, v, o));
    JWG_TRY(url_duration(c, v, KS_CACHE_MIN, JWG_URL_CACHE_MAX, &o->min_cache_s));
    JWG_TRY(url_duration(c, v, KS_CACHE_MAX, JWG_URL_CACHE_MAX, &o->max_cache_s));
    JWG_TRY(url_duration(c, v, KS_REFETCH, JWG_URL_CACHE_MAX, &o->refetch_interval_s));
    JWG_TRY(url_duration(c, v, KS_MAX_STALE, JWG_URL_CACHE_MAX, &o->max_stale_s));
    /* A bound given alone moves the other default rather than contradicting it. */
    if (v[KS_CACHE_MIN] == NULL && o->min_cache_s > o->max_cache_s)
        o->min_cache_s = o->max_cache_s;
    if (v[KS_CACHE_MAX] == NULL && o->max_cache_s < o->min_cache_s)
        o->max_cache_s = o->min_cache_s;
    if (o->min_cache_s > o->max_cache_s)
        return bad(c, v[KS_CACHE_MIN] != NULL ? v[KS_CACHE_MIN] : v[KS_CACHE_MAX], "cache_min",
                   "must not be more than cache_max");
    if (o->default_cache_s < o->min_cache_s || o->default_cache_s > o->max_cache_s)
        o->default_cache_s = o->default_cache_s < o->min_cache_s ? o->min_cache_s : o->max_cache_s;

    if (kind == KS_JWKS_URL)
        o->jwks_url = ks->url;
    else
        o->oidc_issuer = ks->url;
    o->ca_file = ks->ca_file;
    return JWG_OK;
}

/* Fills `ks` from one entry of an issuer's "keys" list. */
static jwg_err parse_source(const schema_ctx *c, const jwg_ynode *map, jwg_key_source *ks)
{
    const jwg_ynode *v[KS_FIELDS];
    size_t kind = 0;

    JWG_TRY(map_fields(c, map, "a key source", key_fields, KS_FIELDS, v));
    JWG_TRY(source_kind(c, map, v, &kind));
    ks->line = map->line;
    ks->column = map->column;

    /* A JWK or JWK set carries its own kid and alg, so only the other formats take them from the file. */
    unsigned bound = BIT(KS_ALG) | BIT(KS_KID);
    switch (kind) {
    case KS_FILE:
        ks->kind = JWG_KS_FILE;
        if (v[KS_FORMAT] == NULL)
            return bad(c, map, "format", "required key is missing: a key file declares its format");
        JWG_TRY(get_format(c, v[KS_FORMAT], true, &ks->format));
        JWG_TRY(only_fields(c, v, kind, BIT(KS_FORMAT) | (ks->format <= JWG_KF_PEM_CERT ? bound : 0)));
        JWG_TRY(resolve_path(c, v[KS_FILE]->text, &ks->path));
        break;
    case KS_HMAC_FILE:
        ks->kind = JWG_KS_HMAC_FILE;
        ks->format = JWG_KF_HMAC_RAW;
        JWG_TRY(only_fields(c, v, kind, bound));
        JWG_TRY(resolve_path(c, v[KS_HMAC_FILE]->text, &ks->path));
        break;
    case KS_ENV:
        ks->kind = JWG_KS_ENV;
        if (v[KS_ENCODING] == NULL)
            return bad(c, map, "encoding", "required key is missing: declare base64url or raw");
        JWG_TRY(only_fields(c, v, kind, bound | BIT(KS_ENCODING)));
        JWG_TRY(source_env(c, v, ks));
        break;
    case KS_JWKS_URL:
    case KS_OIDC:
        JWG_TRY(only_fields(c, v, kind, BIT(KS_CA_FILE) | BIT(KS_TIMEOUT) | BIT(KS_MAX_BYTES) | BIT(KS_CACHE_MIN) |
                                            BIT(KS_CACHE_MAX) | BIT(KS_REFETCH) | BIT(KS_MAX_STALE) |
                                            BIT(KS_HTTP_LOOPBACK)));
        return source_url(c, v, kind, ks);
    default:
        ks->kind = JWG_KS_EXEC;
        if (v[KS_FORMAT] == NULL)
            return bad(c, map, "format", "required key is missing: an exec key source declares its format");
        JWG_TRY(only_fields(c, v, kind, bound | BIT(KS_FORMAT) | BIT(KS_TIMEOUT) | BIT(KS_MAX_OUTPUT)));
        JWG_TRY(source_exec(c, v, ks));
        if (ks->format == JWG_KF_JWK || ks->format == JWG_KF_JWKS)
            JWG_TRY(only_fields(c, v, kind, BIT(KS_FORMAT) | BIT(KS_TIMEOUT) | BIT(KS_MAX_OUTPUT)));
        break;
    }

    if (v[KS_ALG] != NULL)
        JWG_TRY(dup_string(c, v[KS_ALG], "alg", &ks->alg));
    if (v[KS_KID] != NULL)
        JWG_TRY(dup_string(c, v[KS_KID], "kid", &ks->kid));
    return JWG_OK;
}

static bool is_secret_source(const jwg_key_source *ks)
{
    return ks->format == JWG_KF_HMAC_RAW || ks->format == JWG_KF_HMAC_BASE64URL;
}

/*
 * An issuer has at most one URL source, and its other sources then hold
 * public keys only: a fetched set is asymmetric, and one set never mixes
 * secrets with public keys.
 */
static jwg_err check_url_mix(const schema_ctx *c, const jwg_ynode *list, const jwg_pf_issuer *iss)
{
    size_t urls = 0;
    bool secret = false;
    for (size_t i = 0; i < iss->source_count; i++) {
        urls += jwg_key_source_is_url(&iss->sources[i]) ? 1 : 0;
        secret = secret || is_secret_source(&iss->sources[i]);
    }
    if (urls > 1)
        return bad(c, list, "keys", "an issuer may have only one jwks_url or oidc_issuer source");
    if (urls == 1 && secret)
        return bad(c, list, "keys", "a jwks_url or oidc_issuer source may be mixed only with public key "
                                    "sources, not with HMAC secrets");
    return JWG_OK;
}

static jwg_err parse_sources(const schema_ctx *c, const jwg_ynode *list, jwg_pf_issuer *iss)
{
    if (list->count == 0 || list->count > JWG_MAX_KEYS)
        return bad(c, list, "keys", "must list between 1 and %u key sources", JWG_MAX_KEYS);

    iss->sources = calloc(list->count, sizeof(*iss->sources));
    JWG_ENSURE(iss->sources != NULL, JWG_ERR_NOMEM);
    for (size_t i = 0; i < list->count; i++) {
        iss->source_count++;
        JWG_TRY(parse_source(c, list->kids[i], &iss->sources[i]));
    }
    return check_url_mix(c, list, iss);
}

/* ---- claim rules ------------------------------------------------------- */

enum { CL_ANY, CL_ALL, CL_EQUALS, CL_FIELDS };

static const field claim_fields[CL_FIELDS] = {
    [CL_ANY] = {"scope_any_of", false, JWG_Y_SEQUENCE},
    [CL_ALL] = {"scope_all_of", false, JWG_Y_SEQUENCE},
    [CL_EQUALS] = {"equals", false, JWG_Y_MAPPING},
};

/* Writes a YAML scalar as the JSON value it stands for: true, false, an integer, or else a string. */
static jwg_err scalar_json(const jwg_ynode *n, char **out, size_t *out_len)
{
    int64_t ignored;
    bool literal = n->plain && (strcmp(n->text, "true") == 0 || strcmp(n->text, "false") == 0 ||
                                parse_digits(n, 0, &ignored));
    size_t len = literal ? n->len : jwg_json_escape(n->text, n->len, NULL, 0);

    *out = malloc(len + 1);
    JWG_ENSURE(*out != NULL, JWG_ERR_NOMEM);
    if (literal)
        memcpy(*out, n->text, len);
    else
        jwg_json_escape(n->text, n->len, *out, len);
    (*out)[len] = '\0';
    *out_len = len;
    return JWG_OK;
}

static jwg_err parse_equals(const schema_ctx *c, const jwg_ynode *map, jwg_policy *p)
{
    if (map->count == 0 || map->count / 2 > JWG_POLICY_MAX_ITEMS)
        return bad(c, map, "equals", "must map between 1 and %u claim names to values", JWG_POLICY_MAX_ITEMS);

    for (size_t k = 0; k < map->count; k += 2) {
        const jwg_ynode *name = map->kids[k];
        const jwg_ynode *value = map->kids[k + 1];
        const char *ignored;
        JWG_TRY(get_string(c, name, "equals", &ignored));
        if (value->type != JWG_Y_SCALAR || is_null(value))
            return bad(c, value, name->text, "must be a string, a whole number, true or false");

        char *json;
        size_t json_len;
        JWG_TRY(scalar_json(value, &json, &json_len));
        jwg_err rc = jwg_policy_require_claim_equals(p, name->text, json, json_len);
        free(json);
        if (rc == JWG_ERR_INVALID_ARGUMENT)
            return bad(c, value, name->text, "is not a valid claim value (invalid UTF-8?)");
        JWG_TRY(rc);
    }
    return JWG_OK;
}

static jwg_err parse_claims(const schema_ctx *c, const jwg_ynode *map, jwg_policy *p)
{
    const jwg_ynode *v[CL_FIELDS];
    JWG_TRY(map_fields(c, map, "claims", claim_fields, CL_FIELDS, v));

    const char *rule = "a scope (a non-empty value without spaces)";
    if (v[CL_ANY] != NULL)
        JWG_TRY(add_each(c, v[CL_ANY], "scope_any_of", p, jwg_policy_require_scope_any, rule));
    if (v[CL_ALL] != NULL)
        JWG_TRY(add_each(c, v[CL_ALL], "scope_all_of", p, jwg_policy_require_scope_all, rule));
    if (v[CL_EQUALS] != NULL)
        JWG_TRY(parse_equals(c, v[CL_EQUALS], p));
    return JWG_OK;
}

/* ---- issuers ----------------------------------------------------------- */

enum { IS_ISSUER, IS_AUDIENCES, IS_ALGORITHMS, IS_KEYS, IS_LEEWAY, IS_MAX_LIFETIME, IS_MAX_AGE, IS_REQUIRED,
       IS_TYP, IS_CLAIMS, IS_REQUIRE_EXP, IS_REQUIRE_AUD, IS_FIELDS };

static const field issuer_fields[IS_FIELDS] = {
    [IS_ISSUER] = {"issuer", true, JWG_Y_SCALAR},
    [IS_AUDIENCES] = {"audiences", false, JWG_Y_SEQUENCE},
    [IS_ALGORITHMS] = {"algorithms", true, JWG_Y_SEQUENCE},
    [IS_KEYS] = {"keys", true, JWG_Y_SEQUENCE},
    [IS_LEEWAY] = {"leeway", false, JWG_Y_SCALAR},
    [IS_MAX_LIFETIME] = {"max_lifetime", false, JWG_Y_SCALAR},
    [IS_MAX_AGE] = {"max_age", false, JWG_Y_SCALAR},
    [IS_REQUIRED] = {"required_claims", false, JWG_Y_SEQUENCE},
    [IS_TYP] = {"typ", false, JWG_Y_SCALAR},
    [IS_CLAIMS] = {"claims", false, JWG_Y_MAPPING},
    [IS_REQUIRE_EXP] = {"require_exp", false, JWG_Y_SCALAR},
    [IS_REQUIRE_AUD] = {"require_aud", false, JWG_Y_SCALAR},
};

/* Applies require_exp and require_aud; audiences are required unless the aud check is dropped. */
static jwg_err parse_drops(const schema_ctx *c, const jwg_ynode *map, const jwg_ynode **v, jwg_policy *p)
{
    bool exp = true;
    bool aud = true;

    if (v[IS_REQUIRE_EXP] != NULL)
        JWG_TRY(get_bool(c, v[IS_REQUIRE_EXP], "require_exp", &exp));
    if (v[IS_REQUIRE_AUD] != NULL)
        JWG_TRY(get_bool(c, v[IS_REQUIRE_AUD], "require_aud", &aud));

    if (!exp)
        JWG_TRY(jwg_policy_drop_check(p, JWG_CHECK_EXP));
    if (!aud && v[IS_AUDIENCES] != NULL)
        return bad(c, v[IS_AUDIENCES], "audiences", "cannot be combined with require_aud: false");
    if (!aud)
        return jwg_policy_drop_check(p, JWG_CHECK_AUD);
    if (v[IS_AUDIENCES] == NULL)
        return bad(c, map, "audiences", "required key is missing (or set require_aud: false)");
    return add_each(c, v[IS_AUDIENCES], "audiences", p, jwg_policy_add_audience, "an audience");
}

static jwg_err parse_limits(const schema_ctx *c, const jwg_ynode **v, jwg_policy *p)
{
    int64_t seconds;

    if (v[IS_LEEWAY] != NULL) {
        JWG_TRY(get_duration(c, v[IS_LEEWAY], "leeway", 86400, &seconds));
        JWG_TRY(jwg_policy_set_leeway(p, seconds));
    }
    if (v[IS_MAX_LIFETIME] != NULL) {
        JWG_TRY(get_duration(c, v[IS_MAX_LIFETIME], "max_lifetime", JWG_POLICY_MAX_DURATION, &seconds));
        JWG_TRY(jwg_policy_set_max_lifetime(p, seconds));
    }
    if (v[IS_MAX_AGE] != NULL) {
        JWG_TRY(get_duration(c, v[IS_MAX_AGE], "max_age", JWG_POLICY_MAX_DURATION, &seconds));
        JWG_TRY(jwg_policy_set_max_age(p, seconds));
    }
    return JWG_OK;
}

static jwg_err parse_issuer(const schema_ctx *c, const jwg_ynode *map, jwg_pf_issuer *iss)
{
    const jwg_ynode *v[IS_FIELDS];
    JWG_TRY(map_fields(c, map, "an issuer", issuer_fields, IS_FIELDS, v));

    iss->line = map->line;
    iss->column = map->column;
    JWG_TRY(dup_string(c, v[IS_ISSUER], "issuer", &iss->name));
    JWG_TRY(jwg_policy_new(&iss->policy));
    jwg_policy *p = iss->policy;
    JWG_TRY(jwg_policy_add_issuer(p, iss->name));

    JWG_TRY(add_each(c, v[IS_ALGORITHMS], "algorithms", p, jwg_policy_add_alg,
                     "an algorithm this library implements (\"none\" is never allowed)"));
    JWG_TRY(parse_drops(c, map, v, p));
    JWG_TRY(parse_limits(c, v, p));
    if (v[IS_REQUIRED] != NULL)
        JWG_TRY(add_each(c, v[IS_REQUIRED], "required_claims", p, jwg_policy_require_claim, "a claim name"));
    if (v[IS_TYP] != NULL) {
        const char *typ;
        JWG_TRY(get_string(c, v[IS_TYP], "typ", &typ));
        if (jwg_policy_set_typ(p, typ) != JWG_OK)
            return bad(c, v[IS_TYP], "typ", "must be a media type such as JWT or at+jwt");
    }
    if (v[IS_CLAIMS] != NULL)
        JWG_TRY(parse_claims(c, v[IS_CLAIMS], p));
    return parse_sources(c, v[IS_KEYS], iss);
}

static jwg_err parse_issuers(const schema_ctx *c, const jwg_ynode *list, jwg_policy_file *pf)
{
    if (list->count == 0 || list->count > JWG_POLICY_MAX_ITEMS)
        return bad(c, list, "issuers", "must list between 1 and %u issuers", JWG_POLICY_MAX_ITEMS);

    pf->issuers = calloc(list->count, sizeof(*pf->issuers));
    JWG_ENSURE(pf->issuers != NULL, JWG_ERR_NOMEM);
    for (size_t i = 0; i < list->count; i++) {
        pf->issuer_count++;
        JWG_TRY(parse_issuer(c, list->kids[i], &pf->issuers[i]));
        for (size_t j = 0; j < i; j++) {
            if (strcmp(pf->issuers[j].name, pf->issuers[i].name) == 0)
                return bad(c, list->kids[i], "issuer", "\"%s\" is already declared at line %zu",
                           pf->issuers[i].name, pf->issuers[j].line);
        }
    }
    return JWG_OK;
}

/* ---- token, routes, identity headers ----------------------------------- */

/* Returns true for a non-empty RFC 7230 3.2.6 token (header, cookie and parameter names). */
static bool is_token(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        if (!alnum && strchr("!#$%&'*+-.^_`|~", ch) == NULL)
            return false;
    }
    return true;
}

/* Returns true when every byte of `s` is printable ASCII (0x20..0x7e). */
static bool is_printable_ascii(const char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    }
    return true;
}

enum { TK_MAX_BYTES, TK_FROM, TK_FIELDS };

static const field token_fields[TK_FIELDS] = {
    [TK_MAX_BYTES] = {"max_bytes", false, JWG_Y_SCALAR},
    [TK_FROM] = {"from", false, JWG_Y_SCALAR},
};

/* Reads "from": "bearer", "cookie NAME" or "query NAME". */
static jwg_err parse_from(const schema_ctx *c, const jwg_ynode *n, jwg_policy_file *pf)
{
    const char *s;
    JWG_TRY(get_string(c, n, "from", &s));
    if (strcmp(s, "bearer") == 0)
        return JWG_OK;

    const char *name = NULL;
    if (strncmp(s, "cookie ", 7) == 0) {
        pf->token_from = JWG_TOKEN_FROM_COOKIE;
        name = s + 7;
    } else if (strncmp(s, "query ", 6) == 0) {
        pf->token_from = JWG_TOKEN_FROM_QUERY;
        name = s + 6;
    }
    if (name == NULL || !is_token(name))
        return bad(c, n, "from", "must be bearer, cookie NAME or query NAME");

    pf->token_name = jwg_strdup(name);
    JWG_ENSURE(pf->token_name != NULL, JWG_ERR_NOMEM);
    return JWG_OK;
}

static jwg_err parse_token(const schema_ctx *c, const jwg_ynode *map, jwg_policy_file *pf)
{
    const jwg_ynode *v[TK_FIELDS];
    JWG_TRY(map_fields(c, map, "token", token_fields, TK_FIELDS, v));

    if (v[TK_MAX_BYTES] != NULL) {
        int64_t bytes;
        JWG_TRY(get_int(c, v[TK_MAX_BYTES], "max_bytes", 1, JWG_MAX_TOKEN_BYTES_LIMIT, &bytes));
        pf->max_token_bytes = (size_t)bytes;
    }
    if (v[TK_FROM] != NULL)
        JWG_TRY(parse_from(c, v[TK_FROM], pf));
    return JWG_OK;
}

enum { RT_METHOD, RT_PREFIX, RT_ANY, RT_ALL, RT_REQUIRED, RT_FIELDS };

static const field route_fields[RT_FIELDS] = {
    [RT_METHOD] = {"method", true, JWG_Y_SCALAR},
    [RT_PREFIX] = {"path_prefix", true, JWG_Y_SCALAR},
    [RT_ANY] = {"scope_any_of", false, JWG_Y_SEQUENCE},
    [RT_ALL] = {"scope_all_of", false, JWG_Y_SEQUENCE},
    [RT_REQUIRED] = {"required_claims", false, JWG_Y_SEQUENCE},
};

static jwg_err parse_route(const schema_ctx *c, const jwg_ynode *map, jwg_pf_route *rt)
{
    static const char *const methods[] = {"*", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    const jwg_ynode *v[RT_FIELDS];
    JWG_TRY(map_fields(c, map, "a route", route_fields, RT_FIELDS, v));

    JWG_TRY(dup_string(c, v[RT_METHOD], "method", &rt->method));
    size_t i = 0;
    while (i < JWG_ARRAY_LEN(methods) && strcmp(methods[i], rt->method) != 0)
        i++;
    if (i == JWG_ARRAY_LEN(methods))
        return bad(c, v[RT_METHOD], "method", "must be *, GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS");

    JWG_TRY(dup_string(c, v[RT_PREFIX], "path_prefix", &rt->path_prefix));
    if (rt->path_prefix[0] != '/')
        return bad(c, v[RT_PREFIX], "path_prefix", "must start with /");

    if (v[RT_ANY] != NULL)
        JWG_TRY(list_dup(c, v[RT_ANY], "scope_any_of", &rt->scope_any));
    if (v[RT_ALL] != NULL)
        JWG_TRY(list_dup(c, v[RT_ALL], "scope_all_of", &rt->scope_all));
    if (v[RT_REQUIRED] != NULL)
        JWG_TRY(list_dup(c, v[RT_REQUIRED], "required_claims", &rt->required));
    return JWG_OK;
}

static jwg_err parse_routes(const schema_ctx *c, const jwg_ynode *list, jwg_policy_file *pf)
{
    if (list->count > JWG_POLICY_MAX_ITEMS)
        return bad(c, list, "routes", "must list at most %u routes", JWG_POLICY_MAX_ITEMS);
    if (list->count == 0)
        return JWG_OK;

    pf->routes = calloc(list->count, sizeof(*pf->routes));
    JWG_ENSURE(pf->routes != NULL, JWG_ERR_NOMEM);
    for (size_t i = 0; i < list->count; i++) {
        pf->route_count++;
        JWG_TRY(parse_route(c, list->kids[i], &pf->routes[i]));
    }
    return JWG_OK;
}

static jwg_err parse_headers(const schema_ctx *c, const jwg_ynode *map, jwg_policy_file *pf)
{
    size_t count = map->count / 2;
    if (count > JWG_POLICY_MAX_ITEMS)
        return bad(c, map, "identity_headers", "must map at most %u claims", JWG_POLICY_MAX_ITEMS);
    if (count == 0)
        return JWG_OK;

    pf->headers = calloc(count, sizeof(*pf->headers));
    JWG_ENSURE(pf->headers != NULL, JWG_ERR_NOMEM);
    for (size_t i = 0; i < count; i++) {
        jwg_pf_header *h = &pf->headers[i];
        pf->header_count++;
        JWG_TRY(dup_string(c, map->kids[2 * i], "identity_headers", &h->claim));
        JWG_TRY(dup_string(c, map->kids[2 * i + 1], h->claim, &h->header));
        if (!is_token(h->header))
            return bad(c, map->kids[2 * i + 1], h->claim, "must be an HTTP header name");
    }
    return JWG_OK;
}

/* ---- gateway ----------------------------------------------------------- */

/* Defaults of the "gateway" section, documented in docs/POLICY.md. */
#define JWG_GW_CACHE_ENTRIES_DEFAULT 100000u
#define JWG_GW_CACHE_ENTRIES_MAX 10000000
#define JWG_GW_CACHE_TTL_DEFAULT 300
#define JWG_GW_ANOMALY_WINDOW_DEFAULT 3600
/* The gateway state tracks 16 distinct values per token and dimension, so a larger limit could never be exceeded. */
#define JWG_GW_ANOMALY_LIMIT_MAX 15
/* Longest Redis key prefix, as `jwtguard revoke --prefix` and the gateway state accept. */
#define JWG_GW_REDIS_PREFIX_MAX 64u

enum { GC_MAX_ENTRIES, GC_MAX_TTL, GC_FIELDS };

static const field gateway_cache_fields[GC_FIELDS] = {
    [GC_MAX_ENTRIES] = {"max_entries", false, JWG_Y_SCALAR},
    [GC_MAX_TTL] = {"max_ttl", false, JWG_Y_SCALAR},
};

enum { GA_WINDOW, GA_REGIONS, GA_SERVICES, GA_NETWORKS, GA_ACTION, GA_FIELDS };

static const field gateway_anomaly_fields[GA_FIELDS] = {
    [GA_WINDOW] = {"window", false, JWG_Y_SCALAR},
    [GA_REGIONS] = {"max_regions", false, JWG_Y_SCALAR},
    [GA_SERVICES] = {"max_services", false, JWG_Y_SCALAR},
    [GA_NETWORKS] = {"max_networks", false, JWG_Y_SCALAR},
    [GA_ACTION] = {"action", false, JWG_Y_SCALAR},
};

enum {
    GW_REALM,
    GW_UNMATCHED,
    GW_CLIENT_HEADER,
    GW_REGION_HEADER,
    GW_SERVICE_HEADER,
    GW_SECRET_HEADER,
    GW_CACHE,
    GW_REVOCATION,
    GW_ANOMALY,
    GW_REDIS_PREFIX,
    GW_FIELDS
};

static const field gateway_fields[GW_FIELDS] = {
    [GW_REALM] = {"realm", false, JWG_Y_SCALAR},
    [GW_UNMATCHED] = {"unmatched_routes", false, JWG_Y_SCALAR},
    [GW_CLIENT_HEADER] = {"client_address_header", false, JWG_Y_SCALAR},
    [GW_REGION_HEADER] = {"region_header", false, JWG_Y_SCALAR},
    [GW_SERVICE_HEADER] = {"service_header", false, JWG_Y_SCALAR},
    [GW_SECRET_HEADER] = {"shared_secret_header", false, JWG_Y_SCALAR},
    [GW_CACHE] = {"cache", false, JWG_Y_MAPPING},
    [GW_REVOCATION] = {"revocation_unavailable", false, JWG_Y_SCALAR},
    [GW_ANOMALY] = {"anomaly", false, JWG_Y_MAPPING},
    [GW_REDIS_PREFIX] = {"redis_prefix", false, JWG_Y_SCALAR},
};

/* Reads a scalar that must be one of two words; `*second` is true for the second. */
static jwg_err get_choice(const schema_ctx *c, const jwg_ynode *n, const char *key, const char *first,
                          const char *second, bool *is_second)
{
    const char *s;
    JWG_TRY(get_string(c, n, key, &s));
    if (strcmp(s, first) != 0 && strcmp(s, second) != 0)
        return bad(c, n, key, "must be %s or %s", first, second);
    *is_second = strcmp(s, second) == 0;
    return JWG_OK;
}

/* Copies an optional header name; NULL leaves `*out` unset. */
static jwg_err header_name(const schema_ctx *c, const jwg_ynode *n, const char *key, char **out)
{
    if (n == NULL)
        return JWG_OK;
    JWG_TRY(dup_string(c, n, key, out));
    if (!is_token(*out))
        return bad(c, n, key, "must be an HTTP header name");
    return JWG_OK;
}

static jwg_err parse_gateway_cache(const schema_ctx *c, const jwg_ynode *map, jwg_pf_gateway *gw)
{
    const jwg_ynode *v[GC_FIELDS];
    int64_t n;

    JWG_TRY(map_fields(c, map, "cache", gateway_cache_fields, GC_FIELDS, v));
    if (v[GC_MAX_ENTRIES] != NULL) {
        JWG_TRY(get_int(c, v[GC_MAX_ENTRIES], "max_entries", 0, JWG_GW_CACHE_ENTRIES_MAX, &n));
        gw->cache_max_entries = (size_t)n;
    }
    if (v[GC_MAX_TTL] != NULL) {
        JWG_TRY(get_duration(c, v[GC_MAX_TTL], "max_ttl", 86400, &gw->cache_max_ttl));
        if (gw->cache_max_ttl == 0)
            return bad(c, v[GC_MAX_TTL], "max_ttl", "must be at least 1 second (max_entries: 0 turns the cache off)");
    }
    return JWG_OK;
}

static jwg_err anomaly_limit(const schema_ctx *c, const jwg_ynode *n, const char *key, uint32_t *out)
{
    int64_t v;
    if (n == NULL)
        return JWG_OK;
    JWG_TRY(get_int(c, n, key, 0, JWG_GW_ANOMALY_LIMIT_MAX, &v));
    *out = (uint32_t)v;
    return JWG_OK;
}

static jwg_err parse_gateway_anomaly(const schema_ctx *c, const jwg_ynode *map, jwg_pf_gateway *gw)
{
    const jwg_ynode *v[GA_FIELDS];

    JWG_TRY(map_fields(c, map, "anomaly", gateway_anomaly_fields, GA_FIELDS, v));
    if (v[GA_WINDOW] != NULL) {
        JWG_TRY(get_duration(c, v[GA_WINDOW], "window", 7 * 86400, &gw->anomaly_window));
        if (gw->anomaly_window == 0)
            return bad(c, v[GA_WINDOW], "window", "must be at least 1 second");
    }
    JWG_TRY(anomaly_limit(c, v[GA_REGIONS], "max_regions", &gw->anomaly_max_regions));
    JWG_TRY(anomaly_limit(c, v[GA_SERVICES], "max_services", &gw->anomaly_max_services));
    JWG_TRY(anomaly_limit(c, v[GA_NETWORKS], "max_networks", &gw->anomaly_max_networks));
    if (v[GA_ACTION] != NULL)
        JWG_TRY(get_choice(c, v[GA_ACTION], "action", "alert", "deny", &gw->anomaly_deny));
    return JWG_OK;
}

/*
 * Copies the Redis key prefix. The characters are those that mean nothing
 * in SCAN MATCH patterns or Redis Cluster hash tags, the same rule as
 * `jwtguard revoke --prefix` and the service's state apply.
 */
static jwg_err redis_prefix(const schema_ctx *c, const jwg_ynode *n, char **out)
{
    static const char allowed[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-";
    JWG_TRY(dup_string(c, n, "redis_prefix", out));
    size_t len = strlen(*out);
    if (len == 0 || len > JWG_GW_REDIS_PREFIX_MAX || strspn(*out, allowed) != len)
        return bad(c, n, "redis_prefix", "must be 1 to %u characters of A-Z a-z 0-9 _ . : -",
                   (unsigned)JWG_GW_REDIS_PREFIX_MAX);
    return JWG_OK;
}

static jwg_err parse_gateway(const schema_ctx *c, const jwg_ynode *map, jwg_pf_gateway *gw)
{
    const jwg_ynode *v[GW_FIELDS];

    JWG_TRY(map_fields(c, map, "gateway", gateway_fields, GW_FIELDS, v));
    if (v[GW_REALM] != NULL) {
        JWG_TRY(dup_string(c, v[GW_REALM], "realm", &gw->realm));
        /* The realm is sent inside a quoted-string (RFC 6750 3, RFC 7230 3.2.6). */
        if (strpbrk(gw->realm, "\"\\") != NULL || !is_printable_ascii(gw->realm))
            return bad(c, v[GW_REALM], "realm", "must be printable ASCII without \" or \\");
    }
    if (v[GW_UNMATCHED] != NULL)
        JWG_TRY(get_choice(c, v[GW_UNMATCHED], "unmatched_routes", "deny", "allow", &gw->unmatched_allow));
    JWG_TRY(header_name(c, v[GW_CLIENT_HEADER], "client_address_header", &gw->client_address_header));
    JWG_TRY(header_name(c, v[GW_REGION_HEADER], "region_header", &gw->region_header));
    JWG_TRY(header_name(c, v[GW_SERVICE_HEADER], "service_header", &gw->service_header));
    JWG_TRY(header_name(c, v[GW_SECRET_HEADER], "shared_secret_header", &gw->shared_secret_header));
    if (v[GW_CACHE] != NULL)
        JWG_TRY(parse_gateway_cache(c, v[GW_CACHE], gw));
    if (v[GW_REVOCATION] != NULL)
        JWG_TRY(get_choice(c, v[GW_REVOCATION], "revocation_unavailable", "fail_closed", "fail_open",
                           &gw->revocation_fail_open));
    if (v[GW_ANOMALY] != NULL)
        JWG_TRY(parse_gateway_anomaly(c, v[GW_ANOMALY], gw));
    if (v[GW_REDIS_PREFIX] != NULL)
        JWG_TRY(redis_prefix(c, v[GW_REDIS_PREFIX], &gw->redis_prefix));
    return JWG_OK;
}

/* ---- the file ---------------------------------------------------------- */

enum {
    TOP_VERSION,
    TOP_ENVIRONMENT,
    TOP_SERVICE,
    TOP_ISSUERS,
    TOP_TOKEN,
    TOP_ROUTES,
    TOP_HEADERS,
    TOP_GATEWAY,
    TOP_FIELDS
};

static const field top_fields[TOP_FIELDS] = {
    [TOP_VERSION] = {"version", true, JWG_Y_SCALAR},
    [TOP_ENVIRONMENT] = {"environment", true, JWG_Y_SCALAR},
    [TOP_SERVICE] = {"service", true, JWG_Y_SCALAR},
    [TOP_ISSUERS] = {"issuers", true, JWG_Y_SEQUENCE},
    [TOP_TOKEN] = {"token", false, JWG_Y_MAPPING},
    [TOP_ROUTES] = {"routes", false, JWG_Y_SEQUENCE},
    [TOP_HEADERS] = {"identity_headers", false, JWG_Y_MAPPING},
    [TOP_GATEWAY] = {"gateway", false, JWG_Y_MAPPING},
};

/* Builds `pf` from the tree; `pf` owns whatever was built when this fails. */
static jwg_err schema_apply(const schema_ctx *c, const jwg_ynode *root, jwg_policy_file *pf)
{
    const jwg_ynode *v[TOP_FIELDS];
    int64_t version;

    JWG_TRY(map_fields(c, root, "the policy file", top_fields, TOP_FIELDS, v));
    JWG_TRY(get_int(c, v[TOP_VERSION], "version", 1, 1, &version));
    JWG_TRY(dup_string(c, v[TOP_ENVIRONMENT], "environment", &pf->environment));
    JWG_TRY(dup_string(c, v[TOP_SERVICE], "service", &pf->service));
    if (v[TOP_TOKEN] != NULL)
        JWG_TRY(parse_token(c, v[TOP_TOKEN], pf));
    JWG_TRY(parse_issuers(c, v[TOP_ISSUERS], pf));
    if (v[TOP_ROUTES] != NULL)
        JWG_TRY(parse_routes(c, v[TOP_ROUTES], pf));
    if (v[TOP_HEADERS] != NULL)
        JWG_TRY(parse_headers(c, v[TOP_HEADERS], pf));
    if (v[TOP_GATEWAY] != NULL)
        JWG_TRY(parse_gateway(c, v[TOP_GATEWAY], &pf->gateway));

    for (size_t i = 0; i < pf->issuer_count; i++)
        JWG_TRY(jwg_policy_set_max_token_bytes(pf->issuers[i].policy, pf->max_token_bytes));
    return JWG_OK;
}

/* Returns the folder part of `path`, "." when it has none. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return jwg_strdup(".");
    if (slash == path)
        return jwg_strdup("/");

    size_t len = (size_t)(slash - path);
    char *dir = malloc(len + 1);
    if (dir != NULL) {
        memcpy(dir, path, len);
        dir[len] = '\0';
    }
    return dir;
}

jwg_err jwg_policy_file_parse(const char *buf, size_t len, const char *path, jwg_policy_file **out,
                              char *detail, size_t detail_len)
{
    jwg_ynode *root = NULL;
    jwg_err rc;

    *out = NULL;
    jwg_policy_file *pf = calloc(1, sizeof(*pf));
    JWG_ENSURE(pf != NULL, JWG_ERR_NOMEM);
    pf->max_token_bytes = JWG_DEFAULT_MAX_TOKEN_BYTES;
    pf->gateway.cache_max_entries = JWG_GW_CACHE_ENTRIES_DEFAULT;
    pf->gateway.cache_max_ttl = JWG_GW_CACHE_TTL_DEFAULT;
    pf->gateway.anomaly_window = JWG_GW_ANOMALY_WINDOW_DEFAULT;
    pf->path = jwg_strdup(path);
    pf->dir = folder_of(path);
    if (pf->path == NULL || pf->dir == NULL) {
        rc = JWG_ERR_NOMEM;
        goto out;
    }

    JWG_TRY_GOTO(jwg_yaml_parse(buf, len, path, &root, detail, detail_len), rc, out);
    schema_ctx c = {.file = path, .dir = pf->dir, .detail = detail, .detail_len = detail_len};
    JWG_TRY_GOTO(schema_apply(&c, root, pf), rc, out);
    *out = pf;

out:
    jwg_yaml_free(root);
    if (rc != JWG_OK)
        jwg_policy_file_free(pf);
    return rc;
}
