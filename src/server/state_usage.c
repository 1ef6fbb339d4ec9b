/*
 * state_usage.c: the per-instance usage table behind the anomaly rule. It
 * maps a token fingerprint to the distinct regions, services and client
 * networks seen within the sliding window, with fixed bounds: the least
 * recently used fingerprint is evicted when the table is full.
 *
 * Values are kept as 64-bit hashes with a per-process random seed, not as
 * text, to bound memory. Two values whose hashes collide count once, which
 * can only undercount; the Redis usage records keep the text.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "server/state_int.h"

const char *const srv_dimension_names[SRV_DIM_COUNT] = {"regions", "services", "networks"};

/* Bucket count: a power of two, twice the fingerprint bound. */
#define USAGE_BUCKETS (SRV_USAGE_MAX_FINGERPRINTS * 2u)

/* Index of no entry in the bucket chains and in the recency list. */
#define USAGE_NONE UINT32_MAX

struct usage_value {
    uint64_t hash;
    int64_t last_seen; /* INT64_MIN for a free slot */
    int64_t written;   /* when this instance last sent the value to Redis */
};

struct usage_entry {
    uint8_t fp[SRV_FP_LEN];
    uint32_t chain_next;     /* next entry in the same bucket */
    uint32_t newer, older;   /* neighbours in the recency list */
    int64_t deny_until;      /* INT64_MIN when not denied */
    int64_t alerted_at[SRV_DIM_COUNT];
    struct usage_value values[SRV_DIM_COUNT][SRV_USAGE_MAX_VALUES];
};

struct srv_usage_table {
    struct usage_entry *entries; /* SRV_USAGE_MAX_FINGERPRINTS slots */
    uint32_t buckets[USAGE_BUCKETS];
    uint32_t used;               /* slots 0..used-1 are live; eviction reuses a slot */
    uint32_t newest, oldest;     /* ends of the recency list */
    uint64_t seed;
};

srv_usage_table *srv_usage_new(void)
{
    srv_usage_table *t = calloc(1, sizeof(*t));

    if (t == NULL)
        return NULL;
    t->entries = calloc(SRV_USAGE_MAX_FINGERPRINTS, sizeof(*t->entries));
    if (t->entries == NULL || RAND_bytes((unsigned char *)&t->seed, sizeof(t->seed)) != 1) {
        srv_usage_free(t);
        return NULL;
    }
    for (size_t i = 0; i < USAGE_BUCKETS; i++)
        t->buckets[i] = USAGE_NONE;
    t->newest = USAGE_NONE;
    t->oldest = USAGE_NONE;
    return t;
}

void srv_usage_free(srv_usage_table *t)
{
    if (t == NULL)
        return;
    free(t->entries);
    free(t);
}

/* A fingerprint is SHA-256 output, so its first bytes are already uniform. */
static uint32_t bucket_of(const uint8_t fp[SRV_FP_LEN])
{
    uint32_t h = (uint32_t)fp[0] | (uint32_t)fp[1] << 8 | (uint32_t)fp[2] << 16 |
                 (uint32_t)fp[3] << 24;

    return h & (USAGE_BUCKETS - 1u);
}

/* FNV-1a 64 started from the table's random seed. */
static uint64_t hash_value(const srv_usage_table *t, const char *s)
{
    uint64_t h = 14695981039346656037u ^ t->seed;
    size_t len = strnlen(s, SRV_USAGE_MAX_VALUE_BYTES);

    for (size_t i = 0; i < len; i++) {
        h ^= (uint8_t)s[i];
        h *= 1099511628211u;
    }
    return h;
}

static uint32_t find_entry(const srv_usage_table *t, const uint8_t fp[SRV_FP_LEN])
{
    uint32_t i = t->buckets[bucket_of(fp)];

    while (i != USAGE_NONE && memcmp(t->entries[i].fp, fp, SRV_FP_LEN) != 0)
        i = t->entries[i].chain_next;
    return i;
}

static void unlink_recency(srv_usage_table *t, uint32_t i)
{
    struct usage_entry *e = &t->entries[i];

    if (e->newer != USAGE_NONE)
        t->entries[e->newer].older = e->older;
    else
        t->newest = e->older;
    if (e->older != USAGE_NONE)
        t->entries[e->older].newer = e->newer;
    else
        t->oldest = e->newer;
}

static void push_newest(srv_usage_table *t, uint32_t i)
{
    struct usage_entry *e = &t->entries[i];

    e->newer = USAGE_NONE;
    e->older = t->newest;
    if (t->newest != USAGE_NONE)
        t->entries[t->newest].newer = i;
    t->newest = i;
    if (t->oldest == USAGE_NONE)
        t->oldest = i;
}

static void unlink_bucket(srv_usage_table *t, uint32_t i)
{
    uint32_t *link = &t->buckets[bucket_of(t->entries[i].fp)];

    while (*link != i)
        link = &t->entries[*link].chain_next;
    *link = t->entries[i].chain_next;
}

/* Takes a free slot, or evicts the least recently used fingerprint. */
static uint32_t take_slot(srv_usage_table *t)
{
    uint32_t i;

    if (t->used < SRV_USAGE_MAX_FINGERPRINTS)
        return t->used++;
    i = t->oldest;
    unlink_recency(t, i);
    unlink_bucket(t, i);
    return i;
}

static uint32_t insert_entry(srv_usage_table *t, const uint8_t fp[SRV_FP_LEN])
{
    uint32_t i = take_slot(t);
    struct usage_entry *e = &t->entries[i];
    uint32_t b = bucket_of(fp);

    memcpy(e->fp, fp, SRV_FP_LEN);
    e->deny_until = INT64_MIN;
    for (size_t d = 0; d < SRV_DIM_COUNT; d++) {
        e->alerted_at[d] = INT64_MIN;
        for (size_t v = 0; v < SRV_USAGE_MAX_VALUES; v++)
            e->values[d][v].last_seen = INT64_MIN;
    }
    e->chain_next = t->buckets[b];
    t->buckets[b] = i;
    push_newest(t, i);
    return i;
}

/* Finds the fingerprint, tracking it when new, and makes it the most recent. */
static struct usage_entry *touch_entry(srv_usage_table *t, const uint8_t fp[SRV_FP_LEN])
{
    uint32_t i = find_entry(t, fp);

    if (i == USAGE_NONE)
        return &t->entries[insert_entry(t, fp)];
    unlink_recency(t, i);
    push_newest(t, i);
    return &t->entries[i];
}

/* A value is in the window when it was last seen less than `window` seconds ago. */
static bool in_window(int64_t last_seen, int64_t now, int64_t window)
{
    return last_seen != INT64_MIN && last_seen > now - window;
}

/*
 * Records one value of one dimension and counts the values in the window.
 * When all slots are in the window, the new value is not stored and the
 * count stays at the bound, which is above any accepted limit. A value is
 * rewritten to Redis every half window so that its record there, which
 * expires after a window, stays while this instance still receives it.
 */
static void observe_value(struct usage_value *slots, uint64_t hash, int64_t now, int64_t window,
                          bool *needs_write, uint32_t *seen)
{
    struct usage_value *found = NULL, *free_slot = NULL;
    uint32_t count = 0;

    for (size_t v = 0; v < SRV_USAGE_MAX_VALUES; v++) {
        if (!in_window(slots[v].last_seen, now, window)) {
            if (free_slot == NULL)
                free_slot = &slots[v];
            continue;
        }
        count++;
        if (slots[v].hash == hash)
            found = &slots[v];
    }

    if (found == NULL && free_slot != NULL) {
        found = free_slot;
        found->hash = hash;
        found->written = INT64_MIN;
        count++;
    }
    *needs_write = found == NULL || found->written <= now - window / 2;
    if (found != NULL) {
        found->last_seen = now;
        if (*needs_write)
            found->written = now;
    }
    *seen = count;
}

void srv_usage_observe(srv_usage_table *t, const uint8_t fp[SRV_FP_LEN], const srv_usage *u,
                       int64_t now, int64_t window, srv_observation *obs)
{
    const char *values[SRV_DIM_COUNT] = {u->region, u->service, u->network};
    struct usage_entry *e = touch_entry(t, fp);

    memset(obs, 0, sizeof(*obs));
    for (size_t d = 0; d < SRV_DIM_COUNT; d++) {
        if (values[d] == NULL || values[d][0] == '\0')
            continue;
        observe_value(e->values[d], hash_value(t, values[d]), now, window, &obs->needs_write[d],
                      &obs->seen[d]);
    }
}

int64_t srv_usage_denied_until(const srv_usage_table *t, const uint8_t fp[SRV_FP_LEN])
{
    uint32_t i = find_entry(t, fp);

    return i == USAGE_NONE ? INT64_MIN : t->entries[i].deny_until;
}

bool srv_usage_mark_alert(srv_usage_table *t, const uint8_t fp[SRV_FP_LEN], enum srv_dimension dim,
                          int64_t now, int64_t window)
{
    uint32_t i = find_entry(t, fp);

    if (i == USAGE_NONE || in_window(t->entries[i].alerted_at[dim], now, window))
        return false;
    t->entries[i].alerted_at[dim] = now;
    return true;
}

void srv_usage_deny(srv_usage_table *t, const uint8_t fp[SRV_FP_LEN], int64_t until)
{
    struct usage_entry *e = touch_entry(t, fp);

    if (until > e->deny_until)
        e->deny_until = until;
}
