"""Step 5c, binding: the chosen fiches bound into one catalogue, the failing ones left out.

Laying out the catalogue as one document took ~0.2 s a fiche in one process, ~3.7 MB a
fiche of memory, and all of it again for each fiche that failed. It is bound instead:
each fiche is laid out alone in the workers (`piece`: as a catalogue lays it out, from a
right-hand page, without margin boxes), preflighted and written to a temporary PDF; a
fiche that breaks the preflight (over its page budget, text past its frame) is left out,
as the batch would not print it either. Then the skeleton (cover, contents, and as many
empty pages for each fiche as it has, with its running header, footer and page numbers,
so that every page number is the bound file's) is laid out and preflighted, and
`assembly` puts each fiche's pages on its empty pages. Findings on the cover and contents
belong to the catalogue itself (`fiche` None).

In A4 every fiche that passes takes two pages of the catalogue (one or two, then the
next starts on a right-hand page), so the skeleton is laid out in a worker alongside the
fiches, guessed with two pages each but the last (laid out first to count its pages);
it is used when the guess holds (no fiche left out, no finding), else laid out again
here with the real counts: the same catalogue either way.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .catalogue import Entry
from .livret import Dos
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


@dataclass(frozen=True)
class SkeletonJob:
    """The skeleton to lay out, with `pages` empty pages for each fiche (`last`: count
    the last fiche's pages first, laying it out alone); its PDF is made when `write`."""

    entries: list[Entry]
    pages: list[int]
    options: RenderOptions
    titre: str
    filtre: str
    write: bool
    last: bool = False


@dataclass(frozen=True)
class Skeleton:
    """A skeleton laid out: its PDF (None if not asked for, or if it has errors), its page
    count, each fiche's first page (0-based), its findings and the pages it gave each
    fiche."""

    pdf: bytes | None
    pages: int
    starts: list[int]
    findings: list[Finding]
    slots: list[int]


def _task(job: PieceJob | SkeletonJob) -> Piece | Skeleton:
    """In a worker: one fiche, or the skeleton."""
    return skeleton(job) if isinstance(job, SkeletonJob) else piece(job)


def skeleton(job: SkeletonJob) -> Skeleton:
    """Lay out and preflight the skeleton; make its PDF if it has no error."""
    from .pipeline import renderer
    from .preflight import preflight

    pages = list(job.pages)
    if job.last:  # the catalogue's page total depends on the last fiche's own
        pages[-1] = len(renderer().piece_layout(job.entries[-1], job.options).pages)
    document = renderer().catalogue_layout(
        job.entries, job.options, job.titre, job.filtre, pages=pages
    )
    found = preflight(document, [e.fiche for e in job.entries], job.options)
    starts: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:  # a fiche's anchor is on each of its pages
            starts.setdefault(anchor, number)
    firsts = [starts[f"fiche-{i}"] for i in range(1, len(job.entries) + 1)]
    pdf = None
    if job.write and all(f.warning for f in found):
        pdf = renderer().write(document, job.options)
    return Skeleton(pdf, len(document.pages), firsts, found, pages)


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
    booklet, options = options, replace(options, livret=False)  # imposed once bound
    with tempfile.TemporaryDirectory(prefix="fiches-catalogue-") as folder:
        jobs: list[PieceJob | SkeletonJob] = [
            PieceJob(entry, options, Path(folder, f"{i:05}.pdf") if write else None)
            for i, entry in enumerate(chosen)
        ]
        guess = None
        if pool.count > 1 and len(chosen) > 1 and options.page_budget <= 2:
            slots = [2] * len(chosen)
            guess = SkeletonJob(chosen, slots, options, titre, filtre, write, last=True)
            jobs.insert(0, guess)  # the longest task: first, not last
        laid_out: list[tuple[PieceJob, int]] = []
        guessed: Skeleton | None = None
        for job, result in pool.ordered(_task, jobs):
            if isinstance(result, Skeleton):
                guessed = result
            elif isinstance(result, BaseException):  # a worker died or got stuck
                if isinstance(job, PieceJob):
                    bound.findings.append((job.entry, Finding((), LOST)))
            else:
                bound.findings += [(job.entry, f) for f in result.findings]
                if not result.failed:
                    laid_out.append((job, result.pages))
        found: Skeleton | None
        if guessed is not None and _holds(guessed, laid_out, len(chosen)):
            found = guessed
            bound.findings += [(chosen[f.fiche or 0], f) for f in found.findings]
            kept = laid_out
        else:
            found, kept = _skeleton(bound, laid_out, options, titre, filtre, write)
        bound.entries = [job.entry for job, _ in kept]
        if found is None or bound.cover_broken:
            return bound
        bound.pages = found.pages
        if write and found.pdf is not None:
            from .finishing import ink_of

            bound.pdf = _assembled(found, kept, ink_of(options.print, options.pdfa))
            if booklet.livret:
                from .pipeline import renderer

                dos = Dos(titre, chosen[0].fiche.rubrique)
                bound.pdf = renderer().booklet(bound.pdf, bound.pages, booklet, dos)
    return bound


def _holds(guessed: Skeleton | None, laid_out: list, count: int) -> bool:
    """Whether the skeleton laid out alongside the fiches is theirs: none left out, each
    within the pages it was given (a one-page fiche's second is blank, as it would be),
    the last exactly, and no finding of its own."""
    if guessed is None or isinstance(guessed, BaseException) or len(laid_out) != count:
        return False
    fits = all(pages <= slot for (_, pages), slot in zip(laid_out, guessed.slots, strict=True))
    return fits and laid_out[-1][1] == guessed.slots[-1] and not guessed.findings


def _skeleton(
    bound: Bound, laid_out: list, options: RenderOptions, titre: str, filtre: str, write: bool
) -> tuple[Skeleton | None, list]:
    """Lay out and preflight the skeleton (the running headers and footers are its own)
    with the fiches' real page counts, again without its fiches in error. Returns it and
    the fiches it holds."""
    while laid_out:
        entries = [job.entry for job, _ in laid_out]
        pages = [count for _, count in laid_out]
        found = skeleton(SkeletonJob(entries, pages, options, titre, filtre, write))
        errors = [f for f in found.findings if not f.warning]
        bound.findings += [
            (entries[f.fiche] if f.fiche is not None else None, f) for f in found.findings
        ]
        bound.cover_broken = any(f.fiche is None for f in errors)
        failing = {f.fiche for f in errors if f.fiche is not None}
        if not failing:
            return found, laid_out
        laid_out = [item for i, item in enumerate(laid_out) if i not in failing]
    return None, []


def _assembled(found: Skeleton, kept: list, marks: str | None) -> bytes:
    from .assembly import assemble

    assert found.pdf is not None
    pieces = [
        (job.target, start, count, slot)
        for (job, count), start, slot in zip(kept, found.starts, found.slots, strict=True)
    ]
    return assemble(found.pdf, pieces, marks)
