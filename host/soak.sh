#!/usr/bin/env bash
# Soak of the channel ends: random peer deaths (reader or writer; thrown or killed; with and
# without a restart policy) over streams of mixed-size messages, back to back, for N minutes
# (default 10). Each case is checked as PeerDeathTest checks it. Prints the summary (runs,
# failures, process RSS before and after); every case's line is in
# host/target/surefire-reports/b8g.host.workload.PeerDeathTest-output.txt. Not part of `mvn verify`.
#   host/soak.sh [MINUTES]
set -uo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-10}"
mvn -B -q -pl host -am test -Dtest='PeerDeathTest#soak' -Db8g.soak.minutes="$minutes" \
  -Dsurefire.failIfNoSpecifiedTests=false -Dsurefire.timeout=$(( minutes * 60 + 600 ))
rc=$?
out=host/target/surefire-reports/b8g.host.workload.PeerDeathTest-output.txt
[ -f "$out" ] && grep -E '^soak: |FAILED|RSS' "$out"
exit $rc
