"""The salary scale's geometry: where the bar and the two markers of a remuneration go.

Kept out of the template so it can be tested for any pair of amounts: the template only
draws what this computes (SVG, millimetres).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The scale ends a quarter above the experienced salary, rounded up to the thousand.
HEADROOM = 1.25
#: Closer than this (mm), the two labels would overlap: the first one goes left of its marker.
CLOSE_MM = 24
#: Gap between a marker and its label (mm).
LABEL_GAP = 1.3


@dataclass(frozen=True)
class Marker:
    x: float  # the marker's position on the scale (mm)
    amount: int
    label: str  # "débutant", "expérimenté"
    text_x: float  # where its label is anchored (mm)
    left: bool  # label drawn left of the marker (anchored at its end)


@dataclass(frozen=True)
class Echelle:
    width: float  # mm
    ceiling: float  # € at the right end of the scale
    start: float  # mm, beginner's salary
    end: float  # mm, experienced salary
    markers: tuple[Marker, Marker]

    @property
    def span(self) -> float:
        return round(self.end - self.start, 2)


def echelle(debutant: int, experimente: int, width: float) -> Echelle:
    """The scale of a remuneration from `debutant` to `experimente` € drawn `width` mm wide."""
    ceiling = math.ceil(experimente * HEADROOM / 1000) * 1000.0
    start = round(width * debutant / ceiling, 2)
    end = round(width * experimente / ceiling, 2)
    close = end - start < CLOSE_MM
    markers = (
        _marker(start, debutant, "débutant", left=close),
        _marker(end, experimente, "expérimenté", left=False),
    )
    return Echelle(width, ceiling, start, end, markers)


def _marker(x: float, amount: int, label: str, *, left: bool) -> Marker:
    text_x = x - LABEL_GAP if left else x + LABEL_GAP
    return Marker(x, amount, label, text_x, left)
