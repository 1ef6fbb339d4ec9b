/*
 * code_rules.c: the catalog of the validation-code rules (JG4xx) and the CI
 * pipeline rules (JG5xx). docs/SCAN_RULES.md shows an example and the fix
 * of each; ids are stable and never reused.
 */
#include <stddef.h>

#include "scan/code.h"

const scan_rule code_rules[CODE_RULE_COUNT] = {
    [CODE_R_NONE_ALG] = {"JG401", "NoneAlgorithmAllowed",
                         "JWT code accepts or produces tokens with the 'none' algorithm.",
                         "A token with alg 'none' carries no signature, so anyone can forge "
                         "one (RFC 8725 3.1). Remove 'none' from the allowed algorithms, sign "
                         "every token, and list only the algorithms your keys use.",
                         SCAN_SEV_HIGH, "9.1", "CWE-347"},
    [CODE_R_DECODE_ONLY] = {"JG402", "DecodedWithoutVerification",
                            "A JWT is decoded with a function that does not check its signature.",
                            "Decode-only functions (jsonwebtoken decode, jose decodeJwt, "
                            "ParseUnverified, JWT.decode in java-jwt, get_unverified_claims) "
                            "return whatever the sender wrote. Use the library's verify call "
                            "with a pinned algorithm before trusting any claim. The finding is "
                            "raised to high when the claims reach a role, admin, scope or "
                            "permission check within 8 lines.",
                            SCAN_SEV_MEDIUM, "6.5", "CWE-345"},
    [CODE_R_VERIFY_OFF] = {"JG403", "SignatureVerificationDisabled",
                           "A JWT verify call has signature verification switched off.",
                           "Options such as verify_signature: False, verify=False or Ruby's "
                           "JWT.decode(token, key, false) make the call accept forged tokens. "
                           "Remove the option and pass the key and the expected algorithms. "
                           "The finding is raised to critical when the claims reach an "
                           "authorization check within 8 lines.",
                           SCAN_SEV_HIGH, "8.0", "CWE-347"},
    [CODE_R_ALG_UNPINNED] = {"JG404", "AlgorithmNotPinned",
                             "A JWT verify call does not restrict the accepted algorithms.",
                             "Without an explicit list the token's own alg header picks the "
                             "algorithm, which allows algorithm confusion (an RSA public key "
                             "used as an HMAC secret) on some library versions (RFC 8725 2.1, "
                             "3.1). Pass the list of algorithms your keys use: algorithms: "
                             "['RS256'], WithValidMethods, new Key($k, 'RS256').",
                             SCAN_SEV_MEDIUM, "6.5", "CWE-347"},
    [CODE_R_ALG_FROM_TOKEN] = {"JG405", "AlgorithmFromTokenHeader",
                               "The allowed algorithm is read from the token being verified.",
                               "Taking alg from the unverified header lets the sender choose "
                               "how its own signature is checked (RFC 8725 2.1). Configure a "
                               "fixed algorithm list next to the key.",
                               SCAN_SEV_HIGH, "9.0", "CWE-347"},
    [CODE_R_EXP_OFF] = {"JG406", "ExpiryCheckDisabled",
                        "Expiry checking is switched off or the clock leeway exceeds 5 minutes.",
                        "Expired tokens stay usable forever, or for the leeway, after they "
                        "leak (RFC 7519 4.1.4). Remove ignoreExpiration, verify_exp: False, "
                        "WithoutClaimsValidation or verify_expiration: false, and keep leeways "
                        "at a few seconds up to 300.",
                        SCAN_SEV_MEDIUM, "7.0", "CWE-613"},
    [CODE_R_AUD_ISS_OFF] = {"JG407", "AudienceIssuerCheckDisabled",
                            "Audience or issuer checking is explicitly switched off.",
                            "A token issued for another service or by another issuer is then "
                            "accepted (RFC 7519 4.1.1, 4.1.3; RFC 8725 3.9). Remove verify_aud: "
                            "False or verify_iss: False and pass the expected audience and "
                            "issuer. Calls that merely omit them are not reported.",
                            SCAN_SEV_MEDIUM, "5.5", "CWE-345"},
    [CODE_R_NO_EXP] = {"JG408", "SignedWithoutExpiry", "A JWT is signed without an expiry time.",
                       "A token with no exp claim is valid until its key is rotated, so a "
                       "leaked one never stops working (RFC 8725 3.10). Set expiresIn, an exp "
                       "claim or setExpirationTime when signing.",
                       SCAN_SEV_LOW, "4.0", "CWE-613"},
    [CODE_R_KEY_URL] = {"JG409", "KeyFromTokenHeader",
                        "A verification key is fetched or built from the token's jku, x5u or "
                        "jwk header.",
                        "These headers are written by the sender, so a forger points them at "
                        "its own key. Fetch keys only from a configured JWKS URL and use the "
                        "token's kid to pick among them.",
                        SCAN_SEV_HIGH, "8.8", "CWE-347"},
    [CODE_R_KID_PATH] = {"JG410", "KidInFilePath",
                         "The token's kid header is used to build a file path.",
                         "kid is attacker-controlled: '../../dev/null' or a path to a known "
                         "file turns the key into a value the attacker knows. Map kid through "
                         "an allowlist of key ids instead of the file system.",
                         SCAN_SEV_HIGH, "8.8", "CWE-22"},
    [CODE_R_KID_SQL] = {"JG411", "KidInSqlQuery",
                        "The token's kid header is concatenated into an SQL query.",
                        "An injected kid can return a key the attacker chose. Use a bound "
                        "query parameter (?, $1, %s with parameters) or an allowlist.",
                        SCAN_SEV_HIGH, "8.8", "CWE-89"},
    [CODE_R_TOKEN_URL] = {"JG412", "TokenPutInUrl",
                          "A token variable is placed in a URL query string.",
                          "URLs end up in access logs, browser history, proxies and Referer "
                          "headers (RFC 6750 5.3). Send the token in the Authorization header, "
                          "or exchange a one-time code.",
                          SCAN_SEV_MEDIUM, "6.0", "CWE-598"},
    [CODE_R_TOKEN_LOG] = {"JG413", "TokenLogged",
                          "A token, an Authorization header or a whole header set is logged.",
                          "Logs are kept long and read widely, and a logged bearer token can "
                          "be replayed until it expires. Log the token's fingerprint, sub or "
                          "jti, or pass logs through `jwtguard redact`.",
                          SCAN_SEV_MEDIUM, "6.5", "CWE-532"},
};

const scan_rule ci_rules[CI_RULE_COUNT] = {
    [CI_R_PRINT_SECRET] = {"JG501", "CiPrintsSecret",
                           "A CI step prints a secret, a token or the whole environment.",
                           "CI logs are readable by everyone with access to the project, and "
                           "masking misses secrets that are transformed, split or encoded. "
                           "Do not echo secrets; pipe them to the tool that needs them "
                           "(--password-stdin) or write them to a file.",
                           SCAN_SEV_HIGH, "7.5", "CWE-532"},
    [CI_R_VERBOSE_CURL] = {"JG502", "CiVerboseCurlWithAuthorization",
                           "curl runs with -v, --verbose or --trace and an Authorization header.",
                           "Verbose curl prints request headers, so the bearer token lands in "
                           "the CI log. Drop -v or use --fail-with-body for diagnostics.",
                           SCAN_SEV_HIGH, "7.5", "CWE-532"},
    [CI_R_TOKEN_URL] = {"JG503", "CiTokenInUrl",
                        "A CI step passes a token or key in a URL query string.",
                        "The URL is printed by curl errors, proxies and server access logs. "
                        "Send it in a header: -H \"Authorization: Bearer $TOKEN\".",
                        SCAN_SEV_MEDIUM, "6.0", "CWE-598"},
    [CI_R_XTRACE] = {"JG504", "CiShellTraceWithSecrets",
                     "Shell tracing (set -x) is on while a step uses secrets.",
                     "Tracing prints every command after expansion, secrets included. Turn "
                     "it off with set +x around commands that use secrets.",
                     SCAN_SEV_MEDIUM, "6.5", "CWE-532"},
};
