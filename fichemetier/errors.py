"""The one error type for a bad fiche, shared by every step.

Editors are not programmers: each problem is reported as `file:line: field: message`,
and the CLI alone decides how to print it and which exit code to give.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: Characters of a fiche that a message must not print as they are: they would break the
#: one-line message, move the terminal's cursor (escape sequences) or reverse the text.
_HIDDEN = ("Cc", "Cs", "Co", "Cn", "Zl", "Zp")
_BIDI = {
    "\u061c",
    "\u200e",
    "\u200f",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
}


@dataclass(frozen=True)
class FicheProblem:
    """One mistake in one fiche, located as precisely as we can."""

    file: str
    line: int | None
    field: str | None
    message: str
    #: A warning (e.g. a coarse photo) is reported but the PDF is still written.
    warning: bool = False

    @classmethod
    def of_file(cls, file: object, message: str, field: str | None = None) -> FicheProblem:
        """A problem with a whole file (or the catalogue, or a command-line option)."""
        return cls(str(file), None, field, message)

    @classmethod
    def unexpected(cls, file: object, during: str, exc: BaseException) -> FicheProblem:
        """A bug met on odd input: reported on its fiche, so the others still render."""
        return cls.of_file(file, f"erreur inattendue pendant {during} ({exc!r})")

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        message = f"attention : {self.message}" if self.warning else self.message
        text = f"{where}: {self.field}: {message}" if self.field else f"{where}: {message}"
        return visible(text)


class UsageError(Exception):
    """A command-line mistake (exit code 2), as opposed to a mistake inside a fiche."""


class FicheError(Exception):
    """A fiche that cannot be rendered; carries every problem found, not only the first."""

    def __init__(self, problems: list[FicheProblem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def visible(text: str) -> str:
    """`text` with every invisible or unprintable character written as `<U+0007>`, and the
    bytes of a file name that is not UTF-8 (Python reads them as lone surrogates U+DC80…
    U+DCFF) as `\\xe9`: printed raw, they would stop the run (UnicodeEncodeError)."""
    if text.isprintable():
        return text
    return "".join(_visible_char(c) for c in text)


def _visible_char(c: str) -> str:
    if "\udc80" <= c <= "\udcff":
        return f"\\x{ord(c) - 0xDC00:02x}"
    if unicodedata.category(c) in _HIDDEN or c in _BIDI:
        return f"<U+{ord(c):04X}>"
    return c


def shown(value: object, limit: int = 60) -> str:
    """A value of the fiche quoted in a message: at most `limit` characters."""
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"
