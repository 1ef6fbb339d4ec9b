#!/bin/bash
# jwtguard serve against curl and small Python clients. Covered: the nginx,
# forward (Traefik, Caddy) and Envoy endpoints with the headers each gateway
# sends; allow, 401, 403 and 503 with their challenges; identity headers;
# the shared secret, /readyz, /metrics and the event log; SIGHUP key
# rotation on an open connection, a failed reload, slow clients and SIGTERM.
set -euo pipefail
source "$JWG_SOURCE_DIR/tests/cli/lib.sh"
source "$JWG_SOURCE_DIR/tests/server/serve_lib.sh"

cd "$WORK"
head -c 32 /dev/urandom > key-a && head -c 32 /dev/urandom > key-b && chmod 600 key-a key-b
cp key-a current.key && chmod 600 current.key

write_policy() { # FILE, then extra YAML for the gateway section
    cat > "$1" <<EOF_POLICY
version: 1
environment: test
service: orders
issuers:
  - issuer: https://issuer.test
    audiences: [api://orders]
    algorithms: [HS256]
    keys:
      - hmac_secret_file: current.key
        alg: HS256
routes:
  - method: GET
    path_prefix: /orders
    scope_any_of: [orders:read]
  - method: "*"
    path_prefix: /orders
    scope_all_of: [orders:write]
  - method: "*"
    path_prefix: /admin
    scope_all_of: [orders:admin]
  - method: "*"
    path_prefix: /public
identity_headers:
  sub: X-User-Id
  tenant: X-Tenant
gateway:
  realm: orders
  client_address_header: X-Real-IP
  region_header: X-Region
  service_header: X-Service
$2
EOF_POLICY
}
write_policy policy.yaml ""
start_serve --policy policy.yaml
MAIN_PID=$SERVE_PID

READ=$(sign_with key-a --sub alice --claim 'scope="orders:read orders:write"')
ADMIN=$(sign_with key-a --sub root --claim 'scope="orders:admin"' --claim 'tenant="acme"')
OTHER_KEY=$(sign_with key-b --sub mallory --claim 'scope="orders:admin"')
NGINX=(-H 'X-Original-Method: GET')

# One request per row: expected status | reason | curl arguments after the endpoint path.
request_table() {
    local expected reason path args
    while IFS='|' read -r expected path reason args; do
        expected=$(echo "$expected" | tr -d ' ')
        [ -n "$expected" ] && [ "${expected:0:1}" != "#" ] || continue
        path=$(echo "$path" | tr -d ' ')
        local got
        got=$(eval "curl -s -o /dev/null -w '%{http_code}' $args \"\$SERVE_URL$path\"")
        assert "$reason: got $got, expected $expected" [ "$got" = "$expected" ]
    done
}

# Succeeds when the jq filter $1 is true for the JSON text $2.
json_true() {
    jq -e "$1" > /dev/null <<< "$2"
}

request_table <<EOF_TABLE
200 | /auth/nginx   | nginx: GET with scope read        | -H "Authorization: Bearer $READ" -H 'X-Original-Method: GET' -H 'X-Original-URI: /orders/7?x=1'
200 | /auth/nginx   | nginx: "Bearer" in lower case     | -H "Authorization: bearer $READ" -H 'X-Original-Method: GET' -H 'X-Original-URI: /orders/7'
200 | /auth/nginx   | nginx: POST takes the * route     | -H "Authorization: Bearer $READ" -H 'X-Original-Method: POST' -H 'X-Original-URI: /orders'
403 | /auth/nginx   | nginx: admin route needs admin    | -H "Authorization: Bearer $READ" -H 'X-Original-Method: GET' -H 'X-Original-URI: /admin/users'
403 | /auth/nginx   | nginx: ../ cannot reach /admin    | -H "Authorization: Bearer $READ" -H 'X-Original-Method: GET' -H 'X-Original-URI: /public/../admin'
403 | /auth/nginx   | nginx: %2e%2e cannot either       | -H "Authorization: Bearer $READ" -H 'X-Original-Method: GET' -H 'X-Original-URI: /public/%2e%2e/admin'
403 | /auth/nginx   | nginx: encoded slash rejected     | -H "Authorization: Bearer $READ" -H 'X-Original-Method: GET' -H 'X-Original-URI: /public%2F..%2Fadmin'
403 | /auth/nginx   | nginx: no route matches           | -H "Authorization: Bearer $READ" -H 'X-Original-Method: GET' -H 'X-Original-URI: /elsewhere'
200 | /auth/nginx   | nginx: admin token on admin       | -H "Authorization: Bearer $ADMIN" -H 'X-Original-Method: DELETE' -H 'X-Original-URI: /admin/users/1'
200 | /auth/nginx   | nginx: X-Original-URL form        | -H "Authorization: Bearer $READ" -H 'X-Original-Method: GET' -H 'X-Original-URL: https://api.test/orders/1'
401 | /auth/nginx   | nginx: no token                   | -H 'X-Original-Method: GET' -H 'X-Original-URI: /orders'
401 | /auth/nginx   | nginx: Basic is no bearer token   | -H 'Authorization: Basic dTpw' -H 'X-Original-Method: GET' -H 'X-Original-URI: /orders'
401 | /auth/nginx   | nginx: key of another issuer      | -H "Authorization: Bearer $OTHER_KEY" -H 'X-Original-Method: GET' -H 'X-Original-URI: /public'
401 | /auth/nginx   | nginx: malformed token            | -H 'Authorization: Bearer a.b' -H 'X-Original-Method: GET' -H 'X-Original-URI: /public'
400 | /auth/nginx   | nginx: original URI missing       | -H "Authorization: Bearer $READ" -H 'X-Original-Method: GET'
400 | /auth/nginx   | nginx: original method missing    | -H "Authorization: Bearer $READ" -H 'X-Original-URI: /orders'
200 | /auth/forward | Traefik: forward auth headers     | -H "Authorization: Bearer $READ" -H 'X-Forwarded-Method: GET' -H 'X-Forwarded-Proto: https' -H 'X-Forwarded-Host: api.test' -H 'X-Forwarded-Uri: /orders/1?page=2' -H 'X-Forwarded-For: 192.0.2.10'
403 | /auth/forward | Caddy: DELETE on admin            | -H "Authorization: Bearer $READ" -H 'X-Forwarded-Method: DELETE' -H 'X-Forwarded-Uri: /admin' -H 'X-Forwarded-Proto: https' -H 'X-Forwarded-Host: api.test' -H 'X-Forwarded-For: 192.0.2.10'
200 | /auth/envoy/orders/9       | Envoy: original method and path      | -X PUT -H "Authorization: Bearer $READ" -H 'Host: api.test' -H 'Content-Length: 0'
200 | /auth/envoy/orders/9?a=1   | Envoy: query after the path          | -H "Authorization: Bearer $READ" -H 'Host: api.test'
403 | /auth/envoy/admin          | Envoy: route rules apply             | -X POST -H "Authorization: Bearer $READ" -H 'Host: api.test' -H 'Content-Length: 0'
200 | /auth/envoy/public         | Envoy: with_request_body sends a body | -X POST -H "Authorization: Bearer $READ" -H 'x-envoy-auth-partial-body: false' --data-binary 'hello'
404 | /auth/other   | unknown endpoint                  | -H "Authorization: Bearer $READ"
200 | /healthz      | liveness                          |
200 | /readyz       | file keys are always ready        |
EOF_TABLE

# Size limits: a token near token.max_bytes (16 KiB) with other headers fits; 40 KiB of headers does not.
PAD=$(head -c 11000 /dev/zero | tr '\0' x)
BIG=$(sign_with key-a --sub alice --claim "pad=\"$PAD\"" --claim 'scope="orders:read"')
COOKIE="theme=$(head -c 3000 /dev/zero | tr '\0' c)"
request_table <<EOF_TABLE
200 | /auth/nginx | 15 KB token and a 3 KB cookie fit   | -H "Authorization: Bearer $BIG" -H "Cookie: $COOKIE" -H 'X-Original-Method: GET' -H 'X-Original-URI: /orders'
431 | /healthz    | 40 KiB of headers: 431 from the server | -H "X-Junk: $(head -c 40000 /dev/zero | tr '\0' j)"
EOF_TABLE

# Challenges (RFC 6750 3 and 3.1) and identity headers.
H=$(header_of WWW-Authenticate /auth/nginx -H 'X-Original-Method: GET' -H 'X-Original-URI: /orders')
assert "no token: challenge without error, got [$H]" [ "$H" = 'Bearer realm="orders"' ]
H=$(header_of WWW-Authenticate /auth/nginx -H 'Authorization: Bearer a.b.c' "${NGINX[@]}" -H 'X-Original-URI: /orders')
assert "invalid token: invalid_token, got [$H]" [ "$H" = 'Bearer realm="orders", error="invalid_token"' ]
H=$(header_of WWW-Authenticate /auth/nginx -H "Authorization: Bearer $READ" "${NGINX[@]}" -H 'X-Original-URI: /admin')
assert "missing scope: insufficient_scope, got [$H]" [ "$H" = 'Bearer realm="orders", error="insufficient_scope"' ]
# Two Authorization headers: RFC 9110 5.3 allows no list for it, so neither is used (RFC 6750 3.1).
request_table <<EOF_TABLE
400 | /auth/nginx   | two Authorization headers, both valid  | -H "Authorization: Bearer $READ" -H "Authorization: Bearer $ADMIN" -H 'X-Original-Method: GET' -H 'X-Original-URI: /orders'
400 | /auth/nginx   | a bad one, then a valid one            | -H 'Authorization: Basic dTpw' -H "Authorization: Bearer $READ" -H 'X-Original-Method: GET' -H 'X-Original-URI: /orders'
400 | /auth/envoy/orders/9 | Envoy: two Authorization headers | -H "Authorization: Bearer $READ" -H "authorization: Bearer $READ"
EOF_TABLE
H=$(header_of WWW-Authenticate /auth/nginx -H "Authorization: Bearer $READ" -H "Authorization: Bearer $ADMIN" "${NGINX[@]}" -H 'X-Original-URI: /orders')
assert "two Authorization headers: invalid_request, got [$H]" [ "$H" = 'Bearer realm="orders", error="invalid_request"' ]
log_settle
assert "two Authorization headers logged as invalid_request" bash -c "grep '\"reason\":\"invalid_request\"' '$SERVE_LOG' | grep -q '\"status\":400'"
H=$(header_of X-User-Id /auth/nginx -H "Authorization: Bearer $READ" "${NGINX[@]}" -H 'X-Original-URI: /orders')
assert "identity header carries sub, got [$H]" [ "$H" = alice ]
HEADERS=$(curl -s -o /dev/null -D - -H "Authorization: Bearer $READ" -H 'X-Tenant: evil' "${NGINX[@]}" \
    -H 'X-Original-URI: /orders' "$SERVE_URL/auth/nginx" | tr -d '\r')
assert "absent claim still sends its header, empty: [$HEADERS]" grep -qx 'X-Tenant: *' <<< "$HEADERS"
H=$(header_of X-Tenant /auth/nginx -H "Authorization: Bearer $ADMIN" "${NGINX[@]}" -H 'X-Original-URI: /admin')
assert "tenant claim, got [$H]" [ "$H" = acme ]
H=$(header_of X-User-Id /auth/nginx -H "Authorization: Bearer $READ" "${NGINX[@]}" -H 'X-Original-URI: /admin')
assert "no identity header on a deny, got [$H]" [ -z "$H" ]

# The event log: one JSON object per decision, with the fingerprint and never the token.
curl -s -o /dev/null -H "Authorization: Bearer $READ" -H 'X-Real-IP: 198.51.100.7' -H 'X-Region: eu-west' \
    -H 'X-Service: billing' "${NGINX[@]}" -H 'X-Original-URI: /orders/1' "$SERVE_URL/auth/nginx"
log_settle
LAST=$(grep '"event":"decision"' "$SERVE_LOG" | tail -1)
assert "log is JSON: $LAST" json_true . "$LAST"
for filter in '.decision == "allow"' '.status == 200' '.sub == "alice"' '.iss == "https://issuer.test"' \
    '.alg == "HS256"' '.route == "GET /orders"' '.client == "198.51.100.7"' '.region == "eu-west"' \
    '.service == "billing"' '.cache_hit == true' '.token_fp | length == 16'; do
    assert "decision event: $filter in $LAST" json_true "$filter" "$LAST"
done
SIGNATURE=${READ##*.}
assert "log never contains a token" bash -c "! grep -q -F -e '$SIGNATURE' -e '${READ%%.*}.' '$SERVE_LOG'"
DENY=$(grep '"reason":"insufficient_scope"' "$SERVE_LOG" | tail -1)
assert "deny logs the library error: $DENY" json_true '.error == "JWG_ERR_SCOPE" and .error_code == 509 and .status == 403' "$DENY"

# The detail of a scope denial names the claim read and the missing scopes, never the token.
NOSCOPE=$(sign_with key-a --sub carol)
SCP=$(sign_with key-a --sub dave --claim 'scp=["orders:read","orders:write"]')
OTHER=$(sign_with key-a --sub erin --claim 'scope="billing:read"')
scope_detail() { # TOKEN URI: prints the detail of the insufficient_scope event of that request
    curl -s -o /dev/null -H "Authorization: Bearer $1" "${NGINX[@]}" -H "X-Original-URI: $2" "$SERVE_URL/auth/nginx"
    log_settle
    grep '"reason":"insufficient_scope"' "$SERVE_LOG" | tail -1 | jq -r .detail
}
while IFS='|' read -r token uri expected; do
    token=$(echo "$token" | tr -d ' ')
    uri=$(echo "$uri" | tr -d ' ')
    expected=$(echo "$expected" | sed 's/^ *//; s/ *$//')
    got=$(scope_detail "${!token}" "$uri")
    assert "scope detail for $token on $uri: [$got]" [ "$got" = "$expected" ]
    SIG=${!token##*.}
    assert "scope detail has no token signature: $token" [ "${got/"$SIG"/}" = "$got" ]
done <<'EOF_TABLE'
READ    | /admin/x  | the token's "scope" claim lacks orders:admin, which route * /admin requires
SCP     | /admin/x  | the token's "scp" claim lacks orders:admin, which route * /admin requires
OTHER   | /orders/1 | the token's "scope" claim has none of orders:read, which route GET /orders accepts
NOSCOPE | /admin/x  | the token has no "scope" or "scp" claim, and route * /admin requires orders:admin
NOSCOPE | /orders/1 | the token has no "scope" or "scp" claim, and route GET /orders requires one of orders:read
EOF_TABLE

# Batched event lines under load: wrk's requests overflow the 64 KiB batch
# many times, and still every line is one whole JSON object.
BEFORE=$(grep -c '"event":"decision"' "$SERVE_LOG")
wrk -t2 -c16 -d2s -H "Authorization: Bearer $READ" -H 'X-Original-Method: GET' -H 'X-Original-URI: /orders/1' \
    "$SERVE_URL/auth/nginx" > "$WORK/wrk.out"
log_settle
AFTER=$(grep -c '"event":"decision"' "$SERVE_LOG")
assert "load wrote over 64 KiB of lines: $((AFTER - BEFORE))" [ $((AFTER - BEFORE)) -gt 1000 ]
BROKEN=$(grep -cv '^{"time":"[^"]*","event":"[a-z_]*".*}$' "$SERVE_LOG" || true)
assert "no split or interleaved line: $BROKEN" [ "$BROKEN" = 0 ]
assert "every line is JSON" bash -c "jq -c . '$SERVE_LOG' > /dev/null"

# /metrics in Prometheus text format.
METRICS=$(curl -s "$SERVE_URL/metrics")
for want in 'jwtguard_decisions_total{decision="allow",status="200",reason="ok",code=""}' \
    'jwtguard_decisions_total{decision="deny",status="403",reason="insufficient_scope",code="JWG_ERR_SCOPE"}' \
    'jwtguard_decisions_total{decision="deny",status="401",reason="token_invalid",code="JWG_ERR_SIGNATURE_INVALID"}' \
    'jwtguard_decisions_total{decision="error",status="503",reason="keys_unavailable",code=""} 0' \
    'jwtguard_decision_seconds_bucket{le="+Inf"}' 'jwtguard_cache_hits_total' 'jwtguard_cache_entries' \
    'jwtguard_reloads_total 0' 'jwtguard_state_redis_connected 0' 'jwtguard_anomaly_alerts_total 0'; do
    assert "metrics contain $want" grep -qF "$want" <<< "$METRICS"
done
HITS=$(awk '$1 == "jwtguard_cache_hits_total" { print $2 }' <<< "$METRICS")
assert "repeated tokens hit the cache ($HITS)" [ "$HITS" -gt 5 ]

# A failed reload keeps the previous policy.
cp policy.yaml policy.good && echo "unknown_key: 1" >> policy.yaml
kill -HUP "$MAIN_PID" && sleep 1.5
assert "failed reload is logged" grep -q '"event":"reload_failed"' "$SERVE_LOG"
S=$(status_of /auth/nginx -H "Authorization: Bearer $READ" "${NGINX[@]}" -H 'X-Original-URI: /orders')
assert "old policy still serves after a failed reload ($S)" [ "$S" = 200 ]
cp policy.good policy.yaml

# SIGHUP key rotation on one open connection: A is then rejected, B accepted.
A=$(sign_with key-a --sub alice)
B=$(sign_with key-b --sub alice)
cp key-b current.key
R=$("$PY" "$SRC/tests/server/serve_clients.py" keepalive "$SERVE_PORT" "$MAIN_PID" "$A" "$B")
assert "SIGHUP rotation keeps the connection: $R" [ "$R" = ok ]
assert "reload is logged" grep -q '"event":"reload"' "$SERVE_LOG"
assert "reload counted" grep -q '^jwtguard_reloads_total 1$' <<< "$(curl -s "$SERVE_URL/metrics")"

# Slow clients: 60 connections sending a byte a second are closed after --request-timeout.
start_serve --policy policy.yaml --request-timeout 2 --max-connections 100
R=$("$PY" "$SRC/tests/server/serve_clients.py" slowloris "$SERVE_PORT" 60 2)
assert "slow clients are closed and others served: $R" [ "$R" = ok ]
assert "slow closes counted" bash -c "curl -s '$SERVE_URL/metrics' | grep -Eq '^jwtguard_slow_connections_closed_total [1-9]'"

# Slow bodies: 16 POSTs that send a 60000-byte body a byte a second fill
# every slot. The request timeout covers the body too, so they are closed.
start_serve --policy policy.yaml --request-timeout 2 --max-connections 16
R=$("$PY" "$SRC/tests/server/serve_clients.py" slowbody "$SERVE_PORT" 16 2)
assert "slow bodies are closed, then healthz answers: $R" [ "$R" = ok ]
# A body announced over 64 KiB is rejected before it is read.
S=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Length: 65537' --max-time 5 "$SERVE_URL/auth/envoy/x" || true)
assert "announced body over 64 KiB is 413 ($S)" [ "$S" = 413 ]
# A chunked body has no Content-Length: it is read and dropped, then gets 413.
head -c 70000 /dev/zero | tr '\0' b > big-body
S=$(curl -s -o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked' --data-binary @big-body --max-time 5 "$SERVE_URL/auth/envoy/x" || true)
assert "chunked body over 64 KiB is 413 ($S)" [ "$S" = 413 ]

# Shared secret: the gateway must send it, on the auth endpoints and /metrics.
# The file contains the 16-byte minimum and a newline, which is not part of
# the secret, and group members may read it.
printf 'gateway-secret16\n' > secret && chmod 640 secret
start_serve --policy policy.yaml --shared-secret-file secret
request_table <<EOF_TABLE
403 | /auth/nginx | secret missing              | -H "Authorization: Bearer $B" -H 'X-Original-Method: GET' -H 'X-Original-URI: /public'
403 | /auth/nginx | secret wrong                | -H 'X-Jwtguard-Secret: gateway-secret1T' -H "Authorization: Bearer $B" -H 'X-Original-Method: GET' -H 'X-Original-URI: /public'
200 | /auth/nginx | secret right                | -H 'X-Jwtguard-Secret: gateway-secret16' -H "Authorization: Bearer $B" -H 'X-Original-Method: GET' -H 'X-Original-URI: /public'
403 | /metrics    | metrics need the secret too |
200 | /metrics    | metrics with the secret     | -H 'X-Jwtguard-Secret: gateway-secret16'
200 | /healthz    | health needs no secret      |
EOF_TABLE

# Cookie tokens (token.from: cookie NAME).
sed 's/^issuers:/token:\n  from: cookie session\nissuers:/' policy.yaml > cookie.yaml
start_serve --policy cookie.yaml
request_table <<EOF_TABLE
200 | /auth/nginx | cookie token                   | -H "Cookie: theme=dark; session=$B" -H 'X-Original-Method: GET' -H 'X-Original-URI: /public'
401 | /auth/nginx | Authorization ignored for cookie | -H "Authorization: Bearer $B" -H 'X-Original-Method: GET' -H 'X-Original-URI: /public'
EOF_TABLE

# Query tokens (token.from: query NAME), in the original URI and in Envoy's check path.
sed 's/^issuers:/token:\n  from: query access_token\nissuers:/' policy.yaml > query.yaml
start_serve --policy query.yaml
QPAD=$(head -c 3000 /dev/zero | tr '\0' q)
BIGQ=$(sign_with key-b --sub alice --claim "pad=\"$QPAD\"")
assert "query token is over 4 KB: ${#BIGQ}" [ "${#BIGQ}" -gt 4096 ]
request_table <<EOF_TABLE
200 | /auth/envoy/public?access_token=$BIGQ | 4 KB query token on the Envoy path |
200 | /auth/nginx                           | query token in X-Original-URI  | -H 'X-Original-Method: GET' -H "X-Original-URI: /public?a=1&access_token=$B"
200 | /auth/envoy/public?access_token=$B    | query token on the Envoy path  |
401 | /auth/nginx                           | another parameter is no token  | -H 'X-Original-Method: GET' -H "X-Original-URI: /public?token=$B"
EOF_TABLE

# A JWKS URL where nothing listens: 503, distinct from token errors, and not ready.
DEAD=$(free_port)
cat > dead.yaml <<EOF_POLICY
version: 1
environment: test
service: orders
issuers:
  - issuer: https://issuer.test
    audiences: [api://orders]
    algorithms: [ES256]
    keys:
      - jwks_url: http://127.0.0.1:$DEAD/jwks.json
        allow_http_loopback: true
        timeout: 1s
EOF_POLICY
"$JWTGUARD" keygen --alg ES256 --kid ec1 --out-private ec.key --out-jwks ec.jwks 2> /dev/null
EC=$("$JWTGUARD" sign --key ec.key --kid ec1 --alg ES256 --ttl 600 --iss https://issuer.test --aud api://orders)
start_serve --policy dead.yaml
request_table <<EOF_TABLE
503 | /auth/nginx | key source unavailable | -H "Authorization: Bearer $EC" -H 'X-Original-Method: GET' -H 'X-Original-URI: /x'
503 | /readyz     | not ready without keys |
EOF_TABLE
log_settle
assert "503 logged as keys_unavailable" grep -q '"reason":"keys_unavailable","error_code":703' "$SERVE_LOG"

# Start-up errors.
write_policy bad-prefix.yaml "  redis_prefix: 'a*b'"
printf 'version: 1\n- [\n' > broken.yaml
printf 'fifteen-bytes-x\n' > secret-15 && chmod 600 secret-15
printf 'sixteen\0bytes-xx\n' > secret-nul && chmod 600 secret-nul
head -c 4097 /dev/zero | tr '\0' x > secret-big && chmod 600 secret-big
printf 'gateway-secret16\n' > secret-644 && chmod 644 secret-644
printf 'gateway-secret16\n' > secret-602 && chmod 602 secret-602
check_table <<EOF_TABLE
serve --policy $WORK/bad-prefix.yaml                   | 2 | redis_prefix                        | glob character in the Redis prefix
serve                                                  | 2 | missing option (--policy)            | policy required
serve --policy $WORK/policy.yaml --listen 0.0.0.0:1    | 2 | listen address is not loopback      | remote needs --allow-remote
serve --policy $WORK/policy.yaml --listen nonsense     | 2 | invalid listen address (nonsense)   | address form
serve --policy $WORK/policy.yaml --threads 0           | 2 | invalid value (--threads)           | thread count range
serve --policy $WORK/missing.yaml                      | 2 | cannot load the policy ($WORK/missing.yaml): check the --policy path and that this user may read it [cannot open: No such file or directory] | policy file missing, its path named once
serve --policy $WORK/broken.yaml                       | 2 | cannot load the policy ($WORK/broken.yaml:2:1): fix the file at that position, and run jwtguard policy lint FILE to list every problem [invalid YAML: | YAML error named by its position
serve --policy $WORK/policy.yaml --log $WORK/no/x.log  | 2 | cannot open the log ($WORK/no/x.log): check that the directory exists and that this user may write there, or use --log - [No such file or directory] | log folder missing
serve --policy $WORK/policy.yaml --log none --shared-secret-file $WORK/no-secret | 2 | cannot read the shared-secret file ($WORK/no-secret): check the path and that this user may read the file [No such file or directory] | secret file missing
serve --policy $WORK/policy.yaml --log none --listen 127.0.0.1:$SERVE_PORT | 2 | cannot listen (127.0.0.1:$SERVE_PORT): stop the process that listens there, or choose another port with --listen [Address already in use] | port taken by a running service
serve --help                                           | 0 | --shared-secret-file FILE           | help lists options
serve --policy $WORK/policy.yaml --log none --shared-secret-file $WORK/secret-15 | 2 | invalid shared-secret file ($WORK/secret-15): write 16 to 4096 bytes without NUL on one line | secret one byte under the minimum
serve --policy $WORK/policy.yaml --log none --shared-secret-file $WORK/secret-nul | 2 | invalid shared-secret file ($WORK/secret-nul): write 16 to 4096 bytes | NUL inside the secret
serve --policy $WORK/policy.yaml --log none --shared-secret-file $WORK/secret-big | 2 | invalid shared-secret file ($WORK/secret-big): write 16 to 4096 bytes | secret over 4096 bytes
serve --policy $WORK/policy.yaml --log none --shared-secret-file $WORK/secret-644 | 2 | shared-secret file is readable or writable by others ($WORK/secret-644): run chmod o-rw on the file [mode 0644] | others may read the secret
serve --policy $WORK/policy.yaml --log none --shared-secret-file $WORK/secret-602 | 2 | shared-secret file is readable or writable by others ($WORK/secret-602): run chmod o-rw on the file [mode 0602] | others may replace the secret
EOF_TABLE

# A Unix socket listener.
"$JWTGUARD" serve --policy policy.yaml --listen "unix:$WORK/serve.sock" --log none &
UNIX_PID=$!
SERVE_PIDS+=("$UNIX_PID")
for _ in $(seq 1 50); do [ -S "$WORK/serve.sock" ] && break; sleep 0.1; done
S=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$WORK/serve.sock" -H "Authorization: Bearer $B" \
    -H 'X-Original-Method: GET' -H 'X-Original-URI: /public' http://localhost/auth/nginx)
assert "Unix socket serves ($S)" [ "$S" = 200 ]

# A clean stop removes the socket file.
kill -TERM "$UNIX_PID"
set +e
wait "$UNIX_PID"
STATUS=$?
set -e
assert "Unix socket service exits 0 on SIGTERM (got $STATUS)" [ "$STATUS" = 0 ]
assert "Unix socket file removed at stop" [ ! -e "$WORK/serve.sock" ]

# SIGTERM: a clean stop with exit status 0.
kill -TERM "$MAIN_PID"
set +e
wait "$MAIN_PID"
STATUS=$?
set -e
assert "SIGTERM exits 0 (got $STATUS)" [ "$STATUS" = 0 ]
assert "stop is logged" grep -q '"event":"stop"' "$WORK/serve-"*.log

finish
