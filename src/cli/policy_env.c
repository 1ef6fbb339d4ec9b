/*
 * policy_env.c: `jwtguard policy check-env`, which finds a key or HMAC
 * secret that policies of different environments share.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/keys_internal.h"
#include "../lib/policy_file_internal.h"
#include "policy_cmds.h"


/*
 * One loaded key. A public key is identified by its RFC 7638 thumbprint. An
 * HMAC secret is identified by HMAC-SHA256 under a key drawn at random for
 * this run, so equal secrets match within the run. That value is never
 * printed and differs from run to run.
 */
struct env_key {
    bool secret;
    uint8_t mac[32];
    char thumbprint[JWG_THUMBPRINT_MAX];
    size_t file;
    const char *issuer;
    size_t line;
};

struct env_ctx {
    char **files;
    jwg_policy_file **pfs;
    struct env_key *keys;
    size_t count;
    size_t cap;
    uint8_t run_key[32];
    struct policy_report r;
};

static void add_key(struct env_ctx *c, const jwg_key *k, size_t file, const char *issuer, size_t line)
{
    struct env_key *e;
    size_t mac_len = 0;

    if (c->count == c->cap) {
        c->cap = c->cap == 0 ? 32 : c->cap * 2;
        c->keys = realloc(c->keys, c->cap * sizeof(*c->keys));
        if (c->keys == NULL)
            abort();
    }
    e = &c->keys[c->count++];
    memset(e, 0, sizeof(*e));
    e->file = file;
    e->issuer = issuer;
    e->line = line;
    e->secret = k->kty == JWG_KTY_OCT;
    if (!e->secret) {
        snprintf(e->thumbprint, sizeof(e->thumbprint), "%s", k->thumbprint);
        return;
    }
    if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, c->run_key, sizeof(c->run_key), k->secret,
                  k->secret_len, e->mac, sizeof(e->mac), &mac_len) == NULL || mac_len != sizeof(e->mac))
        abort();
}

/*
 * Loads one issuer's file and environment key sources.
 * NOTE: exec, jwks_url and oidc_issuer sources are skipped, so a secret
 * shared only through them is not found.
 */
static void load_issuer(struct env_ctx *c, size_t file, const jwg_pf_issuer *iss)
{
    for (size_t s = 0; s < iss->source_count; s++) {
        const jwg_key_source *src = &iss->sources[s];
        char where[512], detail[JWG_DETAIL_MAX] = "";
        jwg_keyset *ks = NULL;

        if (src->kind != JWG_KS_FILE && src->kind != JWG_KS_HMAC_FILE && src->kind != JWG_KS_ENV)
            continue;
        snprintf(where, sizeof(where), "%s:%zu:%zu", c->files[file], src->line, src->column);
        if (jwg_keyset_new(&ks) != JWG_OK)
            abort();
        if (jwg_key_source_load(src, ks, where, detail, sizeof(detail)) != JWG_OK)
            policy_add(&c->r, "key-not-loaded", false, c->files[file], src->line,
                       "key source not compared: %s", detail);
        for (size_t i = 0; i < ks->count; i++)
            add_key(c, ks->keys[i], file, iss->name, src->line);
        jwg_keyset_free(ks);
    }
}

static bool is_prod(const char *env)
{
    return strcasecmp(env, "prod") == 0 || strcasecmp(env, "production") == 0;
}

static bool same_key(const struct env_key *a, const struct env_key *b)
{
    if (a->secret != b->secret)
        return false;
    if (a->secret)
        return CRYPTO_memcmp(a->mac, b->mac, sizeof(a->mac)) == 0;
    return strcmp(a->thumbprint, b->thumbprint) == 0;
}

/* Reports key `i` against every later key of another environment that equals it. */
static void compare_key(struct env_ctx *c, size_t i)
{
    const struct env_key *a = &c->keys[i];
    const jwg_policy_file *pa = c->pfs[a->file];

    for (size_t j = i + 1; j < c->count; j++) {
        const struct env_key *b = &c->keys[j];
        const jwg_policy_file *pb = c->pfs[b->file];
        bool prod;

        if (strcmp(pa->environment, pb->environment) == 0 || !same_key(a, b))
            continue;
        prod = is_prod(pa->environment) || is_prod(pb->environment);
        if (a->secret)
            policy_add(&c->r, "secret-shared-across-env", prod, c->files[b->file], b->line,
                       "the HMAC secret of issuer %s (%s, %s) is also used by %s:%zu (%s, %s): "
                       "give each environment its own secret",
                       b->issuer, pb->service, pb->environment, c->files[a->file], a->line, pa->service,
                       pa->environment);
        else
            policy_add(&c->r, "key-shared-across-env", prod, c->files[b->file], b->line,
                       "the key with thumbprint %s of issuer %s (%s, %s) is also trusted by %s:%zu "
                       "(%s, %s): give each environment its own signing key",
                       b->thumbprint, b->issuer, pb->service, pb->environment, c->files[a->file], a->line,
                       pa->service, pa->environment);
    }
}

int policy_run_check_env(char **files, size_t count, enum policy_format format)
{
    struct env_ctx c = {.files = files};
    int status = CLI_EXIT_USAGE;

    c.pfs = calloc(count, sizeof(*c.pfs));
    if (c.pfs == NULL || RAND_bytes(c.run_key, sizeof(c.run_key)) != 1)
        abort();
    if (!policy_parse_all(files, count, c.pfs, &c.r)) {
        c.r.unreadable = true;
        status = policy_report_finish(&c.r, "check-env", format);
        policy_free_all(c.pfs, count);
        return status;
    }
    for (size_t f = 0; f < count; f++) {
        for (size_t i = 0; c.pfs[f] != NULL && i < c.pfs[f]->issuer_count; i++)
            load_issuer(&c, f, &c.pfs[f]->issuers[i]);
    }
    for (size_t i = 0; i < c.count; i++)
        compare_key(&c, i);
    status = policy_report_finish(&c.r, "check-env", format);

    OPENSSL_cleanse(c.run_key, sizeof(c.run_key));
    OPENSSL_cleanse(c.keys, c.cap * sizeof(*c.keys));
    free(c.keys);
    policy_free_all(c.pfs, count);
    return status;
}
