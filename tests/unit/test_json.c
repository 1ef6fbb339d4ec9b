/*
 * test_json.c: the strict JSON reader (RFC 8259) and its accessors.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

#define NODES_MAX 4096u

/* Expands a string literal to its pointer and length, so documents may contain NUL. */
#define LIT(s) (const uint8_t *)(s), sizeof(s) - 1

static jwg_json_node test_nodes[NODES_MAX];

static jwg_err parse_lit(const uint8_t *src, size_t len, jwg_json_doc *doc)
{
    return jwg_json_parse(src, len, test_nodes, NODES_MAX, JWG_MAX_JSON_DEPTH, doc);
}

/* Parses a NUL-terminated document that the test expects to be valid. */
static void parse_ok(const char *text, jwg_json_doc *doc)
{
    jwg_err rc = jwg_json_parse((const uint8_t *)text, strlen(text), test_nodes, NODES_MAX,
                                JWG_MAX_JSON_DEPTH, doc);
    assert_int_equal(rc, JWG_OK);
}

/* ---- syntax --------------------------------------------------------------- */

struct parse_case {
    const uint8_t *src;
    size_t len;
    jwg_err err;
};

static const struct parse_case parse_cases[] = {
    /* typical JOSE header */
    {LIT("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"), JWG_OK},
    /* whitespace of all four kinds around tokens */
    {LIT(" \t\r\n{ \"a\" : [ 1 , 2 ] }\n"), JWG_OK},
    /* any top-level value is accepted; the verifier checks for objects */
    {LIT("123"), JWG_OK},
    /* a top-level string */
    {LIT("\"x\""), JWG_OK},
    /* escaped NUL is valid JSON */
    {LIT("{\"a\\u0000\":1}"), JWG_OK},
    /* empty input */
    {LIT(""), JWG_ERR_JSON_SYNTAX},
    /* only whitespace */
    {LIT("  "), JWG_ERR_JSON_SYNTAX},
    /* two top-level values */
    {LIT("{} {}"), JWG_ERR_JSON_SYNTAX},
    /* trailing comma in an object */
    {LIT("{\"a\":1,}"), JWG_ERR_JSON_SYNTAX},
    /* trailing comma in an array */
    {LIT("[1,]"), JWG_ERR_JSON_SYNTAX},
    /* leading zero */
    {LIT("[01]"), JWG_ERR_JSON_SYNTAX},
    /* fraction without digits */
    {LIT("[1.]"), JWG_ERR_JSON_SYNTAX},
    /* exponent without digits */
    {LIT("[1e+]"), JWG_ERR_JSON_SYNTAX},
    /* unquoted name */
    {LIT("{a:1}"), JWG_ERR_JSON_SYNTAX},
    /* single quotes */
    {LIT("['a']"), JWG_ERR_JSON_SYNTAX},
    /* raw control character inside a string */
    {LIT("[\"a\tb\"]"), JWG_ERR_JSON_SYNTAX},
    /* unknown escape */
    {LIT("[\"\\x41\"]"), JWG_ERR_JSON_SYNTAX},
    /* truncated \u escape */
    {LIT("[\"\\u12\"]"), JWG_ERR_JSON_SYNTAX},
    /* unterminated string */
    {LIT("[\"abc"), JWG_ERR_JSON_SYNTAX},
    /* truncated literal */
    {LIT("[tru]"), JWG_ERR_JSON_SYNTAX},
    /* NUL byte after the value */
    {LIT("{}\0"), JWG_ERR_JSON_SYNTAX},
    /* byte order mark is not accepted */
    {LIT("\xef\xbb\xbf{}"), JWG_ERR_JSON_SYNTAX},
    /* overlong encoding of '/' */
    {LIT("[\"\xc0\xaf\"]"), JWG_ERR_JSON_UTF8},
    /* UTF-8 encoded surrogate U+D800 */
    {LIT("[\"\xed\xa0\x80\"]"), JWG_ERR_JSON_UTF8},
    /* code point above U+10FFFF */
    {LIT("[\"\xf4\x90\x80\x80\"]"), JWG_ERR_JSON_UTF8},
    /* truncated 3-byte sequence at the closing quote */
    {LIT("[\"\xe2\x82\"]"), JWG_ERR_JSON_UTF8},
    /* lone continuation byte */
    {LIT("[\"\x80\"]"), JWG_ERR_JSON_UTF8},
    /* lone high surrogate escape */
    {LIT("[\"\\ud834\"]"), JWG_ERR_JSON_UTF8},
    /* lone low surrogate escape */
    {LIT("[\"\\udd1e\"]"), JWG_ERR_JSON_UTF8},
    /* high surrogate followed by a non-surrogate escape */
    {LIT("[\"\\ud834\\u0041\"]"), JWG_ERR_JSON_UTF8},
    /* surrogates in the wrong order */
    {LIT("[\"\\udd1e\\ud834\"]"), JWG_ERR_JSON_UTF8},
    /* valid surrogate pair for U+1D11E */
    {LIT("[\"\\ud834\\udd1e\"]"), JWG_OK},
    /* 4-byte UTF-8 at the top of the range, U+10FFFF */
    {LIT("[\"\xf4\x8f\xbf\xbf\"]"), JWG_OK},
    /* long plain string crosses the 8-byte scanning fast path */
    {LIT("[\"abcdefghijklmnopqrstuvwxyz0123456789\\\"abcdefgh\"]"), JWG_OK},
    /* control character found after a plain 8-byte block */
    {LIT("[\"abcdefgh\x01\"]"), JWG_ERR_JSON_SYNTAX},
    /* UTF-8 found after a plain 8-byte block */
    {LIT("[\"abcdefgh\xc3\xa9\"]"), JWG_OK},
};

static void json_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < JWG_ARRAY_LEN(parse_cases); i++) {
        const struct parse_case *c = &parse_cases[i];
        jwg_json_doc doc;

        print_message("case %zu\n", i);
        assert_int_equal(parse_lit(c->src, c->len, &doc), c->err);
        assert_int_equal(jwg_json_validate(c->src, c->len, JWG_MAX_JSON_DEPTH), c->err);
        if (c->err != JWG_OK)
            assert_int_equal(doc.count, 0);
    }
}

static void json_parse_capacity(void **state)
{
    (void)state;
    jwg_json_node nodes[3];
    jwg_json_doc doc;
    const uint8_t *text = (const uint8_t *)"[1,2,3]";

    /* four nodes do not fit in three */
    assert_int_equal(jwg_json_parse(text, 7, nodes, 3, 16, &doc), JWG_ERR_INVALID_ARGUMENT);
    /* NULL document */
    assert_int_equal(jwg_json_parse(text, 7, nodes, 3, 16, NULL), JWG_ERR_INVALID_ARGUMENT);
    /* the advertised maximum is always enough */
    assert_true(jwg_json_nodes_max(7) >= 4);

    /* unclosed containers outnumber the nodes a valid document could need */
    const uint8_t deep[] = "[[[[[[[[[[[[[[[[1]]]]]]]]]]";
    jwg_json_node many[32];
    size_t cap = jwg_json_nodes_max(sizeof(deep) - 1);
    assert_true(cap < 17);
    assert_int_equal(jwg_json_parse(deep, sizeof(deep) - 1, many, cap, 16, &doc),
                     JWG_ERR_JSON_SYNTAX);
    assert_int_equal(jwg_json_validate(deep, sizeof(deep) - 1, 16), JWG_ERR_JSON_SYNTAX);
}

static void json_parse_nodes(void **state)
{
    (void)state;
    jwg_json_doc doc;
    parse_ok("{\"a\":[1,{\"b\":null}],\"c\":\"x\\ny\"}", &doc);

    /* object, "a", array, 1, object, "b", null, "c", "x\ny" */
    assert_int_equal(doc.count, 9);
    assert_int_equal(doc.nodes[0].type, JWG_JSON_OBJECT);
    assert_int_equal(doc.nodes[0].count, 2);
    assert_int_equal(doc.nodes[0].next, 9);
    assert_int_equal(doc.nodes[2].type, JWG_JSON_ARRAY);
    assert_int_equal(doc.nodes[2].count, 2);
    assert_int_equal(doc.nodes[2].next, 7);
    assert_int_equal(doc.nodes[3].flags, JWG_JSON_INTEGER);
    assert_int_equal(doc.nodes[8].flags, JWG_JSON_HAS_ESCAPE);
    /* string spans exclude the quotes */
    assert_int_equal(doc.nodes[8].len, 4);
    /* container spans include the brackets */
    assert_int_equal(doc.nodes[2].len, 14);
}

/* ---- JSONTestSuite --------------------------------------------------------- */

/* The two y_ cases that jwtguard rejects on purpose: duplicate names (RFC 7515 5.2). */
static bool suite_is_duplicate_case(const char *name)
{
    return strncmp(name, "y_object_duplicated_key", 23) == 0;
}

static size_t suite_read(const char *path, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap, f);
    assert_int_equal(ferror(f), 0);
    assert_true(feof(f) != 0);
    fclose(f);
    return n;
}

static void suite_check_file(const char *dir, const char *name, size_t *counts)
{
    static uint8_t buf[1u << 20];
    static jwg_json_node nodes[1u << 19];
    char path[1024];
    jwg_json_doc doc;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    size_t n = suite_read(path, buf, sizeof(buf));
    jwg_err rc = jwg_json_parse(buf, n, nodes, JWG_ARRAY_LEN(nodes), JWG_MAX_JSON_DEPTH, &doc);
    print_message("%s: %s\n", name, jwg_err_name(rc));
    assert_int_equal(jwg_json_validate(buf, n, JWG_MAX_JSON_DEPTH), rc);

    if (name[0] == 'y' && suite_is_duplicate_case(name))
        assert_int_equal(rc, JWG_ERR_JSON_DUPLICATE);
    else if (name[0] == 'y')
        assert_int_equal(rc, JWG_OK);
    else if (name[0] == 'n')
        assert_int_not_equal(rc, JWG_OK);
    if (name[0] == 'y')
        counts[0]++;
    else if (name[0] == 'n')
        counts[1]++;
    else
        counts[2]++;
}

static void json_test_suite(void **state)
{
    (void)state;
    const char *dir = JWG_TEST_DATA "/json-test-suite/test_parsing";
    size_t counts[3] = {0, 0, 0};

    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
        if (strstr(e->d_name, ".json") != NULL)
            suite_check_file(dir, e->d_name, counts);
    }
    closedir(d);

    /* every file of the copied suite ran */
    assert_int_equal(counts[0], 95);
    assert_int_equal(counts[1], 188);
    assert_int_equal(counts[2], 35);
}

/* ---- duplicates and depth ----------------------------------------------- */

static const struct parse_case dup_cases[] = {
    /* same name twice */
    {LIT("{\"a\":1,\"a\":2}"), JWG_ERR_JSON_DUPLICATE},
    /* names compared after unescaping */
    {LIT("{\"a\":1,\"\\u0061\":2}"), JWG_ERR_JSON_DUPLICATE},
    /* both names escaped */
    {LIT("{\"\\/\":1,\"\\u002f\":2}"), JWG_ERR_JSON_DUPLICATE},
    /* escaped surrogate pair against its raw UTF-8 */
    {LIT("{\"\\ud834\\udd1e\":1,\"\xf0\x9d\x84\x9e\":2}"), JWG_ERR_JSON_DUPLICATE},
    /* duplicate in a nested object */
    {LIT("{\"x\":{\"b\":1,\"b\":1}}"), JWG_ERR_JSON_DUPLICATE},
    /* one name in two different objects is fine */
    {LIT("{\"a\":{\"a\":1},\"b\":{\"a\":2}}"), JWG_OK},
    /* prefix names are different */
    {LIT("{\"a\":1,\"ab\":2,\"\\u0061b\\u0063\":3}"), JWG_OK},
    /* empty name once */
    {LIT("{\"\":1}"), JWG_OK},
    /* empty name twice */
    {LIT("{\"\":1,\"\":2}"), JWG_ERR_JSON_DUPLICATE},
    /* same length, first and last byte: a filter hit that is not a duplicate */
    {LIT("{\"abc\":1,\"axc\":2}"), JWG_OK},
    /* filter hit that is a duplicate, after other members */
    {LIT("{\"abc\":1,\"q\":0,\"axc\":2,\"abc\":3}"), JWG_ERR_JSON_DUPLICATE},
    /* 16 members, the last repeating the first: still the small-object path */
    {LIT("{\"a\":0,\"b\":0,\"c\":0,\"d\":0,\"e\":0,\"f\":0,\"g\":0,\"h\":0,"
         "\"i\":0,\"j\":0,\"k\":0,\"l\":0,\"m\":0,\"n\":0,\"o\":0,\"a\":0}"),
     JWG_ERR_JSON_DUPLICATE},
    /* 17 members, the last repeating the first: the sorted path */
    {LIT("{\"a\":0,\"b\":0,\"c\":0,\"d\":0,\"e\":0,\"f\":0,\"g\":0,\"h\":0,"
         "\"i\":0,\"j\":0,\"k\":0,\"l\":0,\"m\":0,\"n\":0,\"o\":0,\"p\":0,\"a\":0}"),
     JWG_ERR_JSON_DUPLICATE},
    /* 17 distinct members */
    {LIT("{\"a\":0,\"b\":0,\"c\":0,\"d\":0,\"e\":0,\"f\":0,\"g\":0,\"h\":0,"
         "\"i\":0,\"j\":0,\"k\":0,\"l\":0,\"m\":0,\"n\":0,\"o\":0,\"p\":0,\"q\":0}"),
     JWG_OK},
    /* escaped name in a nested object does not leak its mark to the parent */
    {LIT("{\"x\":{\"\\u0061\":1},\"a\":2}"), JWG_OK},
};

static void json_duplicates_small(void **state)
{
    (void)state;
    for (size_t i = 0; i < JWG_ARRAY_LEN(dup_cases); i++) {
        jwg_json_doc doc;
        print_message("case %zu\n", i);
        assert_int_equal(parse_lit(dup_cases[i].src, dup_cases[i].len, &doc), dup_cases[i].err);
    }
}

/* Builds {"k0":0,"k1":0,...} with `members` names, the last one replaced by `last`. */
static size_t build_object(char *buf, size_t cap, size_t members, const char *last)
{
    size_t len = 0;
    buf[len++] = '{';
    for (size_t i = 0; i < members; i++) {
        int w = i + 1 == members && last != NULL
                    ? snprintf(buf + len, cap - len, "%s\"%s\":0", i ? "," : "", last)
                    : snprintf(buf + len, cap - len, "%s\"k%zu\":0", i ? "," : "", i);
        assert_true(w > 0 && (size_t)w < cap - len);
        len += (size_t)w;
    }
    buf[len++] = '}';
    return len;
}

static void json_duplicates_large(void **state)
{
    (void)state;
    static char buf[1u << 16];
    size_t cap = jwg_json_nodes_max(sizeof(buf));
    jwg_json_node *nodes = calloc(cap, sizeof(*nodes));
    assert_non_null(nodes);
    jwg_json_doc doc;

    /* 6000 distinct members take the sorted path */
    size_t len = build_object(buf, sizeof(buf), 6000, NULL);
    assert_int_equal(jwg_json_parse((uint8_t *)buf, len, nodes, cap, 16, &doc), JWG_OK);
    assert_int_equal(doc.nodes[0].count, 6000);
    /* the last member repeats the first one, escaped */
    len = build_object(buf, sizeof(buf), 6000, "\\u006b0");
    assert_int_equal(jwg_json_parse((uint8_t *)buf, len, nodes, cap, 16, &doc),
                     JWG_ERR_JSON_DUPLICATE);
    /* a capacity that leaves no sorting room falls back to pairwise checks */
    len = build_object(buf, sizeof(buf), 300, "k7");
    assert_int_equal(jwg_json_parse((uint8_t *)buf, len, nodes, 601, 16, &doc),
                     JWG_ERR_JSON_DUPLICATE);
    /* validate agrees on the large document */
    assert_int_equal(jwg_json_validate((uint8_t *)buf, len, 16), JWG_ERR_JSON_DUPLICATE);
    free(nodes);
}

/* Writes `depth` nested arrays, or objects with member "a" when `objects` is set. */
static size_t build_nested(char *buf, size_t depth, bool objects)
{
    size_t len = 0;
    for (size_t i = 0; i < depth; i++) {
        memcpy(buf + len, objects ? "{\"a\":" : "[", objects ? 5 : 1);
        len += objects ? 5 : 1;
    }
    buf[len++] = '0';
    for (size_t i = 0; i < depth; i++)
        buf[len++] = objects ? '}' : ']';
    return len;
}

static void json_depth_limit(void **state)
{
    (void)state;
    char buf[1024];
    jwg_json_doc doc;

    /* exactly at the limit */
    size_t len = build_nested(buf, JWG_MAX_JSON_DEPTH, false);
    assert_int_equal(parse_lit((uint8_t *)buf, len, &doc), JWG_OK);
    /* one over the limit */
    len = build_nested(buf, JWG_MAX_JSON_DEPTH + 1, false);
    assert_int_equal(parse_lit((uint8_t *)buf, len, &doc), JWG_ERR_JSON_DEPTH);
    /* objects at the limit */
    len = build_nested(buf, JWG_MAX_JSON_DEPTH, true);
    assert_int_equal(parse_lit((uint8_t *)buf, len, &doc), JWG_OK);
    /* objects over the limit */
    len = build_nested(buf, JWG_MAX_JSON_DEPTH + 1, true);
    assert_int_equal(parse_lit((uint8_t *)buf, len, &doc), JWG_ERR_JSON_DEPTH);
    assert_int_equal(jwg_json_validate((uint8_t *)buf, len, JWG_MAX_JSON_DEPTH),
                     JWG_ERR_JSON_DEPTH);
    /* depth 0 still admits scalars */
    assert_int_equal(jwg_json_parse((const uint8_t *)"1", 1, test_nodes, NODES_MAX, 0, &doc),
                     JWG_OK);
    /* depth 0 rejects any container */
    assert_int_equal(jwg_json_parse((const uint8_t *)"[]", 2, test_nodes, NODES_MAX, 0, &doc),
                     JWG_ERR_JSON_DEPTH);
    /* siblings do not add depth */
    assert_int_equal(parse_lit(LIT("[[],[],[[]],{}]"), &doc), JWG_OK);
}

/* ---- numbers ---------------------------------------------------------------- */

struct date_case {
    const char *text; /* a one-element array */
    int64_t value;
    jwg_err err;
};

static const struct date_case date_cases[] = {
    /* plain integer */
    {"[1700000000]", 1700000000, JWG_OK},
    /* fraction is rounded down */
    {"[1700000000.9]", 1700000000, JWG_OK},
    /* negative fraction floors away from zero */
    {"[-1.5]", -2, JWG_OK},
    /* negative integer stays */
    {"[-2]", -2, JWG_OK},
    /* small negative fraction floors to -1 */
    {"[-0.001]", -1, JWG_OK},
    /* negative zero */
    {"[-0.0]", 0, JWG_OK},
    /* exponent form of an integer */
    {"[1.7e9]", 1700000000, JWG_OK},
    /* negative exponent leaves a fraction */
    {"[17e-1]", 1, JWG_OK},
    /* beyond double precision, still exact */
    {"[9007199254740993]", 9007199254740993, JWG_OK},
    /* 18 digits, the longest integer the fast path reads */
    {"[999999999999999999]", 999999999999999999, JWG_OK},
    /* 19 digits take the exact general path */
    {"[1000000000000000000]", 1000000000000000000, JWG_OK},
    /* zero */
    {"[0]", 0, JWG_OK},
    /* largest int64 */
    {"[9223372036854775807]", INT64_MAX, JWG_OK},
    /* one above int64 saturates */
    {"[9223372036854775808]", INT64_MAX, JWG_OK},
    /* smallest int64 */
    {"[-9223372036854775808]", INT64_MIN, JWG_OK},
    /* 10^30 saturates */
    {"[1000000000000000000000000000000]", INT64_MAX, JWG_OK},
    /* 1e30 saturates */
    {"[1e30]", INT64_MAX, JWG_OK},
    /* exponent beyond any double saturates */
    {"[1e999]", INT64_MAX, JWG_OK},
    /* negative huge saturates low */
    {"[-1e999]", INT64_MIN, JWG_OK},
    /* tiny positive floors to 0 */
    {"[1e-999]", 0, JWG_OK},
    /* exponent that does not fit any integer type */
    {"[1e99999999999999999999]", INT64_MAX, JWG_OK},
    /* zero with a huge exponent is zero */
    {"[0e99999]", 0, JWG_OK},
    /* a string is not a NumericDate */
    {"[\"123\"]", 0, JWG_ERR_CLAIM_TYPE},
    /* true is not a NumericDate */
    {"[true]", 0, JWG_ERR_CLAIM_TYPE},
    /* null is not a NumericDate */
    {"[null]", 0, JWG_ERR_CLAIM_TYPE},
};

typedef jwg_err (*number_reader)(const jwg_json_doc *doc, size_t idx, int64_t *out);

static void check_number_cases(const struct date_case *cases, size_t n, number_reader read)
{
    for (size_t i = 0; i < n; i++) {
        jwg_json_doc doc;
        int64_t v = 42;

        print_message("case %s\n", cases[i].text);
        parse_ok(cases[i].text, &doc);
        assert_int_equal(read(&doc, 1, &v), cases[i].err);
        assert_true(v == cases[i].value);
    }
}

static void json_numeric_date_table(void **state)
{
    (void)state;
    check_number_cases(date_cases, JWG_ARRAY_LEN(date_cases), jwg_json_numeric_date);
}

/* Integers of 1 to 18 digits read the same as NumericDates and through jwg_json_int64. */
static void json_numeric_date_digits(void **state)
{
    (void)state;
    uint64_t x = 0x9e3779b97f4a7c15u;

    for (int round = 0; round < 20000; round++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int digits = 1 + round % 18;
        char text[32];
        size_t len = (size_t)digits + 2;
        text[0] = '[';
        for (int i = 0; i < digits; i++)
            text[1 + i] = (char)('0' + (x >> (i * 3 % 60)) % 10);
        text[len - 1] = ']';
        if (digits > 1 && text[1] == '0')
            text[1] = '7';

        jwg_json_node nodes[4];
        jwg_json_doc doc;
        int64_t date = -1, whole = -2;
        assert_int_equal(jwg_json_parse((const uint8_t *)text, len, nodes, 4, 2, &doc), JWG_OK);
        assert_int_equal(jwg_json_numeric_date(&doc, 1, &date), JWG_OK);
        assert_int_equal(jwg_json_int64(&doc, 1, &whole), JWG_OK);
        assert_int_equal(date, whole);
    }
}

static const struct date_case int64_cases[] = {
    /* zero */
    {"[0]", 0, JWG_OK},
    /* negative zero is zero */
    {"[-0]", 0, JWG_OK},
    /* upper bound */
    {"[9223372036854775807]", INT64_MAX, JWG_OK},
    /* lower bound */
    {"[-9223372036854775808]", INT64_MIN, JWG_OK},
    /* one above the upper bound */
    {"[9223372036854775808]", 0, JWG_ERR_MEMBER_TYPE},
    /* one below the lower bound */
    {"[-9223372036854775809]", 0, JWG_ERR_MEMBER_TYPE},
    /* far above */
    {"[100000000000000000000000]", 0, JWG_ERR_MEMBER_TYPE},
    /* a fraction is not an integer */
    {"[1.0]", 0, JWG_ERR_MEMBER_TYPE},
    /* an exponent is not an integer */
    {"[1e3]", 0, JWG_ERR_MEMBER_TYPE},
    /* a string */
    {"[\"1\"]", 0, JWG_ERR_MEMBER_TYPE},
};

static void json_int64_table(void **state)
{
    (void)state;
    check_number_cases(int64_cases, JWG_ARRAY_LEN(int64_cases), jwg_json_int64);
}

static void json_double_values(void **state)
{
    (void)state;
    jwg_json_doc doc;
    double v = 0;

    parse_ok("[1.5, -2.25e2, 1e999, 0.1, 123456789012345678901234567890123456789012345678901]",
             &doc);
    assert_int_equal(jwg_json_double(&doc, 1, &v), JWG_OK);
    assert_true(v == 1.5);
    assert_int_equal(jwg_json_double(&doc, 2, &v), JWG_OK);
    assert_true(v == -225.0);
    /* huge values become infinity */
    assert_int_equal(jwg_json_double(&doc, 3, &v), JWG_OK);
    assert_true(v > 1e308);
    assert_int_equal(jwg_json_double(&doc, 4, &v), JWG_OK);
    assert_true(v == 0.1);
    /* digits beyond the 40 kept ones only shift the exponent */
    assert_int_equal(jwg_json_double(&doc, 5, &v), JWG_OK);
    assert_true(v > 1.2345678901e50 && v < 1.2345678902e50);
    /* the array itself is not a number */
    assert_int_equal(jwg_json_double(&doc, 0, &v), JWG_ERR_MEMBER_TYPE);
}

/* ---- strings and members -------------------------------------------------- */

static void json_string_access(void **state)
{
    (void)state;
    jwg_json_doc doc;
    char out[32];
    size_t out_len = 0;

    parse_ok("[\"plain\", \"a\\\"b\\\\c\\/d\\n\", \"\\ud834\\udd1e\\u00e9\", \"x\\u0000y\", 1]", &doc);

    /* plain string without escapes */
    assert_int_equal(jwg_json_string_equals(&doc, 1, "plain", 5), 1);
    /* a prefix is not equal */
    assert_int_equal(jwg_json_string_equals(&doc, 1, "plai", 4), 0);
    /* simple escapes unescaped */
    assert_int_equal(jwg_json_string_equals(&doc, 2, "a\"b\\c/d\n", 8), 1);
    /* escaped string compared with a longer value */
    assert_int_equal(jwg_json_string_equals(&doc, 2, "a\"b\\c/d\nX", 9), 0);
    /* surrogate pair becomes 4-byte UTF-8, \u00e9 two bytes */
    assert_int_equal(jwg_json_string_equals(&doc, 3, "\xf0\x9d\x84\x9e\xc3\xa9", 6), 1);
    /* a number node is never equal to a string */
    assert_int_equal(jwg_json_string_equals(&doc, 5, "1", 1), 0);

    assert_int_equal(jwg_json_string_copy(&doc, 2, out, sizeof(out), &out_len), JWG_OK);
    assert_int_equal(out_len, 8);
    assert_string_equal(out, "a\"b\\c/d\n");
    assert_int_equal(jwg_json_string_copy(&doc, 3, out, sizeof(out), &out_len), JWG_OK);
    assert_int_equal(out_len, 6);
    assert_memory_equal(out, "\xf0\x9d\x84\x9e\xc3\xa9", 7);
    /* an embedded NUL is copied and counted */
    assert_int_equal(jwg_json_string_copy(&doc, 4, out, sizeof(out), &out_len), JWG_OK);
    assert_int_equal(out_len, 3);
    assert_memory_equal(out, "x\0y", 4);
    /* no room for the NUL terminator */
    assert_int_equal(jwg_json_string_copy(&doc, 1, out, 5, &out_len), JWG_ERR_INVALID_ARGUMENT);
    assert_int_equal(out_len, 0);
    assert_string_equal(out, "");
    /* exactly enough room */
    assert_int_equal(jwg_json_string_copy(&doc, 1, out, 6, &out_len), JWG_OK);
    /* a number node cannot be copied as a string */
    assert_int_equal(jwg_json_string_copy(&doc, 5, out, sizeof(out), &out_len),
                     JWG_ERR_MEMBER_TYPE);
}

static void json_find_members(void **state)
{
    (void)state;
    jwg_json_doc doc;
    parse_ok("{\"iss\":\"a\",\"nested\":{\"exp\":1},\"\\u0065xp\":2,\"aud\":[\"x\",\"y\"]}", &doc);

    /* first member */
    assert_int_equal(jwg_json_find(&doc, 0, "iss"), 2);
    /* escaped name is found by its unescaped spelling */
    size_t exp = jwg_json_find(&doc, 0, "exp");
    assert_int_equal(doc.nodes[exp].type, JWG_JSON_NUMBER);
    assert_int_equal(doc.src[doc.nodes[exp].start], '2');
    /* member after an array value */
    assert_int_equal(doc.nodes[jwg_json_find(&doc, 0, "aud")].type, JWG_JSON_ARRAY);
    /* member of a nested object */
    size_t nested = jwg_json_find(&doc, 0, "nested");
    assert_int_equal(doc.src[doc.nodes[jwg_json_find(&doc, nested, "exp")].start], '1');
    /* absent member */
    assert_int_equal(jwg_json_find(&doc, 0, "sub"), 0);
    /* prefix of a name */
    assert_int_equal(jwg_json_find(&doc, 0, "is"), 0);
    /* a node that is not an object */
    assert_int_equal(jwg_json_find(&doc, 2, "iss"), 0);
    /* an index past the document */
    assert_int_equal(jwg_json_find(&doc, 999, "iss"), 0);
}

struct escape_case {
    const char *in;
    size_t in_len;
    const char *out;
};

static const struct escape_case escape_cases[] = {
    /* empty string */
    {"", 0, "\"\""},
    /* quote and backslash */
    {"a\"b\\", 4, "\"a\\\"b\\\\\""},
    /* short forms of control characters */
    {"\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\""},
    /* other control characters as \u00XX, including NUL */
    {"\x01\x1f\0", 3, "\"\\u0001\\u001f\\u0000\""},
    /* UTF-8 and '/' are written as they are */
    {"\xc3\xa9/", 3, "\"\xc3\xa9/\""},
};

static void json_escape_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < JWG_ARRAY_LEN(escape_cases); i++) {
        const struct escape_case *c = &escape_cases[i];
        char out[64];
        size_t expected = strlen(c->out);

        assert_int_equal(jwg_json_escape(c->in, c->in_len, out, sizeof(out)), expected);
        assert_memory_equal(out, c->out, expected);
        /* the output parses back to the input */
        jwg_json_doc doc;
        assert_int_equal(parse_lit((uint8_t *)out, expected, &doc), JWG_OK);
        assert_int_equal(jwg_json_string_equals(&doc, 0, c->in, c->in_len), 1);
    }

    /* a short buffer still reports the full length */
    char small[2];
    assert_int_equal(jwg_json_escape("abc", 3, small, sizeof(small)), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_parse_table),
        cmocka_unit_test(json_parse_capacity),
        cmocka_unit_test(json_parse_nodes),
        cmocka_unit_test(json_test_suite),
        cmocka_unit_test(json_duplicates_small),
        cmocka_unit_test(json_duplicates_large),
        cmocka_unit_test(json_depth_limit),
        cmocka_unit_test(json_numeric_date_table),
        cmocka_unit_test(json_numeric_date_digits),
        cmocka_unit_test(json_int64_table),
        cmocka_unit_test(json_double_values),
        cmocka_unit_test(json_string_access),
        cmocka_unit_test(json_find_members),
        cmocka_unit_test(json_escape_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
