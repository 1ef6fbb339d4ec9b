/*
 * entry.c: builds a cache entry (cache.h) from a verified token: its facts
 * for the shared state, its identity header values, its scopes and every
 * route's verdict, so that a cache hit needs no access to the token's claims.
 */
#include <stdlib.h>
#include <string.h>

#include "server/serve_int.h"

/* Maximum bytes of one identity header value; a longer claim is sent as an empty value. */
#define SRV_HEADER_VALUE_MAX 1024u

/* The strings of an entry while it is built, before they move into one allocation. */
typedef struct entry_strings {
    const char *s[8 + 64];
    size_t len[8 + 64];
    char *owned[8 + 64]; /* joined arrays, freed after the copy */
    size_t count;
} entry_strings;

/* Returns true when every byte may appear in an HTTP field value (RFC 7230 3.2.6). */
static bool header_safe(const char *s, size_t n)
{
    if (n > SRV_HEADER_VALUE_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7f)
            return false;
    }
    return true;
}

/* Joins an array-of-strings claim with `separator`; returns a new string or NULL. */
static char *join_strings(const jwg_result *r, const char *claim, size_t count, char separator, size_t *out_len)
{
    size_t total = 0;
    const char *item;
    size_t len;

    for (size_t i = 0; i < count; i++) {
        if (jwg_result_strings_at(r, JWG_PART_CLAIMS, claim, i, &item, &len) != JWG_OK)
            return NULL;
        total += len + 1;
        if (total > SRV_HEADER_VALUE_MAX + 1)
            return NULL;
    }

    char *out = malloc(total + 1);
    size_t n = 0;
    for (size_t i = 0; out != NULL && i < count; i++) {
        if (jwg_result_strings_at(r, JWG_PART_CLAIMS, claim, i, &item, &len) != JWG_OK)
            break;
        if (i > 0)
            out[n++] = separator;
        memcpy(out + n, item, len);
        n += len;
    }
    if (out != NULL)
        out[n] = '\0';
    *out_len = n;
    return out;
}

/*
 * Renders claim `claim` as a header value: a string as is, an array of
 * strings joined with ",", any other JSON value as its text. An absent
 * claim, or a value with control characters or over SRV_HEADER_VALUE_MAX
 * bytes, is "", so a header is never forged from a claim.
 */
static void header_value(const jwg_result *r, const char *claim, entry_strings *es)
{
    size_t k = es->count++;
    const char *v;
    size_t len;
    size_t count;

    es->s[k] = "";
    es->len[k] = 0;
    if (jwg_result_string(r, JWG_PART_CLAIMS, claim, &v, &len) != JWG_OK) {
        if (jwg_result_strings_count(r, JWG_PART_CLAIMS, claim, &count) == JWG_OK) {
            es->owned[k] = join_strings(r, claim, count, ',', &len);
            v = es->owned[k];
        } else if (jwg_result_raw(r, JWG_PART_CLAIMS, claim, &v, &len) != JWG_OK) {
            v = NULL;
        }
    }
    if (v != NULL && header_safe(v, len)) {
        es->s[k] = v;
        es->len[k] = len;
    }
}

static void add_string(entry_strings *es, const jwg_result *r, jwg_part part, const char *name)
{
    size_t k = es->count++;
    if (jwg_result_string(r, part, name, &es->s[k], &es->len[k]) != JWG_OK) {
        es->s[k] = NULL;
        es->len[k] = 0;
    }
}

/*
 * Adds the token's scopes for the detail of a scope denial: the "scope"
 * string (RFC 8693 4.2), else "scp" as a string or an array joined with
 * spaces, which a scope-token cannot contain (RFC 6749 3.3). Returns the
 * claim's name, or NULL when the token has neither.
 */
static const char *add_scopes(const jwg_result *r, entry_strings *es)
{
    static const char *const claims[] = {"scope", "scp"};
    size_t k = es->count++;
    size_t count;

    es->s[k] = NULL;
    es->len[k] = 0;
    for (size_t c = 0; c < 2; c++) {
        if (jwg_result_string(r, JWG_PART_CLAIMS, claims[c], &es->s[k], &es->len[k]) == JWG_OK) {
            if (es->len[k] > SRV_HEADER_VALUE_MAX) {
                es->s[k] = NULL;
                es->len[k] = 0;
            }
            return claims[c];
        }
        if (jwg_result_strings_count(r, JWG_PART_CLAIMS, claims[c], &count) == JWG_OK) {
            es->owned[k] = join_strings(r, claims[c], count, ' ', &es->len[k]);
            es->s[k] = es->owned[k];
            return claims[c];
        }
    }
    return NULL;
}

static int64_t claim_int(const jwg_result *r, const char *name, int64_t absent)
{
    int64_t v;
    return jwg_result_int(r, JWG_PART_CLAIMS, name, &v) == JWG_OK ? v : absent;
}

/* Copies the collected strings into e->text; `ptrs[i]` gets string i or NULL when it was absent. */
static bool pack_strings(srv_entry *e, entry_strings *es, const char **ptrs)
{
    size_t total = 0;
    for (size_t i = 0; i < es->count; i++)
        total += es->len[i] + 1;
    e->text = malloc(total + 1);
    if (e->text == NULL)
        return false;

    size_t at = 0;
    for (size_t i = 0; i < es->count; i++) {
        ptrs[i] = NULL;
        if (es->s[i] == NULL)
            continue;
        memcpy(e->text + at, es->s[i], es->len[i]);
        e->text[at + es->len[i]] = '\0';
        ptrs[i] = e->text + at;
        at += es->len[i] + 1;
    }
    return true;
}

static void strings_clear(entry_strings *es)
{
    for (size_t i = 0; i < es->count; i++)
        free(es->owned[i]);
}

/* Fills the route verdicts of `e`. */
static void route_verdicts(srv_entry *e, const srv_config *cfg, const jwg_result *r)
{
    char detail[JWG_DETAIL_MAX];
    for (size_t i = 0; i < e->route_count; i++)
        e->route_errors[i] = jwg_policy_file_route_check(cfg->pf, i, r, detail, sizeof(detail));
}

srv_entry *srv_entry_build(const srv_config *cfg, const jwg_result *r, const uint8_t *fp, int64_t now)
{
    entry_strings es;
    const char *ptrs[8 + 64];
    memset(&es, 0, sizeof(es));

    srv_entry *e = calloc(1, sizeof(*e));
    if (e == NULL)
        return NULL;
    atomic_init(&e->refs, 1);
    e->generation = cfg->generation;
    memcpy(e->facts.fp, fp, SRV_FP_LEN);
    e->header_count = jwg_policy_file_identity_header_count(cfg->pf);
    e->route_count = jwg_policy_file_route_count(cfg->pf);
    e->header_values = calloc(e->header_count + 1, sizeof(*e->header_values));
    e->route_errors = calloc(e->route_count + 1, sizeof(*e->route_errors));

    add_string(&es, r, JWG_PART_CLAIMS, "iss");
    add_string(&es, r, JWG_PART_CLAIMS, "sub");
    add_string(&es, r, JWG_PART_CLAIMS, "jti");
    add_string(&es, r, JWG_PART_HEADER, "kid");
    add_string(&es, r, JWG_PART_HEADER, "alg");
    e->scope_claim = add_scopes(r, &es);
    for (size_t i = 0; i < e->header_count && i < 64; i++) {
        const char *claim;
        const char *header;
        if (jwg_policy_file_identity_header(cfg->pf, i, &claim, &header) == JWG_OK)
            header_value(r, claim, &es);
        else
            es.s[es.count++] = "";
    }

    bool ok = e->header_values != NULL && e->route_errors != NULL && pack_strings(e, &es, ptrs);
    strings_clear(&es);
    if (!ok) {
        srv_entry_unref(e);
        return NULL;
    }

    e->facts.iss = ptrs[0];
    e->facts.sub = ptrs[1];
    e->facts.jti = ptrs[2];
    e->kid = ptrs[3];
    e->alg = ptrs[4];
    e->scopes = ptrs[5];
    for (size_t i = 0; i < e->header_count; i++)
        e->header_values[i] = ptrs[6 + i] != NULL ? ptrs[6 + i] : "";
    e->facts.iat = claim_int(r, "iat", INT64_MIN);
    e->facts.exp = claim_int(r, "exp", INT64_MAX);
    route_verdicts(e, cfg, r);

    int64_t until = jwg_policy_file_valid_until(cfg->pf, r);
    int64_t cap = now + cfg->gw.cache_max_ttl;
    e->until = until < cap ? until : cap;
    return e;
}
