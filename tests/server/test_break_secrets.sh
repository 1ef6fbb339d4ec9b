#!/bin/bash
# A password given in --redis never appears in the output, the error
# messages, the event log or /metrics of `jwtguard serve` and
# `jwtguard revoke`. Cases: a URL that does not parse, a Redis that refuses
# the connection, a wrong password and the right one.
set -euo pipefail
source "$JWG_SOURCE_DIR/tests/cli/lib.sh"
source "$JWG_SOURCE_DIR/tests/server/serve_lib.sh"
source "$JWG_SOURCE_DIR/tests/server/break_lib.sh"
source "$JWG_SOURCE_DIR/tests/server/redis/lib.sh"

start_redis
# redis/lib.sh replaced the EXIT trap; keep stopping the services too.
trap 'stop_servers; stop_redis; rm -rf "$WORK"' EXIT

cd "$WORK"
write_break_policy policy.yaml

WRONG=wrong-pass-51d0e9
CLOSED_PORT=$(free_port)

# Succeeds when none of the files after password $1 contains it.
leaks_nothing() {
    local password=$1
    shift
    ! grep -qF -- "$password" "$@"
}

# Prints the files of the service started last: its log, its stderr and the /metrics it served.
serve_files() {
    echo "$SERVE_LOG" "$WORK/serve-$SERVE_PORT.err" "$WORK/serve-$SERVE_PORT.metrics"
}

# A URL that does not parse stops the service at start; the message names the option instead.
set +e
"$JWTGUARD" serve --policy policy.yaml --listen "127.0.0.1:$(free_port)" --log "$WORK/serve-badurl.log" \
    --redis "redis://:$REDIS_PASSWORD@127.0.0.1:99999" > "$WORK/serve-badurl.out" 2> "$WORK/serve-badurl.err"
STATUS=$?
set -e
assert "bad port: exit 2" [ "$STATUS" = 2 ]
assert "bad port: message names --redis and the port" \
    grep -qF "cannot set up the shared state (--redis): port in the Redis URL is not in 1..65535" \
    "$WORK/serve-badurl.err"
assert "bad port: password in no output" leaks_nothing "$REDIS_PASSWORD" "$WORK"/serve-badurl.*

# A bad database number fails after the password was read.
set +e
"$JWTGUARD" serve --policy policy.yaml --listen "127.0.0.1:$(free_port)" --log none \
    --redis "redis://user:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT/x" > "$WORK/serve-baddb.out" 2> "$WORK/serve-baddb.err"
STATUS=$?
set -e
assert "bad database: exit 2" [ "$STATUS" = 2 ]
assert "bad database: message names --redis" grep -qF "(--redis): database in the Redis URL" "$WORK/serve-baddb.err"
assert "bad database: password in no output" leaks_nothing "$REDIS_PASSWORD" "$WORK"/serve-baddb.*

# A Redis that refuses connections: the service runs and logs the address only.
start_serve --policy policy.yaml --redis "redis://:$REDIS_PASSWORD@127.0.0.1:$CLOSED_PORT"
curl -s -o "$WORK/serve-$SERVE_PORT.metrics" "$SERVE_URL/metrics"
stop_servers
assert "refused: redis_error logged with the address" \
    grep -qF "\"address\":\"127.0.0.1:$CLOSED_PORT\"" "$SERVE_LOG"
assert "refused: password in no output" leaks_nothing "$REDIS_PASSWORD" $(serve_files)

# A wrong password: Redis rejects AUTH, and the log shows why without the password sent.
start_serve --policy policy.yaml --redis "redis://:$WRONG@127.0.0.1:$REDIS_PORT"
curl -s -o "$WORK/serve-$SERVE_PORT.metrics" "$SERVE_URL/metrics"
stop_servers
assert "wrong password: AUTH failure logged" grep -qF "AUTH failed" "$SERVE_LOG"
assert "wrong password: password in no output" leaks_nothing "$WRONG" $(serve_files)

# The right password.
start_serve --policy policy.yaml --redis "redis://:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT"
curl -s -o "$WORK/serve-$SERVE_PORT.metrics" "$SERVE_URL/metrics"
stop_servers
assert "right password: connected" grep -qF '"event":"redis_connected"' "$SERVE_LOG"
assert "right password: password in no output" leaks_nothing "$REDIS_PASSWORD" $(serve_files)

# `jwtguard revoke` with the same URLs: exit 2 on failure, and the password never printed.
revoke_with() { # NAME URL
    set +e
    "$JWTGUARD" revoke --redis "$2" --jti j-1 --ttl 60 > "$WORK/revoke-$1.out" 2> "$WORK/revoke-$1.err"
    STATUS=$?
    set -e
}
revoke_with badurl "redis://:$REDIS_PASSWORD@127.0.0.1:99999"
assert "revoke bad port: exit 2" [ "$STATUS" = 2 ]
assert "revoke bad port: password in no output" leaks_nothing "$REDIS_PASSWORD" "$WORK"/revoke-badurl.*
revoke_with closed "redis://:$REDIS_PASSWORD@127.0.0.1:$CLOSED_PORT"
assert "revoke refused: exit 2" [ "$STATUS" = 2 ]
assert "revoke refused: message has the address" grep -qF "Redis at 127.0.0.1:$CLOSED_PORT" "$WORK/revoke-closed.err"
assert "revoke refused: password in no output" leaks_nothing "$REDIS_PASSWORD" "$WORK"/revoke-closed.*
revoke_with wrong "redis://:$WRONG@127.0.0.1:$REDIS_PORT"
assert "revoke wrong password: exit 2" [ "$STATUS" = 2 ]
assert "revoke wrong password: AUTH failure shown" grep -qF "AUTH failed" "$WORK/revoke-wrong.err"
assert "revoke wrong password: password in no output" leaks_nothing "$WRONG" "$WORK"/revoke-wrong.*
revoke_with right "redis://:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT"
assert "revoke right password: exit 0" [ "$STATUS" = 0 ]
assert "revoke right password: password in no output" leaks_nothing "$REDIS_PASSWORD" "$WORK"/revoke-right.*

finish
