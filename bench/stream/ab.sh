#!/usr/bin/env bash
# Whole-process A/B of two checkouts of b8g on the same stream, alternating run by run, so a
# comparison holds while the machine's speed drifts:
#   bench/stream/ab.sh OLD_CHECKOUT NEW_CHECKOUT [PAIRS] [MANIFEST]
# MANIFEST defaults to bench/stream/copy-64k.txtpb (copy-64b.txtpb: small messages). Each run is
# `./b8g run MANIFEST` of that checkout (built on first use), timed by /usr/bin/time; prints each
# pair's wall seconds and NEW/OLD ratio, then the median ratio. A run that fails is reported and
# stops the comparison.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
old="$(cd "$1" && pwd)"; new="$(cd "$2" && pwd)"
pairs="${3:-10}"
manifest="$(cd "$(dirname "${4:-$here/copy-64k.txtpb}")" && pwd)/$(basename "${4:-$here/copy-64k.txtpb}")"
wall() { # checkout -> wall seconds of one run
  local out
  out="$( { /usr/bin/time -f '%e' "$1/b8g" run "$manifest" >/dev/null 2>/tmp/b8g-ab.$$; } 2>&1; tail -1 /tmp/b8g-ab.$$)"
  if ! grep -q '^[0-9.]*$' <<<"$out"; then echo "run of $1 failed: $(cat /tmp/b8g-ab.$$)" >&2; rm -f /tmp/b8g-ab.$$; exit 1; fi
  rm -f /tmp/b8g-ab.$$
  echo "$out"
}
wall "$old" >/dev/null; wall "$new" >/dev/null   # builds and warms the page cache
ratios=()
for i in $(seq "$pairs"); do
  o=$(wall "$old"); n=$(wall "$new")
  r=$(awk -v n="$n" -v o="$o" 'BEGIN { printf "%.3f", n / o }')
  ratios+=("$r")
  echo "pair $i: old $o s, new $n s, new/old $r"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "median new/old wall: %.3f over %d pairs\n", m, NR }'
