#!/bin/bash
# shellcheck disable=SC2034 # table rows read variables through eval
# jwtguard sign then verify, for each algorithm family, with PEM keys and
# with keys made by keygen.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Signs with the given key options and verifies with the others; expects exit 0
# and the extra claim in the verified claims.
round_trip() {
    local reason=$1 sign_keys=$2 verify_keys=$3 token

    token=$("$JWTGUARD" sign $sign_keys --ttl 300 --now "$NOW" --iss "$ISS" --aud "$AUD" \
        --sub alice --claim 'roles=["reader"]') || {
        fail "$reason: sign failed"
        return
    }
    check "verify $verify_keys --iss \$ISS --aud \$AUD --now $((NOW + 1)) $token" 0 \
        '"roles":["reader"]' "$reason"
    check "verify $verify_keys --iss \$ISS --aud \$AUD --now $((NOW + 300)) $token" 1 \
        JWG_ERR_EXPIRED "$reason, expired"
}

round_trip "HS256" "--hmac-secret-file $HMAC --alg HS256" "--hmac-secret-file $HMAC"
round_trip "RS256 PEM" "--key $KEYS/rsa-private.pem --alg RS256" "--key $KEYS/rsa-public.pem"
round_trip "PS256 PEM" "--key $KEYS/rsa-private.pem --alg PS256" "--key $KEYS/rsa-public.pem"
round_trip "ES256 PEM" "--key $KEYS/ec-private.pem --alg ES256" "--key $KEYS/ec-public.pem"
round_trip "EdDSA PEM" "--key $KEYS/ed25519-private.pem --alg EdDSA" \
    "--key $KEYS/ed25519-public.pem"
round_trip "RS256 kid to JWKS" "--key $KEYS/rsa-private.pem --alg RS256 --kid rsa-2026" \
    "--jwks $KEYS/rsa.jwks.json"

# keygen output signs and verifies.
for alg in RS256 ES256 EdDSA; do
    "$JWTGUARD" keygen --alg "$alg" --kid "gen-$alg" --out-private "$WORK/$alg.pem" \
        --out-jwks "$WORK/$alg.jwks" 2> /dev/null || fail "keygen $alg"
    round_trip "$alg keygen" "--key $WORK/$alg.pem --alg $alg --kid gen-$alg" \
        "--jwks $WORK/$alg.jwks"
done
"$JWTGUARD" keygen --alg HS256 --out-private "$WORK/hs.key" 2> /dev/null || fail "keygen HS256"
round_trip "HS256 keygen" "--hmac-secret-file $WORK/hs.key --alg HS256" \
    "--hmac-secret-file $WORK/hs.key"

# A token signed by one key is rejected by another of the same type.
other=$("$JWTGUARD" sign --key "$WORK/ES256.pem" --alg ES256 --ttl 300 --now "$NOW" \
    --iss "$ISS" --aud "$AUD" 2> /dev/null || true)
check "verify --key \$KEYS/ec-public.pem --iss \$ISS --aud \$AUD --now $NOW '$other'" 1 \
    JWG_ERR_SIGNATURE_INVALID "ES256 token under another EC key"


finish
