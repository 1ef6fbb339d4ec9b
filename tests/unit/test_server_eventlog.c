/*
 * test_server_eventlog.c: the event log's JSON writer and formatters:
 * integers, the RFC 3339 time, string escaping and cutting, members that
 * do not fit, and the stamped lines of the shared state. Every case
 * compares exact bytes, because tests and log readers parse these lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "server/eventlog.h"

/* Length of "{"time":"2026-12-05T01:12:15.042Z"", the start of every line for years 1000 to 9999. */
#define TIME_MEMBER_LEN 34u

/* Returns the members of a finished line after "time", from the "," before "event". */
static const char *after_time(const char *line)
{
    const char *comma = strchr(line, ',');
    assert_non_null(comma);
    assert_int_equal((size_t)(comma - line), TIME_MEMBER_LEN);
    return comma;
}

static void format_uint_cases(void **state)
{
    static const struct {
        uint64_t value;
        const char *text;
    } cases[] = {
        /* Zero is one digit, not an empty string. */
        {0, "0"},
        {9, "9"},
        /* The first two- and three-digit values. */
        {10, "10"},
        {100, "100"},
        /* The largest value: 20 digits, SRV_LOG_INT_TEXT_MAX. */
        {UINT64_MAX, "18446744073709551615"},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[SRV_LOG_INT_TEXT_MAX];
        size_t n = srv_log_format_uint(out, cases[i].value);
        assert_int_equal(n, strlen(cases[i].text));
        assert_memory_equal(out, cases[i].text, n);
    }
}

static void format_int_cases(void **state)
{
    static const struct {
        int64_t value;
        const char *text;
    } cases[] = {
        /* Zero has no sign. */
        {0, "0"},
        {-1, "-1"},
        {INT64_MAX, "9223372036854775807"},
        /* The one value whose negation overflows int64_t: 20 bytes with its sign. */
        {INT64_MIN, "-9223372036854775808"},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[SRV_LOG_INT_TEXT_MAX];
        size_t n = srv_log_format_int(out, cases[i].value);
        assert_int_equal(n, strlen(cases[i].text));
        assert_memory_equal(out, cases[i].text, n);
    }
}

static void format_time_cases(void **state)
{
    /* In call order: the per-thread cache of the second must refresh on every change of second, back in time too. */
    static const struct {
        struct timespec ts;
        const char *text;
    } cases[] = {
        /* The epoch. */
        {{0, 0}, "1970-01-01T00:00:00.000Z"},
        /* The same second again, other milliseconds: 999 is the last, rounded down from 999.999999. */
        {{0, 999999999}, "1970-01-01T00:00:00.999Z"},
        {{0, 1000000}, "1970-01-01T00:00:00.001Z"},
        /* The next second and a later date with two-digit milliseconds. */
        {{1, 0}, "1970-01-01T00:00:01.000Z"},
        {{1764896535, 42000000}, "2025-12-05T01:02:15.042Z"},
        /* Back to an earlier second, then across a leap day. */
        {{1709251199, 500000000}, "2024-02-29T23:59:59.500Z"},
        {{1709251200, 7000000}, "2024-03-01T00:00:00.007Z"},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[SRV_LOG_TIME_MAX];
        size_t n = srv_log_format_time(out, &cases[i].ts);
        assert_int_equal(n, strlen(cases[i].text));
        assert_memory_equal(out, cases[i].text, n);
    }
}

static void begin_writes_time(void **state)
{
    srv_json j;
    size_t len;
    (void)state;

    srv_json_begin(&j, "start");
    const char *line = srv_json_end(&j, &len);
    /* {"time":"YYYY-MM-DDTHH:MM:SS.mmmZ","event":"start"}, digits where the layout has them. */
    static const char layout[] = "{\"time\":\"dddd-dd-ddTdd:dd:dd.dddZ\",\"event\":\"start\"}";
    assert_int_equal(len, sizeof(layout) - 1);
    for (size_t i = 0; i < len; i++) {
        if (layout[i] == 'd')
            assert_true(line[i] >= '0' && line[i] <= '9');
        else
            assert_int_equal(line[i], layout[i]);
    }
}

static void string_escape_cases(void **state)
{
    static const struct {
        const char *value;
        size_t len;
        const char *json; /* the member as written */
    } cases[] = {
        /* Printable ASCII is copied. */
        {"plain text ~!", 13, ",\"k\":\"plain text ~!\""},
        /* A quote and a backslash get a backslash. */
        {"a\"b\\c", 5, ",\"k\":\"a\\\"b\\\\c\""},
        /* Control characters, tab and line feed included, are \u00XX with lower-case hex. */
        {"\x01\t\n\x1f", 4, ",\"k\":\"\\u0001\\u0009\\u000a\\u001f\""},
        /* A NUL inside the length is escaped, not an end. */
        {"a\0b", 3, ",\"k\":\"a\\u0000b\""},
        /* DEL and every byte above it: the line stays ASCII, UTF-8 too. */
        {"\x7f\x80\xff", 3, ",\"k\":\"\\u007f\\u0080\\u00ff\""},
        {"caf\xc3\xa9", 5, ",\"k\":\"caf\\u00c3\\u00a9\""},
        /* The bytes just inside the printable range: space and tilde. */
        {" ~", 2, ",\"k\":\" ~\""},
        /* An empty value is an empty string. */
        {"", 0, ",\"k\":\"\""},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        srv_json j;
        size_t len;
        char expected[256];

        srv_json_begin(&j, "e");
        srv_json_strn(&j, "k", cases[i].value, cases[i].len);
        const char *line = srv_json_end(&j, &len);
        snprintf(expected, sizeof(expected), ",\"event\":\"e\"%s}", cases[i].json);
        assert_string_equal(after_time(line), expected);
        assert_int_equal(len, TIME_MEMBER_LEN + strlen(expected));
    }
}

/* Writes byte `c` as the event log must: \" and \\, \u00xx below 0x20 and above 0x7e, else the byte. */
static void reference_escape(int c, char *out)
{
    if (c == '"' || c == '\\')
        snprintf(out, 8, "\\%c", c);
    else if (c < 0x20 || c > 0x7e)
        snprintf(out, 8, "\\u%04x", (unsigned)c);
    else
        snprintf(out, 8, "%c", c);
}

static void escape_every_byte(void **state)
{
    /* Byte 3 is inside the first 8 bytes, which are checked together, and byte 9 is in the tail. */
    static const size_t positions[] = {3, 9};
    (void)state;

    for (size_t p = 0; p < 2; p++) {
        for (int c = 0; c < 256; c++) {
            char value[] = "abcdefghij";
            char escaped[8];
            char expected[64];
            srv_json j;
            size_t len;

            value[positions[p]] = (char)c;
            reference_escape(c, escaped);
            snprintf(expected, sizeof(expected), ",\"event\":\"e\",\"k\":\"%.*s%s%s\"}", (int)positions[p], value,
                     escaped, value + positions[p] + 1);
            srv_json_begin(&j, "e");
            srv_json_strn(&j, "k", value, sizeof(value) - 1);
            const char *line = srv_json_end(&j, &len);
            if (strcmp(after_time(line), expected) != 0)
                fail_msg("byte 0x%02x at %zu: %s, expected %s", c, positions[p], after_time(line), expected);
        }
    }
}

static void key_is_escaped(void **state)
{
    srv_json j;
    size_t len;
    (void)state;

    /* Keys go through the same escaping as values. */
    srv_json_begin(&j, "e");
    srv_json_int(&j, "a\"\n", 1);
    const char *line = srv_json_end(&j, &len);
    assert_string_equal(after_time(line), ",\"event\":\"e\",\"a\\\"\\u000a\":1}");
}

static void string_cut_cases(void **state)
{
    char value[400];
    char expected[400];
    (void)state;
    memset(value, 'v', sizeof(value));

    /* 256 bytes (SRV_LOG_VALUE_MAX) are kept whole; from 257 on, 253 bytes and "..." are kept. */
    static const struct {
        size_t len;
        size_t kept_len;
        bool cut;
    } cases[] = {
        {SRV_LOG_VALUE_MAX, SRV_LOG_VALUE_MAX, false},
        {SRV_LOG_VALUE_MAX + 1, SRV_LOG_VALUE_MAX - 3, true},
        {sizeof(value), SRV_LOG_VALUE_MAX - 3, true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        srv_json j;
        size_t len;
        srv_json_begin(&j, "e");
        srv_json_strn(&j, "k", value, cases[i].len);
        const char *line = srv_json_end(&j, &len);
        snprintf(expected, sizeof(expected), ",\"event\":\"e\",\"k\":\"%.*s%s\"}", (int)cases[i].kept_len, value,
                 cases[i].cut ? "..." : "");
        assert_string_equal(after_time(line), expected);
    }
}

static void str_reads_to_nul(void **state)
{
    char value[400];
    char expected[400];
    srv_json j;
    size_t len;
    (void)state;

    /* srv_json_str ends at the NUL and cuts a long string as srv_json_strn does. */
    memset(value, 'v', sizeof(value) - 1);
    value[sizeof(value) - 1] = '\0';
    srv_json_begin(&j, "e");
    srv_json_str(&j, "short", "ab");
    srv_json_str(&j, "absent", NULL);
    srv_json_str(&j, "long", value);
    const char *line = srv_json_end(&j, &len);
    snprintf(expected, sizeof(expected), ",\"event\":\"e\",\"short\":\"ab\",\"long\":\"%.253s...\"}", value);
    assert_string_equal(after_time(line), expected);
}

static void number_and_bool_members(void **state)
{
    srv_json j;
    size_t len;
    (void)state;

    srv_json_begin(&j, "e");
    srv_json_int(&j, "min", INT64_MIN);
    srv_json_int(&j, "zero", 0);
    srv_json_uint(&j, "max", UINT64_MAX);
    srv_json_bool(&j, "yes", true);
    srv_json_bool(&j, "no", false);
    const char *line = srv_json_end(&j, &len);
    assert_string_equal(after_time(line), ",\"event\":\"e\",\"min\":-9223372036854775808,\"zero\":0,"
                                          "\"max\":18446744073709551615,\"yes\":true,\"no\":false}");
}

/*
 * Starts a line of 15 members ,"kNN":"<256 bytes>", 265 bytes each after
 * the 46-byte start: 4021 bytes, which leaves 43 for a member before the
 * 32 bytes SRV_LOG_LINE_MAX keeps for the end.
 */
static void fill_line(srv_json *j)
{
    char value[SRV_LOG_VALUE_MAX];
    char key[8];

    memset(value, 'v', sizeof(value));
    srv_json_begin(j, "e");
    for (int i = 0; i < 15; i++) {
        snprintf(key, sizeof(key), "k%02d", i);
        srv_json_strn(j, key, value, sizeof(value));
    }
    assert_false(j->truncated);
    assert_int_equal(j->len, 4021);
}

static void full_line_drops_members(void **state)
{
    char value[64];
    srv_json j;
    size_t len;
    (void)state;
    memset(value, 'z', sizeof(value));

    /* A member of exactly 43 bytes, ,"z":"<36 bytes>", still fits. */
    fill_line(&j);
    srv_json_strn(&j, "z", value, 36);
    assert_false(j.truncated);
    assert_int_equal(j.len, 4021 + 43);

    /* One byte more is dropped whole, and a shorter member after it is still added. */
    fill_line(&j);
    srv_json_strn(&j, "z", value, 37);
    assert_true(j.truncated);
    assert_int_equal(j.len, 4021);
    srv_json_int(&j, "n", 1);
    const char *line = srv_json_end(&j, &len);
    assert_string_equal(line + 4021, ",\"n\":1,\"truncated\":true}");
    assert_int_equal(len, 4021 + strlen(",\"n\":1,\"truncated\":true}"));
}

/* Writes `json` with srv_log_write_stamped to a new log file and returns its first line in `out`. */
static void stamped_line(const char *json, size_t len, char *out, size_t cap)
{
    char dir[] = "/tmp/jwg-eventlog-XXXXXX";
    char path[64];

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/events.log", dir);
    srv_log *log = srv_log_open(path);
    assert_non_null(log);
    srv_log_write_stamped(log, json, len);
    srv_log_close(log);

    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(out, (int)cap, f));
    fclose(f);
    unlink(path);
    rmdir(dir);
}

static void stamped_lines(void **state)
{
    static char long_json[SRV_LOG_LINE_MAX + 16];
    char line[2 * SRV_LOG_LINE_MAX];
    (void)state;

    /* "time" goes first, before the object's own members. */
    stamped_line("{\"event\":\"redis_error\",\"n\":2}", 29, line, sizeof(line));
    assert_string_equal(after_time(line), ",\"event\":\"redis_error\",\"n\":2}\n");

    /* A NUL inside the length ends the members. */
    stamped_line("{\"a\":1}\0junk", 12, line, sizeof(line));
    assert_string_equal(after_time(line), ",\"a\":1}\n");

    /* Not an object: written as it came. */
    stamped_line("plain", 5, line, sizeof(line));
    assert_string_equal(line, "plain\n");

    /* The maximum object that takes a stamp: 4095 bytes stamped, one under SRV_LOG_LINE_MAX. */
    size_t members = SRV_LOG_LINE_MAX - 1 - TIME_MEMBER_LEN - 1;
    memset(long_json, 'x', sizeof(long_json));
    long_json[0] = '{';
    stamped_line(long_json, members + 1, line, sizeof(line));
    assert_int_equal(strlen(line), SRV_LOG_LINE_MAX - 1 + 1);
    assert_int_equal(line[TIME_MEMBER_LEN], ',');

    /* One byte more would not fit with its stamp: written unstamped rather than cut. */
    stamped_line(long_json, members + 2, line, sizeof(line));
    assert_int_equal(strlen(line), members + 2 + 1);
    assert_int_equal(line[0], '{');
    assert_int_equal(line[1], 'x');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format_uint_cases),
        cmocka_unit_test(format_int_cases),
        cmocka_unit_test(format_time_cases),
        cmocka_unit_test(begin_writes_time),
        cmocka_unit_test(string_escape_cases),
        cmocka_unit_test(escape_every_byte),
        cmocka_unit_test(key_is_escaped),
        cmocka_unit_test(string_cut_cases),
        cmocka_unit_test(str_reads_to_nul),
        cmocka_unit_test(number_and_bool_members),
        cmocka_unit_test(full_line_drops_members),
        cmocka_unit_test(stamped_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
