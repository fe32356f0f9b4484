"""Step 5, batch: check and render many fiches, in parallel worker processes.

Both phases run in the same workers: first every stale fiche is loaded and validated,
then the valid ones are rendered. Each worker sets up one Renderer (templates,
stylesheets, fonts) the first time it renders and keeps it; outcomes stream back as
fiches finish. Workers ignore Ctrl-C and a closed terminal: the parent stops them, then
removes any temporary file they were writing. A worker whose parent is gone (killed with
SIGKILL) exits by itself; a fiche that makes no progress for TASK_TIMEOUT is given up.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import located
from .errors import FicheError, FicheProblem
from .load import Loc, load_fiche
from .model import Fiche, advice, validate
from .options import RenderOptions
from .pause import pause
from .write import write_atomic

#: A worker is replaced after this many tasks (a check or a render), bounding the native
#: memory WeasyPrint's libraries keep (measured: +51 MB over 1 000 renders in one process).
TASKS_PER_WORKER = 250
#: Seconds without any fiche finishing after which the workers are deemed stuck (a stopped
#: or hung process) and stopped: a fiche takes about 1 s, the worst accepted input ~6 s.
TASK_TIMEOUT = 300.0


@dataclass(frozen=True)
class Checked:
    """Phase 1 for one fiche: the model, or the problems found (only warnings if there is a
    model); the digest of what was read."""

    source: Path
    fiche: Fiche | None
    problems: list[FicheProblem]
    digest: str = ""
    lines: dict[Loc, int] = field(default_factory=dict)  # to locate preflight findings


@dataclass(frozen=True)
class Job:
    source: Path
    target: Path | None  # None: lay out and preflight only (--check)
    fiche: Fiche
    dependencies: tuple[Path, ...]
    key: str
    options: RenderOptions = RenderOptions()
    lines: dict[Loc, int] = field(default_factory=dict)
    warnings: tuple[FicheProblem, ...] = ()  # from validation: shown again with the PDF's


@dataclass(frozen=True)
class Outcome:
    """Phase 2 for one fiche (the job itself is not sent back: it holds the whole model).
    Any problem that is not a warning means no PDF was written."""

    problems: list[FicheProblem]
    seconds: float

    @property
    def failed(self) -> bool:
        return any(not p.warning for p in self.problems)


class Workers:
    """Runs a function over items in worker processes (or here, for one item or --jobs 1).

    Results come back as (item, result) pairs; a worker that dies (killed, out of memory)
    gives its pending items a `BrokenProcessPool` as result instead of hanging the run.
    Workers are replaced after TASKS_PER_WORKER tasks each by starting a fresh pool for
    each slice of the items (Python 3.11's `max_tasks_per_child` can deadlock: measured
    here, a batch of 400 fiches stopped for good after 100 PDFs).
    """

    def __init__(self, count: int = 1):
        self.count = count
        self.executor: ProcessPoolExecutor | None = None

    def ordered(self, func: Callable, items: Iterable) -> Iterator[tuple[Any, Any]]:
        if self.count <= 1:
            yield from ((item, func(item)) for item in items)
            return
        for executor, segment in self._pools(list(items)):
            futures = [(item, executor.submit(func, item)) for item in segment]
            for index, (item, future) in enumerate(futures):
                try:
                    yield item, _result(future, TASK_TIMEOUT)
                except TimeoutError as exc:  # stuck: give up this one and the rest
                    self.stop()
                    yield from ((later, exc) for later, _ in futures[index:])
                    break

    def unordered(self, func: Callable, items: Iterable) -> Iterator[tuple[Any, Any]]:
        if self.count <= 1:
            yield from ((item, func(item)) for item in items)
            return
        for executor, segment in self._pools(list(items)):
            futures = {executor.submit(func, item): item for item in segment}
            pending = set(futures)
            while pending:
                done, pending = wait(pending, TASK_TIMEOUT, return_when=FIRST_COMPLETED)
                if not done:  # stuck: give up what is left
                    self.stop()
                    yield from ((futures[f], TimeoutError(TASK_TIMEOUT)) for f in pending)
                    break
                yield from ((futures[future], _result(future)) for future in done)

    def _pools(self, items: list) -> Iterator[tuple[ProcessPoolExecutor, list]]:
        size = self.count * TASKS_PER_WORKER
        for start in range(0, len(items), size):
            segment = items[start : start + size]
            executor = self.executor = _new_pool(min(self.count, len(segment)))
            try:
                yield executor, segment
            except BaseException:  # the caller was interrupted, or closed us early
                self.stop()
                raise
            executor.shutdown(wait=True)  # at once if stop() already ended it
            self.executor = None

    def stop(self) -> None:
        """Stop the workers now (Ctrl-C, kill, stuck): SIGKILL, which also ends a stopped
        process; their half-written files are removed after."""
        if self.executor is None:
            return
        executor, self.executor = self.executor, None
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.kill()
        executor.shutdown(wait=True, cancel_futures=True)


def _new_pool(count: int) -> ProcessPoolExecutor:
    # forkserver: workers are forked from a clean process that has imported WeasyPrint but
    # holds no thread or Pango state (the parent may be running a progress bar thread).
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["fichemetier.render"])
        _start_forkserver()
    pause("pool")
    return ProcessPoolExecutor(
        count, mp_context=context, initializer=_worker_setup, initargs=(os.getpid(),)
    )


def _start_forkserver() -> None:
    """Start the forkserver (and multiprocessing's resource tracker) with Ctrl-C and
    hang-up ignored: a signal to the whole terminal's process group while it imports
    WeasyPrint would print its traceback. Python keeps an inherited SIG_IGN, and so do
    the workers forked from it; the parent stops them. (Blocking the signals instead is
    not enough: Python unblocks SIGINT as it starts.) A Ctrl-C in the few milliseconds of
    the fork is lost: press it again."""
    from multiprocessing import forkserver

    previous = {n: signal.signal(n, signal.SIG_IGN) for n in (signal.SIGINT, signal.SIGHUP)}
    try:
        forkserver.ensure_running()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _result(future: Future, timeout: float | None = None) -> Any:
    try:
        return future.result(timeout)
    except BrokenProcessPool as exc:
        return exc


@contextmanager
def workers(count: int, tasks: int) -> Iterator[Workers]:
    """`count` worker processes (fewer if there are fewer tasks), stopped on any error."""
    pool = Workers(count if tasks > 1 else 1)
    try:
        yield pool
    except BaseException:  # Ctrl-C, kill, or an error in the parent: stop the workers now
        pause("cleanup")
        pool.stop()
        raise


def _worker_setup(parent: int) -> None:
    """Ctrl-C and a closed terminal are the parent's to handle; a worker left alone when
    the parent was killed outright (SIGKILL: no cleanup ran) ends itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    """Exit as soon as the batch's process is gone (its pid no longer exists, or is a
    zombie): the forkserver in between would outlive it only until it notices, and
    PR_SET_PDEATHSIG would watch the forkserver, not the batch."""
    while _alive(parent):
        time.sleep(0.5)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except FileNotFoundError:
        return False
    except OSError:  # no /proc (not Linux): ask the kernel instead
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True


def check(source: Path) -> Checked:
    """Phase 1: load and validate one fiche."""
    try:
        loaded = load_fiche(source)
        fiche = validate(loaded)
        return Checked(source, fiche, advice(loaded, fiche), loaded.digest, loaded.lines)
    except FicheError as exc:
        return Checked(source, None, exc.problems)
    except Exception as exc:  # a bug on odd input must not stop the other fiches
        message = f"erreur inattendue pendant la lecture ({exc!r})"
        return Checked(source, None, [FicheProblem(str(source), None, None, message)])


_renderer = None


def render(job: Job) -> Outcome:
    """Phase 2: lay out one fiche, preflight it, and put its PDF in place unless the
    preflight found an error; failures are reported, not raised."""
    global _renderer
    started = time.perf_counter()
    pause("render", job.source.name)
    if _renderer is None:
        from .render import Renderer

        _renderer = Renderer()
    from .preflight import preflight  # WeasyPrint: only in the workers, not at start-up

    try:
        document = _renderer.layout(job.fiche, job.source.parent, job.options)
        problems = [
            located(job.source, job.lines, finding)
            for finding in preflight(document, [job.fiche], job.options)
        ]
        outcome = Outcome(problems, time.perf_counter() - started)
        if job.target is None or outcome.failed:
            return outcome
        data = _renderer.write(document, job.options)
    except Exception as exc:  # a layout bug in one fiche must not stop the others
        return _failed(job, f"erreur inattendue pendant la mise en page ({exc!r})", started)
    try:
        write_atomic(job.target, data)
    except OSError as exc:
        return _failed(job, f"impossible d'écrire {job.target} ({exc.strerror})", started)
    return Outcome(problems, time.perf_counter() - started)


def lost(source: Path, reason: BaseException | None = None) -> FicheProblem:
    """A worker process died (killed, out of memory) or got stuck: its fiche is reported,
    not lost."""
    message = "le processus de travail s'est arrêté brutalement (mémoire ?) : relancez"
    if isinstance(reason, TimeoutError):
        message = (
            f"aucune fiche n'a avancé en {TASK_TIMEOUT:.0f} s (processus de travail bloqué "
            "ou arrêté ?) : fiche abandonnée, relancez"
        )
    return FicheProblem(str(source), None, None, message)


def checked_entries(
    pool: Workers, files: list[Path], problems: list[FicheProblem]
) -> Iterator[Checked]:
    """Phase 1 over `files` in file order: the valid fiches; problems are collected."""
    for source, checked in pool.ordered(check, files):
        if isinstance(checked, BaseException):
            problems.append(lost(source, checked))
            continue
        problems.extend(checked.problems)
        if checked.fiche is not None:
            yield checked


def _failed(job: Job, message: str, started: float) -> Outcome:
    problem = FicheProblem(str(job.source), None, None, message)
    return Outcome([problem], time.perf_counter() - started)
