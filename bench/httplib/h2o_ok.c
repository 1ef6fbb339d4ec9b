/*
 * h2o_ok.c: the smallest h2o (libh2o-evloop) server that responds to nginx's auth
 * subrequest with 200, no body, one identity header, keep-alive. One of the
 * candidates measured for the gateway's HTTP library (docs/DECISIONS.md,
 * bench/httplib/compare.sh). Not part of the build:
 * cc -O2 h2o_ok.c -o h2o_ok $(pkg-config --cflags --libs libh2o-evloop) -lpthread
 * Usage: h2o_ok PORT|unix:PATH [THREADS]   (one event loop per thread)
 */
#define H2O_USE_EPOLL 1
#include <h2o.h>
#include <pthread.h>

#include "listen_arg.h"

static h2o_globalconf_t config;
static int listen_fd;

typedef struct worker {
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
} worker;

static int answer(h2o_handler_t *self, h2o_req_t *req)
{
    (void)self;
    req->res.status = 200;
    req->res.reason = "OK";
    req->res.content_length = 0;
    h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("X-User-Id"), 0, NULL, H2O_STRLIT("alice"));
    h2o_send_inline(req, "", 0);
    return 0;
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
    worker *w = listener->data;
    h2o_socket_t *sock;
    if (err == NULL && (sock = h2o_evloop_socket_accept(listener)) != NULL)
        h2o_accept(&w->accept_ctx, sock);
}

static void *run(void *arg)
{
    worker *w = arg;
    h2o_evloop_t *loop = h2o_evloop_create();
    h2o_context_init(&w->ctx, loop, &config);
    w->accept_ctx.ctx = &w->ctx;
    w->accept_ctx.hosts = config.hosts;
    h2o_socket_t *listener = h2o_evloop_socket_create(loop, dup(listen_fd), H2O_SOCKET_FLAG_DONT_READ);
    listener->data = w;
    h2o_socket_read_start(listener, on_accept);
    while (h2o_evloop_run(loop, INT32_MAX) == 0)
        ;
    return NULL;
}

int main(int argc, char **argv)
{
    listen_fd = listen_arg(argc > 1 ? argv[1] : "18092");
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    if (listen_fd < 0 || threads < 1 || threads > 64)
        return 1;
    h2o_config_init(&config);
    h2o_hostconf_t *host = h2o_config_register_host(&config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_handler_t *handler = h2o_create_handler(h2o_config_register_path(host, "/", 0), sizeof(*handler));
    handler->on_req = answer;
    pthread_t tid;
    for (int i = 0; i < threads; i++)
        pthread_create(&tid, NULL, run, calloc(1, sizeof(worker)));
    pause();
    return 0;
}
