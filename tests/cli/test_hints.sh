#!/bin/bash
# shellcheck disable=SC2034 # table rows read variables through eval
# jwtguard messages that name the cause and the fix: options that have no
# effect, repeated key options, --claim causes, pasted-token mistakes, key
# hints by error code, token values in rejections, and inspect output.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

cd "$WORK"
EXP=$((NOW + 600))
RS=$("$JWTGUARD" sign --key "$KEYS/rsa-private.pem" --alg RS256 --ttl 600 --now "$NOW" \
    --iss "$ISS" --aud "$AUD")
HS=$("$JWTGUARD" sign --hmac-secret-file "$HMAC" --alg HS256 --ttl 600 --now "$NOW" \
    --iss "$ISS" --aud "$AUD")
ES=$("$JWTGUARD" sign --key "$KEYS/ec-private.pem" --alg ES256 --ttl 600 --now "$NOW" \
    --iss "$ISS" --aud "$AUD")
AT=$("$JWTGUARD" sign --hmac-secret-file "$HMAC" --alg HS256 --ttl 600 --now "$NOW" \
    --iss "$ISS" --aud "$AUD" --typ at+jwt)
printf 'hello' > payload
JWS=$("$JWTGUARD" sign --jws --payload-file payload --hmac-secret-file "$HMAC" --alg HS256)

# Key rotation: a second RSA key with its own kid, in its own JWK set.
"$JWTGUARD" keygen --alg RS256 --kid rsa-2 --out-private rsa2.pem --out-jwks rsa2.jwks 2> /dev/null
RS2=$("$JWTGUARD" sign --key rsa2.pem --kid rsa-2 --alg RS256 --ttl 600 --now "$NOW" --iss "$ISS" --aud "$AUD")

# Two kid-less secrets: the library tries each one that admits the alg.
head -c 48 /dev/urandom > second.secret
HS2=$("$JWTGUARD" sign --hmac-secret-file second.secret --alg HS256 --ttl 600 --now "$NOW" \
    --iss "$ISS" --aud "$AUD")

# A secret file written by echo ends in "\n", unlike the issuer's bare string.
printf 'a-shared-secret-of-at-least-32-bytes' > bare.secret
printf 'a-shared-secret-of-at-least-32-bytes\n' > newline.secret
BARE=$("$JWTGUARD" sign --hmac-secret-file bare.secret --alg HS256 --ttl 600 --now "$NOW" \
    --iss "$ISS" --aud "$AUD")
head -c 40 /dev/urandom > forty.secret
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024.pem 2> /dev/null
openssl pkey -in rsa1024.pem -pubout -out rsa1024-pub.pem

V="verify --iss \$ISS --aud \$AUD --now $((NOW + 60))"
VH="$V --hmac-secret-file \$HMAC"
VJ="verify --jws --hmac-secret-file \$HMAC"
NOTE="an opaque payload has no claims"

check_table <<EOF
# 1. Claim options with --jws are errors, because they would be ignored.
$VJ \$JWS                              | 0 | hello                                         | JWS alone verifies
$VJ --typ JOSE \$JWS                   | 1 | JWG_ERR_TYP_MISMATCH                          | --typ is a header check and applies
$VJ --iss \$ISS \$JWS                  | 2 | option has no effect with --jws (--iss): $NOTE | --iss with --jws
$VJ --aud \$AUD \$JWS                  | 2 | no effect with --jws (--aud)                  | --aud with --jws
$VJ --require sub \$JWS                | 2 | no effect with --jws (--require)              | --require with --jws
$VJ --max-lifetime 1 \$JWS             | 2 | no effect with --jws (--max-lifetime)         | --max-lifetime with --jws
$VJ --max-lifetime 0 \$JWS             | 2 | no effect with --jws (--max-lifetime)         | --max-lifetime 0 with --jws
$VJ --leeway 5 \$JWS                   | 2 | no effect with --jws (--leeway)               | --leeway with --jws
$VJ --now 9999999999 \$JWS             | 2 | no effect with --jws (--now)                  | --now with --jws
$VJ --no-exp-check \$JWS               | 2 | no effect with --jws (--no-exp-check)         | --no-exp-check with --jws
$VJ --no-iss-check \$JWS               | 2 | no effect with --jws (--no-iss-check)         | --no-iss-check with --jws
verify --help                          | 0 | header, key and signature only                | help says what --jws checks

# 2. --jwks and --hmac-secret-file repeat and merge, as --key does.
$V --jwks \$KEYS/rsa.jwks.json --jwks rsa2.jwks \$RS2      | 0 | "iss"                  | second JWK set is kept
$V --jwks rsa2.jwks --jwks \$KEYS/rsa.jwks.json \$RS2      | 0 | "iss"                  | order of JWK sets does not matter
$V --jwks rsa2.jwks --jwks \$KEYS/rsa.jwks.json \$RS       | 0 | "iss"                  | first JWK set is kept
$V --jwks rsa2.jwks --jwks rsa2.jwks \$RS2                  | 2 | JWG_ERR_KEY_DUPLICATE_KID | same set twice has duplicate kids
$V --hmac-secret-file \$HMAC --hmac-secret-file second.secret \$HS2 | 0 | "iss"          | second secret is kept
$V --hmac-secret-file \$HMAC --hmac-secret-file second.secret \$HS  | 0 | "iss"          | first secret is kept
$V --hmac-secret-file \$HMAC \$HS2                          | 1 | JWG_ERR_SIGNATURE_INVALID | one secret is not enough
verify --help                                               | 0 | --jwks FILE                | help lists --jwks
verify --help                                               | 0 | and --hmac-secret-file repeat | help says which options repeat

# 3. --claim names the cause: JSON value or a name the signer sets.
sign --hmac-secret-file \$HMAC --alg HS256 --ttl 60 --claim role=admin | 2 | value is not valid JSON (role): quote strings as JSON, for example --claim 'role="admin"' | unquoted string
sign --hmac-secret-file \$HMAC --alg HS256 --ttl 60 --claim exp=5      | 2 | name is set by the signer (exp): use --ttl | exp
sign --hmac-secret-file \$HMAC --alg HS256 --ttl 60 --claim iat=5      | 2 | name is set by the signer (iat): use --now | iat
sign --hmac-secret-file \$HMAC --alg HS256 --ttl 60 --claim iss='"x"'  | 2 | name is set by the signer (iss): use --iss | iss
sign --hmac-secret-file \$HMAC --alg HS256 --ttl 60 --claim jti='"x"'  | 2 | name is set by the signer (jti)            | jti
sign --hmac-secret-file \$HMAC --alg HS256 --ttl 60 --claim 'role="admin"' | 0 | .                                   | quoted string
sign --help                                                             | 0 | value is not valid JSON                    | sign help: JSON cause
sign --help                                                             | 0 | name is set by the signer                  | sign help: reserved cause

# 4. Pasted-token mistakes get a hint with a byte offset, never the token.
$VH "Bearer \$HS"                      | 1 | remove the 'Bearer ' prefix                   | Bearer prefix
$VH "bEaReR \$HS"                      | 1 | remove the 'Bearer ' prefix                   | Bearer in any case
$VH "Authorization: Bearer \$HS"       | 1 | remove the 'Authorization: Bearer ' prefix    | whole header line
$VH payload                            | 1 | the argument is a file name: read the file with '- < FILE' | a file name given as the token
$VH "\$HS "                            | 1 | whitespace or quotes at byte ${#HS}: pass the token alone | trailing space
$VH "\"\$HS\""                         | 1 | whitespace or quotes at byte 0                | quoted token
$VH < <(printf '%s\r\n' "\$HS")        | 1 | whitespace or quotes at byte ${#HS}           | CRLF
$VH < <(printf '%s\n\n' "\$HS")        | 1 | whitespace or quotes at byte ${#HS}           | two newlines
$VH < /dev/null                        | 2 | no token on standard input                    | empty standard input
$VH < <(printf '\n')                   | 2 | no token on standard input                    | only a newline
$VH ''                                 | 2 | empty token operand                           | empty operand
inspect < /dev/null                    | 2 | no token on standard input                    | inspect: empty standard input
$VH a.b.c.d.e                          | 1 | this is a JWE (five segments)                 | JWE named by verify

# 5. Key hints follow the error code, not the option.
sign --hmac-secret-file forty.secret --alg HS512 --ttl 60  | 2 | the secret needs at least 64 random bytes for HS512 | HS512 needs 64 bytes
sign --hmac-secret-file forty.secret --alg HS384 --ttl 60  | 2 | at least 48 random bytes for HS384   | HS384 needs 48 bytes
sign --hmac-secret-file forty.secret --alg HS256 --ttl 60  | 0 | .                                    | 40 bytes are enough for HS256
sign --key rsa1024.pem --alg RS256 --ttl 60                | 2 | use an RSA key of at least 2048 bits | RSA 1024 private key
$V --key rsa1024-pub.pem \$RS                              | 2 | use an RSA key of at least 2048 bits | RSA 1024 public key
$V --key \$KEYS/rsa-public.pem --hmac-secret-file \$HMAC \$RS | 2 | give HMAC secrets and public keys to separate verifications | mixed keys
$V --jwks \$KEYS/rsa-public.pem \$RS                       | 2 | this is a PEM file                   | PEM to --jwks
$V --key \$KEYS/rsa.jwks.json \$RS                         | 2 | pass it with --jwks                  | JWK set to --key

# 6. Rejections show the token's own value and the next step.
verify --hmac-secret-file \$HMAC --iss other --aud \$AUD --now $NOW \$HS  | 1 | token iss "$ISS"       | issuer shown
verify --hmac-secret-file \$HMAC --iss \$ISS --aud other --now $NOW \$HS  | 1 | token aud "$AUD"       | audience shown
$V --jwks \$KEYS/rsa.jwks.json \$RS2                       | 1 | token kid "rsa-2", alg "RS256"; the keys given have kids "rsa-2026" | kid and alg shown
$V --jwks \$KEYS/rsa.jwks.json \$ES                        | 1 | token alg "ES256"; the keys given admit RS256 | algs of the keys
$V --key \$KEYS/rsa-public.pem \$ES                       | 1 | the keys given admit RS256 RS384 RS512 PS256 PS384 PS512 | algs of an unbound key
$V --key \$KEYS/rsa-public.pem --alg RS512 \$RS           | 1 | token alg "RS256"; --alg allows RS512 | algs of --alg
$VH --typ at+jwt \$HS                                      | 1 | token typ "JWT"; --typ requires "at+jwt" | typ shown
$VH --typ AT+JWT \$AT                                      | 0 | .                                    | typ is case-insensitive
verify --hmac-secret-file \$HMAC --iss \$ISS --aud \$AUD --now $((EXP + 30)) \$HS | 1 | expired 30 s ago at 2026-01-01T00:10:00Z (exp); allow clock skew with --leeway SECONDS | expiry
verify --hmac-secret-file \$HMAC --iss \$ISS --aud \$AUD --now $((NOW - 5)) \$HS  | 1 | issued 5 s from now at 2026-01-01T00:00:00Z (iat); allow clock skew with --leeway | iat ahead
$V --hmac-secret-file newline.secret \$BARE                | 1 | the secret file ends with a newline, which is part of the secret | echo-written secret
$V --hmac-secret-file bare.secret \$BARE                   | 0 | .                                    | bare secret verifies

# 8. Messages name values; docs and help agree with behaviour.
verify --iss \$ISS --aud \$AUD \$HS                         | 2 | no key given: pass --key FILE        | no key, no command name
verify --hmac-secret-file \$HMAC \$HS                      | 2 | no expected issuer or audience given (--iss, --aud) | both missing at once
verify --help                                              | 0 | default 0                            | leeway default
verify --help                                              | 0 | ES256 ES384 ES512 EdDSA              | algorithm names
verify --help                                              | 0 | case-insensitive                     | typ case rule
$VH --alg rs256 \$HS                                        | 2 | give one of HS256 HS384 HS512        | bad --alg lists names
keygen --alg ES256K --out-private k.pem --out-jwks k.jwks  | 2 | give one of HS256                    | keygen lists names
keygen --help                                              | 0 | --out-private FILE --out-jwks FILE [options] | out-jwks required for asymmetric
EOF

# A token value longer than 80 bytes is cut, and control characters are escaped.
LONG_ISS=$(printf 'i%.0s' {1..120})
LONG=$("$JWTGUARD" sign --hmac-secret-file "$HMAC" --alg HS256 --ttl 600 --now "$NOW" \
    --iss "$LONG_ISS" --aud "$AUD")
run "verify --hmac-secret-file \$HMAC --iss other --aud \$AUD --now $NOW \$LONG"
assert "long iss cut at 80 bytes" grep -q "token iss \"$(printf 'i%.0s' {1..80})\"\.\.\.$" "$WORK/err"
ESC=$("$JWTGUARD" sign --hmac-secret-file "$HMAC" --alg HS256 --ttl 600 --now "$NOW" \
    --iss $'a\x1b[2Jb\u202ec' --aud "$AUD")
run "verify --hmac-secret-file \$HMAC --iss other --aud \$AUD --now $NOW \$ESC"
assert "iss escape and bidi shown escaped" grep -qF 'token iss "a\x1b[2Jb\u202ec"' "$WORK/err"

# Hints never print the token or its signature.
run "$VH \"Bearer \$HS\""
assert "Bearer hint hides the token" test "${ERR//${HS##*.}/}" = "$ERR"

# Without an operand and with a terminal on standard input, no waiting.
script -qec "timeout 5 '$JWTGUARD' verify --hmac-secret-file '$HMAC' --iss x --aud y" \
    /dev/null > tty.out 2>&1 || true
assert "terminal: no token given" grep -q 'no token given: pass TOKEN or pipe it on standard input' tty.out
script -qec "timeout 5 '$JWTGUARD' inspect; echo status=\$?" /dev/null > tty.out 2>&1 || true
assert "terminal: inspect exit 2" grep -q 'status=2' tty.out

# 7. inspect: crit, UTC times, escaped bidi and C1 controls, JSON when undecodable.
CLAIMS="{\"iss\":\"a\",\"aud\":\"b\",\"iat\":$NOW,\"exp\":$EXP}"
CRIT=$(tok '{"alg":"RS256","crit":["exp-x"],"exp-x":1}' "$CLAIMS")
BIDI=$(tok $'{"alg":"RS256","kid":"a\u202eb\u2066c\u0080d\u009be"}' "$CLAIMS")
PLAIN=$(tok '{"alg":"RS256"}' "$CLAIMS")
I="inspect --now $((NOW + 60))"
check_table <<EOF
$I \$CRIT                           | 1 | crit: header "crit" is ["exp-x"]            | crit finding
$I \$BIDI                           | 0 | "kid":"a\\u202eb\\u2066c\\u0080d\\u009be"   | bidi and C1 escaped in text
$I --json \$BIDI                    | 0 | "kid":"a\\u202eb\\u2066c\\u0080d\\u009be"   | bidi and C1 escaped in JSON
$I \$PLAIN                          | 0 | times (UTC): iat 2026-01-01T00:00:00Z, exp 2026-01-01T00:10:00Z | UTC times
inspect --now $((EXP + 5)) \$CRIT   | 1 | expired 5 seconds ago, at 2026-01-01T00:10:00Z | expiry in UTC
$I --json a.b.c.d.e                 | 2 | "decodable":false                           | JSON for an undecodable token
EOF
run "$I \$BIDI"
assert "no raw bidi override in text" test "$(grep -c $'\u202e' "$WORK/out" || true)" = 0
assert "no raw C1 control in text" test "$(grep -c $'\u009b' "$WORK/out" || true)" = 0
run "$I --json \$BIDI"
assert "no raw bidi override in JSON" test "$(grep -c $'\u202e' "$WORK/out" || true)" = 0
assert "json still parses" json_ok '.header.kid == "a\u202eb\u2066c\u0080d\u009be"' "$WORK/out"
run "$I --json x.y"
json_table "$WORK/out" <<'EOF'
.decodable == false :: undecodable json: decodable false
.error == "JWG_ERR_TOKEN_SEGMENTS" :: undecodable json: error name
(.message | type) == "string" :: undecodable json: message string
EOF
assert "undecodable json: exit 2" test "$STATUS" = 2
run "$I --json \$CRIT"
json_table "$WORK/out" <<'EOF'
.decodable == true :: decodable json: decodable true
.times.exp == "2026-01-01T00:10:00Z" :: decodable json: exp in UTC
(.findings | map(.id) | index("crit")) != null :: decodable json: crit finding
EOF

# 3. The man page's --claim example renders as a command that works when typed.
if command -v man > /dev/null; then
    LC_ALL=C MANWIDTH=200 man -l "$SRC/man/jwtguard.1" 2> /dev/null > man.txt
    assert "man --claim example renders" grep -qF -- "--claim 'role=\"admin\"'" man.txt
    assert "man has no doubled quotes" test "$(grep -c '""' man.txt || true)" = 0
fi

# 8. The example message in docs/CLI.md is what the command prints.
doc_line=$(grep -m1 '^jwtguard: rejected: JWG_ERR_EXPIRED' "$SRC/docs/CLI.md")
run "verify --hmac-secret-file \$HMAC --iss \$ISS --aud \$AUD --now $((EXP + 30)) \$HS"
assert "CLI.md example matches" test "$doc_line" = "$ERR"

finish
