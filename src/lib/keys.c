/*
 * keys.c: key sets, and the loaders for raw HMAC secrets and PEM keys.
 *
 * Each loader reads one format only; nothing is guessed from the content.
 * A set is changed only by jwg_keyset_commit(), which adds a batch of keys
 * all together or not at all.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "keys_internal.h"

jwg_err jwg_keyset_new(jwg_keyset **out)
{
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;

    jwg_keyset *ks = calloc(1, sizeof(*ks));
    JWG_ENSURE(ks != NULL, JWG_ERR_NOMEM);
    atomic_init(&ks->refs, 1);
    *out = ks;
    return JWG_OK;
}

jwg_keyset *jwg_keyset_ref(const jwg_keyset *ks)
{
    if (ks == NULL)
        return NULL;

    /* The count is the only member a reference changes, so a const set may be shared. */
    jwg_keyset *mut = (jwg_keyset *)(uintptr_t)ks;
    atomic_fetch_add_explicit(&mut->refs, 1, memory_order_relaxed);
    return mut;
}

void jwg_keyset_free(jwg_keyset *ks)
{
    if (ks == NULL)
        return;
    if (atomic_fetch_sub_explicit(&ks->refs, 1, memory_order_acq_rel) != 1)
        return;

    for (size_t i = 0; i < ks->count; i++)
        jwg_key_free(ks->keys[i]);
    jwg_wipe(ks, sizeof(*ks));
    free(ks);
}

size_t jwg_keyset_count(const jwg_keyset *ks)
{
    return ks != NULL ? ks->count : 0;
}

const char *jwg_keyset_detail(const jwg_keyset *ks)
{
    return ks != NULL ? ks->detail : "";
}

const char *jwg_keyset_kid(const jwg_keyset *ks, size_t index)
{
    if (ks == NULL || index >= ks->count)
        return NULL;
    return ks->keys[index]->kid;
}

int jwg_keyset_is_private(const jwg_keyset *ks, size_t index)
{
    if (ks == NULL || index >= ks->count)
        return 0;
    return ks->keys[index]->has_private ? 1 : 0;
}

jwg_err jwg_keyset_thumbprint(const jwg_keyset *ks, size_t index, char out[JWG_THUMBPRINT_MAX])
{
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    out[0] = '\0';
    JWG_ENSURE(ks != NULL && index < ks->count, JWG_ERR_INVALID_ARGUMENT);

    memcpy(out, ks->keys[index]->thumbprint, JWG_THUMBPRINT_MAX);
    return JWG_OK;
}

jwg_err jwg_keyset_algs(const jwg_keyset *ks, size_t index, char *out, size_t out_len)
{
    JWG_ENSURE(out != NULL && out_len > 0, JWG_ERR_INVALID_ARGUMENT);
    out[0] = '\0';
    JWG_ENSURE(ks != NULL && index < ks->count, JWG_ERR_INVALID_ARGUMENT);

    size_t n = jwg_algs_format(ks->keys[index]->algs, out, out_len);
    return n == SIZE_MAX ? JWG_ERR_INVALID_ARGUMENT : JWG_OK;
}

/* ---- committing a batch ---- */

static bool kid_equal(const jwg_key *a, const jwg_key *b)
{
    return a->kid != NULL && b->kid != NULL && strcmp(a->kid, b->kid) == 0;
}

/* Checks that `key` may join the set's keys and the batch entries before it. */
static jwg_err commit_check_one(const jwg_keyset *ks, jwg_key **batch, size_t pos, char *detail,
                                size_t detail_len)
{
    const jwg_key *key = batch[pos];
    bool symmetric = key->kty == JWG_KTY_OCT;

    for (size_t i = 0; i < ks->count + pos; i++) {
        const jwg_key *other = i < ks->count ? ks->keys[i] : batch[i - ks->count];

        /* RFC 8725 3.1: one set holding both lets a public key be used as an HMAC secret. */
        if ((other->kty == JWG_KTY_OCT) != symmetric) {
            jwg_detail_set(detail, detail_len, "an HMAC secret and a public-key key cannot be "
                                               "in one key set; use two sets");
            return JWG_ERR_KEY_MIXED;
        }
        if (kid_equal(key, other)) {
            jwg_detail_set(detail, detail_len, "two keys have the same \"kid\"; kids must be "
                                               "unique in a key set");
            return JWG_ERR_KEY_DUPLICATE_KID;
        }
    }
    return JWG_OK;
}

jwg_err jwg_keyset_commit(jwg_keyset *ks, jwg_key **keys, size_t n)
{
    jwg_err rc = JWG_OK;

    if (n > JWG_MAX_KEYS - ks->count) {
        jwg_detail_set(ks->detail, sizeof(ks->detail),
                       "a key set holds at most %u keys; %zu are loaded and %zu more were given",
                       JWG_MAX_KEYS, ks->count, n);
        rc = JWG_ERR_KEY_SET_FULL;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        JWG_TRY_GOTO(commit_check_one(ks, keys, i, ks->detail, sizeof(ks->detail)), rc, out);

    for (size_t i = 0; i < n; i++) {
        ks->keys[ks->count++] = keys[i];
        keys[i] = NULL;
    }
    ks->detail[0] = '\0';

out:
    for (size_t i = 0; i < n; i++) {
        jwg_key_free(keys[i]);
        keys[i] = NULL;
    }
    return rc;
}

/* ---- loaders ---- */

/* Fills a spec from public-API arguments; lengths come from strlen on caller strings. */
static jwg_key_spec spec_from_args(const char *alg, const char *kid, bool has_private)
{
    jwg_key_spec spec = {alg, alg != NULL ? strlen(alg) : 0, kid, kid != NULL ? strlen(kid) : 0,
                         JWG_USE_VERIFY | JWG_USE_SIGN, has_private};
    return spec;
}

static jwg_err commit_single(jwg_keyset *ks, jwg_key *key)
{
    return jwg_keyset_commit(ks, &key, 1);
}

jwg_err jwg_keyset_add_hmac(jwg_keyset *ks, const uint8_t *secret, size_t len, const char *alg,
                            const char *kid)
{
    jwg_key *key = NULL;

    JWG_ENSURE(ks != NULL && (secret != NULL || len == 0), JWG_ERR_INVALID_ARGUMENT);
    ks->detail[0] = '\0';

    jwg_key_spec spec = spec_from_args(alg, kid, true);
    JWG_TRY(jwg_key_from_secret(secret, len, &spec, &key, ks->detail, sizeof(ks->detail)));
    return commit_single(ks, key);
}

/* Refuses every passphrase, so an encrypted PEM fails to load instead of prompting. */
static int pem_no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

/* The PEM forms a loader accepts; the label of the first block must be `label`. */
enum pem_kind { PEM_PUBLIC, PEM_CERT, PEM_PRIVATE };

static const char *const pem_labels[] = {
    [PEM_PUBLIC] = "PUBLIC KEY",
    [PEM_CERT] = "CERTIFICATE",
    [PEM_PRIVATE] = "PRIVATE KEY",
};

/* Checks the label of the first PEM block, so "RSA PRIVATE KEY" or "ENCRYPTED PRIVATE KEY" never load. */
static bool pem_label_is(const char *pem, size_t len, enum pem_kind kind)
{
    char *name = NULL;
    char *header = NULL;
    unsigned char *data = NULL;
    long data_len = 0;

    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL)
        return false;

    bool ok = PEM_read_bio(bio, &name, &header, &data, &data_len) == 1 &&
              strcmp(name, pem_labels[kind]) == 0 && header[0] == '\0';

    BIO_free(bio);
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_clear_free(data, data_len > 0 ? (size_t)data_len : 0);
    return ok;
}

static EVP_PKEY *pem_read_key(const char *pem, size_t len, enum pem_kind kind)
{
    EVP_PKEY *pkey = NULL;

    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL)
        return NULL;

    if (kind == PEM_PUBLIC) {
        pkey = PEM_read_bio_PUBKEY(bio, NULL, pem_no_password, NULL);
    } else if (kind == PEM_PRIVATE) {
        pkey = PEM_read_bio_PrivateKey(bio, NULL, pem_no_password, NULL);
    } else {
        X509 *cert = PEM_read_bio_X509(bio, NULL, pem_no_password, NULL);
        if (cert != NULL)
            pkey = X509_get_pubkey(cert);
        X509_free(cert);
    }
    BIO_free(bio);
    return pkey;
}

static jwg_err add_pem(jwg_keyset *ks, const char *pem, size_t len, const char *alg,
                       const char *kid, enum pem_kind kind)
{
    jwg_key *key = NULL;
    EVP_PKEY *pkey = NULL;
    jwg_err rc;

    JWG_ENSURE(ks != NULL && pem != NULL, JWG_ERR_INVALID_ARGUMENT);
    ks->detail[0] = '\0';
    if (len > JWG_JWK_MAX_BYTES) {
        jwg_detail_set(ks->detail, sizeof(ks->detail), "PEM text is larger than %u bytes",
                       JWG_JWK_MAX_BYTES);
        return JWG_ERR_INVALID_ARGUMENT;
    }

    ERR_set_mark();
    if (!pem_label_is(pem, len, kind) || (pkey = pem_read_key(pem, len, kind)) == NULL) {
        jwg_detail_set(ks->detail, sizeof(ks->detail),
                       "input is not an unencrypted PEM block labelled \"%s\"", pem_labels[kind]);
        rc = JWG_ERR_KEY_INVALID;
        goto out;
    }

    jwg_key_spec spec = spec_from_args(alg, kid, kind == PEM_PRIVATE);
    JWG_TRY_GOTO(jwg_key_from_pkey(pkey, &spec, &key, ks->detail, sizeof(ks->detail)), rc, out);
    pkey = NULL;
    rc = commit_single(ks, key);

out:
    ERR_pop_to_mark();
    EVP_PKEY_free(pkey);
    return rc;
}

jwg_err jwg_keyset_add_pem_public(jwg_keyset *ks, const char *pem, size_t len, const char *alg,
                                  const char *kid)
{
    return add_pem(ks, pem, len, alg, kid, PEM_PUBLIC);
}

jwg_err jwg_keyset_add_pem_cert(jwg_keyset *ks, const char *pem, size_t len, const char *alg,
                                const char *kid)
{
    return add_pem(ks, pem, len, alg, kid, PEM_CERT);
}

jwg_err jwg_keyset_add_pem_private(jwg_keyset *ks, const char *pem, size_t len, const char *alg,
                                   const char *kid)
{
    return add_pem(ks, pem, len, alg, kid, PEM_PRIVATE);
}
