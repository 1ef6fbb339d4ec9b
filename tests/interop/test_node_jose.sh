#!/usr/bin/env bash
# Interop test: jwtguard against the npm jose library pinned in node/package.json,
# every algorithm jose offers on Node 20, both directions (see node/interop.mjs).
#
# Environment: JWTGUARD (the command, set by ctest), else JWG_BUILD_DIR/jwtguard,
# else build/jwtguard under the source tree.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=${JWG_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
jwtguard=${JWTGUARD:-${JWG_BUILD_DIR:-$source_dir/build}/jwtguard}
node_dir=$here/node

if [[ ! -x $jwtguard ]]; then
    echo "test_node_jose: jwtguard command not found at $jwtguard: build it first" >&2
    exit 1
fi

if ! command -v node >/dev/null; then
    echo "test_node_jose: node not found: run scripts/install-deps.sh" >&2
    exit 1
fi

# A missing jose is a failure, not a skip, so that CI cannot pass without this test.
if [[ ! -f $node_dir/node_modules/jose/package.json ]]; then
    echo "test_node_jose: $node_dir/node_modules/jose is missing:" \
         "run scripts/install-deps.sh (it runs npm ci in tests/interop/node)" >&2
    exit 1
fi

cd "$node_dir"
exec node interop.mjs --jwtguard "$jwtguard" "$@"
