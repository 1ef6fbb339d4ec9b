#!/bin/bash
# shellcheck disable=SC2034 # table rows read variables through eval
# jwtguard verify: exit status, error names, stdin handling and --json shape.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

sign_hs() {
    "$JWTGUARD" sign --hmac-secret-file "$HMAC" --alg HS256 --ttl 600 --now "$NOW" "$@"
}

TOK=$(sign_hs --iss "$ISS" --aud "$AUD" --sub user-42)
TOK_NO_ISS=$(sign_hs --aud "$AUD")
printf '%s\n' "$TOK" > "$WORK/tok.nl"
printf '%s' "$TOK" > "$WORK/tok.raw"
printf '%s\r\n' "$TOK" > "$WORK/tok.crlf"
printf '%s\n\n' "$TOK" > "$WORK/tok.nlnl"
printf ' %s\n' "$TOK" > "$WORK/tok.space"
V="verify --hmac-secret-file \$HMAC --iss \$ISS --aud \$AUD --now $((NOW + 60))"
S="verify --hmac-secret-file \$HMAC"

check_table <<EOF
$V \$TOK                             | 0 | "sub":"user-42"        | valid token as argument
$V < \$WORK/tok.nl                   | 0 | "iss"                  | stdin with one trailing newline
$V - < \$WORK/tok.raw                | 0 | "iss"                  | stdin without newline, '-' operand
$V < \$WORK/tok.crlf                 | 1 | JWG_ERR_BASE64URL      | CR is not trimmed
$V < \$WORK/tok.nlnl                 | 1 | JWG_ERR_               | only one newline is dropped
$V < \$WORK/tok.space                | 1 | JWG_ERR_               | leading space is not trimmed
$V < /dev/null                       | 2 | no token on standard input | empty input
$V x.y                               | 1 | JWG_ERR_TOKEN_SEGMENTS | two segments
$V --alg HS384 \$TOK                  | 1 | JWG_ERR_ALG_NOT_ALLOWED | alg outside --alg list
$V --alg none \$TOK                   | 2 | invalid --alg          | none cannot be allowed
$V --require jti \$TOK                | 0 | "jti"                  | signer adds jti
$V --require role \$TOK               | 1 | JWG_ERR_CLAIM_MISSING  | required claim absent
$V --max-token-bytes 20 \$TOK         | 1 | JWG_ERR_TOKEN_TOO_LARGE | size limit
$V --max-token-bytes 0 \$TOK          | 2 | invalid number         | size limit out of range
$V --typ at+jwt \$TOK                 | 1 | JWG_ERR_TYP_MISMATCH   | typ requirement
$S --iss \$ISS --aud \$AUD --now $((NOW + 600)) \$TOK            | 1 | JWG_ERR_EXPIRED | expired at exp
$S --iss \$ISS --aud \$AUD --now $((NOW + 600)) --leeway 5 \$TOK | 0 | -               | leeway
$S --iss other --aud \$AUD --now $NOW \$TOK           | 1 | JWG_ERR_ISSUER        | wrong issuer
$S --iss \$ISS --aud other --now $NOW \$TOK           | 1 | JWG_ERR_AUDIENCE      | wrong audience
$S --aud \$AUD --now $NOW \$TOK                       | 2 | --no-iss-check        | missing --iss names the flag
$S --iss \$ISS --now $NOW \$TOK                       | 2 | --no-aud-check        | missing --aud names the flag
$S --no-iss-check --aud \$AUD --now $NOW \$TOK_NO_ISS | 0 | -                     | iss check dropped
$S --iss \$ISS --aud \$AUD --now $NOW \$TOK_NO_ISS    | 1 | JWG_ERR_CLAIM_MISSING | iss required by default
$S --iss \$ISS --no-iss-check --aud \$AUD \$TOK       | 2 | conflicting options   | contradicting flags
verify --iss \$ISS --aud \$AUD \$TOK                  | 2 | no key given          | no key option
$S --iss \$ISS --aud \$AUD --now soon \$TOK           | 2 | invalid number        | bad --now
$S --iss \$ISS --aud \$AUD --bogus \$TOK              | 2 | unknown option        | unknown option
$S --iss \$ISS --aud \$AUD \$TOK extra                | 2 | unexpected argument   | two operands
$S --iss \$ISS --aud \$AUD --iss                      | 2 | option needs a value  | missing option value
$S --iss=\$ISS --aud=\$AUD --now=$NOW \$TOK           | 0 | -                     | --name=value form
EOF

# No output may contain the token or its signature.
signature=${TOK##*.}
run "$S --iss other --aud \$AUD --now $NOW \$TOK"
assert "rejection does not echo the signature" test "${OUT}${ERR}" = "${OUT}${ERR//$signature/}"
assert "rejection line format" grep -q '^jwtguard: rejected: JWG_ERR_ISSUER: ' "$WORK/err"
run "$V \$TOK.x"
assert "malformed token is not echoed" test "${ERR//$signature/}" = "$ERR"

# --json: one object with the documented members, on valid and rejected tokens.
run "$V --json \$TOK"
assert "json valid: exit 0" test "$STATUS" = 0
json_table "$WORK/out" <<'EOF'
keys == ["claims","detail","error","header","message","valid"] :: json valid: member names
.valid == true :: json valid: valid true
.error == null :: json valid: error null
.message == null :: json valid: message null
.header.alg == "HS256" :: json valid: header object
.claims.sub == "user-42" :: json valid: claims object
EOF
run "$S --json --iss \$ISS --aud other --now $NOW \$TOK"
assert "json rejected: exit 1" test "$STATUS" = 1
json_table "$WORK/out" <<'EOF'
.valid == false :: json rejected: valid false
.error == "JWG_ERR_AUDIENCE" :: json rejected: error name
(.message | type) == "string" :: json rejected: message string
.header.typ == "JWT" :: json rejected: header shown
.claims.aud == "api://orders" :: json rejected: authentic claims shown
EOF
run "$V --json x.y.z"
json_table "$WORK/out" <<'EOF'
.valid == false :: json malformed: valid false
.header == null :: json malformed: header null
.claims == null :: json malformed: claims null
EOF
assert "json malformed: one line" test "$(wc -l < "$WORK/out")" = 1

# --jws: an opaque payload, verified without claim checks and printed unchanged.
jws() {
    printf '%s' "$1" > "$WORK/payload"
    "$JWTGUARD" sign --jws --payload-file "$WORK/payload" --hmac-secret-file "$HMAC" --alg HS256
}
JWS=$(jws 'hello, payload')
OTHER=$(jws 'other')
JWS_BAD="${JWS%%.*}.$(echo "$OTHER" | cut -d. -f2).${JWS##*.}"
check_table <<EOF
verify --jws --hmac-secret-file \$HMAC \$JWS         | 0 | hello, payload             | JWS payload printed
verify --jws --json --hmac-secret-file \$HMAC \$JWS  | 0 | "payload":"hello, payload" | JWS payload in JSON
verify --jws --hmac-secret-file \$HMAC \$JWS_BAD     | 1 | JWG_ERR_SIGNATURE_INVALID  | JWS payload swapped
EOF
run "verify --jws --hmac-secret-file \$HMAC \$JWS"
assert "JWS payload unchanged, no newline" test "$(od -An -c "$WORK/out" | tr -d ' \n')" = "hello,payload"

# A token with the header and claims JSON exactly as given, signed with HS256.
hs_token() {
    python3 - "$HMAC" "$1" "$2" <<'PY'
import base64, hashlib, hmac, sys
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
secret = open(sys.argv[1], "rb").read()
signing_input = b64(sys.argv[2].encode()) + "." + b64(sys.argv[3].encode())
print(signing_input + "." + b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()))
PY
}

# Claims JSON with whitespace and newlines is printed on one line.
SPACED=$(hs_token '{ "alg" : "HS256" }' $'{\n  "iss": "'"$ISS"$'",\n  "aud": "'"$AUD"$'",\n  "exp": '"$((NOW + 600))"$',\n  "note": "a b\\n"\n}')
run "$V \$SPACED"
assert "spaced claims: valid" test "$STATUS" = 0
assert "spaced claims: one line" test "$(wc -l < "$WORK/out")" = 1
assert "spaced claims: string spaces kept" grep -q '"note":"a b\\n"' "$WORK/out"
run "$V --json \$SPACED"
assert "spaced claims: json one line" test "$(wc -l < "$WORK/out")" = 1

finish
