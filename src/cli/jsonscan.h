/*
 * jsonscan.h: a small validating JSON reader for the command's own needs
 * (inspect decodes tokens without the library, and the key loader looks at
 * JWK members). It validates RFC 8259 syntax and lists the members of the
 * top-level object; values are kept as raw text spans.
 */
#ifndef JWTGUARD_JSONSCAN_H
#define JWTGUARD_JSONSCAN_H

#include <stdbool.h>
#include <stddef.h>

/* Maximum number of top-level members listed; further ones are still validated. */
#define JS_MAX_MEMBERS 64u

/* Member names longer than this are listed with an empty name. */
#define JS_NAME_MAX 128u

enum js_type { JS_STRING, JS_NUMBER, JS_OBJECT, JS_ARRAY, JS_TRUE, JS_FALSE, JS_NULL };

struct js_member {
    char name[JS_NAME_MAX + 1]; /* unescaped; may contain NUL bytes before name_len */
    size_t name_len;
    const char *value; /* raw JSON text of the value */
    size_t value_len;
    enum js_type type;
};

struct js_object {
    struct js_member members[JS_MAX_MEMBERS];
    size_t count; /* members listed */
    size_t total; /* members in the object */
};

/*
 * Validates `len` bytes as one JSON object nested at most `max_depth` deep,
 * with optional surrounding whitespace, and lists its members. Returns false
 * for anything else.
 */
bool js_scan_object(const char *text, size_t len, unsigned max_depth, struct js_object *out);

/* Returns the first member named `name`, or NULL. */
const struct js_member *js_find(const struct js_object *obj, const char *name);

/*
 * Unescapes a string member's value into `out` (capacity `cap`, NUL-terminated).
 * Returns false when the member is not a string or does not fit.
 */
bool js_string(const struct js_member *m, char *out, size_t cap, size_t *out_len);

#endif /* JWTGUARD_JSONSCAN_H */
