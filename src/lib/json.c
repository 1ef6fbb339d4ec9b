/*
 * json.c: a strict, allocation-free JSON reader (RFC 8259) for JOSE headers
 * and JWT claims.
 *
 * The parser makes one pass over the text and writes a flat pre-order array
 * of nodes (see jwg_json_node in internal.h). It does not recurse: each open
 * container keeps its parent's index in its `next` field until it closes, so
 * the node array doubles as the parse stack and depth costs no memory.
 *
 * Beyond RFC 8259's grammar it rejects what a JWT verifier must not guess
 * about: invalid UTF-8 anywhere (RFC 8259 8.1), unpaired surrogate escapes,
 * duplicate member names (RFC 7515 5.2 and RFC 7519 4 allow rejecting them),
 * nesting deeper than the caller's maximum, and a byte order mark.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Hot-path helpers are forced inline so that the parser state stays in registers. */
#define JSON_HOT static inline __attribute__((always_inline))

/* Set on an open object that has an escaped member name; cleared when it closes. */
#define JSON_OPEN_ESCAPED_NAME 0x80u

/* Marks "no container" in the parent chain and the parse stack. */
#define JSON_NONE UINT32_MAX

/* Objects with at most this many members are checked for duplicates without sorting. */
#define JSON_DUP_PAIRWISE_MAX 16u

/* Digits kept when converting a number to double; later digits cannot change it by more than 1 ulp. */
#define JSON_DOUBLE_DIGITS 40u

/* An exponent is clamped here while read, far beyond any finite double or int64_t. */
#define JSON_EXP_CLAMP 100000000

/* Node capacity used by jwg_json_validate() without touching the heap. */
#define JSON_VALIDATE_STACK_NODES 128u

struct json_parser {
    const uint8_t *src;
    size_t len;
    size_t pos;
    jwg_json_node *nodes;
    size_t cap;
    size_t count;
    uint32_t open; /* innermost open container, or JSON_NONE */
    size_t depth;
    size_t max_depth;
};

/* Character classes inside a string: 0 is a byte copied as is. */
enum { CH_PLAIN = 0, CH_QUOTE, CH_ESCAPE, CH_CONTROL, CH_UTF8 };

static const uint8_t json_string_class[256] = {
    /* 0x00-0x1f: control characters must be escaped (RFC 8259 7) */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};

/* ---- lexical helpers ---------------------------------------------------- */

static inline bool json_is_ws(uint8_t c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

JSON_HOT void json_skip_ws(struct json_parser *p)
{
    /* Token-dense JOSE JSON rarely has whitespace, so one compare usually ends this. */
    while (p->pos < p->len && p->src[p->pos] <= ' ' && json_is_ws(p->src[p->pos]))
        p->pos++;
}

/* Reads 8 bytes as a little-endian word, so byte k is bits 8k..8k+7 on any host. */
static inline uint64_t json_load64_le(const uint8_t *s)
{
    uint64_t w;
    memcpy(&w, s, sizeof(w));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

static inline bool json_is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

int jwg_hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads the 4 hex digits of a \u escape at `s` (bounds checked by the caller). */
static int32_t json_hex4(const uint8_t *s)
{
    int32_t v = 0;
    for (size_t i = 0; i < 4; i++) {
        int h = jwg_hex_digit(s[i]);
        if (h < 0)
            return -1;
        v = (v << 4) | h;
    }
    return v;
}

/*
 * Returns the length of the well-formed UTF-8 sequence at s[0..n), or 0.
 * Overlong forms, surrogates (U+D800..U+DFFF) and code points above
 * U+10FFFF are ill-formed (Unicode 15, table 3-7).
 */
static size_t json_utf8_len(const uint8_t *s, size_t n)
{
    uint8_t c = s[0];
    size_t need;
    uint8_t lo = 0x80, hi = 0xbf;

    if (c >= 0xc2 && c <= 0xdf)
        need = 2;
    else if (c >= 0xe0 && c <= 0xef)
        need = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        need = 4;
    else
        return 0;

    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;

    if (n < need || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++) {
        if ((s[i] & 0xc0u) != 0x80u)
            return 0;
    }
    return need;
}

/* ---- node bookkeeping --------------------------------------------------- */

/* Appends a node spanning from `start`; NULL when the capacity is used up. */
JSON_HOT jwg_json_node *json_node_add(struct json_parser *p, jwg_json_type type,
                                           size_t start)
{
    if (p->count >= p->cap)
        return NULL;

    jwg_json_node *n = &p->nodes[p->count];
    n->start = (uint32_t)start;
    n->len = 0;
    n->next = (uint32_t)(p->count + 1);
    n->count = 0;
    n->type = (uint8_t)type;
    n->flags = 0;
    p->count++;
    return n;
}

/*
 * Returns the error for a full node array. A valid document of len bytes
 * never needs more than jwg_json_nodes_max(len) nodes, so with at least
 * that many the text must be invalid: containers were opened that the rest
 * of the input cannot close. Only a smaller capacity is the caller's fault.
 */
static jwg_err json_capacity_error(const struct json_parser *p)
{
    if (p->cap >= jwg_json_nodes_max(p->len))
        return JWG_ERR_JSON_SYNTAX;
    return JWG_ERR_INVALID_ARGUMENT;
}

/* Counts one finished value (or member) in the innermost open container. */
JSON_HOT void json_value_done(struct json_parser *p)
{
    if (p->open != JSON_NONE)
        p->nodes[p->open].count++;
}

/* ---- scalars ------------------------------------------------------------ */

/*
 * Checks the escape at s[0] == '\\' and returns its length in `*adv`.
 * A high surrogate must be followed by an escaped low surrogate, and a low
 * surrogate may not stand alone (RFC 8259 7).
 */
static jwg_err json_check_escape(const uint8_t *s, size_t n, size_t *adv)
{
    JWG_ENSURE(n >= 2, JWG_ERR_JSON_SYNTAX);

    switch (s[1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        *adv = 2;
        return JWG_OK;
    case 'u':
        break;
    default:
        return JWG_ERR_JSON_SYNTAX;
    }

    JWG_ENSURE(n >= 6, JWG_ERR_JSON_SYNTAX);
    int32_t cp = json_hex4(s + 2);
    JWG_ENSURE(cp >= 0, JWG_ERR_JSON_SYNTAX);
    JWG_ENSURE(cp < 0xdc00 || cp > 0xdfff, JWG_ERR_JSON_UTF8);
    *adv = 6;
    if (cp < 0xd800 || cp > 0xdbff)
        return JWG_OK;

    JWG_ENSURE(n >= 12 && s[6] == '\\' && s[7] == 'u', JWG_ERR_JSON_UTF8);
    int32_t low = json_hex4(s + 8);
    JWG_ENSURE(low >= 0, JWG_ERR_JSON_SYNTAX);
    JWG_ENSURE(low >= 0xdc00 && low <= 0xdfff, JWG_ERR_JSON_UTF8);
    *adv = 12;
    return JWG_OK;
}

/*
 * Returns the first index at or after `i` whose byte is not CH_PLAIN.
 *
 * Eight bytes at a time, it flags bytes < 0x20, '"', '\\' and >= 0x80 with
 * the has-zero-byte test (v - ones) & ~v & highs. That test can flag a byte
 * above a true match, never below it, so the lowest flag in the
 * little-endian word marks the first special byte exactly.
 */
JSON_HOT size_t json_scan_plain(const uint8_t *s, size_t i, size_t n)
{
    const uint64_t ones = 0x0101010101010101u;
    const uint64_t highs = 0x8080808080808080u;

    while (i + 8 <= n) {
        uint64_t w = json_load64_le(s + i);
        uint64_t quote = w ^ (ones * '"');
        uint64_t backslash = w ^ (ones * '\\');
        uint64_t control = (w - ones * 0x20u) & ~w;
        uint64_t special = control | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash);
        uint64_t flags = (special | w) & highs;
        if (flags != 0)
            return i + (size_t)(__builtin_ctzll(flags) / 8);
        i += 8;
    }
    while (i < n && json_string_class[s[i]] == CH_PLAIN)
        i++;
    return i;
}

/*
 * Finds the closing quote of a string from index `i`, the first byte that
 * is not CH_PLAIN, checking escapes and UTF-8 sequences on the way. It is
 * kept out of line so that the plain-string path stays small.
 */
static __attribute__((noinline)) jwg_err json_string_slow(const uint8_t *s, size_t n, size_t i,
                                                          uint8_t *flags, size_t *end)
{
    for (;;) {
        JWG_ENSURE(i < n, JWG_ERR_JSON_SYNTAX);
        if (s[i] == '"')
            break;

        size_t adv = 1;
        switch (json_string_class[s[i]]) {
        case CH_ESCAPE:
            *flags = JWG_JSON_HAS_ESCAPE;
            JWG_TRY(json_check_escape(s + i, n - i, &adv));
            break;
        case CH_CONTROL:
            return JWG_ERR_JSON_SYNTAX;
        default:
            adv = json_utf8_len(s + i, n - i);
            JWG_ENSURE(adv != 0, JWG_ERR_JSON_UTF8);
            break;
        }
        i = json_scan_plain(s, i + adv, n);
    }

    *end = i;
    return JWG_OK;
}

/* Parses a string whose opening quote is at p->pos into a STRING node. */
JSON_HOT jwg_err json_string(struct json_parser *p)
{
    jwg_json_node *n = json_node_add(p, JWG_JSON_STRING, p->pos + 1);
    JWG_ENSURE(n != NULL, json_capacity_error(p));

    size_t i = json_scan_plain(p->src, p->pos + 1, p->len);
    if (i >= p->len || p->src[i] != '"')
        JWG_TRY(json_string_slow(p->src, p->len, i, &n->flags, &i));

    n->len = (uint32_t)(i - p->pos - 1);
    p->pos = i + 1;
    return JWG_OK;
}

/*
 * Skips one or more digits at s[*i]; fails when there is none. Eight bytes
 * are tested at a time: byte x is a digit when y = x ^ '0' is below 10, and
 * ((y & 0x7f) + 0x76) | y has its top bit set exactly when it is not. No
 * byte's sum carries into the next, so every byte is judged on its own.
 */
JSON_HOT jwg_err json_digits(const uint8_t *s, size_t n, size_t *i)
{
    const uint64_t ones = 0x0101010101010101u;

    JWG_ENSURE(*i < n && json_is_digit(s[*i]), JWG_ERR_JSON_SYNTAX);
    while (*i + 8 <= n) {
        uint64_t y = json_load64_le(s + *i) ^ (ones * '0');
        uint64_t other = (((y & (ones * 0x7fu)) + ones * 0x76u) | y) & (ones * 0x80u);
        if (other != 0) {
            *i += (size_t)(__builtin_ctzll(other) / 8);
            return JWG_OK;
        }
        *i += 8;
    }
    while (*i < n && json_is_digit(s[*i]))
        (*i)++;
    return JWG_OK;
}

/* Parses -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? (RFC 8259 6) into a NUMBER node. */
JSON_HOT jwg_err json_number(struct json_parser *p)
{
    const uint8_t *s = p->src;
    size_t n = p->len;
    size_t i = p->pos;
    uint8_t flags = JWG_JSON_INTEGER;

    if (s[i] == '-')
        i++;
    if (i < n && s[i] == '0')
        i++;
    else
        JWG_TRY(json_digits(s, n, &i));

    if (i < n && s[i] == '.') {
        i++;
        JWG_TRY(json_digits(s, n, &i));
        flags = 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        JWG_TRY(json_digits(s, n, &i));
        flags = 0;
    }

    jwg_json_node *node = json_node_add(p, JWG_JSON_NUMBER, p->pos);
    JWG_ENSURE(node != NULL, json_capacity_error(p));
    node->len = (uint32_t)(i - p->pos);
    node->flags = flags;
    p->pos = i;
    return JWG_OK;
}

JSON_HOT jwg_err json_literal(struct json_parser *p, const char *word, size_t n, jwg_json_type type)
{
    JWG_ENSURE(p->len - p->pos >= n && memcmp(p->src + p->pos, word, n) == 0,
               JWG_ERR_JSON_SYNTAX);

    jwg_json_node *node = json_node_add(p, type, p->pos);
    JWG_ENSURE(node != NULL, json_capacity_error(p));
    node->len = (uint32_t)n;
    p->pos += n;
    return JWG_OK;
}

/* ---- unescaping --------------------------------------------------------- */

/* Reads the unescaped bytes of a string node one UTF-8 sequence at a time. */
struct json_cursor {
    const uint8_t *p;
    const uint8_t *end;
    uint8_t buf[4];
    size_t buf_len;
    size_t buf_pos;
};

static void json_cursor_init(struct json_cursor *c, const uint8_t *s, size_t n)
{
    c->p = s;
    c->end = s + n;
    c->buf_len = 0;
    c->buf_pos = 0;
}

static size_t json_utf8_encode(uint32_t cp, uint8_t *out)
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xc0u | (cp >> 6));
        out[1] = (uint8_t)(0x80u | (cp & 0x3fu));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xe0u | (cp >> 12));
        out[1] = (uint8_t)(0x80u | ((cp >> 6) & 0x3fu));
        out[2] = (uint8_t)(0x80u | (cp & 0x3fu));
        return 3;
    }
    out[0] = (uint8_t)(0xf0u | (cp >> 18));
    out[1] = (uint8_t)(0x80u | ((cp >> 12) & 0x3fu));
    out[2] = (uint8_t)(0x80u | ((cp >> 6) & 0x3fu));
    out[3] = (uint8_t)(0x80u | (cp & 0x3fu));
    return 4;
}

/*
 * Decodes the escape at `s` (already validated by the parser) into `out`
 * and returns the number of bytes written; `*adv` receives its length.
 */
static size_t json_unescape_one(const uint8_t *s, uint8_t *out, size_t *adv)
{
    static const uint8_t simple[][2] = {
        {'"', '"'}, {'\\', '\\'}, {'/', '/'}, {'b', '\b'},
        {'f', '\f'}, {'n', '\n'}, {'r', '\r'}, {'t', '\t'},
    };

    for (size_t i = 0; i < JWG_ARRAY_LEN(simple); i++) {
        if (s[1] == simple[i][0]) {
            out[0] = simple[i][1];
            *adv = 2;
            return 1;
        }
    }

    uint32_t cp = (uint32_t)json_hex4(s + 2);
    *adv = 6;
    if (cp >= 0xd800 && cp <= 0xdbff) {
        uint32_t low = (uint32_t)json_hex4(s + 8);
        cp = 0x10000u + ((cp - 0xd800u) << 10) + (low - 0xdc00u);
        *adv = 12;
    }
    return json_utf8_encode(cp, out);
}

/* Returns the next unescaped byte, or -1 at the end of the string. */
static int json_cursor_next(struct json_cursor *c)
{
    if (c->buf_pos < c->buf_len)
        return c->buf[c->buf_pos++];
    if (c->p >= c->end)
        return -1;
    if (*c->p != '\\')
        return *c->p++;

    size_t adv;
    c->buf_len = json_unescape_one(c->p, c->buf, &adv);
    c->buf_pos = 1;
    c->p += adv;
    return c->buf[0];
}

/* Compares the unescaped bytes of two string nodes like memcmp. */
static int json_name_compare(const uint8_t *src, const jwg_json_node *a, const jwg_json_node *b)
{
    if (((a->flags | b->flags) & JWG_JSON_HAS_ESCAPE) == 0) {
        size_t n = a->len < b->len ? a->len : b->len;
        int r = memcmp(src + a->start, src + b->start, n);
        if (r != 0)
            return r;
        return (a->len > b->len) - (a->len < b->len);
    }

    struct json_cursor ca, cb;
    json_cursor_init(&ca, src + a->start, a->len);
    json_cursor_init(&cb, src + b->start, b->len);
    for (;;) {
        int x = json_cursor_next(&ca);
        int y = json_cursor_next(&cb);
        if (x != y || x < 0)
            return x - y;
    }
}

/* ---- duplicate member names --------------------------------------------- */

/*
 * Scratch space for sorting member name indices is the unused tail of the
 * node array, accessed bytewise so that no node is read through another
 * type. With a capacity of jwg_json_nodes_max(), at least k / 2 nodes
 * (10k bytes) are free when an object of k members closes. The reason is
 * that each member takes 2 nodes but at least 5 source bytes, and every
 * other node at least 2 bytes.
 */
/* The parsed nodes of an object being checked, and the unused node space after them. */
struct json_members {
    const uint8_t *src;
    const jwg_json_node *nodes;
    unsigned char *spare;
    size_t spare_len;
};

struct json_scratch {
    unsigned char *bytes;
    size_t count;
};

static uint32_t json_scratch_get(const struct json_scratch *s, size_t i)
{
    uint32_t v;
    memcpy(&v, s->bytes + i * sizeof(v), sizeof(v));
    return v;
}

static void json_scratch_set(struct json_scratch *s, size_t i, uint32_t v)
{
    memcpy(s->bytes + i * sizeof(v), &v, sizeof(v));
}

static int json_scratch_compare(const struct json_members *p, const struct json_scratch *s,
                                size_t i, size_t j)
{
    return json_name_compare(p->src, &p->nodes[json_scratch_get(s, i)],
                             &p->nodes[json_scratch_get(s, j)]);
}

static void json_scratch_swap(struct json_scratch *s, size_t i, size_t j)
{
    uint32_t t = json_scratch_get(s, i);
    json_scratch_set(s, i, json_scratch_get(s, j));
    json_scratch_set(s, j, t);
}

static void json_sift_down(const struct json_members *p, struct json_scratch *s, size_t root,
                           size_t end)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= end)
            return;
        if (child + 1 < end && json_scratch_compare(p, s, child, child + 1) < 0)
            child++;
        if (json_scratch_compare(p, s, root, child) >= 0)
            return;
        json_scratch_swap(s, root, child);
        root = child;
    }
}

/* Heapsort: O(k log k) comparisons whatever the names, with no allocation. */
static void json_scratch_sort(const struct json_members *p, struct json_scratch *s)
{
    for (size_t i = s->count / 2; i-- > 0;)
        json_sift_down(p, s, i, s->count);
    for (size_t end = s->count; end-- > 1;) {
        json_scratch_swap(s, 0, end);
        json_sift_down(p, s, 0, end);
    }
}

static jwg_err json_dup_sorted(const struct json_members *p, uint32_t obj,
                               struct json_scratch *s)
{
    size_t name = obj + 1u;
    for (size_t i = 0; i < s->count; i++) {
        json_scratch_set(s, i, (uint32_t)name);
        name = p->nodes[name + 1].next;
    }

    json_scratch_sort(p, s);
    for (size_t i = 1; i < s->count; i++) {
        if (json_scratch_compare(p, s, i - 1, i) == 0)
            return JWG_ERR_JSON_DUPLICATE;
    }
    return JWG_OK;
}

/* Returns true when two member names are equal after unescaping. */
static inline bool json_names_equal(const uint8_t *src, const jwg_json_node *x,
                                    const jwg_json_node *y)
{
    if (((x->flags | y->flags) & JWG_JSON_HAS_ESCAPE) != 0)
        return json_name_compare(src, x, y) == 0;
    if (x->len != y->len)
        return false;

    /* Names are short, so a byte loop beats a call to memcmp. */
    const uint8_t *a = src + x->start;
    const uint8_t *b = src + y->start;
    for (size_t i = 0; i < x->len; i++) {
        if (a[i] != b[i])
            return false;
    }
    return true;
}

static jwg_err json_dup_pairwise(const struct json_members *p, uint32_t obj)
{
    const jwg_json_node *nodes = p->nodes;
    size_t members = nodes[obj].count;

    size_t a = obj + 1u;
    for (size_t i = 0; i < members; i++) {
        size_t b = nodes[a + 1].next;
        for (size_t j = i + 1; j < members; j++) {
            if (json_names_equal(p->src, &nodes[a], &nodes[b]))
                return JWG_ERR_JSON_DUPLICATE;
            b = nodes[b + 1].next;
        }
        a = nodes[a + 1].next;
    }
    return JWG_OK;
}

/* Returns true when member name `name` of object `obj` equals an earlier one. */
static __attribute__((noinline)) bool json_dup_earlier(const uint8_t *src,
                                                       const jwg_json_node *nodes, uint32_t obj,
                                                       size_t name)
{
    for (size_t other = obj + 1u; other != name; other = nodes[other + 1].next) {
        if (json_names_equal(src, &nodes[other], &nodes[name]))
            return true;
    }
    return false;
}

/* Rejects an object that has two members with one unescaped name (RFC 7515 5.2). */
static __attribute__((noinline)) jwg_err json_check_duplicates(const struct json_members *p,
                                                               uint32_t obj)
{
    size_t members = p->nodes[obj].count;
    if (members <= JSON_DUP_PAIRWISE_MAX)
        return json_dup_pairwise(p, obj);

    /* NOTE: quadratic when the caller's capacity is below jwg_json_nodes_max(). */
    if (p->spare_len / sizeof(uint32_t) < members)
        return json_dup_pairwise(p, obj);

    struct json_scratch scratch = {p->spare, members};
    return json_dup_sorted(p, obj, &scratch);
}

/*
 * Checks the member name just parsed, the last node, against the earlier
 * names of the innermost open object. Only the first JSON_DUP_PAIRWISE_MAX
 * names are checked here, and json_close() sorts larger objects. A 32-bit
 * filter keyed on the name's length, first and last byte lives in the open
 * object's `len` field, which is unused until the object closes. The
 * multipliers put the registered claim names of RFC 7519 4.1 and the header
 * names alg, typ, kid and cty on distinct bits, so those are never compared
 * with each other. An escaped
 * name cannot be keyed on its raw bytes, so it marks the object for a
 * pairwise check when it closes.
 */
JSON_HOT jwg_err json_filter_name(struct json_parser *p)
{
    jwg_json_node *obj = &p->nodes[p->open];
    const jwg_json_node *name = &p->nodes[p->count - 1];
    if (obj->count >= JSON_DUP_PAIRWISE_MAX)
        return JWG_OK;
    if ((name->flags & JWG_JSON_HAS_ESCAPE) != 0) {
        obj->flags |= JSON_OPEN_ESCAPED_NAME;
        return JWG_OK;
    }

    const uint8_t *text = p->src + name->start;
    uint32_t key = name->len == 0 ? 0 : name->len + text[0] * 28u + text[name->len - 1] * 21u;
    uint32_t bit = UINT32_C(1) << (key & 31u);
    if ((obj->len & bit) != 0 && json_dup_earlier(p->src, p->nodes, p->open, p->count - 1))
        return JWG_ERR_JSON_DUPLICATE;
    obj->len |= bit;
    return JWG_OK;
}

/* ---- containers --------------------------------------------------------- */

JSON_HOT jwg_err json_open(struct json_parser *p, jwg_json_type type)
{
    JWG_ENSURE(p->depth < p->max_depth, JWG_ERR_JSON_DEPTH);

    jwg_json_node *node = json_node_add(p, type, p->pos);
    JWG_ENSURE(node != NULL, json_capacity_error(p));
    node->next = p->open; /* parent link until the container closes */
    p->open = (uint32_t)(p->count - 1);
    p->depth++;
    p->pos++;
    return JWG_OK;
}

JSON_HOT jwg_err json_close(struct json_parser *p)
{
    uint32_t idx = p->open;
    jwg_json_node *n = &p->nodes[idx];
    uint32_t parent = n->next;

    bool escaped_name = (n->flags & JSON_OPEN_ESCAPED_NAME) != 0;
    n->flags = 0;
    n->len = (uint32_t)(p->pos + 1 - n->start);
    n->next = (uint32_t)p->count;
    if (n->type == JWG_JSON_OBJECT && (escaped_name || n->count > JSON_DUP_PAIRWISE_MAX)) {
        struct json_members members = {
            .src = p->src,
            .nodes = p->nodes,
            .spare = (unsigned char *)(p->nodes + p->count),
            .spare_len = (p->cap - p->count) * sizeof(jwg_json_node),
        };
        JWG_TRY(json_check_duplicates(&members, idx));
    }

    p->pos++;
    p->depth--;
    p->open = parent;
    json_value_done(p);
    return JWG_OK;
}

/* Parses `"name" :` of an object member, leaving p->pos at the value. */
JSON_HOT jwg_err json_member_name(struct json_parser *p)
{
    JWG_ENSURE(p->pos < p->len && p->src[p->pos] == '"', JWG_ERR_JSON_SYNTAX);
    JWG_TRY(json_string(p));
    JWG_TRY(json_filter_name(p));

    json_skip_ws(p);
    JWG_ENSURE(p->pos < p->len && p->src[p->pos] == ':', JWG_ERR_JSON_SYNTAX);
    p->pos++;
    return JWG_OK;
}

/*
 * Opens a container and consumes what may follow its opening bracket: the
 * closing bracket, or an object's first member name. `*want_value` is set
 * when a value must come next.
 */
JSON_HOT jwg_err json_open_container(struct json_parser *p, jwg_json_type type, bool *want_value)
{
    uint8_t close = type == JWG_JSON_OBJECT ? '}' : ']';
    JWG_TRY(json_open(p, type));

    json_skip_ws(p);
    if (p->pos < p->len && p->src[p->pos] == close) {
        *want_value = false;
        return json_close(p);
    }

    *want_value = true;
    if (type == JWG_JSON_OBJECT)
        return json_member_name(p);
    return JWG_OK;
}

/* Parses the value at p->pos: a whole scalar, or the start of a container. */
JSON_HOT jwg_err json_value(struct json_parser *p, bool *want_value)
{
    JWG_ENSURE(p->pos < p->len, JWG_ERR_JSON_SYNTAX);

    uint8_t c = p->src[p->pos];
    *want_value = false;
    switch (c) {
    case '{':
        return json_open_container(p, JWG_JSON_OBJECT, want_value);
    case '[':
        return json_open_container(p, JWG_JSON_ARRAY, want_value);
    case '"':
        JWG_TRY(json_string(p));
        break;
    case 't':
        JWG_TRY(json_literal(p, "true", 4, JWG_JSON_TRUE));
        break;
    case 'f':
        JWG_TRY(json_literal(p, "false", 5, JWG_JSON_FALSE));
        break;
    case 'n':
        JWG_TRY(json_literal(p, "null", 4, JWG_JSON_NULL));
        break;
    default:
        JWG_ENSURE(c == '-' || json_is_digit(c), JWG_ERR_JSON_SYNTAX);
        JWG_TRY(json_number(p));
        break;
    }
    json_value_done(p);
    return JWG_OK;
}

/* After a value inside a container: a comma and the next element or member, or the close. */
JSON_HOT jwg_err json_after_value(struct json_parser *p, bool *want_value)
{
    JWG_ENSURE(p->pos < p->len, JWG_ERR_JSON_SYNTAX);

    uint8_t c = p->src[p->pos];
    bool is_object = p->nodes[p->open].type == JWG_JSON_OBJECT;
    if (c == (is_object ? '}' : ']')) {
        *want_value = false;
        return json_close(p);
    }

    JWG_ENSURE(c == ',', JWG_ERR_JSON_SYNTAX);
    p->pos++;
    *want_value = true;
    if (!is_object)
        return JWG_OK;

    json_skip_ws(p);
    return json_member_name(p);
}

JSON_HOT jwg_err json_run(struct json_parser *p)
{
    bool want_value = true;
    for (;;) {
        json_skip_ws(p);
        if (want_value) {
            JWG_TRY(json_value(p, &want_value));
            continue;
        }
        if (p->open == JSON_NONE)
            return p->pos == p->len ? JWG_OK : JWG_ERR_JSON_SYNTAX;
        JWG_TRY(json_after_value(p, &want_value));
    }
}

/* ---- public entry points ------------------------------------------------ */

size_t jwg_json_nodes_max(size_t len)
{
    /* Every value takes at least one byte plus one separator: at most (len + 1) / 2 nodes. */
    if (len > SIZE_MAX - 4)
        return SIZE_MAX / sizeof(jwg_json_node);
    return len / 2 + 2;
}

jwg_err jwg_json_parse(const uint8_t *src, size_t len, jwg_json_node *nodes, size_t cap,
                       size_t max_depth, jwg_json_doc *doc)
{
    JWG_ENSURE(doc != NULL, JWG_ERR_INVALID_ARGUMENT);
    memset(doc, 0, sizeof(*doc));
    JWG_ENSURE(src != NULL || len == 0, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(nodes != NULL || cap == 0, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(len < UINT32_MAX && cap < UINT32_MAX, JWG_ERR_INVALID_ARGUMENT);

    struct json_parser p = {
        .src = src, .len = len, .nodes = nodes, .cap = cap, .open = JSON_NONE,
        .max_depth = max_depth,
    };
    JWG_TRY(json_run(&p));

    doc->src = src;
    doc->src_len = len;
    doc->nodes = nodes;
    doc->count = p.count;
    return JWG_OK;
}

jwg_err jwg_json_validate(const uint8_t *src, size_t len, size_t max_depth)
{
    jwg_json_node stack_nodes[JSON_VALIDATE_STACK_NODES];
    jwg_json_node *nodes = stack_nodes;
    size_t cap = jwg_json_nodes_max(len);
    jwg_json_doc doc;
    jwg_err rc;

    if (cap > JSON_VALIDATE_STACK_NODES) {
        nodes = calloc(cap, sizeof(*nodes));
        JWG_ENSURE(nodes != NULL, JWG_ERR_NOMEM);
    }

    rc = jwg_json_parse(src, len, nodes, cap, max_depth, &doc);

    if (nodes != stack_nodes)
        free(nodes);
    return rc;
}

/* ---- accessors ---------------------------------------------------------- */

static const jwg_json_node *json_node_of(const jwg_json_doc *doc, size_t idx, jwg_json_type type)
{
    if (doc == NULL || idx >= doc->count || doc->nodes[idx].type != type)
        return NULL;
    return &doc->nodes[idx];
}

static bool json_node_equals(const jwg_json_doc *doc, const jwg_json_node *n, const char *s,
                             size_t len)
{
    const uint8_t *text = doc->src + n->start;
    if ((n->flags & JWG_JSON_HAS_ESCAPE) == 0)
        return n->len == len && memcmp(text, s, len) == 0;

    struct json_cursor c;
    json_cursor_init(&c, text, n->len);
    for (size_t i = 0; i < len; i++) {
        if (json_cursor_next(&c) != (unsigned char)s[i])
            return false;
    }
    return json_cursor_next(&c) < 0;
}

size_t jwg_json_find(const jwg_json_doc *doc, size_t obj, const char *name)
{
    const jwg_json_node *o = json_node_of(doc, obj, JWG_JSON_OBJECT);
    if (o == NULL || name == NULL)
        return 0;

    size_t len = strlen(name);
    size_t key = obj + 1;
    for (uint32_t i = 0; i < o->count; i++) {
        if (json_node_equals(doc, &doc->nodes[key], name, len))
            return key + 1;
        key = doc->nodes[key + 1].next;
    }
    return 0;
}

int jwg_json_string_equals(const jwg_json_doc *doc, size_t idx, const char *s, size_t n)
{
    const jwg_json_node *node = json_node_of(doc, idx, JWG_JSON_STRING);
    if (node == NULL || (s == NULL && n > 0))
        return 0;
    return json_node_equals(doc, node, s, n) ? 1 : 0;
}

jwg_err jwg_json_string_copy(const jwg_json_doc *doc, size_t idx, char *out, size_t cap,
                             size_t *out_len)
{
    JWG_ENSURE(out_len != NULL && out != NULL && cap > 0, JWG_ERR_INVALID_ARGUMENT);
    *out_len = 0;
    out[0] = '\0';
    const jwg_json_node *n = json_node_of(doc, idx, JWG_JSON_STRING);
    JWG_ENSURE(n != NULL, JWG_ERR_MEMBER_TYPE);

    struct json_cursor c;
    json_cursor_init(&c, doc->src + n->start, n->len);
    size_t len = 0;
    for (int b = json_cursor_next(&c); b >= 0; b = json_cursor_next(&c)) {
        if (len + 1 >= cap) {
            out[0] = '\0';
            return JWG_ERR_INVALID_ARGUMENT;
        }
        out[len++] = (char)b;
    }

    out[len] = '\0';
    *out_len = len;
    return JWG_OK;
}

/* ---- numbers ------------------------------------------------------------ */

/*
 * A number's text split into parts: the digits before and after the point
 * (`int_len` + `frac_len` of them, read through json_num_digit) and the
 * exponent, clamped to +-JSON_EXP_CLAMP. The value is
 * digits * 10^(exp - frac_len), negated when `negative`.
 */
struct json_num {
    const uint8_t *int_digits;
    size_t int_len;
    const uint8_t *frac_digits;
    size_t frac_len;
    int64_t exp;
    bool negative;
};

static void json_num_split(const uint8_t *s, size_t n, struct json_num *num)
{
    size_t i = 0;
    memset(num, 0, sizeof(*num));
    num->negative = s[0] == '-';
    i += num->negative ? 1u : 0u;

    num->int_digits = s + i;
    while (i < n && json_is_digit(s[i]))
        i++;
    num->int_len = (size_t)(s + i - num->int_digits);

    if (i < n && s[i] == '.') {
        num->frac_digits = s + ++i;
        while (i < n && json_is_digit(s[i]))
            i++;
        num->frac_len = (size_t)(s + i - num->frac_digits);
    }
    if (i >= n)
        return;

    bool exp_negative = s[++i] == '-';
    if (s[i] == '+' || s[i] == '-')
        i++;
    for (; i < n; i++) {
        if (num->exp < JSON_EXP_CLAMP)
            num->exp = num->exp * 10 + (s[i] - '0');
    }
    if (exp_negative)
        num->exp = -num->exp;
}

static uint8_t json_num_digit(const struct json_num *num, size_t k)
{
    if (k < num->int_len)
        return (uint8_t)(num->int_digits[k] - '0');
    return (uint8_t)(num->frac_digits[k - num->int_len] - '0');
}

static const jwg_json_node *json_number_node(const jwg_json_doc *doc, size_t idx,
                                             struct json_num *num)
{
    const jwg_json_node *n = json_node_of(doc, idx, JWG_JSON_NUMBER);
    if (n != NULL)
        json_num_split(doc->src + n->start, n->len, num);
    return n;
}

jwg_err jwg_json_int64(const jwg_json_doc *doc, size_t idx, int64_t *out)
{
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = 0;
    struct json_num num;
    const jwg_json_node *n = json_number_node(doc, idx, &num);
    JWG_ENSURE(n != NULL && (n->flags & JWG_JSON_INTEGER) != 0, JWG_ERR_MEMBER_TYPE);

    /* Accumulates the magnitude, which may be 2^63 for INT64_MIN. */
    uint64_t limit = num.negative ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    for (size_t k = 0; k < num.int_len; k++) {
        uint64_t d = json_num_digit(&num, k);
        JWG_ENSURE(v <= (limit - d) / 10u, JWG_ERR_MEMBER_TYPE);
        v = v * 10u + d;
    }

    if (!num.negative)
        *out = (int64_t)v;
    else if (v != 0)
        *out = -(int64_t)(v - 1u) - 1; /* never negates INT64_MIN's magnitude as int64_t */
    return JWG_OK;
}

jwg_err jwg_json_double(const jwg_json_doc *doc, size_t idx, double *out)
{
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = 0.0;
    struct json_num num;
    JWG_ENSURE(json_number_node(doc, idx, &num) != NULL, JWG_ERR_MEMBER_TYPE);

    /*
     * Rewrites the number as "-DIGITSeEXP" with no decimal point, so that
     * strtod() does not depend on the locale's radix character.
     */
    char buf[JSON_DOUBLE_DIGITS + 32];
    size_t len = 0, total = num.int_len + num.frac_len, k = 0;
    if (num.negative)
        buf[len++] = '-';
    while (k < total && json_num_digit(&num, k) == 0)
        k++;
    size_t kept = total - k < JSON_DOUBLE_DIGITS ? total - k : JSON_DOUBLE_DIGITS;
    for (size_t j = 0; j < kept; j++)
        buf[len++] = (char)('0' + json_num_digit(&num, k + j));
    if (kept == 0)
        buf[len++] = '0';

    int64_t exp = num.exp - (int64_t)num.frac_len + (int64_t)(total - k - kept);
    int w = snprintf(buf + len, sizeof(buf) - len, "e%lld", (long long)exp);
    JWG_ENSURE(w > 0 && (size_t)w < sizeof(buf) - len, JWG_ERR_MEMBER_TYPE);

    int saved = errno;
    *out = strtod(buf, NULL);
    errno = saved;
    return JWG_OK;
}

/*
 * Returns the value of 8 ASCII digits at `s`. Each step combines adjacent
 * groups in parallel: digits into 2-digit values, those into 4-digit values,
 * and those into the 8-digit result, so the chain is 3 steps long, not 8.
 */
static inline uint64_t json_eight_digits(const uint8_t *s)
{
    uint64_t v = json_load64_le(s) - UINT64_C(0x3030303030303030);
    v = (v * 10u + (v >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
    v = (v * 100u + (v >> 16)) & UINT64_C(0x0000ffff0000ffff);
    return (v * 10000u + (v >> 32)) & UINT64_C(0xffffffff);
}

/* Returns the value of the `n` ASCII digits at `s`; `n` is at most 18, so it cannot overflow. */
static uint64_t json_decimal(const uint8_t *s, size_t n)
{
    uint64_t v = 0;
    size_t k = 0;

    for (; k < n % 8; k++)
        v = v * 10u + (uint64_t)(s[k] - '0');
    for (; k < n; k += 8)
        v = v * 100000000u + json_eight_digits(s + k);
    return v;
}

/*
 * Floors a number to whole seconds exactly from its decimal text, so that
 * neither a double's 53-bit precision nor a huge exponent can misplace a
 * timestamp. Magnitudes of 10^19 and beyond saturate.
 */
jwg_err jwg_json_numeric_date(const jwg_json_doc *doc, size_t idx, int64_t *out)
{
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = 0;

    /* Nearly every date is a non-negative integer of at most 18 digits, which cannot overflow. */
    const jwg_json_node *n = json_node_of(doc, idx, JWG_JSON_NUMBER);
    if (n != NULL && (n->flags & JWG_JSON_INTEGER) != 0 && n->len <= 18 &&
        doc->src[n->start] != '-') {
        *out = (int64_t)json_decimal(doc->src + n->start, n->len);
        return JWG_OK;
    }

    struct json_num num;
    JWG_ENSURE(json_number_node(doc, idx, &num) != NULL, JWG_ERR_CLAIM_TYPE);

    size_t total = num.int_len + num.frac_len, first = 0;
    while (first < total && json_num_digit(&num, first) == 0)
        first++;
    if (first == total)
        return JWG_OK;

    /* Number of digits left of the point once the exponent is applied. */
    int64_t int_digits = (int64_t)(total - first) + num.exp - (int64_t)num.frac_len;
    if (int_digits > 19) {
        *out = num.negative ? INT64_MIN : INT64_MAX;
        return JWG_OK;
    }

    uint64_t mag = 0;
    for (int64_t j = 0; j < int_digits; j++) {
        size_t k = first + (size_t)j;
        mag = mag * 10u + (k < total ? json_num_digit(&num, k) : 0u);
    }
    bool fraction = false;
    for (size_t k = first + (size_t)(int_digits > 0 ? int_digits : 0); k < total; k++)
        fraction = fraction || json_num_digit(&num, k) != 0;

    if (!num.negative) {
        *out = mag > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)mag;
        return JWG_OK;
    }
    mag += fraction ? 1u : 0u; /* floor rounds negative fractions away from zero */
    *out = mag > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)mag;
    return JWG_OK;
}

/* ---- writing ------------------------------------------------------------ */

size_t jwg_json_escape(const char *s, size_t n, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    size_t len = 0;

#define JSON_PUT(ch)                                                                               \
    do {                                                                                           \
        if (len < cap)                                                                             \
            out[len] = (ch);                                                                       \
        len++;                                                                                     \
    } while (0)

    JSON_PUT('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *short_form = NULL;
        switch (c) {
        case '"': short_form = "\\\""; break;
        case '\\': short_form = "\\\\"; break;
        case '\b': short_form = "\\b"; break;
        case '\f': short_form = "\\f"; break;
        case '\n': short_form = "\\n"; break;
        case '\r': short_form = "\\r"; break;
        case '\t': short_form = "\\t"; break;
        default: break;
        }
        if (short_form != NULL) {
            JSON_PUT(short_form[0]);
            JSON_PUT(short_form[1]);
        } else if (c < 0x20) {
            JSON_PUT('\\');
            JSON_PUT('u');
            JSON_PUT('0');
            JSON_PUT('0');
            JSON_PUT(hex[c >> 4]);
            JSON_PUT(hex[c & 15u]);
        } else {
            JSON_PUT((char)c);
        }
    }
    JSON_PUT('"');

#undef JSON_PUT
    return len;
}
