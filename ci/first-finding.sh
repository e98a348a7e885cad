#!/usr/bin/env bash
# ci/first-finding.sh [TARGET] — how fast libFuzzer finds each known bug, and
# how fast each scenario runs: prints two tables for one target (default
# rqspinlock).
#
# 1. Executions to first finding: for every reproducer in
#    corpora/regressions/TARGET/*.sched, its fuzzer runs from an empty corpus
#    with the file's scenario and variant and --only=<the file's verdict>
#    (and --signature=<its cause> when the signature names one, as a1 and a2
#    do: each distinct signature gets its own count),
#    for seeds 1..5; the count is libFuzzer's stat::number_of_executed_units
#    at the crash (the crashing execution included), so it does not depend
#    on the machine's speed. "-" is a seed that found nothing in the time.
#    Beside it, the random walk's count (`rtfuzz explore --seed=N
#    --signature=<the file's signature>`, seeds 1..5): the index of the
#    first execution with that signature, plus one.
# 2. Executions per second of every scenario under the default variant,
#    from an empty corpus, for RTFUZZ_RATE_SECONDS (default 10).
#
# Needs the fuzz preset (cmake --preset fuzz && cmake --build --preset fuzz).
#   RTFUZZ_FIND_SECONDS   time limit per seed (default 120)
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-rqspinlock}
fuzzer=build/fuzz/fuzzers/${target}_fuzzer
rtfuzz=build/dev/framework/cli/rtfuzz
find_seconds=${RTFUZZ_FIND_SECONDS:-120}
rate_seconds=${RTFUZZ_RATE_SECONDS:-10}
for bin in "$fuzzer" "$rtfuzz"; do
  if [[ ! -x $bin ]]; then
    echo "ci/first-finding.sh: $bin is not built (cmake --preset fuzz/dev && cmake --build ...)" >&2
    exit 2
  fi
done
shopt -s nullglob
files=(corpora/regressions/"$target"/*.sched)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "ci/first-finding.sh: no reproducers in corpora/regressions/$target" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

field() { awk -v k="$1" '$1 == k {print $2; exit}' "$2"; }
median() { tr ' ' '\n' | grep -v '^-\?$' | sort -n | awk '{a[NR] = $1} END {print NR ? a[int((NR + 1) / 2)] : "-"}'; }

echo "executions to first finding ($target, libFuzzer from an empty corpus and the random walk, seeds 1..5)"
printf '| %-24s | %-10s | %-11s | %-24s | %-28s | %-6s | %-28s | %-6s |\n' reproducer scenario variant "--only=" "libFuzzer seeds 1..5" median "random walk seeds 1..5" median
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' -------------------------- ------------ ------------- -------------------------- ------------------------------ -------- ------------------------------ --------
for file in "${files[@]}"; do
  scenario=$(field scenario "$file")
  variant=$(field variant "$file")
  verdict=$(awk -v v="$variant" '$1 == "expect" && $2 == v {print $3; exit}' "$file")
  if [[ -z $verdict || $verdict == clean || $verdict == tolerated:* ]]; then continue; fi
  # The cause a signature ends with, e.g. "(holder-entry-withdrawn)".
  cause=$(awk -v v="$variant" '$1 == "expect" && $2 == v {if ($NF ~ /^\(.*\)$/) print $NF; exit}' "$file")
  only=(--only="$verdict")
  [[ -n $cause ]] && only+=(--signature="$cause")
  counts=()
  for seed in 1 2 3 4 5; do
    dir="$work/$seed"; rm -rf "$dir"; mkdir -p "$dir/corpus"
    n=$("$fuzzer" --scenario="$scenario" --variant="$variant" "${only[@]}" -seed="$seed" \
          -max_total_time="$find_seconds" -print_final_stats=1 -artifact_prefix="$dir/" \
          "$dir/corpus" 2>&1 | awk '/stat::number_of_executed_units/ {print $2}') || true
    if compgen -G "$dir/crash-*" >/dev/null; then counts+=("$n"); else counts+=("-"); fi
  done
  signature=$(awk -v v="$variant" '$1 == "expect" && $2 == v {$1 = $2 = $3 = ""; sub(/^ +/, ""); print; exit}' "$file")
  walks=()
  for seed in 1 2 3 4 5; do
    n=$("$rtfuzz" explore --target="$target" --scenario="$scenario" --variant="$variant" \
          --seed="$seed" --executions=1000000 --max_total_time="$find_seconds" \
          --signature="$signature" 2>/dev/null |
        awk '$1 == "executions" {n = $2} $1 == "findings" && $2 > 0 {found = 1}
             END {print found ? n : "-"}') || true
    walks+=("${n:--}")
  done
  printf '| %-24s | %-10s | %-11s | %-24s | %-28s | %-6s | %-28s | %-6s |\n' "$(basename "$file" .sched)" \
    "$scenario" "$variant" "$verdict${cause:+ $cause}" "${counts[*]}" "$(echo "${counts[*]}" | median)" \
    "${walks[*]}" "$(echo "${walks[*]}" | median)"
done

echo
default=$("$rtfuzz" list | awk -v t="$target:" '$1 == t {on = 1; next} on && /^[^ ]/ {exit} on && $1 == "variants" {print $(NF)}' | tr -d ')')
scenarios=$("$rtfuzz" list | awk -v t="$target:" '$1 == t {on = 1; next} on && /^[^ ]/ {exit} on && $1 == "scenarios" {$1 = ""; gsub(",", ""); print; exit}')
echo "executions per second ($target, variant ${default:--}, ${rate_seconds} s each, empty corpus)"
printf '| %-12s | %12s | %10s | %-10s |\n' scenario executions exec/s outcome
printf '|%s|%s|%s|%s|\n' -------------- -------------- ------------ ------------
for scenario in $scenarios; do
  dir="$work/rate"; rm -rf "$dir"; mkdir -p "$dir/corpus"
  flags=(--scenario="$scenario")
  if [[ -n $default ]]; then flags+=(--variant="$default"); fi
  log=$("$fuzzer" "${flags[@]}" -seed=1 -max_total_time="$rate_seconds" -print_final_stats=1 \
          -artifact_prefix="$dir/" "$dir/corpus" 2>&1) || true
  n=$(awk '/stat::number_of_executed_units/ {print $2}' <<<"$log")
  rate=$(awk '/stat::average_exec_per_sec/ {print $2}' <<<"$log")
  outcome=clean
  if compgen -G "$dir/crash-*" >/dev/null; then outcome=finding; fi
  printf '| %-12s | %12s | %10s | %-10s |\n' "$scenario" "${n:-?}" "${rate:-?}" "$outcome"
done
