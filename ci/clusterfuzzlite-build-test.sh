#!/usr/bin/env bash
# .clusterfuzzlite/build.sh as ClusterFuzzLite runs it, with local values
# for the OSS-Fuzz variables (Docker does not run here): clang, ASan and
# libFuzzer's coverage flags, $LIB_FUZZING_ENGINE, $OUT, $SRC, $WORK. Then
# every gated job (as `rtfuzz campaign --dry_run=true` lists them) must
# have its fuzzer, its .options and, where the target has seeds, its
# <fuzzer>_seed_corpus.zip in $OUT, and each fuzzer runs a few executions
# from its seeds with its options, as the engines would. A ctest of the
# fuzz preset (skipped, exit 77, without clang-14).
#
#   ci/clusterfuzzlite-build-test.sh WORK_DIR RTFUZZ_CLI
set -euo pipefail
work=$1 rtfuzz=$2
src=$(cd "$(dirname "$0")/.." && pwd)
command -v clang++-14 >/dev/null || { echo "skipped: no clang++-14"; exit 77; }

mkdir -p "$work/work"
rm -rf "$work/out" "$work/run"
mkdir -p "$work/out" "$work/run"
export CC=clang-14 CXX=clang++-14
flags="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address"
flags+=" -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CFLAGS=$flags CXXFLAGS=$flags LIB_FUZZING_ENGINE=-fsanitize=fuzzer
export OUT=$work/out SRC=$src WORK=$work/work
"$src/.clusterfuzzlite/build.sh"

fail=0
ran=0
while IFS=: read -r target scenario variant; do
  id=$(printf '%s_%s_%s' "$target" "$scenario" "$variant" | tr -c 'A-Za-z0-9_\n' '_' | sed 's/_*$//')
  fuzzer=$OUT/${id}_fuzzer
  if [[ ! -x $fuzzer ]]; then echo "missing: $fuzzer"; fail=1; continue; fi
  if [[ ! -f $fuzzer.options ]]; then echo "missing: $fuzzer.options"; fail=1; continue; fi
  corpus=$work/run/$id
  mkdir -p "$corpus"
  if compgen -G "$src/corpora/${target}_fuzzer/*" >/dev/null; then
    if [[ ! -f ${fuzzer}_seed_corpus.zip ]]; then echo "missing: ${fuzzer}_seed_corpus.zip"; fail=1; continue; fi
    unzip -q -o "${fuzzer}_seed_corpus.zip" -d "$corpus"
    want=$(find "$src/corpora/${target}_fuzzer" -type f | wc -l)
    got=$(find "$corpus" -type f | wc -l)
    if [[ $want -ne $got ]]; then echo "$id: seed zip has $got files, corpora has $want"; fail=1; fi
  fi
  # The options file's flags, as the engines pass them.
  opts=()
  while IFS=' =' read -r key value; do
    [[ $key == \[* || -z $key ]] || opts+=("-$key=$value")
  done <"$fuzzer.options"
  if ! "$fuzzer" "${opts[@]}" -runs=30 "$corpus" >"$work/run/$id.log" 2>&1; then
    echo "$id: the fuzzer failed (log $work/run/$id.log)"
    fail=1
  fi
  ran=$((ran + 1))
done < <("$rtfuzz" campaign --dry_run=true)
if [[ $ran -eq 0 ]]; then echo "no jobs listed by $rtfuzz"; exit 1; fi
[[ $fail -eq 0 ]] || exit 1
echo "clusterfuzzlite build: $ran job fuzzers, each with options (and seeds where the target has some), ran"
