/*
 * code_text.h: bounded readers of source text for the code and CI checks.
 * Every function takes explicit offsets and never reads outside [0, len).
 * They know just enough of each language's comments and string quotes to
 * skip an anchor that is only mentioned; they do not parse.
 */
#ifndef JWTGUARD_SCAN_CODE_TEXT_H
#define JWTGUARD_SCAN_CODE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/scan.h"

#define TEXT_NOT_FOUND ((size_t)-1)

/* A half-open range [a, b) of the file. */
typedef struct text_span {
    size_t a;
    size_t b;
} text_span;

/*
 * Maximum bytes read on either side of a position for its line. Minified
 * files put megabytes on one line, and every match re-reads its line, so an
 * unbounded line made the checks quadratic in the line length.
 */
#define TEXT_MAX_LINE 2048u

/*
 * Returns the start (or end) of the line holding `pos`, or the offset
 * TEXT_MAX_LINE bytes away when the line is longer.
 * NOTE: comment and string state is judged from at most 512 bytes before
 * a match, not from the start of a longer line.
 */
size_t text_line_start(const uint8_t *text, size_t pos);
size_t text_line_end(const uint8_t *text, size_t len, size_t pos);
/* Returns the start of the line `count` lines after the one holding `pos`, or `len`. */
size_t text_lines_after(const uint8_t *text, size_t len, size_t pos, unsigned count);
/* Returns the start of the line `count` lines before the one holding `pos`, or 0. */
size_t text_lines_before(const uint8_t *text, size_t pos, unsigned count);

/*
 * Returns true when `pos` sits in code: not after a line comment marker of
 * `lang`, not on a line that continues a block comment ("*" first), and
 * not inside a quoted string opened earlier on the same line.
 * NOTE: only the current line is read, so multi-line Python docstrings and
 * block comments without leading '*' count as code.
 */
bool text_is_code(const uint8_t *text, scan_lang lang, size_t pos);
/* Returns true when `pos` is in a comment, by the same rules; strings may hold it. */
bool text_is_comment(const uint8_t *text, scan_lang lang, size_t pos);

/* Returns the offset of the first `needle` in [a, b), or TEXT_NOT_FOUND. */
size_t text_find(const uint8_t *text, text_span s, const char *needle);
bool text_has(const uint8_t *text, text_span s, const char *needle);
/* The same, ignoring ASCII case. */
size_t text_find_ci(const uint8_t *text, text_span s, const char *needle);
bool text_has_ci(const uint8_t *text, text_span s, const char *needle);
/* Finds `needle` as a whole identifier: no identifier character on either side. */
size_t text_find_word(const uint8_t *text, text_span s, const char *needle);

bool text_is_ident(uint8_t c);
size_t text_skip_space(const uint8_t *text, size_t len, size_t pos);

/*
 * Finds the arguments of a call whose name ends at `pos`: from '(' to the
 * matching ')', skipping nested brackets and quoted strings, at most
 * CODE_MAX_CALL bytes. With no '(' and `bare` set (Ruby), the arguments
 * are the rest of the line and the lines that follow a trailing ','.
 * Returns false when there is no argument list.
 */
bool text_call_args(const uint8_t *text, size_t len, size_t pos, bool bare, text_span *args);

/* Walks back from `end` over "name.name (" to the start of the call expression. */
size_t text_call_start(const uint8_t *text, size_t end);

/*
 * Reads a duration in seconds after `key` in `s`: "key: 3600",
 * "key=60 * 60", "WithLeeway(2 * time.Hour)", "timedelta(hours=1)".
 * Returns false when `key` is absent or no number follows it.
 */
bool text_seconds_after(const uint8_t *text, text_span s, const char *key, long *seconds);

/* Returns true when `s` contains the string literal 'none' or "none", in any case. */
bool text_has_none_literal(const uint8_t *text, text_span s);

/*
 * Finds the variable a call's result is assigned to on the call's line:
 * "x = ", "const x = ", "x := ", "$x = ", "String x = ". Returns false
 * when there is none.
 */
bool text_assigned_name(const uint8_t *text, size_t call_start, text_span *name);

/*
 * Returns true when the lines from `from` to 8 lines after it use the
 * claims for an authorization decision. Such a line names `name` and a
 * word such as role, admin, permission, scope or authorize. When `name`
 * is empty, only the call's own line counts.
 */
bool text_feeds_authorization(const uint8_t *text, size_t len, size_t from, text_span name);

/*
 * Returns true when an expression outside string literals in `s` (or an
 * interpolation inside one: ${x}, {x} in f-strings, #{x}, "$x") names a
 * token: an identifier part such as token, jwt, accessToken, id_token,
 * authorization or headers, but not tokenCount, tokenType, tokens or
 * tokenizer.
 */
bool text_mentions_token_value(const uint8_t *text, text_span s, scan_lang lang);

#endif /* JWTGUARD_SCAN_CODE_TEXT_H */
