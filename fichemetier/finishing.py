"""Step 4c, finishing: what is drawn on the PDF after WeasyPrint, in one pikepdf pass.

- QR codes, as vector rectangles in the boxes the layout kept for them. WeasyPrint can
  draw them from inline SVG, but it parses SVG paths in Python: ten codes cost ~70 ms a
  fiche, this ~4 ms. They are drawn as artifacts: each one repeats a link that is tagged
  and readable (its short form), so a screen reader skips it.
- Crop marks for the print shop. WeasyPrint's own `marks: crop` are painted with the page
  background, so the colour that runs into the bleed (the header band) covers them; these
  are drawn last, black on a white halo, so that they show on any colour.
- The structure tree repaired for PDF/UA-1 and screen readers (`structure.repair`), and a
  PDF/A file declared PDF/UA-1 too: always, so every PDF goes through this pass.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf

from .qrcodes import QUIET, qr_runs
from .structure import declare_pdfua, repair
from .tagging import ReadingNotes

#: Crop marks: gap between the trim corner and its marks, halo and stroke (points).
GAP = 1.5
HALO = 1.2
WEIGHT = 0.3
OBJECT_STREAMS = pikepdf.ObjectStreamMode.generate


@dataclass(frozen=True)
class QRPlacement:
    """Where the layout put a QR code: page index, top-left corner and module size (pt)."""

    page: int
    x: float
    y: float
    module: float
    url: str


@dataclass
class Finishing:
    """What the finishing pass does to one PDF, besides its QR codes."""

    crop_marks: bool = False
    pdfa: bool = False
    notes: ReadingNotes | None = None
    link_texts: dict[str, str] | None = None


def finish(pdf: bytes, codes: list[QRPlacement], colour: str, how: Finishing) -> bytes:
    """The same PDF with its tags repaired, its QR codes drawn, and crop marks if asked."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        repair(document, how.notes or ReadingNotes(), how.link_texts or {})
        if how.pdfa:
            declare_pdfua(document)
        crop_marks = how.crop_marks
        for index, page in enumerate(document.pages):
            drawing = b"".join(_qr(code, colour) for code in codes if code.page == index)
            if crop_marks:
                drawing += _marks(page)
            if drawing:
                page.contents_add(b"q\n", prepend=True)
                page.contents_add(b"Q\n" + drawing, prepend=False)
        out = io.BytesIO()
        # WeasyPrint writes it uncompressed (render.py): qpdf compresses each stream and
        # packs the small objects once, here, in C (~5 ms a fiche less than zlib level 9
        # in Python, then a copy; the same size). The same fiche, the same bytes.
        document.save(out, deterministic_id=True, object_stream_mode=OBJECT_STREAMS)
    return out.getvalue()


def _qr(code: QRPlacement, colour: str) -> bytes:
    """The code's dark modules as rectangles, one per horizontal run, in page points."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    size, runs = qr_runs(code.url)
    side = (size + 2 * QUIET) * code.module
    rects = " ".join(f"{x + QUIET} {y + QUIET} {length} 1 re" for y, x, length in runs)
    return (
        f"/Artifact BMC q 1 1 1 rg {code.x:.3f} {code.y - side:.3f} {side:.3f} {side:.3f} re f "
        f"{code.module:.4f} 0 0 {-code.module:.4f} {code.x:.3f} {code.y:.3f} cm "
        f"{r:.3f} {g:.3f} {b:.3f} rg {rects} f Q EMC\n"
    ).encode()


def _marks(page: pikepdf.Page) -> bytes:
    media = [float(v) for v in page.MediaBox]
    trim = [float(v) for v in page.TrimBox]
    lines = []
    for x in (trim[0], trim[2]):
        for y in (trim[1], trim[3]):
            out_x = media[0] if x == trim[0] else media[2]
            out_y = media[1] if y == trim[1] else media[3]
            inward_x = 1 if out_x < x else -1
            inward_y = 1 if out_y < y else -1
            lines.append((out_x, y, x - inward_x * GAP, y))  # horizontal, in the side bleed
            lines.append((x, out_y, x, y - inward_y * GAP))  # vertical, in the top/bottom bleed
    path = "".join(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l " for x1, y1, x2, y2 in lines)
    return (
        "/Artifact BMC q 0 J "
        f"1 1 1 RG {WEIGHT + 2 * HALO:.2f} w {path}S "
        f"0 0 0 RG {WEIGHT:.2f} w {path}S Q EMC\n"
    ).encode()
