/*
 * sec_cross.c: the cross-file rules, run once after every file was
 * scanned. JG301 groups the signing secrets by keyed hash and reports a
 * secret found in two environments. JG302 and JG303 check each leaked
 * HS* token offline against every secret found and every weak-list entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "internal.h"
#include "scan/sec_det.h"
#include "scan/sec_forge.h"
#include "scan/sec_text.h"
#include "scan/weak_secrets.h"

/*
 * Bound on the HMAC computations of the forgeability check, tokens times
 * candidate secrets. At the 1.2 us per HMAC measured for 150-byte HS256
 * tokens (docs/SCAN_RULES.md), that is about 5 s of one core. NOTE: tokens
 * past the bound are not checked, and the scan does not report it.
 */
#define SEC_FORGE_MAX_HMACS 4000000u

/* Related locations listed per finding at most. */
#define SEC_RELATED_MAX 16u

/* ---- grouping -------------------------------------------------------- */

static const scan_note *sort_notes;

/*
 * Orders by keyed hash, then path and line, so equal secrets are adjacent
 * and the report order does not depend on thread timing. The hash is keyed
 * per run, so its order reveals nothing about the values.
 */
static int compare_notes(const void *a, const void *b)
{
    const scan_note *x = &sort_notes[*(const size_t *)a];
    const scan_note *y = &sort_notes[*(const size_t *)b];
    int c = memcmp(x->hash, y->hash, sizeof(x->hash));

    if (c != 0)
        return c;
    c = strcmp(x->path, y->path);
    if (c != 0)
        return c;
    return (x->line > y->line) - (x->line < y->line);
}

/* Returns the note indexes sorted by hash, path and line; NULL when out of memory or empty. */
static size_t *sorted_notes(const scan_note *notes, size_t count)
{
    size_t *order = count > 0 ? malloc(count * sizeof(*order)) : NULL;

    if (order == NULL)
        return NULL;
    for (size_t i = 0; i < count; i++)
        order[i] = i;
    sort_notes = notes; /* finish() runs on one thread */
    qsort(order, count, sizeof(*order), compare_notes);
    return order;
}

static bool same_hash(const scan_note *a, const scan_note *b)
{
    return CRYPTO_memcmp(a->hash, b->hash, sizeof(a->hash)) == 0;
}

/* Returns the end of the group of equal hashes that starts at order[i]. */
static size_t group_end(const scan_note *notes, const size_t *order, size_t count, size_t i)
{
    size_t j = i + 1;

    while (j < count && same_hash(&notes[order[i]], &notes[order[j]]))
        j++;
    return j;
}

/* ---- JG301: one secret, several environments ------------------------- */

static bool is_prod(const char *env)
{
    return env != NULL && strcmp(env, "prod") == 0;
}

/* Appends env to the comma-separated list unless it is there already. */
static void add_env(char *list, size_t cap, const char *env)
{
    size_t n = strlen(list);
    const char *p = strstr(list, env);
    size_t e = strlen(env);

    if (p != NULL && (p == list || p[-1] == ' ') && (p[e] == '\0' || p[e] == ','))
        return;
    snprintf(list + n, cap - n, "%s%s", n > 0 ? ", " : "", env);
}

typedef struct env_group {
    size_t primary; /* note index reported at */
    size_t env_count;
    bool has_prod;
    char envs[96];
} env_group;

static void survey_group(const scan_note *notes, const size_t *order, size_t from, size_t to,
                         env_group *g)
{
    memset(g, 0, sizeof(*g));
    g->primary = SIZE_MAX;
    for (size_t i = from; i < to; i++) {
        const scan_note *n = &notes[order[i]];
        size_t before = strlen(g->envs);
        if (n->env == NULL)
            continue;
        add_env(g->envs, sizeof(g->envs), n->env);
        g->env_count += strlen(g->envs) != before;
        if (g->primary == SIZE_MAX || (is_prod(n->env) && !g->has_prod))
            g->primary = order[i];
        g->has_prod |= is_prod(n->env);
    }
}

static void report_reuse_group(scan_ctx *ctx, const scan_note *notes, const size_t *order,
                               size_t from, size_t to)
{
    scan_related related[SEC_RELATED_MAX];
    char messages[SEC_RELATED_MAX][128];
    char message[256];
    scan_finding finding = {0};
    const scan_note *p;
    size_t count = 0;
    env_group g;

    survey_group(notes, order, from, to, &g);
    if (g.env_count < 2)
        return;
    p = &notes[g.primary];
    for (size_t i = from; i < to && count < SEC_RELATED_MAX; i++) {
        const scan_note *n = &notes[order[i]];
        if (order[i] == g.primary || n->env == NULL)
            continue;
        snprintf(messages[count], sizeof(messages[count]), "the same secret (%s) in environment %s",
                 n->context, n->env);
        related[count] = (scan_related){n->path, n->line, messages[count]};
        count++;
    }

    snprintf(message, sizeof(message), "JWT signing secret (%s) is shared by environments %s",
             p->context, g.envs);
    finding.rule = &sec_rules[SEC_JG301];
    finding.message = message;
    finding.value = p->value;
    finding.value_len = p->value_len;
    finding.len = p->value_len;
    finding.severity = g.has_prod ? SCAN_SEV_CRITICAL : SCAN_SEV_MEDIUM;
    finding.related = related;
    finding.related_count = count;
    scan_report_at(ctx, p->path, p->line, p->column, &finding);
}

static void report_reuse(scan_ctx *ctx, const scan_note *notes, const size_t *order, size_t count)
{
    for (size_t i = 0; i < count;) {
        size_t j = group_end(notes, order, count, i);
        report_reuse_group(ctx, notes, order, i, j);
        i = j;
    }
}

/* ---- JG302 and JG303: forgeable tokens -------------------------------- */

typedef struct forge_state {
    const scan_note *secrets;
    const size_t *secret_order; /* sorted; the first of each group of equal hashes is tried */
    size_t secret_count;
    size_t budget; /* HMACs left */
} forge_state;

/*
 * Decodes a secret that is stored encoded: standard base64 (with or
 * without padding) or base64url. Returns false unless it decodes to 16
 * bytes or more, because shorter results are more likely plain words.
 */
static bool decode_stored_secret(const scan_note *s, uint8_t *out, size_t cap, size_t *out_len)
{
    bool ok = sec_base64_decode(s->value, s->value_len, out, cap, out_len);

    if (!ok && jwg_b64url_decoded_len(s->value_len) <= cap)
        ok = jwg_b64url_decode_secret((const char *)s->value, s->value_len, out, cap, out_len) ==
             JWG_OK;
    return ok && *out_len >= 16;
}

/* Tries the secret as written and, when it is stored encoded, decoded. */
static bool secret_signs(const sec_hs_token *t, const uint8_t *token, const scan_note *s)
{
    uint8_t decoded[SEC_VALUE_MAX];
    size_t decoded_len = 0;
    bool match = sec_hs_token_signed_with(t, token, s->value, s->value_len);

    if (!match && decode_stored_secret(s, decoded, sizeof(decoded), &decoded_len))
        match = sec_hs_token_signed_with(t, token, decoded, decoded_len);
    OPENSSL_cleanse(decoded, sizeof(decoded));
    return match;
}

/* Returns the index of the first secret group that signs the token, or SIZE_MAX. */
static size_t find_found_secret(forge_state *st, const sec_hs_token *t, const uint8_t *token,
                                size_t *group_to)
{
    for (size_t i = 0; i < st->secret_count && st->budget > 0;) {
        size_t j = group_end(st->secrets, st->secret_order, st->secret_count, i);
        st->budget -= st->budget >= 2 ? 2 : st->budget;
        if (secret_signs(t, token, &st->secrets[st->secret_order[i]])) {
            *group_to = j;
            return i;
        }
        i = j;
    }
    return SIZE_MAX;
}

static bool weak_list_signs(forge_state *st, const sec_hs_token *t, const uint8_t *token)
{
    for (size_t i = 0; i < weak_secret_count() && st->budget > 0; i++) {
        size_t len;
        const char *w = weak_secret_get(i, &len);
        st->budget--;
        if (sec_hs_token_signed_with(t, token, (const uint8_t *)w, len))
            return true;
    }
    return false;
}

static void report_forgeable(scan_ctx *ctx, const scan_note *tok, const sec_hs_token *t,
                             const forge_state *st, size_t from, size_t to)
{
    scan_related related[SEC_RELATED_MAX];
    char message[256];
    scan_finding finding = {0};
    size_t count = 0;

    finding.value = tok->value;
    finding.value_len = tok->value_len;
    finding.len = tok->value_len;
    finding.severity = -1;
    finding.message = message;
    if (from == SIZE_MAX) {
        finding.rule = &sec_rules[SEC_JG303];
        snprintf(
            message, sizeof(message),
            "%s token verifies with a secret from the weak-secret list: anyone can forge tokens",
            t->alg);
    } else {
        const scan_note *s = &st->secrets[st->secret_order[from]];
        for (size_t i = from; i < to && count < SEC_RELATED_MAX; i++) {
            const scan_note *n = &st->secrets[st->secret_order[i]];
            related[count++] =
                (scan_related){n->path, n->line, "the signing secret that verifies the token"};
        }
        finding.rule = &sec_rules[SEC_JG302];
        snprintf(message, sizeof(message),
                 "%s token verifies with the signing secret (%s) found at %s:%zu", t->alg,
                 s->context, s->path, s->line);
        finding.related = related;
        finding.related_count = count;
    }
    scan_report_at(ctx, tok->path, tok->line, tok->column, &finding);
}

/* Checks one distinct token and reports every location it was found at (order[from..to)). */
static void check_token(scan_ctx *ctx, forge_state *st, const scan_note *tokens,
                        const size_t *order, size_t from, size_t to)
{
    const scan_note *tok = &tokens[order[from]];
    sec_hs_token t;
    size_t group_to = 0, found;

    if (!sec_hs_token_prepare(tok->value, tok->value_len, &t))
        return;
    found = find_found_secret(st, &t, tok->value, &group_to);
    if (found == SIZE_MAX && !weak_list_signs(st, &t, tok->value))
        return;
    for (size_t i = from; i < to; i++)
        report_forgeable(ctx, &tokens[order[i]], &t, st, found, group_to);
}

static void report_forgeries(scan_ctx *ctx, forge_state *st)
{
    size_t count = 0;
    const scan_note *tokens = scan_notes(ctx, SCAN_NOTE_TOKEN, &count);
    size_t *order = sorted_notes(tokens, count);

    if (order == NULL)
        return;
    for (size_t i = 0; i < count && st->budget > 0;) {
        size_t j = group_end(tokens, order, count, i);
        check_token(ctx, st, tokens, order, i, j);
        i = j;
    }
    free(order);
}

void sec_cross_finish(scan_ctx *ctx)
{
    size_t count = 0;
    const scan_note *secrets = scan_notes(ctx, SCAN_NOTE_SECRET, &count);
    size_t *order = sorted_notes(secrets, count);
    forge_state st = {secrets, order, order ? count : 0, SEC_FORGE_MAX_HMACS};

    if (order != NULL)
        report_reuse(ctx, secrets, order, count);
    report_forgeries(ctx, &st);
    free(order);
}
