"""What a run asks of every PDF, beyond the fiche itself: format, print-shop output, archive.

Kept apart from `render` so the command line and the build cache can use it without
importing WeasyPrint; every field of `RenderOptions` is part of the cache key. Page
formats are data: adding one is one `PageFormat` here and its stylesheet.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .edition import Edition


@dataclass(frozen=True)
class PageFormat:
    """A page format: its trimmed size, its page budget, what it adds to the base sheets."""

    name: str
    width_mm: float
    height_mm: float
    #: Most pages a fiche may take: A4 is one sheet printed on both sides (a CIO
    #: hand-out); A5 is one A4 sheet folded in two, four pages (the career-fair leaflet).
    page_budget: int
    #: Stylesheets added after the base ones: page size, margins, type scale.
    stylesheets: tuple[str, ...]
    #: Width of the salary scale, drawn in SVG (millimetres): the text column's measure.
    echelle_mm: float
    #: How `--help` describes it.
    description: str


FORMATS = {
    page.name: page
    for page in (
        PageFormat("a4", 210, 297, 2, (), 74, "A4, 2 pages au plus (par défaut)"),
        PageFormat("a5", 148, 210, 4, ("a5.css",), 53.5, "A5 (dépliant), 4 pages au plus"),
    )
}


@dataclass(frozen=True)
class RenderOptions:
    #: A name of FORMATS: page size, margins, type scale, page budget.
    format: str = "a4"
    #: Print-shop output: 3 mm bleed on every side, crop marks, TrimBox and BleedBox.
    print: bool = False
    #: PDF/A-2u for archives instead of the default PDF/UA-1 (both tagged, see render.py).
    pdfa: bool = False
    #: A5 pages imposed two by two on A4 sheets for an office printer (livret.py): a
    #: print file, untagged; the print shop's bleed and the archive's PDF/A do not apply.
    livret: bool = False
    #: The event's brand (`--edition`): cover, footers, colours. None: the plain theme.
    edition: Edition | None = None

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"format inconnu : {self.format}")
        if self.livret and (self.format != "a5" or self.print or self.pdfa):
            raise ValueError("un livret est fait de pages A5, sans --print ni --pdfa")

    @property
    def page(self) -> PageFormat:
        return FORMATS[self.format]

    @property
    def page_budget(self) -> int:
        return self.page.page_budget

    def key(self) -> dict[str, object]:
        """The options as the build cache keys on them (an edition by its digest)."""
        key: dict[str, object] = {
            f.name: getattr(self, f.name) for f in fields(self) if f.name != "edition"
        }
        if self.edition is not None:
            key["edition"] = self.edition.digest()
        return key
