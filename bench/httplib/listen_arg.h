/*
 * listen_arg.h: the listening socket of the HTTP library candidates, from
 * "PORT" (127.0.0.1) or "unix:PATH". Not part of the build.
 */
#ifndef HTTPLIB_LISTEN_ARG_H
#define HTTPLIB_LISTEN_ARG_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/*
 * Returns a listening socket, or -1. Ignores SIGPIPE first: a write to a
 * connection that nginx closed must not end the process.
 */
static int listen_arg(const char *arg)
{
    int fd;
    signal(SIGPIPE, SIG_IGN);
    if (strncmp(arg, "unix:", 5) == 0) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        strncpy(sa.sun_path, arg + 5, sizeof(sa.sun_path) - 1);
        unlink(sa.sun_path);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
            return -1;
    } else {
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(arg))};
        int on = 1;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
            bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
            return -1;
    }
    return listen(fd, 512) == 0 ? fd : -1;
}

#endif
