#!/usr/bin/env bash
# The soak-sized runs of e2e tests whose `mvn verify` run is kept small (docs/benchmarks.md has
# their figures): the same test classes, started the same way, with their counts raised.
#   bench/soak.sh fuzz      FuzzE2ETest, 1,000,000 requests (verify: 100,000)
#   bench/soak.sh close     SessionCloseE2ETest, 1,000 sessions, 50 at once (verify: 16)
#   bench/soak.sh hibernate HibernationE2ETest, 1,000 sessions (verify: 60)
#   bench/soak.sh           all three, one after the other
# Extra -D options after the name go to Maven (e.g. -Dvxconnect.fuzz.requests=2000000).
# Build first: mvn -B -DskipTests package (at the repository root). Reports and the servers' logs
# are under e2e/target (server-reports, server-logs).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ ! -f verticles/target/vxconnect-server.jar ]; then
  echo "soak: not built yet; run: mvn -B -DskipTests package" >&2
  exit 1
fi

run() {
  local test="$1"
  shift
  echo "soak: $test $*" >&2
  mvn -B verify -pl testkit,e2e -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
    -Dvxconnect.e2e.skipMatrix=true -Dvxconnect.e2e.skipOracle=true "$@"
}

what="${1:-all}"
[ $# -gt 0 ] && shift
case "$what" in
  fuzz) run FuzzE2ETest -Dvxconnect.fuzz.requests=1000000 "$@" ;;
  close) run SessionCloseE2ETest -Dvxconnect.e2e.closeSessions=1000 -Dvxconnect.e2e.closeBatch=50 \
    -Dvxconnect.e2e.closeSettleSeconds=300 "$@" ;;
  hibernate) run HibernationE2ETest -Dvxconnect.e2e.hibernateSessions=1000 "$@" ;;
  all)
    run FuzzE2ETest -Dvxconnect.fuzz.requests=1000000 "$@"
    run SessionCloseE2ETest -Dvxconnect.e2e.closeSessions=1000 -Dvxconnect.e2e.closeBatch=50 \
      -Dvxconnect.e2e.closeSettleSeconds=300 "$@"
    run HibernationE2ETest -Dvxconnect.e2e.hibernateSessions=1000 "$@"
    ;;
  *) echo "usage: bench/soak.sh [fuzz|close|hibernate|all] [-Dkey=value...]" >&2; exit 2 ;;
esac
