/*
 * fuzz_server_extract.c: the gateway's request parsers (extract.h) on
 * arbitrary bytes. The first byte picks the parser; the rest is the input.
 * Besides memory errors it checks the invariants the decision core relies
 * on: a normalized path starts with "/", has no "//", no "." or ".."
 * segment and no backslash, a path without ";parameters" has no ";" left,
 * and outputs stay inside their buffers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/extract.h"

static void check_path(const char *path, size_t len)
{
    if (len == 0 || path[0] != '/' || strlen(path) != len)
        abort();
    if (strstr(path, "//") != NULL || strstr(path, "/./") != NULL || strstr(path, "/../") != NULL ||
        strchr(path, '\\') != NULL)
        abort();
    if ((len >= 2 && strcmp(path + len - 2, "/.") == 0) || (len >= 3 && strcmp(path + len - 3, "/..") == 0))
        abort();
}

static void run_target(const char *s, size_t n)
{
    char path[SRV_PATH_MAX + 1];
    size_t path_len;
    const char *query;
    size_t query_len;

    if (srv_target_parse(s, n, path, sizeof(path), &path_len, &query, &query_len) == SRV_TARGET_OK) {
        check_path(path, path_len);
        if (query != NULL && (query < s || query + query_len > s + n))
            abort();
    }

    if (srv_target_parse_without_params(s, n, path, sizeof(path), &path_len) == SRV_TARGET_OK) {
        check_path(path, path_len);
        if (memchr(path, ';', path_len) != NULL)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    /* A NUL-terminated copy, because header values reach the parsers as C strings. */
    char *s = malloc(size);
    if (s == NULL)
        return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    size_t n = size - 1;

    const char *v;
    size_t len;
    char out[64];
    switch (data[0] % 5) {
    case 0:
        if (srv_bearer_token(s, n, &v, &len) && (v < s || v + len > s + n || len == 0))
            abort();
        break;
    case 1:
        if (srv_cookie_value(s, n, "session", &v, &len) && (v < s || v + len > s + n))
            abort();
        break;
    case 2:
        if (srv_query_param(s, n, "access_token", out, sizeof(out), &len) && (len >= sizeof(out) || out[len] != '\0'))
            abort();
        break;
    case 3:
        run_target(s, n);
        break;
    default:
        if (srv_client_network(s, n, out, sizeof(out)) && strlen(out) >= SRV_NETWORK_MAX)
            abort();
        break;
    }
    free(s);
    return 0;
}
