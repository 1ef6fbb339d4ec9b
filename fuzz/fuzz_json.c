/*
 * fuzz_json.c: jwtguard's JSON reader against jansson 2.14 (json_loadb with
 * JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL) on the same
 * input, with jwtguard's production depth limit.
 *
 * Whenever jwtguard accepts a document, jansson must accept it too and
 * build the same values, except for differences 2 and 3 below. When jansson
 * accepts and jwtguard rejects, the reason must be difference 1 or 4.
 * Every other disagreement aborts. The documented differences (also in
 * docs/JSON.md) are:
 *   1. Depth: jwtguard stops at JWG_MAX_JSON_DEPTH (16) nested containers,
 *      jansson at 2048.
 *   2. Number range: jansson rejects integers outside int64_t and reals
 *      that overflow a double (json_error_numeric_overflow); RFC 8259 6
 *      allows them, so jwtguard accepts them and saturates when reading.
 *   3. NUL in member names: jansson rejects "\u0000" inside an object key
 *      even with JSON_ALLOW_NUL (json_error_null_byte_in_key); RFC 8259
 *      allows it (JSONTestSuite y_object_escaped_null_in_key).
 *   4. A raw NUL byte right after a number or a literal: jansson 2.14
 *      drops the byte it looked ahead at when that byte is NUL, so it
 *      accepts "[1\0]" and "null\0". RFC 8259 has no such byte outside
 *      strings, so jwtguard rejects it with JWG_ERR_JSON_SYNTAX.
 */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

#define FUZZ_MAX 65536u
#define FUZZ_STRING_MAX (FUZZ_MAX + 1u)

/* Reports which check failed, then aborts so that libFuzzer saves the input. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_json.c:%d: check failed: %s\n", __LINE__, #cond);              \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static jwg_json_node fuzz_nodes[FUZZ_MAX / 2 + 2];
static char fuzz_string[FUZZ_STRING_MAX];
static char fuzz_escaped[FUZZ_MAX * 6 + 2];

/* Returns true when jansson's rejection is one of the documented differences 2 and 3. */
static bool jansson_reject_is_documented(const json_error_t *error)
{
    enum json_error_code code = json_error_code(error);
    return code == json_error_numeric_overflow || code == json_error_null_byte_in_key;
}

/* Returns true when a NUL byte directly follows a digit or letter (documented difference 4). */
static bool has_nul_after_token(const uint8_t *data, size_t size)
{
    for (size_t i = 1; i < size; i++) {
        uint8_t c = data[i - 1];
        bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (data[i] == 0 && alnum)
            return true;
    }
    return false;
}

/* A string's unescaped bytes must match jansson's, and escaping them must parse back. */
static void compare_string(const jwg_json_doc *doc, size_t idx, const char *s, size_t n)
{
    size_t copied = 0;

    FUZZ_CHECK(jwg_json_string_equals(doc, idx, s, n) == 1);
    FUZZ_CHECK(jwg_json_string_copy(doc, idx, fuzz_string, sizeof(fuzz_string), &copied) == JWG_OK);
    FUZZ_CHECK(copied == n && memcmp(fuzz_string, s, n) == 0);

    size_t need = jwg_json_escape(s, n, fuzz_escaped, sizeof(fuzz_escaped));
    jwg_json_node nodes[1];
    jwg_json_doc again;
    FUZZ_CHECK(need <= sizeof(fuzz_escaped));
    FUZZ_CHECK(jwg_json_parse((const uint8_t *)fuzz_escaped, need, nodes, 1, 0, &again) == JWG_OK);
    FUZZ_CHECK(jwg_json_string_equals(&again, 0, s, n) == 1);
}

static void compare_number(const jwg_json_doc *doc, size_t idx, const json_t *value)
{
    int64_t date = 0, i = 0;
    double d = 0;

    FUZZ_CHECK(jwg_json_numeric_date(doc, idx, &date) == JWG_OK);
    FUZZ_CHECK(jwg_json_double(doc, idx, &d) == JWG_OK);

    if (json_is_integer(value)) {
        FUZZ_CHECK(jwg_json_int64(doc, idx, &i) == JWG_OK);
        FUZZ_CHECK(i == json_integer_value(value));
        FUZZ_CHECK(date == i);
        return;
    }

    /* Both round to nearest from the same text, but digits past 40 may move ours by 1 ulp. */
    double expected = json_real_value(value);
    double diff = fabs(d - expected);
    FUZZ_CHECK(jwg_json_int64(doc, idx, &i) == JWG_ERR_MEMBER_TYPE);
    FUZZ_CHECK(diff <= fabs(expected) * 4e-16 || diff <= 1e-320);
}

static void compare_value(const jwg_json_doc *doc, size_t idx, const json_t *value);

static void compare_object(const jwg_json_doc *doc, size_t idx, const json_t *value)
{
    const char *key;
    json_t *member;

    FUZZ_CHECK(doc->nodes[idx].type == JWG_JSON_OBJECT);
    FUZZ_CHECK(doc->nodes[idx].count == json_object_size(value));

    json_object_foreach((json_t *)value, key, member) {
        size_t found = jwg_json_find(doc, idx, key);
        FUZZ_CHECK(found != 0);
        compare_string(doc, found - 1, key, strlen(key));
        compare_value(doc, found, member);
    }
}

static void compare_array(const jwg_json_doc *doc, size_t idx, const json_t *value)
{
    FUZZ_CHECK(doc->nodes[idx].type == JWG_JSON_ARRAY);
    FUZZ_CHECK(doc->nodes[idx].count == json_array_size(value));

    size_t child = idx + 1;
    for (size_t i = 0; i < json_array_size(value); i++) {
        compare_value(doc, child, json_array_get(value, i));
        child = doc->nodes[child].next;
    }
    FUZZ_CHECK(child == doc->nodes[idx].next);
}

static jwg_json_type expected_literal(const json_t *value)
{
    if (json_is_true(value))
        return JWG_JSON_TRUE;
    return json_is_false(value) ? JWG_JSON_FALSE : JWG_JSON_NULL;
}

/* Recursion depth is bounded by JWG_MAX_JSON_DEPTH, which our parse already enforced. */
static void compare_value(const jwg_json_doc *doc, size_t idx, const json_t *value)
{
    FUZZ_CHECK(idx < doc->count);

    uint8_t type = doc->nodes[idx].type;
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        compare_object(doc, idx, value);
        break;
    case JSON_ARRAY:
        compare_array(doc, idx, value);
        break;
    case JSON_STRING:
        FUZZ_CHECK(type == JWG_JSON_STRING);
        compare_string(doc, idx, json_string_value(value), json_string_length(value));
        break;
    case JSON_INTEGER:
    case JSON_REAL:
        FUZZ_CHECK(type == JWG_JSON_NUMBER);
        compare_number(doc, idx, value);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
    case JSON_NULL:
        FUZZ_CHECK(type == expected_literal(value));
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX)
        return 0;

    jwg_json_doc doc;
    jwg_err ours = jwg_json_parse(data, size, fuzz_nodes, jwg_json_nodes_max(size),
                                  JWG_MAX_JSON_DEPTH, &doc);
    FUZZ_CHECK(jwg_json_validate(data, size, JWG_MAX_JSON_DEPTH) == ours);

    json_error_t error;
    json_t *theirs = json_loadb((const char *)data, size,
                                JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &error);

    if (ours == JWG_OK && theirs == NULL)
        FUZZ_CHECK(jansson_reject_is_documented(&error));
    if (ours != JWG_OK && theirs != NULL) {
        bool nul_quirk = ours == JWG_ERR_JSON_SYNTAX && has_nul_after_token(data, size);
        FUZZ_CHECK(ours == JWG_ERR_JSON_DEPTH || nul_quirk);
    }
    if (ours == JWG_OK && theirs != NULL) {
        compare_value(&doc, 0, theirs);
        FUZZ_CHECK(doc.nodes[0].next == doc.count);
    }

    json_decref(theirs);
    return 0;
}
