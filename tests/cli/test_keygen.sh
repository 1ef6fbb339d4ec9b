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
keygen --alg ES256 --out-private new.pem --out-jwks es.jwks          | 2 | file exists (es.jwks) | JWKS not overwritten
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
assert "no private key when the JWKS exists" test ! -e new.pem

# --force resets the mode of an existing, more open file.
chmod 644 es.pem
run "keygen --alg EdDSA --out-private es.pem --out-jwks es.jwks --force"
assert "forced overwrite restores 0600" test "$(mode es.pem)" = 600
json_table es.jwks <<'EOF'
.keys[0].kty == "OKP" :: EdDSA JWKS key type
.keys[0].crv == "Ed25519" :: EdDSA JWKS curve
EOF

# The two outputs must be different files, checked before anything is written.
mkdir "$WORK/dir"
touch "$WORK/dir/held.jwks"
ln "$WORK/dir/held.jwks" "$WORK/dir/hardlink.pem"
LONG=$(printf 'k%.0s' $(seq 250))
DIFFER="give --out-private and --out-jwks different files"
check_table <<EOF2
keygen --alg ES256 --out-private same --out-jwks same --force       | 2 | outputs must differ (same): $DIFFER | one path for both, forced
keygen --alg ES256 --out-private same --out-jwks same               | 2 | outputs must differ (same): $DIFFER | one path for both
keygen --alg ES256 --out-private same --out-jwks ./same             | 2 | outputs must differ (./same): $DIFFER | one file, two spellings
keygen --alg ES256 --out-private dir/hardlink.pem --out-jwks dir/held.jwks --force | 2 | outputs must differ (dir/held.jwks): $DIFFER | hard links to one inode
keygen --alg ES256 --out-private p2 --out-jwks nodir/x              | 2 | cannot open output directory (nodir/x): create the directory or choose another path [No such file or directory] | missing JWKS directory
keygen --alg ES256 --out-private p3 --out-jwks $LONG                | 2 | cannot create file ($LONG): check the directory's permissions [File name too long] | JWKS staging fails after the key
keygen --alg ES256 --out-private dir --out-jwks x.jwks --force      | 2 | output is not a regular file (dir): give a file path | directory as output
keygen --alg ES256 --out-private dir/ --out-jwks x.jwks             | 2 | output path names a directory (dir/): give a file path | trailing slash
EOF2
assert "no file for one path" test ! -e same
assert "no private key left for a missing directory" test ! -e p2
assert "no private key left when the JWKS fails" test ! -e p3
assert "no temporary file left" test -z "$(find . -name '*.tmp-*')"
assert "hard-linked file untouched" test ! -s dir/held.jwks
assert "no JWKS for a rejected directory" test ! -e x.jwks

# A symlink at the output path is never followed.
ln -s "$WORK/target" link.pem
check "keygen --alg ES256 --out-private link.pem --out-jwks l.jwks --force" 2 \
    "output file is a symbolic link (link.pem): give the link's target or another path" \
    "symlink output rejected"
assert "symlink target not created" test ! -e "$WORK/target"

finish
