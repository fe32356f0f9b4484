"""Step 4b, preflight: what a printer would catch, found in the laid-out pages.

Runs on WeasyPrint's layout before the PDF is written, so it costs no second render: a
fiche longer than its format's page budget, text running past the margins (a word or an
address too long for its line), a photo too coarse for print. Each finding names the
fiche's field (templates tag their elements with `data-champ`, and each fiche of a
catalogue with `data-fiche`) so the CLI can give the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from weasyprint import Document

from .load import Loc
from .model import Fiche
from .options import RenderOptions
from .weasyprint_internals import (
    border_rect,
    classes,
    content_area,
    content_right,
    is_image,
    margin_bottom,
    margin_boxes,
    painted,
    placed_boxes,
    size,
)

PX_PER_MM = 96 / 25.4  # WeasyPrint lays out in CSS pixels
TOLERANCE_PX = 1.0  # rounding, justified lines: well under a printed stroke
PRINT_DPI = 300


@dataclass(frozen=True)
class Finding:
    """One print problem, at a field of the fiche (`loc`, as in validation errors)."""

    loc: Loc
    message: str
    warning: bool = False
    fiche: int | None = 0  # which fiche of a catalogue; None: its cover or contents


def preflight(document: Document, fiches: list[Fiche], options: RenderOptions) -> list[Finding]:
    """Findings for a single fiche's document, or for each fiche of a catalogue."""
    findings = _page_budget(document, options)
    findings += _overflows(document)
    findings += _margin_overflows(document)
    findings += _photo_resolution(document, fiches)
    return findings


def _page_budget(document: Document, options: RenderOptions) -> list[Finding]:
    pages_of: dict[int, list] = {}
    for page in document.pages:
        fiche = next((p.fiche for p in placed_boxes(page) if p.fiche is not None), None)
        if fiche is not None:  # not a cover, contents or blank page of a catalogue
            pages_of.setdefault(fiche, []).append(page)
    return [
        finding
        for fiche, pages in pages_of.items()
        if (finding := _over_budget(fiche, pages, options))
    ]


def _over_budget(fiche: int, pages: list, options: RenderOptions) -> Finding | None:
    budget = options.page_budget
    if len(pages) <= budget:
        return None
    extra = pages[budget:]
    height = sum(_content_height(page) for page in extra) / PX_PER_MM
    first = next((p.champ for p in placed_boxes(extra[0]) if p.champ and painted(p.box)), ())
    over = len(extra)
    message = (
        f"la fiche fait {len(pages)} pages au format {options.format.upper()}, qui en "
        f"permet {budget} : elle dépasse de {over} page{'s' if over > 1 else ''} "
        f"({_mm(height)} de contenu en trop à partir de ce champ) ; raccourcissez des textes "
        "ou retirez des formations"
    )
    return Finding(first, message, fiche=fiche)


def _overflows(document: Document) -> list[Finding]:
    """Text or images past their frame (the block that holds them: a tinted box, a column)
    or past the page's content area, once per field, with the larger distance."""
    worst: dict[tuple[int | None, Loc], tuple[float, str, int]] = {}
    for number, page in enumerate(document.pages, start=1):
        left, top, right, bottom = content_area(page)
        for placed in placed_boxes(page):
            if not painted(placed.box):
                continue
            x0, y0, x1, y1 = border_rect(placed.box)  # what is painted, not margins
            frame_right = content_right(placed.frame)
            where = (placed.fiche, placed.champ)
            for distance, side in (
                (x1 - right, "la marge droite"),
                (left - x0, "la marge gauche"),
                (y1 - bottom, "le bas de la page"),
                (x1 - frame_right, "son cadre à droite"),
            ):
                if distance > TOLERANCE_PX and distance > worst.get(where, (0,))[0]:
                    worst[where] = (distance, side, number)
    return [
        Finding(
            champ,
            f"le texte déborde de {side} de {_mm(distance / PX_PER_MM)} (page {number}) : "
            "un mot ou une adresse trop long pour la ligne ; coupez-le ou raccourcissez-le",
            fiche=fiche,
        )
        for (fiche, champ), (distance, side, number) in worst.items()
    ]


#: What the page's margin boxes show, as fields of the fiche: its footer (`partenaire`,
#: on every page) and, in a catalogue, the running header (the job title). The page
#: number is ours and short.
MARGIN_FIELDS = {"@bottom-left": ("partenaire",), "@top-left": ("metier",)}
MARGIN_NAMES = {"@bottom-left": "le pied de page", "@top-left": "le titre courant"}


def _margin_overflows(document: Document) -> list[Finding]:
    """Text of the footer or the running header past the page's edge (the trim: the
    print shop cuts there) or onto the box beside it (the page number), once per field."""
    worst: dict[tuple[int | None, Loc], tuple[float, str, int, str]] = {}
    for number, page in enumerate(document.pages, start=1):
        fiche = next((p.fiche for p in placed_boxes(page) if p.fiche is not None), None)
        margins = margin_boxes(page)
        for margin in margins:
            if (champ := MARGIN_FIELDS.get(margin.keyword)) is None:
                continue
            right = min(
                [page.width]
                + [
                    other.x
                    for other in margins
                    if other.keyword[:4] == margin.keyword[:4]
                    and other.x > margin.x
                    and other.texts
                ]
            )
            for x0, y0, x1, y1 in margin.texts:
                for distance, side in (
                    (x1 - right, "à droite"),
                    (-x0, "du bord gauche de la page"),
                    (y1 - page.height, "du bas de la page"),
                    (-y0, "du haut de la page"),
                ):
                    where = (fiche if fiche is not None else 0, champ)
                    if distance > TOLERANCE_PX and distance > worst.get(where, (0,))[0]:
                        worst[where] = (distance, side, number, MARGIN_NAMES[margin.keyword])
    return [
        Finding(
            champ,
            f"{name} déborde {side} de {_mm(distance / PX_PER_MM)} (page {number}) : "
            "raccourcissez ce texte ou coupez ses mots trop longs",
            fiche=fiche,
        )
        for (fiche, champ), (distance, side, number, name) in worst.items()
    ]


def _photo_resolution(document: Document, fiches: list[Fiche]) -> list[Finding]:
    findings = []
    for page in document.pages:
        for box, fiche, _, _ in placed_boxes(page):
            temoignage = fiches[fiche or 0].temoignage
            photo = temoignage.photo if temoignage else None
            if photo and is_image(box) and "portrait" in classes(box):
                findings += _dpi_finding(photo, *size(box), fiche or 0)
    return findings


def _dpi_finding(photo: Path, width_px: float, height_px: float, fiche: int) -> list[Finding]:
    with Image.open(photo) as image:
        pixels = image.size
        if image.getexif().get(0x0112) in (5, 6, 7, 8):  # a phone photo turned on its side
            pixels = pixels[::-1]
    # object-fit: cover scales the picture until it fills the frame, then crops it
    scale = max(width_px / pixels[0], height_px / pixels[1])
    dpi = 96 / scale
    if dpi >= PRINT_DPI:
        return []
    needed = [round(size / 96 * PRINT_DPI) for size in (width_px, height_px)]
    message = (
        f"photo à {dpi:.0f} dpi à sa taille imprimée "
        f"({_mm(width_px / PX_PER_MM, unit=False)} × {_mm(height_px / PX_PER_MM)}), "
        f"{PRINT_DPI} dpi conseillés pour l'impression : fournissez une image d'au moins "
        f"{needed[0]} × {needed[1]} pixels (elle fait {pixels[0]} × {pixels[1]})"
    )
    return [Finding(("temoignage", "photo"), message, warning=True, fiche=fiche)]


def _content_height(page) -> float:
    top = content_area(page).y0
    bottoms = [margin_bottom(b) for b, _, _, _ in placed_boxes(page) if painted(b)]
    return max(bottoms, default=top) - top


def _mm(value: float, unit: bool = True) -> str:
    text = f"{value:.1f}".replace(".", ",")
    return f"{text}\u00a0mm" if unit else text
