/*
 * b64url.h: base64url decoding for `jwtguard inspect`, which reads tokens
 * without the library. The public API has no decoder, and inspect must show
 * tokens that the library's strict decoder rejects.
 */
#ifndef JWTGUARD_CLI_B64URL_H
#define JWTGUARD_CLI_B64URL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Decodes base64url (RFC 4648 5) from `in` into a new NUL-terminated buffer
 * freed with free(). Trailing '=' padding is accepted and reported through
 * *padded; any other foreign character, or a length of 1 mod 4, fails.
 */
bool cli_b64url_decode(const char *in, size_t len, char **out, size_t *out_len, bool *padded);

#endif /* JWTGUARD_CLI_B64URL_H */
