#!/bin/sh
# Runs one libFuzzer target for a fixed time, starting from the committed seed
# corpus copied into a scratch folder so that the tree is never written.
# Usage: run-short.sh FUZZER SEED_DIR WORK_DIR SECONDS
set -eu
fuzzer=$1 seeds=$2 work=$3 seconds=$4
rm -rf "$work"
mkdir -p "$work"
if [ -d "$seeds" ]; then
    cp -R "$seeds"/. "$work"/
fi
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$work"
