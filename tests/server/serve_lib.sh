# shellcheck shell=bash disable=SC2034 # variables are used by the sourcing scripts
# Helpers of the jwtguard serve tests; sourced after tests/cli/lib.sh, whose
# WORK folder they use. Every server started here listens on a free loopback
# port and is killed when the test exits.

PY=/usr/bin/python3
SERVE_PIDS=()

# Prints a free TCP port on 127.0.0.1.
free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_servers() {
    local pid
    for pid in "${SERVE_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    SERVE_PIDS=()
}
trap 'stop_servers; rm -rf "$WORK"' EXIT

# Waits until URL responds with any status, for at most 10 s.
wait_http() {
    local url=$1 i
    for i in $(seq 1 100); do
        if curl -s -o /dev/null "$url"; then
            return 0
        fi
        sleep 0.1
    done
    echo "FAIL: $url never answered"
    return 1
}

# Starts jwtguard serve with the given options on a free port; sets SERVE_PID,
# SERVE_PORT and SERVE_URL, and logs to $WORK/serve-$SERVE_PORT.log.
start_serve() {
    SERVE_PORT=$(free_port)
    SERVE_URL="http://127.0.0.1:$SERVE_PORT"
    SERVE_LOG="$WORK/serve-$SERVE_PORT.log"
    "$JWTGUARD" serve --listen "127.0.0.1:$SERVE_PORT" --log "$SERVE_LOG" "$@" 2> "$WORK/serve-$SERVE_PORT.err" &
    SERVE_PID=$!
    SERVE_PIDS+=("$SERVE_PID")
    wait_http "$SERVE_URL/healthz"
}

# Waits until the service has written its event lines: it writes them in
# batches at most 100 ms after a request.
log_settle() {
    sleep 0.3
}

# Prints the status code of a request to the service: PATH, then curl options.
status_of() {
    local path=$1
    shift
    curl -s -o /dev/null -w '%{http_code}' "$@" "$SERVE_URL$path"
}

# Prints the value of response header NAME (case-insensitive) of a request: NAME PATH curl-options...
header_of() {
    local name=$1 path=$2
    shift 2
    curl -s -o /dev/null -D - "$@" "$SERVE_URL$path" | tr -d '\r' |
        awk -v n="$(echo "$name" | tr 'A-Z' 'a-z')" -F': ' 'tolower($1) == n { sub(/^[^:]*: ?/, ""); print; exit }'
}

# Signs a token with the HMAC secret in file $1 for issuer https://issuer.test, audience api://orders.
sign_with() {
    local key=$1
    shift
    "$JWTGUARD" sign --hmac-secret-file "$key" --alg HS256 --ttl 600 --iss https://issuer.test --aud api://orders "$@"
}
