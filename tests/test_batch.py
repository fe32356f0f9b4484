"""A real batch in worker processes: parallel, and interrupted in the middle."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from fichemetier.cli import main

from .conftest import ROOT, SEED_YAML

pytestmark = pytest.mark.slow  # real processes, browsers or veraPDF: `-m 'not slow'` skips them

COPIES = 8  # two slices of pools with TASKS_PER_WORKER = 2; work left after the first PDF


@pytest.fixture
def many(tmp_path, monkeypatch):
    """A folder of COPIES seed fiches."""
    monkeypatch.chdir(tmp_path)
    fiches = tmp_path / "fiches"
    fiches.mkdir()
    for index in range(COPIES):
        shutil.copy(SEED_YAML, fiches / f"fiche-{index:02}.yaml")
    return tmp_path


def complete_pdfs(folder) -> list[str]:
    """Names of the PDFs in `folder`, each checked to open and have its pages."""
    names = []
    for path in sorted(folder.glob("*.pdf")):
        assert len(PdfReader(path).pages) >= 1, path
        names.append(path.name)
    return names


def test_parallel_batch_writes_every_pdf(many, capsys):
    assert main(["--jobs", "2"]) == 0
    assert len(complete_pdfs(many / "output")) == COPIES
    assert (
        capsys.readouterr()
        .err.strip()
        .splitlines()[-1]
        .startswith(f"{COPIES} PDF écrits, 0 fiche en erreur")
    )


@pytest.mark.parametrize(
    ("sent", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_interrupted_batch_leaves_only_complete_pdfs(many, sent, code):
    """The signal lands anywhere after the first PDF was recorded: whatever it interrupts
    (a render, a write, a save of the record), the record of that PDF is kept, since
    further signals are ignored while the run cleans up."""
    command = [sys.executable, str(ROOT / "generate.py"), "--jobs", "2"]
    process = subprocess.Popen(command, cwd=many, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()  # printed once the PDF is written and recorded
    assert first.startswith("écrit ".encode())
    process.send_signal(sent)
    out, err = process.communicate(timeout=60)
    assert process.returncode == code, err.decode()
    assert "Interrompu" in err.decode() and "Traceback" not in err.decode()
    done = complete_pdfs(many / "output")
    assert len(done) >= 1
    assert not list((many / "output").glob(".*tmp"))

    rerun = subprocess.run(command, cwd=many, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    # a PDF that landed while the parent was being stopped may not be recorded yet: it is
    # rendered again (never wrongly skipped); everything recorded is reused.
    written, up_to_date = map(
        int, re.search(r"(\d+) PDF écrits?, (\d+) à jour", rerun.stderr).groups()
    )
    assert written + up_to_date == COPIES
    assert 1 <= up_to_date <= len(done)
    assert len(complete_pdfs(many / "output")) == COPIES


def descendants(pid: int) -> dict[int, int]:
    """pid → depth below `pid`, from /proc (workers sit below the forkserver)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    depth = {pid: 0}
    changed = True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in depth and child not in depth:
                depth[child] = depth[parent] + 1
                changed = True
    return depth


def test_a_worker_that_dies_does_not_hang_the_batch(many):
    command = [sys.executable, str(ROOT / "generate.py"), "--jobs", "2"]
    process = subprocess.Popen(command, cwd=many, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline().startswith("écrit ".encode())
    workers = [pid for pid, depth in descendants(process.pid).items() if depth == 2]
    assert workers, "no worker process found"
    os.kill(workers[0], signal.SIGKILL)  # as the kernel's out-of-memory killer would
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1, err.decode()
    assert "s'est arrêté brutalement" in err.decode() and "Traceback" not in err.decode()
    complete_pdfs(many / "output")  # whatever was written is whole
    rerun = subprocess.run(command, cwd=many, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert len(complete_pdfs(many / "output")) == COPIES


def test_workers_are_replaced_along_a_long_batch(many, capsys, monkeypatch):
    from fichemetier import batch

    monkeypatch.setattr(batch, "TASKS_PER_WORKER", 2)  # a fresh pool every 4 tasks
    assert main(["--jobs", "2"]) == 0
    assert len(complete_pdfs(many / "output")) == COPIES


def worker_pid(_item) -> int:
    return os.getpid()


def test_each_slice_of_tasks_gets_fresh_worker_processes(monkeypatch):
    """Workers are replaced after TASKS_PER_WORKER tasks each (the native memory they keep):
    the processes that ran one slice of the items never run another."""
    from fichemetier import batch

    monkeypatch.setattr(batch, "TASKS_PER_WORKER", 2)  # slices of 2 workers × 2 tasks
    results = list(batch.Workers(2).ordered(worker_pid, range(12)))
    assert [item for item, _ in results] == list(range(12))
    slices = [{pid for _, pid in results[start : start + 4]} for start in range(0, 12, 4)]
    assert all(pid != os.getpid() for pids in slices for pid in pids)
    assert not (slices[0] & slices[1] or slices[1] & slices[2] or slices[0] & slices[2])


def test_a_batch_killed_outright_leaves_only_complete_pdfs(many):
    """SIGKILL to the whole process group (power cut, `kill -9`) while the build record is
    half-saved (held there by the FICHEMETIER_PAUSE hook): no cleanup runs at all, yet
    every PDF in the folder is whole, and the rerun removes the record's temporary file
    and finishes the job."""
    from .test_signals import reached

    (many / "pause").mkdir()
    command = [sys.executable, str(ROOT / "generate.py"), "--jobs", "2"]
    env = {**os.environ, "FICHEMETIER_PAUSE": f"{many / 'pause'}:replace .fiches-cache.json"}
    process = subprocess.Popen(
        command,
        cwd=many,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    reached(many, 1)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert list((many / "output").glob(".*fiches-cache.json.*tmp"))  # left by the kill
    done = complete_pdfs(many / "output")  # each one opens and has its pages
    assert done  # (all of them, when the record is first saved at the end of the run)

    rerun = subprocess.run(command, cwd=many, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert len(complete_pdfs(many / "output")) == COPIES
    assert not list((many / "output").glob(".*tmp"))  # the killed run's leftovers removed
