#!/bin/bash
# Measures the HTTP library candidates for `jwtguard serve` where the
# service runs: each minimal server (mhd_ok.c, evhttp_ok.c, h2o_ok.c) is the
# auth service of bench/bench_server.sh's throughput table, behind nginx
# auth_request, against the same nginx asking a static `return 200`
# (docs/DECISIONS.md, "Gateway service"). Nothing here is part of the build.
#
# Usage: bench/httplib/compare.sh [CANDIDATE...]   (default: mhd evhttp h2o)
# Environment: BUILD_DIR (default build, for bench_server_tokens and
# jwtguard keygen), DURATION, REPS, TRANSPORT, NGINX_WORKERS and TABLE_THREADS
# as for bench/bench_server.sh, but with one worker for every server by default.
# The candidates need libmicrohttpd-dev, libevent-dev and libh2o-evloop-dev;
# scripts/install-deps.sh installs only the last two.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD_DIR=${BUILD_DIR:-build}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$PWD/$BUILD_DIR" ;; esac
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

build() { # CANDIDATE
    local flags
    case "$1" in
        mhd) flags=$(pkg-config --cflags --libs libmicrohttpd) ;;
        evhttp) flags=$(pkg-config --cflags --libs libevent) ;;
        h2o) flags="$(pkg-config --cflags --libs libh2o-evloop) -lpthread" ;;
        *) echo "compare.sh: error: unknown candidate ($1): use mhd, evhttp or h2o" >&2; exit 2 ;;
    esac
    if ! cc -O2 "$HERE/$1_ok.c" -o "$WORK/$1_ok" $flags 2> "$WORK/cc.err"; then
        echo "compare.sh: error: $1_ok.c failed to build: install its -dev package; the compiler output follows" >&2
        cat "$WORK/cc.err" >&2
        exit 1
    fi
}

# bench_server.sh runs "$JWTGUARD keygen ..." and "$JWTGUARD serve ... --listen L [--threads N]":
# this stand-in passes keygen to jwtguard and runs the candidate for serve.
cat > "$WORK/stand_in.sh" <<'EOF_STAND_IN'
#!/bin/bash
[ "$1" = serve ] || exec "$REAL_JWTGUARD" "$@"
shift
threads=1
while [ $# -gt 0 ]; do
    case "$1" in --listen) listen=$2; shift ;; --threads) threads=$2; shift ;; esac
    shift
done
case "$listen" in unix:*) ;; *) listen=${listen##*:} ;; esac
exec "$CANDIDATE" "$listen" "$threads"
EOF_STAND_IN
chmod +x "$WORK/stand_in.sh"

CANDIDATES=("$@")
[ ${#CANDIDATES[@]} -gt 0 ] || CANDIDATES=(mhd evhttp h2o)
for one in "${CANDIDATES[@]}"; do
    build "$one"
    echo "## candidate: $one"
    REAL_JWTGUARD="$BUILD_DIR/jwtguard" CANDIDATE="$WORK/${one}_ok" JWTGUARD="$WORK/stand_in.sh" \
        BUILD_DIR="$BUILD_DIR" ONLY_THROUGHPUT=1 NGINX_WORKERS=${NGINX_WORKERS:-1} TABLE_THREADS=${TABLE_THREADS:-1} \
        bash "$HERE/../bench_server.sh" 0 ||
        echo "compare.sh: candidate $one failed; its table stops there"
    echo
done
