#!/bin/bash
# shellcheck disable=SC2034 # table rows read variables through eval
# The example tokens keep the verdicts that examples/demo.sh expects, and
# the scan demo finds an example of every rule.
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

# `make demo` may pass a path relative to the repository root, and the scan
# demo changes folder before it runs the command.
run_scan_demo_relative() {
    local rel
    rel=$(realpath --relative-to="$SRC" "$JWTGUARD")
    (cd "$SRC" && JWTGUARD="$rel" bash examples/scan-demo.sh > "$WORK/scan-demo.out" 2>&1)
}

# A command that reports nothing must fail the scan demo.
fake_scanner_fails() {
    cat > "$WORK/fake" <<'FAKE'
#!/bin/bash
if [ "$*" = "scan --list-rules --format json" ]; then echo '{"rules":[{"id":"JG101"}]}'; exit 0; fi
case " $* " in *" --format json "*) echo '{"findings":[]}' ;; *) echo "0 findings" ;; esac
exit 0
FAKE
    chmod +x "$WORK/fake"
    ! JWTGUARD="$WORK/fake" bash "$SRC/examples/scan-demo.sh" > "$WORK/fake.out" 2>&1
}

assert "scan demo runs with a relative command path" run_scan_demo_relative
assert "scan demo finds every rule" grep -q "every one of the" "$WORK/scan-demo.out"
assert "scan demo fails when a rule finds nothing" fake_scanner_fails

finish
