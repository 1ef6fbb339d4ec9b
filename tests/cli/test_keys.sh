#!/bin/bash
# shellcheck disable=SC2034 # table rows read variables through eval
# jwtguard verify and sign: key files chosen by their declared format, and
# the errors for files that are not what the option expects.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

TOK=$("$JWTGUARD" sign --hmac-secret-file "$HMAC" --alg HS256 --ttl 600 --now "$NOW" \
    --iss "$ISS" --aud "$AUD")
printf 'not a key\n' > "$WORK/garbage.pem"
printf -- '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n' > "$WORK/pkcs1.pem"
printf -- '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' > "$WORK/broken-public.pem"
printf -- '-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n' > "$WORK/crl.pem"
cp "$SRC/tests/data/keys/cookbook/3_2.ec_private_key.json" "$WORK/private.jwk"
printf '{"kty":"oct","k":"%s"}' "$(base64 -w0 < "$HMAC" | tr '+/' '-_' | tr -d '=')" > "$WORK/secret.jwk"
printf 'tiny-secret-value' > "$WORK/weak.secret"
head -c 2000000 /dev/zero > "$WORK/huge.pem"
V="verify --iss \$ISS --aud \$AUD --now $NOW"

check_table <<EOF
$V --key \$KEYS/rsa-private.pem \$TOK      | 2 | private key given to --key | private PEM to --key
$V --key \$WORK/pkcs1.pem \$TOK            | 2 | private key given to --key | PKCS#1 private PEM to --key
$V --key \$WORK/private.jwk \$TOK          | 2 | private JWK given to --key | private JWK to --key
$V --key \$WORK/secret.jwk \$TOK           | 0 | -                          | HMAC secret JWK to --key
$V --key \$WORK/garbage.pem \$TOK          | 2 | not a PEM or JWK file ($WORK/garbage.pem): give a public key PEM, certificate PEM, public JWK, or oct JWK holding an HMAC secret | no armour, no JSON
verify --help                               | 0 | --key takes a PEM public key, a PEM certificate, a public JWK, or an oct JWK | help names the --key files
$V --key \$WORK/crl.pem \$TOK              | 2 | unsupported PEM label      | foreign PEM label
$V --key \$WORK/broken-public.pem \$TOK    | 2 | key rejected               | corrupt public key
$V --key \$WORK/missing.pem \$TOK          | 2 | cannot open file: No such file or directory | missing file
$V --key \$WORK/huge.pem \$TOK             | 2 | larger than 1 MiB          | size cap on key files
$V --hmac-secret-file \$WORK/weak.secret \$TOK | 2 | JWG_ERR_KEY_WEAK     | HMAC secret under 32 bytes
$V --jwks \$WORK/garbage.pem \$TOK         | 2 | key rejected               | JWK set that is not JSON
$V --jwks \$KEYS/rsa-public.pem \$TOK      | 2 | this is a PEM file ($KEYS/rsa-public.pem): pass it with --key | PEM given to --jwks
$V --jwks \$KEYS/rsa-private.pem \$TOK     | 2 | this is a private key PEM file | private PEM given to --jwks
$V --key \$KEYS/rsa.jwks.json \$TOK       | 2 | this is a JWK set, not one key ($KEYS/rsa.jwks.json): pass it with --jwks | JWK set given to --key
$V --jwks \$WORK/secret.jwk \$TOK         | 2 | this is a single JWK, not a JWK set | one JWK given to --jwks
sign --key \$KEYS/rsa-public.pem --alg RS256 --ttl 60   | 2 | not a private key PEM or JWK | public PEM to sign
sign --key \$WORK/pkcs1.pem --alg RS256 --ttl 60        | 2 | openssl pkcs8 -topk8        | PKCS#1 needs conversion
sign --key \$KEYS/rsa-private.pem --alg ES256 --ttl 60  | 2 | JWG_ERR_KEY_ALG_MISMATCH    | alg outside key family
sign --alg HS256 --ttl 60                               | 2 | no key given: pass either   | no key
sign --hmac-secret-file \$HMAC --ttl 60                 | 2 | --alg                       | missing --alg
sign --hmac-secret-file \$HMAC --alg HS256              | 2 | --ttl                       | missing --ttl
sign --hmac-secret-file \$HMAC --alg HS256 --ttl 60 --claim exp=1 | 2 | name is set by the signer (exp): use --ttl | reserved claim name
sign --hmac-secret-file \$HMAC --alg HS256 --ttl 60 --claim role=admin | 2 | value is not valid JSON (role): quote strings as JSON | value is not JSON
sign --hmac-secret-file \$HMAC --alg HS256 --ttl 60 --claim role | 2 | NAME=JSON          | no '=' in --claim
EOF

# Keys in each accepted format verify an RS256 token.
RS=$("$JWTGUARD" sign --key "$KEYS/rsa-private.pem" --alg RS256 --ttl 600 --now "$NOW" \
    --iss "$ISS" --aud "$AUD")
check_table <<EOF
$V --key \$KEYS/rsa-public.pem \$RS        | 0 | -                     | public key PEM
$V --key \$KEYS/rsa-cert.pem \$RS          | 0 | -                     | certificate PEM
$V --jwks \$KEYS/rsa.jwks.json \$RS        | 0 | -                     | JWK set
$V --key \$KEYS/ec-public.pem \$RS         | 1 | JWG_ERR_ALG_NOT_ALLOWED | key of another family
$V --key \$KEYS/rsa-public.pem --hmac-secret-file \$HMAC \$RS | 2 | give HMAC secrets and public keys to separate verifications | mixed key types
EOF

# Errors never print the secret.
run "verify --hmac-secret-file \$WORK/weak.secret --iss x --aud y \$TOK"
assert "weak secret is not echoed" test "${ERR//tiny-secret-value/}" = "$ERR"

finish
