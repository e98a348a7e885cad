#!/usr/bin/env bash
# fuzzers/crash_file_test.sh FUZZER RTFUZZ SCHED [--libfuzzer]
# A finding's reproduce line names the file that holds the crashing input.
# Converts SCHED (a known finding) to bytes and runs FUZZER on it twice:
#   - given the file: the line names that very file (libFuzzer writes no
#     crash file when it runs given files; nor does the replay-only main);
#   - given a corpus directory holding it: with libFuzzer (--libfuzzer), the
#     crash file it writes, -artifact_prefix= + crash-<sha1 of the input>,
#     which must exist; replay-only, the corpus file.
set -euo pipefail
fuzzer=$1 rtfuzz=$2 sched=$3 mode=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
field() { awk -v k="$1" '$1 == k {print $2; exit}' "$sched"; }
target=$(field target) scenario=$(field scenario) variant=$(field variant)
mkdir "$work/corpus"
"$rtfuzz" convert "$sched" --output="$work/corpus/input" >/dev/null
cp "$work/corpus/input" "$work/input"

expect_line() {  # WANT_FILE FUZZER_ARGS...: a finding whose line names WANT_FILE.
  local want_file=$1 status=0
  shift
  "$fuzzer" --scenario="$scenario" --variant="$variant" -artifact_prefix="$work/" "$@" \
    >"$work/out" 2>&1 || status=$?
  if [[ $status -eq 0 ]]; then
    echo "crash_file_test: $fuzzer found nothing in $sched ($*)" >&2
    exit 1
  fi
  local want="reproduce: rtfuzz convert --target=$target --scenario=$scenario --variant=$variant $want_file --output=$want_file.sched"
  if ! grep -qF -- "$want" "$work/out"; then
    echo "crash_file_test: no line '$want' in ($*):" >&2
    grep -E "reproduce|crash-|Running" "$work/out" >&2 || true
    exit 1
  fi
  echo "crash_file_test: ($*) names $want_file"
}

expect_line "$work/input" "$work/input"
if [[ $mode == --libfuzzer ]]; then
  crash="$work/crash-$(sha1sum "$work/input" | cut -d' ' -f1)"
  expect_line "$crash" -runs=0 "$work/corpus"
  if [[ ! -f $crash ]]; then
    echo "crash_file_test: libFuzzer wrote no $crash" >&2
    exit 1
  fi
else
  expect_line "$work/corpus/input" "$work/corpus"
fi
