#!/usr/bin/env bash
# The main job (README): builds rtfuzz and its libFuzzer fuzzers, checks
# that the campaign finds what it must, then runs `rtfuzz campaign` over
# every bundled target's gated (fixed) variants and ends with its summary
# table.
#
#   1. Known bugs, each from an empty corpus, each a campaign job that must
#      end in a finding, written, minimized and replayable: the demo's
#      planted AA (demo-aa), seed 000's IPI storm on PREEMPT_RT (eventpoll
#      storm under spinlock), the v6.19 head-without-successor spin
#      (rqspinlock abba under v6.19, which must replay clean under fixed).
#   2. `rtfuzz matrix`: every committed reproducer under every variant, as
#      its expect lines say.
#   3. The campaign: libFuzzer on every gated target x scenario x variant,
#      2 workers a core pair, the corpus in build/campaign/corpus (seeded
#      from corpora/, kept and merged from run to run), findings in
#      build/campaign/findings/. Its table is the last thing printed.
# Exit status: the campaign's (0 clean, 1 finding, 4 a worker failed, 130
# interrupted), or 1 if a step of 1-2 went otherwise. corpora/ is only read.
#
#   RTFUZZ_CAMPAIGN_SECONDS   the campaign's whole budget (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh

seconds=${RTFUZZ_CAMPAIGN_SECONDS:-300}
ci/build-fuzzing.sh
rtfuzz=build/dev/framework/cli/rtfuzz
fuzzers=build/fuzz/fuzzers
failures=0

echo "== 1. known bugs, each from an empty corpus"
rm -rf build/campaign-bugs
status=0
no_seeds=$(mktemp -d)
"$rtfuzz" campaign --fuzzers="$fuzzers" --seed_corpora="$no_seeds" --target=demo,eventpoll,rqspinlock \
  --scenario=demo-aa,storm,abba --variant=-,spinlock,v6.19 --max_total_time=120 \
  --output=build/campaign-bugs >build/campaign-bugs.log 2>&1 || status=$?
rmdir "$no_seeds"
sed -n '/^campaign summary/,$p' build/campaign-bugs.log
for want in "demo-aa-missed-AA" "storm-spinlock-isolation-noise" "abba-v6.19-missed-ABBA"; do
  if ! compgen -G "build/campaign-bugs/findings/*/$want*.sched" >/dev/null; then
    echo "UNEXPECTED: no $want reproducer (log build/campaign-bugs.log)"
    failures=$((failures + 1))
  fi
done
if [[ $status -ne 1 ]]; then
  echo "UNEXPECTED: the known-bug campaign exited $status, not 1"
  failures=$((failures + 1))
fi
for sched in build/campaign-bugs/findings/rqspinlock/abba-v6.19-missed-ABBA*.sched; do
  [[ -e $sched ]] || continue
  replay=0
  "$rtfuzz" replay "$sched" --variant=fixed --swimlane=false >build/campaign-bugs/replay-fixed.log || replay=$?
  echo "  $sched under fixed: exit $replay (0: the fix removes it)"
  [[ $replay -eq 0 ]] || failures=$((failures + 1))
done

echo "== 2. rtfuzz matrix"
status=0
"$rtfuzz" matrix corpora/regressions >build/campaign-matrix.log || status=$?
tail -n 1 build/campaign-matrix.log
[[ $status -eq 0 ]] || { echo "UNEXPECTED: matrix exit $status"; failures=$((failures + 1)); }

echo "== 3. rtfuzz campaign: every gated job, ${seconds} s"
status=0
"$rtfuzz" campaign --fuzzers="$fuzzers" --max_total_time="$seconds" --output=build/campaign ||
  status=$?
if [[ $failures -ne 0 ]]; then
  echo "campaign.sh: $failures check(s) of steps 1-2 went otherwise (above)" >&2
  exit 1
fi
exit "$status"
