/*
 * gitscan.c: --diff REV and --git-history, read from git's plumbing output.
 * git runs through execvp() with an argument vector, never a shell, so
 * revision names and paths are never interpreted.
 *
 * --diff REV: `git diff --unified=0 --relative REV` gives the added and
 * changed lines of tracked files under the root. Untracked files that are
 * not ignored (`git ls-files --others --exclude-standard`) count as wholly
 * added. Only files with changes are scanned; findings on other lines are
 * dropped.
 *
 * --git-history: `git log --all -m --raw` lists every blob each commit
 * added or changed, oldest commit first, so each distinct blob is scanned
 * once and its findings name the first commit that introduced it. Blobs are
 * read with `git cat-file --batch` in batches of at most HISTORY_BATCH_BYTES,
 * so memory stays bounded whatever the size of the history.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "scan/ctx.h"

/* Bytes of blobs held at once in --git-history. */
#define HISTORY_BATCH_BYTES (256u * 1024u * 1024u)

/* Length of a SHA-1 object id in hex; SHA-256 repositories use 64. */
#define OID_MAX_HEX 64u

typedef struct diff_range {
    size_t first, last; /* 1-based, inclusive */
} diff_range;

typedef struct diff_file {
    char *path;
    bool whole; /* untracked: every line counts */
    scan_vec ranges; /* diff_range */
} diff_file;

struct scan_diff {
    scan_vec files; /* diff_file, sorted by path after loading */
    char *failure;  /* the skip reason when git diff failed; it names the revision */
};

/* A running git process with its stdout readable and, optionally, its stdin writable. */
typedef struct git_proc {
    pid_t pid;
    FILE *out;
    FILE *in;
} git_proc;

static bool git_start(git_proc *p, const char *const *argv, bool want_stdin)
{
    int out_pipe[2] = {-1, -1}, in_pipe[2] = {-1, -1};

    memset(p, 0, sizeof(*p));
    if (pipe(out_pipe) != 0 || (want_stdin && pipe(in_pipe) != 0))
        goto fail;
    p->pid = fork();
    if (p->pid < 0)
        goto fail;
    if (p->pid == 0) {
        dup2(out_pipe[1], STDOUT_FILENO);
        if (want_stdin)
            dup2(in_pipe[0], STDIN_FILENO);
        close(out_pipe[0]);
        close(out_pipe[1]);
        if (want_stdin) {
            close(in_pipe[0]);
            close(in_pipe[1]);
        }
        execvp("git", (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    close(out_pipe[1]);
    p->out = fdopen(out_pipe[0], "r");
    if (want_stdin) {
        close(in_pipe[0]);
        p->in = fdopen(in_pipe[1], "w");
    }
    return p->out != NULL && (!want_stdin || p->in != NULL);
fail:
    for (int i = 0; i < 2; i++) {
        if (out_pipe[i] >= 0)
            close(out_pipe[i]);
        if (in_pipe[i] >= 0)
            close(in_pipe[i]);
    }
    return false;
}

/* Closes the pipes and waits; true when git exited with status 0. */
static bool git_finish(git_proc *p)
{
    int status = 0;

    if (p->in != NULL)
        fclose(p->in);
    if (p->out != NULL)
        fclose(p->out);
    if (p->pid <= 0)
        return false;
    while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static diff_file *add_diff_file(struct scan_diff *d, const char *path, size_t len)
{
    diff_file *f = scan_vec_push(&d->files, sizeof(*f));

    if (f == NULL)
        return NULL;
    f->path = malloc(len + 1);
    if (f->path == NULL)
        return NULL;
    memcpy(f->path, path, len);
    f->path[len] = '\0';
    return f;
}

/* Parses "N" or "N,COUNT" after a hunk's '-' or '+'; COUNT defaults to 1. */
static const char *hunk_range(const char *p, unsigned long *first, unsigned long *count)
{
    char *end;

    *first = strtoul(p, &end, 10);
    *count = 1;
    if (*end == ',')
        *count = strtoul(end + 1, &end, 10);
    return end;
}

/*
 * Parses "@@ -a,b +c,d @@", adds lines c .. c+d-1 to `f` and returns b + d,
 * the number of body lines that follow the header with --unified=0.
 */
static unsigned long add_hunk(diff_file *f, const char *line)
{
    const char *minus = strchr(line, '-');
    const char *plus;
    unsigned long old_first, old_count, first, count;
    diff_range *r;

    if (minus == NULL)
        return 0;
    plus = hunk_range(minus + 1, &old_first, &old_count);
    if (plus[0] != ' ' || plus[1] != '+')
        return 0;
    hunk_range(plus + 2, &first, &count);
    if (f != NULL && count > 0 && (r = scan_vec_push(&f->ranges, sizeof(*r))) != NULL) {
        r->first = first;
        r->last = first + count - 1;
    }
    return old_count + count;
}

/*
 * Strips git's "b/" prefix and C-style quoting of a path on a "+++ " line.
 * Quoting is only needed for paths with control characters, quotes or
 * backslashes, because the diff runs with core.quotePath=false.
 */
static size_t diff_path(char *s)
{
    size_t len = strlen(s), out = 0;

    while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
        s[--len] = '\0';
    if (s[0] != '"')
        return strncmp(s, "b/", 2) == 0 ? (memmove(s, s + 2, len - 1), len - 2) : len;
    for (size_t i = 1; i < len && s[i] != '"'; i++) {
        char c = s[i];

        if (c == '\\' && i + 1 < len) {
            c = s[++i];
            if (c >= '0' && c <= '7' && i + 2 < len) {
                c = (char)(((s[i] - '0') << 6) | ((s[i + 1] - '0') << 3) | (s[i + 2] - '0'));
                i += 2;
            } else if (c == 'n') {
                c = '\n';
            } else if (c == 't') {
                c = '\t';
            }
        }
        s[out++] = c;
    }
    s[out] = '\0';
    return strncmp(s, "b/", 2) == 0 ? (memmove(s, s + 2, out - 1), out - 2) : out;
}

static bool read_diff(struct scan_diff *d, const char *root, const char *rev)
{
    /*
     * --end-of-options keeps a REV such as "--output=FILE" from being read
     * as an option. The repository's own config must not run commands, so
     * fsmonitor, external diff and textconv are off; textconv would also
     * shift line numbers.
     */
    const char *argv[] = {"git", "-C", root, "-c", "core.quotePath=false", "-c",
                          "core.fsmonitor=false", "diff", "--unified=0", "--no-color",
                          "--no-ext-diff", "--no-textconv", "--relative", "--diff-filter=d",
                          "--end-of-options", rev, "--", NULL};
    git_proc p;
    char *line = NULL;
    size_t cap = 0;
    diff_file *current = NULL;
    unsigned long body_lines = 0;

    if (!git_start(&p, argv, false)) {
        git_finish(&p);
        return false;
    }

    /*
     * Body lines are skipped by count, because an added line that starts
     * with "++ " or "@@ " reads "+++ ..." or "+@@ ..." in the diff and must
     * not start a new file or hunk.
     */
    while (getline(&line, &cap, p.out) > 0) {
        if (body_lines > 0) {
            body_lines -= line[0] == '\\' ? 0 : 1;
        } else if (strncmp(line, "+++ ", 4) == 0) {
            size_t len = diff_path(line + 4);

            current = strcmp(line + 4, "/dev/null") == 0 ? NULL : add_diff_file(d, line + 4, len);
        } else if (strncmp(line, "@@ ", 3) == 0) {
            body_lines = add_hunk(current, line);
        }
    }
    free(line);
    return git_finish(&p);
}

static bool read_untracked(struct scan_diff *d, const char *root)
{
    const char *argv[] = {"git", "-C", root, "-c", "core.fsmonitor=false", "ls-files", "-z",
                          "--others", "--exclude-standard", NULL};
    git_proc p;
    char *path = NULL;
    size_t cap = 0;
    ssize_t n;

    if (!git_start(&p, argv, false)) {
        git_finish(&p);
        return false;
    }
    while ((n = getdelim(&path, &cap, '\0', p.out)) > 0) {
        diff_file *f = add_diff_file(d, path, strlen(path));

        if (f != NULL)
            f->whole = true;
    }
    free(path);
    return git_finish(&p);
}

static int compare_diff_files(const void *a, const void *b)
{
    return strcmp(((const diff_file *)a)->path, ((const diff_file *)b)->path);
}

static const diff_file *find_diff_file(const struct scan_diff *d, const char *path)
{
    diff_file key = {.path = (char *)(uintptr_t)path};

    if (d->files.count == 0)
        return NULL;
    return bsearch(&key, d->files.items, d->files.count, sizeof(diff_file), compare_diff_files);
}

/* Keeps only the inputs that the diff touches. */
static void keep_changed_inputs(scan_ctx *ctx)
{
    scan_input *inputs = ctx->inputs.items;
    size_t kept = 0;

    for (size_t i = 0; i < ctx->inputs.count; i++) {
        if (find_diff_file(ctx->diff, inputs[i].path) != NULL) {
            inputs[kept++] = inputs[i];
            continue;
        }
        free(inputs[i].path);
        free(inputs[i].fs_path);
        free(inputs[i].commit);
    }
    ctx->inputs.count = kept;
}

/*
 * Returns the skip reason for a failed git diff against `rev`, kept in `d`
 * until it is freed. The report escapes control bytes in it.
 */
static const char *diff_failure(struct scan_diff *d, const char *rev)
{
    static const char fallback[] =
        "git diff failed: check that the folder is in a git repository and the revision exists";
#define DIFF_FAILURE_FORMAT                                                                  \
    "git diff against revision '%s' failed: check that the folder is in a git repository and " \
    "the revision exists"
    int n = snprintf(NULL, 0, DIFF_FAILURE_FORMAT, rev);

    if (n < 0 || (d->failure = malloc((size_t)n + 1)) == NULL)
        return fallback;
    snprintf(d->failure, (size_t)n + 1, DIFF_FAILURE_FORMAT, rev);
#undef DIFF_FAILURE_FORMAT
    return d->failure;
}

bool scan_diff_load(scan_ctx *ctx)
{
    const char *root = ctx->opts.path_count > 0 ? ctx->opts.paths[0] : ".";
    bool ok;

    ctx->diff = calloc(1, sizeof(*ctx->diff));
    if (ctx->diff == NULL)
        return false;
    ok = read_diff(ctx->diff, root, ctx->opts.diff_rev) && read_untracked(ctx->diff, root);
    if (!ok)
        scan_add_skip(ctx, root, diff_failure(ctx->diff, ctx->opts.diff_rev), true);
    if (ctx->diff->files.count > 0)
        qsort(ctx->diff->files.items, ctx->diff->files.count, sizeof(diff_file), compare_diff_files);
    keep_changed_inputs(ctx);
    return ok;
}

bool scan_diff_has_line(const struct scan_diff *d, const char *path, size_t line)
{
    const diff_file *f = find_diff_file(d, path);
    const diff_range *ranges;

    if (f == NULL)
        return false;
    if (f->whole)
        return true;
    ranges = f->ranges.items;
    for (size_t i = 0; i < f->ranges.count; i++) {
        if (line >= ranges[i].first && line <= ranges[i].last)
            return true;
    }
    return false;
}

void scan_diff_free(struct scan_diff *d)
{
    diff_file *files;

    if (d == NULL)
        return;
    files = d->files.items;
    for (size_t i = 0; i < d->files.count; i++) {
        free(files[i].path);
        free(files[i].ranges.items);
    }
    free(files);
    free(d->failure);
    free(d);
}

/* One blob to read: its id, the path it had and the first commit that added it. */
typedef struct history_blob {
    char oid[OID_MAX_HEX + 1];
    char *path;
    char *commit;
    size_t seq; /* position in git's output */
} history_blob;

/*
 * Parses the NUL-separated output of `git log --raw -z`: "commit <id>"
 * tokens, then for each changed file ":<modes> <old> <new> <status>" and
 * the path. Records each new blob id the first time it appears.
 */
static bool list_history_blobs(const char *root, scan_vec *blobs)
{
    const char *argv[] = {"git", "-C", root, "log", "--all", "--reverse", "--root", "-m",
                          "--no-renames", "--raw", "-z", "--no-abbrev", "--format=commit %H",
                          NULL};
    git_proc p;
    char *tok = NULL, commit[OID_MAX_HEX + 1] = "";
    size_t cap = 0;
    ssize_t n;
    history_blob *pending = NULL;

    if (!git_start(&p, argv, false)) {
        git_finish(&p);
        return false;
    }
    while ((n = getdelim(&tok, &cap, '\0', p.out)) > 0) {
        char *t = tok;

        while (*t == '\n')
            t++;
        if (pending != NULL) {
            pending->path = jwg_strdup(t);
            pending->commit = jwg_strdup(commit);
            pending = NULL;
        } else if (strncmp(t, "commit ", 7) == 0) {
            snprintf(commit, sizeof(commit), "%s", t + 7);
            commit[strcspn(commit, "\n")] = '\0';
        } else if (t[0] == ':') {
            /* ":100644 100644 <old> <new> M": the new id is the fourth field. */
            char mode_a[8], mode_b[8], old_id[OID_MAX_HEX + 1], new_id[OID_MAX_HEX + 1], status;

            if (sscanf(t, ":%7s %7s %64s %64s %c", mode_a, mode_b, old_id, new_id, &status) == 5 &&
                status != 'D' && strncmp(mode_b, "160000", 6) != 0 &&
                (pending = scan_vec_push(blobs, sizeof(*pending))) != NULL) {
                snprintf(pending->oid, sizeof(pending->oid), "%s", new_id);
                pending->seq = blobs->count;
            }
        }
    }
    free(tok);
    return git_finish(&p);
}

/* Orders by blob id, then by position in git's output, oldest commit first. */
static int compare_blobs(const void *a, const void *b)
{
    const history_blob *x = a, *y = b;
    int c = strcmp(x->oid, y->oid);

    if (c != 0)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Keeps the oldest entry of each blob id, so each blob is scanned once. */
static void dedupe_blobs(scan_vec *blobs)
{
    history_blob *b = blobs->items;
    size_t kept = 0;

    if (blobs->count == 0)
        return;
    qsort(b, blobs->count, sizeof(*b), compare_blobs);
    for (size_t i = 0; i < blobs->count; i++) {
        if (kept > 0 && strcmp(b[kept - 1].oid, b[i].oid) == 0) {
            free(b[i].path);
            free(b[i].commit);
            continue;
        }
        b[kept++] = b[i];
    }
    blobs->count = kept;
}

/* Reads one blob's reply from `git cat-file --batch`; false when git's output ends or is malformed. */
static bool read_blob(FILE *out, uint8_t **data, size_t *len, bool *missing)
{
    char header[256], type[32];
    unsigned long long size;

    *data = NULL;
    *missing = false;
    if (fgets(header, sizeof(header), out) == NULL)
        return false;
    if (strstr(header, " missing") != NULL) {
        *missing = true;
        return true;
    }
    if (sscanf(header, "%*s %31s %llu", type, &size) != 2 || size > SIZE_MAX - 1)
        return false;
    *data = malloc(size ? (size_t)size : 1);
    if (*data == NULL || fread(*data, 1, (size_t)size, out) != (size_t)size || fgetc(out) != '\n') {
        free(*data);
        *data = NULL;
        return false;
    }
    *len = (size_t)size;
    return true;
}

static void clear_inputs(scan_ctx *ctx)
{
    scan_input *inputs = ctx->inputs.items;

    for (size_t i = 0; i < ctx->inputs.count; i++) {
        free(inputs[i].path);
        free(inputs[i].fs_path);
        free(inputs[i].commit);
        jwg_wipe_free(inputs[i].blob, inputs[i].blob_len);
    }
    ctx->inputs.count = 0;
    atomic_store(&ctx->next_input, 0);
}

/* Reads blobs in lockstep with cat-file and scans them in batches. */
static bool scan_history_blobs(scan_ctx *ctx, const char *root, history_blob *blobs, size_t count)
{
    const char *argv[] = {"git", "-C", root, "cat-file", "--batch", NULL};
    git_proc p;
    size_t held = 0;
    bool ok = true;

    if (!git_start(&p, argv, true)) {
        git_finish(&p);
        return false;
    }
    for (size_t i = 0; i < count && ok; i++) {
        uint8_t *data;
        size_t len = 0;
        bool missing;

        fprintf(p.in, "%s\n", blobs[i].oid);
        fflush(p.in);
        ok = read_blob(p.out, &data, &len, &missing);
        if (!ok || missing)
            continue;
        if (len > ctx->opts.max_file_size) {
            scan_add_skip(ctx, blobs[i].path, "too large", false);
            jwg_wipe_free(data, len ? len : 1);
            continue;
        }
        ok = scan_add_input(ctx, blobs[i].path, NULL, blobs[i].commit, data, len);
        held += len;
        if (held >= HISTORY_BATCH_BYTES) {
            scan_inputs(ctx);
            clear_inputs(ctx);
            held = 0;
        }
    }
    scan_inputs(ctx);
    clear_inputs(ctx);
    return git_finish(&p) && ok;
}

bool scan_history_load(scan_ctx *ctx)
{
    const char *root = ctx->opts.path_count > 0 ? ctx->opts.paths[0] : ".";
    scan_vec blobs = {0};
    history_blob *b;
    bool ok;

    /* git may exit before reading every request; a write then fails instead of killing the scan. */
    signal(SIGPIPE, SIG_IGN);
    ok = list_history_blobs(root, &blobs);

    if (ok) {
        dedupe_blobs(&blobs);
        ok = scan_history_blobs(ctx, root, blobs.items, blobs.count);
    }
    if (!ok)
        scan_add_skip(ctx, root, "git history could not be read: check that the folder is a git repository",
                      true);
    b = blobs.items;
    for (size_t i = 0; i < blobs.count; i++) {
        free(b[i].path);
        free(b[i].commit);
    }
    free(b);
    return ok;
}
