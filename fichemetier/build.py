"""Step 6, build: one run, from the settings the command line made to an exit code.

A run is one of three kinds, each a dataclass that `cli` builds once: a batch (every fiche
that changed gets its PDF), a check (the same, writing nothing) or a catalogue (the chosen
fiches bound in one PDF). Each goes in two phases, as users expect of a batch: every fiche
is read and validated first (all mistakes reported at once), then the valid ones are laid
out. Both phases run in worker processes (`batch`) through the per-fiche steps of
`pipeline`, and every run ends the same way: the problems again, the summary, an exit code.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .batch import Workers, lost, workers
from .binding import bind
from .cache import BuildCache, inputs_key, setup_key
from .catalogue import Entry, select
from .errors import FicheProblem
from .livret import sheets
from .options import RenderOptions
from .outputs import lock_output
from .paths import shown
from .pipeline import Checked, Job, Outcome, Request, check, located, make
from .report import Counts, Report, count, summary, tally
from .stopping import stop_signals_deferred
from .typography import niveau_label
from .write import remove_leftovers, write_atomic

if TYPE_CHECKING:
    from .edition import Edition

EXIT_OK, EXIT_FAILED = 0, 1
DEFAULT_TITLE = "Fiches métier"  # a catalogue's cover, unless --titre says otherwise
SAVE_EVERY = 2.0  # seconds between saves of the build record during a long batch


@dataclass(frozen=True)
class BatchRun:
    """Write the PDF of every fiche of `files` that changed into `out`."""

    files: list[Path]
    out: Path
    options: RenderOptions = RenderOptions()
    jobs: int = 1
    force: bool = False  # render even the PDFs that are up to date
    folders: list[Path] = field(default_factory=list)  # read whole: stale PDFs may go


@dataclass(frozen=True)
class CheckRun:
    """Validate, lay out and preflight every fiche of `files`; write nothing."""

    files: list[Path]
    options: RenderOptions = RenderOptions()
    jobs: int = 1


@dataclass(frozen=True)
class CatalogueRun:
    """Bind the fiches of `files` (those with a training of `niveau`) into `target`."""

    files: list[Path]
    target: Path
    options: RenderOptions = RenderOptions()
    jobs: int = 1
    titre: str = DEFAULT_TITLE
    niveau: str | None = None
    write: bool = True  # False: lay out and preflight the catalogue only


Run = BatchRun | CheckRun | CatalogueRun


def run(settings: Run, report: Report) -> int:
    """Carry out one run, holding the lock of the folder it writes; its exit code."""
    with _locked(_written_folder(settings)):
        if isinstance(settings, CatalogueRun):
            return _catalogue(settings, report)
        return _batch(settings, report)


def _written_folder(settings: Run) -> Path | None:
    if isinstance(settings, BatchRun):
        return settings.out
    if isinstance(settings, CatalogueRun) and settings.write:
        return settings.target.parent  # a batch there removes leftover temp files too
    return None


@contextlib.contextmanager
def _locked(folder: Path | None) -> Iterator[None]:
    lock = lock_output(folder) if folder is not None else None
    try:
        yield
    finally:
        if lock is not None:
            lock.close()


def ending(
    report: Report,
    problems: list[FicheProblem],
    counts: Counts,
    started: float,
    *,
    check: bool = False,
    head: str = "",
    failed: bool | None = None,
) -> int:
    """Every run ends here: its problems again, in file order, then the summary; the exit
    code says whether anything failed (by default: any error)."""
    problems.sort(key=lambda p: (p.file, p.line or 0))
    seconds = time.perf_counter() - started
    report.done(problems, summary(counts, seconds, check=check, head=head))
    if failed is None:
        failed = any(not p.warning for p in problems)
    return EXIT_FAILED if failed else EXIT_OK


# -- batch and check ------------------------------------------------------------------


def _batch(settings: BatchRun | CheckRun, report: Report) -> int:
    started = time.perf_counter()
    out: Path | None = None
    cache: BuildCache | None = None
    if isinstance(settings, BatchRun):
        out = settings.out
        cache = BuildCache(out, setup_key(settings.options.key()))
    force = isinstance(settings, BatchRun) and settings.force
    stale, up_to_date, problems = triage(settings.files, out, cache, force=force)
    done = 0
    try:
        with workers(settings.jobs, len(stale)) as pool:
            jobs = plan(stale, pool, problems, settings.options)
            for problem in problems:
                report.problem(problem)
            if jobs:
                done = make_all(jobs, pool, cache, report, problems)
    finally:  # workers stopped by now, even on Ctrl-C: drop half-written files (also those
        # of an earlier run that was killed)
        if out is not None:
            remove_leftovers(out)
    removed = 0
    if isinstance(settings, BatchRun) and cache is not None:
        removed = remove_stale(cache, settings.out, settings.folders)
    failed, warnings = tally(problems)
    counts = Counts(done, up_to_date, failed, warnings, removed)
    return ending(report, problems, counts, started, check=cache is None)


def triage(
    files: list[Path], out: Path | None, cache: BuildCache | None, *, force: bool
) -> tuple[dict[Path, Path | None], int, list[FicheProblem]]:
    """Which fiches need work (source → its PDF, None when nothing is written); the up to
    date ones are only counted. Two fiches whose PDFs would have one name are refused."""
    stale: dict[Path, Path | None] = {}
    problems: list[FicheProblem] = []
    up_to_date = 0
    names: dict[str, Path] = {}
    for path in files:
        name = f"{path.stem}.pdf"
        target = out / name if out is not None else None
        if (first := names.setdefault(name, path)) != path:
            message = f"même nom de PDF que {first} ({name}) : renommez l'un des deux"
            problems.append(FicheProblem.of_file(path, message))
        elif cache and target and not force and cache.is_fresh(path, target):
            up_to_date += 1
            problems.extend(cache.warnings(target))  # shown again until the fiche is fixed
        else:
            stale[path] = target
    return stale, up_to_date, problems


def plan(
    stale: dict[Path, Path | None],
    pool: Workers,
    problems: list[FicheProblem],
    options: RenderOptions,
) -> list[Job]:
    """Phase 1: load and validate every stale fiche (in the workers), in file order."""
    jobs: list[Job] = []
    for checked in checked_entries(pool, list(stale), problems):
        fiche = checked.fiche
        if fiche is None:  # checked_entries yields valid fiches only
            continue
        photo = fiche.temoignage.photo if fiche.temoignage else None
        dependencies = (photo,) if photo else ()
        try:
            key = inputs_key(checked.digest, list(dependencies))
        except OSError as exc:
            problems.append(FicheProblem.of_file(checked.source, f"image illisible ({exc})"))
            continue
        request = Request(fiche, checked.source, checked.lines)
        target = stale[checked.source]
        jobs.append(Job(request, target, options, dependencies, key, tuple(checked.problems)))
    return jobs


def checked_entries(
    pool: Workers, files: list[Path], problems: list[FicheProblem]
) -> Iterator[Checked]:
    """Phase 1 over `files` in file order: the valid fiches; problems are collected."""
    for source, checked in pool.ordered(check, files):
        if isinstance(checked, BaseException):
            problems.append(lost(source, checked))
            continue
        problems.extend(checked.problems)
        if checked.fiche is not None:
            yield checked


def make_all(
    jobs: list[Job],
    pool: Workers,
    cache: BuildCache | None,
    report: Report,
    problems: list[FicheProblem],
) -> int:
    """Phase 2: produce in parallel; record each PDF as it lands and save the record often.
    Returns the fiches that passed."""
    passed = 0
    notes: set[str] = set()
    saved = time.monotonic()
    try:
        with report.progress(len(jobs)):
            for job, outcome in pool.unordered(make, jobs):
                if isinstance(outcome, BaseException):
                    outcome = Outcome([lost(job.source, outcome)])
                for note in set(outcome.notes) - notes:
                    report.note(note)
                notes.update(outcome.notes)
                report.step()
                problems.extend(outcome.problems)
                for problem in outcome.problems:
                    report.problem(problem)
                if cache is None or job.target is None:
                    passed += not outcome.failed
                    continue
                if outcome.failed:
                    cache.forget(job.target)
                    continue
                passed += 1
                warnings = [*job.warnings, *outcome.problems]
                cache.record(job.source, job.target, list(job.dependencies), job.key, warnings)
                report.written(str(shown(job.target)))
                if time.monotonic() - saved > SAVE_EVERY:
                    _save(cache)
                    saved = time.monotonic()
    finally:  # keep the record of every PDF already written, even on Ctrl-C
        if cache is not None:
            _save(cache)
    return passed


def remove_stale(cache: BuildCache, out: Path, folders: list[Path]) -> int:
    """Remove the PDFs of fiches deleted or renamed since they were written (see
    BuildCache.orphans for which ones); the record is saved without them."""
    removed = 0
    for pdf in cache.orphans(out, folders):
        with contextlib.suppress(FileNotFoundError):
            pdf.unlink()
        cache.forget(pdf)
        removed += 1
    _save(cache)
    return removed


def _save(cache: BuildCache) -> None:
    """Saving the record is an optimisation: an unwritable folder is reported per fiche.
    A signal during the save waits until it is done (a few milliseconds): interrupted,
    it would lose the record of every PDF of the run."""
    with stop_signals_deferred(), contextlib.suppress(OSError):
        cache.save()


# -- catalogue ------------------------------------------------------------------------


def _catalogue(settings: CatalogueRun, report: Report) -> int:
    started = time.perf_counter()
    problems: list[FicheProblem] = []
    entries, lines = [], {}
    bound: list[Entry] = []
    pages = 0
    filtre = ""
    if settings.niveau:
        filtre = f"avec une formation de niveau {niveau_label(settings.niveau)}"
    with workers(settings.jobs, len(settings.files)) as pool:
        for checked in checked_entries(pool, settings.files, problems):
            if checked.fiche is not None:
                entries.append(Entry(checked.source, checked.fiche))
            lines[checked.source] = checked.lines
        for problem in problems:
            report.problem(problem)
        chosen = select(entries, settings.niveau)
        if chosen:
            with report.progress(1):
                bound, pages, found = _bind(settings, pool, chosen, lines, filtre)
                report.step()
            for problem in found:
                report.problem(problem)
            problems.extend(found)
    edition = settings.options.edition
    ours = {str(settings.target), str(edition.source) if edition else ""}  # not a fiche's
    own = [p for p in problems if p.file in ours]
    failed, warnings = tally([p for p in problems if p.file not in ours])
    if not bound and any(not p.warning for p in own):
        head = "Aucun catalogue écrit : voir l'erreur ci-dessus (le précédent est gardé)"
    elif not bound:
        what = "aucune fiche à mettre dans le catalogue" + (f" ({filtre})" if filtre else "")
        head = f"Aucun catalogue écrit : {what}"
    else:
        what = f"écrit : {shown(settings.target)}" if settings.write else "vérifié"
        head = f"Catalogue {what}, {count(len(bound), 'fiche', 'fiches')}, "
        head += count(pages, "page", "pages")
        if settings.options.livret:  # what the counsellor prints: sheets, both sides
            head += f" ({count(sheets(pages), 'feuille A4', 'feuilles A4')} en livret)"
    counts = Counts(0, 0, failed, warnings)
    broken = not bound or any(not p.warning for p in problems)
    return ending(report, problems, counts, started, check=True, head=head, failed=broken)


def _bind(
    settings: CatalogueRun,
    pool: Workers,
    chosen: list[Entry],
    lines: dict[Path, dict],
    filtre: str,
) -> tuple[list[Entry], int, list[FicheProblem]]:
    """Bind the catalogue without the fiches in error (laid out in the workers), and write
    it unless its cover or contents fail. Returns the fiches bound, the pages and the
    problems."""
    target = settings.target
    found: list[FicheProblem] = []
    options = settings.options
    try:
        bound = bind(pool, chosen, options, settings.titre, filtre, write=settings.write)
        edition = options.edition
        found = [_located(e, f, lines, target, settings.titre, edition) for e, f in bound.findings]
        found = list(dict.fromkeys(found))
        if not bound.entries or bound.cover_broken or not bound.pages:
            return [], 0, found  # the previous catalogue is kept
        if bound.pdf is not None:
            write_atomic(target, bound.pdf)
    except OSError as exc:
        message = f"impossible d'écrire le catalogue ({exc.strerror})"
        return [], 0, [*found, FicheProblem.of_file(target, message)]
    except Exception as exc:  # a layout bug must end with a message, not a traceback
        problem = FicheProblem.unexpected(target, "la mise en page du catalogue", exc)
        return [], 0, [*found, problem]
    return bound.entries, bound.pages, found


def _located(
    entry: Entry | None,
    finding,
    lines: dict,
    catalogue: Path,
    titre: str = DEFAULT_TITLE,
    edition: Edition | None = None,
) -> FicheProblem:
    """A finding on a fiche of the catalogue, or on its cover and contents (`--titre`, or
    the edition's text, located in its file)."""
    if edition is not None and (finding.loc[:1] == ("edition",) or titre == edition.titre):
        loc = finding.loc[1:] if finding.loc[:1] == ("edition",) else finding.loc
        if entry is None and loc and loc[0] in type(edition).model_fields:
            return edition.located(loc, finding.message, finding.warning)
    if entry is None:  # the cover shows --titre; the contents, the job titles
        where = "--titre" if finding.loc == ("titre",) else "sommaire"
        return FicheProblem(str(catalogue), None, where, finding.message, finding.warning)
    return located(entry.source, lines[entry.source], finding)
