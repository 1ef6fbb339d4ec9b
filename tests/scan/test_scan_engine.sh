#!/bin/bash
# jwtguard scan, the engine: exit codes, report formats, skipping of binary,
# vendored and large files, inline allow comments, the ignore file, the
# baseline, --diff, --git-history, standard input and thread-independent
# output. Uses rules JG101 (token in a URL) and JG201 (hard-coded secret).
set -euo pipefail
source "$JWG_SOURCE_DIR/tests/cli/lib.sh"

FIX="$SRC/tests/scan/fixtures/engine/repo"
TOKEN_PREFIX=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9
TOKEN="$TOKEN_PREFIX.eyJzdWIiOiJlbmdpbmUtZml4dHVyZSIsImV4cCI6MTgwMDAwMDAwMH0.43XaoTzW9t61mtNpLidZLKqnNHJwOnkZjAbXl7yRhiQ"
SECRET=engine-fixture-7Tq2Vx9LmR4tKp8WcY3nBd6Fs1Gj

# A fresh copy of the fixture repository in $REPO.
fresh_repo() {
    REPO="$WORK/repo-$1"
    rm -rf "$REPO"
    mkdir -p "$REPO"
    cp -r "$FIX/." "$REPO/"
}

# Active findings of the last JSON report: "RULE:PATH:LINE" words, sorted as printed.
active() {
    jq -r '.findings[] | select(.suppressed == null) | "\(.rule_id):\(.path):\(.start_line)"' \
        "$WORK/out" | tr '\n' ' ' | sed 's/ $//'
}

expect_active() {
    local reason=$1 expected=$2 got

    got=$(active)
    if [ "$got" = "$expected" ]; then pass; else fail "$reason: got '$got', expected '$expected'"; fi
}

fresh_repo main
mkdir -p "$WORK/clean"
printf 'nothing here\n' > "$WORK/clean/a.txt"
printf '# no ignore entries\n' > "$WORK/empty.ignore"
printf '!negated\n' > "$WORK/bad.ignore"
printf '{"schema":"other"}' > "$WORK/bad-schema.json"
printf 'not json' > "$WORK/bad-json.json"

check_table <<TABLE
# nothing to find: exit 0
scan --now $NOW "$WORK/clean"                       | 0 | 0 findings   | clean folder
# a token and a secret at severity high: exit 1
scan --now $NOW "$REPO"                             | 1 | JG101        | findings exit 1
# high findings are below --fail-on critical
scan --now $NOW --fail-on critical "$REPO"          | 0 | JG201        | below fail-on
# --fail-on note counts everything
scan --now $NOW --fail-on note "$REPO"              | 1 | JG201        | fail-on note
# unknown severity name
scan --fail-on severe "$REPO"                       | 2 | unknown severity | bad fail-on
# unknown report format
scan --format xml "$REPO"                           | 2 | unknown report format | bad format
# unknown option
scan --no-such-option "$REPO"                       | 2 | unknown option | bad option
# a path that does not exist
scan "$WORK/missing"                                | 2 | cannot read path | missing path
# --jobs out of range
scan --jobs 0 "$REPO"                               | 2 | jobs         | jobs zero
# --diff needs a git repository: scan incomplete
scan --diff HEAD "$WORK/clean"                      | 3 | git diff against revision 'HEAD' failed | diff outside git
# --git-history needs a git repository: scan incomplete
scan --git-history "$WORK/clean"                    | 3 | git history could not be read | history outside git
# --diff and --git-history together
scan --diff HEAD --git-history "$REPO"              | 2 | cannot be combined | diff with history
# the catalog
scan --list-rules                                   | 0 | JG101        | list rules
# one rule's help
scan --explain JG201                                | 0 | JG201        | explain rule
# an unknown rule
scan --explain JG999                                | 2 | unknown rule | explain unknown
# patterns for benchmarks
scan --print-patterns                               | 0 | eyJ          | print patterns
# an ignore file line that negates
scan --ignore-file "$WORK/bad.ignore" "$REPO"       | 2 | negation     | ignore negation
# an ignore file that does not exist, given explicitly
scan --ignore-file "$WORK/none.ignore" "$REPO"      | 2 | cannot read ignore file | ignore missing
# a baseline of another schema
scan --baseline "$WORK/bad-schema.json" "$REPO"     | 2 | invalid baseline | baseline schema
# a baseline that is not JSON
scan --baseline "$WORK/bad-json.json" "$REPO"       | 2 | not valid JSON | baseline json
# a baseline that does not exist
scan --baseline "$WORK/none.json" "$REPO"           | 2 | cannot read baseline | baseline missing
# --help exits 0
scan --help                                         | 0 | --fail-on    | help
TABLE

# JSON report: schema, both findings, skipped binary and vendored files, no whole token or secret.
run "scan --format json --now $NOW \"\$REPO\""
assert "json exit 1" test "$STATUS" = 1
assert "json schema" test "$(jq -r .schema "$WORK/out")" = "jwtguard-scan/1"
expect_active "json findings" "JG201:.env:2 JG101:access.log:2"
assert "binary skipped" test "$(jq -r '.skipped[] | select(.path == "config/blob.log") | .reason' "$WORK/out")" = binary
assert "vendored skipped" test "$(jq -r '.skipped[] | select(.path == "node_modules") | .reason' "$WORK/out")" = vendored

assert "value preview is 6 bytes" test "$(jq -r '.findings[] | select(.rule_id == "JG101") | .value.preview' "$WORK/out")" = eyJhbG
assert "value length" test "$(jq -r '.findings[] | select(.rule_id == "JG101") | .value.length' "$WORK/out")" = ${#TOKEN}
assert "fingerprint is 12 hex" bash -c "jq -r '.findings[0].value.fingerprint' '$WORK/out' | grep -qxE '[0-9a-f]{12}'"
assert "content fingerprint is 32 hex" bash -c "jq -r '.findings[0].fingerprint' '$WORK/out' | grep -qxE '[0-9a-f]{32}'"
assert "no whole token in json" bash -c "! grep -qF '$TOKEN' '$WORK/out'"
assert "no whole secret in json" bash -c "! grep -qF '$SECRET' '$WORK/out'"
cp "$WORK/out" "$WORK/jobs-default.json"

# Text report: one line per finding and a summary, no colour when not a TTY, no whole token.
run "scan --now $NOW \"\$REPO\""
assert "text names the rule" grep -q '^access.log:2:76: high JG101 TokenInUrl: ' "$WORK/out"
assert "text summary" grep -q '^2 findings in 3 files' "$WORK/out"
assert "no colour off a TTY" bash -c "! grep -q $'\033' '$WORK/out'"
assert "no whole token in text" bash -c "! grep -qF '$TOKEN' '$WORK/out'"

# Output does not depend on the number of threads.
run "scan --format json --jobs 1 --now $NOW \"\$REPO\""
assert "jobs 1 equals default" cmp -s "$WORK/out" "$WORK/jobs-default.json"
run "scan --format json --jobs 8 --now $NOW \"\$REPO\""
assert "jobs 8 equals default" cmp -s "$WORK/out" "$WORK/jobs-default.json"

# --include-vendored and --include-binary scan what is skipped by default.
run "scan --format json --include-vendored --include-binary --now $NOW \"\$REPO\""
expect_active "include flags" "JG201:.env:2 JG101:access.log:2 JG101:config/blob.log:1 JG101:node_modules/lib/vendored.log:1"

# --max-file-size lists larger files as skipped, without failing the scan.
run "scan --format json --max-file-size 100 --now $NOW \"\$REPO\""
assert "large file skipped" test "$(jq -r '.skipped[] | select(.path == "access.log") | .reason' "$WORK/out")" = "too large"
assert "large file is not an error" test "$(jq -r .summary.incomplete "$WORK/out")" = false

# A symbolic link to a file outside the root is not followed.
fresh_repo link
printf 'JWT_SECRET=%s\n' "$SECRET" > "$WORK/outside.env"
rm "$REPO/.env"
ln -s "$WORK/outside.env" "$REPO/linked.env"
run "scan --format json --now $NOW \"\$REPO\""
expect_active "link outside root" "JG101:access.log:2"

# Inline allow: on the line, alone on the line above, and for another rule only.
fresh_repo inline
printf 'JWT_SECRET=%s # jwtguard:allow\n' "$SECRET" > "$REPO/.env"
run "scan --format json --now $NOW \"\$REPO\""
expect_active "allow on the line" "JG101:access.log:2"
assert "inline counted" test "$(jq -r .summary.suppressed.inline "$WORK/out")" = 1
printf '# jwtguard:allow JG201 -- rotated, kept for the demo\nJWT_SECRET=%s\n' "$SECRET" > "$REPO/.env"
run "scan --format json --now $NOW \"\$REPO\""
expect_active "allow on the line above" "JG101:access.log:2"
printf '# jwtguard:allow JG101\nJWT_SECRET=%s\n' "$SECRET" > "$REPO/.env"
run "scan --format json --now $NOW \"\$REPO\""
expect_active "allow for another rule" "JG201:.env:2 JG101:access.log:2"
printf 'OTHER=1 # jwtguard:allow\nJWT_SECRET=%s\n' "$SECRET" > "$REPO/.env"
run "scan --format json --now $NOW \"\$REPO\""
expect_active "allow after code on the line above" "JG201:.env:2 JG101:access.log:2"

# Cross-file findings (reported after every file) honour an allow comment at their place too.
XREPO="$WORK/envs"
mkdir -p "$XREPO/overlays/prod" "$XREPO/overlays/staging"
printf '# jwtguard:allow JG301\nJWT_SECRET=engine-shared-8Jd3Kf9Lq2Wm5Xn7Vb4Zc6Hs1Tr\n' > "$XREPO/overlays/prod/app.env"
printf 'JWT_SECRET=engine-shared-8Jd3Kf9Lq2Wm5Xn7Vb4Zc6Hs1Tr\n' > "$XREPO/overlays/staging/app.env"
run "scan --format json --now $NOW \"\$XREPO\""
assert "cross-file finding allowed inline" test \
    "$(jq -r '.findings[] | select(.rule_id == "JG301") | .suppressed' "$WORK/out")" = inline
expect_active "other rules stay active" "JG201:overlays/prod/app.env:2 JG201:overlays/staging/app.env:1"

# A CMake build folder (it contains CMakeCache.txt) is skipped like a vendored one.
fresh_repo cmake
mkdir -p "$REPO/out-debug"
printf 'CMAKE_BUILD_TYPE:STRING=Debug\n' > "$REPO/out-debug/CMakeCache.txt"
printf 'GET /cb?token=%s\n' "$TOKEN" > "$REPO/out-debug/copy.log"
run "scan --format json --now $NOW \"\$REPO\""
expect_active "build folder not scanned" "JG201:.env:2 JG101:access.log:2"
assert "build folder listed as skipped" test \
    "$(jq -r '.skipped[] | select(.path == "out-debug") | .reason' "$WORK/out")" = "CMake build folder"
run "scan --format json --include-vendored --now $NOW \"\$REPO\""
assert "include-vendored scans the build folder" \
    json_ok '[.findings[] | select(.path == "out-debug/copy.log")] | length == 1' "$WORK/out"

# Ignore file: a path glob skips the file, a rule entry suppresses that rule only.
fresh_repo ignore
printf '# logs are rotated daily\n*.log\n' > "$REPO/.jwtguardignore"
run "scan --format json --now $NOW \"\$REPO\""
expect_active "ignore path glob" "JG201:.env:2"
printf 'JG101 access.*\nJG201 config/**\n' > "$REPO/.jwtguardignore"
run "scan --format json --now $NOW \"\$REPO\""
expect_active "ignore rule entry" "JG201:.env:2"
assert "ignore counted" test "$(jq -r .summary.suppressed.ignore_file "$WORK/out")" = 1
run "scan --format json --ignore-file \"\$WORK/empty.ignore\" --now $NOW \"\$REPO\""
expect_active "explicit ignore file replaces the default" "JG201:.env:2 JG101:access.log:2"

# A trailing comment is cut after a path entry and after a rule entry alike.
printf '*.log # rotated daily\nJG201 .env   # test secret\n' > "$REPO/.jwtguardignore"
run "scan --format json --now $NOW \"\$REPO\""
assert "trailing comments exit 0" test "$STATUS" = 0
expect_active "trailing comments keep both entries" ""
assert "trailing comment: rule entry counted" test "$(jq -r .summary.suppressed.ignore_file "$WORK/out")" = 1

# A rule id that no rule has would suppress nothing, so it is a usage error.
printf '# old rule\nJG999 code/**\n' > "$REPO/.jwtguardignore"
run "scan --format json --now $NOW \"\$REPO\""
assert "unknown rule id exits 2" test "$STATUS" = 2
assert "unknown rule id message" test "$ERR" = \
    "jwtguard: error: unknown rule id in ignore file ($REPO/.jwtguardignore:2: JG999): list the rule ids with jwtguard scan --list-rules"
assert "unknown rule id: no report" test ! -s "$WORK/out"

# Baseline: known findings are suppressed, a moved line is not new, a new secret on an old line is.
fresh_repo baseline
run "scan --write-baseline \"\$WORK/baseline.json\" --now $NOW \"\$REPO\""
assert "write baseline exits 0" test "$STATUS" = 0
assert "baseline has two entries" test "$(jq '.findings | length' "$WORK/baseline.json")" = 2
assert "baseline holds no secret" bash -c "! grep -qF '$SECRET' '$WORK/baseline.json'"
# An incomplete scan (here git diff fails outside a repository) still writes the baseline, but exits 3.
run "scan --write-baseline \"\$WORK/partial.json\" --diff HEAD --now $NOW \"\$REPO\""
assert "incomplete write baseline exits 3" test "$STATUS" = 3
assert "incomplete baseline still written" json_ok '.schema == "jwtguard-scan-baseline/1"' "$WORK/partial.json"
run "scan --format json --baseline \"\$WORK/baseline.json\" --now $NOW \"\$REPO\""
assert "baselined scan exits 0" test "$STATUS" = 0
assert "baseline counted" test "$(jq -r .summary.suppressed.baseline "$WORK/out")" = 2
printf '\n\n# moved down\n' | cat - "$FIX/.env" > "$REPO/.env"
run "scan --format json --baseline \"\$WORK/baseline.json\" --now $NOW \"\$REPO\""
expect_active "moved line stays baselined" ""
printf '# signing secret of the engine fixture\nJWT_SECRET=engine-fixture-rotated-Zp4Wq8Lm2Nx6Vb1Kc9Hd3\n' > "$REPO/.env"
run "scan --format json --baseline \"\$WORK/baseline.json\" --now $NOW \"\$REPO\""
expect_active "new secret on an old line" "JG201:.env:2"
assert "new secret exits 1" test "$STATUS" = 1

# A failed --diff names the folder and the revision given, with control bytes escaped.
run "scan --diff \"\$(printf 'no-such\\033rev')\" \"\$WORK/clean\""
assert "failed diff exits 3" test "$STATUS" = 3
assert "failed diff names the values" test "$(grep 'not scanned' "$WORK/out")" = \
    "jwtguard: warning: not scanned ($WORK/clean): git diff against revision 'no-such\\x1brev' failed: check that the folder is in a git repository and the revision exists"

# --diff REV: only lines added since REV, and untracked files.
fresh_repo diff
git -C "$REPO" init -q
git -C "$REPO" -c user.email=t@example -c user.name=t add -A
git -C "$REPO" -c user.email=t@example -c user.name=t commit -qm base
printf 'JWT_SECRET=engine-fixture-added-Zp4Wq8Lm2Nx6Vb1Kc9Hd3\n' >> "$REPO/.env"
printf 'JWT_SECRET=engine-fixture-untracked-Qw3Er5Ty7Ui9Op1As\n' > "$REPO/new.env"
run "scan --format json --diff HEAD --now $NOW \"\$REPO\""
expect_active "diff keeps added lines" "JG201:.env:3 JG201:new.env:1"
run "scan --format json --diff HEAD --now $NOW \"\$REPO\"/"
expect_active "diff with a trailing slash" "JG201:.env:3 JG201:new.env:1"

# --git-history: a secret deleted in a later commit is still found, with its commit.
git -C "$REPO" -c user.email=t@example -c user.name=t add -A
git -C "$REPO" -c user.email=t@example -c user.name=t commit -qm more
first_commit=$(git -C "$REPO" rev-list --max-parents=0 HEAD)
git -C "$REPO" rm -q .env new.env
git -C "$REPO" -c user.email=t@example -c user.name=t commit -qm "remove secrets"
run "scan --format json --now $NOW \"\$REPO\""
expect_active "working tree without the secret" "JG101:access.log:2"
run "scan --format json --git-history --now $NOW \"\$REPO\""
assert "history finds the deleted secret" bash -c "jq -e --arg c '$first_commit' '.findings[] | select(.rule_id == \"JG201\" and .path == \".env\" and .start_line == 2 and .commit == \$c)' '$WORK/out' > /dev/null"
assert "history exit 1" test "$STATUS" = 1

# Standard input: path "-", line numbers, and a token across a read boundary (1 MiB windows).
run "scan --format json --now $NOW - < \"\$FIX/access.log\""
expect_active "stdin" "JG101:-:2"
{
    head -c 1048550 /dev/zero | tr '\0' 'x'
    printf '\nGET /cb?id_token=%s HTTP/1.1\n' "$TOKEN"
    head -c 300000 /dev/zero | tr '\0' 'y'
    printf '\n'
} > "$WORK/boundary.log"
run "scan --format json --now $NOW - < \"\$WORK/boundary.log\""
expect_active "token across a window boundary" "JG101:-:2"
assert "column across a boundary" test "$(jq -r '.findings[0].start_column' "$WORK/out")" = 18

# A pipe named as a path (process substitution) is read like standard input.
run "scan --format json --now $NOW <(cat \"\$FIX/access.log\")"
assert "pipe path scanned" bash -c "jq -e '.findings[] | select(.rule_id == \"JG101\" and .start_line == 2 and (.path | startswith(\"/dev/fd/\")))' '$WORK/out' > /dev/null"

# A file over 16 MiB is read in windows like standard input: the token at a window edge is found.
mkdir -p "$WORK/big"
{
    head -c 17000000 /dev/zero | tr '\0' 'x'
    printf '\n'
    cat "$WORK/boundary.log"
} > "$WORK/big/huge.log"
run "scan --format json --now $NOW \"\$WORK/big\""
expect_active "token in a file read in windows" "JG101:huge.log:3"

finish
