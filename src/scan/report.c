/*
 * report.c: the text and JSON reports, the rule catalog (--list-rules,
 * --explain, --print-patterns) and severity names. The JSON layout is
 * documented field by field in docs/SCAN.md; change both together and bump
 * SCAN_JSON_SCHEMA on an incompatible change.
 */
#include <string.h>
#include <strings.h>

#include "jwtguard/jwtguard.h"
#include "scan/ctx.h"

static const char *const severity_names[] = {"note", "low", "medium", "high", "critical"};

static const char *const suppress_names[SCAN_SUPPRESS_COUNT] = {NULL, "inline", "ignore_file",
                                                                "baseline"};

const char *scan_severity_name(scan_severity s)
{
    if ((unsigned)s > SCAN_SEV_CRITICAL)
        return "unknown";
    return severity_names[s];
}

bool scan_severity_parse(const char *name, scan_severity *out)
{
    for (unsigned i = 0; i <= SCAN_SEV_CRITICAL; i++) {
        if (strcasecmp(name, severity_names[i]) == 0) {
            *out = (scan_severity)i;
            return true;
        }
    }
    return false;
}

/* Length of the valid UTF-8 sequence at s[0], or 0 when it is not valid. */
static size_t utf8_seq_len(const unsigned char *s, size_t len)
{
    size_t need;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        need = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        need = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        need = 4;
    else
        return 0;
    if (need > len)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    }
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
        return 0;
    return need;
}

void scan_json_string(FILE *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;

    fputc('"', out);
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        size_t n;

        if (c == '"' || c == '\\') {
            fprintf(out, "\\%c", c);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(out, "\\u%04x", c);
            i++;
        } else if ((n = utf8_seq_len(p + i, len - i)) == 0) {
            fputs("\\ufffd", out);
            i++;
        } else {
            fwrite(p + i, 1, n, out);
            i += n;
        }
    }
    fputc('"', out);
}

static void json_cstr(FILE *out, const char *s)
{
    if (s == NULL)
        fputs("null", out);
    else
        scan_json_string(out, s, strlen(s));
}

/* Whether the UTF-8 sequence at `p` encodes a C1 control, U+0080 to U+009F. */
static bool is_c1_control(const unsigned char *p, size_t n)
{
    return n == 2 && p[0] == 0xc2 && p[1] < 0xa0;
}

/*
 * Writes a string for a terminal: control characters and invalid UTF-8 as
 * \xNN, other UTF-8 text as it is. C1 controls count as control characters
 * because some terminals act on U+009B (CSI) as on ESC [.
 */
static void print_safe(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);

    for (size_t i = 0; i < len;) {
        size_t n = p[i] >= 0x80 ? utf8_seq_len(p + i, len - i) : 1;

        if (is_c1_control(p + i, n)) {
            fprintf(out, "\\x%02x\\x%02x", p[i], p[i + 1]);
            i += 2;
        } else if (n > 1) {
            fwrite(p + i, 1, n, out);
            i += n;
        } else if (p[i] < 0x20 || p[i] == 0x7f || n == 0) {
            fprintf(out, "\\x%02x", p[i]);
            i++;
        } else {
            fputc(p[i], out);
            i++;
        }
    }
}

static const char *severity_colour(scan_severity s)
{
    static const char *const colours[] = {"\033[2m", "\033[36m", "\033[33m", "\033[31m",
                                          "\033[1;31m"};

    return (unsigned)s <= SCAN_SEV_CRITICAL ? colours[s] : "";
}

static void write_text_result(FILE *out, const scan_result *r, bool color)
{
    print_safe(out, r->path);
    if (r->column > 0)
        fprintf(out, ":%zu:%zu: ", r->line, r->column);
    else
        fprintf(out, ":%zu: ", r->line);
    if (color)
        fprintf(out, "%s%s\033[0m ", severity_colour(r->severity), scan_severity_name(r->severity));
    else
        fprintf(out, "%s ", scan_severity_name(r->severity));
    fprintf(out, "%s %s: ", r->rule->id, r->rule->name);
    print_safe(out, r->message);
    if (r->has_value)
        fprintf(out, " [value %s... length %zu fingerprint %s]", r->preview, r->value_len,
                r->value_fp);
    if (r->commit != NULL)
        fprintf(out, " (commit %.12s)", r->commit);
    fputc('\n', out);
    for (size_t i = 0; i < r->related_count; i++) {
        fputs("    related: ", out);
        print_safe(out, r->related[i].path);
        fprintf(out, ":%zu: ", r->related[i].line);
        print_safe(out, r->related[i].message);
        fputc('\n', out);
    }
}

void scan_write_text(const scan_ctx *ctx, FILE *out, bool color)
{
    const scan_result *results = ctx->results.items;
    const scan_skip *skips = ctx->skips.items;
    size_t shown = 0, suppressed = 0;

    for (size_t i = 0; i < ctx->results.count; i++) {
        if (results[i].suppressed != SCAN_SUPPRESS_NONE)
            continue;
        write_text_result(out, &results[i], color);
        shown++;
    }
    for (size_t i = 0; i < ctx->skips.count; i++) {
        if (!skips[i].error)
            continue;
        fputs("jwtguard: warning: not scanned (", out);
        print_safe(out, skips[i].path);
        fputs("): ", out);
        print_safe(out, skips[i].reason);
        fputc('\n', out);
    }
    for (size_t s = 1; s < SCAN_SUPPRESS_COUNT; s++)
        suppressed += ctx->summary.suppressed[s];
    fprintf(out, "%zu finding%s in %zu file%s (%llu bytes); %zu suppressed (%zu inline, %zu ignore file, %zu baseline); %zu skipped%s\n",
            shown, shown == 1 ? "" : "s", ctx->summary.files_scanned,
            ctx->summary.files_scanned == 1 ? "" : "s",
            (unsigned long long)ctx->summary.bytes_scanned, suppressed,
            ctx->summary.suppressed[SCAN_SUPPRESS_INLINE], ctx->summary.suppressed[SCAN_SUPPRESS_IGNORE],
            ctx->summary.suppressed[SCAN_SUPPRESS_BASELINE], ctx->skips.count,
            ctx->summary.incomplete ? "; scan incomplete" : "");
}

static void write_json_result(FILE *out, const scan_result *r)
{
    fputs("{\"rule_id\":", out);
    json_cstr(out, r->rule->id);
    fputs(",\"rule_name\":", out);
    json_cstr(out, r->rule->name);
    fprintf(out, ",\"severity\":\"%s\",\"path\":", scan_severity_name(r->severity));
    json_cstr(out, r->path);
    fprintf(out, ",\"start_line\":%zu,\"start_column\":%zu,\"end_line\":%zu,\"end_column\":%zu",
            r->line, r->column, r->end_line, r->end_column);
    fputs(",\"message\":", out);
    json_cstr(out, r->message);
    fputs(",\"value\":", out);
    if (r->has_value) {
        fputs("{\"preview\":", out);
        json_cstr(out, r->preview);
        fprintf(out, ",\"length\":%zu,\"fingerprint\":\"%s\"}", r->value_len, r->value_fp);
    } else {
        fputs("null", out);
    }
    fprintf(out, ",\"fingerprint\":\"%s\",\"line_hash\":", r->content_fp);
    json_cstr(out, r->line_hash[0] ? r->line_hash : NULL);
    fputs(",\"commit\":", out);
    json_cstr(out, r->commit);
    fputs(",\"suppressed\":", out);
    json_cstr(out, suppress_names[r->suppressed]);
    fputs(",\"related\":[", out);
    for (size_t i = 0; i < r->related_count; i++) {
        fputs(i ? ",{\"path\":" : "{\"path\":", out);
        json_cstr(out, r->related[i].path);
        fprintf(out, ",\"line\":%zu,\"message\":", r->related[i].line);
        json_cstr(out, r->related[i].message);
        fputc('}', out);
    }
    fputs("]}", out);
}

static void write_json_summary(const scan_ctx *ctx, FILE *out, size_t active)
{
    const scan_summary *s = &ctx->summary;

    fprintf(out, "\"summary\":{\"files_scanned\":%zu,\"bytes_scanned\":%llu,\"findings\":%zu,",
            s->files_scanned, (unsigned long long)s->bytes_scanned, active);
    fprintf(out, "\"suppressed\":{\"inline\":%zu,\"ignore_file\":%zu,\"baseline\":%zu},",
            s->suppressed[SCAN_SUPPRESS_INLINE], s->suppressed[SCAN_SUPPRESS_IGNORE],
            s->suppressed[SCAN_SUPPRESS_BASELINE]);
    fprintf(out, "\"skipped\":%zu,\"incomplete\":%s}", ctx->skips.count,
            s->incomplete ? "true" : "false");
}

void scan_write_json(const scan_ctx *ctx, FILE *out)
{
    const scan_result *results = ctx->results.items;
    const scan_skip *skips = ctx->skips.items;
    size_t active = 0;
    bool first = true;

    for (size_t i = 0; i < ctx->results.count; i++)
        active += results[i].suppressed == SCAN_SUPPRESS_NONE;
    fprintf(out, "{\"schema\":\"%s\",\"tool\":{\"name\":\"jwtguard\",\"version\":\"%s\"},",
            SCAN_JSON_SCHEMA, JWG_VERSION_STRING);
    write_json_summary(ctx, out, active);
    fputs(",\"findings\":[", out);
    for (size_t i = 0; i < ctx->results.count; i++) {
        if (!first)
            fputc(',', out);
        write_json_result(out, &results[i]);
        first = false;
    }
    fputs("],\"skipped\":[", out);
    for (size_t i = 0; i < ctx->skips.count; i++) {
        fputs(i ? ",{\"path\":" : "{\"path\":", out);
        json_cstr(out, skips[i].path);
        fputs(",\"reason\":", out);
        json_cstr(out, skips[i].reason);
        fprintf(out, ",\"error\":%s}", skips[i].error ? "true" : "false");
    }
    fputs("]}\n", out);
}

/* Calls fn for every rule of every set, in registry order. */
static void for_each_rule(void (*fn)(FILE *, const scan_rule *, bool), FILE *out)
{
    size_t set_count;
    const scan_set *const *sets = scan_sets(&set_count);
    bool first = true;

    for (size_t s = 0; s < set_count; s++) {
        for (size_t r = 0; r < sets[s]->rule_count; r++) {
            fn(out, &sets[s]->rules[r], first);
            first = false;
        }
    }
}

static void list_rule_text(FILE *out, const scan_rule *rule, bool first)
{
    (void)first;
    fprintf(out, "%-6s %-8s %-32s %s\n", rule->id, scan_severity_name(rule->severity), rule->name,
            rule->summary);
}

static void list_rule_json(FILE *out, const scan_rule *rule, bool first)
{
    fputs(first ? "{\"id\":" : ",{\"id\":", out);
    json_cstr(out, rule->id);
    fputs(",\"name\":", out);
    json_cstr(out, rule->name);
    fprintf(out, ",\"severity\":\"%s\",\"security_severity\":", scan_severity_name(rule->severity));
    json_cstr(out, rule->security_severity);
    fputs(",\"cwe\":", out);
    json_cstr(out, rule->cwe);
    fputs(",\"summary\":", out);
    json_cstr(out, rule->summary);
    fputs(",\"help\":", out);
    json_cstr(out, rule->help);
    fputc('}', out);
}

void scan_list_rules(FILE *out, bool json)
{
    if (!json) {
        for_each_rule(list_rule_text, out);
        return;
    }
    fprintf(out, "{\"schema\":\"%s\",\"rules\":[", SCAN_JSON_SCHEMA);
    for_each_rule(list_rule_json, out);
    fputs("]}\n", out);
}

bool scan_explain_rule(FILE *out, const char *id)
{
    const scan_rule *rule = scan_rule_find(id);

    if (rule == NULL)
        return false;
    fprintf(out, "%s %s (%s", rule->id, rule->name, scan_severity_name(rule->severity));
    if (rule->cwe != NULL)
        fprintf(out, ", %s", rule->cwe);
    fprintf(out, ")\n\n%s\n\n%s\n", rule->summary, rule->help);
    return true;
}

void scan_print_patterns(FILE *out)
{
    size_t set_count;
    const scan_set *const *sets = scan_sets(&set_count);

    for (size_t s = 0; s < set_count; s++) {
        for (size_t d = 0; d < sets[s]->detector_count; d++) {
            const scan_detector *det = &sets[s]->detectors[d];

            for (size_t p = 0; p < det->pattern_count; p++) {
                unsigned flags = det->patterns[p].flags;

                /* Inline flags, so that ripgrep and other PCRE-style engines read the same pattern. */
                fprintf(out, "%s%s%s%s\n", flags & HS_FLAG_CASELESS ? "(?i)" : "",
                        flags & HS_FLAG_DOTALL ? "(?s)" : "", flags & HS_FLAG_MULTILINE ? "(?m)" : "",
                        det->patterns[p].expr);
            }
        }
    }
}
