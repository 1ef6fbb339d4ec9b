#!/bin/bash
# shellcheck disable=SC2034 # table rows read variables through eval
# jwtguard verify --policy: the example fleet's policy files, routing by
# issuer, claim rules, option conflicts and policy file errors.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# A copy of the examples, so that the secret file's mode can be set without touching the tree.
mkdir -p "$WORK/ex"
cp -r "$SRC/examples/policies" "$SRC/examples/keys" "$WORK/ex/"
chmod 600 "$WORK/ex/keys/hmac.secret"
P="$WORK/ex/policies"
K="$WORK/ex/keys"
SCHEMA="$SRC/tests/data/policies/schema"

sign() {
    "$JWTGUARD" sign --now "$NOW" --sub user-42 "$@"
}

RS=(--key "$K/rsa-private.pem" --kid rsa-2026 --alg RS256)
RS_READ=$(sign "${RS[@]}" --ttl 600 --iss "$ISS" --aud "$AUD" --claim 'scope="orders:read"')
ES_ADMIN=$(sign --key "$K/ec-private.pem" --kid ec-2026 --alg ES256 --ttl 600 --iss "$ISS" \
    --aud "$AUD" --claim 'scp=["orders:admin"]')
RS_NO_SCOPE=$(sign "${RS[@]}" --ttl 600 --iss "$ISS" --aud "$AUD")
RS_WRITE=$(sign "${RS[@]}" --ttl 600 --iss "$ISS" --aud "$AUD" --claim 'scope="orders:write"')
RS_LONG=$(sign "${RS[@]}" --ttl 7200 --iss "$ISS" --aud "$AUD" --claim 'scope="orders:read"')
RS_OTHER=$(sign "${RS[@]}" --ttl 600 --iss https://other.example --aud "$AUD")
RS_STAGING=$(sign "${RS[@]}" --ttl 600 --iss https://staging-issuer.example --aud "$AUD")
HS=(--hmac-secret-file "$K/hmac.secret" --alg HS256 --ttl 600 --aud "$AUD")
HS_STAGING=$(sign "${HS[@]}" --iss https://staging-issuer.example)
HS_CLAIMS_RSA_ISSUER=$(sign "${HS[@]}" --iss "$ISS" --claim 'scope="orders:read"')
BILL=(--ttl 600 --iss "$ISS" --aud api://billing --claim 'scope="billing:read"')
BILL_ACME=$(sign "${RS[@]}" "${BILL[@]}" --claim 'tenant="acme"')
BILL_EVIL=$(sign "${RS[@]}" "${BILL[@]}" --claim 'tenant="evil"')

V="verify --now $((NOW + 60)) --policy"

check_table <<TABLE
$V \$P/orders-prod.yaml \$RS_READ              | 0 | "sub":"user-42"          | prod: RS256 with a read scope
$V \$P/orders-prod.yaml \$ES_ADMIN             | 0 | "orders:admin"          | prod: ES256, scp array form
$V \$P/orders-prod.yaml \$RS_NO_SCOPE          | 1 | JWG_ERR_CLAIM_MISSING   | prod: scope rules need a scope
$V \$P/orders-prod.yaml \$RS_WRITE             | 1 | JWG_ERR_SCOPE           | prod: write is not read or admin
$V \$P/orders-prod.yaml \$RS_LONG              | 1 | JWG_ERR_LIFETIME        | prod: lifetime over 1 h
$V \$P/orders-prod.yaml \$HS_CLAIMS_RSA_ISSUER | 1 | JWG_ERR_ALG_NOT_ALLOWED | prod: HS256 never allowed
$V \$P/orders-prod.yaml \$RS_OTHER             | 1 | JWG_ERR_ISSUER          | prod: undeclared issuer
$V \$P/orders-staging.yaml \$HS_STAGING        | 0 | staging-issuer          | staging: HMAC issuer
$V \$P/orders-staging.yaml \$RS_READ           | 0 | orders:read             | staging: RSA issuer
$V \$P/orders-staging.yaml \$HS_CLAIMS_RSA_ISSUER | 1 | JWG_ERR_ALG_NOT_ALLOWED | staging: HMAC token naming the RSA issuer
$V \$P/orders-staging.yaml \$RS_STAGING        | 1 | JWG_ERR_ALG_NOT_ALLOWED | staging: RSA token naming the HMAC issuer
$V \$P/billing-prod.yaml \$BILL_ACME           | 0 | "tenant":"acme"         | billing: exact tenant
$V \$P/billing-prod.yaml \$BILL_EVIL           | 1 | JWG_ERR_CLAIM_VALUE     | billing: another tenant
$V \$P/billing-prod.yaml \$RS_READ             | 1 | JWG_ERR_AUDIENCE        | billing: orders audience
$V \$P/orders-prod.yaml --json \$RS_READ       | 0 | "valid":true            | json verdict
$V \$P/orders-prod.yaml --json \$RS_WRITE      | 1 | "error":"JWG_ERR_SCOPE" | json rejection
$V \$P/orders-prod.yaml --key \$K/rsa-public.pem \$RS_READ | 2 | option conflicts with --policy (--key) | key with policy
$V \$P/orders-prod.yaml --iss \$ISS \$RS_READ  | 2 | (--iss)                 | issuer with policy
$V \$P/orders-prod.yaml --no-exp-check \$RS_READ | 2 | (--no-exp-check)      | dropped check with policy
$V \$P/orders-prod.yaml --jws \$RS_READ        | 2 | (--jws)                 | JWS with policy
$V \$P/orders-prod.yaml --max-token-bytes 100 \$RS_READ | 2 | (--max-token-bytes) | size limit with policy
$V \$SCHEMA/unknown-key.yaml \$RS_READ         | 2 | unknown-key.yaml:3:1: servce: unknown key | schema error position
$V \$SCHEMA/jwks-url.yaml \$RS_READ            | 2 | mixed only with public key sources | JWKS URL mixed with a secret
$V \$WORK/none.yaml \$RS_READ                  | 2 | none.yaml: cannot open  | missing policy file
TABLE

# A secret file readable by others is rejected with its mode and the fix.
chmod 644 "$K/hmac.secret"
check "$V \$P/orders-staging.yaml \$HS_STAGING" 2 "mode 0644" "staging: loose secret mode"
assert "loose mode message names the fix" grep -q "chmod 600" "$WORK/err"
chmod 600 "$K/hmac.secret"

# A rejection never prints the secret or the token.
check "$V \$P/orders-staging.yaml \$HS_CLAIMS_RSA_ISSUER" 1 - "staging: rejection"
assert "rejection omits the token" test "$(grep -c -F "$HS_CLAIMS_RSA_ISSUER" "$WORK/err")" = 0

check "verify --help" 0 "--policy FILE" "help lists --policy"

finish
