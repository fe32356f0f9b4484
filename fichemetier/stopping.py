"""How a run stops when asked to: Ctrl-C (SIGINT), kill (SIGTERM), the terminal closed
(SIGHUP), or the reader of its output gone (`generate.py | head -1`).

Each of these signals raises `Stopped` in the main thread, once: the cleanup that follows
(workers killed, temporary files removed, the build record saved) is short and must
finish, so further signals are ignored from then on. The exit code is 128 + the signal,
as a shell shows for a program the signal ended.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE


class Stopped(KeyboardInterrupt):
    """Ctrl-C, kill or the terminal closed: stop cleanly."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signum)
        self.signum = signum


def catch_stop_signals() -> None:
    for number in STOP_SIGNALS:
        signal.signal(number, _stop)


def _stop(signum, frame):
    ignore_stop_signals()  # a second Ctrl-C must not break the cleanup of the first
    raise Stopped(signum)


def ignore_stop_signals() -> None:
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)


@contextlib.contextmanager
def stop_signals_deferred() -> Iterator[None]:
    """A signal in this block is acted on when it ends: for a few milliseconds of work
    that must not be cut in the middle (saving the build record)."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def last_words(text: str) -> None:
    """A last message on stderr, which may be a closed terminal or pipe by now."""
    try:
        print(text, file=sys.stderr, flush=True)
    except OSError:
        silence()


def silence() -> None:
    """Send what is left of stdout and stderr to /dev/null: Python's last flush of a closed
    pipe would print an error at exit (the advice of Python's documentation on SIGPIPE)."""
    null = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            os.dup2(null, stream.fileno())
    os.close(null)
