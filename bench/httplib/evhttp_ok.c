/*
 * evhttp_ok.c: the smallest libevent evhttp server that responds to nginx's auth
 * subrequest with 200, no body, one identity header, keep-alive. One of the
 * candidates measured for the gateway's HTTP library (docs/DECISIONS.md,
 * bench/httplib/compare.sh). Not part of the build:
 * cc -O2 evhttp_ok.c -o evhttp_ok $(pkg-config --cflags --libs libevent)
 * Usage: evhttp_ok PORT|unix:PATH   (one event base: evhttp 2.1 has no thread pool)
 */
#include <event2/event.h>
#include <event2/util.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "listen_arg.h"

static void answer(struct evhttp_request *req, void *arg)
{
    (void)arg;
    evhttp_add_header(evhttp_request_get_output_headers(req), "X-User-Id", "alice");
    evhttp_send_reply(req, 200, "OK", NULL);
}

int main(int argc, char **argv)
{
    int fd = listen_arg(argc > 1 ? argv[1] : "18091");
    /* libevent's listener takes only a non-blocking socket. */
    if (fd < 0 || evutil_make_socket_nonblocking(fd) != 0)
        return 1;
    struct event_base *base = event_base_new();
    struct evhttp *h = evhttp_new(base);
    evhttp_set_gencb(h, answer, NULL);
    evhttp_set_timeout(h, 30);
    if (evhttp_accept_socket(h, fd) != 0)
        return 1;
    event_base_dispatch(base);
    return 0;
}
