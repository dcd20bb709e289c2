#!/usr/bin/env bash
# Builds the snapshots module (offline, no install) and runs b8g.snapshots.SnapshotBench:
# snapshot and restore times and image sizes next to a fresh start, from one run.
# Usage: snapshots/bench.sh [N (default 10)] [DIR for the images (default java.io.tmpdir)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -o -q -pl snapshots -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
flags="$(sed -n 's:.*<b8g.jvm.flags>\(.*\)</b8g.jvm.flags>.*:\1:p' pom.xml)"
# shellcheck disable=SC2086
exec java $flags -Xss4m -Dslf4j.internal.verbosity=ERROR -cp "snapshots/target/test-classes:snapshots/target/classes:$(cat snapshots/target/bench.classpath)" \
  b8g.snapshots.SnapshotBench "$@"
