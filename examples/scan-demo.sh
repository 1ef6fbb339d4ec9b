#!/bin/bash
# Scans examples/scan-repo/ and prints the text report: one finding of each
# kind. The scan exits 1 because it finds things, which is the expected
# result here. So this script exits 0 then, and fails only on a usage error
# (2) or an incomplete scan (3).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
JWTGUARD="${JWTGUARD:-$here/../build/jwtguard}"
# 2026-01-01T00:00:00Z, so live and expired tokens keep their state whatever the date.
NOW=1767225600

echo "== jwtguard scan examples/scan-repo"
set +e
(cd "$here/scan-repo" && NO_COLOR=1 "$JWTGUARD" scan --now "$NOW" .)
status=$?
set -e

case "$status" in
0 | 1) echo "scan-demo: scan exit status $status (1 means findings, as expected here)" ;;
*) echo "scan-demo: scan failed with exit status $status" >&2; exit 1 ;;
esac
