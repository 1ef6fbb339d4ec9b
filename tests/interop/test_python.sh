#!/usr/bin/env bash
# Interop test: jwtguard against PyJWT and jwcrypto, every algorithm, both
# directions (see pyinterop.py). Uses Debian's /usr/bin/python3 because the
# python3-jwt, python3-jwcrypto and python3-cryptography packages install
# there, not into a pyenv or virtualenv python3 that may come first on PATH.
#
# Environment: JWTGUARD (the command, set by ctest), else JWG_BUILD_DIR/jwtguard,
# else build/jwtguard under the source tree.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=${JWG_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
jwtguard=${JWTGUARD:-${JWG_BUILD_DIR:-$source_dir/build}/jwtguard}
python=/usr/bin/python3

if [[ ! -x $jwtguard ]]; then
    echo "test_python: jwtguard command not found at $jwtguard: build it first" >&2
    exit 1
fi

if ! "$python" -c 'import jwt, jwcrypto, cryptography' 2>/dev/null; then
    echo "test_python: $python lacks PyJWT, jwcrypto or cryptography:" \
         "run scripts/install-deps.sh (Debian python3-jwt python3-jwcrypto)" >&2
    exit 1
fi

exec "$python" "$here/pyinterop.py" --jwtguard "$jwtguard" "$@"
