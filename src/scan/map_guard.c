/*
 * map_guard.c: the SIGBUS handler described in map_guard.h.
 *
 * The guarded range is per thread, because each worker maps its own file
 * and SIGBUS for a memory access is delivered to the thread that made it.
 * NOTE: the handler calls mmap(), which POSIX does not list as
 * async-signal-safe. glibc's mmap() is a plain system call wrapper, so it
 * is safe there in practice, but other C libraries are untested.
 */
/* MAP_ANONYMOUS and SA_SIGINFO's si_addr are beyond the POSIX.1-2008 base the build selects. */
#define _DEFAULT_SOURCE

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scan/map_guard.h"

static _Thread_local uintptr_t guard_base;
static _Thread_local size_t guard_len;
static _Thread_local volatile sig_atomic_t guard_faulted;

static uintptr_t page_size;
static struct sigaction previous_action;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static bool installed;

static void on_sigbus(int sig, siginfo_t *info, void *context)
{
    uintptr_t addr = (uintptr_t)info->si_addr;

    (void)context;
    if (guard_len > 0 && addr >= guard_base && addr - guard_base < guard_len) {
        void *page = (void *)(addr & ~(page_size - 1));

        if (mmap(page, (size_t)page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
                 0) != MAP_FAILED) {
            guard_faulted = 1;
            return;
        }
    }

    /* Not a guarded page: returning re-runs the access under the previous action. */
    sigaction(sig, &previous_action, NULL);
}

static void install(void)
{
    struct sigaction action;
    long size = sysconf(_SC_PAGESIZE);

    if (size <= 0)
        return;
    page_size = (uintptr_t)size;
    memset(&action, 0, sizeof(action));
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    installed = sigaction(SIGBUS, &action, &previous_action) == 0;
}

bool scan_map_guard_install(void)
{
    pthread_once(&install_once, install);
    return installed;
}

void scan_map_guard_begin(const void *base, size_t len)
{
    guard_faulted = 0;
    guard_base = (uintptr_t)base;
    guard_len = len;
}

bool scan_map_guard_end(void)
{
    guard_len = 0;
    guard_base = 0;
    return guard_faulted != 0;
}
