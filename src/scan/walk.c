/*
 * walk.c: turns each command-line path into the list of files to scan.
 *
 * Skipped without reading: .git folders, vendored folders and CMake build
 * folders (unless --include-vendored), paths the ignore file excludes, files over
 * --max-file-size. Symbolic links to files inside the root are scanned
 * under the link's path. Links that leave the root and links to folders are
 * skipped, so a walk neither escapes the root nor loops.
 */
/* realpath() is an X/Open function, beyond the POSIX.1-2008 base the build selects. */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "scan/ctx.h"

/* Folder depth walked; deeper trees are reported as skipped. */
#define MAX_DEPTH 128u

struct walk {
    scan_ctx *ctx;
    char fs[PATH_MAX];   /* path to open */
    size_t root_len;     /* bytes of fs that are the root and its '/' */
    char real_root[PATH_MAX];
    size_t real_root_len;
    bool prefix_root;    /* several roots: shown paths start with the root */
};

/* The path shown for the current entry: relative to the root, or root-prefixed with several roots. */
static const char *shown_path(const struct walk *w)
{
    const char *rel = w->fs + w->root_len;

    if (w->root_len > strlen(w->fs))
        return w->fs;
    if (w->prefix_root)
        return strncmp(w->fs, "./", 2) == 0 ? w->fs + 2 : w->fs;
    return rel;
}

static bool inside_root(const struct walk *w, const char *real)
{
    return strncmp(real, w->real_root, w->real_root_len) == 0 &&
           (real[w->real_root_len] == '/' || real[w->real_root_len] == '\0' ||
            w->real_root_len == 1);
}

/* A link is followed only to a regular file inside the root. */
static bool symlink_target_ok(const struct walk *w, struct stat *st)
{
    char real[PATH_MAX];

    if (realpath(w->fs, real) == NULL || stat(real, st) != 0)
        return false;
    return S_ISREG(st->st_mode) && inside_root(w, real);
}

static void add_file(struct walk *w, const struct stat *st)
{
    const char *shown = shown_path(w);

    if (w->ctx->ignore != NULL && scan_ignore_path(w->ctx->ignore, shown))
        return;
    if ((uint64_t)st->st_size > w->ctx->opts.max_file_size) {
        scan_add_skip(w->ctx, shown, "too large", false);
        return;
    }
    if (!scan_add_input(w->ctx, shown, w->fs, NULL, NULL, 0))
        scan_add_skip(w->ctx, shown, "out of memory", true);
}

static void walk_dir(struct walk *w, size_t len, unsigned depth);

/* Checks a folder against the ignore file, with a '/' appended so folder-only globs apply. */
static bool ignored_folder(struct walk *w, size_t len)
{
    bool hit;

    if (w->ctx->ignore == NULL || len + 2 > sizeof(w->fs))
        return false;
    w->fs[len] = '/';
    w->fs[len + 1] = '\0';
    hit = scan_ignore_path(w->ctx->ignore, shown_path(w));
    w->fs[len] = '\0';
    return hit;
}

/*
 * Whether the folder w->fs (`len` bytes) is a CMake build folder: it
 * contains CMakeCache.txt, which CMake writes at the top of every build
 * tree. Build output copies the sources' strings, so scanning it repeats
 * findings.
 */
static bool is_cmake_build_dir(struct walk *w, size_t len)
{
    static const char cache[] = "/CMakeCache.txt";
    struct stat st;
    bool hit;

    if (len + sizeof(cache) > sizeof(w->fs))
        return false;
    memcpy(w->fs + len, cache, sizeof(cache));
    hit = lstat(w->fs, &st) == 0 && S_ISREG(st.st_mode);
    w->fs[len] = '\0';
    return hit;
}

/* Handles the entry whose path is w->fs (`len` bytes) and whose name is `name`. */
static void walk_entry(struct walk *w, size_t len, const char *name, unsigned depth)
{
    struct stat st;

    if (lstat(w->fs, &st) != 0) {
        scan_add_skip(w->ctx, shown_path(w), "unreadable", true);
        return;
    }
    if (S_ISLNK(st.st_mode)) {
        if (symlink_target_ok(w, &st))
            add_file(w, &st);
        else
            scan_add_skip(w->ctx, shown_path(w), "symbolic link to a folder or outside the root",
                          false);
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        if (strcmp(name, ".git") == 0)
            return;
        if (!w->ctx->opts.include_vendored && scan_is_vendored_dir(name)) {
            scan_add_skip(w->ctx, shown_path(w), "vendored", false);
            return;
        }
        if (!w->ctx->opts.include_vendored && is_cmake_build_dir(w, len)) {
            scan_add_skip(w->ctx, shown_path(w), "CMake build folder", false);
            return;
        }
        if (ignored_folder(w, len))
            return;
        walk_dir(w, len, depth + 1);
        return;
    }
    if (S_ISREG(st.st_mode))
        add_file(w, &st);
    else if (w->ctx->ignore == NULL || !scan_ignore_path(w->ctx->ignore, shown_path(w)))
        scan_add_skip(w->ctx, shown_path(w), "not a regular file", false);
}

static void walk_dir(struct walk *w, size_t len, unsigned depth)
{
    DIR *dir;
    struct dirent *de;

    if (depth > MAX_DEPTH) {
        scan_add_skip(w->ctx, shown_path(w), "folders nested too deep", true);
        return;
    }
    dir = opendir(w->fs);
    if (dir == NULL) {
        scan_add_skip(w->ctx, shown_path(w), "unreadable", true);
        return;
    }
    while ((de = readdir(dir)) != NULL) {
        size_t name_len = strlen(de->d_name);
        size_t sep = len > 0 && w->fs[len - 1] != '/' ? 1 : 0;

        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (len + sep + name_len + 1 > sizeof(w->fs)) {
            scan_add_skip(w->ctx, de->d_name, "path too long", true);
            continue;
        }
        if (sep)
            w->fs[len] = '/';
        memcpy(w->fs + len + sep, de->d_name, name_len + 1);
        walk_entry(w, len + sep + name_len, de->d_name, depth);
        w->fs[len] = '\0';
    }
    closedir(dir);
}

/* Drops a trailing '/' so "repo/" and "repo" show the same paths. */
static size_t trim_root(char *fs)
{
    size_t len = strlen(fs);

    while (len > 1 && fs[len - 1] == '/')
        fs[--len] = '\0';
    return len;
}

bool scan_walk(scan_ctx *ctx, const char *root)
{
    struct walk *w = calloc(1, sizeof(*w));
    struct stat st;
    size_t len;
    bool ok = false;

    if (w == NULL)
        return false;
    w->ctx = ctx;
    w->prefix_root = ctx->opts.path_count > 1;
    /* realpath() only for folders: a pipe such as /dev/fd/63 has no path to resolve. */
    if (strlen(root) >= sizeof(w->fs) || stat(root, &st) != 0 ||
        (S_ISDIR(st.st_mode) && realpath(root, w->real_root) == NULL)) {
        fprintf(stderr, "jwtguard: error: cannot read path (%s): %s: check the path\n", root,
                strerror(errno));
        goto out;
    }
    w->real_root_len = strlen(w->real_root);
    strcpy(w->fs, root);
    len = trim_root(w->fs);

    if (S_ISDIR(st.st_mode)) {
        w->root_len = strcmp(w->fs, "/") == 0 ? 1 : len + 1;
        walk_dir(w, len, 0);
    } else {
        /* A file named on the command line is shown as given, and always scanned. */
        w->root_len = 0;
        w->prefix_root = true;
        add_file(w, &st);
    }
    ok = true;
out:
    free(w);
    return ok;
}
