"""Step 5b, batch: worker processes that run the pipeline's steps over many fiches.

Both phases of a run use the same workers (forked from a server that has imported
WeasyPrint, so each starts warm); each sets up one Renderer the first time it renders and
keeps it; results stream back as fiches finish. Workers ignore Ctrl-C and a closed
terminal: the parent stops them, then removes any temporary file they were writing. A
worker whose parent is gone (killed with SIGKILL) exits by itself; a fiche that makes no
progress for TASK_TIMEOUT is given up.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import FicheProblem
from .pause import pause

if TYPE_CHECKING:  # multiprocessing is imported when a pool starts: a no-op run needs none
    from concurrent.futures import Future, ProcessPoolExecutor

#: A worker is replaced after this many tasks (a check or a render), bounding whatever
#: native memory WeasyPrint's libraries still keep. With the Pango attribute leak plugged
#: (weasyprint_internals.py) a process's RSS stays within ~6 MB from its 250th render to
#: its 2 000th (+51 MB over 1 000 renders before), so replacing is rare: each new pool
#: waits for the slowest fiche of the slice before it.
TASKS_PER_WORKER = 1000
#: Seconds without any fiche finishing after which the workers are deemed stuck (a stopped
#: or hung process) and stopped: a fiche takes about 1 s, the worst accepted input ~6 s.
TASK_TIMEOUT = 300.0


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
                done, pending = _wait(pending)
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


def _wait(pending: set) -> tuple[set, set]:
    from concurrent.futures import FIRST_COMPLETED, wait

    return wait(pending, TASK_TIMEOUT, return_when=FIRST_COMPLETED)


def _new_pool(count: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

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
    from concurrent.futures.process import BrokenProcessPool

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


def lost(source: Path, reason: BaseException | None = None) -> FicheProblem:
    """A worker process died (killed, out of memory) or got stuck: its fiche is reported,
    not lost."""
    message = "le processus de travail s'est arrêté brutalement (mémoire ?) : relancez"
    if isinstance(reason, TimeoutError):
        message = (
            f"aucune fiche n'a avancé en {TASK_TIMEOUT:.0f} s (processus de travail bloqué "
            "ou arrêté ?) : fiche abandonnée, relancez"
        )
    return FicheProblem.of_file(source, message)
