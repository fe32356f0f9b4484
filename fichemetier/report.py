"""What the user sees while a batch runs: a progress bar on a terminal, plain lines in
logs and CI, nothing but problems and the summary with --quiet."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import FicheProblem, visible

if TYPE_CHECKING:  # rich is imported only for a terminal
    from rich.progress import Progress

#: Rich prints what it is given as it is: no markup (`[red]`), no emoji codes (`:warning:`),
#: no highlighting; names and messages come from fiches and file names.


class Report:
    """Plain lines: one per written PDF on stdout, one per problem on stderr."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet

    @contextmanager
    def progress(self, total: int) -> Iterator[None]:
        yield

    def step(self) -> None:
        """One job of the progress bar done, whatever its outcome."""

    def written(self, name: str) -> None:
        if not self.quiet:
            print(f"écrit {visible(name)}", flush=True)

    def problem(self, problem: FicheProblem) -> None:
        print(problem, file=sys.stderr, flush=True)

    def note(self, text: str) -> None:
        print(visible(text), file=sys.stderr, flush=True)

    def done(self, problems: list[FicheProblem], summary: str) -> None:
        """The summary, after the failures again so that they are not lost in a long log."""
        errors = [p for p in problems if not p.warning]
        warnings = [p for p in problems if p.warning]
        for title, found in (("Avertissements", warnings), ("Fiches en erreur", errors)):
            if found and not self.quiet:
                print(f"\n{title} :", file=sys.stderr)
                for problem in found:
                    print(f"  {problem}", file=sys.stderr)
        print(summary, file=sys.stderr)


class ProgressReport(Report):
    """A rich progress bar, with problems printed above it as they come."""

    def __init__(self) -> None:
        super().__init__(quiet=False)
        from rich.console import Console

        self.console = Console(stderr=True, markup=False, emoji=False, highlight=False)
        self.bar: Progress | None = None

    @contextmanager
    def progress(self, total: int) -> Iterator[None]:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        with Progress(
            TextColumn("{task.description}", style="progress.description", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
        ) as bar:
            self.bar = bar
            self.task = bar.add_task("Mise en page", total=total)
            try:
                yield
            finally:
                self.bar = None

    def step(self) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def written(self, name: str) -> None:
        pass  # the bar says it

    def problem(self, problem: FicheProblem) -> None:
        style = "yellow" if problem.warning else "red"
        self._print(str(problem), style)

    def note(self, text: str) -> None:
        self._print(visible(text), "yellow")

    def _print(self, text: str, style: str) -> None:
        """Text of the fiches as it is: no rich markup (`[red]`), emoji codes (`:warning:`)
        nor highlighting read in a file name or a message."""
        self.console.print(text, style=style, markup=False, emoji=False, highlight=False)


def reporter(quiet: bool) -> Report:
    """A progress bar on a terminal, plain lines otherwise (pipes, CI, logs)."""
    if not quiet and sys.stderr.isatty():
        return ProgressReport()
    return Report(quiet)


@dataclass(frozen=True)
class Counts:
    done: int  # PDFs written, or fiches that passed with --check
    up_to_date: int
    failed: int
    warnings: int
    removed: int = 0  # PDFs of fiches deleted or renamed since


def tally(problems: list[FicheProblem]) -> tuple[int, int]:
    """Fiches in error (a fiche with warnings only is not) and warnings."""
    return len({p.file for p in problems if not p.warning}), sum(p.warning for p in problems)


def summary(counts: Counts, seconds: float, *, check: bool, head: str = "") -> str:
    """`3 PDF écrits, 1 fiche en erreur (2,4 s)`, French plurals included; a catalogue
    run gives its own `head` instead of the PDF count."""
    if head:
        parts = [head]
    elif check:
        parts = [count(counts.done, "fiche valide", "fiches valides")]
    else:
        parts = [count(counts.done, "PDF écrit", "PDF écrits")]
        if counts.up_to_date:
            parts.append(f"{counts.up_to_date} à jour")
        if counts.removed:
            parts.append(count(counts.removed, "PDF périmé supprimé", "PDF périmés supprimés"))
    parts.append(count(counts.failed, "fiche en erreur", "fiches en erreur"))
    if counts.warnings:
        parts.append(count(counts.warnings, "avertissement", "avertissements"))
    return f"{', '.join(parts)} ({f'{seconds:.1f}'.replace('.', ',')} s)"


def count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number <= 1 else many}"
