"""Step 4c, finishing: what is drawn on the PDF after WeasyPrint, in one pikepdf pass.

- QR codes, as vector rectangles in the boxes the layout kept for them. WeasyPrint can
  draw them from inline SVG, but it parses SVG paths in Python: ten codes cost ~70 ms a
  fiche, this ~4 ms. They are drawn as artifacts: each one repeats a link that is tagged
  and readable (its short form), so a screen reader skips it.
- Crop marks for the print shop, in a slug: the MediaBox grows 7 mm beyond the 3 mm bleed
  (BleedBox) and each mark, 5 mm long, starts 0.5 mm outside the bleed, on white paper.
  WeasyPrint's own `marks: crop` lie inside its bleed, under the colour that runs into it.
- Print-shop black: marks and QR codes in 100 % K only (DeviceCMYK 0 0 0 1, or DeviceGray 0
  in a PDF/A file, whose sRGB intent forbids DeviceCMYK), never a four-colour black that a
  shop's RIP would build from RGB; and the PDF/X-4 identity (`pdfx`) beside it.
- The structure tree repaired for PDF/UA-1 and screen readers (`structure.repair`), and a
  PDF/A file declared PDF/UA-1 too: always, so every PDF goes through this pass.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pikepdf

from .pdfx import declare_pdfx4
from .qrcodes import QUIET, qr_runs
from .recent import Recent
from .structure import declare_pdfua, repair
from .tagging import ReadingNotes

MM = 72 / 25.4
#: Crop marks: gap between the bleed's edge and a mark, its length, the paper left beyond
#: it (the slug is the three), and its stroke (points).
MARK_GAP = 0.5 * MM
MARK_LENGTH = 5 * MM
SLUG = MARK_GAP + MARK_LENGTH + 1.5 * MM
WEIGHT = 0.3
#: Black ink, as (fill, stroke, white fill) operators: 100 % K.
BLACK_INK = {
    "cmyk": ("0 0 0 1 k", "0 0 0 1 K", "0 0 0 0 k"),
    "gray": ("0 g", "0 G", "1 g"),
}
OBJECT_STREAMS = pikepdf.ObjectStreamMode.generate
#: zlib's level as qpdf compresses (its default): a font deflated here is the very data
#: qpdf wrote (checked on the seed's four subsets, qpdf 12.4). The file differs only in
#: form: qpdf writes such a stream's /Filter before its other keys, and the /ID digests it.
FLATE_LEVEL = 6
#: Font files deflated (`_deflate_fonts`), by the digest of their bytes: ~13 KB each.
DEFLATED = Recent(64)


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
    #: Marks and QR codes in black ink, and the PDF/X-4 identity (print-shop files).
    black_ink: bool = False
    notes: ReadingNotes | None = None
    link_texts: dict[str, str] | None = None


def finish(pdf: bytes, codes: list[QRPlacement], colour: str, how: Finishing) -> bytes:
    """The same PDF with its tags repaired, its QR codes drawn, and crop marks if asked."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        repair(document, how.notes or ReadingNotes(), how.link_texts or {})
        if how.pdfa:
            declare_pdfua(document)
        ink = ink_of(how.black_ink, how.pdfa)
        if ink == "cmyk":
            declare_pdfx4(document, pdf)
        crop_marks = how.crop_marks
        for index, page in enumerate(document.pages):
            drawing = b"".join(_qr(code, colour, ink) for code in codes if code.page == index)
            if crop_marks:
                drawing += marks_drawing(page, ink)
            if drawing:
                page.contents_add(b"q\n", prepend=True)
                page.contents_add(b"Q\n" + drawing, prepend=False)
        _deflate_fonts(document)
        out = io.BytesIO()
        # WeasyPrint writes it uncompressed (render.py): qpdf compresses each stream and
        # packs the small objects once, here, in C (~5 ms a fiche less than zlib level 9
        # in Python, then a copy; the same size). The same fiche, the same bytes.
        document.save(out, deterministic_id=True, object_stream_mode=OBJECT_STREAMS)
    return out.getvalue()


def _deflate_fonts(document: pikepdf.Pdf) -> None:
    """The pages' font files, deflated as qpdf would at saving, from a cache: a warm
    process writes the same subsets again and again (weasyprint_internals._subset_cached),
    and deflating them is most of qpdf's time (~2 ms a fiche). qpdf leaves a stream that
    has a filter as it is."""
    done: set[tuple[int, int]] = set()
    empty = pikepdf.Dictionary()
    for page in document.pages:
        fonts: Any = page.obj.get("/Resources", empty).get("/Font", empty)
        for font in fonts.values():
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor: Any = descendant.get("/FontDescriptor", empty)
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    stream = descriptor.get(key)
                    if stream is None or stream.objgen in done or "/Filter" in stream:
                        continue
                    done.add(stream.objgen)
                    stream.write(
                        _deflated(stream.read_raw_bytes()), filter=pikepdf.Name.FlateDecode
                    )


def _deflated(data: bytes) -> bytes:
    key = hashlib.sha256(data).digest()
    if (kept := DEFLATED.recent(key)) is None:
        kept = zlib.compress(data, FLATE_LEVEL)
        DEFLATED.keep(key, kept)
    return kept


def _qr(code: QRPlacement, colour: str, ink: str | None) -> bytes:
    """The code's dark modules as rectangles, one per horizontal run, in page points: in
    the theme's colour, or in black ink for the print shop."""
    if ink:
        dark, _, white = BLACK_INK[ink]
    else:
        r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        dark, white = f"{r:.3f} {g:.3f} {b:.3f} rg", "1 1 1 rg"
    size, rects = qr_rects(code.url)
    side = (size + 2 * QUIET) * code.module
    return (
        f"/Artifact BMC q {white} {code.x:.3f} {code.y - side:.3f} {side:.3f} {side:.3f} re f "
        f"{code.module:.4f} 0 0 {-code.module:.4f} {code.x:.3f} {code.y:.3f} cm "
        f"{dark} {rects} f Q EMC\n"
    ).encode()


@lru_cache(maxsize=1024)
def qr_rects(url: str) -> tuple[int, str]:
    """The code's size in modules and its dark runs as `re` operators, in modules (the
    `cm` before them scales): the same for every fiche that prints the link, so made once
    (~2.5 ms a fiche of ten codes). 1 024 kept, ~12 KB each: a warm process meeting
    thousands of links stays ~12 MB above its start (4 096 with their runs: ~316 MB)."""
    size, runs = qr_runs(url)
    return size, " ".join(f"{x + QUIET} {y + QUIET} {length} 1 re" for y, x, length in runs)


def ink_of(black_ink: bool, pdfa: bool) -> str | None:
    """The black of marks and QR codes: 100 % K as DeviceCMYK for the press, DeviceGray 0
    with --pdfa (its sRGB output intent forbids DeviceCMYK); None: the theme's RGB."""
    return ("gray" if pdfa else "cmyk") if black_ink else None


def marks_drawing(page: pikepdf.Page, ink: str | None) -> bytes:
    """Grow the page by a slug around its bleed and draw the crop marks there: each one
    on the line of a trim edge, starting MARK_GAP outside the bleed, MARK_LENGTH long."""
    bleed = [float(v) for v in page.get("/BleedBox", page.MediaBox)]
    trim = [float(v) for v in page.TrimBox]
    page.BleedBox = pikepdf.Array(bleed)
    page.MediaBox = pikepdf.Array([*(v - SLUG for v in bleed[:2]), *(v + SLUG for v in bleed[2:])])
    if "/CropBox" in page.obj:
        page.CropBox = page.MediaBox
    lines = []
    for x, edge_x, out_x in ((trim[0], bleed[0], -1), (trim[2], bleed[2], 1)):
        for y, edge_y, out_y in ((trim[1], bleed[1], -1), (trim[3], bleed[3], 1)):
            start_x, start_y = edge_x + out_x * MARK_GAP, edge_y + out_y * MARK_GAP
            lines.append((start_x, y, start_x + out_x * MARK_LENGTH, y))  # horizontal
            lines.append((x, start_y, x, start_y + out_y * MARK_LENGTH))  # vertical
    path = "".join(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l " for x1, y1, x2, y2 in lines)
    stroke = BLACK_INK[ink][1] if ink else "0 0 0 RG"
    return f"/Artifact BMC q 0 J {stroke} {WEIGHT:.2f} w {path}S Q EMC\n".encode()
