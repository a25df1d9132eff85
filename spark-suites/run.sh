#!/usr/bin/env bash
# Runs Apache Spark's own client test suites -- the end-to-end suites of the official JVM client's
# published tests jar (org.apache.spark:spark-connect-client-jvm_2.13:4.1.2:tests) -- against Apache
# Spark's own Connect server and against vxconnect, and writes what passed and failed on each.
#
#   spark-suites/run.sh                        every suite, both servers (an hour or more on 2 cores)
#   spark-suites/run.sh --server vxconnect     one server only
#   spark-suites/run.sh ClientE2ETestSuite CatalogSuite    these suites only (simple or full names)
#   options: --server spark|vxconnect|both, --timeout MINUTES (per suite, default 25),
#            --no-build (use the last build)
#
# How: the suites' harness starts its server with $SPARK_HOME/bin/spark-submit. The build (profile
# spark-suites) shades the tests jar with the client's own relocations (it is compiled against
# unshaded gRPC, protobuf, Guava, Netty and Arrow) and gathers the jars a Spark home holds; this
# script lays out a stand-in SPARK_HOME under spark-suites/target/spark-home whose bin/spark-submit
# (spark-suites/spark-home/bin/spark-submit) starts the server named by SPARK_SUITES_SERVER with the
# suites' own settings (reattachable streams cut every 1 s / 123 bytes, a testcat catalog...). The
# harness ignores every test unless assembly/target/scala-2.13/jars exists, so it is created (empty:
# without a spark-hive jar there the catalog is in memory on both servers, and the tests that need
# Hive are skipped on both). SPARK_TESTING=1 as Spark's build sets it. Each suite runs in a JVM of
# its own, with its own server, under a deadline: a suite that hangs is stopped and reported.
#
# Results: spark-suites/target/results/<server>/<Suite>.log (ScalaTest's output, with the server's
# log), and spark-suites/target/results/summary.md (counts per suite and server, and the tests that
# pass on Spark's server but not on vxconnect).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$ROOT/spark-suites"
TARGET="$MODULE/target"
RESULTS="$TARGET/results"

# Every suite of the tests jar that runs against a server (RemoteSparkSession), but ReplE2ESuite,
# which needs the Ammonite REPL jars Spark's build copies into target/connect-repl.
ALL_SUITES=(
  org.apache.spark.sql.connect.ClientE2ETestSuite
  org.apache.spark.sql.connect.CatalogSuite
  org.apache.spark.sql.connect.CheckpointSuite
  org.apache.spark.sql.connect.ClientDataFrameStatSuite
  org.apache.spark.sql.connect.DataFrameNaFunctionSuite
  org.apache.spark.sql.connect.DataFrameSuite
  org.apache.spark.sql.connect.KeyValueGroupedDatasetE2ETestSuite
  org.apache.spark.sql.connect.MergeIntoE2ETestSuite
  org.apache.spark.sql.connect.SparkSessionBuilderImplementationBindingSuite
  org.apache.spark.sql.connect.SparkSessionCloneSuite
  org.apache.spark.sql.connect.SparkSessionE2ESuite
  org.apache.spark.sql.connect.StaticProcedureSuite
  org.apache.spark.sql.connect.StubbingTestSuite
  org.apache.spark.sql.connect.UDFClassLoadingE2ESuite
  org.apache.spark.sql.connect.UserDefinedFunctionE2ETestSuite
  org.apache.spark.sql.connect.streaming.ClientStreamingQuerySuite
  org.apache.spark.sql.connect.streaming.FlatMapGroupsWithStateStreamingSuite
  org.apache.spark.sql.connect.streaming.TransformWithStateConnectSuite
  org.apache.spark.sql.DataFrameSubquerySuite
  org.apache.spark.sql.DataFrameTableValuedFunctionsSuite
  org.apache.spark.sql.GeographyConnectDataFrameSuite
  org.apache.spark.sql.GeometryConnectDataFrameSuite
  org.apache.spark.sql.SQLExpressionsSuite
)

servers=(spark vxconnect)
timeout_minutes=25
build=true
suites=()
while [ $# -gt 0 ]; do
  case "$1" in
    --server)
      case "$2" in
        both) servers=(spark vxconnect) ;;
        spark|vxconnect) servers=("$2") ;;
        *) echo "run.sh: --server must be spark, vxconnect or both" >&2; exit 2 ;;
      esac
      shift 2 ;;
    --timeout) timeout_minutes="$2"; shift 2 ;;
    --no-build) build=false; shift ;;
    -h|--help) sed -n '2,29p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *)
      found=""
      for s in "${ALL_SUITES[@]}"; do
        if [ "$s" = "$1" ] || [ "${s##*.}" = "$1" ]; then found="$s"; fi
      done
      if [ -z "$found" ]; then echo "run.sh: unknown suite $1" >&2; exit 2; fi
      suites+=("$found"); shift ;;
  esac
done
if [ ${#suites[@]} -eq 0 ]; then
  suites=("${ALL_SUITES[@]}")
fi

cd "$ROOT"
if $build; then
  # The whole reactor: bin/vxconnect and Spark's server both run from verticles/target.
  mvn -B -q -Pspark-suites -DskipTests package
fi
for f in "$TARGET/spark-client-tests-shaded.jar" "$TARGET/runner-classpath.txt" \
    "$ROOT/verticles/target/vxconnect-server.jar"; do
  if [ ! -e "$f" ]; then echo "run.sh: $f is missing; run without --no-build" >&2; exit 1; fi
done

# The stand-in SPARK_HOME, where the harness looks for each piece.
HOME_DIR="$TARGET/spark-home"
rm -rf "$HOME_DIR"
mkdir -p "$HOME_DIR/bin" "$HOME_DIR/assembly/target/scala-2.13/jars" \
  "$HOME_DIR/sql/connect/server/target" "$HOME_DIR/sql/catalyst/target" \
  "$HOME_DIR/sql/connect/client/jvm/target/scala-2.13/test-classes" \
  "$HOME_DIR/sql/connect/client/jvm/src/test/resources" \
  "$HOME_DIR/sql/connect/common/src/test/resources"
cp "$MODULE/spark-home/bin/spark-submit" "$HOME_DIR/bin/"
cp "$TARGET/spark-home-jars/spark-connect_2.13-"*.jar "$HOME_DIR/sql/connect/server/target/"
cp "$TARGET/spark-home-jars/spark-catalyst_2.13-"*-tests.jar "$HOME_DIR/sql/catalyst/target/"
# The suites' classes, which the harness uploads to the server as class artifacts (UDFs).
(cd "$HOME_DIR/sql/connect/client/jvm/target/scala-2.13/test-classes" \
  && unzip -q "$TARGET/spark-client-tests-shaded.jar" -x 'META-INF/*')
# Their test data (ClientE2ETestSuite, ClientStreamingQuerySuite read it by path).
(cd "$HOME_DIR/sql/connect/common/src/test/resources" \
  && unzip -q "$TARGET/spark-home-jars/spark-connect-common_2.13-"*-tests.jar 'query-tests/*')
# The servers' log4j configuration (spark.driver.extraJavaOptions names it): warnings and up.
cat > "$HOME_DIR/sql/connect/client/jvm/src/test/resources/log4j2.properties" <<'PROPS'
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n
PROPS

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
RUNNER_CP="$TARGET/spark-client-tests-shaded.jar:$(cat "$TARGET/runner-classpath.txt")"
RUNNER_FLAGS=(
  "@$ROOT/conf/spark-jvm.flags"
  -Xmx2g -Darrow.memory.debug.allocator=false
)

export SPARK_HOME="$HOME_DIR"
export SPARK_TESTING=1
export SPARK_SUITES_ROOT="$ROOT"
export SPARK_SUITES_SERVER_JAVA_OPTS="${SPARK_SUITES_SERVER_JAVA_OPTS:--Xmx3g}"

# Stops servers a suite's harness left running (their pids, written by the spark-submit stand-in).
stop_servers() {
  local dir="$1" pidfile pid
  for pidfile in "$dir"/*.pid; do
    [ -e "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      sleep 5
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

for server in "${servers[@]}"; do
  out="$RESULTS/$server"
  rm -rf "$out"
  mkdir -p "$out"
  export SPARK_SUITES_SERVER="$server"
  for suite in "${suites[@]}"; do
    name="${suite##*.}"
    log="$out/$name.log"
    pids="$TARGET/pids/$server-$name"
    export SPARK_SUITES_PIDS="$pids"
    echo "run.sh: $name on $server" >&2
    started=$(date +%s)
    set +e
    # -oW: plain text; the run is stopped (TERM: the harness stops its server) after the deadline.
    timeout --kill-after=60 "${timeout_minutes}m" \
      "$JAVA" "${RUNNER_FLAGS[@]}" -Dspark.test.home="$HOME_DIR" -cp "$RUNNER_CP" \
      org.scalatest.tools.Runner -oWD -s "$suite" > "$log" 2>&1
    code=$?
    set -e
    stop_servers "$pids"
    echo "run.sh: $name on $server: exit $code after $(( $(date +%s) - started )) s" >> "$log"
    if [ $code -eq 124 ] || [ $code -eq 137 ]; then
      echo "run.sh: TIMED OUT after ${timeout_minutes} min" >> "$log"
    fi
  done
done

"$MODULE/summarize.sh" "$RESULTS" > "$RESULTS/summary.md"
cat "$RESULTS/summary.md"
