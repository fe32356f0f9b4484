"""Incremental builds: which PDFs are already up to date.

A PDF is up to date when nothing that shaped it changed: the fiche file, its images,
the templates, styles and fonts, the package's code, the options. The record is one
small JSON file in the output folder; missing, corrupt or from another setup, it is
simply empty and everything is rendered again. It is never trusted over the disk: a
PDF that was deleted or touched since is rendered again.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import stat
from collections.abc import Sequence
from dataclasses import asdict
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from . import __version__
from .errors import FicheProblem
from .load import file_digest
from .paths import SHARED_INPUTS
from .write import write_atomic

CACHE_NAME = ".fiches-cache.json"
#: A photo is a few MB; more is no photo of a fiche (a device named in a damaged record).
MAX_DEPENDENCY = 100_000_000
INPUT_FOLDERS = SHARED_INPUTS
#: Libraries whose upgrade may change a PDF (layout, fonts, hyphenation, links, text).
LIBRARIES = (
    "weasyprint",
    "pydyf",
    "tinycss2",
    "tinyhtml5",
    "cssselect2",
    "pyphen",
    "fonttools",
    "pillow",
    "jinja2",
    "markdown-it-py",
    "linkify-it-py",
    "ruamel.yaml",
    "pydantic",
    "segno",
    "pikepdf",  # finishing re-saves every PDF through it (qpdf)
)


def setup_key(options: dict[str, Any]) -> str:
    """One hash of everything shared by all fiches: code, templates, styles, fonts, options."""
    digest = hashlib.sha256()
    versions = (__version__, platform.python_version(), [_version(n) for n in LIBRARIES])
    digest.update(json.dumps([versions, options], sort_keys=True, default=str).encode())
    for folder in INPUT_FOLDERS:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder.parent)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _version(name: str) -> str:
    try:
        return f"{name} {version(name)}"
    except PackageNotFoundError:
        return f"{name} absent"


def inputs_key(source_digest: str, dependencies: list[Path]) -> str:
    """Hash of one fiche's own inputs: its file's digest and the images it uses."""
    digest = hashlib.sha256(source_digest.encode())
    for path in dependencies:  # photos; a hand-edited record may name a pipe or a device
        if not stat.S_ISREG(path.stat().st_mode) or path.stat().st_size > MAX_DEPENDENCY:
            raise OSError(f"{path} n'est pas une image ordinaire")
        digest.update(os.fsencode(path) + b"\0" + path.read_bytes())
    return digest.hexdigest()


class BuildCache:
    """What was rendered, from which inputs, into which PDF (size and time)."""

    def __init__(self, out: Path, setup: str):
        self.path = out / CACHE_NAME
        self.setup = setup
        self.entries: dict[str, dict[str, Any]] = {}
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            if saved.get("setup") == setup and isinstance(saved.get("fiches"), dict):
                self.entries = saved["fiches"]
        except (OSError, ValueError, AttributeError):
            pass  # no cache, or an unreadable one: render everything
        if not all(isinstance(entry, dict) for entry in self.entries.values()):
            self.entries = {}

    def is_fresh(self, source: Path, target: Path) -> bool:
        entry = self.entries.get(target.name)
        if not entry or entry.get("source") != str(source.resolve()):
            return False
        try:
            if entry.get("pdf") != _stamp(target):
                return False
            own = file_digest(source.read_bytes())
            return entry.get("key") == inputs_key(own, [Path(d) for d in entry["deps"]])
        except (OSError, KeyError, TypeError, ValueError):
            return False

    def record(
        self,
        source: Path,
        target: Path,
        dependencies: list[Path],
        key: str,
        warnings: Sequence[FicheProblem] = (),
    ) -> None:
        """Remember a PDF just written; `key` is the inputs_key taken *before* rendering, so
        a fiche edited during the render is seen as changed next time. Its preflight
        warnings are kept to be shown again while the PDF stays up to date."""
        self.entries[target.name] = {
            "source": str(source.resolve()),
            "deps": [str(d) for d in dependencies],
            "key": key,
            "pdf": _stamp(target),
            "warnings": [asdict(w) for w in warnings],
        }

    def warnings(self, target: Path) -> list[FicheProblem]:
        try:
            return [FicheProblem(**w) for w in self.entries[target.name].get("warnings", [])]
        except (KeyError, TypeError):
            return []

    def forget(self, target: Path) -> None:
        self.entries.pop(target.name, None)

    def orphans(self, out: Path, folders: list[Path]) -> list[Path]:
        """The PDFs this tool wrote for fiches that no longer exist, among those that were
        in `folders` (folders read whole by this run: a run on `fiches/a.yaml` alone knows
        nothing of `fiches/b.yaml`). A PDF changed since it was written is not ours any more:
        its record is dropped, the file kept."""
        covered = {str(folder.resolve()) for folder in folders}
        found = []
        for name, entry in list(self.entries.items()):
            source = Path(str(entry.get("source", "")))
            if str(source.parent) not in covered or source.exists():
                continue
            target = out / name
            try:
                ours = entry.get("pdf") == _stamp(target)
            except OSError:
                ours = False
            if ours:
                found.append(target)
            else:
                self.entries.pop(name)
        return found

    def save(self) -> None:
        data = {"setup": self.setup, "fiches": self.entries}
        # ASCII: a file name that is not UTF-8 holds lone surrogates, kept as \\udce9
        write_atomic(self.path, json.dumps(data, indent=0).encode())


def _stamp(pdf: Path) -> list[int]:
    stat = pdf.stat()
    return [stat.st_size, stat.st_mtime_ns]
