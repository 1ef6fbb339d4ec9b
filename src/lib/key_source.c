/*
 * key_source.c: reads the keys a policy file names, from files, environment
 * variables and commands. Each source declares its format; nothing is
 * guessed from content. Secret bytes are wiped right after the key set has
 * copied them.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "policy_file_internal.h"

extern char **environ;

/* Maximum size of a key file. */
#define KEY_FILE_MAX (1024u * 1024u)

/* The bytes a source produced; `len` bytes of `cap`, wiped and freed with bytes_free(). */
typedef struct key_bytes {
    uint8_t *data;
    size_t len;
    size_t cap;
} key_bytes;

typedef struct source_ctx {
    const jwg_key_source *src;
    const char *where;
    char *detail;
    size_t detail_len;
} source_ctx;

static void bytes_free(key_bytes *b)
{
    jwg_wipe_free(b->data, b->cap);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

static jwg_err unavailable(const source_ctx *c, const char *what, const char *name, int err)
{
    if (err != 0)
        jwg_detail_set(c->detail, c->detail_len, "%s: %s %s: %s", c->where, what, name, strerror(err));
    else
        jwg_detail_set(c->detail, c->detail_len, "%s: %s %s", c->where, what, name);
    return JWG_ERR_KEY_SOURCE_UNAVAILABLE;
}

void jwg_key_source_clear(jwg_key_source *src)
{
    free(src->path);
    free(src->env);
    for (size_t i = 0; i < src->argc; i++)
        free(src->argv[i]);
    free(src->argv);
    free(src->alg);
    free(src->kid);
    free(src->url);
    free(src->ca_file);
    memset(src, 0, sizeof(*src));
}

bool jwg_key_source_is_url(const jwg_key_source *src)
{
    return src->kind == JWG_KS_JWKS_URL || src->kind == JWG_KS_OIDC;
}

/* ---- files ------------------------------------------------------------- */

/* A secret readable or writable by group or others has already leaked to every account on the host. */
static jwg_err check_secret_mode(const source_ctx *c, const struct stat *st)
{
    if ((st->st_mode & (S_IRWXG | S_IRWXO)) == 0)
        return JWG_OK;

    jwg_detail_set(c->detail, c->detail_len,
                   "%s: secret file %s has mode %04o, which gives group or others access: run chmod 600 %s",
                   c->where, c->src->path, (unsigned)(st->st_mode & 07777), c->src->path);
    return JWG_ERR_POLICY_INVALID;
}

static jwg_err read_fd(const source_ctx *c, int fd, size_t size, key_bytes *out)
{
    out->cap = size + 1;
    out->data = malloc(out->cap);
    JWG_ENSURE(out->data != NULL, JWG_ERR_NOMEM);

    while (out->len < size) {
        ssize_t n = read(fd, out->data + out->len, size - out->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return unavailable(c, "cannot read", c->src->path, errno);
        if (n == 0)
            break;
        out->len += (size_t)n;
    }
    out->data[out->len] = '\0';
    return JWG_OK;
}

/* Reads a key file; a secret file must also have a private mode, checked on the opened file. */
static jwg_err read_file(const source_ctx *c, bool secret, key_bytes *out)
{
    /* O_NONBLOCK: opening a FIFO would otherwise wait for a writer before fstat can reject it. */
    int fd = open(c->src->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return unavailable(c, "cannot open", c->src->path, errno);

    struct stat st;
    jwg_err rc = JWG_OK;
    if (fstat(fd, &st) != 0)
        rc = unavailable(c, "cannot read", c->src->path, errno);
    else if (!S_ISREG(st.st_mode))
        rc = unavailable(c, "is not a regular file:", c->src->path, 0);
    else if (st.st_size < 0 || (uint64_t)st.st_size > KEY_FILE_MAX)
        rc = unavailable(c, "is larger than 1 MiB:", c->src->path, 0);
    else if (secret)
        rc = check_secret_mode(c, &st);
    if (rc == JWG_OK)
        rc = read_fd(c, fd, (size_t)st.st_size, out);
    close(fd);
    return rc;
}

/* ---- environment ------------------------------------------------------- */

static jwg_err read_env(const source_ctx *c, key_bytes *out)
{
    const char *value = getenv(c->src->env);
    if (value == NULL || value[0] == '\0')
        return unavailable(c, "environment variable is not set or empty:", c->src->env, 0);

    out->len = strlen(value);
    out->cap = out->len + 1;
    out->data = malloc(out->cap);
    JWG_ENSURE(out->data != NULL, JWG_ERR_NOMEM);
    memcpy(out->data, value, out->cap);
    return JWG_OK;
}

/* ---- commands ---------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Starts argv with stdin and stderr on /dev/null and stdout on a pipe; no shell is involved. */
static jwg_err spawn(const source_ctx *c, pid_t *pid, int *out_fd)
{
    int fds[2];
    if (pipe(fds) != 0)
        return unavailable(c, "cannot create a pipe for", c->src->argv[0], errno);
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);

    /*
     * A daemon may run with standard streams closed, so pipe() can return
     * fd 0, 1 or 2. The write end is moved above them, because the file
     * actions below replace those descriptors in the child.
     */
    if (fds[1] < 3) {
        int moved = fcntl(fds[1], F_DUPFD_CLOEXEC, 3);
        int err = errno;
        close(fds[1]);
        if (moved < 0) {
            close(fds[0]);
            return unavailable(c, "cannot create a pipe for", c->src->argv[0], err);
        }
        fds[1] = moved;
    }

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);

    int err = posix_spawnp(pid, c->src->argv[0], &fa, NULL, c->src->argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (err != 0) {
        close(fds[0]);
        return unavailable(c, "cannot run", c->src->argv[0], err);
    }
    *out_fd = fds[0];
    return JWG_OK;
}

/* Reads the child's stdout until end of file, the deadline or the size cap, whichever comes first. */
static jwg_err collect(const source_ctx *c, int fd, int64_t deadline, key_bytes *out)
{
    const jwg_key_source *src = c->src;

    out->cap = src->max_output + 1;
    out->data = malloc(out->cap);
    JWG_ENSURE(out->data != NULL, JWG_ERR_NOMEM);

    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            jwg_detail_set(c->detail, c->detail_len, "%s: %s timed out after %lld s", c->where,
                           src->argv[0], (long long)(src->timeout_ms / 1000));
            return JWG_ERR_KEY_SOURCE_UNAVAILABLE;
        }

        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int ready = poll(&pfd, 1, (int)left);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            return unavailable(c, "cannot read the output of", src->argv[0], errno);
        if (ready == 0)
            continue;

        ssize_t n = read(fd, out->data + out->len, out->cap - out->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return unavailable(c, "cannot read the output of", src->argv[0], errno);
        if (n == 0)
            return JWG_OK;
        out->len += (size_t)n;
        if (out->len > src->max_output) {
            jwg_detail_set(c->detail, c->detail_len, "%s: %s wrote more than max_output (%zu bytes)",
                           c->where, src->argv[0], src->max_output);
            return JWG_ERR_KEY_SOURCE_UNAVAILABLE;
        }
    }
}

/*
 * Waits for the child until `deadline` (monotonic ms), then kills it: a
 * command that closed its stdout but keeps running is not waited for
 * forever. `kill_first` ends it at once because its output was rejected.
 * Returns its wait status and sets `*timed_out` when the deadline killed it.
 */
/*
 * Waits for the child until `deadline`, then kills it. `*status_lost` is set
 * when the exit status cannot be known: with SIGCHLD ignored the kernel reaps
 * the child itself and waitpid fails with ECHILD. The caller then fails
 * closed, because a secret manager that failed may have printed a wrong key.
 */
static int reap(pid_t pid, bool kill_first, int64_t deadline, bool *timed_out, bool *status_lost)
{
    int status = 0;

    *timed_out = false;
    *status_lost = false;
    while (!kill_first && now_ms() < deadline) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid)
            return status;
        if (done < 0 && errno != EINTR) {
            *status_lost = true;
            return status;
        }
        struct timespec pause = {.tv_sec = 0, .tv_nsec = 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }

    *timed_out = !kill_first;
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

static jwg_err run_exec(const source_ctx *c, key_bytes *out)
{
    pid_t pid;
    int fd;
    int64_t deadline = now_ms() + c->src->timeout_ms;
    JWG_TRY(spawn(c, &pid, &fd));

    jwg_err rc = collect(c, fd, deadline, out);
    close(fd);
    bool timed_out;
    bool status_lost;
    int status = reap(pid, rc != JWG_OK, deadline, &timed_out, &status_lost);
    if (rc != JWG_OK)
        return rc;

    if (status_lost) {
        jwg_detail_set(c->detail, c->detail_len,
                       "%s: the exit status of %s is unknown (the process ignores SIGCHLD), so its "
                       "output is not trusted: keep SIGCHLD at its default while loading policies",
                       c->where, c->src->argv[0]);
        return JWG_ERR_KEY_SOURCE_UNAVAILABLE;
    }

    if (timed_out) {
        jwg_detail_set(c->detail, c->detail_len, "%s: %s timed out after %lld s", c->where, c->src->argv[0],
                       (long long)(c->src->timeout_ms / 1000));
        return JWG_ERR_KEY_SOURCE_UNAVAILABLE;
    }
    if (WIFSIGNALED(status)) {
        jwg_detail_set(c->detail, c->detail_len, "%s: %s was killed by signal %d", c->where, c->src->argv[0],
                       WTERMSIG(status));
        return JWG_ERR_KEY_SOURCE_UNAVAILABLE;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        jwg_detail_set(c->detail, c->detail_len, "%s: %s exited with status %d", c->where, c->src->argv[0],
                       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return JWG_ERR_KEY_SOURCE_UNAVAILABLE;
    }
    out->data[out->len] = '\0';
    return JWG_OK;
}

/* ---- adding the keys --------------------------------------------------- */

/* Decodes a base64url secret, ignoring one trailing line break that shells and editors add. */
static jwg_err add_base64url_secret(const source_ctx *c, const key_bytes *in, jwg_keyset *ks)
{
    size_t len = in->len;
    if (len > 0 && in->data[len - 1] == '\n')
        len--;
    if (len > 0 && in->data[len - 1] == '\r')
        len--;

    size_t cap = len / 4 * 3 + 3;
    uint8_t *secret = malloc(cap);
    JWG_ENSURE(secret != NULL, JWG_ERR_NOMEM);

    size_t secret_len = 0;
    jwg_err rc = jwg_b64url_decode_secret((const char *)in->data, len, secret, cap, &secret_len);
    if (rc != JWG_OK)
        jwg_detail_set(c->detail, c->detail_len, "%s: the secret is not unpadded base64url", c->where);
    else
        rc = jwg_keyset_add_hmac(ks, secret, secret_len, c->src->alg, c->src->kid);
    jwg_wipe_free(secret, cap);
    return rc;
}

static jwg_err add_keys(const source_ctx *c, const key_bytes *in, jwg_keyset *ks)
{
    const jwg_key_source *src = c->src;
    const char *text = (const char *)in->data;

    switch (src->format) {
    case JWG_KF_PEM_PUBLIC: return jwg_keyset_add_pem_public(ks, text, in->len, src->alg, src->kid);
    case JWG_KF_PEM_CERT: return jwg_keyset_add_pem_cert(ks, text, in->len, src->alg, src->kid);
    case JWG_KF_JWK: return jwg_keyset_add_jwk(ks, text, in->len);
    case JWG_KF_JWKS: return jwg_keyset_add_jwks(ks, text, in->len);
    case JWG_KF_HMAC_RAW: return jwg_keyset_add_hmac(ks, in->data, in->len, src->alg, src->kid);
    default: return add_base64url_secret(c, in, ks);
    }
}

jwg_err jwg_key_source_load(const jwg_key_source *src, jwg_keyset *ks, const char *where, char *detail,
                            size_t detail_len)
{
    source_ctx c = {.src = src, .where = where, .detail = detail, .detail_len = detail_len};
    key_bytes bytes = {0};
    jwg_err rc;

    jwg_detail_set(detail, detail_len, "%s", "");
    switch (src->kind) {
    case JWG_KS_FILE: rc = read_file(&c, false, &bytes); break;
    case JWG_KS_HMAC_FILE: rc = read_file(&c, true, &bytes); break;
    case JWG_KS_ENV: rc = read_env(&c, &bytes); break;
    default: rc = run_exec(&c, &bytes); break;
    }

    if (rc == JWG_OK) {
        rc = add_keys(&c, &bytes, ks);
        /* The key set's own detail names the defect; it never contains key bytes. */
        if (rc != JWG_OK && rc != JWG_ERR_NOMEM && (detail == NULL || detail[0] == '\0'))
            jwg_detail_set(detail, detail_len, "%s: %s", where, jwg_keyset_detail(ks));
    }
    bytes_free(&bytes);
    return rc;
}
