#!/bin/bash
# shellcheck disable=SC2034 # table rows read variables through eval
# jwtguard policy lint, diff and check-env: each lint rule on a fixture that
# breaks it and on one that does not, the example fleet, JSON reports and
# exit codes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Copies, so that secret files can be created and their modes set.
mkdir -p "$WORK/ex"
cp -r "$SRC/examples/policies" "$SRC/examples/keys" "$WORK/ex/"
chmod 600 "$WORK/ex/keys/hmac.secret" "$WORK/ex/keys/payments.secret"
chmod 644 "$WORK/ex/keys/legacy.secret"
FLEET="$WORK/ex/policies"
L="$WORK/lint"
cp -r "$SRC/tests/data/policies/lint" "$L"
head -c 16 /dev/urandom > "$L/short.secret"
head -c 32 /dev/urandom > "$L/exact.secret"
head -c 32 /dev/urandom > "$L/loose.secret"
chmod 600 "$L/short.secret" "$L/exact.secret"
chmod 644 "$L/loose.secret"
# The same fixture with its secret as a FIFO, which the loader rejects without opening it for long.
mkdir "$L/fifo"
sed 's/loose.secret/fifo.secret/' "$L/hmac-loose.yaml" > "$L/fifo/hmac-fifo.yaml"
mkfifo -m 600 "$L/fifo/fifo.secret"
export LINT_SECRET=0123456789abcdef

# Lint: each rule fires on its fixture with its line, and the clean fixtures have none.
check_table <<'TABLE'
policy lint $L/clean.yaml              | 0 | lint: no findings                     | clean: 5m leeway and 24h lifetime are allowed
policy lint $L/alg-none.yaml           | 1 | alg-none.yaml:9: error [alg-none]     | alg-none: "none" listed
policy lint $L/alg-mixed.yaml          | 1 | :9: error [alg-mixed]                 | alg-mixed: HS256 with RS256
policy lint $L/aud-disabled.yaml       | 1 | :9: error [aud-not-required]          | aud-not-required: require_aud false
policy lint $L/aud-missing.yaml        | 1 | :7: error [aud-not-required]          | aud-not-required: no audiences
policy lint $L/iss-missing.yaml        | 1 | :7: error [iss-not-required]          | iss-not-required: issuer without a name
policy lint $L/exp-disabled.yaml       | 1 | :10: error [exp-not-required]         | exp-not-required: require_exp false
policy lint $L/leeway-long.yaml        | 1 | :10: warning [leeway-too-long]        | leeway-too-long: 6m
policy lint $L/lifetime-long.yaml      | 1 | :10: warning [lifetime-too-long]      | lifetime-too-long: 25h
policy lint $L/lifetime-missing.yaml   | 1 | :7: warning [lifetime-unbounded]      | lifetime-unbounded: no max_lifetime
policy lint $L/hmac-short.yaml         | 1 | :12: error [hmac-secret-short]        | hmac-secret-short: 16-byte file for HS256
policy lint $L/hmac-exact.yaml         | 0 | lint: no findings                     | hmac: a 32-byte secret is long enough
policy lint $L/hmac-env.yaml           | 1 | 16 bytes, shorter than the 32-byte    | hmac-secret-short: 16-byte variable
policy lint $L/unknown-key.yaml        | 1 | :10: error [policy-invalid]           | policy-invalid: a key the loader rejects
policy lint $L/hmac-loose.yaml         | 1 | error [secret-file-mode]              | secret-file-mode: 0644
policy lint $L/fifo/hmac-fifo.yaml     | 1 | error [secret-file-not-regular]       | secret-file-not-regular: a FIFO
policy lint $L/hmac-loose.yaml         | 1 | run chmod 600                         | secret-file-mode: says how to fix
policy lint $L/hmac-missing.yaml       | 1 | error [secret-file-missing]           | secret-file-missing: no such file
policy lint $L/jwks-http.yaml          | 1 | :12: error [jwks-plain-http]          | jwks-plain-http: http:// URL
policy lint $L/not-yaml.yaml           | 2 | not valid YAML                        | unreadable: YAML syntax error
policy lint $L/no-such-file.yaml       | 2 | -                                     | unreadable: missing file
policy lint $L/clean.yaml $L/alg-none.yaml | 1 | alg-none                          | two files: findings of either
policy lint                            | 2 | missing policy file                   | usage: no file
policy lint --format xml $L/clean.yaml | 2 | invalid --format                      | usage: unknown format
policy frobnicate $L/clean.yaml        | 2 | unknown policy subcommand             | usage: unknown subcommand
policy --help                          | 0 | check-env                             | help: lists the subcommands
help policy                            | 0 | jwtguard policy lint                  | help: jwtguard help policy
policy lint --help                     | 0 | --format                              | help: subcommand help
TABLE

# Each finding once, and the strict loader's own error only where no rule flagged the line.
run "policy lint --format json $L/alg-none.yaml"
json_table "$WORK/out" <<'JQ'
.version == 1 :: lint json: version 1
.command == "lint" :: lint json: command
(.findings | length) == 1 :: lint json: one finding for "none"
.findings[0].rule == "alg-none" and .findings[0].severity == "error" :: lint json: rule and severity
.findings[0].line == 9 :: lint json: line of the "algorithms" list
(.findings[0].file | endswith("alg-none.yaml")) :: lint json: file
.errors == 1 and .warnings == 0 :: lint json: counts
JQ
LINT_SECRET=0123456789abcdef0123456789abcdef check "policy lint $L/hmac-env.yaml" 0 - \
    "hmac: a 32-byte variable"
run "policy lint --format json $L/aud-missing.yaml"
assert "lint drops the loader error on a line a rule flagged" json_ok \
    '[.findings[].rule] == ["aud-not-required"]' "$WORK/out"
run "policy lint --format json $L/jwks-https.yaml"
assert "lint: an https:// JWKS URL is fine" json_ok 'all(.findings[]; .rule != "jwks-plain-http")' "$WORK/out"
run "policy lint --format json $L/clean.yaml"
assert "lint json: clean has an empty list" json_ok '.findings == [] and .errors == 0' "$WORK/out"

# The example fleet: every lint rule that the fleet is built to show.
run "policy lint --format json $FLEET/*.yaml"
assert "fleet lint exits 1" [ "$STATUS" = 1 ]
for rule in alg-none alg-mixed aud-not-required iss-not-required exp-not-required leeway-too-long \
    lifetime-too-long lifetime-unbounded hmac-secret-short jwks-plain-http secret-file-mode; do
    assert "fleet lint reports $rule" json_ok "any(.findings[]; .rule == \"$rule\")" "$WORK/out"
done
check "policy lint $FLEET/orders-prod.yaml $FLEET/billing-prod.yaml $FLEET/payments-prod.yaml" 0 - \
    "fleet: the prod policies are clean"

# Diff: the payments pair differs on every point except algorithms, and dev is the weakest.
check "policy diff $FLEET/payments-prod.yaml $FLEET/payments-dev.yaml" 1 "<- weakest" "diff: names the weakest"
check "policy diff $FLEET/orders-prod.yaml $FLEET/orders-prod.yaml" 0 "same settings" "diff: a file against itself"
check "policy diff $FLEET/orders-prod.yaml" 2 "two files or one folder" "diff: one file is a usage error"
check "policy diff $FLEET/orders-prod.yaml $WORK/none.yaml" 2 - "diff: unreadable file"
run "policy diff --format json $FLEET/payments-prod.yaml $FLEET/payments-dev.yaml"
json_table "$WORK/out" <<'JQ'
.version == 1 and .command == "diff" :: diff json: version and command
.count == 6 :: diff json: six differing points
([.differences[].point] | sort) == ["aud","audiences","exp","leeway","max_lifetime","required_claims"] :: diff json: the points
all(.differences[]; [.values[] | select(.weakest) | .environment] == ["dev"]) :: diff json: dev weakest on each
(.differences[] | select(.point == "leeway") | .values | map(.value)) == ["30s","600s"] :: diff json: leeway values
.skipped == [] :: diff json: nothing skipped
JQ
run "policy diff --format json $FLEET"
json_table "$WORK/out" <<'JQ'
any(.differences[]; .issuer == "https://issuer.example" and .point == "leeway" and any(.values[]; .weakest and .environment == "staging")) :: diff dir: staging leeway weakest
any(.differences[]; .point == "audiences" and .issuer == "https://issuer.example" and all(.values[]; .weakest == false)) :: diff dir: different audience lists name no weakest
(.skipped | length) == 1 and (.skipped[0].file | endswith("legacy-dev.yaml")) :: diff dir: the rejected file is skipped
JQ

# check-env: prod shared with another environment is an error, dev with staging a warning.
run "policy check-env --format json $FLEET"
json_table "$WORK/out" <<'JQ'
.version == 1 and .command == "check-env" :: check-env json: version and command
any(.findings[]; .rule == "secret-shared-across-env" and .severity == "error" and (.file | endswith("payments-prod.yaml"))) :: check-env: prod secret in dev
any(.findings[]; .rule == "secret-shared-across-env" and .severity == "warning" and (.file | endswith("payments-dev.yaml"))) :: check-env: staging secret in dev
any(.findings[]; .rule == "key-shared-across-env" and .severity == "error" and (.message | contains("b5n4QQ9GBzgi5us3PGHEiely59v8leIsxlvOZzU05Cw"))) :: check-env: RSA key by thumbprint
any(.findings[]; .rule == "policy-invalid" and (.file | endswith("legacy-dev.yaml"))) :: check-env: rejected file reported
JQ
assert "check-env exits 1 on findings" [ "$STATUS" = 1 ]
check "policy check-env $FLEET/orders-prod.yaml $FLEET/billing-prod.yaml" 0 "no findings" \
    "check-env: one environment shares freely"
check "policy check-env $FLEET/payments-prod.yaml $FLEET/payments-dev.yaml" 1 \
    "error [secret-shared-across-env]" "check-env: two files"
check "policy check-env $WORK/none.yaml" 2 - "check-env: unreadable file"

# No secret byte, hex or base64url form appears in any output.
for f in hmac payments; do
    secret="$WORK/ex/keys/$f.secret"
    hex=$(od -An -tx1 "$secret" | tr -d ' \n')
    b64u=$(base64 -w0 < "$secret" | tr '+/' '-_' | tr -d '=')
    for fmt in text json; do
        run "policy check-env --format $fmt $FLEET"
        assert "check-env $fmt hides $f hex" eval '[[ "$OUT$ERR" != *"${hex:0:16}"* ]]'
        assert "check-env $fmt hides $f base64url" eval '[[ "$OUT$ERR" != *"${b64u:0:16}"* ]]'
    done
done

finish
