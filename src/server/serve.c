/*
 * serve.c: start, signals, reload and stop of `jwtguard serve`. Signals are
 * blocked in every thread and taken with sigtimedwait() by the main thread,
 * so no code runs in a signal handler. The same loop runs the slow-client
 * sweeper once a second.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "policy_file_internal.h"
#include "server/http.h"
#include "server/redis_link.h"

#define SRV_DEFAULT_CONNECTIONS 1024u
#define SRV_DEFAULT_REQUEST_TIMEOUT_S 10u
#define SRV_DEFAULT_IDLE_TIMEOUT_S 60u
#define SRV_SECRET_MIN 16u
#define SRV_SECRET_MAX 4096u
/* Seconds a stop waits for requests in progress before closing connections. */
#define SRV_DRAIN_S 10

static void start_error(const char *what, const char *value, const char *todo)
{
    fprintf(stderr, "jwtguard: error: %s (%s): %s\n", what, value != NULL ? value : "", todo);
}

/* Prints a start-up error with its cause, such as strerror(), after what to do, as docs/CLI.md shows. */
static void start_error_cause(const char *what, const char *value, const char *todo, const char *cause)
{
    fprintf(stderr, "jwtguard: error: %s (%s): %s [%s]\n", what, value != NULL ? value : "", todo, cause);
}

/* Returns what to do when bind() or listen() failed with `err`. */
static const char *listen_advice(int err, bool is_unix)
{
    switch (err) {
    case EADDRINUSE:
        return is_unix ? "remove that file, which is not a socket, or choose another path with --listen unix:PATH"
                       : "stop the process that listens there, or choose another port with --listen";
    case EACCES:
        return is_unix ? "let this user write to the socket's directory, or choose another path"
                       : "choose a port from 1024 up, or grant the capability CAP_NET_BIND_SERVICE";
    case EADDRNOTAVAIL:
        return "listen on an address of this host";
    case ENOENT:
        return "create the socket's directory first";
    default:
        return "check the --listen value";
    }
}

/* ---- listen socket ---------------------------------------------------------- */

static int listen_unix(const char *path)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        start_error("Unix socket path is too long", path, "use a path of at most 107 bytes");
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct stat st;
    /* Replaces a stale socket left by a previous run, never another kind of file. */
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path);
    if (fd < 0 || bind(fd, (const struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 512) != 0) {
        int err = errno;
        start_error_cause("cannot listen on the Unix socket", path, listen_advice(err, true), strerror(err));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static bool is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
    return sa->sa_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
}

/* Splits "HOST:PORT" or "[HOST]:PORT" into `host` and `port`. */
static bool split_address(const char *addr, char *host, size_t cap, const char **port)
{
    const char *colon = strrchr(addr, ':');
    if (colon == NULL || colon[1] == '\0')
        return false;
    const char *h = addr;
    size_t n = (size_t)(colon - addr);
    if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
        h++;
        n -= 2;
    }
    if (n == 0 || n >= cap)
        return false;
    memcpy(host, h, n);
    host[n] = '\0';
    *port = colon + 1;
    return true;
}

static int listen_tcp(const char *addr, bool allow_remote)
{
    char host[256];
    const char *port;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
    struct addrinfo *ai = NULL;

    if (!split_address(addr, host, sizeof(host), &port) || getaddrinfo(host, port, &hints, &ai) != 0) {
        start_error("invalid listen address", addr, "use ADDR:PORT with a numeric address, [::1]:PORT or unix:PATH");
        return -1;
    }
    if (!is_loopback(ai->ai_addr) && !allow_remote) {
        start_error("listen address is not loopback", addr, "add --allow-remote to accept connections from other hosts");
        freeaddrinfo(ai);
        return -1;
    }
    if (!is_loopback(ai->ai_addr))
        fprintf(stderr, "jwtguard: warning: listening on %s, which is not loopback: make sure only the gateway "
                        "can connect, for example with --shared-secret-file\n", addr);

    int one = 1;
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 512) != 0) {
        int err = errno;
        start_error_cause("cannot listen", addr, listen_advice(err, false), strerror(err));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

static int open_listener(const srv_options *o)
{
    const char *listen_at = o->listen != NULL ? o->listen : SRV_DEFAULT_LISTEN;
    if (strncmp(listen_at, "unix:", 5) == 0)
        return listen_unix(listen_at + 5);
    return listen_tcp(listen_at, o->allow_remote);
}

/* Removes the Unix socket file at a clean stop, so that no stale socket refuses connections until a restart. */
static void remove_unix_socket(const srv_options *o)
{
    struct stat st;

    if (o->listen == NULL || strncmp(o->listen, "unix:", 5) != 0)
        return;
    if (lstat(o->listen + 5, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(o->listen + 5);
}

/* ---- shared secret ------------------------------------------------------- */

/*
 * Reads the secret file and keeps only its SHA-256. The secret is the file's
 * bytes without one trailing "\n": 16 to 4096 bytes without NUL. A file
 * that other users may read or write is rejected, because any account on
 * the host could then call the service as the gateway. Group access is
 * allowed so that a deployment group can own the file.
 */
static bool load_secret(const char *path, uint8_t digest[SRV_FP_LEN])
{
    char buf[SRV_SECRET_MAX + 1];
    struct stat st;
    char mode[16];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || fstat(fd, &st) != 0) {
        start_error_cause("cannot read the shared-secret file", path,
                          "check the path and that this user may read the file", strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    if ((st.st_mode & (S_IROTH | S_IWOTH)) != 0) {
        close(fd);
        snprintf(mode, sizeof(mode), "mode %04o", (unsigned)(st.st_mode & 07777));
        start_error_cause("shared-secret file is readable or writable by others", path, "run chmod o-rw on the file", mode);
        return false;
    }
    ssize_t n = read(fd, buf, sizeof(buf));
    int read_errno = errno;
    close(fd);
    if (n < 0) {
        start_error_cause("cannot read the shared-secret file", path,
                          "check the path and that this user may read the file", strerror(read_errno));
        return false;
    }

    size_t len = (size_t)n;
    if (len > 0 && buf[len - 1] == '\n')
        len--;
    bool ok = len >= SRV_SECRET_MIN && len <= SRV_SECRET_MAX && memchr(buf, '\0', len) == NULL;
    if (ok)
        SHA256((const unsigned char *)buf, len, digest);
    OPENSSL_cleanse(buf, sizeof(buf));
    if (!ok)
        start_error("invalid shared-secret file", path,
                    "write 16 to 4096 bytes without NUL on one line, for example with openssl rand -hex 32");
    return ok;
}

/* ---- readiness, reload ------------------------------------------------------ */

bool srv_ready(srv_server *s, srv_config *cfg)
{
    char detail[JWG_DETAIL_MAX];
    bool keys = jwg_verifier_keys_ready(cfg->verifier, (int64_t)time(NULL), detail, sizeof(detail)) == JWG_OK;
    atomic_store(&s->ready_keys, keys);
    return keys && srv_state_ready(s->state);
}

static void reload_failed(srv_server *s, const char *detail)
{
    atomic_fetch_add(&s->metrics.reload_failures, 1);
    srv_log_event(s->log, "reload_failed", detail);
    srv_log_flush(s->log);
    fprintf(stderr, "jwtguard: error: reload failed, the previous policy stays in use (%s)\n", detail);
}

/*
 * Returns true when the new configuration may replace the old one as far
 * as keys go: its key sets are usable, or the old ones are not either. A
 * reload during an outage of a key URL would otherwise turn every check
 * into 503 while the old keys still work.
 * NOTE: the check fetches the new key sets on the signal thread, so the
 * slow-client sweep waits up to the key sources' timeout.
 */
static bool keys_allow_swap(srv_config *old, srv_config *next, char *detail, size_t detail_len)
{
    char reason[JWG_DETAIL_MAX];
    char ignored[JWG_DETAIL_MAX];
    int64_t now = (int64_t)time(NULL);

    if (jwg_verifier_keys_ready(next->verifier, now, reason, sizeof(reason)) == JWG_OK)
        return true;
    if (jwg_verifier_keys_ready(old->verifier, now, ignored, sizeof(ignored)) != JWG_OK)
        return true;
    snprintf(detail, detail_len, "the new policy has no usable key set: %s", reason);
    return false;
}

static void reload(srv_server *s, const char *path)
{
    char detail[JWG_DETAIL_MAX + 64];
    srv_config *old = srv_server_config(s);
    srv_config *next = srv_config_load(path, old->generation + 1, detail, sizeof(detail));
    if (next == NULL) {
        reload_failed(s, detail);
        srv_config_unref(old);
        return;
    }
    if (!keys_allow_swap(old, next, detail, sizeof(detail))) {
        reload_failed(s, detail);
        srv_config_unref(next);
        srv_config_unref(old);
        return;
    }

    pthread_mutex_lock(&s->config_lock);
    s->config = next;
    pthread_mutex_unlock(&s->config_lock);
    /* The server's reference; requests still holding `old` finish with it. */
    srv_config_unref(old);
    srv_config_unref(old);
    srv_cache_flush(s->cache);
    atomic_fetch_add(&s->metrics.reloads, 1);
    srv_log_event(s->log, "reload", "policy and keys reloaded; the cache was flushed");
    srv_log_flush(s->log);
}

/* ---- state ------------------------------------------------------------------ */

/* The state's events (redis_error, redis_connected, ...) come without "time", which every event line has. */
static void state_log(void *arg, const char *json)
{
    srv_log_write_stamped(arg, json, strlen(json));
}

/*
 * Writes where the shared state lives for messages: the Redis address
 * without user or password, "local" without --redis, or "--redis" when the
 * URL cannot be parsed, because the URL may contain a password.
 */
static void describe_state(const char *redis_url, char *out, size_t cap)
{
    srv_redis_addr addr;
    char ignored[8];

    if (redis_url == NULL) {
        snprintf(out, cap, "local");
        return;
    }
    if (srv_redis_parse_url(redis_url, strlen(redis_url), &addr, ignored, sizeof(ignored)) == 0)
        srv_redis_describe(&addr, out, cap);
    else
        snprintf(out, cap, "--redis");
    OPENSSL_cleanse(&addr, sizeof(addr));
}

static bool start_state(srv_server *s, const srv_config *cfg, const srv_options *o)
{
    char detail[512];
    char where[400];
    srv_state_config sc = {
        .redis_url = o->redis_url,
        .key_prefix = cfg->gw.redis_prefix,
        .fail_open = cfg->gw.revocation_fail_open != 0,
        .anomaly = {.max_regions = cfg->gw.anomaly_max_regions,
                    .max_services = cfg->gw.anomaly_max_services,
                    .max_networks = cfg->gw.anomaly_max_networks,
                    .window_seconds = cfg->gw.anomaly_window,
                    .deny = cfg->gw.anomaly_deny != 0},
    };
    if (srv_state_new(&sc, state_log, s->log, &s->state, detail, sizeof(detail)) != 0) {
        describe_state(o->redis_url, where, sizeof(where));
        start_error("cannot set up the shared state", where, detail);
        return false;
    }
    return true;
}

/* ---- run -------------------------------------------------------------------- */

static void block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, set, NULL);
}

/* Waits for signals; returns on SIGTERM or SIGINT. */
static void signal_loop(srv_server *s, srv_http *h, const sigset_t *set, const char *policy_path)
{
    for (;;) {
        struct timespec tick = {1, 0};
        int sig = sigtimedwait(set, NULL, &tick);
        if (sig == SIGTERM || sig == SIGINT)
            return;
        if (sig == SIGHUP)
            reload(s, policy_path);
        srv_http_sweep(h);
    }
}

static void stop(srv_server *s, srv_http *h)
{
    srv_http_quiesce(h);
    srv_log_event(s->log, "stopping", "no longer accepting connections; finishing requests in progress");
    for (int i = 0; i < SRV_DRAIN_S * 10 && srv_http_in_flight(h) > 0; i++) {
        struct timespec pause = {0, 100000000};
        nanosleep(&pause, NULL);
    }
    srv_http_stop(h);
}

static void limits_from(const srv_options *o, const srv_config *cfg, srv_http_limits *lim)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    lim->threads = o->threads > 0 ? o->threads : (unsigned)(cpus > 2 ? cpus : 2);
    lim->max_connections = o->max_connections > 0 ? o->max_connections : SRV_DEFAULT_CONNECTIONS;
    lim->request_timeout_s = o->request_timeout_s > 0 ? o->request_timeout_s : SRV_DEFAULT_REQUEST_TIMEOUT_S;
    lim->idle_timeout_s = o->idle_timeout_s > 0 ? o->idle_timeout_s : SRV_DEFAULT_IDLE_TIMEOUT_S;
    /* Room for the largest token the policy accepts plus 8 KiB of other headers. */
    lim->header_limit = cfg->max_token_bytes + 8192;
}

static void server_free(srv_server *s)
{
    srv_config_unref(s->config);
    srv_state_free(s->state);
    srv_cache_free(s->cache);
    srv_log_close(s->log);
    pthread_mutex_destroy(&s->config_lock);
    free(s);
}

static void log_start(srv_server *s, const srv_options *o, const srv_http_limits *lim)
{
    srv_json j;
    size_t len;
    srv_json_begin(&j, "start");
    srv_json_str(&j, "listen", o->listen != NULL ? o->listen : SRV_DEFAULT_LISTEN);
    srv_json_str(&j, "policy", o->policy_path);
    srv_json_str(&j, "redis", o->redis_url != NULL ? "configured" : "none");
    srv_json_int(&j, "threads", lim->threads);
    srv_json_int(&j, "max_connections", lim->max_connections);
    srv_json_bool(&j, "shared_secret", s->secret_required);
    const char *text = srv_json_end(&j, &len);
    srv_log_write(s->log, text, len);
}

/*
 * Reports a policy that cannot be loaded. The loader's detail starts with
 * "PATH: " or "PATH:LINE:COLUMN: ", so that position becomes the message's
 * value, and the rest its cause.
 */
static void policy_error(const char *path, const char *detail)
{
    size_t path_len = strlen(path);
    const char *cause = detail;
    char position[JWG_DETAIL_MAX];

    snprintf(position, sizeof(position), "%s", path);
    if (strncmp(detail, path, path_len) == 0 && detail[path_len] == ':') {
        size_t end = path_len + strspn(detail + path_len, ":0123456789");
        while (end > path_len && detail[end - 1] != ':')
            end--;
        if (end > path_len && detail[end] == ' ') {
            snprintf(position, sizeof(position), "%.*s", (int)(end - 1), detail);
            cause = detail + end + 1;
        }
    }
    if (strstr(cause, "cannot open") != NULL)
        start_error_cause("cannot load the policy", position, "check the --policy path and that this user may read it",
                          cause);
    else
        start_error_cause("cannot load the policy", position,
                          "fix the file at that position, and run jwtguard policy lint FILE to list every problem",
                          cause);
}

/* Builds everything but the HTTP server; NULL after reporting the error. */
static srv_server *server_new(const srv_options *o)
{
    char detail[JWG_DETAIL_MAX];
    srv_server *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    pthread_mutex_init(&s->config_lock, NULL);

    s->log = srv_log_open(o->log_target);
    if (s->log == NULL)
        start_error_cause("cannot open the log", o->log_target,
                          "check that the directory exists and that this user may write there, or use --log -",
                          strerror(errno));
    bool ok = s->log != NULL;
    if (ok && o->shared_secret_file != NULL)
        ok = s->secret_required = load_secret(o->shared_secret_file, s->secret_digest);
    if (ok && (s->config = srv_config_load(o->policy_path, 1, detail, sizeof(detail))) == NULL) {
        policy_error(o->policy_path, detail);
        ok = false;
    }
    if (ok)
        ok = start_state(s, s->config, o);
    if (ok && (s->cache = srv_cache_new(s->config->gw.cache_max_entries)) == NULL)
        ok = false;
    if (!ok) {
        server_free(s);
        return NULL;
    }
    s->secret_header = s->config->gw.shared_secret_header;
    return s;
}

int srv_serve_run(const srv_options *o)
{
    sigset_t set;
    srv_http_limits lim;
    char detail[256];

    /* Blocked before any thread starts, so that every thread inherits the mask. */
    block_signals(&set);
    srv_server *s = server_new(o);
    if (s == NULL)
        return 2;

    int fd = open_listener(o);
    limits_from(o, s->config, &lim);
    srv_http *h = fd >= 0 ? srv_http_start(s, fd, &lim, detail, sizeof(detail)) : NULL;
    if (h == NULL) {
        if (fd >= 0) {
            start_error("cannot start the HTTP server", o->listen != NULL ? o->listen : SRV_DEFAULT_LISTEN, detail);
            close(fd);
        }
        server_free(s);
        return 2;
    }

    log_start(s, o, &lim);
    signal_loop(s, h, &set, o->policy_path);
    stop(s, h);
    close(fd);
    remove_unix_socket(o);
    srv_log_event(s->log, "stop", "stopped");
    server_free(s);
    return 0;
}
