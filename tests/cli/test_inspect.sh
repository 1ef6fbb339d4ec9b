#!/bin/bash
# shellcheck disable=SC2034 # table rows read variables through eval
# jwtguard inspect: decoding without verification and each finding.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

GOOD_CLAIMS="{\"iss\":\"a\",\"aud\":\"b\",\"iat\":$NOW,\"exp\":$((NOW + 600))}"
CLEAN=$(tok '{"alg":"RS256","kid":"k-2026"}' "$GOOD_CLAIMS")
NONE=$(tok '{"alg":"NoNe"}' "$GOOD_CLAIMS")
JKU=$(tok '{"alg":"RS256","jku":"https://evil.example/k"}' "$GOOD_CLAIMS")
X5C=$(tok '{"alg":"RS256","x5c":["MIIB"]}' "$GOOD_CLAIMS")
JWK=$(tok '{"alg":"RS256","jwk":{"kty":"oct"}}' "$GOOD_CLAIMS")
KID_PATH=$(tok '{"alg":"HS256","kid":"../../dev/null"}' "$GOOD_CLAIMS")
KID_SQL=$(tok "{\"alg\":\"HS256\",\"kid\":\"x' OR '1'='1\"}" "$GOOD_CLAIMS")
KID_SHELL=$(tok '{"alg":"HS256","kid":"a;rm -rf"}' "$GOOD_CLAIMS")
KID_NUL=$(tok '{"alg":"HS256","kid":"a\u0000b"}' "$GOOD_CLAIMS")
KID_LONG=$(tok "{\"alg\":\"HS256\",\"kid\":\"$(printf 'k%.0s' {1..200})\"}" "$GOOD_CLAIMS")
NO_EXP=$(tok '{"alg":"RS256"}' '{"iss":"a","aud":"b"}')
NO_AUD=$(tok '{"alg":"RS256"}' "{\"iss\":\"a\",\"exp\":$((NOW + 600))}")
NO_ISS=$(tok '{"alg":"RS256"}' "{\"aud\":\"b\",\"exp\":$((NOW + 600))}")
LONG=$(tok '{"alg":"RS256"}' "{\"iss\":\"a\",\"aud\":\"b\",\"iat\":$NOW,\"exp\":$((NOW + 7200))}")
DUP=$(tok '{"alg":"RS256","alg":"none"}' "$GOOD_CLAIMS")
ESCAPED=$(tok '{"\u0061lg":"none"}' "$GOOD_CLAIMS")
UNSECURED="$(b64 '{"alg":"none"}').$(b64 "$GOOD_CLAIMS")."
# {"alg":"none"} is 14 bytes, so standard base64 pads it with one '='.
PADDED="$(b64 '{"alg":"none"}')=.$(b64 "$GOOD_CLAIMS").c2ln"
I="inspect --now $((NOW + 60))"

check_table <<EOF
$I \$CLEAN                  | 0 | findings: none          | clean token
$I - < <(echo \$CLEAN)      | 0 | UNVERIFIED              | stdin with newline
$I \$NONE                   | 1 | alg-none                | alg none in mixed case
$I \$ESCAPED                | 1 | alg-none                | escaped member name
$I \$JKU                    | 1 | "jku"                   | jku header
$I \$X5C                    | 1 | "x5c"                   | x5c header
$I \$JWK                    | 1 | "jwk"                   | jwk header
$I \$KID_PATH               | 1 | path component          | kid path traversal
$I \$KID_SQL                | 1 | quote                   | kid SQL quote
$I \$KID_SHELL              | 1 | metacharacters          | kid shell metacharacter
$I \$KID_NUL                | 1 | NUL byte                | kid with NUL
$I \$KID_LONG               | 1 | longer than 128         | kid over 128 bytes
$I \$NO_EXP                 | 1 | no-exp                  | missing exp
$I \$NO_AUD                 | 1 | no-aud                  | missing aud
$I \$NO_ISS                 | 1 | no-iss                  | missing iss
$I \$LONG                   | 1 | long-lifetime           | two-hour lifetime
inspect --now $((NOW + 601)) \$CLEAN | 1 | expired        | expired at --now
$I \$UNSECURED              | 1 | alg-none                | unsecured, empty signature
$I \$DUP                    | 2 | JWG_ERR_JSON_DUPLICATE  | duplicate alg
$I \$DUP                    | 2 | appears twice           | duplicate alg detail
$I \$PADDED                 | 2 | JWG_ERR_BASE64URL       | padded header
$I abc                      | 2 | JWG_ERR_TOKEN_SEGMENTS  | one segment
$I a.b.c.d.e                | 2 | JWE                     | five segments
$I !!!.e30.x                | 2 | JWG_ERR_BASE64URL       | bad base64url
$I \$(b64 '[1]').e30.x      | 2 | JWG_ERR_JSON_NOT_OBJECT | header is an array
$I \$(b64 '{"a":}').e30.x   | 2 | JWG_ERR_JSON_SYNTAX     | header is invalid JSON
$I --json \$NONE            | 1 | "id":"alg-none"         | json finding
EOF

# The signature is never printed, in text or JSON.
run "$I \$CLEAN"
assert "signature hidden (text)" test "${OUT//c2lnbmF0dXJl/}" = "$OUT"
assert "signature length shown" grep -q 'signature: 12 base64url characters' "$WORK/out"
run "$I --json \$JKU"
json_table "$WORK/out" <<'EOF'
.verified == false :: json: verified false
.header.alg == "RS256" :: json: header object
.claims.iss == "a" :: json: claims object
.signature_length == 12 :: json: signature length
(.findings | map(.id) | index("embedded-key-source")) != null :: json: finding id
(.findings[0].message | type) == "string" :: json: finding message
EOF
assert "signature hidden (json)" test "${OUT//c2lnbmF0dXJl/}" = "$OUT"

finish
