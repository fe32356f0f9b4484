"""Step 5, batch: check and render many fiches, in parallel worker processes.

Both phases run in the same workers: first every stale fiche is loaded and validated,
then the valid ones are rendered. Each worker sets up one Renderer (templates,
stylesheets, fonts) the first time it renders and keeps it; outcomes stream back as
fiches finish. Workers ignore Ctrl-C: the parent stops them, then removes any temporary
file they were writing.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .errors import FicheError, FicheProblem
from .load import load_fiche
from .model import Fiche, validate
from .options import RenderOptions
from .write import write_atomic

#: A worker is replaced after this many tasks, bounding any memory WeasyPrint keeps.
TASKS_PER_WORKER = 250


@dataclass(frozen=True)
class Checked:
    """Phase 1 for one fiche: the model, or the problems found; the digest of what was read."""

    source: Path
    fiche: Fiche | None
    problems: list[FicheProblem]
    digest: str = ""


@dataclass(frozen=True)
class Job:
    source: Path
    target: Path
    fiche: Fiche
    dependencies: tuple[Path, ...]
    key: str
    options: RenderOptions = RenderOptions()


@dataclass(frozen=True)
class Outcome:
    job: Job
    problem: FicheProblem | None
    seconds: float


class Executor(Protocol):
    def imap(self, func: Callable, items: Iterable, chunksize: int = 1) -> Iterator[Any]: ...
    def imap_unordered(self, func: Callable, items: Iterable) -> Iterator[Any]: ...


class InProcess:
    """The executor for one fiche or --jobs 1: no process to start."""

    def imap(self, func: Callable, items: Iterable, chunksize: int = 1) -> Iterator[Any]:
        return map(func, items)

    def imap_unordered(self, func: Callable, items: Iterable) -> Iterator[Any]:
        return map(func, items)


@contextmanager
def workers(count: int, tasks: int) -> Iterator[Executor]:
    """A pool of `count` worker processes (fewer if there are fewer tasks)."""
    if count <= 1 or tasks <= 1:
        yield InProcess()
        return
    # forkserver: workers are forked from a clean process that has imported WeasyPrint but
    # holds no thread or Pango state (the parent may be running a progress bar thread).
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["fichemetier.render"])
    pool = context.Pool(
        min(count, tasks), initializer=_ignore_ctrl_c, maxtasksperchild=TASKS_PER_WORKER
    )
    try:
        yield pool
    except BaseException:  # Ctrl-C, kill, or an error in the parent: stop the workers now
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()


def _ignore_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def check(source: Path) -> Checked:
    """Phase 1: load and validate one fiche."""
    try:
        loaded = load_fiche(source)
        return Checked(source, validate(loaded), [], loaded.digest)
    except FicheError as exc:
        return Checked(source, None, exc.problems)


_renderer = None


def render(job: Job) -> Outcome:
    """Phase 2: render one fiche and put its PDF in place; failures are reported, not raised."""
    global _renderer
    started = time.perf_counter()
    if _renderer is None:
        from .render import Renderer

        _renderer = Renderer()
    try:
        data = _renderer.pdf(job.fiche, job.source.parent, job.options)
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
