/*
 * engine.c: compiles every detector pattern into one Vectorscan database,
 * scans the inputs on worker threads with one scratch each, hands every
 * match to the detector that owns its pattern, and collects the findings.
 *
 * Files up to SCAN_MAP_MAX bytes are memory-mapped and scanned whole in
 * Vectorscan block mode. Larger files and standard input are read in
 * windows that overlap by 2 * SCAN_STREAM_CONTEXT bytes. A match is handed
 * over in the window where it ends at least SCAN_STREAM_CONTEXT bytes
 * before the window's end. So a detector can read that much text on both
 * sides of a match, and memory stays bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "internal.h"
#include "scan/ctx.h"
#include "scan/map_guard.h"

/* Bytes checked for a NUL to call a file binary, as git and ripgrep do. */
#define BINARY_PROBE_BYTES 8192u

/* Upper bound of --jobs. */
#define MAX_JOBS 256u

void *scan_vec_push(scan_vec *v, size_t size)
{
    void *item;

    if (v->count == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        void *grown = realloc(v->items, cap * size);

        if (grown == NULL)
            return NULL;
        v->items = grown;
        v->cap = cap;
    }
    item = (char *)v->items + v->count * size;
    memset(item, 0, size);
    v->count++;
    return item;
}

static char *dup_or_null(const char *s)
{
    return s ? jwg_strdup(s) : NULL;
}

void scan_add_skip(scan_ctx *ctx, const char *path, const char *reason, bool error)
{
    scan_skip *s;

    pthread_mutex_lock(&ctx->lock);
    s = scan_vec_push(&ctx->skips, sizeof(*s));
    if (s != NULL) {
        s->path = jwg_strdup(path);
        s->reason = reason;
        s->error = error;
    }
    if (error || s == NULL)
        ctx->summary.incomplete = true;
    pthread_mutex_unlock(&ctx->lock);
}

bool scan_add_input(scan_ctx *ctx, const char *path, const char *fs_path, const char *commit,
                    uint8_t *blob, size_t blob_len)
{
    scan_input *in = scan_vec_push(&ctx->inputs, sizeof(*in));

    if (in == NULL)
        return false;
    in->path = jwg_strdup(path);
    in->fs_path = dup_or_null(fs_path);
    in->commit = dup_or_null(commit);
    in->blob = blob;
    in->blob_len = blob_len;
    return in->path != NULL;
}

/* Counts the patterns of every registered detector and remembers the detectors. */
static bool collect_detectors(scan_ctx *ctx, size_t *pattern_count)
{
    size_t set_count;
    const scan_set *const *sets = scan_sets(&set_count);

    *pattern_count = 0;
    for (size_t s = 0; s < set_count; s++) {
        for (size_t d = 0; d < sets[s]->detector_count; d++) {
            if (ctx->detector_count == SCAN_MAX_DETECTORS) {
                fprintf(stderr, "jwtguard: error: too many detectors (%u): raise SCAN_MAX_DETECTORS\n",
                        SCAN_MAX_DETECTORS);
                return false;
            }
            ctx->detectors[ctx->detector_count++] = &sets[s]->detectors[d];
            *pattern_count += sets[s]->detectors[d].pattern_count;
        }
    }
    return true;
}

static bool compile_database(scan_ctx *ctx)
{
    size_t total;
    const char **exprs = NULL;
    unsigned *flags = NULL, *ids = NULL;
    hs_compile_error_t *err = NULL;
    bool ok = false;
    size_t n = 0;

    if (!collect_detectors(ctx, &total))
        return false;
    if (total == 0)
        return true;

    exprs = calloc(total, sizeof(*exprs));
    flags = calloc(total, sizeof(*flags));
    ids = calloc(total, sizeof(*ids));
    ctx->refs = calloc(total, sizeof(*ctx->refs));
    if (exprs == NULL || flags == NULL || ids == NULL || ctx->refs == NULL)
        goto out;

    for (unsigned d = 0; d < ctx->detector_count; d++) {
        const scan_detector *det = ctx->detectors[d];

        for (size_t p = 0; p < det->pattern_count; p++, n++) {
            exprs[n] = det->patterns[p].expr;
            flags[n] = det->patterns[p].flags;
            ids[n] = (unsigned)n;
            ctx->refs[n].detector = d;
            ctx->refs[n].pattern = p;
        }
    }
    ctx->ref_count = n;

    if (hs_compile_multi(exprs, flags, ids, (unsigned)n, HS_MODE_BLOCK, NULL, &ctx->db, &err) !=
        HS_SUCCESS) {
        fprintf(stderr, "jwtguard: error: detector pattern does not compile (%s, pattern %d): %s\n",
                err && err->expression >= 0 ? exprs[err->expression] : "?",
                err ? err->expression : -1, "fix the detector's pattern");
        hs_free_compile_error(err);
        goto out;
    }
    if (hs_alloc_scratch(ctx->db, &ctx->scratch) != HS_SUCCESS) {
        fprintf(stderr, "jwtguard: error: cannot allocate Vectorscan scratch: out of memory\n");
        goto out;
    }
    ok = true;
out:
    free(exprs);
    free(flags);
    free(ids);
    return ok;
}

scan_ctx *scan_ctx_new(const scan_options *opts)
{
    scan_ctx *ctx = calloc(1, sizeof(*ctx));

    if (ctx == NULL)
        return NULL;
    ctx->opts = *opts;
    if (ctx->opts.max_file_size == 0)
        ctx->opts.max_file_size = SCAN_DEFAULT_MAX_FILE_SIZE;
    pthread_mutex_init(&ctx->lock, NULL);
    pthread_mutex_init(&ctx->note_lock, NULL);
    atomic_init(&ctx->next_input, 0);
    /* Without the guard a file that shrinks while mapped still kills the scan, as before. */
    (void)scan_map_guard_install();
    if (RAND_bytes(ctx->note_key, sizeof(ctx->note_key)) != 1 || !compile_database(ctx)) {
        scan_ctx_free(ctx);
        return NULL;
    }
    return ctx;
}

static void free_result(scan_result *r)
{
    free(r->path);
    free(r->commit);
    free(r->message);
    for (size_t i = 0; i < r->related_count; i++) {
        free((char *)r->related[i].path);
        free((char *)r->related[i].message);
    }
    free(r->related);
}

static void free_notes(scan_vec *v)
{
    scan_note *notes = v->items;

    for (size_t i = 0; i < v->count; i++) {
        free((char *)notes[i].path);
        free((char *)notes[i].context);
        jwg_wipe_free((uint8_t *)notes[i].value, notes[i].value_len);
    }
    free(v->items);
}

void scan_ctx_free(scan_ctx *ctx)
{
    scan_result *results;
    scan_skip *skips;
    scan_input *inputs;

    if (ctx == NULL)
        return;
    results = ctx->results.items;
    for (size_t i = 0; i < ctx->results.count; i++)
        free_result(&results[i]);
    free(results);
    skips = ctx->skips.items;
    for (size_t i = 0; i < ctx->skips.count; i++)
        free(skips[i].path);
    free(skips);
    inputs = ctx->inputs.items;
    for (size_t i = 0; i < ctx->inputs.count; i++) {
        free(inputs[i].path);
        free(inputs[i].fs_path);
        free(inputs[i].commit);
        jwg_wipe_free(inputs[i].blob, inputs[i].blob_len);
    }
    free(inputs);
    for (size_t k = 0; k < SCAN_NOTE_KIND_COUNT; k++)
        free_notes(&ctx->notes[k]);
    scan_ignore_free(ctx->ignore);
    scan_baseline_free(ctx->baseline);
    scan_diff_free(ctx->diff);
    hs_free_scratch(ctx->scratch);
    hs_free_database(ctx->db);
    free(ctx->refs);
    pthread_mutex_destroy(&ctx->lock);
    pthread_mutex_destroy(&ctx->note_lock);
    jwg_wipe(ctx->note_key, sizeof(ctx->note_key));
    free(ctx);
}

/* Vectorscan match callback: filters by language, window and skip_until, then dispatches. */
static int on_hs_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                       void *arg)
{
    scan_job *job = arg;
    const scan_pattern_ref *ref = &job->ctx->refs[id];
    const scan_detector *det = job->ctx->detectors[ref->detector];
    size_t end = (size_t)to;

    (void)from;
    (void)flags;
    if (det->langs != SCAN_LANG_ALL && (det->langs & SCAN_LANG_BIT(job->file.lang)) == 0)
        return 0;
    if (end <= job->dispatch_lo || end > job->dispatch_hi)
        return 0;
    if (end <= job->file.skip_until[ref->detector])
        return 0;
    det->on_match(job->ctx, &job->file, ref->detector, ref->pattern, end);
    return 0;
}

void scan_buffer(scan_ctx *ctx, hs_scratch_t *scratch, scan_job *job)
{
    job->ctx = ctx;
    if (ctx->db == NULL || job->file.len == 0)
        return;
    /* hs_scan() takes an unsigned length; --max-file-size and the stdin window keep it below. */
    if (hs_scan(ctx->db, (const char *)job->file.data, (unsigned)job->file.len, 0, scratch,
                on_hs_match, job) != HS_SUCCESS)
        scan_add_skip(ctx, job->file.path, "scan failed in Vectorscan", true);
}

static bool looks_binary(const uint8_t *data, size_t len)
{
    return memchr(data, 0, len < BINARY_PROBE_BYTES ? len : BINARY_PROBE_BYTES) != NULL;
}

/*
 * Fills the SARIF line hashes of the results this job added: one pass over
 * the file, outside the lock, only for files with findings. Standard input
 * gets none, because it is not a repository file.
 */
static void finish_job(scan_ctx *ctx, scan_job *job)
{
    size_t count = job->result_ids.count;
    const size_t *ids = job->result_ids.items;
    size_t *lines = calloc(count ? count : 1, sizeof(*lines));
    char (*hashes)[SCAN_LINE_HASH_SIZE] = calloc(count ? count : 1, sizeof(*hashes));
    scan_result *results;

    if (count == 0 || lines == NULL || hashes == NULL || (job->file.flags & SCAN_FILE_STDIN) ||
        !ctx->opts.line_hashes)
        goto out;
    pthread_mutex_lock(&ctx->lock);
    results = ctx->results.items;
    for (size_t i = 0; i < count; i++)
        lines[i] = results[ids[i]].line;
    pthread_mutex_unlock(&ctx->lock);

    scan_line_hashes(job->file.data, job->file.len, lines, hashes, count);

    pthread_mutex_lock(&ctx->lock);
    results = ctx->results.items;
    for (size_t i = 0; i < count; i++)
        memcpy(results[ids[i]].line_hash, hashes[i], SCAN_LINE_HASH_SIZE);
    pthread_mutex_unlock(&ctx->lock);
out:
    free(lines);
    free(hashes);
    free(job->result_ids.items);
    job->result_ids.items = NULL;
    job->result_ids.count = job->result_ids.cap = 0;
}

static void init_job(scan_ctx *ctx, scan_job *job, const scan_input *in, const uint8_t *data,
                     size_t len)
{
    memset(job, 0, sizeof(*job));
    job->ctx = ctx;
    job->file.path = in->path;
    job->file.data = data;
    job->file.len = len;
    job->file.lang = scan_classify_lang(in->path, data, len);
    job->file.flags = scan_classify_flags(in->path);
    job->file.env = scan_infer_env(in->path);
    job->commit = in->commit;
    job->dispatch_lo = 0;
    job->dispatch_hi = len;
}

static void count_scanned(scan_ctx *ctx, size_t len)
{
    pthread_mutex_lock(&ctx->lock);
    ctx->summary.files_scanned++;
    ctx->summary.bytes_scanned += len;
    pthread_mutex_unlock(&ctx->lock);
}

static void scan_memory(scan_ctx *ctx, hs_scratch_t *scratch, const scan_input *in,
                        const uint8_t *data, size_t len)
{
    scan_job job;

    if (!ctx->opts.include_binary && looks_binary(data, len)) {
        scan_add_skip(ctx, in->path, "binary", false);
        return;
    }
    init_job(ctx, &job, in, data, len);
    scan_buffer(ctx, scratch, &job);
    finish_job(ctx, &job);
    count_scanned(ctx, len);
}

static void scan_stream(scan_ctx *ctx, hs_scratch_t *scratch, const scan_input *in, int fd,
                        bool is_file);

static void scan_disk_file(scan_ctx *ctx, hs_scratch_t *scratch, const scan_input *in)
{
    struct stat st;
    void *map;
    int fd = open(in->fs_path, O_RDONLY | O_NOCTTY | O_CLOEXEC);

    if (fd < 0) {
        scan_add_skip(ctx, in->path, "unreadable", true);
        return;
    }
    if (fstat(fd, &st) != 0) {
        scan_add_skip(ctx, in->path, "unreadable", true);
        goto out;
    }
    /* A pipe named on the command line, as in `jwtguard scan <(kubectl logs ...)`, is read like stdin. */
    if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
        scan_stream(ctx, scratch, in, fd, true);
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        scan_add_skip(ctx, in->path, "not a regular file", true);
        goto out;
    }
    if ((uint64_t)st.st_size > ctx->opts.max_file_size) {
        scan_add_skip(ctx, in->path, "too large", false);
        goto out;
    }
    if (st.st_size == 0) {
        count_scanned(ctx, 0);
        goto out;
    }
    if ((uint64_t)st.st_size > SCAN_MAP_MAX) {
        scan_stream(ctx, scratch, in, fd, true);
        goto out;
    }
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        scan_add_skip(ctx, in->path, "unreadable", true);
        goto out;
    }
    (void)posix_madvise(map, (size_t)st.st_size, POSIX_MADV_SEQUENTIAL);
    scan_map_guard_begin(map, (size_t)st.st_size);
    scan_memory(ctx, scratch, in, map, (size_t)st.st_size);
    if (scan_map_guard_end())
        scan_add_skip(ctx, in->path, "file shrank while being read", true);
    munmap(map, (size_t)st.st_size);
out:
    close(fd);
}

static void scan_input_at(scan_ctx *ctx, hs_scratch_t *scratch, const scan_input *in)
{
    if (in->blob != NULL || in->fs_path == NULL)
        scan_memory(ctx, scratch, in, in->blob, in->blob_len);
    else
        scan_disk_file(ctx, scratch, in);
}

struct worker {
    scan_ctx *ctx;
    hs_scratch_t *scratch;
    pthread_t thread;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    scan_ctx *ctx = w->ctx;
    const scan_input *inputs = ctx->inputs.items;

    for (;;) {
        size_t i = atomic_fetch_add(&ctx->next_input, 1);

        if (i >= ctx->inputs.count)
            break;
        scan_input_at(ctx, w->scratch, &inputs[i]);
    }
    return NULL;
}

static unsigned job_count(const scan_ctx *ctx)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned jobs = ctx->opts.jobs;

    if (jobs == 0)
        jobs = online > 0 ? (unsigned)online : 1u;
    if (jobs > MAX_JOBS)
        jobs = MAX_JOBS;
    if (jobs > ctx->inputs.count)
        jobs = ctx->inputs.count > 0 ? (unsigned)ctx->inputs.count : 1u;
    return jobs;
}

/* The calling thread is worker 0. */
void scan_inputs(scan_ctx *ctx)
{
    unsigned jobs = job_count(ctx);
    struct worker *workers = calloc(jobs, sizeof(*workers));
    unsigned started = 1;

    if (workers == NULL) {
        ctx->summary.incomplete = true;
        return;
    }
    workers[0].ctx = ctx;
    workers[0].scratch = ctx->scratch;
    for (unsigned i = 1; i < jobs; i++, started++) {
        workers[i].ctx = ctx;
        if (ctx->db != NULL && hs_clone_scratch(ctx->scratch, &workers[i].scratch) != HS_SUCCESS)
            break;
        if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0) {
            hs_free_scratch(workers[i].scratch);
            break;
        }
    }
    worker_main(&workers[0]);
    for (unsigned i = 1; i < started; i++) {
        pthread_join(workers[i].thread, NULL);
        hs_free_scratch(workers[i].scratch);
    }
    free(workers);
}

/* Reads up to `cap` bytes; returns the count, 0 at end of input; sets *failed on a read error. */
static size_t read_fully(int fd, uint8_t *buf, size_t cap, bool *failed)
{
    size_t got = 0;

    while (got < cap) {
        ssize_t n = read(fd, buf + got, cap - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *failed = true;
            break;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return got;
}

static size_t count_lines(const uint8_t *data, size_t len)
{
    size_t lines = 0;
    const uint8_t *p = data, *end = data + len;

    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        lines++;
        p++;
    }
    return lines;
}

/* Moves the last 2 * SCAN_STREAM_CONTEXT bytes of the window to its front. */
static size_t slide_window(scan_job *job, uint8_t *buf, size_t len)
{
    size_t keep = 2u * SCAN_STREAM_CONTEXT;
    size_t drop = len - keep;

    job->base_line += count_lines(buf, drop);
    for (size_t i = drop; i > 0; i--) {
        if (buf[i - 1] == '\n') {
            job->first_line_start = job->base_offset + i;
            break;
        }
    }
    job->base_offset += drop;
    memmove(buf, buf + drop, keep);
    for (size_t d = 0; d < SCAN_MAX_DETECTORS; d++)
        job->file.skip_until[d] = job->file.skip_until[d] > drop ? job->file.skip_until[d] - drop : 0;
    job->cache_offset = 0;
    job->cache_line = 0;
    return keep;
}

/* Maps a streamed file again for the SARIF line hashes of its findings. */
static void finish_streamed_job(scan_ctx *ctx, scan_job *job, int fd, size_t size)
{
    void *map;

    if (fd < 0 || job->result_ids.count == 0 || !ctx->opts.line_hashes ||
        (map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
        finish_job(ctx, job);
        return;
    }
    job->file.data = map;
    job->file.len = size;
    scan_map_guard_begin(map, size);
    finish_job(ctx, job);
    if (scan_map_guard_end())
        scan_add_skip(ctx, job->file.path, "file shrank while being read", true);
    munmap(map, size);
}

/*
 * Scans `fd` in windows of SCAN_STREAM_CHUNK bytes that overlap by
 * 2 * SCAN_STREAM_CONTEXT, so memory stays bounded whatever the input size.
 * Used for standard input and for files larger than SCAN_MAP_MAX.
 */
static void scan_stream(scan_ctx *ctx, hs_scratch_t *scratch, const scan_input *in, int fd,
                        bool is_file)
{
    size_t cap = SCAN_STREAM_CHUNK + 2u * SCAN_STREAM_CONTEXT;
    uint8_t *buf = malloc(cap);
    scan_job job;
    size_t len = 0, total = 0;
    bool failed = false, eof = false, first = true;

    if (buf == NULL) {
        scan_add_skip(ctx, in->path, "out of memory", true);
        return;
    }
    init_job(ctx, &job, in, buf, 0);
    while (!eof) {
        size_t got = read_fully(fd, buf + len, cap - len, &failed);

        eof = len + got < cap;
        len += got;
        total += got;
        if (first && is_file) {
            if (!ctx->opts.include_binary && looks_binary(buf, len)) {
                scan_add_skip(ctx, in->path, "binary", false);
                goto out;
            }
            job.file.lang = scan_classify_lang(in->path, buf, len);
        }
        first = false;
        job.file.data = buf;
        job.file.len = len;
        job.dispatch_hi = eof ? len : len - SCAN_STREAM_CONTEXT;
        scan_buffer(ctx, scratch, &job);
        if (!eof) {
            len = slide_window(&job, buf, len);
            job.dispatch_lo = SCAN_STREAM_CONTEXT;
        }
    }
    finish_streamed_job(ctx, &job, is_file ? fd : -1, total);
    if (failed)
        scan_add_skip(ctx, in->path, "read error", true);
    count_scanned(ctx, total);
out:
    free(job.result_ids.items);
    jwg_wipe_free(buf, cap);
}

void scan_stdin(scan_ctx *ctx, hs_scratch_t *scratch)
{
    scan_input in = {.path = "-"};

    scan_stream(ctx, scratch, &in, STDIN_FILENO, false);
}

/* Adds the inputs named on the command line; false on a usage error. */
static bool collect_inputs(scan_ctx *ctx, bool *want_stdin)
{
    for (size_t i = 0; i < ctx->opts.path_count; i++) {
        const char *p = ctx->opts.paths[i];

        if (strcmp(p, "-") == 0) {
            *want_stdin = true;
            continue;
        }
        if (ctx->root == NULL)
            ctx->root = p;
        if (!scan_walk(ctx, p))
            return false;
    }
    return true;
}

static void run_finishers(scan_ctx *ctx)
{
    for (size_t d = 0; d < ctx->detector_count; d++) {
        if (ctx->detectors[d]->finish != NULL)
            ctx->detectors[d]->finish(ctx);
    }
}

static const scan_input *find_input(const scan_ctx *ctx, const char *path)
{
    const scan_input *inputs = ctx->inputs.items;

    for (size_t i = 0; i < ctx->inputs.count; i++) {
        if (inputs[i].fs_path != NULL && strcmp(inputs[i].path, path) == 0)
            return &inputs[i];
    }
    return NULL;
}

/* Returns the offset where 1-based `line` starts, or len when the file is shorter. */
static size_t line_offset(const uint8_t *data, size_t len, size_t line)
{
    size_t offset = 0;

    for (size_t l = 1; l < line && offset < len; l++) {
        const uint8_t *nl = memchr(data + offset, '\n', len - offset);

        offset = nl ? (size_t)(nl - data) + 1 : len;
    }
    return offset;
}

/*
 * Gives findings that finish() reported with scan_report_at() what
 * scan_report() gives the others: the inline allow check and the SARIF line
 * hash. The file is mapped again, because its first mapping is gone.
 */
static void complete_late_result(const scan_ctx *ctx, scan_result *r)
{
    const scan_input *in = find_input(ctx, r->path);
    struct stat st;
    void *map;
    int fd;

    if (in == NULL || (fd = open(in->fs_path, O_RDONLY | O_CLOEXEC)) < 0)
        return;
    if (fstat(fd, &st) != 0 || st.st_size == 0 ||
        (map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
        close(fd);
        return;
    }
    /* A file that shrinks now reads as zeros: no allow comment, and a line hash of blank text. */
    scan_map_guard_begin(map, (size_t)st.st_size);
    if (r->suppressed == SCAN_SUPPRESS_NONE &&
        scan_inline_allowed(map, (size_t)st.st_size, line_offset(map, (size_t)st.st_size, r->line),
                            r->rule->id))
        r->suppressed = SCAN_SUPPRESS_INLINE;
    if (ctx->opts.line_hashes)
        scan_line_hashes(map, (size_t)st.st_size, &r->line, &r->line_hash, 1);
    (void)scan_map_guard_end();
    munmap(map, (size_t)st.st_size);
    close(fd);
}

static void complete_late_results(scan_ctx *ctx)
{
    scan_result *results = ctx->results.items;

    for (size_t i = 0; i < ctx->results.count; i++) {
        if (results[i].late && results[i].commit == NULL && strcmp(results[i].path, "-") != 0)
            complete_late_result(ctx, &results[i]);
    }
}

static int compare_results(const void *a, const void *b)
{
    const scan_result *x = a, *y = b;
    int c = strcmp(x->path, y->path);

    if (c != 0)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->column != y->column)
        return x->column < y->column ? -1 : 1;
    c = strcmp(x->rule->id, y->rule->id);
    if (c != 0)
        return c;
    c = strcmp(x->commit ? x->commit : "", y->commit ? y->commit : "");
    if (c != 0)
        return c;
    c = strcmp(x->content_fp, y->content_fp);
    return c != 0 ? c : strcmp(x->message, y->message);
}

static int compare_skips(const void *a, const void *b)
{
    const scan_skip *x = a, *y = b;

    return strcmp(x->path, y->path);
}

/* Applies the ignore file, the baseline and --diff, then counts what each suppressed. */
static void apply_filters(scan_ctx *ctx)
{
    scan_result *results = ctx->results.items;
    size_t kept = 0;

    for (size_t i = 0; i < ctx->results.count; i++) {
        scan_result *r = &results[i];

        if (ctx->diff != NULL && r->commit == NULL && strcmp(r->path, "-") != 0 &&
            !scan_diff_has_line(ctx->diff, r->path, r->line)) {
            free_result(r);
            continue;
        }
        if (r->suppressed == SCAN_SUPPRESS_NONE && ctx->ignore != NULL &&
            scan_ignore_match(ctx->ignore, r->rule->id, r->path))
            r->suppressed = SCAN_SUPPRESS_IGNORE;
        if (r->suppressed == SCAN_SUPPRESS_NONE && ctx->baseline != NULL &&
            scan_baseline_has(ctx->baseline, r->content_fp))
            r->suppressed = SCAN_SUPPRESS_BASELINE;
        ctx->summary.suppressed[r->suppressed]++;
        results[kept++] = *r;
    }
    ctx->results.count = kept;
}

bool scan_run(scan_ctx *ctx)
{
    bool want_stdin = false;

    if (!scan_ignore_load(ctx))
        return false;
    if (ctx->opts.baseline != NULL && !scan_baseline_load(ctx, ctx->opts.baseline))
        return false;
    if (ctx->opts.git_history) {
        if (!scan_history_load(ctx))
            ctx->summary.incomplete = true;
    } else if (!collect_inputs(ctx, &want_stdin)) {
        return false;
    }
    if (ctx->opts.diff_rev != NULL && !scan_diff_load(ctx))
        ctx->summary.incomplete = true;

    scan_inputs(ctx);
    if (want_stdin)
        scan_stdin(ctx, ctx->scratch);
    run_finishers(ctx);
    complete_late_results(ctx);

    apply_filters(ctx);
    /* qsort() must not be given a NULL array, even with no items. */
    if (ctx->results.count > 0)
        qsort(ctx->results.items, ctx->results.count, sizeof(scan_result), compare_results);
    if (ctx->skips.count > 0)
        qsort(ctx->skips.items, ctx->skips.count, sizeof(scan_skip), compare_skips);
    return true;
}

const scan_result *scan_results(const scan_ctx *ctx, size_t *count)
{
    *count = ctx->results.count;
    return ctx->results.items;
}

const scan_skip *scan_skips(const scan_ctx *ctx, size_t *count)
{
    *count = ctx->skips.count;
    return ctx->skips.items;
}

const scan_summary *scan_get_summary(const scan_ctx *ctx)
{
    return &ctx->summary;
}

int64_t scan_now(const scan_ctx *ctx)
{
    return ctx->opts.have_now ? ctx->opts.now : (int64_t)time(NULL);
}
