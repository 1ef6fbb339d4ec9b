/*
 * http.c: the HTTP side of `jwtguard serve`, on h2o's HTTP/1.1 server
 * (libh2o-evloop). It runs one event loop per thread on the shared
 * listening socket. It maps each gateway's request to a decision and the
 * decision to a response. It also closes connections that send a request
 * (headers and body) too slowly.
 *
 * Threads: each loop thread owns the connections it accepted, and only it
 * touches them. The signal thread requests a sweep, a quiesce or a stop
 * through atomics that each loop reads at least every LOOP_WAIT_MS.
 */
/* accept4(2) is a Linux extension. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
/* libh2o-evloop is built on h2o's own epoll loop; the headers must know it to lay out its structures. */
#define H2O_USE_EPOLL 1
#include <h2o.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/http.h"

/* Largest request body accepted (Envoy's with_request_body); the body itself is ignored. */
#define SRV_BODY_MAX (64u * 1024u)

/* Under pressure (more than 3/4 of the connection slots used) a request gets this many seconds. */
#define SRV_PRESSURE_TIMEOUT_S 2

/* Maximum wait of a loop for events before it checks the signal thread's requests. */
#define LOOP_WAIT_MS 100

/* Connections accepted per readiness of the listening socket, so one loop cannot take them all. */
#define ACCEPT_BATCH 16

/* How long a loop stops accepting after accept4() ran out of descriptors or memory. */
#define ACCEPT_PAUSE_MS 100

/* How long a stopping loop waits for its connections to close. */
#define STOP_WAIT_MS 1000

typedef enum http_state { HTTP_RUNNING, HTTP_QUIESCED, HTTP_STOPPING } http_state;

typedef struct http_loop http_loop;

/*
 * One tracked connection. `since` and `in_request` are written by the loop
 * that owns it and read by the sweep of that same loop. The deadline counts
 * from `since` until the request (headers and body) is complete.
 */
typedef struct conn_slot {
    srv_http *h;
    http_loop *owner; /* NULL when the slot is free */
    int fd;
    int64_t since;   /* monotonic seconds since the connection waits for a request */
    bool in_request; /* the request is complete and being decided: never closed */
    bool swept;      /* shut down by the sweep; h2o closes it at its next read */
} conn_slot;

struct http_loop {
    srv_http *h;
    pthread_t thread;
    bool started;
    h2o_evloop_t *loop;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
    h2o_socket_t *listener; /* NULL once this loop accepts no more */
    /* Out of descriptors: the monotonic time to accept again; 0 while accepting. */
    uint64_t accept_resume_ns;
    unsigned connections; /* open connections owned by this loop */
    atomic_bool sweep_due;
};

typedef struct http_handler {
    h2o_handler_t super;
    srv_http *h;
} http_handler;

struct srv_http {
    srv_server *server;
    h2o_globalconf_t conf;
    bool conf_ready;
    int listen_fd;
    pthread_mutex_t lock; /* guards the free list and the `owner` of every slot */
    conn_slot *slots;
    size_t *free_list;
    size_t free_count;
    size_t slot_count;
    unsigned request_timeout_s;
    size_t header_limit;
    atomic_uint in_flight;
    atomic_int state; /* http_state */
    _Atomic int64_t rejected_logged_at; /* monotonic seconds of the last connection_rejected event */
    _Atomic int64_t paused_logged_at;   /* monotonic seconds of the last accept_paused event */
    http_loop *loops;
    unsigned loop_count;
};

static int64_t mono_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec;
}

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- connection slots ------------------------------------------------------- */

static conn_slot *slot_take(srv_http *h, http_loop *l, int fd)
{
    conn_slot *slot = NULL;

    pthread_mutex_lock(&h->lock);
    if (h->free_count > 0) {
        slot = &h->slots[h->free_list[--h->free_count]];
        slot->owner = l;
        slot->fd = fd;
        slot->since = mono_seconds();
        slot->in_request = false;
        slot->swept = false;
    }
    pthread_mutex_unlock(&h->lock);
    return slot;
}

/* h2o calls this after it closed the socket; the slot's loop is the caller. */
static void on_connection_closed(void *data)
{
    conn_slot *slot = data;
    srv_http *h = slot->h;

    slot->owner->connections--;
    pthread_mutex_lock(&h->lock);
    slot->owner = NULL;
    slot->fd = -1;
    h->free_list[h->free_count++] = (size_t)(slot - h->slots);
    pthread_mutex_unlock(&h->lock);
}

static h2o_socket_t *socket_of(h2o_req_t *req)
{
    return req->conn->callbacks->get_socket != NULL ? req->conn->callbacks->get_socket(req->conn) : NULL;
}

static conn_slot *slot_of(h2o_req_t *req)
{
    h2o_socket_t *sock = socket_of(req);
    return sock != NULL && sock->on_close.cb == on_connection_closed ? sock->on_close.data : NULL;
}

/*
 * Shuts down this loop's connections that are late with their request, or
 * all of them with `all`. Only the owning loop does this, so a descriptor is
 * never closed and reused under it. h2o reads end of file next and closes.
 */
static void sweep_loop(http_loop *l, bool all)
{
    srv_http *h = l->h;
    int64_t now = mono_seconds();

    pthread_mutex_lock(&h->lock);
    size_t used = h->slot_count - h->free_count;
    int64_t limit = used * 4 > h->slot_count * 3 ? SRV_PRESSURE_TIMEOUT_S : (int64_t)h->request_timeout_s;
    for (size_t i = 0; i < h->slot_count; i++) {
        conn_slot *slot = &h->slots[i];
        if (slot->owner != l || slot->swept || slot->in_request || (!all && now - slot->since <= limit))
            continue;
        shutdown(slot->fd, SHUT_RDWR);
        slot->swept = true;
        if (!all)
            atomic_fetch_add(&h->server->metrics.connections_closed_slow, 1);
    }
    pthread_mutex_unlock(&h->lock);
}

void srv_http_sweep(srv_http *h)
{
    for (unsigned i = 0; h != NULL && i < h->loop_count; i++)
        atomic_store(&h->loops[i].sweep_due, true);
}

/* ---- responses ------------------------------------------------------------- */

static const char *reason_phrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

static void add_header(h2o_req_t *req, const char *name, const char *value, size_t value_len)
{
    h2o_add_header_by_str(&req->pool, &req->res.headers, name, strlen(name), 0, NULL, value, value_len);
}

static int send_body(h2o_req_t *req, int status, const char *body, size_t len)
{
    req->res.status = status;
    req->res.reason = reason_phrase(status);
    req->res.content_length = len;
    h2o_send_inline(req, body, len);
    return 0;
}

static int answer_text(h2o_req_t *req, int status, const char *text)
{
    add_header(req, "Content-Type", H2O_STRLIT("text/plain; charset=utf-8"));
    add_header(req, "Cache-Control", H2O_STRLIT("no-store"));
    return send_body(req, status, text, strlen(text));
}

/* Adds the RFC 6750 3 challenge of a 401 or of a 403 for missing scopes. */
static void add_challenge(h2o_req_t *req, const srv_config *cfg, const srv_decision *d)
{
    const char *error = NULL;
    if (d->reason == SRV_REASON_TOKEN_INVALID || d->reason == SRV_REASON_REVOKED)
        error = "invalid_token";
    else if (d->reason == SRV_REASON_ROUTE_RULES)
        error = "insufficient_scope";
    else if (d->reason == SRV_REASON_INVALID_REQUEST)
        error = "invalid_request";
    else if (d->reason != SRV_REASON_TOKEN_MISSING)
        return;

    char value[512];
    int n;
    /* RFC 6750 3.1: a request without a token gets a challenge without an error attribute. */
    if (error == NULL)
        n = snprintf(value, sizeof(value), "Bearer realm=\"%s\"", cfg->gw.realm);
    else
        n = snprintf(value, sizeof(value), "Bearer realm=\"%s\", error=\"%s\"", cfg->gw.realm, error);
    if (n < 0 || (size_t)n >= sizeof(value))
        return;
    h2o_iovec_t copy = h2o_strdup(&req->pool, value, (size_t)n);
    add_header(req, "WWW-Authenticate", copy.base, copy.len);
}

/* Adds every identity header on an allow; an absent claim goes out with an empty value. */
static void add_identity(h2o_req_t *req, const srv_config *cfg, const srv_entry *e)
{
    size_t n = jwg_policy_file_identity_header_count(cfg->pf);
    for (size_t i = 0; i < n && i < e->header_count; i++) {
        const char *claim;
        const char *header;
        if (jwg_policy_file_identity_header(cfg->pf, i, &claim, &header) != JWG_OK)
            continue;
        add_header(req, header, e->header_values[i], strlen(e->header_values[i]));
    }
}

static void answer_decision(h2o_req_t *req, const srv_config *cfg, const srv_decision *d)
{
    add_header(req, "Cache-Control", H2O_STRLIT("no-store"));
    if (d->reason == SRV_REASON_OK && d->entry != NULL)
        add_identity(req, cfg, d->entry);
    add_challenge(req, cfg, d);
    send_body(req, srv_reason_status(d->reason), "", 0);
}

/* ---- requests ---------------------------------------------------------------- */

/*
 * Returns a NUL-terminated copy, in the request's pool, of the first header
 * called `name` (any case), and counts the headers of that name in `count`
 * when given; NULL when absent.
 */
static const char *header_n(h2o_req_t *req, const char *name, unsigned *count)
{
    const char *value = NULL;
    size_t name_len = name != NULL ? strlen(name) : 0;

    for (size_t i = 0; name_len > 0 && i < req->headers.size; i++) {
        const h2o_header_t *e = &req->headers.entries[i];
        if (e->name->len != name_len || strncasecmp(e->name->base, name, name_len) != 0)
            continue;
        if (value == NULL)
            value = h2o_strdup(&req->pool, e->value.base, e->value.len).base;
        if (count == NULL)
            break;
        (*count)++;
    }
    return value;
}

static const char *header(h2o_req_t *req, const char *name)
{
    return header_n(req, name, NULL);
}

/* Writes the peer's address as text; NULL for a Unix socket peer. */
static const char *peer_address(h2o_req_t *req, char *out, size_t cap)
{
    struct sockaddr_storage ss;
    struct sockaddr *sa = (struct sockaddr *)&ss;
    if (req->conn->callbacks->get_peername == NULL || req->conn->callbacks->get_peername(req->conn, sa) == 0)
        return NULL;
    if (sa->sa_family == AF_INET)
        return inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)cap);
    if (sa->sa_family == AF_INET6)
        return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)cap);
    return NULL;
}

/* Fills the parts of a request that every gateway sends the same way. */
static void common_fields(h2o_req_t *req, const srv_config *cfg, srv_request *rq, char *peer, size_t cap)
{
    rq->authorization = header_n(req, "Authorization", &rq->authorization_count);
    rq->cookie = header(req, "Cookie");
    rq->region = header(req, cfg->gw.region_header);
    rq->service = header(req, cfg->gw.service_header);
    rq->client_address = cfg->gw.client_address_header != NULL ? header(req, cfg->gw.client_address_header)
                                                               : peer_address(req, peer, cap);
}

static void set_target(srv_request *rq, const char *target)
{
    rq->target = target;
    rq->target_len = target != NULL ? strlen(target) : 0;
}

/*
 * Sets "NAME=VALUE" from the Envoy check request's own query, where Envoy
 * puts the original one: the first parameter called `name`, as sent.
 */
static void envoy_token_query(h2o_iovec_t query, const char *name, srv_request *rq)
{
    size_t name_len = strlen(name);
    size_t i = 0;

    while (i < query.len) {
        const char *amp = memchr(query.base + i, '&', query.len - i);
        size_t end = amp != NULL ? (size_t)(amp - query.base) : query.len;
        if (end - i > name_len && memcmp(query.base + i, name, name_len) == 0 && query.base[i + name_len] == '=') {
            rq->extra_query = query.base + i;
            rq->extra_query_len = end - i;
            return;
        }
        i = end + 1;
    }
}

/*
 * Checks the shared-secret header. When a secret is required, a request
 * that carries the header more than once is rejected, so the result never
 * depends on which copy a gateway or this service reads.
 */
static bool caller_allowed(srv_http *h, h2o_req_t *req)
{
    unsigned count = 0;
    const char *value = header_n(req, h->server->secret_header, &count);
    return srv_caller_allowed(h->server, value) && (count <= 1 || !h->server->secret_required);
}

static int authorize(srv_http *h, h2o_req_t *req, srv_request *rq, h2o_iovec_t query)
{
    srv_server *s = h->server;
    srv_config *cfg = srv_server_config(s);
    srv_decision d;
    char peer[INET6_ADDRSTRLEN];
    uint64_t start = mono_ns();

    common_fields(req, cfg, rq, peer, sizeof(peer));
    if (strcmp(rq->endpoint, "envoy") == 0 && cfg->token_from == JWG_TOKEN_FROM_QUERY)
        envoy_token_query(query, cfg->token_name, rq);

    if (!caller_allowed(h, req)) {
        memset(&d, 0, sizeof(d));
        d.route = -1;
        d.reason = SRV_REASON_CALLER_REJECTED;
        snprintf(d.detail, sizeof(d.detail), "the shared-secret header %s is missing, wrong or repeated",
                 s->secret_header);
    } else {
        srv_decide(s, cfg, rq, &d);
    }

    answer_decision(req, cfg, &d);
    srv_decision_record(s, cfg, rq, &d, mono_ns() - start);
    srv_entry_unref(d.entry);
    srv_config_unref(cfg);
    return 0;
}

static int metrics(srv_http *h, h2o_req_t *req)
{
    if (!caller_allowed(h, req))
        return answer_text(req, 403, "forbidden: shared-secret header missing, wrong or repeated\n");

    size_t len;
    char *text = srv_metrics_render(h->server, &len);
    if (text == NULL)
        return answer_text(req, 500, "out of memory\n");
    add_header(req, "Content-Type", H2O_STRLIT("text/plain; version=0.0.4; charset=utf-8"));
    send_body(req, 200, text, len);
    free(text);
    return 0;
}

static int ready(srv_http *h, h2o_req_t *req)
{
    srv_config *cfg = srv_server_config(h->server);
    bool ok = srv_ready(h->server, cfg);
    srv_config_unref(cfg);
    return ok ? answer_text(req, 200, "ready\n") : answer_text(req, 503, "not ready\n");
}

#define ENVOY_PREFIX "/auth/envoy"

static bool path_is(h2o_iovec_t path, const char *name)
{
    return h2o_memis(path.base, path.len, name, strlen(name));
}

static int dispatch(srv_http *h, h2o_req_t *req, h2o_iovec_t path, h2o_iovec_t query)
{
    srv_request rq;
    memset(&rq, 0, sizeof(rq));

    if (path_is(path, "/auth/nginx")) {
        /* nginx's auth subrequest is always GET on this URI: the original request comes in headers. */
        rq.endpoint = "nginx";
        rq.method = header(req, "X-Original-Method");
        const char *target = header(req, "X-Original-URI");
        set_target(&rq, target != NULL ? target : header(req, "X-Original-URL"));
        return authorize(h, req, &rq, query);
    }
    if (path_is(path, "/auth/forward")) {
        rq.endpoint = "forward";
        rq.method = header(req, "X-Forwarded-Method");
        set_target(&rq, header(req, "X-Forwarded-Uri"));
        return authorize(h, req, &rq, query);
    }
    size_t plen = sizeof(ENVOY_PREFIX) - 1;
    if (path.len >= plen && memcmp(path.base, ENVOY_PREFIX, plen) == 0 && (path.len == plen || path.base[plen] == '/')) {
        /* Envoy replays the original method, and the original path after path_prefix. */
        rq.endpoint = "envoy";
        rq.method = h2o_strdup(&req->pool, req->input.method.base, req->input.method.len).base;
        set_target(&rq, path.len == plen ? "/" : h2o_strdup(&req->pool, path.base + plen, path.len - plen).base);
        return authorize(h, req, &rq, query);
    }
    if (path_is(path, "/healthz"))
        return answer_text(req, 200, "ok\n");
    if (path_is(path, "/readyz"))
        return ready(h, req);
    if (path_is(path, "/metrics"))
        return metrics(h, req);
    return answer_text(req, 404, "not found: the endpoints are /auth/nginx, /auth/forward, /auth/envoy/..., "
                                 "/healthz, /readyz and /metrics\n");
}

/* Returns the size of the request line and the headers that h2o keeps in `req`, near enough to bound them. */
static size_t head_size(const h2o_req_t *req)
{
    size_t n = req->input.method.len + req->input.path.len + req->input.authority.len + 12;
    for (size_t i = 0; i < req->headers.size; i++)
        n += req->headers.entries[i].name->len + req->headers.entries[i].value.len + 4;
    return n;
}

/*
 * The request head as received. h2o keeps neither Content-Length nor
 * Transfer-Encoding in req->headers, and drops an obs-fold line into a
 * header without a name, so these are read from the raw head.
 */
typedef struct head_scan {
    size_t size;                /* request line, header lines and the empty line, in bytes */
    unsigned content_length;    /* Content-Length lines */
    unsigned transfer_encoding; /* Transfer-Encoding lines */
    bool obs_fold;              /* a line that continues the previous header (RFC 9112 5.2) */
} head_scan;

static bool line_names(const char *line, size_t len, const char *name)
{
    size_t n = strlen(name);
    return len > n && line[n] == ':' && strncasecmp(line, name, n) == 0;
}

static void scan_line(const char *line, size_t len, head_scan *out)
{
    if (line[0] == ' ' || line[0] == '\t')
        out->obs_fold = true;
    else if (line_names(line, len, "content-length"))
        out->content_length++;
    else if (line_names(line, len, "transfer-encoding"))
        out->transfer_encoding++;
}

/*
 * Scans a head that h2o's parser (picohttpparser) already accepted, so
 * lines end in LF or CRLF and names end at ':'. Empty lines before the
 * request line are skipped, as the parser does. Returns false when `buf`
 * contains no whole head.
 */
static bool scan_head(const char *buf, size_t len, head_scan *out)
{
    bool request_line = true;
    size_t pos = 0;

    memset(out, 0, sizeof(*out));
    while (pos < len) {
        const char *lf = memchr(buf + pos, '\n', len - pos);
        if (lf == NULL)
            return false;
        const char *line = buf + pos;
        size_t line_len = (size_t)(lf - line);
        if (line_len > 0 && line[line_len - 1] == '\r')
            line_len--;
        pos = (size_t)(lf - buf) + 1;

        if (line_len == 0 && !request_line) {
            out->size = pos;
            return true;
        }
        if (line_len > 0 && !request_line)
            scan_line(line, line_len, out);
        if (line_len > 0)
            request_line = false;
    }
    return false;
}

/*
 * Reads the raw head of `req`: h2o's input buffer still starts with it
 * while the handler runs, because h2o consumes a request's bytes only after
 * its response is sent (lib/http1.c of h2o 2.2.5, on_send_complete).
 */
static bool raw_head(h2o_req_t *req, head_scan *out)
{
    h2o_socket_t *sock = socket_of(req);
    return sock != NULL && sock->input != NULL && scan_head(sock->input->bytes, sock->input->size, out);
}

/*
 * Returns true for the framing that RFC 9112 makes ambiguous: 6.3
 * (Content-Length with Transfer-Encoding, several Content-Length lines),
 * 6.1 (Transfer-Encoding in HTTP/1.0) and 5.2 (obs-fold).
 */
static bool framing_ambiguous(const h2o_req_t *req, const head_scan *scan)
{
    return scan->obs_fold || scan->content_length > 1 || scan->transfer_encoding > 1 ||
           (scan->transfer_encoding > 0 && (scan->content_length > 0 || req->version < 0x101));
}

/*
 * Rejects a head with ambiguous framing with 400 and closes the connection,
 * because h2o 2.2.5 accepts it and picks one reading, which may differ from
 * the gateway's. Rejects a head over the policy's bound with 431. Returns
 * true when it sent a response.
 */
static bool reject_head(srv_http *h, h2o_req_t *req)
{
    head_scan scan;
    bool scanned = raw_head(req, &scan);
    size_t size = scanned ? scan.size : head_size(req);

    if (scanned && framing_ambiguous(req, &scan)) {
        req->http1_is_persistent = 0;
        answer_text(req, 400, "bad request: ambiguous message framing or a folded header line\n");
        return true;
    }
    /* h2o takes up to H2O_MAX_REQLEN; the policy's bound is the token size plus 8 KiB. */
    if (size > h->header_limit) {
        answer_text(req, 431, "request header fields too large\n");
        return true;
    }
    return false;
}

/*
 * Returns the origin form of an absolute-form target: "http://host/p?q"
 * gives "/p?q". RFC 9112 3.2.2 requires a server to accept that form, and
 * h2o 2.2.5 passes it on as sent. Other targets are returned unchanged.
 */
static h2o_iovec_t origin_form(h2o_req_t *req, h2o_iovec_t target)
{
    size_t i;
    if (target.len >= 7 && strncasecmp(target.base, "http://", 7) == 0)
        i = 7;
    else if (target.len >= 8 && strncasecmp(target.base, "https://", 8) == 0)
        i = 8;
    else
        return target;

    while (i < target.len && target.base[i] != '/' && target.base[i] != '?')
        i++;
    h2o_iovec_t rest = h2o_iovec_init(target.base + i, target.len - i);
    if (rest.len > 0 && rest.base[0] == '/')
        return rest;
    return h2o_concat(&req->pool, h2o_iovec_init(H2O_STRLIT("/")), rest);
}

static int on_request(h2o_handler_t *self, h2o_req_t *req)
{
    srv_http *h = ((http_handler *)self)->h;
    conn_slot *slot = slot_of(req);

    if (reject_head(h, req))
        return 0;

    /* The raw target: the decision core percent-decodes the path once, with its own rules. */
    h2o_iovec_t path = origin_form(req, req->input.path);
    h2o_iovec_t query = {NULL, 0};
    const char *mark = memchr(path.base, '?', path.len);
    if (mark != NULL) {
        query = h2o_iovec_init(mark + 1, path.len - (size_t)(mark - path.base) - 1);
        path.len = (size_t)(mark - path.base);
    }

    if (slot != NULL)
        slot->in_request = true;
    atomic_fetch_add(&h->in_flight, 1);
    int ret = dispatch(h, req, path, query);
    atomic_fetch_sub(&h->in_flight, 1);
    if (slot != NULL) {
        slot->since = mono_seconds();
        slot->in_request = false;
    }
    return ret;
}

/* ---- loops ------------------------------------------------------------------- */

/* Minimum seconds between two events of one kind about accepting; the metrics count every case. */
#define ACCEPT_LOG_INTERVAL_S 60

/* Writes an event at most once per ACCEPT_LOG_INTERVAL_S for the timestamp `logged_at`. */
static void log_accept_event(srv_http *h, _Atomic int64_t *logged_at, const char *event, const char *message)
{
    int64_t now = mono_seconds();
    int64_t last = atomic_load(logged_at);

    if (last != 0 && now - last < ACCEPT_LOG_INTERVAL_S)
        return;
    if (atomic_compare_exchange_strong(logged_at, &last, now))
        srv_log_event(h->server->log, event, message);
}

static void reject_connection(http_loop *l, int fd)
{
    srv_http *h = l->h;
    char message[200];

    close(fd);
    atomic_fetch_add(&h->server->metrics.connections_rejected, 1);
    snprintf(message, sizeof(message),
             "every --max-connections slot (%zu) is in use, so a new connection was closed: raise --max-connections",
             h->slot_count);
    log_accept_event(h, &h->rejected_logged_at, "connection_rejected", message);
}

static void pause_accepting(http_loop *l, h2o_socket_t *listener, int err)
{
    srv_http *h = l->h;
    char message[200];

    /* The listener stays readable while the connection waits in the backlog, so an immediate retry would spin. */
    h2o_socket_read_stop(listener);
    l->accept_resume_ns = mono_ns() + ACCEPT_PAUSE_MS * 1000000u;
    atomic_fetch_add(&h->server->metrics.accept_pauses, 1);
    snprintf(message, sizeof(message),
             "accept failed (%s), so accepting pauses for %u ms: raise the descriptor limit (ulimit -n) above "
             "--max-connections",
             strerror(err), ACCEPT_PAUSE_MS);
    log_accept_event(h, &h->paused_logged_at, "accept_paused", message);
}

static void set_nodelay(int fd)
{
    int on = 1;
    /* Fails on a Unix socket, where there is no Nagle delay to turn off. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

static void accept_one(http_loop *l, int fd)
{
    conn_slot *slot = slot_take(l->h, l, fd);
    if (slot == NULL) {
        reject_connection(l, fd);
        return;
    }

    set_nodelay(fd);
    h2o_socket_t *sock = h2o_evloop_socket_create(l->loop, fd, H2O_SOCKET_FLAG_IS_ACCEPTED_CONNECTION);
    sock->on_close.cb = on_connection_closed;
    sock->on_close.data = slot;
    l->connections++;
    h2o_accept(&l->accept_ctx, sock);
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
    http_loop *l = listener->data;
    if (err != NULL)
        return;

    for (int i = 0; i < ACCEPT_BATCH; i++) {
        int fd = accept4(l->h->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            accept_one(l, fd);
            continue;
        }
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
            pause_accepting(l, listener, errno);
        return;
    }
}

static bool listener_open(http_loop *l)
{
    int fd = dup(l->h->listen_fd);
    if (fd < 0)
        return false;
    l->listener = h2o_evloop_socket_create(l->loop, fd, H2O_SOCKET_FLAG_DONT_READ);
    l->listener->data = l;
    h2o_socket_read_start(l->listener, on_accept);
    return true;
}

static void listener_close(http_loop *l)
{
    if (l->listener == NULL)
        return;
    h2o_socket_read_stop(l->listener);
    h2o_socket_close(l->listener);
    l->listener = NULL;
}

/* Acts on what the signal thread requested since the last wake-up. */
static void loop_housekeeping(http_loop *l, int state)
{
    if (state != HTTP_RUNNING)
        listener_close(l);
    if (l->accept_resume_ns != 0 && l->listener != NULL && mono_ns() >= l->accept_resume_ns) {
        l->accept_resume_ns = 0;
        h2o_socket_read_start(l->listener, on_accept);
    }
    /* A plain load first: this runs after every batch of events, and a sweep is due once a second. */
    if (atomic_load(&l->sweep_due) && atomic_exchange(&l->sweep_due, false))
        sweep_loop(l, false);
}

static void *loop_main(void *arg)
{
    http_loop *l = arg;
    int state;

    while ((state = atomic_load(&l->h->state)) != HTTP_STOPPING) {
        h2o_evloop_run(l->loop, LOOP_WAIT_MS);
        loop_housekeeping(l, state);
    }

    /* Stopping: close every connection, and give h2o the time to see each close. */
    listener_close(l);
    sweep_loop(l, true);
    for (int waited = 0; l->connections > 0 && waited < STOP_WAIT_MS; waited += 10)
        h2o_evloop_run(l->loop, 10);
    return NULL;
}

static bool loop_init(srv_http *h, http_loop *l)
{
    l->h = h;
    l->loop = h2o_evloop_create();
    if (l->loop == NULL)
        return false;
    h2o_context_init(&l->ctx, l->loop, &h->conf);
    l->accept_ctx.ctx = &l->ctx;
    l->accept_ctx.hosts = h->conf.hosts;
    return listener_open(l);
}

/* ---- start and stop ---------------------------------------------------------- */

static bool conf_init(srv_http *h, const srv_http_limits *lim)
{
    h2o_config_init(&h->conf);
    h->conf_ready = true;
    /* No Server header, because the version is useful only to an attacker. */
    h->conf.server_name = h2o_iovec_init("", 0);
    h->conf.max_request_entity_size = SRV_BODY_MAX;
    /* HTTP/1.1 only: no h2c upgrade and no HTTP/2 prior knowledge. */
    h->conf.http1.upgrade_to_http2 = 0;
    /*
     * h2o's own timer counts from a connection's start or previous response.
     * The sweep closes the connection first when --request-timeout is shorter.
     */
    h->conf.http1.req_timeout = (uint64_t)lim->idle_timeout_s * 1000u;

    h2o_hostconf_t *host = h2o_config_register_host(&h->conf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
    http_handler *handler = (http_handler *)h2o_create_handler(path, sizeof(*handler));
    if (handler == NULL)
        return false;
    handler->super.on_req = on_request;
    handler->h = h;
    return true;
}

static bool slots_init(srv_http *h, const srv_http_limits *lim)
{
    h->slot_count = lim->max_connections;
    h->slots = calloc(h->slot_count, sizeof(*h->slots));
    h->free_list = calloc(h->slot_count, sizeof(*h->free_list));
    if (h->slots == NULL || h->free_list == NULL)
        return false;
    for (size_t i = 0; i < h->slot_count; i++) {
        h->slots[i].h = h;
        h->slots[i].fd = -1;
        h->free_list[h->free_count++] = h->slot_count - 1 - i;
    }
    return true;
}

static bool loops_start(srv_http *h, unsigned threads)
{
    h->loops = calloc(threads, sizeof(*h->loops));
    if (h->loops == NULL)
        return false;
    h->loop_count = threads;
    for (unsigned i = 0; i < threads; i++) {
        if (!loop_init(h, &h->loops[i]))
            return false;
    }
    for (unsigned i = 0; i < threads; i++) {
        if (pthread_create(&h->loops[i].thread, NULL, loop_main, &h->loops[i]) != 0)
            return false;
        h->loops[i].started = true;
    }
    return true;
}

srv_http *srv_http_start(srv_server *server, int listen_fd, const srv_http_limits *lim, char *detail,
                         size_t detail_len)
{
    srv_http *h = calloc(1, sizeof(*h));
    if (h == NULL) {
        snprintf(detail, detail_len, "out of memory");
        return NULL;
    }
    h->server = server;
    h->listen_fd = listen_fd;
    h->request_timeout_s = lim->request_timeout_s;
    h->header_limit = lim->header_limit;
    pthread_mutex_init(&h->lock, NULL);
    atomic_store(&h->state, HTTP_RUNNING);

    int flags = fcntl(listen_fd, F_GETFL);
    bool ok = flags >= 0 && fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK) == 0;
    ok = ok && slots_init(h, lim) && conf_init(h, lim) && loops_start(h, lim->threads);
    if (!ok) {
        snprintf(detail, detail_len, "the HTTP server did not start (threads %u, connections %u): %s", lim->threads,
                 lim->max_connections, strerror(errno));
        srv_http_stop(h);
        return NULL;
    }
    return h;
}

void srv_http_quiesce(srv_http *h)
{
    if (h != NULL)
        atomic_store(&h->state, HTTP_QUIESCED);
}

unsigned srv_http_in_flight(srv_http *h)
{
    return atomic_load(&h->in_flight);
}

static void loop_free(http_loop *l)
{
    if (l->loop == NULL)
        return;
    /* A loop whose connections did not all close keeps its memory: h2o would touch freed sockets. */
    if (l->connections > 0)
        return;
    listener_close(l);
    h2o_context_dispose(&l->ctx);
    h2o_evloop_destroy(l->loop);
}

void srv_http_stop(srv_http *h)
{
    if (h == NULL)
        return;

    atomic_store(&h->state, HTTP_STOPPING);
    for (unsigned i = 0; i < h->loop_count; i++) {
        if (h->loops[i].started)
            pthread_join(h->loops[i].thread, NULL);
    }
    for (unsigned i = 0; i < h->loop_count; i++)
        loop_free(&h->loops[i]);
    if (h->conf_ready)
        h2o_config_dispose(&h->conf);
    pthread_mutex_destroy(&h->lock);
    free(h->loops);
    free(h->slots);
    free(h->free_list);
    free(h);
}
