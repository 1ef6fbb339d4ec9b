/*
 * http.c: the HTTP side of `jwtguard serve` on libmicrohttpd: endpoints,
 * request reconstruction per gateway, responses, and the tracking of
 * connections that closes those sending a request (headers and body) too
 * slowly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "server/http.h"

/* Largest request body accepted (Envoy's with_request_body); the body itself is ignored. */
#define SRV_BODY_MAX (64u * 1024u)

/* Under pressure (more than 3/4 of the connection slots used) a request header gets this many seconds. */
#define SRV_PRESSURE_TIMEOUT_S 2

/*
 * One tracked connection. `since` and `in_request` are written by its MHD
 * thread and read by the sweeper. The deadline counts from `since` until the
 * request (headers and body) is complete, so a slow body holds no slot.
 */
typedef struct conn_slot {
    bool used;
    int fd;
    _Atomic int64_t since; /* monotonic seconds since the connection waits for a request */
    atomic_bool in_request; /* the request is complete and being decided: never closed */
    uint64_t body_bytes;
} conn_slot;

struct srv_http {
    struct MHD_Daemon *daemon;
    srv_server *server;
    pthread_mutex_t lock; /* guards `used` and `fd` of every slot, and the free list */
    conn_slot *slots;
    size_t *free_list;
    size_t free_count;
    size_t slot_count;
    unsigned request_timeout_s;
    atomic_uint in_flight;
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

/* ---- connection tracking ------------------------------------------------- */

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    srv_http *h = cls;
    pthread_mutex_lock(&h->lock);
    if (code == MHD_CONNECTION_NOTIFY_STARTED && h->free_count > 0) {
        conn_slot *slot = &h->slots[h->free_list[--h->free_count]];
        const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        slot->used = true;
        slot->fd = info != NULL ? info->connect_fd : -1;
        atomic_store(&slot->since, mono_seconds());
        atomic_store(&slot->in_request, false);
        *socket_context = slot;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context != NULL) {
        /* MHD closes the socket after this returns, so the sweeper never shuts down a reused fd. */
        conn_slot *slot = *socket_context;
        slot->used = false;
        slot->fd = -1;
        h->free_list[h->free_count++] = (size_t)(slot - h->slots);
        *socket_context = NULL;
    }
    pthread_mutex_unlock(&h->lock);
}

static conn_slot *slot_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info != NULL ? info->socket_context : NULL;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)code;
    conn_slot *slot = slot_of(c);
    if (slot != NULL) {
        atomic_store(&slot->since, mono_seconds());
        atomic_store(&slot->in_request, false);
    }
    *req_cls = NULL;
}

void srv_http_sweep(srv_http *h)
{
    int64_t now = mono_seconds();
    pthread_mutex_lock(&h->lock);
    size_t used = h->slot_count - h->free_count;
    int64_t limit = used * 4 > h->slot_count * 3 ? SRV_PRESSURE_TIMEOUT_S : (int64_t)h->request_timeout_s;
    for (size_t i = 0; i < h->slot_count; i++) {
        conn_slot *slot = &h->slots[i];
        if (!slot->used || slot->fd < 0 || atomic_load(&slot->in_request) || now - atomic_load(&slot->since) <= limit)
            continue;
        /* MHD reads end of file on its next read and closes the connection itself. */
        shutdown(slot->fd, SHUT_RDWR);
        atomic_store(&slot->since, INT64_MAX / 2);
        atomic_fetch_add(&h->server->metrics.connections_closed_slow, 1);
    }
    pthread_mutex_unlock(&h->lock);
}

/* ---- responses ------------------------------------------------------------- */

static enum MHD_Result answer_text(struct MHD_Connection *c, unsigned status, const char *text)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Adds the RFC 6750 3 challenge of a 401 or of a 403 for missing scopes. */
static void add_challenge(struct MHD_Response *r, const srv_config *cfg, const srv_decision *d)
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
    /* RFC 6750 3.1: a request without a token gets a challenge without an error attribute. */
    if (error == NULL)
        snprintf(value, sizeof(value), "Bearer realm=\"%s\"", cfg->gw.realm);
    else
        snprintf(value, sizeof(value), "Bearer realm=\"%s\", error=\"%s\"", cfg->gw.realm, error);
    MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, value);
}

/*
 * Adds every identity header on an allow. MHD 0.9.75 rejects an empty
 * header value, so an absent claim is sent as one space, which HTTP
 * parsers strip (RFC 7230 3.2.4), and the gateway receives an empty value.
 */
static void add_identity(struct MHD_Response *r, const srv_config *cfg, const srv_entry *e)
{
    size_t n = jwg_policy_file_identity_header_count(cfg->pf);
    for (size_t i = 0; i < n && i < e->header_count; i++) {
        const char *claim;
        const char *header;
        if (jwg_policy_file_identity_header(cfg->pf, i, &claim, &header) != JWG_OK)
            continue;
        const char *value = e->header_values[i][0] != '\0' ? e->header_values[i] : " ";
        MHD_add_response_header(r, header, value);
    }
}

static enum MHD_Result answer_decision(struct MHD_Connection *c, const srv_config *cfg, const srv_decision *d)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (d->reason == SRV_REASON_OK && d->entry != NULL)
        add_identity(r, cfg, d->entry);
    add_challenge(r, cfg, d);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)srv_reason_status(d->reason), r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- endpoints ------------------------------------------------------------- */

static const char *header(struct MHD_Connection *c, const char *name)
{
    return name != NULL ? MHD_lookup_connection_value(c, MHD_HEADER_KIND, name) : NULL;
}

/* Writes the peer's address as text; NULL for a Unix socket peer. */
static const char *peer_address(struct MHD_Connection *c, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL)
        return NULL;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET)
        return inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)cap);
    if (sa->sa_family == AF_INET6)
        return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)cap);
    return NULL;
}

static enum MHD_Result count_authorization(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    (void)value;
    if (strcasecmp(key, MHD_HTTP_HEADER_AUTHORIZATION) == 0)
        (*(unsigned *)cls)++;
    return MHD_YES;
}

/* Fills the parts of a request that every gateway sends the same way. */
static void common_fields(struct MHD_Connection *c, const srv_config *cfg, srv_request *rq, char *peer, size_t cap)
{
    rq->authorization = header(c, MHD_HTTP_HEADER_AUTHORIZATION);
    if (rq->authorization != NULL)
        MHD_get_connection_values(c, MHD_HEADER_KIND, count_authorization, &rq->authorization_count);
    rq->cookie = header(c, MHD_HTTP_HEADER_COOKIE);
    rq->region = header(c, cfg->gw.region_header);
    rq->service = header(c, cfg->gw.service_header);
    rq->client_address = cfg->gw.client_address_header != NULL ? header(c, cfg->gw.client_address_header)
                                                               : peer_address(c, peer, cap);
}

static void set_target(srv_request *rq, const char *target)
{
    rq->target = target;
    rq->target_len = target != NULL ? strlen(target) : 0;
}

/*
 * Rebuilds "NAME=VALUE" from the Envoy check request's own query, where Envoy
 * puts the original one and MHD keeps it apart from the path. The buffer is
 * sized from the value, which the request header limit (token.max_bytes plus
 * 8 KiB) bounds. Returns it (the caller frees it), or NULL when absent.
 */
static char *envoy_token_query(struct MHD_Connection *c, const srv_config *cfg, srv_request *rq)
{
    const char *value = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, cfg->token_name);
    if (value == NULL)
        return NULL;

    size_t cap = strlen(cfg->token_name) + 1 + strlen(value) + 1;
    char *query = malloc(cap);
    if (query == NULL)
        return NULL;
    int n = snprintf(query, cap, "%s=%s", cfg->token_name, value);
    rq->extra_query = query;
    rq->extra_query_len = (size_t)n;
    return query;
}

static enum MHD_Result authorize(srv_http *h, struct MHD_Connection *c, srv_request *rq, const char *secret)
{
    srv_server *s = h->server;
    srv_config *cfg = srv_server_config(s);
    srv_decision d;
    char peer[INET6_ADDRSTRLEN];
    char *envoy_query = NULL;
    uint64_t start = mono_ns();

    common_fields(c, cfg, rq, peer, sizeof(peer));
    if (strcmp(rq->endpoint, "envoy") == 0 && cfg->token_from == JWG_TOKEN_FROM_QUERY)
        envoy_query = envoy_token_query(c, cfg, rq);

    if (!srv_caller_allowed(s, secret)) {
        memset(&d, 0, sizeof(d));
        d.route = -1;
        d.reason = SRV_REASON_CALLER_REJECTED;
        snprintf(d.detail, sizeof(d.detail), "the shared-secret header %s is missing or wrong", s->secret_header);
    } else {
        srv_decide(s, cfg, rq, &d);
    }

    enum MHD_Result ret = answer_decision(c, cfg, &d);
    srv_decision_record(s, cfg, rq, &d, mono_ns() - start);
    srv_entry_unref(d.entry);
    srv_config_unref(cfg);
    free(envoy_query);
    return ret;
}

static enum MHD_Result metrics(srv_http *h, struct MHD_Connection *c)
{
    if (!srv_caller_allowed(h->server, header(c, h->server->secret_header)))
        return answer_text(c, MHD_HTTP_FORBIDDEN, "forbidden: shared-secret header missing or wrong\n");

    size_t len;
    char *text = srv_metrics_render(h->server, &len);
    if (text == NULL)
        return answer_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    struct MHD_Response *r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result ready(srv_http *h, struct MHD_Connection *c)
{
    srv_config *cfg = srv_server_config(h->server);
    bool ok = srv_ready(h->server, cfg);
    srv_config_unref(cfg);
    return ok ? answer_text(c, MHD_HTTP_OK, "ready\n") : answer_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "not ready\n");
}

#define ENVOY_PREFIX "/auth/envoy"

static enum MHD_Result dispatch(srv_http *h, struct MHD_Connection *c, const char *url, const char *method)
{
    srv_request rq;
    memset(&rq, 0, sizeof(rq));
    const char *secret = header(c, h->server->secret_header);

    if (strcmp(url, "/auth/nginx") == 0) {
        /* nginx's auth subrequest is always GET on this URI: the original request comes in headers. */
        rq.endpoint = "nginx";
        rq.method = header(c, "X-Original-Method");
        const char *target = header(c, "X-Original-URI");
        set_target(&rq, target != NULL ? target : header(c, "X-Original-URL"));
        return authorize(h, c, &rq, secret);
    }
    if (strcmp(url, "/auth/forward") == 0) {
        rq.endpoint = "forward";
        rq.method = header(c, "X-Forwarded-Method");
        set_target(&rq, header(c, "X-Forwarded-Uri"));
        return authorize(h, c, &rq, secret);
    }
    size_t plen = sizeof(ENVOY_PREFIX) - 1;
    if (strncmp(url, ENVOY_PREFIX, plen) == 0 && (url[plen] == '\0' || url[plen] == '/')) {
        /* Envoy replays the original method, and the original path after path_prefix. */
        rq.endpoint = "envoy";
        rq.method = method;
        set_target(&rq, url[plen] == '\0' ? "/" : url + plen);
        return authorize(h, c, &rq, secret);
    }
    if (strcmp(url, "/healthz") == 0)
        return answer_text(c, MHD_HTTP_OK, "ok\n");
    if (strcmp(url, "/readyz") == 0)
        return ready(h, c);
    if (strcmp(url, "/metrics") == 0)
        return metrics(h, c);
    return answer_text(c, MHD_HTTP_NOT_FOUND, "not found: the endpoints are /auth/nginx, /auth/forward, /auth/envoy/..., "
                                              "/healthz, /readyz and /metrics\n");
}

/* Returns whether Content-Length announces more than SRV_BODY_MAX, so the body need not be read to reject it. */
static bool body_announced_too_large(struct MHD_Connection *c)
{
    const char *text = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (text == NULL)
        return false;

    char *end;
    errno = 0;
    unsigned long long n = strtoull(text, &end, 10);
    /* MHD already rejects a malformed Content-Length with 400; this is a second bound only. */
    return errno == ERANGE || n > SRV_BODY_MAX;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **req_cls)
{
    static int untracked;
    srv_http *h = cls;
    (void)version;
    (void)upload;

    if (*req_cls == NULL) {
        /*
         * Headers are complete. Queueing the response only at the next call
         * lets MHD keep the connection open.
         */
        if (body_announced_too_large(c))
            return answer_text(c, 413, "request body too large\n");
        conn_slot *slot = slot_of(c);
        if (slot != NULL)
            slot->body_bytes = 0;
        *req_cls = slot != NULL ? (void *)slot : (void *)&untracked;
        return MHD_YES;
    }
    conn_slot *slot = *req_cls != (void *)&untracked ? *req_cls : NULL;
    if (*upload_size > 0) {
        /*
         * MHD 0.9.75 takes no response before the body is complete, so a body
         * without Content-Length (chunked) is read and dropped, within the
         * request timeout, and gets its 413 at the end.
         */
        if (slot != NULL)
            slot->body_bytes += *upload_size;
        *upload_size = 0;
        return MHD_YES;
    }
    if (slot != NULL && slot->body_bytes > SRV_BODY_MAX)
        return answer_text(c, 413, "request body too large\n");

    if (slot != NULL)
        atomic_store(&slot->in_request, true);
    atomic_fetch_add(&h->in_flight, 1);
    enum MHD_Result ret = dispatch(h, c, url, method);
    atomic_fetch_sub(&h->in_flight, 1);
    return ret;
}

/* Keeps the request path as sent: the decision core percent-decodes it once, with its own rules. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

srv_http *srv_http_start(srv_server *server, int listen_fd, const srv_http_limits *lim, char *detail,
                         size_t detail_len)
{
    srv_http *h = calloc(1, sizeof(*h));
    if (h == NULL)
        return NULL;
    h->server = server;
    h->slot_count = lim->max_connections;
    h->request_timeout_s = lim->request_timeout_s;
    h->slots = calloc(h->slot_count, sizeof(*h->slots));
    h->free_list = calloc(h->slot_count, sizeof(*h->free_list));
    pthread_mutex_init(&h->lock, NULL);
    for (size_t i = 0; h->free_list != NULL && i < h->slot_count; i++)
        h->free_list[h->free_count++] = h->slot_count - 1 - i;

    if (h->slots != NULL && h->free_list != NULL)
        h->daemon = MHD_start_daemon(
            MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ITC, 0, NULL, NULL, on_request, h,
            MHD_OPTION_LISTEN_SOCKET, listen_fd, MHD_OPTION_THREAD_POOL_SIZE, lim->threads,
            MHD_OPTION_CONNECTION_LIMIT, lim->max_connections, MHD_OPTION_CONNECTION_TIMEOUT, lim->idle_timeout_s,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, lim->memory_per_connection, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
            h, MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
            MHD_OPTION_END);
    if (h->daemon == NULL) {
        snprintf(detail, detail_len, "libmicrohttpd did not start (threads %u, connections %u)", lim->threads,
                 lim->max_connections);
        srv_http_stop(h);
        return NULL;
    }
    return h;
}

void srv_http_quiesce(srv_http *h)
{
    if (h != NULL && h->daemon != NULL)
        MHD_quiesce_daemon(h->daemon);
}

unsigned srv_http_in_flight(srv_http *h)
{
    return atomic_load(&h->in_flight);
}

void srv_http_stop(srv_http *h)
{
    if (h == NULL)
        return;
    if (h->daemon != NULL)
        MHD_stop_daemon(h->daemon);
    pthread_mutex_destroy(&h->lock);
    free(h->slots);
    free(h->free_list);
    free(h);
}
