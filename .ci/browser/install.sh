#!/usr/bin/env bash
# Installs what the browser checks need, each only when it is missing:
#   Debian: chromium, poppler-utils (pdfinfo), fonts-noto-cjk (a system Japanese font,
#   so pages render and measure as they do on staff machines), Java (for vnu.jar),
#   Node.js + npm; then `npm ci` in .ci/browser (vnu-jar, axe-core, playwright-core).
# No browser is ever downloaded through playwright: the checks drive /usr/bin/chromium.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdfinfo >/dev/null 2>&1 || missing+=(poppler-utils)
fc-list :lang=ja 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "browser checks: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci when node_modules is missing or older than the lock file.
stamp="$here/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$here/package-lock.json" -nt "$stamp" ] \
   || [ ! -f "$here/node_modules/vnu-jar/build/dist/vnu.jar" ]; then
  echo "browser checks: npm ci in .ci/browser" >&2
  # --ignore-scripts: vnu-jar's postinstall would fetch a Java runtime from the internet;
  # Java comes from Debian above. playwright-core downloads no browser either way.
  (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
