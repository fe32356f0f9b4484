#!/bin/sh
# Set-up for a fresh Debian/Ubuntu machine, safe to rerun (it does nothing when all is there):
# the system libraries WeasyPrint needs, then a virtual environment in .venv with the project.
set -eu
cd "$(dirname "$0")"

# "3.11" for the Python given as $1, or nothing when it does not run.
version_of() {
    "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true
}

# The Python first: nothing else is of any use without 3.11 or newer.
python=${PYTHON:-python3}
version=$(version_of "$python")
if [ -z "$version" ]; then
    echo "setup: Python introuvable ($python) : installez Python 3.11 ou plus récent" \
        "(sudo apt install python3)" >&2
    exit 1
fi
if ! echo "$version" | awk -F. '{ exit !($1 > 3 || ($1 == 3 && $2 >= 11)) }'; then
    echo "setup: Python $version trouvé ($python) ; il faut Python 3.11 ou plus récent :" \
        "installez-le, puis relancez avec PYTHON=python3.11 ./setup.sh" >&2
    exit 1
fi

# Pango draws the text; libharfbuzz-subset0 lets WeasyPrint subset fonts ~3x faster than fontTools.
system_packages="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
# Debian and Ubuntu ship venv's pip bootstrap (ensurepip) apart, in python3-venv.
"$python" -c 'import ensurepip' >/dev/null 2>&1 || system_packages="$system_packages python3-venv"
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

# Grammalecte, the French checker a test runs on the PDFs (tests/test_grammalecte.py), from
# Debian (PyPI's wrapper fetches it from the web at first use). Optional, and only where apt
# can run without a password (root, CI): elsewhere that test is skipped, with the command to
# install it (under CI=true it fails instead).
if command -v apt-get >/dev/null 2>&1 && ! dpkg -s python3-grammalecte >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=none; fi
    if [ "$sudo" != none ]; then
        install="DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-grammalecte"
        sh -c "$install" >/dev/null 2>&1 ||
            { $sudo apt-get update -qq >/dev/null 2>&1 && sh -c "$install" >/dev/null 2>&1; } ||
            echo "setup: python3-grammalecte indisponible : le test Grammalecte sera ignoré" >&2
    fi
fi

# A .venv made by another Python (an upgrade, another machine) is made again.
if [ -e .venv ] && [ "$(version_of .venv/bin/python)" != "$version" ]; then
    echo "setup: .venv a été créé par un autre Python : recréation avec Python $version" >&2
    rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
    if ! "$python" -m venv .venv; then
        rm -rf .venv
        echo "setup: impossible de créer .venv : installez le paquet python3-venv" \
            "(sudo apt install python3-venv), puis relancez ./setup.sh" >&2
        exit 1
    fi
fi
# Reinstall only when pyproject.toml changed since the last install.
if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e ".[test]"
    touch .venv/.installed
fi
# The package's bytecode, written now: each fresh `generate.py` then loads it instead of
# compiling ~40 modules (~35 ms a run where PYTHONDONTWRITEBYTECODE is set, and the
# first run elsewhere). Quick when nothing changed; pip wrote the libraries' already.
.venv/bin/python -m compileall -q fichemetier >/dev/null
# And the templates' compiled code (templates/__pycache__, see fichemetier/precompiled.py).
.venv/bin/python -m fichemetier.precompiled
# And WeasyPrint's C declarations as cffi's data (see fichemetier/declarations.py).
.venv/bin/python -m fichemetier.declarations
# And the French hyphenation patterns, parsed (see fichemetier/hyphenation.py).
.venv/bin/python -m fichemetier.hyphenation
