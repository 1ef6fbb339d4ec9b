/*
 * outfile.c: output files written to a temporary file beside the target and
 * renamed into place, so that a failed command leaves no partial output.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/*
 * mkstemp() replaces the six X with random characters.
 * NOTE: the suffix adds 11 bytes to the file name, so a target name over 244
 * bytes fails with ENAMETOOLONG on file systems whose limit is 255.
 */
static const char temp_suffix[] = ".tmp-XXXXXX";

/* Returns a malloc'd copy of `a` followed by `b`, or NULL. */
static char *concat(const char *a, const char *b)
{
    size_t a_len = strlen(a);
    size_t b_len = strlen(b);
    char *s = malloc(a_len + b_len + 1);

    if (s == NULL)
        return NULL;
    memcpy(s, a, a_len);
    memcpy(s + a_len, b, b_len + 1);
    return s;
}

/*
 * Records the directory's device and inode and the file name, so that "x"
 * and "./x" compare equal although neither exists yet.
 */
static bool resolve_directory(struct outfile *f)
{
    char *dir_copy = concat(f->path, "");
    char *base_copy = concat(f->path, "");
    struct stat st;
    int error = 0;
    bool ok = false;

    if (dir_copy == NULL || base_copy == NULL) {
        cli_error("out of memory resolving", f->path, "free memory and retry");
        goto out;
    }
    if (stat(dirname(dir_copy), &st) != 0)
        error = errno;
    else if (!S_ISDIR(st.st_mode))
        error = ENOTDIR;
    if (error != 0) {
        cli_error_detail("cannot open output directory", f->path,
                         "create the directory or choose another path", strerror(error));
        goto out;
    }
    f->dir_dev = st.st_dev;
    f->dir_ino = st.st_ino;
    f->name = concat(basename(base_copy), "");
    ok = f->name != NULL;
    if (!ok)
        cli_error("out of memory resolving", f->path, "free memory and retry");

out:
    free(base_copy);
    free(dir_copy);
    return ok;
}

/* Records whether the target exists, rejecting anything but a regular file. */
static bool inspect_target(struct outfile *f)
{
    struct stat st;

    if (lstat(f->path, &st) != 0) {
        if (errno == ENOENT)
            return true;
        cli_error_detail("cannot access output file", f->path, "choose another path",
                         strerror(errno));
        return false;
    }
    if (S_ISLNK(st.st_mode)) {
        cli_error("output file is a symbolic link", f->path,
                  "give the link's target or another path");
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        cli_error("output is not a regular file", f->path, "give a file path");
        return false;
    }
    f->exists = true;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    return true;
}

bool outfile_resolve(struct outfile *f)
{
    size_t len = strlen(f->path);

    if (len == 0 || f->path[len - 1] == '/') {
        cli_error("output path names a directory", f->path[0] != '\0' ? f->path : "empty",
                  "give a file path");
        return false;
    }
    return inspect_target(f) && resolve_directory(f);
}

bool outfile_same(const struct outfile *a, const struct outfile *b)
{
    if (a->dir_dev == b->dir_dev && a->dir_ino == b->dir_ino && strcmp(a->name, b->name) == 0)
        return true;
    return a->exists && b->exists && a->dev == b->dev && a->ino == b->ino;
}

/* Writes all `len` bytes to `fd`, retrying short writes. */
static bool write_all(int fd, const unsigned char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

bool outfile_stage(struct outfile *f, const void *data, size_t len, unsigned mode)
{
    int fd;
    bool ok;

    f->temp = concat(f->path, temp_suffix);
    if (f->temp == NULL) {
        cli_error("out of memory writing", f->path, "free memory and retry");
        return false;
    }

    /* mkstemp opens with O_CREAT|O_EXCL and mode 0600, so the file is never readable by others
     * before fchmod sets `mode`; fchmod also makes the mode independent of the umask. */
    fd = mkstemp(f->temp);
    if (fd < 0) {
        cli_error_detail("cannot create file", f->path, "check the directory's permissions",
                         strerror(errno));
        free(f->temp);
        f->temp = NULL;
        return false;
    }
    ok = fchmod(fd, (mode_t)mode) == 0 && write_all(fd, data, len) && fsync(fd) == 0;
    if (close(fd) != 0)
        ok = false;
    if (!ok) {
        cli_error_detail("cannot write file", f->path, "check the disk", strerror(errno));
        outfile_discard(f);
    }
    return ok;
}

/*
 * Syncs the directory entry of a renamed file. A failure is not reported:
 * the file is complete and in place, and some file systems cannot sync a
 * directory.
 */
static void sync_directory(const char *path)
{
    char *copy = concat(path, "");
    int fd = copy != NULL ? open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(copy);
}

bool outfile_commit(struct outfile *f, bool replace)
{
    int rc;

    /* link() fails with EEXIST instead of replacing, which closes the race with a file
     * created after outfile_resolve() checked the path. File systems without hard links
     * (such as FAT) fail here, and --force, which renames, still works there. */
    rc = replace ? rename(f->temp, f->path) : link(f->temp, f->path);
    if (rc != 0) {
        if (errno == EEXIST)
            cli_error("file exists", f->path, "choose another path or pass --force to overwrite");
        else
            cli_error_detail("cannot create file", f->path, "choose another path", strerror(errno));
        outfile_discard(f);
        return false;
    }
    if (!replace)
        (void)unlink(f->temp);
    free(f->temp);
    f->temp = NULL;
    sync_directory(f->path);
    return true;
}

void outfile_discard(struct outfile *f)
{
    if (f->temp != NULL)
        (void)unlink(f->temp);
    free(f->temp);
    f->temp = NULL;
    free(f->name);
    f->name = NULL;
}
