#!/usr/bin/env bash
# How to use 2 cores under libFuzzer: executions per second of the fuzz
# preset's rqspinlock_fuzzer (abba under fixed, corpus from corpora/)
# in four arrangements, each for SECONDS, median of ROUNDS (docs/ci.md):
#   one        one process, one job
#   processes  two processes at once, one job each (what rtfuzz campaign
#              does), here two abba jobs with their own corpora: the sum
#   fork       libFuzzer -fork=2 on the one job
#   jobs       libFuzzer -jobs=2 -workers=2 on the one job
#
#   ci/engine-scaling.sh [SECONDS [ROUNDS]]   (build the fuzz preset first)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20} rounds=${2:-3}
fuzzer=$PWD/build/fuzz/fuzzers/rqspinlock_fuzzer
[[ -x $fuzzer ]] || { echo "build the fuzz preset first ($fuzzer)" >&2; exit 2; }

units() { awk '/stat::number_of_executed_units/ {s += $2} END {print s + 0}' "$@"; }
fresh() { local d; d=$(mktemp -d); cp corpora/rqspinlock_fuzzer/* "$d/"; echo "$d"; }
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

declare -A rate
for ((r = 1; r <= rounds; r++)); do
  tmp=$(mktemp -d)
  c=$(fresh)
  "$fuzzer" --scenario=abba --variant=fixed -max_total_time="$seconds" -print_final_stats=1 "$c" \
    >"$tmp/one.log" 2>&1
  rate[one]+="$(($(units "$tmp/one.log") / seconds)) "
  a=$(fresh) b=$(fresh)
  "$fuzzer" --scenario=abba --variant=fixed -max_total_time="$seconds" -print_final_stats=1 "$a" \
    >"$tmp/a.log" 2>&1 &
  "$fuzzer" --scenario=abba --variant=fixed -max_total_time="$seconds" -print_final_stats=1 "$b" \
    >"$tmp/b.log" 2>&1
  wait
  rate[processes]+="$(($(units "$tmp/a.log" "$tmp/b.log") / seconds)) "
  f=$(fresh)
  (cd "$tmp" && "$fuzzer" --scenario=abba --variant=fixed -max_total_time="$seconds" -fork=2 \
     -print_final_stats=1 "$f" >"$tmp/fork.log" 2>&1) || true
  # -fork prints its running total as "#<executions>: cov: ...".
  rate[fork]+="$(($(grep -oE '^#[0-9]+' "$tmp/fork.log" | tail -n 1 | tr -d '#') / seconds)) "
  j=$(fresh)
  (cd "$tmp" && "$fuzzer" --scenario=abba --variant=fixed -max_total_time="$seconds" -jobs=2 \
     -workers=2 -print_final_stats=1 "$j" >/dev/null 2>&1) || true
  rate[jobs]+="$(($(units "$tmp"/fuzz-*.log) / seconds)) "
  rm -rf "$tmp" "$c" "$a" "$b" "$f" "$j"
done
one=$(tr ' ' '\n' <<<"${rate[one]}" | grep . | median)
printf '%-10s %12s %14s   %s\n' arrangement "abba exec/s" "vs one process" "rounds"
for k in one processes fork jobs; do
  m=$(tr ' ' '\n' <<<"${rate[$k]}" | grep . | median)
  printf '%-10s %12s %13.2fx   %s\n' "$k" "$m" "$(awk -v a="$m" -v b="$one" 'BEGIN {print a / b}')" \
    "${rate[$k]}"
done
