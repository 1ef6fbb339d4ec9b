#!/bin/bash
# jwtguard scan and redact on hostile input: revisions that look like git
# options, diff lines that look like diff headers, repository config that
# runs commands, terminal controls in file names, absolute or ".." paths in
# SARIF, tokens after percent or JSON escapes, bearer values after a
# URL-encoded blank, and FIFOs in a scanned folder. Each case failed before
# its fix.
set -euo pipefail
source "$JWG_SOURCE_DIR/tests/cli/lib.sh"

TOKEN="eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiaXNzIjoiaHR0cHM6Ly9pc3N1ZXIuZXhhbXBsZSIsImV4cCI6MTgwMDAwMDAwMH0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"

git_commit() {
    git -C "$1" -c user.email=t@example -c user.name=t add -A
    git -C "$1" -c user.email=t@example -c user.name=t commit -qm "$2"
}

# A repository whose working tree adds a token in a second hunk, after an
# added line that starts with "++ " and so reads "+++ " in the diff.
REPO="$WORK/repo"
mkdir -p "$REPO"
git -C "$REPO" init -q
printf 'line%s\n' 1 2 3 4 5 6 7 8 > "$REPO/app.log"
git_commit "$REPO" base
{
    printf 'line1\n++ not a diff header\n'
    printf 'line%s\n' 2 3 4 5 6
    printf 'Authorization: Bearer %s\n' "$TOKEN"
    printf 'line%s\n' 7 8
} > "$REPO/app.log"

check_table <<EOF
# The token is on an added line: a line reading "+++ " must not hide it.
scan --format json --diff HEAD "\$REPO"                | 1 | "rule_id":"JG102" | diff: fake file header
# A REV that git would read as an option is a usage error, and git never runs.
scan --diff --output=\$WORK/injected "\$REPO"          | 2 | invalid revision (--output= | diff: option as REV
scan --diff=--output=\$WORK/injected "\$REPO"          | 2 | invalid revision | diff: option after '='
scan --diff '' "\$REPO"                                | 2 | invalid revision | diff: empty REV
EOF
assert "diff: no file written by git" test ! -e "$WORK/injected"

# The repository's config must not run commands through fsmonitor or a textconv driver.
git -C "$REPO" config core.fsmonitor "touch $WORK/ran-fsmonitor; false"
git -C "$REPO" config diff.spy.textconv "touch $WORK/ran-textconv; cat"
printf '*.log diff=spy\n' > "$REPO/.git/info/attributes"
run "scan --format json --diff HEAD \"\$REPO\""
assert "diff: fsmonitor not run" test ! -e "$WORK/ran-fsmonitor"
assert "diff: textconv not run" test ! -e "$WORK/ran-textconv"
assert "diff: token still found with hostile config" test "$STATUS" = 1

# The finding sits on line 8 of app.log.
run "scan --format json --diff HEAD \"\$REPO\""
assert "diff: finding on line 8 of app.log" \
    test "$(jq -r '.findings[] | "\(.path):\(.start_line)"' "$WORK/out")" = "app.log:8"

# File names with ESC, a UTF-8 encoded C1 CSI (U+009B) and a newline.
NAMES="$WORK/names"
mkdir -p "$NAMES"
for name in $'esc\e[31m.log' $'csi\xc2\x9b31m.log' $'new\nline.log'; do
    printf 'Authorization: Bearer %s\n' "$TOKEN" > "$NAMES/$name"
done
run "scan \"\$NAMES\""
assert "names: text exit 1" test "$STATUS" = 1
assert "names: no raw ESC in text" test "$(grep -c $'\e' "$WORK/out")" = 0
assert "names: no raw C1 CSI in text" test "$(grep -c $'\xc2\x9b' "$WORK/out")" = 0
assert "names: C1 CSI printed as escapes" grep -qF 'csi\xc2\x9b31m.log:1:23:' "$WORK/out"
assert "names: newline printed as an escape" grep -qF 'new\x0aline.log:1:23:' "$WORK/out"
for format in json sarif; do
    run "scan --format $format \"\$NAMES\""
    assert "names: $format output is valid JSON" jq -e . "$WORK/out" > /dev/null
done

# SARIF URIs: an absolute or ".." path inside the working folder becomes
# relative to it; one outside it becomes a file:// URI without uriBaseId.
mkdir -p "$WORK/sarif/inside" "$WORK/outside"
printf 'Authorization: Bearer %s\n' "$TOKEN" > "$WORK/sarif/inside/a.log"
printf 'Authorization: Bearer %s\n' "$TOKEN" > "$WORK/outside/b.log"
uris() {
    jq -r '.runs[0].results[].locations[0].physicalLocation.artifactLocation | "\(.uri) \(.uriBaseId)"' \
        "$WORK/out" | sort | tr '\n' ';'
}
cd "$WORK/sarif"
run "scan --format sarif \"\$WORK/sarif/inside\" ../sarif/inside"
assert "sarif: absolute and .. paths inside the folder are relative" \
    test "$(uris)" = "inside/a.log %SRCROOT%;inside/a.log %SRCROOT%;"
run "scan --format sarif ../outside/b.log"
assert "sarif: a path outside the folder is a file URI" \
    test "$(uris)" = "file://$WORK/outside/b.log null;"
cd "$WORK"

# Tokens after a percent escape or a JSON escape that ends in a letter or digit.
{
    printf 'GET /x?auth=Bearer%%20%s HTTP/1.1\n' "$TOKEN"
    printf '{"msg":"header:\\n%s"}\n' "$TOKEN"
    printf 'url=%%22%s%%22\n' "$TOKEN"
    printf '{"a":"\\u0022%s"}\n' "$TOKEN"
} > "$WORK/escaped.log"
"$JWTGUARD" redact < "$WORK/escaped.log" > "$WORK/escaped.out"
assert "escapes: redact leaves no signature" test "$(grep -c 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c' "$WORK/escaped.out")" = 0
assert "escapes: redact replaces four tokens" test "$(grep -o 'REDACTED jwt:' "$WORK/escaped.out" | wc -l)" = 4
assert "escapes: redact keeps the escape" grep -qF 'Bearer%20[REDACTED jwt:' "$WORK/escaped.out"
run "scan --format json \"\$WORK/escaped.log\""
assert "escapes: scan finds four tokens" test "$(jq '[.findings[] | select(.value != null)] | length' "$WORK/out")" = 4

# Opaque bearer values after a URL-encoded blank ("%20" or '+') are replaced whole.
printf 'GET /x?auth=Bearer%%20opaqueOPAQUE0123%%2Fmore HTTP/1.1\nGET /x?auth=Bearer+opaqueOPAQUE0123more&y=1\n' |
    "$JWTGUARD" redact > "$WORK/bearer.out"
assert "bearer: %20 form replaced whole" grep -qE '^GET /x\?auth=Bearer%20\[REDACTED bearer:[0-9a-f]{12}\] HTTP/1.1$' "$WORK/bearer.out"
assert "bearer: + form replaced whole" grep -qE '^GET /x\?auth=Bearer\+\[REDACTED bearer:[0-9a-f]{12}\]&y=1$' "$WORK/bearer.out"
assert "bearer: no value bytes left" test "$(grep -c opaque "$WORK/bearer.out")" = 0

# A FIFO inside a scanned folder is listed as skipped instead of silently dropped.
mkdir -p "$WORK/special"
mkfifo "$WORK/special/pipe"
run "scan --format json \"\$WORK/special\""
assert "fifo: exit 0, nothing to report" test "$STATUS" = 0
assert "fifo: listed as skipped" \
    test "$(jq -c '.skipped' "$WORK/out")" = '[{"path":"pipe","reason":"not a regular file","error":false}]'
printf 'pipe\n' > "$WORK/special/.jwtguardignore"
run "scan --format json \"\$WORK/special\""
assert "fifo: an ignored one is not listed" test "$(jq -c '.skipped' "$WORK/out")" = '[]'

finish
