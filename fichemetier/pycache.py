"""Data kept in the project's own `__pycache__` folders, as Python keeps bytecode.

What is expensive to make in every fresh process and the same every time (cffi's data for
WeasyPrint's C declarations, `declarations.py`; pyphen's parsed patterns,
`hyphenation.py`) is made once, by setup.sh or by a run where Python writes bytecode, and
kept with marshal beside the code: never in a folder a fiche's author or a run's `--out`
names. It is kept with its key, a digest of everything it was made from, and used only for
that key and if it is plain data (each caller says what that is); anything else (missing,
unreadable, damaged, another key) is ignored and made again. `precompiled.py` keeps the
templates' code through Jinja's own bytecode cache and decides when to write the same way.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .write import write_atomic


def writes(write: bool | None = None) -> bool:
    """Whether to keep what was made: as asked, else where Python writes bytecode."""
    return not sys.dont_write_bytecode if write is None else write


def digest(*parts: str | bytes) -> str:
    """The key of data made from `parts` (versions, sources)."""
    made = b"\0".join(part.encode() if isinstance(part, str) else part for part in parts)
    return hashlib.sha256(made).hexdigest()


def read(path: Path, key: str, plain: Callable[[Any], bool]) -> Any | None:
    """What is kept at `path` for `key`, if it is plain data; else None."""
    try:
        found_key, value = marshal.loads(path.read_bytes())
    except Exception:  # missing, unreadable, not marshal data, not a pair
        return None
    return value if found_key == key and plain(value) else None


def keep(path: Path, key: str, value: Any) -> None:
    """Keep `value` for `key` at `path` (an unwritable place, or data marshal cannot
    write, keeps nothing)."""
    with contextlib.suppress(OSError, ValueError):
        write_atomic(path, marshal.dumps((key, value)))
