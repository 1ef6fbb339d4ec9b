#!/bin/bash
# Scans examples/scan-repo/ and prints the text report: at least one finding
# of every rule in the catalog. The scan exits 1 because it finds things,
# which is the expected result here. This script fails when the scan exits 2
# (usage) or 3 (incomplete), or when a rule of the catalog found nothing.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
JWTGUARD="${JWTGUARD:-$here/../build/jwtguard}"
# The scan runs from inside scan-repo/, so a relative path must be made absolute first.
case "$JWTGUARD" in
/*) ;;
*) JWTGUARD="$PWD/$JWTGUARD" ;;
esac
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

# Every rule of the catalog must have fired at least once.
catalog="$("$JWTGUARD" scan --list-rules --format json | jq -r '.. | .id? // empty' | sort -u)"
found="$(cd "$here/scan-repo" && "$JWTGUARD" scan --now "$NOW" --format json . |
    jq -r '.findings[].rule_id' | sort -u || true)"
missing="$(comm -23 <(echo "$catalog") <(echo "$found"))"
if [ -n "$missing" ]; then
    echo "scan-demo: no finding for rule(s): $(echo "$missing" | tr '\n' ' ')" >&2
    exit 1
fi
echo "scan-demo: every one of the $(echo "$catalog" | wc -l) rules found its example"
