#!/bin/bash
# jwtguard scan, leaked-token rules JG101-JG108: one positive and one
# negative fixture per rule, state and privilege in messages and severity,
# standard input, and that no output carries a whole token.
set -euo pipefail
source "$JWG_SOURCE_DIR/tests/cli/lib.sh"

# The fixtures are copied out of tests/, which would mark every file as a test file.
REPO="$WORK/repo"
mkdir -p "$REPO"
cp -r "$SRC/tests/scan/fixtures/tokens/." "$REPO/"
# 2026-01-01T00:00:00Z: the live fixtures expire in 2027, the expired ones in 2020.
SCAN="scan --format json --now $NOW"

run "$SCAN \"\$REPO\""
assert "scan exits 1 on findings" test "$STATUS" = 1
cp "$WORK/out" "$WORK/all.json"

# Active (not suppressed) token findings of a file: "RULE:LINE" words.
active() {
    jq -r --arg p "$1" '.findings[] | select(.path == $p and .suppressed == null
        and (.rule_id | startswith("JG1"))) | "\(.rule_id):\(.start_line)"' "$WORK/all.json" |
        tr '\n' ' ' | sed 's/ $//'
}

# path | expected active findings ("" for none) | reason
while IFS='|' read -r path expected reason; do
    path=$(echo "$path" | tr -d ' ')
    [ -n "$path" ] && [ "${path:0:1}" != "#" ] || continue
    expected=$(echo "$expected" | sed 's/^ *//; s/ *$//')
    got=$(active "$path")
    if [ "$got" = "$expected" ]; then pass; else fail "$reason: $path: got '$got', expected '$expected'"; fi
done <<'TABLE'
# token as a query parameter in an access log line
jg101/pos.log  | JG101:2 | token in a URL
# a truncated placeholder in the same place
jg101/neg.log  |         | placeholder is not a token
# a bearer value URL-encoded with "%20" and with "+" in a query parameter
jg101/bearer_encoded.log | JG101:1 JG101:2 | URL-encoded bearer token in a URL
# Authorization: Bearer in a debug log line
jg102/pos.log  | JG102:3 | bearer header in a log
# an already redacted header
jg102/neg.log  |         | redacted value is not a token
# a JSON log record with a "token" field
jg103/pos.log  | JG103:2 | JSON log field
# "eyJ" inside a longer word, no left boundary
jg103/neg.log  |         | token inside a longer word
# a YAML setting
jg104/pos.yaml | JG104:3 | token in config
# an environment placeholder
jg104/neg.yaml |         | placeholder in config
# a string literal in Python
jg105/pos.py   | JG105:3 | token in source
# a signature of three characters is a documentation stub
jg105/neg.py   |         | stub token in source
# a Kubernetes Secret data value holding a base64-encoded token
jg106/pos.yaml | JG106:6 | token base64-encoded again
# a base64 value that starts like "eyJ" but is prose
jg106/neg.yaml |         | base64 prose is not a token
# alg none, empty signature
jg107/pos.txt  | JG107:2 | unsigned token
# the same, allowed inline for JG107
jg107/neg.txt  |         | inline allow for one rule
# a JWE in a markdown document
jg108/pos.md   | JG108:5 | token in other text
# allowed by a comment alone on the line above
jg108/neg.md   |         | allow comment on the line above
TABLE

# State and privilege: one token a line in state.log (a .log with no context: JG108, medium).
json_table "$WORK/all.json" <<'EOF2'
[.findings[] | select(.path == "state.log" and .start_line == 1)][0] | .severity == "medium" and (.message | test("live until 2027-01-15T08:00:00Z")) :: live token keeps the rule severity
[.findings[] | select(.path == "state.log" and .start_line == 2)][0] | .severity == "low" and (.message | test("expired at 2020-")) :: expired token is one level lower
[.findings[] | select(.path == "state.log" and .start_line == 3)][0] | .severity == "medium" and (.message | test("no expiry")) :: token without exp
[.findings[] | select(.path == "state.log" and .start_line == 4)][0] | .severity == "critical" and (.message | test("admin-like \"roles\" claim")) :: live admin token is critical
[.findings[] | select(.path == "state.log" and .start_line == 5)][0] | .severity == "critical" and (.message | test("Kubernetes service-account token")) :: service-account token is critical
[.findings[] | select(.path == "state.log" and .start_line == 6)][0] | .rule_id == "JG108" and (.message | test("encrypted JWT \\(JWE, dir\\)")) :: JWE is read from its header
[.findings[] | select(.path == "jg107/pos.txt")][0] | .severity == "medium" and (.message | test("unsigned")) :: unsigned token is medium
[.findings[] | select(.path == "jg102/pos.log")][0].message | test("Authorization: Bearer header") :: bearer header named in the message
[.findings[] | select(.rule_id | startswith("JG1")) | .value.length] | all(. > 40) :: every token finding carries its length
EOF2

# The same log line on standard input: standard input is log text.
LIVE=$(sed -n 's/.*Bearer //p' "$REPO/jg102/pos.log")
printf 'step 3/9\n+ curl -H "Authorization: Bearer %s" https://api.example\n' "$LIVE" > "$WORK/ci.log"
run "$SCAN - < \"\$WORK/ci.log\""
assert "stdin: exit 1" test "$STATUS" = 1
assert "stdin: bearer in a CI log is JG102 on line 2" json_ok \
    '[.findings[] | select(.rule_id == "JG102" and .start_line == 2 and .path == "-")] | length == 1' "$WORK/out"

# --fail-on: the highest token finding in jg104 is high.
check_table <<EOF2
scan --now $NOW --fail-on critical "\$REPO/jg104" | 0 | 1 finding | high is below --fail-on critical
scan --now $NOW --fail-on high "\$REPO/jg104"     | 1 | JG104     | high meets --fail-on high
EOF2

# No report format prints a whole token or its signature.
SIG=${LIVE##*.}
for format in text json sarif; do
    run "scan --format $format --now $NOW \"\$REPO\""
    assert "$format output has no whole token" test "${OUT//$SIG/}" = "$OUT"
done

finish
