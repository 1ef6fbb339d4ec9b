#!/bin/bash
# shellcheck disable=SC2034 # table rows read variables through eval
# jwtguard help output: every way to ask for help, --version, unknown names.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

check_table <<EOF
--help                 | 0 | usage: jwtguard COMMAND        | top-level help
help                   | 0 | commands:                      | help without a command
--version              | 0 | jwtguard 0.                    | version
frobnicate             | 2 | unknown command (frobnicate)   | unknown command
help frobnicate        | 2 | unknown command                | help for unknown command
verify --help          | 0 | --no-iss-check                 | verify help lists its flags
help verify            | 0 | --max-token-bytes              | help verify
inspect --help         | 0 | WITHOUT verifying              | inspect help warns
help inspect           | 0 | --now UNIX                     | help inspect
sign --help            | 0 | --claim NAME=JSON              | sign help
help sign              | 0 | --ttl SECONDS                  | help sign
sign --help            | 0 | --payload-file FILE            | sign help lists the JWS payload
keygen --help          | 0 | --out-private FILE             | keygen help
help keygen            | 0 | --force                        | help keygen
verify -k x            | 2 | options are long               | short options do not exist
EOF

check "" 2 "usage: jwtguard" "no command at all"

# Help goes to standard output so that it can be paged.
for command in verify inspect sign keygen; do
    run "$command --help"
    assert "$command help on stdout, nothing on stderr" test -n "$OUT" -a -z "$ERR"
done

finish
