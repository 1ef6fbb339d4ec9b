#!/bin/bash
# Benchmark of jwtguard serve behind nginx auth_request, against the same
# nginx asking a static 200 responder, in one run (docs/BENCHMARKS.md,
# "Gateway"). Everything listens on free loopback ports and is stopped at
# exit.
#
# Usage: bench/bench_server.sh [SOAK_SECONDS]
#   SOAK_SECONDS  length of the memory soak with distinct tokens (default 600; 0 skips it)
# Environment:
#   JWTGUARD     the command (default $BUILD_DIR/jwtguard)
#   BUILD_DIR    where bench_server_raw and bench_server_tokens are built (default build)
#   DURATION     seconds per wrk run (default 10)
#   CONNECTIONS  wrk connections at peak (default 64)
#   REPS         alternating static and jwtguard runs per row (default 3)
#   THREADS      jwtguard serve --threads in the CPU table and the soak
#                (default: the service's own default)
#   NGINX_WORKERS  worker_processes of both nginx (default auto, nginx's and
#                Debian's default: one per CPU)
#   TABLE_THREADS  jwtguard serve --threads in the throughput table (default:
#                the service's own default, one per CPU). NGINX_WORKERS=1
#                TABLE_THREADS=1 gives every server one worker
#   TRANSPORT    how nginx reaches both auth services in the throughput table:
#                unix (Unix sockets, default) or tcp (loopback TCP); the CPU
#                table always measures both
#   ONLY_THROUGHPUT  1 stops after the throughput table (bench/httplib/compare.sh)
#
# Setup: nginx in front keeps upstream connections alive to the auth
# service over a Unix socket or loopback TCP. Its protected location
# serves empty_gif, because a `return` would skip auth_request. The static
# responder is a second nginx that returns 200 on both transports, and
# jwtguard serve logs every decision to a file. Each server runs with its default workers unless the
# environment says otherwise. wrk, nginx and the auth service share the
# machine's CPUs.
set -euo pipefail

SOAK=${1:-600}
BUILD_DIR=${BUILD_DIR:-build}
JWTGUARD=${JWTGUARD:-$BUILD_DIR/jwtguard}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
REPS=${REPS:-3}
TRANSPORT=${TRANSPORT:-unix}
case "$TRANSPORT" in tcp|unix) ;; *) echo "bench_server: error: invalid TRANSPORT ($TRANSPORT): use unix or tcp" >&2; exit 2 ;; esac
SRC=$(cd "$(dirname "$0")/.." && pwd)
case "$JWTGUARD" in /*) ;; *) JWTGUARD="$PWD/$JWTGUARD" ;; esac
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$PWD/$BUILD_DIR" ;; esac
PY=/usr/bin/python3
WORK=$(mktemp -d)
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_http() { # URL [UNIX_SOCKET]
    for _ in $(seq 1 100); do
        curl -s -o /dev/null ${2:+--unix-socket "$2"} "$1" && return 0
        sleep 0.1
    done
    echo "bench_server: error: $1${2:+ on $2} did not respond within 10 s" >&2
    exit 1
}

# ---- keys, tokens, policies ----------------------------------------------------
cmake --build "$BUILD_DIR" --target bench_server_tokens bench_server_raw > /dev/null
head -c 32 /dev/urandom > hs.key && chmod 600 hs.key
if [ ! -x "$JWTGUARD" ]; then
    echo "bench_server: error: the command is missing ($JWTGUARD): build it with cmake --build BUILD_DIR --target jwtguard_cli, or set JWTGUARD" >&2
    exit 1
fi
if ! "$JWTGUARD" keygen --alg ES256 --kid ec1 --out-private ec.key --out-jwks ec.jwks 2> keygen.err; then
    echo "bench_server: error: jwtguard keygen failed; its output follows" >&2
    cat keygen.err >&2
    exit 1
fi
TOKENS="$BUILD_DIR/bench_server_tokens"
"$TOKENS" HS256 hs.key 1 https://hs.test api://orders orders:read > hs-one.txt
"$TOKENS" ES256 ec.key 1 https://ec.test api://orders orders:read > ec-one.txt
"$TOKENS" HS256 hs.key 20000 https://hs.test api://orders orders:read > hs-many.txt
"$TOKENS" ES256 ec.key 20000 https://ec.test api://orders orders:read > ec-many.txt

write_policy() { # FILE CACHE_ENTRIES
    cat > "$1" <<EOF_POLICY
version: 1
environment: bench
service: orders
issuers:
  - issuer: https://hs.test
    audiences: [api://orders]
    algorithms: [HS256]
    keys:
      - hmac_secret_file: hs.key
        alg: HS256
  - issuer: https://ec.test
    audiences: [api://orders]
    algorithms: [ES256]
    keys:
      - file: ec.jwks
        format: jwks
routes:
  - method: GET
    path_prefix: /orders
    scope_any_of: [orders:read]
identity_headers:
  sub: X-User-Id
gateway:
  client_address_header: X-Real-IP
  cache:
    max_entries: $2
EOF_POLICY
}
write_policy cached.yaml 100000
write_policy uncached.yaml 0

# ---- servers --------------------------------------------------------------------
AUTH_PORT=$(free_port)
STATIC_PORT=$(free_port)
AUTH_SOCK="$WORK/jwtguard.sock"
STATIC_SOCK="$WORK/static.sock"
# The front nginx listens on one port per auth service and transport.
declare -A FRONT BASE
for t in tcp unix; do
    FRONT[$t]=$(free_port)
    BASE[$t]=$(free_port)
done

start_jwtguard() { # POLICY TRANSPORT [THREADS]
    local listen="127.0.0.1:$AUTH_PORT" sock= threads=${3:-${THREADS:-}}
    if [ "$2" = unix ]; then
        listen="unix:$AUTH_SOCK"
        sock=$AUTH_SOCK
    fi
    "$JWTGUARD" serve --policy "$1" --listen "$listen" --log "$WORK/serve.log" \
        ${threads:+--threads "$threads"} 2> serve.err &
    JWT_PID=$!
    PIDS+=("$JWT_PID")
    wait_http "http://127.0.0.1:$AUTH_PORT/healthz" "$sock"
}

stop_jwtguard() {
    kill "$JWT_PID"
    wait "$JWT_PID" 2>/dev/null || true
}

# The workers run as the user running this script (nginx ignores `user`
# unless started as root), so that they may connect to the Unix sockets in $WORK.
nginx_conf() { # DIR BODY
    mkdir -p "$1/tmp"
    cat > "$1/nginx.conf" <<EOF_CONF
user $(id -un) $(id -gn);
worker_processes ${NGINX_WORKERS:-auto};
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $1/tmp/body;
    proxy_temp_path $1/tmp/proxy;
    fastcgi_temp_path $1/tmp/fastcgi;
    uwsgi_temp_path $1/tmp/uwsgi;
    scgi_temp_path $1/tmp/scgi;
$2
}
EOF_CONF
    nginx -p "$1" -c "$1/nginx.conf" -e "$1/error.log" -g "daemon off; pid $1/nginx.pid;" &
    PIDS+=($!)
}

# One front server block: requests to PORT pass auth_request to the upstream UPSTREAM.
front_server() { # PORT UPSTREAM
    cat <<EOF_SERVER
    server {
        listen 127.0.0.1:$1;
        location = /_auth {
            internal;
            proxy_pass http://$2/auth/nginx;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Original-URI \$request_uri;
            proxy_set_header X-Original-Method \$request_method;
            proxy_set_header X-Real-IP \$remote_addr;
        }
        location / {
            auth_request /_auth;
            auth_request_set \$user \$upstream_http_x_user_id;
            add_header X-User-Id \$user;
            empty_gif;
        }
    }
EOF_SERVER
}

nginx_conf "$WORK/static" "    server { listen 127.0.0.1:$STATIC_PORT; listen unix:$STATIC_SOCK; location / { return 200; } }"
nginx_conf "$WORK/front" "    upstream jwtguard_tcp { server 127.0.0.1:$AUTH_PORT; keepalive 64; }
    upstream jwtguard_unix { server unix:$AUTH_SOCK; keepalive 64; }
    upstream static_tcp { server 127.0.0.1:$STATIC_PORT; keepalive 64; }
    upstream static_unix { server unix:$STATIC_SOCK; keepalive 64; }
$(for t in tcp unix; do front_server "${FRONT[$t]}" "jwtguard_$t"; front_server "${BASE[$t]}" "static_$t"; done)"
start_jwtguard cached.yaml "$TRANSPORT" "${TABLE_THREADS:-}"
FRONT_PORT=${FRONT[$TRANSPORT]}
BASE_PORT=${BASE[$TRANSPORT]}
for t in tcp unix; do wait_http "http://127.0.0.1:${BASE[$t]}/"; done
wait_http "http://127.0.0.1:$FRONT_PORT/"

# ---- measurements -----------------------------------------------------------------
cat > cycle.lua <<'EOF_LUA'
-- Sends each request with the next token of the file named by TOKENS; each wrk thread starts at a random line.
local tokens = {}
for line in io.lines(os.getenv("TOKENS_FILE")) do tokens[#tokens + 1] = line end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
local i = math.random(#tokens)
request = function()
    i = i % #tokens + 1
    return wrk.format("GET", "/orders/1", {["Authorization"] = "Bearer " .. tokens[i]})
end
EOF_LUA

# Runs wrk: PORT CONNECTIONS TOKEN_FILE [distinct]; sets RPS, P50, P99 (ms) and REQUESTS.
run_wrk() {
    local port=$1 conns=$2 file=$3 mode=${4:-same} out threads=2
    [ "$conns" -lt 2 ] && threads=1
    if [ "$mode" = distinct ]; then
        out=$(TOKENS_FILE="$file" wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency -s cycle.lua "http://127.0.0.1:$port/orders/1")
    else
        out=$(wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency -H "Authorization: Bearer $(cat "$file")" \
            "http://127.0.0.1:$port/orders/1")
    fi
    if grep -q 'Non-2xx' <<< "$out"; then
        echo "bench_server: error: wrk got non-2xx responses; the wrk output follows" >&2
        echo "$out" >&2
        exit 1
    fi
    RPS=$(awk '/^Requests\/sec/ { print int($2) }' <<< "$out")
    REQUESTS=$(awk '/requests in/ { print $1 }' <<< "$out")
    P50=$(awk '$1 == "50%" { print $2 }' <<< "$out")
    P99=$(awk '$1 == "99%" { print $2 }' <<< "$out")
}

# CPU time of the jwtguard process in clock ticks (utime + stime, proc(5)).
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$JWT_PID/stat"
}

echo "# jwtguard serve behind nginx auth_request"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); nginx $(nginx -v 2>&1 | cut -d/ -f2); wrk ${DURATION}s per run; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "nginx reaches both auth services over $TRANSPORT; nginx worker_processes ${NGINX_WORKERS:-auto}, jwtguard serve --threads ${TABLE_THREADS:-default}."
echo
echo "| tokens | auth service | connections | req/s | p50 | p99 | ratio to static |"
echo "|---|---|---:|---:|---:|---:|---:|"
# Prints the median of its arguments.
median() {
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

TICK=$(getconf CLK_TCK)

# Static and jwtguard runs alternate REPS times, so that load from other
# processes hits both alike; the row with the median jwtguard/static ratio is shown.
for alg in hs ec; do
    name=$([ $alg = hs ] && echo HS256 || echo ES256)
    ROWS=()
    RATIOS=()
    for rep in $(seq 1 "$REPS"); do
        run_wrk "$BASE_PORT" "$CONNECTIONS" "$alg-one.txt"
        STATIC="$RPS | $P50 | $P99"
        STATIC_RPS=$RPS
        run_wrk "$FRONT_PORT" "$CONNECTIONS" "$alg-one.txt"
        RATIO=$(awk -v a="$RPS" -v b="$STATIC_RPS" 'BEGIN { printf "%.2f", a / b }')
        RATIOS+=("$RATIO")
        ROWS+=("$RATIO|$STATIC|$RPS | $P50 | $P99")
    done
    MID=$(median "${RATIOS[@]}")
    for row in "${ROWS[@]}"; do
        [ "${row%%|*}" = "$MID" ] || continue
        IFS='|' read -r _ s_rps s_p50 s_p99 j_rps j_p50 j_p99 <<< "$row"
        echo "| $name repeated | static 200 | $CONNECTIONS |$s_rps|$s_p50|$s_p99| 1.00 |"
        echo "| $name repeated | jwtguard | $CONNECTIONS |$j_rps|$j_p50|$j_p99| $MID (runs: ${RATIOS[*]}) |"
        JWT_RPS=${j_rps// /}
        break
    done
done

[ "${ONLY_THROUGHPUT:-0}" = 1 ] && exit 0

# Half of peak: the connection count whose jwtguard throughput is closest to half of its peak.
HALF_C=1
BEST=-1
for c in 1 2 4 8; do
    run_wrk "$FRONT_PORT" "$c" hs-one.txt
    GAP=$((RPS - JWT_RPS / 2))
    GAP=${GAP#-}
    if [ "$BEST" -lt 0 ] || [ "$GAP" -lt "$BEST" ]; then
        BEST=$GAP
        HALF_C=$c
    fi
done
run_wrk "$BASE_PORT" "$HALF_C" hs-one.txt
echo "| HS256 repeated, about half of peak | static 200 | $HALF_C | $RPS | $P50 | $P99 | |"
STATIC_P99=$P99
run_wrk "$FRONT_PORT" "$HALF_C" hs-one.txt
echo "| HS256 repeated, about half of peak | jwtguard | $HALF_C | $RPS | $P50 | $P99 | p99 added: $(awk -v a="$P99" -v b="$STATIC_P99" 'function ms(x) { if (x ~ /us$/) return x / 1000; if (x ~ /ms$/) return x + 0; return x * 1000 } BEGIN { printf "%.3f ms", ms(a) - ms(b) }') |"

# CPU per request is the service's utime + stime over one wrk run, divided
# by its requests. It is measured on each transport, on cache hits (one
# token, cache on) and with distinct tokens and the cache off, where every
# request verifies a signature. The baseline is bench_server_raw's CPU time
# per raw OpenSSL check, measured just before each distinct-token run while
# wrk is idle.
per_request() { # TICKS_BEFORE TICKS_AFTER
    awk -v t=$(($2 - $1)) -v hz="$TICK" -v n="$REQUESTS" 'BEGIN { printf "%.1f", t / hz / n * 1e6 }'
}

echo
echo "| transport | tokens | req/s | jwtguard CPU per request | raw OpenSSL verify (CPU) | difference | jwg_verify_at alone (CPU) |"
echo "|---|---|---:|---:|---:|---:|---:|"
for t in tcp unix; do
    stop_jwtguard
    start_jwtguard cached.yaml "$t"
    for alg in hs ec; do
        name=$([ $alg = hs ] && echo HS256 || echo ES256)
        before=$(cpu_ticks)
        run_wrk "${FRONT[$t]}" "$CONNECTIONS" "$alg-one.txt"
        echo "| $t | $name repeated, cache hits | $RPS | $(per_request "$before" "$(cpu_ticks)") us | | | |"
    done
    stop_jwtguard
    start_jwtguard uncached.yaml "$t"
    for alg in hs ec; do
        name=$([ $alg = hs ] && echo HS256 || echo ES256)
        read -r RAW LIB <<< "$("$BUILD_DIR/bench_server_raw" "$name")"
        before=$(cpu_ticks)
        run_wrk "${FRONT[$t]}" "$CONNECTIONS" "$alg-many.txt" distinct
        PER=$(per_request "$before" "$(cpu_ticks)")
        echo "| $t | $name distinct, cache off | $RPS | $PER us | $RAW us | $(awk -v a="$PER" -v b="$RAW" 'BEGIN { printf "%+.1f us", a - b }') | $LIB us |"
    done
done

# Memory soak: distinct tokens with the cache on, RSS every 10 s.
if [ "$SOAK" -gt 0 ]; then
    stop_jwtguard
    start_jwtguard cached.yaml "$TRANSPORT"
    "$TOKENS" HS256 hs.key 200000 https://hs.test api://orders orders:read > soak.txt
    echo
    echo "memory soak: ${SOAK}s of distinct HS256 tokens (200000 cycling, cache max_entries 100000), RSS of jwtguard in KiB every 10 s:"
    DURATION=$SOAK run_wrk "$FRONT_PORT" 16 soak.txt distinct &
    WRK=$!
    SAMPLES=()
    for _ in $(seq 1 $((SOAK / 10))); do
        sleep 10
        SAMPLES+=("$(awk '/^VmRSS/ { print $2 }' "/proc/$JWT_PID/status")")
    done
    wait "$WRK" || true
    echo "${SAMPLES[*]}"
fi
