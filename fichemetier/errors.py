"""The one error type for a bad fiche, shared by every step.

Editors are not programmers: each problem is reported as `file:line: field: message`,
and the CLI alone decides how to print it and which exit code to give.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FicheProblem:
    """One mistake in one fiche, located as precisely as we can."""

    file: str
    line: int | None
    field: str | None
    message: str
    #: A warning (e.g. a coarse photo) is reported but the PDF is still written.
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        message = f"attention : {self.message}" if self.warning else self.message
        return f"{where}: {self.field}: {message}" if self.field else f"{where}: {message}"


class FicheError(Exception):
    """A fiche that cannot be rendered; carries every problem found, not only the first."""

    def __init__(self, problems: list[FicheProblem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems
