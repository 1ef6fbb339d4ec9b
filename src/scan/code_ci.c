/*
 * code_ci.c: checks of CI pipeline steps (GitHub Actions, GitLab CI,
 * Jenkinsfiles, shell scripts) that print secrets or tokens, or put them in
 * URLs. They run on files the engine flags SCAN_FILE_CI and on shell
 * scripts; each reports at most one finding per line.
 */
#include <string.h>

#include "scan/code_checks.h"

/* Maximum lines after `set -x` searched for a use of a secret. */
#define XTRACE_WINDOW_LINES 40u

/* Parts of variable names that contain secrets ($JWT_SECRET, ${API_TOKEN}, $password). */
static const char *const secret_names[] = {"secret",      "token",      "password",
                                           "passwd",      "api_key",    "apikey",
                                           "private_key", "credential", "bearer"};

static bool ci_applies(const code_site *s)
{
    return (s->file_flags & SCAN_FILE_CI) != 0 || s->lang == SCAN_LANG_SHELL;
}

/* True for names such as JWT_SECRET, API_TOKEN, JWT or API_JWT, but not JWTGUARD. */
static bool secret_variable(const uint8_t *text, text_span name)
{
    for (size_t i = 0; i < sizeof(secret_names) / sizeof(secret_names[0]); i++) {
        if (text_has_ci(text, name, secret_names[i]))
            return true;
    }

    /* "jwt" counts as a whole part between '_' separators only. */
    for (size_t at = name.a; at + 3 <= name.b; at++) {
        bool left = at == name.a || text[at - 1] == '_';
        bool right = at + 3 == name.b || text[at + 3] == '_';

        if (left && right && text_has_ci(text, (text_span){at, at + 3}, "jwt"))
            return true;
    }
    return false;
}

/*
 * True when `span` expands a secret: ${{ secrets.X }} anywhere (the runner
 * substitutes it before the shell runs), or $JWT_SECRET and ${API_TOKEN}
 * outside single quotes, where the shell leaves '$' alone.
 */
static bool expands_secret(const code_site *s, text_span span)
{
    const uint8_t *text = s->text;
    bool quoted = false;

    /* Runners substitute ${{ }} in workflow files; in a shell script it is plain text. */
    if (s->lang != SCAN_LANG_SHELL && text_has(text, span, "secrets."))
        return true;
    for (size_t i = span.a; i + 1 < span.b; i++) {
        size_t a = text[i + 1] == '{' ? i + 2 : i + 1;
        size_t b = a;

        if (text[i] == '\n')
            quoted = false;
        if (text[i] == '\'')
            quoted = !quoted;
        if (text[i] != '$' || quoted)
            continue;
        while (b < span.b && text_is_ident(text[b]))
            b++;
        if (b > a && secret_variable(text, (text_span){a, b}))
            return true;
    }
    return false;
}

/*
 * Returns the end of the shell command that starts at `start` on its line:
 * the first '|', ';', '&&' or '>' outside quotes, or the line end. Sets
 * *printed to false when its output goes to a pipe or a file ("> f"),
 * true when it reaches the log (no redirection, or ">&2").
 */
static size_t command_end(const uint8_t *text, size_t len, size_t start, bool *printed)
{
    size_t end = text_line_end(text, len, start);
    uint8_t quote = 0;

    *printed = true;
    for (size_t i = start; i < end; i++) {
        uint8_t c = text[i];

        if (quote != 0) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '|' && (i + 1 >= end || text[i + 1] != '|')) {
            *printed = false;
            return i;
        } else if (c == '>') {
            /* ">&2" and ">&1" still reach the log; "> f" and ">&3" do not. */
            *printed =
                i + 2 < end && text[i + 1] == '&' && (text[i + 2] == '1' || text[i + 2] == '2');
            return i;
        } else if (c == ';' || (c == '&' && i + 1 < end && text[i + 1] == '&')) {
            return i;
        }
    }
    return end;
}

/* True when the word at `start` begins a command: "run: env", "- printenv", "x; env". */
static bool at_command(const uint8_t *text, size_t start)
{
    size_t i = start;

    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
        i--;
    if (i == 0 || text[i - 1] == '\n' || text[i - 1] == ';' || text[i - 1] == '|' ||
        text[i - 1] == '&')
        return true;

    /* A YAML list item "- env", not an option such as "--env". */
    if (text[i - 1] == '-')
        return i == 1 || text[i - 2] == ' ' || text[i - 2] == '\t' || text[i - 2] == '\n';
    return text[i - 1] == ':' && i >= 4 &&
           (memcmp(text + i - 4, "run:", 4) == 0 ||
            (i >= 7 && memcmp(text + i - 7, "script:", 7) == 0));
}

/*
 * Finds the word the match ends on. Returns false in a comment, outside CI
 * files, and for a `command` word inside a quoted string of a script.
 */
static bool ci_word(const code_site *s, bool command, size_t *start, text_span *line)
{
    if (!ci_applies(s))
        return false;
    *start = s->end;
    while (*start > 0 && text_is_ident(s->text[*start - 1]))
        (*start)--;
    line->a = text_line_start(s->text, s->end);
    line->b = text_line_end(s->text, s->len, s->end);
    if (text_is_comment(s->text, SCAN_LANG_SHELL, *start))
        return false;

    /* In a script, a word inside a quoted string is data; YAML may quote whole commands. */
    return !command || s->lang != SCAN_LANG_SHELL || text_is_code(s->text, SCAN_LANG_SHELL, *start);
}

static void ci_report(const code_site *s, unsigned rule, size_t start, text_span line,
                      const char *message)
{
    code_hit_add(s, &ci_rules[rule], start, line.b - start, -1, message);
    s->out->skip_until = line.b;
}

void code_ci_echo(const code_site *s)
{
    size_t start;
    text_span line;
    bool printed;
    text_span command;

    if (!ci_word(s, true, &start, &line))
        return;
    command = (text_span){start, command_end(s->text, s->len, start, &printed)};
    if (!printed || text_has(s->text, command, "::add-mask::"))
        return;
    if (expands_secret(s, command))
        ci_report(s, CI_R_PRINT_SECRET, start, line, "a CI step prints a secret");
}

void code_ci_env_dump(const code_site *s)
{
    size_t start;
    text_span line;
    bool printed;
    size_t next;
    text_span command;

    if (!ci_word(s, true, &start, &line) || !at_command(s->text, start))
        return;
    command = (text_span){s->end, command_end(s->text, s->len, s->end, &printed)};
    next = text_skip_space(s->text, command.b, s->end);

    /* `env | sort` still prints the environment; only a file takes it away. */
    if (command.b < s->len && s->text[command.b] == '|')
        printed = true;
    if (!printed || (next < command.b && s->text[next] == '='))
        return;

    /* `env` or `printenv` alone dumps everything; `printenv NAME` prints one variable. */
    if (next >= command.b || secret_variable(s->text, command))
        ci_report(s, CI_R_PRINT_SECRET, start, line,
                  "a CI step prints the environment, secrets included");
}

void code_ci_cat(const code_site *s)
{
    static const char *const secret_files[] = {"token", "jwt",        "secret", ".pem",
                                               ".key",  "credential", "id_rsa"};
    size_t start;
    text_span line;
    bool printed;
    text_span command;

    if (!ci_word(s, true, &start, &line) || !at_command(s->text, start))
        return;
    command = (text_span){s->end, command_end(s->text, s->len, s->end, &printed)};
    if (!printed)
        return;
    for (size_t i = 0; i < sizeof(secret_files) / sizeof(secret_files[0]); i++) {
        if (text_has_ci(s->text, command, secret_files[i])) {
            ci_report(s, CI_R_PRINT_SECRET, start, line, "a CI step prints a token or key file");
            return;
        }
    }
}

/* The curl command with its '\' continuation lines, at most CODE_MAX_CALL bytes. */
static text_span curl_command(const code_site *s, size_t start)
{
    size_t bound = s->len - start > CODE_MAX_CALL ? start + CODE_MAX_CALL : s->len;
    size_t end = text_line_end(s->text, bound, start);

    while (end < bound && end > start && s->text[end - 1] == '\\')
        end = text_line_end(s->text, bound, end + 1);
    return (text_span){start, end};
}

/* True when a word of `cmd` is -v, a short-option cluster with v, --verbose or --trace*. */
static bool curl_verbose(const uint8_t *text, text_span cmd)
{
    if (text_has(text, cmd, "--verbose") || text_has(text, cmd, "--trace"))
        return true;
    for (size_t i = cmd.a; i + 1 < cmd.b; i++) {
        size_t j = i + 1;
        bool has_v = false;

        if (text[i] != '-' || (i > cmd.a && text[i - 1] != ' ' && text[i - 1] != '\t'))
            continue;
        while (j < cmd.b &&
               ((text[j] >= 'a' && text[j] <= 'z') || (text[j] >= 'A' && text[j] <= 'Z'))) {
            has_v = has_v || text[j] == 'v';
            j++;
        }
        if (has_v && j > i + 1 &&
            (j == cmd.b || text[j] == ' ' || text[j] == '\t' || text[j] == '\\' || text[j] == '\n'))
            return true;
    }
    return false;
}

void code_ci_curl(const code_site *s)
{
    size_t start;
    text_span line;
    text_span command;

    if (!ci_word(s, false, &start, &line))
        return;
    command = curl_command(s, start);
    if (!curl_verbose(s->text, command))
        return;
    if (text_has_ci(s->text, command, "authorization") ||
        text_has(s->text, command, "--oauth2-bearer"))
        ci_report(s, CI_R_VERBOSE_CURL, start, line,
                  "verbose curl prints the Authorization header to the CI log");
}

void code_ci_token_url(const code_site *s)
{
    size_t start;
    text_span line;

    if (!ci_word(s, false, &start, &line))
        return;
    start = text_skip_space(s->text, line.b, line.a);
    ci_report(s, CI_R_TOKEN_URL, start, line, "a CI step puts a token in a URL query");
}

void code_ci_xtrace(const code_site *s)
{
    size_t start;
    text_span line;
    text_span window;
    size_t next;

    if (!ci_word(s, true, &start, &line))
        return;
    start = text_skip_space(s->text, line.b, line.a);

    /* Until `set +x`, the next YAML step ("- "), or XTRACE_WINDOW_LINES lines. */
    window.a = line.b < s->len ? line.b + 1 : s->len;
    window.b = window.a;
    for (unsigned n = 0; n < XTRACE_WINDOW_LINES && window.b < s->len; n++) {
        text_span next_line = {window.b, text_line_end(s->text, s->len, window.b)};

        next = text_skip_space(s->text, next_line.b, next_line.a);
        if (text_has(s->text, next_line, "set +x") ||
            (s->lang == SCAN_LANG_YAML && next + 1 < next_line.b && s->text[next] == '-' &&
             s->text[next + 1] == ' '))
            break;
        window.b = next_line.b < s->len ? next_line.b + 1 : s->len;
    }
    if (expands_secret(s, window))
        ci_report(s, CI_R_XTRACE, start, line, "set -x traces commands that expand secrets");
}
