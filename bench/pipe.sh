#!/usr/bin/env bash
# DV8's pipe benchmarks, next to baselines measured in the same run:
#   bench/pipe.sh [--smoke] [CHUNKS] [RUNS]
# Each case pipes CHUNKS (default 16384: 1 GiB) chunks of 64 KiB from `dd if=/dev/zero bs=65536`
# through one process:
#   b8g pipe    ./b8g run examples/pipe/pipe.txtpb | cat > /dev/null   (stdin to stdout)
#   b8g count   ./b8g run examples/pipe/count/count.txtpb               (counts stdin)
#   cat         cat | cat > /dev/null
#   node pipe   node -e 'process.stdin.pipe(process.stdout)' | cat > /dev/null
#   node count  node -e (counts the bytes of 'data' events)
#   wc -c       wc -c
# Runs alternate case by case (round 1 of every case, then round 2, ...), so all see the same
# machine; each figure is the median of RUNS (default 5) runs, in GiB/s of wall time for the whole
# pipeline, the process's start included. "b8g start" is the median wall time of one b8g run
# with empty input (JVM and isolate start, the same for every size); "net" divides by the time
# without it. --smoke: 16 chunks, 1 run, only checks every case works (a few seconds).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
chunks=16384; runs=5
if [ "${1:-}" = "--smoke" ]; then chunks=16; runs=1; shift; fi
chunks="${1:-$chunks}"; runs="${2:-$runs}"
bytes=$((chunks * 65536))
./b8g run examples/hello/hello.txtpb >/dev/null   # builds on first use

declare -A cmd=(
  [b8g_pipe]="./b8g run examples/pipe/pipe.txtpb | cat > /dev/null"
  [b8g_count]="./b8g run examples/pipe/count/count.txtpb > /dev/null"
  [cat]="cat | cat > /dev/null"
  [node_pipe]="node -e 'process.stdin.pipe(process.stdout)' | cat > /dev/null"
  [node_count]="node -e 'let n = 0; process.stdin.on(\"data\", (c) => { n += c.length; }).on(\"end\", () => console.log(n))' > /dev/null"
  [wc]="wc -c > /dev/null"
)
order=(b8g_pipe b8g_count cat node_pipe node_count wc)
command -v node >/dev/null || { echo "bench/pipe.sh: node not found; the node cases are skipped" >&2; order=(b8g_pipe b8g_count cat wc); }

# Checks first: the pipe copies every byte, the counter counts them.
got=$(dd if=/dev/zero bs=65536 count="$chunks" 2>/dev/null | ./b8g run examples/pipe/pipe.txtpb | wc -c)
[ "$got" = "$bytes" ] || { echo "b8g pipe passed $got bytes, not $bytes" >&2; exit 1; }
got=$(dd if=/dev/zero bs=65536 count="$chunks" 2>/dev/null | ./b8g run examples/pipe/count/count.txtpb)
[ "$got" = "$bytes" ] || { echo "b8g count printed $got, not $bytes" >&2; exit 1; }

now() { date +%s%N; }
declare -A times
for r in $(seq "$runs"); do
  for c in "${order[@]}"; do
    t0=$(now)
    bash -o pipefail -c "dd if=/dev/zero bs=65536 count=$chunks 2>/dev/null | ${cmd[$c]}"
    t1=$(now)
    times[$c]+="$(( (t1 - t0) / 1000 )) "
  done
  t0=$(now); ./b8g run examples/pipe/pipe.txtpb </dev/null >/dev/null; t1=$(now)
  times[start]+="$(( (t1 - t0) / 1000 )) "
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
start=$(median <<<"${times[start]}")
cat_us=$(median <<<"${times[cat]}")
echo "pipe benchmark: $chunks chunks of 64 KiB ($(awk -v b=$bytes 'BEGIN { printf "%.2f", b / 2^30 }') GiB), median of $runs runs, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
printf '  %-11s %9s %8s %9s %8s\n' case "wall ms" "GiB/s" "net GiB/s" "x cat"
for c in "${order[@]}"; do
  us=$(median <<<"${times[$c]}")
  # "net" only when the run took longer than a start (with tiny inputs it is noise: shown as -).
  net=$us; case $c in b8g_*) net=$(awk -v u=$us -v s=$start 'BEGIN { print (u > s ? u - s : 0) }');; esac
  awk -v c="${c/_/ }" -v us=$us -v net=$net -v b=$bytes -v cat=$cat_us 'BEGIN {
    n = net > 0 ? sprintf("%9.2f", b / 2^30 / (net / 1e6)) : sprintf("%9s", "-")
    printf "  %-11s %9.1f %8.2f %s %8.2f\n", c, us / 1000, b / 2^30 / (us / 1e6), n, cat / us }'
done
printf '  %-11s %9.1f   (b8g run with empty input: JVM and isolate start)\n' "b8g start" "$(awk -v s=$start 'BEGIN { print s / 1000 }')"
