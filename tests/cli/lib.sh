# shellcheck shell=bash disable=SC2034 # variables are used by the sourcing scripts
# Shared helpers of the command-line tests; sourced by tests/cli/test_*.sh.
# ctest sets JWTGUARD to the built command and JWG_SOURCE_DIR to the tree.

JWTGUARD="${JWTGUARD:?set JWTGUARD to the built jwtguard binary}"
case "$JWTGUARD" in
/*) ;;
*/*) JWTGUARD="$PWD/$JWTGUARD" ;; # tests change directory
esac
SRC="${JWG_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
KEYS="$SRC/examples/keys"
NOW=1767225600
ISS=https://issuer.example
AUD=api://orders
PASSED=0
FAILED=0

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp "$KEYS/hmac.secret" "$WORK/hmac.secret"
chmod 600 "$WORK/hmac.secret"
HMAC="$WORK/hmac.secret"

pass() {
    PASSED=$((PASSED + 1))
}

fail() {
    FAILED=$((FAILED + 1))
    echo "FAIL: $*"
}

# Runs jwtguard with the words of $1 (expanded with eval, so variables and
# redirections work) and stores the exit status, stdout and stderr in
# STATUS, OUT and ERR. A shell variable cannot hold NUL, so OUT drops NUL
# bytes; $WORK/out keeps stdout's bytes exactly.
run() {
    set +e
    eval "\"\$JWTGUARD\" $1" > "$WORK/out" 2> "$WORK/err"
    STATUS=$?
    set -e
    OUT="$(tr -d '\000' < "$WORK/out")"
    ERR="$(cat "$WORK/err")"
}

# Checks one case: command words, expected exit status, a text that must
# appear on stdout or stderr ("-" for none), and the reason, shown on failure.
check() {
    local args=$1 expected=$2 text=$3 reason=$4

    run "$args"
    if [ "$STATUS" != "$expected" ]; then
        fail "$reason: exit $STATUS, expected $expected [jwtguard $args] ${ERR:0:300}"
    elif [ "$text" != "-" ] && [[ "$OUT$ERR" != *"$text"* ]]; then
        fail "$reason: output lacks '$text' [jwtguard $args] ${ERR:0:300}"
    else
        pass
    fi
}

# Runs check() on each "args | exit | text | reason" line of standard input.
check_table() {
    local args expected text reason

    while IFS='|' read -r args expected text reason; do
        args="${args#"${args%%[![:space:]]*}"}"
        [ -n "$args" ] && [ "${args:0:1}" != "#" ] || continue
        check "${args%"${args##*[![:space:]]}"}" "$(echo "$expected" | tr -d ' ')" \
            "$(echo "$text" | sed 's/^ *//; s/ *$//')" "$(echo "$reason" | sed 's/^ *//')"
    done
}

# Asserts that a condition command succeeds; the first argument is the reason.
assert() {
    local reason=$1
    shift
    if "$@"; then
        pass
    else
        fail "$reason"
    fi
}

# Succeeds when the jq filter $1 is true for the JSON file $2.
json_ok() {
    jq -e "$1" "$2" > /dev/null
}

# Checks each "jq filter :: reason" line of standard input against the JSON file $1.
json_table() {
    local file=$1 line

    while IFS= read -r line; do
        [ -n "${line// /}" ] || continue
        assert "${line#* :: }" json_ok "${line%% :: *}" "$file"
    done
}

# Prints $1 as unpadded base64url.
b64() {
    printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='
}

# Builds HEADER.CLAIMS.sig from two JSON texts; the signature is never checked.
tok() {
    printf '%s.%s.c2lnbmF0dXJl' "$(b64 "$1")" "$(b64 "$2")"
}

# Prints the closing line and returns non-zero when a case failed.
finish() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}
