"""Which files are fiches: the paths named on the command line, folders expanded.

Shared by the command line and the studio, so that both see the same fiches in a folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import UsageError
from .paths import shown

FICHE_SUFFIXES = (".yaml", ".yml")
DEFAULT_FOLDER = Path("fiches")


def collect(paths: list[Path]) -> list[Path]:
    """The fiche files named on the command line, folders expanded to their fiches."""
    files: list[Path] = []
    for path in paths or [DEFAULT_FOLDER]:
        if path.is_dir():  # the folder as shown once, not each of its 10 000 fiches
            folder = shown(path)
            files.extend(folder / fiche.name for fiche in fiches_in(path))
        elif path.is_file():
            files.append(shown(path))  # named on purpose: taken whatever its name
        else:
            raise UsageError(f"{path} : fichier ou dossier introuvable")
    if not files:
        raise UsageError(
            f"aucune fiche (.yaml) dans {', '.join(map(str, paths or [DEFAULT_FOLDER]))}"
        )
    return list(dict.fromkeys(files))


def fiches_in(folder: Path) -> list[Path]:
    """A folder's fiches: `.yaml`/`.yml` in any case (`.YAML` from a Windows stick), not
    hidden files nor editors' and systems' leftovers (`.#x.yaml`, `._x.yaml` from macOS,
    `x.yaml~`): those are copies, not fiches."""
    try:  # scandir: the entries' types come with the listing, without a stat each
        with os.scandir(folder) as listing:
            names = sorted(entry.name for entry in listing if entry.is_file())
    except OSError as exc:
        raise UsageError(f"{folder} : dossier illisible ({exc.strerror})") from None
    return [
        folder / name
        for name in names
        if Path(name).suffix.lower() in FICHE_SUFFIXES and not name.startswith(".")
    ]


def folders_read(paths: list[Path]) -> list[Path]:
    """The folders a run reads whole (by default, fiches/): only there may the PDFs of
    fiches that are gone be removed."""
    return [path for path in paths or [DEFAULT_FOLDER] if path.is_dir()]
