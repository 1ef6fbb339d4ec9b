#!/bin/bash
# Redact throughput: jwtguard redact on a generated access log of about
# 256 MiB with one token per 1000 lines, against cat and sed (a one-pattern
# substitution) on the same file in the same run. Prints the best of three
# runs of each, in MB/s (10^6 bytes per second), output to /dev/null.
# Usage: JWTGUARD=build/jwtguard bench/bench_scan_redact.sh [MIB]
set -euo pipefail

JWTGUARD="${JWTGUARD:?set JWTGUARD to the built jwtguard binary}"
MIB=${1:-256}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
LOG="$WORK/access.log"

/usr/bin/python3 - "$LOG" "$MIB" <<'PY'
import random, sys
path, mib = sys.argv[1], int(sys.argv[2])
token = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiZXhwIjoxODAwMDAwMDAwfQ."
         "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
rnd = random.Random(1)
lines = []
for i in range(10000):
    if i % 1000 == 999:
        lines.append('2026-01-01T10:00:%02dZ INFO GET /api/v1/orders?id=%d '
                     'Authorization: Bearer %s\n' % (i % 60, i, token))
    else:
        lines.append('2026-01-01T10:00:%02dZ INFO GET /api/v1/orders?id=%d status=200 '
                     'bytes=%d elapsed=%dms user=bob@example.com agent="curl/8.5.0"\n'
                     % (i % 60, i, rnd.randint(100, 99999), rnd.randint(1, 999)))
block = "".join(lines).encode()
with open(path, "wb") as f:
    for _ in range(mib * 1024 * 1024 // len(block) + 1):
        f.write(block)
PY
BYTES=$(stat -c %s "$LOG")

# Prints the best MB/s of three runs of the command in $2 (run with bash -c), labelled $1.
measure() {
    local label=$1 cmd=$2 best=0 start end rate

    for _ in 1 2 3; do
        start=$(date +%s%N)
        bash -c "$cmd" < "$LOG" > /dev/null
        end=$(date +%s%N)
        rate=$((BYTES * 1000 / (end - start)))
        [ "$rate" -gt "$best" ] && best=$rate
    done
    printf '%-44s %6d MB/s\n' "$label" "$best"
}

echo "input: $BYTES bytes, one token per 1000 lines, $(nproc) CPUs"
measure "jwtguard redact" "\"$JWTGUARD\" redact"
measure "cat" "cat"
measure "sed -E 's/eyJ[A-Za-z0-9._-]+/X/g'" "sed -E 's/eyJ[A-Za-z0-9._-]+/X/g'"
