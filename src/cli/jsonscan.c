/*
 * jsonscan.c: a bounded recursive-descent JSON validator (RFC 8259) that
 * lists the members of the top-level object.
 */
#include "jsonscan.h"

#include <string.h>

struct cursor {
    const char *p;
    const char *end;
    unsigned depth;
    unsigned max_depth;
};

static bool scan_value(struct cursor *c, enum js_type *type);

static void skip_ws(struct cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static bool is_hex(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static unsigned hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return (unsigned)(ch - '0');
    if (ch >= 'a' && ch <= 'f')
        return (unsigned)(ch - 'a' + 10);
    return (unsigned)(ch - 'A' + 10);
}

/* Scans a string starting at the opening quote; escapes are checked, not decoded. */
static bool scan_string(struct cursor *c)
{
    c->p++;
    while (c->p < c->end) {
        unsigned char ch = (unsigned char)*c->p++;

        if (ch == '"')
            return true;
        if (ch < 0x20)
            return false;
        if (ch != '\\')
            continue;
        if (c->p >= c->end)
            return false;
        ch = (unsigned char)*c->p++;
        if (ch == 'u') {
            if (c->end - c->p < 4 || !is_hex(c->p[0]) || !is_hex(c->p[1]) || !is_hex(c->p[2]) ||
                !is_hex(c->p[3]))
                return false;
            c->p += 4;
        } else if (strchr("\"\\/bfnrt", ch) == NULL || ch == '\0') {
            return false;
        }
    }
    return false;
}

static void skip_digits(struct cursor *c)
{
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
        c->p++;
}

/* Scans a number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static bool scan_number(struct cursor *c)
{
    const char *start;

    if (c->p < c->end && *c->p == '-')
        c->p++;
    if (c->p >= c->end || *c->p < '0' || *c->p > '9')
        return false;
    if (*c->p == '0')
        c->p++;
    else
        skip_digits(c);

    if (c->p < c->end && *c->p == '.') {
        start = ++c->p;
        skip_digits(c);
        if (c->p == start)
            return false;
    }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
            c->p++;
        start = c->p;
        skip_digits(c);
        if (c->p == start)
            return false;
    }
    return true;
}

static bool scan_literal(struct cursor *c, const char *word)
{
    size_t n = strlen(word);

    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
        return false;
    c->p += n;
    return true;
}

/* Scans "[" value ("," value)* "]" or "[]". */
static bool scan_array(struct cursor *c)
{
    enum js_type ignored;

    c->p++;
    skip_ws(c);
    if (c->p < c->end && *c->p == ']') {
        c->p++;
        return true;
    }
    for (;;) {
        if (!scan_value(c, &ignored))
            return false;
        skip_ws(c);
        if (c->p >= c->end)
            return false;
        if (*c->p++ == ']')
            return true;
        if (c->p[-1] != ',')
            return false;
    }
}

/*
 * Scans an object; when `out` is not NULL its members are listed there
 * (only the top-level object is listed).
 */
static bool scan_object(struct cursor *c, struct js_object *out);

static bool scan_value(struct cursor *c, enum js_type *type)
{
    bool ok = false;

    skip_ws(c);
    if (c->p >= c->end)
        return false;

    if (*c->p == '{' || *c->p == '[') {
        if (c->depth >= c->max_depth)
            return false;
        c->depth++;
        *type = *c->p == '{' ? JS_OBJECT : JS_ARRAY;
        ok = *c->p == '{' ? scan_object(c, NULL) : scan_array(c);
        c->depth--;
        return ok;
    }

    switch (*c->p) {
    case '"':
        *type = JS_STRING;
        return scan_string(c);
    case 't':
        *type = JS_TRUE;
        return scan_literal(c, "true");
    case 'f':
        *type = JS_FALSE;
        return scan_literal(c, "false");
    case 'n':
        *type = JS_NULL;
        return scan_literal(c, "null");
    default:
        *type = JS_NUMBER;
        return scan_number(c);
    }
}

/* Unescapes the JSON string body [p, end) into out; false when it does not fit. */
static bool unescape(const char *p, const char *end, char *out, size_t cap, size_t *out_len);

/* Records a member name and value span in `out` when there is room. */
static void list_member(struct js_object *out, const char *name, const char *name_end,
                        const char *value, const char *value_end, enum js_type type)
{
    struct js_member *m;

    out->total++;
    if (out->count >= JS_MAX_MEMBERS)
        return;

    m = &out->members[out->count++];
    if (!unescape(name, name_end, m->name, sizeof(m->name), &m->name_len)) {
        m->name[0] = '\0';
        m->name_len = 0;
    }
    m->value = value;
    m->value_len = (size_t)(value_end - value);
    m->type = type;
}

static bool scan_object(struct cursor *c, struct js_object *out)
{
    c->p++;
    skip_ws(c);
    if (c->p < c->end && *c->p == '}') {
        c->p++;
        return true;
    }
    for (;;) {
        const char *name;
        const char *name_end;
        const char *value;
        enum js_type type;

        skip_ws(c);
        name = c->p + 1;
        if (c->p >= c->end || *c->p != '"' || !scan_string(c))
            return false;
        name_end = c->p - 1;

        skip_ws(c);
        if (c->p >= c->end || *c->p++ != ':')
            return false;
        skip_ws(c);
        value = c->p;
        if (!scan_value(c, &type))
            return false;
        if (out != NULL)
            list_member(out, name, name_end, value, c->p, type);

        skip_ws(c);
        if (c->p >= c->end)
            return false;
        if (*c->p++ == '}')
            return true;
        if (c->p[-1] != ',')
            return false;
    }
}

bool js_scan_object(const char *text, size_t len, unsigned max_depth, struct js_object *out)
{
    struct cursor c = {text, text + len, 1, max_depth};

    memset(out, 0, sizeof(*out));
    skip_ws(&c);
    if (c.p >= c.end || *c.p != '{' || max_depth == 0 || !scan_object(&c, out))
        return false;
    skip_ws(&c);
    return c.p == c.end;
}

const struct js_member *js_find(const struct js_object *obj, const char *name)
{
    size_t len = strlen(name);

    for (size_t i = 0; i < obj->count; i++) {
        const struct js_member *m = &obj->members[i];

        if (m->name_len == len && memcmp(m->name, name, len) == 0)
            return m;
    }
    return NULL;
}

/* Appends code point `cp` as UTF-8; false when it does not fit. */
static bool put_utf8(unsigned long cp, char *out, size_t cap, size_t *n)
{
    static const unsigned char lead[5] = {0, 0x00, 0xC0, 0xE0, 0xF0};
    unsigned char b[4];
    size_t k = 4;

    if (cp < 0x80)
        k = 1;
    else if (cp < 0x800)
        k = 2;
    else if (cp < 0x10000)
        k = 3;
    b[0] = (unsigned char)(lead[k] | (cp >> (6 * (k - 1))));
    for (size_t i = 1; i < k; i++)
        b[i] = (unsigned char)(0x80 | ((cp >> (6 * (k - 1 - i))) & 0x3F));

    if (*n + k >= cap)
        return false;
    memcpy(out + *n, b, k);
    *n += k;
    return true;
}

/* Reads the four hex digits after "\u" at p. */
static unsigned long read_u4(const char *p)
{
    return (unsigned long)((hex_value(p[0]) << 12) | (hex_value(p[1]) << 8) |
                           (hex_value(p[2]) << 4) | hex_value(p[3]));
}

/* Decodes the escape after a backslash at *pp; an unpaired surrogate becomes U+FFFD. */
static unsigned long decode_escape(const char **pp, const char *end)
{
    static const char from[] = "\"\\/bfnrt";
    static const char to[] = "\"\\/\b\f\n\r\t";
    const char *p = *pp;
    unsigned long cp;

    if (*p != 'u') {
        *pp = p + 1;
        return (unsigned char)to[strchr(from, *p) - from];
    }
    cp = read_u4(p + 1);
    p += 5;
    if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
        unsigned long low = read_u4(p + 2);

        if (low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            p += 6;
        }
    }
    *pp = p;
    if (cp >= 0xD800 && cp <= 0xDFFF)
        cp = 0xFFFD;
    return cp;
}

/* The body was validated by scan_string, so every escape is complete. */
static bool unescape(const char *p, const char *end, char *out, size_t cap, size_t *out_len)
{
    size_t n = 0;

    while (p < end) {
        if (*p != '\\') {
            if (n + 1 >= cap)
                return false;
            out[n++] = *p++;
            continue;
        }
        p++;
        if (!put_utf8(decode_escape(&p, end), out, cap, &n))
            return false;
    }
    out[n] = '\0';
    *out_len = n;
    return true;
}

bool js_string(const struct js_member *m, char *out, size_t cap, size_t *out_len)
{
    if (m == NULL || m->type != JS_STRING || cap == 0)
        return false;
    return unescape(m->value + 1, m->value + m->value_len - 1, out, cap, out_len);
}
