#!/bin/bash
# jwtguard serve against a misbehaving Redis (tests/server/fake_redis.py):
# one that never replies, one that sends bytes that are not RESP, and one
# whose SCAN never ends. The service must start, fail closed (503
# state_unavailable) and stop at SIGTERM.
set -euo pipefail
source "$JWG_SOURCE_DIR/tests/cli/lib.sh"
source "$JWG_SOURCE_DIR/tests/server/serve_lib.sh"
source "$JWG_SOURCE_DIR/tests/server/break_lib.sh"

cd "$WORK"
write_break_policy policy.yaml
TOKEN=$(sign_with hs.key --sub alice)

# Starts fake_redis.py in mode $1; sets FAKE_PORT and adds it to the servers stopped at exit.
start_fake_redis() {
    rm -f "$WORK/fake.port"
    "$PY" "$JWG_SOURCE_DIR/tests/server/fake_redis.py" "$WORK/fake.port" "$1" &
    SERVE_PIDS+=("$!")
    for _ in $(seq 50); do
        [ -s "$WORK/fake.port" ] && break
        sleep 0.1
    done
    FAKE_PORT=$(cat "$WORK/fake.port")
}

# Prints the seconds since the Unix epoch with milliseconds.
now_ms() {
    date +%s%3N
}

for mode in silent garbage endless_scan; do
    start_fake_redis "$mode"
    BEGIN=$(now_ms)
    # start_serve waits up to 10 s for /healthz; the state's first attempt may take at most 5 s of it.
    start_serve --policy policy.yaml --redis "redis://127.0.0.1:$FAKE_PORT"
    STARTED=$(now_ms)
    assert "$mode: serve listens within 6 s, took $((STARTED - BEGIN)) ms" [ $((STARTED - BEGIN)) -lt 6000 ]
    assert "$mode: not ready" [ "$(status_of /readyz)" = 503 ]
    GOT=$(status_of /auth/nginx -H "Authorization: Bearer $TOKEN" -H 'X-Original-Method: GET' -H 'X-Original-URI: /x')
    assert "$mode: check fails closed, got $GOT" [ "$GOT" = 503 ]
    log_settle
    assert "$mode: reason state_unavailable" \
        jq -e '.reason == "state_unavailable"' <<< "$(grep '"event":"decision"' "$SERVE_LOG" | tail -1)" > /dev/null

    BEGIN=$(now_ms)
    kill -TERM "$SERVE_PID"
    set +e
    wait "$SERVE_PID"
    STATUS=$?
    set -e
    STOPPED=$(now_ms)
    assert "$mode: SIGTERM exits 0, got $STATUS" [ "$STATUS" = 0 ]
    assert "$mode: stop within 3 s, took $((STOPPED - BEGIN)) ms" [ $((STOPPED - BEGIN)) -lt 3000 ]
    stop_servers
done

finish
