#!/bin/bash
# SIGHUP reloads of jwtguard serve that could break a working service: a
# reload while the JWKS URL is down keeps the previous policy, a broken
# policy file keeps it too, and a storm of reloads under load leaves the
# service serving requests. The JWKS is served by a Python HTTP server on
# loopback that the test stops and restarts.
set -euo pipefail
source "$JWG_SOURCE_DIR/tests/cli/lib.sh"
source "$JWG_SOURCE_DIR/tests/server/serve_lib.sh"

cd "$WORK"
mkdir jwks
"$JWTGUARD" keygen --alg ES256 --kid ec1 --out-private ec.key --out-jwks jwks/keys.json 2> /dev/null
JWKS_PORT=$(free_port)
JWKS_PID=

start_jwks() {
    "$PY" -m http.server "$JWKS_PORT" --bind 127.0.0.1 --directory "$WORK/jwks" > /dev/null 2>&1 &
    JWKS_PID=$!
    SERVE_PIDS+=("$JWKS_PID")
    wait_http "http://127.0.0.1:$JWKS_PORT/keys.json"
}

stop_jwks() {
    kill "$JWKS_PID"
    wait "$JWKS_PID" 2> /dev/null || true
}

cat > policy.yaml <<EOF_POLICY
version: 1
environment: test
service: orders
issuers:
  - issuer: https://issuer.test
    audiences: [api://orders]
    algorithms: [ES256]
    keys:
      - jwks_url: http://127.0.0.1:$JWKS_PORT/keys.json
        allow_http_loopback: true
        timeout: 1s
EOF_POLICY
TOKEN=$("$JWTGUARD" sign --key ec.key --kid ec1 --alg ES256 --ttl 600 --iss https://issuer.test --aud api://orders)

check() {
    status_of /auth/nginx -H "Authorization: Bearer $TOKEN" -H 'X-Original-Method: GET' -H 'X-Original-URI: /x'
}

# Sends SIGHUP and waits up to 5 s for the log to contain $1 events of kind $2.
reload_and_wait() {
    local count=$1 event=$2
    kill -HUP "$SERVE_PID"
    for _ in $(seq 50); do
        [ "$(grep -c "\"event\":\"$event\"" "$SERVE_LOG")" -ge "$count" ] && return 0
        sleep 0.1
    done
    return 1
}

# Prints the value of metric $1 from /metrics.
metric() {
    curl -s "$SERVE_URL/metrics" | awk -v m="$1" '$1 == m { print $2 }'
}

start_jwks
start_serve --policy policy.yaml
assert "allowed with the JWKS up" [ "$(check)" = 200 ]

# The JWKS URL goes down, then an operator reloads: the keys in use keep working.
stop_jwks
assert "reload during the outage is reported" reload_and_wait 1 reload_failed
assert "reload_failed names the key source" \
    grep -q '"event":"reload_failed".*no usable key set.*keys.json' "$SERVE_LOG"
assert "still allowed after the failed reload, got $(check)" [ "$(check)" = 200 ]
assert "still ready" [ "$(status_of /readyz)" = 200 ]
assert "failure counted" [ "$(metric jwtguard_reload_failures_total)" = 1 ]

# A policy file with a syntax error keeps the previous policy, with the file and line.
cp policy.yaml good.yaml
printf 'issuers: [\n' >> policy.yaml
assert "broken policy is reported" reload_and_wait 2 reload_failed
assert "reload_failed names the file and line" grep -q '"event":"reload_failed".*policy.yaml:[0-9]' "$SERVE_LOG"
assert "still allowed after the broken policy" [ "$(check)" = 200 ]
cp good.yaml policy.yaml

# With the JWKS back, the reload applies.
start_jwks
assert "reload applies with the JWKS up" reload_and_wait 1 reload
assert "allowed after the reload" [ "$(check)" = 200 ]

# A storm of reloads under load: every check is 200 and the service stays up.
STATUSES="$WORK/statuses"
(for _ in $(seq 200); do check; echo; done) > "$STATUSES" &
LOAD_PID=$!
for _ in $(seq 40); do
    kill -HUP "$SERVE_PID"
    sleep 0.02
done
wait "$LOAD_PID"
assert "every check during the storm was 200: $(sort "$STATUSES" | uniq -c | tr '\n' ' ')" \
    [ "$(grep -cx 200 "$STATUSES")" = 200 ]
assert "service alive after the storm" kill -0 "$SERVE_PID"
assert "healthy after the storm" [ "$(status_of /healthz)" = 200 ]

# A service that started during an outage has nothing to lose: its reload applies at once.
stop_servers
JWKS_PID=
start_serve --policy policy.yaml
assert "not ready without the JWKS" [ "$(status_of /readyz)" = 503 ]
assert "reload without keys on both sides applies" reload_and_wait 1 reload

finish
