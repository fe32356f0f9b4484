"""Signals and processes, made deterministic: a run is held at a named point (the
FICHEMETIER_PAUSE hook, fichemetier/pause.py) and the signal is sent while it waits
there. Every way to stop a run ends with a clean exit code, no traceback and no process
left behind (each run is its own session, scanned in /proc)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT, SEED_YAML

pytestmark = pytest.mark.slow  # real processes, browsers or veraPDF: `-m 'not slow'` skips them

DEADLINE = 120  # seconds: only ever reached when something hangs


@pytest.fixture
def project(tmp_path):
    fiches = tmp_path / "fiches"
    fiches.mkdir()
    for index in range(6):
        shutil.copy(SEED_YAML, fiches / f"fiche-{index:02}.yaml")
    (tmp_path / "pause").mkdir()
    return tmp_path


_started: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_run_outlives_its_test():
    """Whatever failed, the processes of a run are killed at the end of its test."""
    yield
    while _started:
        process = _started.pop()
        for pid in session(process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.communicate(timeout=10)


def start(project, point: str | None, *args: str, python: list[str] | None = None):
    env = {**os.environ}
    if point:
        env["FICHEMETIER_PAUSE"] = f"{project / 'pause'}:{point}"
    command = python or [sys.executable, str(ROOT / "generate.py")]
    process = subprocess.Popen(
        [*command, "--jobs", "2", *args],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own session: every process it starts is found
    )
    _started.append(process)
    return process


def reached(project, count: int, point: str = "") -> list[list[str]]:
    """Wait until `count` processes have reached the pause point (any point, or `point`);
    their `pid point detail`."""
    log = project / "pause" / "reached"
    limit = time.monotonic() + DEADLINE
    while time.monotonic() < limit:
        lines = log.read_text().splitlines() if log.exists() else []
        lines = [line for line in lines if line.split(" ")[1].startswith(point)]
        if len(lines) >= count:
            return [line.split(" ", 2) for line in lines]
        time.sleep(0.02)
    raise AssertionError(f"the pause point was not reached {count} times")


def go(project) -> None:
    (project / "pause" / "go").touch()


def session(sid: int) -> list[int]:
    """Live (not zombie) processes of session `sid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def no_process_left(sid: int, within: float = 30) -> None:
    limit = time.monotonic() + within
    while session(sid) and time.monotonic() < limit:
        time.sleep(0.05)
    left = session(sid)
    for pid in left:  # do not leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes left behind: {left}"


def finish(process) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=DEADLINE)
    no_process_left(process.pid)
    return process.returncode, out.decode(), err.decode()


def clean(err: str) -> bool:
    return "Traceback" not in err and "Exception ignored" not in err


def rerun(project) -> tuple[int, int]:
    """Rerun to the end: (PDFs written, up to date); the output folder has no temp file."""
    command = [sys.executable, str(ROOT / "generate.py"), "--jobs", "2"]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not list((project / "output").glob(".*tmp"))
    found = re.search(r"(\d+) PDF écrits?(?:, (\d+) à jour)?", done.stderr)
    return int(found[1]), int(found[2] or 0)


@pytest.mark.parametrize(
    ("sent", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_a_signal_before_the_workers_start(project, sent, code):
    process = start(project, "pool")
    reached(project, 1)
    process.send_signal(sent)
    returncode, out, err = finish(process)
    assert returncode == code, err
    assert clean(err) and "Interrompu" in err
    assert rerun(project) == (6, 0)


@pytest.mark.parametrize(("sent", "code"), [(signal.SIGINT, 130), (signal.SIGHUP, 129)])
def test_a_terminal_signal_reaches_every_process_quietly(project, sent, code):
    """A terminal sends Ctrl-C, and SIGHUP when it is closed, to the whole process group:
    the forkserver, maybe still importing WeasyPrint, must not print a traceback."""
    process = start(project, "pool")
    reached(project, 1)
    os.killpg(process.pid, sent)
    returncode, out, err = finish(process)
    assert returncode == code, err
    assert clean(err) and "KeyboardInterrupt" not in err


def test_sigterm_at_once_while_python_starts(project):
    """Wherever it lands (interpreter start, imports, set-up), a kill is silent."""
    process = start(project, None)
    process.send_signal(signal.SIGTERM)
    returncode, out, err = finish(process)
    assert returncode in (143, -signal.SIGTERM), err
    assert clean(err) and err in (
        "",
        "\nInterrompu : les PDF déjà écrits sont complets, relancez pour finir.\n",
    )


def test_ctrl_c_twice_does_not_break_the_cleanup(project):
    """The first Ctrl-C after a PDF was written; the second while the run cleans up (one
    fiche is held in its worker, so the batch cannot be over before): the cleanup
    finishes and the record of the PDFs written is kept."""
    process = start(project, "render fiche-05.yaml,cleanup")
    assert process.stdout.readline().startswith("écrit ".encode())
    process.send_signal(signal.SIGINT)
    reached(project, 1, "cleanup")
    process.send_signal(signal.SIGINT)
    go(project)
    returncode, out, err = finish(process)
    assert returncode == 130, err
    assert clean(err) and err.count("Interrompu") == 1
    assert not list((project / "output").glob(".*tmp"))
    written, up_to_date = rerun(project)
    assert up_to_date >= 1 and written + up_to_date == 6


def test_ctrl_c_while_the_record_is_saved_waits_for_the_save(project):
    process = start(project, "replace .fiches-cache.json")
    reached(project, 1)
    process.send_signal(signal.SIGINT)
    go(project)
    returncode, out, err = finish(process)
    assert returncode == 130, err
    assert clean(err)
    written, up_to_date = rerun(project)
    assert up_to_date >= 1 and written + up_to_date == 6


def test_a_closed_pipe_ends_the_run_quietly(project):
    """`generate.py | head -1`: the reader is gone before the first line."""
    process = start(project, "pool")
    reached(project, 1)
    process.stdout.close()
    go(project)
    returncode, _, err = finish(process)
    assert returncode == 141, err
    assert err == ""  # nothing, not even Python's complaint about the closed pipe
    written, up_to_date = rerun(project)
    assert up_to_date >= 1 and written + up_to_date == 6  # what was recorded is kept


def test_workers_end_by_themselves_when_the_batch_is_killed(project):
    process = start(project, "render")
    reached(project, 2)  # both workers are busy
    process.kill()  # the batch alone, as the out-of-memory killer would
    process.wait()
    no_process_left(process.pid, within=20)  # the forkserver and the workers, by themselves


def test_a_stopped_worker_does_not_hang_the_run(project):
    """SIGSTOP on a worker (or one stuck for good): once no fiche has finished for
    TASK_TIMEOUT, its fiche is reported and the workers stopped; the others are written."""
    code = (
        "import sys; from fichemetier import batch; batch.TASK_TIMEOUT = 10; "
        "from fichemetier.cli import main; sys.exit(main())"
    )
    process = start(project, "render", python=[sys.executable, "-c", code])
    pid, _, fiche = reached(project, 1)[0]
    os.kill(int(pid), signal.SIGSTOP)
    go(project)
    returncode, out, err = finish(process)
    assert returncode == 1, err
    assert clean(err)
    assert f"fiches/{fiche}: aucune fiche n'a avancé en 10 s" in err
    assert "5 PDF écrits, 1 fiche en erreur" in err
    assert rerun(project) == (1, 5)
