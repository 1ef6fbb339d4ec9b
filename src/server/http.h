/*
 * http.h: the HTTP server of `jwtguard serve` (http.c), on h2o (libh2o-evloop).
 */
#ifndef JWTGUARD_SERVER_HTTP_H
#define JWTGUARD_SERVER_HTTP_H

#include "server/serve_int.h"

typedef struct srv_http srv_http;

typedef struct srv_http_limits {
    unsigned threads;
    unsigned max_connections;
    unsigned request_timeout_s;  /* to send each request header, from accept or the previous response */
    unsigned idle_timeout_s;     /* h2o closes a connection this long after its start or previous response */
    size_t header_limit;         /* request line and headers at most this size, else 431 */
} srv_http_limits;

/* Starts serving on `listen_fd` (bound and listening); NULL with `detail` on failure. */
srv_http *srv_http_start(srv_server *server, int listen_fd, const srv_http_limits *lim, char *detail,
                         size_t detail_len);

/* Closes connections that wait longer than the request timeout for a header; call about once a second. */
void srv_http_sweep(srv_http *h);

/* Stops accepting connections; requests in progress continue. */
void srv_http_quiesce(srv_http *h);

/* Returns the number of requests being decided now. */
unsigned srv_http_in_flight(srv_http *h);

/* Stops the server and closes every connection. */
void srv_http_stop(srv_http *h);

#endif /* JWTGUARD_SERVER_HTTP_H */
