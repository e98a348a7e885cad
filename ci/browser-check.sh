#!/usr/bin/env bash
# ci/browser-check.sh HTML_FILE OUT_PNG --cpus=N [--nmi] [--finding=VERDICT]
#
# Renders an rtfuzz HTML timeline (report/timeline.h, FormatHtmlTimeline) in
# headless Chromium and checks what a reader must see, against what the
# caller knows of the execution (not against the page itself):
#   - exactly N CPU lanes, CPU 0 .. N-1, in the rendered DOM (--cpus);
#   - with --nmi, an NMI slice on an interrupt sub-lane ("irq+1");
#   - with --finding, the finding line "finding: VERDICT";
#   - a context slice and the legend;
#   - a screenshot that is not blank: a blank or unstyled page has one or two
#     colours, while the legend alone draws more than 8 swatches, so at
#     least 8 distinct colours and 1% of the pixels off the background
#     (ci/png_stats.py reads the PNG);
#   - nothing fetched from outside (a self-contained page).
# ci/browser-check-selftest.sh shows each check failing on a page that lacks
# what it looks for.
#
# Exit 0: rendered and checked; 1: a check failed; 2: bad use; 77: no
# Chromium or python3 (skip).
set -u

usage() { echo "usage: $0 HTML_FILE OUT_PNG --cpus=N [--nmi] [--finding=VERDICT]" >&2; exit 2; }
[ $# -ge 3 ] || usage
html=$1
png=$2
shift 2
cpus="" nmi=0 finding=""
for arg in "$@"; do
  case $arg in
    --cpus=*) cpus=${arg#--cpus=} ;;
    --nmi) nmi=1 ;;
    --finding=*) finding=${arg#--finding=} ;;
    *) echo "$0: unknown argument '$arg'" >&2; usage ;;
  esac
done
case $cpus in ''|*[!0-9]*) echo "$0: --cpus=N is required (N >= 1)" >&2; usage ;; esac
[ "$cpus" -ge 1 ] || usage

browser=""
for candidate in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$candidate" >/dev/null 2>&1; then
    browser=$(command -v "$candidate")
    break
  fi
done
if [ -z "$browser" ]; then
  echo "SKIP: no chromium in PATH (apt-get install chromium); not checking $html" >&2
  exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "SKIP: no python3 to read the screenshot; not checking $html" >&2
  exit 77
fi
if [ ! -s "$html" ]; then
  echo "FAIL: $html is missing or empty" >&2
  exit 1
fi

abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
       --disable-component-update --disable-extensions --disable-sync --disable-quic
       --no-first-run --hide-scrollbars --user-data-dir="$work/profile"
       "--window-size=1600,900")

rm -f "$png"
if ! timeout 60 "$browser" "${flags[@]}" --screenshot="$png" "file://$abs" \
    >"$work/shot.log" 2>&1; then
  echo "FAIL: $browser could not take a screenshot:" >&2
  cat "$work/shot.log" >&2
  exit 1
fi
if [ ! -s "$png" ]; then
  echo "FAIL: no screenshot written to $png" >&2
  cat "$work/shot.log" >&2
  exit 1
fi
if ! timeout 60 "$browser" "${flags[@]}" --dump-dom "file://$abs" \
    >"$work/dom.html" 2>"$work/dom.log"; then
  echo "FAIL: $browser --dump-dom failed:" >&2
  cat "$work/dom.log" >&2
  exit 1
fi

status=0
fail() { echo "FAIL: $*" >&2; status=1; }
dom="$work/dom.html"

lanes=$(grep -o '<g class="cpu-lane" data-cpu="[0-9]*"' "$dom" | sed 's/.*data-cpu="\([0-9]*\)"/\1/' |
        sort -n | tr '\n' ' ')
want=$(seq 0 $((cpus - 1)) | tr '\n' ' ')
[ "$lanes" = "$want" ] || fail "CPU lanes in the page: [${lanes% }], the execution has CPUs [${want% }]"
grep -q '<svg' "$dom" || fail "no <svg> in the DOM"
grep -q 'class="ctx ' "$dom" || fail "no context slice in the DOM"
grep -q 'id="legend"' "$dom" || fail "no legend in the DOM"
if [ $nmi -eq 1 ]; then
  grep -q '<rect class="ctx nmi"' "$dom" || fail "no NMI slice in the DOM"
  grep -q '>irq+1</text>' "$dom" || fail "no interrupt sub-lane (irq+1) in the DOM"
fi
if [ -n "$finding" ]; then
  grep -qF "finding: $finding" "$dom" || fail "no finding line 'finding: $finding' in the DOM"
fi
# Self-contained: nothing to fetch.
if grep -Eq '(src|href)=|https?://|<script|<link' "$html"; then
  fail "the page references external resources"
fi

if ! stats=$(python3 "$here/png_stats.py" "$png"); then
  fail "cannot read the screenshot $png"
else
  colors=${stats#*colors=}
  colors=${colors%% *}
  ink=${stats#*ink=}
  [ "$colors" -ge 8 ] || fail "the screenshot is blank: $colors colours ($stats)"
  awk -v i="$ink" 'BEGIN {exit !(i >= 0.01)}' || fail "the screenshot is blank: ink $ink ($stats)"
fi

if [ $status -eq 0 ]; then
  echo "OK: $html rendered by $($browser --version 2>/dev/null | head -1): CPU lanes [${lanes% }]" \
       "$([ $nmi -eq 1 ] && echo "+ NMI sub-lane")" "${finding:++ finding: $finding};" \
       "screenshot $png ($stats)"
fi
exit $status
