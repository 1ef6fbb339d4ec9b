#!/bin/bash
# shellcheck disable=SC2034 # variables are read by run() through eval
# jwtguard scan, validation-code rules (JG4xx): every finding of the bad
# fixtures by path, line and rule; none in the safe variants.
set -euo pipefail
source "$(dirname "$0")/../cli/lib.sh"

FIX="$SRC/tests/scan/fixtures/code"

# Prints "path:line:rule" for each JG4xx finding of the JSON report $1, sorted.
code_findings() {
    jq -r '.findings[] | select(.rule_id | startswith("JG4")) |
           "\(.path):\(.start_line):\(.rule_id)"' "$1" | sort -t: -k1,1 -k2,2n
}

run "scan --format json \$FIX"
assert "findings exit 1" test "$STATUS" = 1
cp "$WORK/out" "$WORK/code.json"
code_findings "$WORK/code.json" > "$WORK/found"

# Each line: a bad fixture's path, the line of the unsafe call, the rule.
sort -t: -k1,1 -k2,2n > "$WORK/expected" <<'LIST'
go/bad.go:15:JG404
go/bad.go:21:JG402
go/bad.go:29:JG401
go/bad.go:32:JG406
go/bad.go:33:JG406
go/bad.go:36:JG408
go/bad.go:40:JG410
go/bad.go:44:JG412
go/bad.go:48:JG413
java/Bad.java:11:JG402
java/Bad.java:16:JG401
java/Bad.java:20:JG401
java/Bad.java:20:JG402
java/Bad.java:24:JG406
java/Bad.java:28:JG401
java/Bad.java:28:JG408
java/Bad.java:32:JG406
java/Bad.java:36:JG411
java/Bad.java:40:JG413
js/bad.js:6:JG401
js/bad.js:7:JG404
js/bad.js:8:JG405
js/bad.js:9:JG406
js/bad.js:10:JG406
js/bad.js:13:JG402
js/bad.js:18:JG408
js/bad.js:19:JG404
js/bad.js:20:JG404
js/bad.js:21:JG402
js/bad.js:22:JG401
js/bad.js:23:JG408
js/bad.js:25:JG409
js/bad.js:26:JG410
js/bad.js:27:JG412
js/bad.js:28:JG413
js/bad.ts:5:JG402
js/bad.ts:10:JG404
php/bad.php:5:JG406
php/bad.php:8:JG404
php/bad.php:12:JG401
php/bad.php:16:JG402
php/bad.php:24:JG408
php/bad.php:28:JG410
php/bad.php:32:JG413
python/authlib_bad.py:5:JG404
python/authlib_bad.py:5:JG406
python/bad.py:11:JG401
python/bad.py:15:JG403
python/bad.py:22:JG405
python/bad.py:26:JG404
python/bad.py:30:JG406
python/bad.py:34:JG406
python/bad.py:38:JG407
python/bad.py:42:JG408
python/bad.py:46:JG409
python/bad.py:50:JG410
python/bad.py:55:JG411
python/bad.py:59:JG412
python/bad.py:63:JG413
python/jose_bad.py:5:JG402
python/jose_bad.py:10:JG404
python/jose_bad.py:10:JG407
ruby/bad.rb:5:JG403
ruby/bad.rb:10:JG401
ruby/bad.rb:14:JG404
ruby/bad.rb:18:JG406
ruby/bad.rb:18:JG407
ruby/bad.rb:22:JG408
ruby/bad.rb:26:JG413
LIST
if diff -u "$WORK/expected" "$WORK/found" > "$WORK/diff"; then
    pass
else
    fail "JG4xx findings differ from the expected list (- expected, + found):"
    cat "$WORK/diff"
fi

# The safe variants of every rule yield nothing.
# oauthlib_pyjwt_good.py: "oauthlib" is not an Authlib import, so PyJWT's rules apply.
# parser_tokens_good.py: "tokens", "tokenizer" and "token_type" are not credentials.
for good in js/good.js python/good.py python/authlib_good.py python/oauthlib_pyjwt_good.py \
    python/parser_tokens_good.py go/good.go java/Good.java php/good.php ruby/good.rb; do
    assert "no finding in $good" test "$(grep -c "^$good:" "$WORK/found" || true)" = 0
done

json_table "$WORK/code.json" <<'TABLE'
.findings[] | select(.path=="js/bad.js" and .start_line==13) | .severity=="high" :: decode feeding an admin check is raised to high
.findings[] | select(.path=="js/bad.ts" and .start_line==5) | .severity=="medium" :: decode used without an authorization check stays medium
.findings[] | select(.path=="python/bad.py" and .start_line==15) | .severity=="critical" :: verification off feeding a role check is raised to critical
.findings[] | select(.path=="ruby/bad.rb" and .start_line==5) | .severity=="critical" :: Ruby verify=false feeding a role check is raised to critical
[.findings[] | select(.rule_id|startswith("JG4")) | .message | test("eyJ")] | any | not :: messages carry no token bytes
[.findings[] | select(.rule_id|startswith("JG4")) | .value == null] | all :: code findings carry no value
TABLE

# The catalog lists every code rule with its CWE and security-severity.
run "scan --list-rules --format json"
cp "$WORK/out" "$WORK/rules.json"
for id in JG401 JG402 JG403 JG404 JG405 JG406 JG407 JG408 JG409 JG410 JG411 JG412 JG413; do
    assert "$id in the catalog with a CWE" \
        json_ok "[.rules[] | select(.id==\"$id\" and (.cwe|startswith(\"CWE-\")) and (.security_severity|tonumber) > 0)] | length == 1" \
        "$WORK/rules.json"
done

check_table <<TABLE
scan --explain JG404                          | 0 | WithValidMethods | explain names the fix
scan --format json --fail-on critical \$FIX   | 1 | JG403            | critical findings fail a critical gate
scan --format json \$FIX/js/good.js           | 0 | -                | a safe file alone exits 0
TABLE

# A rule id is stable under an inline allow comment: the line above silences it.
mkdir -p "$WORK/allow"
printf '// jwtguard:allow JG404\nconst c = jwt.verify(t, pem);\n' > "$WORK/allow/a.js"
run "scan --format json \$WORK/allow"
assert "inline allow suppresses JG404" json_ok '.summary.findings == 0' "$WORK/out"

finish
