"""Where a run writes: the output folder of each variant, made ready and locked.

Two runs writing the same folder would remove each other's temporary files and mix up
the build record, so a run holds the folder's lock from start to end. An unusable folder
is one usage error, not one error per fiche.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from .errors import UsageError
from .options import RenderOptions

LOCK_NAME = ".fiches.lock"


def default_out(options: RenderOptions) -> Path:
    """Each variant has its own folder under output/, so that an A5 or print-shop run never
    overwrites the A4 PDFs of the same names: output/, output/a5/, output/impression/,
    output/pdfa/, output/a5-impression-pdfa/…, output/livret/ (A5 booklets)"""
    parts = [
        name
        for name, wanted in (
            ("a5", options.format == "a5" and not options.livret),
            ("livret", options.livret),
            ("impression", options.print),
            ("pdfa", options.pdfa),
        )
        if wanted
    ]
    return Path("output", "-".join(parts)) if parts else Path("output")


def lock_output(out: Path) -> IO[bytes]:
    """Create the output folder and hold its lock for the whole run (closing the returned
    file releases it)."""
    prepare_output(out)
    handle = _open_lock(out / LOCK_NAME)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        message = f"{out} : une autre génération y écrit déjà, attendez qu'elle finisse"
        raise UsageError(message) from None
    return handle


def _open_lock(path: Path) -> IO[bytes]:
    """The lock file, opened read-only (flock needs no more): in a folder shared by a
    group, the file may belong to a colleague and be read-only for us."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except IsADirectoryError:
        raise UsageError(f"{path} est un dossier : supprimez-le") from None
    except OSError as exc:
        raise UsageError(f"{path} : verrou inutilisable ({exc.strerror})") from None
    return os.fdopen(fd, "rb")


def prepare_output(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        message = f"{out} : impossible de créer le dossier de sortie ({exc.strerror})"
        raise UsageError(message) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise UsageError(f"{out} : dossier de sortie protégé en écriture")
