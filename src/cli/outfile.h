/*
 * outfile.h: output files that appear whole or not at all. Each file is
 * written to a temporary file beside its target and synced. The caller
 * renames the files of a group into place only after all of them were
 * written, and discards the temporary files otherwise.
 */
#ifndef JWTGUARD_OUTFILE_H
#define JWTGUARD_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct outfile {
    const char *path; /* target path as given on the command line */
    dev_t dir_dev;    /* device and inode of the directory the path names */
    ino_t dir_ino;
    char *name;  /* file name within that directory */
    char *temp;  /* temporary file beside the target; NULL when none exists */
    bool exists; /* the target existed when outfile_resolve() ran */
    dev_t dev;   /* device and inode of an existing target */
    ino_t ino;
};

/*
 * Resolves f->path before anything is written. Rejects a path ending in '/',
 * a missing or unreadable directory, and a target that is a symbolic link
 * or not a regular file. Prints the error and returns false.
 */
bool outfile_resolve(struct outfile *f);

/* Returns true when both resolved outputs name one file: same directory and name, or same inode. */
bool outfile_same(const struct outfile *a, const struct outfile *b);

/*
 * Writes `len` bytes to a new temporary file beside the target
 * (O_CREAT|O_EXCL) with permission bits `mode`, and syncs it. Prints the
 * error, removes the temporary file and returns false on failure.
 */
bool outfile_stage(struct outfile *f, const void *data, size_t len, unsigned mode);

/*
 * Renames the staged file to its target. An existing target is replaced
 * only when `replace` is true. Prints the error and returns false.
 */
bool outfile_commit(struct outfile *f, bool replace);

/* Removes the temporary file if one is left and frees what f holds. */
void outfile_discard(struct outfile *f);

#endif /* JWTGUARD_OUTFILE_H */
