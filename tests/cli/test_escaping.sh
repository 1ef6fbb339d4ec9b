#!/usr/bin/env bash
# Bytes from a token or a key file never reach the terminal raw. Values cut
# for length stop on a character boundary. Bytes of no valid UTF-8 sequence
# and DEL are escaped. A PEM label stops at the end of its line.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$WORK"

# Succeeds when file $1 contains no byte matching the bracket expression $2.
lacks_bytes() {
    ! LC_ALL=C grep -q "[$2]" "$1"
}

# 76 ASCII bytes, then U+1B000, whose UTF-8 form f0 9b 80 80 straddles the 80-byte cut.
LONG="$(printf 'a%.0s' $(seq 76))"$'\U0001B000'
TOKEN=$("$JWTGUARD" sign --hmac-secret-file "$HMAC" --alg HS256 --ttl 600 --now "$NOW" \
    --iss "$ISS" --aud "$LONG" --aud second)
run "verify --hmac-secret-file \"\$HMAC\" --iss \"\$ISS\" --aud other --now $NOW \"\$TOKEN\""
assert "aud mismatch is a rejection" test "$STATUS" = 1
assert "cut aud shows no partial UTF-8 sequence" lacks_bytes "$WORK/err" $'\x80-\xff'

CRIT=$(tok "{\"alg\":\"HS256\",\"crit\":[\"$(printf 'a%.0s' $(seq 36))"$'\U0001B000'"\"]}" '{"exp":1}')
run "inspect --now $NOW \"\$CRIT\""
assert "crit finding is reported" test "$STATUS" = 1
grep 'crit:' "$WORK/out" > "$WORK/crit-finding"
assert "cut crit shows no partial UTF-8 sequence" lacks_bytes "$WORK/crit-finding" $'\x80-\xff'
assert "crit finding keeps its advice" grep -q "must reject the token" "$WORK/out"

DEL=$(tok $'{"alg":"HS256","kid":"a\x7fb"}' '{"exp":1}')
run "inspect --json --now $NOW \"\$DEL\""
assert "inspect --json escapes DEL" lacks_bytes "$WORK/out" $'\x7f'
assert "inspect --json keeps DEL as an escape" grep -q 'a\\u007fb' "$WORK/out"
run "inspect --now $NOW \"\$DEL\""
assert "inspect text escapes DEL" lacks_bytes "$WORK/out" $'\x7f'

# A BEGIN line without its closing dashes must not pull key bytes into the label.
printf -- '-----BEGIN EC PRIVATE KEY\nMHcCAQEEIAbCdEfGhIjKlMnOpQrStUvWxYz0123-----END\n' > broken.pem
run "sign --key broken.pem --alg ES256 --ttl 60"
assert "broken PEM is a usage error" test "$STATUS" = 2
assert "error shows no key bytes" bash -c '! grep -q MHcC "$1"' _ "$WORK/err"

finish
