/*
 * det_secrets.c: signing secrets and keys (JG2xx) and the cross-file
 * rules (JG3xx): the rule catalog, the shared reporting step, and the
 * detector for config files (.env, YAML, JSON, properties, INI, TOML,
 * shell, Dockerfile, Jenkinsfile), Kubernetes Secrets and CI files.
 * Code literals are in sec_code.c, keys in sec_keys.c, the cross-file
 * rules in sec_cross.c.
 */
#include <stdio.h>
#include <string.h>

#include <hs.h>
#include <openssl/crypto.h>

#include "scan/sec_det.h"
#include "scan/sec_text.h"

const scan_rule sec_rules[SEC_RULE_COUNT] = {
    {"JG201", "HardcodedSigningSecret", "A JWT signing secret is written in a config file.",
     "Anyone who can read this file can sign tokens the service accepts. Remove the value, "
     "rotate the secret, and inject it at run time from a secret manager or the deployment "
     "environment (JWT_SECRET=${JWT_SECRET}).",
     SCAN_SEV_HIGH, "8.5", "CWE-798"},
    {"JG202", "SigningSecretInKubernetesSecret",
     "A JWT signing secret is committed in a Kubernetes Secret manifest.",
     "The data: values of a Secret are only base64-encoded, not encrypted, so the committed "
     "manifest discloses the secret. Rotate it and commit a SealedSecret, an ExternalSecret or "
     "a SOPS-encrypted file instead.",
     SCAN_SEV_HIGH, "8.5", "CWE-798"},
    {"JG203", "HardcodedSecretInCode", "A JWT signing key is a string literal in code.",
     "The literal is passed as the key of a sign or verify call, or assigned to a name that "
     "means a signing secret (JWT_SECRET, SECRET_KEY, express-jwt's secret option). A key "
     "written in code is in every copy of the repository and every build. Rotate it and read "
     "the key from configuration injected at run time (environment, secret manager).",
     SCAN_SEV_HIGH, "8.0", "CWE-798"},
    {"JG204", "WeakSigningSecret",
     "A JWT signing secret is a known default, low in entropy or shorter than 32 bytes.",
     "HMAC secrets are cracked offline from a single token: defaults and dictionary words in "
     "seconds, short human-chosen values in hours. RFC 7518 3.2 requires a key at least as "
     "long as the hash (32 bytes for HS256). Generate one with `openssl rand -base64 48`, "
     "store it in a secret manager and rotate the old one.",
     SCAN_SEV_HIGH, "9.0", "CWE-521"},
    {"JG205", "PrivateKeyCommitted", "A PEM private key is committed.",
     "Whoever reads the repository can sign tokens as this key's owner. Rotate the key pair, "
     "remove the file from history, and keep signing keys in a KMS, an HSM or a mounted secret. "
     "Encrypted keys are reported at a lower severity.",
     SCAN_SEV_HIGH, "9.3", "CWE-321"},
    {"JG206", "PrivateJwkCommitted",
     "A private JWK (\"d\" of an RSA, EC or OKP key, or \"k\" of an oct key) is committed.",
     "A JWK with its private part lets anyone sign tokens. Publish only the public members "
     "(kty, n, e, crv, x, y) in a JWKS and keep the private key in a KMS or secret store; "
     "rotate this one.",
     SCAN_SEV_HIGH, "9.3", "CWE-321"},
    {"JG207", "LiteralSecretInCiFile",
     "A CI pipeline file sets a JWT signing secret to a literal value.",
     "Pipeline files are readable by everyone with repository access and end up in logs. "
     "Reference a protected CI secret instead: ${{ secrets.JWT_SECRET }} in GitHub Actions, "
     "a masked CI/CD variable ($JWT_SECRET) in GitLab, credentials() in Jenkins.",
     SCAN_SEV_HIGH, "8.5", "CWE-798"},
    {"JG208", "SigningSecretInLog", "A JWT signing secret is printed in a log or in CI output.",
     "Logs are kept, shipped and read by many more people than the secret store. A line such "
     "as JWT_SECRET=... comes from an env dump, set -x or a debug print. Rotate the secret, "
     "remove the print, and let the CI system mask secrets (GitHub Actions masks values from "
     "secrets.*, GitLab masks masked variables).",
     SCAN_SEV_HIGH, "7.5", "CWE-532"},
    {"JG301", "SecretReusedAcrossEnvironments",
     "The same JWT signing secret is used in two environments.",
     "A token minted in one environment is accepted in the other, so a leak from dev or "
     "staging opens production. Issue a distinct secret per environment from the secret "
     "manager. Critical when production shares its secret with another environment.",
     SCAN_SEV_CRITICAL, "9.0", "CWE-321"},
    {"JG302", "TokenForgeableWithFoundSecret",
     "A leaked HS* token verifies with a signing secret found in the same scan.",
     "The signature was checked offline: the secret at the related location signs tokens "
     "that the service accepts, so anyone with the repository can forge any claims. Rotate "
     "the secret, move it out of the repository and stop logging tokens.",
     SCAN_SEV_CRITICAL, "9.6", "CWE-321"},
    {"JG303", "TokenForgeableWithWeakSecret",
     "A leaked HS* token verifies with a well-known default secret.",
     "The signature was checked offline against jwtguard's list of default and dictionary "
     "secrets, and one of them matches: anyone can forge tokens for this service. Rotate to "
     "a random secret of at least 32 bytes.",
     SCAN_SEV_CRITICAL, "9.8", "CWE-521"},
};

int sec_file_severity(const scan_file *f, scan_severity severity)
{
    if ((f->flags & SCAN_FILE_TEST) && severity > SCAN_SEV_LOW)
        return SCAN_SEV_LOW;
    return (int)severity;
}

static int weak_severity(sec_weakness w)
{
    return w == SEC_WEAK_SHORT ? SCAN_SEV_HIGH : SCAN_SEV_CRITICAL;
}

void sec_report_secret(scan_ctx *ctx, const scan_file *f, sec_rule_index rule, size_t offset,
                       size_t len, const char *context, const uint8_t *value, size_t value_len,
                       const char *where)
{
    sec_weakness weak = sec_weakness_of(value, value_len);
    char message[256];
    scan_finding finding = {0};

    finding.offset = offset;
    finding.len = len;
    finding.value = value;
    finding.value_len = value_len;
    finding.message = message;
    if (weak != SEC_WEAK_NONE) {
        finding.rule = &sec_rules[SEC_JG204];
        snprintf(message, sizeof(message), "weak JWT signing secret (%s) in %s: %s", context, where,
                 sec_weakness_phrase(weak));
        finding.severity = (f->flags & SCAN_FILE_TEST) ? SCAN_SEV_LOW : weak_severity(weak);
    } else {
        finding.rule = &sec_rules[rule];
        snprintf(message, sizeof(message),
                 rule == SEC_JG208 ? "JWT signing secret (%s) printed in %s"
                                   : "hard-coded JWT signing secret (%s) in %s",
                 context, where);
        finding.severity = sec_file_severity(f, finding.rule->severity);
    }
    scan_report(ctx, f, &finding);
    scan_note_add(ctx, SCAN_NOTE_SECRET, f, offset, context, value, value_len);
}

/* ---- config files ---------------------------------------------------- */

/*
 * Bounds on the work per match: the lines of a parent block evaluated, and
 * the bytes read around a line for its parent keys or its Kubernetes kind.
 * Parent keys further up are not seen.
 */
#define SEC_BLOCK_LINES 512u
#define SEC_ANCESTOR_BYTES (16u * 1024u)
#define SEC_CONTEXT_MAX 192u

typedef struct sec_line {
    size_t start, end; /* offsets in the file; end at '\n' or the file end */
    sec_assign a;      /* spans relative to start */
    bool ok;
} sec_line;

static void read_line(const scan_file *f, size_t pos, sec_line *l)
{
    l->start = sec_line_start(f->data, f->len, pos);
    l->end = sec_line_end(f->data, f->len, pos);
    l->ok = sec_parse_assign(f->data + l->start, l->end - l->start, &l->a);
}

/*
 * Reads the line that ends just before `pos` (which starts a line) into
 * `l`. Returns false at `floor` or the file start, so a long line before
 * `pos` costs at most pos - floor bytes.
 */
static bool read_prev_line(const scan_file *f, size_t pos, size_t floor, sec_line *l)
{
    size_t start = pos - 1;

    if (pos <= floor)
        return false;
    while (start > floor && f->data[start - 1] != '\n')
        start--;
    if (start == floor && start > 0 && f->data[start - 1] != '\n')
        return false;
    l->start = start;
    l->end = pos - 1;
    l->ok = sec_parse_assign(f->data + start, l->end - start, &l->a);
    return true;
}

static bool blank_or_comment(const scan_file *f, const sec_line *l)
{
    size_t i = l->start;

    while (i < l->end && (f->data[i] == ' ' || f->data[i] == '\t' || f->data[i] == '\r'))
        i++;
    return i == l->end || f->data[i] == '#';
}

/* Prepends a key to the dotted context ("jwt" then "auth" gives "auth.jwt"). */
static void context_prepend(char *context, const uint8_t *key, size_t key_len)
{
    char joined[SEC_CONTEXT_MAX];
    size_t have = strlen(context);

    if (key_len + 1 + have + 1 > sizeof(joined))
        return;
    memcpy(joined, key, key_len);
    joined[key_len] = '\0';
    if (have > 0) {
        joined[key_len] = '.';
        memcpy(joined + key_len + 1, context, have + 1);
    }
    memcpy(context, joined, strlen(joined) + 1);
}

/* For properties, INI and TOML: the "[section]" above the line, if any. */
static void section_context(const scan_file *f, const sec_line *l, char *context)
{
    size_t pos = l->start;
    size_t floor = pos > SEC_ANCESTOR_BYTES ? pos - SEC_ANCESTOR_BYTES : 0;
    sec_line prev;

    while (read_prev_line(f, pos, floor, &prev)) {
        if (prev.ok && prev.a.opens_block && f->data[prev.start + prev.a.indent] == '[') {
            context_prepend(context, f->data + prev.start + prev.a.key, prev.a.key_len);
            return;
        }
        pos = prev.start;
    }
}

/* For YAML and indented JSON: the keys of the lines that enclose this one, by indentation. */
static void indent_context(const scan_file *f, const sec_line *l, char *context)
{
    size_t indent = l->a.indent;
    size_t pos = l->start;
    size_t floor = pos > SEC_ANCESTOR_BYTES ? pos - SEC_ANCESTOR_BYTES : 0;
    sec_line prev;

    while (indent > 0 && read_prev_line(f, pos, floor, &prev)) {
        pos = prev.start;
        if (blank_or_comment(f, &prev) || !prev.ok || prev.a.indent >= indent)
            continue;
        context_prepend(context, f->data + prev.start + prev.a.key, prev.a.key_len);
        indent = prev.a.indent;
    }
}

static void line_context(const scan_file *f, const sec_line *l, char *context)
{
    context[0] = '\0';
    if (f->lang == SCAN_LANG_PROPERTIES)
        section_context(f, l, context);
    else if (f->lang == SCAN_LANG_YAML || f->lang == SCAN_LANG_JSON)
        indent_context(f, l, context);
}

/* The last dotted component of a context ("metadata.data" gives "data"). */
static const char *context_parent(const char *context)
{
    const char *dot = strrchr(context, '.');

    return dot ? dot + 1 : context;
}

/* True when a line starting at `i` is "---" (a YAML document separator). */
static bool doc_separator_at(const scan_file *f, size_t i)
{
    return f->len - i >= 3 && memcmp(f->data + i, "---", 3) == 0;
}

/* True when a line starting at `i` is "kind: Secret". */
static bool secret_kind_at(const scan_file *f, size_t i)
{
    static const char kind[] = "kind: Secret";
    const size_t n = sizeof(kind) - 1;

    return f->len - i >= n && memcmp(f->data + i, kind, n) == 0 &&
           (f->len - i == n || f->data[i + n] == '\n' || f->data[i + n] == '\r' ||
            f->data[i + n] == ' ');
}

/* True when the YAML document around `pos` (between "---" lines) has "kind: Secret" at indent 0. */
static bool in_kubernetes_secret(const scan_file *f, size_t pos)
{
    size_t lo = pos > SEC_ANCESTOR_BYTES ? pos - SEC_ANCESTOR_BYTES : 0;
    size_t hi = f->len - pos > SEC_ANCESTOR_BYTES ? pos + SEC_ANCESTOR_BYTES : f->len;
    sec_line prev;

    if (secret_kind_at(f, pos))
        return true;
    for (size_t i = pos; read_prev_line(f, i, lo, &prev);) {
        i = prev.start;
        if (secret_kind_at(f, i))
            return true;
        if (doc_separator_at(f, i))
            break;
    }
    for (size_t i = sec_line_end(f->data, hi, pos) + 1; i < hi;) {
        if (secret_kind_at(f, i))
            return true;
        if (doc_separator_at(f, i))
            break;
        i = sec_line_end(f->data, hi, i) + 1;
    }
    return false;
}

/* Returns the name of the place a config value was found, for the message ("a CI file"). */
static const char *place_of(const scan_file *f, sec_rule_index rule)
{
    if (rule == SEC_JG207)
        return "a CI file";
    if (rule == SEC_JG202)
        return "a Kubernetes Secret";
    if (f->flags & SCAN_FILE_HELM)
        return "Helm values";
    return "a config file";
}

/*
 * Reports the value of an assignment whose key names a signing secret.
 * `name` is the key that decided it (the key itself, or the "name:" of a
 * Kubernetes env entry), `v` the line holding the value.
 */
static void report_value(scan_ctx *ctx, const scan_file *f, const char *name, const char *context,
                         const sec_line *v)
{
    const uint8_t *raw = f->data + v->start + v->a.value;
    size_t raw_len = v->a.value_len;
    uint8_t decoded[SEC_VALUE_MAX];
    size_t decoded_len = 0;
    sec_rule_index rule = (f->flags & SCAN_FILE_CI) ? SEC_JG207 : SEC_JG201;
    const char *parent = context_parent(context);

    if (raw_len > SEC_VALUE_MAX || sec_is_placeholder(raw, raw_len))
        return;

    if (f->lang == SCAN_LANG_YAML &&
        (strcmp(parent, "data") == 0 || strcmp(parent, "stringData") == 0) &&
        in_kubernetes_secret(f, v->start)) {
        rule = SEC_JG202;
        if (strcmp(parent, "data") == 0) {
            if (!sec_base64_decode(raw, raw_len, decoded, sizeof(decoded), &decoded_len) ||
                sec_is_placeholder(decoded, decoded_len)) {
                OPENSSL_cleanse(decoded, sizeof(decoded));
                return;
            }
            raw = decoded;
            raw_len = decoded_len;
        }
    }

    sec_report_secret(ctx, f, rule, v->start + v->a.value, v->a.value_len, name, raw, raw_len,
                      place_of(f, rule));
    OPENSSL_cleanse(decoded, sizeof(decoded));
}

static void copy_key(const scan_file *f, const sec_line *l, char *out, size_t cap)
{
    size_t n = l->a.key_len < cap - 1 ? l->a.key_len : cap - 1;

    memcpy(out, f->data + l->start + l->a.key, n);
    out[n] = '\0';
}

static bool key_is(const scan_file *f, const sec_line *l, const char *word)
{
    return l->a.key_len == strlen(word) &&
           memcmp(f->data + l->start + l->a.key, word, l->a.key_len) == 0;
}

/*
 * A Kubernetes container env entry names the variable on one line and
 * sets it on the next: "- name: JWT_SECRET" then "value: ...". Its parent
 * is "env", never a Secret's data, so no context is needed.
 */
static void eval_env_entry(scan_ctx *ctx, const scan_file *f, const sec_line *l)
{
    char name[SEC_CONTEXT_MAX];
    size_t n = l->a.value_len < sizeof(name) - 1 ? l->a.value_len : sizeof(name) - 1;
    sec_line next;

    if (l->end >= f->len)
        return;
    memcpy(name, f->data + l->start + l->a.value, n);
    name[n] = '\0';
    if (!sec_is_secret_name(name, n, "", 0))
        return;

    read_line(f, l->end + 1, &next);
    if (next.ok && !next.a.opens_block && key_is(f, &next, "value"))
        report_value(ctx, f, name, "", &next);
}

/*
 * Evaluates one line of a config file; the line starts at `pos`. The
 * parent keys are read only for a key that is a secret name by itself,
 * because a Kubernetes Secret's data needs them, or for one that could
 * become a secret name under a JWT parent. Reading them costs a walk back
 * through the file.
 */
static void eval_line(scan_ctx *ctx, const scan_file *f, size_t pos)
{
    char context[SEC_CONTEXT_MAX];
    char key[SEC_CONTEXT_MAX];
    size_t key_len;
    sec_line l;

    read_line(f, pos, &l);
    if (!l.ok || l.a.opens_block)
        return;
    if (key_is(f, &l, "name") && f->lang == SCAN_LANG_YAML) {
        eval_env_entry(ctx, f, &l);
        return;
    }

    copy_key(f, &l, key, sizeof(key));
    key_len = strlen(key);
    if (!sec_is_secret_name(key, key_len, "", 0) && !sec_name_wants_context(key, key_len))
        return;
    line_context(f, &l, context);
    if (sec_is_secret_name(key, key_len, context, strlen(context)))
        report_value(ctx, f, key, context, &l);
}

/* True when a block's key shows that its children configure JWTs ("jwt:", "[auth]", "\"token\":
 * {"). */
static bool block_is_jwt_related(const scan_file *f, const sec_line *l)
{
    static const char *const words[] = {"jwt", "jws", "token", "auth", "sign", "hmac"};
    const uint8_t *key = f->data + l->start + l->a.key;

    for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
        size_t n = strlen(words[w]);
        for (size_t i = 0; i + n <= l->a.key_len; i++) {
            bool same = true;
            for (size_t j = 0; j < n && same; j++)
                same = (key[i + j] | 0x20) == words[w][j];
            if (same)
                return true;
        }
    }
    return false;
}

/*
 * Evaluates the lines of a block opened by `open` ("jwt:" in YAML, a
 * "[jwt]" section): children such as "secret:" carry no anchor word of
 * their own. Returns the offset just past the block.
 */
static size_t eval_block(scan_ctx *ctx, const scan_file *f, const sec_line *open)
{
    bool section = f->data[open->start + open->a.indent] == '[';
    size_t pos = open->end + 1;
    sec_line l;

    for (unsigned n = 0; n < SEC_BLOCK_LINES && pos < f->len; n++) {
        read_line(f, pos, &l);
        if (!blank_or_comment(f, &l)) {
            bool ends = section ? (l.ok && l.a.opens_block && f->data[l.start + l.a.indent] == '[')
                                : (!l.ok || l.a.indent <= open->a.indent);
            if (ends)
                return l.start;
            eval_line(ctx, f, l.start);
        }
        pos = l.end + 1;
    }
    return pos < f->len ? pos : f->len;
}

static bool is_log_key_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

/* Returns the length of the prefix of `s` before the first space or tab. */
static size_t span_until_space(const uint8_t *s, size_t len)
{
    size_t n = 0;

    while (n < len && s[n] != ' ' && s[n] != '\t')
        n++;
    return n;
}

/* Config kinds that are not recognised by extension: Dockerfiles, Terraform variables,
 * Jenkinsfiles. */
static bool other_file_applies(const scan_file *f)
{
    const char *base = strrchr(f->path, '/');
    size_t n;

    base = base ? base + 1 : f->path;
    n = strlen(base);
    if (f->flags & SCAN_FILE_CI)
        return true;
    return strncmp(base, "Dockerfile", 10) == 0 || (n > 7 && strcmp(base + n - 7, ".tfvars") == 0);
}

/*
 * Evaluates the assignment around a match in a log line, where the key
 * follows a timestamp or other text: "2026-01-01T00:00:00Z JWT_SECRET=...",
 * "{\"jwt_secret\":\"...\"}". A bare value ends at the first space.
 * Returns the offset just past what was read.
 */
static size_t eval_log_match(scan_ctx *ctx, const scan_file *f, size_t end)
{
    size_t line_start = sec_line_start(f->data, f->len, end - 1);
    size_t line_end = sec_line_end(f->data, f->len, end - 1);
    size_t key = end - 1;
    char name[SEC_CONTEXT_MAX];
    sec_assign a;

    while (key > line_start && end - key < sizeof(name) && (is_log_key_char(f->data[key - 1])))
        key--;
    if (key > line_start && (f->data[key - 1] == '"' || f->data[key - 1] == '\''))
        key--;
    if (!sec_parse_assign(f->data + key, line_end - key, &a) || a.opens_block)
        return line_end;
    if (!a.quoted)
        a.value_len = span_until_space(f->data + key + a.value, a.value_len);

    memcpy(name, f->data + key + a.key, a.key_len < sizeof(name) ? a.key_len : sizeof(name) - 1);
    name[a.key_len < sizeof(name) ? a.key_len : sizeof(name) - 1] = '\0';
    if (sec_is_secret_name(name, strlen(name), "", 0) && a.value_len <= SEC_VALUE_MAX &&
        !sec_is_placeholder(f->data + key + a.value, a.value_len))
        sec_report_secret(ctx, f, SEC_JG208, key + a.value, a.value_len, name,
                          f->data + key + a.value, a.value_len, "a log");
    return key + a.value + a.value_len;
}

static void config_on_match(scan_ctx *ctx, scan_file *f, unsigned index, size_t pattern, size_t end)
{
    sec_line l;

    (void)pattern;
    if (end == 0 || (f->lang == SCAN_LANG_OTHER && !other_file_applies(f)))
        return;
    if (f->lang == SCAN_LANG_LOG) {
        f->skip_until[index] = eval_log_match(ctx, f, end);
        return;
    }

    read_line(f, end - 1, &l);
    f->skip_until[index] = l.end;
    if (l.ok && l.a.opens_block) {
        if (block_is_jwt_related(f, &l))
            f->skip_until[index] = eval_block(ctx, f, &l);
        return;
    }
    eval_line(ctx, f, l.start);
}

/*
 * Anchors: words that every signing-secret key name or JWT block key
 * contains. They are plain literals, which keep the shared database at
 * memory speed; the line parser confirms.
 */
static const scan_pattern config_patterns[] = {
    {"jwt", HS_FLAG_CASELESS},  {"jws", HS_FLAG_CASELESS},  {"secret", HS_FLAG_CASELESS},
    {"sign", HS_FLAG_CASELESS}, {"hmac", HS_FLAG_CASELESS}, {"token", HS_FLAG_CASELESS},
    {"auth", HS_FLAG_CASELESS},
};

static const scan_detector secret_detectors[] = {
    {"secrets-config", config_patterns, sizeof(config_patterns) / sizeof(config_patterns[0]),
     SCAN_LANG_BIT(SCAN_LANG_ENV) | SCAN_LANG_BIT(SCAN_LANG_YAML) | SCAN_LANG_BIT(SCAN_LANG_JSON) |
         SCAN_LANG_BIT(SCAN_LANG_PROPERTIES) | SCAN_LANG_BIT(SCAN_LANG_SHELL) |
         SCAN_LANG_BIT(SCAN_LANG_LOG) | SCAN_LANG_BIT(SCAN_LANG_OTHER),
     config_on_match, sec_cross_finish},
    {"secrets-code", sec_code_patterns, SEC_CODE_PATTERN_COUNT,
     SCAN_LANG_BIT(SCAN_LANG_JS) | SCAN_LANG_BIT(SCAN_LANG_PYTHON) | SCAN_LANG_BIT(SCAN_LANG_GO) |
         SCAN_LANG_BIT(SCAN_LANG_JAVA) | SCAN_LANG_BIT(SCAN_LANG_PHP) |
         SCAN_LANG_BIT(SCAN_LANG_RUBY),
     sec_code_on_match, NULL},
    {"secrets-code-assign", sec_assign_patterns, SEC_ASSIGN_PATTERN_COUNT,
     SCAN_LANG_BIT(SCAN_LANG_JS) | SCAN_LANG_BIT(SCAN_LANG_PYTHON) | SCAN_LANG_BIT(SCAN_LANG_GO) |
         SCAN_LANG_BIT(SCAN_LANG_JAVA) | SCAN_LANG_BIT(SCAN_LANG_PHP) |
         SCAN_LANG_BIT(SCAN_LANG_RUBY),
     sec_assign_on_match, NULL},
    {"secrets-keys", sec_keys_patterns, SEC_KEYS_PATTERN_COUNT, SCAN_LANG_ALL, sec_keys_on_match,
     NULL},
};

const scan_set scan_set_secrets = {
    sec_rules,
    SEC_RULE_COUNT,
    secret_detectors,
    sizeof(secret_detectors) / sizeof(secret_detectors[0]),
};
