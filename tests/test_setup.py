"""setup.sh: the Python version first, a .venv of another Python made again, python3-venv
installed where Debian lacks it. Run on a copy of the script with stand-in programs
(a Python that says its version, dpkg and apt-get that log what they are asked)."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap

import pytest

from .conftest import ROOT

FAKE_PYTHON = """\
#!/bin/sh
# a Python {version}: answers any -c with its version; -m venv makes a .venv of itself
echo "$0 $*" >> "{log}"
case "$*" in
  *ensurepip*) [ -n "{no_ensurepip}" ] && exit 1; exit 0 ;;
  "-m venv .venv") mkdir -p .venv/bin && cp "$0" .venv/bin/python && exit 0 ;;
  -m\\ pip*) exit 0 ;;
  -c*) echo "{version}" ;;
esac
"""


@pytest.fixture
def project(tmp_path):
    shutil.copy(ROOT / "setup.sh", tmp_path)
    (tmp_path / "pyproject.toml").write_text("")
    bin = tmp_path / "bin"
    bin.mkdir()
    log = tmp_path / "log"
    tools = {
        "dpkg": f'#!/bin/sh\necho "dpkg $*" >> {log}\ncase "$*" in *venv*) exit 1;; esac',
        "apt-get": f'#!/bin/sh\necho "apt-get $*" >> {log}',
        "sudo": '#!/bin/sh\nexec "$@"',
    }
    for name, script in tools.items():
        (bin / name).write_text(script + "\n")
        (bin / name).chmod(0o755)
    return tmp_path


def python(project, version: str, name: str, no_ensurepip: str = "") -> str:
    path = project / "bin" / name
    log = project / "log"
    path.write_text(FAKE_PYTHON.format(version=version, log=log, no_ensurepip=no_ensurepip))
    path.chmod(0o755)
    return str(path)


def setup(project, python: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHON": python, "PATH": f"{project / 'bin'}:{os.environ['PATH']}"}
    return subprocess.run(
        ["sh", "setup.sh"], cwd=project, env=env, capture_output=True, text=True, timeout=60
    )


def log(project) -> str:
    path = project / "log"
    return path.read_text() if path.exists() else ""


def test_an_old_python_is_refused_first_in_french(project):
    done = setup(project, python(project, "3.9", "python3"))
    assert done.returncode == 1
    assert "setup: Python 3.9 trouvé" in done.stderr
    assert "il faut Python 3.11 ou plus récent" in done.stderr
    assert "apt-get" not in log(project) and "dpkg" not in log(project)  # nothing done
    assert not (project / ".venv").exists()


def test_a_missing_python_is_a_french_message(project):
    done = setup(project, str(project / "bin" / "python-absent"))
    assert done.returncode == 1 and "setup: Python introuvable" in done.stderr


def test_a_venv_of_another_python_is_made_again(project):
    assert setup(project, python(project, "3.10", "python3.10")).returncode == 1
    (project / ".venv" / "bin").mkdir(parents=True)  # as made by an older setup
    shutil.copy(project / "bin" / "python3.10", project / ".venv" / "bin" / "python")
    new = python(project, "3.12", "python3.12")
    done = setup(project, new)
    assert done.returncode == 0, done.stderr
    assert "recréation avec Python 3.12" in done.stderr
    assert "3.12" in (project / ".venv" / "bin" / "python").read_text()
    again = setup(project, new)  # now it is right: left alone
    assert again.returncode == 0 and again.stderr == ""


def test_python3_venv_is_installed_where_debian_lacks_it(project):
    done = setup(project, python(project, "3.11", "python3", no_ensurepip="1"))
    assert done.returncode == 0, done.stderr
    assert "installation des paquets système : python3-venv" in done.stderr
    assert "apt-get install -y -qq python3-venv" in log(project)


def test_nothing_is_installed_when_all_is_there(project):
    done = setup(project, python(project, "3.11", "python3"))
    assert done.returncode == 0, done.stderr
    assert "apt-get" not in log(project)
    assert textwrap.dedent(done.stderr) == ""


def test_the_packages_bytecode_is_written(project):
    """A fresh generate.py then loads it rather than compiling ~40 modules (where
    PYTHONDONTWRITEBYTECODE is set, on every run), the templates, the C declarations and
    the hyphenation patterns."""
    done = setup(project, python(project, "3.11", "python3"))
    assert done.returncode == 0, done.stderr
    assert ".venv/bin/python -m compileall -q fichemetier" in log(project)
    assert ".venv/bin/python -m fichemetier.precompiled" in log(project)
    assert ".venv/bin/python -m fichemetier.declarations" in log(project)
    assert ".venv/bin/python -m fichemetier.hyphenation" in log(project)
