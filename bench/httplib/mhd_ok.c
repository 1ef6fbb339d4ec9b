/*
 * mhd_ok.c: the smallest libmicrohttpd server answering "200 OK" with keep-alive, one of the two
 * candidates measured for the gateway's HTTP library (docs/DECISIONS.md). Not part of the build:
 * cc -O2 mhd_ok.c -o mhd_ok $(pkg-config --cflags --libs libmicrohttpd)
 */
#include <microhttpd.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *data, size_t *size, void **state)
{
    (void)cls; (void)url; (void)method; (void)version; (void)data; (void)size;
    /* MHD calls twice for every request: queueing at the first call, before MHD
     * knows the request has no body, makes it answer "Connection: close". */
    static int marker;
    if (*state == NULL) {
        *state = &marker;
        return MHD_YES;
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(3, (void *)"ok\n", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

int main(int argc, char **argv)
{
    unsigned port = argc > 1 ? (unsigned)atoi(argv[1]) : 18090;
    unsigned threads = argc > 2 ? (unsigned)atoi(argv[2]) : 2;
    struct MHD_Daemon *d = MHD_start_daemon((getenv("MHD_FLAGS") ? (unsigned)atoi(getenv("MHD_FLAGS")) : (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO)),
                                            (uint16_t)port, NULL, NULL, answer, NULL,
                                            MHD_OPTION_THREAD_POOL_SIZE, threads,
                                            MHD_OPTION_CONNECTION_LIMIT, 1000u,
                                            MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    if (d == NULL)
        return 1;
    pause();
    MHD_stop_daemon(d);
    return 0;
}
