/*
 * findings.c: what detectors call during a scan: scan_report(),
 * scan_report_at(), scan_line_col() and the cross-file notes. Findings are
 * copied under the run's lock; secret bytes never leave this file except as
 * a short prefix, a length and a fingerprint.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/hmac.h>

#include "internal.h"
#include "scan/ctx.h"

/* Maximum notes of one kind, as scan.h promises. */
#define MAX_NOTES 65536u

/* Maximum bytes of a finding message kept; detectors write one short line. */
#define MAX_MESSAGE 512u

/* NOTE: valid only for a scan_file the engine made, which is always the first member of a scan_job. */
static scan_job *job_of(const scan_file *f)
{
    return (scan_job *)(uintptr_t)f;
}

/*
 * Counts lines forward from the job's last lookup when the offset is past
 * it, so a file with many findings in order costs one pass.
 */
void scan_line_col(const scan_file *f, size_t offset, size_t *line, size_t *column)
{
    scan_job *job = job_of(f);
    size_t from = 0, lines = 0, line_start;

    if (offset > f->len)
        offset = f->len;
    if (job->cache_offset <= offset && job->cache_line > 0) {
        from = job->cache_offset;
        lines = job->cache_line - 1;
    }
    for (size_t i = from; i < offset; i++) {
        if (f->data[i] == '\n')
            lines++;
    }
    line_start = offset;
    while (line_start > 0 && f->data[line_start - 1] != '\n')
        line_start--;
    job->cache_offset = line_start;
    job->cache_line = lines + 1;
    *line = job->base_line + lines + 1;
    if (line_start == 0)
        *column = (size_t)(job->base_offset + offset - job->first_line_start) + 1;
    else
        *column = offset - line_start + 1;
}

static size_t line_start_of(const scan_file *f, size_t offset)
{
    while (offset > 0 && f->data[offset - 1] != '\n')
        offset--;
    return offset;
}

static size_t line_end_of(const scan_file *f, size_t offset)
{
    const uint8_t *nl = memchr(f->data + offset, '\n', f->len - offset);

    return nl ? (size_t)(nl - f->data) : f->len;
}

/* Copies a detector's message up to its first line break and MAX_MESSAGE bytes. */
static char *copy_message(const char *message)
{
    size_t n = 0;
    char *out;

    if (message == NULL)
        message = "";
    while (message[n] != '\0' && message[n] != '\n' && n < MAX_MESSAGE)
        n++;
    out = malloc(n + 1);
    if (out != NULL) {
        memcpy(out, message, n);
        out[n] = '\0';
    }
    return out;
}

static bool copy_related(scan_result *r, const scan_finding *finding)
{
    if (finding->related == NULL || finding->related_count == 0)
        return true;
    r->related = calloc(finding->related_count, sizeof(*r->related));
    if (r->related == NULL) {
        r->related_count = 0;
        return false;
    }
    r->related_count = finding->related_count;
    for (size_t i = 0; i < finding->related_count; i++) {
        r->related[i].path = jwg_strdup(finding->related[i].path ? finding->related[i].path : "");
        r->related[i].line = finding->related[i].line ? finding->related[i].line : 1;
        r->related[i].message = copy_message(finding->related[i].message);
    }
    return true;
}

static scan_severity severity_of(const scan_finding *finding)
{
    if (finding->severity >= (int)SCAN_SEV_NOTE && finding->severity <= (int)SCAN_SEV_CRITICAL)
        return (scan_severity)finding->severity;
    return finding->rule->severity;
}

/* Fills everything of a result that does not depend on where it is. */
static void fill_value(scan_result *r, const scan_finding *finding, const uint8_t *line,
                       size_t line_len)
{
    r->rule = finding->rule;
    r->severity = severity_of(finding);
    r->message = copy_message(finding->message);
    if (finding->value != NULL && finding->value_len > 0) {
        r->has_value = true;
        r->value_len = finding->value_len;
        scan_preview(finding->value, finding->value_len, r->preview, sizeof(r->preview));
        scan_value_fingerprint(finding->value, finding->value_len, r->value_fp);
    }
    scan_content_fingerprint(finding->rule->id, finding->value, finding->value_len, line, line_len,
                             r->content_fp);
}

/* Adds a filled result under the lock; frees it when the list cannot grow. */
static void add_result(scan_ctx *ctx, scan_job *job, scan_result *r)
{
    scan_result *slot;

    pthread_mutex_lock(&ctx->lock);
    slot = scan_vec_push(&ctx->results, sizeof(*slot));
    if (slot != NULL) {
        *slot = *r;
        size_t *id = job != NULL ? scan_vec_push(&job->result_ids, sizeof(*id)) : NULL;

        if (id != NULL)
            *id = ctx->results.count - 1;
    } else {
        ctx->summary.incomplete = true;
    }
    pthread_mutex_unlock(&ctx->lock);
}

void scan_report(scan_ctx *ctx, const scan_file *f, const scan_finding *finding)
{
    scan_job *job = job_of(f);
    scan_result r = {0};
    size_t offset, end, line_start, line_end;

    if (ctx == NULL || f == NULL || finding == NULL || finding->rule == NULL)
        return;
    offset = finding->offset < f->len ? finding->offset : f->len;
    end = finding->len <= f->len - offset ? offset + finding->len : f->len;
    line_start = line_start_of(f, offset);
    line_end = line_end_of(f, offset);

    fill_value(&r, finding, f->data + line_start, line_end - line_start);
    r.path = jwg_strdup(f->path);
    r.commit = job->commit ? jwg_strdup(job->commit) : NULL;
    scan_line_col(f, offset, &r.line, &r.column);
    scan_line_col(f, end, &r.end_line, &r.end_column);
    if (r.end_line == r.line && r.end_column <= r.column)
        r.end_column = r.column + 1;
    if (scan_inline_allowed(f->data, f->len, line_start, finding->rule->id))
        r.suppressed = SCAN_SUPPRESS_INLINE;
    /* Without memory for the related locations, the finding is still reported, without them. */
    (void)copy_related(&r, finding);
    add_result(ctx, job, &r);
}

void scan_report_at(scan_ctx *ctx, const char *path, size_t line, size_t column,
                    const scan_finding *finding)
{
    scan_result r = {0};
    const char *msg;

    if (ctx == NULL || path == NULL || finding == NULL || finding->rule == NULL)
        return;
    msg = finding->message ? finding->message : "";
    /* No file text here: the content fingerprint falls back to the message, which names no secret. */
    fill_value(&r, finding, (const uint8_t *)msg, strlen(msg));
    r.path = jwg_strdup(path);
    r.line = line ? line : 1;
    r.column = column;
    r.end_line = r.line;
    r.end_column = column ? column + 1 : 0;
    r.late = true;
    copy_related(&r, finding);
    add_result(ctx, NULL, &r);
}

void scan_note_add(scan_ctx *ctx, scan_note_kind kind, const scan_file *f, size_t offset,
                   const char *context, const uint8_t *value, size_t value_len)
{
    scan_note *n;
    uint8_t *copy;
    unsigned hash_len = 32;

    if (ctx == NULL || f == NULL || (unsigned)kind >= SCAN_NOTE_KIND_COUNT || value == NULL)
        return;
    copy = malloc(value_len ? value_len : 1);
    if (copy == NULL)
        return;
    memcpy(copy, value, value_len);

    pthread_mutex_lock(&ctx->note_lock);
    if (ctx->notes[kind].count >= MAX_NOTES || (n = scan_vec_push(&ctx->notes[kind], sizeof(*n))) == NULL) {
        pthread_mutex_unlock(&ctx->note_lock);
        jwg_wipe_free(copy, value_len);
        return;
    }
    n->path = jwg_strdup(f->path);
    scan_line_col(f, offset, &n->line, &n->column);
    n->env = f->env;
    n->context = jwg_strdup(context ? context : "");
    n->value = copy;
    n->value_len = value_len;
    HMAC(EVP_sha256(), ctx->note_key, sizeof(ctx->note_key), value, value_len, n->hash, &hash_len);
    pthread_mutex_unlock(&ctx->note_lock);
}

const scan_note *scan_notes(const scan_ctx *ctx, scan_note_kind kind, size_t *count)
{
    if ((unsigned)kind >= SCAN_NOTE_KIND_COUNT) {
        *count = 0;
        return NULL;
    }
    *count = ctx->notes[kind].count;
    return ctx->notes[kind].items;
}
