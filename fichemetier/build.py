"""Step 5a, build: one fiche through layout, preflight and PDF, as one library call.

The command line's batch, the catalogue and the studio make a fiche the same way, so they
share `produce`: lay the fiche out, run the preflight on that layout (a printer's checks,
located in the fiche), then make the PDF bytes. Writing them is the caller's choice: the
batch writes a PDF only when nothing failed, the studio previews even a fiche that is over
its page budget, so that its writer sees what to cut.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import FicheProblem
from .load import Loc, line_of
from .model import Fiche, field_path
from .options import RenderOptions

if TYPE_CHECKING:  # WeasyPrint is imported by the workers only, never at start-up
    from .render import Renderer


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


@dataclass(frozen=True)
class Request:
    """One fiche to produce: its model, its file (messages name it; its folder is the only
    one besides styles/ the layout may read) and the lines of its fields."""

    fiche: Fiche
    source: Path
    lines: dict[Loc, int] = field(default_factory=dict)


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
    preflight gets no PDF unless `even_if_failed` (a preview). Failures are reported in
    the result, never raised: a layout bug in one fiche must not stop the others."""
    from .preflight import preflight

    started = time.perf_counter()
    try:
        document = renderer().layout(request.fiche, request.source.parent, options)
        findings = preflight(document, [request.fiche], options)
        problems = [located(request.source, request.lines, f) for f in findings]
        failed = any(not p.warning for p in problems)
        data = None
        if pdf and (even_if_failed or not failed):
            data = renderer().write(document, options)
    except Exception as exc:  # a bug on odd input: reported on its fiche, the run goes on
        message = f"erreur inattendue pendant la mise en page ({exc!r})"
        problem = FicheProblem(str(request.source), None, None, message)
        return Produced([problem], seconds=time.perf_counter() - started)
    return Produced(problems, data, len(document.pages), time.perf_counter() - started)


def located(source: Path, lines: dict[Loc, int], finding) -> FicheProblem:
    """A preflight finding (`preflight.Finding`) as a problem with the fiche's line."""
    line = line_of(lines, finding.loc) if finding.loc else None
    where = field_path(finding.loc) if finding.loc else None
    return FicheProblem(str(source), line, where, finding.message, finding.warning)
