/*
 * evhttp_ok.c: the smallest libevent evhttp server answering "200 OK" with keep-alive, the other
 * candidate measured for the gateway's HTTP library (docs/DECISIONS.md). Not part of the build:
 * cc -O2 evhttp_ok.c -o evhttp_ok $(pkg-config --cflags --libs libevent libevent_pthreads) -lpthread
 * One event base per thread, all accepting on one SO_REUSEPORT port.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <pthread.h>
#include <stdlib.h>

static unsigned short port;

static void answer(struct evhttp_request *req, void *arg)
{
    (void)arg;
    struct evbuffer *b = evbuffer_new();
    evbuffer_add(b, "ok\n", 3);
    evhttp_send_reply(req, 200, "OK", b);
    evbuffer_free(b);
}

static void *run(void *arg)
{
    (void)arg;
    struct event_base *base = event_base_new();
    struct evhttp *h = evhttp_new(base);
    evhttp_set_gencb(h, answer, NULL);
    evhttp_set_timeout(h, 30);
    evhttp_set_max_headers_size(h, 8192);
    struct evconnlistener *l;
    (void)l;
    if (evhttp_bind_socket(h, "127.0.0.1", port) != 0)
        exit(1);
    event_base_dispatch(base);
    return NULL;
}

int main(int argc, char **argv)
{
    port = (unsigned short)(argc > 1 ? atoi(argv[1]) : 18091);
    evthread_use_pthreads();
    run(NULL);
    return 0;
}
