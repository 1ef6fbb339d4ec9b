#!/bin/sh
# Regenerates examples/tokens/*.jwt: valid tokens from `jwtguard sign` and
# attack tokens forged by forge.py. All are issued at a fixed time (NOW) so
# that demo.sh, which verifies at NOW + 60, gives the same verdicts forever.
# Run once and commit the output; the demo never regenerates tokens.
# Usage: JWTGUARD=build/jwtguard sh examples/make-tokens.sh
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
JWTGUARD="${JWTGUARD:-$here/../build/jwtguard}"
PYTHON=/usr/bin/python3
NOW=1767225600 # 2026-01-01T00:00:00Z
ISS=https://issuer.example
AUD=api://orders
keys="$here/keys"
out="$here/tokens"

chmod 600 "$keys/hmac.secret"
mkdir -p "$out"
rm -f "$out"/*.jwt

sign() {
    name=$1
    shift
    "$JWTGUARD" sign --now "$NOW" --ttl 600 --sub user-42 "$@" > "$out/$name.jwt"
}

forge() {
    "$PYTHON" "$here/forge.py" "$1" "$NOW" "$keys" "${2:-}" > "$out/$1.jwt"
}

sign valid-rs256 --key "$keys/rsa-private.pem" --kid rsa-2026 --alg RS256 --iss "$ISS" --aud "$AUD"
sign valid-ps256 --key "$keys/rsa-private.pem" --alg PS256 --iss "$ISS" --aud "$AUD"
sign valid-es256 --key "$keys/ec-private.pem" --kid ec-2026 --alg ES256 --iss "$ISS" --aud "$AUD"
sign valid-eddsa --key "$keys/ed25519-private.pem" --kid ed-2026 --alg EdDSA --iss "$ISS" \
    --aud "$AUD"
sign valid-hs256 --hmac-secret-file "$keys/hmac.secret" --alg HS256 --iss "$ISS" --aud "$AUD" \
    --claim 'scope="orders:read"'

# Claim failures: each token is validly signed and wrong in one claim.
sign expired --key "$keys/rsa-private.pem" --kid rsa-2026 --alg RS256 --iss "$ISS" --aud "$AUD" \
    --now $((NOW - 3600))
sign wrong-aud --key "$keys/rsa-private.pem" --kid rsa-2026 --alg RS256 --iss "$ISS" \
    --aud api://billing
sign wrong-iss --key "$keys/rsa-private.pem" --kid rsa-2026 --alg RS256 --iss https://evil.example \
    --aud "$AUD"
sign not-yet-valid --key "$keys/rsa-private.pem" --kid rsa-2026 --alg RS256 --iss "$ISS" \
    --aud "$AUD" --claim nbf=$((NOW + 3600))

# Attacks that need a hand-built header, claims or signature.
for kind in alg-none alg-none-mixed-case hs-rs-confusion embedded-jku embedded-jwk \
    kid-path-traversal kid-sql-injection no-exp crit-unknown duplicate-alg \
    es256-der-signature oversize; do
    forge "$kind"
done
forge tampered-payload "$(cat "$out/valid-rs256.jwt")"

ls "$out"
