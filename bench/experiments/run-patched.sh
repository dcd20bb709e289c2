#!/usr/bin/env bash
# Runs the bench with a proposed platform patch applied, without touching the source tree: patched
# JS resources (the prelude's files, ring.js) and recompiled patched Java classes go to a temp directory
# placed first on the classpath, which shadows the originals in the module jars.
#   bench/experiments/run-patched.sh bench/experiments/writer-wake-hysteresis.patch -Db8g.bench.only=channel
# Several patches: join them with commas.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
patches="$1"
shift
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$root"
mvn -B -o -q -pl bench -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
mkdir -p "$tmp/tree" "$tmp/classes"
IFS=, read -ra list <<< "$patches"
for p in "${list[@]}"; do
  for f in $(sed -n 's#^+++ b/##p' "$p"); do
    mkdir -p "$tmp/tree/$(dirname "$f")"
    [ -f "$tmp/tree/$f" ] || cp "$f" "$tmp/tree/$f"
  done
  (cd "$tmp/tree" && patch -s -p1 --no-backup-if-mismatch < "$root/$p")
done
java_files=$(cd "$tmp/tree" && find . -path '*/src/main/java/*.java' | sed 's#^\./##')
if [ -n "$java_files" ]; then
  (cd "$tmp/tree" && javac -nowarn -cp "$(cat "$root/bench/target/classpath.txt")" -d "$tmp/classes" $java_files)
fi
for d in "$tmp"/tree/*/src/main/resources; do
  [ -d "$d" ] && cp -r "$d/." "$tmp/classes/"
done
echo "patched: $(cd "$tmp/classes" && find . -type f | sed 's#^\./##' | tr '\n' ' ')" >&2
B8G_BENCH_CP_PREFIX="$tmp/classes" "$root/bench/run.sh" "$@"
