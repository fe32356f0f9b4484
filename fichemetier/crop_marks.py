"""Crop marks for the print shop, drawn over the page in the bleed.

WeasyPrint's own `marks: crop` are painted with the page background, so the colour that
runs into the bleed (the header band) covers them. These are drawn last, black on a white
halo so that they show on any colour, as artifacts (decoration, outside the tag tree).
"""

from __future__ import annotations

import io

import pikepdf

#: Gap between the trim corner and its marks, and the halo around each mark (points).
GAP = 1.5
HALO = 1.2
WEIGHT = 0.3


def add_crop_marks(pdf: bytes) -> bytes:
    """The same PDF with crop marks at the four corners of each page's TrimBox."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            page.contents_add(b"q\n", prepend=True)
            page.contents_add(b"Q\n" + _marks(page), prepend=False)
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()


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
