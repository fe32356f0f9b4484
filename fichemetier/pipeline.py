"""Step 5a, pipeline: what happens to one fiche, the same for every kind of run.

Phase 1, `check`: read and validate a fiche file. Phase 2, `produce`: lay it out, run
the preflight on that layout (a printer's checks, located in the fiche), make the PDF's
bytes. The batch (`make`: produce, then write the PDF in place), the catalogue and the
studio all go through these, so a fiche is made one way whichever way it is asked for.
Failures come back as located problems, never as exceptions: one odd fiche must not stop
the others. These functions run in worker processes; WeasyPrint is imported there only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import FicheError, FicheProblem
from .livret import Dos
from .options import RenderOptions
from .pause import pause
from .write import write_atomic

if TYPE_CHECKING:  # load and model are imported where used: a no-op rerun needs neither
    from .load import Loc
    from .model import Fiche
    from .render import Renderer


@dataclass(frozen=True)
class Checked:
    """Phase 1 for one fiche: the model, or the problems found (only warnings if there is a
    model); the digest of what was read, and where each field was written."""

    source: Path
    fiche: Fiche | None
    problems: list[FicheProblem]
    digest: str = ""
    lines: dict[Loc, int] = field(default_factory=dict)


def check(source: Path) -> Checked:
    """Phase 1: load and validate one fiche."""
    from .load import load_fiche
    from .model import advice, validate

    try:
        loaded = load_fiche(source)
        fiche = validate(loaded)
        return Checked(source, fiche, advice(loaded, fiche), loaded.digest, loaded.lines)
    except FicheError as exc:
        return Checked(source, None, exc.problems)
    except Exception as exc:  # a bug on odd input: reported on its fiche, the run goes on
        return Checked(source, None, [FicheProblem.unexpected(source, "la lecture", exc)])


@dataclass(frozen=True)
class Request:
    """One fiche to produce: its model, its file (messages name it; its folder is the only
    one besides styles/ the layout may read) and the lines of its fields."""

    fiche: Fiche
    source: Path
    lines: dict[Loc, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Produced:
    """What became of one fiche: its problems (errors and warnings, located), the PDF's
    bytes when they were asked for, its page count and the time it took."""

    problems: list[FicheProblem]
    pdf: bytes | None = None
    pages: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return any(not p.warning for p in self.problems)


@cache
def renderer() -> Renderer:
    """This process's renderer, set up on first use (templates, stylesheets, fonts) and
    kept: each fiche then pays for its own layout only."""
    from .render import Renderer

    return Renderer()


def produce(
    request: Request, options: RenderOptions, *, pdf: bool = True, even_if_failed: bool = False
) -> Produced:
    """Lay out, preflight and (with `pdf`) make the PDF of one fiche. A fiche that fails the
    preflight gets no PDF unless `even_if_failed` (the studio's preview: its writer must see
    what to cut)."""
    from .preflight import preflight

    started = time.perf_counter()
    try:
        document = renderer().layout(request.fiche, request.source.parent, options)
        findings = preflight(document, [request.fiche], options)
        problems = [located(request.source, request.lines, f) for f in findings]
        failed = any(not p.warning for p in problems)
        data = None
        if pdf and (even_if_failed or not failed):
            dos = Dos(request.fiche.metier, request.fiche.rubrique)
            data = renderer().write(document, options, dos)
    except Exception as exc:  # a layout bug on odd input: reported on its fiche
        problem = FicheProblem.unexpected(request.source, "la mise en page", exc)
        return Produced([problem], seconds=time.perf_counter() - started)
    return Produced(problems, data, len(document.pages), time.perf_counter() - started)


def located(source: Path, lines: dict[Loc, int], finding) -> FicheProblem:
    """A preflight finding (`preflight.Finding`) as a problem with the fiche's line."""
    from .load import line_of
    from .model import field_path

    line = line_of(lines, finding.loc) if finding.loc else None
    where = field_path(finding.loc) if finding.loc else None
    return FicheProblem(str(source), line, where, finding.message, finding.warning)


@dataclass(frozen=True)
class Job:
    """Phase 2 of a batch for one fiche: what to produce, where its PDF goes (None: a check,
    nothing is written) and what the build record keeps of it."""

    request: Request
    target: Path | None
    options: RenderOptions
    dependencies: tuple[Path, ...] = ()
    key: str = ""
    warnings: tuple[FicheProblem, ...] = ()  # from validation: shown again with the PDF's

    @property
    def source(self) -> Path:
        return self.request.source


@dataclass(frozen=True)
class Outcome:
    """Phase 2 for one fiche, sent back by the worker (not the job: it holds the model).
    Any problem that is not a warning means no PDF was written. `notes` are said once per
    run (the slow font path), so that the parent need not import WeasyPrint to know."""

    problems: list[FicheProblem]
    seconds: float = 0.0
    notes: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return any(not p.warning for p in self.problems)


def make(job: Job) -> Outcome:
    """Phase 2 of a batch: produce one fiche and put its PDF in place unless it failed."""
    from .render import SLOW_FONT_SUBSETTING, SLOW_PATH_WARNING

    pause("render", job.source.name)
    notes = (SLOW_PATH_WARNING,) if SLOW_FONT_SUBSETTING else ()
    produced = produce(job.request, job.options, pdf=job.target is not None)
    problems = produced.problems
    if job.target is not None and produced.pdf is not None:
        try:
            write_atomic(job.target, produced.pdf)
        except OSError as exc:
            message = f"impossible d'écrire {job.target} ({exc.strerror})"
            problems = [*problems, FicheProblem.of_file(job.source, message)]
    return Outcome(problems, produced.seconds, notes)
