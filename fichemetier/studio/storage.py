"""The fiches folder as the studio sees it: paths kept inside it, YAML written back with
its comments, drafts saved on every change, and no silent overwrite.

The YAML file stays the source of truth. Saving merges the form's data into the file as
ruamel.yaml read it, so the key order and the comments of the fields that did not change
are kept. A draft of every change lives in `FOLDER/.brouillons/` until it is saved: a
closed tab or a crashed server loses nothing. A file changed on disk since it was opened
is not overwritten: both versions are kept.
"""

from __future__ import annotations

import io
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from ..load import MAX_BYTES, file_digest
from ..model import Fiche
from ..sources import fiches_in
from ..write import write_atomic

DRAFTS = ".brouillons"
_NAME = re.compile(r"[^/\\\x00]{1,200}\.ya?ml")


class OutsideFolder(Exception):
    """A name that would read or write outside the fiches folder (`..`, a symlink)."""


class Conflict(Exception):
    """The file changed on disk since it was opened; `kept` is where the user's version is."""

    def __init__(self, kept: Path):
        super().__init__(str(kept))
        self.kept = kept


@dataclass(frozen=True)
class Opened:
    text: str
    digest: str


class Folder:
    def __init__(self, root: Path):
        self.root = root.resolve()

    def fiches(self) -> list[Path]:
        """The folder's fiches, as the command line sees them (sources.fiches_in)."""
        return [p for p in fiches_in(self.root) if self._inside(p)]

    def path(self, name: str) -> Path:
        """The fiche called `name` (a bare file name), refused if it leaves the folder."""
        if not _NAME.fullmatch(name) or name.startswith(".") or name in (".", ".."):
            raise OutsideFolder(name)
        path = self.root / name
        if not self._inside(path):
            raise OutsideFolder(name)
        return path

    def asset(self, name: str, suffixes: tuple[str, ...]) -> Path:
        """A photo of the folder: a bare name with one of `suffixes`, inside the folder."""
        path = self.root / name
        if "/" in name or "\\" in name or name.startswith(".") or not self._inside(path):
            raise OutsideFolder(name)
        if path.suffix.lower() not in suffixes:
            raise OutsideFolder(name)
        return path

    def _inside(self, path: Path) -> bool:
        try:  # resolve() follows symlinks: a link out of the folder is refused
            return path.resolve().parent == self.root
        except (OSError, RuntimeError, ValueError):
            return False

    # -- the fiche file ---------------------------------------------------------------

    def read(self, path: Path) -> Opened:
        raw = path.read_bytes()[: MAX_BYTES + 1]
        return Opened(raw.decode("utf-8-sig", errors="replace"), file_digest(raw))

    def digest(self, path: Path) -> str | None:
        try:
            return file_digest(path.read_bytes())
        except FileNotFoundError:
            return None

    def save(self, path: Path, data: dict[str, Any], opened_digest: str, force: bool = False):
        """Write `data` into the file, keeping what did not change. A file changed on disk
        since `opened_digest` is kept as it is and the user's version stays a draft
        (`Conflict`); with `force`, the disk's version is copied aside first."""
        now = self.digest(path)
        if now is not None and now != opened_digest:
            if not force:
                raise Conflict(self.save_draft(path, data, opened_digest))
            self._copy_aside(path, "disque")
        text = path.read_text(encoding="utf-8-sig") if now is not None else ""
        write_atomic(path, merged_yaml(text, data).encode("utf-8"))
        self.drop_draft(path)
        return self.digest(path)

    def _copy_aside(self, path: Path, label: str) -> Path:
        copy = self._drafts() / f"{path.stem}.{label}-{time.strftime('%Y%m%d-%H%M%S')}.yaml"
        write_atomic(copy, path.read_bytes())
        return copy

    # -- drafts -----------------------------------------------------------------------

    def _drafts(self) -> Path:
        folder = self.root / DRAFTS
        folder.mkdir(exist_ok=True)
        return folder

    def _draft_files(self, path: Path) -> tuple[Path, Path]:
        folder = self._drafts()
        return folder / f"{path.stem}.yaml", folder / f"{path.stem}.json"

    def save_draft(self, path: Path, data: dict[str, Any], opened_digest: str) -> Path:
        """The form as it is now, readable YAML, and the digest of the file it started from."""
        draft, meta = self._draft_files(path)
        write_atomic(draft, dump_yaml(data).encode("utf-8"))
        info = {"fiche": path.name, "digest": opened_digest, "time": time.time()}
        write_atomic(meta, json.dumps(info).encode("utf-8"))
        return draft

    def draft(self, path: Path) -> tuple[dict[str, Any], str, float] | None:
        """The unsaved draft of `path`: its data, the digest it started from, its time."""
        draft, meta = self._draft_files(path)
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            data = YAML(typ="safe").load(draft.read_text(encoding="utf-8")) or {}
        except Exception:  # no draft, or a damaged one (bad JSON or YAML): ignored
            return None
        return (data if isinstance(data, dict) else {}), info["digest"], info["time"]

    def drop_draft(self, path: Path, keep_copy: bool = False) -> None:
        draft, meta = self._draft_files(path)
        if keep_copy and draft.exists():  # the user chose the disk's version: keep theirs too
            draft.rename(self._drafts() / f"{path.stem}.mien-{time.strftime('%Y%m%d-%H%M%S')}.yaml")
        for file in (draft, meta):
            file.unlink(missing_ok=True)


# -- YAML round trip ------------------------------------------------------------------


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 4096  # never re-wrap what a person wrote; long new texts are folded below
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)  # "  - item", as the seed fiche is written
    yaml.allow_unicode = True
    return yaml


def dump_yaml(data: dict[str, Any]) -> str:
    return merged_yaml("", data)


def merged_yaml(text: str, data: dict[str, Any]) -> str:
    """`data` written over the YAML `text`: values that did not change keep their node
    (style and comments), new keys take the model's order, removed keys go."""
    yaml = _yaml()
    document = yaml.load(text) if text.strip() else None
    if not isinstance(document, CommentedMap):
        document = CommentedMap()
    merged = _merge(document, data, list(Fiche.model_fields))
    out = io.StringIO()
    yaml.dump(merged, out)
    return out.getvalue()


def _merge(old: Any, new: Any, order: list[str] | None = None) -> Any:
    if isinstance(new, dict):
        target = old if isinstance(old, CommentedMap) else CommentedMap()
        for key in [k for k in target if k not in new]:
            del target[key]
        for key, value in new.items():
            merged = _merge(target.get(key), value)
            if key in target:
                target[key] = merged
            else:
                target.insert(_position(target, key, order or list(new)), key, merged)
        return target
    if isinstance(new, list):
        items = old if isinstance(old, CommentedSeq) else CommentedSeq()
        del items[len(new) :]
        for index, value in enumerate(new):
            if index < len(items):
                items[index] = _merge(items[index], value)
            else:
                items.append(_merge(None, value))
        return items
    return _scalar(old, new)


def _position(target: CommentedMap, key: str, order: list[str]) -> int:
    """Where a new key goes: after the keys that come before it in the model."""
    rank = order.index(key) if key in order else len(order)
    before = [k for k in target if k in order and order.index(k) < rank]
    return (list(target).index(before[-1]) + 1) if before else 0


def _scalar(old: Any, new: Any) -> Any:
    """An unchanged value keeps its node; a text keeps its style (a folded `>-` stays
    folded); a text of several lines is written as a block `|`, as a person would."""
    if old == new and (isinstance(old, str) or type(old) is type(new)):
        return old
    if isinstance(new, str) and "\n" in new:
        return LiteralScalarString(new.rstrip("\n") + "\n")
    if isinstance(new, str) and (len(new) > WRAP or isinstance(old, FoldedScalarString)):
        return _folded(new)
    return new


WRAP = 84


def _folded(text: str) -> FoldedScalarString:
    """A long one-line text as a folded `>-` block, cut at spaces near WRAP columns (the
    text read back is the same single line)."""
    folded = FoldedScalarString(text)
    cuts, start = [], 0
    while len(text) - start > WRAP:
        cut = text.rfind(" ", start + 1, start + WRAP)
        if cut <= start:
            cut = text.find(" ", start + WRAP)
        if cut < 0:
            break
        if text[cut - 1] != " " and text[cut + 1 : cut + 2] not in (" ", ""):
            cuts.append(cut)
        start = cut + 1
    folded.fold_pos = cuts  # type: ignore[attr-defined]  # ruamel's own record of where a folded block's lines end
    return folded
