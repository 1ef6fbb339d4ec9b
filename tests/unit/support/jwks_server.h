/*
 * jwks_server.h: a loopback HTTPS server for the tests of URL key sources:
 * tests/data/jwks_server.py serving a temporary folder, with a test CA and
 * server certificate made by the openssl command. Shared by
 * test_jwks_source.c and test_policy_live.c.
 */
#ifndef JWTGUARD_TEST_JWKS_SERVER_H
#define JWTGUARD_TEST_JWKS_SERVER_H

#include <stddef.h>
#include <sys/types.h>

typedef struct ts_server {
    char root[64];
    char base[64]; /* https://127.0.0.1:PORT */
    int port;
    pid_t pid;
} ts_server;

/* The test CA's certificate file, set by ts_make_certs(). */
extern char ts_ca[128];
extern char ts_certs[64];

/* Runs `argv` (a full path first) with output discarded; returns its exit status or -1. */
int ts_run(char *const argv[]);
void ts_remove_tree(const char *dir);
void ts_path_of(char *out, size_t cap, const char *dir, const char *name);

/* Writes DIR/NAME aside and renames it, so the server never reads half a file. */
void ts_write_file(const char *dir, const char *name, const char *text);
void ts_write_filef(const char *dir, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Returns how many requests the server logged for `path` ("/jwks.json"). */
int ts_hits(const ts_server *s, const char *path);
double ts_seconds_now(void);
void ts_sleep_ms(long ms);

/* Group setup and teardown: the CA and the server certificate for 127.0.0.1. */
int ts_make_certs(void **state);
int ts_remove_certs(void **state);

int ts_server_start(ts_server *s);
void ts_server_stop(ts_server *s);

/* Per-test setup and teardown: a server on a fresh folder; `*state` is the ts_server. */
int ts_setup(void **state);
int ts_teardown(void **state);

#endif /* JWTGUARD_TEST_JWKS_SERVER_H */
