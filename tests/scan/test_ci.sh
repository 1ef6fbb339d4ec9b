#!/bin/bash
# shellcheck disable=SC2034 # variables are read by run() through eval
# jwtguard scan, CI pipeline rules (JG5xx): GitHub Actions, GitLab CI and
# shell scripts that print secrets or put tokens in URLs.
set -euo pipefail
source "$(dirname "$0")/../cli/lib.sh"

FIX="$SRC/tests/scan/fixtures/ci"

run "scan --format json \$FIX"
assert "findings exit 1" test "$STATUS" = 1
cp "$WORK/out" "$WORK/ci.json"
jq -r '.findings[] | select(.rule_id | startswith("JG5")) | "\(.path):\(.start_line):\(.rule_id)"' \
    "$WORK/ci.json" | sort -t: -k1,1 -k2,2n > "$WORK/found"

# Each line: a CI file, the line of the leaking step, the rule.
sort -t: -k1,1 -k2,2n > "$WORK/expected" <<'LIST'
.github/workflows/deploy.yml:9:JG501
.github/workflows/deploy.yml:11:JG501
.github/workflows/deploy.yml:16:JG502
.github/workflows/deploy.yml:19:JG504
.github/workflows/deploy.yml:22:JG503
.gitlab-ci.yml:4:JG501
.gitlab-ci.yml:5:JG501
.gitlab-ci.yml:6:JG501
scripts/release.sh:4:JG501
scripts/release.sh:5:JG502
LIST
if diff -u "$WORK/expected" "$WORK/found" > "$WORK/diff"; then
    pass
else
    fail "JG5xx findings differ from the expected list (- expected, + found):"
    cat "$WORK/diff"
fi

# The safe workflow and script yield nothing.
for good in .github/workflows/safe.yml scripts/safe.sh; do
    assert "no finding in $good" test "$(grep -c "^$good:" "$WORK/found" || true)" = 0
done

# The same echo in a YAML file outside CI paths is not a CI step.
mkdir -p "$WORK/k8s"
printf 'command: echo "$JWT_SECRET"\n' > "$WORK/k8s/job.yaml"
run "scan --format json \$WORK/k8s"
assert "non-CI YAML has no JG5xx finding" \
    json_ok '[.findings[] | select(.rule_id|startswith("JG5"))] | length == 0' "$WORK/out"

# A GitHub workflow is recognized below a nested repository root as well.
mkdir -p "$WORK/repo/.github/workflows"
printf 'jobs:\n  a:\n    steps:\n      - run: echo "${{ secrets.API_JWT }}"\n' \
    > "$WORK/repo/.github/workflows/ci.yml"
run "scan --format json \$WORK/repo"
assert "workflow echo of a secret" \
    json_ok '[.findings[] | select(.rule_id=="JG501" and .start_line==4)] | length == 1' "$WORK/out"

# Every CI rule is in the catalog with CWE-532 or CWE-598.
run "scan --list-rules --format json"
cp "$WORK/out" "$WORK/rules.json"
for id in JG501 JG502 JG503 JG504; do
    assert "$id in the catalog" \
        json_ok "[.rules[] | select(.id==\"$id\" and (.cwe==\"CWE-532\" or .cwe==\"CWE-598\"))] | length == 1" \
        "$WORK/rules.json"
done

finish
