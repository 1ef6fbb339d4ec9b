#!/bin/bash
# shellcheck disable=SC2034 # table rows read variables through eval
# jwtguard keygen: output files, their modes, overwrite protection.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

mode() {
    stat -c %a "$1"
}

cd "$WORK"
check_table <<EOF
keygen --alg ES256 --kid k1 --out-private es.pem --out-jwks es.jwks  | 0 | -                | ES256 key pair
keygen --alg ES256 --out-private es.pem --out-jwks other.jwks        | 2 | file exists      | no overwrite
keygen --alg ES256 --out-private new.pem --out-jwks es.jwks          | 2 | file exists      | JWKS not overwritten
keygen --alg ES256 --kid k1 --out-private es.pem --out-jwks es.jwks --force | 0 | -                | --force overwrites
keygen --alg HS256 --out-private hs.key                              | 0 | -                | HMAC secret
keygen --alg HS512 --out-private hs.key --out-jwks hs.jwks           | 2 | drop --out-jwks  | no JWKS for a secret
keygen --alg RS256 --bits 1024 --out-private r.pem --out-jwks r.jwks | 2 | invalid number   | RSA under 2048 bits
keygen --alg RS256 --out-private r.pem                               | 2 | --out-jwks       | JWKS path required
keygen --alg none --out-private n.pem --out-jwks n.jwks              | 2 | key generation failed | none is no algorithm
keygen --out-private x.pem                                           | 2 | --alg            | --alg required
EOF

assert "private key mode 0600" test "$(mode es.pem)" = 600
assert "private key is PKCS#8" grep -q 'BEGIN PRIVATE KEY' es.pem
json_table es.jwks <<'EOF'
.keys | length == 1 :: JWKS has one key
.keys[0].kid == "k1" :: JWKS key has the kid
.keys[0].alg == "ES256" :: JWKS key has the alg
.keys[0] | has("d") | not :: JWKS has no private member
EOF
assert "secret mode 0600" test "$(mode hs.key)" = 600
assert "HS256 secret is 32 bytes" test "$(stat -c %s hs.key)" = 32
assert "no JWKS for HS512 attempt" test ! -e hs.jwks
assert "nothing written for rejected --bits" test ! -e r.pem

# --force resets the mode of an existing, more open file.
chmod 644 es.pem
run "keygen --alg EdDSA --out-private es.pem --out-jwks es.jwks --force"
assert "forced overwrite restores 0600" test "$(mode es.pem)" = 600
json_table es.jwks <<'EOF'
.keys[0].kty == "OKP" :: EdDSA JWKS key type
.keys[0].crv == "Ed25519" :: EdDSA JWKS curve
EOF

# A symlink at the output path is never followed.
ln -s "$WORK/target" link.pem
run "keygen --alg ES256 --out-private link.pem --out-jwks l.jwks --force"
assert "symlink output rejected" test "$STATUS" = 2
assert "symlink target not created" test ! -e "$WORK/target"

finish
