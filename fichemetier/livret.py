"""Step 4d, livret: the A5 pages imposed two by two on A4 sheets, for an office printer.

A counsellor prints the booklet duplex, flipping on the short edge, folds the sheets in
the middle and nests them (saddle stitch): the pages then read in order. The page count is
padded to a multiple of four with notes pages and a back page (templates/dos.html.j2), so
no page inside is blank.

The geometry is two rectangles per side, so it is done here with pikepdf (each A5 page
becomes a form XObject placed on the sheet) rather than with `pdfimpose`, which is
AGPL-licensed and brings PyMuPDF. An imposed file is a print file: the pages no longer
follow the reading order, so it carries no structure tree and claims no PDF/UA (the
reading-order PDF stays the accessible one); its text is still extractable (the marked
content and ActualText of the pages are kept inside the XObjects), its links are not
(paper has their QR codes).
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a booklet is made: the command line does without
    import pikepdf

#: An A4 sheet, landscape, in points: two A5 pages side by side.
SHEET = (297 * 72 / 25.4, 210 * 72 / 25.4)
#: The back page's "Pour aller plus loin": public information on jobs and trainings.
PLUS_LOIN = "https://www.onisep.fr/"
#: How to print it, in the file's subject (viewers show it) and the README.
CONSIGNE = "Livret : imprimer en recto verso, retourner sur le bord court, à 100 %, puis plier"


@dataclass(frozen=True)
class Dos:
    """What the back page says: the booklet's title and rubric (the event's block comes
    from the run's options, `RenderOptions.edition`, drawn by templates/edition.html.j2)."""

    titre: str
    rubrique: str = "Dans mon job"


def padding(pages: int) -> int:
    """Pages to add for a whole number of sheets (four pages a sheet)."""
    return -pages % 4


def sheets(pages: int) -> int:
    """A4 sheets for a booklet of `pages` A5 pages (before padding)."""
    return (pages + padding(pages)) // 4


def saddle_order(pages: int) -> list[tuple[int, int]]:
    """The (left, right) page numbers (from 1) of each side, in print order: sheet 1 front,
    sheet 1 back, sheet 2 front… Folded and nested, the sheets read 1, 2, 3… `pages` is a
    multiple of four: 4 → (4, 1), (2, 3); 8 → (8, 1), (2, 7), (6, 3), (4, 5)."""
    if pages <= 0 or pages % 4:
        raise ValueError(f"un livret a un multiple de 4 pages, pas {pages}")
    sides = []
    for sheet in range(pages // 4):
        outer, inner = 2 * sheet + 1, pages - 2 * sheet
        sides += [(inner, outer), (outer + 1, inner - 1)]
    return sides


def impose(parts: list[bytes]) -> bytes:
    """The pages of `parts` (PDFs read one after the other, in all a multiple of four A5
    pages) on A4 landscape sheets in saddle-stitch order. Title, author and language are
    those of the first part."""
    import pikepdf

    with contextlib.ExitStack() as opened:  # the parts' streams are read at save time
        sources = [opened.enter_context(pikepdf.open(io.BytesIO(part))) for part in parts]
        pages = [page for source in sources for page in source.pages]
        out = pikepdf.new()
        width, height = SHEET
        middle = width / 2
        for left, right in saddle_order(len(pages)):
            side = out.add_blank_page(page_size=SHEET)
            for number, on_left in ((left, True), (right, False)):
                page = pages[number - 1]
                w, h = _size(page)
                x0 = middle - w if on_left else middle  # both pages against the fold
                y0 = (height - h) / 2
                _place(side, page, pikepdf.Rectangle(x0, y0, x0 + w, y0 + h), number)
        _describe(out, sources[0])
        data = io.BytesIO()
        out.save(data, deterministic_id=True)
    return data.getvalue()


def _place(side: pikepdf.Page, page: pikepdf.Page, rect: pikepdf.Rectangle, number: int) -> None:
    """`page` drawn in `rect` of `side`, as pikepdf's `add_overlay` does, but under a name
    of its own (`/Page3`): add_overlay names it at random, and the same booklet would not
    give the same bytes twice."""
    import pikepdf

    form = page.as_form_xobject()
    name = side.add_resource(form, pikepdf.Name.XObject, pikepdf.Name(f"/Page{number}"))
    side.contents_add(b"q\n", prepend=True)
    side.contents_add(b"Q\n")
    placement = side.calc_form_xobject_placement(
        form, name, rect, allow_shrink=True, allow_expand=True
    )
    side.contents_add(placement)
    side.contents_coalesce()


def _size(page: pikepdf.Page) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    return x1 - x0, y1 - y0


def _describe(out: pikepdf.Pdf, source: pikepdf.Pdf) -> None:
    """The reading-order file's title, author and language, how to print it, and the
    print dialog set for it (short-edge duplex, no scaling) where the viewer obeys."""
    import pikepdf

    info = source.docinfo
    title = str(info.get("/Title", ""))
    out.docinfo["/Title"] = f"{title} (livret à imprimer)" if title else "Livret à imprimer"
    for key in ("/Author", "/Creator", "/Producer"):
        if key in info:
            out.docinfo[key] = info[key]
    out.docinfo["/Subject"] = CONSIGNE
    if "/Lang" in source.Root:
        out.Root.Lang = source.Root.Lang
    out.Root.ViewerPreferences = pikepdf.Dictionary(
        Duplex=pikepdf.Name.DuplexFlipShortEdge,
        PrintScaling=pikepdf.Name("/None"),
        DisplayDocTitle=True,
    )
