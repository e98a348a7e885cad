#!/usr/bin/env bash
# The main job (README): a short fuzz campaign on the bundled scenarios.
#
# Builds the dev (g++) and fuzz (clang, libFuzzer, ASan+UBSan) configurations,
# then runs, each with its expected outcome:
#   1. a random walk of "demo" (NMI uses trylock)          -> clean
#   2. a random walk of "demo-aa" (NMI spins on the lock)   -> finding
#   3. libFuzzer on "demo" from its seed corpus             -> clean
#   4. libFuzzer on "demo-aa" from an empty corpus          -> finding, and the
#      crash file replays to the same verdict with `rtfuzz explore --input`
#   5. libFuzzer on every rqspinlock scenario under fixed and every eventpoll
#      scenario under llist-v3 -> clean (the false positives the kernel
#      accepts are tolerated, not findings); eventpoll storm under spinlock
#      (seed 000's IPI loop on RT) -> finding
#   6. libFuzzer on rqspinlock abba, variant v6.19, empty corpus -> finds the
#      head-without-successor spin; the crash goes the whole way of
#      docs/reproducing.md: convert, minimize, replay (finding under v6.19,
#      clean under fixed)
#   7. rtfuzz matrix over corpora/regressions       -> every cell as expected
# and prints a summary table. Exit status 0 iff every outcome is the expected
# one. Everything it writes stays under build/campaign/ (new corpus inputs,
# crash artifacts, logs); corpora/ is only read.
#
#   RTFUZZ_CAMPAIGN_SECONDS     seconds per libFuzzer run (default 20)
#   RTFUZZ_CAMPAIGN_EXECUTIONS  random-walk executions (default 300000)
#   RTFUZZ_CAMPAIGN_SEED        random-walk seed (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh

seconds=${RTFUZZ_CAMPAIGN_SECONDS:-20}
executions=${RTFUZZ_CAMPAIGN_EXECUTIONS:-300000}
seed=${RTFUZZ_CAMPAIGN_SEED:-1}
jobs=$(nproc)

for preset in dev fuzz; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs" --target rtfuzz demo_fuzzer rqspinlock_fuzzer \
    eventpoll_fuzzer | tail -n 1
done
rtfuzz=build/dev/framework/cli/rtfuzz
fuzzer=build/fuzz/fuzzers/demo_fuzzer
out=build/campaign
mkdir -p "$out/corpus/demo_fuzzer" "$out/artifacts" "$out/logs"
# New inputs are added to the campaign corpus, never removed: seeds are
# copied in without overwriting what earlier campaigns found.
cp -n corpora/demo_fuzzer/* "$out/corpus/demo_fuzzer/" 2>/dev/null || true

rows=()
failures=0
row() {  # name engine executions result expected
  local verdict=ok
  if [[ "$4" != "$5"* ]]; then verdict=UNEXPECTED; failures=$((failures + 1)); fi
  rows+=("$(printf '  %-40s %-10s %12s  %-28s %-8s %s' "$1" "$2" "$3" "$4" "$5" "$verdict")")
}

walk() {  # scenario expected
  local log="$out/logs/walk-$1.log" status=0
  echo "== random walk: $1, $executions executions, seed $seed"
  "$rtfuzz" explore --scenario="$1" --seed="$seed" --executions="$executions" >"$log" || status=$?
  cat "$log"
  local ran result
  ran=$(awk '/^  executions/ {print $2}' "$log")
  case $status in
    0) result=clean ;;
    1) result="finding: $(awk '/^SUMMARY: rtfuzz:/ {print tolower($3)}' "$log")" ;;
    *) result="error (exit $status)" ;;
  esac
  row "$1" random "$ran" "$result" "$2"
}

libfuzzer() {  # scenario corpus-dir expected [fuzzer-binary [--flags...]]
  local bin=${4:-$fuzzer} tag=$1 status=0
  local extra=("${@:5}") flag
  if [[ $# -ge 4 ]]; then tag="$(basename "$bin" _fuzzer)-$1"; fi
  for flag in "${extra[@]}"; do
    if [[ $flag == --variant=* ]]; then tag="$tag-${flag#--variant=}"; fi
  done
  local log="$out/logs/libfuzzer-$tag.log"
  echo "== libFuzzer: $tag ${extra[*]}, ${seconds}s, corpus $2"
  "$bin" --scenario="$1" "${extra[@]}" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$tag-" "$2" >"$log" 2>&1 || status=$?
  grep -E "^#[0-9]+.*(INITED|DONE)|stat::(number_of_executed_units|average_exec_per_sec)|Test unit written" \
    "$log" || true
  local ran result
  ran=$(awk '/stat::number_of_executed_units/ {print $NF}' "$log")
  if [[ $status -eq 0 ]]; then
    result=clean
  elif grep -q "ERROR: rtfuzz:" "$log"; then
    result="finding: $(awk '/^SUMMARY: rtfuzz:/ {print tolower($3)}' "$log" | head -n 1)"
  else
    result="error (exit $status)"
  fi
  row "$tag" libFuzzer "${ran:-?}" "$result" "$3"
}

walk demo clean
walk demo-aa finding
libfuzzer demo "$out/corpus/demo_fuzzer" clean
empty=$(mktemp -d)
libfuzzer demo-aa "$empty" finding
rmdir "$empty" 2>/dev/null || true
scenarios_of() {  # target: its scenario names, from `rtfuzz list`
  "$rtfuzz" list | awk -v t="$1:" '$1 == t {on = 1; next} on && /^[^ ]/ {exit}
                                   on && $1 == "scenarios" {$1 = ""; gsub(",", ""); print; exit}'
}
# Every scenario of each target under a variant with no known bug in it.
for spec in rqspinlock:fixed eventpoll:llist-v3; do
  target=${spec%%:*} variant=${spec#*:}
  mkdir -p "$out/corpus/${target}_fuzzer"
  cp -n corpora/"${target}"_fuzzer/* "$out/corpus/${target}_fuzzer/" 2>/dev/null || true
  for scenario in $(scenarios_of "$target"); do
    dir="$out/corpus/${target}_fuzzer-$scenario"
    mkdir -p "$dir"
    cp -n "$out/corpus/${target}_fuzzer"/* "$dir/" 2>/dev/null || true
    libfuzzer "$scenario" "$dir" clean "build/fuzz/fuzzers/${target}_fuzzer" --variant="$variant"
  done
done
rq=build/fuzz/fuzzers/rqspinlock_fuzzer
# Seed 000's IPI storm is in the current (spinlock) era on PREEMPT_RT.
empty=$(mktemp -d)
libfuzzer storm "$empty" finding build/fuzz/fuzzers/eventpoll_fuzzer --variant=spinlock
rm -rf "$empty"

# A real bug, from an empty corpus to a minimized reproducer.
empty=$(mktemp -d)
libfuzzer abba "$empty" finding "$rq" --variant=v6.19 --only=missed-ABBA
rm -rf "$empty"
for crash in "$out"/artifacts/rqspinlock-abba-v6.19-crash-*; do
  [[ -e "$crash" ]] || continue
  echo "== reproduce $crash: convert, minimize, replay"
  sched="$out/v6.19-head-spin.sched"
  "$rtfuzz" convert --target=rqspinlock --scenario=abba --variant=v6.19 "$crash" --output="$sched"
  "$rtfuzz" minimize "$sched" --output="${sched%.sched}.min.sched" 2>/dev/null | grep -E "before|after"
  status=0
  "$rtfuzz" replay "${sched%.sched}.min.sched" --swimlane=false >"$out/logs/replay-v6.19.log" || status=$?
  if [[ $status -eq 1 ]]; then result=finding; else result="no finding (exit $status)"; fi
  row "abba-v6.19 minimized" replay 1 "$result" finding
  status=0
  "$rtfuzz" replay "${sched%.sched}.min.sched" --variant=fixed --swimlane=false \
    >"$out/logs/replay-fixed.log" || status=$?
  if [[ $status -eq 0 ]]; then result=clean; else result="finding (exit $status)"; fi
  row "  same under fixed" replay 1 "$result" clean
  break
done

echo "== rtfuzz matrix"
status=0
"$rtfuzz" matrix corpora/regressions | tee "$out/logs/matrix.log" || status=$?
cells=$(awk '/reproducers x/ {n += $2 * $5} END {print n}' "$out/logs/matrix.log")
if [[ $status -eq 0 ]]; then result=clean; else result="cells not as expected (exit $status)"; fi
row "regression matrix" replay "${cells:-?}" "$result" clean

# Every crash artifact of this run replays to its verdict outside libFuzzer.
for crash in "$out"/artifacts/demo-aa-crash-*; do
  [[ -e "$crash" ]] || continue
  echo "== replay $crash"
  status=0
  "$rtfuzz" explore --scenario=demo-aa --input="$crash" >"$out/logs/replay.log" || status=$?
  grep -E "^(==|\*\*\*|SUMMARY|reproduce)" "$out/logs/replay.log" || true
  if [[ $status -eq 1 ]]; then result=finding; else result="no finding (exit $status)"; fi
  row demo-aa replay 1 "$result" finding
  break
done

echo
echo "campaign summary ($(date -u +%Y-%m-%dT%H:%M:%SZ)); outputs in $out/"
printf '  %-40s %-10s %12s  %-28s %-8s %s\n' scenario engine executions result expected ""
printf '%s\n' "${rows[@]}"
corpus_files=$(find "$out/corpus" -type f | wc -l)
echo "  corpora: $out/corpus/* ($corpus_files inputs; merge new ones into corpora/ with e.g."
echo "           $fuzzer -merge=1 corpora/demo_fuzzer $out/corpus/demo_fuzzer)"
if [[ $failures -ne 0 ]]; then
  echo "campaign: $failures unexpected outcome(s)" >&2
  exit 1
fi
echo "campaign: every outcome as expected"
