#!/bin/bash
# Runs `jwtguard policy lint`, `diff` and `check-env` over the example fleet
# in examples/policies/ and checks that every lint rule and both check-env
# findings show up. Findings are the expected output here, so exit 1 from
# the commands is normal; this script exits 1 only when an expected finding
# is missing or a command fails with exit 2.
# Usage: JWTGUARD=build/jwtguard bash examples/policy-demo.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
JWTGUARD="${JWTGUARD:-$here/../build/jwtguard}"
case "$JWTGUARD" in
*/*) JWTGUARD="$(cd "$(dirname "$JWTGUARD")" && pwd)/$(basename "$JWTGUARD")" ;; # the script changes directory
esac
cd "$here"
fleet=policies

# git keeps no file modes beyond the executable bit. The secrets must be
# 0600 for the loader, except legacy.secret, which lint must find readable.
chmod 600 "$here/keys/hmac.secret" "$here/keys/payments.secret"
chmod 644 "$here/keys/legacy.secret"

# Runs one policy subcommand, prints its text report, and stores its JSON report in $json.
run_policy() {
    local status

    echo "\$ (cd examples && jwtguard policy $*)"
    set +e
    "$JWTGUARD" policy "$@"
    json=$("$JWTGUARD" policy "$@" --format json)
    status=$?
    set -e
    echo
    if [ "$status" -gt 1 ]; then
        echo "policy demo: jwtguard policy $1 failed with exit $status" >&2
        exit 1
    fi
}

echo "== jwtguard policy: the example fleet in examples/policies/ breaks rules on purpose,"
echo "   so every error below is an expected finding."
echo
missing=0
expect_rules() {
    for rule in "$@"; do
        if ! jq -e --arg r "$rule" 'any(.findings[]; .rule == $r)' <<< "$json" > /dev/null; then
            echo "policy demo: no $rule finding" >&2
            missing=$((missing + 1))
        fi
    done
}

run_policy lint "$fleet"/*.yaml
expect_rules alg-none alg-mixed aud-not-required iss-not-required exp-not-required leeway-too-long \
    lifetime-too-long lifetime-unbounded hmac-secret-short jwks-plain-http secret-file-mode

run_policy diff "$fleet/payments-prod.yaml" "$fleet/payments-dev.yaml"

run_policy check-env "$fleet"
expect_rules key-shared-across-env secret-shared-across-env

if [ "$missing" -ne 0 ]; then
    echo "policy demo: $missing expected findings are missing" >&2
    exit 1
fi
echo "policy demo: every expected finding was reported"
