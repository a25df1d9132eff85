#!/usr/bin/env bash
# Summarizes a run of spark-suites/run.sh: reads RESULTS/<server>/<Suite>.log (ScalaTest's
# standard-output reporter) and prints, as Markdown, the counts per suite and server and the tests
# that passed on Apache Spark's own server but not on vxconnect.
# Usage: spark-suites/summarize.sh spark-suites/target/results
set -euo pipefail

RESULTS="${1:?usage: summarize.sh RESULTS_DIR}"

# One line per test of a log: "passed|failed|ignored|canceled<TAB>test name".
outcomes() {
  awk '
    /^- / {
      line = substr($0, 3)
      status = "passed"
      if (index(line, " *** FAILED ***")) { status = "failed"; line = substr(line, 1, index(line, " *** FAILED ***") - 1) }
      else if (index(line, " !!! IGNORED !!!")) { status = "ignored"; line = substr(line, 1, index(line, " !!! IGNORED !!!") - 1) }
      else if (index(line, " !!! CANCELED !!!")) { status = "canceled"; line = substr(line, 1, index(line, " !!! CANCELED !!!") - 1) }
      else { sub(/ \([0-9]+ (millisecond|second|minute|hour)s?(, [0-9]+ (millisecond|second|minute)s?)*\)$/, "", line) }
      print status "\t" line
    }' "$1"
}

count() {
  local file="$1" status="$2"
  outcomes "$file" | awk -F'\t' -v s="$status" '$1 == s' | wc -l | tr -d ' '
}

# "12 / 1 / 0 / 0" (passed / failed / ignored / canceled), plus how the run ended if not normally.
cell() {
  local file="$1" note=""
  if [ ! -f "$file" ]; then echo "not run"; return; fi
  if grep -q "^run.sh: TIMED OUT" "$file"; then
    note=" **stopped: hung** (in: $(outcomes "$file" | wc -l | tr -d ' ') tests reported)"
  elif grep -q "RUN ABORTED\|SUITE ABORTED\|Exception encountered when invoking run on a nested suite" "$file"; then
    note=" **suite aborted**"
  fi
  echo "$(count "$file" passed) / $(count "$file" failed) / $(count "$file" ignored) / $(count "$file" canceled)$note"
}

servers=()
for s in spark vxconnect; do
  [ -d "$RESULTS/$s" ] && servers+=("$s")
done

echo "# Apache Spark's client suites: Spark's own Connect server and vxconnect"
echo
echo "Per suite: passed / failed / ignored / canceled."
echo
header="| suite |"
rule="|---|"
for s in "${servers[@]}"; do
  header="$header $s |"
  rule="$rule---|"
done
echo "$header"
echo "$rule"
suites=$(for s in "${servers[@]}"; do ls "$RESULTS/$s" 2>/dev/null; done | grep '\.log$' | sort -u)
declare -A total_passed total_failed total_ignored total_canceled
for s in "${servers[@]}"; do
  total_passed[$s]=0; total_failed[$s]=0; total_ignored[$s]=0; total_canceled[$s]=0
done
for log in $suites; do
  row="| ${log%.log} |"
  for s in "${servers[@]}"; do
    row="$row $(cell "$RESULTS/$s/$log") |"
    if [ -f "$RESULTS/$s/$log" ]; then
      total_passed[$s]=$(( ${total_passed[$s]} + $(count "$RESULTS/$s/$log" passed) ))
      total_failed[$s]=$(( ${total_failed[$s]} + $(count "$RESULTS/$s/$log" failed) ))
      total_ignored[$s]=$(( ${total_ignored[$s]} + $(count "$RESULTS/$s/$log" ignored) ))
      total_canceled[$s]=$(( ${total_canceled[$s]} + $(count "$RESULTS/$s/$log" canceled) ))
    fi
  done
  echo "$row"
done
row="| **total** |"
for s in "${servers[@]}"; do
  row="$row ${total_passed[$s]} / ${total_failed[$s]} / ${total_ignored[$s]} / ${total_canceled[$s]} |"
done
echo "$row"

if [ -d "$RESULTS/spark" ] && [ -d "$RESULTS/vxconnect" ]; then
  echo
  echo "## Passed on Spark's server, not on vxconnect"
  echo
  any=false
  for log in $suites; do
    [ -f "$RESULTS/spark/$log" ] || continue
    while IFS=$'\t' read -r status name; do
      [ "$status" = passed ] || continue
      theirs="missing (the suite hung or aborted before it)"
      if [ -f "$RESULTS/vxconnect/$log" ]; then
        found=$(outcomes "$RESULTS/vxconnect/$log" | awk -F'\t' -v n="$name" '$2 == n && !seen { print $1; seen = 1 }')
        theirs="${found:-missing (the suite hung or aborted before it)}"
      fi
      if [ "$theirs" != passed ]; then
        echo "- ${log%.log}: \"$name\": $theirs"
        any=true
      fi
    done < <(outcomes "$RESULTS/spark/$log")
  done
  $any || echo "(none)"
fi
