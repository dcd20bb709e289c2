#!/usr/bin/env bash
# Builds the platform and runs b8g.bench.Bench: every figure next to its baseline from one run.
#   bench/run.sh                     # everything (about 4 minutes after the build)
#   bench/run.sh --smoke             # every figure once with tiny rounds (CI: fails if one cannot be produced)
#   bench/run.sh -Db8g.bench.only=channel -Db8g.bench.rounds=3   # extra -D options go to the JVM
#   B8G_BENCH_MAIN=b8g.bench.Experiments bench/run.sh   # bottleneck experiments (start, channel CPU cost)
# The isolated-vm baseline (component start) needs the Node module; it is installed once into
# $B8G_IVM_HOME (default ~/.cache/b8g-bench/ivm; npm builds a native addon, a few minutes).
# Set B8G_IVM_HOME=none to skip it. Without it the bench still runs and prints a note. In smoke
# mode it is never installed (CI must not build a native addon), only used if already there.
# Exit status: 0 if every figure was produced, 1 if one could not be (the reason is printed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
smoke=false
args=()
for a in "$@"; do
  case "$a" in
    --smoke) smoke=true; args+=(-Db8g.bench.smoke=true) ;;
    -Db8g.bench.smoke=true) smoke=true; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done
# The hello figure runs ./b8g, which builds the whole project when its jar is missing or older
# than the sources (and records its class-data archive): do that now, before the bench's JVM has
# the modules' jars open. Only when hello is among the figures (the default list has it).
only=""
for a in "${args[@]}"; do
  case "$a" in -Db8g.bench.only=*) only="${a#-Db8g.bench.only=}" ;; esac
done
if [ -z "${B8G_BENCH_MAIN:-}" ] && { [ -z "$only" ] || [[ ",${only// /}," == *,hello,* ]]; }; then
  ./b8g --help >/dev/null || echo "bench: ./b8g could not be built; the hello figure will fail" >&2
fi
mvn -B -o -q -pl bench -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
cp="${B8G_BENCH_CP_PREFIX:+$B8G_BENCH_CP_PREFIX:}bench/target/classes:$(cat bench/target/classpath.txt)"
flags="$(sed -n 's:.*<b8g.jvm.flags>\(.*\)</b8g.jvm.flags>.*:\1:p' pom.xml)"

ivm_home="${B8G_IVM_HOME:-$HOME/.cache/b8g-bench/ivm}"
ivm=()
if [ "$ivm_home" != none ]; then
  if [ ! -f "$ivm_home/node_modules/isolated-vm/out/isolated_vm.node" ] && [ "$smoke" = true ]; then
    echo "smoke mode: isolated-vm is not installed at $ivm_home; its baseline is skipped (bench/run.sh without --smoke installs it)" >&2
  elif [ ! -f "$ivm_home/node_modules/isolated-vm/out/isolated_vm.node" ]; then
    echo "installing isolated-vm into $ivm_home (once) ..." >&2
    mkdir -p "$ivm_home"
    ( cd "$ivm_home" && { [ -f package.json ] || npm init -y >/dev/null; } \
      && npm install --no-audit --no-fund isolated-vm >&2 ) \
      || echo "isolated-vm install failed; the bench runs without that baseline" >&2
  fi
  ivm=("-Db8g.bench.ivm=$ivm_home/node_modules/isolated-vm")
fi

# Fixed, pre-touched Java heap: the idle figure measures RSS deltas, which heap growth would blur.
# shellcheck disable=SC2086
exec java $flags -Xss4m -Xms512m -Xmx512m -XX:+AlwaysPreTouch "${ivm[@]}" "${args[@]}" -cp "$cp" "${B8G_BENCH_MAIN:-b8g.bench.Bench}"
