/*
 * weak_secrets.h: well-known default and dictionary HMAC signing secrets.
 *
 * The list holds values that tutorials, library READMEs, framework
 * templates and jwt.io ship as examples, plus common dictionary
 * passwords. A JWT signed with one of them is forgeable by anyone who
 * tries the list, so the scanner treats each as a weak secret and tries
 * them all against every leaked HS* token.
 */
#ifndef JWTGUARD_WEAK_SECRETS_H
#define JWTGUARD_WEAK_SECRETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Returns the number of entries of the list. */
size_t weak_secret_count(void);

/* Returns entry `i` (NUL-terminated, lower case where case does not matter) and its length. */
const char *weak_secret_get(size_t i, size_t *len);

/*
 * Returns true when `value` equals a list entry, ignoring ASCII case.
 * Compares in constant time per entry, because `value` is a secret.
 */
bool weak_secret_listed(const uint8_t *value, size_t len);

#endif /* JWTGUARD_WEAK_SECRETS_H */
