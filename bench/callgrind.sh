#!/usr/bin/env bash
# Counts instructions per verification with valgrind's callgrind, for each row
# of bench_verify: jwtguard, the raw OpenSSL check and libjwt 1.10. Unlike
# the timings, the counts do not change with the load on the machine, so they
# show the cost jwtguard adds even when the timings are noisy.
#
#   bench/callgrind.sh [BUILD_DIR]      (default: build)
#
# bench_verify must already be built (cmake --build BUILD_DIR --target bench_verify).
# A copy without debug information is profiled because valgrind 3.19 cannot
# read the DWARF 5 that clang 14 writes; callgrind still names functions
# from the symbol table.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_dir=${1:-$here/../build}
iterations=50
algs=(HS256 RS256 PS256 ES256 ES384 EdDSA)

if [[ ! -x $build_dir/bench_verify ]]; then
    echo "callgrind.sh: $build_dir/bench_verify not found: run" \
         "cmake --build $build_dir --target bench_verify" >&2
    exit 2
fi
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind not found: apt-get install valgrind" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
objcopy --strip-debug "$build_dir/bench_verify" "$work/bench_verify"

# Prints the inclusive instructions per call of one counted_* function, or "n/a".
per_call() {
    local profile=$1 function=$2
    local total
    total=$(callgrind_annotate --inclusive=yes --threshold=100 "$profile" | awk -v f="$function" '
        $0 ~ (":" f " ") { gsub(",", "", $1); print $1; exit }')
    if [[ -z $total ]]; then
        echo "n/a"
    else
        echo $((total / iterations))
    fi
}

echo "instructions per verification (callgrind, $iterations calls, setup excluded)"
echo
echo "| alg   | jwtguard | raw OpenSSL | ratio | libjwt  |"
echo "|-------|---------:|------------:|------:|--------:|"
for alg in "${algs[@]}"; do
    profile=$work/$alg.out
    valgrind --tool=callgrind --callgrind-out-file="$profile" \
        "$work/bench_verify" --count "$alg" "$iterations" >/dev/null 2>"$work/$alg.log" || {
        echo "callgrind.sh: bench_verify --count $alg failed:" >&2
        tail -5 "$work/$alg.log" >&2
        exit 1
    }
    jwtguard=$(per_call "$profile" counted_jwtguard)
    raw=$(per_call "$profile" counted_raw)
    libjwt=$(per_call "$profile" counted_libjwt)
    ratio=n/a
    if [[ $jwtguard != n/a && $raw != n/a ]]; then
        ratio=$(awk -v a="$jwtguard" -v b="$raw" 'BEGIN { printf "%.2fx", a / b }')
    fi
    printf '| %-5s | %8s | %11s | %5s | %7s |\n' "$alg" "$jwtguard" "$raw" "$ratio" "$libjwt"
done
