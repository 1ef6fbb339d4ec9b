#!/bin/bash
# shellcheck disable=SC2034 # table rows read variables through eval
# jwtguard verify --policy with a jwks_url and an oidc_issuer key source,
# against tests/data/jwks_server.py on 127.0.0.1 with a test CA: valid and
# rejected tokens, and a server that is down (exit 2: no verdict on the token).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SERVER_PID=
trap 'if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT

CERTS="$WORK/certs"
ROOT="$WORK/root"
mkdir -p "$CERTS" "$ROOT/.well-known"
EC=(ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2)
openssl req -x509 -newkey "${EC[@]}" -keyout "$CERTS/ca.key" -out "$CERTS/ca.pem" \
    -subj "/CN=jwtguard test CA" 2> /dev/null
openssl req -x509 -newkey "${EC[@]}" -keyout "$CERTS/server.key" -out "$CERTS/server.pem" \
    -subj /CN=127.0.0.1 -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca.key" \
    -addext subjectAltName=IP:127.0.0.1 -addext basicConstraints=critical,CA:FALSE 2> /dev/null

cp "$SRC/examples/keys/rsa.jwks.json" "$ROOT/jwks.json"
/usr/bin/python3 "$SRC/tests/data/jwks_server.py" "$ROOT" "$WORK/port" "$CERTS/server.pem" \
    "$CERTS/server.key" 2> /dev/null &
SERVER_PID=$!
for _ in $(seq 100); do
    [ -s "$WORK/port" ] && break
    sleep 0.1
done
BASE="https://127.0.0.1:$(cat "$WORK/port")"
printf '{"issuer":"%s","jwks_uri":"%s/jwks.json"}' "$BASE" "$BASE" > "$ROOT/.well-known/openid-configuration"

# One issuer whose keys come from the source given as YAML lines; the CA path is relative to the file.
policy() {
    cat > "$WORK/$1" <<YAML
version: 1
environment: test
service: orders
issuers:
  - issuer: $ISS
    audiences: [$AUD]
    algorithms: [RS256]
    keys:
$2
        ca_file: certs/ca.pem
YAML
}
policy url.yaml "      - jwks_url: $BASE/jwks.json"
policy oidc.yaml "      - oidc_issuer: $BASE"
policy missing.yaml "      - jwks_url: $BASE/missing.json"

sign() {
    "$JWTGUARD" sign --now "$NOW" --sub user-42 --ttl 600 --iss "$ISS" --aud "$AUD" --alg RS256 \
        --key "$SRC/examples/keys/rsa-private.pem" "$@"
}
GOOD=$(sign --kid rsa-2026)
OTHER_KID=$(sign --kid rsa-2027)

V="verify --now $((NOW + 60)) --policy"

check_table <<TABLE
$V \$WORK/url.yaml \$GOOD          | 0 | "sub":"user-42"                 | jwks_url: a token signed by the served key
$V \$WORK/oidc.yaml \$GOOD         | 0 | "sub":"user-42"                 | oidc_issuer: discovery, then the same set
$V \$WORK/url.yaml \$OTHER_KID     | 1 | JWG_ERR_KEY_NOT_FOUND           | a kid the set lacks, after one refetch
$V \$WORK/missing.yaml \$GOOD      | 2 | error: JWG_ERR_KEY_SOURCE_UNAVAILABLE | the set cannot be fetched: an error, not a rejection
TABLE

kill "$SERVER_PID"
wait "$SERVER_PID" 2> /dev/null || true
SERVER_PID=

check_table <<TABLE
$V \$WORK/url.yaml \$GOOD          | 2 | JWG_ERR_KEY_SOURCE_UNAVAILABLE  | server down: exit 2, not a rejection
TABLE

finish
