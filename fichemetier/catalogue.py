"""Step 5b, catalogue: the chosen fiches bound into one PDF for schools.

Which fiches (all valid ones, or those with a training at a given niveau) and in which
order: alphabetical by job title the French way, where É files with E, « Œ » with OE and
capitals do not come first. The layout itself (cover, contents with page numbers, each
fiche on a right-hand page, running headers) is in templates/catalogue.html.j2 and
styles/catalogue.css.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Fiche

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


@dataclass(frozen=True)
class Entry:
    """One fiche of the catalogue, with the file it came from (for messages and images)."""

    source: Path
    fiche: Fiche


def collation_key(text: str) -> tuple[str, str, str]:
    """French dictionary order: letters first (accents and case ignored), then accents,
    then case, so `Ébéniste` sits between `Ebay` and `Ecrivain` and ties are stable."""
    folded = text.casefold().translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFD", folded)
    letters = "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))
    return letters, decomposed, text


def niveaux_of(fiche: Fiche) -> list[str]:
    """The levels of the fiche's trainings, public and private, from CAP up, once each:
    shown beside its title in the contents, so a school finds the jobs for its pupils."""
    from .model import NIVEAUX

    groupes = list(fiche.formations_publiques or []) + list(fiche.formations_privees or [])
    found = {groupe.niveau for groupe in groupes if groupe.niveau}
    return [niveau for niveau in NIVEAUX if niveau in found]


def has_niveau(fiche: Fiche, niveau: str) -> bool:
    """Whether any public or private training of the fiche is at `niveau`."""
    return niveau in niveaux_of(fiche)


def select(entries: list[Entry], niveau: str | None = None) -> list[Entry]:
    chosen = [e for e in entries if niveau is None or has_niveau(e.fiche, niveau)]
    return sorted(chosen, key=lambda e: collation_key(e.fiche.metier))
