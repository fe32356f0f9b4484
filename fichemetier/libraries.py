"""How WeasyPrint finds Pango, HarfBuzz and fontconfig: quickly, on Linux.

WeasyPrint 70 (`weasyprint/text/ffi.py`) tries several names for each native library,
Windows' and macOS' first; cffi hands each name that is no file to
`ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then gcc and ld, for every
name that fails: 54 processes started before the first page of a fresh process (~130 ms
of CPU in them, and the waiting). On Linux each list ends with the soname
(`libpango-1.0.so.0`), which the dynamic loader finds by itself in its cache: the very
file the long way found. So while that one module runs (and only then), a name is looked
up nowhere else. Installed by the package (`fichemetier/__init__.py`), before any module
imports WeasyPrint; checked by tests/test_speedpaths.py.
"""

from __future__ import annotations

import importlib.machinery
import sys
from contextlib import contextmanager

#: The one module whose loading this changes.
LOADER = "weasyprint.text.ffi"


class _QuickLibraries:
    """A meta path finder for LOADER alone: its module runs with `_sonames_only`."""

    def find_spec(self, name, path, target=None):
        if name != LOADER:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


class _Loader:
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        with _sonames_only():
            self.loader.exec_module(module)


@contextmanager
def _sonames_only():
    import ctypes.util  # here: the parent of a batch never loads WeasyPrint

    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = original


def install() -> None:
    """Once per process, on Linux only (elsewhere find_library is what finds them)."""
    if sys.platform.startswith("linux") and not any(
        isinstance(finder, _QuickLibraries) for finder in sys.meta_path
    ):
        sys.meta_path.insert(0, _QuickLibraries())
