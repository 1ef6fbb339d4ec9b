#!/usr/bin/env bash
# Signing-secret and key rules (JG2xx) and cross-file rules (JG3xx) of
# jwtguard scan, on the fixture folders under tests/scan/fixtures/secrets.
set -euo pipefail
# shellcheck source=../cli/lib.sh
source "${JWG_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/cli/lib.sh"

FIX="$SRC/tests/scan/fixtures/secrets"

# Scans fixture folder $1 and writes "RULE path:line severity" for each
# JG2xx and JG3xx finding, sorted, to $WORK/found. The JSON report is kept
# in $WORK/scan.json and the exit status in SCAN_STATUS.
findings() {
    set +e
    (cd "$FIX/$1" && "$JWTGUARD" scan --format json --now "$NOW" .) > "$WORK/scan.json" 2> "$WORK/scan.err"
    SCAN_STATUS=$?
    set -e
    jq -r '.findings[] | select(.rule_id | test("^JG[23]")) | "\(.rule_id) \(.path):\(.start_line) \(.severity)"' \
        "$WORK/scan.json" | sort > "$WORK/found"
}

# Compares the findings of folder $1 with the table on standard input: one
# "RULE path:line severity  # reason" line per expected finding.
expect_findings() {
    local dir=$1 expected actual

    expected="$(sed 's/#.*//; s/[[:space:]]*$//; /^$/d' | sort)"
    findings "$dir"
    actual="$(cat "$WORK/found")"
    if [ "$expected" = "$actual" ]; then
        pass
    else
        fail "findings of $dir differ (expected <, got >):"
        diff <(echo "$expected") <(echo "$actual") || true
    fi
    if [ "$SCAN_STATUS" != 1 ]; then
        fail "scan of $dir: exit $SCAN_STATUS, expected 1 $(head -c 300 "$WORK/scan.err")"
    fi
}

# ---- one source kind per folder ----------------------------------------

expect_findings config <<'TABLE'
JG201 .env:2 high                    # JWT_SECRET=literal in .env
JG201 application.properties:2 high  # app.jwt.secret= in properties
JG201 config.toml:6 high             # secret under a [jwt] TOML section
JG201 config.yaml:6 high             # secret: under auth.jwt in YAML
JG201 settings.json:3 high           # "jwtSecret" in nested JSON
JG201 sign.env:1 high                # HS256_SIGN_KEY: "sign" without "signing"
TABLE
# Not listed above, so asserted absent: NEXTAUTH_SECRET=${...}, JWT_EXPIRES_IN,
# issuer:, public-key-path:, cache.key, database.password, app.jwt.public-key,
# and every line of placeholders.env.

expect_findings k8s <<'TABLE'
JG201 deployment.yaml:13 high        # env entry "- name: JWT_SECRET" with a literal value
JG202 secret.yaml:7 high             # base64 data: of a Secret, decoded
JG202 secret.yaml:9 high             # stringData: of a Secret
TABLE
# secretKeyRef in deployment.yaml and the SealedSecret in sealed.yaml are not findings.

expect_findings ci <<'TABLE'
JG207 .github/workflows/ci.yml:7 high  # env: JWT_SECRET literal in a workflow
JG207 .gitlab-ci.yml:2 high            # variables: JWT_SIGNING_KEY literal in GitLab CI
TABLE
# ${{ secrets.TOKEN_SECRET }} and $CI_AUTH_SECRET are references.

expect_findings weak <<'TABLE'
JG204 .env:1 critical                # changeme: a listed default
JG204 .env:2 critical                # your-256-bit-secret: jwt.io's default
JG204 .env:3 critical                # one repeated character
JG204 .env:4 high                    # 17 bytes: shorter than 32
JG201 .env:6 high                    # 44 random-looking bytes: hard-coded but not weak
TABLE

expect_findings code <<'TABLE'
JG203 Auth.java:6 high               # Algorithm.HMAC256("literal"), auth0 java-jwt
JG203 app.js:4 high                  # jwt.sign(payload, 'literal'), jsonwebtoken
JG203 auth.php:6 high                # JWT::encode($p, 'literal'), firebase/php-jwt
JG203 auth.py:6 high                 # jwt.encode(payload, "literal"), PyJWT
JG203 auth.rb:4 high                 # JWT.encode(p, 'literal'), ruby-jwt
JG203 main.go:12 high                # SignedString([]byte("literal")), golang-jwt
JG204 weak.js:4 critical             # jwt.sign(payload, 'shhhhh'): the jsonwebtoken README key
JG203 variants/Jjwt.java:8 high      # signWith(Keys.hmacShaKeyFor("literal".getBytes())), once
JG203 variants/jose.ts:4 high        # new TextEncoder().encode('literal') in a jose file
JG203 variants/key.php:6 high        # new Key('literal', 'HS256')
JG203 variants/keyfunc.go:6 high     # var jwtKey = []byte("literal")
JG203 variants/keyfunc.go:11 high    # key function returning []byte("literal")
JG203 variants/keyword.py:4 high     # jwt.encode(..., key="literal")
JG203 variants/noparen.rb:4 high     # JWT.encode payload, 'literal' without parentheses
JG203 assign/Config.java:3 high      # private static final String JWT_SECRET = "literal";
JG203 assign/config.js:4 high        # const JWT_SECRET = 'literal'
JG203 assign/config.js:7 high        # expressjwt({ secret: 'literal', ... })
JG203 assign/config.php:3 high       # $jwtSecret = 'literal';
JG203 assign/config.php:6 high       # ['jwt_secret' => 'literal']
JG203 assign/config.rb:2 high        # HMAC_SECRET = 'literal'
JG203 assign/settings.py:4 high      # Django SECRET_KEY = "literal"
JG203 assign/settings.py:13 high     # app.config.jwt.secret = "literal"
TABLE
# The second call of each language file reads the key from the environment.
# In assign/, environment lookups, JWT_SECRET_NAME, a comparison, a
# concatenation and ExtendedKeyUsageOID.CODE_SIGNING are not findings.

expect_findings keys <<'TABLE'
JG205 embedded.js:3 high                   # PEM inside a JS string literal with \n escapes
JG205 fixture-only-encrypted.pem:1 medium  # encrypted PKCS#8: lower severity
JG205 fixture-only-openssh:1 high          # OpenSSH key with cipher "none"
JG205 fixture-only-openssh-encrypted:1 medium  # OpenSSH key with a passphrase
JG205 fixture-only-rsa.pem:1 high          # unencrypted PKCS#8 that OpenSSL loads
JG206 oct-jwk.json:3 high                  # kty oct with k, inside a JWK set
JG206 private-jwk.json:1 high              # kty EC with d
TABLE
# public.pem, public-jwks.json, the shortened key in doc-example.md and the
# armour strings without a key in not-a-key.py are not findings.

expect_findings log <<'TABLE'
JG208 ci.log:3 high                  # JWT_SECRET=... from an env dump, after a timestamp
JG208 ci.log:5 high                  # "jwt_secret" in a compact JSON log line
TABLE
# TOKEN_SECRET=*** is masked by the CI system, and Basic credentials are not JWT secrets.

set +e
"$JWTGUARD" scan --format json - < "$FIX/log/ci.log" > "$WORK/stdin.json"
STDIN_STATUS=$?
set -e
assert "scan of a CI log on standard input exits 1" test "$STDIN_STATUS" = 1
json_table "$WORK/stdin.json" <<'CHECKS'
[.findings[] | select(.rule_id == "JG208") | "\(.path):\(.start_line)"] == ["-:3", "-:5"] :: secrets in a CI log read from standard input
[.findings[] | select(.rule_id == "JG208") | .message] | all(test("printed in a log")) :: JG208 says printed, not hard-coded
CHECKS

# ---- cross-file rules on the fixture repository ------------------------

expect_findings repo <<'TABLE'
JG201 .env.prod:2 high               # the shared secret, hard-coded
JG201 .env.staging:1 high            # the same secret in staging
JG201 config/dev.json:3 high         # a non-production secret
JG201 config/test.json:3 high        # the same non-production secret in test
JG201 helm/values-staging.yaml:4 high  # the prod secret again, in staging Helm values
JG201 .env.dev:2 high                # a secret stored base64-encoded
JG301 .env.prod:2 critical           # prod shares its secret with staging
JG301 config/dev.json:3 medium       # dev and test share a secret: no prod involved
JG302 logs/app.log:2 critical        # token signed with the prod secret, checked offline
JG303 logs/app.log:4 critical        # token signed with "secret" from the weak list
JG302 logs/app.log:6 critical        # token signed with the decoded bytes of .env.dev's secret
TABLE
# logs/app.log:5 holds a token signed with a secret found nowhere: no JG302 or JG303.

json_table "$WORK/scan.json" <<'CHECKS'
[.findings[] | select(.rule_id == "JG301" and .path == ".env.prod") | .related[].path] == [".env.staging", "helm/values-staging.yaml"] :: JG301 lists every staging copy as related
[.findings[] | select(.rule_id == "JG301" and .path == ".env.prod") | .related[].line] == [1, 4] :: JG301 related locations have their lines
[.findings[] | select(.rule_id == "JG301" and .path == "config/dev.json") | .related[].path] == ["config/test.json"] :: JG301 without prod relates dev to test
[.findings[] | select(.rule_id == "JG302" and .start_line == 2) | .related[].path] == [".env.prod", ".env.staging", "helm/values-staging.yaml"] :: JG302 relates the token to every copy of its secret
[.findings[] | select(.rule_id == "JG302" and .start_line == 2) | .message | test("HS256 token verifies with the signing secret \\(JWT_SECRET\\) found at .env.prod:2")] == [true] :: JG302 message names where the secret is
[.findings[] | select(.rule_id == "JG302" and .start_line == 6) | .related[].path] == [".env.dev"] :: JG302 finds a secret used base64-decoded
[.findings[] | select(.rule_id == "JG303") | .related] == [[]] :: JG303 has no related location
[.findings[] | select(.rule_id == "JG303") | .message | test("weak-secret list")] == [true] :: JG303 message names the weak list
CHECKS

# ---- secrets are never printed whole -----------------------------------

# Every literal of the fixtures is "fixture-only-" and at least 12 more characters.
grep -rhoE 'fixture-only-[A-Za-z0-9-]{12,}' "$FIX" | sort -u > "$WORK/secrets.txt"
for format in text json sarif; do
    (cd "$FIX" && "$JWTGUARD" scan --format "$format" --now "$NOW" . > "$WORK/all.$format" 2>&1) || true
    assert "$format report of every fixture is not empty" test -s "$WORK/all.$format"
    assert "no $format output contains a whole fixture secret" \
        bash -c '! grep -qF -f "$1" "$2"' _ "$WORK/secrets.txt" "$WORK/all.$format"
done
assert "no report contains the base64 Kubernetes Secret value" \
    bash -c '! grep -q "$(grep -o "JWT_SECRET: .*" "$1" | cut -d" " -f2)" "$2"' _ "$FIX/k8s/secret.yaml" "$WORK/all.json"

# ---- exit codes, catalog and help ---------------------------------------

check_table <<TABLE
scan --format json $FIX/config/placeholders.env | 0 | "findings":[] | placeholders and references are not findings
scan --fail-on critical $FIX/config             | 0 | JG201        | JG201 is high, below --fail-on critical
scan --fail-on critical $FIX/weak               | 1 | JG204        | a listed default is critical
scan --explain JG201                            | 0 | secret manager | JG201 has help text
scan --explain JG301                            | 0 | environment  | JG301 has help text
scan --explain JG303                            | 0 | dictionary   | JG303 has help text
TABLE

(cd "$FIX" && "$JWTGUARD" scan --list-rules --format json > "$WORK/rules.json")
json_table "$WORK/rules.json" <<'CHECKS'
[.rules[].id | select(test("^JG[23]"))] == ["JG201","JG202","JG203","JG204","JG205","JG206","JG207","JG208","JG301","JG302","JG303"] :: catalog lists every JG2xx and JG3xx rule in order
[.rules[] | select(.id | test("^JG[23]")) | .cwe | test("^CWE-[0-9]+$")] | all :: each rule has a CWE
[.rules[] | select(.id | test("^JG[23]")) | .security_severity | tonumber | . > 0 and . <= 10] | all :: each rule has a security-severity in (0, 10]
CHECKS

finish
