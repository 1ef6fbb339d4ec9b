#!/bin/bash
# shellcheck disable=SC2034 # table rows read variables through eval
# The example tokens keep the verdicts that examples/demo.sh expects.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

run_demo() {
    bash "$SRC/examples/demo.sh" > "$WORK/demo.out" 2>&1
}

assert "demo verdicts match" run_demo
grep MISMATCH "$WORK/demo.out" || true
for token in "$SRC"/examples/tokens/*.jwt; do
    name=$(basename "$token" .jwt)
    assert "demo checks $name" grep -q "^$name " "$WORK/demo.out"
done

finish
