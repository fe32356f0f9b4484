"""Draw the « BAC + 3 (suite) » badges, one SVG per level (fiche.css uses them).

A level group that goes on in the next column or page shows its badge again there. CSS has
no way to repeat an element at a break, but WeasyPrint 70 repeats a box's decoration on
each fragment (`box-decoration-break: clone`): the group's background is this picture, and
on the group's first fragment the real badge (its heading) covers it. A background is an
artifact in the tagged PDF, and these letters are outlines, not text: a screen reader hears
the level once, and a copy of the page's text gets no hidden « (suite) ».

Units are tenths of the badge's font size (fiche.css scales the picture in em). Run again if
the levels (model.NIVEAUX), the badge colours (theme.css) or its type (fiche.css) change:

    .venv/bin/python styles/suite/make_badges.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
FONT = HERE.parent / "fonts" / "Inter-ExtraBold.otf"
#: As `h3.niveau span` in fiche.css: line height 1.42, padding 0.18em 0.9em, tracking 0.06em.
SIZE, LINE, PAD_Y, PAD_X, TRACKING = 10, 1.42, 1.8, 9.0, 0.6
BADGE, TEXT = "#0d4c6b", "#ffffff"  # theme.css: --couleur-badge, --couleur-badge-texte


def file_name(niveau: str) -> str:
    """`bac+3` → `bac-3.svg` (the name fiche.css asks for)."""
    return niveau.lower().replace("+", "-") + ".svg"


def badge(niveau: str, font: TTFont) -> str:
    """The SVG of one level's continuation badge: a pill and its label in outlines."""
    text = niveau.upper().replace("+", " + ") + " (suite)"
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    scale = SIZE / font["head"].unitsPerEm
    ascender, descender = font["hhea"].ascent * scale, -font["hhea"].descent * scale
    # The baseline of a CSS line box: the font's ascent and descent, centred in the line.
    baseline = PAD_Y + (SIZE * LINE - ascender - descender) / 2 + ascender
    pen, x = SVGPathPen(glyphs, ntos=lambda v: f"{v:.2f}".rstrip("0").rstrip(".")), PAD_X
    for char in text:
        name = cmap[ord(char)]
        glyphs[name].draw(TransformPen(pen, (scale, 0, 0, -scale, x, baseline)))
        x += glyphs[name].width * scale + TRACKING
    width, height = x - TRACKING + PAD_X, SIZE * LINE + 2 * PAD_Y
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.2f}" height="{height:.2f}"'
        f' viewBox="0 0 {width:.2f} {height:.2f}">'
        f'<rect width="{width:.2f}" height="{height:.2f}" rx="{height / 2:.2f}" fill="{BADGE}"/>'
        f'<path fill="{TEXT}" d="{pen.getCommands()}"/></svg>\n'
    )


def main() -> None:
    sys.path.insert(0, str(HERE.parent.parent))
    from fichemetier.model import NIVEAUX

    font = TTFont(FONT)
    for niveau in NIVEAUX:
        (HERE / file_name(niveau)).write_text(badge(niveau, font), encoding="utf-8")


if __name__ == "__main__":
    main()
