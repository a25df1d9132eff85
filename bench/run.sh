#!/usr/bin/env bash
# Runs the benchmark harness (docs/benchmarks.md): Spark's own Connect server and vxconnect, one
# after the other, driven by the official client.
#   bench/run.sh                          smoke scale (a few minutes), report in bench/target/benchmarks.md
#   bench/run.sh -Dbench.scale=full       the full run, report into docs/benchmarks.md
#   bench/run.sh -Dbench.workloads=a,b -Dbench.servers=vxconnect ...   (see docs/benchmarks.md)
#   bench/run.sh -Dbench.main=profile     JFR profile of one server during (h)'s workloads
# Build first: mvn -B -DskipTests package (at the repository root).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ ! -f verticles/target/vxconnect-server.jar ] || [ ! -d verticles/target/lib ] \
    || [ ! -f bench/target/classes/dev/vxconnect/bench/Bench.class ]; then
  echo "bench: not built yet; run: mvn -B -DskipTests package" >&2
  exit 1
fi

CP_FILE=bench/target/classpath.txt
if [ ! -s "$CP_FILE" ] || [ bench/pom.xml -nt "$CP_FILE" ] || [ pom.xml -nt "$CP_FILE" ]; then
  # The client's class path, from the local Maven repository (offline first); the testkit module
  # (a PostgreSQL server for (g)) from its build directory, hence compile in the same reactor.
  mvn -B -q -o -pl bench -am compile dependency:build-classpath -Dmdep.outputFile="$ROOT/$CP_FILE" >&2 \
    || mvn -B -q -pl bench -am compile dependency:build-classpath -Dmdep.outputFile="$ROOT/$CP_FILE" >&2
fi

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The client needs the same opens as Spark (without sun.util.calendar it cannot decode dates).
SPARK_JVM_FLAGS=("@$ROOT/conf/spark-jvm.flags")

PROPS=()
MAIN=dev.vxconnect.bench.Bench
for arg in "$@"; do
  case "$arg" in
    -Dbench.main=profile) MAIN=dev.vxconnect.bench.Profile ;;
    -D*) PROPS+=("$arg") ;;
    *) echo "bench: unknown argument $arg (only -Dbench.*=... settings)" >&2; exit 2 ;;
  esac
done

exec "$JAVA" "${SPARK_JVM_FLAGS[@]}" ${BENCH_CLIENT_JAVA_OPTS:--Xmx4g} \
  -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -Dbench.home="$ROOT" -Dbench.command="bench/run.sh${*:+ $*}" "${PROPS[@]}" \
  -cp "$ROOT/bench/target/classes:$(cat "$CP_FILE")" "$MAIN"
