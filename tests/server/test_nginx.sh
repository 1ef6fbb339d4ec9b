#!/bin/bash
# jwtguard serve behind a real Debian nginx (auth_request) that proxies to a
# real upstream echoing its request headers. Covered: allow, 401, 403, and
# 503 (which nginx turns into 500). Identity headers reach the upstream, and
# a client's own identity headers do not, also when the claim is absent.
set -euo pipefail
source "$JWG_SOURCE_DIR/tests/cli/lib.sh"
source "$JWG_SOURCE_DIR/tests/server/serve_lib.sh"
source "$JWG_SOURCE_DIR/tests/server/nginx_lib.sh"

if ! command -v nginx > /dev/null; then
    echo "nginx is not installed: run scripts/install-deps.sh"
    exit 1
fi

cd "$WORK"
head -c 32 /dev/urandom > hs.key && chmod 600 hs.key
cat > policy.yaml <<EOF_POLICY
version: 1
environment: test
service: orders
issuers:
  - issuer: https://issuer.test
    audiences: [api://orders]
    algorithms: [HS256]
    keys:
      - hmac_secret_file: hs.key
        alg: HS256
routes:
  - method: GET
    path_prefix: /orders
    scope_any_of: [orders:read]
  - method: "*"
    path_prefix: /orders
    scope_all_of: [orders:write]
identity_headers:
  sub: X-User-Id
  tenant: X-Tenant
gateway:
  client_address_header: X-Real-IP
EOF_POLICY
DEAD=$(free_port)
sed "s|      - hmac_secret_file: hs.key|      - jwks_url: http://127.0.0.1:$DEAD/jwks.json\n        allow_http_loopback: true\n        timeout: 1s|; s|algorithms: \[HS256\]|algorithms: [ES256]|; /        alg: HS256/d" policy.yaml > dead.yaml

start_serve --policy dead.yaml
DEAD_AUTH=$SERVE_PORT
DEAD_LOG=$SERVE_LOG
start_serve --policy policy.yaml
start_echo
NGINX_PORT=$(free_port)
write_nginx_conf "$NGINX_PORT" "$SERVE_PORT" "$APP_PORT" "$DEAD_AUTH"
start_nginx
wait_http "http://127.0.0.1:$NGINX_PORT/"
GW="http://127.0.0.1:$NGINX_PORT"

READ=$(sign_with hs.key --sub alice --claim 'scope="orders:read"' --claim 'tenant="acme"')
NO_TENANT=$(sign_with hs.key --sub bob --claim 'scope="orders:read"')
"$JWTGUARD" keygen --alg ES256 --kid ec1 --out-private ec.key --out-jwks ec.jwks 2> /dev/null
EC=$("$JWTGUARD" sign --key ec.key --kid ec1 --alg ES256 --ttl 600 --iss https://issuer.test --aud api://orders)

# Prints "status body" of a request through nginx: PATH, then curl options.
through() {
    local path=$1
    shift
    curl -s -w ' %{http_code}' "$@" "$GW$path"
}

# Prints the value the upstream saw for header $1 (lower case) in the body $2, or "<absent>".
seen() {
    jq -r --arg h "$1" '.headers[$h] // "<absent>"' <<< "$2"
}

OUT=$(through /orders/1 -H "Authorization: Bearer $READ" -H 'X-User-Id: mallory')
BODY=${OUT% *}
assert "allowed request reaches the upstream: $OUT" [ "${OUT##* }" = 200 ]
assert "upstream sees the sub as X-User-Id: $(seen x-user-id "$BODY")" [ "$(seen x-user-id "$BODY")" = alice ]
assert "upstream sees the tenant: $(seen x-tenant "$BODY")" [ "$(seen x-tenant "$BODY")" = acme ]
assert "upstream gets the original path: $BODY" [ "$(jq -r .path <<< "$BODY")" = /orders/1 ]

OUT=$(through /orders/2 -H "Authorization: Bearer $NO_TENANT" -H 'X-Tenant: evil' -H 'X-User-Id: mallory')
BODY=${OUT% *}
assert "claim absent: allowed: $OUT" [ "${OUT##* }" = 200 ]
T=$(seen x-tenant "$BODY")
assert "client X-Tenant does not reach the upstream when the claim is absent (saw $T)" [ "$T" = "<absent>" ] || [ -z "$T" ]
assert "client X-User-Id is overwritten: $(seen x-user-id "$BODY")" [ "$(seen x-user-id "$BODY")" = bob ]

OUT=$(curl -s -o /dev/null -D - "$GW/orders/1" | tr -d '\r')
assert "no token: 401 from nginx: $OUT" grep -q '^HTTP/1.1 401' <<< "$OUT"
assert "no token: nginx passes the challenge on" grep -qx 'WWW-Authenticate: Bearer realm="orders"' <<< "$OUT"
OUT=$(curl -s -o /dev/null -D - -H 'Authorization: Bearer e30.e30.c2ln' "$GW/orders/1" | tr -d '\r')
assert "invalid token: 401 with invalid_token" grep -qx 'WWW-Authenticate: Bearer realm="orders", error="invalid_token"' <<< "$OUT"

S=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $READ" "$GW/orders/1")
assert "POST needs orders:write: 403 (got $S)" [ "$S" = 403 ]
S=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $READ" "$GW/other")
assert "no route: 403 (got $S)" [ "$S" = 403 ]

S=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $EC" "$GW/dead/x")
assert "key source down: nginx turns the 503 into 500 (got $S)" [ "$S" = 500 ]
log_settle
assert "jwtguard answered 503 keys_unavailable" grep -q '"status":503,"reason":"keys_unavailable"' "$DEAD_LOG"
assert "nginx logged the unexpected status" grep -q 'auth request unexpected status: 503' "$WORK/nginx/error.log"

assert "jwtguard saw the client address from X-Real-IP" grep -q '"client":"127.0.0.1"' "$SERVE_LOG"
assert "jwtguard saw the original method POST" grep -q '"method":"POST","path":"/orders/1"' "$SERVE_LOG"

finish
