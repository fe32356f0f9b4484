"""What a run asks of every PDF, beyond the fiche itself.

Kept apart from `render` so the command line and the build cache can use it without
importing WeasyPrint; every field is part of the cache key.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class RenderOptions:
    #: PDF/A-2u for archives instead of the default PDF/UA-1 (both tagged, see render.py).
    pdfa: bool = False

    def key(self) -> dict[str, object]:
        return asdict(self)
