/*
 * ctx.h: the engine's run state, shared by the engine's own files only.
 */
#ifndef JWTGUARD_SCAN_CTX_H
#define JWTGUARD_SCAN_CTX_H

#include <pthread.h>
#include <stdatomic.h>

#include <hs.h>

#include "scan/engine.h"

/* Where one compiled pattern id leads: a detector slot and its pattern index. */
typedef struct scan_pattern_ref {
    unsigned detector;
    size_t pattern;
} scan_pattern_ref;

/* One input to scan: a file on disk, or a git blob held in memory. */
typedef struct scan_input {
    char *path;    /* shown path, relative to the root */
    char *fs_path; /* path to open; NULL for a blob */
    char *commit;  /* --git-history: the first commit that contains the blob */
    uint8_t *blob; /* the bytes of a git blob, or NULL */
    size_t blob_len;
} scan_input;

/* A growable array of `size`-byte items. */
typedef struct scan_vec {
    void *items;
    size_t count;
    size_t cap;
} scan_vec;

/* A file while it is scanned; `file` first, so a scan_file pointer leads back to its job. */
typedef struct scan_job {
    scan_file file;
    scan_ctx *ctx;
    const char *commit;
    size_t base_line;   /* lines before data[0]: non-zero in later stdin windows */
    uint64_t base_offset;     /* stream offset of data[0] */
    uint64_t first_line_start; /* stream offset where the line holding data[0] starts */
    size_t dispatch_lo; /* matches ending at or before this offset were handled already */
    size_t dispatch_hi; /* matches ending after this offset wait for the next window */
    size_t cache_offset, cache_line; /* the last line lookup, to count forward from it */
    scan_vec result_ids; /* size_t indexes of the results this job added, for line hashes */
} scan_job;

struct scan_ignore;
struct scan_baseline;
struct scan_diff;

struct scan_ctx {
    scan_options opts;
    const char *root; /* the first path; where .jwtguardignore is looked up */

    hs_database_t *db;
    hs_scratch_t *scratch;
    scan_pattern_ref *refs;
    size_t ref_count;
    const scan_detector *detectors[SCAN_MAX_DETECTORS];
    size_t detector_count;

    pthread_mutex_t lock; /* results, skips, summary */
    scan_vec results;     /* scan_result */
    scan_vec skips;       /* scan_skip */
    scan_summary summary;

    scan_vec inputs; /* scan_input */
    atomic_size_t next_input;

    pthread_mutex_t note_lock;
    scan_vec notes[SCAN_NOTE_KIND_COUNT]; /* scan_note */
    uint8_t note_key[32];                 /* per-run key of scan_note.hash */

    struct scan_ignore *ignore;
    struct scan_baseline *baseline;
    struct scan_diff *diff;
};

/* Appends one zeroed item; NULL when out of memory. */
void *scan_vec_push(scan_vec *v, size_t size);

/* Records a skipped file (thread-safe). `error` makes the scan incomplete. */
void scan_add_skip(scan_ctx *ctx, const char *path, const char *reason, bool error);

/* Adds an input; takes no ownership of the arguments. False when out of memory. */
bool scan_add_input(scan_ctx *ctx, const char *path, const char *fs_path, const char *commit,
                    uint8_t *blob, size_t blob_len);

/* Walks `root` and adds every file to scan (walk.c). False when the root cannot be read. */
bool scan_walk(scan_ctx *ctx, const char *root);

/* Scans one buffer as file `path` (engine.c): used for files, blobs and stdin windows. */
void scan_buffer(scan_ctx *ctx, hs_scratch_t *scratch, scan_job *job);

/* Scans every input in ctx->inputs on --jobs threads (engine.c). */
void scan_inputs(scan_ctx *ctx);

/* Reads standard input in windows and scans it (engine.c). */
void scan_stdin(scan_ctx *ctx, hs_scratch_t *scratch);

/* Content and value fingerprints (fingerprint.c). */
void scan_value_fingerprint(const uint8_t *value, size_t len, char out[SCAN_VALUE_FP_HEX + 1]);
void scan_content_fingerprint(const char *rule_id, const uint8_t *value, size_t value_len,
                              const uint8_t *line, size_t line_len,
                              char out[SCAN_CONTENT_FP_HEX + 1]);
void scan_preview(const uint8_t *value, size_t len, char *out, size_t cap);

/*
 * Computes the SARIF primaryLocationLineHash of lines `lines[i]` (1-based)
 * of `data` into out[i], the way GitHub's upload-sarif action computes it.
 */
void scan_line_hashes(const uint8_t *data, size_t len, const size_t *lines,
                      char (*out)[SCAN_LINE_HASH_SIZE], size_t count);

/* True when the line at `line_start` or the line above allows `rule_id` (suppress.c). */
bool scan_inline_allowed(const uint8_t *data, size_t len, size_t line_start, const char *rule_id);

/* Ignore file, baseline and diff filters (suppress.c, baseline.c, gitscan.c). */
bool scan_ignore_load(scan_ctx *ctx);
bool scan_ignore_match(const struct scan_ignore *ig, const char *rule_id, const char *path);
bool scan_ignore_path(const struct scan_ignore *ig, const char *path);
void scan_ignore_free(struct scan_ignore *ig);
bool scan_baseline_load(scan_ctx *ctx, const char *path);
bool scan_baseline_has(const struct scan_baseline *b, const char *content_fp);
void scan_baseline_free(struct scan_baseline *b);
bool scan_diff_load(scan_ctx *ctx);
bool scan_diff_has_line(const struct scan_diff *d, const char *path, size_t line);
void scan_diff_free(struct scan_diff *d);
bool scan_history_load(scan_ctx *ctx);

#endif /* JWTGUARD_SCAN_CTX_H */
