/*
 * policy_lint.c: `jwtguard policy lint`. The rules read the YAML tree, not
 * the strict loader's result, so that a file the loader rejects for a
 * policy reason ("none" allowed, a loose secret file) still gets a finding
 * with its line; the loader's own error is added when no rule flagged that
 * line. No key file is read and no command is run, only stat() of secret
 * files and the length of environment variables.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../lib/keys_internal.h"
#include "../lib/policy_file_internal.h"
#include "policy_cmds.h"

/* Largest leeway and max_lifetime that lint accepts without a warning, in seconds. */
#define LINT_MAX_LEEWAY 300
#define LINT_MAX_LIFETIME 86400

struct lint_ctx {
    const char *path;
    struct policy_report *r;
    size_t first; /* index of this file's first finding */
};

static const jwg_ynode *map_get(const jwg_ynode *map, const char *key)
{
    if (map == NULL || map->type != JWG_Y_MAPPING)
        return NULL;
    for (size_t i = 0; i + 1 < map->count; i += 2) {
        if (strcmp(map->kids[i]->text, key) == 0)
            return map->kids[i + 1];
    }
    return NULL;
}

static bool is_scalar(const jwg_ynode *n, const char *text)
{
    return n != NULL && n->type == JWG_Y_SCALAR && strcmp(n->text, text) == 0;
}

/* Parses a duration as the schema does: whole seconds, or a number with s, m, h or d. */
static bool lint_duration(const jwg_ynode *n, int64_t *out)
{
    static const struct { char unit; int64_t factor; } units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
    int64_t factor = 1, v = 0;
    size_t len;

    if (n == NULL || n->type != JWG_Y_SCALAR || n->len == 0)
        return false;
    len = n->len;
    for (size_t i = 0; i < CLI_ARRAY_LEN(units); i++) {
        if (n->text[len - 1] == units[i].unit) {
            factor = units[i].factor;
            len--;
        }
    }
    if (len == 0 || len > 12)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (n->text[i] < '0' || n->text[i] > '9')
            return false;
        v = v * 10 + (n->text[i] - '0');
    }
    *out = v * factor;
    return true;
}

/* Returns the algorithm bits of an issuer's `algorithms` list; *none is set when "none" is listed. */
static uint32_t issuer_algs(const jwg_ynode *list, bool *none, size_t *none_line)
{
    uint32_t algs = 0;
    jwg_alg_id id;

    *none = false;
    if (list == NULL || list->type != JWG_Y_SEQUENCE)
        return 0;
    for (size_t i = 0; i < list->count; i++) {
        const jwg_ynode *a = list->kids[i];
        if (a->type != JWG_Y_SCALAR)
            continue;
        if (strcasecmp(a->text, "none") == 0) {
            *none = true;
            *none_line = a->line;
        } else if (jwg_alg_from_name(a->text, a->len, &id) == JWG_OK) {
            algs |= JWG_ALG_BIT(id);
        }
    }
    return algs;
}

static void rule_algorithms(struct lint_ctx *c, const jwg_ynode *iss, const char *name, uint32_t *algs)
{
    const jwg_ynode *list = map_get(iss, "algorithms");
    size_t none_line = 0;
    bool none;

    *algs = issuer_algs(list, &none, &none_line);
    if (none)
        policy_add(c->r, "alg-none", true, c->path, none_line,
                   "issuer %s allows \"none\", so unsigned tokens pass (RFC 8725 3.1): remove it", name);
    if ((*algs & JWG_ALGS_HS) != 0 && (*algs & ~JWG_ALGS_HS) != 0)
        policy_add(c->r, "alg-mixed", true, c->path, list->line,
                   "issuer %s allows HMAC and public-key algorithms, which invites algorithm "
                   "confusion (RFC 8725 2.1): keep one family per issuer",
                   name);
}

static void rule_required(struct lint_ctx *c, const jwg_ynode *iss, const char *name)
{
    const jwg_ynode *aud = map_get(iss, "audiences");
    const jwg_ynode *req_aud = map_get(iss, "require_aud");
    const jwg_ynode *req_exp = map_get(iss, "require_exp");

    if (is_scalar(req_aud, "false"))
        policy_add(c->r, "aud-not-required", true, c->path, req_aud->line,
                   "issuer %s does not check \"aud\", so tokens for other services pass: "
                   "remove require_aud: false and list the audiences",
                   name);
    else if (aud == NULL)
        policy_add(c->r, "aud-not-required", true, c->path, iss->line,
                   "issuer %s lists no audiences: add audiences: [YOUR-API]", name);
    if (is_scalar(req_exp, "false"))
        policy_add(c->r, "exp-not-required", true, c->path, req_exp->line,
                   "issuer %s accepts tokens without \"exp\", which never expire: remove require_exp: false",
                   name);
}

static void rule_times(struct lint_ctx *c, const jwg_ynode *iss, const char *name)
{
    const jwg_ynode *leeway = map_get(iss, "leeway");
    const jwg_ynode *life = map_get(iss, "max_lifetime");
    int64_t v;

    if (lint_duration(leeway, &v) && v > LINT_MAX_LEEWAY)
        policy_add(c->r, "leeway-too-long", false, c->path, leeway->line,
                   "issuer %s has leeway %s, over 5 minutes, so expired tokens pass that long: "
                   "set leeway: 60s or less once clocks are synchronized",
                   name, leeway->text);
    if (life == NULL)
        policy_add(c->r, "lifetime-unbounded", false, c->path, iss->line,
                   "issuer %s sets no max_lifetime, so a token may be valid for years: add max_lifetime: 1h",
                   name);
    else if (lint_duration(life, &v) && v > LINT_MAX_LIFETIME)
        policy_add(c->r, "lifetime-too-long", false, c->path, life->line,
                   "issuer %s has max_lifetime %s, over 24 hours: use short-lived tokens "
                   "(1h) and refresh them",
                   name, life->text);
}

/* Returns the hash length that an HMAC secret of this source needs (RFC 7518 3.2), 0 when none. */
static size_t needed_secret_len(const jwg_ynode *src, uint32_t algs)
{
    const jwg_ynode *alg = map_get(src, "alg");
    jwg_alg_id id;
    size_t need = 0;

    if (alg != NULL && alg->type == JWG_Y_SCALAR && jwg_alg_from_name(alg->text, alg->len, &id) == JWG_OK)
        algs = JWG_ALG_BIT(id);
    for (id = JWG_ALG_HS256; id <= JWG_ALG_HS512; id++) {
        if ((algs & JWG_ALG_BIT(id)) != 0 && jwg_alg_hash_len(id) > need)
            need = jwg_alg_hash_len(id);
    }
    return need;
}

/* Resolves a key path against the policy file's folder, as the loader does. */
static char *resolve(const char *policy_path, const char *path)
{
    const char *slash = strrchr(policy_path, '/');
    size_t dir_len = slash == NULL ? 0 : (size_t)(slash - policy_path) + 1;
    char *out;

    if (path[0] == '/' || dir_len == 0)
        return strdup(path);
    out = malloc(dir_len + strlen(path) + 1);
    if (out != NULL) {
        memcpy(out, policy_path, dir_len);
        strcpy(out + dir_len, path);
    }
    return out;
}

/* Checks a hmac_secret_file's mode and size; *len is set when the file could be read by stat(). */
static void rule_secret_file(struct lint_ctx *c, const jwg_ynode *n, size_t *len, bool *known)
{
    char *path = resolve(c->path, n->text);
    struct stat st;

    if (path == NULL)
        abort();
    if (stat(path, &st) != 0) {
        policy_add(c->r, "secret-file-missing", true, c->path, n->line,
                   "secret file %s cannot be read: create it with mode 600", n->text);
    } else if (!S_ISREG(st.st_mode)) {
        policy_add(c->r, "secret-file-not-regular", true, c->path, n->line,
                   "secret file %s is not a regular file (a FIFO, device or folder), and the loader "
                   "rejects it: point the key source at a regular file of mode 600", n->text);
    } else {
        *len = (size_t)st.st_size;
        *known = true;
        if ((st.st_mode & 077) != 0)
            policy_add(c->r, "secret-file-mode", true, c->path, n->line,
                       "secret file %s has mode %04o, which gives group or others access, and the "
                       "loader rejects it: run chmod 600 %s",
                       n->text, (unsigned)(st.st_mode & 07777), path);
    }
    free(path);
}

/* Sets *len to the decoded length of an env key source's secret, when the variable is set. */
static void env_secret_len(const jwg_ynode *src, const jwg_ynode *n, size_t *len, bool *known)
{
    const char *value = getenv(n->text);
    size_t v;

    if (value == NULL || value[0] == '\0')
        return;
    v = strlen(value);
    if (v > 0 && value[v - 1] == '\n')
        v--;
    *len = is_scalar(map_get(src, "encoding"), "base64url") ? v * 3 / 4 : v;
    *known = true;
}

static void rule_url(struct lint_ctx *c, const jwg_ynode *n)
{
    if (n == NULL || n->type != JWG_Y_SCALAR || strncasecmp(n->text, "http://", 7) != 0)
        return;
    policy_add(c->r, "jwks-plain-http", true, c->path, n->line,
               "key source %s uses plain HTTP, so anyone on the path can replace the keys: use https://",
               n->text);
}

static void rule_sources(struct lint_ctx *c, const jwg_ynode *iss, const char *name, uint32_t algs)
{
    const jwg_ynode *keys = map_get(iss, "keys");

    if (keys == NULL || keys->type != JWG_Y_SEQUENCE)
        return;
    for (size_t i = 0; i < keys->count; i++) {
        const jwg_ynode *src = keys->kids[i];
        const jwg_ynode *file = map_get(src, "hmac_secret_file");
        const jwg_ynode *env = map_get(src, "env");
        size_t len = 0, need = needed_secret_len(src, algs);
        bool known = false;

        rule_url(c, map_get(src, "jwks_url"));
        rule_url(c, map_get(src, "oidc_issuer"));
        if (file != NULL && file->type == JWG_Y_SCALAR)
            rule_secret_file(c, file, &len, &known);
        else if (env != NULL && env->type == JWG_Y_SCALAR)
            env_secret_len(src, env, &len, &known);
        if (known && need > 0 && len < need)
            policy_add(c->r, "hmac-secret-short", true, c->path, src->line,
                       "issuer %s has an HMAC secret of %zu bytes, shorter than the %zu-byte hash "
                       "(RFC 7518 3.2): use at least %zu random bytes",
                       name, len, need, need);
    }
}

static void lint_issuer(struct lint_ctx *c, const jwg_ynode *iss)
{
    const jwg_ynode *name_node = map_get(iss, "issuer");
    const char *name = "(unnamed)";
    uint32_t algs;

    if (iss->type != JWG_Y_MAPPING)
        return;
    if (name_node == NULL || name_node->type != JWG_Y_SCALAR || name_node->len == 0)
        policy_add(c->r, "iss-not-required", true, c->path, iss->line,
                   "an issuer has no issuer: name, so \"iss\" is not checked: add issuer: URL");
    else
        name = name_node->text;
    rule_algorithms(c, iss, name, &algs);
    rule_required(c, iss, name);
    rule_times(c, iss, name);
    rule_sources(c, iss, name, algs);
}

/* Adds the strict loader's error unless a rule already flagged the same line. */
static void add_load_error(struct lint_ctx *c, const char *detail)
{
    const char *p = strstr(detail, c->path);
    size_t line = 0;

    if (p != NULL && p[strlen(c->path)] == ':')
        line = (size_t)strtoul(p + strlen(c->path) + 1, NULL, 10);
    for (size_t i = c->first; i < c->r->count; i++) {
        if (c->r->items[i].error && line != 0 && c->r->items[i].line == line)
            return;
    }
    policy_add(c->r, "policy-invalid", true, c->path, line, "the loader rejects this file: %s", detail);
}

void policy_lint_file(const char *path, struct policy_report *r)
{
    struct lint_ctx c = {path, r, r->count};
    char detail[JWG_DETAIL_MAX] = "";
    jwg_policy_file *pf = NULL;
    jwg_ynode *root = NULL;
    const jwg_ynode *issuers;
    char *buf = NULL;
    size_t len = 0;

    if (!cli_read_file(path, JWG_POLICY_FILE_MAX, "a policy file is at most 1 MiB", &buf, &len)) {
        r->unreadable = true;
        return;
    }
    if (jwg_yaml_parse(buf, len, path, &root, detail, sizeof(detail)) != JWG_OK) {
        cli_error_detail("policy file is not valid YAML", path, "fix the syntax", detail);
        r->unreadable = true;
        goto out;
    }
    issuers = map_get(root, "issuers");
    for (size_t i = 0; issuers != NULL && issuers->type == JWG_Y_SEQUENCE && i < issuers->count; i++)
        lint_issuer(&c, issuers->kids[i]);
    if (jwg_policy_file_parse(buf, len, path, &pf, detail, sizeof(detail)) != JWG_OK)
        add_load_error(&c, detail);

out:
    jwg_policy_file_free(pf);
    jwg_yaml_free(root);
    cli_buf_free(buf, len);
}
