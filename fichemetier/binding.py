"""Step 5c, binding: the chosen fiches laid out as one catalogue, the failing ones left out.

The catalogue is one document (cover, contents, every fiche from a right-hand page). A
fiche that breaks the preflight (over its page budget, text past its frame) is left out,
as the batch would not print it either, and the catalogue is laid out again without it.
Findings on the cover and contents belong to the catalogue itself (`fiche` None).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .catalogue import Entry
from .options import RenderOptions

if TYPE_CHECKING:
    from weasyprint import Document

    from .preflight import Finding
    from .render import Renderer


@dataclass
class Bound:
    """The catalogue as laid out last: its fiches, and what the preflight found (the errors
    of every layout, so those of the fiches left out too, and the last layout's warnings),
    each with the entry it is about."""

    document: Document | None = None
    entries: list[Entry] = field(default_factory=list)
    findings: list[tuple[Entry | None, Finding]] = field(default_factory=list)
    #: The last layout's cover or contents overflow: no catalogue is written (the previous
    #: one stays). An earlier layout's do not count: a fiche left out may have caused them.
    cover_broken: bool = False


def bind(
    renderer: Renderer, chosen: list[Entry], options: RenderOptions, titre: str, filtre: str
) -> Bound:
    """Lay out the catalogue and preflight it; again without the fiches in error, until
    none is left in error (or none is left)."""
    from .preflight import preflight

    bound = Bound(entries=chosen)
    errors: list[tuple[Entry | None, Finding]] = []
    while bound.entries:
        document = renderer.catalogue_layout(bound.entries, options, titre, filtre)
        fiches = [entry.fiche for entry in bound.entries]
        found = [(_entry(bound.entries, f), f) for f in preflight(document, fiches, options)]
        errors += [(entry, f) for entry, f in found if not f.warning]
        failing = {f.fiche for _, f in found if not f.warning and f.fiche is not None}
        bound.document = document
        bound.cover_broken = any(entry is None and not f.warning for entry, f in found)
        bound.findings = errors + [(e, f) for e, f in found if f.warning]  # may repeat
        if not failing:
            break
        bound.entries = [e for i, e in enumerate(bound.entries) if i not in failing]
    return bound


def _entry(entries: list[Entry], finding: Finding) -> Entry | None:
    return entries[finding.fiche] if finding.fiche is not None else None
