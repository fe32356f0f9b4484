"""What a warm process keeps for the next fiches, bounded.

A batch worker or the studio renders fiche after fiche: font subsets, their compressed
streams, SVG drawings and sets of stylesheets made for one are often what the next needs.
Each is kept in a `Recent`: at most so many entries (and, with a weight, so much in all),
the least recently used dropped first, so that a process meeting thousands of different
fiches stays within a few MB.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


class Recent(dict):
    """A dict of at most `most` entries and, with `weight`, at most `budget` of their
    weights in all; `recent` and `keep` mark an entry as the latest used."""

    def __init__(self, most: int, weight: Callable[[Any], int] | None = None, budget: int = 0):
        super().__init__()
        self.most, self.weight, self.budget = most, weight, budget

    def recent(self, key: Hashable) -> Any | None:
        """The value kept for `key` (now the latest used), or None."""
        value = self.pop(key, None)
        if value is not None:
            self[key] = value
        return value

    def keep(self, key: Hashable, value: Any) -> None:
        """Keep `value` as the latest used; drop the oldest beyond the bounds."""
        self.pop(key, None)
        self[key] = value
        while len(self) > self.most or (
            self.weight is not None and sum(map(self.weight, self.values())) > self.budget
        ):
            del self[next(iter(self))]
