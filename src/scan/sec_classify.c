/*
 * sec_classify.c: judges what the readers of sec_text.c return: whether a
 * key names a JWT signing secret, whether a value is a placeholder, and
 * whether a secret is weak.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "scan/sec_text.h"
#include "scan/weak_secrets.h"

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static uint8_t lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* ---- secret names ---------------------------------------------------- */

#define NAME_WORDS_MAX 24u
#define NAME_WORD_LEN 32u

typedef struct name_words {
    char word[NAME_WORDS_MAX][NAME_WORD_LEN];
    size_t count;
} name_words;

static bool is_upper(uint8_t c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_lower_or_digit(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Splits at separators and at lower-to-upper changes ("jwtSigningKey" -> jwt signing key). */
static void split_words(const char *s, size_t len, name_words *w)
{
    size_t n = 0;

    w->count = 0;
    for (size_t i = 0; i <= len && w->count < NAME_WORDS_MAX; i++) {
        uint8_t c = i < len ? (uint8_t)s[i] : 0;
        bool sep = i == len || !((c >= 'a' && c <= 'z') || is_upper(c) || (c >= '0' && c <= '9'));
        bool camel = i > 0 && i < len && is_upper(c) && is_lower_or_digit((uint8_t)s[i - 1]);

        if ((sep || camel) && n > 0) {
            w->word[w->count][n] = '\0';
            w->count++;
            n = 0;
            if (w->count == NAME_WORDS_MAX)
                break;
        }
        if (!sep && n + 1 < NAME_WORD_LEN)
            w->word[w->count][n++] = (char)lower(c);
    }
}

/* True when some word contains `part` ("jwtsecret" contains "secret"). */
static bool has_part(const name_words *w, const char *part)
{
    for (size_t i = 0; i < w->count; i++) {
        if (strstr(w->word[i], part) != NULL)
            return true;
    }
    return false;
}

static int compare_words(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Words that mark a setting about the secret, or another service's credential. */
static bool is_excluded(const name_words *w)
{
    /* Sorted in strcmp order, for bsearch. */
    static const char *const excluded[] = {
        "age",       "alg",     "algorithm", "algorithms", "arn",      "aud",        "audience",
        "aws",       "bits",    "cache",     "captcha",    "claim",    "claims",     "client",
        "consumer",  "cookie",  "count",     "database",   "db",       "dir",        "duration",
        "enable",    "enabled", "encoding",  "endpoint",   "exp",      "expiration", "expire",
        "expires",   "expiry",  "field",     "file",       "filename", "format",     "github",
        "google",    "header",  "host",      "id",         "interval", "iss",        "issuer",
        "jwks",      "kid",     "leeway",    "len",        "length",   "lifetime",   "location",
        "mail",      "max",     "min",       "minio",      "mode",     "name",       "param",
        "path",      "port",    "prefix",    "provider",   "pub",      "public",     "query",
        "recaptcha", "redis",   "ref",       "required",   "rotation", "s3",         "schema",
        "size",      "smtp",    "store",     "stripe",     "timeout",  "ttl",        "type",
        "uri",       "url",     "user",      "username",   "validity", "vault",      "version",
    };

    for (size_t i = 0; i < w->count; i++) {
        const char *word = w->word[i];
        if (bsearch(&word, excluded, sizeof(excluded) / sizeof(excluded[0]), sizeof(excluded[0]),
                    compare_words) != NULL)
            return true;
    }
    return false;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);

    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/*
 * DJANGO_SECRET_KEY, SECRET_KEY_BASE: framework secrets that JWT plugins
 * sign with (djangorestframework-simplejwt's SIGNING_KEY defaults to SECRET_KEY).
 */
static bool is_framework_secret(const name_words *name)
{
    char joined[NAME_WORDS_MAX * NAME_WORD_LEN];
    size_t n = 0;

    for (size_t i = 0; i < name->count; i++) {
        size_t k = strlen(name->word[i]);
        memcpy(joined + n, name->word[i], k);
        n += k;
    }
    joined[n] = '\0';
    return ends_with(joined, n, "secretkey") || ends_with(joined, n, "secretkeybase");
}

/* True when some word of the name itself can be the secret part of a key ("jwt_secret", "key"). */
static bool is_secretish(const name_words *own)
{
    return has_part(own, "secret") || has_part(own, "key") || has_part(own, "token") ||
           has_part(own, "pass") || has_part(own, "sign");
}

bool sec_name_wants_context(const char *name, size_t len)
{
    name_words own;

    split_words(name, len, &own);
    return own.count > 0 && !is_excluded(&own) && is_secretish(&own);
}

bool sec_is_secret_name(const char *name, size_t len, const char *context, size_t context_len)
{
    name_words own;
    name_words all;

    split_words(name, len, &own);
    if (own.count == 0 || is_excluded(&own))
        return false;
    split_words(context, context_len, &all);
    for (size_t i = 0; i < own.count && all.count < NAME_WORDS_MAX; i++)
        memcpy(all.word[all.count++], own.word[i], strlen(own.word[i]) + 1);

    if (has_part(&all, "jwt") || has_part(&all, "jws"))
        return is_secretish(&own);
    if (has_part(&own, "secret") &&
        (has_part(&all, "token") || has_part(&all, "auth") || has_part(&all, "sign") ||
         has_part(&all, "hmac") || has_part(&all, "bearer")))
        return true;
    if ((has_part(&all, "sign") || has_part(&all, "hmac")) &&
        (has_part(&own, "key") || has_part(&own, "secret")))
        return true;
    return is_framework_secret(&own);
}

/* ---- placeholders ---------------------------------------------------- */

static bool all_mask_chars(const uint8_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strchr("xX*.-_#", v[i]))
            return false;
    }
    return true;
}

static bool is_reference_prefix(const uint8_t *v, size_t n)
{
    static const char *const prefixes[] = {
        "vault:",        "arn:",       "secretsmanager:",
        "ssm:",          "env:",       "file:",
        "classpath:",    "http://",    "https://",
        "process.env",   "os.environ", "os.getenv",
        "getenv(",       "env[",       "env.fetch",
        "system.getenv", "secret://",  "sm://",
        "gcp:",          "azure:",     "@microsoft.keyvault",
        "enc(",          "!ref",       "!sub",
        "!getatt",       "ref+",       "op://",
        "aws-kms:",      "sops:",
    };

    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        if (sec_starts_with_ci(v, n, prefixes[i]))
            return true;
    }
    return false;
}

static bool is_literal_word(const uint8_t *v, size_t n)
{
    static const char *const words[] = {"true", "false", "null", "none",     "nil",
                                        "~",    "yes",   "no",   "undefined"};

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strlen(words[i]) == n && sec_starts_with_ci(v, n, words[i]))
            return true;
    }
    return false;
}

static bool is_template(const uint8_t *v, size_t n)
{
    if (sec_contains_ci(v, n, "${") || sec_contains_ci(v, n, "{{") || sec_contains_ci(v, n, "$(") ||
        sec_contains_ci(v, n, "#{") || sec_contains_ci(v, n, "<%"))
        return true;
    if (v[0] == '$' && n > 1 &&
        (v[1] == '_' || v[1] == '{' || (lower(v[1]) >= 'a' && lower(v[1]) <= 'z')))
        return true;
    if (n >= 3 && ((v[0] == '%' && v[n - 1] == '%') || (v[0] == '@' && v[n - 1] == '@') ||
                   (v[0] == '<' && v[n - 1] == '>')))
        return true;
    return false;
}

bool sec_is_placeholder(const uint8_t *value, size_t len)
{
    while (len > 0 && is_space(value[0])) {
        value++;
        len--;
    }
    while (len > 0 && is_space(value[len - 1]))
        len--;

    if (len == 0 || all_mask_chars(value, len) || is_literal_word(value, len))
        return true;
    if (is_template(value, len) || is_reference_prefix(value, len))
        return true;
    if (value[0] == '/' || sec_starts_with_ci(value, len, "./") ||
        sec_starts_with_ci(value, len, "../") || sec_starts_with_ci(value, len, "~/"))
        return true;
    if (sec_starts_with_ci(value, len, "eyJ") && memchr(value, '.', len) != NULL)
        return true;
    return sec_contains_ci(value, len, "redacted");
}

/* ---- weakness -------------------------------------------------------- */

/* True when the value repeats a pattern of at most 4 bytes ("aaaa", "abab", "1231231"). */
static bool is_periodic(const uint8_t *v, size_t n)
{
    for (size_t p = 1; p <= 4 && 2 * p <= n; p++) {
        size_t i = p;
        while (i < n && v[i] == v[i - p])
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* True for runs such as "123456789", "abcdefgh", "987654321" (digits may wrap 9 -> 0). */
static bool is_sequence(const uint8_t *v, size_t n)
{
    int step;

    if (n < 4)
        return false;
    step = (int)v[1] - (int)v[0];
    if (step != 1 && step != -1)
        return false;
    for (size_t i = 2; i < n; i++) {
        int d = (int)v[i] - (int)v[i - 1];
        bool wrap = (step == 1 && v[i - 1] == '9' && v[i] == '0') ||
                    (step == -1 && v[i - 1] == '0' && v[i] == '9');
        if (d != step && !wrap)
            return false;
    }
    return true;
}

static size_t distinct_bytes(const uint8_t *v, size_t n)
{
    uint8_t seen[256] = {0};
    size_t count = 0;

    for (size_t i = 0; i < n; i++) {
        if (!seen[v[i]]) {
            seen[v[i]] = 1;
            count++;
        }
    }
    OPENSSL_cleanse(seen, sizeof(seen));
    return count;
}

sec_weakness sec_weakness_of(const uint8_t *value, size_t len)
{
    if (weak_secret_listed(value, len))
        return SEC_WEAK_LISTED;
    if (is_periodic(value, len) || is_sequence(value, len) ||
        (len >= 16 && distinct_bytes(value, len) < 8))
        return SEC_WEAK_LOW_ENTROPY;
    if (len < 32)
        return SEC_WEAK_SHORT;
    return SEC_WEAK_NONE;
}

const char *sec_weakness_phrase(sec_weakness w)
{
    switch (w) {
    case SEC_WEAK_LISTED:
        return "a known default or dictionary secret";
    case SEC_WEAK_LOW_ENTROPY:
        return "a low-entropy secret";
    case SEC_WEAK_SHORT:
        return "shorter than 32 bytes";
    case SEC_WEAK_NONE:
        break;
    }
    return "not weak";
}
