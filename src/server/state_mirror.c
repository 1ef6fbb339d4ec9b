/*
 * state_mirror.c: the local mirror of revocations, a chained hash set keyed
 * by kind and id (a jti, or a sub with its iat cut-off), so that a check
 * never waits for Redis. The bucket array doubles as entries are added, and
 * srv_mirror_put() rejects entries past SRV_MIRROR_MAX_ENTRIES.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "server/state_int.h"

#define MIRROR_MIN_BUCKETS 1024u

struct mirror_entry {
    struct mirror_entry *next;
    int64_t before;     /* sub: tokens issued before this are revoked */
    int64_t expires_at; /* Unix seconds; the entry applies while now < expires_at */
    uint64_t hash;
    size_t id_len;
    char kind;
    char id[];
};

struct srv_mirror {
    struct mirror_entry **buckets;
    size_t bucket_count; /* a power of two */
    size_t count;
    uint64_t seed;
};

srv_mirror *srv_mirror_new(void)
{
    srv_mirror *m = calloc(1, sizeof(*m));

    if (m == NULL)
        return NULL;
    m->bucket_count = MIRROR_MIN_BUCKETS;
    m->buckets = calloc(m->bucket_count, sizeof(*m->buckets));
    if (m->buckets == NULL || RAND_bytes((unsigned char *)&m->seed, sizeof(m->seed)) != 1) {
        srv_mirror_free(m);
        return NULL;
    }
    return m;
}

void srv_mirror_free(srv_mirror *m)
{
    if (m == NULL)
        return;
    for (size_t b = 0; m->buckets != NULL && b < m->bucket_count; b++) {
        struct mirror_entry *e = m->buckets[b];

        while (e != NULL) {
            struct mirror_entry *next = e->next;

            free(e);
            e = next;
        }
    }
    free(m->buckets);
    free(m);
}

/* FNV-1a 64 over the kind and the id, started from the mirror's random seed. */
static uint64_t hash_id(const srv_mirror *m, char kind, const char *id, size_t len)
{
    uint64_t h = (14695981039346656037u ^ m->seed ^ (uint8_t)kind) * 1099511628211u;

    for (size_t i = 0; i < len; i++) {
        h ^= (uint8_t)id[i];
        h *= 1099511628211u;
    }
    return h;
}

static struct mirror_entry *find(const srv_mirror *m, char kind, const char *id, size_t len)
{
    uint64_t h = hash_id(m, kind, id, len);
    struct mirror_entry *e = m->buckets[h & (m->bucket_count - 1u)];

    while (e != NULL) {
        if (e->hash == h && e->kind == kind && e->id_len == len && memcmp(e->id, id, len) == 0)
            return e;
        e = e->next;
    }
    return NULL;
}

/* Doubles the bucket array; on allocation failure the set keeps working with longer chains. */
static void grow(srv_mirror *m)
{
    size_t count = m->bucket_count * 2u;
    struct mirror_entry **buckets = calloc(count, sizeof(*buckets));

    if (buckets == NULL)
        return;
    for (size_t b = 0; b < m->bucket_count; b++) {
        struct mirror_entry *e = m->buckets[b];

        while (e != NULL) {
            struct mirror_entry *next = e->next;
            size_t nb = (size_t)(e->hash & (count - 1u));

            e->next = buckets[nb];
            buckets[nb] = e;
            e = next;
        }
    }
    free(m->buckets);
    m->buckets = buckets;
    m->bucket_count = count;
}

bool srv_mirror_put(srv_mirror *m, enum srv_revocation_kind kind, const char *id, size_t id_len,
                    int64_t before, int64_t expires_at)
{
    struct mirror_entry *e = find(m, (char)kind, id, id_len);
    size_t b;

    if (e != NULL) {
        e->before = before > e->before ? before : e->before;
        e->expires_at = expires_at > e->expires_at ? expires_at : e->expires_at;
        return true;
    }
    if (m->count >= SRV_MIRROR_MAX_ENTRIES || id_len > SRV_MAX_ID_BYTES)
        return false;
    e = malloc(sizeof(*e) + id_len);
    if (e == NULL)
        return false;

    e->kind = (char)kind;
    e->before = before;
    e->expires_at = expires_at;
    e->id_len = id_len;
    memcpy(e->id, id, id_len);
    e->hash = hash_id(m, (char)kind, id, id_len);
    b = (size_t)(e->hash & (m->bucket_count - 1u));
    e->next = m->buckets[b];
    m->buckets[b] = e;
    m->count++;
    if (m->count > m->bucket_count)
        grow(m);
    return true;
}

/*
 * A sub revocation covers tokens issued before its cut-off. A token without
 * iat (INT64_MIN) is older than any cut-off, so it is revoked: fail safe.
 * NOTE: ids are not scoped to an issuer, so a revocation applies to every
 * issuer that uses the same jti or sub.
 */
bool srv_mirror_revoked(const srv_mirror *m, const srv_token_facts *t, int64_t now)
{
    const struct mirror_entry *e;

    if (t->jti != NULL) {
        e = find(m, SRV_REVOKE_JTI, t->jti, strlen(t->jti));
        if (e != NULL && now < e->expires_at)
            return true;
    }
    if (t->sub != NULL) {
        e = find(m, SRV_REVOKE_SUB, t->sub, strlen(t->sub));
        if (e != NULL && now < e->expires_at && t->iat < e->before)
            return true;
    }
    return false;
}

void srv_mirror_purge(srv_mirror *m, int64_t now)
{
    for (size_t b = 0; b < m->bucket_count; b++) {
        struct mirror_entry **link = &m->buckets[b];

        while (*link != NULL) {
            struct mirror_entry *e = *link;

            if (now < e->expires_at) {
                link = &e->next;
                continue;
            }
            *link = e->next;
            free(e);
            m->count--;
        }
    }
}

size_t srv_mirror_count(const srv_mirror *m)
{
    return m->count;
}
