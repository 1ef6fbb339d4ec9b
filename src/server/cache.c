/*
 * cache.c: the verified-token cache (cache.h): 16 shards, each a hash table
 * with chaining and an LRU list under its own mutex, so threads that look
 * up different tokens rarely wait on each other.
 */
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "server/cache.h"

#define SHARD_COUNT 16u

typedef struct shard {
    pthread_mutex_t lock;
    srv_entry **buckets;
    size_t bucket_count; /* a power of two */
    size_t count;
    size_t max;
    srv_entry *lru_head; /* most recently used */
    srv_entry *lru_tail;
} shard;

struct srv_cache {
    shard shards[SHARD_COUNT];
    bool enabled;
    atomic_uint_fast64_t hits;
    atomic_uint_fast64_t misses;
    atomic_uint_fast64_t entries;
    atomic_uint_fast64_t evictions;
};

void srv_entry_ref(srv_entry *e)
{
    atomic_fetch_add(&e->refs, 1);
}

void srv_entry_unref(srv_entry *e)
{
    if (e == NULL || atomic_fetch_sub(&e->refs, 1) != 1)
        return;
    free(e->header_values);
    free(e->route_errors);
    free(e->text);
    free(e);
}

/* The fingerprint is a SHA-256, so its leading bytes are already uniform. */
static size_t fp_word(const uint8_t *fp, size_t at)
{
    size_t v = 0;
    memcpy(&v, fp + at, sizeof(v));
    return v;
}

static shard *shard_of(srv_cache *c, const uint8_t *fp)
{
    return &c->shards[fp[0] % SHARD_COUNT];
}

srv_cache *srv_cache_new(size_t max_entries)
{
    srv_cache *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;

    c->enabled = max_entries > 0;
    size_t per_shard = max_entries / SHARD_COUNT + 1;
    size_t buckets = 16;
    while (buckets < per_shard && buckets < ((size_t)1 << 24))
        buckets <<= 1;
    for (size_t i = 0; i < SHARD_COUNT; i++) {
        shard *s = &c->shards[i];
        pthread_mutex_init(&s->lock, NULL);
        s->max = per_shard;
        s->bucket_count = buckets;
        s->buckets = c->enabled ? calloc(buckets, sizeof(*s->buckets)) : NULL;
        if (c->enabled && s->buckets == NULL) {
            c->enabled = false;
            srv_cache_free(c);
            return NULL;
        }
    }
    return c;
}

static void lru_unlink(shard *s, srv_entry *e)
{
    if (e->lru_prev != NULL)
        e->lru_prev->lru_next = e->lru_next;
    else
        s->lru_head = e->lru_next;
    if (e->lru_next != NULL)
        e->lru_next->lru_prev = e->lru_prev;
    else
        s->lru_tail = e->lru_prev;
    e->lru_prev = e->lru_next = NULL;
}

static void lru_push_front(shard *s, srv_entry *e)
{
    e->lru_prev = NULL;
    e->lru_next = s->lru_head;
    if (s->lru_head != NULL)
        s->lru_head->lru_prev = e;
    s->lru_head = e;
    if (s->lru_tail == NULL)
        s->lru_tail = e;
}

/* Removes `e` from shard `s` and drops the cache's reference. */
static void shard_remove(srv_cache *c, shard *s, srv_entry *e)
{
    srv_entry **slot = &s->buckets[fp_word(e->facts.fp, 8) & (s->bucket_count - 1)];
    while (*slot != NULL && *slot != e)
        slot = &(*slot)->hash_next;
    if (*slot == e)
        *slot = e->hash_next;
    lru_unlink(s, e);
    s->count--;
    atomic_fetch_sub(&c->entries, 1);
    srv_entry_unref(e);
}

static srv_entry *shard_find(shard *s, const uint8_t *fp)
{
    srv_entry *e = s->buckets[fp_word(fp, 8) & (s->bucket_count - 1)];
    while (e != NULL && CRYPTO_memcmp(e->facts.fp, fp, SRV_FP_LEN) != 0)
        e = e->hash_next;
    return e;
}

srv_entry *srv_cache_get(srv_cache *c, const uint8_t fp[SRV_FP_LEN], uint64_t generation, int64_t now)
{
    if (c == NULL || !c->enabled) {
        if (c != NULL)
            atomic_fetch_add(&c->misses, 1);
        return NULL;
    }

    shard *s = shard_of(c, fp);
    pthread_mutex_lock(&s->lock);
    srv_entry *e = shard_find(s, fp);
    if (e != NULL && (e->generation != generation || now >= e->until)) {
        shard_remove(c, s, e);
        e = NULL;
    }
    if (e != NULL) {
        lru_unlink(s, e);
        lru_push_front(s, e);
        srv_entry_ref(e);
    }
    pthread_mutex_unlock(&s->lock);

    atomic_fetch_add(e != NULL ? &c->hits : &c->misses, 1);
    return e;
}

void srv_cache_put(srv_cache *c, srv_entry *e)
{
    if (c == NULL || !c->enabled)
        return;

    shard *s = shard_of(c, e->facts.fp);
    pthread_mutex_lock(&s->lock);
    srv_entry *old = shard_find(s, e->facts.fp);
    if (old != NULL)
        shard_remove(c, s, old);
    if (s->count >= s->max && s->lru_tail != NULL) {
        shard_remove(c, s, s->lru_tail);
        atomic_fetch_add(&c->evictions, 1);
    }

    srv_entry **slot = &s->buckets[fp_word(e->facts.fp, 8) & (s->bucket_count - 1)];
    srv_entry_ref(e);
    e->hash_next = *slot;
    *slot = e;
    lru_push_front(s, e);
    s->count++;
    atomic_fetch_add(&c->entries, 1);
    pthread_mutex_unlock(&s->lock);
}

void srv_cache_flush(srv_cache *c)
{
    if (c == NULL || !c->enabled)
        return;
    for (size_t i = 0; i < SHARD_COUNT; i++) {
        shard *s = &c->shards[i];
        pthread_mutex_lock(&s->lock);
        while (s->lru_head != NULL)
            shard_remove(c, s, s->lru_head);
        pthread_mutex_unlock(&s->lock);
    }
}

void srv_cache_free(srv_cache *c)
{
    if (c == NULL)
        return;
    srv_cache_flush(c);
    for (size_t i = 0; i < SHARD_COUNT; i++) {
        free(c->shards[i].buckets);
        pthread_mutex_destroy(&c->shards[i].lock);
    }
    free(c);
}

void srv_cache_get_stats(srv_cache *c, srv_cache_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (c == NULL)
        return;
    out->hits = atomic_load(&c->hits);
    out->misses = atomic_load(&c->misses);
    out->entries = atomic_load(&c->entries);
    out->evictions = atomic_load(&c->evictions);
}
