#!/usr/bin/env bash
# Runs the bench with a proposed platform patch applied to the JS resources only (prelude.js,
# ring.js), without touching the source tree: the patched files go to a temp directory placed
# first on the classpath, which shadows the originals in the module jars.
#   bench/experiments/run-patched.sh bench/experiments/writer-wake-hysteresis.patch -Db8g.bench.only=channel
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
patch_file="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src"
cp -r "$root/shared-memory/src/main/resources/." "$root/components/src/main/resources/." "$tmp/src/"
# The patch names files under <module>/src/main/resources/; strip that to the resource path.
sed -E 's#^(---|\+\+\+) [ab]/[^/]+/src/main/resources/#\1 #' "$patch_file" | (cd "$tmp/src" && patch -s -p0)
B8G_BENCH_CP_PREFIX="$tmp/src" "$root/bench/run.sh" "$@"
