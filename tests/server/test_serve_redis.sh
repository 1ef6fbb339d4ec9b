#!/bin/bash
# Two jwtguard serve instances sharing one real redis-server. A revocation
# by jti and by sub written with `jwtguard revoke` denies on both, also for
# tokens already in their caches. The anomaly rule counts regions across
# instances. With Redis stopped, revocation checks fail closed (503).
set -euo pipefail
source "$JWG_SOURCE_DIR/tests/cli/lib.sh"
source "$JWG_SOURCE_DIR/tests/server/serve_lib.sh"
source "$JWG_SOURCE_DIR/tests/server/redis/lib.sh"

start_redis
# redis/lib.sh replaced the EXIT trap; keep stopping the services too.
trap 'stop_servers; stop_redis; rm -rf "$WORK"' EXIT
URL="redis://:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT"

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
gateway:
  region_header: X-Region
  anomaly:
    window: 10m
    max_regions: 1
    action: deny
EOF_POLICY

start_serve --policy policy.yaml --redis "$URL"
A_URL=$SERVE_URL
A_LOG=$SERVE_LOG
start_serve --policy policy.yaml --redis "$URL"
B_URL=$SERVE_URL
B_LOG=$SERVE_LOG

# Prints the status of an nginx-style check of TOKEN at base URL $1, from region $3.
check_at() {
    curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $2" -H "X-Region: ${3:-eu}" \
        -H 'X-Original-Method: GET' -H 'X-Original-URI: /x' "$1/auth/nginx"
}

# Prints claim $2 of token $1 (the token is trusted here: the test signed it).
claim_of() {
    "$PY" -c 'import base64, json, sys; p = sys.argv[1].split(".")[1]; print(json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))[sys.argv[2]])' "$1" "$2"
}

# Waits up to 3 s for both instances to give status $2 for token $1.
both_become() {
    for _ in $(seq 1 30); do
        if [ "$(check_at "$A_URL" "$1")" = "$2" ] && [ "$(check_at "$B_URL" "$1")" = "$2" ]; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

for _ in $(seq 1 50); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$A_URL/readyz")" = 200 ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$B_URL/readyz")" = 200 ] && break
    sleep 0.1
done
assert "both instances ready with Redis" [ "$(curl -s -o /dev/null -w '%{http_code}' "$B_URL/readyz")" = 200 ]

ALICE=$(sign_with hs.key --sub alice)
BOB=$(sign_with hs.key --sub bob)
assert "alice allowed on A" [ "$(check_at "$A_URL" "$ALICE")" = 200 ]
assert "alice allowed on B (now cached on both)" [ "$(check_at "$B_URL" "$ALICE")" = 200 ]
assert "bob allowed on A" [ "$(check_at "$A_URL" "$BOB")" = 200 ]
assert "bob allowed on B" [ "$(check_at "$B_URL" "$BOB")" = 200 ]

"$JWTGUARD" revoke --redis "$URL" --jti "$(claim_of "$ALICE" jti)" --expires "$(claim_of "$ALICE" exp)" > /dev/null
assert "revoked jti denied on both instances, cache hits included" both_become "$ALICE" 401
assert "bob still allowed" [ "$(check_at "$A_URL" "$BOB")" = 200 ]

# Bob's first token was issued at least a second before T, his next one after it.
sleep 2
T=$(($(date +%s) - 1))
"$JWTGUARD" revoke --redis "$URL" --sub bob --before "$T" > /dev/null
assert "sub revoked before T: denied on both" both_become "$BOB" 401
BOB_LATER=$(sign_with hs.key --sub bob)
assert "bob's token issued after T is allowed" [ "$(check_at "$A_URL" "$BOB_LATER")" = 200 ]
log_settle
assert "revocation logged as revoked" grep -q '"status":401,"reason":"revoked"' "$B_LOG"

# JWTGUARD_REDIS_URL in place of --redis, and --redis winning over it.
JWTGUARD_REDIS_URL=$URL start_serve --policy policy.yaml
ENV_URL=$SERVE_URL
DEAD_URL="redis://127.0.0.1:$(free_port)"
JWTGUARD_REDIS_URL=$DEAD_URL start_serve --policy policy.yaml --redis "$URL"
WIN_URL=$SERVE_URL
for _ in $(seq 1 50); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$ENV_URL/readyz")" = 200 ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$WIN_URL/readyz")" = 200 ] && break
    sleep 0.1
done
assert "JWTGUARD_REDIS_URL connects" bash -c "curl -s '$ENV_URL/metrics' | grep -qx 'jwtguard_state_redis_connected 1'"
assert "revocation seen through JWTGUARD_REDIS_URL" [ "$(check_at "$ENV_URL" "$ALICE")" = 401 ]
assert "--redis wins over JWTGUARD_REDIS_URL" bash -c "curl -s '$WIN_URL/metrics' | grep -qx 'jwtguard_state_redis_connected 1'"
assert "password not in the process list" bash -c "! ps -eo args | grep -v grep | grep -q -- '$REDIS_PASSWORD.*--policy policy.yaml$'"

# Without an anomaly limit, usage is not recorded: no usage key in Redis
# database 1, which only this instance uses.
sed '/^  anomaly:/,$d' policy.yaml > no-anomaly.yaml
start_serve --policy no-anomaly.yaml --redis "$URL/1"
for _ in $(seq 1 50); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$SERVE_URL/readyz")" = 200 ] && break; sleep 0.1; done
EVE=$(sign_with hs.key --sub eve)
assert "eve allowed without anomaly rule" [ "$(check_at "$SERVE_URL" "$EVE" eu)" = 200 ]
assert "eve allowed from a second region" [ "$(check_at "$SERVE_URL" "$EVE" us)" = 200 ]
KEYS=$(rcli -n 1 --scan --pattern 'jwtguard:usage:*')
assert "no usage keys without a limit: [$KEYS]" [ -z "$KEYS" ]
KEYS=$(rcli -n 0 --scan --pattern 'jwtguard:usage:*' | head -1)
assert "usage keys with a limit: [$KEYS]" [ -n "$KEYS" ]

# gateway.redis_prefix: a revoke written with that prefix is seen, one
# written with the default prefix is not.
sed '/^  anomaly:/,$d' policy.yaml > prefixed.yaml
echo '  redis_prefix: "team-a:jwg"' >> prefixed.yaml
start_serve --policy prefixed.yaml --redis "$URL"
for _ in $(seq 1 50); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$SERVE_URL/readyz")" = 200 ] && break; sleep 0.1; done
FRANK=$(sign_with hs.key --sub frank)
GINA=$(sign_with hs.key --sub gina)
"$JWTGUARD" revoke --redis "$URL" --prefix team-a:jwg --jti "$(claim_of "$FRANK" jti)" --ttl 600 > /dev/null
"$JWTGUARD" revoke --redis "$URL" --jti "$(claim_of "$GINA" jti)" --ttl 600 > /dev/null
S=""
for _ in $(seq 1 30); do S=$(check_at "$SERVE_URL" "$FRANK"); [ "$S" = 401 ] && break; sleep 0.1; done
assert "revoke under the policy's prefix is seen (got $S)" [ "$S" = 401 ]
assert "revoke under the default prefix is not" [ "$(check_at "$SERVE_URL" "$GINA")" = 200 ]
assert "default-prefix revoke is seen by default instances" [ "$(check_at "$A_URL" "$GINA")" = 401 ]

# The anomaly rule across instances: one region allowed per token.
CAROL=$(sign_with hs.key --sub carol)
assert "carol from eu on A" [ "$(check_at "$A_URL" "$CAROL" eu)" = 200 ]
S=""
for _ in $(seq 1 30); do
    S=$(check_at "$B_URL" "$CAROL" us)
    [ "$S" = 403 ] && break
    sleep 0.1
done
assert "carol from us on B: anomaly across instances, 403 (got $S)" [ "$S" = 403 ]
log_settle
assert "alert event on B" grep -q '"event":"anomaly_alert","kind":"regions"' "$B_LOG"
assert "alert counted in metrics" bash -c "curl -s '$B_URL/metrics' | grep -Eq '^jwtguard_anomaly_alerts_total [1-9]'"

# Redis stopped: revocation state unknown, so fail closed with 503.
stop_redis
DAVE=$(sign_with hs.key --sub dave)
S=""
for _ in $(seq 1 50); do
    S=$(check_at "$A_URL" "$DAVE")
    [ "$S" = 503 ] && break
    sleep 0.1
done
assert "Redis down: 503 (got $S)" [ "$S" = 503 ]
log_settle
assert "503 logged as state_unavailable" grep -q '"status":503,"reason":"state_unavailable"' "$A_LOG"
S=$(curl -s -o /dev/null -w '%{http_code}' "$A_URL/readyz")
assert "Redis down: not ready (got $S)" [ "$S" = 503 ]

# Every event line has "time", the Redis events from the state included.
for _ in $(seq 1 30); do grep -q '"event":"redis_error"' "$A_LOG" && break; sleep 0.1; done
assert "redis_connected logged" grep -q '"event":"redis_connected"' "$A_LOG"
assert "redis_error logged" grep -q '"event":"redis_error"' "$A_LOG"
UNSTAMPED=$(jq -c 'select(has("time") | not)' "$A_LOG" "$B_LOG")
assert "every event line has time: [$UNSTAMPED]" [ -z "$UNSTAMPED" ]

finish
