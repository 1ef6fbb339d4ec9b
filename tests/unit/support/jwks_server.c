/* jwks_server.c: see jwks_server.h. */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "jwks_server.h"

extern char **environ;

#define PYTHON "/usr/bin/python3"

char ts_certs[64];
char ts_ca[128];


/* ---- processes and files -------------------------------------------------- */

int ts_run(char *const argv[])
{
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;

    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void ts_remove_tree(const char *dir)
{
    char *argv[] = {"/bin/rm", "-rf", (char *)dir, NULL};
    (void)ts_run(argv);
}

void ts_path_of(char *out, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);
    assert_true(n > 0 && (size_t)n < cap);
}

void ts_write_file(const char *dir, const char *name, const char *text)
{
    char path[256];
    char tmp[272];
    ts_path_of(path, sizeof(path), dir, name);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);

    /* Written aside and renamed, so the ts_server never reads half a file. */
    FILE *f = fopen(tmp, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(rename(tmp, path), 0);
}

void ts_write_filef(const char *dir, const char *name, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof(text));
    ts_write_file(dir, name, text);
}

/* Returns how many requests the ts_server logged for `path` ("/jwks.json"). */
int ts_hits(const ts_server *s, const char *path)
{
    char log[256];
    char line[256];
    ts_path_of(log, sizeof(log), s->root, "requests.log");
    FILE *f = fopen(log, "r");
    if (f == NULL)
        return 0;

    int n = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        n += strcmp(line, path) == 0;
    }
    fclose(f);
    return n;
}

double ts_seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ts_sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- certificates and the ts_server ------------------------------------------ */

int ts_make_certs(void **state)
{
    (void)state;
    strcpy(ts_certs, "/tmp/jwg-jwks-certs-XXXXXX");
    if (mkdtemp(ts_certs) == NULL)
        return -1;

    char ca_key[128], srv_key[128], srv[128];
    ts_path_of(ts_ca, sizeof(ts_ca), ts_certs, "ca.pem");
    ts_path_of(ca_key, sizeof(ca_key), ts_certs, "ca.key");
    ts_path_of(srv_key, sizeof(srv_key), ts_certs, "ts_server.key");
    ts_path_of(srv, sizeof(srv), ts_certs, "ts_server.pem");

    char *ca_argv[] = {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                       "ec_paramgen_curve:P-256", "-nodes", "-keyout", ca_key, "-out", ts_ca,
                       "-days", "2", "-subj", "/CN=jwtguard test CA", NULL};
    char *srv_argv[] = {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", srv_key, "-out", srv,
                        "-days", "2", "-subj", "/CN=127.0.0.1", "-CA", ts_ca, "-CAkey", ca_key,
                        "-addext", "subjectAltName=IP:127.0.0.1,IP:::1", "-addext",
                        "basicConstraints=critical,CA:FALSE", NULL};
    if (ts_run(ca_argv) != 0 || ts_run(srv_argv) != 0)
        return -1;
    return 0;
}

int ts_remove_certs(void **state)
{
    (void)state;
    ts_remove_tree(ts_certs);
    return 0;
}

static int ts_read_port(const char *root)
{
    char path[256];
    ts_path_of(path, sizeof(path), root, "port");
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    int port = 0;
    if (fscanf(f, "%d", &port) != 1)
        port = 0;
    fclose(f);
    return port;
}

int ts_server_start(ts_server *s)
{
    char script[256], port_file[128], key[128], cert[128];
    snprintf(script, sizeof(script), "%s/jwks_server.py", JWG_TEST_DATA);
    ts_path_of(port_file, sizeof(port_file), s->root, "port");
    ts_path_of(key, sizeof(key), ts_certs, "ts_server.key");
    ts_path_of(cert, sizeof(cert), ts_certs, "ts_server.pem");

    char *argv[] = {PYTHON, script, s->root, port_file, cert, key, NULL};
    if (posix_spawn(&s->pid, PYTHON, NULL, NULL, argv, environ) != 0)
        return -1;

    /* The ts_server writes its port once it listens; give it 10 s. */
    for (int i = 0; i < 1000 && s->port == 0; i++) {
        ts_sleep_ms(10);
        s->port = ts_read_port(s->root);
    }
    snprintf(s->base, sizeof(s->base), "https://127.0.0.1:%d", s->port);
    return s->port != 0 ? 0 : -1;
}

void ts_server_stop(ts_server *s)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGTERM);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
}

int ts_setup(void **state)
{
    ts_server *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return -1;
    *state = s;
    strcpy(s->root, "/tmp/jwg-jwks-root-XXXXXX");
    if (mkdtemp(s->root) == NULL)
        return -1;
    return ts_server_start(s);
}

int ts_teardown(void **state)
{
    ts_server *s = *state;
    ts_server_stop(s);
    ts_remove_tree(s->root);
    free(s);
    return 0;
}

