"""Step 5, write: put a PDF in place atomically.

Users print from the output folder while fiches are being regenerated: a PDF is either
the previous complete file or the new complete file, never a truncated one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .pause import pause

#: Every temporary file this tool writes ends so (PDFs, the build record): a killed run's
#: leftovers are found by it, and nobody else's `.tmp` files in `--out .` are touched.
TEMP_SUFFIX = ".fiches-tmp"
#: What older versions wrote (`.x.pdf.abc123.tmp`), still cleaned up.
OLD_LEFTOVERS = (".*.pdf.*.tmp", ".fiches-cache.json.*.tmp")
RANDOM_PART = 8  # characters tempfile adds between prefix and suffix


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = temp_prefix(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        pause(f"replace {path.name}")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def temp_prefix(path: Path) -> str:
    """`.{name}.`, shortened so that the temporary name fits where `path` fits: a 255-byte
    PDF name is allowed, `.{255 bytes}.x1y2z3a4.fiches-tmp` would not be."""
    try:
        limit = os.pathconf(path.parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    room = limit - 2 - RANDOM_PART - len(TEMP_SUFFIX)
    name = os.fsencode(path.name)[:room]
    return f".{os.fsdecode(name)}."


def remove_leftovers(folder: Path) -> None:
    """Delete the temporary files of a run that was killed before it could clean up
    (only ours: `--out .` must not lose anyone's other `.tmp` files)."""
    for pattern in (f".*{TEMP_SUFFIX}", *OLD_LEFTOVERS):
        for leftover in folder.glob(pattern):
            with contextlib.suppress(OSError):
                leftover.unlink()
