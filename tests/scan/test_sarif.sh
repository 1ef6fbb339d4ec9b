#!/bin/bash
# jwtguard scan --format sarif: the report validates against the SARIF 2.1.0
# JSON schema and GitHub code scanning's ingestion rules (tests/scan/node),
# for every rule's fixtures, with relative URIs, 1-based regions,
# fingerprints, related locations for cross-file findings and suppressions.
set -euo pipefail
source "$JWG_SOURCE_DIR/tests/cli/lib.sh"

NODE_DIR="$SRC/tests/scan/node"
if [ ! -d "$NODE_DIR/node_modules" ]; then
    echo "FAIL: $NODE_DIR/node_modules is missing: run scripts/install-deps.sh"
    echo "0 passed, 1 failed"
    exit 1
fi
validate() {
    node "$NODE_DIR/validate.mjs" "$@"
}

# The validator itself rejects a result without a location and a region with startLine 0.
cat > "$WORK/broken.sarif" <<'EOF'
{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"R1",
"shortDescription":{"text":"s"},"fullDescription":{"text":"f"},"help":{"text":"h"},
"properties":{"security-severity":"5.0"}}]}},
"results":[{"ruleId":"R1","ruleIndex":0,"message":{"text":"m"},"locations":[],"partialFingerprints":{"a":"b"}},
{"ruleId":"R1","ruleIndex":0,"message":{"text":"m"},"partialFingerprints":{"a":"b"},
"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.txt"},"region":{"startLine":0}}}]}]}]}
EOF
assert "validator rejects broken SARIF" bash -c "! node '$NODE_DIR/validate.mjs' '$WORK/broken.sarif' > '$WORK/broken.txt'"
assert "validator reports the empty location list" grep -q 'no location' "$WORK/broken.txt"
assert "validator reports startLine 0 from the schema" grep -q 'schema: .*startLine' "$WORK/broken.txt"

# Every fixture folder of every detector, scanned as one repository.
REPO="$WORK/all"
mkdir -p "$REPO"
cp -r "$SRC/tests/scan/fixtures/." "$REPO/"
run "scan --format sarif --now $NOW --output \"\$WORK/all.sarif\" \"\$REPO\""
assert "sarif scan exits 1" test "$STATUS" = 1
assert "sarif validates" validate "$WORK/all.sarif"
assert "one run" test "$(jq '.runs | length' "$WORK/all.sarif")" = 1
assert "rules cover the catalog" test "$(jq '.runs[0].tool.driver.rules | length' "$WORK/all.sarif")" = \
    "$("$JWTGUARD" scan --list-rules --format json | jq '.rules | length')"
assert "every result has one location" test \
    "$(jq '[.runs[0].results[] | select((.locations | length) != 1)] | length' "$WORK/all.sarif")" = 0
assert "uris are relative to SRCROOT" test \
    "$(jq '[.runs[0].results[].locations[0].physicalLocation.artifactLocation | select(.uriBaseId != "%SRCROOT%" or (.uri | startswith("/")))] | length' "$WORK/all.sarif")" = 0
assert "results carry the line hash" test \
    "$(jq '[.runs[0].results[] | select(.partialFingerprints.primaryLocationLineHash == null)] | length' "$WORK/all.sarif")" = 0
assert "line hash has an occurrence count" bash -c \
    "jq -r '.runs[0].results[0].partialFingerprints.primaryLocationLineHash' '$WORK/all.sarif' | grep -qxE '[0-9a-f]{1,16}:[0-9]+'"
assert "inline-allowed results are marked suppressed" test \
    "$(jq '[.runs[0].results[] | select(.suppressions[0].kind == "inSource")] | length' "$WORK/all.sarif")" -ge 1

# A cross-file finding (the same secret in prod and staging) points at both files.
XREPO="$WORK/envs"
mkdir -p "$XREPO/overlays/prod" "$XREPO/overlays/staging"
printf 'JWT_SECRET=engine-shared-8Jd3Kf9Lq2Wm5Xn7Vb4Zc6Hs1Tr\n' > "$XREPO/overlays/prod/app.env"
printf 'JWT_SECRET=engine-shared-8Jd3Kf9Lq2Wm5Xn7Vb4Zc6Hs1Tr\n' > "$XREPO/overlays/staging/app.env"
run "scan --format sarif --now $NOW \"\$XREPO\""
cp "$WORK/out" "$WORK/envs.sarif"
assert "cross-file sarif validates" validate "$WORK/envs.sarif"
assert "cross-file result has related locations" test \
    "$(jq '[.runs[0].results[] | select(.ruleId == "JG301") | .relatedLocations | length] | max' "$WORK/envs.sarif")" -ge 1

# A file name with a space and a '#' becomes a percent-encoded URI.
SREPO="$WORK/names"
mkdir -p "$SREPO"
cp "$SRC/tests/scan/fixtures/engine/repo/access.log" "$SREPO/access #1.log"
run "scan --format sarif --now $NOW \"\$SREPO\""
cp "$WORK/out" "$WORK/names.sarif"
assert "encoded name validates" validate "$WORK/names.sarif"
assert "uri is percent-encoded" test \
    "$(jq -r '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri' "$WORK/names.sarif")" = "access%20%231.log"

# Standard input findings have no repository file: left out, and counted.
run "scan --format sarif --now $NOW - < \"\$SRC/tests/scan/fixtures/engine/repo/access.log\""
cp "$WORK/out" "$WORK/stdin.sarif"
assert "stdin sarif validates" validate "$WORK/stdin.sarif"
assert "stdin results left out" test "$(jq '.runs[0].results | length' "$WORK/stdin.sarif")" = 0
assert "stdin results counted" test "$(jq '.runs[0].properties.stdinFindingsOmitted' "$WORK/stdin.sarif")" = 1

finish
