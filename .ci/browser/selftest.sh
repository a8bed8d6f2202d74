#!/usr/bin/env bash
# Proves that the browser checks fail when they should.
#
#   .ci/browser/selftest.sh
#
# Builds the site once, checks an untouched copy, then breaks copies of it on purpose,
# one way per copy, and asserts for each that check.sh exits non-zero, that the summary
# marks the right check FAIL (a check that passed on the untouched copy), and that the
# output names the problem:
#   vnu-stray    a stray </div> in a page outside the sampled kinds -> vnu "Stray end tag"
#   vnu-dupid    a duplicate id                                    -> vnu "Duplicate ID"
#   axe-img      an <img> without alt in the survey page           -> axe image-alt
#   axe-contrast grey-on-white text (a stylesheet of the copy)     -> axe color-contrast
#   overflow     a 60rem-wide box in the home page                 -> overflow at 375 px
#   hosts        an <img> from another host in a page outside the sampled kinds
#                                                                  -> hosts "another host"
#   search-case  search.js no longer folds case                    -> exact-file differs
#                from brute force (only this case runs search.mjs, with 40 queries)
# ("outside the sampled kinds": not one of the pages that axe and the screenshots use,
# so only the checks over every file can find the problem.)
# Ends with "N passed, N failed"; exits non-zero when any case failed.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

"$here/install.sh" || exit 1

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "selftest: building the site into $tmp/site"
(cd "$repo" && cargo run --quiet --release -- build --output "$tmp/site") || exit 1
export SCREENSHOT_DIR="$tmp/screenshots"
export SEARCH_QUERIES=40

passed=0
failed=0
ok() { echo "ok    $1"; passed=$((passed + 1)); }
bad() { echo "FAIL  $1"; failed=$((failed + 1)); }

# A page outside the sampled kinds: only the checks over every file see it.
quiet_page() {
  local f
  for f in "$1"/laws/*/index.html; do
    if ! grep -q '<table' "$f"; then echo "$f"; return; fi
  done
}

# inject FILE HTML: puts HTML at the start of the page's <main>.
inject() {
  HTML="$2" perl -0pi -e 's/(<main\b[^>]*>)/$1\n$ENV{HTML}\n/ or die "no <main> in $ARGV\n"' "$1"
}

# The cases below break what check.mjs checks; the pictures' own checks (pictures.mjs)
# and the whole handbook printed to PDF (print.mjs)
# would only add a minute to every run.
export PICTURES=0 PRINT_ALL=0 LIVE_RELOAD=0

echo "selftest: checking the untouched site"
"$here/check.sh" "$tmp/site" >"$tmp/clean.log" 2>&1
clean_rc=$?
if [ "$clean_rc" = 0 ]; then ok "untouched site passes check.sh"; else
  echo "note: the untouched site fails some checks (exit $clean_rc); each case below needs only its own check to have passed:"
  grep -E '^(PASS|FAIL)  ' "$tmp/clean.log" | tail -n 20
fi

# case NAME CHECK PATTERN SETUP...: copies the site, runs SETUP in it, asserts.
# Only the group of checks that holds CHECK runs on the copy (CHECK_ONLY in check.mjs):
# the untouched site above ran them all.
case_() {
  local name="$1" check="$2" pattern="$3"
  shift 3
  if ! grep -qE "^PASS  ${check} " "$tmp/clean.log"; then
    bad "$name: check '$check' did not pass on the untouched site, so its failure proves nothing"
    return
  fi
  local site="$tmp/$name"
  rm -rf "$site"
  cp -r "$tmp/site" "$site"
  (cd "$site" && "$@") || { bad "$name: could not break the copy"; return; }
  local group
  case "$check" in
    vnu) group=vnu ;;
    hosts) group=hosts ;;
    exact-file) group=none ;;
    *) group=browser ;;
  esac
  CHECK_ONLY="$group" SEARCH_CHECK="${search_case:-0}" "$here/check.sh" "$site" >"$tmp/$name.log" 2>&1
  local rc=$?
  if [ "$rc" = 0 ]; then
    bad "$name: check.sh passed a broken site"
  elif ! grep -qE "^FAIL  ${check} " "$tmp/$name.log"; then
    bad "$name: check.sh failed (exit $rc) but its summary does not mark '$check' FAIL"
    grep -E '^(PASS|FAIL)  ' "$tmp/$name.log" | tail -n 12
  elif ! grep -qE -- "$pattern" "$tmp/$name.log"; then
    bad "$name: '$check' failed but the output does not say /$pattern/"
  else
    ok "$name: check.sh exits $rc, '$check' FAIL: $(grep -E -m1 -- "$pattern" "$tmp/$name.log" | sed 's/^ *//' | cut -c1-150)"
  fi
  rm -rf "$site"
}

quiet="$(quiet_page "$tmp/site")"
quiet_rel="${quiet#"$tmp/site/"}"
echo "selftest: page outside the sampled kinds: $quiet_rel"

case_ vnu-stray vnu 'Stray end tag .div' \
  inject "$quiet_rel" '</div>'
case_ vnu-dupid vnu 'Duplicate ID .main' \
  inject "$quiet_rel" '<p id="main">重複したid</p>'
case_ axe-img axe 'image-alt' \
  inject surveys/iryo-shisetsu/index.html '<img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" width="40" height="40">'
lowcontrast() {
  printf '.selftest-faint { color: #c8c8c8; }\n' >>style.css
  inject contacts/index.html '<p class="selftest-faint">薄い灰色の文字は読みにくい</p>'
}
case_ axe-contrast axe 'color-contrast' lowcontrast
wide() {
  printf '.selftest-wide { width: 60rem; }\n' >>style.css
  inject index.html '<div class="selftest-wide">幅の広い箱</div>'
}
case_ overflow overflow 'at 375 px: page scrolls sideways' wide
case_ hosts hosts 'another host' \
  inject "$quiet_rel" '<img src="https://example.org/logo.png" alt="ロゴ">'
nocase() { perl -pi -e 's/x\.toLowerCase\(\)/x/ or 1' search.js && grep -q 'r += x === "ς" ? "σ" : x;' search.js; }
search_case=1 case_ search-case exact-file 'differ from brute force' nocase

echo
echo "selftest: $passed passed, $failed failed"
[ "$failed" = 0 ]
