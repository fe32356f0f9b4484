"""Step 5, batch: render many fiches, in parallel worker processes.

Each worker sets up one Renderer (templates, stylesheets, fonts) and keeps it for all
its fiches; outcomes stream back as fiches finish. Workers ignore Ctrl-C: the parent
stops them, and then removes any temporary file they were writing.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import FicheProblem
from .model import Fiche
from .write import write_atomic

#: A worker is replaced after this many fiches, bounding any memory WeasyPrint keeps.
FICHES_PER_WORKER = 250


@dataclass(frozen=True)
class Job:
    source: Path
    target: Path
    fiche: Fiche
    dependencies: tuple[Path, ...]
    key: str


@dataclass(frozen=True)
class Outcome:
    job: Job
    problem: FicheProblem | None
    seconds: float


def render_all(jobs: list[Job], workers: int) -> Iterator[Outcome]:
    """Render and write every job, yielding outcomes as they finish."""
    if workers <= 1 or len(jobs) <= 1:
        _start_worker(in_process=True)
        yield from map(_work, jobs)
        return
    # forkserver: workers are forked from a clean process that has imported WeasyPrint but
    # holds no thread or Pango state (the parent may be running a progress bar thread).
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["fichemetier.render"])
    pool = context.Pool(
        min(workers, len(jobs)), initializer=_start_worker, maxtasksperchild=FICHES_PER_WORKER
    )
    try:
        yield from pool.imap_unordered(_work, jobs)
    except BaseException:  # Ctrl-C, kill, or the caller stopped early: stop the workers now
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()


_renderer = None


def _start_worker(in_process: bool = False) -> None:
    global _renderer
    from .render import Renderer

    if not in_process:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if _renderer is None or not in_process:
        _renderer = Renderer()


def _work(job: Job) -> Outcome:
    """Render one fiche and put its PDF in place; a failure is reported, never raised."""
    started = time.perf_counter()
    try:
        data = _renderer.pdf(job.fiche, job.source.parent)
    except Exception as exc:  # a layout bug in one fiche must not stop the others
        return _failed(job, f"erreur inattendue pendant la mise en page ({exc!r})", started)
    try:
        write_atomic(job.target, data)
    except OSError as exc:
        return _failed(job, f"impossible d'écrire {job.target} ({exc.strerror})", started)
    return Outcome(job, None, time.perf_counter() - started)


def _failed(job: Job, message: str, started: float) -> Outcome:
    problem = FicheProblem(str(job.source), None, None, message)
    return Outcome(job, problem, time.perf_counter() - started)
