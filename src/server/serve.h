/*
 * serve.h: `jwtguard serve`, the gateway authorization service, as the
 * command calls it. docs/SERVE.md describes endpoints, decisions, events
 * and metrics.
 */
#ifndef JWTGUARD_SERVER_SERVE_H
#define JWTGUARD_SERVER_SERVE_H

#include <stdbool.h>

/* Default listen address: loopback only, so nothing but a local gateway reaches it. */
#define SRV_DEFAULT_LISTEN "127.0.0.1:8081"

typedef struct srv_options {
    const char *policy_path;
    const char *listen;             /* "ADDR:PORT", "[IPV6]:PORT" or "unix:PATH" */
    bool allow_remote;              /* permits a listen address that is not loopback */
    const char *redis_url;          /* NULL: state local to this process */
    const char *log_target;         /* file path, "-", "syslog" or "none" */
    const char *shared_secret_file; /* NULL: no shared-secret header required */
    unsigned threads;               /* HTTP threads; 0: one per CPU, at least 2 */
    unsigned max_connections;       /* 0: 1024 */
    unsigned request_timeout_s;     /* time to send each request, headers and body; 0: 10 */
    unsigned idle_timeout_s;        /* inactivity on a connection; 0: 60 */
} srv_options;

/*
 * Runs the service until SIGTERM or SIGINT; SIGHUP reloads the policy and
 * its keys. Returns the command's exit status: 0 after a clean stop, 2 for
 * a configuration or start-up error (already reported on stderr).
 */
int srv_serve_run(const srv_options *o);

#endif /* JWTGUARD_SERVER_SERVE_H */
