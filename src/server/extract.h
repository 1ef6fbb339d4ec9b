/*
 * extract.h: parsers for what the gateway reads from a request: the token
 * (Authorization, Cookie or query parameter), the original request target,
 * and the client's address. Every input is attacker-controlled, so each
 * function takes explicit lengths, bounds its output and never aborts.
 */
#ifndef JWTGUARD_SERVER_EXTRACT_H
#define JWTGUARD_SERVER_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

/* Maximum length of a normalized path; a longer request target is rejected. */
#define SRV_PATH_MAX 4096u

/* Size of the text form of a client network: an IPv6 address, "/56" and a NUL. */
#define SRV_NETWORK_MAX 52u

/*
 * Finds the token in an Authorization header value: the scheme "Bearer" in
 * any letter case (RFC 7235 2.1), one or more spaces, then a b64token
 * (RFC 6750 2.1) and optional trailing spaces. Returns false for another
 * scheme or a malformed value.
 */
bool srv_bearer_token(const char *value, size_t len, const char **token, size_t *token_len);

/*
 * Finds the first cookie named `name` in a Cookie header value
 * (RFC 6265 4.2.1: "name=value" pairs separated by ";" and spaces); a
 * value in double quotes is returned without them.
 */
bool srv_cookie_value(const char *header, size_t len, const char *name, const char **value,
                      size_t *value_len);

/*
 * Finds the first parameter `name` in a query string (without "?"),
 * percent-decodes its value into `out` (capacity `cap`, NUL-terminated)
 * and returns true. Returns false when absent, malformed or too long.
 */
bool srv_query_param(const char *query, size_t len, const char *name, char *out, size_t cap,
                     size_t *out_len);

/* Why srv_target_parse() rejected a request target. */
typedef enum srv_target_error {
    SRV_TARGET_OK = 0,
    SRV_TARGET_EMPTY,       /* no target, or it does not start with "/" or http(s):// */
    SRV_TARGET_TOO_LONG,    /* the normalized path exceeds SRV_PATH_MAX */
    SRV_TARGET_BAD_ESCAPE,  /* "%" not followed by two hex digits */
    SRV_TARGET_FORBIDDEN    /* an encoded "/", "\" or NUL, a raw "\" or a control character */
} srv_target_error;

/*
 * Splits a request target ("/a/b?q", or "http://host/a/b?q" as in
 * X-Original-URL) into a normalized path and its query. The path is
 * normalized as a server behind the gateway would read it, so that a
 * route prefix cannot be bypassed: percent-escapes of unreserved
 * characters are decoded (RFC 3986 2.3), other escapes keep upper-case
 * hex (RFC 3986 6.2.2.1), runs of "/" collapse to one, and "." and ".."
 * segments are removed (RFC 3986 5.2.4). Encoded "/" or "\" are rejected
 * because servers disagree on them. `query` points into `target` (NULL
 * when there is none); the fragment is dropped.
 */
srv_target_error srv_target_parse(const char *target, size_t len, char *path, size_t cap,
                                  size_t *path_len, const char **query, size_t *query_len);

/*
 * Normalizes the path of `target` like srv_target_parse(), after removing
 * the ";parameters" of every segment (RFC 3986 3.3 leaves their meaning to
 * the server). Apache Tomcat reads a path this way, so that
 * "/public/..;/admin" is "/admin" there. An escaped ";" (%3B) is kept.
 */
srv_target_error srv_target_parse_without_params(const char *target, size_t len, char *path,
                                                 size_t cap, size_t *path_len);

/*
 * Writes the network of a client address for the anomaly rule: an IPv4
 * address as its /24 ("192.0.2.0/24"), an IPv6 address as its /56, an
 * IPv4-mapped IPv6 address as IPv4. For a list ("a, b", as in
 * X-Forwarded-For) the last element is used, the one the nearest proxy
 * added. Returns false when the text is not an address.
 */
bool srv_client_network(const char *addr, size_t len, char *out, size_t cap);

/* Returns true for an HTTP method token of 1 to 16 upper-case letters. */
bool srv_method_valid(const char *method, size_t len);

#endif /* JWTGUARD_SERVER_EXTRACT_H */
