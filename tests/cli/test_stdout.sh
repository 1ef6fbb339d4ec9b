#!/bin/bash
# shellcheck disable=SC2034 # table rows read variables through eval
# Write errors on standard output: every subcommand exits 2 with one message
# instead of reporting success for a token, payload or verdict that was lost.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ ! -w /dev/full ]; then
    echo "SKIP: /dev/full is not available"
    exit 0
fi

TOK=$("$JWTGUARD" sign --hmac-secret-file "$HMAC" --alg HS256 --ttl 600 --now "$NOW" \
    --iss "$ISS" --aud "$AUD")
# Claims larger than the stdio buffer fail during printing, not at the final flush.
BIG=$("$JWTGUARD" sign --hmac-secret-file "$HMAC" --alg HS256 --ttl 600 --now "$NOW" \
    --iss "$ISS" --aud "$AUD" --claim "note=\"$(head -c 9000 /dev/zero | tr '\0' a)\"")
printf 'payload' > "$WORK/payload"
FULL="writing standard output failed (No space left on device): check the disk or pipe"
V="verify --hmac-secret-file \$HMAC --iss \$ISS --aud \$AUD --now $((NOW + 60))"

check_table <<EOF
sign --hmac-secret-file \$HMAC --alg HS256 --ttl 60 > /dev/full            | 2 | $FULL | token lost
sign --jws --payload-file \$WORK/payload --hmac-secret-file \$HMAC --alg HS256 > /dev/full | 2 | $FULL | JWS lost
$V \$TOK > /dev/full                                                        | 2 | $FULL | claims lost
$V \$BIG > /dev/full                                                        | 2 | $FULL | claims over the buffer size lost
$V --json \$TOK > /dev/full                                                 | 2 | $FULL | JSON verdict lost
verify --json --hmac-secret-file \$HMAC --iss other --aud \$AUD \$TOK > /dev/full | 2 | $FULL | rejection verdict lost
inspect \$TOK > /dev/full                                                   | 2 | $FULL | findings lost
--version > /dev/full                                                       | 2 | $FULL | version lost
--help > /dev/full                                                          | 2 | $FULL | usage lost
help keygen > /dev/full                                                     | 2 | $FULL | subcommand help lost
$V \$TOK                                                                    | 0 | -     | same command succeeds on a writable stdout
EOF

finish
