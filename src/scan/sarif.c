/*
 * sarif.c: the SARIF 2.1.0 report, shaped for GitHub code scanning.
 *
 * GitHub rejects or mangles uploads that break a few rules, and this
 * writer keeps them:
 *   - rule ids are unique, and every rule has a fullDescription and help;
 *   - every result has exactly one location, with a relative URI under
 *     %SRCROOT% (a file:// URI for a path named outside the working
 *     folder) and a 1-based region whose endColumn is exclusive;
 *   - a run has at most 25,000 results, GitHub's documented limit;
 *   - primaryLocationLineHash is computed as the upload-sarif action does. Findings on standard input have no repository file to point
 * at, so they are left out and counted in runs[0].properties.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jwtguard/jwtguard.h"
#include "scan/ctx.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

/* GitHub reads at most 25,000 results of a run. */
#define SARIF_MAX_RESULTS 25000u

/* GitHub truncates descriptions longer than this many characters. */
#define SARIF_MAX_DESCRIPTION 1024u

/* NOTE: no public home page exists yet; replace it when the project has one. */
#ifndef JWG_SCAN_INFORMATION_URI
#define JWG_SCAN_INFORMATION_URI "https://github.com/jwtguard/jwtguard"
#endif

static const char *sarif_level(scan_severity s)
{
    if (s >= SCAN_SEV_HIGH)
        return "error";
    if (s >= SCAN_SEV_LOW)
        return "warning";
    return "note";
}

static void json_text(FILE *out, const char *s)
{
    scan_json_string(out, s ? s : "", s ? strlen(s) : 0);
}

/* Writes at most SARIF_MAX_DESCRIPTION bytes of `s`, cut before a UTF-8 continuation byte. */
static void json_text_capped(FILE *out, const char *s)
{
    size_t len = strlen(s);

    if (len > SARIF_MAX_DESCRIPTION) {
        len = SARIF_MAX_DESCRIPTION;
        while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
            len--;
    }
    scan_json_string(out, s, len);
}

/* Writes a path as URI text, without quotes: bytes outside RFC 3986 unreserved and '/' are %XX. */
static void json_uri_body(FILE *out, const char *path)
{
    static const char digits[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *)path; *p != '\0'; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p) != NULL)
            fputc(*p, out);
        else
            fprintf(out, "%%%c%c", digits[*p >> 4], digits[*p & 0xf]);
    }
}

/* Writes a relative path as a quoted URI reference. */
static void json_uri(FILE *out, const char *path)
{
    fputc('"', out);
    json_uri_body(out, path);
    fputc('"', out);
}

/* Writes the CWE tag of "CWE-798" as "external/cwe/cwe-798", as GitHub expects. */
static void write_tags(FILE *out, const scan_rule *rule)
{
    const char *number = rule->cwe != NULL && strncmp(rule->cwe, "CWE-", 4) == 0 ? rule->cwe + 4 : "";
    size_t digits = strspn(number, "0123456789");

    fputs("\"tags\":[\"security\",\"jwt\"", out);
    if (digits > 0 && number[digits] == '\0')
        fprintf(out, ",\"external/cwe/cwe-%s\"", number);
    fputs("]", out);
}

/* Writes "**<summary>**\n\n<help>" as a JSON string. */
static void write_markdown_help(FILE *out, const scan_rule *rule)
{
    const char *help = rule->help ? rule->help : "";
    size_t size = strlen(rule->summary) + strlen(help) + 8;
    char *md = malloc(size);

    if (md == NULL) {
        json_text(out, rule->summary);
        return;
    }
    snprintf(md, size, "**%s**\n\n%s", rule->summary, help);
    json_text(out, md);
    free(md);
}

static void write_rule(FILE *out, const scan_rule *rule, bool first)
{
    fputs(first ? "{\"id\":" : ",{\"id\":", out);
    json_text(out, rule->id);
    fputs(",\"name\":", out);
    json_text(out, rule->name);
    fputs(",\"shortDescription\":{\"text\":", out);
    json_text_capped(out, rule->summary);
    fputs("},\"fullDescription\":{\"text\":", out);
    json_text_capped(out, rule->help && rule->help[0] ? rule->help : rule->summary);
    fputs("},\"help\":{\"text\":", out);
    json_text(out, rule->help && rule->help[0] ? rule->help : rule->summary);
    fputs(",\"markdown\":", out);
    write_markdown_help(out, rule);
    fprintf(out, "},\"defaultConfiguration\":{\"level\":\"%s\"},\"properties\":{",
            sarif_level(rule->severity));
    write_tags(out, rule);
    fputs(",\"precision\":\"high\",\"security-severity\":", out);
    json_text(out, rule->security_severity && rule->security_severity[0] ? rule->security_severity
                                                                          : "5.0");
    fputs("}}", out);
}

/* Writes the catalog as driver rules, in the order rule_index() counts. */
static size_t write_rules(FILE *out)
{
    size_t set_count, n = 0;
    const scan_set *const *sets = scan_sets(&set_count);

    fputs("\"rules\":[", out);
    for (size_t s = 0; s < set_count; s++) {
        for (size_t r = 0; r < sets[s]->rule_count; r++)
            write_rule(out, &sets[s]->rules[r], n++ == 0);
    }
    fputs("]", out);
    return n;
}

/* Position of `rule` in the catalog, as write_rules() lists it. */
static size_t rule_index(const scan_rule *rule)
{
    size_t set_count, n = 0;
    const scan_set *const *sets = scan_sets(&set_count);

    for (size_t s = 0; s < set_count; s++) {
        for (size_t r = 0; r < sets[s]->rule_count; r++, n++) {
            if (&sets[s]->rules[r] == rule)
                return n;
        }
    }
    return 0;
}

static void write_region(FILE *out, const scan_result *r)
{
    fprintf(out, "\"region\":{\"startLine\":%zu", r->line);
    if (r->column > 0) {
        fprintf(out, ",\"startColumn\":%zu", r->column);
        fprintf(out, ",\"endLine\":%zu,\"endColumn\":%zu", r->end_line, r->end_column);
    }
    fputc('}', out);
}

/* Whether `path` has a ".." name, which would leave %SRCROOT% if written as it is. */
static bool has_parent_name(const char *path)
{
    for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2) {
        if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
            return true;
    }
    return false;
}

/*
 * Writes `path`, joined to `cwd` unless it is absolute, into `out` as an
 * absolute path without "." and ".." names. Names are removed as text, not
 * resolved, so a symbolic link in the path stays as given. Returns false
 * when the result does not fit.
 */
static bool normalize_path(const char *cwd, const char *path, char *out, size_t cap)
{
    char joined[2 * PATH_MAX];
    size_t len = 0;
    char *name, *save = NULL;

    if (snprintf(joined, sizeof(joined), "%s/%s", path[0] == '/' ? "" : cwd, path) >=
        (int)sizeof(joined))
        return false;
    for (name = strtok_r(joined, "/", &save); name != NULL; name = strtok_r(NULL, "/", &save)) {
        size_t n = strlen(name);

        if (strcmp(name, ".") == 0)
            continue;
        if (strcmp(name, "..") == 0) {
            while (len > 0 && out[--len] != '/') {
            }
            continue;
        }
        if (len + 1 + n + 1 > cap)
            return false;
        out[len++] = '/';
        memcpy(out + len, name, n);
        len += n;
    }
    if (len == 0)
        out[len++] = '/';
    out[len] = '\0';
    return true;
}

/* Returns the part of `absolute` below the folder `cwd`, or NULL when it lies outside. */
static const char *below_folder(const char *absolute, const char *cwd)
{
    size_t n = strcmp(cwd, "/") == 0 ? 0 : strlen(cwd);

    if (strncmp(absolute, cwd, n) != 0 || absolute[n] != '/' || absolute[n + 1] == '\0')
        return NULL;
    return absolute + n + 1;
}

/*
 * Writes an artifactLocation. A path that is absolute or has a ".." name
 * is made relative to the working folder when it lies inside it. Outside
 * it, the path has no place under %SRCROOT%, so it is written as an
 * absolute file:// URI without uriBaseId.
 */
static void write_location(FILE *out, const char *path)
{
    char cwd[PATH_MAX], absolute[PATH_MAX];
    const char *relative = path;

    fputs("\"physicalLocation\":{\"artifactLocation\":{\"uri\":", out);
    if ((path[0] == '/' || has_parent_name(path)) && getcwd(cwd, sizeof(cwd)) != NULL &&
        normalize_path(cwd, path, absolute, sizeof(absolute))) {
        relative = below_folder(absolute, cwd);
        if (relative == NULL) {
            fputs("\"file://", out);
            json_uri_body(out, absolute);
            fputs("\"},", out);
            return;
        }
    }
    json_uri(out, relative);
    fputs(",\"uriBaseId\":\"%SRCROOT%\"},", out);
}

static void write_message(FILE *out, const scan_result *r)
{
    char text[1024];

    if (r->has_value)
        snprintf(text, sizeof(text), "%s (value %s..., length %zu, fingerprint %s)", r->message,
                 r->preview, r->value_len, r->value_fp);
    else
        snprintf(text, sizeof(text), "%s", r->message);
    fputs("\"message\":{\"text\":", out);
    json_text(out, text[0] ? text : r->rule->summary);
    fputc('}', out);
}

static void write_related(FILE *out, const scan_result *r)
{
    fputs(",\"relatedLocations\":[", out);
    for (size_t i = 0; i < r->related_count; i++) {
        fprintf(out, "%s{\"id\":%zu,", i ? "," : "", i + 1);
        write_location(out, r->related[i].path);
        fprintf(out, "\"region\":{\"startLine\":%zu}},\"message\":{\"text\":", r->related[i].line);
        json_text(out, r->related[i].message[0] ? r->related[i].message : "related location");
        fputs("}}", out);
    }
    fputc(']', out);
}

static void write_result(FILE *out, const scan_result *r, bool first)
{
    static const char *const kinds[SCAN_SUPPRESS_COUNT] = {NULL, "inSource", "external", "external"};

    fputs(first ? "{\"ruleId\":" : ",{\"ruleId\":", out);
    json_text(out, r->rule->id);
    fprintf(out, ",\"ruleIndex\":%zu,\"level\":\"%s\",", rule_index(r->rule), sarif_level(r->severity));
    write_message(out, r);
    fputs(",\"locations\":[{", out);
    write_location(out, r->path);
    write_region(out, r);
    fputs("}}]", out);
    fputs(",\"partialFingerprints\":{", out);
    if (r->line_hash[0] != '\0')
        fprintf(out, "\"primaryLocationLineHash\":\"%s\",", r->line_hash);
    fprintf(out, "\"jwtguard/v1\":\"%s\"}", r->content_fp);
    if (r->related_count > 0)
        write_related(out, r);
    if (r->suppressed != SCAN_SUPPRESS_NONE)
        fprintf(out, ",\"suppressions\":[{\"kind\":\"%s\"}]", kinds[r->suppressed]);
    if (r->commit != NULL) {
        fputs(",\"properties\":{\"commit\":", out);
        json_text(out, r->commit);
        fputc('}', out);
    }
    fputc('}', out);
}

/* Writes results most severe first, up to SARIF_MAX_RESULTS; returns how many stdin results were left out. */
static size_t write_results(const scan_ctx *ctx, FILE *out, size_t *dropped)
{
    const scan_result *results = ctx->results.items;
    size_t written = 0, stdin_count = 0;

    *dropped = 0;
    fputs("\"results\":[", out);
    for (int sev = SCAN_SEV_CRITICAL; sev >= (int)SCAN_SEV_NOTE; sev--) {
        for (size_t i = 0; i < ctx->results.count; i++) {
            const scan_result *r = &results[i];

            if ((int)r->severity != sev)
                continue;
            if (strcmp(r->path, "-") == 0) {
                stdin_count++;
                continue;
            }
            if (written == SARIF_MAX_RESULTS) {
                (*dropped)++;
                continue;
            }
            write_result(out, r, written++ == 0);
        }
    }
    fputs("]", out);
    return stdin_count;
}

void scan_write_sarif(const scan_ctx *ctx, FILE *out)
{
    size_t dropped, stdin_count;

    fprintf(out, "{\"$schema\":\"%s\",\"version\":\"2.1.0\",\"runs\":[{", SARIF_SCHEMA);
    fprintf(out, "\"tool\":{\"driver\":{\"name\":\"jwtguard\",\"version\":\"%s\","
                 "\"semanticVersion\":\"%s\",\"informationUri\":\"%s\",",
            JWG_VERSION_STRING, JWG_VERSION_STRING, JWG_SCAN_INFORMATION_URI);
    write_rules(out);
    fputs("}},\"automationDetails\":{\"id\":\"jwtguard-scan/\"},", out);
    fputs("\"originalUriBaseIds\":{\"%SRCROOT%\":{\"description\":{\"text\":"
          "\"The folder that was scanned.\"}}},",
          out);
    stdin_count = write_results(ctx, out, &dropped);
    fprintf(out, ",\"properties\":{\"stdinFindingsOmitted\":%zu,\"resultsOverLimitOmitted\":%zu,"
                 "\"scanIncomplete\":%s}}]}\n",
            stdin_count, dropped, ctx->summary.incomplete ? "true" : "false");
}
