#!/usr/bin/env bash
# Builds the snapshots module (offline, no install) and runs b8g.snapshots.SnapshotBench:
# snapshot and restore times and image sizes next to a fresh start, from one run; then, if Node and
# isolated-vm are installed (bench/run.sh installs it into $B8G_IVM_HOME, default
# ~/.cache/b8g-bench/ivm), isolated-vm's snapshot size and restore + call time as a baseline.
# Usage: snapshots/bench.sh [N (default 10)] [DIR for the images (default java.io.tmpdir)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -o -q -pl snapshots -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
flags="$(sed -n 's:.*<b8g.jvm.flags>\(.*\)</b8g.jvm.flags>.*:\1:p' pom.xml)"
# shellcheck disable=SC2086
java $flags -Xss4m -Dslf4j.internal.verbosity=ERROR -cp "snapshots/target/test-classes:snapshots/target/classes:$(cat snapshots/target/bench.classpath)" \
  b8g.snapshots.SnapshotBench "$@"
ivm="${B8G_IVM_HOME:-$HOME/.cache/b8g-bench/ivm}/node_modules/isolated-vm"
if command -v node >/dev/null && [ -f "$ivm/out/isolated_vm.node" ]; then
  node snapshots/ivm-snapshot.js "$ivm" 50 10 | sed -n 's/.*"node":"\([^"]*\)","snapshotBytes":\([0-9]*\),"restoreCallMs":\([0-9.]*\).*/\1 \2 \3/p' \
    | { read -r v b t; awk -v v="$v" -v b="$b" -v t="$t" 'BEGIN { printf "baseline: isolated-vm (node %s) snapshot of a small script %.1f KiB, restore + call %.2f ms (median of 50)\n", v, b / 1024, t }'; }
else
  echo "baseline: isolated-vm not installed at $ivm (bench/run.sh installs it); skipped"
fi
