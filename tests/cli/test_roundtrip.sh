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

# sign --jws then verify --jws returns the payload file's bytes exactly,
# NUL and trailing newline included.
printf 'opaque\0bytes\n' > "$WORK/payload.bin"
jws_round_trip() {
    local reason=$1 sign_keys=$2 verify_keys=$3 token

    token=$("$JWTGUARD" sign --jws --payload-file "$WORK/payload.bin" $sign_keys) || {
        fail "$reason: sign --jws failed"
        return
    }
    check "verify --jws $verify_keys $token" 0 - "$reason"
    assert "$reason: payload bytes unchanged" cmp -s "$WORK/out" "$WORK/payload.bin"
}
jws_round_trip "JWS HS256" "--hmac-secret-file $HMAC --alg HS256" "--hmac-secret-file $HMAC"
jws_round_trip "JWS RS256 PEM" "--key $KEYS/rsa-private.pem --alg RS256" \
    "--key $KEYS/rsa-public.pem"
jws_round_trip "JWS ES256 keygen" "--key $WORK/ES256.pem --alg ES256 --kid gen-ES256" \
    "--jwks $WORK/ES256.jwks"
jws_round_trip "JWS EdDSA keygen" "--key $WORK/EdDSA.pem --alg EdDSA --kid gen-EdDSA" \
    "--jwks $WORK/EdDSA.jwks"

# The JWS header has no typ unless --typ sets one.
J="sign --jws --payload-file \$WORK/payload.bin --hmac-secret-file \$HMAC --alg HS256"
token=$("$JWTGUARD" sign --jws --payload-file "$WORK/payload.bin" --hmac-secret-file "$HMAC" \
    --alg HS256)
run "verify --jws --json --hmac-secret-file \$HMAC $token"
json_table "$WORK/out" <<'EOF'
.header == {"alg":"HS256"} :: JWS header without typ
.claims == null :: JWS has no claims
EOF
token=$("$JWTGUARD" sign --jws --payload-file "$WORK/payload.bin" --hmac-secret-file "$HMAC" \
    --alg HS256 --typ example+jws --kid k1)
run "verify --jws --json --hmac-secret-file \$HMAC $token"
json_table "$WORK/out" <<'EOF'
.header == {"alg":"HS256","typ":"example+jws","kid":"k1"} :: JWS header with --typ and --kid
EOF

# --jws takes no claim option, and needs a payload file of 1 byte to 1 MiB.
: > "$WORK/empty"
head -c $((1024 * 1024 + 1)) /dev/zero > "$WORK/big.bin"
head -c $((1024 * 1024)) /dev/zero > "$WORK/max.bin"
NO_CLAIMS="drop it: --jws signs the payload as it is and adds no claims"
check_table <<EOF
$J --iss \$ISS        | 2 | option conflicts with --jws (--iss): $NO_CLAIMS   | JWS with --iss
$J --aud \$AUD        | 2 | option conflicts with --jws (--aud): $NO_CLAIMS   | JWS with --aud
$J --sub alice        | 2 | option conflicts with --jws (--sub): $NO_CLAIMS   | JWS with --sub
$J --ttl 60           | 2 | option conflicts with --jws (--ttl): $NO_CLAIMS   | JWS with --ttl
$J --claim n=1        | 2 | option conflicts with --jws (--claim): $NO_CLAIMS | JWS with --claim
$J --now $NOW         | 2 | option conflicts with --jws (--now): $NO_CLAIMS   | JWS with --now
sign --jws --hmac-secret-file \$HMAC --alg HS256 | 2 | missing option (--payload-file): give --payload-file FILE with the bytes to sign | JWS without payload
sign --payload-file \$WORK/payload.bin --hmac-secret-file \$HMAC --alg HS256 --ttl 60 | 2 | option needs --jws (--payload-file): add --jws to sign the file as a JWS | payload without --jws
sign --jws --payload-file \$WORK/empty --hmac-secret-file \$HMAC --alg HS256 | 2 | payload file is empty ($WORK/empty): give a file of at least one byte | empty payload
sign --jws --payload-file \$WORK/big.bin --hmac-secret-file \$HMAC --alg HS256 | 2 | file is larger than 1 MiB ($WORK/big.bin): give a smaller payload file | payload over 1 MiB
sign --jws --payload-file \$WORK/max.bin --hmac-secret-file \$HMAC --alg HS256 | 0 | - | payload of exactly 1 MiB
sign --jws --payload-file \$WORK/missing --hmac-secret-file \$HMAC --alg HS256 | 2 | No such file or directory ($WORK/missing) | missing payload file
EOF

finish
