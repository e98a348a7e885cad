#!/usr/bin/env bash
# ci/browser-check-selftest.sh HTML_FILE --cpus=N --nmi --finding=VERDICT
#
# ci/browser-check.sh must fail on a page that lacks what a reader must see.
# From a good page (checked first with the same arguments) it makes one
# broken copy per check — a CPU lane gone, the NMI slices drawn as task
# slices, the finding's text changed, everything hidden (the DOM intact, the
# picture blank) — and expects exit 1 for each.
#
# Exit 0: every check passed the good page and failed its broken one; 1:
# one did not; 77: no Chromium or python3 (skip).
set -u
[ $# -ge 2 ] || { echo "usage: $0 HTML_FILE --cpus=N [--nmi] [--finding=VERDICT]" >&2; exit 2; }
html=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$here/browser-check.sh" "$html" "$work/good.png" "$@" >"$work/good.log" 2>&1
good=$?
if [ $good -eq 77 ]; then
  cat "$work/good.log" >&2
  exit 77
fi
if [ $good -ne 0 ]; then
  echo "FAIL: the good page does not pass:" >&2
  cat "$work/good.log" >&2
  exit 1
fi

status=0
broken() {  # NAME SED_SCRIPT ARGS...: the page with one thing a reader needs missing.
  local name=$1 script=$2
  shift 2
  sed "$script" "$html" >"$work/$name.html"
  if cmp -s "$html" "$work/$name.html"; then
    echo "FAIL: the '$name' edit changed nothing in $html" >&2
    status=1
    return
  fi
  "$here/browser-check.sh" "$work/$name.html" "$work/$name.png" "$@" >"$work/$name.log" 2>&1
  local got=$?
  if [ $got -ne 1 ]; then
    echo "FAIL: browser-check.sh exits $got on the page with '$name' (want 1):" >&2
    cat "$work/$name.log" >&2
    status=1
  else
    echo "ok: '$name' is caught: $(grep -m1 FAIL "$work/$name.log")"
  fi
}
# The broken pages keep the arguments of the good one.
broken lane-missing 's/<g class="cpu-lane" data-cpu="0">/<g class="gone" data-cpu="0">/' "$@"
broken no-nmi 's/<rect class="ctx nmi"/<rect class="ctx task"/g' "$@"
broken finding-text 's/finding: /result: /g' "$@"
broken blank 's#</style>#svg, p, h1, h2, div { visibility: hidden; }</style>#' "$@"
exit $status
