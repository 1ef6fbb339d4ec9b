#!/bin/sh
# Installs the Debian 12 packages jwtguard needs to build, test, fuzz and
# benchmark, then the Node packages of the interop tests. Idempotent: only
# missing packages are installed, and the package lists are refreshed only
# when something is missing. Run as root (or through sudo).
set -eu

export DEBIAN_FRONTEND=noninteractive

# One package per line: "package" or "package command". When a command is
# given, finding it on PATH also satisfies the requirement, because nodejs
# from NodeSource bundles npm and conflicts with Debian's npm package.
PACKAGES='
build-essential
cmake
clang
pkg-config
libssl-dev
libcurl4-openssl-dev
libyaml-dev
libjansson-dev
libcmocka-dev
libjwt-dev
openssl
valgrind
python3
python3-cryptography
python3-jwt
python3-jwcrypto
nodejs node
npm npm
jq
libclang-rt-14-dev
libvectorscan-dev
libh2o-evloop-dev
libevent-dev
libhiredis-dev
nginx-light nginx
redis-server
wrk
ripgrep
hyperfine
'

is_installed() {
    dpkg-query -W -f '${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=''
while read -r package command; do
    [ -n "$package" ] || continue
    if is_installed "$package"; then
        continue
    fi
    if [ -n "${command:-}" ] && command -v "$command" >/dev/null 2>&1; then
        continue
    fi
    missing="$missing $package"
done <<LIST
$PACKAGES
LIST

SUDO=''
if [ "$(id -u)" -ne 0 ]; then
    SUDO='sudo'
fi

if [ -n "$missing" ]; then
    echo "install-deps: installing:$missing"
    $SUDO apt-get update
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    $SUDO apt-get install -y --no-install-recommends $missing
else
    echo "install-deps: all Debian packages are installed"
fi

# tests/interop/node: the jose cross-check; tests/scan/node: the SARIF schema check.
for node_dir in "$(cd "$(dirname "$0")/.." && pwd)/tests/interop/node" \
    "$(cd "$(dirname "$0")/.." && pwd)/tests/scan/node"; do
if [ -f "$node_dir/package.json" ] && [ ! -d "$node_dir/node_modules" ]; then
    echo "install-deps: installing Node packages in $node_dir"
    if [ -f "$node_dir/package-lock.json" ]; then
        (cd "$node_dir" && npm ci --no-audit --no-fund)
    else
        (cd "$node_dir" && npm install --no-audit --no-fund)
    fi
fi
done
