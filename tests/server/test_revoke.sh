#!/bin/bash
# shellcheck disable=SC2034 # table rows read variables through eval
# jwtguard revoke: usage errors and their exit status, and the keys, expiry
# and pub/sub message it writes to a real redis-server.
set -euo pipefail
source "$JWG_SOURCE_DIR/tests/cli/lib.sh"
source "$JWG_SOURCE_DIR/tests/server/redis/lib.sh"

start_redis
unset JWTGUARD_REDIS_URL
T=$(date +%s)
URL="redis://:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT"
R="revoke --redis $URL"

check_table <<EOF_TABLE
revoke --help                          | 0 | --jti ID                                   | help lists the options
revoke --jti x                         | 2 | missing Redis URL (--redis)                | no URL and no environment variable
$R                                     | 2 | give exactly one of --jti, --sub and --token-file: revoke one token by --jti or --token-file, or a subject's tokens by --sub | nothing to revoke
$R --jti x --sub y                     | 2 | give exactly one of --jti, --sub and --token-file (--jti, --sub) | both kinds at once
revoke --redis rediss://127.0.0.1:1 --jti x | 2 | Redis over TLS (rediss://) is not supported (--redis): give a redis:// or unix: URL, and reach a remote Redis through a TLS tunnel such as stunnel, because hiredis 0.14 has no TLS | TLS URL rejected before connecting
$R --jti x --before $T                 | 2 | option applies only to --sub (--before)    | --before means nothing for a jti
$R --sub x --expires $((T + 60))       | 2 | option applies only to --jti (--expires)   | a sub has no single exp
$R --jti x --expires $((T + 60)) --ttl 5 | 2 | give at most one of --expires and --ttl  | two expiries
$R --jti x --expires 100               | 2 | revocation would already have expired (--expires) | past expiry would delete the key
$R --sub x --before 100 --ttl 10       | 2 | revocation would already have expired (--ttl) | tokens before 1970+100 s are expired
$R --sub x --before 2026-13-01T00:00:00Z | 2 | invalid time (2026-13-01T00:00:00Z)      | month 13
$R --sub x --before 2025-02-29T00:00:00Z | 2 | invalid time (2025-02-29T00:00:00Z)      | not a leap year
$R --jti x --ttl 0                     | 2 | invalid number (0)                         | TTL must be positive
$R --jti ''                            | 2 | identifier is empty or longer than 1024 bytes (--jti) | empty jti
$R --jti x --prefix 'a*'               | 2 | invalid key prefix (a*)                    | glob character in the prefix
revoke --redis http://127.0.0.1:1 --jti x | 2 | [Redis URL does not start with redis:// or unix:] | wrong scheme
revoke --redis redis://127.0.0.1:1 --jti x | 2 | [Redis at 127.0.0.1:1: connect failed:     | unreachable Redis named with its address
revoke --redis redis://:wrong@127.0.0.1:$REDIS_PORT --jti x | 2 | AUTH failed      | wrong password
$R --jti id-1 --expires $((T + 600))   | 0 | revoked jti "id-1" until                   | revoke by jti
$R --sub alice --before $((T - 100)) --ttl 3600 | 0 | revoked sub "alice" issued before      | revoke by sub
EOF_TABLE

# The key contains "BEFORE EXPIRES_AT" and expires at EXPIRES_AT.
assert "jti key value" [ "$(rcli GET jwtguard:revoked:jti:id-1)" = "0 $((T + 600))" ]
assert "jti key expiry" [ "$(rcli EXPIRETIME jwtguard:revoked:jti:id-1)" = "$((T + 600))" ]
assert "sub key value" [ "$(rcli GET jwtguard:revoked:sub:alice)" = "$((T - 100)) $((T + 3500))" ]
assert "sub key expiry" [ "$(rcli EXPIRETIME jwtguard:revoked:sub:alice)" = "$((T + 3500))" ]

# An ISO 8601 cut-off is the same instant as its Unix seconds.
check "$R --sub frank --before 2026-01-01T00:00:00Z --ttl 31536000" 0 "issued before 2026-01-01T00:00:00Z" \
    "ISO 8601 cut-off"
assert "ISO 8601 cut-off stored as Unix seconds" \
    [ "$(rcli GET jwtguard:revoked:sub:frank)" = "1767225600 1798761600" ]

# A second revocation with an earlier cut-off and expiry keeps the wider entry.
check "$R --sub alice --before $((T - 1000)) --ttl 3600" 0 "revoked sub" "narrower sub revocation"
assert "sub key kept the later cut-off" \
    [ "$(rcli GET jwtguard:revoked:sub:alice)" = "$((T - 100)) $((T + 3500))" ]

# The default TTL is 86400 s from now, and --prefix changes the key names.
check "$R --jti id-2 --prefix gw.eu" 0 "revoked jti" "revoke with a prefix and the default TTL"
TTL=$(rcli TTL gw.eu:revoked:jti:id-2)
assert "default TTL about one day ($TTL)" [ "$TTL" -gt 86000 ] && [ "$TTL" -le 86400 ]

# JWTGUARD_REDIS_URL replaces --redis, and a database number in the URL selects it.
JWTGUARD_REDIS_URL="$URL/3" check "revoke --jti id-3" 0 "revoked jti" "URL from the environment"
assert "key written to database 3" [ "$(rcli -n 3 EXISTS jwtguard:revoked:jti:id-3)" = 1 ]

# A Unix socket works as well as TCP.
check "revoke --redis unix:$REDIS_SOCKET --jti id-4" 2 "NOAUTH" "socket without the password"

# Every revocation is published on the channel the instances subscribe to.
redis-cli -p "$REDIS_PORT" -a "$REDIS_PASSWORD" --no-auth-warning SUBSCRIBE jwtguard:revocations \
    > "$WORK/messages" &
SUB=$!
sleep 0.3
check "$R --jti 'id 5' --expires $((T + 900))" 0 "revoked jti" "jti with a space"
sleep 0.3
kill "$SUB" 2> /dev/null || true
wait "$SUB" 2> /dev/null || true
assert "message published" grep -qx "j 0 $((T + 900)) id 5" "$WORK/messages"

# --token-file takes the jti and exp of a token, decoded without verification.
payload_claim() {
    local p
    p=$(printf '%s' "$1" | cut -d. -f2 | tr '_-' '/+')
    while [ $((${#p} % 4)) -ne 0 ]; do p="$p="; done
    printf '%s' "$p" | base64 -d | jq -r ".$2"
}
TOK=$("$JWTGUARD" sign --hmac-secret-file "$HMAC" --alg HS256 --ttl 900 --now "$T" --sub dave)
JTI=$(payload_claim "$TOK" jti)
printf '%s\n' "$TOK" > "$WORK/tok"
"$JWTGUARD" sign --hmac-secret-file "$HMAC" --alg HS256 --ttl 900 --now $((T - 2000)) > "$WORK/old"
tok '{"alg":"HS256"}' '{"sub":"erin"}' > "$WORK/nojti"
printf 'not a token' > "$WORK/garbage"

check_table <<EOF_TABLE
$R --token-file \$WORK/tok             | 0 | revoked jti "$JTI" until                    | revoke a token by its file
$R --token-file \$WORK/tok --jti x     | 2 | give only one of --token-file, --jti and --sub (--jti) | two ways to name the token
$R --token-file \$WORK/old             | 2 | revocation would already have expired (exp of --token-file) | token already expired
$R --token-file \$WORK/nojti           | 2 | token has no jti claim                      | nothing to key the revocation on
$R --token-file \$WORK/garbage         | 2 | token cannot be decoded                     | not a JWT
$R --token-file \$WORK/missing         | 2 | cannot open file: No such file or directory | file not found
EOF_TABLE
assert "token-file key expires at the token's exp" \
    [ "$(rcli GET "jwtguard:revoked:jti:$JTI")" = "0 $((T + 900))" ]

# The password never appears in what the command prints.
check "revoke --redis redis://:$REDIS_PASSWORD@127.0.0.1:1 --jti x" 2 "127.0.0.1:1" "unreachable with a password"
assert "password not printed" bash -c '! grep -q "$1" "$2/out" "$2/err"' _ "$REDIS_PASSWORD" "$WORK"

finish
