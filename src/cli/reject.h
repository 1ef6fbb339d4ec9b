/*
 * reject.h: the part of a rejection message that only the command can write,
 * because it shows the token's own values. The library's detail never
 * contains token content; this text shows header and claim values the
 * signer chose (never signature or key bytes), escaped and cut to
 * CLI_MAX_SHOWN_VALUE bytes.
 */
#ifndef JWTGUARD_REJECT_H
#define JWTGUARD_REJECT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "jwtguard/jwtguard.h"

/* What the verification was given, to compare with what the token holds. */
struct reject_info {
    const jwg_keyset *keys;
    const char *const *algs; /* the --alg values; NULL when alg_count is 0 */
    size_t alg_count;
    int64_t now;             /* the time the claims were checked at */
    int64_t max_lifetime;    /* 0: none */
    const char *typ;         /* the --typ value, or NULL */
    bool secret_newline;     /* an --hmac-secret-file ends in "\n" */
};

/*
 * Writes ": <context>" for rejection `rc` of `token` (`len` bytes) when the
 * command knows more than the library's detail says; writes nothing
 * otherwise.
 */
void reject_print_context(FILE *f, jwg_err rc, const jwg_result *r, const struct reject_info *info,
                          const char *token, size_t len);

#endif /* JWTGUARD_REJECT_H */
