"""The salary scale's geometry: where the bar, its graduations and the two markers of a
remuneration go, and where their labels fit.

Kept out of the template so it can be tested for any pair of amounts: the template only
draws what this computes (millimetres). The labels are measured with the bundled font's
own widths, so that none is clipped by the chart's edges or runs into the other. In a
narrow column two labels often cannot share a row: then each gets a row of its own, and
the upper one's marker line stops at its row so that the lower label never crosses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

from .typography import euros

#: The scale ends at least a quarter above the experienced salary…
HEADROOM = 1.25
#: …on a round amount: a round step (1, 2 or 5 × 10ⁿ €) times 2 to 10 graduations.
STEPS = (1, 2, 5)
GRADUATIONS = range(2, 11)
#: Gap between a marker and its label, and least gap between two labels (mm).
LABEL_GAP = 1.3
SEPARATION = 2.0
#: Font sizes (mm) of a marker's amount (bold) and its word, and of the scale's bounds.
AMOUNT_MM = 3.0
WORD_MM = 2.6
BOUND_MM = 2.3
#: Top of the first row of labels, height of a row (amount and word, as styles/fiche.css
#: sets them: 3 × 1.2 + 2.6 × 1.3 ≈ 7 mm, plus a gap) and of the chart with one row (mm).
LABEL_TOP = 6.4
ROW_MM = 8
HEIGHT = 16


@dataclass(frozen=True)
class Marker:
    x: float  # the marker's position on the scale (mm)
    amount: int
    label: str  # "débutant", "expérimenté"
    left: bool  # label drawn left of the marker (its right edge at x - LABEL_GAP)
    width: float  # the label's width (mm): its amount or its word, the wider
    row: int = 0  # 0: the labels' first row, 1: the second, under it

    @property
    def top(self) -> float:
        """The top of the label (mm from the chart's top)."""
        return round(LABEL_TOP + self.row * ROW_MM, 2)

    @property
    def box(self) -> tuple[float, float]:
        """The label's left and right edges (mm)."""
        if self.left:
            return (self.x - LABEL_GAP - self.width, self.x - LABEL_GAP)
        return (self.x + LABEL_GAP, self.x + LABEL_GAP + self.width)

    @property
    def text_x(self) -> float:
        """Where the label is anchored: its right edge if left of the marker, else its left."""
        return round(self.x - LABEL_GAP if self.left else self.x + LABEL_GAP, 2)


@dataclass(frozen=True)
class Echelle:
    width: float  # mm
    ceiling: int  # € at the right end of the scale
    step: int  # € between two graduations
    start: float  # mm, beginner's salary
    end: float  # mm, experienced salary
    markers: tuple[Marker, Marker]

    @property
    def rows(self) -> int:
        return 1 + max(m.row for m in self.markers)

    @property
    def height(self) -> float:
        """The chart's height (mm): one row of labels more when they take two."""
        return round(HEIGHT + (self.rows - 1) * ROW_MM, 2)

    def line_end(self, marker: Marker) -> float:
        """Where a marker's line stops (mm from the top): near the bottom of the chart, or
        at the foot of its label when the other label is on a row under it."""
        if marker.row < self.rows - 1:
            return round(LABEL_TOP + ROW_MM - 0.8, 2)
        return round(self.height - 0.8, 2)

    @property
    def span(self) -> float:
        return round(self.end - self.start, 2)

    @property
    def ticks(self) -> list[float]:
        """Where the graduations go (mm), both ends included."""
        count = self.ceiling // self.step
        return [round(self.width * i / count, 2) for i in range(count + 1)]


def echelle(debutant: int, experimente: int, width: float) -> Echelle:
    """The scale of a remuneration from `debutant` to `experimente` € drawn `width` mm wide."""
    ceiling, step = scale_end(experimente)
    start = round(width * debutant / ceiling, 2)
    end = round(width * experimente / ceiling, 2)
    first = (start, debutant, "débutant")
    second = (end, experimente, "expérimenté")
    markers = _placed(first, second, width)
    return Echelle(width, ceiling, step, start, end, markers)


def scale_end(experimente: int) -> tuple[int, int]:
    """The scale's right end and its step: the least round amount a quarter above
    `experimente` (5 000 € → 7 000 €, by steps of 1 000 €)."""
    target = experimente * HEADROOM
    candidates = []
    for power in range(7):
        for base, count in product(STEPS, GRADUATIONS):
            step = base * 10**power
            if step * count >= target:
                candidates.append((step * count, abs(count - 5), step))  # ~5 graduations
    ceiling, _, step = min(candidates)
    return ceiling, step


def _placed(first: tuple, second: tuple, width: float) -> tuple[Marker, Marker]:
    """The two markers with their labels on the sides that fit: both right of their
    marker if they can, else the beginner's on the left, and so on; never across the
    chart's edges, the other label, or the other marker's line. When no such pair fits
    on one row, the labels take two rows (the beginner's above if it can)."""
    sides = ((False, False), (True, False), (True, True), (False, True))
    for a, b in sides:
        pair = (_marker(*first, left=a), _marker(*second, left=b))
        if _fits(pair, width):
            return pair
    for upper, lower in ((0, 1), (1, 0)):
        for a, b in sides:
            pair = (_marker(*first, left=a, row=upper), _marker(*second, left=b, row=lower))
            if _fits_rows(pair, width):
                return pair
    raise ValueError(f"no room for the salary scale's labels in {width} mm")


def _fits(pair: tuple[Marker, Marker], width: float) -> bool:
    """Both labels on one row: inside the chart, apart and in the order of the amounts
    (markers a millimetre apart share a line: the beginner's label right of it and the
    experienced one's left would read 100 000 € before 99 999 €), none across the other's
    line."""
    first, second = pair
    (_, r1), (l2, _) = first.box, second.box
    apart = r1 + SEPARATION <= l2
    clear = not _crosses(first, second.x) and not _crosses(second, first.x)
    return _inside(first, width) and _inside(second, width) and apart and clear


def _fits_rows(pair: tuple[Marker, Marker], width: float) -> bool:
    """Labels on two rows: inside the chart, the upper one not across the line of the
    lower one's marker (which runs past it); the upper marker's line stops above the
    lower label."""
    upper, lower = sorted(pair, key=lambda m: m.row)
    return _inside(upper, width) and _inside(lower, width) and not _crosses(upper, lower.x)


def _inside(marker: Marker, width: float) -> bool:
    left, right = marker.box
    return left >= 0 and right <= width


def _crosses(marker: Marker, x: float) -> bool:
    """Whether the label of `marker` comes within 0.3 mm of a line at `x`."""
    left, right = marker.box
    return left - 0.3 < x < right + 0.3


def _marker(x: float, amount: int, label: str, *, left: bool, row: int = 0) -> Marker:
    size = max(text_width(euros(amount), AMOUNT_MM, bold=True), text_width(label, WORD_MM))
    return Marker(x, amount, label, left, round(size, 2), row)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of `text` set in Inter at `size` (mm), from the font's advance widths
    (a character missing from ADVANCES counts as an "m", the widest lowercase letter)."""
    advances = ADVANCES[bold]
    return sum(advances.get(c, advances["m"]) for c in text) * size / UNITS_PER_EM


#: Inter's advance widths (styles/fonts, in font units) of what the scale's labels hold:
#: figures, the two no-break spaces, €, and the letters of « débutant » and « expérimenté ».
#: Copied from the font rather than read at each run (reading its character map costs
#: ~90 ms a process); tests/test_echelle.py checks them against the font files.
UNITS_PER_EM = 2816
_CHARACTERS = "0123456789\u202f\u00a0€abdeimnprtuxé"
ADVANCES = {
    False: dict(zip(_CHARACTERS, (
        1760, 1308, 1704, 1792, 1808, 1712, 1756, 1608, 1736, 1756, 512, 792, 1872,
        1588, 1748, 1748, 1640, 668, 2448, 1648, 1716, 1048, 1024, 1636, 1520, 1640,
    ), strict=True)),
    True: dict(zip(_CHARACTERS, (
        1938, 1378, 1774, 1857, 1909, 1815, 1859, 1675, 1861, 1859, 435, 653, 1932,
        1634, 1789, 1789, 1683, 766, 2568, 1751, 1781, 1151, 1094, 1751, 1616, 1683,
    ), strict=True)),
}  # fmt: skip
