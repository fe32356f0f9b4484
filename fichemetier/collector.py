"""Python's garbage collector, set for rendering.

A layout makes tens of thousands of boxes and styles that live as long as their document:
with the default young generation (700) the collector ran ~330 times a fiche for nothing
(~8 % of a warm render), and ~100 times while a fresh process imports the libraries. The
renderer and `generate.py` (before the libraries load) both raise it here.
"""

from __future__ import annotations

import gc

#: The collector's young generation while a process renders.
YOUNG_GENERATION = 20_000


def raise_young_generation() -> None:
    """The young generation at YOUNG_GENERATION at least (the older ones as they are)."""
    young, *older = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_GENERATION), *older)
