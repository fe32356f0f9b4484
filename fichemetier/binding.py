"""Step 5c, binding: the chosen fiches bound into one catalogue, the failing ones left out.

Laying out the catalogue as one document took ~0.2 s a fiche in one process, ~3.7 MB a
fiche of memory, and all of it again for each fiche that failed. It is bound instead:
each fiche is laid out alone in the workers (`piece`: as a catalogue lays it out, from a
right-hand page, without margin boxes), preflighted and written to a temporary PDF; a
fiche that breaks the preflight (over its page budget, text past its frame) is left out,
as the batch would not print it either. Then the skeleton (cover, contents, and as many
empty pages for each fiche as it has, with its running header, footer and page numbers,
so that every page number is the bound file's) is laid out and preflighted here, and
`assembly` puts each fiche's pages on its empty pages. Findings on the cover and contents
belong to the catalogue itself (`fiche` None).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .catalogue import Entry
from .options import RenderOptions

if TYPE_CHECKING:
    from .batch import Workers
    from .preflight import Finding

LOST = "le processus de travail s'est arrêté pendant la mise en page de cette fiche : relancez"


@dataclass
class Bound:
    """The catalogue as bound: its fiches, its PDF (None when not asked for, or when it
    could not be made) and page count, and what the preflight found (every error, so those
    of the fiches left out too, and the warnings), each with the entry it is about."""

    pdf: bytes | None = None
    pages: int = 0
    entries: list[Entry] = field(default_factory=list)
    findings: list[tuple[Entry | None, Finding]] = field(default_factory=list)
    #: The last skeleton's cover or contents overflow: no catalogue is written (the
    #: previous one stays). An earlier one's do not count: a fiche left out may have
    #: caused them.
    cover_broken: bool = False


@dataclass(frozen=True)
class PieceJob:
    """One fiche to lay out for the catalogue; its PDF goes to `target` (None: preflight
    only, as `--check` asks)."""

    entry: Entry
    options: RenderOptions
    target: Path | None


@dataclass(frozen=True)
class Piece:
    """What a worker sends back for one fiche: its page count and preflight findings."""

    pages: int
    findings: list[Finding]

    @property
    def failed(self) -> bool:
        return any(not f.warning for f in self.findings)


def piece(job: PieceJob) -> Piece:
    """In a worker: lay out one fiche as the catalogue will show it, preflight it, and
    write its PDF unless it failed."""
    from .pipeline import renderer
    from .preflight import preflight

    document = renderer().piece_layout(job.entry, job.options)
    findings = preflight(document, [job.entry.fiche], job.options)
    found = Piece(len(document.pages), findings)
    if job.target is not None and not found.failed:
        job.target.write_bytes(renderer().write(document, job.options, marks=False))
    return found


def bind(
    pool: Workers,
    chosen: list[Entry],
    options: RenderOptions,
    titre: str,
    filtre: str,
    write: bool = True,
) -> Bound:
    """Lay out every fiche (in the workers), then the skeleton without those in error,
    again until none is left in error (or none is left); bind them when `write`."""
    from .preflight import Finding

    bound = Bound()
    with tempfile.TemporaryDirectory(prefix="fiches-catalogue-") as folder:
        jobs = [
            PieceJob(entry, options, Path(folder, f"{i:05}.pdf") if write else None)
            for i, entry in enumerate(chosen)
        ]
        laid_out: list[tuple[PieceJob, int]] = []
        for job, result in pool.ordered(piece, jobs):
            if isinstance(result, BaseException):  # a worker died or got stuck
                bound.findings.append((job.entry, Finding((), LOST)))
                continue
            bound.findings += [(job.entry, f) for f in result.findings]
            if not result.failed:
                laid_out.append((job, result.pages))
        skeleton, starts, kept = _skeleton(bound, laid_out, options, titre, filtre)
        bound.entries = [job.entry for job, _ in kept]
        if skeleton is None or bound.cover_broken:
            return bound
        bound.pages = len(skeleton.pages)
        if write:
            bound.pdf = _assembled(skeleton, kept, starts, options)
    return bound


def _skeleton(bound: Bound, laid_out: list, options: RenderOptions, titre: str, filtre: str):
    """Lay out and preflight the skeleton (the running headers and footers are its own),
    again without its fiches in error. Returns it, each fiche's first page, the fiches."""
    from .pipeline import renderer
    from .preflight import preflight

    while laid_out:
        entries = [job.entry for job, _ in laid_out]
        pages = [count for _, count in laid_out]
        document = renderer().catalogue_layout(entries, options, titre, filtre, pages=pages)
        found = preflight(document, [e.fiche for e in entries], options)
        errors = [f for f in found if not f.warning]
        bound.findings += [(entries[f.fiche] if f.fiche is not None else None, f) for f in found]
        bound.cover_broken = any(f.fiche is None for f in errors)
        failing = {f.fiche for f in errors if f.fiche is not None}
        if not failing:
            starts: dict[str, int] = {}
            for number, page in enumerate(document.pages):
                for anchor in page.anchors:  # a fiche's anchor is on each of its pages
                    starts.setdefault(anchor, number)
            firsts = [starts[f"fiche-{i}"] for i in range(1, len(entries) + 1)]
            return document, firsts, laid_out
        laid_out = [item for i, item in enumerate(laid_out) if i not in failing]
    return None, [], []


def _assembled(skeleton, kept: list, starts: list[int], options: RenderOptions) -> bytes:
    from .assembly import assemble
    from .pipeline import renderer

    data = renderer().write(skeleton, options)
    pieces = [(job.target, start, count) for (job, count), start in zip(kept, starts, strict=True)]
    return assemble(data, pieces)
