#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build of rtfuzz's fuzzers, from the variables
# those builders set: $CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE $OUT
# $SRC $WORK. Writes to $OUT, for every gated job (the fixed versions each
# target marks: `rtfuzz list`, "gated"):
#   <target>_<scenario>_<variant>_fuzzer   its scenario and variant compiled
#                                          in (these engines pass no flags)
#   <fuzzer>.options                       its libFuzzer flags
#   <fuzzer>_seed_corpus.zip               corpora/<target>_fuzzer/, if any
# and the per-target fuzzers (<target>_fuzzer) for --scenario= runs by hand.
# ci/clusterfuzzlite-build-test.sh runs it with local clang/libFuzzer values.
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$WORK/rtfuzz-build

# The coverage flags instrument target code only, as the fuzz preset does
# (the scheduler uninstrumented: libFuzzer's feedback is the lock's); the
# sanitizers and everything else apply to all code.
coverage=() base_cflags=() base_cxxflags=()
for f in $CFLAGS; do
  case $f in -fsanitize=fuzzer-no-link | -fsanitize-coverage=*) ;; *) base_cflags+=("$f") ;; esac
done
for f in $CXXFLAGS; do
  case $f in
    -fsanitize=fuzzer-no-link | -fsanitize-coverage=*) coverage+=("$f") ;;
    *) base_cxxflags+=("$f") ;;
  esac
done
# Boost.Context's fibers tell ASan about their stacks (RtfuzzHelpers.cmake).
if [[ " ${base_cxxflags[*]} " == *" -fsanitize=address"* ]]; then
  base_cxxflags+=(-DBOOST_USE_ASAN)
fi

configure() {  # extra cmake arguments
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_C_FLAGS="${base_cflags[*]}" -DCMAKE_CXX_FLAGS="${base_cxxflags[*]}" \
    -DRTFUZZ_BUILD_TESTS=OFF -DRTFUZZ_BUILD_BENCH=OFF -DRTFUZZ_BUILD_CLI=OFF \
    -DRTFUZZ_WERROR=OFF -DRTFUZZ_LIBFUZZER=ON -DRTFUZZ_TARGET_FLAGS="${coverage[*]}" \
    -DRTFUZZ_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" "$@" >/dev/null
}

# First the per-target fuzzers; each names its gated jobs.
configure -DRTFUZZ_JOB_FUZZERS=
cmake --build "$build" >/dev/null
targets=()
for f in "$build"/fuzzers/*_fuzzer; do targets+=("$(basename "$f" _fuzzer)"); done
jobs=()
for t in "${targets[@]}"; do
  while IFS= read -r job; do jobs+=("$job"); done < <("$build/fuzzers/${t}_fuzzer" --print_jobs)
done
# Then one fuzzer per job.
job_list=$(IFS=';'; echo "${jobs[*]}")
configure -DRTFUZZ_JOB_FUZZERS="$job_list"
cmake --build "$build" >/dev/null

for f in "$build"/fuzzers/*_fuzzer; do
  name=$(basename "$f")
  cp "$f" "$OUT/$name"
  # An input is the decisions of one execution, a few bytes each: 4096
  # bytes is past any scenario's whole execution (the longest rqspinlock
  # executions ask well under 1000 decisions); an execution ends within
  # --max_steps points, far inside the 25 s timeout.
  printf '[libfuzzer]\nmax_len = 4096\ntimeout = 25\n' >"$OUT/$name.options"
  target=${name%%_*}
  for t in "${targets[@]}"; do
    if [[ $name == "${t}_"* ]]; then target=$t; fi
  done
  seeds=$src/corpora/${target}_fuzzer
  if [[ -d $seeds ]] && compgen -G "$seeds/*" >/dev/null; then
    rm -f "$OUT/${name}_seed_corpus.zip"
    (cd "$seeds" && zip -q -j "$OUT/${name}_seed_corpus.zip" ./*)
  fi
done
echo "build.sh: ${#jobs[@]} job fuzzers and ${#targets[@]} target fuzzers in $OUT"
