#!/bin/sh
# Set-up for a fresh Debian/Ubuntu machine, safe to rerun (it does nothing when all is there):
# the system libraries WeasyPrint needs, then a virtual environment in .venv with the project.
set -eu
cd "$(dirname "$0")"

# Pango draws the text; libharfbuzz-subset0 lets WeasyPrint subset fonts ~3x faster than fontTools.
system_packages="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
if command -v dpkg >/dev/null 2>&1; then
    missing=""
    for pkg in $system_packages; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
    done
    if [ -n "$missing" ]; then
        echo "setup: installation des paquets système :$missing" >&2
        if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
    fi
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
# Reinstall only when pyproject.toml changed since the last install.
if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e ".[test]"
    touch .venv/.installed
fi
