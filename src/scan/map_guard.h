/*
 * map_guard.h: survives a mapped file that shrinks while it is read.
 *
 * Reading a page of a MAP_PRIVATE file mapping that lies past the file's
 * current end raises SIGBUS, which kills the process. Between
 * scan_map_guard_begin() and scan_map_guard_end(), a SIGBUS on an address
 * inside the guarded range instead maps a zero page over the faulting page
 * and records the fault, so the scan reads zeros there and the caller
 * reports the file as incomplete. A SIGBUS elsewhere keeps its default
 * action.
 */
#ifndef JWTGUARD_SCAN_MAP_GUARD_H
#define JWTGUARD_SCAN_MAP_GUARD_H

#include <stdbool.h>
#include <stddef.h>

/* Installs the SIGBUS handler once per process; false when sigaction() fails. */
bool scan_map_guard_install(void);

/* Guards `len` bytes at `base` on the calling thread until scan_map_guard_end(). */
void scan_map_guard_begin(const void *base, size_t len);

/* Ends the calling thread's guard; returns whether a page of the range faulted. */
bool scan_map_guard_end(void);

#endif
