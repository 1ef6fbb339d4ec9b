# shellcheck shell=bash
# Helpers of the tests/server/test_break_*.sh tests; sourced after
# tests/cli/lib.sh and serve_lib.sh, in $WORK.

# Writes policy FILE for issuer https://issuer.test with HS256 key hs.key
# (created here, mode 600), then the YAML of $2 (routes, gateway, ...).
write_break_policy() {
    [ -f hs.key ] || { head -c 32 /dev/urandom > hs.key && chmod 600 hs.key; }
    cat > "$1" <<EOF_POLICY
version: 1
environment: test
service: orders
issuers:
  - issuer: https://issuer.test
    audiences: [api://orders]
    algorithms: [HS256]
    keys:
      - hmac_secret_file: hs.key
        alg: HS256
${2:-}
EOF_POLICY
}
