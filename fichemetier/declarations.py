"""WeasyPrint's C declarations, parsed once and kept, as Python keeps bytecode.

`weasyprint.text.ffi` hands cffi ~450 lines of C declarations (`ffi.cdef`) on every
import; cffi parses them with pycparser: ~45 ms of a fresh process (pycparser imported,
its lexer's expressions compiled, the parse). cffi can also describe parsed declarations
as plain data, what its "out-of-line ABI mode" modules hold (`_cffi_backend.FFI(...)`
with byte strings of types, names and fields; no C compiler involved): ~1 ms to load.
Here that data is made from the declarations the first time (by setup.sh, `python -m
fichemetier.declarations`, or by a run where Python writes bytecode), kept in the
package's `__pycache__` (the project's own folder), and used only for the very source it
was made from, by this cffi and this Python; anything else, unreadable or not plain data,
is ignored and the declarations parsed as before. The object WeasyPrint then uses is
cffi's own, as its out-of-line modules make it: same types, sizes, fields and functions
(tests/test_declarations.py compares them).
"""

from __future__ import annotations

import ast
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import pycache
from .paths import PACKAGE

KEPT = PACKAGE / "__pycache__" / "weasyprint-cdef.marshal"
MODULE = "_fichemetier_weasyprint_cdef"  # the name cffi gives in its messages
#: The declarations `weasyprint.text.ffi` gave in this process (setup.sh keeps them).
SEEN: list[str] = []
#: What `_cffi_backend.FFI` takes from an out-of-line module.
ARGUMENTS = {"_version", "_types", "_globals", "_struct_unions", "_enums", "_typenames"}


def key(source: str) -> str:
    """Everything the kept data depends on: the declarations, cffi, Python (marshal)."""
    import cffi

    return pycache.digest(cffi.__version__, sys.version, source)


def kept(source: str, path: Path = KEPT):
    """cffi's FFI for `source` from the kept data, or None."""
    arguments = pycache.read(path, key(source), _arguments)
    if arguments is None:
        return None
    import _cffi_backend

    try:
        return _cffi_backend.FFI(MODULE, **arguments)
    except Exception:
        return None


def _arguments(value: Any) -> bool:
    """What an out-of-line module passes to `_cffi_backend.FFI`, plain data only."""
    return (
        isinstance(value, dict)
        and set(value) <= ARGUMENTS
        and all(_plain(item) for item in value.values())
    )


def _plain(value: Any) -> bool:
    """Only the data an out-of-line module holds: byte strings, integers and tuples."""
    if isinstance(value, tuple):
        return all(_plain(item) for item in value)
    return isinstance(value, bytes | int) and not isinstance(value, bool)


def keep(source: str, path: Path = KEPT) -> None:
    """Parse `source` and keep cffi's data for it (an unwritable place keeps nothing)."""
    pycache.keep(path, key(source), arguments(source))


def arguments(source: str) -> dict[str, Any]:
    """What cffi's out-of-line module for `source` passes to `_cffi_backend.FFI`."""
    from cffi.api import FFI  # the class itself: `cffi.FFI` may be DeclaredOnce now
    from cffi.recompiler import make_py_source

    ffi = FFI()
    ffi.cdef(source)
    with tempfile.TemporaryDirectory() as folder:
        module = Path(folder) / f"{MODULE}.py"
        make_py_source(ffi, MODULE, str(module))
        tree = ast.parse(module.read_text(encoding="utf-8"))
    call = next(node for node in ast.walk(tree) if isinstance(node, ast.Call))
    return {word.arg: ast.literal_eval(word.value) for word in call.keywords if word.arg}


class DeclaredOnce:
    """`cffi.FFI` for `weasyprint.text.ffi` (libraries.py puts it there while that module
    runs): its `cdef` gives the kept FFI when there is one for that source, else cffi's
    own, parsed, which is then kept where Python writes bytecode. Everything else is the
    chosen FFI's; libraries.py then puts that FFI itself in the module."""

    def __init__(self, original_class, write: bool | None = None):
        self._class = original_class
        self._write = pycache.writes(write)
        self.ffi: Any = None

    def cdef(self, source: str, **options) -> None:
        if self.ffi is not None or options:
            self._chosen().cdef(source, **options)
            return
        SEEN.append(source)
        self.ffi = kept(source)
        if self.ffi is None:
            parsed = self._class()
            parsed.cdef(source)
            self.ffi = parsed
            if self._write:
                keep(source)

    def _chosen(self):
        if self.ffi is None:
            self.ffi = self._class()
        return self.ffi

    def __getattr__(self, name: str):
        return getattr(self._chosen(), name)


def main() -> None:
    """setup.sh: keep the data for the declarations of the installed WeasyPrint."""
    import weasyprint.text.ffi  # noqa: F401  (its declarations are seen)

    for source in SEEN:
        keep(source)


if __name__ == "__main__":  # as itself, not __main__: SEEN is the imported module's
    from fichemetier.declarations import main as keep_seen

    keep_seen()
