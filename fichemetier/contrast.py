"""The theme's colours, and whether their text pairs stay readable (WCAG 2.2 contrast).

The colours live in styles/theme.css (`--couleur-accent: #b8275f;`); an edition may
override them (`fichemetier.edition`), so the pairs a fiche prints text in are checked
here, on whatever colours a run uses, rather than only once in a test on the defaults.
"""

from __future__ import annotations

import re
from pathlib import Path

from .paths import STYLES

#: The page itself: no variable, the paper.
PAPER = "#ffffff"
#: WCAG 2.2 (1.4.3, level AA) for body text. Held for every pair, large text included:
#: the theme meets it everywhere (its lowest pair, accent on fond-doux, is 5.4:1).
MINIMUM = 4.5
#: Every text colour on every background it is printed on (styles/fiche.css,
#: catalogue.css, the salary scale's SVG), as theme variable names; "papier" is the page.
PAIRS = (
    ("texte", "papier"),  # body text
    ("texte", "fond-doux"),  # text in the salary box
    ("discret", "papier"),  # footer, costs, link labels, the contents' levels
    ("discret", "fond-doux"),  # link labels and the scale's legend in the salary box
    ("titres", "papier"),  # section titles, running header
    ("titres", "fond-doux"),  # the quote, the salary box's title
    ("accent", "papier"),  # the contents' page numbers
    ("accent", "fond-doux"),  # the quote's author, amounts in the salary box
    ("lien", "papier"),  # short links beside QR codes
    ("lien", "fond-doux"),  # the same in the salary box
    ("bandeau-texte", "bandeau"),  # the job title, the cover
    ("bandeau", "rubrique"),  # the rubric's label
    ("badge-texte", "badge"),  # training levels
)


def theme_colours(path: Path = STYLES / "theme.css") -> dict[str, str]:
    """The theme's custom properties (`--couleur-accent` → `accent`), for what CSS cannot
    reach: the colours inside the salary chart's SVG, and the contrast checks."""
    text = path.read_text(encoding="utf-8")
    return {m[1]: m[2].strip() for m in re.finditer(r"--couleur-([\w-]+):\s*([^;]+);", text)}


def luminance(colour: str) -> float:
    """WCAG relative luminance of `#rrggbb` (sRGB channels linearised, then weighted)."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(one: str, two: str) -> float:
    """WCAG contrast ratio, 1 to 21, whichever colour is the lighter."""
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def weak_pairs(colours: dict[str, str]) -> list[tuple[str, str, float]]:
    """The pairs of PAIRS under MINIMUM with these colours: (text, background, ratio)."""
    palette = {**colours, "papier": PAPER}
    found = []
    for text, background in PAIRS:
        value = ratio(palette[text], palette[background])
        if value < MINIMUM:
            found.append((text, background, value))
    return found
