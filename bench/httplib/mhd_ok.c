/*
 * mhd_ok.c: the smallest libmicrohttpd server that responds to nginx's auth
 * subrequest with 200, no body, one identity header, keep-alive. One of the
 * candidates measured for the gateway's HTTP library (docs/DECISIONS.md,
 * bench/httplib/compare.sh). Not part of the build:
 * cc -O2 mhd_ok.c -o mhd_ok $(pkg-config --cflags --libs libmicrohttpd)
 * Usage: mhd_ok PORT|unix:PATH [THREADS]
 */
#include <microhttpd.h>
#include <stdlib.h>

#include "listen_arg.h"

static struct MHD_Response *response;

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *data, size_t *size, void **state)
{
    static int marker;
    (void)cls; (void)url; (void)method; (void)version; (void)data; (void)size;
    /* A response queued at the first call, before MHD has read that there is no body, gets "Connection: close". */
    if (*state == NULL) {
        *state = &marker;
        return MHD_YES;
    }
    return MHD_queue_response(c, MHD_HTTP_OK, response);
}

int main(int argc, char **argv)
{
    int fd = listen_arg(argc > 1 ? argv[1] : "18090");
    unsigned threads = argc > 2 ? (unsigned)atoi(argv[2]) : 1;
    if (fd < 0)
        return 1;
    response = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(response, "X-User-Id", "alice");
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ITC,
                                            0, NULL, NULL, answer, NULL, MHD_OPTION_LISTEN_SOCKET, fd,
                                            MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT, 1000u,
                                            MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    if (d == NULL)
        return 1;
    pause();
    return 0;
}
