#!/bin/bash
# shellcheck disable=SC2034 # the key option arrays are read through a nameref
# Verifies every example token with `jwtguard verify --json` under one
# policy and prints a verdict table. Exits 1 when any verdict or error code
# differs from the expectation in the table below.
# Usage: JWTGUARD=build/jwtguard bash examples/demo.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
JWTGUARD="${JWTGUARD:-$here/../build/jwtguard}"
keys="$here/keys"
NOW=1767225660 # one minute after the tokens were issued (make-tokens.sh)

# git does not keep file modes beyond the executable bit; restore the secret's.
chmod 600 "$keys/hmac.secret"

rsa=(--jwks "$keys/rsa.jwks.json")
rsa_pem=(--key "$keys/rsa-public.pem")
ec=(--jwks "$keys/ec.jwks.json")
ed=(--jwks "$keys/ed25519.jwks.json")
hs=(--hmac-secret-file "$keys/hmac.secret")

# token | key set | expected: "valid" or the error code. The RSA JWK binds
# its key to RS256, so the PS256 token verifies only with the unbound PEM key.
# The HMAC secret has no kid, so the kid-injection tokens fall back to it and
# fail on their forged signatures; the kid itself is only ever compared.
CASES='
valid-rs256          | rsa | valid
valid-ps256          | rsa_pem | valid
valid-ps256          | rsa | JWG_ERR_ALG_NOT_ALLOWED
valid-es256          | ec  | valid
valid-eddsa          | ed  | valid
valid-hs256          | hs  | valid
expired              | rsa | JWG_ERR_EXPIRED
not-yet-valid        | rsa | JWG_ERR_NOT_YET_VALID
wrong-aud            | rsa | JWG_ERR_AUDIENCE
wrong-iss            | rsa | JWG_ERR_ISSUER
tampered-payload     | rsa | JWG_ERR_SIGNATURE_INVALID
alg-none             | rsa | JWG_ERR_ALG_NONE
alg-none-mixed-case  | rsa | JWG_ERR_ALG_NONE
hs-rs-confusion      | rsa | JWG_ERR_ALG_NOT_ALLOWED
embedded-jku         | rsa | JWG_ERR_KEY_NOT_FOUND
embedded-jwk         | rsa | JWG_ERR_SIGNATURE_INVALID
kid-path-traversal   | hs  | JWG_ERR_SIGNATURE_INVALID
kid-sql-injection    | hs  | JWG_ERR_SIGNATURE_INVALID
no-exp               | hs  | JWG_ERR_CLAIM_MISSING
crit-unknown         | hs  | JWG_ERR_CRIT_UNSUPPORTED
duplicate-alg        | hs  | JWG_ERR_JSON_DUPLICATE
es256-der-signature  | ec  | JWG_ERR_SIGNATURE_LENGTH
oversize             | hs  | JWG_ERR_TOKEN_TOO_LARGE
'

mismatches=0
echo "== jwtguard verify: each token in examples/tokens/ against the keys in examples/keys/"
echo "   KEYS: rsa = RSA JWK bound to RS256, rsa_pem = the same key as unbound PEM,"
echo "   ec = P-256 JWK, ed = Ed25519 JWK, hs = HMAC secret file."
echo "   EXPECTED is the verdict the token was made for; VERDICT is what jwtguard said."
echo
printf '%-22s %-8s %-27s %-9s %s\n' TOKEN KEYS EXPECTED VERDICT ERROR
while IFS='|' read -r name keyset expected; do
    name=$(echo "$name" | tr -d ' ')
    keyset=$(echo "$keyset" | tr -d ' ')
    expected=$(echo "$expected" | tr -d ' ')
    [ -n "$name" ] || continue

    declare -n key_options="$keyset"
    set +e
    report=$("$JWTGUARD" verify --json "${key_options[@]}" --iss https://issuer.example \
        --aud api://orders --now "$NOW" - < "$here/tokens/$name.jwt")
    status=$?
    set -e
    unset -n key_options

    if [ "$status" -gt 1 ] || ! error=$(jq -r '.error // "-"' <<< "$report" 2>/dev/null); then
        verdict="error($status)"
        error="-"
    elif [ "$status" -eq 0 ]; then
        verdict=valid
    else
        verdict=rejected
    fi

    mark=""
    if { [ "$expected" = valid ] && [ "$verdict" != valid ]; } ||
        { [ "$expected" != valid ] && [ "$error" != "$expected" ]; }; then
        mark="  <-- MISMATCH"
        mismatches=$((mismatches + 1))
    fi
    printf '%-22s %-8s %-27s %-9s %s%s\n' "$name" "$keyset" "$expected" "$verdict" "$error" "$mark"
done <<< "$CASES"

if [ "$mismatches" -ne 0 ]; then
    echo "demo: $mismatches verdicts differ from the expectations" >&2
    exit 1
fi
echo "demo: every verdict matches its expectation"

echo
JWTGUARD="$JWTGUARD" bash "$here/policy-demo.sh"
