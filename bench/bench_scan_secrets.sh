#!/usr/bin/env bash
# Costs of the signing-secret detectors on two generated worst cases, one
# thread each:
#   1. forge: a log of 2,000 distinct HS256 tokens and a .env with 100
#      signing secrets, so the forgeability check runs 2,000 x (100 + 507)
#      HMACs and finds nothing (every token has its own unknown key);
#   2. anchors: 59 MB of YAML where every line holds an anchor word
#      ("token", "sign") under an "auth:" block, so the config detector
#      parses every line.
# Usage: bench/bench_scan_secrets.sh [path/to/jwtguard]
# Prints user CPU seconds and wall seconds per case, from /usr/bin/time.
set -euo pipefail

JWTGUARD="${1:-${JWTGUARD:-build/jwtguard}}"
JWTGUARD="$(cd "$(dirname "$JWTGUARD")" && pwd)/$(basename "$JWTGUARD")" # the cases run elsewhere
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

mkdir -p "$WORK/forge" "$WORK/anchors"
/usr/bin/python3 - "$WORK" <<'PY'
import base64, hashlib, hmac, json, random, sys

root = sys.argv[1]
random.seed(5)
b64 = lambda v: base64.urlsafe_b64encode(v).rstrip(b"=").decode()
header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
lines = []
for i in range(2000):
    payload = b64(json.dumps({"sub": f"user{i}", "iat": 1767225600, "exp": 1767229200},
                             separators=(",", ":")).encode())
    key = ("bench-only-unknown-%08d-Xq7Tn2Kw9Lc4Hv6Rb3" % i).encode()
    mac = hmac.new(key, (header + "." + payload).encode(), hashlib.sha256).digest()
    lines.append(f"2026-01-01T00:00:00Z DEBUG Authorization: Bearer {header}.{payload}.{b64(mac)}")
open(f"{root}/forge/app.log", "w").write("\n".join(lines) + "\n")
open(f"{root}/forge/.env", "w").write(
    "\n".join(f"SVC{i}_JWT_SECRET=bench-only-found-{i:04d}-Wn4Kq8Tx2Lc7Hv5Rb9Mp3Sd6J"
              for i in range(100)) + "\n")

random.seed(3)
for k in range(10):
    out = []
    for block in range(2000):
        out.append(f"service{block}:")
        out.append("  auth:")
        for i in range(60):
            out.append(f"    token_ttl_{i}: {random.randint(0, 10**6)}")
            out.append(f"    signing_alg_{i}: HS256")
    open(f"{root}/anchors/values-{k}.yaml", "w").write("\n".join(out) + "\n")
PY

for case in forge anchors; do
    (cd "$WORK/$case" && /usr/bin/time -q -f "$case: %U s user, %e s wall" \
        "$JWTGUARD" scan --jobs 1 --format json --now 1767226000 . > /dev/null) 2>&1 || true
done
