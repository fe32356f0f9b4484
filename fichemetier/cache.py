"""Incremental builds: which PDFs are already up to date.

A PDF is up to date when nothing that shaped it changed: the fiche file, its images,
the templates, styles and fonts, the package's code, the options. The record is one
small JSON file in the output folder; missing, corrupt or from another setup, it is
simply empty and everything is rendered again. It is never trusted over the disk: a
PDF that was deleted or touched since is rendered again.

A no-op rerun must be quick at 10 000 fiches, so a fiche whose file and images have the
same size, times and inode as when they were last hashed is not read again (as make and
git do); any difference in those, and the contents are hashed as before. A stamp is
taken before the file is read, and not kept for a file changed in the last
RACY_SECONDS (a coarse clock could hide a second edit), so it never vouches for
contents it did not see. The record is written only when it changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import stat
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from . import __version__
from .errors import FicheProblem
from .paths import SHARED_INPUTS
from .write import write_atomic

CACHE_NAME = ".fiches-cache.json"
#: A photo is a few MB; more is no photo of a fiche (a device named in a damaged record).
MAX_DEPENDENCY = 100_000_000
#: A file changed this recently gets no stamp: its contents are hashed on the next run.
RACY_SECONDS = 2.0
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
    versions = (__version__, platform.python_version(), _versions(LIBRARIES))
    digest.update(json.dumps([versions, options], sort_keys=True, default=str).encode())
    for folder in INPUT_FOLDERS:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder.parent)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _versions(names: tuple[str, ...]) -> list[str]:
    """`name version` of each library, read from the names of the `*.dist-info` folders
    on sys.path (one listing; importlib.metadata scans the path again for each name)."""
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            if entry.endswith(".dist-info"):
                name, _, number = entry[: -len(".dist-info")].partition("-")
                found.setdefault(_normal(name), number)
    return [f"{n} {found[_normal(n)]}" if _normal(n) in found else _version(n) for n in names]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

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
        self.changed = True  # until read back: a missing or stale record is written
        #: Stamps taken this run before any reading (see `record`), by file path.
        self.stamps: dict[str, list[int] | None] = {}
        self.listed: set[str] = set()  # the sources asked about: they exist
        self._folders: dict[str, str] = {}
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            if saved.get("setup") == setup and isinstance(saved.get("fiches"), dict):
                self.entries = saved["fiches"]
                self.changed = False
        except (OSError, ValueError, AttributeError):
            pass  # no cache, or an unreadable one: render everything
        if not all(isinstance(entry, dict) for entry in self.entries.values()):
            self.entries = {}

    def is_fresh(self, source: Path, target: Path) -> bool:
        entry = self.entries.get(target.name)
        resolved = self._resolved(source)
        self.listed.add(resolved)
        stamp = self._take_stamp(source)
        if not entry or entry.get("source") != resolved:
            return False
        try:
            if entry.get("pdf") != _stamp(target):
                return False
            dependencies = [Path(d) for d in entry["deps"]]
            stamps = [stamp, *(self._take_stamp(d) for d in dependencies)]
            if None not in stamps and entry.get("stamps") == stamps:
                return True  # not changed since it was last hashed: not read again
            from .load import file_digest  # here: ruamel.yaml is not needed to skip

            own = file_digest(source.read_bytes())
            fresh = entry.get("key") == inputs_key(own, dependencies)
        except (OSError, KeyError, TypeError, ValueError):
            return False
        if fresh and None not in stamps:  # the contents hashed are those stamped
            entry["stamps"] = stamps
            self.changed = True
        return fresh

    def _resolved(self, source: Path) -> str:
        """`source.resolve()`, its folder resolved once (10 000 fiches share one)."""
        if source.is_symlink():
            return str(source.resolve())
        folder = str(source.parent)
        if folder not in self._folders:
            self._folders[folder] = str(source.parent.resolve())
        return os.path.join(self._folders[folder], source.name)

    def _take_stamp(self, path: Path) -> list[int] | None:
        """The file's stamp, kept for `record`; None if it cannot vouch for the file."""
        try:
            info = path.stat()
        except OSError:
            stamp = None
        else:
            racy = time.time() - info.st_mtime < RACY_SECONDS
            stamp = (
                None if racy else [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
            )
        self.stamps[str(path)] = stamp
        return stamp

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
            "source": self._resolved(source),
            "deps": [str(d) for d in dependencies],
            "key": key,
            "pdf": _stamp(target),
            "warnings": [asdict(w) for w in warnings],
        }
        # Stamps taken in this run's triage, before the file was read for `key`: a fiche
        # edited since has another stamp, and is hashed next time.
        stamps = [self.stamps.get(str(path)) for path in (source, *dependencies)]
        if None not in stamps:
            self.entries[target.name]["stamps"] = stamps
        self.changed = True

    def warnings(self, target: Path) -> list[FicheProblem]:
        try:
            return [FicheProblem(**w) for w in self.entries[target.name].get("warnings", [])]
        except (KeyError, TypeError):
            return []

    def forget(self, target: Path) -> None:
        if self.entries.pop(target.name, None) is not None:
            self.changed = True

    def orphans(self, out: Path, folders: list[Path]) -> list[Path]:
        """The PDFs this tool wrote for fiches that no longer exist, among those that were
        in `folders` (folders read whole by this run: a run on `fiches/a.yaml` alone knows
        nothing of `fiches/b.yaml`). A PDF changed since it was written is not ours any more:
        its record is dropped, the file kept."""
        covered = {str(folder.resolve()) for folder in folders}
        found = []
        for name, entry in list(self.entries.items()):
            source = Path(str(entry.get("source", "")))
            if str(source) in self.listed:  # found in its folder by this very run
                continue
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
                self.changed = True
        return found

    def save(self) -> None:
        """Write the record, if anything in it changed (one JSON line: Python's C encoder
        writes 10 000 entries in milliseconds, its indenting one in a second)."""
        if not self.changed:
            return
        data = {"setup": self.setup, "fiches": self.entries}
        # ASCII: a file name that is not UTF-8 holds lone surrogates, kept as \\udce9
        write_atomic(self.path, json.dumps(data, separators=(",", ":")).encode())
        self.changed = False


def _stamp(pdf: Path) -> list[int]:
    stat = pdf.stat()
    return [stat.st_size, stat.st_mtime_ns]
