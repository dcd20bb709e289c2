#!/usr/bin/env bash
# Registry push/pull throughput next to skopeo copy, in one run (b8g.registry.bench.RegistryBench).
#   registry/bench.sh [MiB of the .b8gi layer, default 64] [runs, default 3]
# Needs docker-registry and skopeo (.ci/run installs both). Prints a table; asserts nothing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -o -q -pl registry -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
exec java -Xmx1g -cp "registry/target/test-classes:registry/target/classes:$(cat registry/target/bench.classpath)" \
  b8g.registry.bench.RegistryBench "$@"
