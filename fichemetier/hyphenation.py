"""pyphen's hyphenation patterns, parsed once and kept, as Python keeps bytecode.

WeasyPrint hyphenates with pyphen, which parses a language's dictionary (hyph_fr.dic:
~2 900 patterns) in each process, the first time a word of that language is hyphenated:
~10 ms of a fresh process's first page. The parsed patterns are plain data (letters → the
offset and digits of a pattern): `KeptPatterns` keeps them with marshal in the package's
`__pycache__` (the project's own folder; written by setup.sh, `python -m
fichemetier.hyphenation`, or by a run where Python writes bytecode) and uses them only for
the very dictionary they were parsed from, by this pyphen and this Python (the key: the
dictionary's bytes, pyphen's version, Python's). Anything else (missing, unreadable,
another key, not plain data) is ignored and the dictionary parsed as before; a dictionary
with nonstandard patterns (`/`: pyphen's `DataInt`) is never kept. The hyphenation points
are pyphen's own (tests/test_hyphenation.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pyphen

from . import pycache
from .paths import PACKAGE

KEPT = PACKAGE / "__pycache__"
#: pyphen's own class, which parses (`install` puts ours in its place).
PARSED: Any = pyphen.HyphDict
#: The language our pages are in (templates: `<html lang="fr">`), kept by setup.sh.
LANGUAGES = ("fr",)


class KeptPatterns(PARSED):
    """pyphen's `HyphDict`, its patterns read from the kept data when there is some for
    this dictionary; else parsed by pyphen, then kept where Python writes bytecode."""

    patterns: dict[str, tuple[int, tuple[int, ...]]]

    def __init__(self, path, write: bool | None = None):
        path = Path(path)
        key = _key(path)
        patterns = _kept(path, key)
        if patterns is None:
            super().__init__(path)
            if pycache.writes(write):
                keep(path, self.patterns, key)
            return
        self.patterns = patterns
        self.cache: dict[str, list] = {}
        self.maxlen = max(len(letters) for letters in patterns)  # as pyphen sets it


def kept_file(path: Path) -> Path:
    return KEPT / f"pyphen-{path.stem}.marshal"


def _key(path: Path) -> str:
    return pycache.digest(pyphen.__version__, sys.version, path.read_bytes())


def _kept(path: Path, key: str) -> dict | None:
    return pycache.read(kept_file(path), key, _plain)


def _plain(patterns) -> bool:
    """pyphen's patterns as marshal gives them back: text → (int, tuple of ints), at least
    one (pyphen takes their longest)."""
    return (
        type(patterns) is dict
        and bool(patterns)
        and all(
            type(letters) is str
            and type(pattern) is tuple
            and len(pattern) == 2
            and type(pattern[0]) is int
            and type(pattern[1]) is tuple
            and all(type(value) is int for value in pattern[1])
            for letters, pattern in patterns.items()
        )
    )


def keep(path: Path, patterns: dict, key: str | None = None) -> None:
    """Keep `patterns` for the dictionary at `path` (not plain: nothing; an unwritable
    place keeps nothing)."""
    if _plain(patterns):
        pycache.keep(kept_file(path), key or _key(path), patterns)


def install() -> None:
    """pyphen makes its dictionaries with ours (it looks `HyphDict` up at each new one)."""
    pyphen.HyphDict = KeptPatterns


def main() -> None:
    """setup.sh: keep the patterns of our pages' languages."""
    for language in LANGUAGES:
        path = Path(pyphen.LANGUAGES[pyphen.language_fallback(language)])
        keep(path, PARSED(path).patterns)


if __name__ == "__main__":
    main()
