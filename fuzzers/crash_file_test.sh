#!/usr/bin/env bash
# fuzzers/crash_file_test.sh FUZZER RTFUZZ SCHED [--expect-file]
# A finding's reproduce line names the file libFuzzer saves the input to:
# -artifact_prefix= + crash-<sha1 of the input>. Converts SCHED (a known
# finding) to bytes, runs FUZZER on them with a prefix, and checks the line;
# with --expect-file (a libFuzzer build) also that the file is there.
set -euo pipefail
fuzzer=$1 rtfuzz=$2 sched=$3 expect_file=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
field() { awk -v k="$1" '$1 == k {print $2; exit}' "$sched"; }
target=$(field target) scenario=$(field scenario) variant=$(field variant)
"$rtfuzz" convert "$sched" --output="$work/input" >/dev/null
crash="$work/crash-$(sha1sum "$work/input" | cut -d' ' -f1)"
status=0
"$fuzzer" --scenario="$scenario" --variant="$variant" -artifact_prefix="$work/" \
  "$work/input" >"$work/out" 2>&1 || status=$?
if [[ $status -eq 0 ]]; then
  echo "crash_file_test: $fuzzer found nothing in $sched" >&2
  exit 1
fi
want="reproduce: rtfuzz convert --target=$target --scenario=$scenario --variant=$variant $crash --output=$crash.sched"
if ! grep -qF -- "$want" "$work/out"; then
  echo "crash_file_test: no line '$want' in:" >&2
  grep -E "reproduce|crash-" "$work/out" >&2 || true
  exit 1
fi
if [[ $expect_file == --expect-file && ! -f $crash ]]; then
  echo "crash_file_test: libFuzzer wrote no $crash" >&2
  exit 1
fi
echo "crash_file_test: the reproduce line names $crash"
