#!/usr/bin/env bash
# ci/browser-check.sh HTML_FILE OUT_PNG
#
# Renders an rtfuzz HTML timeline (report/timeline.h, FormatHtmlTimeline) in
# headless Chromium: a screenshot to OUT_PNG, and the DOM after load, which
# must hold one <g class="cpu-lane"> per CPU, context slices, the legend and
# the finding (<g id="finding">) when the page reports one. Network access is
# off; the page must not need it.
#
# Exit 0: rendered and checked; 1: a check failed; 77: no Chromium (skip).
set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 HTML_FILE OUT_PNG" >&2
  exit 1
fi
html=$1
png=$2

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
if [ ! -s "$html" ]; then
  echo "FAIL: $html is missing or empty" >&2
  exit 1
fi

abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
       --disable-extensions --disable-sync --no-first-run --hide-scrollbars
       --user-data-dir="$work/profile" --window-size=1600,900)

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

lanes_in_source=$(grep -o 'class="cpu-lane"' "$html" | wc -l)
lanes_in_dom=$(grep -o 'class="cpu-lane"' "$work/dom.html" | wc -l)
[ "$lanes_in_source" -ge 1 ] || fail "the page has no cpu-lane"
[ "$lanes_in_dom" -eq "$lanes_in_source" ] ||
  fail "DOM has $lanes_in_dom cpu lanes, the page $lanes_in_source"
grep -q '<svg' "$work/dom.html" || fail "no <svg> in the DOM"
grep -q 'class="ctx ' "$work/dom.html" || fail "no context slice in the DOM"
grep -q 'id="legend"' "$work/dom.html" || fail "no legend in the DOM"
if grep -q 'id="finding"' "$html"; then
  grep -q 'id="finding"' "$work/dom.html" || fail "the finding is missing from the DOM"
  grep -q 'finding: ' "$work/dom.html" || fail "no 'finding: <verdict>' label in the DOM"
fi
# Self-contained: nothing to fetch.
if grep -Eq '(src|href)=|https?://|<script|<link' "$html"; then
  fail "the page references external resources"
fi

if [ $status -eq 0 ]; then
  echo "OK: $html rendered by $($browser --version 2>/dev/null | head -1);" \
       "$lanes_in_dom cpu lanes; screenshot $png"
fi
exit $status
