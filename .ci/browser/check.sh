#!/usr/bin/env bash
# The default theme, verified in a real browser.
#
#   .ci/browser/check.sh [SITE_DIR]
#
# Without SITE_DIR it builds the repository's site (`cargo run --release -- build`) into
# a temporary folder first. Installs what it needs when missing (install.sh: Debian's
# chromium, poppler-utils, fonts-noto-cjk, Java; `npm ci` here), then runs check.mjs:
# the Nu Html Checker over every HTML file, the no-other-host and relative-link checks,
# axe-core (WCAG 2.0/2.1 A+AA) on one page of every kind in light and dark mode, no
# horizontal overflow at 375 and 1280 px, visible focus, and the schedule printed to PDF;
# then search.mjs: every search result set equal to brute force over 200+ queries;
# then print.mjs: print/ (the whole handbook) printed to PDF holds every item's title;
# then live-reload.mjs: `tebiki serve` reloads an edited page and shows a broken edit.
# Screenshots go to SCREENSHOT_DIR (default .ci/screenshots/, gitignored).
# Exits non-zero when any check fails; the summary at the end says which.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

"$here/install.sh"

tmp=""
cleanup() { if [ -n "$tmp" ]; then rm -rf "$tmp"; fi; }
trap cleanup EXIT

if [ $# -ge 1 ]; then
  site="$1"
else
  tmp="$(mktemp -d)"
  site="$tmp/site"
  echo "Building the site into $site" >&2
  (cd "$repo" && cargo run --quiet --release -- build --output "$site")
fi

exec_status=0
node "$here/check.mjs" "$site" --screenshots "${SCREENSHOT_DIR:-$repo/.ci/screenshots}" || exec_status=$?
# The pictures (inline SVG): text measured with the real fonts, axe, overflow, screenshots.
# PICTURES=0 skips them (selftest.sh, which breaks only what check.mjs checks).
if [ "${PICTURES:-1}" != 0 ]; then
  node "$here/pictures.mjs" "$site" --screenshots "${SCREENSHOT_DIR:-$repo/.ci/screenshots}" || exec_status=$?
fi
# The site search against brute force, from file:// and under a sub-path (search.mjs);
# SEARCH_CHECK=0 skips it (selftest.sh does, except for its own search case).
if [ "${SEARCH_CHECK:-1}" != 0 ]; then
  node "$here/search.mjs" "$site" || exec_status=$?
fi
# The whole handbook (print/) printed to PDF holds every published item's title.
# PRINT_ALL=0 skips it (selftest.sh, likewise).
if [ "${PRINT_ALL:-1}" != 0 ]; then
  node "$here/print.mjs" "$site" --out "${SCREENSHOT_DIR:-$repo/.ci/screenshots}/print-all.pdf" || exec_status=$?
fi
# tebiki serve's live reload in Chromium (live-reload.mjs), on a copy of the repository's
# content; LIVE_RELOAD=0 skips it (selftest.sh, which breaks only built sites).
if [ "${LIVE_RELOAD:-1}" != 0 ]; then
  (cd "$repo" && cargo build --quiet --release) &&
    node "$here/live-reload.mjs" "$repo/target/release/tebiki" || exec_status=$?
fi
exit "$exec_status"
