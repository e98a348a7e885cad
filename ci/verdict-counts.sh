#!/usr/bin/env bash
# ci/verdict-counts.sh TARGET VARIANT [EXECUTIONS [SCENARIO ...]] — the
# long-run figures the docs quote: every scenario of TARGET (or the ones
# named) under VARIANT for EXECUTIONS random-walk
# executions (default 1000000, seed 1, never stopping at a finding), one row
# each with the verdict counts, the tolerated windows and the findings. The
# first line names the commit (and whether the tree was dirty) and the
# command, so a figure in docs/ says where it came from.
#   RTFUZZ_BIN   the rtfuzz binary (default build/dev/framework/cli/rtfuzz)
# Exit: 0 when it ran (findings are figures here, not failures), 2 on bad use.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -lt 2 ]]; then
  echo "usage: ci/verdict-counts.sh TARGET VARIANT [EXECUTIONS [SCENARIO ...]]" >&2
  exit 2
fi
target=$1 variant=$2 executions=${3:-1000000}
shift $(($# < 3 ? $# : 3))
only=("$@")
rtfuzz=${RTFUZZ_BIN:-build/dev/framework/cli/rtfuzz}
if [[ ! -x $rtfuzz ]]; then
  echo "ci/verdict-counts.sh: $rtfuzz is not built (cmake --preset dev && cmake --build --preset dev)" >&2
  exit 2
fi
scenarios=$("$rtfuzz" list | awk -v t="$target:" '$1 == t {found = 1; next}
  found && $1 == "scenarios" {sub(/^ *scenarios +/, ""); gsub(/,/, ""); print; exit}')
if [[ -z $scenarios ]]; then
  echo "ci/verdict-counts.sh: unknown target '$target' (rtfuzz list)" >&2
  exit 2
fi
if [[ ${#only[@]} -gt 0 ]]; then
  for s in "${only[@]}"; do
    if [[ " $scenarios " != *" $s "* ]]; then
      echo "ci/verdict-counts.sh: unknown scenario '$s' of $target (valid: $scenarios)" >&2
      exit 2
    fi
  done
  scenarios="${only[*]}"
fi
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | head -1)
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)${dirty:+ (dirty tree)}:" \
     "ci/verdict-counts.sh $target $variant $executions${only[*]:+ ${only[*]}} (binary $rtfuzz)"
printf '| %-22s | %-10s | %-9s | %-40s | %-44s | %-8s |\n' scenario executions "points/ex" \
  verdicts tolerated findings
printf '|%s|%s|%s|%s|%s|%s|\n' ------------------------ ------------ ----------- \
  ------------------------------------------ ---------------------------------------------- ----------
for scenario in $scenarios; do
  out=$("$rtfuzz" explore --target="$target" --scenario="$scenario" --variant="$variant" \
          --executions="$executions" --stop_on_finding=false 2>/dev/null) || true
  field() { awk -v k="$1" '$1 == k {sub(/^ *[a-z ]+  +/, ""); print; exit}' <<<"$out"; }
  ran=$(awk '$1 == "executions" {print $2; exit}' <<<"$out")
  per=$(awk '$1 == "scheduling" {gsub(/\(/, "", $4); print $4; exit}' <<<"$out")
  verdicts=$(field verdicts | sed "s/ ([0-9]* of them tolerated.*//")
  # Per window: "tolerated  <window> <count>" (the summary line's third
  # field is not a number).
  tolerated=$(awk '$1 == "tolerated" && $3 ~ /^[0-9]+$/ {printf "%s%s %s", sep, $2, $3; sep = ", "}' <<<"$out")
  findings=$(awk '$1 == "findings" {print $2; f = 1} END {if (!f) print "?"}' <<<"$out")
  if [[ $findings == "?" ]]; then
    # An rtfuzz from before the findings line (6e71e98), whose tolerated
    # windows were verdicts: every verdict but pass, less the tolerated ones.
    findings=$(awk '$1 == "verdicts" {for (i = 2; i < NF; i++) if ($i != "pass" && $(i + 1) ~ /^[0-9]+,?$/) n += $(i + 1)}
                    $1 == "tolerated" && $3 ~ /^[0-9]+$/ {t += $3} END {print n - t}' <<<"$out")
  fi
  if [[ -z $ran ]]; then
    echo "ci/verdict-counts.sh: $scenario did not run:" >&2
    "$rtfuzz" explore --target="$target" --scenario="$scenario" --variant="$variant" \
      --executions=1 >&2 || true
    exit 2
  fi
  printf '| %-22s | %-10s | %-9s | %-40s | %-44s | %-8s |\n' "$scenario" "$ran" "$per" \
    "${verdicts:-none}" "${tolerated:--}" "${findings:-?}"
done
