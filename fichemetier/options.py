"""What a run asks of every PDF, beyond the fiche itself: format, print-shop output, archive.

Kept apart from `render` so the command line and the build cache can use it without
importing WeasyPrint; every field is part of the cache key.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

#: Page budget per format: A4 is one sheet printed on both sides (a CIO hand-out); A5 is
#: one A4 sheet folded in two, four A5 pages (the career-fair leaflet).
PAGE_BUDGET = {"a4": 2, "a5": 4}


@dataclass(frozen=True)
class RenderOptions:
    #: "a4" (default) or "a5": page size, margins and type scale (styles/a5.css).
    format: str = "a4"
    #: Print-shop output: 3 mm bleed on every side, crop marks, TrimBox and BleedBox.
    print: bool = False
    #: PDF/A-2u for archives instead of the default PDF/UA-1 (both tagged, see render.py).
    pdfa: bool = False

    def __post_init__(self) -> None:
        if self.format not in PAGE_BUDGET:
            raise ValueError(f"format inconnu : {self.format}")

    @property
    def page_budget(self) -> int:
        return PAGE_BUDGET[self.format]

    def key(self) -> dict[str, object]:
        return asdict(self)
