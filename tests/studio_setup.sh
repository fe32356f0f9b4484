#!/bin/sh
# What the studio's browser tests need beyond Python packages, safe to rerun: Debian's
# chromium (Playwright's own browser download is not reachable from our machines) and
# axe-core from npm, copied with its licence and version into tests/.vendor/.
# Called by .ci/run, and by the tests' fixture when something is missing.
set -eu
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else
        echo "studio_setup: chromium manque (apt-get install chromium)" >&2; exit 1; fi
    echo "studio_setup: installation de chromium" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

AXE_VERSION=4.11.0
vendor=.vendor/axe-core
if [ ! -f "$vendor/axe.min.js" ] || ! grep -qx "$AXE_VERSION" "$vendor/VERSION" 2>/dev/null; then
    command -v npm >/dev/null 2>&1 || { echo "studio_setup: npm manque (apt-get install npm)" >&2; exit 1; }
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && npm install --silent --no-audit --no-fund "axe-core@$AXE_VERSION" >/dev/null)
    mkdir -p "$vendor"
    cp "$work/node_modules/axe-core/axe.min.js" "$work/node_modules/axe-core/LICENSE" "$vendor/"
    echo "$AXE_VERSION" > "$vendor/VERSION"
fi
