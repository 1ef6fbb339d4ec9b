#!/bin/bash
# jwtguard redact: tokens and bearer values in odd places, byte-exact
# output, fingerprints equal to scan's, long lines, binary input, per-line
# flushing and exit statuses.
set -euo pipefail
source "$JWG_SOURCE_DIR/tests/cli/lib.sh"

FIX="$SRC/tests/scan/fixtures/redact"

# Tokens in quotes, JSON with escaped slashes, URL queries and fragments,
# CRLF line ends, adjacent tokens, punctuation and an input without a final
# newline. The expected file was checked by hand.
"$JWTGUARD" redact < "$FIX/odd.log" > "$WORK/odd.out"
assert "odd places: byte-exact expected output" cmp -s "$WORK/odd.out" "$FIX/odd.expected"
assert "odd places: no signature left" test "$(grep -c 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c' "$WORK/odd.out")" = 1

# The fingerprint in a replacement is the one scan reports for the same token.
TOKEN=$(sed -n '2s/.*Bearer //p' "$FIX/odd.log")
printf 'Authorization: Bearer %s\n' "$TOKEN" > "$WORK/one.log"
# scan exits 1 because it finds the token.
scan_fp=$({ "$JWTGUARD" scan --format json - < "$WORK/one.log" || true; } | jq -r '.findings[0].value.fingerprint')
redact_fp=$("$JWTGUARD" redact < "$WORK/one.log" | sed -n 's/.*\[REDACTED jwt:\([0-9a-f]*\)\].*/\1/p')
assert "fingerprint equals scan's ($scan_fp)" test -n "$scan_fp" -a "$scan_fp" = "$redact_fp"

# A 1 MiB line with tokens near its start, middle and end: handled in pieces, all replaced.
/usr/bin/python3 - "$TOKEN" "$WORK/long.in" <<'PY'
import sys
token, path = sys.argv[1], sys.argv[2]
filler = "x" * 1000 + " "
body = []
for i in range(1049):
    body.append(filler)
    if i in (0, 262, 263, 524, 1048):
        body.append(token + " ")
open(path, "w").write("".join(body) + "\n")
PY
"$JWTGUARD" redact < "$WORK/long.in" > "$WORK/long.out"
sed "s/$TOKEN/[REDACTED jwt:$redact_fp]/g" "$WORK/long.in" > "$WORK/long.expected"
assert "1 MiB line: every token replaced, nothing else changed" cmp -s "$WORK/long.out" "$WORK/long.expected"
assert "1 MiB line: five replacements" test "$(grep -o 'REDACTED jwt' "$WORK/long.out" | wc -l)" = 5

# Pseudo-random bytes (NUL, invalid UTF-8, no newline for long runs) pass unchanged.
/usr/bin/python3 -c 'import random,sys; r=random.Random(7); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(1<<20)))' > "$WORK/garbage.in"
"$JWTGUARD" redact < "$WORK/garbage.in" > "$WORK/garbage.out"
assert "garbage: output equals input" cmp -s "$WORK/garbage.in" "$WORK/garbage.out"

# Empty input gives empty output.
assert "empty input: empty output" test -z "$("$JWTGUARD" redact < /dev/null)"

# Per-line flushing: one line written into a pipe comes back redacted while stdin stays open.
coproc REDACT { "$JWTGUARD" redact; }
printf 'Authorization: Bearer %s\n' "$TOKEN" >&"${REDACT[1]}"
line=""
IFS= read -r -t 10 line <&"${REDACT[0]}" || true
assert "flush: line read back before stdin closed" test "$line" = "Authorization: Bearer [REDACTED jwt:$redact_fp]"
exec {REDACT[1]}>&-
wait "$REDACT_PID" || true

check_table <<EOF2
redact --help                         | 0 | REDACTED jwt            | help names the replacement
redact extra                          | 2 | unexpected argument     | no operands
redact --bogus                        | 2 | unknown option          | unknown option
redact < "\$WORK/one.log" > /dev/full | 2 | writing failed (standard output) | write error
EOF2

finish
