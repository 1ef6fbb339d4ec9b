#!/usr/bin/env bash
# Installs the build into a scratch prefix with `cmake --install`, then
# builds the library example against the installed header, shared object and
# pkg-config file, and runs it on a token the installed command signed. This
# catches a missing export, header or .pc entry that in-tree tests never see.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

BUILD="${JWG_BUILD_DIR:?set JWG_BUILD_DIR to the CMake build folder}"
PREFIX="$WORK/prefix"

cmake --install "$BUILD" --prefix "$PREFIX" > "$WORK/install.log"
LIBDIR="$(dirname "$(find "$PREFIX" -name jwtguard.pc)")/.."
export PKG_CONFIG_PATH="$LIBDIR/pkgconfig"
export LD_LIBRARY_PATH="$LIBDIR"

assert "command installed" test -x "$PREFIX/bin/jwtguard"
assert "header installed" test -f "$PREFIX/include/jwtguard/jwtguard.h"
assert "man page installed" test -f "$PREFIX/share/man/man1/jwtguard.1"
# The .pc file contains the configured prefix, so redirect it to the scratch one.
PC=(pkg-config --define-variable=prefix="$PREFIX")
assert "pkg-config knows the version" test "$("${PC[@]}" --modversion jwtguard)" = "$("$PREFIX/bin/jwtguard" --version | awk '{print $2}')"

# shellcheck disable=SC2046 # pkg-config output is a list of words
cc -Wall -Werror -o "$WORK/verify_token" "$SRC/examples/c/verify_token.c" \
    $("${PC[@]}" --cflags --libs jwtguard)
assert "example built against the installed library" test -x "$WORK/verify_token"

TOKEN="$("$PREFIX/bin/jwtguard" sign --key "$KEYS/ec-private.pem" --alg ES256 --ttl 600 \
    --iss https://issuer.example --aud api://orders --sub alice)"
assert "installed example accepts a valid token" \
    bash -c '"$1" "$2" "$3" | grep -q "valid token for alice"' _ "$WORK/verify_token" "$KEYS/ec.jwks.json" "$TOKEN"
assert "installed example rejects another audience" \
    bash -c '! "$1" "$2" "$3"' _ "$WORK/verify_token" "$KEYS/ec.jwks.json" \
    "$("$PREFIX/bin/jwtguard" sign --key "$KEYS/ec-private.pem" --alg ES256 --ttl 600 \
        --iss https://issuer.example --aud api://other)"

finish
