/*
 * suppress.c: inline allow comments and the ignore file.
 *
 * Inline: "jwtguard:allow" anywhere on the finding's line, or alone in a
 * comment on the line above, allows every rule; "jwtguard:allow JG101,JG204"
 * allows only the rules listed.
 *
 * Ignore file (.jwtguardignore at the root, or --ignore-file): one entry a
 * line. '#' starts a comment at the start of a line or after a blank.
 *   PATH-GLOB          the walk skips matching files and folders.
 *   RULE-ID PATH-GLOB  findings of that rule in matching paths are suppressed.
 * Globs follow .gitignore: '*' and '?' stay within one folder name, '**'
 * spans folders, a glob with no '/' matches a name at any depth, a leading
 * '/' anchors it at the root and a trailing '/' matches folders only.
 * Negation ('!') is not supported and is rejected as an error.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "scan/ctx.h"
#include "scan/scan.h"
#include "scan/suppress.h"

#define ALLOW_MARK "jwtguard:allow"

/* Maximum size of an ignore file; real ones are a few lines. */
#define MAX_IGNORE_FILE (1024u * 1024u)

static bool is_rule_char(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/*
 * Reads the rule list after the mark (at `p`, up to `end`) and returns
 * whether it allows `rule_id`. No list allows every rule.
 */
static bool list_allows(const uint8_t *p, const uint8_t *end, const char *rule_id)
{
    size_t id_len = strlen(rule_id);
    bool any_listed = false;

    while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
        p++;
    while (p < end && is_rule_char(*p)) {
        const uint8_t *start = p;

        while (p < end && is_rule_char(*p))
            p++;
        if ((size_t)(p - start) < 3 || start[0] != 'J' || start[1] != 'G')
            break;
        any_listed = true;
        if ((size_t)(p - start) == id_len && memcmp(start, rule_id, id_len) == 0)
            return true;
        while (p < end && (*p == ',' || *p == ' ' || *p == '\t'))
            p++;
    }
    return !any_listed;
}

static const uint8_t *find_mark(const uint8_t *line, size_t len)
{
    size_t n = strlen(ALLOW_MARK);

    for (size_t i = 0; i + n <= len; i++) {
        if (line[i] == 'j' && memcmp(line + i, ALLOW_MARK, n) == 0)
            return line + i;
    }
    return NULL;
}

/* True when only blanks and comment markers precede the mark on its line. */
static bool only_comment_before(const uint8_t *line, const uint8_t *mark)
{
    for (const uint8_t *p = line; p < mark; p++) {
        if (*p != ' ' && *p != '\t' && !strchr("#/*-;<!%'", *p))
            return false;
    }
    return true;
}

static bool line_allows(const uint8_t *line, size_t len, const char *rule_id, bool alone)
{
    const uint8_t *mark = find_mark(line, len);

    if (mark == NULL || (alone && !only_comment_before(line, mark)))
        return false;
    return list_allows(mark + strlen(ALLOW_MARK), line + len, rule_id);
}

bool scan_inline_allowed(const uint8_t *data, size_t len, size_t line_start, const char *rule_id)
{
    const uint8_t *nl = memchr(data + line_start, '\n', len - line_start);
    size_t line_end = nl ? (size_t)(nl - data) : len;
    size_t prev_start;

    if (line_allows(data + line_start, line_end - line_start, rule_id, false))
        return true;
    if (line_start == 0)
        return false;
    prev_start = line_start - 1;
    while (prev_start > 0 && data[prev_start - 1] != '\n')
        prev_start--;
    return line_allows(data + prev_start, line_start - 1 - prev_start, rule_id, true);
}

/* One glob segment matcher: '*' and '?' never match '/'; '[...]' is a byte class. */
static bool match_class(const char **pp, char c)
{
    const char *p = *pp + 1;
    bool negate = *p == '!' || *p == '^';
    bool hit = false;

    if (negate)
        p++;
    for (bool first = true; *p != '\0' && (first || *p != ']'); first = false, p++) {
        if (p[1] == '-' && p[2] != ']' && p[2] != '\0') {
            hit = hit || (c >= p[0] && c <= p[2]);
            p += 2;
        } else {
            hit = hit || c == *p;
        }
    }
    if (*p != ']')
        return false;
    *pp = p + 1;
    return hit != negate;
}

/* One step of a compiled glob. */
enum glob_op {
    GLOB_LITERAL,     /* one byte, `c` */
    GLOB_ANY,         /* '?': one byte other than '/' */
    GLOB_CLASS,       /* '[...]' at `class_start`: one byte other than '/' */
    GLOB_NEVER,       /* an unterminated '[': matches nothing */
    GLOB_STAR,        /* '*': any bytes other than '/' */
    GLOB_DOUBLE_STAR, /* "**" not followed by '/': any bytes */
    GLOB_FOLDERS,     /* "**" then '/': zero folders, or the next step, GLOB_FOLDER_BYTES */
    GLOB_FOLDER_BYTES /* the rest of "**" then '/': any bytes, then a '/' */
};

typedef struct glob_step {
    enum glob_op op;
    char c;
    const char *class_start;
} glob_step;

/* Compiles `pat` into `steps` (room for strlen(pat) steps); returns the step count. */
static size_t glob_compile(const char *pat, glob_step *steps)
{
    size_t n = 0;

    while (*pat != '\0') {
        glob_step *st = &steps[n++];

        if (pat[0] == '*' && pat[1] == '*') {
            while (*pat == '*')
                pat++;
            st->op = GLOB_DOUBLE_STAR;
            if (*pat == '/') {
                st->op = GLOB_FOLDERS;
                steps[n++].op = GLOB_FOLDER_BYTES;
                pat++;
            }
        } else if (*pat == '*' || *pat == '?') {
            st->op = *pat == '*' ? GLOB_STAR : GLOB_ANY;
            pat++;
        } else if (*pat == '[') {
            const char *end = pat;

            st->op = GLOB_CLASS;
            st->class_start = pat;
            (void)match_class(&end, '\0');
            if (end == pat) {
                st->op = GLOB_NEVER;
                break;
            }
            pat = end;
        } else {
            if (*pat == '\\' && pat[1] != '\0')
                pat++;
            st->op = GLOB_LITERAL;
            st->c = *pat++;
        }
    }
    return n;
}

/* Adds the steps reachable without reading a byte; each leads only forward. */
static void glob_closure(const glob_step *steps, size_t n, bool *on)
{
    for (size_t i = 0; i < n; i++) {
        if (!on[i])
            continue;
        if (steps[i].op == GLOB_STAR || steps[i].op == GLOB_DOUBLE_STAR ||
            steps[i].op == GLOB_FOLDERS)
            on[i + 1] = true;
        if (steps[i].op == GLOB_FOLDERS)
            on[i + 2] = true;
    }
}

/* Moves step `i` over the byte `c`, setting the steps it reaches in `next`. */
static void glob_advance(const glob_step *st, size_t i, char c, bool *next)
{
    const char *class_end = st->class_start;

    switch (st->op) {
    case GLOB_LITERAL:
        next[i + 1] = next[i + 1] || c == st->c;
        break;
    case GLOB_ANY:
        next[i + 1] = next[i + 1] || c != '/';
        break;
    case GLOB_CLASS:
        next[i + 1] = next[i + 1] || (c != '/' && match_class(&class_end, c));
        break;
    case GLOB_STAR:
        next[i] = next[i] || c != '/';
        break;
    case GLOB_DOUBLE_STAR:
        next[i] = true;
        break;
    case GLOB_FOLDER_BYTES:
        next[i] = true;
        next[i + 1] = next[i + 1] || c == '/';
        break;
    case GLOB_FOLDERS:
    case GLOB_NEVER:
        break;
    }
}

/*
 * Matches by running the glob as a nondeterministic automaton over `s`,
 * one set of live steps per byte. So the time is at most the product of
 * the two lengths. Backtracking instead took time exponential in the
 * number of stars for globs such as "*a*a*a*a*b".
 */
bool scan_glob_match(const char *pat, const char *s)
{
    size_t len = strlen(pat);
    glob_step *steps = malloc((len + 1) * sizeof(*steps));
    bool *on = calloc(2 * (len + 2), sizeof(*on));
    bool *next, hit = false;
    size_t n;

    if (steps == NULL || on == NULL)
        goto out;
    next = on + len + 2;
    n = glob_compile(pat, steps);
    on[0] = true;
    glob_closure(steps, n, on);

    for (; *s != '\0'; s++) {
        bool live = false;

        memset(next, 0, (n + 1) * sizeof(*next));
        for (size_t i = 0; i < n; i++) {
            if (on[i])
                glob_advance(&steps[i], i, *s, next);
        }
        glob_closure(steps, n, next);
        memcpy(on, next, (n + 1) * sizeof(*on));
        for (size_t i = 0; i <= n && !live; i++)
            live = on[i];
        if (!live)
            goto out;
    }
    hit = on[n];
out:
    free(steps);
    free(on);
    return hit;
}

/*
 * Whether a .gitignore-style glob matches `path` or one of the folders it
 * lies in. An unanchored glob is tried at each name of the path.
 */
bool scan_ignore_glob(const scan_ignore_entry *e, const char *path)
{
    size_t len = strlen(path);
    bool path_is_folder = len > 0 && path[len - 1] == '/';
    char *buf = malloc(len + 1);
    bool hit = false;

    if (buf == NULL)
        return false;
    memcpy(buf, path, len + 1);
    if (path_is_folder)
        len--;
    for (size_t end = len; end > 0 && !hit; end--) {
        bool is_folder = end < len || path_is_folder;

        if (end < len && path[end] != '/')
            continue;
        if (e->folder_only && !is_folder)
            continue;
        buf[end] = '\0';
        if (e->anchored) {
            hit = scan_glob_match(e->glob, buf);
        } else {
            const char *name = strrchr(buf, '/');

            hit = scan_glob_match(e->glob, name ? name + 1 : buf);
        }
    }
    free(buf);
    return hit;
}

void scan_ignore_free(struct scan_ignore *ig)
{
    scan_ignore_entry *entries;

    if (ig == NULL)
        return;
    entries = ig->entries.items;
    for (size_t i = 0; i < ig->entries.count; i++) {
        free(entries[i].rule_id);
        free(entries[i].glob);
    }
    free(entries);
    free(ig);
}

static char *dup_range(const char *s, size_t n)
{
    char *out = malloc(n + 1);

    if (out != NULL) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

static bool looks_like_rule_id(const char *s, size_t n)
{
    if (n < 3 || s[0] != 'J' || s[1] != 'G')
        return false;
    for (size_t i = 2; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

/* Fills `e` from the glob text `g` (`n` bytes). */
static bool set_glob(scan_ignore_entry *e, const char *g, size_t n)
{
    if (n > 0 && g[n - 1] == '/') {
        e->folder_only = true;
        n--;
    }
    if (n > 0 && g[0] == '/') {
        e->anchored = true;
        g++;
        n--;
    }
    if (memchr(g, '/', n) != NULL)
        e->anchored = true;
    e->glob = dup_range(g, n);
    return e->glob != NULL && n > 0;
}

/*
 * Returns where the entry `p`..`end` ends once a trailing comment is cut:
 * a '#' after a blank starts one, in path and rule entries alike. A '#'
 * inside a glob ("a#b") is kept; "[#]" matches a name that has " #".
 */
static const char *strip_trailing_comment(const char *p, const char *end)
{
    for (const char *c = p + 1; c < end; c++) {
        if (*c == '#' && isspace((unsigned char)c[-1])) {
            end = c;
            break;
        }
    }
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    return end;
}

/*
 * Parses one line; returns 1 for an entry, 0 for a blank or comment line,
 * -1 for an invalid line (error in *why).
 */
int scan_ignore_parse_line(const char *line, size_t len, scan_ignore_entry *e, const char **why)
{
    const char *p = line, *end = line + len;
    const char *w1, *w2;
    size_t n1, n2;

    memset(e, 0, sizeof(*e));
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    while (p < end && isspace((unsigned char)*p))
        p++;
    if (p == end || *p == '#')
        return 0;
    end = strip_trailing_comment(p, end);
    if (*p == '!') {
        *why = "negation ('!') is not supported";
        return -1;
    }
    w1 = p;
    while (p < end && !isspace((unsigned char)*p))
        p++;
    n1 = (size_t)(p - w1);
    while (p < end && isspace((unsigned char)*p))
        p++;
    w2 = p;
    n2 = (size_t)(end - w2);

    if (n2 == 0)
        return set_glob(e, w1, n1) ? 1 : (*why = "empty glob", -1);
    if (!looks_like_rule_id(w1, n1)) {
        *why = "two words, but the first is not a rule id such as JG101";
        return -1;
    }
    e->rule_id = dup_range(w1, n1);
    if (e->rule_id == NULL || !set_glob(e, w2, n2)) {
        *why = "empty glob";
        return -1;
    }
    return 1;
}

/* Loads entries from `text`; prints the first invalid line and returns false. */
bool scan_ignore_parse(struct scan_ignore *ig, const char *name, const char *text, size_t len)
{
    size_t line_no = 0;

    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        scan_ignore_entry e, *slot;
        const char *why = "invalid";
        int rc = scan_ignore_parse_line(text + pos, n, &e, &why);

        line_no++;
        pos += n + 1;
        if (rc < 0) {
            fprintf(stderr, "jwtguard: error: invalid ignore file line (%s:%zu): %s\n", name,
                    line_no, why);
            free(e.rule_id);
            free(e.glob);
            return false;
        }
        if (rc == 0)
            continue;
        if (e.rule_id != NULL && scan_rule_find(e.rule_id) == NULL) {
            fprintf(stderr,
                    "jwtguard: error: unknown rule id in ignore file (%s:%zu: %s): "
                    "list the rule ids with jwtguard scan --list-rules\n",
                    name, line_no, e.rule_id);
            free(e.rule_id);
            free(e.glob);
            return false;
        }
        slot = scan_vec_push(&ig->entries, sizeof(*slot));
        if (slot == NULL) {
            free(e.rule_id);
            free(e.glob);
            return false;
        }
        *slot = e;
    }
    return true;
}

static bool read_small_file(const char *path, char **out, size_t *out_len, bool *missing)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;

    *missing = f == NULL;
    if (f == NULL)
        return false;
    buf = malloc(MAX_IGNORE_FILE + 1);
    n = buf ? fread(buf, 1, MAX_IGNORE_FILE + 1, f) : 0;
    if (buf == NULL || ferror(f) || n > MAX_IGNORE_FILE) {
        fclose(f);
        free(buf);
        return false;
    }
    fclose(f);
    *out = buf;
    *out_len = n;
    return true;
}

bool scan_ignore_load(scan_ctx *ctx)
{
    char default_path[4096];
    const char *path = ctx->opts.ignore_file;
    const char *root = ctx->opts.path_count > 0 ? ctx->opts.paths[0] : ".";
    char *text = NULL;
    size_t len = 0;
    bool missing = false, ok;

    if (path == NULL) {
        if (strcmp(root, "-") == 0)
            return true;
        snprintf(default_path, sizeof(default_path), "%s/.jwtguardignore", root);
        path = default_path;
    }
    if (!read_small_file(path, &text, &len, &missing)) {
        if (missing && ctx->opts.ignore_file == NULL)
            return true;
        fprintf(stderr, "jwtguard: error: cannot read ignore file (%s): check the path; at most 1 MiB\n",
                path);
        return false;
    }
    ctx->ignore = calloc(1, sizeof(*ctx->ignore));
    ok = ctx->ignore != NULL && scan_ignore_parse(ctx->ignore, path, text, len);
    free(text);
    return ok;
}

bool scan_ignore_path(const struct scan_ignore *ig, const char *path)
{
    const scan_ignore_entry *entries = ig->entries.items;

    for (size_t i = 0; i < ig->entries.count; i++) {
        if (entries[i].rule_id == NULL && scan_ignore_glob(&entries[i], path))
            return true;
    }
    return false;
}

bool scan_ignore_match(const struct scan_ignore *ig, const char *rule_id, const char *path)
{
    const scan_ignore_entry *entries = ig->entries.items;

    for (size_t i = 0; i < ig->entries.count; i++) {
        const scan_ignore_entry *e = &entries[i];

        if (scan_ignore_glob(e, path) && (e->rule_id == NULL || strcmp(e->rule_id, rule_id) == 0))
            return true;
    }
    return false;
}
