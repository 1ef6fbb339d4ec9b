# shellcheck shell=bash
# Starts a redis-server for a test on a free loopback port, with a password
# and a Unix socket, its files in $WORK; stops it at exit. Sourced after
# tests/cli/lib.sh, whose $WORK and EXIT trap it extends. Fails, not skips,
# when redis-server is missing.

REDIS_PASSWORD=test-pass-7f3c
REDIS_PID=

# Prints a free TCP port on 127.0.0.1 (the kernel picks it, then it is released).
free_port() {
    /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_redis() {
    if [ -n "$REDIS_PID" ]; then
        kill "$REDIS_PID" 2> /dev/null || true
        wait "$REDIS_PID" 2> /dev/null || true
        REDIS_PID=
    fi
}

# Runs redis-cli against the test server; arguments are the command.
rcli() {
    redis-cli -p "$REDIS_PORT" -a "$REDIS_PASSWORD" --no-auth-warning "$@"
}

start_redis() {
    command -v redis-server > /dev/null || {
        echo "FAIL: redis-server is not installed (scripts/install-deps.sh installs it)"
        exit 1
    }
    REDIS_PORT=$(free_port)
    REDIS_SOCKET="$WORK/redis.sock"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize no --dir "$WORK" --logfile "$WORK/redis.log" \
        --requirepass "$REDIS_PASSWORD" --unixsocket "$REDIS_SOCKET" &
    REDIS_PID=$!
    trap 'stop_redis; rm -rf "$WORK"' EXIT
    for _ in $(seq 100); do
        [ "$(rcli PING 2> /dev/null)" = PONG ] && return 0
        sleep 0.05
    done
    echo "FAIL: redis-server did not answer on port $REDIS_PORT"
    exit 1
}
