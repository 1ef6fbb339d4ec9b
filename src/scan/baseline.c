/*
 * baseline.c: the baseline file, which lists findings already known so that
 * later scans report only new ones. Findings match by content fingerprint
 * (see fingerprint.c), never by line, so a moved line stays suppressed and a
 * new secret written on an old line is reported.
 *
 * Layout (one JSON object; `path` and `line` are for people reading it):
 *   {"schema":"jwtguard-scan-baseline/1","tool_version":"0.1.0",
 *    "findings":[{"rule_id":"JG201","path":".env","line":3,
 *                 "fingerprint":"<32 hex digits>"}, ...]}
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "jwtguard/jwtguard.h"
#include "scan/baseline.h"
#include "scan/ctx.h"

#define BASELINE_SCHEMA "jwtguard-scan-baseline/1"

/* Maximum size of a baseline file: about 300,000 entries. */
#define MAX_BASELINE_FILE (64u * 1024u * 1024u)

/* Nesting of a valid baseline is 3; anything deeper is rejected early. */
#define MAX_BASELINE_DEPTH 4u

struct scan_baseline {
    char (*fps)[SCAN_CONTENT_FP_HEX + 1]; /* sorted */
    size_t count;
};

static int compare_fp(const void *a, const void *b)
{
    return strcmp(a, b);
}

static bool is_fingerprint(const char *s, size_t len)
{
    if (len != SCAN_CONTENT_FP_HEX)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return true;
}

/* Reads the fingerprint of entry node `entry` into out; false with *why set when it is invalid. */
static bool read_entry(const jwg_json_doc *doc, size_t entry, char out[SCAN_CONTENT_FP_HEX + 1],
                       const char **why)
{
    size_t fp;
    size_t len = 0;

    if (doc->nodes[entry].type != JWG_JSON_OBJECT) {
        *why = "an entry of \"findings\" is not an object";
        return false;
    }
    fp = jwg_json_find(doc, entry, "fingerprint");
    if (fp == 0 || doc->nodes[fp].type != JWG_JSON_STRING ||
        doc->nodes[fp].len != SCAN_CONTENT_FP_HEX ||
        jwg_json_string_copy(doc, fp, out, SCAN_CONTENT_FP_HEX + 1, &len) != JWG_OK ||
        !is_fingerprint(out, len)) {
        *why = "an entry has no \"fingerprint\" of 32 lowercase hex digits";
        return false;
    }
    return true;
}

static bool check_schema(const jwg_json_doc *doc, const char **why)
{
    size_t schema;

    if (doc->nodes[0].type != JWG_JSON_OBJECT) {
        *why = "not a JSON object";
        return false;
    }
    schema = jwg_json_find(doc, 0, "schema");
    if (schema == 0 || !jwg_json_string_equals(doc, schema, BASELINE_SCHEMA, strlen(BASELINE_SCHEMA))) {
        *why = "\"schema\" is not \"" BASELINE_SCHEMA "\"";
        return false;
    }
    return true;
}

/* Fills `b` from a parsed document; false with *why set on an invalid layout. */
static bool read_doc(const jwg_json_doc *doc, struct scan_baseline *b, const char **why)
{
    size_t findings, entry;

    if (!check_schema(doc, why))
        return false;
    findings = jwg_json_find(doc, 0, "findings");
    if (findings == 0 || doc->nodes[findings].type != JWG_JSON_ARRAY) {
        *why = "\"findings\" is missing or not an array";
        return false;
    }
    b->fps = calloc(doc->nodes[findings].count + 1, sizeof(*b->fps));
    if (b->fps == NULL) {
        *why = "out of memory";
        return false;
    }
    entry = findings + 1;
    for (size_t i = 0; i < doc->nodes[findings].count; i++) {
        if (!read_entry(doc, entry, b->fps[b->count], why))
            return false;
        b->count++;
        entry = doc->nodes[entry].next;
    }
    qsort(b->fps, b->count, sizeof(*b->fps), compare_fp);
    return true;
}

bool scan_baseline_parse(struct scan_baseline **out, const uint8_t *text, size_t len,
                         const char **why)
{
    size_t cap = jwg_json_nodes_max(len);
    jwg_json_node *nodes = calloc(cap ? cap : 1, sizeof(*nodes));
    struct scan_baseline *b = calloc(1, sizeof(*b));
    jwg_json_doc doc;
    bool ok = false;

    *out = NULL;
    *why = "out of memory";
    if (nodes == NULL || b == NULL)
        goto out;
    if (jwg_json_parse(text, len, nodes, cap, MAX_BASELINE_DEPTH, &doc) != JWG_OK) {
        *why = "not valid JSON";
        goto out;
    }
    ok = read_doc(&doc, b, why);
out:
    free(nodes);
    if (ok)
        *out = b;
    else
        scan_baseline_free(b);
    return ok;
}

static bool read_file(const char *path, uint8_t **out, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, len = 0;

    if (f == NULL)
        return false;
    for (;;) {
        size_t n;

        if (len == cap) {
            uint8_t *grown;

            cap = cap ? cap * 2 : 65536;
            if (cap > MAX_BASELINE_FILE + 1 || (grown = realloc(buf, cap)) == NULL)
                break;
            buf = grown;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f) || !feof(f) || len > MAX_BASELINE_FILE) {
        fclose(f);
        free(buf);
        return false;
    }
    fclose(f);
    *out = buf;
    *out_len = len;
    return true;
}

bool scan_baseline_load(scan_ctx *ctx, const char *path)
{
    uint8_t *text = NULL;
    size_t len = 0;
    const char *why = NULL;
    bool ok;

    if (!read_file(path, &text, &len)) {
        fprintf(stderr, "jwtguard: error: cannot read baseline (%s): check the path; at most 64 MiB\n",
                path);
        return false;
    }
    ok = scan_baseline_parse(&ctx->baseline, text, len, &why);
    free(text);
    if (!ok)
        fprintf(stderr, "jwtguard: error: invalid baseline (%s): %s; write it again with --write-baseline\n",
                path, why);
    return ok;
}

bool scan_baseline_has(const struct scan_baseline *b, const char *content_fp)
{
    return b->count > 0 && bsearch(content_fp, b->fps, b->count, sizeof(*b->fps), compare_fp) != NULL;
}

void scan_baseline_free(struct scan_baseline *b)
{
    if (b == NULL)
        return;
    free(b->fps);
    free(b);
}

/* Writes every finding that is not suppressed inline or by the ignore file; those stay where they are. */
static void write_entries(const scan_ctx *ctx, FILE *out)
{
    const scan_result *results = ctx->results.items;
    bool first = true;

    for (size_t i = 0; i < ctx->results.count; i++) {
        const scan_result *r = &results[i];

        if (r->suppressed == SCAN_SUPPRESS_INLINE || r->suppressed == SCAN_SUPPRESS_IGNORE)
            continue;
        fputs(first ? "\n  {\"rule_id\":" : ",\n  {\"rule_id\":", out);
        scan_json_string(out, r->rule->id, strlen(r->rule->id));
        fputs(",\"path\":", out);
        scan_json_string(out, r->path, strlen(r->path));
        fprintf(out, ",\"line\":%zu,\"fingerprint\":\"%s\"}", r->line, r->content_fp);
        first = false;
    }
}

/* Writes to PATH.tmp and renames it over PATH, so a failed write leaves the old baseline. */
bool scan_write_baseline(const scan_ctx *ctx, const char *path)
{
    size_t len = strlen(path);
    char *tmp = malloc(len + 5);
    FILE *out;
    bool ok;

    if (tmp == NULL)
        return false;
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp", 5);
    out = fopen(tmp, "w");
    if (out == NULL) {
        fprintf(stderr, "jwtguard: error: cannot write baseline (%s): check the folder is writable\n",
                path);
        free(tmp);
        return false;
    }
    fprintf(out, "{\"schema\":\"%s\",\"tool_version\":\"%s\",\"findings\":[", BASELINE_SCHEMA,
            JWG_VERSION_STRING);
    write_entries(ctx, out);
    fputs("\n]}\n", out);
    ok = fflush(out) == 0 && !ferror(out);
    ok = fclose(out) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) {
        fprintf(stderr, "jwtguard: error: cannot write baseline (%s): check free space\n", path);
        remove(tmp);
    }
    free(tmp);
    return ok;
}
