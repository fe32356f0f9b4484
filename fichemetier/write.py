"""Step 5, write: put a PDF in place atomically.

Users print from the output folder while fiches are being regenerated: a PDF is either
the previous complete file or the new complete file, never a truncated one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def remove_leftovers(folder: Path) -> None:
    """Delete the temporary files of a run that was killed before it could clean up
    (only ours: `--out .` must not lose anyone's other `.tmp` files)."""
    for leftover in folder.glob(f".*.pdf.*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            leftover.unlink()
